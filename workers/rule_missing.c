/* rule_missing.c: MISSING_DOCUMENT. A voucher that pays money out with 0
 * attachments, or whose JSON documents hold a contract or acceptance note (the
 * policy's signed_document_kinds) marked "signed": false or without a date:
 * one finding on each expense line of the voucher the rules read. */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "rules_internal.h"

/* Whether a document of a kind that must be signed is unsigned or undated.
 * An absent or null "signed" says nothing: only false is unsigned. */
static void s_document_problems(const json_t *doc, bool *unsigned_, bool *undated)
{
    *unsigned_ = json_is_false(json_object_get(doc, "signed"));
    const char *date = vouch_rules_doc_text(doc, "date");
    int32_t days = VOUCH_DATE_NONE;
    *undated =
        !date[0] || vouch_date_parse(date, strlen(date), &days) != 0 || days == VOUCH_DATE_NONE;
}

/* "合同DZMC-2022-0131" for people reading Chinese, "合同 DZMC-2022-0131" in
 * English; the kind alone when the document has no number. */
static void s_document_name(const json_t *doc, vouch_buf_t *zh, vouch_buf_t *en)
{
    const char *kind = vouch_rules_doc_text(doc, "kind");
    const char *number = vouch_rules_doc_text(doc, "number");
    vouch_buf_reset(zh);
    vouch_buf_reset(en);
    vouch_buf_printf(zh, "%s%s", kind, number);
    vouch_buf_printf(en, "%s%s%s", kind, number[0] ? " " : "", number);
}

/* Render the policy's fragment variant for one problem and add it to the
 * lists of problems (join_zh, join_en). */
static void s_add_problem(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                          const char *variant, const vouch_rules_var_t *vars, size_t nvars)
{
    vouch_rules_render(&run->msg_zh, vouch_policy_message(run->policy, rule->id, variant, "zh"),
                       vars, nvars);
    vouch_rules_render(&run->msg_en, vouch_policy_message(run->policy, rule->id, variant, "en"),
                       vars, nvars);
    vouch_buf_printf(&run->join_zh, "%s%s", run->join_zh.len ? "；" : "", run->msg_zh.data);
    vouch_buf_printf(&run->join_en, "%s%s", run->join_en.len ? "; " : "", run->msg_en.data);
}

/* The voucher's payment lines, each account once, for the message
 * (frag_zh, frag_en) and the evidence. */
static json_t *s_payment_accounts(vouch_rules_run_t *run, const vouch_rules_voucher_t *v)
{
    json_t *accounts = json_array();
    vouch_buf_reset(&run->frag_zh);
    vouch_buf_reset(&run->frag_en);
    vouch_buf_reserve(&run->frag_zh, 0);
    vouch_buf_reserve(&run->frag_en, 0);
    for (size_t i = 0; i < v->n; i++) {
        const vouch_rules_line_t *p = &v->lines[i];
        if (!p->pays_out)
            continue;
        json_array_append_new(accounts,
                              json_pack("{s:s, s:s, s:o}", "account_code", p->account,
                                        "account_name", p->line->text[VOUCH_T_ACCOUNT_NAME],
                                        "credit", vouch_rules_money_json(p->line->credit)));
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = v->lines[j].pays_out && strcmp(v->lines[j].account, p->account) == 0;
        if (seen)
            continue;
        const char *name = p->line->text[VOUCH_T_ACCOUNT_NAME];
        bool more = run->frag_zh.len > 0;
        vouch_buf_printf(&run->frag_zh, "%s%s%s", more ? "、" : "", p->account, name);
        vouch_buf_printf(&run->frag_en, "%s%s%s%s", more ? ", " : "", p->account,
                         name[0] ? " " : "", name);
    }
    return accounts;
}

void vouch_rules_missing_document(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                                  const vouch_rules_voucher_t *v, const vouch_rules_line_t *l)
{
    /* accruals and transfers pay nothing out; an unknown count is not 0 */
    if (!v->pays_out)
        return;
    bool no_attachments = v->attachments == 0;
    const vouch_policy_words_t *kinds = vouch_policy_words(run->policy, VOUCH_POLICY_SIGNED_KINDS);

    vouch_buf_reset(&run->join_zh);
    vouch_buf_reset(&run->join_en);
    vouch_buf_reserve(&run->join_zh, 0);
    vouch_buf_reserve(&run->join_en, 0);
    const char *code_name = vouch_rules_code_name(run, l->econ);
    char attachments[16];
    snprintf(attachments, sizeof attachments, "%d", (int)v->attachments);
    vouch_rules_var_t vars[] = {
        {"attachments", attachments}, {"document", ""}, {"document_en", ""}, {"code", l->econ},
        {"code_name", code_name},
    };
    const size_t nvars = sizeof vars / sizeof vars[0];
    if (no_attachments)
        s_add_problem(run, rule, "no_attachments", vars, nvars);

    json_t *bad = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(v->documents, i, d)
    {
        const char *kind =
            vouch_rules_fold_into(run, VOUCH_RULES_F0, vouch_rules_doc_text(d, "kind"));
        if (vouch_policy_words_find(kinds, kind) < 0)
            continue;
        bool unsigned_, undated;
        s_document_problems(d, &unsigned_, &undated);
        if (!unsigned_ && !undated)
            continue;
        s_document_name(d, &run->frag_zh, &run->frag_en);
        vars[1].value = run->frag_zh.data;
        vars[2].value = run->frag_en.data;
        json_t *problems = json_array();
        if (unsigned_) {
            s_add_problem(run, rule, "unsigned", vars, nvars);
            json_array_append_new(problems, json_string("unsigned"));
        }
        if (undated) {
            s_add_problem(run, rule, "undated", vars, nvars);
            json_array_append_new(problems, json_string("undated"));
        }
        json_t *e = json_deep_copy(d);
        json_object_set_new(e, "problems", problems);
        json_array_append_new(bad, e);
    }
    if (!no_attachments && json_array_size(bad) == 0) {
        json_decref(bad);
        return;
    }

    /* the problems are rendered: the accounts take the fragment buffers */
    json_t *accounts = s_payment_accounts(run, v);
    vouch_rules_var_t msg_vars[] = {
        {"accounts", run->frag_zh.data}, {"accounts_en", run->frag_en.data},
        {"problems", run->join_zh.data}, {"problems_en", run->join_en.data},
        {"attachments", attachments},    {"code", l->econ},
        {"code_name", code_name},
    };

    json_t *ev = json_object();
    json_object_set_new(ev, "attachments",
                        v->attachments == VOUCH_ATTACH_UNKNOWN ? json_null()
                                                               : json_integer(v->attachments));
    json_object_set_new(ev, "no_attachments", json_boolean(no_attachments));
    json_object_set_new(ev, "documents", bad);
    json_object_set_new(ev, "payment_accounts", accounts);
    json_object_set_new(ev, "code", json_string(l->econ));
    json_object_set_new(ev, "code_name", json_string(code_name));
    vouch_rules_emit(run, rule, l, "default", msg_vars, sizeof msg_vars / sizeof msg_vars[0], ev);
}
