/* dispatch.c: batches out to workers, findings back into PostgreSQL.
 * A batch is marked dispatched only once a worker's pipe took it; findings and
 * the batch's "done" are one transaction, and findings are ON CONFLICT DO
 * NOTHING on (line, rule): a batch answered twice is stored once. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "db.h"
#include "log.h"
#include "server.h"
#include "text.h"

/* SELECT list of a batch's lines; s_line_from_row reads it in this order */
#define S_LINE_COLUMNS                                                                             \
    "seq, debit, credit, file_line, voucher_date, business_date, approval_date, voucher_no,"       \
    " line_no, attachments, fiscal_year, period, o.name, voucher_word, voucher_raw, src_line_no,"  \
    " summary, account_code,"                                                                      \
    " account_name, func_code, econ_code, indicator, department, project, claimant, payee,"        \
    " payee_account, payment_method, procurement_method, contract_no, invoice_no,"                 \
    " document_dates, preparer, documents::text, reviewer"
#define S_FIRST_TEXT 12

static int32_t s_date(PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return VOUCH_DATE_NONE;
    int32_t d = VOUCH_DATE_NONE;
    const char *v = PQgetvalue(r, row, col);
    vouch_date_parse(v, strlen(v), &d);
    return d;
}

static void s_line_from_row(PGresult *r, int row, vouch_line_t *l)
{
    l->seq = atoll(PQgetvalue(r, row, 0));
    l->debit = atoll(PQgetvalue(r, row, 1));
    l->credit = atoll(PQgetvalue(r, row, 2));
    l->file_line = atoi(PQgetvalue(r, row, 3));
    l->voucher_date = s_date(r, row, 4);
    l->business_date = s_date(r, row, 5);
    l->approval_date = s_date(r, row, 6);
    l->voucher_no = atoi(PQgetvalue(r, row, 7));
    l->line_no = atoi(PQgetvalue(r, row, 8));
    l->attachments = PQgetisnull(r, row, 9) ? VOUCH_ATTACH_UNKNOWN : atoi(PQgetvalue(r, row, 9));
    l->fiscal_year = (int16_t)atoi(PQgetvalue(r, row, 10));
    l->period = (int16_t)atoi(PQgetvalue(r, row, 11));
    /* the text columns follow in vouch_text_field_t order; PQgetvalue gives ""
     * for NULL, which is what a blank field is */
    for (int t = 0; t < VOUCH_T_COUNT; t++)
        l->text[t] = PQgetvalue(r, row, S_FIRST_TEXT + t);
}

/* '{"30201%",...}': codes (digits: the policy checks) as LIKE ANY patterns,
 * matched by prefix. A new string. */
static char *s_like_array(const vouch_policy_codes_t *codes)
{
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_buf_putc(&b, '{');
    for (size_t i = 0; codes && i < codes->n; i++)
        vouch_buf_printf(&b, "%s\"%s%%\"", i ? "," : "", codes->items[i]);
    vouch_buf_putc(&b, '}');
    return b.data;
}

/* The contract totals a ledger's PROCUREMENT_BYPASS needs: for each contract
 * its lines touch, its in-scope lines over all the org's ledgers, each payment
 * once as the rules read it (RULES.md): the financial-book lines, and the
 * budget-book lines of vouchers with no financial expense line (a purchase
 * booked to 1601 固定资产 on the financial side); scope and books as the
 * profile says. One query per ledger, kept while its batches go out: per
 * batch, the same query cost 2 to 3 s each on a 200,000-line ledger. An
 * object {contract: total}, owned by self, or NULL with err. */
static json_t *s_contracts(vouch_server_t *self, const vouch_policy_t *policy, const char *org_id,
                           const char *ledger_id, vouch_error_t *err)
{
    long long id = atoll(ledger_id);
    if (self->contracts && self->contracts_ledger == id && self->contracts_policy == policy &&
        self->contracts_files == self->files_stored)
        return self->contracts;
    json_decref(self->contracts);
    self->contracts = NULL;
    char *scope = s_like_array(vouch_policy_codes(policy, VOUCH_POLICY_PROCUREMENT_SCOPE));
    char *financial = s_like_array(vouch_policy_codes(policy, VOUCH_POLICY_FINANCIAL_EXPENSE));
    char *budget = s_like_array(vouch_policy_codes(policy, VOUCH_POLICY_BUDGET_EXPENSE));
    const char *p[] = {org_id, ledger_id, scope, financial, budget};
    PGresult *r = vouch_db_exec(
        self->conn, err,
        /* the ledger's contracts as an array, found once: a ledger just
         * stored has no statistics, and as a join the planner read them again
         * for every line of the unit's (5 s against 0.2 s) */
        "SELECT contract_no, sum(debit) FROM lines l WHERE org_id = $1 AND contract_no = ANY ("
        " ARRAY(SELECT DISTINCT contract_no FROM lines WHERE ledger_id = $2"
        " AND contract_no IS NOT NULL)) AND debit > 0 AND econ_code LIKE ANY ($3::text[])"
        " AND NOT vouch_superseded(l.ledger_id)"
        " AND (account_code LIKE ANY ($4::text[]) OR (account_code LIKE ANY ($5::text[])"
        "  AND NOT EXISTS (SELECT 1 FROM lines f WHERE f.org_id = l.org_id"
        "   AND f.fiscal_year = l.fiscal_year AND f.period = l.period"
        "   AND f.voucher_word = l.voucher_word AND f.voucher_no = l.voucher_no"
        "   AND f.ledger_id = l.ledger_id AND f.debit > 0 AND f.econ_code ~ '^ *[0-9]'"
        "   AND f.account_code LIKE ANY ($4::text[]))))"
        " GROUP BY contract_no",
        5, p);
    free(scope);
    free(financial);
    free(budget);
    if (!r)
        return NULL;
    json_t *o = json_object();
    for (int i = 0; i < PQntuples(r); i++)
        json_object_set_new(o, PQgetvalue(r, i, 0), json_integer(atoll(PQgetvalue(r, i, 1))));
    PQclear(r);
    self->contracts = o;
    self->contracts_ledger = id;
    self->contracts_policy = policy;
    self->contracts_files = self->files_stored;
    return o;
}

/* The totals of the contracts a batch's lines name: [[contract, total]...] */
static json_t *s_batch_contracts(const json_t *totals, const vouch_line_t *lines, int n)
{
    json_t *a = json_array();
    json_t *seen = json_object();
    for (int i = 0; i < n; i++) {
        const char *c = lines[i].text[VOUCH_T_CONTRACT_NO];
        const json_t *t = c && *c ? json_object_get(totals, c) : NULL;
        if (!t || json_object_get(seen, c))
            continue;
        json_object_set_new(seen, c, json_true());
        json_array_append_new(a, json_pack("[s, I]", c, json_integer_value(t)));
    }
    json_decref(seen);
    return a;
}

/* Send one batch; 0 sent, 1 no worker has room, -1 database failure. */
static int s_send_batch(vouch_server_t *self, const char *org_id, const char *ledger_id,
                        const char *batch_no, const char *first, const char *last)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    const char *p[] = {ledger_id, first, last};
    PGresult *r =
        vouch_db_exec(self->conn, &err,
                      "SELECT " S_LINE_COLUMNS " FROM lines l JOIN orgs o ON o.org_id = l.org_id"
                      " WHERE l.ledger_id = $1"
                      " AND seq BETWEEN $2 AND $3 ORDER BY seq",
                      3, p);
    if (!r) {
        vouch_server_db_failed(self, err.text);
        return -1;
    }
    /* the profile of the batch's org for its fiscal year (vouch.conf's profile.<org>) */
    int n = PQntuples(r);
    const vouch_policy_t *policy = vouch_policy_set_for(
        self->policies, n ? PQgetvalue(r, 0, S_FIRST_TEXT + VOUCH_T_ORG) : NULL,
        n ? atoi(PQgetvalue(r, 0, 10)) : 0);
    const json_t *totals = s_contracts(self, policy, org_id, ledger_id, &err);
    if (!totals) {
        PQclear(r);
        vouch_server_db_failed(self, err.text);
        return -1;
    }
    vouch_line_t *lines = vouch_calloc((size_t)(n ? n : 1), sizeof *lines);
    for (int i = 0; i < n; i++)
        s_line_from_row(r, i, &lines[i]);
    json_t *contracts = s_batch_contracts(totals, lines, n);
    vouch_buf_t payload;
    vouch_buf_init(&payload);
    vouch_wire_lines_encode(&payload, lines, (size_t)n);
    json_t *h =
        json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:i, s:o}", "type", "batch", "ledger_id",
                  (json_int_t)atoll(ledger_id), "batch_no", (json_int_t)atoll(batch_no), "org_id",
                  (json_int_t)atoll(org_id), "policy", self->policy_version, "profile",
                  vouch_policy_profile(policy), "lines", n, "contracts", contracts);
    int rc = vouch_wire_send(self->work, NULL, 0, h, payload.data, payload.len, ZMQ_DONTWAIT);
    json_decref(h);
    vouch_buf_free(&payload);
    free(lines);
    PQclear(r);
    if (rc != 0)
        return 1;
    const char *pu[] = {org_id, ledger_id, batch_no};
    if (vouch_db_cmd(self->conn, &err,
                     "UPDATE batches SET state = 'dispatched', attempts = attempts + 1,"
                     " dispatched_at = now() WHERE org_id = $1 AND ledger_id = $2"
                     " AND batch_no = $3 AND state <> 'done'",
                     3, pu) != 0) {
        vouch_server_db_failed(self, err.text);
        return -1;
    }
    self->batches_sent++;
    return 0;
}

/* A ledger is analysed once none of its batches is pending or out, nor any
 * batch of an earlier ledger of its unit (judged again because of it: see
 * ingest's contract totals); then the storing thread runs the rules across
 * vouchers and ledgers over it (crossrules.c). A batch of ledger $1 done may
 * so complete $1 and later ledgers of the unit. */
static int s_complete_ledgers(vouch_server_t *self, const char *where_ledger, vouch_error_t *err)
{
    const char *p[] = {where_ledger};
    PGresult *r = vouch_db_exec(
        self->conn, err,
        "UPDATE ledgers l SET analysed_at = now() WHERE l.org_id = (SELECT org_id FROM ledgers"
        " WHERE ledger_id = $1::bigint) AND l.ledger_id >= $1::bigint"
        " AND l.analysed_at IS NULL AND NOT EXISTS (SELECT 1 FROM batches b"
        " WHERE b.org_id = l.org_id AND b.ledger_id <= l.ledger_id"
        " AND b.state IN ('pending', 'dispatched'))"
        " RETURNING ledger_id, (SELECT count(*) FROM batches b WHERE b.ledger_id = l.ledger_id"
        " AND b.state = 'failed'), extract(epoch FROM clock_timestamp() - l.stored_at)",
        1, p);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        long failed = atol(PQgetvalue(r, i, 1));
        if (failed)
            vouch_server_note_error(self, "ledger %s analysed, but %ld batch(es) failed",
                                    PQgetvalue(r, i, 0), failed);
        else
            vouch_info("ledger %s analysed", PQgetvalue(r, i, 0));
        vouch_info("ledger %s: stage dispatch %.3f s", PQgetvalue(r, i, 0),
                   atof(PQgetvalue(r, i, 2)));
    }
    PQclear(r);
    return 0;
}

/* Park a batch as failed with a reason; 0 or -1 (database). */
static int s_park(vouch_server_t *self, const char *ledger_id, const char *batch_no,
                  const char *reason)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    const char *p[] = {ledger_id, batch_no, reason};
    if (vouch_db_cmd(self->conn, &err,
                     "UPDATE batches SET state = 'failed', last_error = $3"
                     " WHERE ledger_id = $1::bigint AND batch_no = $2::int AND state <> 'done'",
                     3, p) != 0 ||
        s_complete_ledgers(self, ledger_id, &err) != 0) {
        vouch_server_db_failed(self, err.text);
        return -1;
    }
    vouch_server_note_error(self, "batch %s/%s parked as failed: %s", ledger_id, batch_no, reason);
    return 0;
}

/* Batches out max_attempts times and still unanswered: a worker dies on them,
 * or none can read them. Park them so they cannot starve every other ledger. */
static void s_park_exhausted(vouch_server_t *self)
{
    char timeout[16], attempts[16];
    snprintf(timeout, sizeof timeout, "%d", self->cfg->dispatch_timeout);
    snprintf(attempts, sizeof attempts, "%d", self->cfg->max_attempts);
    const char *p[] = {timeout, attempts};
    vouch_error_t err;
    vouch_error_clear(&err);
    PGresult *r = vouch_db_exec(self->conn, &err,
                                "SELECT ledger_id, batch_no, attempts FROM batches"
                                " WHERE state = 'dispatched' AND attempts >= $2::int"
                                " AND dispatched_at < now() - $1 * interval '1 second'",
                                2, p);
    if (!r) {
        vouch_server_db_failed(self, err.text);
        return;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        char reason[128];
        snprintf(reason, sizeof reason, "no answer after %s dispatches", PQgetvalue(r, i, 2));
        if (s_park(self, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), reason) != 0)
            break;
    }
    PQclear(r);
}

int vouch_dispatch_tick(vouch_server_t *self)
{
    if (!self->db_up)
        return 0;
    s_park_exhausted(self);
    if (!self->db_up)
        return 0;
    zmq_pollitem_t out = {self->work, 0, ZMQ_POLLOUT, 0};
    if (zmq_poll(&out, 1, 0) <= 0 || !(out.revents & ZMQ_POLLOUT))
        return 0; /* no worker connected, or all of them full */
    char timeout[16], limit[16];
    snprintf(timeout, sizeof timeout, "%d", self->cfg->dispatch_timeout);
    snprintf(limit, sizeof limit, "%d", self->cfg->max_inflight);
    const char *p[] = {timeout, limit};
    vouch_error_t err;
    vouch_error_clear(&err);
    /* room = max_inflight less what is out and not yet late; late ones go again */
    PGresult *r = vouch_db_exec(
        self->conn, &err,
        "WITH out AS (SELECT count(*) AS n FROM batches WHERE state = 'dispatched'"
        " AND dispatched_at >= now() - $1 * interval '1 second')"
        " SELECT org_id, ledger_id, batch_no, first_seq, last_seq FROM batches"
        " WHERE state = 'pending' OR (state = 'dispatched'"
        " AND dispatched_at < now() - $1 * interval '1 second')"
        " ORDER BY ledger_id, batch_no LIMIT greatest(0, $2::int - (SELECT n FROM out))",
        2, p);
    if (!r) {
        vouch_server_db_failed(self, err.text);
        return 0;
    }
    int sent = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        int rc = s_send_batch(self, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                              PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
        if (rc != 0)
            break;
        sent++;
    }
    PQclear(r);
    return sent;
}

int vouch_dispatch_outstanding(vouch_server_t *self)
{
    if (!self->db_up)
        return -1;
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d", self->cfg->dispatch_timeout);
    const char *p[] = {timeout};
    vouch_error_t err;
    vouch_error_clear(&err);
    PGresult *r = vouch_db_exec(self->conn, &err,
                                "SELECT count(*) FROM batches WHERE state = 'dispatched'"
                                " AND dispatched_at >= now() - $1 * interval '1 second'",
                                1, p);
    if (!r) {
        vouch_server_db_failed(self, err.text);
        return -1;
    }
    int n = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

int vouch_dispatch_recover(vouch_server_t *self)
{
    vouch_error_t err;
    PGresult *r =
        vouch_db_exec(self->conn, &err,
                      "UPDATE batches SET state = 'pending' WHERE state = 'dispatched'", 0, NULL);
    if (!r) {
        vouch_server_db_failed(self, err.text);
        return -1;
    }
    long n = atol(PQcmdTuples(r));
    PQclear(r);
    if (n > 0)
        vouch_info("%ld batches left unanswered by an earlier run will be sent again", n);
    return 0;
}

static bool s_rule_id_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!(isupper((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

/* An integer field that fits PostgreSQL's int, at least min */
static bool s_int_ok(const json_t *v, long long min)
{
    return json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= INT32_MAX;
}

/* Check each finding's shape; a worker that sends anything else is wrong,
 * and nothing of its answer is stored. */
static const char *s_validate(json_t *findings)
{
    if (!json_is_array(findings))
        return "findings payload is not a JSON array";
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        if (!json_is_object(f) || !s_int_ok(json_object_get(f, "seq"), 0) ||
            !s_rule_id_ok(json_string_value(json_object_get(f, "rule"))) ||
            !s_int_ok(json_object_get(f, "rule_version"), 0) ||
            !json_is_string(json_object_get(f, "profile")) || !sev ||
            (strcmp(sev, "high") != 0 && strcmp(sev, "medium") != 0 && strcmp(sev, "low") != 0) ||
            !json_is_integer(json_object_get(f, "amount")) ||
            !json_is_string(json_object_get(f, "message")) ||
            !json_is_string(json_object_get(f, "message_en")) ||
            !json_is_object(json_object_get(f, "evidence")))
            return "a finding lacks a field or has one of the wrong type";
    }
    return NULL;
}

/* The batch an answer names: a ledger id and a batch number in range, and
 * the worker's name and the policy version as short text (worker NULL:
 * not asked for). NULL, or what is wrong. */
static const char *s_answer_ok(const vouch_wire_msg_t *msg, long long *ledger_id,
                               long long *batch_no, const char **worker, const char **policy)
{
    *worker = vouch_wire_get_str(msg->header, "worker");
    if (vouch_wire_get_int(msg->header, "ledger_id", ledger_id) != 0 || *ledger_id < 1 ||
        vouch_wire_get_int(msg->header, "batch_no", batch_no) != 0 || *batch_no < 0 ||
        *batch_no > INT32_MAX)
        return "no ledger_id and batch_no, or out of range";
    if (*worker && !vouch_wire_name_ok(*worker, 64))
        return "a worker name that is not a short name";
    if (policy) {
        *policy = vouch_wire_get_str(msg->header, "policy");
        if (!vouch_wire_name_ok(*policy, 64) || !*worker)
            return "no policy or worker";
    }
    return NULL;
}

/* A worker could not read a batch at all: the same bytes would fail again. */
static void s_batch_error(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    long long ledger_id, batch_no;
    const char *worker;
    const char *error = vouch_wire_get_str(msg->header, "error");
    const char *bad = s_answer_ok(msg, &ledger_id, &batch_no, &worker, NULL);
    if (bad || !error || msg->has_payload) {
        vouch_server_refused(self, "results", NULL, "dropped a batch_error: %s",
                             bad ? bad : "no error, or a payload");
        return;
    }
    if (!self->db_up)
        return;
    char lid[24], bno[24], reason[300];
    snprintf(lid, sizeof lid, "%lld", ledger_id);
    snprintf(bno, sizeof bno, "%lld", batch_no);
    /* cut between characters: PostgreSQL takes UTF-8 only */
    char cut[201];
    vouch_text_copy(cut, sizeof cut, error, strlen(error));
    snprintf(reason, sizeof reason, "%s: %s", worker ? worker : "a worker", cut);
    s_park(self, lid, bno, vouch_text_no_controls(reason));
}

void vouch_dispatch_findings(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    if (strcmp(msg->type, "batch_error") == 0) {
        s_batch_error(self, msg);
        return;
    }
    if (strcmp(msg->type, "findings") != 0) {
        vouch_server_refused(self, "results", NULL, "dropped a message of type \"%.64s\"",
                             msg->type);
        return;
    }
    long long ledger_id, batch_no;
    const char *policy, *worker;
    const char *bad = s_answer_ok(msg, &ledger_id, &batch_no, &worker, &policy);
    if (bad || !msg->has_payload) {
        vouch_server_refused(self, "results", NULL, "dropped findings: %s",
                             bad ? bad : "no payload");
        return;
    }
    if (!self->db_up)
        return; /* the batch will be sent again once the database is back */
    json_error_t jerr;
    json_t *findings =
        json_loadb(zmq_msg_data(&msg->payload), zmq_msg_size(&msg->payload), 0, &jerr);
    bad = findings ? s_validate(findings) : "findings payload is not JSON";
    if (bad) {
        vouch_server_refused(self, "results", NULL, "dropped findings from %s: %s", worker, bad);
        json_decref(findings);
        return;
    }
    char *text = json_dumps(findings, JSON_COMPACT);
    size_t count = json_array_size(findings);
    json_decref(findings);

    char lid[24], bno[24], cnt[24];
    snprintf(lid, sizeof lid, "%lld", ledger_id);
    snprintf(bno, sizeof bno, "%lld", batch_no);
    snprintf(cnt, sizeof cnt, "%zu", count);
    vouch_error_t err;
    vouch_error_clear(&err);
    PGconn *c = self->conn;
    const char *pb[] = {lid, bno};
    PGresult *r = NULL;
    if (vouch_db_cmd(c, &err, "BEGIN", 0, NULL) != 0)
        goto db_fail;
    r = vouch_db_exec(c, &err,
                      "SELECT first_seq, last_seq, state FROM batches WHERE ledger_id = $1"
                      " AND batch_no = $2 FOR UPDATE",
                      2, pb);
    if (!r)
        goto db_fail;
    if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 2), "done") == 0) {
        /* unknown, or answered before (a duplicate delivery, or a late
         * answer to a batch another worker did): nothing to do */
        vouch_info("batch %lld/%lld answered again (by %s): ignored", ledger_id, batch_no, worker);
        PQclear(r);
        vouch_db_cmd(c, &err, "ROLLBACK", 0, NULL);
        free(text);
        return;
    }
    char first[16], last[16];
    snprintf(first, sizeof first, "%s", PQgetvalue(r, 0, 0));
    snprintf(last, sizeof last, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    const char *pf[] = {text, lid, first, last, policy};
    r = vouch_db_exec(
        c, &err,
        "INSERT INTO findings (org_id, fiscal_year, period, ledger_id, seq, rule, rule_version,"
        " profile, policy_version, severity, amount, message, message_en, evidence)"
        " SELECT l.org_id, l.fiscal_year, l.period, l.ledger_id, l.seq, f.rule, f.rule_version,"
        " f.profile, $5, f.severity, f.amount, f.message, f.message_en, f.evidence"
        " FROM jsonb_to_recordset($1::jsonb) AS f(seq int, rule text, rule_version int,"
        " profile text, severity text, amount bigint, message text, message_en text,"
        " evidence jsonb)"
        " JOIN lines l ON l.ledger_id = $2 AND l.seq = f.seq"
        /* the range on l too: a ledger just stored has no statistics, and
         * the planner, guessing it one line, read all of it per finding */
        " AND l.seq BETWEEN $3 AND $4"
        " WHERE f.seq BETWEEN $3 AND $4"
        " ON CONFLICT DO NOTHING",
        5, pf);
    if (!r)
        goto db_fail;
    long stored = atol(PQcmdTuples(r));
    PQclear(r);
    const char *pd[] = {lid, bno, cnt, worker};
    if (vouch_db_cmd(c, &err,
                     "UPDATE batches SET state = 'done', done_at = now(), findings = $3,"
                     " worker = $4 WHERE ledger_id = $1 AND batch_no = $2",
                     4, pd) != 0)
        goto db_fail;
    if (s_complete_ledgers(self, lid, &err) != 0)
        goto db_fail;
    if (vouch_db_cmd(c, &err, "COMMIT", 0, NULL) != 0)
        goto db_fail;
    free(text);
    self->findings_stored += stored;
    return;

db_fail:
    free(text);
    if (!vouch_db_lost(c))
        PQclear(PQexec(c, "ROLLBACK"));
    vouch_server_db_failed(self, err.text);
}
