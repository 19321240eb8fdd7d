/* gen_spend.c: ordinary spending, booked as a government unit books it.
 * Nothing here may make a finding: lines that need prior approval are
 * approved first, indicators name the line's own category or a general fund,
 * documents are recent, invoice numbers never repeat, and purchases with no
 * channel stay small and are watched per supplier so that no 30-day window
 * reaches emall_floor. Every line without an invoice number is a monthly
 * one whose summary names the month, so no two are alike. */
#include "gen_spend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "gen_policy.h"

const char *const vouch_gen_visitors[] = {
    "省人社厅调研组", "省财政厅督查组", "市委巡察组",
    "兄弟单位考察团", "省审计厅检查组", "国家部委调研组",
};
const size_t vouch_gen_nvisitors = sizeof vouch_gen_visitors / sizeof vouch_gen_visitors[0];

const char *const vouch_gen_topics[] = {
    "就业创业", "劳动保障监察", "社会保险", "财务管理", "安全生产",
    "档案管理", "政策法规",     "信息化",   "人才引进", "统计业务",
};
const size_t vouch_gen_ntopics = sizeof vouch_gen_topics / sizeof vouch_gen_topics[0];

const char *const vouch_gen_destinations[] = {
    "长沙", "北京", "广州", "武汉", "南昌", "深圳", "上海", "成都", "衡阳", "岳阳", "常德", "怀化",
};
const size_t vouch_gen_ndestinations =
    sizeof vouch_gen_destinations / sizeof vouch_gen_destinations[0];

/* project and special-fund indicators: they name no category and hold no
 * general name */
const char *const vouch_gen_projects[] = {
    "就业创业补助资金", "人才发展专项资金",     "信息化建设专项资金",
    "重点工作专项经费", "业务能力提升项目资金", "宣传工作专项资金",
};
const size_t vouch_gen_nprojects = sizeof vouch_gen_projects / sizeof vouch_gen_projects[0];

static const char *const s_purposes[] = {"出差",     "办案",     "调研",
                                         "参加会议", "学习考察", "汇报工作"};
static const char *const s_non_channel_blank[] = {"", "自行采购"};

#define S_WINDOW 31 /* days a SPLIT_PURCHASE window spans, counting both ends */

struct vouch_gen_spend_t {
    vouch_gen_org_t *org;
    int year;
    char property_contract[40];
    char property_payee[96];
    int32_t property_approved;
    int64_t property_fee, salary;
    /* purchases without a channel, per background supplier and day */
    int32_t day[VOUCH_GEN_T_COUNT][VOUCH_GEN_SUPPLIERS][S_WINDOW];
    int64_t sum[VOUCH_GEN_T_COUNT][VOUCH_GEN_SUPPLIERS][S_WINDOW];
};

char *vouch_gen_spend_date(int32_t days, char *out, size_t size)
{
    char d[16];
    snprintf(out, size, "%s", vouch_date_format(days, d));
    return out;
}

int64_t vouch_gen_spend_amount(vouch_gen_rng_t *rng, int64_t lo, int64_t hi)
{
    int64_t yuan = vouch_gen_rng_range(rng, lo, hi);
    return yuan * 100 + (vouch_gen_rng_chance(rng, 20) ? 50 : 0);
}

vouch_gen_spend_t *vouch_gen_spend_new(vouch_gen_org_t *org, vouch_gen_rng_t *rng, int year)
{
    vouch_gen_spend_t *self = vouch_calloc(1, sizeof *self);
    self->org = org;
    self->year = year;
    vouch_gen_org_contract(org, "WYCG", year - 1, self->property_contract,
                           sizeof self->property_contract);
    vouch_gen_org_supplier(org, VOUCH_GEN_T_PROPERTY, 0, self->property_payee,
                           sizeof self->property_payee);
    self->property_approved =
        vouch_date_from_ymd(year - 1, 12, (int)vouch_gen_rng_range(rng, 5, 25));
    self->property_fee = vouch_gen_spend_amount(rng, 6000, 30000);
    self->salary = vouch_gen_rng_range(rng, 200000, 1200000) * 100;
    return self;
}

void vouch_gen_spend_destroy(vouch_gen_spend_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

/* ---- line cells ---- */

bool vouch_gen_spend_utility(const vouch_gen_org_t *org, const char *econ, char *out, size_t size)
{
    static const struct {
        const char *econ, *fmt;
    } utilities[] = {
        {"30206", "国网湖南省电力有限公司%s供电分公司"},
        {"30205", "%s市自来水有限责任公司"},
        {"30207", "中国电信股份有限公司%s分公司"},
    };
    for (size_t i = 0; i < sizeof utilities / sizeof utilities[0]; i++)
        if (strcmp(utilities[i].econ, econ) == 0) {
            snprintf(out, size, utilities[i].fmt, org->city);
            return true;
        }
    return false;
}

void vouch_gen_spend_payee(vouch_gen_line_t *l, const char *payee, bool person)
{
    snprintf(l->payee, sizeof l->payee, "%s", payee);
    vouch_gen_org_account(payee, person, l->payee_account, sizeof l->payee_account);
}

void vouch_gen_spend_defaults(vouch_gen_org_t *org, vouch_gen_rng_t *rng,
                              const vouch_gen_voucher_t *v, vouch_gen_line_t *l)
{
    const char *name = vouch_gen_econ_name(l->econ);
    snprintf(l->indicator, sizeof l->indicator, "%s", name ? name : "");
    l->department = org->depts[vouch_gen_rng_below(rng, org->ndepts)];
    int32_t business = v->date - (int32_t)vouch_gen_rng_range(rng, 2, 20);
    int32_t approval = business - (int32_t)vouch_gen_rng_range(rng, 0, 5);
    int32_t doc = v->date - (int32_t)vouch_gen_rng_range(rng, 0, v->date - business);
    vouch_gen_spend_date(business, l->business_date, sizeof l->business_date);
    vouch_gen_spend_date(approval, l->approval_date, sizeof l->approval_date);
    vouch_gen_spend_date(doc, l->document_dates, sizeof l->document_dates);
    vouch_gen_org_invoice(org, rng, l->invoice_no, sizeof l->invoice_no);
    l->payment_method = "银行转账";
}

/* An indicator for a background line: its category's name in one of the
 * ways units write it, a general fund, or (not for 三公) a project. */
static void s_indicator(vouch_gen_rng_t *rng, int year, vouch_gen_line_t *l)
{
    const vouch_gen_policy_t *p = &vouch_gen_policy;
    const char *name = vouch_gen_econ_name(l->econ);
    bool sangong = false;
    for (size_t i = 0; i < p->sangong.n; i++)
        sangong = sangong || strcmp(p->sangong.items[i], l->econ) == 0;
    int r = (int)vouch_gen_rng_below(rng, 100);
    if (r < 50 || !name)
        snprintf(l->indicator, sizeof l->indicator, "%s", name ? name : "");
    else if (r < 60)
        snprintf(l->indicator, sizeof l->indicator, "%d年%s", year, name);
    else if (r < 70)
        snprintf(l->indicator, sizeof l->indicator, "%s%s", l->econ, name);
    else if (r < 90 || sangong)
        snprintf(l->indicator, sizeof l->indicator, "%s",
                 vouch_gen_rng_pick(rng, p->general_names.items, p->general_names.n));
    else
        snprintf(l->indicator, sizeof l->indicator, "%s",
                 vouch_gen_rng_pick(rng, vouch_gen_projects, vouch_gen_nprojects));
}

void vouch_gen_spend_documents(vouch_gen_voucher_t *v)
{
    const vouch_gen_line_t *l = &v->lines[0];
    int32_t d;
    if (l->invoice_no[0] &&
        vouch_date_parse(l->document_dates, strlen(l->document_dates), &d) == 0 &&
        d != VOUCH_DATE_NONE)
        snprintf(vouch_gen_voucher_doc(v, "发票", d, 1)->number, VOUCH_GEN_DOC_NUMBER, "%s",
                 l->invoice_no);
    if (strcmp(l->econ, "30211") == 0) {
        if (vouch_date_parse(l->approval_date, strlen(l->approval_date), &d) == 0)
            vouch_gen_voucher_doc(v, "审批单", d, 1);
        if (vouch_date_parse(l->business_date, strlen(l->business_date), &d) == 0)
            vouch_gen_voucher_doc(v, "差旅票据", d, 1);
    }
    if (l->contract_no[0]) {
        if (vouch_date_parse(l->approval_date, strlen(l->approval_date), &d) == 0)
            snprintf(vouch_gen_voucher_doc(v, "合同", d, 1)->number, VOUCH_GEN_DOC_NUMBER, "%s",
                     l->contract_no);
        /* an acceptance note whose "signed" some systems leave out */
        vouch_gen_voucher_doc(v, "验收单", v->date - 1, (v->order & 1) ? 1 : -1);
    }
}

/* ---- the split guard ---- */

/* Whether fen more to background supplier (t, number) on date keeps every
 * 31-day window of its purchases without a channel under emall_floor; if so
 * it is counted. Dates only grow within a unit, so checking the window that
 * ends today checks every window the purchase belongs to. */
static bool s_guard(vouch_gen_spend_t *self, vouch_gen_trade_t t, int number, int32_t date,
                    int64_t fen)
{
    int32_t *day = self->day[t][number];
    int64_t *sum = self->sum[t][number], total = fen;
    for (int k = 0; k < S_WINDOW; k++) {
        int slot = (int)((date - k) % S_WINDOW);
        if (day[slot] == date - k)
            total += sum[slot];
    }
    if (total >= vouch_gen_policy.emall_floor)
        return false;
    int slot = (int)(date % S_WINDOW);
    if (day[slot] != date) {
        day[slot] = date;
        sum[slot] = 0;
    }
    sum[slot] += fen;
    return true;
}

/* ---- fixed monthly vouchers ---- */

static vouch_gen_voucher_t *s_fixed(vouch_gen_spend_t *self, vouch_gen_rng_t *rng,
                                    vouch_gen_voucher_t *out, size_t *n, size_t max, int month,
                                    int day_lo, int day_hi)
{
    if (*n >= max)
        return NULL;
    vouch_gen_voucher_t *v = &out[(*n)++];
    int32_t date =
        vouch_date_from_ymd(self->year, month, (int)vouch_gen_rng_range(rng, day_lo, day_hi));
    vouch_gen_voucher_begin(v, self->org, rng, date);
    return v;
}

/* a monthly line: no invoice (payroll, dues), the month in its summary */
static vouch_gen_line_t *s_monthly(vouch_gen_spend_t *self, vouch_gen_rng_t *rng,
                                   vouch_gen_voucher_t *v, const char *summary, const char *econ,
                                   int64_t fen, const char *payee)
{
    vouch_gen_line_t *l = vouch_gen_voucher_expense(v, self->org, summary, econ, fen);
    vouch_gen_spend_defaults(self->org, rng, v, l);
    l->invoice_no[0] = '\0';
    vouch_gen_spend_date(v->date, l->business_date, sizeof l->business_date);
    vouch_gen_spend_date(v->date, l->approval_date, sizeof l->approval_date);
    vouch_gen_spend_date(v->date, l->document_dates, sizeof l->document_dates);
    l->department = "规划财务科";
    if (payee)
        vouch_gen_spend_payee(l, payee, false);
    return l;
}

size_t vouch_gen_spend_fixed(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, int month,
                             vouch_gen_voucher_t *out, size_t max)
{
    vouch_gen_org_t *org = self->org;
    size_t n = 0;
    char s[160], payee[96];
    vouch_gen_voucher_t *v;
    int64_t base = self->salary * vouch_gen_rng_range(rng, 97, 103) / 100;
    int64_t allowance = base * 35 / 100, merit = base * 22 / 100;

    /* salaries: accrued (转), then paid from the budget book (付) */
    if ((v = s_fixed(self, rng, out, &n, max, month, 2, 4))) {
        snprintf(s, sizeof s, "计提%d月工资", month);
        s_monthly(self, rng, v, s, "30101", base, NULL);
        s_monthly(self, rng, v, s, "30102", allowance, NULL);
        s_monthly(self, rng, v, s, "30107", merit, NULL);
        vouch_gen_voucher_settle(v, org, VOUCH_GEN_ACCRUE);
    }
    if ((v = s_fixed(self, rng, out, &n, max, month, 5, 8))) {
        snprintf(s, sizeof s, "发放%d月工资", month);
        s_monthly(self, rng, v, s, "30101", base, "工资统发账户");
        s_monthly(self, rng, v, s, "30102", allowance, "工资统发账户");
        s_monthly(self, rng, v, s, "30107", merit, "工资统发账户");
        vouch_gen_voucher_settle(v, org, VOUCH_GEN_BUDGET_ONLY);
        vouch_gen_voucher_other(v, s, "2201", "应付职工薪酬", base + allowance + merit, 0);
        vouch_gen_voucher_other(v, s, "1011", "零余额账户用款额度", 0, base + allowance + merit);
    }
    if ((v = s_fixed(self, rng, out, &n, max, month, 3, 6))) {
        snprintf(s, sizeof s, "支付%d月物业管理费", month);
        vouch_gen_line_t *l = s_monthly(self, rng, v, s, "30209", self->property_fee, NULL);
        vouch_gen_spend_payee(l, self->property_payee, false);
        vouch_gen_org_invoice(org, rng, l->invoice_no, sizeof l->invoice_no);
        snprintf(l->channel, sizeof l->channel, "政府采购");
        snprintf(l->contract_no, sizeof l->contract_no, "%s", self->property_contract);
        vouch_gen_spend_date(self->property_approved, l->approval_date, sizeof l->approval_date);
        l->department = "办公室";
        vouch_gen_voucher_settle(v, org, VOUCH_GEN_PAY_ZBA);
    }
    if ((v = s_fixed(self, rng, out, &n, max, month, 9, 15))) {
        snprintf(s, sizeof s, "缴纳%d月社会保险费", month);
        snprintf(payee, sizeof payee, "%s市社会保险服务中心", org->city);
        s_monthly(self, rng, v, s, "30108", base * 16 / 100, payee);
        snprintf(payee, sizeof payee, "%s市医疗保障事务中心", org->city);
        s_monthly(self, rng, v, s, "30110", base * 8 / 100, payee);
        vouch_gen_voucher_settle(v, org, VOUCH_GEN_PAY_ZBA);
    }
    if ((v = s_fixed(self, rng, out, &n, max, month, 9, 15))) {
        snprintf(s, sizeof s, "缴存%d月住房公积金", month);
        snprintf(payee, sizeof payee, "%s市住房公积金管理中心", org->city);
        s_monthly(self, rng, v, s, "30113", base * 12 / 100, payee);
        vouch_gen_voucher_settle(v, org, VOUCH_GEN_PAY_ZBA);
    }
    /* bills: approved when they arrive, after the period they bill, which
     * RETROACTIVE_APPROVAL must not mind (no contract, no approval code) */
    static const struct {
        const char *what, *econ;
        int64_t lo, hi;
    } bills[] = {
        {"电费", "30206", 3000, 15000},
        {"水费", "30205", 500, 3000},
        {"电话费", "30207", 800, 4000},
    };
    for (size_t b = 0; b < sizeof bills / sizeof bills[0]; b++) {
        if (!(v = s_fixed(self, rng, out, &n, max, month, 10, 20)))
            break;
        snprintf(s, sizeof s, "支付%d月%s", month, bills[b].what);
        vouch_gen_spend_utility(org, bills[b].econ, payee, sizeof payee);
        vouch_gen_line_t *l =
            s_monthly(self, rng, v, s, bills[b].econ,
                      vouch_gen_spend_amount(rng, bills[b].lo, bills[b].hi), payee);
        vouch_gen_org_invoice(org, rng, l->invoice_no, sizeof l->invoice_no);
        s_indicator(rng, self->year, l);
        vouch_gen_spend_date(vouch_date_from_ymd(self->year, month, 1), l->business_date,
                             sizeof l->business_date);
        l->department = "办公室";
        vouch_gen_voucher_settle(v, org, VOUCH_GEN_PAY_ZBA);
    }
    if ((v = s_fixed(self, rng, out, &n, max, month, 20, 27))) {
        snprintf(s, sizeof s, "支付%d月银行手续费", month);
        snprintf(payee, sizeof payee, "中国建设银行%s分行", org->city);
        s_monthly(self, rng, v, s, "30204", vouch_gen_spend_amount(rng, 20, 300), payee);
        vouch_gen_voucher_settle(v, org, VOUCH_GEN_PAY_BANK);
    }
    /* depreciation: no economic code, so no rule reads it */
    if ((v = s_fixed(self, rng, out, &n, max, month, 25, 28))) {
        snprintf(s, sizeof s, "计提%d月固定资产折旧", month);
        int64_t dep = vouch_gen_spend_amount(rng, 5000, 40000);
        vouch_gen_voucher_other(v, s, "5001", "业务活动费用", dep, 0);
        vouch_gen_voucher_other(v, s, "1602", "固定资产累计折旧", 0, dep);
    }
    /* in date order: a voucher's number follows its date */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && out[j].date < out[j - 1].date; j--) {
            vouch_gen_voucher_t tmp;
            memcpy(&tmp, &out[j], sizeof tmp);
            memcpy(&out[j], &out[j - 1], sizeof tmp);
            memcpy(&out[j - 1], &tmp, sizeof tmp);
        }
    return n;
}

/* ---- day-to-day vouchers ---- */

static void s_travel(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, vouch_gen_voucher_t *v)
{
    vouch_gen_org_t *org = self->org;
    int travellers = vouch_gen_rng_chance(rng, 15) ? (int)vouch_gen_rng_range(rng, 2, 3) : 1;
    const char *dest = vouch_gen_rng_pick(rng, vouch_gen_destinations, vouch_gen_ndestinations);
    const char *purpose = VOUCH_GEN_PICK(rng, s_purposes);
    int32_t start = v->date - (int32_t)vouch_gen_rng_range(rng, 5, 40);
    int32_t approved = start - (int32_t)vouch_gen_rng_range(rng, 0, 4);
    int days = (int)vouch_gen_rng_range(rng, 1, 5);
    int shape = (int)vouch_gen_rng_below(rng, 4);
    int first = -1;
    for (int t = 0; t < travellers; t++) {
        int who = vouch_gen_org_person(org, rng);
        if (who == first)
            who = (who + 1) % VOUCH_GEN_STAFF;
        if (first < 0)
            first = who;
        const char *name = org->staff[who];
        char s[160];
        if (travellers > 1)
            snprintf(s, sizeof s, "赴%s%s差旅费（%s）", dest, purpose, name);
        else if (shape == 0)
            snprintf(s, sizeof s, "%s赴%s%s差旅费", name, dest, purpose);
        else if (shape == 1)
            snprintf(s, sizeof s, "报销%s赴%s出差差旅费", name, dest);
        else if (shape == 2)
            snprintf(s, sizeof s, "%s赴%s参加%s培训差旅费", name, dest,
                     vouch_gen_rng_pick(rng, vouch_gen_topics, vouch_gen_ntopics));
        else
            snprintf(s, sizeof s, "%s%s赴%s%s差旅费", vouch_gen_org_dept(org, who), name, dest,
                     purpose);
        vouch_gen_line_t *l =
            vouch_gen_voucher_expense(v, org, s, "30211", vouch_gen_spend_amount(rng, 200, 6000));
        vouch_gen_spend_defaults(org, rng, v, l);
        s_indicator(rng, self->year, l);
        l->department = vouch_gen_org_dept(org, who);
        snprintf(l->claimant, sizeof l->claimant, "%s", name);
        vouch_gen_spend_payee(l, name, true);
        vouch_gen_spend_date(start, l->business_date, sizeof l->business_date);
        vouch_gen_spend_date(approved, l->approval_date, sizeof l->approval_date);
        char a[16], b[16];
        snprintf(l->document_dates, sizeof l->document_dates, "%s;%s", vouch_date_format(start, a),
                 vouch_date_format(start + days, b));
        l->payment_method = vouch_gen_rng_chance(rng, 40) ? "公务卡" : "银行转账";
    }
    vouch_gen_voucher_settle(v, org, VOUCH_GEN_PAY_ZBA);
}

/* reception (30217), meetings (30215), training (30216): need prior approval */
static void s_event(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, vouch_gen_voucher_t *v,
                    const char *econ)
{
    vouch_gen_org_t *org = self->org;
    const char *topic = vouch_gen_rng_pick(rng, vouch_gen_topics, vouch_gen_ntopics);
    char s[160], payee[96];
    int64_t fen;
    if (strcmp(econ, "30217") == 0) {
        snprintf(s, sizeof s, "接待%s%s工作餐",
                 vouch_gen_rng_pick(rng, vouch_gen_visitors, vouch_gen_nvisitors),
                 vouch_gen_rng_chance(rng, 50) ? "" : "调研");
        fen = vouch_gen_spend_amount(rng, 300, 5000);
        vouch_gen_org_hotel(org, rng, payee, sizeof payee);
    } else if (strcmp(econ, "30215") == 0) {
        if (vouch_gen_rng_chance(rng, 60))
            snprintf(s, sizeof s, "召开全市%s工作会议会务费", topic);
        else
            snprintf(s, sizeof s, "召开%s工作座谈会租用会议室", topic);
        fen = vouch_gen_spend_amount(rng, 2000, 40000);
        vouch_gen_org_hotel(org, rng, payee, sizeof payee);
    } else {
        int r = (int)vouch_gen_rng_below(rng, 3);
        snprintf(s, sizeof s,
                 r == 0   ? "举办%s业务培训班"
                 : r == 1 ? "参加%s培训费"
                          : "%s培训专家讲课费",
                 topic);
        fen = vouch_gen_spend_amount(rng, 1500, 50000);
        if (vouch_gen_rng_chance(rng, 50))
            snprintf(payee, sizeof payee, "%s市委党校", org->city);
        else
            snprintf(payee, sizeof payee, "湖南省%s培训中心", topic);
    }
    vouch_gen_line_t *l = vouch_gen_voucher_expense(v, org, s, econ, fen);
    vouch_gen_spend_defaults(org, rng, v, l);
    s_indicator(rng, self->year, l);
    vouch_gen_spend_payee(l, payee, false);
    if (vouch_gen_rng_chance(rng, 30))
        l->payment_method = "公务卡";
    vouch_gen_voucher_settle(
        v, org, vouch_gen_rng_chance(rng, 80) ? VOUCH_GEN_PAY_ZBA : VOUCH_GEN_PAY_BANK);
}

static void s_vehicle(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, vouch_gen_voucher_t *v)
{
    static const struct {
        const char *summary, *payee_fmt;
        int64_t lo, hi;
    } kinds[] = {
        {"公务用车加油费", "中国石化销售股份有限公司湖南%s石油分公司", 300, 3000},
        {"公务用车维修费", "%s市顺达汽车维修厂", 500, 8000},
        {"公务用车保养费", "%s市顺达汽车维修厂", 300, 2000},
        {"公务用车保险费", "中国人民财产保险股份有限公司%s市分公司", 2000, 6000},
        {"公务用车年检费", "%s市机动车检测站", 200, 800},
        {"公务用车过路费", "湖南省高速公路集团有限公司", 50, 800},
        {"公务用车停车费", "%s市城市停车管理有限公司", 20, 500},
    };
    size_t k = vouch_gen_rng_below(rng, sizeof kinds / sizeof kinds[0]);
    char payee[96];
    snprintf(payee, sizeof payee, kinds[k].payee_fmt, self->org->city);
    vouch_gen_line_t *l =
        vouch_gen_voucher_expense(v, self->org, kinds[k].summary, "30231",
                                  vouch_gen_spend_amount(rng, kinds[k].lo, kinds[k].hi));
    vouch_gen_spend_defaults(self->org, rng, v, l);
    s_indicator(rng, self->year, l);
    vouch_gen_spend_payee(l, payee, false);
    l->payment_method = "公务卡";
    vouch_gen_voucher_settle(v, self->org, VOUCH_GEN_PAY_ZBA);
}

/* goods and services from suppliers, in procurement scope or not */
typedef struct {
    const char *econ;
    vouch_gen_trade_t trade;
    const char *summaries[4];
    int64_t lo, hi;         /* yuan, small purchases */
    int big;                /* percent that are large, bought through a channel */
    int64_t big_lo, big_hi; /* yuan */
} s_goods_t;

static const s_goods_t s_goods[] = {
    {"30201",
     VOUCH_GEN_T_OFFICE,
     {"购买打印纸、文件盒等办公用品", "购买硒鼓墨盒", "购买办公文具", "购买档案盒"},
     200,
     9000,
     15,
     10000,
     90000},
    {"30201",
     VOUCH_GEN_T_STATIONERY,
     {"购买办公用品", "购买会议记录本", "购买笔墨纸张", "购买文件柜"},
     200,
     6000,
     5,
     10000,
     60000},
    {"30202",
     VOUCH_GEN_T_PRINT,
     {"印制%s宣传资料", "印刷%s工作手册", "印制%s政策汇编", "印刷信封信纸"},
     500,
     9000,
     10,
     10000,
     80000},
    {"30203",
     VOUCH_GEN_T_CONSULT,
     {"%s咨询服务费", "%s法律顾问费", "%s审计咨询费", "%s评估咨询费"},
     2000,
     9000,
     30,
     20000,
     300000},
    {"30213",
     VOUCH_GEN_T_BUILD,
     {"办公楼外墙维修", "办公楼屋面防水维修", "档案室改造维修", "办公区水电维修"},
     1000,
     9000,
     25,
     20000,
     400000},
    {"30213",
     VOUCH_GEN_T_MACHINE,
     {"空调维修费", "电梯维护保养费", "消防设施维护费", "办公设备维修费"},
     300,
     9000,
     10,
     10000,
     60000},
    {"30214",
     VOUCH_GEN_T_ESTATE,
     {"档案库房租金", "租赁仓储用房", "租赁%s工作用房", "档案库房租赁费"},
     2000,
     8000,
     5,
     20000,
     120000},
    {"30218",
     VOUCH_GEN_T_MATERIAL,
     {"购买%s专用材料", "购买检测试剂", "购买专用耗材", "购买%s专用器材"},
     300,
     9000,
     10,
     10000,
     150000},
    {"30227",
     VOUCH_GEN_T_MEDIA,
     {"%s宣传委托服务费", "%s专题宣传费", "%s委托业务费", "%s第三方评估费"},
     3000,
     9000,
     60,
     20000,
     900000},
    {"30227",
     VOUCH_GEN_T_HR,
     {"%s劳务派遣服务费", "%s档案数字化服务费", "%s委托业务费", "%s外包服务费"},
     3000,
     9000,
     60,
     20000,
     600000},
    {"30299",
     VOUCH_GEN_T_TRADE,
     {"购买%s工作用品", "购买应急物资", "购买防疫物资", "购买%s活动物品"},
     200,
     9000,
     5,
     10000,
     60000},
    {"30229",
     VOUCH_GEN_T_TRADE,
     {"购买职工慰问品", "职工体检费", "购买节日慰问品", "困难职工慰问"},
     1000,
     20000,
     0,
     0,
     0},
    {"31002",
     VOUCH_GEN_T_OFFICE,
     {"购置台式计算机", "购置打印复印一体机", "购置空调", "购置办公家具"},
     3000,
     9000,
     50,
     10000,
     600000},
    {"31007",
     VOUCH_GEN_T_SOFTWARE,
     {"%s信息系统建设", "%s业务软件升级", "购置正版办公软件", "%s数据平台建设"},
     3000,
     9000,
     70,
     100000,
     1800000},
};

static bool s_in_scope(const char *econ)
{
    const vouch_gen_words_t *scope = &vouch_gen_policy.scope;
    for (size_t i = 0; i < scope->n; i++)
        if (strncmp(econ, scope->items[i], strlen(scope->items[i])) == 0)
            return true;
    return false;
}

static void s_goods_voucher(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, vouch_gen_voucher_t *v,
                            const s_goods_t *g)
{
    const vouch_gen_policy_t *p = &vouch_gen_policy;
    vouch_gen_org_t *org = self->org;
    char s[160], payee[96];
    const char *topic = vouch_gen_rng_pick(rng, vouch_gen_topics, vouch_gen_ntopics);
    snprintf(s, sizeof s, g->summaries[vouch_gen_rng_below(rng, 4)], topic);
    bool big = g->big && vouch_gen_rng_chance(rng, g->big);
    int64_t fen = big ? vouch_gen_spend_amount(rng, g->big_lo, g->big_hi)
                      : vouch_gen_spend_amount(rng, g->lo, g->hi);
    int number = (int)vouch_gen_rng_below(rng, VOUCH_GEN_SUPPLIERS);
    vouch_gen_org_supplier(org, g->trade, number, payee, sizeof payee);

    vouch_gen_line_t *l = vouch_gen_voucher_expense(v, org, s, g->econ, fen);
    vouch_gen_spend_defaults(org, rng, v, l);
    s_indicator(rng, self->year, l);
    vouch_gen_spend_payee(l, payee, false);
    bool scope = s_in_scope(g->econ);
    if (!scope) {
        /* no channel needed */
    } else if (!big && vouch_gen_rng_chance(rng, 70) &&
               s_guard(self, g->trade, number, v->date, fen)) {
        snprintf(l->channel, sizeof l->channel, "%s", VOUCH_GEN_PICK(rng, s_non_channel_blank));
    } else if (fen >= p->emall_floor || (big && vouch_gen_rng_chance(rng, 50))) {
        /* a contract and a channel fit for the amount; approved before it began */
        bool gov = fen >= p->gov_limit || vouch_gen_rng_chance(rng, 50);
        const vouch_gen_words_t *ch = gov ? &p->gov_methods : &p->emall_channels;
        snprintf(l->channel, sizeof l->channel, "%s", vouch_gen_rng_pick(rng, ch->items, ch->n));
        vouch_gen_org_contract(org, gov ? "CG" : "DZMC", self->year, l->contract_no,
                               sizeof l->contract_no);
        int32_t start = v->date - (int32_t)vouch_gen_rng_range(rng, 10, 150);
        vouch_gen_spend_date(start, l->business_date, sizeof l->business_date);
        vouch_gen_spend_date(start - (int32_t)vouch_gen_rng_range(rng, 0, 30), l->approval_date,
                             sizeof l->approval_date);
    } else {
        snprintf(l->channel, sizeof l->channel, "%s",
                 vouch_gen_rng_pick(rng, p->emall_channels.items, p->emall_channels.n));
    }
    vouch_gen_voucher_settle(v, org,
                             fen >= 5000000 && vouch_gen_rng_chance(rng, 50) ? VOUCH_GEN_PAY_DIRECT
                             : fen < 100000 && vouch_gen_rng_chance(rng, 30) ? VOUCH_GEN_PAY_CASH
                                                                             : VOUCH_GEN_PAY_ZBA);
}

static void s_labour(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, vouch_gen_voucher_t *v)
{
    char name[VOUCH_GEN_NAME], s[160];
    vouch_gen_org_outsider(rng, name, sizeof name);
    snprintf(s, sizeof s, "支付%s%s评审劳务费", name,
             vouch_gen_rng_pick(rng, vouch_gen_topics, vouch_gen_ntopics));
    vouch_gen_line_t *l =
        vouch_gen_voucher_expense(v, self->org, s, "30226", vouch_gen_spend_amount(rng, 300, 5000));
    vouch_gen_spend_defaults(self->org, rng, v, l);
    s_indicator(rng, self->year, l);
    vouch_gen_spend_payee(l, name, true);
    vouch_gen_voucher_settle(v, self->org, VOUCH_GEN_PAY_ZBA);
}

static void s_transport(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, vouch_gen_voucher_t *v)
{
    vouch_gen_org_t *org = self->org;
    int who = vouch_gen_org_person(org, rng);
    char s[160];
    snprintf(s, sizeof s,
             vouch_gen_rng_chance(rng, 50) ? "报销%s市内交通费" : "%s外勤乘坐出租车费用",
             org->staff[who]);
    vouch_gen_line_t *l =
        vouch_gen_voucher_expense(v, org, s, "30239", vouch_gen_spend_amount(rng, 20, 600));
    vouch_gen_spend_defaults(org, rng, v, l);
    s_indicator(rng, self->year, l);
    snprintf(l->claimant, sizeof l->claimant, "%s", org->staff[who]);
    vouch_gen_spend_payee(l, org->staff[who], true);
    vouch_gen_voucher_settle(v, org, VOUCH_GEN_PAY_CASH);
}

static void s_abroad(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, vouch_gen_voucher_t *v)
{
    static const char *const countries[] = {"新加坡", "德国", "日本", "韩国"};
    vouch_gen_org_t *org = self->org;
    char s[160];
    snprintf(s, sizeof s, "%s等赴%s学习考察因公出国费用",
             org->staff[vouch_gen_org_person(org, rng)], VOUCH_GEN_PICK(rng, countries));
    vouch_gen_line_t *l =
        vouch_gen_voucher_expense(v, org, s, "30212", vouch_gen_spend_amount(rng, 20000, 90000));
    vouch_gen_spend_defaults(org, rng, v, l);
    s_indicator(rng, self->year, l);
    vouch_gen_spend_payee(l, "湖南省中国国际旅行社", false);
    vouch_gen_voucher_settle(v, org, VOUCH_GEN_PAY_ZBA);
}

/* red ink: an earlier travel claim partly reversed; rules skip the line */
static void s_red_ink(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, vouch_gen_voucher_t *v)
{
    vouch_gen_org_t *org = self->org;
    int who = vouch_gen_org_person(org, rng);
    char s[160];
    snprintf(s, sizeof s, "冲销%s多报差旅费", org->staff[who]);
    vouch_gen_line_t *l =
        vouch_gen_voucher_expense(v, org, s, "30211", -vouch_gen_spend_amount(rng, 50, 800));
    vouch_gen_spend_defaults(org, rng, v, l);
    snprintf(l->claimant, sizeof l->claimant, "%s", org->staff[who]);
    vouch_gen_spend_payee(l, org->staff[who], true);
    vouch_gen_voucher_settle(v, org, VOUCH_GEN_PAY_ZBA);
}

void vouch_gen_spend_background(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, int32_t date,
                                vouch_gen_voucher_t *v)
{
    vouch_gen_voucher_begin(v, self->org, rng, date);
    if (vouch_gen_rng_chance(rng, 2))
        v->attachments = VOUCH_GEN_BLANK; /* unknown: never 0 */
    int r = (int)vouch_gen_rng_below(rng, 1000);
    const size_t ngoods = sizeof s_goods / sizeof s_goods[0];
    if (r < 280)
        s_travel(self, rng, v);
    else if (r < 340)
        s_event(self, rng, v, "30217");
    else if (r < 390)
        s_event(self, rng, v, "30215");
    else if (r < 450)
        s_event(self, rng, v, "30216");
    else if (r < 530)
        s_vehicle(self, rng, v);
    else if (r < 580)
        s_labour(self, rng, v);
    else if (r < 610)
        s_transport(self, rng, v);
    else if (r < 613)
        s_abroad(self, rng, v);
    else if (r < 623)
        s_red_ink(self, rng, v);
    else
        s_goods_voucher(self, rng, v, &s_goods[vouch_gen_rng_below(rng, ngoods)]);
    vouch_gen_spend_documents(v);
}
