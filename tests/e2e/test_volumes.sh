#!/bin/sh
# End-to-end tests of recorded volumes in check: .promptcost/volumes.yml read
# from the world side (the base tip), a template without records priced at
# its configured estimate (and labelled so), and a change that edits the
# file (checked, listed as taking effect after merge, verdict unchanged).
. "$(dirname "$0")/lib.sh"

write_config() {
	cat >"$1/.promptcost.yml" <<EOF
version: 1
models:
  gpt-4-class:
    encoding: cl100k_base
    input_per_1k: 0.012
    output_per_1k: 0.024
teams:
  records-management:
    monthly_budget: 25000
    limit: hard
templates:
  - id: document-summarization
    files: [prompts/summarize/system.md]
    team: records-management
    model: gpt-4-class
    calls_per_day: 15000
  - id: classify
    files: [prompts/classify.md]
    team: records-management
    model: gpt-4-class
    calls_per_day: 1000
policy:
  cost_event:
    monthly_delta: 100000
EOF
}

# write_volumes DIR CALLS [DAYS]: recorded volumes of document-summarization
write_volumes() {
	mkdir -p "$1/.promptcost"
	cat >"$1/.promptcost/volumes.yml" <<EOF
version: 1
window:
  from: 2026-11-01
  until: 2026-11-30
  days: 30
records: $2
templates:
  document-summarization:
    days: ${3:-30}
    calls: $2
    response_cache_hits: 0
    input_tokens: 0
    cached_input_tokens: 0
    cache_write_tokens: 0
    output_tokens: 0
    records: $2
EOF
}

# a repository whose main has the prompt and the volumes; branch "change" adds
# the 400-token context to document-summarization and edits classify
r=$TEST_TMP/repo
new_repo "$r"
write_config "$r"
mkdir -p "$r/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
echo "Classify the document." >"$r/prompts/classify.md"
write_volumes "$r" 444360
commit_all "$r" "base with recorded volumes"
git -C "$r" checkout -q -b change
cat "$PC_ROOT/demo/system-context.md" >>"$r/prompts/summarize/system.md"
echo "Answer with one word." >>"$r/prompts/classify.md"
commit_all "$r" "change"

# --- recorded volumes price the change ---
run "$r" check --base main
expect_status 0 "check with recorded volumes"
# 400 tokens x 444,360 calls / 30 days x 30 x $0.012/1K = $2,132.93 (not the configured $2,160.00)
expect_stdout_has "+\$2,132.93" "the delta uses the recorded 14,812 calls/day"
expect_stdout_has "document-summarization: recorded: 14,812 calls/day over 30 days to 2026-11-30" \
	"text names the recorded window"
expect_stdout_has "classify: configured (estimate): 1,000 calls/day" \
	"a template without records is a labelled estimate"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[] | select(.id=="document-summarization") | .volume_source.kind')" \
	recorded "json: volume_source recorded"
expect_eq "$(json "$out" '.templates[] | select(.id=="document-summarization") | [.calls_per_day, .volume_source.calls, .volume_source.days, .volume_source.until] | map(tostring) | join(" ")')" \
	"14812 444360 30 2026-11-30" "json: the exact calls and days of the window"
expect_eq "$(json "$out" '.templates[] | select(.id=="classify") | .volume_source | "\(.kind) \(.estimate)"')" \
	"configured true" "json: configured is an estimate"
run "$r" check --base main --format markdown
expect_stdout_has "- recorded: 14,812 calls/day over 30 days to 2026-11-30" "markdown names the source"
run "$r" check --base main --format github
expect_stdout_has "recorded: 14,812 calls/day over 30 days to 2026-11-30" "github names the source"

# --- the head edits volumes.yml: it takes effect after merge ---
write_volumes "$r" 3000
commit_all "$r" "head lowers its own volume"
run "$r" check --base main
expect_status 0 "check with the head's volumes edited"
expect_stdout_has "+\$2,132.93" "the verdict's figures stay the base's"
expect_stdout_has ".promptcost/volumes.yml: recorded volumes of the 30 days to 2026-11-30 (3,000 records)" \
	"the edit is listed as taking effect after merge"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[] | select(.id=="document-summarization") | .volume_source.calls')" \
	444360 "json: the base's recorded calls"

# --- the head breaks the file: a located error, before it can merge ---
printf 'version: 1\nwindow: {from: 2026-11-01, until: 2026-11-30, days: 30}\ntemplates:\n  document-summarization: {days: 30, calls: lots}\n' \
	>"$r/.promptcost/volumes.yml"
commit_all "$r" "broken volumes"
run "$r" check --base main
expect_status 2 "a malformed volumes.yml in the head"
expect_stderr_has ".promptcost/volumes.yml:4:" "the error is located"

# --- the head removes the file ---
git -C "$r" rm -q .promptcost/volumes.yml
commit_all "$r" "no volumes"
run "$r" check --base main
expect_status 0 "the head removes volumes.yml"
expect_stdout_has "+\$2,132.93" "removing it does not lower the volume"
expect_stdout_has ".promptcost/volumes.yml: removed" "the removal is listed"

# --- a symbolic link in the head is never followed ---
mkdir -p "$r/.promptcost" "$TEST_TMP/elsewhere"
write_volumes "$TEST_TMP/elsewhere" 10
ln -s "$TEST_TMP/elsewhere/.promptcost/volumes.yml" "$r/.promptcost/volumes.yml"
commit_all "$r" "linked volumes"
run "$r" check --base main
expect_status 2 "volumes.yml as a link in the head"
expect_stderr_has "symbolic link" "says it is a link"
git -C "$r" reset -q --hard HEAD~4

# --- the base tip's volumes, not the merge base's ---
git -C "$r" checkout -q main
write_volumes "$r" 600000
commit_all "$r" "volumes: December"
git -C "$r" checkout -q change
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[] | select(.id=="document-summarization") | .volume_source.calls')" \
	600000 "the base tip's recorded volumes judge"

# --- a partial window: a template recorded on fewer days than the window ---
git -C "$r" checkout -q main
write_volumes "$r" 148120 10
commit_all "$r" "volumes: a template that started on 2026-11-21"
git -C "$r" checkout -q change
run "$r" check --base main
expect_stdout_has "recorded: 14,812 calls/day over 10 days to 2026-11-30" \
	"calls over the template's own days"

# --- in the working tree, an edited volumes.yml waits for its commit to reach the base ---
write_volumes "$r" 10
run "$r" check
expect_stdout_has ".promptcost/volumes.yml: recorded volumes of the 30 days to 2026-11-30 (10 records)" \
	"an uncommitted edit is listed as pending"

finish
