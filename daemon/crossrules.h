/* crossrules.h: vouchd's side of the rules that look across vouchers and
 * ledgers (SPLIT_PURCHASE, DUPLICATE_PAYMENT, SEQUENCE_GAP; sql/005_cross_rules.sql,
 * workers/ledger_rules.h). They run in PostgreSQL over a ledger once its
 * batches are all done (analysed_at), on the storing thread's connection, so
 * that however long they take vouchd's main loop keeps serving; `vouchctl
 * ingest --wait` waits for them too (cross_checked_at). */
#ifndef VOUCH_CROSSRULES_H
#define VOUCH_CROSSRULES_H

#include <libpq-fe.h>
#include <stdint.h>

#include "error.h"

/* Run the rules over the oldest analysed ledger they have not run over yet
 * (none due before retry_after_ms: see below), in a transaction of its own.
 * params is the JSON the rules read (vouch_ledger_rules_params). Returns 1
 * when a ledger was checked (*ledger_id, *findings filled), 0 when none was
 * due, -1 when the database failed (err), and 2 when the rules failed on a
 * ledger (rule_err says why, *ledger_id which, ledgers.cross_error keeps
 * it): it is passed over for a minute, then taken up again. */
int vouch_crossrules_next(PGconn *conn, const char *params, long long *ledger_id,
                          long long *findings, vouch_error_t *rule_err, vouch_error_t *err);

#endif
