/* rule_approval.c: RETROACTIVE_APPROVAL. Spending that needs prior approval
 * (the policy's codes: travel, meetings, training, reception; or any line with
 * a contract) approved after it began. Bills without a contract never need it. */
#include <string.h>

#include "date.h"
#include "rules_internal.h"

void vouch_rules_retroactive_approval(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                                      const vouch_rules_voucher_t *v, const vouch_rules_line_t *l)
{
    const vouch_policy_t *policy = run->policy;
    const vouch_line_t *ln = l->line;
    /* missing data: without both dates there is nothing to compare */
    if (ln->business_date == VOUCH_DATE_NONE || ln->approval_date == VOUCH_DATE_NONE)
        return;
    /* approval on the same day is prior approval */
    if (ln->approval_date <= ln->business_date)
        return;
    bool by_code =
        vouch_policy_codes_match(vouch_policy_codes(policy, VOUCH_POLICY_APPROVAL_CODES), l->econ);
    const char *contract =
        vouch_rules_fold_into(run, VOUCH_RULES_F0, ln->text[VOUCH_T_CONTRACT_NO]);
    bool by_contract = contract[0] && vouch_policy_contract_needs_approval(policy);
    if (!by_code && !by_contract)
        return;

    char business[16], approval[16], days[16];
    vouch_date_format(ln->business_date, business);
    vouch_date_format(ln->approval_date, approval);
    int32_t late = ln->approval_date - ln->business_date;
    snprintf(days, sizeof days, "%d", (int)late);
    const char *code_name = vouch_rules_code_name(run, l->econ);
    const char *contract_raw = ln->text[VOUCH_T_CONTRACT_NO];

    /* {subject}: the code when the code needs approval, else the contract */
    vouch_rules_var_t frag_vars[] = {
        {"code", l->econ}, {"code_name", code_name}, {"contract_no", contract_raw}};
    const char *subject = by_code ? "subject_code" : "subject_contract";
    vouch_rules_render(&run->frag_zh, vouch_policy_message(policy, rule->id, subject, "zh"),
                       frag_vars, 3);
    vouch_rules_render(&run->frag_en, vouch_policy_message(policy, rule->id, subject, "en"),
                       frag_vars, 3);
    vouch_rules_var_t vars[] = {
        {"subject", run->frag_zh.data},
        {"subject_en", run->frag_en.data},
        {"business_date", business},
        {"approval_date", approval},
        {"days", days},
        {"code", l->econ},
        {"code_name", code_name},
        {"contract_no", contract_raw},
    };

    json_t *ev = json_object();
    json_object_set_new(ev, "business_date", json_string(business));
    json_object_set_new(ev, "approval_date", json_string(approval));
    json_object_set_new(ev, "days_late", json_integer(late));
    json_object_set_new(ev, "code", json_string(l->econ));
    json_object_set_new(ev, "code_name", json_string(code_name));
    /* why the line needed prior approval: its code, its contract, or both */
    json_t *why = json_object();
    if (by_code)
        json_object_set_new(why, "code", json_string(l->econ));
    if (by_contract)
        json_object_set_new(why, "contract_no", json_string(contract_raw));
    json_object_set_new(ev, "needs_prior_approval", why);
    vouch_rules_emit(run, rule, l, "default", vars, sizeof vars / sizeof vars[0], ev);
    (void)v;
}
