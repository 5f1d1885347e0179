#!/bin/sh
# The quick start's demo (scripts/demo.sh, what `make demo` runs): the seed
# figure at the configured volume, then the same change at the volume it
# records, imported, synced and committed on main.
. "$(dirname "$0")/lib.sh"

out="$TEST_TMP/demo.out" err="$TEST_TMP/demo.err"
TMPDIR=$TEST_TMP sh "$PC_ROOT/scripts/demo.sh" "$PROMPTCOST" >"$out" 2>"$err"
status=$?
expect_status 0 "the demo runs"
expect_stdout_has "document-summarization  modified  gpt-4-class             88    488   +400        0     15,000  +\$72.00  +\$2,160.00" \
	"the seed case: +\$2,160.00 a month at the configured 15,000 calls/day"
expect_stdout_has "configured (estimate): 15,000 calls/day" "the configured volume is labelled an estimate"
expect_stdout_has "imported:     720" "the generated month is imported"
expect_stdout_has "-> commit " "usage show resolves the version to its commit"
expect_stdout_has "recorded: 14,812 calls/day over 30 days to 2026-11-30" "the check uses the recorded volume"
expect_stdout_has "monthly delta: +\$2,132.93 a month" "the recorded delta"
repo=$(sed -n 's/^demo repository: //p' "$out")
expect_eq "$(git -C "$repo" log --format=%s -1 main)" "volumes: November" "main commits the volumes"
expect_eq "$(git -C "$repo" status --porcelain)" "" "the store is never in git status"

finish
