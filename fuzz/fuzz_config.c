/*
 * libFuzzer target for the configuration reader (`make fuzz`): any bytes as
 * `.promptcost.yml`. A configuration comes from the head of a pull request,
 * so the reader must never crash, leak or hang on it, and every error must be
 * one located line. Its corpus, fuzz/corpus/config/, is replayed by
 * tests/test_fuzz_corpora.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_config *config = NULL;
	int error = pc_config_parse(&config, ".promptcost.yml", (const char *)data, size);

	if (error) {
		const char *msg = pc_error_message();

		/* an error has a message of one line that says where */
		if (config || !*msg || strchr(msg, '\n') || strncmp(msg, ".promptcost.yml", 15))
			abort();
		pc_error_clear();
	} else if (!config) {
		abort();
	}
	pc_config_free(config);
	return 0;
}
