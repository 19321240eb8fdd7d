/* deliver_internal.h: the pieces of deliver.c that build what is sent,
 * exposed so tests/unit/test_deliver.c can check them without a network. */
#ifndef VOUCH_DELIVER_INTERNAL_H
#define VOUCH_DELIVER_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include "deliver.h"

/* the robots' limits on a markdown message, in bytes */
#define VOUCH_DELIVER_WECOM_LIMIT 4096
#define VOUCH_DELIVER_DINGTALK_LIMIT 20000

/* text (UTF-8) as is when it fits in limit bytes; else cut between
 * characters, at a line break when one is near, and ended by a line saying
 * it was cut and naming digest_id, all in at most limit bytes. New string. */
char *vouch_deliver_cut(const char *text, size_t limit, const char *digest_id);

/* The body d's webhook format posts (new string), or NULL with err. */
char *vouch_deliver_webhook_body(const vouch_delivery_t *d, vouch_error_t *err);

/* The whole mail message, CRLF line ends, dated now (new string), or NULL
 * with err when an address, the subject or a body is missing or unfit. */
char *vouch_deliver_mime(const vouch_delivery_t *d, time_t now, vouch_error_t *err);

#endif
