/* error.h: the caller-owned error struct every library function fills in.
 * For input errors it names file, line and column so a user can fix the cell. */
#ifndef VOUCH_ERROR_H
#define VOUCH_ERROR_H

typedef struct {
    char file[256];   /* the input's name as the user gave it; may be empty */
    long line;        /* 1-based physical line; 0 when not about a line */
    char column[128]; /* the column's header as written in the file; may be empty */
    char text[512];   /* the reason, lower-case, no trailing period */
} vouch_error_t;

void vouch_error_clear(vouch_error_t *err);
void vouch_error_set(vouch_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "FILE:LINE: column NAME: reason", leaving out the parts that are empty */
const char *vouch_error_format(const vouch_error_t *err, char *out, unsigned size);

#endif
