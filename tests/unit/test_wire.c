/* test_wire.c: the messages vouchd and workers exchange: framing over real
 * ZeroMQ sockets, refusal of what does not fit, and the batch encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "wire.h"

static void s_line(vouch_line_t *l, int64_t seq, const char *summary)
{
    memset(l, 0, sizeof *l);
    l->seq = seq;
    l->debit = 83500000;
    l->credit = 0;
    l->voucher_date = vouch_date_from_ymd(2022, 3, 25);
    l->business_date = vouch_date_from_ymd(2021, 8, 1);
    l->approval_date = VOUCH_DATE_NONE;
    l->voucher_no = 29;
    l->line_no = 1;
    l->attachments = VOUCH_ATTACH_UNKNOWN;
    l->fiscal_year = 2022;
    l->period = 3;
    for (int t = 0; t < VOUCH_T_COUNT; t++)
        l->text[t] = "";
    l->text[VOUCH_T_ORG] = "永州市人力资源和社会保障局";
    l->text[VOUCH_T_VOUCHER_WORD] = "记";
    l->text[VOUCH_T_SUMMARY] = summary;
    l->text[VOUCH_T_CONTRACT_NO] = "YZRS-2021-018";
    l->text[VOUCH_T_PREPARER] = "李会计";
    l->text[VOUCH_T_REVIEWER] = "王复核";
}

static void test_lines_round_trip(void **state)
{
    (void)state;
    vouch_line_t in[3];
    s_line(&in[0], 1, "就业宣传合作经费");
    s_line(&in[1], 2, "");
    s_line(&in[2], 3, "tab\tand\nnewline and \"quotes\"");
    in[2].credit = -1200;
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_wire_lines_encode(&b, in, 3);
    vouch_line_t *out;
    size_t n;
    vouch_error_t err;
    assert_int_equal(vouch_wire_lines_decode(b.data, b.len, &out, &n, &err), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[i].seq, in[i].seq);
        assert_int_equal(out[i].debit, in[i].debit);
        assert_int_equal(out[i].credit, in[i].credit);
        assert_int_equal(out[i].voucher_date, in[i].voucher_date);
        assert_int_equal(out[i].business_date, in[i].business_date);
        assert_int_equal(out[i].approval_date, VOUCH_DATE_NONE);
        assert_int_equal(out[i].attachments, VOUCH_ATTACH_UNKNOWN);
        assert_int_equal(out[i].fiscal_year, 2022);
        assert_int_equal(out[i].period, 3);
        for (int t = 0; t < VOUCH_T_COUNT; t++)
            assert_string_equal(out[i].text[t], in[i].text[t]);
    }
    free(out);
    vouch_buf_free(&b);
}

static void test_lines_refuse_damage(void **state)
{
    (void)state;
    vouch_line_t in[2];
    s_line(&in[0], 1, "办公费");
    s_line(&in[1], 2, "差旅费");
    vouch_buf_t b;
    vouch_buf_init(&b);
    vouch_wire_lines_encode(&b, in, 2);
    vouch_line_t *out;
    size_t n;
    vouch_error_t err;
    /* every truncation is refused, never read past the end */
    for (size_t cut = 0; cut < b.len; cut++) {
        vouch_error_clear(&err);
        assert_int_equal(vouch_wire_lines_decode(b.data, cut, &out, &n, &err), -1);
        assert_true(err.text[0] != '\0');
    }
    /* a count larger than the bytes can hold */
    char *copy = vouch_malloc(b.len);
    memcpy(copy, b.data, b.len);
    uint32_t huge = 0xFFFFFFFFu;
    memcpy(copy + 4, &huge, 4);
    assert_int_equal(vouch_wire_lines_decode(copy, b.len, &out, &n, &err), -1);
    /* a batch of the version before (VBL1: lines without a reviewer) */
    memcpy(copy, b.data, b.len);
    memcpy(copy, "VBL1", 4);
    vouch_error_clear(&err);
    assert_int_equal(vouch_wire_lines_decode(copy, b.len, &out, &n, &err), -1);
    assert_string_equal(err.text, "payload is not a batch of lines");
    /* a string length pointing past the end */
    memcpy(copy, b.data, b.len);
    uint32_t badlen = 1u << 30;
    memcpy(copy + 8 + 56, &badlen, 4);
    assert_int_equal(vouch_wire_lines_decode(copy, b.len, &out, &n, &err), -1);
    /* random bytes */
    srand(7);
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 8; i < b.len; i++)
            if (rand() % 16 == 0)
                copy[i] = (char)rand();
        if (vouch_wire_lines_decode(copy, b.len, &out, &n, &err) == 0)
            free(out);
    }
    free(copy);
    vouch_buf_free(&b);
}

static void test_framing_over_sockets(void **state)
{
    (void)state;
    void *ctx = zmq_ctx_new();
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    void *dealer = zmq_socket(ctx, ZMQ_DEALER);
    vouch_wire_socket_defaults(router);
    vouch_wire_socket_defaults(dealer);
    assert_int_equal(zmq_bind(router, "inproc://wire-test"), 0);
    assert_int_equal(zmq_connect(dealer, "inproc://wire-test"), 0);

    json_t *h = vouch_wire_header("ingest_chunk");
    json_object_set_new(h, "seq", json_integer(3));
    assert_int_equal(vouch_wire_send(dealer, NULL, 0, h, "abc", 3, 0), 0);
    json_decref(h);
    vouch_wire_msg_t msg;
    vouch_error_t err;
    assert_int_equal(vouch_wire_recv(router, true, 0, &msg, &err), 0);
    assert_string_equal(msg.type, "ingest_chunk");
    long long seq;
    assert_int_equal(vouch_wire_get_int(msg.header, "seq", &seq), 0);
    assert_int_equal(seq, 3);
    assert_true(msg.has_payload);
    assert_int_equal(zmq_msg_size(&msg.payload), 3);
    assert_true(msg.id_len > 0);
    /* answer it through the routing id */
    assert_int_equal(vouch_wire_send_error(router, msg.id, msg.id_len, "no such upload"), 0);
    vouch_wire_msg_close(&msg);
    assert_int_equal(vouch_wire_recv(dealer, false, 0, &msg, &err), 0);
    assert_string_equal(msg.type, "error");
    assert_string_equal(vouch_wire_get_str(msg.header, "error"), "no such upload");
    vouch_wire_msg_close(&msg);

    /* garbage, a wrong version, a missing type, too many frames: refused,
     * and the socket stays in step for the next good message */
    const char *bad[] = {"not json",
                         "[1,2]",
                         "{\"v\":1,\"type\":\"status\"}",
                         "{\"v\":2}",
                         "{\"v\":\"2\",\"type\":\"status\"}",
                         "{\"v\":2,\"type\":\"a\\nforged log line\"}",
                         "{\"v\":2,\"type\":\"\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        zmq_send(dealer, bad[i], strlen(bad[i]), 0);
        vouch_error_clear(&err);
        assert_int_equal(vouch_wire_recv(router, true, 0, &msg, &err), -2);
        assert_true(err.text[0] != '\0');
        assert_true(msg.id_len > 0); /* so the sender can be told */
    }
    zmq_send(dealer, "{\"v\":2,\"type\":\"x\"}", 18, ZMQ_SNDMORE);
    zmq_send(dealer, "p1", 2, ZMQ_SNDMORE);
    zmq_send(dealer, "p2", 2, 0);
    assert_int_equal(vouch_wire_recv(router, true, 0, &msg, &err), -2);
    h = vouch_wire_header("status");
    vouch_wire_send(dealer, NULL, 0, h, NULL, 0, 0);
    json_decref(h);
    assert_int_equal(vouch_wire_recv(router, true, 0, &msg, &err), 0);
    assert_string_equal(msg.type, "status");
    assert_false(msg.has_payload);
    vouch_wire_msg_close(&msg);

    /* a payload over the limit is refused on inproc, where no ZMQ_MAXMSGSIZE holds */
    char *big = calloc(1, VOUCH_WIRE_MAX_PAYLOAD + 1);
    h = vouch_wire_header("status");
    vouch_wire_send(dealer, NULL, 0, h, big, VOUCH_WIRE_MAX_PAYLOAD + 1, 0);
    json_decref(h);
    free(big);
    vouch_error_clear(&err);
    assert_int_equal(vouch_wire_recv(router, true, 0, &msg, &err), -2);
    assert_non_null(strstr(err.text, "over the limit"));

    /* nothing waiting: -1 with EAGAIN, not a refusal */
    assert_int_equal(vouch_wire_recv(router, true, ZMQ_DONTWAIT, &msg, &err), -1);
    zmq_close(dealer);
    zmq_close(router);
    zmq_ctx_term(ctx);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(vouch_wire_name_ok("worker-1", 63));
    assert_true(vouch_wire_name_ok("工作机-1", 63));
    assert_false(vouch_wire_name_ok("", 63));
    assert_false(vouch_wire_name_ok(NULL, 63));
    assert_false(vouch_wire_name_ok("a\nb", 63));
    assert_false(vouch_wire_name_ok("a\x7f", 63));
    assert_true(vouch_wire_name_ok("abc", 3));
    assert_false(vouch_wire_name_ok("abcd", 3));
}

static void test_dial_endpoint(void **state)
{
    (void)state;
    /* a wildcard vouchd binds is dialled on this host's loopback */
    const char *cases[][2] = {
        {"tcp://*:5555", "tcp://127.0.0.1:5555"},
        {"tcp://0.0.0.0:5556", "tcp://127.0.0.1:5556"},
        {"tcp://10.0.0.5:5555", "tcp://10.0.0.5:5555"},
        {"tcp://vouchd.example:5555", "tcp://vouchd.example:5555"},
        {"ipc:///var/lib/vouch/run/control.sock", "ipc:///var/lib/vouch/run/control.sock"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *dial = vouch_wire_dial_endpoint(cases[i][0]);
        assert_string_equal(dial, cases[i][1]);
        free(dial);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_round_trip),     cmocka_unit_test(test_lines_refuse_damage),
        cmocka_unit_test(test_framing_over_sockets), cmocka_unit_test(test_names),
        cmocka_unit_test(test_dial_endpoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
