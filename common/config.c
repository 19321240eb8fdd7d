/* config.c: parse "name = value" lines of vouch.conf against one table of
 * settings. Unknown names and bad values are errors, with the line. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "curve.h"
#include "text.h"

/* The prefix of the per-org lines: profile.<org> = P[, P2...] */
#define S_ORG_PREFIX "profile."

typedef enum { S_STR, S_INT, S_LONG } s_type_t;

typedef struct {
    const char *name;
    s_type_t type;
    size_t offset;
    const char *def; /* "%h" stands for the home folder */
    bool reloadable;
    const char *doc;
} s_setting_t;

#define S(name, type, def, reload, doc)                                                            \
    {                                                                                              \
#name, type, offsetof(vouch_config_t, name), def, reload, doc                              \
    }

static const s_setting_t s_settings[] = {
    S(database, S_STR, "", false, "libpq conninfo; empty: the private cluster under home/pg"),
    S(query_database, S_STR, "", true,
      "libpq conninfo of a read replica vouchctl's queries read; empty: database"),
    S(query_max_lag, S_INT, "30", true,
      "seconds the replica may be behind before a read from it warns; 0: never"),
    S(control_endpoint, S_STR, "ipc://%h/run/control.sock", false, "vouchctl and worker control"),
    S(work_endpoint, S_STR, "ipc://%h/run/work.sock", false, "batches to workers"),
    S(results_endpoint, S_STR, "ipc://%h/run/results.sock", false, "findings from workers"),
    S(curve, S_STR, "auto", false,
      "CURVE on the endpoints: auto (on but for ipc:// and loopback tcp://), on or off"),
    S(curve_server_key, S_STR, "%h/keys/server.key", false, "vouchd's CURVE key pair (0600)"),
    S(curve_server_public, S_STR, "%h/keys/server.pub", false,
      "vouchd's public key, for workers and vouchctl"),
    S(curve_client_key, S_STR, "%h/keys/client.key", false,
      "the CURVE key pair a worker or vouchctl connects with (0600)"),
    S(curve_allow_dir, S_STR, "%h/keys/allowed", false,
      "vouchd lets in the clients whose NAME.pub is here"),
    S(spool_dir, S_STR, "%h/spool", false, "files waiting to be stored"),
    S(sql_dir, S_STR, VOUCH_SOURCE_DIR "/sql", false, "the numbered SQL migrations"),
    S(policy_file, S_STR, VOUCH_SOURCE_DIR "/deploy/policy/cn-default.json", true,
      "the rule policy (JSON)"),
    S(policy_profile, S_STR, "cn-default", true, "the profile of the policy to apply"),
    S(log_level, S_STR, "info", true, "debug, info, warn or error"),
    S(batch_lines, S_INT, "2000", true, "lines per batch (cut at voucher boundaries)"),
    S(max_inflight, S_INT, "8", true, "batches dispatched and not yet answered"),
    S(dispatch_timeout, S_INT, "60", true, "seconds before an unanswered batch is sent again"),
    S(max_attempts, S_INT, "5", true, "dispatches before an unanswered batch is parked as failed"),
    S(drain_timeout, S_INT, "10", true, "seconds SIGTERM waits for the batches out before exiting"),
    S(workers, S_INT, "2", false, "workers deploy/stack.sh starts"),
    S(max_file_bytes, S_LONG, "1073741824", true, "largest file accepted, in bytes"),
    S(max_lines, S_LONG, "0", true, "most lines in one file (0: no limit)"),
    S(max_line_bytes, S_LONG, "1048576", true, "longest line (record) of a file, in bytes"),
    S(max_field_bytes, S_LONG, "65536", true, "longest field (cell) of a file, in bytes"),
    S(digest_poll, S_INT, "30", true,
      "seconds between looks for digests due and deliveries to retry"),
    S(digest_retry_min, S_INT, "30", true, "seconds before a failed delivery is first tried again"),
    S(digest_retry_max, S_INT, "3600", true, "the longest wait between delivery attempts, seconds"),
    S(mail_from, S_STR, "vouch@localhost", true, "From: of digests sent by mail"),
    S(smtp_url, S_STR, "smtp://127.0.0.1:25", true, "the mail server digests go through"),
    S(smtp_user, S_STR, "", true, "its user name; empty: none"),
    S(smtp_password, S_STR, "", true, "its password (keep vouch.conf 0600); never logged"),
};
#define S_NSETTINGS (sizeof s_settings / sizeof s_settings[0])

const char *vouch_config_home(const char *given)
{
    if (given && *given)
        return given;
    const char *env = getenv("VOUCH_HOME");
    return env && *env ? env : NULL;
}

static char *s_expand(const char *def, const char *home)
{
    vouch_buf_t b;
    vouch_buf_init(&b);
    for (const char *p = def; *p; p++) {
        if (p[0] == '%' && p[1] == 'h') {
            vouch_buf_puts(&b, home);
            p++;
        } else
            vouch_buf_putc(&b, *p);
    }
    if (!b.data)
        vouch_buf_puts(&b, "");
    return b.data;
}

static int s_set(vouch_config_t *self, const s_setting_t *s, const char *value, vouch_error_t *err)
{
    char *field = (char *)self + s->offset;
    if (s->type == S_STR) {
        char **p = (char **)field;
        free(*p);
        *p = s_expand(value, self->home);
        return 0;
    }
    errno = 0;
    char *end;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < 0 || (s->type == S_INT && v > INT_MAX)) {
        vouch_error_set(err, "%s: \"%s\" is not a non-negative whole number", s->name, value);
        return -1;
    }
    if (s->type == S_INT)
        *(int *)field = (int)v;
    else
        *(long *)field = v;
    return 0;
}

static char *s_trim(char *s);

/* A profile.<org> line: the org (quotes allowed, for names with '=' or '#')
 * and a list of profile names, kept without spaces. */
static int s_org_profile(vouch_config_t *self, const char *name, char *value, vouch_error_t *err)
{
    char *org = vouch_strdup(name + strlen(S_ORG_PREFIX));
    size_t ol = strlen(org);
    if (ol >= 2 && org[0] == '"' && org[ol - 1] == '"') {
        memmove(org, org + 1, ol - 2);
        org[ol - 2] = '\0';
    }
    char *key = vouch_text_fold(org);
    if (!key || !key[0]) {
        vouch_error_set(err, "%s: no org named after \"%s\"", name, S_ORG_PREFIX);
        goto fail;
    }
    for (size_t i = 0; i < self->norg_profiles; i++)
        if (strcmp(self->org_profiles[i].key, key) == 0) {
            vouch_error_set(err, "%s: a second line for the org \"%s\"", name, org);
            goto fail;
        }
    vouch_buf_t list;
    vouch_buf_init(&list);
    char *whole = vouch_strdup(value), *rest = value;
    for (char *tok = strsep(&rest, ","); tok; tok = strsep(&rest, ",")) {
        tok = s_trim(tok);
        if (!*tok || strcspn(tok, " \t\"") != strlen(tok)) {
            vouch_error_set(err, "%s: \"%s\" is not a list of profile names (a, b)", name, whole);
            vouch_buf_free(&list);
            free(whole);
            goto fail;
        }
        vouch_buf_printf(&list, "%s%s", list.len ? "," : "", tok);
    }
    free(whole);
    if (!list.data) {
        vouch_error_set(err, "%s: no profile named", name);
        goto fail;
    }
    self->org_profiles =
        vouch_realloc(self->org_profiles, (self->norg_profiles + 1) * sizeof *self->org_profiles);
    self->org_profiles[self->norg_profiles++] = (vouch_config_org_profile_t){org, key, list.data};
    return 0;
fail:
    free(org);
    free(key);
    return -1;
}

static char *s_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

vouch_config_t *vouch_config_new(const char *home, vouch_error_t *err)
{
    vouch_config_t *self = vouch_calloc(1, sizeof *self);
    char *abs = realpath(home, NULL);
    self->home = abs ? abs : vouch_strdup(home);
    for (size_t i = 0; i < S_NSETTINGS; i++)
        if (s_set(self, &s_settings[i], s_settings[i].def, err) != 0)
            goto fail;

    char *path = vouch_asprintf("%s/vouch.conf", self->home);
    FILE *f = fopen(path, "r");
    if (!f) {
        free(path);
        return self;
    }
    char line[4096];
    long lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        /* a comment starts at a '#' outside double quotes (a password may hold one) */
        bool quoted = false;
        for (char *q = line; *q; q++) {
            if (*q == '"')
                quoted = !quoted;
            else if (*q == '#' && !quoted) {
                *q = '\0';
                break;
            }
        }
        char *s = s_trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err->file, sizeof err->file, "%s", path);
            err->line = lineno;
            vouch_error_set(err, "expected \"name = value\"");
            goto fail_file;
        }
        *eq = '\0';
        char *name = s_trim(s), *value = s_trim(eq + 1);
        size_t vl = strlen(value);
        if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
            value[vl - 1] = '\0';
            value++;
        }
        if (strncmp(name, S_ORG_PREFIX, strlen(S_ORG_PREFIX)) == 0) {
            if (s_org_profile(self, name, value, err) != 0) {
                snprintf(err->file, sizeof err->file, "%s", path);
                err->line = lineno;
                goto fail_file;
            }
            continue;
        }
        const s_setting_t *found = NULL;
        for (size_t i = 0; i < S_NSETTINGS; i++)
            if (strcmp(s_settings[i].name, name) == 0)
                found = &s_settings[i];
        if (!found) {
            snprintf(err->file, sizeof err->file, "%s", path);
            err->line = lineno;
            vouch_error_set(err, "unknown setting \"%s\"", name);
            goto fail_file;
        }
        if (s_set(self, found, value, err) != 0) {
            snprintf(err->file, sizeof err->file, "%s", path);
            err->line = lineno;
            goto fail_file;
        }
    }
    fclose(f);
    free(path);
    if (self->batch_lines < 1 || self->max_inflight < 1 || self->dispatch_timeout < 1 ||
        self->max_attempts < 1) {
        vouch_error_set(err, "batch_lines, max_inflight, dispatch_timeout and max_attempts must "
                             "be at least 1");
        goto fail;
    }
    if (!vouch_curve_mode_ok(self->curve)) {
        vouch_error_set(err, "curve: \"%s\" is not auto, on or off", self->curve);
        goto fail;
    }
    return self;

fail_file:
    fclose(f);
    free(path);
fail:
    vouch_config_destroy(&self);
    return NULL;
}

void vouch_config_destroy(vouch_config_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_config_t *self = *self_p;
    for (size_t i = 0; i < S_NSETTINGS; i++)
        if (s_settings[i].type == S_STR)
            free(*(char **)((char *)self + s_settings[i].offset));
    for (size_t i = 0; i < self->norg_profiles; i++) {
        free(self->org_profiles[i].org);
        free(self->org_profiles[i].key);
        free(self->org_profiles[i].profiles);
    }
    free(self->org_profiles);
    free(self->home);
    free(self);
    *self_p = NULL;
}

char *vouch_config_conninfo(const vouch_config_t *self)
{
    if (self->database[0])
        return vouch_strdup(self->database);
    /* the embedded cluster: Unix socket only, in home/pg/run */
    return vouch_asprintf("host=%s/pg/run dbname=vouch user=vouch", self->home);
}

void vouch_config_print(const vouch_config_t *self, void *file)
{
    FILE *f = file;
    for (size_t i = 0; i < S_NSETTINGS; i++) {
        const s_setting_t *s = &s_settings[i];
        const char *field = (const char *)self + s->offset;
        /* a password is said to be set, never printed */
        if (s->type == S_STR && strstr(s->name, "password"))
            fprintf(f, "%s = %s\n", s->name, **(char *const *)field ? "(set)" : "");
        else if (s->type == S_STR)
            fprintf(f, "%s = %s\n", s->name, *(char *const *)field);
        else if (s->type == S_INT)
            fprintf(f, "%s = %d\n", s->name, *(const int *)field);
        else
            fprintf(f, "%s = %ld\n", s->name, *(const long *)field);
    }
    for (size_t i = 0; i < self->norg_profiles; i++)
        fprintf(f, S_ORG_PREFIX "%s = %s\n", self->org_profiles[i].org,
                self->org_profiles[i].profiles);
}

const char *vouch_config_org_profiles(const vouch_config_t *self, const char *org)
{
    if (!self || !org || self->norg_profiles == 0)
        return NULL;
    char *key = vouch_text_fold(org);
    const char *found = NULL;
    for (size_t i = 0; key && i < self->norg_profiles && !found; i++)
        if (strcmp(self->org_profiles[i].key, key) == 0)
            found = self->org_profiles[i].profiles;
    free(key);
    return found;
}
