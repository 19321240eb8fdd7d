/* test_digest_render.c: masking accounts, and a digest's content rendered as
 * Markdown and HTML: every section, the empty digest, HTML escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "digest_render.h"

static void s_mask_is(const char *in, const char *want)
{
    char *got = vouch_mask_accounts(in);
    assert_string_equal(got, want);
    free(got);
}

static void test_mask(void **state)
{
    (void)state;
    s_mask_is("6217369593615492997", "****2997");
    s_mask_is("付入 6217369593615492997 账户", "付入 ****2997 账户");
    s_mask_is("43005444863668968240;6217", "****8240;6217");
    s_mask_is("记-29 835000.00 2022-03-25", "记-29 835000.00 2022-03-25"); /* short runs stay */
    s_mask_is("123456789", "123456789");
    s_mask_is("1234567890", "****7890");
    s_mask_is("", "");
    s_mask_is(NULL, "");
}

static json_t *s_content(int findings)
{
    json_error_t e;
    json_t *c = json_loads(
        "{\"digest_id\": \"vouch-digest-7\", \"subscription\": \"yz\","
        " \"units\": [\"永州市人力资源和社会保障局\"], \"min_severity\": \"low\","
        " \"made_at\": \"2022-12-31 08:30\", \"since\": \"2022-12-30 08:30\", \"findings\": [5],"
        " \"new\": {\"findings\": 1, \"amount\": \"835000.00\", \"by_unit\": [{\"org\":"
        " \"永州市人力资源和社会保障局\", \"findings\": 1, \"amount\": \"835000.00\","
        " \"by_rule\": [{\"rule\": \"PROCUREMENT_BYPASS\", \"findings\": 1, \"amount\":"
        " \"835000.00\"}]}]},"
        " \"changes\": {\"confirmed\": 2, \"dismissed\": 1, \"reopened\": 0, \"suppressed\": 0,"
        " \"superseded\": 0},"
        " \"top\": [{\"finding_id\": 5, \"org\": \"永州市人力资源和社会保障局\", \"voucher_date\":"
        " \"2022-03-25\", \"voucher\": \"记-29\", \"line_no\": 1, \"rule\": \"PROCUREMENT_BYPASS\","
        " \"severity\": \"high\", \"amount\": \"835000.00\", \"summary\": \"<b>就业宣传</b> & "
        "合作\","
        " \"payee\": \"永州日报社\", \"payee_account\": \"****8240\", \"message\": \"m\"}],"
        " \"sangong\": [{\"org\": \"永州市人力资源和社会保障局\", \"year\": 2022, \"booked\":"
        " \"36825.00\", \"restated\": \"18325.00\"}],"
        " \"progress\": {\"open\": 15, \"confirmed\": 4, \"dismissed\": 2, \"suppressed\": 0,"
        " \"decided_pct\": \"29\"}}",
        0, &e);
    assert_non_null(c);
    if (findings == 0) {
        json_object_set_new(c, "findings", json_array());
        json_object_set_new(
            c, "new", json_pack("{s:i, s:s, s:[]}", "findings", 0, "amount", "0.00", "by_unit"));
        json_object_set_new(c, "top", json_array());
    }
    return c;
}

static void test_markdown(void **state)
{
    (void)state;
    json_t *c = s_content(1);
    char *md = vouch_digest_markdown(c);
    const char *want[] = {
        "## vouch 摘要 digest: yz",
        "单位 Units: 永州市人力资源和社会保障局",
        "（上次 since 2022-12-30 08:30）",
        "### 新发现 New findings: 1 条, 835,000.00 元",
        "- 永州市人力资源和社会保障局: 1 条, 835,000.00 元\n  - PROCUREMENT_BYPASS: 1 条, "
        "835,000.00 元",
        "确认 confirmed 2 · 排除 dismissed 1",
        "1. 永州市人力资源和社会保障局 2022-03-25 记-29 第1行 · PROCUREMENT_BYPASS (high) · "
        "835,000.00 元 · <b>就业宣传</b> & 合作 · 永州日报社 ****8240 (#5)",
        "永州市人力资源和社会保障局 2022: 账面 booked 36,825.00 元, 调整后 restated 18,325.00 元",
        "待审 open 15 · 确认 confirmed 4 · 排除 dismissed 2 · 抑制 suppressed 0: 29% 已处理",
        "> digest vouch-digest-7",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(md, want[i]))
            fail_msg("missing [%s] in\n%s", want[i], md);
    char *subject = vouch_digest_subject(c);
    assert_string_equal(subject, "vouch 摘要 yz: 1 new finding, 835,000.00 yuan");
    free(subject);
    free(md);
    json_decref(c);
}

static void test_html_escapes(void **state)
{
    (void)state;
    json_t *c = s_content(1);
    char *html = vouch_digest_html(c);
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    assert_non_null(strstr(html, "&lt;b&gt;就业宣传&lt;/b&gt; &amp; 合作"));
    assert_null(strstr(html, "<b>就业宣传"));
    assert_non_null(strstr(html, "<li>永州市人力资源和社会保障局: 1 条, 835,000.00 元<ul>"));
    assert_non_null(strstr(html, "</body></html>"));
    free(html);
    json_decref(c);
}

static void test_empty(void **state)
{
    (void)state;
    json_t *c = s_content(0);
    char *md = vouch_digest_markdown(c);
    assert_non_null(strstr(md, "无新发现 Nothing new since 2022-12-30 08:30."));
    assert_null(strstr(md, "金额最大"));
    assert_non_null(strstr(md, "审核进度 Review progress"));
    char *subject = vouch_digest_subject(c);
    assert_string_equal(subject, "vouch 摘要 yz: nothing new");
    free(subject);
    free(md);
    json_decref(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_html_escapes),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
