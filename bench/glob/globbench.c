/*
 * The glob benchmark's driver (bench/glob/run.sh): matches one glob against
 * every path of a file (one a line) with the matcher named by the first
 * argument, `new` (pc_glob_match, src/glob.c) or `old` (the PREVIOUS
 * IMPLEMENTATION, the recursive matcher that src/templates.c had before
 * src/glob.c, kept here only to measure against), and prints the count.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/glob.h"

/* ---- the previous implementation, verbatim but renamed ---- */
static bool match_class(const char **pp, char c)
{
	const char *p = *pp + 1;
	bool negate = false, matched = false;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	/* a ']' right after the opening bracket is literal */
	do {
		if (p[0] && p[1] == '-' && p[2] && p[2] != ']') {
			if ((unsigned char)c >= (unsigned char)p[0] &&
			    (unsigned char)c <= (unsigned char)p[2])
				matched = true;
			p += 3;
		} else {
			if (*p == c)
				matched = true;
			p++;
		}
	} while (*p && *p != ']');
	*pp = *p ? p + 1 : p;
	return matched != negate;
}

/* Matches one segment's worth of pattern (up to '/' or end) against one segment. */
static bool match_segment(const char *p, const char *pend, const char *s, const char *send)
{
	while (p < pend) {
		if (*p == '*') {
			while (p < pend && *p == '*')
				p++;
			if (p == pend)
				return true;
			for (const char *t = s; t <= send; t++)
				if (match_segment(p, pend, t, send))
					return true;
			return false;
		}
		if (s == send)
			return false;
		if (*p == '?') {
			p++;
			s++;
		} else if (*p == '[' && memchr(p, ']', (size_t)(pend - p))) {
			if (!match_class(&p, *s))
				return false;
			s++;
		} else {
			if (*p == '\\' && p + 1 < pend)
				p++;
			if (*p != *s)
				return false;
			p++;
			s++;
		}
	}
	return s == send;
}

static const char *segment_end(const char *s)
{
	const char *e = strchr(s, '/');

	return e ? e : s + strlen(s);
}

static bool old_glob_match(const char *glob, const char *path)
{
	const char *gend = segment_end(glob), *pend = segment_end(path);

	if (gend - glob == 2 && glob[0] == '*' && glob[1] == '*') {
		/* '**': zero or more whole segments */
		const char *rest = *gend ? gend + 1 : gend;

		if (!*rest)
			return true;
		for (const char *s = path;; s = pend + 1) {
			pend = segment_end(s);
			if (old_glob_match(rest, s))
				return true;
			if (!*pend)
				return false;
		}
	}
	if (!match_segment(glob, gend, path, pend))
		return false;
	if (!*gend || !*pend)
		return !*gend && !*pend;
	return old_glob_match(gend + 1, pend + 1);
}
/* ---- end of the previous implementation ---- */

int main(int argc, char **argv)
{
	char line[4096];
	unsigned long matched = 0;
	FILE *f;

	if (argc != 4 || (strcmp(argv[1], "old") && strcmp(argv[1], "new"))) {
		fprintf(stderr, "usage: globbench old|new GLOB PATHS-FILE\n");
		return 2;
	}
	if (!(f = fopen(argv[3], "r"))) {
		perror(argv[3]);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		matched += argv[1][0] == 'o' ? old_glob_match(argv[2], line)
					     : pc_glob_match(argv[2], line);
	}
	fclose(f);
	printf("%lu\n", matched);
	return 0;
}
