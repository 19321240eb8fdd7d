/* db.c: connection, migrations and checked execution for vouchd. */
#include "db.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "clock.h"
#include "file.h"
#include "log.h"

/* per thread: vouchd's ingest thread and main loop each have a connection */
static __thread char s_sqlstate[6];

const char *vouch_db_last_sqlstate(void)
{
    return s_sqlstate;
}

static void s_pg_error(vouch_error_t *err, const char *what, const char *msg)
{
    /* PostgreSQL's messages end in a newline; ours do not */
    char text[400];
    snprintf(text, sizeof text, "%s", msg ? msg : "unknown error");
    size_t n = strlen(text);
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = '\0';
    vouch_error_set(err, "%s: %s", what, text);
}

PGconn *vouch_db_connect(const char *conninfo, vouch_error_t *err)
{
    /* a server that vanished without a word (a cut network) must not hold
     * vouchd forever: bound the connect, and let TCP notice a dead peer. The
     * conninfo comes last, so that what an operator wrote there wins. */
    const char *keys[] = {"connect_timeout",
                          "keepalives",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "dbname",
                          NULL};
    const char *values[] = {"10", "1", "30", "10", "3", conninfo, NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (PQstatus(conn) != CONNECTION_OK) {
        s_pg_error(err, "database unreachable", PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    PQsetClientEncoding(conn, "UTF8");
    PGresult *r =
        PQexec(conn, "SET application_name = 'vouchd'; SET client_min_messages = warning");
    PQclear(r);
    return conn;
}

PGresult *vouch_db_exec(PGconn *conn, vouch_error_t *err, const char *sql, int nparams,
                        const char *const *params)
{
    s_sqlstate[0] = '\0';
    PGresult *r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return r;
    s_pg_error(err, "database", PQresultErrorMessage(r));
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    snprintf(s_sqlstate, sizeof s_sqlstate, "%s", state ? state : "");
    PQclear(r);
    return NULL;
}

int vouch_db_cmd(PGconn *conn, vouch_error_t *err, const char *sql, int nparams,
                 const char *const *params)
{
    PGresult *r = vouch_db_exec(conn, err, sql, nparams, params);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

bool vouch_db_lost(PGconn *conn)
{
    return !conn || PQstatus(conn) != CONNECTION_OK;
}

bool vouch_db_is_transient(const char *sqlstate)
{
    static const char *const prefixes[] = {
        "08",    /* connection exception */
        "53",    /* insufficient resources: disk full, out of memory, too many connections */
        "57P",   /* operator intervention: shutdown, crash recovery, cannot connect now */
        "58",    /* system error: I/O */
        "40001", /* serialization failure */
        "40P01", /* deadlock */
        "25006", /* read-only transaction: a standby after failover */
        "55P03", /* lock not available */
        NULL};
    if (!sqlstate || !*sqlstate)
        return true; /* no answer from the server at all */
    for (size_t i = 0; prefixes[i]; i++)
        if (strncmp(sqlstate, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int vouch_db_migrate(PGconn *conn, const char *sql_dir, vouch_error_t *err)
{
    int applied = 0;
    char **names = NULL;
    size_t nnames = 0;
    DIR *d = opendir(sql_dir);
    if (!d) {
        vouch_error_set(err, "cannot open migrations folder %s", sql_dir);
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 8 && e->d_name[0] >= '0' && e->d_name[0] <= '9' &&
            strcmp(e->d_name + len - 4, ".sql") == 0) {
            names = vouch_realloc(names, (nnames + 1) * sizeof *names);
            names[nnames++] = vouch_strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, nnames, sizeof *names, s_cmp);

    /* one migrator at a time, across processes and threads: even CREATE TABLE
     * IF NOT EXISTS races with itself */
    if (vouch_db_cmd(conn, err, "SELECT pg_advisory_lock(7071)", 0, NULL) != 0)
        goto fail;
    /* only when missing: a vouchd that is not the owner (a vouch_ingest role)
     * may create nothing, and needs nothing created when no migration is due */
    PGresult *t =
        vouch_db_exec(conn, err, "SELECT to_regclass('schema_migrations') IS NULL", 0, NULL);
    if (!t)
        goto fail_unlock;
    bool fresh = PQgetvalue(t, 0, 0)[0] == 't';
    PQclear(t);
    if (fresh && vouch_db_cmd(conn, err,
                              "CREATE TABLE schema_migrations ("
                              " version int PRIMARY KEY, name text NOT NULL,"
                              " applied_at timestamptz NOT NULL DEFAULT now())",
                              0, NULL) != 0)
        goto fail_unlock;
    for (size_t i = 0; i < nnames; i++) {
        char version[16];
        snprintf(version, sizeof version, "%d", atoi(names[i]));
        const char *p1[] = {version};
        PGresult *r =
            vouch_db_exec(conn, err, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, p1);
        if (!r)
            goto fail_unlock;
        int done = PQntuples(r) > 0;
        PQclear(r);
        if (done)
            continue;
        char *path = vouch_asprintf("%s/%s", sql_dir, names[i]);
        size_t sqllen;
        char *sql = vouch_file_read(path, 16u << 20, &sqllen, err);
        free(path);
        if (!sql)
            goto fail_unlock;
        if (vouch_db_cmd(conn, err, "BEGIN", 0, NULL) != 0) {
            free(sql);
            goto fail_unlock;
        }
        double t0 = vouch_clock_s();
        PGresult *m = PQexec(conn, sql); /* a file of many statements: simple protocol */
        free(sql);
        if (PQresultStatus(m) != PGRES_COMMAND_OK && PQresultStatus(m) != PGRES_TUPLES_OK) {
            char what[300];
            snprintf(what, sizeof what, "migration %s", names[i]);
            s_pg_error(err, what, PQresultErrorMessage(m));
            PQclear(m);
            PQclear(PQexec(conn, "ROLLBACK"));
            goto fail_unlock;
        }
        PQclear(m);
        const char *p2[] = {version, names[i]};
        if (vouch_db_cmd(conn, err, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                         2, p2) != 0 ||
            vouch_db_cmd(conn, err, "COMMIT", 0, NULL) != 0) {
            PQclear(PQexec(conn, "ROLLBACK"));
            goto fail_unlock;
        }
        /* a migration may move every row of a table: say what took the time */
        vouch_log(VOUCH_LOG_INFO, "applied migration %s (%.3f s)", names[i], vouch_clock_s() - t0);
        applied++;
    }
    vouch_db_cmd(conn, NULL, "SELECT pg_advisory_unlock(7071)", 0, NULL);
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    return applied;

fail_unlock:
    vouch_db_cmd(conn, NULL, "SELECT pg_advisory_unlock(7071)", 0, NULL);
fail:
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    return -1;
}
