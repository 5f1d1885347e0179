/*
 * The token-count cache (cache.h). File format, all integers little-endian:
 *
 *   header   16 bytes  "promptcost-tc-1\n"
 *   record   64 bytes  key (32) | v[0] v[1] v[2] (3 x 8, two's complement)
 *                      | checksum (8): FNV-1a 64 of the 56 bytes before it
 *
 * FNV-1a changes its state bijectively at every byte, so any one damaged
 * byte of a record (key, value or checksum) makes it fail; a record that
 * fails is dropped and the file rewritten without it. Records are fixed-size,
 * so a damaged record never shifts the ones after it; a truncated tail is a
 * partial record, dropped.
 */
#include "promptcost/cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HEADER "promptcost-tc-1\n"
#define HEADER_SIZE 16
#define RECORD_SIZE 64
/* A file larger than this is not read (and is replaced on save). */
#define MAX_FILE_BYTES (64u * 1024 * 1024)
/* Beyond this many records, a save keeps only the ones this run used. */
#define MAX_RECORDS 500000

struct entry {
	unsigned char key[PC_CACHE_KEY_SIZE];
	struct pc_cache_value value;
	bool used;      /* a slot in use */
	bool this_run;  /* read or written by this run */
};

struct pc_cache {
	char *path;
	struct entry *slots;
	size_t cap; /* a power of two */
	size_t n;
	size_t loaded, dropped;
	bool dirty;
};

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static size_t slot_of(const struct pc_cache *cache, const unsigned char *key)
{
	/* keys are digests: their first bytes are already uniform */
	return (size_t)get64(key) & (cache->cap - 1);
}

static struct entry *find(const struct pc_cache *cache, const unsigned char *key)
{
	size_t i = slot_of(cache, key);

	while (cache->slots[i].used) {
		if (!memcmp(cache->slots[i].key, key, PC_CACHE_KEY_SIZE))
			return &cache->slots[i];
		i = (i + 1) & (cache->cap - 1);
	}
	return &cache->slots[i];
}

static void grow(struct pc_cache *cache)
{
	struct entry *old = cache->slots;
	size_t old_cap = cache->cap;

	cache->cap = old_cap ? old_cap * 2 : 1024;
	cache->slots = pc_xcalloc(cache->cap, sizeof(*cache->slots));
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].used)
			*find(cache, old[i].key) = old[i];
	free(old);
}

/* Adds key (when absent); returns its entry. */
static struct entry *insert(struct pc_cache *cache, const unsigned char *key, bool *added)
{
	struct entry *e;

	if ((cache->n + 1) * 2 > cache->cap)
		grow(cache);
	e = find(cache, key);
	*added = !e->used;
	if (!e->used) {
		e->used = true;
		memcpy(e->key, key, PC_CACHE_KEY_SIZE);
		cache->n++;
	}
	return e;
}

/* The records of the file that verify, into the table (those absent only). */
static void load(struct pc_cache *cache, bool *damaged)
{
	struct pc_buf text = PC_BUF_INIT;
	struct stat st;
	const unsigned char *p;
	size_t nrec;

	*damaged = false;
	if (stat(cache->path, &st) < 0)
		return;
	if (!S_ISREG(st.st_mode) || (unsigned long long)st.st_size > MAX_FILE_BYTES ||
	    pc_file_read(&text, cache->path, MAX_FILE_BYTES) < 0) {
		pc_error_clear();
		*damaged = true;
		goto done;
	}
	if (text.len < HEADER_SIZE || memcmp(text.ptr, HEADER, HEADER_SIZE)) {
		*damaged = text.len > 0;
		goto done;
	}
	p = (const unsigned char *)text.ptr + HEADER_SIZE;
	nrec = (text.len - HEADER_SIZE) / RECORD_SIZE;
	if ((text.len - HEADER_SIZE) % RECORD_SIZE)
		*damaged = true;
	for (size_t r = 0; r < nrec; r++, p += RECORD_SIZE) {
		struct entry *e;
		bool added;

		if (fnv1a(p, RECORD_SIZE - 8) != get64(p + RECORD_SIZE - 8)) {
			*damaged = true;
			cache->dropped++;
			continue;
		}
		e = insert(cache, p, &added);
		if (!added)
			continue;
		for (int k = 0; k < 3; k++)
			e->value.v[k] = (int64_t)get64(p + PC_CACHE_KEY_SIZE + 8 * k);
		cache->loaded++;
	}
done:
	pc_buf_release(&text);
}

bool pc_cache_disabled_by_env(void)
{
	const char *v = getenv(PC_CACHE_ENV);

	return v && *v && strcmp(v, "0");
}

struct pc_cache *pc_cache_open(const char *path)
{
	struct pc_cache *cache = pc_xcalloc(1, sizeof(*cache));
	bool damaged;

	cache->path = pc_xstrdup(path);
	grow(cache);
	load(cache, &damaged);
	cache->dirty = damaged;
	return cache;
}

bool pc_cache_get(const struct pc_cache *cache, const unsigned char key[PC_CACHE_KEY_SIZE],
		  struct pc_cache_value *out)
{
	struct entry *e = find(cache, key);

	if (!e->used)
		return false;
	e->this_run = true;
	*out = e->value;
	return true;
}

void pc_cache_put(struct pc_cache *cache, const unsigned char key[PC_CACHE_KEY_SIZE],
		  const struct pc_cache_value *value)
{
	bool added;
	struct entry *e = insert(cache, key, &added);

	if (added || memcmp(&e->value, value, sizeof(*value)))
		cache->dirty = true;
	e->value = *value;
	e->this_run = true;
}

/* mkdir -p of path's folder (one level: the git directory exists). */
static int make_folder(const char *path)
{
	char *dir = pc_xstrdup(path);
	char *slash = strrchr(dir, '/');
	int error = 0;

	if (slash) {
		*slash = '\0';
		if (mkdir(dir, 0777) < 0 && errno != EEXIST)
			error = pc_error_set(PC_EIO, "%s: cannot create: %s", dir, strerror(errno));
	}
	free(dir);
	return error;
}

int pc_cache_save(struct pc_cache *cache)
{
	struct pc_buf out = PC_BUF_INIT;
	bool damaged, keep_all;
	int error;

	if (!cache || !cache->dirty)
		return 0;
	/* what concurrent runs saved since we read it: kept too */
	load(cache, &damaged);
	keep_all = cache->n <= MAX_RECORDS;
	pc_buf_add(&out, HEADER, HEADER_SIZE);
	for (size_t i = 0; i < cache->cap; i++) {
		const struct entry *e = &cache->slots[i];
		unsigned char rec[RECORD_SIZE];

		if (!e->used || (!keep_all && !e->this_run))
			continue;
		memcpy(rec, e->key, PC_CACHE_KEY_SIZE);
		for (int k = 0; k < 3; k++)
			put64(rec + PC_CACHE_KEY_SIZE + 8 * k, (uint64_t)e->value.v[k]);
		put64(rec + RECORD_SIZE - 8, fnv1a(rec, RECORD_SIZE - 8));
		pc_buf_add(&out, (const char *)rec, RECORD_SIZE);
	}
	if (!(error = make_folder(cache->path)))
		error = pc_file_write_atomic(cache->path, out.ptr, out.len);
	if (!error)
		cache->dirty = false;
	pc_buf_release(&out);
	return error;
}

size_t pc_cache_loaded(const struct pc_cache *cache)
{
	return cache->loaded;
}

size_t pc_cache_dropped(const struct pc_cache *cache)
{
	return cache->dropped;
}

void pc_cache_free(struct pc_cache *cache)
{
	if (!cache)
		return;
	free(cache->slots);
	free(cache->path);
	free(cache);
}
