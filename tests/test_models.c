/*
 * Unit tests of pc_encoding_for_model(): which model names map to which
 * encoding (tiktoken's model.py families), and what an unknown name says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "promptcost/tokenizer.h"

static void assert_model(const char *model, enum pc_encoding expected)
{
	enum pc_encoding enc = PC_ENC__COUNT;

	pc_error_clear();
	if (pc_encoding_for_model(&enc, model) != 0)
		fail_msg("'%s' was not found: %s", model, pc_error_message());
	if (enc != expected)
		fail_msg("'%s' maps to encoding %d, expected %d", model, (int)enc, (int)expected);
}

static void assert_unknown(const char *model)
{
	enum pc_encoding enc = PC_ENC__COUNT;

	pc_error_clear();
	if (pc_encoding_for_model(&enc, model) != PC_ENOTFOUND)
		fail_msg("'%s' was expected unknown, got encoding %d", model, (int)enc);
	assert_int_equal(pc_error_code(), PC_ENOTFOUND);
	assert_int_equal(enc, PC_ENC__COUNT);
}

static void test_models__o200k_families_map_to_o200k_base(void **state)
{
	static const char *const models[] = {
		"gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5-2025-08-07", "gpt-5.1",
		"gpt-5.1-codex", "gpt-4.5-preview", "gpt-4.1", "gpt-4.1-mini",
		"gpt-4.1-nano-2025-04-14", "gpt-4o", "gpt-4o-mini",
		"gpt-4o-2024-08-06", "chatgpt-4o-latest", "o1", "o1-mini",
		"o1-preview", "o3", "o3-mini", "o3-pro", "o4-mini",
		"o4-mini-2025-04-16", "gpt-oss-20b", "gpt-oss-120b",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		assert_model(models[i], PC_ENC_O200K_BASE);
}

static void test_models__cl100k_families_map_to_cl100k_base(void **state)
{
	static const char *const models[] = {
		"gpt-4", "gpt-4-turbo", "gpt-4-32k", "gpt-4-0613",
		"gpt-4-turbo-2024-04-09", "gpt-3.5-turbo", "gpt-3.5-turbo-16k",
		"gpt-3.5", "gpt-35-turbo", "text-embedding-3-small",
		"text-embedding-3-large", "text-embedding-ada-002", "davinci-002",
		"babbage-002",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		assert_model(models[i], PC_ENC_CL100K_BASE);
}

/* gpt-4 is a prefix of gpt-4o, gpt-4.1 and gpt-4.5: the table order decides. */
static void test_models__gpt_4o_and_gpt_4_1_are_not_taken_for_gpt_4(void **state)
{
	(void)state;
	assert_model("gpt-4o", PC_ENC_O200K_BASE);
	assert_model("gpt-4.1", PC_ENC_O200K_BASE);
	assert_model("gpt-4.5-preview", PC_ENC_O200K_BASE);
	assert_model("gpt-4-o", PC_ENC_CL100K_BASE);
}

static void test_models__fine_tuned_models_use_their_base_encoding(void **state)
{
	(void)state;
	assert_model("ft:gpt-4o-mini-2024-07-18:acme::9xYz", PC_ENC_O200K_BASE);
	assert_model("ft:gpt-3.5-turbo-0125:acme:support:abc123", PC_ENC_CL100K_BASE);
	assert_model("ft:gpt-4.1", PC_ENC_O200K_BASE);
	assert_unknown("ft:");
	assert_unknown("ft:claude-3:acme::x");
	assert_unknown("ft:ft:gpt-4o");
}

static void test_models__an_openai_provider_prefix_is_ignored(void **state)
{
	(void)state;
	assert_model("openai/gpt-4o", PC_ENC_O200K_BASE);
	assert_model("openai/gpt-4", PC_ENC_CL100K_BASE);
	assert_unknown("anthropic/claude-3-5-sonnet");
}

/* A family is its name or its name and a dash: "gpt-4omni" is not gpt-4o. */
static void test_models__a_family_needs_a_separator_after_its_name(void **state)
{
	(void)state;
	assert_unknown("gpt-4omni");
	assert_unknown("o10");
	assert_unknown("gpt-50");
	assert_unknown("gpt-4o-");
	assert_unknown("gpt-4.2");
	assert_unknown("text-embedding-3");
	assert_unknown("text-embedding-ada-002-v2");
	assert_unknown("");
}

static void test_models__an_unknown_model_lists_the_known_families(void **state)
{
	const char *msg;

	(void)state;
	assert_unknown("claude-3");
	msg = pc_error_message();
	assert_non_null(strstr(msg, "unknown model 'claude-3' (known: gpt-5*, "));
	assert_non_null(strstr(msg, "gpt-4o*"));
	assert_non_null(strstr(msg, "gpt-4.1*"));
	assert_non_null(strstr(msg, "gpt-3.5-turbo*"));
	assert_non_null(strstr(msg, "text-embedding-ada-002"));
	assert_non_null(strstr(msg, "encoding: approximate in .promptcost.yml)"));
	assert_null(strstr(msg, "did you mean"));
}

static void test_models__a_near_miss_suggests_the_nearest_model(void **state)
{
	(void)state;
	assert_unknown("gpt4o");
	assert_non_null(strstr(pc_error_message(),
			       "unknown model 'gpt4o' (did you mean 'gpt-4o'? known: gpt-5*"));
	assert_unknown("gtp-4o-mini");
	assert_non_null(strstr(pc_error_message(), "did you mean 'gpt-4o-mini'?"));
	assert_unknown("o3mini");
	assert_non_null(strstr(pc_error_message(), "did you mean 'o3-mini'?"));
	assert_unknown("text-embeding-ada-002");
	assert_non_null(strstr(pc_error_message(), "did you mean 'text-embedding-ada-002'?"));
}

static void test_models__a_name_in_the_wrong_case_suggests_the_lower_case(void **state)
{
	(void)state;
	assert_unknown("GPT-4o-mini-2024-07-18");
	assert_non_null(strstr(pc_error_message(), "did you mean 'gpt-4o-mini-2024-07-18'?"));
}

/* Two edits turn any two-letter name into any other: no suggestion for those. */
static void test_models__a_short_unrelated_name_suggests_nothing(void **state)
{
	(void)state;
	assert_unknown("o5");
	assert_null(strstr(pc_error_message(), "did you mean"));
	assert_unknown("gemini-2.5-pro");
	assert_null(strstr(pc_error_message(), "did you mean"));
}

static void test_models__a_very_long_name_is_unknown_without_overflow(void **state)
{
	char name[600];

	(void)state;
	memset(name, 'g', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_unknown(name);
	memcpy(name, "ft:", 3);
	assert_unknown(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models__o200k_families_map_to_o200k_base),
		cmocka_unit_test(test_models__cl100k_families_map_to_cl100k_base),
		cmocka_unit_test(test_models__gpt_4o_and_gpt_4_1_are_not_taken_for_gpt_4),
		cmocka_unit_test(test_models__fine_tuned_models_use_their_base_encoding),
		cmocka_unit_test(test_models__an_openai_provider_prefix_is_ignored),
		cmocka_unit_test(test_models__a_family_needs_a_separator_after_its_name),
		cmocka_unit_test(test_models__an_unknown_model_lists_the_known_families),
		cmocka_unit_test(test_models__a_near_miss_suggests_the_nearest_model),
		cmocka_unit_test(test_models__a_name_in_the_wrong_case_suggests_the_lower_case),
		cmocka_unit_test(test_models__a_short_unrelated_name_suggests_nothing),
		cmocka_unit_test(test_models__a_very_long_name_is_unknown_without_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
