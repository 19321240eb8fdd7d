/* text.h: UTF-8 text helpers: validation, NFKC (utf8proc), white-space folding,
 * display width for aligning Chinese in terminal tables, code-point counts. */
#ifndef VOUCH_TEXT_H
#define VOUCH_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "alloc.h"

/* true when s[0..len) is well-formed UTF-8 */
bool vouch_text_valid_utf8(const char *s, size_t len);

/* Copy src[0..len) into dst[size], NUL-terminated, cut (when too long)
 * between UTF-8 characters, never inside one. Nothing when size is 0. */
void vouch_text_copy(char *dst, size_t size, const char *src, size_t len);

/* NFKC-normalise s[0..len) and trim leading/trailing white space (ASCII and
 * U+3000). Returns a new string the caller frees, or NULL if s is not UTF-8. */
char *vouch_text_nfkc(const char *s, size_t len);

/* NFKC and then remove all white space (ASCII, U+3000, U+00A0, and the Unicode
 * Zs category): the form RULES.md compares text in. New string, or NULL if not UTF-8. */
char *vouch_text_fold(const char *s);

/* vouch_text_nfkc and vouch_text_fold of s[0..len), appended to out (which
 * stays NUL-terminated) rather than returned: for a reader that normalises
 * every cell of a line into one buffer it reuses. Return 0, or -1 with out
 * unchanged if s is not UTF-8. */
int vouch_text_nfkc_append(vouch_buf_t *out, const char *s, size_t len);
int vouch_text_fold_append(vouch_buf_t *out, const char *s, size_t len);

/* Number of code points (for "longer than six characters"). Invalid bytes count one each. */
size_t vouch_text_length(const char *s);

/* Terminal columns s occupies: East Asian wide and full-width characters count 2. */
int vouch_text_width(const char *s);

/* s with every byte that is not part of well-formed UTF-8 replaced by U+FFFD:
 * for names from outside (a GBK file name) that go into JSON or messages.
 * New string. */
char *vouch_text_sanitize(const char *s);

/* Replace every ASCII control character (and DEL) of s by a space, in
 * place: text a peer sent, before it goes into a log line or a file name,
 * where a newline could forge a line. Returns s. */
char *vouch_text_no_controls(char *s);

/* true if s ends with the UTF-8 string suffix */
bool vouch_text_ends_with(const char *s, const char *suffix);

#endif
