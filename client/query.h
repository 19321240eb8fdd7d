/* query.h: building parameterised SQL for vouchctl's filters: every value a
 * user types travels as a $n parameter, never inside the SQL text. */
#ifndef VOUCH_QUERY_H
#define VOUCH_QUERY_H

#include <libpq-fe.h>

#include "alloc.h"

#define VOUCH_QUERY_MAX_PARAMS 32

typedef struct {
    vouch_buf_t sql;
    const char *params[VOUCH_QUERY_MAX_PARAMS];
    int nparams;
} vouch_query_t;

void vouch_query_init(vouch_query_t *q, const char *sql);
/* Append text to the SQL. */
void vouch_query_sql(vouch_query_t *q, const char *sql);
/* Append "AND <clause>" where clause holds "$?" standing for value's $n. */
void vouch_query_and(vouch_query_t *q, const char *clause, const char *value);
/* Run it; NULL after printing PostgreSQL's message. The caller PQclears. */
PGresult *vouch_query_run(vouch_query_t *q, PGconn *conn);
void vouch_query_free(vouch_query_t *q);

#endif
