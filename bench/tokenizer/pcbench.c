/*
 * promptcost's side of the tokenizer benchmark: times pc_tokens_count() in
 * process, so the figures compare tokenizing with tokenizing (the npm peers
 * are also timed after their vocabulary is loaded). Built by run.sh against
 * build/libpromptcost.a.
 *
 *   pcbench ENCODING FILE RUNS
 *
 * prints one JSON line: the token count, the median wall and CPU seconds of
 * RUNS counts after one warm-up count, and the MB/s they make (MB = 10^6
 * bytes). CPU time is what run.sh reports: on a shared machine other load
 * stretches wall time, not the CPU time the count itself takes.
 */
#include "promptcost/tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
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
	double *times = NULL, *cpu_times = NULL;
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
	cpu_times = pc_xcalloc((size_t)runs, sizeof(*cpu_times));
	tokens = pc_tokens_count(enc, text.ptr, text.len);
	for (int i = 0; i < runs; i++) {
		double start = clock_seconds(CLOCK_MONOTONIC);
		double cpu_start = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
		size_t again = pc_tokens_count(enc, text.ptr, text.len);

		cpu_times[i] = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
		times[i] = clock_seconds(CLOCK_MONOTONIC) - start;
		if (again != tokens) {
			fprintf(stderr, "pcbench: the count changed between runs\n");
			goto done;
		}
	}
	qsort(times, (size_t)runs, sizeof(*times), compare_doubles);
	qsort(cpu_times, (size_t)runs, sizeof(*cpu_times), compare_doubles);
	printf("{\"tool\":\"promptcost\",\"enc\":\"%s\",\"bytes\":%zu,\"tokens\":%zu,"
	       "\"wall_seconds\":%.9f,\"cpu_seconds\":%.9f,\"load_ms\":0,\"load_cpu_ms\":0}\n",
	       argv[1], text.len, tokens, times[runs / 2], cpu_times[runs / 2]);
	status = 0;
done:
	free(cpu_times);
	free(times);
	pc_buf_release(&text);
	return status;
}
