/*
 * A reference glob matcher: the rules of include/promptcost/glob.h written
 * out as directly as possible, recursively, with no care for time (it is
 * exponential in the number of separate '*'). The fuzz target and tests/test_glob.c
 * check pc_glob_match against it on short inputs.
 */
#ifndef PROMPTCOST_GLOB_REFERENCE_H
#define PROMPTCOST_GLOB_REFERENCE_H

#include <stdbool.h>
#include <string.h>

/* One byte against the token at p; *next is set past the token. */
static bool reference_token(const char **next, const char *p, const char *pend, unsigned char c)
{
	if (*p == '?') {
		*next = p + 1;
		return true;
	}
	if (*p == '[') {
		const char *first = p + 1, *closing;
		bool negate = first < pend && (*first == '!' || *first == '^');

		if (negate)
			first++;
		closing = first + 1 < pend ? memchr(first + 1, ']', (size_t)(pend - first - 1)) : NULL;
		if (first < pend && closing) {
			bool in = false;

			for (const char *q = first; q < closing;) {
				if (q + 2 < closing && q[1] == '-') {
					in = in || (c >= (unsigned char)q[0] && c <= (unsigned char)q[2]);
					q += 3;
				} else {
					in = in || c == (unsigned char)*q;
					q++;
				}
			}
			*next = closing + 1;
			return in != negate;
		}
	}
	if (*p == '\\' && p + 1 < pend)
		p++;
	*next = p + 1;
	return c == (unsigned char)*p;
}

static bool reference_segment(const char *p, const char *pend, const char *s, const char *send)
{
	const char *next;

	if (p == pend)
		return s == send;
	if (*p == '*') {
		/* a run of '*' is one '*' (else the reference is too slow to use) */
		while (p + 1 < pend && p[1] == '*')
			p++;
		for (const char *t = s; t <= send; t++)
			if (reference_segment(p + 1, pend, t, send))
				return true;
		return false;
	}
	if (s == send)
		return false;
	return reference_token(&next, p, pend, (unsigned char)*s) &&
	       reference_segment(next, pend, s + 1, send);
}

static const char *reference_end(const char *s)
{
	const char *e = strchr(s, '/');

	return e ? e : s + strlen(s);
}

static bool reference_glob_match(const char *glob, const char *path)
{
	const char *gend = reference_end(glob), *pend = reference_end(path);

	if (gend - glob == 2 && glob[0] == '*' && glob[1] == '*') {
		const char *rest = *gend ? gend + 1 : gend;

		/* at the end: this segment and any after it */
		if (!*rest)
			return true;
		/* in the middle: zero or more segments, then the rest */
		for (const char *s = path;; s = pend + 1) {
			pend = reference_end(s);
			if (reference_glob_match(rest, s))
				return true;
			if (!*pend)
				return false;
		}
	}
	if (!reference_segment(glob, gend, path, pend))
		return false;
	if (!*gend || !*pend)
		return !*gend && !*pend;
	return reference_glob_match(gend + 1, pend + 1);
}

#endif
