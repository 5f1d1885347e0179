/*
 * Tests of the prompt formats (formats.h) and includes (includes.h) on their
 * own, on the real files in tests/formats/ (see its README for where each
 * comes from and its licence):
 *   - Prompty front matter (Azure-Samples/contoso-chat chat.prompty; Prompty
 *     spec, https://prompty.ai/docs, `model.parameters.max_tokens`);
 *   - Dotprompt front matter with a licence header and `config.maxOutputTokens`
 *     (google/dotprompt 02-schema-and-config.prompt; Dotprompt's parse.ts);
 *   - Genkit's `{{>style}}` partial from `_style.prompt` (firebase/genkit);
 *   - key paths into smolagents' code_agent.yaml (JSON Pointer, RFC 6901:
 *     https://www.rfc-editor.org/rfc/rfc6901, `~0` and `~1` escapes);
 *   - a TOML prompt file written to TOML v1.0.0 (https://toml.io/en/v1.0.0);
 *   - a CSV prompt library in awesome-chatgpt-prompts' shape (`act,prompt,...`,
 *     RFC 4180 quoting: https://www.rfc-editor.org/rfc/rfc4180).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "promptcost/config.h"
#include "promptcost/formats.h"
#include "promptcost/git.h"
#include "promptcost/includes.h"

#define DIR "tests/formats/"
static char repo_dir[] = "tests/formats";

static char *slurp(const char *path, size_t *len)
{
	struct pc_buf b = PC_BUF_INIT;

	assert_int_equal(pc_file_read(&b, path, 1 << 24), 0);
	return pc_buf_detach(&b, len);
}

/* ---- front matter ---- */

static void prompty_front_matter(void **state)
{
	struct pc_front_matter fm;
	size_t len;
	char *text = slurp(DIR "contoso-chat/chat.prompty", &len);

	(void)state;
	assert_int_equal(pc_front_matter_split(&fm, "chat.prompty", text, len, false), 0);
	assert_true(fm.present);
	assert_string_equal(fm.model, "gpt-4o-mini");
	assert_true(fm.has_max_tokens);
	assert_int_equal(fm.max_tokens, 128);
	assert_string_equal(fm.max_tokens_key, "max_tokens");
	/* the body starts with the role marker, right after the closing fence */
	assert_true(!strncmp(text + fm.body_offset, "system:", 7));
	assert_int_equal(fm.body_line, 26);
	assert_null(fm.unread);
	pc_front_matter_release(&fm);
	free(text);
}

static void dotprompt_licence_header(void **state)
{
	struct pc_front_matter fm;
	size_t len;
	char *text = slurp(DIR "dotprompt/02-schema-and-config.prompt", &len);

	(void)state;
	/* without the header rule the '#' lines are text and there is no front matter */
	assert_int_equal(pc_front_matter_split(&fm, "x.prompt", text, len, false), 0);
	assert_false(fm.present);
	assert_int_equal(fm.body_offset, 0);
	pc_front_matter_release(&fm);
	assert_int_equal(pc_front_matter_split(&fm, "x.prompt", text, len, true), 0);
	assert_true(fm.present);
	assert_int_equal(fm.body_line, 42);
	/*
	 * Its Picoschema line `style?: "formal" | "casual"` is not YAML: the front
	 * matter is still removed, and why its settings are not read names the
	 * file's own line.
	 */
	assert_non_null(fm.unread);
	assert_non_null(strstr(fm.unread, "x.prompt:31:24:"));
	assert_null(fm.model);
	assert_null(strstr(text + fm.body_offset, "maxOutputTokens"));
	pc_front_matter_release(&fm);
	free(text);
}

static void dotprompt_and_prompty_settings(void **state)
{
	struct pc_front_matter fm;
	size_t len;
	char *text = slurp(DIR "genkit/hello.history.prompt", &len);

	(void)state;
	assert_int_equal(pc_front_matter_split(&fm, "hello.history.prompt", text, len, true), 0);
	assert_string_equal(fm.model, "googleai/gemini-2.5-flash");
	assert_int_equal(fm.max_tokens, 2048);
	assert_string_equal(fm.max_tokens_key, "maxOutputTokens");
	pc_front_matter_release(&fm);
	free(text);
	/* Prompty 2: model.id and model.options.maxOutputTokens */
	text = slurp(DIR "prompty/chat-agent.prompty", &len);
	assert_int_equal(pc_front_matter_split(&fm, "chat-agent.prompty", text, len, false), 0);
	assert_string_equal(fm.model, "gpt-4o-mini");
	assert_int_equal(fm.max_tokens, 1024);
	assert_true(!strncmp(text + fm.body_offset, "system:\nYou are a helpful", 25));
	pc_front_matter_release(&fm);
	free(text);
}

static void front_matter_edges(void **state)
{
	struct pc_front_matter fm;
	const char *unclosed = "---\nmodel: x\nno end\n";
	const char *none = "Hello\n---\nnot front matter\n";
	const char *odd = "---\n: : :\n  - [\n---\nbody\n";
	const char *crlf = "---\r\nmodel:\r\n  id: gpt-4o\r\n  options:\r\n    maxTokens: 256\r\n---\r\nHi\r\n";

	(void)state;
	assert_int_equal(pc_front_matter_split(&fm, "a.prompt", unclosed, strlen(unclosed), true),
			 PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "a.prompt:1:1: front matter opened here is never"));
	pc_front_matter_release(&fm);
	assert_int_equal(pc_front_matter_split(&fm, "a.md", none, strlen(none), false), 0);
	assert_false(fm.present);
	pc_front_matter_release(&fm);
	/* not YAML: still stripped, the settings are unread and say why */
	assert_int_equal(pc_front_matter_split(&fm, "a.prompt", odd, strlen(odd), true), 0);
	assert_true(fm.present);
	assert_string_equal(odd + fm.body_offset, "body\n");
	assert_non_null(fm.unread);
	assert_false(fm.has_max_tokens);
	pc_front_matter_release(&fm);
	assert_int_equal(pc_front_matter_split(&fm, "a.prompty", crlf, strlen(crlf), false), 0);
	assert_string_equal(fm.model, "gpt-4o");
	assert_int_equal(fm.max_tokens, 256);
	assert_string_equal(crlf + fm.body_offset, "Hi\r\n");
	pc_front_matter_release(&fm);
}

/* ---- fragments ---- */

static void fragment_syntax(void **state)
{
	struct pc_fragment f;
	struct pc_buf b = PC_BUF_INIT;

	(void)state;
	assert_string_equal(pc_fragment_start("lib.yaml#/a"), "#/a");
	assert_string_equal(pc_fragment_start("a#b/c.csv#row=1&column=p"), "#row=1&column=p");
	assert_null(pc_fragment_start("notes#1.md"));
	assert_int_equal(pc_fragment_parse(&f, "/planning/initial~1plan/~0x/0"), 0);
	assert_int_equal(f.nkeys, 4);
	assert_string_equal(f.keys[1], "initial/plan");
	assert_string_equal(f.keys[2], "~x");
	assert_false(pc_fragment_is_wild(&f));
	pc_fragment_release(&f);
	assert_int_equal(pc_fragment_parse(&f, "/a/~2"), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "'~0'"));
	assert_int_equal(pc_fragment_parse(&f, "row=act:Linux%20Terminal%26Co&column=prompt"), 0);
	assert_string_equal(f.row_column, "act");
	assert_string_equal(f.row_value, "Linux Terminal&Co");
	assert_string_equal(f.column, "prompt");
	pc_fragment_release(&f);
	assert_int_equal(pc_fragment_parse(&f, "row=3&column=prompt"), 0);
	assert_int_equal(f.row_number, 3);
	pc_fragment_release(&f);
	assert_int_equal(pc_fragment_parse(&f, "row=act:*&column=prompt"), 0);
	assert_true(pc_fragment_is_wild(&f));
	pc_fragment_release(&f);
	assert_int_equal(pc_fragment_parse(&f, "row=0&column=prompt"), PC_EINPUT);
	assert_int_equal(pc_fragment_parse(&f, "row=act:x"), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "column=NAME"));
	assert_int_equal(pc_fragment_parse(&f, "row=a:%zz&column=p"), PC_EINPUT);
	pc_fragment_add_key(&b, "a/b~c");
	pc_buf_adds(&b, " ");
	pc_fragment_add_value(&b, "50% & #1");
	assert_string_equal(b.ptr, "a~1b~0c 50%25 %26 %231");
	pc_buf_release(&b);
}

static void select_one(struct pc_fragment_matches *m, const char *path, const char *text,
		       size_t len, const char *fragment, int expect)
{
	struct pc_fragment f;

	assert_int_equal(pc_fragment_parse(&f, fragment), 0);
	assert_int_equal(pc_fragment_select(m, path, text, len, &f), expect);
	pc_fragment_release(&f);
}

static void yaml_library(void **state)
{
	struct pc_fragment_matches m = { NULL, 0, 0 };
	size_t len;
	char *text = slurp(DIR "smolagents/code_agent.yaml", &len);

	(void)state;
	select_one(&m, "code_agent.yaml", text, len, "/planning/initial_plan", 0);
	assert_int_equal(m.n, 1);
	/* a `|-` block: no final newline; the key written `initial_plan : |-` is found */
	assert_true(!strncmp(m.items[0].text, "You are a world expert at analyzing", 35));
	assert_true(m.items[0].text[m.items[0].len - 1] != '\n');
	assert_string_equal(m.items[0].fragment, "/planning/initial_plan");
	pc_fragment_matches_release(&m);
	/* `---` lines inside a value are text */
	select_one(&m, "code_agent.yaml", text, len, "/managed_agent/task", 0);
	assert_int_equal(m.n, 1);
	assert_non_null(strstr(m.items[0].text, "---"));
	pc_fragment_matches_release(&m);
	/* every key of a mapping, with the key as its name */
	select_one(&m, "code_agent.yaml", text, len, "/planning/*", 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.items[0].name, "initial_plan");
	assert_string_equal(m.items[1].name, "update_plan_pre_messages");
	assert_string_equal(m.items[2].fragment, "/planning/update_plan_post_messages");
	pc_fragment_matches_release(&m);
	/* absent: nothing, no error; a mapping: an error at its place */
	select_one(&m, "code_agent.yaml", text, len, "/planning/nope", 0);
	assert_int_equal(m.n, 0);
	select_one(&m, "code_agent.yaml", text, len, "/planning", PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "code_agent.yaml:176:"));
	assert_non_null(strstr(pc_error_message(), "is a mapping, not a prompt text"));
	pc_fragment_matches_release(&m);
	free(text);
}

static void json_library(void **state)
{
	static const char json[] =
		"{\"summarize\": {\"system\": \"You summarise.\\nBriefly.\", \"max\": 3},\n"
		" \"a/b\": {\"system\": \"slash key\"}, \"list\": [\"zero\", \"one\"]}";
	static const char dup[] = "{\"a\": \"x\", \"a\": \"y\"}";
	struct pc_fragment_matches m = { NULL, 0, 0 };

	(void)state;
	select_one(&m, "lib.json", json, strlen(json), "/summarize/system", 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.items[0].text, "You summarise.\nBriefly.");
	pc_fragment_matches_release(&m);
	select_one(&m, "lib.json", json, strlen(json), "/a~1b/system", 0);
	assert_string_equal(m.items[0].text, "slash key");
	pc_fragment_matches_release(&m);
	select_one(&m, "lib.json", json, strlen(json), "/list/1", 0);
	assert_string_equal(m.items[0].text, "one");
	pc_fragment_matches_release(&m);
	select_one(&m, "lib.json", json, strlen(json), "/summarize/max", PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "a number or boolean"));
	select_one(&m, "lib.json", dup, strlen(dup), "/a", PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "lib.json:1:"));
	pc_fragment_matches_release(&m);
}

static void toml_prompts(void **state)
{
	struct pc_fragment_matches m = { NULL, 0, 0 };
	size_t len;
	char *text = slurp(DIR "toml/prompts.toml", &len);
	static const char bad[] = "[a]\nkey = \"never closed\n";

	(void)state;
	select_one(&m, "prompts.toml", text, len, "/summarize/system", 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.items[0].text,
			    "You summarise documents for a records office.\n"
			    "Write \"SUMMARY:\" first, then five points.\n");
	pc_fragment_matches_release(&m);
	select_one(&m, "prompts.toml", text, len, "/summarize/user", 0);
	assert_string_equal(m.items[0].text, "Summarise this: {document}");
	pc_fragment_matches_release(&m);
	select_one(&m, "prompts.toml", text, len, "/translate/system", 0);
	assert_string_equal(m.items[0].text, "Translate C:\\path literally.\n");
	pc_fragment_matches_release(&m);
	select_one(&m, "prompts.toml", text, len, "/examples/1/text", 0);
	assert_string_equal(m.items[0].text, "second example \xc3\xa9");
	pc_fragment_matches_release(&m);
	select_one(&m, "prompts.toml", text, len, "/*/system", 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.items[2].name, "classify");
	assert_string_equal(m.items[2].text, "Classify it, continued on one line.");
	pc_fragment_matches_release(&m);
	select_one(&m, "prompts.toml", text, len, "/summarize/max_tokens", PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "not a string"));
	select_one(&m, "p.toml", bad, strlen(bad), "/a/key", PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "p.toml:2:"));
	pc_fragment_matches_release(&m);
	free(text);
}

static void csv_library(void **state)
{
	struct pc_fragment_matches m = { NULL, 0, 0 };
	size_t len;
	char *text = slurp(DIR "csv/prompts.csv", &len);

	(void)state;
	select_one(&m, "prompts.csv", text, len, "row=act:Linux Terminal&column=prompt", 0);
	assert_int_equal(m.n, 1);
	assert_true(!strncmp(m.items[0].text, "I want you to act as a linux terminal.", 38));
	pc_fragment_matches_release(&m);
	/* quoted commas, doubled quotes and a newline inside a field */
	select_one(&m, "prompts.csv", text, len, "row=2&column=prompt", 0);
	assert_non_null(strstr(m.items[0].text, "say \"hello\", then"));
	assert_non_null(strchr(m.items[0].text, '\n'));
	assert_string_equal(m.items[0].fragment, "row=2&column=prompt");
	pc_fragment_matches_release(&m);
	select_one(&m, "prompts.csv", text, len, "row=act:*&column=prompt", 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.items[2].name, "English Translator, Improver");
	assert_string_equal(m.items[2].fragment,
			    "row=act:English Translator, Improver&column=prompt");
	pc_fragment_matches_release(&m);
	select_one(&m, "prompts.csv", text, len, "row=act:Nobody&column=prompt", 0);
	assert_int_equal(m.n, 0);
	select_one(&m, "prompts.csv", text, len, "row=act:x&column=nope", PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "no column 'nope'"));
	select_one(&m, "prompts.csv", text, len, "/act", PC_EINPUT);
	{
		static const char dup[] = "\"act\",\"prompt\"\n\"A\",\"one\"\n\"A\",\"two\"\n";

		select_one(&m, "dup.csv", dup, strlen(dup), "row=act:A&column=prompt", PC_EINPUT);
		assert_non_null(strstr(pc_error_message(), "'act' is 'A' in 2 rows"));
		pc_fragment_matches_release(&m);
		select_one(&m, "dup.csv", dup, strlen(dup), "row=2&column=prompt", 0);
		assert_string_equal(m.items[0].text, "two");
	}
	pc_fragment_matches_release(&m);
	free(text);
}

/* ---- includes ---- */

/* A repository as files in a folder: read relative to it. */
static int read_dir(void *ctx, struct pc_buf *out, char *oid, const char *path)
{
	struct pc_buf full = PC_BUF_INIT;
	int error;

	pc_buf_addf(&full, "%s/%s", (const char *)ctx, path);
	error = pc_file_read(out, full.ptr, 1 << 20);
	pc_buf_release(&full);
	if (error == PC_EIO || error == PC_ENOTFOUND) {
		pc_error_clear();
		return PC_ENOTFOUND;
	}
	snprintf(oid, PC_OID_HEXSZ + 1, "%040zu", out->len);
	return error;
}

static void genkit_partial(void **state)
{
	struct pc_buf out = PC_BUF_INIT;
	struct pc_include_list used = { PC_STRLIST_INIT, PC_STRLIST_INIT };
	struct pc_front_matter fm;
	size_t len;
	char *text = slurp(DIR "genkit/story.prompt", &len);

	(void)state;
	assert_int_equal(pc_includes_for_path("story.prompt"), PC_INCLUDE_HANDLEBARS);
	assert_int_equal(pc_front_matter_split(&fm, "genkit/story.prompt", text, len, true), 0);
	assert_int_equal(pc_includes_expand(&out, "genkit/story.prompt", text + fm.body_offset,
					    len - fm.body_offset, PC_INCLUDE_HANDLEBARS, read_dir,
					    repo_dir, &used, true), 0);
	assert_int_equal(used.paths.n, 1);
	assert_string_equal(used.paths.items[0], "genkit/_style.prompt");
	assert_true(!strncmp(out.ptr, "{{ role \"system\" }}\nYou should speak", 36));
	assert_non_null(strstr(out.ptr, "Tell me a story about {{subject}}."));
	assert_null(strstr(out.ptr, "{{>style"));
	pc_front_matter_release(&fm);
	pc_include_list_release(&used);
	pc_buf_release(&out);
	free(text);
}

static void include_paths(void **state)
{
	char *p;

	(void)state;
	p = pc_include_resolve("prompts/a/x.j2", "../shared/h.j2", false);
	assert_string_equal(p, "prompts/shared/h.j2");
	free(p);
	p = pc_include_resolve("prompts/a/x.j2", "shared/h.j2", true);
	assert_string_equal(p, "shared/h.j2");
	free(p);
	assert_null(pc_include_resolve("prompts/x.j2", "../../etc/passwd", false));
	assert_non_null(strstr(pc_error_message(), "leaves the repository"));
	assert_null(pc_include_resolve("x.j2", "/etc/passwd", false));
	assert_non_null(strstr(pc_error_message(), "absolute path"));
}

static void include_loop(void **state)
{
	struct pc_buf out = PC_BUF_INIT;
	struct pc_include_list used = { PC_STRLIST_INIT, PC_STRLIST_INIT };
	size_t len;
	char *text = slurp(DIR "jinja/loop/a.j2", &len);

	(void)state;
	assert_int_equal(pc_includes_expand(&out, "jinja/loop/a.j2", text, len, PC_INCLUDE_JINJA,
					    read_dir, repo_dir, &used, false), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "jinja/loop/b.j2:2:1: include loop: "
						   "jinja/loop/a.j2 -> jinja/loop/b.j2 -> "
						   "jinja/loop/a.j2"));
	pc_include_list_release(&used);
	pc_buf_release(&out);
	free(text);
}

/* fan/N.j2 includes fan/N+1.j2 ten times, to fan/15.j2: 10^15 includes if nothing stops it */
static int read_fan(void *ctx, struct pc_buf *out, char *oid, const char *path)
{
	int n;

	(void)ctx;
	if (sscanf(path, "fan/%d.j2", &n) != 1)
		return PC_ENOTFOUND;
	for (int i = 0; n < 15 && i < 10; i++)
		pc_buf_addf(out, "{%% include \"%d.j2\" %%}", n + 1);
	snprintf(oid, PC_OID_HEXSZ + 1, "%040d", n);
	return 0;
}

static void include_fan_out(void **state)
{
	struct pc_buf out = PC_BUF_INIT, text = PC_BUF_INIT;
	struct pc_include_list used = { PC_STRLIST_INIT, PC_STRLIST_INIT };
	char oid[PC_OID_HEXSZ + 1];

	(void)state;
	read_fan(NULL, &text, oid, "fan/0.j2");
	assert_int_equal(pc_includes_expand(&out, "fan/0.j2", text.ptr, text.len, PC_INCLUDE_JINJA,
					    read_fan, NULL, &used, false), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "more than 4096 includes in one template"));
	assert_int_equal(used.paths.n, 15);
	pc_include_list_release(&used);
	pc_buf_release(&out);
	pc_buf_release(&text);
}

static void jinja_includes(void **state)
{
	struct pc_buf out = PC_BUF_INIT;
	struct pc_include_list used = { PC_STRLIST_INIT, PC_STRLIST_INIT };
	static const char text[] = "A{% include 'jinja/shared/header.j2' %}B{%- include \"footer.j2\" -%}"
				   "C{% include name %}D\n--8<-- \"jinja/shared/footer.j2\"\n";

	(void)state;
	assert_int_equal(pc_includes_expand(&out, "jinja/t.j2", text, strlen(text),
					    PC_INCLUDE_JINJA | PC_INCLUDE_SNIPPETS, read_dir, repo_dir,
					    &used, false), 0);
	/* from the root, and from the includer's folder; a variable kept as text (not strict) */
	assert_string_equal(out.ptr, "AYou are a careful assistant.\nBfrom the folder\n"
				     "C{% include name %}D\nThank you.\n\n");
	assert_int_equal(used.paths.n, 3);
	pc_buf_reset(&out);
	/* strict (the head): a variable include is an error at its place */
	assert_int_equal(pc_includes_expand(&out, "jinja/t.j2", text, strlen(text),
					    PC_INCLUDE_JINJA, read_dir, repo_dir, &used, true), PC_EINPUT);
	assert_non_null(strstr(pc_error_message(), "jinja/t.j2:1:"));
	pc_include_list_release(&used);
	pc_buf_release(&out);
}

/* ---- the template keys of .promptcost.yml ---- */

#define CONFIG_HEAD \
	"version: 1\nmodels:\n  m:\n    encoding: o200k_base\n    input_per_1m: 1\n" \
	"    output_per_1m: 2\ntemplates:\n"

static int parse(struct pc_config **out, const char *templates)
{
	struct pc_buf text = PC_BUF_INIT;
	int error;

	pc_buf_addf(&text, "%s%s", CONFIG_HEAD, templates);
	error = pc_config_parse(out, ".promptcost.yml", text.ptr, text.len);
	pc_buf_release(&text);
	return error;
}

static void config_keys(void **state)
{
	struct pc_config *config = NULL;
	const struct pc_template_config *t;

	(void)state;
	assert_int_equal(parse(&config,
		"  - family: fabric\n"
		"    files: [\"patterns/*/system.md\", \"lib.yaml#/a~1b/*\"]\n"
		"    model: m\n    calls_per_day: 5\n"
		"    format: front-matter\n    includes: [jinja, snippets]\n"
		"    variables: {document: 1200, user.name: 4}\n"
		"  - id: plain\n    files: notes#1.md\n    model: m\n    calls_per_day: 1\n"), 0);
	t = &config->templates[0];
	assert_true(t->family);
	assert_string_equal(t->id, "fabric");
	assert_string_equal(t->files[1].pattern, "lib.yaml");
	assert_string_equal(t->files[1].fragment, "/a~1b/*");
	assert_null(t->files[0].fragment);
	assert_int_equal(t->format, PC_TEXT_FRONT_MATTER);
	assert_int_equal(t->includes, PC_INCLUDE_JINJA | PC_INCLUDE_SNIPPETS);
	assert_int_equal(t->nvariables, 2);
	assert_string_equal(t->variables[1].name, "user.name");
	assert_int_equal(t->variables[0].tokens, 1200);
	t = &config->templates[1];
	assert_false(t->family);
	assert_string_equal(t->files[0].pattern, "notes#1.md");
	assert_int_equal(t->includes, PC_INCLUDES_AUTO);
	assert_int_equal(t->format, PC_TEXT_AUTO);
	pc_config_free(config);
}

static void config_errors(void **state)
{
	static const struct {
		const char *templates;
		const char *message;
	} cases[] = {
		{ "  - id: a\n    family: b\n    files: x\n    model: m\n    calls_per_day: 1\n",
		  ".promptcost.yml:9:5: a template has an 'id' or is a 'family', not both" },
		{ "  - files: x\n    model: m\n    calls_per_day: 1\n",
		  "template 1 has no 'id'" },
		{ "  - family: a b\n    files: x\n    model: m\n    calls_per_day: 1\n",
		  "family name 'a b' may use only letters" },
		{ "  - id: a\n    files: \"lib.yaml#/x/~9\"\n    model: m\n    calls_per_day: 1\n",
		  ".promptcost.yml:9:12: 'lib.yaml#/x/~9': '~' in a key path must be" },
		{ "  - id: a\n    files: \"#/x\"\n    model: m\n    calls_per_day: 1\n",
		  "'#/x' names no file before its '#'" },
		{ "  - id: a\n    files: x\n    model: m\n    calls_per_day: 1\n    format: yaml\n",
		  "format" },
		{ "  - id: a\n    files: x\n    model: m\n    calls_per_day: 1\n    includes: [erb]\n",
		  "includes" },
		{ "  - id: a\n    files: x\n    model: m\n    calls_per_day: 1\n    includes: yes\n",
		  "'includes' is auto, none, or a list of jinja, handlebars, snippets" },
		{ "  - id: a\n    files: x\n    model: m\n    calls_per_day: 1\n    variables: [doc]\n",
		  "'variables' must be a mapping" },
		{ "  - id: a\n    files: x\n    model: m\n    calls_per_day: 1\n"
		  "    variables: {\"{{doc}}\": 3}\n", "variable name '{{doc}}' may use only" },
		{ "  - id: a\n    files: x\n    model: m\n    calls_per_day: 1\n"
		  "    variables: {doc: -3}\n", "12:22: '-3' is negative" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pc_config *config = NULL;

		assert_int_equal(parse(&config, cases[i].templates), PC_EINPUT);
		if (!strstr(pc_error_message(), cases[i].message))
			fail_msg("case %zu: '%s' lacks '%s'", i, pc_error_message(), cases[i].message);
		assert_null(config);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prompty_front_matter),
		cmocka_unit_test(dotprompt_licence_header),
		cmocka_unit_test(dotprompt_and_prompty_settings),
		cmocka_unit_test(front_matter_edges),
		cmocka_unit_test(fragment_syntax),
		cmocka_unit_test(yaml_library),
		cmocka_unit_test(json_library),
		cmocka_unit_test(toml_prompts),
		cmocka_unit_test(csv_library),
		cmocka_unit_test(genkit_partial),
		cmocka_unit_test(include_paths),
		cmocka_unit_test(include_loop),
		cmocka_unit_test(jinja_includes),
		cmocka_unit_test(include_fan_out),
		cmocka_unit_test(config_keys),
		cmocka_unit_test(config_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
