#!/bin/sh
# What promptcost needs to build and to test, and the Debian packages that
# bring it.
#
#   deps.sh check build   exit 1 with one message naming the Debian packages
#                         and `make deps` when a library the build links is
#                         missing (what `make` and `make install` run: a build
#                         never installs anything)
#   deps.sh check test    the same for everything the tests use as well
#   deps.sh install       installs what is missing for building and testing,
#                         through apt-get, with sudo when not root (`make deps`,
#                         and `make test` and `make demo`, the quick start)
#   deps.sh check browser / deps.sh install browser
#                         only the browser test's tools (tests/e2e/test_dashboard.sh
#                         runs the install when they are missing: a test set-up,
#                         never `make`)
#
# Libraries are looked for with pkg-config, not dpkg, so a system that has
# them from elsewhere builds too; tools with `command -v`.
set -eu

# pkg-config module -> Debian package, for what the build links (libcrypto:
# src/sshsig.c verifies approvals' signatures; libcurl: usage import --from
# clickhouse://, src/usage/clickhouse.c).
build_modules="libgit2:libgit2-dev yaml-0.1:libyaml-dev jansson:libjansson-dev
libcrypto:libssl-dev sqlite3:libsqlite3-dev zlib:zlib1g-dev libcurl:libcurl4-openssl-dev"
# and for the tests: cmocka (unit tests), jq (end-to-end tests), ssh-keygen
# and ssh-agent (approval signatures), groff (man pages rendered), node and
# npm (the Action's scripts and their tests; the JSON Schema and OpenAPI
# validators come from npm into tests/node_modules, see tests/package.json);
# sqlite3 (the shell) lets the end-to-end tests look into a store and hold its lock;
# clickhouse-server is the real server tests/e2e/test_clickhouse.sh imports from,
# curl what the tests fill it with (over its HTTP interface).
test_modules="cmocka:libcmocka-dev"
test_commands="jq:jq ssh-keygen:openssh-client ssh-agent:openssh-client groff:groff-base
node:nodejs npm:npm sqlite3:sqlite3 curl:curl clickhouse-server:clickhouse-server"
# and the dashboard's browser test: headless Chromium (Debian's, not a
# browser build downloaded by npm), pdftoppm to look at its printed PDF.
# Not part of `test`: no make target installs a browser; the test itself
# runs `deps.sh install browser` when they are missing.
browser_commands="chromium:chromium pdftoppm:poppler-utils"

# missing WHAT: the Debian packages missing for WHAT (build, test or browser), one line
missing() {
	m=""
	if [ "$1" = browser ]; then
		for pair in $browser_commands; do
			command -v "${pair%%:*}" >/dev/null 2>&1 || m="$m ${pair#*:}"
		done
		printf '%s\n' $m | awk 'NF && !seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
		return
	fi
	if ! command -v pkg-config >/dev/null 2>&1; then
		m="pkg-config"
		mods=$build_modules
		[ "$1" = test ] && mods="$mods $test_modules"
		for pair in $mods; do m="$m ${pair#*:}"; done
	else
		mods=$build_modules
		[ "$1" = test ] && mods="$mods $test_modules"
		for pair in $mods; do
			pkg-config --exists "${pair%%:*}" 2>/dev/null || m="$m ${pair#*:}"
		done
	fi
	if [ "$1" = test ]; then
		for pair in $test_commands; do
			command -v "${pair%%:*}" >/dev/null 2>&1 || m="$m ${pair#*:}"
		done
	fi
	# one name once, in order
	printf '%s\n' $m | awk 'NF && !seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
}

case "${1:-}" in
check)
	what=${2:-build}
	m=$(missing "$what")
	[ -z "$m" ] && exit 0
	[ "$what" = browser ] && what="run the browser test"
	echo "promptcost: cannot ${what}: missing Debian packages: $m; run 'make deps' (as root, or with sudo) to install them" >&2
	exit 1
	;;
install)
	if [ "${2:-}" = browser ]; then m=$(missing browser); else m=$(missing test); fi
	[ -z "$m" ] && exit 0
	;;
*)
	echo "usage: deps.sh check build|test|browser, or deps.sh install [browser]" >&2
	exit 2
	;;
esac

if ! command -v apt-get >/dev/null 2>&1; then
	echo "promptcost: missing: $m (Debian package names); this is not a Debian system: install libgit2, libyaml, jansson, OpenSSL, SQLite (and its shell), zlib, libcurl, cmocka, clickhouse-server, pkg-config, jq, OpenSSH's client, groff, node, npm, Chromium and poppler-utils by hand" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "promptcost: missing: $m; run as root or install sudo" >&2
		exit 1
	fi
fi
echo "promptcost: installing $m (apt-get${sudo:+ through sudo})" >&2
# sudo resets the environment, so the frontend is set on apt-get's command line
apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get"
# apt's progress goes to a log, shown only when something fails
log=$(mktemp)
# shellcheck disable=SC2086
if ! { $apt update -qq && $apt install -y -qq --no-install-recommends $m; } >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "promptcost: installing $m failed (see above)" >&2
	exit 1
fi
rm -f "$log"
