/* policy.h: the rule policy as data (RULES.md's cn-default and jurisdiction
 * profiles): word families, code sets, thresholds, severities, the economic
 * classification table. Loaded from JSON; never changed once loaded. */
#ifndef VOUCH_POLICY_H
#define VOUCH_POLICY_H

#include <jansson.h>
#include <stdbool.h>
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

/* ---- What the rules read (all borrowed from the policy, read-only) ----
 * Every word and name is stored folded (vouch_text_fold: NFKC, no white
 * space), so a rule folds a line's text once and compares bytes. */

/* Load a policy file: reads path and calls vouch_policy_new; err->file names
 * path. Returns a new policy or NULL. */
vouch_policy_t *vouch_policy_new_from_file(const char *path, const char *profile,
                                           vouch_error_t *err);

/* The selected profile after "extends" was applied (borrowed): what
 * `vouchctl rules explain` prints. */
const json_t *vouch_policy_json(const vouch_policy_t *self);

/* Whether the profile applies to a fiscal year ("fiscal_years": {from, to}). */
bool vouch_policy_applies_to_year(const vouch_policy_t *self, int year);

/* A list of codes or account prefixes. RULES.md: "lists of codes and accounts
 * match by prefix where a code is shorter (1002 covers 100201)". */
typedef struct {
    const char *const *items;
    size_t n;
} vouch_policy_codes_t;

/* true when code starts with one of list's codes (code "" never matches) */
bool vouch_policy_codes_match(const vouch_policy_codes_t *list, const char *code);

/* A set of folded words, sorted by bytes so the longest word starting at a
 * position is found without trying every word. tag is the owner's: an index
 * into the indicator terms, or 0. */
typedef struct {
    const char *text; /* folded */
    size_t len;       /* bytes */
    int tag;
} vouch_policy_word_t;

typedef struct {
    const vouch_policy_word_t *items;
    size_t n;
} vouch_policy_words_t;

/* Index of the longest word of set that s[0..len) starts with, or -1. */
int vouch_policy_words_at(const vouch_policy_words_t *set, const char *s, size_t len);
/* Index of the word equal to s (already folded), or -1. */
int vouch_policy_words_find(const vouch_policy_words_t *set, const char *s);

typedef enum {
    VOUCH_POLICY_SANGONG_CODES,     /* 30212, 30217, 30231, 30913, 31013 */
    VOUCH_POLICY_PROCUREMENT_SCOPE, /* procurement.scope_codes */
    VOUCH_POLICY_PAYMENT_OUT,       /* accounts.payment_out_prefixes */
    VOUCH_POLICY_FINANCIAL_EXPENSE, /* accounts.financial_expense_prefixes */
    VOUCH_POLICY_BUDGET_EXPENSE,    /* accounts.budget_expense_prefixes */
    VOUCH_POLICY_APPROVAL_CODES,    /* RETROACTIVE_APPROVAL.codes */
    VOUCH_POLICY_CODES_COUNT
} vouch_policy_codes_id_t;

typedef enum {
    VOUCH_POLICY_ORG_CONTAINS,   /* organisation_markers.contains */
    VOUCH_POLICY_ORG_ENDS_WITH,  /* organisation_markers.ends_with */
    VOUCH_POLICY_GOV_METHODS,    /* procurement.government_methods */
    VOUCH_POLICY_EMALL_CHANNELS, /* procurement.emall_channels */
    VOUCH_POLICY_NAME_IGNORE,    /* PAYEE_MISMATCH.ignore_chars */
    VOUCH_POLICY_STALE_KINDS,    /* STALE_DOCUMENT.document_kinds */
    VOUCH_POLICY_SIGNED_KINDS,   /* MISSING_DOCUMENT.signed_document_kinds */
    VOUCH_POLICY_WORDS_COUNT
} vouch_policy_words_id_t;

const vouch_policy_codes_t *vouch_policy_codes(const vouch_policy_t *self,
                                               vouch_policy_codes_id_t id);
const vouch_policy_words_t *vouch_policy_words(const vouch_policy_t *self,
                                               vouch_policy_words_id_t id);

/* thresholds */
int64_t vouch_policy_emall_floor(const vouch_policy_t *self); /* fen */
int64_t vouch_policy_gov_limit(const vouch_policy_t *self);   /* fen */
int vouch_policy_stale_days(const vouch_policy_t *self);
int vouch_policy_max_person_name(const vouch_policy_t *self); /* characters */
bool vouch_policy_contract_needs_approval(const vouch_policy_t *self);

/* ---- The economic classification (部门预算支出经济分类科目) ----
 * Versioned by fiscal year: each edition of the table carries the years it
 * applies to, and a line is read against the edition of its fiscal year. */
typedef struct vouch_policy_econ_t vouch_policy_econ_t;

/* The edition that applies to fiscal_year (borrowed), or NULL when none does:
 * then no code has a name and no indicator names a category. */
const vouch_policy_econ_t *vouch_policy_econ(const vouch_policy_t *self, int fiscal_year);
/* The edition's key in the policy ("2018") and its title; NULL for NULL. */
const char *vouch_policy_econ_edition(const vouch_policy_econ_t *econ);
const char *vouch_policy_econ_title(const vouch_policy_econ_t *econ);

/* The name of an economic code as the edition writes it ("公务接待费"), or
 * NULL when the edition does not hold the code (or econ is NULL). */
const char *vouch_policy_econ_name(const vouch_policy_econ_t *econ, const char *code);
/* true when code (all digits) is a code of the edition */
bool vouch_policy_econ_known(const vouch_policy_econ_t *econ, const char *code);
/* The edition's own copy of code (it lives as long as the policy), or NULL. */
const char *vouch_policy_econ_code(const vouch_policy_econ_t *econ, const char *code);

/* What a budget indicator may contain: the names of the edition (a name
 * shared by several codes names them all), the class names (name no
 * category) and the general names (公用经费...). vouch_policy_indicator_words'
 * tags index vouch_policy_indicator_term. An empty set for NULL. */
typedef enum {
    VOUCH_POLICY_TERM_CATEGORY,
    VOUCH_POLICY_TERM_CLASS,
    VOUCH_POLICY_TERM_GENERAL
} vouch_policy_term_kind_t;

typedef struct {
    vouch_policy_term_kind_t kind;
    const char *name;         /* as the policy writes it */
    const char *const *codes; /* CATEGORY: the codes the name names */
    size_t ncodes;
} vouch_policy_term_t;

const vouch_policy_words_t *vouch_policy_indicator_words(const vouch_policy_econ_t *econ);
const vouch_policy_term_t *vouch_policy_indicator_term(const vouch_policy_econ_t *econ, int tag);

/* MISCLASS_EXPENSE's word families, in the policy's order (at most
 * VOUCH_POLICY_MAX_FAMILIES, so a rule can keep per-family state on the stack). */
#define VOUCH_POLICY_MAX_FAMILIES 32

typedef struct {
    const char *word;    /* folded, e.g. 车 */
    const char *context; /* folded, e.g. 火车 */
    size_t offset;       /* where word sits in context, bytes */
} vouch_policy_not_inside_t;

typedef struct {
    const char *name;                     /* "venue" */
    const char *label_zh;                 /* 场地租赁 */
    const char *label_en;                 /* a venue rental */
    vouch_policy_words_t words;           /* any one of them names the family */
    const vouch_policy_words_t *together; /* or a word of every one of these */
    size_t ntogether;
    const vouch_policy_not_inside_t *not_inside;
    size_t nnot_inside;
    const size_t *unless; /* family indices: this family yields to them */
    size_t nunless;
    vouch_policy_codes_t codes;
    bool codes_allowed;         /* true: fires outside codes; false: fires inside */
    const char *suggested_code; /* NULL when the policy names none */
} vouch_policy_family_t;

const vouch_policy_family_t *vouch_policy_families(const vouch_policy_t *self, size_t *n);

/* A rule's entry: version, severity, whether it runs. */
typedef struct {
    const char *id;
    int version;
    const char *severity; /* high, medium, low */
    bool enabled;
} vouch_policy_rule_t;

/* The rule's entry, or NULL when the policy does not define it. */
const vouch_policy_rule_t *vouch_policy_rule(const vouch_policy_t *self, const char *id);

/* A message template of a rule ("{name}" placeholders, checked at load
 * against the names the rule fills in); lang "zh" or "en". NULL when absent. */
const char *vouch_policy_message(const vouch_policy_t *self, const char *rule, const char *variant,
                                 const char *lang);

#endif
