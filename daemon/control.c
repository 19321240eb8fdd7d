/* control.c: requests on vouchd's control endpoint: file uploads from
 * vouchctl (chunked, acknowledged, hashed as they arrive), status questions,
 * policy fetches and worker heartbeats. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "db.h"
#include "log.h"
#include "server.h"
#include "spool.h"
#include "text.h"

#define S_WINDOW 8 /* chunks a client may send ahead of acknowledgements */

static void s_reply(vouch_server_t *self, vouch_wire_msg_t *msg, json_t *h)
{
    vouch_wire_send(self->control, msg->id, msg->id_len, h, NULL, 0, ZMQ_DONTWAIT);
    json_decref(h);
}

static void s_refuse(vouch_server_t *self, vouch_wire_msg_t *msg, const char *text)
{
    vouch_wire_send_error(self->control, msg->id, msg->id_len, text);
}

/* A request that does not fit its type (a field missing or of another type,
 * an unknown type): answered like any refusal, and logged (rate-limited):
 * vouchctl and the workers never send one */
static void s_malformed(vouch_server_t *self, vouch_wire_msg_t *msg, const char *text)
{
    vouch_server_refused(self, "control", NULL, "dropped a message: %s", text);
    s_refuse(self, msg, text);
}

/* An optional text field: absent, null, or text */
static bool s_optional_str(const vouch_wire_msg_t *msg, const char *key)
{
    json_t *v = json_object_get(msg->header, key);
    return !v || json_is_null(v) || json_is_string(v);
}

/* The upload a message continues: only the peer that began it may */
static vouch_upload_t *s_upload(vouch_server_t *self, const vouch_wire_msg_t *msg)
{
    long long id;
    if (vouch_wire_get_int(msg->header, "upload", &id) != 0)
        return NULL;
    for (int i = 0; i < VOUCH_MAX_UPLOADS; i++) {
        vouch_upload_t *u = &self->uploads[i];
        if (u->used && u->id == id && u->peer_len == msg->id_len &&
            memcmp(u->peer, msg->id, msg->id_len) == 0)
            return u;
    }
    return NULL;
}

static void s_upload_drop(vouch_upload_t *u)
{
    if (u->fd >= 0)
        close(u->fd);
    if (u->part_path)
        unlink(u->part_path);
    free(u->part_path);
    free(u->name);
    free(u->org);
    vouch_sha256_destroy(&u->sha);
    memset(u, 0, sizeof *u);
    u->fd = -1;
}

/* The name a user gave, without folders and without a leading dot, so it can
 * neither escape the spool nor hide in it. */
static char *s_clean_name(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    while (*base == '.')
        base++;
    char *clean = vouch_text_no_controls(vouch_text_sanitize(*base ? base : "upload"));
    /* NAME.meta is the spool's own sidecar: such a file would never be taken */
    size_t n = strlen(clean);
    if (n >= 5 && strcmp(clean + n - 5, ".meta") == 0) {
        char *renamed = vouch_asprintf("%s_", clean);
        free(clean);
        clean = renamed;
    }
    if (n > 200) {
        /* a name, not a payload: cut on a character boundary */
        size_t cut = 200;
        while (cut > 0 && ((unsigned char)clean[cut] & 0xC0) == 0x80)
            cut--;
        clean[cut] = '\0';
    }
    return clean;
}

static void s_ingest_begin(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    const char *name = vouch_wire_get_str(msg->header, "name");
    const char *org = vouch_wire_get_str(msg->header, "org");
    long long size;
    if (!name || vouch_wire_get_int(msg->header, "size", &size) != 0 || size < 0 ||
        !s_optional_str(msg, "org")) {
        s_malformed(self, msg, "ingest_begin needs a name and a size (and an org only as text)");
        return;
    }
    if (self->cfg->max_file_bytes > 0 && size > self->cfg->max_file_bytes) {
        char text[256];
        snprintf(text, sizeof text, "%s: file of %lld bytes is over the limit of %ld bytes", name,
                 size, self->cfg->max_file_bytes);
        s_refuse(self, msg, text);
        return;
    }
    vouch_upload_t *u = NULL;
    for (int i = 0; i < VOUCH_MAX_UPLOADS && !u; i++)
        if (!self->uploads[i].used)
            u = &self->uploads[i];
    if (!u) {
        json_t *h = json_pack("{s:s, s:s, s:b}", "type", "error", "error",
                              "too many uploads in progress; try again shortly", "transient", 1);
        s_reply(self, msg, h);
        return;
    }
    if (org && strlen(org) > 200) {
        s_refuse(self, msg, "--org: a unit's name is at most 200 bytes");
        return;
    }
    u->used = true;
    u->id = ++self->next_upload_id;
    memcpy(u->peer, msg->id, msg->id_len);
    u->peer_len = msg->id_len;
    u->part_path = vouch_asprintf("%s/.incoming/u%lld-%ld.part", self->cfg->spool_dir, u->id,
                                  (long)self->started);
    u->fd = open(u->part_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (u->fd < 0) {
        char text[512];
        snprintf(text, sizeof text, "cannot write to the spool: %s", strerror(errno));
        vouch_server_note_error(self, "%s", text);
        s_upload_drop(u);
        s_refuse(self, msg, text);
        return;
    }
    u->name = s_clean_name(name);
    u->org = org && *org ? vouch_strdup(org) : NULL;
    u->size = size;
    u->sha = vouch_sha256_new();
    u->last_activity = time(NULL);
    s_reply(self, msg,
            json_pack("{s:s, s:I, s:i, s:i}", "type", "ingest_ready", "upload", (json_int_t)u->id,
                      "window", S_WINDOW, "chunk", (int)VOUCH_WIRE_CHUNK));
}

static void s_ingest_chunk(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    vouch_upload_t *u = s_upload(self, msg);
    long long upload, seq;
    if (vouch_wire_get_int(msg->header, "upload", &upload) != 0 ||
        vouch_wire_get_int(msg->header, "seq", &seq) != 0) {
        s_malformed(self, msg, "ingest_chunk needs an upload and a seq");
        return;
    }
    if (!u) {
        s_refuse(self, msg, "no such upload (it may have timed out): send the file again");
        return;
    }
    size_t len = msg->has_payload ? zmq_msg_size(&msg->payload) : 0;
    if (seq != u->next_seq || (long long)len + u->received > u->size || len > VOUCH_WIRE_CHUNK) {
        s_refuse(self, msg, "upload out of step: send the file again");
        s_upload_drop(u);
        return;
    }
    const char *p = msg->has_payload ? zmq_msg_data(&msg->payload) : "";
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(u->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            char text[512];
            snprintf(text, sizeof text, "cannot write to the spool: %s", strerror(errno));
            vouch_server_note_error(self, "%s", text);
            s_refuse(self, msg, text);
            s_upload_drop(u);
            return;
        }
        p += w;
        left -= (size_t)w;
    }
    vouch_sha256_update(u->sha, zmq_msg_data(&msg->payload), len);
    u->received += (long long)len;
    u->next_seq++;
    u->last_activity = time(NULL);
    s_reply(self, msg,
            json_pack("{s:s, s:I, s:I}", "type", "ingest_ack", "upload", (json_int_t)u->id, "seq",
                      (json_int_t)seq));
}

static void s_ingest_end(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    vouch_upload_t *u = s_upload(self, msg);
    long long id;
    if (vouch_wire_get_int(msg->header, "upload", &id) != 0 || !s_optional_str(msg, "sha256")) {
        s_malformed(self, msg, "ingest_end needs an upload (and a sha256 only as text)");
        return;
    }
    if (!u) {
        s_refuse(self, msg, "no such upload (it may have timed out): send the file again");
        return;
    }
    const char *claimed = vouch_wire_get_str(msg->header, "sha256");
    char sha[65];
    vouch_sha256_final(u->sha, sha);
    if (u->received != u->size || (claimed && strcmp(claimed, sha) != 0)) {
        s_refuse(self, msg, "the upload arrived damaged (size or SHA-256 differ): send it again");
        s_upload_drop(u);
        return;
    }
    if (fsync(u->fd) != 0) {
        s_refuse(self, msg, "cannot sync the upload to disk");
        s_upload_drop(u);
        return;
    }
    close(u->fd);
    u->fd = -1;
    /* unique per upload, and it starts with the SHA-256 so that the outcome can
     * be found in the database even after vouchd restarts */
    char ticket[96];
    snprintf(ticket, sizeof ticket, "%s-%lld-%ld", sha, u->id, (long)self->started);
    vouch_error_t err;
    vouch_error_clear(&err);
    if (vouch_spool_commit_upload(self->cfg->spool_dir, u->part_path, u->name, u->org, ticket,
                                  &err) != 0) {
        vouch_server_note_error(self, "%s", err.text);
        s_refuse(self, msg, err.text);
        s_upload_drop(u);
        return;
    }
    free(u->part_path);
    u->part_path = NULL; /* moved: nothing to unlink */
    vouch_ticket_t *t = vouch_control_ticket(self, ticket, true);
    snprintf(t->name, sizeof t->name, "%s", u->name);
    snprintf(t->status, sizeof t->status, "queued");
    vouch_info("received %s (%lld bytes) into the spool", u->name, u->size);
    s_upload_drop(u);
    json_t *wake = vouch_wire_header("wake");
    vouch_wire_send(self->storer_pipe, NULL, 0, wake, NULL, 0, ZMQ_DONTWAIT);
    json_decref(wake);
    s_reply(self, msg, json_pack("{s:s, s:s}", "type", "ingest_queued", "ticket", ticket));
}

vouch_ticket_t *vouch_control_ticket(vouch_server_t *self, const char *ticket, bool create)
{
    for (size_t i = 0; i < VOUCH_MAX_TICKETS; i++)
        if (strcmp(self->tickets[i].ticket, ticket) == 0)
            return &self->tickets[i];
    if (!create)
        return NULL;
    vouch_ticket_t *t = &self->tickets[self->next_ticket];
    self->next_ticket = (self->next_ticket + 1) % VOUCH_MAX_TICKETS;
    memset(t, 0, sizeof *t);
    snprintf(t->ticket, sizeof t->ticket, "%s", ticket);
    return t;
}

static json_t *s_ticket_json(const vouch_ticket_t *t)
{
    json_t *h = json_pack("{s:s, s:s, s:s, s:s}", "type", "file_status", "ticket", t->ticket,
                          "name", t->name, "status", t->status);
    if (t->ledger_id > 0) {
        json_object_set_new(h, "ledger_id", json_integer(t->ledger_id));
        json_object_set_new(h, "lines", json_integer(t->lines));
        json_object_set_new(h, "vouchers", json_integer(t->vouchers));
        json_object_set_new(h, "batches", json_integer(t->batches));
        json_object_set_new(h, "dropped", json_integer(t->dropped));
        if (t->supersedes > 0)
            json_object_set_new(h, "supersedes", json_integer(t->supersedes));
    }
    if (t->error[0])
        json_object_set_new(h, "error", json_string(t->error));
    return h;
}

static void s_file_status(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    const char *ticket = vouch_wire_get_str(msg->header, "ticket");
    /* SHA-256-upload-start: hex digits and dashes */
    if (!ticket || !*ticket || strlen(ticket) >= sizeof self->tickets[0].ticket ||
        strspn(ticket, "0123456789abcdef-") != strlen(ticket)) {
        s_malformed(self, msg, "file_status needs a ticket");
        return;
    }
    vouch_ticket_t *t = vouch_control_ticket(self, ticket, false);
    if (t) {
        s_reply(self, msg, s_ticket_json(t));
        return;
    }
    /* not seen since this vouchd started: the database may know it */
    if (strlen(ticket) >= 64 && self->db_up) {
        char sha[65];
        memcpy(sha, ticket, 64);
        sha[64] = '\0';
        const char *p[] = {sha};
        vouch_error_t err;
        PGresult *r = vouch_db_exec(self->conn, &err,
                                    "SELECT ledger_id, file_name, lines, vouchers, batches, dropped"
                                    " FROM ledgers WHERE sha256 = $1 ORDER BY ledger_id LIMIT 1",
                                    1, p);
        if (r && PQntuples(r) == 1) {
            vouch_ticket_t tmp = {0};
            snprintf(tmp.ticket, sizeof tmp.ticket, "%s", ticket);
            snprintf(tmp.name, sizeof tmp.name, "%s", PQgetvalue(r, 0, 1));
            snprintf(tmp.status, sizeof tmp.status, "accepted");
            tmp.ledger_id = atoll(PQgetvalue(r, 0, 0));
            tmp.lines = atol(PQgetvalue(r, 0, 2));
            tmp.vouchers = atol(PQgetvalue(r, 0, 3));
            tmp.batches = atol(PQgetvalue(r, 0, 4));
            tmp.dropped = atol(PQgetvalue(r, 0, 5));
            PQclear(r);
            s_reply(self, msg, s_ticket_json(&tmp));
            return;
        }
        if (r)
            PQclear(r);
        else
            vouch_server_db_failed(self, err.text);
    }
    /* not in the database: the spool knows whether it waits or was refused */
    vouch_ticket_t found = {0};
    if (vouch_spool_find_ticket(self->cfg->spool_dir, ticket, found.status, sizeof found.status,
                                found.error, sizeof found.error)) {
        snprintf(found.ticket, sizeof found.ticket, "%s", ticket);
        s_reply(self, msg, s_ticket_json(&found));
        return;
    }
    s_reply(self, msg,
            json_pack("{s:s, s:s, s:s}", "type", "file_status", "ticket", ticket, "status",
                      self->db_up ? "unknown" : "queued"));
}

static void s_ledger_status(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    long long id;
    if (vouch_wire_get_int(msg->header, "ledger_id", &id) != 0) {
        s_malformed(self, msg, "ledger_status needs a ledger_id");
        return;
    }
    if (!self->db_up) {
        s_refuse(self, msg, "database unavailable");
        return;
    }
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *p[] = {ids};
    vouch_error_t err;
    PGresult *r = vouch_db_exec(
        self->conn, &err,
        "SELECT l.batches, (SELECT count(*) FROM batches b WHERE b.ledger_id = l.ledger_id"
        " AND b.state = 'done'), (SELECT count(*) FROM findings f WHERE f.ledger_id ="
        " l.ledger_id), l.analysed_at IS NOT NULL AND (l.cross_checked_at IS NOT NULL OR "
        "l.cross_error IS NOT NULL), l.lines, "
        "l.vouchers,"
        " (SELECT count(*) FROM batches b WHERE b.ledger_id = l.ledger_id"
        " AND b.state = 'failed') FROM ledgers l WHERE l.ledger_id = $1",
        1, p);
    if (!r) {
        vouch_server_db_failed(self, err.text);
        s_refuse(self, msg, "database unavailable");
        return;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        s_refuse(self, msg, "no such ledger");
        return;
    }
    json_t *h = json_pack(
        "{s:s, s:I, s:I, s:I, s:I, s:b, s:I, s:I}", "type", "ledger_status", "ledger_id",
        (json_int_t)id, "batches", (json_int_t)atoll(PQgetvalue(r, 0, 0)), "done",
        (json_int_t)atoll(PQgetvalue(r, 0, 1)), "findings", (json_int_t)atoll(PQgetvalue(r, 0, 2)),
        "complete", PQgetvalue(r, 0, 3)[0] == 't', "lines", (json_int_t)atoll(PQgetvalue(r, 0, 4)),
        "vouchers", (json_int_t)atoll(PQgetvalue(r, 0, 5)));
    json_object_set_new(h, "failed", json_integer(atoll(PQgetvalue(r, 0, 6))));
    PQclear(r);
    s_reply(self, msg, h);
}

static void s_status(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    time_t now = time(NULL);
    json_t *workers = json_array();
    for (int i = 0; i < VOUCH_MAX_WORKERS; i++) {
        vouch_worker_seen_t *w = &self->workers[i];
        /* a worker silent for three heartbeats is gone */
        if (!w->id[0] || now - w->last_seen > 6)
            continue;
        json_array_append_new(workers, json_pack("{s:s, s:I, s:I}", "id", w->id, "seconds_ago",
                                                 (json_int_t)(now - w->last_seen), "batches",
                                                 (json_int_t)w->batches));
    }
    json_t *batches =
        json_pack("{s:i, s:i, s:i, s:i}", "pending", 0, "dispatched", 0, "done", 0, "failed", 0);
    if (self->db_up) {
        vouch_error_t err;
        PGresult *r = vouch_db_exec(self->conn, &err,
                                    "SELECT state, count(*) FROM batches GROUP BY state", 0, NULL);
        if (r) {
            for (int i = 0; i < PQntuples(r); i++)
                json_object_set_new(batches, PQgetvalue(r, i, 0),
                                    json_integer(atoll(PQgetvalue(r, i, 1))));
            PQclear(r);
        } else
            vouch_server_db_failed(self, err.text);
    }
    json_t *errors = json_array();
    for (size_t i = 0; i < VOUCH_MAX_ERRORS; i++) {
        const char *e = self->errors[(self->next_error + i) % VOUCH_MAX_ERRORS];
        if (e[0])
            json_array_append_new(errors, json_string(e));
    }
    bool up = self->db_up && self->storer_db_up;
    json_t *h = json_pack(
        "{s:s, s:s, s:I, s:I, s:{s:s, s:s?}, s:{s:I, s:o}, s:o, s:I, s:s, s:s, s:o, s:I, s:I}",
        "type", "status", "vouchd", "running", "pid", (json_int_t)getpid(), "uptime",
        (json_int_t)(now - self->started), "database", "state", up ? "up" : "down", "error",
        up ? NULL : self->db_error, "workers", "count", (json_int_t)json_array_size(workers),
        "list", workers, "batches", batches, "spool_depth",
        (json_int_t)vouch_spool_depth(self->cfg->spool_dir), "policy_version", self->policy_version,
        "policy_profile", self->policy_profile, "last_errors", errors, "batches_sent",
        (json_int_t)self->batches_sent, "findings_stored", (json_int_t)self->findings_stored);
    s_reply(self, msg, h);
}

static void s_policy_get(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    const char *version = vouch_wire_get_str(msg->header, "version");
    if (!s_optional_str(msg, "version")) {
        s_malformed(self, msg, "policy_get takes a version only as text");
        return;
    }
    const char *bytes = self->policy_bytes;
    size_t len = self->policy_len;
    const char *served = self->policy_version;
    if (version && strcmp(version, self->policy_version) != 0) {
        if (self->previous_bytes && strcmp(version, self->previous_version) == 0) {
            bytes = self->previous_bytes;
            len = self->previous_len;
            served = self->previous_version;
        } else {
            char text[128];
            snprintf(text, sizeof text, "policy %s is not served here (current: %s)", version,
                     self->policy_version);
            s_refuse(self, msg, text);
            return;
        }
    }
    json_t *h = json_pack("{s:s, s:s, s:s}", "type", "policy", "version", served, "profile",
                          self->policy_profile);
    vouch_wire_send(self->control, msg->id, msg->id_len, h, bytes, len, ZMQ_DONTWAIT);
    json_decref(h);
}

static void s_heartbeat(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    const char *id = vouch_wire_get_str(msg->header, "worker");
    long long batches = 0;
    vouch_wire_get_int(msg->header, "batches", &batches);
    if (!vouch_wire_name_ok(id, sizeof self->workers[0].id - 1)) {
        /* no answer: a heartbeat is never answered with an error */
        vouch_server_refused(self, "control", NULL,
                             "dropped a heartbeat without a worker id of at most 63 bytes");
        return;
    }
    vouch_worker_seen_t *slot = NULL, *oldest = &self->workers[0];
    for (int i = 0; i < VOUCH_MAX_WORKERS && !slot; i++) {
        vouch_worker_seen_t *w = &self->workers[i];
        if (strncmp(w->id, id, sizeof w->id - 1) == 0)
            slot = w;
        else if (w->last_seen < oldest->last_seen)
            oldest = w;
    }
    if (!slot) {
        slot = oldest;
        memset(slot, 0, sizeof *slot);
        snprintf(slot->id, sizeof slot->id, "%s", id);
        if (msg->user[0])
            vouch_info("worker %s connected (CURVE key %s)", slot->id, msg->user);
        else
            vouch_info("worker %s connected", slot->id);
    }
    slot->last_seen = time(NULL);
    /* the other way: the worker knows vouchd hears it */
    json_t *ack = vouch_wire_header("heartbeat");
    vouch_wire_send(self->control, msg->id, msg->id_len, ack, NULL, 0, ZMQ_DONTWAIT);
    json_decref(ack);
    slot->batches = batches;
}

void vouch_control_handle(vouch_server_t *self, vouch_wire_msg_t *msg)
{
    const char *type = msg->type;
    /* only a chunk carries bytes after its header */
    if (msg->has_payload && strcmp(type, "ingest_chunk") != 0) {
        char text[128];
        snprintf(text, sizeof text, "a \"%.64s\" request carries no payload", type);
        s_malformed(self, msg, text);
        return;
    }
    if (strcmp(type, "ingest_chunk") == 0)
        s_ingest_chunk(self, msg);
    else if (strcmp(type, "ingest_begin") == 0)
        s_ingest_begin(self, msg);
    else if (strcmp(type, "ingest_end") == 0)
        s_ingest_end(self, msg);
    else if (strcmp(type, "file_status") == 0)
        s_file_status(self, msg);
    else if (strcmp(type, "ledger_status") == 0)
        s_ledger_status(self, msg);
    else if (strcmp(type, "status") == 0)
        s_status(self, msg);
    else if (strcmp(type, "policy_get") == 0)
        s_policy_get(self, msg);
    else if (strcmp(type, "heartbeat") == 0)
        s_heartbeat(self, msg);
    else {
        char text[128];
        snprintf(text, sizeof text, "unknown request type \"%.64s\"", type);
        s_malformed(self, msg, text);
    }
}

void vouch_control_expire_uploads(vouch_server_t *self)
{
    time_t now = time(NULL);
    for (int i = 0; i < VOUCH_MAX_UPLOADS; i++) {
        vouch_upload_t *u = &self->uploads[i];
        if (u->used && now - u->last_activity > VOUCH_UPLOAD_IDLE) {
            vouch_warn("upload of %s stalled for %ds: dropped", u->name, VOUCH_UPLOAD_IDLE);
            s_upload_drop(u);
        }
    }
}
