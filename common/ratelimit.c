/* ratelimit.c: fixed windows per key in a small table; when the table is
 * full the key seen longest ago gives up its place (its count kept for the
 * summary), so many keys cost no memory, and the total per window bounds
 * the lines however many keys there are. */
#include "ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define S_SLOTS 64

typedef struct {
    char key[160];
    time_t window;      /* start of the key's window */
    time_t last;        /* its last event */
    int lines;          /* lines logged in the window */
    unsigned long held; /* events held back, not said yet */
} s_slot_t;

struct vouch_ratelimit_t {
    int window_s, burst, total;
    time_t window; /* start of the window of all keys */
    int lines;
    unsigned long unsaid; /* held events of slots given up */
    time_t summary;       /* when vouch_ratelimit_held last counted */
    s_slot_t slots[S_SLOTS];
};

vouch_ratelimit_t *vouch_ratelimit_new(int window_s, int burst, int total)
{
    vouch_ratelimit_t *self = vouch_calloc(1, sizeof *self);
    self->window_s = window_s > 0 ? window_s : 1;
    self->burst = burst;
    self->total = total;
    return self;
}

void vouch_ratelimit_destroy(vouch_ratelimit_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

static s_slot_t *s_slot(vouch_ratelimit_t *self, const char *key, time_t now)
{
    s_slot_t *oldest = &self->slots[0];
    for (int i = 0; i < S_SLOTS; i++) {
        s_slot_t *s = &self->slots[i];
        if (s->key[0] && strcmp(s->key, key) == 0)
            return s;
        if (!s->key[0] || (oldest->key[0] && s->last < oldest->last))
            oldest = s;
    }
    self->unsaid += oldest->held;
    memset(oldest, 0, sizeof *oldest);
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    oldest->window = now;
    return oldest;
}

bool vouch_ratelimit_pass(vouch_ratelimit_t *self, const char *key, time_t now, unsigned long *held)
{
    if (now - self->window >= self->window_s) {
        self->window = now;
        self->lines = 0;
    }
    s_slot_t *s = s_slot(self, key, now);
    s->last = now;
    if (now - s->window >= self->window_s) {
        s->window = now;
        s->lines = 0;
    }
    if (s->lines >= self->burst || self->lines >= self->total) {
        s->held++;
        return false;
    }
    s->lines++;
    self->lines++;
    if (held)
        *held = s->held;
    s->held = 0;
    return true;
}

bool vouch_ratelimit_vline(vouch_ratelimit_t *self, const char *key, time_t now, char *out,
                           size_t size, const char *fmt, va_list ap)
{
    unsigned long held = 0;
    if (!vouch_ratelimit_pass(self, key, now, &held))
        return false;
    int n = vsnprintf(out, size, fmt, ap);
    if (held && n >= 0 && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, " (and %lu more like it since the last line)", held);
    return true;
}

unsigned long vouch_ratelimit_held(vouch_ratelimit_t *self, time_t now)
{
    if (now - self->summary < self->window_s)
        return 0;
    self->summary = now;
    unsigned long n = self->unsaid;
    self->unsaid = 0;
    for (int i = 0; i < S_SLOTS; i++) {
        s_slot_t *s = &self->slots[i];
        if (s->held && now - s->window >= self->window_s) {
            n += s->held;
            s->held = 0;
        }
    }
    return n;
}
