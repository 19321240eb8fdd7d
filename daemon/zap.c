/* zap.c: the ZAP handler's thread: a REP socket on inproc://zeromq.zap.01,
 * the allow-list read from curve_allow_dir, and the rate-limited warning for
 * each client refused. Request (after the envelope REP strips): version
 * "1.0", request id, domain, address, routing id, mechanism, credentials
 * (CURVE: the client's 32-byte public key). Reply: version, request id,
 * status code, status text, user id, metadata. */
#include "zap.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zmq.h>

#include "alloc.h"
#include "curve.h"
#include "log.h"
#include "ratelimit.h"

#define S_ENDPOINT "inproc://zeromq.zap.01"
#define S_FRAMES 7      /* a CURVE request's; more are read and refused */
#define S_FRAME_MAX 256 /* bytes kept of one frame: every field is short */
#define S_POLL_MS 250

typedef struct {
    unsigned char data[S_FRAME_MAX];
    size_t size; /* as sent, possibly more than kept */
} s_frame_t;

struct vouch_zap_t {
    void *rep;
    char *dir;
    pthread_t thread;
    bool running;
    atomic_bool stop;
    atomic_int reloads;
    size_t at_start;
    /* the thread's own */
    vouch_curve_allowed_t *keys;
    size_t nkeys;
    int reloads_seen;
    time_t read_at;
    struct timespec dir_mtime;
    vouch_ratelimit_t *log;
};

static void s_read(vouch_zap_t *self, time_t now)
{
    vouch_curve_allowed_t *keys = NULL;
    size_t n = 0;
    char *bad = NULL;
    vouch_error_t err;
    vouch_error_clear(&err);
    self->read_at = now;
    if (vouch_curve_read_allowed(self->dir, &keys, &n, &bad, &err) != 0) {
        /* the folder unreadable: keep what was read before */
        if (vouch_ratelimit_pass(self->log, "folder", now, NULL))
            vouch_warn("curve_allow_dir: %s", err.text);
        return;
    }
    if (bad && vouch_ratelimit_pass(self->log, bad, now, NULL))
        vouch_warn("curve_allow_dir: left out: %s", bad);
    free(bad);
    free(self->keys);
    self->keys = keys;
    self->nkeys = n;
}

/* Read the folder again when it changed, when asked to, or (at most once a
 * second) when a key is unknown: a .pub just copied in lets its client in
 * at its next try. */
static void s_refresh(vouch_zap_t *self, bool unknown, time_t now)
{
    struct stat st;
    struct timespec mtime = {0, 0};
    if (stat(self->dir, &st) == 0)
        mtime = st.st_mtim;
    int reloads = atomic_load(&self->reloads);
    bool changed =
        mtime.tv_sec != self->dir_mtime.tv_sec || mtime.tv_nsec != self->dir_mtime.tv_nsec;
    if (changed || reloads != self->reloads_seen || (unknown && now > self->read_at)) {
        self->dir_mtime = mtime;
        self->reloads_seen = reloads;
        s_read(self, now);
    }
}

static bool s_line(vouch_zap_t *self, const char *key, time_t now, char *out, size_t size,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static bool s_line(vouch_zap_t *self, const char *key, time_t now, char *out, size_t size,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool pass = vouch_ratelimit_vline(self->log, key, now, out, size, fmt, ap);
    va_end(ap);
    return pass;
}

static const char *s_lookup(vouch_zap_t *self, const char *z85)
{
    for (size_t i = 0; i < self->nkeys; i++)
        if (strcmp(self->keys[i].z85, z85) == 0)
            return self->keys[i].name;
    return NULL;
}

static bool s_is(const s_frame_t *f, const char *text)
{
    return f->size == strlen(text) && memcmp(f->data, text, f->size) == 0;
}

static void s_reply(vouch_zap_t *self, const s_frame_t *request_id, const char *status,
                    const char *text, const char *user)
{
    zmq_send(self->rep, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(self->rep, request_id ? request_id->data : NULL, request_id ? request_id->size : 0,
             ZMQ_SNDMORE);
    zmq_send(self->rep, status, strlen(status), ZMQ_SNDMORE);
    zmq_send(self->rep, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(self->rep, user, strlen(user), ZMQ_SNDMORE);
    zmq_send(self->rep, "", 0, 0);
}

/* One request, read whole and answered: REP must answer each one */
static void s_answer(vouch_zap_t *self)
{
    s_frame_t f[S_FRAMES];
    int n = 0;
    bool more = true;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, self->rep, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            if (n == 0)
                return;
            break;
        }
        more = zmq_msg_more(&m);
        if (n < S_FRAMES) {
            size_t keep = zmq_msg_size(&m) < S_FRAME_MAX ? zmq_msg_size(&m) : S_FRAME_MAX;
            memcpy(f[n].data, zmq_msg_data(&m), keep);
            f[n].size = zmq_msg_size(&m);
        }
        n++;
        zmq_msg_close(&m);
    }
    for (int i = 0; i < n && i < S_FRAMES; i++)
        if (f[i].size > S_FRAME_MAX)
            n = -1;
    if (n < 6 || !s_is(&f[0], "1.0")) {
        s_reply(self, n >= 2 && f[1].size <= S_FRAME_MAX ? &f[1] : NULL, "500",
                "malformed ZAP request", "");
        return;
    }
    if (!s_is(&f[2], VOUCH_CURVE_ZAP_DOMAIN) || !s_is(&f[5], "CURVE") || n != 7 ||
        f[6].size != 32) {
        s_reply(self, &f[1], "400", "only CURVE clients of vouch", "");
        return;
    }
    char z85[VOUCH_CURVE_Z85_LEN + 1];
    zmq_z85_encode(z85, f[6].data, 32);
    char address[S_FRAME_MAX + 1];
    snprintf(address, sizeof address, "%.*s", (int)f[3].size, (const char *)f[3].data);
    time_t now = time(NULL);
    s_refresh(self, false, now);
    const char *name = s_lookup(self, z85);
    if (!name) {
        s_refresh(self, true, now);
        name = s_lookup(self, z85);
    }
    if (name) {
        s_reply(self, &f[1], "200", "OK", name);
        return;
    }
    s_reply(self, &f[1], "400", "unknown key", "");
    char key[sizeof z85 + sizeof address + 1];
    snprintf(key, sizeof key, "%s %s", z85, address);
    char line[512];
    if (s_line(self, key, now, line, sizeof line, "refused a client with unknown key %s from %s",
               z85, address[0] ? address : "(local)"))
        vouch_warn("%s", line);
}

static void *s_run(void *arg)
{
    vouch_zap_t *self = arg;
    while (!atomic_load(&self->stop)) {
        zmq_pollitem_t item = {self->rep, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, S_POLL_MS);
        if (rc < 0 && zmq_errno() == ETERM)
            break;
        if (rc > 0)
            s_answer(self);
        unsigned long held = vouch_ratelimit_held(self->log, time(NULL));
        if (held)
            vouch_warn("refused %lu more client handshakes, not logged one by one", held);
    }
    return NULL;
}

vouch_zap_t *vouch_zap_new(void *ctx, const char *allow_dir, vouch_error_t *err)
{
    vouch_zap_t *self = vouch_calloc(1, sizeof *self);
    self->dir = vouch_strdup(allow_dir);
    /* once a minute per key and address, twenty lines a minute in all */
    self->log = vouch_ratelimit_new(60, 1, 20);
    atomic_init(&self->stop, false);
    atomic_init(&self->reloads, 0);
    self->rep = zmq_socket(ctx, ZMQ_REP);
    int linger = 0;
    zmq_setsockopt(self->rep, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind(self->rep, S_ENDPOINT) != 0) {
        vouch_error_set(err, "cannot bind the ZAP handler: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    s_refresh(self, false, time(NULL));
    self->at_start = self->nkeys;
    if (pthread_create(&self->thread, NULL, s_run, self) != 0) {
        vouch_error_set(err, "cannot start the ZAP handler's thread");
        goto fail;
    }
    self->running = true;
    return self;
fail:
    vouch_zap_destroy(&self);
    return NULL;
}

size_t vouch_zap_allowed(const vouch_zap_t *self)
{
    return self->at_start;
}

void vouch_zap_reload(vouch_zap_t *self)
{
    if (self)
        atomic_fetch_add(&self->reloads, 1);
}

void vouch_zap_destroy(vouch_zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_zap_t *self = *self_p;
    atomic_store(&self->stop, true);
    if (self->running)
        pthread_join(self->thread, NULL);
    if (self->rep)
        zmq_close(self->rep);
    vouch_ratelimit_destroy(&self->log);
    free(self->keys);
    free(self->dir);
    free(self);
    *self_p = NULL;
}
