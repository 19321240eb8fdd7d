/* workbook.h: vouchctl's .xlsx output (libxlsxwriter): clean data tables an
 * auditor attaches to working papers: a frozen header row, an autofilter,
 * dates as dates and amounts as numbers, not text. */
#ifndef VOUCH_WORKBOOK_H
#define VOUCH_WORKBOOK_H

#include <stddef.h>

/* How a column's cells, given as text, are written. */
typedef enum {
    VOUCH_WORKBOOK_TEXT, /* a string */
    VOUCH_WORKBOOK_INT,  /* a whole number: ids, line numbers, counts */
    VOUCH_WORKBOOK_DATE, /* "YYYY-MM-DD" as an Excel date shown yyyy-mm-dd */
    VOUCH_WORKBOOK_FEN   /* fen ("400000") as yuan, a number shown #,##0.00 */
} vouch_workbook_type_t;

typedef struct {
    const char *header;
    vouch_workbook_type_t type;
    double width; /* in characters */
} vouch_workbook_column_t;

typedef struct vouch_workbook_t vouch_workbook_t;

/* A workbook for path; nothing is written there before vouch_workbook_close.
 * NULL when libxlsxwriter could not start one. */
vouch_workbook_t *vouch_workbook_new(const char *path);

/* Frees the workbook without writing it. */
void vouch_workbook_destroy(vouch_workbook_t **self_p);

/* Add a sheet of ncols columns (borrowed: cols must outlive the workbook)
 * after the others, its header row written and frozen. Returns the sheet's
 * number, or -1 with why into why[0..size) (a name Excel refuses). */
int vouch_workbook_sheet(vouch_workbook_t *self, const char *name,
                         const vouch_workbook_column_t *cols, int ncols, char *why, size_t size);

/* Append a row of the sheet's ncols cells; an empty cell stays blank.
 * 0, or -1 with why (more rows than a sheet holds, a cell too long). */
int vouch_workbook_row(vouch_workbook_t *self, int sheet, const char *const *cells, char *why,
                       size_t size);

/* Put each sheet's autofilter over its rows, write the file, free the
 * workbook and null *self_p. 0, or -1 with libxlsxwriter's reason in why. */
int vouch_workbook_close(vouch_workbook_t **self_p, char *why, size_t size);

#endif
