/*
 * The token-count cache (cache.h). File format, all integers little-endian:
 *
 *   header   16 bytes  "promptcost-tc-2\n"
 *   record   64 bytes  key (32) | v[0] v[1] v[2] (3 x 8, two's complement)
 *                      | checksum (8): record_sum of the 56 bytes before it
 *
 * record_sum changes its state bijectively at every 8-byte word, so any one
 * damaged byte of a record (key, value or checksum) makes it fail; a record
 * that fails is dropped and the file rewritten without it. Records are
 * fixed-size, so a damaged record never shifts the ones after it; a
 * truncated tail is a partial record, dropped. (Version 1 summed byte by
 * byte with FNV-1a, 230 instructions a record and most of loading 20,000
 * of them; its files are not read, and are replaced.)
 */
#include "promptcost/cache.h"

#include "promptcost/config.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER "promptcost-tc-2\n"
#define HEADER_SIZE 16
#define RECORD_SIZE 64
/* A file larger than this is not read (and is replaced on save). */
#define MAX_FILE_BYTES (64u * 1024 * 1024)
/* Beyond this many records, a save keeps only the ones this run used. */
#define MAX_RECORDS 500000

struct entry {
	unsigned char key[PC_CACHE_KEY_SIZE];
	struct pc_cache_value value;
	bool this_run;  /* read or written by this run */
};

/*
 * The entries in an array, found through a table of their positions (+1; 0
 * is an empty slot): the table for 20,000 records is 256 KB to zero, where
 * one of whole entries was 4 MB.
 */
struct pc_cache {
	char *path;
	struct entry *items;
	size_t n, items_cap;
	uint32_t *slots;
	size_t cap; /* a power of two */
	size_t loaded, dropped;
	bool dirty;
};

/* A record's checksum over its 56 bytes of key and values, a word at a time. */
static uint64_t record_sum(const unsigned char *p)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL, w;

	for (int i = 0; i < RECORD_SIZE - 8; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

static size_t slot_of(const struct pc_cache *cache, const unsigned char *key)
{
	/* keys are digests or blob ids: their first bytes are already uniform */
	return (size_t)pc_get_le64(key) & (cache->cap - 1);
}

/* The slot of key: holding its entry, or the empty one where it would go. */
static size_t find(const struct pc_cache *cache, const unsigned char *key)
{
	size_t i = slot_of(cache, key);

	while (cache->slots[i]) {
		if (!memcmp(cache->items[cache->slots[i] - 1].key, key, PC_CACHE_KEY_SIZE))
			return i;
		i = (i + 1) & (cache->cap - 1);
	}
	return i;
}

/* Doubles the table (to at least 1,024 slots), or more: to fit n entries at half full. */
static void grow_for(struct pc_cache *cache, size_t n)
{
	cache->cap = cache->cap ? cache->cap * 2 : 1024;
	while (cache->cap / 2 < n)
		cache->cap *= 2;
	free(cache->slots);
	cache->slots = pc_xcalloc(cache->cap, sizeof(*cache->slots));
	for (size_t k = 0; k < cache->n; k++)
		cache->slots[find(cache, cache->items[k].key)] = (uint32_t)(k + 1);
}

/* Adds key (when absent); returns its entry. */
static struct entry *insert(struct pc_cache *cache, const unsigned char *key, bool *added)
{
	size_t i;

	if ((cache->n + 1) * 2 > cache->cap)
		grow_for(cache, cache->n + 1);
	i = find(cache, key);
	*added = !cache->slots[i];
	if (!cache->slots[i]) {
		PC_GROW(cache->items, cache->items_cap, cache->n + 1);
		memset(&cache->items[cache->n], 0, sizeof(cache->items[cache->n]));
		memcpy(cache->items[cache->n].key, key, PC_CACHE_KEY_SIZE);
		cache->slots[i] = (uint32_t)++cache->n;
	}
	return &cache->items[cache->slots[i] - 1];
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
	/* room for every record at once: growing step by step rehashed them twice */
	if ((cache->n + nrec + 1) * 2 > cache->cap)
		grow_for(cache, cache->n + nrec + 1);
	if (cache->n + nrec > cache->items_cap) {
		cache->items_cap = cache->n + nrec;
		cache->items = pc_xrealloc(cache->items, cache->items_cap * sizeof(*cache->items));
	}
	for (size_t r = 0; r < nrec; r++, p += RECORD_SIZE) {
		struct entry *e;
		bool added;

		if (record_sum(p) != pc_get_le64(p + RECORD_SIZE - 8)) {
			*damaged = true;
			cache->dropped++;
			continue;
		}
		e = insert(cache, p, &added);
		if (!added)
			continue;
		for (int k = 0; k < 3; k++)
			e->value.v[k] = (int64_t)pc_get_le64(p + PC_CACHE_KEY_SIZE + 8 * k);
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
	load(cache, &damaged); /* which makes the table, sized for the file */
	if (!cache->slots)
		grow_for(cache, 0);
	cache->dirty = damaged;
	return cache;
}

bool pc_cache_get(const struct pc_cache *cache, const unsigned char key[PC_CACHE_KEY_SIZE],
		  struct pc_cache_value *out)
{
	size_t i = find(cache, key);
	struct entry *e;

	if (!cache->slots[i])
		return false;
	e = &cache->items[cache->slots[i] - 1];
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

/*
 * Replaces path with data: a temporary file beside it, then rename(), so a
 * reader sees the old file or the new one, whole. No fsync: a file torn by a
 * crash fails its checksums and is rebuilt, and a cache is not worth a disk
 * flush on every run. Only a regular file (or nothing) is replaced.
 */
static int write_replace(const char *path, const void *data, size_t len)
{
	struct pc_buf tmp = PC_BUF_INIT;
	const char *p = data;
	struct stat st;
	int fd, error = 0;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return pc_error_set(PC_EIO, "%s: not a regular file", path);
	pc_buf_addf(&tmp, "%s.tmp-XXXXXX", path);
	if ((fd = mkstemp(tmp.ptr)) < 0) {
		error = pc_error_set(PC_EIO, "%s: cannot create: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	{
		/* as git's own files: readable as the umask allows (mkstemp made it 0600) */
		mode_t mask = umask(0);

		umask(mask);
		if (fchmod(fd, 0666 & ~mask) < 0)
			error = pc_error_set(PC_EIO, "%s: cannot chmod: %s", tmp.ptr, strerror(errno));
	}
	while (len && !error) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			error = pc_error_set(PC_EIO, "%s: cannot write: %s", tmp.ptr, strerror(errno));
		else
			p += n, len -= (size_t)n;
	}
	if (close(fd) < 0 && !error)
		error = pc_error_set(PC_EIO, "%s: cannot write: %s", tmp.ptr, strerror(errno));
	if (!error && rename(tmp.ptr, path) < 0)
		error = pc_error_set(PC_EIO, "%s: cannot rename: %s", path, strerror(errno));
	if (error)
		unlink(tmp.ptr);
done:
	pc_buf_release(&tmp);
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
	for (size_t i = 0; i < cache->n; i++) {
		const struct entry *e = &cache->items[i];
		unsigned char rec[RECORD_SIZE];

		if (!keep_all && !e->this_run)
			continue;
		memcpy(rec, e->key, PC_CACHE_KEY_SIZE);
		for (int k = 0; k < 3; k++)
			pc_put_le64(rec + PC_CACHE_KEY_SIZE + 8 * k, (uint64_t)e->value.v[k]);
		pc_put_le64(rec + RECORD_SIZE - 8, record_sum(rec));
		pc_buf_add(&out, (const char *)rec, RECORD_SIZE);
	}
	if (!(error = make_folder(cache->path)))
		error = write_replace(cache->path, out.ptr, out.len);
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
	free(cache->items);
	free(cache->path);
	free(cache);
}

/* ---- the parsed-configuration cache ---- */

/*
 * File format (config-OID-BUILD.snap): "promptcost-cf-1\n" | the build id's
 * length (1 byte) and bytes | the blob id (40) | the snapshot
 * (pc_config_snapshot_write) | checksum (8, sum64 of everything before).
 *
 * The snapshot is of the interpreted configuration, so it is only as good
 * as the code that interpreted it: the key is the program's build id (the
 * linker's NT_GNU_BUILD_ID note, which changes with any change of code or
 * of the compiled-in price catalog), not its version number. A program
 * without a build id keeps no parsed configurations.
 */
#define CONFIG_HEADER "promptcost-cf-1\n"
#define CONFIG_KEEP 8

struct build_id {
	unsigned char bytes[64];
	size_t len;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	struct build_id *id = data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		size_t left = ph->p_memsz;

		if (ph->p_type != PT_NOTE)
			continue;
		while (left >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
			size_t name = (n->n_namesz + 3) & ~(size_t)3, desc = (n->n_descsz + 3) & ~(size_t)3;

			if (left - sizeof(*n) < name || left - sizeof(*n) - name < desc)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    !memcmp(p + sizeof(*n), "GNU", 4) && n->n_descsz > 0 &&
			    n->n_descsz <= sizeof(id->bytes)) {
				memcpy(id->bytes, p + sizeof(*n) + name, n->n_descsz);
				id->len = n->n_descsz;
				return 1;
			}
			p += sizeof(*n) + name + desc;
			left -= sizeof(*n) + name + desc;
		}
	}
	return 1; /* the first object is the program itself: no other counts */
}

/* The program's build id (len 0: none); looked up once. */
static const struct build_id *build_id(void)
{
	static struct build_id id;
	static bool looked;

	if (!looked) {
		dl_iterate_phdr(find_build_id, &id);
		looked = true;
	}
	return &id;
}

/*
 * A checksum 8 bytes at a time (FNV-1a, byte by byte at 4 instructions a
 * byte, would be a quarter of loading a snapshot): every step is a
 * bijection of the state for a given word, so one damaged byte always
 * changes the result.
 */
static uint64_t sum64(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p + i, n - i);
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

/*
 * config-OID-BUILD.snap, BUILD the build id's first 4 bytes in hex: two
 * builds used in turn (a hook's and a newer one) keep a file each instead
 * of replacing each other's.
 */
static void config_path(struct pc_buf *out, const char *dir, const char *oid)
{
	const struct build_id *id = build_id();

	pc_buf_addf(out, "%s/config-%s-", dir, oid);
	for (size_t i = 0; i < 4 && i < id->len; i++)
		pc_buf_addf(out, "%02x", id->bytes[i]);
	pc_buf_adds(out, ".snap");
}

/* The file's header; false when the program has no build id. */
static bool config_header(struct pc_buf *b, const char *oid)
{
	const struct build_id *id = build_id();

	if (!id->len)
		return false;
	pc_buf_adds(b, CONFIG_HEADER);
	pc_buf_addch(b, (char)id->len);
	pc_buf_add(b, id->bytes, id->len);
	pc_buf_add(b, oid, 40);
	return true;
}

/*
 * A sealed file (the parsed configuration's, the quiet snapshot's): head,
 * then the payload, then sum64 of both. read_sealed reads path into text
 * and is true when it starts with head and its checksum holds (the payload
 * is then text[head->len .. len - 8)); write_sealed appends the checksum to
 * out (head and payload) and replaces path with it, in dir, made if need be.
 */
static bool read_sealed(struct pc_buf *text, const char *path, const struct pc_buf *head)
{
	const unsigned char *p;

	if (pc_file_read(text, path, MAX_FILE_BYTES) < 0) {
		pc_error_clear();
		return false;
	}
	p = (const unsigned char *)text->ptr;
	return text->len >= head->len + 8 && !memcmp(p, head->ptr, head->len) &&
	       sum64(p, text->len - 8) == pc_get_le64(p + text->len - 8);
}

static int write_sealed(const char *dir, const char *path, struct pc_buf *out)
{
	unsigned char sum[8];

	pc_put_le64(sum, sum64((const unsigned char *)out->ptr, out->len));
	pc_buf_add(out, (const char *)sum, 8);
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return pc_error_set(PC_EIO, "%s: cannot create: %s", dir, strerror(errno));
	return write_replace(path, out->ptr, out->len);
}

struct pc_config *pc_cache_config_load(const char *dir, const char *oid, const char *shown)
{
	return pc_cache_config_load_some(dir, oid, shown, NULL, 0);
}

struct pc_config *pc_cache_config_load_some(const char *dir, const char *oid, const char *shown,
					    const bool *keep, size_t n)
{
	struct pc_buf path = PC_BUF_INIT, text = PC_BUF_INIT, head = PC_BUF_INIT;
	struct pc_config *config = NULL;

	if (strlen(oid) != 40 || !config_header(&head, oid))
		goto done;
	config_path(&path, dir, oid);
	if (read_sealed(&text, path.ptr, &head))
		config = pc_config_snapshot_read_some(text.ptr + head.len,
						      text.len - head.len - 8, shown, keep, n);
done:
	pc_buf_release(&path);
	pc_buf_release(&text);
	pc_buf_release(&head);
	return config;
}

struct cached_file {
	char *path;
	time_t mtime;
};

static int newest_first(const void *a, const void *b)
{
	time_t x = ((const struct cached_file *)a)->mtime, y = ((const struct cached_file *)b)->mtime;

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * Keeps the CONFIG_KEEP newest config-*.snap files of dir, and removes the
 * config-*.tree files earlier versions kept (YAML trees, not read any more).
 */
static void config_prune(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct cached_file *files = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		struct pc_buf p = PC_BUF_INIT;
		struct stat st;
		size_t len = strlen(e->d_name);
		bool old;

		if (strncmp(e->d_name, "config-", 7) || len < 5)
			continue;
		old = !strcmp(e->d_name + len - 5, ".tree");
		if (!old && strcmp(e->d_name + len - 5, ".snap"))
			continue;
		pc_buf_addf(&p, "%s/%s", dir, e->d_name);
		if (old)
			unlink(p.ptr);
		if (old || stat(p.ptr, &st) < 0) {
			pc_buf_release(&p);
			continue;
		}
		PC_GROW(files, cap, n + 1);
		files[n].mtime = st.st_mtime;
		files[n++].path = pc_buf_detach(&p, NULL);
	}
	closedir(d);
	if (n)
		qsort(files, n, sizeof(*files), newest_first);
	for (size_t i = 0; i < n; i++) {
		if (i >= CONFIG_KEEP)
			unlink(files[i].path);
		free(files[i].path);
	}
	free(files);
}

void pc_cache_config_store(const char *dir, const char *oid, const struct pc_config *config)
{
	struct pc_buf path = PC_BUF_INIT, out = PC_BUF_INIT;

	if (strlen(oid) != 40 || !config_header(&out, oid))
		goto done;
	config_path(&path, dir, oid);
	pc_config_snapshot_write(&out, config);
	if (write_sealed(dir, path.ptr, &out) == 0)
		config_prune(dir);
done:
	pc_error_clear();
	pc_buf_release(&path);
	pc_buf_release(&out);
}

/*
 * The quiet-template snapshot's file (quiet.h): quiet-BUILD.snap, as the
 * configuration's snapshot is named, holding QUIET_HEADER, the build id
 * (its length, then its bytes), the snapshot's key (its length in 8 bytes,
 * then its bytes: compared whole, not hashed), its payload and a
 * checksum of everything before it. One file a build: the key says which
 * configuration, volumes and price date it is for, and a run of another key
 * replaces it.
 */
#define QUIET_HEADER "promptcost-qs-1\n"

static bool quiet_file(struct pc_buf *path, struct pc_buf *head, const char *dir,
		       const char *key, size_t key_len)
{
	const struct build_id *id = build_id();
	unsigned char len[8];

	if (!id->len)
		return false;
	pc_buf_addf(path, "%s/quiet-", dir);
	for (size_t i = 0; i < 4 && i < id->len; i++)
		pc_buf_addf(path, "%02x", id->bytes[i]);
	pc_buf_adds(path, ".snap");
	pc_buf_adds(head, QUIET_HEADER);
	pc_buf_addch(head, (char)id->len);
	pc_buf_add(head, id->bytes, id->len);
	pc_put_le64(len, key_len);
	pc_buf_add(head, len, 8);
	pc_buf_add(head, key, key_len);
	return true;
}

bool pc_cache_quiet_load(struct pc_buf *out, const char *dir, const char *key, size_t key_len)
{
	struct pc_buf path = PC_BUF_INIT, text = PC_BUF_INIT, head = PC_BUF_INIT;
	bool ok = false;

	if (quiet_file(&path, &head, dir, key, key_len) && read_sealed(&text, path.ptr, &head)) {
		pc_buf_add(out, text.ptr + head.len, text.len - head.len - 8);
		ok = true;
	}
	pc_buf_release(&path);
	pc_buf_release(&text);
	pc_buf_release(&head);
	return ok;
}

void pc_cache_quiet_store(const char *dir, const char *key, size_t key_len, const void *data,
			  size_t len)
{
	struct pc_buf path = PC_BUF_INIT, out = PC_BUF_INIT;

	if (quiet_file(&path, &out, dir, key, key_len) && out.len + len + 8 <= MAX_FILE_BYTES) {
		pc_buf_add(&out, data, len);
		write_sealed(dir, path.ptr, &out);
	}
	pc_error_clear();
	pc_buf_release(&path);
	pc_buf_release(&out);
}
