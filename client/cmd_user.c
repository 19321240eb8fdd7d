/* cmd_user.c: `vouchctl user add NAME --person 姓名 | list | remove NAME`:
 * vouch's users, each a PostgreSQL role linked to the person the ledgers name
 * as 制单人 (sql/009_users.sql). A user then works as VOUCH_USER=NAME. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "table.h"

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl user add NAME --person 姓名\n"
                 "       vouchctl user list [--format table|json]\n"
                 "       vouchctl user remove NAME\n"
                 "\n"
                 "A user is a PostgreSQL role (created by add unless it exists) linked to a\n"
                 "person: the name the ledgers write as 制单人. vouchctl connects as\n"
                 "VOUCH_USER (or libpq's PGUSER; passwords from ~/.pgpass, never the command\n"
                 "line), and the review history records that user. No one reviews the\n"
                 "findings on a voucher their person prepared, and a review needs a user\n"
                 "linked to a person. remove takes the role's login away; the user stays\n"
                 "named in the histories. add and remove need vouch's own role.\n");
}

static int s_change(vouch_ctl_t *ctl, const char *sql, int n, const char *const *p)
{
    PGconn *db = vouch_ctl_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    int rc = VOUCH_EXIT_OK;
    PGresult *r = vouch_ctl_call(db, NULL, sql, n, p, &rc);
    if (r)
        printf("%s\n", PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

static int s_list(vouch_ctl_t *ctl, int format)
{
    PGconn *db = vouch_ctl_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    PGresult *r = vouch_ctl_exec(db,
                                 "SELECT name, person, to_char(created_at, 'YYYY-MM-DD HH24:MI'),"
                                 " created_by, coalesce(to_char(removed_at, 'YYYY-MM-DD HH24:MI'),"
                                 " '') FROM users ORDER BY name",
                                 0, NULL);
    if (!r)
        return VOUCH_EXIT_UNAVAILABLE;
    if (format == VOUCH_FMT_JSON) {
        json_t *a = json_array();
        for (int i = 0; i < PQntuples(r); i++) {
            const char *removed = PQgetvalue(r, i, 4);
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:o}", "name",
                                               PQgetvalue(r, i, 0), "person", PQgetvalue(r, i, 1),
                                               "created_at", PQgetvalue(r, i, 2), "created_by",
                                               PQgetvalue(r, i, 3), "removed_at",
                                               *removed ? json_string(removed) : json_null()));
        }
        json_dumpf(a, stdout, JSON_INDENT(1));
        fputc('\n', stdout);
        json_decref(a);
    } else {
        const char *headers[] = {"USER", "PERSON", "ADDED", "BY", "REMOVED"};
        vouch_table_t *t = vouch_table_new(5, headers);
        for (int i = 0; i < PQntuples(r); i++) {
            const char *cells[] = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                                   PQgetvalue(r, i, 3), PQgetvalue(r, i, 4)};
            vouch_table_add(t, cells);
        }
        vouch_table_print(t, stdout);
        vouch_table_destroy(&t);
    }
    PQclear(r);
    return VOUCH_EXIT_OK;
}

int vouch_cmd_user(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"person", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *person = NULL;
    int format = VOUCH_FMT_TABLE, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            person = optarg;
            break;
        case 'f':
            if (vouch_ctl_format_table_json(optarg, &format) != 0)
                return VOUCH_EXIT_USAGE;
            break;
        case 'h':
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        default:
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    const char *verb = optind < argc ? argv[optind] : "";
    int args = argc - optind - 1;
    if (strcmp(verb, "add") == 0 && args == 1 && person) {
        const char *p[] = {argv[optind + 1], person};
        return s_change(ctl,
                        "SELECT 'user ' || u.name || ' added: ' || u.person"
                        " || ' (connect with VOUCH_USER=' || u.name || ')'"
                        " FROM vouch_user_add($1, $2) u",
                        2, p);
    }
    if (strcmp(verb, "remove") == 0 && args == 1 && !person) {
        const char *p[] = {argv[optind + 1]};
        return s_change(ctl,
                        "SELECT 'user ' || u.name || ' (' || u.person || ') removed'"
                        " FROM vouch_user_remove($1) u",
                        1, p);
    }
    if (strcmp(verb, "list") == 0 && args == 0 && !person)
        return s_list(ctl, format);
    s_usage(stderr);
    return VOUCH_EXIT_USAGE;
}
