/* digest.h: supervisors' digests (sql/012_digests.sql): what a subscription's
 * next digest holds, recording it, and delivering the digests due. vouchd's
 * digest thread and `vouchctl digest` both use these.
 *
 * A digest's content is one JSON object:
 *   digest_id ("vouch-digest-N"; "preview" before it is recorded),
 *   subscription, units[], min_severity, made_at, since (the digest before,
 *   or null), findings[] (the ids it reports: each exactly once per
 *   subscription), new {findings, amount, by_unit[{org, findings, amount,
 *   by_rule[{rule, findings, amount}]}]}, changes {confirmed, dismissed,
 *   reopened, suppressed, superseded} (review moves since the digest before),
 *   top[] (the ten largest lines among the new findings: finding_id (the
 *   first), finding_ids[], org, voucher_date, voucher, line_no, rule (each
 *   rule that flagged it, "A, B"), severity (the highest), amount, summary,
 *   payee, payee_account, message), a unit's and the digest's amount count
 *   each line once; sangong[{org, year, booked, restated}], progress {open,
 *   confirmed, dismissed, suppressed, decided_pct}.
 * Amounts are yuan strings ("835000.00"); every digit run of ten or more is
 * masked to its last four ("****8240"). */
#ifndef VOUCH_DIGEST_H
#define VOUCH_DIGEST_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "config.h"
#include "error.h"
#include "policy_set.h"

typedef enum {
    VOUCH_DIGEST_PREVIEW,   /* build it, write nothing */
    VOUCH_DIGEST_NOW,       /* record it now (vouchctl digest send); the rhythm stays */
    VOUCH_DIGEST_SCHEDULED, /* record it and move the subscription to its next slot */
} vouch_digest_mode_t;

/* Build the digest subscription_id would get now and, unless previewing,
 * record it with its findings in one transaction. policies (borrowed; NULL:
 * no 三公 section) are what the 三公 report of each unit's latest year is
 * read under. *content: the content (new
 * reference; NULL when nothing was built). *digest_id: the digest recorded, 0
 * when none (previewing, or nothing new for a subscription that skips empty
 * digests). Returns 0, or -1 with err set. */
int vouch_digest_make(PGconn *db, const vouch_policy_set_t *policies, int subscription_id,
                      vouch_digest_mode_t mode, json_t **content, long long *digest_id,
                      vouch_error_t *err);

/* What became of one delivery attempt: the digest ("vouch-digest-N"), the
 * subscription's name, delivered or not, the attempt's number, why it failed
 * and in how many seconds it is tried again. */
typedef void(vouch_digest_report_fn)(const char *digest, const char *subscription, bool delivered,
                                     int attempt, const char *error, long long retry_s, void *arg);

/* Deliver the digests whose attempt is due (only digest_id's, due or not,
 * when > 0), one transaction each, the digest locked so that no one else
 * delivers it at the same time. A failed attempt is recorded with its error
 * and tried again after cfg's back-off; a digest is never skipped. report
 * (may be NULL) hears of each attempt. Returns the number of attempts that
 * failed, or -1 with err set when the database failed. */
int vouch_digest_deliver_due(PGconn *db, const vouch_config_t *cfg, long long digest_id,
                             vouch_digest_report_fn *report, void *arg, vouch_error_t *err);

/* The subscriptions due now, their ids into ids[0..max): how many. -1 on error. */
int vouch_digest_due(PGconn *db, int *ids, int max, vouch_error_t *err);

#endif
