/* policy_set.h: the profiles a configuration puts to work, loaded together
 * from one policy document: the default (policy_profile) and each org's
 * (vouch.conf's profile.<org> lines), and the choice of the one an org's
 * ledger of a fiscal year runs under. vouchd chooses with it when it sends a
 * batch; vouchctl with it when it reports or explains for an org. */
#ifndef VOUCH_POLICY_SET_H
#define VOUCH_POLICY_SET_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "policy.h"

typedef struct vouch_policy_set_t vouch_policy_set_t;

/* Load from a policy document's bytes every profile cfg names (borrowed; the
 * org lines are copied). Returns a new set, or NULL with err naming the
 * profile that does not load and the line of vouch.conf that names it. */
vouch_policy_set_t *vouch_policy_set_new(const char *bytes, size_t len, const vouch_config_t *cfg,
                                         vouch_error_t *err);
/* The same from a file (err->file names it). */
vouch_policy_set_t *vouch_policy_set_new_from_file(const char *path, const vouch_config_t *cfg,
                                                   vouch_error_t *err);
void vouch_policy_set_destroy(vouch_policy_set_t **self_p);

/* The profile of policy_profile (borrowed). */
const vouch_policy_t *vouch_policy_set_default(const vouch_policy_set_t *self);

/* The profile the org's ledgers of fiscal year run under (borrowed): the first
 * of the org's profile.<org> list whose fiscal_years hold year; the default
 * when none does, or the org has no line. year 0: the first of the list. */
const vouch_policy_t *vouch_policy_set_for(const vouch_policy_set_t *self, const char *org,
                                           int year);

/* The profile of that name if the set holds it (borrowed), else NULL. */
const vouch_policy_t *vouch_policy_set_get(const vouch_policy_set_t *self, const char *profile);

/* "profile.A = x, profile.B = y" (the org lines in force) into out[size]; "" when none. */
const char *vouch_policy_set_describe(const vouch_policy_set_t *self, char *out, size_t size);

#endif
