#!/bin/sh
# `make demo`: the seed example end to end, then the same change priced with
# recorded usage. Creates a repository in a temporary folder with a
# document-summarization prompt and a .promptcost.yml on main, a branch that
# adds 400 tokens of system context, and runs `promptcost check --base main`
# (the configured 15,000 calls/day: +$2,160.00 a month). Then a month of
# usage is recorded: a generated log of November's calls (hourly buckets,
# 14,812 calls a day) is imported into the store, `usage sync` writes
# .promptcost/volumes.yml, main commits it, and the check runs again with the
# recorded volume.
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
