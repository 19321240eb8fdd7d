/* voucher.h: the voucher line, as every part of vouch sees it once a file has
 * been read: text fields by canonical name, amounts in fen, dates as days. */
#ifndef VOUCH_VOUCHER_H
#define VOUCH_VOUCHER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Text fields of a line, in wire and storage order. Append new ones before
 * VOUCH_T_COUNT only: the wire format and the lines table follow this order. */
typedef enum {
    VOUCH_T_ORG,
    VOUCH_T_VOUCHER_WORD, /* 记, 银付; "" when the file has none */
    VOUCH_T_VOUCHER_RAW,  /* the voucher number cell(s) as written */
    VOUCH_T_SRC_LINE_NO,  /* the file's own line number, as written */
    VOUCH_T_SUMMARY,
    VOUCH_T_ACCOUNT_CODE,
    VOUCH_T_ACCOUNT_NAME,
    VOUCH_T_FUNC_CODE,
    VOUCH_T_ECON_CODE,
    VOUCH_T_INDICATOR,
    VOUCH_T_DEPARTMENT,
    VOUCH_T_PROJECT,
    VOUCH_T_CLAIMANT,
    VOUCH_T_PAYEE,
    VOUCH_T_PAYEE_ACCOUNT,
    VOUCH_T_PAYMENT_METHOD,
    VOUCH_T_PROCUREMENT_METHOD,
    VOUCH_T_CONTRACT_NO,
    VOUCH_T_INVOICE_NO,
    VOUCH_T_DOCUMENT_DATES, /* normalised: "2021-12-08;2022-04-12", "" when blank */
    VOUCH_T_PREPARER,
    VOUCH_T_DOCUMENTS, /* the voucher's documents as a JSON array, on its first
                          line only ("" elsewhere, and for exports without them) */
    VOUCH_T_REVIEWER,  /* 审核人: who reviewed the voucher */
    VOUCH_T_COUNT
} vouch_text_field_t;

/* canonical names: "org", "voucher_word", ..., as in VOUCHER-FORMAT.md */
extern const char *const vouch_text_field_names[VOUCH_T_COUNT];

/* Integer fields that may be absent use these. */
#define VOUCH_ATTACH_UNKNOWN (-1)

typedef struct {
    int64_t seq;           /* 1-based, file order within the ledger */
    int64_t debit;         /* fen */
    int64_t credit;        /* fen */
    int32_t file_line;     /* physical line of the source file the row starts on */
    int32_t voucher_date;  /* days; never VOUCH_DATE_NONE for a stored line */
    int32_t business_date; /* earliest date of the cell, or VOUCH_DATE_NONE */
    int32_t approval_date; /* earliest date of the cell, or VOUCH_DATE_NONE */
    int32_t voucher_no;    /* the number part: 23 of 记-23 */
    int32_t line_no;       /* renumbered 1, 2, ... within the voucher */
    int32_t attachments;   /* VOUCH_ATTACH_UNKNOWN when blank */
    int16_t fiscal_year;
    int16_t period; /* 1..16 */
    /* Borrowed: never NULL, "" when absent. Who owns the bytes depends on who
     * filled the struct (the parser's row buffer, or a decoded wire message). */
    const char *text[VOUCH_T_COUNT];
} vouch_line_t;

/* Parse a voucher number cell: "记-23", "记字第23号", "记--0001", "银付-0001",
 * " 12", "23". The word goes to word (at most wordsz-1 bytes, "" when none) and
 * the number to *number. Returns 0, or -1 when there is no number. */
int vouch_voucher_no_parse(const char *text, char *word, size_t wordsz, int32_t *number);

/* A voucher word cell (凭证字: "记", "记字", " 银付 ") with the same decorations
 * stripped as vouch_voucher_no_parse strips, into word (at most wordsz-1 bytes,
 * whole characters only). Returns word. */
char *vouch_voucher_word_clean(const char *text, char *word, size_t wordsz);

/* "记-23", or "23" when the word is blank, into out. Returns out. */
char *vouch_voucher_no_format(const char *word, int32_t number, char *out, size_t size);

/* true when the account code is an expense account of either book:
 * 5xxx (financial) or 7xxx (budget) */
int vouch_account_is_financial_expense(const char *code);
int vouch_account_is_budget_expense(const char *code);

#endif
