/* cmd_suppression.c: `vouchctl suppression list | lift ID --note TEXT`: the
 * suppressions auditors made by dismissing with a scope (vouchctl review
 * --scope; sql/010_suppressions.sql), how many findings each holds down,
 * and lifting one, which reopens them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "table.h"

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl suppression list [--org NAME] [--all] [--format table|json]\n"
                 "       vouchctl suppression lift ID --note TEXT\n"
                 "\n"
                 "A suppression comes from dismissing a finding with --scope line, payee or\n"
                 "unit (vouchctl review): the open findings it covers, now and in later\n"
                 "ledgers, are 'suppressed'. list shows the active ones (--all: lifted too)\n"
                 "with how many findings each holds; lift reopens those findings, each with\n"
                 "a row of history, and keeps the suppression, lifted.\n");
}

static int s_list(vouch_ctl_t *ctl, const char *org, bool all, int format)
{
    PGconn *db = vouch_ctl_read_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    const char *p[] = {org, all ? "t" : "f"};
    PGresult *r = vouch_ctl_exec(
        db,
        "SELECT s.suppression_id, o.name, s.rule, s.scope, s.label,"
        " (SELECT count(*) FROM findings f WHERE f.suppressed_by = s.suppression_id"
        "  AND f.status = 'suppressed'),"
        " s.finding_id, s.reason, s.note, s.who, to_char(s.at, 'YYYY-MM-DD HH24:MI'),"
        " coalesce(to_char(s.lifted_at, 'YYYY-MM-DD HH24:MI'), ''), coalesce(s.lifted_by, '')"
        " FROM suppressions s JOIN orgs o ON o.org_id = s.org_id"
        " WHERE ($1::text IS NULL OR o.name = $1) AND ($2::bool OR s.lifted_at IS NULL)"
        " ORDER BY s.suppression_id",
        2, p);
    if (!r)
        return VOUCH_EXIT_UNAVAILABLE;
    int n = PQntuples(r);
    if (format == VOUCH_FMT_JSON) {
        json_t *a = json_array();
        for (int i = 0; i < n; i++) {
            const char *lifted = PQgetvalue(r, i, 11);
            json_t *o = json_pack(
                "{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "suppression_id",
                (json_int_t)atoll(PQgetvalue(r, i, 0)), "org", PQgetvalue(r, i, 1), "rule",
                PQgetvalue(r, i, 2), "scope", PQgetvalue(r, i, 3), "covers", PQgetvalue(r, i, 4),
                "suppressed", (json_int_t)atoll(PQgetvalue(r, i, 5)), "finding_id",
                (json_int_t)atoll(PQgetvalue(r, i, 6)), "reason", PQgetvalue(r, i, 7), "note",
                PQgetvalue(r, i, 8), "who", PQgetvalue(r, i, 9), "at", PQgetvalue(r, i, 10));
            json_object_set_new(o, "lifted_at", *lifted ? json_string(lifted) : json_null());
            json_object_set_new(o, "lifted_by",
                                *lifted ? json_string(PQgetvalue(r, i, 12)) : json_null());
            json_array_append_new(a, o);
        }
        json_dumpf(a, stdout, JSON_INDENT(1));
        fputc('\n', stdout);
        json_decref(a);
    } else {
        const char *headers[] = {"ID",     "SCOPE", "COVERS", "SUPPRESSED", "FROM FINDING",
                                 "REASON", "BY",    "AT",     "LIFTED"};
        vouch_table_t *t = vouch_table_new(9, headers);
        vouch_table_align_right(t, 0);
        vouch_table_align_right(t, 3);
        vouch_table_align_right(t, 4);
        for (int i = 0; i < n; i++) {
            const char *cells[] = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 3),  PQgetvalue(r, i, 4),
                                   PQgetvalue(r, i, 5), PQgetvalue(r, i, 6),  PQgetvalue(r, i, 7),
                                   PQgetvalue(r, i, 9), PQgetvalue(r, i, 10), PQgetvalue(r, i, 11)};
            vouch_table_add(t, cells);
        }
        vouch_table_print(t, stdout);
        vouch_table_destroy(&t);
    }
    PQclear(r);
    return VOUCH_EXIT_OK;
}

static int s_lift(vouch_ctl_t *ctl, const char *id, const char *note)
{
    if (!id[0] || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18) {
        vouch_ctl_fail("not a suppression id: %s", id);
        return VOUCH_EXIT_USAGE;
    }
    PGconn *db = vouch_ctl_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    const char *p[] = {id, note};
    int rc = VOUCH_EXIT_OK;
    PGresult *r =
        vouch_ctl_call(db, NULL, "SELECT vouch_suppression_lift($1::bigint, $2)", 2, p, &rc);
    if (r) {
        long long n = atoll(PQgetvalue(r, 0, 0));
        printf("suppression %s lifted: %lld finding%s reopened\n", id, n, n == 1 ? "" : "s");
    }
    PQclear(r);
    return rc;
}

int vouch_cmd_suppression(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"org", required_argument, NULL, 'O'},  {"all", no_argument, NULL, 'a'},
        {"note", required_argument, NULL, 'n'}, {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    const char *org = NULL, *note = NULL;
    bool all = false;
    int format = VOUCH_FMT_TABLE, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'O':
            org = optarg;
            break;
        case 'a':
            all = true;
            break;
        case 'n':
            note = optarg;
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
    if (strcmp(verb, "list") == 0 && args == 0 && !note)
        return s_list(ctl, org, all, format);
    if (strcmp(verb, "lift") == 0 && args == 1 && note && !org && !all)
        return s_lift(ctl, argv[optind + 1], note);
    s_usage(stderr);
    return VOUCH_EXIT_USAGE;
}
