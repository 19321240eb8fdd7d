/* vscan.h: which vouchers the voucher rules (UNBALANCED_VOUCHER,
 * PREPARER_IS_REVIEWER, sql/015) can find anything in, decided from the
 * lines as they stream into COPY, so that PostgreSQL runs them over those
 * vouchers' lines only instead of grouping the whole ledger twice.
 *
 * It errs one way only: a voucher it cannot settle (a name that folding might
 * change, a voucher whose lines are not together) is a candidate; the SQL
 * decides. */
#ifndef VOUCH_VSCAN_H
#define VOUCH_VSCAN_H

#include <stdbool.h>

#include "voucher.h"

typedef struct vouch_vscan vouch_vscan_t;

/* From the voucher rules' parameters (ledger_rules.h JSON, its "books");
 * NULL when they have none (the rules then run over every voucher). */
vouch_vscan_t *vouch_vscan_new(const char *ledger_rules);
void vouch_vscan_destroy(vouch_vscan_t **self_p);

/* Each line in file order; new_voucher when it starts a run of a voucher. */
void vouch_vscan_line(vouch_vscan_t *self, const vouch_line_t *l, bool new_voucher);

/* After the last line: the seqs of the candidates' lines as a PostgreSQL
 * array ("{3,4,5}"), or NULL when the scan cannot stand for the rules (a
 * voucher in more than one run, or too many candidates): run them over
 * every voucher. runs_are_vouchers: the ledger has as many vouchers as runs. */
const char *vouch_vscan_finish(vouch_vscan_t *self, bool runs_are_vouchers);
/* how many lines the candidates hold */
long vouch_vscan_count(const vouch_vscan_t *self);

#endif
