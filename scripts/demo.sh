#!/bin/sh
# `make demo`: the seed example end to end. Creates a repository in a
# temporary folder with a document-summarization prompt and a
# .promptcost.yml, commits it, commits a second revision that adds 400 tokens
# of system context, and runs `promptcost check --base HEAD~1` there.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(mktemp -d "${TMPDIR:-/tmp}/promptcost-demo-XXXXXX")

# the demo's git must not depend on who runs it
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="Demo Developer" GIT_AUTHOR_EMAIL=dev@agency.gov
export GIT_COMMITTER_NAME="Demo Developer" GIT_COMMITTER_EMAIL=dev@agency.gov
export GIT_AUTHOR_DATE="2026-11-02T09:00:00Z" GIT_COMMITTER_DATE="2026-11-02T09:00:00Z"

cd "$repo"
git init -q -b main .
mkdir -p prompts/summarize
cp "$here/demo/promptcost.yml" .promptcost.yml
cp "$here/demo/system.md" prompts/summarize/system.md
git add -A
git commit -q -m "Add the document-summarization prompt"

# the change under review: about a page of system context, exactly 400 tokens
cat "$here/demo/system-context.md" >> prompts/summarize/system.md
export GIT_AUTHOR_DATE="2026-11-03T09:00:00Z" GIT_COMMITTER_DATE="2026-11-03T09:00:00Z"
git commit -q -am "Give the summarizer more system context"

echo "demo repository: $repo"
echo "\$ promptcost check --base HEAD~1"
echo
status=0
"$bin" check --base HEAD~1 || status=$?
echo
echo "(exit status $status; the repository is left in $repo to explore)"
