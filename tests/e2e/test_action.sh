#!/bin/sh
# End-to-end tests of the GitHub Action: action/main.js run as the runner
# would run it (GITHUB_EVENT_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY...), with
# the real promptcost binary, real repositories cloned at depth 1 the way
# actions/checkout does, and tests/fake-github/server.js standing in for
# GitHub's REST API on 127.0.0.1. No network.
. "$(dirname "$0")/lib.sh"

ACTION="$PC_ROOT/action/main.js"
FAKE="$PC_ROOT/tests/fake-github/server.js"
TOKEN=fake-token-4e1d
STATE="$TEST_TMP/fake-state.json"
REQS="$TEST_TMP/fake-requests.json"
fake_pid=""

if ! command -v node >/dev/null 2>&1; then
	_report 1 "node is installed (scripts/deps.sh installs Debian's nodejs)"
	finish
	exit 1
fi

stop_fake() {
	if [ -n "$fake_pid" ]; then
		kill "$fake_pid" 2>/dev/null
		wait "$fake_pid" 2>/dev/null
		fake_pid=""
	fi
}
trap 'stop_fake; rm -rf "$TEST_TMP"' EXIT

echo '{"comments": {}, "reviews": {}}' >"$STATE"

CONTROL="$TEST_TMP/fake-control.json"

# start_fake: the fake GitHub, one for the whole test
start_fake() {
	jq --arg token "$TOKEN" '{token: $token, comments: .comments, reviews: .reviews}' \
		"$STATE" >"$TEST_TMP/fake-seed.json"
	node "$FAKE" --seed "$TEST_TMP/fake-seed.json" --state "$STATE" --log "$REQS" \
		--port-file "$TEST_TMP/fake-port" --control "$CONTROL" --lifetime 600 &
	fake_pid=$!
	_i=0
	while [ ! -s "$TEST_TMP/fake-port" ] && [ "$_i" -lt 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	fake_port=$(cat "$TEST_TMP/fake-port" 2>/dev/null)
}

# control_merge JQ-ARGS...: changes what the fake does from its next request on
control_merge() {
	[ -f "$CONTROL" ] || echo '{}' >"$CONTROL"
	jq "$@" "$CONTROL" >"$CONTROL.tmp" && mv "$CONTROL.tmp" "$CONTROL"
}

# fake_next [FAILURES]: the scripted failures (a JSON list) for the next run;
# `requests` sees the requests made from now on
fake_next() {
	control_merge --argjson f "${1:-[]}" '.failures = $f'
	mark=$(jq length "$REQS")
}

# set_reviews PR JSON: the reviews the fake serves for pull request PR
set_reviews() {
	control_merge --arg pr "$1" --argjson reviews "$2" '.reviews[$pr] = $reviews'
}

# Event payloads start from payloads GitHub sent (@octokit/webhooks-examples,
# completed to GitHub's current webhook schema by openapi.js) and set only
# what the test needs; every one is validated against
# @octokit/openapi-webhooks at the end (events.list).
OPENAPI="$PC_ROOT/tests/fake-github/openapi.js"
node "$OPENAPI" example pull_request synchronize >"$TEST_TMP/example-synchronize.json"
node "$OPENAPI" example pull_request_review submitted >"$TEST_TMP/example-review.json"
node "$OPENAPI" example push >"$TEST_TMP/example-push.json"
: >"$TEST_TMP/events.list"

# pr_event FILE NUMBER BASE HEAD UPDATED_AT [REVIEWED_AT]: a pull_request
# payload (pull_request_review when REVIEWED_AT is given) whose title and
# branch name would run commands if they ever reached a shell
pr_event() {
	if [ -z "${6:-}" ]; then
		_example="$TEST_TMP/example-synchronize.json" _name=pull_request.synchronize
	else
		_example="$TEST_TMP/example-review.json" _name=pull_request_review.submitted
	fi
	jq --argjson number "$2" --arg base "$3" --arg head "$4" --arg updated "$5" \
		--arg reviewed "${6:-}" '
		.pull_request |= (.number = $number
			| .title = "Longer prompt $(touch pwned) `touch pwned` \"; touch pwned"
			| .updated_at = $updated
			| .base.sha = $base | .base.ref = "main"
			| .head.sha = $head | .head.ref = "feature/$(touch pwned);touch pwned")
		| if $reviewed == "" then .number = $number | .after = $head
		  else .review |= (.state = "approved" | .submitted_at = $reviewed | .commit_id = $head) end' \
		"$_example" >"$1"
	echo "$_name=$1" >>"$TEST_TMP/events.list"
}

# push_event FILE BEFORE AFTER [TIMESTAMP]: a push of a branch (AFTER all
# zeros: the branch deleted; BEFORE all zeros: created)
push_event() {
	jq --arg before "$2" --arg after "$3" --arg time "${4:-2026-11-29T14:00:00Z}" '
		.ref = "refs/heads/feature" | .before = $before | .after = $after
		| .created = ($before | test("^0+$")) | .deleted = ($after | test("^0+$"))
		| if .deleted then .head_commit = null | .commits = []
		  else .head_commit.id = $after | .head_commit.timestamp = $time end' \
		"$TEST_TMP/example-push.json" >"$1"
	echo "push=$1" >>"$TEST_TMP/events.list"
}

# run_action DIR EVENT_FILE [EVENT_NAME]: main.js in DIR as a runner step;
# COMMENT, FAIL_ON, RUN_ID, CONFIG and WORKDIR override the inputs
run_action() {
	: >"$TEST_TMP/summary.md"
	: >"$TEST_TMP/output"
	mkdir -p "$TEST_TMP/runner-temp"
	out="$TEST_TMP/stdout" err="$TEST_TMP/stderr"
	(cd "$1" && env GITHUB_EVENT_PATH="$2" GITHUB_EVENT_NAME="${3:-pull_request}" \
		GITHUB_REPOSITORY=acme/prompts GITHUB_API_URL="http://127.0.0.1:$fake_port" \
		GITHUB_SERVER_URL=https://github.example GITHUB_RUN_ID="${RUN_ID:-100}" \
		GITHUB_STEP_SUMMARY="$TEST_TMP/summary.md" GITHUB_OUTPUT="$TEST_TMP/output" \
		RUNNER_TEMP="$TEST_TMP/runner-temp" PROMPTCOST_BIN="$PROMPTCOST" \
		PROMPTCOST_GITHUB_TOKEN="$TOKEN" PROMPTCOST_COMMENT="${COMMENT:-update}" \
		PROMPTCOST_FAIL_ON="${FAIL_ON:-block}" PROMPTCOST_CONFIG="${CONFIG:-.promptcost.yml}" \
		PROMPTCOST_WORKING_DIRECTORY="${WORKDIR:-.}" \
		PROMPTCOST_HTTP_BACKOFF_MS=20 PROMPTCOST_HTTP_MAX_WAIT_MS=3000 \
		node "$ACTION") >"$out" 2>"$err"
	status=$?
}

# output_of NAME: the value the last run set for output NAME (name<<DELIMITER form)
output_of() {
	awk -v name="$1" '
		!inside && index($0, name "<<") == 1 { delim = substr($0, length(name) + 3); inside = 1; v = ""; n = 0; next }
		inside && $0 == delim { inside = 0; print v; next }
		inside { v = (n++ ? v "\n" : "") $0 }
	' "$TEST_TMP/output" | tail -n 1
}

# requests FILTER: a jq filter over the requests recorded since fake_next
requests() {
	jq -r --argjson mark "$mark" ".[\$mark:] | $1" "$REQS"
}

comments_of() {
	jq -r --arg pr "$1" '.comments[$pr] // [] | length' "$STATE"
}

body_of() {
	jq -r --arg pr "$1" '.comments[$pr][-1].body // ""' "$STATE"
}

write_config() {
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
    monthly_budget: 250000
    limit: hard
    warn_at: 80%
    other_monthly_spend: 12000

templates:
  - id: document-summarization
    files: [prompts/summarize/system.md]
    team: records-management
    use_case: document-summarization
    model: gpt-4-class
    calls_per_day: 15000
    output_tokens_per_call: 250
  - id: odd_names.v2
    files: ["prompts/we|ird_<b>.md"]
    team: records-management
    use_case: odd
    model: gpt-4-class
    calls_per_day: 100
    output_tokens_per_call: 10

policy:
  cost_event:
    monthly_delta: 500
    percent: 10
  unapproved_cost_event: $2
  approvers: [release-manager@agency.gov, "github:octo-release"]
EOF
}

rules() {
	_r=1
	while [ "$_r" -le "$1" ]; do
		echo "Rule $_r: keep the summary short, precise and faithful to the source."
		_r=$((_r + 1))
	done
}

# make_origin DIR UNAPPROVED: main with the prompts, a feature branch that
# lengthens the summarization prompt (a cost event), and main moved on by
# fifteen commits so a depth-1 clone must deepen more than once
make_origin() {
	new_repo "$1"
	write_config "$1" "$2"
	mkdir -p "$1/prompts/summarize"
	echo "You summarize documents." >"$1/prompts/summarize/system.md"
	echo "Answer briefly." >"$1/prompts/we|ird_<b>.md"
	commit_all "$1" "prompts"
	git -C "$1" checkout -q -b feature
	rules 40 >>"$1/prompts/summarize/system.md"
	echo "Answer briefly and kindly." >"$1/prompts/we|ird_<b>.md"
	commit_all "$1" "a longer summarization prompt"
	echo "feature notes" >"$1/feature.txt"
	commit_all "$1" "notes"
	git -C "$1" checkout -q main
	_m=1
	while [ "$_m" -le 15 ]; do
		echo "changelog $_m" >>"$1/CHANGELOG"
		commit_all "$1" "changelog $_m"
		_m=$((_m + 1))
	done
	# GitHub serves any reachable commit by its id; so does this origin.
	git -C "$1" config uploadpack.allowReachableSHA1InWant true
}

ORIGIN="$TEST_TMP/origin"
make_origin "$ORIGIN" block
BASE=$(git -C "$ORIGIN" rev-parse main)
HEAD1=$(git -C "$ORIGIN" rev-parse feature)
MB=$(git -C "$ORIGIN" merge-base main feature)
WS="$TEST_TMP/ws"
git clone -q --depth 1 --branch feature "file://$ORIGIN" "$WS"
T1=2026-11-29T10:00:00Z
T2=2026-11-29T11:00:00Z
T3=2026-11-29T12:00:00Z
pr_event "$TEST_TMP/event1.json" 7 "$BASE" "$HEAD1" "$T1"
start_fake

# --- the first run on a depth-1 clone: fetches, deepens, comments ---
fake_next
expect_eq "$(git -C "$WS" rev-parse --is-shallow-repository)" true "the workspace starts as a depth-1 clone"
run_action "$WS" "$TEST_TMP/event1.json"
expect_status 1 "a cost event without approval blocks the first run"
expect_stdout_has "--deepen" "the depth-1 clone is deepened"
expect_eq "$(git -C "$WS" merge-base "$BASE" "$HEAD1" 2>/dev/null)" "$MB" "the merge-base is found in the deepened clone"
expect_eq "$(comments_of 7)" 1 "the first run creates one comment"
expect_eq "$(requests '[.[] | select(.method == "POST")] | length')" 1 "the first run posts once"
expect_eq "$(requests '[.[] | select(.auth != "Bearer '"$TOKEN"'")] | length')" 0 "every request carries the token"
expect_eq "$(requests '[.[] | select(.path | test("/pulls/7/reviews$"))] | length')" 1 "the reviews are read"
body=$(body_of 7)
case "$body" in "<!-- promptcost-comment key="*" time=$(echo "$T1" | sed 's/:/%3A/g') run=100 -->"*) r=0 ;; *) r=1 ;; esac
_report $r "the comment starts with the hidden marker and the run's time" "$(printf '%s' "$body" | head -3)"
expect_eq "$(printf '%s' "$body" | grep -c '^### promptcost: +\$[1-9]')" 1 "the comment has the headline with the monthly delta"
expect_eq "$(printf '%s' "$body" | grep -c 'To unblock')" 1 "the comment says how to unblock"
expect_eq "$(printf '%s' "$body" | grep -c '<details><summary>Details</summary>')" 1 "the comment has collapsible details"
expect_eq "$(printf '%s' "$body" | grep -cF 'we\|ird\_&lt;b&gt;.md')" 1 "file names are escaped in the comment"
expect_eq "$(printf '%s' "$body" | grep -cF 'odd\_names.v2')" 2 "template ids are escaped in the comment"
expect_eq "$(printf '%s' "$body" | grep -c 'ird_<b>')" 0 "no raw html from a file name reaches the comment"
expect_eq "$(output_of verdict)" block "the verdict output is set"
report=$(output_of report-json)
expect_eq "$(jq -r .schema "$report" 2>/dev/null)" promptcost/check/v1 "the report-json output names the JSON report"
expect_schema_valid "$report" "the action's JSON report is valid against its schema"
expect_eq "$(output_of monthly-delta)" "$(jq -r .monthly_delta "$report" 2>/dev/null)" "the monthly-delta output is the report's"
expect_eq "$(output_of comment)" created "the comment output says created"
expect_eq "$(grep -c '^### promptcost: ' "$TEST_TMP/summary.md")" 1 "the report is written to the step summary"
expect_stdout_has "::error file=prompts/summarize/system.md" "annotations are emitted on the changed template file"
expect_eq "$(find "$TEST_TMP" -name pwned | wc -l)" 0 "titles and branch names never reach a shell"

# --- the same run again: nothing to edit ---
fake_next
run_action "$WS" "$TEST_TMP/event1.json"
expect_status 1 "the second run of the same event blocks too"
expect_eq "$(requests '[.[] | select(.method == "POST" or .method == "PATCH")] | length')" 0 "an unchanged report makes no edit"
expect_eq "$(output_of comment)" unchanged "the comment output says unchanged"

# --- a new push: the same comment is updated ---
git -C "$ORIGIN" checkout -q feature
rules 80 >>"$ORIGIN/prompts/summarize/system.md"
commit_all "$ORIGIN" "an even longer prompt"
git -C "$ORIGIN" checkout -q main
HEAD2=$(git -C "$ORIGIN" rev-parse feature)
pr_event "$TEST_TMP/event2.json" 7 "$BASE" "$HEAD2" "$T2"
first_id=$(jq -r '.comments["7"][0].id' "$STATE")
fake_next
RUN_ID=101 run_action "$WS" "$TEST_TMP/event2.json"
expect_status 1 "the pushed change still blocks"
expect_eq "$(requests '[.[] | select(.method == "PATCH")] | .[0].path')" "/repos/acme/prompts/issues/comments/$first_id" "a changed report edits the same comment"
expect_eq "$(requests '[.[] | select(.method == "POST")] | length')" 0 "a changed report posts no new comment"
expect_eq "$(comments_of 7)" 1 "there is still one comment"
case "$(body_of 7)" in *"${HEAD2%"${HEAD2#???????}"}"*) r=0 ;; *) r=1 ;; esac
_report $r "the edited comment reports the new head"

# --- an older run finishing late never overwrites the newer comment ---
before=$(body_of 7)
fake_next
RUN_ID=100 run_action "$WS" "$TEST_TMP/event1.json"
expect_eq "$(requests '[.[] | select(.method == "PATCH" or .method == "POST")] | length')" 0 "an older run does not overwrite a newer run's comment"
expect_eq "$(body_of 7)" "$before" "the newer comment is kept as it was"
expect_eq "$(output_of comment)" kept-newer "the comment output says kept-newer"

# --- approvals by review ---
set_reviews 7 "$(jq -n --arg old "$HEAD1" --arg head "$HEAD2" '[
	{user: {login: "octo-release"}, state: "APPROVED", commit_id: $old},
	{user: {login: "mallory"}, state: "APPROVED", commit_id: $head},
	{user: {login: "octo-release"}, state: "COMMENTED", commit_id: $head}]')"
pr_event "$TEST_TMP/review1.json" 7 "$BASE" "$HEAD2" "$T2" "$T3"
fake_next
RUN_ID=102 run_action "$WS" "$TEST_TMP/review1.json" pull_request_review
expect_status 1 "a review of an older commit, or by someone not listed, does not approve"
expect_stdout_has "review by octo-release does not count: the approval is for commit" "the review of an older commit is named as not counting"
expect_stdout_has "review by mallory does not count: not listed" "the unlisted reviewer is named as not counting"
expect_eq "$(jq -r '[.templates[].approved_by // empty] | length' "$(output_of report-json)")" 0 "no identity reaches check --approved-by"

set_reviews 7 "$(jq -n --arg old "$HEAD1" --arg head "$HEAD2" '[
	{user: {login: "octo-release"}, state: "APPROVED", commit_id: $old},
	{user: {login: "mallory"}, state: "APPROVED", commit_id: $head},
	{user: {login: "Octo-Release"}, state: "APPROVED", commit_id: $head}]')"
pr_event "$TEST_TMP/review2.json" 7 "$BASE" "$HEAD2" "$T2" "2026-11-29T12:30:00Z"
fake_next
RUN_ID=103 run_action "$WS" "$TEST_TMP/review2.json" pull_request_review
expect_status 0 "an approver's review of the head commit turns the block into a pass"
expect_eq "$(output_of verdict)" pass "the verdict output is pass"
expect_eq "$(jq -r '.templates[] | select(.id == "document-summarization") | .approved_by' "$(output_of report-json)")" "github:octo-release" "the approval is the configured github identity"
expect_schema_valid "$(output_of report-json)" "the approved report is valid against its schema"
# both templates grow, and together past the threshold: each is part of the cost event
expect_eq "$(body_of 7 | grep -c '| approved by github:octo-release |')" 2 "the comment shows the approval of each growing template"

# a later "changes requested" by the same approver withdraws the approval
set_reviews 7 "$(jq -n --arg head "$HEAD2" '[
	{user: {login: "octo-release"}, state: "APPROVED", commit_id: $head},
	{user: {login: "octo-release"}, state: "CHANGES_REQUESTED", commit_id: $head}]')"
pr_event "$TEST_TMP/review3.json" 7 "$BASE" "$HEAD2" "$T2" "2026-11-29T12:40:00Z"
fake_next
RUN_ID=104 run_action "$WS" "$TEST_TMP/review3.json" pull_request_review
expect_status 1 "changes requested after an approval withdraws it"

# --- comment: new and off ---
pr_event "$TEST_TMP/event3.json" 7 "$BASE" "$HEAD2" "2026-11-29T13:00:00Z"
fake_next
COMMENT=new RUN_ID=105 run_action "$WS" "$TEST_TMP/event3.json"
expect_eq "$(comments_of 7)" 2 "comment: new adds a comment"
expect_eq "$(requests '[.[] | select(.method == "GET" and (.path | test("/comments$")))] | length')" 0 "comment: new does not list the comments"
fake_next
COMMENT=off RUN_ID=106 run_action "$WS" "$TEST_TMP/event3.json"
expect_status 1 "comment: off still decides the exit"
expect_eq "$(requests '[.[] | select(.path | test("/comments"))] | length')" 0 "comment: off touches no comment"
expect_eq "$(output_of comment)" off "the comment output says off"
expect_eq "$(grep -c '^### promptcost: ' "$TEST_TMP/summary.md")" 1 "comment: off still writes the step summary"

# --- fail-on ---
FAIL_ON=never COMMENT=off run_action "$WS" "$TEST_TMP/event3.json"
expect_status 0 "fail-on: never passes a blocked change"
expect_eq "$(output_of verdict)" block "fail-on: never still reports the verdict"
FAIL_ON=sometimes COMMENT=off run_action "$WS" "$TEST_TMP/event3.json"
expect_status 2 "an unknown fail-on is an input error"
expect_stdout_has "input 'fail-on' is 'sometimes'" "the input error names the input"
COMMENT=always run_action "$WS" "$TEST_TMP/event3.json"
expect_status 2 "an unknown comment mode is an input error"

WARN_ORIGIN="$TEST_TMP/origin-warn"
make_origin "$WARN_ORIGIN" warn
WWS="$TEST_TMP/ws-warn"
git clone -q --depth 1 --branch feature "file://$WARN_ORIGIN" "$WWS"
pr_event "$TEST_TMP/warn.json" 11 "$(git -C "$WARN_ORIGIN" rev-parse main)" \
	"$(git -C "$WARN_ORIGIN" rev-parse feature)" "$T1"
COMMENT=off run_action "$WWS" "$TEST_TMP/warn.json"
expect_status 0 "fail-on: block lets a warning pass"
expect_eq "$(output_of verdict)" warn "an unapproved cost event under 'warn' is a warning"
FAIL_ON=warn COMMENT=off run_action "$WWS" "$TEST_TMP/warn.json"
expect_status 1 "fail-on: warn fails on a warning"

# --- GitHub failing ---
fake_next '[{"method": "GET", "path": "/issues/7/comments$", "status": 502, "times": 1}]'
RUN_ID=107 run_action "$WS" "$TEST_TMP/event3.json"
expect_eq "$(requests '[.[] | select(.path | test("/issues/7/comments$")) | .status] | .[0:2] | map(tostring) | join(",")')" "502,200" "a 502 is retried and the retry succeeds"
expect_status 1 "a retried 502 changes nothing in the outcome"
expect_eq "$(output_of comment)" unchanged "after the retried 502 the comment is found (and is already up to date)"

pr_event "$TEST_TMP/event8.json" 8 "$BASE" "$HEAD2" "$T1"
fake_next '[{"method": "POST", "path": "/comments$", "status": 403, "body": {"message": "Resource not accessible by integration"}},
	{"method": "PATCH", "path": "/comments/", "status": 403, "body": {"message": "Resource not accessible by integration"}}]'
run_action "$WS" "$TEST_TMP/event8.json"
expect_status 1 "a token that cannot write does not fail the step beyond the verdict"
expect_stdout_has "::warning::cannot write the cost comment on pull request #8" "a 403 on write is a warning"
expect_eq "$(grep -c '^### promptcost: ' "$TEST_TMP/summary.md")" 1 "a 403 on write still leaves the report in the step summary"
expect_eq "$(grep -c 'could not be written' "$TEST_TMP/summary.md")" 1 "the step summary says the comment could not be written"
expect_eq "$(output_of comment)" failed "the comment output says failed"
expect_eq "$(comments_of 8)" 0 "no comment exists after a 403"

fake_next '[{"method": "GET", "path": "/issues/8/comments$", "status": 429, "times": 1, "headers": {"retry-after": "1"}},
	{"method": "POST", "path": "/issues/8/comments$", "status": 403, "times": 1, "reset_in": 1,
	 "headers": {"x-ratelimit-remaining": "0"}, "body": {"message": "API rate limit exceeded"}}]'
run_action "$WS" "$TEST_TMP/event8.json"
expect_stdout_has "rate limited (HTTP 429); waiting 1 s" "a 429 waits as retry-after asks"
expect_stdout_has "rate limited (HTTP 403)" "a 403 with x-ratelimit-remaining 0 waits for the reset"
expect_eq "$(comments_of 8)" 1 "the comment is written once the rate limit passes"

fake_next '[{"method": "GET", "path": "/issues/8/comments$", "status": 403, "reset_in": 3600,
	"headers": {"x-ratelimit-remaining": "0"}, "body": {"message": "API rate limit exceeded"}}]'
started=$(date +%s)
run_action "$WS" "$TEST_TMP/event8.json"
expect_eq "$(( $(date +%s) - started < 10 ))" 1 "a rate limit lasting an hour is not waited for"
expect_stdout_has "::warning::cannot write the cost comment" "a long rate limit degrades to a warning"
expect_status 1 "a long rate limit leaves the verdict to decide the exit"

# --- pagination: the comment is found past the first page ---
control_merge --argjson c "$(jq -n '[range(0; 150) | {body: "comment \(.)", user: {login: "chatty"}}]
	+ [{body: "<!-- promptcost-comment key=other.yml time=2030-01-01T00%3A00%3A00Z run=9 -->\nanother configuration", user: {login: "github-actions[bot]"}}]')" '.comments["12"] = $c'
pr_event "$TEST_TMP/event12.json" 12 "$BASE" "$HEAD2" "$T1"
fake_next
run_action "$WS" "$TEST_TMP/event12.json"
expect_eq "$(requests '[.[] | select(.method == "GET" and (.path | test("/issues/12/comments$"))) | .query.page // "1"] | join(",")')" "1,2" "every page of the comments is read"
expect_eq "$(output_of comment)" created "a comment of another configuration is not taken for ours"
fake_next
run_action "$WS" "$TEST_TMP/event12.json"
expect_eq "$(output_of comment)" unchanged "the comment is found on the second page"
expect_eq "$(comments_of 12)" 152 "no duplicate comment past the first page"

# --- working-directory: config is found from there ---
COMMENT=off WORKDIR=prompts CONFIG=../.promptcost.yml run_action "$WS" "$TEST_TMP/event3.json"
expect_status 1 "working-directory and a relative config check the same change"
expect_eq "$(output_of verdict)" block "the verdict from a working-directory is the same"

# --- a check that cannot run says so in the comment ---
git -C "$ORIGIN" checkout -q -b broken feature
printf 'bogus_key: 1\n' >>"$ORIGIN/.promptcost.yml"
commit_all "$ORIGIN" "a broken configuration"
BROKEN=$(git -C "$ORIGIN" rev-parse broken)
git -C "$ORIGIN" checkout -q main
pr_event "$TEST_TMP/broken.json" 13 "$BASE" "$BROKEN" "$T1"
fake_next
run_action "$WS" "$TEST_TMP/broken.json"
expect_status 2 "a broken configuration is a configuration error"
expect_stdout_has "::error::promptcost: promptcost check failed" "the error is a workflow error"
expect_eq "$(body_of 13 | grep -c 'could not check this pull request')" 1 "the comment says the check could not run"
expect_eq "$(body_of 13 | grep -c 'bogus\\_key')" 1 "the comment names the problem, escaped"
expect_eq "$(output_of verdict)" error "the verdict output is error"

# --- an oversized report ---
BIG="$TEST_TMP/origin-big"
new_repo "$BIG"
mkdir -p "$BIG/prompts"
# 700 templates: the table alone is longer than a comment may be
awk -v dir="$BIG" 'BEGIN {
	c = dir "/.promptcost.yml"
	printf "version: 1\ncurrency: USD\ndays_per_month: 30\nmodels:\n  m:\n    encoding: cl100k_base\n" > c
	printf "    input_per_1k: 0.012\n    output_per_1k: 0.024\nteams:\n  t:\n    monthly_budget: 1000000\n" > c
	printf "    limit: hard\ntemplates:\n" > c
	for (i = 1; i <= 700; i++) {
		printf "  - id: template-%03d-with-a-long-descriptive-identifier\n    files: [prompts/t%03d.md]\n", i, i > c
		printf "    team: t\n    use_case: u\n    model: m\n    calls_per_day: 10\n    output_tokens_per_call: 5\n" > c
		f = sprintf("%s/prompts/t%03d.md", dir, i)
		printf "Prompt number %d.\n", i > f
		close(f)
	}
	printf "policy:\n  cost_event:\n    monthly_delta: 500\n  unapproved_cost_event: block\n  approvers: []\n" > c
}'
commit_all "$BIG" "many prompts"
git -C "$BIG" checkout -q -b feature
awk -v dir="$BIG" 'BEGIN { for (i = 1; i <= 700; i++) { f = sprintf("%s/prompts/t%03d.md", dir, i); print "Be brief." >> f; close(f) } }'
commit_all "$BIG" "every prompt longer"
BWS="$TEST_TMP/ws-big"
git clone -q --depth 1 --branch feature "file://$BIG" "$BWS"
pr_event "$TEST_TMP/big.json" 9 "$(git -C "$BIG" rev-parse main)" "$(git -C "$BIG" rev-parse feature)" "$T1"
fake_next
run_action "$BWS" "$TEST_TMP/big.json"
expect_status 0 "the oversized report passes"
expect_eq "$(output_of comment)" created "the oversized report is posted"
len=$(jq -r '.comments["9"][0].body | length' "$STATE")
expect_eq "$([ "${len:-99999}" -le 65536 ] && echo under)" under "the oversized comment stays under 65,536 characters ($len)"
expect_eq "$(body_of 9 | grep -c "cut to fit GitHub's limit")" 1 "the oversized comment says it was cut"
expect_eq "$(body_of 9 | grep -c 'job summary](https://github.example/acme/prompts/actions/runs/100)')" 1 "the note links to the job summary"
expect_eq "$(grep -c 'template-700' "$TEST_TMP/summary.md")" 2 "the step summary has the whole report"

# --- pushes ---
push_event "$TEST_TMP/push.json" "$HEAD1" "$HEAD2" 2026-11-29T14:00:00Z
fake_next
run_action "$WS" "$TEST_TMP/push.json" push
expect_status 1 "a push is checked from before to after"
expect_eq "$(jq -r .base "$(output_of report-json)")" "$HEAD1" "a push compares against its before commit"
expect_eq "$(requests 'length')" 0 "a push makes no API request"

push_event "$TEST_TMP/push0.json" 0000000000000000000000000000000000000000 "$HEAD2"
run_action "$WS" "$TEST_TMP/push0.json" push
expect_eq "$(jq -r '[.templates[] | .change] | unique | join(",")' "$(output_of report-json)")" added "a new branch is compared against the empty tree"

# --- histories that cannot meet ---
git -C "$ORIGIN" checkout -q --orphan unrelated
commit_all "$ORIGIN" "a history of its own"
ORPHAN=$(git -C "$ORIGIN" rev-parse unrelated)
git -C "$ORIGIN" checkout -q main
UWS="$TEST_TMP/ws-unrelated"
git clone -q --depth 1 --branch unrelated "file://$ORIGIN" "$UWS"
pr_event "$TEST_TMP/unrelated.json" 10 "$BASE" "$ORPHAN" "$T1"
fake_next
run_action "$UWS" "$TEST_TMP/unrelated.json"
expect_status 3 "unrelated histories are a git error"
expect_stdout_has "no merge-base between the base commit" "the error says there is no merge-base"
expect_eq "$(output_of verdict)" error "the verdict output is error when the check cannot run"

pr_event "$TEST_TMP/missing.json" 10 0123456789abcdef0123456789abcdef01234567 "$HEAD2" "$T1"
run_action "$WS" "$TEST_TMP/missing.json"
expect_status 3 "a base commit the remote does not have is a git error"
expect_stdout_has "cannot fetch the base commit 0123456789abcdef0123456789abcdef01234567" "the error names the missing commit"

# --- the head cannot swap the configuration with a symbolic link ---
# The head makes .promptcost.yml a link to a permissive file the base does
# not have; resolving the link in the checkout would hand that file to check
# as the configuration of both sides ("first adoption").
git -C "$ORIGIN" checkout -q -b symlinked feature
sed -e 's/unapproved_cost_event: block/unapproved_cost_event: warn/' "$ORIGIN/.promptcost.yml" >"$ORIGIN/permissive.yml"
rm "$ORIGIN/.promptcost.yml"
ln -s permissive.yml "$ORIGIN/.promptcost.yml"
commit_all "$ORIGIN" "the configuration, by another name"
LINKED=$(git -C "$ORIGIN" rev-parse symlinked)
git -C "$ORIGIN" checkout -q main
LWS="$TEST_TMP/ws-symlinked"
git clone -q --depth 1 --branch symlinked "file://$ORIGIN" "$LWS"
pr_event "$TEST_TMP/symlinked.json" 14 "$BASE" "$LINKED" "$T1"
fake_next
COMMENT=off run_action "$LWS" "$TEST_TMP/symlinked.json"
case "$status" in 1|2) r=0 ;; *) r=1 ;; esac
_report $r "a head that links .promptcost.yml to a permissive file is not let through (exit $status)" "$(_context)"
expect_eq "$(grep -c 'permissive.yml' "$out")" 0 "the action never passes the link's target as the configuration"

# --- only the action's own comment is sticky ---
# The author writes the marker into a comment of their own, with a far
# future time: it is neither edited nor taken as a newer report.
forged='<!-- promptcost-comment key=.promptcost.yml time=2099-01-01T00%3A00%3A00Z run=99999 -->
### promptcost: no cost change'
control_merge --arg b "$forged" '.comments["15"] = [{body: $b, user: {login: "mallory", id: 666, type: "User"}}]'
pr_event "$TEST_TMP/event15.json" 15 "$BASE" "$HEAD2" "$T1"
fake_next
run_action "$WS" "$TEST_TMP/event15.json"
expect_eq "$(output_of comment)" created "a marker in someone else's comment is not ours: the action posts its own"
expect_eq "$(requests '[.[] | select(.method == "PATCH")] | length')" 0 "the forged comment is not edited"
expect_eq "$(jq -r '.comments["15"][0].body' "$STATE")" "$forged" "the forged comment is left as it was"
expect_eq "$(jq -r '.comments["15"][1].user.login' "$STATE")" "github-actions[bot]" "the new comment is by the bot of the default token"
expect_eq "$(requests '[.[] | select(.path == "/user")] | .[0].status')" 403 "GET /user is refused to the default token, as on GitHub"
fake_next
RUN_ID=120 run_action "$WS" "$TEST_TMP/event15.json"
expect_eq "$(output_of comment)" unchanged "the action finds its own comment past the forged one"
expect_eq "$(comments_of 15)" 2 "still one comment of the action's"

# With a personal token the comments are by that token's user (found by id).
control_merge --arg b "$(printf '<!-- promptcost-comment key=.promptcost.yml time=2020-01-01T00%%3A00%%3A00Z run=1 -->\nold report')" \
	'.user = {login: "pat-owner", id: 77, type: "User"} |
	 .comments["16"] = [{body: $b, user: {login: "pat-owner", id: 77, type: "User"}},
	                    {body: $b, user: {login: "github-actions[bot]"}}]'
pr_event "$TEST_TMP/event16.json" 16 "$BASE" "$HEAD2" "$T1"
fake_next
run_action "$WS" "$TEST_TMP/event16.json"
expect_eq "$(output_of comment)" updated "with a personal token, that user's own comment is updated"
pat_id=$(jq -r '.comments["16"][0].id' "$STATE")
expect_eq "$(requests '[.[] | select(.method == "PATCH") | .path] | join(",")')" "/repos/acme/prompts/issues/comments/$pat_id" "only the token user's comment is edited"
expect_eq "$(jq -r '.comments["16"][1].body' "$STATE" | tail -n 1)" "old report" "the bot's comment is not the personal token's"
control_merge '.user = null'

# --- a comment is never posted twice ---
# GitHub creates the comment but the answer is a 502: the action looks
# before it posts again.
pr_event "$TEST_TMP/event17.json" 17 "$BASE" "$HEAD2" "$T1"
fake_next '[{"method": "POST", "path": "/issues/17/comments$", "status": 502, "times": 1, "after": true}]'
run_action "$WS" "$TEST_TMP/event17.json"
expect_eq "$(comments_of 17)" 1 "a POST answered 502 after it was carried out leaves one comment"
expect_eq "$(requests '[.[] | select(.method == "POST")] | length')" 1 "the action does not post again once it sees the comment"
expect_eq "$(output_of comment)" created "the comment output says created"
pr_event "$TEST_TMP/event18.json" 18 "$BASE" "$HEAD2" "$T1"
fake_next '[{"method": "POST", "path": "/issues/18/comments$", "status": 502, "times": 1}]'
run_action "$WS" "$TEST_TMP/event18.json"
expect_eq "$(comments_of 18)" 1 "a POST that failed without effect is posted again, once"

# --- a push that deletes a branch is a clean no-op ---
push_event "$TEST_TMP/push-deleted.json" "$HEAD2" 0000000000000000000000000000000000000000
fake_next
run_action "$WS" "$TEST_TMP/push-deleted.json" push
expect_status 0 "a push that deletes a branch exits 0"
expect_eq "$(output_of verdict)" none "a deleted branch has verdict none"
expect_stdout_has "nothing to check" "the log says there was nothing to check"
expect_eq "$(requests 'length')" 0 "a deleted branch makes no API request"

# --- promptcost's messages cannot become workflow commands ---
# A stand-in binary whose error names a file with a newline and a command in
# it, as a head could name one: the action shows it with commands stopped.
cat >"$TEST_TMP/evil-promptcost" <<'EVIL'
#!/bin/sh
printf 'promptcost: prompts/x\n::error::pwned\n::set-output name=verdict::pass\n.md: invalid UTF-8\n' >&2
exit 2
EVIL
chmod +x "$TEST_TMP/evil-promptcost"
fake_next
COMMENT=off PROMPTCOST="$TEST_TMP/evil-promptcost" run_action "$WS" "$TEST_TMP/event3.json"
expect_status 2 "the stand-in's input error is exit 2"
outside=$(awk '
	/^::stop-commands::/ { tok = substr($0, 18); stopped = 1; next }
	stopped && $0 == "::" tok "::" { stopped = 0; next }
	!stopped && (/^::error::pwned/ || /^::set-output/) { n++ }
	END { print n + 0 }' "$out" "$err")
expect_eq "$outside" 0 "lines of promptcost's stderr are shown with workflow commands stopped"
expect_eq "$(output_of verdict)" error "an injected set-output does not change the verdict output"

# --- one check run gives every format ---
cat >"$TEST_TMP/counting-promptcost" <<COUNTING
#!/bin/sh
printf '%s\n' "\$*" >>"$TEST_TMP/invocations"
exec "$PROMPTCOST" "\$@"
COUNTING
chmod +x "$TEST_TMP/counting-promptcost"
: >"$TEST_TMP/invocations"
fake_next
COMMENT=off PROMPTCOST="$TEST_TMP/counting-promptcost" run_action "$WS" "$TEST_TMP/event3.json"
expect_status 1 "the counted run blocks as before"
expect_eq "$(wc -l <"$TEST_TMP/invocations")" 1 "the action runs promptcost once"
expect_eq "$(grep -c '^check .*--output-format json=.*--output-format markdown:[0-9]*=.*--output-format markdown:[0-9]*=' "$TEST_TMP/invocations")" 1 \
	"that one check writes the JSON report and both markdown reports"
expect_stdout_has "::error file=prompts/summarize/system.md" "the annotations come from the same run"
expect_eq "$(grep -c '^### promptcost: ' "$TEST_TMP/summary.md")" 1 "the summary comes from the same run"

# --- a repository that never adopted promptcost ---
NONE="$TEST_TMP/origin-none"
new_repo "$NONE"
echo "a prompt nobody configured" >"$NONE/p.md"
commit_all "$NONE" "no promptcost here"
git -C "$NONE" checkout -q -b feature
echo "more" >>"$NONE/p.md"
commit_all "$NONE" "an edit"
NWS="$TEST_TMP/ws-none"
git clone -q --depth 1 --branch feature "file://$NONE" "$NWS"
pr_event "$TEST_TMP/none.json" 19 "$(git -C "$NONE" rev-parse main)" "$(git -C "$NONE" rev-parse feature)" "$T1"
fake_next
run_action "$NWS" "$TEST_TMP/none.json"
expect_status 0 "a repository without any configuration passes"
expect_eq "$(output_of verdict)" none "with no configuration the verdict is none"
expect_eq "$(comments_of 19)" 0 "with no configuration no comment is written"

# --- the scripts' pieces, through node ---
node - "$PC_ROOT/action/lib" >"$TEST_TMP/units.out" 2>&1 <<'UNITS'
const lib = process.argv[2];
const A = require(`${lib}/approvers`);
const C = require(`${lib}/comment`);
const { rateLimitWait } = require(`${lib}/github`);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const check = (ok, name) => console.log(`${ok ? 'PASS' : 'FAIL'} ${name}`);
const rv = (login, state, commit_id) => ({ user: { login }, state, commit_id });
const H = 'a'.repeat(40), OLD = 'b'.repeat(40);
const r1 = A.approvalsFromReviews([rv('zed', 'APPROVED', H), rv('Octo', 'APPROVED', OLD), rv('octo', 'COMMENTED', H),
	rv('amy', 'APPROVED', H), rv('amy', 'CHANGES_REQUESTED', H), rv('bob', 'APPROVED', H), rv('Bob', 'DISMISSED', H)], H);
check(same(r1.approved, ['zed']), 'only a latest review that approves the head commit counts (comments do not change it)');
check(same(r1.ignored.map((i) => i.login), ['Octo']) && /for commit bbbbbbbbbbbb, not the head commit aaaaaaaaaaaa/.test(r1.ignored[0].why),
	'an approval of an older commit is named as not counting');
const c1 = A.counted(['Octo-Release', 'mallory'], ['rm@x.gov', 'github:octo-release']);
check(same(c1, { counted: [{ login: 'Octo-Release', as: 'github:octo-release' }], unlisted: ['mallory'] }),
	"the report's approvers decide which reviews counted, logins without case");
check(same(A.counted(['x'], undefined), { counted: [], unlisted: ['x'] }), 'a report without approvers makes no review count');
check(!('formatMoney' in C) && !('readApprovers' in A), 'the action has no money formatter and no YAML reader of its own');
check(C.escapeMarkdown('a|b_<i>&[x](y)') === 'a\\|b\\_&lt;i&gt;&amp;\\[x\\]\\(y\\)', 'markdown and html specials are escaped');
const m = C.parseMarker(C.makeMarker({ key: 'a b-->.yml', time: '2026-01-01T00:00:00Z', run: '7' }) + '\nbody');
check(m && m.key === 'a b-->.yml' && m.run === '7', 'the marker survives any key');
check(C.isNewer({ time: '2026-01-02T00:00:00Z', run: '1' }, { time: '2026-01-01T00:00:00Z', run: '9' }) &&
	!C.isNewer({ time: '2026-01-01T00:00:00Z', run: '9' }, { time: '2026-01-02T00:00:00Z', run: '1' }) &&
	C.isNewer({ time: '2026-01-01T00:00:00Z', run: '10' }, { time: '2026-01-01T00:00:00Z', run: '9' }) &&
	!C.isNewer({ time: '2026-01-01T00:00:00Z', run: '9' }, { time: '2026-01-01T00:00:00Z', run: '9' }),
	'newer means a later time, then a larger run id');
const huge = '### head\n<details><summary>x</summary>\n\n```\n' + 'line of a long table | x | y |\n'.repeat(5000);
const cut = C.composeComment({ marker: C.makeMarker({ key: 'k', time: 't', run: '1' }), markdown: huge, summaryUrl: 'https://x/runs/1' });
check(cut.truncated && cut.body.length <= C.GITHUB_COMMENT_LIMIT, 'a huge report is cut under the limit');
check((cut.body.match(/^```/gm) || []).length % 2 === 0 && cut.body.includes('</details>'),
	'a cut closes the code fence and the details it opened');
check(cut.body.includes('[job summary](https://x/runs/1)'), 'a cut report points to the job summary');
const h = (o) => ({ get: (k) => (k in o ? o[k] : null) });
check(rateLimitWait(429, h({ 'retry-after': '3' }), '') === 3000, 'retry-after is obeyed');
check(rateLimitWait(403, h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 10) }), '') > 9000,
	'x-ratelimit-reset is waited for');
check(rateLimitWait(403, h({}), 'Resource not accessible by integration') === null, 'a plain 403 is not a rate limit');
check(rateLimitWait(403, h({}), 'You have exceeded a secondary rate limit') === 60000, 'a secondary rate limit waits a minute');
UNITS
[ -s "$TEST_TMP/units.out" ] || echo "FAIL the unit script printed nothing" >"$TEST_TMP/units.out"
while IFS= read -r line; do
	case "$line" in
	"PASS "*) _report 0 "${line#PASS }" ;;
	"FAIL "*) _report 1 "${line#FAIL }" ;;
	*) _report 1 "the unit script runs cleanly" "$line" ;;
	esac
done <"$TEST_TMP/units.out"

# --- action.yml only wires: inputs reach the scripts as environment variables ---
YML="$PC_ROOT/action/action.yml"
for input in config github-token comment fail-on working-directory; do
	grep -q "^  $input:" "$YML" && grep -q ": \${{ inputs\.$input }}\$" "$YML"
	_report $? "action.yml declares input $input and passes it in an env variable"
done
for output in verdict monthly-delta report-json; do
	grep -q "value: \${{ steps\.check\.outputs\.$output }}" "$YML"
	_report $? "action.yml exposes output $output of the check step"
done
expect_eq "$(grep -c 'run:.*\${{' "$YML")" 0 "no expression is expanded inside shell code"

# --- the fake and the build script themselves ---
mkdir -p "$TEST_TMP/fake2"
echo '{}' >"$TEST_TMP/fake2/seed.json"
node "$FAKE" --seed "$TEST_TMP/fake2/seed.json" --state "$TEST_TMP/fake2/state.json" --log "$TEST_TMP/fake2/log.json" \
	--port-file "$TEST_TMP/fake2/port" --lifetime 1 &
short_pid=$!
sleep 3
kill -0 "$short_pid" 2>/dev/null
expect_eq $? 1 "the fake GitHub stops by itself after its lifetime"
wait "$short_pid" 2>/dev/null

GITHUB_OUTPUT="$TEST_TMP/key1" PROMPTCOST_CACHE_DIR="$TEST_TMP/cache" sh "$PC_ROOT/action/build.sh" key
GITHUB_OUTPUT="$TEST_TMP/key2" PROMPTCOST_CACHE_DIR="$TEST_TMP/cache" sh "$PC_ROOT/action/build.sh" key
expect_eq "$(cat "$TEST_TMP/key1")" "$(cat "$TEST_TMP/key2")" "the build cache key is stable"
cache_dir=$(sed -n 's/^dir=//p' "$TEST_TMP/key1")
mkdir -p "$cache_dir" && cp "$PROMPTCOST" "$cache_dir/promptcost"
PROMPTCOST_BUILD_DIR="$cache_dir" sh "$PC_ROOT/action/build.sh" build >"$TEST_TMP/build.out" 2>&1
expect_eq "$(grep -c 'using the cached build' "$TEST_TMP/build.out")" 1 "a cached binary is used without building"

# --- the token-count cache: restored and saved by the runner's cache, keyed by the base ---
awk '/^    - name:/ { step = $0 } /uses: actions\/cache\/restore@v4/ { r = NR } /id: check$/ { c = NR }
	/uses: actions\/cache\/save@v4/ { s = NR } END { exit !(r && c && s && r < c && c < s) }' "$YML"
_report $? "action.yml restores the token counts before the check and saves them after"
for what in path key; do
	expect_eq "$(grep -c "$what: \${{ steps\.tokens\.outputs\.$what }}" "$YML")" 2 \
		"action.yml: restore and save use the same $what"
done
grep -q 'restore-keys: ${{ steps.tokens.outputs.restore-keys }}' "$YML"
_report $? "action.yml: an earlier base's cache is restored when this base has none"
grep -q "if: always() && steps.tokens-restore.outputs.cache-hit != 'true'" "$YML"
_report $? "action.yml: saved even when the check fails, not again after an exact hit"
grep -q 'PROMPTCOST_BASE_COMMIT: ${{ github.event.pull_request.base.sha || github.event.before }}' "$YML"
_report $? "action.yml: the key's base commit is the pull request's base (or the push's before)"
kr=$TEST_TMP/keyrepo
new_repo "$kr"
mkdir -p "$kr/prompts"
printf 'version: 1\ncurrency: USD\ndays_per_month: 30\nmodels:\n  m:\n    encoding: o200k_base\n    input_per_1m: 1\n    output_per_1m: 1\ntemplates:\n  - id: a\n    files: [prompts/a.md]\n    model: m\n    calls_per_day: 10\n' >"$kr/.promptcost.yml"
printf 'Hello.\n' >"$kr/prompts/a.md"
commit_all "$kr" "base"
base_sha=$(git -C "$kr" rev-parse HEAD)
printf 'Hello there.\n' >"$kr/prompts/a.md"
commit_all "$kr" "change"
GITHUB_OUTPUT="$TEST_TMP/tk" GITHUB_WORKSPACE="$kr" PROMPTCOST_WORKING_DIRECTORY=. \
	PROMPTCOST_BASE_COMMIT="$base_sha" ImageOS=ubuntu24 sh "$PC_ROOT/action/build.sh" tokens-key
tk_path=$(sed -n 's/^path=//p' "$TEST_TMP/tk")
tk_key=$(sed -n 's/^key=//p' "$TEST_TMP/tk")
tk_restore=$(sed -n 's/^restore-keys=//p' "$TEST_TMP/tk")
expect_eq "$tk_path" "$(cd "$kr" && pwd -P)/.git/promptcost" "tokens-key: the path is the repository's git directory's promptcost folder"
expect_eq "$tk_key" "promptcost-tokens-1-ubuntu24-$base_sha" "tokens-key: the key names the base commit"
expect_eq "$tk_restore" "promptcost-tokens-1-ubuntu24-" "tokens-key: the restore prefix is the key less the base"
run "$kr" check --base HEAD~1
expect_status 0 "tokens-key: the check runs"
[ -f "$tk_path/tokens.cache" ]; _report $? "tokens-key: the check writes its cache where the Action caches it"
git -C "$kr" worktree add -q --detach "$TEST_TMP/keywt" HEAD
GITHUB_OUTPUT="$TEST_TMP/tk2" GITHUB_WORKSPACE="$TEST_TMP/keywt" PROMPTCOST_BASE_COMMIT="$base_sha" \
	ImageOS=ubuntu24 sh "$PC_ROOT/action/build.sh" tokens-key
expect_eq "$(sed -n 's/^path=//p' "$TEST_TMP/tk2")" "$tk_path" "tokens-key: a worktree shares the common git directory's cache"
GITHUB_OUTPUT="$TEST_TMP/tk3" GITHUB_WORKSPACE="$kr" PROMPTCOST_BASE_COMMIT=0000000000000000000000000000000000000000 \
	ImageOS=ubuntu24 sh "$PC_ROOT/action/build.sh" tokens-key
expect_eq "$(sed -n 's/^key=//p' "$TEST_TMP/tk3")" "promptcost-tokens-1-ubuntu24-none" "tokens-key: a push that creates a branch has no base"
mkdir -p "$TEST_TMP/norepo"
GITHUB_OUTPUT="$TEST_TMP/tk4" GITHUB_WORKSPACE="$TEST_TMP/norepo" RUNNER_TEMP="$TEST_TMP/rt" \
	sh "$PC_ROOT/action/build.sh" tokens-key
expect_eq "$(sed -n 's/^path=//p' "$TEST_TMP/tk4")" "$TEST_TMP/rt/promptcost-no-repository/promptcost" \
	"tokens-key: no repository yet: a path of its own, so the cache steps still run"

# --- the action against GitHub's own description of its API ---
# Every request the action made to the fake (operation, parameters, body),
# every response the fake sent (the documented schema of its status), and
# every event payload used above (the webhook schemas): tests/fake-github/openapi.js.
stop_fake
{
	node "$OPENAPI" requests "$REQS"
	[ -n "${PC_KEEP_REQUESTS:-}" ] && cp "$REQS" "$PC_KEEP_REQUESTS"
	# shellcheck disable=SC2046
	node "$OPENAPI" events $(cat "$TEST_TMP/events.list")
	node "$OPENAPI" reads
} >"$TEST_TMP/openapi.out" 2>&1
[ -s "$TEST_TMP/openapi.out" ] || echo "FAIL openapi.js printed nothing" >"$TEST_TMP/openapi.out"
_detail=""
_pending=""
while IFS= read -r line; do
	case "$line" in
	"  "*) _detail="$_detail$line
" ; continue ;;
	esac
	[ -n "$_pending" ] && { _report 1 "$_pending" "$_detail"; _pending=""; }
	_detail=""
	case "$line" in
	"PASS "*) _report 0 "${line#PASS }" ;;
	"FAIL "*) _pending="${line#FAIL }" ;;
	*) _report 1 "openapi.js runs cleanly" "$line" ;;
	esac
done <"$TEST_TMP/openapi.out"
[ -n "$_pending" ] && _report 1 "$_pending" "$_detail"
finish
