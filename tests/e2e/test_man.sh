#!/bin/sh
# The manual: every page in man/ renders without a warning (groff -ww, as
# warnings-as-errors), every command has its page and every page a command,
# every option a command's --help lists is documented in its page's OPTIONS
# and the other way round, --help points to the page, and make install-data
# installs the pages (version set) and the JSON Schemas.
. "$(dirname "$0")/lib.sh"

MAN="$PC_ROOT/man"

for page in "$MAN"/*.[15]; do
	name=$(basename "$page")
	groff -man -Tutf8 -ww -z "$page" >"$TEST_TMP/groff.err" 2>&1
	expect_eq "$(cat "$TEST_TMP/groff.err")" "" "$name renders with no groff warning"
	# the page names itself in .TH as its file is named
	th=$(sed -n 's/^\.TH \([^ ]*\) \([15]\) .*/\1.\2/p' "$page" | tr 'A-Z' 'a-z')
	expect_eq "$th" "$name" "$name: its .TH names it"
	grep -q '^\.SH NAME$' "$page" && grep -q '^\.SH "\{0,1\}SEE ALSO' "$page"
	_report $? "$name has NAME and SEE ALSO sections"
done

# the options of a --help: the option column of each line that starts with
# two spaces and a dash (up to a gap of two spaces), each --name, -x or --
help_options() {
	sed -n 's/^  \(-.*\)$/\1/p' | sed 's/   *.*//' |
		grep -oE -- '--?[A-Za-z][A-Za-z0-9-]*|--' | sort -u
}
# the options of a page: the tag lines of .TP items in its OPTIONS section
page_options() {
	awk '/^\.SH/ { inside = ($0 ~ /^\.SH "?OPTIONS"?$/) } inside && prev == ".TP" { print } { prev = $0 }' "$1" |
		sed 's/\\-/-/g; s/\\f[BIRP]//g' | grep -oE -- '--?[A-Za-z][A-Za-z0-9-]*|--' | sort -u
}

run "$TEST_TMP" --help
commands=$(sed -n '/^commands:/,/^$/p' "$out" | sed -n 's/^  \([a-z-]*\) .*/\1/p')
expect_eq "$([ "$(printf '%s\n' "$commands" | wc -l)" -ge 5 ] && echo yes)" yes "promptcost --help lists its commands"
help_options <"$out" >"$TEST_TMP/h"
page_options "$MAN/promptcost.1" >"$TEST_TMP/p"
expect_eq "$(diff "$TEST_TMP/h" "$TEST_TMP/p")" "" "promptcost(1) documents the options of promptcost --help, and only those"
awk '/^\.SH/ { inside = ($0 ~ /COMMANDS/) } inside && prev == ".TP" { print } { prev = $0 }' "$MAN/promptcost.1" |
	sed 's/\\f[BIRP]//g; s/\\-/-/g' | sort >"$TEST_TMP/pc"
expect_eq "$(printf '%s\n' $commands | sort | diff - "$TEST_TMP/pc")" "" "promptcost(1) lists every command, and only those"
expect_stdout_has "man promptcost" "promptcost --help points to the manual"

for cmd in $commands; do
	page="$MAN/promptcost-$cmd.1"
	[ -f "$page" ]; _report $? "$cmd has its page, promptcost-$cmd(1)"
	[ -f "$page" ] || continue
	run "$TEST_TMP" "$cmd" --help
	expect_status 0 "$cmd --help"
	help_options <"$out" >"$TEST_TMP/h"
	page_options "$page" >"$TEST_TMP/p"
	[ -s "$TEST_TMP/h" ]; _report $? "$cmd --help lists options"
	expect_eq "$(comm -23 "$TEST_TMP/h" "$TEST_TMP/p" | tr '\n' ' ')" "" "every option of $cmd --help is in promptcost-$cmd(1)"
	expect_eq "$(comm -13 "$TEST_TMP/h" "$TEST_TMP/p" | tr '\n' ' ')" "" "every option promptcost-$cmd(1) documents is in $cmd --help"
	expect_stdout_has "man promptcost-$cmd" "$cmd --help points to its page"
	expect_eq "$([ "$(wc -l <"$out")" -le 30 ] && echo short)" short "$cmd --help stays short ($(wc -l <"$out") lines)"
	run "$TEST_TMP" help "$cmd"
	expect_stdout_has "man promptcost-$cmd" "promptcost help $cmd is the same short help"
	# and each option the help lists is one the command accepts: never 'unknown argument'
	for opt in $(cat "$TEST_TMP/h"); do
		case "$opt" in -h|--help|--) continue ;; esac
		run "$TEST_TMP" "$cmd" "$opt"
		! grep -q "unknown argument" "$err"
		_report $? "$cmd accepts $opt, which its help lists"
	done
done
for page in "$MAN"/promptcost-*.1; do
	cmd=$(basename "$page" .1 | sed 's/^promptcost-//')
	printf '%s\n' $commands | grep -qx "$cmd"
	_report $? "promptcost-$cmd(1) is the page of a command"
done
# every page a page names in SEE ALSO or the text, of ours, exists
for ref in $(cat "$MAN"/*.[15] | sed 's/\\-/-/g; s/\\f[BIRP]//g' | grep -oE 'promptcost[a-z.-]*\([15]\)' | sort -u); do
	file=$(printf '%s' "$ref" | sed 's/(\([15]\))$/.\1/')
	[ -f "$MAN/$file" ]; _report $? "the page $ref that the manual names exists"
done

# man reads them as installed
DEST="$TEST_TMP/root"
make -s -C "$PC_ROOT" --no-print-directory install-data DESTDIR="$DEST" PREFIX=/usr >"$TEST_TMP/install.out" 2>&1
_report $? "make install-data installs the pages and the schemas" "$(cat "$TEST_TMP/install.out")"
version=$(cat "$PC_ROOT/VERSION")
for page in "$MAN"/*.[15]; do
	name=$(basename "$page")
	installed="$DEST/usr/share/man/man${name##*.}/$name"
	[ -f "$installed" ] && ! grep -q '@VERSION@' "$installed" && grep -q "promptcost $version" "$installed"
	_report $? "$name is installed under share/man/man${name##*.} with version $version"
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man -l "$installed" >"$TEST_TMP/man.out" 2>"$TEST_TMP/man.err"
		[ $? = 0 ] && [ ! -s "$TEST_TMP/man.err" ] && [ -s "$TEST_TMP/man.out" ]
		_report $? "man -l reads the installed $name" "$(head -5 "$TEST_TMP/man.err")"
	fi
done
for schema in "$PC_ROOT"/schema/*.json; do
	cmp -s "$schema" "$DEST/usr/share/promptcost/schema/$(basename "$schema")"
	_report $? "$(basename "$schema") is installed under share/promptcost/schema"
done
finish
