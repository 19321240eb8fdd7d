/* crossrules.c: run the rules that look across vouchers and ledgers when a
 * ledger's batches are all done, and take up again the ledgers they could not
 * run over. The rules are SQL (sql/005_cross_rules.sql); what they read comes
 * from the policy vouchd serves (self->ledger_rules). */
#include "crossrules.h"

#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "log.h"

#define S_LOOK_MS 1000   /* how often the tick looks for ledgers left unchecked */
#define S_RETRY_MS 60000 /* and how long it waits after rules that failed */

int vouch_crossrules_ledger_done(vouch_server_t *self, const char *ledger_id, vouch_error_t *err)
{
    PGconn *c = self->conn;
    /* the caller's transaction (a batch's findings) keeps its own fate */
    bool own = PQtransactionStatus(c) == PQTRANS_IDLE;
    if (vouch_db_cmd(c, err, own ? "BEGIN" : "SAVEPOINT vouch_crossrules", 0, NULL) != 0)
        return -1;
    vouch_error_t rerr;
    vouch_error_clear(&rerr);
    const char *p[] = {ledger_id, self->ledger_rules};
    PGresult *r =
        vouch_db_exec(c, &rerr, "SELECT vouch_xr_ledger_done($1::bigint, $2::jsonb)", 2, p);
    if (r) {
        long long n = atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        if (vouch_db_cmd(c, err, own ? "COMMIT" : "RELEASE SAVEPOINT vouch_crossrules", 0, NULL) !=
            0)
            return -1;
        self->findings_stored += n;
        if (n)
            vouch_info("ledger %s: %lld findings across vouchers and ledgers", ledger_id, n);
        return 0;
    }
    if (vouch_db_lost(c)) {
        *err = rerr;
        return -1;
    }
    /* the rules failed, not the connection: undo them alone */
    if (vouch_db_cmd(c, err, own ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT vouch_crossrules", 0,
                     NULL) != 0)
        return -1;
    vouch_server_note_error(self, "ledger %s: cross-voucher rules failed, will try again: %s",
                            ledger_id, rerr.text);
    self->ledger_rules_next_ms = vouch_server_now_ms() + S_RETRY_MS;
    return 0;
}

void vouch_crossrules_tick(vouch_server_t *self)
{
    int64_t now = vouch_server_now_ms();
    if (!self->db_up || now < self->ledger_rules_next_ms)
        return;
    self->ledger_rules_next_ms = now + S_LOOK_MS;
    vouch_error_t err;
    vouch_error_clear(&err);
    PGresult *r = vouch_db_exec(self->conn, &err,
                                "SELECT ledger_id FROM ledgers WHERE analysed_at IS NOT NULL"
                                " AND cross_checked_at IS NULL ORDER BY ledger_id LIMIT 1",
                                0, NULL);
    if (!r) {
        vouch_server_db_failed(self, err.text);
        return;
    }
    if (PQntuples(r) == 1) {
        char id[24];
        snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
        /* the next one at the next tick: a backlog never holds the loop long */
        self->ledger_rules_next_ms = now;
        if (vouch_crossrules_ledger_done(self, id, &err) != 0)
            vouch_server_db_failed(self, err.text);
    }
    PQclear(r);
}
