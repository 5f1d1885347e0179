#!/bin/sh
# The build as packagers expect it: `make` and `make install` never install
# system packages, and stop with one message naming the Debian packages and
# `make deps` when a library is missing; the version comes from VERSION alone.
. "$(dirname "$0")/lib.sh"

# A system without the libraries: pkg-config looking in an empty folder.
mkdir -p "$TEST_TMP/no-pc"
(cd "$PC_ROOT" && PKG_CONFIG_LIBDIR="$TEST_TMP/no-pc" PKG_CONFIG_PATH= \
	make --no-print-directory -n install BUILD="$TEST_TMP/b" >"$TEST_TMP/plan" 2>&1)
! grep -q 'apt-get\|deps.sh install' "$TEST_TMP/plan"
_report $? "make install plans no package installation" "$(head -20 "$TEST_TMP/plan")"
out="$TEST_TMP/stdout" err="$TEST_TMP/stderr"
(cd "$PC_ROOT" && PKG_CONFIG_LIBDIR="$TEST_TMP/no-pc" PKG_CONFIG_PATH= \
	make --no-print-directory BUILD="$TEST_TMP/b") >"$out" 2>"$err"
status=$?
expect_status 2 "make stops when the libraries are missing"
expect_stderr_has "promptcost: cannot build: missing Debian packages: libgit2-dev libyaml-dev libjansson-dev libssl-dev libsqlite3-dev zlib1g-dev libcurl4-openssl-dev; run 'make deps'" \
	"the one message names the Debian packages and make deps"
expect_eq "$(grep -c '^promptcost:' "$err")" 1 "one message, not one per library"
expect_eq "$([ -e "$TEST_TMP/b" ] && echo built || echo nothing)" nothing "nothing was compiled"
(cd "$PC_ROOT" && sh scripts/deps.sh check build) >"$out" 2>"$err"
status=$?
expect_status 0 "with the libraries present, the check is silent"
expect_eq "$(cat "$err")" "" "and prints nothing"

run "$TEST_TMP" --version
expect_status 0 "--version"
expect_eq "$(cat "$out")" "promptcost $(cat "$PC_ROOT/VERSION")" "--version prints the VERSION file"
version=$(cat "$PC_ROOT/VERSION")
grep -q "^## \[$version\]" "$PC_ROOT/CHANGELOG.md"
_report $? "CHANGELOG.md has a section for $version"
grep -q "rev: v$version" "$PC_ROOT/README.md"
_report $? "the README's pre-commit snippet names v$version"
grep -q "/action@v$version" "$PC_ROOT/README.md"
_report $? "the README's uses: line names v$version"
finish
