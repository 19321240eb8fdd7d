/* cmd_subscription.c: `vouchctl subscription add | list | remove`: who gets
 * digests of which units, how often and where (sql/012_digests.sql). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "ctl.h"
#include "deliver.h"
#include "table.h"

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: vouchctl subscription add NAME --org UNIT [UNIT...]\n"
            "                [--min-severity high|medium|low] [--every daily|weekly|HOURS]\n"
            "                [--at HH:MM] [--when-empty skip|brief]\n"
            "                (--dir PATH | --webhook URL [--webhook-format json|wecom|dingtalk]\n"
            "                 | --mail ADDRESS)\n"
            "       vouchctl subscription list [--format table|json]\n"
            "       vouchctl subscription remove NAME\n"
            "\n"
            "A subscription sends a digest of what is new in its units (findings at\n"
            "--min-severity or above, default low; changes; the largest items; 三公;\n"
            "review progress) every day (default), week or HOURS hours, from --at on\n"
            "(the first is due at the next HH:MM, or now). It goes to a folder (Markdown,\n"
            "HTML and JSON files), a webhook (企业微信 and 钉钉 group robots are\n"
            "recognised by their address; --webhook-format says otherwise) or a mail\n"
            "address (vouch.conf's smtp_url and mail_from). With nothing new it is not\n"
            "sent (--when-empty skip, the default) or says so briefly (brief). Each\n"
            "finding enters exactly one digest of a subscription; a failed delivery is\n"
            "tried again until it is delivered, with the same digest id.\n");
}

/* A target as shown: a webhook's query (企业微信's key=, 钉钉's
 * access_token=) is its password, and is not printed. */
#define S_SHOWN(col) "regexp_replace(" col ", '\\?.*$', '?…')"

typedef struct {
    const char *orgs[64];
    int norgs;
    const char *severity, *every, *at, *when_empty, *channel, *target, *format;
} s_add_t;

static int s_add(vouch_ctl_t *ctl, const char *name, s_add_t *a)
{
    if (a->norgs == 0 || !a->channel) {
        vouch_ctl_fail("subscription add needs --org and one of --dir, --webhook, --mail");
        return VOUCH_EXIT_USAGE;
    }
    char every[32] = "1 day";
    if (a->every && strcmp(a->every, "weekly") == 0)
        snprintf(every, sizeof every, "7 days");
    else if (a->every && strcmp(a->every, "daily") != 0) {
        char *end;
        long h = strtol(a->every, &end, 10);
        if (end == a->every || *end || h < 1 || h > 24 * 366) {
            vouch_ctl_fail("--every is daily, weekly or a number of hours");
            return VOUCH_EXIT_USAGE;
        }
        snprintf(every, sizeof every, "%ld hours", h);
    }
    int hh, mm;
    char tail;
    if (a->at && (sscanf(a->at, "%2d:%2d%c", &hh, &mm, &tail) != 2 || hh > 23 || mm > 59 ||
                  hh < 0 || mm < 0)) {
        vouch_ctl_fail("--at is HH:MM");
        return VOUCH_EXIT_USAGE;
    }
    char path[PATH_MAX];
    const char *format = NULL;
    if (strcmp(a->channel, "dir") == 0 && a->target[0] != '/') {
        /* vouchd writes there, from its own working folder */
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd) ||
            snprintf(path, sizeof path, "%s/%s", cwd, a->target) >= (int)sizeof path) {
            vouch_ctl_fail("--dir: give an absolute path");
            return VOUCH_EXIT_USAGE;
        }
        a->target = path;
    } else if (strcmp(a->channel, "webhook") == 0) {
        if (strncmp(a->target, "https://", 8) != 0 && strncmp(a->target, "http://", 7) != 0) {
            vouch_ctl_fail("--webhook takes an http:// or https:// address");
            return VOUCH_EXIT_USAGE;
        }
        static const char *const names[] = {"json", "wecom", "dingtalk"};
        format = a->format ? a->format : names[vouch_webhook_format_guess(a->target)];
    } else if (strcmp(a->channel, "mail") == 0 && !strchr(a->target, '@')) {
        vouch_ctl_fail("--mail takes an address");
        return VOUCH_EXIT_USAGE;
    }
    if (a->format && strcmp(a->channel, "webhook") != 0) {
        vouch_ctl_fail("--webhook-format goes with --webhook");
        return VOUCH_EXIT_USAGE;
    }
    json_t *ja = json_array();
    for (int i = 0; i < a->norgs; i++)
        json_array_append_new(ja, json_string(a->orgs[i]));
    char *orgs_json = json_dumps(ja, JSON_COMPACT);
    json_decref(ja);
    const char *p[] = {name,      orgs_json, a->severity ? a->severity : "low",
                       every,     a->at,     a->channel,
                       a->target, format,    a->when_empty ? a->when_empty : "skip"};
    int rc = vouch_ctl_change(
        ctl,
        "INSERT INTO subscriptions (name, orgs, min_severity, every, at_time, channel, target,"
        " webhook_format, when_empty, next_due)"
        " SELECT btrim($1), ARRAY(SELECT normalize(btrim(x), NFKC)"
        "  FROM json_array_elements_text($2::json) x), $3, $4::interval, $5::time, $6, $7, $8, $9,"
        " vouch_subscription_first_due($5::time)"
        " RETURNING 'subscription ' || name || ': ' || array_to_string(orgs, ', ') || ' -> ' ||"
        " channel || ' ' || " S_SHOWN("target") " || ', first due ' ||"
                                                " to_char(next_due, 'YYYY-MM-DD HH24:MI')",
        9, p);
    free(orgs_json);
    return rc;
}

static int s_list(vouch_ctl_t *ctl, int format)
{
    PGconn *db = vouch_ctl_read_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    PGresult *r = vouch_ctl_exec(
        db,
        "SELECT s.name, array_to_json(s.orgs)::text, s.min_severity,"
        " CASE WHEN s.every = '1 day' THEN 'daily' WHEN s.every = '7 days' THEN 'weekly'"
        "  ELSE (extract(epoch FROM s.every) / 3600)::int || ' hours' END,"
        " s.channel, " S_SHOWN(
            "s.target") ", coalesce(s.webhook_format, ''), s.when_empty,"
                        " to_char(s.next_due, 'YYYY-MM-DD HH24:MI'),"
                        " (SELECT count(*) FROM digests d WHERE d.subscription_id = "
                        "s.subscription_id),"
                        " (SELECT count(*) FROM digests d WHERE d.subscription_id = "
                        "s.subscription_id"
                        "  AND d.state = 'pending')"
                        " FROM subscriptions s WHERE s.removed_at IS NULL ORDER BY s.name",
        0, NULL);
    if (!r)
        return VOUCH_EXIT_UNAVAILABLE;
    if (format == VOUCH_FMT_JSON) {
        json_t *a = json_array();
        for (int i = 0; i < PQntuples(r); i++) {
            json_t *o = json_pack(
                "{s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "name", PQgetvalue(r, i, 0),
                "orgs", json_loads(PQgetvalue(r, i, 1), 0, NULL), "min_severity",
                PQgetvalue(r, i, 2), "every", PQgetvalue(r, i, 3), "channel", PQgetvalue(r, i, 4),
                "target", PQgetvalue(r, i, 5), "when_empty", PQgetvalue(r, i, 7), "next_due",
                PQgetvalue(r, i, 8), "digests", (json_int_t)atoll(PQgetvalue(r, i, 9)), "pending",
                (json_int_t)atoll(PQgetvalue(r, i, 10)));
            if (*PQgetvalue(r, i, 6))
                json_object_set_new(o, "webhook_format", json_string(PQgetvalue(r, i, 6)));
            json_array_append_new(a, o);
        }
        json_dumpf(a, stdout, JSON_INDENT(1));
        fputc('\n', stdout);
        json_decref(a);
    } else {
        const char *h[] = {"NAME", "UNITS", "MIN", "EVERY", "TO", "NEXT DUE", "DIGESTS", "PENDING"};
        vouch_table_t *t = vouch_table_new(8, h);
        vouch_table_align_right(t, 6);
        vouch_table_align_right(t, 7);
        for (int i = 0; i < PQntuples(r); i++) {
            char to[1024];
            snprintf(to, sizeof to, "%s %s%s%s%s", PQgetvalue(r, i, 4), PQgetvalue(r, i, 5),
                     *PQgetvalue(r, i, 6) ? " (" : "", PQgetvalue(r, i, 6),
                     *PQgetvalue(r, i, 6) ? ")" : "");
            const char *cells[] = {PQgetvalue(r, i, 0),
                                   PQgetvalue(r, i, 1),
                                   PQgetvalue(r, i, 2),
                                   PQgetvalue(r, i, 3),
                                   to,
                                   PQgetvalue(r, i, 8),
                                   PQgetvalue(r, i, 9),
                                   PQgetvalue(r, i, 10)};
            vouch_table_add(t, cells);
        }
        vouch_table_print(t, stdout);
        vouch_table_destroy(&t);
    }
    PQclear(r);
    return VOUCH_EXIT_OK;
}

int vouch_cmd_subscription(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"org", required_argument, NULL, 'O'},
        {"min-severity", required_argument, NULL, 's'},
        {"every", required_argument, NULL, 'e'},
        {"at", required_argument, NULL, 'a'},
        {"when-empty", required_argument, NULL, 'w'},
        {"dir", required_argument, NULL, 'd'},
        {"webhook", required_argument, NULL, 'W'},
        {"mail", required_argument, NULL, 'm'},
        {"webhook-format", required_argument, NULL, 'F'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    s_add_t a = {0};
    int format = VOUCH_FMT_TABLE, c, channels = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'O':
            if (a.norgs < 64)
                a.orgs[a.norgs++] = optarg;
            break;
        case 's':
            if (strcmp(optarg, "high") != 0 && strcmp(optarg, "medium") != 0 &&
                strcmp(optarg, "low") != 0) {
                vouch_ctl_fail("--min-severity is high, medium or low");
                return VOUCH_EXIT_USAGE;
            }
            a.severity = optarg;
            break;
        case 'e':
            a.every = optarg;
            break;
        case 'a':
            a.at = optarg;
            break;
        case 'w':
            if (strcmp(optarg, "skip") != 0 && strcmp(optarg, "brief") != 0) {
                vouch_ctl_fail("--when-empty is skip or brief");
                return VOUCH_EXIT_USAGE;
            }
            a.when_empty = optarg;
            break;
        case 'd':
        case 'W':
        case 'm':
            a.channel = c == 'd' ? "dir" : c == 'W' ? "webhook" : "mail";
            a.target = optarg;
            channels++;
            break;
        case 'F':
            if (vouch_webhook_format_parse(optarg) < 0) {
                vouch_ctl_fail("--webhook-format is json, wecom or dingtalk");
                return VOUCH_EXIT_USAGE;
            }
            a.format = optarg;
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
    if (channels > 1) {
        vouch_ctl_fail("one of --dir, --webhook or --mail");
        return VOUCH_EXIT_USAGE;
    }
    if (strcmp(verb, "add") == 0 && args >= 1 && (args == 1 || a.norgs > 0)) {
        /* --org A B: the words after NAME are more units (INTERFACE.md's
         * --org ORG...) */
        for (int i = optind + 2; i < argc && a.norgs < 64; i++)
            a.orgs[a.norgs++] = argv[i];
        return s_add(ctl, argv[optind + 1], &a);
    }
    if (strcmp(verb, "list") == 0 && args == 0)
        return s_list(ctl, format);
    if (strcmp(verb, "remove") == 0 && args == 1) {
        const char *p[] = {argv[optind + 1]};
        return vouch_ctl_change(ctl, "SELECT vouch_subscription_remove($1)", 1, p);
    }
    s_usage(stderr);
    return VOUCH_EXIT_USAGE;
}
