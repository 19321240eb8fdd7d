/* fuzz_csv_import.c: libFuzzer target for the export readers (built twice:
 * fuzz_csv_import, and fuzz_jsonl_import with VOUCH_FUZZ_JSONL, which always
 * reads JSON Lines). The input is
 * fed in chunks whose sizes the first bytes choose, so a character, a quote
 * or a row split anywhere is tried; every line that comes out is checked
 * against the contract of csv_import.h and voucher.h. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_import.h"
#include "date.h"
#include "import.h"
#include "text.h"

/* The first S_HEAD bytes steer, the rest is the file:
 *   [0] options: bit 0 --org given; bit 1 small limits (64-byte fields,
 *       256-byte lines, 5 lines); bit 2 the front door vouchd uses
 *       (vouch_import: sniffs JSON Lines) rather than the CSV reader; bit 3
 *       the callback stops the reader at the line [1] names
 *   [1] chunk sizes: low 3 bits pick the largest chunk, the rest seed them
 *   [2] more seed */
#define S_HEAD 3

/* A broken contract: say which and crash, so libFuzzer keeps the input. */
#define S_CHECK(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_csv_import: contract broken: %s (%s:%d)\n", #cond, __FILE__,     \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

typedef struct {
    long lines;
    long stop_at; /* 0: never stop */
    int64_t last_seq;
} s_state_t;

static int s_on_line(void *arg, const vouch_line_t *l, const char *extra_json, vouch_error_t *err)
{
    s_state_t *st = arg;
    st->lines++;
    for (int t = 0; t < VOUCH_T_COUNT; t++) {
        S_CHECK(l->text[t] != NULL);
        /* everything inside is UTF-8: the reader converts at the edge */
        S_CHECK(vouch_text_valid_utf8(l->text[t], strlen(l->text[t])));
        /* a cell of white space alone is blank: the rules fold text and
         * count on it (fuzz_wire's filters say why) */
        if (l->text[t][0] && t != VOUCH_T_DOCUMENTS) {
            char *folded = vouch_text_fold(l->text[t]);
            S_CHECK(folded && folded[0]);
            free(folded);
        }
    }
    S_CHECK(l->voucher_date != VOUCH_DATE_NONE);
    S_CHECK(l->period >= 1 && l->period <= 16);
    S_CHECK(l->line_no >= 1);
    S_CHECK(l->seq > st->last_seq);
    st->last_seq = l->seq;
    S_CHECK(extra_json != NULL);
    json_error_t jerr;
    json_t *extra = json_loads(extra_json, 0, &jerr);
    S_CHECK(json_is_object(extra));
    json_decref(extra);
    if (st->stop_at && st->lines == st->stop_at) {
        vouch_error_set(err, "stopped by the fuzzer");
        return -1;
    }
    return 0;
}

/* xorshift: chunk sizes from the seed bytes, the same for the same input */
static uint32_t s_next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < S_HEAD)
        return 0;
    uint8_t opt = data[0];
    static const size_t largest[] = {1, 2, 3, 7, 64, 1000, 4096, 65536};
    size_t max_chunk = largest[data[1] & 7];
    uint32_t seed = ((uint32_t)data[1] << 8 | data[2]) + 1;
    const char *file = (const char *)data + S_HEAD;
    size_t len = size - S_HEAD;

    vouch_csv_import_opts_t opts = {.file_name = "fuzz.csv"};
    if (opt & 1)
        opts.org_override = "某单位";
    if (opt & 2) {
        opts.max_field_bytes = 64;
        opts.max_line_bytes = 256;
        opts.max_lines = 5;
    }
    s_state_t st = {.stop_at = (opt & 8) ? (data[1] % 7) + 1 : 0};
#ifdef VOUCH_FUZZ_JSONL
    bool front_door = true;
    vouch_import_kind_t kind = VOUCH_IMPORT_JSONL;
#else
    bool front_door = opt & 4;
    vouch_import_kind_t kind = vouch_import_sniff(file, len < 65536 ? len : 65536);
    /* a workbook is read by path (fuzzed through the sheet fixtures' tests) */
    if (kind == VOUCH_IMPORT_XLSX || kind == VOUCH_IMPORT_XLS)
        kind = VOUCH_IMPORT_CSV;
#endif
    vouch_csv_import_t *csv = NULL;
    vouch_import_t *imp = NULL;
    if (front_door)
        imp = vouch_import_new(kind, &opts, s_on_line, &st);
    else
        csv = vouch_csv_import_new(&opts, s_on_line, &st);

    vouch_error_t err;
    vouch_error_clear(&err);
    int rc = 0;
    size_t at = 0;
    while (rc == 0 && at < len) {
        size_t n = 1 + s_next(&seed) % max_chunk;
        if (n > len - at)
            n = len - at;
        /* each chunk in a block of its own size, so a read past its end is caught */
        char *chunk = malloc(n);
        memcpy(chunk, file + at, n);
        rc = front_door ? vouch_import_feed(imp, chunk, n, &err)
                        : vouch_csv_import_feed(csv, chunk, n, &err);
        free(chunk);
        at += n;
    }
    if (rc == 0)
        rc = front_door ? vouch_import_finish(imp, &err) : vouch_csv_import_finish(csv, &err);

    const vouch_csv_import_stats_t *stats =
        front_door ? vouch_import_stats(imp) : vouch_csv_import_stats(csv);
    uint64_t fields = front_door ? vouch_import_fields(imp) : vouch_csv_import_fields(csv);
    /* whether the line the callback refused counts is the reader's business */
    if (!st.stop_at || st.lines < st.stop_at)
        S_CHECK(stats->lines == st.lines);
    if (rc == 0) {
        /* a file that reads has lines, and they have what every line needs */
        S_CHECK(st.lines > 0);
        S_CHECK(fields & (1ull << VOUCH_F_VOUCHER_DATE));
    } else {
        /* a refusal always says why */
        S_CHECK(err.text[0] != '\0');
        S_CHECK(vouch_text_valid_utf8(err.column, strlen(err.column)));
        char text[1024];
        vouch_error_format(&err, text, sizeof text);
    }
    if (opts.max_lines)
        S_CHECK(st.lines <= opts.max_lines);

    vouch_import_destroy(&imp);
    vouch_csv_import_destroy(&csv);
    return 0;
}
