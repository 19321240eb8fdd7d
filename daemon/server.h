/* server.h: vouchd's state, shared by its handlers: the sockets, the main
 * loop's PostgreSQL connection, the policy it serves, uploads in progress,
 * tickets of files handed in, and the workers it has heard from.
 * Internal to the daemon; one thread (the main loop) touches it. */
#ifndef VOUCH_SERVER_H
#define VOUCH_SERVER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "curve.h"
#include "error.h"
#include "policy_set.h"
#include "sha256.h"
#include "digests.h"
#include "ratelimit.h"
#include "storer.h"
#include "wire.h"
#include "zap.h"

#define VOUCH_MAX_UPLOADS 64
#define VOUCH_MAX_TICKETS 1024
#define VOUCH_MAX_WORKERS 256
#define VOUCH_MAX_ERRORS 16
#define VOUCH_UPLOAD_IDLE 120 /* seconds an upload may stall before it is dropped */

typedef struct {
    bool used;
    long long id;
    unsigned char peer[VOUCH_WIRE_MAX_ID]; /* routing id of the peer that began it */
    size_t peer_len;
    int fd;
    char *part_path;
    char *name;
    char *org;
    long long size; /* announced */
    long long received;
    long long next_seq;
    vouch_sha256_t *sha;
    time_t last_activity;
} vouch_upload_t;

typedef struct {
    char ticket[96];
    char name[256];
    char status[16]; /* queued, storing, accepted, duplicate, rejected */
    long long ledger_id;
    long long supersedes; /* the ledger it replaced, or 0 */
    long lines, vouchers, batches, dropped;
    char error[1024];
} vouch_ticket_t;

typedef struct {
    char id[64];
    time_t last_seen;
    long long batches;
} vouch_worker_seen_t;

typedef struct {
    const vouch_config_t *cfg;
    void *ctx;
    void *control; /* ROUTER */
    void *work;    /* PUSH */
    void *results; /* PULL */
    /* handshakes that failed on control, work and results (NULL: not watched) */
    void *watch[3];
    vouch_zap_t *zap;       /* the CURVE allow-list, when CURVE is on anywhere */
    vouch_ratelimit_t *log; /* garbage and refusals, a few lines a minute */
    void *storer_pipe;
    vouch_storer_t *storer;
    vouch_digests_t *digests; /* the digest thread */
    time_t started;

    PGconn *conn;
    bool db_up;
    bool storer_db_up;
    char db_error[512];
    int db_backoff_ms;
    int64_t db_next_try_ms;
    bool recovered; /* batches left dispatched by an earlier run were reset */

    char *policy_bytes;
    size_t policy_len;
    char policy_version[17];
    char *policy_profile; /* the default profile's name */
    /* the profiles vouch.conf puts to work (policy_profile and each org's):
     * vouch_policy_set_for says which one a batch runs under */
    vouch_policy_set_t *policies;
    char *ledger_rules; /* what the rules PostgreSQL runs read (ledger_rules.h), JSON */
    /* the version before the last reload, still served to workers that hold
     * a batch dispatched under it */
    char *previous_bytes;
    size_t previous_len;
    char previous_version[17];

    vouch_upload_t uploads[VOUCH_MAX_UPLOADS];
    long long next_upload_id;
    vouch_ticket_t tickets[VOUCH_MAX_TICKETS];
    size_t next_ticket; /* ring */
    vouch_worker_seen_t workers[VOUCH_MAX_WORKERS];
    char errors[VOUCH_MAX_ERRORS][512];
    size_t next_error;
    long long batches_sent, findings_stored;
    /* the contract totals of the ledger being dispatched (dispatch.c): every
     * batch of it needs the same; a file stored or a policy loaded since
     * (files_stored, policies) makes them stale */
    struct json_t *contracts;
    long long contracts_ledger;
    const vouch_policy_t *contracts_policy;
    long contracts_files;
    long files_stored;
} vouch_server_t;

/* Bind the endpoints, load the policy, start the storing thread. cfg is
 * borrowed. Returns a new server or NULL with err. */
vouch_server_t *vouch_server_new(const vouch_config_t *cfg, vouch_error_t *err);
void vouch_server_destroy(vouch_server_t **self_p);
/* Run until *stop becomes non-zero; reload the policy whenever *reload is
 * set (and clear it). 0, or -1 when polling failed. */
int vouch_server_run(vouch_server_t *self, volatile int *stop, volatile int *reload);
/* (Re)load the policy file and the profiles vouch.conf names (policy_file,
 * policy_profile and the profile.<org> lines are read afresh from vouch.conf);
 * on failure the server keeps what it had. */
int vouch_server_load_policy(vouch_server_t *self, vouch_error_t *err);

int64_t vouch_server_now_ms(void);
/* Remember an error for `vouchctl status` and log it. */
void vouch_server_note_error(vouch_server_t *self, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A message or a peer refused on socket what: logged (and remembered for
 * status) a few times a minute for each what and kind (NULL: one kind), the
 * rest counted into a summary line, so that one flood hides no other. */
void vouch_server_refused(vouch_server_t *self, const char *what, const char *kind, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));
/* The database failed under the main loop: drop the connection, retry later. */
void vouch_server_db_failed(vouch_server_t *self, const char *why);

/* control.c */
void vouch_control_handle(vouch_server_t *self, vouch_wire_msg_t *msg);
void vouch_control_expire_uploads(vouch_server_t *self);
vouch_ticket_t *vouch_control_ticket(vouch_server_t *self, const char *ticket, bool create);

/* dispatch.c */
/* Send what batches the workers have room for. Returns how many were sent. */
int vouch_dispatch_tick(vouch_server_t *self);
/* Store a worker's findings and mark its batch done, in one transaction. */
void vouch_dispatch_findings(vouch_server_t *self, vouch_wire_msg_t *msg);
/* After a (re)start, every batch not done is pending again. */
int vouch_dispatch_recover(vouch_server_t *self);
/* Batches out and not yet late; -1 when the database cannot say. */
int vouch_dispatch_outstanding(vouch_server_t *self);

#endif
