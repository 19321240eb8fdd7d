/* cmd_flags.c: `vouchctl flags`: findings, filtered, listed or summed, as a
 * table for people, CSV or an .xlsx workbook for spreadsheets, JSON for scripts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "ctl.h"
#include "date.h"
#include "money.h"
#include "query.h"
#include "table.h"
#include "voucher.h"
#include "workbook.h"

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: vouchctl flags [--ledger ID] [--org NAME] [--rule RULE]\n"
            "                      [--severity high|medium|low]\n"
            "                      [--status open|confirmed|dismissed|suppressed|superseded]\n"
            "                      [--all] [--assignee NAME]\n"
            "                      [--from DATE] [--to DATE] [--year YYYY] [--period YYYY-MM]\n"
            "                      [--group-by rule|org|month]\n"
            "                      [--sort KEY[,KEY...]] [--limit N] [--offset N] [--wide]\n"
            "                      [--format table|csv|json|xlsx] [-o FILE] [--sheet-per-rule]\n"
            "\n"
            "Lists findings, in voucher order. DATE filters the voucher date (from and to\n"
            "included; 2022-04-05, 2022/4/5, 20220405...). --year and --period filter the\n"
            "books' fiscal year and period (会计期间: 2022-13 is an adjustment period), by\n"
            "which findings are stored apart: the fastest filters. --group-by sums instead.\n"
            "Suppressed and superseded findings are left out of lists, sums and files\n"
            "unless --status names their status or --all is given; the table's last line\n"
            "says how many were left out.\n"
            "--sort orders by date, amount, rule, severity (high first), org, id or status\n"
            "(open, confirmed, dismissed, suppressed, superseded), key after key; -KEY is\n"
            "descending: --sort -amount,date. Findings alike in every key follow by id.\n"
            "With --group-by, --sort is key (the default), findings or amount; -findings\n"
            "and -amount put the largest first.\n"
            "Amounts are yuan; JSON gives them as strings (\"4000.00\"). The table cuts long\n"
            "summaries and messages to fit; --wide prints them whole.\n"
            "--format xlsx -o FILE.xlsx writes a workbook (never to standard output): the\n"
            "sheet \"findings\", headers in Chinese and English, frozen, with an autofilter;\n"
            "dates are dates, amounts yuan numbers (#,##0.00). --sheet-per-rule adds a sheet\n"
            "for each rule, named by it. With --group-by the workbook holds the sums.\n");
}

/* A --sort key and the SQL it stands for: the only text an ORDER BY is made
 * of. What the user types only chooses among these. */
typedef struct {
    const char *key, *sql;
} s_sort_key_t;

static const s_sort_key_t s_list_keys[] = {
    {"date", "l.voucher_date"},
    {"amount", "f.amount"},
    {"rule", "f.rule"},
    /* by weight, not alphabet: high first */
    {"severity", "CASE f.severity WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END"},
    {"org", "o.name"},
    {"id", "f.finding_id"},
    /* as a finding moves: open first */
    {"status", "CASE f.status WHEN 'open' THEN 1 WHEN 'confirmed' THEN 2 WHEN 'dismissed' THEN 3"
               " WHEN 'suppressed' THEN 4 WHEN 'superseded' THEN 5 ELSE 6 END"},
};
#define S_LIST_KEYS (int)(sizeof s_list_keys / sizeof s_list_keys[0])

/* --group-by's columns: 1 the key, 2 the count, 3 the amount */
static const s_sort_key_t s_group_keys[] = {{"key", "1"}, {"findings", "2"}, {"amount", "3"}};
#define S_GROUP_KEYS (int)(sizeof s_group_keys / sizeof s_group_keys[0])

typedef struct {
    const char *sql; /* one of the tables' */
    bool desc;
} s_order_t;

typedef struct {
    const char *ledger, *org, *rule, *severity, *status, *group_by, *assignee;
    char from[16], to[16];
    char year[12], period[12]; /* the fiscal year, and period within it: "" when not given */
    const char *limit, *offset, *sort;
    s_order_t order[S_LIST_KEYS];
    int norder;
    int format;
    const char *output;
    bool wide, all, sheet_per_rule;
} s_opts_t;

static bool s_one_of(const char *v, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(v, *set) == 0)
            return true;
    return false;
}

/* a whole number a bigint holds: 1 to 18 digits */
static bool s_digits(const char *v)
{
    if (!*v || strlen(v) > 18)
        return false;
    for (; *v; v++)
        if (*v < '0' || *v > '9')
            return false;
    return true;
}

static int s_date_arg(const char *v, char *out, const char *name)
{
    int32_t d;
    if (vouch_date_parse(v, strlen(v), &d) != 0 || d == VOUCH_DATE_NONE) {
        vouch_ctl_fail("%s: \"%s\" is not a date", name, v);
        return -1;
    }
    vouch_date_format(d, out);
    return 0;
}

/* --sort KEY[,KEY...], "-KEY" descending, each key one of keys[0..nkeys) and
 * named once, at most max of them: into o->order. -1 when it is not. */
static int s_sort_parse(const char *arg, const s_sort_key_t *keys, int nkeys, int max, s_opts_t *o)
{
    o->norder = 0;
    for (const char *p = arg;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool desc = len > 1 && *p == '-';
        if (desc) {
            p++;
            len--;
        }
        int k = 0;
        while (k < nkeys && !(strlen(keys[k].key) == len && strncmp(keys[k].key, p, len) == 0))
            k++;
        if (k == nkeys || o->norder == max)
            return -1;
        for (int i = 0; i < o->norder; i++)
            if (o->order[i].sql == keys[k].sql)
                return -1;
        o->order[o->norder++] = (s_order_t){keys[k].sql, desc};
        if (!end)
            return 0;
        p = end + 1;
    }
}

/* ORDER BY the --sort keys, then last: a unique column, so that the order is
 * total and --limit/--offset pages neither repeat nor skip a finding */
static void s_order_by(vouch_query_t *q, const s_opts_t *o, const char *last)
{
    vouch_query_sql(q, " ORDER BY ");
    for (int i = 0; i < o->norder; i++) {
        vouch_query_sql(q, o->order[i].sql);
        vouch_query_sql(q, o->order[i].desc ? " DESC, " : ", ");
    }
    vouch_query_sql(q, last);
}

/* Statuses a listing leaves out unless --status names one or --all is given:
 * findings set aside (suppressed) or replaced by a later one (superseded).
 * S_HIDDEN_SQL is the same list, for the queries. */
static const char *const s_hidden[] = {"suppressed", "superseded"};
#define S_HIDDEN_SQL "('suppressed', 'superseded')"

static void s_filters_but_status(vouch_query_t *q, const s_opts_t *o)
{
    if (o->ledger)
        vouch_query_and(q, "f.ledger_id = $?::bigint", o->ledger);
    if (o->org)
        vouch_query_and(q, "o.name = $?", o->org);
    if (o->rule)
        vouch_query_and(q, "f.rule = upper($?)", o->rule);
    if (o->severity)
        vouch_query_and(q, "f.severity = $?", o->severity);
    if (o->assignee)
        vouch_query_and(q, "f.assignee = btrim($?)", o->assignee);
    if (o->year[0])
        vouch_query_and(q, "f.fiscal_year = $?::smallint", o->year);
    if (o->period[0])
        vouch_query_and(q, "f.period = $?::smallint", o->period);
    if (o->from[0])
        vouch_query_and(q, "l.voucher_date >= $?::date", o->from);
    if (o->to[0])
        vouch_query_and(q, "l.voucher_date <= $?::date", o->to);
}

static void s_filters(vouch_query_t *q, const s_opts_t *o)
{
    s_filters_but_status(q, o);
    if (o->status)
        vouch_query_and(q, "f.status = $?", o->status);
    else if (!o->all)
        vouch_query_sql(q, " AND f.status NOT IN " S_HIDDEN_SQL);
}

#define S_FROM                                                                                     \
    " FROM findings f JOIN lines l ON l.ledger_id = f.ledger_id AND l.seq = f.seq"                 \
    " AND l.org_id = f.org_id AND l.fiscal_year = f.fiscal_year AND l.period = f.period"           \
    " JOIN orgs o ON o.org_id = f.org_id WHERE true"

/* What the default status filter left out, for a table's last line:
 * "(3 suppressed, 2 superseded not shown: --status suppressed|superseded,
 * or --all)", or "" when it left out nothing. -1 when the query failed
 * (PostgreSQL's message printed). */
static int s_hidden_note(PGconn *db, const s_opts_t *o, char *note, size_t size)
{
    note[0] = '\0';
    if (o->status || o->all)
        return 0;
    vouch_query_t q;
    vouch_query_init(&q, "SELECT f.status, count(*)" S_FROM);
    s_filters_but_status(&q, o);
    vouch_query_sql(&q, " AND f.status IN " S_HIDDEN_SQL " GROUP BY 1");
    PGresult *r = vouch_query_run(&q, db);
    vouch_query_free(&q);
    if (!r)
        return -1;
    vouch_buf_t counts, names;
    vouch_buf_init(&counts);
    vouch_buf_init(&names);
    for (size_t h = 0; h < sizeof s_hidden / sizeof s_hidden[0]; h++)
        for (int i = 0; i < PQntuples(r); i++)
            if (strcmp(PQgetvalue(r, i, 0), s_hidden[h]) == 0) {
                vouch_buf_printf(&counts, "%s%s %s", counts.len ? ", " : "", PQgetvalue(r, i, 1),
                                 s_hidden[h]);
                vouch_buf_printf(&names, "%s%s", names.len ? "|" : "", s_hidden[h]);
            }
    PQclear(r);
    if (counts.len)
        snprintf(note, size, "(%s not shown: --status %s, or --all)", counts.data, names.data);
    vouch_buf_free(&counts);
    vouch_buf_free(&names);
    return 0;
}

/* A workbook goes to a file: -o FILE, new or a regular file, never standard
 * output. -1 after saying why (wrong usage). */
static int s_xlsx_target(const char *path)
{
    struct stat st, out;
    bool is_stdout = path && stat(path, &st) == 0 && fstat(STDOUT_FILENO, &out) == 0 &&
                     st.st_dev == out.st_dev && st.st_ino == out.st_ino; /* /dev/stdout */
    if (!path || strcmp(path, "-") == 0 || is_stdout) {
        vouch_ctl_fail("--format xlsx writes a file, not standard output: give -o FILE.xlsx");
        return -1;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        vouch_ctl_fail("--format xlsx writes a file, and %s is not one", path);
        return -1;
    }
    return 0;
}

static FILE *s_open_output(const s_opts_t *o)
{
    if (!o->output)
        return stdout;
    FILE *f = fopen(o->output, "w");
    if (!f)
        vouch_ctl_fail("cannot write %s", o->output);
    else if (o->format == VOUCH_FMT_CSV)
        fputs("\xEF\xBB\xBF", f); /* so that Excel reads the file as UTF-8 */
    return f;
}

/* Write the workbook, unless failed (why says what went wrong), and free it;
 * say why when it was not written. A VOUCH_EXIT_*. */
static int s_xlsx_end(vouch_workbook_t **wb, const char *path, bool failed, char *why, size_t size)
{
    if (!failed && vouch_workbook_close(wb, why, size) == 0)
        return VOUCH_EXIT_OK;
    vouch_workbook_destroy(wb);
    vouch_ctl_fail("cannot write %s: %s", path, why);
    return VOUCH_EXIT_REFUSED;
}

static vouch_workbook_t *s_xlsx_new(const char *path, char *why, size_t size)
{
    vouch_workbook_t *wb = vouch_workbook_new(path);
    if (!wb)
        snprintf(why, size, "libxlsxwriter could not start a workbook");
    return wb;
}

/* --group-by's sums as one sheet: key, count, amount */
static int s_grouped_xlsx(const s_opts_t *o, PGresult *r)
{
    bool org = strcmp(o->group_by, "org") == 0;
    const vouch_workbook_column_t cols[] = {
        {strcmp(o->group_by, "rule") == 0 ? "规则 rule"
         : org                            ? "单位 org"
                                          : "月份 month",
         VOUCH_WORKBOOK_TEXT, org ? 30 : 22},
        {"笔数 findings", VOUCH_WORKBOOK_INT, 14},
        {"金额(元) amount", VOUCH_WORKBOOK_FEN, 18},
    };
    char name[32], why[512];
    snprintf(name, sizeof name, "by %s", o->group_by);
    vouch_workbook_t *wb = s_xlsx_new(o->output, why, sizeof why);
    bool failed = !wb || vouch_workbook_sheet(wb, name, cols, 3, why, sizeof why) < 0;
    for (int i = 0; i < PQntuples(r) && !failed; i++) {
        const char *cells[] = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2)};
        failed = vouch_workbook_row(wb, 0, cells, why, sizeof why) < 0;
    }
    return s_xlsx_end(&wb, o->output, failed, why, sizeof why);
}

/* note: s_hidden_note's, for the table */
static int s_grouped(PGconn *db, const s_opts_t *o, const char *note, FILE *out)
{
    const char *key = strcmp(o->group_by, "rule") == 0  ? "f.rule"
                      : strcmp(o->group_by, "org") == 0 ? "o.name"
                                                        : "to_char(l.voucher_date, 'YYYY-MM')";
    vouch_query_t q;
    vouch_query_init(&q, "SELECT ");
    vouch_query_sql(&q, key);
    vouch_query_sql(&q, ", count(*), sum(f.amount)" S_FROM);
    s_filters(&q, o);
    vouch_query_sql(&q, " GROUP BY 1");
    s_order_by(&q, o, "1");
    PGresult *r = vouch_query_run(&q, db);
    vouch_query_free(&q);
    if (!r)
        return VOUCH_EXIT_UNAVAILABLE;
    int n = PQntuples(r), rc = VOUCH_EXIT_OK;
    char amount[VOUCH_MONEY_BUFSZ];
    if (o->format == VOUCH_FMT_XLSX) {
        rc = s_grouped_xlsx(o, r);
    } else if (o->format == VOUCH_FMT_JSON) {
        json_t *a = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(
                a, json_pack("{s:s, s:I, s:s}", o->group_by, PQgetvalue(r, i, 0), "findings",
                             (json_int_t)atoll(PQgetvalue(r, i, 1)), "amount",
                             vouch_money_format(atoll(PQgetvalue(r, i, 2)), amount)));
        json_dumpf(a, out, JSON_INDENT(1));
        fputc('\n', out);
        json_decref(a);
    } else if (o->format == VOUCH_FMT_CSV) {
        vouch_csv_field(out, o->group_by, false);
        vouch_csv_field(out, "findings", false);
        vouch_csv_field(out, "amount", true);
        for (int i = 0; i < n; i++) {
            vouch_csv_field(out, PQgetvalue(r, i, 0), false);
            vouch_csv_field(out, PQgetvalue(r, i, 1), false);
            vouch_csv_field(out, vouch_money_format(atoll(PQgetvalue(r, i, 2)), amount), true);
        }
    } else {
        char head[16];
        snprintf(head, sizeof head, "%s", o->group_by);
        for (char *p = head; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        const char *headers[] = {head, "FINDINGS", "AMOUNT"};
        vouch_table_t *t = vouch_table_new(3, headers);
        vouch_table_align_right(t, 1);
        vouch_table_align_right(t, 2);
        for (int i = 0; i < n; i++) {
            const char *cells[] = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                                   vouch_money_format_grouped(atoll(PQgetvalue(r, i, 2)), amount)};
            vouch_table_add(t, cells);
        }
        vouch_table_print(t, out);
        vouch_table_destroy(&t);
        if (*note)
            fprintf(out, "%s\n", note);
    }
    PQclear(r);
    return rc;
}

enum {
    C_ID,
    C_LEDGER,
    C_ORG,
    C_DATE,
    C_WORD,
    C_NO,
    C_LINE,
    C_RULE,
    C_SEV,
    C_AMOUNT,
    C_SUMMARY,
    C_MESSAGE,
    C_MESSAGE_EN,
    C_EVIDENCE,
    C_STATUS,
    C_RULE_VERSION,
    C_PROFILE,
    C_POLICY,
    C_ECON,
    C_PAYEE,
    C_SEQ,
    C_ASSIGNEE
};

/* The workbook's columns: JSON's names under Chinese ones, for both readers */
static const vouch_workbook_column_t s_xlsx_cols[] = {
    /* each wide enough for its header and the autofilter's button */
    {"编号 finding_id", VOUCH_WORKBOOK_INT, 18},     {"账套 ledger_id", VOUCH_WORKBOOK_INT, 17},
    {"单位 org", VOUCH_WORKBOOK_TEXT, 28},           {"日期 voucher_date", VOUCH_WORKBOOK_DATE, 20},
    {"凭证 voucher", VOUCH_WORKBOOK_TEXT, 15},       {"行 line_no", VOUCH_WORKBOOK_INT, 13},
    {"规则 rule", VOUCH_WORKBOOK_TEXT, 24},          {"严重性 severity", VOUCH_WORKBOOK_TEXT, 18},
    {"金额(元) amount", VOUCH_WORKBOOK_FEN, 18},     {"摘要 summary", VOUCH_WORKBOOK_TEXT, 36},
    {"说明 message", VOUCH_WORKBOOK_TEXT, 60},       {"状态 status", VOUCH_WORKBOOK_TEXT, 14},
    {"指派 assignee", VOUCH_WORKBOOK_TEXT, 16},      {"收款人 payee", VOUCH_WORKBOOK_TEXT, 20},
    {"经济分类 econ_code", VOUCH_WORKBOOK_TEXT, 21},
};
#define S_XLSX_NCOLS (int)(sizeof s_xlsx_cols / sizeof s_xlsx_cols[0])
/* each column's query column; the voucher is formatted from two */
#define S_VOUCHER -1
static const int s_xlsx_src[] = {C_ID,      C_LEDGER, C_ORG,      C_DATE,   S_VOUCHER,
                                 C_LINE,    C_RULE,   C_SEV,      C_AMOUNT, C_SUMMARY,
                                 C_MESSAGE, C_STATUS, C_ASSIGNEE, C_PAYEE,  C_ECON};
_Static_assert(sizeof s_xlsx_src / sizeof s_xlsx_src[0] == S_XLSX_NCOLS, "a source a column");

static int s_str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The list as the sheet "findings" and, with --sheet-per-rule, one sheet a
 * rule after it, named by the rule, in the rules' name order */
static int s_list_xlsx(const s_opts_t *o, PGresult *r)
{
    int n = PQntuples(r), nrules = 0;
    const char **rules = vouch_calloc((size_t)(n ? n : 1), sizeof *rules);
    if (o->sheet_per_rule) {
        for (int i = 0; i < n; i++)
            rules[i] = PQgetvalue(r, i, C_RULE);
        qsort(rules, (size_t)n, sizeof *rules, s_str_cmp);
        for (int i = 0; i < n; i++)
            if (nrules == 0 || strcmp(rules[nrules - 1], rules[i]) != 0)
                rules[nrules++] = rules[i];
    }
    char why[512], voucher[96];
    vouch_workbook_t *wb = s_xlsx_new(o->output, why, sizeof why);
    bool failed =
        !wb || vouch_workbook_sheet(wb, "findings", s_xlsx_cols, S_XLSX_NCOLS, why, sizeof why) < 0;
    for (int i = 0; i < nrules && !failed; i++)
        failed = vouch_workbook_sheet(wb, rules[i], s_xlsx_cols, S_XLSX_NCOLS, why, sizeof why) < 0;
    for (int i = 0; i < n && !failed; i++) {
        vouch_voucher_no_format(PQgetvalue(r, i, C_WORD), atoi(PQgetvalue(r, i, C_NO)), voucher,
                                sizeof voucher);
        const char *rule = PQgetvalue(r, i, C_RULE), *cells[S_XLSX_NCOLS];
        for (int c = 0; c < S_XLSX_NCOLS; c++)
            cells[c] = s_xlsx_src[c] == S_VOUCHER ? voucher : PQgetvalue(r, i, s_xlsx_src[c]);
        failed = vouch_workbook_row(wb, 0, cells, why, sizeof why) < 0;
        if (!failed && nrules) {
            const char **at = bsearch(&rule, rules, (size_t)nrules, sizeof *rules, s_str_cmp);
            failed = vouch_workbook_row(wb, 1 + (int)(at - rules), cells, why, sizeof why) < 0;
        }
    }
    free(rules);
    return s_xlsx_end(&wb, o->output, failed, why, sizeof why);
}

typedef struct {
    long long ledger, seq, fen;
} s_line_key_t;

static int s_key_cmp(const void *a, const void *b)
{
    const s_line_key_t *x = a, *y = b;
    if (x->ledger != y->ledger)
        return x->ledger < y->ledger ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* note: s_hidden_note's, for the table */
static int s_list(PGconn *db, const s_opts_t *o, const char *note, FILE *out)
{
    vouch_query_t q;
    vouch_query_init(&q, "SELECT f.finding_id, f.ledger_id, o.name,"
                         " to_char(l.voucher_date, 'YYYY-MM-DD'), l.voucher_word, l.voucher_no,"
                         " l.line_no, f.rule, f.severity, f.amount, coalesce(l.summary, ''),"
                         " f.message, f.message_en, f.evidence::text, f.status, f.rule_version,"
                         " f.profile, f.policy_version, coalesce(l.econ_code, ''),"
                         " coalesce(l.payee, ''), f.seq, f.assignee" S_FROM);
    s_filters(&q, o);
    s_order_by(&q, o,
               o->norder ? "f.finding_id"
                         : "l.voucher_date, l.voucher_word, l.voucher_no, l.line_no, f.rule,"
                           " f.finding_id");
    if (o->limit) {
        vouch_query_sql(&q, " LIMIT ");
        vouch_query_sql(&q, o->limit); /* checked to be digits */
    }
    if (o->offset) {
        vouch_query_sql(&q, " OFFSET ");
        vouch_query_sql(&q, o->offset);
    }
    PGresult *r = vouch_query_run(&q, db);
    vouch_query_free(&q);
    if (!r)
        return VOUCH_EXIT_UNAVAILABLE;
    if (o->format == VOUCH_FMT_XLSX) {
        int rc = s_list_xlsx(o, r);
        PQclear(r);
        return rc;
    }
    int n = PQntuples(r);
    char amount[VOUCH_MONEY_BUFSZ], voucher[96];
    /* a line with two findings is one payment: count its amount once */
    s_line_key_t *keys = vouch_calloc((size_t)(n ? n : 1), sizeof *keys);
    vouch_table_t *t = NULL;
    json_t *a = NULL;
    if (o->format == VOUCH_FMT_JSON)
        a = json_array();
    else if (o->format == VOUCH_FMT_CSV) {
        const char *cols[] = {"finding_id", "ledger_id",  "org",      "voucher_date", "voucher",
                              "line_no",    "rule",       "severity", "amount",       "summary",
                              "message",    "message_en", "status"};
        for (int c = 0; c < 13; c++)
            vouch_csv_field(out, cols[c], c == 12);
    } else {
        const char *headers[] = {"ID",  "DATE",   "VOUCHER", "LINE",   "RULE",
                                 "SEV", "AMOUNT", "SUMMARY", "MESSAGE"};
        t = vouch_table_new(9, headers);
        vouch_table_align_right(t, 0);
        vouch_table_align_right(t, 3);
        vouch_table_align_right(t, 6);
        if (!o->wide) {
            vouch_table_max_width(t, 7, 28);
            vouch_table_max_width(t, 8, 60);
        }
    }
    for (int i = 0; i < n; i++) {
        long long fen = atoll(PQgetvalue(r, i, C_AMOUNT));
        keys[i].ledger = atoll(PQgetvalue(r, i, C_LEDGER));
        keys[i].seq = atoll(PQgetvalue(r, i, C_SEQ));
        keys[i].fen = fen;
        vouch_voucher_no_format(PQgetvalue(r, i, C_WORD), atoi(PQgetvalue(r, i, C_NO)), voucher,
                                sizeof voucher);
        if (a) {
            json_error_t jerr;
            json_t *ev = json_loads(PQgetvalue(r, i, C_EVIDENCE), 0, &jerr);
            json_t *f = json_pack(
                "{s:I, s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:i,"
                " s:s, s:s, s:s, s:s}",
                "finding_id", (json_int_t)atoll(PQgetvalue(r, i, C_ID)), "ledger_id",
                (json_int_t)atoll(PQgetvalue(r, i, C_LEDGER)), "org", PQgetvalue(r, i, C_ORG),
                "voucher_date", PQgetvalue(r, i, C_DATE), "voucher", voucher, "line_no",
                atoi(PQgetvalue(r, i, C_LINE)), "rule", PQgetvalue(r, i, C_RULE), "severity",
                PQgetvalue(r, i, C_SEV), "amount", vouch_money_format(fen, amount), "summary",
                PQgetvalue(r, i, C_SUMMARY), "message", PQgetvalue(r, i, C_MESSAGE), "message_en",
                PQgetvalue(r, i, C_MESSAGE_EN), "evidence", ev ? ev : json_object(), "status",
                PQgetvalue(r, i, C_STATUS), "rule_version", atoi(PQgetvalue(r, i, C_RULE_VERSION)),
                "profile", PQgetvalue(r, i, C_PROFILE), "policy_version",
                PQgetvalue(r, i, C_POLICY), "econ_code", PQgetvalue(r, i, C_ECON), "payee",
                PQgetvalue(r, i, C_PAYEE));
            json_object_set_new(f, "assignee",
                                PQgetisnull(r, i, C_ASSIGNEE)
                                    ? json_null()
                                    : json_string(PQgetvalue(r, i, C_ASSIGNEE)));
            json_array_append_new(a, f);
        } else if (t) {
            const char *cells[] = {PQgetvalue(r, i, C_ID),
                                   PQgetvalue(r, i, C_DATE),
                                   voucher,
                                   PQgetvalue(r, i, C_LINE),
                                   PQgetvalue(r, i, C_RULE),
                                   PQgetvalue(r, i, C_SEV),
                                   vouch_money_format_grouped(fen, amount),
                                   PQgetvalue(r, i, C_SUMMARY),
                                   PQgetvalue(r, i, C_MESSAGE)};
            vouch_table_add(t, cells);
        } else {
            const char *cells[] = {PQgetvalue(r, i, C_ID),
                                   PQgetvalue(r, i, C_LEDGER),
                                   PQgetvalue(r, i, C_ORG),
                                   PQgetvalue(r, i, C_DATE),
                                   voucher,
                                   PQgetvalue(r, i, C_LINE),
                                   PQgetvalue(r, i, C_RULE),
                                   PQgetvalue(r, i, C_SEV),
                                   vouch_money_format(fen, amount),
                                   PQgetvalue(r, i, C_SUMMARY),
                                   PQgetvalue(r, i, C_MESSAGE),
                                   PQgetvalue(r, i, C_MESSAGE_EN),
                                   PQgetvalue(r, i, C_STATUS)};
            for (int c = 0; c < 13; c++)
                vouch_csv_field(out, cells[c], c == 12);
        }
    }
    if (a) {
        json_dumpf(a, out, JSON_INDENT(1));
        fputc('\n', out);
        json_decref(a);
    } else if (t) {
        vouch_table_print(t, out);
        vouch_table_destroy(&t);
        qsort(keys, (size_t)n, sizeof *keys, s_key_cmp);
        long long total = 0;
        int lines = 0;
        for (int i = 0; i < n; i++)
            if (i == 0 || s_key_cmp(&keys[i - 1], &keys[i]) != 0) {
                lines++;
                total += keys[i].fen;
            }
        fprintf(out, "%d finding%s on %d voucher line%s, %s yuan on those lines%s%s\n", n,
                n == 1 ? "" : "s", lines, lines == 1 ? "" : "s",
                vouch_money_format_grouped(total, amount), *note ? " " : "", note);
    }
    free(keys);
    PQclear(r);
    return VOUCH_EXIT_OK;
}

int vouch_cmd_flags(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"ledger", required_argument, NULL, 'L'},
        {"org", required_argument, NULL, 'O'},
        {"rule", required_argument, NULL, 'r'},
        {"severity", required_argument, NULL, 's'},
        {"status", required_argument, NULL, 'S'},
        {"assignee", required_argument, NULL, 'A'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"year", required_argument, NULL, 'Y'},
        {"period", required_argument, NULL, 'P'},
        {"group-by", required_argument, NULL, 'g'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"limit", required_argument, NULL, 'l'},
        {"offset", required_argument, NULL, 'k'},
        {"wide", no_argument, NULL, 'w'},
        {"sort", required_argument, NULL, 'x'},
        {"all", no_argument, NULL, 'a'},
        {"sheet-per-rule", no_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const char *const severities[] = {"high", "medium", "low", NULL};
    static const char *const statuses[] = {"open",       "confirmed",  "dismissed",
                                           "suppressed", "superseded", NULL};
    static const char *const groups[] = {"rule", "org", "month", NULL};
    s_opts_t o = {.format = VOUCH_FMT_TABLE};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'L':
            if (!s_digits(optarg)) {
                vouch_ctl_fail("--ledger takes a ledger number");
                return VOUCH_EXIT_USAGE;
            }
            o.ledger = optarg;
            break;
        case 'O':
            o.org = optarg;
            break;
        case 'r':
            o.rule = optarg;
            break;
        case 's':
            if (!s_one_of(optarg, severities)) {
                vouch_ctl_fail("--severity is high, medium or low");
                return VOUCH_EXIT_USAGE;
            }
            o.severity = optarg;
            break;
        case 'S':
            if (!s_one_of(optarg, statuses)) {
                vouch_ctl_fail("--status is open, confirmed, dismissed, suppressed or superseded");
                return VOUCH_EXIT_USAGE;
            }
            o.status = optarg;
            break;
        case 'A':
            o.assignee = optarg;
            break;
        case 'F':
            if (s_date_arg(optarg, o.from, "--from") != 0)
                return VOUCH_EXIT_USAGE;
            break;
        case 'T':
            if (s_date_arg(optarg, o.to, "--to") != 0)
                return VOUCH_EXIT_USAGE;
            break;
        case 'Y':
        case 'P': {
            /* the books' own year and period (会计期间), which the tables
             * are partitioned by: not the voucher's date */
            int y = 0, m = 0;
            if (c == 'Y' ? vouch_ctl_year_arg(optarg, &y) : vouch_ctl_period_arg(optarg, &y, &m))
                return VOUCH_EXIT_USAGE;
            snprintf(o.year, sizeof o.year, "%d", y);
            if (c == 'P')
                snprintf(o.period, sizeof o.period, "%d", m);
            break;
        }
        case 'g':
            if (!s_one_of(optarg, groups)) {
                vouch_ctl_fail("--group-by is rule, org or month");
                return VOUCH_EXIT_USAGE;
            }
            o.group_by = optarg;
            break;
        case 'f':
            o.format =
                strcmp(optarg, "xlsx") == 0 ? VOUCH_FMT_XLSX : vouch_ctl_format_parse(optarg);
            if (o.format < 0) {
                vouch_ctl_fail("--format is table, csv, json or xlsx");
                return VOUCH_EXIT_USAGE;
            }
            break;
        case 'o':
            o.output = optarg;
            break;
        case 'l':
        case 'k':
            if (!s_digits(optarg)) {
                vouch_ctl_fail("--%s takes a whole number", c == 'l' ? "limit" : "offset");
                return VOUCH_EXIT_USAGE;
            }
            if (c == 'l')
                o.limit = optarg;
            else
                o.offset = optarg;
            break;
        case 'w':
            o.wide = true;
            break;
        case 'x':
            o.sort = optarg;
            break;
        case 'a':
            o.all = true;
            break;
        case 'R':
            o.sheet_per_rule = true;
            break;
        case 'h':
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        default:
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        s_usage(stderr);
        return VOUCH_EXIT_USAGE;
    }
    if (o.sort && o.group_by && s_sort_parse(o.sort, s_group_keys, S_GROUP_KEYS, 1, &o) != 0) {
        vouch_ctl_fail("with --group-by, --sort is one of key, findings, amount"
                       " (-findings, -amount: descending)");
        return VOUCH_EXIT_USAGE;
    }
    if (o.sort && !o.group_by && s_sort_parse(o.sort, s_list_keys, S_LIST_KEYS, S_LIST_KEYS, &o)) {
        vouch_ctl_fail("--sort takes keys among date, amount, rule, severity, org, id, status,"
                       " separated by commas, each once, -KEY for descending");
        return VOUCH_EXIT_USAGE;
    }
    if (o.format == VOUCH_FMT_XLSX && s_xlsx_target(o.output) != 0)
        return VOUCH_EXIT_USAGE;
    if (o.sheet_per_rule && (o.format != VOUCH_FMT_XLSX || o.group_by)) {
        vouch_ctl_fail("--sheet-per-rule goes with --format xlsx, for a list (not --group-by)");
        return VOUCH_EXIT_USAGE;
    }
    PGconn *db = vouch_ctl_read_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    char note[256] = "";
    if (o.format == VOUCH_FMT_TABLE && s_hidden_note(db, &o, note, sizeof note) != 0)
        return VOUCH_EXIT_UNAVAILABLE;
    FILE *out = NULL; /* a workbook is written by libxlsxwriter, to o.output */
    if (o.format != VOUCH_FMT_XLSX && !(out = s_open_output(&o)))
        return VOUCH_EXIT_REFUSED;
    int rc = o.group_by ? s_grouped(db, &o, note, out) : s_list(db, &o, note, out);
    if (out && out != stdout)
        fclose(out);
    return rc;
}
