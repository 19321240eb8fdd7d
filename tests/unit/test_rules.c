/* test_rules.c: each per-line rule against both columns of its RULES.md row
 * (when it fires, when it never does), the engine's choice of lines (twins,
 * red ink, budget-only vouchers), and the seed case end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "alloc.h"
#include "csv_import.h"
#include "date.h"
#include "import.h"
#include "money.h"
#include "policy.h"
#include "rules.h"
#include "text.h"
#include "voucher.h"

#define POLICY_PATH VOUCH_SOURCE_DIR "/deploy/policy/cn-default.json"
#define MAX_LINES 64

static vouch_policy_t *s_policy;

/* A batch built in C: lines with literal text (borrowed, static lifetime). */
typedef struct {
    vouch_line_t lines[MAX_LINES];
    size_t n;
    vouch_contract_total_t contracts[8];
    size_t ncontracts;
    json_t *findings;
} batch_t;

static int32_t s_date(const char *s)
{
    int32_t d = VOUCH_DATE_NONE;
    if (s)
        assert_int_equal(vouch_date_parse(s, strlen(s), &d), 0);
    return d;
}

static int64_t s_fen(const char *s)
{
    int64_t fen;
    assert_int_equal(vouch_money_parse(s, strlen(s), &fen), 0);
    return fen;
}

/* A line of voucher 记-vno dated date: account, economic code, debit and
 * credit as yuan strings ("" for none). Everything else blank. */
static vouch_line_t *s_line(batch_t *b, int vno, const char *date, const char *account,
                            const char *econ, const char *debit, const char *credit)
{
    assert_true(b->n < MAX_LINES);
    vouch_line_t *l = &b->lines[b->n];
    memset(l, 0, sizeof *l);
    for (int i = 0; i < VOUCH_T_COUNT; i++)
        l->text[i] = "";
    l->seq = (int64_t)b->n + 1;
    l->text[VOUCH_T_ORG] = "永州市人力资源和社会保障局";
    l->text[VOUCH_T_VOUCHER_WORD] = "记";
    l->text[VOUCH_T_ACCOUNT_CODE] = account;
    l->text[VOUCH_T_ECON_CODE] = econ;
    l->voucher_no = vno;
    l->voucher_date = s_date(date);
    int y, m, d;
    vouch_date_to_ymd(l->voucher_date, &y, &m, &d);
    l->fiscal_year = (int16_t)y;
    l->period = (int16_t)m;
    l->debit = debit[0] ? s_fen(debit) : 0;
    l->credit = credit[0] ? s_fen(credit) : 0;
    l->business_date = VOUCH_DATE_NONE;
    l->approval_date = VOUCH_DATE_NONE;
    l->attachments = VOUCH_ATTACH_UNKNOWN;
    l->line_no = 1;
    if (b->n > 0 && b->lines[b->n - 1].voucher_no == vno)
        l->line_no = b->lines[b->n - 1].line_no + 1;
    b->n++;
    return l;
}

/* An expense voucher: a 5001 debit with the summary and a 1011 credit. */
static vouch_line_t *s_expense(batch_t *b, int vno, const char *econ, const char *amount,
                               const char *summary)
{
    vouch_line_t *l = s_line(b, vno, "2022-04-20", "5001", econ, amount, "");
    l->text[VOUCH_T_SUMMARY] = summary;
    vouch_line_t *c = s_line(b, vno, "2022-04-20", "1011", "", "", amount);
    c->text[VOUCH_T_SUMMARY] = summary;
    return &b->lines[b->n - 2];
}

static void s_run(batch_t *b)
{
    json_decref(b->findings);
    b->findings = json_array();
    vouch_batch_view_t view = {b->lines, b->n, b->contracts, b->ncontracts};
    int n = vouch_rules_run(s_policy, &view, b->findings);
    assert_int_equal(n, (int)json_array_size(b->findings));
}

/* Findings of rule (NULL: any) on the line with seq (0: any line). */
static size_t s_count(const batch_t *b, const char *rule, int64_t seq)
{
    size_t n = 0, i;
    json_t *f;
    json_array_foreach(b->findings, i, f)
    {
        if (rule && strcmp(json_string_value(json_object_get(f, "rule")), rule) != 0)
            continue;
        if (seq && json_integer_value(json_object_get(f, "seq")) != seq)
            continue;
        n++;
    }
    return n;
}

/* The one finding of rule on seq (borrowed). */
static json_t *s_finding(const batch_t *b, const char *rule, int64_t seq)
{
    size_t i;
    json_t *f;
    json_array_foreach(b->findings, i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "rule")), rule) == 0 &&
            json_integer_value(json_object_get(f, "seq")) == seq)
            return f;
    }
    fail_msg("no %s finding on seq %lld", rule, (long long)seq);
    return NULL;
}

static const char *s_ev(json_t *f, const char *key)
{
    return json_string_value(json_object_get(json_object_get(f, "evidence"), key));
}

static void s_reset(batch_t *b)
{
    json_decref(b->findings);
    memset(b, 0, sizeof *b);
}

/* The default policy with a profile "name" extending cn-default by profile
 * (stolen): what a jurisdiction would write. A new policy. */
static vouch_policy_t *s_policy_with(const char *name, json_t *profile)
{
    json_error_t jerr;
    json_t *doc = json_load_file(POLICY_PATH, 0, &jerr);
    assert_non_null(doc);
    json_object_set_new(profile, "extends", json_string("cn-default"));
    json_object_set_new(json_object_get(doc, "profiles"), name, profile);
    char *text = json_dumps(doc, 0);
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_policy_t *p = vouch_policy_new(text, strlen(text), name, &err);
    if (!p)
        fail_msg("%s", err.text);
    free(text);
    json_decref(doc);
    return p;
}

/* The findings of rule on b's lines under policy p (0: any rule). */
static size_t s_count_under(const vouch_policy_t *p, const batch_t *b, const char *rule)
{
    vouch_batch_view_t view = {b->lines, b->n, b->contracts, b->ncontracts};
    json_t *findings = json_array();
    vouch_rules_run(p, &view, findings);
    size_t n = 0, i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        if (!rule || strcmp(json_string_value(json_object_get(f, "rule")), rule) == 0)
            n++;
    }
    json_decref(findings);
    return n;
}

/* The rule's findings on b: before under cn-default, after under a profile
 * that changes it by profile (stolen). A keyword, a code or a number is a
 * policy change only. */
static void s_policy_changes(const batch_t *b, const char *rule, json_t *profile, size_t before,
                             size_t after)
{
    vouch_policy_t *p = s_policy_with("changed", profile);
    assert_int_equal(s_count_under(s_policy, b, rule), before);
    assert_int_equal(s_count_under(p, b, rule), after);
    vouch_policy_destroy(&p);
}

/* Whether the rule fires on one expense line with these fields. */
static size_t s_fires(const char *rule, const char *econ, const char *amount, const char *summary)
{
    batch_t b = {0};
    s_expense(&b, 1, econ, amount, summary);
    s_run(&b);
    size_t n = s_count(&b, rule, 1);
    s_reset(&b);
    return n;
}

/* ---- MISCLASS_EXPENSE ---- */

static void test_misclass_venue(void **state)
{
    (void)state;
    batch_t b = {0};
    s_expense(&b, 23, "30217", "4000.00", "接待省人社厅领导调研租赁会议室");
    s_run(&b);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 0), 1);
    json_t *f = s_finding(&b, "MISCLASS_EXPENSE", 1);
    assert_string_equal(json_string_value(json_object_get(f, "message")),
                        "摘要“接待省人社厅领导调研租赁会议室”为场地租赁，不应列支30217公务接待费");
    assert_string_equal(json_string_value(json_object_get(f, "message_en")),
                        "summary names a venue rental, booked under 30217 公务接待费");
    assert_int_equal(json_integer_value(json_object_get(f, "amount")), 400000);
    assert_string_equal(json_string_value(json_object_get(f, "severity")), "medium");
    assert_string_equal(json_string_value(json_object_get(f, "profile")), "cn-default");
    assert_int_equal(json_integer_value(json_object_get(f, "rule_version")), 1);
    assert_string_equal(s_ev(f, "family"), "venue");
    assert_string_equal(s_ev(f, "code"), "30217");
    json_t *words = json_object_get(json_object_get(f, "evidence"), "words");
    assert_int_equal(json_array_size(words), 2); /* 租赁 and 会议室, longest first wins */
    s_reset(&b);

    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30217", "800.00", "支付场租"), 1);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30217", "800.00", "礼堂租金"), 1);
    /* a venue word with no renting is not a rental */
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30217", "800.00", "会议室茶水费"), 0);
    /* a venue rental is fine under meetings */
    assert_int_equal(
        s_fires("MISCLASS_EXPENSE", "30215", "3871.00", "召开全市人社工作会议租用会议室"), 0);
    /* white space does not hide the words */
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30217", "800.00", "租 用 会 议 室"), 1);
}

static void test_misclass_training_travel(void **state)
{
    (void)state;
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30215", "5000.00", "全市人社干部培训"), 1);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30217", "5000.00", "专家授课"), 1);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30216", "5000.00", "全市人社干部培训"), 0);
    /* travel under meetings, training or reception */
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30215", "1200.00", "张三出差长沙"), 1);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30216", "1200.00", "差旅费"), 1);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30211", "1200.00", "张三出差长沙"), 0);
    /* a summary that names travel is travel: the training family yields */
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30211", "1286.00", "赴长沙参加培训差旅费"), 0);
    batch_t b = {0};
    s_expense(&b, 1, "30215", "1286.00", "赴长沙参加培训差旅费");
    s_run(&b);
    json_t *f = s_finding(&b, "MISCLASS_EXPENSE", 1);
    assert_string_equal(s_ev(f, "family"), "travel");
    json_t *fams = json_object_get(json_object_get(f, "evidence"), "families");
    assert_int_equal(json_array_size(fams), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(f, "evidence"), "code")),
                        "30215");
    s_reset(&b);
}

static void test_misclass_vehicle(void **state)
{
    (void)state;
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30213", "1400.00", "公务用车维修保养费"), 1);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30201", "300.00", "加油"), 1);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30299", "60.00", "高速通行费"), 1);
    /* vehicle costs belong under 30231 or 30225 */
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30231", "1400.00", "公务用车维修保养费"), 0);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30225", "300.00", "加油"), 0);
    /* 车 inside 火车, 车间, 车票, 乘车, 动车 is not a vehicle */
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30201", "200.00", "购买火车票保险"), 0);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30213", "900.00", "车间设备维修"), 0);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30201", "50.00", "车票改签保险"), 0);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30201", "50.00", "乘车意外保险"), 0);
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30201", "50.00", "动车保险"), 0);
    /* but a vehicle beside them still is */
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30201", "50.00", "乘车后车辆保险"), 1);
    /* travel summary: the vehicle family does not apply */
    assert_int_equal(s_fires("MISCLASS_EXPENSE", "30211", "300.00", "出差途中加油费"), 0);

    batch_t b = {0};
    s_expense(&b, 1, "30213", "1400.00", "公务用车维修保养费");
    s_run(&b);
    json_t *f = s_finding(&b, "MISCLASS_EXPENSE", 1);
    assert_string_equal(json_string_value(json_object_get(f, "message")),
                        "摘要“公务用车维修保养费”为公务用车费用，应列支30231公务用车运行维护费、"
                        "30225专用燃料费，不应列支30213维修（护）费");
    assert_string_equal(s_ev(f, "family"), "vehicle");
    json_t *fam0 = json_array_get(json_object_get(json_object_get(f, "evidence"), "families"), 0);
    assert_string_equal(json_string_value(json_object_get(fam0, "suggested_code")), "30231");
    s_reset(&b);
}

/* ---- INDICATOR_MISMATCH ---- */

static size_t s_indicator(const char *indicator, const char *econ)
{
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 1, econ, "1000.00", "支付费用");
    l->text[VOUCH_T_INDICATOR] = indicator;
    s_run(&b);
    size_t n = s_count(&b, "INDICATOR_MISMATCH", 1);
    s_reset(&b);
    return n;
}

static void test_indicator(void **state)
{
    (void)state;
    /* names a category, the code is another */
    assert_int_equal(s_indicator("其他商品和服务支出", "30217"), 1);
    assert_int_equal(s_indicator("会议费", "30217"), 1);
    assert_int_equal(s_indicator("基本工资", "30101"), 0);
    assert_int_equal(s_indicator("公务接待费", "30217"), 0);
    /* the longest name wins: 邮电费 is not 电费 */
    assert_int_equal(s_indicator("邮电费", "30207"), 0);
    assert_int_equal(s_indicator("邮电费", "30206"), 1);
    assert_int_equal(s_indicator("电费", "30206"), 0);
    /* several names, a shared name names all its codes */
    assert_int_equal(s_indicator("差旅费、会议费", "30215"), 0);
    assert_int_equal(s_indicator("信息网络及软件购置更新", "31007"), 0);
    assert_int_equal(s_indicator("信息网络及软件购置更新", "30907"), 0);
    assert_int_equal(s_indicator("信息网络及软件购置更新", "30201"), 1);
    /* a code names its category; it must stand alone */
    assert_int_equal(s_indicator("30215会议费指标", "30215"), 0);
    assert_int_equal(s_indicator("30215", "30217"), 1);
    assert_int_equal(s_indicator("2130201项目", "30201"), 0);
    /* white space separates numbers: "2022 30217" holds the code 30217 (with
     * white space removed it would be one number, naming nothing) */
    assert_int_equal(s_indicator("2022 30217接待经费", "30217"), 0);
    assert_int_equal(s_indicator("2022　30215", "30217"), 1);
    /* a blank indicator raises nothing */
    assert_int_equal(s_indicator("", "30217"), 0);
    assert_int_equal(s_indicator("  ", "30217"), 0);
    /* general indicators may pay anything, 三公 included */
    assert_int_equal(s_indicator("日常公用经费", "30217"), 0);
    assert_int_equal(s_indicator("机关运行经费", "30231"), 0);
    assert_int_equal(s_indicator("公用经费", "30201"), 0);
    /* a project or special fund may not pay 三公 */
    assert_int_equal(s_indicator("农民工专项经费", "30217"), 1);
    assert_int_equal(s_indicator("2130201项目", "30217"), 1);
    assert_int_equal(s_indicator("农民工专项经费", "31013"), 1);
    /* but may pay what is not 三公 */
    assert_int_equal(s_indicator("农民工专项经费", "30201"), 0);
    assert_int_equal(s_indicator("商品和服务支出", "30201"), 0); /* a class names nothing */

    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 51, "30217", "4000.00", "农民工工资支付实地检查租用会议室");
    l->text[VOUCH_T_INDICATOR] = "其他商品和服务支出";
    s_run(&b);
    json_t *f = s_finding(&b, "INDICATOR_MISMATCH", 1);
    assert_string_equal(
        json_string_value(json_object_get(f, "message")),
        "预算指标“其他商品和服务支出”用于30299其他商品和服务支出，不应列支30217公务接待费");
    json_t *cats = json_object_get(json_object_get(f, "evidence"), "indicator_categories");
    assert_int_equal(json_array_size(cats), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cats, 0), "code")),
                        "30299");
    /* the edition of the line's fiscal year judges it */
    assert_string_equal(s_ev(f, "econ_edition"), "2018");
    s_reset(&b);
    l = s_line(&b, 51, "2017-08-12", "5001", "30217", "4000.00", "");
    l->text[VOUCH_T_INDICATOR] = "会议费";
    s_run(&b);
    assert_int_equal(s_count(&b, "INDICATOR_MISMATCH", 0), 0); /* no table covers 2017 */
    l->fiscal_year = 2018;
    s_run(&b);
    assert_int_equal(s_count(&b, "INDICATOR_MISMATCH", 0), 1);
    s_reset(&b);

    l = s_expense(&b, 52, "30217", "1995.00", "农民工专项核查招待费");
    l->text[VOUCH_T_INDICATOR] = "农民工专项经费";
    s_run(&b);
    f = s_finding(&b, "INDICATOR_MISMATCH", 1);
    assert_string_equal(json_string_value(json_object_get(f, "message_en")),
                        "三公 spending 30217 公务接待费 paid from the project or special-fund "
                        "indicator “农民工专项经费”");
    s_reset(&b);
}

/* ---- PAYEE_MISMATCH ---- */

static size_t s_payee(const char *claimant, const char *payee)
{
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 5, "30211", "3333.10", "出差差旅费");
    l->text[VOUCH_T_CLAIMANT] = claimant;
    l->text[VOUCH_T_PAYEE] = payee;
    s_run(&b);
    size_t n = s_count(&b, "PAYEE_MISMATCH", 1);
    s_reset(&b);
    return n;
}

static void test_payee(void **state)
{
    (void)state;
    assert_int_equal(s_payee("何春生", "冯德明"), 1);
    assert_int_equal(s_payee("何春生", "何春生"), 0);
    /* compared without white space and · */
    assert_int_equal(s_payee("何 春生", "何春生　"), 0);
    assert_int_equal(s_payee("买买提·艾力", "买买提艾力"), 0);
    /* an organisation payee: markers inside, at the end, or a long name */
    assert_int_equal(s_payee("何春生", "永州宾馆"), 0);
    assert_int_equal(s_payee("何春生", "工资统发账户"), 0);
    assert_int_equal(s_payee("何春生", "永州日报社"), 0);
    assert_int_equal(s_payee("何春生", "华信文具店"), 0);
    assert_int_equal(s_payee("何春生", "湖南省金保信息技术"), 0); /* longer than six */
    assert_int_equal(s_payee("何春生", "欧阳春晓"), 1);
    /* missing data */
    assert_int_equal(s_payee("", "冯德明"), 0);
    assert_int_equal(s_payee("何春生", ""), 0);

    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 5, "30211", "3333.10", "两会信访接待长沙出差差旅费");
    l->text[VOUCH_T_CLAIMANT] = "何春生";
    l->text[VOUCH_T_PAYEE] = "冯德明";
    l->text[VOUCH_T_PAYEE_ACCOUNT] = "6217372411403057996";
    s_run(&b);
    json_t *f = s_finding(&b, "PAYEE_MISMATCH", 1);
    assert_string_equal(json_string_value(json_object_get(f, "message")),
                        "报销人何春生的款项支付给冯德明");
    assert_string_equal(json_string_value(json_object_get(f, "message_en")),
                        "claimant 何春生 paid into 冯德明's account");
    assert_string_equal(s_ev(f, "payee_account"), "6217372411403057996");
    assert_string_equal(json_string_value(json_object_get(f, "severity")), "high");
    s_reset(&b);
}

/* ---- PROCUREMENT_BYPASS ---- */

static size_t s_proc(const char *econ, const char *amount, const char *channel)
{
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 29, econ, amount, "采购");
    l->text[VOUCH_T_PROCUREMENT_METHOD] = channel;
    s_run(&b);
    size_t n = s_count(&b, "PROCUREMENT_BYPASS", 1);
    s_reset(&b);
    return n;
}

static void test_procurement(void **state)
{
    (void)state;
    assert_int_equal(s_proc("30227", "835000.00", ""), 1);
    /* the floor itself needs a channel; a fen below it does not */
    assert_int_equal(s_proc("30201", "100000.00", ""), 1);
    assert_int_equal(s_proc("30201", "99999.99", ""), 0);
    /* anything off the closed list is no channel */
    assert_int_equal(s_proc("30201", "150000.00", "自行采购"), 1);
    assert_int_equal(s_proc("30201", "150000.00", "无"), 1);
    assert_int_equal(s_proc("30201", "150000.00", "政府采购（待补）"), 1);
    assert_int_equal(s_proc("30227", "835000.00", "政府采购"), 0);
    assert_int_equal(s_proc("30227", "835000.00", "竞争性磋商"), 0);
    assert_int_equal(s_proc("30201", "150000.00", "电子卖场"), 0);
    assert_int_equal(s_proc("30201", "150000.00", " 协议供货 "), 0);
    /* from gov_limit on the e-mall family will not do */
    assert_int_equal(s_proc("30201", "1000000.00", "电子卖场"), 1);
    assert_int_equal(s_proc("30201", "999999.99", "电子卖场"), 0);
    assert_int_equal(s_proc("31002", "1200000.00", "定点采购"), 1);
    assert_int_equal(s_proc("30201", "1000000.00", "公开招标"), 0);
    /* all of 310 is in scope; utilities, travel, meetings, salaries are not */
    assert_int_equal(s_proc("31002", "200000.00", ""), 1);
    assert_int_equal(s_proc("30206", "500000.00", ""), 0);
    assert_int_equal(s_proc("30211", "500000.00", ""), 0);
    assert_int_equal(s_proc("30215", "500000.00", ""), 0);
    assert_int_equal(s_proc("30101", "953365.00", ""), 0);

    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 29, "30227", "835000.00", "就业宣传合作经费");
    s_run(&b);
    json_t *f = s_finding(&b, "PROCUREMENT_BYPASS", 1);
    assert_string_equal(json_string_value(json_object_get(f, "message")),
                        "30227委托业务费采购单笔835,000.00元，达到100,000.00元，未经任何采购渠道");
    assert_string_equal(s_ev(f, "threshold"), "100000.00");
    assert_string_equal(s_ev(f, "amount_judged"), "835000.00");
    assert_string_equal(s_ev(f, "basis"), "line");
    s_reset(&b);

    l = s_expense(&b, 11, "30201", "1000000.00", "采购电脑");
    l->text[VOUCH_T_PROCUREMENT_METHOD] = "电子卖场";
    s_run(&b);
    f = s_finding(&b, "PROCUREMENT_BYPASS", 1);
    assert_string_equal(s_ev(f, "threshold_name"), "gov_limit");
    assert_string_equal(s_ev(f, "channel_kind"), "e-mall");
    s_reset(&b);
    (void)l;
}

static void test_procurement_contract_total(void **state)
{
    (void)state;
    /* a monthly installment under the floor, judged by its contract's total */
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 2, "30209", "12500.00", "支付1月物业管理费");
    l->text[VOUCH_T_CONTRACT_NO] = "YZCG-2021-0457";
    b.contracts[0] = (vouch_contract_total_t){"YZCG-2021-0457", 15000000};
    b.ncontracts = 1;
    s_run(&b);
    json_t *f = s_finding(&b, "PROCUREMENT_BYPASS", 1);
    assert_int_equal(json_integer_value(json_object_get(f, "amount")), 1250000);
    assert_string_equal(s_ev(f, "basis"), "contract");
    assert_string_equal(s_ev(f, "contract_total"), "150000.00");
    assert_string_equal(s_ev(f, "line_amount"), "12500.00");
    assert_non_null(strstr(json_string_value(json_object_get(f, "message")),
                           "合同YZCG-2021-0457累计150,000.00元"));

    /* with a channel the total is fine */
    l->text[VOUCH_T_PROCUREMENT_METHOD] = "政府采购";
    s_run(&b);
    assert_int_equal(s_count(&b, "PROCUREMENT_BYPASS", 0), 0);

    /* a contract the batch does not list: the line is judged alone */
    l->text[VOUCH_T_PROCUREMENT_METHOD] = "";
    l->text[VOUCH_T_CONTRACT_NO] = "YZCG-2099-0001";
    s_run(&b);
    assert_int_equal(s_count(&b, "PROCUREMENT_BYPASS", 0), 0);
    l->debit = 12000000;
    b.lines[1].credit = 12000000;
    s_run(&b);
    f = s_finding(&b, "PROCUREMENT_BYPASS", 1);
    assert_string_equal(s_ev(f, "basis"), "line");
    assert_true(json_is_null(json_object_get(json_object_get(f, "evidence"), "contract_total")));
    s_reset(&b);
}

/* ---- RETROACTIVE_APPROVAL ---- */

static size_t s_retro(const char *econ, const char *business, const char *approval,
                      const char *contract)
{
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 6, econ, "1706.00", "费用");
    l->business_date = s_date(business);
    l->approval_date = s_date(approval);
    l->text[VOUCH_T_CONTRACT_NO] = contract;
    s_run(&b);
    size_t n = s_count(&b, "RETROACTIVE_APPROVAL", 1);
    s_reset(&b);
    return n;
}

static void test_retroactive_approval(void **state)
{
    (void)state;
    assert_int_equal(s_retro("30211", "2022-01-13", "2022-01-19", ""), 1);
    assert_int_equal(s_retro("30215", "2022-05-12", "2022-05-13", ""), 1);
    assert_int_equal(s_retro("30216", "2022-05-12", "2022-05-13", ""), 1);
    assert_int_equal(s_retro("30217", "2022-05-12", "2022-05-13", ""), 1);
    /* approval on the same day, or before */
    assert_int_equal(s_retro("30211", "2022-01-13", "2022-01-13", ""), 0);
    assert_int_equal(s_retro("30211", "2022-02-08", "2022-02-07", ""), 0);
    /* a bill without a contract needs no prior approval */
    assert_int_equal(s_retro("30206", "2022-01-18", "2022-01-20", ""), 0);
    assert_int_equal(s_retro("30207", "2022-01-18", "2022-01-20", ""), 0);
    /* any line with a contract does */
    assert_int_equal(s_retro("30227", "2021-08-01", "2021-11-15", "YZRS-2021-018"), 1);
    assert_int_equal(s_retro("30209", "2022-01-12", "2021-12-20", "YZCG-2021-0457"), 0);
    /* missing data */
    assert_int_equal(s_retro("30211", NULL, "2022-01-19", ""), 0);
    assert_int_equal(s_retro("30211", "2022-01-13", NULL, ""), 0);

    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 29, "30227", "835000.00", "就业宣传合作经费");
    l->business_date = s_date("2021-08-01");
    l->approval_date = s_date("2021-11-15");
    l->text[VOUCH_T_CONTRACT_NO] = "YZRS-2021-018";
    s_run(&b);
    json_t *f = s_finding(&b, "RETROACTIVE_APPROVAL", 1);
    assert_string_equal(
        json_string_value(json_object_get(f, "message")),
        "合同YZRS-2021-018需事前审批：业务发生于2021-08-01，审批日期为2021-11-15，晚106天");
    assert_string_equal(s_ev(f, "business_date"), "2021-08-01");
    assert_string_equal(s_ev(f, "approval_date"), "2021-11-15");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(f, "evidence"), "days_late")), 106);
    s_reset(&b);
}

/* ---- STALE_DOCUMENT ---- */

static void test_stale_document(void **state)
{
    (void)state;
    batch_t b = {0};
    vouch_line_t *l = s_line(&b, 43, "2022-12-28", "5001", "30201", "3860.00", "");
    l->text[VOUCH_T_DOCUMENT_DATES] = "2021-12-08;2022-04-12;2022-05-16";
    s_line(&b, 43, "2022-12-28", "1011", "", "", "3860.00");
    s_run(&b);
    assert_int_equal(s_count(&b, "STALE_DOCUMENT", 0), 1);
    json_t *f = s_finding(&b, "STALE_DOCUMENT", 1);
    assert_string_equal(
        json_string_value(json_object_get(f, "message")),
        "单据日期2021-12-08、2022-04-12、2022-05-16早于凭证日期2022-12-28超过180天");
    assert_string_equal(json_string_value(json_object_get(f, "severity")), "low");
    json_t *docs = json_object_get(json_object_get(f, "evidence"), "stale_documents");
    assert_int_equal(json_array_size(docs), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(docs, 0), "days_before")),
                     385);

    /* 180 days is not more than 180 */
    l->text[VOUCH_T_DOCUMENT_DATES] = "2022-07-01"; /* 180 days before 2022-12-28 */
    s_run(&b);
    assert_int_equal(s_count(&b, "STALE_DOCUMENT", 0), 0);
    l->text[VOUCH_T_DOCUMENT_DATES] = "2022-06-30;2022-12-01";
    s_run(&b);
    f = s_finding(&b, "STALE_DOCUMENT", 1);
    docs = json_object_get(json_object_get(f, "evidence"), "stale_documents");
    assert_int_equal(json_array_size(docs), 1);
    l->text[VOUCH_T_DOCUMENT_DATES] = "";
    s_run(&b);
    assert_int_equal(s_count(&b, "STALE_DOCUMENT", 0), 0);
    s_reset(&b);
}

/* ---- MISSING_DOCUMENT ---- */

/* A voucher of two expense lines paid from account pay (1011, 100201...),
 * each line with attachments att ("" unknown), the first carrying docs (JSON,
 * "" none). Returns the number of MISSING_DOCUMENT findings. */
static size_t s_missing(const char *pay, const char *att1, const char *att2, const char *docs)
{
    batch_t b = {0};
    vouch_line_t *l = s_line(&b, 11, "2022-02-23", "5001", "30201", "1420.00", "");
    l->text[VOUCH_T_SUMMARY] = "购买硒鼓";
    l->text[VOUCH_T_DOCUMENTS] = docs;
    l->attachments = att1[0] ? atoi(att1) : VOUCH_ATTACH_UNKNOWN;
    l = s_line(&b, 11, "2022-02-23", "5001", "30202", "300.00", "");
    l->attachments = att2[0] ? atoi(att2) : VOUCH_ATTACH_UNKNOWN;
    l = s_line(&b, 11, "2022-02-23", pay, "", "", "1720.00");
    l->attachments = att1[0] ? atoi(att1) : VOUCH_ATTACH_UNKNOWN;
    s_run(&b);
    size_t n = s_count(&b, "MISSING_DOCUMENT", 0);
    /* one finding per expense line, never on the payment line */
    assert_true(n == 0 || (s_count(&b, "MISSING_DOCUMENT", 1) == 1 &&
                           s_count(&b, "MISSING_DOCUMENT", 2) == 1));
    s_reset(&b);
    return n;
}

#define S_SIGNED "[{\"kind\":\"合同\",\"number\":\"C-1\",\"date\":\"2022-02-14\",\"signed\":true}]"

static void test_missing_attachments(void **state)
{
    (void)state;
    /* a voucher that pays out with 0 attachments: each expense line */
    assert_int_equal(s_missing("1011", "0", "0", ""), 2);
    /* every payment account, matched by prefix */
    assert_int_equal(s_missing("1001", "0", "0", ""), 2);
    assert_int_equal(s_missing("100201", "0", "0", ""), 2);
    assert_int_equal(s_missing("4001", "0", "0", ""), 2);
    /* the voucher's count is the largest its lines carry; blank is unknown */
    assert_int_equal(s_missing("1011", "0", "", ""), 2);
    assert_int_equal(s_missing("1011", "", "0", ""), 2);
    assert_int_equal(s_missing("1011", "0", "3", ""), 0);
    assert_int_equal(s_missing("1011", "", "", ""), 0);
    assert_int_equal(s_missing("1011", "2", "2", ""), 0);
    /* paying nothing out: an accrual to 应付账款, a transfer to another unit */
    assert_int_equal(s_missing("2302", "0", "0", ""), 0);
    assert_int_equal(s_missing("2001", "0", "0", ""), 0);
    /* signed and dated documents do not make up for 0 attachments */
    assert_int_equal(s_missing("1011", "0", "0", S_SIGNED), 2);

    /* the message and evidence an auditor reads */
    batch_t b = {0};
    vouch_line_t *l = s_line(&b, 12, "2022-03-01", "5001", "30201", "800.00", "");
    l->attachments = 0;
    l = s_line(&b, 12, "2022-03-01", "1011", "", "", "500.00");
    l->text[VOUCH_T_ACCOUNT_NAME] = "零余额账户用款额度";
    l = s_line(&b, 12, "2022-03-01", "100201", "", "", "300.00");
    l->text[VOUCH_T_ACCOUNT_NAME] = "银行存款";
    s_run(&b);
    json_t *f = s_finding(&b, "MISSING_DOCUMENT", 1);
    assert_string_equal(json_string_value(json_object_get(f, "message")),
                        "付款凭证（贷记1011零余额账户用款额度、100201银行存款）：附件数为0");
    assert_string_equal(
        json_string_value(json_object_get(f, "message_en")),
        "payment voucher (credits 1011 零余额账户用款额度, 100201 银行存款): it has 0 "
        "attachments");
    assert_string_equal(json_string_value(json_object_get(f, "severity")), "medium");
    assert_int_equal(json_integer_value(json_object_get(f, "amount")), 80000);
    json_t *ev = json_object_get(f, "evidence");
    assert_int_equal(json_integer_value(json_object_get(ev, "attachments")), 0);
    assert_true(json_is_true(json_object_get(ev, "no_attachments")));
    json_t *acc = json_object_get(ev, "payment_accounts");
    assert_int_equal(json_array_size(acc), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(acc, 1), "account_code")),
                        "100201");
    assert_string_equal(json_string_value(json_object_get(json_array_get(acc, 1), "credit")),
                        "300.00");
    s_reset(&b);

    /* a red-ink payment line (a reversal) pays nothing out */
    l = s_line(&b, 13, "2022-03-02", "5001", "30201", "800.00", "");
    l->attachments = 0;
    s_line(&b, 13, "2022-03-02", "1011", "", "", "-800.00");
    s_line(&b, 13, "2022-03-02", "2302", "", "", "1600.00");
    s_run(&b);
    assert_int_equal(s_count(&b, "MISSING_DOCUMENT", 0), 0);
    s_reset(&b);

    /* twins: one finding, on the financial line; a budget-only voucher paid
     * from 8001 资金结存 is read on its budget lines */
    l = s_line(&b, 14, "2022-03-03", "5001", "30201", "800.00", "");
    l->attachments = 0;
    s_line(&b, 14, "2022-03-03", "7201", "30201", "800.00", "");
    s_line(&b, 14, "2022-03-03", "1011", "", "", "800.00");
    s_line(&b, 14, "2022-03-03", "8001", "", "", "800.00");
    l = s_line(&b, 15, "2022-03-03", "7201", "30201", "800.00", "");
    l->attachments = 0;
    s_line(&b, 15, "2022-03-03", "8001", "", "", "800.00");
    s_run(&b);
    assert_int_equal(s_count(&b, "MISSING_DOCUMENT", 0), 2);
    assert_int_equal(s_count(&b, "MISSING_DOCUMENT", 1), 1);
    assert_int_equal(s_count(&b, "MISSING_DOCUMENT", 5), 1);
    s_reset(&b);
}

static void test_missing_documents(void **state)
{
    (void)state;
    /* a contract or acceptance note marked unsigned, or without a date */
    assert_int_equal(s_missing("1011", "5", "5",
                               "[{\"kind\":\"合同\",\"date\":\"2022-02-14\",\"signed\":false}]"),
                     2);
    assert_int_equal(s_missing("1011", "5", "5",
                               "[{\"kind\":\"验收单\",\"date\":\"2022-02-14\",\"signed\":false}]"),
                     2);
    assert_int_equal(s_missing("1011", "5", "5", "[{\"kind\":\"验收单\",\"signed\":true}]"), 2);
    assert_int_equal(
        s_missing("1011", "5", "5", "[{\"kind\":\"合同\",\"date\":null,\"signed\":true}]"), 2);
    assert_int_equal(s_missing("1011", "5", "5", "[{\"kind\":\"合同\",\"date\":\"\"}]"), 2);
    /* kinds compare after NFKC, white space removed */
    assert_int_equal(s_missing("1011", "5", "5",
                               "[{\"kind\":\" 合 同\",\"date\":\"2022-02-14\",\"signed\":false}]"),
                     2);
    /* signed and dated; signed absent or null says nothing */
    assert_int_equal(s_missing("1011", "5", "5", S_SIGNED), 0);
    assert_int_equal(s_missing("1011", "5", "5", "[{\"kind\":\"合同\",\"date\":\"2022-02-14\"}]"),
                     0);
    assert_int_equal(s_missing("1011", "5", "5",
                               "[{\"kind\":\"合同\",\"date\":\"2022-02-14\",\"signed\":null}]"),
                     0);
    /* other kinds never: an unsigned invoice or approval form, an undated note */
    assert_int_equal(s_missing("1011", "5", "5",
                               "[{\"kind\":\"发票\",\"date\":\"2022-02-14\",\"signed\":false}]"),
                     0);
    assert_int_equal(s_missing("1011", "5", "5", "[{\"kind\":\"审批单\",\"signed\":false}]"), 0);
    /* a voucher paying nothing out, even with an unsigned contract */
    assert_int_equal(s_missing("2302", "5", "5",
                               "[{\"kind\":\"合同\",\"date\":\"2022-02-14\",\"signed\":false}]"),
                     0);
    /* documents that do not parse are missing data */
    assert_int_equal(s_missing("1011", "5", "5", "not json"), 0);
    assert_int_equal(s_missing("1011", "5", "5", "{\"kind\":\"合同\",\"signed\":false}"), 0);

    /* every problem of the voucher in one finding per line */
    batch_t b = {0};
    vouch_line_t *l = s_line(&b, 11, "2022-02-23", "5001", "30201", "1420.00", "");
    l->attachments = 0;
    l->text[VOUCH_T_DOCUMENTS] =
        "[{\"kind\":\"合同\",\"number\":\"DZMC-2022-0131\",\"date\":null,\"signed\":false},"
        "{\"kind\":\"验收单\",\"date\":\"2022-02-16\",\"signed\":false},"
        "{\"kind\":\"发票\",\"date\":\"2022-02-15\",\"signed\":true}]";
    l = s_line(&b, 11, "2022-02-23", "1011", "", "", "1420.00");
    l->text[VOUCH_T_ACCOUNT_NAME] = "零余额账户用款额度";
    s_run(&b);
    assert_int_equal(s_count(&b, "MISSING_DOCUMENT", 0), 1);
    json_t *f = s_finding(&b, "MISSING_DOCUMENT", 1);
    assert_string_equal(
        json_string_value(json_object_get(f, "message")),
        "付款凭证（贷记1011零余额账户用款额度）：附件数为0；合同DZMC-2022-0131未签署；"
        "合同DZMC-2022-0131未注明日期；验收单未签署");
    assert_string_equal(
        json_string_value(json_object_get(f, "message_en")),
        "payment voucher (credits 1011 零余额账户用款额度): it has 0 attachments; "
        "合同 DZMC-2022-0131 is not signed; 合同 DZMC-2022-0131 has no date; 验收单 "
        "is not signed");
    json_t *docs = json_object_get(json_object_get(f, "evidence"), "documents");
    assert_int_equal(json_array_size(docs), 2);
    json_t *problems = json_object_get(json_array_get(docs, 0), "problems");
    assert_int_equal(json_array_size(problems), 2);
    assert_string_equal(json_string_value(json_array_get(problems, 0)), "unsigned");
    assert_string_equal(json_string_value(json_array_get(problems, 1)), "undated");
    assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 1), "kind")),
                        "验收单");
    s_reset(&b);
}

/* a new kind is a policy change only: a profile that wants 审批单 signed */
static void test_missing_kinds_are_policy(void **state)
{
    (void)state;
    batch_t b = {0};
    vouch_line_t *l = s_line(&b, 11, "2022-02-23", "5001", "30201", "1420.00", "");
    l->text[VOUCH_T_DOCUMENTS] = "[{\"kind\":\"审批单\",\"date\":\"2022-02-14\",\"signed\":false}]";
    s_line(&b, 11, "2022-02-23", "1011", "", "", "1420.00");
    assert_int_equal(s_count_under(s_policy, &b, NULL), 0);
    s_policy_changes(&b, "MISSING_DOCUMENT",
                     json_pack("{s:{s:{s:[s,s,s]}}}", "rules", "MISSING_DOCUMENT",
                               "signed_document_kinds", "合同", "验收单", "审批单"),
                     0, 1);
    s_reset(&b);
}

/* ---- every rule's row of RULES.md, case by case ---- */

/* One case: a line under econ whose field holds text; want findings of the
 * rule on it. */
typedef struct {
    const char *econ;
    const char *text;
    size_t want;
} s_case_t;

/* Run each case as a one-line voucher (a 5001 debit of amount paid from
 * 1011) and fail naming the case that differs. */
static void s_cases(const char *rule, int field, const char *amount, const s_case_t *cases,
                    size_t n)
{
    for (size_t i = 0; i < n; i++) {
        batch_t b = {0};
        vouch_line_t *l = s_expense(&b, 1, cases[i].econ, amount, "支付费用");
        l->text[field] = cases[i].text;
        s_run(&b);
        size_t got = s_count(&b, rule, 1);
        s_reset(&b);
        if (got != cases[i].want)
            fail_msg("%s: \"%s\" under %s: %zu findings, want %zu", rule, cases[i].text,
                     cases[i].econ, got, cases[i].want);
    }
}
#define S_CASES(rule, field, amount, cases)                                                        \
    s_cases(rule, field, amount, cases, sizeof cases / sizeof cases[0])

static void test_misclass_row(void **state)
{
    (void)state;
    static const s_case_t cases[] = {
        /* venue rental: a venue word together with a renting word, or 场租
         * alone, under 30217 (and its sub-codes, by prefix) */
        {"30217", "租用会议室", 1},
        {"30217", "会场租赁", 1},
        {"30217", "场地租金", 1},
        {"30217", "多功能厅租", 1},
        {"30217", "租赁报告厅", 1},
        {"30217", "礼堂租用", 1},
        {"30217", "场租", 1},
        {"3021701", "会议室租金", 1},
        {"30217", "会议室茶水", 0}, /* a venue without renting */
        {"30217", "租车接站", 0},   /* renting without a venue */
        {"30215", "租用会议室", 0}, /* venues belong to meetings */
        {"30214", "场租", 0},
        /* training under 30215 or 30217 */
        {"30215", "业务培训", 1},
        {"30217", "专家讲课", 1},
        {"30215", "授课费", 1},
        {"30216", "业务培训", 0},
        {"30226", "专家讲课费", 0},
        {"30299", "授课", 0},
        /* official-vehicle costs under any code but 30231 and 30225 */
        {"30201", "加油", 1},
        {"30213", "油费", 1},
        {"30299", "燃油补贴", 1},
        {"30211", "过路费", 1},
        {"30239", "高速通行费", 1},
        {"30201", "停车费", 1},
        {"30213", "车辆维修", 1},
        {"30213", "公务车保养", 1},
        {"30299", "车辆保险", 1},
        {"30299", "车辆年检", 1},
        {"30231", "加油", 0},
        {"3023101", "车辆维修", 0},
        {"30225", "燃油", 0},
        {"30213", "空调维修", 0},   /* 维修 without a vehicle */
        {"31013", "购置公务车", 0}, /* 车 without its costs */
        /* 车 inside 车间, 车票, 火车, 动车, 乘车 is not a vehicle (高铁 holds no 车) */
        {"30213", "车间维修", 0},
        {"30201", "车票退改保险", 0},
        {"30201", "火车站维修", 0},
        {"30201", "动车组保险", 0},
        {"30201", "乘车保险", 0},
        {"30201", "高铁保险", 0},
        {"30201", "乘车后车辆保险", 1}, /* a vehicle beside them still is */
        /* travel under 30215, 30216 or 30217 */
        {"30215", "出差", 1},
        {"30216", "差旅费", 1},
        {"30217", "出差接待", 1},
        {"30211", "出差", 0},
        {"30239", "差旅交通", 0},
        /* a summary naming travel is travel: no training, no vehicle family */
        {"30211", "出差参加培训", 0},
        {"30201", "出差途中加油", 0},
        {"30213", "出差期间车辆维修", 0},
        {"30216", "培训出差", 1}, /* travel itself is still travel */
        /* nothing else excuses a line */
        {"30217", "经批准按规定租用会议室", 1},
        {"30201", "按标准报销加油费", 1},
        /* text is compared after NFKC with white space removed */
        {"30217", "租 用　会 议 室", 1},
        {"30201", "加\t油", 1},
        /* missing data: a blank summary raises nothing */
        {"30217", "", 0},
        {"30217", "  ", 0},
    };
    S_CASES("MISCLASS_EXPENSE", VOUCH_T_SUMMARY, "100.00", cases);

    /* one finding per line, every word of every family in the evidence */
    batch_t b = {0};
    s_expense(&b, 1, "30217", "800.00", "出差期间租用会议室及礼堂场租");
    s_run(&b);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 0), 1);
    json_t *ev = json_object_get(s_finding(&b, "MISCLASS_EXPENSE", 1), "evidence");
    json_t *fams = json_object_get(ev, "families");
    assert_int_equal(json_array_size(fams), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(fams, 0), "family")),
                        "venue");
    assert_string_equal(json_string_value(json_object_get(json_array_get(fams, 1), "family")),
                        "travel");
    char *words = json_dumps(json_object_get(json_array_get(fams, 0), "words"), 0);
    /* 租 too: the 租 of 场租 is a renting word */
    assert_string_equal(words, "[\"场租\", \"会议室\", \"礼堂\", \"租用\", \"租\"]");
    free(words);
    s_reset(&b);

    /* a word, a code: policy changes only */
    s_expense(&b, 1, "30215", "800.00", "专题研讨");
    s_policy_changes(&b, "MISCLASS_EXPENSE",
                     json_pack("{s:{s:{s:{s:{s:[s,s,s,s]}}}}}", "rules", "MISCLASS_EXPENSE",
                               "families", "training", "words", "培训", "讲课", "授课", "研讨"),
                     0, 1);
    s_reset(&b);
}

static void test_indicator_row(void **state)
{
    (void)state;
    static const s_case_t cases[] = {
        /* names a category (a code or a name), the line's code is not among them */
        {"30217", "会议费", 1},
        {"30217", "30215", 1},
        {"30217", "其他商品和服务支出", 1},
        {"30206", "邮电费", 1}, /* the longest name wins: 邮电费 is not 电费 */
        {"30207", "邮电费", 0},
        {"30206", "电费", 0},
        {"30307", "医疗费补助", 0},
        {"30114", "医疗费补助", 1},
        {"30215", "会议费", 0},
        {"3021501", "会议费", 0}, /* a sub-code of a named code, by prefix */
        {"3021701", "会议费", 1},
        {"30215", "差旅费、会议费、培训费", 0},
        {"30216", "差旅费、会议费、培训费", 0},
        {"30217", "差旅费、会议费、培训费", 1},
        /* a name of several codes names all of them */
        {"30902", "办公设备购置", 0},
        {"31002", "办公设备购置", 0},
        {"30201", "办公设备购置", 1},
        {"31013", "公务用车购置", 0},
        {"30913", "公务用车购置", 0},
        /* a code stands alone: not inside a longer number */
        {"30201", "2130201", 0},
        {"30217", "302170", 1}, /* no code, no general name: a 三公 line fires */
        {"30215", "会议费30215", 0},
        {"30215", "2022年30215", 0},
        {"30215", "2022 30215", 0},
        /* names after NFKC, white space removed */
        {"30212", "因公出国(境)费用", 0},
        {"30212", "因公出国（境）费用", 0},
        {"30215", "会 议 费", 0},
        {"30217", "会 议 费", 1},
        /* a general name and no category: anything, 三公 included */
        {"30217", "公用经费", 0},
        {"30231", "日常公用经费", 0},
        {"30212", "基本支出", 0},
        {"30913", "日常运转经费", 0},
        {"31013", "机关运行经费", 0},
        /* a general name beside a category: the category decides */
        {"30217", "公用经费（会议费）", 1},
        {"30215", "公用经费（会议费）", 0},
        /* a project or special fund (no category, no general name): anything
         * but 三公 */
        {"30212", "农民工专项经费", 1},
        {"30217", "农民工专项经费", 1},
        {"30231", "农民工专项经费", 1},
        {"30913", "农民工专项经费", 1},
        {"31013", "农民工专项经费", 1},
        {"3023101", "农民工专项经费", 1},
        {"30201", "农民工专项经费", 0},
        {"30211", "农民工专项经费", 0},
        /* class names name no category */
        {"30201", "商品和服务支出", 0},
        {"31002", "资本性支出", 0},
        {"30217", "商品和服务支出", 1},
        {"39999", "其他支出", 0},
        /* a blank indicator raises nothing */
        {"30217", "", 0},
        {"30217", "　", 0},
    };
    S_CASES("INDICATOR_MISMATCH", VOUCH_T_INDICATOR, "100.00", cases);

    /* every category named is in the evidence */
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 1, "30217", "100.00", "支付费用");
    l->text[VOUCH_T_INDICATOR] = "30211差旅费、信息网络及软件购置更新";
    s_run(&b);
    json_t *f = s_finding(&b, "INDICATOR_MISMATCH", 1);
    json_t *cats = json_object_get(json_object_get(f, "evidence"), "indicator_categories");
    assert_int_equal(json_array_size(cats), 3);
    assert_string_equal(
        json_string_value(json_object_get(f, "message")),
        "预算指标“30211差旅费、信息网络及软件购置更新”用于30211差旅费、"
        "30907信息网络及软件购置更新、31007信息网络及软件购置更新，不应列支30217公务接待费");
    s_reset(&b);

    /* a general name is policy */
    l = s_expense(&b, 1, "30217", "100.00", "支付费用");
    l->text[VOUCH_T_INDICATOR] = "综合经费";
    s_policy_changes(&b, "INDICATOR_MISMATCH",
                     json_pack("{s:[s,s]}", "general_indicator_names", "公用经费", "综合经费"), 1,
                     0);
    s_reset(&b);
}

static void test_payee_row(void **state)
{
    (void)state;
    static const struct {
        const char *claimant, *payee;
        size_t want;
    } cases[] = {
        /* a person paid who is not the claimant */
        {"何春生", "冯德明", 1},
        {"许雅琴", "邓卫东", 1},
        {"何春生", "欧阳春晓明", 1},   /* five characters */
        {"何春生", "欧阳春晓明亮", 1}, /* six: still a person */
        {"何春生", "何春生", 0},
        /* compared after removing white space and · */
        {"何 春生", "何春生　", 0},
        {"买买提·艾力", "买买提艾力", 0},
        {"买买提・艾力", "买买提•艾力", 0},
        {"买买提·艾力", "买买提·艾山", 1},
        /* an organisation: a marker inside */
        {"何春生", "华信公司", 0},
        {"何春生", "会务中心", 0},
        {"何春生", "工商银行", 0},
        {"何春生", "永州宾馆", 0},
        {"何春生", "潇湘酒店", 0},
        {"何春生", "湘菜饭店", 0},
        {"何春生", "华天集团", 0},
        {"何春生", "工会专户", 0},
        {"何春生", "工资账户", 0},
        {"何春生", "教育委员会", 0},
        /* or at the end */
        {"何春生", "文具店", 0},
        {"何春生", "印刷厂", 0},
        {"何春生", "日报社", 0},
        {"何春生", "设计院", 0},
        {"何春生", "财政局", 0},
        {"何春生", "律师所", 0},
        {"何春生", "加油站", 0},
        {"何春生", "营业部", 0},
        /* or longer than six characters */
        {"何春生", "湖南金保信息技术", 0},
        {"何春生", "欧阳春晓明亮丽", 0},
        /* missing data */
        {"", "冯德明", 0},
        {"何春生", "", 0},
        {" ", "冯德明", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t got = s_payee(cases[i].claimant, cases[i].payee);
        if (got != cases[i].want)
            fail_msg("PAYEE_MISMATCH: %s paid to %s: %zu findings, want %zu", cases[i].claimant,
                     cases[i].payee, got, cases[i].want);
    }

    /* the markers and the length are policy */
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 5, "30211", "100.00", "出差");
    l->text[VOUCH_T_CLAIMANT] = "何春生";
    l->text[VOUCH_T_PAYEE] = "欧阳春晓明";
    s_policy_changes(&b, "PAYEE_MISMATCH",
                     json_pack("{s:{s:i}}", "organisation_markers", "max_person_name_length", 4), 1,
                     0);
    s_reset(&b);
}

static void test_procurement_row(void **state)
{
    (void)state;
    static const struct {
        const char *econ, *amount, *channel;
        size_t want;
    } cases[] = {
        /* in scope, at least emall_floor, no channel */
        {"30201", "100000.00", "", 1},
        {"30202", "100000.00", "", 1},
        {"30203", "100000.00", "", 1},
        {"30209", "100000.00", "", 1},
        {"30213", "100000.00", "", 1},
        {"30214", "100000.00", "", 1},
        {"30218", "100000.00", "", 1},
        {"30227", "100000.00", "", 1},
        {"30299", "100000.00", "", 1},
        {"31001", "100000.00", "", 1},
        {"31007", "100000.00", "", 1},
        {"31099", "100000.00", "", 1},
        {"3020101", "100000.00", "", 1}, /* a sub-code, by prefix */
        {"30201", "99999.99", "", 0},
        /* anything off the closed list is no channel, matched whole */
        {"30201", "100000.00", "自行采购", 1},
        {"30201", "100000.00", "无", 1},
        {"30201", "100000.00", "非政府采购", 1},
        {"30201", "100000.00", "其他", 1},
        {"30201", "100000.00", "政府采购（待补）", 1},
        {"30201", "100000.00", "网上商城采购", 1},
        /* government methods, any amount */
        {"30201", "5000000.00", "政府采购", 0},
        {"30201", "5000000.00", "公开招标", 0},
        {"30201", "5000000.00", "邀请招标", 0},
        {"30201", "5000000.00", "竞争性谈判", 0},
        {"30201", "5000000.00", "竞争性磋商", 0},
        {"30201", "5000000.00", "单一来源", 0},
        {"30201", "5000000.00", "询价", 0},
        {"30201", "5000000.00", "框架协议", 0},
        {"30201", "5000000.00", "公开 招标", 0}, /* after NFKC, white space removed */
        /* the e-mall family: below gov_limit only */
        {"30201", "999999.99", "电子卖场", 0},
        {"30201", "999999.99", "网上商城", 0},
        {"30201", "999999.99", "网上超市", 0},
        {"30201", "999999.99", "协议供货", 0},
        {"30201", "999999.99", "定点采购", 0},
        {"30201", "1000000.00", "电子卖场", 1},
        {"30201", "1000000.00", "网上商城", 1},
        {"30201", "1000000.00", "网上超市", 1},
        {"30201", "1000000.00", "协议供货", 1},
        {"31002", "1000000.00", "定点采购", 1},
        /* codes outside the scope: utilities, salaries, travel, meetings,
         * training, reception, labour, vehicles */
        {"30205", "500000.00", "", 0},
        {"30206", "500000.00", "", 0},
        {"30207", "500000.00", "", 0},
        {"30101", "953365.00", "", 0},
        {"30211", "500000.00", "", 0},
        {"30215", "500000.00", "", 0},
        {"30216", "500000.00", "", 0},
        {"30217", "500000.00", "", 0},
        {"30226", "500000.00", "", 0},
        {"30231", "500000.00", "", 0},
        {"30902", "500000.00", "", 0},
        {"39999", "500000.00", "", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t got = s_proc(cases[i].econ, cases[i].amount, cases[i].channel);
        if (got != cases[i].want)
            fail_msg("PROCUREMENT_BYPASS: %s %s via \"%s\": %zu findings, want %zu", cases[i].econ,
                     cases[i].amount, cases[i].channel, got, cases[i].want);
    }

    /* each of a contract's lines is judged by its total; numbers compare
     * after NFKC with white space removed, and vouchd's entries for numbers
     * that fold alike add up */
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 2, "30209", "12500.00", "物业管理费");
    l->text[VOUCH_T_CONTRACT_NO] = "YZCG-2021-0457";
    l = s_expense(&b, 3, "30209", "12500.00", "物业管理费");
    l->text[VOUCH_T_CONTRACT_NO] = "ＹＺＣＧ-2021-0457 ";
    b.contracts[0] = (vouch_contract_total_t){"YZCG-2021-0457", 6000000};
    b.contracts[1] = (vouch_contract_total_t){"YZCG-2021-0457 ", 4000000};
    b.ncontracts = 2;
    s_run(&b);
    assert_int_equal(s_count(&b, "PROCUREMENT_BYPASS", 0), 2);
    assert_string_equal(s_ev(s_finding(&b, "PROCUREMENT_BYPASS", 3), "contract_total"),
                        "100000.00");
    b.contracts[1].total = 3999999;
    s_run(&b);
    assert_int_equal(s_count(&b, "PROCUREMENT_BYPASS", 0), 0);
    s_reset(&b);

    /* thresholds are policy */
    s_expense(&b, 1, "30201", "60000.00", "采购");
    s_policy_changes(&b, "PROCUREMENT_BYPASS",
                     json_pack("{s:{s:s}}", "thresholds", "emall_floor", "50000.00"), 0, 1);
    s_reset(&b);
}

static void test_retroactive_row(void **state)
{
    (void)state;
    static const struct {
        const char *econ, *business, *approval, *contract;
        size_t want;
    } cases[] = {
        /* approval after the business date on a line that needs it first */
        {"30211", "2022-01-13", "2022-01-14", "", 1},
        {"30215", "2022-01-13", "2022-01-14", "", 1},
        {"30216", "2022-01-13", "2022-01-14", "", 1},
        {"30217", "2022-01-13", "2022-01-14", "", 1},
        {"3021101", "2022-01-13", "2022-01-14", "", 1}, /* by prefix */
        {"30227", "2021-08-01", "2021-11-15", "YZRS-2021-018", 1},
        {"30201", "2022-02-15", "2022-02-16", "DZMC-2022-0131", 1},
        {"30206", "2022-01-18", "2022-01-20", "DL-2022-01", 1}, /* a bill with a contract */
        /* approval on the same day, or before */
        {"30211", "2022-01-13", "2022-01-13", "", 0},
        {"30217", "2022-01-13", "2022-01-12", "", 0},
        {"30227", "2021-08-01", "2021-08-01", "YZRS-2021-018", 0},
        /* bills (electricity, telecom, property) and other codes without a contract */
        {"30206", "2022-01-18", "2022-01-20", "", 0},
        {"30207", "2022-01-18", "2022-01-20", "", 0},
        {"30209", "2022-01-18", "2022-01-20", "", 0},
        {"30201", "2022-01-18", "2022-01-20", "", 0},
        {"30212", "2022-01-18", "2022-01-20", "", 0},
        {"30209", "2022-01-18", "2022-01-20", "  ", 0}, /* a blank contract cell */
        /* missing data */
        {"30211", NULL, "2022-01-19", "", 0},
        {"30211", "2022-01-13", NULL, "", 0},
        {"30227", NULL, "2021-11-15", "YZRS-2021-018", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t got =
            s_retro(cases[i].econ, cases[i].business, cases[i].approval, cases[i].contract);
        if (got != cases[i].want)
            fail_msg("RETROACTIVE_APPROVAL: %s %s approved %s contract \"%s\": %zu findings, "
                     "want %zu",
                     cases[i].econ, cases[i].business ? cases[i].business : "(none)",
                     cases[i].approval ? cases[i].approval : "(none)", cases[i].contract, got,
                     cases[i].want);
    }

    /* a code and a contract: both reasons in the evidence */
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 6, "30215", "5000.00", "会议");
    l->business_date = s_date("2022-05-12");
    l->approval_date = s_date("2022-05-13");
    l->text[VOUCH_T_CONTRACT_NO] = "HY-01";
    s_run(&b);
    json_t *why =
        json_object_get(json_object_get(s_finding(&b, "RETROACTIVE_APPROVAL", 1), "evidence"),
                        "needs_prior_approval");
    assert_string_equal(json_string_value(json_object_get(why, "code")), "30215");
    assert_string_equal(json_string_value(json_object_get(why, "contract_no")), "HY-01");
    s_reset(&b);

    /* the codes are policy */
    l = s_expense(&b, 6, "30212", "5000.00", "出国");
    l->business_date = s_date("2022-05-12");
    l->approval_date = s_date("2022-05-13");
    s_policy_changes(
        &b, "RETROACTIVE_APPROVAL",
        json_pack("{s:{s:{s:[s,s]}}}", "rules", "RETROACTIVE_APPROVAL", "codes", "30211", "30212"),
        0, 1);
    s_reset(&b);
}

/* A voucher of 2022-12-28 with two expense lines, the first carrying the
 * voucher's documents (JSON) and dates (its document dates cell). */
static size_t s_stale(const char *dates, const char *docs, size_t *second)
{
    batch_t b = {0};
    vouch_line_t *l = s_line(&b, 43, "2022-12-28", "5001", "30201", "3860.00", "");
    l->text[VOUCH_T_DOCUMENT_DATES] = dates;
    l->text[VOUCH_T_DOCUMENTS] = docs;
    s_line(&b, 43, "2022-12-28", "5001", "30202", "100.00", "");
    s_line(&b, 43, "2022-12-28", "1011", "", "", "3960.00");
    s_run(&b);
    size_t n = s_count(&b, "STALE_DOCUMENT", 1);
    if (second)
        *second = s_count(&b, "STALE_DOCUMENT", 2);
    s_reset(&b);
    return n;
}

static void test_stale_row(void **state)
{
    (void)state;
    static const struct {
        const char *dates, *docs;
        size_t want;
    } cases[] = {
        /* every date of the line's document dates counts */
        {"2022-06-30", "", 1},
        {"2022-07-01", "", 0}, /* 180 days is not more than 180 */
        {"2022-12-01;2021-12-08", "", 1},
        {"2022-12-01;2022-11-08", "", 0},
        /* JSON documents of the kinds that count */
        {"", "[{\"kind\":\"发票\",\"date\":\"2022-06-30\"}]", 1},
        {"", "[{\"kind\":\"送货单\",\"date\":\"2021-12-08\"}]", 1},
        {"", "[{\"kind\":\"收据\",\"date\":\"2022-01-01\"}]", 1},
        {"", "[{\"kind\":\"差旅票据\",\"date\":\"2022-01-01\"}]", 1},
        {"", "[{\"kind\":\"单据\",\"date\":\"2022-01-01\"}]", 1},
        {"", "[{\"kind\":\" 发 票 \",\"date\":\"2022-01-01\"}]", 1},
        {"", "[{\"kind\":\"发票\",\"date\":\"2022-07-01\"}]", 0},
        /* any other kind never */
        {"", "[{\"kind\":\"合同\",\"date\":\"2021-01-01\"}]", 0},
        {"", "[{\"kind\":\"审批单\",\"date\":\"2021-01-01\"}]", 0},
        {"", "[{\"kind\":\"验收单\",\"date\":\"2021-01-01\"}]", 0},
        {"", "[{\"kind\":\"会议纪要\",\"date\":\"2021-01-01\"}]", 0},
        {"", "[{\"kind\":\"结算单\",\"date\":\"2021-01-01\"}]", 0},
        {"", "[{\"kind\":\"发票清单\",\"date\":\"2021-01-01\"}]", 0},
        /* missing data: no dates, a document without one */
        {"", "", 0},
        {"", "[{\"kind\":\"发票\",\"date\":null}]", 0},
        {"", "[{\"kind\":\"发票\"}]", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t got = s_stale(cases[i].dates, cases[i].docs, NULL);
        if (got != cases[i].want)
            fail_msg("STALE_DOCUMENT: dates \"%s\" documents %s: %zu findings, want %zu",
                     cases[i].dates, cases[i].docs, got, cases[i].want);
    }
    /* the voucher's documents stand behind each of its expense lines; the
     * line's own dates behind that line only */
    size_t second;
    assert_int_equal(s_stale("", "[{\"kind\":\"送货单\",\"date\":\"2021-12-08\"}]", &second), 1);
    assert_int_equal(second, 1);
    assert_int_equal(s_stale("2021-12-08", "", &second), 1);
    assert_int_equal(second, 0);

    /* one finding, every stale date of both sources in the evidence */
    batch_t b = {0};
    vouch_line_t *l = s_line(&b, 43, "2022-12-28", "5001", "30201", "3860.00", "");
    l->text[VOUCH_T_DOCUMENT_DATES] = "2021-12-08;2022-12-20";
    l->text[VOUCH_T_DOCUMENTS] = "[{\"kind\":\"送货单\",\"date\":\"2022-04-12\"},"
                                 "{\"kind\":\"合同\",\"date\":\"2021-01-01\"}]";
    s_line(&b, 43, "2022-12-28", "1011", "", "", "3860.00");
    s_run(&b);
    assert_int_equal(s_count(&b, "STALE_DOCUMENT", 0), 1);
    json_t *f = s_finding(&b, "STALE_DOCUMENT", 1);
    json_t *docs = json_object_get(json_object_get(f, "evidence"), "stale_documents");
    assert_int_equal(json_array_size(docs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 0), "source")),
                        "document_dates");
    assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 1), "source")),
                        "送货单");
    assert_string_equal(json_string_value(json_object_get(f, "message")),
                        "单据日期2021-12-08、2022-04-12早于凭证日期2022-12-28超过180天");

    /* however many dates: all of them in the one finding */
    vouch_buf_t many;
    vouch_buf_init(&many);
    for (int i = 0; i < 100; i++)
        vouch_buf_printf(&many, "%s2021-%02d-%02d", i ? ";" : "", i % 12 + 1, i % 28 + 1);
    l->text[VOUCH_T_DOCUMENT_DATES] = many.data;
    l->text[VOUCH_T_DOCUMENTS] = "";
    s_run(&b);
    assert_int_equal(s_count(&b, "STALE_DOCUMENT", 0), 1);
    f = s_finding(&b, "STALE_DOCUMENT", 1);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(f, "evidence"), "stale_documents")), 100);
    vouch_buf_free(&many);

    /* the number of days is policy */
    l->text[VOUCH_T_DOCUMENT_DATES] = "2022-12-20";
    l->text[VOUCH_T_DOCUMENTS] = "";
    s_policy_changes(&b, "STALE_DOCUMENT", json_pack("{s:{s:i}}", "thresholds", "stale_days", 5), 0,
                     1);
    s_reset(&b);
}

/* ---- the conventions, for every rule ---- */

/* Fill a line so that its rule fires: the code and the fields it reads. */
typedef void(s_make_fn)(vouch_line_t *l);

static void s_make_misclass(vouch_line_t *l)
{
    l->text[VOUCH_T_ECON_CODE] = "30217";
    l->text[VOUCH_T_SUMMARY] = "租用会议室";
}

static void s_make_indicator(vouch_line_t *l)
{
    l->text[VOUCH_T_ECON_CODE] = "30217";
    l->text[VOUCH_T_INDICATOR] = "会议费";
}

static void s_make_payee(vouch_line_t *l)
{
    l->text[VOUCH_T_ECON_CODE] = "30211";
    l->text[VOUCH_T_CLAIMANT] = "何春生";
    l->text[VOUCH_T_PAYEE] = "冯德明";
}

static void s_make_procurement(vouch_line_t *l)
{
    l->text[VOUCH_T_ECON_CODE] = "30227";
}

static void s_make_retroactive(vouch_line_t *l)
{
    l->text[VOUCH_T_ECON_CODE] = "30211";
    l->business_date = s_date("2022-01-13");
    l->approval_date = s_date("2022-01-19");
}

static void s_make_stale(vouch_line_t *l)
{
    l->text[VOUCH_T_ECON_CODE] = "30201";
    l->text[VOUCH_T_DOCUMENT_DATES] = "2021-01-01";
}

static void s_make_missing(vouch_line_t *l)
{
    l->text[VOUCH_T_ECON_CODE] = "30201";
    l->attachments = 0;
}

static const struct {
    const char *rule;
    s_make_fn *make;
} s_makers[] = {
    {"MISCLASS_EXPENSE", s_make_misclass},
    {"INDICATOR_MISMATCH", s_make_indicator},
    {"PAYEE_MISMATCH", s_make_payee},
    {"PROCUREMENT_BYPASS", s_make_procurement},
    {"RETROACTIVE_APPROVAL", s_make_retroactive},
    {"STALE_DOCUMENT", s_make_stale},
    {"MISSING_DOCUMENT", s_make_missing},
};

/* Lines (account, amount; "" for none) of one voucher paid out of 1011 and,
 * when it has budget lines, 8001; each expense account's line made to fire.
 * Returns the number of the rule's findings, and on seq *on the first. */
static size_t s_convention(s_make_fn *make, const char *rule, const char *const *accounts,
                           const char *amount, int64_t *on)
{
    batch_t b = {0};
    bool budget = false;
    for (const char *const *a = accounts; *a; a++) {
        vouch_line_t *l = s_line(&b, 7, "2022-04-20", *a, "", amount, "");
        make(l);
        budget = budget || (*a)[0] == '7';
    }
    s_line(&b, 7, "2022-04-20", "1011", "", "", amount);
    if (budget)
        s_line(&b, 7, "2022-04-20", "8001", "", "", amount);
    s_run(&b);
    size_t n = s_count(&b, rule, 0);
    *on = n ? json_integer_value(json_object_get(json_array_get(b.findings, 0), "seq")) : 0;
    s_reset(&b);
    return n;
}

static void s_expect(size_t r, const char *const *accounts, const char *amount, size_t want,
                     int64_t seq)
{
    int64_t on;
    size_t got = s_convention(s_makers[r].make, s_makers[r].rule, accounts, amount, &on);
    if (got != want || (want && on != seq)) {
        char acc[128] = "";
        for (const char *const *a = accounts; *a; a++)
            snprintf(acc + strlen(acc), sizeof acc - strlen(acc), "%s%s", a == accounts ? "" : " ",
                     *a);
        fail_msg("%s on %s of %s: %zu findings (first on seq %lld), want %zu on seq %lld",
                 s_makers[r].rule, acc, amount, got, (long long)on, want, (long long)seq);
    }
}

#define S_ACCOUNTS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_conventions_every_rule(void **state)
{
    (void)state;
    assert_int_equal(sizeof s_makers / sizeof s_makers[0], 7);
    for (size_t r = 0; r < sizeof s_makers / sizeof s_makers[0]; r++) {
        /* it fires on a financial expense line, and on a sub-account */
        s_expect(r, S_ACCOUNTS("5001"), "150000.00", 1, 1);
        s_expect(r, S_ACCOUNTS("500101"), "150000.00", 1, 1);
        /* twins: the financial line, once, whichever comes first */
        s_expect(r, S_ACCOUNTS("5001", "7201"), "150000.00", 1, 1);
        s_expect(r, S_ACCOUNTS("7201", "5001"), "150000.00", 1, 2);
        /* a budget-only voucher: its budget line */
        s_expect(r, S_ACCOUNTS("7201"), "150000.00", 1, 1);
        /* red ink reverses an earlier line: skipped */
        s_expect(r, S_ACCOUNTS("5001"), "-150000.00", 0, 0);
        s_expect(r, S_ACCOUNTS("7201"), "-150000.00", 0, 0);
        /* not an expense line: an asset, a liability */
        s_expect(r, S_ACCOUNTS("1601"), "150000.00", 0, 0);
        s_expect(r, S_ACCOUNTS("2302"), "150000.00", 0, 0);
    }
}

/* ---- which lines the rules read ---- */

static void test_twins_and_red_ink(void **state)
{
    (void)state;
    /* a financial line and its budget twin: one finding, on the financial line */
    batch_t b = {0};
    vouch_line_t *l = s_line(&b, 23, "2022-04-20", "5001", "30217", "4000.00", "");
    l->text[VOUCH_T_SUMMARY] = "租赁会议室";
    l = s_line(&b, 23, "2022-04-20", "7201", "30217", "4000.00", "");
    l->text[VOUCH_T_SUMMARY] = "租赁会议室";
    s_line(&b, 23, "2022-04-20", "1011", "", "", "4000.00");
    s_line(&b, 23, "2022-04-20", "8001", "", "", "4000.00");
    s_run(&b);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 0), 1);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 1), 1);

    /* a budget line whose amount differs (accrual against cash) is the same
     * spending seen from the budget book: the financial line speaks for it */
    b.lines[1].debit = 350000;
    s_run(&b);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 0), 1);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 1), 1);
    /* and so is a budget line of another code in a voucher with financial lines */
    b.lines[1].text[VOUCH_T_ECON_CODE] = "30215";
    b.lines[1].text[VOUCH_T_SUMMARY] = "出差期间租赁会议室";
    s_run(&b);
    assert_int_equal(s_count(&b, NULL, 2), 0);
    s_reset(&b);

    /* a voucher whose financial side went to an asset (1601 固定资产): its
     * expense lines are all budget lines, and the rules read those */
    l = s_line(&b, 27, "2022-04-21", "1601", "", "4000.00", "");
    l = s_line(&b, 27, "2022-04-21", "7201", "30217", "4000.00", "");
    l->text[VOUCH_T_SUMMARY] = "租赁会议室";
    s_line(&b, 27, "2022-04-21", "1011", "", "", "4000.00");
    s_line(&b, 27, "2022-04-21", "8001", "", "", "4000.00");
    s_run(&b);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 2), 1);
    s_reset(&b);

    /* a voucher with only budget lines: the rules read those */
    l = s_line(&b, 24, "2022-04-21", "7201", "30217", "4000.00", "");
    l->text[VOUCH_T_SUMMARY] = "租赁会议室";
    s_line(&b, 24, "2022-04-21", "8001", "", "", "4000.00");
    s_run(&b);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 1), 1);
    s_reset(&b);

    /* twins pair within a voucher only: the next voucher's budget line is read */
    l = s_line(&b, 25, "2022-04-21", "5001", "30217", "4000.00", "");
    l->text[VOUCH_T_SUMMARY] = "租赁会议室";
    l = s_line(&b, 26, "2022-04-21", "7201", "30217", "4000.00", "");
    l->text[VOUCH_T_SUMMARY] = "租赁会议室";
    s_run(&b);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 0), 2);
    s_reset(&b);

    /* a red-ink line reverses an earlier one: skipped */
    l = s_line(&b, 30, "2022-04-30", "5001", "30217", "-4000.00", "");
    l->text[VOUCH_T_SUMMARY] = "冲销租赁会议室";
    s_line(&b, 30, "2022-04-30", "1011", "", "", "-4000.00");
    /* a credit to an expense account is not an expense line either */
    l = s_line(&b, 31, "2022-04-30", "5001", "30217", "", "4000.00");
    l->text[VOUCH_T_SUMMARY] = "租赁会议室";
    /* nor a debit without an economic code, nor one to another account */
    l = s_line(&b, 32, "2022-04-30", "5001", "", "4000.00", "");
    l->text[VOUCH_T_SUMMARY] = "租赁会议室";
    l = s_line(&b, 33, "2022-04-30", "1601", "30217", "4000.00", "");
    l->text[VOUCH_T_SUMMARY] = "租赁会议室";
    s_run(&b);
    assert_int_equal(json_array_size(b.findings), 0);
    s_reset(&b);
}

static void test_one_finding_per_rule_per_line(void **state)
{
    (void)state;
    /* venue and travel both named under 30217: one MISCLASS finding listing both */
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 1, "30217", "900.00", "出差期间租用会议室");
    l->text[VOUCH_T_INDICATOR] = "会议费";
    l->text[VOUCH_T_CLAIMANT] = "张三";
    l->text[VOUCH_T_PAYEE] = "李四";
    s_run(&b);
    assert_int_equal(s_count(&b, "MISCLASS_EXPENSE", 1), 1);
    assert_int_equal(s_count(&b, "INDICATOR_MISMATCH", 1), 1);
    assert_int_equal(s_count(&b, "PAYEE_MISMATCH", 1), 1);
    json_t *f = s_finding(&b, "MISCLASS_EXPENSE", 1);
    assert_int_equal(json_array_size(json_object_get(json_object_get(f, "evidence"), "families")),
                     2);
    s_reset(&b);
}

static void test_rule_table_and_fold(void **state)
{
    (void)state;
    size_t n = 0;
    for (const char *const *id = vouch_rules_ids; *id; id++, n++)
        assert_int_equal(vouch_rules_version(*id), 1);
    assert_int_equal(n, 7);
    assert_int_equal(vouch_rules_version("MISSING_DOCUMENT"), 1);
    assert_int_equal(vouch_rules_version("SPLIT_PURCHASE"), 0);

    /* the hot path's fold is vouch_text_fold, byte for byte */
    static const char *const samples[] = {
        "",
        "  abc  DEF ",
        "接待省人社厅领导调研租赁会议室",
        "ＡＢＣ１２３　全角",
        "因公出国（境）费用",
        "買買提·艾力",
        "e\xcc\x81t\xc3\xa9",
        "tab\tand\nnewline",
        "\xe2\x80\x8bzero\xef\xbb\xbfwidth",
        "①②③ ㈱ ﬁ",
    };
    vouch_buf_t out, cps;
    vouch_buf_init(&out);
    vouch_buf_init(&cps);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char *want = vouch_text_fold(samples[i]);
        const char *got = vouch_rules_fold(&out, &cps, samples[i]);
        assert_non_null(want);
        assert_non_null(got);
        assert_string_equal(got, want);
        free(want);
    }
    assert_null(vouch_rules_fold(&out, &cps, "bad \xff utf-8 \xe4\xb8"));
    vouch_buf_free(&out);
    vouch_buf_free(&cps);
}

static void test_disabled_rule(void **state)
{
    (void)state;
    batch_t b = {0};
    vouch_line_t *l = s_expense(&b, 5, "30211", "100.00", "出差");
    l->text[VOUCH_T_CLAIMANT] = "何春生";
    l->text[VOUCH_T_PAYEE] = "冯德明";
    s_policy_changes(&b, NULL, json_pack("{s:{s:{s:b}}}", "rules", "PAYEE_MISMATCH", "enabled", 0),
                     1, 0);
    s_reset(&b);
}

/* ---- the seed case ---- */

/* The seed case, read by the real importers (import.c sniffs CSV or JSON
 * Lines), its lines copied out of the callback: their text dies with it. */
typedef struct {
    vouch_line_t *lines;
    char **owned;
    size_t n, cap, nowned;
} seed_t;

static int s_seed_line(void *arg, const vouch_line_t *line, const char *extra_json,
                       vouch_error_t *err)
{
    (void)extra_json;
    (void)err;
    seed_t *s = arg;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->lines = vouch_realloc(s->lines, s->cap * sizeof *s->lines);
        s->owned = vouch_realloc(s->owned, s->cap * VOUCH_T_COUNT * sizeof *s->owned);
    }
    vouch_line_t *l = &s->lines[s->n++];
    *l = *line;
    for (int i = 0; i < VOUCH_T_COUNT; i++) {
        char *t = vouch_strdup(line->text[i]);
        s->owned[s->nowned++] = t;
        l->text[i] = t;
    }
    return 0;
}

static void s_seed_free(seed_t *s)
{
    for (size_t k = 0; k < s->nowned; k++)
        free(s->owned[k]);
    free(s->owned);
    free(s->lines);
}

/* Run the rules over a seed export as vouchd would (each contract's in-scope
 * financial lines added up at dispatch) and compare the findings, as
 * (voucher date, 记-N, line, rule), with expected.json's: all of them, or all
 * but MISSING_DOCUMENT. Returns the findings (new reference); *seed keeps the
 * lines they point at. */
static json_t *s_seed_case(const char *file, bool with_missing, seed_t *seed)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seed-case/%s", VOUCH_FIXTURES, file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    vouch_csv_import_opts_t opts = {.file_name = path};
    vouch_import_t *imp = NULL;
    vouch_error_t err;
    vouch_error_clear(&err);
    if (vouch_import_file(f, path, &opts, s_seed_line, seed, &imp, &err) != 0)
        fail_msg("%s", err.text);
    vouch_import_destroy(&imp);
    fclose(f);
    assert_int_equal(seed->n, 200);

    vouch_contract_total_t contracts[32];
    size_t nc = 0;
    const vouch_policy_codes_t *scope =
        vouch_policy_codes(s_policy, VOUCH_POLICY_PROCUREMENT_SCOPE);
    for (size_t i = 0; i < seed->n; i++) {
        const vouch_line_t *l = &seed->lines[i];
        if (!l->text[VOUCH_T_CONTRACT_NO][0] || l->debit <= 0 ||
            l->text[VOUCH_T_ACCOUNT_CODE][0] != '5' ||
            !vouch_policy_codes_match(scope, l->text[VOUCH_T_ECON_CODE]))
            continue;
        size_t k = 0;
        while (k < nc && strcmp(contracts[k].contract_no, l->text[VOUCH_T_CONTRACT_NO]) != 0)
            k++;
        if (k == nc) {
            assert_true(nc < 32);
            contracts[nc++] = (vouch_contract_total_t){l->text[VOUCH_T_CONTRACT_NO], 0};
        }
        contracts[k].total += l->debit;
    }
    vouch_batch_view_t view = {seed->lines, seed->n, contracts, nc};
    json_t *findings = json_array();
    vouch_rules_run(s_policy, &view, findings);

    json_error_t jerr;
    json_t *expected = json_load_file(VOUCH_FIXTURES "/seed-case/expected.json", 0, &jerr);
    assert_non_null(expected);
    json_t *want = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(expected, "findings"), i, e)
    {
        const char *rule = json_string_value(json_object_get(e, "rule"));
        if (with_missing || strcmp(rule, "MISSING_DOCUMENT") != 0)
            json_array_append_new(
                want,
                json_pack("[s, s, I, s]", json_string_value(json_object_get(e, "voucher_date")),
                          json_string_value(json_object_get(e, "voucher")),
                          json_integer_value(json_object_get(e, "line_no")), rule));
    }
    json_decref(expected);

    json_t *fj;
    json_array_foreach(findings, i, fj)
    {
        int64_t seq = json_integer_value(json_object_get(fj, "seq"));
        const vouch_line_t *l = NULL;
        for (size_t k = 0; k < seed->n && !l; k++)
            if (seed->lines[k].seq == seq)
                l = &seed->lines[k];
        assert_non_null(l);
        char date[16], voucher[32];
        vouch_date_format(l->voucher_date, date);
        snprintf(voucher, sizeof voucher, "记-%d", (int)l->voucher_no);
        const char *rule = json_string_value(json_object_get(fj, "rule"));
        size_t k, nwant = json_array_size(want);
        for (k = 0; k < nwant; k++) {
            json_t *w = json_array_get(want, k);
            if (strcmp(json_string_value(json_array_get(w, 0)), date) == 0 &&
                strcmp(json_string_value(json_array_get(w, 1)), voucher) == 0 &&
                json_integer_value(json_array_get(w, 2)) == l->line_no &&
                strcmp(json_string_value(json_array_get(w, 3)), rule) == 0)
                break;
        }
        if (k == nwant)
            fail_msg("%s: unexpected %s on %s %s line %d: %s", file, rule, date, voucher,
                     (int)l->line_no, json_string_value(json_object_get(fj, "message")));
        json_array_remove(want, k);
    }
    if (json_array_size(want) > 0) {
        char *left = json_dumps(want, JSON_ENSURE_ASCII);
        fail_msg("%s: findings of expected.json not found: %s", file, left);
    }
    json_decref(want);
    return findings;
}

static void test_seed_case_csv(void **state)
{
    (void)state;
    /* a CSV carries no documents and every payment voucher of the seed has
     * attachments: MISSING_DOCUMENT has nothing to find */
    seed_t seed = {0};
    json_t *findings = s_seed_case("ledger-2022.csv", false, &seed);
    assert_int_equal(json_array_size(findings), 21);
    json_decref(findings);
    s_seed_free(&seed);
}

static void test_seed_case_jsonl(void **state)
{
    (void)state;
    seed_t seed = {0};
    json_t *findings = s_seed_case("ledger-2022.jsonl", true, &seed);
    assert_int_equal(json_array_size(findings), 22);
    /* the e-mall contract and acceptance note of 记-11, unsigned */
    size_t i;
    json_t *f, *missing = NULL;
    json_array_foreach(findings, i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "rule")), "MISSING_DOCUMENT") == 0)
            missing = f;
    }
    assert_non_null(missing);
    assert_string_equal(json_string_value(json_object_get(missing, "message")),
                        "付款凭证（贷记1011零余额账户用款额度）：合同DZMC-2022-0131未签署；"
                        "验收单未签署");
    assert_string_equal(json_string_value(json_object_get(missing, "severity")), "medium");
    json_t *ev = json_object_get(missing, "evidence");
    assert_int_equal(json_integer_value(json_object_get(ev, "attachments")), 5);
    json_t *docs = json_object_get(ev, "documents");
    assert_int_equal(json_array_size(docs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 0), "number")),
                        "DZMC-2022-0131");
    json_decref(findings);
    s_seed_free(&seed);
}

static int s_setup(void **state)
{
    (void)state;
    vouch_error_t err;
    vouch_error_clear(&err);
    s_policy = vouch_policy_new_from_file(POLICY_PATH, NULL, &err);
    if (!s_policy) {
        fprintf(stderr, "policy: %s\n", err.text);
        return -1;
    }
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    vouch_policy_destroy(&s_policy);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_misclass_venue),
        cmocka_unit_test(test_misclass_training_travel),
        cmocka_unit_test(test_misclass_vehicle),
        cmocka_unit_test(test_indicator),
        cmocka_unit_test(test_payee),
        cmocka_unit_test(test_procurement),
        cmocka_unit_test(test_procurement_contract_total),
        cmocka_unit_test(test_retroactive_approval),
        cmocka_unit_test(test_stale_document),
        cmocka_unit_test(test_missing_attachments),
        cmocka_unit_test(test_missing_documents),
        cmocka_unit_test(test_missing_kinds_are_policy),
        cmocka_unit_test(test_misclass_row),
        cmocka_unit_test(test_indicator_row),
        cmocka_unit_test(test_payee_row),
        cmocka_unit_test(test_procurement_row),
        cmocka_unit_test(test_retroactive_row),
        cmocka_unit_test(test_stale_row),
        cmocka_unit_test(test_conventions_every_rule),
        cmocka_unit_test(test_twins_and_red_ink),
        cmocka_unit_test(test_one_finding_per_rule_per_line),
        cmocka_unit_test(test_rule_table_and_fold),
        cmocka_unit_test(test_disabled_rule),
        cmocka_unit_test(test_seed_case_csv),
        cmocka_unit_test(test_seed_case_jsonl),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
