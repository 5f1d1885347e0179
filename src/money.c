/*
 * Exact decimal parsing and money formatting. Every amount in promptcost is
 * an int64_t count of micro-units; this is the only place that turns text
 * into such a count and back.
 */
#include "promptcost/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pc_decimal_parse(int64_t *out, const char *text, unsigned scale_digits)
{
	const char *p = text;
	int64_t value = 0;
	unsigned frac = 0;
	bool any_digit = false, seen_dot = false;

	if (!*p)
		return pc_error_set(PC_EINPUT, "expected a number, found an empty value");
	if (*p == '-')
		return pc_error_set(PC_EINPUT, "'%s' is negative; expected a number of 0 or more", text);
	if (*p == '+')
		p++;
	for (; *p; p++) {
		if (*p == '.' && !seen_dot) {
			seen_dot = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			return pc_error_set(PC_EINPUT, "'%s' is not a decimal number", text);
		any_digit = true;
		if (seen_dot) {
			if (frac == scale_digits) {
				if (*p != '0')
					return pc_error_set(PC_EINPUT,
						"'%s' has more than %u decimal places", text, scale_digits);
				continue;
			}
			frac++;
		}
		if (__builtin_mul_overflow(value, 10, &value) ||
		    __builtin_add_overflow(value, *p - '0', &value))
			return pc_error_set(PC_EINPUT, "'%s' is too large", text);
	}
	if (!any_digit)
		return pc_error_set(PC_EINPUT, "'%s' is not a decimal number", text);
	for (; frac < scale_digits; frac++)
		if (__builtin_mul_overflow(value, 10, &value))
			return pc_error_set(PC_EINPUT, "'%s' is too large", text);
	*out = value;
	return 0;
}

int pc_share_parse(int64_t *out_ppm, const char *text, bool allow_over_100)
{
	size_t len = strlen(text);
	int64_t ppm;
	int error;

	if (len && text[len - 1] == '%') {
		char *number = pc_xstrndup(text, len - 1);

		/* percent with up to 4 decimals is exactly ppm */
		error = pc_decimal_parse(&ppm, number, 4);
		free(number);
	} else {
		error = pc_decimal_parse(&ppm, text, 6);
	}
	if (error)
		return pc_error_set(PC_EINPUT, "'%s' is not a share (write 80%% or 0.8)", text);
	if (!allow_over_100 && ppm > PC_PPM)
		return pc_error_set(PC_EINPUT, "'%s' is over 100%%", text);
	*out_ppm = ppm;
	return 0;
}

pc_int128 pc_div_round(pc_int128 num, pc_int128 den)
{
	pc_int128 q = num / den, r = num % den;

	if (r < 0)
		r = -r;
	if (r >= den - r)
		q += num < 0 ? -1 : 1;
	return q;
}

/* A sign (as asked), then mag's digits, grouped by thousands with commas when asked. */
static void add_whole(struct pc_buf *out, bool negative, uint64_t mag, bool thousands,
		      bool sign)
{
	/* the digits backwards, without printf: reports format thousands of figures */
	char digits[32], text[48];
	int n = 0, k = 0;

	do {
		digits[n++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	if (negative)
		text[k++] = '-';
	else if (sign && (n > 1 || digits[0] != '0'))
		text[k++] = '+';
	for (int i = n - 1; i >= 0; i--) {
		text[k++] = digits[i];
		if (thousands && i > 0 && i % 3 == 0)
			text[k++] = ',';
	}
	pc_buf_add(out, text, (size_t)k);
}

void pc_money_format(struct pc_buf *out, int64_t micros, bool thousands, bool sign)
{
	int64_t cents = (int64_t)pc_div_round(micros, PC_MICROS / 100);
	uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;

	/* the sign belongs to the cents: -0.01 is negative though its whole part is 0 */
	if (cents < 0)
		pc_buf_addch(out, '-');
	else if (sign && cents > 0)
		pc_buf_addch(out, '+');
	add_whole(out, false, mag / 100, thousands, false);
	{
		char cents_text[3] = { '.', (char)('0' + mag % 100 / 10), (char)('0' + mag % 10) };

		pc_buf_add(out, cents_text, sizeof(cents_text));
	}
}

void pc_count_format(struct pc_buf *out, int64_t n, bool sign)
{
	add_whole(out, n < 0, n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n, true, sign);
}

void pc_ppm_format(struct pc_buf *out, int64_t ppm)
{
	int64_t tenths = (int64_t)pc_div_round(ppm, 1000);
	uint64_t mag = tenths < 0 ? (uint64_t)0 - (uint64_t)tenths : (uint64_t)tenths;

	pc_buf_addf(out, "%s%llu.%u%%", tenths < 0 ? "-" : "", (unsigned long long)(mag / 10),
		    (unsigned)(mag % 10));
}
