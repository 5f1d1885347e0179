#!/bin/sh
# End-to-end tests of `promptcost usage import --from clickhouse://` against a
# real ClickHouse server: Debian's clickhouse-server (18.16 on Debian 12),
# started on loopback by tests/clickhouse/start.sh unless .ci/run already
# started one (PC_CLICKHOUSE_URL). Each run uses a database of its own.
#
# - the same records imported from a native JSONL file and, inserted into
#   promptcost's table (schema/clickhouse.sql), through ClickHouse give the
#   same store, bucket for bucket (daily and hourly tables compared);
# - the same window twice counts once; an overlapping window adds only the
#   new buckets;
# - credentials from the environment and from a file; a URL with them, and
#   a file others can read, refused;
# - a server that is down, too slow, answers an error, drops the connection
#   midway, ends cleanly without its totals row, sends rows that do not add
#   up to the totals, or answers something else: exit 3, one line, the store
#   unchanged (sqlite3 .dump before and after);
# - the Langfuse and Helicone presets as golden SQL; Helicone's also for
#   real, on a reduced table of the columns it reads (Langfuse's reads Map
#   columns, which ClickHouse 18.16 lacks: README "Usage in ClickHouse").
#
# ClickHouse's HTTP interface: https://clickhouse.com/docs/en/interfaces/http
. "$(dirname "$0")/lib.sh"

if [ -z "${PC_CLICKHOUSE_URL:-}" ]; then
	if ! command -v clickhouse-server >/dev/null 2>&1; then
		sh "$PC_ROOT/scripts/deps.sh" install >&2 || true
	fi
	chdir="$TEST_TMP/clickhouse"
	if ! PC_CLICKHOUSE_URL=$(sh "$PC_ROOT/tests/clickhouse/start.sh" "$chdir"); then
		_report 1 "a ClickHouse server starts on loopback (clickhouse-server from Debian)"
		finish
		exit 1
	fi
	trap 'sh "$PC_ROOT/tests/clickhouse/stop.sh" "$chdir"; rm -rf "$TEST_TMP"' EXIT
fi
ch=$PC_CLICKHOUSE_URL
db="pc_test_$$_$(date +%s)"
hostport=${ch#http://}
url="clickhouse://$hostport/$db"
q() { curl -sS --fail-with-body "$ch/" --data-binary @-; }
echo "CREATE DATABASE $db" | q
curl -sS --fail-with-body "$ch/?database=$db" --data-binary @"$PC_ROOT/schema/clickhouse.sql"
_report $? "schema/clickhouse.sql creates promptcost's table on this server ($(echo 'SELECT version()' | q))"

r="$TEST_TMP/repo"
new_repo "$r"
mkdir -p "$r/prompts"
cat >"$r/.promptcost.yml" <<'EOF'
version: 1
models:
  gpt-4o:
    encoding: o200k_base
    input_per_1m: 2.50
    cached_input_per_1m: 1.25
    output_per_1m: 10.00
  gpt-4o-mini:
    encoding: o200k_base
    input_per_1m: 0.15
    output_per_1m: 0.60
teams:
  records: {}
templates:
  - id: document-summarization
    files: [prompts/summarize.md]
    team: records
    model: gpt-4o
    calls_per_day: 100
  - id: foi-triage
    files: [prompts/foi.md]
    model: gpt-4o-mini
    calls_per_day: 100
EOF
echo "Summarize." >"$r/prompts/summarize.md"
echo "Triage." >"$r/prompts/foi.md"
commit_all "$r" "prompts"

# 600 records over three days: two templates, one the configuration lacks,
# none; on demand and on a deployment; hits, cached input, cache writes and
# reported costs. The same records as native JSONL and as rows of
# promptcost_usage (time to the second: the engine sums the hours).
awk -v jsonl="$TEST_TMP/records.jsonl" -v tsv="$TEST_TMP/records.tsv" 'BEGIN {
	split("document-summarization foi-triage retired-prompt -", tpl, " ")
	split("v1 v2 -", ver, " ")
	for (i = 0; i < 600; i++) {
		t = tpl[i % 4 + 1]; v = ver[i % 3 + 1]
		day = 1 + i % 3; hour = (i * 7) % 24; sec = (i * 37) % 3600
		model = (i % 5 == 0) ? "gpt-4o-mini" : "gpt-4o"
		dep = (i % 2) ? "ptu-east" : ""
		calls = 1 + i % 4; hits = (i % 6 == 0) ? 1 : 0
		input = 1000 + i; cached = (i % 3) * 100; write = (i % 7 == 0) ? 50 : 0; output = 200 + i % 50
		cost = (i % 4 == 0) ? 1000 + i : -1
		printf "{\"time\":\"2026-11-%02dT%02d:%02d:%02dZ\",\"id\":\"r%d\"", day, hour, int(sec / 60), sec % 60, i > jsonl
		if (t != "-") printf ",\"template\":\"%s\"", t > jsonl
		if (v != "-") printf ",\"template_version\":\"%s\"", v > jsonl
		printf ",\"model\":\"%s\"", model > jsonl
		if (dep != "") printf ",\"deployment\":\"%s\"", dep > jsonl
		printf ",\"calls\":%d,\"response_cache_hits\":%d,\"input_tokens\":%d,\"cached_input_tokens\":%d,\"cache_write_tokens\":%d,\"output_tokens\":%d", calls, hits, input, cached, write, output > jsonl
		if (cost >= 0) printf ",\"cost\":\"0.%06d\"", cost > jsonl
		printf "}\n" > jsonl
		printf "2026-11-%02d %02d:%02d:%02d\t%s\t%s\t\t\topenai\t%s\t%s\t1\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", day, hour, int(sec / 60), sec % 60, (t == "-" ? "" : t), (v == "-" ? "" : v), model, dep, calls, hits, input, cached, write, output, (cost >= 0), (cost >= 0 ? cost : 0) > tsv
	}
}'
curl -sS --fail-with-body "$ch/?database=$db&query=INSERT%20INTO%20promptcost_usage%20FORMAT%20TabSeparated" --data-binary @"$TEST_TMP/records.tsv"
expect_eq "$(echo "SELECT count(), sum(calls) FROM $db.promptcost_usage FORMAT TSV" | q)" "$(printf '600\t1500')" "600 records, 1,500 calls inserted into ClickHouse"

buckets() { # the store's buckets, in a fixed order
	sqlite3 "$1" "SELECT * FROM daily ORDER BY 1,2,3,4,5,6,7,8; SELECT '--'; SELECT * FROM hourly ORDER BY 1,2,3;"
}
run "$r" usage import --store "$TEST_TMP/file.db" "$TEST_TMP/records.jsonl"
expect_status 0 "the records imported from the JSONL file"
run "$r" usage import --store "$TEST_TMP/ch.db" --from "$url" --since 2026-11-01 --until 2026-11-30
expect_status 0 "the same records imported through ClickHouse"
expect_stdout_has "read:         " "the import says how many buckets it read"
expect_stdout_has "transferred:  " "the import says how many bytes came back"
expect_stdout_has "buckets summed by the server" "and how many buckets"
buckets "$TEST_TMP/file.db" >"$TEST_TMP/file.buckets"
buckets "$TEST_TMP/ch.db" >"$TEST_TMP/ch.buckets"
[ -s "$TEST_TMP/file.buckets" ] && [ "$(wc -l <"$TEST_TMP/file.buckets")" -gt 20 ]
_report $? "the file gave buckets to compare ($(wc -l <"$TEST_TMP/file.buckets") lines)"
cmp -s "$TEST_TMP/file.buckets" "$TEST_TMP/ch.buckets"
_report $? "the same store from the file and from ClickHouse, bucket for bucket (daily and hourly)" \
	"$(diff "$TEST_TMP/file.buckets" "$TEST_TMP/ch.buckets" | head -20)"
expect_eq "$(sqlite3 "$TEST_TMP/ch.db" 'SELECT sum(calls), sum(records), sum(cost_records), sum(cost_micros) FROM daily')" \
	"$(sqlite3 "$TEST_TMP/file.db" 'SELECT sum(calls), sum(records), sum(cost_records), sum(cost_micros) FROM daily')" \
	"calls, records and reported costs agree"
sqlite3 "$TEST_TMP/ch.db" .dump >"$TEST_TMP/ch.before"

run "$r" usage import --store "$TEST_TMP/ch.db" --from "$url" --since 2026-11-01 --until 2026-11-30
expect_status 0 "the same window again"
expect_stdout_has "imported:     0" "nothing imported twice"
buckets "$TEST_TMP/ch.db" >"$TEST_TMP/ch2.buckets"
cmp -s "$TEST_TMP/ch.buckets" "$TEST_TMP/ch2.buckets"
_report $? "the same window twice counts once"

# an empty window: nothing to import, and that is no error (its totals row still comes)
run "$r" usage import --store "$TEST_TMP/ch.db" --from "$url" --since 2025-01-01 --until 2025-01-31
expect_status 0 "a window with no records"
expect_stdout_has "read:         0 buckets" "it reads no bucket"

# an overlapping window with a new day: only the new day's buckets are added
printf '2026-11-04 10:00:00\tfoi-triage\tv1\t\t\topenai\tgpt-4o-mini\t\t1\t9\t0\t100\t0\t0\t10\t0\t0\n' |
	curl -sS --fail-with-body "$ch/?database=$db&query=INSERT%20INTO%20promptcost_usage%20FORMAT%20TabSeparated" --data-binary @-
run "$r" usage import --store "$TEST_TMP/ch.db" --from "$url" --since 2026-11-02 --until 2026-11-04
expect_status 0 "an overlapping window"
expect_stdout_has "imported:     1" "only the new day's bucket is imported"
expect_eq "$(sqlite3 "$TEST_TMP/ch.db" 'SELECT sum(calls) FROM daily')" "1509" "1,500 calls and the 9 new ones, none twice"
sqlite3 "$TEST_TMP/ch.db" .dump >"$TEST_TMP/ch.before"

# failures: one line, exit 3, the store unchanged
expect_store_unchanged() {
	sqlite3 "$TEST_TMP/ch.db" .dump >"$TEST_TMP/ch.after"
	cmp -s "$TEST_TMP/ch.before" "$TEST_TMP/ch.after"; _report $? "$1: the store is unchanged"
	expect_eq "$(wc -l <"$err" | tr -d ' ')" 1 "$1: one line on stderr"
}
# a closed port: bind one, note it, close it
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
run "$r" usage import --store "$TEST_TMP/ch.db" --from "clickhouse://127.0.0.1:$port/$db" --since 2026-11-01 --until 2026-11-30
expect_status 3 "a server that is down"
expect_stderr_has "cannot connect" "the down server is named as such"
expect_store_unchanged "down"

fakes=""
for mode in silent drop short sums garbage; do
	node "$PC_ROOT/tests/clickhouse/fake.js" $mode "$TEST_TMP/port.$mode" & fakes="$fakes $!"
done
for mode in silent drop short sums garbage; do
	n=0; while [ ! -s "$TEST_TMP/port.$mode" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
done
fake() { echo "clickhouse://127.0.0.1:$(cat "$TEST_TMP/port.$1")/$db"; }
run "$r" usage import --store "$TEST_TMP/ch.db" --from "$(fake silent)" --since 2026-11-01 --until 2026-11-30 --timeout 1
expect_status 3 "a server that never answers, with --timeout 1"
expect_stderr_has "no complete answer within 1000 ms" "the timeout is said"
expect_store_unchanged "slow"
run "$r" usage import --store "$TEST_TMP/ch.db" --from "$(fake drop)" --since 2026-11-01 --until 2026-11-30
expect_status 3 "a connection dropped midway"
expect_stderr_has "the answer broke off" "the broken answer is said"
expect_store_unchanged "dropped"
run "$r" usage import --store "$TEST_TMP/ch.db" --from "$(fake short)" --since 2026-11-01 --until 2026-11-30
expect_status 3 "an answer cut cleanly before its totals row"
expect_stderr_has "ended before its totals row (2 buckets read)" "the cut answer is said"
expect_store_unchanged "cut"
run "$r" usage import --store "$TEST_TMP/ch.db" --from "$(fake sums)" --since 2026-11-01 --until 2026-11-30
expect_status 3 "buckets that do not add up to the totals"
expect_stderr_has "do not add up to the server's totals" "the lost bucket is said"
expect_store_unchanged "sums"
run "$r" usage import --store "$TEST_TMP/ch.db" --from "$(fake garbage)" --since 2026-11-01 --until 2026-11-30
expect_status 3 "an answer that is not the query's"
expect_stderr_has "fewer columns than the query asked for" "the wrong answer is said"
expect_store_unchanged "garbage"
kill $fakes 2>/dev/null

run "$r" usage import --store "$TEST_TMP/ch.db" --from "clickhouse://$hostport/$db" --table no_such_table --since 2026-11-01 --until 2026-11-30
expect_status 3 "a table that is not there"
expect_stderr_has "HTTP 404: Code: 60" "ClickHouse's own message, on one line"
expect_store_unchanged "server error"

# credentials
printf 'SELECT 1' >/dev/null
run "$r" usage import --store "$TEST_TMP/ch.db" --from "clickhouse://reader:s3cret-reader@$hostport/$db"
expect_status 2 "a URL with credentials in it"
expect_stderr_has "credentials do not go in the URL" "the URL is refused for its credentials"
grep -q s3cret "$err"; [ $? = 1 ]; _report $? "the refusal does not repeat the password"
PROMPTCOST_CLICKHOUSE_USER=reader PROMPTCOST_CLICKHOUSE_PASSWORD=wrong \
	run "$r" usage import --store "$TEST_TMP/ch.db" --from "$url" --since 2026-11-01 --until 2026-11-30
expect_status 3 "a wrong password"
expect_store_unchanged "wrong password"
printf 'user=reader\npassword=s3cret-reader\n' >"$TEST_TMP/cred"
chmod 644 "$TEST_TMP/cred"
run "$r" usage import --store "$TEST_TMP/ch.db" --from "$url" --credentials "$TEST_TMP/cred"
expect_status 2 "a credentials file others can read"
expect_stderr_has "chmod 600" "it says how to fix it"
chmod 600 "$TEST_TMP/cred"
run "$r" usage import --store "$TEST_TMP/cred.db" --from "$url" --credentials "$TEST_TMP/cred" --since 2026-11-01 --until 2026-11-30
expect_status 0 "the reader's credentials from a 0600 file"
PROMPTCOST_CLICKHOUSE_USER=reader PROMPTCOST_CLICKHOUSE_PASSWORD=s3cret-reader \
	run "$r" usage import --store "$TEST_TMP/env.db" --from "$url" --since 2026-11-01 --until 2026-11-30
expect_status 0 "the reader's credentials from the environment"
expect_eq "$(buckets "$TEST_TMP/env.db" | md5sum)" "$(buckets "$TEST_TMP/cred.db" | md5sum)" "both give the same store"

# usage errors: nothing opened, nothing created
run "$r" usage import --store "$TEST_TMP/none.db" --from "$url" --preset nope
expect_status 2 "an unknown preset"
run "$r" usage import --store "$TEST_TMP/none.db" --from "$url" --since 2026-11-30 --until 2026-11-01
expect_status 2 "--since after --until"
run "$r" usage import --store "$TEST_TMP/none.db" --from "http://$hostport/$db"
expect_status 2 "a URL that is not clickhouse://"
run "$r" usage import --store "$TEST_TMP/none.db" --from "$url" "$TEST_TMP/records.jsonl"
expect_status 2 "--from and files together"
[ ! -e "$TEST_TMP/none.db" ]; _report $? "a refused import creates no store"

# Helicone's preset, for real, on a reduced request_response_rmt with the
# columns it reads in types 18.16 has (DateTime for DateTime64, String for
# LowCardinality): a row replaced by a newer version counts once (FINAL), a
# failed request not at all, an answer from Helicone's cache as a hit with
# no tokens, a request naming no prompt as unattributed.
cat <<SQL | q
CREATE TABLE $db.request_response_rmt (request_id UUID, request_created_at DateTime, status Int64,
	model String, prompt_id String, prompt_version String, prompt_tokens Nullable(Int64),
	completion_tokens Nullable(Int64), prompt_cache_write_tokens Int64 DEFAULT 0,
	prompt_cache_read_tokens Int64 DEFAULT 0, cache_reference_id UUID, updated_at DateTime)
	ENGINE = ReplacingMergeTree(updated_at) PARTITION BY toYYYYMM(request_created_at)
	ORDER BY (model, request_created_at, request_id)
SQL
z=00000000-0000-0000-0000-000000000000
cat <<SQL | q
INSERT INTO $db.request_response_rmt VALUES
	('11111111-1111-1111-1111-111111111111', '2026-11-28 10:00:00', 200, 'gpt-4o', 'summarize', '3', 100, 10, 0, 20, '$z', '2026-11-28 10:00:01'),
	('11111111-1111-1111-1111-111111111111', '2026-11-28 10:00:00', 200, 'gpt-4o', 'summarize', '3', 100, 10, 0, 20, '$z', '2026-11-28 10:00:05'),
	('22222222-2222-2222-2222-222222222222', '2026-11-28 23:59:59', 200, 'gpt-4o', 'summarize', '3', NULL, 10, 5, 0, '11111111-1111-1111-1111-111111111111', '2026-11-28 23:59:59'),
	('33333333-3333-3333-3333-333333333333', '2026-11-28 12:00:00', 500, 'gpt-4o', 'summarize', '3', 100, 0, 0, 0, '$z', '2026-11-28 12:00:00'),
	('44444444-4444-4444-4444-444444444444', '2026-11-29 00:00:00', 200, 'gpt-4o-mini', '', '', 7, 3, 0, 0, '$z', '2026-11-29 00:00:00')
SQL
run "$r" usage import --store "$TEST_TMP/hl.db" --from "$url" --preset helicone --since 2026-11-28 --until 2026-11-29
expect_status 0 "--preset helicone runs on a reduced request_response_rmt on this server"
# 2026-11-28 (day 20785): the replaced row once (100 + 20 cached input, 10
# output) and the cache hit (a call, no tokens); the failed request left out;
# 2026-11-29: the request naming no prompt, unattributed
expect_eq "$(sqlite3 "$TEST_TMP/hl.db" "SELECT day, known, template, version, model, records, calls, hits, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens FROM daily ORDER BY day" | tr '\n' ' ')" \
	"20785|0|summarize|3|gpt-4o|2|2|1|120|20|0|10 20786|0|||gpt-4o-mini|1|1|0|7|0|0|3 " \
	"Helicone's rows as buckets: replaced rows once, failed requests out, cache hits with no tokens"
run "$r" usage import --store "$TEST_TMP/hl.db" --from "$url" --preset langfuse --since 2026-11-28 --until 2026-11-29
expect_status 3 "--preset langfuse where the table is missing (18.16 cannot hold its Map columns)"

# the presets' SQL, as sent
for p in promptcost langfuse helicone; do
	run "$r" usage import --from "clickhouse://db.example:8123/analytics" --preset "$p" --since 2026-11-01 --until 2026-11-30 --print-query
	expect_status 0 "--print-query --preset $p"
	expect_golden "$out" "clickhouse/$p.sql" "the $p preset's SQL"
done
run "$r" usage import --from "$url" --print-query --since 2026-11-01 --until 2026-11-30
cp "$out" "$TEST_TMP/q.sql"
[ "$(q <"$TEST_TMP/q.sql" | wc -l)" -gt 20 ]; _report $? "the promptcost preset's SQL runs on this server as printed"

echo "DROP DATABASE $db" | q
finish
