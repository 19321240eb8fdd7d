/* cmd_rules.c: `vouchctl rules list | lint FILE | explain RULE`: the policy as
 * a tool. Everything printed about a rule comes from the policy file (words,
 * codes, thresholds, severities, messages) and from the build (where a rule
 * runs, the columns it reads); nothing here restates a rule in its own words.
 * Needs no vouchd or database: the policy is read from vouch.conf's
 * policy_file, or --policy FILE. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "ctl.h"
#include "file.h"
#include "money.h"
#include "policy.h"
#include "policy_lint.h"
#include "policy_set.h"
#include "rules.h"
#include "rules_catalog.h"
#include "table.h"
#include "text.h"

#define S_DEFAULT_POLICY VOUCH_SOURCE_DIR "/deploy/policy/cn-default.json"
#define S_LABEL_WIDTH 46
#define S_NOTE_WIDTH 100

static void s_usage(FILE *out)
{
    fprintf(
        out,
        "usage: vouchctl rules [list] [--profile P | --org NAME [--year YEAR]] [--policy FILE]\n"
        "                      [--format table|json]\n"
        "       vouchctl rules lint FILE [--format table|json]\n"
        "       vouchctl rules explain RULE [--profile P | --org NAME [--year YEAR]]\n"
        "                                   [--policy FILE]\n"
        "                                   [--format table|json]\n"
        "\n"
        "list     every rule the policy or this build knows: version, severity, where it\n"
        "         runs (worker, vouchd SQL, ingest), whether it runs, the columns it needs\n"
        "lint     check a policy file: every profile, extends, unknown keys and wrong\n"
        "         types (named by their JSON path), codes that are not codes of the\n"
        "         economic classification, thresholds that are not amounts; exit 1 on\n"
        "         an error\n"
        "explain  what RULE means under a profile, from the policy's data: word\n"
        "         families, code sets, thresholds, severity, messages (中文 and English)\n"
        "\n"
        "  --policy FILE   the policy file (default: vouch.conf's policy_file)\n"
        "  --profile P     the profile (default: vouch.conf's policy_profile)\n"
        "  --org NAME [--year YEAR]\n"
        "                  the profile that unit's ledgers (of that fiscal year) run under,\n"
        "                  as vouch.conf's profile.<unit> lines choose it\n"
        "\n"
        "Needs no vouchd or database.\n"
        "exit status: 0 done, 1 refused (a policy that does not load, an unknown rule,\n"
        "lint errors), 2 wrong usage\n");
}

typedef struct {
    const char *policy_file;
    const char *profile;
    const char *org;
    int year; /* 0: any */
    int format;
} s_opts_t;

/* ---- labels for the policy format's keys, in both languages ---- */

static const struct {
    const char *key, *zh;
} s_labels[] = {
    {"families", "词族"},
    {"label", "名称"},
    {"words", "关键词"},
    {"together", "同时出现"},
    {"not_inside", "不计入（在下列词中时）"},
    {"unless", "除非摘要同时为"},
    {"codes_forbidden", "不得列支的科目"},
    {"codes_allowed", "只可列支的科目"},
    {"suggested_code", "应列支科目"},
    {"codes", "科目"},
    {"contract_needs_approval", "有合同须事前审批"},
    {"ignore_chars", "比较时忽略的字符"},
    {"document_kinds", "单据种类"},
    {"signed_document_kinds", "须签署的单据"},
    {"window_days", "时间窗（天）"},
    {"books", "账套"},
    {"financial", "财务会计"},
    {"budget", "预算会计"},
    {"messages", "提示语"},
    {"thresholds", "限额"},
    {"emall_floor", "电子卖场限额（元）"},
    {"gov_limit", "政府采购限额（元）"},
    {"stale_days", "单据过期天数"},
    {"procurement", "采购"},
    {"scope_codes", "采购范围科目"},
    {"government_methods", "政府采购方式"},
    {"emall_channels", "电子卖场渠道"},
    {"organisation_markers", "单位名称特征"},
    {"contains", "包含"},
    {"ends_with", "结尾为"},
    {"max_person_name_length", "人名最长字数"},
    {"accounts", "会计科目"},
    {"payment_out_prefixes", "付款科目"},
    {"financial_expense_prefixes", "财务会计费用科目"},
    {"budget_expense_prefixes", "预算会计支出科目"},
    {"general_indicator_names", "通用指标名称"},
    {"sangong_codes", "三公经费科目"},
    {"econ_classification", "支出经济分类科目表"},
    {"edition", "版本"},
    {"classes", "类"},
    {"zh", "中文"},
    {"en", "English"},
};

static const char *s_label(const char *key, char *out, size_t size)
{
    for (size_t i = 0; i < sizeof s_labels / sizeof s_labels[0]; i++)
        if (strcmp(s_labels[i].key, key) == 0) {
            snprintf(out, size, "%s %s", s_labels[i].zh, key);
            return out;
        }
    snprintf(out, size, "%s", key);
    return out;
}

/* ---- rendering the policy's data for people ---- */

/* The fiscal year whose edition of the economic classification names codes
 * (--year, else this year). */
static int s_year;

static const vouch_policy_econ_t *s_econ(const vouch_policy_t *pol)
{
    if (s_year == 0) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        s_year = tm.tm_year + 1900;
    }
    return vouch_policy_econ(pol, s_year);
}

/* The class name of a class code ("302") in the edition, or NULL. */
static const char *s_econ_class(const vouch_policy_t *pol, const char *code)
{
    const char *ed = vouch_policy_econ_edition(s_econ(pol));
    const json_t *eds =
        json_object_get(json_object_get(vouch_policy_json(pol), "econ_classification"), "editions");
    return ed ? json_string_value(
                    json_object_get(json_object_get(json_object_get(eds, ed), "classes"), code))
              : NULL;
}

/* "30217 公务接待费" for a code of the table, "302 商品和服务支出（类）" for a
 * class, the text itself otherwise. */
static void s_value_text(vouch_buf_t *b, const vouch_policy_t *pol, const json_t *v)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        bool digits = s[0] != '\0' && strspn(s, "0123456789") == strlen(s);
        const char *name = digits ? vouch_policy_econ_name(s_econ(pol), s) : NULL;
        const char *cls = digits && !name ? s_econ_class(pol, s) : NULL;
        if (name)
            vouch_buf_printf(b, "%s %s", s, name);
        else if (cls)
            vouch_buf_printf(b, "%s %s（类）", s, cls);
        else
            vouch_buf_puts(b, s);
    } else if (json_is_integer(v))
        vouch_buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_boolean(v))
        vouch_buf_puts(b, json_is_true(v) ? "true" : "false");
    else if (json_is_null(v))
        vouch_buf_puts(b, "(none)");
    else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach((json_t *)v, i, e)
        {
            /* lists of lists: "together" groups, each needing a word */
            vouch_buf_puts(b, i == 0 ? "" : json_is_array(e) ? " + " : "、");
            if (json_is_array(e))
                vouch_buf_putc(b, '(');
            s_value_text(b, pol, e);
            if (json_is_array(e))
                vouch_buf_putc(b, ')');
        }
    } else {
        char *t = json_dumps(v, JSON_COMPACT);
        vouch_buf_puts(b, t);
        free(t);
    }
}

static void s_line(FILE *out, int indent, const char *label, const char *value)
{
    int w = vouch_text_width(label);
    fprintf(out, "%*s%s", indent, "", label);
    if (value) {
        int pad = S_LABEL_WIDTH - indent - w;
        fprintf(out, "%*s%s", pad > 1 ? pad : 1, "", value);
    }
    fputc('\n', out);
}

/* A comment of the policy ("_families": how a family matches), wrapped. */
static void s_note(FILE *out, int indent, const char *text)
{
    const char *label = "注 note";
    int width = S_NOTE_WIDTH - S_LABEL_WIDTH;
    const char *p = text;
    bool first = true;
    while (*p) {
        /* cut at the last space within width bytes (the policy's notes are English) */
        size_t n = strlen(p);
        if ((int)n > width) {
            n = (size_t)width;
            while (n > 0 && p[n] != ' ')
                n--;
            if (n == 0)
                n = strcspn(p, " ");
        }
        char *piece = vouch_strndup(p, n);
        s_line(out, indent, first ? label : "", piece);
        free(piece);
        first = false;
        p += n;
        while (*p == ' ')
            p++;
    }
}

static bool s_is_lang_pair(const json_t *v)
{
    return json_is_object(v) && json_object_size(v) == 2 &&
           json_is_string(json_object_get(v, "zh")) && json_is_string(json_object_get(v, "en"));
}

/* Money keys of the format, shown with thousands separators. */
static bool s_is_money_key(const char *key)
{
    return strcmp(key, "emall_floor") == 0 || strcmp(key, "gov_limit") == 0;
}

static void s_render(FILE *out, const vouch_policy_t *pol, const char *key, const json_t *v,
                     int indent)
{
    char label[160];
    s_label(key, label, sizeof label);
    vouch_buf_t b;
    vouch_buf_init(&b);
    if (s_is_lang_pair(v)) {
        const char *zh = json_string_value(json_object_get(v, "zh"));
        const char *en = json_string_value(json_object_get(v, "en"));
        if (vouch_text_width(zh) + vouch_text_width(en) < 60) {
            vouch_buf_printf(&b, "%s / %s", zh, en);
            s_line(out, indent, label, b.data);
        } else {
            s_line(out, indent, label, NULL);
            s_line(out, indent + 2, "中文", zh);
            s_line(out, indent + 2, "English", en);
        }
    } else if (json_is_object(v)) {
        s_line(out, indent, label, NULL);
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e)
        {
            if (k[0] != '_')
                s_render(out, pol, k, e, indent + 2);
            else if (json_is_string(e))
                s_note(out, indent + 2, json_string_value(e));
        }
    } else {
        int64_t fen;
        const char *s = json_string_value(v);
        if (s && s_is_money_key(key) && vouch_money_parse(s, strlen(s), &fen) == 0) {
            char buf[VOUCH_MONEY_BUFSZ];
            vouch_buf_puts(&b, vouch_money_format_grouped(fen, buf));
        } else
            s_value_text(&b, pol, v);
        s_line(out, indent, label, b.data ? b.data : "");
    }
    vouch_buf_free(&b);
}

/* The value at a dotted path of the profile ("thresholds.emall_floor"), borrowed. */
static json_t *s_at(const json_t *obj, const char *path)
{
    char seg[128];
    const char *p = path;
    while (*p && obj) {
        size_t n = strcspn(p, ".");
        if (n >= sizeof seg)
            return NULL;
        memcpy(seg, p, n);
        seg[n] = '\0';
        obj = json_object_get(obj, seg);
        p += n;
        if (*p == '.')
            p++;
    }
    return (json_t *)obj;
}

/* A copy without the "_comment" keys, for JSON output. New reference. */
static json_t *s_strip(const json_t *v)
{
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e)
        {
            if (k[0] != '_')
                json_object_set_new(o, k, s_strip(e));
        }
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *e;
        json_array_foreach((json_t *)v, i, e) json_array_append_new(a, s_strip(e));
        return a;
    }
    return json_deep_copy(v);
}

/* Every code of the table v mentions, with its name, into names. */
static void s_code_names(const vouch_policy_t *pol, const json_t *v, json_t *names)
{
    if (json_is_string(v)) {
        const char *name = vouch_policy_econ_name(s_econ(pol), json_string_value(v));
        if (name)
            json_object_set_new(names, json_string_value(v), json_string(name));
    } else if (json_is_array(v) || json_is_object(v)) {
        size_t i;
        const char *k;
        json_t *e;
        if (json_is_array(v))
            json_array_foreach((json_t *)v, i, e) s_code_names(pol, e, names);
        else
            json_object_foreach((json_t *)v, k, e)
            {
                if (k[0] == '_')
                    continue;
                const char *name = vouch_policy_econ_name(s_econ(pol), k);
                if (name)
                    json_object_set_new(names, k, json_string(name));
                s_code_names(pol, e, names);
            }
    }
}

/* ---- loading ---- */

static const char *s_policy_file(const vouch_ctl_t *ctl, const s_opts_t *o)
{
    if (o->policy_file)
        return o->policy_file;
    return ctl->cfg ? ctl->cfg->policy_file : S_DEFAULT_POLICY;
}

static const char *s_profile(const vouch_ctl_t *ctl, const s_opts_t *o)
{
    if (o->profile)
        return o->profile;
    return ctl->cfg ? ctl->cfg->policy_profile : "cn-default";
}

static vouch_policy_t *s_load(const vouch_ctl_t *ctl, const s_opts_t *o)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    const char *path = s_policy_file(ctl, o);
    char profile[256];
    snprintf(profile, sizeof profile, "%s", s_profile(ctl, o));
    if (o->org) {
        /* the profile vouchd would choose for the org's ledgers of that year */
        vouch_policy_set_t *set = vouch_policy_set_new_from_file(path, ctl->cfg, &err);
        if (!set) {
            char text[1024];
            vouch_ctl_fail("%s", vouch_error_format(&err, text, sizeof text));
            return NULL;
        }
        snprintf(profile, sizeof profile, "%s",
                 vouch_policy_profile(vouch_policy_set_for(set, o->org, o->year)));
        vouch_policy_set_destroy(&set);
    }
    vouch_policy_t *pol = vouch_policy_new_from_file(path, profile, &err);
    if (!pol) {
        char text[1024];
        vouch_ctl_fail("%s", vouch_error_format(&err, text, sizeof text));
        vouch_ctl_fail("(vouchctl rules lint %s checks every profile of it)", path);
    }
    return pol;
}

/* What a rule's state is under a profile: runs, disabled, not in this build... */
static const char *s_status(const vouch_rules_catalog_t *c, bool known,
                            const vouch_policy_rule_t *r)
{
    if (!known)
        return "unknown to vouch";
    if (!c->built)
        return r ? "not in this build" : "not in this build or the policy";
    if (!r)
        return "not in the policy";
    return r->enabled ? "runs" : "disabled";
}

static json_t *s_needs_json(const vouch_rules_catalog_t *c)
{
    json_t *a = json_array();
    for (size_t i = 0; i < c->nneeds; i++)
        json_array_append_new(a, json_string(c->needs[i]));
    return a;
}

static void s_needs_text(vouch_buf_t *b, const vouch_rules_catalog_t *c)
{
    vouch_buf_reset(b);
    vouch_buf_reserve(b, 0);
    for (size_t i = 0; i < c->nneeds; i++)
        vouch_buf_printf(b, "%s%s", i ? ", " : "", c->needs[i]);
}

/* ---- list ---- */

static bool s_listed(const char *const *ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return true;
    return false;
}

static int s_list(vouch_ctl_t *ctl, const s_opts_t *o)
{
    vouch_policy_t *pol = s_load(ctl, o);
    if (!pol)
        return VOUCH_EXIT_REFUSED;
    /* the catalogue's order (RULES.md's), then what else the policy or the build holds */
    const json_t *rules = json_object_get(vouch_policy_json(pol), "rules");
    size_t cap = json_object_size(rules) + VOUCH_RULES_MAX + 16, n = 0;
    const char **ids = vouch_calloc(cap, sizeof *ids);
    for (const char *const *r = vouch_rules_catalog_ids; *r; r++) {
        vouch_rules_catalog_t c;
        vouch_rules_catalog_get(*r, &c);
        if (c.built || json_object_get(rules, *r))
            ids[n++] = *r;
    }
    for (const char *const *r = vouch_rules_ids; *r && n < cap; r++)
        if (!s_listed(ids, n, *r))
            ids[n++] = *r;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)rules, key, v)
    {
        if (key[0] != '_' && n < cap && !s_listed(ids, n, key))
            ids[n++] = key;
    }

    json_t *arr = json_array();
    const char *headers[] = {"RULE", "VERSION", "SEVERITY", "RUNS IN", "STATUS", "NEEDS"};
    vouch_table_t *t = vouch_table_new(6, headers);
    vouch_buf_t needs;
    vouch_buf_init(&needs);
    for (size_t i = 0; i < n; i++) {
        vouch_rules_catalog_t c;
        bool known = vouch_rules_catalog_get(ids[i], &c);
        const vouch_policy_rule_t *r = vouch_policy_rule(pol, ids[i]);
        const char *status = s_status(&c, known, r);
        s_needs_text(&needs, &c);
        char version[32];
        snprintf(version, sizeof version, "%d", r ? r->version : c.build_version);
        const char *cells[] = {ids[i],
                               (r || c.build_version) ? version : "-",
                               r ? r->severity : "-",
                               known ? vouch_rules_catalog_at_label(c.at) : "?",
                               status,
                               needs.data};
        vouch_table_add(t, cells);
        json_t *needs_json = s_needs_json(&c);
        json_t *ver = r ? json_integer(r->version) : json_null();
        json_t *bver = c.build_version ? json_integer(c.build_version) : json_null();
        json_array_append_new(
            arr, json_pack("{s:s, s:o, s:o, s:s*, s:b, s:s*, s:s, s:b, s:b, s:o}", "rule", ids[i],
                           "version", ver, "build_version", bver, "severity",
                           r ? r->severity : NULL, "enabled", r && r->enabled, "runs_in",
                           known ? vouch_rules_catalog_at_name(c.at) : NULL, "status", status,
                           "in_policy", r != NULL, "in_build", c.built, "needs", needs_json));
    }
    if (o->format == VOUCH_FMT_JSON) {
        json_t *doc = json_pack("{s:s, s:s, s:s, s:O}", "policy_file", s_policy_file(ctl, o),
                                "profile", vouch_policy_profile(pol), "policy_version",
                                vouch_policy_version(pol), "rules", arr);
        json_dumpf(doc, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(doc);
    } else {
        printf("policy %s, profile %s (version %s)\n\n", s_policy_file(ctl, o),
               vouch_policy_profile(pol), vouch_policy_version(pol));
        vouch_table_print(t, stdout);
    }
    vouch_buf_free(&needs);
    vouch_table_destroy(&t);
    json_decref(arr);
    free(ids);
    vouch_policy_destroy(&pol);
    return VOUCH_EXIT_OK;
}

/* ---- explain ---- */

static int s_explain(vouch_ctl_t *ctl, const s_opts_t *o, const char *arg)
{
    char id[128];
    snprintf(id, sizeof id, "%s", arg);
    for (char *p = id; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    vouch_policy_t *pol = s_load(ctl, o);
    if (!pol)
        return VOUCH_EXIT_REFUSED;
    const json_t *prof = vouch_policy_json(pol);
    const json_t *entry = json_object_get(json_object_get(prof, "rules"), id);
    vouch_rules_catalog_t c;
    bool known = vouch_rules_catalog_get(id, &c);
    if (!entry && !known) {
        vouch_ctl_fail("no rule %s in profile %s or in this build (vouchctl rules list names them)",
                       id, vouch_policy_profile(pol));
        vouch_policy_destroy(&pol);
        return VOUCH_EXIT_REFUSED;
    }
    const vouch_policy_rule_t *r = vouch_policy_rule(pol, id);
    const char *status = s_status(&c, known, r);

    /* the parts of the profile the rule reads besides its own entry */
    json_t *uses = json_object();
    char path[128];
    for (const char *p = known ? c.uses : ""; *p;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " ");
        if (n == 0 || n >= sizeof path)
            break;
        memcpy(path, p, n);
        path[n] = '\0';
        json_t *v = s_at(prof, path);
        if (v)
            json_object_set_new(uses, path, s_strip(v));
        p += n;
    }

    if (o->format == VOUCH_FMT_JSON) {
        json_t *names = json_object();
        s_code_names(pol, entry, names);
        s_code_names(pol, uses, names);
        json_t *doc = json_pack(
            "{s:s, s:s, s:s, s:o, s:o, s:s*, s:b, s:s, s:s*, s:o, s:o, s:O, s:o}", "rule", id,
            "profile", vouch_policy_profile(pol), "policy_version", vouch_policy_version(pol),
            "version", r ? json_integer(r->version) : json_null(), "build_version",
            c.build_version ? json_integer(c.build_version) : json_null(), "severity",
            r ? r->severity : NULL, "enabled", r && r->enabled, "status", status, "runs_in",
            known ? vouch_rules_catalog_at_name(c.at) : NULL, "needs", s_needs_json(&c), "settings",
            entry ? s_strip(entry) : json_object(), "profile_settings", uses, "code_names", names);
        json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(doc);
    } else {
        char buf[256];
        vouch_buf_t b;
        vouch_buf_init(&b);
        printf("%s: profile %s, policy %s\n", id, vouch_policy_profile(pol),
               vouch_policy_version(pol));
        const char *desc = json_string_value(json_object_get(prof, "description"));
        if (desc)
            s_line(stdout, 0, "说明 profile", desc);
        if (r) {
            snprintf(buf, sizeof buf, "%d", r->version);
            if (c.build_version && c.build_version != r->version)
                snprintf(buf, sizeof buf, "%d (this build runs %d)", r->version, c.build_version);
        } else
            snprintf(buf, sizeof buf, "(not in the policy)");
        s_line(stdout, 0, "版本 version", buf);
        s_line(stdout, 0, "严重程度 severity", r ? r->severity : "-");
        s_line(stdout, 0, "状态 status", status);
        s_line(stdout, 0, "运行于 runs in", known ? vouch_rules_catalog_at_label(c.at) : "?");
        s_needs_text(&b, &c);
        s_line(stdout, 0, "所需列 needs", b.data);
        vouch_buf_free(&b);
        if (entry) {
            snprintf(buf, sizeof buf, "规则设置 rules.%s", id);
            printf("\n");
            s_line(stdout, 0, buf, NULL);
            const char *k;
            json_t *v;
            json_object_foreach((json_t *)entry, k, v)
            {
                if (k[0] == '_' && json_is_string(v))
                    s_note(stdout, 2, json_string_value(v));
                if (k[0] == '_' || strcmp(k, "version") == 0 || strcmp(k, "severity") == 0 ||
                    strcmp(k, "enabled") == 0)
                    continue;
                s_render(stdout, pol, k, v, 2);
            }
        }
        if (json_object_size(uses) > 0) {
            printf("\n");
            s_line(stdout, 0, "所用配置 from the profile", NULL);
            const char *k;
            json_t *v;
            json_object_foreach(uses, k, v)
            {
                /* the economic classification is long: its size and edition */
                if (strcmp(k, "econ_classification") == 0) {
                    const char *ek;
                    json_t *ed;
                    size_t used = 0;
                    buf[0] = '\0';
                    json_object_foreach(json_object_get(v, "editions"), ek, ed)
                    {
                        int w = snprintf(buf + used, sizeof buf - used,
                                         "%s%s: %zu codes, %zu classes", used ? "; " : "", ek,
                                         json_object_size(json_object_get(ed, "codes")),
                                         json_object_size(json_object_get(ed, "classes")));
                        if (w < 0 || (size_t)w >= sizeof buf - used)
                            break;
                        used += (size_t)w;
                    }
                    char label[160];
                    s_line(stdout, 2, s_label(k, label, sizeof label), buf);
                    continue;
                }
                const char *last = strrchr(k, '.');
                s_render(stdout, pol, last ? last + 1 : k, v, 2);
            }
        }
    }
    json_decref(uses);
    vouch_policy_destroy(&pol);
    return VOUCH_EXIT_OK;
}

/* ---- lint ---- */

static int s_lint(const s_opts_t *o, const char *file)
{
    vouch_error_t err;
    vouch_error_clear(&err);
    size_t len;
    char *bytes = vouch_file_read(file, 16u << 20, &len, &err);
    if (!bytes) {
        snprintf(err.file, sizeof err.file, "%s", file);
        char text[1024];
        vouch_ctl_fail("%s", vouch_error_format(&err, text, sizeof text));
        return VOUCH_EXIT_REFUSED;
    }
    json_t *report = vouch_policy_lint(bytes, len);
    free(bytes);
    long long errors = json_integer_value(json_object_get(report, "errors"));
    long long warnings = json_integer_value(json_object_get(report, "warnings"));
    if (o->format == VOUCH_FMT_JSON) {
        json_object_set_new(report, "file", json_string(file));
        json_dumpf(report, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else {
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(report, "problems"), i, p)
        {
            json_t *line = json_object_get(p, "line");
            const char *path = json_string_value(json_object_get(p, "path"));
            const char *profile = json_string_value(json_object_get(p, "profile"));
            FILE *out = strcmp(json_string_value(json_object_get(p, "severity")), "error") == 0
                            ? stderr
                            : stdout;
            fflush(stdout); /* so that errors and warnings come out in order */
            fprintf(out, "%s:", file);
            if (json_is_integer(line))
                fprintf(out, "%lld: column %lld:", (long long)json_integer_value(line),
                        (long long)json_integer_value(json_object_get(p, "column")));
            fprintf(out, " %s", json_string_value(json_object_get(p, "severity")));
            if (profile)
                fprintf(out, ": profile %s", profile);
            if (path)
                fprintf(out, ": %s", path);
            fprintf(out, ": %s\n", json_string_value(json_object_get(p, "message")));
        }
        json_array_foreach(json_object_get(report, "profiles"), i, p)
        {
            const char *ext = json_string_value(json_object_get(p, "extends"));
            json_t *fy = json_object_get(p, "fiscal_years");
            char years[64] = "all years";
            if (json_is_object(fy)) {
                json_t *from = json_object_get(fy, "from"), *to = json_object_get(fy, "to");
                char a[16] = "", z[16] = "";
                if (json_is_integer(from))
                    snprintf(a, sizeof a, "%lld", (long long)json_integer_value(from));
                if (json_is_integer(to))
                    snprintf(z, sizeof z, "%lld", (long long)json_integer_value(to));
                snprintf(years, sizeof years, "fiscal years %s–%s", a, z);
            }
            /* a profile that does not load has no years to speak of */
            bool ok = json_is_true(json_object_get(p, "ok"));
            char extends[160] = "";
            if (ext)
                snprintf(extends, sizeof extends, "%sextends %s", ok ? ", " : "", ext);
            printf("profile %-20s %-7s %s%s\n", json_string_value(json_object_get(p, "name")),
                   ok ? "ok" : "refused", ok ? years : "", extends);
        }
        printf("%s: policy version %s, %lld error(s), %lld warning(s)\n", file,
               json_string_value(json_object_get(report, "version")), errors, warnings);
    }
    json_decref(report);
    return errors ? VOUCH_EXIT_REFUSED : VOUCH_EXIT_OK;
}

int vouch_cmd_rules(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"policy", required_argument, NULL, 'P'},
        {"profile", required_argument, NULL, 'p'},
        {"org", required_argument, NULL, 'o'},
        {"year", required_argument, NULL, 'y'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    s_opts_t o = {.format = VOUCH_FMT_TABLE};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'P':
            o.policy_file = optarg;
            break;
        case 'p':
            o.profile = optarg;
            break;
        case 'o':
            o.org = optarg;
            break;
        case 'y':
            if (vouch_ctl_year_arg(optarg, &o.year) != 0)
                return VOUCH_EXIT_USAGE;
            s_year = o.year;
            break;
        case 'f':
            if (vouch_ctl_format_table_json(optarg, &o.format) != 0)
                return VOUCH_EXIT_USAGE;
            break;
        case 'h':
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        default:
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (o.org && o.profile) {
        vouch_ctl_fail("--org chooses the profile: give --org or --profile, not both");
        return VOUCH_EXIT_USAGE;
    }
    if (o.org && !ctl->cfg) {
        vouch_ctl_fail("--org needs vouch.conf's profile.<unit> lines: give --home DIR or set "
                       "VOUCH_HOME");
        return VOUCH_EXIT_USAGE;
    }
    if (o.year && !o.org) {
        vouch_ctl_fail("--year goes with --org");
        return VOUCH_EXIT_USAGE;
    }
    const char *sub = optind < argc ? argv[optind] : "list";
    int nargs = argc - optind - (optind < argc ? 1 : 0);
    const char *arg = nargs > 0 ? argv[optind + 1] : NULL;
    if (strcmp(sub, "list") == 0 && nargs == 0)
        return s_list(ctl, &o);
    if (strcmp(sub, "lint") == 0 && nargs == 1) {
        if (o.profile) {
            vouch_ctl_fail("lint checks every profile: --profile does not apply");
            return VOUCH_EXIT_USAGE;
        }
        return s_lint(&o, arg);
    }
    if (strcmp(sub, "explain") == 0 && nargs == 1)
        return s_explain(ctl, &o, arg);
    s_usage(stderr);
    return VOUCH_EXIT_USAGE;
}
