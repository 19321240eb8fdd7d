/* cmd_show.c: `vouchctl show`: a finding in its voucher (every line, every
 * finding on it, the evidence), or a ledger and what was found in it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "ctl.h"
#include "money.h"
#include "query.h"
#include "rules.h"
#include "table.h"
#include "voucher.h"

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl show [--format table|json] FINDING_ID\n"
                 "       vouchctl show [--format table|json] --ledger ID\n"
                 "                     [--period YYYY-MM --voucher 记-23]\n"
                 "\n"
                 "Shows a finding's voucher: its lines, the findings on it and their\n"
                 "evidence; or a ledger: its file, counts, findings by rule and which\n"
                 "rules could run on its columns (coverage); or one voucher of a ledger.\n");
}

static PGresult *s_run(PGconn *db, const char *sql, int n, const char *const *p)
{
    return vouch_ctl_exec(db, sql, n, p);
}

/* a row as a JSON object, every column by its name, values as text (NULL as null) */
static json_t *s_row_json(PGresult *r, int row)
{
    json_t *o = json_object();
    for (int c = 0; c < PQnfields(r); c++) {
        const char *name = PQfname(r, c);
        if (PQgetisnull(r, row, c))
            json_object_set_new(o, name, json_null());
        else if (strcmp(name, "evidence") == 0 || strcmp(name, "extra") == 0) {
            json_t *v = json_loads(PQgetvalue(r, row, c), 0, NULL);
            json_object_set_new(o, name, v ? v : json_null());
        } else
            json_object_set_new(o, name, json_string(PQgetvalue(r, row, c)));
    }
    return o;
}

/* The rows of r (finding_id first) for one finding, without that column. */
static json_t *s_rows_of(PGresult *r, const char *finding_id)
{
    json_t *a = json_array();
    for (int k = 0; k < PQntuples(r); k++)
        if (strcmp(PQgetvalue(r, k, 0), finding_id) == 0) {
            json_t *e = s_row_json(r, k);
            json_object_del(e, "finding_id");
            json_array_append_new(a, e);
        }
    return a;
}

/* The first non-blank value of a column over the rows ("" when none). */
static const char *s_first_value(PGresult *r, const char *column)
{
    int c = PQfnumber(r, column);
    for (int i = 0; c >= 0 && i < PQntuples(r); i++)
        if (!PQgetisnull(r, i, c) && PQgetvalue(r, i, c)[0])
            return PQgetvalue(r, i, c);
    return "";
}

/* A voucher's lines, $1 to $5 its ledger, fiscal year, period, word and
 * number; P the alias of lines ("l.") or "". By its unit too, which the
 * ledger gives: lines_voucher (org_id, fiscal_year, period, voucher_word,
 * voucher_no) finds them at once, where by the ledger alone the key read
 * every line of the period (20 ms at 10,000,000 lines, BENCHMARKS.md). */
#define S_VOUCHER_LINES(p)                                                                         \
    " " p "org_id = (SELECT g.org_id FROM ledgers g WHERE g.ledger_id = $1) AND " p                \
    "ledger_id = $1 AND " p "fiscal_year = $2 AND " p "period = $3 AND " p "voucher_word = $4"     \
    " AND " p "voucher_no = $5"

static int s_voucher(PGconn *db, const char *ledger, const char *year, const char *period,
                     const char *word, const char *number, int format)
{
    const char *p[] = {ledger, year, period, word, number};
    PGresult *v = s_run(db,
                        "SELECT o.name AS org, v.ledger_id, g.file_name,"
                        " to_char(v.voucher_date, 'YYYY-MM-DD') AS voucher_date, v.fiscal_year,"
                        " v.period, v.voucher_word, v.voucher_no, v.voucher_raw, v.lines,"
                        " v.debit, v.credit, v.attachments, v.documents::text AS documents"
                        " FROM vouchers v JOIN orgs o ON o.org_id = v.org_id"
                        " JOIN ledgers g ON g.ledger_id = v.ledger_id"
                        " WHERE v.ledger_id = $1 AND v.fiscal_year = $2 AND v.period = $3"
                        " AND v.voucher_word = $4 AND v.voucher_no = $5",
                        5, p);
    if (!v)
        return VOUCH_EXIT_UNAVAILABLE;
    if (PQntuples(v) != 1) {
        PQclear(v);
        vouch_ctl_fail("no such voucher");
        return VOUCH_EXIT_REFUSED;
    }
    PGresult *l = s_run(
        db,
        "SELECT line_no, seq, file_line, src_line_no, summary, account_code, account_name,"
        " func_code, econ_code, debit, credit, indicator, department, project, claimant, payee,"
        " payee_account, payment_method, procurement_method, contract_no, invoice_no,"
        " to_char(business_date, 'YYYY-MM-DD') AS business_date,"
        " to_char(approval_date, 'YYYY-MM-DD') AS approval_date, document_dates, attachments,"
        " preparer, reviewer, extra FROM lines WHERE" S_VOUCHER_LINES("") " ORDER BY line_no, seq",
        5, p);
    PGresult *f =
        l ? s_run(db,
                  "SELECT f.finding_id, l.line_no, f.rule, f.severity, f.amount,"
                  " f.status, f.message, f.message_en, f.evidence::text AS evidence,"
                  " f.rule_version, f.profile, f.policy_version, f.assignee"
                  " FROM findings f JOIN lines l ON l.ledger_id = f.ledger_id"
                  " AND l.seq = f.seq WHERE" S_VOUCHER_LINES("l.") " ORDER BY l.line_no, f.rule",
                  5, p)
          : NULL;
    /* the findings' review histories, oldest first */
    PGresult *hs = f ? s_run(db,
                             "SELECT r.finding_id, to_char(r.at, 'YYYY-MM-DD HH24:MI:SS') AS at,"
                             " r.who, r.from_status AS \"from\", r.to_status AS \"to\", r.reason,"
                             " r.note FROM reviews r JOIN findings f USING (finding_id)"
                             " JOIN lines l ON l.ledger_id = f.ledger_id AND l.seq = f.seq"
                             " WHERE" S_VOUCHER_LINES("l.") " ORDER BY r.review_id",
                             5, p)
                     : NULL;
    /* and who was to look at them, oldest first */
    PGresult *as = hs ? s_run(db,
                              "SELECT a.finding_id, to_char(a.at, 'YYYY-MM-DD HH24:MI:SS') AS at,"
                              " a.who, a.from_name AS \"from\", a.to_name AS \"to\""
                              " FROM assignments a JOIN findings f USING (finding_id)"
                              " JOIN lines l ON l.ledger_id = f.ledger_id AND l.seq = f.seq"
                              " WHERE" S_VOUCHER_LINES("l.") " ORDER BY a.assignment_id",
                              5, p)
                      : NULL;
    if (!l || !f || !hs || !as) {
        PQclear(v);
        PQclear(l);
        PQclear(f);
        PQclear(hs);
        return VOUCH_EXIT_UNAVAILABLE;
    }
    char voucher[96], a1[VOUCH_MONEY_BUFSZ], a2[VOUCH_MONEY_BUFSZ];
    vouch_voucher_no_format(PQgetvalue(v, 0, 6), atoi(PQgetvalue(v, 0, 7)), voucher,
                            sizeof voucher);
    if (format == VOUCH_FMT_JSON) {
        json_t *o = s_row_json(v, 0);
        json_object_set_new(o, "voucher", json_string(voucher));
        json_t *lines = json_array(), *findings = json_array();
        for (int i = 0; i < PQntuples(l); i++)
            json_array_append_new(lines, s_row_json(l, i));
        for (int i = 0; i < PQntuples(f); i++) {
            json_t *fo = s_row_json(f, i);
            json_object_set_new(fo, "history", s_rows_of(hs, PQgetvalue(f, i, 0)));
            json_object_set_new(fo, "assignments", s_rows_of(as, PQgetvalue(f, i, 0)));
            json_array_append_new(findings, fo);
        }
        json_object_set_new(o, "lines", lines);
        json_t *docs = PQgetisnull(v, 0, 13) ? NULL : json_loads(PQgetvalue(v, 0, 13), 0, NULL);
        json_object_set_new(o, "documents", docs ? docs : json_array());
        json_object_set_new(o, "findings", findings);
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
    } else {
        printf("%s  %s  %s  (ledger %s: %s)\n", PQgetvalue(v, 0, 0), PQgetvalue(v, 0, 3), voucher,
               PQgetvalue(v, 0, 1), PQgetvalue(v, 0, 2));
        printf("%s lines, debits %s, credits %s, attachments %s\n", PQgetvalue(v, 0, 9),
               vouch_money_format_grouped(atoll(PQgetvalue(v, 0, 10)), a1),
               vouch_money_format_grouped(atoll(PQgetvalue(v, 0, 11)), a2),
               PQgetisnull(v, 0, 12) ? "unknown" : PQgetvalue(v, 0, 12));
        /* who entered and who reviewed it: the voucher's, carried on its lines */
        const char *preparer = s_first_value(l, "preparer"),
                   *reviewer = s_first_value(l, "reviewer");
        if (preparer[0] || reviewer[0])
            printf("prepared by %s, reviewed by %s\n", preparer[0] ? preparer : "(blank)",
                   reviewer[0] ? reviewer : "(blank)");
        putchar('\n');
        const char *h[] = {"LINE",     "ACCOUNT",   "ECON",     "SUMMARY", "DEBIT",
                           "CREDIT",   "INDICATOR", "CLAIMANT", "PAYEE",   "PROCUREMENT",
                           "BUSINESS", "APPROVED",  "DOCUMENTS"};
        vouch_table_t *t = vouch_table_new(13, h);
        vouch_table_align_right(t, 0);
        vouch_table_align_right(t, 4);
        vouch_table_align_right(t, 5);
        vouch_table_max_width(t, 3, 30);
        for (int i = 0; i < PQntuples(l); i++) {
            char account[256];
            snprintf(account, sizeof account, "%s %s", PQgetvalue(l, i, 5), PQgetvalue(l, i, 6));
            const char *cells[] = {
                PQgetvalue(l, i, 0),
                account,
                PQgetvalue(l, i, 8),
                PQgetvalue(l, i, 4),
                vouch_money_format_grouped(atoll(PQgetvalue(l, i, 9)), a1),
                vouch_money_format_grouped(atoll(PQgetvalue(l, i, 10)), a2),
                PQgetvalue(l, i, 11),
                PQgetvalue(l, i, 14),
                PQgetvalue(l, i, 15),
                PQgetvalue(l, i, 18),
                PQgetvalue(l, i, 21),
                PQgetvalue(l, i, 22),
                PQgetvalue(l, i, 23),
            };
            vouch_table_add(t, cells);
        }
        vouch_table_print(t, stdout);
        vouch_table_destroy(&t);
        int extra = PQfnumber(l, "extra");
        for (int i = 0; i < PQntuples(l); i++)
            if (!PQgetisnull(l, i, extra))
                printf("line %s, other columns: %s\n", PQgetvalue(l, i, 0),
                       PQgetvalue(l, i, extra));
        json_t *docs = PQgetisnull(v, 0, 13) ? NULL : json_loads(PQgetvalue(v, 0, 13), 0, NULL);
        if (json_array_size(docs) == 0)
            printf("\ndocuments: none recorded (only JSON Lines exports list them)\n");
        else {
            printf("\ndocuments\n");
            size_t k;
            json_t *d;
            json_array_foreach(docs, k, d)
            {
                json_t *sg = json_object_get(d, "signed");
                printf("  %s  %s  %s  %s\n", json_string_value(json_object_get(d, "kind")) ?: "",
                       json_string_value(json_object_get(d, "number")) ?: "-",
                       json_string_value(json_object_get(d, "date")) ?: "undated",
                       json_is_true(sg)    ? "signed"
                       : json_is_false(sg) ? "NOT SIGNED"
                                           : "");
            }
        }
        json_decref(docs);
        printf("\n%d finding%s\n", PQntuples(f), PQntuples(f) == 1 ? "" : "s");
        for (int i = 0; i < PQntuples(f); i++) {
            printf("\n#%s  line %s  %s (%s, v%s, %s)  %s yuan  [%s]", PQgetvalue(f, i, 0),
                   PQgetvalue(f, i, 1), PQgetvalue(f, i, 2), PQgetvalue(f, i, 3),
                   PQgetvalue(f, i, 9), PQgetvalue(f, i, 10),
                   vouch_money_format_grouped(atoll(PQgetvalue(f, i, 4)), a1), PQgetvalue(f, i, 5));
            if (!PQgetisnull(f, i, 12))
                printf("  assigned to %s", PQgetvalue(f, i, 12));
            putchar('\n');
            printf("  %s\n  %s\n", PQgetvalue(f, i, 6), PQgetvalue(f, i, 7));
            json_t *ev = json_loads(PQgetvalue(f, i, 8), 0, NULL);
            if (ev) {
                char *text = json_dumps(ev, JSON_INDENT(2) | JSON_SORT_KEYS);
                /* indent the evidence under its finding */
                printf("  evidence: ");
                for (char *q = text; *q; q++) {
                    putchar(*q);
                    if (*q == '\n')
                        fputs("  ", stdout);
                }
                putchar('\n');
                free(text);
                json_decref(ev);
            }
            int shown = 0;
            for (int k = 0; k < PQntuples(hs); k++)
                if (strcmp(PQgetvalue(hs, k, 0), PQgetvalue(f, i, 0)) == 0) {
                    printf("  %s %s  %s  %s -> %s", shown++ ? "       " : "history",
                           PQgetvalue(hs, k, 1), PQgetvalue(hs, k, 2), PQgetvalue(hs, k, 3),
                           PQgetvalue(hs, k, 4));
                    if (!PQgetisnull(hs, k, 5))
                        printf(" (%s)", PQgetvalue(hs, k, 5));
                    printf(": %s\n", PQgetvalue(hs, k, 6));
                }
            if (!shown)
                printf("  history: none yet\n");
            shown = 0;
            for (int k = 0; k < PQntuples(as); k++)
                if (strcmp(PQgetvalue(as, k, 0), PQgetvalue(f, i, 0)) == 0)
                    printf("  %s %s  %s  %s -> %s\n", shown++ ? "        " : "assigned",
                           PQgetvalue(as, k, 1), PQgetvalue(as, k, 2),
                           PQgetisnull(as, k, 3) ? "(nobody)" : PQgetvalue(as, k, 3),
                           PQgetvalue(as, k, 4));
        }
    }
    PQclear(v);
    PQclear(l);
    PQclear(f);
    PQclear(hs);
    PQclear(as);
    return VOUCH_EXIT_OK;
}

static int s_finding(PGconn *db, const char *id, int format)
{
    const char *p[] = {id};
    PGresult *r = s_run(db,
                        "SELECT l.ledger_id, l.fiscal_year, l.period, l.voucher_word, l.voucher_no"
                        " FROM findings f JOIN lines l ON l.ledger_id = f.ledger_id"
                        " AND l.seq = f.seq WHERE f.finding_id = $1::bigint",
                        1, p);
    if (!r)
        return VOUCH_EXIT_UNAVAILABLE;
    if (PQntuples(r) != 1) {
        PQclear(r);
        vouch_ctl_fail("no finding %s", id);
        return VOUCH_EXIT_REFUSED;
    }
    int rc = s_voucher(db, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2),
                       PQgetvalue(r, 0, 3), PQgetvalue(r, 0, 4), format);
    PQclear(r);
    return rc;
}

/* Which rules could run on the ledger (RULES.md "Missing data"), from the
 * canonical columns its header mapped (ledgers.columns) and, for JSON Lines,
 * whether its vouchers carried documents[]. Returns 0, or -1 when the query
 * failed (said why). */
static int s_coverage(PGconn *db, const char *id, vouch_rules_coverage_t *cov, size_t *ncov)
{
    const char *p[] = {id};
    PGresult *r = s_run(db,
                        "SELECT unnest(g.columns) FROM ledgers g WHERE g.ledger_id = $1::bigint"
                        " UNION ALL SELECT 'documents' WHERE EXISTS (SELECT 1 FROM vouchers v"
                        " WHERE v.ledger_id = $1::bigint AND v.documents IS NOT NULL)",
                        1, p);
    if (!r)
        return -1;
    int n = PQntuples(r);
    const char **names = vouch_calloc((size_t)(n ? n : 1), sizeof *names);
    for (int i = 0; i < n; i++)
        names[i] = PQgetvalue(r, i, 0);
    *ncov = vouch_rules_coverage(names, (size_t)n, cov, VOUCH_RULES_MAX);
    free(names);
    PQclear(r);
    return 0;
}

static int s_ledger(PGconn *db, const char *id, int format)
{
    const char *p[] = {id};
    PGresult *g = s_run(db,
                        "SELECT g.ledger_id, o.name AS org, g.file_name, g.sha256, g.fiscal_year,"
                        " g.period_from, g.period_to, g.lines, g.vouchers, g.dropped, g.batches,"
                        " array_to_string(g.columns, ', ') AS columns,"
                        " to_char(g.stored_at, 'YYYY-MM-DD HH24:MI:SS') AS stored_at,"
                        " to_char(g.analysed_at, 'YYYY-MM-DD HH24:MI:SS') AS analysed_at,"
                        " g.supersedes, g.superseded_by"
                        " FROM ledgers g JOIN orgs o ON o.org_id = g.org_id"
                        " WHERE g.ledger_id = $1::bigint",
                        1, p);
    if (!g)
        return VOUCH_EXIT_UNAVAILABLE;
    if (PQntuples(g) != 1) {
        PQclear(g);
        vouch_ctl_fail("no ledger %s", id);
        return VOUCH_EXIT_REFUSED;
    }
    PGresult *f = s_run(db,
                        "SELECT rule, count(*) AS findings, sum(amount) AS amount FROM findings"
                        " WHERE ledger_id = $1::bigint GROUP BY rule ORDER BY rule",
                        1, p);
    PGresult *b = f ? s_run(db,
                            "SELECT state, count(*) FROM batches WHERE ledger_id = $1::bigint"
                            " GROUP BY state ORDER BY state",
                            1, p)
                    : NULL;
    vouch_rules_coverage_t cov[VOUCH_RULES_MAX];
    size_t ncov = 0;
    if (!f || !b || s_coverage(db, id, cov, &ncov) != 0) {
        PQclear(g);
        PQclear(f);
        PQclear(b);
        return VOUCH_EXIT_UNAVAILABLE;
    }
    char a[VOUCH_MONEY_BUFSZ];
    if (format == VOUCH_FMT_JSON) {
        json_t *o = s_row_json(g, 0);
        json_t *rules = json_array();
        for (int i = 0; i < PQntuples(f); i++)
            json_array_append_new(
                rules, json_pack("{s:s, s:I, s:s}", "rule", PQgetvalue(f, i, 0), "findings",
                                 (json_int_t)atoll(PQgetvalue(f, i, 1)), "amount",
                                 vouch_money_format(atoll(PQgetvalue(f, i, 2)), a)));
        json_object_set_new(o, "findings_by_rule", rules);
        json_t *states = json_object();
        for (int i = 0; i < PQntuples(b); i++)
            json_object_set_new(states, PQgetvalue(b, i, 0),
                                json_integer(atoll(PQgetvalue(b, i, 1))));
        json_object_set_new(o, "batches_by_state", states);
        json_object_set_new(o, "coverage", vouch_rules_coverage_json(cov, ncov));
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
    } else {
        static const char *labels[] = {"ledger",  "org",     "file",   "sha256",   "year",
                                       "from",    "to",      "lines",  "vouchers", "dropped",
                                       "batches", "columns", "stored", "analysed"};
        for (int c = 0; c < 14; c++)
            printf("%-9s %s\n", labels[c],
                   PQgetisnull(g, 0, c) ? (c == 13 ? "not yet" : "") : PQgetvalue(g, 0, c));
        /* a re-export of the same unit and periods replaces a ledger */
        if (!PQgetisnull(g, 0, 14))
            printf("%-9s ledger %s (the same unit and periods, exported before)\n", "replaces",
                   PQgetvalue(g, 0, 14));
        if (!PQgetisnull(g, 0, 15))
            printf("%-9s ledger %s, a re-export: the rules read that one, and the findings\n"
                   "%-9s here that it still holds moved there\n",
                   "replaced", PQgetvalue(g, 0, 15), "");
        printf("\n");
        const char *h[] = {"RULE", "FINDINGS", "AMOUNT"};
        vouch_table_t *t = vouch_table_new(3, h);
        vouch_table_align_right(t, 1);
        vouch_table_align_right(t, 2);
        for (int i = 0; i < PQntuples(f); i++) {
            const char *cells[] = {PQgetvalue(f, i, 0), PQgetvalue(f, i, 1),
                                   vouch_money_format_grouped(atoll(PQgetvalue(f, i, 2)), a)};
            vouch_table_add(t, cells);
        }
        vouch_table_print(t, stdout);
        vouch_table_destroy(&t);
        /* a rule that lacked a column found nothing because it did not run:
         * say so beside the findings, never leave it looking clean */
        printf("\n");
        const char *hc[] = {"RULE", "COVERAGE"};
        vouch_table_t *tc = vouch_table_new(2, hc);
        for (size_t i = 0; i < ncov; i++) {
            char text[512];
            const char *cells[] = {cov[i].rule,
                                   vouch_rules_coverage_text(&cov[i], text, sizeof text)};
            vouch_table_add(tc, cells);
        }
        vouch_table_print(tc, stdout);
        vouch_table_destroy(&tc);
    }
    PQclear(g);
    PQclear(f);
    PQclear(b);
    return VOUCH_EXIT_OK;
}

int vouch_cmd_show(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"ledger", required_argument, NULL, 'L'},  {"period", required_argument, NULL, 'p'},
        {"voucher", required_argument, NULL, 'v'}, {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *ledger = NULL, *period = NULL, *voucher = NULL;
    int format = VOUCH_FMT_TABLE, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'L':
            ledger = optarg;
            break;
        case 'p':
            period = optarg;
            break;
        case 'v':
            voucher = optarg;
            break;
        case 'f':
            format = vouch_ctl_format_parse(optarg);
            if (format != VOUCH_FMT_TABLE && format != VOUCH_FMT_JSON) {
                vouch_ctl_fail("--format is table or json");
                return VOUCH_EXIT_USAGE;
            }
            break;
        case 'h':
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        default:
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    const char *finding = optind < argc ? argv[optind] : NULL;
    bool digits = true;
    for (const char *q = ledger ? ledger : finding; q && *q; q++)
        digits = digits && *q >= '0' && *q <= '9';
    if ((!!finding == !!ledger) || optind + (finding ? 1 : 0) < argc || !digits ||
        (!!period != !!voucher) || (finding && period)) {
        s_usage(stderr);
        return VOUCH_EXIT_USAGE;
    }
    int year = 0, month = 0, number = 0;
    char word[64] = "";
    if (period && vouch_ctl_period_arg(period, &year, &month) != 0)
        return VOUCH_EXIT_USAGE;
    if (voucher && vouch_voucher_no_parse(voucher, word, sizeof word, &number) != 0) {
        vouch_ctl_fail("--voucher: \"%s\" is not a voucher number like 记-23", voucher);
        return VOUCH_EXIT_USAGE;
    }
    PGconn *db = vouch_ctl_read_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    if (finding)
        return s_finding(db, finding, format);
    if (!period)
        return s_ledger(db, ledger, format);
    char y[8], m[8], n[16];
    snprintf(y, sizeof y, "%d", year);
    snprintf(m, sizeof m, "%d", month);
    snprintf(n, sizeof n, "%d", number);
    return s_voucher(db, ledger, y, m, word, n, format);
}
