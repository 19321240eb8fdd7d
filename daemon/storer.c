/* storer.c: the storing thread: spool in, ledgers out, PostgreSQL outages
 * ridden out with back-off while files wait safely in the spool. */
#include "storer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "alloc.h"
#include "crossrules.h"
#include "clock.h"
#include "db.h"
#include "ingest.h"
#include "log.h"
#include "spool.h"
#include "wire.h"

#define S_DEFERRED 64

/* a file whose storing failed for the database's reasons: tried again at
 * until_ms, and passed over before, so the files behind it still move */
typedef struct {
    char name[256];
    int64_t until_ms;
    int attempts;
} s_deferred_t;

struct vouch_storer_t {
    pthread_t thread;
    void *ctx;
    char *endpoint;
    const vouch_config_t *cfg;
    void *pipe;
    PGconn *conn;
    bool stop;
    int backoff_ms;
    bool db_up;         /* as last reported to the main loop */
    char *ledger_rules; /* parameters of the rules run as a file is stored */
    s_deferred_t deferred[S_DEFERRED];
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static s_deferred_t *s_deferred(vouch_storer_t *self, const char *name, bool create)
{
    s_deferred_t *free_slot = NULL;
    for (int i = 0; i < S_DEFERRED; i++) {
        if (self->deferred[i].name[0] && strcmp(self->deferred[i].name, name) == 0)
            return &self->deferred[i];
        if (!self->deferred[i].name[0] && !free_slot)
            free_slot = &self->deferred[i];
    }
    if (!create)
        return NULL;
    if (!free_slot)
        free_slot = &self->deferred[0]; /* forget the oldest-placed: it is retried at once */
    memset(free_slot, 0, sizeof *free_slot);
    snprintf(free_slot->name, sizeof free_slot->name, "%s", name);
    return free_slot;
}

static bool s_skip(void *arg, const char *name)
{
    s_deferred_t *d = s_deferred(arg, name, false);
    return d && s_now_ms() < d->until_ms;
}

static void s_report_db(vouch_storer_t *self, const char *state, const char *error)
{
    self->db_up = strcmp(state, "up") == 0;
    json_t *h = json_pack("{s:s, s:s, s:s?}", "type", "db", "state", state, "error", error);
    vouch_wire_send(self->pipe, NULL, 0, h, NULL, 0, 0);
    json_decref(h);
}

/* wait up to ms for a message from the main loop; handle it */
static void s_wait(vouch_storer_t *self, int ms)
{
    zmq_pollitem_t item = {self->pipe, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, ms) <= 0)
        return;
    while (true) {
        vouch_wire_msg_t msg;
        vouch_error_t err;
        int rc = vouch_wire_recv(self->pipe, false, ZMQ_DONTWAIT, &msg, &err);
        if (rc == -1)
            break;
        if (rc == 0 && strcmp(msg.type, "stop") == 0)
            self->stop = true;
        const char *params = rc == 0 && strcmp(msg.type, "ledger_rules") == 0
                                 ? vouch_wire_get_str(msg.header, "params")
                                 : NULL;
        if (params) {
            free(self->ledger_rules);
            self->ledger_rules = vouch_strdup(params);
        }
        if (rc == 0)
            vouch_wire_msg_close(&msg);
    }
}

static bool s_connect(vouch_storer_t *self)
{
    if (self->conn && !vouch_db_lost(self->conn))
        return true;
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
        PQfinish(self->conn);
        self->conn = NULL;
    }
    if (!self->conn) {
        s_report_db(self, "down", err.text);
        return false;
    }
    self->backoff_ms = 0;
    s_report_db(self, "up", NULL);
    return true;
}

static void s_backoff(vouch_storer_t *self)
{
    self->backoff_ms = self->backoff_ms ? self->backoff_ms * 2 : 250;
    if (self->backoff_ms > 10000)
        self->backoff_ms = 10000;
    s_wait(self, self->backoff_ms);
}

static void s_store(vouch_storer_t *self, vouch_spool_entry_t *e)
{
    vouch_ingest_opts_t opts = {
        .file_name = e->name,
        .org = e->org,
        .batch_lines = self->cfg->batch_lines,
        .max_lines = self->cfg->max_lines,
        .max_file_bytes = self->cfg->max_file_bytes,
        .max_line_bytes = self->cfg->max_line_bytes,
        .max_field_bytes = self->cfg->max_field_bytes,
        .ledger_rules = self->ledger_rules,
    };
    vouch_ingest_result_t res;
    vouch_ingest_file(self->conn, e->path, &opts, &res);
    char message[1024];
    vouch_error_format(&res.err, message, sizeof message);
    const char *ticket = e->ticket ? e->ticket : res.sha256;
    switch (res.status) {
    case VOUCH_INGEST_ACCEPTED:
        vouch_info("stored %s as ledger %lld: %ld lines, %ld vouchers, %ld batches, %ld "
                   "findings over its vouchers",
                   e->name, res.ledger_id, res.lines, res.vouchers, res.batches, res.findings);
        vouch_info("ledger %lld: stage parse_copy %.3f s", res.ledger_id, res.parse_copy_s);
        vouch_info("ledger %lld: stage vouchers %.3f s", res.ledger_id, res.vouchers_s);
        if (res.rules_lines >= 0)
            vouch_info("ledger %lld: stage voucher_rules %.3f s (%ld of %ld lines read)",
                       res.ledger_id, res.voucher_rules_s, res.rules_lines, res.lines);
        else
            vouch_info("ledger %lld: stage voucher_rules %.3f s", res.ledger_id,
                       res.voucher_rules_s);
        vouch_info("ledger %lld: stage commit %.3f s", res.ledger_id, res.commit_s);
        if (res.supersedes > 0)
            vouch_info("ledger %lld supersedes ledger %lld (the same unit and periods)",
                       res.ledger_id, res.supersedes);
        vouch_spool_remove(e);
        break;
    case VOUCH_INGEST_DUPLICATE:
        vouch_info("%s is a copy of ledger %lld: nothing stored", e->name, res.ledger_id);
        vouch_spool_remove(e);
        break;
    case VOUCH_INGEST_REJECTED:
        vouch_warn("refused %s", message);
        if (vouch_spool_reject(self->cfg->spool_dir, e, message) != 0) {
            vouch_error("cannot move %s to rejected/: removing it", e->path);
            vouch_spool_remove(e);
        }
        break;
    case VOUCH_INGEST_RETRY: {
        s_deferred_t *d = s_deferred(self, strrchr(e->path, '/') + 1, true);
        d->attempts++;
        int wait_ms = d->attempts >= 7 ? 30000 : 500 << d->attempts;
        d->until_ms = s_now_ms() + wait_ms;
        vouch_warn("cannot store %s now (attempt %d), will retry in %d s: %s", e->name, d->attempts,
                   wait_ms / 1000, res.err.text);
        s_report_db(self, "down", res.err.text);
        return;
    }
    }
    s_deferred_t *d = s_deferred(self, strrchr(e->path, '/') + 1, false);
    if (d)
        d->name[0] = '\0';
    if (!self->db_up)
        s_report_db(self, "up", NULL); /* it answered: whatever failed before is over */
    json_t *h = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "type", "file", "ticket",
                          ticket, "name", e->name, "status", vouch_ingest_status_name(res.status),
                          "ledger_id", (json_int_t)res.ledger_id, "lines", (json_int_t)res.lines,
                          "vouchers", (json_int_t)res.vouchers, "batches", (json_int_t)res.batches,
                          "dropped", (json_int_t)res.dropped);
    if (res.status == VOUCH_INGEST_REJECTED)
        json_object_set_new(h, "error", json_string(message));
    if (res.supersedes > 0)
        json_object_set_new(h, "supersedes", json_integer(res.supersedes));
    if (res.rules_error[0])
        json_object_set_new(h, "rules_error", json_string(res.rules_error));
    vouch_wire_send(self->pipe, NULL, 0, h, NULL, 0, 0);
    json_decref(h);
}

/* The rules across vouchers and ledgers over one ledger that is due; the
 * main loop hears the outcome. -1 when the database failed. */
static int s_cross(vouch_storer_t *self)
{
    if (!self->ledger_rules)
        return 0;
    long long ledger_id = 0, findings = 0;
    vouch_error_t rule_err, err;
    vouch_error_clear(&rule_err);
    vouch_error_clear(&err);
    double t0 = vouch_clock_s();
    int rc = vouch_crossrules_next(self->conn, self->ledger_rules, &ledger_id, &findings, &rule_err,
                                   &err);
    if (rc <= 0)
        return rc;
    vouch_info("ledger %lld: stage cross %.3f s", ledger_id, vouch_clock_s() - t0);
    json_t *h = json_pack("{s:s, s:I, s:I}", "type", "cross", "ledger_id", (json_int_t)ledger_id,
                          "findings", (json_int_t)findings);
    if (rc == 2)
        json_object_set_new(h, "error", json_string(rule_err.text));
    vouch_wire_send(self->pipe, NULL, 0, h, NULL, 0, 0);
    json_decref(h);
    return 0;
}

static void *s_run(void *arg)
{
    vouch_storer_t *self = arg;
    while (!self->stop) {
        if (!s_connect(self)) {
            s_backoff(self);
            continue;
        }
        /* a ledger whose batches are done gets the rules across vouchers and
         * ledgers, one per turn, so files and checks take turns */
        if (s_cross(self) < 0) {
            s_backoff(self);
            continue;
        }
        vouch_spool_entry_t e;
        if (!vouch_spool_next(self->cfg->spool_dir, &e, s_skip, self)) {
            s_wait(self, 250);
            continue;
        }
        s_store(self, &e);
        bool lost = vouch_db_lost(self->conn);
        vouch_spool_entry_free(&e);
        if (lost)
            s_backoff(self);
        else
            s_wait(self, 0);
    }
    PQfinish(self->conn);
    self->conn = NULL;
    return NULL;
}

void vouch_storer_set_ledger_rules(void *pipe, const char *ledger_rules)
{
    json_t *h = json_pack("{s:s, s:s}", "type", "ledger_rules", "params", ledger_rules);
    vouch_wire_send(pipe, NULL, 0, h, NULL, 0, 0);
    json_decref(h);
}

vouch_storer_t *vouch_storer_new(void *zmq_ctx, const char *endpoint, const vouch_config_t *cfg,
                                 const char *ledger_rules)
{
    vouch_storer_t *self = vouch_calloc(1, sizeof *self);
    self->ctx = zmq_ctx;
    self->cfg = cfg;
    self->ledger_rules = ledger_rules ? vouch_strdup(ledger_rules) : NULL;
    self->endpoint = vouch_strdup(endpoint);
    self->pipe = zmq_socket(zmq_ctx, ZMQ_PAIR);
    vouch_wire_socket_defaults(self->pipe);
    if (zmq_connect(self->pipe, endpoint) != 0 ||
        pthread_create(&self->thread, NULL, s_run, self) != 0) {
        zmq_close(self->pipe);
        free(self->endpoint);
        free(self->ledger_rules);
        free(self);
        return NULL;
    }
    return self;
}

void vouch_storer_destroy(vouch_storer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_storer_t *self = *self_p;
    pthread_join(self->thread, NULL);
    zmq_close(self->pipe);
    free(self->endpoint);
    free(self->ledger_rules);
    free(self);
    *self_p = NULL;
}
