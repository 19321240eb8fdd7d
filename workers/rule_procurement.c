/* rule_procurement.c: PROCUREMENT_BYPASS. Goods or services in procurement
 * scope from emall_floor on with no channel, or from gov_limit on through the
 * e-mall family only. A line with a contract is judged by the contract's total. */
#include <string.h>

#include "money.h"
#include "rules_internal.h"

void vouch_rules_procurement_bypass(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                                    const vouch_rules_voucher_t *v, const vouch_rules_line_t *l)
{
    const vouch_policy_t *policy = run->policy;
    const vouch_line_t *ln = l->line;
    if (!vouch_policy_codes_match(vouch_policy_codes(policy, VOUCH_POLICY_PROCUREMENT_SCOPE),
                                  l->econ))
        return;

    /* the channel list is closed and matched whole: 自行采购, 无, 其他 are none */
    const char *chan =
        vouch_rules_fold_into(run, VOUCH_RULES_F0, ln->text[VOUCH_T_PROCUREMENT_METHOD]);
    bool gov = chan[0] && vouch_policy_words_find(
                              vouch_policy_words(policy, VOUCH_POLICY_GOV_METHODS), chan) >= 0;
    bool emall = chan[0] && vouch_policy_words_find(
                                vouch_policy_words(policy, VOUCH_POLICY_EMALL_CHANNELS), chan) >= 0;

    const char *contract =
        vouch_rules_fold_into(run, VOUCH_RULES_F1, ln->text[VOUCH_T_CONTRACT_NO]);
    int64_t total = 0;
    bool by_contract = contract[0] && vouch_rules_contract_total(run, contract, &total);
    int64_t amount = by_contract ? total : ln->debit;

    int64_t floor = vouch_policy_emall_floor(policy), limit = vouch_policy_gov_limit(policy);
    const char *variant, *threshold_name;
    int64_t threshold;
    if (!gov && !emall && amount >= floor) {
        variant = "no_channel";
        threshold_name = "emall_floor";
        threshold = floor;
    } else if (emall && amount >= limit) {
        variant = "emall_over_limit";
        threshold_name = "gov_limit";
        threshold = limit;
    } else {
        return;
    }

    char amount_s[VOUCH_MONEY_BUFSZ], threshold_s[VOUCH_MONEY_BUFSZ], line_s[VOUCH_MONEY_BUFSZ];
    vouch_money_format_grouped(amount, amount_s);
    vouch_money_format_grouped(threshold, threshold_s);
    vouch_money_format_grouped(ln->debit, line_s);
    const char *code_name = vouch_rules_code_name(run, l->econ);
    const char *contract_raw = ln->text[VOUCH_T_CONTRACT_NO];

    /* {basis}: "单笔" or "合同X累计", itself a template of the policy */
    vouch_rules_var_t frag_vars[] = {{"contract_no", contract_raw}};
    const char *basis = by_contract ? "basis_contract" : "basis_line";
    vouch_rules_render(&run->frag_zh, vouch_policy_message(policy, rule->id, basis, "zh"),
                       frag_vars, 1);
    vouch_rules_render(&run->frag_en, vouch_policy_message(policy, rule->id, basis, "en"),
                       frag_vars, 1);

    vouch_rules_var_t vars[] = {
        {"code", l->econ},
        {"code_name", code_name},
        {"amount", amount_s},
        {"threshold", threshold_s},
        {"basis", run->frag_zh.data},
        {"basis_en", run->frag_en.data},
        {"channel", ln->text[VOUCH_T_PROCUREMENT_METHOD]},
        {"contract_no", contract_raw},
        {"line_amount", line_s},
    };

    json_t *ev = json_object();
    json_object_set_new(ev, "code", json_string(l->econ));
    json_object_set_new(ev, "code_name", json_string(code_name));
    json_object_set_new(ev, "channel", json_string(ln->text[VOUCH_T_PROCUREMENT_METHOD]));
    json_object_set_new(ev, "channel_kind",
                        json_string(gov     ? "government"
                                    : emall ? "e-mall"
                                            : "none"));
    json_object_set_new(ev, "amount_judged", vouch_rules_money_json(amount));
    json_object_set_new(ev, "basis", json_string(by_contract ? "contract" : "line"));
    json_object_set_new(ev, "line_amount", vouch_rules_money_json(ln->debit));
    if (contract[0]) {
        json_object_set_new(ev, "contract_no", json_string(contract_raw));
        /* null: the batch did not carry the contract's total, so the line
         * was judged alone */
        json_object_set_new(ev, "contract_total",
                            by_contract ? vouch_rules_money_json(total) : json_null());
    }
    json_object_set_new(ev, "threshold_name", json_string(threshold_name));
    json_object_set_new(ev, "threshold", vouch_rules_money_json(threshold));
    vouch_rules_emit(run, rule, l, variant, vars, sizeof vars / sizeof vars[0], ev);
    (void)v;
}
