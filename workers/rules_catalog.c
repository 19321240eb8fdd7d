/* rules_catalog.c: where each rule runs, what it needs and which parts of a
 * profile it reads. A per-line rule's columns come from rules.c's table (the
 * code it runs); the entries below speak for the rules that run elsewhere, and
 * for per-line rules not yet in this build. Whoever adds a rule adds its line
 * here, and sets its version once vouchd runs it (rules.c's table speaks for
 * the workers). */
#include "rules_catalog.h"

#include <string.h>

#include "rules.h"

/* Keys of a profile every rule that reads expense lines depends on (RULES.md
 * "Which lines the rules read"). */
#define S_EXPENSE_LINES "accounts.financial_expense_prefixes accounts.budget_expense_prefixes"
/* ...and the columns that choose those lines (rules.c's S_ENGINE_NEEDS) */
#define S_EXPENSE_NEEDS "科目编码/account_code", "经济分类科目/econ_code", "借方金额/debit"

typedef struct {
    const char *id;
    vouch_rules_at_t at;
    /* For rules that do not run in the workers: the version of the RULES.md
     * row vouchd implements, 0 while it does not run it. */
    int version;
    const char *needs[VOUCH_RULES_CATALOG_MAX_NEEDS];
    const char *uses;
} s_entry_t;

static const s_entry_t s_entries[] = {
    {"MISCLASS_EXPENSE", VOUCH_RULES_AT_WORKER, 0, {"摘要/summary"}, S_EXPENSE_LINES},
    {"INDICATOR_MISMATCH",
     VOUCH_RULES_AT_WORKER,
     0,
     {"预算指标/indicator"},
     "econ_classification general_indicator_names sangong_codes " S_EXPENSE_LINES},
    {"PAYEE_MISMATCH",
     VOUCH_RULES_AT_WORKER,
     0,
     {"报销人/claimant", "收款人/payee"},
     "organisation_markers " S_EXPENSE_LINES},
    {"PROCUREMENT_BYPASS",
     VOUCH_RULES_AT_WORKER,
     0,
     {"采购方式/procurement_method"},
     "thresholds.emall_floor thresholds.gov_limit procurement " S_EXPENSE_LINES},
    {"SPLIT_PURCHASE",
     VOUCH_RULES_AT_SQL,
     0,
     {"收款人/payee", "采购方式/procurement_method", S_EXPENSE_NEEDS},
     "thresholds.emall_floor procurement " S_EXPENSE_LINES},
    {"RETROACTIVE_APPROVAL",
     VOUCH_RULES_AT_WORKER,
     0,
     {"审批日期/approval_date", "业务日期/business_date"},
     S_EXPENSE_LINES},
    {"STALE_DOCUMENT",
     VOUCH_RULES_AT_WORKER,
     0,
     {"单据日期/document_dates or JSON documents[]"},
     "thresholds.stale_days " S_EXPENSE_LINES},
    {"MISSING_DOCUMENT",
     VOUCH_RULES_AT_WORKER,
     0,
     {"附件数/attachments or JSON documents[]", "贷方金额/credit", S_EXPENSE_NEEDS},
     "accounts.payment_out_prefixes " S_EXPENSE_LINES},
    {"DUPLICATE_PAYMENT",
     VOUCH_RULES_AT_SQL,
     0,
     {"收款人/payee", "发票号/invoice_no or 摘要/summary", S_EXPENSE_NEEDS},
     S_EXPENSE_LINES},
    {"UNBALANCED_VOUCHER",
     VOUCH_RULES_AT_SQL,
     0,
     {"科目编码/account_code", "借方金额/debit", "贷方金额/credit"},
     ""},
    {"SEQUENCE_GAP", VOUCH_RULES_AT_SQL, 0, {"凭证号/voucher_no"}, ""},
    {"PREPARER_IS_REVIEWER", VOUCH_RULES_AT_WORKER, 0, {"制单人/preparer", "审核人/reviewer"}, ""},
};

#define S_NENTRIES (sizeof s_entries / sizeof s_entries[0])

const char *const vouch_rules_catalog_ids[] = {
    "MISCLASS_EXPENSE",
    "INDICATOR_MISMATCH",
    "PAYEE_MISMATCH",
    "PROCUREMENT_BYPASS",
    "SPLIT_PURCHASE",
    "RETROACTIVE_APPROVAL",
    "STALE_DOCUMENT",
    "MISSING_DOCUMENT",
    "DUPLICATE_PAYMENT",
    "UNBALANCED_VOUCHER",
    "SEQUENCE_GAP",
    "PREPARER_IS_REVIEWER",
    NULL,
};
_Static_assert(sizeof vouch_rules_catalog_ids / sizeof vouch_rules_catalog_ids[0] == S_NENTRIES + 1,
               "one id per entry");

bool vouch_rules_catalog_get(const char *id, vouch_rules_catalog_t *out)
{
    memset(out, 0, sizeof *out);
    const s_entry_t *e = NULL;
    for (size_t i = 0; i < S_NENTRIES && !e; i++)
        if (strcmp(s_entries[i].id, id) == 0)
            e = &s_entries[i];
    int built = vouch_rules_version(id);
    if (!e && !built)
        return false;
    out->id = e ? e->id : id;
    out->at = e ? e->at : VOUCH_RULES_AT_WORKER;
    out->uses = e ? e->uses : "";
    if (built) {
        /* the workers run it: its columns are the ones the code reads */
        out->at = VOUCH_RULES_AT_WORKER;
        out->built = true;
        out->build_version = built;
        vouch_rules_coverage_t cov[VOUCH_RULES_MAX];
        size_t n = vouch_rules_coverage(NULL, 0, cov, VOUCH_RULES_MAX);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(cov[i].rule, id) != 0)
                continue;
            out->id = cov[i].rule;
            for (size_t k = 0; k < cov[i].nmissing && k < VOUCH_RULES_CATALOG_MAX_NEEDS; k++)
                out->needs[out->nneeds++] = cov[i].missing[k]->label;
        }
        return true;
    }
    out->build_version = e->at != VOUCH_RULES_AT_WORKER ? e->version : 0;
    out->built = out->build_version > 0;
    for (size_t k = 0; k < VOUCH_RULES_CATALOG_MAX_NEEDS && e->needs[k]; k++)
        out->needs[out->nneeds++] = e->needs[k];
    return true;
}

const char *vouch_rules_catalog_at_name(vouch_rules_at_t at)
{
    switch (at) {
    case VOUCH_RULES_AT_SQL:
        return "sql";
    case VOUCH_RULES_AT_INGEST:
        return "ingest";
    default:
        return "worker";
    }
}

const char *vouch_rules_catalog_at_label(vouch_rules_at_t at)
{
    switch (at) {
    case VOUCH_RULES_AT_SQL:
        return "vouchd SQL";
    case VOUCH_RULES_AT_INGEST:
        return "ingest";
    default:
        return "worker";
    }
}
