#!/bin/sh
# End-to-end tests of what a hostile head (or a wrong setting) must not do:
# stall the check with a glob, clobber a device, FIFO or link target through
# --output, slip past --max-size, fail on a byte order mark, or pass a hook
# whose GIT_INDEX_FILE names nothing.
. "$(dirname "$0")/lib.sh"

config() { # config DIR FILES: the seed configuration, with the template's files
	cat >"$1/.promptcost.yml" <<EOF2
version: 1
currency: USD
days_per_month: 30
models:
  gpt-4-class:
    encoding: cl100k_base
    input_per_1k: 0.012
    output_per_1k: 0.024
templates:
  - id: document-summarization
    files: [$2]
    model: gpt-4-class
    calls_per_day: 15000
    output_tokens_per_call: 0
EOF2
}

r=$TEST_TMP/repo
new_repo "$r"
config "$r" prompts/summarize/system.md
mkdir -p "$r/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$r/prompts/summarize/system.md"
commit_all "$r" "base"
cat "$PC_ROOT/demo/system-context.md" >>"$r/prompts/summarize/system.md"
commit_all "$r" "more context"

# --- a glob that was exponential, from the head, against 20 long names ---
g=$TEST_TMP/glob
new_repo "$g"
long=$(printf 'a%.0s' $(seq 1 200))
mkdir -p "$g/p"
for i in $(seq 1 20); do echo "x" >"$g/p/$long$i"; done
config "$g" "'p/*'"
commit_all "$g" "base"
# the head brings the glob (only a glob the change introduces can be a typo)
config "$g" "'p/*a*a*a*a*a*b'"
echo "y" >>"$g/p/${long}1"
commit_all "$g" "head"
start=$(date +%s)
run "$g" check --base HEAD~1
took=$(($(date +%s) - start))
expect_status 2 "a pathological glob that matches nothing is a typo (exit 2)"
expect_stderr_has "matches no file" "the glob is named as matching nothing"
[ "$took" -lt 10 ]; _report $? "five '*' against 20 long names answers in seconds, not minutes ($took s)"

# --- --output never replaces a symlink's target, a FIFO or a device ---
echo "keep me" >"$TEST_TMP/target"
ln -s "$TEST_TMP/target" "$TEST_TMP/link"
run "$r" check --base HEAD~1 --output "$TEST_TMP/link"
expect_status 2 "--output to a symbolic link is refused (exit 2)"
expect_stderr_has "refusing to replace '$TEST_TMP/link': it is a symbolic link" "the refusal names the link"
expect_eq "$(cat "$TEST_TMP/target")" "keep me" "the link's target is untouched"
[ -L "$TEST_TMP/link" ]; _report $? "the link itself is still a link"
mkfifo "$TEST_TMP/fifo"
run "$r" check --base HEAD~1 --output "$TEST_TMP/fifo"
expect_status 2 "--output to a FIFO is refused (exit 2)"
expect_stderr_has "it is a FIFO" "the refusal says FIFO"
run "$r" check --base HEAD~1 --output /dev/null
expect_status 2 "--output to a device is refused (exit 2)"
expect_stderr_has "it is a device" "the refusal says device"
run "$r" check --base HEAD~1 --output "$TEST_TMP/report.txt"
expect_status 0 "--output to a new file works"
grep -q '2,160.00' "$TEST_TMP/report.txt"; _report $? "the report is in the file"
run "$r" check --base HEAD~1 --output "$TEST_TMP/report.txt"
expect_status 0 "--output replaces a regular file"
[ -z "$(ls "$TEST_TMP" | grep 'report.txt.tmp')" ]; _report $? "no temporary file left behind"

# --- --max-size: malformed values are one-line usage errors; a hard ceiling ---
for bad in -1 -5000 abc 12k "" 99999999999999999999999 2000000000 0 127; do
	run "$r" check --base HEAD~1 --format markdown --max-size "$bad"
	expect_status 2 "--max-size '$bad' is refused (exit 2)"
	expect_eq "$(wc -l <"$err")" "1" "--max-size '$bad': the message is one line"
	expect_stderr_has "--max-size needs a number of bytes from 128 to 1073741824" "--max-size '$bad': says the range"
done
for max in 128 200 400 1000; do
	run "$r" check --base HEAD~1 --format markdown --max-size "$max"
	expect_status 0 "--max-size $max renders"
	size=$(wc -c <"$out")
	[ "$size" -le "$max" ]; _report $? "--max-size $max: the markdown is $size bytes, never more"
	[ "$max" -ge 1000 ] || expect_stdout_has "to fit the size limit" "--max-size $max: a note says what was cut"
	[ "$(grep -c '<details>' "$out")" = "$(grep -c '</details>' "$out")" ]
	_report $? "--max-size $max: no <details> left open"
done
run "$r" check --base HEAD~1 --format markdown --max-size 65536
expect_status 0 "a roomy --max-size renders in full"
if grep -q "cut to fit" "$out"; then _report 1 "a roomy --max-size cuts nothing"; else _report 0 "a roomy --max-size cuts nothing"; fi

# --- a UTF-8 byte order mark at the start of the configuration ---
b=$TEST_TMP/bom
new_repo "$b"
config "$b" prompts/summarize/system.md
printf '\357\273\277' | cat - "$b/.promptcost.yml" >"$b/bom.yml" && mv "$b/bom.yml" "$b/.promptcost.yml"
mkdir -p "$b/prompts/summarize"
cp "$PC_ROOT/demo/system.md" "$b/prompts/summarize/system.md"
commit_all "$b" "base"
cat "$PC_ROOT/demo/system-context.md" >>"$b/prompts/summarize/system.md"
commit_all "$b" "more context"
run "$b" check --base HEAD~1
expect_status 0 "a configuration starting with a byte order mark is read"
expect_stdout_has '+$2,160.00' "and priced as without it"

# --- GIT_INDEX_FILE naming a missing file: an error, not an empty index ---
echo "staged change" >>"$r/prompts/summarize/system.md"
git -C "$r" add prompts/summarize/system.md
out="$TEST_TMP/stdout" err="$TEST_TMP/stderr"
(cd "$r" && GIT_INDEX_FILE="$r/.git/no-such-index" "$PROMPTCOST" check --staged) >"$out" 2>"$err"
status=$?
expect_status 3 "a missing GIT_INDEX_FILE is exit 3"
expect_stderr_has "GIT_INDEX_FILE names '$r/.git/no-such-index', which does not exist" "the message names the file"
(cd "$r" && GIT_INDEX_FILE="$r/.git/index" "$PROMPTCOST" check --staged) >"$out" 2>"$err"
status=$?
expect_status 0 "an existing GIT_INDEX_FILE is read"

# --- control characters and markup from the head never reach a terminal or a comment raw ---
# The PR author (not an approver) names a prompt file and a new team to
# rewrite the terminal, inject HTML, links, table cells and workflow commands.
h=$TEST_TMP/hostile
new_repo "$h"
cat >"$h/.promptcost.yml" <<'EOF2'
version: 1
currency: USD
days_per_month: 30
models:
  gpt-4-class:
    encoding: cl100k_base
    input_per_1k: 0.012
    output_per_1k: 0.024
templates:
  - id: summ
    files: ["prompts/*.md"]
    model: gpt-4-class
    calls_per_day: 15000
    output_tokens_per_call: 0
EOF2
mkdir -p "$h/prompts"
echo hello >"$h/prompts/a.md"
commit_all "$h" "base"
evil=$(printf 'x\033[31m<img src=x onerror=alert(1)>`|](javascript:alert(1))\n%%0A::error::y,z.md')
cp "$PC_ROOT/demo/system.md" "$h/prompts/$evil"
cat >>"$h/.promptcost.yml" <<'EOF2'
  - id: evil
    files: ["prompts/b.txt"]
    team: "t\e[2J\u009b<b>|`x`</details>"
    model: gpt-4-class
    calls_per_day: 1
    output_tokens_per_call: 0
teams:
  "t\e[2J\u009b<b>|`x`</details>":
    monthly_budget: 100
EOF2
echo hi >"$h/prompts/b.txt"
commit_all "$h" "hostile names"
esc=$(printf '\033') c1=$(printf '\302\233')
no_raw() { # no_raw FILE NAME: neither ESC nor a C1 control in FILE
	if grep -q "$esc" "$1" || grep -q "$c1" "$1"; then _report 1 "$2" "$(cat -v "$1" | head -20)"; else _report 0 "$2"; fi
}
run "$h" check --base HEAD~1
# (exit 1: 'evil' is a new template, whose head-chosen volume needs an approval)
expect_status 1 "text report of hostile names renders"
no_raw "$out" "text: no raw ESC or C1 from the head's team name"
expect_stdout_has "team 't\\x1b[2J\\xc2\\x9b<b>|\`x\`</details>' is new" "text: the team name is escaped visibly"
run "$h" check --base HEAD~1 --format markdown
expect_status 1 "markdown report of hostile names renders"
no_raw "$out" "markdown: no raw ESC or C1"
if grep -q '<img' "$out"; then _report 1 "markdown: no <img> tag from a file name"; else _report 0 "markdown: no <img> tag from a file name"; fi
expect_stdout_has '&lt;img src=x onerror=alert(1)&gt;' "markdown: the tag is shown as text"
expect_stdout_has '\](javascript:alert(1))' "markdown: the link is broken by an escaped bracket"
expect_stdout_has '\`\|' "markdown: backticks and pipes are escaped"
expect_eq "$(grep -c '</details>' "$out")" "1" "markdown: a name cannot close <details> (only the report's own)"
expect_stdout_has '&lt;/details&gt;' "markdown: the name's </details> is text"
run "$h" check --base HEAD~1 --format github
expect_status 1 "github report of hostile names renders"
no_raw "$out" "github: no raw ESC or C1"
expect_stdout_has 'javascript%3Aalert(1))%0A%250A%3A%3Aerror%3A%3Ay%2Cz.md,line=1,' \
	"github: %, newline, ':' and ',' in the file property are escaped as GitHub documents"
expect_eq "$(grep -c '^::error::y' "$out")" "0" "github: a file name cannot start its own workflow command"
run "$h" check --base HEAD~1 --format json
expect_status 1 "json report of hostile names renders"
expect_eq "$(json "$out" '.templates[] | select(.id == "summ") | .files[] | select(startswith("prompts/x"))')" \
	"prompts/$evil" "json: the hostile file name round-trips exactly"
expect_eq "$(json "$out" '.templates[] | select(.id == "evil") | .team')" \
	"$(printf 't\033[2J\302\233<b>|`x`</details>')" "json: the hostile team name round-trips exactly"
# a file name that is not UTF-8 is still listed, as U+FFFD (jansson, used
# before stop 19, dropped the name from the array without a word)
b=$TEST_TMP/not-utf8
new_repo "$b"
# the first configuration's head up to its first template, 'summ', whole
sed -n '1,/output_tokens_per_call: 0/p' "$h/.promptcost.yml" >"$b/.promptcost.yml"
mkdir -p "$b/prompts"
echo hello >"$b/prompts/a.md"
commit_all "$b" "base"
echo "bad bytes in the name" >"$b/prompts/$(printf 'bad\377name.md')"
commit_all "$b" "a name that is not UTF-8"
run "$b" check --base HEAD~1 --format json
expect_eq "$(json "$out" '.templates[0].files | length')" "2" \
	"json: a file name that is not UTF-8 is still listed"
expect_eq "$(json "$out" '.templates[0].files[1]')" "$(printf 'prompts/bad\357\277\275name.md')" \
	"json: its byte that is not UTF-8 is U+FFFD"
# errors and warnings: a hostile id in the head's configuration
sed -i 's/  - id: evil/  - id: "evil\\e[2J"/' "$h/.promptcost.yml"
commit_all "$h" "hostile id"
run "$h" check --base HEAD~1
expect_status 2 "a hostile template id is a configuration error"
no_raw "$err" "the error message carries no raw ESC"
expect_stderr_has "template id 'evil\\x1b[2J'" "the error shows the id escaped"
run "$h" check "--bogus$(printf '\033[2J')"
expect_status 2 "a hostile unknown argument is a usage error"
no_raw "$err" "a usage error carries no raw ESC"
run "$h" "$(printf 'x\033[2J')"
expect_status 2 "a hostile unknown command is refused"
no_raw "$err" "the unknown-command message carries no raw ESC"

# --- usage errors are one line; help CMD shows that command's help ---
for cmd in "check --bogus" "check --max-size" "check --staged --base main" "check --head x" \
	"tokens --bogus" "tokens --encoding" "tokens --model gpt-4 --encoding cl100k_base" \
	"approve --bogus" "init --bogus" "init extra" "install-hook --bogus" \
	"install-hook --chain --force" "nosuchcommand" ""; do
	# shellcheck disable=SC2086
	run "$r" $cmd
	expect_status 2 "'promptcost $cmd' is a usage error"
	expect_eq "$(wc -l <"$err")" "1" "'promptcost $cmd': the message is one line"
done
for cmd in check tokens approve init install-hook; do
	run "$r" help "$cmd"
	expect_status 0 "help $cmd"
	expect_stdout_has "usage: promptcost $cmd" "help $cmd shows $cmd's own help"
done
run "$r" help
expect_status 0 "help alone"
expect_stdout_has "usage: promptcost <command>" "help alone shows the main help"
run "$r" help nosuch
expect_status 2 "help for an unknown command is a usage error"

# --- github annotations point at the changed file and its first changed line ---
a=$TEST_TMP/annot
new_repo "$a"
config "$a" "'prompts/*.md'"
mkdir -p "$a/prompts"
printf 'one\ntwo\nthree\n' >"$a/prompts/a.md"
printf 'alpha\nbeta\ngamma\ndelta\n' >"$a/prompts/b.md"
commit_all "$a" "base"
printf 'alpha\nbeta\nGAMMA changed\ndelta\n' >"$a/prompts/b.md"
commit_all "$a" "edit line 3 of b.md"
run "$a" check --base HEAD~1 --format github
expect_status 0 "github format on a one-line edit"
expect_stdout_has "::notice file=prompts/b.md,line=3,title=promptcost document-summarization::" \
	"the annotation points at b.md (not a.md, unchanged) line 3"

# --- "estimated" only when a shown figure is estimated ---
e=$TEST_TMP/estimated
new_repo "$e"
cat >"$e/.promptcost.yml" <<'EOF2'
version: 1
currency: USD
days_per_month: 30
models:
  gpt-4-class:
    encoding: cl100k_base
    input_per_1k: 0.012
    output_per_1k: 0.024
  claude-class:
    encoding: approximate
    approximate_base: cl100k_base
    approximate_factor: 1.1
    input_per_1k: 0.003
    output_per_1k: 0.015
templates:
  - id: exact-one
    files: [prompts/exact.md]
    model: gpt-4-class
    calls_per_day: 15000
    output_tokens_per_call: 0
  - id: approx-one
    files: [prompts/approx.md]
    model: claude-class
    calls_per_day: 100
    output_tokens_per_call: 0
EOF2
mkdir -p "$e/prompts"
cp "$PC_ROOT/demo/system.md" "$e/prompts/exact.md"
echo "an approximate template nobody touches" >"$e/prompts/approx.md"
commit_all "$e" "base"
cat "$PC_ROOT/demo/system-context.md" >>"$e/prompts/exact.md"
commit_all "$e" "exact change"
run "$e" check --base HEAD~1
expect_status 0 "an exact change beside an unchanged approximate template"
if grep -q "estimated" "$out"; then _report 1 "text: exact figures are not called estimated" "$(cat "$out")"; else _report 0 "text: exact figures are not called estimated"; fi
run "$e" check --base HEAD~1 --format markdown
if grep -q "(estimated)" "$out"; then _report 1 "markdown: the total is not called estimated"; else _report 0 "markdown: the total is not called estimated"; fi
run "$e" check --base HEAD~1 --format json
expect_eq "$(json "$out" .exact)" "true" "json: exact is true when every changed figure is exact"
echo "an approximate template, now touched" >"$e/prompts/approx.md"
commit_all "$e" "approximate change"
run "$e" check --base HEAD~1
expect_stdout_has ", estimated" "text: a changed approximate template makes the total estimated"

finish
