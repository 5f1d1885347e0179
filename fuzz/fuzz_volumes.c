/*
 * libFuzzer target for the recorded-volumes reader (`make fuzz`): any bytes
 * as `.promptcost/volumes.yml`. The head of a pull request can edit the file,
 * and check parses the head's edit, so the reader must never crash, leak or
 * hang; an error is one located line; a file it accepts, written back and
 * read again, gives the same bytes (the writer and the reader agree).
 * Its corpus, fuzz/corpus/volumes/, is replayed by tests/test_fuzz_corpora.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/volumes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_volumes *v = NULL, *again = NULL;
	struct pc_buf first = PC_BUF_INIT, second = PC_BUF_INIT;
	int error = pc_volumes_parse(&v, "volumes.yml", (const char *)data, size);

	if (error) {
		const char *msg = pc_error_message();

		if (v || !*msg || strchr(msg, '\n') || strncmp(msg, "volumes.yml:", 12))
			abort();
		pc_error_clear();
		return 0;
	}
	pc_volumes_write(&first, v);
	if (pc_volumes_parse(&again, "volumes.yml", first.ptr, first.len))
		abort();
	pc_volumes_write(&second, again);
	if (first.len != second.len || memcmp(first.ptr, second.ptr, first.len))
		abort();
	pc_buf_release(&first);
	pc_buf_release(&second);
	pc_volumes_free(v);
	pc_volumes_free(again);
	return 0;
}
