/* bench_wire.c: the batch payload encoding, measured: vouch's compact binary
 * form against one JSON object per line (jansson), both encoded by vouchd and
 * decoded by a worker. Prints medians over runs and the ratio; checks that
 * both round-trip the same lines. Usage: bench_wire [LINES] [RUNS] */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "wire.h"

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const char *const s_samples[VOUCH_T_COUNT] = {"永州市人力资源和社会保障局",
                                                     "记",
                                                     "记-29",
                                                     "1",
                                                     "就业宣传合作经费",
                                                     "5001",
                                                     "业务活动费用",
                                                     "2080101",
                                                     "30227",
                                                     "委托业务费",
                                                     "就业促进与失业保险科",
                                                     "",
                                                     "",
                                                     "永州日报社",
                                                     "43005444863668968240",
                                                     "银行转账",
                                                     "",
                                                     "YZRS-2021-018",
                                                     "",
                                                     "2022-03-20",
                                                     "张会计",
                                                     "",
                                                     "王复核"};

static void s_make(vouch_line_t *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        vouch_line_t *l = &lines[i];
        memset(l, 0, sizeof *l);
        l->seq = (int64_t)i + 1;
        l->debit = 83500000 + (int64_t)i;
        l->file_line = (int32_t)i + 2;
        l->voucher_date = 19076;
        l->business_date = 18840;
        l->approval_date = 18946;
        l->voucher_no = 29 + (int32_t)(i / 2);
        l->line_no = 1 + (int32_t)(i % 2);
        l->attachments = 4;
        l->fiscal_year = 2022;
        l->period = 3;
        for (int t = 0; t < VOUCH_T_COUNT; t++)
            l->text[t] = s_samples[t];
    }
}

static size_t s_binary(const vouch_line_t *lines, size_t n, int64_t *check)
{
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_wire_lines_encode(&b, lines, n);
    vouch_line_t *out;
    size_t m;
    vouch_error_t err;
    if (vouch_wire_lines_decode(b.data, b.len, &out, &m, &err) != 0 || m != n) {
        fprintf(stderr, "decode failed: %s\n", err.text);
        exit(1);
    }
    for (size_t i = 0; i < m; i++)
        *check += out[i].debit + (int64_t)strlen(out[i].text[VOUCH_T_SUMMARY]);
    size_t size = b.len;
    free(out);
    vouch_buf_free(&b);
    return size;
}

static size_t s_json(const vouch_line_t *lines, size_t n, int64_t *check)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const vouch_line_t *l = &lines[i];
        json_t *o = json_pack("{s:I, s:I, s:I, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "seq",
                              (json_int_t)l->seq, "debit", (json_int_t)l->debit, "credit",
                              (json_int_t)l->credit, "file_line", l->file_line, "voucher_date",
                              l->voucher_date, "business_date", l->business_date, "approval_date",
                              l->approval_date, "voucher_no", l->voucher_no, "line_no", l->line_no,
                              "attachments", l->attachments, "fiscal_year", l->fiscal_year,
                              "period", l->period);
        for (int t = 0; t < VOUCH_T_COUNT; t++)
            json_object_set_new(o, vouch_text_field_names[t], json_string(l->text[t]));
        json_array_append_new(a, o);
    }
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    size_t size = strlen(text);
    json_t *back = json_loads(text, 0, NULL);
    free(text);
    size_t i;
    json_t *o;
    json_array_foreach(back, i, o)
    {
        *check += json_integer_value(json_object_get(o, "debit")) +
                  (int64_t)strlen(json_string_value(json_object_get(o, "summary")));
    }
    json_decref(back);
    return size;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 20000;
    int runs = argc > 2 ? atoi(argv[2]) : 7;
    if (n < 1 || runs < 1)
        return 2;
    vouch_line_t *lines = vouch_calloc(n, sizeof *lines);
    s_make(lines, n);
    double *tb = vouch_calloc((size_t)runs, sizeof(double));
    double *tj = vouch_calloc((size_t)runs, sizeof(double));
    int64_t cb = 0, cj = 0;
    size_t sb = 0, sj = 0;
    for (int r = 0; r < runs; r++) {
        /* alternate, so that drift on a shared machine hits both alike */
        double t0 = s_now();
        sb = s_binary(lines, n, &cb);
        double t1 = s_now();
        sj = s_json(lines, n, &cj);
        double t2 = s_now();
        tb[r] = (t1 - t0) * 1e6 / (double)n;
        tj[r] = (t2 - t1) * 1e6 / (double)n;
    }
    if (cb != cj) {
        fprintf(stderr, "the two encodings disagree\n");
        return 1;
    }
    qsort(tb, (size_t)runs, sizeof(double), s_cmp);
    qsort(tj, (size_t)runs, sizeof(double), s_cmp);
    double mb = tb[runs / 2], mj = tj[runs / 2];
    printf("batch encoding, %zu lines, median of %d runs (encode + decode, CPU per line)\n", n,
           runs);
    printf("  compact binary : %7.3f us/line  %6.1f bytes/line\n", mb, (double)sb / (double)n);
    printf("  JSON (jansson) : %7.3f us/line  %6.1f bytes/line\n", mj, (double)sj / (double)n);
    printf("  JSON / binary  : %7.1fx time, %.2fx size\n", mj / mb, (double)sj / (double)sb);
    free(tb);
    free(tj);
    free(lines);
    return 0;
}
