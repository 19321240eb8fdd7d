/* alloc.h: the one allocator wrapper. Out of memory aborts here, so callers
 * never check for NULL after allocating. */
#ifndef VOUCH_ALLOC_H
#define VOUCH_ALLOC_H

#include <stddef.h>
#include <string.h>

void *vouch_malloc(size_t size);
void *vouch_calloc(size_t n, size_t size);
void *vouch_realloc(void *ptr, size_t size);
char *vouch_strdup(const char *s);
char *vouch_strndup(const char *s, size_t n);
/* printf into a new string; the caller owns it */
char *vouch_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated after data[len]. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} vouch_buf_t;

void vouch_buf_init(vouch_buf_t *b);
void vouch_buf_reserve(vouch_buf_t *b, size_t extra);
void vouch_buf_puts(vouch_buf_t *b, const char *s);

/* Inline, since the readers call these for every cell of every line and
 * seldom need the buffer to grow. */
static inline void vouch_buf_append(vouch_buf_t *b, const void *data, size_t len)
{
    if (b->len + len + 1 > b->cap)
        vouch_buf_reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

static inline void vouch_buf_putc(vouch_buf_t *b, char c)
{
    if (b->len + 2 > b->cap)
        vouch_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
void vouch_buf_printf(vouch_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vouch_buf_reset(vouch_buf_t *b);
void vouch_buf_free(vouch_buf_t *b);

#endif
