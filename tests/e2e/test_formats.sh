#!/bin/sh
# Prompt formats end to end (issue 11), on real git repositories built from
# the real files in tests/formats/ (see its README: Prompty from
# Azure-Samples/contoso-chat and microsoft/prompty, Dotprompt from
# firebase/genkit, smolagents' YAML prompt library, fabric's patterns and one
# of their real changes, a CSV in awesome-chatgpt-prompts' shape):
# front matter, key paths, CSV cells, families, partials, variables, and the
# include loops and escapes that are input errors (exit 2).
. "$(dirname "$0")/lib.sh"

F=$PC_ROOT/tests/formats

# config DIR: a configuration with one model; templates come from stdin
config() {
	{
		cat <<EOF
version: 1
currency: USD
days_per_month: 30
models:
  gpt-4o-mini:
    encoding: o200k_base
    input_per_1m: 0.15
    output_per_1m: 0.60
templates:
EOF
		cat
	} >"$1/.promptcost.yml"
}

# tokens FILE: o200k_base tokens of a file
tokens() { "$PROMPTCOST" tokens --encoding o200k_base "$1" | cut -f1; }

# --- Prompty: the body is the prompt; a front-matter-only change is no prompt change
r=$TEST_TMP/prompty
new_repo "$r"
mkdir -p "$r/src"
cp "$F/contoso-chat/chat.prompty" "$r/src/chat.prompty"
config "$r" <<'EOF'
  - id: contoso-chat
    files: src/chat.prompty
    model: gpt-4o-mini
    calls_per_day: 10000
    output_tokens_per_call: 100
  - id: contoso-chat-whole
    files: src/chat.prompty
    format: text
    model: gpt-4o-mini
    calls_per_day: 10000
EOF
commit_all "$r" "base"
git -C "$r" checkout -q -b change
sed -i 's/max_tokens: 128/max_tokens: 1024/' "$r/src/chat.prompty"
commit_all "$r" "raise max_tokens"
run "$r" check --base main --format json
expect_status 0 "prompty: a front-matter change passes"
expect_eq "$(json "$out" '.templates[] | select(.id=="contoso-chat") | .change')" unchanged \
	"prompty: front matter only is no prompt change"
expect_eq "$(json "$out" '.templates[] | select(.id=="contoso-chat") | .notes[0]')" \
	"src/chat.prompty: front matter only: max_tokens 128 -> 1024 (the prompt is unchanged)" \
	"prompty: the note says what changed in the front matter"
expect_eq "$(json "$out" '.templates[] | select(.id=="contoso-chat-whole") | .change')" modified \
	"prompty: with format: text the whole file is the template"
body=$TEST_TMP/body.txt
tail -n +26 "$r/src/chat.prompty" >"$body"
expect_eq "$(json "$out" '.templates[] | select(.id=="contoso-chat") | .tokens_after')" \
	"$(tokens "$body")" "prompty: the tokens are the body's, exactly"
expect_eq "$(json "$out" '.templates[] | select(.id=="contoso-chat-whole") | .tokens_after')" \
	"$(tokens "$r/src/chat.prompty")" "prompty: format: text counts every byte"
run "$r" check --base main
expect_stdout_has "contoso-chat: note: src/chat.prompty: front matter only: max_tokens 128 -> 1024" \
	"prompty: the text report shows the note"
# a body change, with the front matter's model and output bound shown
printf 'Answer in one short paragraph.\n' >>"$r/src/chat.prompty"
commit_all "$r" "a longer prompt"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[] | select(.id=="contoso-chat") | .change')" modified \
	"prompty: a body change is a prompt change"
expect_eq "$(json "$out" '.templates[] | select(.id=="contoso-chat") | .notes | join("|")')" \
	"src/chat.prompty: front matter max_tokens 128 -> 1024" \
	"prompty: the changed bound is reported with the prompt change"

# --- Dotprompt with a partial, priced across three templates at their own volumes
r=$TEST_TMP/partial
new_repo "$r"
mkdir -p "$r/prompts"
cp "$F/genkit/_style.prompt" "$r/prompts/_style.prompt"
for name in story tale fable; do
	sed "s/Tell me a story/Tell me a $name/" "$F/genkit/story.prompt" >"$r/prompts/$name.prompt"
done
config "$r" <<'EOF'
  - id: story
    files: prompts/story.prompt
    model: gpt-4o-mini
    calls_per_day: 1000
  - id: tale
    files: prompts/tale.prompt
    model: gpt-4o-mini
    calls_per_day: 2000
  - id: fable
    files: prompts/fable.prompt
    model: gpt-4o-mini
    calls_per_day: 3000
EOF
commit_all "$r" "base"
git -C "$r" checkout -q -b change
printf 'Keep every sentence short, and never use more than three adjectives in a row.\n' \
	>>"$r/prompts/_style.prompt"
commit_all "$r" "style: longer"
run "$r" check --base main --format json
expect_status 0 "partial: the change is checked"
expect_eq "$(json "$out" '[.templates[] | .change] | join(",")')" "modified,modified,modified" \
	"partial: every including template changed"
expect_eq "$(json "$out" '[.templates[] | .notes[0]] | unique | join(",")')" \
	"partial prompts/_style.prompt changed" "partial: each says which partial caused it"
d=$(json "$out" '.templates[0].delta_tokens')
expect_eq "$(json "$out" '[.templates[] | .delta_tokens] | unique | length')" 1 \
	"partial: the same tokens added to each"
expect_eq "$(json "$out" '[.templates[] | .monthly_delta] | join(",")')" \
	"$(awk -v d="$d" 'BEGIN { for (c = 1000; c <= 3000; c += 1000) printf "%s%.2f", (c > 1000 ? "," : ""), d * c * 30 * 0.15 / 1e6 }')" \
	"partial: each priced at its own volume (1000, 2000, 3000 calls/day)"
expect_eq "$(json "$out" '.templates[0].partials | join(",")')" "prompts/_style.prompt" \
	"partial: the JSON lists the partials"
# the rendered text: the partial's whole text where {{>style ...}} was
awk 'n >= 2 { print } /^---$/ { n++ }' "$r/prompts/story.prompt" >"$TEST_TMP/story-body.txt"
{ cat "$r/prompts/_style.prompt"; tail -c +35 "$TEST_TMP/story-body.txt"; } >"$TEST_TMP/story.txt"
expect_eq "$(head -c 34 "$TEST_TMP/story-body.txt")" "{{>style personality=personality}}" \
	"partial: (the body starts with the directive)"
expect_eq "$(json "$out" '.templates[] | select(.id=="story") | .tokens_after')" \
	"$(tokens "$TEST_TMP/story.txt")" "partial: tokens of the body with the partial spliced in"

# --- a partial that includes its includer: a loop is exit 2, located
git -C "$r" checkout -q main
git -C "$r" checkout -q -b loop
printf '{{> story}}\n' >>"$r/prompts/_style.prompt" # the file has no final newline: line 3, column 16
commit_all "$r" "loop"
run "$r" check --base main
expect_status 2 "include loop: an input error"
expect_stderr_has "prompts/_style.prompt:3:16: include loop: prompts/story.prompt -> prompts/_style.prompt -> prompts/story.prompt" \
	"include loop: the message names the chain and its place"

# --- Jinja includes: inside the repository only
r=$TEST_TMP/jinja
new_repo "$r"
mkdir -p "$r/prompts/shared"
printf 'You are a careful assistant.\n' >"$r/prompts/shared/header.j2"
printf '{%% include "shared/header.j2" %%}\nSummarise the document.\n' >"$r/prompts/summarize.j2"
config "$r" <<'EOF'
  - id: summarize
    files: prompts/summarize.j2
    model: gpt-4o-mini
    calls_per_day: 1000
EOF
commit_all "$r" "base"
git -C "$r" checkout -q -b escape
printf '{%% include "../../../etc/passwd" %%}\n' >>"$r/prompts/summarize.j2"
commit_all "$r" "include outside"
run "$r" check --base main
expect_status 2 "include escape: an input error"
expect_stderr_has "prompts/summarize.j2:3:1: include '../../../etc/passwd' leaves the repository" \
	"include escape: located, and says why"
git -C "$r" checkout -q main
git -C "$r" checkout -q -b header
printf 'Never guess.\n' >>"$r/prompts/shared/header.j2"
commit_all "$r" "header"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[0].change + " " + .templates[0].notes[0]')" \
	"modified partial prompts/shared/header.j2 changed" "jinja: a changed include changes the template"

# --- key paths: a YAML prompt library; a change elsewhere is not this template's
r=$TEST_TMP/yaml
new_repo "$r"
mkdir -p "$r/prompts"
cp "$F/smolagents/code_agent.yaml" "$r/prompts/code_agent.yaml"
config "$r" <<'EOF'
  - id: initial-plan
    files: "prompts/code_agent.yaml#/planning/initial_plan"
    model: gpt-4o-mini
    calls_per_day: 1000
  - id: system
    files: "prompts/code_agent.yaml#/system_prompt"
    model: gpt-4o-mini
    calls_per_day: 1000
EOF
commit_all "$r" "base"
git -C "$r" checkout -q -b change
sed -i '2s/^  You are an expert assistant/  You are a very expert assistant/' "$r/prompts/code_agent.yaml"
commit_all "$r" "system prompt"
run "$r" check --base main --format json
expect_eq "$(json "$out" '[.templates[] | .id + ":" + .change] | join(",")')" \
	"initial-plan:unchanged,system:modified" "yaml: only the key that changed is a change"
expect_eq "$(json "$out" '.templates[] | select(.id=="system") | .files[0]')" \
	"prompts/code_agent.yaml#/system_prompt" "yaml: the report names the key path"
python3 -c 'import sys,yaml; sys.stdout.write(yaml.safe_load(open(sys.argv[1]))["planning"]["initial_plan"])' \
	"$r/prompts/code_agent.yaml" >"$TEST_TMP/plan.txt" 2>/dev/null
if [ -s "$TEST_TMP/plan.txt" ]; then
	expect_eq "$(json "$out" '.templates[] | select(.id=="initial-plan") | .tokens_after')" \
		"$(tokens "$TEST_TMP/plan.txt")" "yaml: the tokens are the value's, as PyYAML reads it"
else
	skip_check "yaml: the tokens are the value's, as PyYAML reads it" "python3 yaml not installed"
fi
# the key the head's template names is gone: an input error
sed -i 's/^  initial_plan : |-/  first_plan : |-/' "$r/prompts/code_agent.yaml"
commit_all "$r" "rename the key"
run "$r" check --base main
expect_status 2 "yaml: a key the template names, gone from the head"
expect_stderr_has "prompts/code_agent.yaml: no '#/planning/initial_plan' in the" \
	"yaml: says which key is missing"

# the head points the template at another key: judged by both until merged
git -C "$r" checkout -q main
git -C "$r" checkout -q -b repoint
sed -i 's|code_agent.yaml#/planning/initial_plan|code_agent.yaml#/planning/update_plan_pre_messages|' \
	"$r/.promptcost.yml"
commit_all "$r" "repoint"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[] | select(.id=="initial-plan") | .files | join(",")')" \
	"prompts/code_agent.yaml#/planning/initial_plan,prompts/code_agent.yaml#/planning/update_plan_pre_messages" \
	"yaml: a repointed key path cannot make the prompt smaller (both keys judged)"
expect_eq "$(json "$out" '.pending | map(select(startswith("template '"'"'initial-plan'"'"' files"))) | length')" 1 \
	"yaml: the repointing is listed as taking effect after merge"

# --- a CSV prompt library: one cell of one row
r=$TEST_TMP/csv
new_repo "$r"
cp "$F/csv/prompts.csv" "$r/prompts.csv"
config "$r" <<'EOF'
  - id: linux-terminal
    files: "prompts.csv#row=act:Linux Terminal&column=prompt"
    model: gpt-4o-mini
    calls_per_day: 1000
EOF
commit_all "$r" "base"
git -C "$r" checkout -q -b change
sed -i 's/spelling corrector and improver/spelling corrector, editor and improver/' "$r/prompts.csv"
commit_all "$r" "another row"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[0].change')" unchanged "csv: another row's change is not this template's"
sed -i 's/I want you to act as a linux terminal\./I want you to act as a bash terminal on Linux./' "$r/prompts.csv"
commit_all "$r" "this row"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[0].change')" modified "csv: this row's change is"
expect_eq "$(json "$out" '.templates[0].tokens_after')" \
	"$(printf '%s' 'I want you to act as a bash terminal on Linux. I will type commands and you will reply with what the terminal should show.' | "$PROMPTCOST" tokens --encoding o200k_base)" \
	"csv: the tokens are the cell's"

# --- families: fabric's pattern folders, one entry; a real change of theirs
r=$TEST_TMP/family
new_repo "$r"
for p in summarize extract_wisdom analyze_paper; do
	mkdir -p "$r/patterns/$p"
	cp "$F/fabric/$p/system.md" "$r/patterns/$p/system.md"
done
cp "$F/fabric/history/summarize-468efe5d.md" "$r/patterns/summarize/system.md"
config "$r" <<'EOF'
  - family: fabric
    files: "patterns/*/system.md"
    model: gpt-4o-mini
    calls_per_day: 500
  - family: agent
    files: "prompts/code_agent.yaml#/planning/*"
    model: gpt-4o-mini
    calls_per_day: 200
EOF
mkdir -p "$r/prompts"
cp "$F/smolagents/code_agent.yaml" "$r/prompts/code_agent.yaml"
commit_all "$r" "base"
git -C "$r" checkout -q -b change
cp "$F/fabric/summarize/system.md" "$r/patterns/summarize/system.md"
mkdir -p "$r/patterns/new_pattern"
printf '# IDENTITY\n\nYou write haiku.\n' >"$r/patterns/new_pattern/system.md"
commit_all "$r" "fabric's 'Shortened summary sentences.' (308982f6) and a new pattern"
run "$r" check --base main --format json
expect_eq "$(json "$out" '[.templates[] | .id] | sort | join(",")')" \
	"agent.initial_plan,agent.update_plan_post_messages,agent.update_plan_pre_messages,fabric.analyze_paper,fabric.extract_wisdom,fabric.new_pattern,fabric.summarize" \
	"family: every file and every key its own template, ids from the path"
expect_eq "$(json "$out" '[.templates[] | select(.change != "unchanged") | .id + ":" + .change] | join(",")')" \
	"fabric.summarize:modified,fabric.new_pattern:added" "family: the real change and the new pattern"
expect_eq "$(json "$out" '.templates[] | select(.id=="fabric.new_pattern") | .calls_per_day')" 500 \
	"family: a new member has the family's volume (from the base)"
expect_eq "$(json "$out" '.templates[] | select(.id=="fabric.summarize") | .delta_tokens')" 0 \
	"family: '15 words' -> '16 words' is the same number of tokens"

# a family the change introduces that matches nothing is a typo
git -C "$r" checkout -q main
git -C "$r" checkout -q -b typo
cat >>"$r/.promptcost.yml" <<'EOF'
  - family: typo
    files: "patterns/*/sytem.md"
    model: gpt-4o-mini
    calls_per_day: 1
EOF
commit_all "$r" "typo"
run "$r" check --base main
expect_status 2 "family: a new family that matches nothing"
expect_stderr_has ".promptcost.yml:19:12: 'patterns/*/sytem.md' in family 'typo' matches no file" \
	"family: located"

# --- variables: the rendered prompt's tokens; the delta exact while they do not change
r=$TEST_TMP/vars
new_repo "$r"
printf 'Summarise the document below for a records officer.\n\n{{ document }}\n\nQuestion: {question}\n' >"$r/summarize.md"
config "$r" <<'EOF'
  - id: summarize
    files: summarize.md
    model: gpt-4o-mini
    calls_per_day: 1000
    variables: {document: 1200, question: 40}
EOF
commit_all "$r" "base"
git -C "$r" checkout -q -b change
sed -i '1s/records officer/records officer, in five points/' "$r/summarize.md"
commit_all "$r" "five points"
run "$r" check --base main --format json
printf 'Summarise the document below for a records officer, in five points.\n\n\n\nQuestion: \n' \
	>"$TEST_TMP/rendered.txt"
expect_eq "$(json "$out" '.templates[0].tokens_after')" "$(($(tokens "$TEST_TMP/rendered.txt") + 1240))" \
	"variables: tokens are the rendered prompt's (placeholders out, 1200 + 40 in)"
expect_eq "$(json "$out" '.templates[0].exact')" true "variables: the delta is exact when they did not change"
expect_eq "$(json "$out" '.templates[0].notes[0]' | grep -c 'an estimate.*the delta is exact')" 1 \
	"variables: the per-call figure is labelled an estimate"
printf 'Again, the document: {{document}}\n' >>"$r/summarize.md"
commit_all "$r" "the document twice"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[0].exact')" false "variables: a second use makes the delta an estimate"
expect_eq "$(json "$out" '.templates[0].notes[0]' | grep -c 'went 1240 -> 2440')" 1 \
	"variables: the note says how the variables' tokens moved"
# recorded usage sizes the variables: 2,000 input tokens a billed call were recorded
git -C "$r" checkout -q main
mkdir -p "$r/.promptcost"
printf 'version: 1\nwindow: {from: 2026-11-01, until: 2026-11-30, days: 30}\nrecords: 3000\ntemplates:\n  summarize: {days: 30, calls: 3000, response_cache_hits: 0, input_tokens: 6000000, output_tokens: 0, records: 3000}\n' \
	>"$r/.promptcost/volumes.yml"
commit_all "$r" "volumes"
git -C "$r" checkout -q change
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[0].tokens_before')" 2000 \
	"variables: with recorded usage the base prompt is the recorded 2,000 input tokens a call"
expect_eq "$(json "$out" '[.templates[0].notes[] | select(test("variables. tokens are recorded"))] | length')" 1 \
	"variables: the note says the variables' tokens are recorded, an estimate"

# --- a configuration error in a fragment is located
r=$TEST_TMP/badfrag
new_repo "$r"
printf 'x\n' >"$r/p.csv"
config "$r" <<'EOF'
  - id: t
    files: "p.csv#row=act:x"
    model: gpt-4o-mini
    calls_per_day: 1
EOF
commit_all "$r" "base"
run "$r" check
expect_status 2 "fragment: a malformed one is a configuration error"
expect_stderr_has ".promptcost.yml:11:12: 'p.csv#row=act:x': a CSV fragment needs '&column=NAME'" \
	"fragment: located and says what is missing"


# --- an approval binds to the partials the prompt includes, not only to its own file
r=$TEST_TMP/partial-approval
new_repo "$r"
mkdir -p "$r/prompts"
cp "$F/genkit/_style.prompt" "$r/prompts/_style.prompt"
cp "$F/genkit/story.prompt" "$r/prompts/story.prompt"
config "$r" <<'EOF'
  - id: story
    files: prompts/story.prompt
    model: gpt-4o-mini
    calls_per_day: 100000
policy:
  cost_event:
    monthly_delta: 0.01
  approvers: [rm@agency.gov]
  file_approvals: unsigned
EOF
commit_all "$r" "base"
git -C "$r" checkout -q -b change
printf 'Keep every sentence short and plain.\n' >>"$r/prompts/_style.prompt"
commit_all "$r" "style: longer"
run "$r" check --base main
expect_status 1 "partial approval: the cost event needs an approval"
run "$r" approve --base main --by rm@agency.gov --reason "house style"
expect_status 0 "partial approval: approved (unsigned, as the base allows)"
expect_eq "$(grep -c '_style.prompt' "$r/.promptcost/approvals.yml")" 1 \
	"partial approval: the entry names the partial and its blob"
commit_all "$r" "approve"
run "$r" check --base main
expect_status 0 "partial approval: the approved change passes"
# the same number of tokens, other words: only the partial changes after the approval
sed -i 's/short and plain/plain and short/' "$r/prompts/_style.prompt"
commit_all "$r" "style: reworded after the approval"
run "$r" check --base main
expect_status 1 "partial approval: an edit of the partial after approval needs a new one"

finish
