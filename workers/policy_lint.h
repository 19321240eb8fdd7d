/* policy_lint.h: check a policy file whole before it is deployed: every
 * profile loaded as vouchd would load it (extends applied, unknown keys and
 * wrong types refused), and what loading one profile lets through: codes that
 * are not codes of the economic classification, thresholds out of order,
 * fiscal years backwards, rule ids no part of vouch knows. */
#ifndef VOUCH_POLICY_LINT_H
#define VOUCH_POLICY_LINT_H

#include <jansson.h>
#include <stddef.h>

/* Lint a policy document (the file's bytes). Returns a new reference:
 *   {"profiles": [{"name", "extends" (null), "fiscal_years": {"from", "to"}
 *                  (null where unbounded), "description", "ok"}],
 *    "problems": [{"severity": "error" | "warning", "profile" (null when the
 *                  document as a whole is wrong), "path": the JSON path
 *                  ("profiles.hunan-2023.thresholds.emall_floor") or null,
 *                  "message", "line", "column" (JSON syntax errors only)}],
 *    "version": the policy version these bytes are, "errors": N, "warnings": N}
 * A profile is "ok" when it has no error. Errors make vouchd refuse the
 * file; warnings are what it would accept but is likely a mistake. */
json_t *vouch_policy_lint(const char *bytes, size_t len);

#endif
