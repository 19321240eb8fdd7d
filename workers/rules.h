/* rules.h: the per-line rules that workers run on a batch of voucher lines.
 * A batch holds whole vouchers, so a rule can see a line's voucher (its twin
 * budget line, whether it pays money out, its attachment count). */
#ifndef VOUCH_RULES_H
#define VOUCH_RULES_H

#include <jansson.h>
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

/* vouch_text_fold into a caller's buffer (reset first): the hot path folds
 * every line's text this way without allocating. Returns out->data, or NULL
 * when s is not UTF-8. cps is scratch space the caller keeps between calls. */
const char *vouch_rules_fold(vouch_buf_t *out, vouch_buf_t *cps, const char *s);

#endif
