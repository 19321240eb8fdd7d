/* test_money.c: amount cells as exports write them, into exact fen, and back
 * out as yuan text; the double door for bare JSON numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "money.h"

static int64_t s_parse_ok(const char *text)
{
    int64_t fen = 12345; /* poison: a failed parse must not look like 0 */
    int rc = vouch_money_parse(text, strlen(text), &fen);
    if (rc != 0)
        fail_msg("\"%s\" was refused", text);
    return fen;
}

static void s_refused(const char *text)
{
    int64_t fen = 0;
    if (vouch_money_parse(text, strlen(text), &fen) == 0)
        fail_msg("\"%s\" was read as %lld fen", text, (long long)fen);
}

static void test_parse_export_cells(void **state)
{
    (void)state;
    assert_int_equal(s_parse_ok("835,000.00"), 83500000);
    assert_int_equal(s_parse_ok("835000.00"), 83500000);
    assert_int_equal(s_parse_ok("953365.00"), 95336500);
    assert_int_equal(s_parse_ok("4615.50"), 461550);
    assert_int_equal(s_parse_ok("1,234.56"), 123456);
    assert_int_equal(s_parse_ok("1234.5"), 123450);
    assert_int_equal(s_parse_ok("1234"), 123400);
    assert_int_equal(s_parse_ok("1,234,567.89"), 123456789);
    assert_int_equal(s_parse_ok("0.01"), 1);
    assert_int_equal(s_parse_ok(".5"), 50);
    assert_int_equal(s_parse_ok("12."), 1200);
    assert_int_equal(s_parse_ok("+3"), 300);
    assert_int_equal(s_parse_ok("  4000.00 "), 400000);
}

static void test_parse_negative(void **state)
{
    (void)state;
    assert_int_equal(s_parse_ok("-12.00"), -1200);
    assert_int_equal(s_parse_ok("(12.00)"), -1200);
    assert_int_equal(s_parse_ok("( 1,200.50 )"), -120050);
    assert_int_equal(s_parse_ok("\xe2\x88\x92"
                                "5"),
                     -500); /* U+2212 */
    assert_int_equal(s_parse_ok("-0.00"), 0);
}

static void test_parse_yuan_sign(void **state)
{
    (void)state;
    /* hand-typed sheets and some exports put the yuan sign before the digits */
    assert_int_equal(s_parse_ok("¥100"), 10000);
    assert_int_equal(s_parse_ok("￥1,234.50"), 123450); /* full width, if not NFKC'd */
    assert_int_equal(s_parse_ok(" ¥ 12.00 "), 1200);
    assert_int_equal(s_parse_ok("¥-12.00"), -1200);
    assert_int_equal(s_parse_ok("-¥12.00"), -1200);
    assert_int_equal(s_parse_ok("(¥12.00)"), -1200);
}

static void test_parse_blank_is_zero(void **state)
{
    (void)state;
    assert_int_equal(s_parse_ok(""), 0);
    assert_int_equal(s_parse_ok("   "), 0);
}

static void test_parse_refusals(void **state)
{
    (void)state;
    s_refused("12,3a4.00");
    s_refused("1.001"); /* more than two decimals */
    s_refused("12.000");
    s_refused("abc");
    s_refused("1,23"); /* a decimal comma, not thousands */
    s_refused("1234,567");
    s_refused(",123");
    s_refused("1,2345.00");
    s_refused("1.2.3");
    s_refused("--5");
    s_refused("-");
    s_refused("+");
    s_refused("()");
    s_refused("(-12)");
    s_refused(".");
    s_refused("12 34");
    s_refused("1e5");
    s_refused("¥");
    s_refused("¥¥100");
    s_refused("100¥");
    s_refused("900000000000000.01"); /* past +-9e16 fen */
    s_refused("99999999999999999999999");
    /* the limit itself is an amount */
    assert_int_equal(s_parse_ok("900000000000000.00"), 90000000000000000LL);
    assert_int_equal(s_parse_ok("-900000000000000"), -90000000000000000LL);
}

static void test_parse_length_bounded(void **state)
{
    (void)state;
    /* the cell is not NUL-terminated where len says it ends */
    int64_t fen = 0;
    assert_int_equal(vouch_money_parse("12.34xyz", 5, &fen), 0);
    assert_int_equal(fen, 1234);
    assert_int_equal(vouch_money_parse(NULL, 0, &fen), -1);
}

static void test_format(void **state)
{
    (void)state;
    char out[VOUCH_MONEY_BUFSZ];
    assert_string_equal(vouch_money_format(400000, out), "4000.00");
    assert_string_equal(vouch_money_format(-50, out), "-0.50");
    assert_string_equal(vouch_money_format(0, out), "0.00");
    assert_string_equal(vouch_money_format(7, out), "0.07");
    assert_string_equal(vouch_money_format(INT64_MIN, out), "-92233720368547758.08");
    assert_string_equal(vouch_money_format_grouped(83500000, out), "835,000.00");
    assert_string_equal(vouch_money_format_grouped(-123456789, out), "-1,234,567.89");
    assert_string_equal(vouch_money_format_grouped(99999, out), "999.99");
    assert_string_equal(vouch_money_format_grouped(100000, out), "1,000.00");
    assert_string_equal(vouch_money_format_grouped(0, out), "0.00");
    assert_string_equal(vouch_money_format_grouped(INT64_MAX, out), "92,233,720,368,547,758.07");
}

static void test_round_trip(void **state)
{
    (void)state;
    char out[VOUCH_MONEY_BUFSZ];
    const int64_t values[] = {0, 1, -1, 99, 100, 123456789, -98765432100LL, 90000000000000000LL};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        int64_t back = 0;
        vouch_money_format(values[i], out);
        assert_int_equal(vouch_money_parse(out, strlen(out), &back), 0);
        assert_int_equal(back, values[i]);
        vouch_money_format_grouped(values[i], out);
        assert_int_equal(vouch_money_parse(out, strlen(out), &back), 0);
        assert_int_equal(back, values[i]);
    }
}

static void test_from_double(void **state)
{
    (void)state;
    int64_t fen = 0;
    assert_int_equal(vouch_money_from_double(4000.0, &fen), 0);
    assert_int_equal(fen, 400000);
    /* 0.285 is 0.28499999999999998 as a double; the JSON text said 0.285 */
    assert_int_equal(vouch_money_from_double(0.285, &fen), 0);
    assert_int_equal(fen, 29);
    assert_int_equal(vouch_money_from_double(-0.285, &fen), 0);
    assert_int_equal(fen, -29);
    assert_int_equal(vouch_money_from_double(1.005, &fen), 0);
    assert_int_equal(fen, 101);
    assert_int_equal(vouch_money_from_double(0.1 + 0.2, &fen), 0);
    assert_int_equal(fen, 30);
    assert_int_equal(vouch_money_from_double(2.675, &fen), 0);
    assert_int_equal(fen, 268);
    assert_int_equal(vouch_money_from_double(0.004, &fen), 0);
    assert_int_equal(fen, 0);
    assert_int_equal(vouch_money_from_double(0.005, &fen), 0);
    assert_int_equal(fen, 1);
    assert_int_equal(vouch_money_from_double(-0.005, &fen), 0);
    assert_int_equal(fen, -1);
    assert_int_equal(vouch_money_from_double(1e-9, &fen), 0);
    assert_int_equal(fen, 0);
    assert_int_equal(vouch_money_from_double(835000, &fen), 0);
    assert_int_equal(fen, 83500000);
    assert_int_equal(vouch_money_from_double(123456789012.345, &fen), 0);
    assert_int_equal(fen, 12345678901235LL);
    assert_int_equal(vouch_money_from_double(9e14, &fen), 0);
    assert_int_equal(fen, 90000000000000000LL);
    assert_int_equal(vouch_money_from_double(9.1e14, &fen), -1);
    assert_int_equal(vouch_money_from_double(1.0 / 0.0, &fen), -1);
    assert_int_equal(vouch_money_from_double(0.0 / 0.0, &fen), -1);
}

static void test_to_double(void **state)
{
    (void)state;
    /* the same double a spreadsheet (or strtod) reads from the printed yuan */
    const int64_t values[] = {0,
                              1,
                              29,
                              -29,
                              101,
                              268,
                              400000,
                              83500000,
                              333310,
                              12345678901235LL,
                              -90000000000000LL,
                              900719925474099LL};
    char out[VOUCH_MONEY_BUFSZ];
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        vouch_money_format(values[i], out);
        assert_true(vouch_money_to_double(values[i]) == strtod(out, NULL));
        int64_t back = 0;
        assert_int_equal(vouch_money_from_double(vouch_money_to_double(values[i]), &back), 0);
        assert_int_equal(back, values[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_yuan_sign), cmocka_unit_test(test_parse_export_cells),
        cmocka_unit_test(test_parse_negative),  cmocka_unit_test(test_parse_blank_is_zero),
        cmocka_unit_test(test_parse_refusals),  cmocka_unit_test(test_parse_length_bounded),
        cmocka_unit_test(test_format),          cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_from_double),     cmocka_unit_test(test_to_double),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
