/* vouch_garbage.c: vouch-garbage, what a hostile or broken peer sends to
 * vouchd's endpoints, for the security tests (never installed):
 *
 *   vouch-garbage raw HOST:PORT [--count N]
 *       N TCP connections of random bytes: none at all, noise, a ZMTP
 *       greeting cut short or followed by noise, frames claiming 2^62 bytes
 *   vouch-garbage zmtp HOST:PORT --as TYPE [--count N]
 *       N ZMTP 3.0 connections that pass the NULL handshake as a TYPE socket
 *       (PULL to a PUSH, say) and then send random and oversized frames
 *   vouch-garbage zmq ENDPOINT --type dealer|push [--count N] [--big N]
 *                 [--curve-server Z85]
 *       a libzmq socket sending N messages of every wrong kind: random
 *       frames, broken or deep JSON, wrong versions, known types with
 *       fields missing or of the wrong type or out of range, payloads where
 *       none belong, 20,000 frames in one message, and --big frames over
 *       vouch's largest (64 MiB); with --curve-server, as a CURVE client
 *       with a fresh key vouchd does not know
 *
 * Prints what it sent (and how many answers came back) and exits 0 unless
 * it could not run at all. --seed S makes the noise repeatable. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zmq.h>

#define S_BIG_FRAME ((64u << 20) + 1) /* over VOUCH_WIRE_MAX_PAYLOAD */

static uint64_t s_rng = 0x9E3779B97F4A7C15ull;

static uint64_t s_rand(void)
{
    /* xorshift64* */
    s_rng ^= s_rng >> 12;
    s_rng ^= s_rng << 25;
    s_rng ^= s_rng >> 27;
    return s_rng * 2685821657736338717ull;
}

static size_t s_below(size_t n)
{
    return n ? (size_t)(s_rand() % n) : 0;
}

static void s_fill(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)s_rand();
}

/* ---- raw TCP ---- */

static int s_tcp(const char *hostport)
{
    char host[256];
    snprintf(host, sizeof host, "%s", hostport);
    char *colon = strrchr(host, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    struct addrinfo hints = {0}, *ai;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
        return -1;
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

/* write all of it, or give up when the peer closed */
static bool s_put(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static bool s_get(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = recv(fd, c, n, 0);
        if (r <= 0)
            return false;
        c += r;
        n -= (size_t)r;
    }
    return true;
}

/* ZMTP 3.0 greeting: signature, version 3.0, the mechanism, as-server 0 */
static void s_greeting(unsigned char g[64], const char *mechanism)
{
    memset(g, 0, 64);
    g[0] = 0xff;
    g[9] = 0x7f;
    g[10] = 3;
    g[11] = 0;
    memcpy(g + 12, mechanism, strlen(mechanism));
}

static bool s_frame(int fd, unsigned char flags, const void *body, uint64_t claimed, size_t sent)
{
    unsigned char head[9];
    size_t hl;
    if (claimed > 255) {
        head[0] = flags | 0x02;
        for (int i = 0; i < 8; i++)
            head[1 + i] = (unsigned char)(claimed >> (56 - 8 * i));
        hl = 9;
    } else {
        head[0] = flags;
        head[1] = (unsigned char)claimed;
        hl = 2;
    }
    return s_put(fd, head, hl) && s_put(fd, body, sent);
}

static int s_raw(const char *hostport, int count)
{
    unsigned char buf[65536];
    int connected = 0;
    for (int i = 0; i < count; i++) {
        int fd = s_tcp(hostport);
        if (fd < 0)
            continue;
        connected++;
        unsigned char g[64];
        switch (i % 5) {
        case 0: /* noise */
            s_fill(buf, sizeof buf);
            s_put(fd, buf, 1 + s_below(sizeof buf));
            break;
        case 1: /* a greeting cut short */
            s_greeting(g, "NULL");
            s_put(fd, g, 1 + s_below(63));
            break;
        case 2: /* a greeting, then noise */
            s_greeting(g, i % 2 ? "CURVE" : "NULL");
            s_put(fd, g, 64);
            s_fill(buf, 4096);
            s_put(fd, buf, 4096);
            break;
        case 3: /* a greeting, then a frame claiming 2^62 bytes */
            s_greeting(g, "NULL");
            s_put(fd, g, 64);
            s_fill(buf, 1024);
            s_frame(fd, 0, buf, 1ull << 62, 1024);
            break;
        default: /* a connection that says nothing */
            break;
        }
        close(fd);
    }
    printf("raw %s: %d of %d connections made\n", hostport, connected, count);
    return 0;
}

/* ---- ZMTP NULL handshake, then frames ---- */

static size_t s_property(unsigned char *out, const char *name, const char *value)
{
    size_t nl = strlen(name), vl = strlen(value);
    out[0] = (unsigned char)nl;
    memcpy(out + 1, name, nl);
    out[1 + nl] = 0;
    out[2 + nl] = 0;
    out[3 + nl] = 0;
    out[4 + nl] = (unsigned char)vl;
    memcpy(out + 5 + nl, value, vl);
    return 5 + nl + vl;
}

static int s_zmtp(const char *hostport, const char *as, int count)
{
    unsigned char buf[65536];
    int handshakes = 0, frames = 0;
    for (int i = 0; i < count; i++) {
        int fd = s_tcp(hostport);
        if (fd < 0)
            continue;
        unsigned char g[64], theirs[64];
        s_greeting(g, "NULL");
        unsigned char ready[128] = "\x05READY";
        size_t rl = 6 + s_property(ready + 6, "Socket-Type", as);
        if (!s_put(fd, g, 64) || !s_get(fd, theirs, 64) || !s_frame(fd, 0x04, ready, rl, rl)) {
            close(fd);
            continue;
        }
        handshakes++;
        for (int k = 0; k < 50; k++) {
            size_t n = s_below(2048);
            s_fill(buf, n);
            bool ok;
            if (k == 40) /* over the PUSH's limit, claimed and sent */
                ok = s_frame(fd, 0, buf, sizeof buf, sizeof buf);
            else if (k == 45)
                ok = s_frame(fd, 0, buf, 1ull << 40, 2048);
            else
                ok = s_frame(fd, s_below(3) ? 0 : 0x01, buf, n, n);
            if (!ok)
                break;
            frames++;
        }
        close(fd);
    }
    printf("zmtp %s as %s: %d handshakes, %d frames sent\n", hostport, as, handshakes, frames);
    return 0;
}

/* ---- libzmq client ---- */

typedef struct {
    void *socket;
    long sent, answers;
} s_client_t;

static void s_send_frames(s_client_t *c, const char *const *frames, const size_t *lens, int n)
{
    for (int i = 0; i < n; i++)
        if (zmq_send(c->socket, frames[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0) < 0)
            return;
    c->sent++;
}

/* a header, and a payload when payload is not NULL */
static void s_send(s_client_t *c, const char *header, const char *payload, size_t plen)
{
    const char *frames[] = {header, payload};
    size_t lens[] = {strlen(header), plen};
    s_send_frames(c, frames, lens, payload ? 2 : 1);
}

static void s_drain_answers(s_client_t *c)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    while (zmq_msg_recv(&m, c->socket, ZMQ_DONTWAIT) >= 0)
        if (!zmq_msg_more(&m))
            c->answers++;
    zmq_msg_close(&m);
}

/* headers that are wrong in every way that is not noise */
static const char *const s_headers[] = {
    "",
    "{",
    "}",
    "[]",
    "null",
    "\"status\"",
    "42",
    "{\"v\":2}",
    "{\"type\":\"status\"}",
    "{\"v\":1,\"type\":\"status\"}",
    "{\"v\":3,\"type\":\"status\"}",
    "{\"v\":\"2\",\"type\":\"status\"}",
    "{\"v\":2.0,\"type\":\"status\"}",
    "{\"v\":2,\"type\":42}",
    "{\"v\":2,\"type\":null}",
    "{\"v\":2,\"type\":\"\"}",
    "{\"v\":2,\"v\":2,\"type\":\"status\"}",
    "{\"v\":2,\"type\":\"st\\u0000atus\"}",
    "{\"v\":2,\"type\":\"\xff\xfe\"}",
    "{\"v\":2,\"type\":\"error\",\"error\":\"loop?\"}",
    "{\"v\":2,\"type\":\"ingest_begin\"}",
    "{\"v\":2,\"type\":\"ingest_begin\",\"name\":5,\"size\":1}",
    "{\"v\":2,\"type\":\"ingest_begin\",\"name\":\"a.csv\",\"size\":\"10\"}",
    "{\"v\":2,\"type\":\"ingest_begin\",\"name\":\"a.csv\",\"size\":-1}",
    "{\"v\":2,\"type\":\"ingest_begin\",\"name\":\"a.csv\",\"size\":1e300}",
    "{\"v\":2,\"type\":\"ingest_begin\",\"name\":\"a.csv\",\"size\":10,\"org\":[1]}",
    "{\"v\":2,\"type\":\"ingest_begin\",\"name\":\"../../../etc/passwd\",\"size\":99999999999999}",
    "{\"v\":2,\"type\":\"ingest_chunk\",\"upload\":\"1\",\"seq\":0}",
    "{\"v\":2,\"type\":\"ingest_chunk\",\"upload\":1,\"seq\":0}",
    "{\"v\":2,\"type\":\"ingest_end\",\"upload\":1,\"sha256\":5}",
    "{\"v\":2,\"type\":\"ingest_end\",\"upload\":9223372036854775807}",
    "{\"v\":2,\"type\":\"file_status\"}",
    "{\"v\":2,\"type\":\"file_status\",\"ticket\":12}",
    "{\"v\":2,\"type\":\"file_status\",\"ticket\":\"../../../etc/passwd\"}",
    "{\"v\":2,\"type\":\"ledger_status\",\"ledger_id\":\"1\"}",
    "{\"v\":2,\"type\":\"ledger_status\",\"ledger_id\":-1}",
    "{\"v\":2,\"type\":\"ledger_status\",\"ledger_id\":9223372036854775807}",
    "{\"v\":2,\"type\":\"policy_get\",\"version\":5}",
    "{\"v\":2,\"type\":\"policy_get\",\"version\":\"0000000000000000\"}",
    "{\"v\":2,\"type\":\"heartbeat\"}",
    "{\"v\":2,\"type\":\"heartbeat\",\"worker\":7}",
    "{\"v\":2,\"type\":\"findings\",\"ledger_id\":1,\"batch_no\":0}",
    "{\"v\":2,\"type\":\"findings\",\"ledger_id\":99999999999,\"batch_no\":-1,"
    "\"policy\":\"x\",\"worker\":\"rogue\"}",
    "{\"v\":2,\"type\":\"findings\",\"ledger_id\":1,\"batch_no\":9999999999,\"policy\":\"x\","
    "\"worker\":\"rogue\"}",
    "{\"v\":2,\"type\":\"batch_error\",\"ledger_id\":1}",
    "{\"v\":2,\"type\":\"batch_error\",\"ledger_id\":\"1\",\"batch_no\":0,\"error\":\"x\"}",
    "{\"v\":2,\"type\":\"batch\",\"ledger_id\":1,\"batch_no\":0}",
};

/* payloads for a findings header that passes: each wrong in another way */
static const char *const s_findings[] = {
    "",
    "not json",
    "{}",
    "[1,2,3]",
    "[{}]",
    "[null]",
    "[{\"seq\":1,\"rule\":\"x; DROP TABLE findings\",\"rule_version\":1,\"profile\":\"p\","
    "\"severity\":\"high\",\"amount\":1,\"message\":\"m\",\"message_en\":\"m\",\"evidence\":{}}]",
    "[{\"seq\":1099511627776,\"rule\":\"PAYEE_MISMATCH\",\"rule_version\":1,\"profile\":\"p\","
    "\"severity\":\"high\",\"amount\":1,\"message\":\"m\",\"message_en\":\"m\",\"evidence\":{}}]",
    "[{\"seq\":1,\"rule\":\"PAYEE_MISMATCH\",\"rule_version\":-5,\"profile\":\"p\","
    "\"severity\":\"high\",\"amount\":1,\"message\":\"m\",\"message_en\":\"m\",\"evidence\":{}}]",
    "[{\"seq\":1,\"rule\":\"PAYEE_MISMATCH\",\"rule_version\":1,\"profile\":\"p\","
    "\"severity\":\"fatal\",\"amount\":1,\"message\":\"m\",\"message_en\":\"m\",\"evidence\":{}}]",
    "[{\"seq\":1,\"rule\":\"PAYEE_MISMATCH\",\"rule_version\":1,\"profile\":\"p\","
    "\"severity\":\"high\",\"amount\":\"1\",\"message\":\"m\",\"message_en\":\"m\",\"evidence\":[]}"
    "]",
};

static void s_one(s_client_t *c, long i, int big_left)
{
    static char buf[1 << 17];
    switch (i % 10) {
    case 0: { /* random frames, random sizes */
        const char *frames[6];
        size_t lens[6];
        int n = 1 + (int)s_below(6);
        for (int k = 0; k < n; k++) {
            lens[k] = s_below(sizeof buf / 8);
            s_fill((unsigned char *)buf + k * (sizeof buf / 8), lens[k]);
            frames[k] = buf + k * (sizeof buf / 8);
        }
        s_send_frames(c, frames, lens, n);
        break;
    }
    case 1:
    case 2:
    case 3: /* a wrong header, alone or with noise after it */
        if (s_below(2)) {
            s_fill((unsigned char *)buf, 512);
            s_send(c, s_headers[s_below(sizeof s_headers / sizeof *s_headers)], buf, s_below(512));
        } else
            s_send(c, s_headers[s_below(sizeof s_headers / sizeof *s_headers)], NULL, 0);
        break;
    case 4: { /* a findings header that passes, a payload that does not */
        const char *f = s_findings[s_below(sizeof s_findings / sizeof *s_findings)];
        s_send(c,
               "{\"v\":2,\"type\":\"findings\",\"ledger_id\":1,\"batch_no\":0,\"policy\":"
               "\"0000000000000000\",\"worker\":\"rogue\"}",
               f, strlen(f));
        break;
    }
    case 5: { /* JSON nested 10,000 deep; a header over 64 KiB */
        size_t n = i % 20 == 5 ? 10000 : 70000;
        for (size_t k = 0; k < n; k++)
            buf[k] = i % 20 == 5 ? '[' : ' ';
        if (i % 20 != 5) {
            memcpy(buf, "{\"v\":2,\"type\":\"status\"}", 24);
        }
        buf[n] = '\0';
        s_send(c, buf, NULL, 0);
        break;
    }
    case 6: { /* 20,000 empty frames in one message */
        for (int k = 0; k < 20000; k++)
            if (zmq_send(c->socket, "", 0, k + 1 < 20000 ? ZMQ_SNDMORE : 0) < 0)
                return;
        c->sent++;
        break;
    }
    case 7: /* a good status with a payload it does not take; a chunk of nothing */
        s_fill((unsigned char *)buf, 300);
        s_send(c, "{\"v\":2,\"type\":\"status\"}", buf, 300);
        break;
    case 8: /* a frame over vouch's largest */
        if (big_left > 0) {
            char *big = calloc(1, S_BIG_FRAME);
            if (big) {
                s_send(c, "{\"v\":2,\"type\":\"status\"}", big, S_BIG_FRAME);
                free(big);
            }
        }
        break;
    default: { /* type and fields fine, a long name, an id of many digits */
        static char name[8192];
        memset(name, 'n', sizeof name - 1);
        char *h = malloc(sizeof name + 128);
        snprintf(h, sizeof name + 128, "{\"v\":2,\"type\":\"heartbeat\",\"worker\":\"%s\"}", name);
        s_send(c, h, NULL, 0);
        free(h);
        break;
    }
    }
}

static int s_zmq(const char *endpoint, const char *type, int count, int big,
                 const char *curve_server)
{
    void *ctx = zmq_ctx_new();
    s_client_t c = {0};
    c.socket = zmq_socket(ctx, strcmp(type, "push") == 0 ? ZMQ_PUSH : ZMQ_DEALER);
    /* a CURVE client vouchd refuses never connects: do not wait on it long */
    int linger = 2000, timeout = curve_server ? 100 : 3000;
    zmq_setsockopt(c.socket, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(c.socket, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    if (curve_server) {
        char pub[41], sec[41];
        zmq_curve_keypair(pub, sec);
        zmq_setsockopt(c.socket, ZMQ_CURVE_SERVERKEY, curve_server, 40);
        zmq_setsockopt(c.socket, ZMQ_CURVE_PUBLICKEY, pub, 40);
        zmq_setsockopt(c.socket, ZMQ_CURVE_SECRETKEY, sec, 40);
        printf("zmq: as CURVE client %s\n", pub);
    }
    if (curve_server) {
        /* send only once a handshake passed (it should not) */
        int immediate = 1;
        zmq_setsockopt(c.socket, ZMQ_IMMEDIATE, &immediate, sizeof immediate);
    }
    if (zmq_connect(c.socket, endpoint) != 0) {
        fprintf(stderr, "vouch-garbage: cannot connect to %s: %s\n", endpoint,
                zmq_strerror(zmq_errno()));
        return 1;
    }
    zmq_pollitem_t out = {c.socket, 0, ZMQ_POLLOUT, 0};
    if (curve_server && zmq_poll(&out, 1, 2000) != 1) {
        printf("zmq %s as %s: not let in\n", endpoint, type);
        count = 0;
    }
    int big_left = big;
    for (long i = 0; i < count; i++) {
        s_one(&c, i, big_left);
        if (i % 10 == 8)
            big_left--;
        if (c.socket && strcmp(type, "dealer") == 0)
            s_drain_answers(&c);
    }
    /* the last answers */
    for (int k = 0; k < 10 && strcmp(type, "dealer") == 0; k++) {
        usleep(100000);
        s_drain_answers(&c);
    }
    printf("zmq %s as %s: %ld messages sent, %ld answers\n", endpoint, type, c.sent, c.answers);
    zmq_close(c.socket);
    zmq_ctx_term(ctx);
    return 0;
}

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouch-garbage raw HOST:PORT [--count N] [--seed S]\n"
                 "       vouch-garbage zmtp HOST:PORT --as TYPE [--count N] [--seed S]\n"
                 "       vouch-garbage zmq ENDPOINT --type dealer|push [--count N] [--big N]\n"
                 "                     [--curve-server Z85] [--seed S]\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"count", required_argument, NULL, 'c'}, {"seed", required_argument, NULL, 's'},
        {"as", required_argument, NULL, 'a'},    {"type", required_argument, NULL, 't'},
        {"big", required_argument, NULL, 'b'},   {"curve-server", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    int count = 200, big = 0, c;
    const char *as = "PULL", *type = "dealer", *curve_server = NULL;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            count = atoi(optarg);
            break;
        case 's':
            s_rng = strtoull(optarg, NULL, 10) * 2654435761ull + 1;
            break;
        case 'a':
            as = optarg;
            break;
        case 't':
            type = optarg;
            break;
        case 'b':
            big = atoi(optarg);
            break;
        case 'k':
            curve_server = optarg;
            break;
        case 'h':
            s_usage(stdout);
            return 0;
        default:
            s_usage(stderr);
            return 2;
        }
    }
    if (optind + 2 != argc) {
        s_usage(stderr);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    const char *mode = argv[optind], *target = argv[optind + 1];
    if (strcmp(mode, "raw") == 0)
        return s_raw(target, count);
    if (strcmp(mode, "zmtp") == 0)
        return s_zmtp(target, as, count);
    if (strcmp(mode, "zmq") == 0)
        return s_zmq(target, type, count, big, curve_server);
    s_usage(stderr);
    return 2;
}
