#!/bin/sh
# End-to-end tests of prices as providers bill them: `promptcost models`
# (the built-in genai-prices catalog), `promptcost prices import` (samples in
# tests/prices/, written from genai-prices' and LiteLLM's documented formats:
# see the comment at the top of tests/test_catalog.c), and `check` pricing a
# model from the catalog at the head commit's date, a configured price
# overriding it, and the cache-invalidation finding.
. "$(dirname "$0")/lib.sh"

samples="$PC_ROOT/tests/prices"

# ---- promptcost models ----
run "$TEST_TMP" help models
expect_status 0 "promptcost help models"
expect_stdout_has "usage: promptcost models [NAME]" "help models shows the synopsis"

run "$TEST_TMP" models gpt-4o-2024-08-06 --date 2025-01-01
expect_status 0 "models NAME"
cat >"$TEST_TMP/want" <<'EOF'
gpt-4o-2024-08-06: catalog model 'gpt-4o' of OpenAI (genai-prices 0.1.8)
  name: gpt 4o
  encoding: o200k_base (exact)
  context window: 128000 tokens
  matches: or(equals 'gpt-4o', equals 'gpt-4o-2024-08-06', equals 'gpt-4o-2024-11-20')
  prices, USD per 1M tokens:
    first listed: input 2.50, cached input 1.25, output 10.00
  in force on 2025-01-01: the prices first listed
EOF
expect_eq "$(cat "$out")" "$(cat "$TEST_TMP/want")" "models NAME shows the catalog model its match rules find"

run "$TEST_TMP" models o3 --date 2025-06-10
expect_stdout_has "    first listed: input 10.00, cached input 0.50, output 40.00" "models shows every dated price list"
expect_stdout_has "    from 2025-06-10: input 2.00, cached input 0.50, output 8.00" "models shows the later list"
expect_stdout_has "  in force on 2025-06-10: the prices from 2025-06-10" "models says which list is in force on the date"

run "$TEST_TMP" models claude-sonnet-4-5
expect_stdout_has "  encoding: approximate" "a Claude model's tokens are an estimate"
expect_stdout_has "      a request over 200000 input tokens: input 6.00, cached input 0.60, cache write 5m 7.50, cache write 1h 12.00, output 22.50" "models shows long-context tiers"

run "$TEST_TMP" models --provider anthropic --date 2025-01-01
expect_status 0 "models --provider"
expect_stdout_has "# genai-prices 0.1.8, prices in force on 2025-01-01, USD per 1M tokens ('-': none)" "the list says its source and date"
expect_eq "$(grep -c . "$out")" 25 "anthropic's 23 models priced per token, with the heading and the header"
expect_eq "$(grep '^claude-3-5-sonnet ' "$out" | tr -s ' ')" "claude-3-5-sonnet anthropic approximate 3.00 0.30 3.75 6.00 15.00 -" "a row: encoding, input, cached, write, write 1h, output, since"

run "$TEST_TMP" models --date 2026-12-02
expect_status 0 "models lists the whole catalog"
expect_eq "$(grep -c . "$out")" 1519 "every model priced per token on 2026-12-02, with the heading and the header"

# NAME listed in the configuration: its prices override the catalog's
mkdir -p "$TEST_TMP/cfg"
printf 'version: 1\nmodels:\n  gpt-4o:\n    input_per_1m: 5\n    output_per_1m: 15\n' >"$TEST_TMP/cfg/.promptcost.yml"
run "$TEST_TMP/cfg" models gpt-4o --date 2025-01-01
expect_status 0 "models NAME with a configuration"
expect_stdout_has "gpt-4o: configuration (.promptcost.yml:3), its prices override the catalog's" "says the configuration overrides the catalog"
expect_stdout_has "  configured prices: input 5.00, output 15.00 (USD per 1M tokens)" "shows the configured prices"
expect_stdout_has "gpt-4o: catalog model 'gpt-4o' of OpenAI (genai-prices 0.1.8)" "and the catalog's it overrides"

run "$TEST_TMP" models acme-house-model
expect_status 2 "a name the catalog does not have"
expect_stderr_has "no model 'acme-house-model' in the price catalog (genai-prices 0.1.8)" "says which catalog"
run "$TEST_TMP" models --date 2025-13-01
expect_status 2 "a bad date"

# ---- promptcost prices import ----
run "$TEST_TMP" prices import "$samples/genai-prices-sample.json" o3 --date 2025-06-10
expect_status 0 "prices import of a genai-prices file"
cat >"$TEST_TMP/want" <<EOF
# Imported by \`promptcost prices import\` from $samples/genai-prices-sample.json (genai-prices, prices in force on 2025-06-10): 1 models, USD per 1M tokens.
models:
  "o3":
    encoding: o200k_base
    # prices in force from 2025-06-10
    input_per_1m: 2.00
    cached_input_per_1m: 0.50
    output_per_1m: 8.00
EOF
expect_eq "$(cat "$out")" "$(cat "$TEST_TMP/want")" "the models: section, exact decimals"

run "$TEST_TMP" prices import "$samples/litellm-sample.json" gpt-4o gpt-4o:batch --output "$TEST_TMP/models.yml"
expect_status 0 "prices import of a LiteLLM file with --output"
expect_eq "$(cat "$out")" "" "--output prints nothing"
expect_eq "$(sed -n '3,11p' "$TEST_TMP/models.yml")" '  "gpt-4o":
    encoding: o200k_base
    input_per_1m: 2.50
    cached_input_per_1m: 1.25
    output_per_1m: 10.00
  "gpt-4o:batch":
    encoding: o200k_base
    input_per_1m: 1.25
    output_per_1m: 5.00' "LiteLLM's per-token costs per 1M tokens, its batch prices as a model"

printf '{"not": "prices"' >"$TEST_TMP/broken.json"
run "$TEST_TMP" prices import "$TEST_TMP/broken.json"
expect_status 2 "a file that is not JSON"
expect_stderr_has "broken.json: line 1:" "names the file and the line"
run "$TEST_TMP" prices import "$TEST_TMP/none.json"
expect_status 2 "a missing file"
run "$TEST_TMP" prices export x
expect_status 2 "an unknown prices subcommand"

# ---- check: catalog prices at the date of the comparison ----
r="$TEST_TMP/repo"
new_repo "$r"
mkdir -p "$r/prompts"
printf 'Summarize the document.\n' >"$r/prompts/s.md"
cat >"$r/.promptcost.yml" <<'EOF'
version: 1
templates:
  - id: summarize
    files: [prompts/s.md]
    model: o3
    calls_per_day: 1000
EOF
commit_all "$r" "o3 from the catalog"
# 401 more tokens (6 -> 407 in o200k_base)
awk 'BEGIN { printf "Summarize the document."; for (i = 0; i < 400; i++) printf " word"; printf "\n" }' >"$r/prompts/s.md"
commit_all "$r" "a longer prompt"   # committed 2023-11-14: o3's first listed prices
run "$r" check --base HEAD~1
expect_stdout_has "prices (catalog prices at 2023-11-14):" "catalog prices at the head commit's date"
expect_stdout_has "  o3: catalog (genai-prices 0.1.8): input \$10.00, cached input \$0.50, output \$40.00 per 1M tokens" "the report says where the price comes from"
# 401 tokens x 1,000 calls x 30 days x \$10/1M = \$120.30
expect_stdout_has "monthly delta: +\$120.30 a month" "priced at the first listed \$10 per 1M"

git -C "$r" commit -q --amend --no-edit --date "2025-07-01T12:00:00Z" &&
	GIT_COMMITTER_DATE="2025-07-01T12:00:00Z" git -C "$r" commit -q --amend --no-edit
run "$r" check --base HEAD~1
expect_stdout_has "  o3: catalog (genai-prices 0.1.8, from 2025-06-10): input \$2.00, cached input \$0.50, output \$8.00 per 1M tokens" "a head committed after a price change: the new prices"
# 401 x 1,000 x 30 x \$2/1M = \$24.06
expect_stdout_has "monthly delta: +\$24.06 a month" "priced at \$2 per 1M from 2025-06-10"
run "$r" check --base HEAD~1 --format json
expect_eq "$(json "$out" '.price_date')" "2025-07-01" "the JSON report has the price date"

# a head cannot backdate itself before the base tip's prices: main's tip is of 2025-07-01
git -C "$r" checkout -q -b backdated HEAD~1
printf 'Summarize the document in one line.\n' >"$r/prompts/s.md"
git -C "$r" add -A
GIT_AUTHOR_DATE="2023-11-14T12:00:00Z" GIT_COMMITTER_DATE="2023-11-14T12:00:00Z" \
	git -C "$r" commit -q -m "backdated"
run "$r" check --base main --format json
expect_eq "$(json "$out" '.price_date')" "2025-07-01" "a backdated head is priced at the base tip's date"
git -C "$r" checkout -q main

# a configuration outside the repository serves both sides
cat >"$TEST_TMP/override.yml" <<'EOF'
version: 1
models:
  o3:
    input_per_1m: 1
    output_per_1m: 4
templates:
  - id: summarize
    files: [prompts/s.md]
    model: o3
    calls_per_day: 1000
EOF
run "$r" check --base HEAD~1 --config "$TEST_TMP/override.yml"
expect_stdout_has "  o3: configuration, overriding the catalog's (genai-prices 0.1.8, 'o3'): input \$1.00, output \$4.00 per 1M tokens" "a configured price overrides the catalog, and says so"
# 401 x 1,000 x 30 x \$1/1M = \$12.03
expect_stdout_has "monthly delta: +\$12.03 a month" "priced at the configured \$1 per 1M"

# ---- the cached prefix: a change at the start invalidates the provider's cache ----
r="$TEST_TMP/cache"
new_repo "$r"
mkdir -p "$r/prompts"
awk 'BEGIN { printf "You are"; for (i = 0; i < 1000; i++) printf " word"; printf "\n" }' >"$r/prompts/p.md"
cat >"$r/.promptcost.yml" <<'EOF'
version: 1
templates:
  - id: support
    files: [prompts/p.md]
    model: gpt-4o
    calls_per_day: 1000
    cached_input_share: 90%
  - id: support-end
    files: [prompts/q.md]
    model: gpt-4o
    calls_per_day: 1000
    cached_input_share: 90%
EOF
cp "$r/prompts/p.md" "$r/prompts/q.md"
commit_all "$r" "cached prompts"
{ printf 'New first line.\n'; cat "$r/prompts/p.md"; } >"$r/prompts/p.md.new" && mv "$r/prompts/p.md.new" "$r/prompts/p.md"
printf 'A last line.\n' >>"$r/prompts/q.md"
commit_all "$r" "one edited at the start, one at the end"
run "$r" check --base HEAD~1
# 1,003 tokens x 90% = 902 cached tokens a call; gpt-4o bills no cache write (OpenAI): a write
# is at the input price, so the one-off is 902 x (\$2.50 - \$1.25) / 1M = \$0.0011275 -> 0.001128
expect_stdout_has "  support: the change edits the cached prefix (0 of its 902 cached tokens a call are unchanged): the first call after it writes 902 tokens to the provider's cache instead of reading them, a one-off +0.001128 USD a warm cache (the model has no cache-write price: at its input price)" "an edit at the start invalidates the cached prefix"
expect_eq "$(grep -c 'support-end: the change edits' "$out")" 0 "an edit after the cached prefix invalidates nothing"

finish
