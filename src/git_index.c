/*
 * git's index file, read directly: see include/promptcost/git_index.h for
 * why, and git's Documentation/gitformat-index.txt for the format. Every
 * field is big-endian. An entry is 40 bytes of stat data (not needed here:
 * the index side reads blobs by id, never the working tree), the object id,
 * a 16-bit flags word (assume-valid, extended, stage, name length), in
 * version 3 and later a second flags word when "extended" is set, then the
 * path: NUL-terminated and padded with NULs to a multiple of 8 bytes in
 * versions 2 and 3; in version 4, prefix-compressed against the previous
 * path and not padded.
 */
#include "promptcost/git_index.h"

#include "promptcost/common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_SIZE 12
#define STAT_SIZE 40
#define ENTRY_FIXED (STAT_SIZE + PC_INDEX_OID_SIZE + 2) /* up to the name, version 2 */
#define FLAG_EXTENDED 0x4000u
#define FLAG_STAGE_SHIFT 12
#define FLAG_NAME_MASK 0x0FFFu
#define MODE_GITLINK 0160000u
#define MODE_SYMLINK 0120000u
#define MODE_FOLDER 0040000u
#define MODE_TYPE 0170000u

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A mode git writes for a file: regular (0644 or 0755), link or submodule. */
static bool mode_known(uint32_t mode)
{
	return mode == 0100644u || mode == 0100755u || mode == MODE_SYMLINK ||
	       mode == MODE_GITLINK;
}

/*
 * git's offset varint (version 4's "bytes to drop"): seven bits a byte, the
 * high bit for "more", and one added at each continuation so that every
 * value has one encoding. SIZE_MAX when it runs past end or overflows.
 */
static size_t decode_varint(const unsigned char **p, const unsigned char *end)
{
	size_t value;
	unsigned char c;

	if (*p >= end)
		return SIZE_MAX;
	c = *(*p)++;
	value = c & 127u;
	while (c & 128u) {
		if (*p >= end || value > (SIZE_MAX >> 8))
			return SIZE_MAX;
		c = *(*p)++;
		value = ((value + 1) << 7) | (c & 127u);
	}
	return value;
}

/* A decimal number of the TREE extension ending at stop: false when it is not one. */
static bool tree_number(long long *out, const unsigned char **p, const unsigned char *end,
			char stop)
{
	bool negative = false, digits = false;
	long long v = 0;

	if (*p < end && **p == '-') {
		negative = true;
		(*p)++;
	}
	while (*p < end && **p >= '0' && **p <= '9') {
		if (v > (LLONG_MAX - 9) / 10)
			return false;
		v = v * 10 + (**p - '0');
		digits = true;
		(*p)++;
	}
	if (!digits || *p >= end || **p != stop)
		return false;
	(*p)++;
	*out = negative ? -v : v;
	return true;
}

static void trees_release(struct pc_index *index)
{
	for (size_t i = 0; i < index->ntrees; i++)
		free(index->trees[i].path);
	free(index->trees);
	index->trees = NULL;
	index->ntrees = 0;
}

/*
 * One folder of the TREE extension and, after it, its subtrees (git writes
 * them depth first): its path component, NUL, the entries it covers (-1:
 * invalidated), a space, its subtrees, a newline, then its id when valid.
 */
static bool parse_tree_node(struct pc_index *index, size_t *cap, const unsigned char **p,
			    const unsigned char *end, struct pc_buf *path, int depth)
{
	const unsigned char *nul = memchr(*p, '\0', (size_t)(end - *p));
	size_t at = path->len;
	long long entries, subtrees;

	if (!nul || depth > 4096)
		return false;
	if (depth > 0) {
		if (nul == *p || memchr(*p, '/', (size_t)(nul - *p)))
			return false;
		pc_buf_add(path, *p, (size_t)(nul - *p));
		pc_buf_addch(path, '/');
	}
	*p = nul + 1;
	if (!tree_number(&entries, p, end, ' ') || !tree_number(&subtrees, p, end, '\n') ||
	    subtrees < 0 || entries < -1)
		return false;
	if (entries >= 0) {
		if ((size_t)(end - *p) < PC_INDEX_OID_SIZE)
			return false;
		PC_GROW(index->trees, *cap, index->ntrees + 1);
		index->trees[index->ntrees].path = pc_xstrdup(path->ptr);
		index->trees[index->ntrees].entries = (size_t)entries;
		memcpy(index->trees[index->ntrees].id, *p, PC_INDEX_OID_SIZE);
		index->ntrees++;
		*p += PC_INDEX_OID_SIZE;
	}
	for (long long i = 0; i < subtrees; i++)
		if (!parse_tree_node(index, cap, p, end, path, depth + 1))
			return false;
	path->len = at;
	path->ptr[at] = '\0';
	return true;
}

static int compare_trees(const void *a, const void *b)
{
	return strcmp(((const struct pc_index_tree *)a)->path, ((const struct pc_index_tree *)b)->path);
}

/*
 * The cache of tree ids, kept only when it parses whole, with each folder
 * once: anything else and it is not used, which costs only speed. git
 * writes a folder's subtrees shortest name first, so they are sorted here.
 */
static void parse_trees(struct pc_index *index, const unsigned char *p, size_t size)
{
	const unsigned char *end = p + size;
	struct pc_buf path = PC_BUF_INIT;
	size_t cap = 0;
	bool ok;

	pc_buf_grow(&path, 64);
	ok = parse_tree_node(index, &cap, &p, end, &path, 0) && p == end;
	if (ok && index->ntrees > 1)
		qsort(index->trees, index->ntrees, sizeof(*index->trees), compare_trees);
	for (size_t i = 1; ok && i < index->ntrees; i++)
		ok = strcmp(index->trees[i - 1].path, index->trees[i].path) < 0;
	if (!ok)
		trees_release(index);
	pc_buf_release(&path);
}

enum pc_index_result pc_index_parse(struct pc_index *out, const unsigned char *data, size_t size)
{
	const unsigned char *p = data + HEADER_SIZE, *end;
	struct pc_buf paths = PC_BUF_INIT; /* offsets until the block stops moving */
	size_t *offsets = NULL;
	uint32_t version, count;
	size_t previous_len = 0;

	memset(out, 0, sizeof(*out));
	if (size < HEADER_SIZE + PC_INDEX_OID_SIZE || memcmp(data, "DIRC", 4))
		return PC_INDEX_FALLBACK;
	version = be32(data + 4);
	count = be32(data + 8);
	end = data + size - PC_INDEX_OID_SIZE; /* the checksum follows everything */
	if (version < 2 || version > 4 || count > (size_t)(end - p) / (ENTRY_FIXED + 1))
		return PC_INDEX_FALLBACK;
	out->entries = pc_xcalloc(count ? count : 1, sizeof(*out->entries));
	offsets = pc_xcalloc(count ? count : 1, sizeof(*offsets));
	for (uint32_t i = 0; i < count; i++) {
		struct pc_index_entry *e = &out->entries[i];
		const unsigned char *entry = p, *name;
		size_t fixed = ENTRY_FIXED, name_len, start = paths.len;
		uint16_t flags;

		if ((size_t)(end - p) < fixed)
			goto fallback;
		e->mode = be32(p + 24);
		memcpy(e->id, p + STAT_SIZE, PC_INDEX_OID_SIZE);
		flags = be16(p + STAT_SIZE + PC_INDEX_OID_SIZE);
		e->stage = (uint16_t)((flags >> FLAG_STAGE_SHIFT) & 3u);
		if (flags & FLAG_EXTENDED) {
			if (version < 3 || (size_t)(end - p) < fixed + 2)
				goto fallback;
			e->extended = be16(p + fixed);
			fixed += 2;
		}
		/* A sparse index's folder entries, and any mode git does not write. */
		if ((e->mode & MODE_TYPE) == MODE_FOLDER || !mode_known(e->mode))
			goto fallback;
		name = p + fixed;
		if (version == 4) {
			size_t strip = decode_varint(&name, end);
			const unsigned char *nul;

			if (strip > previous_len)
				goto fallback;
			nul = memchr(name, '\0', (size_t)(end - name));
			if (!nul)
				goto fallback;
			/* the previous path, less what is dropped, then the new suffix */
			if (i > 0) {
				/* grown first: the prefix is copied from the block itself */
				pc_buf_grow(&paths, previous_len - strip + 1);
				pc_buf_add(&paths, paths.ptr + offsets[i - 1], previous_len - strip);
			}
			pc_buf_add(&paths, name, (size_t)(nul - name));
			p = nul + 1;
		} else {
			const unsigned char *nul = memchr(name, '\0', (size_t)(end - name));
			size_t entry_len;

			if (!nul)
				goto fallback;
			name_len = (size_t)(nul - name);
			/* the 12-bit length is exact below 0xFFF, saturated above */
			if ((flags & FLAG_NAME_MASK) != FLAG_NAME_MASK ?
				    name_len != (flags & FLAG_NAME_MASK) :
				    name_len < FLAG_NAME_MASK)
				goto fallback;
			entry_len = (fixed + name_len + 8) & ~(size_t)7;
			if ((size_t)(end - entry) < entry_len)
				goto fallback;
			pc_buf_add(&paths, name, name_len);
			p = entry + entry_len;
		}
		name_len = paths.len - start;
		if (name_len == 0 || paths.ptr[start] == '/' ||
		    memchr(paths.ptr + start, '\0', name_len))
			goto fallback;
		/* sorted by path, then stage: what lookups here rely on */
		if (i > 0) {
			const char *before = paths.ptr + offsets[i - 1];
			size_t common = previous_len < name_len ? previous_len : name_len;
			int order = memcmp(before, paths.ptr + start, common);

			if (!order)
				order = previous_len < name_len ? -1 : previous_len > name_len ? 1 : 0;
			if (order > 0 || (order == 0 && out->entries[i - 1].stage >= e->stage))
				goto fallback;
		}
		pc_buf_addch(&paths, '\0');
		offsets[i] = start;
		previous_len = name_len;
	}
	/* Extensions: an uppercase first letter marks one a reader may skip. */
	while (p < end) {
		uint32_t ext_size;

		if ((size_t)(end - p) < 8 || p[0] < 'A' || p[0] > 'Z')
			goto fallback;
		ext_size = be32(p + 4);
		if (ext_size > (size_t)(end - p) - 8)
			goto fallback;
		if (!memcmp(p, "TREE", 4) && !out->ntrees)
			parse_trees(out, p + 8, ext_size);
		p += 8 + ext_size;
	}
	out->n = count;
	out->paths = pc_buf_detach(&paths, NULL);
	for (uint32_t i = 0; i < count; i++)
		out->entries[i].path = out->paths + offsets[i];
	free(offsets);
	return PC_INDEX_OK;
fallback:
	free(offsets);
	pc_buf_release(&paths);
	pc_index_release(out);
	return PC_INDEX_FALLBACK;
}

enum pc_index_result pc_index_read(struct pc_index *out, const char *path)
{
	enum pc_index_result result = PC_INDEX_FALLBACK;
	unsigned char *data = NULL;
	struct stat st;
	size_t done = 0;
	int fd;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? PC_INDEX_OK : PC_INDEX_FALLBACK;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (unsigned long long)st.st_size > SIZE_MAX / 2)
		goto done;
	data = pc_xmalloc(st.st_size ? (size_t)st.st_size : 1);
	while (done < (size_t)st.st_size) {
		ssize_t got = read(fd, data + done, (size_t)st.st_size - done);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			goto done; /* shorter than it was a moment ago: let libgit2 look */
		done += (size_t)got;
	}
	result = pc_index_parse(out, data, done);
done:
	free(data);
	close(fd);
	return result;
}

size_t pc_index_lower_bound(const struct pc_index *index, const char *path)
{
	size_t lo = 0, hi = index->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(index->entries[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct pc_index_entry *pc_index_find(const struct pc_index *index, const char *path,
					   unsigned stage)
{
	for (size_t i = pc_index_lower_bound(index, path); i < index->n; i++) {
		const struct pc_index_entry *e = &index->entries[i];

		if (strcmp(e->path, path))
			break;
		if (e->stage == stage)
			return e;
	}
	return NULL;
}

bool pc_index_conflicted(const struct pc_index *index, const char *path)
{
	for (size_t i = pc_index_lower_bound(index, path); i < index->n; i++) {
		if (strcmp(index->entries[i].path, path))
			break;
		if (index->entries[i].stage)
			return true;
	}
	return false;
}

const struct pc_index_tree *pc_index_tree_find(const struct pc_index *index, const char *folder)
{
	size_t lo = 0, hi = index->ntrees;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(index->trees[mid].path, folder);

		if (!cmp)
			return &index->trees[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void pc_index_release(struct pc_index *index)
{
	trees_release(index);
	free(index->entries);
	free(index->paths);
	memset(index, 0, sizeof(*index));
}
