/* wire.c: framing, validation and the compact batch encoding of vouch's
 * ZeroMQ messages. Nothing received is trusted: sizes, version and types are
 * checked before anyone looks inside. */
#include "wire.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define S_BATCH_MAGIC "VBL2"

void vouch_wire_socket_defaults(void *socket)
{
    int linger = 0;
    zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger);
    int64_t maxmsg = (int64_t)VOUCH_WIRE_MAX_PAYLOAD;
    zmq_setsockopt(socket, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    /* a peer host gone (power, cable) is noticed by TCP within a minute
     * when the connection is idle */
    int on = 1, idle = 30, intvl = 10, cnt = 3;
    zmq_setsockopt(socket, ZMQ_TCP_KEEPALIVE, &on, sizeof on);
    zmq_setsockopt(socket, ZMQ_TCP_KEEPALIVE_IDLE, &idle, sizeof idle);
    zmq_setsockopt(socket, ZMQ_TCP_KEEPALIVE_INTVL, &intvl, sizeof intvl);
    zmq_setsockopt(socket, ZMQ_TCP_KEEPALIVE_CNT, &cnt, sizeof cnt);
    /* keepalive probes only an idle connection: one whose data goes
     * unacknowledged (a worker host cut off while batches were being pushed
     * to it) would be retransmitted to for some 15 minutes, and every batch
     * pushed to that worker meanwhile lost until its dispatch_timeout
     * (tests/multihost: a megabyte of batches queued in it). TCP_USER_TIMEOUT
     * (libzmq's ZMQ_TCP_MAXRT, on Linux) closes it after 20 s, and what was
     * in it is sent again. */
    int maxrt = 20000;
    zmq_setsockopt(socket, ZMQ_TCP_MAXRT, &maxrt, sizeof maxrt);
    /* ZMTP's own heartbeats on the control channel (ROUTER/DEALER), whose
     * sides always read: a peer silent for 6 s loses its connection and the
     * connecting side dials again. Not on the batch pipes: a worker busy on
     * a batch stops reading its small pipe on purpose, and libzmq 4.3.4 then
     * times the connection out and asserts on reconnecting (libzmq #3937). */
    int type = 0;
    size_t tsz = sizeof type;
    zmq_getsockopt(socket, ZMQ_TYPE, &type, &tsz);
    if (type == ZMQ_PUSH) {
        /* a PUSH never reads, but a peer that says it is a PULL may still
         * send: hold at most one small message of it (the handshake's
         * commands fit; a larger frame closes the connection) */
        int64_t small = VOUCH_WIRE_MAX_HEADER;
        int one = 1;
        zmq_setsockopt(socket, ZMQ_MAXMSGSIZE, &small, sizeof small);
        zmq_setsockopt(socket, ZMQ_RCVHWM, &one, sizeof one);
    }
    if (type == ZMQ_ROUTER || type == ZMQ_DEALER) {
        int ivl = 2000, timeout = 6000;
        zmq_setsockopt(socket, ZMQ_HEARTBEAT_IVL, &ivl, sizeof ivl);
        zmq_setsockopt(socket, ZMQ_HEARTBEAT_TIMEOUT, &timeout, sizeof timeout);
        zmq_setsockopt(socket, ZMQ_HEARTBEAT_TTL, &timeout, sizeof timeout);
    }
}

static void s_drain(void *socket)
{
    int more = 1;
    size_t sz = sizeof more;
    while (zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &sz) == 0 && more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, socket, 0) < 0) {
            zmq_msg_close(&m);
            break;
        }
        zmq_msg_close(&m);
    }
}

static int s_more(void *socket)
{
    int more = 0;
    size_t sz = sizeof more;
    zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &sz);
    return more;
}

bool vouch_wire_name_ok(const char *s, size_t max)
{
    if (!s || !*s)
        return false;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
        if (*p < 0x20 || *p == 0x7f || n >= max)
            return false;
    return true;
}

char *vouch_wire_dial_endpoint(const char *endpoint)
{
    static const char *const wildcards[] = {"tcp://*:", "tcp://0.0.0.0:"};
    for (size_t i = 0; i < sizeof wildcards / sizeof *wildcards; i++) {
        size_t n = strlen(wildcards[i]);
        if (strncmp(endpoint, wildcards[i], n) == 0)
            return vouch_asprintf("tcp://127.0.0.1:%s", endpoint + n);
    }
    return vouch_strdup(endpoint);
}

int vouch_wire_recv(void *socket, bool router, int flags, vouch_wire_msg_t *msg, vouch_error_t *err)
{
    memset(msg, 0, sizeof *msg);
    zmq_msg_init(&msg->payload);
    zmq_msg_t frame;
    zmq_msg_init(&frame);
    if (zmq_msg_recv(&frame, socket, flags) < 0) {
        zmq_msg_close(&frame);
        return -1;
    }
    if (router) {
        size_t n = zmq_msg_size(&frame);
        if (n > VOUCH_WIRE_MAX_ID)
            n = VOUCH_WIRE_MAX_ID;
        memcpy(msg->id, zmq_msg_data(&frame), n);
        msg->id_len = n;
        zmq_msg_close(&frame);
        zmq_msg_init(&frame);
        if (!s_more(socket) || zmq_msg_recv(&frame, socket, 0) < 0) {
            vouch_error_set(err, "message without a header frame");
            goto refuse;
        }
    }
    if (zmq_msg_size(&frame) > VOUCH_WIRE_MAX_HEADER) {
        vouch_error_set(err, "header of %zu bytes is over the limit", zmq_msg_size(&frame));
        goto refuse;
    }
    /* libzmq's metadata of the connection: what ZAP named the peer */
    const char *user = zmq_msg_gets(&frame, "User-Id");
    if (user)
        snprintf(msg->user, sizeof msg->user, "%s", user);
    json_error_t jerr;
    msg->header =
        json_loadb(zmq_msg_data(&frame), zmq_msg_size(&frame), JSON_REJECT_DUPLICATES, &jerr);
    if (!msg->header || !json_is_object(msg->header)) {
        vouch_error_set(err, "header is not a JSON object");
        goto refuse;
    }
    json_t *v = json_object_get(msg->header, "v");
    if (!json_is_integer(v) || json_integer_value(v) != VOUCH_WIRE_VERSION) {
        vouch_error_set(err, "unsupported protocol version (this side speaks %d)",
                        VOUCH_WIRE_VERSION);
        goto refuse;
    }
    msg->type = json_string_value(json_object_get(msg->header, "type"));
    if (!vouch_wire_name_ok(msg->type, 64)) {
        vouch_error_set(err, "header has no type, or not a short name");
        goto refuse;
    }
    if (s_more(socket)) {
        if (zmq_msg_recv(&msg->payload, socket, 0) < 0) {
            vouch_error_set(err, "payload frame lost");
            goto refuse;
        }
        msg->has_payload = true;
        /* ZMQ_MAXMSGSIZE says so on the network; inproc pipes have no limit */
        if (zmq_msg_size(&msg->payload) > VOUCH_WIRE_MAX_PAYLOAD) {
            vouch_error_set(err, "payload of %zu bytes is over the limit",
                            zmq_msg_size(&msg->payload));
            goto refuse;
        }
        if (s_more(socket)) {
            vouch_error_set(err, "too many frames");
            goto refuse;
        }
    }
    zmq_msg_close(&frame);
    return 0;

refuse:
    zmq_msg_close(&frame);
    s_drain(socket);
    zmq_msg_close(&msg->payload);
    zmq_msg_init(&msg->payload);
    msg->has_payload = false;
    json_decref(msg->header);
    msg->header = NULL;
    msg->type = NULL;
    return -2;
}

void vouch_wire_msg_close(vouch_wire_msg_t *msg)
{
    json_decref(msg->header);
    msg->header = NULL;
    msg->type = NULL;
    zmq_msg_close(&msg->payload);
    zmq_msg_init(&msg->payload);
    msg->has_payload = false;
}

int vouch_wire_send(void *socket, const void *id, size_t id_len, json_t *header,
                    const void *payload, size_t len, int flags)
{
    json_object_set_new(header, "v", json_integer(VOUCH_WIRE_VERSION));
    char *text = json_dumps(header, JSON_COMPACT);
    if (!text) {
        errno = ENOMEM;
        return -1;
    }
    int rc = 0;
    if (id_len && zmq_send(socket, id, id_len, ZMQ_SNDMORE | flags) < 0) {
        rc = -1;
        goto done;
    }
    /* after the first frame the rest of a multipart message goes out whole */
    int more = payload ? ZMQ_SNDMORE : 0;
    if (zmq_send(socket, text, strlen(text), more | (id_len ? 0 : flags)) < 0) {
        rc = -1;
        goto done;
    }
    if (payload && zmq_send(socket, payload, len, 0) < 0)
        rc = -1;
done:
    free(text);
    return rc;
}

json_t *vouch_wire_header(const char *type)
{
    return json_pack("{s:s}", "type", type);
}

int vouch_wire_send_error(void *socket, const void *id, size_t id_len, const char *text)
{
    json_t *h = json_pack("{s:s, s:s}", "type", "error", "error", text);
    int rc = vouch_wire_send(socket, id, id_len, h, NULL, 0, ZMQ_DONTWAIT);
    json_decref(h);
    return rc;
}

int vouch_wire_get_int(const json_t *header, const char *key, long long *out)
{
    json_t *v = json_object_get(header, key);
    if (!json_is_integer(v))
        return -1;
    *out = json_integer_value(v);
    return 0;
}

const char *vouch_wire_get_str(const json_t *header, const char *key)
{
    return json_string_value(json_object_get(header, key));
}

/* ---- batch encoding ---- */

static void s_put(vouch_buf_t *b, const void *p, size_t n)
{
    vouch_buf_append(b, p, n);
}

void vouch_wire_lines_encode(vouch_buf_t *out, const vouch_line_t *lines, size_t n)
{
    uint32_t count = (uint32_t)n;
    s_put(out, S_BATCH_MAGIC, 4);
    s_put(out, &count, 4);
    for (size_t i = 0; i < n; i++) {
        const vouch_line_t *l = &lines[i];
        s_put(out, &l->seq, 8);
        s_put(out, &l->debit, 8);
        s_put(out, &l->credit, 8);
        s_put(out, &l->file_line, 4);
        s_put(out, &l->voucher_date, 4);
        s_put(out, &l->business_date, 4);
        s_put(out, &l->approval_date, 4);
        s_put(out, &l->voucher_no, 4);
        s_put(out, &l->line_no, 4);
        s_put(out, &l->attachments, 4);
        s_put(out, &l->fiscal_year, 2);
        s_put(out, &l->period, 2);
        for (int t = 0; t < VOUCH_T_COUNT; t++) {
            const char *s = l->text[t] ? l->text[t] : "";
            uint32_t len = (uint32_t)strlen(s);
            s_put(out, &len, 4);
            s_put(out, s, (size_t)len + 1);
        }
    }
}

typedef struct {
    const unsigned char *p, *end;
} s_reader_t;

static int s_get(s_reader_t *r, void *dst, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return -1;
    memcpy(dst, r->p, n);
    r->p += n;
    return 0;
}

int vouch_wire_lines_decode(const void *data, size_t len, vouch_line_t **lines, size_t *n,
                            vouch_error_t *err)
{
    s_reader_t r = {data, (const unsigned char *)data + len};
    uint32_t count = 0;
    *lines = NULL;
    *n = 0;
    if (len < 8 || memcmp(data, S_BATCH_MAGIC, 4) != 0) {
        vouch_error_set(err, "payload is not a batch of lines");
        return -1;
    }
    r.p += 4;
    s_get(&r, &count, 4);
    /* each line takes at least 56 fixed bytes plus 5 per text field */
    size_t min_line = 56 + 5 * VOUCH_T_COUNT;
    if (count > (len - 8) / min_line) {
        vouch_error_set(err, "batch claims %u lines but holds fewer", count);
        return -1;
    }
    vouch_line_t *out = vouch_calloc(count ? count : 1, sizeof *out);
    for (uint32_t i = 0; i < count; i++) {
        vouch_line_t *l = &out[i];
        if (s_get(&r, &l->seq, 8) || s_get(&r, &l->debit, 8) || s_get(&r, &l->credit, 8) ||
            s_get(&r, &l->file_line, 4) || s_get(&r, &l->voucher_date, 4) ||
            s_get(&r, &l->business_date, 4) || s_get(&r, &l->approval_date, 4) ||
            s_get(&r, &l->voucher_no, 4) || s_get(&r, &l->line_no, 4) ||
            s_get(&r, &l->attachments, 4) || s_get(&r, &l->fiscal_year, 2) ||
            s_get(&r, &l->period, 2))
            goto truncated;
        for (int t = 0; t < VOUCH_T_COUNT; t++) {
            uint32_t slen;
            if (s_get(&r, &slen, 4) || (size_t)(r.end - r.p) < (size_t)slen + 1 || r.p[slen] != 0)
                goto truncated;
            l->text[t] = (const char *)r.p;
            r.p += slen + 1;
        }
    }
    if (r.p != r.end) {
        vouch_error_set(err, "batch has %zu bytes after its last line", (size_t)(r.end - r.p));
        free(out);
        return -1;
    }
    *lines = out;
    *n = count;
    return 0;

truncated:
    vouch_error_set(err, "batch is cut short or malformed");
    free(out);
    return -1;
}
