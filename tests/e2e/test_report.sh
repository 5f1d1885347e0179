#!/bin/sh
# End-to-end tests of `promptcost report` on a real git repository and a
# real SQLite store: native records imported with `usage import`, then
# `report --format json` checked against figures worked out by hand (the
# same store as tests/test_spend_report.c), the other formats run, errors
# (a bad period, date or format, a model the configuration no longer
# prices, no store) and --output written atomically.
#
# Prices: model m at 1.00 / 2.00 per million input / output tokens, so an
# input token is 1 micro-unit and an output token 2.
. "$(dirname "$0")/lib.sh"

r="$TEST_TMP/repo"
new_repo "$r"
mkdir -p "$r/prompts"
cat >"$r/.promptcost.yml" <<'EOF'
version: 1
days_per_month: 30
models:
  m: {encoding: o200k_base, input_per_1m: 1.00, output_per_1m: 2.00}
teams:
  alpha: {monthly_budget: 9, warn_at: 80%}
use_cases:
  summaries: {monthly_budget: 5, cache_hit_target: 50%}
  replies: {}
  idle-uc: {}
reservations:
  ptu:
    model: m
    units: 1
    unit_price_per_hour: 0.01
    tokens_per_minute_per_unit: 1
    output_token_weight: 2
    cached_token_weight: 0
  ptu-idle:
    model: m
    units: 2
    unit_price_per_hour: 0.005
    tokens_per_minute_per_unit: 1
policy:
  cache_hit_target: 50%
templates:
  - id: sum
    files: [prompts/sum.md]
    team: alpha
    use_case: summaries
    model: m
    deployment: ptu
    calls_per_day: 1
  - id: reply
    files: [prompts/reply.md]
    team: alpha
    use_case: replies
    model: m
    calls_per_day: 1
EOF
printf 'Summarize.\n' >"$r/prompts/sum.md"
printf 'Reply.\n' >"$r/prompts/reply.md"
commit_all "$r" "the prompts"

logs="$TEST_TMP/usage.jsonl"
# sum on ptu: D0 10:00 120 equivalents (60 spill over), D1 05:00 30; reply on
# demand 2000 micros (its source said 2100); an unattributed 500; reply in
# the previous period 1000.
cat >"$logs" <<'EOF'
{"time":"2026-11-01T10:00:00Z","id":"1","template":"sum","model":"m","calls":2,"input_tokens":100,"output_tokens":10}
{"time":"2026-11-02T05:00:00Z","id":"2","template":"sum","model":"m","calls":4,"response_cache_hits":2,"input_tokens":30,"output_tokens":0}
{"time":"2026-11-01T12:00:00Z","id":"3","template":"reply","model":"m","calls":5,"response_cache_hits":1,"input_tokens":1000,"output_tokens":500,"cost":0.0021}
{"time":"2026-11-02T08:00:00Z","id":"4","template":"nope","model":"m","calls":1,"input_tokens":500,"output_tokens":0}
{"time":"2026-10-31T09:00:00Z","id":"5","template":"reply","model":"m","calls":1,"input_tokens":1000,"output_tokens":0}
EOF
run "$r" usage import "$logs"
expect_status 0 "the usage imports"

run "$r" report --since 2026-11-01 --until 2026-11-02 --format json
expect_status 0 "report --format json"
j="$TEST_TMP/report.json"
cp "$out" "$j"
# 2000 + 500 + 60 spilled + 480,000 + 480,000 commitments = 962,560 micros
expect_eq "$(json "$j" .posture.total_cost)" "0.96" "the total: on demand + every commitment"
expect_eq "$(json "$j" .posture.active_use_cases)" "2" "two active use cases (idle-uc had no call)"
expect_eq "$(json "$j" .posture.top_use_case.id)" "summaries" "the top use case"
# 480,060 / 962,560 = 49.87%
expect_eq "$(json "$j" .posture.top_use_case.share)" "49.9" "its share, with the whole ptu commitment"
expect_eq "$(json "$j" .posture.cache_hit_rate)" "25.0" "3 hits of 12 calls"
expect_eq "$(json "$j" .posture.cache_hit_target)" "50.0" "the policy's target"
# (3.125% + 0%) / 2, equal commitments
expect_eq "$(json "$j" .posture.reservation_utilization)" "1.6" "commitment-weighted utilization"
expect_eq "$(json "$j" .posture.text)" "We spent \$0.96 across two active use cases, with summaries accounting for 49.9% of spend, a cache hit rate of 25.0% against a target of 50.0%, and provisioned throughput running at 1.6% utilization against our commitment." "the posture sentence"
expect_eq "$(json "$j" '.reservations[] | select(.id == "ptu") | .idle_cost')" "0.47" "ptu idle: 480,000 x (1 - 90/2,880) = 465,000"
expect_eq "$(json "$j" '.reservations[] | select(.id == "ptu-idle") | .idle_cost')" "0.48" "a reservation idle all month"
expect_eq "$(json "$j" '.reservations[] | select(.id == "ptu") | .utilization')" "3.1" "ptu: 90 / 2,880"
expect_eq "$(json "$j" '.use_cases[] | select(.id == "summaries") | .status')" "over-hard" "summaries projected 7.20 > 5.00"
expect_eq "$(json "$j" '.teams[] | select(.id == "alpha") | .status')" "warn" "alpha projected 7.23 >= 80% of 9.00"

run "$r" report --period 2026-11 --format json
expect_status 0 "report --period 2026-11"
# the same records, 30 days: commitments 1 x 0.01 x 720 + 2 x 0.005 x 720 = 14.40
expect_eq "$(json "$out" .posture.total_cost)" "14.40" "a month's commitments and the same usage"
expect_eq "$(json "$out" .period.since)/$(json "$out" .period.until)" "2026-11-01/2026-11-30" "the period of --period"

for f in text markdown html focus; do
	run "$r" report --period 2026-11 --format $f
	expect_status 0 "report --format $f"
done
run "$r" report --period 2026-11
expect_stdout_has "We spent \$14.40" "text by default, with the posture"

# --output: written whole through a temporary file beside it, renamed
run "$r" report --period 2026-11 --format json --output "$TEST_TMP/out.json"
expect_status 0 "report --output"
expect_eq "$(json "$TEST_TMP/out.json" .posture.total_cost)" "14.40" "--output holds the report"
expect_eq "$(ls "$TEST_TMP" | grep -c '^out\.json..*')" "0" "no temporary file left beside it"
run "$r" report --period 2026-11 --output "$TEST_TMP/no/such/dir/out.txt"
expect_status 3 "an --output that cannot be written"

# errors
run "$r" report --period 2026-13
expect_status 2 "a month that is not one"
expect_stderr_has "--period '2026-13' is not a month YYYY-MM" "says which"
run "$r" report --since 2026-11-31 --until 2026-12-01
expect_status 2 "a date that is not one"
run "$r" report --since 2026-11-05 --until 2026-11-01
expect_status 2 "a period ending before it starts"
run "$r" report --period 2026-11 --since 2026-11-01
expect_status 2 "--period with --since"
run "$r" report --format pdf
expect_status 2 "an unknown format"
expect_stderr_has "unknown format 'pdf'" "names it"
run "$r" report --period 2026-11 --store "$TEST_TMP/none.db"
expect_status 2 "no store"
expect_stderr_has "no usage store here" "says so"
sed 's/^  m: /  n: /; s/model: m$/model: n/' "$r/.promptcost.yml" >"$TEST_TMP/renamed.yml"
run "$r" report --period 2026-11 --config "$TEST_TMP/renamed.yml"
expect_status 2 "a model in the store the configuration no longer prices"
expect_stderr_has "name model 'm'" "names the model"

run "$r" help report
expect_stdout_has "The manual: man promptcost-report" "promptcost help report"
finish
