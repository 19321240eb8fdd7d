/* decode.h: the edge where exported bytes become UTF-8, streaming. The
 * encoding is chosen once per file: a BOM (UTF-8, UTF-16LE, UTF-16BE), else
 * UTF-16 told by its NUL bytes, else strict UTF-8 or GB18030 (iconv) by the
 * first 4 KiB that hold non-ASCII bytes. Everything after this is UTF-8. */
#ifndef VOUCH_DECODE_H
#define VOUCH_DECODE_H

#include <stddef.h>

#include "error.h"

/* Stands in the output for each byte that could not be decoded. 0xff never
 * occurs in UTF-8, so whoever splits the text into cells can name the cell
 * and line that hold it instead of the decoder guessing at them. */
#define VOUCH_DECODE_BAD '\xff'

/* How many bytes after the first non-ASCII one decide UTF-8 or GB18030. */
#define VOUCH_DECODE_GUESS_BYTES 4096

typedef struct vouch_decode_t vouch_decode_t;

/* Receives the decoded text in file order: UTF-8, whole characters, with
 * VOUCH_DECODE_BAD bytes where input could not be read. text is borrowed for
 * the call. Return 0 to go on, -1 to stop the decoder. */
typedef int(vouch_decode_fn)(void *arg, const char *text, size_t len);

/* Returns a new decoder that hands its text to fn. */
vouch_decode_t *vouch_decode_new(vouch_decode_fn *fn, void *arg);
void vouch_decode_destroy(vouch_decode_t **self_p);

/* The next chunk of the file (any size; may split a character). Returns 0, or
 * -1 when fn stopped (err untouched: fn knows why) or when the text cannot be
 * converted at all (err filled, e.g. iconv lacks GB18030). */
int vouch_decode_feed(vouch_decode_t *self, const char *data, size_t len, vouch_error_t *err);

/* End of file: decides if still undecided and flushes what was held (an
 * incomplete last character comes out as VOUCH_DECODE_BAD bytes). Same returns. */
int vouch_decode_finish(vouch_decode_t *self, vouch_error_t *err);

/* The encoding as a user reads it: "UTF-8", "UTF-8 (BOM)", "UTF-16LE",
 * "UTF-16BE", "UTF-16LE (no BOM)", "UTF-16BE (no BOM)", "GB18030"; "" while
 * undecided. A static string. */
const char *vouch_decode_encoding(const vouch_decode_t *self);

/* The character set alone ("UTF-8", "UTF-16LE", "UTF-16BE", "GB18030"), for
 * "not GB18030 text"; "UTF-8" while undecided. A static string. */
const char *vouch_decode_charset(const vouch_decode_t *self);

/* The first bytes that could not be decoded, in hex from the first bad one
 * ("b0 ec b9 ab", at most four), or "" when there were none. Borrowed. */
const char *vouch_decode_bad_bytes(const vouch_decode_t *self);

#endif
