/* cmd_status.c: `vouchctl status`: what vouchd says of itself, its workers,
 * its batches, its spool and its database; and how far behind the read
 * replica vouchctl's queries go to is, when vouch.conf names one. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "wire.h"

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl status [--format table|json]\n"
                 "\n"
                 "Asks vouchd how it is: workers heard from, batches by state, files\n"
                 "waiting in the spool, the database, the last errors; and, when vouch.conf\n"
                 "names a query_database, the replica: streaming or not, seconds behind.\n"
                 "Exit status 3 when vouchd does not answer.\n");
}

/* query_database as status shows it: a new object, or NULL when there is none */
static json_t *s_replica(vouch_ctl_t *ctl)
{
    if (!ctl->cfg->query_database[0])
        return NULL;
    vouch_ctl_replica_t st;
    char why[512];
    if (vouch_ctl_replica(ctl, &st, why, sizeof why) != 0)
        return json_pack("{s:s, s:s}", "state", "unreachable", "error", why);
    const char *state = !st.standby    ? "not a standby"
                        : st.streaming ? "streaming"
                                       : "not streaming";
    return json_pack("{s:s, s:o, s:o}", "state", state, "lag_seconds",
                     st.lag >= 0 ? json_integer(st.lag) : json_null(), "replayed_at",
                     st.replayed_at[0] ? json_string(st.replayed_at) : json_null());
}

static void s_print_replica(json_t *replica)
{
    const char *state = vouch_wire_get_str(replica, "state") ?: "";
    const char *at = vouch_wire_get_str(replica, "replayed_at");
    long long lag;
    if (strcmp(state, "unreachable") == 0)
        printf("replica    unreachable: %s\n", vouch_wire_get_str(replica, "error") ?: "");
    else if (strcmp(state, "not a standby") == 0)
        printf("replica    not a standby: query_database is a primary\n");
    else if (strcmp(state, "streaming") == 0 &&
             vouch_wire_get_int(replica, "lag_seconds", &lag) == 0)
        printf("replica    streaming, %lld s behind\n", lag);
    else
        printf("replica    %s, last transaction replayed %s\n", state, at ? at : "none yet");
}

int vouch_cmd_status(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int format = VOUCH_FMT_TABLE, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = vouch_ctl_format_parse(optarg);
            if (format != VOUCH_FMT_TABLE && format != VOUCH_FMT_JSON) {
                vouch_ctl_fail("--format is table or json");
                return VOUCH_EXIT_USAGE;
            }
            break;
        case 'h':
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        default:
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        s_usage(stderr);
        return VOUCH_EXIT_USAGE;
    }
    json_t *req = vouch_wire_header("status"), *reply = NULL;
    int rc = vouch_ctl_request(ctl, req, NULL, 0, &reply, 10000);
    json_decref(req);
    if (rc != 0) {
        if (reply)
            vouch_ctl_fail("%s", vouch_wire_get_str(reply, "error") ?: "refused");
        json_decref(reply);
        return rc;
    }
    json_object_del(reply, "type");
    json_object_del(reply, "v");
    json_t *replica = s_replica(ctl);
    if (replica)
        json_object_set_new(reply, "replica", replica);
    if (format == VOUCH_FMT_JSON) {
        json_dumpf(reply, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(reply);
        return VOUCH_EXIT_OK;
    }
    json_t *db = json_object_get(reply, "database");
    json_t *workers = json_object_get(reply, "workers");
    json_t *batches = json_object_get(reply, "batches");
    long long v;
    printf("vouchd     running, pid %lld, up %llds\n",
           vouch_wire_get_int(reply, "pid", &v) == 0 ? v : 0,
           vouch_wire_get_int(reply, "uptime", &v) == 0 ? v : 0);
    const char *state = vouch_wire_get_str(db, "state") ?: "unknown";
    const char *dberr = vouch_wire_get_str(db, "error");
    printf("database   %s%s%s\n", state, dberr ? ": " : "", dberr ? dberr : "");
    printf("policy     %s (%s)\n", vouch_wire_get_str(reply, "policy_version") ?: "",
           vouch_wire_get_str(reply, "policy_profile") ?: "");
    printf("workers    %lld\n", vouch_wire_get_int(workers, "count", &v) == 0 ? v : 0);
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(workers, "list"), i, w)
    {
        long long ago = 0, done = 0;
        vouch_wire_get_int(w, "seconds_ago", &ago);
        vouch_wire_get_int(w, "batches", &done);
        printf("           %s: %lld batches, heard %llds ago\n", vouch_wire_get_str(w, "id") ?: "?",
               done, ago);
    }
    long long pending = 0, dispatched = 0, done = 0, failed = 0;
    vouch_wire_get_int(batches, "pending", &pending);
    vouch_wire_get_int(batches, "dispatched", &dispatched);
    vouch_wire_get_int(batches, "done", &done);
    vouch_wire_get_int(batches, "failed", &failed);
    printf("batches    %lld pending, %lld dispatched, %lld done, %lld failed\n", pending,
           dispatched, done, failed);
    printf("spool      %lld file(s) waiting\n",
           vouch_wire_get_int(reply, "spool_depth", &v) == 0 ? v : 0);
    if (replica)
        s_print_replica(replica);
    json_t *errors = json_object_get(reply, "last_errors");
    if (json_array_size(errors) > 0) {
        printf("errors\n");
        json_array_foreach(errors, i, w) printf("           %s\n", json_string_value(w));
    }
    json_decref(reply);
    return VOUCH_EXIT_OK;
}
