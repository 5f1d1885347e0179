#!/bin/sh
# A fabric-like repository for the `check` benchmark (run.sh LAYOUT=fabric),
# made from real prompt history: ../shared/realworld/fabric-history.json.gz
# (danielmiessler/fabric, MIT: 20 pattern folders at 195 states from
# 2024-01-15 to 2025-07-19; its README says what it holds). fabric itself has
# 454 patterns over 1,126 commits; the data has 20 folders, so they are
# replayed in COPIES copies (folder NAME becomes patterns/NAME-K, the later
# data/patterns/ move folded back into patterns/), the copies in GROUPS
# groups, and each state is one commit per group: 195 x 6 + 1 = 1,171 commits,
# 20 x 41 = 820 folders and 11 x 41 = 451 templates (the folders with a
# system.md at the fork) with the defaults. NOTHER generated code-like files
# sit beside them (fabric's Go code, web app and docs), never changed.
# The last NFEATURE states are on branch `feature` (checked out), forked from
# `main`; the configuration (one template per folder present at the fork,
# files patterns/NAME-K/*.md) is in the first commit.
#
#   bench/check/fabric.sh DIR      (the repository is made in DIR, empty)
#
# Settings: HISTORY (the .json.gz), COPIES (41), GROUPS (6), NOTHER (3000),
# NFEATURE (3). Needs jq, awk and git.
set -eu

dir=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
HISTORY=${HISTORY:-$root/../shared/realworld/fabric-history.json.gz}
COPIES=${COPIES:-41}
GROUPS=${GROUPS:-6}
NOTHER=${NOTHER:-3000}
NFEATURE=${NFEATURE:-3}

[ -f "$HISTORY" ] || { echo "fabric.sh: no $HISTORY (../shared/realworld)" >&2; exit 1; }
command -v jq >/dev/null 2>&1 || { echo "fabric.sh: jq is needed" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pc-fabric-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

gzip -dc "$HISTORY" >"$tmp/h.json"
mkdir "$tmp/blobs"
jq -r '.blobs | keys[]' "$tmp/h.json" >"$tmp/ids"
# each state's files: STATE PATH BLOB (paths hold no spaces)
jq -r '.commits | to_entries[] | .key as $i | .value.files | to_entries[] |
	"\($i) \(.key) \(.value)"' "$tmp/h.json" >"$tmp/states"
jq -r '.commits[] | .subject | gsub("[\n\t]"; " ")' "$tmp/h.json" >"$tmp/subjects"
nstates=$(jq '.commits | length' "$tmp/h.json")
fork=$((nstates - NFEATURE))

git -C "$dir" init -q -b main
{
	# the blobs, marked by their line in ids
	n=0
	while read -r id; do
		n=$((n + 1))
		jq -j --arg id "$id" '.blobs[$id]' "$tmp/h.json" >"$tmp/blob"
		printf 'blob\nmark :%d\ndata %d\n' "$n" "$(wc -c <"$tmp/blob")"
		cat "$tmp/blob"
		printf '\n'
	done <"$tmp/ids"
	LC_ALL=C awk -v copies="$COPIES" -v groups="$GROUPS" -v nother="$NOTHER" \
		-v fork="$fork" -v nstates="$nstates" -v idsfile="$tmp/ids" \
		-v subjectsfile="$tmp/subjects" -f "$here/fabric.awk" "$tmp/states"
} | git -C "$dir" fast-import --quiet
git -C "$dir" checkout -q -f feature
git -C "$dir" repack -a -d -f -q
git -C "$dir" prune-packed
