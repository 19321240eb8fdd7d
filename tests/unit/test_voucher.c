/* test_voucher.c: voucher number cells as exports write them, into word and
 * number; the printed form; the expense-account tests; the field names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "voucher.h"

static void s_parses(const char *cell, const char *word, int32_t number)
{
    char w[32] = "poison";
    int32_t n = -7;
    if (vouch_voucher_no_parse(cell, w, sizeof w, &n) != 0)
        fail_msg("\"%s\" was refused", cell);
    assert_string_equal(w, word);
    assert_int_equal(n, number);
}

static void s_refused(const char *cell)
{
    char w[32];
    int32_t n = -7;
    if (vouch_voucher_no_parse(cell, w, sizeof w, &n) == 0)
        fail_msg("\"%s\" was read as %s %d", cell, w, (int)n);
}

static void test_parse_shapes(void **state)
{
    (void)state;
    s_parses("记-23", "记", 23);
    s_parses("记字第23号", "记", 23);
    s_parses("记--0001", "记", 1);
    s_parses("银付-0001", "银付", 1);
    s_parses(" 12", "", 12);
    s_parses("23", "", 23);
    s_parses("记23", "记", 23);
    s_parses("记-78", "记", 78);
    s_parses("第23号", "", 23);
    s_parses("转字-0012", "转", 12);
    s_parses("记－２３", "记", 23); /* full-width, caller skipped NFKC */
    s_parses("记 — 5", "记", 5);
    s_parses("0", "", 0);
    s_parses("记-2147483647", "记", 2147483647);
}

static void test_parse_refusals(void **state)
{
    (void)state;
    s_refused("");
    s_refused("记");
    s_refused("记字第号");
    s_refused("记-2147483648"); /* past int32 */
    s_refused("99999999999999999999");
    s_refused("记-23-1"); /* two numbers: which one is the voucher's? */
    int32_t n;
    assert_int_equal(vouch_voucher_no_parse(NULL, NULL, 0, &n), -1);
}

static void test_parse_word_buffer(void **state)
{
    (void)state;
    /* the word is cut at whole characters: 银 is 3 bytes and fits, 付 does not */
    char w[6];
    int32_t n = 0;
    assert_int_equal(vouch_voucher_no_parse("银付-0001", w, sizeof w, &n), 0);
    assert_string_equal(w, "银");
    assert_int_equal(n, 1);
    /* no word buffer at all is fine */
    assert_int_equal(vouch_voucher_no_parse("银付-0002", NULL, 0, &n), 0);
    assert_int_equal(n, 2);
}

static void test_format(void **state)
{
    (void)state;
    char out[32];
    assert_string_equal(vouch_voucher_no_format("记", 23, out, sizeof out), "记-23");
    assert_string_equal(vouch_voucher_no_format("", 12, out, sizeof out), "12");
    assert_string_equal(vouch_voucher_no_format(NULL, 12, out, sizeof out), "12");
    assert_string_equal(vouch_voucher_no_format("银付", 1, out, sizeof out), "银付-1");
    /* round trip through parse */
    char w[16];
    int32_t n;
    vouch_voucher_no_format("银付", 7, out, sizeof out);
    assert_int_equal(vouch_voucher_no_parse(out, w, sizeof w, &n), 0);
    assert_string_equal(w, "银付");
    assert_int_equal(n, 7);
}

static void test_accounts(void **state)
{
    (void)state;
    assert_true(vouch_account_is_financial_expense("5001"));
    assert_true(vouch_account_is_financial_expense("500101"));
    assert_false(vouch_account_is_financial_expense("1011"));
    assert_false(vouch_account_is_financial_expense("7201"));
    assert_false(vouch_account_is_financial_expense(""));
    assert_false(vouch_account_is_financial_expense(NULL));
    assert_true(vouch_account_is_budget_expense("7201"));
    assert_false(vouch_account_is_budget_expense("5001"));
    assert_false(vouch_account_is_budget_expense("8001"));
    assert_false(vouch_account_is_budget_expense(NULL));
}

static void test_field_names(void **state)
{
    (void)state;
    assert_string_equal(vouch_text_field_names[VOUCH_T_ORG], "org");
    assert_string_equal(vouch_text_field_names[VOUCH_T_VOUCHER_RAW], "voucher_raw");
    assert_string_equal(vouch_text_field_names[VOUCH_T_DOCUMENT_DATES], "document_dates");
    assert_string_equal(vouch_text_field_names[VOUCH_T_PREPARER], "preparer");
    assert_string_equal(vouch_text_field_names[VOUCH_T_REVIEWER], "reviewer");
    for (int i = 0; i < VOUCH_T_COUNT; i++) {
        assert_non_null(vouch_text_field_names[i]);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(vouch_text_field_names[i], vouch_text_field_names[j]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_shapes),      cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_parse_word_buffer), cmocka_unit_test(test_format),
        cmocka_unit_test(test_accounts),          cmocka_unit_test(test_field_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
