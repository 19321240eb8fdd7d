/* db.h: vouchd's PostgreSQL connections: connect, migrate, and the small
 * helpers that keep every PQexecParams call checked and every result cleared. */
#ifndef VOUCH_DB_H
#define VOUCH_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "error.h"

/* Connect; NULL with err on failure. */
PGconn *vouch_db_connect(const char *conninfo, vouch_error_t *err);

/* Apply every sql_dir/NNN_*.sql not yet recorded in schema_migrations, each in
 * its own transaction, in order, under an advisory lock so two starters do not
 * race. Returns the number applied, or -1 with err. */
int vouch_db_migrate(PGconn *conn, const char *sql_dir, vouch_error_t *err);

/* Run a command expecting PGRES_COMMAND_OK or PGRES_TUPLES_OK; on failure fill
 * err with PostgreSQL's message and return NULL. The caller PQclears. */
PGresult *vouch_db_exec(PGconn *conn, vouch_error_t *err, const char *sql, int nparams,
                        const char *const *params);

/* Same, discarding the result. 0 or -1. */
int vouch_db_cmd(PGconn *conn, vouch_error_t *err, const char *sql, int nparams,
                 const char *const *params);

/* true when the connection is gone (so the caller reconnects, rather than
 * refusing the input that happened to be in flight) */
bool vouch_db_lost(PGconn *conn);

/* SQLSTATE of the last statement vouch_db_exec saw fail in this thread ("" if none) */
const char *vouch_db_last_sqlstate(void);

/* true when an error with this SQLSTATE may pass by itself (connection lost,
 * server shutting down, out of disk or connections, a deadlock, a read-only
 * standby after failover): the input is fine and is tried again later. Any
 * other error is the input's: retrying the same bytes would fail the same way. */
bool vouch_db_is_transient(const char *sqlstate);

#endif
