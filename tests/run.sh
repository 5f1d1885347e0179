#!/bin/sh
# Runs the whole suite: every cmocka unit-test program in $BUILD/tests, then
# every end-to-end script in tests/e2e/. Prints one closing line
# "N passed, N failed" (tests counted one by one) and exits non-zero on any failure.
set -u
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
export PROMPTCOST="$root/$BUILD/promptcost"
export PC_ROOT="$root"
passed=0
failed=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$root/$BUILD"/tests/test_*; do
	case "$t" in *.o|*.d) continue ;; esac
	[ -x "$t" ] || continue
	name=$(basename "$t")
	(cd "$root" && "$t") >"$log" 2>&1
	status=$?
	p=$(grep -c '^\[       OK \]' "$log")
	f=$(grep -c '^\[  FAILED  \] [a-z_]' "$log")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	cat "$log"
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$status" -eq 0 ] || failures="$failures $name"
done

for t in "$root"/tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	(cd "$root" && sh "$t") >"$log" 2>&1
	status=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	sed "s/^/$name: /" "$log"
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$status" -eq 0 ] || failures="$failures $name"
done

echo
[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$failures" ]
