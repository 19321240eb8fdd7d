/* cmd_digest.c: `vouchctl digest preview | send | list`: a subscription's
 * next digest seen now, made and delivered now, or the digests made
 * (workers/digest.c makes and delivers them, as vouchd's digest thread does). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "digest.h"
#include "digest_render.h"
#include "table.h"

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: vouchctl digest preview [--subscription NAME] [--format markdown|html|json]\n"
            "       vouchctl digest send [--subscription NAME]\n"
            "       vouchctl digest list [--subscription NAME] [--format table|json]\n"
            "\n"
            "preview prints the digest each subscription (or NAME) would get now and\n"
            "records nothing. send makes it now (the subscription's rhythm is kept) and\n"
            "makes the first delivery attempt: a failed one is tried again by vouchd,\n"
            "with back-off, until it is delivered (exit 1 says it failed this time).\n"
            "list shows the digests made: state, attempts, the last error.\n");
}

/* the active subscriptions' ids (or NAME's): a result, or NULL after saying why */
static PGresult *s_subscriptions(PGconn *db, const char *name, int *rc)
{
    const char *p[] = {name};
    PGresult *r = vouch_ctl_exec(db,
                                 "SELECT subscription_id, name FROM subscriptions"
                                 " WHERE removed_at IS NULL AND ($1::text IS NULL OR name = $1)"
                                 " ORDER BY name",
                                 1, p);
    if (!r) {
        *rc = VOUCH_EXIT_UNAVAILABLE;
        return NULL;
    }
    if (PQntuples(r) == 0) {
        vouch_ctl_fail(name ? "no subscription %s" : "no subscriptions%s", name ? name : "");
        PQclear(r);
        *rc = VOUCH_EXIT_REFUSED;
        return NULL;
    }
    return r;
}

static void s_report(const char *digest, const char *subscription, bool delivered, int attempt,
                     const char *error, long long retry_s, void *arg)
{
    int *failed = arg;
    if (delivered)
        printf("%s for %s: delivered (attempt %d)\n", digest, subscription, attempt);
    else {
        printf("%s for %s: attempt %d failed: %s; vouchd tries again in %lld s\n", digest,
               subscription, attempt, error, retry_s);
        (*failed)++;
    }
}

static int s_preview_send(vouch_ctl_t *ctl, const char *name, bool send, const char *format)
{
    /* the primary even for a preview: it is made as a digest is, the
     * subscription locked (FOR UPDATE) and rolled back, which a replica refuses */
    PGconn *db = vouch_ctl_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    int rc = VOUCH_EXIT_OK;
    PGresult *subs = s_subscriptions(db, name, &rc);
    if (!subs)
        return rc;
    vouch_error_t perr;
    vouch_error_clear(&perr);
    vouch_policy_set_t *policies =
        vouch_policy_set_new_from_file(ctl->cfg->policy_file, ctl->cfg, &perr);
    if (!policies)
        fprintf(stderr, "vouchctl: no 三公 in the digest: the policy does not load: %s\n",
                perr.text);
    for (int i = 0; i < PQntuples(subs); i++) {
        vouch_error_t err;
        vouch_error_clear(&err);
        json_t *content = NULL;
        long long id = 0;
        if (vouch_digest_make(db, policies, atoi(PQgetvalue(subs, i, 0)),
                              send ? VOUCH_DIGEST_NOW : VOUCH_DIGEST_PREVIEW, &content, &id,
                              &err) != 0) {
            vouch_ctl_fail("%s: %s", PQgetvalue(subs, i, 1), err.text);
            rc = PQstatus(db) == CONNECTION_OK ? VOUCH_EXIT_REFUSED : VOUCH_EXIT_UNAVAILABLE;
            break;
        }
        if (!send) {
            char *text = strcmp(format, "json") == 0   ? json_dumps(content, JSON_INDENT(1))
                         : strcmp(format, "html") == 0 ? vouch_digest_html(content)
                                                       : vouch_digest_markdown(content);
            printf("%s%s", text, strcmp(format, "json") == 0 ? "\n" : "");
            free(text);
        } else if (id == 0) {
            printf("%s: nothing new; no digest (--when-empty skip)\n", PQgetvalue(subs, i, 1));
        } else {
            int failed = 0;
            if (vouch_digest_deliver_due(db, ctl->cfg, id, s_report, &failed, &err) < 0) {
                vouch_ctl_fail("%s", err.text);
                rc = VOUCH_EXIT_UNAVAILABLE;
            } else if (failed && rc == VOUCH_EXIT_OK)
                rc = VOUCH_EXIT_REFUSED;
        }
        json_decref(content);
    }
    PQclear(subs);
    vouch_policy_set_destroy(&policies);
    return rc;
}

static int s_list(vouch_ctl_t *ctl, const char *name, int format)
{
    PGconn *db = vouch_ctl_read_db(ctl);
    if (!db)
        return VOUCH_EXIT_UNAVAILABLE;
    const char *p[] = {name};
    PGresult *r = vouch_ctl_exec(
        db,
        "SELECT 'vouch-digest-' || d.digest_id, s.name, to_char(d.made_at, 'YYYY-MM-DD HH24:MI'),"
        " d.findings, d.state, d.attempts, coalesce(d.last_error, ''),"
        " CASE WHEN d.state = 'pending' THEN to_char(d.next_attempt_at, 'YYYY-MM-DD HH24:MI:SS')"
        " ELSE to_char(d.delivered_at, 'YYYY-MM-DD HH24:MI:SS') END"
        " FROM digests d JOIN subscriptions s USING (subscription_id)"
        " WHERE $1::text IS NULL OR s.name = $1 ORDER BY d.digest_id",
        1, p);
    if (!r)
        return VOUCH_EXIT_UNAVAILABLE;
    if (format == VOUCH_FMT_JSON) {
        json_t *a = json_array();
        for (int i = 0; i < PQntuples(r); i++)
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:s}",
                                               "digest_id", PQgetvalue(r, i, 0), "subscription",
                                               PQgetvalue(r, i, 1), "made_at", PQgetvalue(r, i, 2),
                                               "findings", (json_int_t)atoll(PQgetvalue(r, i, 3)),
                                               "state", PQgetvalue(r, i, 4), "attempts",
                                               (json_int_t)atoll(PQgetvalue(r, i, 5)), "last_error",
                                               PQgetvalue(r, i, 6), "when", PQgetvalue(r, i, 7)));
        json_dumpf(a, stdout, JSON_INDENT(1));
        fputc('\n', stdout);
        json_decref(a);
    } else {
        const char *h[] = {"DIGEST",   "SUBSCRIPTION",         "MADE",      "FINDINGS", "STATE",
                           "ATTEMPTS", "DELIVERED / NEXT TRY", "LAST ERROR"};
        vouch_table_t *t = vouch_table_new(8, h);
        vouch_table_align_right(t, 3);
        vouch_table_align_right(t, 5);
        vouch_table_max_width(t, 7, 60);
        for (int i = 0; i < PQntuples(r); i++) {
            const char *cells[] = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                                   PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5),
                                   PQgetvalue(r, i, 7), PQgetvalue(r, i, 6)};
            vouch_table_add(t, cells);
        }
        vouch_table_print(t, stdout);
        vouch_table_destroy(&t);
    }
    PQclear(r);
    return VOUCH_EXIT_OK;
}

int vouch_cmd_digest(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"subscription", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL, *format = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 's')
            name = optarg;
        else if (c == 'f')
            format = optarg;
        else if (c == 'h') {
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        } else {
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    const char *verb = optind + 1 == argc ? argv[optind] : "";
    if (strcmp(verb, "preview") == 0) {
        if (format && strcmp(format, "markdown") != 0 && strcmp(format, "html") != 0 &&
            strcmp(format, "json") != 0) {
            vouch_ctl_fail("--format is markdown, html or json");
            return VOUCH_EXIT_USAGE;
        }
        return s_preview_send(ctl, name, false, format ? format : "markdown");
    }
    if (strcmp(verb, "send") == 0 && !format)
        return s_preview_send(ctl, name, true, NULL);
    if (strcmp(verb, "list") == 0) {
        int f = VOUCH_FMT_TABLE;
        if (format && vouch_ctl_format_table_json(format, &f) != 0)
            return VOUCH_EXIT_USAGE;
        return s_list(ctl, name, f);
    }
    s_usage(stderr);
    return VOUCH_EXIT_USAGE;
}
