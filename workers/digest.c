/* digest.c: a subscription's digest, made from PostgreSQL in one
 * transaction, and its delivery with retries (see digest.h). */
#include "digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "deliver.h"
#include "digest_render.h"
#include "money.h"
#include "sangong.h"
#include "voucher.h"

static PGresult *s_exec(PGconn *db, vouch_error_t *err, const char *sql, int n,
                        const char *const *p)
{
    PGresult *r = PQexecParams(db, sql, n, NULL, p, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return r;
    char msg[400];
    snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
    msg[strcspn(msg, "\n")] = '\0';
    vouch_error_set(err, "database: %s", msg);
    PQclear(r);
    return NULL;
}

static int s_cmd(PGconn *db, vouch_error_t *err, const char *sql, int n, const char *const *p)
{
    PGresult *r = s_exec(db, err, sql, n, p);
    PQclear(r);
    return r ? 0 : -1;
}

static const char *s_money(PGresult *r, int row, int col, char *buf)
{
    return vouch_money_format(atoll(PQgetvalue(r, row, col)), buf);
}

static json_t *s_masked(const char *s)
{
    char *m = vouch_mask_accounts(s);
    json_t *j = json_string(m);
    free(m);
    return j;
}

/* new {findings, amount, by_unit[]} of the findings chosen */
static json_t *s_new(PGconn *db, const char *ids, vouch_error_t *err)
{
    const char *p[] = {ids};
    /* a unit's amount counts each line once, however many rules flagged it */
    PGresult *r = s_exec(db, err,
                         "WITH f AS (SELECT f.ledger_id, f.seq, f.rule, f.amount, o.name"
                         "  FROM findings f JOIN orgs o ON o.org_id = f.org_id"
                         "  WHERE f.finding_id = ANY ($1::bigint[])),"
                         " u AS (SELECT name, sum(amount) AS amount FROM (SELECT DISTINCT ON"
                         "  (ledger_id, seq) name, amount FROM f ORDER BY ledger_id, seq,"
                         "  amount DESC) x GROUP BY name),"
                         " b AS (SELECT name, rule, count(*) AS n, sum(amount) AS amount"
                         "  FROM f GROUP BY name, rule)"
                         " SELECT b.name, b.rule, b.n, b.amount, sum(b.n) OVER (PARTITION BY"
                         " b.name), u.amount FROM b JOIN u USING (name)"
                         " ORDER BY 6 DESC, 1, 4 DESC, 2",
                         1, p);
    if (!r)
        return NULL;
    char a[VOUCH_MONEY_BUFSZ];
    json_t *units = json_array(), *unit = NULL;
    long long total = 0, fen = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        if (!unit ||
            strcmp(json_string_value(json_object_get(unit, "org")), PQgetvalue(r, i, 0)) != 0) {
            unit = json_pack("{s:s, s:I, s:s, s:[]}", "org", PQgetvalue(r, i, 0), "findings",
                             (json_int_t)atoll(PQgetvalue(r, i, 4)), "amount", s_money(r, i, 5, a),
                             "by_rule");
            json_array_append_new(units, unit);
            fen += atoll(PQgetvalue(r, i, 5));
        }
        json_array_append_new(json_object_get(unit, "by_rule"),
                              json_pack("{s:s, s:I, s:s}", "rule", PQgetvalue(r, i, 1), "findings",
                                        (json_int_t)atoll(PQgetvalue(r, i, 2)), "amount",
                                        s_money(r, i, 3, a)));
        total += atoll(PQgetvalue(r, i, 2));
    }
    PQclear(r);
    return json_pack("{s:I, s:s, s:o}", "findings", (json_int_t)total, "amount",
                     vouch_money_format(fen, a), "by_unit", units);
}

static json_t *s_top(PGconn *db, const char *ids, vouch_error_t *err)
{
    const char *p[] = {ids};
    PGresult *r = s_exec(db, err,
                         "SELECT min(f.finding_id), o.name, to_char(l.voucher_date, 'YYYY-MM-DD'),"
                         " l.voucher_word, l.voucher_no, l.line_no,"
                         " string_agg(f.rule, ', ' ORDER BY f.rule),"
                         " (array_agg(f.severity ORDER BY array_position(ARRAY['high', 'medium',"
                         " 'low'], f.severity)))[1], max(f.amount), coalesce(l.summary, ''),"
                         " coalesce(l.payee, ''), coalesce(l.payee_account, ''),"
                         " string_agg(f.message, '; ' ORDER BY f.rule),"
                         " array_to_json(array_agg(f.finding_id ORDER BY f.rule))::text"
                         " FROM findings f JOIN orgs o ON o.org_id = f.org_id"
                         " JOIN lines l ON l.ledger_id = f.ledger_id AND l.seq = f.seq"
                         " AND l.org_id = f.org_id AND l.fiscal_year = f.fiscal_year"
                         " AND l.period = f.period"
                         " WHERE f.finding_id = ANY ($1::bigint[])"
                         " GROUP BY f.ledger_id, f.seq, o.name, l.voucher_date, l.voucher_word,"
                         " l.voucher_no, l.line_no, l.summary, l.payee, l.payee_account"
                         " ORDER BY max(f.amount) DESC, min(f.finding_id) LIMIT 10",
                         1, p);
    if (!r)
        return NULL;
    json_t *top = json_array();
    char a[VOUCH_MONEY_BUFSZ], voucher[96];
    for (int i = 0; i < PQntuples(r); i++) {
        vouch_voucher_no_format(PQgetvalue(r, i, 3), atoi(PQgetvalue(r, i, 4)), voucher,
                                sizeof voucher);
        json_t *t = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "finding_id",
                              (json_int_t)atoll(PQgetvalue(r, i, 0)), "org", PQgetvalue(r, i, 1),
                              "voucher_date", PQgetvalue(r, i, 2), "voucher", voucher, "line_no",
                              atoi(PQgetvalue(r, i, 5)), "rule", PQgetvalue(r, i, 6), "severity",
                              PQgetvalue(r, i, 7), "amount", s_money(r, i, 8, a));
        json_object_set_new(t, "summary", s_masked(PQgetvalue(r, i, 9)));
        json_object_set_new(t, "payee", s_masked(PQgetvalue(r, i, 10)));
        json_object_set_new(t, "payee_account", s_masked(PQgetvalue(r, i, 11)));
        json_object_set_new(t, "message", s_masked(PQgetvalue(r, i, 12)));
        json_object_set_new(t, "finding_ids", json_loads(PQgetvalue(r, i, 13), 0, NULL));
        json_array_append_new(top, t);
    }
    PQclear(r);
    return top;
}

/* review moves in the units since the mark: {confirmed, dismissed, ...} */
static json_t *s_changes(PGconn *db, const char *orgs, const char *mark, vouch_error_t *err)
{
    const char *p[] = {orgs, mark};
    PGresult *r = s_exec(
        db, err,
        "SELECT count(*) FILTER (WHERE r.to_status = 'confirmed' AND r.from_status <> 'confirmed'),"
        " count(*) FILTER (WHERE r.to_status = 'dismissed' AND r.from_status <> 'dismissed'),"
        " count(*) FILTER (WHERE r.to_status = 'open' AND r.from_status <> 'open'),"
        " count(*) FILTER (WHERE r.to_status = 'suppressed'),"
        " count(*) FILTER (WHERE r.to_status = 'superseded')"
        " FROM reviews r JOIN orgs o ON o.org_id = r.org_id"
        " WHERE o.name = ANY ($1::text[]) AND r.review_id > $2::bigint",
        2, p);
    if (!r)
        return NULL;
    json_t *c =
        json_pack("{s:I, s:I, s:I, s:I, s:I}", "confirmed", (json_int_t)atoll(PQgetvalue(r, 0, 0)),
                  "dismissed", (json_int_t)atoll(PQgetvalue(r, 0, 1)), "reopened",
                  (json_int_t)atoll(PQgetvalue(r, 0, 2)), "suppressed",
                  (json_int_t)atoll(PQgetvalue(r, 0, 3)), "superseded",
                  (json_int_t)atoll(PQgetvalue(r, 0, 4)));
    PQclear(r);
    return c;
}

/* 三公 booked and restated of each unit's latest fiscal year (sangong.c) */
static json_t *s_sangong(PGconn *db, const vouch_policy_set_t *policies, const char *orgs,
                         vouch_error_t *err)
{
    json_t *a = json_array();
    if (!policies)
        return a;
    const char *p[] = {orgs};
    PGresult *r = s_exec(db, err,
                         "SELECT o.name, max(g.fiscal_year) FROM ledgers g"
                         " JOIN orgs o ON o.org_id = g.org_id"
                         " WHERE o.name = ANY ($1::text[]) AND g.superseded_by IS NULL"
                         " GROUP BY o.name ORDER BY o.name",
                         1, p);
    if (!r) {
        json_decref(a);
        return NULL;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        vouch_sangong_missing_t missing;
        json_t *rep = vouch_sangong_report(db, policies, PQgetvalue(r, i, 0),
                                           atoi(PQgetvalue(r, i, 1)), &missing, err);
        if (!rep) {
            if (missing != VOUCH_SANGONG_MISSING_NONE)
                continue;
            json_decref(a);
            PQclear(r);
            return NULL;
        }
        const json_t *t = json_object_get(rep, "total");
        json_array_append_new(a, json_pack("{s:s, s:i, s:O, s:O}", "org", PQgetvalue(r, i, 0),
                                           "year", atoi(PQgetvalue(r, i, 1)), "booked",
                                           json_object_get(t, "booked"), "restated",
                                           json_object_get(t, "restated")));
        json_decref(rep);
    }
    PQclear(r);
    return a;
}

static json_t *s_progress(PGconn *db, const char *orgs, vouch_error_t *err)
{
    const char *p[] = {orgs};
    PGresult *r = s_exec(db, err,
                         "SELECT count(*) FILTER (WHERE f.status = 'open'),"
                         " count(*) FILTER (WHERE f.status = 'confirmed'),"
                         " count(*) FILTER (WHERE f.status = 'dismissed'),"
                         " count(*) FILTER (WHERE f.status = 'suppressed')"
                         " FROM findings f JOIN orgs o ON o.org_id = f.org_id"
                         " WHERE o.name = ANY ($1::text[]) AND f.status <> 'superseded'",
                         1, p);
    if (!r)
        return NULL;
    long long open = atoll(PQgetvalue(r, 0, 0)), conf = atoll(PQgetvalue(r, 0, 1)),
              dis = atoll(PQgetvalue(r, 0, 2)), sup = atoll(PQgetvalue(r, 0, 3));
    PQclear(r);
    long long all = open + conf + dis + sup;
    char pct[16];
    snprintf(pct, sizeof pct, "%.0f", all ? 100.0 * (double)(conf + dis + sup) / (double)all : 0.0);
    return json_pack("{s:I, s:I, s:I, s:I, s:s}", "open", (json_int_t)open, "confirmed",
                     (json_int_t)conf, "dismissed", (json_int_t)dis, "suppressed", (json_int_t)sup,
                     "decided_pct", pct);
}

int vouch_digest_make(PGconn *db, const vouch_policy_set_t *policies, int subscription_id,
                      vouch_digest_mode_t mode, json_t **content, long long *digest_id,
                      vouch_error_t *err)
{
    *content = NULL;
    *digest_id = 0;
    char sid[16];
    snprintf(sid, sizeof sid, "%d", subscription_id);
    /* a scheduled digest only while due: another vouchd may have made it */
    const char *ps[] = {sid, mode == VOUCH_DIGEST_SCHEDULED ? "t" : "f"};
    if (s_cmd(db, err, "BEGIN", 0, NULL) != 0)
        return -1;
    /* the subscription, locked: one digest at a time per subscription */
    PGresult *s =
        s_exec(db, err,
               "SELECT s.name, s.orgs::text, s.min_severity, s.when_empty, s.review_mark,"
               " to_char((SELECT max(d.made_at) FROM digests d WHERE d.subscription_id ="
               " s.subscription_id), 'YYYY-MM-DD HH24:MI'), to_char(now(), 'YYYY-MM-DD HH24:MI'),"
               " (SELECT coalesce(max(review_id), 0) FROM reviews), array_to_json(s.orgs)::text"
               " FROM subscriptions s WHERE s.subscription_id = $1 AND s.removed_at IS NULL"
               " AND (NOT $2::bool OR s.next_due <= now()) FOR UPDATE",
               2, ps);
    if (!s)
        goto failed;
    if (PQntuples(s) != 1) {
        PQclear(s);
        if (mode == VOUCH_DIGEST_SCHEDULED) /* made meanwhile, or removed */
            return s_cmd(db, err, "COMMIT", 0, NULL);
        vouch_error_set(err, "no subscription %d", subscription_id);
        goto failed;
    }
    /* the new findings: in its units, at its severity or above, of ledgers
     * whose analysis is over, in no digest of this subscription yet */
    const char *pn[] = {sid, PQgetvalue(s, 0, 1), PQgetvalue(s, 0, 2)};
    PGresult *n = s_exec(
        db, err,
        "SELECT coalesce(array_agg(f.finding_id ORDER BY f.finding_id), '{}')::text, count(*)"
        " FROM findings f JOIN orgs o ON o.org_id = f.org_id"
        " JOIN ledgers g ON g.ledger_id = f.ledger_id"
        " WHERE o.name = ANY ($2::text[]) AND f.status IN ('open', 'confirmed', 'dismissed')"
        " AND array_position(ARRAY['low', 'medium', 'high'], f.severity)"
        "  >= array_position(ARRAY['low', 'medium', 'high'], $3)"
        " AND g.analysed_at IS NOT NULL"
        " AND (g.cross_checked_at IS NOT NULL OR g.cross_error IS NOT NULL)"
        " AND NOT EXISTS (SELECT 1 FROM digest_findings d WHERE d.subscription_id = $1::int"
        "  AND d.finding_id = f.finding_id)",
        3, pn);
    if (!n) {
        PQclear(s);
        goto failed;
    }
    const char *ids = PQgetvalue(n, 0, 0);
    long long count = atoll(PQgetvalue(n, 0, 1));
    json_error_t jerr;
    json_t *c = json_pack("{s:s, s:s, s:o, s:s, s:s}", "digest_id", "preview", "subscription",
                          PQgetvalue(s, 0, 0), "units", json_loads(PQgetvalue(s, 0, 8), 0, &jerr),
                          "min_severity", PQgetvalue(s, 0, 2), "made_at", PQgetvalue(s, 0, 6));
    json_object_set_new(c, "since",
                        PQgetisnull(s, 0, 5) ? json_null() : json_string(PQgetvalue(s, 0, 5)));
    json_object_set_new(c, "findings", json_array());
    /* '{1,2,3}' -> [1,2,3] */
    for (char *p = strchr(ids, '{') + 1; *p && *p != '}';) {
        json_array_append_new(json_object_get(c, "findings"), json_integer(atoll(p)));
        p += strcspn(p, ",}");
        if (*p == ',')
            p++;
    }
    json_t *sections[] = {s_new(db, ids, err),
                          s_changes(db, PQgetvalue(s, 0, 1), PQgetvalue(s, 0, 4), err),
                          s_top(db, ids, err), s_progress(db, PQgetvalue(s, 0, 1), err)};
    const char *names[] = {"new", "changes", "top", "progress"};
    bool ok = true;
    for (int i = 0; i < 4; i++) {
        if (!sections[i])
            ok = false;
        else
            json_object_set_new(c, names[i], sections[i]);
    }
    json_t *sg = s_sangong(db, policies, PQgetvalue(s, 0, 1), err);
    if (!sg)
        ok = false;
    else
        json_object_set_new(c, "sangong", sg);
    char mark[24];
    snprintf(mark, sizeof mark, "%s", PQgetvalue(s, 0, 7));
    bool skip = count == 0 && strcmp(PQgetvalue(s, 0, 3), "skip") == 0;
    PQclear(s);
    if (!ok) {
        PQclear(n);
        json_decref(c);
        goto failed;
    }
    if (mode == VOUCH_DIGEST_PREVIEW || skip) {
        PQclear(n);
        if (mode == VOUCH_DIGEST_SCHEDULED &&
            s_cmd(db, err,
                  "UPDATE subscriptions SET next_due = vouch_subscription_next_due(next_due, every)"
                  " WHERE subscription_id = $1",
                  1, ps) != 0) {
            json_decref(c);
            goto failed;
        }
        *content = c;
        return s_cmd(db, err, mode == VOUCH_DIGEST_PREVIEW ? "ROLLBACK" : "COMMIT", 0, NULL);
    }
    PGresult *id = s_exec(db, err, "SELECT nextval('digests_digest_id_seq')", 0, NULL);
    if (!id) {
        PQclear(n);
        json_decref(c);
        goto failed;
    }
    *digest_id = atoll(PQgetvalue(id, 0, 0));
    PQclear(id);
    char label[48], did[24], cnt[24];
    snprintf(label, sizeof label, "vouch-digest-%lld", *digest_id);
    snprintf(did, sizeof did, "%lld", *digest_id);
    snprintf(cnt, sizeof cnt, "%lld", count);
    json_object_set_new(c, "digest_id", json_string(label));
    char *text = json_dumps(c, JSON_COMPACT);
    const char *pd[] = {did, sid, cnt, text, ids, mark, mode == VOUCH_DIGEST_SCHEDULED ? "t" : "f"};
    int rc = s_cmd(db, err,
                   "WITH d AS (INSERT INTO digests (digest_id, subscription_id, since, findings,"
                   "  content) SELECT $1::bigint, $2::int, (SELECT max(made_at) FROM digests"
                   "  WHERE subscription_id = $2::int), $3::int, $4::jsonb RETURNING digest_id),"
                   " m AS (INSERT INTO digest_findings (subscription_id, finding_id, digest_id)"
                   "  SELECT $2::int, unnest($5::bigint[]), $1::bigint FROM d)"
                   " UPDATE subscriptions SET review_mark = $6::bigint,"
                   " next_due = CASE WHEN $7::bool"
                   "  THEN vouch_subscription_next_due(next_due, every) ELSE next_due END"
                   " WHERE subscription_id = $2::int",
                   7, pd);
    free(text);
    PQclear(n);
    if (rc != 0) {
        json_decref(c);
        goto failed;
    }
    if (s_cmd(db, err, "COMMIT", 0, NULL) != 0) {
        json_decref(c);
        *digest_id = 0;
        return -1;
    }
    *content = c;
    return 0;
failed:
    *digest_id = 0;
    PQclear(PQexec(db, "ROLLBACK"));
    return -1;
}

int vouch_digest_due(PGconn *db, int *ids, int max, vouch_error_t *err)
{
    PGresult *r = s_exec(db, err,
                         "SELECT subscription_id FROM subscriptions WHERE removed_at IS NULL"
                         " AND next_due <= now() ORDER BY next_due",
                         0, NULL);
    if (!r)
        return -1;
    int n = 0;
    for (int i = 0; i < PQntuples(r) && n < max; i++)
        ids[n++] = atoi(PQgetvalue(r, i, 0));
    PQclear(r);
    return n;
}

/* One delivery attempt of the locked digest row r[0]: 0 delivered. */
static int s_attempt(PGresult *r, const vouch_config_t *cfg, vouch_error_t *why)
{
    json_error_t jerr;
    json_t *c = json_loads(PQgetvalue(r, 0, 1), 0, &jerr);
    if (!c) {
        vouch_error_set(why, "the digest's content does not read: %s", jerr.text);
        return -1;
    }
    char *md = vouch_digest_markdown(c), *html = vouch_digest_html(c),
         *subject = vouch_digest_subject(c), *json = json_dumps(c, JSON_INDENT(1));
    const char *channel = PQgetvalue(r, 0, 2);
    vouch_delivery_t d = {
        .kind = strcmp(channel, "dir") == 0    ? VOUCH_DELIVER_DIR
                : strcmp(channel, "mail") == 0 ? VOUCH_DELIVER_MAIL
                                               : VOUCH_DELIVER_WEBHOOK,
        .target = PQgetvalue(r, 0, 3),
        .webhook_format = PQgetisnull(r, 0, 4) ? VOUCH_WEBHOOK_JSON
                                               : (vouch_webhook_format_t)vouch_webhook_format_parse(
                                                     PQgetvalue(r, 0, 4)),
        .digest_id = json_string_value(json_object_get(c, "digest_id")),
        .subject = subject,
        .markdown = md,
        .html = html,
        .json = json,
        .mail_from = cfg->mail_from,
        .smtp_url = cfg->smtp_url,
        .smtp_user = cfg->smtp_user[0] ? cfg->smtp_user : NULL,
        .smtp_password = cfg->smtp_password[0] ? cfg->smtp_password : NULL,
        .timeout_s = 30,
    };
    int rc = vouch_deliver(&d, why);
    free(md);
    free(html);
    free(subject);
    free(json);
    json_decref(c);
    return rc;
}

int vouch_digest_deliver_due(PGconn *db, const vouch_config_t *cfg, long long digest_id,
                             vouch_digest_report_fn *report, void *arg, vouch_error_t *err)
{
    int failed = 0;
    char only[24];
    snprintf(only, sizeof only, "%lld", digest_id);
    for (int round = 0; round < 100; round++) {
        if (s_cmd(db, err, "BEGIN", 0, NULL) != 0)
            return -1;
        const char *p[] = {only};
        PGresult *r =
            s_exec(db, err,
                   "SELECT d.digest_id, d.content::text, s.channel, s.target, s.webhook_format,"
                   " d.attempts, s.name FROM digests d JOIN subscriptions s USING (subscription_id)"
                   " WHERE d.state = 'pending' AND ($1::bigint = 0 AND d.next_attempt_at <= now()"
                   "  OR d.digest_id = $1::bigint)"
                   " ORDER BY d.next_attempt_at, d.digest_id LIMIT 1 FOR UPDATE OF d SKIP LOCKED",
                   1, p);
        if (!r) {
            PQclear(PQexec(db, "ROLLBACK"));
            return -1;
        }
        if (PQntuples(r) == 0) {
            PQclear(r);
            return s_cmd(db, err, "COMMIT", 0, NULL) == 0 ? failed : -1;
        }
        vouch_error_t why;
        vouch_error_clear(&why);
        int rc = s_attempt(r, cfg, &why);
        char id[24], wait_s[24];
        snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
        /* the back-off doubles from digest_retry_min to digest_retry_max */
        int attempts = atoi(PQgetvalue(r, 0, 5));
        long long wait = cfg->digest_retry_min;
        for (int k = 0; k < attempts && wait < cfg->digest_retry_max; k++)
            wait *= 2;
        if (wait > cfg->digest_retry_max)
            wait = cfg->digest_retry_max;
        snprintf(wait_s, sizeof wait_s, "%lld", wait);
        char label[48], name[128];
        snprintf(label, sizeof label, "vouch-digest-%s", id);
        snprintf(name, sizeof name, "%s", PQgetvalue(r, 0, 6));
        PQclear(r);
        const char *pu[] = {id, rc == 0 ? "t" : "f", why.text, wait_s};
        if (s_cmd(db, err,
                  "UPDATE digests SET attempts = attempts + 1,"
                  " state = CASE WHEN $2::bool THEN 'delivered' ELSE 'pending' END,"
                  " delivered_at = CASE WHEN $2::bool THEN now() END,"
                  " last_error = CASE WHEN $2::bool THEN NULL ELSE $3 END,"
                  " next_attempt_at = CASE WHEN $2::bool THEN next_attempt_at"
                  "  ELSE now() + make_interval(secs => $4::int) END"
                  " WHERE digest_id = $1::bigint",
                  4, pu) != 0 ||
            s_cmd(db, err, "COMMIT", 0, NULL) != 0) {
            PQclear(PQexec(db, "ROLLBACK"));
            return -1;
        }
        if (rc != 0)
            failed++;
        if (report)
            report(label, name, rc == 0, attempts + 1, why.text, wait, arg);
        if (digest_id > 0)
            break;
    }
    return failed;
}
