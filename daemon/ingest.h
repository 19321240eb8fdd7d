/* ingest.h: store one file as a ledger. The file is hashed, then parsed as a
 * stream straight into COPY; its vouchers and batches are derived in the same
 * transaction. A file is stored whole or not at all. */
#ifndef VOUCH_INGEST_H
#define VOUCH_INGEST_H

#include <libpq-fe.h>

#include "error.h"

#define VOUCH_INGEST_MAX_ORG 200 /* bytes of a unit's name: longer is not a name */

typedef enum {
    VOUCH_INGEST_ACCEPTED,  /* stored: a new ledger */
    VOUCH_INGEST_DUPLICATE, /* the same bytes were stored before: nothing new */
    VOUCH_INGEST_REJECTED,  /* the file is wrong: err names line, column, reason */
    VOUCH_INGEST_RETRY      /* the database failed: try again later, the file is fine */
} vouch_ingest_status_t;

typedef struct {
    vouch_ingest_status_t status;
    long long ledger_id;  /* the new ledger, or the earlier one for a duplicate */
    long long supersedes; /* the ledger this one replaced (the same unit and periods), or 0 */
    long lines;
    long vouchers;
    long dropped; /* summary rows left out */
    long batches;
    long findings;         /* found as it was stored (UNBALANCED_VOUCHER...) */
    long rules_lines;      /* the lines those rules read (vscan.h); -1: all, or none ran */
    char rules_error[512]; /* why those rules did not run, "" when they did */
    char sha256[65];
    /* seconds spent: parsing while COPY streams, deriving the vouchers, the
     * rules over them, and the rest up to COMMIT */
    double parse_copy_s, vouchers_s, voucher_rules_s, commit_s;
    vouch_error_t err;
} vouch_ingest_result_t;

typedef struct {
    const char *file_name; /* as the user named it, for messages and the ledger row */
    const char *org;       /* --org, or NULL */
    int batch_lines;
    long max_lines;
    long max_file_bytes;
    long max_line_bytes;  /* 0: the reader's default */
    long max_field_bytes; /* 0: the reader's default */
    /* the parameters of the rules PostgreSQL runs over each voucher as the
     * file is stored (ledger_rules.h), or NULL to leave them to analysis */
    const char *ledger_rules;
} vouch_ingest_opts_t;

/* Store path as a ledger. Fills res; returns 0 when res->status is final
 * (accepted, duplicate, rejected) and -1 for RETRY. */
int vouch_ingest_file(PGconn *conn, const char *path, const vouch_ingest_opts_t *opts,
                      vouch_ingest_result_t *res);

const char *vouch_ingest_status_name(vouch_ingest_status_t status);

#endif
