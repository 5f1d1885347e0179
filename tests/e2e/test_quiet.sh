#!/bin/sh
# The quiet-template snapshot (include/promptcost/quiet.h) end to end, as a
# differential suite: every scenario is checked twice, once with the snapshot
# removed (the full run, which writes it) and once with it (the quiet run,
# which must price the untouched templates from it), and the two reports must
# be byte for byte the same, as text, markdown and GitHub annotations, with the
# same exit status and the same warnings. A quiet run that differed would
# understate a team's spend or hide a template: a governance bypass. Each quiet
# run must also have been quiet (PROMPTCOST_TRACE_QUIET says how many templates
# the snapshot stood in for), or the comparison proves nothing. Then damaged,
# truncated and foreign snapshots, which must be ignored.
. "$(dirname "$0")/lib.sh"

r=$TEST_TMP/repo
new_repo "$r"
mkdir -p "$r/prompts/wild" "$r/prompts/more" "$r/src" "$r/.promptcost"
# Two teams and two use cases with budgets set close to the library's spend,
# so that a change can cross them; catalog models (each has a price note) in
# an order that a change can move (the first users of gpt-4o and of the
# Claude model are the fourth and fifth; gpt-4o's second is the sixth); a wildcard glob; a
# template with an include, one with front matter, one with variables, and a
# ghost whose glob matches nothing (it warns on every run).
cat >"$r/.promptcost.yml" <<'EOF'
version: 1
currency: USD
days_per_month: 30
models:
  guess:
    encoding: approximate
    approximate_base: cl100k_base
    approximate_factor: 1.17
    input_per_1m: 3
    output_per_1m: 15
teams:
  alpha:
    monthly_budget: 40
    limit: hard
    warn_at: 80%
  beta:
    monthly_budget: 1000
    limit: soft
    other_monthly_spend: 10
use_cases:
  support:
    monthly_budget: 2000
templates:
  - id: a1
    files: prompts/a1.md
    model: gpt-4o-mini
    team: alpha
    use_case: support
    calls_per_day: 20000
  - id: a2
    files: prompts/a2.md
    model: gpt-4o-mini
    team: alpha
    calls_per_day: 10000
  - id: b1
    files: prompts/b1.md
    model: guess
    team: beta
    use_case: support
    calls_per_day: 3000
  - id: big1
    files: prompts/big1.md
    model: gpt-4o
    team: beta
    calls_per_day: 500
  - id: wild
    files: prompts/wild/*.md
    model: claude-3-5-haiku-latest
    team: beta
    use_case: support
    calls_per_day: 4000
  - id: big2
    files: prompts/more/big2.md
    model: gpt-4o
    team: alpha
    calls_per_day: 100
  - id: inc
    files: prompts/inc.md
    model: gpt-4o-mini
    team: beta
    calls_per_day: 800
  - id: chat
    files: src/chat.prompty
    model: gpt-4o-mini
    team: beta
    calls_per_day: 900
  - id: vars
    files: prompts/vars.md
    model: gpt-4o-mini
    team: alpha
    calls_per_day: 700
    variables: {document: 300}
  - id: a3
    files: prompts/more/a3.md
    model: gpt-4o-mini
    team: alpha
    use_case: support
    calls_per_day: 6000
  - id: ghost
    files: prompts/more/ghost.md
    model: gpt-4o-mini
    team: beta
    calls_per_day: 10
  - id: top
    files: top.md
    model: gpt-4o-mini
    team: alpha
    calls_per_day: 50
  - id: dotted
    files: ./prompts/dotted.md
    model: gpt-4o-mini
    team: beta
    calls_per_day: 10
EOF
text() { # text FILE WORDS: a prompt of about WORDS words
	i=0
	: >"$1"
	while [ $i -lt "$2" ]; do
		printf 'Line %s of the instructions: answer in plain words, cite the source.\n' "$i" >>"$1"
		i=$((i + 10))
	done
}
text "$r/prompts/a1.md" 200
text "$r/prompts/a2.md" 300
text "$r/prompts/b1.md" 150
text "$r/prompts/big1.md" 400
text "$r/prompts/wild/one.md" 100
text "$r/prompts/wild/two.md" 120
text "$r/prompts/more/big2.md" 90
text "$r/prompts/more/a3.md" 60
printf 'Style guide: short sentences.\n' >"$r/prompts/_part.md"
printf 'Follow the guide.\n{%% include "prompts/_part.md" %%}\nThen answer.\n' >"$r/prompts/inc.md"
printf -- '---\nname: chat\nmodel:\n  parameters:\n    max_tokens: 128\n---\nsystem:\nYou help customers.\n' \
	>"$r/src/chat.prompty"
printf 'Summarise for a records officer.\n\n{{ document }}\n' >"$r/prompts/vars.md"
cat >"$r/.promptcost/volumes.yml" <<'EOF'
version: 1
window:
  from: 2026-10-01
  until: 2026-10-30
  days: 30
records: 240000
templates:
  a2:
    days: 30
    calls: 240000
    response_cache_hits: 0
    input_tokens: 800000000
    cached_input_tokens: 0
    cache_write_tokens: 0
    output_tokens: 36000000
    records: 240000
EOF
printf 'unrelated\n' >"$r/README"
# a literal glob at the root (listed with the root's files), and one spelt
# with "./" (no listed path is spelt so: it matches nothing, quiet or not)
text "$r/top.md" 30
text "$r/prompts/dotted.md" 30
commit_all "$r" "library"

snap() { ls "$r"/.git/promptcost/quiet-*.snap 2>/dev/null; }

# differential NAME ARGS...: full and quiet runs of `check ARGS` in every
# non-JSON format give the same stdout, exit status and stderr; the quiet one
# priced at least one template from the snapshot (unless ARGS are a case
# where quiet.h does not apply: then QUIET=0 says so and both must be full).
differential() {
	_name=$1; shift
	_same=0 _why="" _quiet=""
	for _format in text markdown github; do
		rm -f "$r"/.git/promptcost/quiet-*.snap
		run "$r" check "$@" --format "$_format"
		_s1=$status
		cp "$out" "$TEST_TMP/full.out"
		cp "$err" "$TEST_TMP/full.err"
		PROMPTCOST_TRACE_QUIET=1 run "$r" check "$@" --format "$_format"
		_trace=$(grep '^promptcost: quiet: ' "$err")
		grep -v '^promptcost: quiet: ' "$err" >"$TEST_TMP/quiet.err"
		_qn=${_trace#promptcost: quiet: }
		_qn=${_qn%% *}
		_quiet="$_quiet ${_qn:-none}"
		if [ "$status" != "$_s1" ] || ! cmp -s "$out" "$TEST_TMP/full.out" ||
			! cmp -s "$TEST_TMP/quiet.err" "$TEST_TMP/full.err"; then
			_same=1
			_why="$_why
--- $_format: exit $_s1 full, $status quiet
$(diff "$TEST_TMP/full.out" "$out" | head -20)
$(diff "$TEST_TMP/full.err" "$TEST_TMP/quiet.err" | head -10)"
		fi
	done
	_report $_same "$_name: the quiet run's reports are the full run's, byte for byte" "$_why"
	# QUIET=1: each quiet run priced some from the snapshot; 0: none did (quiet.h does not
	# apply); error: the runs fail before a report (none to compare but exit and stderr)
	case "${QUIET:-1}" in
	1) case "$_quiet" in *" 0"* | *none*) _q=1 ;; *) _q=0 ;; esac
	   _report $_q "$_name: the quiet runs were quiet (templates from the snapshot:$_quiet)" ;;
	0) case "$_quiet" in *[1-9]*) _q=1 ;; *) _q=0 ;; esac
	   _report $_q "$_name: no quiet run here (templates from the snapshot:$_quiet)" ;;
	error) [ "$_quiet" = " none none none" ]
	   _report $? "$_name: every run failed before a report" "$_quiet" ;;
	esac
}

# --- base mode: a branch under review ---
git -C "$r" checkout -q -b feature
text "$r/prompts/a1.md" 260
commit_all "$r" "a1 grows"
differential "one literal template modified" --base main

text "$r/top.md" 45
commit_all "$r" "top grows"
differential "a literal template at the root modified" --base main

printf 'A new part of the wild family.\n' >"$r/prompts/wild/three.md"
commit_all "$r" "a file added under a wildcard glob"
differential "a file added under a wildcard glob" --base main

printf 'Style guide: short sentences, and always a greeting first.\n' >"$r/prompts/_part.md"
commit_all "$r" "the partial changes"
differential "an included partial changed" --base main

# the first user of gpt-4o grows: the price notes must keep their order
text "$r/prompts/big1.md" 900
commit_all "$r" "big1 grows"
differential "the first template of a model changed" --base main

# team alpha over its hard budget
text "$r/prompts/a2.md" 2500
commit_all "$r" "a2 grows over alpha's budget"
differential "a hard budget crossed" --base main
run "$r" check --base main
expect_status 1 "the crossing blocks, quiet as full"

# the change edits the recorded volumes: the world's still price it (a pending note)
sed 's/calls: 240000/calls: 300000/' "$r/.promptcost/volumes.yml" >"$TEST_TMP/v" &&
	cp "$TEST_TMP/v" "$r/.promptcost/volumes.yml"
commit_all "$r" "volumes"
differential "the change edits the recorded volumes" --base main
# a range whose head is not HEAD
differential "--base and --head" --base main --head HEAD~1
# the quiet run reads the parsed configuration reduced to the templates it
# visits; without that cache (removed, or damaged) it reads the whole one
run "$r" check --base main --format markdown
cp "$out" "$TEST_TMP/whole.out"
for damage in remove truncate; do
	for f in "$r"/.git/promptcost/config-*.snap; do
		case $damage in remove) rm -f "$f" ;; truncate) head -c 100 "$f" >"$f.t" && mv "$f.t" "$f" ;; esac
	done
	PROMPTCOST_TRACE_QUIET=1 run "$r" check --base main --format markdown
	grep -q 'quiet: [1-9]' "$err" && cmp -s "$out" "$TEST_TMP/whole.out"
	_report $? "the parsed configuration's cache ${damage}d: still quiet, the same report" "$(cat "$err")"
done
# the working tree: its files' ids are the index's where git's own status
# finds them unchanged (stat data, or the content when racily clean)
text "$r/prompts/more/a3.md" 20
differential "the working tree: a template edited, not staged"
printf 'An untracked part.\n' >"$r/prompts/wild/untracked.md"
differential "the working tree: and an untracked file under a wildcard glob"
rm -f "$r/prompts/wild/untracked.md"
git -C "$r" checkout -q -- .
touch -d '2030-01-01 00:00:00' "$r/prompts/a1.md"
differential "the working tree: a file touched, its content unchanged"
cp "$r/prompts/a2.md" "$TEST_TMP/a2" && text "$r/prompts/a2.md" 40 && cp "$TEST_TMP/a2" "$r/prompts/a2.md"
differential "the working tree: a file rewritten with the same bytes"
# the same size and the old modification time: the change time still tells
touch -r "$r/prompts/more/a3.md" "$TEST_TMP/stamp"
sed -i 's/plain words/PLAIN WORDS/' "$r/prompts/more/a3.md"
touch -r "$TEST_TMP/stamp" "$r/prompts/more/a3.md"
differential "the working tree: an edit of the same size and time"
run "$r" check
expect_stdout_has "a3 " "the edit of the same size and time is in the quiet run's report"
git -C "$r" checkout -q -- .
rm "$r/prompts/b1.md"
QUIET=0 differential "the working tree: a template's file deleted (no quiet run)"
git -C "$r" checkout -q -- .

# a binary file brought under a glob: an input error either way
git -C "$r" checkout -q -b binary
printf 'bin\000ary\n' >"$r/prompts/wild/blob.md"
commit_all "$r" "binary"
QUIET=error differential "a binary file added under a glob (an error either way)" --base main
run "$r" check --base main
expect_status 2 "the binary file is an input error"
git -C "$r" checkout -q feature

# an older snapshot: main moves on, the branch is checked against the new base
git -C "$r" checkout -q main
text "$r/prompts/b1.md" 180
text "$r/prompts/more/a3.md" 75
commit_all "$r" "main moves on"
git -C "$r" checkout -q feature
git -C "$r" merge -q --no-edit main
rm -f "$r"/.git/promptcost/quiet-*.snap
run "$r" check --base main~1   # writes a snapshot of the old base
PROMPTCOST_TRACE_QUIET=1 run "$r" check --base main --format text
cp "$out" "$TEST_TMP/older.out"
grep -q 'quiet: [1-9]' "$err"; _report $? "a snapshot of an older base: still quiet" "$(cat "$err")"
rm -f "$r"/.git/promptcost/quiet-*.snap
run "$r" check --base main --format text
cmp -s "$out" "$TEST_TMP/older.out"
_report $? "a snapshot of an older base: the full run's report" "$(diff "$out" "$TEST_TMP/older.out")"
differential "the new base" --base main

# a template deleted: rename detection is at play, never quiet
git -C "$r" rm -q prompts/more/a3.md
commit_all "$r" "a3's file removed"
QUIET=0 differential "a template's file deleted (no quiet run)" --base main
git -C "$r" reset -q --hard HEAD~1
git -C "$r" rm -q top.md
commit_all "$r" "top's file removed"
QUIET=0 differential "a root template's file deleted (no quiet run)" --base main
git -C "$r" reset -q --hard HEAD~1

# the configuration changes: another key, a full run
sed 's/calls_per_day: 6000/calls_per_day: 6500/' "$r/.promptcost.yml" >"$TEST_TMP/c" &&
	cp "$TEST_TMP/c" "$r/.promptcost.yml"
commit_all "$r" "a3 is called more"
QUIET=0 differential "the configuration changed (no quiet run)" --base main
git -C "$r" reset -q --hard HEAD~1

# --- the index (the pre-commit hook) ---
git -C "$r" checkout -q main
text "$r/prompts/big1.md" 420
git -C "$r" add prompts/big1.md
differential "staged: one template" --staged
printf 'Another one.\n' >"$r/prompts/wild/four.md"
git -C "$r" add prompts/wild/four.md
differential "staged: and a file added under a wildcard glob" --staged
git -C "$r" reset -q --hard

# --- what the snapshot holds is never trusted blindly ---
git -C "$r" checkout -q feature
rm -f "$r"/.git/promptcost/quiet-*.snap
run "$r" check --base main
cp "$out" "$TEST_TMP/ref.out"
ref_status=$status
s=$(snap)
cp "$s" "$TEST_TMP/snap.good"
size=$(wc -c <"$s")
bad=0 notquiet=0 k=0
while [ $k -lt "$size" ]; do
	cp "$TEST_TMP/snap.good" "$s"
	printf '\377' | dd of="$s" bs=1 seek=$k conv=notrunc 2>/dev/null
	! cmp -s "$s" "$TEST_TMP/snap.good" ||
		printf '\000' | dd of="$s" bs=1 seek=$k conv=notrunc 2>/dev/null
	PROMPTCOST_TRACE_QUIET=1 run "$r" check --base main
	{ [ "$status" = "$ref_status" ] && cmp -s "$out" "$TEST_TMP/ref.out"; } || bad=$((bad + 1))
	grep -q 'quiet: 0 ' "$err" || notquiet=$((notquiet + 1))
	k=$((k + 1))
done
expect_eq "$bad" 0 "each of the snapshot's $size bytes damaged in turn: the report is unchanged"
expect_eq "$notquiet" 0 "a damaged snapshot is never read (every run was the full one)"
cp "$TEST_TMP/snap.good" "$s"
bad=0 k=0
while [ $k -lt "$size" ]; do
	head -c $k "$TEST_TMP/snap.good" >"$s"
	run "$r" check --base main
	{ [ "$status" = "$ref_status" ] && cmp -s "$out" "$TEST_TMP/ref.out"; } || bad=$((bad + 1))
	k=$((k + 3))
done
expect_eq "$bad" 0 "the snapshot truncated (every third length): the report is unchanged"
# another build's, or another key's: renamed into place, it is not read
cp "$TEST_TMP/snap.good" "$s"
mv "$s" "$r/.git/promptcost/quiet-00000000.snap"
PROMPTCOST_TRACE_QUIET=1 run "$r" check --base main
grep -q 'quiet: 0 ' "$err"; _report $? "another build's snapshot is not read" "$(cat "$err")"
cmp -s "$out" "$TEST_TMP/ref.out"; _report $? "another build's snapshot: the same report"
# the JSON report lists every template: never quiet, and still whole
PROMPTCOST_TRACE_QUIET=1 run "$r" check --base main --format json
grep -q 'quiet: 0 ' "$err"; _report $? "--format json is never quiet" "$(cat "$err")"
expect_eq "$(json "$out" '.templates | length')" 11 "--format json lists every template (the ghost and the dotted have no row)"
PROMPTCOST_TRACE_QUIET=1 run "$r" check --base main --output-format json=report.json
grep -q 'quiet: 0 ' "$err"; _report $? "a JSON --output-format is never quiet" "$(cat "$err")"
rm -f "$r/report.json"
# --no-cache: no snapshot read or written
rm -f "$r"/.git/promptcost/quiet-*.snap
run "$r" check --base main --no-cache
expect_eq "$(snap)" "" "--no-cache writes no snapshot"
cmp -s "$out" "$TEST_TMP/ref.out"; _report $? "--no-cache: the same report"

# an add/add conflict under a wildcard glob, after a snapshot that has ours:
# the index lists the path at stages 2 and 3, and no one blob id, so the
# template is collected and the run fails as the full one does
rm -f "$r"/.git/promptcost/quiet-*.snap
git -C "$r" checkout -q main
git -C "$r" checkout -q -b theirs
printf 'Theirs.\n' >"$r/prompts/wild/both.md"
commit_all "$r" "theirs"
git -C "$r" checkout -q main
printf 'Ours.\n' >"$r/prompts/wild/both.md"
commit_all "$r" "ours"
run "$r" check --staged
expect_status 0 "before the conflict: a snapshot of ours"
git -C "$r" merge -q theirs >/dev/null 2>&1
PROMPTCOST_TRACE_QUIET=1 run "$r" check --staged
expect_status 2 "staged, an add/add conflict under a glob: an input error with the snapshot too"
expect_stderr_has "prompts/wild/both.md: unmerged in the index" "it says which path is unmerged"
git -C "$r" merge --abort
# the same on a template named by its path (looked up, not listed with its folder)
git -C "$r" checkout -q theirs
text "$r/prompts/a2.md" 333
commit_all "$r" "theirs edits a2"
git -C "$r" checkout -q main
text "$r/prompts/a2.md" 444
commit_all "$r" "ours edits a2"
run "$r" check --staged
git -C "$r" merge -q theirs >/dev/null 2>&1
PROMPTCOST_TRACE_QUIET=1 run "$r" check --staged
expect_status 2 "staged, a conflict on a literal glob's file: an input error with the snapshot too"
expect_stderr_has "prompts/a2.md: unmerged in the index" "it says which path is unmerged"
QUIET=error differential "staged, a conflict on a literal glob's file" --staged
git -C "$r" merge --abort

finish
