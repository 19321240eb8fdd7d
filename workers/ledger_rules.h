/* ledger_rules.h: the rules that run in PostgreSQL rather than in workers,
 * because they read more than a batch holds: over each voucher of a ledger as
 * it is stored (UNBALANCED_VOUCHER, PREPARER_IS_REVIEWER) and across every
 * ledger of the org once a ledger's batches are done (SPLIT_PURCHASE,
 * DUPLICATE_PAYMENT, SEQUENCE_GAP). sql/005_cross_rules.sql holds them; this
 * side checks their sections of the policy and hands SQL everything it reads
 * (thresholds, code lists, channels, windows, messages) as one JSON parameter,
 * so no number of the policy is written into SQL. */
#ifndef VOUCH_LEDGER_RULES_H
#define VOUCH_LEDGER_RULES_H

#include <stddef.h>

#include "error.h"
#include "policy.h"

typedef struct {
    const char *id;
    int version;          /* the RULES.md row this build's SQL implements */
    const char *needs;    /* canonical fields it cannot run without, space separated */
    const char *optional; /* fields it reads where a file has them: without them it
                             runs in part (DUPLICATE_PAYMENT without invoice numbers
                             compares payee, amount and summary); "" when none */
} vouch_ledger_rule_t;

/* The table, in the order coverage lists them; n into *n. Static. */
const vouch_ledger_rule_t *vouch_ledger_rules(size_t *n);

/* The version this build implements, 0 when no ledger rule has the id. */
int vouch_ledger_rules_version(const char *id);

/* Check the policy's sections of the ledger rules (each must be there, at
 * this build's version, with its messages and keys) and build the parameters
 * the SQL functions read: a new JSON string, or NULL with err naming the key.
 *   {"policy_version", "profile", "emall_floor" (fen), "scope": [codes],
 *    "channels": [folded names], "financial_expense": [prefixes],
 *    "budget_expense": [prefixes], "books": {"financial": [...], "budget": [...]},
 *    "rules": {ID: {"version", "severity", "enabled", "needs": [fields],
 *                   "window_days"?, "messages": {variant: {"zh", "en"}}}}} */
char *vouch_ledger_rules_params(const vouch_policy_t *policy, vouch_error_t *err);

#endif
