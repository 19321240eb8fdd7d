/* test_curve.c: where CURVE is on (the auto rule), key files read and
 * written (bad Z85, wrong lengths, a secret key others may read), and a real
 * CURVE handshake between sockets set up from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "alloc.h"
#include "tmpdir.h"
#include "config.h"
#include "curve.h"

/* path of name in the test's folder, written with text and mode (text NULL: not written) */
static char *s_file(const char *name, const char *text, mode_t mode)
{
    char *path = vouch_asprintf("%s/%s", s_dir, name);
    if (text) {
        unlink(path);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        assert_int_equal(chmod(path, mode), 0);
    }
    return path;
}

static void test_auto_rule(void **state)
{
    (void)state;
    /* auto: off where only this host reaches */
    assert_false(vouch_curve_wanted("auto", "ipc:///var/lib/vouch/run/control.sock"));
    assert_false(vouch_curve_wanted("auto", "inproc://storer"));
    assert_false(vouch_curve_wanted("auto", "tcp://127.0.0.1:5555"));
    assert_false(vouch_curve_wanted("auto", "tcp://127.0.0.2:5555"));
    assert_false(vouch_curve_wanted("auto", "tcp://127.255.3.4:*"));
    assert_false(vouch_curve_wanted("auto", "tcp://localhost:5555"));
    assert_false(vouch_curve_wanted("auto", "tcp://[::1]:5555"));
    assert_false(vouch_curve_wanted("auto", "tcp://lo:5555"));
    assert_false(vouch_curve_wanted("auto", "tcp://10.0.0.5:6000;127.0.0.1:5555"));
    /* ...and on wherever another host may come in */
    assert_true(vouch_curve_wanted("auto", "tcp://*:5555"));
    assert_true(vouch_curve_wanted("auto", "tcp://0.0.0.0:5555"));
    assert_true(vouch_curve_wanted("auto", "tcp://10.0.0.5:5555"));
    assert_true(vouch_curve_wanted("auto", "tcp://vouchd.example.cn:5555"));
    assert_true(vouch_curve_wanted("auto", "tcp://[2001:db8::1]:5555"));
    assert_true(vouch_curve_wanted("auto", "tcp://[::]:5555"));
    assert_true(vouch_curve_wanted("auto", "tcp://eth0:5555"));
    assert_true(vouch_curve_wanted("auto", "tcp://127.0.0.1.example.cn:5555"));
    assert_true(vouch_curve_wanted("auto", "tcp://localhost.example.cn:5555"));
    assert_true(vouch_curve_wanted("auto", "tcp://127.0.0.1:6000;10.0.0.5:5555"));
    assert_true(vouch_curve_wanted("auto", "ws://127.0.0.1:5555"));
    /* on and off: whatever the endpoint */
    assert_true(vouch_curve_wanted("on", "tcp://127.0.0.1:5555"));
    assert_true(vouch_curve_wanted("on", "ipc:///tmp/x.sock"));
    assert_false(vouch_curve_wanted("off", "tcp://*:5555"));
    assert_true(vouch_curve_mode_ok("auto") && vouch_curve_mode_ok("on") &&
                vouch_curve_mode_ok("off"));
    assert_false(vouch_curve_mode_ok("yes"));
    assert_false(vouch_curve_mode_ok(""));
}

static void test_config(void **state)
{
    (void)state;
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_config_t *c = vouch_config_new(s_dir, &err);
    assert_non_null(c);
    assert_string_equal(c->curve, "auto");
    char want[160];
    snprintf(want, sizeof want, "%s/keys/server.key", c->home);
    assert_string_equal(c->curve_server_key, want);
    snprintf(want, sizeof want, "%s/keys/allowed", c->home);
    assert_string_equal(c->curve_allow_dir, want);
    /* the default endpoints are ipc://: CURVE is nowhere */
    assert_false(vouch_curve_any(c));
    vouch_config_destroy(&c);

    free(s_file("vouch.conf", "work_endpoint = tcp://*:5556\n", 0644));
    c = vouch_config_new(s_dir, &err);
    assert_non_null(c);
    assert_true(vouch_curve_any(c));
    vouch_config_destroy(&c);

    free(s_file("vouch.conf", "curve = yes\n", 0644));
    assert_null(vouch_config_new(s_dir, &err));
    assert_non_null(strstr(err.text, "is not auto, on or off"));
}

static void test_keys_round_trip(void **state)
{
    (void)state;
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_curve_keypair_t kp, back;
    assert_int_equal(vouch_curve_keypair_new(&kp, &err), 0);
    assert_true(vouch_curve_z85_ok(kp.public_z85) && vouch_curve_z85_ok(kp.secret_z85));
    char *key = s_file("w.key", NULL, 0), *pub = s_file("w.pub", NULL, 0);
    assert_int_equal(vouch_curve_write_keypair(key, "w", &kp, &err), 0);
    assert_int_equal(vouch_curve_write_public(pub, kp.public_z85, &err), 0);
    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(pub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(vouch_curve_read_keypair(key, &back, &err), 0);
    assert_string_equal(back.public_z85, kp.public_z85);
    assert_string_equal(back.secret_z85, kp.secret_z85);
    char z85[VOUCH_CURVE_Z85_LEN + 1];
    assert_int_equal(vouch_curve_read_public(pub, z85, &err), 0);
    assert_string_equal(z85, kp.public_z85);
    /* a key pair file also gives its public key */
    assert_int_equal(vouch_curve_read_public(key, z85, &err), 0);
    assert_string_equal(z85, kp.public_z85);
    /* never over a file that exists */
    assert_int_equal(vouch_curve_write_keypair(key, "w", &kp, &err), -1);
    assert_non_null(strstr(err.text, "File exists"));
    assert_int_equal(vouch_curve_write_public(pub, kp.public_z85, &err), -1);
    free(key);
    free(pub);
}

static void test_keys_refused(void **state)
{
    (void)state;
    vouch_error_t err;
    vouch_curve_keypair_t kp, other, read;
    vouch_curve_keypair_new(&kp, &err);
    vouch_curve_keypair_new(&other, &err);
    char good[256], text[256];
    snprintf(good, sizeof good, "public = %s\nsecret = %s\n", kp.public_z85, kp.secret_z85);

    /* a secret key others may read (or change) is refused, naming the file */
    char *path = s_file("open.key", good, 0644);
    vouch_error_clear(&err);
    assert_int_equal(vouch_curve_read_keypair(path, &read, &err), -1);
    assert_non_null(strstr(err.text, path));
    assert_non_null(strstr(err.text, "0644"));
    assert_non_null(strstr(err.text, "chmod 600"));
    free(path);
    path = s_file("group.key", good, 0620);
    assert_int_equal(vouch_curve_read_keypair(path, &read, &err), -1);
    free(path);

    /* the same text at 0600 is fine */
    path = s_file("ok.key", good, 0600);
    assert_int_equal(vouch_curve_read_keypair(path, &read, &err), 0);
    free(path);

    /* a character outside Z85 (a space is not in it, nor is a comma) */
    char bad[VOUCH_CURVE_Z85_LEN + 1];
    memcpy(bad, kp.public_z85, sizeof bad);
    bad[7] = ',';
    snprintf(text, sizeof text, "public = %s\nsecret = %s\n", bad, kp.secret_z85);
    path = s_file("badz85.key", text, 0600);
    vouch_error_clear(&err);
    assert_int_equal(vouch_curve_read_keypair(path, &read, &err), -1);
    assert_non_null(strstr(err.text, "not 40 characters of Z85"));
    assert_non_null(strstr(err.text, "not all of Z85"));
    free(path);

    /* wrong lengths */
    snprintf(text, sizeof text, "public = %.39s\nsecret = %s\n", kp.public_z85, kp.secret_z85);
    path = s_file("short.key", text, 0600);
    vouch_error_clear(&err);
    assert_int_equal(vouch_curve_read_keypair(path, &read, &err), -1);
    assert_non_null(strstr(err.text, "(39 characters)"));
    free(path);
    snprintf(text, sizeof text, "%sA\n", kp.public_z85);
    path = s_file("long.pub", text, 0644);
    char z85[VOUCH_CURVE_Z85_LEN + 1];
    assert_int_equal(vouch_curve_read_public(path, z85, &err), -1);
    assert_non_null(strstr(err.text, "(41 characters)"));
    free(path);

    /* a public key that is not the secret key's */
    snprintf(text, sizeof text, "public = %s\nsecret = %s\n", other.public_z85, kp.secret_z85);
    path = s_file("mismatch.key", text, 0600);
    assert_int_equal(vouch_curve_read_keypair(path, &read, &err), -1);
    assert_non_null(strstr(err.text, "not its secret key's"));
    free(path);

    /* a public-key file is no key pair; an empty file has no key; a stray line names its line */
    snprintf(text, sizeof text, "%s\n", kp.public_z85);
    path = s_file("only.key", text, 0600);
    assert_int_equal(vouch_curve_read_keypair(path, &read, &err), -1);
    assert_non_null(strstr(err.text, "expected"));
    free(path);
    path = s_file("empty.pub", "# nothing here\n\n", 0644);
    assert_int_equal(vouch_curve_read_public(path, z85, &err), -1);
    assert_non_null(strstr(err.text, "no public key"));
    free(path);
    snprintf(text, sizeof text, "public = %s\nhello\n", kp.public_z85);
    path = s_file("stray.pub", text, 0644);
    assert_int_equal(vouch_curve_read_public(path, z85, &err), -1);
    assert_non_null(strstr(err.text, ":2: expected"));
    free(path);

    /* missing: the error names the file */
    path = s_file("absent.key", NULL, 0);
    assert_int_equal(vouch_curve_read_keypair(path, &read, &err), -1);
    assert_non_null(strstr(err.text, path));
    assert_non_null(strstr(err.text, "No such file"));
    free(path);
}

/* A client set up from vouch.conf's files, and a server set up with the key
 * pair; a missing client key names the setting and the file. With no ZAP
 * handler the server lets no one in (test_zap lets the allowed ones in). */
static void test_sockets(void **state)
{
    (void)state;
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_curve_keypair_t server, client;
    vouch_curve_keypair_new(&server, &err);
    vouch_curve_keypair_new(&client, &err);
    char *spub = s_file("server.pub", NULL, 0), *ckey = s_file("client.key", NULL, 0);
    assert_int_equal(vouch_curve_write_public(spub, server.public_z85, &err), 0);
    char conf[512];
    snprintf(conf, sizeof conf, "curve = on\ncurve_server_public = %s\ncurve_client_key = %s\n",
             spub, ckey);
    free(s_file("vouch.conf", conf, 0644));
    vouch_config_t *cfg = vouch_config_new(s_dir, &err);
    assert_non_null(cfg);

    void *ctx = zmq_ctx_new();
    void *rep = zmq_socket(ctx, ZMQ_REP), *req = zmq_socket(ctx, ZMQ_REQ);
    int linger = 0, timeout = 500;
    zmq_setsockopt(rep, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(req, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(req, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(rep, ZMQ_RCVTIMEO, &timeout, sizeof timeout);

    assert_int_equal(vouch_curve_set_client(req, cfg, "tcp://127.0.0.1:1", &err), -1);
    assert_non_null(strstr(err.text, "curve_client_key: "));
    assert_non_null(strstr(err.text, ckey));
    assert_int_equal(vouch_curve_write_keypair(ckey, "client", &client, &err), 0);
    assert_int_equal(vouch_curve_set_client(req, cfg, "tcp://127.0.0.1:1", &err), 0);
    assert_int_equal(vouch_curve_set_server(rep, &server, &err), 0);

    assert_int_equal(zmq_bind(rep, "tcp://127.0.0.1:*"), 0);
    char endpoint[128];
    size_t len = sizeof endpoint;
    zmq_getsockopt(rep, ZMQ_LAST_ENDPOINT, endpoint, &len);
    assert_int_equal(zmq_connect(req, endpoint), 0);
    assert_int_equal(zmq_send(req, "hello", 5, 0), 5);
    char buf[16];
    assert_int_equal(zmq_recv(rep, buf, sizeof buf, 0), -1);
    assert_int_equal(zmq_errno(), EAGAIN);

    zmq_close(req);
    zmq_close(rep);
    zmq_ctx_term(ctx);
    vouch_config_destroy(&cfg);
    free(spub);
    free(ckey);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_rule),
        cmocka_unit_test_setup_teardown(test_config, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_keys_round_trip, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_keys_refused, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sockets, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
