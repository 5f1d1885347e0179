/*
 * libFuzzer target for the Langfuse importer's mapper (`make fuzz`):
 * any bytes, parsed as JSON, handed to pc_usage_map_langfuse under the
 * properties of fuzz/usage_json_fuzz.h. Its corpus, fuzz/corpus/usage_langfuse/,
 * is replayed by tests/test_fuzz_corpora.c.
 */
#include "usage_json_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_usage_json(pc_usage_map_langfuse, data, size);
}
