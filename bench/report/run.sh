#!/bin/sh
# Benchmark (not a test): `promptcost report` on a store of a year of usage
# for 1,000 templates (issue 10's target: under 1 s).
#
#   bench/report/run.sh            RUNS=N (default 5) timed runs, the median kept
#
# Builds in a temporary folder a repository of 1,000 one-file templates (10
# teams, 50 use cases with cache targets, gpt-4o and gpt-4o-mini, a
# 50-unit reservation serving every 60th template) and a year of records,
# 2026-01-01 to 2026-12-31, generated with awk: one a day per on-demand
# template, one an hour per reserved one (507,715 records), four versions a
# template (a label a third of a year), imported with `usage import`; then
# times `report` for December (the default shape: a month, on a year's store)
# in text, json and html, and for the whole year in json. Prints a Markdown
# table of median wall seconds and peak RSS. Uses /usr/bin/time.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PROMPTCOST:-$root/build/promptcost}
[ -x "$bin" ] || { echo "build first: make" >&2; exit 1; }
runs=${RUNS:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/promptcost-bench-report-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null TZ=UTC
repo="$work/repo"
mkdir -p "$repo/p"
git -C "$repo" init -q -b main
awk 'BEGIN {
	print "version: 1\ndays_per_month: 30\nmodels:"
	print "  gpt-4o: {encoding: o200k_base, input_per_1m: 2.50, cached_input_per_1m: 1.25, output_per_1m: 10.00}"
	print "  gpt-4o-mini: {encoding: o200k_base, input_per_1m: 0.15, output_per_1m: 0.60}"
	print "reservations:\n  ptu: {model: gpt-4o, units: 50, unit_price_per_hour: 1.00, tokens_per_minute_per_unit: 2500}"
	print "policy:\n  cache_hit_target: 50%\nteams:"
	for (t = 0; t < 10; t++) printf "  team-%d: {monthly_budget: 50000, warn_at: 80%%}\n", t
	print "use_cases:"
	for (u = 0; u < 50; u++) printf "  uc-%d: {cache_hit_target: 40%%}\n", u
	print "templates:"
	for (i = 0; i < 1000; i++) {
		printf "  - id: t%d\n    files: [p/t%d.md]\n    team: team-%d\n    use_case: uc-%d\n", i, i, i % 10, i % 50
		printf "    model: %s\n    calls_per_day: 100\n", (i % 3 == 0 ? "gpt-4o" : "gpt-4o-mini")
		if (i % 60 == 0) print "    deployment: ptu"
	}
}' >"$repo/.promptcost.yml"
i=0; while [ $i -lt 1000 ]; do echo "Prompt $i." >"$repo/p/t$i.md"; i=$((i + 1)); done
git -C "$repo" add -A
git -C "$repo" -c user.name=bench -c user.email=bench@example.com commit -q -m "1,000 templates"
awk 'function ts(d, h,   m, dd, ml) {
	split("31 28 31 30 31 30 31 31 30 31 30 31", ml, " "); m = 1; dd = d
	while (dd >= ml[m]) { dd -= ml[m]; m++ }
	return sprintf("2026-%02d-%02dT%02d:00:00Z", m, dd + 1, h)
}
BEGIN {
	for (d = 0; d < 365; d++) for (i = 0; i < 1000; i++) {
		if (i % 60 == 0) {
			for (h = 0; h < 24; h++)
				printf "{\"time\":\"%s\",\"id\":\"h%d-%d-%d\",\"template\":\"t%d\",\"template_version\":\"v%d\",\"model\":\"gpt-4o\",\"calls\":40,\"input_tokens\":40000,\"output_tokens\":8000}\n", ts(d, h), d, i, h, i, int(d / 120)
		} else
			printf "{\"time\":\"%s\",\"id\":\"d%d-%d\",\"template\":\"t%d\",\"template_version\":\"v%d\",\"model\":\"%s\",\"calls\":%d,\"response_cache_hits\":300,\"input_tokens\":%d,\"output_tokens\":200000}\n", ts(d, 12), d, i, i, int(d / 120), (i % 3 == 0 ? "gpt-4o" : "gpt-4o-mini"), 1000 + (d * 7 + i) % 300, 1000000 + i
	}
}' >"$work/usage.jsonl"
(cd "$repo" && "$bin" usage import "$work/usage.jsonl" >/dev/null)
records=$(wc -l <"$work/usage.jsonl" | tr -d ' ')
store=$(du -k "$repo/.git/promptcost/usage.db" | cut -f1)
# median NAME ARGS...: the median wall time and the peak RSS of RUNS runs
median() {
	_name=$1; shift
	: >"$work/times"
	_k=0
	while [ $_k -lt "$runs" ]; do
		(cd "$repo" && /usr/bin/time -f '%e %M' -o "$work/t" "$bin" "$@" >/dev/null)
		cat "$work/t" >>"$work/times"
		_k=$((_k + 1))
	done
	sort -n "$work/times" | awk -v n="$runs" -v name="$_name" '{ t[NR] = $1; if ($2 > m) m = $2 }
		END { printf "| %s | %.2f | %d MB |\n", name, t[int((n + 1) / 2)], m / 1024 }'
}
echo "$records records, a store of $((store / 1024)) MB; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); median of $runs runs"
echo "| report | wall s | peak RSS |"
echo "|---|---:|---:|"
median "--period 2026-12 (text)" report --period 2026-12
median "--period 2026-12 --format json" report --period 2026-12 --format json
median "--period 2026-12 --format html" report --period 2026-12 --format html
median "the whole year, --format json" report --since 2026-01-01 --until 2026-12-31 --format json
median "usage show (the store's summary alone)" usage show
