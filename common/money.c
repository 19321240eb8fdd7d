/* money.c: amounts as int64 fen. Cells are parsed digit by digit so that no
 * binary fraction ever touches a stored amount; the one door for a double
 * (a bare JSON number) goes through its shortest decimal text first. */
#include "money.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* +-9e16 fen: far above any public budget, far below INT64_MAX, so sums of
 * many lines cannot overflow either. */
#define S_MONEY_MAX 90000000000000000LL

static bool s_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static void s_trim(const char **s, const char **e)
{
    while (*s < *e && s_is_space(**s))
        (*s)++;
    while (*e > *s && s_is_space((*e)[-1]))
        (*e)--;
}

/* Digits, thousands commas and up to two decimals, no sign: s[0..e). */
static int s_parse_unsigned(const char *s, const char *e, int64_t *out)
{
    int64_t v = 0;
    int digits = 0; /* integer digits seen */
    int group = -1; /* digits since the last comma, -1 before any comma */
    const char *p = s;

    for (; p < e && *p != '.'; p++) {
        if (*p >= '0' && *p <= '9') {
            if (v > (S_MONEY_MAX / 100 - (*p - '0')) / 10)
                return -1;
            v = v * 10 + (*p - '0');
            digits++;
            if (group >= 0)
                group++;
        } else if (*p == ',') {
            /* a comma is only ever a thousands separator: "1,23" might be a
             * European decimal comma, so it is refused rather than read as 123 */
            if (digits == 0 || (group < 0 && digits > 3) || (group >= 0 && group != 3))
                return -1;
            group = 0;
        } else {
            return -1;
        }
    }
    if (group >= 0 && group != 3)
        return -1;

    int decimals = 0;
    int64_t frac = 0;
    if (p < e) { /* at the point */
        p++;
        for (; p < e; p++) {
            if (*p < '0' || *p > '9' || decimals == 2)
                return -1;
            frac = frac * 10 + (*p - '0');
            decimals++;
        }
    }
    if (digits == 0 && decimals == 0)
        return -1; /* ".", "" after a sign */
    if (decimals == 1)
        frac *= 10;
    if (v * 100 + frac > S_MONEY_MAX)
        return -1;
    *out = v * 100 + frac;
    return 0;
}

/* A yuan sign before the digits, as some exports and hand-typed sheets
 * write it: ¥ (U+00A5) or the full-width ￥ (U+FFE5), then any spaces. */
static bool s_skip_currency(const char **s, const char *e)
{
    if (e - *s >= 2 && memcmp(*s, "\xc2\xa5", 2) == 0)
        *s += 2;
    else if (e - *s >= 3 && memcmp(*s, "\xef\xbf\xa5", 3) == 0)
        *s += 3;
    else
        return false;
    while (*s < e && **s == ' ')
        (*s)++;
    return true;
}

int vouch_money_parse(const char *text, size_t len, int64_t *fen)
{
    if (!text || !fen)
        return -1;
    const char *s = text, *e = text + len;
    s_trim(&s, &e);
    if (s == e) {
        *fen = 0;
        return 0;
    }

    bool negative = false;
    bool sign = s_skip_currency(&s, e);
    if (*s == '(' && e[-1] == ')') {
        /* accountants write a negative (red-ink) amount in parentheses */
        negative = true;
        s++;
        e--;
        s_trim(&s, &e);
    } else if (*s == '-' || *s == '+') {
        negative = *s == '-';
        s++;
    } else if (e - s >= 3 && memcmp(s, "\xe2\x88\x92", 3) == 0) {
        /* U+2212 MINUS SIGN survives NFKC, and word processors write it */
        negative = true;
        s += 3;
    }

    if (!sign)
        s_skip_currency(&s, e); /* -¥1.00 as well as ¥-1.00 */
    int64_t v;
    if (s_parse_unsigned(s, e, &v) != 0)
        return -1;
    *fen = negative ? -v : v;
    return 0;
}

char *vouch_money_format(int64_t fen, char *out)
{
    /* unsigned so that INT64_MIN prints too, though parse never makes it */
    uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(out, VOUCH_MONEY_BUFSZ, "%s%llu.%02llu", fen < 0 ? "-" : "",
             (unsigned long long)(a / 100), (unsigned long long)(a % 100));
    return out;
}

char *vouch_money_format_grouped(int64_t fen, char *out)
{
    uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)(a / 100));
    char *p = out;
    if (fen < 0)
        *p++ = '-';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            *p++ = ',';
        *p++ = digits[i];
    }
    snprintf(p, 4, ".%02llu", (unsigned long long)(a % 100));
    return out;
}

int vouch_money_from_double(double yuan, int64_t *fen)
{
    if (!fen || !isfinite(yuan) || fabs(yuan) > (double)S_MONEY_MAX / 100.0)
        return -1;

    /* The JSON text was decimal ("0.285"); jansson kept the nearest double
     * (0.28499999999999998). Recover the shortest decimal that reads back as
     * the same double, then round that text, so 0.285 gives 29 fen as a
     * person reading the file would expect. */
    char buf[40];
    int prec = 15;
    for (; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, fabs(yuan));
        if (strtod(buf, NULL) == fabs(yuan))
            break;
    }
    if (prec > 17)
        prec = 17;

    /* buf is "d.ddddde+XX": collect the prec digits and the exponent */
    char digits[20];
    int nd = 0;
    const char *p = buf;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    if (*p != 'e' || nd != prec)
        return -1;
    int exp10 = (int)strtol(p + 1, NULL, 10);

    /* value = D * 10^(exp10 - (nd-1)); fen = D * 10^(exp10 - nd + 3) */
    int shift = exp10 - nd + 3;
    int64_t v = 0;
    if (shift >= 0) {
        for (int i = 0; i < nd; i++)
            v = v * 10 + (digits[i] - '0');
        for (int i = 0; i < shift; i++) {
            if (v > S_MONEY_MAX / 10)
                return -1;
            v *= 10;
        }
    } else {
        int keep = nd + shift; /* digits left of the cut, may be <= 0 */
        for (int i = 0; i < keep; i++)
            v = v * 10 + (digits[i] - '0');
        /* half away from zero: the first dropped digit decides, the rest are
         * exactly the decimal text's, so no tie-breaking subtleties remain */
        int first_dropped = keep >= 0 && keep < nd ? digits[keep] - '0' : 0;
        if (first_dropped >= 5)
            v++;
    }
    if (v > S_MONEY_MAX)
        return -1;
    *fen = yuan < 0 ? -v : v;
    return 0;
}

double vouch_money_to_double(int64_t fen)
{
    /* fen is exact in a double, and one correctly rounded division gives the
     * double nearest fen / 100: the same as strtod of the decimal text */
    return (double)fen / 100.0;
}
