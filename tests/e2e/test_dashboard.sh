#!/bin/sh
# The HTML dashboard (`report --format html`) in a real browser: Debian's
# headless Chromium opens the page as a CFO would (from a file), at a
# desktop's width, at a phone's and printed to PDF. Each case is checked for
# content (a screenshot that is not blank, with the charts' colours in it),
# the DOM for the figures (the posture sentence, the total, a spike's
# commit), that nothing was fetched (Chromium's network log and its console's
# Content Security Policy reports), and that a phone's width needs no
# horizontal scroll outside the tables' own scroll boxes and that its text
# has enough contrast (WCAG 2.1 AA).
#
# Chromium and pdftoppm are installed here when missing (scripts/deps.sh
# install browser: apt-get, sudo when not root); if that fails the test fails.
# The screenshots stay in build/dashboard/ (beside the binary) to be looked at.
#
# One case is the shared fixture (tests/support/sr_fixture.c) written by
# `test_spend_html --write`; the other is the real binary's report of the
# demo agency's November (scripts/demo.sh: a month of generated usage in a
# real repository and store), checked for the figures its JSON report gives.
. "$(dirname "$0")/lib.sh"

bin_dir=$(dirname "$PROMPTCOST")
shots="$bin_dir/dashboard"
mkdir -p "$shots"
CHROMIUM=${PC_CHROMIUM:-chromium}

# ---- the browser, installed by the test set-up when missing
if ! command -v "$CHROMIUM" >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
	echo "# chromium or pdftoppm missing: sh scripts/deps.sh install browser"
	sh "$PC_ROOT/scripts/deps.sh" install browser >"$TEST_TMP/deps.log" 2>&1
fi
command -v "$CHROMIUM" >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1
_report $? "headless Chromium and pdftoppm are installed" "$(cat "$TEST_TMP/deps.log" 2>/dev/null)"
if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
	finish
	exit 1
fi
[ -f "$PC_ROOT/tests/node_modules/pngjs/package.json" ]
_report $? "pngjs is installed (make check-tests: npm ci in tests/)"

# browser NAME ARGS...: Chromium headless, a fresh profile, every host name
# unresolvable (nothing can leave the machine even if the page asked), its
# console and network log kept as $TEST_TMP/NAME.log and NAME.net.json.
browser() {
	_bname=$1; shift
	rm -rf "$TEST_TMP/profile-$_bname"
	timeout 90 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --no-first-run \
		--no-default-browser-check --disable-background-networking --disable-component-update \
		--disable-sync --disable-default-apps --disable-extensions --disable-breakpad \
		--disable-domain-reliability --disable-client-side-phishing-detection \
		--host-resolver-rules="MAP * ~NOTFOUND" --hide-scrollbars \
		--user-data-dir="$TEST_TMP/profile-$_bname" \
		--enable-logging=stderr --v=0 --log-net-log="$TEST_TMP/$_bname.net.json" \
		"$@" 2>"$TEST_TMP/$_bname.log"
}

# requests NAME: the URLs a run asked the network for, one a line, less the
# browser's own background calls (its update and account services)
requests() {
	[ -s "$TEST_TMP/$1.net.json" ] || { echo "(no network log: $1.net.json)"; return; }
	grep -o '"url":"[^"]*"' "$TEST_TMP/$1.net.json" 2>/dev/null | sed 's/^"url":"//; s/"$//' |
		grep -Ev '^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com)(/|:|$)' | sort -u
}

# csp_reports NAME: what the page tried to load and its policy blocked
csp_reports() {
	grep 'Content Security Policy' "$TEST_TMP/$1.log" || true
}

# png_stats FILE KEY: a figure of tests/browser/png.js stats (nonwhite_permille, near.spike...)
png_stats() {
	node "$PC_ROOT/tests/browser/png.js" stats "$1" | jq -r ".$2"
}

# expect_at_least N ACTUAL NAME
expect_at_least() {
	[ "${2:-0}" -ge "$1" ] 2>/dev/null; _report $? "$3" "wanted at least $1, got ${2:-nothing}"
}

# figures_from_json REPORT.json: the texts a dashboard of the same report
# must show (promptcost/report/v1): the posture sentence, the total as the
# page writes money ("$180,000.00", "1,234.50 EUR"), each spike's short commit id
figures_from_json() {
	jq -r '.posture.text' "$1"
	_total=$(jq -r '.posture.total_cost' "$1" | sed -E ':a
s/^(-?[0-9]+)([0-9]{3})/\1,\2/
ta')
	if [ "$(jq -r '.currency' "$1")" = USD ]; then
		echo "\$$_total"
	else
		echo "$_total $(jq -r '.currency' "$1")"
	fi
	jq -r '.spikes[]?.commit // empty | .[0:7]' "$1"
}

# ---- the detectors detect: a page that asks for an image, with and without the policy
printf '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><img src="http://127.0.0.1:9/probe.png" alt=""></body></html>\n' \
	>"$TEST_TMP/leaky.html"
browser leaky --dump-dom "file://$TEST_TMP/leaky.html" >/dev/null
requests leaky | grep -q '127.0.0.1:9/probe.png'
_report $? "the network log shows a page's request (the check of the dashboard can fail)" \
	"$(requests leaky)"
sed 's|<head>|<head><meta http-equiv="Content-Security-Policy" content="default-src '"'none'"'">|' \
	"$TEST_TMP/leaky.html" >"$TEST_TMP/blocked.html"
browser blocked --dump-dom "file://$TEST_TMP/blocked.html" >/dev/null
[ -n "$(csp_reports blocked)" ]
_report $? "the console shows what a policy blocked (the check of the dashboard can fail)" \
	"$(tail -5 "$TEST_TMP/blocked.log")"

# A phone: headless Chromium's windows are at least 500 px wide, so the page
# is shown in a frame 390 px wide (its media queries and layout see 390 px);
# the screenshot is the frame's top (the frame is tall, so that all of the
# page can be hit-tested). tests/browser/probe.js, in the frame's parent
# only (the dashboard itself has no script), measures the frame's layout and
# its text's contrast.
phone_page() {
	printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}'
	printf 'iframe{border:0;width:390px;height:16000px;display:block}</style></head>\n'
	printf '<body><iframe id="f" src="%s"></iframe>\n<script>\n' "$1"
	cat "$PC_ROOT/tests/browser/probe.js"
	printf '</script></body></html>\n'
}

# ... and the probe sees a page too wide for a phone
printf '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div style="width:600px">wide</div><p style="color:#bbb">faint</p></body></html>\n' \
	>"$TEST_TMP/wide.html"
phone_page "file://$TEST_TMP/wide.html" >"$TEST_TMP/wide-phone.html"
browser wide --allow-file-access-from-files --window-size=390,800 --dump-dom "file://$TEST_TMP/wide-phone.html" \
	>"$TEST_TMP/wide.dom"
grep -q '<pre id="probe">viewport=390 scroll=6[0-9][0-9] offenders=div' "$TEST_TMP/wide.dom"
_report $? "the phone probe sees a page wider than 390 px (the check of the dashboard can fail)" \
	"$(grep -o '<pre id="probe">[^<]*' "$TEST_TMP/wide.dom")"
grep -q '<pre id="contrast">checked=[0-9]* svg=0 offenders=p\.=1\.[0-9]*&lt;4\.5' "$TEST_TMP/wide.dom"
_report $? "the probe sees faint text (the contrast check of the dashboard can fail)" \
	"$(grep -o '<pre id="contrast">[^<]*' "$TEST_TMP/wide.dom")"

# dashboard_case NAME HTML FIGURES: the checks of one dashboard file; FIGURES
# holds one text a line that the page's DOM must show (the posture sentence,
# the total, a spike's commit id...).
dashboard_case() {
	_case=$1 _html=$2 _figures=$3
	_url="file://$_html"
	# nothing from an earlier run can stand in for this one's
	rm -f "$shots/$_case"-*.png "$shots/$_case-print.pdf"

	# the desktop: a screenshot with content and the charts' colours, the DOM's figures
	browser "$_case-desktop" --window-size=1280,2400 --screenshot="$shots/$_case-desktop.png" "$_url" >/dev/null
	[ -s "$shots/$_case-desktop.png" ]
	_report $? "$_case: a desktop screenshot (1280 px) was taken" "$(tail -5 "$TEST_TMP/$_case-desktop.log")"
	if [ -s "$shots/$_case-desktop.png" ]; then
		expect_at_least 60 "$(png_stats "$shots/$_case-desktop.png" nonwhite_permille)" \
			"$_case: the desktop screenshot is not blank (per mille of pixels not white)"
		expect_at_least 2000 "$(png_stats "$shots/$_case-desktop.png" '"near"."use-case-1"')" \
			"$_case: the desktop screenshot shows the daily chart (the first use case's colour)"
		expect_at_least 100 "$(png_stats "$shots/$_case-desktop.png" near.spike)" \
			"$_case: the desktop screenshot shows a spike marker"
	fi
	expect_eq "$(requests "$_case-desktop")" "" "$_case: the desktop page made no request"
	expect_eq "$(csp_reports "$_case-desktop")" "" "$_case: the desktop page tried to load nothing"

	browser "$_case-dom" --window-size=1280,2400 --dump-dom "$_url" >"$TEST_TMP/$_case.dom"
	_missing=""
	while IFS= read -r _fig; do
		[ -n "$_fig" ] || continue
		# the DOM serializes text with &amp; &lt; &gt; escaped: compare alike
		_want=$(printf '%s' "$_fig" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
		grep -qF -- "$_want" "$TEST_TMP/$_case.dom" || _missing="$_missing
$_fig"
	done <"$_figures"
	expect_eq "$_missing" "" "$_case: the DOM shows every figure ($(wc -l <"$_figures") of them)"
	_svgs=$(grep -o '<svg [^>]*>' "$TEST_TMP/$_case.dom" | wc -l)
	_labelled=$(grep -o '<svg [^>]*>' "$TEST_TMP/$_case.dom" | grep 'role="img"' | grep -c 'aria-labelledby=')
	expect_at_least 3 "$_svgs" "$_case: the DOM has the charts"
	expect_eq "$_labelled" "$_svgs" "$_case: every chart is an image with a text alternative"
	expect_eq "$(grep -c '<script' "$TEST_TMP/$_case.dom")" 0 "$_case: the DOM has no script"

	# the phone: a screenshot of the page in a 390 px frame, and the probe's word on scrolling
	phone_page "$_url" >"$TEST_TMP/$_case-phone.html"
	browser "$_case-phone" --allow-file-access-from-files --window-size=390,3200 \
		--screenshot="$shots/$_case-phone.png" "file://$TEST_TMP/$_case-phone.html" >/dev/null
	[ -s "$shots/$_case-phone.png" ]
	_report $? "$_case: a phone screenshot (390 px) was taken"
	if [ -s "$shots/$_case-phone.png" ]; then
		expect_at_least 60 "$(png_stats "$shots/$_case-phone.png" nonwhite_permille)" \
			"$_case: the phone screenshot is not blank"
		expect_at_least 500 "$(png_stats "$shots/$_case-phone.png" '"near"."use-case-1"')" \
			"$_case: the phone screenshot shows the daily chart"
	fi
	expect_eq "$(requests "$_case-phone")" "" "$_case: the phone page made no request"
	browser "$_case-probe" --allow-file-access-from-files --window-size=390,3200 \
		--dump-dom "file://$TEST_TMP/$_case-phone.html" >"$TEST_TMP/$_case-probe.dom"
	_probe=$(sed -n 's|.*<pre id="probe">\([^<]*\)</pre>.*|\1|p' "$TEST_TMP/$_case-probe.dom")
	expect_eq "$_probe" "viewport=390 scroll=390 offenders=" \
		"$_case: at 390 px nothing scrolls sideways but the tables in their boxes"
	_contrast=$(sed -n 's|.*<pre id="contrast">\([^<]*\)</pre>.*|\1|p' "$TEST_TMP/$_case-probe.dom")
	expect_eq "${_contrast#* offenders=}" "" "$_case: all visible text has WCAG AA contrast with its background"
	_checked=$(printf '%s' "$_contrast" | sed -n 's/^checked=\([0-9]*\) svg=\([0-9]*\) .*/\1 \2/p')
	expect_at_least 100 "${_checked% *}" "$_case: the contrast check saw the page's text (elements)"
	expect_at_least 10 "${_checked#* }" "$_case: the contrast check saw the charts' text (SVG elements)"

	# print: a PDF whose pages have the content and the charts' colours
	browser "$_case-print" --no-pdf-header-footer --print-to-pdf="$shots/$_case-print.pdf" "$_url" >/dev/null
	[ -s "$shots/$_case-print.pdf" ]
	_report $? "$_case: the page prints to PDF" "$(tail -5 "$TEST_TMP/$_case-print.log")"
	pdftoppm -r 60 -png "$shots/$_case-print.pdf" "$shots/$_case-print" 2>/dev/null
	_pages=$(ls "$shots/$_case-print"-*.png 2>/dev/null | wc -l)
	expect_at_least 2 "$_pages" "$_case: the printout has its pages"
	_first=$(ls "$shots/$_case-print"-*.png 2>/dev/null | head -1)
	if [ -n "$_first" ]; then
		expect_at_least 40 "$(png_stats "$_first" nonwhite_permille)" \
			"$_case: the printout's first page is not blank"
		_coloured=0
		for _page in "$shots/$_case-print"-*.png; do
			_coloured=$((_coloured + $(png_stats "$_page" '"near"."use-case-1"')))
		done
		expect_at_least 300 "$_coloured" "$_case: the printout has the charts in colour"
	fi
}

# ---- the shared fixture, written by the unit test's binary
writer="$bin_dir/tests/test_spend_html"
"$writer" --write "$TEST_TMP/fixture.html" --figures "$TEST_TMP/fixture.figures" >"$TEST_TMP/writer.log" 2>&1
_report $? "test_spend_html --write wrote the fixture's dashboard" "$(cat "$TEST_TMP/writer.log")"
if [ -s "$TEST_TMP/fixture.html" ]; then
	cp "$TEST_TMP/fixture.html" "$shots/fixture.html"
	dashboard_case fixture "$TEST_TMP/fixture.html" "$TEST_TMP/fixture.figures"
	# the figures the dashboard was checked for are the JSON report's of the same fixture
	expect_eq "$(figures_from_json "$PC_ROOT/tests/golden/report/agency.json")" \
		"$(cat "$TEST_TMP/fixture.figures")" \
		"fixture: the figures checked are what the JSON report of the fixture says (figures_from_json)"
fi

# ---- the real binary: the demo agency's month, end to end
TMPDIR="$TEST_TMP" sh "$PC_ROOT/scripts/demo.sh" "$PROMPTCOST" >"$TEST_TMP/demo.out" 2>&1
agency=$(sed -n 's/^agency repository: //p' "$TEST_TMP/demo.out")
[ -n "$agency" ] && [ -d "$agency" ]
_report $? "make demo's agency repository is built" "$(tail -5 "$TEST_TMP/demo.out")"
if [ -n "$agency" ] && [ -d "$agency" ]; then
	run "$agency" report --period 2026-11 --format json --output "$TEST_TMP/agency.json"
	expect_status 0 "agency: report --format json"
	run "$agency" report --period 2026-11 --format html --output "$TEST_TMP/agency.html"
	expect_status 0 "agency: report --format html"
	figures_from_json "$TEST_TMP/agency.json" >"$TEST_TMP/agency.figures"
	grep -q '^\$180,000.00$' "$TEST_TMP/agency.figures"
	_report $? "agency: the figures to look for include the seed's total" "$(cat "$TEST_TMP/agency.figures")"
	cp "$TEST_TMP/agency.html" "$shots/agency.html"
	dashboard_case agency "$TEST_TMP/agency.html" "$TEST_TMP/agency.figures"
fi

# ---- hostile commit strings: shown as text, never markup, in the browser too
"$writer" --write "$TEST_TMP/hostile.html" --hostile >"$TEST_TMP/writer.log" 2>&1
_report $? "test_spend_html --write --hostile wrote the page" "$(cat "$TEST_TMP/writer.log")"
browser hostile --window-size=1280,2400 --dump-dom "file://$TEST_TMP/hostile.html" >"$TEST_TMP/hostile.dom"
expect_eq "$(grep -c -e '<script' -e '<img' -e '<svg onload' -e '<b onmouseover' "$TEST_TMP/hostile.dom")" 0 \
	"hostile: no element made from a commit's subject, author or id"
grep -qF "Add &lt;script&gt;alert('x')&lt;/script&gt; &amp; \"examples\"" "$TEST_TMP/hostile.dom"
_report $? "hostile: the subject is shown as the text it is"
expect_eq "$(requests hostile)" "" "hostile: the page made no request"
expect_eq "$(csp_reports hostile)" "" "hostile: the page tried to load nothing"

finish
