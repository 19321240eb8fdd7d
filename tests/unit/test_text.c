/* test_text.c: UTF-8 checks, NFKC of full-width export text, white-space
 * folding as RULES.md compares, and widths for aligning Chinese tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static void s_nfkc_is(const char *in, const char *want)
{
    char *got = vouch_text_nfkc(in, strlen(in));
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void s_fold_is(const char *in, const char *want)
{
    char *got = vouch_text_fold(in);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_valid_utf8(void **state)
{
    (void)state;
    const char *ok = "永州市人力资源和社会保障局 abc 𠀀";
    assert_true(vouch_text_valid_utf8(ok, strlen(ok)));
    assert_true(vouch_text_valid_utf8("", 0));
    /* GBK bytes of 单位 (B5 A5 CE BB): what a GBK export gives */
    assert_false(vouch_text_valid_utf8("\xb5\xa5\xce\xbb", 4));
    assert_false(vouch_text_valid_utf8("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(vouch_text_valid_utf8("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(vouch_text_valid_utf8("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    assert_false(vouch_text_valid_utf8("\xe6\xb0", 2));         /* cut short */
    assert_false(vouch_text_valid_utf8("\x80", 1));
    assert_false(vouch_text_valid_utf8("\xff", 1));
    /* only len bytes count: the cut-off half of 永 lies outside */
    assert_true(vouch_text_valid_utf8("a\xe6\xb0\xb8", 1));
}

static void test_nfkc_full_width(void **state)
{
    (void)state;
    s_nfkc_is("２０２２－０４－０５", "2022-04-05");
    s_nfkc_is("ＡＢＣ１２３", "ABC123");
    s_nfkc_is("１，２３４．５６", "1,234.56");
    s_nfkc_is("借方金额（元）", "借方金额(元)");
    s_nfkc_is("记－２３", "记-23");
    s_nfkc_is("单位：元", "单位:元");
    /* already plain text is unchanged */
    s_nfkc_is("永州市人力资源和社会保障局", "永州市人力资源和社会保障局");
    /* composed form */
    s_nfkc_is("e\xcc\x81", "\xc3\xa9");
}

static void test_nfkc_trims(void **state)
{
    (void)state;
    s_nfkc_is("  12 ", "12");
    s_nfkc_is("\xe3\x80\x80潇湘晨报社\xe3\x80\x80", "潇湘晨报社"); /* U+3000 */
    s_nfkc_is("\xc2\xa0郑红梅\t\r\n", "郑红梅");
    s_nfkc_is("总  计", "总  计"); /* inner space kept */
    s_nfkc_is("   ", "");
    s_nfkc_is("", "");
    char *got = vouch_text_nfkc("ab\xff", 3);
    assert_null(got);
    /* len bounds the input */
    got = vouch_text_nfkc(" 12345", 3);
    assert_string_equal(got, "12");
    free(got);
}

/* Text of ASCII and CJK Unified Ideographs alone skips utf8proc (it is its
 * own NFKC); everything else must still be normalised as before. */
static void test_nfkc_fast_path(void **state)
{
    (void)state;
    s_nfkc_is("5001.01 abc-XYZ", "5001.01 abc-XYZ");
    s_nfkc_is("衡阳市人力资源和社会保障局", "衡阳市人力资源和社会保障局");
    s_nfkc_is("计提1月工资 2022", "计提1月工资 2022");
    /* the ends of both ranges: U+3400, U+4DBF, U+4E00, U+9FFF */
    s_nfkc_is("\xe3\x90\x80\xe4\xb6\xbf\xe4\xb8\x80\xe9\xbf\xbf",
              "\xe3\x90\x80\xe4\xb6\xbf\xe4\xb8\x80\xe9\xbf\xbf");
    /* just outside them, characters that NFKC changes: KANGXI RADICAL ONE
     * U+2F00 is 一, CJK COMPATIBILITY IDEOGRAPH U+F900 is U+8C48 */
    s_nfkc_is("\xe2\xbc\x80", "一");
    s_nfkc_is("\xef\xa4\x80", "\xe8\xb1\x88");
    s_nfkc_is("科目\xef\xa4\x80", "科目\xe8\xb1\x88");
    /* full-width digits and letters among plain text */
    s_nfkc_is("记-２３", "记-23");
    s_nfkc_is("POS机Ｂ", "POS机B");
    s_nfkc_is("１", "1");
    /* a combining mark after ASCII composes; after an ideograph it stays */
    s_nfkc_is("cafe\xcc\x81", "caf\xc3\xa9");
    s_nfkc_is("中\xcc\x81", "中\xcc\x81");
    /* white space: ASCII trimmed on the fast path, the rest on the slow one */
    s_nfkc_is(" \t\v\f\r\n张三 李四\n", "张三 李四");
    s_nfkc_is("\xe3\x80\x80张三", "张三");
    s_nfkc_is("张三\xe2\x80\x8b", "张三");
    s_nfkc_is("\xef\xbb\xbf"
              "abc",
              "abc");
    s_nfkc_is("a\xe3\x80\x80"
              "b",
              "a b"); /* inner U+3000 is kept, as NFKC makes it */
    /* not UTF-8, and a character cut by len: refused on either path */
    assert_null(vouch_text_nfkc("中\xe4\xb8", 5));
    assert_null(vouch_text_nfkc("\xe4\xb8\xad", 2));
    assert_null(vouch_text_nfkc("\xed\xa0\x80", 3));
}

static void test_append(void **state)
{
    (void)state;
    vouch_buf_t b;
    vouch_buf_init(&b);
    assert_int_equal(vouch_text_nfkc_append(&b, "", 0), 0);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(vouch_text_nfkc_append(&b, " 单位 ", strlen(" 单位 ")), 0);
    assert_int_equal(vouch_text_nfkc_append(&b, "ＡＢ\xe3\x80\x80", strlen("ＡＢ\xe3\x80\x80")), 0);
    assert_string_equal(b.data, "单位AB");
    size_t len = b.len;
    assert_int_equal(vouch_text_nfkc_append(&b, "x\xff", 2), -1);
    assert_int_equal(vouch_text_fold_append(&b, "\xe4\xb8", 2), -1);
    assert_int_equal(b.len, len);
    assert_string_equal(b.data, "单位AB");
    /* cells side by side, each NUL-terminated where the caller puts it */
    vouch_buf_putc(&b, '\0');
    size_t second = b.len;
    assert_int_equal(vouch_text_fold_append(&b, " 本 月 合 计 ", strlen(" 本 月 合 计 ")), 0);
    assert_string_equal(b.data, "单位AB");
    assert_string_equal(b.data + second, "本月合计");
    vouch_buf_reset(&b);
    assert_int_equal(vouch_text_fold_append(&b, "Ｐ\xe3\x80\x80Ｏ S", strlen("Ｐ\xe3\x80\x80Ｏ S")),
                     0);
    assert_string_equal(b.data, "POS");
    vouch_buf_free(&b);
}

static void test_fold(void **state)
{
    (void)state;
    s_fold_is("总  计", "总计");
    s_fold_is("合\xe3\x80\x80计", "合计");
    s_fold_is("本 月 合 计", "本月合计");
    s_fold_is("张\xc2\xa0三", "张三");
    s_fold_is("a\xe2\x80\x83"
              "b",
              "ab");                       /* EM SPACE, category Zs */
    s_fold_is("王\xe2\x80\x8b五", "王五"); /* ZERO WIDTH SPACE from a web copy */
    s_fold_is("ＰＯＳ机", "POS机");
    s_fold_is(" \t\n", "");
    assert_null(vouch_text_fold("\xfe"));
    assert_null(vouch_text_fold(NULL));
}

static void test_length(void **state)
{
    (void)state;
    assert_int_equal(vouch_text_length("郑红梅"), 3);
    assert_int_equal(vouch_text_length("永州市恒安物业服务有限公司"), 13);
    assert_int_equal(vouch_text_length("abc"), 3);
    assert_int_equal(vouch_text_length(""), 0);
    assert_int_equal(vouch_text_length("𠀀"), 1);
    assert_int_equal(vouch_text_length("a\xff\xfe"
                                       "b"),
                     4); /* invalid bytes one each */
    assert_int_equal(vouch_text_length(NULL), 0);
}

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(vouch_text_width("abc"), 3);
    assert_int_equal(vouch_text_width("差旅费"), 6);
    assert_int_equal(vouch_text_width("记-23"), 5);
    assert_int_equal(vouch_text_width("ＡＢ"), 4);
    assert_int_equal(vouch_text_width(""), 0);
    assert_int_equal(vouch_text_width("\xff"
                                      "a"),
                     2);
}

static void test_ends_with(void **state)
{
    (void)state;
    assert_true(vouch_text_ends_with("永州日报社", "社"));
    assert_true(vouch_text_ends_with("规划财务科", "财务科"));
    assert_true(vouch_text_ends_with("abc", ""));
    assert_false(vouch_text_ends_with("社", "报社"));
    assert_false(vouch_text_ends_with("永州新闻网", "社"));
    assert_false(vouch_text_ends_with(NULL, "社"));
}

static void test_no_controls(void **state)
{
    (void)state;
    char s[] = "a\nforged\rline\t\x1b[31m\x7f 审计";
    assert_string_equal(vouch_text_no_controls(s), "a forged line  [31m  审计");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_utf8), cmocka_unit_test(test_nfkc_full_width),
        cmocka_unit_test(test_nfkc_trims), cmocka_unit_test(test_nfkc_fast_path),
        cmocka_unit_test(test_append),     cmocka_unit_test(test_fold),
        cmocka_unit_test(test_length),     cmocka_unit_test(test_width),
        cmocka_unit_test(test_ends_with),  cmocka_unit_test(test_no_controls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
