#!/bin/sh
# Attack tests of the sides of a comparison (issue 8): a pull-request author
# who is not an approver tries to get the demo's +$2,160.00-a-month change,
# blocked by `check --base main`, through by making the prompt vanish
# (rename, NUL byte, submodule, LFS pointer, deletion with the entry kept, the
# head's configuration dropping the template), by pointing `files` at a stub,
# or by branching from an old main whose policy was permissive. Each attack
# must end blocked (exit 1) or refused as an input error (exit 2).
. "$(dirname "$0")/lib.sh"

config() { # config DIR [UNAPPROVED] [FILES]: the demo's configuration, a cost event at $500
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
    monthly_budget: 25000
    limit: hard
    other_monthly_spend: 12000
templates:
  - id: document-summarization
    files: [${3:-prompts/summarize/system.md}]
    team: records-management
    use_case: document-summarization
    model: gpt-4-class
    calls_per_day: 15000
    output_tokens_per_call: 0
policy:
  cost_event:
    monthly_delta: 500
  unapproved_cost_event: ${2:-block}
  approvers: [release-manager@agency.gov]
EOF
}

# fixture NAME: main with the demo prompt; HEAD on branch 'attack', not yet changed
fixture() {
	r=$TEST_TMP/$1
	new_repo "$r"
	config "$r"
	mkdir -p "$r/prompts/summarize"
	cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
	commit_all "$r" "base"
	git -C "$r" checkout -q -b attack
	git -C "$r" config user.email author@example.com # the PR author, not an approver
}
grow() { cat "$PC_ROOT/demo/system-context.md" >>"$1"; }

# --- the baseline: the change itself is blocked ------------------------------
fixture baseline
grow "$r/prompts/summarize/system.md"
commit_all "$r" "more context"
run "$r" check --base main
expect_status 1 "baseline: the +\$2,160.00 change is blocked"
expect_stdout_has '+$2,160.00' "baseline: the report shows +\$2,160.00 a month"

# --- the file renamed or moved, the glob unchanged --------------------------
# git's rename data follows a move (priced at the new path); moved and grown
# past git's 50% similarity, the file is gone from the head: an input error.
fixture renamed
mkdir -p "$r/prompts/v2"
git -C "$r" mv prompts/summarize/system.md prompts/v2/system.md
commit_all "$r" "move the prompt"
run "$r" check --base main --format json
expect_status 0 "renamed: a moved prompt is followed (no cost change)"
expect_eq "$(json "$out" '.templates[0].change')" "renamed" "renamed: the change is 'renamed'"
expect_eq "$(json "$out" '.templates[0].files | join(",")')" "prompts/v2/system.md" "renamed: priced at the new path"
expect_stderr_has "update the template's files in .promptcost.yml" "renamed: says to update the glob"
echo "One more rule: cite the record number." >>"$r/prompts/v2/system.md"
commit_all "$r" "grow the moved prompt a little"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.templates[0].change')" "renamed" "renamed: moved and edited is still 'renamed'"
expect_eq "$(json "$out" '.templates[0].delta_tokens > 0')" "true" "renamed: priced by the new content"
grow "$r/prompts/v2/system.md"
commit_all "$r" "grow it by the demo's context"
run "$r" check --base main
expect_status 2 "renamed: moved and grown past recognition is refused"
expect_stderr_has "a file of template 'document-summarization' is gone from the HEAD" "renamed: says the file is gone"

# --- one NUL byte makes the prompt binary ----------------------------------------
fixture nul
grow "$r/prompts/summarize/system.md"
printf '\0' >>"$r/prompts/summarize/system.md"
commit_all "$r" "grow, then one NUL byte"
run "$r" check --base main
expect_status 2 "nul: a binary prompt at the head is an input error"
expect_stderr_has "prompts/summarize/system.md: is a binary file in the HEAD" "nul: says the file is binary"
expect_stderr_has "remove the template from .promptcost.yml in the same change" "nul: says how to fix it"

# --- the prompt replaced by a submodule -----------------------------------------
fixture submodule
blob=$(git -C "$r" rev-parse HEAD)
git -C "$r" rm -q --cached prompts/summarize/system.md
rm "$r/prompts/summarize/system.md"
git -C "$r" update-index --add --cacheinfo "160000,$blob,prompts/summarize/system.md"
grow "$r/prompts/summarize/context.md"
GIT_AUTHOR_DATE="@1700009000 +0000" GIT_COMMITTER_DATE="@1700009000 +0000" \
	git -C "$r" commit -q -m "the prompt is a submodule now"
run "$r" check --base main
expect_status 2 "submodule: a submodule at the head is an input error"
expect_stderr_has "prompts/summarize/system.md: is a submodule, not a prompt" "submodule: says it is a submodule"

# --- the prompt stored as a Git LFS pointer -------------------------------------
fixture lfs
printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 9000\n' \
	"$(printf '%064d' 7)" >"$r/prompts/summarize/system.md"
commit_all "$r" "the prompt moves to LFS"
run "$r" check --base main
expect_status 2 "lfs: an LFS pointer at the head is an input error"
expect_stderr_has "is a Git LFS pointer in the HEAD" "lfs: says it is an LFS pointer"

# --- the file deleted, its entry kept ------------------------------------------
fixture deleted
git -C "$r" rm -q prompts/summarize/system.md
commit_all "$r" "delete the prompt file only"
run "$r" check --base main
expect_status 2 "deleted: a listed file gone from the head is an input error"
expect_stderr_has "prompts/summarize/system.md: a file of template 'document-summarization' is gone from the HEAD" "deleted: names the file and the template"
expect_stderr_has "restore the file, or remove the template from .promptcost.yml in the same change" "deleted: says how to fix it"

# --- the head points files at a stub ---------------------------------------------
fixture stub
echo "Summarize." >"$r/prompts/summarize/stub.md"
grow "$r/prompts/summarize/system.md"
config "$r" block prompts/summarize/stub.md
commit_all "$r" "point the template at a stub"
run "$r" check --base main --format json
expect_status 1 "stub: repointing files at a stub is still blocked"
expect_eq "$(json "$out" '.templates[0].files | join(",")')" "prompts/summarize/stub.md,prompts/summarize/system.md" "stub: the head is judged by both globs"
expect_eq "$(json "$out" '[.pending[] | select(test("files: prompts/summarize/system.md -> prompts/summarize/stub.md"))] | length')" "1" "stub: the glob change takes effect after merge"

# --- branching from an old main whose policy was permissive --------------------
r=$TEST_TMP/old-policy
new_repo "$r"
config "$r" warn
mkdir -p "$r/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
commit_all "$r" "base, unapproved cost events only warn"
git -C "$r" branch attack
config "$r" block
commit_all "$r" "main tightens: unapproved cost events block"
git -C "$r" checkout -q attack
grow "$r/prompts/summarize/system.md"
commit_all "$r" "more context, on the old main"
run "$r" check --base main --format json
expect_status 1 "old-policy: main's tightened policy judges the old branch"
expect_eq "$(json "$out" .policy)" "$(git -C "$r" rev-parse main)" "old-policy: json policy is main's tip"
expect_eq "$(json "$out" .base)" "$(git -C "$r" rev-parse main~1)" "old-policy: texts compared from the merge base"
run "$r" check --base main
expect_stdout_has "policy: main ($(git -C "$r" rev-parse --short main))" "old-policy: the text report says where the policy came from"

# --- the head's configuration drops the template, the file kept -------------------
fixture dropped
grow "$r/prompts/summarize/system.md"
sed -i '/^templates:/,/^policy:/{/^policy:/!d}' "$r/.promptcost.yml"
sed -i 's/^policy:/templates: []\npolicy:/' "$r/.promptcost.yml"
commit_all "$r" "stop configuring the template"
run "$r" check --base main --format json
expect_status 1 "dropped: a template the head drops is judged as the base sees it"
expect_eq "$(json "$out" '.monthly_delta')" "2160.00" "dropped: +2160.00 a month"
expect_eq "$(json "$out" '[.pending[] | select(test("template .document-summarization. removed from the configuration"))] | length')" "1" "dropped: listed under takes effect after merge"

# --- the head's configuration turned into a link --------------------------------
fixture link
grow "$r/prompts/summarize/system.md"
config "$r" warn
mv "$r/.promptcost.yml" "$r/prompts/permissive.yml"
ln -s prompts/permissive.yml "$r/.promptcost.yml"
commit_all "$r" "the configuration is a link to a permissive one"
run "$r" check --base main
expect_status 2 "link: a configuration that is a link at the head is refused"
expect_stderr_has ".promptcost.yml: the configuration is a symbolic link in the HEAD" "link: says it is a link"

# --- --config is relative to the current directory, and read at each side -----
fixture subdir
mkdir -p "$r/conf"
git -C "$r" mv .promptcost.yml conf/promptcost.yml
commit_all "$r" "the configuration moves to conf/ on main" && git -C "$r" branch -f main HEAD
config "$r/conf" warn && mv "$r/conf/.promptcost.yml" "$r/conf/promptcost.yml"
grow "$r/prompts/summarize/system.md"
commit_all "$r" "grow, and relax the policy in the head"
run "$r/conf" check --base main --config promptcost.yml
expect_status 1 "subdir: --config from a subdirectory is read at each side (the base's policy blocks)"
run "$r/prompts" check --base main --config "$r/conf/promptcost.yml"
expect_status 1 "subdir: an absolute --config inside the repository is read at each side too"

# --- a configuration over the size limit ----------------------------------------
fixture big
{ cat "$r/.promptcost.yml"; head -c 16800000 /dev/zero | tr '\0' '#'; echo; } >"$r/big.yml"
mv "$r/big.yml" "$r/.promptcost.yml"
run "$r" check
expect_status 2 "big: an oversized configuration is an input error"
expect_stderr_has "the configuration is 1" "big: says the configuration is too large"
expect_stderr_has "limit for a configuration" "big: with its own message, not the template one"

finish
