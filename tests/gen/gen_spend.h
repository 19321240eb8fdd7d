/* gen_spend.h: the ordinary spending of a unit, none of which any rule may
 * flag: each month's fixed vouchers (salaries and their accrual, social
 * insurance, housing fund, utilities, property, bank fees, depreciation) and
 * the day-to-day vouchers drawn at random (travel, office supplies, meetings,
 * training, reception, vehicles, repairs, procurement...). */
#ifndef VOUCH_GEN_SPEND_H
#define VOUCH_GEN_SPEND_H

#include "gen_voucher.h"

typedef struct vouch_gen_spend_t vouch_gen_spend_t;

/* One unit's spending state (its property contract, and a window of recent
 * purchases per supplier so that purchases without a channel never add up to
 * a SPLIT_PURCHASE). Returns a new object. */
vouch_gen_spend_t *vouch_gen_spend_new(vouch_gen_org_t *org, vouch_gen_rng_t *rng, int year);
void vouch_gen_spend_destroy(vouch_gen_spend_t **self_p);

/* The month's fixed vouchers into out (at most max), in date order; returns
 * how many. */
size_t vouch_gen_spend_fixed(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, int month,
                             vouch_gen_voucher_t *out, size_t max);

/* One day-to-day voucher dated date into v. */
void vouch_gen_spend_background(vouch_gen_spend_t *self, vouch_gen_rng_t *rng, int32_t date,
                                vouch_gen_voucher_t *v);

/* ---- what planted vouchers share with ordinary ones ---- */

/* The cells of a clean expense line of v: department, the indicator named
 * after the line's code, business and approval dates before the voucher
 * (approved first), a recent document date, a fresh invoice number, bank
 * transfer. The caller has set summary, code and amount. */
void vouch_gen_spend_defaults(vouch_gen_org_t *org, vouch_gen_rng_t *rng,
                              const vouch_gen_voucher_t *v, vouch_gen_line_t *l);

/* The utility that bills code (30205 water, 30206 electricity, 30207
 * telephone) in the unit's city, into out; false for other codes. */
bool vouch_gen_spend_utility(const vouch_gen_org_t *org, const char *econ, char *out, size_t size);

/* payee and its account */
void vouch_gen_spend_payee(vouch_gen_line_t *l, const char *payee, bool person);

/* the documents a JSON export carries for v: invoices, contracts, approvals */
void vouch_gen_spend_documents(vouch_gen_voucher_t *v);

/* a date cell: YYYY-MM-DD */
char *vouch_gen_spend_date(int32_t days, char *out, size_t size);

/* an amount between lo and hi yuan, in fen: whole yuan, or .50 */
int64_t vouch_gen_spend_amount(vouch_gen_rng_t *rng, int64_t lo, int64_t hi);

extern const char *const vouch_gen_visitors[];
extern const size_t vouch_gen_nvisitors;
extern const char *const vouch_gen_topics[];
extern const size_t vouch_gen_ntopics;
extern const char *const vouch_gen_destinations[];
extern const size_t vouch_gen_ndestinations;
extern const char *const vouch_gen_projects[];
extern const size_t vouch_gen_nprojects;

#endif
