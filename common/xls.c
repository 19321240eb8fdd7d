/* xls.c: .xls workbooks (BIFF5/BIFF8, as K/3, KIS and U8 save them) as rows
 * of text through FreeXL. FreeXL reads the whole workbook into memory when it
 * opens it, every sheet's cells included; BIFF caps a sheet at 65536 rows by
 * 256 columns, which bounds that. Cells get the same text rules as .xlsx. */
#include "sheet.h"

#include <freexl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "text.h"

static void s_fail(vouch_error_t *err, const char *display, long line, long col, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));

static void s_fail(vouch_error_t *err, const char *display, long line, long col, const char *fmt,
                   ...)
{
    vouch_error_clear(err);
    vouch_text_copy(err->file, sizeof err->file, display, strlen(display));
    err->line = line;
    if (col >= 0) {
        /* BIFF has at most 256 columns: one or two letters */
        if (col < 26)
            snprintf(err->column, sizeof err->column, "%c", (char)('A' + col));
        else
            snprintf(err->column, sizeof err->column, "%c%c", (char)('A' + col / 26 - 1),
                     (char)('A' + col % 26));
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
}

/* FreeXL's return codes in the words a user can act on. */
static const char *s_reason(int rc)
{
    switch (rc) {
    case FREEXL_FILE_NOT_FOUND:
        return "cannot open the file";
    case FREEXL_INSUFFICIENT_MEMORY:
        return "not enough memory to read the workbook";
    case FREEXL_INVALID_CFBF_HEADER:
    case FREEXL_CFBF_INVALID_SIGNATURE:
    case FREEXL_CFBF_INVALID_SECTOR_SIZE:
        return "not an xls workbook (no valid compound-file header)";
    case FREEXL_CFBF_READ_ERROR:
    case FREEXL_CFBF_SEEK_ERROR:
        return "the xls file is truncated or cannot be read";
    case FREEXL_CFBF_EMPTY_FAT_CHAIN:
    case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
    case FREEXL_INVALID_MINI_STREAM:
    case FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY:
        return "the xls file is damaged (its sector chains are broken)";
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
        return "not an xls workbook (it holds no workbook stream)";
    case FREEXL_BIFF_INVALID_BOF:
    case FREEXL_BIFF_INVALID_SST:
    case FREEXL_BIFF_ILLEGAL_SST_INDEX:
    case FREEXL_ILLEGAL_RK_VALUE:
    case FREEXL_ILLEGAL_CELL_ROW_COL:
        return "the xls workbook is damaged (a record is invalid)";
    case FREEXL_INVALID_CHARACTER:
    case FREEXL_UNSUPPORTED_CHARSET:
        return "the xls workbook's text is in a character set that cannot be converted";
    case FREEXL_CRAFTED_FILE:
        return "the xls workbook is damaged or crafted to mislead readers";
    default:
        return "the xls workbook cannot be read";
    }
}

/* Blank: empty or only white space, ASCII or the ideographic space U+3000. */
static bool s_blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0x80)
            s += 3;
        else
            return false;
    }
    return true;
}

typedef struct {
    vouch_buf_t text; /* this row's cells' text back to back, NUL after each */
    size_t *at;       /* at[col] = 1 + where col's text starts in text; 0: no text */
    const char **cells;
    size_t ncols;
} s_row_t;

/* Reads the active sheet; *delivered counts the rows that reached fn.
 * FreeXL 1.0.6 has no FORMULA records: a formula cell reads blank (exports
 * write values, but a hand-made .xls may not); a boolean reads 1 or 0. */
static int s_read_sheet(const void *h, const char *display, vouch_sheet_row_fn *fn, void *arg,
                        long *delivered, vouch_error_t *err)
{
    unsigned int rows = 0;
    unsigned short cols = 0;
    int rc = freexl_worksheet_dimensions(h, &rows, &cols);
    if (rc != FREEXL_OK) {
        s_fail(err, display, 0, -1, "%s", s_reason(rc));
        return -1;
    }
    *delivered = 0;
    if (rows == 0 || cols == 0)
        return 0;
    int ret = -1;
    s_row_t r = {.ncols = cols};
    vouch_buf_init(&r.text);
    r.at = vouch_calloc(cols, sizeof *r.at);
    r.cells = vouch_calloc(cols, sizeof *r.cells);
    for (unsigned int row = 0; row < rows; row++) {
        long line = (long)row + 1;
        size_t ncells = 0;
        bool any = false;
        vouch_buf_reset(&r.text);
        for (unsigned short col = 0; col < cols; col++) {
            FreeXL_CellValue v;
            char number[VOUCH_SHEET_NUMBER_SIZE];
            const char *text = "";
            size_t len;
            r.at[col] = 0;
            rc = freexl_get_cell_value(h, row, col, &v);
            if (rc != FREEXL_OK) {
                s_fail(err, display, line, col, "%s", s_reason(rc));
                goto free_row;
            }
            switch (v.type) {
            case FREEXL_CELL_INT:
                snprintf(number, sizeof number, "%d", v.value.int_value);
                text = number;
                break;
            case FREEXL_CELL_DOUBLE:
                text = vouch_sheet_number_text(v.value.double_value, number);
                break;
            case FREEXL_CELL_TEXT:
            case FREEXL_CELL_SST_TEXT:
            case FREEXL_CELL_DATE:
            case FREEXL_CELL_TIME:
                text = v.value.text_value ? v.value.text_value : "";
                break;
            case FREEXL_CELL_DATETIME:
                /* "YYYY-MM-DD HH:MM:SS": a voucher's dates are days */
                text = v.value.text_value ? v.value.text_value : "";
                if (strlen(text) > 10 && text[10] == ' ') {
                    memcpy(number, text, 10);
                    number[10] = '\0';
                    text = number;
                }
                break;
            default: /* FREEXL_CELL_NULL */
                break;
            }
            len = strlen(text);
            if (len == 0)
                continue;
            if (len > VOUCH_SHEET_CELL_MAX) {
                s_fail(err, display, line, col, "the cell is over %d KiB",
                       VOUCH_SHEET_CELL_MAX / 1024);
                goto free_row;
            }
            r.at[col] = r.text.len + 1;
            vouch_buf_append(&r.text, text, len);
            vouch_buf_putc(&r.text, '\0');
            ncells = (size_t)col + 1;
            if (!any)
                any = !s_blank(text);
        }
        if (!any)
            continue;
        for (size_t i = 0; i < ncells; i++)
            r.cells[i] = r.at[i] ? r.text.data + r.at[i] - 1 : "";
        ++*delivered;
        if (fn(arg, line, r.cells, ncells, err) != 0) {
            if (!err->file[0])
                vouch_text_copy(err->file, sizeof err->file, display, strlen(display));
            if (err->line == 0)
                err->line = line;
            goto free_row;
        }
    }
    ret = 0;
free_row:
    vouch_buf_free(&r.text);
    free(r.at);
    free(r.cells);
    return ret;
}

int vouch_sheet_read_xls(const char *path, const char *display_name, vouch_sheet_row_fn *fn,
                         void *arg, char *sheet_out, size_t sheet_out_size, vouch_error_t *err)
{
    vouch_error_t scratch;
    if (!err)
        err = &scratch;
    vouch_error_clear(err);
    const char *display = display_name ? display_name : "";
    vouch_text_copy(sheet_out, sheet_out_size, "", 0);
    int ret = -1;
    const void *h = NULL;
    int rc = freexl_open(path, &h);
    if (rc != FREEXL_OK) {
        s_fail(err, display, 0, -1, "%s", s_reason(rc));
        goto close_workbook;
    }
    unsigned int info = 0;
    if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
        info == FREEXL_BIFF_OBFUSCATED) {
        s_fail(err, display, 0, -1, "the xls workbook is password-protected");
        goto close_workbook;
    }
    unsigned int nsheets = 0;
    rc = freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &nsheets);
    if (rc != FREEXL_OK) {
        s_fail(err, display, 0, -1, "%s", s_reason(rc));
        goto close_workbook;
    }
    for (unsigned int i = 0; i < nsheets && i <= 0xFFFF; i++) {
        long delivered = 0;
        rc = freexl_select_active_worksheet(h, (unsigned short)i);
        if (rc != FREEXL_OK) {
            s_fail(err, display, 0, -1, "%s", s_reason(rc));
            goto close_workbook;
        }
        if (s_read_sheet(h, display, fn, arg, &delivered, err) < 0)
            goto close_workbook;
        if (delivered > 0) {
            const char *name = NULL;
            if (freexl_get_worksheet_name(h, (unsigned short)i, &name) == FREEXL_OK && name)
                vouch_text_copy(sheet_out, sheet_out_size, name, strlen(name));
            ret = 0;
            goto close_workbook;
        }
    }
    s_fail(err, display, 0, -1, "no sheet holds data");
close_workbook:
    /* FreeXL asks for a close even after a failed open: it may hold memory */
    if (h)
        freexl_close(h);
    return ret;
}
