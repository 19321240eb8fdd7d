/* file.c: whole-file reads for small files, with a size limit. */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

char *vouch_file_read(const char *path, size_t max, size_t *len, vouch_error_t *err)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        vouch_error_set(err, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    vouch_buf_t b;
    vouch_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max) {
            vouch_error_set(err, "%s is larger than %zu bytes", path, max);
            goto fail;
        }
        vouch_buf_append(&b, chunk, n);
    }
    if (ferror(f)) {
        vouch_error_set(err, "cannot read %s: %s", path, strerror(errno));
        goto fail;
    }
    fclose(f);
    if (!b.data)
        vouch_buf_puts(&b, "");
    *len = b.len;
    return b.data;
fail:
    fclose(f);
    vouch_buf_free(&b);
    return NULL;
}
