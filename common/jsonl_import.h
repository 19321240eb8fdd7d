/* jsonl_import.h: the reader of JSON Lines voucher exports (费控 and
 * e-voucher systems): one voucher a line, its lines[] in canonical field
 * names and its documents[]. Same contract as csv_import: bytes in by chunks,
 * lines out by callback, the first error stops it and names line and field. */
#ifndef VOUCH_JSONL_IMPORT_H
#define VOUCH_JSONL_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "csv_import.h"
#include "error.h"

typedef struct vouch_jsonl_import_t vouch_jsonl_import_t;

/* opts and fn as for vouch_csv_import_new. A voucher's documents reach fn as
 * VOUCH_T_DOCUMENTS of its first line: a JSON array of
 * {"kind", "number", "date" (YYYY-MM-DD or null), "signed" (true, false or
 * null when absent)}; its other lines carry "". */
vouch_jsonl_import_t *vouch_jsonl_import_new(const vouch_csv_import_opts_t *opts,
                                             vouch_csv_line_fn *fn, void *arg);
void vouch_jsonl_import_destroy(vouch_jsonl_import_t **self_p);
int vouch_jsonl_import_feed(vouch_jsonl_import_t *self, const char *data, size_t len,
                            vouch_error_t *err);
int vouch_jsonl_import_finish(vouch_jsonl_import_t *self, vouch_error_t *err);
const vouch_csv_import_stats_t *vouch_jsonl_import_stats(const vouch_jsonl_import_t *self);
/* the canonical fields any voucher of the file carried (bits of vouch_csv_field_t) */
uint64_t vouch_jsonl_import_fields(const vouch_jsonl_import_t *self);

#endif
