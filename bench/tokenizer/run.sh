#!/bin/sh
# The tokenizer benchmark: promptcost against the npm tokenizers (tiktoken,
# tiktoken-rs-node, gpt-tokenizer, ai-tokenizer) on the same files, in one run,
# printed as a Markdown table with the ratios. Not part of `make test` or CI.
#
#   bench/tokenizer/run.sh
#
# It builds promptcost (make build) and bench/tokenizer/work/pcbench, installs
# the peers pinned in package.json into bench/tokenizer/node_modules (npm ci),
# and installs hyperfine with apt-get when it is missing. Settings, all optional:
#   CORPUS=DIR          the conformance corpus (default: ../shared/tokenizer/corpus
#                       relative to the repository root)
#   TEXT=FILE           the throughput file (default: $CORPUS/prompt_templates_en.txt)
#   PIECE=FILE          a long single pre-tokenizer piece (default: $CORPUS/adv_a_100k.txt,
#                       or 100,000 generated 'a' when absent)
#   RUNS=N              timed runs per throughput figure, the median is kept (default 5)
#   PIECE_TIMEOUT=S     cap on one peer's run over PIECE, load included (default 30)
#   STARTUP_RUNS=N      hyperfine runs for the start-up figures (default 20)
#   CLOCK=cpu|wall      the time the tables use (default cpu: user + system time of
#                       the process, which other load on a shared machine moves much less than wall time)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CORPUS=${CORPUS:-$root/../shared/tokenizer/corpus}
TEXT=${TEXT:-$CORPUS/prompt_templates_en.txt}
PIECE=${PIECE:-$CORPUS/adv_a_100k.txt}
RUNS=${RUNS:-5}
PIECE_TIMEOUT=${PIECE_TIMEOUT:-30}
STARTUP_RUNS=${STARTUP_RUNS:-20}
TOOLS="tiktoken tiktoken-rs gpt-tokenizer ai-tokenizer"
ENCODINGS="cl100k_base o200k_base"
work="$here/work"

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

[ -f "$TEXT" ] || die "no throughput file '$TEXT' (set CORPUS or TEXT)"
command -v node >/dev/null 2>&1 || die "node is needed for the npm peers"
command -v npm >/dev/null 2>&1 || die "npm is needed to install the npm peers"
if ! command -v hyperfine >/dev/null 2>&1; then
	say "bench: installing hyperfine (Debian package)"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get install -y -qq hyperfine >&2 ||
		{ $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq hyperfine >&2; } ||
		die "cannot install hyperfine"
fi

rm -rf "$work"
mkdir -p "$work"

say "bench: building promptcost and pcbench"
make -C "$root" --no-print-directory build >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log" >&2; die "make build failed"; }
# shellcheck disable=SC2086
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -I"$root/include" -o "$work/pcbench" "$here/pcbench.c" \
	"$root/build/libpromptcost.a" -lm

if [ ! -f "$here/node_modules/.package-lock.json" ] ||
	! cmp -s "$here/package-lock.json" "$here/node_modules/.bench-lock"; then
	say "bench: installing the npm peers (npm ci)"
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
	cp "$here/package-lock.json" "$here/node_modules/.bench-lock"
fi

if [ ! -f "$PIECE" ]; then
	PIECE="$work/a_100k.txt"
	head -c 100000 /dev/zero | tr '\0' a >"$PIECE"
fi
small="$work/templates_4k.txt"
head -c 4096 "$TEXT" >"$small"

say "bench: throughput on $(basename "$TEXT"), median of $RUNS warm runs"
for enc in $ENCODINGS; do
	"$work/pcbench" "$enc" "$TEXT" "$RUNS" >>"$work/throughput.jsonl"
	for tool in $TOOLS; do
		say "  $tool $enc"
		node "$here/peers.js" throughput "$tool" "$enc" "$TEXT" "$RUNS" >>"$work/throughput.jsonl"
	done
done

say "bench: one $(wc -c <"$PIECE")-byte piece ($(basename "$PIECE")), peers capped at ${PIECE_TIMEOUT}s"
for enc in $ENCODINGS; do
	"$work/pcbench" "$enc" "$PIECE" 3 >>"$work/piece.jsonl"
	for tool in $TOOLS; do
		say "  $tool $enc"
		status=0
		timeout "$PIECE_TIMEOUT" node "$here/peers.js" once "$tool" "$enc" "$PIECE" \
			>"$work/once.json" || status=$?
		if [ "$status" = 124 ]; then
			printf '{"tool":"%s","enc":"%s","timed_out":%s}\n' "$tool" "$enc" "$PIECE_TIMEOUT" \
				>>"$work/piece.jsonl"
		elif [ "$status" = 0 ]; then
			cat "$work/once.json" >>"$work/piece.jsonl"
		else
			die "$tool failed on $PIECE (exit $status)"
		fi
	done
done

say "bench: start-up + count of a 4 KB file (o200k_base), hyperfine, $STARTUP_RUNS runs each"
set -- "$root/build/promptcost tokens $small"
for tool in $TOOLS; do
	set -- "$@" "node $here/peers.js count $tool o200k_base $small"
done
hyperfine -N --warmup 3 --runs "$STARTUP_RUNS" --style none --export-json "$work/startup.json" \
	"$@" >"$work/hyperfine.log" 2>&1 || { cat "$work/hyperfine.log" >&2; die "hyperfine failed"; }

{
	printf 'machine: %s, %s cores, load average %s at the end; node %s; promptcost %s; %s\n' \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" "$(nproc)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)" \
		"$(node --version)" "$(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')" \
		"$(date -u '+%Y-%m-%d %H:%M UTC')"
	node "$here/report.js" "$work" "$(basename "$TEXT")" "$(basename "$PIECE")"
}
