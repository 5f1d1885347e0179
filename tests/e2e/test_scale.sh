#!/bin/sh
# Scale: 10,000 templates (a configuration over the old 1 MiB limit) check
# with every template reported and the same report with the cache cold, warm
# and off; a configuration of exactly the 16 MiB limit is read, one byte more
# is refused with the sizes named (exit 2).
. "$(dirname "$0")/lib.sh"

LIMIT=16777216

r=$TEST_TMP/big
new_repo "$r"
mkdir -p "$r/prompts"
# 10,000 one-file templates of a few lines each, over 8 teams
LC_ALL=C awk -v dir="$r" 'BEGIN {
	cfg = dir "/.promptcost.yml"
	print "version: 1\ncurrency: USD\ndays_per_month: 30\nmodels:\n  gpt-4o-mini:\n" \
		"    encoding: o200k_base\n    input_per_1m: 0.15\n    output_per_1m: 0.60\n" \
		"teams:" > cfg
	for (t = 0; t < 8; t++)
		printf "  team-%d:\n    monthly_budget: 100000\n", t > cfg
	print "templates:" > cfg
	for (i = 0; i < 10000; i++) {
		printf "  - id: template-%05d\n    files: [prompts/p%05d.md]\n    team: team-%d\n" \
			"    model: gpt-4o-mini\n    calls_per_day: %d\n    output_tokens_per_call: 100\n",
			i, i, i % 8, 100 + i % 977 > cfg
		f = sprintf("%s/prompts/p%05d.md", dir, i)
		printf "You are assistant number %d.\nAnswer questions about case %d in plain words.\n", i, i * 7 > f
		close(f)
	}
}'
commit_all "$r" "ten thousand templates"
cfg_size=$(wc -c <"$r/.promptcost.yml")
[ "$cfg_size" -gt 1048576 ]; _report $? "the configuration is over the old 1 MiB limit ($cfg_size bytes)"
for i in 10 500 2000 7777 9999; do
	printf 'Also: cite the case number.\n' >>"$r/prompts/p0$(printf %04d "$i").md"
done
commit_all "$r" "five templates longer"

PROMPTCOST_NO_CACHE=1 run "$r" check --base HEAD~1 --format json
expect_status 0 "10,000 templates: checked"
cp "$out" "$TEST_TMP/ref.json"
expect_eq "$(json "$out" '.templates | length')" 10000 "10,000 templates: every one reported"
expect_eq "$(json "$out" '[.templates[] | select(.change != "unchanged")] | length')" 5 \
	"10,000 templates: the five changed ones found"
run "$r" check --base HEAD~1 --format json
cmp -s "$out" "$TEST_TMP/ref.json"; _report $? "10,000 templates: the same report, cache cold"
run "$r" check --base HEAD~1 --format json
cmp -s "$out" "$TEST_TMP/ref.json"; _report $? "10,000 templates: the same report, cache warm"

# the limit itself: exactly 16 MiB is read, one byte more is not
l=$TEST_TMP/limit
new_repo "$l"
mkdir -p "$l/prompts"
printf 'Summarise.\n' >"$l/prompts/a.md"
cat >"$l/.promptcost.yml" <<'EOF'
version: 1
currency: USD
days_per_month: 30
models:
  gpt-4o-mini:
    encoding: o200k_base
    input_per_1m: 0.15
    output_per_1m: 0.60
templates:
  - id: a
    files: [prompts/a.md]
    model: gpt-4o-mini
    calls_per_day: 100
EOF
pad() { # pad FILE SIZE: comment lines until FILE is SIZE bytes
	have=$(wc -c <"$1")
	LC_ALL=C awk -v n=$(($2 - have)) 'BEGIN {
		line = "#"; while (length(line) < 99) line = line "x"
		while (n >= 101) { print line; n -= 100 }
		if (n > 0) { s = "#"; while (length(s) < n - 1) s = s "y"; print s }
	}' >>"$1"
}
pad "$l/.promptcost.yml" "$LIMIT"
expect_eq "$(wc -c <"$l/.promptcost.yml")" "$LIMIT" "a configuration of exactly 16 MiB"
commit_all "$l" "base"
printf 'Summarise in three points.\n' >"$l/prompts/a.md"
commit_all "$l" "change"
run "$l" check --base HEAD~1
expect_status 0 "exactly the 16 MiB limit: read"
expect_stdout_has "verdict: passed" "exactly the 16 MiB limit: a verdict"
printf '#' >>"$l/.promptcost.yml"
expect_eq "$(wc -c <"$l/.promptcost.yml")" $((LIMIT + 1)) "one byte over"
commit_all "$l" "one byte too many"
run "$l" check --base HEAD~1
expect_status 2 "one byte over the limit: refused"
expect_stderr_has "the configuration is $((LIMIT + 1)) bytes, over the $LIMIT-byte limit" \
	"one byte over the limit: the sizes are named"
run "$l" check
expect_status 2 "one byte over, in the working tree: refused"

finish
