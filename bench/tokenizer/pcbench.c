/*
 * promptcost's side of the tokenizer benchmark: times pc_tokens_count() in
 * process, so the figures compare tokenizing with tokenizing (the npm peers
 * are also timed after their vocabulary is loaded). Built by run.sh against
 * build/libpromptcost.a.
 *
 *   pcbench ENCODING FILE RUNS
 *
 * prints one JSON line: the token count, the median seconds of RUNS counts
 * after one warm-up count, and the MB/s that makes (MB = 10^6 bytes).
 */
#include "promptcost/tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct pc_buf text = PC_BUF_INIT;
	enum pc_encoding enc;
	double *times = NULL;
	size_t tokens;
	int runs;
	int status = 1;

	if (argc != 4 || (runs = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: pcbench ENCODING FILE RUNS\n");
		return 2;
	}
	if (pc_encoding_lookup(&enc, argv[1]) < 0 || pc_file_read(&text, argv[2], (size_t)1 << 30) < 0) {
		fprintf(stderr, "pcbench: %s\n", pc_error_message());
		goto done;
	}
	times = pc_xcalloc((size_t)runs, sizeof(*times));
	tokens = pc_tokens_count(enc, text.ptr, text.len);
	for (int i = 0; i < runs; i++) {
		double start = now_seconds();
		size_t again = pc_tokens_count(enc, text.ptr, text.len);

		times[i] = now_seconds() - start;
		if (again != tokens) {
			fprintf(stderr, "pcbench: the count changed between runs\n");
			goto done;
		}
	}
	qsort(times, (size_t)runs, sizeof(*times), compare_doubles);
	printf("{\"tool\":\"promptcost\",\"enc\":\"%s\",\"bytes\":%zu,\"tokens\":%zu,"
	       "\"seconds\":%.9f,\"mb_per_s\":%.3f,\"load_ms\":0}\n",
	       argv[1], text.len, tokens, times[runs / 2],
	       (double)text.len / 1e6 / times[runs / 2]);
	status = 0;
done:
	free(times);
	pc_buf_release(&text);
	return status;
}
