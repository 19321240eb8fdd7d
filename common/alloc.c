/* alloc.c: allocation that aborts on exhaustion, and a growable buffer. */
#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_oom(size_t size)
{
    fprintf(stderr, "vouch: out of memory allocating %zu bytes\n", size);
    abort();
}

void *vouch_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        s_oom(size);
    return p;
}

void *vouch_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        s_oom(n * size);
    return p;
}

void *vouch_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        s_oom(size);
    return p;
}

char *vouch_strdup(const char *s)
{
    return vouch_strndup(s, strlen(s));
}

char *vouch_strndup(const char *s, size_t n)
{
    char *p = vouch_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *vouch_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = vouch_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void vouch_buf_init(vouch_buf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void vouch_buf_reserve(vouch_buf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = vouch_realloc(b->data, cap);
    b->cap = cap;
}

void vouch_buf_puts(vouch_buf_t *b, const char *s)
{
    vouch_buf_append(b, s, strlen(s));
}

void vouch_buf_printf(vouch_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    vouch_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void vouch_buf_reset(vouch_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void vouch_buf_free(vouch_buf_t *b)
{
    free(b->data);
    vouch_buf_init(b);
}
