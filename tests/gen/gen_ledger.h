/* gen_ledger.h: a labelled synthetic ledger, unit by unit and month by month:
 * the fixed vouchers, the planted ones and the day-to-day ones merged in date
 * order and numbered per period and voucher word, streamed to the writer. */
#ifndef VOUCH_GEN_LEDGER_H
#define VOUCH_GEN_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "gen_out.h"

typedef struct {
    const char *dir;
    int format; /* VOUCH_GEN_CSV or VOUCH_GEN_JSONL */
    bool split_months;
    const char *labels_path, *decoys_path;
    uint64_t seed;
    long lines;    /* about how many, over all units; the planted and fixed
                      vouchers are written whatever the number */
    int orgs;      /* how many units */
    int first_org; /* the first unit's index: test runs that share a
                      database take units of their own */
    int year;
} vouch_gen_ledger_opts_t;

/* Write the ledgers. 0, or -1 with err filled; stats gets the counts. */
int vouch_gen_ledger_run(const vouch_gen_ledger_opts_t *opts, vouch_gen_out_stats_t *stats,
                         vouch_error_t *err);

#endif
