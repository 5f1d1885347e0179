/*
 * `promptcost models [NAME]`: the built-in price catalog (genai-prices,
 * compiled in), a model's encoding and its dated prices; and
 * `promptcost prices import FILE`: a newer genai-prices or LiteLLM price
 * file as the configuration's `models:` section.
 */
#include "cli.h"
#include "promptcost/catalog.h"
#include "promptcost/config.h"
#include "promptcost/tokenizer.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char models_usage[] =
	"usage: promptcost models [NAME] [--provider ID] [--date YYYY-MM-DD] [--config FILE]\n"
	"\n"
	"The built-in price catalog (genai-prices' data, compiled in), USD per 1M tokens.\n"
	"With no NAME, every model with its encoding and the prices in force on the\n"
	"date; with NAME, the model NAME means, every dated price list and its tiers,\n"
	"and the configured prices that override them.\n"
	"\n"
	"  --provider ID    only this provider's models (openai, anthropic, google...)\n"
	"  --date DATE      the prices in force on DATE instead of today\n"
	"  --config FILE    the configuration to read for NAME (default .promptcost.yml,\n"
	"                   when there is one)\n"
	"  -h, --help       this help\n"
	"\n"
	"exit status: 0 listed, 2 usage error, a NAME the catalog does not have, a bad\n"
	"date or configuration\n"
	"\n"
	"The manual: man promptcost-models\n";

static const char prices_usage[] =
	"usage: promptcost prices import FILE [MODEL...] [--provider ID] [--date YYYY-MM-DD]\n"
	"                                [--output FILE]\n"
	"\n"
	"Reads a genai-prices data file or LiteLLM's model_prices_and_context_window.json\n"
	"and prints it as the 'models:' section of .promptcost.yml, every price an exact\n"
	"decimal per 1M tokens; only the MODELs named, when any.\n"
	"\n"
	"  --provider ID    genai-prices: only this provider's models\n"
	"  --date DATE      genai-prices: the prices in force on DATE\n"
	"  --output FILE    write the section to FILE instead of standard output\n"
	"  -h, --help       this help\n"
	"\n"
	"exit status: 0 imported, 2 usage error, a file that is neither format, a MODEL\n"
	"not in it, 3 a file that cannot be read or written\n"
	"\n"
	"The manual: man promptcost-prices\n";

static bool valid_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return strcmp(s + 5, "01-01") >= 0 && strcmp(s + 5, "12-31") <= 0;
}

static void price_cell(struct pc_buf *out, int64_t micros)
{
	if (micros < 0)
		pc_buf_adds(out, "-");
	else
		pc_price_format(out, micros);
}

static const char *encoding_of(const struct pc_catalog_model *m, char *buf, size_t len)
{
	enum pc_encoding enc;

	if (pc_encoding_for_model(&enc, pc_catalog_str(m->id)) == 0) {
		snprintf(buf, len, "%s", pc_encoding_name(enc));
		return buf;
	}
	pc_error_clear();
	return "approximate";
}

static void list_prices(struct pc_buf *out, const struct pc_catalog_prices *p)
{
	bool any = false;
	const struct {
		const char *label;
		int64_t v;
	} kinds[] = { { "input", p->input }, { "cached input", p->cache_read },
		      { "cache write 5m", p->cache_write }, { "cache write 1h", p->cache_write_1h },
		      { "output", p->output } };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (kinds[i].v < 0)
			continue;
		pc_buf_addf(out, "%s%s ", any ? ", " : "", kinds[i].label);
		pc_price_format(out, kinds[i].v);
		any = true;
	}
	if (!any)
		pc_buf_adds(out, "no per-token prices (priced per image, page, request...)");
}

static void show_clause(struct pc_buf *out, size_t *i)
{
	const struct pc_catalog_clause *c = &pc_catalog_clauses[(*i)++];
	static const char *const names[] = { "equals", "starts_with", "ends_with", "contains",
					     "regex", "not", "or", "and" };

	if (c->op == PC_MATCH_NOT || c->op == PC_MATCH_OR || c->op == PC_MATCH_AND) {
		pc_buf_addf(out, "%s(", names[c->op]);
		for (uint16_t k = 0; k < c->n; k++) {
			if (k)
				pc_buf_adds(out, ", ");
			show_clause(out, i);
		}
		pc_buf_adds(out, ")");
		return;
	}
	pc_buf_addf(out, "%s '%s'", names[c->op], pc_catalog_str(c->text));
}

static int show_model(const char *name, const char *date, const char *config_path)
{
	const struct pc_catalog_model *m = pc_catalog_find(name);
	const struct pc_catalog_entry *now;
	struct pc_config *config = NULL;
	const struct pc_model *configured = NULL;
	struct pc_buf b = PC_BUF_INIT, text = PC_BUF_INIT;
	char enc[32];
	size_t clause;
	int error;

	if (config_path || access(PC_CONFIG_PATH, R_OK) == 0) {
		const char *path = config_path ? config_path : PC_CONFIG_PATH;

		if ((error = pc_file_read(&text, path, PC_CONFIG_MAX_BYTES)) < 0 ||
		    (error = pc_config_parse(&config, path, text.ptr, text.len)) < 0) {
			pc_buf_release(&text);
			return cli_fail(error);
		}
		configured = pc_config_model(config, name);
		if (configured && configured->from_template)
			configured = NULL;
	}
	if (!m && !configured) {
		pc_buf_release(&text);
		pc_config_free(config);
		fprintf(stderr, "promptcost models: no model '%s' in the price catalog (genai-prices "
			"%s)%s; give its prices under 'models' in .promptcost.yml\n", name,
			pc_catalog_version, config ? " nor in the configuration" : "");
		return PC_EXIT_INPUT;
	}
	if (configured) {
		pc_buf_addf(&b, "%s: configuration (%s:%u)%s\n", name, config->path,
			    configured->pos.line,
			    configured->price_source == PC_PRICE_CATALOG ? ", prices from the catalog"
			    : m ? ", its prices override the catalog's" : "");
		pc_buf_addf(&b, "  encoding: %s%s\n", configured->approximate ? "approximate, base " : "",
			    pc_encoding_name(configured->encoding));
		if (configured->price_source != PC_PRICE_CATALOG) {
			struct pc_catalog_prices p = {
				configured->input_micros_per_mtok, configured->output_micros_per_mtok,
				configured->has_cached_input_price ? configured->cached_input_micros_per_mtok : -1,
				configured->has_cache_write_price ? configured->cache_write_micros_per_mtok : -1,
				configured->has_cache_write_1h_price ? configured->cache_write_1h_micros_per_mtok : -1
			};

			pc_buf_adds(&b, "  configured prices: ");
			list_prices(&b, &p);
			pc_buf_addf(&b, " (%s per 1M tokens)\n", config->currency);
		}
	}
	if (m) {
		pc_buf_addf(&b, "%s: catalog model '%s' of %s (%s %s)%s\n", name,
			    pc_catalog_str(m->id), pc_catalog_str(pc_catalog_provider_of(m)->name),
			    pc_catalog_source, pc_catalog_version,
			    m->flags & PC_CATALOG_DEPRECATED ? ", deprecated" : "");
		if (pc_catalog_str(m->name)[0])
			pc_buf_addf(&b, "  name: %s\n", pc_catalog_str(m->name));
		pc_buf_addf(&b, "  encoding: %s%s\n", encoding_of(m, enc, sizeof(enc)),
			    strcmp(enc, "approximate") && !strcmp(encoding_of(m, enc, sizeof(enc)), enc)
			    ? " (exact)" : "");
		if (m->context_window)
			pc_buf_addf(&b, "  context window: %lld tokens\n", (long long)m->context_window);
		pc_buf_adds(&b, "  matches: ");
		clause = m->match;
		show_clause(&b, &clause);
		pc_buf_adds(&b, "\n  prices, USD per 1M tokens:\n");
		for (uint16_t k = 0; k < m->nentries; k++) {
			const struct pc_catalog_entry *e = &pc_catalog_entries[m->entry + k];
			const char *start = pc_catalog_str(e->start_date);

			pc_buf_addf(&b, "    %s%s: ", start[0] ? "from " : "",
				    start[0] ? start : "first listed");
			list_prices(&b, &e->base);
			pc_buf_addch(&b, '\n');
			for (uint16_t t = 0; t < e->ntiers; t++) {
				const struct pc_catalog_tier *tier = &pc_catalog_tiers[e->tier + t];

				pc_buf_addf(&b, "      a request over %lld input tokens: ",
					    (long long)tier->start);
				list_prices(&b, &tier->prices);
				pc_buf_adds(&b, "\n");
			}
		}
		if (m->flags & PC_CATALOG_TIME_OF_DAY)
			pc_buf_adds(&b, "    (the catalog also has time-of-day prices, not modelled: "
					"promptcost uses the standard ones above)\n");
		now = pc_catalog_price_at(m, date);
		if (now)
			pc_buf_addf(&b, "  in force on %s: the prices %s%s\n", date,
				    pc_catalog_str(now->start_date)[0] ? "from " : "first listed",
				    pc_catalog_str(now->start_date));
		else
			pc_buf_addf(&b, "  in force on %s: none yet\n", date);
	}
	fputs(b.ptr, stdout);
	pc_buf_release(&b);
	pc_buf_release(&text);
	pc_config_free(config);
	return PC_EXIT_PASS;
}

static int list_models(const char *provider, const char *date)
{
	struct pc_buf b = PC_BUF_INIT;
	size_t shown = 0;
	char enc[32];

	pc_buf_addf(&b, "# %s %s, prices in force on %s, USD per 1M tokens ('-': none)\n",
		    pc_catalog_source, pc_catalog_version, date);
	pc_buf_addf(&b, "%-44s %-14s %-12s %10s %10s %10s %10s %10s  %s\n", "model", "provider",
		    "encoding", "input", "cached", "write", "write 1h", "output", "since");
	for (size_t i = 0; i < pc_catalog_nmodels; i++) {
		const struct pc_catalog_model *m = &pc_catalog_models[i];
		const struct pc_catalog_entry *e = pc_catalog_price_at(m, date);
		struct pc_buf cells[5] = { PC_BUF_INIT, PC_BUF_INIT, PC_BUF_INIT, PC_BUF_INIT,
					   PC_BUF_INIT };
		const char *since;

		if (provider && strcmp(pc_catalog_str(pc_catalog_provider_of(m)->id), provider))
			continue;
		if (!e || e->base.input < 0)
			continue; /* not priced per token on that date */
		price_cell(&cells[0], e->base.input);
		price_cell(&cells[1], e->base.cache_read);
		price_cell(&cells[2], e->base.cache_write);
		price_cell(&cells[3], e->base.cache_write_1h);
		price_cell(&cells[4], e->base.output);
		since = pc_catalog_str(e->start_date);
		pc_buf_addf(&b, "%-44s %-14s %-12s %10s %10s %10s %10s %10s  %s%s\n",
			    pc_catalog_str(m->id), pc_catalog_str(pc_catalog_provider_of(m)->id),
			    encoding_of(m, enc, sizeof(enc)), cells[0].ptr, cells[1].ptr,
			    cells[2].ptr, cells[3].ptr, cells[4].ptr, since[0] ? since : "-",
			    e->ntiers ? "  (long-context tiers)" : "");
		for (int k = 0; k < 5; k++)
			pc_buf_release(&cells[k]);
		shown++;
	}
	if (provider && !shown) {
		pc_buf_release(&b);
		fprintf(stderr, "promptcost models: no provider '%s' with per-token prices in the "
			"catalog (see 'promptcost models')\n", provider);
		return PC_EXIT_INPUT;
	}
	fputs(b.ptr, stdout);
	pc_buf_release(&b);
	return PC_EXIT_PASS;
}

int cmd_models(int argc, char **argv)
{
	const char *name = NULL, *provider = NULL, *date = NULL, *config = NULL;
	char today[11];
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(models_usage, stdout);
			return PC_EXIT_PASS;
		}
		if ((r = cli_option_value(&provider, argc, argv, &i, "--provider", "models")) ||
		    (r = cli_option_value(&date, argc, argv, &i, "--date", "models")) ||
		    (r = cli_option_value(&config, argc, argv, &i, "--config", "models"))) {
			if (r < 0)
				return PC_EXIT_INPUT;
			continue;
		}
		if (argv[i][0] == '-')
			return cli_usage_error("models", "unknown option '%s'", argv[i]);
		if (name)
			return cli_usage_error("models", "one NAME at most");
		name = argv[i];
	}
	if (date && !valid_date(date))
		return cli_usage_error("models", "--date '%s' is not YYYY-MM-DD", date);
	pc_catalog_today(today);
	if (!date)
		date = today;
	return name ? show_model(name, date, config) : list_models(provider, date);
}

int cmd_prices(int argc, char **argv)
{
	const char *file = NULL, *provider = NULL, *date = NULL, *output = NULL;
	struct pc_strlist only = PC_STRLIST_INIT;
	struct pc_buf text = PC_BUF_INIT, out = PC_BUF_INIT;
	char today[11];
	int r, error, i = 1;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(prices_usage, stdout);
		return PC_EXIT_PASS;
	}
	if (argc < 2 || strcmp(argv[1], "import"))
		return cli_usage_error("prices", "the subcommand is 'import' (promptcost prices "
				       "import FILE)");
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			pc_strlist_release(&only);
			fputs(prices_usage, stdout);
			return PC_EXIT_PASS;
		}
		if ((r = cli_option_value(&provider, argc, argv, &i, "--provider", "prices")) ||
		    (r = cli_option_value(&date, argc, argv, &i, "--date", "prices")) ||
		    (r = cli_option_value(&output, argc, argv, &i, "--output", "prices"))) {
			if (r < 0) {
				pc_strlist_release(&only);
				return PC_EXIT_INPUT;
			}
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			pc_strlist_release(&only);
			return cli_usage_error("prices", "unknown option '%s'", argv[i]);
		}
		if (!file)
			file = argv[i];
		else
			pc_strlist_push(&only, argv[i]);
	}
	if (!file) {
		pc_strlist_release(&only);
		return cli_usage_error("prices", "import needs a FILE");
	}
	if (date && !valid_date(date)) {
		pc_strlist_release(&only);
		return cli_usage_error("prices", "--date '%s' is not YYYY-MM-DD", date);
	}
	pc_catalog_today(today);
	if ((error = pc_file_read(&text, file, (size_t)64 << 20)) < 0 ||
	    (error = pc_prices_import(&out, file, text.ptr, text.len, date ? date : today, provider,
				      &only)) < 0 ||
	    (output && (error = pc_file_write_atomic(output, out.ptr, out.len)) < 0)) {
		pc_buf_release(&text);
		pc_buf_release(&out);
		pc_strlist_release(&only);
		return cli_fail(error);
	}
	if (!output)
		fputs(out.ptr, stdout);
	pc_buf_release(&text);
	pc_buf_release(&out);
	pc_strlist_release(&only);
	return PC_EXIT_PASS;
}
