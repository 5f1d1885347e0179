#!/bin/sh
# A blobless partial clone (`git clone --filter=blob:none`, as CI checkouts
# make them) from a real bare repository served over file://: `check --base`
# gives the same report as in a full clone, the base's missing blobs fetched
# through git; without git to fetch them, one line names the object and the
# command to run (exit 3).
. "$(dirname "$0")/lib.sh"

# libgit2 1.5 leaks a pcre2 match block each time git_repository_open_ext
# reads a repository with extensions (a partial clone has
# extensions.partialClone): all_iter_glob_next -> git_regexp_match, never
# freed. Not promptcost's (which never calls pcre2 itself); suppressed for
# LeakSanitizer builds by pcre2's allocator, the frames a fast unwind keeps.
printf 'leak:all_iter_glob_next\nleak:_pcre2_memctl_malloc_8\nleak:pcre2_match_8\n' >"$TEST_TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TEST_TMP/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

src=$TEST_TMP/src
new_repo "$src"
mkdir -p "$src/prompts"
cat >"$src/.promptcost.yml" <<'EOF'
version: 1
currency: USD
days_per_month: 30
models:
  gpt-4o-mini:
    encoding: o200k_base
    input_per_1m: 0.15
    output_per_1m: 0.60
templates:
  - id: summarize
    files: [prompts/summarize.md]
    model: gpt-4o-mini
    calls_per_day: 200000
  - id: triage
    files: [prompts/triage.md]
    model: gpt-4o-mini
    calls_per_day: 50000
EOF
printf 'Summarise the case file for a records officer.\n' >"$src/prompts/summarize.md"
printf 'Route the complaint to one of five desks.\n' >"$src/prompts/triage.md"
commit_all "$src" "base"
git -C "$src" checkout -q -b feature
printf 'List the dates first, then the parties, then the decision, in that order.\n' \
	>>"$src/prompts/summarize.md"
commit_all "$src" "dates first"
bare=$TEST_TMP/bare.git
git clone -q --bare "$src" "$bare"
git -C "$bare" config uploadpack.allowFilter true

full=$TEST_TMP/full
git clone -q -b feature "file://$bare" "$full"
run "$full" check --base origin/main --format json
expect_status 0 "full clone: checked"
cp "$out" "$TEST_TMP/full.json"

part=$TEST_TMP/part
git clone -q --filter=blob:none -b feature "file://$bare" "$part"
expect_eq "$(git -C "$part" config remote.origin.promisor)" true "the clone is a partial clone"
base_blob=$(git -C "$part" rev-parse origin/main:prompts/summarize.md)
git -C "$part" cat-file --batch-check='%(objectname)' --batch-all-objects 2>/dev/null | grep -qx "$base_blob"
expect_eq "$?" 1 "the base's version of the prompt is not in the clone"

# without git on PATH nothing can fetch it: one line says what and how
(cd "$part" && PATH=/nonexistent "$PROMPTCOST" check --base origin/main) >"$TEST_TMP/o" 2>"$TEST_TMP/e"
status=$?; out=$TEST_TMP/o; err=$TEST_TMP/e
expect_status 3 "no git to fetch with: a git error"
expect_stderr_has "is not in this partial clone and git could not fetch it: run 'git cat-file -e " \
	"no git to fetch with: the object and the command are named"
expect_eq "$(wc -l <"$err" | tr -d ' ')" 1 "no git to fetch with: one line"

run "$part" check --base origin/main --format json
expect_status 0 "partial clone: checked, the missing blobs fetched through git"
cmp -s "$out" "$TEST_TMP/full.json"; _report $? "partial clone: the same report as the full clone" \
	"$(diff "$TEST_TMP/full.json" "$out" | head)"
git -C "$part" cat-file --batch-check='%(objectname)' --batch-all-objects 2>/dev/null | grep -qx "$base_blob"
expect_eq "$?" 0 "the base's blob is in the clone now (fetched by git)"
PROMPTCOST_NO_CACHE=1 run "$part" check --base origin/main --format json
cmp -s "$out" "$TEST_TMP/full.json"; _report $? "partial clone, no cache: the same report"

# the working tree and the index of a partial clone: their blobs are there
printf 'Answer in French.\n' >>"$part/prompts/triage.md"
run "$part" check --format json
expect_status 0 "partial clone, working tree: checked"
expect_eq "$(json "$out" '.templates[] | select(.id=="triage") | .change')" modified \
	"partial clone, working tree: the edit is seen"

# a template moved and edited: rename detection compares blobs the clone lacks
git -C "$src" mv prompts/triage.md prompts/routing.md
printf 'By topic.\n' >>"$src/prompts/routing.md"
commit_all "$src" "triage becomes routing"
git -C "$src" push -q "$bare" feature
git clone -q -b feature "file://$bare" "$full.2"
run "$full.2" check --base origin/main --format json
expect_status 0 "full clone, a moved and edited prompt: checked"
expect_eq "$(json "$out" '.templates[] | select(.id=="triage") | .change')" renamed \
	"full clone: the moved prompt is 'renamed'"
cp "$out" "$TEST_TMP/full2.json"
git clone -q --filter=blob:none -b feature "file://$bare" "$part.2"
run "$part.2" check --base origin/main --format json
expect_status 0 "partial clone, a moved and edited prompt: checked"
cmp -s "$out" "$TEST_TMP/full2.json"; _report $? "partial clone, a moved and edited prompt: the same report" \
	"$(diff "$TEST_TMP/full2.json" "$out" | head)"

finish
