/*
 * libFuzzer target for `promptcost prices import` (`make fuzz`): any bytes
 * as a price file. The reader (src/json_text.h, src/prices_import.c) must
 * never crash, leak or hang; an error is one line naming the file; a file it
 * accepts gives a `models:` section that .promptcost.yml's reader accepts
 * (what it writes is configuration).
 * Its corpus, fuzz/corpus/prices/, is replayed by tests/test_fuzz_corpora.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/catalog.h"
#include "promptcost/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_strlist only = PC_STRLIST_INIT;
	struct pc_buf out = PC_BUF_INIT, config_text = PC_BUF_INIT;
	struct pc_config *config = NULL;
	int error = pc_prices_import(&out, "prices.json", (const char *)data, size, "2025-06-10",
				     NULL, &only);

	if (error) {
		const char *msg = pc_error_message();

		if (!*msg || strchr(msg, '\n') || strncmp(msg, "prices.json: ", 13))
			abort();
		pc_error_clear();
		pc_buf_release(&out);
		return 0;
	}
	pc_buf_adds(&config_text, "version: 1\n");
	pc_buf_add(&config_text, out.ptr, out.len);
	/* a section with no models is "models:" and nothing: still a configuration */
	if (pc_config_parse(&config, ".promptcost.yml", config_text.ptr, config_text.len)) {
		/* a model name the YAML reader refuses (a NUL byte...) is the only way out */
		const char *msg = pc_error_message();

		if (!strstr(msg, "models") && !strstr(msg, "model '"))
			abort();
		pc_error_clear();
	}
	pc_config_free(config);
	pc_buf_release(&out);
	pc_buf_release(&config_text);
	return 0;
}
