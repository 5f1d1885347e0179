/*
 * Which encoding a model name uses: a table of model families, after
 * tiktoken's model.py (exact names and "name-" prefixes), so that a config or
 * a command line can name the model it calls rather than its tokenizer.
 */
#include "promptcost/tokenizer.h"

#include <ctype.h>
#include <string.h>

/*
 * A family matches its stem exactly, or the stem followed by one of seps and
 * at least one more character ("gpt-4o" matches "gpt-4o" and "gpt-4o-mini",
 * not "gpt-4omni"). Order matters: the first match wins, so a family must
 * come before any family whose stem is a prefix of its own (gpt-4o, gpt-4.1
 * and gpt-4.5 before gpt-4). seps NULL means the exact name only; a stem
 * ending in '-' is a prefix only ("text-embedding-3-" is no model itself).
 */
struct model_family {
	const char *stem;
	const char *seps;
	enum pc_encoding enc;
	const char *display;
};

static const struct model_family families[] = {
	/* gpt-5.1 and gpt-5.2 are dated like gpt-5-mini: same tokenizer. */
	{ "gpt-5", "-.", PC_ENC_O200K_BASE, "gpt-5*" },
	{ "gpt-4.5", "-", PC_ENC_O200K_BASE, "gpt-4.5*" },
	{ "gpt-4.1", "-", PC_ENC_O200K_BASE, "gpt-4.1*" },
	{ "gpt-4o", "-", PC_ENC_O200K_BASE, "gpt-4o*" },
	{ "chatgpt-4o", "-", PC_ENC_O200K_BASE, "chatgpt-4o*" },
	{ "o1", "-", PC_ENC_O200K_BASE, "o1*" },
	{ "o3", "-", PC_ENC_O200K_BASE, "o3*" },
	{ "o4", "-", PC_ENC_O200K_BASE, "o4*" },
	/*
	 * gpt-oss uses o200k_harmony: o200k_base's ranks and pattern plus more
	 * special tokens, which ordinary text (all we count) never produces.
	 */
	{ "gpt-oss", "-", PC_ENC_O200K_BASE, "gpt-oss*" },
	{ "gpt-4", "-", PC_ENC_CL100K_BASE, "gpt-4*" },
	{ "gpt-3.5-turbo", "-", PC_ENC_CL100K_BASE, "gpt-3.5-turbo*" },
	{ "gpt-3.5", NULL, PC_ENC_CL100K_BASE, "gpt-3.5" },
	/* Azure's deployment names drop the dot. */
	{ "gpt-35-turbo", "-", PC_ENC_CL100K_BASE, "gpt-35-turbo*" },
	{ "text-embedding-3-", NULL, PC_ENC_CL100K_BASE, "text-embedding-3-*" },
	{ "text-embedding-ada-002", NULL, PC_ENC_CL100K_BASE, "text-embedding-ada-002" },
	{ "davinci-002", NULL, PC_ENC_CL100K_BASE, "davinci-002" },
	{ "babbage-002", NULL, PC_ENC_CL100K_BASE, "babbage-002" },
};

/*
 * Real model names to suggest from when a name matches nothing: a typo is
 * usually of one of these, rarely of a dated variant.
 */
static const char *const suggestions[] = {
	"gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5.1", "gpt-4.5-preview",
	"gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini",
	"chatgpt-4o-latest", "o1", "o1-mini", "o1-pro", "o3", "o3-mini", "o3-pro",
	"o4-mini", "gpt-oss-20b", "gpt-oss-120b", "gpt-4", "gpt-4-turbo",
	"gpt-4-32k", "gpt-3.5-turbo", "gpt-35-turbo", "text-embedding-3-small",
	"text-embedding-3-large", "text-embedding-ada-002", "davinci-002",
	"babbage-002",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool family_matches(const struct model_family *f, const char *name)
{
	size_t len = strlen(f->stem);

	if (strncmp(name, f->stem, len))
		return false;
	if (f->stem[len - 1] == '-')
		return name[len] != '\0';
	if (name[len] == '\0')
		return true;
	return f->seps && strchr(f->seps, name[len]) && name[len + 1] != '\0';
}

/*
 * The encoding of name, or -1. Fine-tuned models ("ft:gpt-4o-mini:org::id")
 * use their base model's tokenizer, and an "openai/" provider prefix (as
 * routers write it) names the same model.
 */
static int lookup(const char *name)
{
	if (!strncmp(name, "openai/", 7))
		name += 7;
	if (!strncmp(name, "ft:", 3)) {
		const char *base = name + 3;
		const char *end = strchr(base, ':');
		char stem[128];
		size_t len = end ? (size_t)(end - base) : strlen(base);

		if (len == 0 || len >= sizeof(stem) || !strncmp(base, "ft:", 3))
			return -1;
		memcpy(stem, base, len);
		stem[len] = '\0';
		return lookup(stem);
	}
	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		if (family_matches(&families[i], name))
			return (int)families[i].enc;
	return -1;
}

/*
 * Adds " (did you mean 'x'?" to msg when model is close to a known name:
 * its lower-case form when that is known ("GPT-4o"), else the nearest
 * suggestion within two edits, and only if the name is long enough that two
 * edits do not make any short name look alike ("o5" is not "o1").
 */
static bool add_suggestion(struct pc_buf *msg, const char *model)
{
	char lower[128];
	size_t len = strlen(model);
	const char *best = NULL;
	size_t best_distance = 3;

	if (len < sizeof(lower)) {
		for (size_t i = 0; i <= len; i++)
			lower[i] = (char)tolower((unsigned char)model[i]);
		if (strcmp(lower, model) && lookup(lower) >= 0) {
			pc_buf_addf(msg, " (did you mean '%s'?", lower);
			return true;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(suggestions); i++) {
		size_t d = pc_edit_distance(model, suggestions[i]);

		if (d < best_distance && 2 * d < strlen(suggestions[i])) {
			best = suggestions[i];
			best_distance = d;
		}
	}
	if (!best)
		return false;
	pc_buf_addf(msg, " (did you mean '%s'?", best);
	return true;
}

int pc_encoding_for_model(enum pc_encoding *out, const char *model)
{
	struct pc_buf msg = PC_BUF_INIT;
	int enc = lookup(model);
	int error;

	if (enc >= 0) {
		*out = (enum pc_encoding)enc;
		return 0;
	}
	pc_buf_addf(&msg, "unknown model '%s'", model);
	pc_buf_adds(&msg, add_suggestion(&msg, model) ? " known: " : " (known: ");
	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		pc_buf_addf(&msg, "%s%s", i ? ", " : "", families[i].display);
	pc_buf_adds(&msg, "; models without a public tokenizer use "
			  "encoding: approximate in .promptcost.yml)");
	error = pc_error_set(PC_ENOTFOUND, "%s", msg.ptr);
	pc_buf_release(&msg);
	return error;
}
