/* worker.c: the worker's actor loop. A worker holds no state that matters:
 * kill it at any moment and vouchd sends its batch to another. */
#include "worker.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "alloc.h"
#include "curve.h"
#include "log.h"
#include "notify.h"
#include "policy.h"
#include "ratelimit.h"
#include "rules.h"
#include "wire.h"

#define S_POLICIES 8 /* (version, profile) pairs kept at hand: orgs may run under several */
#define S_HEARTBEAT_MS 2000
#define S_FETCH_TIMEOUT_MS 5000
#define S_REDIAL_MS 10000 /* after vouchd refused a handshake */

struct vouch_worker_t {
    const vouch_config_t *cfg;
    char *id;
    void *ctx;
    void *pull;             /* batches */
    void *push;             /* findings */
    void *control;          /* policy fetches, heartbeats */
    void *watch[3];         /* failed handshakes of pull, push, control */
    int64_t redial_at[3];   /* libzmq gave up on vouchd there: dial again then */
    vouch_ratelimit_t *log; /* what is dropped or refused, a few lines a minute */
    vouch_policy_t *policies[S_POLICIES];
    size_t next_policy;
    long long batches;
    int64_t last_heartbeat;
    int64_t last_heard; /* the last word from vouchd on the control socket */
    bool silent;        /* said so in the log */
};

static int64_t s_now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static const char *const s_socket_names[] = {"work", "results", "control"};

/* socket i: 0 work (PULL batches), 1 results (PUSH findings), 2 control */
static void **s_slot(vouch_worker_t *self, int i)
{
    return i == 0 ? &self->pull : i == 1 ? &self->push : &self->control;
}

/* Socket i, new and dialling vouchd, with CURVE when vouch.conf wants it
 * there, and its handshakes watched; what it replaces is closed. 0, or -1
 * with err (the old socket kept). */
static int s_dial(vouch_worker_t *self, int i, vouch_error_t *err)
{
    static const int types[] = {ZMQ_PULL, ZMQ_PUSH, ZMQ_DEALER};
    const char *endpoints[] = {self->cfg->work_endpoint, self->cfg->results_endpoint,
                               self->cfg->control_endpoint};
    void *s = zmq_socket(self->ctx, types[i]);
    vouch_wire_socket_defaults(s);
    if (types[i] == ZMQ_PULL) {
        /* take few batches ahead, so the others go to idle workers */
        int hwm = 2;
        zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    }
    if (vouch_curve_set_client(s, self->cfg, endpoints[i], err) != 0) {
        zmq_close(s);
        return -1;
    }
    void *watch = vouch_curve_watch(self->ctx, s, s_socket_names[i]);
    char *dial = vouch_wire_dial_endpoint(endpoints[i]);
    if (zmq_connect(s, dial) != 0) {
        vouch_error_set(err, "cannot connect to %s: %s", dial, zmq_strerror(zmq_errno()));
        free(dial);
        if (watch)
            zmq_close(watch);
        zmq_close(s);
        return -1;
    }
    free(dial);
    if (*s_slot(self, i))
        zmq_close(*s_slot(self, i));
    if (self->watch[i])
        zmq_close(self->watch[i]);
    *s_slot(self, i) = s;
    self->watch[i] = watch;
    self->redial_at[i] = 0;
    return 0;
}

vouch_worker_t *vouch_worker_new(const vouch_config_t *cfg, const char *id, vouch_error_t *err)
{
    vouch_worker_t *self = vouch_calloc(1, sizeof *self);
    self->cfg = cfg;
    self->id = vouch_strdup(id);
    self->ctx = zmq_ctx_new();
    /* three lines a minute per socket, ten in all */
    self->log = vouch_ratelimit_new(60, 3, 10);
    for (int i = 0; i < 3; i++)
        if (s_dial(self, i, err) != 0) {
            vouch_worker_destroy(&self);
            return NULL;
        }
    return self;
}

void vouch_worker_destroy(vouch_worker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_worker_t *self = *self_p;
    for (int i = 0; i < S_POLICIES; i++)
        vouch_policy_destroy(&self->policies[i]);
    if (self->pull)
        zmq_close(self->pull);
    if (self->push)
        zmq_close(self->push);
    if (self->control)
        zmq_close(self->control);
    for (int i = 0; i < 3; i++)
        if (self->watch[i])
            zmq_close(self->watch[i]);
    zmq_ctx_term(self->ctx);
    vouch_ratelimit_destroy(&self->log);
    free(self->id);
    free(self);
    *self_p = NULL;
}

static void s_heartbeat(vouch_worker_t *self)
{
    json_t *h = json_pack("{s:s, s:s, s:I}", "type", "heartbeat", "worker", self->id, "batches",
                          (json_int_t)self->batches);
    vouch_wire_send(self->control, NULL, 0, h, NULL, 0, ZMQ_DONTWAIT);
    json_decref(h);
    self->last_heartbeat = s_now_ms();
}

/* A message dropped or a handshake failed on socket what: a few lines a
 * minute, the rest counted */
static void s_dropped(vouch_worker_t *self, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void s_dropped(vouch_worker_t *self, const char *what, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    bool pass = vouch_ratelimit_vline(self->log, what, time(NULL), text, sizeof text, fmt, ap);
    va_end(ap);
    if (pass)
        vouch_warn("%s: %s", what, text);
}

/* A handshake with vouchd failed: this worker's key refused, CURVE on one
 * side only, a wrong server key */
static void s_watch(vouch_worker_t *self, int i)
{
    char text[300];
    bool refused;
    int rc;
    while ((rc = vouch_curve_watch_read(self->watch[i], text, sizeof text, &refused)) >= 0) {
        if (rc == 0)
            continue;
        /* libzmq dials no more after a refusal: the worker does, now and
         * then, so that a key allowed later is let in without a restart */
        if (rc == 2 && !self->redial_at[i])
            self->redial_at[i] = s_now_ms() + S_REDIAL_MS;
        if (refused)
            s_dropped(self, s_socket_names[i],
                      "vouchd refused this worker's key (curve_client_key %s): its .pub must be "
                      "in vouchd's curve_allow_dir",
                      self->cfg->curve_client_key);
        else
            s_dropped(self, s_socket_names[i],
                      "handshake with vouchd failed %s: is curve the same on both sides, and "
                      "curve_server_public vouchd's public key?",
                      text);
    }
}

/* The policy of that version: at hand, or fetched from vouchd and checked
 * against its hash. Borrowed, or NULL (the batch is then left for another try). */
static const vouch_policy_t *s_policy(vouch_worker_t *self, const char *version,
                                      const char *profile)
{
    for (int i = 0; i < S_POLICIES; i++)
        if (self->policies[i] && strcmp(vouch_policy_version(self->policies[i]), version) == 0 &&
            strcmp(vouch_policy_profile(self->policies[i]), profile) == 0)
            return self->policies[i];
    json_t *req = json_pack("{s:s, s:s}", "type", "policy_get", "version", version);
    int rc = vouch_wire_send(self->control, NULL, 0, req, NULL, 0, ZMQ_DONTWAIT);
    json_decref(req);
    if (rc != 0)
        return NULL;
    int64_t deadline = s_now_ms() + S_FETCH_TIMEOUT_MS;
    while (s_now_ms() < deadline) {
        zmq_pollitem_t item = {self->control, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, (long)(deadline - s_now_ms())) <= 0)
            continue;
        vouch_wire_msg_t msg;
        vouch_error_t err;
        vouch_error_clear(&err);
        if (vouch_wire_recv(self->control, false, ZMQ_DONTWAIT, &msg, &err) != 0)
            continue;
        if (strcmp(msg.type, "error") == 0) {
            vouch_warn("policy %s: %s", version, vouch_wire_get_str(msg.header, "error") ?: "");
            vouch_wire_msg_close(&msg);
            return NULL;
        }
        if (strcmp(msg.type, "policy") != 0 || !msg.has_payload) {
            vouch_wire_msg_close(&msg);
            continue;
        }
        vouch_policy_t *p =
            vouch_policy_new(zmq_msg_data(&msg.payload), zmq_msg_size(&msg.payload), profile, &err);
        vouch_wire_msg_close(&msg);
        if (!p) {
            vouch_error("policy %s from vouchd does not load: %s", version, err.text);
            return NULL;
        }
        if (strcmp(vouch_policy_version(p), version) != 0) {
            /* vouchd reloaded in between: this batch waits for its redispatch */
            vouch_warn("asked for policy %s, got %s", version, vouch_policy_version(p));
            vouch_policy_destroy(&p);
            return NULL;
        }
        vouch_policy_destroy(&self->policies[self->next_policy]);
        self->policies[self->next_policy] = p;
        self->next_policy = (self->next_policy + 1) % S_POLICIES;
        vouch_info("loaded policy %s (profile %s)", version, profile);
        return p;
    }
    vouch_warn("no answer from vouchd for policy %s", version);
    return NULL;
}

#ifdef VOUCH_FAULTS
/* The fault tests' worker (tests/fault, never installed): VOUCH_FAULT=twice
 * answers every batch twice, VOUCH_FAULT=late:SECONDS:COUNT answers its first
 * COUNT batches SECONDS late, later than vouchd's dispatch_timeout. */
static void s_fault_before_send(void)
{
    static int late;
    unsigned seconds = 0;
    int count = 0;
    const char *f = getenv("VOUCH_FAULT");
    if (f && sscanf(f, "late:%u:%d", &seconds, &count) == 2 && late < count) {
        late++;
        vouch_info("fault: answering %u s late (%d of %d)", seconds, late, count);
        sleep(seconds);
    }
}

static bool s_fault_twice(void)
{
    const char *f = getenv("VOUCH_FAULT");
    return f && strcmp(f, "twice") == 0;
}
#else
static void s_fault_before_send(void)
{
}

static bool s_fault_twice(void)
{
    return false;
}
#endif

static void s_batch(vouch_worker_t *self, vouch_wire_msg_t *msg)
{
    long long ledger_id, batch_no;
    const char *version = vouch_wire_get_str(msg->header, "policy");
    const char *profile = vouch_wire_get_str(msg->header, "profile");
    json_t *contracts_json = json_object_get(msg->header, "contracts");
    if (strcmp(msg->type, "batch") != 0 ||
        vouch_wire_get_int(msg->header, "ledger_id", &ledger_id) != 0 ||
        vouch_wire_get_int(msg->header, "batch_no", &batch_no) != 0 ||
        !vouch_wire_name_ok(version, 64) || !vouch_wire_name_ok(profile, 64) ||
        !json_is_array(contracts_json) || !msg->has_payload) {
        s_dropped(self, "work", "dropped a \"%.32s\" message: not a batch with its fields",
                  msg->type);
        return;
    }
    const vouch_policy_t *policy = s_policy(self, version, profile);
    if (!policy)
        return;
    vouch_line_t *lines = NULL;
    size_t n = 0;
    vouch_error_t err;
    vouch_error_clear(&err);
    if (vouch_wire_lines_decode(zmq_msg_data(&msg->payload), zmq_msg_size(&msg->payload), &lines,
                                &n, &err) != 0) {
        /* no worker could read these bytes: say so, rather than let vouchd
         * send them round again */
        vouch_warn("batch %lld/%lld: %s", ledger_id, batch_no, err.text);
        json_t *h = json_pack("{s:s, s:I, s:I, s:s, s:s}", "type", "batch_error", "ledger_id",
                              (json_int_t)ledger_id, "batch_no", (json_int_t)batch_no, "worker",
                              self->id, "error", err.text);
        vouch_wire_send(self->push, NULL, 0, h, NULL, 0, 0);
        json_decref(h);
        return;
    }
    size_t nc = json_array_size(contracts_json);
    vouch_contract_total_t *contracts = vouch_calloc(nc ? nc : 1, sizeof *contracts);
    size_t k = 0;
    for (size_t i = 0; i < nc; i++) {
        json_t *pair = json_array_get(contracts_json, i);
        const char *no = json_string_value(json_array_get(pair, 0));
        json_t *total = json_array_get(pair, 1);
        if (no && json_is_integer(total)) {
            contracts[k].contract_no = no;
            contracts[k].total = json_integer_value(total);
            k++;
        }
    }
    vouch_batch_view_t view = {lines, n, contracts, k};
    json_t *findings = json_array();
    vouch_rules_run(policy, &view, findings);
    char *text = json_dumps(findings, JSON_COMPACT);
    json_t *h =
        json_pack("{s:s, s:I, s:I, s:s, s:s, s:I}", "type", "findings", "ledger_id",
                  (json_int_t)ledger_id, "batch_no", (json_int_t)batch_no, "policy", version,
                  "worker", self->id, "count", (json_int_t)json_array_size(findings));
    s_fault_before_send();
    if (vouch_wire_send(self->push, NULL, 0, h, text, strlen(text), 0) != 0)
        vouch_warn("cannot send findings of batch %lld/%lld: %s", ledger_id, batch_no,
                   zmq_strerror(zmq_errno()));
    else
        self->batches++;
    if (s_fault_twice())
        vouch_wire_send(self->push, NULL, 0, h, text, strlen(text), 0);
    vouch_debug("batch %lld/%lld: %zu lines, %zu findings", ledger_id, batch_no, n,
                json_array_size(findings));
    json_decref(h);
    free(text);
    json_decref(findings);
    free(contracts);
    free(lines);
}

/* vouchd answered: after a silence, say it is back */
static void s_heard(vouch_worker_t *self)
{
    self->last_heard = s_now_ms();
    if (self->silent)
        vouch_info("vouchd answers again");
    self->silent = false;
}

int vouch_worker_run(vouch_worker_t *self, volatile int *stop)
{
    self->last_heard = s_now_ms();
    s_heartbeat(self);
    while (!*stop) {
        vouch_notify_watchdog();
        zmq_pollitem_t items[] = {
            {self->pull, 0, ZMQ_POLLIN, 0},     {self->control, 0, ZMQ_POLLIN, 0},
            {self->watch[0], 0, ZMQ_POLLIN, 0}, {self->watch[1], 0, ZMQ_POLLIN, 0},
            {self->watch[2], 0, ZMQ_POLLIN, 0},
        };
        int nitems = self->watch[0] && self->watch[1] && self->watch[2] ? 5 : 2;
        int rc = zmq_poll(items, nitems, 500);
        if (rc < 0 && zmq_errno() != EINTR)
            return -1;
        if (items[0].revents & ZMQ_POLLIN) {
            vouch_wire_msg_t msg;
            vouch_error_t err;
            vouch_error_clear(&err);
            int r = vouch_wire_recv(self->pull, false, ZMQ_DONTWAIT, &msg, &err);
            if (r == 0) {
                s_batch(self, &msg);
                vouch_wire_msg_close(&msg);
            } else if (r == -2)
                s_dropped(self, "work", "dropped a message: %s", err.text);
        }
        if (items[1].revents & ZMQ_POLLIN) {
            /* heartbeats answered, or a late answer to a policy fetch */
            vouch_wire_msg_t msg;
            vouch_error_t err;
            vouch_error_clear(&err);
            int r = vouch_wire_recv(self->control, false, ZMQ_DONTWAIT, &msg, &err);
            if (r == 0) {
                s_heard(self);
                vouch_wire_msg_close(&msg);
            } else if (r == -2)
                s_dropped(self, "control", "dropped a message: %s", err.text);
        }
        for (int i = 0; i < 3; i++)
            if (items[2 + i].revents & ZMQ_POLLIN)
                s_watch(self, i);
        int64_t now = s_now_ms();
        for (int i = 0; i < 3; i++) {
            vouch_error_t err;
            vouch_error_clear(&err);
            if (self->redial_at[i] && now >= self->redial_at[i] && s_dial(self, i, &err) != 0) {
                s_dropped(self, s_socket_names[i], "cannot dial vouchd again: %s", err.text);
                self->redial_at[i] = now + S_REDIAL_MS;
            }
        }
        if (now - self->last_heartbeat >= S_HEARTBEAT_MS)
            s_heartbeat(self);
        if (!self->silent && now - self->last_heard > 3 * S_HEARTBEAT_MS) {
            self->silent = true;
            vouch_warn("no word from vouchd for %lld s: waiting for it (its batches come "
                       "when it is back)",
                       (long long)((now - self->last_heard) / 1000));
        }
    }
    return 0;
}
