/* table.h: plain-text tables for terminals, aligned by display width so that
 * Chinese (two columns a character) lines up with Latin text and numbers. */
#ifndef VOUCH_TABLE_H
#define VOUCH_TABLE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct vouch_table_t vouch_table_t;

/* A table with ncols columns; headers are copied. */
vouch_table_t *vouch_table_new(int ncols, const char *const *headers);
void vouch_table_destroy(vouch_table_t **self_p);
/* Right-align a column (amounts, counts). */
void vouch_table_align_right(vouch_table_t *self, int col);
/* Cut a column's cells to at most width display columns, ending in "…". */
void vouch_table_max_width(vouch_table_t *self, int col, int width);
/* Add a row of ncols cells (copied; NULL prints as empty). */
void vouch_table_add(vouch_table_t *self, const char *const *cells);
void vouch_table_print(const vouch_table_t *self, FILE *out);

/* Write one CSV field (RFC 4180 quoting) and the separator or newline. */
void vouch_csv_field(FILE *out, const char *s, bool last);

#endif
