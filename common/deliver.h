/* deliver.h: handing a digest over, one attempt a call: three files in a
 * folder, an HTTP POST to a webhook (plain JSON, 企业微信 or 钉钉 group robot),
 * or a mail through SMTP. Retrying is the caller's: every payload carries the
 * digest id, so a receiver can drop a repeat. */
#ifndef VOUCH_DELIVER_H
#define VOUCH_DELIVER_H

#include "error.h"

typedef enum { VOUCH_DELIVER_DIR, VOUCH_DELIVER_WEBHOOK, VOUCH_DELIVER_MAIL } vouch_deliver_kind_t;

typedef enum {
    VOUCH_WEBHOOK_JSON,    /* the json text as is */
    VOUCH_WEBHOOK_WECOM,   /* 企业微信 group robot: markdown message */
    VOUCH_WEBHOOK_DINGTALK /* 钉钉 group robot: markdown message */
} vouch_webhook_format_t;

/* Every pointer is borrowed for the length of the call. */
typedef struct {
    vouch_deliver_kind_t kind;
    const char *target; /* folder path, webhook URL, or mail address */
    vouch_webhook_format_t webhook_format;
    /* e.g. "vouch-digest-42": letters, digits, '.', '_', '-', at most 128,
     * starting and ending with a letter or digit (it becomes file names and
     * mail headers) */
    const char *digest_id;
    const char *subject;  /* one line: mail subject, 钉钉 title */
    const char *markdown; /* the digest as Markdown (UTF-8) */
    const char *html;     /* as a whole HTML document */
    const char *json;     /* as JSON text (an object) */
    const char *mail_from;
    const char *smtp_url;                  /* smtp://127.0.0.1:2525 or smtps://host:465 */
    const char *smtp_user, *smtp_password; /* may be NULL; never put in an error */
    long timeout_s;                        /* per attempt; 0 (or less) means 30 */
} vouch_delivery_t;

/* One attempt. 0 on success; -1 with err->text saying what failed (the HTTP
 * status and the first 200 bytes of the reply, curl's error, the SMTP
 * server's refusal). Errors name a URL by scheme, host, port and path
 * only: never its query, user or password.
 *
 * DIR writes DIGEST_ID.md, .html and .json into the folder (which must
 * exist), each through a temporary file, fsync and rename, mode 0640; the
 * same id again replaces them. WEBHOOK posts JSON; a 2xx is success, and a
 * robot's reply must also carry errcode 0 when it is JSON; redirects are not
 * followed. MAIL sends multipart/alternative (markdown as text/plain, html)
 * with Message-ID <DIGEST_ID@vouch>; smtps:// is TLS from the start, and
 * smtp:// with a user to a host other than loopback requires STARTTLS.
 *
 * Thread-safe: each call has its own curl handle, and curl_global_init runs
 * once (pthread_once) on the first webhook or mail. */
int vouch_deliver(const vouch_delivery_t *d, vouch_error_t *err);

/* The format a webhook URL implies: host qyapi.weixin.qq.com -> WECOM,
 * oapi.dingtalk.com -> DINGTALK, anything else JSON. */
vouch_webhook_format_t vouch_webhook_format_guess(const char *url);

/* "json" | "wecom" | "dingtalk" as a vouch_webhook_format_t; -1 if none. */
int vouch_webhook_format_parse(const char *name);

#endif
