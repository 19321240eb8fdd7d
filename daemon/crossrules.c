/* crossrules.c: run the rules that look across vouchers and ledgers over the
 * ledgers whose batches are all done, one transaction each, and take up
 * again a minute later those they failed on. The rules are SQL
 * (sql/005_cross_rules.sql); what they read comes from the policy vouchd
 * serves. The storing thread calls this between files. */
#include "crossrules.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "db.h"

#define S_RETRY_MS 60000 /* how long a ledger the rules failed on is passed over */
#define S_FAILED 16      /* failed ledgers remembered */

static struct {
    long long ledger_id;
    int64_t until_ms;
} s_failed[S_FAILED];

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the ledgers to pass over now, as a '{1,2}' array for SQL */
static void s_passed_over(char *out, size_t size)
{
    int64_t now = s_now_ms();
    size_t used = (size_t)snprintf(out, size, "{");
    for (int i = 0; i < S_FAILED; i++)
        if (s_failed[i].ledger_id && now < s_failed[i].until_ms && used + 24 < size)
            used += (size_t)snprintf(out + used, size - used, "%s%lld", used > 1 ? "," : "",
                                     s_failed[i].ledger_id);
    snprintf(out + used, size - used, "}");
}

static void s_remember_failed(long long ledger_id)
{
    int slot = 0;
    for (int i = 0; i < S_FAILED; i++)
        if (s_failed[i].ledger_id == ledger_id || s_failed[i].until_ms < s_failed[slot].until_ms)
            slot = i;
    s_failed[slot].ledger_id = ledger_id;
    s_failed[slot].until_ms = s_now_ms() + S_RETRY_MS;
}

int vouch_crossrules_next(PGconn *conn, const char *params, long long *ledger_id,
                          long long *findings, vouch_error_t *rule_err, vouch_error_t *err)
{
    char skip[S_FAILED * 24 + 4];
    s_passed_over(skip, sizeof skip);
    const char *ps[] = {skip};
    PGresult *r = vouch_db_exec(conn, err,
                                "SELECT ledger_id FROM ledgers WHERE analysed_at IS NOT NULL"
                                " AND cross_checked_at IS NULL AND ledger_id <> ALL ($1::bigint[])"
                                " ORDER BY ledger_id LIMIT 1",
                                1, ps);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    char id[24];
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    *ledger_id = atoll(id);
    if (vouch_db_cmd(conn, err, "BEGIN", 0, NULL) != 0)
        return -1;
    const char *p[] = {id, params};
    r = vouch_db_exec(conn, rule_err, "SELECT vouch_xr_ledger_done($1::bigint, $2::jsonb)", 2, p);
    if (r) {
        *findings = atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        /* a re-export: carry the auditors' work on the ledger it replaces
         * over, now that this one's findings are all in */
        r = vouch_db_exec(conn, rule_err, "SELECT vouch_supersede_reconcile($1::bigint)", 1, p);
    }
    if (r) {
        PQclear(r);
        if (vouch_db_cmd(conn, err, "UPDATE ledgers SET cross_error = NULL WHERE ledger_id = $1", 1,
                         p) != 0)
            return -1;
        return vouch_db_cmd(conn, err, "COMMIT", 0, NULL) == 0 ? 1 : -1;
    }
    if (vouch_db_lost(conn)) {
        *err = *rule_err;
        return -1;
    }
    /* the rules failed, not the connection */
    if (vouch_db_cmd(conn, err, "ROLLBACK", 0, NULL) != 0)
        return -1;
    s_remember_failed(*ledger_id);
    const char *pe[] = {id, rule_err->text};
    if (vouch_db_cmd(conn, err, "UPDATE ledgers SET cross_error = $2 WHERE ledger_id = $1", 2,
                     pe) != 0)
        return -1;
    return 2;
}
