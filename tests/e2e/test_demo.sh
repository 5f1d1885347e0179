#!/bin/sh
# The quick start's demo (scripts/demo.sh, what `make demo` runs): the seed
# figure at the configured volume, then the same change at the volume it
# records, imported, synced and committed on main.
. "$(dirname "$0")/lib.sh"

out="$TEST_TMP/demo.out" err="$TEST_TMP/demo.err"
TMPDIR=$TEST_TMP sh "$PC_ROOT/scripts/demo.sh" "$PROMPTCOST" >"$out" 2>"$err"
status=$?
expect_status 0 "the demo runs"
expect_stdout_has "document-summarization  modified  gpt-4-class             88    488   +400        0     15,000  +\$72.00  +\$2,160.00" \
	"the seed case: +\$2,160.00 a month at the configured 15,000 calls/day"
expect_stdout_has "configured (estimate): 15,000 calls/day" "the configured volume is labelled an estimate"
expect_stdout_has "imported:     720" "the generated month is imported"
expect_stdout_has "-> commit " "usage show resolves the version to its commit"
expect_stdout_has "recorded: 14,812 calls/day over 30 days to 2026-11-30" "the check uses the recorded volume"
expect_stdout_has "monthly delta: +\$2,132.93 a month" "the recorded delta"
repo=$(sed -n 's/^demo repository: //p' "$out")
expect_eq "$(git -C "$repo" log --format=%s -1 main)" "volumes: November" "main commits the volumes"
expect_eq "$(git -C "$repo" status --porcelain)" "" "the store is never in git status"

# The agency's data, proved without the report engine: demo/agency/proof.awk
# applies the report's rules by hand to what generate.awk writes (the
# versions' ids do not change a figure).
agency_dir="$PC_ROOT/demo/agency"
awk -v versions="" -v before=before -v after=after -f "$agency_dir/generate.awk" >"$TEST_TMP/agency.jsonl"
awk -f "$agency_dir/proof.awk" "$agency_dir/promptcost.yml" "$TEST_TMP/agency.jsonl" >"$TEST_TMP/proof" 2>&1
_report $? "proof.awk computes the agency's November" "$(cat "$TEST_TMP/proof")"
expect_golden "$TEST_TMP/proof" demo/agency-proof.txt "the proof's figures, all of them"
for line in "total 180000.00" "commitment 36000.00" "active_use_cases 14" \
	"top_use_case document-summarization 68400.00 38.0" "cache_hit_rate 41.0 target 55.0" \
	"reservation ptu-eastus utilization 78.0 peak 90.6 idle 7920.00 spilled 0 on_demand_equivalent 36855.00" \
	"spike document-summarization 2026-11-16 378.00 306.00 prompt"; do
	grep -qxF -- "$line" "$TEST_TMP/proof"
	_report $? "the seed's figure: $line" "$(cat "$TEST_TMP/proof")"
done
grep -q "^forecast document-summarization live 2026-11-16 window 30 days, 15000 model calls a day; projected 2160.00 observed 2160.00 .* error 0.0$" "$TEST_TMP/proof"
_report $? "the forecast: +\$2,160.00 projected and observed, error 0.0%" "$(cat "$TEST_TMP/proof")"
expect_eq "$(grep -c '^spike ' "$TEST_TMP/proof")" "1" "one spike in the month, the change's"

# The agency's month (demo/agency/, generate.awk works every figure out):
# the spend report of November 2026.
agency=$(sed -n 's/^agency repository: //p' "$out")
expect_stdout_has "imported:     23,424" "the agency's October and November are imported (16 templates x 1,464 hours)"
expect_stdout_has "dashboard: $agency/dashboard-2026-11.html" "the demo prints the dashboard's path"
html="$agency/dashboard-2026-11.html"
[ -s "$html" ] && grep -qi '<!doctype html' "$html"
_report $? "the dashboard is written, an HTML page" "$(ls -l "$html" 2>&1)"
change=$(git -C "$agency" rev-parse HEAD)
run "$agency" report --period 2026-11 --format json
expect_status 0 "report --period 2026-11 --format json"
expect_eq "$(json "$out" .posture.total_cost)" "180000.00" "posture: \$144,000.00 on demand + \$36,000.00 commitment"
expect_eq "$(json "$out" .posture.active_use_cases)" "14" "posture: fourteen active use cases"
expect_eq "$(json "$out" '.posture.top_use_case | "\(.id) \(.cost) \(.share)"')" \
	"document-summarization 68400.00 38.0" "posture: document summarization \$68,400.00, 38.0%"
expect_eq "$(json "$out" '.posture | "\(.cache_hit_rate) \(.cache_hit_target)"')" "41.0 55.0" \
	"posture: cache hit rate 41.0% (7,011,000 hits of 17,100,000 calls) against 55.0%"
expect_eq "$(json "$out" .posture.reservation_utilization)" "78.0" \
	"posture: utilization 78.0% (12,636,000,000 of 16,200,000,000 equivalents)"
for word in 180,000 fourteen 38 41 55 78; do
	json "$out" .posture.text | grep -qF -- "$word"
	_report $? "the posture sentence says $word" "$(json "$out" .posture.text)"
done
expect_eq "$(json "$out" '[.spikes[] | select(.template == "document-summarization")] | length')" "1" \
	"one spike of document-summarization"
expect_eq "$(json "$out" '.spikes[] | select(.template == "document-summarization") |
	"\(.day) \(.cost) \(.baseline) \(.cause) \(.commit) \(.delta_tokens)"')" \
	"2026-11-16 378.00 306.00 version $change 400" \
	"the spike on the live day: \$378.00 against \$306.00, traced to the change's commit, +400 tokens"
expect_eq "$(json "$out" '.spikes[] | select(.template == "document-summarization") | "\(.author) / \(.subject)"')" \
	"Dana Whitfield <dana.whitfield@agency.gov> / Give the summarizer more system context" \
	"the spike names the change's author and subject"
expect_eq "$(json "$out" '[.spikes[] | select(.template != "document-summarization")] | length')" "0" \
	"no other spike (every other template costs the same every day)"
expect_eq "$(json "$out" '.forecasts[] | select(.template == "document-summarization") |
	"\(.commit) \(.projected_monthly_delta) \(.observed_monthly_delta) \(.error_percent)"')" \
	"$change 2160.00 2160.00 0.0" \
	"forecast against actual: +\$2,160.00 projected (15,000 model calls/day x 400 x \$0.012/1k x 30), +\$2,160.00 observed"
expect_eq "$(json "$out" '.reservations[] | "\(.id) \(.commitment) \(.utilization) \(.peak_utilization) \(.idle_cost) \(.spillover_cost) \(.on_demand_equivalent)"')" \
	"ptu-eastus 36000.00 78.0 90.6 7920.00 0.00 36855.00" \
	"ptu-eastus: \$36,000.00, 78.0% (peak 90.6%), \$7,920.00 idle, nothing spilled, \$36,855.00 on demand"
expect_eq "$(json "$out" '[.use_cases[] | select(.id == "foi-request-triage" or .id == "document-summarization") | "\(.id)=\(.cost)"] | sort | join(" ")')" \
	"document-summarization=68400.00 foi-request-triage=21600.00" \
	"the commitment shown back: 40% to case files (document summarization), 60% to FOI triage"
expect_eq "$(json "$out" '[.teams[] | "\(.id)=\(.cost)"] | sort | join(" ")')" \
	"citizen-services=53700.00 digital-services=7500.00 policy-and-legal=25200.00 records-management=93600.00" \
	"the teams' spend sums to the total"
expect_eq "$(json "$out" '[.teams[] | "\(.id)=\(.status)"] | sort | join(" ")')" \
	"citizen-services=ok digital-services=ok policy-and-legal=over-soft records-management=warn" \
	"team budgets: records-management at 93.6% of \$100,000 (warn at 90%), policy-and-legal over its soft \$24,000"
expect_eq "$(json "$out" '.use_cases[] | select(.id == "document-summarization") | "\(.projected_month_end) \(.status) \(.cache_hit_rate) \(.cache_hit_target)"')" \
	"68400.00 warn 19.3 30.0" \
	"document summarization: 97.7% of its \$70,000 (warn at 95%), 19.3% hits against its own 30.0%"

finish
