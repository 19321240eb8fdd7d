/* rules_internal.h: what the rule files (rule_*.c) share with the engine in
 * rules.c: the lines as the rules read them, the voucher around them, and the
 * helpers that fold text, render messages and append findings. Not installed:
 * the library's interface is rules.h. */
#ifndef VOUCH_RULES_INTERNAL_H
#define VOUCH_RULES_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "policy.h"
#include "rules.h"
#include "voucher.h"

/* A line of the batch as the engine classified it. */
typedef struct {
    const vouch_line_t *line; /* borrowed from the batch */
    char account[24];         /* the account code's digits, "" when none */
    char econ[24];            /* the economic code's digits, "" when none */
    bool expense;             /* debit > 0 on an expense account, with an economic code */
    bool budget;              /* an expense line of the budget book (7xxx) */
    bool read;                /* the rules read it (see s_prepare_voucher in rules.c) */
    bool pays_out;            /* credit > 0 to a payment account (1001, 1002, 1011, 4001, 8001) */
} vouch_rules_line_t;

/* A voucher: a contiguous run of lines with the same org, year, period, word
 * and number. */
typedef struct {
    vouch_rules_line_t *lines; /* into the run's array */
    size_t n;
    bool pays_out;       /* one of its lines pays out */
    int32_t attachments; /* the largest count its lines carry, or VOUCH_ATTACH_UNKNOWN */
    json_t *documents;   /* its JSON documents[] (an array, borrowed), NULL when none */
} vouch_rules_voucher_t;

/* Fold slots: each names the buffer a rule folds one field into, so two
 * fields can be held at once without allocating. */
enum { VOUCH_RULES_F0, VOUCH_RULES_F1, VOUCH_RULES_F2, VOUCH_RULES_NFOLD };

/* One run of the rules over one batch. */
typedef struct {
    const vouch_policy_t *policy;
    const vouch_batch_view_t *batch;
    const vouch_policy_econ_t *econ; /* the classification of the voucher's fiscal year, or NULL */
    json_t *findings;                /* borrowed */
    int count;                       /* findings added */

    vouch_buf_t cps;                     /* code points while folding */
    vouch_buf_t fold[VOUCH_RULES_NFOLD]; /* folded fields */
    vouch_buf_t msg_zh, msg_en;          /* rendered messages */
    vouch_buf_t frag_zh, frag_en;        /* rendered fragments ({basis}, {subject}) */
    vouch_buf_t join_zh, join_en;        /* joined lists ({allowed}, {categories}) */
    vouch_buf_t scratch;                 /* anything a rule needs for a moment */

    /* the batch's contracts, folded on first use */
    char **contract_keys;
    bool contracts_folded;
} vouch_rules_run_t;

/* A placeholder's value for a message template. */
typedef struct {
    const char *name;
    const char *value;
} vouch_rules_var_t;

/* A rule: called for every line the rules read, with its voucher. */
typedef void(vouch_rules_fn)(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                             const vouch_rules_voucher_t *v, const vouch_rules_line_t *l);

/* Fold s into the slot's buffer; "" when s is not UTF-8. Borrowed until the
 * slot is folded into again. */
const char *vouch_rules_fold_into(vouch_rules_run_t *run, int slot, const char *s);

/* The same with each run of white space kept as one ' ': where white space
 * separates things, as two numbers ("2022 30217" holds the code 30217). */
const char *vouch_rules_fold_spaced_into(vouch_rules_run_t *run, int slot, const char *s);

/* Template with "{name}" placeholders into out (reset first). A placeholder
 * without a value renders as empty (the policy checks names at load). */
void vouch_rules_render(vouch_buf_t *out, const char *tmpl, const vouch_rules_var_t *vars,
                        size_t nvars);

/* Append a finding for line l: messages from the rule's variant, evidence
 * (an object; steals the reference). */
void vouch_rules_emit(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                      const vouch_rules_line_t *l, const char *variant,
                      const vouch_rules_var_t *vars, size_t nvars, json_t *evidence);

/* The name of an economic code in the voucher's edition of the table, ""
 * when it does not hold the code. */
const char *vouch_rules_code_name(const vouch_rules_run_t *run, const char *code);

/* Codes with their names, joined for people: zh "30231公务用车运行维护费、30225专用燃料费",
 * en "30231 公务用车运行维护费, 30225 专用燃料费". */
void vouch_rules_join_codes(const vouch_rules_run_t *run, vouch_buf_t *zh, vouch_buf_t *en,
                            const char *const *codes, size_t n);

/* The contract's total from the batch (contract_no folded); false when the
 * batch does not list it. */
bool vouch_rules_contract_total(vouch_rules_run_t *run, const char *contract_no, int64_t *total);

/* true when s[0..len) contains a word of set (leftmost-longest scan) */
bool vouch_rules_contains_any(const vouch_policy_words_t *set, const char *s, size_t len);

/* New references for evidence: money as yuan "835000.00", a date "2022-03-25"
 * (null for none), a code list as an array. */
json_t *vouch_rules_money_json(int64_t fen);
json_t *vouch_rules_date_json(int32_t days);
json_t *vouch_rules_codes_json(const vouch_policy_codes_t *codes);

/* A JSON document's field as text (borrowed), "" when absent, null or not a
 * string: kind, number, date. */
const char *vouch_rules_doc_text(const json_t *doc, const char *key);

/* The rules (rule_*.c). */
vouch_rules_fn vouch_rules_misclass_expense;
vouch_rules_fn vouch_rules_indicator_mismatch;
vouch_rules_fn vouch_rules_payee_mismatch;
vouch_rules_fn vouch_rules_procurement_bypass;
vouch_rules_fn vouch_rules_retroactive_approval;
vouch_rules_fn vouch_rules_stale_document;
vouch_rules_fn vouch_rules_missing_document;

#endif
