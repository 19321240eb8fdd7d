/* test_policy_set.c: the profiles vouch.conf puts to work: an org's ledgers
 * run under the first profile of its line whose fiscal years hold the
 * ledger's year, else policy_profile; a line naming a profile the policy
 * lacks refuses the whole set, naming the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "alloc.h"
#include "config.h"
#include "policy_set.h"

#define POLICY_PATH VOUCH_SOURCE_DIR "/deploy/policy/cn-default.json"

/* A policy with two provincial profiles: 2019-2022 and from 2023. */
static char *s_policy(size_t *len)
{
    json_error_t jerr;
    json_t *doc = json_load_file(POLICY_PATH, 0, &jerr);
    assert_non_null(doc);
    json_t *profiles = json_object_get(doc, "profiles");
    json_object_set_new(profiles, "hunan-2019",
                        json_pack("{s:s, s:{s:i, s:i}, s:{s:s}}", "extends", "cn-default",
                                  "fiscal_years", "from", 2019, "to", 2022, "thresholds",
                                  "emall_floor", "150000.00"));
    json_object_set_new(profiles, "hunan-2023",
                        json_pack("{s:s, s:{s:i}, s:{s:s}}", "extends", "cn-default",
                                  "fiscal_years", "from", 2023, "thresholds", "emall_floor",
                                  "300000.00"));
    char *text = json_dumps(doc, 0);
    json_decref(doc);
    *len = strlen(text);
    return text;
}

static vouch_config_t *s_config(const char *org_lines)
{
    char dir[] = "/tmp/vouch-set-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/vouch.conf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(org_lines, f);
    fclose(f);
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_config_t *c = vouch_config_new(dir, &err);
    unlink(path);
    rmdir(dir);
    if (!c)
        fail_msg("%s", err.text);
    return c;
}

static void test_choice_by_org_and_year(void **state)
{
    (void)state;
    size_t len;
    char *bytes = s_policy(&len);
    vouch_config_t *cfg = s_config("profile.长沙市财政局 = hunan-2023, hunan-2019\n"
                                   "profile.株洲市财政局 = hunan-2019\n");
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_policy_set_t *set = vouch_policy_set_new(bytes, len, cfg, &err);
    if (!set)
        fail_msg("%s", err.text);
    const char *cs = "长沙市财政局";
    assert_string_equal(vouch_policy_profile(vouch_policy_set_for(set, cs, 2024)), "hunan-2023");
    assert_string_equal(vouch_policy_profile(vouch_policy_set_for(set, cs, 2021)), "hunan-2019");
    /* before either: policy_profile */
    assert_string_equal(vouch_policy_profile(vouch_policy_set_for(set, cs, 2017)), "cn-default");
    assert_string_equal(vouch_policy_profile(vouch_policy_set_for(set, " 长沙市 财政局", 2023)),
                        "hunan-2023");
    assert_string_equal(vouch_policy_profile(vouch_policy_set_for(set, "株洲市财政局", 2023)),
                        "cn-default");
    assert_string_equal(vouch_policy_profile(vouch_policy_set_for(set, "某某单位", 2023)),
                        "cn-default");
    assert_string_equal(vouch_policy_profile(vouch_policy_set_for(set, NULL, 2023)), "cn-default");
    /* year 0: the first of the org's list */
    assert_string_equal(vouch_policy_profile(vouch_policy_set_for(set, cs, 0)), "hunan-2023");
    /* the profiles share the bytes' version and differ where they say */
    const vouch_policy_t *a = vouch_policy_set_get(set, "hunan-2023");
    const vouch_policy_t *b = vouch_policy_set_default(set);
    assert_string_equal(vouch_policy_version(a), vouch_policy_version(b));
    assert_int_equal(vouch_policy_emall_floor(a), 30000000);
    assert_int_equal(vouch_policy_emall_floor(b), 10000000);
    assert_null(vouch_policy_set_get(set, "hunan-2099"));
    char text[256];
    assert_string_equal(vouch_policy_set_describe(set, text, sizeof text),
                        "profile.长沙市财政局 = hunan-2023,hunan-2019, profile.株洲市财政局 = "
                        "hunan-2019");
    vouch_policy_set_destroy(&set);
    assert_null(set);
    vouch_policy_set_destroy(&set);
    vouch_config_destroy(&cfg);
    free(bytes);
}

static void test_unknown_profile_names_the_line(void **state)
{
    (void)state;
    size_t len;
    char *bytes = s_policy(&len);
    vouch_config_t *cfg = s_config("profile.长沙市财政局 = hunan-2023, hunan-2031\n");
    vouch_error_t err;
    vouch_error_clear(&err);
    assert_null(vouch_policy_set_new(bytes, len, cfg, &err));
    assert_non_null(strstr(err.text, "profile.长沙市财政局 names hunan-2031"));
    assert_non_null(strstr(err.text, "no such profile"));
    vouch_config_destroy(&cfg);

    cfg = s_config("policy_profile = nowhere\n");
    vouch_error_clear(&err);
    assert_null(vouch_policy_set_new(bytes, len, cfg, &err));
    assert_non_null(strstr(err.text, "nowhere"));
    vouch_config_destroy(&cfg);
    free(bytes);
}

static void test_shipped_example(void **state)
{
    (void)state;
    vouch_config_t *cfg = s_config("profile.永州市省标单位 = province-example\n");
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_policy_set_t *set = vouch_policy_set_new_from_file(POLICY_PATH, cfg, &err);
    if (!set)
        fail_msg("%s", err.text);
    const vouch_policy_t *p = vouch_policy_set_for(set, "永州市省标单位", 2022);
    assert_string_equal(vouch_policy_profile(p), "province-example");
    assert_true(vouch_policy_emall_floor(p) >
                vouch_policy_emall_floor(vouch_policy_set_default(set)));
    assert_string_equal(vouch_policy_profile(vouch_policy_set_for(set, "永州市省标单位", 2021)),
                        "cn-default");
    vouch_policy_set_destroy(&set);
    vouch_config_destroy(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choice_by_org_and_year),
        cmocka_unit_test(test_unknown_profile_names_the_line),
        cmocka_unit_test(test_shipped_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
