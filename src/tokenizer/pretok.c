/*
 * The pre-tokenizers: hand-written matchers equivalent to the regular
 * expressions (pat_str) of cl100k_base and o200k_base under a backtracking,
 * leftmost-first engine, driven by the Unicode class table. Each call scans
 * a bounded number of times over the piece it returns plus one run of the
 * same class after it, so splitting a text is linear in its length.
 */
#include "tokenizer_int.h"

/* One decoded character: its code point, class bits and the offset just past it. */
struct ch {
	uint32_t cp;
	unsigned cls;
	size_t end;
};

/* Decodes the character at s[i]; s is valid UTF-8 (pc_utf8_clean ran first) and i < its length. */
static inline struct ch ch_at(const unsigned char *s, size_t i)
{
	struct ch c;
	unsigned b = s[i];

	if (b < 0x80) {
		c.cp = b;
		c.end = i + 1;
		c.cls = pc_uc_stage2[b]; /* block 0 is first in the table (tokenizer_int.h) */
		return c;
	} else if (b < 0xE0) {
		c.cp = (b & 0x1Fu) << 6 | (s[i + 1] & 0x3Fu);
		c.end = i + 2;
	} else if (b < 0xF0) {
		c.cp = (b & 0x0Fu) << 12 | (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu);
		c.end = i + 3;
	} else {
		c.cp = (b & 0x07u) << 18 | (s[i + 1] & 0x3Fu) << 12 | (s[i + 2] & 0x3Fu) << 6 |
		       (s[i + 3] & 0x3Fu);
		c.end = i + 4;
	}
	c.cls = pc_uc_class(c.cp);
	return c;
}

static inline int is_crlf(uint32_t cp)
{
	return cp == '\r' || cp == '\n';
}

/* [^\s\p{L}\p{N}]: punctuation, symbols, marks in cl100k, controls that are not space... */
static inline int is_other(unsigned cls)
{
	return !(cls & (PC_UC_WS | PC_UC_L | PC_UC_N));
}

/* [^\r\n\p{L}\p{N}]: the optional character in front of a letter run. */
static inline int is_prefix(const struct ch *c)
{
	return !(c->cls & (PC_UC_L | PC_UC_N)) && !is_crlf(c->cp);
}

/* The end of the run of characters from i whose class has a bit of mask. */
static size_t run_end(const unsigned char *s, size_t n, size_t i, unsigned mask)
{
	while (i < n) {
		struct ch c = ch_at(s, i);

		if (!(c.cls & mask))
			break;
		i = c.end;
	}
	return i;
}

/*
 * (?i:'s|'t|'re|'ve|'m|'ll|'d) at i: the end of the match, or 0. Case-insensitive
 * with Unicode simple case folding, so U+017F LATIN SMALL LETTER LONG S is an s.
 */
static size_t contraction_end(const unsigned char *s, size_t n, size_t i)
{
	struct ch c1, c2;
	uint32_t a, b;

	if (i + 1 >= n || s[i] != '\'')
		return 0;
	c1 = ch_at(s, i + 1);
	a = c1.cp | (c1.cp < 0x80 ? 0x20u : 0); /* ASCII lower case; 0x20 is a no-op on letters */
	if (a == 's' || a == 't' || a == 'm' || a == 'd' || c1.cp == 0x17F)
		return c1.end;
	if ((a != 'r' && a != 'v' && a != 'l') || c1.end >= n)
		return 0;
	c2 = ch_at(s, c1.end);
	b = c2.cp | (c2.cp < 0x80 ? 0x20u : 0);
	if (((a == 'r' || a == 'v') && b == 'e') || (a == 'l' && b == 'l'))
		return c2.end;
	return 0;
}

/*
 * The whitespace alternatives shared by both encodings, at a white-space
 * character i: \s*[\r\n]+ (up to the last line break of the run), then
 * \s+(?!\S) (the run but its last character when non-space follows), then \s+.
 */
static size_t whitespace_end(const unsigned char *s, size_t n, size_t i)
{
	size_t last_break_end = 0, last_start = i, j = i;

	while (j < n) {
		struct ch c = ch_at(s, j);

		if (!(c.cls & PC_UC_WS))
			break;
		if (is_crlf(c.cp))
			last_break_end = c.end;
		last_start = j;
		j = c.end;
	}
	if (last_break_end)
		return last_break_end;
	if (j == n || last_start == i)
		return j;
	return last_start;
}

/* \p{N}{1,3} at a digit i. */
static size_t digits_end(const unsigned char *s, size_t n, size_t i)
{
	for (int k = 0; k < 3 && i < n; k++) {
		struct ch c = ch_at(s, i);

		if (!(c.cls & PC_UC_N))
			break;
		i = c.end;
	}
	return i;
}

/*
 * ` ?[^\s\p{L}\p{N}]+[\r\n]*` (o200k: `[\r\n/]*`) at i: the end, or 0 when
 * there is no non-space, non-letter, non-digit character at i (after an
 * optional ASCII space).
 */
static size_t punct_end(const unsigned char *s, size_t n, size_t i, int slash)
{
	size_t j = i;
	struct ch c = ch_at(s, i);

	if (c.cp == ' ') {
		if (c.end >= n)
			return 0;
		j = c.end;
		c = ch_at(s, j);
	}
	if (!is_other(c.cls))
		return 0;
	j = c.end;
	while (j < n) {
		c = ch_at(s, j);
		if (!is_other(c.cls))
			break;
		j = c.end;
	}
	while (j < n && (s[j] == '\r' || s[j] == '\n' || (slash && s[j] == '/')))
		j++;
	return j;
}

size_t pc_pretok_cl100k(const unsigned char *s, size_t n, size_t i)
{
	struct ch c0 = ch_at(s, i);
	size_t e;

	/* (?i:'s|'t|'re|'ve|'m|'ll|'d) */
	if (c0.cp == '\'' && (e = contraction_end(s, n, i)) != 0)
		return e;
	/* [^\r\n\p{L}\p{N}]?\p{L}+ */
	if (c0.cls & PC_UC_L)
		return run_end(s, n, c0.end, PC_UC_L);
	if (is_prefix(&c0) && c0.end < n) {
		struct ch c1 = ch_at(s, c0.end);

		if (c1.cls & PC_UC_L)
			return run_end(s, n, c1.end, PC_UC_L);
	}
	/* \p{N}{1,3} */
	if (c0.cls & PC_UC_N)
		return digits_end(s, n, i);
	/* ` ?[^\s\p{L}\p{N}]+[\r\n]*`: always matches at a character that is not white space */
	if ((e = punct_end(s, n, i, 0)) != 0)
		return e;
	return whitespace_end(s, n, i);
}

/* o200k's letter classes: "upper" [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], "lower" [\p{Ll}\p{Lm}\p{Lo}\p{M}]. */
#define UPPER (PC_UC_LU | PC_UC_LT | PC_UC_LM | PC_UC_LO | PC_UC_M)
#define LOWER (PC_UC_LL | PC_UC_LM | PC_UC_LO | PC_UC_M)

/*
 * UPPER* LOWER+ at j, as a backtracking engine matches it: the end, or 0.
 * UPPER* takes the longest run first; when no lower-case letter follows it,
 * the engine gives characters back until LOWER+ can start, i.e. the match
 * ends just after the last character of the run that is in both classes.
 */
static size_t upper_lower_end(const unsigned char *s, size_t n, size_t j)
{
	size_t last_lower_end = 0;

	while (j < n) {
		struct ch c = ch_at(s, j);

		if (!(c.cls & UPPER)) {
			if (c.cls & LOWER) /* an Ll: LOWER+ takes the whole lower run */
				return run_end(s, n, c.end, LOWER);
			break;
		}
		if (c.cls & LOWER)
			last_lower_end = c.end;
		j = c.end;
	}
	return last_lower_end;
}

/* UPPER+ LOWER* at j: the end, or 0. */
static size_t upper_then_lower_end(const unsigned char *s, size_t n, size_t j)
{
	if (j >= n || !(ch_at(s, j).cls & UPPER))
		return 0;
	j = run_end(s, n, j, UPPER);
	return run_end(s, n, j, LOWER);
}

/* The optional (?i:'s|...) that ends o200k's two letter alternatives. */
static size_t with_contraction(const unsigned char *s, size_t n, size_t e)
{
	size_t c = e < n && s[e] == '\'' ? contraction_end(s, n, e) : 0;

	return c ? c : e;
}

size_t pc_pretok_o200k(const unsigned char *s, size_t n, size_t i)
{
	struct ch c0 = ch_at(s, i);
	int prefix = is_prefix(&c0);
	size_t e;

	/*
	 * [^\r\n\p{L}\p{N}]?UPPER*LOWER+(contraction)? then
	 * [^\r\n\p{L}\p{N}]?UPPER+LOWER*(contraction)?, each trying the optional
	 * first character taken, then not taken (it may be a mark, itself UPPER).
	 */
	if (c0.cls & (PC_UC_L | PC_UC_M) || prefix) {
		if (prefix && (e = upper_lower_end(s, n, c0.end)) != 0)
			return with_contraction(s, n, e);
		if ((e = upper_lower_end(s, n, i)) != 0)
			return with_contraction(s, n, e);
		if (prefix && (e = upper_then_lower_end(s, n, c0.end)) != 0)
			return with_contraction(s, n, e);
		if ((e = upper_then_lower_end(s, n, i)) != 0)
			return with_contraction(s, n, e);
	}
	/* \p{N}{1,3} */
	if (c0.cls & PC_UC_N)
		return digits_end(s, n, i);
	/* ` ?[^\s\p{L}\p{N}]+[\r\n/]*` */
	if ((e = punct_end(s, n, i, 1)) != 0)
		return e;
	return whitespace_end(s, n, i);
}
