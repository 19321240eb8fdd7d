/* ctl.c: vouchctl's connections: a DEALER to vouchd's control endpoint with
 * timeouts (so a stopped vouchd is "unavailable", never a hang), and libpq:
 * the primary, and the read replica the commands that only read may use. */
#include "ctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "alloc.h"
#include "curve.h"
#include "wire.h"

void vouch_ctl_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vouchctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int vouch_ctl_format_parse(const char *name)
{
    if (strcmp(name, "table") == 0)
        return VOUCH_FMT_TABLE;
    if (strcmp(name, "csv") == 0)
        return VOUCH_FMT_CSV;
    if (strcmp(name, "json") == 0)
        return VOUCH_FMT_JSON;
    return -1;
}

int vouch_ctl_format_table_json(const char *name, int *format)
{
    int f = vouch_ctl_format_parse(name);
    if (f != VOUCH_FMT_TABLE && f != VOUCH_FMT_JSON) {
        vouch_ctl_fail("--format is table or json");
        return -1;
    }
    *format = f;
    return 0;
}

/* Connect to vouchd's control endpoint, with CURVE where vouch.conf wants
 * it: 0, or the exit code after saying why not */
static int s_connect(vouch_ctl_t *ctl)
{
    if (ctl->control)
        return 0;
    if (!ctl->zmq_ctx)
        ctl->zmq_ctx = zmq_ctx_new();
    const char *endpoint = ctl->cfg->control_endpoint;
    ctl->control = zmq_socket(ctl->zmq_ctx, ZMQ_DEALER);
    vouch_wire_socket_defaults(ctl->control);
    /* queue nothing for a peer that is not there: a send then fails at once */
    int immediate = 1;
    zmq_setsockopt(ctl->control, ZMQ_IMMEDIATE, &immediate, sizeof immediate);
    /* with no peer a DEALER's send blocks rather than fails: bound it, so a
     * vouchd that goes away mid-command is reported, not waited on forever */
    int timeout_ms = 5000;
    zmq_setsockopt(ctl->control, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms);
    vouch_error_t err;
    vouch_error_clear(&err);
    if (vouch_curve_set_client(ctl->control, ctl->cfg, endpoint, &err) != 0) {
        vouch_ctl_fail("%s", err.text);
        vouch_ctl_reset(ctl);
        return VOUCH_EXIT_REFUSED;
    }
    void *watch = vouch_curve_watch(ctl->zmq_ctx, ctl->control, "vouchctl");
    char *dial = vouch_wire_dial_endpoint(endpoint);
    int connected = zmq_connect(ctl->control, dial);
    free(dial);
    if (connected != 0) {
        vouch_ctl_fail("cannot connect to %s: %s", endpoint, zmq_strerror(zmq_errno()));
        if (watch)
            zmq_close(watch);
        vouch_ctl_reset(ctl);
        return VOUCH_EXIT_UNAVAILABLE;
    }
    /* wait briefly for the connection, so "not running" is told apart from
     * slow, and from a handshake vouchd refused */
    int rc = VOUCH_EXIT_UNAVAILABLE;
    char why[300] = "";
    bool refused = false, given_up = false;
    for (int turn = 0; turn < 20 && !given_up; turn++) {
        zmq_pollitem_t items[] = {{ctl->control, 0, ZMQ_POLLOUT, 0}, {watch, 0, ZMQ_POLLIN, 0}};
        if (zmq_poll(items, watch ? 2 : 1, 100) < 0)
            break;
        if (items[0].revents & ZMQ_POLLOUT) {
            rc = 0;
            break;
        }
        /* a broken connection is dialled again; a refusal is final */
        char text[sizeof why];
        int got = watch && (items[1].revents & ZMQ_POLLIN)
                      ? vouch_curve_watch_read(watch, text, sizeof text, &refused)
                      : -1;
        if (got > 0)
            snprintf(why, sizeof why, "%s", text);
        given_up = got == 2;
    }
    if (watch) {
        zmq_socket_monitor(ctl->control, NULL, 0);
        zmq_close(watch);
    }
    if (rc == 0)
        return 0;
    vouch_ctl_reset(ctl);
    if (refused) {
        vouch_ctl_fail("vouchd refused this client's key (curve_client_key %s): its .pub must be "
                       "in vouchd's curve_allow_dir",
                       ctl->cfg->curve_client_key);
        return VOUCH_EXIT_REFUSED;
    }
    if (why[0])
        vouch_ctl_fail("no connection to vouchd: handshake failed %s", why);
    else
        vouch_ctl_fail("vouchd is not running (no answer on %s)", endpoint);
    return VOUCH_EXIT_UNAVAILABLE;
}

void vouch_ctl_reset(vouch_ctl_t *ctl)
{
    if (ctl->control)
        zmq_close(ctl->control);
    ctl->control = NULL;
}

int vouch_ctl_send(vouch_ctl_t *ctl, json_t *request, const void *payload, size_t len)
{
    if (!request) {
        vouch_ctl_fail("cannot build the request (a name that is not text?)");
        return VOUCH_EXIT_REFUSED;
    }
    int rc = s_connect(ctl);
    if (rc != 0)
        return rc;
    if (vouch_wire_send(ctl->control, NULL, 0, request, payload, len, 0) != 0) {
        vouch_ctl_fail("cannot reach vouchd: %s", zmq_strerror(zmq_errno()));
        return VOUCH_EXIT_UNAVAILABLE;
    }
    return 0;
}

int vouch_ctl_recv(vouch_ctl_t *ctl, json_t **reply, int timeout_ms)
{
    *reply = NULL;
    zmq_pollitem_t item = {ctl->control, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) <= 0) {
        vouch_ctl_fail("no answer from vouchd within %d s", timeout_ms / 1000);
        return VOUCH_EXIT_UNAVAILABLE;
    }
    vouch_wire_msg_t msg;
    vouch_error_t err;
    vouch_error_clear(&err);
    int rc = vouch_wire_recv(ctl->control, false, 0, &msg, &err);
    if (rc != 0) {
        vouch_ctl_fail("unreadable answer from vouchd: %s", err.text);
        return VOUCH_EXIT_UNAVAILABLE;
    }
    *reply = json_incref(msg.header);
    bool refused = strcmp(msg.type, "error") == 0;
    vouch_wire_msg_close(&msg);
    return refused ? VOUCH_EXIT_REFUSED : 0;
}

int vouch_ctl_request(vouch_ctl_t *ctl, json_t *request, const void *payload, size_t len,
                      json_t **reply, int timeout_ms)
{
    *reply = NULL;
    int rc = vouch_ctl_send(ctl, request, payload, len);
    if (rc != 0)
        return rc;
    return vouch_ctl_recv(ctl, reply, timeout_ms);
}

/* Connect to conninfo as vouchctl, as VOUCH_USER when it is set (after the
 * conninfo: a later keyword wins): the connection, or NULL with why, the
 * first line of PostgreSQL's message. */
static PGconn *s_pg_connect(const char *conninfo, const char *timeout, char *why, size_t len)
{
    const char *user = getenv("VOUCH_USER");
    const char *keys[] = {"connect_timeout", "application_name", "dbname", "user", NULL};
    const char *values[] = {timeout, "vouchctl", conninfo, user && *user ? user : NULL, NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (PQstatus(conn) != CONNECTION_OK) {
        snprintf(why, len, "%s", PQerrorMessage(conn));
        why[strcspn(why, "\n")] = '\0';
        PQfinish(conn);
        return NULL;
    }
    PQsetClientEncoding(conn, "UTF8");
    return conn;
}

PGconn *vouch_ctl_db(vouch_ctl_t *ctl)
{
    if (ctl->db)
        return ctl->db;
    char *conninfo = vouch_config_conninfo(ctl->cfg);
    char why[512];
    ctl->db = s_pg_connect(conninfo, "10", why, sizeof why);
    free(conninfo);
    if (!ctl->db)
        vouch_ctl_fail("database unavailable: %s", why);
    return ctl->db;
}

/* A replica unreachable is given up on sooner than the primary: reading
 * from the primary instead is the better wait (query_database's own
 * connect_timeout wins) */
#define S_REPLICA_TIMEOUT "5"

/* How far behind the server of db is, asked once. A standby that has
 * replayed all the WAL it received is not behind; one that has not is behind
 * by the age of the last transaction it replayed. One not streaming cannot
 * know. */
static int s_replica_ask(PGconn *db, vouch_ctl_replica_t *st, char *why, size_t len)
{
    PGresult *r = PQexecParams(
        db,
        "WITH s AS (SELECT pg_is_in_recovery() AS standby,"
        " EXISTS (SELECT FROM pg_stat_wal_receiver) AS streaming,"
        " pg_last_xact_replay_timestamp() AS replayed)"
        " SELECT standby, streaming,"
        " CASE WHEN NOT standby THEN 0 WHEN NOT streaming THEN -1"
        "  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
        "  ELSE coalesce(greatest(0, floor(extract(epoch FROM now() - replayed)))::bigint, -1)"
        " END, coalesce(to_char(replayed, 'YYYY-MM-DD HH24:MI:SS'), '') FROM s",
        0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        snprintf(why, len, "%s", PQresultErrorMessage(r));
        why[strcspn(why, "\n")] = '\0';
        PQclear(r);
        return -1;
    }
    st->standby = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    st->streaming = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
    st->lag = atoll(PQgetvalue(r, 0, 2));
    snprintf(st->replayed_at, sizeof st->replayed_at, "%s", PQgetvalue(r, 0, 3));
    PQclear(r);
    return 0;
}

/* The standby of a primary that commits seldom replays a record it receives
 * (a checkpoint's) within milliseconds, but in those its last transaction is
 * old: a lag over `over` seconds is asked for again a moment later, and only
 * a lasting one told */
static int s_replica_state(PGconn *db, long long over, vouch_ctl_replica_t *st, char *why,
                           size_t len)
{
    if (s_replica_ask(db, st, why, len) != 0)
        return -1;
    if (st->lag > over) {
        nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
        return s_replica_ask(db, st, why, len);
    }
    return 0;
}

int vouch_ctl_replica(vouch_ctl_t *ctl, vouch_ctl_replica_t *state, char *why, size_t len)
{
    PGconn *conn = s_pg_connect(ctl->cfg->query_database, S_REPLICA_TIMEOUT, why, len);
    if (!conn)
        return -1;
    int rc = s_replica_state(conn, 0, state, why, len);
    PQfinish(conn);
    return rc;
}

PGconn *vouch_ctl_read_db(vouch_ctl_t *ctl)
{
    if (ctl->read_db)
        return ctl->read_db;
    if (ctl->primary || !ctl->cfg->query_database[0])
        return vouch_ctl_db(ctl);
    char why[512];
    PGconn *conn = s_pg_connect(ctl->cfg->query_database, S_REPLICA_TIMEOUT, why, sizeof why);
    if (!conn) {
        vouch_ctl_fail("query_database unreachable (%s): reading from the primary", why);
        ctl->primary = true;
        return vouch_ctl_db(ctl);
    }
    /* a state that cannot be asked for is no reason not to read */
    vouch_ctl_replica_t st;
    int max = ctl->cfg->query_max_lag;
    if (max > 0 && s_replica_state(conn, max, &st, why, sizeof why) == 0 && st.standby) {
        if (!st.streaming)
            vouch_ctl_fail("the replica (query_database) is not streaming from the primary: what "
                           "was written after %s may be missing (--primary reads the primary)",
                           st.replayed_at[0] ? st.replayed_at : "it started");
        else if (st.lag > max)
            vouch_ctl_fail("the replica (query_database) is %lld s behind the primary: what was "
                           "written since may be missing (--primary reads the primary)",
                           st.lag);
    }
    ctl->read_db = conn;
    return conn;
}

PGresult *vouch_ctl_exec(PGconn *db, const char *sql, int nparams, const char *const *params)
{
    PGresult *r = PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
        msg[strcspn(msg, "\n")] = '\0';
        vouch_ctl_fail("query failed: %s", msg);
        PQclear(r);
        return NULL;
    }
    return r;
}

int vouch_ctl_year_arg(const char *arg, int *year)
{
    char *end;
    long y = strtol(arg, &end, 10);
    if (end == arg || *end || y < 1900 || y > 2200) {
        vouch_ctl_fail("--year: \"%s\" is not a fiscal year", arg);
        return -1;
    }
    *year = (int)y;
    return 0;
}

int vouch_ctl_period_arg(const char *arg, int *year, int *period)
{
    int y = 0, m = 0, n = 0;
    if (sscanf(arg, "%4d-%2d%n", &y, &m, &n) != 2 || arg[n] || y < 1900 || y > 2200 || m < 1 ||
        m > 16) {
        vouch_ctl_fail(
            "--period is YYYY-MM, a fiscal period (months 13-16 are adjustment periods)");
        return -1;
    }
    *year = y;
    *period = m;
    return 0;
}

PGresult *vouch_ctl_call(PGconn *db, const char *prefix, const char *sql, int nparams,
                         const char *const *params, int *rc)
{
    PGresult *r = PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        return r;
    if (PQstatus(db) != CONNECTION_OK) {
        vouch_ctl_fail("the database is unavailable: %s", PQerrorMessage(db));
        *rc = VOUCH_EXIT_UNAVAILABLE;
    } else {
        const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        vouch_ctl_fail("%s%s%s", prefix ? prefix : "", prefix ? ": " : "",
                       msg ? msg : PQerrorMessage(db));
        *rc = VOUCH_EXIT_REFUSED;
    }
    PQclear(r);
    return NULL;
}

int vouch_ctl_change(vouch_ctl_t *ctl, const char *sql, int nparams, const char *const *params)
{
    PGconn *db = vouch_ctl_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    int rc = VOUCH_EXIT_OK;
    PGresult *r = vouch_ctl_call(db, NULL, sql, nparams, params, &rc);
    if (r)
        printf("%s\n", PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

int vouch_ctl_each_finding(vouch_ctl_t *ctl, char **ids, int n, const char *sql,
                           const char *const *extra, int nextra)
{
    for (int i = 0; i < n; i++)
        if (!ids[i][0] || strspn(ids[i], "0123456789") != strlen(ids[i]) || strlen(ids[i]) > 18) {
            vouch_ctl_fail("not a finding id: %s", ids[i]);
            return VOUCH_EXIT_USAGE;
        }
    PGconn *db = vouch_ctl_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    const char *p[8];
    if (nextra > 7)
        return VOUCH_EXIT_USAGE;
    for (int k = 0; k < nextra; k++)
        p[k + 1] = extra[k];
    int rc = VOUCH_EXIT_OK;
    for (int i = 0; i < n; i++) {
        p[0] = ids[i];
        char prefix[40];
        snprintf(prefix, sizeof prefix, "finding %s", ids[i]);
        int failed = VOUCH_EXIT_OK;
        PGresult *r = vouch_ctl_call(db, prefix, sql, nextra + 1, p, &failed);
        if (r)
            printf("%s: %s\n", prefix, PQgetvalue(r, 0, 0));
        PQclear(r);
        if (failed == VOUCH_EXIT_UNAVAILABLE)
            return failed;
        if (failed)
            rc = failed;
    }
    return rc;
}
