/* rule_payee.c: PAYEE_MISMATCH. A personal reimbursement paid into someone
 * else's account: the line has a claimant and a payee, the payee is a person
 * (not an organisation by the policy's markers), and the two differ. */
#include <string.h>

#include "rules_internal.h"
#include "text.h"

/* Remove the characters names are compared without (·) from s, in place. */
static void s_strip(const vouch_policy_words_t *ignore, char *s)
{
    size_t len = strlen(s), in = 0, out = 0;
    while (in < len) {
        int k = vouch_policy_words_at(ignore, s + in, len - in);
        if (k >= 0) {
            in += ignore->items[k].len;
            continue;
        }
        s[out++] = s[in++];
    }
    s[out] = '\0';
}

/* RULES.md: an organisation's name contains 公司, 中心..., or ends in 店,
 * 厂..., or is longer than a person's name can be. */
static bool s_is_organisation(const vouch_policy_t *policy, const char *name)
{
    const vouch_policy_words_t *ends = vouch_policy_words(policy, VOUCH_POLICY_ORG_ENDS_WITH);
    size_t len = strlen(name);
    if (vouch_rules_contains_any(vouch_policy_words(policy, VOUCH_POLICY_ORG_CONTAINS), name, len))
        return true;
    for (size_t i = 0; i < ends->n; i++)
        if (ends->items[i].len <= len &&
            memcmp(name + len - ends->items[i].len, ends->items[i].text, ends->items[i].len) == 0)
            return true;
    return vouch_text_length(name) > (size_t)vouch_policy_max_person_name(policy);
}

void vouch_rules_payee_mismatch(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                                const vouch_rules_voucher_t *v, const vouch_rules_line_t *l)
{
    const vouch_policy_words_t *ignore = vouch_policy_words(run->policy, VOUCH_POLICY_NAME_IGNORE);
    const vouch_line_t *ln = l->line;
    /* the fold buffers are the run's own: stripping in place is fine */
    char *claimant = (char *)vouch_rules_fold_into(run, VOUCH_RULES_F1, ln->text[VOUCH_T_CLAIMANT]);
    char *payee = (char *)vouch_rules_fold_into(run, VOUCH_RULES_F2, ln->text[VOUCH_T_PAYEE]);
    s_strip(ignore, claimant);
    s_strip(ignore, payee);
    if (!claimant[0] || !payee[0])
        return; /* missing data */
    if (s_is_organisation(run->policy, payee) || strcmp(claimant, payee) == 0)
        return;

    const char *code_name = vouch_rules_code_name(run, l->econ);
    vouch_rules_var_t vars[] = {
        {"claimant", ln->text[VOUCH_T_CLAIMANT]},
        {"payee", ln->text[VOUCH_T_PAYEE]},
        {"payee_account", ln->text[VOUCH_T_PAYEE_ACCOUNT]},
        {"code", l->econ},
        {"code_name", code_name},
    };
    json_t *ev = json_object();
    json_object_set_new(ev, "claimant", json_string(ln->text[VOUCH_T_CLAIMANT]));
    json_object_set_new(ev, "payee", json_string(ln->text[VOUCH_T_PAYEE]));
    json_object_set_new(ev, "payee_account", json_string(ln->text[VOUCH_T_PAYEE_ACCOUNT]));
    json_object_set_new(ev, "payee_is", json_string("person"));
    json_object_set_new(ev, "compared", json_pack("[ss]", claimant, payee));
    json_object_set_new(ev, "payment_method", json_string(ln->text[VOUCH_T_PAYMENT_METHOD]));
    vouch_rules_emit(run, rule, l, "default", vars, sizeof vars / sizeof vars[0], ev);
    (void)v;
}
