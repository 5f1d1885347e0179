#!/bin/sh
# End-to-end tests of the JSON report's findings: the policy's reasons as
# codes, subjects and figures (promptcost-check(1), FINDINGS), read with jq from the
# real binary's output on real repositories, and the same words as the reasons.
. "$(dirname "$0")/lib.sh"

# write_config DIR KEY=VALUE...: one team, one template; each KEY overrides a default
write_config() {
	_d=$1; shift
	budget=25000 limit=hard warn_at=80% event_delta=1000 file_approvals=unsigned extra=
	for kv in "$@"; do eval "${kv%%=*}=\${kv#*=}"; done
	cat >"$_d/.promptcost.yml" <<EOF
version: 1
models:
  gpt-4-class:
    encoding: cl100k_base
    input_per_1k: 0.012
    output_per_1k: 0.024
$extra
teams:
  records-management:
    monthly_budget: $budget
    limit: $limit
    warn_at: $warn_at
    other_monthly_spend: 12000
templates:
  - id: document-summarization
    files: [prompts/summarize/system.md]
    team: records-management
    model: gpt-4-class
    calls_per_day: 15000
policy:
  cost_event:
    monthly_delta: $event_delta
  approvers: [release-manager@agency.gov]
  file_approvals: $file_approvals
EOF
}

# fixture NAME [KEY=VALUE...]: the base prompt and config committed, the
# 400-token context ($2,160.00 a month more) appended in the working tree
fixture() {
	r=$TEST_TMP/$1; shift
	new_repo "$r"
	write_config "$r" "$@"
	mkdir -p "$r/prompts/summarize"
	cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
	commit_all "$r" "base"
	cat "$PC_ROOT/demo/system-context.md" >>"$r/prompts/summarize/system.md"
}

# every finding's message is part of a reason of its template, and a reason
# made of one finding is exactly its message
words_match() {
	json "$out" '[.templates[] | .reasons as $r | .findings[] |
		.message as $m | ($r | any(. == $m or contains($m)))] | all'
}

# --- an unapproved cost event ---
fixture event
run "$r" check --format json
expect_status 1 "an unapproved cost event blocks"
expect_eq "$(json "$out" '[.templates[0].findings[].code] | join(",")')" \
	"cost_event,cost_event_unapproved" "the cost event and its outcome are two findings"
expect_eq "$(json "$out" '.templates[0].findings[0].subject')" "document-summarization" \
	"a template's finding names the template"
expect_eq "$(json "$out" '.templates[0].findings[0].figures.monthly_delta')" "2160.00" \
	"money figures are strings with two decimals"
expect_eq "$(json "$out" '.templates[0].findings[1].figures.approvers')" \
	"release-manager@agency.gov" "the outcome names who may approve"
expect_eq "$(json "$out" '.templates[0] | ([.findings[].message] | join(" ")) == .reasons[0]')" \
	"true" "the reason is the findings' words"
expect_eq "$(json "$out" '.findings[-1] | [.code, .subject] | join(" ")')" \
	"blocked document-summarization" "the verdict is a top-level finding naming the deciding template"
expect_eq "$(json "$out" '.findings[-1].message == .verdict_reason')" "true" \
	"its message is the verdict reason"
expect_eq "$(json "$out" '.templates[0] | has("reasons") and has("cost_event") and has("approval")')" \
	"true" "the existing fields stay"

# --- budgets ---
fixture hard budget=14000 event_delta=100000
run "$r" check --format json
expect_status 1 "a hard budget breach blocks"
expect_eq "$(json "$out" '.templates[0].findings[] | select(.code == "team_over_hard_budget") |
	[.subject, .figures.monthly_spend, .figures.monthly_budget] | join(" ")')" \
	"records-management 14635.20 14000.00" "a hard budget finding names the team, spend and budget"
expect_eq "$(words_match)" "true" "its message is the reason"

fixture warn budget=16000 warn_at=90% event_delta=100000
run "$r" check --format json
expect_status 0 "reaching warn_at passes"
expect_eq "$(json "$out" '.templates[0].findings[0] | [.code, .figures.warn_at] | join(" ")')" \
	"team_warn_at 90" "the warning level is a percent figure"
expect_eq "$(json "$out" '.findings[-1].code')" "passed_with_warnings" "the verdict finding warns"

fixture soft budget=14000 limit=soft event_delta=100000
run "$r" check --format json
expect_eq "$(json "$out" '.templates[0].findings[0].code')" "team_over_soft_budget" \
	"a soft budget breach has its own code"

# --- approvals ---
fixture approved
run "$r" approve --by release-manager@agency.gov
expect_status 0 "a listed approver approves"
run "$r" check --format json
expect_status 0 "the approved change passes"
expect_eq "$(json "$out" '.templates[0].findings[1] |
	[.code, .figures.approver, .figures.approved_delta] | join(" ")')" \
	"approval_valid_unsigned release-manager@agency.gov 2160.00" \
	"the approval finding names the approver and the approved delta"
expect_eq "$(json "$out" '.findings[-1] | [.code, .figures.approved_cost_events, .figures.monthly_delta] | join(" ")')" \
	"passed_with_approvals 1 2160.00" "the verdict finding counts the approved cost events"
expect_eq "$(words_match)" "true" "their messages are the reasons"

sed -i 's/approved_by: "release-manager@agency.gov"/approved_by: "intern@agency.gov"/' \
	"$r/.promptcost/approvals.yml"
run "$r" check --format json
expect_status 1 "an entry by a non-approver does not count"
expect_eq "$(json "$out" '.templates[0].findings[0] | [.code, .figures.approver] | join(" ")')" \
	"approval_ignored_not_listed intern@agency.gov" "the ignored entry is a finding that says why"
expect_eq "$(json "$out" '.templates[0].reasons[0] == .templates[0].findings[0].message')" "true" \
	"and a reason of its own"

# --- what only the head configures ---
fixture head event_delta=100000
write_config "$r" event_delta=100000 extra='  in-house:
    encoding: approximate
    input_per_1m: 3
    output_per_1m: 15'
sed -i 's/^policy:/  - id: triage\n    files: [prompts\/triage.md]\n    team: records-management\n    model: in-house\n    calls_per_day: 40\npolicy:/' \
	"$r/.promptcost.yml"
printf 'Sort the ticket into one of five queues.\n' >"$r/prompts/triage.md"
run "$r" check --format json
expect_status 1 "a template and a model only the head configures need an approval"
expect_eq "$(json "$out" '.templates[] | select(.id == "triage") | [.findings[].code] | join(",")')" \
	"new_template,head_only_model,cost_event_unapproved,estimated_tokens" \
	"the new template's findings, in their order"
expect_eq "$(json "$out" '.templates[] | select(.id == "triage") | .findings[] |
	select(.code == "head_only_model") | .figures.model')" "in-house" "the model is a figure"
expect_eq "$(json "$out" '[.findings[] | select(.code | startswith("pending_")) |
	.code + ":" + .subject] | join(",")')" \
	"pending_new_template:triage,pending_new_model:in-house" "the pending notes are top-level findings"
expect_eq "$(json "$out" '.findings[] | select(.code == "pending_new_template") | .figures.calls_per_day')" \
	"40" "with their figures"
expect_eq "$(json "$out" '[.findings[] | select(.code | startswith("pending_")) | .message] -
	.pending | length')" "0" "and their messages are pending notes"
expect_eq "$(words_match)" "true" "every message is in a reason"

finish
