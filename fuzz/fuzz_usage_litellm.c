/*
 * libFuzzer target for the LiteLLM spend-log source (`make fuzz`): any
 * bytes as an imported file read as LiteLLM rows, CSV or JSON (lines, an
 * array, pages) as its first byte says, which drives the CSV reader, the
 * JSON splitter and the row mapping under the properties of
 * fuzz/usage_input_fuzz.h. Its corpus, fuzz/corpus/usage_litellm/, is
 * replayed by tests/test_usage_litellm.c.
 */
#include "usage_input_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_usage_input(PC_USAGE_LITELLM, data, size);
	return 0;
}
