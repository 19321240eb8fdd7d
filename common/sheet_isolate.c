/* sheet_isolate.c: an .xls read in a helper process (vouch-xls), rows sent
 * back over a pipe. The pipe's form, in the host's byte order (both ends are
 * the same build on the same host):
 *   'R' row:int64 ncells:uint32 then per cell len:uint32 bytes
 *   'S' len:uint32 bytes          the sheet read, once, at the end
 *   'O'                           read whole
 *   'E' line:int64 then column and text, each len:uint32 bytes: refused */
#include "sheet.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"

extern char **environ;

#if defined(__SANITIZE_ADDRESS__)
#define S_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define S_ASAN 1
#endif
#endif
#ifndef S_ASAN
#define S_ASAN 0
#endif

static const char *s_helper;

void vouch_sheet_isolate_xls(const char *helper_path)
{
    s_helper = helper_path;
}

int vouch_sheet_isolate_beside_self(void)
{
    static char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 16);
    if (n <= 0)
        return -1;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash)
        return -1;
    strcpy(slash + 1, "vouch-xls");
    if (access(path, X_OK) != 0)
        return -1;
    vouch_sheet_isolate_xls(path);
    return 0;
}

/* ---- the helper's side ---- */

static int s_write(FILE *out, const void *p, size_t n)
{
    return fwrite(p, 1, n, out) == n ? 0 : -1;
}

static int s_write_str(FILE *out, const char *s)
{
    uint32_t len = (uint32_t)strlen(s);
    return s_write(out, &len, sizeof len) || s_write(out, s, len);
}

static int s_serve_row(void *arg, long row, const char *const *cells, size_t ncells,
                       vouch_error_t *err)
{
    FILE *out = arg;
    int64_t r = row;
    uint32_t n = (uint32_t)ncells;
    int rc = s_write(out, "R", 1) || s_write(out, &r, sizeof r) || s_write(out, &n, sizeof n);
    for (size_t i = 0; rc == 0 && i < ncells; i++)
        rc = s_write_str(out, cells[i]);
    if (rc != 0)
        vouch_error_set(err, "the reader's pipe closed");
    return rc ? -1 : 0;
}

int vouch_sheet_xls_serve(const char *path, const char *display_name, int out_fd)
{
    /* a file that makes FreeXL spin or grow is stopped by the kernel (no
     * address-space limit under AddressSanitizer, which reserves terabytes) */
    struct rlimit cpu = {60, 61};
    setrlimit(RLIMIT_CPU, &cpu);
#if !S_ASAN
    struct rlimit as = {1024ul << 20, 1024ul << 20};
    setrlimit(RLIMIT_AS, &as);
#endif
    FILE *out = fdopen(out_fd, "wb");
    if (!out)
        return 1;
    char sheet[256];
    vouch_error_t err;
    vouch_error_clear(&err);
    int rc = vouch_sheet_read_xls(path, display_name, s_serve_row, out, sheet, sizeof sheet, &err);
    int wrc = s_write(out, "S", 1) || s_write_str(out, sheet);
    if (rc == 0) {
        wrc = wrc || s_write(out, "O", 1);
    } else {
        int64_t line = err.line;
        wrc = wrc || s_write(out, "E", 1) || s_write(out, &line, sizeof line) ||
              s_write_str(out, err.column) || s_write_str(out, err.text);
    }
    return fclose(out) != 0 || wrc ? 1 : 0;
}

/* ---- the caller's side ---- */

static int s_read(FILE *in, void *p, size_t n)
{
    return fread(p, 1, n, in) == n ? 0 : -1;
}

/* a string of the pipe into buf (NUL-terminated), at most max bytes */
static int s_read_str(FILE *in, vouch_buf_t *buf, size_t max)
{
    uint32_t len;
    if (s_read(in, &len, sizeof len) || len > max)
        return -1;
    for (uint32_t i = 0; i < len; i++) {
        int c = fgetc(in);
        if (c == EOF)
            return -1;
        vouch_buf_putc(buf, (char)c);
    }
    vouch_buf_putc(buf, '\0');
    return 0;
}

int vouch_sheet_read_xls_isolated(const char *path, const char *display_name,
                                  vouch_sheet_row_fn *fn, void *arg, char *sheet_out,
                                  size_t sheet_out_size, vouch_error_t *err)
{
    const char *display = display_name ? display_name : "";
    vouch_error_clear(err);
    if (sheet_out && sheet_out_size)
        sheet_out[0] = '\0';
    int fds[2];
    if (pipe(fds) != 0) {
        vouch_error_set(err, "cannot start the .xls reader: %s", strerror(errno));
        goto named;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", 0, 0);
    char *argv[] = {(char *)s_helper, (char *)path, (char *)display, NULL};
    pid_t pid;
    int src = posix_spawn(&pid, s_helper, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (src != 0) {
        close(fds[0]);
        vouch_error_set(err, "cannot start the .xls reader %s: %s", s_helper, strerror(src));
        goto named;
    }
    FILE *in = fdopen(fds[0], "rb");
    vouch_buf_t cells;
    vouch_buf_init(&cells);
    size_t *at = NULL;
    const char **ptr = NULL;
    size_t cap = 0;
    int rc = -1;
    bool ended = false, stopped = false;
    for (;;) {
        int tag = fgetc(in);
        if (tag == 'R') {
            int64_t row;
            uint32_t n;
            if (s_read(in, &row, sizeof row) || s_read(in, &n, sizeof n) ||
                n > VOUCH_SHEET_COLS_MAX)
                break;
            if (n > cap) {
                cap = n;
                at = vouch_realloc(at, cap * sizeof *at);
                ptr = vouch_realloc(ptr, cap * sizeof *ptr);
            }
            vouch_buf_reset(&cells);
            bool ok = true;
            for (uint32_t i = 0; i < n && ok; i++) {
                at[i] = cells.len;
                ok = s_read_str(in, &cells, VOUCH_SHEET_CELL_MAX) == 0;
            }
            if (!ok)
                break;
            for (uint32_t i = 0; i < n; i++)
                ptr[i] = cells.data + at[i];
            if (fn(arg, (long)row, ptr, n, err) != 0) {
                if (!err->file[0])
                    snprintf(err->file, sizeof err->file, "%s", display);
                if (err->line == 0)
                    err->line = (long)row;
                stopped = true;
                break;
            }
        } else if (tag == 'S') {
            vouch_buf_reset(&cells);
            if (s_read_str(in, &cells, 4096) != 0)
                break;
            if (sheet_out && sheet_out_size)
                snprintf(sheet_out, sheet_out_size, "%s", cells.data);
        } else if (tag == 'O') {
            rc = 0;
            ended = true;
            break;
        } else if (tag == 'E') {
            int64_t line;
            vouch_buf_reset(&cells);
            if (s_read(in, &line, sizeof line) || s_read_str(in, &cells, 4096) != 0)
                break;
            size_t col = cells.len;
            if (s_read_str(in, &cells, 4096) != 0)
                break;
            snprintf(err->file, sizeof err->file, "%s", display);
            err->line = (long)line;
            snprintf(err->column, sizeof err->column, "%s", cells.data);
            snprintf(err->text, sizeof err->text, "%s", cells.data + col);
            ended = true;
            break;
        } else {
            break; /* EOF or garbage: the helper died */
        }
    }
    if (!ended)
        kill(pid, SIGKILL);
    fclose(in);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!ended && !stopped) {
        vouch_error_clear(err);
        if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
            vouch_error_set(err, "the .xls file made its reader fail (signal %d): not read",
                            WTERMSIG(status));
        else
            vouch_error_set(err, "the .xls file could not be read to its end");
    }
    vouch_buf_free(&cells);
    free(at);
    free(ptr);
    if (rc != 0 && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", display);
    return rc;
named:
    snprintf(err->file, sizeof err->file, "%s", display);
    return -1;
}

const char *vouch_sheet_xls_helper(void)
{
    return s_helper;
}
