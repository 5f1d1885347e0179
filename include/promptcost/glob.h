/*
 * Glob matching for the `files` of a template. Globs come from the head of a
 * pull request, so the matcher's time is bounded for any glob: at most
 * O(len(glob) x len(path)) steps, never exponential.
 */
#ifndef PROMPTCOST_GLOB_H
#define PROMPTCOST_GLOB_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/*
 * Matches a path against a glob: '*' (any run) and '?' (one byte) within one
 * path segment; '[...]' classes of one byte, '!' or '^' first negates,
 * 'a-z' ranges, a ']' right after the opening bracket is literal, and a
 * class never spans a '/' (a '[' with no closing ']' in its segment is a
 * literal '['); '\' makes the next byte literal; '**' as a whole segment
 * matches zero or more segments in the middle of a glob and one or more at
 * its end ("p/" then "**" matches "p/a" and "p/a/b", not "p").
 */
bool pc_glob_match(const char *glob, const char *path);

/*
 * The literal start of a glob: the bytes before its first wildcard or
 * escape. Every path it matches starts with them; a glob that is all
 * literal start names one path, the glob itself.
 */
size_t pc_glob_literal_len(const char *glob);

/*
 * pc_glob_match, also adding to *steps the number of elementary steps taken
 * (one per byte compared or skipped), for the tests that bound it: never
 * more than PC_GLOB_MAX_STEPS(strlen(glob), strlen(path)).
 */
bool pc_glob_match_counted(const char *glob, const char *path, uint64_t *steps);

#define PC_GLOB_MAX_STEPS(glob_len, path_len) \
	(4 * ((uint64_t)(glob_len) + 1) * ((uint64_t)(path_len) + 1))

#endif
