#!/bin/sh
# The token-count cache end to end: a report is byte for byte the same with
# the cache cold, warm, turned off (--no-cache, PROMPTCOST_NO_CACHE=1),
# damaged at any one byte, truncated at any length, written by runs at once,
# and from a linked worktree; the cache lives in the git directory, never in
# the working tree; and the working tree's files are trusted by the index's
# stat data only while it says they are unchanged.
. "$(dirname "$0")/lib.sh"

r=$TEST_TMP/repo
new_repo "$r"
mkdir -p "$r/prompts/multi" "$r/src"
cat >"$r/.promptcost.yml" <<'EOF'
version: 1
currency: USD
days_per_month: 30
models:
  gpt-4o-mini:
    encoding: o200k_base
    input_per_1m: 0.15
    output_per_1m: 0.60
  claude-like:
    encoding: approximate
    approximate_base: cl100k_base
    approximate_factor: 1.17
    input_per_1m: 3
    output_per_1m: 15
templates:
  - id: plain
    files: prompts/plain.md
    model: claude-like
    calls_per_day: 1000
  - id: multi
    files: prompts/multi/*.md
    model: gpt-4o-mini
    calls_per_day: 2000
  - id: vars
    files: prompts/vars.md
    model: gpt-4o-mini
    calls_per_day: 3000
    variables: {document: 1200, question: 40}
  - id: chat
    files: src/chat.prompty
    model: gpt-4o-mini
    calls_per_day: 4000
  - id: included
    files: prompts/included.md
    model: gpt-4o-mini
    calls_per_day: 5000
EOF
printf 'You are a careful assistant.\nAnswer briefly, in plain words.\n' >"$r/prompts/plain.md"
for i in 1 2 3; do
	printf 'Part %s of the instructions: keep the tone neutral; cite sources (%s).\n' "$i" "$i" \
		>"$r/prompts/multi/$i.md"
done
printf 'Summarise for a records officer.\n\n{{ document }}\n\nQuestion: {question}\n' >"$r/prompts/vars.md"
printf -- '---\nname: chat\nmodel:\n  parameters:\n    max_tokens: 128\n---\nsystem:\nYou help customers.\n' \
	>"$r/src/chat.prompty"
printf 'Style guide: short sentences.\n' >"$r/prompts/_part.md"
printf 'Follow the guide.\n{%% include "prompts/_part.md" %%}\nThen answer.\n' >"$r/prompts/included.md"
commit_all "$r" "base"
git -C "$r" checkout -q -b change
printf 'Never guess a number.\n' >>"$r/prompts/plain.md"
# only the partial changes: the including template's own file is the same blob
printf 'Style guide: short sentences, no jargon, always a summary first.\n' >"$r/prompts/_part.md"
commit_all "$r" "stricter prompts"

cache=$r/.git/promptcost/tokens.cache
ref=$TEST_TMP/ref.json
reftext=$TEST_TMP/ref.txt

# the reference: no cache at all
PROMPTCOST_NO_CACHE=1 run "$r" check --base main --format json
expect_status 0 "reference run (PROMPTCOST_NO_CACHE=1)"
cp "$out" "$ref"
expect_eq "$(json "$ref" '[.templates[] | "\(.id)=\(.change)"] | join(",")')" \
	"plain=modified,multi=unchanged,vars=unchanged,chat=unchanged,included=modified" \
	"the change: one file edited, one partial edited"
[ ! -e "$r/.git/promptcost" ]; _report $? "PROMPTCOST_NO_CACHE=1 writes no cache"
run "$r" check --base main --format json --no-cache
cmp -s "$out" "$ref"; _report $? "--no-cache: the same report"
[ ! -e "$r/.git/promptcost" ]; _report $? "--no-cache writes no cache"
PROMPTCOST_NO_CACHE=1 run "$r" check --base main
cp "$out" "$reftext"

# cold, then warm
run_watched "$r" check --base main --format json
expect_status 0 "cold cache: exit 0"
cmp -s "$out" "$ref"; _report $? "cold cache: the same report" "$(diff "$ref" "$out" | head)"
expect_untouched "the cache is not in the working tree or the index"
[ -f "$cache" ]; _report $? "the cache is in the git directory (.git/promptcost/tokens.cache)"
size=$(wc -c <"$cache")
# header 16 bytes, 64 a record: plain (2 sides, and its diff's figures),
# multi, vars; chat (front matter) and included (a partial) are never cached
expect_eq "$size" $((16 + 5 * 64)) "the cache holds the counts of plain files only (5 records)"
cp "$cache" "$TEST_TMP/good.cache"
run "$r" check --base main --format json
cmp -s "$out" "$ref"; _report $? "warm cache: the same report"
cmp -s "$cache" "$TEST_TMP/good.cache"; _report $? "warm cache: nothing new, the file is not rewritten"
run "$r" check --base main
cmp -s "$out" "$reftext"; _report $? "warm cache: the same text report"
PROMPTCOST_NO_CACHE=1 run "$r" check --base main --format github
cp "$out" "$TEST_TMP/ref.github"
grep -q '^::notice file=prompts/plain.md,line=3,' "$out"
_report $? "the GitHub annotation points at the first changed line (3)" "$(cat "$out")"
run "$r" check --base main --format github
cmp -s "$out" "$TEST_TMP/ref.github"; _report $? "warm cache: the same GitHub annotations" \
	"$(diff "$TEST_TMP/ref.github" "$out")"
# warm, a modified one-file template is not read at all: both its blobs can be gone
mkdir -p "$TEST_TMP/objects"
for rev in main change; do
	o=$(git -C "$r" rev-parse "$rev:prompts/plain.md")
	obj=$r/.git/objects/$(printf '%s' "$o" | cut -c1-2)/$(printf '%s' "$o" | cut -c3-)
	mv "$obj" "$TEST_TMP/objects/$o"
done
run "$r" check --base main --format json
expect_status 0 "warm cache, the modified template's two blobs deleted: still checks"
cmp -s "$out" "$ref"; _report $? "warm cache, its blobs deleted: the same report (they were not read)"
PROMPTCOST_NO_CACHE=1 run "$r" check --base main --format json
[ "$status" -ge 2 ]; _report $? "without the cache, the deleted blobs are missed (exit $status)"
for o in "$TEST_TMP"/objects/*; do
	o=$(basename "$o")
	mv "$TEST_TMP/objects/$o" "$r/.git/objects/$(printf '%s' "$o" | cut -c1-2)/$(printf '%s' "$o" | cut -c3-)"
done

# any one damaged byte: the record (or, in the header, the file) is not trusted
bad=0
n=0
while [ "$n" -lt "$size" ]; do
	cp "$TEST_TMP/good.cache" "$cache"
	b=$(od -An -tu1 -j "$n" -N1 "$cache" | tr -d ' ')
	printf "\\$(printf '%03o' $(((b + 1) % 256)))" |
		dd of="$cache" bs=1 seek="$n" conv=notrunc 2>/dev/null
	(cd "$r" && "$PROMPTCOST" check --base main --format json >"$TEST_TMP/o.json" 2>/dev/null)
	cmp -s "$TEST_TMP/o.json" "$ref" || { bad=$((bad + 1)); echo "# byte $n: report differs"; }
	n=$((n + 1))
done
expect_eq "$bad" 0 "each of the $size bytes damaged in turn: the report is unchanged"
cmp -s "$cache" "$TEST_TMP/good.cache"; _report $? "a damaged cache is rebuilt to the same records"

# truncated at every length
bad=0
n=0
while [ "$n" -lt "$size" ]; do
	head -c "$n" "$TEST_TMP/good.cache" >"$cache"
	(cd "$r" && "$PROMPTCOST" check --base main --format json >"$TEST_TMP/o.json" 2>/dev/null)
	cmp -s "$TEST_TMP/o.json" "$ref" || { bad=$((bad + 1)); echo "# length $n: report differs"; }
	n=$((n + 1))
done
expect_eq "$bad" 0 "truncated at each of $size lengths: the report is unchanged"

# the parsed-configuration cache: the interpreted configuration, keyed by its blob id and the build
tree=$(ls "$r"/.git/promptcost/config-"$(git -C "$r" rev-parse main:.promptcost.yml)"-*.snap)
[ -f "$tree" ]; _report $? "the parsed configuration is cached under its blob id"
cp "$tree" "$TEST_TMP/good.snap"
tsize=$(wc -c <"$tree")
bad=0
n=0
while [ "$n" -lt "$tsize" ]; do
	cp "$TEST_TMP/good.snap" "$tree"
	b=$(od -An -tu1 -j "$n" -N1 "$tree" | tr -d ' ')
	printf "\\$(printf '%03o' $(((b + 1) % 256)))" |
		dd of="$tree" bs=1 seek="$n" conv=notrunc 2>/dev/null
	(cd "$r" && "$PROMPTCOST" check --base main --format json >"$TEST_TMP/o.json" 2>/dev/null)
	cmp -s "$TEST_TMP/o.json" "$ref" || { bad=$((bad + 1)); echo "# snapshot byte $n: report differs"; }
	n=$((n + 1))
done
expect_eq "$bad" 0 "the parsed configuration's $tsize bytes damaged in turn: the report is unchanged"
cmp -s "$tree" "$TEST_TMP/good.snap"; _report $? "a damaged parsed configuration is rebuilt"
bad=0
n=0
while [ "$n" -lt "$tsize" ]; do
	head -c "$n" "$TEST_TMP/good.snap" >"$tree"
	(cd "$r" && "$PROMPTCOST" check --base main --format json >"$TEST_TMP/o.json" 2>/dev/null)
	cmp -s "$TEST_TMP/o.json" "$ref" || { bad=$((bad + 1)); echo "# snapshot length $n: report differs"; }
	n=$((n + 7))
done
expect_eq "$bad" 0 "the parsed configuration truncated (every 7th length): the report is unchanged"
# an error in the configuration is located the same from the cache
sed 's/model: claude-like/model: claude-unknown/' "$r/.promptcost.yml" >"$TEST_TMP/badcfg.yml"
cp "$TEST_TMP/badcfg.yml" "$r/.promptcost.yml"
PROMPTCOST_NO_CACHE=1 run "$r" check
expect_status 2 "a configuration error, no cache: exit 2"
cp "$err" "$TEST_TMP/err.nocache"
run "$r" check
run "$r" check
expect_status 2 "a configuration error, with the cache: exit 2"
cmp -s "$err" "$TEST_TMP/err.nocache"; _report $? "a configuration error: the same located message with the cache" \
	"$(diff "$TEST_TMP/err.nocache" "$err")"
git -C "$r" checkout -q -- .promptcost.yml

# garbage of the right size, and a folder in the file's place
head -c "$size" /dev/urandom >"$cache"
run "$r" check --base main --format json
cmp -s "$out" "$ref"; _report $? "random bytes as the cache: the report is unchanged"
rm -f "$cache" && mkdir "$cache"
run "$r" check --base main --format json
expect_status 0 "a folder where the cache should be: still checks"
cmp -s "$out" "$ref"; _report $? "a folder where the cache should be: the same report"
rmdir "$cache"

# runs at once on a cold cache
for i in 1 2 3 4; do
	(cd "$r" && "$PROMPTCOST" check --base main --format json >"$TEST_TMP/p$i.json" 2>&1) &
done
wait
bad=0
for i in 1 2 3 4; do cmp -s "$TEST_TMP/p$i.json" "$ref" || bad=$((bad + 1)); done
expect_eq "$bad" 0 "four runs at once: four identical reports"
cmp -s "$cache" "$TEST_TMP/good.cache"; _report $? "four runs at once: the cache is whole"

# a linked worktree shares the common git directory's cache
wt=$TEST_TMP/wt
git -C "$r" worktree add -q "$wt" change 2>/dev/null || git -C "$r" worktree add -q --detach "$wt" change
rm -f "$cache"
run "$wt" check --base main --format json
cmp -s "$out" "$ref"; _report $? "worktree: the same report"
[ -f "$cache" ] && [ ! -e "$wt/.git/promptcost" ] && [ ! -e "$r/.git/worktrees/wt/promptcost" ]
_report $? "worktree: the cache is in the common git directory"

# the working tree: trusted through the index's stat data only while it holds
git -C "$r" checkout -q -f change
run "$r" check --format json
cp "$out" "$TEST_TMP/wt-clean.json"
PROMPTCOST_NO_CACHE=1 run "$r" check --format json
cmp -s "$out" "$TEST_TMP/wt-clean.json"; _report $? "working tree, unchanged: the same report with the cache"
# the same size, the old modification time: the change time still tells
f=$r/prompts/multi/2.md
touch -r "$f" "$TEST_TMP/stamp"
sed -i 's/neutral/NEUTRAL/' "$f"
touch -r "$TEST_TMP/stamp" "$f"
run "$r" check --format json
expect_eq "$(json "$out" '.templates[] | select(.id=="multi") | .change')" modified \
	"working tree: an edit of the same size and time is seen (ctime)"
cp "$out" "$TEST_TMP/wt-edit.json"
PROMPTCOST_NO_CACHE=1 run "$r" check --format json
cmp -s "$out" "$TEST_TMP/wt-edit.json"; _report $? "working tree, edited: the same report with and without the cache"
git -C "$r" add -A
run "$r" check --staged --format json
cp "$out" "$TEST_TMP/staged.json"
PROMPTCOST_NO_CACHE=1 run "$r" check --staged --format json
cmp -s "$out" "$TEST_TMP/staged.json"; _report $? "staged: the same report with and without the cache"

finish
