/* gen_plant.c: what each rule must find, and what it must leave alone, for
 * one unit. Every planted voucher is otherwise clean (approved first, its own
 * category's indicator, recent documents, a fresh invoice, a supplier no other
 * voucher pays), so that the only finding on it is the one marked; where a
 * case needs two rules (the seed's 记-51: venue rental from another
 * indicator) both are marked. The words come from gen_policy.c, so a word
 * added to the policy is planted once it is added there. */
#include "gen_plant.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "gen_policy.h"
#include "gen_spend.h"

#define R_MISCLASS "MISCLASS_EXPENSE"
#define R_INDICATOR "INDICATOR_MISMATCH"
#define R_PAYEE "PAYEE_MISMATCH"
#define R_PROCUREMENT "PROCUREMENT_BYPASS"
#define R_SPLIT "SPLIT_PURCHASE"
#define R_APPROVAL "RETROACTIVE_APPROVAL"
#define R_STALE "STALE_DOCUMENT"
#define R_MISSING "MISSING_DOCUMENT"
#define R_DUPLICATE "DUPLICATE_PAYMENT"
#define R_UNBALANCED "UNBALANCED_VOUCHER"
#define R_GAP "SEQUENCE_GAP"
#define R_PREPARER "PREPARER_IS_REVIEWER"

typedef struct {
    vouch_gen_org_t *org;
    vouch_gen_rng_t *rng;
    int year;
    vouch_gen_voucher_t **items;
    size_t n, cap;
} s_plant_t;

static const vouch_gen_policy_t *const P = &vouch_gen_policy;

/* ---- helpers ---- */

static int32_t s_ymd(s_plant_t *p, int m, int d)
{
    return vouch_date_from_ymd(p->year, m, d);
}

/* a date in months lo..hi, on the 10th to the 28th */
static int32_t s_when(s_plant_t *p, int lo, int hi)
{
    return s_ymd(p, (int)vouch_gen_rng_range(p->rng, lo, hi),
                 (int)vouch_gen_rng_range(p->rng, 10, 28));
}

static vouch_gen_voucher_t *s_voucher(s_plant_t *p, int32_t date)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->items = vouch_realloc(p->items, p->cap * sizeof *p->items);
    }
    vouch_gen_voucher_t *v = vouch_malloc(sizeof *v);
    vouch_gen_voucher_begin(v, p->org, p->rng, date);
    v->order = (int)p->n;
    p->items[p->n++] = v;
    return v;
}

static int64_t s_amt(s_plant_t *p, int64_t lo, int64_t hi)
{
    return vouch_gen_spend_amount(p->rng, lo, hi);
}

static const char *s_topic(s_plant_t *p)
{
    return vouch_gen_rng_pick(p->rng, vouch_gen_topics, vouch_gen_ntopics);
}

static const char *s_visitor(s_plant_t *p)
{
    return vouch_gen_rng_pick(p->rng, vouch_gen_visitors, vouch_gen_nvisitors);
}

static const char *s_dest(s_plant_t *p)
{
    return vouch_gen_rng_pick(p->rng, vouch_gen_destinations, vouch_gen_ndestinations);
}

static const char *s_project(s_plant_t *p)
{
    return vouch_gen_rng_pick(p->rng, vouch_gen_projects, vouch_gen_nprojects);
}

static bool s_is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static vouch_gen_trade_t s_trade(const char *econ)
{
    static const struct {
        const char *econ;
        vouch_gen_trade_t trade;
    } map[] = {
        {"30201", VOUCH_GEN_T_OFFICE},   {"30202", VOUCH_GEN_T_PRINT},
        {"30203", VOUCH_GEN_T_CONSULT},  {"30209", VOUCH_GEN_T_PROPERTY},
        {"30213", VOUCH_GEN_T_BUILD},    {"30214", VOUCH_GEN_T_ESTATE},
        {"30218", VOUCH_GEN_T_MATERIAL}, {"30226", VOUCH_GEN_T_HR},
        {"30227", VOUCH_GEN_T_MEDIA},    {"31007", VOUCH_GEN_T_SOFTWARE},
        {"30207", VOUCH_GEN_T_SOFTWARE},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (s_is(map[i].econ, econ))
            return map[i].trade;
    return strncmp(econ, "31", 2) == 0 ? VOUCH_GEN_T_OFFICE : VOUCH_GEN_T_TRADE;
}

/* A clean expense line. Payee: for travel and transport the claimant
 * themself; for meetings, training and reception a hotel; for utilities the
 * utility; else a supplier of trade (-1: the code's) no other voucher of the
 * unit pays. */
static vouch_gen_line_t *s_line_from(s_plant_t *p, vouch_gen_voucher_t *v, int trade,
                                     const char *econ, int64_t fen, const char *summary)
{
    char payee[96];
    vouch_gen_line_t *l = vouch_gen_voucher_expense(v, p->org, summary, econ, fen);
    vouch_gen_spend_defaults(p->org, p->rng, v, l);
    if (s_is(econ, "30211") || s_is(econ, "30239")) {
        int who = vouch_gen_org_person(p->org, p->rng);
        snprintf(l->claimant, sizeof l->claimant, "%s", p->org->staff[who]);
        vouch_gen_spend_payee(l, p->org->staff[who], true);
        l->department = vouch_gen_org_dept(p->org, who);
        return l;
    }
    if (trade < 0 && (s_is(econ, "30215") || s_is(econ, "30216") || s_is(econ, "30217")))
        vouch_gen_org_hotel(p->org, p->rng, payee, sizeof payee);
    else if (trade >= 0 || !vouch_gen_spend_utility(p->org, econ, payee, sizeof payee))
        vouch_gen_org_planted_supplier(
            p->org, trade >= 0 ? (vouch_gen_trade_t)trade : s_trade(econ), payee, sizeof payee);
    vouch_gen_spend_payee(l, payee, false);
    return l;
}

static vouch_gen_line_t *s_line(s_plant_t *p, vouch_gen_voucher_t *v, const char *econ, int64_t fen,
                                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static vouch_gen_line_t *s_line(s_plant_t *p, vouch_gen_voucher_t *v, const char *econ, int64_t fen,
                                const char *fmt, ...)
{
    char summary[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(summary, sizeof summary, fmt, ap);
    va_end(ap);
    return s_line_from(p, v, -1, econ, fen, summary);
}

static void s_settle(s_plant_t *p, vouch_gen_voucher_t *v, vouch_gen_settle_t how)
{
    vouch_gen_voucher_settle(v, p->org, how);
    vouch_gen_spend_documents(v);
}

/* a voucher of one clean line dated in the year, paid from the zero-balance
 * account; its payee a supplier of trade (-1: as s_line_from chooses) */
static vouch_gen_voucher_t *s_one_from(s_plant_t *p, int trade, const char *econ, int64_t fen,
                                       const char *summary)
{
    vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
    s_line_from(p, v, trade, econ, fen, summary);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    return v;
}

static vouch_gen_voucher_t *s_one(s_plant_t *p, const char *econ, int64_t fen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static vouch_gen_voucher_t *s_one(s_plant_t *p, const char *econ, int64_t fen, const char *fmt, ...)
{
    char summary[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(summary, sizeof summary, fmt, ap);
    va_end(ap);
    return s_one_from(p, -1, econ, fen, summary);
}

/* what a mark says: the rule flags the line (in every export, or only in
 * JSON Lines, where documents[] exist), or must leave it alone */
typedef enum { S_FIND, S_FIND_JSON, S_DECOY, S_DECOY_JSON } s_mark_t;

/* mark line of v (-1: the voucher) for rule; the rest says which case */
static void s_mark(vouch_gen_voucher_t *v, const char *rule, int line, s_mark_t how,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void s_mark(vouch_gen_voucher_t *v, const char *rule, int line, s_mark_t how,
                   const char *fmt, ...)
{
    char what[120];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    bool json = how == S_FIND_JSON || how == S_DECOY_JSON;
    vouch_gen_voucher_mark(v, rule, line, json ? VOUCH_GEN_JSONL : VOUCH_GEN_ANY,
                           how == S_DECOY || how == S_DECOY_JSON, what);
}

static void s_date_cell(int32_t d, int shape, char *out, size_t size)
{
    int y, m, dd;
    vouch_date_to_ymd(d, &y, &m, &dd);
    switch (shape % 4) {
    case 1:
        snprintf(out, size, "%d/%d/%d", y, m, dd);
        break;
    case 2:
        snprintf(out, size, "%d年%d月%d日", y, m, dd);
        break;
    case 3:
        snprintf(out, size, "%04d%02d%02d", y, m, dd);
        break;
    default:
        vouch_gen_spend_date(d, out, size);
    }
}

/* the line's cells for a contract that began on start, approved on approved */
static void s_contract(s_plant_t *p, vouch_gen_line_t *l, const char *no, const char *channel,
                       int32_t start, int32_t approved)
{
    (void)p;
    snprintf(l->contract_no, sizeof l->contract_no, "%s", no);
    snprintf(l->channel, sizeof l->channel, "%s", channel);
    vouch_gen_spend_date(start, l->business_date, sizeof l->business_date);
    vouch_gen_spend_date(approved, l->approval_date, sizeof l->approval_date);
}

/* a name with a space after its first character: "王 芳" */
static void s_spaced(const char *name, const char *space, char *out, size_t size)
{
    size_t first = 1;
    while (name[first] && ((unsigned char)name[first] & 0xC0) == 0x80)
        first++;
    snprintf(out, size, "%.*s%s%s", (int)first, name, space, name + first);
}

/* ASCII digits as full-width ones (NFKC folds them back) */
static void s_full_width(const char *s, char *out, size_t size)
{
    size_t o = 0;
    for (; *s && o + 4 < size; s++) {
        if (*s >= '0' && *s <= '9') {
            out[o++] = (char)0xEF;
            out[o++] = (char)0xBC;
            out[o++] = (char)(0x90 + (*s - '0'));
        } else {
            out[o++] = *s;
        }
    }
    out[o] = '\0';
}

/* a clean one-line voucher of travel: for the rules that look at vouchers */
static vouch_gen_voucher_t *s_clean(s_plant_t *p, int32_t date)
{
    vouch_gen_voucher_t *v = s_voucher(p, date);
    s_line(p, v, "30211", s_amt(p, 300, 3000), "赴%s出差差旅费", s_dest(p));
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    return v;
}

/* ---- MISCLASS_EXPENSE ---- */

static void s_misclass_venue(s_plant_t *p)
{
    const vouch_gen_words_t *places = &P->venue_places, *rents = &P->venue_rents;
    size_t n = places->n > rents->n ? places->n : rents->n;
    for (size_t k = 0; k < n; k++) {
        const char *place = places->items[k % places->n], *rent = rents->items[k % rents->n];
        vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
        if (k % 2)
            s_line(p, v, "30217", s_amt(p, 1500, 8000), "接待%s%s%s", s_visitor(p), place, rent);
        else
            s_line(p, v, "30217", s_amt(p, 1500, 8000), "接待%s%s%s", s_visitor(p), rent, place);
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_MISCLASS, 0, S_FIND, "venue: %s with %s under 30217", place, rent);
    }
    for (size_t k = 0; k < P->venue_words.n; k++) {
        vouch_gen_voucher_t *v = s_one(p, "30217", s_amt(p, 1500, 8000), "接待%s%s费", s_visitor(p),
                                       P->venue_words.items[k]);
        s_mark(v, R_MISCLASS, 0, S_FIND, "venue: %s alone under 30217", P->venue_words.items[k]);
    }
    vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
    s_line(p, v, "30217", s_amt(p, 1500, 8000), "接待%s租用报告厅", s_visitor(p));
    s_settle(p, v, VOUCH_GEN_BUDGET_ONLY);
    s_mark(v, R_MISCLASS, 0, S_FIND, "venue under 30217 in a voucher with budget lines only");

    /* text is compared with white space removed: a word split by spaces counts */
    v = s_one(p, "30217", s_amt(p, 1500, 8000), "接待%s 会议 室租 金", s_visitor(p));
    s_mark(v, R_MISCLASS, 0, S_FIND, "venue: words split by spaces under 30217");

    /* the seed's 记-51: a room booked as reception, paid from another indicator */
    v = s_voucher(p, s_when(p, 1, 12));
    vouch_gen_line_t *l =
        s_line(p, v, "30217", s_amt(p, 2000, 6000), "接待%s租赁会议室", s_visitor(p));
    snprintf(l->indicator, sizeof l->indicator, "其他商品和服务支出");
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_MISCLASS, 0, S_FIND, "venue under 30217 (seed 记-51)");
    s_mark(v, R_INDICATOR, 0, S_FIND, "30217 paid from 其他商品和服务支出 (seed 记-51)");

    v = s_one(p, "30217", s_amt(p, 2000, 6000), "租用多功能厅举办%s培训", s_topic(p));
    s_mark(v, R_MISCLASS, 0, S_FIND, "venue and training under 30217: one finding");

    v = s_one(p, "30215", s_amt(p, 2000, 9000), "召开%s工作会议租用会议室", s_topic(p));
    s_mark(v, R_MISCLASS, 0, S_DECOY, "venue rental under 30215 (only 30217 is forbidden)");

    v = s_one(p, "30214", s_amt(p, 2000, 9000), "租赁多功能厅举办%s活动", s_topic(p));
    s_mark(v, R_MISCLASS, 0, S_DECOY, "venue rental under 30214");

    v = s_one(p, "30217", s_amt(p, 300, 2000), "接待%s会议室茶歇", s_visitor(p));
    s_mark(v, R_MISCLASS, 0, S_DECOY, "会议室 with no rent word under 30217");

    v = s_one(p, "30217", s_amt(p, 300, 2000), "接待%s租车费", s_visitor(p));
    s_mark(v, R_MISCLASS, 0, S_DECOY, "a rent word with no venue under 30217");

    v = s_one(p, "30217", -s_amt(p, 1500, 4000), "冲回接待%s租用会议室费用", s_visitor(p));
    s_mark(v, R_MISCLASS, 0, S_DECOY, "red ink: a venue rental under 30217 reversed");
}

/* A summary template for each code a family may not be booked under: the
 * first %s is a topic (or a visitor), the second the family's word. */
typedef struct {
    const char *code, *summary;
    bool visitor;
} s_template_t;

/* every word of a family under every code it may not be booked under */
static void s_forbidden(s_plant_t *p, const char *family, const vouch_gen_words_t *words,
                        const vouch_gen_words_t *codes, const s_template_t *t, size_t nt)
{
    for (size_t i = 0; i < words->n; i++)
        for (size_t j = 0; j < codes->n; j++) {
            const char *code = codes->items[j], *fmt = "%s%s费用";
            bool visitor = false;
            for (size_t k = 0; k < nt; k++)
                if (s_is(t[k].code, code)) {
                    fmt = t[k].summary;
                    visitor = t[k].visitor;
                }
            char summary[160];
            snprintf(summary, sizeof summary, fmt, visitor ? s_visitor(p) : s_topic(p),
                     words->items[i]);
            vouch_gen_voucher_t *v = s_one(p, code, s_amt(p, 500, 5000), "%s", summary);
            s_mark(v, R_MISCLASS, 0, S_FIND, "%s: %s under %s", family, words->items[i], code);
        }
}

static void s_misclass_training(s_plant_t *p)
{
    static const s_template_t t[] = {
        {"30215", "召开%s工作会议暨专家%s", false},
        {"30217", "接待%s%s期间工作餐", false},
    };
    s_forbidden(p, "training", &P->training_words, &P->training_forbidden, t, 2);
    for (size_t i = 0; i < P->training_words.n; i++) {
        const char *w = P->training_words.items[i];
        vouch_gen_voucher_t *v =
            s_one(p, "30216", s_amt(p, 2000, 20000), "%s业务%s费", s_topic(p), w);
        s_mark(v, R_MISCLASS, 0, S_DECOY, "training: %s under 30216", w);
    }
    vouch_gen_voucher_t *v =
        s_one(p, "30211", s_amt(p, 500, 3000), "赴%s参加%s培训差旅费", s_dest(p), s_topic(p));
    s_mark(v, R_MISCLASS, 0, S_DECOY, "training yields to travel, under 30211");
}

/* vehicle costs, under whatever code, are paid to a garage or filling
 * station; under 30211 they stay a claim paid to the claimant */
static vouch_gen_voucher_t *s_vehicle_cost(s_plant_t *p, const char *code, int64_t fen,
                                           const char *summary)
{
    return s_one_from(p, s_is(code, "30211") ? -1 : VOUCH_GEN_T_GARAGE, code, fen, summary);
}

static void s_misclass_vehicle(s_plant_t *p)
{
    static const char *const word_codes[] = {"30201", "30299", "30239", "30211", "30213", "30299"};
    char text[160];
    for (size_t i = 0; i < P->vehicle_words.n; i++) {
        const char *w = P->vehicle_words.items[i], *code = word_codes[i % 6];
        snprintf(text, sizeof text, "%s%s%s", i % 2 ? "支付" : "公务用车", w,
                 strstr(w, "费") ? "" : "费");
        vouch_gen_voucher_t *v = s_vehicle_cost(p, code, s_amt(p, 100, 2000), text);
        s_mark(v, R_MISCLASS, 0, S_FIND, "vehicle: %s under %s", w, code);
    }
    static const char *const act_codes[] = {"30213", "30213", "30299", "30299"};
    for (size_t i = 0; i < P->vehicle_acts.n; i++) {
        const char *a = P->vehicle_acts.items[i], *code = act_codes[i % 4];
        snprintf(text, sizeof text, "%s%s费", i % 2 ? "车辆" : "公务用车", a);
        vouch_gen_voucher_t *v = s_vehicle_cost(p, code, s_amt(p, 200, 5000), text);
        s_mark(v, R_MISCLASS, 0, S_FIND, "vehicle: 车 with %s under %s", a, code);
    }
    vouch_gen_voucher_t *v =
        s_vehicle_cost(p, "30213", s_amt(p, 200, 3000), "火车站接送车辆保养费");
    s_mark(v, R_MISCLASS, 0, S_FIND, "vehicle: a 车 outside 火车 counts");

    /* 车 inside a longer word is no vehicle */
    static const struct {
        const char *context, *summary, *code;
    } inside[] = {
        {"车间", "机修车间设备维修费", "30213"}, {"车票", "报销车票附加保险费", "30239"},
        {"火车", "火车托运物资保险费", "30239"}, {"动车", "动车出行意外保险费", "30239"},
        {"高铁", "高铁乘车意外保险费", "30239"}, {"乘车", "乘车人员意外保险费", "30239"},
    };
    for (size_t i = 0; i < P->vehicle_not_inside.n; i++) {
        const char *c = P->vehicle_not_inside.items[i], *summary = NULL, *code = "30239";
        for (size_t k = 0; k < sizeof inside / sizeof inside[0]; k++)
            if (s_is(inside[k].context, c)) {
                summary = inside[k].summary;
                code = inside[k].code;
            }
        v = s_voucher(p, s_when(p, 1, 12));
        if (summary)
            s_line(p, v, code, s_amt(p, 50, 2000), "%s", summary);
        else
            s_line(p, v, code, s_amt(p, 50, 2000), "%s意外保险费", c);
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_MISCLASS, 0, S_DECOY, "车 inside %s is no vehicle", c);
    }
    for (size_t i = 0; i < P->vehicle_allowed.n; i++) {
        const char *code = P->vehicle_allowed.items[i];
        v = s_vehicle_cost(p, code, s_amt(p, 200, 3000),
                           s_is(code, "30225") ? "执法船艇燃油费" : "公务用车加油及维修保养费");
        s_mark(v, R_MISCLASS, 0, S_DECOY, "vehicle costs under %s", code);
    }
    v = s_one(p, "30211", s_amt(p, 100, 800), "出差期间高速通行费及停车费");
    s_mark(v, R_MISCLASS, 0, S_DECOY, "vehicle words in a travel summary under 30211");
}

static void s_misclass_travel(s_plant_t *p)
{
    static const s_template_t t[] = {
        {"30215", "%s会议代表%s费用", false},
        {"30216", "参加%s培训%s住宿费", false},
        {"30217", "接待%s人员%s费用", true},
    };
    s_forbidden(p, "travel", &P->travel_words, &P->travel_forbidden, t, 3);
    vouch_gen_voucher_t *v = s_one(p, "30211", s_amt(p, 500, 5000), "赴%s出差差旅费", s_dest(p));
    s_mark(v, R_MISCLASS, 0, S_DECOY, "travel under 30211");
}

/* ---- INDICATOR_MISMATCH ---- */

static void s_indicator(s_plant_t *p)
{
    /* indicators naming categories (or none); NULL: a project fund */
    static const struct {
        const char *econ, *summary, *indicator;
        bool fires;
        const char *what;
    } cases[] = {
        {"30217", "接待%s工作餐", "会议费", true, "30217 from 会议费"},
        {"30201", "购买%s办公用品", "差旅费", true, "30201 from 差旅费"},
        {"30209", "支付办公区物业管理服务费", "30213维修（护）费", true,
         "30209 from an indicator naming 30213 by code"},
        {"30206", "支付电费", "邮电费", true, "30206 from 邮电费 (the longest name wins)"},
        {"30217", "接待%s工作餐", "其他商品和服务支出", true, "30217 from 其他商品和服务支出"},
        {"30201", "购买%s打印纸", "日常公用经费（差旅费）", true,
         "a general name beside a category"},
        {"30217", "接待%s工作餐", "会 议 费", true, "30217 from 会 议 费 (white space ignored)"},
        {"30217", "接待%s工作餐", "商品和服务支出", true,
         "a class name names no category: 30217 from it is 三公 from no category"},
        {"31002", "购置%s设备", "资本性支出", false,
         "a class name names no category: it may pay what is not 三公"},
        {"30227", "%s委托服务费", NULL, false, "a project fund paying what is not 三公"},
        {"30217", "接待%s工作餐", "", false, "a blank indicator"},
        {"30207", "支付电话费", "邮电费", false, "30207 from 邮电费"},
        {"30206", "支付电费", "电费", false, "30206 from 电费"},
        {"30227", "%s委托服务费", "2130201专项资金", false,
         "a code inside a longer number is no code"},
        {"30217", "接待%s工作餐", "30217公务接待费", false, "code and name of the line's own code"},
        {"30213", "办公楼维修", "维修（护）费", false, "维修（护）费 with full-width brackets"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
        vouch_gen_line_t *l = s_line(p, v, cases[i].econ, s_amt(p, 500, 6000), cases[i].summary,
                                     s_is(cases[i].econ, "30217") ? s_visitor(p) : s_topic(p));
        snprintf(l->indicator, sizeof l->indicator, "%s",
                 cases[i].indicator ? cases[i].indicator : s_project(p));
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_INDICATOR, 0, cases[i].fires ? S_FIND : S_DECOY, "%s", cases[i].what);
    }
    /* 三公 from a project or special fund */
    for (size_t i = 0; i < P->sangong.n; i++) {
        const char *code = P->sangong.items[i];
        vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
        vouch_gen_line_t *l;
        if (s_is(code, "30212")) {
            l = s_line(p, v, code, s_amt(p, 20000, 60000), "%s等赴德国学习考察因公出国费用",
                       p->org->staff[vouch_gen_org_person(p->org, p->rng)]);
            vouch_gen_spend_payee(l, "湖南省中国国际旅行社", false);
        } else if (s_is(code, "30217")) {
            l = s_line(p, v, code, s_amt(p, 500, 3000), "接待%s工作餐", s_visitor(p));
        } else if (s_is(code, "30231")) {
            l = s_line_from(p, v, VOUCH_GEN_T_GARAGE, code, s_amt(p, 200, 2000), "公务用车加油费");
        } else if (strncmp(code, "310", 3) == 0) {
            int32_t start = v->date - 60;
            char no[40];
            l = s_line_from(p, v, VOUCH_GEN_T_GARAGE, code, s_amt(p, 150000, 250000),
                            "购置公务用车");
            vouch_gen_org_contract(p->org, "CG", p->year, no, sizeof no);
            s_contract(p, l, no, "政府采购", start, start - 10);
        } else {
            l = s_line_from(p, v, VOUCH_GEN_T_GARAGE, code, s_amt(p, 150000, 250000),
                            "购置公务用车");
        }
        snprintf(l->indicator, sizeof l->indicator, "%s", s_project(p));
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_INDICATOR, 0, S_FIND, "三公 %s paid from a project fund", code);
    }
    for (size_t i = 0; i < P->general_names.n; i++) {
        vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
        vouch_gen_line_t *l =
            s_line(p, v, "30217", s_amt(p, 500, 3000), "接待%s工作餐", s_visitor(p));
        snprintf(l->indicator, sizeof l->indicator, "%s", P->general_names.items[i]);
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_INDICATOR, 0, S_DECOY, "30217 from the general %s", P->general_names.items[i]);
    }
    /* 办公设备购置 names 30902 and 31002: an e-mall purchase of equipment */
    vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
    vouch_gen_line_t *l = s_line(p, v, "31002", s_amt(p, 20000, 60000), "购置打印机");
    char no[40];
    vouch_gen_org_contract(p->org, "DZMC", p->year, no, sizeof no);
    s_contract(p, l, no, "电子卖场", v->date - 20, v->date - 25);
    snprintf(l->indicator, sizeof l->indicator, "办公设备购置");
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_INDICATOR, 0, S_DECOY, "办公设备购置 names 31002 too");
}

/* ---- PAYEE_MISMATCH ---- */

static vouch_gen_voucher_t *s_reimburse(s_plant_t *p, const char *claimant, const char *payee,
                                        bool person, vouch_gen_settle_t how)
{
    vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
    vouch_gen_line_t *l = s_line(p, v, "30211", s_amt(p, 300, 4000), "%s赴%s出差差旅费",
                                 claimant[0] ? claimant : "", s_dest(p));
    snprintf(l->claimant, sizeof l->claimant, "%s", claimant);
    if (payee[0])
        vouch_gen_spend_payee(l, payee, person);
    else
        l->payee[0] = l->payee_account[0] = '\0';
    s_settle(p, v, how);
    return v;
}

static const char *s_prefix(const char *marker, const char *const (*table)[2], size_t n,
                            const char *fallback)
{
    for (size_t i = 0; i < n; i++)
        if (s_is(table[i][0], marker))
            return table[i][1];
    return fallback;
}

static void s_payee(s_plant_t *p)
{
    const vouch_gen_org_t *org = p->org;
    int a = vouch_gen_org_person(org, p->rng),
        b = (a + 1 + (int)vouch_gen_rng_below(p->rng, 5)) % VOUCH_GEN_STAFF;
    vouch_gen_voucher_t *v = s_reimburse(p, org->staff[a], org->staff[b], true, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_FIND, "claimant %s paid to %s", org->staff[a], org->staff[b]);
    v = s_reimburse(p, org->staff[b], s_is(org->staff[b], "欧阳晓明") ? "欧阳一鸣" : "欧阳晓明",
                    true, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_FIND, "paid to a person with a two-character surname");
    v = s_reimburse(p, "艾力·托乎提", "努尔·白克力", true, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_FIND, "two people whose names hold a ·");
    v = s_reimburse(p, org->staff[a], "阿不都热合曼", true, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_FIND, "a six-character name is a person's");
    v = s_reimburse(p, org->staff[a], org->staff[b], true, VOUCH_GEN_BUDGET_ONLY);
    s_mark(v, R_PAYEE, 0, S_FIND, "claimant paid to another, budget lines only");

    /* the seed's 记-10: three travellers paid into one account */
    int c = (b + 1) % VOUCH_GEN_STAFF;
    v = s_voucher(p, s_when(p, 1, 12));
    const char *dest = s_dest(p);
    int who[3] = {a, b, c};
    for (int k = 0; k < 3; k++) {
        vouch_gen_line_t *l =
            s_line(p, v, "30211", s_amt(p, 800, 2000), "赴%s参加%s培训差旅费（%s）", dest,
                   s_topic(p), org->staff[who[k]]);
        snprintf(l->claimant, sizeof l->claimant, "%s", org->staff[who[k]]);
        vouch_gen_spend_payee(l, org->staff[b], true);
    }
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_FIND, "three travellers, one account (seed 记-10)");
    s_mark(v, R_PAYEE, 1, S_DECOY, "the traveller whose account it is");
    s_mark(v, R_PAYEE, 2, S_FIND, "three travellers, one account (seed 记-10)");

    static const char *const contains[][2] = {
        {"公司", "华信"}, {"中心", "会务"}, {"银行", "工商"}, {"宾馆", "潇湘"}, {"酒店", "华天"},
        {"饭店", "蓉园"}, {"集团", "湘运"}, {"专户", "社保"}, {"账户", "工资"}, {"委员会", "工会"},
    };
    static const char *const ends[][2] = {
        {"店", "五金"}, {"厂", "印刷"},     {"社", "日报"}, {"院", "设计"},
        {"局", "财政"}, {"所", "律师事务"}, {"站", "救助"}, {"部", "人武"},
    };
    char name[96];
    for (size_t i = 0; i < P->org_contains.n; i++) {
        const char *m = P->org_contains.items[i];
        snprintf(name, sizeof name, "%s%s",
                 s_prefix(m, contains, sizeof contains / sizeof contains[0], "华信"), m);
        v = s_reimburse(p, org->staff[a], name, false, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_PAYEE, 0, S_DECOY, "organisation: %s contains %s", name, m);
    }
    for (size_t i = 0; i < P->org_ends.n; i++) {
        const char *m = P->org_ends.items[i];
        snprintf(name, sizeof name, "%s%s", s_prefix(m, ends, sizeof ends / sizeof ends[0], "永兴"),
                 m);
        v = s_reimburse(p, org->staff[a], name, false, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_PAYEE, 0, S_DECOY, "organisation: %s ends in %s", name, m);
    }
    v = s_reimburse(p, org->staff[a], "湖南人才交流协会", false, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_DECOY, "organisation: longer than six characters");
    v = s_reimburse(p, org->staff[a], "阿不都热合曼江", false, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_DECOY, "seven characters: an organisation by length");
    for (size_t i = 0; i < P->name_ignore.n; i++) {
        snprintf(name, sizeof name, "艾力%s托乎提", P->name_ignore.items[i]);
        v = s_reimburse(p, name, "艾力托乎提", true, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_PAYEE, 0, S_DECOY, "the same person, %s removed", P->name_ignore.items[i]);
    }
    s_spaced(org->staff[a], " ", name, sizeof name);
    v = s_reimburse(p, org->staff[a], name, true, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_DECOY, "the same person, a space inside the payee");
    s_spaced(org->staff[b], "\xE3\x80\x80", name, sizeof name); /* U+3000 */
    v = s_reimburse(p, name, org->staff[b], true, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_DECOY, "the same person, a full-width space inside the claimant");
    v = s_reimburse(p, org->staff[a], "", true, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_DECOY, "no payee");
    char outsider[VOUCH_GEN_NAME];
    vouch_gen_org_outsider(p->rng, outsider, sizeof outsider);
    v = s_voucher(p, s_when(p, 1, 12));
    vouch_gen_line_t *l = s_line(p, v, "30226", s_amt(p, 300, 3000), "支付%s评审劳务费", outsider);
    vouch_gen_spend_payee(l, outsider, true);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PAYEE, 0, S_DECOY, "no claimant");
}

/* ---- PROCUREMENT_BYPASS ---- */

static vouch_gen_voucher_t *s_purchase(s_plant_t *p, int32_t date, const char *econ, int64_t fen,
                                       const char *channel, const char *contract_prefix,
                                       const char *summary)
{
    vouch_gen_voucher_t *v = s_voucher(p, date);
    vouch_gen_line_t *l = s_line(p, v, econ, fen, summary, s_topic(p));
    snprintf(l->channel, sizeof l->channel, "%s", channel);
    if (contract_prefix) {
        char no[40];
        vouch_gen_org_contract(p->org, contract_prefix, p->year, no, sizeof no);
        int32_t start = date - (int32_t)vouch_gen_rng_range(p->rng, 15, 90);
        s_contract(p, l, no, channel, start, start - (int32_t)vouch_gen_rng_range(p->rng, 0, 20));
    }
    s_settle(p, v, fen >= 50000000 ? VOUCH_GEN_PAY_DIRECT : VOUCH_GEN_PAY_ZBA);
    return v;
}

static const char *s_scope_summary(const char *code)
{
    static const struct {
        const char *code, *summary;
    } s[] = {
        {"30201", "购买%s办公用品一批"}, {"30202", "印制%s宣传资料"},
        {"30203", "%s咨询服务费"},       {"30209", "支付办公区物业管理服务费"},
        {"30213", "办公楼维修改造工程"}, {"30214", "租赁档案库房"},
        {"30218", "购买%s专用材料"},     {"30227", "%s委托业务费"},
        {"30299", "购买%s物资"},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (s_is(s[i].code, code))
            return s[i].summary;
    return "购置%s设备";
}

/* installments of one contract: every line is judged by their total */
static void s_installments(s_plant_t *p, const char *econ, const char *channel, const int64_t *yuan,
                           const int *months, int n, bool fires)
{
    char no[40], payee[96];
    vouch_gen_org_contract(p->org, channel[0] ? "DZMC" : "HT", p->year, no, sizeof no);
    vouch_gen_org_planted_supplier(p->org, s_trade(econ), payee, sizeof payee);
    int64_t total = 0;
    for (int k = 0; k < n; k++)
        total += yuan[k];
    int32_t start = s_ymd(p, 1, 15);
    for (int k = 0; k < n; k++) {
        vouch_gen_voucher_t *v =
            s_voucher(p, s_ymd(p, months[k], (int)vouch_gen_rng_range(p->rng, 10, 25)));
        vouch_gen_line_t *l = s_line(p, v, econ, yuan[k] * 100, "%s（第%d期）",
                                     econ[1] == '1' ? "购置办公设备" : "委托业务费", k + 1);
        vouch_gen_spend_payee(l, payee, false);
        s_contract(p, l, no, channel, start, start - 5);
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        if (fires)
            s_mark(v, R_PROCUREMENT, 0, S_FIND, "installment %d of %s, %lld yuan in all%s", k + 1,
                   no, (long long)total, channel[0] ? " through the e-mall" : ", no channel");
        else
            s_mark(v, R_PROCUREMENT, 0, S_DECOY, "installment %d of %s, %lld yuan in all", k + 1,
                   no, (long long)total);
    }
}

static void s_procurement(s_plant_t *p)
{
    const int64_t floor = P->emall_floor, limit = P->gov_limit;
    for (size_t k = 0; k < P->scope.n; k++) {
        char econ[8];
        snprintf(econ, sizeof econ, "%s%s", P->scope.items[k],
                 strlen(P->scope.items[k]) == 3 ? "02" : "");
        const char *none = P->non_channels.items[k % P->non_channels.n];
        int64_t fen = k == 0 ? floor : s_amt(p, floor / 100, 900000);
        vouch_gen_voucher_t *v =
            s_purchase(p, s_when(p, 1, 12), econ, fen, none, NULL, s_scope_summary(econ));
        s_mark(v, R_PROCUREMENT, 0, S_FIND, "%s with no channel (\"%s\")%s", econ, none,
               k == 0 ? ", exactly emall_floor" : "");
    }
    for (size_t k = 0; k < P->emall_channels.n; k++) {
        const char *ch = P->emall_channels.items[k];
        int64_t fen = k == 0 ? limit : s_amt(p, limit / 100, 1900000);
        vouch_gen_voucher_t *v =
            s_purchase(p, s_when(p, 1, 12), "31002", fen, ch, "DZMC", "购置%s设备");
        s_mark(v, R_PROCUREMENT, 0, S_FIND, "%s only through %s%s", "31002", ch,
               k == 0 ? ", exactly gov_limit" : "");
    }
    vouch_gen_voucher_t *v = s_purchase(p, s_when(p, 1, 12), "30227", s_amt(p, 200000, 600000),
                                        "政府采购（公开招标）", "CG", "%s委托业务费");
    s_mark(v, R_PROCUREMENT, 0, S_FIND,
           "政府采购（公开招标） is not a channel: the list is matched whole");
    v = s_purchase(p, s_when(p, 1, 12), "30201", s_amt(p, 120000, 300000), "电子卖场采购", NULL,
                   "购买%s办公用品一批");
    s_mark(v, R_PROCUREMENT, 0, S_FIND, "电子卖场采购 is not a channel: the list is matched whole");

    static const int64_t no_channel[] = {40000, 45000, 35000};
    static const int months3[] = {3, 6, 9};
    s_installments(p, "30227", "", no_channel, months3, 3, true);
    static const int64_t emall[] = {600000, 650000};
    static const int months2[] = {4, 10};
    s_installments(p, "31002", "电子卖场", emall, months2, 2, true);
    static const int64_t small[] = {30000, 30000};
    static const int months_small[] = {2, 5};
    s_installments(p, "30203", "", small, months_small, 2, false);

    /* the seed's 记-29: services bought with no channel, approved after the contract began */
    v = s_voucher(p, s_ymd(p, 3, 25));
    vouch_gen_line_t *l = s_line(p, v, "30227", 83500000, "%s宣传合作经费", s_topic(p));
    char no[40];
    vouch_gen_org_contract(p->org, "HT", p->year - 1, no, sizeof no);
    s_contract(p, l, no, "", v->date - 236, v->date - 130);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PROCUREMENT, 0, S_FIND, "835,000.00 of services with no channel (seed 记-29)");
    s_mark(v, R_APPROVAL, 0, S_FIND, "contract approved 106 days after it began (seed 记-29)");

    /* never: codes out of scope, proper channels, under the floor */
    static const struct {
        const char *econ, *summary;
    } out[] = {
        {"30215", "召开全市%s工作会议"}, {"30216", "举办%s培训班"}, {"30226", "%s劳务派遣费"},
        {"30902", "基建项目购置%s设备"}, {"30206", "支付全年电费"},
    };
    for (size_t k = 0; k < sizeof out / sizeof out[0]; k++) {
        v = s_purchase(p, s_when(p, 1, 12), out[k].econ, s_amt(p, 110000, 400000), "", NULL,
                       out[k].summary);
        s_mark(v, R_PROCUREMENT, 0, S_DECOY, "%s is out of scope", out[k].econ);
    }
    for (size_t k = 0; k < P->gov_methods.n; k++) {
        const char *ch = P->gov_methods.items[k];
        int64_t fen = k == 0 ? s_amt(p, 1000000, 2500000) : s_amt(p, 150000, 900000);
        v = s_purchase(p, s_when(p, 1, 12), k % 2 ? "31007" : "30227", fen, ch, "CG",
                       k % 2 ? "%s信息系统建设" : "%s委托业务费");
        s_mark(v, R_PROCUREMENT, 0, S_DECOY, "through %s", ch);
    }
    for (size_t k = 0; k < P->emall_channels.n; k++) {
        const char *ch = P->emall_channels.items[k];
        int64_t fen = k == 0 ? limit - 1 : s_amt(p, floor / 100, 900000);
        v = s_purchase(p, s_when(p, 1, 12), "31002", fen, ch, "DZMC", "购置%s设备");
        s_mark(v, R_PROCUREMENT, 0, S_DECOY, "through %s under gov_limit%s", ch,
               k == 0 ? " by one fen" : "");
    }
    v = s_purchase(p, s_when(p, 1, 12), "30201", floor - 1, "", NULL, "购买%s办公用品一批");
    s_mark(v, R_PROCUREMENT, 0, S_DECOY, "no channel, one fen under emall_floor");
    v = s_purchase(p, s_when(p, 1, 12), "30227", s_amt(p, 150000, 400000), "公开 招标", "CG",
                   "%s委托业务费");
    s_mark(v, R_PROCUREMENT, 0, S_DECOY, "公开 招标: white space is not compared");

    /* one contract, an in-scope line and one out of scope: only 80,000 counts */
    vouch_gen_org_contract(p->org, "HT", p->year, no, sizeof no);
    char payee[96];
    vouch_gen_org_planted_supplier(p->org, VOUCH_GEN_T_BUILD, payee, sizeof payee);
    v = s_voucher(p, s_ymd(p, 5, 18));
    l = s_line(p, v, "30213", 8000000, "办公楼维修工程款");
    vouch_gen_spend_payee(l, payee, false);
    s_contract(p, l, no, "", v->date - 30, v->date - 35);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PROCUREMENT, 0, S_DECOY, "contract %s: 80,000.00 in scope, 50,000.00 not", no);
    v = s_voucher(p, s_ymd(p, 6, 18));
    l = s_line(p, v, "30226", 5000000, "%s维修工程劳务费", s_topic(p));
    vouch_gen_spend_payee(l, payee, false);
    s_contract(p, l, no, "", v->date - 61, v->date - 66);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_PROCUREMENT, 0, S_DECOY, "contract %s: the line out of scope", no);
}

/* ---- SPLIT_PURCHASE ---- */

/* purchases from one new supplier, none with a contract: offsets in days
 * from first, amounts in yuan, channels; each marked find or decoy */
static void s_split_group(s_plant_t *p, const char *econ, int32_t first, const int *days,
                          const int64_t *yuan, const char *const *channels, const int *fires, int n,
                          const char *what)
{
    char payee[96];
    vouch_gen_org_planted_supplier(p->org, s_trade(econ), payee, sizeof payee);
    for (int k = 0; k < n; k++) {
        vouch_gen_voucher_t *v = s_voucher(p, first + days[k]);
        vouch_gen_line_t *l = s_line(p, v, econ, yuan[k] * 100, s_scope_summary(econ), s_topic(p));
        vouch_gen_spend_payee(l, payee, false);
        snprintf(l->channel, sizeof l->channel, "%s", channels ? channels[k] : "");
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        if (fires[k] == 1)
            s_mark(v, R_SPLIT, 0, S_FIND, "%s (%d of %d)", what, k + 1, n);
        else
            s_mark(v, R_SPLIT, 0, S_DECOY, "%s (%d of %d)", what, k + 1, n);
        if (fires[k] == 2)
            s_mark(v, R_PROCUREMENT, 0, S_FIND, "%lld yuan with no channel", (long long)yuan[k]);
    }
}

static void s_split(s_plant_t *p)
{
    static const int d3[] = {0, 5, 12, 57};
    static const int64_t y3[] = {35000, 38000, 30000, 20000};
    static const int f3[] = {1, 1, 1, 0};
    s_split_group(p, "30201", s_when(p, 1, 9), d3, y3, NULL, f3, 4,
                  "three purchases in 12 days reach the floor; the fourth comes 45 days later");

    static const int d2[] = {0, 30};
    static const int64_t y2[] = {60000, 45000};
    static const int f2[] = {1, 1};
    s_split_group(p, "30213", s_when(p, 1, 10), d2, y2, NULL, f2, 2, "exactly 30 days apart");

    /* across two monthly exports: the 20th and the 15th of the next month */
    int m = (int)vouch_gen_rng_range(p->rng, 2, 10);
    int32_t a = s_ymd(p, m, 20), b = s_ymd(p, m + 1, 15);
    const int dm[] = {0, b - a};
    static const int64_t ym[] = {55000, 50000};
    s_split_group(p, "30202", a, dm, ym, NULL, f2, 2, "one in each of two monthly files");

    static const int dc[] = {0, 10};
    static const int64_t yc[] = {50000, 50000};
    static const char *const self_bought[] = {"自行采购", ""};
    s_split_group(p, "30218", s_when(p, 1, 11), dc, yc, self_bought, f2, 2,
                  "自行采购 is no channel");

    static const int d31[] = {0, 31};
    static const int64_t y31[] = {60000, 50000};
    static const int none2[] = {0, 0};
    s_split_group(p, "30201", s_when(p, 1, 10), d31, y31, NULL, none2, 2, "31 days apart");

    static const int dch[] = {0, 4, 9};
    static const int64_t ych[] = {40000, 40000, 40000};
    static const char *const emall[] = {"电子卖场", "电子卖场", "电子卖场"};
    static const int none3[] = {0, 0, 0};
    s_split_group(p, "30201", s_when(p, 1, 11), dch, ych, emall, none3, 3, "through the e-mall");

    static const int d45[] = {0, 5};
    static const int64_t y45[] = {45000, 45000};
    s_split_group(p, "30299", s_when(p, 1, 11), d45, y45, NULL, none2, 2,
                  "90,000.00 in all, under the floor");

    static const int dbig[] = {0, 5};
    static const int64_t ybig[] = {120000, 10000};
    static const int fbig[] = {2, 0};
    s_split_group(p, "30201", s_when(p, 1, 11), dbig, ybig, NULL, fbig, 2,
                  "a purchase over the floor is no part of a split");

    /* each with its own contract: judged per contract, never split */
    char payee[96];
    vouch_gen_org_planted_supplier(p->org, VOUCH_GEN_T_BUILD, payee, sizeof payee);
    int32_t first = s_when(p, 1, 11);
    static const int dk[] = {0, 3, 8};
    for (int k = 0; k < 3; k++) {
        vouch_gen_voucher_t *v = s_voucher(p, first + dk[k]);
        vouch_gen_line_t *l = s_line(p, v, "30213", 4000000, "办公楼第%d期维修", k + 1);
        vouch_gen_spend_payee(l, payee, false);
        char no[40];
        vouch_gen_org_contract(p->org, "HT", p->year, no, sizeof no);
        s_contract(p, l, no, "", v->date - 10, v->date - 12);
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_SPLIT, 0, S_DECOY, "each with a contract of its own (%d of 3)", k + 1);
    }
}

/* ---- RETROACTIVE_APPROVAL ---- */

static vouch_gen_line_t *s_needs_approval(s_plant_t *p, vouch_gen_voucher_t *v, const char *code)
{
    if (s_is(code, "30211"))
        return s_line(p, v, code, s_amt(p, 500, 4000), "赴%s调研差旅费", s_dest(p));
    if (s_is(code, "30215"))
        return s_line(p, v, code, s_amt(p, 2000, 20000), "召开%s工作会议会务费", s_topic(p));
    if (s_is(code, "30216"))
        return s_line(p, v, code, s_amt(p, 2000, 20000), "举办%s业务培训班", s_topic(p));
    if (s_is(code, "30217"))
        return s_line(p, v, code, s_amt(p, 500, 3000), "接待%s工作餐", s_visitor(p));
    return s_line(p, v, code, s_amt(p, 500, 3000), "%s支出", s_topic(p));
}

static void s_approval(s_plant_t *p)
{
    for (size_t k = 0; k < P->approval_codes.n; k++) {
        const char *code = P->approval_codes.items[k];
        vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
        vouch_gen_line_t *l = s_needs_approval(p, v, code);
        int32_t began = v->date - 15, late = (int32_t)vouch_gen_rng_range(p->rng, 1, 10);
        s_date_cell(began, (int)k + 1, l->business_date, sizeof l->business_date);
        s_date_cell(began + late, (int)k, l->approval_date, sizeof l->approval_date);
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_APPROVAL, 0, S_FIND, "%s approved %d days after it began", code, (int)late);

        v = s_voucher(p, s_when(p, 1, 12));
        l = s_needs_approval(p, v, code);
        s_date_cell(v->date - 12, (int)k, l->business_date, sizeof l->business_date);
        s_date_cell(v->date - 12, (int)k + 2, l->approval_date, sizeof l->approval_date);
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_APPROVAL, 0, S_DECOY, "%s approved the day it began", code);
    }
    char no[40];
    vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 2, 12));
    vouch_gen_line_t *l = s_line(p, v, "30227", s_amt(p, 20000, 60000), "%s委托服务费", s_topic(p));
    vouch_gen_org_contract(p->org, "CG", p->year, no, sizeof no);
    s_contract(p, l, no, "询价", v->date - 40, v->date - 28);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_APPROVAL, 0, S_FIND, "a contract approved 12 days after it began");

    v = s_voucher(p, s_when(p, 2, 12));
    l = s_line(p, v, "30209", s_amt(p, 8000, 20000), "支付%d年物业管理服务费", p->year);
    vouch_gen_org_contract(p->org, "WYCG", p->year, no, sizeof no);
    s_contract(p, l, no, "政府采购", v->date - 20, v->date - 3);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_APPROVAL, 0, S_FIND, "a property contract approved after it began");

    v = s_voucher(p, s_when(p, 2, 12));
    l = s_needs_approval(p, v, "30211");
    char a[16], b[16];
    snprintf(l->business_date, sizeof l->business_date, "%s;%s", vouch_date_format(v->date - 10, a),
             vouch_date_format(v->date - 20, b));
    vouch_gen_spend_date(v->date - 15, l->approval_date, sizeof l->approval_date);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_APPROVAL, 0, S_FIND, "of two business dates the earliest counts");

    /* bills without a contract need no prior approval */
    static const struct {
        const char *econ, *what;
    } bills[] = {{"30206", "电费"}, {"30207", "电话费"}, {"30209", "物业管理费"}};
    for (size_t k = 0; k < sizeof bills / sizeof bills[0]; k++) {
        v = s_voucher(p, s_when(p, 2, 12));
        int y, m, d;
        vouch_date_to_ymd(v->date, &y, &m, &d);
        l = s_line(p, v, bills[k].econ, s_amt(p, 1000, 8000), "支付%d月%s", m - 1, bills[k].what);
        vouch_gen_spend_date(s_ymd(p, m - 1, 1), l->business_date, sizeof l->business_date);
        vouch_gen_spend_date(v->date - 2, l->approval_date, sizeof l->approval_date);
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        s_mark(v, R_APPROVAL, 0, S_DECOY, "a %s bill without a contract, approved when it came",
               bills[k].what);
    }
    v = s_voucher(p, s_when(p, 2, 12));
    l = s_needs_approval(p, v, "30211");
    vouch_gen_spend_date(v->date - 15, l->business_date, sizeof l->business_date);
    snprintf(l->approval_date, sizeof l->approval_date, "%s;%s", vouch_date_format(v->date - 10, a),
             vouch_date_format(v->date - 18, b));
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_APPROVAL, 0, S_DECOY, "of two approval dates the earliest counts, before the trip");

    v = s_voucher(p, s_when(p, 2, 12));
    l = s_needs_approval(p, v, "30215");
    l->approval_date[0] = '\0';
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_APPROVAL, 0, S_DECOY, "no approval date");
}

/* ---- STALE_DOCUMENT ---- */

static void s_stale(s_plant_t *p)
{
    const int days = P->stale_days;
    vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
    vouch_gen_line_t *l = s_line(p, v, "30201", s_amt(p, 500, 5000), "购买%s办公用品", s_topic(p));
    s_date_cell(v->date - days - 1, 1, l->document_dates, sizeof l->document_dates);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_STALE, 0, S_FIND, "a document %d days before the voucher", days + 1);

    /* the seed's 记-43: delivery notes of many months paid at once */
    v = s_voucher(p, s_when(p, 11, 12));
    l = s_line(p, v, "30201", s_amt(p, 2000, 6000), "支付硒鼓等办公费");
    char a[16], b[16], c[16];
    snprintf(l->document_dates, sizeof l->document_dates, "%s;%s;%s",
             vouch_date_format(v->date - 300, a), vouch_date_format(v->date - 200, b),
             vouch_date_format(v->date - 20, c));
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_STALE, 0, S_FIND, "two of three document dates stale (seed 记-43)");

    v = s_voucher(p, s_when(p, 1, 12));
    l = s_line(p, v, "30201", s_amt(p, 500, 5000), "购买%s办公用品", s_topic(p));
    vouch_gen_spend_date(v->date - days, l->document_dates, sizeof l->document_dates);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_STALE, 0, S_DECOY, "a document exactly %d days before", days);

    /* documents[] of JSON exports */
    for (size_t k = 0; k < P->stale_kinds.n; k++) {
        const char *kind = P->stale_kinds.items[k];
        v = s_voucher(p, s_when(p, 1, 12));
        s_line(p, v, "30201", s_amt(p, 500, 5000), "购买%s办公用品", s_topic(p));
        if (k == 0)
            s_line(p, v, "30202", s_amt(p, 500, 5000), "印制%s资料", s_topic(p));
        s_settle(p, v, VOUCH_GEN_PAY_ZBA);
        vouch_gen_voucher_doc(v, kind, v->date - days - 20, 1);
        for (size_t i = 0; i < v->nexpense; i++)
            s_mark(v, R_STALE, (int)i, S_FIND_JSON, "a JSON %s %d days old", kind, days + 20);
    }
    for (size_t k = 0; k < P->other_kinds.n; k++) {
        const char *kind = P->other_kinds.items[k];
        v = s_one(p, "30201", s_amt(p, 500, 5000), "购买%s办公用品", s_topic(p));
        vouch_gen_doc_t *d = vouch_gen_voucher_doc(v, kind, v->date - 400, 1);
        if (s_is(kind, "合同"))
            snprintf(d->number, sizeof d->number, "KJ-%d-%03d", p->year - 2, (int)k);
        s_mark(v, R_STALE, 0, S_DECOY_JSON, "a JSON %s 400 days old", kind);
    }
}

/* ---- MISSING_DOCUMENT ---- */

static void s_missing(s_plant_t *p)
{
    static const struct {
        vouch_gen_settle_t how;
        const char *account;
    } pays[] = {
        {VOUCH_GEN_PAY_ZBA, "1011"},     {VOUCH_GEN_PAY_BANK, "1002"},
        {VOUCH_GEN_PAY_CASH, "1001"},    {VOUCH_GEN_PAY_DIRECT, "4001"},
        {VOUCH_GEN_BUDGET_ONLY, "8001"},
    };
    for (size_t k = 0; k < sizeof pays / sizeof pays[0]; k++) {
        vouch_gen_voucher_t *v = s_voucher(p, s_when(p, 1, 12));
        v->attachments = 0;
        s_line(p, v, "30201", s_amt(p, 200, 3000), "购买%s办公用品", s_topic(p));
        if (k == 0)
            s_line(p, v, "30211", s_amt(p, 200, 3000), "赴%s出差差旅费", s_dest(p));
        s_settle(p, v, pays[k].how);
        for (size_t i = 0; i < v->nexpense; i++)
            s_mark(v, R_MISSING, (int)i, S_FIND, "no attachments, paid out through %s",
                   pays[k].account);
    }
    vouch_gen_voucher_t *v = s_one(p, "30201", s_amt(p, 200, 3000), "购买%s办公用品", s_topic(p));
    for (size_t i = 0; i < v->n; i++)
        v->lines[i].attachments = i == 0 ? 0 : VOUCH_GEN_BLANK;
    s_mark(v, R_MISSING, 0, S_FIND, "0 on one line, the others blank");

    v = s_one(p, "30201", s_amt(p, 200, 3000), "购买%s办公用品", s_topic(p));
    for (size_t i = 0; i < v->n; i++)
        v->lines[i].attachments = VOUCH_GEN_BLANK;
    s_mark(v, R_MISSING, 0, S_DECOY, "attachments blank: unknown, not 0");

    v = s_voucher(p, s_when(p, 1, 12));
    v->attachments = 3;
    s_line(p, v, "30201", s_amt(p, 200, 3000), "购买%s办公用品", s_topic(p));
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    v->lines[0].attachments = 0;
    s_mark(v, R_MISSING, 0, S_DECOY, "lines disagree (0 and 3): the largest counts");

    v = s_voucher(p, s_when(p, 1, 12));
    v->attachments = 0;
    int y, m, d;
    vouch_date_to_ymd(v->date, &y, &m, &d);
    vouch_gen_line_t *l = s_line(p, v, "30206", s_amt(p, 2000, 9000), "计提%d月电费", m);
    l->payee[0] = l->payee_account[0] = '\0';
    l->invoice_no[0] = '\0';
    s_settle(p, v, VOUCH_GEN_ACCRUE);
    s_mark(v, R_MISSING, 0, S_DECOY, "an accrual pays nothing out");

    /* contracts and acceptance notes in JSON documents */
    static const struct {
        const char *kind;
        int dated, signed_;
        bool fires;
        const char *what;
    } docs[] = {
        {"合同", 1, 0, true, "合同 signed: false"},
        {"验收单", 1, 0, true, "验收单 signed: false"},
        {"合同", 0, 1, true, "合同 without a date"},
        {"验收单", 0, 1, true, "验收单 without a date"},
        {"合同", 1, -1, false, "合同 with no signed field"},
        {"验收单", 1, -1, false, "验收单 with no signed field"},
        {"发票", 1, 0, false, "an unsigned 发票 is neither 合同 nor 验收单"},
    };
    for (size_t k = 0; k < sizeof docs / sizeof docs[0]; k++) {
        v = s_voucher(p, s_when(p, 2, 12));
        char no[40];
        l = s_line(p, v, "30227", s_amt(p, 20000, 60000), "%s委托服务费", s_topic(p));
        vouch_gen_org_contract(p->org, "CG", p->year, no, sizeof no);
        s_contract(p, l, no, "询价", v->date - 30, v->date - 32);
        vouch_gen_voucher_settle(v, p->org, VOUCH_GEN_PAY_ZBA);
        snprintf(vouch_gen_voucher_doc(v, "发票", v->date - 2, 1)->number, VOUCH_GEN_DOC_NUMBER,
                 "%s", l->invoice_no);
        vouch_gen_doc_t *doc = vouch_gen_voucher_doc(
            v, docs[k].kind, docs[k].dated ? v->date - 5 : VOUCH_DATE_NONE, docs[k].signed_);
        if (s_is(docs[k].kind, "合同"))
            snprintf(doc->number, sizeof doc->number, "%s", no);
        else if (!s_is(docs[k].kind, "验收单"))
            vouch_gen_voucher_doc(v, "合同", v->date - 32, 1);
        if (!s_is(docs[k].kind, "验收单"))
            vouch_gen_voucher_doc(v, "验收单", v->date - 3, 1);
        if (s_is(docs[k].kind, "验收单"))
            snprintf(vouch_gen_voucher_doc(v, "合同", v->date - 32, 1)->number,
                     VOUCH_GEN_DOC_NUMBER, "%s", no);
        if (docs[k].fires)
            s_mark(v, R_MISSING, 0, S_FIND_JSON, "%s", docs[k].what);
        else
            s_mark(v, R_MISSING, 0, S_DECOY_JSON, "%s", docs[k].what);
    }
}

/* ---- DUPLICATE_PAYMENT ---- */

/* one line paid to payee against invoice ("": none); a travel claim's
 * claimant is its payee */
static vouch_gen_voucher_t *s_paid(s_plant_t *p, int32_t date, const char *econ, int64_t fen,
                                   const char *payee, bool person, const char *invoice,
                                   const char *summary)
{
    vouch_gen_voucher_t *v = s_voucher(p, date);
    vouch_gen_line_t *l = s_line(p, v, econ, fen, "%s", summary);
    vouch_gen_spend_payee(l, payee, person);
    if (l->claimant[0])
        snprintf(l->claimant, sizeof l->claimant, "%s", payee);
    snprintf(l->invoice_no, sizeof l->invoice_no, "%s", invoice);
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    return v;
}

static void s_duplicate(s_plant_t *p)
{
    vouch_gen_org_t *org = p->org;
    char payee[96], inv[72], s[160], wide[72], person[VOUCH_GEN_NAME];

    /* the same invoice again, months later */
    vouch_gen_org_planted_supplier(org, VOUCH_GEN_T_HOTEL, payee, sizeof payee);
    vouch_gen_org_invoice(org, p->rng, inv, sizeof inv);
    snprintf(s, sizeof s, "召开%s工作会议会务费", s_topic(p));
    int m = (int)vouch_gen_rng_range(p->rng, 1, 8);
    vouch_gen_voucher_t *v =
        s_paid(p, s_ymd(p, m, 12), "30215", s_amt(p, 3000, 9000), payee, false, inv, s);
    s_mark(v, R_DUPLICATE, 0, S_DECOY, "the first payment of invoice %s", inv);
    v = s_paid(p, s_ymd(p, m + 2, 20), "30215", s_amt(p, 3000, 9000), payee, false, inv, s);
    s_mark(v, R_DUPLICATE, 0, S_FIND, "invoice %s paid again two months later", inv);

    /* three times */
    vouch_gen_org_planted_supplier(org, VOUCH_GEN_T_SOFTWARE, payee, sizeof payee);
    vouch_gen_org_invoice(org, p->rng, inv, sizeof inv);
    int64_t fen = s_amt(p, 1000, 4000);
    static const int months3[] = {3, 5, 8};
    for (int k = 0; k < 3; k++) {
        v = s_paid(p, s_ymd(p, months3[k], 16), "30207", fen, payee, false, inv,
                   "支付网络专线服务费");
        if (k)
            s_mark(v, R_DUPLICATE, 0, S_FIND, "invoice %s paid a %s time", inv,
                   k == 1 ? "second" : "third");
        else
            s_mark(v, R_DUPLICATE, 0, S_DECOY, "the first payment of invoice %s", inv);
    }

    /* the same invoice, its digits full-width the second time */
    vouch_gen_org_planted_supplier(org, VOUCH_GEN_T_PRINT, payee, sizeof payee);
    vouch_gen_org_invoice(org, p->rng, inv, sizeof inv);
    s_full_width(inv, wide, sizeof wide);
    m = (int)vouch_gen_rng_range(p->rng, 1, 10);
    v = s_paid(p, s_ymd(p, m, 11), "30202", s_amt(p, 1000, 5000), payee, false, inv,
               "印制宣传资料");
    s_mark(v, R_DUPLICATE, 0, S_DECOY, "the first payment of invoice %s", inv);
    v = s_paid(p, s_ymd(p, m + 1, 21), "30202", s_amt(p, 1000, 5000), payee, false, wide,
               "印制宣传资料");
    s_mark(v, R_DUPLICATE, 0, S_FIND, "invoice %s again, in full-width digits", inv);

    /* no invoices: the same payee, amount and summary within 7 days */
    static const struct {
        int gap;
        bool fires;
        bool same_summary;
        const char *what;
    } pairs[] = {
        {3, true, true, "no invoice, the same payment 3 days later"},
        {7, true, true, "no invoice, the same payment exactly 7 days later"},
        {0, true, true, "no invoice, the same payment the same day"},
        {8, false, true, "no invoice, the same payment 8 days later"},
        {5, false, false, "no invoice, 5 days later, another summary"},
    };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        vouch_gen_org_outsider(p->rng, person, sizeof person);
        int32_t d = s_when(p, 1, 11);
        fen = s_amt(p, 500, 3000);
        int mm, yy, dd;
        vouch_date_to_ymd(d, &yy, &mm, &dd);
        snprintf(s, sizeof s, "支付%s%d月保洁劳务费", person, mm);
        v = s_paid(p, d, "30226", fen, person, true, "", s);
        s_mark(v, R_DUPLICATE, 0, S_DECOY, "%s: the first", pairs[k].what);
        if (!pairs[k].same_summary)
            snprintf(s, sizeof s, "支付%s%d月保洁劳务费", person, mm + 1);
        v = s_paid(p, d + pairs[k].gap, "30226", fen, person, true, "", s);
        if (pairs[k].fires)
            s_mark(v, R_DUPLICATE, 0, S_FIND, "%s", pairs[k].what);
        else
            s_mark(v, R_DUPLICATE, 0, S_DECOY, "%s", pairs[k].what);
    }
    /* across two monthly files: the 27th and the 2nd */
    vouch_gen_org_outsider(p->rng, person, sizeof person);
    m = (int)vouch_gen_rng_range(p->rng, 2, 10);
    fen = s_amt(p, 500, 3000);
    snprintf(s, sizeof s, "支付%s评审劳务费", person);
    v = s_paid(p, s_ymd(p, m, 27), "30226", fen, person, true, "", s);
    s_mark(v, R_DUPLICATE, 0, S_DECOY, "no invoice, month end: the first");
    v = s_paid(p, s_ymd(p, m + 1, 2), "30226", fen, person, true, "", s);
    s_mark(v, R_DUPLICATE, 0, S_FIND, "no invoice, the same payment in the next monthly file");

    /* monthly fees, each with its own invoice */
    vouch_gen_org_planted_supplier(org, VOUCH_GEN_T_SOFTWARE, payee, sizeof payee);
    fen = s_amt(p, 1000, 4000);
    for (int k = 0; k < 3; k++) {
        vouch_gen_org_invoice(org, p->rng, inv, sizeof inv);
        v = s_paid(p, s_ymd(p, 2 + k, 8), "30207", fen, payee, false, inv, "支付网络专线服务费");
        s_mark(v, R_DUPLICATE, 0, S_DECOY, "a monthly fee with its own invoice (%d of 3)", k + 1);
    }
    /* one invoice number, two payees */
    vouch_gen_org_invoice(org, p->rng, inv, sizeof inv);
    vouch_gen_org_planted_supplier(org, VOUCH_GEN_T_CONSULT, payee, sizeof payee);
    v = s_paid(p, s_when(p, 1, 6), "30226", s_amt(p, 1000, 5000), payee, false, inv, "咨询劳务费");
    s_mark(v, R_DUPLICATE, 0, S_DECOY, "invoice %s to one payee", inv);
    vouch_gen_org_planted_supplier(org, VOUCH_GEN_T_CONSULT, payee, sizeof payee);
    v = s_paid(p, s_when(p, 7, 12), "30226", s_amt(p, 1000, 5000), payee, false, inv, "咨询劳务费");
    s_mark(v, R_DUPLICATE, 0, S_DECOY, "invoice %s to another payee", inv);

    /* one voucher, two lines on one invoice */
    vouch_gen_org_planted_supplier(org, VOUCH_GEN_T_HOTEL, payee, sizeof payee);
    vouch_gen_org_invoice(org, p->rng, inv, sizeof inv);
    v = s_voucher(p, s_when(p, 1, 12));
    for (int k = 0; k < 2; k++) {
        vouch_gen_line_t *l = s_line(p, v, "30215", s_amt(p, 1000, 5000), "%s",
                                     k ? "召开工作会议餐费" : "召开工作会议住宿费");
        vouch_gen_spend_payee(l, payee, false);
        snprintf(l->invoice_no, sizeof l->invoice_no, "%s", inv);
    }
    s_settle(p, v, VOUCH_GEN_PAY_ZBA);
    s_mark(v, R_DUPLICATE, 1, S_DECOY, "two lines of one voucher on one invoice");

    /* red ink on the invoice it reverses */
    int who = vouch_gen_org_person(org, p->rng);
    vouch_gen_org_invoice(org, p->rng, inv, sizeof inv);
    int32_t d = s_when(p, 1, 11);
    snprintf(s, sizeof s, "%s赴%s出差差旅费", org->staff[who], s_dest(p));
    v = s_paid(p, d, "30211", s_amt(p, 1000, 3000), org->staff[who], true, inv, s);
    snprintf(s, sizeof s, "冲销%s多报差旅费", org->staff[who]);
    v = s_paid(p, d + 6, "30211", -s_amt(p, 100, 500), org->staff[who], true, inv, s);
    s_mark(v, R_DUPLICATE, 0, S_DECOY, "red ink on the invoice it reverses");
}

/* ---- UNBALANCED_VOUCHER ---- */

static void s_unbalanced(s_plant_t *p)
{
    vouch_gen_voucher_t *v = s_one(p, "30201", s_amt(p, 1000, 5000), "购买%s办公用品", s_topic(p));
    v->lines[v->nexpense].credit -= 10000;
    s_mark(v, R_UNBALANCED, -1, S_FIND, "the financial book 100.00 short");

    v = s_one(p, "30201", s_amt(p, 1000, 5000), "购买%s办公用品", s_topic(p));
    v->lines[v->n - 1].credit += 1;
    s_mark(v, R_UNBALANCED, -1, S_FIND, "the budget book 0.01 over");

    /* balanced in all, unbalanced in each book */
    v = s_voucher(p, s_when(p, 1, 12));
    vouch_gen_line_t *l = s_line(p, v, "30201", s_amt(p, 1000, 5000), "购买%s办公用品", s_topic(p));
    l->attachments = v->attachments;
    vouch_gen_voucher_other(v, l->summary, "800101", "资金结存-零余额账户用款额度", 0, l->debit);
    v->paying = 1;
    vouch_gen_spend_documents(v);
    s_mark(v, R_UNBALANCED, -1, S_FIND, "each book off, the voucher balanced in all");

    v = s_voucher(p, s_when(p, 1, 12));
    l = s_line(p, v, "30206", s_amt(p, 2000, 9000), "计提电费");
    l->payee[0] = l->payee_account[0] = l->invoice_no[0] = '\0';
    s_settle(p, v, VOUCH_GEN_ACCRUE);
    v->lines[v->nexpense].credit -= 5000;
    s_mark(v, R_UNBALANCED, -1, S_FIND, "an accrual 50.00 short");

    v = s_one(p, "30211", -s_amt(p, 100, 900), "冲销多报差旅费");
    s_mark(v, R_UNBALANCED, -1, S_DECOY, "red ink, balanced");

    v = s_voucher(p, s_when(p, 1, 12));
    for (int k = 0; k < 3; k++)
        s_line(p, v, k == 2 ? "30202" : "30201", s_amt(p, 500, 3000), "购买%s办公用品", s_topic(p));
    s_settle(p, v, VOUCH_GEN_PAY_BANK);
    s_mark(v, R_UNBALANCED, -1, S_DECOY, "three lines, balanced in each book");

    v = s_voucher(p, s_when(p, 1, 12));
    l = s_line(p, v, "30206", s_amt(p, 2000, 9000), "计提电费");
    l->payee[0] = l->payee_account[0] = l->invoice_no[0] = '\0';
    s_settle(p, v, VOUCH_GEN_ACCRUE);
    s_mark(v, R_UNBALANCED, -1, S_DECOY, "an accrual, financial book only, balanced");
}

/* ---- SEQUENCE_GAP and PREPARER_IS_REVIEWER ---- */

static void s_gap(s_plant_t *p)
{
    for (int k = 0; k < 4; k++) {
        int32_t d = s_ymd(p, (int)vouch_gen_rng_range(p->rng, 1, 12),
                          (int)vouch_gen_rng_range(p->rng, 12, 26));
        vouch_gen_voucher_t *v = s_clean(p, d);
        v->skip = k == 3 ? 2 : 1;
        s_mark(v, R_GAP, -1, S_FIND, "%d voucher number%s missing just before it", v->skip,
               v->skip > 1 ? "s" : "");
    }
    vouch_gen_voucher_t *v = s_clean(p, s_ymd(p, (int)vouch_gen_rng_range(p->rng, 2, 12), 1));
    s_mark(v, R_GAP, -1, S_DECOY, "the first voucher of a period: numbers restart");
}

static void s_preparer(s_plant_t *p)
{
    vouch_gen_voucher_t *v = s_clean(p, s_when(p, 1, 12));
    snprintf(v->reviewer, sizeof v->reviewer, "%s", v->preparer);
    s_mark(v, R_PREPARER, -1, S_FIND, "%s prepared and reviewed it", v->preparer);
    v = s_clean(p, s_when(p, 1, 12));
    s_spaced(v->preparer, " ", v->reviewer, sizeof v->reviewer);
    s_mark(v, R_PREPARER, -1, S_FIND, "the same person, a space in the reviewer's name");
    for (int k = 0; k < 2; k++) {
        v = s_clean(p, s_when(p, 1, 12));
        v->reviewer[0] = '\0';
        s_mark(v, R_PREPARER, -1, S_DECOY, "not reviewed: the reviewer is blank");
    }
}

/* ---- the unit's plan ---- */

static int s_by_date(const void *a, const void *b)
{
    const vouch_gen_voucher_t *x = *(vouch_gen_voucher_t *const *)a;
    const vouch_gen_voucher_t *y = *(vouch_gen_voucher_t *const *)b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

vouch_gen_voucher_t **vouch_gen_plant(vouch_gen_org_t *org, vouch_gen_rng_t *rng, int year,
                                      size_t *n)
{
    s_plant_t p = {.org = org, .rng = rng, .year = year};
    s_misclass_venue(&p);
    s_misclass_training(&p);
    s_misclass_vehicle(&p);
    s_misclass_travel(&p);
    s_indicator(&p);
    s_payee(&p);
    s_procurement(&p);
    s_split(&p);
    s_approval(&p);
    s_stale(&p);
    s_missing(&p);
    s_duplicate(&p);
    s_unbalanced(&p);
    s_gap(&p);
    s_preparer(&p);
    qsort(p.items, p.n, sizeof *p.items, s_by_date);
    *n = p.n;
    return p.items;
}

void vouch_gen_plant_free(vouch_gen_voucher_t **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}
