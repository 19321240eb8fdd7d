/* test_csv_import.c: the seed ledger read whole and in odd-sized chunks and
 * in the encodings Excel saves it in, the exports of 用友 U8/NC and 金蝶
 * K/3/EAS and a GB18030 序时账 (tests/fixtures/csv), the shapes real exports
 * take, and refusals that name line, column and reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>

#include "alloc.h"
#include "csv_import.h"
#include "date.h"
#include "voucher.h"

#define SEED VOUCH_FIXTURES "/seed-case/ledger-2022.csv"
#define CSV_DIR VOUCH_FIXTURES "/csv/"

/* ---------------------------------------------------------------------------
 * A line handler that keeps deep copies of what it was given */

typedef struct {
    vouch_line_t line; /* its text pointers point into text[] */
    char *text[VOUCH_T_COUNT];
    char *extra;
} s_got_t;

typedef struct {
    s_got_t *lines;
    size_t n, cap;
    int64_t stop_at; /* refuse the line with this seq; 0 = never */
} s_sink_t;

static int s_collect(void *arg, const vouch_line_t *line, const char *extra_json,
                     vouch_error_t *err)
{
    s_sink_t *sink = arg;
    if (sink->stop_at && line->seq == sink->stop_at) {
        vouch_error_set(err, "storage refused the line");
        return -1;
    }
    if (sink->n == sink->cap) {
        sink->cap = sink->cap ? sink->cap * 2 : 64;
        sink->lines = vouch_realloc(sink->lines, sink->cap * sizeof *sink->lines);
    }
    s_got_t *g = &sink->lines[sink->n++];
    g->line = *line;
    for (int t = 0; t < VOUCH_T_COUNT; t++) {
        g->text[t] = vouch_strdup(line->text[t] ? line->text[t] : "(null)");
        g->line.text[t] = g->text[t];
    }
    g->extra = vouch_strdup(extra_json ? extra_json : "(null)");
    return 0;
}

static void s_sink_free(s_sink_t *sink)
{
    for (size_t i = 0; i < sink->n; i++) {
        for (int t = 0; t < VOUCH_T_COUNT; t++)
            free(sink->lines[i].text[t]);
        free(sink->lines[i].extra);
    }
    free(sink->lines);
    memset(sink, 0, sizeof *sink);
}

/* ---------------------------------------------------------------------------
 * Running the reader */

typedef struct {
    int rc;
    vouch_error_t err;
    vouch_csv_import_stats_t stats;
    uint64_t fields;
} s_result_t;

/* Feed data in chunks of chunk bytes (0 = one chunk), then finish. */
static s_result_t s_run(const char *data, size_t len, size_t chunk,
                        const vouch_csv_import_opts_t *opts, s_sink_t *sink)
{
    s_result_t r;
    memset(&r, 0, sizeof r);
    vouch_csv_import_opts_t o = {.file_name = "ledger.csv"};
    vouch_csv_import_t *imp = vouch_csv_import_new(opts ? opts : &o, s_collect, sink);
    assert_non_null(imp);
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len && r.rc == 0; i += chunk) {
        size_t n = len - i < chunk ? len - i : chunk;
        r.rc = vouch_csv_import_feed(imp, data + i, n, &r.err);
    }
    if (r.rc == 0)
        r.rc = vouch_csv_import_finish(imp, &r.err);
    r.stats = *vouch_csv_import_stats(imp);
    r.fields = vouch_csv_import_fields(imp);
    vouch_csv_import_destroy(&imp);
    assert_null(imp);
    return r;
}

static s_result_t s_run_text(const char *csv, const vouch_csv_import_opts_t *opts, s_sink_t *sink)
{
    return s_run(csv, strlen(csv), 0, opts, sink);
}

static char *s_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    vouch_buf_t b;
    vouch_buf_init(&b);
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        vouch_buf_append(&b, tmp, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

static const s_got_t *s_find(const s_sink_t *sink, const char *raw, int line_no, int period)
{
    for (size_t i = 0; i < sink->n; i++)
        if (strcmp(sink->lines[i].text[VOUCH_T_VOUCHER_RAW], raw) == 0 &&
            sink->lines[i].line.line_no == line_no &&
            (period == 0 || sink->lines[i].line.period == period))
            return &sink->lines[i];
    fail_msg("no line %s/%d", raw, line_no);
    return NULL;
}

static int32_t s_day(const char *ymd)
{
    int32_t d;
    assert_int_equal(vouch_date_parse(ymd, strlen(ymd), &d), 0);
    return d;
}

/* The refusal, in the form a user reads it. */
static void s_refused_with(const s_result_t *r, const char *want)
{
    char msg[1024];
    assert_int_equal(r->rc, -1);
    vouch_error_format(&r->err, msg, sizeof msg);
    assert_string_equal(msg, want);
}

/* ---------------------------------------------------------------------------
 * The seed ledger */

static void test_seed_ledger(void **state)
{
    (void)state;
    size_t len;
    char *data = s_slurp(SEED, &len);
    s_sink_t sink = {0};
    s_result_t r = s_run(data, len, 0, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 200);
    assert_int_equal(r.stats.lines, 200);
    assert_int_equal(r.stats.dropped, 0);
    assert_int_equal(r.stats.columns, 24);
    assert_int_equal(r.stats.columns_mapped, 24);

    int64_t debit = 0, credit = 0;
    for (size_t i = 0; i < sink.n; i++) {
        const s_got_t *g = &sink.lines[i];
        debit += g->line.debit;
        credit += g->line.credit;
        assert_string_equal(g->text[VOUCH_T_ORG], "永州市人力资源和社会保障局");
        assert_int_equal(g->line.seq, (int64_t)i + 1);
        assert_int_equal(g->line.file_line, (int32_t)i + 2);
        assert_int_equal(g->line.fiscal_year, 2022);
        assert_string_equal(g->text[VOUCH_T_VOUCHER_WORD], "记");
        assert_string_equal(g->extra, "{}");
        assert_true(g->line.line_no >= 1);
    }
    assert_true(debit > 0);
    assert_int_equal(debit, credit);

    /* 记-1 line 1: the first line of the file */
    const s_got_t *g = &sink.lines[0];
    assert_string_equal(g->text[VOUCH_T_VOUCHER_RAW], "记-1");
    assert_int_equal(g->line.voucher_no, 1);
    assert_int_equal(g->line.line_no, 1);
    assert_int_equal(g->line.debit, 95336500);
    assert_int_equal(g->line.voucher_date, s_day("2022-01-03"));
    assert_int_equal(g->line.period, 1);
    assert_int_equal(g->line.attachments, 3);
    assert_string_equal(g->text[VOUCH_T_ACCOUNT_CODE], "5001");
    assert_string_equal(g->text[VOUCH_T_ACCOUNT_NAME], "业务活动费用");
    assert_string_equal(g->text[VOUCH_T_FUNC_CODE], "2080101");
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30101");
    assert_string_equal(g->text[VOUCH_T_PAYEE_ACCOUNT], "43001550061052500000");
    assert_string_equal(g->text[VOUCH_T_SRC_LINE_NO], "1");

    /* 记-29: "835,000.00" is quoted in the file because of its comma */
    g = s_find(&sink, "记-29", 1, 3);
    assert_int_equal(g->line.debit, 83500000);
    assert_int_equal(g->line.file_line, 50);
    assert_string_equal(g->text[VOUCH_T_CONTRACT_NO], "YZRS-2021-018");
    assert_int_equal(g->line.business_date, s_day("2021-08-01"));
    assert_int_equal(g->line.approval_date, s_day("2021-11-15"));
    g = s_find(&sink, "记-29", 2, 3);
    assert_int_equal(g->line.credit, 83500000);
    assert_int_equal(g->line.debit, 0);
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "");
    assert_int_equal(g->line.business_date, VOUCH_DATE_NONE);

    /* 记-78 line 3 */
    g = s_find(&sink, "记-78", 3, 12);
    assert_int_equal(g->line.debit, 14000000);
    assert_string_equal(g->text[VOUCH_T_PAYEE], "潇湘晨报社");
    assert_string_equal(g->text[VOUCH_T_SUMMARY], "付潇湘晨报社宣传费");
    assert_int_equal(g->line.period, 12); /* 2022-12-21 */
    assert_int_equal(g->line.voucher_date, s_day("2022-12-21"));
    assert_int_equal(g->line.file_line, 198);
    g = s_find(&sink, "记-78", 6, 12);
    assert_int_equal(g->line.credit, 73500000);

    /* 记-43: three document dates in one cell */
    g = s_find(&sink, "记-43", 1, 12);
    assert_string_equal(g->text[VOUCH_T_DOCUMENT_DATES], "2021-12-08;2022-04-12;2022-05-16");
    assert_string_equal(g->text[VOUCH_T_PROCUREMENT_METHOD], "电子卖场");
    assert_int_equal(g->line.attachments, 5);
    g = s_find(&sink, "记-43", 2, 12);
    assert_string_equal(g->text[VOUCH_T_DOCUMENT_DATES], "");

    /* line numbers count 1, 2, ... within each voucher */
    for (size_t i = 1; i < sink.n; i++) {
        const vouch_line_t *a = &sink.lines[i - 1].line, *b = &sink.lines[i].line;
        bool same = a->voucher_no == b->voucher_no && a->period == b->period;
        assert_int_equal(b->line_no, same ? a->line_no + 1 : 1);
    }
    assert_true(r.stats.vouchers > 50);

    uint64_t want = 0;
    const int present[] = {VOUCH_F_ORG,
                           VOUCH_F_VOUCHER_DATE,
                           VOUCH_F_VOUCHER_NO,
                           VOUCH_F_LINE_NO,
                           VOUCH_F_SUMMARY,
                           VOUCH_F_ACCOUNT_CODE,
                           VOUCH_F_ACCOUNT_NAME,
                           VOUCH_F_FUNC_CODE,
                           VOUCH_F_ECON_CODE,
                           VOUCH_F_DEBIT,
                           VOUCH_F_CREDIT,
                           VOUCH_F_INDICATOR,
                           VOUCH_F_DEPARTMENT,
                           VOUCH_F_PROJECT,
                           VOUCH_F_CLAIMANT,
                           VOUCH_F_PAYEE,
                           VOUCH_F_PAYEE_ACCOUNT,
                           VOUCH_F_PAYMENT_METHOD,
                           VOUCH_F_PROCUREMENT_METHOD,
                           VOUCH_F_CONTRACT_NO,
                           VOUCH_F_BUSINESS_DATE,
                           VOUCH_F_APPROVAL_DATE,
                           VOUCH_F_DOCUMENT_DATES,
                           VOUCH_F_ATTACHMENTS};
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
        want |= 1ull << present[i];
    assert_int_equal(r.fields, want);

    s_sink_free(&sink);
    free(data);
}

static void s_assert_same(const s_sink_t *a, const s_sink_t *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const s_got_t *x = &a->lines[i], *y = &b->lines[i];
        assert_int_equal(x->line.seq, y->line.seq);
        assert_int_equal(x->line.debit, y->line.debit);
        assert_int_equal(x->line.credit, y->line.credit);
        assert_int_equal(x->line.file_line, y->line.file_line);
        assert_int_equal(x->line.voucher_date, y->line.voucher_date);
        assert_int_equal(x->line.business_date, y->line.business_date);
        assert_int_equal(x->line.approval_date, y->line.approval_date);
        assert_int_equal(x->line.voucher_no, y->line.voucher_no);
        assert_int_equal(x->line.line_no, y->line.line_no);
        assert_int_equal(x->line.attachments, y->line.attachments);
        assert_int_equal(x->line.fiscal_year, y->line.fiscal_year);
        assert_int_equal(x->line.period, y->line.period);
        for (int t = 0; t < VOUCH_T_COUNT; t++)
            assert_string_equal(x->text[t], y->text[t]);
        assert_string_equal(x->extra, y->extra);
    }
}

static void test_seed_ledger_in_chunks(void **state)
{
    (void)state;
    size_t len;
    char *data = s_slurp(SEED, &len);
    s_sink_t whole = {0};
    assert_int_equal(s_run(data, len, 0, NULL, &whole).rc, 0);
    /* 7 splits characters (3 bytes each) and rows everywhere; 1 is the worst */
    const size_t chunks[] = {1, 2, 3, 7, 13, 64, 1000, 4096};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        s_sink_t part = {0};
        s_result_t r = s_run(data, len, chunks[c], NULL, &part);
        assert_int_equal(r.rc, 0);
        s_assert_same(&whole, &part);
        s_sink_free(&part);
    }
    s_sink_free(&whole);
    free(data);
}

static void test_seed_ledger_bom_line_ends(void **state)
{
    (void)state;
    size_t len;
    char *data = s_slurp(SEED, &len);
    s_sink_t plain = {0};
    assert_int_equal(s_run(data, len, 0, NULL, &plain).rc, 0);

    /* the seed is written with CR LF; the same ledger with a UTF-8 BOM (as
     * Excel saves "CSV UTF-8"), with bare LF, and with bare CR reads the same */
    const char *ends[] = {"\r\n", "\n", "\r"};
    for (size_t e = 0; e < 3; e++) {
        vouch_buf_t b;
        vouch_buf_init(&b);
        vouch_buf_append(&b, "\xef\xbb\xbf", 3);
        for (size_t i = 0; i < len; i++) {
            if (data[i] == '\r')
                continue;
            if (data[i] == '\n')
                vouch_buf_puts(&b, ends[e]);
            else
                vouch_buf_putc(&b, data[i]);
        }
        for (size_t chunk = 0; chunk <= 7; chunk += 7) {
            s_sink_t other = {0};
            s_result_t r = s_run(b.data, b.len, chunk, NULL, &other);
            assert_int_equal(r.rc, 0);
            s_assert_same(&plain, &other);
            s_sink_free(&other);
        }
        vouch_buf_free(&b);
    }
    s_sink_free(&plain);
    free(data);
}

/* ---------------------------------------------------------------------------
 * Export shapes */

static void test_title_rows_before_header(void **state)
{
    (void)state;
    const char *csv = "永州市人力资源和社会保障局序时账,,,,,\n"
                      "\"期间：2022年1月\",,,,单位：元,\n"
                      "\n"
                      "凭证日期,凭证号,摘要,科目编码,借方金额,贷方金额\n"
                      "2022-01-03,记-1,发放工资,5001,100.00,\n"
                      "2022-01-03,记-1,发放工资,1011,,100.00\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 2);
    /* no 单位 column and no --org: the title row names the unit */
    assert_string_equal(sink.lines[0].text[VOUCH_T_ORG], "永州市人力资源和社会保障局");
    assert_int_equal(sink.lines[0].line.file_line, 5);
    assert_int_equal(sink.lines[1].line.file_line, 6);
    assert_int_equal(sink.lines[1].line.line_no, 2);
    assert_int_equal(r.stats.columns, 6);
    s_sink_free(&sink);

    /* --org beats the title */
    vouch_csv_import_opts_t o = {.file_name = "t.csv",
                                 .org_override = "汨罗市人力资源和社会保障局"};
    r = s_run_text(csv, &o, &sink);
    assert_int_equal(r.rc, 0);
    assert_string_equal(sink.lines[0].text[VOUCH_T_ORG], "汨罗市人力资源和社会保障局");
    s_sink_free(&sink);
}

static void test_summary_rows_dropped(void **state)
{
    (void)state;
    const char *csv = "单位,日期,凭证号,摘要,借方,贷方\n"
                      "某局,2022-01-03,记-1,办公费,10.00,\n"
                      "某局,2022-01-03,记-1,办公费,,10.00\n"
                      "某局,,,本日合计,10.00,10.00\n"
                      "某局,,,本月合计,10.00,10.00\n"
                      ",,,总  计,10.00,10.00\n"
                      "某局,,,1月份累计发生额,10.00,10.00\n"
                      "合计,,,,10.00,10.00\n"
                      ",,,,,\n"
                      "单位,日期,凭证号,摘要,借方,贷方\n" /* the next page's header */
                      "某局,2022-02-01,记-1,期初余额,,\n"
                      "某局,2022-02-03,记-1,印刷费,5.00,\n"
                      "某局,2022-02-03,记-1,印刷费,,5.00\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 4);
    assert_int_equal(r.stats.dropped, 7);
    assert_int_equal(r.stats.lines, 4);
    assert_int_equal(r.stats.vouchers, 2);
    /* numbers restart every period: 记-1 of February is another voucher */
    assert_int_equal(sink.lines[2].line.period, 2);
    assert_int_equal(sink.lines[2].line.line_no, 1);
    assert_int_equal(sink.lines[3].line.file_line, 13);
    s_sink_free(&sink);
}

static void test_direction_and_amount(void **state)
{
    (void)state;
    const char *csv = "日期,凭证字,凭证号,摘要,科目,方向,金额,余额方向,余额\n"
                      "2022/3/5,记,12,购办公用品,5001 业务活动费用,借,\"1,200.00\",借,0\n"
                      "2022/3/5,记,12,购办公用品,1011 零余额账户用款额度,贷,1200,贷,0\n"
                      "2022/3/6,记,13,冲销,5001 业务活动费用,D,(30.00),,\n"
                      "2022/3/6,记,13,冲销,1011 零余额账户用款额度,C,-30,,\n"
                      "2022/3/7,记,14,调整,5001 业务活动费用,1,0.5,,\n"
                      "2022/3/7,记,14,调整,1011,0,0.50,,\n"
                      "2022/3/8,记,15,空行,5001,,,,\n";
    vouch_csv_import_opts_t o = {.file_name = "d.csv", .org_override = "某局"};
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, &o, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 7);
    assert_int_equal(sink.lines[0].line.debit, 120000);
    assert_int_equal(sink.lines[0].line.credit, 0);
    assert_int_equal(sink.lines[1].line.credit, 120000);
    assert_int_equal(sink.lines[2].line.debit, -3000);
    assert_int_equal(sink.lines[3].line.credit, -3000);
    assert_int_equal(sink.lines[4].line.debit, 50);
    assert_int_equal(sink.lines[5].line.credit, 50);
    assert_int_equal(sink.lines[6].line.debit, 0);
    assert_int_equal(sink.lines[6].line.credit, 0);
    assert_string_equal(sink.lines[0].text[VOUCH_T_ORG], "某局");
    /* the 科目 cell holds code and name */
    assert_string_equal(sink.lines[0].text[VOUCH_T_ACCOUNT_CODE], "5001");
    assert_string_equal(sink.lines[0].text[VOUCH_T_ACCOUNT_NAME], "业务活动费用");
    assert_string_equal(sink.lines[5].text[VOUCH_T_ACCOUNT_CODE], "1011");
    assert_string_equal(sink.lines[5].text[VOUCH_T_ACCOUNT_NAME], "");
    /* word + number columns */
    assert_string_equal(sink.lines[0].text[VOUCH_T_VOUCHER_WORD], "记");
    assert_int_equal(sink.lines[0].line.voucher_no, 12);
    assert_string_equal(sink.lines[0].text[VOUCH_T_VOUCHER_RAW], "记 12");
    /* 余额方向 is the balance's side, kept with the unmapped columns */
    assert_string_equal(sink.lines[0].extra, "{\"余额方向\":\"借\",\"余额\":\"0\"}");
    uint64_t f = r.fields;
    assert_true(f & 1ull << VOUCH_F_DEBIT);
    assert_true(f & 1ull << VOUCH_F_CREDIT);
    assert_true(f & 1ull << VOUCH_F_DIRECTION);
    assert_false(f & 1ull << VOUCH_F_ORG);
    s_sink_free(&sink);

    const char *bad = "日期,凭证号,摘要,方向,金额\n"
                      "2022-03-05,记-1,x,借,1.00\n"
                      "2022-03-05,记-1,x,出,1.00\n";
    r = s_run_text(bad, &o, &sink);
    s_refused_with(&r, "d.csv:3: column 方向: \"出\" is not a direction (借 or 贷)");
    s_sink_free(&sink);
}

static void test_word_and_number_columns(void **state)
{
    (void)state;
    const char *csv =
        "核算单位,会计期间,凭证日期,凭证类别字,凭证编号,分录号,摘要,借方金额,贷方金额\n"
        "某局,2022年12期,2022-12-31,记字,0023,0,计提,5.00,\n"
        "某局,2022年12期,2022-12-31,记字,0023,2,计提,,5.00\n"
        "某局,13,2022-12-31,银付,0001,1,调整,1.00,\n"
        "某局,13,2022-12-31,银付,0001,1,调整,,1.00\n"
        "某局,202201,2022-01-31,,记-0002,1,x,1.00,\n"
        "某局,2022-01,2022-01-31,,记-0002,2,x,,1.00\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 6);
    const s_got_t *g = &sink.lines[0];
    assert_string_equal(g->text[VOUCH_T_VOUCHER_WORD], "记");
    assert_int_equal(g->line.voucher_no, 23);
    assert_string_equal(g->text[VOUCH_T_VOUCHER_RAW], "记字 0023");
    assert_int_equal(g->line.period, 12);
    assert_string_equal(g->text[VOUCH_T_SRC_LINE_NO], "0");
    assert_int_equal(g->line.line_no, 1);
    assert_string_equal(sink.lines[1].text[VOUCH_T_SRC_LINE_NO], "2");
    assert_int_equal(sink.lines[1].line.line_no, 2);
    /* an adjusting period: 13, though the date is in December */
    g = &sink.lines[2];
    assert_int_equal(g->line.period, 13);
    assert_string_equal(g->text[VOUCH_T_VOUCHER_WORD], "银付");
    assert_int_equal(g->line.voucher_no, 1);
    assert_int_equal(sink.lines[3].line.line_no, 2);
    /* a blank word cell: the number cell's own word counts */
    g = &sink.lines[4];
    assert_string_equal(g->text[VOUCH_T_VOUCHER_WORD], "记");
    assert_int_equal(g->line.voucher_no, 2);
    assert_string_equal(g->text[VOUCH_T_VOUCHER_RAW], "记-0002");
    assert_int_equal(g->line.period, 1);
    assert_int_equal(sink.lines[5].line.line_no, 2);
    assert_int_equal(r.stats.vouchers, 3);
    s_sink_free(&sink);

    const char *bad = "单位,日期,凭证号,借方,贷方\n"
                      "某局,2022-01-05,记-1,1,\n"
                      "某局,2022-01-05,记,,1\n";
    r = s_run_text(bad, NULL, &sink);
    s_refused_with(&r, "ledger.csv:3: column 凭证号: \"记\" is not a voucher number");
    s_sink_free(&sink);
    bad = "单位,日期,会计期间,凭证号,借方,贷方\n"
          "某局,2022-01-05,第一期,1,1,\n";
    r = s_run_text(bad, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 会计期间: \"第一期\" is not an accounting period");
    s_sink_free(&sink);
}

static void test_code_and_name_cells(void **state)
{
    (void)state;
    const char *csv = "单位,日期,凭证号,会计科目,经济分类,功能分类,借方,贷方\n"
                      "某局,2022-01-05,1,[5001]业务活动费用,30217 公务接待费,2080101-行政运行,1,\n"
                      "某局,2022-01-05,1,id##1011##零余额账户用款额度,id##30217##公务接待费,,,1\n"
                      "某局,2022-01-05,2,【5001】业务活动费用,30217-公务接待费,2080101,1,\n"
                      "某局,2022-01-05,2,5001.01 工资,30217,,,1\n"
                      "某局,2022-01-05,3,业务活动费用,,,1,1\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    const char *want[][4] = {
        {"5001", "业务活动费用", "30217", "2080101"},
        {"1011", "零余额账户用款额度", "30217", ""},
        {"5001", "业务活动费用", "30217", "2080101"},
        {"5001.01", "工资", "30217", ""},
        {"", "业务活动费用", "", ""},
    };
    assert_int_equal(sink.n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(sink.lines[i].text[VOUCH_T_ACCOUNT_CODE], want[i][0]);
        assert_string_equal(sink.lines[i].text[VOUCH_T_ACCOUNT_NAME], want[i][1]);
        assert_string_equal(sink.lines[i].text[VOUCH_T_ECON_CODE], want[i][2]);
        assert_string_equal(sink.lines[i].text[VOUCH_T_FUNC_CODE], want[i][3]);
    }
    s_sink_free(&sink);
}

static void test_counterparty_extra_and_duplicates(void **state)
{
    (void)state;
    const char *csv = "单位,日期,凭证号,摘要,借方,贷方,供应商,备注,摘要,附件数,报销人,,经办人\n"
                      "某局,2022-01-05,1,购纸,1.00,,永州市文具店,急用,第二摘要,3张,张三,,李四\n"
                      "某局,2022-01-05,1,购纸,,1.00,,,,, ,,\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 2);
    /* no 收款人 column: the supplier is the payee */
    assert_string_equal(sink.lines[0].text[VOUCH_T_PAYEE], "永州市文具店");
    assert_true(r.fields & 1ull << VOUCH_F_PAYEE);
    assert_true(r.fields & 1ull << VOUCH_F_COUNTERPARTY);
    assert_string_equal(sink.lines[0].text[VOUCH_T_SUMMARY], "购纸");
    assert_string_equal(sink.lines[0].text[VOUCH_T_CLAIMANT], "张三");
    assert_int_equal(sink.lines[0].line.attachments, 3);
    assert_int_equal(sink.lines[1].line.attachments, VOUCH_ATTACH_UNKNOWN);
    /* the second 摘要 is kept, under a key of its own */
    assert_string_equal(sink.lines[0].extra,
                        "{\"备注\":\"急用\",\"摘要_2\":\"第二摘要\",\"经办人\":\"李四\"}");
    assert_string_equal(sink.lines[1].extra, "{}");
    assert_int_equal(r.stats.columns, 13);
    assert_int_equal(r.stats.columns_mapped, 9);
    s_sink_free(&sink);

    /* with a payee column the supplier is kept aside, not lost */
    csv = "单位,日期,凭证号,借方,贷方,收款人,客商\n"
          "某局,2022-01-05,1,1,,永州日报社,永州日报社有限公司\n";
    r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_string_equal(sink.lines[0].text[VOUCH_T_PAYEE], "永州日报社");
    assert_string_equal(sink.lines[0].extra, "{\"客商\":\"永州日报社有限公司\"}");
    s_sink_free(&sink);
}

static void test_full_width_and_quoted_newline(void **state)
{
    (void)state;
    const char *csv = "单位名称,凭证日期,凭证号,摘要,借方金额（元）,贷方金额（元）,*收款人\n"
                      "\xe3\x80\x80某局\xe3\x80\x80,２０２２－０１－０５,记－２,\"支付\n办公费\","
                      "１，２００．００,,"
                      "\"王 五\"\n"
                      "某局,2022年1月5日,记-2,\"他说\"\"好\"\"\",,1200.00,\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 2);
    const s_got_t *g = &sink.lines[0];
    assert_string_equal(g->text[VOUCH_T_ORG], "某局");
    assert_int_equal(g->line.voucher_date, s_day("2022-01-05"));
    assert_int_equal(g->line.voucher_no, 2);
    assert_string_equal(g->text[VOUCH_T_SUMMARY], "支付\n办公费");
    assert_int_equal(g->line.debit, 120000);
    assert_string_equal(g->text[VOUCH_T_PAYEE], "王 五");
    assert_int_equal(g->line.file_line, 2);
    /* the quoted newline took a physical line */
    assert_int_equal(sink.lines[1].line.file_line, 4);
    assert_string_equal(sink.lines[1].text[VOUCH_T_SUMMARY], "他说\"好\"");
    assert_int_equal(sink.lines[1].line.line_no, 2);
    s_sink_free(&sink);
}

static void test_row_split_across_chunks(void **state)
{
    (void)state;
    const char *csv = "单位,日期,凭证号,摘要,借方,贷方\n"
                      "永州市人力资源和社会保障局,2022-01-03,记-1,发放工资,953365.00,\n"
                      "永州市人力资源和社会保障局,2022-01-03,记-1,发放工资,,953365.00\n";
    s_sink_t whole = {0};
    assert_int_equal(s_run_text(csv, NULL, &whole).rc, 0);
    assert_int_equal(whole.n, 2);
    /* every split point: inside 永 (3 bytes), inside a field, at the comma */
    size_t len = strlen(csv);
    for (size_t cut = 1; cut < len; cut++) {
        s_sink_t part = {0};
        vouch_csv_import_opts_t o = {.file_name = "ledger.csv"};
        vouch_csv_import_t *imp = vouch_csv_import_new(&o, s_collect, &part);
        vouch_error_t err;
        assert_int_equal(vouch_csv_import_feed(imp, csv, cut, &err), 0);
        assert_int_equal(vouch_csv_import_feed(imp, csv + cut, len - cut, &err), 0);
        assert_int_equal(vouch_csv_import_finish(imp, &err), 0);
        vouch_csv_import_destroy(&imp);
        s_assert_same(&whole, &part);
        s_sink_free(&part);
    }
    s_sink_free(&whole);
}

static void test_delimiters(void **state)
{
    (void)state;
    const char *tsv = "单位\t日期\t凭证号\t摘要\t借方\t贷方\n"
                      "某局\t2022-01-05\t记-1\t差旅费, 住宿\t1.00\t\n"
                      "某局\t2022-01-05\t记-1\t差旅费, 住宿\t\t1.00\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(tsv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 2);
    assert_string_equal(sink.lines[0].text[VOUCH_T_SUMMARY], "差旅费, 住宿");
    s_sink_free(&sink);

    const char *semi = "单位;日期;凭证号;借方;贷方\n某局;2022-01-05;1;1,00;\n";
    r = s_run_text(semi, NULL, &sink);
    /* a semicolon file found; its decimal comma is still refused */
    s_refused_with(&r, "ledger.csv:2: column 借方: \"1,00\" is not an amount");
    s_sink_free(&sink);

    const char *pipe = "单位|日期|凭证号|借方|贷方\n某局|2022-01-05|1|1.00|\n";
    r = s_run_text(pipe, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.lines[0].line.debit, 100);
    s_sink_free(&sink);
}

static void test_header_field_mapping(void **state)
{
    (void)state;
    const struct {
        const char *header;
        int field;
    } cases[] = {
        {"单位名称", VOUCH_F_ORG},
        {"单位", VOUCH_F_ORG},
        {"凭证日期", VOUCH_F_VOUCHER_DATE},
        {"*凭证日期", VOUCH_F_VOUCHER_DATE},
        {" 日期 ", VOUCH_F_VOUCHER_DATE},
        {"发票日期", VOUCH_F_DOCUMENT_DATES},
        {"业务发生日期", VOUCH_F_BUSINESS_DATE},
        {"借方金额(元)", VOUCH_F_DEBIT},
        {"借方金额（元）", VOUCH_F_DEBIT},
        {"借方", VOUCH_F_DEBIT},
        {"借方-本币", VOUCH_F_DEBIT},
        {"贷方发生额", VOUCH_F_CREDIT},
        {"借方余额", -1},
        {"方向", VOUCH_F_DIRECTION},
        {"借贷方向", VOUCH_F_DIRECTION},
        {"余额方向", -1},
        {"金额", VOUCH_F_AMOUNT},
        {"指标", VOUCH_F_INDICATOR},
        {"预算指标", VOUCH_F_INDICATOR},
        {"指标文号", -1},
        {"预算指标文号", -1},
        {"支出经济分类科目", VOUCH_F_ECON_CODE},
        {"部门经济分类科目编码", VOUCH_F_ECON_CODE},
        {"支出功能分类科目", VOUCH_F_FUNC_CODE},
        {"部门", VOUCH_F_DEPARTMENT},
        {"部门编码", -1},
        {"项目", VOUCH_F_PROJECT},
        {"项目编码", -1},
        {"预算项目", VOUCH_F_INDICATOR},
        {"收款单位", VOUCH_F_PAYEE},
        {"收款人全称", VOUCH_F_PAYEE},
        {"收款人账号", VOUCH_F_PAYEE_ACCOUNT},
        {"收款人开户银行", -1},
        {"供应商名称", VOUCH_F_COUNTERPARTY},
        {"往来单位", VOUCH_F_COUNTERPARTY},
        {"凭证号", VOUCH_F_VOUCHER_NO},
        {"凭证字号", VOUCH_F_VOUCHER_NO},
        {"凭证字", VOUCH_F_VOUCHER_WORD},
        {"序号", VOUCH_F_LINE_NO},
        {"单据序号", -1},
        {"科目", VOUCH_F_ACCOUNT_CODE},
        {"科目编码", VOUCH_F_ACCOUNT_CODE},
        {"对方科目编码", -1},
        {"科目名称", VOUCH_F_ACCOUNT_NAME},
        {"制单", VOUCH_F_PREPARER},
        {"制单人", VOUCH_F_PREPARER},
        {"审核人", VOUCH_F_REVIEWER},
        {"复核人", VOUCH_F_REVIEWER},
        {"审核", VOUCH_F_REVIEWER},
        {"审核日期", -1},
        {"附件张数", VOUCH_F_ATTACHMENTS},
        {"月", VOUCH_F_PERIOD},
        {"会计期间", VOUCH_F_PERIOD},
        {"备注", -1},
        /* auxiliary items, whole or as code/name pairs of columns */
        {"辅助核算", VOUCH_F_AUXILIARY},
        {"辅助项", VOUCH_F_AUXILIARY},
        {"核算项目", VOUCH_F_AUXILIARY},
        {"核算项目3", VOUCH_F_AUXILIARY},
        {"辅助核算项", VOUCH_F_AUXILIARY},
        {"职员", VOUCH_F_CLAIMANT},
        {"人员档案－名称", VOUCH_F_CLAIMANT},
        {"人员档案－代码", -1},
        {"客商－名称", VOUCH_F_COUNTERPARTY},
        {"客商－代码", -1},
        {"客商-编码", -1},
        {"供应商编码", -1},
        {"供应商名称", VOUCH_F_COUNTERPARTY},
        {"职员编码", -1},
        {"结算方式编码", -1},
        {"收款人编码", -1},
        {"经济分类－代码", VOUCH_F_ECON_CODE},
        {"经济分类—名称", VOUCH_F_ECON_CODE},
        {"经济分类代码", VOUCH_F_ECON_CODE},
        {"功能科目编码", VOUCH_F_FUNC_CODE},
        {"部门名称", VOUCH_F_DEPARTMENT},
        {"项目大类编码", -1},
        {"币别代码", -1},
        {"往来业务编号", -1},
        /* not in yuan, or not an amount at all */
        {"外币借方金额", -1},
        {"借方原币金额", -1},
        {"原币金额", VOUCH_F_AMOUNT},
        {"凭证合计金额是否保值", -1},
        {"分录序号", VOUCH_F_LINE_NO},
        {"会计年度", VOUCH_F_YEAR},
        {"年", VOUCH_F_YEAR},
        {"日", VOUCH_F_DAY},
        {"", -1},
        {"\xff\xfe", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = vouch_csv_header_field(cases[i].header);
        if (got != cases[i].field)
            fail_msg("\"%s\" mapped to %s, not %s", cases[i].header,
                     got < 0 ? "nothing" : vouch_csv_field_names[got],
                     cases[i].field < 0 ? "nothing" : vouch_csv_field_names[cases[i].field]);
    }
    assert_int_equal(vouch_csv_header_field(NULL), -1);
    for (int f = 0; f < VOUCH_F_COUNT; f++)
        assert_non_null(vouch_csv_field_names[f]);
}

/* ---------------------------------------------------------------------------
 * Fixtures: real export layouts (tests/fixtures/csv) */

/* A fixture read in chunks of chunk bytes under its own name. */
static s_result_t s_run_fixture(const char *name, size_t chunk, vouch_csv_import_opts_t *opts,
                                s_sink_t *sink)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", CSV_DIR, name);
    size_t len;
    char *data = s_slurp(path, &len);
    vouch_csv_import_opts_t o = {.file_name = name};
    if (!opts)
        opts = &o;
    opts->file_name = name;
    s_result_t r = s_run(data, len, chunk, opts, sink);
    free(data);
    return r;
}

static void s_totals(const s_sink_t *sink, int64_t *debit, int64_t *credit)
{
    *debit = *credit = 0;
    for (size_t i = 0; i < sink->n; i++) {
        *debit += sink->lines[i].line.debit;
        *credit += sink->lines[i].line.credit;
    }
}

static void s_assert_extra_has(const s_got_t *g, const char *pair)
{
    if (!strstr(g->extra, pair))
        fail_msg("extra %s lacks %s", g->extra, pair);
}

static void test_seed_encodings(void **state)
{
    (void)state;
    size_t len;
    char *data = s_slurp(SEED, &len);
    s_sink_t plain = {0};
    s_result_t r = s_run(data, len, 0, NULL, &plain);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.stats.encoding, "UTF-8");
    assert_int_equal(r.stats.delimiter, ',');

    /* the seed as Excel saves it: "CSV UTF-8" (a BOM), and "Unicode text"
     * (UTF-16LE, tab-separated): the same 200 lines, field for field, in any
     * chunking (odd chunks split UTF-16 code units and surrogates) */
    const struct {
        const char *file;
        const char *encoding;
        char delimiter;
    } cases[] = {
        {"seed-utf8-bom.csv", "UTF-8 (BOM)", ','},
        {"seed-utf16le.txt", "UTF-16LE", '\t'},
    };
    const size_t chunks[] = {0, 1, 3, 7, 4096};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
            s_sink_t other = {0};
            r = s_run_fixture(cases[c].file, chunks[k], NULL, &other);
            assert_int_equal(r.rc, 0);
            assert_string_equal(r.stats.encoding, cases[c].encoding);
            assert_int_equal(r.stats.delimiter, cases[c].delimiter);
            assert_int_equal(r.stats.lines, 200);
            assert_int_equal(r.stats.columns_mapped, 24);
            s_assert_same(&plain, &other);
            s_sink_free(&other);
        }
    s_sink_free(&plain);
    free(data);
}

static void test_u8_import_template(void **state)
{
    (void)state;
    /* 用友 U8 总账 凭证导入: 73 columns, no unit column (--org), codes only for
     * the auxiliary items, and a 日期 column that is not the voucher's date */
    vouch_csv_import_opts_t o = {.org_override = "永州市人力资源和社会保障局"};
    s_sink_t sink = {0};
    s_result_t r = s_run_fixture("u8-import.csv", 0, &o, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 17);
    assert_int_equal(r.stats.columns, 73);
    assert_int_equal(r.stats.vouchers, 8);
    int64_t debit, credit;
    s_totals(&sink, &debit, &credit);
    assert_int_equal(debit, 2943082);
    assert_int_equal(credit, 2943082);

    const s_got_t *g = &sink.lines[2]; /* 记 2 of January, line 1 */
    assert_string_equal(g->text[VOUCH_T_ORG], "永州市人力资源和社会保障局");
    assert_int_equal(g->line.voucher_date, s_day("2022-01-18")); /* 制单日期, not 日期 */
    assert_int_equal(g->line.period, 1);
    assert_string_equal(g->text[VOUCH_T_VOUCHER_WORD], "记");
    assert_int_equal(g->line.voucher_no, 2);
    assert_string_equal(g->text[VOUCH_T_VOUCHER_RAW], "记 2");
    assert_int_equal(g->line.debit, 148650);
    assert_int_equal(g->line.attachments, 4);
    assert_string_equal(g->text[VOUCH_T_ACCOUNT_CODE], "50010211");
    assert_string_equal(g->text[VOUCH_T_PREPARER], "李会计");
    assert_string_equal(g->text[VOUCH_T_REVIEWER], ""); /* 审核人, blank until reviewed */
    /* a person's code is no claimant, a department code no department: both
     * are kept with the line, as is the 外部凭证 日期 */
    assert_string_equal(g->text[VOUCH_T_CLAIMANT], "");
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "");
    assert_string_equal(g->text[VOUCH_T_PAYMENT_METHOD], "");
    s_assert_extra_has(g, "\"职员编码\":\"0012\"");
    s_assert_extra_has(g, "\"部门编码\":\"03\"");
    s_assert_extra_has(g, "\"日期\":\"2022-01-01\"");
    /* a supplier code is not the payee */
    assert_string_equal(sink.lines[0].text[VOUCH_T_PAYEE], "");
    s_assert_extra_has(&sink.lines[0], "\"供应商编码\":\"G0007\"");
    assert_false(r.fields & 1ull << VOUCH_F_PAYEE);
    assert_false(r.fields & 1ull << VOUCH_F_CLAIMANT);
    assert_false(r.fields & 1ull << VOUCH_F_AMOUNT);

    /* a red-ink line keeps its sign in its column */
    g = s_find(&sink, "记 2", 1, 3);
    assert_int_equal(g->line.debit, -48000);
    s_sink_free(&sink);
}

static void test_nc_bracket_items(void **state)
{
    (void)state;
    /* 用友 NC 凭证明细: UTF-8 with a BOM, 月 and 日 but no year (the file's
     * name has it), 【类型：值】 items in 辅助项, a 本月合计 row */
    s_sink_t sink = {0};
    s_result_t r = s_run_fixture("nc-voucher-detail-2022.csv", 5, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.stats.encoding, "UTF-8 (BOM)");
    assert_int_equal(sink.n, 16);
    assert_int_equal(r.stats.dropped, 1);
    assert_int_equal(r.stats.vouchers, 8);
    int64_t debit, credit;
    s_totals(&sink, &debit, &credit);
    assert_int_equal(debit, 15488300);
    assert_int_equal(credit, 15488300);

    const s_got_t *g = s_find(&sink, "银付-0001", 1, 1);
    assert_int_equal(g->line.voucher_date, s_day("2022-01-06"));
    assert_string_equal(g->text[VOUCH_T_VOUCHER_WORD], "银付");
    assert_string_equal(g->text[VOUCH_T_ORG], "永州市人力资源和社会保障局-基本账簿");
    assert_string_equal(g->text[VOUCH_T_ACCOUNT_NAME], "5001\\业务活动费用\\商品和服务费用");
    assert_int_equal(g->line.debit, 1250000);
    /* 【客商】 is the payee (no payee column), 【经济分类：30209 物业管理费】 the code */
    assert_string_equal(g->text[VOUCH_T_PAYEE], "永州市恒安物业服务有限公司");
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "办公室");
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30209");
    assert_string_equal(g->extra, "{\"币种\":\"人民币\"}");
    /* a type no field takes stays with the line */
    g = s_find(&sink, "银付-0001", 2, 1);
    s_assert_extra_has(g, "\"银行账户\":\"中国工商银行永州分行营业部\"");

    g = s_find(&sink, "银付-0002", 1, 1);
    assert_string_equal(g->text[VOUCH_T_CLAIMANT], "张三"); /* 人员档案 */
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "规划财务科");
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30211");

    /* 0-based 分录号: kept as written, renumbered from 1; half-width colons */
    g = s_find(&sink, "转-0001", 1, 1);
    assert_string_equal(g->text[VOUCH_T_SRC_LINE_NO], "0");
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30101");
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "办公室");
    g = s_find(&sink, "转-0001", 2, 1);
    assert_string_equal(g->text[VOUCH_T_SRC_LINE_NO], "1");
    assert_string_equal(g->text[VOUCH_T_CLAIMANT], "李四"); /* 【人员：001 李四】 */
    s_assert_extra_has(g, "\"款项名称\":\"无\"");

    /* a type twice: the first fills the field, the second is kept */
    g = s_find(&sink, "银付-0002", 1, 2);
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "办公室");
    assert_string_equal(g->text[VOUCH_T_PAYEE], "永州市零陵区湘味餐馆"); /* 供应商 */
    s_assert_extra_has(g, "\"部门\":\"规划财务科\"");
    g = s_find(&sink, "银付-0001", 1, 3);
    assert_string_equal(g->text[VOUCH_T_PROJECT], "2022年社保信息系统运维项目");
    /* a cell of another shape is kept as written */
    g = s_find(&sink, "转-0002", 1, 3);
    s_assert_extra_has(g, "\"辅助项\":\"备注:见附件\"");
    assert_int_equal(g->line.debit, -120000);

    uint64_t want = 1ull << VOUCH_F_CLAIMANT | 1ull << VOUCH_F_DEPARTMENT | 1ull << VOUCH_F_PAYEE |
                    1ull << VOUCH_F_ECON_CODE | 1ull << VOUCH_F_PROJECT |
                    1ull << VOUCH_F_VOUCHER_DATE;
    assert_int_equal(r.fields & want, want);
    s_sink_free(&sink);

    /* the same file under a name without a year: no date can be made */
    vouch_csv_import_opts_t o = {0};
    char path[512];
    snprintf(path, sizeof path, "%s%s", CSV_DIR, "nc-voucher-detail-2022.csv");
    size_t len;
    char *data = s_slurp(path, &len);
    o.file_name = "凭证明细.csv";
    r = s_run(data, len, 0, &o, &sink);
    s_refused_with(&r, "凭证明细.csv:1: no voucher date column (凭证日期)");
    free(data);
    s_sink_free(&sink);
}

static void test_k3_dash_items(void **state)
{
    (void)state;
    /* 金蝶 K/3 凭证引出 saved as tab-separated text: 凭证字 + 凭证号, 序号
     * beside a 0-based 分录序号, 核算项目 cells of 类别---代码---名称 || ... */
    vouch_csv_import_opts_t o = {.org_override = "永州市人力资源和社会保障局"};
    s_sink_t sink = {0};
    s_result_t r = s_run_fixture("k3-voucher.txt", 0, &o, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.stats.delimiter, '\t');
    assert_int_equal(sink.n, 15);
    assert_int_equal(r.stats.vouchers, 7);
    int64_t debit, credit;
    s_totals(&sink, &debit, &credit);
    assert_int_equal(debit, 2991082);
    assert_int_equal(credit, 2991082);

    const s_got_t *g = s_find(&sink, "记 2", 1, 1);
    assert_string_equal(g->text[VOUCH_T_VOUCHER_WORD], "记");
    assert_int_equal(g->line.voucher_no, 2);
    assert_string_equal(g->text[VOUCH_T_SRC_LINE_NO], "0"); /* 分录序号, not 序号 */
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "规划财务科");
    assert_string_equal(g->text[VOUCH_T_CLAIMANT], "张三");
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30211");
    assert_string_equal(g->text[VOUCH_T_ACCOUNT_CODE], "5001.02");
    assert_string_equal(g->text[VOUCH_T_SUMMARY], "报销张三赴长沙培训差旅费");
    assert_int_equal(g->line.business_date, s_day("2022-01-10"));
    assert_string_equal(g->text[VOUCH_T_PAYMENT_METHOD], ""); /* K/3 writes * */
    assert_string_equal(g->text[VOUCH_T_PREPARER], "李会计");
    assert_string_equal(g->text[VOUCH_T_REVIEWER], "周主任"); /* 审核 */
    s_assert_extra_has(g, "\"序号\":\"2\"");
    s_assert_extra_has(g, "\"会计年度\":\"2022\"");
    g = s_find(&sink, "记 2", 2, 1);
    assert_string_equal(g->text[VOUCH_T_SRC_LINE_NO], "1");
    assert_string_equal(g->text[VOUCH_T_PAYMENT_METHOD], "公务卡");

    /* the supplier item is the payee: the export has no payee column */
    g = s_find(&sink, "记 1", 1, 2);
    assert_string_equal(g->text[VOUCH_T_PAYEE], "永州市恒安物业服务有限公司");
    g = s_find(&sink, "记 2", 1, 2);
    assert_string_equal(g->text[VOUCH_T_PROJECT], "2022年就业创业培训项目");
    assert_string_equal(g->text[VOUCH_T_CLAIMANT], "赵六");
    g = s_find(&sink, "记 2", 3, 2);
    assert_string_equal(g->text[VOUCH_T_SRC_LINE_NO], "2");
    s_assert_extra_has(g, "\"银行账户\":\"001 工行永州分行\"");
    assert_true(r.fields & 1ull << VOUCH_F_PAYEE);
    assert_true(r.fields & 1ull << VOUCH_F_AUXILIARY);
    s_sink_free(&sink);
}

static void test_eas_direction_and_triples(void **state)
{
    (void)state;
    /* 金蝶 EAS: 记--0001, 会计期间 1.0, 方向 1/0 with 原币金额 beside
     * 借方金额/贷方金额 (blank on one voucher), items as 核算项目N/编码N/名称N */
    s_sink_t sink = {0};
    s_result_t r = s_run_fixture("eas-voucher.csv", 13, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 13);
    assert_int_equal(r.stats.vouchers, 6);
    assert_int_equal(r.stats.columns, 67);
    int64_t debit, credit;
    s_totals(&sink, &debit, &credit);
    assert_int_equal(debit, 1969650);
    assert_int_equal(credit, 1969650);

    const s_got_t *g = s_find(&sink, "记--0001", 1, 1);
    assert_string_equal(g->text[VOUCH_T_ORG], "永州市人力资源和社会保障局"); /* 公司, not 单位 */
    assert_string_equal(g->text[VOUCH_T_VOUCHER_WORD], "记");                /* not 记账凭证 */
    assert_int_equal(g->line.voucher_no, 1);
    assert_int_equal(g->line.period, 1);
    assert_int_equal(g->line.debit, 236000);
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "办公室");
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30201");
    assert_string_equal(g->text[VOUCH_T_INVOICE_NO], "04300211 00512377");
    /* 收款人 is the payee; the supplier, column and item, is kept aside */
    assert_string_equal(g->text[VOUCH_T_PAYEE], "永州市文星办公用品有限公司");
    s_assert_extra_has(g, "\"供应商_2\":\"0007 永州市文星办公用品有限公司\"");

    /* blank 借方金额 and 贷方金额: 方向 and 原币金额 give the side */
    g = s_find(&sink, "记--0002", 1, 1);
    assert_int_equal(g->line.debit, 148650);
    assert_int_equal(g->line.credit, 0);
    assert_string_equal(g->text[VOUCH_T_CLAIMANT], "张三");
    assert_string_equal(g->text[VOUCH_T_PAYEE], "张三");
    g = s_find(&sink, "记--0002", 2, 1);
    assert_int_equal(g->line.debit, 0);
    assert_int_equal(g->line.credit, 148650);

    g = s_find(&sink, "记--0002", 1, 2);
    assert_string_equal(g->text[VOUCH_T_PROJECT], "2022年就业创业培训项目");
    assert_string_equal(g->text[VOUCH_T_CLAIMANT], "赵六");
    assert_int_equal(g->line.business_date, s_day("2022-02-20"));
    g = s_find(&sink, "记--0002", 3, 2);
    s_assert_extra_has(g, "\"银行账户\":\"001 工行永州分行\"");
    /* the triples' code and name columns are read, not kept */
    assert_null(strstr(g->extra, "编码1"));
    s_sink_free(&sink);
}

static void test_gb18030_journal(void **state)
{
    (void)state;
    /* a GB18030 序时账: title, period line and 单位：元 above the header,
     * 本月合计 and 本年累计 after each month, a 4-byte character in a name */
    s_sink_t whole = {0};
    s_result_t r = s_run_fixture("xushizhang-gb18030.csv", 0, NULL, &whole);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.stats.encoding, "GB18030");
    assert_int_equal(r.stats.header_line, 4);
    assert_int_equal(whole.n, 15);
    assert_int_equal(r.stats.dropped, 6);
    assert_int_equal(r.stats.vouchers, 6);
    int64_t debit, credit;
    s_totals(&whole, &debit, &credit);
    assert_int_equal(debit, 3131082);
    assert_int_equal(credit, 3131082);

    const s_got_t *g = &whole.lines[0];
    assert_string_equal(g->text[VOUCH_T_ORG], "汨罗市人力资源和社会保障局");
    assert_int_equal(g->line.file_line, 5);
    assert_int_equal(g->line.debit, 236000);
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30201");
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "办公室");
    g = s_find(&whole, "记-0002", 1, 1);
    assert_string_equal(g->text[VOUCH_T_SUMMARY], "报销王㛃赴长沙培训差旅费");
    g = s_find(&whole, "记-0002", 1, 2);
    assert_string_equal(g->text[VOUCH_T_PROJECT], "2022年就业创业培训项目");
    assert_int_equal(g->line.file_line, 15);

    /* any chunking: GB18030 characters (2 and 4 bytes) split everywhere */
    const size_t chunks[] = {1, 2, 3, 5, 7, 64};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        s_sink_t part = {0};
        r = s_run_fixture("xushizhang-gb18030.csv", chunks[k], NULL, &part);
        assert_int_equal(r.rc, 0);
        s_assert_same(&whole, &part);
        s_sink_free(&part);
    }
    s_sink_free(&whole);
}

static void test_broken_fixtures(void **state)
{
    (void)state;
    const struct {
        const char *file;
        size_t max_field;
        const char *want;
    } cases[] = {
        {"bad-amount.csv", 0, "bad-amount.csv:5: column 贷方金额: \"12,3a4.00\" is not an amount"},
        {"bad-date.csv", 0, "bad-date.csv:6: column 凭证日期: \"2022-02-30\" is not a date"},
        {"bad-quote.csv", 0, "bad-quote.csv:3: column 摘要: unterminated quoted field"},
        {"bad-utf8.csv", 0, "bad-utf8.csv:6: column 摘要: not UTF-8 text (bytes b0 ec b9 ab)"},
        {"bad-gb18030.csv", 0,
         "bad-gb18030.csv:4: column 摘要: not GB18030 text (bytes 81 20 78 2c)"},
        {"bad-missing-column.csv", 0,
         "bad-missing-column.csv:2: no voucher number column (凭证号)"},
        {"bad-oversize.csv", 64, "bad-oversize.csv:4: column 摘要: field longer than 64 bytes"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (size_t chunk = 0; chunk <= 3; chunk += 3) {
            vouch_csv_import_opts_t o = {.max_field_bytes = cases[c].max_field};
            s_sink_t sink = {0};
            s_result_t r = s_run_fixture(cases[c].file, chunk, &o, &sink);
            s_refused_with(&r, cases[c].want);
            s_sink_free(&sink);
        }
    /* the oversize file reads under the default limit */
    s_sink_t sink = {0};
    assert_int_equal(s_run_fixture("bad-oversize.csv", 0, NULL, &sink).rc, 0);
    assert_int_equal(sink.n, 3);
    s_sink_free(&sink);
}

/* ---------------------------------------------------------------------------
 * Auxiliary items, paired columns, which column wins */

static void test_aux_cells(void **state)
{
    (void)state;
    const char *csv = "单位,日期,凭证号,借方,贷方,部门,辅助核算\n"
                      /* full-width and half-width colons, spaces around items */
                      "某局,2022-01-05,1,1,,, 【部门：办公室】 【职员:001 张三】【个人：李四】\n"
                      /* the department column wins over the item, which is kept */
                      "某局,2022-01-05,1,,1,财务科,【部门：办公室】【往来单位：永州日报社】\n"
                      /* K/3 shape, and type---value without a code */
                      "某局,2022-01-06,2,1,,,部门---02---人事科||项目---2022年培训项目||经济分类---"
                      "30216---培训费\n"
                      /* the classification's code from 【经济分类：30217 公务接待费】 and
                       * 【功能分类：2080101】; a project name keeps its digits */
                      "某局,2022-01-06,2,,1,,【经济分类：30217 "
                      "公务接待费】【功能分类：2080101】【项目：2022年培训项目】\n"
                      /* shapes that are not items stay as written */
                      "某局,2022-01-07,3,1,,,办公室\n"
                      "某局,2022-01-07,3,,1,,【部门 办公室】\n"
                      "某局,2022-01-07,3,,0,,部门---01---办公室||张三\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.n, 7);
    const s_got_t *g = &sink.lines[0];
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "办公室");
    assert_string_equal(g->text[VOUCH_T_CLAIMANT], "张三");
    assert_string_equal(g->extra, "{\"个人\":\"李四\"}");
    g = &sink.lines[1];
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "财务科");
    assert_string_equal(g->text[VOUCH_T_PAYEE], "永州日报社");
    assert_string_equal(g->extra, "{\"部门\":\"办公室\"}");
    g = &sink.lines[2];
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "人事科");
    assert_string_equal(g->text[VOUCH_T_PROJECT], "2022年培训项目");
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30216");
    assert_string_equal(g->extra, "{}");
    g = &sink.lines[3];
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30217");
    assert_string_equal(g->text[VOUCH_T_FUNC_CODE], "2080101");
    assert_string_equal(g->text[VOUCH_T_PROJECT], "2022年培训项目");
    assert_string_equal(sink.lines[4].extra, "{\"辅助核算\":\"办公室\"}");
    assert_string_equal(sink.lines[4].text[VOUCH_T_DEPARTMENT], "");
    assert_string_equal(sink.lines[5].extra, "{\"辅助核算\":\"【部门 办公室】\"}");
    assert_string_equal(sink.lines[6].extra, "{\"辅助核算\":\"部门---01---办公室||张三\"}");
    assert_true(r.fields & 1ull << VOUCH_F_CLAIMANT);
    assert_true(r.fields & 1ull << VOUCH_F_PROJECT);
    assert_true(r.fields & 1ull << VOUCH_F_FUNC_CODE);

    /* with a payee column the counterparty item is not the payee */
    s_sink_free(&sink);
    csv = "单位,日期,凭证号,借方,贷方,收款人,辅助项\n"
          "某局,2022-01-05,1,1,,,【供应商：永州日报社】\n";
    r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_string_equal(sink.lines[0].text[VOUCH_T_PAYEE], "");
    assert_string_equal(sink.lines[0].extra, "{\"供应商\":\"永州日报社\"}");
    s_sink_free(&sink);
}

static void test_paired_columns(void **state)
{
    (void)state;
    /* code/name pairs with every kind of dash: the name fills a name field,
     * the code a classification, whichever comes first */
    const char *csv =
        "单位,日期,凭证号,借方,贷方,人员档案－代码,人员档案－名称,客商－代码,客商－名称,"
        "经济分类—名称,经济分类—代码,部门编码,部门名称,功能分类名称\n"
        "某局,2022-01-05,1,1,,0012,张三,G003,永州日报社,公务接待费,30217,01,办公室,"
        "行政运行\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    const s_got_t *g = &sink.lines[0];
    assert_string_equal(g->text[VOUCH_T_CLAIMANT], "张三");
    assert_string_equal(g->text[VOUCH_T_PAYEE], "永州日报社");
    assert_string_equal(g->text[VOUCH_T_ECON_CODE], "30217");
    assert_string_equal(g->text[VOUCH_T_DEPARTMENT], "办公室");
    /* a name column alone still fills its classification */
    assert_string_equal(g->text[VOUCH_T_FUNC_CODE], "行政运行");
    assert_string_equal(g->extra, "{\"人员档案-代码\":\"0012\",\"客商-代码\":\"G003\","
                                  "\"经济分类—名称\":\"公务接待费\",\"部门编码\":\"01\"}");
    s_sink_free(&sink);
}

static void test_column_rank(void **state)
{
    (void)state;
    /* of two columns for one field the more specific wins, whatever the
     * order: 分录序号 over 序号, 制单日期 over 日期, 借方 over 外币借方金额 */
    const char *csv = "单位,日期,序号,凭证号,外币借方金额,借方,贷方,制单日期,分录序号\n"
                      "某局,2021-12-31,7,1,99.00,1.00,,2022-01-05,0\n"
                      "某局,2021-12-31,7,1,,,1.00,2022-01-05,1\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    const s_got_t *g = &sink.lines[0];
    assert_int_equal(g->line.voucher_date, s_day("2022-01-05"));
    assert_string_equal(g->text[VOUCH_T_SRC_LINE_NO], "0");
    assert_int_equal(g->line.debit, 100);
    assert_string_equal(g->extra,
                        "{\"日期\":\"2021-12-31\",\"序号\":\"7\",\"外币借方金额\":\"99.00\"}");
    assert_int_equal(r.stats.columns_mapped, 6);
    s_sink_free(&sink);

    /* 年, 月 and 日 columns make the date; a bad day names its cell */
    csv = "单位,年,月,日,凭证号,借方,贷方\n"
          "某局,2022,3,05,1,1,\n"
          "某局,2022.0,3,5日,1,,1\n"
          "某局,2022,2,30,2,1,\n";
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:4: column 日: \"30\" is not a day of 2022-02");
    assert_int_equal(sink.n, 2);
    assert_int_equal(sink.lines[0].line.voucher_date, s_day("2022-03-05"));
    assert_int_equal(sink.lines[1].line.voucher_date, s_day("2022-03-05"));
    s_sink_free(&sink);
}

static void test_delimiter_consistency(void **state)
{
    (void)state;
    /* semicolons, with commas and tabs inside summaries: the delimiter that
     * gives one width all down wins */
    const char *semi = "单位;日期;凭证号;摘要;借方;贷方\n"
                       "某局;2022-01-05;1;办公费, 纸张, 墨盒;1.00;\n"
                       "某局;2022-01-05;1;办公费\t纸张;;1.00\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(semi, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.stats.delimiter, ';');
    assert_string_equal(sink.lines[0].text[VOUCH_T_SUMMARY], "办公费, 纸张, 墨盒");
    s_sink_free(&sink);

    /* tabs, with a quoted cell holding a tab and a line break, below a title */
    const char *tsv = "某局序时账\n"
                      "单位\t日期\t凭证号\t摘要\t借方\t贷方\n"
                      "某局\t2022-01-05\t1\t\"a\tb\nc\"\t1.00\t\n"
                      "某局\t2022-01-05\t1\tx,y,z\t\t1.00\n";
    r = s_run_text(tsv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.stats.delimiter, '\t');
    assert_string_equal(sink.lines[0].text[VOUCH_T_SUMMARY], "a\tb\nc");
    assert_string_equal(sink.lines[1].text[VOUCH_T_SUMMARY], "x,y,z");
    assert_int_equal(r.stats.header_line, 2);
    s_sink_free(&sink);

    /* pipes, and a header-only window that ends without a line break */
    r = s_run_text("单位|日期|凭证号|借方|贷方\n某局|2022-01-05|1|1|", NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.stats.delimiter, '|');
    s_sink_free(&sink);
}

static void test_other_encodings(void **state)
{
    (void)state;
    /* UTF-16BE with a BOM: 单位,日期,凭证号,借方,贷方 / 某局,2022-01-05,1,1, */
    const char *text = "单位,日期,凭证号,借方,贷方\r\n某局,2022-01-05,1,1,\r\n";
    iconv_t cd = iconv_open("UTF-16BE", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char buf[256] = "\xfe\xff", *out = buf + 2, *in = (char *)text;
    size_t left = strlen(text), room = sizeof buf - 2;
    assert_int_not_equal(iconv(cd, &in, &left, &out, &room), (size_t)-1);
    iconv_close(cd);
    size_t len = (size_t)(out - buf);
    s_sink_t sink = {0};
    s_result_t r = s_run(buf, len, 3, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.stats.encoding, "UTF-16BE");
    assert_string_equal(sink.lines[0].text[VOUCH_T_ORG], "某局");
    assert_int_equal(sink.lines[0].line.file_line, 2);
    s_sink_free(&sink);

    /* a lone surrogate in a UTF-16 cell: named by line and column */
    memcpy(buf + len - 8, "\xd8\x00", 2); /* the BE unit of the last "1" */
    r = s_run(buf, len, 0, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 借方: not UTF-16BE text (bytes d8 00 00 2c)");
    s_sink_free(&sink);
}

/* ---------------------------------------------------------------------------
 * Refusals */

static void test_bad_amount(void **state)
{
    (void)state;
    const char *csv = "单位名称,凭证日期,凭证号,摘要,借方金额,贷方金额\n"
                      "某局,2022-01-05,记-1,x,1.00,\n"
                      "某局,2022-01-05,记-1,x,,\"12,3a4.00\"\n"
                      "某局,2022-01-05,记-2,x,1.001,\n";
    s_sink_t sink = {0};
    vouch_csv_import_opts_t o = {.file_name = "ledger.csv"};
    vouch_csv_import_t *imp = vouch_csv_import_new(&o, s_collect, &sink);
    vouch_error_t err;
    assert_int_equal(vouch_csv_import_feed(imp, csv, strlen(csv), &err), 0);
    assert_int_equal(vouch_csv_import_finish(imp, &err), -1);
    assert_string_equal(err.file, "ledger.csv");
    assert_int_equal(err.line, 3);
    assert_string_equal(err.column, "贷方金额");
    assert_string_equal(err.text, "\"12,3a4.00\" is not an amount");
    /* the reader is finished: a later feed gets the same error back */
    vouch_error_t again;
    assert_int_equal(vouch_csv_import_feed(imp, "x", 1, &again), -1);
    assert_string_equal(again.text, err.text);
    assert_int_equal(vouch_csv_import_finish(imp, &again), -1);
    vouch_csv_import_destroy(&imp);
    s_sink_free(&sink);
}

static void test_bad_dates(void **state)
{
    (void)state;
    s_sink_t sink = {0};
    const char *csv = "单位,凭证日期,凭证号,借方,贷方\n某局,2022-13-01,记-1,1,\n";
    s_result_t r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 凭证日期: \"2022-13-01\" is not a date");
    s_sink_free(&sink);

    csv = "单位,凭证日期,凭证号,借方,贷方\n某局,,记-1,1,\n";
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 凭证日期: blank voucher date");
    s_sink_free(&sink);

    csv = "单位,凭证日期,凭证号,借方,贷方,审批日期\n某局,2022-01-05,记-1,1,,2022-02-30\n";
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 审批日期: \"2022-02-30\" is not a date");
    s_sink_free(&sink);

    csv = "单位,凭证日期,凭证号,借方,贷方,单据日期\n某局,2022-01-05,记-1,1,,2022-01-01;soon\n";
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 单据日期: \"2022-01-01;soon\" is not a date");
    s_sink_free(&sink);

    /* every column of document dates is read, each named when it is wrong
     * (STALE_DOCUMENT counts every date of 单据日期, 发票日期 and 开票日期) */
    csv = "单位,凭证日期,凭证号,借方,贷方,单据日期,发票日期,开票日期\n"
          "某局,2022-01-05,记-1,1,,2021-12-08;2022-01-02,,2021-06-30\n"
          "某局,2022-01-05,记-1,,1,,2021-11-11,\n";
    r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_string_equal(sink.lines[0].line.text[VOUCH_T_DOCUMENT_DATES],
                        "2021-12-08;2022-01-02;2021-06-30");
    assert_string_equal(sink.lines[1].line.text[VOUCH_T_DOCUMENT_DATES], "2021-11-11");
    assert_string_equal(sink.lines[0].extra, "{}");
    s_sink_free(&sink);
    csv = "单位,凭证日期,凭证号,借方,贷方,单据日期,发票日期\n某局,2022-01-05,记-1,1,,2022-01-01,"
          "soon\n";
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 发票日期: \"soon\" is not a date");
    s_sink_free(&sink);

    /* several dates: the earliest counts, blank is none */
    csv = "单位,凭证日期,凭证号,借方,贷方,业务日期,审批日期\n"
          "某局,2022-01-05,记-1,1,,2022-01-03、2021-12-30,\n";
    r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.lines[0].line.business_date, s_day("2021-12-30"));
    assert_int_equal(sink.lines[0].line.approval_date, VOUCH_DATE_NONE);
    s_sink_free(&sink);
}

static void test_missing_org(void **state)
{
    (void)state;
    const char *csv = "日期,凭证号,摘要,借方,贷方\n2022-01-05,记-1,x,1,\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:1: no unit: the file has no 单位 column and no --org was given");
    assert_int_equal(sink.n, 0);
    s_sink_free(&sink);

    /* "单位：元" is the currency, not the unit */
    csv = "明细账,,,,\n单位：元,,,,\n日期,凭证号,摘要,借方,贷方\n2022-01-05,记-1,x,1,\n";
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:3: no unit: the file has no 单位 column and no --org was given");
    s_sink_free(&sink);

    /* a labelled title cell names it */
    csv = "编制单位：永州市财政局   期间：2022年,,,,单位：元\n"
          "日期,凭证号,摘要,借方,贷方\n2022-01-05,记-1,x,1,\n";
    r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_string_equal(sink.lines[0].text[VOUCH_T_ORG], "永州市财政局");
    s_sink_free(&sink);

    /* an org column with a blank cell and nothing to fall back on */
    csv = "单位,日期,凭证号,借方,贷方\n某局,2022-01-05,1,1,\n,2022-01-05,1,,1\n";
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:3: column 单位: blank unit and no --org was given");
    s_sink_free(&sink);
}

static void test_missing_columns(void **state)
{
    (void)state;
    s_sink_t sink = {0};
    s_result_t r = s_run_text("单位,凭证号,摘要,借方\n某局,1,x,1\n", NULL, &sink);
    s_refused_with(&r, "ledger.csv:1: no voucher date column (凭证日期)");
    r = s_run_text("单位,日期,摘要,借方\n某局,2022-01-01,x,1\n", NULL, &sink);
    s_refused_with(&r, "ledger.csv:1: no voucher number column (凭证号)");
    r = s_run_text("单位,日期,凭证号,摘要,金额\n某局,2022-01-01,1,x,1\n", NULL, &sink);
    s_refused_with(&r, "ledger.csv:1: no amount columns (借方金额 and 贷方金额, or 方向 and 金额)");
    r = s_run_text("a,b,c\n1,2,3\n", NULL, &sink);
    s_refused_with(&r, "ledger.csv: no header row: no row among the first 20 names at least "
                       "three known columns");
    r = s_run_text("", NULL, &sink);
    s_refused_with(&r, "ledger.csv: no header row: no row among the first 20 names at least "
                       "three known columns");
    r = s_run_text("单位,日期,凭证号,借方,贷方\n", NULL, &sink);
    s_refused_with(&r, "ledger.csv: no voucher lines after the header");
    r = s_run_text("单位,日期,凭证号,摘要,借方,贷方\n某局,,,合计,1,1\n", NULL, &sink);
    s_refused_with(&r, "ledger.csv: no voucher lines after the header");
    assert_int_equal(sink.n, 0);

    /* the header must be among the first 20 records */
    vouch_buf_t b;
    vouch_buf_init(&b);
    for (int i = 0; i < 20; i++)
        vouch_buf_printf(&b, "title %d,,\n", i);
    vouch_buf_puts(&b, "单位,日期,凭证号,借方,贷方\n某局,2022-01-01,1,1,\n");
    r = s_run(b.data, b.len, 0, NULL, &sink);
    s_refused_with(&r, "ledger.csv: no header row: no row among the first 20 names at least "
                       "three known columns");
    vouch_buf_free(&b);
    s_sink_free(&sink);
}

static void test_not_utf8(void **state)
{
    (void)state;
    /* a UTF-8 file with 办公费 pasted in as GBK (B0 EC B9 AB B7 D1): the rest
     * reads as UTF-8, so the file is UTF-8 and that cell is refused */
    const char *csv = "单位,日期,凭证号,摘要,借方,贷方\n"
                      "某局,2022-01-05,记-1,ok,1,\n"
                      "某局,2022-01-05,记-1,\xb0\xec\xb9\xab\xb7\xd1,,1\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:3: column 摘要: not UTF-8 text (bytes b0 ec b9 ab)");
    assert_string_equal(r.stats.encoding, "UTF-8");
    s_sink_free(&sink);

    /* a whole GBK file is GB18030 and reads: 单位,日期,凭证号,借方,贷方 / 某局,... */
    const char *gbk = "\xb5\xa5\xce\xbb,\xc8\xd5\xc6\xda,\xc6\xbe\xd6\xa4\xba\xc5,"
                      "\xbd\xe8\xb7\xbd,\xb4\xfb\xb7\xbd\n"
                      "\xc4\xb3\xbe\xd6,2022-01-05,1,1,\n";
    r = s_run_text(gbk, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.stats.encoding, "GB18030");
    assert_string_equal(sink.lines[0].text[VOUCH_T_ORG], "某局");
    s_sink_free(&sink);

    /* a NUL byte */
    static const char nul[] = "单位,日期,凭证号,借方,贷方\n某局,2022-01-05,1,1\0,\n";
    r = s_run(nul, sizeof nul - 1, 0, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 借方: NUL byte in the text");
    s_sink_free(&sink);
}

static void test_bad_quoting(void **state)
{
    (void)state;
    s_sink_t sink = {0};
    const char *csv = "单位,日期,凭证号,摘要,借方,贷方\n"
                      "某局,2022-01-05,记-1,x,1,\n"
                      "某局,2022-01-05,记-1,\"支付\n"
                      "办公费,,1\n";
    s_result_t r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:3: column 摘要: unterminated quoted field");
    s_sink_free(&sink);

    csv = "单位,日期,凭证号,摘要,借方,贷方\n"
          "某局,2022-01-05,记-1,买\"好\"纸,1,\n";
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 摘要: a quote inside an unquoted field, or text "
                       "after a closing quote");
    s_sink_free(&sink);

    /* a runaway quote in a big file stops at the field limit, pointing at it */
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_buf_puts(&b, "单位,日期,凭证号,摘要,借方,贷方\n某局,2022-01-05,记-1,\"runaway,1,\n");
    for (int i = 0; i < 3000; i++)
        vouch_buf_puts(&b, "某局,2022-01-05,记-1,一行正常的摘要文字,1,\n");
    r = s_run(b.data, b.len, 4096, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 摘要: field longer than 65536 bytes (a quoted "
                       "field opened on line 2 never closes?)");
    vouch_buf_free(&b);
    s_sink_free(&sink);
}

static void test_limits(void **state)
{
    (void)state;
    s_sink_t sink = {0};
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_buf_puts(&b, "单位,日期,凭证号,摘要,借方,贷方\n某局,2022-01-05,1,");
    for (int i = 0; i < 200; i++)
        vouch_buf_puts(&b, "long");
    vouch_buf_puts(&b, ",1,\n");

    vouch_csv_import_opts_t o = {.file_name = "big.csv", .max_field_bytes = 100};
    s_result_t r = s_run(b.data, b.len, 0, &o, &sink);
    s_refused_with(&r, "big.csv:2: column 摘要: field longer than 100 bytes");
    r = s_run(b.data, b.len, 3, &o, &sink);
    s_refused_with(&r, "big.csv:2: column 摘要: field longer than 100 bytes");

    vouch_csv_import_opts_t o2 = {.file_name = "big.csv", .max_line_bytes = 500};
    r = s_run(b.data, b.len, 0, &o2, &sink);
    s_refused_with(&r, "big.csv:2: column 摘要: line longer than 500 bytes");
    vouch_buf_free(&b);
    assert_int_equal(sink.n, 0);

    const char *csv = "单位,日期,凭证号,借方,贷方\n"
                      "某局,2022-01-05,1,1,\n某局,2022-01-05,1,,1\n某局,2022-01-06,2,1,\n";
    vouch_csv_import_opts_t o3 = {.file_name = "n.csv", .max_lines = 2};
    r = s_run_text(csv, &o3, &sink);
    s_refused_with(&r, "n.csv:4: more than 2 lines");
    assert_int_equal(sink.n, 2);
    s_sink_free(&sink);

    /* the handler says stop */
    sink.stop_at = 2;
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:3: storage refused the line");
    assert_int_equal(r.stats.lines, 1);
    s_sink_free(&sink);
}

static void test_attachments(void **state)
{
    (void)state;
    const char *csv = "单位,日期,凭证号,借方,贷方,附件数\n"
                      "某局,2022-01-05,1,1,,03\n"
                      "某局,2022-01-05,1,,1,\n"
                      "某局,2022-01-05,2,1,,2.0\n"
                      "某局,2022-01-05,2,,1,0\n";
    s_sink_t sink = {0};
    s_result_t r = s_run_text(csv, NULL, &sink);
    assert_int_equal(r.rc, 0);
    assert_int_equal(sink.lines[0].line.attachments, 3);
    assert_int_equal(sink.lines[1].line.attachments, VOUCH_ATTACH_UNKNOWN);
    assert_int_equal(sink.lines[2].line.attachments, 2);
    assert_int_equal(sink.lines[3].line.attachments, 0);
    s_sink_free(&sink);

    csv = "单位,日期,凭证号,借方,贷方,附件数\n某局,2022-01-05,1,1,,-1\n";
    r = s_run_text(csv, NULL, &sink);
    s_refused_with(&r, "ledger.csv:2: column 附件数: \"-1\" is not an attachment count");
    s_sink_free(&sink);
}

/* ---------------------------------------------------------------------------
 * Fuzz: mutated seed ledgers never crash, and a refusal always says why */

static uint64_t s_rng = 0x9e3779b97f4a7c15ull;

static uint64_t s_next(void)
{
    s_rng ^= s_rng << 13;
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return s_rng;
}

/* The window re-encoded as exports arrive: UTF-8 as is, or with a BOM,
 * GB18030, UTF-16LE with or without its BOM. */
static const char *s_reencode(vouch_buf_t *b, int how)
{
    static const char *const names[] = {"UTF-8", "UTF-8 (BOM)", "GB18030", "UTF-16LE",
                                        "UTF-16LE (no BOM)"};
    if (how == 0 || b->len == 0)
        return names[0];
    vouch_buf_t out;
    vouch_buf_init(&out);
    if (how == 1)
        vouch_buf_append(&out, "\xef\xbb\xbf", 3);
    if (how == 3)
        vouch_buf_append(&out, "\xff\xfe", 2);
    if (how >= 2) {
        iconv_t cd = iconv_open(how == 2 ? "GB18030" : "UTF-16LE", "UTF-8");
        assert_true(cd != (iconv_t)-1);
        vouch_buf_reserve(&out, b->len * 2 + 16);
        char *in = b->data, *o = out.data + out.len;
        size_t left = b->len, room = out.cap - out.len - 1;
        assert_int_not_equal(iconv(cd, &in, &left, &o, &room), (size_t)-1);
        iconv_close(cd);
        out.len = (size_t)(o - out.data);
    } else {
        vouch_buf_append(&out, b->data, b->len);
    }
    vouch_buf_free(b);
    *b = out;
    return names[how];
}

static void test_fuzz(void **state)
{
    (void)state;
    /* the seed, and exports with auxiliary items, code/name pairs, 月 and 日,
     * 方向 and triples (their BOM taken off: s_reencode adds its own) */
    static const char *const files[] = {SEED, CSV_DIR "nc-voucher-detail-2022.csv",
                                        CSV_DIR "k3-voucher.txt", CSV_DIR "eas-voucher.csv"};
    char *srcs[4];
    size_t lens[4];
    for (int f = 0; f < 4; f++) {
        srcs[f] = s_slurp(files[f], &lens[f]);
        if (lens[f] >= 3 && memcmp(srcs[f], "\xef\xbb\xbf", 3) == 0) {
            memmove(srcs[f], srcs[f] + 3, lens[f] - 3);
            lens[f] -= 3;
        }
    }
    int per_encoding[5][2] = {{0}};
    static const char inserts[] = {'"', ',', '\n', '\r', '\0', '\xff', '\xe6', ' ', '\t', ';'};
    vouch_buf_t b;
    vouch_buf_init(&b);
    int ok = 0, refused = 0;
    for (int iter = 0; iter < 5000; iter++) {
        /* a window of whole lines of a source (the seed three times in
         * four), mostly from its header on */
        int src = iter % 4 == 3 ? 1 + (int)(s_next() % 3) : 0;
        const char *seed = srcs[src];
        size_t len = lens[src];
        size_t start = 0;
        if (s_next() % 4 == 0) {
            start = s_next() % len;
            while (start > 0 && seed[start - 1] != '\n')
                start--;
        }
        size_t end = start + 1 + s_next() % (iter % 10 == 0 ? len : 3000);
        if (end > len)
            end = len;
        while (end < len && seed[end - 1] != '\n')
            end++;
        vouch_buf_reset(&b);
        vouch_buf_append(&b, seed + start, end - start);
        int how = (int)(s_next() % 5);
        const char *encoding = s_reencode(&b, how);
        int mutations = (int)(s_next() % 5);
        for (int m = 0; m < mutations && b.len > 0; m++) {
            size_t at = s_next() % b.len;
            switch (s_next() % 6) {
            case 0: /* any byte at all */
                b.data[at] = (char)s_next();
                break;
            case 1: /* an ASCII byte: the text stays UTF-8 only if at was ASCII */
                b.data[at] = (char)(0x20 + s_next() % 0x5f);
                break;
            case 2: { /* insert a troublesome byte */
                char c = inserts[s_next() % sizeof inserts];
                vouch_buf_putc(&b, 0);
                memmove(b.data + at + 1, b.data + at, b.len - at - 1);
                b.data[at] = c;
                break;
            }
            case 3: { /* delete a run */
                size_t k = s_next() % 64;
                if (at + k > b.len)
                    k = b.len - at;
                memmove(b.data + at, b.data + at + k, b.len - at - k);
                b.len -= k;
                break;
            }
            case 4: { /* duplicate a run at the end */
                size_t k = s_next() % 200;
                if (at + k > b.len)
                    k = b.len - at;
                char *copy = vouch_strndup(b.data + at, k);
                vouch_buf_append(&b, copy, k);
                free(copy);
                break;
            }
            default: /* truncate */
                b.len = at;
                break;
            }
        }
        vouch_csv_import_opts_t o = {.file_name = "fuzz.csv"};
        if (iter % 7 == 0) {
            o.max_field_bytes = 1 + s_next() % 64;
            o.max_line_bytes = 1 + s_next() % 512;
            o.max_lines = (long)(s_next() % 5);
        }
        if (iter % 3 == 0)
            o.org_override = "某局";
        s_sink_t sink = {0};
        size_t chunk = iter % 2 ? 1 + s_next() % 17 : 0;
        s_result_t r = s_run(b.data ? b.data : "", b.len, chunk, &o, &sink);
        per_encoding[how][r.rc != 0]++;
        if (r.rc == 0) {
            ok++;
            /* a mutation may hit the BOM or the NUL bytes that tell UTF-16 */
            if (mutations == 0)
                assert_string_equal(r.stats.encoding, encoding);
            assert_true(sink.n > 0);
            for (size_t i = 0; i < sink.n; i++) {
                assert_int_not_equal(sink.lines[i].line.voucher_date, VOUCH_DATE_NONE);
                assert_true(sink.lines[i].line.period >= 1 && sink.lines[i].line.period <= 16);
                assert_true(sink.lines[i].line.line_no >= 1);
                assert_true(sink.lines[i].extra[0] == '{');
            }
        } else {
            refused++;
            assert_int_equal(r.rc, -1);
            assert_true(r.err.text[0] != '\0');
            assert_string_equal(r.err.file, "fuzz.csv");
        }
        s_sink_free(&sink);
    }
    print_message("fuzz: %d inputs read, %d refused\n", ok, refused);
    /* both outcomes happen, or the fuzz is not reaching anything; and every
     * encoding has files that read */
    assert_true(ok > 100);
    assert_true(refused > 100);
    for (int e = 0; e < 5; e++)
        assert_true(per_encoding[e][0] > 20);
    vouch_buf_free(&b);
    for (int f = 0; f < 4; f++)
        free(srcs[f]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_ledger),
        cmocka_unit_test(test_seed_ledger_in_chunks),
        cmocka_unit_test(test_seed_ledger_bom_line_ends),
        cmocka_unit_test(test_title_rows_before_header),
        cmocka_unit_test(test_summary_rows_dropped),
        cmocka_unit_test(test_direction_and_amount),
        cmocka_unit_test(test_word_and_number_columns),
        cmocka_unit_test(test_code_and_name_cells),
        cmocka_unit_test(test_counterparty_extra_and_duplicates),
        cmocka_unit_test(test_full_width_and_quoted_newline),
        cmocka_unit_test(test_row_split_across_chunks),
        cmocka_unit_test(test_delimiters),
        cmocka_unit_test(test_header_field_mapping),
        cmocka_unit_test(test_bad_amount),
        cmocka_unit_test(test_bad_dates),
        cmocka_unit_test(test_missing_org),
        cmocka_unit_test(test_missing_columns),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_bad_quoting),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_attachments),
        cmocka_unit_test(test_seed_encodings),
        cmocka_unit_test(test_u8_import_template),
        cmocka_unit_test(test_nc_bracket_items),
        cmocka_unit_test(test_k3_dash_items),
        cmocka_unit_test(test_eas_direction_and_triples),
        cmocka_unit_test(test_gb18030_journal),
        cmocka_unit_test(test_broken_fixtures),
        cmocka_unit_test(test_aux_cells),
        cmocka_unit_test(test_paired_columns),
        cmocka_unit_test(test_column_rank),
        cmocka_unit_test(test_delimiter_consistency),
        cmocka_unit_test(test_other_encodings),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
