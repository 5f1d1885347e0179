#!/bin/sh
# Attack tests of the policy stage: nothing the head's configuration says may
# lower the judged cost or avoid a cost event. Each attack is made by a
# pull-request author who is not an approver, on a branch of a demo-like
# repository whose main blocks the seed change (+$2,160.00 a month) with
# `unapproved_cost_event: block`; each is checked with `check --base main`.
# Also: a percentage threshold with a minimum amount beside it (the starter
# of `promptcost init` does not block a trivial edit), and a report over a
# hard budget that does not send the user to `promptcost approve`.
. "$(dirname "$0")/lib.sh"

# The PR author: not in policy.approvers.
export GIT_AUTHOR_EMAIL=author@example.com GIT_COMMITTER_EMAIL=author@example.com

# base_config FILE [BUDGET [POLICY_EXTRA]]: main's configuration, the demo's shape
base_config() {
	cat >"$1" <<EOF
version: 1
models:
  gpt-4-class:
    encoding: cl100k_base
    input_per_1k: 0.012
    output_per_1k: 0.024
teams:
  records-management:
    monthly_budget: ${2:-25000}
    limit: hard
    other_monthly_spend: 12000
templates:
  - id: document-summarization
    files: [prompts/summarize/system.md]
    team: records-management
    use_case: document-summarization
    model: gpt-4-class
    calls_per_day: 15000
policy:
  cost_event:
    monthly_delta: 1000
    percent: 10
  unapproved_cost_event: block
  approvers: [release-manager@agency.gov]
EOF
}

# demo NAME [BUDGET]: a repository whose main has the demo's prompt and
# configuration, checked out on a new branch 'feature'
demo() {
	r=$TEST_TMP/$1
	new_repo "$r"
	base_config "$r/.promptcost.yml" "${2:-25000}"
	mkdir -p "$r/prompts/summarize"
	cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
	commit_all "$r" "base"
	git -C "$r" checkout -q -b feature
}

# grow DIR: the seed change, the 400-token context appended to the prompt
grow() {
	cat "$PC_ROOT/demo/system-context.md" >>"$1/prompts/summarize/system.md"
}

approve_hint='needs an approval (promptcost approve)'

# --- the control: the seed change itself is blocked -----------------------
demo seed
grow "$r"
commit_all "$r" "add the retention context"
run "$r" check --base main
expect_status 1 "the seed change is blocked at --base main"
expect_stdout_has "cost event of +\$2,160.00 a month $approve_hint by one of: release-manager@agency.gov" \
	"as an unapproved cost event"

# --- 1. a model that only the head defines ---------------------------------
demo cheap_model
grow "$r"
sed -i 's/^models:$/models:\n  cheap: {encoding: cl100k_base, input_per_1m: 0, output_per_1m: 0}/; s/model: gpt-4-class$/model: cheap/' \
	"$r/.promptcost.yml"
commit_all "$r" "move the template to a model of my own at \$0"
run "$r" check --base main --format json
expect_status 1 "moving the template to a \$0 model that only the head defines is blocked"
expect_eq "$(json "$out" '.templates[0].monthly_delta')" "-475.20" \
	"the template is still priced from the head (the base has no price for the model)"
expect_eq "$(json "$out" '.templates[0].cost_event')" "true" "but it is a cost event whatever its delta"
expect_eq "$(json "$out" '[.templates[0].reasons[] | select(startswith("model '"'"'cheap'"'"' is not in the base'"'"'s configuration: its prices come from this change"))] | length')" \
	"1" "the reason says the prices come from the change"
expect_eq "$(json "$out" '[.pending[] | select(test("model .cheap."))] | length')" "1" \
	"the new model is listed under takes effect after merge"
run "$r" check --base main
expect_status 1 "the text report blocks too"
expect_stdout_has "model 'cheap' is not in the base's configuration: its prices come from this change" \
	"and says why"
expect_stdout_has "$approve_hint by one of: release-manager@agency.gov" "and who may approve it"

# a model the base defines, at the base's price, is the head's to choose
demo base_model
sed -i 's/^models:$/models:\n  small: {encoding: cl100k_base, input_per_1m: 1, output_per_1m: 2}/' "$r/.promptcost.yml"
commit_all "$r" "main gains a cheaper model"
git -C "$r" branch -f main HEAD
sed -i 's/model: gpt-4-class$/model: small/' "$r/.promptcost.yml"
commit_all "$r" "move to the cheaper model main defines"
run "$r" check --base main --format json
expect_status 0 "moving a template to a cheaper model that the base defines passes"
expect_eq "$(json "$out" '.templates[0].cost_event')" "false" "and is no cost event"

# --- 2. a new template with volumes the change chooses ---------------------
demo new_template
cp "$PC_ROOT/demo/system-context.md" "$r/prompts/summarize/context.md"
sed -i 's/^policy:$/  - id: summarization-context\n    files: [prompts\/summarize\/context.md]\n    team: records-management\n    model: gpt-4-class\n    calls_per_day: 1\npolicy:/' \
	"$r/.promptcost.yml"
commit_all "$r" "the context as a template of its own, called once a day"
run "$r" check --base main --format json
expect_status 1 "the seed change moved into a new template with calls_per_day: 1 is blocked"
expect_eq "$(json "$out" '.templates[] | select(.id == "summarization-context") | .monthly_delta')" \
	"0.14" "the new template is priced with the head's volume"
expect_eq "$(json "$out" '.templates[] | select(.id == "summarization-context") | .cost_event')" \
	"true" "but it is a cost event"
expect_eq "$(json "$out" '[.pending[] | select(test("template .summarization-context. is new"))] | length')" \
	"1" "the new template's volumes are listed under takes effect after merge"
run "$r" check --base main
expect_status 1 "the text report blocks too"
expect_stdout_has "template 'summarization-context' is new in this change: its volumes (calls_per_day 1) come from this change" \
	"and says the volumes come from the change"

# an approver's approval lets it through: the rule asks for one, it does not jam
run "$r" check --base main --approved-by release-manager@agency.gov --format json
expect_status 0 "the new template with an approver's approval passes"
expect_eq "$(json "$out" '.templates[] | select(.id == "summarization-context") | .approved_by')" \
	"release-manager@agency.gov" "approved by the base's approver"

# the same with calls_per_day: 0, a cost of exactly $0
sed -i 's/calls_per_day: 1$/calls_per_day: 0/' "$r/.promptcost.yml"
commit_all "$r" "never called, says the change"
run "$r" check --base main
expect_status 1 "a new template with text and calls_per_day: 0 is blocked too"

# an empty new template costs nothing whatever its volume: no cost event
demo empty_template
: >"$r/prompts/summarize/later.md"
sed -i 's/^policy:$/  - id: later\n    files: [prompts\/summarize\/later.md]\n    model: gpt-4-class\n    calls_per_day: 100000\npolicy:/' \
	"$r/.promptcost.yml"
commit_all "$r" "a placeholder template, no text yet"
run "$r" check --base main --format json
expect_status 0 "a new template without text passes"
expect_eq "$(json "$out" '.templates[] | select(.id == "later") | .cost_event')" "false" \
	"and is no cost event"

# first adoption (no configuration at the base) is judged as before
r=$TEST_TMP/adoption
new_repo "$r"
mkdir -p "$r/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
commit_all "$r" "a prompt, no configuration"
git -C "$r" checkout -q -b feature
base_config "$r/.promptcost.yml"
commit_all "$r" "adopt promptcost"
run "$r" check --base main --format json
expect_status 0 "first adoption with the head's configuration passes"
expect_eq "$(json "$out" '.config_from_head')" "true" "the report says the head's configuration is used"

# --- 3. one change split over many templates -------------------------------
r=$TEST_TMP/split
new_repo "$r"
{
	printf 'version: 1\nmodels:\n  gpt-4-class:\n    encoding: cl100k_base\n'
	printf '    input_per_1k: 0.012\n    output_per_1k: 0.024\ntemplates:\n'
	for i in 0 1 2 3 4 5 6 7 8 9; do
		printf '  - id: part-%s\n    files: [prompts/part-%s.md]\n' "$i" "$i"
		printf '    model: gpt-4-class\n    calls_per_day: 1500\n'
	done
	printf 'policy:\n  cost_event:\n    monthly_delta: 500\n'
	printf '  unapproved_cost_event: block\n  approvers: [release-manager@agency.gov]\n'
} >"$r/.promptcost.yml"
mkdir -p "$r/prompts"
for i in 0 1 2 3 4 5 6 7 8 9; do cp "$PC_ROOT/demo/system.md" "$r/prompts/part-$i.md"; done
commit_all "$r" "ten templates"
git -C "$r" checkout -q -b feature
for i in 0 1 2 3 4 5 6 7 8 9; do cat "$PC_ROOT/demo/system-context.md" >>"$r/prompts/part-$i.md"; done
commit_all "$r" "the context, split over ten templates"
run "$r" check --base main --format json
expect_status 1 "+\$2,160.00 split over ten templates of +\$216.00 (threshold \$500.00) is blocked"
expect_eq "$(json "$out" '.monthly_delta')" "2160.00" "the change adds \$2,160.00 in all"
expect_eq "$(json "$out" '[.templates[] | select(.monthly_delta == "216.00")] | length')" "10" \
	"each template adds \$216.00"
expect_eq "$(json "$out" '[.templates[] | select(.cost_event)] | length')" "10" \
	"every increasing template is part of the cost event"
run "$r" check --base main
expect_stdout_has "cost event of +\$216.00 a month, part of +\$2,160.00 a month of increases in this change (threshold \$500.00); $approve_hint" \
	"the reason says the total"

# a saving elsewhere does not offset the increases
head -c 100 "$PC_ROOT/demo/system.md" >"$r/prompts/part-9.md"
git -C "$r" checkout -q main -- prompts/part-8.md prompts/part-7.md
commit_all "$r" "seven increases, one saving"
run "$r" check --base main --format json
expect_status 1 "seven templates of +\$216.00 with a saving beside them are still blocked"
expect_eq "$(json "$out" '[.templates[] | select(.cost_event)] | length')" "7" \
	"the seven increasing templates are the cost event"

# --- 4. a percentage threshold needs a minimum amount ----------------------
r=$TEST_TMP/starter
new_repo "$r"
mkdir -p "$r/prompts/summarize"
printf 'Summarize the document in three sentences.\n' >"$r/prompts/summarize/system.md"
commit_all "$r" "a prompt"
run "$r" init
expect_status 0 "init writes the starter"
expect_eq "$(grep -c '^    min_monthly_delta: 50 ' "$r/.promptcost.yml")" "1" \
	"the starter sets a minimum amount beside its percentage"
# a small template: five output tokens a call
sed -i 's/output_tokens_per_call: 250/output_tokens_per_call: 5/' "$r/.promptcost.yml"
commit_all "$r" "adopt promptcost"
run "$r" install-hook
expect_status 0 "the hook is installed"
printf 'Summarize the document in three sentences. Be brief.\n' >"$r/prompts/summarize/system.md"
git -C "$r" add -A
run "$r" check --staged --format json
expect_status 0 "a three-token edit of a small template passes the starter's policy"
expect_eq "$(json "$out" '.templates[0].monthly_delta')" "16.20" "the edit adds \$16.20 a month"
expect_eq "$(json "$out" '.templates[0].cost_event')" "false" \
	"15.8% of the template's cost, but under min_monthly_delta: no cost event"
_tick=$((_tick + 1))
(cd "$r" && PROMPTCOST="$PROMPTCOST" GIT_AUTHOR_DATE="@$((1700000000 + 60 * _tick)) +0000" \
	GIT_COMMITTER_DATE="@$((1700000000 + 60 * _tick)) +0000" git commit -q -m "be brief") \
	>"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"
status=$?
expect_status 0 "git commit through the installed hook goes ahead"
expect_eq "$(git -C "$r" log -1 --format=%s)" "be brief" "the commit is made"
# the same percentage over the minimum still counts
yes 'Cite the page of every clause.' | head -n 40 >>"$r/prompts/summarize/system.md"
git -C "$r" add -A
run "$r" check --staged --format json
expect_status 1 "an increase over both the percentage and the minimum is blocked"
expect_eq "$(json "$out" '.templates[0].cost_event')" "true" "as a cost event"

# min_monthly_delta is an amount: a negative one is a configuration error
sed -i 's/^    min_monthly_delta: 50 /    min_monthly_delta: -50 /' "$r/.promptcost.yml"
run "$r" check --format json
expect_status 2 "a negative min_monthly_delta is refused"
expect_stderr_has "'-50' is negative" "with its position and why"

# --- 5. over a hard budget, the report does not send the user to approve ----
# before: 12,000 + 475.20; after: 12,000 + 2,635.20 > 14,000
demo hard 14000
grow "$r"
commit_all "$r" "add the retention context"
run "$r" check --base main
expect_status 1 "a cost event over a hard budget is blocked"
expect_stdout_has "over its hard budget of \$14,000.00" "the reason names the budget"
grep -qF "$approve_hint" "$out"
_report $((!$?)) "no reason nor the verdict sends the user to promptcost approve" "$(_context)"
expect_eq "$(grep '^verdict:' "$out")" \
	"verdict: blocked: team 'records-management' would spend \$14,635.20 a month, over its hard budget of \$14,000.00 (an approval cannot lift a hard budget: merge a budget change first)" \
	"the verdict line says a budget change must be merged first"
expect_stdout_has "cost event of +\$2,160.00 a month: over a hard budget, which an approval cannot lift; merge a budget change first (then it needs an approval by one of: release-manager@agency.gov)" \
	"the cost-event reason says so too"
run "$r" check --base main --format markdown
expect_status 1 "the markdown report blocks too"
expect_stdout_has "blocked: team 'records-management' would spend \$14,635.20 a month" \
	"its verdict line names the budget"
grep -qF "$approve_hint" "$out"
_report $((!$?)) "its verdict and reasons do not say the change needs an approval (promptcost approve)" \
	"$(_context)"
expect_eq "$(grep -A1 '^\*\*To unblock:\*\*' "$out" | tail -n 1 | cut -c1-40)" \
	"- a hard budget is exceeded: an approval" "the markdown's To unblock names the budget first, not approve"

# a head that raises min_monthly_delta is listed as taking effect after merge
demo pct 25000
sed -i 's/^    percent: 10$/    percent: 10\n    min_monthly_delta: 5000/' "$r/.promptcost.yml"
grow "$r"
commit_all "$r" "context, and a higher minimum"
run "$r" check --base main
expect_stdout_has "policy.cost_event.min_monthly_delta: 0.00 -> 5,000.00" \
	"a head's min_monthly_delta is listed under takes effect after merge"

finish
