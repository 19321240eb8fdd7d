/* test_coverage.c: which rules can run on a ledger given the columns its file
 * carried (RULES.md "Missing data"): a rule that lacks a column is reported
 * not run, naming the column, and never counted as passed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "csv_import.h"
#include "ledger_rules.h"
#include "rules.h"

/* The seed case's header, as ledgers.columns stores it. */
static const char *const s_seed[] = {
    "org",
    "voucher_date",
    "voucher_no",
    "line_no",
    "summary",
    "account_code",
    "account_name",
    "func_code",
    "econ_code",
    "debit",
    "credit",
    "indicator",
    "department",
    "project",
    "claimant",
    "payee",
    "payee_account",
    "payment_method",
    "procurement_method",
    "contract_no",
    "business_date",
    "approval_date",
    "document_dates",
    "attachments",
};
#define S_NSEED (sizeof s_seed / sizeof s_seed[0])

/* the per-line rules: coverage lists them first */
static size_t s_line_rules_count(void)
{
    size_t n = 0;
    while (vouch_rules_ids[n])
        n++;
    return n;
}

/* every rule: per-line, then those PostgreSQL runs */
static size_t s_rules_count(void)
{
    size_t nledger;
    vouch_ledger_rules(&nledger);
    return s_line_rules_count() + nledger;
}

static const vouch_rules_coverage_t *s_find(const vouch_rules_coverage_t *c, size_t n,
                                            const char *rule)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].rule, rule) == 0)
            return &c[i];
    fail_msg("no coverage for %s", rule);
    return NULL;
}

/* the seed case without one column */
static size_t s_seed_without(const char *drop, vouch_rules_coverage_t *out)
{
    const char *names[S_NSEED];
    size_t n = 0;
    for (size_t i = 0; i < S_NSEED; i++)
        if (strcmp(s_seed[i], drop) != 0)
            names[n++] = s_seed[i];
    return vouch_rules_coverage(names, n, out, VOUCH_RULES_MAX);
}

static void test_seed_case_runs_every_rule(void **state)
{
    (void)state;
    vouch_rules_coverage_t c[VOUCH_RULES_MAX];
    size_t n = vouch_rules_coverage(s_seed, S_NSEED, c, VOUCH_RULES_MAX);
    assert_int_equal(n, s_rules_count());
    assert_true(n >= 11);
    for (size_t i = 0; i < s_line_rules_count(); i++) {
        /* in the table's order, so output is stable */
        assert_string_equal(c[i].rule, vouch_rules_ids[i]);
        if (!c[i].runs)
            fail_msg("%s does not run on the seed case", c[i].rule);
        assert_int_equal(c[i].nmissing, 0);
        char text[256];
        assert_string_equal(vouch_rules_coverage_text(&c[i], text, sizeof text), "runs");
    }
    /* then the rules PostgreSQL runs, in their table's order: the seed has
     * no invoice numbers and neither 制单人 nor 审核人 */
    size_t nledger;
    const vouch_ledger_rule_t *lr = vouch_ledger_rules(&nledger);
    for (size_t i = 0; i < nledger; i++)
        assert_string_equal(c[s_line_rules_count() + i].rule, lr[i].id);
    char text[256];
    assert_string_equal(
        vouch_rules_coverage_text(s_find(c, n, "SPLIT_PURCHASE"), text, sizeof text), "runs");
    assert_string_equal(
        vouch_rules_coverage_text(s_find(c, n, "DUPLICATE_PAYMENT"), text, sizeof text),
        "runs (without: 发票号/invoice_no)");
    assert_true(s_find(c, n, "UNBALANCED_VOUCHER")->runs);
    assert_true(s_find(c, n, "SEQUENCE_GAP")->runs);
    assert_string_equal(
        vouch_rules_coverage_text(s_find(c, n, "PREPARER_IS_REVIEWER"), text, sizeof text),
        "not run (missing: 制单人/preparer, 审核人/reviewer)");
}

/* rules that run on the whole seed case, and still run without drop */
static void s_assert_others_run(const char *drop, const char *const *stopped)
{
    vouch_rules_coverage_t full[VOUCH_RULES_MAX], c[VOUCH_RULES_MAX];
    size_t n = vouch_rules_coverage(s_seed, S_NSEED, full, VOUCH_RULES_MAX);
    assert_int_equal(s_seed_without(drop, c), n);
    for (size_t i = 0; i < n; i++) {
        bool should_stop = false;
        for (const char *const *r = stopped; *r; r++)
            should_stop = should_stop || strcmp(*r, c[i].rule) == 0;
        if (c[i].runs != (full[i].runs && !should_stop))
            fail_msg("without %s, %s %s", drop, c[i].rule, c[i].runs ? "runs" : "stops");
    }
}

static void test_missing_approval_date(void **state)
{
    (void)state;
    vouch_rules_coverage_t c[VOUCH_RULES_MAX];
    size_t n = s_seed_without("approval_date", c);
    const vouch_rules_coverage_t *r = s_find(c, n, "RETROACTIVE_APPROVAL");
    assert_false(r->runs);
    assert_int_equal(r->nmissing, 1);
    assert_string_equal(r->missing[0]->fields, "approval_date");
    char text[256];
    assert_string_equal(vouch_rules_coverage_text(r, text, sizeof text),
                        "not run (missing: 审批日期/approval_date)");
    /* the others do not need it */
    const char *const stopped[] = {"RETROACTIVE_APPROVAL", NULL};
    s_assert_others_run("approval_date", stopped);
}

/* RULES.md: each rule's own columns */
static void test_each_rule_names_its_columns(void **state)
{
    (void)state;
    static const struct {
        const char *drop, *rule, *label;
    } cases[] = {
        {"summary", "MISCLASS_EXPENSE", "摘要/summary"},
        {"indicator", "INDICATOR_MISMATCH", "预算指标/indicator"},
        {"claimant", "PAYEE_MISMATCH", "报销人/claimant"},
        {"payee", "PAYEE_MISMATCH", "收款人/payee"},
        {"procurement_method", "PROCUREMENT_BYPASS", "采购方式/procurement_method"},
        {"business_date", "RETROACTIVE_APPROVAL", "业务日期/business_date"},
        {"document_dates", "STALE_DOCUMENT", "单据日期/document_dates or JSON documents[]"},
        {"attachments", "MISSING_DOCUMENT", "附件数/attachments or JSON documents[]"},
        {"credit", "MISSING_DOCUMENT", "贷方金额/credit"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        vouch_rules_coverage_t c[VOUCH_RULES_MAX];
        s_seed_without(cases[k].drop, c);
        size_t n = s_line_rules_count();
        size_t stopped = 0;
        for (size_t i = 0; i < n; i++) {
            if (c[i].runs)
                continue;
            stopped++;
            assert_string_equal(c[i].rule, cases[k].rule);
            assert_int_equal(c[i].nmissing, 1);
            assert_string_equal(c[i].missing[0]->label, cases[k].label);
        }
        if (stopped != 1)
            fail_msg("without %s, %zu rules stopped", cases[k].drop, stopped);
    }
}

/* the rules PostgreSQL runs name their columns too; a rule that stops
 * names what it lacks, and the others go on */
static void test_ledger_rules_name_their_columns(void **state)
{
    (void)state;
    static const struct {
        const char *drop, *rule, *label;
        const char *also; /* a per-line rule that stops too, or NULL */
    } cases[] = {
        {"payee", "SPLIT_PURCHASE", "收款人/payee", "PAYEE_MISMATCH"},
        {"procurement_method", "SPLIT_PURCHASE", "采购方式/procurement_method",
         "PROCUREMENT_BYPASS"},
        {"contract_no", "SPLIT_PURCHASE", "合同编号/contract_no", NULL},
        {"summary", "DUPLICATE_PAYMENT", "摘要/summary", "MISCLASS_EXPENSE"},
        {"credit", "UNBALANCED_VOUCHER", "贷方金额/credit", NULL},
        {"voucher_no", "SEQUENCE_GAP", "凭证号/voucher_no", NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        vouch_rules_coverage_t c[VOUCH_RULES_MAX];
        size_t n = s_seed_without(cases[k].drop, c);
        const vouch_rules_coverage_t *r = s_find(c, n, cases[k].rule);
        assert_false(r->runs);
        bool named = false;
        for (size_t m = 0; m < r->nmissing; m++)
            named = named || strcmp(r->missing[m]->label, cases[k].label) == 0;
        if (!named)
            fail_msg("%s without %s does not name it", cases[k].rule, cases[k].drop);
    }
    /* payee stops both rules that compare payees across vouchers */
    const char *const payee[] = {"PAYEE_MISMATCH", "SPLIT_PURCHASE", "DUPLICATE_PAYMENT", NULL};
    s_assert_others_run("payee", payee);
    const char *const contract[] = {"SPLIT_PURCHASE", NULL};
    s_assert_others_run("contract_no", contract);
}

/* invoice numbers sharpen DUPLICATE_PAYMENT; without them it compares payee,
 * amount and summary, and says so; 制单人 and 审核人 let PREPARER_IS_REVIEWER run */
static void test_runs_in_part(void **state)
{
    (void)state;
    const char *names[S_NSEED + 3];
    size_t n = 0;
    for (size_t i = 0; i < S_NSEED; i++)
        names[n++] = s_seed[i];
    names[n++] = "invoice_no";
    names[n++] = "preparer";
    names[n++] = "reviewer";
    vouch_rules_coverage_t c[VOUCH_RULES_MAX];
    size_t nr = vouch_rules_coverage(names, n, c, VOUCH_RULES_MAX);
    char text[256];
    const vouch_rules_coverage_t *d = s_find(c, nr, "DUPLICATE_PAYMENT");
    assert_int_equal(d->nwithout, 0);
    assert_string_equal(vouch_rules_coverage_text(d, text, sizeof text), "runs");
    assert_true(s_find(c, nr, "PREPARER_IS_REVIEWER")->runs);

    nr = vouch_rules_coverage(s_seed, S_NSEED, c, VOUCH_RULES_MAX);
    d = s_find(c, nr, "DUPLICATE_PAYMENT");
    assert_true(d->runs);
    assert_int_equal(d->nwithout, 1);
    assert_string_equal(d->without[0]->fields, "invoice_no");
    json_t *j = vouch_rules_coverage_json(c, nr);
    json_t *dj = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(j, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "rule")), "DUPLICATE_PAYMENT") == 0)
            dj = e;
    }
    assert_non_null(dj);
    assert_true(json_is_true(json_object_get(dj, "runs")));
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(dj, "without"), 0), "fields")),
                        "invoice_no");
    assert_int_equal(json_array_size(json_object_get(dj, "missing")), 0);
    json_decref(j);
}

/* without an economic code or an account no line is an expense line: no
 * per-line rule runs (nor those of PostgreSQL that read expense lines) */
static void test_engine_columns_stop_every_rule(void **state)
{
    (void)state;
    static const char *const drops[] = {"econ_code", "account_code", "debit"};
    for (size_t k = 0; k < 3; k++) {
        vouch_rules_coverage_t c[VOUCH_RULES_MAX];
        s_seed_without(drops[k], c);
        size_t n = s_line_rules_count();
        for (size_t i = 0; i < n; i++) {
            assert_false(c[i].runs);
            bool named = false;
            for (size_t m = 0; m < c[i].nmissing; m++)
                named = named || strcmp(c[i].missing[m]->fields, drops[k]) == 0;
            if (!named)
                fail_msg("%s without %s does not name it", c[i].rule, drops[k]);
        }
    }
}

/* a rule missing several columns lists them all, its own first */
static void test_several_missing(void **state)
{
    (void)state;
    const char *names[] = {"org", "voucher_date", "voucher_no", "debit", "credit", "summary"};
    vouch_rules_coverage_t c[VOUCH_RULES_MAX];
    size_t n = vouch_rules_coverage(names, 6, c, VOUCH_RULES_MAX);
    const vouch_rules_coverage_t *r = s_find(c, n, "RETROACTIVE_APPROVAL");
    assert_false(r->runs);
    assert_int_equal(r->nmissing, 4);
    assert_string_equal(r->missing[0]->fields, "approval_date");
    assert_string_equal(r->missing[1]->fields, "business_date");
    assert_string_equal(r->missing[2]->fields, "account_code");
    assert_string_equal(r->missing[3]->fields, "econ_code");
    char text[512];
    assert_string_equal(vouch_rules_coverage_text(r, text, sizeof text),
                        "not run (missing: 审批日期/approval_date, 业务日期/business_date, "
                        "科目编码/account_code, 经济分类科目/econ_code)");
    /* a short buffer is cut, never overrun */
    char small[24];
    memset(small, 'x', sizeof small);
    vouch_rules_coverage_text(r, small, 20);
    assert_int_equal(strlen(small), 19);
    assert_int_equal(small[20], 'x');
    /* nothing at all: every rule stopped */
    n = vouch_rules_coverage(NULL, 0, c, VOUCH_RULES_MAX);
    for (size_t i = 0; i < n; i++)
        assert_false(c[i].runs);
}

/* STALE_DOCUMENT reads CSV document dates or JSON documents[]: either will do */
static void test_documents_stand_for_document_dates(void **state)
{
    (void)state;
    vouch_rules_coverage_t c[VOUCH_RULES_MAX];
    const char *names[S_NSEED + 1];
    size_t n = 0;
    for (size_t i = 0; i < S_NSEED; i++)
        if (strcmp(s_seed[i], "document_dates") != 0)
            names[n++] = s_seed[i];
    names[n++] = "documents";
    size_t nr = vouch_rules_coverage(names, n, c, VOUCH_RULES_MAX);
    assert_true(s_find(c, nr, "STALE_DOCUMENT")->runs);
}

/* MISSING_DOCUMENT reads the attachment count or JSON documents[] (either
 * will do), and the credits that tell a voucher pays out */
static void test_documents_stand_for_attachments(void **state)
{
    (void)state;
    vouch_rules_coverage_t c[VOUCH_RULES_MAX];
    const char *names[S_NSEED + 1];
    size_t n = 0;
    for (size_t i = 0; i < S_NSEED; i++)
        if (strcmp(s_seed[i], "attachments") != 0)
            names[n++] = s_seed[i];
    size_t nr = vouch_rules_coverage(names, n, c, VOUCH_RULES_MAX);
    assert_false(s_find(c, nr, "MISSING_DOCUMENT")->runs);
    names[n++] = "documents";
    nr = vouch_rules_coverage(names, n, c, VOUCH_RULES_MAX);
    assert_true(s_find(c, nr, "MISSING_DOCUMENT")->runs);
}

/* the bit set form agrees with the name form */
static void test_fields_bits(void **state)
{
    (void)state;
    uint64_t bits = 0;
    for (size_t i = 0; i < S_NSEED; i++)
        for (int f = 0; f < VOUCH_F_COUNT; f++)
            if (strcmp(vouch_csv_field_names[f], s_seed[i]) == 0)
                bits |= 1ull << f;
    vouch_rules_coverage_t a[VOUCH_RULES_MAX], b[VOUCH_RULES_MAX];
    size_t na = vouch_rules_coverage_fields(bits, false, a, VOUCH_RULES_MAX);
    size_t nb = vouch_rules_coverage(s_seed, S_NSEED, b, VOUCH_RULES_MAX);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        assert_int_equal(a[i].runs, b[i].runs);

    bits &= ~(1ull << VOUCH_F_DOCUMENT_DATES);
    na = vouch_rules_coverage_fields(bits, false, a, VOUCH_RULES_MAX);
    assert_false(s_find(a, na, "STALE_DOCUMENT")->runs);
    na = vouch_rules_coverage_fields(bits, true, a, VOUCH_RULES_MAX);
    assert_true(s_find(a, na, "STALE_DOCUMENT")->runs);
}

/* every column the table names is a canonical field (or documents): a typo
 * in rules.c would otherwise stop a rule for every ledger */
static void test_every_need_is_a_field(void **state)
{
    (void)state;
    const char *names[VOUCH_F_COUNT + 1];
    size_t n = 0;
    for (int f = 0; f < VOUCH_F_COUNT; f++)
        names[n++] = vouch_csv_field_names[f];
    names[n++] = "documents";
    vouch_rules_coverage_t c[VOUCH_RULES_MAX];
    size_t nr = vouch_rules_coverage(names, n, c, VOUCH_RULES_MAX);
    assert_int_equal(nr, s_rules_count());
    for (size_t i = 0; i < nr; i++)
        if (!c[i].runs)
            fail_msg("%s does not run with every field: %s", c[i].rule, c[i].missing[0]->fields);
}

/* max bounds what is written */
static void test_max(void **state)
{
    (void)state;
    vouch_rules_coverage_t c[3];
    memset(c, 0, sizeof c);
    assert_int_equal(vouch_rules_coverage(s_seed, S_NSEED, c, 2), 2);
    assert_null(c[2].rule);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_case_runs_every_rule),
        cmocka_unit_test(test_missing_approval_date),
        cmocka_unit_test(test_ledger_rules_name_their_columns),
        cmocka_unit_test(test_runs_in_part),
        cmocka_unit_test(test_each_rule_names_its_columns),
        cmocka_unit_test(test_engine_columns_stop_every_rule),
        cmocka_unit_test(test_several_missing),
        cmocka_unit_test(test_documents_stand_for_document_dates),
        cmocka_unit_test(test_documents_stand_for_attachments),
        cmocka_unit_test(test_fields_bits),
        cmocka_unit_test(test_every_need_is_a_field),
        cmocka_unit_test(test_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
