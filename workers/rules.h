/* rules.h: the per-line rules that workers run on a batch of voucher lines.
 * A batch holds whole vouchers, so a rule can see a line's voucher (its twin
 * budget line, whether it pays money out, its attachment count). */
#ifndef VOUCH_RULES_H
#define VOUCH_RULES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
