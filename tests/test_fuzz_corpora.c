/*
 * Replays the corpora of the fuzz targets for what a pull request's head
 * hands the tool (fuzz/fuzz_{config,approvals,glob,volumes,formats}.c), of a price
 * file for `prices import` (fuzz/fuzz_prices.c) and for the usage importers' mappers
 * (fuzz/fuzz_usage_{langfuse,otlp,openai}.c) as ordinary tests:
 * every input that once grew a fuzzer's coverage, or once crashed it, keeps
 * being checked by `make test` under the same properties (the targets abort
 * when a property fails). The tokenizer's corpus is replayed by
 * test_tokenizer.c.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define LLVMFuzzerTestOneInput fuzz_config_one
#include "../fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_approvals_one
#include "../fuzz/fuzz_approvals.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_glob_one
#include "../fuzz/fuzz_glob.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_volumes_one
#include "../fuzz/fuzz_volumes.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_usage_langfuse_one
#include "../fuzz/fuzz_usage_langfuse.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_usage_otlp_one
#include "../fuzz/fuzz_usage_otlp.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_usage_openai_one
#include "../fuzz/fuzz_usage_openai.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_prices_one
#include "../fuzz/fuzz_prices.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_formats_one
#include "../fuzz/fuzz_formats.c"
#undef LLVMFuzzerTestOneInput

/* Runs one target over every file of a corpus folder; returns how many. */
static size_t replay(const char *dir, int (*one)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		struct pc_buf input = PC_BUF_INIT;
		char path[1024];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_int_equal(pc_file_read(&input, path, 64 * 1024 * 1024), 0);
		one((const uint8_t *)input.ptr, input.len);
		pc_buf_release(&input);
		n++;
	}
	closedir(d);
	return n;
}

static void test_fuzz_corpora__config_reader_corpus_parses_or_fails_on_one_located_line(void **state)
{
	(void)state;
	assert_true(replay("fuzz/corpus/config", fuzz_config_one) >= 2);
}

static void test_fuzz_corpora__approvals_corpus_reads_back_what_it_writes(void **state)
{
	(void)state;
	assert_true(replay("fuzz/corpus/approvals", fuzz_approvals_one) >= 2);
}

static void test_fuzz_corpora__glob_corpus_matches_without_crashing(void **state)
{
	(void)state;
	assert_true(replay("fuzz/corpus/glob", fuzz_glob_one) >= 1);
}

static void test_fuzz_corpora__volumes_corpus_reads_back_what_it_writes(void **state)
{
	(void)state;
	assert_true(replay("fuzz/corpus/volumes", fuzz_volumes_one) >= 3);
}

static void test_fuzz_corpora__usage_mapper_corpora_map_or_fail_on_one_line(void **state)
{
	(void)state;
	assert_true(replay("fuzz/corpus/usage_langfuse", fuzz_usage_langfuse_one) >= 9);
	assert_true(replay("fuzz/corpus/usage_otlp", fuzz_usage_otlp_one) >= 4);
	assert_true(replay("fuzz/corpus/usage_openai", fuzz_usage_openai_one) >= 5);
}

static void test_fuzz_corpora__prices_corpus_imports_to_a_configuration(void **state)
{
	(void)state;
	assert_true(replay("fuzz/corpus/prices", fuzz_prices_one) >= 4);
}

static void test_fuzz_corpora__formats_corpus_fails_on_one_located_line(void **state)
{
	(void)state;
	assert_true(replay("fuzz/corpus/formats", fuzz_formats_one) >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_corpora__config_reader_corpus_parses_or_fails_on_one_located_line),
		cmocka_unit_test(test_fuzz_corpora__approvals_corpus_reads_back_what_it_writes),
		cmocka_unit_test(test_fuzz_corpora__glob_corpus_matches_without_crashing),
		cmocka_unit_test(test_fuzz_corpora__volumes_corpus_reads_back_what_it_writes),
		cmocka_unit_test(test_fuzz_corpora__usage_mapper_corpora_map_or_fail_on_one_line),
		cmocka_unit_test(test_fuzz_corpora__prices_corpus_imports_to_a_configuration),
		cmocka_unit_test(test_fuzz_corpora__formats_corpus_fails_on_one_located_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
