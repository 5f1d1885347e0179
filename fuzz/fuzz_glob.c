/*
 * libFuzzer target for the glob matcher (`make fuzz`): a glob and a path
 * from the input (split at the first NUL byte). Globs come from the head of
 * a pull request and paths from its tree, so the matcher must never crash
 * and must answer in time linear in the path for any glob.
 * Its corpus, fuzz/corpus/glob/, is replayed by tests/test_fuzz_corpora.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/templates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t glob_len = nul ? (size_t)(nul - data) : size;
	char *glob = pc_xstrndup((const char *)data, glob_len);
	char *path = pc_xstrndup(nul ? (const char *)nul + 1 : "",
				 nul ? size - glob_len - 1 : 0);

	/* the same answer twice: no hidden state */
	if (pc_glob_match(glob, path) != pc_glob_match(glob, path))
		abort();
	free(glob);
	free(path);
	return 0;
}
