#!/bin/sh
# End-to-end tests of `promptcost init`: it writes the starter configuration
# at the repository root (from any subfolder), never overwrites an existing
# file, falls back to the current folder outside a repository and says so,
# and leaves the index and every other file alone.
. "$(dirname "$0")/lib.sh"

repo="$TEST_TMP/repo"
new_repo "$repo"
mkdir -p "$repo/prompts/summarize"
printf 'Summarize the document.\n' >"$repo/prompts/summarize/system.md"
commit_all "$repo" "a prompt"
before=$(repo_state "$repo" | grep -v -e '\.promptcost\.yml' -e '\.git/index')

run "$repo/prompts/summarize" init
expect_status 0 "init in a subfolder succeeds"
expect_eq "$(head -n 1 "$out")" "wrote $repo/.promptcost.yml" "init says where it wrote"
expect_stdout_has "then run 'promptcost check'" "init says what to do next"
expect_eq "$(cat "$err")" "" "init inside a repository prints nothing on stderr"
[ -f "$repo/.promptcost.yml" ]; _report $? "the file is at the repository root"
[ ! -e "$repo/prompts/summarize/.promptcost.yml" ]; _report $? "not in the current subfolder"
head -n 1 "$repo/.promptcost.yml" | grep -q '^# promptcost configuration'
_report $? "the file is the commented starter"
grep -q '^version: 1' "$repo/.promptcost.yml"; _report $? "the starter declares version 1"
expect_eq "$(ls -a "$repo" | grep -c 'promptcost.yml.tmp')" "0" "no temporary file is left"
expect_eq "$(git -C "$repo" status --porcelain)" "?? .promptcost.yml" "only the new file is untracked"
after=$(repo_state "$repo" | grep -v -e '\.promptcost\.yml' -e '\.git/index')
expect_eq "$after" "$before" "nothing else in the repository changed"
git -C "$repo" diff --cached --quiet; _report $? "the index is untouched"

printf 'version: 1\n# mine\n' >"$repo/.promptcost.yml"
run "$repo" init
expect_status 2 "init refuses to overwrite an existing file"
expect_stderr_has "promptcost: '$repo/.promptcost.yml' already exists; init never overwrites it" \
	"the refusal names the file"
expect_eq "$(cat "$repo/.promptcost.yml")" "$(printf 'version: 1\n# mine')" \
	"the existing file is unchanged"
expect_eq "$(cat "$out")" "" "a refusal prints nothing on stdout"

rm "$repo/.promptcost.yml"
ln -s missing-target "$repo/.promptcost.yml"
run "$repo" init
expect_status 2 "init refuses to write through a dangling symbolic link"
[ -L "$repo/.promptcost.yml" ] && [ ! -e "$repo/missing-target" ]
_report $? "the link and its target are left alone"
rm "$repo/.promptcost.yml"

plain="$TEST_TMP/plain"
mkdir -p "$plain"
# a ceiling keeps git from finding a repository above the temporary folder
GIT_CEILING_DIRECTORIES="$TEST_TMP" run "$plain" init
expect_status 0 "init outside a repository succeeds"
expect_stderr_has "not inside a git repository; writing .promptcost.yml in the current folder" \
	"init says it is not in a repository"
[ -f "$plain/.promptcost.yml" ]; _report $? "the file is in the current folder"
head -n 1 "$plain/.promptcost.yml" | grep -q '^# promptcost configuration'
_report $? "it is the starter there too"

fresh="$TEST_TMP/fresh"
new_repo "$fresh"
mkdir -p "$fresh/prompts/summarize"
printf 'Summarize the document in three sentences.\n' >"$fresh/prompts/summarize/system.md"
run "$fresh" init
expect_status 0 "init in a fresh repository succeeds"
run "$fresh" check
[ "$status" = 0 ] || [ "$status" = 1 ]
_report $? "check accepts the starter as written (exit 0 or 1, not a config error)" "$(_context)"
expect_stdout_has "document-summarization" "check reports the starter's template"

run "$repo" init --help
expect_status 0 "init --help succeeds"
expect_stdout_has "usage: promptcost init" "init --help shows the usage"
expect_stdout_has "never overwrites" "init --help says it never overwrites"

run "$repo" init --force
expect_status 2 "init rejects an unknown option"
expect_stderr_has "promptcost init: unknown option '--force'" "the unknown option is named"

run "$repo" init extra
expect_status 2 "init rejects an argument"
expect_stderr_has "promptcost init: unexpected argument 'extra'" "the argument is named"

finish
