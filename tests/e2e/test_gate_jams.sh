#!/bin/sh
# The gate never jams (issue 8): deleting a template's file and its entry, in
# one commit or in two (entry first, or file first committed earlier), goes
# through the installed pre-commit hook with real `git commit`s; a repository
# that never adopted promptcost commits freely through a shared core.hooksPath;
# the shallow-clone hint works in a real single-branch clone.
. "$(dirname "$0")/lib.sh"
export PROMPTCOST

config() { # config DIR WITH_TEMPLATE
	{
		printf 'version: 1\nmodels:\n  m:\n    encoding: cl100k_base\n    input_per_1k: 0.012\n'
		printf '    output_per_1k: 0.024\n'
		if [ "$2" = yes ]; then
			printf 'templates:\n  - id: t\n    files: [prompts/t.md]\n    model: m\n    calls_per_day: 100\n'
		else
			printf 'templates: []\n'
		fi
	} >"$1/.promptcost.yml"
}

# hooked NAME: a repository with one template, its hook installed
hooked() {
	r=$TEST_TMP/$1
	new_repo "$r"
	config "$r" yes
	mkdir -p "$r/prompts" && echo "Summarize the record." >"$r/prompts/t.md"
	commit_all "$r" "base"
	run "$r" install-hook
	expect_status 0 "$1: install-hook"
}
commit() { # commit DIR NAME: a real git commit through the hook
	(cd "$1" && git commit -q -m "$2") >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"
	status=$? out=$TEST_TMP/stdout err=$TEST_TMP/stderr
}

hooked one-commit
git -C "$r" rm -q prompts/t.md && config "$r" no && git -C "$r" add -A
commit "$r" "delete the file and its entry"
expect_status 0 "one-commit: file and entry deleted together commit"

hooked entry-first
config "$r" no && git -C "$r" add -A
commit "$r" "drop the entry"
expect_status 0 "entry-first: dropping the entry commits"
git -C "$r" rm -q prompts/t.md
commit "$r" "then the file"
expect_status 0 "entry-first: then deleting the file commits"

hooked file-first
git -C "$r" rm -q prompts/t.md
commit "$r" "delete the file only"
expect_status 1 "file-first: deleting the file alone is refused by the hook (git commit fails)"
expect_stderr_has "restore the file, or remove the template" "file-first: the hook says how to fix it"
(cd "$r" && git commit -q --no-verify -m "delete the file only (bypassed)")
echo "notes" >"$r/README" && git -C "$r" add README
commit "$r" "an unrelated commit"
expect_status 0 "file-first: later commits are not jammed"
expect_stderr_has "matches no file on either side" "file-first: the stale glob is a warning"
config "$r" no && git -C "$r" add -A
commit "$r" "then the entry"
expect_status 0 "file-first: then dropping the entry commits"

# a repository that never adopted promptcost, with a shared hooks folder
shared=$TEST_TMP/shared-hooks
hooked adopter
mkdir -p "$shared" && cp "$r/.git/hooks/pre-commit" "$shared/pre-commit"
r=$TEST_TMP/never
new_repo "$r"
git -C "$r" config core.hooksPath "$shared"
echo hello >"$r/file" && git -C "$r" add file
commit "$r" "first commit, no promptcost here"
expect_status 0 "never-adopted: commits through the shared hook"
expect_stderr_has "promptcost: note: no .promptcost.yml on either side" "never-adopted: one-line note"
expect_eq "$(grep -c . "$err")" "1" "never-adopted: the note is one line"

# a file a template lists, renamed within a branch, is renamed at --base main
r=$TEST_TMP/branch-rename
new_repo "$r"
config "$r" yes
mkdir -p "$r/prompts" && cp "$PC_ROOT/demo/system.md" "$r/prompts/t.md"
commit_all "$r" "base"
git -C "$r" checkout -q -b feature
git -C "$r" mv prompts/t.md prompts/t2.md && sed -i 's#prompts/t.md#prompts/t2.md#' "$r/.promptcost.yml"
commit_all "$r" "rename"
echo "x" >"$r/other" && commit_all "$r" "later"
git -C "$r" checkout -q main && echo y >"$r/main-only" && commit_all "$r" "main moves on"
git -C "$r" checkout -q feature
run "$r" check --base main --format json
expect_status 0 "branch-rename: passes"
expect_eq "$(json "$out" '.templates[0].change')" "renamed" "branch-rename: renamed at --base main"

# the shallow hint in a single-branch clone, followed to the letter
o=$TEST_TMP/origin
new_repo "$o" && config "$o" yes && mkdir -p "$o/prompts" && echo "one" >"$o/prompts/t.md"
commit_all "$o" "one" && echo "two" >>"$o/prompts/t.md" && commit_all "$o" "two"
git -C "$o" checkout -q -b feature && echo "three" >>"$o/prompts/t.md" && commit_all "$o" "three"
git -C "$o" checkout -q main && echo "n" >"$o/n" && commit_all "$o" "main moves on"
c=$TEST_TMP/clone
git clone -q --depth 1 -b feature "file://$o" "$c"
run "$c" check --base origin/main
expect_status 3 "shallow: origin/main is missing from the single-branch clone"
expect_stderr_has "git fetch --deepen=100 origin main:refs/remotes/origin/main" "shallow: the hint names a fetch with a destination"
hint=$(sed -n "s/.*fetch it with '\([^']*\)'.*/\1/p" "$err")
(cd "$c" && $hint -q)
run "$c" check --base origin/main
expect_status 0 "shallow: after the hinted fetch, the check runs"

finish
