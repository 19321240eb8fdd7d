/* crossrules.h: vouchd's side of the rules that look across vouchers and
 * ledgers (SPLIT_PURCHASE, DUPLICATE_PAYMENT, SEQUENCE_GAP; sql/005_cross_rules.sql,
 * workers/ledger_rules.h). They run in PostgreSQL when a ledger's batches are
 * all done, in the transaction that marks it analysed, so `vouchctl ingest
 * --wait` returns once their findings are stored; a ledger they could not run
 * over (they failed, or it was analysed before they existed) is taken up
 * again by the tick. */
#ifndef VOUCH_CROSSRULES_H
#define VOUCH_CROSSRULES_H

#include "error.h"
#include "server.h"

/* Run the rules over a ledger whose batches are all done, on the main loop's
 * connection: inside the caller's transaction under a savepoint (or in one of
 * its own when there is none), so that rules that fail never undo what the
 * caller stores; such a ledger is noted and left for vouch_crossrules_tick.
 * Returns 0, or -1 when the connection failed (err says why). */
int vouch_crossrules_ledger_done(vouch_server_t *self, const char *ledger_id, vouch_error_t *err);

/* Run the rules over one analysed ledger they have not run over, the oldest
 * first; looks again a second later, or a minute after a failure. */
void vouch_crossrules_tick(vouch_server_t *self);

#endif
