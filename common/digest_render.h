/* digest_render.h: a supervisors' digest as people read it. The content is
 * the JSON object workers/digest.c builds (see there for its fields); these
 * render it as Markdown (group robots, mail's text part, the outbox) and as a
 * whole HTML document (mail). Bank account numbers are masked before a
 * digest is built, so every rendering and payload shows only "****1234". */
#ifndef VOUCH_DIGEST_RENDER_H
#define VOUCH_DIGEST_RENDER_H

#include <jansson.h>

/* s with every run of 10 or more digits (a bank account, a card) cut to its
 * last four: "6217369593615492997" -> "****2997". New string. */
char *vouch_mask_accounts(const char *s);

/* One line: "vouch 摘要 NAME: 21 new findings, 2,853,644.10 yuan". New string. */
char *vouch_digest_subject(const json_t *content);

/* The digest as Markdown, lists rather than tables (group robots render no
 * tables), ending with the digest's id. New string. */
char *vouch_digest_markdown(const json_t *content);

/* The digest as an HTML document, text escaped. New string. */
char *vouch_digest_html(const json_t *content);

#endif
