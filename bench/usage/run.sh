#!/bin/sh
# The usage benchmark: `promptcost usage import` of N native records (JSONL,
# then the same records as CSV), against sqlite3's own `.import` of the same
# CSV into a table and jq doing the store's group-by over the same JSONL, in
# one run; then `promptcost usage sync` on a store of a year of daily buckets
# for 1,000 templates. Not part of `make test` or CI.
#
#   bench/usage/run.sh                  10 million records
#   N=1000000 bench/usage/run.sh        a quicker run
#
# Settings, all optional:
#   N=COUNT        native records (10000000)
#   TEMPLATES=K    templates the records spread over (100)
#   JQ=0           leave jq out (it is by far the slowest)
#   JQ_N=COUNT     records jq groups, at most (1000000: it holds them all in memory)
#   FORMATS=0      leave the other sources out; N_OTHER=COUNT records of each (1000000)
#   WORK=DIR       where the files go (bench/work/usage, git-ignored)
#   PROMPTCOST=F   the binary (default: build/promptcost, built)
#
# Prints a Markdown table: wall and CPU (user + system) seconds, records/s and
# MB/s (10^6 bytes of input a second) of CPU time, so that a machine shared
# with other work still gives comparable figures, peak RSS (/usr/bin/time's
# maximum resident set), the store's size, and each peer's CPU time as a
# multiple of promptcost's.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${N:-10000000}
TEMPLATES=${TEMPLATES:-100}
JQ=${JQ:-1}
WORK=${WORK:-$root/bench/work/usage}

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (Debian package 'time')"
command -v sqlite3 >/dev/null || die "sqlite3 is needed"
if [ -z "${PROMPTCOST:-}" ]; then
	make -C "$root" --no-print-directory build >/dev/null || die "make build failed"
	PROMPTCOST=$root/build/promptcost
fi
mkdir -p "$WORK"
cd "$WORK"

# config.yml: TEMPLATES (and 1,000 for sync) templates and the generator's models
config() {
	{
		printf 'version: 1\nmodels:\n'
		for m in gpt-4o gpt-4o-mini claude-sonnet-4; do
			printf '  %s:\n    encoding: o200k_base\n    input_per_1m: 2.50\n    output_per_1m: 10.00\n' "$m"
		done
		printf 'templates:\n'
		awk -v k="$1" 'BEGIN { for (t = 0; t < k; t++) printf "  - id: t%04d\n    files: [prompts/t%04d.md]\n    model: gpt-4o\n    calls_per_day: 100\n", t, t }'
		printf 'usage:\n  models:\n    gpt-4o-2024-08-06: gpt-4o\n'
	} >"$2"
}

# measure NAME CMD...: sets $secs (wall), $cpu (user + system) and $rss_kb
measure() {
	_name=$1; shift
	/usr/bin/time -f '%e %M %U %S' -o time.out "$@" >cmd.out 2>cmd.err ||
		{ cat cmd.err >&2; die "$_name failed"; }
	secs=$(cut -d' ' -f1 time.out)
	rss_kb=$(cut -d' ' -f2 time.out)
	cpu=$(awk '{ printf "%.2f", $3 + $4 }' time.out)
}
rate() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }
mb() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

if [ ! -f "records-$N-$TEMPLATES.jsonl" ]; then
	say "bench: generating $N records"
	rm -f records-*.jsonl records-*.csv
	awk -v n="$N" -v templates="$TEMPLATES" -v days=30 -v format=jsonl -f "$here/gen.awk" >"records-$N-$TEMPLATES.jsonl"
	awk -v n="$N" -v templates="$TEMPLATES" -v days=30 -v format=csv -f "$here/gen.awk" >"records-$N-$TEMPLATES.csv"
fi
jsonl=records-$N-$TEMPLATES.jsonl
csv=records-$N-$TEMPLATES.csv
jsonl_bytes=$(wc -c <"$jsonl")
csv_bytes=$(wc -c <"$csv")
config "$TEMPLATES" config.yml

echo "| what | records | input | wall s | CPU s | records/s (CPU) | MB/s (CPU) | peak RSS | store | CPU vs promptcost |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
rm -f store.db
measure "import jsonl" "$PROMPTCOST" usage import --store store.db --config config.yml --format native "$jsonl"
grep -q '^imported:' cmd.out || die "no summary from the import"
pc_secs=$cpu
echo "| promptcost usage import (JSONL) | $N | $(mb "$jsonl_bytes" 1) MB | $secs | $cpu | $(rate "$N" "$cpu") | $(mb "$jsonl_bytes" "$cpu") | $((rss_kb / 1024)) MB | $(mb "$(wc -c <store.db)" 1) MB | 1.00x |"
# the same file again: recognised by its content, nothing read
measure "import again" "$PROMPTCOST" usage import --store store.db --config config.yml "$jsonl"
echo "| the same file again (skipped by content) | $N | $(mb "$jsonl_bytes" 1) MB | $secs | $cpu | | $(mb "$jsonl_bytes" "$cpu") | $((rss_kb / 1024)) MB | | |"
rm -f store-csv.db
measure "import csv" "$PROMPTCOST" usage import --store store-csv.db --config config.yml --format native "$csv"
pc_csv_secs=$cpu
echo "| promptcost usage import (CSV) | $N | $(mb "$csv_bytes" 1) MB | $secs | $cpu | $(rate "$N" "$cpu") | $(mb "$csv_bytes" "$cpu") | $((rss_kb / 1024)) MB | $(mb "$(wc -c <store-csv.db)" 1) MB | 1.00x |"
rm -f sqlite-import.db
measure "sqlite3 .import" sqlite3 sqlite-import.db ".mode csv" ".import $csv records"
echo "| sqlite3 .import of the CSV into a table (no group-by, no ids) | $N | $(mb "$csv_bytes" 1) MB | $secs | $cpu | $(rate "$N" "$cpu") | $(mb "$csv_bytes" "$cpu") | $((rss_kb / 1024)) MB | $(mb "$(wc -c <sqlite-import.db)" 1) MB | $(ratio "$cpu" "$pc_csv_secs") |"
rm -f sqlite-import.db
if [ "$JQ" = 1 ] && command -v jq >/dev/null; then
	# jq 1.6 updates an object in a reduce by copying it (about 13,000 records/s
	# here, slower as keys grow), so the fair form is group_by over the records
	# slurped into memory: on at most JQ_N records, since 10 million would need
	# some 15 GB; the ratio is per record.
	jq_n=$(( N < ${JQ_N:-1000000} ? N : ${JQ_N:-1000000} ))
	head -n "$jq_n" "$jsonl" >jq-input.jsonl
	measure "jq group-by" jq -s -c 'group_by(.time[0:10] + "|" + .template + "|" + .template_version
		+ "|" + .model + "|" + (.deployment // "")) | map({day: .[0].time[0:10],
		template: .[0].template, records: length, calls: (map(.calls) | add),
		hits: (map(.response_cache_hits) | add), input: (map(.input_tokens) | add),
		cached: (map(.cached_input_tokens) | add), output: (map(.output_tokens) | add)}) | length' jq-input.jsonl
	jq_bytes=$(wc -c <jq-input.jsonl)
	rm -f jq-input.jsonl
	echo "| jq -s group_by: the same daily buckets (no ids, no store; first $jq_n records) | $jq_n | $(mb "$jq_bytes" 1) MB | $secs | $cpu | $(rate "$jq_n" "$cpu") | $(mb "$jq_bytes" "$cpu") | $((rss_kb / 1024)) MB | | $(awk -v a="$cpu" -v n="$jq_n" -v b="$pc_secs" -v m="$N" 'BEGIN { printf "%.2fx", (a / n) / (b / m) }') per record |"
fi

# The other sources: a record of each sample under tests/usage/ (written from
# the sources' documents; see their tests), repeated with a fresh id each time
# until about N_OTHER records, imported once each.
if [ "${FORMATS:-1}" = 1 ]; then
	N_OTHER=${N_OTHER:-1000000}
	cat >config-formats.yml <<'YML'
version: 1
models:
  gpt-4o: {encoding: o200k_base, input_per_1m: 2.50, output_per_1m: 10}
  gpt-4o-mini: {encoding: o200k_base, input_per_1m: 0.15, output_per_1m: 0.60}
templates:
  - id: document-summarization
    files: [prompts/sum.md]
    model: gpt-4o
    calls_per_day: 100
usage:
  models:
    gpt-4o-mini-2024-07-18: gpt-4o-mini
    "ft:gpt-4o-mini-2024-07-18:acme:support-v2:9xYzAbCd": gpt-4o-mini
YML
	samples=$root/tests/usage
	# source file header-lines pattern replacement-prefix
	for spec in "langfuse langfuse-observations.jsonl 0 obs-7f3a9c01 obs-" \
		"otlp otlp-genai-spans.jsonl 0 5b8efff798038103d269b633813fc60c 5b8efff7" \
		"openai openai-usage-pages.jsonl 0 \"project_id\":\" \"project_id\":\"p" \
		"litellm litellm.csv 1 chatcmpl-a1, chatcmpl-"; do
		set -- $spec
		src=$1 file=$2 header=$3 pattern=$4 prefix=$5
		head -n $((header + 1)) "$samples/$file" >one.in
		rm -f one.db
		"$PROMPTCOST" usage import --store one.db --config config-formats.yml --format "$src" one.in >cmd.out ||
			die "the $src sample does not import"
		per_line=$(sed -n 's/^read: *\([0-9,]*\) records/\1/p' cmd.out | tr -d ,)
		lines=$((N_OTHER / per_line))
		awk -v lines="$lines" -v header="$header" -v pat="$pattern" -v pre="$prefix" '
			NR <= header { print; next }
			# every occurrence of pat, replaced without regular expressions (mawk'"'"'s
			# gsub with a dynamic pattern took 44 minutes for a million lines)
			{ for (i = 0; i < lines; i++) {
				rep = pre sprintf("%024d", i) (pat ~ /,$/ ? "," : ""); l = $0; out = ""
				while ((k = index(l, pat)) > 0) { out = out substr(l, 1, k - 1) rep; l = substr(l, k + length(pat)) }
				print out l
			} }' \
			one.in >"other.$src"
		bytes=$(wc -c <"other.$src")
		rm -f other.db
		measure "import $src" "$PROMPTCOST" usage import --store other.db --config config-formats.yml --format "$src" "other.$src"
		read_n=$(sed -n 's/^read: *\([0-9,]*\) records/\1/p' cmd.out | tr -d ,)
		echo "| promptcost usage import ($src, the sample's record repeated) | $read_n | $(mb "$bytes" 1) MB | $secs | $cpu | $(rate "$read_n" "$cpu") | $(mb "$bytes" "$cpu") | $((rss_kb / 1024)) MB | $(mb "$(wc -c <other.db)" 1) MB | |"
		rm -f "other.$src" other.db one.db one.in
	done
fi

# usage sync on a year of daily buckets for 1,000 templates
if [ ! -f year.db ]; then
	say "bench: a store of a year of daily buckets for 1,000 templates"
	config 1000 config-1000.yml
	awk -v templates=1000 -v days=365 -v format=buckets -f "$here/gen.awk" >year.jsonl
	"$PROMPTCOST" usage import --store year.db --config config-1000.yml --format native year.jsonl >/dev/null
fi
walls=""
cpus=""
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	start=$(date +%s%N)
	/usr/bin/time -f '%U %S' -o time.out "$PROMPTCOST" usage sync --store year.db --output sync.yml >/dev/null
	end=$(date +%s%N)
	walls="$walls $(( (end - start) / 1000 ))"
	cpus="$cpus $(awk '{ printf "%d", ($1 + $2) * 1000000 }' time.out)"
done
median() { printf '%s\n' $1 | sort -n | sed -n 6p; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
echo
echo "usage sync, 30-day window of a year of daily buckets for 1,000 templates ($(sqlite3 year.db 'SELECT count(*) FROM daily') rows, $(mb "$(wc -c <year.db)" 1) MB), median of 11 runs: $(ms "$(median "$walls")") ms wall, $(ms "$(median "$cpus")") ms CPU (user + system, 10 ms resolution); $(grep -c '^  t' sync.yml) templates written"
