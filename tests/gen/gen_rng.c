/* gen_rng.c: xoshiro256** (Blackman and Vigna), seeded through splitmix64 as
 * its authors recommend. Fast, small state, and the same on every platform. */
#include "gen_rng.h"

static uint64_t s_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t s_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void vouch_gen_rng_init(vouch_gen_rng_t *self, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ull + 0x2545f4914f6cdd1dull);
    for (int i = 0; i < 4; i++)
        self->s[i] = s_splitmix(&x);
}

uint64_t vouch_gen_rng_next(vouch_gen_rng_t *self)
{
    uint64_t *s = self->s;
    uint64_t result = s_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s_rotl(s[3], 45);
    return result;
}

uint64_t vouch_gen_rng_below(vouch_gen_rng_t *self, uint64_t n)
{
    if (n == 0)
        return 0;
    /* rejection keeps it uniform; the loop almost never turns twice */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = vouch_gen_rng_next(self);
    while (x >= limit);
    return x % n;
}

int64_t vouch_gen_rng_range(vouch_gen_rng_t *self, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)vouch_gen_rng_below(self, (uint64_t)(hi - lo) + 1);
}

int vouch_gen_rng_chance(vouch_gen_rng_t *self, int percent)
{
    return (int)vouch_gen_rng_below(self, 100) < percent;
}

const char *vouch_gen_rng_pick(vouch_gen_rng_t *self, const char *const *items, size_t n)
{
    return items[vouch_gen_rng_below(self, n)];
}
