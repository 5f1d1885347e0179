/*
 * Shared plumbing for every module: error codes and the one last-error slot,
 * allocation that never returns NULL, a growable text buffer and a string list.
 */
#ifndef PROMPTCOST_COMMON_H
#define PROMPTCOST_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Error codes. A function that can fail returns 0 or one of these; the
 * message is recorded once, where the failure is detected, with
 * pc_error_set(), and callers pass the code up without overwriting it.
 * pc_exit_code() maps a code to the documented exit status.
 */
#define PC_OK 0
#define PC_EINPUT (-2)    /* bad usage, configuration or input: exit 2 */
#define PC_EGIT (-3)      /* git or repository error: exit 3 */
#define PC_EIO (-4)       /* file system error: exit 3 */
#define PC_EINTERNAL (-5) /* a bug or an overflow we refuse to round: exit 3 */
#define PC_ENOTFOUND (-6) /* a lookup found nothing; callers decide if that is an error */

/* Exit statuses, everywhere (DESIGN.md). */
#define PC_EXIT_PASS 0
#define PC_EXIT_BLOCKED 1
#define PC_EXIT_INPUT 2
#define PC_EXIT_ERROR 3

#if defined(__GNUC__)
#define PC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define PC_NORETURN __attribute__((noreturn))
#else
#define PC_PRINTF(f, a)
#define PC_NORETURN
#endif

/* 128-bit intermediates for products of money, tokens and calls (gcc and clang). */
__extension__ typedef __int128 pc_int128;

/* Records code and a one-line message (lower case, no trailing period). Returns code. */
int pc_error_set(int code, const char *fmt, ...) PC_PRINTF(2, 3);
/* The last message recorded, or "" when none; borrowed until the next pc_error_set. */
const char *pc_error_message(void);
/* The code of the last error recorded, or 0. */
int pc_error_code(void);
void pc_error_clear(void);
/* Maps an error code (0 or PC_E...) to an exit status. */
int pc_exit_code(int error);

/* Warnings that are not errors (a skipped binary file...): collected, printed by the CLI. */
void pc_warn(const char *fmt, ...) PC_PRINTF(1, 2);
size_t pc_warning_count(void);
/* The i-th warning recorded; borrowed for the life of the process. */
const char *pc_warning(size_t i);
void pc_warnings_clear(void);

/* Allocation: out of memory prints one line and aborts, so callers never check for NULL. */
void *pc_xmalloc(size_t size);
void *pc_xcalloc(size_t n, size_t size);
void *pc_xrealloc(void *ptr, size_t size);
char *pc_xstrdup(const char *s);
char *pc_xstrndup(const char *s, size_t n);
/* Grows *ptr (an array of elem_size elements with *cap slots) to hold at least need. */
void pc_grow(void **ptr, size_t *cap, size_t need, size_t elem_size);
#define PC_GROW(arr, cap, need) pc_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))
/*
 * The same for an array that starts in a local buffer (local, cap elements
 * on the stack): the first growth copies it to the heap, later ones
 * realloc. Free arr afterwards only when it is no longer local.
 */
void pc_grow_local(void **arr, const void *local, size_t *cap, size_t need, size_t elem);
#define PC_GROW_LOCAL(arr, local, cap, need) \
	pc_grow_local((void **)&(arr), (local), &(cap), (need), sizeof(*(arr)))

/*
 * A growable byte buffer, git's strbuf: ptr is never NULL and always
 * NUL-terminated (binary content may hold more NULs before len).
 */
struct pc_buf {
	char *ptr;
	size_t len;
	size_t cap;
};
extern char pc_buf__empty[];
#define PC_BUF_INIT { pc_buf__empty, 0, 0 }

void pc_buf_init(struct pc_buf *b);
/* Frees the contents; the buffer is empty and usable again. */
void pc_buf_release(struct pc_buf *b);
void pc_buf_reset(struct pc_buf *b);
void pc_buf_grow(struct pc_buf *b, size_t extra);
void pc_buf_add(struct pc_buf *b, const void *data, size_t len);
void pc_buf_adds(struct pc_buf *b, const char *s);
void pc_buf_addch(struct pc_buf *b, int c);
void pc_buf_addf(struct pc_buf *b, const char *fmt, ...) PC_PRINTF(2, 3);
void pc_buf_vaddf(struct pc_buf *b, const char *fmt, va_list ap) PC_PRINTF(2, 0);
/*
 * Appends s with every control character (C0 including newline, DEL, C1 as
 * UTF-8 or as a lone byte) written visibly as \\xNN, so text from a pull
 * request cannot move a terminal's cursor, recolour it or fake a line.
 */
void pc_buf_add_visible(struct pc_buf *b, const char *s);
/* Hands the string to the caller (free() it); the buffer is empty afterwards. */
char *pc_buf_detach(struct pc_buf *b, size_t *len_out);

/* An owned list of owned strings. */
struct pc_strlist {
	char **items;
	size_t n;
	size_t cap;
};
#define PC_STRLIST_INIT { NULL, 0, 0 }
void pc_strlist_push(struct pc_strlist *l, const char *s);
void pc_strlist_push_owned(struct pc_strlist *l, char *s);
void pc_strlist_sort(struct pc_strlist *l);
bool pc_strlist_contains(const struct pc_strlist *l, const char *s);
void pc_strlist_release(struct pc_strlist *l);

/*
 * An index of the names of an array of structs, so that looking names up
 * in a configuration of a thousand templates is not quadratic: a hash
 * table (pc_hash_str) of array positions, the first of equal names kept;
 * names are the same names in array order (for suggestions). The names are
 * borrowed: the array must outlive the index.
 */
struct pc_name_index {
	size_t *slots;     /* array position + 1; 0: empty */
	size_t mask;       /* slots - 1 */
	const char **names;
	size_t n;
};
#define PC_NAME_INDEX_INIT { NULL, 0, NULL, 0 }
/*
 * Indexes the n structs at base, stride bytes apart, by the `char *` member
 * at name_offset (offsetof(struct x, name)); base may be NULL when n is 0.
 */
void pc_name_index_init(struct pc_name_index *idx, const void *base, size_t n, size_t stride,
			size_t name_offset);
/* The array position of the first struct named name, or SIZE_MAX (also for NULL). */
size_t pc_name_index_find(const struct pc_name_index *idx, const char *name);
void pc_name_index_release(struct pc_name_index *idx);

/*
 * UTC days since 1970-01-01 in the proleptic Gregorian calendar, the one
 * day arithmetic of the program (usage times, volume windows, sync's dates).
 */
int64_t pc_days_from_civil(int64_t year, unsigned month, unsigned day);
/* day as "YYYY-MM-DD" into out[11]. */
void pc_day_format(char out[11], int64_t day);
/* Strictly "YYYY-MM-DD", a real date (2026-02-30 is not), into *out; false otherwise. */
bool pc_day_parse(int64_t *out, const char *text);

/*
 * The optimal-string-alignment distance between two names, ignoring ASCII
 * case (insertions, deletions, substitutions and adjacent transpositions
 * count one each), for did-you-mean suggestions. SIZE_MAX when either is
 * longer than 64 bytes.
 */
size_t pc_edit_distance(const char *a, const char *b);

/*
 * A hash of a string for the in-memory hash tables (template ids, paths,
 * spend roll-ups): eight bytes a step, and seeded once a run from the
 * kernel's random bytes for the process (AT_RANDOM), so that names chosen by
 * the head of a pull request cannot be made to collide into slow probing.
 * Not stable between runs: never store it.
 */
uint64_t pc_hash_str(const char *s);
/* The same of len bytes (pc_hash_str(s) is pc_hash_bytes(s, strlen(s))). */
uint64_t pc_hash_bytes(const void *data, size_t len);

/*
 * A little-endian 64-bit integer at p, read or written a word at a time:
 * the caches' file formats (cache.c, quiet.c), read 20,000 records at a
 * time, hence inline.
 */
static inline uint64_t pc_get_le64(const unsigned char *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void pc_put_le64(unsigned char *p, uint64_t v)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	__builtin_memcpy(p, &v, 8);
}

/*
 * Reads fd to its end, appending to out; more than max_bytes read is
 * PC_EINPUT, a read error PC_EIO (path names the file in messages).
 */
int pc_fd_read(struct pc_buf *out, int fd, const char *path, size_t max_bytes);

/* Reads a whole file (at most max_bytes; larger is PC_EINPUT). PC_ENOTFOUND when absent. */
int pc_file_read(struct pc_buf *out, const char *path, size_t max_bytes);
/* Writes a file atomically: a temporary file beside it, fsync, rename. Mode 0644. */
int pc_file_write_atomic(const char *path, const void *data, size_t len);
/* pc_file_write_atomic with the file's permission bits (0755 for a hook), umask ignored. */
int pc_file_write_atomic_mode(const char *path, const void *data, size_t len,
			      unsigned int mode);

#endif
