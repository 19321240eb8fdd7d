/* rules_catalog.h: every rule vouch knows of, wherever it runs: the per-line
 * rules of the workers (rules.c's table), the cross-voucher rules vouchd runs in
 * SQL and the checks made at ingest; for each, the columns it needs and the
 * parts of a policy profile it reads beside its own entry. What `vouchctl rules
 * list` and `rules explain` print beside the policy's own data. */
#ifndef VOUCH_RULES_CATALOG_H
#define VOUCH_RULES_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    VOUCH_RULES_AT_WORKER, /* per line, in vouch-worker */
    VOUCH_RULES_AT_SQL,    /* across vouchers and ledgers, vouchd in PostgreSQL */
    VOUCH_RULES_AT_INGEST  /* while vouchd stores a file */
} vouch_rules_at_t;

#define VOUCH_RULES_CATALOG_MAX_NEEDS 8

typedef struct {
    const char *id;
    vouch_rules_at_t at;
    /* Whether this build runs it: for worker rules, rules.c's table says
     * (vouch_rules_version); for the others, the entry's own flag. */
    bool built;
    int build_version; /* the RULES.md row this build implements; 0 when not built */
    /* The columns it needs, as people know them ("收款人/payee"), static.
     * Worker rules: from rules.c's coverage table, the engine's own included. */
    const char *needs[VOUCH_RULES_CATALOG_MAX_NEEDS];
    size_t nneeds;
    /* Keys of the profile it reads besides rules.<ID> ("thresholds.emall_floor"),
     * space-separated, static. */
    const char *uses;
} vouch_rules_catalog_t;

/* The entry of a rule id into *out; false when vouch knows no rule of that id. */
bool vouch_rules_catalog_get(const char *id, vouch_rules_catalog_t *out);

/* The ids vouch knows of, in RULES.md's order, NULL-terminated. */
extern const char *const vouch_rules_catalog_ids[];

/* "worker", "sql" or "ingest" (JSON); "worker" / "vouchd SQL" / "ingest" for people */
const char *vouch_rules_catalog_at_name(vouch_rules_at_t at);
const char *vouch_rules_catalog_at_label(vouch_rules_at_t at);

#endif
