#!/bin/sh
# `make demo`: the seed example end to end, then the same change priced with
# recorded usage. Creates a repository in a temporary folder with a
# document-summarization prompt and a .promptcost.yml on main, a branch that
# adds 400 tokens of system context, and runs `promptcost check --base main`
# (the configured 15,000 calls/day: +$2,160.00 a month). Then a month of
# usage is recorded: a generated log of November's calls (hourly buckets,
# 14,812 calls a day) is imported into the store, `usage sync` writes
# .promptcost/volumes.yml, main commits it, and the check runs again with the
# recorded volume. Last, a fictional agency's month in a second repository
# (demo/agency/): `promptcost report --period 2026-11` and its HTML dashboard.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(mktemp -d "${TMPDIR:-/tmp}/promptcost-demo-XXXXXX")

# the demo's git must not depend on who runs it
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="Demo Developer" GIT_AUTHOR_EMAIL=dev@agency.gov
export GIT_COMMITTER_NAME="Demo Developer" GIT_COMMITTER_EMAIL=dev@agency.gov
export GIT_AUTHOR_DATE="2026-11-02T09:00:00Z" GIT_COMMITTER_DATE="2026-11-02T09:00:00Z"
unset PROMPTCOST_STORE

cd "$repo"
git init -q -b main .
mkdir -p prompts/summarize
cp "$here/demo/promptcost.yml" .promptcost.yml
cp "$here/demo/system.md" prompts/summarize/system.md
git add -A
git commit -q -m "Add the document-summarization prompt"

# the change under review: about a page of system context, exactly 400 tokens
git checkout -q -b more-context
cat "$here/demo/system-context.md" >> prompts/summarize/system.md
export GIT_AUTHOR_DATE="2026-11-03T09:00:00Z" GIT_COMMITTER_DATE="2026-11-03T09:00:00Z"
git commit -q -am "Give the summarizer more system context"

echo "demo repository: $repo"
echo "\$ promptcost check --base main"
echo
status=0
"$bin" check --base main || status=$?

# A month of recorded usage of the prompt as it is on main: one record per
# hour of November, 14,812 calls a day (617 an hour, 618 in the first four),
# 1,200 input and 250 output tokens a call, naming the template's version by
# its blob id.
git checkout -q main
blob=$(git rev-parse HEAD:prompts/summarize/system.md)
awk -v blob="$blob" 'BEGIN {
	for (d = 1; d <= 30; d++)
		for (h = 0; h < 24; h++) {
			calls = 617 + (h < 4)
			printf "{\"time\":\"2026-11-%02dT%02d:00:00Z\",\"id\":\"demo-%02d-%02d\",", d, h, d, h
			printf "\"template\":\"document-summarization\",\"template_version\":\"%s\",", blob
			printf "\"model\":\"gpt-4-class\",\"calls\":%d,\"input_tokens\":%d,", calls, calls * 1200
			printf "\"output_tokens\":%d}\n", calls * 250
		}
}' | gzip -n > "$repo.usage-2026-11.jsonl.gz"
echo
echo "# a month later: November's usage, recorded"
echo "\$ promptcost usage import usage-2026-11.jsonl.gz"
"$bin" usage import "$repo.usage-2026-11.jsonl.gz"
rm -f "$repo.usage-2026-11.jsonl.gz"
echo "\$ promptcost usage show"
"$bin" usage show
echo "\$ promptcost usage sync --until 2026-11-30"
"$bin" usage sync --until 2026-11-30
export GIT_AUTHOR_DATE="2026-12-01T09:00:00Z" GIT_COMMITTER_DATE="2026-12-01T09:00:00Z"
git add .promptcost/volumes.yml
git commit -q -m "volumes: November"
echo "\$ git commit -m 'volumes: November' .promptcost/volumes.yml   (on main)"

git checkout -q more-context
echo
echo "\$ promptcost check --base main   (the change again, now with recorded volumes)"
echo
status2=0
"$bin" check --base main || status2=$?
echo
echo "(exit status $status, then $status2; the repository is left in $repo to explore)"

# ---- The agency's month: the spend report -----------------------------------
# A second repository, a fictional public agency (demo/agency/): fourteen use
# cases of four teams, sixteen templates, a provisioned-throughput reservation
# and a response cache. Its history: the prompts on 2026-09-28, then on
# 2026-11-13 the same 400 tokens of system context added to
# document-summarization, live from Monday 2026-11-16. demo/agency/generate.awk
# writes October and November's usage (one record per template and hour,
# naming each template's version by its blob id), chosen so that the report
# of November says $180,000.00, fourteen use cases, document summarization
# 38.0%, a cache hit rate of 41.0% against 55.0% and 78.0% utilization, with
# the change's spike on 2026-11-16 and its forecast of +$2,160.00 a month
# beside the observed +$2,160.00 (generate.awk's comments work it out).
echo
agency=$(mktemp -d "${TMPDIR:-/tmp}/promptcost-agency-XXXXXX")
cd "$agency"
git init -q -b main .
cp -R "$here/demo/agency/prompts" prompts
cp "$here/demo/system.md" prompts/summarize/system.md
cp "$here/demo/agency/promptcost.yml" .promptcost.yml
echo /dashboard-2026-11.html >> .git/info/exclude
export GIT_AUTHOR_NAME="Records Management" GIT_AUTHOR_EMAIL=records@agency.gov
export GIT_COMMITTER_NAME="Records Management" GIT_COMMITTER_EMAIL=records@agency.gov
export GIT_AUTHOR_DATE="2026-09-28T10:00:00Z" GIT_COMMITTER_DATE="2026-09-28T10:00:00Z"
git add -A
git commit -q -m "The agency's prompts, budgets and reservation"
before=$(git rev-parse HEAD:prompts/summarize/system.md)

export GIT_AUTHOR_NAME="Dana Whitfield" GIT_AUTHOR_EMAIL=dana.whitfield@agency.gov
export GIT_COMMITTER_NAME="Dana Whitfield" GIT_COMMITTER_EMAIL=dana.whitfield@agency.gov
export GIT_AUTHOR_DATE="2026-11-13T15:00:00Z" GIT_COMMITTER_DATE="2026-11-13T15:00:00Z"
cat "$here/demo/system-context.md" >> prompts/summarize/system.md
git commit -q -am "Give the summarizer more system context"
after=$(git rev-parse HEAD:prompts/summarize/system.md)

# each template's blob id, from its `files:` line (one file each)
versions=$(awk '$1 == "-" && $2 == "id:" { id = $3 }
	$1 == "files:" { f = $2; gsub(/[][]/, "", f); print id "=" f }' .promptcost.yml |
	while IFS== read -r id file; do printf '%s=%s ' "$id" "$(git rev-parse "HEAD:$file")"; done)
awk -v versions="$versions" -v before="$before" -v after="$after" \
	-f "$here/demo/agency/generate.awk" | gzip -n > "$agency.usage-2026-10-11.jsonl.gz"

echo "agency repository: $agency"
echo "\$ promptcost usage import agency-usage-2026-10-11.jsonl.gz   (October and November, hourly)"
status_import=0
"$bin" usage import "$agency.usage-2026-10-11.jsonl.gz" || status_import=$?
rm -f "$agency.usage-2026-10-11.jsonl.gz"
[ "$status_import" = 0 ] || exit "$status_import"
echo
echo "\$ promptcost report --period 2026-11"
echo
status3=0
"$bin" report --period 2026-11 || status3=$?
status4=0
"$bin" report --period 2026-11 --format html --output dashboard-2026-11.html || status4=$?
echo
echo "\$ promptcost report --period 2026-11 --format html --output dashboard-2026-11.html"
echo "dashboard: $agency/dashboard-2026-11.html"
echo "(exit status $status3, then $status4; the agency's repository is left in $agency)"
