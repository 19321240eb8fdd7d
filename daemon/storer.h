/* storer.h: vouchd's storing thread. It takes files from the spool one by one,
 * stores each as a ledger on its own PostgreSQL connection, and tells the main
 * loop what became of them over an inproc PAIR socket, so the main loop keeps
 * serving uploads, workers and findings while a large file is being stored.
 *
 *   main -> storer: {"type":"wake"} (a file arrived), {"type":"stop"},
 *                   {"type":"ledger_rules", "params"} (the policy was reloaded)
 *   storer -> main: {"type":"file", "ticket", "name", "status", "ledger_id",
 *                    "lines", "vouchers", "batches", "dropped", "error"}
 *                   {"type":"db", "state":"up"|"down", "error"} */
#ifndef VOUCH_STORER_H
#define VOUCH_STORER_H

#include "config.h"

typedef struct vouch_storer_t vouch_storer_t;

/* Start the thread; it connects its PAIR to endpoint (which the caller bound).
 * cfg is borrowed and must outlive the storer. ledger_rules: the parameters of
 * the rules PostgreSQL runs as a file is stored (ledger_rules.h), copied. */
vouch_storer_t *vouch_storer_new(void *zmq_ctx, const char *endpoint, const vouch_config_t *cfg,
                                 const char *ledger_rules);
/* Hand the storer new parameters after a policy reload, through the main
 * loop's end of the pipe; files stored from then on use them. */
void vouch_storer_set_ledger_rules(void *pipe, const char *ledger_rules);
/* Join the thread (the caller sent "stop" first). */
void vouch_storer_destroy(vouch_storer_t **self_p);

#endif
