/* policy_lint.c: every profile of a policy file through the loader vouchd
 * uses (so lint and vouchd never disagree on what loads), then the checks one
 * profile's loading cannot make: codes that name nothing in the economic
 * classification, thresholds that contradict each other, backwards fiscal
 * years, rule ids no part of vouch knows. Each problem names its JSON path in
 * the file: the child profile's when the child wrote the key, the parent's when
 * it was inherited. */
#include "policy_lint.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "money.h"
#include "ledger_rules.h"
#include "policy.h"
#include "rules_catalog.h"

typedef struct {
    json_t *profiles_raw; /* borrowed: the document's "profiles" */
    json_t *problems;     /* the report's array */
    const char *profile;  /* the profile being checked, or NULL */
    const char *parent;   /* what it extends, or NULL */
    int errors, warnings;
} s_lint_t;

static void s_problem(s_lint_t *lt, bool error, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void s_problem(s_lint_t *lt, bool error, const char *path, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    json_t *p = json_pack("{s:s, s:s*, s:s*, s:s}", "severity", error ? "error" : "warning",
                          "profile", lt->profile, "path", path, "message", text);
    json_array_append_new(lt->problems, p);
    if (error)
        lt->errors++;
    else
        lt->warnings++;
}

/* Whether rel ("thresholds.emall_floor", "rules.X.codes[2]") is written in
 * obj: objects by key; an array is written whole, so its index is not walked. */
static bool s_written(const json_t *obj, const char *rel)
{
    char seg[256];
    const char *p = rel;
    while (*p && obj) {
        size_t n = strcspn(p, ".[");
        if (n == 0 || n >= sizeof seg)
            return false;
        memcpy(seg, p, n);
        seg[n] = '\0';
        if (!json_is_object(obj))
            return false;
        obj = json_object_get(obj, seg);
        if (!obj)
            return false;
        p += n;
        if (*p == '[')
            return true;
        if (*p == '.')
            p++;
    }
    return obj != NULL;
}

/* The path in the file of a key of the profile being checked, into out. */
static const char *s_path(const s_lint_t *lt, const char *rel, char *out, size_t size)
{
    const char *owner = lt->profile;
    if (lt->parent && !s_written(json_object_get(lt->profiles_raw, lt->profile), rel) &&
        s_written(json_object_get(lt->profiles_raw, lt->parent), rel))
        owner = lt->parent;
    snprintf(out, size, "profiles.%s.%s", owner, rel);
    return out;
}

/* The key a loader message names: the word after "key ", else the first
 * word that looks like a path ("procurement.scope_codes[2]"). */
static bool s_message_key(const char *text, char *out, size_t size)
{
    const char *k = strstr(text, "key ");
    const char *p = k ? k + 4 : text;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = 0;
        bool pathlike = false;
        while (p[n] && (isalnum((unsigned char)p[n]) || strchr("_.[]-", p[n]))) {
            pathlike = pathlike || p[n] == '.' || p[n] == '[';
            n++;
        }
        while (n > 0 && p[n - 1] == '.')
            n--; /* a sentence's full stop */
        /* a path, or a key that opens the message ("sangong_codes: ...") */
        bool opening = p == text && p[n] == ':';
        if (n > 0 && n < size && (k || pathlike || opening) && isalpha((unsigned char)p[0])) {
            memcpy(out, p, n);
            out[n] = '\0';
            return true;
        }
        if (k)
            return false;
        p += n;
        while (*p && *p != ' ')
            p++;
    }
    return false;
}

/* ---- what loading one profile lets through ---- */

typedef enum { S_CODE_EXACT, S_CODE_OR_PREFIX } s_code_kind_t;

/* A code of an edition of the table, or (OR_PREFIX) a class or a prefix of
 * codes of one: a code list serves every fiscal year the profile covers. */
static bool s_code_known(const vouch_policy_t *policy, const json_t *prof, const char *code,
                         s_code_kind_t kind)
{
    (void)policy;
    const json_t *eds = json_object_get(json_object_get(prof, "econ_classification"), "editions");
    const char *ek, *key;
    json_t *ed, *v;
    size_t n = strlen(code);
    json_object_foreach((json_t *)eds, ek, ed)
    {
        const json_t *codes = json_object_get(ed, "codes");
        if (json_object_get(codes, code))
            return true;
        if (kind == S_CODE_EXACT)
            continue;
        if (json_object_get(json_object_get(ed, "classes"), code))
            return true;
        json_object_foreach((json_t *)codes, key, v)
        {
            if (strncmp(key, code, n) == 0)
                return true;
        }
    }
    return false;
}

static void s_check_code(s_lint_t *lt, const vouch_policy_t *policy, const json_t *prof,
                         const char *rel, const char *code, s_code_kind_t kind)
{
    char path[512];
    if (!code || s_code_known(policy, prof, code, kind))
        return;
    s_problem(lt, true, s_path(lt, rel, path, sizeof path),
              "\"%s\" is not a code of the economic classification%s", code,
              kind == S_CODE_OR_PREFIX ? " (nor a prefix of one)" : "");
}

static void s_check_code_list(s_lint_t *lt, const vouch_policy_t *policy, const json_t *prof,
                              const char *rel, const json_t *arr, s_code_kind_t kind)
{
    size_t i;
    json_t *v;
    json_array_foreach((json_t *)arr, i, v)
    {
        char item[400];
        snprintf(item, sizeof item, "%s[%zu]", rel, i);
        s_check_code(lt, policy, prof, item, json_string_value(v), kind);
    }
}

/* Keys inside rule entries that hold economic codes (RULES.md's code sets). */
static bool s_is_code_list_key(const char *key)
{
    return strcmp(key, "codes") == 0 || strcmp(key, "codes_forbidden") == 0 ||
           strcmp(key, "codes_allowed") == 0 || strcmp(key, "scope_codes") == 0;
}

static void s_walk_rule_codes(s_lint_t *lt, const vouch_policy_t *policy, const json_t *prof,
                              const char *rel, const json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (key[0] == '_')
            continue;
        char sub[400];
        snprintf(sub, sizeof sub, "%s.%s", rel, key);
        if (json_is_array(v) && s_is_code_list_key(key))
            s_check_code_list(lt, policy, prof, sub, v, S_CODE_OR_PREFIX);
        else if (json_is_string(v) && strcmp(key, "suggested_code") == 0)
            s_check_code(lt, policy, prof, sub, json_string_value(v), S_CODE_EXACT);
        else if (json_is_object(v) && strcmp(key, "messages") != 0)
            s_walk_rule_codes(lt, policy, prof, sub, v);
    }
}

static void s_check_thresholds(s_lint_t *lt, const json_t *prof)
{
    const json_t *t = json_object_get(prof, "thresholds");
    const char *floor_s = json_string_value(json_object_get(t, "emall_floor"));
    const char *limit_s = json_string_value(json_object_get(t, "gov_limit"));
    int64_t floor = 0, limit = 0;
    char path[512];
    /* the loader reads a blank amount as 0; a threshold must be written */
    static const char *const keys[] = {"emall_floor", "gov_limit"};
    const char *vals[] = {floor_s, limit_s};
    bool bad = false;
    for (int i = 0; i < 2; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "thresholds.%s", keys[i]);
        const char *s = vals[i] ? vals[i] : "";
        size_t k = strspn(s, " ");
        if (s[k] == '\0') {
            s_problem(lt, true, s_path(lt, rel, path, sizeof path),
                      "\"%s\" is not an amount such as \"100000.00\"", s);
            bad = true;
        }
    }
    if (bad || vouch_money_parse(floor_s, strlen(floor_s), &floor) != 0 ||
        vouch_money_parse(limit_s, strlen(limit_s), &limit) != 0)
        return;
    if (floor == 0)
        s_problem(lt, false, s_path(lt, "thresholds.emall_floor", path, sizeof path),
                  "0: every in-scope purchase, however small, needs a procurement channel");
    if (limit < floor)
        s_problem(lt, true, s_path(lt, "thresholds.gov_limit", path, sizeof path),
                  "%s is below thresholds.emall_floor %s: gov_limit must be at least the floor",
                  limit_s, floor_s);
}

static void s_check_years(s_lint_t *lt, const json_t *prof)
{
    const json_t *fy = json_object_get(prof, "fiscal_years");
    json_t *from = json_object_get(fy, "from"), *to = json_object_get(fy, "to");
    char path[512];
    if (json_is_integer(from) && json_is_integer(to) &&
        json_integer_value(from) > json_integer_value(to))
        s_problem(lt, true, s_path(lt, "fiscal_years", path, sizeof path),
                  "from %lld is after to %lld: the profile applies to no year",
                  (long long)json_integer_value(from), (long long)json_integer_value(to));
    for (int i = 0; i < 2; i++) {
        json_t *y = i ? to : from;
        if (json_is_integer(y) && (json_integer_value(y) < 1950 || json_integer_value(y) > 2200))
            s_problem(lt, true,
                      s_path(lt, i ? "fiscal_years.to" : "fiscal_years.from", path, sizeof path),
                      "%lld is not a fiscal year", (long long)json_integer_value(y));
    }
}

static void s_check_rules(s_lint_t *lt, const vouch_policy_t *policy, const json_t *prof)
{
    const json_t *rules = json_object_get(prof, "rules");
    const char *id;
    json_t *entry;
    char path[512], rel[300];
    json_object_foreach((json_t *)rules, id, entry)
    {
        if (id[0] == '_')
            continue;
        snprintf(rel, sizeof rel, "rules.%s", id);
        vouch_rules_catalog_t c;
        if (!vouch_rules_catalog_get(id, &c)) {
            s_problem(lt, false, s_path(lt, rel, path, sizeof path),
                      "no part of vouch knows a rule %s (a typo?): it never runs", id);
            continue;
        }
        /* the loader holds worker rules to the build's version; vouchd's too */
        json_t *v = json_object_get(entry, "version");
        if (c.built && c.at != VOUCH_RULES_AT_WORKER && json_is_integer(v) &&
            json_integer_value(v) != c.build_version) {
            snprintf(rel, sizeof rel, "rules.%s.version", id);
            s_problem(lt, true, s_path(lt, rel, path, sizeof path),
                      "the policy defines version %lld, this build runs version %d",
                      (long long)json_integer_value(v), c.build_version);
        }
        snprintf(rel, sizeof rel, "rules.%s", id);
        s_walk_rule_codes(lt, policy, prof, rel, entry);
    }
    for (const char *const *r = vouch_rules_catalog_ids; *r; r++) {
        vouch_rules_catalog_t c;
        if (vouch_rules_catalog_get(*r, &c) && c.built && !json_object_get(rules, *r)) {
            snprintf(rel, sizeof rel, "rules.%s", *r);
            s_problem(lt, false, s_path(lt, rel, path, sizeof path),
                      "missing: this build runs %s, but not under this profile", *r);
        }
    }
}

static void s_check_profile(s_lint_t *lt, const vouch_policy_t *policy)
{
    const json_t *prof = vouch_policy_json(policy);
    s_check_thresholds(lt, prof);
    s_check_years(lt, prof);
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(prof, "sangong_codes"), key, v)
    {
        if (key[0] == '_')
            continue;
        char rel[300];
        snprintf(rel, sizeof rel, "sangong_codes.%s", key);
        s_check_code(lt, policy, prof, rel, key, S_CODE_EXACT);
    }
    s_check_code_list(lt, policy, prof, "procurement.scope_codes",
                      json_object_get(json_object_get(prof, "procurement"), "scope_codes"),
                      S_CODE_OR_PREFIX);
    s_check_rules(lt, policy, prof);
}

/* ---- the document ---- */

/* The loader's reason without its "policy profile NAME: " prefix. */
static const char *s_reason(const char *text, const char *profile)
{
    char prefix[300];
    snprintf(prefix, sizeof prefix, "policy profile %s: ", profile);
    size_t n = strlen(prefix);
    return strncmp(text, prefix, n) == 0 ? text + n : text;
}

static json_t *s_years_json(const json_t *prof)
{
    const json_t *fy = json_object_get(prof, "fiscal_years");
    if (!json_is_object(fy))
        return json_null();
    json_t *from = json_object_get(fy, "from"), *to = json_object_get(fy, "to");
    return json_pack("{s:O, s:O}", "from", json_is_integer(from) ? from : json_null(), "to",
                     json_is_integer(to) ? to : json_null());
}

json_t *vouch_policy_lint(const char *bytes, size_t len)
{
    json_t *report = json_object();
    json_t *profiles_out = json_array();
    s_lint_t lt = {.problems = json_array()};
    char version[17];
    vouch_policy_hash(bytes, len, version);

    json_error_t jerr;
    json_t *root = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        json_array_append_new(lt.problems,
                              json_pack("{s:s, s:n, s:n, s:s+, s:i, s:i}", "severity", "error",
                                        "profile", "path", "message", "not valid JSON: ", jerr.text,
                                        "line", jerr.line, "column", jerr.column));
        lt.errors++;
        goto done;
    }
    const char *key;
    json_t *v;
    if (!json_is_object(root)) {
        s_problem(&lt, true, NULL, "a policy is a JSON object");
        goto done;
    }
    json_object_foreach(root, key, v)
    {
        if (key[0] != '_' && strcmp(key, "format") != 0 && strcmp(key, "profiles") != 0)
            s_problem(&lt, true, key, "unknown key %s (a policy holds format and profiles)", key);
    }
    v = json_object_get(root, "format");
    if (!json_is_integer(v) || json_integer_value(v) != 1) {
        /* every profile would fail the same way: say it once */
        s_problem(&lt, true, "format", "format must be 1 (the only format this build reads)");
        goto done;
    }
    lt.profiles_raw = json_object_get(root, "profiles");
    if (!json_is_object(lt.profiles_raw) || json_object_size(lt.profiles_raw) == 0) {
        s_problem(&lt, true, "profiles", "profiles is missing, empty or not an object");
        goto done;
    }

    json_t *raw;
    json_object_foreach(lt.profiles_raw, key, raw)
    {
        if (key[0] == '_')
            continue;
        int errors_before = lt.errors;
        lt.profile = key;
        lt.parent = json_string_value(json_object_get(raw, "extends"));
        vouch_error_t err;
        vouch_error_clear(&err);
        vouch_policy_t *policy = vouch_policy_new(bytes, len, key, &err);
        json_t *merged = NULL;
        if (policy) {
            s_check_profile(&lt, policy);
            /* the rules PostgreSQL runs check their own sections */
            char *params = vouch_ledger_rules_params(policy, &err);
            if (!params) {
                const char *reason = s_reason(err.text, key);
                char rel[256], path[512];
                s_problem(&lt, true,
                          s_message_key(reason, rel, sizeof rel)
                              ? s_path(&lt, rel, path, sizeof path)
                              : NULL,
                          "%s", reason);
            }
            free(params);
            merged = json_incref((json_t *)vouch_policy_json(policy));
        } else {
            const char *reason = s_reason(err.text, key);
            char rel[256], path[512];
            const char *where =
                s_message_key(reason, rel, sizeof rel) ? s_path(&lt, rel, path, sizeof path) : NULL;
            /* a parent that does not load fails every child the same way */
            vouch_error_t perr;
            vouch_error_clear(&perr);
            vouch_policy_t *parent =
                lt.parent && json_is_object(json_object_get(lt.profiles_raw, lt.parent))
                    ? vouch_policy_new(bytes, len, lt.parent, &perr)
                    : NULL;
            bool inherited = lt.parent && !parent && perr.text[0] &&
                             strcmp(s_reason(perr.text, lt.parent), reason) == 0;
            vouch_policy_destroy(&parent);
            /* the path is said once: "key X: reason" reads "reason" after it */
            size_t rl = where ? strlen(rel) : 0;
            if (where && strncmp(reason, "key ", 4) == 0 && strncmp(reason + 4, rel, rl) == 0 &&
                reason[4 + rl] == ':')
                reason += 4 + rl + 1 + (reason[5 + rl] == ' ');
            else if (where && strncmp(reason, rel, rl) == 0 && reason[rl] == ':')
                reason += rl + 1 + (reason[rl + 1] == ' ');
            s_problem(&lt, true, where, "%s%s%s%s", reason, inherited ? " (inherited from " : "",
                      inherited ? lt.parent : "", inherited ? ")" : "");
        }
        const json_t *shown = merged ? merged : raw;
        json_t *desc = json_object_get(shown, "description");
        json_array_append_new(
            profiles_out, json_pack("{s:s, s:s*, s:o, s:s*, s:b}", "name", key, "extends",
                                    lt.parent, "fiscal_years", s_years_json(shown), "description",
                                    json_string_value(desc), "ok", lt.errors == errors_before));
        json_decref(merged);
        vouch_policy_destroy(&policy);
    }
    lt.profile = lt.parent = NULL;

done:
    json_object_set_new(report, "profiles", profiles_out);
    json_object_set_new(report, "problems", lt.problems);
    json_object_set_new(report, "version", json_string(version));
    json_object_set_new(report, "errors", json_integer(lt.errors));
    json_object_set_new(report, "warnings", json_integer(lt.warnings));
    json_decref(root);
    return report;
}
