/* gen_voucher.h: one voucher as the generator builds it before it is written:
 * its lines in both books (平行记账), its documents, and the marks that say
 * which rule must flag which line (a planted finding) or must not (a decoy). */
#ifndef VOUCH_GEN_VOUCHER_H
#define VOUCH_GEN_VOUCHER_H

#include <stddef.h>
#include <stdint.h>

#include "gen_org.h"

#define VOUCH_GEN_MAX_LINES 20
#define VOUCH_GEN_MAX_DOCS 8
#define VOUCH_GEN_MAX_MARKS 16
#define VOUCH_GEN_DOC_NUMBER 72
#define VOUCH_GEN_BLANK (-1) /* an attachments cell left blank */

/* which outputs a mark holds for: JSON documents exist only in JSON Lines */
enum { VOUCH_GEN_CSV = 1, VOUCH_GEN_JSONL = 2, VOUCH_GEN_ANY = 3 };

typedef struct {
    char summary[160];
    const char *account_code, *account_name;
    char econ[8];
    const char *func_code;
    int64_t debit, credit; /* fen */
    char indicator[96];
    const char *department;
    char project[64];
    char claimant[VOUCH_GEN_NAME + 8];
    char payee[96];
    char payee_account[32];
    const char *payment_method;
    char channel[48]; /* 采购方式 */
    char contract_no[40];
    char invoice_no[72];    /* 20 full-width digits take 60 bytes */
    char business_date[48]; /* cells as written: a date, several, or another format */
    char approval_date[48];
    char document_dates[96];
    int attachments; /* VOUCH_GEN_BLANK or a count */
} vouch_gen_line_t;

typedef struct {
    const char *kind;
    char number[VOUCH_GEN_DOC_NUMBER];
    int32_t date; /* VOUCH_DATE_NONE: "date" left out */
    int signed_;  /* 1 true, 0 false, -1 the key left out */
} vouch_gen_doc_t;

typedef struct {
    const char *rule;
    int line;    /* index into lines; -1: the voucher (written as line 1) */
    int formats; /* VOUCH_GEN_CSV, VOUCH_GEN_JSONL or both */
    int decoy;   /* 1: the rule must not flag it */
    char what[120];
} vouch_gen_mark_t;

/* how a voucher settles: which accounts it credits */
typedef enum {
    VOUCH_GEN_PAY_ZBA,     /* 1011 零余额账户用款额度 / 800101 */
    VOUCH_GEN_PAY_BANK,    /* 100201 银行存款 / 800102 */
    VOUCH_GEN_PAY_CASH,    /* 1001 库存现金 / 800102 */
    VOUCH_GEN_PAY_DIRECT,  /* 4001 财政拨款收入 / 6001 (财政直接支付) */
    VOUCH_GEN_ACCRUE,      /* 2201 / 2307: pays nothing out, no budget lines */
    VOUCH_GEN_BUDGET_ONLY, /* only the budget book: 7xxx / 800101 */
} vouch_gen_settle_t;

typedef struct {
    int32_t date;
    int order;   /* creation order: vouchers of one day are numbered in it */
    int skip;    /* numbers left out just before this one (SEQUENCE_GAP) */
    int paying;  /* set by settle: it credits a payment account */
    int grouped; /* amounts written 1,234.00 (some exports do) */
    int attachments;
    char preparer[VOUCH_GEN_NAME + 8], reviewer[VOUCH_GEN_NAME + 8];
    vouch_gen_line_t lines[VOUCH_GEN_MAX_LINES];
    size_t n;
    size_t nexpense; /* financial (or budget-only) expense lines, first in lines */
    int twins_at;    /* index of the first budget twin, or -1 */
    vouch_gen_doc_t docs[VOUCH_GEN_MAX_DOCS];
    size_t ndocs;
    vouch_gen_mark_t marks[VOUCH_GEN_MAX_MARKS];
    size_t nmarks;
} vouch_gen_voucher_t;

/* Start an empty voucher of org dated date (days), prepared and reviewed by
 * the unit's finance office. */
void vouch_gen_voucher_begin(vouch_gen_voucher_t *v, const vouch_gen_org_t *org,
                             vouch_gen_rng_t *rng, int32_t date);

/* Add an expense line (5001 业务活动费用) of amount fen under econ, with
 * nothing else filled: the caller fills what the line needs. Expense lines
 * come before settle. Returns the line, which stays valid with the voucher. */
vouch_gen_line_t *vouch_gen_voucher_expense(vouch_gen_voucher_t *v, const vouch_gen_org_t *org,
                                            const char *summary, const char *econ, int64_t fen);

/* Close the voucher: the credit lines of the financial book, then each
 * expense line's budget twin (same economic code and amount) and the budget
 * credit, as government units book them; attachments on every line. */
void vouch_gen_voucher_settle(vouch_gen_voucher_t *v, const vouch_gen_org_t *org,
                              vouch_gen_settle_t how);

/* Add a line of any account after settle (a liability paid off, a
 * depreciation): nothing but summary, account and amounts. */
vouch_gen_line_t *vouch_gen_voucher_other(vouch_gen_voucher_t *v, const char *summary,
                                          const char *code, const char *name, int64_t debit,
                                          int64_t credit);

/* a document of the voucher (JSON Lines only) */
vouch_gen_doc_t *vouch_gen_voucher_doc(vouch_gen_voucher_t *v, const char *kind, int32_t date,
                                       int signed_);

/* mark line (index, or -1 for the voucher) as a finding of rule, or with
 * decoy as a place rule must leave alone; what says which case it is */
void vouch_gen_voucher_mark(vouch_gen_voucher_t *v, const char *rule, int line, int formats,
                            int decoy, const char *what);

/* the index of the budget twin of expense line i, or -1 */
int vouch_gen_voucher_twin(const vouch_gen_voucher_t *v, int i);

#endif
