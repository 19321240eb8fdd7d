/* error.c: filling and printing vouch_error_t. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void vouch_error_clear(vouch_error_t *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

void vouch_error_set(vouch_error_t *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
}

const char *vouch_error_format(const vouch_error_t *err, char *out, unsigned size)
{
    int n = 0;
    out[0] = '\0';
    if (err->file[0] && err->line > 0)
        n = snprintf(out, size, "%s:%ld: ", err->file, err->line);
    else if (err->file[0])
        n = snprintf(out, size, "%s: ", err->file);
    else if (err->line > 0)
        n = snprintf(out, size, "line %ld: ", err->line);
    if (n < 0 || (unsigned)n >= size)
        return out;
    if (err->column[0]) {
        int m = snprintf(out + n, size - (unsigned)n, "column %s: ", err->column);
        if (m < 0 || (unsigned)(n + m) >= size)
            return out;
        n += m;
    }
    snprintf(out + n, size - (unsigned)n, "%s", err->text);
    return out;
}
