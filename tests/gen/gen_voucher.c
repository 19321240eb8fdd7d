/* gen_voucher.c: building a voucher the way a government unit books one:
 * expense lines, the financial credit, then the budget twins (平行记账). */
#include "gen_voucher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

void vouch_gen_voucher_begin(vouch_gen_voucher_t *v, const vouch_gen_org_t *org,
                             vouch_gen_rng_t *rng, int32_t date)
{
    /* only the header: the lines are cleared as they are added, which keeps
     * a million vouchers from zeroing 30 KB each */
    v->date = date;
    v->order = 0;
    v->skip = 0;
    v->paying = 0;
    v->grouped = vouch_gen_rng_chance(rng, 4);
    v->attachments = (int)vouch_gen_rng_range(rng, 1, 8);
    int who = (int)vouch_gen_rng_below(rng, 2);
    snprintf(v->preparer, sizeof v->preparer, "%s", org->preparer[who]);
    snprintf(v->reviewer, sizeof v->reviewer, "%s", org->reviewer[who]);
    v->n = v->nexpense = v->ndocs = v->nmarks = 0;
    v->twins_at = -1;
}

static vouch_gen_line_t *s_add(vouch_gen_voucher_t *v)
{
    if (v->n >= VOUCH_GEN_MAX_LINES) {
        fprintf(stderr, "vouch-gen: a voucher holds at most %d lines\n", VOUCH_GEN_MAX_LINES);
        abort();
    }
    vouch_gen_line_t *l = &v->lines[v->n++];
    memset(l, 0, sizeof *l);
    l->account_code = l->account_name = l->func_code = l->department = l->payment_method = "";
    l->attachments = VOUCH_GEN_BLANK;
    return l;
}

vouch_gen_line_t *vouch_gen_voucher_expense(vouch_gen_voucher_t *v, const vouch_gen_org_t *org,
                                            const char *summary, const char *econ, int64_t fen)
{
    if (v->n != v->nexpense) {
        fprintf(stderr, "vouch-gen: expense lines come before the voucher is settled\n");
        abort();
    }
    vouch_gen_line_t *l = s_add(v);
    v->nexpense++;
    snprintf(l->summary, sizeof l->summary, "%s", summary);
    l->account_code = "5001";
    l->account_name = "业务活动费用";
    snprintf(l->econ, sizeof l->econ, "%s", econ);
    l->func_code = org->func_code;
    l->debit = fen;
    return l;
}

static void s_credit(vouch_gen_voucher_t *v, const char *code, const char *name, int64_t fen)
{
    vouch_gen_line_t *l = s_add(v);
    snprintf(l->summary, sizeof l->summary, "%s", v->lines[0].summary);
    l->account_code = code;
    l->account_name = name;
    l->credit = fen;
}

/* the accounts each way of settling credits: financial book, budget book */
static const struct {
    const char *code, *name, *bud_code, *bud_name;
    int paying;
} s_settles[] = {
    [VOUCH_GEN_PAY_ZBA] = {"1011", "零余额账户用款额度", "800101", "资金结存-零余额账户用款额度",
                           1},
    [VOUCH_GEN_PAY_BANK] = {"100201", "银行存款-基本户", "800102", "资金结存-货币资金", 1},
    [VOUCH_GEN_PAY_CASH] = {"1001", "库存现金", "800102", "资金结存-货币资金", 1},
    [VOUCH_GEN_PAY_DIRECT] = {"4001", "财政拨款收入", "6001", "财政拨款预算收入", 1},
    [VOUCH_GEN_ACCRUE] = {"2307", "其他应付款", NULL, NULL, 0},
    [VOUCH_GEN_BUDGET_ONLY] = {NULL, NULL, "800101", "资金结存-零余额账户用款额度", 1},
};

void vouch_gen_voucher_settle(vouch_gen_voucher_t *v, const vouch_gen_org_t *org,
                              vouch_gen_settle_t how)
{
    int64_t total = 0;
    for (size_t i = 0; i < v->nexpense; i++)
        total += v->lines[i].debit;
    v->paying = s_settles[how].paying;
    if (how == VOUCH_GEN_BUDGET_ONLY) {
        for (size_t i = 0; i < v->nexpense; i++) {
            v->lines[i].account_code = org->bud_code;
            v->lines[i].account_name = org->bud_name;
        }
    } else if (how == VOUCH_GEN_ACCRUE && strncmp(v->lines[0].econ, "301", 3) == 0) {
        s_credit(v, "2201", "应付职工薪酬", total);
    } else {
        s_credit(v, s_settles[how].code, s_settles[how].name, total);
    }
    if (s_settles[how].bud_code) {
        /* 平行记账: each expense again in the budget book, same code and amount */
        if (how != VOUCH_GEN_BUDGET_ONLY) {
            v->twins_at = (int)v->n;
            for (size_t i = 0; i < v->nexpense; i++) {
                vouch_gen_line_t *t = s_add(v);
                *t = v->lines[i];
                t->account_code = org->bud_code;
                t->account_name = org->bud_name;
            }
        }
        s_credit(v, s_settles[how].bud_code, s_settles[how].bud_name, total);
    }
    for (size_t i = 0; i < v->n; i++)
        v->lines[i].attachments = v->attachments;
}

vouch_gen_line_t *vouch_gen_voucher_other(vouch_gen_voucher_t *v, const char *summary,
                                          const char *code, const char *name, int64_t debit,
                                          int64_t credit)
{
    vouch_gen_line_t *l = s_add(v);
    snprintf(l->summary, sizeof l->summary, "%s", summary);
    l->account_code = code;
    l->account_name = name;
    l->debit = debit;
    l->credit = credit;
    l->attachments = v->attachments;
    return l;
}

vouch_gen_doc_t *vouch_gen_voucher_doc(vouch_gen_voucher_t *v, const char *kind, int32_t date,
                                       int signed_)
{
    if (v->ndocs >= VOUCH_GEN_MAX_DOCS)
        return &v->docs[VOUCH_GEN_MAX_DOCS - 1];
    vouch_gen_doc_t *d = &v->docs[v->ndocs++];
    d->kind = kind;
    d->number[0] = '\0';
    d->date = date;
    d->signed_ = signed_;
    return d;
}

void vouch_gen_voucher_mark(vouch_gen_voucher_t *v, const char *rule, int line, int formats,
                            int decoy, const char *what)
{
    if (v->nmarks >= VOUCH_GEN_MAX_MARKS) {
        fprintf(stderr, "vouch-gen: too many marks on one voucher\n");
        abort();
    }
    vouch_gen_mark_t *m = &v->marks[v->nmarks++];
    m->rule = rule;
    m->line = line;
    m->formats = formats;
    m->decoy = decoy;
    snprintf(m->what, sizeof m->what, "%s", what);
}

int vouch_gen_voucher_twin(const vouch_gen_voucher_t *v, int i)
{
    if (v->twins_at < 0 || i < 0 || (size_t)i >= v->nexpense)
        return -1;
    return v->twins_at + i;
}
