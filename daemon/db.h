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

/* SQLSTATE class of the last failed result: "22" data exception, "23" integrity... */
bool vouch_db_is_data_error(const char *sqlstate);

#endif
