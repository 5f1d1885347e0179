#!/bin/sh
# End-to-end tests of `promptcost usage import | show | sync` on real git
# repositories and real SQLite stores in temporary folders: the native
# sample, idempotent imports (the same file, an appended file, repeated
# ids), --skip-bad, a bad record at line 1,000,000 leaving the store
# unchanged, attribution by blob, commit and label, an unattributed record
# kept, an unknown model, `usage show`, the bytes `usage sync` writes, a store
# locked by another process, a file that is not a store, and a store git
# never sees.
#
# Records are in the native form, promptcost/usage/v1 (DESIGN.md "Usage
# records", ../shared/DESIGN.md in this project): one JSON object a line with
# time, id, template, template_version, model, calls, response_cache_hits,
# input_tokens, cached_input_tokens, cache_write_tokens, output_tokens.
. "$(dirname "$0")/lib.sh"

r="$TEST_TMP/repo"
new_repo "$r"
mkdir -p "$r/prompts/summarize"
cat >"$r/.promptcost.yml" <<'EOF'
version: 1
models:
  gpt-4o:
    encoding: o200k_base
    input_per_1m: 2.50
    output_per_1m: 10.00
  gpt-4o-mini:
    encoding: o200k_base
    input_per_1m: 0.15
    output_per_1m: 0.60
  claude-sonnet-4:
    encoding: approximate
    approximate_base: o200k_base
    approximate_factor: 1.1
    input_per_1m: 3
    output_per_1m: 15
teams:
  records-management: {}
templates:
  - id: document-summarization
    files: [prompts/summarize/*.md]
    team: records-management
    model: gpt-4o
    calls_per_day: 100
  - id: support-reply
    files: [prompts/support.md]
    model: gpt-4o-mini
    calls_per_day: 10
usage:
  templates:
    - { template: support-reply, api_key: key_support }
  models:
    gpt-4o-2024-08-06: gpt-4o
EOF
printf 'Summarize the document.\n' >"$r/prompts/summarize/system.md"
printf 'Answer politely.\n' >"$r/prompts/support.md"
commit_all "$r" "A: the first summary prompt"
commit_a=$(git -C "$r" rev-parse HEAD)
blob1=$(git -C "$r" rev-parse HEAD:prompts/summarize/system.md)
printf 'notes\n' >"$r/NOTES"
commit_all "$r" "B: unrelated"
printf 'Summarize the document in three sentences.\n' >"$r/prompts/summarize/system.md"
commit_all "$r" "C: a shorter summary"
commit_c=$(git -C "$r" rev-parse HEAD)
blob2=$(git -C "$r" rev-parse HEAD:prompts/summarize/system.md)
printf 'more notes\n' >"$r/NOTES"
commit_all "$r" "D: unrelated, deployed"
commit_d=$(git -C "$r" rev-parse HEAD)
store="$r/.git/promptcost/usage.db"
logs="$TEST_TMP/logs"
mkdir -p "$logs"

# rec ID DATE TEMPLATE VERSION MODEL INPUT OUTPUT: one native record
rec() {
	printf '{"time":"%sT12:00:00Z","id":"%s","template":"%s","template_version":"%s","model":"%s","calls":1,"input_tokens":%s,"output_tokens":%s}\n' \
		"$2" "$1" "$3" "$4" "$5" "$6" "$7"
}
store_sum() {
	sqlite3 "$1" .dump | sha256sum
}

# ---- the native sample (written by the native importer's tests from DESIGN.md)
s="$TEST_TMP/sample"
new_repo "$s"
cp "$r/.promptcost.yml" "$s/"
commit_all "$s" "config"
run "$s" usage import "$PC_ROOT/tests/usage/native.jsonl"
expect_status 0 "the native sample imports"
expect_stdout_has "read:         4 records" "the sample's four records are read"
expect_stdout_has "imported:     4" "and imported"
expect_stdout_has "unattributed: 2" "the two naming no template of the configuration are kept, unattributed"
run "$s" usage show --format json
expect_eq "$(json "$out" '.records, .unattributed_records, (.templates | length)' | tr '\n' ' ')" \
	"4 2 3 " "usage show counts the sample's records, the unattributed ones among them"
run "$s" usage import "$PC_ROOT/tests/usage/native.jsonl"
expect_stdout_has "files:        1 (1 imported before, skipped)" "the same file again is recognised by its content"
expect_stdout_has "imported:     0" "and nothing is counted twice"

# ---- attribution by blob, commit and label; unattributed; rules; aliases
{
	rec r1 2026-11-01 document-summarization "$blob1" gpt-4o 1000 100
	rec r2 2026-11-02 document-summarization "$blob2" gpt-4o 1000 120
	rec r3 2026-11-03 document-summarization "$commit_d" gpt-4o-2024-08-06 1000 140
	rec r4 2026-11-03 document-summarization prod-7 gpt-4o 1000 160
	rec r5 2026-11-03 ghost-template "" gpt-4o 500 50
	printf '{"time":"2026-11-03T13:00:00Z","id":"r6","api_key":"key_support","model":"gpt-4o-mini","calls":4,"response_cache_hits":1,"input_tokens":300,"cached_input_tokens":100,"output_tokens":30}\n'
} >"$logs/nov.jsonl"
run_watched "$r" usage import "$logs/nov.jsonl"
expect_status 0 "a log of six records imports"
expect_stdout_has "imported:     6" "all six are imported"
expect_stdout_has "unattributed: 1" "the one naming an unknown template is kept as unattributed"
expect_untouched "import writes nothing in the working tree or the index"
expect_eq "$(git -C "$r" status --porcelain --ignored --untracked-files=all)" "" \
	"the store never shows in git status (it lives in the git folder)"
expect_eq "$(test -f "$store" && echo yes)" "yes" "the default store is <git-common-dir>/promptcost/usage.db"

run "$r" usage show --format json
version_of() {
	json "$out" ".templates[] | select(.template == \"document-summarization\") | .versions[] | select(.version == \"$1\") | \"\(.kind) \(.commit) \(.calls)\""
}
expect_eq "$(version_of "$blob1")" "blob $commit_a 1" "a blob id resolves to the commit that introduced it"
expect_eq "$(version_of "$blob2")" "blob $commit_c 1" "the second text's blob resolves to its own commit"
expect_eq "$(version_of "$commit_d")" "commit $commit_c 1" \
	"a deployed commit resolves to the newest commit at or before it that changed the files"
expect_eq "$(version_of prod-7)" "label null 1" "a label stays a label, with no commit"
expect_eq "$(json "$out" '.templates[] | select(.template == "support-reply") | "\(.calls) \(.response_cache_hits)"')" \
	"4 1" "a record naming no template is attributed by its API key (usage.templates)"
expect_eq "$(json "$out" '.templates[] | select(.attributed == false) | "\(.template) \(.records)"')" \
	"ghost-template 1" "the unattributed record is shown with the name it gave"
expect_eq "$(sqlite3 "$store" "SELECT DISTINCT model FROM daily WHERE template = 'document-summarization'")" \
	"gpt-4o" "a source's model name is mapped by usage.models"
expect_eq "$(sqlite3 "$store" "SELECT DISTINCT team FROM daily WHERE template = 'document-summarization'")" \
	"records-management" "the team defaults to the template's"

run "$r" usage show
expect_status 0 "usage show"
expect_stdout_has "window: 2026-11-01 to 2026-11-03 (3 days)" "usage show names the window"
expect_stdout_has "  version $commit_d (commit) -> commit $(echo "$commit_c" | cut -c1-12): 1 calls" \
	"usage show lists a version with its commit and calls"
expect_stdout_has "unattributed (names 'ghost-template', not a template of the configuration)" \
	"usage show lists the unattributed records"

# ---- usage sync: the exact bytes
run "$r" usage sync --days 3
expect_status 0 "usage sync"
cat >"$TEST_TMP/volumes.expected" <<'EOF'
# .promptcost/volumes.yml: recorded usage per template, written by `promptcost usage sync`.
# `promptcost check` reads it from the base side. Regenerate it; do not edit by hand.
version: 1
window:
  from: 2026-11-01        # first day, UTC, included
  until: 2026-11-03       # last day, UTC, included
  days: 3
records: 6                # records in the window (unattributed included)
templates:
  document-summarization:
    days: 3               # from its first record in the window to `until`, inclusive
    calls: 4              # every call, response-cache hits included
    response_cache_hits: 0
    input_tokens: 4000
    cached_input_tokens: 0
    cache_write_tokens: 0
    output_tokens: 520
    records: 4
    # 1.3 calls/day; hit rate 0.0%; 130.0 output tokens per billed call; cached input 0.0%
  support-reply:
    days: 1               # from its first record in the window to `until`, inclusive
    calls: 4              # every call, response-cache hits included
    response_cache_hits: 1
    input_tokens: 300
    cached_input_tokens: 100
    cache_write_tokens: 0
    output_tokens: 30
    records: 1
    # 4.0 calls/day; hit rate 25.0%; 10.0 output tokens per billed call; cached input 33.3%
EOF
cmp -s "$r/.promptcost/volumes.yml" "$TEST_TMP/volumes.expected"
_report $? "usage sync writes volumes.yml in the documented shape, byte for byte" \
	"$(diff -u "$TEST_TMP/volumes.expected" "$r/.promptcost/volumes.yml")"
cp "$r/.promptcost/volumes.yml" "$TEST_TMP/volumes.first"
run "$r" usage sync --days 3 --until 2026-11-03
cmp -s "$r/.promptcost/volumes.yml" "$TEST_TMP/volumes.first"
_report $? "the same store gives the same bytes (and --until names the default last day)"
run "$r" usage sync --days 2 --output "$TEST_TMP/two.yml"
expect_eq "$(grep -E '^  (from|until):|^records:|^    (days|calls):' "$TEST_TMP/two.yml" | tr -s ' ' | tr '\n' '|')" \
	" from: 2026-11-02 # first day, UTC, included| until: 2026-11-03 # last day, UTC, included|records: 5 # records in the window (unattributed included)| days: 2 # from its first record in the window to \`until\`, inclusive| calls: 3 # every call, response-cache hits included| days: 1 # from its first record in the window to \`until\`, inclusive| calls: 4 # every call, response-cache hits included|" \
	"a two-day window counts only its days"
ls -a "$r/.promptcost" >"$TEST_TMP/ls"
expect_eq "$(cat "$TEST_TMP/ls" | tr '\n' ' ')" ". .. volumes.yml " "sync leaves no temporary file"
run "$r" usage sync --days 0
expect_status 2 "--days 0 is a usage error"
run "$r" usage sync --until 2026-02-30
expect_status 2 "--until must be a real date"

# ---- idempotence: ids, an appended log
# the same records in another order: another content, the same ids
sort -r "$logs/nov.jsonl" >"$logs/nov-copy.jsonl"
run "$r" usage import "$logs/nov-copy.jsonl"
expect_stdout_has "duplicate:    6" "another file with the same record ids counts them as duplicates"
expect_stdout_has "imported:     0" "and imports none of them again"
{
	cat "$logs/nov.jsonl"
	rec r7 2026-11-04 document-summarization prod-7 gpt-4o 10 1
	rec r8 2026-11-04 document-summarization prod-7 gpt-4o 10 1
} >"$logs/nov-grown.jsonl"
run "$r" usage import "$logs/nov-grown.jsonl"
expect_stdout_has "read:         2 records" "an appended log is read only past its imported part"
expect_stdout_has "duplicate:    0" "so its old records are not even looked at"
expect_stdout_has "imported:     2" "its two new records are imported"
expect_eq "$(sqlite3 "$store" 'SELECT sum(records) FROM daily')" "8" "the store holds each record once"

# ---- --skip-bad, and a bad record aborting everything
{
	rec s1 2026-11-05 support-reply "" gpt-4o-mini 10 1
	printf '{"time":"2026-11-05T12:00:00Z","model":"gpt-4o-mini","input_tokens":-5,"output_tokens":1}\n'
	rec s2 2026-11-05 support-reply "" gpt-4o-mini 10 1
} >"$logs/bad.jsonl"
before=$(store_sum "$store")
run "$r" usage import "$logs/bad.jsonl"
expect_status 2 "a bad record stops the import"
expect_stderr_has "bad.jsonl:2:" "the error says file:line"
expect_eq "$(store_sum "$store")" "$before" "the store is unchanged after a bad record"
run "$r" usage import --skip-bad "$TEST_TMP/set-aside.txt" "$logs/bad.jsonl"
expect_status 0 "--skip-bad imports the rest"
expect_stdout_has "set aside:    1 (in $TEST_TMP/set-aside.txt)" "the summary counts the record set aside"
expect_stdout_has "imported:     2" "the good records are imported"
expect_eq "$(sed -n 2p "$TEST_TMP/set-aside.txt")" \
	'{"time":"2026-11-05T12:00:00Z","model":"gpt-4o-mini","input_tokens":-5,"output_tokens":1}' \
	"the set-aside file has the record's text after its location"
expect_eq "$(sed -n 1p "$TEST_TMP/set-aside.txt" | grep -c "bad.jsonl:2: ")" "1" \
	"the set-aside file says where the record was"

awk 'BEGIN {
	for (i = 1; i < 1000000; i++)
		printf "{\"time\":\"2026-11-06T%02d:%02d:%02dZ\",\"template\":\"support-reply\",\"model\":\"gpt-4o-mini\",\"input_tokens\":%d,\"output_tokens\":1}\n", (i / 3600) % 24, (i / 60) % 60, i % 60, i % 100
	print "{\"time\":\"2026-11-06T23:59:59Z\",\"template\":\"support-reply\",\"model\":\"gpt-4o-mini\",\"input_tokens\":\"many\",\"output_tokens\":1}"
}' >"$logs/big.jsonl"
before=$(store_sum "$store")
run "$r" usage import "$logs/nov.jsonl" "$logs/big.jsonl"
expect_status 2 "a bad record at line 1,000,000 stops the whole import"
expect_stderr_has "big.jsonl:1000000:" "it is named by its line"
expect_eq "$(store_sum "$store")" "$before" "the store is unchanged, byte for byte in its dump"
expect_eq "$(ls "$(dirname "$store")" | tr '\n' ' ')" "usage.db " "no journal is left beside the store"

# ---- unknown model
rec u1 2026-11-07 support-reply "" gpt-4.1-turbo 10 1 >"$logs/unknown.jsonl"
run "$r" usage import "$logs/unknown.jsonl"
expect_status 2 "an unknown model is an input error"
expect_stderr_has "unknown.jsonl:1: unknown model 'gpt-4.1-turbo'" "it names the model and where, never \$0"

# ---- a locked store
sqlite_lock() {
	(echo "BEGIN IMMEDIATE; INSERT INTO meta VALUES('lock', 'held');"; sleep 5; echo "ROLLBACK;") |
		sqlite3 "$store" &
	lock_pid=$!
	sleep 1
}
sqlite_lock
before=$(sqlite3 "$store" 'SELECT sum(records) FROM daily')
rec l1 2026-11-08 support-reply "" gpt-4o-mini 10 1 >"$logs/locked.jsonl"
run "$r" usage import "$logs/locked.jsonl"
expect_status 3 "a store locked by another process is an I/O error"
expect_stderr_has "the store is locked by another import" "and says so"
wait "$lock_pid"
expect_eq "$(sqlite3 "$store" 'SELECT sum(records) FROM daily')" "$before" "the locked store is unchanged"
run "$r" usage import "$logs/locked.jsonl"
expect_status 0 "once the lock is gone, the import goes through"

# ---- stores that are not ours, and where the store is
printf 'my notes\nare not a database, whatever the name says; they are long enough.\n' >"$TEST_TMP/notes.db"
cp "$TEST_TMP/notes.db" "$TEST_TMP/notes.orig"
run "$r" usage import --store "$TEST_TMP/notes.db" "$logs/locked.jsonl"
expect_status 2 "a store file that is not a database is an input error"
expect_stderr_has "notes.db: not a promptcost usage store" "and says what it is not"
cmp -s "$TEST_TMP/notes.db" "$TEST_TMP/notes.orig"
_report $? "the file is left as it was"
sqlite3 "$TEST_TMP/other.db" 'CREATE TABLE t(x)'
run "$r" usage show --store "$TEST_TMP/other.db"
expect_status 2 "another program's database is an input error"
expect_stderr_has "an SQLite database, but not a promptcost usage store" "and says so"
sqlite3 "$store" 'PRAGMA user_version = 9'
run "$r" usage show
expect_status 2 "a store of a newer schema is refused"
expect_stderr_has "store schema 9 is newer than this promptcost reads" "and says why"
sqlite3 "$store" 'PRAGMA user_version = 1'

o="$TEST_TMP/outside"
mkdir -p "$o"
run "$o" usage show
expect_status 2 "outside a repository the store must be named"
expect_stderr_has "--store PATH" "the error says how"
PROMPTCOST_STORE="$store" run "$o" usage show --format json
expect_eq "$status $(json "$out" .records)" "0 11" "PROMPTCOST_STORE names the store"
run "$o" usage sync --store "$store"
expect_status 2 "sync outside a working tree needs --output"

# a linked worktree shares the main repository's store
git -C "$r" worktree add -q "$TEST_TMP/wt" -b side 2>/dev/null
run "$TEST_TMP/wt" usage show --format json
expect_eq "$(json "$out" .store)" "$store" "a linked worktree uses the main repository's store"

run "$r" help usage
expect_status 0 "promptcost help usage"
expect_stdout_has "--skip-bad FILE" "the help names --skip-bad"
expect_stdout_has "<git-common-dir>/promptcost/usage.db" "the help says where the store lives"
run "$r" usage frobnicate
expect_status 2 "an unknown subcommand is a usage error"

finish
