/* test_config.c: vouch.conf: defaults that work on one machine, settings
 * that override them, and errors that name the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char s_dir[64];

static int s_setup(void **state)
{
    (void)state;
    snprintf(s_dir, sizeof s_dir, "/tmp/vouch-config-XXXXXX");
    return mkdtemp(s_dir) ? 0 : -1;
}

static int s_teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/vouch.conf", s_dir);
    unlink(path);
    rmdir(s_dir);
    return 0;
}

static void s_write(const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/vouch.conf", s_dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_defaults(void **state)
{
    (void)state;
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_config_t *c = vouch_config_new(s_dir, &err);
    assert_non_null(c);
    char want[160];
    snprintf(want, sizeof want, "ipc://%s/run/control.sock", c->home);
    assert_string_equal(c->control_endpoint, want);
    assert_int_equal(c->batch_lines, 2000);
    assert_int_equal(c->workers, 2);
    assert_string_equal(c->query_database, ""); /* no replica: reads go to database */
    assert_int_equal(c->query_max_lag, 30);
    char *conninfo = vouch_config_conninfo(c);
    assert_non_null(strstr(conninfo, "/pg/run"));
    free(conninfo);
    vouch_config_destroy(&c);
    assert_null(c);
    vouch_config_destroy(&c); /* NULL-safe */
}

static void test_overrides(void **state)
{
    (void)state;
    s_write("# a comment\n"
            "database = \"host=/var/run/postgresql dbname=audit password=a#b\" # comment\n"
            "batch_lines = 500   # smaller batches\n"
            "work_endpoint = tcp://0.0.0.0:5571\n"
            "query_database = \"host=replica.example port=5433 dbname=audit\"\n"
            "query_max_lag = 5\n");
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_config_t *c = vouch_config_new(s_dir, &err);
    assert_non_null(c);
    assert_string_equal(c->database, "host=/var/run/postgresql dbname=audit password=a#b");
    assert_int_equal(c->batch_lines, 500);
    assert_string_equal(c->work_endpoint, "tcp://0.0.0.0:5571");
    assert_string_equal(c->query_database, "host=replica.example port=5433 dbname=audit");
    assert_int_equal(c->query_max_lag, 5);
    /* the replica is vouchctl's for reading: every writer still gets database */
    char *conninfo = vouch_config_conninfo(c);
    assert_string_equal(conninfo, "host=/var/run/postgresql dbname=audit password=a#b");
    free(conninfo);
    vouch_config_destroy(&c);
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    vouch_error_t err;
    s_write("batch_lines = 100\nbatch_size = 3\n");
    vouch_error_clear(&err);
    assert_null(vouch_config_new(s_dir, &err));
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.text, "unknown setting \"batch_size\""));

    s_write("max_inflight = many\n");
    vouch_error_clear(&err);
    assert_null(vouch_config_new(s_dir, &err));
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.text, "max_inflight"));

    s_write("just words\n");
    vouch_error_clear(&err);
    assert_null(vouch_config_new(s_dir, &err));
    assert_int_equal(err.line, 1);

    s_write("batch_lines = 0\n");
    vouch_error_clear(&err);
    assert_null(vouch_config_new(s_dir, &err));
}

static void test_org_profiles(void **state)
{
    (void)state;
    s_write("policy_profile = cn-default\n"
            "profile.永州市人力资源和社会保障局 = province-example, cn-default\n"
            "profile.\"长沙市 财政局\" = hunan-2023   # quoted: a space in the name\n");
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_config_t *c = vouch_config_new(s_dir, &err);
    if (!c)
        fail_msg("%s", err.text);
    assert_int_equal(c->norg_profiles, 2);
    assert_string_equal(vouch_config_org_profiles(c, "永州市人力资源和社会保障局"),
                        "province-example,cn-default");
    /* names match as vouch compares text: NFKC, white space removed */
    assert_string_equal(vouch_config_org_profiles(c, "长沙市财政局"), "hunan-2023");
    assert_string_equal(vouch_config_org_profiles(c, " 长沙市　财政局"), "hunan-2023");
    assert_null(vouch_config_org_profiles(c, "某某单位"));
    assert_null(vouch_config_org_profiles(c, NULL));

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    vouch_config_print(c, f);
    fclose(f);
    assert_non_null(
        strstr(text, "profile.永州市人力资源和社会保障局 = province-example,cn-default\n"));
    free(text);
    vouch_config_destroy(&c);

    /* the SMTP password is read, and --print-config says only that it is set */
    s_write("smtp_user = digests\nsmtp_password = s3cret-pw\ndigest_poll = 1\n");
    vouch_error_clear(&err);
    c = vouch_config_new(s_dir, &err);
    if (!c)
        fail_msg("%s", err.text);
    assert_string_equal(c->smtp_password, "s3cret-pw");
    assert_int_equal(c->digest_poll, 1);
    f = open_memstream(&text, &len);
    vouch_config_print(c, f);
    fclose(f);
    assert_non_null(strstr(text, "smtp_password = (set)\n"));
    assert_null(strstr(text, "s3cret"));
    free(text);
    vouch_config_destroy(&c);

    s_write("profile.A = x\nprofile. A = y\n");
    vouch_error_clear(&err);
    assert_null(vouch_config_new(s_dir, &err));
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.text, "a second line"));

    s_write("profile.A = x y\n");
    vouch_error_clear(&err);
    assert_null(vouch_config_new(s_dir, &err));
    assert_non_null(strstr(err.text, "not a list of profile names"));

    s_write("profile.A = a,,b\n");
    vouch_error_clear(&err);
    assert_null(vouch_config_new(s_dir, &err));

    s_write("profile. = cn-default\n");
    vouch_error_clear(&err);
    assert_null(vouch_config_new(s_dir, &err));
    assert_non_null(strstr(err.text, "no org"));
}

static void test_home(void **state)
{
    (void)state;
    setenv("VOUCH_HOME", "/srv/vouch", 1);
    assert_string_equal(vouch_config_home(NULL), "/srv/vouch");
    assert_string_equal(vouch_config_home("/given"), "/given");
    unsetenv("VOUCH_HOME");
    assert_null(vouch_config_home(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_overrides, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_errors_name_the_line, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_org_profiles, s_setup, s_teardown),
        cmocka_unit_test(test_home),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
