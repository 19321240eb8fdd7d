/* spool.h: the spool folder. Files wait here until they are stored; a refused
 * file moves to rejected/ with a .error file beside it. Uploads are written to
 * .incoming/ and renamed in whole, with a NAME.meta sidecar (original name,
 * --org, ticket), so a half-written file is never taken. */
#ifndef VOUCH_SPOOL_H
#define VOUCH_SPOOL_H

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

/* The oldest file ready to store: a regular file, not hidden, not a .meta,
 * unchanged for a second (so a file still being copied in is left alone).
 * Returns 1 and fills e, or 0 when there is none. */
int vouch_spool_next(const char *dir, vouch_spool_entry_t *e);
void vouch_spool_entry_free(vouch_spool_entry_t *e);

/* Done with it: remove the file and its sidecar. */
void vouch_spool_remove(const vouch_spool_entry_t *e);

/* Move the file to dir/rejected/ with NAME.error holding message. 0 or -1. */
int vouch_spool_reject(const char *dir, const vouch_spool_entry_t *e, const char *message);

/* Files waiting. */
size_t vouch_spool_depth(const char *dir);

/* Write an upload's sidecar and move it from .incoming into the spool under a
 * free name derived from name. Returns 0 or -1. */
int vouch_spool_commit_upload(const char *dir, const char *part_path, const char *name,
                              const char *org, const char *ticket, vouch_error_t *err);

#endif
