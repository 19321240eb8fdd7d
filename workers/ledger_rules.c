/* ledger_rules.c: the rules PostgreSQL runs (sql/005_cross_rules.sql): their
 * table (the columns each reads, for coverage), the check of their sections of
 * the policy, and the one JSON parameter that carries what they read. */
#include "ledger_rules.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

/* The columns are what the SQL reads; the engine's own (an expense line is a
 * debit to an expense account with an economic code) are written out for the
 * rules that read expense lines. */
static const vouch_ledger_rule_t s_rules[] = {
    {"SPLIT_PURCHASE", 1, "payee procurement_method contract_no account_code econ_code debit", ""},
    {"DUPLICATE_PAYMENT", 1, "payee summary account_code econ_code debit", "invoice_no"},
    {"UNBALANCED_VOUCHER", 1, "account_code debit credit", ""},
    {"SEQUENCE_GAP", 1, "voucher_no", ""},
    {"PREPARER_IS_REVIEWER", 1, "preparer reviewer", ""},
};
#define S_NRULES (sizeof s_rules / sizeof s_rules[0])

/* What each rule's section may hold besides version, severity, enabled and
 * messages; its message variants; the placeholders its SQL fills in. */
typedef struct {
    const char *id;
    const char *const *keys;
    const char *const *variants;
    const char *const *vars;
} s_section_t;

static const char *const s_window_keys[] = {"window_days", NULL};
static const char *const s_books_keys[] = {"books", NULL};
static const char *const s_no_keys[] = {NULL};
static const char *const s_default[] = {"default", NULL};

static const char *const s_split_vars[] = {"payee",       "count",      "total",
                                           "threshold",   "first_date", "last_date",
                                           "window_days", "amount",     NULL};
static const char *const s_dup_variants[] = {"invoice", "summary", NULL};
static const char *const s_dup_vars[] = {
    "payee",       "invoice_no",   "amount",          "summary",        "count", "days",
    "window_days", "earlier_date", "earlier_voucher", "earlier_amount", NULL};
static const char *const s_unbal_variants[] = {"default", "financial", "budget", NULL};
static const char *const s_unbal_vars[] = {"voucher", "detail",     "detail_en", "debit",
                                           "credit",  "difference", NULL};
static const char *const s_gap_vars[] = {"voucher",       "period",       "word",
                                         "missing",       "missing_en",   "count",
                                         "first_missing", "last_missing", NULL};
static const char *const s_prep_vars[] = {"voucher", "preparer", "reviewer", NULL};

static const s_section_t s_sections[S_NRULES] = {
    {"SPLIT_PURCHASE", s_window_keys, s_default, s_split_vars},
    {"DUPLICATE_PAYMENT", s_window_keys, s_dup_variants, s_dup_vars},
    {"UNBALANCED_VOUCHER", s_books_keys, s_unbal_variants, s_unbal_vars},
    {"SEQUENCE_GAP", s_no_keys, s_default, s_gap_vars},
    {"PREPARER_IS_REVIEWER", s_no_keys, s_default, s_prep_vars},
};

const vouch_ledger_rule_t *vouch_ledger_rules(size_t *n)
{
    *n = S_NRULES;
    return s_rules;
}

int vouch_ledger_rules_version(const char *id)
{
    for (size_t i = 0; i < S_NRULES; i++)
        if (strcmp(s_rules[i].id, id) == 0)
            return s_rules[i].version;
    return 0;
}

/* ---- checking a section ---- */

typedef struct {
    const char *profile;
    vouch_error_t *err;
    char path[200]; /* rules.ID... of what is being read */
} s_check_t;

static int s_fail(s_check_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int s_fail(s_check_t *c, const char *fmt, ...)
{
    char reason[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    vouch_error_set(c->err, "policy profile %s: %s", c->profile, reason);
    return -1;
}

static bool s_listed(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* Every key of obj (but _comments) is one of a or b. */
static int s_keys(s_check_t *c, const json_t *obj, const char *const *a, const char *const *b)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (key[0] != '_' && !s_listed(a, key) && !s_listed(b, key))
            return s_fail(c, "unknown key %s.%s", c->path, key);
    }
    return 0;
}

/* Every "{name}" of tmpl is a name the SQL fills in. */
static int s_template(s_check_t *c, const char *tmpl, const char *where, const char *const *vars)
{
    for (const char *p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (!end)
            return s_fail(c, "%s: \"{\" without \"}\"", where);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
        if (!s_listed(vars, name))
            return s_fail(c, "%s: unknown placeholder {%s}", where, name);
    }
    return 0;
}

/* messages: exactly the rule's variants, each {zh, en}; copied into out */
static int s_messages(s_check_t *c, const json_t *sec, const s_section_t *s, json_t *out)
{
    static const char *const langs[] = {"zh", "en", NULL};
    json_t *msgs = json_object_get(sec, "messages");
    if (!json_is_object(msgs))
        return s_fail(c, "key %s.messages is missing or not an object", c->path);
    snprintf(c->path + strlen(c->path), sizeof c->path - strlen(c->path), ".messages");
    if (s_keys(c, msgs, s->variants, NULL) < 0)
        return -1;
    for (const char *const *v = s->variants; *v; v++) {
        json_t *m = json_object_get(msgs, *v);
        char where[260];
        snprintf(where, sizeof where, "%s.%s", c->path, *v);
        if (!json_is_object(m))
            return s_fail(c, "key %s is missing or not an object", where);
        for (const char *const *l = langs; *l; l++) {
            json_t *t = json_object_get(m, *l);
            if (!json_is_string(t))
                return s_fail(c, "key %s.%s must be a string", where, *l);
            if (s_template(c, json_string_value(t), where, s->vars) < 0)
                return -1;
        }
        const char *key;
        json_t *t;
        json_object_foreach(m, key, t)
        {
            if (key[0] != '_' && !s_listed(langs, key))
                return s_fail(c, "unknown key %s.%s", where, key);
        }
        json_object_set_new(out, *v,
                            json_pack("{s:O, s:O}", "zh", json_object_get(m, "zh"), "en",
                                      json_object_get(m, "en")));
    }
    return 0;
}

/* a non-empty array of strings of digits (account prefixes) */
static json_t *s_prefixes(s_check_t *c, const json_t *arr, const char *where)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        s_fail(c, "key %s must be a non-empty array of account prefixes", where);
        return NULL;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !*s || strspn(s, "0123456789") != strlen(s)) {
            s_fail(c, "%s[%zu] must be a string of digits (an account prefix)", where, i);
            return NULL;
        }
    }
    return json_deep_copy(arr);
}

/* UNBALANCED_VOUCHER's books: {"financial": [...], "budget": [...]} */
static json_t *s_books(s_check_t *c, const json_t *sec)
{
    static const char *const names[] = {"financial", "budget", NULL};
    json_t *books = json_object_get(sec, "books");
    if (!json_is_object(books)) {
        s_fail(c, "key %s.books is missing or not an object", c->path);
        return NULL;
    }
    char where[260];
    snprintf(where, sizeof where, "%s.books", c->path);
    const char *key;
    json_t *v;
    json_object_foreach(books, key, v)
    {
        if (key[0] != '_' && !s_listed(names, key)) {
            s_fail(c, "unknown key %s.%s", where, key);
            return NULL;
        }
    }
    json_t *out = json_object();
    for (const char *const *n = names; *n; n++) {
        char w[300];
        snprintf(w, sizeof w, "%s.%s", where, *n);
        json_t *p = s_prefixes(c, json_object_get(books, *n), w);
        if (!p) {
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, *n, p);
    }
    return out;
}

/* One rule's section into its parameters (a new reference), or NULL. */
static json_t *s_rule(s_check_t *c, const vouch_policy_t *policy, const json_t *rules, size_t i,
                      json_t **books)
{
    const vouch_ledger_rule_t *r = &s_rules[i];
    const s_section_t *s = &s_sections[i];
    static const char *const base[] = {"version", "severity", "enabled", "messages", NULL};
    snprintf(c->path, sizeof c->path, "rules.%s", r->id);
    json_t *sec = json_object_get(rules, r->id);
    const vouch_policy_rule_t *pr = vouch_policy_rule(policy, r->id);
    if (!json_is_object(sec) || !pr) {
        s_fail(c, "key %s is missing", c->path);
        return NULL;
    }
    /* the policy and the SQL must agree on what the rule means */
    if (pr->version != r->version) {
        s_fail(c, "key %s.version: the policy defines version %d, this build runs version %d",
               c->path, pr->version, r->version);
        return NULL;
    }
    if (s_keys(c, sec, base, s->keys) < 0)
        return NULL;
    json_t *needs = json_array();
    for (const char *p = r->needs; *p;) {
        size_t len = strcspn(p, " ");
        json_array_append_new(needs, json_stringn(p, len));
        p += len + strspn(p + len, " ");
    }
    json_t *out = json_pack("{s:i, s:s, s:b, s:o}", "version", pr->version, "severity",
                            pr->severity, "enabled", pr->enabled, "needs", needs);
    if (s->keys == s_window_keys) {
        json_t *w = json_object_get(sec, "window_days");
        if (!json_is_integer(w) || json_integer_value(w) < 0 || json_integer_value(w) > 3660) {
            s_fail(c, "key %s.window_days must be a whole number of days from 0 to 3660", c->path);
            goto fail;
        }
        json_object_set(out, "window_days", w);
    }
    if (s->keys == s_books_keys && !(*books = s_books(c, sec)))
        goto fail;
    json_t *msgs = json_object();
    json_object_set_new(out, "messages", msgs);
    if (s_messages(c, sec, s, msgs) < 0)
        goto fail;
    return out;
fail:
    json_decref(out);
    return NULL;
}

static json_t *s_codes(const vouch_policy_codes_t *codes)
{
    json_t *a = json_array();
    for (size_t i = 0; codes && i < codes->n; i++)
        json_array_append_new(a, json_string(codes->items[i]));
    return a;
}

char *vouch_ledger_rules_params(const vouch_policy_t *policy, vouch_error_t *err)
{
    s_check_t c = {.profile = vouch_policy_profile(policy), .err = err};
    const json_t *rules = json_object_get(vouch_policy_json(policy), "rules");
    json_t *books = NULL, *params = NULL, *out_rules = json_object();
    for (size_t i = 0; i < S_NRULES; i++) {
        json_t *r = s_rule(&c, policy, rules, i, &books);
        if (!r)
            goto fail;
        json_object_set_new(out_rules, s_rules[i].id, r);
    }
    /* the channel list is closed and matched whole, after folding: the
     * policy's words are folded already */
    json_t *channels = json_array();
    const vouch_policy_words_id_t lists[] = {VOUCH_POLICY_GOV_METHODS, VOUCH_POLICY_EMALL_CHANNELS};
    for (size_t k = 0; k < 2; k++) {
        const vouch_policy_words_t *w = vouch_policy_words(policy, lists[k]);
        for (size_t i = 0; i < w->n; i++)
            json_array_append_new(channels, json_stringn(w->items[i].text, w->items[i].len));
    }
    params = json_pack(
        "{s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "policy_version",
        vouch_policy_version(policy), "profile", vouch_policy_profile(policy), "emall_floor",
        (json_int_t)vouch_policy_emall_floor(policy), "scope",
        s_codes(vouch_policy_codes(policy, VOUCH_POLICY_PROCUREMENT_SCOPE)), "channels", channels,
        "financial_expense", s_codes(vouch_policy_codes(policy, VOUCH_POLICY_FINANCIAL_EXPENSE)),
        "budget_expense", s_codes(vouch_policy_codes(policy, VOUCH_POLICY_BUDGET_EXPENSE)), "books",
        books, "rules", out_rules);
    char *text = json_dumps(params, JSON_COMPACT);
    json_decref(params);
    return text;
fail:
    json_decref(books);
    json_decref(out_rules);
    return NULL;
}
