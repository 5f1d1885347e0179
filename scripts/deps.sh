#!/bin/sh
# Installs the Debian packages promptcost needs to build and test, when any is
# missing: through apt-get, with sudo when not root. Quiet when all are there.
set -eu

# jq is for the end-to-end tests, openssh-client (ssh-keygen, ssh-agent) for the
# approval signatures they make; libssl-dev (libcrypto) verifies signatures; the
# rest for building and the unit tests.
# libsqlite3-dev is the usage store, zlib1g-dev reads gzip-compressed usage logs;
# sqlite3 (the shell) lets the end-to-end tests look into a store and hold its lock.
packages="pkg-config libgit2-dev libyaml-dev libjansson-dev libcmocka-dev libssl-dev libsqlite3-dev zlib1g-dev sqlite3 openssh-client jq"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
# The GitHub Action's scripts and their tests run on node (18 or later); any
# node on the PATH will do (runners have their own), else Debian's.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "promptcost: missing build dependencies:$missing" >&2
	echo "promptcost: this is not a Debian system; install libgit2, libyaml, jansson, cmocka, OpenSSL, SQLite, zlib, OpenSSH's client, pkg-config, jq and node by hand" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "promptcost: missing:$missing; run as root or install sudo" >&2
		exit 1
	fi
fi
echo "promptcost: installing$missing (apt-get${sudo:+ through sudo})" >&2
# sudo resets the environment, so the frontend is set on apt-get's command line
apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get"
# apt's progress goes to a log, shown only when something fails
log=$(mktemp)
# shellcheck disable=SC2086
if ! { $apt update -qq && $apt install -y -qq --no-install-recommends $missing; } >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "promptcost: installing$missing failed (see above)" >&2
	exit 1
fi
rm -f "$log"
