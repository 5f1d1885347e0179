/*
 * Times the tokenizer (not part of the test suite): throughput on files and
 * on long single pieces, for both encodings, on one core.
 *
 *   tokbench FILE...            MB/s per file and encoding (best of several runs)
 *   tokbench --pieces           100 kB and 1 MB single pieces of several kinds
 *   tokbench --raw ENC FILE     the ids as little-endian uint32 on stdout (pipe to sha256sum)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "promptcost/tokenizer.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Best wall time of runs encodings of text, in seconds; *count_out gets the token count. */
static double best_time(enum pc_encoding enc, const char *text, size_t len, int runs,
			size_t *count_out)
{
	double best = 1e9;

	for (int r = 0; r < runs; r++) {
		uint32_t *ids;
		size_t n;
		double t0 = now(), t;

		pc_tokens_encode(&ids, &n, enc, text, len);
		t = now() - t0;
		free(ids);
		*count_out = n;
		if (t < best)
			best = t;
	}
	return best;
}

static char *piece(const char *kind, size_t len)
{
	char *s = malloc(len + 1);
	unsigned x = 12345;

	for (size_t i = 0; i < len;) {
		if (!strcmp(kind, "a")) {
			s[i++] = 'a';
		} else if (!strcmp(kind, "letters")) {
			x = x * 1103515245u + 12345u;
			s[i++] = (char)('a' + (x >> 16) % 26);
		} else if (!strcmp(kind, "digits")) {
			x = x * 1103515245u + 12345u;
			s[i++] = (char)('0' + (x >> 16) % 10);
		} else if (!strcmp(kind, "spaces")) {
			s[i++] = ' ';
		} else if (!strcmp(kind, "cjk")) {
			if (i + 3 > len)
				break;
			memcpy(s + i, "\xe4\xb8\xad", 3); /* U+4E2D */
			i += 3;
		}
	}
	s[len] = '\0';
	return s;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--raw")) {
		struct pc_buf b = PC_BUF_INIT;
		enum pc_encoding enc;
		uint32_t *ids;
		size_t n;

		if (pc_encoding_lookup(&enc, argv[2]) || pc_file_read(&b, argv[3], SIZE_MAX)) {
			fprintf(stderr, "tokbench: %s\n", pc_error_message());
			return 2;
		}
		pc_tokens_encode(&ids, &n, enc, b.ptr, b.len);
		for (size_t i = 0; i < n; i++) {
			unsigned char le[4] = { (unsigned char)ids[i], (unsigned char)(ids[i] >> 8),
						(unsigned char)(ids[i] >> 16), (unsigned char)(ids[i] >> 24) };
			fwrite(le, 1, 4, stdout);
		}
		free(ids);
		pc_buf_release(&b);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--pieces")) {
		const char *kinds[] = { "a", "letters", "digits", "spaces", "cjk" };
		size_t sizes[] = { 100000, 1000000 };

		for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++)
			for (size_t z = 0; z < 2; z++)
				for (int e = 0; e < PC_ENC__COUNT; e++) {
					char *s = piece(kinds[k], sizes[z]);
					size_t n;
					double t = best_time((enum pc_encoding)e, s, strlen(s), 3, &n);

					printf("%-8s %7zu bytes  %-11s %8zu tokens  %8.2f ms\n", kinds[k],
					       strlen(s), pc_encoding_name((enum pc_encoding)e), n, t * 1e3);
					free(s);
				}
		return 0;
	}
	for (int a = 1; a < argc; a++) {
		struct pc_buf b = PC_BUF_INIT;

		if (pc_file_read(&b, argv[a], SIZE_MAX)) {
			fprintf(stderr, "tokbench: %s\n", pc_error_message());
			return 2;
		}
		for (int e = 0; e < PC_ENC__COUNT; e++) {
			size_t n;
			double t = best_time((enum pc_encoding)e, b.ptr, b.len, 15, &n);

			printf("%-32s %-11s %9zu bytes %8zu tokens %8.2f ms %8.1f MB/s\n", argv[a],
			       pc_encoding_name((enum pc_encoding)e), b.len, n, t * 1e3,
			       (double)b.len / t / 1e6);
		}
		pc_buf_release(&b);
	}
	return 0;
}
