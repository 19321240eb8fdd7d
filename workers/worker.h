/* worker.h: vouch-worker's loop: pull a batch, make sure the policy version
 * it names is at hand (fetching it from vouchd when not), run the rules, push
 * the findings back. */
#ifndef VOUCH_WORKER_H
#define VOUCH_WORKER_H

#include "config.h"
#include "error.h"

typedef struct vouch_worker_t vouch_worker_t;

/* Connect to vouchd's endpoints (cfg borrowed). id names this worker in
 * vouchd's status. Returns a new worker or NULL with err. */
vouch_worker_t *vouch_worker_new(const vouch_config_t *cfg, const char *id, vouch_error_t *err);
void vouch_worker_destroy(vouch_worker_t **self_p);

/* Serve until *stop becomes non-zero; the batch in hand is finished first. */
int vouch_worker_run(vouch_worker_t *self, volatile int *stop);

#endif
