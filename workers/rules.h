/* rules.h: the per-line rules that workers run on a batch of voucher lines.
 * A batch holds whole vouchers, so a rule can see a line's voucher (its twin
 * budget line, whether it pays money out, its attachment count). */
#ifndef VOUCH_RULES_H
#define VOUCH_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "policy.h"
#include "voucher.h"

/* The amount a contract's in-scope lines add up to over all ledgers of the org
 * (vouchd computes it at dispatch): PROCUREMENT_BYPASS judges such lines by it. */
typedef struct {
    const char *contract_no; /* borrowed */
    int64_t total;           /* fen */
} vouch_contract_total_t;

typedef struct {
    const vouch_line_t *lines; /* in seq order; vouchers contiguous */
    size_t nlines;
    const vouch_contract_total_t *contracts;
    size_t ncontracts;
} vouch_batch_view_t;

/* Run every per-line rule of the policy on the batch and append one JSON object
 * per finding to findings (a JSON array, borrowed):
 *   {"seq": 17, "rule": "MISCLASS_EXPENSE", "rule_version": 1,
 *    "profile": "cn-default", "severity": "medium", "amount": 400000,   (fen)
 *    "message": "中文说明", "message_en": "English text",
 *    "evidence": {...}}
 * One finding per line per rule. Returns the number of findings added. */
int vouch_rules_run(const vouch_policy_t *policy, const vouch_batch_view_t *batch,
                    json_t *findings);

/* The ids of the per-line rules this build knows, NULL-terminated. */
extern const char *const vouch_rules_ids[];

/* The version of the rule this build implements (RULES.md's row), 0 when it
 * implements no rule of that id. A policy whose entry names another version
 * is refused: the policy and the code must agree on what the rule means. */
int vouch_rules_version(const char *id);

/* ---- Coverage: which rules can run on a ledger, given its columns ----
 * RULES.md "Missing data": a rule that needs a column the file lacks is
 * reported as not run for the ledger, never silently passed. The columns each
 * rule reads are kept beside the rule in rules.c's table. */

/* One column a rule needs. fields names the canonical fields that would do,
 * any one of them ("document_dates|documents"); label is what people read
 * ("审批日期/approval_date"). Both static. */
typedef struct {
    const char *fields;
    const char *label;
} vouch_rules_need_t;

#define VOUCH_RULES_MAX 32      /* per-line rules a build may hold */
#define VOUCH_RULES_MAX_NEEDS 8 /* columns one rule may need */

typedef struct {
    const char *rule;                                         /* the rule's id, static */
    bool runs;                                                /* every column it needs is there */
    const vouch_rules_need_t *missing[VOUCH_RULES_MAX_NEEDS]; /* static; the first nmissing */
    size_t nmissing;
    /* columns it reads where a file has them and this one lacks: it runs in
     * part (DUPLICATE_PAYMENT without invoice numbers); static */
    const vouch_rules_need_t *without[VOUCH_RULES_MAX_NEEDS];
    size_t nwithout;
} vouch_rules_coverage_t;

/* The coverage of every rule into out[0..max): the per-line rules in the
 * table's order, then those PostgreSQL runs (ledger_rules.h).
 * names[0..n) are the canonical field names the file carried: ledgers.columns,
 * or vouch_csv_field_names of a reader's vouch_csv_import_fields bits; add
 * "documents" when vouchers carried JSON documents[] (JSON Lines). Returns how
 * many rules were written (all of them when max >= VOUCH_RULES_MAX). */
size_t vouch_rules_coverage(const char *const *names, size_t n, vouch_rules_coverage_t *out,
                            size_t max);

/* The same from a reader's bit set over vouch_csv_field_t (csv_import.h). */
size_t vouch_rules_coverage_fields(uint64_t fields, bool documents, vouch_rules_coverage_t *out,
                                   size_t max);

/* "runs", "runs (without: 发票号/invoice_no)", or "not run (missing:
 * 审批日期/approval_date, 业务日期/business_date)", into out[size] (cut if
 * short). Returns out. */
const char *vouch_rules_coverage_text(const vouch_rules_coverage_t *c, char *out, size_t size);

/* The coverage as JSON, the shape check and show print: an array of
 * {"rule", "runs", "status" (the text above), "missing": [{"fields", "label"}],
 * "without": [{"fields", "label"}]}.
 * Returns a new reference. */
json_t *vouch_rules_coverage_json(const vouch_rules_coverage_t *c, size_t n);

/* vouch_text_fold into a caller's buffer (reset first): the hot path folds
 * every line's text this way without allocating. Returns out->data, or NULL
 * when s is not UTF-8. cps is scratch space the caller keeps between calls. */
const char *vouch_rules_fold(vouch_buf_t *out, vouch_buf_t *cps, const char *s);

#endif
