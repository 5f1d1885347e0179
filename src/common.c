/*
 * The plumbing every stage shares: the last-error slot, warnings, allocation
 * that aborts on exhaustion, the growable buffer, string lists and atomic file
 * writes.
 */
#include "promptcost/common.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

static char error_message[1024];
static int error_code;

int pc_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_message, sizeof(error_message), fmt, ap);
	va_end(ap);
	error_code = code;
	return code;
}

const char *pc_error_message(void)
{
	return error_message;
}

int pc_error_code(void)
{
	return error_code;
}

void pc_error_clear(void)
{
	error_message[0] = '\0';
	error_code = 0;
}

int pc_exit_code(int error)
{
	switch (error) {
	case PC_OK:
		return PC_EXIT_PASS;
	case PC_EINPUT:
	case PC_ENOTFOUND:
		return PC_EXIT_INPUT;
	default:
		return PC_EXIT_ERROR;
	}
}

static struct pc_strlist warnings;

void pc_warn(const char *fmt, ...)
{
	struct pc_buf b = PC_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pc_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	pc_strlist_push_owned(&warnings, pc_buf_detach(&b, NULL));
}

size_t pc_warning_count(void)
{
	return warnings.n;
}

const char *pc_warning(size_t i)
{
	return i < warnings.n ? warnings.items[i] : NULL;
}

void pc_warnings_clear(void)
{
	pc_strlist_release(&warnings);
}

PC_NORETURN static void out_of_memory(size_t size)
{
	fprintf(stderr, "promptcost: out of memory allocating %zu bytes\n", size);
	abort();
}

void *pc_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory(size);
	return p;
}

void *pc_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory(n * size);
	return p;
}

void *pc_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		out_of_memory(size);
	return p;
}

char *pc_xstrdup(const char *s)
{
	return pc_xstrndup(s, strlen(s));
}

char *pc_xstrndup(const char *s, size_t n)
{
	char *p = pc_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void pc_grow(void **ptr, size_t *cap, size_t need, size_t elem_size)
{
	size_t n = *cap;

	if (need <= n)
		return;
	if (n < 8)
		n = 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem_size)
			out_of_memory(SIZE_MAX);
		n *= 2;
	}
	*ptr = pc_xrealloc(*ptr, n * elem_size);
	*cap = n;
}

void pc_grow_local(void **arr, const void *local, size_t *cap, size_t need, size_t elem)
{
	size_t had = *cap;

	if (need <= had)
		return;
	if (*arr == local) {
		void *heap = NULL;

		pc_grow(&heap, cap, need, elem);
		memcpy(heap, local, had * elem);
		*arr = heap;
		return;
	}
	pc_grow(arr, cap, need, elem);
}

char pc_buf__empty[1];

void pc_buf_init(struct pc_buf *b)
{
	b->ptr = pc_buf__empty;
	b->len = 0;
	b->cap = 0;
}

void pc_buf_release(struct pc_buf *b)
{
	if (b->cap)
		free(b->ptr);
	pc_buf_init(b);
}

void pc_buf_reset(struct pc_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

void pc_buf_grow(struct pc_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		out_of_memory(SIZE_MAX);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (!b->cap)
		b->ptr = NULL;
	pc_grow((void **)&b->ptr, &b->cap, need, 1);
	if (b->len == 0)
		b->ptr[0] = '\0';
}

void pc_buf_add(struct pc_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	pc_buf_grow(b, len);
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void pc_buf_adds(struct pc_buf *b, const char *s)
{
	pc_buf_add(b, s, strlen(s));
}

void pc_buf_addch(struct pc_buf *b, int c)
{
	char ch = (char)c;

	pc_buf_add(b, &ch, 1);
}

void pc_buf_vaddf(struct pc_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return;
	pc_buf_grow(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void pc_buf_addf(struct pc_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void pc_buf_add_visible(struct pc_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		/* a UTF-8 sequence is kept whole: its continuation bytes are not C1 */
		size_t n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1, k = 1;

		while (k < n && p[k] >= 0x80 && p[k] <= 0xbf)
			k++;
		if (n > 1 && k == n && !(p[0] == 0xc2 && p[1] <= 0x9f)) {
			pc_buf_add(b, p, n);
			p += n;
		} else if (n > 1 && k == n) {
			/* C1 as UTF-8 (U+0080..U+009F) */
			pc_buf_addf(b, "\\x%02x\\x%02x", p[0], p[1]);
			p += 2;
		} else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && *p <= 0x9f)) {
			pc_buf_addf(b, "\\x%02x", *p++);
		} else {
			pc_buf_addch(b, *p++);
		}
	}
}

char *pc_buf_detach(struct pc_buf *b, size_t *len_out)
{
	char *s;

	if (!b->cap)
		pc_buf_grow(b, 0);
	s = b->ptr;
	if (len_out)
		*len_out = b->len;
	pc_buf_init(b);
	return s;
}

void pc_strlist_push(struct pc_strlist *l, const char *s)
{
	pc_strlist_push_owned(l, pc_xstrdup(s));
}

void pc_strlist_push_owned(struct pc_strlist *l, char *s)
{
	PC_GROW(l->items, l->cap, l->n + 1);
	l->items[l->n++] = s;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pc_strlist_sort(struct pc_strlist *l)
{
	if (l->n > 1)
		qsort(l->items, l->n, sizeof(*l->items), compare_strings);
}

bool pc_strlist_contains(const struct pc_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], s))
			return true;
	return false;
}

void pc_strlist_release(struct pc_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

void pc_name_index_init(struct pc_name_index *idx, const void *base, size_t n, size_t stride,
			size_t name_offset)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	idx->slots = pc_xcalloc(cap, sizeof(*idx->slots));
	idx->mask = cap - 1;
	idx->names = pc_xcalloc(n ? n : 1, sizeof(*idx->names));
	idx->n = n;
	for (size_t i = 0; i < n; i++) {
		const char *name = *(char *const *)((const char *)base + i * stride + name_offset);
		size_t k = (size_t)pc_hash_str(name) & idx->mask;

		idx->names[i] = name;
		while (idx->slots[k] && strcmp(idx->names[idx->slots[k] - 1], name))
			k = (k + 1) & idx->mask;
		if (!idx->slots[k])
			idx->slots[k] = i + 1; /* of equal names, the first in the array */
	}
}

size_t pc_name_index_find(const struct pc_name_index *idx, const char *name)
{
	if (!name || !idx->slots)
		return SIZE_MAX;
	for (size_t k = (size_t)pc_hash_str(name) & idx->mask; idx->slots[k];
	     k = (k + 1) & idx->mask)
		if (!strcmp(idx->names[idx->slots[k] - 1], name))
			return idx->slots[k] - 1;
	return SIZE_MAX;
}

void pc_name_index_release(struct pc_name_index *idx)
{
	free(idx->slots);
	free(idx->names);
	idx->slots = NULL;
	idx->names = NULL;
	idx->mask = 0;
	idx->n = 0;
}

size_t pc_edit_distance(const char *a, const char *b)
{
	enum { MAXLEN = 64 };
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][MAXLEN + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > MAXLEN || lb > MAXLEN)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *tmp;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t best = prev[j - 1] + (ca != cb);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[lb];
}

int pc_fd_read(struct pc_buf *out, int fd, const char *path, size_t max_bytes)
{
	size_t start = out->len;

	for (;;) {
		ssize_t n;

		/* into the room there is (pc_file_read makes a file's size of it: one read) */
		if (out->cap - out->len < 4096 + 1)
			pc_buf_grow(out, 65536);
		n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pc_error_set(PC_EIO, "%s: cannot read: %s", path, strerror(errno));
		if (n == 0)
			return 0;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
		/* checked while reading too: a pipe has no size, a file may grow */
		if (out->len - start > max_bytes)
			return pc_error_set(PC_EINPUT, "%s: input is over the %zu-byte limit", path,
					    max_bytes);
	}
}

int pc_file_read(struct pc_buf *out, const char *path, size_t max_bytes)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	int error = 0;

	if (fd < 0) {
		if (errno == ENOENT)
			return pc_error_set(PC_ENOTFOUND, "%s: no such file", path);
		return pc_error_set(PC_EIO, "%s: cannot open: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		error = pc_error_set(PC_EIO, "%s: cannot stat: %s", path, strerror(errno));
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		error = pc_error_set(PC_EINPUT, "%s: is a directory", path);
		goto done;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_bytes) {
		error = pc_error_set(PC_EINPUT, "%s: file is %lld bytes, over the %zu-byte limit",
				     path, (long long)st.st_size, max_bytes);
		goto done;
	}
	if (S_ISREG(st.st_mode))
		pc_buf_grow(out, (size_t)st.st_size + 4096 + 1);
	error = pc_fd_read(out, fd, path, max_bytes);
done:
	close(fd);
	return error;
}

int pc_file_write_atomic(const char *path, const void *data, size_t len)
{
	return pc_file_write_atomic_mode(path, data, len, 0644);
}

int pc_file_write_atomic_mode(const char *path, const void *data, size_t len,
			      unsigned int mode)
{
	struct pc_buf tmp = PC_BUF_INIT;
	const char *p = data;
	struct stat st;
	int fd = -1;
	int error = 0;

	/*
	 * rename() would replace a symbolic link itself, and a device or a FIFO
	 * named as the output is a mistake or an attack: only a regular file
	 * (or nothing) is ever replaced.
	 */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return pc_error_set(PC_EINPUT, "refusing to replace '%s': it is %s, not a regular file",
				    path, S_ISLNK(st.st_mode)    ? "a symbolic link"
					  : S_ISFIFO(st.st_mode) ? "a FIFO"
					  : S_ISDIR(st.st_mode)  ? "a directory"
					  : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
											 : "not a file");
	pc_buf_addf(&tmp, "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		error = pc_error_set(PC_EIO, "%s: cannot create a temporary file: %s", path,
				     strerror(errno));
		goto done;
	}
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error = pc_error_set(PC_EIO, "%s: cannot write: %s", tmp.ptr, strerror(errno));
			goto done;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0) {
		error = pc_error_set(PC_EIO, "%s: cannot sync: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	if (close(fd) < 0) {
		fd = -1;
		error = pc_error_set(PC_EIO, "%s: cannot close: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.ptr, path) < 0)
		error = pc_error_set(PC_EIO, "%s: cannot rename into place: %s", path,
				     strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (error && tmp.len)
		unlink(tmp.ptr);
	pc_buf_release(&tmp);
	return error;
}

/* Howard Hinnant's days_from_civil and civil_from_days. */
int64_t pc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? (int64_t)m - 3 : (int64_t)m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void pc_day_format(char out[11], int64_t z)
{
	int64_t era, yoe, doy, mp, y;
	unsigned m, d;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	y = yoe + era * 400 + (m <= 2);
	snprintf(out, 11, "%04lld-%02u-%02u", (long long)(y < 0 ? 0 : y > 9999 ? 9999 : y), m, d);
}

bool pc_day_parse(int64_t *out, const char *s)
{
	char back[11];
	unsigned y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (unsigned)atoi(s);
	m = (unsigned)atoi(s + 5);
	d = (unsigned)atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*out = pc_days_from_civil(y, m, d);
	pc_day_format(back, *out);
	return !strcmp(back, s); /* 2026-02-30 comes back as 2026-03-02 */
}

static uint64_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

uint64_t pc_hash_str(const char *s)
{
	return pc_hash_bytes(s, strlen(s));
}

uint64_t pc_hash_bytes(const void *data, size_t len)
{
	static uint64_t seed;
	const char *s = data;
	size_t i = 0;
	uint64_t h, w;

	if (!seed) {
		const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);

		if (random)
			memcpy(&seed, random, sizeof(seed));
		seed |= 1; /* never 0 again, which means "not yet" */
	}
	h = seed ^ (len * 0x9e3779b97f4a7c15ULL);
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, s + i, len - i);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	}
	return hash_mix(h);
}
