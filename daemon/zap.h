/* zap.h: vouchd's ZAP handler (ZeroMQ RFC 27). libzmq asks it, over
 * inproc://zeromq.zap.01, about every client that completes a CURVE
 * handshake on one of vouchd's endpoints: a client whose public key is in a
 * NAME.pub of curve_allow_dir is let in (200, user id NAME), every other one
 * refused (400) and logged, once a minute per key and address. The folder is
 * read again when it changes, when an unknown key knocks (at most once a
 * second) and after vouch_zap_reload; it runs on a thread of its own, so
 * that a main loop busy with the database does not hold handshakes up. */
#ifndef VOUCH_ZAP_H
#define VOUCH_ZAP_H

#include <stddef.h>

#include "error.h"

typedef struct vouch_zap_t vouch_zap_t;

/* Bind the handler in ctx (before any CURVE socket of ctx binds: with none
 * bound, libzmq would let every client in) and start its thread. allow_dir
 * is copied. Returns a new handler, or NULL with err. */
vouch_zap_t *vouch_zap_new(void *ctx, const char *allow_dir, vouch_error_t *err);

/* The keys found in the folder when the handler started. */
size_t vouch_zap_allowed(const vouch_zap_t *self);

/* Read the folder again before the next answer (SIGHUP). */
void vouch_zap_reload(vouch_zap_t *self);

/* Stop and join the thread, close its socket (before the context ends). */
void vouch_zap_destroy(vouch_zap_t **self_p);

#endif
