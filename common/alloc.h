/* alloc.h: the one allocator wrapper. Out of memory aborts here, so callers
 * never check for NULL after allocating. */
#ifndef VOUCH_ALLOC_H
#define VOUCH_ALLOC_H

#include <stddef.h>

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
void vouch_buf_append(vouch_buf_t *b, const void *data, size_t len);
void vouch_buf_puts(vouch_buf_t *b, const char *s);
void vouch_buf_putc(vouch_buf_t *b, char c);
void vouch_buf_printf(vouch_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vouch_buf_reset(vouch_buf_t *b);
void vouch_buf_free(vouch_buf_t *b);

#endif
