/*
 * libFuzzer target for the tokenizer (`make fuzz`): any bytes, both
 * encodings. Checks that the count equals the number of ids and that the ids
 * decode to the input with invalid UTF-8 replaced; the sanitizers catch the
 * rest. Its corpus, fuzz/corpus/tokenizer/, is replayed by tests/test_tokenizer.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/tokenizer.h"
#include "../tests/tokenizer/utf8_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t clean_n;
	unsigned char *clean = utf8_ref_replace(data, size, &clean_n);

	for (int e = 0; e < PC_ENC__COUNT; e++) {
		struct pc_buf decoded = PC_BUF_INIT;
		uint32_t *ids;
		size_t n;

		pc_tokens_encode(&ids, &n, (enum pc_encoding)e, (const char *)data, size);
		if (pc_tokens_count((enum pc_encoding)e, (const char *)data, size) != n)
			abort();
		if (pc_tokens_decode(&decoded, (enum pc_encoding)e, ids, n) != 0)
			abort();
		if (decoded.len != clean_n || memcmp(decoded.ptr, clean, clean_n) != 0)
			abort();
		pc_buf_release(&decoded);
		free(ids);
	}
	free(clean);
	return 0;
}
