#!/bin/sh
# Benchmark (not a test): usage that lives in ClickHouse, imported as buckets
# the engine sums, against exporting the rows and importing the file.
#
#   bench/clickhouse/run.sh [RECORDS]      (default 50,000,000)
#
# Starts a ClickHouse server (tests/clickhouse/start.sh; or uses
# PC_CLICKHOUSE_URL), fills promptcost's table (schema/clickhouse.sql) with
# RECORDS generated rows (INSERT ... SELECT FROM numbers(): 30 days of
# November 2026, 1,000 templates, 3 models, a tenth on a deployment), then:
#   1. promptcost usage import --from clickhouse://...: time, bytes received
#   2. the rows exported as promptcost/usage/v1 JSONL over HTTP (curl), then
#      promptcost usage import FILE: time of each, bytes of the file
# and prints both, their ratio, and checks the two stores hold the same calls.
# Needs the build (make) and curl; uses /usr/bin/time for CPU and RSS.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-50000000}
bin="$root/build/promptcost"
[ -x "$bin" ] || { echo "build first: make" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/promptcost-bench-ch-XXXXXX")
cleanup() { [ -n "${chdir:-}" ] && sh "$root/tests/clickhouse/stop.sh" "$chdir"; rm -rf "$work"; }
trap cleanup EXIT INT TERM
if [ -z "${PC_CLICKHOUSE_URL:-}" ]; then
	chdir="$work/server"
	PC_CLICKHOUSE_URL=$(sh "$root/tests/clickhouse/start.sh" "$chdir")
fi
ch=$PC_CLICKHOUSE_URL
db=pc_bench_$$
q() { curl -sS --fail-with-body "$ch/?database=${2:-default}" --data-binary "$1"; }
q "CREATE DATABASE $db"
q "$(cat "$root/schema/clickhouse.sql")" "$db"
t0=$(date +%s.%N)
q "INSERT INTO promptcost_usage SELECT
	toDateTime('2026-11-01 00:00:00') + intDiv(number * 2592000, $n) AS time,
	concat('template-', toString(number % 1000)) AS template,
	concat('v', toString(intDiv(number * 2, $n))) AS template_version,
	'' AS team, '' AS use_case, 'openai' AS provider,
	arrayElement(['gpt-4o', 'gpt-4o-mini', 'gpt-4.1'], number % 3 + 1) AS model,
	if(number % 10 = 0, 'ptu-east', '') AS deployment,
	1 AS records, 1 AS calls, toUInt64(number % 7 = 0) AS response_cache_hits,
	if(number % 7 = 0, 0, 800 + number % 400) AS input_tokens,
	if(number % 7 = 0, 0, (number % 4) * 100) AS cached_input_tokens,
	0 AS cache_write_tokens,
	if(number % 7 = 0, 0, 150 + number % 100) AS output_tokens,
	0 AS cost_records, 0 AS cost_micros
	FROM numbers($n)" "$db"
t1=$(date +%s.%N)
cat >"$work/promptcost.yml" <<'EOF'
version: 1
models:
  gpt-4o: {encoding: o200k_base, input_per_1m: 2.50, cached_input_per_1m: 1.25, output_per_1m: 10.00}
  gpt-4o-mini: {encoding: o200k_base, input_per_1m: 0.15, cached_input_per_1m: 0.075, output_per_1m: 0.60}
  gpt-4.1: {encoding: o200k_base, input_per_1m: 2.00, cached_input_per_1m: 0.50, output_per_1m: 8.00}
templates: []
EOF
url="clickhouse://${ch#http://}/$db"
cpu() { awk '{ print $1 + $2 }' "$1"; }
rss() { awk '{ print int($3 / 1024) }' "$1"; }
/usr/bin/time -f '%U %S %M' -o "$work/t.buckets" sh -c "'$bin' usage import --config '$work/promptcost.yml' --store '$work/buckets.db' --from '$url' --since 2026-11-01 --until 2026-11-30 --timeout 3600 >'$work/out.buckets'"
s_b=$(date +%s.%N)
bytes_b=$(sed -n 's/^transferred: *\([0-9,]*\) bytes.*/\1/p' "$work/out.buckets" | tr -d ,)
rows_b=$(sed -n 's/^read: *\([0-9,]*\) buckets.*/\1/p' "$work/out.buckets" | tr -d ,)
t_b=$(echo "$s_b $t1" | awk '{ printf "%.2f", $1 - $2 }')
# 2: the rows out as native JSONL, then imported
s0=$(date +%s.%N)
q "SELECT concat('{\"time\":\"', formatDateTime(time, '%Y-%m-%dT%H:%M:%SZ'), '\",\"id\":\"b', toString(rowNumberInAllBlocks()), '\",\"template\":\"', template, '\",\"template_version\":\"', template_version, '\",\"model\":\"', model, '\"', if(deployment = '', '', concat(',\"deployment\":\"', deployment, '\"')), ',\"calls\":', toString(calls), ',\"response_cache_hits\":', toString(response_cache_hits), ',\"input_tokens\":', toString(input_tokens), ',\"cached_input_tokens\":', toString(cached_input_tokens), ',\"output_tokens\":', toString(output_tokens), '}') FROM promptcost_usage FORMAT TSVRaw" "$db" >"$work/rows.jsonl"
s1=$(date +%s.%N)
bytes_f=$(stat -c %s "$work/rows.jsonl")
/usr/bin/time -f '%U %S %M' -o "$work/t.file" "$bin" usage import --config "$work/promptcost.yml" --store "$work/file.db" "$work/rows.jsonl" >"$work/out.file"
s2=$(date +%s.%N)
t_e=$(echo "$s1 $s0" | awk '{ printf "%.2f", $1 - $2 }')
t_i=$(echo "$s2 $s1" | awk '{ printf "%.2f", $1 - $2 }')
calls_b=$(sqlite3 "$work/buckets.db" 'SELECT sum(calls) FROM daily')
calls_f=$(sqlite3 "$work/file.db" 'SELECT sum(calls) FROM daily')
same=$( [ "$(sqlite3 "$work/buckets.db" 'SELECT * FROM daily ORDER BY 1,2,3,4,5,6,7,8' | md5sum)" = "$(sqlite3 "$work/file.db" 'SELECT * FROM daily ORDER BY 1,2,3,4,5,6,7,8' | md5sum)" ] && echo yes || echo NO)
echo "ClickHouse $(q 'SELECT version()'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s records in ClickHouse (filled in %.1f s)\n' "$n" "$(echo "$t1 $t0" | awk '{ print $1 - $2 }')"
echo "| path | wall s | promptcost CPU s | peak RSS | bytes moved | rows moved |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| usage import --from clickhouse:// (buckets summed in the engine) | $t_b | $(cpu "$work/t.buckets") | $(rss "$work/t.buckets") MB | $bytes_b | $rows_b |"
echo "| export the rows as JSONL (curl) | $t_e | - | - | $bytes_f | $n |"
echo "| then usage import FILE | $t_i | $(cpu "$work/t.file") | $(rss "$work/t.file") MB | - | - |"
echo "$t_b $t_e $t_i $bytes_f $bytes_b" | awk '{ printf "buckets are %.1fx faster than export + import, and move %.0fx fewer bytes\n", ($2 + $3) / $1, $4 / $5 }'
echo "same calls in both stores: $calls_b / $calls_f; the same daily buckets: $same"
q "DROP DATABASE $db"
