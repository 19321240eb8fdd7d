/* gen_ledger.c: the month loop. Memory stays flat: one unit's planted
 * vouchers (a few hundred), one month's fixed ones and one day-to-day voucher
 * at a time; the per-line work is constant, so a five-million-line ledger
 * costs five thousand times a thousand-line one. */
#include "gen_ledger.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "gen_plant.h"
#include "gen_spend.h"

#define S_MAX_FIXED 16

typedef struct {
    vouch_gen_out_t *out;
    const vouch_gen_org_t *org;
    int month;
    int numbers[3]; /* the last number given this period: 记, 付, 转 */
} s_period_t;

/* Number v in its period and word, and write it. A SEQUENCE_GAP voucher
 * leaves numbers out before its own; at the start of a period there is
 * nothing to leave out after, so its mark is dropped (it never happens with
 * the plants' dates, but a label must never claim a gap that is not there). */
static int s_emit(s_period_t *p, vouch_gen_voucher_t *v, vouch_error_t *err)
{
    int w = p->org->paying_words ? (v->paying ? 1 : 2) : 0;
    static const char *const words[] = {"记", "付", "转"};
    if (v->skip && p->numbers[w] == 0) {
        size_t k = 0;
        for (size_t i = 0; i < v->nmarks; i++)
            if (strcmp(v->marks[i].rule, "SEQUENCE_GAP") != 0 || v->marks[i].decoy)
                v->marks[k++] = v->marks[i];
        v->nmarks = k;
    } else {
        p->numbers[w] += v->skip;
    }
    return vouch_gen_out_voucher(p->out, p->org, p->month, v, words[w], ++p->numbers[w], err);
}

static int s_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

static int s_org(const vouch_gen_ledger_opts_t *o, vouch_gen_out_t *out, int k,
                 vouch_gen_voucher_t *fixed, vouch_gen_voucher_t *bg, vouch_error_t *err)
{
    vouch_gen_org_t org;
    vouch_gen_org_init(&org, o->first_org + k, o->seed);
    vouch_gen_rng_t rng;
    vouch_gen_rng_init(&rng, o->seed, 0x1000 + (uint64_t)org.index);
    size_t nplanted;
    vouch_gen_voucher_t **planted = vouch_gen_plant(&org, &rng, o->year, &nplanted);
    vouch_gen_spend_t *spend = vouch_gen_spend_new(&org, &rng, o->year);
    int rc = 0;

    long target = o->lines / o->orgs + (k < o->lines % o->orgs ? 1 : 0);
    long start = vouch_gen_out_stats(out)->lines;
    long bg_lines = 0, bg_vouchers = 0;
    size_t pi = 0;
    for (int month = 1; month <= 12 && rc == 0; month++) {
        size_t nfixed = vouch_gen_spend_fixed(spend, &rng, month, fixed, S_MAX_FIXED);
        int32_t first = vouch_date_from_ymd(o->year, month, 1);
        int dim = s_days_in_month(o->year, month);
        long planned = 0;
        for (size_t i = 0; i < nfixed; i++)
            planned += (long)fixed[i].n;
        for (size_t i = pi; i < nplanted && planted[i]->date < first + dim; i++)
            planned += (long)planted[i]->n;

        /* what is left of the unit's lines, spread over the months left */
        long written = vouch_gen_out_stats(out)->lines - start;
        long quota = (target - written) / (13 - month) - planned;
        double per = bg_vouchers ? (double)bg_lines / (double)bg_vouchers : 4.5;
        long nbg = quota > 0 ? (long)((double)quota / per + 0.5) : 0;

        /* day-to-day vouchers fall on weekdays */
        int weekdays[31], nweek = 0, count[32] = {0};
        for (int d = 1; d <= dim; d++)
            if ((first + d - 1 + 3) % 7 < 5) /* 1970-01-01 was a Thursday */
                weekdays[nweek++] = d;
        for (long i = 0; i < nbg; i++)
            count[weekdays[vouch_gen_rng_below(&rng, (uint64_t)nweek)]]++;

        s_period_t period = {.out = out, .org = &org, .month = month};
        size_t fi = 0;
        for (int d = 1; d <= dim && rc == 0; d++) {
            int32_t date = first + d - 1;
            while (rc == 0 && pi < nplanted && planted[pi]->date <= date)
                rc = s_emit(&period, planted[pi++], err);
            while (rc == 0 && fi < nfixed && fixed[fi].date <= date)
                rc = s_emit(&period, &fixed[fi++], err);
            for (int c = 0; c < count[d] && rc == 0; c++) {
                vouch_gen_spend_background(spend, &rng, date, bg);
                bg_lines += (long)bg->n;
                bg_vouchers++;
                rc = s_emit(&period, bg, err);
            }
        }
    }
    if (rc == 0 && pi < nplanted) {
        char d[16];
        vouch_error_set(err, "a planted voucher of %s is dated %s, outside %d", org.name,
                        vouch_date_format(planted[pi]->date, d), o->year);
        rc = -1;
    }
    vouch_gen_spend_destroy(&spend);
    vouch_gen_plant_free(planted, nplanted);
    return rc;
}

int vouch_gen_ledger_run(const vouch_gen_ledger_opts_t *opts, vouch_gen_out_stats_t *stats,
                         vouch_error_t *err)
{
    vouch_gen_out_opts_t oo = {
        .dir = opts->dir,
        .format = opts->format,
        .split_months = opts->split_months,
        .labels_path = opts->labels_path,
        .decoys_path = opts->decoys_path,
        .year = opts->year,
    };
    vouch_gen_out_t *out = vouch_gen_out_new(&oo, err);
    if (!out)
        return -1;
    vouch_gen_voucher_t *fixed = vouch_calloc(S_MAX_FIXED, sizeof *fixed);
    vouch_gen_voucher_t *bg = vouch_calloc(1, sizeof *bg);
    int rc = 0;
    for (int k = 0; k < opts->orgs && rc == 0; k++)
        rc = s_org(opts, out, k, fixed, bg, err);
    if (rc == 0)
        rc = vouch_gen_out_finish(out, err);
    if (stats)
        *stats = *vouch_gen_out_stats(out);
    free(bg);
    free(fixed);
    vouch_gen_out_destroy(&out);
    return rc;
}
