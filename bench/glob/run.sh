#!/bin/sh
# The glob benchmark: the matcher of src/glob.c against the previous,
# recursive one (kept only in bench/glob/globbench.c) and against git's own
# (`git ls-files -- ':(glob)GLOB'`), on the same paths, with hyperfine, in one
# run; prints each time and the ratios. Not part of `make test` or CI.
#   bench/glob/run.sh
# Settings: NAMES (20 files), LEN (name length, 40 bytes: the previous matcher needs minutes at 60), RUNS (3),
# GLOBS (a space-separated list; default: a plain glob and the pathological one).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
NAMES=${NAMES:-20}
LEN=${LEN:-40}
RUNS=${RUNS:-3}
GLOBS=${GLOBS:-"p/*.md p/*a*a*a*a*a*b"}
command -v hyperfine >/dev/null 2>&1 || { apt-get install -y -qq hyperfine >&2 || exit 1; }
make -C "$root" --no-print-directory build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -std=c11 -D_GNU_SOURCE -I"$root/include" -o "$work/globbench" "$here/globbench.c" \
	"$root/build/libpromptcost.a"
# the same paths as a file list and as a repository's index (one blob)
git init -q "$work/repo"
blob=$(echo x | git -C "$work/repo" hash-object -w --stdin)
name=$(head -c "$LEN" /dev/zero | tr '\0' a)
i=0
: >"$work/paths"
while [ "$i" -lt "$NAMES" ]; do
	i=$((i + 1))
	echo "p/$name$i" >>"$work/paths"
	echo "p/$i.md" >>"$work/paths"
done
sed "s/^/100644 $blob	/" "$work/paths" | git -C "$work/repo" update-index --index-info
printf '| glob | previous matcher | src/glob.c | git ls-files | previous / new | git / new |\n'
printf '|---|--:|--:|--:|--:|--:|\n'
for glob in $GLOBS; do
	hyperfine -N -r "$RUNS" -w 1 --export-json "$work/h.json" \
		"$work/globbench old $glob $work/paths" \
		"$work/globbench new $glob $work/paths" \
		"git -C $work/repo ls-files -- :(glob)$glob" >/dev/null 2>&1
	node -e '
		const r = require(process.argv[1]).results.map(x => x.median);
		const f = s => s < 1 ? (s * 1000).toFixed(2) + " ms" : s.toFixed(2) + " s";
		console.log(`| \`${process.argv[2]}\` | ${f(r[0])} | ${f(r[1])} | ${f(r[2])} | ` +
			`${(r[0] / r[1]).toFixed(1)}x | ${(r[2] / r[1]).toFixed(1)}x |`);
	' "$work/h.json" "$glob"
	for m in old new; do printf '%s: %s matches; ' "$m" "$("$work/globbench" $m "$glob" "$work/paths")"; done
	printf 'git: %s\n' "$(git -C "$work/repo" ls-files -- ":(glob)$glob" | wc -l)"
done
