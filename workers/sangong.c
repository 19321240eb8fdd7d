/* sangong.c: 三公经费 of a unit's fiscal year (RULES.md "三公 totals"), for
 * vouchctl's report and (issue 7) vouchd's digests. Booked: each payment once (the
 * financial line, not its budget twin; a budget line where the voucher has no
 * financial twin), red ink included, by the economic code it was booked
 * under. Restated: a line MISCLASS_EXPENSE moved (an open or confirmed
 * finding) counts under the code its evidence suggests (vehicle costs join
 * 30231), or under none (a venue rental leaves 30217). The categories and
 * their codes are the policy's sangong_codes, under the unit's profile. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "money.h"
#include "policy.h"
#include "rules.h"
#include "sangong.h"
#include "voucher.h"

#define S_MAX_CATS 16
#define S_MAX_CODES 8

typedef struct {
    const char *name; /* 公务接待费, the policy's (borrowed) */
    const char *codes[S_MAX_CODES];
    size_t ncodes;
    int64_t booked, out, in, restated;
    long lines; /* counted in booked or restated */
} s_cat_t;

typedef struct {
    int year;
    bool loaded;
    s_cat_t cats[S_MAX_CATS];
    size_t ncats;
    int64_t booked, restated;
} s_year_t;

/* The categories of the policy: codes that share a name are one (30913 and
 * 31013 are both 公务用车购置), in the policy's order. */
static void s_categories(const vouch_policy_t *pol, s_year_t *y)
{
    const json_t *sg = json_object_get(vouch_policy_json(pol), "sangong_codes");
    const char *code;
    json_t *v;
    json_object_foreach((json_t *)sg, code, v)
    {
        if (code[0] == '_' || !json_is_string(v))
            continue;
        s_cat_t *c = NULL;
        for (size_t i = 0; i < y->ncats && !c; i++)
            if (strcmp(y->cats[i].name, json_string_value(v)) == 0)
                c = &y->cats[i];
        if (!c && y->ncats < S_MAX_CATS) {
            c = &y->cats[y->ncats++];
            c->name = json_string_value(v);
        }
        if (c && c->ncodes < S_MAX_CODES)
            c->codes[c->ncodes++] = code;
    }
}

/* The category a code belongs to (a category's code is a prefix of it, as
 * RULES.md matches code lists), or -1. */
static int s_cat_of(const s_year_t *y, const char *code)
{
    if (!code || !code[0])
        return -1;
    for (size_t i = 0; i < y->ncats; i++)
        for (size_t k = 0; k < y->cats[i].ncodes; k++)
            if (strncmp(code, y->cats[i].codes[k], strlen(y->cats[i].codes[k])) == 0)
                return (int)i;
    return -1;
}

/* '{"30212%","30217%"}' from a list of codes or prefixes (digits, the policy
 * checks): a text[] parameter for LIKE ANY. New string. */
static char *s_patterns(const char *const *codes, size_t n)
{
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++)
        vouch_buf_printf(&b, "%s\"%s%%\"", i ? "," : "", codes[i]);
    vouch_buf_putc(&b, '}');
    return b.data;
}

/* The lines that count: expense lines (a debit, red ink included, to an
 * expense account, with an economic code) less budget twins, in 三公 as
 * booked or as restated, each with the MISCLASS_EXPENSE finding that moves
 * it. $1 org, $2 year, $3 financial expense prefixes, $4 budget ones, $5 三公
 * codes: patterns for LIKE ANY. Twins pair as the rules pair them: within a
 * voucher, by code and amount, in order. */
static const char *const s_lines_sql =
    "WITH e AS ("
    " SELECT l.ledger_id, l.seq, l.period, l.voucher_word, l.voucher_no, l.line_no,"
    " l.voucher_date, l.summary, l.debit,"
    " substring(l.econ_code from '^\\s*([0-9]+)') AS code,"
    " coalesce(substring(l.account_code from '^\\s*([0-9]+)') LIKE ANY ($3::text[]), false) AS fin"
    " FROM lines l JOIN orgs o ON o.org_id = l.org_id"
    " WHERE o.name = $1 AND l.fiscal_year = $2::int AND l.debit <> 0"
    " AND NOT vouch_superseded(l.ledger_id)"
    " AND (substring(l.account_code from '^\\s*([0-9]+)') LIKE ANY ($3::text[])"
    " OR substring(l.account_code from '^\\s*([0-9]+)') LIKE ANY ($4::text[]))),"
    " c AS ("
    " SELECT e.*, row_number() OVER (PARTITION BY ledger_id, period, voucher_word, voucher_no,"
    " code, debit, fin ORDER BY seq) AS k,"
    " count(*) FILTER (WHERE fin) OVER (PARTITION BY ledger_id, period, voucher_word,"
    " voucher_no, code, debit) AS nfin"
    " FROM e WHERE code IS NOT NULL)"
    " SELECT c.ledger_id, c.seq, to_char(c.voucher_date, 'YYYY-MM-DD'), c.voucher_word,"
    " c.voucher_no, c.line_no, coalesce(c.summary, ''), c.code, c.debit,"
    " m.finding_id, m.family, m.to_code, m.status"
    " FROM c LEFT JOIN LATERAL ("
    " SELECT f.finding_id, f.status, f.evidence->>'family' AS family,"
    " (SELECT x->>'suggested_code' FROM jsonb_array_elements(CASE WHEN"
    " jsonb_typeof(f.evidence->'families') = 'array' THEN f.evidence->'families'"
    " ELSE '[]'::jsonb END) WITH ORDINALITY AS a(x, i) WHERE x ? 'suggested_code'"
    " ORDER BY (x->>'family' IS NOT DISTINCT FROM f.evidence->>'family') DESC, i LIMIT 1)"
    " AS to_code"
    " FROM findings f WHERE f.ledger_id = c.ledger_id AND f.seq = c.seq"
    " AND f.rule = 'MISCLASS_EXPENSE' AND f.status IN ('open', 'confirmed')"
    " ORDER BY f.finding_id LIMIT 1) m ON true"
    " WHERE (c.fin OR c.k > c.nfin)"
    " AND (c.code LIKE ANY ($5::text[]) OR m.to_code LIKE ANY ($5::text[]))"
    " ORDER BY c.voucher_date, c.voucher_word, c.voucher_no, c.line_no, c.ledger_id";

enum {
    L_LEDGER,
    L_SEQ,
    L_DATE,
    L_WORD,
    L_NO,
    L_LINE,
    L_SUMMARY,
    L_CODE,
    L_DEBIT,
    L_FINDING,
    L_FAMILY,
    L_TO,
    L_STATUS
};

/* What the lines query takes from a year's profile: which accounts hold
 * expense lines, which codes are 三公. */
typedef struct {
    const char *org;
    char *fin, *bud, *sangong; /* patterns */
} s_query_t;

static void s_query_init(s_query_t *q, const char *org, const vouch_policy_t *pol)
{
    const vouch_policy_codes_t *fin = vouch_policy_codes(pol, VOUCH_POLICY_FINANCIAL_EXPENSE);
    const vouch_policy_codes_t *bud = vouch_policy_codes(pol, VOUCH_POLICY_BUDGET_EXPENSE);
    const vouch_policy_codes_t *sg = vouch_policy_codes(pol, VOUCH_POLICY_SANGONG_CODES);
    q->org = org;
    q->fin = s_patterns(fin->items, fin->n);
    q->bud = s_patterns(bud->items, bud->n);
    q->sangong = s_patterns(sg->items, sg->n);
}

static void s_query_free(s_query_t *q)
{
    free(q->fin);
    free(q->bud);
    free(q->sangong);
}

static json_t *s_text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *s_money_json(int64_t fen)
{
    char buf[VOUCH_MONEY_BUFSZ];
    return json_string(vouch_money_format(fen, buf));
}

/* A query that returns rows, with $n parameters: the result (the caller
 * PQclears), or NULL with err holding the first line of PostgreSQL's message. */
static PGresult *s_exec(PGconn *db, const char *sql, int nparams, const char *const *params,
                        vouch_error_t *err)
{
    PGresult *r = PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
        return r;
    const char *msg = PQresultErrorMessage(r);
    vouch_error_set(err, "query failed: %.*s", (int)strcspn(msg, "\n"), msg);
    PQclear(r);
    return NULL;
}

/* Add up one year into y; the lines moved go to moves. 0, or -1 with err. */
static int s_year(PGconn *db, const s_query_t *q, s_year_t *y, json_t *moves, vouch_error_t *err)
{
    char year[16];
    snprintf(year, sizeof year, "%d", y->year);
    const char *p[] = {q->org, year, q->fin, q->bud, q->sangong};
    PGresult *r = s_exec(db, s_lines_sql, 5, p, err);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t fen = strtoll(PQgetvalue(r, i, L_DEBIT), NULL, 10);
        const char *code = PQgetvalue(r, i, L_CODE);
        bool moved = !PQgetisnull(r, i, L_FINDING);
        const char *to = moved && !PQgetisnull(r, i, L_TO) ? PQgetvalue(r, i, L_TO) : NULL;
        int from_cat = s_cat_of(y, code);
        int to_cat = moved ? s_cat_of(y, to) : from_cat;
        if (from_cat >= 0) {
            y->cats[from_cat].booked += fen;
            y->cats[from_cat].lines++;
            y->booked += fen;
        }
        if (to_cat >= 0) {
            y->cats[to_cat].restated += fen;
            if (to_cat != from_cat)
                y->cats[to_cat].lines++;
            y->restated += fen;
        }
        if (from_cat == to_cat)
            continue;
        if (from_cat >= 0)
            y->cats[from_cat].out += fen;
        if (to_cat >= 0)
            y->cats[to_cat].in += fen;
        char voucher[96];
        vouch_voucher_no_format(PQgetvalue(r, i, L_WORD), atoi(PQgetvalue(r, i, L_NO)), voucher,
                                sizeof voucher);
        json_array_append_new(
            moves,
            json_pack(
                "{s:i, s:I, s:I, s:s, s:s, s:i, s:o, s:s, s:s, s:o, s:o, s:o, s:o, "
                "s:s, s:s}",
                "year", y->year, "finding_id",
                (json_int_t)strtoll(PQgetvalue(r, i, L_FINDING), NULL, 10), "ledger_id",
                (json_int_t)strtoll(PQgetvalue(r, i, L_LEDGER), NULL, 10), "voucher_date",
                PQgetvalue(r, i, L_DATE), "voucher", voucher, "line_no",
                atoi(PQgetvalue(r, i, L_LINE)), "amount", s_money_json(fen), "summary",
                PQgetvalue(r, i, L_SUMMARY), "from", code, "to", s_text_or_null(to),
                "from_category", s_text_or_null(from_cat >= 0 ? y->cats[from_cat].name : NULL),
                "to_category", s_text_or_null(to_cat >= 0 ? y->cats[to_cat].name : NULL), "family",
                s_text_or_null(PQgetisnull(r, i, L_FAMILY) ? NULL : PQgetvalue(r, i, L_FAMILY)),
                "rule", "MISCLASS_EXPENSE", "status", PQgetvalue(r, i, L_STATUS)));
    }
    PQclear(r);
    return 0;
}

/* The ledgers of the year, and what a reader must know of them: not yet
 * analysed, MISCLASS_EXPENSE not run for want of a column, failed batches,
 * two ledgers holding the same periods. Returns the number of ledgers, or -1
 * with err. */
static int s_ledgers(PGconn *db, const char *org, int year, json_t *ledgers, json_t *notes,
                     vouch_error_t *err)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {org, y};
    PGresult *r = s_exec(
        db,
        "SELECT g.ledger_id, g.file_name, g.period_from, g.period_to, g.analysed_at IS NOT NULL,"
        " array_to_json(g.columns)::text, (SELECT count(*) FROM batches b WHERE b.ledger_id ="
        " g.ledger_id AND b.state = 'failed')"
        " FROM ledgers g JOIN orgs o ON o.org_id = g.org_id WHERE o.name = $1"
        " AND g.fiscal_year = $2::int AND g.superseded_by IS NULL ORDER BY g.ledger_id",
        2, p, err);
    if (!r)
        return -1;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        const char *id = PQgetvalue(r, i, 0);
        int from = atoi(PQgetvalue(r, i, 2)), to = atoi(PQgetvalue(r, i, 3));
        bool analysed = strcmp(PQgetvalue(r, i, 4), "t") == 0;
        long failed = atol(PQgetvalue(r, i, 6));
        /* would MISCLASS_EXPENSE run on the ledger's columns? */
        json_error_t jerr;
        json_t *cols = json_loads(PQgetvalue(r, i, 5), 0, &jerr);
        size_t nc = json_array_size(cols);
        const char **names = vouch_calloc(nc ? nc : 1, sizeof *names);
        for (size_t k = 0; k < nc; k++)
            names[k] = json_string_value(json_array_get(cols, k));
        vouch_rules_coverage_t cov[VOUCH_RULES_MAX];
        size_t ncov = vouch_rules_coverage(names, nc, cov, VOUCH_RULES_MAX);
        bool misclass = true;
        char text[512];
        for (size_t k = 0; k < ncov; k++)
            if (strcmp(cov[k].rule, "MISCLASS_EXPENSE") == 0 && !cov[k].runs) {
                misclass = false;
                json_array_append_new(
                    notes, json_sprintf("ledger %s: MISCLASS_EXPENSE %s: its lines stand as booked",
                                        id, vouch_rules_coverage_text(&cov[k], text, sizeof text)));
            }
        free(names);
        json_decref(cols);
        if (!analysed)
            json_array_append_new(
                notes,
                json_sprintf("ledger %s is not analysed yet: restated totals may change", id));
        if (failed)
            json_array_append_new(
                notes, json_sprintf("ledger %s: %ld batch(es) failed: their lines are not restated",
                                    id, failed));
        for (int k = 0; k < i; k++) {
            int f2 = atoi(PQgetvalue(r, k, 2)), t2 = atoi(PQgetvalue(r, k, 3));
            if (from <= t2 && f2 <= to)
                json_array_append_new(
                    notes, json_sprintf("ledgers %s and %s both hold periods of %d: the lines of "
                                        "each are counted",
                                        PQgetvalue(r, k, 0), id, year));
        }
        json_array_append_new(ledgers,
                              json_pack("{s:I, s:s, s:i, s:i, s:i, s:b, s:b, s:i}", "ledger_id",
                                        (json_int_t)strtoll(id, NULL, 10), "file",
                                        PQgetvalue(r, i, 1), "fiscal_year", year, "period_from",
                                        from, "period_to", to, "analysed", analysed,
                                        "misclass_runs", misclass, "failed_batches", (int)failed));
    }
    PQclear(r);
    return n;
}

/* change as a percentage of base with one decimal, "+12.5%"; "" when base is 0 */
static void s_pct(int64_t change, int64_t base, char *out, size_t size)
{
    if (base == 0) {
        snprintf(out, size, "%s", "");
        return;
    }
    /* tenths of a percent, rounded half away from zero, in integers */
    __int128 t = (__int128)change * 2000 / base;
    t = t >= 0 ? (t + 1) / 2 : (t - 1) / 2;
    long long tenths = (long long)t;
    long long whole = tenths / 10, frac = tenths % 10;
    snprintf(out, size, "%s%lld.%lld%%", tenths < 0 ? "-" : "+", whole < 0 ? -whole : whole,
             frac < 0 ? -frac : frac);
}

static json_t *s_cat_json(const s_cat_t *c, const s_cat_t *prev)
{
    json_t *codes = json_array();
    for (size_t k = 0; k < c->ncodes; k++)
        json_array_append_new(codes, json_string(c->codes[k]));
    json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:i}", "name", c->name, "codes", codes,
                          "booked", s_money_json(c->booked), "moved_out", s_money_json(c->out),
                          "moved_in", s_money_json(c->in), "restated", s_money_json(c->restated),
                          "lines", (int)c->lines);
    if (prev) {
        char pct[32];
        s_pct(c->restated - prev->restated, prev->restated, pct, sizeof pct);
        json_object_set_new(o, "previous",
                            json_pack("{s:o, s:o}", "booked", s_money_json(prev->booked),
                                      "restated", s_money_json(prev->restated)));
        json_object_set_new(o, "change",
                            json_pack("{s:o, s:o, s:o}", "booked",
                                      s_money_json(c->booked - prev->booked), "restated",
                                      s_money_json(c->restated - prev->restated), "restated_pct",
                                      s_text_or_null(pct[0] ? pct : NULL)));
    } else {
        json_object_set_new(o, "previous", json_null());
        json_object_set_new(o, "change", json_null());
    }
    return o;
}

/* The total as a category of its own. */
static s_cat_t s_total(const s_year_t *y)
{
    s_cat_t t = {.name = "合计"};
    for (size_t i = 0; i < y->ncats; i++) {
        t.booked += y->cats[i].booked;
        t.out += y->cats[i].out;
        t.in += y->cats[i].in;
        t.restated += y->cats[i].restated;
        t.lines += y->cats[i].lines;
    }
    return t;
}

/* The report as JSON, from the years added up: the categories and the total,
 * each beside the year before when it is loaded. */
static json_t *s_doc(const char *org, const vouch_policy_t *pol, const s_year_t *y,
                     const s_year_t *prev, json_t *ledgers, json_t *moves, json_t *notes)
{
    json_t *cats = json_array();
    for (size_t k = 0; k < y->ncats; k++)
        json_array_append_new(cats, s_cat_json(&y->cats[k], prev->loaded ? &prev->cats[k] : NULL));
    s_cat_t tot = s_total(y), ptot = s_total(prev);
    json_t *doc =
        json_pack("{s:s, s:i, s:o, s:s, s:s, s:O, s:o, s:o, s:O, s:O}", "org", org, "year", y->year,
                  "previous_year", prev->loaded ? json_integer(prev->year) : json_null(), "profile",
                  vouch_policy_profile(pol), "policy_version", vouch_policy_version(pol), "ledgers",
                  ledgers, "categories", cats, "total",
                  s_cat_json(&tot, prev->loaded ? &ptot : NULL), "moves", moves, "notes", notes);
    json_object_del(json_object_get(doc, "total"), "codes");
    json_object_del(json_object_get(doc, "total"), "name");
    return doc;
}

json_t *vouch_sangong_report(PGconn *db, const vouch_policy_set_t *policies, const char *org,
                             int year, vouch_sangong_missing_t *missing, vouch_error_t *err)
{
    *missing = VOUCH_SANGONG_MISSING_NONE;
    json_t *doc = NULL;
    const vouch_policy_t *pol = vouch_policy_set_for(policies, org, year);
    /* each year's lines as its own profile reads them; the categories are
     * the report year's, so that the two years compare */
    s_query_t q, qp;
    s_query_init(&q, org, pol);
    s_query_init(&qp, org, vouch_policy_set_for(policies, org, year - 1));
    s_year_t y = {.year = year}, prev = {.year = year - 1};
    s_categories(pol, &y);
    s_categories(pol, &prev);
    json_t *ledgers = json_array(), *prev_ledgers = json_array(), *moves = json_array();
    json_t *notes = json_array(), *prev_notes = json_array();

    const char *po[] = {org};
    PGresult *r = s_exec(db, "SELECT org_id FROM orgs WHERE name = $1", 1, po, err);
    if (!r)
        goto done;
    bool known = PQntuples(r) == 1;
    PQclear(r);
    if (!known) {
        vouch_error_set(err, "no unit named \"%s\"", org);
        *missing = VOUCH_SANGONG_MISSING_UNIT;
        goto done;
    }
    int n = s_ledgers(db, org, year, ledgers, notes, err);
    if (n < 0)
        goto done;
    if (n == 0) {
        vouch_error_set(err, "no ledger of \"%s\" for %d", org, year);
        *missing = VOUCH_SANGONG_MISSING_LEDGER;
        goto done;
    }
    y.loaded = true;
    int np = s_ledgers(db, org, year - 1, prev_ledgers, prev_notes, err);
    if (np < 0 || s_year(db, &q, &y, moves, err) != 0)
        goto done;
    prev.loaded = np > 0;
    if (prev.loaded) {
        if (s_year(db, &qp, &prev, moves, err) != 0)
            goto done;
        json_array_extend(ledgers, prev_ledgers);
        json_array_extend(notes, prev_notes);
    }
    doc = s_doc(org, pol, &y, &prev, ledgers, moves, notes);

done:
    json_decref(ledgers);
    json_decref(prev_ledgers);
    json_decref(moves);
    json_decref(notes);
    json_decref(prev_notes);
    s_query_free(&q);
    s_query_free(&qp);
    return doc;
}
