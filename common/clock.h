/* clock.h: a monotonic clock, for saying how long something took. */
#ifndef VOUCH_CLOCK_H
#define VOUCH_CLOCK_H

#include <time.h>

/* seconds since an arbitrary start: only differences mean anything */
static inline double vouch_clock_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
