/* workbook.c: .xlsx tables with libxlsxwriter, in its constant-memory mode:
 * each row goes to a temporary file as soon as the next begins, so a large
 * export holds no second copy of its rows in memory (rows are written in
 * order, sheet by sheet; strings inline, not shared). */
#include "workbook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "alloc.h"
#include "date.h"
#include "money.h"

typedef struct {
    lxw_worksheet *ws;
    const vouch_workbook_column_t *cols; /* borrowed */
    int ncols;
    lxw_row_t rows; /* written so far, the header's included */
} s_sheet_t;

struct vouch_workbook_t {
    lxw_workbook *wb;
    lxw_format *header, *date, *yuan;
    s_sheet_t *sheets;
    int nsheets;
};

vouch_workbook_t *vouch_workbook_new(const char *path)
{
    lxw_workbook_options opts = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opts);
    if (!wb)
        return NULL;
    vouch_workbook_t *self = vouch_calloc(1, sizeof *self);
    self->wb = wb;
    self->header = workbook_add_format(wb);
    format_set_bold(self->header);
    format_set_bg_color(self->header, 0xD9E1F2);
    format_set_bottom(self->header, LXW_BORDER_THIN);
    self->date = workbook_add_format(wb);
    format_set_num_format(self->date, "yyyy-mm-dd");
    self->yuan = workbook_add_format(wb);
    format_set_num_format(self->yuan, "#,##0.00");
    return self;
}

void vouch_workbook_destroy(vouch_workbook_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    vouch_workbook_t *self = *self_p;
    if (self->wb)
        lxw_workbook_free(self->wb);
    free(self->sheets);
    free(self);
    *self_p = NULL;
}

int vouch_workbook_sheet(vouch_workbook_t *self, const char *name,
                         const vouch_workbook_column_t *cols, int ncols, char *why, size_t size)
{
    lxw_error e = workbook_validate_sheet_name(self->wb, name);
    lxw_worksheet *ws = e == LXW_NO_ERROR ? workbook_add_worksheet(self->wb, name) : NULL;
    if (!ws) {
        snprintf(why, size, "sheet \"%s\": %s", name,
                 e == LXW_NO_ERROR ? "cannot be added" : lxw_strerror(e));
        return -1;
    }
    self->sheets = vouch_realloc(self->sheets, (size_t)(self->nsheets + 1) * sizeof *self->sheets);
    self->sheets[self->nsheets] = (s_sheet_t){ws, cols, ncols, 1};
    for (int c = 0; c < ncols; c++) {
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width, NULL);
        worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c].header, self->header);
    }
    worksheet_freeze_panes(ws, 1, 0);
    return self->nsheets++;
}

static lxw_error s_cell(vouch_workbook_t *self, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                        vouch_workbook_type_t type, const char *text)
{
    switch (type) {
    case VOUCH_WORKBOOK_INT:
        return worksheet_write_number(ws, row, col, (double)atoll(text), NULL);
    case VOUCH_WORKBOOK_FEN:
        return worksheet_write_number(ws, row, col, vouch_money_to_double(atoll(text)), self->yuan);
    case VOUCH_WORKBOOK_DATE: {
        int32_t days;
        if (vouch_date_parse(text, strlen(text), &days) != 0 || days == VOUCH_DATE_NONE)
            break; /* not a date after all: keep the text rather than lose it */
        lxw_datetime dt = {0};
        vouch_date_to_ymd(days, &dt.year, &dt.month, &dt.day);
        return worksheet_write_datetime(ws, row, col, &dt, self->date);
    }
    case VOUCH_WORKBOOK_TEXT:
        break;
    }
    return worksheet_write_string(ws, row, col, text, NULL);
}

int vouch_workbook_row(vouch_workbook_t *self, int sheet, const char *const *cells, char *why,
                       size_t size)
{
    s_sheet_t *s = &self->sheets[sheet];
    for (int c = 0; c < s->ncols; c++) {
        if (!cells[c] || !*cells[c])
            continue;
        lxw_error e = s_cell(self, s->ws, s->rows, (lxw_col_t)c, s->cols[c].type, cells[c]);
        if (e != LXW_NO_ERROR) {
            snprintf(why, size, "row %u, column \"%s\": %s", (unsigned)s->rows + 1,
                     s->cols[c].header, lxw_strerror(e));
            return -1;
        }
    }
    s->rows++;
    return 0;
}

int vouch_workbook_close(vouch_workbook_t **self_p, char *why, size_t size)
{
    vouch_workbook_t *self = *self_p;
    for (int i = 0; i < self->nsheets; i++) {
        const s_sheet_t *s = &self->sheets[i];
        worksheet_autofilter(s->ws, 0, 0, s->rows - 1, (lxw_col_t)(s->ncols - 1));
    }
    /* workbook_close writes the file and frees the workbook, written or not */
    lxw_error e = workbook_close(self->wb);
    self->wb = NULL;
    vouch_workbook_destroy(self_p);
    if (e != LXW_NO_ERROR) {
        snprintf(why, size, "%s", lxw_strerror(e));
        return -1;
    }
    return 0;
}
