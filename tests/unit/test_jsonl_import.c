/* test_jsonl_import.c: JSON Lines vouchers: the seed case whole and in any
 * chunking, documents normalised onto the voucher's first line, bare-number
 * amounts, and refusals that name the line and the field's path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "import.h"
#include "jsonl_import.h"

typedef struct {
    long n;
    int64_t debit, credit;
    vouch_buf_t digest; /* every field of every line, to compare runs */
    char docs_11[512];  /* documents of 记-11 */
    char src_first[16];
} s_sink_t;

static int s_collect(void *arg, const vouch_line_t *l, const char *extra, vouch_error_t *err)
{
    (void)err;
    s_sink_t *s = arg;
    s->n++;
    s->debit += l->debit;
    s->credit += l->credit;
    vouch_buf_printf(&s->digest, "%lld|%lld|%lld|%d|%d|%d|%d|%d|%d|%d|%d|%s", (long long)l->seq,
                     (long long)l->debit, (long long)l->credit, l->voucher_date, l->business_date,
                     l->approval_date, l->voucher_no, l->line_no, l->attachments, l->period,
                     l->file_line, extra);
    for (int t = 0; t < VOUCH_T_COUNT; t++)
        vouch_buf_printf(&s->digest, "|%s", l->text[t]);
    vouch_buf_putc(&s->digest, '\n');
    if (l->voucher_no == 11 && l->period == 2 && l->line_no == 1)
        snprintf(s->docs_11, sizeof s->docs_11, "%s", l->text[VOUCH_T_DOCUMENTS]);
    if (l->seq == 1)
        snprintf(s->src_first, sizeof s->src_first, "%s", l->text[VOUCH_T_SRC_LINE_NO]);
    return 0;
}

static char *s_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    vouch_buf_t b;
    vouch_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        vouch_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data;
}

/* feed data in chunks of size step; 0 or -1 with err */
static int s_read(const char *data, size_t len, size_t step, s_sink_t *sink, vouch_error_t *err,
                  const char *org)
{
    vouch_csv_import_opts_t opts = {.file_name = "t.jsonl", .org_override = org};
    vouch_jsonl_import_t *r = vouch_jsonl_import_new(&opts, s_collect, sink);
    int rc = 0;
    for (size_t off = 0; off < len && rc == 0; off += step)
        rc = vouch_jsonl_import_feed(r, data + off, len - off < step ? len - off : step, err);
    if (rc == 0)
        rc = vouch_jsonl_import_finish(r, err);
    vouch_jsonl_import_destroy(&r);
    return rc;
}

static void test_seed_case(void **state)
{
    (void)state;
    size_t len;
    char *data = s_slurp(VOUCH_FIXTURES "/seed-case/ledger-2022.jsonl", &len);
    assert_int_equal(vouch_import_sniff(data, len), VOUCH_IMPORT_JSONL);
    s_sink_t whole = {0};
    vouch_buf_init(&whole.digest);
    vouch_error_t err;
    vouch_error_clear(&err);
    assert_int_equal(s_read(data, len, len, &whole, &err, NULL), 0);
    assert_int_equal(whole.n, 200);
    assert_int_equal(whole.debit, whole.credit);
    assert_string_equal(whole.src_first, "1");
    /* 记-11's e-mall contract and acceptance note are unsigned: kept as given */
    json_t *docs = json_loads(whole.docs_11, 0, NULL);
    assert_non_null(docs);
    assert_int_equal(json_array_size(docs), 3);
    json_t *contract = json_array_get(docs, 0);
    assert_string_equal(json_string_value(json_object_get(contract, "kind")), "合同");
    assert_string_equal(json_string_value(json_object_get(contract, "number")), "DZMC-2022-0131");
    assert_string_equal(json_string_value(json_object_get(contract, "date")), "2022-02-14");
    assert_true(json_is_false(json_object_get(contract, "signed")));
    assert_true(json_is_null(json_object_get(json_array_get(docs, 1), "number")));
    json_decref(docs);
    /* any chunking gives the same lines */
    size_t steps[] = {1, 2, 7, 13, 4096};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        s_sink_t part = {0};
        vouch_buf_init(&part.digest);
        assert_int_equal(s_read(data, len, steps[i], &part, &err, NULL), 0);
        assert_int_equal(part.digest.len, whole.digest.len);
        assert_memory_equal(part.digest.data, whole.digest.data, whole.digest.len);
        vouch_buf_free(&part.digest);
    }
    vouch_buf_free(&whole.digest);
    free(data);
}

static void test_shapes(void **state)
{
    (void)state;
    /* BOM, CRLF, blank lines, bare numbers, a word column, a period, arrays
     * of document dates, unknown keys kept, org from --org */
    const char *text =
        "\xEF\xBB\xBF{\"voucher_date\":\"2022/4/5\",\"voucher_no\":\"0007\",\"voucher_word\":"
        "\"银付\",\"period\":13,\"batch\":\"A\",\"lines\":[{\"line_no\":0,\"summary\":\"办公费\","
        "\"account_code\":5001,\"econ_code\":\"30201\",\"debit\":4000.5,\"document_dates\":"
        "[\"2022-01-02\",\"2021-12-31\"],\"attachments\":\"3\",\"note\":\"x\",\"preparer\":"
        "\"李会计\",\"reviewer\":\"王 复核\"},{\"line_no\":1,"
        "\"account_code\":\"1011\",\"credit\":\"4,000.50\"}]}\r\n\r\n";
    s_sink_t s = {0};
    vouch_buf_init(&s.digest);
    vouch_error_t err;
    vouch_error_clear(&err);
    assert_int_equal(s_read(text, strlen(text), 5, &s, &err, "某局"), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.debit, 400050);
    assert_int_equal(s.credit, 400050);
    assert_non_null(strstr(s.digest.data, "|某局|银付|"));
    assert_non_null(strstr(s.digest.data, "2022-01-02;2021-12-31"));
    assert_non_null(strstr(s.digest.data, "\"batch\":\"A\""));
    assert_non_null(strstr(s.digest.data, "\"note\":\"x\""));
    assert_non_null(strstr(s.digest.data, "|13|")); /* the adjustment period */
    /* 审核人 last of the text fields, as written (rules fold it) */
    assert_non_null(strstr(s.digest.data, "|李会计||王 复核\n"));
    assert_string_equal(s.src_first, "0"); /* the file's own number, kept */
    vouch_buf_free(&s.digest);
}

static void s_refused(const char *text, long line, const char *column, const char *reason)
{
    s_sink_t s = {0};
    vouch_buf_init(&s.digest);
    vouch_error_t err;
    vouch_error_clear(&err);
    assert_int_equal(s_read(text, strlen(text), 3, &s, &err, NULL), -1);
    assert_string_equal(err.file, "t.jsonl");
    assert_int_equal(err.line, line);
    assert_string_equal(err.column, column);
    if (!strstr(err.text, reason))
        fail_msg("\"%s\" does not say \"%s\"", err.text, reason);
    vouch_buf_free(&s.digest);
}

#define S_OK_VOUCHER                                                                               \
    "{\"org\":\"某局\",\"voucher_date\":\"2022-04-05\",\"voucher_no\":\"记-1\",\"lines\":"      \
    "[{\"debit\":\"1.00\"},{\"credit\":\"1.00\"}]}\n"

static void test_refusals(void **state)
{
    (void)state;
    s_refused(S_OK_VOUCHER
              "{\"org\":\"某局\",\"voucher_date\":\"2022-04-05\",\"voucher_no\":"
              "\"记-2\",\"lines\":[{\"debit\":\"1.00\"},{\"credit\":\"12,3a4.00\"}]}\n",
              2, "lines[1].credit", "\"12,3a4.00\" is not an amount");
    s_refused(S_OK_VOUCHER S_OK_VOUCHER "{\"org\":\"某局\",\"voucher_date\":\"2022-13-05\"}\n", 3,
              "voucher_date", "\"2022-13-05\" is not a date");
    s_refused("{\"org\":\"某局\",\"voucher_no\":\"记-1\",\"lines\":[]}\n", 1, "voucher_date",
              "missing");
    s_refused("{\"voucher_date\":\"2022-04-05\",\"voucher_no\":\"记-1\",\"lines\":[{}]}\n", 1,
              "org", "no unit");
    s_refused(S_OK_VOUCHER "{\"org\": \"某局\", oops}\n", 2, "character 18", "not a JSON voucher");
    s_refused(
        "{\"org\":\"某局\",\"voucher_date\":\"2022-04-05\",\"voucher_no\":\"记-1\","
        "\"lines\":[{\"debit\":\"1\"}],\"documents\":[{\"kind\":\"发票\",\"date\":\"去年\"}]}\n",
        1, "documents[0].date", "is not a date");
    s_refused("{\"org\":\"某局\",\"voucher_date\":\"2022-04-05\",\"voucher_no\":\"记-1\","
              "\"lines\":[{\"debit\":{\"v\":1}}]}\n",
              1, "lines[0].debit", "expected an amount");
    s_refused("{\"org\":\"\xff\"}\n", 1, "character 8", "not a JSON voucher");
    s_refused("\n\n", 1, "", "no vouchers");
    s_refused("[1,2]\n", 1, "", "one voucher as a JSON object");
}

static void test_limits_and_fuzz(void **state)
{
    (void)state;
    /* an over-long line is refused before it is held whole */
    vouch_csv_import_opts_t opts = {.file_name = "t.jsonl", .max_line_bytes = 64};
    s_sink_t s = {0};
    vouch_buf_init(&s.digest);
    vouch_jsonl_import_t *r = vouch_jsonl_import_new(&opts, s_collect, &s);
    vouch_error_t err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_jsonl_import_feed(r, S_OK_VOUCHER, strlen(S_OK_VOUCHER), &err), -1);
    assert_non_null(strstr(err.text, "line longer than 64 bytes"));
    vouch_jsonl_import_destroy(&r);

    /* mutations of the seed: read or refused with a reason, never a crash */
    size_t len;
    char *seed = s_slurp(VOUCH_FIXTURES "/seed-case/ledger-2022.jsonl", &len);
    size_t piece = len > 6000 ? 6000 : len;
    char *buf = vouch_malloc(piece);
    srand(11);
    for (int round = 0; round < 1500; round++) {
        memcpy(buf, seed + (size_t)rand() % (len - piece + 1), piece);
        int flips = 1 + rand() % 8;
        for (int k = 0; k < flips; k++)
            buf[(size_t)rand() % piece] = (char)(rand() % 256);
        vouch_buf_reset(&s.digest);
        vouch_error_clear(&err);
        if (s_read(buf, piece, 1 + (size_t)rand() % 300, &s, &err, "某局") != 0)
            assert_true(err.text[0] != '\0');
    }
    free(buf);
    free(seed);
    vouch_buf_free(&s.digest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_case),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_limits_and_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
