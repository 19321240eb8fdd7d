/* cmd_assign.c: `vouchctl assign FINDING_ID... --to NAME`: who is to look at
 * these findings; every assignment is kept (sql/008_assignments.sql), and
 * `flags --assignee NAME` lists a person's. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl assign FINDING_ID... --to NAME\n"
                 "\n"
                 "Assigns findings to a person (by name); the earlier assignee, who assigned\n"
                 "and when are kept. `vouchctl flags --assignee NAME` lists a person's.\n"
                 "exit status: 0 all assigned, 1 one was refused (the others stand), 2 wrong\n"
                 "usage, 3 the database is down\n");
}

int vouch_cmd_assign(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"to", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *to = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 't')
            to = optarg;
        else if (c == 'h') {
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        } else {
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (!to || optind >= argc) {
        vouch_ctl_fail("assign takes finding ids and --to NAME");
        return VOUCH_EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++)
        if (!argv[i][0] || strspn(argv[i], "0123456789") != strlen(argv[i]) ||
            strlen(argv[i]) > 18) {
            vouch_ctl_fail("not a finding id: %s", argv[i]);
            return VOUCH_EXIT_USAGE;
        }
    PGconn *db = vouch_ctl_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    int rc = VOUCH_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        const char *p[] = {argv[i], to};
        PGresult *r = PQexecParams(db,
                                   "SELECT coalesce(a.from_name, '(nobody)'), a.to_name"
                                   " FROM vouch_assign($1::bigint, $2) a",
                                   2, NULL, p, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
            printf("finding %s: %s -> %s\n", argv[i], PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
        } else if (PQstatus(db) != CONNECTION_OK) {
            vouch_ctl_fail("the database is unavailable: %s", PQerrorMessage(db));
            PQclear(r);
            return VOUCH_EXIT_UNAVAILABLE;
        } else {
            const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
            vouch_ctl_fail("finding %s: %s", argv[i], msg ? msg : PQerrorMessage(db));
            rc = VOUCH_EXIT_REFUSED;
        }
        PQclear(r);
    }
    return rc;
}
