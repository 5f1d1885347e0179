/*
 * The built-in price catalog: lookups over the tables tools/gen_prices.c
 * compiled from genai-prices (build/gen/catalog_prices.c). Match rules are
 * evaluated as genai-prices defines them; regexes were translated to POSIX
 * at build time and are compiled here on use.
 */
#include "promptcost/catalog.h"

#include <regex.h>
#include <string.h>
#include <time.h>

/*
 * The literal text every name the ERE matches starts with: what follows a
 * leading '^' up to the first metacharacter (a character a quantifier makes
 * optional is not part of it). "" when the regex is not anchored.
 */
static size_t literal_prefix(char *out, size_t size, const char *ere)
{
	size_t n = 0;

	if (*ere++ != '^')
		return 0;
	while (*ere && n + 1 < size) {
		char ch = *ere;
		size_t step = 1;

		if (ch == '\\' && ere[1] && strchr(".[]{}()*+?|\\^$", ere[1])) {
			ch = ere[1];
			step = 2;
		} else if (strchr(".[]{}()*+?|\\^$", ch)) {
			break;
		}
		if (ere[step] == '?' || ere[step] == '*' || ere[step] == '{' || ere[step] == '|')
			break;
		out[n++] = ch;
		if (ere[step] == '+')
			break;
		ere += step;
	}
	out[n] = '\0';
	return n;
}

/*
 * Regexes are compiled once a process, and only for a name that starts
 * with their literal prefix: a look-up of a name the catalog does not have
 * (every in-house model) went through all 46 regexes, compiling each, 3.4
 * million instructions a model on every `check`.
 */
static bool regex_matches(size_t clause, const char *ere, const char *name)
{
	/* the regexes compiled so far, by clause (the catalog has 46; more are compiled each time) */
	static struct {
		size_t clause;
		bool ok;
		regex_t re;
	} compiled[64];
	static size_t ncompiled;
	char prefix[128];
	size_t n = literal_prefix(prefix, sizeof(prefix), ere), k = 0;
	regex_t once;
	bool ok;

	if (n && strncmp(name, prefix, n))
		return false;
	while (k < ncompiled && compiled[k].clause != clause)
		k++;
	if (k == ncompiled && k < sizeof(compiled) / sizeof(*compiled)) {
		compiled[k].clause = clause;
		compiled[k].ok = !regcomp(&compiled[k].re, ere, REG_EXTENDED | REG_NOSUB);
		ncompiled++;
	}
	if (k < ncompiled)
		return compiled[k].ok && regexec(&compiled[k].re, name, 0, NULL, 0) == 0;
	if (regcomp(&once, ere, REG_EXTENDED | REG_NOSUB))
		return false; /* checked by the generator: not reached */
	ok = regexec(&once, name, 0, NULL, 0) == 0;
	regfree(&once);
	return ok;
}

/* Evaluates the clause at *i (and its children), leaving *i past them. */
static bool eval(size_t *i, const char *name)
{
	size_t at = (*i)++;
	const struct pc_catalog_clause *c = &pc_catalog_clauses[at];
	const char *text = pc_catalog_str(c->text);
	size_t len = strlen(name), tlen = strlen(text);
	bool result;

	switch ((enum pc_catalog_op)c->op) {
	case PC_MATCH_EQUALS: return !strcmp(name, text);
	case PC_MATCH_STARTS_WITH: return !strncmp(name, text, tlen);
	case PC_MATCH_ENDS_WITH: return len >= tlen && !strcmp(name + len - tlen, text);
	case PC_MATCH_CONTAINS: return strstr(name, text) != NULL;
	case PC_MATCH_REGEX: return regex_matches(at, text, name);
	case PC_MATCH_NOT: return !eval(i, name);
	case PC_MATCH_OR:
	case PC_MATCH_AND:
		/* every child is evaluated, so that *i ends past all of them */
		result = c->op == PC_MATCH_AND;
		for (uint16_t k = 0; k < c->n; k++) {
			bool r = eval(i, name);

			result = c->op == PC_MATCH_AND ? result && r : result || r;
		}
		return result;
	}
	return false;
}

static bool clause_matches(size_t first, const char *name)
{
	return eval(&first, name);
}

bool pc_catalog_matches(const struct pc_catalog_model *model, const char *name)
{
	return clause_matches(model->match, name);
}

const struct pc_catalog_provider *pc_catalog_provider_of(const struct pc_catalog_model *model)
{
	return &pc_catalog_providers[model->provider];
}

static const struct pc_catalog_model *find_in(size_t provider, const char *name)
{
	for (size_t i = 0; i < pc_catalog_nmodels; i++)
		if (pc_catalog_models[i].provider == provider &&
		    pc_catalog_matches(&pc_catalog_models[i], name))
			return &pc_catalog_models[i];
	return NULL;
}

const struct pc_catalog_model *pc_catalog_find(const char *name)
{
	const char *slash = strchr(name, '/');
	const struct pc_catalog_model *m;

	if (!*name)
		return NULL;
	if (slash)
		for (size_t p = 0; p < pc_catalog_nproviders; p++) {
			const char *id = pc_catalog_str(pc_catalog_providers[p].id);

			if (strlen(id) == (size_t)(slash - name) && !strncmp(id, name, strlen(id)) &&
			    slash[1] && (m = find_in(p, slash + 1)))
				return m;
		}
	for (size_t p = 0; p < pc_catalog_nproviders; p++)
		if (pc_catalog_providers[p].match >= 0 &&
		    clause_matches((size_t)pc_catalog_providers[p].match, name) &&
		    (m = find_in(p, name)))
			return m;
	for (size_t i = 0; i < pc_catalog_nmodels; i++)
		if (pc_catalog_matches(&pc_catalog_models[i], name))
			return &pc_catalog_models[i];
	return NULL;
}

const struct pc_catalog_entry *pc_catalog_price_at(const struct pc_catalog_model *model,
						   const char *date)
{
	const struct pc_catalog_entry *found = NULL;

	for (uint16_t k = 0; k < model->nentries; k++) {
		const struct pc_catalog_entry *e = &pc_catalog_entries[model->entry + k];
		const char *start = pc_catalog_str(e->start_date);

		if (!start[0] || strcmp(start, date) <= 0)
			found = e;
	}
	return found;
}

void pc_catalog_date_of(char out[11], int64_t seconds)
{
	time_t t = (time_t)seconds;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void pc_catalog_today(char out[11])
{
	pc_catalog_date_of(out, (int64_t)time(NULL));
}
