/* gen_rng.h: the generator's deterministic random numbers (xoshiro256**
 * seeded through splitmix64): the same --seed gives the same ledgers on
 * every machine, whatever libc's rand() does. */
#ifndef VOUCH_GEN_RNG_H
#define VOUCH_GEN_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t s[4];
} vouch_gen_rng_t;

/* A stream for seed, told apart from other streams of the same seed by
 * stream (an org's index, say), so that one org's ledger does not change
 * when another org is added. */
void vouch_gen_rng_init(vouch_gen_rng_t *self, uint64_t seed, uint64_t stream);

uint64_t vouch_gen_rng_next(vouch_gen_rng_t *self);

/* uniform in [0, n); 0 when n is 0 */
uint64_t vouch_gen_rng_below(vouch_gen_rng_t *self, uint64_t n);

/* uniform in [lo, hi] */
int64_t vouch_gen_rng_range(vouch_gen_rng_t *self, int64_t lo, int64_t hi);

/* true with probability percent/100 */
int vouch_gen_rng_chance(vouch_gen_rng_t *self, int percent);

/* one of n strings */
const char *vouch_gen_rng_pick(vouch_gen_rng_t *self, const char *const *items, size_t n);

#define VOUCH_GEN_PICK(rng, array)                                                                 \
    vouch_gen_rng_pick((rng), (array), sizeof(array) / sizeof(array)[0])

#endif
