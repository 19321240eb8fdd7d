/* policy.c: load the rule policy (deploy/policy/cn-default.json), apply a profile's
 * "extends", check every key the rules need and turn it into folded word sets,
 * code lists and amounts, so that running a rule is comparing bytes. */
#include "policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "file.h"
#include "money.h"
#include "rules.h"
#include "sha256.h"
#include "text.h"

#define S_DEFAULT_PROFILE "cn-default"
#define S_MAX_POLICY_BYTES (16u << 20)

typedef struct {
    const char *code; /* "30217" */
    const char *name; /* 公务接待费, as written */
} s_econ_t;

struct vouch_policy_econ_t {
    const char *key;   /* the edition's key in the policy: "2018" */
    const char *title; /* 部门预算支出经济分类科目... */
    int year_from;     /* 0: no bound */
    int year_to;
    s_econ_t *codes; /* sorted by code */
    size_t ncodes;
    vouch_policy_term_t *terms;
    size_t nterms;
    vouch_policy_words_t indicator_words;
};

typedef struct {
    const char *const *variants; /* messages the rule needs, each {zh, en} */
    const char *const *vars;     /* placeholders the rule fills in */
} s_schema_t;

typedef struct {
    const char *rule;
    const char *variant;
    const char *zh;
    const char *en;
} s_message_t;

struct vouch_policy_t {
    char version[17];
    char *profile;
    json_t *root;         /* new reference: the whole document */
    json_t *profile_json; /* new reference: the selected profile, extends applied */

    /* Every allocation the parsed policy holds, freed together. */
    void **owned;
    size_t nowned;
    size_t capowned;

    int year_from; /* 0: no bound */
    int year_to;
    int64_t emall_floor;
    int64_t gov_limit;
    int stale_days;
    int max_person_name;
    bool contract_needs_approval;

    vouch_policy_econ_t *editions; /* the economic classification, by fiscal years */
    size_t neditions;

    vouch_policy_codes_t codes[VOUCH_POLICY_CODES_COUNT];
    vouch_policy_words_t words[VOUCH_POLICY_WORDS_COUNT];

    vouch_policy_family_t *families;
    size_t nfamilies;
    vouch_policy_rule_t *rules;
    size_t nrules;
    s_message_t *messages;
    size_t nmessages;
};

/* The state of one load: where errors go and which profile they name. */
typedef struct {
    vouch_policy_t *self;
    const char *profile;
    vouch_error_t *err;
} s_load_t;

/* ---- what each rule this build runs needs from the policy ---- */

static const char *const s_misclass_variants[] = {"forbidden", "allowed", NULL};
static const char *const s_misclass_vars[] = {
    "summary", "family", "family_en", "code", "code_name", "allowed", "allowed_en", "words", NULL};
static const char *const s_indicator_variants[] = {"category", "sangong", NULL};
static const char *const s_indicator_vars[] = {"indicator", "categories", "categories_en",
                                               "code",      "code_name",  NULL};
static const char *const s_payee_variants[] = {"default", NULL};
static const char *const s_payee_vars[] = {"claimant", "payee",     "payee_account",
                                           "code",     "code_name", NULL};
static const char *const s_proc_variants[] = {"no_channel", "emall_over_limit", "basis_line",
                                              "basis_contract", NULL};
static const char *const s_proc_vars[] = {"code",        "code_name", "amount",  "threshold",
                                          "basis",       "basis_en",  "channel", "contract_no",
                                          "line_amount", NULL};
static const char *const s_retro_variants[] = {"default", "subject_code", "subject_contract", NULL};
static const char *const s_retro_vars[] = {"subject",       "subject_en",  "business_date",
                                           "approval_date", "days",        "code",
                                           "code_name",     "contract_no", NULL};
static const char *const s_stale_variants[] = {"default", NULL};
static const char *const s_stale_vars[] = {
    "dates", "dates_en", "voucher_date", "stale_days", "code", "code_name", NULL};
static const char *const s_missing_variants[] = {"default", "no_attachments", "unsigned", "undated",
                                                 NULL};
static const char *const s_missing_vars[] = {
    "accounts", "accounts_en", "problems", "problems_en", "attachments",
    "document", "document_en", "code",     "code_name",   NULL};

static const struct {
    const char *id;
    s_schema_t schema;
} s_schemas[] = {
    {"MISCLASS_EXPENSE", {s_misclass_variants, s_misclass_vars}},
    {"INDICATOR_MISMATCH", {s_indicator_variants, s_indicator_vars}},
    {"PAYEE_MISMATCH", {s_payee_variants, s_payee_vars}},
    {"PROCUREMENT_BYPASS", {s_proc_variants, s_proc_vars}},
    {"RETROACTIVE_APPROVAL", {s_retro_variants, s_retro_vars}},
    {"STALE_DOCUMENT", {s_stale_variants, s_stale_vars}},
    {"MISSING_DOCUMENT", {s_missing_variants, s_missing_vars}},
};

static const s_schema_t *s_schema(const char *id)
{
    for (size_t i = 0; i < sizeof s_schemas / sizeof s_schemas[0]; i++)
        if (strcmp(s_schemas[i].id, id) == 0)
            return &s_schemas[i].schema;
    return NULL;
}

/* ---- small helpers ---- */

static void *s_own(vouch_policy_t *self, void *p)
{
    if (self->nowned == self->capowned) {
        self->capowned = self->capowned ? self->capowned * 2 : 64;
        self->owned = vouch_realloc(self->owned, self->capowned * sizeof *self->owned);
    }
    self->owned[self->nowned++] = p;
    return p;
}

/* vouch_realloc of memory the policy owns (or NULL, then owned from now) */
static void *s_own_realloc(vouch_policy_t *self, void *old, size_t size)
{
    void *p = vouch_realloc(old, size);
    for (size_t i = self->nowned; old && i-- > 0;)
        if (self->owned[i] == old) {
            self->owned[i] = p;
            return p;
        }
    return s_own(self, p);
}

static int s_fail(s_load_t *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int s_fail(s_load_t *ld, const char *fmt, ...)
{
    char reason[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    vouch_error_set(ld->err, "policy profile %s: %s", ld->profile, reason);
    return -1;
}

static const char *s_type_name(json_type t)
{
    switch (t) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_TRUE:
    case JSON_FALSE:
        return "true or false";
    default:
        return "a value";
    }
}

static bool s_is_type(const json_t *v, json_type t)
{
    if (t == JSON_TRUE || t == JSON_FALSE)
        return json_is_boolean(v);
    return json_typeof(v) == t;
}

/* path.key into out, for error messages */
static const char *s_path(char *out, size_t size, const char *path, const char *key)
{
    if (path && path[0])
        snprintf(out, size, "%s.%s", path, key);
    else
        snprintf(out, size, "%s", key);
    return out;
}

/* obj[key] of type t into *out (borrowed). A missing optional key gives NULL
 * and 0; a missing required key or one of another type is an error naming it. */
static int s_get(s_load_t *ld, const json_t *obj, const char *path, const char *key, json_type t,
                 bool required, json_t **out)
{
    char p[256];
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || (json_is_null(v) && !required)) {
        if (required)
            return s_fail(ld, "key %s is missing", s_path(p, sizeof p, path, key));
        return 0;
    }
    if (!s_is_type(v, t))
        return s_fail(ld, "key %s must be %s", s_path(p, sizeof p, path, key), s_type_name(t));
    *out = v;
    return 0;
}

/* Refuse keys the policy format does not know: a typo (emall_flor) must not
 * silently fall back to nothing. Keys starting with '_' are comments. */
static int s_check_keys(s_load_t *ld, const json_t *obj, const char *path,
                        const char *const *allowed, const char *const *allowed2)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (key[0] == '_')
            continue;
        bool ok = false;
        for (const char *const *a = allowed; a && *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        for (const char *const *a = allowed2; a && *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok) {
            char p[256];
            return s_fail(ld, "unknown key %s", s_path(p, sizeof p, path, key));
        }
    }
    return 0;
}

static bool s_all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A folded copy owned by the policy; an error when it folds to nothing, since
 * an empty word would match every text. */
static const char *s_fold(s_load_t *ld, const char *s, const char *where)
{
    char *f = vouch_text_fold(s);
    if (!f || !f[0]) {
        free(f);
        s_fail(ld, "%s: \"%s\" is empty once white space is removed", where, s);
        return NULL;
    }
    return s_own(ld->self, f);
}

/* ---- word sets ---- */

static int s_word_cmp(const void *a, const void *b)
{
    const vouch_policy_word_t *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Sort and drop repeats (the same word twice in a list is harmless). */
static void s_words_finish(vouch_policy_word_t *items, size_t *n)
{
    if (*n == 0)
        return;
    qsort(items, *n, sizeof *items, s_word_cmp);
    size_t k = 1;
    for (size_t i = 1; i < *n; i++)
        if (s_word_cmp(&items[k - 1], &items[i]) != 0)
            items[k++] = items[i];
    *n = k;
}

/* Fold an array of strings into a word set (tag 0). */
static int s_words_from(s_load_t *ld, const json_t *arr, const char *where,
                        vouch_policy_words_t *out)
{
    size_t n = json_array_size(arr);
    vouch_policy_word_t *items = s_own(ld->self, vouch_calloc(n ? n : 1, sizeof *items));
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v))
            return s_fail(ld, "%s[%zu] must be a string", where, i);
        const char *f = s_fold(ld, json_string_value(v), where);
        if (!f)
            return -1;
        items[i] = (vouch_policy_word_t){f, strlen(f), 0};
    }
    s_words_finish(items, &n);
    out->items = items;
    out->n = n;
    return 0;
}

static int s_words_key(s_load_t *ld, const json_t *obj, const char *path, const char *key,
                       vouch_policy_words_t *out)
{
    json_t *arr;
    char p[256];
    if (s_get(ld, obj, path, key, JSON_ARRAY, true, &arr) < 0)
        return -1;
    if (json_array_size(arr) == 0)
        return s_fail(ld, "key %s is empty", s_path(p, sizeof p, path, key));
    return s_words_from(ld, arr, s_path(p, sizeof p, path, key), out);
}

/* Byte length of the UTF-8 character s starts with (1 for a stray byte). */
static size_t s_char_len(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    return n <= len ? n : len;
}

int vouch_policy_words_at(const vouch_policy_words_t *set, const char *s, size_t len)
{
    if (!set || set->n == 0 || len == 0)
        return -1;
    /* Words that s starts with all start with s's first character, and the
     * sorted set keeps those together: find the first, walk while it lasts. */
    size_t c = s_char_len(s, len);
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const vouch_policy_word_t *w = &set->items[mid];
        size_t n = w->len < c ? w->len : c;
        int cmp = memcmp(w->text, s, n);
        if (cmp < 0 || (cmp == 0 && w->len < c))
            lo = mid + 1;
        else
            hi = mid;
    }
    int best = -1;
    for (size_t i = lo; i < set->n; i++) {
        const vouch_policy_word_t *w = &set->items[i];
        if (w->len < c || memcmp(w->text, s, c) != 0)
            break;
        if (w->len <= len && memcmp(w->text, s, w->len) == 0 &&
            (best < 0 || w->len > set->items[best].len))
            best = (int)i;
    }
    return best;
}

int vouch_policy_words_find(const vouch_policy_words_t *set, const char *s)
{
    if (!set || set->n == 0)
        return -1;
    vouch_policy_word_t key = {s, strlen(s), 0};
    const vouch_policy_word_t *w = bsearch(&key, set->items, set->n, sizeof key, s_word_cmp);
    return w ? (int)(w - set->items) : -1;
}

/* ---- code lists ---- */

bool vouch_policy_codes_match(const vouch_policy_codes_t *list, const char *code)
{
    if (!list || !code || !code[0])
        return false;
    for (size_t i = 0; i < list->n; i++) {
        size_t n = strlen(list->items[i]);
        if (strncmp(code, list->items[i], n) == 0)
            return true;
    }
    return false;
}

static int s_codes_from(s_load_t *ld, const json_t *arr, const char *where, bool allow_empty,
                        vouch_policy_codes_t *out)
{
    size_t n = json_array_size(arr);
    if (n == 0 && !allow_empty)
        return s_fail(ld, "key %s is empty", where);
    const char **items = s_own(ld->self, vouch_calloc(n ? n : 1, sizeof *items));
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v) || !s_all_digits(json_string_value(v)))
            return s_fail(ld, "%s[%zu] must be a string of digits (a code or account prefix)",
                          where, i);
        items[i] = json_string_value(v);
    }
    out->items = items;
    out->n = n;
    return 0;
}

static int s_codes_key(s_load_t *ld, const json_t *obj, const char *path, const char *key,
                       vouch_policy_codes_t *out)
{
    json_t *arr;
    char p[256];
    if (s_get(ld, obj, path, key, JSON_ARRAY, true, &arr) < 0)
        return -1;
    return s_codes_from(ld, arr, s_path(p, sizeof p, path, key), false, out);
}

/* ---- sections of a profile ---- */

static int s_money_key(s_load_t *ld, const json_t *obj, const char *path, const char *key,
                       int64_t *out)
{
    json_t *v;
    char p[256];
    if (s_get(ld, obj, path, key, JSON_STRING, true, &v) < 0)
        return -1;
    const char *s = json_string_value(v);
    if (vouch_money_parse(s, strlen(s), out) < 0 || *out < 0)
        return s_fail(ld, "key %s: \"%s\" is not an amount such as \"100000.00\"",
                      s_path(p, sizeof p, path, key), s);
    return 0;
}

static int s_int_key(s_load_t *ld, const json_t *obj, const char *path, const char *key, int min,
                     int max, int *out)
{
    json_t *v;
    char p[256];
    if (s_get(ld, obj, path, key, JSON_INTEGER, true, &v) < 0)
        return -1;
    json_int_t i = json_integer_value(v);
    if (i < min || i > max)
        return s_fail(ld, "key %s must be between %d and %d", s_path(p, sizeof p, path, key), min,
                      max);
    *out = (int)i;
    return 0;
}

/* "fiscal_years": {"from": 2018, "to": null} at path of obj into from and to
 * (0: no bound). Absent: no bounds. */
static int s_years_key(s_load_t *ld, const json_t *obj, const char *path, int *from, int *to)
{
    static const char *const keys[] = {"from", "to", NULL};
    json_t *fy, *v;
    char p[256];
    *from = *to = 0;
    if (s_get(ld, obj, path, "fiscal_years", JSON_OBJECT, false, &fy) < 0)
        return -1;
    if (!fy)
        return 0;
    s_path(p, sizeof p, path, "fiscal_years");
    if (s_check_keys(ld, fy, p, keys, NULL) < 0 ||
        s_get(ld, fy, p, "from", JSON_INTEGER, false, &v) < 0)
        return -1;
    *from = v ? (int)json_integer_value(v) : 0;
    if (s_get(ld, fy, p, "to", JSON_INTEGER, false, &v) < 0)
        return -1;
    *to = v ? (int)json_integer_value(v) : 0;
    if (*from && *to && *to < *from)
        return s_fail(ld, "key %s: to is before from", p);
    return 0;
}

static int s_parse_years(s_load_t *ld, const json_t *prof)
{
    return s_years_key(ld, prof, "", &ld->self->year_from, &ld->self->year_to);
}

static int s_parse_thresholds(s_load_t *ld, const json_t *prof)
{
    static const char *const keys[] = {"emall_floor", "gov_limit", "stale_days", NULL};
    vouch_policy_t *self = ld->self;
    json_t *t;
    if (s_get(ld, prof, "", "thresholds", JSON_OBJECT, true, &t) < 0 ||
        s_check_keys(ld, t, "thresholds", keys, NULL) < 0 ||
        s_money_key(ld, t, "thresholds", "emall_floor", &self->emall_floor) < 0 ||
        s_money_key(ld, t, "thresholds", "gov_limit", &self->gov_limit) < 0 ||
        s_int_key(ld, t, "thresholds", "stale_days", 0, 100000, &self->stale_days) < 0)
        return -1;
    return 0;
}

static int s_econ_cmp(const void *a, const void *b)
{
    return strcmp(((const s_econ_t *)a)->code, ((const s_econ_t *)b)->code);
}

/* A growing list of indicator terms while the table is read. */
typedef struct {
    vouch_policy_term_t term;
    const char *folded;
    const char **codes; /* owned by the policy */
    size_t ncodes;
} s_term_build_t;

static s_term_build_t *s_term_find(s_term_build_t *t, size_t n, const char *folded)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].folded, folded) == 0)
            return &t[i];
    return NULL;
}

/* One edition: its table, class names and the general names, made into the
 * one word set an indicator is scanned with: longest wins across all three,
 * so 其他商品和服务支出 is 30299 and not the class 商品和服务支出. */
static int s_parse_edition(s_load_t *ld, const char *path, const json_t *ed, const json_t *general,
                           vouch_policy_econ_t *out)
{
    static const char *const keys[] = {"title", "fiscal_years", "classes", "codes", NULL};
    vouch_policy_t *self = ld->self;
    json_t *title, *classes, *codes, *v;
    const char *key;
    char where[300];
    if (!json_is_object(ed))
        return s_fail(ld, "key %s must be an object", path);
    if (s_check_keys(ld, ed, path, keys, NULL) < 0 ||
        s_get(ld, ed, path, "title", JSON_STRING, false, &title) < 0 ||
        s_years_key(ld, ed, path, &out->year_from, &out->year_to) < 0 ||
        s_get(ld, ed, path, "classes", JSON_OBJECT, true, &classes) < 0 ||
        s_get(ld, ed, path, "codes", JSON_OBJECT, true, &codes) < 0)
        return -1;
    out->title = title ? json_string_value(title) : "";
    if (json_object_size(codes) == 0)
        return s_fail(ld, "key %s.codes is empty", path);

    out->codes = s_own(self, vouch_calloc(json_object_size(codes), sizeof *out->codes));
    size_t cap = json_object_size(codes) + json_object_size(classes) + json_array_size(general);
    s_term_build_t *tb = vouch_calloc(cap, sizeof *tb);
    size_t nt = 0, i = 0;
    int rc = -1;

    snprintf(where, sizeof where, "%s.codes", path);
    json_object_foreach(codes, key, v)
    {
        if (key[0] == '_')
            continue;
        if (!s_all_digits(key) || !json_is_string(v)) {
            s_fail(ld, "%s: \"%s\" must be a code of digits naming a string", where, key);
            goto cleanup;
        }
        out->codes[i].code = key;
        out->codes[i].name = json_string_value(v);
        i++;
        const char *f = s_fold(ld, json_string_value(v), where);
        if (!f)
            goto cleanup;
        s_term_build_t *t = s_term_find(tb, nt, f);
        if (!t) {
            t = &tb[nt++];
            t->folded = f;
            t->term.kind = VOUCH_POLICY_TERM_CATEGORY;
            t->term.name = json_string_value(v);
        }
        /* a name shared by several codes (30907 and 31007) names them all */
        t->codes = vouch_realloc(t->codes, (t->ncodes + 1) * sizeof *t->codes);
        t->codes[t->ncodes++] = key;
    }
    out->ncodes = i;
    qsort(out->codes, out->ncodes, sizeof *out->codes, s_econ_cmp);

    snprintf(where, sizeof where, "%s.classes", path);
    json_object_foreach(classes, key, v)
    {
        if (key[0] == '_')
            continue;
        if (!s_all_digits(key) || !json_is_string(v)) {
            s_fail(ld, "%s: \"%s\" must be a code of digits naming a string", where, key);
            goto cleanup;
        }
        const char *f = s_fold(ld, json_string_value(v), where);
        if (!f)
            goto cleanup;
        s_term_build_t *t = s_term_find(tb, nt, f);
        if (!t)
            t = &tb[nt++];
        /* RULES.md: class names name no category, even where a code shares
         * the name (其他支出 is class 399 and code 39999) */
        free(t->codes);
        *t = (s_term_build_t){{VOUCH_POLICY_TERM_CLASS, json_string_value(v), NULL, 0}, f, NULL, 0};
    }

    size_t gi;
    json_array_foreach(general, gi, v)
    {
        if (!json_is_string(v)) {
            s_fail(ld, "general_indicator_names[%zu] must be a string", gi);
            goto cleanup;
        }
        const char *f = s_fold(ld, json_string_value(v), "general_indicator_names");
        if (!f)
            goto cleanup;
        s_term_build_t *t = s_term_find(tb, nt, f);
        if (t && t->term.kind != VOUCH_POLICY_TERM_GENERAL) {
            s_fail(ld,
                   "general_indicator_names: \"%s\" is also a name of the economic "
                   "classification (%s)",
                   json_string_value(v), path);
            goto cleanup;
        }
        if (!t)
            t = &tb[nt++];
        *t = (s_term_build_t){
            {VOUCH_POLICY_TERM_GENERAL, json_string_value(v), NULL, 0}, f, NULL, 0};
    }

    out->nterms = nt;
    out->terms = s_own(self, vouch_calloc(nt ? nt : 1, sizeof *out->terms));
    vouch_policy_word_t *words = s_own(self, vouch_calloc(nt ? nt : 1, sizeof *words));
    for (size_t k = 0; k < nt; k++) {
        out->terms[k] = tb[k].term;
        if (tb[k].codes) {
            out->terms[k].codes = s_own(self, tb[k].codes);
            out->terms[k].ncodes = tb[k].ncodes;
            tb[k].codes = NULL;
        }
        words[k] = (vouch_policy_word_t){tb[k].folded, strlen(tb[k].folded), (int)k};
    }
    size_t nw = nt;
    s_words_finish(words, &nw);
    out->indicator_words = (vouch_policy_words_t){words, nw};
    rc = 0;
cleanup:
    for (size_t k = 0; k < nt; k++)
        free(tb[k].codes);
    free(tb);
    return rc;
}

static bool s_years_overlap(const vouch_policy_econ_t *a, const vouch_policy_econ_t *b)
{
    /* 0 is no bound */
    bool a_before_b = a->year_to && b->year_from && a->year_to < b->year_from;
    bool b_before_a = b->year_to && a->year_from && b->year_to < a->year_from;
    return !a_before_b && !b_before_a;
}

/* The economic classification: editions keyed by name, each with the fiscal
 * years it applies to; a year has at most one. A jurisdiction's profile
 * changes a name with "editions": {"2018": {"codes": {"30217": "..."}}}, or
 * adds an edition for the years a new table applies to. */
static int s_parse_econ(s_load_t *ld, const json_t *prof)
{
    static const char *const keys[] = {"editions", NULL};
    vouch_policy_t *self = ld->self;
    json_t *ec, *eds, *general, *ed;
    const char *key;
    if (s_get(ld, prof, "", "econ_classification", JSON_OBJECT, true, &ec) < 0 ||
        s_check_keys(ld, ec, "econ_classification", keys, NULL) < 0 ||
        s_get(ld, ec, "econ_classification", "editions", JSON_OBJECT, true, &eds) < 0 ||
        s_get(ld, prof, "", "general_indicator_names", JSON_ARRAY, true, &general) < 0)
        return -1;
    self->editions = s_own(self, vouch_calloc(json_object_size(eds) + 1, sizeof *self->editions));
    json_object_foreach(eds, key, ed)
    {
        if (key[0] == '_')
            continue;
        char path[256];
        snprintf(path, sizeof path, "econ_classification.editions.%s", key);
        vouch_policy_econ_t *e = &self->editions[self->neditions];
        e->key = key;
        if (s_parse_edition(ld, path, ed, general, e) < 0)
            return -1;
        for (size_t k = 0; k < self->neditions; k++)
            if (s_years_overlap(&self->editions[k], e))
                return s_fail(ld,
                              "econ_classification.editions: %s and %s apply to the same "
                              "fiscal years",
                              self->editions[k].key, key);
        self->neditions++;
    }
    if (self->neditions == 0)
        return s_fail(ld, "key econ_classification.editions is empty");
    return 0;
}

static int s_parse_lists(s_load_t *ld, const json_t *prof)
{
    static const char *const org_keys[] = {"contains", "ends_with", "max_person_name_length", NULL};
    static const char *const proc_keys[] = {"scope_codes", "government_methods", "emall_channels",
                                            NULL};
    static const char *const acct_keys[] = {"payment_out_prefixes", "financial_expense_prefixes",
                                            "budget_expense_prefixes", NULL};
    vouch_policy_t *self = ld->self;
    json_t *sangong, *org, *proc, *acct, *v;
    const char *key;

    /* 三公 codes carry the report's names beside them: {"30217": "公务接待费"} */
    if (s_get(ld, prof, "", "sangong_codes", JSON_OBJECT, true, &sangong) < 0)
        return -1;
    size_t n = json_object_size(sangong), i = 0;
    if (n == 0)
        return s_fail(ld, "key sangong_codes is empty");
    const char **codes = s_own(self, vouch_calloc(n, sizeof *codes));
    json_object_foreach(sangong, key, v)
    {
        if (key[0] == '_')
            continue;
        if (!s_all_digits(key) || !json_is_string(v))
            return s_fail(ld, "sangong_codes: \"%s\" must be a code of digits naming a string",
                          key);
        codes[i++] = key;
    }
    self->codes[VOUCH_POLICY_SANGONG_CODES] = (vouch_policy_codes_t){codes, i};

    if (s_get(ld, prof, "", "organisation_markers", JSON_OBJECT, true, &org) < 0 ||
        s_check_keys(ld, org, "organisation_markers", org_keys, NULL) < 0 ||
        s_words_key(ld, org, "organisation_markers", "contains",
                    &self->words[VOUCH_POLICY_ORG_CONTAINS]) < 0 ||
        s_words_key(ld, org, "organisation_markers", "ends_with",
                    &self->words[VOUCH_POLICY_ORG_ENDS_WITH]) < 0 ||
        s_int_key(ld, org, "organisation_markers", "max_person_name_length", 1, 1000,
                  &self->max_person_name) < 0)
        return -1;

    if (s_get(ld, prof, "", "procurement", JSON_OBJECT, true, &proc) < 0 ||
        s_check_keys(ld, proc, "procurement", proc_keys, NULL) < 0 ||
        s_codes_key(ld, proc, "procurement", "scope_codes",
                    &self->codes[VOUCH_POLICY_PROCUREMENT_SCOPE]) < 0 ||
        s_words_key(ld, proc, "procurement", "government_methods",
                    &self->words[VOUCH_POLICY_GOV_METHODS]) < 0 ||
        s_words_key(ld, proc, "procurement", "emall_channels",
                    &self->words[VOUCH_POLICY_EMALL_CHANNELS]) < 0)
        return -1;
    /* the channel list is closed: a name in both families would be ambiguous */
    const vouch_policy_words_t *gov = &self->words[VOUCH_POLICY_GOV_METHODS];
    const vouch_policy_words_t *em = &self->words[VOUCH_POLICY_EMALL_CHANNELS];
    for (size_t k = 0; k < em->n; k++)
        if (vouch_policy_words_find(gov, em->items[k].text) >= 0)
            return s_fail(ld,
                          "procurement: \"%s\" is both a government method and an "
                          "e-mall channel",
                          em->items[k].text);

    if (s_get(ld, prof, "", "accounts", JSON_OBJECT, true, &acct) < 0 ||
        s_check_keys(ld, acct, "accounts", acct_keys, NULL) < 0 ||
        s_codes_key(ld, acct, "accounts", "payment_out_prefixes",
                    &self->codes[VOUCH_POLICY_PAYMENT_OUT]) < 0 ||
        s_codes_key(ld, acct, "accounts", "financial_expense_prefixes",
                    &self->codes[VOUCH_POLICY_FINANCIAL_EXPENSE]) < 0 ||
        s_codes_key(ld, acct, "accounts", "budget_expense_prefixes",
                    &self->codes[VOUCH_POLICY_BUDGET_EXPENSE]) < 0)
        return -1;
    return 0;
}

/* ---- MISCLASS_EXPENSE's families ---- */

static int s_parse_family(s_load_t *ld, const json_t *fam, const char *name,
                          vouch_policy_family_t *f, json_t **unless_out)
{
    static const char *const keys[] = {"label",         "words",          "together",
                                       "not_inside",    "unless",         "codes_forbidden",
                                       "codes_allowed", "suggested_code", NULL};
    static const char *const label_keys[] = {"zh", "en", NULL};
    vouch_policy_t *self = ld->self;
    char path[200];
    snprintf(path, sizeof path, "rules.MISCLASS_EXPENSE.families.%s", name);
    json_t *label, *zh, *en, *words, *together, *not_inside, *forb, *allow, *sugg;

    f->name = name;
    if (!json_is_object(fam))
        return s_fail(ld, "key %s must be an object", path);
    char lpath[220];
    snprintf(lpath, sizeof lpath, "%s.label", path);
    if (s_check_keys(ld, fam, path, keys, NULL) < 0 ||
        s_get(ld, fam, path, "label", JSON_OBJECT, true, &label) < 0 ||
        s_check_keys(ld, label, lpath, label_keys, NULL) < 0)
        return -1;
    if (s_get(ld, label, lpath, "zh", JSON_STRING, true, &zh) < 0 ||
        s_get(ld, label, lpath, "en", JSON_STRING, true, &en) < 0)
        return -1;
    f->label_zh = json_string_value(zh);
    f->label_en = json_string_value(en);

    if (s_get(ld, fam, path, "words", JSON_ARRAY, false, &words) < 0 ||
        s_get(ld, fam, path, "together", JSON_ARRAY, false, &together) < 0)
        return -1;
    if (!words && !together)
        return s_fail(ld, "key %s.words is missing (a family needs words, together or both)", path);
    char wpath[320];
    if (words) {
        snprintf(wpath, sizeof wpath, "%s.words", path);
        if (s_words_from(ld, words, wpath, &f->words) < 0)
            return -1;
    }
    if (together) {
        size_t n = json_array_size(together), i;
        json_t *g;
        if (n == 0)
            return s_fail(ld, "key %s.together is empty", path);
        vouch_policy_words_t *groups = s_own(self, vouch_calloc(n, sizeof *groups));
        json_array_foreach(together, i, g)
        {
            snprintf(wpath, sizeof wpath, "%s.together[%zu]", path, i);
            if (!json_is_array(g) || json_array_size(g) == 0)
                return s_fail(ld, "key %s must be a non-empty array of words", wpath);
            if (s_words_from(ld, g, wpath, &groups[i]) < 0)
                return -1;
        }
        f->together = groups;
        f->ntogether = n;
    }

    if (s_get(ld, fam, path, "not_inside", JSON_OBJECT, false, &not_inside) < 0)
        return -1;
    if (not_inside) {
        /* one entry per place the word sits in a longer word: 车 in 火车 at
         * byte 3. A longer word that does not hold the word (高铁 for 车)
         * can never cover an occurrence of it and adds no entry. */
        size_t cap = 0, n = 0;
        vouch_policy_not_inside_t *ni = NULL;
        const char *w;
        json_t *ctxs;
        json_object_foreach(not_inside, w, ctxs)
        {
            snprintf(wpath, sizeof wpath, "%s.not_inside.%s", path, w);
            if (!json_is_array(ctxs))
                return s_fail(ld, "key %s must be an array", wpath);
            const char *fw = s_fold(ld, w, wpath);
            if (!fw)
                return -1;
            size_t i;
            json_t *c;
            json_array_foreach(ctxs, i, c)
            {
                if (!json_is_string(c))
                    return s_fail(ld, "%s[%zu] must be a string", wpath, i);
                const char *fc = s_fold(ld, json_string_value(c), wpath);
                if (!fc)
                    return -1;
                for (const char *p = strstr(fc, fw); p; p = strstr(p + 1, fw)) {
                    if (n == cap) {
                        cap = cap ? cap * 2 : 8;
                        ni = s_own_realloc(self, ni, cap * sizeof *ni);
                    }
                    ni[n++] = (vouch_policy_not_inside_t){fw, fc, (size_t)(p - fc)};
                }
            }
        }
        f->not_inside = ni;
        f->nnot_inside = n;
    }

    if (s_get(ld, fam, path, "unless", JSON_ARRAY, false, unless_out) < 0 ||
        s_get(ld, fam, path, "codes_forbidden", JSON_ARRAY, false, &forb) < 0 ||
        s_get(ld, fam, path, "codes_allowed", JSON_ARRAY, false, &allow) < 0)
        return -1;
    if (!!forb == !!allow)
        return s_fail(ld, "key %s needs exactly one of codes_forbidden and codes_allowed", path);
    snprintf(wpath, sizeof wpath, "%s.%s", path, forb ? "codes_forbidden" : "codes_allowed");
    if (s_codes_from(ld, forb ? forb : allow, wpath, false, &f->codes) < 0)
        return -1;
    f->codes_allowed = allow != NULL;

    if (s_get(ld, fam, path, "suggested_code", JSON_STRING, false, &sugg) < 0)
        return -1;
    if (sugg && !s_all_digits(json_string_value(sugg)))
        return s_fail(ld, "key %s.suggested_code must be a code of digits", path);
    f->suggested_code = sugg ? json_string_value(sugg) : NULL;
    return 0;
}

static int s_parse_families(s_load_t *ld, const json_t *rule)
{
    vouch_policy_t *self = ld->self;
    const char *path = "rules.MISCLASS_EXPENSE";
    json_t *fams, *fam;
    const char *name;
    if (s_get(ld, rule, path, "families", JSON_OBJECT, true, &fams) < 0)
        return -1;
    size_t n = 0;
    json_object_foreach(fams, name, fam)
    {
        if (name[0] != '_')
            n++;
    }
    if (n == 0)
        return s_fail(ld, "key %s.families is empty", path);
    if (n > VOUCH_POLICY_MAX_FAMILIES)
        return s_fail(ld, "key %s.families holds more than %d families", path,
                      VOUCH_POLICY_MAX_FAMILIES);
    self->families = s_own(self, vouch_calloc(n, sizeof *self->families));
    json_t **unless = vouch_calloc(n, sizeof *unless);
    size_t i = 0;
    int rc = -1;
    json_object_foreach(fams, name, fam)
    {
        if (name[0] == '_')
            continue;
        if (s_parse_family(ld, fam, name, &self->families[i], &unless[i]) < 0)
            goto cleanup;
        i++;
    }
    self->nfamilies = n;

    /* unless names families: resolve after all are read */
    for (i = 0; i < n; i++) {
        if (!unless[i])
            continue;
        size_t nu = json_array_size(unless[i]), k;
        size_t *idx = s_own(self, vouch_calloc(nu ? nu : 1, sizeof *idx));
        json_t *u;
        json_array_foreach(unless[i], k, u)
        {
            size_t j = 0;
            while (j < n && !(json_is_string(u) &&
                              strcmp(self->families[j].name, json_string_value(u)) == 0))
                j++;
            if (j == n || j == i) {
                s_fail(ld, "key %s.families.%s.unless[%zu] must name another family", path,
                       self->families[i].name, k);
                goto cleanup;
            }
            idx[k] = j;
        }
        self->families[i].unless = idx;
        self->families[i].nunless = nu;
    }
    rc = 0;
cleanup:
    free(unless);
    return rc;
}

/* ---- messages ---- */

/* Every "{name}" of tmpl must be a name the rule fills in. */
static int s_check_template(s_load_t *ld, const char *tmpl, const char *where,
                            const char *const *vars)
{
    for (const char *p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (!end)
            return s_fail(ld, "%s: \"{\" without \"}\"", where);
        size_t n = (size_t)(end - p - 1);
        bool ok = false;
        for (const char *const *v = vars; *v && !ok; v++)
            ok = strlen(*v) == n && strncmp(*v, p + 1, n) == 0;
        if (!ok)
            return s_fail(ld, "%s: unknown placeholder {%.*s}", where, (int)n, p + 1);
    }
    return 0;
}

static int s_parse_messages(s_load_t *ld, const json_t *rule, const char *id,
                            const s_schema_t *schema)
{
    static const char *const lang_keys[] = {"zh", "en", NULL};
    vouch_policy_t *self = ld->self;
    char path[128], vpath[200];
    snprintf(path, sizeof path, "rules.%s", id);
    json_t *msgs, *m, *zh, *en;
    if (s_get(ld, rule, path, "messages", JSON_OBJECT, true, &msgs) < 0)
        return -1;
    snprintf(path, sizeof path, "rules.%s.messages", id);
    if (s_check_keys(ld, msgs, path, schema->variants, NULL) < 0)
        return -1;
    for (const char *const *v = schema->variants; *v; v++) {
        if (s_get(ld, msgs, path, *v, JSON_OBJECT, true, &m) < 0)
            return -1;
        snprintf(vpath, sizeof vpath, "%s.%s", path, *v);
        if (s_check_keys(ld, m, vpath, lang_keys, NULL) < 0 ||
            s_get(ld, m, vpath, "zh", JSON_STRING, true, &zh) < 0 ||
            s_get(ld, m, vpath, "en", JSON_STRING, true, &en) < 0 ||
            s_check_template(ld, json_string_value(zh), vpath, schema->vars) < 0 ||
            s_check_template(ld, json_string_value(en), vpath, schema->vars) < 0)
            return -1;
        self->messages =
            vouch_realloc(self->messages, (self->nmessages + 1) * sizeof *self->messages);
        self->messages[self->nmessages++] =
            (s_message_t){id, *v, json_string_value(zh), json_string_value(en)};
    }
    return 0;
}

/* ---- rules ---- */

static int s_parse_rule(s_load_t *ld, const json_t *rule, const char *id, vouch_policy_rule_t *out)
{
    static const char *const base_keys[] = {"version", "severity", "enabled", "messages", NULL};
    static const char *const misclass_keys[] = {"families", NULL};
    static const char *const payee_keys[] = {"ignore_chars", NULL};
    static const char *const retro_keys[] = {"codes", "contract_needs_approval", NULL};
    static const char *const stale_keys[] = {"document_kinds", NULL};
    static const char *const missing_keys[] = {"signed_document_kinds", NULL};
    vouch_policy_t *self = ld->self;
    char path[128];
    snprintf(path, sizeof path, "rules.%s", id);
    json_t *v, *sev, *en;

    if (!json_is_object(rule))
        return s_fail(ld, "key %s must be an object", path);
    if (s_get(ld, rule, path, "version", JSON_INTEGER, true, &v) < 0 ||
        s_get(ld, rule, path, "severity", JSON_STRING, true, &sev) < 0 ||
        s_get(ld, rule, path, "enabled", JSON_TRUE, false, &en) < 0)
        return -1;
    out->id = id;
    out->version = (int)json_integer_value(v);
    out->severity = json_string_value(sev);
    out->enabled = !en || json_is_true(en);
    if (out->version < 1)
        return s_fail(ld, "key %s.version must be 1 or more", path);
    if (strcmp(out->severity, "high") && strcmp(out->severity, "medium") &&
        strcmp(out->severity, "low"))
        return s_fail(ld, "key %s.severity must be high, medium or low", path);

    /* A rule this build runs must mean what the policy says it means. */
    int built = vouch_rules_version(id);
    if (built && built != out->version)
        return s_fail(ld,
                      "key %s.version: the policy defines version %d, this build runs "
                      "version %d",
                      path, out->version, built);

    const s_schema_t *schema = s_schema(id);
    if (!schema)
        return 0; /* run elsewhere (SQL) or by a newer build: its keys are its own */

    const char *const *extra = NULL;
    if (strcmp(id, "MISCLASS_EXPENSE") == 0)
        extra = misclass_keys;
    else if (strcmp(id, "PAYEE_MISMATCH") == 0)
        extra = payee_keys;
    else if (strcmp(id, "RETROACTIVE_APPROVAL") == 0)
        extra = retro_keys;
    else if (strcmp(id, "STALE_DOCUMENT") == 0)
        extra = stale_keys;
    else if (strcmp(id, "MISSING_DOCUMENT") == 0)
        extra = missing_keys;
    if (s_check_keys(ld, rule, path, base_keys, extra) < 0 ||
        s_parse_messages(ld, rule, id, schema) < 0)
        return -1;

    if (strcmp(id, "MISCLASS_EXPENSE") == 0)
        return s_parse_families(ld, rule);
    if (strcmp(id, "PAYEE_MISMATCH") == 0)
        return s_words_key(ld, rule, path, "ignore_chars", &self->words[VOUCH_POLICY_NAME_IGNORE]);
    if (strcmp(id, "RETROACTIVE_APPROVAL") == 0) {
        json_t *b;
        if (s_codes_key(ld, rule, path, "codes", &self->codes[VOUCH_POLICY_APPROVAL_CODES]) < 0 ||
            s_get(ld, rule, path, "contract_needs_approval", JSON_TRUE, true, &b) < 0)
            return -1;
        self->contract_needs_approval = json_is_true(b);
        return 0;
    }
    if (strcmp(id, "STALE_DOCUMENT") == 0)
        return s_words_key(ld, rule, path, "document_kinds",
                           &self->words[VOUCH_POLICY_STALE_KINDS]);
    if (strcmp(id, "MISSING_DOCUMENT") == 0)
        return s_words_key(ld, rule, path, "signed_document_kinds",
                           &self->words[VOUCH_POLICY_SIGNED_KINDS]);
    return 0;
}

static int s_parse_rules(s_load_t *ld, const json_t *prof)
{
    vouch_policy_t *self = ld->self;
    json_t *rules, *rule;
    const char *id;
    if (s_get(ld, prof, "", "rules", JSON_OBJECT, true, &rules) < 0)
        return -1;
    /* every rule this build runs must be there: "enabled": false turns one off */
    for (const char *const *r = vouch_rules_ids; *r; r++)
        if (!json_object_get(rules, *r))
            return s_fail(ld, "key rules.%s is missing", *r);
    self->rules = s_own(self, vouch_calloc(json_object_size(rules) + 1, sizeof *self->rules));
    json_object_foreach(rules, id, rule)
    {
        if (id[0] == '_')
            continue;
        if (s_parse_rule(ld, rule, id, &self->rules[self->nrules]) < 0)
            return -1;
        self->nrules++;
    }
    return 0;
}

/* ---- profiles and extends ---- */

/* Apply child over parent (a deep copy the caller owns): objects merge key by
 * key, the child wins, null removes the key; anything else is replaced whole. */
static void s_merge(json_t *dst, const json_t *src, bool top)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)src, key, v)
    {
        if (top && strcmp(key, "extends") == 0)
            continue;
        json_t *d = json_object_get(dst, key);
        if (json_is_null(v))
            json_object_del(dst, key);
        else if (d && json_is_object(d) && json_is_object(v))
            s_merge(d, v, false);
        else
            json_object_set_new(dst, key, json_deep_copy(v));
    }
}

/* The selected profile with extends applied: a new reference. */
static json_t *s_select(s_load_t *ld, const json_t *profiles, const char *name)
{
    json_t *prof = json_object_get(profiles, name);
    if (!prof) {
        s_fail(ld, "no such profile in the policy");
        return NULL;
    }
    if (!json_is_object(prof)) {
        s_fail(ld, "key profiles.%s must be an object", name);
        return NULL;
    }
    json_t *ext = json_object_get(prof, "extends");
    if (!ext)
        return json_incref(prof);
    if (!json_is_string(ext)) {
        s_fail(ld, "key extends must be a string naming a profile");
        return NULL;
    }
    const char *pname = json_string_value(ext);
    json_t *parent = json_object_get(profiles, pname);
    if (!parent || !json_is_object(parent)) {
        s_fail(ld, "extends names \"%s\", which is not a profile of the policy", pname);
        return NULL;
    }
    if (strcmp(pname, name) == 0 || json_object_get(parent, "extends")) {
        s_fail(ld, "extends names \"%s\", which itself extends a profile: one level only", pname);
        return NULL;
    }
    json_t *merged = json_deep_copy(parent);
    s_merge(merged, prof, true);
    return merged;
}

static int s_parse_profile(s_load_t *ld, const json_t *prof)
{
    static const char *const keys[] = {"extends",
                                       "description",
                                       "fiscal_years",
                                       "thresholds",
                                       "econ_classification",
                                       "general_indicator_names",
                                       "sangong_codes",
                                       "organisation_markers",
                                       "procurement",
                                       "accounts",
                                       "rules",
                                       NULL};
    if (s_check_keys(ld, prof, "", keys, NULL) < 0 || s_parse_years(ld, prof) < 0 ||
        s_parse_thresholds(ld, prof) < 0 || s_parse_econ(ld, prof) < 0 ||
        s_parse_lists(ld, prof) < 0 || s_parse_rules(ld, prof) < 0)
        return -1;
    return 0;
}

/* ---- public ---- */

void vouch_policy_hash(const char *data, size_t len, char out[17])
{
    char hex[65];
    vouch_sha256_hex(data, len, hex);
    memcpy(out, hex, 16);
    out[16] = '\0';
}

vouch_policy_t *vouch_policy_new(const char *json_text, size_t len, const char *profile,
                                 vouch_error_t *err)
{
    vouch_policy_t *self = vouch_calloc(1, sizeof *self);
    s_load_t ld = {self, profile ? profile : S_DEFAULT_PROFILE, err};
    json_error_t jerr;
    json_t *profiles, *fmt;

    self->profile = vouch_strdup(ld.profile);
    vouch_policy_hash(json_text, len, self->version);
    self->root = json_loadb(json_text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!self->root) {
        if (err) {
            /* FILE:LINE: column N: reason, as every input error reads */
            err->line = jerr.line > 0 ? jerr.line : 0;
            if (jerr.column > 0)
                snprintf(err->column, sizeof err->column, "%d", jerr.column);
            vouch_error_set(err, "policy is not valid JSON: %s", jerr.text);
        }
        goto fail;
    }
    if (!json_is_object(self->root)) {
        vouch_error_set(err, "policy must be a JSON object");
        goto fail;
    }
    fmt = json_object_get(self->root, "format");
    if (!json_is_integer(fmt) || json_integer_value(fmt) != 1) {
        vouch_error_set(err, "policy key format must be 1 (the only format this build reads)");
        goto fail;
    }
    profiles = json_object_get(self->root, "profiles");
    if (!json_is_object(profiles)) {
        vouch_error_set(err, "policy key profiles is missing or not an object");
        goto fail;
    }
    self->profile_json = s_select(&ld, profiles, ld.profile);
    if (!self->profile_json || s_parse_profile(&ld, self->profile_json) < 0)
        goto fail;
    return self;
fail:
    vouch_policy_destroy(&self);
    return NULL;
}

vouch_policy_t *vouch_policy_new_from_file(const char *path, const char *profile,
                                           vouch_error_t *err)
{
    size_t len;
    char *data = vouch_file_read(path, S_MAX_POLICY_BYTES, &len, err);
    vouch_policy_t *self = data ? vouch_policy_new(data, len, profile, err) : NULL;
    if (!self && err)
        snprintf(err->file, sizeof err->file, "%s", path);
    free(data);
    return self;
}

void vouch_policy_destroy(vouch_policy_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_policy_t *self = *self_p;
    for (size_t i = 0; i < self->nowned; i++)
        free(self->owned[i]);
    free(self->owned);
    free(self->messages);
    json_decref(self->profile_json);
    json_decref(self->root);
    free(self->profile);
    free(self);
    *self_p = NULL;
}

const char *vouch_policy_version(const vouch_policy_t *self)
{
    return self->version;
}

const char *vouch_policy_profile(const vouch_policy_t *self)
{
    return self->profile;
}

const json_t *vouch_policy_json(const vouch_policy_t *self)
{
    return self->profile_json;
}

bool vouch_policy_applies_to_year(const vouch_policy_t *self, int year)
{
    return (!self->year_from || year >= self->year_from) &&
           (!self->year_to || year <= self->year_to);
}

const vouch_policy_codes_t *vouch_policy_codes(const vouch_policy_t *self,
                                               vouch_policy_codes_id_t id)
{
    return &self->codes[id];
}

const vouch_policy_words_t *vouch_policy_words(const vouch_policy_t *self,
                                               vouch_policy_words_id_t id)
{
    return &self->words[id];
}

int64_t vouch_policy_emall_floor(const vouch_policy_t *self)
{
    return self->emall_floor;
}

int64_t vouch_policy_gov_limit(const vouch_policy_t *self)
{
    return self->gov_limit;
}

int vouch_policy_stale_days(const vouch_policy_t *self)
{
    return self->stale_days;
}

int vouch_policy_max_person_name(const vouch_policy_t *self)
{
    return self->max_person_name;
}

bool vouch_policy_contract_needs_approval(const vouch_policy_t *self)
{
    return self->contract_needs_approval;
}

const vouch_policy_econ_t *vouch_policy_econ(const vouch_policy_t *self, int fiscal_year)
{
    for (size_t i = 0; i < self->neditions; i++) {
        const vouch_policy_econ_t *e = &self->editions[i];
        if ((!e->year_from || fiscal_year >= e->year_from) &&
            (!e->year_to || fiscal_year <= e->year_to))
            return e;
    }
    return NULL;
}

const char *vouch_policy_econ_edition(const vouch_policy_econ_t *econ)
{
    return econ ? econ->key : NULL;
}

const char *vouch_policy_econ_title(const vouch_policy_econ_t *econ)
{
    return econ ? econ->title : NULL;
}

static const s_econ_t *s_econ_find(const vouch_policy_econ_t *econ, const char *code)
{
    if (!econ || !code || !code[0])
        return NULL;
    s_econ_t key = {code, NULL};
    return bsearch(&key, econ->codes, econ->ncodes, sizeof key, s_econ_cmp);
}

const char *vouch_policy_econ_name(const vouch_policy_econ_t *econ, const char *code)
{
    const s_econ_t *e = s_econ_find(econ, code);
    return e ? e->name : NULL;
}

bool vouch_policy_econ_known(const vouch_policy_econ_t *econ, const char *code)
{
    return s_econ_find(econ, code) != NULL;
}

const char *vouch_policy_econ_code(const vouch_policy_econ_t *econ, const char *code)
{
    const s_econ_t *e = s_econ_find(econ, code);
    return e ? e->code : NULL;
}

const vouch_policy_words_t *vouch_policy_indicator_words(const vouch_policy_econ_t *econ)
{
    static const vouch_policy_words_t none = {NULL, 0};
    return econ ? &econ->indicator_words : &none;
}

const vouch_policy_term_t *vouch_policy_indicator_term(const vouch_policy_econ_t *econ, int tag)
{
    if (!econ || tag < 0 || (size_t)tag >= econ->nterms)
        return NULL;
    return &econ->terms[tag];
}

const vouch_policy_family_t *vouch_policy_families(const vouch_policy_t *self, size_t *n)
{
    *n = self->nfamilies;
    return self->families;
}

const vouch_policy_rule_t *vouch_policy_rule(const vouch_policy_t *self, const char *id)
{
    for (size_t i = 0; i < self->nrules; i++)
        if (strcmp(self->rules[i].id, id) == 0)
            return &self->rules[i];
    return NULL;
}

const char *vouch_policy_message(const vouch_policy_t *self, const char *rule, const char *variant,
                                 const char *lang)
{
    for (size_t i = 0; i < self->nmessages; i++) {
        const s_message_t *m = &self->messages[i];
        if (strcmp(m->rule, rule) == 0 && strcmp(m->variant, variant) == 0)
            return strcmp(lang, "en") == 0 ? m->en : m->zh;
    }
    return NULL;
}
