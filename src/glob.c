/*
 * The glob matcher of the templates stage. A glob comes from the head of a
 * pull request, so its time must not depend on how hostile it is: both the
 * segments of a path (for '**') and the bytes of a segment (for '*') are
 * matched greedily with one backtrack point, which is exact here because
 * every other token consumes exactly one segment or one byte. Each pair
 * (glob position, path position) is then visited at most once:
 * O(len(glob) x len(path)) steps for any input, where the recursive matcher
 * it replaced took minutes for five '*' against long names.
 */
#include "promptcost/glob.h"

#include <string.h>

/*
 * One token of a segment at p (not '*') against the byte c; sets *next past
 * the token. close is the segment's last ']' (or NULL): a class opened at p
 * is closed by the first ']' after its first member, so it has one exactly
 * when that member starts before close.
 */
static bool match_token(const char **next, const char *p, const char *pend, const char *close,
			unsigned char c, uint64_t *steps)
{
	if (*p == '?') {
		*next = p + 1;
		return true;
	}
	if (*p == '[') {
		const char *q = p + 1;
		bool negate = false, in = false;

		if (q < pend && (*q == '!' || *q == '^')) {
			negate = true;
			q++;
		}
		if (close && q < close) {
			/* a ']' first is a member; the loop stops at or before close */
			do {
				(*steps)++;
				if (q + 2 < pend && q[1] == '-' && q[2] != ']') {
					if (c >= (unsigned char)q[0] && c <= (unsigned char)q[2])
						in = true;
					q += 3;
				} else {
					if (c == (unsigned char)*q)
						in = true;
					q++;
				}
			} while (*q != ']');
			*next = q + 1;
			return in != negate;
		}
		/* no closing bracket in this segment: a literal '[' */
	} else if (*p == '\\' && p + 1 < pend) {
		p++;
	}
	*next = p + 1;
	return c == (unsigned char)*p;
}

/* One segment of glob [p, pend) against one segment of path [s, send). */
static bool match_segment(const char *p, const char *pend, const char *s, const char *send,
			  uint64_t *steps)
{
	const char *close = memrchr(p, ']', (size_t)(pend - p));
	const char *star_p = NULL, *star_s = NULL;

	while (s < send) {
		const char *next;

		(*steps)++;
		if (p < pend && *p == '*') {
			while (p < pend && *p == '*')
				p++;
			if (p == pend)
				return true;
			star_p = p;
			star_s = s;
			continue;
		}
		if (p < pend && match_token(&next, p, pend, close, (unsigned char)*s, steps)) {
			p = next;
			s++;
			continue;
		}
		if (!star_p)
			return false;
		/* the last '*' takes one byte more; earlier ones never need to */
		p = star_p;
		s = ++star_s;
	}
	while (p < pend && *p == '*')
		p++;
	return p == pend;
}

static const char *segment_end(const char *s)
{
	const char *e = strchr(s, '/');

	return e ? e : s + strlen(s);
}

/* The segment after the one ending at end, or NULL after the last. */
static const char *segment_next(const char *end)
{
	return *end ? end + 1 : NULL;
}

static bool is_double_star(const char *g, const char *gend)
{
	return gend - g == 2 && g[0] == '*' && g[1] == '*';
}

/*
 * A '**' segment that ends the glob (or is followed only by a '/') matches
 * one or more remaining segments, whatever they hold; returns where it
 * starts, or NULL.
 */
static const char *trailing_double_star(const char *glob)
{
	size_t len = strlen(glob);

	if (len && glob[len - 1] == '/')
		len--;
	if (len >= 2 && glob[len - 1] == '*' && glob[len - 2] == '*' &&
	    (len == 2 || glob[len - 3] == '/'))
		return glob + len - 2;
	return NULL;
}

bool pc_glob_match_counted(const char *glob, const char *path, uint64_t *steps)
{
	uint64_t unused = 0;
	const char *trailing = trailing_double_star(glob);
	const char *g = glob, *p = path, *star_g = NULL, *star_p = NULL;

	if (!steps)
		steps = &unused;
	while (p) {
		const char *pend = segment_end(p);

		(*steps)++;
		if (trailing && g == trailing)
			return true;
		if (g) {
			const char *gend = segment_end(g);

			if (is_double_star(g, gend)) {
				/* not the trailing one, so a segment follows it */
				star_g = gend + 1;
				star_p = p;
				g = star_g;
				continue;
			}
			if (match_segment(g, gend, p, pend, steps)) {
				g = segment_next(gend);
				p = segment_next(pend);
				continue;
			}
		}
		if (!star_g)
			return false;
		/* the last '**' takes one segment more */
		star_p = segment_next(segment_end(star_p));
		p = star_p;
		g = star_g;
	}
	return !g;
}

size_t pc_glob_literal_len(const char *glob)
{
	return strcspn(glob, "*?[\\");
}

bool pc_glob_match(const char *glob, const char *path)
{
	/* a glob with no wildcard or escape is a path (most templates name one file) */
	if (!glob[pc_glob_literal_len(glob)])
		return !strcmp(glob, path);
	return pc_glob_match_counted(glob, path, NULL);
}
