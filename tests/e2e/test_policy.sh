#!/bin/sh
# End-to-end tests of budgets, cost events, the trust boundary and approvals:
# the real binary on real repositories.
. "$(dirname "$0")/lib.sh"

# write_config DIR KEY=VALUE...: the policy fixture; each KEY overrides a default
write_config() {
	_d=$1; shift
	budget=25000 limit=hard warn_at=80% other=12000 calls=15000 event_delta=1000
	event_percent=10 unapproved=block approvers='[release-manager@agency.gov, "github:octo-release"]'
	uc_budget=100000 uc_limit=hard file_approvals=signed
	for kv in "$@"; do eval "${kv%%=*}=\${kv#*=}"; done
	cat >"$_d/.promptcost.yml" <<EOF
version: 1
models:
  gpt-4-class:
    encoding: cl100k_base
    input_per_1k: 0.012
    output_per_1k: 0.024
teams:
  records-management:
    monthly_budget: $budget
    limit: $limit
    warn_at: $warn_at
    other_monthly_spend: $other
use_cases:
  document-summarization:
    monthly_budget: $uc_budget
    limit: $uc_limit
templates:
  - id: document-summarization
    files: [prompts/summarize/system.md]
    team: records-management
    use_case: document-summarization
    model: gpt-4-class
    calls_per_day: $calls
policy:
  cost_event:
    monthly_delta: $event_delta
    percent: $event_percent
  unapproved_cost_event: $unapproved
  approvers: $approvers
  file_approvals: $file_approvals
EOF
}

# fixture NAME [KEY=VALUE...]: a repository whose HEAD has the base prompt and
# the config, with the 400-token context appended in the working tree
fixture() {
	r=$TEST_TMP/$1; shift
	new_repo "$r"
	write_config "$r" "$@"
	mkdir -p "$r/prompts/summarize"
	cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
	commit_all "$r" "base"
	cat "$PC_ROOT/demo/system-context.md" >>"$r/prompts/summarize/system.md"
}

# --- budgets ---
# the change adds $2,160.00; the template cost $475.20 before; other spend 12,000
fixture hard budget=14000 event_delta=100000 event_percent=100000
run "$r" check
expect_status 1 "a hard team budget exceeded by the change blocks"
expect_stdout_has "over its hard budget of \$14,000.00" "the reason names the budget"

fixture soft budget=14000 limit=soft event_delta=100000 event_percent=100000
run "$r" check
expect_status 0 "a soft team budget exceeded only warns"
expect_stdout_has "over its soft budget of \$14,000.00" "the warning names the soft budget"
expect_stdout_has "verdict: passed with warnings" "the verdict is a warning"

fixture warn budget=16000 warn_at=90% event_delta=100000 event_percent=100000
run "$r" check --format json
expect_status 0 "reaching warn_at passes"
expect_eq "$(json "$out" '.teams[0].status')" "warn" "the team status is warn"
expect_eq "$(json "$out" '.verdict')" "warn" "the verdict is warn"

fixture usecase uc_budget=2000 event_delta=100000 event_percent=100000
run "$r" check --format json
expect_status 1 "a hard use-case budget blocks"
expect_eq "$(json "$out" '.use_cases[0].use_case')" "document-summarization" "the use case is reported"
expect_eq "$(json "$out" '.use_cases[0].status')" "over" "the use case is over"
expect_eq "$(json "$out" '.teams[0].status')" "ok" "the team is fine"

# --- cost events ---
fixture by_amount event_delta=2000 event_percent=100000
run "$r" check --format json
expect_status 1 "a cost event by amount, unapproved, blocks"
expect_eq "$(json "$out" '.templates[0].cost_event')" "true" "cost_event is set"

fixture by_percent event_delta=100000 event_percent=400
run "$r" check --format json
expect_status 1 "a cost event by percent (+454%) blocks"
expect_eq "$(json "$out" '.templates[0].cost_event')" "true" "cost_event is set by percent"

fixture under event_delta=100000 event_percent=500
run "$r" check
expect_status 0 "below both thresholds is no cost event"

fixture warn_only event_delta=1000 unapproved=warn
run "$r" check
expect_status 0 "unapproved_cost_event: warn passes"
expect_stdout_has "needs an approval (promptcost approve) by one of: release-manager@agency.gov, github:octo-release" "it names who may approve"

# a decrease is a saving, never blocked, even over a hard budget
fixture saving budget=1 event_delta=1
git -C "$r" checkout -q -- prompts
commit_all "$r" "restore"
cat "$PC_ROOT/demo/system-context.md" >>"$r/prompts/summarize/system.md"
commit_all "$r" "grow"
head -c 200 "$PC_ROOT/demo/system.md" >"$r/prompts/summarize/system.md"
run "$r" check --format json
expect_status 0 "a decrease is never blocked"
expect_eq "$(json "$out" '.templates[0].cost_event')" "false" "a saving is not a cost event"
expect_eq "$(json "$out" '.templates[0].reasons[0] | startswith("saves $")')" "true" "it is reported as a saving"

# --- trust boundary: the base describes the world ---
fixture trust event_delta=1000
commit_all "$r" "prompt grows"
write_config "$r" budget=1000000 calls=1 event_delta=1000000 \
	approvers='[release-manager@agency.gov, author@example.com]'
commit_all "$r" "raise my budget, lower my volume, approve myself"
run "$r" check --base HEAD~2 --format json
expect_status 1 "a change that edits its own budget, volume and approvers is judged by the base"
expect_eq "$(json "$out" '.templates[0].monthly_delta')" "2160.00" "the base's call volume is used"
expect_eq "$(json "$out" '.teams[0].monthly_budget')" "25000.00" "the base's budget is used"
expect_eq "$(json "$out" '[.pending[] | select(test("monthly_budget"))] | length')" "1" "the budget edit is listed as pending"
expect_eq "$(json "$out" '[.pending[] | select(test("calls_per_day: 15000 -> 1"))] | length')" "1" "the volume edit is listed as pending"
expect_eq "$(json "$out" '[.pending[] | select(test("adds .author@example.com."))] | length')" "1" "the approver edit is listed as pending"
run "$r" approve --base HEAD~2 --by author@example.com
expect_status 1 "the author, added as approver by the change itself, may not approve"
expect_stderr_has "may not approve" "and is told so"
expect_stderr_has "release-manager@agency.gov, github:octo-release" "with who may"

# first adoption: no config at the base
first=$TEST_TMP/first
new_repo "$first"
mkdir -p "$first/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$first/prompts/summarize/system.md"
commit_all "$first" "prompt without config"
write_config "$first" event_delta=100000 event_percent=100000
run "$first" check --format json
expect_status 0 "first adoption passes"
expect_eq "$(json "$out" '.config_from_head')" "true" "the report says the head's config is used"

# --- approvals ---
# binding to content and delta; signatures: test_gate_approvals.sh
fixture approve event_delta=1000 file_approvals=unsigned
run "$r" check
expect_status 1 "an unapproved cost event blocks"
before_status=$(git -C "$r" status --porcelain --untracked-files=all)
run "$r" approve --by release-manager@agency.gov --reason "budgeted in Q4"
expect_status 0 "a listed approver approves"
expect_stdout_has "approved document-summarization: up to +\$2,160.00 a month, by release-manager@agency.gov" "approve says what it approved"
expect_eq "$(git -C "$r" status --porcelain --untracked-files=all | grep -v approvals.yml)" "$before_status" "approve writes only the approvals file"
expect_eq "$(grep -c 'blob: "' "$r/.promptcost/approvals.yml")" "1" "the entry names the blob"
expect_eq "$(grep 'reason:' "$r/.promptcost/approvals.yml")" '    reason: "budgeted in Q4"' "the reason is kept"
run "$r" check --format json
expect_status 0 "after the approval, check passes"
expect_eq "$(json "$out" '.templates[0].approved_by')" "release-manager@agency.gov" "the report names the approver"
expect_eq "$(json "$out" '.templates[0].approval.monthly_delta')" "2160.00" "and the approved delta"
run "$r" check
expect_stdout_has "approved by release-manager@agency.gov at 20" "the text report says who approved and when"
expect_stdout_has ', up to +$2,160.00 a month' "and up to which delta"

printf ' ' >>"$r/prompts/summarize/system.md"
run "$r" check
expect_status 1 "one more character blocks again"
git -C "$r" checkout -q -- prompts
cat "$PC_ROOT/demo/system-context.md" >>"$r/prompts/summarize/system.md"
run "$r" check
expect_status 0 "the approved content passes again"

# a larger delta than approved: the entry approved less than this change costs
sed -i 's/monthly_delta: "2160.00"/monthly_delta: "2159.99"/' "$r/.promptcost/approvals.yml"
run "$r" check
expect_status 1 "a larger delta than approved blocks"
sed -i 's/monthly_delta: "2159.99"/monthly_delta: "2160.00"/' "$r/.promptcost/approvals.yml"
run "$r" check
expect_status 0 "the approved delta itself passes"

# a non-approver's entry is ignored
sed -i 's/approved_by: "release-manager@agency.gov"/approved_by: "intern@agency.gov"/; s/monthly_delta: "2160.00"/monthly_delta: "9999.00"/' "$r/.promptcost/approvals.yml"
run "$r" check
expect_status 1 "an entry by someone not in approvers is ignored"

# --approved-by: identities verified elsewhere, under the same rules
run "$r" check --approved-by github:octo-release
expect_status 0 "--approved-by a listed identity approves"
run "$r" check --approved-by github:somebody-else
expect_status 1 "--approved-by an unlisted identity does not"

# a malformed approvals file is an input error with its position
printf 'version: 1\napprovals:\n  - template: x\n    files: nope\n' >"$r/.promptcost/approvals.yml"
run "$r" check
expect_status 2 "a malformed approvals file"
expect_stderr_has ".promptcost/approvals.yml:" "names the file with its position"
printf 'version: 1\napprovals:\n  - template: x\n    bogus: 1\n' >"$r/.promptcost/approvals.yml"
run "$r" check
expect_status 2 "an unknown key in the approvals file"
expect_stderr_has ".promptcost/approvals.yml:4:5: unknown key 'bogus'" "says which key, where"

finish
