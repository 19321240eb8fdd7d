/* rule_misclass.c: MISCLASS_EXPENSE. The summary names a kind of spending
 * (a word family of the policy: venue rental, training, vehicle, travel) that
 * the line's economic code may not hold. */
#include <string.h>

#include "rules_internal.h"

#define S_MAX_FAMILIES VOUCH_POLICY_MAX_FAMILIES

/* Whether the occurrence of word w at s[pos] sits inside one of the longer
 * words the family says it does not count in (车 in 火车). */
static bool s_not_inside(const vouch_policy_family_t *f, const vouch_policy_word_t *w,
                         const char *s, size_t len, size_t pos)
{
    for (size_t i = 0; i < f->nnot_inside; i++) {
        const vouch_policy_not_inside_t *ni = &f->not_inside[i];
        if (strlen(ni->word) != w->len || memcmp(ni->word, w->text, w->len) != 0 ||
            ni->offset > pos)
            continue;
        size_t clen = strlen(ni->context);
        size_t start = pos - ni->offset;
        if (start + clen <= len && memcmp(s + start, ni->context, clen) == 0)
            return true;
    }
    return false;
}

/* The words a summary matched, without allocating: a summary rarely holds
 * more than a few, and past S_MAX_WORDS the evidence lists the first ones. */
#define S_MAX_WORDS 16
typedef struct {
    const vouch_policy_word_t *w[S_MAX_WORDS];
    size_t n;
} s_found_t;

static void s_found_add(s_found_t *found, const vouch_policy_word_t *w)
{
    for (size_t i = 0; i < found->n; i++)
        if (found->w[i]->len == w->len && memcmp(found->w[i]->text, w->text, w->len) == 0)
            return;
    if (found->n < S_MAX_WORDS)
        found->w[found->n++] = w;
}

/* Scan s leftmost-longest for words of set, adding each word that counts to
 * found. Returns whether any counted. */
static bool s_scan(const vouch_policy_family_t *f, const vouch_policy_words_t *set, const char *s,
                   size_t len, s_found_t *found)
{
    bool any = false;
    size_t pos = 0;
    while (pos < len) {
        int k = vouch_policy_words_at(set, s + pos, len - pos);
        if (k >= 0 && !s_not_inside(f, &set->items[k], s, len, pos)) {
            any = true;
            s_found_add(found, &set->items[k]);
            pos += set->items[k].len;
            continue;
        }
        /* step one UTF-8 character */
        pos++;
        while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
            pos++;
    }
    return any;
}

/* Whether the summary names the family; the words that made it so go to
 * found. Words alone, or a word of every "together" list. */
static bool s_family_named(const vouch_policy_family_t *f, const char *s, size_t len,
                           s_found_t *found)
{
    bool named = f->words.n && s_scan(f, &f->words, s, len, found);
    if (f->ntogether) {
        s_found_t together = {.n = 0};
        bool all = true;
        for (size_t g = 0; g < f->ntogether && all; g++)
            all = s_scan(f, &f->together[g], s, len, &together);
        if (all) {
            named = true;
            for (size_t i = 0; i < together.n; i++)
                s_found_add(found, together.w[i]);
        }
    }
    return named;
}

static json_t *s_found_json(const s_found_t *found)
{
    json_t *a = json_array();
    for (size_t i = 0; i < found->n; i++)
        json_array_append_new(a, json_stringn(found->w[i]->text, found->w[i]->len));
    return a;
}

void vouch_rules_misclass_expense(vouch_rules_run_t *run, const vouch_policy_rule_t *rule,
                                  const vouch_rules_voucher_t *v, const vouch_rules_line_t *l)
{
    size_t nf;
    const vouch_policy_family_t *fams = vouch_policy_families(run->policy, &nf);
    const char *summary =
        vouch_rules_fold_into(run, VOUCH_RULES_F0, l->line->text[VOUCH_T_SUMMARY]);
    size_t len = strlen(summary);
    if (!len || nf == 0)
        return;

    s_found_t found[S_MAX_FAMILIES];
    bool named[S_MAX_FAMILIES] = {false};
    bool any = false;
    for (size_t i = 0; i < nf; i++) {
        found[i].n = 0;
        named[i] = s_family_named(&fams[i], summary, len, &found[i]);
        any = any || named[i];
    }
    if (!any)
        return;

    /* A family that yields to another (training and vehicle yield to travel)
     * does not apply when the summary names that one too. */
    json_t *fired = NULL;
    int first = -1;
    for (size_t i = 0; i < nf; i++) {
        const vouch_policy_family_t *f = &fams[i];
        if (!named[i])
            continue;
        bool yields = false;
        for (size_t u = 0; u < f->nunless && !yields; u++)
            yields = f->unless[u] < nf && named[f->unless[u]];
        if (yields)
            continue;
        bool in = vouch_policy_codes_match(&f->codes, l->econ);
        if (f->codes_allowed ? in : !in)
            continue;
        if (first < 0) {
            first = (int)i;
            fired = json_array();
        }
        json_t *e = json_object();
        json_object_set_new(e, "family", json_string(f->name));
        json_object_set_new(e, "label", json_string(f->label_zh));
        json_object_set_new(e, "words", s_found_json(&found[i]));
        json_object_set_new(e, f->codes_allowed ? "codes_allowed" : "codes_forbidden",
                            vouch_rules_codes_json(&f->codes));
        if (f->suggested_code) {
            json_object_set_new(e, "suggested_code", json_string(f->suggested_code));
            json_object_set_new(e, "suggested_code_name",
                                json_string(vouch_rules_code_name(run, f->suggested_code)));
        }
        json_array_append_new(fired, e);
    }

    if (first >= 0) {
        const vouch_policy_family_t *f = &fams[first];
        vouch_rules_join_codes(run, &run->join_zh, &run->join_en, f->codes.items, f->codes.n);
        vouch_buf_reset(&run->scratch);
        vouch_buf_reserve(&run->scratch, 0);
        for (size_t i = 0; i < found[first].n; i++) {
            vouch_buf_puts(&run->scratch, i ? "、" : "");
            vouch_buf_append(&run->scratch, found[first].w[i]->text, found[first].w[i]->len);
        }
        const char *code_name = vouch_rules_code_name(run, l->econ);
        vouch_rules_var_t vars[] = {
            {"summary", l->line->text[VOUCH_T_SUMMARY]},
            {"family", f->label_zh},
            {"family_en", f->label_en},
            {"code", l->econ},
            {"code_name", code_name},
            {"allowed", f->codes_allowed ? run->join_zh.data : ""},
            {"allowed_en", f->codes_allowed ? run->join_en.data : ""},
            {"words", run->scratch.data},
        };
        json_t *ev = json_object();
        json_object_set_new(ev, "summary", json_string(l->line->text[VOUCH_T_SUMMARY]));
        json_object_set_new(ev, "code", json_string(l->econ));
        json_object_set_new(ev, "code_name", json_string(code_name));
        json_object_set_new(ev, "family", json_string(f->name));
        json_object_set_new(ev, "words", s_found_json(&found[first]));
        json_object_set_new(ev, "families", fired);
        fired = NULL;
        vouch_rules_emit(run, rule, l, f->codes_allowed ? "allowed" : "forbidden", vars,
                         sizeof vars / sizeof vars[0], ev);
    }
    json_decref(fired);
    (void)v;
}
