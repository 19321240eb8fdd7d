/* date.h: calendar dates as days since 1970-01-01 (proleptic Gregorian).
 * Parsing accepts the shapes exports write; printing is always YYYY-MM-DD. */
#ifndef VOUCH_DATE_H
#define VOUCH_DATE_H

#include <stddef.h>
#include <stdint.h>

#define VOUCH_DATE_NONE INT32_MIN /* absent (blank cell) */

/* days since 1970-01-01 for a valid y-m-d, or VOUCH_DATE_NONE if it is not a date */
int32_t vouch_date_from_ymd(int y, int m, int d);
void vouch_date_to_ymd(int32_t days, int *y, int *m, int *d);

/* Parse one date: "2022-04-05", "2022/4/5", "2022.4.5", "20220405", "2022年4月5日",
 * also with a trailing time ("2022-04-05 00:00:00") which is ignored. Surrounding
 * spaces are ignored. Blank gives VOUCH_DATE_NONE and returns 0.
 * Returns 0, or -1 when the text is not a date (including impossible ones: 2022-02-30). */
int vouch_date_parse(const char *text, size_t len, int32_t *days);

/* Parse a cell that may hold several dates separated by ';', '；', '、' or ','.
 * Stores up to max dates in out (in cell order) and their count in *n.
 * Blank gives *n = 0 and returns 0. Returns -1 if any part is not a date. */
int vouch_date_parse_list(const char *text, size_t len, int32_t *out, int max, int *n);

/* "YYYY-MM-DD" into out (at least 11 bytes); "" for VOUCH_DATE_NONE. Returns out. */
char *vouch_date_format(int32_t days, char *out);

#endif
