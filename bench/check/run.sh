#!/bin/sh
# The `check` benchmark: how long `promptcost check --base REV` takes on a
# large synthetic prompt library, against `git diff --stat REV...HEAD` over
# the same range (the target: under 2x). Not part of `make test` or CI.
#
#   bench/check/run.sh
#
# It builds promptcost (make build), generates the repository with gen.awk
# and `git fast-import` (or reuses the one in bench/work/check/, git-ignored,
# when it was made by the same generator and settings), installs hyperfine
# with apt-get when it is missing, and prints the medians as a Markdown table.
# Settings, all optional:
#   LAYOUT=files|globs  1,000 templates of one file each (default), or 250
#                       templates of 4 files each named by a glob
#   NFILES=N            template files (1000); NOTHER=N other files (1000)
#   NCOMMITS=N          commits (2000); NCHANGED=N templates changed on the
#                       branch under review (50), by about 2 KB each
#   RUNS=N              timed runs per command, the median is kept (20)
#   WARMUP=N            untimed runs first, for a warm cache (3)
#   TMP=1               build the repository in a temporary folder, removed after
#   FRESH=1             build it again even when bench/work/check/ has it
#   PROMPTCOST=FILE     the binary to measure (default: build/promptcost, built)
#   COMPARE=FILE        another binary (an older build) whose `check --base` is
#                       measured in the same run, for a before/after figure
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LAYOUT=${LAYOUT:-files}
NFILES=${NFILES:-1000}
NOTHER=${NOTHER:-1000}
NCOMMITS=${NCOMMITS:-2000}
NCHANGED=${NCHANGED:-50}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
REV=main

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

case $LAYOUT in files | globs) ;; *) die "LAYOUT must be 'files' or 'globs'" ;; esac
command -v git >/dev/null 2>&1 || die "git is needed"
if ! command -v hyperfine >/dev/null 2>&1; then
	say "bench: installing hyperfine (Debian package)"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get install -y -qq hyperfine >&2 ||
		{ $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq hyperfine >&2; } ||
		die "cannot install hyperfine"
fi

if [ -z "${PROMPTCOST:-}" ]; then
	say "bench: building promptcost"
	log=$(mktemp)
	make -C "$root" --no-print-directory build >"$log" 2>&1 ||
		{ cat "$log" >&2; rm -f "$log"; die "make build failed"; }
	rm -f "$log"
	PROMPTCOST=$root/build/promptcost
fi
PROMPTCOST=$(cd "$(dirname "$PROMPTCOST")" && pwd)/$(basename "$PROMPTCOST")
[ -x "$PROMPTCOST" ] || die "no binary '$PROMPTCOST'"

# git as the benchmark defines it, not as this machine's configuration does
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null NO_COLOR=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

if [ "${TMP:-0}" = 1 ]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/promptcost-bench-XXXXXX")
	trap 'rm -rf "$work"' EXIT
else
	work=$root/bench/work/check
fi
repo=$work/$LAYOUT
stamp="2 $(cksum <"$here/gen.awk") $LAYOUT $NFILES $NOTHER $NCOMMITS $NCHANGED"
if [ "${FRESH:-0}" = 1 ] || [ ! -f "$repo.stamp" ] || [ "$(cat "$repo.stamp")" != "$stamp" ]; then
	say "bench: generating the repository in $repo"
	rm -rf "$repo" "$repo.stamp"
	mkdir -p "$repo"
	git -C "$repo" init -q -b main
	LC_ALL=C awk -f "$here/gen.awk" -v layout="$LAYOUT" -v nfiles="$NFILES" -v nother="$NOTHER" \
		-v ncommits="$NCOMMITS" -v nchanged="$NCHANGED" | git -C "$repo" fast-import --quiet
	git -C "$repo" checkout -q -f feature
	# packed as a clone is: one pack with deltas computed afresh, newest
	# versions whole (fast-import's own deltas go the other way)
	git -C "$repo" repack -a -d -f -q
	git -C "$repo" prune-packed
	printf '%s\n' "$stamp" >"$repo.stamp"
fi
cd "$repo"

# the shape, so that the figures say what they were measured on
commits=$(git rev-list --count --all)
files=$(git ls-files | wc -l)
templates=$(grep -c '^  - id:' .promptcost.yml)
template_bytes=$(git ls-files -z prompts | xargs -0 cat | wc -c)
changed=$(git diff --shortstat "$REV...HEAD")

# each command once, to see that it works (0 pass, 1 blocked are both fine)
for args in "check --base $REV" "check --base $REV --format json" "check --staged" "check"; do
	status=0
	# shellcheck disable=SC2086
	"$PROMPTCOST" $args >/dev/null 2>"$work/stderr" || status=$?
	[ "$status" -le 1 ] || { cat "$work/stderr" >&2; die "'promptcost $args' exited $status"; }
done

say "bench: measuring ($WARMUP warm-up runs, then $RUNS runs each)"
csv=$work/results.csv
set -- -n "git diff --stat $REV...HEAD" "git diff --stat $REV...HEAD" \
	-n "promptcost check --base $REV" "'$PROMPTCOST' check --base $REV" \
	-n "promptcost check --base $REV --format json" "'$PROMPTCOST' check --base $REV --format json" \
	-n "promptcost check --staged (nothing staged)" "'$PROMPTCOST' check --staged" \
	-n "promptcost check (working tree unchanged)" "'$PROMPTCOST' check"
if [ -n "${COMPARE:-}" ]; then
	COMPARE=$(cd "$(dirname "$COMPARE")" && pwd)/$(basename "$COMPARE")
	set -- "$@" -n "COMPARE check --base $REV" "'$COMPARE' check --base $REV"
fi
hyperfine -N -i --style none --warmup "$WARMUP" --runs "$RUNS" --export-csv "$csv" "$@" \
	>/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; die "hyperfine failed"; }

echo "## promptcost check on a synthetic prompt library"
echo
echo "Repository: $commits commits, $files files ($templates templates over $NFILES template files,"
echo "$LAYOUT layout, $template_bytes bytes of templates at HEAD); $REV...HEAD:$changed."
echo "Wall: median of $RUNS runs after $WARMUP warm-up runs (hyperfine -N); CPU: mean user + system."
[ -z "${COMPARE:-}" ] || echo "COMPARE: $COMPARE"
echo
# hyperfine's CSV: command,mean,stddev,median,user,system,min,max (seconds)
awk -F, 'NR == 1 { next }
	{ name[NR] = $1; median[NR] = $4; cpu[NR] = $5 + $6; min[NR] = $7; n = NR }
	NR == 2 { git = $4; gitcpu = $5 + $6 }
	END {
		print "| command | wall median (ms) | wall min (ms) | CPU (ms) | wall / git | CPU / git |"
		print "|---|---:|---:|---:|---:|---:|"
		for (i = 2; i <= n; i++)
			printf "| `%s` | %.1f | %.1f | %.1f | %.2f | %.2f |\n", name[i],
				median[i] * 1000, min[i] * 1000, cpu[i] * 1000, median[i] / git,
				cpu[i] / gitcpu
	}' "$csv"
echo
awk -F, 'NR == 2 { git = $4 } NR == 3 { pc = $4 }
	END { printf "promptcost check --base %s: %.1f ms; git diff --stat %s...HEAD: %.1f ms; ratio %.2f (target: under 2)\n",
		"'"$REV"'", pc * 1000, "'"$REV"'", git * 1000, pc / git }' "$csv"
