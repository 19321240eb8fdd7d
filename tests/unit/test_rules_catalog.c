/* test_rules_catalog.c: every rule the build runs or the shipped policy
 * defines is in the catalogue (so `vouchctl rules list` can say where it runs
 * and what it needs), and a worker rule's columns are the ones its code reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "rules.h"
#include "rules_catalog.h"

#define POLICY_PATH VOUCH_SOURCE_DIR "/deploy/policy/cn-default.json"

static bool s_in_catalogue(const char *id)
{
    for (const char *const *r = vouch_rules_catalog_ids; *r; r++)
        if (strcmp(*r, id) == 0)
            return true;
    return false;
}

static void test_built_rules_are_catalogued(void **state)
{
    (void)state;
    for (const char *const *r = vouch_rules_ids; *r; r++) {
        if (!s_in_catalogue(*r))
            fail_msg("%s runs in the workers but rules_catalog.c does not list it", *r);
        vouch_rules_catalog_t c;
        assert_true(vouch_rules_catalog_get(*r, &c));
        assert_true(c.built);
        assert_int_equal(c.at, VOUCH_RULES_AT_WORKER);
        assert_int_equal(c.build_version, vouch_rules_version(*r));
        assert_true(c.nneeds > 0);
    }
}

static void test_policy_rules_are_catalogued(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *doc = json_load_file(POLICY_PATH, 0, &jerr);
    assert_non_null(doc);
    json_t *profiles = json_object_get(doc, "profiles");
    const char *name, *id;
    json_t *prof, *entry;
    json_object_foreach(profiles, name, prof)
    {
        json_object_foreach(json_object_get(prof, "rules"), id, entry)
        {
            if (id[0] != '_' && !s_in_catalogue(id))
                fail_msg("profile %s defines %s, which rules_catalog.c does not list", name, id);
        }
    }
    json_decref(doc);
}

static void test_worker_needs_come_from_the_code(void **state)
{
    (void)state;
    vouch_rules_catalog_t c;
    assert_true(vouch_rules_catalog_get("RETROACTIVE_APPROVAL", &c));
    bool approval = false, econ = false;
    for (size_t i = 0; i < c.nneeds; i++) {
        approval = approval || strstr(c.needs[i], "approval_date") != NULL;
        econ = econ || strstr(c.needs[i], "econ_code") != NULL;
    }
    assert_true(approval);
    assert_true(econ); /* the engine's own columns too */
}

static void test_placement(void **state)
{
    (void)state;
    vouch_rules_catalog_t c;
    assert_true(vouch_rules_catalog_get("SPLIT_PURCHASE", &c));
    assert_int_equal(c.at, VOUCH_RULES_AT_SQL);
    assert_string_equal(vouch_rules_catalog_at_name(c.at), "sql");
    assert_string_equal(vouch_rules_catalog_at_label(c.at), "vouchd SQL");
    assert_non_null(strstr(c.uses, "thresholds.emall_floor"));
    assert_false(vouch_rules_catalog_get("NO_SUCH_RULE", &c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_built_rules_are_catalogued),
        cmocka_unit_test(test_policy_rules_are_catalogued),
        cmocka_unit_test(test_worker_needs_come_from_the_code),
        cmocka_unit_test(test_placement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
