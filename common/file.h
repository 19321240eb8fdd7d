/* file.h: reading a whole small file (a policy, a migration) into memory.
 * Voucher exports are never read this way: they are streamed. */
#ifndef VOUCH_FILE_H
#define VOUCH_FILE_H

#include <stddef.h>

#include "error.h"

/* The file's bytes, NUL-terminated (a new string), and their count in *len.
 * NULL with err (naming path) when it cannot be read or holds more than max bytes. */
char *vouch_file_read(const char *path, size_t max, size_t *len, vouch_error_t *err);

#endif
