/* ctl.h: what vouchctl's commands share: exit codes, the configuration, the
 * control connection to vouchd, the database connections (the primary, and a
 * read replica for the commands that only read), output formats. */
#ifndef VOUCH_CTL_H
#define VOUCH_CTL_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "config.h"

/* INTERFACE.md's exit status, everywhere */
#define VOUCH_EXIT_OK 0
#define VOUCH_EXIT_REFUSED 1     /* bad input, not found, not allowed */
#define VOUCH_EXIT_USAGE 2       /* wrong usage */
#define VOUCH_EXIT_UNAVAILABLE 3 /* vouchd unreachable, or PostgreSQL down for queries */

typedef struct {
    const char *home;
    vouch_config_t *cfg;
    void *zmq_ctx;
    void *control;   /* DEALER to vouchd, connected on first use */
    PGconn *db;      /* database, connected on first use */
    PGconn *read_db; /* query_database, when reads go there; connected on first use */
    bool primary;    /* --primary, or the replica was unreachable: reads use db */
} vouch_ctl_t;

/* Send a request to vouchd and wait up to timeout_ms for its answer.
 * Returns 0 with *reply (new reference), VOUCH_EXIT_REFUSED with *reply the
 * error message when vouchd refused, VOUCH_EXIT_UNAVAILABLE when it did not answer. */
int vouch_ctl_request(vouch_ctl_t *ctl, json_t *request, const void *payload, size_t len,
                      json_t **reply, int timeout_ms);

/* Send without waiting (for pipelined upload chunks); receive separately. */
int vouch_ctl_send(vouch_ctl_t *ctl, json_t *request, const void *payload, size_t len);
int vouch_ctl_recv(vouch_ctl_t *ctl, json_t **reply, int timeout_ms);

/* Drop the connection to vouchd: answers still on their way (to chunks sent
 * ahead of a refusal) then never reach the next request. */
void vouch_ctl_reset(vouch_ctl_t *ctl);

/* The database, or NULL after printing why (the caller exits 3). */
PGconn *vouch_ctl_db(vouch_ctl_t *ctl);

/* The connection for a command that only reads: query_database (a read
 * replica) when vouch.conf names one and --primary was not given, else
 * vouch_ctl_db. A replica that cannot be reached is said in one line on
 * stderr and the primary read instead; one not streaming from its primary,
 * or more than query_max_lag seconds behind, is said in one line and read.
 * NULL after printing why (the caller exits 3). */
PGconn *vouch_ctl_read_db(vouch_ctl_t *ctl);

/* What a read replica says of itself */
typedef struct {
    bool standby;         /* in recovery; false: query_database names a primary */
    bool streaming;       /* receiving WAL from its primary now */
    long long lag;        /* seconds behind: 0 when all it received is replayed, -1 unknown */
    char replayed_at[32]; /* when the last transaction it replayed committed; "" none yet */
} vouch_ctl_replica_t;

/* query_database's state into *state: 0, or -1 with why (its first line)
 * when it cannot be reached or asked. Connects anew, never to the primary. */
int vouch_ctl_replica(vouch_ctl_t *ctl, vouch_ctl_replica_t *state, char *why, size_t len);

/* A query that returns rows, with $n parameters: the result (the caller
 * PQclears), or NULL after printing PostgreSQL's message. */
PGresult *vouch_ctl_exec(PGconn *db, const char *sql, int nparams, const char *const *params);

/* Call a function of sql/ that changes something and returns one row: the
 * result (the caller PQclears), or NULL with *rc VOUCH_EXIT_REFUSED after
 * printing PostgreSQL's message with prefix ("finding 12: ..."; NULL: none),
 * or VOUCH_EXIT_UNAVAILABLE when the database went away. */
PGresult *vouch_ctl_call(PGconn *db, const char *prefix, const char *sql, int nparams,
                         const char *const *params, int *rc);

/* vouch_ctl_call on vouchctl's database, printing the row's one text column
 * on stdout. Returns a VOUCH_EXIT_*. */
int vouch_ctl_change(vouch_ctl_t *ctl, const char *sql, int nparams, const char *const *params);

/* --year YEAR: a fiscal year into *year, or -1 after saying why (exit 2). */
int vouch_ctl_year_arg(const char *arg, int *year);
/* --period YYYY-MM, a fiscal year and period (1-16: 13-16 adjust): 0, or -1
 * after saying why */
int vouch_ctl_period_arg(const char *arg, int *year, int *period);

/* Print "vouchctl: ..." on stderr. */
void vouch_ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* VOUCH_FMT_XLSX is flags' alone: vouch_ctl_format_parse never returns it */
typedef enum { VOUCH_FMT_TABLE, VOUCH_FMT_CSV, VOUCH_FMT_JSON, VOUCH_FMT_XLSX } vouch_ctl_format_t;
/* -1 if the name is none of table, csv, json */
int vouch_ctl_format_parse(const char *name);
/* --format for commands that print table or json: into *format, or -1 after
 * saying what is allowed (the caller exits VOUCH_EXIT_USAGE). */
int vouch_ctl_format_table_json(const char *name, int *format);

/* Commands: argc/argv start at the command's name. Each returns an exit code. */
/* For each finding id of ids[0..n), run sql with the id as $1 and extra as
 * $2...: a function of sql/ that changes the finding and returns one text
 * column, printed as "finding ID: TEXT". A refusal is printed with the
 * PostgreSQL message and the others go on. Checks the ids first (usage).
 * Returns a VOUCH_EXIT_*. */
int vouch_ctl_each_finding(vouch_ctl_t *ctl, char **ids, int n, const char *sql,
                           const char *const *extra, int nextra);

int vouch_cmd_ingest(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_flags(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_show(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_status(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_check(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_rules(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_report(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_review(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_assign(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_user(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_suppression(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_subscription(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_digest(vouch_ctl_t *ctl, int argc, char **argv);
int vouch_cmd_keygen(vouch_ctl_t *ctl, int argc, char **argv);

#endif
