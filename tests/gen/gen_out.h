/* gen_out.h: writing what the generator books: ledgers (CSV in the seed
 * case's columns, or JSON Lines with documents[]), one file per unit or per
 * unit and month, and the labels (the findings planted, one JSON object a
 * line) and decoys (where a rule must stay silent) beside them. */
#ifndef VOUCH_GEN_OUT_H
#define VOUCH_GEN_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "gen_voucher.h"

typedef struct vouch_gen_out_t vouch_gen_out_t;

typedef struct {
    const char *dir;         /* where the ledgers go */
    int format;              /* VOUCH_GEN_CSV or VOUCH_GEN_JSONL */
    bool split_months;       /* a file per unit and month */
    const char *labels_path; /* NULL: none */
    const char *decoys_path; /* NULL: none */
    int year;
} vouch_gen_out_opts_t;

typedef struct {
    long files, lines, vouchers, labels, decoys;
} vouch_gen_out_stats_t;

/* Returns a new writer, or NULL with err filled (a file that cannot be made). */
vouch_gen_out_t *vouch_gen_out_new(const vouch_gen_out_opts_t *opts, vouch_error_t *err);

/* Write voucher v of org as WORD-number in period month: its lines, and its
 * marks that hold for this format into the labels or decoys. Opens the
 * unit's (or the unit's month's) file on its first voucher. 0, or -1 with
 * err filled. */
int vouch_gen_out_voucher(vouch_gen_out_t *self, const vouch_gen_org_t *org, int month,
                          const vouch_gen_voucher_t *v, const char *word, int number,
                          vouch_error_t *err);

/* Close every file, checking that all was written. 0, or -1 with err filled. */
int vouch_gen_out_finish(vouch_gen_out_t *self, vouch_error_t *err);

const vouch_gen_out_stats_t *vouch_gen_out_stats(const vouch_gen_out_t *self);

void vouch_gen_out_destroy(vouch_gen_out_t **self_p);

#endif
