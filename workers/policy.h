/* policy.h: the rule policy as data (RULES.md's cn-default and jurisdiction
 * profiles): word families, code sets, thresholds, severities, the economic
 * classification table. Loaded from JSON; never changed once loaded. */
#ifndef VOUCH_POLICY_H
#define VOUCH_POLICY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct vouch_policy_t vouch_policy_t;

/* Parse a policy document (the whole file's bytes) and select a profile
 * (NULL = "cn-default"). The version is the first 16 hex digits of the SHA-256
 * of the bytes, so the same bytes are the same version on every host.
 * Returns a new policy or NULL with err filled (naming the JSON line/column or
 * the key that is wrong). */
vouch_policy_t *vouch_policy_new(const char *json_text, size_t len, const char *profile,
                                 vouch_error_t *err);
void vouch_policy_destroy(vouch_policy_t **self_p);

const char *vouch_policy_version(const vouch_policy_t *self); /* borrowed */
const char *vouch_policy_profile(const vouch_policy_t *self); /* borrowed */

/* 16 hex digits of SHA-256 of data into out (17 bytes) */
void vouch_policy_hash(const char *data, size_t len, char out[17]);

#endif
