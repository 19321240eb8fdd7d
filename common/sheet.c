/* sheet.c: what the .xlsx and .xls readers share: telling the two apart by
 * their bytes, and the rules that turn a stored number or date serial into the
 * text a user sees, so both formats give the same cell the same text. */
#include "sheet.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

vouch_sheet_kind_t vouch_sheet_sniff(const void *head, size_t n)
{
    static const unsigned char zip[4] = {'P', 'K', 3, 4};
    static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (!head)
        return VOUCH_SHEET_NONE;
    if (n >= sizeof ole2 && memcmp(head, ole2, sizeof ole2) == 0)
        return VOUCH_SHEET_XLS;
    if (n >= sizeof zip && memcmp(head, zip, sizeof zip) == 0)
        return VOUCH_SHEET_XLSX;
    return VOUCH_SHEET_NONE;
}

int vouch_sheet_read(const char *path, vouch_sheet_kind_t kind, const char *display_name,
                     vouch_sheet_row_fn *fn, void *arg, char *sheet_out, size_t sheet_out_size,
                     vouch_error_t *err)
{
    switch (kind) {
    case VOUCH_SHEET_XLSX:
        return vouch_sheet_read_xlsx(path, display_name, fn, arg, sheet_out, sheet_out_size, err);
    case VOUCH_SHEET_XLS:
        if (vouch_sheet_xls_helper() && err)
            return vouch_sheet_read_xls_isolated(path, display_name, fn, arg, sheet_out,
                                                 sheet_out_size, err);
        return vouch_sheet_read_xls(path, display_name, fn, arg, sheet_out, sheet_out_size, err);
    case VOUCH_SHEET_NONE:
        break;
    }
    if (sheet_out && sheet_out_size)
        sheet_out[0] = '\0';
    if (err) {
        vouch_error_clear(err);
        snprintf(err->file, sizeof err->file, "%s", display_name ? display_name : "");
        vouch_error_set(err, "not an excel workbook");
    }
    return -1;
}

char *vouch_sheet_number_text(double value, char *out)
{
    char g[64];
    if (value == 0 || !isfinite(value)) {
        /* -0 would print "-0"; infinities and NaN never come out of a cell
         * (the readers refuse them) but must not print "inf" either */
        strcpy(out, "0");
        return out;
    }
    snprintf(g, sizeof g, "%.15g", value);
    char *e = strchr(g, 'e');
    if (!e) {
        strcpy(out, g);
        return out;
    }
    /* %g chose exponent form: write the same 15 digits out in place, since a
     * ledger cell reading "4.30015500610525e+19" helps nobody */
    int exp10 = atoi(e + 1);
    char digits[32];
    size_t nd = 0;
    const char *p = g;
    bool negative = *p == '-';
    if (negative)
        p++;
    for (; p < e; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    char *o = out;
    if (negative)
        *o++ = '-';
    int point = exp10 + 1; /* digits before the decimal point */
    if (point <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -point; i++)
            *o++ = '0';
        memcpy(o, digits, nd);
        o += nd;
    } else if ((size_t)point >= nd) {
        memcpy(o, digits, nd);
        o += nd;
        for (size_t i = nd; i < (size_t)point; i++)
            *o++ = '0';
    } else {
        memcpy(o, digits, (size_t)point);
        o += point;
        *o++ = '.';
        memcpy(o, digits + point, nd - (size_t)point);
        o += nd - (size_t)point;
    }
    *o = '\0';
    return out;
}

#define S_SERIAL_MAX_1900 2958465.0 /* 9999-12-31 */
#define S_SERIAL_MAX_1904 2957003.0

int vouch_sheet_serial_date(double serial, bool date1904, char *out)
{
    out[0] = '\0';
    if (!isfinite(serial))
        return -1;
    /* Excel rounds a serial to the millisecond before it shows it, so a time
     * a hair before midnight is already the next day */
    double day = floor(serial + 0.5 / 86400000.0);
    if (date1904) {
        if (day < 0 || day > S_SERIAL_MAX_1904)
            return -1;
        vouch_date_format(vouch_date_from_ymd(1904, 1, 1) + (int32_t)day, out);
        return 0;
    }
    if (day < 1 || day > S_SERIAL_MAX_1900)
        return -1;
    if (day == 60) {
        /* Lotus 1-2-3 counted 1900 as a leap year and Excel kept it: the day
         * exists only in the spreadsheet, so say what the spreadsheet shows */
        strcpy(out, "1900-02-29");
        return 0;
    }
    int32_t epoch =
        day < 60 ? vouch_date_from_ymd(1899, 12, 31) : vouch_date_from_ymd(1899, 12, 30);
    vouch_date_format(epoch + (int32_t)day, out);
    return 0;
}
