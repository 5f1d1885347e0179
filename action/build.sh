#!/bin/sh
# Builds promptcost from the action's own source for the action's later
# steps, into a folder actions/cache keeps between runs.
#
#   build.sh key    writes key= (a hash of the source) and dir= (where the
#                   binary goes) to $GITHUB_OUTPUT, for actions/cache
#   build.sh build  makes sure dir/promptcost runs: a cached binary is kept when
#                   its libraries are present; otherwise the Debian packages are
#                   installed (scripts/deps.sh) and the tool is built
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
*)
	echo "usage: build.sh key|build" >&2
	exit 2
	;;
esac
