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

/* Make a rename or a new file survive a power cut: sync the folder's entry. */
static void s_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int s_write_synced(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    int rc = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
    close(fd);
    return rc;
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

/* Is a file dropped by hand whole? A read lease is refused (EAGAIN) while any
 * process has the file open for writing, however long a slow copy pauses.
 * Where leases are not available (another owner without CAP_LEASE, some
 * network filesystems) only time is left: five seconds without a change. */
static bool s_written(const char *dir, const char *name, const struct stat *st, time_t now)
{
    if (now - st->st_mtim.tv_sec < 1)
        return false;
    char *path = vouch_asprintf("%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    bool whole;
    if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
        fcntl(fd, F_SETLEASE, F_UNLCK);
        whole = true;
    } else
        whole = errno != EAGAIN && now - st->st_mtim.tv_sec >= 5;
    close(fd);
    return whole;
}

/* uploads arrive whole (renamed in after their sidecar), dropped files may not */
static bool s_has_meta(const char *dir, const char *name)
{
    char *meta = vouch_asprintf("%s/%s.meta", dir, name);
    bool yes = access(meta, F_OK) == 0;
    free(meta);
    return yes;
}

int vouch_spool_next(const char *dir, vouch_spool_entry_t *e, vouch_spool_skip_fn *skip,
                     void *arg)
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
        if (!s_candidate(dir, de->d_name, &st) || (skip && skip(arg, de->d_name)))
            continue;
        if (!s_has_meta(dir, de->d_name) && !s_written(dir, de->d_name, &st, now))
            continue; /* dropped by hand and still being written */
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
        char *text = vouch_asprintf("%s\n", message);
        s_write_synced(errpath, text);
        free(text);
        free(errpath);
        if (e->ticket) {
            /* so `vouchctl ingest` can still learn why, after a restart */
            char *tpath = vouch_asprintf("%s.ticket", dest);
            char *t = vouch_asprintf("%s\n", e->ticket);
            s_write_synced(tpath, t);
            free(t);
            free(tpath);
        }
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

int vouch_spool_sweep_incoming(const char *dir)
{
    char *incoming = vouch_asprintf("%s/.incoming", dir);
    DIR *d = opendir(incoming);
    int n = 0;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (de->d_name[0] != '.') {
                char *path = vouch_asprintf("%s/%s", incoming, de->d_name);
                if (unlink(path) == 0)
                    n++;
                free(path);
            }
        closedir(d);
    }
    free(incoming);
    return n;
}

int vouch_spool_find_ticket(const char *dir, const char *ticket, char *status, size_t statussz,
                            char *error, size_t errorsz)
{
    /* still waiting: a sidecar in the spool names it */
    DIR *d = opendir(dir);
    int found = 0;
    struct dirent *de;
    while (d && !found && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".meta") != 0)
            continue;
        char *path = vouch_asprintf("%s/%s", dir, de->d_name);
        json_t *m = json_load_file(path, 0, NULL);
        free(path);
        const char *t = json_string_value(json_object_get(m, "ticket"));
        if (t && strcmp(t, ticket) == 0) {
            snprintf(status, statussz, "queued");
            error[0] = '\0';
            found = 1;
        }
        json_decref(m);
    }
    if (d)
        closedir(d);
    if (found)
        return 1;
    /* refused: rejected/NAME.ticket names it, NAME.error says why */
    char *rejected = vouch_asprintf("%s/rejected", dir);
    d = opendir(rejected);
    while (d && !found && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 8 || strcmp(de->d_name + n - 7, ".ticket") != 0)
            continue;
        char *path = vouch_asprintf("%s/%s", rejected, de->d_name);
        FILE *f = fopen(path, "r");
        char line[160] = "";
        if (f) {
            if (!fgets(line, sizeof line, f))
                line[0] = '\0';
            fclose(f);
        }
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, ticket) == 0) {
            snprintf(status, statussz, "rejected");
            strcpy(path + strlen(path) - 7, ".error");
            f = fopen(path, "r");
            error[0] = '\0';
            if (f) {
                if (!fgets(error, (int)errorsz, f))
                    error[0] = '\0';
                fclose(f);
            }
            error[strcspn(error, "\n")] = '\0';
            found = 1;
        }
        free(path);
    }
    if (d)
        closedir(d);
    free(rejected);
    return found;
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
    /* the sidecar first: the file appears in the spool only once its meta is
     * there; both reach the disk before the upload is acknowledged */
    char *text = json_dumps(m, JSON_COMPACT);
    int written = text ? s_write_synced(meta_tmp, text) : -1;
    free(text);
    if (written != 0 || rename(meta_tmp, meta) != 0) {
        vouch_error_set(err, "cannot write %s: %s", meta, strerror(errno));
        unlink(meta_tmp);
        goto done;
    }
    if (rename(part_path, dest) != 0) {
        vouch_error_set(err, "cannot move the upload into the spool: %s", strerror(errno));
        unlink(meta);
        goto done;
    }
    s_sync_dir(dir);
    rc = 0;
done:
    json_decref(m);
    free(dest);
    free(meta);
    free(meta_tmp);
    return rc;
}
