/* ratelimit.h: how often a binary may log one kind of event, so that a peer
 * sending garbage, or knocking with an unknown key, cannot flood the log.
 * Events are grouped by a key (a socket's name, a key and an address); each
 * key may log burst lines a window, and all keys together total lines; what
 * is held back is counted and said later. One thread uses one limiter. */
#ifndef VOUCH_RATELIMIT_H
#define VOUCH_RATELIMIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct vouch_ratelimit_t vouch_ratelimit_t;

/* A limiter of windows of window_s seconds. Returns a new limiter. */
vouch_ratelimit_t *vouch_ratelimit_new(int window_s, int burst, int total);
void vouch_ratelimit_destroy(vouch_ratelimit_t **self_p);

/* An event of key at now: true when it may be logged, with *held (may be
 * NULL) the events of key held back since its last line, to be said with
 * it; false when it is held back (and counted). */
bool vouch_ratelimit_pass(vouch_ratelimit_t *self, const char *key, time_t now,
                          unsigned long *held);

/* vouch_ratelimit_pass, and when the event may be logged, its line in out:
 * fmt's text, and how many were held back since the key's last line. */
bool vouch_ratelimit_vline(vouch_ratelimit_t *self, const char *key, time_t now, char *out,
                           size_t size, const char *fmt, va_list ap);

/* At most once a window: the events held back whose window is over and that
 * no line has said (then forgotten), for a summary line; 0 otherwise. Ask
 * as often as convenient. */
unsigned long vouch_ratelimit_held(vouch_ratelimit_t *self, time_t now);

#endif
