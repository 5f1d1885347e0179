#!/bin/sh
# Approvals only the approver can make: entries signed with SSH keys made by
# ssh-keygen here, checked against the keys the base lists. The attacker is
# the author of the pull request (not an approver) with the demo's
# +$2,160.00-a-month change, blocked by `check --base main`.
. "$(dirname "$0")/lib.sh"

keys=$TEST_TMP/keys
mkdir -p "$keys"
for k in rm rm-new author; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$keys/$k"
done
fp() { ssh-keygen -lf "$keys/$1.pub" | cut -d' ' -f2; }
RM_KEY=$(cat "$keys/rm.pub")

# config DIR [EXTRA-POLICY-LINE]: two templates of the same prompt, one volume
config() {
	cat >"$1/.promptcost.yml" <<EOF
version: 1
models:
  gpt-4-class:
    encoding: cl100k_base
    input_per_1k: 0.012
    output_per_1k: 0.024
teams:
  records-management:
    monthly_budget: ${BUDGET:-100000}
    limit: hard
templates:
  - id: document-summarization
    files: [prompts/summarize/system.md]
    team: records-management
    model: gpt-4-class
    calls_per_day: 15000
  - id: document-summarization-eu
    files: [prompts/summarize-eu/system.md]
    team: records-management
    model: gpt-4-class
    calls_per_day: 15000
policy:
  cost_event:
    monthly_delta: 500
  unapproved_cost_event: block
  approvers:
    - {id: release-manager@agency.gov, key: "$RM_KEY"}
    - "github:octo-release"
${2:-}
EOF
}

# fixture NAME: main holds the prompts and the config; branch feature adds
# the demo's 400 tokens of context to document-summarization (+$2,160.00)
fixture() {
	r=$TEST_TMP/$1
	new_repo "$r"
	config "$r" "${2:-}"
	mkdir -p "$r/prompts/summarize" "$r/prompts/summarize-eu"
	cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
	cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize-eu/system.md"
	commit_all "$r" "base"
	git -C "$r" checkout -q -b feature
	cat "$PC_ROOT/demo/system-context.md" >>"$r/prompts/summarize/system.md"
	commit_all "$r" "more context for summaries"
}

# The canonical payload (include/promptcost/approvals.h), written by hand:
# payload TEMPLATE PATH BLOB DELTA BY AT
payload() {
	printf 'promptcost-approval v1\ntemplate %s\nfile %s %s\nmonthly_delta %s\napproved_by %s\napproved_at %s\n' \
		"$1" "$3" "$2" "$4" "$5" "$6"
}
# sign KEY FILE: ssh-keygen -Y sign, as anyone can run it; prints FILE.sig
sign() {
	rm -f "$2.sig"
	ssh-keygen -Y sign -n promptcost-approval -f "$keys/$1" "$2" 2>/dev/null && echo "$2.sig"
}
# approvals TEMPLATE PATH BLOB DELTA BY AT [SIGFILE]: an approvals file with one entry
approvals() {
	printf 'version: 1\napprovals:\n  - template: "%s"\n    files:\n      - path: "%s"\n        blob: "%s"\n    monthly_delta: "%s"\n    approved_by: "%s"\n    approved_at: "%s"\n' \
		"$1" "$2" "$3" "$4" "$5" "$6"
	if [ -n "${7:-}" ]; then
		echo "    signature: |"
		sed 's/^/      /' "$7"
	fi
}
# attack MESSAGE [CHECK-ARGS...]: the author commits the working tree as the
# attack, check --base main judges it, and the attack is undone
attack() {
	_m=$1; shift
	commit_all "$r" "$_m"
	run "$r" check --base main "$@"
	git -C "$r" reset -q --hard HEAD~1
}
field() { sed -n "s/^ *$1: \"\\(.*\\)\"\$/\\1/p" "$r/.promptcost/approvals.yml" | head -1; }

# --- the approval round trip ---
fixture gate
run "$r" check --base main
expect_status 1 "the demo's change is blocked at --base main"
run "$r" approve --base main --by release-manager@agency.gov --key "$keys/rm" --reason "budgeted in Q4"
expect_status 0 "the release manager approves with --key"
expect_stdout_has "approved document-summarization: up to +\$2,160.00 a month, by release-manager@agency.gov, signed" "approve says what it approved, signed"
expect_stdout_has "wrote .promptcost/approvals.yml" "and where"
expect_eq "$(grep -c -- '-----BEGIN SSH SIGNATURE-----' "$r/.promptcost/approvals.yml")" 1 "the entry carries an SSH signature"
commit_all "$r" "approval"
run "$r" check --base main
expect_status 0 "with the signed approval committed, check passes"
expect_stdout_has "approved by release-manager@agency.gov at" "the report names the approver"
blob=$(git -C "$r" rev-parse HEAD:prompts/summarize/system.md)
at=$(field approved_at)
cp "$r/.promptcost/approvals.yml" "$TEST_TMP/valid.yml"

# the payload written by hand is the one approve signed (so the forgeries
# below differ from a valid entry only in what each one changes)
payload document-summarization prompts/summarize/system.md "$blob" 2160.00 \
	release-manager@agency.gov "$at" >"$TEST_TMP/p"
printf 'reason budgeted in Q4\n' >>"$TEST_TMP/p"
expect_true() { _name=$1; shift; "$@"; _report $? "$_name"; }
sig=$(sed -n '/BEGIN SSH/,/END SSH/s/^      //p' "$r/.promptcost/approvals.yml")
printf '%s\n' "$sig" >"$TEST_TMP/valid.sig"
expect_true "approve's signature verifies with ssh-keygen over the documented payload" \
	sh -c "printf '%s\n' 'release-manager@agency.gov $RM_KEY' >'$TEST_TMP/allowed' &&
		ssh-keygen -Y verify -f '$TEST_TMP/allowed' -I release-manager@agency.gov \
		-n promptcost-approval -s '$TEST_TMP/valid.sig' <'$TEST_TMP/p' >/dev/null 2>&1"

# --- forgeries by the author, who is not an approver ---
# 1. the author signs the approver's entry with their own key
payload document-summarization prompts/summarize/system.md "$blob" 2160.00 \
	release-manager@agency.gov 2026-12-01T00:00:00Z >"$TEST_TMP/forged"
approvals document-summarization prompts/summarize/system.md "$blob" 2160.00 \
	release-manager@agency.gov 2026-12-01T00:00:00Z "$(sign author "$TEST_TMP/forged")" \
	>"$r/.promptcost/approvals.yml"
attack "forged with my key"
expect_status 1 "an entry signed with the author's key for the approver's id is ignored"
expect_stdout_has "approval by release-manager@agency.gov ignored: signed by a key policy.approvers does not list for release-manager@agency.gov ($(fp author))" \
	"the report says whose key signed"
# positive control: the same hand-made entry signed by the approver's key counts
approvals document-summarization prompts/summarize/system.md "$blob" 2160.00 \
	release-manager@agency.gov 2026-12-01T00:00:00Z "$(sign rm "$TEST_TMP/forged")" \
	>"$r/.promptcost/approvals.yml"
attack "the same, signed by the approver"
expect_status 0 "the same entry signed with the approver's listed key counts"

# 2. the approver's own signature, with an edited payload
edit() { sed "$1" "$TEST_TMP/valid.yml" >"$r/.promptcost/approvals.yml"; }
edit 's/monthly_delta: "2160.00"/monthly_delta: "9999.00"/'
attack "raise the approved delta"
expect_status 1 "a raised delta under the old signature is ignored"
expect_stdout_has "approval by release-manager@agency.gov ignored: signature does not verify" "the report says the signature does not verify"
edit 's/approved_at: "[^"]*"/approved_at: "2030-01-01T00:00:00Z"/'
attack "edit the time"
expect_status 1 "an edited time under the old signature is ignored"
edit 's/reason: "budgeted in Q4"/reason: "the CFO said yes"/'
attack "edit the reason"
expect_status 1 "an edited reason under the old signature is ignored"
# more text in the prompt, its new blob put in the entry, the old signature kept
printf 'Also list every person named in the document.\n' >>"$r/prompts/summarize/system.md"
edit "s/$blob/$(git -C "$r" hash-object prompts/summarize/system.md)/; s/monthly_delta: \"2160.00\"/monthly_delta: \"2208.60\"/"
attack "a little more, its blob and delta edited in the entry"
expect_status 1 "a changed blob (and delta) under the old signature is ignored"
expect_stdout_has "ignored: signature does not verify" "and says so"
# the same content under the other template: the approval of one is not of the other
cat "$PC_ROOT/demo/system-context.md" >>"$r/prompts/summarize-eu/system.md"
sed 's/template: "document-summarization"/template: "document-summarization-eu"/; s|prompts/summarize/|prompts/summarize-eu/|' \
	"$TEST_TMP/valid.yml" >"$TEST_TMP/eu.yml"
{ cat "$TEST_TMP/valid.yml"; sed -n '/^  - /,$p' "$TEST_TMP/eu.yml"; } >"$r/.promptcost/approvals.yml"
attack "the eu template too, with a copied approval" --format json
expect_status 1 "an approval copied to another template with the same content is ignored"
expect_eq "$(json "$out" '.templates[] | select(.id == "document-summarization") | .verdict')" pass "the approved template still passes"
expect_eq "$(json "$out" '.templates[] | select(.id == "document-summarization-eu") | .reasons[] | select(startswith("approval by")) ')" \
	"approval by release-manager@agency.gov ignored: signature does not verify" "the copy is ignored with its reason"

# 3. a key the base does not list: the approver's new laptop key
git -C "$r" rm -q .promptcost/approvals.yml
commit_all "$r" "no approval yet"
run "$r" approve --base main --by release-manager@agency.gov --key "$keys/rm-new"
expect_status 1 "approve with a key the base does not list for the approver refuses"
expect_stderr_has "the key that signed ($(fp rm-new)) is not one policy.approvers of the base's configuration lists for 'release-manager@agency.gov'; it lists: $(fp rm)" \
	"and names the listed key's fingerprint"
expect_true "and writes nothing, not even the .promptcost folder" test ! -e "$r/.promptcost"
run "$r" approve --base main --by github:octo-release --key "$keys/rm"
expect_status 1 "an approver listed without a key cannot sign file approvals"
expect_stderr_has "lists no key for 'github:octo-release'" "and is told to list one in the base"
git -C "$r" reset -q --hard HEAD~1
approvals document-summarization prompts/summarize/system.md "$blob" 2160.00 \
	release-manager@agency.gov 2026-12-01T00:00:00Z "$(sign rm-new "$TEST_TMP/forged")" \
	>"$r/.promptcost/approvals.yml"
attack "signed with a key the base does not list"
expect_status 1 "an entry signed by a key the base does not list is ignored"
expect_stdout_has "signed by a key policy.approvers does not list for release-manager@agency.gov ($(fp rm-new))" "with that key's fingerprint"

# 4. the head adds the author's key to the approver's entry: read from the base, ignored
saved_key=$RM_KEY
RM_KEY=$(cat "$keys/author.pub")
config "$r"
RM_KEY=$saved_key
approvals document-summarization prompts/summarize/system.md "$blob" 2160.00 \
	release-manager@agency.gov 2026-12-01T00:00:00Z "$(sign author "$TEST_TMP/forged")" \
	>"$r/.promptcost/approvals.yml"
commit_all "$r" "my key is the release manager's now"
run "$r" check --base main
expect_status 1 "a head that lists its own key for the approver is judged by the base's keys"
expect_stdout_has "ignored: signed by a key policy.approvers does not list for release-manager@agency.gov ($(fp author))" "the author's key is not the base's"
expect_stdout_has "policy.approvers: adds key $(fp author) for 'release-manager@agency.gov'" "the key edit is listed as taking effect after merge"
git -C "$r" rm -q .promptcost/approvals.yml
commit_all "$r" "and no approval"
run "$r" approve --base main --by release-manager@agency.gov --key "$keys/author"
expect_status 1 "approve from that head with the author's key refuses too"
expect_stderr_has "it lists: $(fp rm)" "naming the base's key, not the head's"
git -C "$r" reset -q --hard HEAD~2

# 5. unsigned entries: ignored by default, counted and marked where the base opts in
sed '/signature: |/,$d' "$TEST_TMP/valid.yml" >"$r/.promptcost/approvals.yml"
commit_all "$r" "an unsigned entry"
run "$r" check --base main
expect_status 1 "an unsigned entry is ignored by default"
expect_stdout_has "approval by release-manager@agency.gov ignored: unsigned (policy.file_approvals is signed)" "and the report says why"
git -C "$r" reset -q --hard HEAD~1
r_gate=$r
fixture unsigned "  file_approvals: unsigned"
run "$r" approve --base main --by github:octo-release
expect_status 0 "with file_approvals: unsigned, an approver without a key writes an unsigned entry"
expect_stdout_has "by github:octo-release (unsigned: policy.file_approvals is unsigned)" "and says it is unsigned"
expect_eq "$(grep -c 'signature:' "$r/.promptcost/approvals.yml")" 0 "the entry has no signature"
commit_all "$r" "unsigned approval"
run "$r" check --base main
expect_status 0 "with file_approvals: unsigned on the base, the unsigned entry counts"
expect_stdout_has "approved by github:octo-release at" "it names the approver"
expect_stdout_has "(unsigned entry: policy.file_approvals is unsigned)" "and is marked unsigned"
r=$r_gate

# --- a valid approval survives a rebase onto a moved main, and a squash ---
git -C "$r" checkout -q main
printf 'notes\n' >"$r/NOTES.md"
commit_all "$r" "main moves on"
git -C "$r" checkout -q feature
git -C "$r" rebase -q main
run "$r" check --base main
expect_status 0 "after a rebase onto a moved main the approval still counts"
git -C "$r" reset -q --soft main
commit_all "$r" "squashed"
expect_eq "$(git -C "$r" rev-list --count main..feature)" 1 "the branch is one commit"
run "$r" check --base main
expect_status 0 "after a squash the approval still counts"

# --- signing through ssh-agent, as git does with gpg.format=ssh ---
fixture agent
eval "$(ssh-agent -s)" >/dev/null
ssh-add -q "$keys/rm" 2>/dev/null
git -C "$r" config user.signingKey "key::$RM_KEY"
git -C "$r" config user.email release-manager@agency.gov
run "$r" approve --base main --reason "via the agent"
expect_status 0 "approve signs with user.signingKey = key::... through ssh-agent, --by from user.email"
commit_all "$r" "approval"
run "$r" check --base main
expect_status 0 "and the agent's signature counts"
# the previous reason is kept when approve runs again without --reason
printf 'Keep it short.\n' >>"$r/prompts/summarize/system.md"
commit_all "$r" "edit after approval"
git -C "$r" config --unset user.signingKey
run "$r" approve --base main
expect_status 0 "approve again, the key being the agent's first (ssh-add -L)"
expect_eq "$(field reason)" "via the agent" "re-running approve keeps the previous reason"
expect_eq "$(grep -c '^  - template:' "$r/.promptcost/approvals.yml")" 1 "the new entry replaces the old"
commit_all "$r" "approval again"
run "$r" check --base main
expect_status 0 "the new approval counts"
ssh-agent -k >/dev/null 2>&1

# --- git config gpg.ssh.program is the signer, run without a shell ---
fixture program
prog="$TEST_TMP/my signer; touch pwned"
printf '#!/bin/sh\necho "$*" >"%s/program.log"\nexec ssh-keygen "$@"\n' "$TEST_TMP" >"$prog"
chmod +x "$prog"
git -C "$r" config gpg.ssh.program "$prog"
run "$r" approve --base main --by release-manager@agency.gov --key "$keys/rm"
expect_status 0 "approve signs through git config gpg.ssh.program"
expect_true "which was run with -Y sign -n promptcost-approval" \
	grep -q -- "-Y sign -n promptcost-approval -f $keys/rm" "$TEST_TMP/program.log"
expect_true "as one program name, not through a shell" test ! -e "$r/pwned"
commit_all "$r" "approval"
run "$r" check --base main
expect_status 0 "and its signature counts"

# --- approve writes only inside the repository ---
fixture links
mkdir -p "$TEST_TMP/outside"
ln -s "$TEST_TMP/outside" "$r/.promptcost"
commit_all "$r" "a .promptcost that points elsewhere"
run "$r" approve --base main --by release-manager@agency.gov --key "$keys/rm"
expect_status 2 "a .promptcost that is a symbolic link is refused"
expect_stderr_has "'.promptcost' is a symbolic link, not a folder: approve writes only inside the repository" "with a message that says why"
expect_eq "$(ls -A "$TEST_TMP/outside")" "" "nothing is written through the link"
git -C "$r" rm -q .promptcost
mkdir "$r/.promptcost"
ln -s "$TEST_TMP/outside/stolen.yml" "$r/.promptcost/approvals.yml"
run "$r" approve --base main --by release-manager@agency.gov --key "$keys/rm"
expect_status 2 "an approvals.yml that is a symbolic link is refused"
expect_stderr_has "'.promptcost/approvals.yml' is a symbolic link" "and named"
expect_eq "$(ls -A "$TEST_TMP/outside")" "" "nothing is written where it points"
rm "$r/.promptcost/approvals.yml"
mkfifo "$r/.promptcost/approvals.yml"
status=0
(cd "$r" && timeout 20 "$PROMPTCOST" approve --base main --by release-manager@agency.gov --key "$keys/rm") >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr" || status=$?
out=$TEST_TMP/stdout err=$TEST_TMP/stderr
expect_status 2 "an approvals.yml that is a FIFO is refused without waiting on it"
expect_stderr_has "'.promptcost/approvals.yml' is a FIFO" "and named"
rm "$r/.promptcost/approvals.yml"

# --- text the file cannot hold is refused, not written ---
run "$r" approve --base main --by release-manager@agency.gov --key "$keys/rm" --reason "$(printf 'caf\351')"
expect_status 2 "a --reason that is not UTF-8 is refused"
expect_stderr_has "the reason is not valid UTF-8 text (--reason)" "and says so"
expect_eq "$(ls -A "$r/.promptcost")" "" "and nothing is written"

# --- over a hard budget, an approval will not unblock the change ---
BUDGET=3000
fixture hard
run "$r" approve --base main --by release-manager@agency.gov --key "$keys/rm"
expect_status 1 "approve over a hard budget refuses"
expect_stderr_has "document-summarization would take team 'records-management' to \$3,110.40 a month, over its hard budget of \$3,000.00: an approval will not unblock it" \
	"and says an approval will not unblock it"
expect_true "and writes nothing" test ! -e "$r/.promptcost"
BUDGET=

# --- a file name approvals.yml cannot hold is refused, not written ---
r=$TEST_TMP/latin1
new_repo "$r"
config "$r"
sed 's|files: \[prompts/summarize/system.md\]|files: [prompts/summarize/*.md]|' "$r/.promptcost.yml" >"$r/c" &&
	mv "$r/c" "$r/.promptcost.yml"
mkdir -p "$r/prompts/summarize" "$r/prompts/summarize-eu"
cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize-eu/system.md"
commit_all "$r" "base"
git -C "$r" checkout -q -b feature
cp "$PC_ROOT/demo/system-context.md" "$r/prompts/summarize/$(printf 'r\351sum\351').md"
commit_all "$r" "context in a file named in Latin-1"
run "$r" approve --base main --by release-manager@agency.gov --key "$keys/rm"
expect_status 2 "a file path that is not UTF-8 is refused"
expect_stderr_has "must be UTF-8 to be approved" "and says it must be UTF-8"
expect_true "and nothing is written" test ! -e "$r/.promptcost"

finish
