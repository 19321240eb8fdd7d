/* import.h: one entry for every export shape vouch reads. The shape is told
 * by the bytes, never the file's name: JSON Lines start with '{', anything else
 * is delimited text (Excel readers join here later). */
#ifndef VOUCH_IMPORT_H
#define VOUCH_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "csv_import.h"

typedef enum { VOUCH_IMPORT_CSV, VOUCH_IMPORT_JSONL } vouch_import_kind_t;

typedef struct vouch_import_t vouch_import_t;

/* The shape of a file that starts with head[0..n) (n may be short). */
vouch_import_kind_t vouch_import_sniff(const char *head, size_t n);
const char *vouch_import_kind_name(vouch_import_kind_t kind); /* "csv", "jsonl" */

/* A reader of that shape; opts and fn as for vouch_csv_import_new. */
vouch_import_t *vouch_import_new(vouch_import_kind_t kind, const vouch_csv_import_opts_t *opts,
                                 vouch_csv_line_fn *fn, void *arg);
void vouch_import_destroy(vouch_import_t **self_p);
int vouch_import_feed(vouch_import_t *self, const char *data, size_t len, vouch_error_t *err);
int vouch_import_finish(vouch_import_t *self, vouch_error_t *err);
const vouch_csv_import_stats_t *vouch_import_stats(const vouch_import_t *self);
uint64_t vouch_import_fields(const vouch_import_t *self);
vouch_import_kind_t vouch_import_kind(const vouch_import_t *self);

#endif
