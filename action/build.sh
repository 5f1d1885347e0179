#!/bin/sh
# Builds promptcost from the action's own source for the action's later
# steps, into a folder actions/cache keeps between runs.
#
#   build.sh key    writes key= (a hash of the source) and dir= (where the
#                   binary goes) to $GITHUB_OUTPUT, for actions/cache
#   build.sh build  makes sure dir/promptcost runs: a cached binary is kept when
#                   its libraries are present; otherwise the Debian packages are
#                   installed (scripts/deps.sh) and the tool is built
#   build.sh tokens-key
#                   writes path= (the token-count cache's folder, in the
#                   checked-out repository's git directory), key= (keyed by the
#                   base commit, $PROMPTCOST_BASE_COMMIT) and restore-keys= (any
#                   earlier base: counts are keyed by blob ids, so an older
#                   cache is still right where it hits) to $GITHUB_OUTPUT
# hashFiles() cannot see the action's folder (it only hashes the workspace),
# hence the hash here.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
cache_root=${PROMPTCOST_CACHE_DIR:-${HOME:-/tmp}/.cache/promptcost-action}

source_key() {
	(cd "$src" && find Makefile include src data scripts tools -type f 2>/dev/null | LC_ALL=C sort |
		while IFS= read -r f; do sha256sum -- "$f"; done | sha256sum | cut -c1-32)
}

case "${1:-}" in
key)
	key=$(source_key)
	# The image (ubuntu22, ubuntu24) decides the library versions linked in.
	key="${ImageOS:-$(uname -s)}-$(uname -m)-$key"
	dir="$cache_root/$key"
	{
		echo "key=$key"
		echo "dir=$dir"
	} >>"${GITHUB_OUTPUT:-/dev/stdout}"
	;;
build)
	dir=${PROMPTCOST_BUILD_DIR:?set PROMPTCOST_BUILD_DIR (the dir output of build.sh key)}
	bin="$dir/promptcost"
	if ! command -v node >/dev/null 2>&1; then
		sh "$src/scripts/deps.sh" install
	fi
	if [ -x "$bin" ] && ! ldd "$bin" 2>/dev/null | grep -q 'not found' && "$bin" --version >/dev/null 2>&1; then
		echo "promptcost: using the cached build: $("$bin" --version)"
		exit 0
	fi
	sh "$src/scripts/deps.sh" install
	make -C "$src" -j2 build >&2
	mkdir -p "$dir"
	cp "$src/build/promptcost" "$bin.tmp"
	mv "$bin.tmp" "$bin"
	echo "promptcost: built $("$bin" --version)"
	;;
tokens-key)
	# the repository the check runs in: working-directory inside the workspace
	wd=${PROMPTCOST_WORKING_DIRECTORY:-.}
	cd "${GITHUB_WORKSPACE:-.}" && cd "$wd"
	common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || common=""
	# no repository (yet): a folder of its own, so that the cache steps still run
	[ -n "$common" ] || common="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/promptcost-no-repository"
	base=${PROMPTCOST_BASE_COMMIT:-}
	case "$base" in
	"" | 0000000000000000000000000000000000000000) base=none ;;
	esac
	prefix="promptcost-tokens-1-${ImageOS:-$(uname -s)}-"
	{
		echo "path=$common/promptcost"
		echo "key=$prefix$base"
		echo "restore-keys=$prefix"
	} >>"${GITHUB_OUTPUT:-/dev/stdout}"
	;;
*)
	echo "usage: build.sh key|build|tokens-key" >&2
	exit 2
	;;
esac
