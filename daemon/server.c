/* server.c: vouchd's main loop, in the actor style: one poller over the
 * control, results and storer sockets, one handler each, and a tick that
 * reconnects the database and dispatches batches. */
#include "server.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "alloc.h"
#include "db.h"
#include "file.h"
#include "ledger_rules.h"
#include "log.h"
#include "notify.h"
#include "policy.h"
#include "spool.h"

int64_t vouch_server_now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void vouch_server_note_error(vouch_server_t *self, const char *fmt, ...)
{
    char text[440];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    vouch_warn("%s", text);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(self->errors[self->next_error], sizeof self->errors[0], "%s %s", stamp, text);
    self->next_error = (self->next_error + 1) % VOUCH_MAX_ERRORS;
}

void vouch_server_refused(vouch_server_t *self, const char *what, const char *kind, const char *fmt,
                          ...)
{
    char key[160], text[400];
    snprintf(key, sizeof key, "%s %s", what, kind ? kind : "");
    va_list ap;
    va_start(ap, fmt);
    bool pass = vouch_ratelimit_vline(self->log, key, time(NULL), text, sizeof text, fmt, ap);
    va_end(ap);
    if (pass)
        vouch_server_note_error(self, "%s: %s", what, text);
}

/* Once a minute: what the limiter held back and no line said */
static void s_refused_summary(vouch_server_t *self)
{
    unsigned long held = vouch_ratelimit_held(self->log, time(NULL));
    if (held)
        vouch_warn("%lu more refused, not logged one by one", held);
}

static const char *const s_socket_names[] = {"control", "work", "results"};

/* A handshake failed on one of the endpoints: bytes that are not ZMTP, a
 * peer without CURVE. A key refused is the ZAP handler's to log. */
static void s_watch(vouch_server_t *self, int i)
{
    char text[300];
    bool refused;
    int rc;
    while ((rc = vouch_curve_watch_read(self->watch[i], text, sizeof text, &refused)) >= 0)
        if (rc > 0 && !refused)
            vouch_server_refused(self, s_socket_names[i], text, "a peer failed the handshake %s",
                                 text);
}

void vouch_server_db_failed(vouch_server_t *self, const char *why)
{
    if (self->db_up) {
        vouch_server_note_error(self, "database: %s", why);
        vouch_notify_status("database down: %.200s", why);
    }
    snprintf(self->db_error, sizeof self->db_error, "%s", why);
    if (self->conn && vouch_db_lost(self->conn)) {
        PQfinish(self->conn);
        self->conn = NULL;
        self->db_up = false;
    }
}

static void s_db_tick(vouch_server_t *self)
{
    if (self->conn && !vouch_db_lost(self->conn)) {
        self->db_up = true;
        return;
    }
    self->db_up = false;
    int64_t now = vouch_server_now_ms();
    if (now < self->db_next_try_ms)
        return;
    if (self->conn) {
        PQfinish(self->conn);
        self->conn = NULL;
    }
    vouch_error_t err;
    vouch_error_clear(&err);
    char *conninfo = vouch_config_conninfo(self->cfg);
    self->conn = vouch_db_connect(conninfo, &err);
    free(conninfo);
    if (self->conn && vouch_db_migrate(self->conn, self->cfg->sql_dir, &err) < 0) {
        vouch_server_note_error(self, "%s", err.text);
        PQfinish(self->conn);
        self->conn = NULL;
    }
    if (!self->conn) {
        snprintf(self->db_error, sizeof self->db_error, "%s", err.text);
        self->db_backoff_ms = self->db_backoff_ms ? self->db_backoff_ms * 2 : 250;
        if (self->db_backoff_ms > 10000)
            self->db_backoff_ms = 10000;
        self->db_next_try_ms = now + self->db_backoff_ms;
        return;
    }
    /* the main loop serves uploads and status between queries: none of its
     * queries may hold it for long (a lock held by hand, a stuck server) */
    vouch_db_cmd(self->conn, NULL, "SET statement_timeout = '30s'", 0, NULL);
    self->db_backoff_ms = 0;
    self->db_up = true;
    self->db_error[0] = '\0';
    vouch_info("database connected");
    vouch_notify_status("serving; database up");
    if (!self->recovered && vouch_dispatch_recover(self) == 0)
        self->recovered = true;
}

static void s_storer_message(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    const json_t *h = msg->header;
    if (strcmp(msg->type, "db") == 0) {
        const char *state = vouch_wire_get_str(h, "state");
        const char *error = vouch_wire_get_str(h, "error");
        bool up = state && strcmp(state, "up") == 0;
        if (!up && self->storer_db_up)
            vouch_server_note_error(self, "storing: database: %s", error ? error : "down");
        self->storer_db_up = up;
        if (!up && error)
            snprintf(self->db_error, sizeof self->db_error, "%s", error);
        return;
    }
    if (strcmp(msg->type, "cross") == 0) {
        long long id = 0, n = 0;
        vouch_wire_get_int(h, "ledger_id", &id);
        vouch_wire_get_int(h, "findings", &n);
        const char *error = vouch_wire_get_str(h, "error");
        if (error)
            vouch_server_note_error(
                self, "ledger %lld: cross-voucher rules failed, will try again: %s", id, error);
        else {
            self->findings_stored += n;
            vouch_info("ledger %lld: cross-voucher rules done, %lld findings", id, n);
        }
        return;
    }
    if (strcmp(msg->type, "file") != 0)
        return;
    long long stored = 0;
    vouch_wire_get_int(h, "ledger_id", &stored);
    if (stored != self->contracts_ledger)
        self->files_stored++; /* its installments count in other ledgers' totals */
    const char *ticket = vouch_wire_get_str(h, "ticket");
    if (!ticket)
        return;
    vouch_ticket_t *t = vouch_control_ticket(self, ticket, true);
    long long v;
    snprintf(t->name, sizeof t->name, "%s", vouch_wire_get_str(h, "name") ?: "");
    snprintf(t->status, sizeof t->status, "%s", vouch_wire_get_str(h, "status") ?: "");
    snprintf(t->error, sizeof t->error, "%s", vouch_wire_get_str(h, "error") ?: "");
    t->ledger_id = vouch_wire_get_int(h, "ledger_id", &v) == 0 ? v : 0;
    t->supersedes = vouch_wire_get_int(h, "supersedes", &v) == 0 ? v : 0;
    t->lines = vouch_wire_get_int(h, "lines", &v) == 0 ? (long)v : 0;
    t->vouchers = vouch_wire_get_int(h, "vouchers", &v) == 0 ? (long)v : 0;
    t->batches = vouch_wire_get_int(h, "batches", &v) == 0 ? (long)v : 0;
    t->dropped = vouch_wire_get_int(h, "dropped", &v) == 0 ? (long)v : 0;
    if (strcmp(t->status, "rejected") == 0)
        vouch_server_note_error(self, "%s", t->error);
    const char *rules_error = vouch_wire_get_str(h, "rules_error");
    if (rules_error)
        vouch_server_note_error(self,
                                "ledger %lld: the voucher rules did not run as it was "
                                "stored (analysis runs them again): %s",
                                t->ledger_id, rules_error);
}

/* Drain up to max messages from one socket through handler. */
static void s_drain(vouch_server_t *self, void *socket, bool router, int max,
                    void (*handler)(vouch_server_t *, vouch_wire_msg_t *), const char *what)
{
    for (int i = 0; i < max; i++) {
        vouch_wire_msg_t msg;
        vouch_error_t err;
        vouch_error_clear(&err);
        int rc = vouch_wire_recv(socket, router, ZMQ_DONTWAIT, &msg, &err);
        if (rc == -1)
            return;
        if (rc == -2) {
            vouch_server_refused(self, what, NULL, "dropped a message: %s", err.text);
            if (router && msg.id_len)
                vouch_wire_send_error(socket, msg.id, msg.id_len, err.text);
            vouch_wire_msg_close(&msg);
            continue;
        }
        handler(self, &msg);
        vouch_wire_msg_close(&msg);
    }
}

/* After SIGTERM: true while batches are out and the drain deadline has not
 * passed. No new file is taken and no batch sent meanwhile; answers are
 * stored as they come. What is still out at the deadline is sent again at
 * the next start (vouch_dispatch_recover). */
static bool s_draining(vouch_server_t *self, int64_t until)
{
    int out = vouch_dispatch_outstanding(self);
    if (out > 0 && vouch_server_now_ms() < until)
        return true;
    if (out > 0)
        vouch_info("%d batches still out at the drain deadline: sent again at the next start", out);
    return false;
}

static void s_stop_storer(vouch_server_t *self)
{
    json_t *stop = vouch_wire_header("stop");
    vouch_wire_send(self->storer_pipe, NULL, 0, stop, NULL, 0, 0);
    json_decref(stop);
}

int vouch_server_run(vouch_server_t *self, volatile int *stop, volatile int *reload)
{
    int64_t last_dispatch = 0, drain_until = 0;
    for (;;) {
        if (*stop && !drain_until) {
            /* the storer finishes the file it holds and takes no other */
            s_stop_storer(self);
            drain_until = vouch_server_now_ms() + (int64_t)self->cfg->drain_timeout * 1000;
            vouch_info("stopping: storing no new file, waiting up to %d s for the batches out",
                       self->cfg->drain_timeout);
            vouch_notify_stopping("draining the batches out");
        }
        if (drain_until && vouch_server_now_ms() - last_dispatch >= 200) {
            last_dispatch = vouch_server_now_ms();
            if (!s_draining(self, drain_until))
                break;
        }
        if (*reload) {
            *reload = 0;
            /* batches already out keep the version they name; new ones take the new one */
            vouch_error_t err;
            vouch_error_clear(&err);
            char old[17];
            snprintf(old, sizeof old, "%s", self->policy_version);
            if (vouch_server_load_policy(self, &err) == 0) {
                char orgs[1024];
                vouch_policy_set_describe(self->policies, orgs, sizeof orgs);
                vouch_info("policy reloaded: %s -> %s (profile %s%s%s)", old, self->policy_version,
                           self->policy_profile, orgs[0] ? "; " : "", orgs);
            } else {
                char text[1024];
                vouch_server_note_error(self, "policy not reloaded, keeping %s: %s", old,
                                        vouch_error_format(&err, text, sizeof text));
            }
            vouch_zap_reload(self->zap);
        }
        vouch_notify_watchdog();
        zmq_pollitem_t items[] = {
            {self->control, 0, ZMQ_POLLIN, 0},     {self->results, 0, ZMQ_POLLIN, 0},
            {self->storer_pipe, 0, ZMQ_POLLIN, 0}, {self->watch[0], 0, ZMQ_POLLIN, 0},
            {self->watch[1], 0, ZMQ_POLLIN, 0},    {self->watch[2], 0, ZMQ_POLLIN, 0},
        };
        int nitems = self->watch[0] && self->watch[1] && self->watch[2] ? 6 : 3;
        int rc = zmq_poll(items, nitems, 100);
        if (rc < 0 && zmq_errno() != EINTR)
            return -1;
        for (int i = 3; i < nitems; i++)
            if (items[i].revents & ZMQ_POLLIN)
                s_watch(self, i - 3);
        s_refused_summary(self);
        if (items[2].revents & ZMQ_POLLIN)
            s_drain(self, self->storer_pipe, false, 64, s_storer_message, "storer");
        if (items[0].revents & ZMQ_POLLIN)
            s_drain(self, self->control, true, 256, vouch_control_handle, "control");
        s_db_tick(self);
        if (items[1].revents & ZMQ_POLLIN)
            s_drain(self, self->results, false, 64, vouch_dispatch_findings, "results");
        int64_t now = vouch_server_now_ms();
        /* dispatch whenever something came back (room freed up), else a few times a second */
        if (!drain_until && (items[1].revents || items[2].revents || now - last_dispatch >= 200)) {
            vouch_dispatch_tick(self);
            last_dispatch = now;
            vouch_control_expire_uploads(self);
        }
    }
    return 0;
}

/* Read and check the policy file; vouchd serves exactly these bytes to
 * workers, under the version their hash gives. What of vouch.conf chooses
 * profiles (policy_file, policy_profile, profile.<org>) is read afresh, so
 * that SIGHUP also takes an org's new profile. */
int vouch_server_load_policy(vouch_server_t *self, vouch_error_t *err)
{
    vouch_config_t *fresh = vouch_config_new(self->cfg->home, err);
    if (!fresh)
        return -1;
    size_t len;
    char *bytes = vouch_file_read(fresh->policy_file, 16u << 20, &len, err);
    vouch_policy_set_t *set = bytes ? vouch_policy_set_new(bytes, len, fresh, err) : NULL;
    if (!set) {
        snprintf(err->file, sizeof err->file, "%s", fresh->policy_file);
        free(bytes);
        vouch_config_destroy(&fresh);
        return -1;
    }
    vouch_config_destroy(&fresh);
    const vouch_policy_t *policy = vouch_policy_set_default(set);
    /* the rules PostgreSQL runs read the default profile's parameters */
    char *ledger_rules = vouch_ledger_rules_params(policy, err);
    if (!ledger_rules) {
        vouch_policy_set_destroy(&set);
        free(bytes);
        return -1;
    }
    if (self->policy_bytes && strcmp(self->policy_version, vouch_policy_version(policy)) != 0) {
        free(self->previous_bytes);
        self->previous_bytes = self->policy_bytes;
        self->previous_len = self->policy_len;
        snprintf(self->previous_version, sizeof self->previous_version, "%s", self->policy_version);
    } else
        free(self->policy_bytes);
    free(self->policy_profile);
    free(self->ledger_rules);
    self->ledger_rules = ledger_rules;
    if (self->storer)
        vouch_storer_set_ledger_rules(self->storer_pipe, ledger_rules);
    self->policy_bytes = bytes;
    self->policy_len = len;
    snprintf(self->policy_version, sizeof self->policy_version, "%s", vouch_policy_version(policy));
    self->policy_profile = vouch_strdup(vouch_policy_profile(policy));
    vouch_policy_set_destroy(&self->policies);
    self->policies = set;
    json_decref(self->contracts);
    self->contracts = NULL;
    return 0;
}

/* Bind one endpoint: CURVE (with keys, NULL: none) as vouch.conf says for
 * it, and its handshakes watched as watch_i. */
static void *s_bind(vouch_server_t *self, int type, const char *endpoint,
                    const vouch_curve_keypair_t *keys, int watch_i, vouch_error_t *err)
{
    void *s = zmq_socket(self->ctx, type);
    vouch_wire_socket_defaults(s);
    if (type == ZMQ_PUSH) {
        /* few batches wait in any one worker's pipe: the rest wait in PostgreSQL */
        int hwm = 2;
        zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    }
    if (type == ZMQ_ROUTER) {
        /* what comes in here is a header or an upload chunk, never more */
        int64_t max = VOUCH_WIRE_MAX_CONTROL;
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max);
    }
    if (keys && vouch_curve_wanted(self->cfg->curve, endpoint) &&
        vouch_curve_set_server(s, keys, err) != 0) {
        zmq_close(s);
        return NULL;
    }
    if (watch_i >= 0)
        self->watch[watch_i] = vouch_curve_watch(self->ctx, s, s_socket_names[watch_i]);
    if (zmq_bind(s, endpoint) != 0) {
        vouch_error_set(err, "cannot bind %s: %s", endpoint, zmq_strerror(zmq_errno()));
        zmq_close(s);
        return NULL;
    }
    return s;
}

static void s_mkdir_for_ipc(const char *endpoint)
{
    if (strncmp(endpoint, "ipc://", 6) != 0)
        return;
    char *path = vouch_strdup(endpoint + 6);
    char *slash = strrchr(path, '/');
    if (slash) {
        *slash = '\0';
        mkdir(path, 0700);
    }
    free(path);
}

/* CURVE is on for some endpoint: vouchd's key pair, and the ZAP handler
 * bound before any CURVE socket is (libzmq lets every client in while none
 * answers). */
static int s_curve_start(vouch_server_t *self, vouch_curve_keypair_t *keys, vouch_error_t *err)
{
    const vouch_config_t *cfg = self->cfg;
    if (vouch_curve_read_keypair(cfg->curve_server_key, keys, err) != 0) {
        char why[sizeof err->text];
        snprintf(why, sizeof why, "%s", err->text);
        vouch_error_set(err, "curve_server_key: %s (CURVE is on: vouchctl keygen server makes it)",
                        why);
        return -1;
    }
    if (!(self->zap = vouch_zap_new(self->ctx, cfg->curve_allow_dir, err)))
        return -1;
    char on[128] = "";
    const char *endpoints[] = {cfg->control_endpoint, cfg->work_endpoint, cfg->results_endpoint};
    for (int i = 0; i < 3; i++)
        if (vouch_curve_wanted(cfg->curve, endpoints[i]))
            snprintf(on + strlen(on), sizeof on - strlen(on), "%s%s", on[0] ? ", " : "",
                     s_socket_names[i]);
    vouch_info("CURVE on %s (curve = %s); %zu client key(s) allowed in %s", on, cfg->curve,
               vouch_zap_allowed(self->zap), cfg->curve_allow_dir);
    return 0;
}

vouch_server_t *vouch_server_new(const vouch_config_t *cfg, vouch_error_t *err)
{
    vouch_server_t *self = vouch_calloc(1, sizeof *self);
    self->cfg = cfg;
    /* five lines a minute per socket, thirty in all */
    self->log = vouch_ratelimit_new(60, 5, 30);
    self->started = time(NULL);
    self->storer_db_up = true; /* until the storer says otherwise */
    for (int i = 0; i < VOUCH_MAX_UPLOADS; i++)
        self->uploads[i].fd = -1;
    if (vouch_server_load_policy(self, err) != 0)
        goto fail;
    if (vouch_spool_prepare(cfg->spool_dir, err) != 0)
        goto fail;
    int swept = vouch_spool_sweep_incoming(cfg->spool_dir);
    if (swept > 0)
        vouch_info("removed %d unfinished upload(s) left by an earlier run", swept);
    self->ctx = zmq_ctx_new();
    s_mkdir_for_ipc(cfg->control_endpoint);
    s_mkdir_for_ipc(cfg->work_endpoint);
    s_mkdir_for_ipc(cfg->results_endpoint);
    vouch_curve_keypair_t keys;
    bool curve = vouch_curve_any(cfg);
    if (curve && s_curve_start(self, &keys, err) != 0)
        goto fail;
    bool bound =
        (self->control =
             s_bind(self, ZMQ_ROUTER, cfg->control_endpoint, curve ? &keys : NULL, 0, err)) &&
        (self->work = s_bind(self, ZMQ_PUSH, cfg->work_endpoint, curve ? &keys : NULL, 1, err)) &&
        (self->results =
             s_bind(self, ZMQ_PULL, cfg->results_endpoint, curve ? &keys : NULL, 2, err)) &&
        (self->storer_pipe = s_bind(self, ZMQ_PAIR, "inproc://storer", NULL, -1, err));
    memset(&keys, 0, sizeof keys);
    if (!bound)
        goto fail;
    self->storer = vouch_storer_new(self->ctx, "inproc://storer", cfg, self->ledger_rules);
    if (!self->storer) {
        vouch_error_set(err, "cannot start the storing thread");
        goto fail;
    }
    self->digests = vouch_digests_new(cfg);
    if (!self->digests) {
        vouch_error_set(err, "cannot start the digest thread");
        goto fail;
    }
    return self;
fail:
    vouch_server_destroy(&self);
    return NULL;
}

void vouch_server_destroy(vouch_server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_server_t *self = *self_p;
    vouch_digests_destroy(&self->digests);
    json_decref(self->contracts);
    if (self->storer) {
        s_stop_storer(self);
        vouch_storer_destroy(&self->storer);
    }
    for (int i = 0; i < VOUCH_MAX_UPLOADS; i++)
        if (self->uploads[i].used) {
            close(self->uploads[i].fd);
            unlink(self->uploads[i].part_path);
            free(self->uploads[i].part_path);
            free(self->uploads[i].name);
            free(self->uploads[i].org);
            vouch_sha256_destroy(&self->uploads[i].sha);
        }
    if (self->control)
        zmq_close(self->control);
    if (self->work)
        zmq_close(self->work);
    if (self->results)
        zmq_close(self->results);
    if (self->storer_pipe)
        zmq_close(self->storer_pipe);
    for (int i = 0; i < 3; i++)
        if (self->watch[i])
            zmq_close(self->watch[i]);
    vouch_zap_destroy(&self->zap);
    if (self->ctx)
        zmq_ctx_term(self->ctx);
    PQfinish(self->conn);
    free(self->policy_bytes);
    free(self->previous_bytes);
    free(self->policy_profile);
    vouch_policy_set_destroy(&self->policies);
    free(self->ledger_rules);
    vouch_ratelimit_destroy(&self->log);
    free(self);
    *self_p = NULL;
}
