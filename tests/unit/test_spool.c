/* test_spool.c: the spool folder: uploads appear whole with their names,
 * hand-dropped files wait until they stop changing, refused files move to
 * rejected/ with the reason beside them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "alloc.h"
#include "spool.h"

static char s_dir[64];

static void s_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void s_age(const char *path)
{
    struct utimbuf t = {time(NULL) - 10, time(NULL) - 10};
    utime(path, &t);
}

static int s_setup(void **state)
{
    (void)state;
    snprintf(s_dir, sizeof s_dir, "/tmp/vouch-spool-XXXXXX");
    if (!mkdtemp(s_dir))
        return -1;
    vouch_error_t err;
    return vouch_spool_prepare(s_dir, &err);
}

static int s_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_upload_keeps_its_name(void **state)
{
    (void)state;
    char *part = vouch_asprintf("%s/.incoming/u1.part", s_dir);
    s_write(part, "单位名称,凭证日期\n");
    vouch_error_t err;
    assert_int_equal(
        vouch_spool_commit_upload(s_dir, part, "账套/2022年序时账.csv", "某局", "abc-1", &err), 0);
    assert_int_equal(vouch_spool_depth(s_dir), 1);
    vouch_spool_entry_t e;
    /* an upload is whole when it appears: no waiting */
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 1);
    /* shown as given, but stored inside the spool, never in a folder of the name */
    assert_string_equal(e.name, "账套/2022年序时账.csv");
    char *want = vouch_asprintf("%s/2022年序时账.csv", s_dir);
    assert_string_equal(e.path, want);
    free(want);
    assert_string_equal(e.org, "某局");
    assert_string_equal(e.ticket, "abc-1");
    vouch_spool_remove(&e);
    vouch_spool_entry_free(&e);
    assert_int_equal(vouch_spool_depth(s_dir), 0);
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 0);
    free(part);
}

static void test_same_name_twice(void **state)
{
    (void)state;
    vouch_error_t err;
    for (int i = 0; i < 2; i++) {
        char *part = vouch_asprintf("%s/.incoming/u%d.part", s_dir, i);
        s_write(part, "x\n");
        assert_int_equal(vouch_spool_commit_upload(s_dir, part, "ledger.csv", NULL, "t", &err), 0);
        free(part);
    }
    assert_int_equal(vouch_spool_depth(s_dir), 2);
}

static void test_dropped_file_waits_until_still(void **state)
{
    (void)state;
    char *path = vouch_asprintf("%s/ledger.csv", s_dir);
    s_write(path, "still being copied");
    vouch_spool_entry_t e;
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 0);
    s_age(path);
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 1);
    assert_string_equal(e.name, "ledger.csv");
    assert_null(e.org);
    assert_null(e.ticket);
    vouch_spool_entry_free(&e);
    /* hidden files and folders are never taken */
    char *hidden = vouch_asprintf("%s/.ledger.csv.swp", s_dir);
    s_write(hidden, "x");
    s_age(hidden);
    unlink(path);
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 0);
    free(hidden);
    free(path);
}

static void test_file_open_for_writing_waits(void **state)
{
    (void)state;
    /* a slow copy that pauses: old mtime, but still open for writing */
    char *path = vouch_asprintf("%s/slow.csv", s_dir);
    FILE *w = fopen(path, "w");
    assert_non_null(w);
    fputs("first half\n", w);
    fflush(w);
    s_age(path);
    vouch_spool_entry_t e;
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 0);
    fputs("second half\n", w);
    fclose(w);
    s_age(path);
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 1);
    vouch_spool_entry_free(&e);
    free(path);
}

static bool s_skip_a(void *arg, const char *name)
{
    (void)arg;
    return strcmp(name, "a.csv") == 0;
}

static void test_skip_passes_over_a_file(void **state)
{
    (void)state;
    char *a = vouch_asprintf("%s/a.csv", s_dir), *b = vouch_asprintf("%s/b.csv", s_dir);
    s_write(a, "older");
    s_write(b, "newer");
    struct utimbuf older = {time(NULL) - 20, time(NULL) - 20};
    utime(a, &older);
    s_age(b);
    vouch_spool_entry_t e;
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 1);
    assert_string_equal(e.name, "a.csv"); /* the oldest first */
    vouch_spool_entry_free(&e);
    assert_int_equal(vouch_spool_next(s_dir, &e, s_skip_a, NULL), 1);
    assert_string_equal(e.name, "b.csv"); /* a file set aside does not hold up the next */
    vouch_spool_entry_free(&e);
    free(a);
    free(b);
}

static void test_reject_moves_with_reason(void **state)
{
    (void)state;
    char *path = vouch_asprintf("%s/bad.csv", s_dir);
    s_write(path, "garbage");
    s_age(path);
    vouch_spool_entry_t e;
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 1);
    assert_int_equal(vouch_spool_reject(s_dir, &e, "bad.csv:4: column 借方金额: not an amount"), 0);
    vouch_spool_entry_free(&e);
    char *moved = vouch_asprintf("%s/rejected/bad.csv", s_dir);
    char *reason = vouch_asprintf("%s/rejected/bad.csv.error", s_dir);
    assert_int_equal(access(moved, F_OK), 0);
    FILE *f = fopen(reason, "r");
    assert_non_null(f);
    char line[256] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "bad.csv:4: column 借方金额: not an amount\n");
    assert_int_equal(access(path, F_OK), -1);
    /* a second refusal of the same name keeps the first */
    s_write(path, "garbage again");
    s_age(path);
    assert_int_equal(vouch_spool_next(s_dir, &e, NULL, NULL), 1);
    assert_int_equal(vouch_spool_reject(s_dir, &e, "again"), 0);
    vouch_spool_entry_free(&e);
    char *second = vouch_asprintf("%s/rejected/bad.csv.1", s_dir);
    assert_int_equal(access(second, F_OK), 0);
    free(second);
    free(moved);
    free(reason);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_upload_keeps_its_name, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_same_name_twice, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_dropped_file_waits_until_still, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_file_open_for_writing_waits, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_skip_passes_over_a_file, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_reject_moves_with_reason, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
