/* query.c: parameterised SQL assembly and checked execution for vouchctl. */
#include "query.h"

#include <stdio.h>
#include <string.h>

#include "ctl.h"

void vouch_query_init(vouch_query_t *q, const char *sql)
{
    vouch_buf_init(&q->sql);
    vouch_buf_puts(&q->sql, sql);
    q->nparams = 0;
}

void vouch_query_sql(vouch_query_t *q, const char *sql)
{
    vouch_buf_puts(&q->sql, sql);
}

void vouch_query_and(vouch_query_t *q, const char *clause, const char *value)
{
    if (q->nparams >= VOUCH_QUERY_MAX_PARAMS)
        return;
    q->params[q->nparams++] = value;
    vouch_buf_puts(&q->sql, " AND ");
    for (const char *p = clause; *p; p++) {
        if (p[0] == '$' && p[1] == '?') {
            vouch_buf_printf(&q->sql, "$%d", q->nparams);
            p++;
        } else
            vouch_buf_putc(&q->sql, *p);
    }
}

PGresult *vouch_query_run(vouch_query_t *q, PGconn *conn)
{
    return vouch_ctl_exec(conn, q->sql.data, q->nparams, q->params);
}

void vouch_query_free(vouch_query_t *q)
{
    vouch_buf_free(&q->sql);
}
