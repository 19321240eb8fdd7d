/* test_zap.c: vouchd's ZAP handler over real CURVE sockets: a client whose
 * key is allowed gets through, an unknown key does not, a .pub copied in
 * later lets its client in without a restart, a .pub taken away shuts it
 * out of new connections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "alloc.h"
#include "tmpdir.h"
#include "curve.h"
#include "zap.h"

/* Whether a client with key pair kp gets a request through to server (at
 * endpoint) and its answer back within the time given. */
static bool s_gets_through(void *ctx, void *server, const char *endpoint,
                           const vouch_curve_keypair_t *server_kp, const vouch_curve_keypair_t *kp,
                           int timeout_ms)
{
    void *req = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(req, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(req, ZMQ_CURVE_SERVERKEY, server_kp->public_z85, VOUCH_CURVE_Z85_LEN);
    zmq_setsockopt(req, ZMQ_CURVE_PUBLICKEY, kp->public_z85, VOUCH_CURVE_Z85_LEN);
    zmq_setsockopt(req, ZMQ_CURVE_SECRETKEY, kp->secret_z85, VOUCH_CURVE_Z85_LEN);
    assert_int_equal(zmq_connect(req, endpoint), 0);
    zmq_send(req, "hello", 5, ZMQ_DONTWAIT);
    zmq_pollitem_t item = {server, 0, ZMQ_POLLIN, 0};
    bool through = zmq_poll(&item, 1, timeout_ms) == 1;
    if (through) {
        /* the ROUTER's [id][hello]: and the handler named the key's file */
        zmq_msg_t id, body;
        zmq_msg_init(&id);
        zmq_msg_init(&body);
        zmq_msg_recv(&id, server, 0);
        zmq_msg_recv(&body, server, 0);
        const char *user = zmq_msg_gets(&body, "User-Id");
        assert_non_null(user);
        assert_string_equal(user, "w1");
        zmq_msg_close(&id);
        zmq_msg_close(&body);
    }
    zmq_close(req);
    return through;
}

static void test_allow_list(void **state)
{
    (void)state;
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_curve_keypair_t server_kp, w1, stranger;
    vouch_curve_keypair_new(&server_kp, &err);
    vouch_curve_keypair_new(&w1, &err);
    vouch_curve_keypair_new(&stranger, &err);
    char *allow = vouch_asprintf("%s/allowed", s_dir);
    char *w1_pub = vouch_asprintf("%s/w1.pub", allow);
    assert_int_equal(vouch_curve_write_public(w1_pub, w1.public_z85, &err), 0);
    /* a broken .pub beside it is left out, not fatal */
    char *broken = vouch_asprintf("%s/broken.pub", allow);
    FILE *f = fopen(broken, "w");
    fputs("not a key\n", f);
    fclose(f);

    void *ctx = zmq_ctx_new();
    vouch_zap_t *zap = vouch_zap_new(ctx, allow, &err);
    assert_non_null(zap);
    assert_int_equal(vouch_zap_allowed(zap), 1);
    void *server = zmq_socket(ctx, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt(server, ZMQ_LINGER, &linger, sizeof linger);
    assert_int_equal(vouch_curve_set_server(server, &server_kp, &err), 0);
    assert_int_equal(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    char endpoint[128];
    size_t len = sizeof endpoint;
    zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, endpoint, &len);

    assert_true(s_gets_through(ctx, server, endpoint, &server_kp, &w1, 5000));
    assert_false(s_gets_through(ctx, server, endpoint, &server_kp, &stranger, 1500));
    /* a wrong server key: the handshake does not even reach the handler */
    assert_false(s_gets_through(ctx, server, endpoint, &stranger, &w1, 1000));

    /* w1.pub now holds the stranger's key: the stranger is let in (as w1)
     * and the old key shut out, without a restart */
    unlink(w1_pub);
    assert_int_equal(vouch_curve_write_public(w1_pub, stranger.public_z85, &err), 0);
    vouch_zap_reload(zap);
    assert_true(s_gets_through(ctx, server, endpoint, &server_kp, &stranger, 5000));
    assert_false(s_gets_through(ctx, server, endpoint, &server_kp, &w1, 1500));

    vouch_zap_destroy(&zap);
    assert_null(zap);
    vouch_zap_destroy(&zap);
    zmq_close(server);
    zmq_ctx_term(ctx);
    free(allow);
    free(w1_pub);
    free(broken);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_allow_list, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
