#!/bin/sh
# The `check` benchmark: how long `promptcost check` takes on a large prompt
# library against git's own diff over the same range, in the same run (the
# targets: under 2x `git diff --stat` with a warm token-count cache, under 4x
# cold; `check --staged` with one staged change under 2x `git diff --cached
# --stat`). Not part of `make test` or CI.
#
#   bench/check/run.sh
#
# It builds promptcost (make build), generates the repository with gen.awk
# and `git fast-import` (or reuses the one in bench/work/check/, git-ignored,
# when it was made by the same generator and settings), installs hyperfine
# with apt-get when it is missing (or, when it cannot, times a loop with
# /usr/bin/time), and prints the medians as a Markdown table.
# Settings, all optional:
#   LAYOUT=files|globs|fabric
#                       1,000 templates of one file each (default); 250
#                       templates of 4 files each named by a glob; or the
#                       fabric-like repository of fabric.sh (fabric's real
#                       prompt history, 451 templates, 1,171 commits)
#   NFILES=N            template files (1000); NOTHER=N other files (1000)
#   NCOMMITS=N          commits (2000); NCHANGED=N templates changed on the
#                       branch under review (50), by about 2 KB each
#   RUNS=N              timed runs per command, the median is kept (20)
#   WARMUP=N            untimed runs first (3)
#   SERIES=1            also the linearity series: 10, 50 and 200 changed
#                       templates of 1,000, and 50 changed of 10,000
#   TMP=1               build the repositories in a temporary folder, removed after
#   FRESH=1             build them again even when bench/work/check/ has them
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

case $LAYOUT in files | globs | fabric) ;; *) die "LAYOUT must be 'files', 'globs' or 'fabric'" ;; esac
command -v git >/dev/null 2>&1 || die "git is needed"
if ! command -v hyperfine >/dev/null 2>&1; then
	say "bench: installing hyperfine (Debian package)"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get install -y -qq hyperfine >&2 ||
		{ $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq hyperfine >&2; } ||
		say "bench: cannot install hyperfine: timing a loop with /usr/bin/time instead"
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
if [ -n "${COMPARE:-}" ]; then
	COMPARE=$(cd "$(dirname "$COMPARE")" && pwd)/$(basename "$COMPARE")
	[ -x "$COMPARE" ] || die "no binary '$COMPARE'"
fi

# git as the benchmark defines it, not as this machine's configuration does
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null NO_COLOR=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE PROMPTCOST_NO_CACHE

if [ "${TMP:-0}" = 1 ]; then
	work=$(mktemp -d "${TMPDIR:-/tmp}/promptcost-bench-XXXXXX")
	trap 'rm -rf "$work"' EXIT
else
	work=$root/bench/work/check
fi
mkdir -p "$work"

# make_repo LAYOUT NFILES NOTHER NCOMMITS NCHANGED: the repository's path on stdout
make_repo() {
	if [ "$1" = fabric ]; then
		r=$work/fabric
		st="fabric 1 $(cat "$here/fabric.sh" "$here/fabric.awk" | cksum)"
	else
		r=$work/$1-$2-$5
		[ "$2-$5" = 1000-50 ] && r=$work/$1
		st="2 $(cksum <"$here/gen.awk") $*"
	fi
	if [ "${FRESH:-0}" = 1 ] || [ ! -f "$r.stamp" ] || [ "$(cat "$r.stamp")" != "$st" ]; then
		say "bench: generating the repository in $r"
		rm -rf "$r" "$r.stamp"
		mkdir -p "$r"
		if [ "$1" = fabric ]; then
			sh "$here/fabric.sh" "$r" >&2
		else
			git -C "$r" init -q -b main
			LC_ALL=C awk -f "$here/gen.awk" -v layout="$1" -v nfiles="$2" -v nother="$3" \
				-v ncommits="$4" -v nchanged="$5" | git -C "$r" fast-import --quiet
			git -C "$r" checkout -q -f feature
			# packed as a clone is: one pack with deltas computed afresh, newest
			# versions whole (fast-import's own deltas go the other way)
			git -C "$r" repack -a -d -f -q
			git -C "$r" prune-packed
		fi
		printf '%s\n' "$st" >"$r.stamp"
	fi
	# as generated: no staged change, no cache
	git -C "$r" reset -q --hard
	rm -f "$r/.git/promptcost/tokens.cache"
	printf '%s\n' "$r"
}

# time_commands CSV PREPARE NAME CMD [NAME CMD]...: hyperfine -N (or a loop),
# medians into CSV as hyperfine writes it (command,mean,stddev,median,user,system,min,max)
time_commands() {
	csv=$1 prep=$2
	shift 2
	if command -v hyperfine >/dev/null 2>&1; then
		# NAME CMD pairs become -n NAME CMD; one --prepare serves every command
		n=$#
		while [ "$n" -gt 0 ]; do
			set -- "$@" -n "$1" "$2"
			shift 2
			n=$((n - 2))
		done
		[ -z "$prep" ] || set -- --prepare "$prep" "$@"
		hyperfine -N -i --style none --warmup "$WARMUP" --runs "$RUNS" --export-csv "$csv" \
			"$@" >/dev/null 2>"$work/hyperfine.err" ||
			{ cat "$work/hyperfine.err" >&2; die "hyperfine failed"; }
		return
	fi
	echo "command,mean,stddev,median,user,system,min,max" >"$csv"
	while [ $# -gt 0 ]; do
		name=$1 cmd=$2
		shift 2
		: >"$work/times"
		k=0
		while [ "$k" -lt $((WARMUP + RUNS)) ]; do
			[ -n "$prep" ] && sh -c "$prep"
			# shellcheck disable=SC2086
			/usr/bin/time -f '%e %U %S' -a -o "$work/times" sh -c "$cmd >/dev/null 2>&1" || true
			k=$((k + 1))
		done
		tail -n "$RUNS" "$work/times" | sort -n | awk -v name="$name" '
			{ e[NR] = $1; u += $2; s += $3; t += $1 }
			END { m = NR % 2 ? e[(NR + 1) / 2] : (e[NR / 2] + e[NR / 2 + 1]) / 2
			      printf "%s,%f,0,%f,%f,%f,%f,%f\n", name, t / NR, m, u / NR, s / NR, e[1], e[NR] }' >>"$csv"
	done
}

# median CSV NAME: the median (seconds) of NAME's row
median() { awk -F, -v n="$2" '$1 == n { print $4 }' "$1"; }
cpu() { awk -F, -v n="$2" '$1 == n { print $5 + $6 }' "$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# measure REPO TAG: the main table's rows for one repository, printed
measure() {
	r=$1
	cd "$r"
	for args in "check --base $REV" "check --base $REV --format json" "check --staged" "check"; do
		status=0
		# shellcheck disable=SC2086
		"$PROMPTCOST" $args >/dev/null 2>"$work/stderr" || status=$?
		[ "$status" -le 1 ] || { cat "$work/stderr" >&2; die "'promptcost $args' exited $status in $r"; }
	done
	cache=$r/.git/promptcost/tokens.cache
	# the quiet-template snapshot the runs above wrote (one file per build)
	quiet=$(ls "$r"/.git/promptcost/quiet-*.snap 2>/dev/null | tr "\n" " ")
	[ -n "$quiet" ] || die "no quiet-template snapshot after 'check --base $REV' in $r"
	warm=$work/warm.csv cold=$work/cold.csv staged=$work/staged.csv full=$work/full.csv
	time_commands "$warm" "" \
		"git diff --stat $REV...HEAD" "git diff --stat $REV...HEAD" \
		"check --base $REV (warm cache)" "$PROMPTCOST check --base $REV" \
		"check --base $REV --format json (warm)" "$PROMPTCOST check --base $REV --format json" \
		"git diff HEAD --stat" "git diff HEAD --stat" \
		"check (working tree; warm)" "$PROMPTCOST check"
	time_commands "$full" "rm -f $quiet" \
		"git diff --stat $REV...HEAD" "git diff --stat $REV...HEAD" \
		"check --base $REV (no quiet snapshot)" "$PROMPTCOST check --base $REV"
	time_commands "$cold" "rm -f $cache $quiet" \
		"git diff --stat $REV...HEAD" "git diff --stat $REV...HEAD" \
		"check --base $REV (cold cache)" "$PROMPTCOST check --base $REV"
	if [ -n "${COMPARE:-}" ]; then
		time_commands "$work/compare.csv" "" \
			"git diff --stat $REV...HEAD" "git diff --stat $REV...HEAD" \
			"COMPARE check --base $REV" "$COMPARE check --base $REV"
	fi
	# one staged change: a line added to the first template file
	f=$(git ls-files -- prompts patterns | head -n 1)
	printf 'One more line for the benchmark, staged.\n' >>"$f"
	git add -- "$f"
	"$PROMPTCOST" check --staged >/dev/null 2>&1 || true
	time_commands "$staged" "" \
		"git diff --cached --stat" "git diff --cached --stat" \
		"check --staged (one staged change; warm)" "$PROMPTCOST check --staged"
	git reset -q --hard
	# rows: name, its CSV and name there, the git row it is compared with (same CSV)
	echo "| command | wall median (ms) | CPU (ms) | compared with | wall ratio | CPU ratio |"
	echo "|---|---:|---:|---|---:|---:|"
	row() { # row CSV NAME [GITNAME]
		w=$(median "$1" "$2") c=$(cpu "$1" "$2")
		if [ -z "${3:-}" ]; then
			printf '| `%s` | %s | %s | | | |\n' "$2" "$(ms "$w")" "$(ms "$c")"
			return
		fi
		gw=$(median "$1" "$3") gc=$(cpu "$1" "$3")
		printf '| `%s` | %s | %s | `%s` (%s ms, CPU %s) | %s | %s |\n' "$2" "$(ms "$w")" "$(ms "$c")" \
			"$3" "$(ms "$gw")" "$(ms "$gc")" "$(ratio "$w" "$gw")" "$(ratio "$c" "$gc")"
	}
	g="git diff --stat $REV...HEAD"
	row "$warm" "$g"
	row "$warm" "check --base $REV (warm cache)" "$g"
	row "$warm" "check --base $REV --format json (warm)" "$g"
	row "$full" "check --base $REV (no quiet snapshot)" "$g"
	row "$cold" "check --base $REV (cold cache)" "$g"
	[ -z "${COMPARE:-}" ] || row "$work/compare.csv" "COMPARE check --base $REV" "$g"
	row "$staged" "check --staged (one staged change; warm)" "git diff --cached --stat"
	row "$warm" "check (working tree; warm)" "git diff HEAD --stat"
	cd "$root"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
repo=$(make_repo "$LAYOUT" "$NFILES" "$NOTHER" "$NCOMMITS" "$NCHANGED")
cd "$repo"
commits=$(git rev-list --count --all)
files=$(git ls-files | wc -l)
templates=$(grep -c '^  - id:' .promptcost.yml)
changed=$(git diff --shortstat "$REV...HEAD")
cd "$root"
echo "## promptcost check, $LAYOUT layout"
echo
echo "Repository: $commits commits, $files files, $templates templates; $REV...HEAD:$changed."
echo "Wall: median of $RUNS runs after $WARMUP warm-up runs (hyperfine -N); CPU: mean user + system."
echo "Cold: the token-count cache and the quiet-template snapshot removed before every run; no snapshot: the snapshot alone removed. ${COMPARE:+COMPARE: $COMPARE}"
echo
measure "$repo"

if [ "${SERIES:-0}" = 1 ] && [ "$LAYOUT" != fabric ]; then
	echo
	echo "## Linearity: check --base $REV against the changed templates and the templates"
	echo
	echo "| templates | changed | git diff --stat (ms) | check, warm (ms) | ratio | check, cold (ms) | ratio |"
	echo "|---:|---:|---:|---:|---:|---:|---:|"
	for shape in "1000 10" "1000 50" "1000 200" "10000 50"; do
		set -- $shape
		r=$(make_repo "$LAYOUT" "$1" "$NOTHER" "$NCOMMITS" "$2")
		cd "$r"
		"$PROMPTCOST" check --base "$REV" >/dev/null 2>&1 || true
		time_commands "$work/s-warm.csv" "" \
			"git" "git diff --stat $REV...HEAD" "warm" "$PROMPTCOST check --base $REV"
		quiet=$(ls "$r"/.git/promptcost/quiet-*.snap 2>/dev/null | tr "\n" " ")
		time_commands "$work/s-cold.csv" "rm -f $r/.git/promptcost/tokens.cache $quiet" \
			"git" "git diff --stat $REV...HEAD" "cold" "$PROMPTCOST check --base $REV"
		cd "$root"
		g=$(median "$work/s-warm.csv" git) w=$(median "$work/s-warm.csv" warm)
		gc=$(median "$work/s-cold.csv" git) c=$(median "$work/s-cold.csv" cold)
		printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(ms "$g")" "$(ms "$w")" \
			"$(ratio "$w" "$g")" "$(ms "$c")" "$(ratio "$c" "$gc")"
	done
fi
echo
echo "Load average (1, 5, 15 min): $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after; $(nproc) cores."
