/* sheet.h: Excel workbooks (.xlsx, .xls) read as rows of text cells, so the
 * importers that understand headers and amounts never see a spreadsheet
 * format. Every cell arrives as the text a user would check it against. */
#ifndef VOUCH_SHEET_H
#define VOUCH_SHEET_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Limits: a longer cell, or a cell past the last column Excel allows, refuses the file. */
#define VOUCH_SHEET_CELL_MAX (64 * 1024) /* bytes of UTF-8 in one cell */
#define VOUCH_SHEET_COLS_MAX 16384       /* columns A..XFD */
#define VOUCH_SHEET_ROWS_MAX 1048576

/* One row of the sheet as text: cells[0..ncells) in column order (A, B, ...; gaps are ""),
 * borrowed for the call. row is the sheet's 1-based row number (errors name it as the line).
 * Return 0 to go on, -1 to stop (err says why). */
typedef int(vouch_sheet_row_fn)(void *arg, long row, const char *const *cells, size_t ncells,
                                vouch_error_t *err);

typedef enum { VOUCH_SHEET_XLSX, VOUCH_SHEET_XLS, VOUCH_SHEET_NONE } vouch_sheet_kind_t;

/* What the first bytes of a file say it is: PK\3\4 (a zip) -> XLSX, the OLE2
 * compound-file signature D0 CF 11 E0 A1 B1 1A E1 -> XLS, else NONE. Give it at
 * least 8 bytes; the name of the file is no evidence. */
vouch_sheet_kind_t vouch_sheet_sniff(const void *head, size_t n);

/* Read the first sheet that holds data (a real 用友 NC 综合查询 export keeps an
 * empty Sheet1 first), calling fn for each row that holds at least one
 * non-blank cell; trailing empty cells are not counted in ncells. display_name
 * names the file in errors; sheet_out (may be NULL) receives the sheet's name.
 * Returns 0, or -1 with err: file = display_name, line = the sheet row when
 * known, column = the column's letters, text = the reason. When fn stops the
 * read, err is what fn left there (file and line filled in if it left them
 * empty). Numbers become text by vouch_sheet_number_text, numbers in a date
 * format by vouch_sheet_serial_date; other cells are their text as stored. */
int vouch_sheet_read(const char *path, vouch_sheet_kind_t kind, const char *display_name,
                     vouch_sheet_row_fn *fn, void *arg, char *sheet_out, size_t sheet_out_size,
                     vouch_error_t *err);

/* .xls files are read by FreeXL, a C library that hostile files have made read
 * past its buffers (found by fuzzing). Once set, vouch_sheet_read runs it in
 * the helper program at helper_path (vouch-xls, installed beside vouchd),
 * which sends the rows back over a pipe: a crash or a hang there costs the
 * file, never the caller. NULL, the default, reads in this process. The
 * string must outlive the reads. */
void vouch_sheet_isolate_xls(const char *helper_path);
const char *vouch_sheet_xls_helper(void); /* the helper set, or NULL */
/* Isolate with the vouch-xls beside the running program; 0, or -1 when there
 * is none (then .xls files are read in this process). */
int vouch_sheet_isolate_beside_self(void);

/* vouch_sheet_read_xls run in the helper (vouch_sheet_isolate_xls set). */
int vouch_sheet_read_xls_isolated(const char *path, const char *display_name,
                                  vouch_sheet_row_fn *fn, void *arg, char *sheet_out,
                                  size_t sheet_out_size, vouch_error_t *err);

/* The helper's side: read path with vouch_sheet_read_xls and write rows and
 * the outcome to out in the pipe's form. Returns the helper's exit status. */
int vouch_sheet_xls_serve(const char *path, const char *display_name, int out_fd);

/* The two readers behind vouch_sheet_read, same contract. The .xlsx reader
 * streams each sheet; the .xls reader (FreeXL) holds the whole workbook. */
int vouch_sheet_read_xlsx(const char *path, const char *display_name, vouch_sheet_row_fn *fn,
                          void *arg, char *sheet_out, size_t sheet_out_size, vouch_error_t *err);
int vouch_sheet_read_xls(const char *path, const char *display_name, vouch_sheet_row_fn *fn,
                         void *arg, char *sheet_out, size_t sheet_out_size, vouch_error_t *err);

/* Room for any number vouch_sheet_number_text writes (DBL_MAX in full). */
#define VOUCH_SHEET_NUMBER_SIZE 352

/* A stored number as text: 15 significant digits, like Excel ("%.15g", so a
 * computed 1234.5599999999999 reads 1234.56), but never in exponent form: a
 * 20-digit account number saved as a number reads 43001550061052500000, as
 * Excel shows it, and 1E-05 reads 0.00001. -0 reads 0. out must hold
 * VOUCH_SHEET_NUMBER_SIZE bytes. Returns out. */
char *vouch_sheet_number_text(double value, char *out);

/* A date serial as "YYYY-MM-DD" into out (at least 11 bytes); the time of day
 * is dropped. date1904 picks the Mac epoch (serial 0 = 1904-01-01); otherwise
 * days count from 1899-12-30, except that Excel's 1900 pretends to be a leap
 * year: serials 1..59 are 1900-01-01..1900-02-28 and 60 is the fake
 * "1900-02-29" (left for the date parser to refuse). Returns 0, or -1 when the
 * serial is no day Excel would show (below 1, or below 0 in the 1904
 * system; after 9999-12-31; not finite). */
int vouch_sheet_serial_date(double serial, bool date1904, char *out);

#endif
