/* digests.c: vouchd's digest thread (see digests.h). */
#include "digests.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "alloc.h"
#include "db.h"
#include "digest.h"
#include "log.h"

#define S_MAX_DUE 64

struct vouch_digests_t {
    const vouch_config_t *cfg;
    pthread_t thread;
    atomic_bool stop;
};

static void s_report(const char *digest, const char *subscription, bool delivered, int attempt,
                     const char *error, long long retry_s, void *arg)
{
    (void)arg;
    if (delivered)
        vouch_info("%s for %s delivered (attempt %d)", digest, subscription, attempt);
    else
        vouch_warn("%s for %s: attempt %d failed, trying again in %lld s: %s", digest, subscription,
                   attempt, retry_s, error);
}

/* make what is due, deliver what is due; false when the database failed */
static bool s_round(vouch_digests_t *self, PGconn *db)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    int ids[S_MAX_DUE];
    int n = vouch_digest_due(db, ids, S_MAX_DUE, &err);
    /* the policy as the file now says (SIGHUP reloads it for the rest of
     * vouchd; the digests read it afresh when they need it) */
    vouch_policy_set_t *policies = NULL;
    if (n > 0) {
        vouch_error_t perr;
        vouch_error_clear(&perr);
        policies = vouch_policy_set_new_from_file(self->cfg->policy_file, self->cfg, &perr);
        if (!policies)
            vouch_warn("digests without 三公: the policy does not load: %s", perr.text);
    }
    for (int i = 0; i < n && !atomic_load(&self->stop); i++) {
        json_t *content = NULL;
        long long id = 0;
        if (vouch_digest_make(db, policies, ids[i], VOUCH_DIGEST_SCHEDULED, &content, &id, &err) !=
            0) {
            vouch_warn("digest of subscription %d not made: %s", ids[i], err.text);
            break;
        }
        if (id > 0)
            vouch_info("vouch-digest-%lld for %s made: %lld new findings", id,
                       json_string_value(json_object_get(content, "subscription")),
                       (long long)json_integer_value(
                           json_object_get(json_object_get(content, "new"), "findings")));
        json_decref(content);
    }
    vouch_policy_set_destroy(&policies);
    if (n >= 0 && !atomic_load(&self->stop) &&
        vouch_digest_deliver_due(db, self->cfg, 0, s_report, NULL, &err) >= 0)
        return true;
    vouch_warn("digests: %s", err.text);
    return PQstatus(db) == CONNECTION_OK;
}

static void *s_run(void *arg)
{
    vouch_digests_t *self = arg;
    PGconn *db = NULL;
    while (!atomic_load(&self->stop)) {
        if (!db) {
            /* the schema as the other threads see it: migrations first */
            vouch_error_t err;
            vouch_error_clear(&err);
            char *conninfo = vouch_config_conninfo(self->cfg);
            db = vouch_db_connect(conninfo, &err);
            free(conninfo);
            if (db && vouch_db_migrate(db, self->cfg->sql_dir, &err) < 0) {
                PQfinish(db);
                db = NULL;
            }
        }
        if (db && !s_round(self, db)) {
            PQfinish(db);
            db = NULL;
        }
        /* sleep digest_poll seconds, waking to a stop */
        for (int t = 0; t < self->cfg->digest_poll * 10 && !atomic_load(&self->stop); t++) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    PQfinish(db);
    return NULL;
}

vouch_digests_t *vouch_digests_new(const vouch_config_t *cfg)
{
    vouch_digests_t *self = vouch_calloc(1, sizeof *self);
    self->cfg = cfg;
    atomic_init(&self->stop, false);
    if (pthread_create(&self->thread, NULL, s_run, self) != 0) {
        free(self);
        return NULL;
    }
    return self;
}

void vouch_digests_destroy(vouch_digests_t **self_p)
{
    vouch_digests_t *self = *self_p;
    if (!self)
        return;
    atomic_store(&self->stop, true);
    pthread_join(self->thread, NULL);
    free(self);
    *self_p = NULL;
}
