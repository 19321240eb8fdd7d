/* gen_policy.c: the policy words the generator plants with (cn-default as
 * deploy/policy/cn-default.json has it), and the check of this table against
 * a policy file. When the policy changes, `vouch-gen --policy FILE` names each
 * difference; change the list here and the plants that iterate it follow. */
#include "gen_policy.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "money.h"

#define S_WORDS(...)                                                                               \
    {                                                                                              \
        (const char *const[]){__VA_ARGS__},                                                        \
            sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)                      \
    }

static const vouch_gen_econ_t s_econ[] = {
    {"30101", "基本工资"},
    {"30102", "津贴补贴"},
    {"30107", "绩效工资"},
    {"30108", "机关事业单位基本养老保险缴费"},
    {"30110", "职工基本医疗保险缴费"},
    {"30113", "住房公积金"},
    {"30201", "办公费"},
    {"30202", "印刷费"},
    {"30203", "咨询费"},
    {"30204", "手续费"},
    {"30205", "水费"},
    {"30206", "电费"},
    {"30207", "邮电费"},
    {"30209", "物业管理费"},
    {"30211", "差旅费"},
    {"30212", "因公出国（境）费用"},
    {"30213", "维修（护）费"},
    {"30214", "租赁费"},
    {"30215", "会议费"},
    {"30216", "培训费"},
    {"30217", "公务接待费"},
    {"30218", "专用材料费"},
    {"30225", "专用燃料费"},
    {"30226", "劳务费"},
    {"30227", "委托业务费"},
    {"30228", "工会经费"},
    {"30229", "福利费"},
    {"30231", "公务用车运行维护费"},
    {"30239", "其他交通费用"},
    {"30299", "其他商品和服务支出"},
    {"30902", "办公设备购置"},
    {"30913", "公务用车购置"},
    {"31002", "办公设备购置"},
    {"31007", "信息网络及软件购置更新"},
    {"31013", "公务用车购置"},
};

const vouch_gen_policy_t vouch_gen_policy = {
    .venue_words = S_WORDS("场租"),
    .venue_places = S_WORDS("会议室", "会场", "场地", "多功能厅", "报告厅", "礼堂"),
    .venue_rents = S_WORDS("租", "租赁", "租用", "租金"),
    .venue_forbidden = S_WORDS("30217"),
    .training_words = S_WORDS("培训", "讲课", "授课"),
    .training_forbidden = S_WORDS("30215", "30217"),
    .vehicle_words = S_WORDS("加油", "油费", "燃油", "过路费", "通行费", "停车费"),
    .vehicle_car = S_WORDS("车"),
    .vehicle_acts = S_WORDS("维修", "保养", "保险", "年检"),
    .vehicle_not_inside = S_WORDS("车间", "车票", "火车", "动车", "高铁", "乘车"),
    .vehicle_allowed = S_WORDS("30231", "30225"),
    .travel_words = S_WORDS("差旅", "出差"),
    .travel_forbidden = S_WORDS("30215", "30216", "30217"),
    .general_names =
        S_WORDS("公用经费", "日常公用经费", "基本支出", "日常运转经费", "机关运行经费"),
    .sangong = S_WORDS("30212", "30217", "30231", "30913", "31013"),
    .org_contains =
        S_WORDS("公司", "中心", "银行", "宾馆", "酒店", "饭店", "集团", "专户", "账户", "委员会"),
    .org_ends = S_WORDS("店", "厂", "社", "院", "局", "所", "站", "部"),
    .name_ignore = S_WORDS("·", "・", "•", "‧"),
    .max_person_name = 6,
    .scope = S_WORDS("30201", "30202", "30203", "30209", "30213", "30214", "30218", "30227",
                     "30299", "310"),
    .gov_methods = S_WORDS("政府采购", "公开招标", "邀请招标", "竞争性谈判", "竞争性磋商",
                           "单一来源", "询价", "框架协议"),
    .emall_channels = S_WORDS("电子卖场", "网上商城", "网上超市", "协议供货", "定点采购"),
    .non_channels = S_WORDS("", "自行采购", "无", "非政府采购", "其他"),
    .emall_floor = 10000000,
    .gov_limit = 100000000,
    .split_days = 30,
    .approval_codes = S_WORDS("30211", "30215", "30216", "30217"),
    .stale_kinds = S_WORDS("发票", "送货单", "收据", "差旅票据", "单据"),
    .other_kinds = S_WORDS("合同", "审批单", "验收单", "会议纪要", "结算单"),
    .signed_kinds = S_WORDS("合同", "验收单"),
    .stale_days = 180,
    .duplicate_days = 7,
    .pay_out = S_WORDS("1001", "1002", "1011", "4001", "8001"),
    .financial_expense = S_WORDS("5"),
    .budget_expense = S_WORDS("7"),
    .econ = s_econ,
    .necon = sizeof s_econ / sizeof s_econ[0],
};

const char *vouch_gen_econ_name(const char *code)
{
    for (size_t i = 0; i < vouch_gen_policy.necon; i++)
        if (strcmp(s_econ[i].code, code) == 0)
            return s_econ[i].name;
    return NULL;
}

/* ---- the check ---- */

/* profile/key/key/...: a key missing from a profile is looked up in the one
 * it extends (objects merge key by key); null removes it */
static json_t *s_lookup(json_t *profiles, const char *profile, const char *path)
{
    for (int depth = 0; profile && depth < 16; depth++) {
        json_t *p = json_object_get(profiles, profile);
        if (!json_is_object(p))
            return NULL;
        json_t *v = p;
        const char *seg = path;
        while (v && *seg) {
            size_t len = strcspn(seg, "/");
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)len, seg);
            if (json_is_array(v))
                v = json_array_get(v, (size_t)strtoul(key, NULL, 10));
            else
                v = json_object_get(v, key);
            seg += len;
            if (*seg == '/')
                seg++;
        }
        if (v)
            return json_is_null(v) ? NULL : v;
        profile = json_string_value(json_object_get(p, "extends"));
    }
    return NULL;
}

static bool s_in_table(const vouch_gen_words_t *w, const char *s)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->items[i], s) == 0)
            return true;
    return false;
}

/* the policy's strings at path (an array's items, or an object's keys)
 * against the table: each one on one side only is a difference */
static int s_compare(json_t *profiles, const char *profile, const char *path,
                     const vouch_gen_words_t *table, FILE *report)
{
    json_t *v = s_lookup(profiles, profile, path);
    if (!json_is_array(v) && !json_is_object(v)) {
        fprintf(report, "%s: not in the policy (the generator plants %zu words of it)\n", path,
                table->n);
        return 1;
    }
    size_t n = json_is_array(v) ? json_array_size(v) : json_object_size(v), k = 0;
    const char **policy = vouch_calloc(n ? n : 1, sizeof *policy);
    size_t i;
    json_t *item;
    const char *key;
    if (json_is_array(v)) {
        json_array_foreach(v, i, item) if (json_is_string(item)) policy[k++] =
            json_string_value(item);
    } else {
        json_object_foreach(v, key, item) policy[k++] = key;
    }
    int diffs = 0;
    for (i = 0; i < k; i++)
        if (!s_in_table(table, policy[i])) {
            fprintf(report, "%s: the policy has \"%s\", the generator does not plant it\n", path,
                    policy[i]);
            diffs++;
        }
    for (size_t t = 0; t < table->n; t++) {
        bool found = false;
        for (i = 0; i < k && !found; i++)
            found = strcmp(policy[i], table->items[t]) == 0;
        if (!found) {
            fprintf(report, "%s: the generator plants \"%s\", the policy no longer has it\n", path,
                    table->items[t]);
            diffs++;
        }
    }
    free(policy);
    return diffs;
}

/* none of words may be in the policy's list at path (RULES.md's "anything
 * else is no channel", "any other kind") */
static int s_absent(json_t *profiles, const char *profile, const char *path,
                    const vouch_gen_words_t *words, FILE *report)
{
    json_t *v = s_lookup(profiles, profile, path);
    int diffs = 0;
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        const char *s = json_string_value(item);
        if (s && s_in_table(words, s)) {
            fprintf(report, "%s: \"%s\" is now in the policy; the generator plants it as outside\n",
                    path, s);
            diffs++;
        }
    }
    return diffs;
}

static int s_integer(json_t *profiles, const char *profile, const char *path, long want,
                     FILE *report)
{
    json_t *v = s_lookup(profiles, profile, path);
    if (json_is_integer(v) && json_integer_value(v) == want)
        return 0;
    fprintf(report, "%s: the generator plants around %ld, the policy says ", path, want);
    if (json_is_integer(v))
        fprintf(report, "%lld\n", (long long)json_integer_value(v));
    else
        fprintf(report, "nothing usable\n");
    return 1;
}

static int s_money(json_t *profiles, const char *profile, const char *path, int64_t want,
                   FILE *report)
{
    json_t *v = s_lookup(profiles, profile, path);
    const char *s = json_string_value(v);
    int64_t fen = 0;
    if (s && vouch_money_parse(s, strlen(s), &fen) == 0 && fen == want)
        return 0;
    char buf[VOUCH_MONEY_BUFSZ];
    fprintf(report, "%s: the generator plants around %s, the policy says %s\n", path,
            vouch_money_format(want, buf), s ? s : "nothing usable");
    return 1;
}

int vouch_gen_policy_check(const char *path, const char *profile, int year, FILE *report)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        if (jerr.line > 0)
            fprintf(report, "%s:%d: %s\n", path, jerr.line, jerr.text);
        else
            fprintf(report, "%s: %s\n", path, jerr.text);
        return -1;
    }
    json_t *profiles = json_object_get(root, "profiles");
    if (!profile)
        profile = "cn-default";
    if (!json_is_object(json_object_get(profiles, profile))) {
        fprintf(report, "%s: no profile \"%s\"\n", path, profile);
        json_decref(root);
        return -1;
    }
    const vouch_gen_policy_t *p = &vouch_gen_policy;
    const struct {
        const char *path;
        const vouch_gen_words_t *words;
    } lists[] = {
        {"rules/MISCLASS_EXPENSE/families/venue/words", &p->venue_words},
        {"rules/MISCLASS_EXPENSE/families/venue/together/0", &p->venue_places},
        {"rules/MISCLASS_EXPENSE/families/venue/together/1", &p->venue_rents},
        {"rules/MISCLASS_EXPENSE/families/venue/codes_forbidden", &p->venue_forbidden},
        {"rules/MISCLASS_EXPENSE/families/training/words", &p->training_words},
        {"rules/MISCLASS_EXPENSE/families/training/codes_forbidden", &p->training_forbidden},
        {"rules/MISCLASS_EXPENSE/families/vehicle/words", &p->vehicle_words},
        {"rules/MISCLASS_EXPENSE/families/vehicle/together/0", &p->vehicle_car},
        {"rules/MISCLASS_EXPENSE/families/vehicle/together/1", &p->vehicle_acts},
        {"rules/MISCLASS_EXPENSE/families/vehicle/not_inside/车", &p->vehicle_not_inside},
        {"rules/MISCLASS_EXPENSE/families/vehicle/codes_allowed", &p->vehicle_allowed},
        {"rules/MISCLASS_EXPENSE/families/travel/words", &p->travel_words},
        {"rules/MISCLASS_EXPENSE/families/travel/codes_forbidden", &p->travel_forbidden},
        {"general_indicator_names", &p->general_names},
        {"sangong_codes", &p->sangong},
        {"organisation_markers/contains", &p->org_contains},
        {"organisation_markers/ends_with", &p->org_ends},
        {"rules/PAYEE_MISMATCH/ignore_chars", &p->name_ignore},
        {"procurement/scope_codes", &p->scope},
        {"procurement/government_methods", &p->gov_methods},
        {"procurement/emall_channels", &p->emall_channels},
        {"rules/RETROACTIVE_APPROVAL/codes", &p->approval_codes},
        {"rules/STALE_DOCUMENT/document_kinds", &p->stale_kinds},
        {"rules/MISSING_DOCUMENT/signed_document_kinds", &p->signed_kinds},
        {"accounts/payment_out_prefixes", &p->pay_out},
        {"accounts/financial_expense_prefixes", &p->financial_expense},
        {"accounts/budget_expense_prefixes", &p->budget_expense},
    };
    int diffs = 0;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        diffs += s_compare(profiles, profile, lists[i].path, lists[i].words, report);
    diffs +=
        s_absent(profiles, profile, "procurement/government_methods", &p->non_channels, report);
    diffs += s_absent(profiles, profile, "procurement/emall_channels", &p->non_channels, report);
    diffs +=
        s_absent(profiles, profile, "rules/STALE_DOCUMENT/document_kinds", &p->other_kinds, report);
    diffs += s_money(profiles, profile, "thresholds/emall_floor", p->emall_floor, report);
    diffs += s_money(profiles, profile, "thresholds/gov_limit", p->gov_limit, report);
    diffs += s_integer(profiles, profile, "thresholds/stale_days", p->stale_days, report);
    diffs +=
        s_integer(profiles, profile, "rules/SPLIT_PURCHASE/window_days", p->split_days, report);
    diffs += s_integer(profiles, profile, "rules/DUPLICATE_PAYMENT/window_days", p->duplicate_days,
                       report);
    diffs += s_integer(profiles, profile, "organisation_markers/max_person_name_length",
                       p->max_person_name, report);
    /* the edition of the classification that applies to the year */
    const char *edition = NULL, *ek;
    json_t *ed;
    json_object_foreach(s_lookup(profiles, profile, "econ_classification/editions"), ek, ed)
    {
        json_t *from = json_object_get(json_object_get(ed, "fiscal_years"), "from");
        json_t *to = json_object_get(json_object_get(ed, "fiscal_years"), "to");
        if ((!json_is_integer(from) || json_integer_value(from) <= year) &&
            (!json_is_integer(to) || json_integer_value(to) >= year))
            edition = ek;
    }
    if (!edition) {
        fprintf(report, "econ_classification/editions: none applies to %d\n", year);
        diffs++;
    }
    for (size_t i = 0; edition && i < p->necon; i++) {
        char key[96];
        snprintf(key, sizeof key, "econ_classification/editions/%s/codes/%s", edition,
                 p->econ[i].code);
        const char *name = json_string_value(s_lookup(profiles, profile, key));
        if (!name || strcmp(name, p->econ[i].name) != 0) {
            fprintf(report, "%s: the generator books it as \"%s\", the policy names it %s%s%s\n",
                    key, p->econ[i].name, name ? "\"" : "", name ? name : "nothing",
                    name ? "\"" : "");
            diffs++;
        }
    }
    json_decref(root);
    return diffs;
}
