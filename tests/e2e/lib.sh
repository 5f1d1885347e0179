# Shared by the end-to-end tests (sourced): a sandboxed git environment,
# fixture repositories, and TAP-style checks of the real binary's stdout,
# stderr and exit status. Each check prints "ok N - name" or "not ok N - name".
set -u
: "${PROMPTCOST:?run through tests/run.sh or set PROMPTCOST to the binary}"
: "${PC_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"

TEST_TMP=$(mktemp -d /tmp/pc-e2e-XXXXXX)
trap 'rm -rf "$TEST_TMP"' EXIT
export HOME="$TEST_TMP/home" XDG_CONFIG_HOME="$TEST_TMP/home"
mkdir -p "$HOME"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null TZ=UTC NO_COLOR=1
export GIT_AUTHOR_NAME="Fixture Author" GIT_AUTHOR_EMAIL=author@example.com
export GIT_COMMITTER_NAME="Fixture Committer" GIT_COMMITTER_EMAIL=committer@example.com
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
_tick=0
_n=0
_failed=0

# new_repo DIR: an empty repository on branch main
new_repo() {
	mkdir -p "$1" && git -C "$1" init -q -b main &&
		git -C "$1" config user.name Fixture && git -C "$1" config user.email fixture@example.com
}

# commit_all DIR MESSAGE: stage everything and commit at a fixed, advancing time
commit_all() {
	_tick=$((_tick + 1))
	GIT_AUTHOR_DATE="@$((1700000000 + 60 * _tick)) +0000" \
	GIT_COMMITTER_DATE="@$((1700000000 + 60 * _tick)) +0000" \
		git -C "$1" add -A && \
	GIT_AUTHOR_DATE="@$((1700000000 + 60 * _tick)) +0000" \
	GIT_COMMITTER_DATE="@$((1700000000 + 60 * _tick)) +0000" \
		git -C "$1" commit -q --allow-empty -m "$2"
}

# run DIR ARGS...: runs promptcost in DIR; sets $status, $out (stdout file), $err (stderr file).
# Every JSON report the run wrote (--format json to stdout or --output FILE,
# --output-format json=FILE) is validated against schema/ (expect_schema_valid)
# when the run made a report (exit 0 or 1).
run() {
	_dir=$1; shift
	out="$TEST_TMP/stdout" err="$TEST_TMP/stderr"
	(cd "$_dir" && "$PROMPTCOST" "$@") >"$out" 2>"$err"
	status=$?
	case "$status" in 0|1) _validate_run "$_dir" "$@" ;; esac
}

# The JSON files a run of promptcost ARGS... in DIR wrote, validated.
_validate_run() {
	_vdir=$1; shift
	_vjson=""; _voutput=""; _vfiles=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--format) [ "${2:-}" = json ] && _vjson=1; shift ;;
		--format=json) _vjson=1 ;;
		--output) _voutput=${2:-}; shift ;;
		--output=*) _voutput=${1#--output=} ;;
		--output-format) case "${2:-}" in json=*|json:*=*) _vfiles="$_vfiles ${2#*=}" ;; esac; shift ;;
		esac
		shift
	done
	if [ -n "$_vjson" ]; then
		if [ -n "$_voutput" ]; then _vfiles="$_vfiles $_voutput"; else _vfiles="$_vfiles $out"; fi
	fi
	for _vf in $_vfiles; do
		case "$_vf" in -) _vf=$out ;; /*) ;; *) _vf="$_vdir/$_vf" ;; esac
		# check exits 0 with no report in a repository that never adopted promptcost
		[ -s "$_vf" ] || [ "$_vf" != "$out" ] || continue
		expect_schema_valid "$_vf" "the JSON report is valid against its schema"
	done
}

# expect_schema_valid FILE NAME [SCHEMA]: FILE validates against its JSON
# Schema in schema/ (picked by its "schema" field, or SCHEMA), with ajv from
# tests/node_modules (tests/support/validate-json.js)
expect_schema_valid() {
	node "$PC_ROOT/tests/support/validate-json.js" ${3:+--schema "$3"} "$1" >"$TEST_TMP/schema.err" 2>&1
	_report $? "$2 ($(jq -r '.schema // "?"' "$1" 2>/dev/null))" "$(head -c 3000 "$TEST_TMP/schema.err")"
}

# run_watched DIR ARGS...: like run, and records whether the repository in DIR
# (index, status, working tree) was left byte-for-byte as it was
run_watched() {
	_before=$(repo_state "$1")
	run "$@"
	_after=$(repo_state "$1")
}

# expect_untouched NAME: after run_watched
expect_untouched() {
	printf '%s\n' "$_before" >"$TEST_TMP/state.before"
	printf '%s\n' "$_after" >"$TEST_TMP/state.after"
	[ "$_before" = "$_after" ]; _report $? "$1" "$(diff "$TEST_TMP/state.before" "$TEST_TMP/state.after" | head -20)"
}

_report() {
	_n=$((_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}

# skip_check NAME WHY: a check that could not run here; counted as skipped
# by tests/run.sh, never as passed
skip_check() {
	_n=$((_n + 1))
	echo "ok $_n - $1 # SKIP $2"
}

_context() {
	printf 'exit %s\n--- stdout\n%s\n--- stderr\n%s' "$status" "$(head -c 3000 "$out")" "$(head -c 2000 "$err")"
}

# expect_status N NAME
expect_status() {
	[ "$status" = "$1" ]; _report $? "$2 (exit $1)" "$(_context)"
}

# expect_stdout_has TEXT NAME / expect_stderr_has TEXT NAME (fixed strings)
expect_stdout_has() {
	grep -qF -- "$1" "$out"; _report $? "$2" "wanted in stdout: $1
$(_context)"
}
expect_stderr_has() {
	grep -qF -- "$1" "$err"; _report $? "$2" "wanted in stderr: $1
$(_context)"
}

# expect_eq ACTUAL EXPECTED NAME
expect_eq() {
	[ "$1" = "$2" ]; _report $? "$3" "expected: $2
actual:   $1"
}

# expect_golden FILE GOLDEN NAME: byte-for-byte; PC_UPDATE_GOLDEN=1 rewrites the golden file
expect_golden() {
	if [ "${PC_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$1" "$PC_ROOT/tests/golden/$2"; fi
	cmp -s "$1" "$PC_ROOT/tests/golden/$2"
	_report $? "$3" "$(diff -u "$PC_ROOT/tests/golden/$2" "$1" | head -40)"
}

# repo_state DIR: a fingerprint of the index, the status and the working tree
repo_state() {
	(cd "$1" && git ls-files -s && git status --porcelain=v1 --untracked-files=all --ignored &&
		find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum &&
		sha256sum .git/index 2>/dev/null)
}

# json FILE FILTER: a jq filter over the file, raw output (jq is a test dependency)
json() {
	jq -r "$2" "$1"
}

finish() {
	echo "# $_n checks, $_failed failed"
	[ "$_failed" = 0 ]
}
