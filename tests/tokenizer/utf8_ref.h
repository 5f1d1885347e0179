/*
 * An independent model of UTF-8 replacement for the tests and the fuzz
 * target: what the tokenizer's output must decode to. Written from the
 * Unicode standard's definition (table 3-7, "maximal subpart" practice), not
 * from src/tokenizer, so the two can disagree when one is wrong.
 */
#ifndef PROMPTCOST_TESTS_UTF8_REF_H
#define PROMPTCOST_TESTS_UTF8_REF_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Is byte c allowed at index k (1..3) of a sequence that starts with lead? */
static int utf8_ref_continues(unsigned lead, size_t k, unsigned c)
{
	if (k == 1) {
		if (lead == 0xE0)
			return c >= 0xA0 && c <= 0xBF;
		if (lead == 0xED)
			return c >= 0x80 && c <= 0x9F;
		if (lead == 0xF0)
			return c >= 0x90 && c <= 0xBF;
		if (lead == 0xF4)
			return c >= 0x80 && c <= 0x8F;
	}
	return c >= 0x80 && c <= 0xBF;
}

/*
 * in[0..n) with every maximal invalid subsequence replaced by EF BF BD; a
 * malloc'ed buffer of up to 3n bytes, its length in *out_n.
 */
static unsigned char *utf8_ref_replace(const unsigned char *in, size_t n, size_t *out_n)
{
	unsigned char *out = malloc(3 * n + 1);
	size_t o = 0, i = 0;

	while (i < n) {
		unsigned lead = in[i];
		size_t want = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 :
			      lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
		size_t k = 1;

		if (want == 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		while (k < want && i + k < n && utf8_ref_continues(lead, k, in[i + k]))
			k++;
		if (k == want) {
			memcpy(out + o, in + i, want);
			o += want;
		} else {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
		}
		i += k;
	}
	*out_n = o;
	return out;
}

#endif
