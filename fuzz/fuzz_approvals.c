/*
 * libFuzzer target for `.promptcost/approvals.yml` (`make fuzz`), two
 * properties in one target:
 *
 *  - the reader never crashes on any bytes, and whatever it accepts, written
 *    back by the writer, reads back the same (parse -> render -> parse);
 *  - whatever `approve` writes, from any template id, path, approver,
 *    reason and signature (the input split at NUL bytes), its own reader
 *    reads back: the writer may refuse an input (pc_approvals_add or
 *    pc_approval_set_signature fails), never write what does not read back.
 *    The canonical payload of what is read back is the payload of what was
 *    written, byte for byte (the signature stays valid).
 *
 * Its corpus, fuzz/corpus/approvals/, is replayed by tests/test_fuzz_corpora.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promptcost/approvals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_approvals(const struct pc_approvals *a, const struct pc_approvals *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct pc_approval *x = &a->items[i], *y = &b->items[i];

		if (strcmp(x->template_id, y->template_id) || x->nfiles != y->nfiles ||
		    x->monthly_delta_micros != y->monthly_delta_micros ||
		    strcmp(x->approved_by, y->approved_by) || strcmp(x->approved_at, y->approved_at) ||
		    (x->reason == NULL) != (y->reason == NULL) ||
		    (x->reason && strcmp(x->reason, y->reason)) ||
		    (x->signature == NULL) != (y->signature == NULL) ||
		    (x->signature && strcmp(x->signature, y->signature)))
			return false;
		for (size_t f = 0; f < x->nfiles; f++)
			if (strcmp(x->files[f].path, y->files[f].path) ||
			    strcmp(x->files[f].oid, y->files[f].oid))
				return false;
	}
	return true;
}

/* parse -> render -> parse gives the same approvals */
static void reader_round_trip(const uint8_t *data, size_t size)
{
	struct pc_approvals first = { NULL, 0, 0 }, second = { NULL, 0, 0 };
	struct pc_buf text = PC_BUF_INIT;

	if (pc_approvals_parse(&first, "approvals.yml", (const char *)data, size) < 0) {
		pc_error_clear();
		pc_approvals_release(&first);
		return;
	}
	pc_approvals_render(&text, &first);
	if (pc_approvals_parse(&second, "approvals.yml", text.ptr, text.len) < 0 ||
	    !same_approvals(&first, &second))
		abort();
	pc_approvals_release(&first);
	pc_approvals_release(&second);
	pc_buf_release(&text);
}

/* The next NUL-terminated field of the input, or "" past its end. */
static char *field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *start = *p, *nul = memchr(start, 0, (size_t)(end - start));
	size_t n = nul ? (size_t)(nul - start) : (size_t)(end - start);

	*p = nul ? nul + 1 : end;
	return pc_xstrndup((const char *)start, n);
}

/* A template id as the configuration allows them (config.c's is_valid_id). */
static bool valid_id(const char *id)
{
	if (!*id)
		return false;
	for (; *id; id++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') ||
		      (*id >= '0' && *id <= '9') || strchr("._-", *id)))
			return false;
	return true;
}

/* what the writer writes from any strings, the reader reads back */
static void writer_round_trip(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct pc_template_report t;
	struct pc_side_file file;
	struct pc_approvals written = { NULL, 0, 0 }, read = { NULL, 0, 0 };
	struct pc_buf text = PC_BUF_INIT;
	struct pc_buf payload_written = PC_BUF_INIT, payload_read = PC_BUF_INIT;
	char *by, *reason, *signature;
	int64_t delta = 0;

	memset(&t, 0, sizeof(t));
	t.id = field(&p, end);
	file.path = field(&p, end);
	memcpy(file.oid, "efa1cc462824ebd245559481a45c7106a9e0be58", PC_OID_HEXSZ + 1);
	by = field(&p, end);
	reason = field(&p, end);
	signature = field(&p, end);
	for (int i = 0; i < 6 && p < end; i++)
		delta = (delta << 8) | *p++;
	/* what approve can be handed: a configured id, a git path, a non-empty --by */
	if (!valid_id(t.id) || !*file.path || !*by)
		goto done;
	t.after.files = &file;
	t.after.nfiles = 1;
	t.monthly_delta_micros = delta;
	if (pc_approvals_add(&written, &t, by, "2026-11-29T16:14:28Z", reason) < 0) {
		pc_error_clear(); /* a refusal is allowed: approve says why and writes nothing */
		goto done;
	}
	if (*signature && pc_approval_set_signature(&written.items[0], signature) < 0) {
		pc_error_clear();
		goto done;
	}
	pc_approvals_render(&text, &written);
	if (pc_approvals_parse(&read, "approvals.yml", text.ptr, text.len) < 0) {
		/* the writer wrote what its reader refuses */
		abort();
	}
	if (!same_approvals(&written, &read))
		abort();
	pc_approval_payload(&payload_written, &written.items[0]);
	pc_approval_payload(&payload_read, &read.items[0]);
	if (payload_written.len != payload_read.len ||
	    memcmp(payload_written.ptr, payload_read.ptr, payload_read.len))
		abort();
done:
	pc_buf_release(&payload_written);
	pc_buf_release(&payload_read);
	free(signature);
	pc_approvals_release(&written);
	pc_approvals_release(&read);
	pc_buf_release(&text);
	free(t.id);
	free(file.path);
	free(by);
	free(reason);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reader_round_trip(data, size);
	writer_round_trip(data, size);
	return 0;
}
