/* import.h: one entry for every export shape vouch reads. The shape is told
 * by the bytes, never the file's name: a zip is an .xlsx workbook, an OLE2
 * compound file an .xls, JSON Lines start with '{', anything else is
 * delimited text. */
#ifndef VOUCH_IMPORT_H
#define VOUCH_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csv_import.h"

typedef enum {
    VOUCH_IMPORT_CSV,
    VOUCH_IMPORT_JSONL,
    VOUCH_IMPORT_XLSX,
    VOUCH_IMPORT_XLS
} vouch_import_kind_t;

typedef struct vouch_import_t vouch_import_t;

/* The shape of a file that starts with head[0..n) (n may be short). */
vouch_import_kind_t vouch_import_sniff(const char *head, size_t n);
/* "csv", "jsonl", "xlsx", "xls": what ledgers.format records */
const char *vouch_import_kind_name(vouch_import_kind_t kind);

/* A reader of that shape; opts and fn as for vouch_csv_import_new. */
vouch_import_t *vouch_import_new(vouch_import_kind_t kind, const vouch_csv_import_opts_t *opts,
                                 vouch_csv_line_fn *fn, void *arg);
void vouch_import_destroy(vouch_import_t **self_p);

/* Streaming, for the text shapes: feed chunks, then finish. A workbook cannot
 * be streamed (a zip's directory is at its end): feeding one is refused. */
int vouch_import_feed(vouch_import_t *self, const char *data, size_t len, vouch_error_t *err);
int vouch_import_finish(vouch_import_t *self, vouch_error_t *err);

/* The whole file: f open at its start, path the same file (a workbook is read
 * by path). Sniffs the shape from the first bytes, makes the reader into *out
 * (the caller asks it what it read and destroys it, also after a failure) and
 * reads everything through it. Returns 0, or -1 with err filled: file, line,
 * column and reason. */
int vouch_import_file(FILE *f, const char *path, const vouch_csv_import_opts_t *opts,
                      vouch_csv_line_fn *fn, void *arg, vouch_import_t **out, vouch_error_t *err);

const vouch_csv_import_stats_t *vouch_import_stats(const vouch_import_t *self);
uint64_t vouch_import_fields(const vouch_import_t *self);
vouch_import_kind_t vouch_import_kind(const vouch_import_t *self);
/* As vouch_csv_import_header; 0 for JSON Lines, which has no header row. */
int vouch_import_header(const vouch_import_t *self, const char *const **names, const int **fields);
/* The sheet a workbook was read from, "" for the text shapes. */
const char *vouch_import_sheet(const vouch_import_t *self);

#endif
