/* test_policy_lint.c: `vouchctl rules lint` as a user meets it: the shipped
 * policy is clean; each kind of mistake is an error naming its JSON path in
 * the file (the child's key, or the parent's when inherited); likely mistakes
 * the loader accepts are warnings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "policy_lint.h"

#define POLICY_PATH VOUCH_SOURCE_DIR "/deploy/policy/cn-default.json"

static json_t *s_doc(void)
{
    json_error_t jerr;
    json_t *doc = json_load_file(POLICY_PATH, 0, &jerr);
    assert_non_null(doc);
    return doc;
}

static json_t *s_profiles(json_t *doc)
{
    return json_object_get(doc, "profiles");
}

/* Lint doc serialised; new reference. */
static json_t *s_lint_doc(json_t *doc)
{
    char *text = json_dumps(doc, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    json_t *r = vouch_policy_lint(text, strlen(text));
    free(text);
    return r;
}

/* The problem at path (NULL: any path) whose message contains want, or fail. */
static json_t *s_find(json_t *report, const char *severity, const char *path, const char *want)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(report, "problems"), i, p)
    {
        const char *pp = json_string_value(json_object_get(p, "path"));
        if (strcmp(json_string_value(json_object_get(p, "severity")), severity) == 0 &&
            (!path || (pp && strcmp(pp, path) == 0)) &&
            strstr(json_string_value(json_object_get(p, "message")), want))
            return p;
    }
    char *dump = json_dumps(json_object_get(report, "problems"), JSON_INDENT(1));
    fail_msg("no %s at %s containing \"%s\" in %s", severity, path ? path : "(any)", want, dump);
    free(dump);
    return NULL;
}

static long long s_count(json_t *report, const char *key)
{
    return json_integer_value(json_object_get(report, key));
}

static void test_shipped_policy_is_clean(void **state)
{
    (void)state;
    json_t *doc = s_doc();
    json_t *r = s_lint_doc(doc);
    if (s_count(r, "errors") || s_count(r, "warnings")) {
        char *dump = json_dumps(r, JSON_INDENT(1));
        fail_msg("%s", dump);
    }
    /* every profile is listed, and ok */
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(r, "profiles"), i, p)
        assert_true(json_is_true(json_object_get(p, "ok")));
    assert_int_equal(json_array_size(json_object_get(r, "profiles")),
                     json_object_size(s_profiles(doc)) -
                         (json_object_get(s_profiles(doc), "_comment") ? 1 : 0));
    json_decref(r);
    json_decref(doc);
}

static void test_syntax_error_has_line_and_column(void **state)
{
    (void)state;
    const char *text = "{\"format\": 1,\n \"profiles\": {,}}";
    json_t *r = vouch_policy_lint(text, strlen(text));
    json_t *p = s_find(r, "error", NULL, "not valid JSON");
    assert_int_equal(json_integer_value(json_object_get(p, "line")), 2);
    assert_true(json_integer_value(json_object_get(p, "column")) > 0);
    assert_int_equal(s_count(r, "errors"), 1);
    json_decref(r);
}

static void test_unknown_key_named_in_the_child(void **state)
{
    (void)state;
    json_t *doc = s_doc();
    json_object_set_new(s_profiles(doc), "hunan",
                        json_pack("{s:s, s:{s:s}}", "extends", "cn-default", "thresholds",
                                  "emall_flor", "300000.00"));
    json_t *r = s_lint_doc(doc);
    s_find(r, "error", "profiles.hunan.thresholds.emall_flor", "unknown key");
    assert_int_equal(s_count(r, "errors"), 1);
    /* the parent is fine and says so */
    json_t *p = json_array_get(json_object_get(r, "profiles"), 0);
    assert_string_equal(json_string_value(json_object_get(p, "name")), "cn-default");
    assert_true(json_is_true(json_object_get(p, "ok")));
    json_decref(r);
    json_decref(doc);
}

static void test_wrong_type_and_not_an_amount(void **state)
{
    (void)state;
    json_t *doc = s_doc();
    json_object_set_new(
        s_profiles(doc), "a",
        json_pack("{s:s, s:{s:i}}", "extends", "cn-default", "thresholds", "emall_floor", 300000));
    json_object_set_new(s_profiles(doc), "b",
                        json_pack("{s:s, s:{s:s}}", "extends", "cn-default", "thresholds",
                                  "gov_limit", "1o00000.00"));
    json_object_set_new(
        s_profiles(doc), "c",
        json_pack("{s:s, s:{s:s}}", "extends", "cn-default", "thresholds", "emall_floor", ""));
    json_t *r = s_lint_doc(doc);
    s_find(r, "error", "profiles.a.thresholds.emall_floor", "must be a string");
    s_find(r, "error", "profiles.b.thresholds.gov_limit", "is not an amount");
    s_find(r, "error", "profiles.c.thresholds.emall_floor", "is not an amount");
    assert_int_equal(s_count(r, "errors"), 3);
    json_decref(r);
    json_decref(doc);
}

static void test_codes_that_are_not_codes(void **state)
{
    (void)state;
    json_t *doc = s_doc();
    json_t *fam = json_pack("{s:{s:{s:{s:[s]}}}}", "MISCLASS_EXPENSE", "families", "venue",
                            "codes_forbidden", "30271");
    json_object_set_new(s_profiles(doc), "x",
                        json_pack("{s:s, s:o, s:{s:[s, s]}}", "extends", "cn-default", "rules", fam,
                                  "procurement", "scope_codes", "310", "399x"));
    json_t *r = s_lint_doc(doc);
    /* the loader refuses digits that are not digits first */
    s_find(r, "error", "profiles.x.procurement.scope_codes[1]", "string of digits");
    json_decref(r);

    json_object_set_new(json_object_get(s_profiles(doc), "x"), "procurement",
                        json_pack("{s:[s, s]}", "scope_codes", "310", "39217"));
    r = s_lint_doc(doc);
    s_find(r, "error", "profiles.x.rules.MISCLASS_EXPENSE.families.venue.codes_forbidden[0]",
           "\"30271\" is not a code of the economic classification");
    s_find(r, "error", "profiles.x.procurement.scope_codes[1]", "\"39217\"");
    assert_int_equal(s_count(r, "errors"), 2); /* "310" is a prefix of codes: fine */
    json_decref(r);
    json_decref(doc);
}

static void test_inherited_problem_names_the_parent(void **state)
{
    (void)state;
    json_t *doc = s_doc();
    /* raising the floor above the inherited gov_limit: the limit is the parent's key */
    json_object_set_new(s_profiles(doc), "high",
                        json_pack("{s:s, s:{s:s}}", "extends", "cn-default", "thresholds",
                                  "emall_floor", "2000000.00"));
    json_t *r = s_lint_doc(doc);
    json_t *p = s_find(r, "error", "profiles.cn-default.thresholds.gov_limit", "below");
    assert_string_equal(json_string_value(json_object_get(p, "profile")), "high");
    json_decref(r);
    json_decref(doc);
}

static void test_extends_and_years(void **state)
{
    (void)state;
    json_t *doc = s_doc();
    json_object_set_new(s_profiles(doc), "typo", json_pack("{s:s}", "extends", "cn-defualt"));
    json_object_set_new(s_profiles(doc), "back",
                        json_pack("{s:s, s:{s:i, s:i}}", "extends", "cn-default", "fiscal_years",
                                  "from", 2025, "to", 2023));
    json_t *r = s_lint_doc(doc);
    s_find(r, "error", NULL, "extends names \"cn-defualt\"");
    s_find(r, "error", "profiles.back.fiscal_years", "to is before from");
    json_decref(r);
    json_decref(doc);
}

static void test_broken_parent_fails_its_children(void **state)
{
    (void)state;
    json_t *doc = s_doc();
    json_object_set_new(
        json_object_get(json_object_get(s_profiles(doc), "cn-default"), "thresholds"), "stale_dayz",
        json_integer(3));
    json_object_set_new(s_profiles(doc), "child", json_pack("{s:s}", "extends", "cn-default"));
    json_t *r = s_lint_doc(doc);
    s_find(r, "error", "profiles.cn-default.thresholds.stale_dayz", "unknown key");
    s_find(r, "error", "profiles.cn-default.thresholds.stale_dayz", "inherited from cn-default");
    /* cn-default, and each profile that extends it (child and the shipped example) */
    size_t children = 0, i;
    json_t *p;
    json_array_foreach(json_object_get(r, "profiles"), i, p) children +=
        json_object_get(p, "extends") && !json_is_null(json_object_get(p, "extends"));
    assert_true(children >= 1);
    assert_int_equal(s_count(r, "errors"), 1 + (long long)children);
    json_decref(r);
    json_decref(doc);
}

static void test_unknown_rule_is_a_warning(void **state)
{
    (void)state;
    json_t *doc = s_doc();
    json_object_set_new(json_object_get(json_object_get(s_profiles(doc), "cn-default"), "rules"),
                        "MISCLAS_EXPENSE",
                        json_pack("{s:i, s:s}", "version", 1, "severity", "low"));
    json_t *r = s_lint_doc(doc);
    s_find(r, "warning", "profiles.cn-default.rules.MISCLAS_EXPENSE", "a typo?");
    assert_int_equal(s_count(r, "errors"), 0);
    json_decref(r);
    json_decref(doc);
}

/* the sections of the rules PostgreSQL runs are checked as vouchd checks them */
static void test_ledger_rule_sections(void **state)
{
    (void)state;
    json_t *doc = s_doc();
    json_object_set_new(
        json_object_get(json_object_get(json_object_get(s_profiles(doc), "cn-default"), "rules"),
                        "SPLIT_PURCHASE"),
        "window_days", json_string("thirty"));
    json_t *r = s_lint_doc(doc);
    s_find(r, "error", "profiles.cn-default.rules.SPLIT_PURCHASE.window_days",
           "whole number of days");
    json_decref(r);
    json_decref(doc);
}

static void test_top_level(void **state)
{
    (void)state;
    const char *text = "{\"format\": 2, \"profiles\": {}}";
    json_t *r = vouch_policy_lint(text, strlen(text));
    s_find(r, "error", "format", "format must be 1");
    json_decref(r);
    text = "{\"format\": 1, \"profile\": {}}";
    r = vouch_policy_lint(text, strlen(text));
    s_find(r, "error", "profile", "unknown key profile");
    s_find(r, "error", "profiles", "missing");
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_policy_is_clean),
        cmocka_unit_test(test_syntax_error_has_line_and_column),
        cmocka_unit_test(test_unknown_key_named_in_the_child),
        cmocka_unit_test(test_wrong_type_and_not_an_amount),
        cmocka_unit_test(test_codes_that_are_not_codes),
        cmocka_unit_test(test_inherited_problem_names_the_parent),
        cmocka_unit_test(test_extends_and_years),
        cmocka_unit_test(test_broken_parent_fails_its_children),
        cmocka_unit_test(test_unknown_rule_is_a_warning),
        cmocka_unit_test(test_ledger_rule_sections),
        cmocka_unit_test(test_top_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
