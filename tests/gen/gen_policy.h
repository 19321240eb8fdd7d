/* gen_policy.h: every word, code and threshold of the policy (cn-default) the
 * generator plants findings and decoys with, as one table. The generator
 * never reads the policy to decide what is true: it writes what RULES.md
 * says is true of these words. vouch_gen_policy_check() compares the table
 * with a policy file, so a policy change shows up as a named difference to
 * follow here, rather than as a recall drop nobody can explain. */
#ifndef VOUCH_GEN_POLICY_H
#define VOUCH_GEN_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    const char *const *items;
    size_t n;
} vouch_gen_words_t;

typedef struct {
    const char *code;
    const char *name;
} vouch_gen_econ_t;

typedef struct {
    /* MISCLASS_EXPENSE families */
    vouch_gen_words_t venue_words, venue_places, venue_rents, venue_forbidden;
    vouch_gen_words_t training_words, training_forbidden;
    vouch_gen_words_t vehicle_words, vehicle_car, vehicle_acts, vehicle_not_inside, vehicle_allowed;
    vouch_gen_words_t travel_words, travel_forbidden;
    /* INDICATOR_MISMATCH */
    vouch_gen_words_t general_names, sangong;
    /* PAYEE_MISMATCH */
    vouch_gen_words_t org_contains, org_ends, name_ignore;
    int max_person_name;
    /* PROCUREMENT_BYPASS, SPLIT_PURCHASE */
    vouch_gen_words_t scope, gov_methods, emall_channels;
    vouch_gen_words_t non_channels; /* RULES.md: "anything else is no channel" */
    int64_t emall_floor, gov_limit; /* fen */
    int split_days;
    /* RETROACTIVE_APPROVAL */
    vouch_gen_words_t approval_codes;
    /* STALE_DOCUMENT, MISSING_DOCUMENT */
    vouch_gen_words_t stale_kinds, other_kinds, signed_kinds;
    int stale_days;
    /* DUPLICATE_PAYMENT */
    int duplicate_days;
    /* which accounts pay out, which are expenses */
    vouch_gen_words_t pay_out, financial_expense, budget_expense;
    /* the economic codes the generator books, with their names */
    const vouch_gen_econ_t *econ;
    size_t necon;
} vouch_gen_policy_t;

extern const vouch_gen_policy_t vouch_gen_policy;

/* The name of code in the table, or NULL (a code the generator never books). */
const char *vouch_gen_econ_name(const char *code);

/* Compare the table with profile (NULL: cn-default) of the policy file at
 * path, following "extends"; the economic codes with the edition of the
 * classification that applies to year. Each difference is written to report
 * as a line naming the policy key and the word. Returns the number of
 * differences, or -1 when the file cannot be read (the reason written to
 * report). */
int vouch_gen_policy_check(const char *path, const char *profile, int year, FILE *report);

#endif
