/*
 * The field readers every importer uses: one rule for each kind of value a
 * usage source carries (a timestamp, OTLP nanoseconds, a count, an amount of
 * money), so that a count is refused for the same reasons, with the same
 * words, whichever source it came from. Money never passes through double:
 * decimal text is scaled to micro-units digit by digit.
 */
#include "usage_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much of a value a message quotes: enough to recognise it, on one line. */
#define QUOTE_MAX 48

const char *pc_usage_quote(char *buf, size_t size, const char *text)
{
	size_t i, max = size - 4;

	for (i = 0; text[i] && i < max; i++)
		buf[i] = ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) ? '?' : text[i];
	if (text[i]) {
		/* cut at a character's start, not inside a UTF-8 sequence */
		while (i > 0 && ((unsigned char)text[i] & 0xc0) == 0x80)
			i--;
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* text as a message quotes it: QUOTE_MAX bytes at most, on one line. */
static const char *quote(char buf[QUOTE_MAX + 4], const char *text)
{
	return pc_usage_quote(buf, QUOTE_MAX + 4, text);
}

/* "field 'x': " when the caller named the field, "" otherwise. */
static const char *field_prefix(char buf[128], const char *field)
{
	char clean[104];

	if (!field)
		return "";
	snprintf(buf, 128, "field '%s': ", pc_usage_quote(clean, sizeof(clean), field));
	return buf;
}

/* A field's name as messages print it (the mappers build some from the source's keys). */
#define CLEAN_FIELD(field) \
	char field##_clean[104]; \
	field = pc_usage_quote(field##_clean, sizeof(field##_clean), field)

/* Reads exactly n digits at *p into *out; false if any is not a digit. */
static bool digits(int *out, const char **p, int n)
{
	int value = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return false;
		value = value * 10 + (c - '0');
	}
	*p += n;
	*out = value;
	return true;
}

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

static int parse_time(int64_t *out, const char *text, const char *field)
{
	char qbuf[QUOTE_MAX + 4], fbuf[128];
	const char *p = text;
	int year, month, day, hour, minute, second, zone_hours = 0, zone_minutes = 0, sign = 0;

	if (!digits(&year, &p, 4) || *p++ != '-' || !digits(&month, &p, 2) || *p++ != '-' ||
	    !digits(&day, &p, 2))
		goto bad_form;
	if (*p == '\0')
		return pc_error_set(PC_EINPUT,
			"%s'%s' is a date without a time; expected an RFC 3339 time with a zone",
			field_prefix(fbuf, field), quote(qbuf, text));
	/* RFC 3339 5.6 allows 't' and, by its note, a space for 'T'. */
	if (*p != 'T' && *p != 't' && *p != ' ')
		goto bad_form;
	p++;
	if (!digits(&hour, &p, 2) || *p++ != ':' || !digits(&minute, &p, 2) || *p++ != ':' ||
	    !digits(&second, &p, 2))
		goto bad_form;
	if (*p == '.') {
		/* Fractions are truncated: a record's time is whole seconds. */
		p++;
		if (*p < '0' || *p > '9')
			goto bad_form;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == '\0')
		return pc_error_set(PC_EINPUT,
			"%stime '%s' has no zone (expected Z or +hh:mm/-hh:mm): it would be "
			"read in an unknown zone",
			field_prefix(fbuf, field), quote(qbuf, text));
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (!digits(&zone_hours, &p, 2) || *p++ != ':' || !digits(&zone_minutes, &p, 2))
			goto bad_form;
	} else {
		goto bad_form;
	}
	if (*p != '\0')
		goto bad_form;
	if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
	    minute > 59 || second > 59 || zone_hours > 23 || zone_minutes > 59)
		return pc_error_set(PC_EINPUT, "%stime '%s' is out of range",
				    field_prefix(fbuf, field), quote(qbuf, text));
	*out = pc_days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 + minute * 60 + second -
	       sign * (zone_hours * 3600 + zone_minutes * 60);
	return 0;

bad_form:
	return pc_error_set(PC_EINPUT,
		"%s'%s' is not an RFC 3339 time (expected e.g. 2026-11-03T14:05:10Z)",
		field_prefix(fbuf, field), quote(qbuf, text));
}

int pc_usage_parse_time(int64_t *out, const char *text)
{
	return parse_time(out, text, NULL);
}

static int parse_unix_nanos(int64_t *out, const char *text, const char *field)
{
	char qbuf[QUOTE_MAX + 4], fbuf[128];
	uint64_t nanos = 0;
	const char *p = text;

	if (!*p)
		return pc_error_set(PC_EINPUT, "%sempty time; expected nanoseconds since 1970",
				    field_prefix(fbuf, field));
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return pc_error_set(PC_EINPUT,
				"%s'%s' is not a time in nanoseconds since 1970 (digits only)",
				field_prefix(fbuf, field), quote(qbuf, text));
		if (nanos > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10)
			return pc_error_set(PC_EINPUT,
				"%stime '%s' nanoseconds is out of range",
				field_prefix(fbuf, field), quote(qbuf, text));
		nanos = nanos * 10 + (uint64_t)(*p - '0');
	}
	/* OTLP writes 0 for "not set": a span at the epoch is no time at all. */
	if (nanos == 0)
		return pc_error_set(PC_EINPUT, "%stime is 0 (not set)", field_prefix(fbuf, field));
	*out = (int64_t)(nanos / 1000000000u);
	return 0;
}

int pc_usage_parse_unix_nanos(int64_t *out, const char *text)
{
	return parse_unix_nanos(out, text, NULL);
}

int pc_usage_parse_count(int64_t *out, const char *text, const char *field)
{
	char qbuf[QUOTE_MAX + 4];
	CLEAN_FIELD(field);
	const char *p = text;
	int64_t value = 0;

	if (*p == '-' && p[1] >= '0' && p[1] <= '9') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
		if (!*p)
			return pc_error_set(PC_EINPUT, "field '%s': negative count %s", field,
					    quote(qbuf, text));
		p = text;
	}
	if (!*p)
		return pc_error_set(PC_EINPUT, "field '%s': empty; expected a count", field);
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return pc_error_set(PC_EINPUT, "field '%s': '%s' is not a count", field,
					    quote(qbuf, text));
		value = value * 10 + (*p - '0');
		if (value > PC_USAGE_MAX_COUNT)
			return pc_error_set(PC_EINPUT,
				"field '%s': absurd count %s (more than 10^15)", field,
				quote(qbuf, text));
	}
	*out = value;
	return 0;
}

/* The largest cost a record may state: a billion in micro-units, as counts are capped. */
#define COST_MAX_MICROS PC_USAGE_MAX_COUNT

int pc_usage_parse_cost(int64_t *out, const char *text, const char *field)
{
	char qbuf[QUOTE_MAX + 4];
	const char *p = text, *mantissa;
	bool seen_dot = false, any_digit = false;
	int64_t point = 0;   /* digits of the significand before the point, leading zeros dropped */
	int64_t ndigits = 0; /* significant digits seen (after leading zeros) */
	int64_t exponent = 0;
	int64_t micros = 0;
	int round_digit = 0;
	CLEAN_FIELD(field);

	if (*p == '-')
		return pc_error_set(PC_EINPUT, "field '%s': negative cost %s", field,
				    quote(qbuf, text));
	if (*p == '+')
		p++;
	mantissa = p;
	/* First pass: the form, where the point falls, the exponent. */
	for (; *p && *p != 'e' && *p != 'E'; p++) {
		if (*p == '.' && !seen_dot) {
			seen_dot = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			goto bad_form;
		any_digit = true;
		if (*p == '0' && ndigits == 0)
			continue;
		ndigits++;
		if (!seen_dot)
			point++;
		else if (ndigits == 1)
			point = 0;
	}
	if (!any_digit)
		goto bad_form;
	if (*p == 'e' || *p == 'E') {
		int exp_sign = 1;
		bool exp_digit = false;

		p++;
		if (*p == '+' || *p == '-')
			exp_sign = *p++ == '-' ? -1 : 1;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				goto bad_form;
			exp_digit = true;
			if (exponent < 100000)
				exponent = exponent * 10 + (*p - '0');
		}
		if (!exp_digit)
			goto bad_form;
		exponent *= exp_sign;
	}
	if (ndigits == 0) {
		*out = 0;
		return 0;
	}
	/*
	 * The significand is d1 d2 ... dn with the point after `point` digits
	 * (negative: that many zeros between the point and d1). Each leading
	 * zero after the point lowers `point`: count them.
	 */
	if (seen_dot && point == 0) {
		const char *q = strchr(mantissa, '.') + 1;

		while (*q == '0') {
			point--;
			q++;
		}
	}
	point += exponent;
	/* The micro-units are the digits up to point + 6; the next decides the rounding. */
	{
		int64_t keep = point + 6, index = 0;

		if (keep > 16)
			goto absurd;
		for (const char *q = mantissa; *q && *q != 'e' && *q != 'E'; q++) {
			if (*q == '.' || (*q == '0' && index == 0))
				continue; /* the point, leading zeros */
			if (index < keep)
				micros = micros * 10 + (*q - '0');
			else if (index == keep)
				round_digit = *q - '0';
			index++;
		}
		/* Digits the significand does not have are zeros. */
		for (; index < keep; index++)
			micros *= 10;
	}
	/* Half away from zero: the first dropped digit alone decides (amounts are positive). */
	if (round_digit >= 5)
		micros++;
	if (micros > COST_MAX_MICROS)
		goto absurd;
	*out = micros;
	return 0;

absurd:
	return pc_error_set(PC_EINPUT, "field '%s': absurd cost %s (more than 10^9)", field,
			    quote(qbuf, text));
bad_form:
	return pc_error_set(PC_EINPUT, "field '%s': '%s' is not a decimal amount", field,
			    quote(qbuf, text));
}

/* JSON values: the same rules, for the types a source may give each kind in. */

static const char *type_name(const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

static int wrong_type(const json_t *value, const char *field, const char *expected)
{
	CLEAN_FIELD(field);

	if (!value)
		return pc_error_set(PC_EINPUT, "field '%s' is missing", field);
	return pc_error_set(PC_EINPUT, "field '%s': expected %s, found %s", field, expected,
			    type_name(value));
}

int pc_usage_json_time(int64_t *out, const json_t *value, const char *field)
{
	if (!json_is_string(value))
		return wrong_type(value, field, "an RFC 3339 time (a string)");
	return parse_time(out, json_string_value(value), field);
}

int pc_usage_json_unix_nanos(int64_t *out, const json_t *value, const char *field)
{
	char text[32];

	if (json_is_integer(value)) {
		snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		return parse_unix_nanos(out, text, field);
	}
	if (!json_is_string(value))
		return wrong_type(value, field, "nanoseconds since 1970 (a string or an integer)");
	return parse_unix_nanos(out, json_string_value(value), field);
}

int pc_usage_json_count(int64_t *out, const json_t *value, const char *field)
{
	char text[64];

	if (json_is_integer(value)) {
		snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		return pc_usage_parse_count(out, text, field);
	}
	if (json_is_real(value)) {
		double d = json_real_value(value);
		CLEAN_FIELD(field);

		/* 120.0 is a count; 12.5 is not. Beyond 10^15 (exact in a double) is absurd. */
		if (d < 0 && d > -1e300)
			return pc_error_set(PC_EINPUT, "field '%s': negative count %g", field, d);
		if (!(d <= (double)PC_USAGE_MAX_COUNT))
			return pc_error_set(PC_EINPUT, "field '%s': absurd count %g (more than 10^15)",
					    field, d);
		if (d != (double)(int64_t)d)
			return pc_error_set(PC_EINPUT, "field '%s': %g is not a whole count", field, d);
		*out = (int64_t)d;
		return 0;
	}
	if (json_is_string(value))
		return pc_usage_parse_count(out, json_string_value(value), field);
	return wrong_type(value, field, "a count");
}

int pc_usage_json_cost(int64_t *out, const json_t *value, const char *field)
{
	char text[64];

	if (json_is_integer(value)) {
		snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		return pc_usage_parse_cost(out, text, field);
	}
	if (json_is_real(value)) {
		double d = json_real_value(value);

		/*
		 * jansson has already turned the source's text into a double. The
		 * shortest text that reads back as the same double is the text the
		 * source wrote (JavaScript and Python write numbers that way), so
		 * the amount is scaled from that text, exactly, never multiplied
		 * in floating point.
		 */
		for (int precision = 1; precision <= 17; precision++) {
			snprintf(text, sizeof(text), "%.*g", precision, d);
			if (strtod(text, NULL) == d)
				break;
		}
		return pc_usage_parse_cost(out, text, field);
	}
	if (json_is_string(value))
		return pc_usage_parse_cost(out, json_string_value(value), field);
	return wrong_type(value, field, "an amount");
}

int pc_usage_json_string(const char **out, const json_t *value, const char *field)
{
	if (!json_is_string(value))
		return wrong_type(value, field, "a string");
	*out = json_string_value(value);
	return 0;
}

int pc_usage_json_optional_string(const char **out, const json_t *value, const char *field)
{
	if (!value || json_is_null(value)) {
		*out = NULL;
		return 0;
	}
	return pc_usage_json_string(out, value, field);
}

int pc_usage_json_label(const char **out, char buf[PC_USAGE_LABEL_MAX], const json_t *value,
			const char *field)
{
	if (!value || json_is_null(value)) {
		*out = NULL;
		return 0;
	}
	if (json_is_integer(value)) {
		snprintf(buf, PC_USAGE_LABEL_MAX, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		*out = buf;
		return 0;
	}
	if (!json_is_string(value))
		return wrong_type(value, field, "a string or an integer");
	*out = json_string_value(value);
	return 0;
}
