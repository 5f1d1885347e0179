/*
 * libFuzzer target for the glob matcher (`make fuzz`): a glob and a path
 * from the input (split at the first NUL byte). Globs come from the head of
 * a pull request and paths from its tree, so the matcher must never crash,
 * must answer in at most PC_GLOB_MAX_STEPS steps (linear in the path for
 * any glob), and must agree with the reference matcher of
 * fuzz/glob_reference.h on inputs short enough for it.
 * Its corpus, fuzz/corpus/glob/, is replayed by tests/test_fuzz_corpora.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/common.h"
#include "promptcost/glob.h"

#include "glob_reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t glob_len = nul ? (size_t)(nul - data) : size;
	char *glob = pc_xstrndup((const char *)data, glob_len);
	char *path = pc_xstrndup(nul ? (const char *)nul + 1 : "",
				 nul ? size - glob_len - 1 : 0);
	uint64_t steps = 0;
	bool matched = pc_glob_match_counted(glob, path, &steps);

	/* the same answer twice: no hidden state */
	if (matched != pc_glob_match(glob, path))
		abort();
	if (steps > PC_GLOB_MAX_STEPS(strlen(glob), strlen(path)))
		abort();
	/* the reference is exponential: only where it answers quickly */
	if (strlen(glob) <= 12 && strlen(path) <= 24 && matched != reference_glob_match(glob, path))
		abort();
	free(glob);
	free(path);
	return 0;
}
