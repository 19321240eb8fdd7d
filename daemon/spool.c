/* spool.c: listing, claiming and retiring files in the spool folder. */
#include "spool.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"

static bool s_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int s_mkdir(const char *path, vouch_error_t *err)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    vouch_error_set(err, "cannot create %s: %s", path, strerror(errno));
    return -1;
}

int vouch_spool_prepare(const char *dir, vouch_error_t *err)
{
    char *a = vouch_asprintf("%s/.incoming", dir);
    char *b = vouch_asprintf("%s/rejected", dir);
    int rc = (s_mkdir(dir, err) || s_mkdir(a, err) || s_mkdir(b, err)) ? -1 : 0;
    free(a);
    free(b);
    return rc;
}

static bool s_candidate(const char *dir, const char *name, struct stat *st)
{
    if (name[0] == '.' || s_ends_with(name, ".meta"))
        return false;
    char *path = vouch_asprintf("%s/%s", dir, name);
    int rc = stat(path, st);
    free(path);
    return rc == 0 && S_ISREG(st->st_mode);
}

/* uploads arrive whole (renamed in after their sidecar), dropped files may not */
static bool s_has_meta(const char *dir, const char *name)
{
    char *meta = vouch_asprintf("%s/%s.meta", dir, name);
    bool yes = access(meta, F_OK) == 0;
    free(meta);
    return yes;
}

int vouch_spool_next(const char *dir, vouch_spool_entry_t *e)
{
    memset(e, 0, sizeof *e);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char *best = NULL;
    struct timespec best_time = {0, 0};
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d))) {
        struct stat st;
        if (!s_candidate(dir, de->d_name, &st))
            continue;
        if (now - st.st_mtim.tv_sec < 1 && !s_has_meta(dir, de->d_name))
            continue; /* dropped by hand and maybe still being written */
        if (!best || st.st_mtim.tv_sec < best_time.tv_sec ||
            (st.st_mtim.tv_sec == best_time.tv_sec && st.st_mtim.tv_nsec < best_time.tv_nsec) ||
            (st.st_mtim.tv_sec == best_time.tv_sec && st.st_mtim.tv_nsec == best_time.tv_nsec &&
             strcmp(de->d_name, best) < 0)) {
            free(best);
            best = vouch_strdup(de->d_name);
            best_time = st.st_mtim;
        }
    }
    closedir(d);
    if (!best)
        return 0;
    e->path = vouch_asprintf("%s/%s", dir, best);
    e->name = best;
    char *meta = vouch_asprintf("%s.meta", e->path);
    json_t *m = json_load_file(meta, 0, NULL);
    free(meta);
    if (m) {
        const char *name = json_string_value(json_object_get(m, "name"));
        const char *org = json_string_value(json_object_get(m, "org"));
        const char *ticket = json_string_value(json_object_get(m, "ticket"));
        if (name && *name) {
            free(e->name);
            e->name = vouch_strdup(name);
        }
        if (org && *org)
            e->org = vouch_strdup(org);
        if (ticket && *ticket)
            e->ticket = vouch_strdup(ticket);
        json_decref(m);
    }
    return 1;
}

void vouch_spool_entry_free(vouch_spool_entry_t *e)
{
    free(e->path);
    free(e->name);
    free(e->org);
    free(e->ticket);
    memset(e, 0, sizeof *e);
}

void vouch_spool_remove(const vouch_spool_entry_t *e)
{
    char *meta = vouch_asprintf("%s.meta", e->path);
    unlink(e->path);
    unlink(meta);
    free(meta);
}

/* dir/sub/base, or base.1, base.2 ... when taken */
static char *s_free_name(const char *dir, const char *sub, const char *base)
{
    const char *slash = strrchr(base, '/');
    if (slash)
        base = slash + 1;
    char *path = vouch_asprintf("%s%s%s/%s", dir, sub[0] ? "/" : "", sub, base);
    for (int i = 1; access(path, F_OK) == 0; i++) {
        free(path);
        path = vouch_asprintf("%s%s%s/%s.%d", dir, sub[0] ? "/" : "", sub, base, i);
    }
    return path;
}

int vouch_spool_reject(const char *dir, const vouch_spool_entry_t *e, const char *message)
{
    char *dest = s_free_name(dir, "rejected", e->name);
    int rc = rename(e->path, dest);
    if (rc == 0) {
        char *errpath = vouch_asprintf("%s.error", dest);
        FILE *f = fopen(errpath, "w");
        if (f) {
            fprintf(f, "%s\n", message);
            fclose(f);
        }
        free(errpath);
        char *meta = vouch_asprintf("%s.meta", e->path);
        unlink(meta);
        free(meta);
    }
    free(dest);
    return rc == 0 ? 0 : -1;
}

size_t vouch_spool_depth(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        struct stat st;
        if (s_candidate(dir, de->d_name, &st))
            n++;
    }
    closedir(d);
    return n;
}

int vouch_spool_commit_upload(const char *dir, const char *part_path, const char *name,
                              const char *org, const char *ticket, vouch_error_t *err)
{
    char *dest = s_free_name(dir, "", name && *name ? name : "upload");
    char *meta = vouch_asprintf("%s.meta", dest);
    char *meta_tmp = vouch_asprintf("%s/.incoming/%s.meta", dir, ticket);
    json_t *m =
        json_pack("{s:s, s:s?, s:s}", "name", name ? name : "upload", "org", org, "ticket", ticket);
    int rc = -1;
    /* the sidecar first: the file appears in the spool only once its meta is there */
    if (json_dump_file(m, meta_tmp, JSON_COMPACT) != 0 || rename(meta_tmp, meta) != 0) {
        vouch_error_set(err, "cannot write %s: %s", meta, strerror(errno));
        goto done;
    }
    if (rename(part_path, dest) != 0) {
        vouch_error_set(err, "cannot move the upload into the spool: %s", strerror(errno));
        unlink(meta);
        goto done;
    }
    rc = 0;
done:
    json_decref(m);
    free(dest);
    free(meta);
    free(meta_tmp);
    return rc;
}
