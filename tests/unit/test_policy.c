/* test_policy.c: the default policy loads and holds what RULES.md says; a
 * policy that is wrong is refused with the key named; "extends" merges a
 * jurisdiction's profile over cn-default. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "alloc.h"
#include "policy.h"
#include "rules.h"
#include "sha256.h"

#define POLICY_PATH VOUCH_SOURCE_DIR "/deploy/policy/cn-default.json"

static char *s_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = vouch_malloc((size_t)n + 1);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    data[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return data;
}

/* The default policy document, parsed, for tests to edit. New reference. */
static json_t *s_default_doc(void)
{
    json_error_t jerr;
    json_t *doc = json_load_file(POLICY_PATH, 0, &jerr);
    assert_non_null(doc);
    return doc;
}

static json_t *s_default_profile(json_t *doc)
{
    return json_object_get(json_object_get(doc, "profiles"), "cn-default");
}

/* Load doc (serialised) with profile; returns the policy or NULL with err. */
static vouch_policy_t *s_load_doc(json_t *doc, const char *profile, vouch_error_t *err)
{
    char *text = json_dumps(doc, JSON_PRESERVE_ORDER);
    assert_non_null(text);
    vouch_policy_t *p = vouch_policy_new(text, strlen(text), profile, err);
    free(text);
    return p;
}

/* Load must fail and the reason must contain want. */
static void s_expect_error(json_t *doc, const char *profile, const char *want)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_policy_t *p = s_load_doc(doc, profile, &err);
    if (p)
        fail_msg("policy loaded; expected an error containing \"%s\"", want);
    if (!strstr(err.text, want))
        fail_msg("error \"%s\" does not contain \"%s\"", err.text, want);
}

static void test_default_loads(void **state)
{
    (void)state;
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_policy_t *p = vouch_policy_new_from_file(POLICY_PATH, NULL, &err);
    if (!p)
        fail_msg("%s", err.text);
    assert_string_equal(vouch_policy_profile(p), "cn-default");
    assert_int_equal(vouch_policy_emall_floor(p), 10000000);
    assert_int_equal(vouch_policy_gov_limit(p), 100000000);
    assert_int_equal(vouch_policy_stale_days(p), 180);
    assert_int_equal(vouch_policy_max_person_name(p), 6);
    assert_true(vouch_policy_contract_needs_approval(p));
    assert_true(vouch_policy_applies_to_year(p, 2022));
    assert_false(vouch_policy_applies_to_year(p, 2017));

    /* the version is the first 16 hex digits of the file's SHA-256 */
    size_t len;
    char *bytes = s_read(POLICY_PATH, &len);
    char hex[65];
    vouch_sha256_hex(bytes, len, hex);
    assert_int_equal(strlen(vouch_policy_version(p)), 16);
    assert_memory_equal(vouch_policy_version(p), hex, 16);
    free(bytes);

    /* every rule of the build is defined, with RULES.md's severities */
    for (const char *const *id = vouch_rules_ids; *id; id++) {
        const vouch_policy_rule_t *r = vouch_policy_rule(p, *id);
        assert_non_null(r);
        assert_true(r->enabled);
        assert_int_equal(r->version, vouch_rules_version(*id));
    }
    assert_string_equal(vouch_policy_rule(p, "MISCLASS_EXPENSE")->severity, "medium");
    assert_string_equal(vouch_policy_rule(p, "PAYEE_MISMATCH")->severity, "high");
    assert_string_equal(vouch_policy_rule(p, "STALE_DOCUMENT")->severity, "low");
    assert_string_equal(vouch_policy_rule(p, "MISSING_DOCUMENT")->severity, "medium");
    const vouch_policy_words_t *signed_kinds = vouch_policy_words(p, VOUCH_POLICY_SIGNED_KINDS);
    assert_int_equal(signed_kinds->n, 2);
    assert_true(vouch_policy_words_find(signed_kinds, "合同") >= 0);
    assert_true(vouch_policy_words_find(signed_kinds, "验收单") >= 0);
    /* rules that run elsewhere are data too */
    assert_non_null(vouch_policy_rule(p, "SPLIT_PURCHASE"));
    assert_null(vouch_policy_rule(p, "NO_SUCH_RULE"));
    assert_non_null(vouch_policy_message(p, "MISCLASS_EXPENSE", "forbidden", "zh"));
    assert_non_null(vouch_policy_message(p, "MISCLASS_EXPENSE", "forbidden", "en"));
    vouch_policy_destroy(&p);
    assert_null(p);
    vouch_policy_destroy(&p); /* NULL-safe */
}

/* The term an indicator beginning with s names in edition e. */
static const vouch_policy_term_t *s_term(const vouch_policy_econ_t *e, const char *s)
{
    const vouch_policy_words_t *w = vouch_policy_indicator_words(e);
    int k = vouch_policy_words_at(w, s, strlen(s));
    if (k < 0)
        return NULL;
    return vouch_policy_indicator_term(e, w->items[k].tag);
}

static void test_econ_table(void **state)
{
    (void)state;
    vouch_policy_t *p = vouch_policy_new_from_file(POLICY_PATH, NULL, NULL);
    assert_non_null(p);
    /* one edition from 2018 on; none before */
    const vouch_policy_econ_t *e = vouch_policy_econ(p, 2022);
    assert_non_null(e);
    assert_ptr_equal(vouch_policy_econ(p, 2018), e);
    assert_ptr_equal(vouch_policy_econ(p, 2035), e);
    assert_null(vouch_policy_econ(p, 2017));
    assert_string_equal(vouch_policy_econ_edition(e), "2018");
    assert_null(vouch_policy_econ_name(NULL, "30217"));
    assert_int_equal(vouch_policy_indicator_words(NULL)->n, 0);

    assert_string_equal(vouch_policy_econ_name(e, "30217"), "公务接待费");
    assert_string_equal(vouch_policy_econ_name(e, "30101"), "基本工资");
    assert_string_equal(vouch_policy_econ_name(e, "30299"), "其他商品和服务支出");
    assert_string_equal(vouch_policy_econ_name(e, "31099"), "其他资本性支出");
    assert_string_equal(vouch_policy_econ_name(e, "39999"), "其他支出");
    assert_null(vouch_policy_econ_name(e, "30230"));
    assert_null(vouch_policy_econ_name(e, "302"));
    assert_null(vouch_policy_econ_name(e, "3021701"));

    /* RULES.md: complete for 301, 302, 303, 307, 309, 310 and 399 (款 as in
     * the 2018 table; no 30104, 30210, 30904...) */
    static const char *const codes[] = {
        "30101", "30102", "30103", "30106", "30107", "30108", "30109", "30110", "30111", "30112",
        "30113", "30114", "30199", "30201", "30202", "30203", "30204", "30205", "30206", "30207",
        "30208", "30209", "30211", "30212", "30213", "30214", "30215", "30216", "30217", "30218",
        "30224", "30225", "30226", "30227", "30228", "30229", "30231", "30239", "30240", "30299",
        "30301", "30302", "30303", "30304", "30305", "30306", "30307", "30308", "30309", "30310",
        "30311", "30399", "30701", "30702", "30703", "30704", "30901", "30902", "30903", "30905",
        "30906", "30907", "30908", "30913", "30919", "30921", "30922", "30999", "31001", "31002",
        "31003", "31005", "31006", "31007", "31008", "31009", "31010", "31011", "31012", "31013",
        "31019", "31021", "31022", "31099", "39906", "39907", "39908", "39909", "39910", "39999",
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (!vouch_policy_econ_known(e, codes[i]))
            fail_msg("%s is not in the table", codes[i]);
    static const char *const absent[] = {"30104", "30105", "30210", "30219", "30230",
                                         "30904", "31004", "31014", "30312"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        assert_false(vouch_policy_econ_known(e, absent[i]));

    /* longest name wins: 邮电费 is 30207, not 电费 */
    const vouch_policy_term_t *t = s_term(e, "邮电费");
    assert_non_null(t);
    assert_int_equal(t->kind, VOUCH_POLICY_TERM_CATEGORY);
    assert_int_equal(t->ncodes, 1);
    assert_string_equal(t->codes[0], "30207");
    t = s_term(e, "医疗费补助");
    assert_string_equal(t->codes[0], "30307");
    /* a shared name names all its codes: every 309 name but 其他基本建设支出
     * is a 310 name too */
    static const char *const shared[][3] = {
        {"房屋建筑物购建", "30901", "31001"},   {"办公设备购置", "30902", "31002"},
        {"专用设备购置", "30903", "31003"},     {"基础设施建设", "30905", "31005"},
        {"大型修缮", "30906", "31006"},         {"信息网络及软件购置更新", "30907", "31007"},
        {"物资储备", "30908", "31008"},         {"公务用车购置", "30913", "31013"},
        {"其他交通工具购置", "30919", "31019"}, {"文物和陈列品购置", "30921", "31021"},
        {"无形资产购置", "30922", "31022"},
    };
    for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++) {
        t = s_term(e, shared[i][0]);
        assert_non_null(t);
        assert_int_equal(t->ncodes, 2);
        bool a = false, b = false;
        for (size_t k = 0; k < 2; k++) {
            a = a || strcmp(t->codes[k], shared[i][1]) == 0;
            b = b || strcmp(t->codes[k], shared[i][2]) == 0;
        }
        if (!a || !b)
            fail_msg("%s does not name %s and %s", shared[i][0], shared[i][1], shared[i][2]);
    }
    /* class names name nothing, even where a code shares the name */
    static const char *const classes[] = {"工资福利支出",       "商品和服务支出",
                                          "对个人和家庭的补助", "债务利息及费用支出",
                                          "资本性支出",         "其他支出"};
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        t = s_term(e, classes[i]);
        assert_non_null(t);
        assert_int_equal(t->kind, VOUCH_POLICY_TERM_CLASS);
        assert_int_equal(t->ncodes, 0);
    }
    /* 其他商品和服务支出 is 30299, not the class inside it */
    t = s_term(e, "其他商品和服务支出");
    assert_int_equal(t->kind, VOUCH_POLICY_TERM_CATEGORY);
    assert_string_equal(t->codes[0], "30299");
    t = s_term(e, "日常公用经费");
    assert_int_equal(t->kind, VOUCH_POLICY_TERM_GENERAL);
    assert_string_equal(t->name, "日常公用经费");
    /* names are folded: the full-width parentheses of the table match the
     * half-width ones an export holds after NFKC */
    t = s_term(e, "因公出国(境)费用");
    assert_non_null(t);
    assert_string_equal(t->codes[0], "30212");
    vouch_policy_destroy(&p);
}

/* a later edition is data: the years it covers read it, earlier years the
 * edition before; two editions may not share a year */
static void test_econ_editions(void **state)
{
    (void)state;
    json_t *doc = s_default_doc();
    json_t *eds =
        json_object_get(json_object_get(s_default_profile(doc), "econ_classification"), "editions");
    json_t *e2018 = json_object_get(eds, "2018");
    json_object_set_new(e2018, "fiscal_years", json_pack("{s:i, s:i}", "from", 2018, "to", 2023));
    json_t *e2024 = json_deep_copy(e2018);
    json_object_set_new(e2024, "fiscal_years", json_pack("{s:i, s:n}", "from", 2024, "to"));
    json_object_set_new(json_object_get(e2024, "codes"), "30241", json_string("新设费用"));
    json_object_del(json_object_get(e2024, "codes"), "39906");
    json_object_set_new(eds, "2024", e2024);
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_policy_t *p = s_load_doc(doc, NULL, &err);
    if (!p)
        fail_msg("%s", err.text);
    assert_string_equal(vouch_policy_econ_edition(vouch_policy_econ(p, 2023)), "2018");
    assert_string_equal(vouch_policy_econ_edition(vouch_policy_econ(p, 2024)), "2024");
    assert_null(vouch_policy_econ_name(vouch_policy_econ(p, 2023), "30241"));
    assert_string_equal(vouch_policy_econ_name(vouch_policy_econ(p, 2024), "30241"), "新设费用");
    assert_true(vouch_policy_econ_known(vouch_policy_econ(p, 2023), "39906"));
    assert_false(vouch_policy_econ_known(vouch_policy_econ(p, 2024), "39906"));
    assert_non_null(s_term(vouch_policy_econ(p, 2024), "新设费用"));
    assert_null(s_term(vouch_policy_econ(p, 2023), "新设费用"));
    vouch_policy_destroy(&p);

    json_object_set_new(e2024, "fiscal_years", json_pack("{s:i}", "from", 2023));
    s_expect_error(doc, NULL, "2018 and 2024 apply to the same fiscal years");
    json_object_set_new(e2024, "fiscal_years", json_pack("{s:i, s:i}", "from", 2025, "to", 2024));
    s_expect_error(doc, NULL, "editions.2024.fiscal_years: to is before from");
    json_object_set_new(e2024, "fiscal_years", json_pack("{s:i}", "from", 2024));
    json_object_set_new(json_object_get(e2024, "codes"), "3O241", json_string("typo"));
    s_expect_error(doc, NULL, "editions.2024.codes: \"3O241\" must be a code of digits");
    json_object_del(json_object_get(e2024, "codes"), "3O241");
    json_object_set_new(e2024, "clases", json_object());
    s_expect_error(doc, NULL, "unknown key econ_classification.editions.2024.clases");
    json_object_clear(eds);
    s_expect_error(doc, NULL, "econ_classification.editions is empty");
    json_decref(doc);
}

static void test_codes_by_prefix(void **state)
{
    (void)state;
    vouch_policy_t *p = vouch_policy_new_from_file(POLICY_PATH, NULL, NULL);
    assert_non_null(p);
    const vouch_policy_codes_t *scope = vouch_policy_codes(p, VOUCH_POLICY_PROCUREMENT_SCOPE);
    assert_true(vouch_policy_codes_match(scope, "30227"));
    assert_true(vouch_policy_codes_match(scope, "31002")); /* all of 310 */
    assert_false(vouch_policy_codes_match(scope, "30211"));
    assert_false(vouch_policy_codes_match(scope, "302")); /* a shorter code is not covered */
    assert_false(vouch_policy_codes_match(scope, ""));
    const vouch_policy_codes_t *out = vouch_policy_codes(p, VOUCH_POLICY_PAYMENT_OUT);
    assert_true(vouch_policy_codes_match(out, "100201"));
    assert_true(vouch_policy_codes_match(out, "1011"));
    assert_false(vouch_policy_codes_match(out, "2001"));
    const vouch_policy_words_t *em = vouch_policy_words(p, VOUCH_POLICY_EMALL_CHANNELS);
    assert_true(vouch_policy_words_find(em, "协议供货") >= 0);
    assert_true(vouch_policy_words_find(em, "政府采购") < 0);

    size_t n;
    const vouch_policy_family_t *f = vouch_policy_families(p, &n);
    assert_int_equal(n, 4);
    assert_string_equal(f[0].name, "venue");
    assert_int_equal(f[0].ntogether, 2);
    assert_string_equal(f[2].name, "vehicle");
    assert_true(f[2].codes_allowed);
    assert_int_equal(f[2].nunless, 1);
    assert_string_equal(f[f[2].unless[0]].name, "travel");
    /* 车 sits in 车间, 车票, 火车, 动车, 乘车 (高铁 holds no 车) */
    assert_int_equal(f[2].nnot_inside, 5);
    vouch_policy_destroy(&p);
}

static void test_bad_json_names_line_and_column(void **state)
{
    (void)state;
    const char *text = "{\"format\": 1,\n \"profiles\": {\n  \"cn-default\": {,}\n }\n}\n";
    vouch_error_t err;
    vouch_error_clear(&err);
    assert_null(vouch_policy_new(text, strlen(text), NULL, &err));
    assert_int_equal(err.line, 3);
    assert_string_equal(err.column, "18");
    assert_non_null(strstr(err.text, "policy is not valid JSON"));
    char msg[1024];
    vouch_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "line 3: column 18: policy is not valid JSON"));

    vouch_error_clear(&err);
    assert_null(vouch_policy_new_from_file("/nonexistent/policy.json", NULL, &err));
    assert_string_equal(err.file, "/nonexistent/policy.json");
}

static void test_missing_and_wrong_keys(void **state)
{
    (void)state;
    json_t *doc = s_default_doc();
    json_t *prof = s_default_profile(doc);
    json_t *th = json_object_get(prof, "thresholds");

    json_object_del(th, "emall_floor");
    s_expect_error(doc, NULL, "thresholds.emall_floor is missing");
    json_object_set_new(th, "emall_floor", json_real(100000.0));
    s_expect_error(doc, NULL, "thresholds.emall_floor must be a string");
    json_object_set_new(th, "emall_floor", json_string("十万"));
    s_expect_error(doc, NULL, "thresholds.emall_floor");
    json_object_set_new(th, "emall_floor", json_string("100000.00"));

    json_object_set_new(th, "stale_days", json_string("180"));
    s_expect_error(doc, NULL, "thresholds.stale_days must be an integer");
    json_object_set_new(th, "stale_days", json_integer(180));

    /* a typo is refused, not silently ignored */
    json_object_set_new(th, "emall_flor", json_string("1.00"));
    s_expect_error(doc, NULL, "unknown key thresholds.emall_flor");
    json_object_del(th, "emall_flor");

    json_t *rules = json_object_get(prof, "rules");
    json_t *misc = json_object_get(rules, "MISCLASS_EXPENSE");
    json_t *venue = json_object_get(json_object_get(misc, "families"), "venue");
    json_object_del(venue, "codes_forbidden");
    s_expect_error(doc, NULL, "families.venue needs exactly one of codes_forbidden");
    json_object_set_new(venue, "codes_forbidden", json_pack("[s]", "30217"));

    json_t *vehicle = json_object_get(json_object_get(misc, "families"), "vehicle");
    json_object_set_new(vehicle, "not_inside", json_pack("{s:[s,s,i]}", "车", "火车", "动车", 5));
    s_expect_error(doc, NULL, "families.vehicle.not_inside.车[2] must be a string");
    json_object_set_new(vehicle, "unless", json_pack("[s]", "flying"));
    json_object_del(vehicle, "not_inside");
    s_expect_error(doc, NULL, "families.vehicle.unless[0] must name another family");
    json_object_set_new(vehicle, "unless", json_pack("[s]", "travel"));

    json_object_set_new(json_object_get(json_object_get(misc, "messages"), "forbidden"), "zh",
                        json_string("{summary}在{nonsense}"));
    s_expect_error(doc, NULL, "unknown placeholder {nonsense}");

    json_object_del(rules, "PAYEE_MISMATCH");
    s_expect_error(doc, NULL, "rules.PAYEE_MISMATCH is missing");

    json_decref(doc);
    doc = s_default_doc();
    rules = json_object_get(s_default_profile(doc), "rules");
    json_object_set_new(json_object_get(rules, "STALE_DOCUMENT"), "version", json_integer(2));
    s_expect_error(doc, NULL, "this build runs version 1");
    json_object_set_new(json_object_get(rules, "STALE_DOCUMENT"), "version", json_integer(1));
    json_object_set_new(json_object_get(rules, "STALE_DOCUMENT"), "severity",
                        json_string("urgent"));
    s_expect_error(doc, NULL, "rules.STALE_DOCUMENT.severity must be high, medium or low");

    json_decref(doc);
    doc = s_default_doc();
    rules = json_object_get(s_default_profile(doc), "rules");
    json_t *missing = json_object_get(rules, "MISSING_DOCUMENT");
    json_object_set_new(missing, "signed_document_kind", json_pack("[s]", "合同"));
    s_expect_error(doc, NULL, "unknown key rules.MISSING_DOCUMENT.signed_document_kind");
    json_object_del(missing, "signed_document_kind");
    json_object_set_new(missing, "signed_document_kinds", json_array());
    s_expect_error(doc, NULL, "rules.MISSING_DOCUMENT.signed_document_kinds is empty");
    json_object_set_new(missing, "signed_document_kinds", json_pack("[s]", "合同"));
    json_object_del(json_object_get(missing, "messages"), "undated");
    s_expect_error(doc, NULL, "rules.MISSING_DOCUMENT.messages.undated is missing");

    json_decref(doc);
    doc = s_default_doc();
    json_object_del(s_default_profile(doc), "econ_classification");
    s_expect_error(doc, NULL, "econ_classification is missing");
    s_expect_error(doc, "no-such-profile", "no such profile");
    json_decref(doc);

    /* the error names the profile */
    doc = s_default_doc();
    json_object_del(json_object_get(s_default_profile(doc), "organisation_markers"), "contains");
    s_expect_error(doc, NULL, "policy profile cn-default: key organisation_markers.contains");
    json_decref(doc);
}

static void test_extends(void **state)
{
    (void)state;
    json_t *doc = s_default_doc();
    json_t *profiles = json_object_get(doc, "profiles");
    json_error_t jerr;
    json_t *hunan = json_loads("{\"extends\": \"cn-default\","
                               " \"fiscal_years\": {\"from\": 2021, \"to\": 2023},"
                               " \"thresholds\": {\"emall_floor\": \"50000.00\"},"
                               " \"organisation_markers\": {\"max_person_name_length\": 4},"
                               " \"econ_classification\": {\"editions\": {\"2018\": {\"codes\":"
                               "   {\"30217\": \"公务接待费（含外宾）\"}}}},"
                               " \"rules\": {\"MISCLASS_EXPENSE\": {\"severity\": \"high\"},"
                               "           \"PAYEE_MISMATCH\": {\"enabled\": false},"
                               "           \"SPLIT_PURCHASE\": null}}",
                               0, &jerr);
    assert_non_null(hunan);
    json_object_set_new(profiles, "hunan-2021", hunan);

    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_policy_t *p = s_load_doc(doc, "hunan-2021", &err);
    if (!p)
        fail_msg("%s", err.text);
    assert_string_equal(vouch_policy_profile(p), "hunan-2021");
    /* the child wins key by key; what it does not name comes from the parent */
    assert_int_equal(vouch_policy_emall_floor(p), 5000000);
    assert_int_equal(vouch_policy_gov_limit(p), 100000000);
    assert_int_equal(vouch_policy_stale_days(p), 180);
    assert_int_equal(vouch_policy_max_person_name(p), 4);
    assert_int_equal(vouch_policy_words(p, VOUCH_POLICY_ORG_CONTAINS)->n, 10);
    assert_string_equal(vouch_policy_econ_name(vouch_policy_econ(p, 2022), "30217"),
                        "公务接待费（含外宾）");
    assert_string_equal(vouch_policy_econ_name(vouch_policy_econ(p, 2022), "30215"), "会议费");
    assert_false(vouch_policy_applies_to_year(p, 2024));
    const vouch_policy_rule_t *r = vouch_policy_rule(p, "MISCLASS_EXPENSE");
    assert_string_equal(r->severity, "high");
    assert_int_equal(r->version, 1);
    size_t n;
    vouch_policy_families(p, &n);
    assert_int_equal(n, 4);
    assert_false(vouch_policy_rule(p, "PAYEE_MISMATCH")->enabled);
    assert_null(vouch_policy_rule(p, "SPLIT_PURCHASE")); /* null removes */
    /* the merged profile is what `rules explain` shows */
    assert_null(json_object_get(vouch_policy_json(p), "extends"));
    vouch_policy_destroy(&p);

    /* the parent is untouched by its child */
    p = s_load_doc(doc, NULL, &err);
    assert_non_null(p);
    assert_int_equal(vouch_policy_emall_floor(p), 10000000);
    assert_string_equal(vouch_policy_econ_name(vouch_policy_econ(p, 2022), "30217"), "公务接待费");
    vouch_policy_destroy(&p);

    /* one level only */
    json_object_set_new(profiles, "yongzhou", json_pack("{s:s}", "extends", "hunan-2021"));
    s_expect_error(doc, "yongzhou", "one level only");
    json_object_set_new(profiles, "orphan", json_pack("{s:s}", "extends", "nowhere"));
    s_expect_error(doc, "orphan", "\"nowhere\", which is not a profile");
    /* a child's mistake is named like the parent's */
    json_object_set_new(
        profiles, "bad",
        json_pack("{s:s, s:{s:i}}", "extends", "cn-default", "thresholds", "gov_limit", 1000000));
    s_expect_error(doc, "bad", "policy profile bad: key thresholds.gov_limit must be a string");
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_loads),
        cmocka_unit_test(test_econ_table),
        cmocka_unit_test(test_econ_editions),
        cmocka_unit_test(test_codes_by_prefix),
        cmocka_unit_test(test_bad_json_names_line_and_column),
        cmocka_unit_test(test_missing_and_wrong_keys),
        cmocka_unit_test(test_extends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
