/* config.h: vouch.conf, one declarative table of settings (name, type,
 * default, whether SIGHUP may change it). Every binary finds its home with
 * --home DIR or VOUCH_HOME and reads DIR/vouch.conf when it exists. */
#ifndef VOUCH_CONFIG_H
#define VOUCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* profile.<org> = P[, P2...]: the policy profiles an org's ledgers run under,
 * the first whose fiscal_years hold the ledger's year (policy_profile when
 * none does or the org has no line). */
typedef struct {
    char *org;      /* as written in vouch.conf */
    char *key;      /* org folded (NFKC, no white space): what names are matched by */
    char *profiles; /* "hunan-2023,hunan-2019": names separated by commas, no spaces */
} vouch_config_org_profile_t;

typedef struct {
    char *home;                /* the state folder, absolute */
    char *database;            /* libpq conninfo; "" = the embedded cluster in home/pg */
    char *query_database;      /* libpq conninfo of a read replica for vouchctl's reads; "" none */
    char *control_endpoint;    /* ROUTER: vouchctl requests, uploads, worker heartbeats, policy */
    char *work_endpoint;       /* PUSH: batches to workers */
    char *results_endpoint;    /* PULL: findings from workers */
    char *curve;               /* auto, on or off: CURVE on the endpoints (curve.h) */
    char *curve_server_key;    /* vouchd's key pair */
    char *curve_server_public; /* vouchd's public key, as its clients hold it */
    char *curve_client_key;    /* a worker's or vouchctl's own key pair */
    char *curve_allow_dir;     /* vouchd: NAME.pub of every client let in */
    char *spool_dir;
    char *sql_dir; /* numbered migrations, applied once each at start */
    char *policy_file;
    char *policy_profile;
    char *log_level;
    int batch_lines;      /* lines per batch, cut at voucher boundaries */
    int max_inflight;     /* batches dispatched and not yet answered */
    int dispatch_timeout; /* seconds before an unanswered batch is sent again */
    int max_attempts;     /* dispatches before an unanswered batch is parked as failed */
    int drain_timeout;    /* seconds SIGTERM waits for the batches out */
    int workers;          /* how many workers deploy/stack.sh starts */
    int query_max_lag;    /* seconds the replica may be behind before a read warns; 0 never */
    long max_file_bytes;  /* a larger upload is refused */
    long max_lines;       /* 0 = no limit */
    long max_line_bytes;  /* a longer record refuses the file */
    long max_field_bytes; /* a longer cell refuses the file */
    int digest_poll;      /* seconds between looks for digests due and deliveries to retry */
    int digest_retry_min; /* seconds before a failed delivery is tried again, doubling */
    int digest_retry_max; /* ...up to this */
    char *mail_from;      /* digests by mail */
    char *smtp_url;
    char *smtp_user;
    char *smtp_password;                      /* never logged */
    vouch_config_org_profile_t *org_profiles; /* profile.<org> lines, in file order */
    size_t norg_profiles;
} vouch_config_t;

/* The home: the given one, else $VOUCH_HOME; NULL when neither is set. */
const char *vouch_config_home(const char *given);

/* Load home/vouch.conf (absent = all defaults). Returns a new config or NULL
 * with err naming the line that is wrong. */
vouch_config_t *vouch_config_new(const char *home, vouch_error_t *err);
void vouch_config_destroy(vouch_config_t **self_p);

/* The conninfo to reach PostgreSQL: database, or the embedded cluster's socket. New string. */
char *vouch_config_conninfo(const vouch_config_t *self);

/* The profiles org's line names ("hunan-2023,hunan-2019", borrowed), or NULL
 * when vouch.conf has no profile.<org> line for it. Names are compared folded
 * (NFKC, white space removed), as vouch compares text. */
const char *vouch_config_org_profiles(const vouch_config_t *self, const char *org);

/* Print every setting as "name = value" (for vouchctl and docs). */
void vouch_config_print(const vouch_config_t *self, void *file);

#endif
