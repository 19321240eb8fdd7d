/* spool.h: the spool folder. Files wait here until they are stored; a refused
 * file moves to rejected/ with a .error file beside it. Uploads are written to
 * .incoming/ and renamed in whole, with a NAME.meta sidecar (original name,
 * --org, ticket), so a half-written file is never taken. */
#ifndef VOUCH_SPOOL_H
#define VOUCH_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef struct {
    char *path;   /* the file in the spool */
    char *name;   /* the name to show users: the original one for uploads */
    char *org;    /* --org given at upload, or NULL */
    char *ticket; /* the upload's ticket (its SHA-256), or NULL for dropped files */
} vouch_spool_entry_t;

/* Create dir, dir/.incoming and dir/rejected (mode 0700). 0 or -1. */
int vouch_spool_prepare(const char *dir, vouch_error_t *err);

/* Says whether to pass over a file for now (one waiting to be tried again). */
typedef bool(vouch_spool_skip_fn)(void *arg, const char *name);

/* The oldest file ready to store: a regular file, not hidden, not a .meta,
 * and not still being written (see spool.c), nor one skip (may be NULL) passes
 * over. Returns 1 and fills e, or 0 when there is none. */
int vouch_spool_next(const char *dir, vouch_spool_entry_t *e, vouch_spool_skip_fn *skip,
                     void *arg);
void vouch_spool_entry_free(vouch_spool_entry_t *e);

/* Done with it: remove the file and its sidecar. */
void vouch_spool_remove(const vouch_spool_entry_t *e);

/* Move the file to dir/rejected/ with NAME.error holding message. 0 or -1. */
int vouch_spool_reject(const char *dir, const vouch_spool_entry_t *e, const char *message);

/* At start: remove what uploads cut short by a stop left in .incoming (their
 * senders were never told "queued" and send again). Returns how many. */
int vouch_spool_sweep_incoming(const char *dir);

/* What became of an upload, from the spool alone (after a restart): 1 when
 * found, with status "queued" (still waiting) or "rejected" and its reason. */
int vouch_spool_find_ticket(const char *dir, const char *ticket, char *status, size_t statussz,
                            char *error, size_t errorsz);

/* Files waiting. */
size_t vouch_spool_depth(const char *dir);

/* Write an upload's sidecar and move it from .incoming into the spool under a
 * free name derived from name. Returns 0 or -1. */
int vouch_spool_commit_upload(const char *dir, const char *part_path, const char *name,
                              const char *org, const char *ticket, vouch_error_t *err);

#endif
