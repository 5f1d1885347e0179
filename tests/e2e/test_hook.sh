# The pre-commit hook end to end: `promptcost install-hook` in real
# repositories (fresh, core.hooksPath, someone else's hook in the way,
# --chain, --force, again), then real `git commit`s through the installed
# hook: blocked (index, working tree and HEAD untouched), allowed, bypassed
# with --no-verify, and with promptcost missing.
. "$(dirname "$0")/lib.sh"

pc_dir=$(cd "$(dirname "$PROMPTCOST")" && pwd)
hook_src="$PC_ROOT/hooks/pre-commit"

# run_in DIR COMMAND...: like run, for any command (git commit through the hook)
run_in() {
	_dir=$1; shift
	out="$TEST_TMP/stdout" err="$TEST_TMP/stderr"
	(cd "$_dir" && "$@") >"$out" 2>"$err"
	status=$?
}

# expect_true NAME COMMAND...: the command succeeds
expect_true() {
	_name=$1; shift
	"$@"; _report $? "$_name" "failed: $*
$(_context)"
}

# sha FILE: the file's sha256, or "absent"
sha() {
	if [ -e "$1" ]; then sha256sum <"$1" | cut -d' ' -f1; else echo absent; fi
}

# listing DIR: the names in a folder, one a line
listing() {
	ls -A "$1" | sort
}

# snapshot DIR: everything a hook must not change. `git commit` itself
# rewrites the index before it runs the hook (it refreshes the stat data and
# the cache tree), so the index is put in that state first with
# `git status` and `git write-tree`: what differs afterwards is the hook's doing.
snapshot() {
	(cd "$1" && git status >/dev/null && git write-tree >/dev/null)
	(cd "$1" && git ls-files -s && echo "--" && git status --porcelain=v1 --untracked-files=all &&
		echo "--" && sha256sum .git/index && git rev-parse HEAD) >"$2"
	repo_state "$1" >>"$2"
}

# The fixture: one template of the seed example's shape under a hard team
# budget of $4,000 a month. At HEAD it costs $2,732.40 (6 prompt tokens and
# 250 output tokens per call, 15,000 calls a day); 1,800 more prompt tokens
# add $9,720 and break the budget, a few tokens add some $20 and pass.
# make_fixture DIR [BUDGET [POLICY]]: another budget, and a policy section.
make_fixture() {
	new_repo "$1" && mkdir -p "$1/prompts" && cat >"$1/.promptcost.yml" <<EOF &&
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
    monthly_budget: ${2:-4000}
    limit: hard

templates:
  - id: document-summarization
    files: [prompts/summarize.md]
    team: records-management
    use_case: document-summarization
    model: gpt-4-class
    calls_per_day: 15000
    output_tokens_per_call: 250
${3:-}
EOF
	printf 'Summarize the document.\n' >"$1/prompts/summarize.md" &&
	printf 'notes\n' >"$1/README.md" &&
	commit_all "$1" "fixture: a template within budget"
}

# over_budget DIR: grows the template past the hard budget (not staged)
over_budget() {
	yes 'Consider every clause of the document carefully and cite the page it is on.' |
		head -n 120 >>"$1/prompts/summarize.md"
}

# within_budget DIR: a small change that stays within the budget (not staged)
within_budget() {
	printf 'Be brief.\n' >>"$1/prompts/summarize.md"
}

# A PATH with what the hook and git need, and no promptcost.
nopc_bin="$TEST_TMP/nopc-bin"
mkdir -p "$nopc_bin"
for tool in git sh dirname cat; do
	ln -s "$(command -v "$tool")" "$nopc_bin/$tool"
done

# --- install-hook ---------------------------------------------------------

r="$TEST_TMP/fresh"
new_repo "$r"
run "$r" install-hook
expect_status 0 "install-hook installs into a fresh repository"
expect_stdout_has "installed the promptcost pre-commit hook" "install-hook says it installed the hook"
expect_true "the installed hook is hooks/pre-commit byte for byte" cmp -s "$r/.git/hooks/pre-commit" "$hook_src"
expect_eq "$(stat -c %a "$r/.git/hooks/pre-commit")" 755 "the installed hook has mode 0755"

before=$(listing "$r/.git/hooks")
sum=$(sha "$r/.git/hooks/pre-commit")
run "$r" install-hook
expect_status 0 "install-hook again is harmless"
expect_stdout_has "already installed" "install-hook again says the hook is already installed"
expect_eq "$(sha "$r/.git/hooks/pre-commit"):$(listing "$r/.git/hooks")" "$sum:$before" \
	"install-hook again changes no file in the hooks folder"

chmod 644 "$r/.git/hooks/pre-commit"
run "$r" install-hook
expect_status 0 "install-hook over a non-executable copy of its hook"
expect_eq "$(stat -c %a "$r/.git/hooks/pre-commit")" 755 "a non-executable copy of the hook is made executable"

r="$TEST_TMP/nohooks"
new_repo "$r"
rm -rf "$r/.git/hooks"
run "$r" install-hook
expect_status 0 "install-hook creates a missing hooks folder"
expect_true "the hook is in the re-created .git/hooks" cmp -s "$r/.git/hooks/pre-commit" "$hook_src"

r="$TEST_TMP/hookspath"
new_repo "$r"
mkdir -p "$r/sub/dir"
git -C "$r" config core.hooksPath .githooks
run "$r/sub/dir" install-hook
expect_status 0 "install-hook honours core.hooksPath (from a subfolder)"
expect_true "a relative core.hooksPath is taken from the top of the working tree" \
	cmp -s "$r/.githooks/pre-commit" "$hook_src"
expect_eq "$(sha "$r/.git/hooks/pre-commit")" absent "with core.hooksPath nothing is written in .git/hooks"
expect_stdout_has "$r/.githooks/pre-commit" "install-hook names where it installed the hook"

r="$TEST_TMP/abspath"
new_repo "$r"
git -C "$r" config core.hooksPath "$TEST_TMP/shared-hooks/nested"
run "$r" install-hook
expect_status 0 "install-hook with an absolute core.hooksPath that does not exist yet"
expect_true "the absolute core.hooksPath folder is created with the hook" \
	cmp -s "$TEST_TMP/shared-hooks/nested/pre-commit" "$hook_src"

r="$TEST_TMP/linked"
new_repo "$r"
commit_all "$r" "a first commit for the worktree"
git -C "$r" worktree add -q "$TEST_TMP/linked-wt" 2>/dev/null
run "$TEST_TMP/linked-wt" install-hook
expect_status 0 "install-hook from a linked worktree"
expect_true "a linked worktree's hook goes to the shared .git/hooks" \
	cmp -s "$r/.git/hooks/pre-commit" "$hook_src"

r="$TEST_TMP/other"
new_repo "$r"
printf '#!/bin/sh\necho "lint hook ran" >&2\n' >"$r/.git/hooks/pre-commit"
chmod 755 "$r/.git/hooks/pre-commit"
before=$(listing "$r/.git/hooks")
sum=$(sha "$r/.git/hooks/pre-commit")
run "$r" install-hook
expect_status 2 "install-hook refuses to replace a different hook"
expect_stderr_has "$r/.git/hooks/pre-commit" "the refusal names the hook in the way"
expect_stderr_has "install-hook --chain" "the refusal offers --chain"
expect_stderr_has "install-hook --force" "the refusal offers --force"
expect_eq "$(sha "$r/.git/hooks/pre-commit"):$(listing "$r/.git/hooks")" "$sum:$before" \
	"a refused install-hook changes nothing"

run "$r" install-hook --chain --force
expect_status 2 "--chain and --force together are a usage error"
run "$r" install-hook --frobnicate
expect_status 2 "an unknown option is a usage error"
expect_eq "$(sha "$r/.git/hooks/pre-commit"):$(listing "$r/.git/hooks")" "$sum:$before" \
	"usage errors change nothing"

run "$r" install-hook --chain
expect_status 0 "install-hook --chain keeps the existing hook"
expect_eq "$(sha "$r/.git/hooks/pre-commit.chained")" "$sum" "--chain moves the old hook to pre-commit.chained"
expect_eq "$(stat -c %a "$r/.git/hooks/pre-commit.chained")" 755 "the chained hook keeps its mode"
expect_true "--chain installs the promptcost hook" cmp -s "$r/.git/hooks/pre-commit" "$hook_src"
expect_stdout_has "pre-commit.chained" "--chain says where the old hook went"

printf '#!/bin/sh\nexit 0\n' >"$r/.git/hooks/pre-commit"
sum=$(sha "$r/.git/hooks/pre-commit")
run "$r" install-hook --chain
expect_status 2 "--chain refuses when pre-commit.chained is already taken"
expect_stderr_has "pre-commit.chained" "the refusal names the taken pre-commit.chained"
expect_eq "$(sha "$r/.git/hooks/pre-commit")" "$sum" "a refused --chain leaves the hook alone"

r="$TEST_TMP/force"
new_repo "$r"
printf '#!/bin/sh\necho first >&2\n' >"$r/.git/hooks/pre-commit"
chmod 750 "$r/.git/hooks/pre-commit"
sum=$(sha "$r/.git/hooks/pre-commit")
run "$r" install-hook --force
expect_status 0 "install-hook --force replaces a different hook"
expect_true "--force installs the promptcost hook" cmp -s "$r/.git/hooks/pre-commit" "$hook_src"
expect_eq "$(sha "$r/.git/hooks/pre-commit.backup")" "$sum" "--force keeps the old hook as pre-commit.backup"
expect_eq "$(stat -c %a "$r/.git/hooks/pre-commit.backup")" 750 "the backup keeps the old hook's mode"
expect_stdout_has "$r/.git/hooks/pre-commit.backup" "--force says where the backup is"
printf '#!/bin/sh\necho second >&2\n' >"$r/.git/hooks/pre-commit"
sum2=$(sha "$r/.git/hooks/pre-commit")
run "$r" install-hook --force
expect_status 0 "install-hook --force a second time"
expect_eq "$(sha "$r/.git/hooks/pre-commit.backup"):$(sha "$r/.git/hooks/pre-commit.backup.1")" \
	"$sum:$sum2" "a second --force never overwrites the first backup"

r="$TEST_TMP/older"
new_repo "$r"
sed 's/check --staged/check --staged --format text/' "$hook_src" >"$r/.git/hooks/pre-commit"
run "$r" install-hook --chain
expect_status 2 "--chain refuses to chain another version of the promptcost hook"
expect_stderr_has "another version of the promptcost hook" "the refusal says the hook is another version of ours"

mkdir -p "$TEST_TMP/not-a-repo"
(cd "$TEST_TMP/not-a-repo" && GIT_CEILING_DIRECTORIES="$TEST_TMP" "$PROMPTCOST" install-hook) \
	>"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr"
status=$?
out="$TEST_TMP/stdout" err="$TEST_TMP/stderr"
expect_status 3 "install-hook outside a repository is a git error"

run "$r" install-hook --help
expect_status 0 "install-hook --help"
for word in --chain --force core.hooksPath pre-commit.chained pre-commit.backup "exit status" \
	"man promptcost-install-hook"; do
	expect_stdout_has "$word" "install-hook --help documents $word"
done
# the details are in the manual (--help stays short)
groff -man -Tutf8 -rHY=0 -rLL=1000n -P-c -P-b -P-u "$PC_ROOT/man/promptcost-install-hook.1" 2>/dev/null | tr -s ' \n' '  ' >"$TEST_TMP/page"
for word in --chain --force core.hooksPath pre-commit.chained pre-commit.backup --no-verify \
	PROMPTCOST "promptcost approve --staged" "EXIT STATUS"; do
	grep -qF -- "$word" "$TEST_TMP/page"
	_report $? "promptcost-install-hook(1) documents $word"
done

# --- git commit through the installed hook -------------------------------
# git commit exits 1 whatever status the hook failed with, so the hook's own
# status is checked by running it as git does (from the top of the working
# tree), and the commit's outcome through git commit.

# Blocked: the commit fails, and the index, the working tree and HEAD are as
# they were. The hook finds promptcost on PATH here.
r="$TEST_TMP/blocked"
make_fixture "$r"
run "$r" install-hook
over_budget "$r"
git -C "$r" add prompts/summarize.md
snapshot "$r" "$TEST_TMP/before"
run_in "$r" env -u PROMPTCOST PATH="$pc_dir:$PATH" git commit -m "grow the prompt"
expect_status 1 "a commit over a hard budget is blocked by the hook"
expect_stderr_has "commit blocked by the cost policy" "the hook says the commit is blocked by the policy"
expect_stderr_has "promptcost approve --staged" "a blocked commit says how to get an approval"
expect_stderr_has "git add .promptcost/approvals.yml" "a blocked commit says to stage the approval"
expect_stderr_has "--no-verify" "a blocked commit mentions --no-verify"
snapshot "$r" "$TEST_TMP/after"
expect_eq "$(diff "$TEST_TMP/before" "$TEST_TMP/after" && echo same)" same \
	"a blocked commit leaves the index, the working tree and HEAD exactly as they were"
run_in "$r" .git/hooks/pre-commit
expect_status 1 "the hook passes promptcost's exit 1 (blocked) through"
snapshot "$r" "$TEST_TMP/after"
expect_eq "$(diff "$TEST_TMP/before" "$TEST_TMP/after" && echo same)" same \
	"running the hook by hand changes nothing either"

# `git commit -a` stages into a temporary index (GIT_INDEX_FILE) that the
# hook must check: the change is only in the working tree here.
r="$TEST_TMP/blocked-a"
make_fixture "$r"
run "$r" install-hook
over_budget "$r"
head_before=$(git -C "$r" rev-parse HEAD)
snapshot "$r" "$TEST_TMP/before"
run_in "$r" git commit -a -m "grow the prompt"
expect_status 1 "git commit -a over a hard budget is blocked (the hook sees GIT_INDEX_FILE)"
snapshot "$r" "$TEST_TMP/after"
expect_eq "$(diff "$TEST_TMP/before" "$TEST_TMP/after" && echo same)" same \
	"a blocked commit -a leaves the index and the working tree as they were"
expect_eq "$(git -C "$r" rev-parse HEAD)" "$head_before" "a blocked commit -a does not move HEAD"

# A cost event is approvable: following the hook's instructions to the
# letter (approve --staged, git add the approvals) lets the commit through.
r="$TEST_TMP/approve"
ssh-keygen -q -t ed25519 -N '' -C rm -f "$TEST_TMP/rm-key"
make_fixture "$r" 100000 "policy:
  cost_event:
    monthly_delta: 500
  unapproved_cost_event: block
  approvers: [{id: release-manager@agency.gov, key: \"$(cat "$TEST_TMP/rm-key.pub")\"}]"
run "$r" install-hook
over_budget "$r"
git -C "$r" add prompts/summarize.md
head_before=$(git -C "$r" rev-parse HEAD)
run_in "$r" git commit -m "grow the prompt, a cost event"
expect_status 1 "an unapproved cost event is blocked by the hook"
expect_stderr_has "promptcost approve --staged" "the blocked cost event is told to get an approval"
run "$r" approve --staged --by release-manager@agency.gov --reason "budgeted" --key "$TEST_TMP/rm-key"
expect_status 0 "the release manager approves the staged change"
run_in "$r" git add .promptcost/approvals.yml
expect_status 0 "the approval is staged as the hook says"
run_in "$r" git commit -m "grow the prompt, approved"
expect_status 0 "the approved commit goes through the hook"
expect_true "the approved commit moved HEAD" [ "$(git -C "$r" rev-parse HEAD)" != "$head_before" ]
expect_true "the approval is committed with the change" \
	git -C "$r" cat-file -e HEAD:.promptcost/approvals.yml

# Bypassed with --no-verify.
r="$TEST_TMP/bypass"
make_fixture "$r"
run "$r" install-hook
over_budget "$r"
git -C "$r" add prompts/summarize.md
head_before=$(git -C "$r" rev-parse HEAD)
run_in "$r" git commit --no-verify -m "grow the prompt anyway"
expect_status 0 "git commit --no-verify bypasses the hook"
expect_true "the bypassed commit moved HEAD" [ "$(git -C "$r" rev-parse HEAD)" != "$head_before" ]

# Allowed: the hook passes (PROMPTCOST names the binary here).
r="$TEST_TMP/allowed"
make_fixture "$r"
run "$r" install-hook
within_budget "$r"
git -C "$r" add prompts/summarize.md
head_before=$(git -C "$r" rev-parse HEAD)
run_in "$r" git commit -m "a little more instruction"
expect_status 0 "a commit within budget goes through the hook"
expect_true "the allowed commit moved HEAD" [ "$(git -C "$r" rev-parse HEAD)" != "$head_before" ]
expect_eq "$(git -C "$r" status --porcelain)" "" "the allowed commit committed the staged change"

# promptcost missing: one line on stderr, and the commit goes through.
r="$TEST_TMP/missing"
make_fixture "$r"
run "$r" install-hook
over_budget "$r"
git -C "$r" add prompts/summarize.md
head_before=$(git -C "$r" rev-parse HEAD)
expect_true "the test PATH has no promptcost" env PATH="$nopc_bin" sh -c '! command -v promptcost'
run_in "$r" env -u PROMPTCOST PATH="$nopc_bin" git commit -m "no promptcost here"
expect_status 0 "without promptcost on PATH the commit goes through"
expect_stderr_has "promptcost: not installed" "without promptcost the hook says so"
expect_eq "$(grep -c promptcost "$err")" 1 "the missing-promptcost message is one line"
expect_true "the commit without promptcost moved HEAD" [ "$(git -C "$r" rev-parse HEAD)" != "$head_before" ]

r="$TEST_TMP/badenv"
make_fixture "$r"
run "$r" install-hook
within_budget "$r"
git -C "$r" add prompts/summarize.md
run_in "$r" env PROMPTCOST="$TEST_TMP/no/such/promptcost" git commit -m "bad PROMPTCOST"
expect_status 0 "a PROMPTCOST that is not an executable lets the commit through"
expect_stderr_has "$TEST_TMP/no/such/promptcost" "the hook names the PROMPTCOST it could not run"

# A broken configuration at HEAD: exit 2 stops the commit, with a hint.
r="$TEST_TMP/broken"
make_fixture "$r"
printf 'version: 1\nmodles: {}\n' >"$r/.promptcost.yml"
commit_all "$r" "break the configuration"
run "$r" install-hook
within_budget "$r"
git -C "$r" add prompts/summarize.md
snapshot "$r" "$TEST_TMP/before"
run_in "$r" git commit -m "on a broken configuration"
expect_status 1 "a broken configuration stops the commit"
expect_stderr_has "could not run (configuration or input error" "the hook explains a configuration error"
snapshot "$r" "$TEST_TMP/after"
expect_eq "$(diff "$TEST_TMP/before" "$TEST_TMP/after" && echo same)" same \
	"a commit stopped by a configuration error changes nothing"
run_in "$r" .git/hooks/pre-commit
expect_status 2 "the hook passes promptcost's exit 2 (configuration error) through"

# core.hooksPath: the hook installed there is the one git runs.
r="$TEST_TMP/hookspath-commit"
make_fixture "$r"
git -C "$r" config core.hooksPath .githooks
run "$r" install-hook
printf '.githooks/\n' >"$r/.git/info/exclude"
over_budget "$r"
git -C "$r" add prompts/summarize.md
run_in "$r" git commit -m "grow the prompt"
expect_status 1 "the hook installed in core.hooksPath blocks the commit"

# --chain: the old hook runs first; its failure stops the commit.
r="$TEST_TMP/chain-commit"
make_fixture "$r"
printf '#!/bin/sh\necho "lint hook ran" >&2\nexit "${LINT_STATUS:-0}"\n' >"$r/.git/hooks/pre-commit"
chmod 755 "$r/.git/hooks/pre-commit"
run "$r" install-hook --chain
over_budget "$r"
git -C "$r" add prompts/summarize.md
run_in "$r" git commit -m "grow the prompt"
expect_status 1 "with --chain a commit over budget is still blocked"
expect_stderr_has "lint hook ran" "with --chain the old hook runs too"
git -C "$r" reset -q --hard
within_budget "$r"
git -C "$r" add prompts/summarize.md
head_before=$(git -C "$r" rev-parse HEAD)
run_in "$r" env LINT_STATUS=7 git commit -m "the lint hook fails"
expect_status 1 "a failing chained hook stops the commit"
expect_stderr_has "pre-commit.chained' failed (exit 7)" "the hook says the chained hook failed"
expect_eq "$(git -C "$r" rev-parse HEAD)" "$head_before" "a failing chained hook does not let HEAD move"
run_in "$r" env LINT_STATUS=7 .git/hooks/pre-commit
expect_status 7 "the hook stops with the chained hook's own status"
run_in "$r" git commit -m "the lint hook passes"
expect_status 0 "with --chain an allowed commit goes through both hooks"
expect_stderr_has "lint hook ran" "the chained hook ran for the allowed commit"

finish
