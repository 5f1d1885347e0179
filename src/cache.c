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

#include "promptcost/yaml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "version.h" /* PC_VERSION: another build parses afresh */

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
	free(cache->path);
	free(cache);
}

/* ---- the parsed-configuration cache ---- */

#define TREE_HEADER "promptcost-yt-1\n"
#define TREE_KEEP 8
#define TREE_MAX_DEPTH 64

static void put32(struct pc_buf *b, uint32_t v)
{
	unsigned char p[4];

	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
	pc_buf_add(b, p, 4);
}

static void tree_write(struct pc_buf *b, const struct pc_yaml_node *node)
{
	pc_buf_addch(b, (char)node->kind);
	pc_buf_addch(b, node->plain ? 1 : 0);
	put32(b, node->pos.line);
	put32(b, node->pos.col);
	if (node->kind == PC_YAML_SCALAR) {
		size_t n = strlen(node->text);

		put32(b, (uint32_t)n);
		pc_buf_add(b, node->text, n);
		return;
	}
	put32(b, (uint32_t)node->n);
	for (size_t i = 0; i < node->n; i++)
		tree_write(b, node->items[i]);
}

struct reader {
	const unsigned char *p, *end;
};

static bool get32(struct reader *r, uint32_t *v)
{
	if (r->end - r->p < 4)
		return false;
	*v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	     (uint32_t)r->p[3] << 24;
	r->p += 4;
	return true;
}

/* What a tree's bytes hold: nodes, item slots and text bytes (each text with its NUL). */
struct tree_size {
	size_t nodes, items, text;
};

/*
 * One node at r, checked as pc_yaml_load makes them, counted into size;
 * false when the bytes are not one. Every node takes at least 14 bytes, so a
 * count the rest cannot hold is damage.
 */
static bool tree_measure(struct reader *r, int depth, struct tree_size *size, int *kind_out)
{
	uint32_t line, col, n;
	int kind, plain;

	if (depth > TREE_MAX_DEPTH || r->end - r->p < 2)
		return false;
	kind = r->p[0];
	plain = r->p[1];
	r->p += 2;
	if ((kind != PC_YAML_SCALAR && kind != PC_YAML_SEQUENCE && kind != PC_YAML_MAPPING) ||
	    plain > 1 || !get32(r, &line) || !get32(r, &col) || !get32(r, &n))
		return false;
	*kind_out = kind;
	size->nodes++;
	if (kind == PC_YAML_SCALAR) {
		if ((size_t)(r->end - r->p) < n || memchr(r->p, '\0', n))
			return false;
		r->p += n;
		size->text += (size_t)n + 1;
		return true;
	}
	if ((size_t)(r->end - r->p) / 14 < n || (kind == PC_YAML_MAPPING && n % 2))
		return false;
	size->items += n ? n : 1;
	for (uint32_t i = 0; i < n; i++) {
		int item_kind;

		if (!tree_measure(r, depth + 1, size, &item_kind) ||
		    (kind == PC_YAML_MAPPING && i % 2 == 0 && item_kind != PC_YAML_SCALAR))
			return false;
	}
	return true;
}

/* Where tree_build puts the next node, item slot and text of the one block. */
struct tree_arena {
	struct pc_yaml_node *nodes;
	struct pc_yaml_node **items;
	char *text;
};

/* The node at r, measured before (so unchecked here), built in the arena. */
static struct pc_yaml_node *tree_build(struct reader *r, struct tree_arena *a)
{
	struct pc_yaml_node *node = a->nodes++;
	uint32_t line = 0, col = 0, n = 0;

	memset(node, 0, sizeof(*node));
	node->kind = (enum pc_yaml_kind)r->p[0];
	node->plain = r->p[1];
	r->p += 2;
	get32(r, &line);
	get32(r, &col);
	get32(r, &n);
	node->pos.line = line;
	node->pos.col = col;
	if (node->kind == PC_YAML_SCALAR) {
		node->text = a->text;
		memcpy(a->text, r->p, n);
		a->text[n] = '\0';
		a->text += (size_t)n + 1;
		r->p += n;
		return node;
	}
	node->items = a->items;
	node->cap = n;
	a->items += n ? n : 1;
	for (uint32_t i = 0; i < n; i++)
		node->items[node->n++] = tree_build(r, a);
	return node;
}

/*
 * The tree at r (to its end) as one allocation: a configuration of 10,000
 * templates is some 200,000 nodes, and a malloc and a free for each node,
 * items array and text was a quarter of a cached check.
 */
static struct pc_yaml_node *tree_read(struct reader *r)
{
	struct reader measure = *r;
	struct tree_size size = { 0, 0, 0 };
	struct tree_arena a;
	struct pc_yaml_node *root;
	int kind;
	char *block;

	if (!tree_measure(&measure, 0, &size, &kind) || measure.p != measure.end)
		return NULL; /* damaged, or bytes left over: not what was written */
	block = pc_xmalloc(size.nodes * sizeof(struct pc_yaml_node) +
			   size.items * sizeof(struct pc_yaml_node *) + size.text);
	a.nodes = (struct pc_yaml_node *)block;
	a.items = (struct pc_yaml_node **)(block + size.nodes * sizeof(struct pc_yaml_node));
	a.text = (char *)(a.items + size.items);
	root = tree_build(r, &a);
	root->arena = true;
	return root;
}

static void tree_path(struct pc_buf *out, const char *dir, const char *oid)
{
	pc_buf_addf(out, "%s/config-%s.tree", dir, oid);
}

/* The file's header: the magic, the version, the configuration's blob id. */
static void tree_header(struct pc_buf *b, const char *oid)
{
	pc_buf_add(b, TREE_HEADER, 16);
	put32(b, (uint32_t)strlen(PC_VERSION));
	pc_buf_adds(b, PC_VERSION);
	pc_buf_add(b, oid, 40);
}

struct pc_yaml_node *pc_cache_tree_load(const char *dir, const char *oid)
{
	struct pc_buf path = PC_BUF_INIT, text = PC_BUF_INIT, head = PC_BUF_INIT;
	struct pc_yaml_node *root = NULL;
	struct reader r;
	uint32_t present;

	if (strlen(oid) != 40)
		return NULL;
	tree_path(&path, dir, oid);
	tree_header(&head, oid);
	if (pc_file_read(&text, path.ptr, MAX_FILE_BYTES) < 0) {
		pc_error_clear();
		goto done;
	}
	if (text.len < head.len + 4 + 8 || memcmp(text.ptr, head.ptr, head.len) ||
	    fnv1a((const unsigned char *)text.ptr, text.len - 8) !=
		    get64((const unsigned char *)text.ptr + text.len - 8))
		goto done;
	r.p = (const unsigned char *)text.ptr + head.len;
	r.end = (const unsigned char *)text.ptr + text.len - 8;
	if (!get32(&r, &present))
		goto done;
	if (present > 1)
		goto done;
	if (present)
		root = tree_read(&r);
done:
	pc_buf_release(&path);
	pc_buf_release(&text);
	pc_buf_release(&head);
	return root;
}

struct tree_file {
	char *path;
	time_t mtime;
};

static int newest_first(const void *a, const void *b)
{
	time_t x = ((const struct tree_file *)a)->mtime, y = ((const struct tree_file *)b)->mtime;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Keeps the TREE_KEEP newest config-*.tree files of dir. */
static void tree_prune(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct tree_file *files = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		struct pc_buf p = PC_BUF_INIT;
		struct stat st;
		size_t len = strlen(e->d_name);

		if (strncmp(e->d_name, "config-", 7) || len < 5 || strcmp(e->d_name + len - 5, ".tree"))
			continue;
		pc_buf_addf(&p, "%s/%s", dir, e->d_name);
		if (stat(p.ptr, &st) < 0) {
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
		if (i >= TREE_KEEP)
			unlink(files[i].path);
		free(files[i].path);
	}
	free(files);
}

void pc_cache_tree_store(const char *dir, const char *oid, const struct pc_yaml_node *root)
{
	struct pc_buf path = PC_BUF_INIT, out = PC_BUF_INIT;
	unsigned char sum[8];

	if (strlen(oid) != 40)
		return;
	tree_path(&path, dir, oid);
	tree_header(&out, oid);
	put32(&out, root ? 1 : 0);
	if (root)
		tree_write(&out, root);
	put64(sum, fnv1a((const unsigned char *)out.ptr, out.len));
	pc_buf_add(&out, (const char *)sum, 8);
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		goto done;
	if (write_replace(path.ptr, out.ptr, out.len) == 0)
		tree_prune(dir);
done:
	pc_error_clear();
	pc_buf_release(&path);
	pc_buf_release(&out);
}
