/* fuzz_wire.c: libFuzzer target for what vouch receives on ZeroMQ: the batch
 * encoding (vouch_wire_lines_decode, then the rules a worker runs on what it
 * decoded) and whole messages through vouch_wire_recv on a real socket, with
 * the header and findings handling vouchd and the workers apply after it. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "alloc.h"
#include "date.h"
#include "policy.h"
#include "rules.h"
#include "text.h"
#include "wire.h"

/* Input: [0] mode (even: a batch payload, odd: a message), then
 *   batch:   the payload bytes
 *   message: [1] flags (bit 0: read as a ROUTER would, first frame the
 *            sender's id), then frames, each a little-endian u16 length and
 *            its bytes; a length past the end takes what is left */
#define S_MAX_FRAMES 6

#define S_CHECK(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_wire: contract broken: %s (%s:%d)\n", #cond, __FILE__,           \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static vouch_policy_t *s_policy;
static void *s_ctx, *s_in, *s_out;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    vouch_error_t err;
    vouch_error_clear(&err);
    s_policy =
        vouch_policy_new_from_file(VOUCH_SOURCE_DIR "/deploy/policy/cn-default.json", NULL, &err);
    if (!s_policy) {
        fprintf(stderr, "fuzz_wire: the default policy does not load: %s\n", err.text);
        abort();
    }
    /* one pair of sockets for the whole run: messages cross them in order */
    s_ctx = zmq_ctx_new();
    s_in = zmq_socket(s_ctx, ZMQ_PAIR);
    s_out = zmq_socket(s_ctx, ZMQ_PAIR);
    int timeout = 2000;
    zmq_setsockopt(s_in, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(s_out, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    if (zmq_bind(s_in, "inproc://fuzz-wire") != 0 ||
        zmq_connect(s_out, "inproc://fuzz-wire") != 0) {
        fprintf(stderr, "fuzz_wire: inproc sockets: %s\n", zmq_strerror(zmq_errno()));
        abort();
    }
    return 0;
}

/* dispatch.c's check of a findings payload, for the findings the rules make:
 * a worker must never send what vouchd would refuse */
static void s_check_findings(const json_t *findings)
{
    S_CHECK(json_is_array(findings));
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        S_CHECK(json_is_integer(json_object_get(f, "seq")));
        S_CHECK(vouch_rules_version(json_string_value(json_object_get(f, "rule"))) > 0);
        S_CHECK(sev && (!strcmp(sev, "high") || !strcmp(sev, "medium") || !strcmp(sev, "low")));
        S_CHECK(json_is_integer(json_object_get(f, "amount")));
        S_CHECK(json_is_string(json_object_get(f, "message")));
        S_CHECK(json_is_string(json_object_get(f, "message_en")));
        S_CHECK(json_is_object(json_object_get(f, "evidence")));
    }
    /* it must also survive the trip: dumped, it loads again */
    char *text = json_dumps(findings, JSON_COMPACT);
    S_CHECK(text != NULL);
    json_t *again = json_loads(text, 0, NULL);
    S_CHECK(json_is_array(again) && json_array_size(again) == json_array_size(findings));
    json_decref(again);
    free(text);
}

static bool s_same_line(const vouch_line_t *a, const vouch_line_t *b)
{
    if (a->seq != b->seq || a->debit != b->debit || a->credit != b->credit ||
        a->file_line != b->file_line || a->voucher_date != b->voucher_date ||
        a->business_date != b->business_date || a->approval_date != b->approval_date ||
        a->voucher_no != b->voucher_no || a->line_no != b->line_no ||
        a->attachments != b->attachments || a->fiscal_year != b->fiscal_year ||
        a->period != b->period)
        return false;
    for (int t = 0; t < VOUCH_T_COUNT; t++)
        if (strcmp(a->text[t], b->text[t]) != 0)
            return false;
    return true;
}

/* PostgreSQL's dates, as days since 1970-01-01: 4713-01-01 BC to 5874897-12-31 */
#define S_PG_DATE_MIN (-2440588)
#define S_PG_DATE_MAX 2145042906

static bool s_date_ok(int32_t d)
{
    return d == VOUCH_DATE_NONE || (d >= S_PG_DATE_MIN && d <= S_PG_DATE_MAX);
}

/* text the readers would have stored: UTF-8, and not white space alone
 * (they store a cell of only white space, U+1680 or U+2028 too, as blank) */
static bool s_text_ok(const char *s)
{
    if (!vouch_text_valid_utf8(s, strlen(s)))
        return false;
    if (!s[0])
        return true;
    char *folded = vouch_text_fold(s);
    bool ok = folded && folded[0];
    free(folded);
    return ok;
}

/* Could the lines have come from vouchd, out of the lines table? */
static bool s_as_vouchd_sends(const vouch_line_t *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const vouch_line_t *l = &lines[i];
        for (int t = 0; t < VOUCH_T_COUNT; t++)
            if (t != VOUCH_T_DOCUMENTS && !s_text_ok(l->text[t]))
                return false;
        if (!vouch_text_valid_utf8(l->text[VOUCH_T_DOCUMENTS], strlen(l->text[VOUCH_T_DOCUMENTS])))
            return false;
        if (!s_date_ok(l->voucher_date) || !s_date_ok(l->business_date) ||
            !s_date_ok(l->approval_date))
            return false;
    }
    return true;
}

/* A batch payload as a worker takes it: decode, check that encoding what
 * was decoded gives the same lines, run the rules on them. */
static void s_batch(const uint8_t *data, size_t size)
{
    /* a block of its own size, so a read past the payload is caught */
    uint8_t *copy = malloc(size ? size : 1);
    if (size)
        memcpy(copy, data, size);
    vouch_line_t *lines = NULL;
    size_t n = 0;
    vouch_error_t err;
    vouch_error_clear(&err);
    if (vouch_wire_lines_decode(copy, size, &lines, &n, &err) != 0) {
        S_CHECK(lines == NULL && err.text[0]);
        free(copy);
        return;
    }
    vouch_buf_t enc;
    vouch_buf_init(&enc);
    vouch_wire_lines_encode(&enc, lines, n);
    vouch_line_t *again = NULL;
    size_t m = 0;
    S_CHECK(vouch_wire_lines_decode(enc.data, enc.len, &again, &m, &err) == 0);
    S_CHECK(m == n);
    for (size_t i = 0; i < n; i++)
        S_CHECK(s_same_line(&lines[i], &again[i]));
    free(again);
    vouch_buf_free(&enc);

#ifndef VOUCH_FUZZ_RAW_BATCHES
    /* Only what vouchd can send reaches the rules here: lines the readers
     * stored and PostgreSQL gave back, whose text is UTF-8 and never white
     * space alone, and whose dates lie in PostgreSQL's range. The worker
     * itself checks none of it, and three reported bugs sit behind it
     * (reproducers in tests/fuzz/crashes/):
     * - PAYEE_MISMATCH strips in place the "" literal vouch_rules_fold_into
     *   returns for text that is not UTF-8: SIGSEGV (fuzz_wire-payee-not-utf8);
     * - vouch_rules_fold leaves its buffer unterminated when the text is
     *   white space alone and the buffer new: strlen runs off the heap block
     *   (fuzz_wire-fold-white-space-only);
     * - RETROACTIVE_APPROVAL subtracts dates in int32 and overflows
     *   (fuzz_wire-approval-days-overflow).
     * Build with -DVOUCH_FUZZ_RAW_BATCHES to let anything the decoder accepts
     * through. */
    if (!s_as_vouchd_sends(lines, n)) {
        free(lines);
        free(copy);
        return;
    }
#endif

    /* a contract total for the first line's contract, as vouchd sends them */
    vouch_contract_total_t contract = {n ? lines[0].text[VOUCH_T_CONTRACT_NO] : "", 100000000};
    vouch_batch_view_t view = {lines, n, &contract, n ? 1 : 0};
    json_t *findings = json_array();
    int count = vouch_rules_run(s_policy, &view, findings);
    S_CHECK(count >= 0 && (size_t)count == json_array_size(findings));
    s_check_findings(findings);
    json_decref(findings);
    free(lines);
    free(copy);
}

/* What vouchd and the workers do with a header once vouch_wire_recv took
 * it: read its fields, and decode the payload its type announces. */
static void s_handle(const vouch_wire_msg_t *msg)
{
    S_CHECK(json_is_object(msg->header) && msg->type != NULL);
    static const char *const ints[] = {"ledger_id", "batch_no", "upload", "seq",
                                       "size",      "count",    "batches"};
    static const char *const strs[] = {"policy", "profile", "worker",  "name", "org",
                                       "ticket", "sha256",  "version", "error"};
    long long v;
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        (void)vouch_wire_get_int(msg->header, ints[i], &v);
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        const char *s = vouch_wire_get_str(msg->header, strs[i]);
        if (s)
            (void)strlen(s);
    }
    if (!msg->has_payload)
        return;
    const void *p = zmq_msg_data((zmq_msg_t *)&msg->payload);
    size_t len = zmq_msg_size((zmq_msg_t *)&msg->payload);
    if (strcmp(msg->type, "batch") == 0) {
        s_batch(p, len);
    } else if (strcmp(msg->type, "findings") == 0) {
        /* as vouch_dispatch_findings loads it */
        json_error_t jerr;
        json_t *findings = json_loadb(p, len, 0, &jerr);
        if (findings) {
            char *text = json_dumps(findings, JSON_COMPACT);
            free(text);
            json_decref(findings);
        }
    }
}

static void s_message(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    bool router = data[0] & 1;
    data++;
    size--;
    /* cut the input into frames */
    const uint8_t *frame[S_MAX_FRAMES];
    size_t flen[S_MAX_FRAMES];
    int nframes = 0;
    while (nframes < S_MAX_FRAMES && (nframes == 0 || size > 0)) {
        size_t len = size >= 2 ? (size_t)(data[0] | data[1] << 8) : 0;
        size_t skip = size >= 2 ? 2 : size;
        data += skip;
        size -= skip;
        if (len > size || nframes == S_MAX_FRAMES - 1)
            len = size;
        frame[nframes] = data;
        flen[nframes++] = len;
        data += len;
        size -= len;
    }
    for (int i = 0; i < nframes; i++)
        S_CHECK(zmq_send(s_out, frame[i], flen[i], i + 1 < nframes ? ZMQ_SNDMORE : 0) >= 0);

    vouch_wire_msg_t msg;
    vouch_error_t err;
    vouch_error_clear(&err);
    int rc = vouch_wire_recv(s_in, router, 0, &msg, &err);
    S_CHECK(rc == 0 || rc == -2); /* a message was sent: something arrived */
    if (rc == 0)
        s_handle(&msg);
    else
        S_CHECK(msg.header == NULL && err.text[0]);
    vouch_wire_msg_close(&msg);
    /* whatever happened, the message was read whole: the socket is in step */
    zmq_msg_t left;
    zmq_msg_init(&left);
    S_CHECK(zmq_msg_recv(&left, s_in, ZMQ_DONTWAIT) < 0);
    zmq_msg_close(&left);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] % 2 == 0)
        s_batch(data + 1, size - 1);
    else
        s_message(data + 1, size - 1);
    return 0;
}
