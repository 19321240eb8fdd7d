/* test_date.c: the date shapes exports write, impossible dates refused, lists
 * of document dates, and the day arithmetic rules rely on ("within 30 days"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"

static int32_t s_ymd(int y, int m, int d)
{
    int32_t v = vouch_date_from_ymd(y, m, d);
    assert_int_not_equal(v, VOUCH_DATE_NONE);
    return v;
}

static int32_t s_parse_ok(const char *text)
{
    int32_t days = 0;
    if (vouch_date_parse(text, strlen(text), &days) != 0)
        fail_msg("\"%s\" was refused", text);
    return days;
}

static void s_refused(const char *text)
{
    int32_t days = 0;
    if (vouch_date_parse(text, strlen(text), &days) == 0)
        fail_msg("\"%s\" was read as day %d", text, (int)days);
}

static void test_epoch_and_known_days(void **state)
{
    (void)state;
    assert_int_equal(vouch_date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(vouch_date_from_ymd(1969, 12, 31), -1);
    assert_int_equal(vouch_date_from_ymd(2000, 3, 1), 11017);
    assert_int_equal(vouch_date_from_ymd(2022, 4, 5), 19087);
    /* 2022-12-21 minus 2022-06-15: the 记-78 business date to voucher date */
    assert_int_equal(s_ymd(2022, 12, 21) - s_ymd(2022, 6, 15), 189);
    assert_int_equal(s_ymd(2024, 3, 1) - s_ymd(2024, 2, 28), 2);
    assert_int_equal(s_ymd(2023, 3, 1) - s_ymd(2023, 2, 28), 1);
}

static void test_round_trip_every_day(void **state)
{
    (void)state;
    /* every day from 1900 to 2100 goes to y-m-d and back, and days follow on */
    int32_t prev = s_ymd(1899, 12, 31);
    for (int y = 1900; y <= 2100; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                int32_t v = vouch_date_from_ymd(y, m, d);
                if (v == VOUCH_DATE_NONE)
                    continue;
                assert_int_equal(v, prev + 1);
                prev = v;
                int yy, mm, dd;
                vouch_date_to_ymd(v, &yy, &mm, &dd);
                assert_int_equal(yy, y);
                assert_int_equal(mm, m);
                assert_int_equal(dd, d);
            }
}

static void test_impossible_dates(void **state)
{
    (void)state;
    assert_int_equal(vouch_date_from_ymd(2022, 2, 29), VOUCH_DATE_NONE);
    assert_int_not_equal(vouch_date_from_ymd(2024, 2, 29), VOUCH_DATE_NONE);
    assert_int_equal(vouch_date_from_ymd(1900, 2, 29), VOUCH_DATE_NONE);
    assert_int_not_equal(vouch_date_from_ymd(2000, 2, 29), VOUCH_DATE_NONE);
    assert_int_equal(vouch_date_from_ymd(2022, 4, 31), VOUCH_DATE_NONE);
    assert_int_equal(vouch_date_from_ymd(2022, 13, 1), VOUCH_DATE_NONE);
    assert_int_equal(vouch_date_from_ymd(2022, 0, 1), VOUCH_DATE_NONE);
    assert_int_equal(vouch_date_from_ymd(2022, 1, 0), VOUCH_DATE_NONE);
    s_refused("2022-02-30");
    s_refused("2022-13-01");
    s_refused("2022-00-10");
    s_refused("20220230");
    s_refused("2022年2月29日");
}

static void test_export_shapes(void **state)
{
    (void)state;
    int32_t want = s_ymd(2022, 4, 5);
    assert_int_equal(s_parse_ok("2022-04-05"), want);
    assert_int_equal(s_parse_ok("2022-4-5"), want);
    assert_int_equal(s_parse_ok("2022/4/5"), want);
    assert_int_equal(s_parse_ok("2022/04/05"), want);
    assert_int_equal(s_parse_ok("2022.4.5"), want);
    assert_int_equal(s_parse_ok("20220405"), want);
    assert_int_equal(s_parse_ok("2022年4月5日"), want);
    assert_int_equal(s_parse_ok("2022年04月05日"), want);
    assert_int_equal(s_parse_ok("2022-04-05 00:00:00"), want);
    assert_int_equal(s_parse_ok("2022/4/5 0:00"), want);
    assert_int_equal(s_parse_ok("2022-04-05T08:30:00.000"), want);
    assert_int_equal(s_parse_ok("  2022-04-05  "), want);
    assert_int_equal(s_parse_ok("\xe3\x80\x80"
                                "2022-04-05"),
                     want); /* U+3000 */
}

static void test_not_dates(void **state)
{
    (void)state;
    s_refused("2022-04");
    s_refused("2022-04/05");
    s_refused("22-04-05");
    s_refused("04/05/2022");
    s_refused("2022-04-05x");
    s_refused("2022-04-05 noon");
    s_refused("202204051");
    s_refused("2022-004-05");
    s_refused("0999-01-01");
    s_refused("合计");
    s_refused("2022年4月");
    s_refused("-");
}

static void test_blank(void **state)
{
    (void)state;
    int32_t days = 0;
    assert_int_equal(vouch_date_parse("", 0, &days), 0);
    assert_int_equal(days, VOUCH_DATE_NONE);
    assert_int_equal(vouch_date_parse("   ", 3, &days), 0);
    assert_int_equal(days, VOUCH_DATE_NONE);
}

static void test_list(void **state)
{
    (void)state;
    int32_t out[8];
    int n = -1;
    const char *cell = "2021-12-08;2022-04-12;2022-05-16";
    assert_int_equal(vouch_date_parse_list(cell, strlen(cell), out, 8, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(out[0], s_ymd(2021, 12, 8));
    assert_int_equal(out[1], s_ymd(2022, 4, 12));
    assert_int_equal(out[2], s_ymd(2022, 5, 16));

    cell = "2022/5/16、2022年4月12日；20211208, 2022.1.1";
    assert_int_equal(vouch_date_parse_list(cell, strlen(cell), out, 8, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(out[0], s_ymd(2022, 5, 16));
    assert_int_equal(out[2], s_ymd(2021, 12, 8));
    assert_int_equal(out[3], s_ymd(2022, 1, 1));

    /* a stray trailing separator is not a date of its own */
    cell = "2022-01-05; ";
    assert_int_equal(vouch_date_parse_list(cell, strlen(cell), out, 8, &n), 0);
    assert_int_equal(n, 1);

    assert_int_equal(vouch_date_parse_list("", 0, out, 8, &n), 0);
    assert_int_equal(n, 0);

    /* more dates than room: the first max are kept, all are checked */
    cell = "2022-01-01;2022-01-02;2022-01-03";
    assert_int_equal(vouch_date_parse_list(cell, strlen(cell), out, 2, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(out[1], s_ymd(2022, 1, 2));
    cell = "2022-01-01;2022-01-02;2022-13-03";
    assert_int_equal(vouch_date_parse_list(cell, strlen(cell), out, 2, &n), -1);

    cell = "2022-01-01;later";
    assert_int_equal(vouch_date_parse_list(cell, strlen(cell), out, 8, &n), -1);
}

static void test_format(void **state)
{
    (void)state;
    char out[16];
    assert_string_equal(vouch_date_format(s_ymd(2022, 4, 5), out), "2022-04-05");
    assert_string_equal(vouch_date_format(0, out), "1970-01-01");
    assert_string_equal(vouch_date_format(s_ymd(1899, 12, 30), out), "1899-12-30");
    assert_string_equal(vouch_date_format(VOUCH_DATE_NONE, out), "");
    /* a day number past year 9999 has no YYYY-MM-DD form */
    assert_string_equal(vouch_date_format(INT32_MAX, out), "");
    assert_string_equal(vouch_date_format(s_ymd(9999, 12, 31), out), "9999-12-31");
    assert_string_equal(vouch_date_format(s_ymd(9999, 12, 31) + 1, out), "");
    /* years no parser makes, written as printf's %04d writes them */
    assert_string_equal(vouch_date_format(s_ymd(1, 1, 1), out), "0001-01-01");
    assert_string_equal(vouch_date_format(s_ymd(1, 1, 1) - 1, out), "0000-12-31");
    assert_string_equal(vouch_date_format(s_ymd(1, 1, 1) - 367, out), "-001-12-31");
    assert_string_equal(vouch_date_format(INT32_MIN + 1, out), "");
    /* every year, against printf */
    for (int32_t d = s_ymd(1, 1, 1) - 400; d <= s_ymd(9999, 12, 31); d += 29) {
        int y, m, dd;
        char want[48];
        vouch_date_to_ymd(d, &y, &m, &dd);
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, dd);
        assert_string_equal(vouch_date_format(d, out), strlen(want) == 10 ? want : "");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch_and_known_days),
        cmocka_unit_test(test_round_trip_every_day),
        cmocka_unit_test(test_impossible_dates),
        cmocka_unit_test(test_export_shapes),
        cmocka_unit_test(test_not_dates),
        cmocka_unit_test(test_blank),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
