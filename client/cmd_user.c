/* cmd_user.c: `vouchctl user add NAME --person 姓名 | list | remove NAME`:
 * vouch's users, each a PostgreSQL role linked to the person the ledgers name
 * as 制单人 (sql/009_users.sql). A user then works as VOUCH_USER=NAME. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "table.h"

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: vouchctl user add NAME [--role auditor|supervisor|admin] --org UNIT [UNIT...]\n"
            "                          [--person 姓名]\n"
            "       vouchctl user list [--format table|json]\n"
            "       vouchctl user remove NAME\n"
            "\n"
            "A user is a PostgreSQL role (created by add unless it exists) that sees the\n"
            "units --org names (repeat it; an admin sees every unit):\n"
            "  auditor     reads its units; reviews, assigns, suppresses there (default)\n"
            "  supervisor  reads its units; changes nothing\n"
            "  admin       reads every unit; reviews; adds and removes users\n"
            "An auditor or admin is linked to a person, the name the ledgers write as\n"
            "制单人: no one reviews the findings on a voucher their person prepared.\n"
            "vouchctl connects as VOUCH_USER (or libpq's PGUSER; passwords from\n"
            "~/.pgpass, never the command line); the history records that user. remove\n"
            "takes the role's login and rights away; the user stays named in the\n"
            "histories. add and remove need an admin or vouch's own role.\n");
}

static int s_list(vouch_ctl_t *ctl, int format)
{
    PGconn *db = vouch_ctl_read_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    PGresult *r = vouch_ctl_exec(
        db,
        "SELECT name, coalesce(person, ''), to_char(created_at, 'YYYY-MM-DD HH24:MI'),"
        " created_by, coalesce(to_char(removed_at, 'YYYY-MM-DD HH24:MI'),"
        " '') , role, array_to_json(orgs)::text FROM users ORDER BY name",
        0, NULL);
    if (!r)
        return VOUCH_EXIT_UNAVAILABLE;
    if (format == VOUCH_FMT_JSON) {
        json_t *a = json_array();
        for (int i = 0; i < PQntuples(r); i++) {
            const char *removed = PQgetvalue(r, i, 4);
            json_array_append_new(
                a, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "name", PQgetvalue(r, i, 0),
                             "role", PQgetvalue(r, i, 5), "person", PQgetvalue(r, i, 1), "orgs",
                             json_loads(PQgetvalue(r, i, 6), 0, NULL), "created_at",
                             PQgetvalue(r, i, 2), "created_by", PQgetvalue(r, i, 3), "removed_at",
                             *removed ? json_string(removed) : json_null()));
        }
        json_dumpf(a, stdout, JSON_INDENT(1));
        fputc('\n', stdout);
        json_decref(a);
    } else {
        const char *headers[] = {"USER", "ROLE", "PERSON", "UNITS", "ADDED", "BY", "REMOVED"};
        vouch_table_t *t = vouch_table_new(7, headers);
        for (int i = 0; i < PQntuples(r); i++) {
            const char *cells[] = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 5), PQgetvalue(r, i, 1),
                                   PQgetvalue(r, i, 6), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
                                   PQgetvalue(r, i, 4)};
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
        {"person", required_argument, NULL, 'p'}, {"role", required_argument, NULL, 'r'},
        {"org", required_argument, NULL, 'O'},    {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *person = NULL, *role = "auditor";
    json_t *orgs = json_array();
    int format = VOUCH_FMT_TABLE, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            person = optarg;
            break;
        case 'r':
            if (strcmp(optarg, "auditor") != 0 && strcmp(optarg, "supervisor") != 0 &&
                strcmp(optarg, "admin") != 0) {
                vouch_ctl_fail("--role is auditor, supervisor or admin");
                json_decref(orgs);
                return VOUCH_EXIT_USAGE;
            }
            role = optarg;
            break;
        case 'O':
            json_array_append_new(orgs, json_string(optarg));
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
    if (strcmp(verb, "add") == 0 && args >= 1 && (args == 1 || json_array_size(orgs) > 0)) {
        /* --org A B: the words after NAME are more units */
        for (int i = optind + 2; i < argc; i++)
            json_array_append_new(orgs, json_string(argv[i]));
        char *units = json_dumps(orgs, JSON_COMPACT);
        json_decref(orgs);
        const char *p[] = {argv[optind + 1], person, role, units};
        int rc = vouch_ctl_change(
            ctl,
            "SELECT 'user ' || u.name || ' added: ' || u.role"
            " || coalesce(' ' || u.person, '') || ', '"
            " || CASE WHEN u.role = 'admin' OR cardinality(u.orgs) = 0 THEN 'every unit'"
            " ELSE array_to_string(u.orgs, ', ') END"
            " || ' (connect with VOUCH_USER=' || u.name || ')'"
            " FROM vouch_user_add($1, $2, $3,"
            " ARRAY(SELECT json_array_elements_text($4::json))) u",
            4, p);
        free(units);
        return rc;
    }
    json_decref(orgs);
    if (strcmp(verb, "remove") == 0 && args == 1 && !person) {
        const char *p[] = {argv[optind + 1]};
        return vouch_ctl_change(
            ctl,
            "SELECT 'user ' || u.name || ' (' || coalesce(u.person, u.role) || ') removed'"
            " FROM vouch_user_remove($1) u",
            1, p);
    }
    if (strcmp(verb, "list") == 0 && args == 0 && !person)
        return s_list(ctl, format);
    s_usage(stderr);
    return VOUCH_EXIT_USAGE;
}
