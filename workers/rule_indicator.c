/* rule_indicator.c: INDICATOR_MISMATCH (串指标). The budget indicator names
 * economic categories and the line's code is not among them; or a 三公 line is
 * paid from a project or special-fund indicator. */
#include <string.h>

#include "rules_internal.h"

/* What an indicator names: its categories (codes, each once), the words of
 * the indicator that named them, whether it holds a general name. */
#define S_MAX_CODES 64
#define S_MAX_TERMS 16
typedef struct {
    const char *codes[S_MAX_CODES];
    size_t ncodes;
    const char *terms[S_MAX_TERMS]; /* the policy's names, or codes as written */
    size_t nterms;
    const char *general; /* the first general name found, or NULL */
} s_named_t;

static void s_add_code(s_named_t *nm, const char *code)
{
    for (size_t i = 0; i < nm->ncodes; i++)
        if (strcmp(nm->codes[i], code) == 0)
            return;
    if (nm->ncodes < S_MAX_CODES)
        nm->codes[nm->ncodes++] = code;
}

static void s_add_term(s_named_t *nm, const char *term)
{
    for (size_t i = 0; i < nm->nterms; i++)
        if (strcmp(nm->terms[i], term) == 0)
            return;
    if (nm->nterms < S_MAX_TERMS)
        nm->terms[nm->nterms++] = term;
}

static bool s_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The codes of the indicator, folded with its white space kept (spaced): a
 * run of digits is a code when it stands alone and the table holds it; 30201
 * is not in 2130201, and "2022 30217" holds 30217 where white space removed
 * would make one number of them. */
static void s_scan_codes(const vouch_policy_econ_t *econ, const char *s, s_named_t *nm)
{
    size_t pos = 0, len = strlen(s);
    while (pos < len) {
        if (!s_digit(s[pos])) {
            pos++;
            continue;
        }
        size_t end = pos;
        while (end < len && s_digit(s[end]))
            end++;
        char code[24];
        if (end - pos < sizeof code) {
            memcpy(code, s + pos, end - pos);
            code[end - pos] = '\0';
            /* the table's copy of the code outlives this scan */
            const char *known = vouch_policy_econ_code(econ, code);
            if (known) {
                s_add_code(nm, known);
                s_add_term(nm, known);
            }
        }
        pos = end;
    }
}

/* The names of the indicator, folded without white space, left to right: the
 * longest name wins (邮电费 is not 电费, 其他商品和服务支出 is not the class
 * 商品和服务支出). */
static void s_scan_names(const vouch_policy_econ_t *econ, const char *s, s_named_t *nm)
{
    const vouch_policy_words_t *words = vouch_policy_indicator_words(econ);
    size_t pos = 0, len = strlen(s);
    while (pos < len) {
        int k = vouch_policy_words_at(words, s + pos, len - pos);
        if (k >= 0) {
            const vouch_policy_term_t *term =
                vouch_policy_indicator_term(econ, words->items[k].tag);
            if (term->kind == VOUCH_POLICY_TERM_CATEGORY) {
                for (size_t c = 0; c < term->ncodes; c++)
                    s_add_code(nm, term->codes[c]);
                s_add_term(nm, term->name);
            } else if (term->kind == VOUCH_POLICY_TERM_GENERAL && !nm->general) {
                nm->general = term->name;
            }
            pos += words->items[k].len;
            continue;
        }
        pos++;
        while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
            pos++;
    }
}

static json_t *s_strings_json(const char *const *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(items[i]));
    return a;
}

void vouch_rules_indicator_mismatch(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                                    const vouch_rules_voucher_t *v, const vouch_rules_line_t *l)
{
    const char *raw = l->line->text[VOUCH_T_INDICATOR];
    const char *ind = vouch_rules_fold_into(run, VOUCH_RULES_F0, raw);
    /* missing data: a blank indicator raises nothing; nor does a year no
     * edition of the classification covers, where nothing can be named */
    if (!ind[0] || !run->econ)
        return;

    s_named_t nm = {.ncodes = 0};
    s_scan_codes(run->econ, vouch_rules_fold_spaced_into(run, VOUCH_RULES_F1, raw), &nm);
    s_scan_names(run->econ, ind, &nm);

    const char *variant;
    if (nm.ncodes) {
        vouch_policy_codes_t named = {nm.codes, nm.ncodes};
        if (vouch_policy_codes_match(&named, l->econ))
            return;
        variant = "category";
    } else {
        /* names no category: a general indicator may pay anything; a project
         * or special fund may pay anything but 三公 */
        if (nm.general || !vouch_policy_codes_match(
                              vouch_policy_codes(run->policy, VOUCH_POLICY_SANGONG_CODES), l->econ))
            return;
        variant = "sangong";
    }

    const char *code_name = vouch_rules_code_name(run, l->econ);
    vouch_rules_join_codes(run, &run->join_zh, &run->join_en, nm.codes, nm.ncodes);
    vouch_rules_var_t vars[] = {
        {"indicator", raw}, {"categories", run->join_zh.data}, {"categories_en", run->join_en.data},
        {"code", l->econ},  {"code_name", code_name},
    };

    json_t *ev = json_object();
    json_object_set_new(ev, "indicator", json_string(raw));
    json_object_set_new(ev, "code", json_string(l->econ));
    json_object_set_new(ev, "code_name", json_string(code_name));
    json_object_set_new(ev, "econ_edition", json_string(vouch_policy_econ_edition(run->econ)));
    if (nm.ncodes) {
        json_t *cats = json_array();
        for (size_t i = 0; i < nm.ncodes; i++) {
            json_t *c = json_object();
            json_object_set_new(c, "code", json_string(nm.codes[i]));
            json_object_set_new(c, "name", json_string(vouch_rules_code_name(run, nm.codes[i])));
            json_array_append_new(cats, c);
        }
        json_object_set_new(ev, "indicator_categories", cats);
        json_object_set_new(ev, "matched", s_strings_json(nm.terms, nm.nterms));
    } else {
        json_object_set_new(ev, "indicator_categories", json_array());
        json_object_set_new(ev, "indicator_kind", json_string("project or special fund"));
        json_object_set_new(
            ev, "sangong_codes",
            vouch_rules_codes_json(vouch_policy_codes(run->policy, VOUCH_POLICY_SANGONG_CODES)));
    }
    vouch_rules_emit(run, rule, l, variant, vars, sizeof vars / sizeof vars[0], ev);
    (void)v;
}
