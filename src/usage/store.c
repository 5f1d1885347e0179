/*
 * The usage store (store.h): one SQLite file, and the only code that sees
 * SQLite. An import attributes each record (template, team, use case, model),
 * adds it to daily and hourly buckets kept in memory (hash maps keyed by the
 * buckets' dimensions, so memory grows with distinct buckets, never with
 * records), remembers record ids and contents against importing them twice,
 * and writes it all in one transaction at the end.
 */
#include "promptcost/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

/* "PCus" in the database header: a file with another id is not our store. */
#define STORE_APPLICATION_ID 0x50437573
/* The schema this code writes; a store with a larger one was made by a newer promptcost. */
#define STORE_SCHEMA 1
/* How long an import waits for another one to finish before it says the store is locked. */
#define BUSY_TIMEOUT_MS 2000
/* SQLite's page cache, in KiB (negative: KiB for PRAGMA cache_size). */
#define CACHE_KIB 8192
/*
 * Records with ids wait in a chunk until it is full, then their ids are
 * looked up sorted: the B-tree of ids is visited in order instead of at
 * random, several times faster once it outgrows the cache. 131,072 records
 * of 88 bytes and their 24-byte sort keys: 15 MB.
 */
#define PENDING_CHUNK 131072

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"INSERT INTO meta VALUES('what', 'promptcost usage store: recorded usage in buckets');"
	/* '' stands for none in the key columns; known = 0: a template the configuration lacked */
	"CREATE TABLE daily(day INTEGER NOT NULL, known INTEGER NOT NULL, template TEXT NOT NULL,"
	" version TEXT NOT NULL, team TEXT NOT NULL, use_case TEXT NOT NULL, model TEXT NOT NULL,"
	" deployment TEXT NOT NULL, records INTEGER NOT NULL, calls INTEGER NOT NULL,"
	" hits INTEGER NOT NULL, input_tokens INTEGER NOT NULL,"
	" cached_input_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,"
	" output_tokens INTEGER NOT NULL, cost_records INTEGER NOT NULL,"
	" cost_micros INTEGER NOT NULL,"
	" PRIMARY KEY(day, known, template, version, team, use_case, model, deployment))"
	" WITHOUT ROWID;"
	"CREATE TABLE hourly(hour INTEGER NOT NULL, deployment TEXT NOT NULL, model TEXT NOT NULL,"
	" records INTEGER NOT NULL, calls INTEGER NOT NULL, hits INTEGER NOT NULL,"
	" input_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL,"
	" cache_write_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,"
	" cost_records INTEGER NOT NULL, cost_micros INTEGER NOT NULL,"
	" PRIMARY KEY(hour, deployment, model)) WITHOUT ROWID;"
	/* 16 bytes per id whatever its length: see record_key() */
	"CREATE TABLE seen(key BLOB PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE contents(sha256 BLOB NOT NULL, length INTEGER NOT NULL,"
	" format TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(sha256, length)) WITHOUT ROWID;"
	"CREATE TABLE versions(template TEXT NOT NULL, version TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK(kind IN ('blob', 'commit', 'label', 'unresolved')),"
	" commit_id TEXT, PRIMARY KEY(template, version)) WITHOUT ROWID;";

struct pc_store {
	sqlite3 *db;
	char *path;
	bool in_import;
};

/* ---- errors -------------------------------------------------------------- */

static bool is_busy(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* One line for a SQLite failure: the store, what we were doing, SQLite's reason. */
static int db_fail(struct pc_store *store, int rc, const char *what)
{
	if (is_busy(rc))
		return pc_error_set(PC_EIO, "%s: the store is locked by another import", store->path);
	if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
		return pc_error_set(PC_EINPUT, "%s: not a promptcost usage store (%s)", store->path,
				    sqlite3_errstr(rc));
	if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR ||
	    (rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_READONLY)
		return pc_error_set(PC_EIO, "%s: %s: %s", store->path, what,
				    sqlite3_errmsg(store->db));
	return pc_error_set(PC_EINTERNAL, "%s: %s: %s", store->path, what,
			    sqlite3_errmsg(store->db));
}

static int exec(struct pc_store *store, const char *sql, const char *what)
{
	int rc = sqlite3_exec(store->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_fail(store, rc, what);
}

static int prepare(sqlite3_stmt **out, struct pc_store *store, const char *sql)
{
	int rc = sqlite3_prepare_v2(store->db, sql, -1, out, NULL);

	return rc == SQLITE_OK ? 0 : db_fail(store, rc, "cannot prepare a statement");
}

/* A single integer from sql (no parameters). */
static int query_int(int64_t *out, struct pc_store *store, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*out = 0;
	if ((error = prepare(&st, store, sql)))
		return error;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		error = db_fail(store, rc, "cannot read the store");
	sqlite3_finalize(st);
	return error;
}

/* ---- opening ------------------------------------------------------------- */

static int check_store(struct pc_store *store, bool create)
{
	int64_t app_id, schema, tables;
	int error;

	/* the first read of the header: a file that is not a database fails here */
	if ((error = query_int(&app_id, store, "PRAGMA application_id")))
		return error;
	if ((error = query_int(&schema, store, "PRAGMA user_version")) ||
	    (error = query_int(&tables, store, "SELECT count(*) FROM sqlite_master")))
		return error;
	if (app_id == 0 && schema == 0 && tables == 0) {
		if (!create)
			return pc_error_set(PC_EINPUT, "%s: the store is empty; import usage first "
					    "('promptcost usage import FILE')", store->path);
		return 1; /* a new store: create the schema */
	}
	if (app_id != STORE_APPLICATION_ID)
		return pc_error_set(PC_EINPUT, "%s: an SQLite database, but not a promptcost usage "
				    "store; name another file with --store", store->path);
	if (schema > STORE_SCHEMA)
		return pc_error_set(PC_EINPUT, "%s: store schema %" PRId64 " is newer than this "
				    "promptcost reads (%d); use a newer promptcost", store->path,
				    schema, STORE_SCHEMA);
	if (schema < 1)
		return pc_error_set(PC_EINPUT, "%s: not a promptcost usage store (no schema version)",
				    store->path);
	return 0;
}

static int create_schema(struct pc_store *store)
{
	char pragmas[96];
	int error;

	/* IMMEDIATE: two imports creating the store at once do it one after the other */
	if ((error = exec(store, "BEGIN IMMEDIATE", "cannot start a transaction")))
		return error;
	error = check_store(store, true);
	if (error == 1) {
		snprintf(pragmas, sizeof(pragmas), "PRAGMA application_id=%d; PRAGMA user_version=%d;",
			 STORE_APPLICATION_ID, STORE_SCHEMA);
		error = exec(store, schema_sql, "cannot create the store");
		if (!error)
			error = exec(store, pragmas, "cannot create the store");
	}
	if (!error)
		return exec(store, "COMMIT", "cannot create the store");
	sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	return error;
}

int pc_store_open(struct pc_store **out, const char *path, bool create)
{
	struct pc_store *store;
	char pragma[64];
	int rc, error;

	*out = NULL;
	if (!create && access(path, F_OK) != 0)
		return pc_error_set(PC_EINPUT, "%s: no usage store here; import usage first "
				    "('promptcost usage import FILE') or name it with --store",
				    path);
	store = pc_xcalloc(1, sizeof(*store));
	store->path = pc_xstrdup(path);
	rc = sqlite3_open_v2(path, &store->db,
			     SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), NULL);
	if (rc != SQLITE_OK) {
		error = pc_error_set(PC_EIO, "%s: cannot open the usage store: %s", path,
				     store->db ? sqlite3_errmsg(store->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(store->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(store->db, 1);
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size=-%d", CACHE_KIB);
	if ((error = exec(store, pragma, "cannot set up the store")))
		goto fail;
	error = check_store(store, create);
	if (error == 1)
		error = create_schema(store);
	if (error)
		goto fail;
	*out = store;
	return 0;
fail:
	pc_store_close(store);
	return error;
}

void pc_store_close(struct pc_store *store)
{
	if (!store)
		return;
	sqlite3_close(store->db);
	free(store->path);
	free(store);
}

/*
 * The store's own names for the sources, indexed by enum pc_usage_format:
 * record keys are made from them, so they never change, whatever the
 * importers come to call their formats.
 */
static const char *const source_names[] = { "auto", "native", "litellm", "langfuse", "otlp",
					    "openai", "clickhouse" };

static const char *source_name(enum pc_usage_format format)
{
	size_t i = (size_t)format;

	return i < sizeof(source_names) / sizeof(source_names[0]) ? source_names[i] : "other";
}

/* ---- hashing ------------------------------------------------------------- */

/* splitmix64's finaliser: a bijection of 64 bits with full avalanche. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* One 64-bit lane over bytes: h = mix(h ^ word) per 8 bytes, the length folded in last. */
static uint64_t hash_lane(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h = mix64(h ^ w);
	}
	if (i < len) {
		uint64_t w = 0;

		memcpy(&w, p + i, len - i);
		h = mix64(h ^ w);
	}
	return mix64(h ^ (uint64_t)len);
}

static uint64_t hash_bytes(const void *data, size_t len)
{
	return hash_lane(0x243f6a8885a308d3ULL, data, len);
}

/*
 * The key a record id is remembered by: two independently seeded 64-bit
 * lanes over "format\0id", 16 bytes whatever the id's length (a UUID is 36,
 * some sources' ids are longer), so the table of ids stays compact and its
 * pages hold many. Two distinct ids meet with a chance near 2^-128 per pair:
 * about 1e-25 among ten billion ids. It is not a cryptographic hash; a log
 * crafted to collide could hide its own records, and logs are the user's.
 */
static void record_key(uint64_t out[2], enum pc_usage_format format, const char *id)
{
	const char *source = source_name(format);
	size_t slen = strlen(source), ilen = strlen(id);
	char small[256];
	char *buf = slen + 1 + ilen <= sizeof(small) ? small : pc_xmalloc(slen + 1 + ilen);
	uint64_t a, b;

	memcpy(buf, source, slen);
	buf[slen] = '\0';
	memcpy(buf + slen + 1, id, ilen);
	a = hash_lane(0x9e3779b97f4a7c15ULL, buf, slen + 1 + ilen);
	b = hash_lane(0xc2b2ae3d27d4eb4fULL, buf, slen + 1 + ilen);
	out[0] = a;
	out[1] = b;
	if (buf != small)
		free(buf);
}

/* ---- in-memory tables ---------------------------------------------------- */

/* Open addressing over indices: slot holds index + 1, 0 is empty. */
struct slots {
	uint32_t *slot;
	size_t mask;  /* size - 1, a power of two less one */
};

static void slots_init(struct slots *s, size_t size)
{
	s->slot = pc_xcalloc(size, sizeof(*s->slot));
	s->mask = size - 1;
}

static void slots_release(struct slots *s)
{
	free(s->slot);
	s->slot = NULL;
}

/* Interned strings: the dimensions of buckets and what attribution looks up. */
struct strent {
	char *text;
	size_t len;
	uint64_t hash;
	int32_t template_index;  /* a configuration template with this id, or -1 */
	int32_t model_index;     /* the configuration model this name is (or aliases), or -1 */
	int32_t rule[3];         /* the template a usage rule gives this tag / key / project, or -1 */
};

struct strtab {
	struct strent *items;
	size_t n, cap;
	struct slots slots;
};

static void strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	slots_init(&t->slots, 256);
}

static void strtab_release(struct strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->items[i].text);
	free(t->items);
	slots_release(&t->slots);
}

static void strtab_rehash(struct strtab *t)
{
	size_t size = (t->slots.mask + 1) * 2;

	slots_release(&t->slots);
	slots_init(&t->slots, size);
	for (size_t i = 0; i < t->n; i++) {
		size_t k = t->items[i].hash & t->slots.mask;

		while (t->slots.slot[k])
			k = (k + 1) & t->slots.mask;
		t->slots.slot[k] = (uint32_t)i + 1;
	}
}

/* The id of text[0..len), added when new. */
static uint32_t strtab_intern(struct strtab *t, const char *text, size_t len)
{
	uint64_t h = hash_bytes(text, len);
	size_t k = h & t->slots.mask;
	struct strent *e;

	for (; t->slots.slot[k]; k = (k + 1) & t->slots.mask) {
		e = &t->items[t->slots.slot[k] - 1];
		if (e->hash == h && e->len == len && !memcmp(e->text, text, len))
			return t->slots.slot[k] - 1;
	}
	PC_GROW(t->items, t->cap, t->n + 1);
	e = &t->items[t->n];
	e->text = pc_xstrndup(text, len);
	e->len = len;
	e->hash = h;
	e->template_index = e->model_index = -1;
	e->rule[0] = e->rule[1] = e->rule[2] = -1;
	t->slots.slot[k] = (uint32_t)++t->n;
	if (t->n * 2 > t->slots.mask + 1)
		strtab_rehash(t);
	return (uint32_t)t->n - 1;
}

static uint32_t strtab_intern_s(struct strtab *t, const char *text)
{
	return strtab_intern(t, text ? text : "", text ? strlen(text) : 0);
}

struct totals {
	int64_t records, calls, hits, input, cached, cache_write, output, cost_records, cost_micros;
};

/* A daily bucket's dimensions are interned ids; its totals are what the records add. */
struct bucket {
	int64_t day;
	uint32_t dim[6]; /* template, version, team, use case, model, deployment */
	bool known;
	uint64_t hash;
	struct totals t;
};

enum { DIM_TEMPLATE, DIM_VERSION, DIM_TEAM, DIM_USE_CASE, DIM_MODEL, DIM_DEPLOYMENT };

struct hour_bucket {
	int64_t hour;
	uint32_t deployment, model;
	uint64_t hash;
	struct totals t;
};

struct pending {
	uint64_t key[2];   /* record_key() */
	uint32_t bucket;
	uint32_t hour;     /* UINT32_MAX: none */
	bool has_cost;
	int64_t records, cost_records; /* source records it stands for (a server's bucket: many) */
	int64_t calls, hits, input, cached, cache_write, output, cost_micros;
};

/* A waiting record's key and place, sorted: small, so sorting moves little. */
struct pending_ref {
	uint64_t key[2];
	uint32_t index;    /* in pending[]: the order read, so the first of duplicates counts */
};

struct pc_store_import {
	struct pc_store *store;
	const struct pc_import_options *options;
	bool committed, began;
	struct pc_import_summary summary;
	struct strtab strings;
	uint32_t empty;              /* the id of "" */
	struct bucket *buckets;
	size_t nbuckets, cap_buckets;
	struct slots bucket_slots;
	struct hour_bucket *hours;
	size_t nhours, cap_hours;
	struct slots hour_slots;
	struct pending *pending;   /* in the order read */
	struct pending_ref *order; /* the same, sorted by key for the lookups */
	unsigned char *is_new;     /* a bit per waiting record: its id was new */
	size_t npending;
	uint64_t *lengths;
	size_t nlengths, cap_lengths;
	FILE *skip_bad;
	char *skip_bad_tmp;
	sqlite3_stmt *seen_insert;
};

/* ---- attribution --------------------------------------------------------- */

static void load_config(struct pc_store_import *imp)
{
	const struct pc_config *config = imp->options->config;

	imp->empty = strtab_intern(&imp->strings, "", 0);
	if (!config)
		return;
	for (size_t i = 0; i < config->ntemplates; i++) {
		uint32_t id = strtab_intern_s(&imp->strings, config->templates[i].id);

		imp->strings.items[id].template_index = (int32_t)i;
	}
	for (size_t i = 0; i < config->nmodels; i++) {
		uint32_t id = strtab_intern_s(&imp->strings, config->models[i].name);

		imp->strings.items[id].model_index = (int32_t)i;
	}
	for (size_t i = 0; i < config->usage.naliases; i++) {
		const struct pc_model_alias *a = &config->usage.aliases[i];
		const struct pc_model *m = pc_config_model(config, a->model);
		uint32_t id = strtab_intern_s(&imp->strings, a->name);

		if (m)
			imp->strings.items[id].model_index = (int32_t)(m - config->models);
	}
	/* file order: the first rule naming a value wins (the reader refuses repeats anyway) */
	for (size_t i = config->usage.nrules; i-- > 0;) {
		const struct pc_usage_rule *r = &config->usage.rules[i];
		const struct pc_template_config *t = pc_config_template(config, r->template);
		uint32_t id = strtab_intern_s(&imp->strings, r->value);

		if (t)
			imp->strings.items[id].rule[r->match] = (int32_t)(t - config->templates);
	}
}

/* The configuration template a rule gives the record, or -1. */
static int32_t rule_template(struct pc_store_import *imp, const struct pc_usage_record *r)
{
	struct strtab *s = &imp->strings;
	int32_t t;

	if (!imp->options->config || !imp->options->config->usage.nrules)
		return -1;
	for (size_t i = 0; i < r->ntags; i++)
		if (r->tags[i] && (t = s->items[strtab_intern_s(s, r->tags[i])]
					       .rule[PC_USAGE_MATCH_TAG]) >= 0)
			return t;
	if (r->api_key && (t = s->items[strtab_intern_s(s, r->api_key)]
				       .rule[PC_USAGE_MATCH_API_KEY]) >= 0)
		return t;
	if (r->project && (t = s->items[strtab_intern_s(s, r->project)]
				       .rule[PC_USAGE_MATCH_PROJECT]) >= 0)
		return t;
	return -1;
}

static int unknown_model(struct pc_store_import *imp, const char *name, uint64_t line,
			 const char *model)
{
	const struct pc_config *config = imp->options->config;
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	if (config) {
		for (size_t i = 0; i < config->nmodels; i++) {
			size_t d = pc_edit_distance(model, config->models[i].name);

			if (d < best_d) {
				best_d = d;
				best = config->models[i].name;
			}
		}
		for (size_t i = 0; i < config->usage.naliases; i++) {
			size_t d = pc_edit_distance(model, config->usage.aliases[i].name);

			if (d < best_d) {
				best_d = d;
				best = config->usage.aliases[i].name;
			}
		}
	}
	if (best && best_d <= 3)
		return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": unknown model '%s' (did you mean "
				    "'%s'?); map it in 'usage.models' of the configuration", name,
				    line, model, best);
	return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": unknown model '%s'; add it to 'models' "
			    "or map it onto one in 'usage.models' of the configuration", name,
			    line, model);
}

/* ---- buckets ------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static uint64_t bucket_hash(int64_t day, const uint32_t *dim, bool known)
{
	uint64_t h = mix64((uint64_t)day ^ (known ? 0x8000000000000000ULL : 0));

	for (int i = 0; i < 6; i++)
		h = mix64(h ^ dim[i]);
	return h;
}

static void bucket_rehash(struct pc_store_import *imp)
{
	size_t size = (imp->bucket_slots.mask + 1) * 2;

	slots_release(&imp->bucket_slots);
	slots_init(&imp->bucket_slots, size);
	for (size_t i = 0; i < imp->nbuckets; i++) {
		size_t k = imp->buckets[i].hash & imp->bucket_slots.mask;

		while (imp->bucket_slots.slot[k])
			k = (k + 1) & imp->bucket_slots.mask;
		imp->bucket_slots.slot[k] = (uint32_t)i + 1;
	}
}

static uint32_t bucket_find(struct pc_store_import *imp, int64_t day, const uint32_t *dim,
			    bool known)
{
	uint64_t h = bucket_hash(day, dim, known);
	size_t k = h & imp->bucket_slots.mask;
	struct bucket *b;

	for (; imp->bucket_slots.slot[k]; k = (k + 1) & imp->bucket_slots.mask) {
		b = &imp->buckets[imp->bucket_slots.slot[k] - 1];
		if (b->hash == h && b->day == day && b->known == known &&
		    !memcmp(b->dim, dim, sizeof(b->dim)))
			return imp->bucket_slots.slot[k] - 1;
	}
	PC_GROW(imp->buckets, imp->cap_buckets, imp->nbuckets + 1);
	b = &imp->buckets[imp->nbuckets];
	memset(b, 0, sizeof(*b));
	b->day = day;
	memcpy(b->dim, dim, sizeof(b->dim));
	b->known = known;
	b->hash = h;
	imp->bucket_slots.slot[k] = (uint32_t)++imp->nbuckets;
	if (imp->nbuckets * 2 > imp->bucket_slots.mask + 1)
		bucket_rehash(imp);
	return (uint32_t)imp->nbuckets - 1;
}

static void hour_rehash(struct pc_store_import *imp)
{
	size_t size = (imp->hour_slots.mask + 1) * 2;

	slots_release(&imp->hour_slots);
	slots_init(&imp->hour_slots, size);
	for (size_t i = 0; i < imp->nhours; i++) {
		size_t k = imp->hours[i].hash & imp->hour_slots.mask;

		while (imp->hour_slots.slot[k])
			k = (k + 1) & imp->hour_slots.mask;
		imp->hour_slots.slot[k] = (uint32_t)i + 1;
	}
}

static uint32_t hour_find(struct pc_store_import *imp, int64_t hour, uint32_t deployment,
			  uint32_t model)
{
	uint64_t h = mix64(mix64(mix64((uint64_t)hour) ^ deployment) ^ model);
	size_t k = h & imp->hour_slots.mask;
	struct hour_bucket *b;

	for (; imp->hour_slots.slot[k]; k = (k + 1) & imp->hour_slots.mask) {
		b = &imp->hours[imp->hour_slots.slot[k] - 1];
		if (b->hash == h && b->hour == hour && b->deployment == deployment &&
		    b->model == model)
			return imp->hour_slots.slot[k] - 1;
	}
	PC_GROW(imp->hours, imp->cap_hours, imp->nhours + 1);
	b = &imp->hours[imp->nhours];
	memset(b, 0, sizeof(*b));
	b->hour = hour;
	b->deployment = deployment;
	b->model = model;
	b->hash = h;
	imp->hour_slots.slot[k] = (uint32_t)++imp->nhours;
	if (imp->nhours * 2 > imp->hour_slots.mask + 1)
		hour_rehash(imp);
	return (uint32_t)imp->nhours - 1;
}

static bool add_checked(int64_t *sum, int64_t v)
{
	return !__builtin_add_overflow(*sum, v, sum);
}

/* Adds one record's counts to totals; false on an overflow (a sum past 9.2e18). */
static bool totals_add(struct totals *t, const struct pending *p)
{
	return add_checked(&t->records, p->records) && add_checked(&t->calls, p->calls) &&
	       add_checked(&t->hits, p->hits) && add_checked(&t->input, p->input) &&
	       add_checked(&t->cached, p->cached) && add_checked(&t->cache_write, p->cache_write) &&
	       add_checked(&t->output, p->output) &&
	       (!p->has_cost || (add_checked(&t->cost_records, p->cost_records) &&
				 add_checked(&t->cost_micros, p->cost_micros)));
}

static bool totals_merge(struct totals *t, const struct totals *o)
{
	return add_checked(&t->records, o->records) && add_checked(&t->calls, o->calls) &&
	       add_checked(&t->hits, o->hits) && add_checked(&t->input, o->input) &&
	       add_checked(&t->cached, o->cached) && add_checked(&t->cache_write, o->cache_write) &&
	       add_checked(&t->output, o->output) &&
	       add_checked(&t->cost_records, o->cost_records) &&
	       add_checked(&t->cost_micros, o->cost_micros);
}

static int overflow(void)
{
	return pc_error_set(PC_EINTERNAL, "a bucket's total would pass 9.2e18; refusing to wrap");
}

/* A record is in: its counts go to its buckets. */
static int apply(struct pc_store_import *imp, const struct pending *p)
{
	struct bucket *b = &imp->buckets[p->bucket];

	if (!totals_add(&b->t, p) ||
	    (p->hour != UINT32_MAX && !totals_add(&imp->hours[p->hour].t, p)))
		return overflow();
	imp->summary.imported++;
	if (!b->known)
		imp->summary.unattributed++;
	return 0;
}

static int compare_refs(const void *a, const void *b)
{
	const struct pending_ref *x = a, *y = b;

	if (x->key[0] != y->key[0])
		return x->key[0] < y->key[0] ? -1 : 1;
	if (x->key[1] != y->key[1])
		return x->key[1] < y->key[1] ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The key as stored: big-endian, so the B-tree's byte order is the sort's order. */
static void key_bytes(unsigned char out[16], const uint64_t key[2])
{
	for (int i = 0; i < 8; i++) {
		out[i] = (unsigned char)(key[0] >> (56 - 8 * i));
		out[8 + i] = (unsigned char)(key[1] >> (56 - 8 * i));
	}
}

/* Looks up the waiting ids in order: new ones are remembered and counted, the rest are duplicates. */
static int flush_pending(struct pc_store_import *imp)
{
	struct pc_store *store = imp->store;
	int error = 0;

	for (size_t i = 0; i < imp->npending; i++) {
		imp->order[i].key[0] = imp->pending[i].key[0];
		imp->order[i].key[1] = imp->pending[i].key[1];
		imp->order[i].index = (uint32_t)i;
	}
	qsort(imp->order, imp->npending, sizeof(*imp->order), compare_refs);
	memset(imp->is_new, 0, (imp->npending + 7) / 8);
	for (size_t i = 0; i < imp->npending; i++) {
		const struct pending_ref *ref = &imp->order[i];
		unsigned char key[16];
		int rc;

		if (i > 0 && ref->key[0] == ref[-1].key[0] && ref->key[1] == ref[-1].key[1]) {
			imp->summary.duplicate++; /* twice in this import */
			continue;
		}
		key_bytes(key, ref->key);
		sqlite3_bind_blob(imp->seen_insert, 1, key, sizeof(key), SQLITE_STATIC);
		rc = sqlite3_step(imp->seen_insert);
		sqlite3_reset(imp->seen_insert);
		if (rc != SQLITE_DONE)
			return db_fail(store, rc, "cannot remember a record id");
		if (sqlite3_changes(store->db) == 0)
			imp->summary.duplicate++; /* imported before */
		else
			imp->is_new[ref->index / 8] |= (unsigned char)(1u << (ref->index % 8));
	}
	/* in the order read: the records' counts are visited in sequence, not at random */
	for (size_t i = 0; i < imp->npending && !error; i++)
		if (imp->is_new[i / 8] & (1u << (i % 8)))
			error = apply(imp, &imp->pending[i]);
	imp->npending = 0;
	return error;
}

int pc_store_import_record(struct pc_store_import *imp, const struct pc_usage_record *r,
			   enum pc_usage_format format, const char *name, uint64_t line)
{
	const struct pc_config *config = imp->options->config;
	const struct pc_template_config *tc = NULL;
	struct strtab *s = &imp->strings;
	uint32_t dim[6], model_id;
	int32_t template_index = -1, model_index = -1;
	struct pending p;
	const char *model, *deployment;

	imp->summary.read++;
	dim[DIM_TEMPLATE] = strtab_intern_s(s, r->template);
	if (r->template)
		template_index = s->items[dim[DIM_TEMPLATE]].template_index;
	if (template_index < 0 && (template_index = rule_template(imp, r)) >= 0)
		dim[DIM_TEMPLATE] = strtab_intern_s(s, config->templates[template_index].id);
	if (template_index >= 0)
		tc = &config->templates[template_index];

	model = r->model && *r->model ? r->model : tc ? tc->model : NULL;
	if (!model)
		return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": the record names no model and no "
				    "template to take one from", name, line);
	model_id = strtab_intern_s(s, model);
	model_index = s->items[model_id].model_index;
	if (model_index < 0)
		return unknown_model(imp, name, line, model);
	dim[DIM_MODEL] = strtab_intern_s(s, config->models[model_index].name);
	dim[DIM_VERSION] = strtab_intern_s(s, r->template_version);
	dim[DIM_TEAM] = strtab_intern_s(s, r->team ? r->team : tc ? tc->team : NULL);
	dim[DIM_USE_CASE] = strtab_intern_s(s, r->use_case ? r->use_case : tc ? tc->use_case : NULL);
	/* a record naming no deployment runs where its template's configuration says */
	deployment = r->deployment && *r->deployment ? r->deployment : tc ? tc->deployment : NULL;
	dim[DIM_DEPLOYMENT] = strtab_intern_s(s, deployment);

	memset(&p, 0, sizeof(p));
	p.bucket = bucket_find(imp, floor_div(r->time, 86400), dim, template_index >= 0);
	p.hour = deployment && *deployment
			 ? hour_find(imp, floor_div(r->time, 3600), dim[DIM_DEPLOYMENT],
				     dim[DIM_MODEL])
			 : UINT32_MAX;
	p.calls = r->calls;
	p.hits = r->response_cache_hits;
	p.input = r->input_tokens;
	p.cached = r->cached_input_tokens;
	p.cache_write = r->cache_write_tokens;
	p.output = r->output_tokens;
	p.has_cost = r->has_cost;
	p.cost_micros = r->has_cost ? r->cost_micros : 0;
	p.records = r->records > 0 ? r->records : 1;
	p.cost_records = r->cost_records > 0 ? r->cost_records : 1;
	if (!r->id || !*r->id)
		return apply(imp, &p); /* no id: only its file's content guards against a repeat */
	record_key(p.key, format, r->id);
	imp->pending[imp->npending++] = p;
	if (imp->npending == PENDING_CHUNK)
		return flush_pending(imp);
	return 0;
}

/* ---- bad records --------------------------------------------------------- */

static int open_skip_bad(struct pc_store_import *imp, const char *path)
{
	struct pc_buf tmp = PC_BUF_INIT;
	int fd;

	pc_buf_addf(&tmp, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		int e = errno;

		pc_buf_release(&tmp);
		return pc_error_set(PC_EIO, "%s: cannot write: %s", path, strerror(e));
	}
	imp->skip_bad = fdopen(fd, "w");
	if (!imp->skip_bad) {
		close(fd);
		unlink(tmp.ptr);
		pc_buf_release(&tmp);
		return pc_error_set(PC_EIO, "%s: cannot write: %s", path, strerror(errno));
	}
	imp->skip_bad_tmp = pc_buf_detach(&tmp, NULL);
	return 0;
}

int pc_store_import_bad(struct pc_store_import *imp, const char *name, uint64_t line,
			const char *message, const char *raw, size_t rawlen)
{
	if (!imp->skip_bad)
		return pc_error_set(PC_EINPUT, "%s:%" PRIu64 ": %s", name, line, message);
	fprintf(imp->skip_bad, "%s:%" PRIu64 ": %s\n", name, line, message);
	if (raw && rawlen) {
		fwrite(raw, 1, rawlen, imp->skip_bad);
		if (raw[rawlen - 1] != '\n')
			fputc('\n', imp->skip_bad);
	}
	imp->summary.set_aside++;
	if (ferror(imp->skip_bad))
		return pc_error_set(PC_EIO, "%s: cannot write: %s", imp->options->skip_bad_path,
				    strerror(errno));
	return 0;
}

/* ---- the import ---------------------------------------------------------- */

int pc_store_import_begin(struct pc_store_import **out, struct pc_store *store,
			  const struct pc_import_options *options)
{
	struct pc_store_import *imp;
	sqlite3_stmt *st = NULL;
	int error, rc;

	*out = NULL;
	if (store->in_import)
		return pc_error_set(PC_EINTERNAL, "%s: an import is already under way", store->path);
	imp = pc_xcalloc(1, sizeof(*imp));
	imp->store = store;
	imp->options = options;
	strtab_init(&imp->strings);
	slots_init(&imp->bucket_slots, 1024);
	slots_init(&imp->hour_slots, 256);
	imp->pending = pc_xmalloc(PENDING_CHUNK * sizeof(*imp->pending));
	imp->order = pc_xmalloc(PENDING_CHUNK * sizeof(*imp->order));
	imp->is_new = pc_xmalloc(PENDING_CHUNK / 8);
	load_config(imp);
	/* IMMEDIATE takes the write lock now: a second import waits, then says it is locked */
	if ((error = exec(store, "BEGIN IMMEDIATE", "cannot start the import")))
		goto fail;
	imp->began = true;
	store->in_import = true;
	if ((error = prepare(&imp->seen_insert, store, "INSERT OR IGNORE INTO seen(key) VALUES(?)")) ||
	    (error = prepare(&st, store, "SELECT DISTINCT length FROM contents ORDER BY length")))
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		PC_GROW(imp->lengths, imp->cap_lengths, imp->nlengths + 1);
		imp->lengths[imp->nlengths++] = (uint64_t)sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		error = db_fail(store, rc, "cannot read the contents imported");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (options->skip_bad_path && (error = open_skip_bad(imp, options->skip_bad_path)))
		goto fail;
	*out = imp;
	return 0;
fail:
	sqlite3_finalize(st);
	pc_store_import_free(imp);
	return error;
}

int pc_store_import_lengths(struct pc_store_import *imp, const uint64_t **lengths, size_t *n)
{
	*lengths = imp->lengths;
	*n = imp->nlengths;
	return 0;
}

static int content_known(bool *out, struct pc_store_import *imp,
			 const unsigned char digest[PC_SHA256_LEN], uint64_t length)
{
	sqlite3_stmt *st = NULL;
	int error, rc;

	*out = false;
	if ((error = prepare(&st, imp->store,
			     "SELECT 1 FROM contents WHERE sha256 = ? AND length = ?")))
		return error;
	sqlite3_bind_blob(st, 1, digest, PC_SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)length);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = true;
	else if (rc != SQLITE_DONE)
		error = db_fail(imp->store, rc, "cannot read the contents imported");
	sqlite3_finalize(st);
	return error;
}

int pc_store_import_content(bool *already, uint64_t *skip, struct pc_store_import *imp,
			    const unsigned char digest[PC_SHA256_LEN], uint64_t length,
			    const uint64_t *lengths, const unsigned char (*prefix)[PC_SHA256_LEN],
			    const bool *found, size_t n)
{
	int error;

	*skip = 0;
	if ((error = content_known(already, imp, digest, length)) || *already)
		return error;
	for (size_t k = 0; k < n; k++) {
		bool known;

		if (!found[k] || lengths[k] >= length || lengths[k] <= *skip)
			continue;
		if ((error = content_known(&known, imp, prefix[k], lengths[k])))
			return error;
		if (known)
			*skip = lengths[k];
	}
	return 0;
}

int pc_store_import_content_add(struct pc_store_import *imp,
				const unsigned char digest[PC_SHA256_LEN], uint64_t length,
				enum pc_usage_format format, const char *name)
{
	sqlite3_stmt *st = NULL;
	int error, rc;
	size_t at;

	if ((error = prepare(&st, imp->store, "INSERT OR IGNORE INTO contents(sha256, length, "
					      "format, name) VALUES(?, ?, ?, ?)")))
		return error;
	sqlite3_bind_blob(st, 1, digest, PC_SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)length);
	sqlite3_bind_text(st, 3, source_name(format), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		error = db_fail(imp->store, rc, "cannot record a content imported");
	sqlite3_finalize(st);
	if (error)
		return error;
	/* a later file of this import may extend this one */
	for (at = 0; at < imp->nlengths && imp->lengths[at] < length; at++)
		;
	if (at < imp->nlengths && imp->lengths[at] == length)
		return 0;
	PC_GROW(imp->lengths, imp->cap_lengths, imp->nlengths + 1);
	memmove(imp->lengths + at + 1, imp->lengths + at,
		(imp->nlengths - at) * sizeof(*imp->lengths));
	imp->lengths[at] = length;
	imp->nlengths++;
	return 0;
}

void pc_store_import_file(struct pc_store_import *imp, bool already)
{
	imp->summary.files++;
	if (already)
		imp->summary.files_already++;
}

static const char *str_of(const struct pc_store_import *imp, uint32_t id)
{
	return imp->strings.items[id].text;
}

static void bind_totals(sqlite3_stmt *st, int at, const struct totals *t)
{
	sqlite3_bind_int64(st, at, t->records);
	sqlite3_bind_int64(st, at + 1, t->calls);
	sqlite3_bind_int64(st, at + 2, t->hits);
	sqlite3_bind_int64(st, at + 3, t->input);
	sqlite3_bind_int64(st, at + 4, t->cached);
	sqlite3_bind_int64(st, at + 5, t->cache_write);
	sqlite3_bind_int64(st, at + 6, t->output);
	sqlite3_bind_int64(st, at + 7, t->cost_records);
	sqlite3_bind_int64(st, at + 8, t->cost_micros);
}

static void column_totals(struct totals *t, sqlite3_stmt *st, int at)
{
	t->records = sqlite3_column_int64(st, at);
	t->calls = sqlite3_column_int64(st, at + 1);
	t->hits = sqlite3_column_int64(st, at + 2);
	t->input = sqlite3_column_int64(st, at + 3);
	t->cached = sqlite3_column_int64(st, at + 4);
	t->cache_write = sqlite3_column_int64(st, at + 5);
	t->output = sqlite3_column_int64(st, at + 6);
	t->cost_records = sqlite3_column_int64(st, at + 7);
	t->cost_micros = sqlite3_column_int64(st, at + 8);
}

#define TOTALS_COLUMNS "records, calls, hits, input_tokens, cached_input_tokens, " \
	"cache_write_tokens, output_tokens, cost_records, cost_micros"

/*
 * Adds the daily buckets to the store's: read the row, add in C with
 * overflow checks (SQLite's + turns an overflowing integer into a float,
 * silently), write it back.
 */

/*
 * Adds the stored totals of a bucket (get, bound to its key) to t and writes
 * the sum (put, bound to its key, totals from column put_col on).
 */
static int merge_put(struct pc_store *store, sqlite3_stmt *get, sqlite3_stmt *put,
		     struct totals *t, int put_col, const char *what)
{
	char message[64];
	int rc = sqlite3_step(get), error = 0;

	if (rc == SQLITE_ROW) {
		struct totals old;

		column_totals(&old, get, 0);
		if (!totals_merge(t, &old))
			error = overflow();
	} else if (rc != SQLITE_DONE) {
		snprintf(message, sizeof(message), "cannot read %s", what);
		error = db_fail(store, rc, message);
	}
	sqlite3_reset(get);
	if (error)
		return error;
	bind_totals(put, put_col, t);
	rc = sqlite3_step(put);
	sqlite3_reset(put);
	snprintf(message, sizeof(message), "cannot write %s", what);
	return rc == SQLITE_DONE ? 0 : db_fail(store, rc, message);
}

static int write_daily(struct pc_store_import *imp)
{
	struct pc_store *store = imp->store;
	sqlite3_stmt *get = NULL, *put = NULL;
	int error;

	if ((error = prepare(&get, store, "SELECT " TOTALS_COLUMNS " FROM daily WHERE day = ? AND "
					  "known = ? AND template = ? AND version = ? AND team = ? AND "
					  "use_case = ? AND model = ? AND deployment = ?")) ||
	    (error = prepare(&put, store, "INSERT OR REPLACE INTO daily(day, known, template, "
					  "version, team, use_case, model, deployment, " TOTALS_COLUMNS
					  ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
		goto done;
	for (size_t i = 0; i < imp->nbuckets && !error; i++) {
		const struct bucket *b = &imp->buckets[i];
		struct totals t = b->t;
		sqlite3_stmt *sts[2] = { get, put };

		if (!t.records)
			continue; /* every record of it was a duplicate */
		for (int s = 0; s < 2; s++) {
			sqlite3_bind_int64(sts[s], 1, b->day);
			sqlite3_bind_int(sts[s], 2, b->known);
			for (int d = 0; d < 6; d++)
				sqlite3_bind_text(sts[s], 3 + d, str_of(imp, b->dim[d]), -1,
						  SQLITE_STATIC);
		}
		error = merge_put(store, get, put, &t, 9, "a daily bucket");
	}
done:
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return error;
}

static int write_hourly(struct pc_store_import *imp)
{
	struct pc_store *store = imp->store;
	sqlite3_stmt *get = NULL, *put = NULL;
	int error;

	if ((error = prepare(&get, store, "SELECT " TOTALS_COLUMNS " FROM hourly WHERE hour = ? "
					  "AND deployment = ? AND model = ?")) ||
	    (error = prepare(&put, store, "INSERT OR REPLACE INTO hourly(hour, deployment, model, "
					  TOTALS_COLUMNS ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
		goto done;
	for (size_t i = 0; i < imp->nhours && !error; i++) {
		const struct hour_bucket *b = &imp->hours[i];
		struct totals t = b->t;
		sqlite3_stmt *sts[2] = { get, put };

		if (!t.records)
			continue;
		for (int s = 0; s < 2; s++) {
			sqlite3_bind_int64(sts[s], 1, b->hour);
			sqlite3_bind_text(sts[s], 2, str_of(imp, b->deployment), -1, SQLITE_STATIC);
			sqlite3_bind_text(sts[s], 3, str_of(imp, b->model), -1, SQLITE_STATIC);
		}
		error = merge_put(store, get, put, &t, 4, "an hourly bucket");
	}
done:
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return error;
}

static const char *const kind_names[] = { "blob", "commit", "label" };

/* A version with no repository at hand: hex may be a blob or a commit, so it waits. */
static bool looks_like_id(const char *v)
{
	size_t n = strspn(v, "0123456789abcdefABCDEF");

	return v[n] == '\0' && n >= 7 && n <= PC_OID_HEXSZ;
}

/* Every (template, version) pair imported gets its resolution, once, kept in the store. */
static int write_versions(struct pc_store_import *imp)
{
	struct pc_store *store = imp->store;
	const struct pc_config *config = imp->options->config;
	sqlite3_stmt *get = NULL, *put = NULL;
	struct slots done_slots;
	uint64_t *done_keys = NULL;
	size_t npairs = 0;
	int error;

	slots_init(&done_slots, 64);
	if ((error = prepare(&get, store, "SELECT kind FROM versions WHERE template = ? AND "
					  "version = ?")) ||
	    (error = prepare(&put, store, "INSERT OR REPLACE INTO versions(template, version, kind, "
					  "commit_id) VALUES(?, ?, ?, ?)")))
		goto done;
	done_keys = pc_xcalloc(done_slots.mask + 1, sizeof(*done_keys));
	for (size_t i = 0; i < imp->nbuckets && !error; i++) {
		const struct bucket *b = &imp->buckets[i];
		const char *template = str_of(imp, b->dim[DIM_TEMPLATE]);
		const char *version = str_of(imp, b->dim[DIM_VERSION]);
		uint64_t key = ((uint64_t)b->dim[DIM_TEMPLATE] << 32) | b->dim[DIM_VERSION];
		char commit[PC_OID_HEXSZ + 1] = "";
		const char *kind;
		size_t k;
		int rc;

		if (!b->known || !*version || !b->t.records)
			continue;
		/* each pair once, however many buckets it has */
		for (k = mix64(key) & done_slots.mask; done_slots.slot[k]; k = (k + 1) & done_slots.mask)
			if (done_keys[k] == key)
				break;
		if (done_slots.slot[k])
			continue;
		done_slots.slot[k] = 1;
		done_keys[k] = key;
		if (2 * ++npairs > done_slots.mask) {
			/* grow: rebuild the set from scratch (rare; pairs are few) */
			struct slots bigger;
			uint64_t *keys;

			slots_init(&bigger, (done_slots.mask + 1) * 4);
			keys = pc_xcalloc(bigger.mask + 1, sizeof(*keys));
			for (size_t j = 0; j <= done_slots.mask; j++) {
				size_t m;

				if (!done_slots.slot[j])
					continue;
				for (m = mix64(done_keys[j]) & bigger.mask; bigger.slot[m];
				     m = (m + 1) & bigger.mask)
					;
				bigger.slot[m] = 1;
				keys[m] = done_keys[j];
			}
			slots_release(&done_slots);
			free(done_keys);
			done_slots = bigger;
			done_keys = keys;
		}

		sqlite3_bind_text(get, 1, template, -1, SQLITE_STATIC);
		sqlite3_bind_text(get, 2, version, -1, SQLITE_STATIC);
		rc = sqlite3_step(get);
		if (rc == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(get, 0), "unresolved")) {
			sqlite3_reset(get);
			continue; /* resolved before */
		}
		sqlite3_reset(get);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			error = db_fail(store, rc, "cannot read a version");
			break;
		}
		if (imp->options->repo && config) {
			const struct pc_template_config *t = pc_config_template(config, template);
			const char **globs = pc_xcalloc(t->nfiles + 1, sizeof(*globs));
			enum pc_version_kind vk;

			for (size_t g = 0; g < t->nfiles; g++)
				globs[g] = t->files[g].pattern;
			error = pc_repo_version_commit(commit, &vk, imp->options->repo, globs,
						       t->nfiles, version);
			free(globs);
			if (error)
				break;
			kind = kind_names[vk];
		} else {
			kind = looks_like_id(version) ? "unresolved" : "label";
		}
		sqlite3_bind_text(put, 1, template, -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 2, version, -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 3, kind, -1, SQLITE_STATIC);
		if (*commit)
			sqlite3_bind_text(put, 4, commit, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(put, 4);
		rc = sqlite3_step(put);
		sqlite3_reset(put);
		if (rc != SQLITE_DONE)
			error = db_fail(store, rc, "cannot write a version");
	}
done:
	free(done_keys);
	slots_release(&done_slots);
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return error;
}

int pc_store_import_commit(struct pc_store_import *imp, struct pc_import_summary *summary)
{
	int error;

	if ((error = flush_pending(imp)) || (error = write_daily(imp)) ||
	    (error = write_hourly(imp)) || (error = write_versions(imp)))
		return error;
	if (imp->skip_bad) {
		FILE *f = imp->skip_bad;

		imp->skip_bad = NULL;
		if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f)) {
			fclose(f);
			return pc_error_set(PC_EIO, "%s: cannot write: %s",
					    imp->options->skip_bad_path, strerror(errno));
		}
		fclose(f);
	}
	sqlite3_finalize(imp->seen_insert);
	imp->seen_insert = NULL;
	if ((error = exec(imp->store, "COMMIT", "cannot commit the import")))
		return error;
	imp->committed = true;
	imp->store->in_import = false;
	/* the store holds the records: only now may the bad ones show up beside them */
	if (imp->skip_bad_tmp && rename(imp->skip_bad_tmp, imp->options->skip_bad_path) != 0)
		pc_warn("%s: cannot write the records set aside: %s", imp->options->skip_bad_path,
			strerror(errno));
	if (summary)
		*summary = imp->summary;
	return 0;
}

void pc_store_import_free(struct pc_store_import *imp)
{
	if (!imp)
		return;
	sqlite3_finalize(imp->seen_insert);
	if (imp->began && !imp->committed) {
		sqlite3_exec(imp->store->db, "ROLLBACK", NULL, NULL, NULL);
		imp->store->in_import = false;
	}
	if (imp->skip_bad)
		fclose(imp->skip_bad);
	if (imp->skip_bad_tmp) {
		if (!imp->committed)
			unlink(imp->skip_bad_tmp);
		free(imp->skip_bad_tmp);
	}
	strtab_release(&imp->strings);
	free(imp->buckets);
	slots_release(&imp->bucket_slots);
	free(imp->hours);
	slots_release(&imp->hour_slots);
	free(imp->pending);
	free(imp->order);
	free(imp->is_new);
	free(imp->lengths);
	free(imp);
}

/* ---- reading ------------------------------------------------------------- */

int pc_store_last_day(int64_t *out, struct pc_store *store)
{
	sqlite3_stmt *st = NULL;
	int error, rc;

	*out = 0;
	if ((error = prepare(&st, store, "SELECT max(day) FROM daily")))
		return error;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_ROW)
		error = pc_error_set(PC_ENOTFOUND, "%s: the store holds no records", store->path);
	else
		error = db_fail(store, rc, "cannot read the store");
	sqlite3_finalize(st);
	return error;
}

/* A SUM() column: an integer (SQLite raises an error rather than overflow one). */
static int64_t col64(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

int pc_store_template_usage(struct pc_store *store, int64_t from, int64_t until,
			    struct pc_template_usage **out, size_t *nout)
{
	sqlite3_stmt *st = NULL;
	struct pc_template_usage *items = NULL;
	size_t n = 0, cap = 0;
	int error, rc;

	*out = NULL;
	*nout = 0;
	/* the primary key starts with the day: only the window's rows are read */
	if ((error = prepare(&st, store,
			     "SELECT known, CASE WHEN known THEN template END AS t, min(day), max(day),"
			     " sum(records), sum(calls), sum(hits), sum(input_tokens),"
			     " sum(cached_input_tokens), sum(cache_write_tokens), sum(output_tokens)"
			     " FROM daily WHERE day BETWEEN ? AND ?"
			     " GROUP BY known, t ORDER BY known DESC, t")))
		return error;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, until);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pc_template_usage *u;

		PC_GROW(items, cap, n + 1);
		u = &items[n++];
		memset(u, 0, sizeof(*u));
		if (sqlite3_column_int(st, 0))
			u->template = pc_xstrdup((const char *)sqlite3_column_text(st, 1));
		u->first_day = col64(st, 2);
		u->last_day = col64(st, 3);
		u->records = col64(st, 4);
		u->calls = col64(st, 5);
		u->response_cache_hits = col64(st, 6);
		u->input_tokens = col64(st, 7);
		u->cached_input_tokens = col64(st, 8);
		u->cache_write_tokens = col64(st, 9);
		u->output_tokens = col64(st, 10);
	}
	if (rc != SQLITE_DONE) {
		error = db_fail(store, rc, "cannot read the daily buckets");
		pc_template_usage_free(items, n);
	} else {
		*out = items;
		*nout = n;
	}
	sqlite3_finalize(st);
	return error;
}

void pc_template_usage_free(struct pc_template_usage *usage, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(usage[i].template);
	free(usage);
}

static enum pc_version_kind kind_of_name(const char *name, bool *resolved)
{
	*resolved = true;
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strcmp(name, kind_names[i]))
			return (enum pc_version_kind)i;
	*resolved = false;
	return PC_VERSION_LABEL;
}

int pc_store_describe(struct pc_store_summary **out, struct pc_store *store)
{
	struct pc_store_summary *s = pc_xcalloc(1, sizeof(*s));
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int error, rc;

	*out = NULL;
	if ((error = query_int(&s->files, store, "SELECT count(*) FROM contents")) ||
	    (error = query_int(&s->record_ids, store, "SELECT count(*) FROM seen")))
		goto done;
	if ((error = prepare(&st, store,
			     "SELECT known, template, min(day), max(day), sum(records), sum(calls),"
			     " sum(hits), sum(input_tokens), sum(cached_input_tokens),"
			     " sum(cache_write_tokens), sum(output_tokens) FROM daily"
			     " GROUP BY known, template ORDER BY known DESC, template")))
		goto done;
	s->empty = true;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pc_store_template *t;
		const char *name = (const char *)sqlite3_column_text(st, 1);

		PC_GROW(s->templates, cap, s->ntemplates + 1);
		t = &s->templates[s->ntemplates++];
		memset(t, 0, sizeof(*t));
		t->attributed = sqlite3_column_int(st, 0) != 0;
		t->template = name && *name ? pc_xstrdup(name) : NULL;
		t->first_day = col64(st, 2);
		t->last_day = col64(st, 3);
		t->records = col64(st, 4);
		t->calls = col64(st, 5);
		t->response_cache_hits = col64(st, 6);
		t->input_tokens = col64(st, 7);
		t->cached_input_tokens = col64(st, 8);
		t->cache_write_tokens = col64(st, 9);
		t->output_tokens = col64(st, 10);
		if (s->empty || t->first_day < s->first_day)
			s->first_day = t->first_day;
		if (s->empty || t->last_day > s->last_day)
			s->last_day = t->last_day;
		s->empty = false;
		s->records += t->records;
		s->calls += t->calls;
		if (!t->attributed) {
			s->unattributed_records += t->records;
			s->unattributed_calls += t->calls;
		}
	}
	if (rc != SQLITE_DONE) {
		error = db_fail(store, rc, "cannot read the daily buckets");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((error = prepare(&st, store,
			     "SELECT d.template, d.version, v.kind, v.commit_id, min(d.day),"
			     " max(d.day), sum(d.records), sum(d.calls) FROM daily d"
			     " LEFT JOIN versions v ON v.template = d.template AND v.version = d.version"
			     " WHERE d.known AND d.version != '' GROUP BY d.template, d.version"
			     " ORDER BY d.template, min(d.day), d.version")))
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		const char *commit = (const char *)sqlite3_column_text(st, 3);
		struct pc_store_template *t = NULL;
		struct pc_store_version *v;

		for (size_t i = 0; i < s->ntemplates && !t; i++)
			if (s->templates[i].attributed && !strcmp(s->templates[i].template, name))
				t = &s->templates[i];
		if (!t)
			continue;
		t->versions = pc_xrealloc(t->versions, (t->nversions + 1) * sizeof(*t->versions));
		v = &t->versions[t->nversions++];
		memset(v, 0, sizeof(*v));
		v->version = pc_xstrdup((const char *)sqlite3_column_text(st, 1));
		v->kind = kind_of_name(kind ? kind : "unresolved", &v->resolved);
		v->commit = commit ? pc_xstrdup(commit) : NULL;
		v->first_day = col64(st, 4);
		v->last_day = col64(st, 5);
		v->records = col64(st, 6);
		v->calls = col64(st, 7);
	}
	if (rc != SQLITE_DONE)
		error = db_fail(store, rc, "cannot read the versions");
done:
	sqlite3_finalize(st);
	if (error)
		pc_store_summary_free(s);
	else
		*out = s;
	return error;
}

void pc_store_summary_free(struct pc_store_summary *summary)
{
	if (!summary)
		return;
	for (size_t i = 0; i < summary->ntemplates; i++) {
		struct pc_store_template *t = &summary->templates[i];

		for (size_t k = 0; k < t->nversions; k++) {
			free(t->versions[k].version);
			free(t->versions[k].commit);
		}
		free(t->versions);
		free(t->template);
	}
	free(summary->templates);
	free(summary);
}

/* ---- the spend report's reads -------------------------------------------- */

static char *col_text_or_null(sqlite3_stmt *st, int i)
{
	const char *text = (const char *)sqlite3_column_text(st, i);

	return text && *text ? pc_xstrdup(text) : NULL;
}

int pc_store_daily(struct pc_store *store, int64_t from, int64_t until,
		   struct pc_store_bucket **out, size_t *nout)
{
	sqlite3_stmt *st = NULL;
	struct pc_store_bucket *items = NULL;
	size_t n = 0, cap = 0;
	int error, rc;

	*out = NULL;
	*nout = 0;
	if ((error = prepare(&st, store,
			     "SELECT day, known, template, version, team, use_case, model, deployment,"
			     " records, calls, hits, input_tokens, cached_input_tokens,"
			     " cache_write_tokens, output_tokens, cost_records, cost_micros"
			     " FROM daily WHERE day BETWEEN ? AND ? ORDER BY day, known DESC,"
			     " template, version, team, use_case, model, deployment")))
		return error;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, until);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pc_store_bucket *b;

		PC_GROW(items, cap, n + 1);
		b = &items[n++];
		memset(b, 0, sizeof(*b));
		b->at = col64(st, 0);
		b->known = sqlite3_column_int(st, 1) != 0;
		b->template = col_text_or_null(st, 2);
		b->version = col_text_or_null(st, 3);
		b->team = col_text_or_null(st, 4);
		b->use_case = col_text_or_null(st, 5);
		b->model = col_text_or_null(st, 6);
		b->deployment = col_text_or_null(st, 7);
		b->records = col64(st, 8);
		b->calls = col64(st, 9);
		b->response_cache_hits = col64(st, 10);
		b->input_tokens = col64(st, 11);
		b->cached_input_tokens = col64(st, 12);
		b->cache_write_tokens = col64(st, 13);
		b->output_tokens = col64(st, 14);
		b->cost_records = col64(st, 15);
		b->cost_micros = col64(st, 16);
	}
	if (rc != SQLITE_DONE) {
		error = db_fail(store, rc, "cannot read the daily buckets");
		pc_store_buckets_free(items, n);
	} else {
		*out = items;
		*nout = n;
	}
	sqlite3_finalize(st);
	return error;
}

int pc_store_hourly(struct pc_store *store, int64_t from_hour, int64_t until_hour,
		    struct pc_store_bucket **out, size_t *nout)
{
	sqlite3_stmt *st = NULL;
	struct pc_store_bucket *items = NULL;
	size_t n = 0, cap = 0;
	int error, rc;

	*out = NULL;
	*nout = 0;
	if ((error = prepare(&st, store,
			     "SELECT hour, deployment, model, records, calls, hits, input_tokens,"
			     " cached_input_tokens, cache_write_tokens, output_tokens, cost_records,"
			     " cost_micros FROM hourly WHERE hour BETWEEN ? AND ?"
			     " ORDER BY deployment, hour, model")))
		return error;
	sqlite3_bind_int64(st, 1, from_hour);
	sqlite3_bind_int64(st, 2, until_hour);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pc_store_bucket *b;

		PC_GROW(items, cap, n + 1);
		b = &items[n++];
		memset(b, 0, sizeof(*b));
		b->at = col64(st, 0);
		b->known = true;
		b->deployment = col_text_or_null(st, 1);
		b->model = col_text_or_null(st, 2);
		b->records = col64(st, 3);
		b->calls = col64(st, 4);
		b->response_cache_hits = col64(st, 5);
		b->input_tokens = col64(st, 6);
		b->cached_input_tokens = col64(st, 7);
		b->cache_write_tokens = col64(st, 8);
		b->output_tokens = col64(st, 9);
		b->cost_records = col64(st, 10);
		b->cost_micros = col64(st, 11);
	}
	if (rc != SQLITE_DONE) {
		error = db_fail(store, rc, "cannot read the hourly buckets");
		pc_store_buckets_free(items, n);
	} else {
		*out = items;
		*nout = n;
	}
	sqlite3_finalize(st);
	return error;
}

void pc_store_buckets_free(struct pc_store_bucket *buckets, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(buckets[i].template);
		free(buckets[i].version);
		free(buckets[i].team);
		free(buckets[i].use_case);
		free(buckets[i].model);
		free(buckets[i].deployment);
	}
	free(buckets);
}
