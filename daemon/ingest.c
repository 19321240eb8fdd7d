/* ingest.c: from a file in the spool to a committed ledger. One pass hashes
 * the bytes (to answer a re-sent file without parsing it); a second streams
 * them through the CSV reader into COPY, 64 KiB at a time, so memory stays
 * flat whatever the file's size. */
#include "ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "clock.h"
#include "csv_import.h"
#include "import.h"
#include "date.h"
#include "db.h"
#include "sha256.h"
#include "voucher.h"
#include "vscan.h"

#define S_READ_CHUNK (64u << 10)
#define S_COPY_FLUSH (256u << 10)

/* COPY column order; s_copy_row writes the values in the same order. */
static const char *s_copy_sql =
    "COPY lines (ledger_id, seq, org_id, fiscal_year, period, file_line, voucher_date,"
    " voucher_word, voucher_no, voucher_raw, line_no, src_line_no, summary, account_code,"
    " account_name, func_code, econ_code, debit, credit, indicator, department, project,"
    " claimant, payee, payee_account, payment_method, procurement_method, contract_no,"
    " invoice_no, business_date, approval_date, document_dates, attachments, preparer, extra,"
    " documents, reviewer)"
    " FROM STDIN";

typedef struct {
    PGconn *conn;
    const vouch_ingest_opts_t *opts;
    vouch_ingest_result_t *res;
    vouch_import_t *reader;
    bool started;     /* BEGIN and COPY are under way */
    bool db_failed;   /* the database refused or failed, not the reader */
    bool duplicate;   /* found at the ledger's insert: nothing to store */
    char sqlstate[6]; /* its SQLSTATE, "" when the connection gave none */
    char *org;        /* the ledger's unit */
    char ledger_id[24];
    char org_id[16];
    int fiscal_year;
    int period_min, period_max;
    int year_min, year_max; /* of the lines: a file may hold a second year */
    vouch_buf_t copy;
    /* batch cutting at voucher boundaries */
    int32_t batch_first;
    int32_t prev_no, prev_period, prev_year;
    char prev_word[64];
    long runs; /* contiguous voucher runs; differs from vouchers when one is split */
    vouch_buf_t cuts_first, cuts_last; /* "{1,2001,...}" */
    long nbatches;
    vouch_vscan_t *vscan; /* the vouchers the voucher rules need read, or NULL */
} s_ingest_t;

const char *vouch_ingest_status_name(vouch_ingest_status_t status)
{
    switch (status) {
    case VOUCH_INGEST_ACCEPTED:
        return "accepted";
    case VOUCH_INGEST_DUPLICATE:
        return "duplicate";
    case VOUCH_INGEST_REJECTED:
        return "rejected";
    case VOUCH_INGEST_RETRY:
        return "queued";
    }
    return "unknown";
}

static void s_copy_text(vouch_buf_t *b, const char *s)
{
    if (!s || !*s) {
        vouch_buf_append(b, "\\N", 2);
        return;
    }
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *esc = NULL;
        switch (*p) {
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            continue;
        }
        vouch_buf_append(b, run, (size_t)(p - run));
        vouch_buf_append(b, esc, 2);
        run = p + 1;
    }
    vouch_buf_puts(b, run);
}

static void s_copy_int(vouch_buf_t *b, long long v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%lld", v);
    vouch_buf_append(b, tmp, (size_t)n);
}

static void s_copy_date(vouch_buf_t *b, int32_t days)
{
    if (days == VOUCH_DATE_NONE) {
        vouch_buf_append(b, "\\N", 2);
        return;
    }
    char tmp[16];
    vouch_buf_puts(b, vouch_date_format(days, tmp));
}

static void s_copy_row(s_ingest_t *in, const vouch_line_t *l, const char *extra)
{
    vouch_buf_t *b = &in->copy;
    vouch_buf_puts(b, in->ledger_id);
    vouch_buf_putc(b, '\t');
    s_copy_int(b, l->seq);
    vouch_buf_putc(b, '\t');
    vouch_buf_puts(b, in->org_id);
    vouch_buf_putc(b, '\t');
    s_copy_int(b, l->fiscal_year);
    vouch_buf_putc(b, '\t');
    s_copy_int(b, l->period);
    vouch_buf_putc(b, '\t');
    s_copy_int(b, l->file_line);
    vouch_buf_putc(b, '\t');
    s_copy_date(b, l->voucher_date);
    vouch_buf_putc(b, '\t');
    /* voucher_word is NOT NULL: '' when the file has none */
    if (l->text[VOUCH_T_VOUCHER_WORD][0])
        s_copy_text(b, l->text[VOUCH_T_VOUCHER_WORD]);
    vouch_buf_putc(b, '\t');
    s_copy_int(b, l->voucher_no);
    vouch_buf_putc(b, '\t');
    s_copy_text(b, l->text[VOUCH_T_VOUCHER_RAW]);
    vouch_buf_putc(b, '\t');
    s_copy_int(b, l->line_no);
    static const vouch_text_field_t middle[] = {VOUCH_T_SRC_LINE_NO,  VOUCH_T_SUMMARY,
                                                VOUCH_T_ACCOUNT_CODE, VOUCH_T_ACCOUNT_NAME,
                                                VOUCH_T_FUNC_CODE,    VOUCH_T_ECON_CODE};
    for (size_t i = 0; i < sizeof middle / sizeof middle[0]; i++) {
        vouch_buf_putc(b, '\t');
        s_copy_text(b, l->text[middle[i]]);
    }
    vouch_buf_putc(b, '\t');
    s_copy_int(b, l->debit);
    vouch_buf_putc(b, '\t');
    s_copy_int(b, l->credit);
    static const vouch_text_field_t after[] = {VOUCH_T_INDICATOR,      VOUCH_T_DEPARTMENT,
                                               VOUCH_T_PROJECT,        VOUCH_T_CLAIMANT,
                                               VOUCH_T_PAYEE,          VOUCH_T_PAYEE_ACCOUNT,
                                               VOUCH_T_PAYMENT_METHOD, VOUCH_T_PROCUREMENT_METHOD,
                                               VOUCH_T_CONTRACT_NO,    VOUCH_T_INVOICE_NO};
    for (size_t i = 0; i < sizeof after / sizeof after[0]; i++) {
        vouch_buf_putc(b, '\t');
        s_copy_text(b, l->text[after[i]]);
    }
    vouch_buf_putc(b, '\t');
    s_copy_date(b, l->business_date);
    vouch_buf_putc(b, '\t');
    s_copy_date(b, l->approval_date);
    vouch_buf_putc(b, '\t');
    s_copy_text(b, l->text[VOUCH_T_DOCUMENT_DATES]);
    vouch_buf_putc(b, '\t');
    if (l->attachments == VOUCH_ATTACH_UNKNOWN)
        vouch_buf_append(b, "\\N", 2);
    else
        s_copy_int(b, l->attachments);
    vouch_buf_putc(b, '\t');
    s_copy_text(b, l->text[VOUCH_T_PREPARER]);
    vouch_buf_putc(b, '\t');
    s_copy_text(b, extra && strcmp(extra, "{}") != 0 ? extra : NULL);
    vouch_buf_putc(b, '\t');
    s_copy_text(b, l->text[VOUCH_T_DOCUMENTS]);
    vouch_buf_putc(b, '\t');
    s_copy_text(b, l->text[VOUCH_T_REVIEWER]);
    vouch_buf_putc(b, '\n');
}

static int s_flush(s_ingest_t *in, vouch_error_t *err)
{
    if (in->copy.len == 0)
        return 0;
    if (PQputCopyData(in->conn, in->copy.data, (int)in->copy.len) != 1) {
        in->db_failed = true;
        vouch_error_set(err, "database: %s", PQerrorMessage(in->conn));
        /* the server may have ended the COPY with an error of its own */
        PGresult *r = PQgetResult(in->conn);
        const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
        snprintf(in->sqlstate, sizeof in->sqlstate, "%s", state ? state : "");
        PQclear(r);
        return -1;
    }
    vouch_buf_reset(&in->copy);
    return 0;
}

/* The first line names the unit: open the transaction, the ledger row and COPY. */
static int s_start(s_ingest_t *in, const vouch_line_t *l, vouch_error_t *err)
{
    PGconn *c = in->conn;
    if (strlen(l->text[VOUCH_T_ORG]) > VOUCH_INGEST_MAX_ORG) {
        err->line = l->file_line;
        vouch_error_set(err, "the unit's name is longer than %d bytes", VOUCH_INGEST_MAX_ORG);
        return -1;
    }
    in->org = vouch_strdup(l->text[VOUCH_T_ORG]);
    in->fiscal_year = l->fiscal_year;
    in->period_min = in->period_max = l->period;
    in->year_min = in->year_max = l->fiscal_year;
    char fy[8], period[8];
    snprintf(fy, sizeof fy, "%d", l->fiscal_year);
    snprintf(period, sizeof period, "%d", l->period);
    in->db_failed = true; /* until COPY is open, any failure is the database's */
    /* the fiscal year's partitions, in a transaction of their own: making
     * one locks lines and findings, for as long as it takes, once a year */
    const char *py[] = {fy};
    PGresult *r = vouch_db_exec(c, err, "SELECT vouch_partition_year($1::int)", 1, py);
    if (!r)
        goto failed;
    PQclear(r);
    /* deriving the vouchers sorts every line: in memory, not on disk */
    if (vouch_db_cmd(c, err, "BEGIN", 0, NULL) != 0)
        goto failed;
    in->started = true;
    if (vouch_db_cmd(c, err, "SET LOCAL work_mem = '64MB'", 0, NULL) != 0)
        goto failed;
    const char *p1[] = {in->org};
    r = vouch_db_exec(c, err,
                      "WITH ins AS (INSERT INTO orgs (name) VALUES ($1)"
                      " ON CONFLICT (name) DO NOTHING RETURNING org_id)"
                      " SELECT org_id FROM ins UNION ALL"
                      " SELECT org_id FROM orgs WHERE name = $1",
                      1, p1);
    if (!r)
        goto failed;
    snprintf(in->org_id, sizeof in->org_id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *p2[] = {in->org_id, in->opts->file_name, in->res->sha256, fy, period};
    r = vouch_db_exec(c, err,
                      "INSERT INTO ledgers (org_id, file_name, sha256, fiscal_year,"
                      " period_from, period_to) VALUES ($1, $2, $3, $4, $5, $5)"
                      " ON CONFLICT (org_id, sha256) DO NOTHING RETURNING ledger_id",
                      5, p2);
    if (!r)
        goto failed;
    if (PQntuples(r) == 0) {
        /* these bytes are stored for this unit already (the file names the
         * unit its --org did not): a duplicate after all */
        PQclear(r);
        const char *pd[] = {in->org_id, in->res->sha256};
        r = vouch_db_exec(c, err,
                          "SELECT ledger_id, lines, vouchers, batches FROM ledgers"
                          " WHERE org_id = $1 AND sha256 = $2",
                          2, pd);
        if (!r)
            goto failed;
        in->duplicate = true;
        in->res->ledger_id = PQntuples(r) ? atoll(PQgetvalue(r, 0, 0)) : 0;
        in->res->lines = PQntuples(r) ? atol(PQgetvalue(r, 0, 1)) : 0;
        in->res->vouchers = PQntuples(r) ? atol(PQgetvalue(r, 0, 2)) : 0;
        in->res->batches = PQntuples(r) ? atol(PQgetvalue(r, 0, 3)) : 0;
        PQclear(r);
        in->db_failed = false;
        vouch_error_set(err, "duplicate");
        return -1;
    }
    snprintf(in->ledger_id, sizeof in->ledger_id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    r = PQexec(c, s_copy_sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        vouch_error_set(err, "database: %s", PQresultErrorMessage(r));
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        snprintf(in->sqlstate, sizeof in->sqlstate, "%s", state ? state : "");
        PQclear(r);
        return -1;
    }
    PQclear(r);
    in->db_failed = false;
    return 0;

failed:
    snprintf(in->sqlstate, sizeof in->sqlstate, "%s", vouch_db_last_sqlstate());
    return -1;
}

/* The file's lines of years other than its first line's went to the default
 * partitions (017): that year's partitions now, which moves them (and the
 * voucher rules' findings on them) there. In the storing transaction, so
 * that the ledger is seen only with its lines where they stay: moved after
 * COMMIT, a dispatcher's statement planned against the new partition with a
 * snapshot from before the move saw those lines nowhere, and they went
 * unjudged (it_partitions under ASan). */
static int s_partition_other_years(s_ingest_t *in, vouch_error_t *err)
{
    for (int y = in->year_min; y <= in->year_max && y - in->year_min < 16; y++) {
        if (y == in->fiscal_year)
            continue;
        char fy[8];
        snprintf(fy, sizeof fy, "%d", y);
        const char *p[] = {fy};
        PGresult *r = vouch_db_exec(in->conn, err, "SELECT vouch_partition_year($1::int)", 1, p);
        if (!r)
            return -1;
        PQclear(r);
    }
    return 0;
}

static void s_cut(s_ingest_t *in, int32_t last_seq)
{
    vouch_buf_putc(&in->cuts_first, in->cuts_first.len ? ',' : '{');
    vouch_buf_putc(&in->cuts_last, in->cuts_last.len ? ',' : '{');
    vouch_buf_printf(&in->cuts_first, "%d", in->batch_first);
    vouch_buf_printf(&in->cuts_last, "%d", last_seq);
    in->nbatches++;
    in->batch_first = last_seq + 1;
}

static int s_on_line(void *arg, const vouch_line_t *l, const char *extra, vouch_error_t *err)
{
    s_ingest_t *in = arg;
    if (!in->started && s_start(in, l, err) != 0)
        return -1;
    if (strcmp(l->text[VOUCH_T_ORG], in->org) != 0) {
        err->line = l->file_line;
        vouch_error_set(err,
                        "the file holds more than one unit: \"%s\" here, \"%s\" before; "
                        "send one file per unit",
                        l->text[VOUCH_T_ORG], in->org);
        return -1;
    }
    bool new_voucher = l->seq == 1 || l->voucher_no != in->prev_no ||
                       l->period != in->prev_period || l->fiscal_year != in->prev_year ||
                       strcmp(l->text[VOUCH_T_VOUCHER_WORD], in->prev_word) != 0;
    if (new_voucher) {
        in->runs++;
        /* batches end only where a voucher ends, so rules see whole vouchers */
        if (l->seq > 1 && l->seq - in->batch_first >= in->opts->batch_lines)
            s_cut(in, (int32_t)l->seq - 1);
        in->prev_no = l->voucher_no;
        in->prev_period = l->period;
        in->prev_year = l->fiscal_year;
        snprintf(in->prev_word, sizeof in->prev_word, "%s", l->text[VOUCH_T_VOUCHER_WORD]);
    }
    if (in->vscan)
        vouch_vscan_line(in->vscan, l, new_voucher);
    if (l->period < in->period_min)
        in->period_min = l->period;
    if (l->period > in->period_max)
        in->period_max = l->period;
    if (l->fiscal_year < in->year_min)
        in->year_min = l->fiscal_year;
    if (l->fiscal_year > in->year_max)
        in->year_max = l->fiscal_year;
    s_copy_row(in, l, extra);
    in->res->lines = l->seq;
    if (in->copy.len >= S_COPY_FLUSH)
        return s_flush(in, err);
    return 0;
}

static int s_hash(FILE *f, const vouch_ingest_opts_t *opts, vouch_ingest_result_t *res)
{
    vouch_sha256_t *h = vouch_sha256_new();
    char *buf = vouch_malloc(S_READ_CHUNK);
    size_t n;
    long total = 0;
    int rc = 0;
    while ((n = fread(buf, 1, S_READ_CHUNK, f)) > 0) {
        vouch_sha256_update(h, buf, n);
        total += (long)n;
        if (opts->max_file_bytes > 0 && total > opts->max_file_bytes) {
            vouch_error_set(&res->err, "file is larger than the limit of %ld bytes",
                            opts->max_file_bytes);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        vouch_error_set(&res->err, "cannot read the file: %s", strerror(errno));
        rc = -1;
    }
    vouch_sha256_final(h, res->sha256);
    vouch_sha256_destroy(&h);
    free(buf);
    return rc;
}

/* UNBALANCED_VOUCHER and PREPARER_IS_REVIEWER over each voucher, in the
 * file's transaction: an unbalanced voucher is a finding, never a refusal.
 * Under a savepoint, so that rules that fail leave the file to be stored all
 * the same (analysis runs them again). 0, or -1 when the database failed. */
static int s_voucher_rules(s_ingest_t *in, vouch_error_t *err)
{
    if (!in->opts->ledger_rules)
        return 0;
    vouch_error_t rerr;
    vouch_error_clear(&rerr);
    /* only the vouchers the scan could not clear (vscan.h); NULL: all */
    const char *seqs =
        in->vscan ? vouch_vscan_finish(in->vscan, in->res->vouchers == in->runs) : NULL;
    in->res->rules_lines = seqs ? vouch_vscan_count(in->vscan) : -1;
    const char *p[] = {in->ledger_id, in->opts->ledger_rules, seqs};
    if (vouch_db_cmd(in->conn, err, "SAVEPOINT vouch_voucher_rules", 0, NULL) != 0)
        return -1;
    PGresult *r = vouch_db_exec(
        in->conn, &rerr, "SELECT vouch_xr_voucher_rules($1::bigint, $2::jsonb, $3::int[])", 3, p);
    if (r) {
        in->res->findings = atol(PQgetvalue(r, 0, 0));
        PQclear(r);
        /* done: the rules across ledgers need not run them again (014) */
        return vouch_db_cmd(in->conn, err, "RELEASE SAVEPOINT vouch_voucher_rules", 0, NULL) ||
               vouch_db_cmd(in->conn, err,
                            "UPDATE ledgers SET voucher_rules_at = now() WHERE ledger_id = $1", 1,
                            p);
    }
    if (vouch_db_lost(in->conn)) {
        *err = rerr;
        return -1;
    }
    snprintf(in->res->rules_error, sizeof in->res->rules_error, "%s", rerr.text);
    return vouch_db_cmd(in->conn, err, "ROLLBACK TO SAVEPOINT vouch_voucher_rules", 0, NULL);
}

/* COPY is over and every line is in: derive vouchers and batches, then commit. */
static int s_finish(s_ingest_t *in, vouch_error_t *err)
{
    PGconn *c = in->conn;
    double t0 = vouch_clock_s();
    const char *lid[] = {in->ledger_id};
    PGresult *r = vouch_db_exec(
        c, err,
        "INSERT INTO vouchers (org_id, fiscal_year, period, voucher_word, voucher_no, ledger_id,"
        " voucher_date, voucher_raw, lines, debit, credit, attachments, first_seq, documents)"
        " SELECT org_id, fiscal_year, period, voucher_word, voucher_no, ledger_id,"
        " min(voucher_date), min(voucher_raw), count(*), sum(debit), sum(credit),"
        " max(attachments), min(seq),"
        " (array_agg(documents ORDER BY seq) FILTER (WHERE documents IS NOT NULL))[1]"
        " FROM lines WHERE ledger_id = $1"
        " GROUP BY org_id, fiscal_year, period, voucher_word, voucher_no, ledger_id",
        1, lid);
    if (!r)
        return -1;
    in->res->vouchers = atol(PQcmdTuples(r));
    PQclear(r);
    if (in->res->vouchers != in->runs) {
        /* a voucher's lines were not together in the file: number them in
         * file order across the whole voucher, as if they had been */
        if (vouch_db_cmd(c, err,
                         "UPDATE lines l SET line_no = x.rn FROM ("
                         " SELECT seq, row_number() OVER (PARTITION BY fiscal_year, period,"
                         " voucher_word, voucher_no ORDER BY seq) AS rn"
                         " FROM lines WHERE ledger_id = $1) x"
                         " WHERE l.ledger_id = $1 AND l.seq = x.seq AND l.line_no <> x.rn",
                         1, lid) != 0)
            return -1;
    }
    double t1 = vouch_clock_s();
    in->res->vouchers_s = t1 - t0;
    s_cut(in, (int32_t)in->res->lines);
    vouch_buf_putc(&in->cuts_first, '}');
    vouch_buf_putc(&in->cuts_last, '}');
    const char *pb[] = {in->org_id, in->ledger_id, in->cuts_first.data, in->cuts_last.data};
    if (vouch_db_cmd(c, err,
                     "INSERT INTO batches (org_id, ledger_id, batch_no, first_seq, last_seq, lines)"
                     " SELECT $1, $2, t.ord, t.f, t.l, t.l - t.f + 1"
                     " FROM unnest($3::int[], $4::int[]) WITH ORDINALITY AS t(f, l, ord)",
                     4, pb) != 0)
        return -1;
    in->res->batches = in->nbatches;
    const vouch_csv_import_stats_t *st = vouch_import_stats(in->reader);
    in->res->dropped = st->dropped;
    uint64_t fields = vouch_import_fields(in->reader);
    vouch_buf_t cols;
    vouch_buf_init(&cols);
    vouch_buf_putc(&cols, '{');
    for (int f = 0; f < VOUCH_F_COUNT; f++)
        if (fields & (1ull << f)) {
            if (cols.len > 1)
                vouch_buf_putc(&cols, ',');
            vouch_buf_puts(&cols, vouch_csv_field_names[f]);
        }
    vouch_buf_putc(&cols, '}');
    char lines[24], vouchers[24], dropped[24], batches[24], pmin[8], pmax[8];
    snprintf(lines, sizeof lines, "%ld", in->res->lines);
    snprintf(vouchers, sizeof vouchers, "%ld", in->res->vouchers);
    snprintf(dropped, sizeof dropped, "%ld", in->res->dropped);
    snprintf(batches, sizeof batches, "%ld", in->res->batches);
    snprintf(pmin, sizeof pmin, "%d", in->period_min);
    snprintf(pmax, sizeof pmax, "%d", in->period_max);
    /* the unit came from --org when the file had no unit column of its own */
    const char *org_given = in->opts->org && !(fields & (1ull << VOUCH_F_ORG)) ? "t" : "f";
    const char *format = vouch_import_kind_name(vouch_import_kind(in->reader));
    const char *pu[] = {in->ledger_id, lines, vouchers,  dropped, batches,
                        pmin,          pmax,  cols.data, format,  org_given};
    int rc = vouch_db_cmd(c, err,
                          "UPDATE ledgers SET lines = $2, vouchers = $3, dropped = $4,"
                          " batches = $5, period_from = $6, period_to = $7, columns = $8,"
                          " format = $9, org_given = $10 WHERE ledger_id = $1",
                          10, pu);
    vouch_buf_free(&cols);
    if (rc != 0)
        return -1;
    /* a re-export of the unit's periods replaces the ledger that had them
     * (sql/010_supersede.sql); the rules read the new one from now on */
    r = vouch_db_exec(c, err, "SELECT vouch_supersede_mark($1)", 1, lid);
    if (!r)
        return -1;
    in->res->supersedes = PQgetisnull(r, 0, 0) ? 0 : atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    /* RULES.md judges each line of a contract by the contract's total over all
     * the unit's ledgers: installments in this file change the total that
     * earlier ledgers' lines of the same contracts were judged by, so their
     * batches are judged again (ON CONFLICT keeps the findings they had; a
     * total only grows). They go out before this ledger's (lower ids first),
     * and this ledger counts as analysed only once they are done. */
    const char *pj[] = {in->org_id, in->ledger_id};
    if (vouch_db_cmd(c, err,
                     /* the contracts as an array, found once, and the earlier
                      * lines through lines_contract: the lines just copied
                      * have no statistics, and as a join the planner read
                      * them again for every earlier batch (81 s, a unit's
                      * second month) */
                     "UPDATE batches b SET state = 'pending', attempts = 0"
                     " FROM (SELECT DISTINCT o.ledger_id, o.seq FROM lines o"
                     "  WHERE o.org_id = $1 AND o.ledger_id < $2 AND o.contract_no = ANY ("
                     "   ARRAY(SELECT DISTINCT n.contract_no FROM lines n"
                     "   WHERE n.ledger_id = $2 AND n.contract_no IS NOT NULL))) hit"
                     " WHERE b.org_id = $1 AND b.ledger_id = hit.ledger_id"
                     " AND hit.seq BETWEEN b.first_seq AND b.last_seq AND b.state = 'done'"
                     " AND NOT EXISTS (SELECT 1 FROM ledgers g WHERE g.ledger_id = b.ledger_id"
                     "  AND g.superseded_by IS NOT NULL)",
                     2, pj) != 0)
        return -1;
    double t2 = vouch_clock_s();
    if (s_voucher_rules(in, err) != 0)
        return -1;
    double t3 = vouch_clock_s();
    in->res->voucher_rules_s = t3 - t2;
    if (s_partition_other_years(in, err) != 0)
        return -1;
    /* stored_at: when the ledger was whole, which is what analysis waits for */
    if (vouch_db_cmd(c, err,
                     "UPDATE ledgers SET stored_at = clock_timestamp() WHERE ledger_id = $1", 1,
                     lid) != 0 ||
        vouch_db_cmd(c, err, "COMMIT", 0, NULL) != 0)
        return -1;
    in->res->commit_s = (t2 - t1) + (vouch_clock_s() - t3);
    in->res->ledger_id = atoll(in->ledger_id);
    return 0;
}

int vouch_ingest_file(PGconn *conn, const char *path, const vouch_ingest_opts_t *opts,
                      vouch_ingest_result_t *res)
{
    memset(res, 0, sizeof *res);
    res->rules_lines = -1;
    s_ingest_t in = {.conn = conn,
                     .opts = opts,
                     .res = res,
                     .batch_first = 1,
                     .vscan = vouch_vscan_new(opts->ledger_rules)};
    vouch_buf_init(&in.copy);
    vouch_buf_init(&in.cuts_first);
    vouch_buf_init(&in.cuts_last);
    vouch_error_t *err = &res->err;
    int rc = 0;

    FILE *f = fopen(path, "rb");
    if (!f) {
        vouch_error_set(err, "cannot open: %s", strerror(errno));
        res->status = VOUCH_INGEST_REJECTED;
        goto done;
    }
    if (s_hash(f, opts, res) != 0) {
        res->status = VOUCH_INGEST_REJECTED;
        goto done;
    }
    /* the same bytes: the same ledger, unless its unit was given at ingest and
     * this time another one is */
    const char *ps[] = {res->sha256, opts->org};
    PGresult *r = vouch_db_exec(conn, err,
                                "SELECT l.ledger_id, l.lines, l.vouchers, l.batches FROM ledgers l"
                                " JOIN orgs o ON o.org_id = l.org_id WHERE l.sha256 = $1"
                                " AND (NOT l.org_given OR o.name = normalize($2, NFKC))"
                                " ORDER BY l.ledger_id LIMIT 1",
                                2, ps);
    if (!r) {
        res->status = vouch_db_lost(conn) || vouch_db_is_transient(vouch_db_last_sqlstate())
                          ? VOUCH_INGEST_RETRY
                          : VOUCH_INGEST_REJECTED;
        goto done;
    }
    if (PQntuples(r) == 1) {
        res->status = VOUCH_INGEST_DUPLICATE;
        res->ledger_id = atoll(PQgetvalue(r, 0, 0));
        res->lines = atol(PQgetvalue(r, 0, 1));
        res->vouchers = atol(PQgetvalue(r, 0, 2));
        res->batches = atol(PQgetvalue(r, 0, 3));
        PQclear(r);
        goto done;
    }
    PQclear(r);

    rewind(f);
    vouch_csv_import_opts_t copts = {
        .file_name = opts->file_name,
        .org_override = opts->org,
        .max_lines = opts->max_lines,
        .max_line_bytes = opts->max_line_bytes > 0 ? (size_t)opts->max_line_bytes : 0,
        .max_field_bytes = opts->max_field_bytes > 0 ? (size_t)opts->max_field_bytes : 0,
    };
    /* the shape is told by the bytes, not the name */
    double t0 = vouch_clock_s();
    int prc = vouch_import_file(f, path, &copts, s_on_line, &in, &in.reader, err);
    if (prc == 0 && in.started)
        prc = s_flush(&in, err);
    if (prc == 0 && in.started) {
        if (PQputCopyEnd(conn, NULL) != 1) {
            in.db_failed = true;
            vouch_error_set(err, "database: %s", PQerrorMessage(conn));
            prc = -1;
        } else {
            PGresult *cr = PQgetResult(conn);
            res->parse_copy_s = vouch_clock_s() - t0;
            if (PQresultStatus(cr) != PGRES_COMMAND_OK) {
                const char *state = PQresultErrorField(cr, PG_DIAG_SQLSTATE);
                vouch_error_set(err, "database: %s", PQresultErrorMessage(cr));
                in.db_failed = true;
                snprintf(in.sqlstate, sizeof in.sqlstate, "%s", state ? state : "");
                prc = -1;
            }
            PQclear(cr);
            while ((cr = PQgetResult(conn)))
                PQclear(cr);
            if (prc == 0 && s_finish(&in, err) != 0) {
                in.db_failed = true;
                snprintf(in.sqlstate, sizeof in.sqlstate, "%s", vouch_db_last_sqlstate());
                prc = -1;
            }
        }
    }
    if (prc != 0) {
        if (in.started && PQstatus(conn) == CONNECTION_OK) {
            /* end a COPY still open, then undo everything of this file */
            if (PQtransactionStatus(conn) == PQTRANS_ACTIVE) {
                PQputCopyEnd(conn, "input refused");
                PGresult *cr;
                while ((cr = PQgetResult(conn)))
                    PQclear(cr);
            }
            PQclear(PQexec(conn, "ROLLBACK"));
        }
        /* a database that failed is tried again; one that refused these
         * bytes would refuse them again: the file is refused, with its reason */
        if (in.duplicate) {
            res->status = VOUCH_INGEST_DUPLICATE;
            vouch_error_clear(err);
            goto done;
        }
        if (vouch_db_lost(conn) || (in.db_failed && vouch_db_is_transient(in.sqlstate))) {
            res->status = VOUCH_INGEST_RETRY;
            rc = -1;
        } else
            res->status = VOUCH_INGEST_REJECTED;
        if (!err->file[0])
            snprintf(err->file, sizeof err->file, "%s", opts->file_name);
        goto done;
    }
    res->status = VOUCH_INGEST_ACCEPTED;

done:
    if (res->status == VOUCH_INGEST_RETRY)
        rc = -1;
    if (f)
        fclose(f);
    vouch_import_destroy(&in.reader);
    vouch_vscan_destroy(&in.vscan);
    vouch_buf_free(&in.copy);
    vouch_buf_free(&in.cuts_first);
    vouch_buf_free(&in.cuts_last);
    free(in.org);
    return rc;
}
