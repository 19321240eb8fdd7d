/* voucher.c: the canonical names of a line's text fields, voucher number
 * cells ("记-23", "记字第23号", " 12") split into word and number, and the
 * account-code tests the rules share. */
#include "voucher.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const char *const vouch_text_field_names[VOUCH_T_COUNT] = {
    [VOUCH_T_ORG] = "org",
    [VOUCH_T_VOUCHER_WORD] = "voucher_word",
    [VOUCH_T_VOUCHER_RAW] = "voucher_raw",
    [VOUCH_T_SRC_LINE_NO] = "src_line_no",
    [VOUCH_T_SUMMARY] = "summary",
    [VOUCH_T_ACCOUNT_CODE] = "account_code",
    [VOUCH_T_ACCOUNT_NAME] = "account_name",
    [VOUCH_T_FUNC_CODE] = "func_code",
    [VOUCH_T_ECON_CODE] = "econ_code",
    [VOUCH_T_INDICATOR] = "indicator",
    [VOUCH_T_DEPARTMENT] = "department",
    [VOUCH_T_PROJECT] = "project",
    [VOUCH_T_CLAIMANT] = "claimant",
    [VOUCH_T_PAYEE] = "payee",
    [VOUCH_T_PAYEE_ACCOUNT] = "payee_account",
    [VOUCH_T_PAYMENT_METHOD] = "payment_method",
    [VOUCH_T_PROCUREMENT_METHOD] = "procurement_method",
    [VOUCH_T_CONTRACT_NO] = "contract_no",
    [VOUCH_T_INVOICE_NO] = "invoice_no",
    [VOUCH_T_DOCUMENT_DATES] = "document_dates",
    [VOUCH_T_PREPARER] = "preparer",
    [VOUCH_T_DOCUMENTS] = "documents",
    [VOUCH_T_REVIEWER] = "reviewer",
};

/* Characters that decorate a voucher number without being part of its word:
 * 记字第23号 is word 记, number 23. Dashes of every width, since exports and
 * hand-typed cells use all of them. */
static const char *const s_decorations[] = {
    "字",
    "第",
    "号",
    "-",
    "\xef\xbc\x8d" /* － */,
    "\xe2\x80\x93" /* – */,
    "\xe2\x80\x94" /* — */,
    "_",
    "#",
    " ",
    "\t",
    "\xe3\x80\x80" /* U+3000 */,
    "\xc2\xa0" /* U+00A0 */,
};

/* Length of the UTF-8 character at s (1 for a stray byte). */
static size_t s_char_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 1;
    return n;
}

/* The digit at s (ASCII or full-width), or -1. */
static int s_digit(const unsigned char *s, size_t clen)
{
    if (clen == 1 && s[0] >= '0' && s[0] <= '9')
        return s[0] - '0';
    /* U+FF10..U+FF19: EF BC 90..99, for a caller that skipped NFKC */
    if (clen == 3 && s[0] == 0xef && s[1] == 0xbc && s[2] >= 0x90 && s[2] <= 0x99)
        return s[2] - 0x90;
    return -1;
}

static bool s_decoration(const unsigned char *s, size_t clen)
{
    /* the first byte first: this runs for every character of every number */
    for (size_t i = 0; i < sizeof s_decorations / sizeof s_decorations[0]; i++)
        if ((unsigned char)s_decorations[i][0] == s[0] && strlen(s_decorations[i]) == clen &&
            memcmp(s, s_decorations[i], clen) == 0)
            return true;
    return false;
}

int vouch_voucher_no_parse(const char *text, char *word, size_t wordsz, int32_t *number)
{
    size_t wlen = 0;
    bool word_full = false;
    if (word && wordsz)
        word[0] = '\0';
    if (!text || !number)
        return -1;

    const unsigned char *p = (const unsigned char *)text;
    int64_t value = 0;
    int runs = 0; /* runs of digits seen */
    bool in_digits = false;
    while (*p) {
        size_t clen = s_char_len(p);
        int d = s_digit(p, clen);
        if (d >= 0) {
            if (!in_digits)
                runs++;
            in_digits = true;
            value = value * 10 + d;
            if (value > INT32_MAX)
                return -1;
        } else {
            in_digits = false;
            if (!s_decoration(p, clen) && word && wordsz && !word_full) {
                /* keep whole characters only: a cut 银 would be invalid UTF-8 */
                if (wlen + clen < wordsz) {
                    memcpy(word + wlen, p, clen);
                    wlen += clen;
                    word[wlen] = '\0';
                } else {
                    word_full = true;
                }
            }
        }
        /* never step over the terminating NUL of a truncated sequence */
        for (size_t i = 0; i < clen && *p; i++)
            p++;
    }
    /* "记-23-1" holds two numbers: refusing it beats guessing which is the
     * voucher's, since a wrong guess would merge two vouchers */
    if (runs != 1)
        return -1;
    *number = (int32_t)value;
    return 0;
}

char *vouch_voucher_word_clean(const char *text, char *word, size_t wordsz)
{
    if (!word || wordsz == 0)
        return word;
    word[0] = '\0';
    if (!text)
        return word;
    size_t wlen = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        size_t clen = s_char_len(p);
        if (!s_decoration(p, clen)) {
            if (wlen + clen >= wordsz)
                break;
            memcpy(word + wlen, p, clen);
            wlen += clen;
            word[wlen] = '\0';
        }
        for (size_t i = 0; i < clen && *p; i++)
            p++;
    }
    return word;
}

char *vouch_voucher_no_format(const char *word, int32_t number, char *out, size_t size)
{
    if (!out || size == 0)
        return out;
    if (word && word[0])
        snprintf(out, size, "%s-%d", word, (int)number);
    else
        snprintf(out, size, "%d", (int)number);
    return out;
}

int vouch_account_is_financial_expense(const char *code)
{
    return code && code[0] == '5';
}

int vouch_account_is_budget_expense(const char *code)
{
    return code && code[0] == '7';
}
