/* policy_set.c: every profile vouch.conf names, loaded once from the same
 * bytes (so they share one policy version), and the per-org choice. A profile
 * named twice is loaded once. */
#include "policy_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "file.h"
#include "text.h"

#define S_MAX_POLICY_BYTES (16u << 20)

typedef struct {
    char *key;       /* the org, folded */
    char *org;       /* as vouch.conf wrote it */
    char *profiles;  /* "a,b", as vouch.conf wrote it */
    size_t *indices; /* into policies, in the list's order */
    size_t n;
} s_org_t;

struct vouch_policy_set_t {
    vouch_policy_t **policies; /* [0] the default */
    size_t npolicies;
    s_org_t *orgs;
    size_t norgs;
};

/* The index of profile in self->policies, loading it when new; -1 with err. */
static long s_load(vouch_policy_set_t *self, const char *bytes, size_t len, const char *profile,
                   vouch_error_t *err)
{
    for (size_t i = 0; i < self->npolicies; i++)
        if (strcmp(vouch_policy_profile(self->policies[i]), profile) == 0)
            return (long)i;
    vouch_policy_t *p = vouch_policy_new(bytes, len, profile, err);
    if (!p)
        return -1;
    self->policies = vouch_realloc(self->policies, (self->npolicies + 1) * sizeof *self->policies);
    self->policies[self->npolicies++] = p;
    return (long)self->npolicies - 1;
}

vouch_policy_set_t *vouch_policy_set_new(const char *bytes, size_t len, const vouch_config_t *cfg,
                                         vouch_error_t *err)
{
    vouch_policy_set_t *self = vouch_calloc(1, sizeof *self);
    if (s_load(self, bytes, len, cfg->policy_profile, err) < 0)
        goto fail;
    self->orgs = vouch_calloc(cfg->norg_profiles ? cfg->norg_profiles : 1, sizeof *self->orgs);
    for (size_t i = 0; i < cfg->norg_profiles; i++) {
        const vouch_config_org_profile_t *op = &cfg->org_profiles[i];
        s_org_t *o = &self->orgs[self->norgs++];
        o->key = vouch_strdup(op->key);
        o->org = vouch_strdup(op->org);
        o->profiles = vouch_strdup(op->profiles);
        char *list = vouch_strdup(op->profiles), *save = NULL;
        o->indices = vouch_calloc(strlen(list) + 1, sizeof *o->indices);
        for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
            long k = s_load(self, bytes, len, name, err);
            if (k < 0) {
                /* say which line of vouch.conf asked for it */
                char reason[sizeof err->text];
                snprintf(reason, sizeof reason, "%s", err->text);
                vouch_error_set(err, "vouch.conf profile.%s names %s: %s", op->org, name, reason);
                free(list);
                goto fail;
            }
            o->indices[o->n++] = (size_t)k;
        }
        free(list);
    }
    return self;
fail:
    vouch_policy_set_destroy(&self);
    return NULL;
}

vouch_policy_set_t *vouch_policy_set_new_from_file(const char *path, const vouch_config_t *cfg,
                                                   vouch_error_t *err)
{
    size_t len;
    char *bytes = vouch_file_read(path, S_MAX_POLICY_BYTES, &len, err);
    vouch_policy_set_t *self = bytes ? vouch_policy_set_new(bytes, len, cfg, err) : NULL;
    if (!self)
        snprintf(err->file, sizeof err->file, "%s", path);
    free(bytes);
    return self;
}

void vouch_policy_set_destroy(vouch_policy_set_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_policy_set_t *self = *self_p;
    for (size_t i = 0; i < self->npolicies; i++)
        vouch_policy_destroy(&self->policies[i]);
    free(self->policies);
    for (size_t i = 0; i < self->norgs; i++) {
        free(self->orgs[i].key);
        free(self->orgs[i].org);
        free(self->orgs[i].profiles);
        free(self->orgs[i].indices);
    }
    free(self->orgs);
    free(self);
    *self_p = NULL;
}

const vouch_policy_t *vouch_policy_set_default(const vouch_policy_set_t *self)
{
    return self->policies[0];
}

const vouch_policy_t *vouch_policy_set_for(const vouch_policy_set_t *self, const char *org,
                                           int year)
{
    if (self->norgs == 0 || !org)
        return self->policies[0];
    char *key = vouch_text_fold(org);
    const s_org_t *o = NULL;
    for (size_t i = 0; key && i < self->norgs && !o; i++)
        if (strcmp(self->orgs[i].key, key) == 0)
            o = &self->orgs[i];
    free(key);
    for (size_t i = 0; o && i < o->n; i++) {
        const vouch_policy_t *p = self->policies[o->indices[i]];
        if (year == 0 || vouch_policy_applies_to_year(p, year))
            return p;
    }
    return self->policies[0];
}

const vouch_policy_t *vouch_policy_set_get(const vouch_policy_set_t *self, const char *profile)
{
    for (size_t i = 0; i < self->npolicies; i++)
        if (strcmp(vouch_policy_profile(self->policies[i]), profile) == 0)
            return self->policies[i];
    return NULL;
}

const char *vouch_policy_set_describe(const vouch_policy_set_t *self, char *out, size_t size)
{
    size_t used = 0;
    if (size)
        out[0] = '\0';
    for (size_t i = 0; i < self->norgs && used < size; i++) {
        int w = snprintf(out + used, size - used, "%sprofile.%s = %s", i ? ", " : "",
                         self->orgs[i].org, self->orgs[i].profiles);
        used += w < 0 ? 0 : (size_t)w;
    }
    return out;
}
