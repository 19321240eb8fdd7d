/* cmd_ingest.c: `vouchctl ingest`: stream each file to vouchd in acknowledged
 * chunks (never the whole file in memory), then follow it until it is stored
 * and, with --wait, until every rule has run on it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "ctl.h"
#include "sha256.h"
#include "text.h"
#include "wire.h"

#define S_TIMEOUT_MS 30000 /* for one answer from vouchd */

typedef struct {
    bool wait;
    const char *org;
    int format;
    int timeout_s; /* for --wait */
} s_opts_t;

typedef struct {
    const char *file;
    const char *status;
    long long ledger_id;
    long long supersedes; /* the ledger it replaced, or 0 */
    long lines, vouchers;
    long long findings; /* -1 unknown */
    char error[1200];
} s_outcome_t;

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl ingest [--wait] [--timeout SECONDS] [--org NAME]\n"
                 "                       [--format table|json] FILE...\n"
                 "\n"
                 "Hands each voucher export to vouchd, which stores it whole or not at all.\n"
                 "\n"
                 "  --wait             return once the file is stored and every rule has run\n"
                 "                     on it (also waits while the database is down)\n"
                 "  --timeout SECONDS  give up waiting after this long (default 600; without\n"
                 "                     --wait it bounds the wait for the file to be stored)\n"
                 "  --org NAME         the unit, for files that do not name it\n"
                 "  --format FORMAT    table (default) or json: one object per file\n"
                 "\n"
                 "status: accepted (stored), duplicate (the same bytes were stored before:\n"
                 "nothing new), queued (vouchd holds it until its database is back),\n"
                 "rejected (FILE:LINE: column NAME: reason on stderr; nothing stored).\n");
}

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void s_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* hash first: vouchd checks the bytes it got against it */
static int s_hash_file(const char *path, char sha[65], long long *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    vouch_sha256_t *h = vouch_sha256_new();
    char *buf = vouch_malloc(VOUCH_WIRE_CHUNK);
    size_t n;
    *size = 0;
    while ((n = fread(buf, 1, VOUCH_WIRE_CHUNK, f)) > 0) {
        vouch_sha256_update(h, buf, n);
        *size += (long long)n;
    }
    int rc = ferror(f) ? -1 : 0;
    fclose(f);
    free(buf);
    vouch_sha256_final(h, sha);
    vouch_sha256_destroy(&h);
    return rc;
}

static const char *s_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Upload one file; on success fills ticket. Returns an exit code. */
static int s_upload(vouch_ctl_t *ctl, const s_opts_t *o, const char *path, char *ticket,
                    size_t ticketsz, s_outcome_t *out)
{
    char sha[65];
    long long size;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || s_hash_file(path, sha, &size) != 0) {
        snprintf(out->error, sizeof out->error, "%s: cannot read: %s", path,
                 errno ? strerror(errno) : "not a regular file");
        return VOUCH_EXIT_REFUSED;
    }
    json_t *reply = NULL;
    char *name = vouch_text_sanitize(s_base(path));
    json_t *req = json_pack("{s:s, s:s, s:s?, s:I}", "type", "ingest_begin", "name", name, "org",
                            o->org, "size", (json_int_t)size);
    free(name);
    int rc = vouch_ctl_request(ctl, req, NULL, 0, &reply, S_TIMEOUT_MS);
    json_decref(req);
    if (rc != 0)
        goto refused;
    long long upload, window;
    if (vouch_wire_get_int(reply, "upload", &upload) != 0 ||
        vouch_wire_get_int(reply, "window", &window) != 0 || window < 1) {
        snprintf(out->error, sizeof out->error, "%s: unexpected answer from vouchd", path);
        json_decref(reply);
        return VOUCH_EXIT_UNAVAILABLE;
    }
    json_decref(reply);
    reply = NULL;

    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(out->error, sizeof out->error, "%s: cannot read: %s", path, strerror(errno));
        return VOUCH_EXIT_REFUSED;
    }
    char *buf = vouch_malloc(VOUCH_WIRE_CHUNK);
    long long sent = 0, acked = 0;
    bool eof = false;
    rc = 0;
    /* keep up to `window` chunks in flight: fast on a slow link, bounded in memory */
    while (rc == 0 && (!eof || acked < sent)) {
        while (!eof && sent - acked < window) {
            size_t n = fread(buf, 1, VOUCH_WIRE_CHUNK, f);
            if (n == 0) {
                eof = true;
                break;
            }
            req = json_pack("{s:s, s:I, s:I}", "type", "ingest_chunk", "upload", (json_int_t)upload,
                            "seq", (json_int_t)sent);
            rc = vouch_ctl_send(ctl, req, buf, n);
            json_decref(req);
            if (rc != 0)
                break;
            sent++;
        }
        if (rc != 0 || acked == sent)
            continue;
        rc = vouch_ctl_recv(ctl, &reply, S_TIMEOUT_MS);
        if (rc == 0)
            acked++;
        else if (rc == VOUCH_EXIT_REFUSED)
            break;
        if (rc == 0) {
            json_decref(reply);
            reply = NULL;
        }
    }
    fclose(f);
    free(buf);
    if (rc != 0)
        goto refused;
    req = json_pack("{s:s, s:I, s:s}", "type", "ingest_end", "upload", (json_int_t)upload, "sha256",
                    sha);
    rc = vouch_ctl_request(ctl, req, NULL, 0, &reply, S_TIMEOUT_MS);
    json_decref(req);
    if (rc != 0)
        goto refused;
    snprintf(ticket, ticketsz, "%s", vouch_wire_get_str(reply, "ticket") ?: "");
    json_decref(reply);
    return 0;

refused:
    if (reply && rc == VOUCH_EXIT_REFUSED) {
        snprintf(out->error, sizeof out->error, "%s: %s", path,
                 vouch_wire_get_str(reply, "error") ?: "refused");
        /* vouchd says when trying again later will do (it is busy, not the file) */
        if (json_is_true(json_object_get(reply, "transient")))
            rc = VOUCH_EXIT_UNAVAILABLE;
    }
    json_decref(reply);
    /* answers to chunks sent ahead may still be on their way: start afresh */
    vouch_ctl_reset(ctl);
    return rc;
}

static bool s_db_down(vouch_ctl_t *ctl)
{
    json_t *req = vouch_wire_header("status"), *reply = NULL;
    int rc = vouch_ctl_request(ctl, req, NULL, 0, &reply, S_TIMEOUT_MS);
    json_decref(req);
    const char *state =
        rc == 0 ? json_string_value(json_object_get(json_object_get(reply, "database"), "state"))
                : NULL;
    bool down = state && strcmp(state, "down") == 0;
    json_decref(reply);
    return down;
}

/* Follow the ticket until stored (or refused); with --wait, until analysed. */
static int s_follow(vouch_ctl_t *ctl, const s_opts_t *o, const char *ticket, s_outcome_t *out)
{
    double start = s_now();
    int sleep_ms = 20;
    while (true) {
        json_t *req = json_pack("{s:s, s:s}", "type", "file_status", "ticket", ticket);
        json_t *reply = NULL;
        int rc = vouch_ctl_request(ctl, req, NULL, 0, &reply, S_TIMEOUT_MS);
        json_decref(req);
        if (rc != 0) {
            json_decref(reply);
            return rc;
        }
        char status[16];
        snprintf(status, sizeof status, "%s", vouch_wire_get_str(reply, "status") ?: "unknown");
        long long v;
        if (strcmp(status, "accepted") == 0 || strcmp(status, "duplicate") == 0) {
            out->status = strcmp(status, "accepted") == 0 ? "accepted" : "duplicate";
            out->ledger_id = vouch_wire_get_int(reply, "ledger_id", &v) == 0 ? v : 0;
            out->lines = vouch_wire_get_int(reply, "lines", &v) == 0 ? (long)v : 0;
            out->vouchers = vouch_wire_get_int(reply, "vouchers", &v) == 0 ? (long)v : 0;
            out->supersedes = vouch_wire_get_int(reply, "supersedes", &v) == 0 ? v : 0;
            json_decref(reply);
            break;
        }
        if (strcmp(status, "rejected") == 0) {
            out->status = "rejected";
            snprintf(out->error, sizeof out->error, "%s",
                     vouch_wire_get_str(reply, "error") ?: "refused");
            json_decref(reply);
            return VOUCH_EXIT_REFUSED;
        }
        json_decref(reply);
        if (strcmp(status, "unknown") == 0) {
            snprintf(out->error, sizeof out->error, "%s: vouchd lost track of the file", out->file);
            return VOUCH_EXIT_UNAVAILABLE;
        }
        /* queued: stay only if told to wait, or while the database is up */
        if (!o->wait && s_now() - start > 1.0 && s_db_down(ctl)) {
            out->status = "queued";
            return 0;
        }
        if (s_now() - start > o->timeout_s) {
            out->status = "queued";
            snprintf(out->error, sizeof out->error, "%s: still queued after %d s", out->file,
                     o->timeout_s);
            return VOUCH_EXIT_UNAVAILABLE;
        }
        s_sleep_ms(sleep_ms);
        if (sleep_ms < 250)
            sleep_ms *= 2;
    }
    if (!o->wait)
        return 0;
    sleep_ms = 20;
    while (true) {
        json_t *req = json_pack("{s:s, s:I}", "type", "ledger_status", "ledger_id",
                                (json_int_t)out->ledger_id);
        json_t *reply = NULL;
        int rc = vouch_ctl_request(ctl, req, NULL, 0, &reply, S_TIMEOUT_MS);
        json_decref(req);
        bool complete = false;
        long long failed = 0;
        if (rc == 0) {
            complete = json_is_true(json_object_get(reply, "complete"));
            long long v;
            if (complete && vouch_wire_get_int(reply, "findings", &v) == 0)
                out->findings = v;
            vouch_wire_get_int(reply, "failed", &failed);
        }
        json_decref(reply);
        if (rc == VOUCH_EXIT_UNAVAILABLE)
            return rc;
        if (complete && failed > 0) {
            /* stored, but not every rule ran on every line: not done */
            snprintf(out->error, sizeof out->error,
                     "%s: stored, but %lld batch(es) could not be analysed (vouchctl status "
                     "says why)",
                     out->file, failed);
            return VOUCH_EXIT_UNAVAILABLE;
        }
        if (complete)
            return 0;
        if (s_now() - start > o->timeout_s) {
            snprintf(out->error, sizeof out->error, "%s: analysis not complete after %d s",
                     out->file, o->timeout_s);
            return VOUCH_EXIT_UNAVAILABLE;
        }
        s_sleep_ms(sleep_ms);
        if (sleep_ms < 250)
            sleep_ms *= 2;
    }
}

static void s_print_json(const s_outcome_t *out)
{
    char *file = vouch_text_sanitize(out->file);
    json_t *o =
        json_pack("{s:s, s:s}", "file", file, "status", out->status ? out->status : "rejected");
    free(file);
    json_object_set_new(o, "ledger_id",
                        out->ledger_id ? json_integer(out->ledger_id) : json_null());
    json_object_set_new(o, "lines", out->ledger_id ? json_integer(out->lines) : json_null());
    json_object_set_new(o, "vouchers", out->ledger_id ? json_integer(out->vouchers) : json_null());
    json_object_set_new(o, "findings",
                        out->findings >= 0 ? json_integer(out->findings) : json_null());
    json_object_set_new(o, "supersedes",
                        out->supersedes ? json_integer(out->supersedes) : json_null());
    json_object_set_new(o, "error", out->error[0] ? json_string(out->error) : json_null());
    char *text = json_dumps(o, JSON_COMPACT);
    puts(text);
    free(text);
    json_decref(o);
}

int vouch_cmd_ingest(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"wait", no_argument, NULL, 'w'},         {"org", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'}, {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    s_opts_t o = {.format = VOUCH_FMT_TABLE, .timeout_s = 600};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            o.wait = true;
            break;
        case 'o':
            o.org = optarg;
            break;
        case 'f':
            o.format = vouch_ctl_format_parse(optarg);
            if (o.format < 0 || o.format == VOUCH_FMT_CSV) {
                vouch_ctl_fail("ingest --format is table or json");
                return VOUCH_EXIT_USAGE;
            }
            break;
        case 't':
            o.timeout_s = atoi(optarg);
            if (o.timeout_s <= 0) {
                vouch_ctl_fail("--timeout takes a number of seconds");
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
    if (optind >= argc) {
        s_usage(stderr);
        return VOUCH_EXIT_USAGE;
    }
    int worst = VOUCH_EXIT_OK;
    bool header = false;
    for (int i = optind; i < argc; i++) {
        s_outcome_t out = {.file = argv[i], .findings = -1};
        char ticket[128];
        int rc = s_upload(ctl, &o, argv[i], ticket, sizeof ticket, &out);
        if (rc == 0)
            rc = s_follow(ctl, &o, ticket, &out);
        if (rc != 0 && !out.status)
            out.status = rc == VOUCH_EXIT_UNAVAILABLE ? "queued" : "rejected";
        if (out.error[0])
            fprintf(stderr, "%s\n", out.error);
        if (o.format == VOUCH_FMT_JSON)
            s_print_json(&out);
        else if (out.status && strcmp(out.status, "rejected") != 0) {
            if (!header)
                printf("%-10s %8s %8s %9s %9s  %s\n", "STATUS", "LEDGER", "LINES", "VOUCHERS",
                       "FINDINGS", "FILE");
            header = true;
            char ledger[24] = "-", lines[24] = "-", vouchers[24] = "-", findings[24] = "-";
            if (out.ledger_id) {
                snprintf(ledger, sizeof ledger, "%lld", out.ledger_id);
                snprintf(lines, sizeof lines, "%ld", out.lines);
                snprintf(vouchers, sizeof vouchers, "%ld", out.vouchers);
            }
            if (out.findings >= 0)
                snprintf(findings, sizeof findings, "%lld", out.findings);
            printf("%-10s %8s %8s %9s %9s  %s\n", out.status, ledger, lines, vouchers, findings,
                   out.file);
            if (out.supersedes)
                printf("%-10s %8s  supersedes ledger %lld (the same unit and periods)\n", "", "",
                       out.supersedes);
        }
        if (rc > worst)
            worst = rc;
        if (rc == VOUCH_EXIT_UNAVAILABLE)
            break; /* the next file would meet the same */
    }
    return worst;
}
