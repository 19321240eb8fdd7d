/* date.c: dates as days since 1970-01-01 (Howard Hinnant's civil-calendar
 * algorithms), and the parser for every shape an export writes a date in.
 * An impossible date (2022-02-30) is refused, never rolled over. */
#include "date.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define S_YEAR_MIN 1000
#define S_YEAR_MAX 9999

static bool s_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int s_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && s_leap(y) ? 29 : days[m - 1];
}

int32_t vouch_date_from_ymd(int y, int m, int d)
{
    if (y < 1 || y > S_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > s_days_in_month(y, m))
        return VOUCH_DATE_NONE;
    /* days_from_civil: eras of 400 years start on March 1st so that the leap
     * day falls at the end of the year */
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void vouch_date_to_ymd(int32_t days, int *y, int *m, int *d)
{
    /* civil_from_days, the inverse of the above; in 64 bits, so that any
     * int32 (even one no parser would make) maps without overflow */
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    if (y)
        *y = (int)(yy + (mm <= 2));
    if (m)
        *m = mm;
    if (d)
        *d = dd;
}

static bool s_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* ASCII white space, U+3000 and U+00A0: the callers may hand raw cells */
static size_t s_space_len(const char *s, const char *e)
{
    if (s < e && s_is_space((unsigned char)*s))
        return 1;
    if (e - s >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
        return 3;
    if (e - s >= 2 && memcmp(s, "\xc2\xa0", 2) == 0)
        return 2;
    return 0;
}

static void s_trim(const char **s, const char **e)
{
    size_t n;
    while ((n = s_space_len(*s, *e)) > 0)
        *s += n;
    for (;;) {
        if (*e > *s && s_is_space((unsigned char)(*e)[-1]))
            (*e)--;
        else if (*e - *s >= 3 && memcmp(*e - 3, "\xe3\x80\x80", 3) == 0)
            *e -= 3;
        else if (*e - *s >= 2 && memcmp(*e - 2, "\xc2\xa0", 2) == 0)
            *e -= 2;
        else
            break;
    }
}

/* Up to max digits at *p; returns how many were read (0 if none). */
static int s_digits(const char **p, const char *e, int max, int *value)
{
    int n = 0, v = 0;
    while (*p < e && n < max && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *value = v;
    return n;
}

static bool s_literal(const char **p, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(e - *p) >= n && memcmp(*p, lit, n) == 0) {
        *p += n;
        return true;
    }
    return false;
}

/* What may follow a date: nothing, or a time ("00:00:00", "0:00", "T08:30:00.000")
 * after white space or 'T'. Anything else means the cell is not a date. */
static bool s_time_tail(const char *p, const char *e)
{
    if (p == e)
        return true;
    size_t n = s_space_len(p, e);
    if (n == 0 && *p != 'T')
        return false;
    p += n ? n : 1;
    while ((n = s_space_len(p, e)) > 0)
        p += n;
    bool digit = false;
    for (; p < e; p++) {
        if (*p >= '0' && *p <= '9')
            digit = true;
        else if (*p != ':' && *p != '.')
            return false;
    }
    return digit;
}

int vouch_date_parse(const char *text, size_t len, int32_t *days)
{
    if (!text || !days)
        return -1;
    const char *p = text, *e = text + len;
    s_trim(&p, &e);
    if (p == e) {
        *days = VOUCH_DATE_NONE;
        return 0;
    }

    int y, m, d;
    if (s_digits(&p, e, 8, &y) == 8) {
        /* 20220405 */
        d = y % 100;
        m = y / 100 % 100;
        y /= 10000;
    } else {
        p = text;
        s_trim(&p, &e);
        if (s_digits(&p, e, 4, &y) != 4)
            return -1;
        if (s_literal(&p, e, "年")) {
            /* 2022年4月5日, the 日 sometimes left off */
            if (s_digits(&p, e, 2, &m) == 0 || !s_literal(&p, e, "月") ||
                s_digits(&p, e, 2, &d) == 0)
                return -1;
            s_literal(&p, e, "日");
        } else {
            if (p == e || (*p != '-' && *p != '/' && *p != '.'))
                return -1;
            char sep = *p++;
            /* the same separator twice: 2022-04/05 is a typo, not a date */
            if (s_digits(&p, e, 2, &m) == 0 || p == e || *p != sep)
                return -1;
            p++;
            if (s_digits(&p, e, 2, &d) == 0)
                return -1;
        }
    }
    if (y < S_YEAR_MIN || !s_time_tail(p, e))
        return -1;
    int32_t v = vouch_date_from_ymd(y, m, d);
    if (v == VOUCH_DATE_NONE)
        return -1;
    *days = v;
    return 0;
}

/* Length of a list separator at s, 0 if none: ';' '；' '、' ',' '，' */
static size_t s_separator_len(const char *s, const char *e)
{
    if (s < e && (*s == ';' || *s == ','))
        return 1;
    if (e - s >= 3 && (memcmp(s, "\xef\xbc\x9b", 3) == 0 || /* ； */
                       memcmp(s, "\xe3\x80\x81", 3) == 0 || /* 、 */
                       memcmp(s, "\xef\xbc\x8c", 3) == 0))  /* ， */
        return 3;
    return 0;
}

int vouch_date_parse_list(const char *text, size_t len, int32_t *out, int max, int *n)
{
    if (!text || !n)
        return -1;
    *n = 0;
    const char *p = text, *e = text + len;
    while (p <= e) {
        const char *q = p;
        size_t sep = 0;
        while (q < e && (sep = s_separator_len(q, e)) == 0)
            q++;
        int32_t day;
        if (vouch_date_parse(p, (size_t)(q - p), &day) != 0)
            return -1;
        /* an empty part ("2022-01-05;") is a stray separator, not a date */
        if (day != VOUCH_DATE_NONE && *n < max && out)
            out[(*n)++] = day;
        if (q == e)
            break;
        p = q + sep;
    }
    return 0;
}

char *vouch_date_format(int32_t days, char *out)
{
    if (days == VOUCH_DATE_NONE) {
        out[0] = '\0';
        return out;
    }
    int y, m, d;
    vouch_date_to_ymd(days, &y, &m, &d);
    if (y >= 0 && y <= 9999) {
        /* by hand: document dates are formatted for every line read */
        const int parts[3] = {y, m, d};
        const int widths[3] = {4, 2, 2};
        char *o = out;
        for (int k = 0; k < 3; k++) {
            if (k)
                *o++ = '-';
            for (int w = widths[k] - 1, v = parts[k]; w >= 0; w--, v /= 10)
                o[w] = (char)('0' + v % 10);
            o += widths[k];
        }
        *o = '\0';
        return out;
    }
    /* a day number no parser made (past year 9999) has no 10-character form */
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    if (strlen(tmp) != 10)
        tmp[0] = '\0';
    memcpy(out, tmp, strlen(tmp) + 1);
    return out;
}
