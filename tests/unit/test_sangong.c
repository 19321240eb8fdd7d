/* test_sangong.c: the 三公 report's refusals as a caller (vouchd's digest,
 * vouchctl) tells them apart: a database that is gone is a failed query,
 * never "no such unit" or "no ledger". The sums themselves are checked on a
 * real PostgreSQL by tests/integration/it_sangong.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "config.h"
#include "policy_set.h"
#include "sangong.h"

#define POLICY_PATH VOUCH_SOURCE_DIR "/deploy/policy/cn-default.json"

static void test_database_gone_is_no_refusal(void **state)
{
    (void)state;
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_config_t *cfg = vouch_config_new("/nonexistent-vouch-home", &err);
    assert_non_null(cfg);
    vouch_policy_set_t *set = vouch_policy_set_new_from_file(POLICY_PATH, cfg, &err);
    if (!set)
        fail_msg("%s", err.text);
    PGconn *db = PQconnectdb("host=/nonexistent-vouch-socket dbname=vouch connect_timeout=1");
    assert_int_not_equal(PQstatus(db), CONNECTION_OK);

    vouch_sangong_missing_t missing = VOUCH_SANGONG_MISSING_UNIT; /* poison */
    json_t *doc = vouch_sangong_report(db, set, "永州市人力资源和社会保障局", 2022, &missing, &err);
    assert_null(doc);
    assert_int_equal(missing, VOUCH_SANGONG_MISSING_NONE);
    if (strncmp(err.text, "query failed: ", 14) != 0)
        fail_msg("err: %s", err.text);

    PQfinish(db);
    vouch_policy_set_destroy(&set);
    assert_null(set);
    vouch_config_destroy(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_database_gone_is_no_refusal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
