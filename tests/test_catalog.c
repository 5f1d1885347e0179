/*
 * Tests of the built-in price catalog (genai-prices 0.1.8, compiled from
 * data/pricing/ by tools/gen_prices.c), of models priced from it or
 * overriding it in the configuration, of cache-write and long-context
 * pricing (worked out by hand in the comments), and of `prices import`.
 *
 * The sample price files in tests/prices/ are written from the documented
 * formats:
 *   genai-prices-sample.json  genai-prices' data file (prices/data.json of
 *     https://github.com/pydantic/genai-prices, the shape of
 *     data/pricing/genai-prices-0.1.8.json here: providers with model_match,
 *     models with match clauses, prices as numbers or {base, tiers}, dated
 *     lists with {"constraint": {"type": "start_date", ...}}); schema in
 *     packages/python/genai_prices/types.py (ModelPrice, TieredPrices, Tier,
 *     ConditionalPrice, StartDateConstraint), version 0.1.x.
 *   litellm-sample.json  LiteLLM's model_prices_and_context_window.json
 *     (https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json,
 *     its "sample_spec" entry first, per-token USD costs: input_cost_per_token,
 *     output_cost_per_token, cache_read_input_token_cost,
 *     cache_creation_input_token_cost(_above_1hr), input_cost_per_token_batches,
 *     _flex, _priority, input_cost_per_token_above_200k_tokens), as documented at
 *     https://docs.litellm.ai/docs/completion/token_usage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/catalog.h"
#include "promptcost/config.h"
#include "promptcost/money.h"
#include "promptcost/spend.h"

#define PATH ".promptcost.yml"

static struct pc_config *parse_ok(const char *text)
{
	struct pc_config *config = NULL;
	int error = pc_config_parse(&config, PATH, text, strlen(text));

	if (error)
		fail_msg("unexpected error: %s", pc_error_message());
	assert_non_null(config);
	return config;
}

static void parse_fails(const char *text, const char *message)
{
	struct pc_config *config = (struct pc_config *)1;
	int error = pc_config_parse(&config, PATH, text, strlen(text));

	assert_int_equal(error, PC_EINPUT);
	assert_null(config);
	assert_string_equal(pc_error_message(), message);
}

static char *source_of(const struct pc_model *m)
{
	struct pc_buf b = PC_BUF_INIT;

	pc_model_price_source(&b, m);
	return pc_buf_detach(&b, NULL);
}

static void test_catalog__has_the_data_file_s_size(void **state)
{
	(void)state;
	/* genai-prices 0.1.8: 43 providers, 1694 models, 1718 price lists (gen_prices prints it) */
	assert_string_equal(pc_catalog_version, "0.1.8");
	assert_int_equal(pc_catalog_nproviders, 43);
	assert_int_equal(pc_catalog_nmodels, 1694);
	assert_int_equal(pc_catalog_nentries, 1718);
	/* float artefacts such as 0.18000000000000002 are rounded to micro-units, and counted */
	assert_int_equal(pc_catalog_rounded, 7);
}

static void test_catalog__finds_models_by_the_catalog_s_match_rules(void **state)
{
	const struct pc_catalog_model *m;

	(void)state;
	/* or(equals...): a dated snapshot of gpt-4o is gpt-4o, at OpenAI (its model_match: gpt-) */
	m = pc_catalog_find("gpt-4o-2024-08-06");
	assert_non_null(m);
	assert_string_equal(pc_catalog_str(m->id), "gpt-4o");
	assert_string_equal(pc_catalog_str(pc_catalog_provider_of(m)->id), "openai");
	/* starts_with, at Anthropic (model_match contains 'claude') */
	m = pc_catalog_find("claude-sonnet-4-5-20250929");
	assert_non_null(m);
	assert_string_equal(pc_catalog_str(m->id), "claude-sonnet-4-5");
	assert_string_equal(pc_catalog_str(pc_catalog_provider_of(m)->id), "anthropic");
	/* and(starts_with, not(regex)): the Python lookahead (?!.*-tts) translated */
	m = pc_catalog_find("gemini-2.5-pro-preview-05-06");
	assert_non_null(m);
	assert_string_equal(pc_catalog_str(m->id), "gemini-2.5-pro");
	m = pc_catalog_find("gemini-2.5-pro-preview-tts");
	assert_non_null(m);
	assert_string_equal(pc_catalog_str(m->id), "gemini-2.5-pro-tts");
	/* a provider prefix picks the provider */
	m = pc_catalog_find("o1");
	assert_non_null(m);
	assert_string_equal(pc_catalog_str(pc_catalog_provider_of(m)->id), "openai");
	m = pc_catalog_find("azure/o1");
	assert_non_null(m);
	assert_string_equal(pc_catalog_str(pc_catalog_provider_of(m)->id), "azure");
	/* OpenRouter's batch route is a model of its own */
	m = pc_catalog_find("openai/gpt-6-luna:batch");
	assert_non_null(m);
	assert_string_equal(pc_catalog_str(pc_catalog_provider_of(m)->id), "openrouter");
	assert_null(pc_catalog_find("gpt-4-class"));
	assert_null(pc_catalog_find(""));
}

static void test_catalog__a_model_s_price_at_two_dates(void **state)
{
	const struct pc_catalog_model *m = pc_catalog_find("o3");
	const struct pc_catalog_entry *e;
	struct pc_config *config;
	char *source;

	(void)state;
	assert_non_null(m);
	/* o3: $10 / $40 per 1M when first listed, $2 / $8 from 2025-06-10 */
	e = pc_catalog_price_at(m, "2025-06-09");
	assert_non_null(e);
	assert_string_equal(pc_catalog_str(e->start_date), "");
	assert_int_equal(e->base.input, 10000000);
	assert_int_equal(e->base.output, 40000000);
	e = pc_catalog_price_at(m, "2025-06-10");
	assert_string_equal(pc_catalog_str(e->start_date), "2025-06-10");
	assert_int_equal(e->base.input, 2000000);
	assert_int_equal(e->base.output, 8000000);
	assert_int_equal(e->base.cache_read, 500000);

	/* the same through the configuration, re-priced at the date of a comparison */
	config = parse_ok("version: 1\n"
			  "templates:\n"
			  "  - id: a\n"
			  "    files: a.md\n"
			  "    model: o3\n"
			  "    calls_per_day: 1\n");
	assert_int_equal(config->nmodels, 1);
	assert_int_equal(config->models[0].price_source, PC_PRICE_CATALOG);
	assert_true(config->models[0].from_template);
	assert_int_equal(config->models[0].encoding, PC_ENC_O200K_BASE);
	assert_false(config->models[0].approximate);
	assert_int_equal(pc_config_price_at(config, "2024-12-31"), 0);
	assert_int_equal(config->models[0].input_micros_per_mtok, 10000000);
	source = source_of(&config->models[0]);
	assert_string_equal(source, "catalog (genai-prices 0.1.8)");
	free(source);
	assert_int_equal(pc_config_price_at(config, "2026-01-01"), 0);
	assert_int_equal(config->models[0].input_micros_per_mtok, 2000000);
	assert_int_equal(config->models[0].output_micros_per_mtok, 8000000);
	assert_string_equal(config->models[0].price_date, "2026-01-01");
	source = source_of(&config->models[0]);
	assert_string_equal(source, "catalog (genai-prices 0.1.8, from 2025-06-10)");
	free(source);
	pc_config_free(config);
}

static void test_catalog__a_configured_price_overrides_the_catalog(void **state)
{
	struct pc_config *config;
	const struct pc_model *m;
	char *source;

	(void)state;
	config = parse_ok("version: 1\n"
			  "models:\n"
			  "  gpt-4o:\n"
			  "    input_per_1m: 5\n"
			  "    output_per_1m: 15\n"
			  "  claude-sonnet-4-5: {}\n"
			  "templates:\n"
			  "  - id: a\n"
			  "    files: a.md\n"
			  "    model: gpt-4o\n"
			  "    calls_per_day: 1\n"
			  "  - id: b\n"
			  "    files: b.md\n"
			  "    model: claude-sonnet-4-5\n"
			  "    calls_per_day: 1\n");
	m = pc_config_model(config, "gpt-4o");
	assert_int_equal(m->price_source, PC_PRICE_CONFIGURATION);
	assert_non_null(m->catalog); /* the report says which catalog prices it overrides */
	assert_int_equal(m->input_micros_per_mtok, 5000000);
	assert_int_equal(m->output_micros_per_mtok, 15000000);
	assert_false(m->has_cached_input_price); /* nothing mixed in from the catalog */
	source = source_of(m);
	assert_string_equal(source, "configuration");
	free(source);
	/* re-pricing at another date leaves configured prices alone */
	assert_int_equal(pc_config_price_at(config, "2024-01-01"), 0);
	assert_int_equal(m->input_micros_per_mtok, 5000000);
	/* listed without prices: the catalog's, with an estimate for the tokens */
	m = pc_config_model(config, "claude-sonnet-4-5");
	assert_int_equal(m->price_source, PC_PRICE_CATALOG);
	assert_false(m->from_template);
	assert_true(m->approximate);
	assert_int_equal(m->input_micros_per_mtok, 3000000);
	assert_int_equal(m->cache_write_micros_per_mtok, 3750000);
	assert_int_equal(m->cache_write_1h_micros_per_mtok, 6000000);
	assert_int_equal(m->ntiers, 1);
	pc_config_free(config);
}

static void test_catalog__catalog_models_need_usd_and_a_known_name(void **state)
{
	(void)state;
	parse_fails("version: 1\n"
		    "currency: EUR\n"
		    "templates:\n"
		    "  - id: a\n"
		    "    files: a.md\n"
		    "    model: gpt-4o\n"
		    "    calls_per_day: 1\n",
		    PATH ":6:12: model 'gpt-4o' is not in 'models' and the price catalog's prices "
			 "are in USD, not EUR: give its prices in 'models'");
	parse_fails("version: 1\n"
		    "models:\n"
		    "  house-model: {}\n",
		    PATH ":3:3: model 'house-model' needs an 'encoding' (cl100k_base, o200k_base or "
			 "approximate): promptcost does not know its tokenizer");
	/* a model the catalog has but not per token (pages) */
	parse_fails("version: 1\n"
		    "models:\n"
		    "  mistral-ocr-latest: {}\n",
		    PATH ":3:3: the catalog (genai-prices 0.1.8) has no per-token input price for "
			 "model 'mistral-ocr-latest' (catalog id 'mistral-ocr-latest'); give its prices "
			 "in 'models'");
}

static void test_catalog__service_tiers_are_models_of_their_own(void **state)
{
	struct pc_config *config;

	(void)state;
	config = parse_ok("version: 1\n"
			  "templates:\n"
			  "  - id: a\n"
			  "    files: a.md\n"
			  "    model: openai/gpt-6-luna\n"
			  "    service_tier: batch\n"
			  "    calls_per_day: 1\n");
	assert_string_equal(config->templates[0].model, "openai/gpt-6-luna:batch");
	assert_string_equal(config->templates[0].service_tier, "batch");
	assert_non_null(pc_config_model(config, "openai/gpt-6-luna:batch"));
	pc_config_free(config);
	/* declared in models: (as `prices import` of a LiteLLM file writes them) */
	config = parse_ok("version: 1\n"
			  "models:\n"
			  "  \"gpt-4o:batch\":\n"
			  "    input_per_1m: 1.25\n"
			  "    output_per_1m: 5.00\n"
			  "templates:\n"
			  "  - id: a\n"
			  "    files: a.md\n"
			  "    model: gpt-4o\n"
			  "    service_tier: batch\n"
			  "    calls_per_day: 1\n");
	assert_string_equal(config->templates[0].model, "gpt-4o:batch");
	assert_int_equal(pc_config_model(config, "gpt-4o:batch")->encoding, PC_ENC_O200K_BASE);
	pc_config_free(config);
	parse_fails("version: 1\n"
		    "templates:\n"
		    "  - id: a\n"
		    "    files: a.md\n"
		    "    model: gpt-4o\n"
		    "    service_tier: flex\n"
		    "    calls_per_day: 1\n",
		    PATH ":6:19: no 'flex' prices for model 'gpt-4o': neither 'models' nor the "
			 "price catalog (genai-prices 0.1.8) has a model 'gpt-4o:flex'; declare it in "
			 "'models' with the provider's flex prices");
}

/* claude-sonnet-4-5 from the catalog: $3 in, $0.30 cache read, $3.75 / $6 cache write, $15 out */
static struct pc_config *sonnet(bool one_hour)
{
	return parse_ok(one_hour ? "version: 1\n"
				   "models:\n"
				   "  claude-sonnet-4-5:\n"
				   "    cache_ttl: 1h\n"
				 : "version: 1\n"
				   "models:\n"
				   "  claude-sonnet-4-5: {}\n");
}

static void test_catalog__cache_writes_are_priced_at_the_cache_write_price(void **state)
{
	struct pc_config *config = sonnet(false);
	struct pc_spend_qty q = { 0 };
	int64_t cost = -1;

	(void)state;
	/*
	 * One call of 10,000 input tokens: 6,000 read from the cache, 2,000 written
	 * to it, 2,000 uncached; 500 output tokens.
	 *   2,000 x $3/1M    = $0.006000
	 *   6,000 x $0.30/1M = $0.001800
	 *   2,000 x $3.75/1M = $0.007500  (5-minute write: 1.25 x input)
	 *     500 x $15/1M   = $0.007500
	 *   total              $0.022800 = 22,800 micro-units
	 */
	q.calls = 1;
	q.per = 1;
	q.input_tokens = 10000;
	q.cached_input_tokens = 6000;
	q.cache_write_tokens = 2000;
	q.output_tokens = 500;
	q.request_input_tokens = 10000;
	assert_int_equal(pc_spend_cost(&cost, &config->models[0], &q, "t"), 0);
	assert_int_equal(cost, 22800);
	pc_config_free(config);
	/* 1-hour writes (2 x input): 2,000 x $6/1M = $0.012 instead: $0.027300 */
	config = sonnet(true);
	assert_int_equal(pc_spend_cost(&cost, &config->models[0], &q, "t"), 0);
	assert_int_equal(cost, 27300);
	pc_config_free(config);
}

static void test_catalog__recorded_cache_shares_are_priced_at_their_prices(void **state)
{
	struct pc_config *config = sonnet(false);
	/*
	 * Recorded: 3,000 calls over 30 days, 30,000,000 input tokens of which
	 * 18,000,000 read from the cache (60%) and 6,000,000 written to it (20%),
	 * 1,500,000 output tokens. A 10,000-token template over 30 days is then
	 * 3,000 calls of the call above: 3,000 x $0.0228 = $68.40.
	 */
	struct pc_volume v = { .source = PC_SPEND_RECORDED, .calls = 3000, .days = 30,
			       .input_tokens = 30000000, .cached_input_tokens = 18000000,
			       .cache_write_tokens = 6000000, .output_tokens = 1500000 };
	struct pc_spend_qty q;
	int64_t cost = -1;

	(void)state;
	assert_int_equal(pc_spend_project(&q, &v, 10000, 30), 0);
	assert_int_equal(pc_spend_cost(&cost, &config->models[0], &q, "t"), 0);
	assert_int_equal(cost, INT64_C(68400000));
	pc_config_free(config);
}

static void test_catalog__a_long_request_is_priced_whole_at_its_tier(void **state)
{
	struct pc_config *config = sonnet(false);
	struct pc_spend_qty q = { 0 };
	int64_t cost = -1;

	(void)state;
	/*
	 * claude-sonnet-4-5's tier starts at 200,000 input tokens: a request over it
	 * is priced whole at $6 in / $22.50 out.
	 *   exactly 200,000: 200,000 x $3/1M + 1,000 x $15/1M  = $0.600 + $0.015 = $0.615
	 *   250,000:         250,000 x $6/1M + 1,000 x $22.5/1M = $1.500 + $0.0225 = $1.5225
	 */
	q.calls = 1;
	q.per = 1;
	q.output_tokens = 1000;
	q.input_tokens = q.request_input_tokens = 200000;
	assert_int_equal(pc_spend_cost(&cost, &config->models[0], &q, "t"), 0);
	assert_int_equal(cost, 615000);
	q.input_tokens = q.request_input_tokens = 250000;
	assert_int_equal(pc_spend_cost(&cost, &config->models[0], &q, "t"), 0);
	assert_int_equal(cost, 1522500);
	/*
	 * A month of a 250,000-token template, 100 calls a day, 80% of input read
	 * from the cache (configured cached_input_share), 1,000 output tokens:
	 *   3,000 calls x (50,000 x $6 + 200,000 x $0.60 + 1,000 x $22.50) / 1M
	 *   = 3,000 x ($0.30 + $0.12 + $0.0225) = 3,000 x $0.4425 = $1,327.50
	 */
	{
		struct pc_volume v = { .source = PC_SPEND_CONFIGURED, .calls = 100, .days = 1,
				       .cached_input_ppm = 800000, .output_tokens_per_call = 1000 };

		assert_int_equal(pc_spend_project(&q, &v, 250000, 30), 0);
		assert_int_equal(q.request_input_tokens, 250000);
		assert_int_equal(pc_spend_cost(&cost, &config->models[0], &q, "t"), 0);
		assert_int_equal(cost, INT64_C(1327500000));
	}
	pc_config_free(config);
}

static void test_catalog__decimals_are_exact(void **state)
{
	struct pc_buf b = PC_BUF_INIT;

	(void)state;
	pc_price_format(&b, 2500000);
	pc_buf_adds(&b, " ");
	pc_price_format(&b, 75000);
	pc_buf_adds(&b, " ");
	pc_price_format(&b, 3625);
	assert_string_equal(b.ptr, "2.50 0.075 0.003625");
	pc_buf_release(&b);
}

/* "version: 1" and the imported section: a whole configuration */
static struct pc_config *parse_versioned(const char *models)
{
	struct pc_buf b = PC_BUF_INIT;
	struct pc_config *config;

	pc_buf_adds(&b, "version: 1\n");
	pc_buf_adds(&b, models);
	config = parse_ok(b.ptr);
	pc_buf_release(&b);
	return config;
}

static char *import(const char *file, const char *date, const char *provider,
		    const struct pc_strlist *only, int expect)
{
	struct pc_buf text = PC_BUF_INIT, out = PC_BUF_INIT;
	int error;

	assert_int_equal(pc_file_read(&text, file, 1 << 20), 0);
	error = pc_prices_import(&out, file, text.ptr, text.len, date, provider, only);
	pc_buf_release(&text);
	assert_int_equal(error, expect);
	if (error) {
		pc_buf_release(&out);
		return NULL;
	}
	return pc_buf_detach(&out, NULL);
}

static void test_catalog__imports_a_genai_prices_file(void **state)
{
	struct pc_strlist only = PC_STRLIST_INIT;
	struct pc_config *config;
	char *yaml;

	(void)state;
	yaml = import("tests/prices/genai-prices-sample.json", "2025-01-01", NULL, &only, 0);
	assert_string_equal(yaml,
		"# Imported by `promptcost prices import` from tests/prices/genai-prices-sample.json "
		"(genai-prices, prices in force on 2025-01-01): 3 models, USD per 1M tokens.\n"
		"# 1 later listings of a model already imported (another provider's) were left out; "
		"--provider picks one.\n"
		"models:\n"
		"  \"gpt-4o\":\n"
		"    encoding: o200k_base\n"
		"    input_per_1m: 2.50\n"
		"    cached_input_per_1m: 1.25\n"
		"    output_per_1m: 10.00\n"
		"  \"o3\":\n"
		"    encoding: o200k_base\n"
		"    input_per_1m: 10.00\n"
		"    cached_input_per_1m: 0.50\n"
		"    output_per_1m: 40.00\n"
		"  \"claude-sonnet-4-5\":\n"
		"    encoding: approximate   # no public tokenizer: an estimate\n"
		"    input_per_1m: 3.00\n"
		"    cached_input_per_1m: 0.30\n"
		"    cache_write_per_1m: 3.75\n"
		"    cache_write_1h_per_1m: 6.00\n"
		"    output_per_1m: 15.00\n"
		"    # above 200000 input tokens a request the provider bills more (input 6.00, "
		"output 22.50): the built-in catalog prices such tiers; `models:` has one price per "
		"kind\n");
	/* what it writes is a valid `models:` section, and overrides the catalog */
	config = parse_versioned(yaml);
	assert_int_equal(config->nmodels, 3);
	assert_int_equal(config->models[1].price_source, PC_PRICE_CONFIGURATION);
	assert_int_equal(config->models[1].input_micros_per_mtok, 10000000);
	pc_config_free(config);
	free(yaml);
	/* later: o3's second list; one provider's models only */
	pc_strlist_push(&only, "o3");
	yaml = import("tests/prices/genai-prices-sample.json", "2025-06-10", "openai", &only, 0);
	assert_non_null(strstr(yaml, "    # prices in force from 2025-06-10\n"
				     "    input_per_1m: 2.00\n"));
	free(yaml);
	pc_strlist_push(&only, "claude-sonnet-4-5");
	assert_null(import("tests/prices/genai-prices-sample.json", "2025-06-10", "openai", &only,
			   PC_EINPUT));
	assert_string_equal(pc_error_message(),
			    "tests/prices/genai-prices-sample.json: no per-token prices for model "
			    "'claude-sonnet-4-5' in it for provider 'openai' on that date");
	pc_strlist_release(&only);
}

static void test_catalog__imports_a_litellm_file(void **state)
{
	struct pc_strlist only = PC_STRLIST_INIT;
	struct pc_config *config;
	char *yaml;

	(void)state;
	yaml = import("tests/prices/litellm-sample.json", "2025-01-01", NULL, &only, 0);
	/* per-token costs x 10^12: 2.5e-06 -> 2.50 per 1M; batch, flex, priority as models */
	assert_non_null(strstr(yaml, "(LiteLLM model_prices_and_context_window.json): 6 models"));
	assert_non_null(strstr(yaml, "  \"gpt-4o:batch\":\n"
				     "    encoding: o200k_base\n"
				     "    input_per_1m: 1.25\n"
				     "    output_per_1m: 5.00\n"));
	assert_non_null(strstr(yaml, "  \"gpt-5.4:priority\":\n"
				     "    encoding: o200k_base\n"
				     "    input_per_1m: 5.00\n"
				     "    output_per_1m: 30.00\n"));
	assert_non_null(strstr(yaml, "    cache_write_per_1m: 3.75\n"
				     "    cache_write_1h_per_1m: 6.00\n"
				     "    output_per_1m: 15.00\n"
				     "    # above 200000 input tokens a request the provider bills more "
				     "(input 6.00, output 22.50)"));
	assert_null(strstr(yaml, "sample_spec"));
	assert_null(strstr(yaml, "dall-e-3")); /* priced per pixel: not per token */
	config = parse_versioned(yaml);
	assert_int_equal(config->nmodels, 6);
	pc_config_free(config);
	free(yaml);
	pc_strlist_push(&only, "gpt-4o:flex");
	assert_null(import("tests/prices/litellm-sample.json", "2025-01-01", NULL, &only,
			   PC_EINPUT));
	pc_strlist_release(&only);
}

static void test_catalog__refuses_a_file_of_neither_format(void **state)
{
	struct pc_strlist only = PC_STRLIST_INIT;
	struct pc_buf out = PC_BUF_INIT;

	(void)state;
	assert_int_equal(pc_prices_import(&out, "x.json", "[1, 2]", 6, "2025-01-01", NULL, &only),
			 PC_EINPUT);
	assert_string_equal(pc_error_message(),
			    "x.json: line 1: neither a genai-prices data file (an array of "
			    "providers with models) nor LiteLLM's price file (an object of models)");
	{
		const char *text = "{\"a\": {\"input_cost_per_token\": 1e-6,\n"
				   "\"output_cost_per_token\": 0.5.5}}";

		assert_int_equal(pc_prices_import(&out, "x.json", text, strlen(text), "2025-01-01",
						  NULL, &only), PC_EINPUT);
	}
	assert_string_equal(pc_error_message(), "x.json: line 2: a price that is not a number");
	assert_int_equal(pc_prices_import(&out, "x.json", "{\"a\": ", 6, "2025-01-01", NULL, &only),
			 PC_EINPUT);
	assert_string_equal(pc_error_message(), "x.json: line 1: a value is missing (not JSON)");
	pc_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog__has_the_data_file_s_size),
		cmocka_unit_test(test_catalog__finds_models_by_the_catalog_s_match_rules),
		cmocka_unit_test(test_catalog__a_model_s_price_at_two_dates),
		cmocka_unit_test(test_catalog__a_configured_price_overrides_the_catalog),
		cmocka_unit_test(test_catalog__catalog_models_need_usd_and_a_known_name),
		cmocka_unit_test(test_catalog__service_tiers_are_models_of_their_own),
		cmocka_unit_test(test_catalog__cache_writes_are_priced_at_the_cache_write_price),
		cmocka_unit_test(test_catalog__recorded_cache_shares_are_priced_at_their_prices),
		cmocka_unit_test(test_catalog__a_long_request_is_priced_whole_at_its_tier),
		cmocka_unit_test(test_catalog__decimals_are_exact),
		cmocka_unit_test(test_catalog__imports_a_genai_prices_file),
		cmocka_unit_test(test_catalog__imports_a_litellm_file),
		cmocka_unit_test(test_catalog__refuses_a_file_of_neither_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
