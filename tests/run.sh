#!/bin/sh
# Runs the whole suite: every cmocka unit-test program in $BUILD/tests, then
# every end-to-end script in tests/e2e/. Prints one closing line
# "N passed, N failed, N skipped" (tests counted one by one; a skipped test is
# never counted as passed, and each is named above the closing line) and
# exits non-zero on any failure.
set -u
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
export PROMPTCOST="$root/$BUILD/promptcost"
export PC_ROOT="$root"
passed=0
failed=0
skipped=0
failures=""
skips=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$root/$BUILD"/tests/test_*; do
	case "$t" in *.o|*.d) continue ;; esac
	[ -x "$t" ] || continue
	name=$(basename "$t")
	(cd "$root" && "$t") >"$log" 2>&1
	status=$?
	p=$(grep -c '^\[       OK \]' "$log")
	# cmocka names a failed or skipped test twice (as it runs, and in its
	# summary "listed below"): count each name once
	f=$(grep '^\[  FAILED  \] [a-z_]' "$log" | sort -u | wc -l)
	s=$(grep '^\[  SKIPPED \] [a-z_]' "$log" | sort -u | wc -l)
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	cat "$log"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	for n in $(grep '^\[  SKIPPED \] [a-z_]' "$log" | sort -u | sed 's/^\[  SKIPPED \] //'); do
		skips="$skips $name: $n;"
	done
	[ "$status" -eq 0 ] || failures="$failures $name"
done

for t in "$root"/tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	(cd "$root" && sh "$t") >"$log" 2>&1
	status=$?
	# TAP: "ok N - name # SKIP why" is a skip, not a pass
	p=$(grep '^ok ' "$log" | grep -vc ' # SKIP')
	s=$(grep '^ok ' "$log" | grep -c ' # SKIP')
	f=$(grep -c '^not ok ' "$log")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	sed "s/^/$name: /" "$log"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$s" -ne 0 ]; then
		why=$(grep '^ok .* # SKIP ' "$log" | sed 's/.* # SKIP //' | sort -u | tr '\n' ';' | sed 's/;$//')
		skips="$skips $name: $s ($why);"
	fi
	[ "$status" -eq 0 ] || failures="$failures $name"
done

echo
[ -n "$failures" ] && echo "failing:$failures"
[ -n "$skips" ] && echo "skipped (not counted as passed):$skips"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ -z "$failures" ]
