#!/bin/sh
# End-to-end tests of what `promptcost report` says about commits, on a real
# git repository: a prompt change that went live mid-period, recorded with
# versions (a spike traced to the version's commit, and forecast against
# actual) and without (the spike traced to the last commit to the
# template's files that day, marked inferred). The token change is the one
# `check` counts over commit^..commit, so it is read from `check` here.
#
# Prices: model m at 1.00 per million input tokens, so an input token is one
# micro-unit. 10,000 calls a day of 1,000 tokens: $10.00 a day before.
. "$(dirname "$0")/lib.sh"

r="$TEST_TMP/repo"
new_repo "$r"
mkdir -p "$r/prompts"
cat >"$r/.promptcost.yml" <<'EOF'
version: 1
days_per_month: 30
models:
  m: {encoding: o200k_base, input_per_1m: 1.00, output_per_1m: 2.00}
templates:
  - id: sum
    files: [prompts/sum.md]
    model: m
    calls_per_day: 10000
EOF
printf 'Summarize the document in five bullet points.\n' >"$r/prompts/sum.md"
(cd "$r" && git add -A && GIT_AUTHOR_DATE=2026-10-30T09:00:00Z GIT_COMMITTER_DATE=2026-10-30T09:00:00Z \
	git commit -q -m "The summarizer")
a=$(git -C "$r" rev-parse HEAD)
blob_a=$(git -C "$r" rev-parse HEAD:prompts/sum.md)
i=0; while [ $i -lt 60 ]; do printf 'Cite the page of every figure you quote. ' >>"$r/prompts/sum.md"; i=$((i + 1)); done
echo >>"$r/prompts/sum.md"
(cd "$r" && git add -A && GIT_AUTHOR_NAME="Dana Whitfield" GIT_AUTHOR_EMAIL=dana@agency.gov \
	GIT_AUTHOR_DATE=2026-11-11T09:00:00Z GIT_COMMITTER_DATE=2026-11-11T09:00:00Z \
	git commit -q -m "Make the summarizer cite its pages")
b=$(git -C "$r" rev-parse HEAD)
blob_b=$(git -C "$r" rev-parse HEAD:prompts/sum.md)

run "$r" check --base "$a" --head "$b" --format json
k=$(json "$out" '.templates[] | select(.id == "sum") | .delta_tokens')
[ -n "$k" ] && [ "$k" -ge 250 ]; _report $? "the change adds at least 250 tokens ($k), enough for a spike (20% of 1,000)"

# 2026-11-01..10 the old version, 2026-11-11..20 the new: 10,000 calls a
# day, each 1,000 input tokens before and 1,000 + k after.
gen() { # gen WITH_VERSIONS
	d=1
	while [ $d -le 20 ]; do
		if [ $d -le 10 ]; then v=$blob_a; in=$((10000 * 1000)); else v=$blob_b; in=$((10000 * (1000 + k))); fi
		printf '{"time":"2026-11-%02dT12:00:00Z","id":"d%d","template":"sum",' $d $d
		[ "$1" = yes ] && printf '"template_version":"%s",' "$v"
		printf '"model":"m","calls":10000,"input_tokens":%d,"output_tokens":0}\n' $in
		d=$((d + 1))
	done
}
gen yes >"$TEST_TMP/versioned.jsonl"
gen no >"$TEST_TMP/plain.jsonl"
run "$r" usage import --store "$TEST_TMP/v.db" "$TEST_TMP/versioned.jsonl"
expect_status 0 "the versioned records import"
run "$r" usage import --store "$TEST_TMP/p.db" "$TEST_TMP/plain.jsonl"
expect_status 0 "the records without versions import"

# with versions: the spike on 2026-11-11, $10.00 + 10,000 k micros against a
# $10.00 baseline, traced to b; the forecast: projected 30 x 10,000 x k
# micros (the volume recorded over the 10 days before), observed (10,000 k
# a day more) x 30: the same, 0.0% error.
run "$r" report --store "$TEST_TMP/v.db" --since 2026-11-01 --until 2026-11-20 --format json
expect_status 0 "report --format json, with versions"
j="$TEST_TMP/v.json"; cp "$out" "$j"
money() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000000 }'; }
expect_eq "$(json "$j" '.spikes | length')" 1 "one spike"
expect_eq "$(json "$j" '.spikes[0] | [.template, .day, .cost, .baseline, .cause] | join(" ")')" \
	"sum 2026-11-11 $(money $((10000 * (1000 + k)))) 10.00 version" "the spike: its day, cost, baseline and cause"
expect_eq "$(json "$j" '.spikes[0] | [.commit, .author, .subject, .delta_tokens] | map(tostring) | join(" / ")')" \
	"$b / Dana Whitfield <dana@agency.gov> / Make the summarizer cite its pages / $k" \
	"the spike names the commit, its author, subject and token change"
expect_eq "$(json "$j" '.forecasts | length')" 1 "one forecast"
expect_eq "$(json "$j" '.forecasts[0] | [.template, .commit, .projected_monthly_delta, .observed_monthly_delta, .error_percent] | map(tostring) | join(" ")')" \
	"sum $b $(money $((300000 * k))) $(money $((300000 * k))) 0.0" \
	"forecast against actual: projected and observed, 0.0% error"

# without versions: the same spike, its cause inferred from the last commit
# to prompts/sum.md by the end of 2026-11-11; no forecast (no version went live)
run "$r" report --store "$TEST_TMP/p.db" --since 2026-11-01 --until 2026-11-20 --format json
expect_status 0 "report --format json, without versions"
j="$TEST_TMP/p.json"; cp "$out" "$j"
expect_eq "$(json "$j" '.spikes[0] | [.day, .cause, .commit, .subject, .delta_tokens] | map(tostring) | join(" / ")')" \
	"2026-11-11 / inferred / $b / Make the summarizer cite its pages / $k" \
	"without versions the spike is traced to the commit before it, marked inferred"
expect_eq "$(json "$j" '.forecasts | length')" 0 "no forecast without versions"
run "$r" report --store "$TEST_TMP/p.db" --since 2026-11-01 --until 2026-11-20
expect_stdout_has "inferred" "the text report says the cause is inferred"

# a spike day before the change: the commit at or before that day is a, so
# a spike there would name a; here the volume doubles on 2026-11-20 instead
# (same prompt, after a week at the new rate): a spike by volume names no commit
awk '{ if ($0 ~ /2026-11-20T/) { gsub(/"calls":10000/, "\"calls\":20000"); match($0, /"input_tokens":[0-9]+/); n = substr($0, RSTART + 15, RLENGTH - 15) * 2; sub(/"input_tokens":[0-9]+/, "\"input_tokens\":" n) } print }' \
	"$TEST_TMP/plain.jsonl" | sed 's/"id":"d/"id":"e/' >"$TEST_TMP/volume.jsonl"
run "$r" usage import --store "$TEST_TMP/vol.db" "$TEST_TMP/volume.jsonl"
run "$r" report --store "$TEST_TMP/vol.db" --since 2026-11-01 --until 2026-11-20 --format json
j="$TEST_TMP/vol.json"; cp "$out" "$j"
expect_eq "$(json "$j" '[.spikes[] | .day + " " + .cause] | join(", ")')" \
	"2026-11-11 inferred, 2026-11-20 volume" "a doubled volume is a spike by volume, with no commit"
expect_eq "$(json "$j" '.spikes[1].commit')" "null" "the volume spike names no commit"
finish
