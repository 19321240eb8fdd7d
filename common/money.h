/* money.h: amounts are int64 fen (1/100 yuan), parsed and printed only here.
 * Never a double: a 20-digit invoice number and 0.1 + 0.2 both stay exact. */
#ifndef VOUCH_MONEY_H
#define VOUCH_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Parse an amount cell into fen. Accepts "1,234.56", "1234.5", "-12.00", "(12.00)"
 * (negative), "+3", a yuan sign before the digits ("¥1,234.56", "-￥12"),
 * leading/trailing spaces, full-width digits already NFKC'd by the
 * caller, and blank (= 0). Refuses more than two decimals, misplaced commas are
 * tolerated only as thousands separators before the point, anything that is not a
 * number, and values beyond +-9e16 fen. Returns 0, or -1 when it is not an amount. */
int vouch_money_parse(const char *text, size_t len, int64_t *fen);

/* Print fen as yuan with two decimals, no thousands separators: "4000.00", "-0.50".
 * out must hold at least VOUCH_MONEY_BUFSZ bytes. Returns out. */
#define VOUCH_MONEY_BUFSZ 32
char *vouch_money_format(int64_t fen, char *out);

/* Same, with thousands separators for people: "835,000.00". */
char *vouch_money_format_grouped(int64_t fen, char *out);

/* Parse a JSON number's double into fen, rounding half away from zero, as
 * VOUCHER-FORMAT.md requires for bare JSON numbers. -1 if out of range or not finite. */
int vouch_money_from_double(double yuan, int64_t *fen);

/* fen as yuan in a double, for the one place that needs one: a number cell of
 * a workbook we write. The double nearest the yuan, the one a spreadsheet
 * reads from the text "4000.00"; exact to the fen up to 2^53 fen. */
double vouch_money_to_double(int64_t fen);

#endif
