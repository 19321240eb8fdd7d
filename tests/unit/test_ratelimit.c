/* test_ratelimit.c: a flood of one event, or of many keys, logs a few lines
 * a window; what was held back is counted and said later. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "ratelimit.h"

static void test_one_key(void **state)
{
    (void)state;
    vouch_ratelimit_t *rl = vouch_ratelimit_new(60, 2, 100);
    unsigned long held = 99;
    assert_true(vouch_ratelimit_pass(rl, "control", 1000, &held));
    assert_int_equal(held, 0);
    assert_true(vouch_ratelimit_pass(rl, "control", 1000, NULL));
    for (int i = 0; i < 1000; i++)
        assert_false(vouch_ratelimit_pass(rl, "control", 1010, &held));
    /* another key has its own lines */
    assert_true(vouch_ratelimit_pass(rl, "results", 1010, &held));
    /* nothing to summarise while the window runs */
    assert_int_equal(vouch_ratelimit_held(rl, 1030), 0);
    /* the next window: a line again, which says what was held back */
    assert_true(vouch_ratelimit_pass(rl, "control", 1061, &held));
    assert_int_equal(held, 1000);
    assert_int_equal(vouch_ratelimit_held(rl, 1200), 0);
    vouch_ratelimit_destroy(&rl);
    assert_null(rl);
    vouch_ratelimit_destroy(&rl);
}

static void test_summary(void **state)
{
    (void)state;
    vouch_ratelimit_t *rl = vouch_ratelimit_new(60, 1, 100);
    assert_true(vouch_ratelimit_pass(rl, "k", 0, NULL));
    assert_false(vouch_ratelimit_pass(rl, "k", 1, NULL));
    assert_false(vouch_ratelimit_pass(rl, "k", 2, NULL));
    assert_int_equal(vouch_ratelimit_held(rl, 59), 0);
    assert_int_equal(vouch_ratelimit_held(rl, 60), 2);
    /* said once */
    assert_int_equal(vouch_ratelimit_held(rl, 61), 0);
    vouch_ratelimit_destroy(&rl);
}

/* a new key for every event (fresh CURVE keys are cheap): the total still
 * bounds the lines, and keys pushed out of the table are still counted */
static void test_many_keys(void **state)
{
    (void)state;
    vouch_ratelimit_t *rl = vouch_ratelimit_new(60, 1, 20);
    int lines = 0;
    for (int i = 0; i < 10000; i++) {
        char key[32];
        snprintf(key, sizeof key, "key-%d", i);
        lines += vouch_ratelimit_pass(rl, key, 500, NULL);
    }
    assert_int_equal(lines, 20);
    assert_int_equal(vouch_ratelimit_held(rl, 560), 10000 - 20);
    vouch_ratelimit_destroy(&rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_key),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_many_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
