#!/bin/sh
# End-to-end tests of `promptcost check`: the real binary on real repositories.
# Exit codes 0, 1, 2 and 3; the JSON report field by field; golden text and
# markdown reports; bad input with its message, exit code, and the repository
# left exactly as it was.
. "$(dirname "$0")/lib.sh"

config() { # config DIR [CALLS_PER_DAY] [BUDGET]: the seed configuration
	cat >"$1/.promptcost.yml" <<EOF
version: 1
currency: USD
days_per_month: 30
models:
  gpt-4-class:
    encoding: cl100k_base
    input_per_1k: 0.012
    output_per_1k: 0.024
teams:
  records-management:
    monthly_budget: ${3:-25000}
    limit: hard
    warn_at: 80%
    other_monthly_spend: 12000
templates:
  - id: document-summarization
    files: [prompts/summarize/system.md]
    team: records-management
    use_case: document-summarization
    model: gpt-4-class
    calls_per_day: ${2:-15000}
    output_tokens_per_call: 0
EOF
}

# The seed: a base prompt, then exactly 400 tokens of system context added.
seed=$TEST_TMP/seed
new_repo "$seed"
config "$seed"
mkdir -p "$seed/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$seed/prompts/summarize/system.md"
commit_all "$seed" "base"
cat "$PC_ROOT/demo/system-context.md" >>"$seed/prompts/summarize/system.md"
commit_all "$seed" "more context"

run "$seed" check --base HEAD~1
expect_status 0 "the seed change passes"
expect_stdout_has '+$72.00' "text shows +\$72.00 a day"
expect_stdout_has '+$2,160.00' "text shows +\$2,160.00 a month"
sed "s/$(git -C "$seed" rev-parse --short HEAD~1)/BASE/; s/$(git -C "$seed" rev-parse --short HEAD)/HEAD/" "$out" >"$TEST_TMP/text"
expect_golden "$TEST_TMP/text" seed.txt "text report matches the golden file"

run "$seed" check --base HEAD~1 --format markdown
expect_status 0 "markdown exits 0"
sed "s/$(git -C "$seed" rev-parse --short HEAD~1)/BASE/; s/$(git -C "$seed" rev-parse --short HEAD)/HEAD/" "$out" >"$TEST_TMP/md"
expect_golden "$TEST_TMP/md" seed.md "markdown report matches the golden file"

run "$seed" check --base HEAD~1 --format json
expect_status 0 "json exits 0"
j=$out
cp "$j" "$TEST_TMP/seed.json"
j=$TEST_TMP/seed.json
expect_eq "$(json "$j" .schema)" "promptcost/check/v1" "json: schema"
expect_eq "$(json "$j" .base)" "$(git -C "$seed" rev-parse HEAD~1)" "json: base is the merge-base commit"
expect_eq "$(json "$j" .head)" "$(git -C "$seed" rev-parse HEAD)" "json: head commit"
expect_eq "$(json "$j" .currency)" "USD" "json: currency"
expect_eq "$(json "$j" .days_per_month)" "30" "json: days_per_month"
expect_eq "$(json "$j" .monthly_delta)" "2160.00" "json: monthly_delta is exactly 2160.00"
expect_eq "$(json "$j" .verdict)" "pass" "json: verdict"
expect_eq "$(json "$j" '.templates | length')" "1" "json: one template"
t='.templates[0]'
expect_eq "$(json "$j" "$t.id")" "document-summarization" "json: template id"
expect_eq "$(json "$j" "$t.files | join(\",\")")" "prompts/summarize/system.md" "json: files"
expect_eq "$(json "$j" "$t.change")" "modified" "json: change"
expect_eq "$(json "$j" "$t.team")" "records-management" "json: team"
expect_eq "$(json "$j" "$t.use_case")" "document-summarization" "json: use_case"
expect_eq "$(json "$j" "$t.model")" "gpt-4-class" "json: model"
expect_eq "$(json "$j" "$t.encoding")" "cl100k_base" "json: encoding"
expect_eq "$(json "$j" "$t.exact")" "true" "json: exact"
expect_eq "$(json "$j" "$t.delta_tokens")" "400" "json: delta_tokens is 400"
expect_eq "$(json "$j" "$t.tokens_after - $t.tokens_before")" "400" "json: after - before"
expect_eq "$(json "$j" "$t.tokens_added")" "400" "json: tokens_added"
expect_eq "$(json "$j" "$t.tokens_removed")" "0" "json: tokens_removed"
expect_eq "$(json "$j" "$t.calls_per_day")" "15000" "json: calls_per_day"
expect_eq "$(json "$j" "$t.monthly_delta")" "2160.00" "json: template monthly_delta"
expect_eq "$(json "$j" "$t.monthly_cost_after | test(\"^[0-9]+\\\\.[0-9]{2}\$\")")" "true" "json: money has two decimals"
expect_eq "$(json "$j" "$t.cost_event")" "false" "json: no cost event without a policy"
expect_eq "$(json "$j" "$t.approved_by")" "null" "json: approved_by"
expect_eq "$(json "$j" "$t.verdict")" "pass" "json: template verdict"
expect_eq "$(json "$j" "$t.reasons | length")" "0" "json: no reasons"
expect_eq "$(json "$j" '.teams[0].team')" "records-management" "json: team entry"
expect_eq "$(json "$j" '.teams[0].monthly_budget')" "25000.00" "json: team budget"
expect_eq "$(json "$j" '.teams[0].limit')" "hard" "json: team limit"
expect_eq "$(json "$j" '.teams[0].status')" "ok" "json: team status"
expect_eq "$(json "$j" '(.teams[0].monthly_spend_after|tonumber) - (.teams[0].monthly_spend_before|tonumber)')" "2160" "json: team spend grows by the delta"

# --output writes the same report atomically
run "$seed" check --base HEAD~1 --format json --output "$TEST_TMP/out.json"
expect_status 0 "--output exits 0"
cmp -s "$TEST_TMP/out.json" "$j"; _report $? "--output writes the same JSON"
expect_eq "$(wc -c <"$out")" "0" "--output prints nothing on stdout"

# github annotations
run "$seed" check --base HEAD~1 --format github
expect_stdout_has '::notice file=prompts/summarize/system.md,line=8,title=promptcost document-summarization::modified: +400 tokens, +$2,160.00 a month' "github annotation on the template file"

# exit 1: a hard budget the change breaks
blocked=$TEST_TMP/blocked
new_repo "$blocked"
config "$blocked" 15000 13000
mkdir -p "$blocked/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$blocked/prompts/summarize/system.md"
commit_all "$blocked" "base"
cat "$PC_ROOT/demo/system-context.md" >>"$blocked/prompts/summarize/system.md"
before=$(repo_state "$blocked")
run "$blocked" check
expect_status 1 "a hard budget breach blocks"
expect_stdout_has "verdict: blocked: team 'records-management' would spend" "the verdict line says why"
expect_stdout_has "an approval cannot lift a hard budget" "and that approval cannot lift it"
expect_eq "$(repo_state "$blocked")" "$before" "a blocked check leaves the repository unchanged"

# --staged sees only the index
run "$blocked" check --staged
expect_status 0 "--staged does not see the unstaged edit"
git -C "$blocked" add prompts/summarize/system.md
run "$blocked" check --staged
expect_status 1 "--staged sees the staged edit"

# exit 2: usage and configuration errors
run "$seed" check --frobnicate
expect_status 2 "an unknown option"
expect_stderr_has "unknown argument '--frobnicate'" "says which option"
run "$seed" check --format yaml
expect_status 2 "an unknown format"

bad=$TEST_TMP/bad
new_repo "$bad"
config "$bad"
mkdir -p "$bad/prompts/summarize"
echo "Summarize." >"$bad/prompts/summarize/system.md"
commit_all "$bad" "base"

printf 'version: 1\nmodels: [unclosed\n' >"$bad/.promptcost.yml"
run_watched "$bad" check
expect_status 2 "malformed YAML"
expect_stderr_has ".promptcost.yml:" "malformed YAML says where"
expect_untouched "... and leaves the repository untouched"

cat >"$bad/.promptcost.yml" <<'EOF'
version: 1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
EOF
run_watched "$bad" check
expect_status 2 "a YAML alias bomb"
expect_stderr_has ".promptcost.yml:2:" "the alias bomb is refused at its place"
expect_untouched "... and leaves the repository untouched"

awk 'BEGIN { printf "version: 1\nmodels: "; for (i = 0; i < 5000; i++) printf "["; print "" }' >"$bad/.promptcost.yml"
run_watched "$bad" check
expect_status 2 "deep nesting"
expect_stderr_has ".promptcost.yml:2:" "deep nesting is refused at its place"
expect_untouched "... and leaves the repository untouched"

git -C "$bad" checkout -q -- .promptcost.yml
head -c 52428800 /dev/zero | tr '\0' 'a' >"$bad/prompts/summarize/system.md"
run_watched "$bad" check
expect_status 2 "a 50 MB template file"
expect_stderr_has "prompts/summarize/system.md: file is 52428800 bytes" "the huge file is named with its size"
expect_untouched "... and leaves the repository untouched"

printf 'Summarize the na\357ve document.\n' >"$bad/prompts/summarize/system.md"
run_watched "$bad" check
expect_status 2 "invalid UTF-8 in a template"
expect_stderr_has "prompts/summarize/system.md:1:17: invalid UTF-8" "invalid UTF-8 says file:line:col"
expect_untouched "... and leaves the repository untouched"
git -C "$bad" checkout -q -- prompts

sed -i 's|files: \[prompts/summarize/system.md\]|files: [prompts/summarize]|' "$bad/.promptcost.yml"
run_watched "$bad" check
expect_status 2 "a glob naming a directory"
expect_stderr_has "'prompts/summarize' in template 'document-summarization' names a directory" "says it names a directory"
expect_untouched "... and leaves the repository untouched"
git -C "$bad" checkout -q -- .promptcost.yml

ln -sf /etc/passwd "$bad/prompts/summarize/system.md"
run_watched "$bad" check
expect_status 2 "a symlink pointing outside the repository"
expect_stderr_has "symbolic link points outside the repository" "says the link points outside"
expect_untouched "... and leaves the repository untouched"
rm -f "$bad/prompts/summarize/system.md"
git -C "$bad" checkout -q -- prompts


# exit 3: git errors
run_watched "$bad" check --base no-such-branch
expect_status 3 "a revision that does not exist"
expect_stderr_has "no-such-branch" "names the revision"
expect_untouched "... and leaves the repository untouched"
run "$TEST_TMP" check
expect_status 3 "outside a repository"

# an unborn HEAD compares against the empty tree
unborn=$TEST_TMP/unborn
new_repo "$unborn"
config "$unborn"
mkdir -p "$unborn/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$unborn/prompts/summarize/system.md"
run "$unborn" check --format json
expect_status 0 "an unborn HEAD works"
expect_eq "$(json "$out" '.templates[0].change')" "added" "against the empty tree the template is added"
expect_eq "$(json "$out" '.templates[0].tokens_before')" "0" "and had no tokens before"

# a report too large for a comment is cut, with a note, under --max-size
big=$TEST_TMP/big
new_repo "$big"
config "$big"
sed -i '/^templates:/,$d' "$big/.promptcost.yml"
echo "templates:" >>"$big/.promptcost.yml"
mkdir -p "$big/prompts"
i=0
while [ $i -lt 400 ]; do
	printf '  - id: template-with-a-long-name-%03d\n    files: [prompts/t%03d.md]\n    team: records-management\n    model: gpt-4-class\n    calls_per_day: 1000\n' $i $i >>"$big/.promptcost.yml"
	echo "Summarize document $i." >"$big/prompts/t$(printf %03d $i).md"
	i=$((i + 1))
done
commit_all "$big" "base"
for f in "$big"/prompts/*.md; do echo "Also list the deadlines." >>"$f"; done
run "$big" check --format markdown --max-size 20000
expect_status 0 "a large markdown report is produced"
expect_eq "$(test "$(wc -c <"$out")" -le 20000 && echo fits)" "fits" "it fits under --max-size"
expect_stdout_has "more changed templates not shown, to fit the size limit" "it says what was cut"
run "$big" check --format markdown --max-size 10
expect_status 2 "a --max-size too small to be useful is a usage error"

# a model without a public tokenizer: an estimate, labelled everywhere
approx=$TEST_TMP/approx
new_repo "$approx"
config "$approx"
sed -i 's/    encoding: cl100k_base/    encoding: approximate\n    approximate_base: cl100k_base\n    approximate_factor: 1.1/' "$approx/.promptcost.yml"
mkdir -p "$approx/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$approx/prompts/summarize/system.md"
commit_all "$approx" "base"
cat "$PC_ROOT/demo/system-context.md" >>"$approx/prompts/summarize/system.md"
run "$approx" check --format json
expect_status 0 "an approximate model is checked"
expect_eq "$(json "$out" '.templates[0].exact')" "false" "json: exact is false"
expect_eq "$(json "$out" '.templates[0].encoding')" "approximate" "json: encoding is approximate"
expect_eq "$(json "$out" '.templates[0].delta_tokens')" "440" "400 exact tokens x 1.1 = 440 estimated"
expect_eq "$(json "$out" '.exact')" "false" "json: the report is not exact"
run "$approx" check
expect_stdout_has "≈+440" "text marks estimated counts with ≈"
expect_stdout_has ", estimated" "text labels the total an estimate"
run "$approx" check --format markdown
expect_stdout_has "(estimated)" "markdown labels the headline an estimate"
expect_stdout_has "≈+440" "markdown marks estimated counts"

# --- several formats from one run: --output-format FMT[:BYTES]=FILE ---
o=$TEST_TMP/multi
mkdir -p "$o"
run "$seed" check --base HEAD~1 --format github --output-format "json=$o/r.json" \
	--output-format "markdown:400=$o/small.md" --output-format "markdown=$o/full.md" --output-format "text=$o/r.txt"
expect_status 0 "one run writes several formats"
cp "$out" "$o/github.out"
run "$seed" check --base HEAD~1 --format json
expect_eq "$(cmp -s "$out" "$o/r.json" && echo same)" same "the extra JSON is byte for byte a --format json run's"
run "$seed" check --base HEAD~1 --format markdown --max-size 400
expect_eq "$(cmp -s "$out" "$o/small.md" && echo same)" same "markdown:400 is byte for byte --max-size 400"
expect_eq "$([ "$(wc -c <"$o/small.md")" -le 400 ] && echo under)" under "markdown:400 is at most 400 bytes"
run "$seed" check --base HEAD~1 --format markdown
expect_eq "$(cmp -s "$out" "$o/full.md" && echo same)" same "markdown with no size is the whole report"
run "$seed" check --base HEAD~1 --format github
expect_eq "$(cmp -s "$out" "$o/github.out" && echo same)" same "the main report still goes to stdout"
run "$seed" check --base HEAD~1
expect_eq "$(cmp -s "$out" "$o/r.txt" && echo same)" same "text to a file has no colour, as --output"
run "$seed" check --base HEAD~1 --output-format json=-
expect_status 2 "two reports on stdout are refused"
expect_stderr_has "only one report can go to stdout" "the message says why"
run "$seed" check --base HEAD~1 --output "$o/a.txt" --output-format json=-
expect_status 0 "with --output FILE, one extra report may go to stdout"
expect_eq "$(jq -r .schema "$out")" promptcost/check/v1 "that report is on stdout"
for bad in json markdown:12=x yaml=x markdown:-1=x =x json=; do
	run "$seed" check --base HEAD~1 --output-format "$bad"
	expect_status 2 "--output-format '$bad' is a usage error"
done
expect_stderr_has "--output-format needs FMT[:BYTES]=FILE, not 'json='" "the message shows the form"

# --- the schema rejects what it should (the validator can fail) ---
for mutation in '.monthly_delta = 2160' '.verdict = "ok"' '.templates[0].tokens_after = -1' \
	'.templates[0].volume_source = {kind: "recorded", estimate: false}' '.extra = 1' 'del(.approvers)' '.findings[0].code = "nope"' 'del(.templates[0].findings)' \
	'.teams[0].monthly_budget = "25,000.00"' '.base = "HEAD"'; do
	jq "$mutation" "$TEST_TMP/seed.json" >"$TEST_TMP/mutated.json"
	node "$PC_ROOT/tests/support/validate-json.js" "$TEST_TMP/mutated.json" >/dev/null 2>&1
	expect_eq "$?" 1 "the schema rejects a report with $mutation"
done
jq '.templates[0].volume_source = {kind: "recorded", estimate: false, from: "2026-11-01", until: "2026-11-30",
	days: 30, calls: 450000, response_cache_hits: 0, input_tokens: 1, cached_input_tokens: 0,
	cache_write_tokens: 0, output_tokens: 2, records: 450000}' "$TEST_TMP/seed.json" >"$TEST_TMP/recorded.json"
expect_schema_valid "$TEST_TMP/recorded.json" "a recorded volume_source is described by the schema"

finish
