/* gen_plant.h: the planted findings of one unit, with a decoy beside each:
 * for every rule of RULES.md, the cases its "fires when" column names, in
 * varied wording, and the cases its "never fires when" column names. Each
 * voucher carries marks saying which rule must flag which line (the labels)
 * and which must not (the decoys); the generator, not vouch, is the truth. */
#ifndef VOUCH_GEN_PLANT_H
#define VOUCH_GEN_PLANT_H

#include "gen_voucher.h"

/* The unit's planted vouchers for fiscal year year, sorted by date (and by
 * creation within a day, the order they are numbered in). Returns a new
 * array of n new vouchers; vouch_gen_plant_free releases both. */
vouch_gen_voucher_t **vouch_gen_plant(vouch_gen_org_t *org, vouch_gen_rng_t *rng, int year,
                                      size_t *n);

void vouch_gen_plant_free(vouch_gen_voucher_t **items, size_t n);

#endif
