/* digests.h: vouchd's digest thread. Every digest_poll seconds, on its own
 * PostgreSQL connection, it makes the digests of the subscriptions due
 * (workers/digest.c) and delivers those whose attempt is due, failed ones
 * again with back-off until they are delivered. */
#ifndef VOUCH_DIGESTS_H
#define VOUCH_DIGESTS_H

#include "config.h"

typedef struct vouch_digests_t vouch_digests_t;

/* Start the thread. cfg is borrowed and must outlive it. */
vouch_digests_t *vouch_digests_new(const vouch_config_t *cfg);
/* Stop it (after the attempt in flight) and join it. */
void vouch_digests_destroy(vouch_digests_t **self_p);

#endif
