/*
 * Exact decimals: amounts of money in integer micro-units and shares in parts
 * per million, parsed from the decimal text of the configuration (never
 * through double) and formatted rounded half away from zero.
 */
#ifndef PROMPTCOST_MONEY_H
#define PROMPTCOST_MONEY_H

#include "promptcost/common.h"

#define PC_MICROS 1000000 /* micro-units in one unit of currency */
#define PC_PPM 1000000    /* parts per million in a whole */

/*
 * Parses a non-negative decimal ("25000", "0.012", "12.50": digits,
 * an optional '.' and more digits) scaled by 10^scale_digits into *out.
 * Returns 0, or PC_EINPUT with a message naming the problem (not the place:
 * the caller prefixes file:line:col). More fractional digits than scale_digits
 * is an error unless they are zeros; so is a value over INT64_MAX.
 */
int pc_decimal_parse(int64_t *out, const char *text, unsigned scale_digits);

/*
 * Parses a share: "80%" (percent) or "0.8" (a fraction of one) into parts per
 * million, 0..1000000 unless allow_over_100 is set.
 */
int pc_share_parse(int64_t *out_ppm, const char *text, bool allow_over_100);

/*
 * Divides num by den rounding half away from zero. den > 0. In 128 bits, so
 * that the cost model divides its products once, exactly.
 */
pc_int128 pc_div_round(pc_int128 num, pc_int128 den);

/*
 * Formats micro-units as a decimal with exactly two decimals, rounded half
 * away from zero: 2160000000 -> "2160.00", -5000 -> "-0.01". With
 * thousands set, groups digits: "2,160.00". With sign set, a positive value
 * gets a leading '+'.
 */
void pc_money_format(struct pc_buf *out, int64_t micros, bool thousands, bool sign);

/* Formats a count with thousands separators: 15000 -> "15,000"; with sign, "+400". */
void pc_count_format(struct pc_buf *out, int64_t n, bool sign);

/* Formats parts per million as a percent with one decimal: 812345 -> "81.2%". */
void pc_ppm_format(struct pc_buf *out, int64_t ppm);

#endif
