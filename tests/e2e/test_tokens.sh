#!/bin/sh
# End-to-end tests of `promptcost tokens`: counts and ids of known strings in
# both encodings, stdin, several files and their total, --model, and every
# usage or input error with its exit status and message.
#
# The expected counts and ids come from OpenAI's tiktoken itself: each input
# below was written to a file with the same printf and run once through
# /work/shared/tokenizer/reference.js (npm tiktoken 1.0.22, encode_ordinary),
#   node reference.js FILE                  -> "tokens" for both encodings
#   node reference.js --ids ENCODING FILE   -> the ids
# and the values are hard-coded here so the test needs neither node nor npm.
. "$(dirname "$0")/lib.sh"

d="$TEST_TMP/in"
mkdir -p "$d"
printf 'Hello, world!' >"$d/hello.txt"
printf 'The quick brown fox jumps over the lazy dog.\n' >"$d/fox.txt"
printf 'Ignore <|endoftext|> and <|fim_prefix|>: they are text.\n' >"$d/special.txt"
printf 'bad \377\376 bytes \303 end \342\202\n' >"$d/invalid.bin"
printf 'こんにちは世界 🌍 Ünïcödé — naïve café\n' >"$d/multi.txt"
printf "I'M here, they'RE not, we'Ve gone\r\n\tindented   \n\n" >"$d/contractions.txt"
: >"$d/empty.txt"

# count ENCODING FILE EXPECTED: the count of one file, printed as COUNT<TAB>PATH
count() {
	run "$d" tokens --encoding "$1" "$2"
	expect_eq "$status $(cat "$out")" "0 $(printf '%s\t%s' "$3" "$2")" "$2 is $3 tokens in $1"
}

count cl100k_base hello.txt 4
count o200k_base hello.txt 4
count cl100k_base fox.txt 10
count o200k_base fox.txt 10
count cl100k_base special.txt 18
count o200k_base special.txt 19
count cl100k_base multi.txt 19
count o200k_base multi.txt 13
count cl100k_base contractions.txt 17
count o200k_base contractions.txt 18
count cl100k_base empty.txt 0
count o200k_base empty.txt 0

# Invalid UTF-8 is counted, each maximal invalid sequence as one U+FFFD.
count cl100k_base invalid.bin 8
count o200k_base invalid.bin 7

run "$d" tokens multi.txt
expect_eq "$(cat "$out")" "$(printf '13\tmulti.txt')" "the default encoding is o200k_base"

# --ids: one id per line.
run "$d" tokens --ids --encoding cl100k_base hello.txt
expect_eq "$(tr '\n' ' ' <"$out")" "9906 11 1917 0 " "--ids prints the cl100k_base ids of Hello, world!"
run "$d" tokens --encoding o200k_base --ids hello.txt
expect_eq "$(tr '\n' ' ' <"$out")" "13225 11 2375 0 " "--ids prints the o200k_base ids of Hello, world!"
run "$d" tokens --ids invalid.bin
expect_eq "$(tr '\n' ' ' <"$out")" "22023 156517 11643 28151 1268 28151 198 " \
	"--ids of invalid UTF-8 has the replacement character's ids"
run "$d" tokens --ids hello.txt invalid.bin
expect_eq "$(tr '\n' ' ' <"$out")" "13225 11 2375 0 22023 156517 11643 28151 1268 28151 198 " \
	"--ids of several files prints all their ids in order"
run "$d" tokens --ids empty.txt
expect_eq "$status:$(wc -c <"$out")" "0:0" "--ids of an empty file prints nothing"

# Standard input.
status=0
printf 'Hello, world!' | "$PROMPTCOST" tokens >"$TEST_TMP/stdin.out" 2>&1 || status=$?
expect_eq "$status $(cat "$TEST_TMP/stdin.out")" "0 4" "stdin alone prints just the count"
status=0
"$PROMPTCOST" tokens --encoding cl100k_base - <"$d/multi.txt" >"$TEST_TMP/stdin.out" 2>&1 || status=$?
expect_eq "$status $(cat "$TEST_TMP/stdin.out")" "0 19" "'-' reads stdin"
status=0
"$PROMPTCOST" tokens --ids --encoding cl100k_base <"$d/hello.txt" >"$TEST_TMP/stdin.out" 2>&1 || status=$?
expect_eq "$status $(tr '\n' ' ' <"$TEST_TMP/stdin.out")" "0 9906 11 1917 0 " "--ids reads stdin"
status=0
(cd "$d" && "$PROMPTCOST" tokens hello.txt - <fox.txt) >"$TEST_TMP/stdin.out" 2>&1 || status=$?
expect_eq "$status $(cat "$TEST_TMP/stdin.out")" "0 $(printf '4\thello.txt\n10\t-\n14\ttotal')" \
	"stdin among files is listed as '-'"

# Several files: one line each and a total, as wc does.
run "$d" tokens --encoding cl100k_base hello.txt fox.txt invalid.bin
expect_eq "$status $(cat "$out")" "0 $(printf '4\thello.txt\n10\tfox.txt\n8\tinvalid.bin\n22\ttotal')" \
	"several files print a count each and a total"
run "$d" tokens hello.txt fox.txt --encoding=cl100k_base
expect_eq "$status $(cat "$out")" "0 $(printf '4\thello.txt\n10\tfox.txt\n14\ttotal')" \
	"options may follow the files, and --opt=value works"
run "$d" tokens --encoding cl100k_base -- hello.txt
expect_eq "$(cat "$out")" "$(printf '4\thello.txt')" "-- ends the options"

# --model picks the model's encoding.
run "$d" tokens --model gpt-4o multi.txt
expect_eq "$status $(cat "$out")" "0 $(printf '13\tmulti.txt')" "gpt-4o counts in o200k_base"
run "$d" tokens --model gpt-4 multi.txt
expect_eq "$status $(cat "$out")" "0 $(printf '19\tmulti.txt')" "gpt-4 counts in cl100k_base"
run "$d" tokens --model=gpt-4.1-mini multi.txt
expect_eq "$(cat "$out")" "$(printf '13\tmulti.txt')" "gpt-4.1-mini counts in o200k_base, not as gpt-4"
run "$d" tokens --model gpt-3.5-turbo-0125 special.txt
expect_eq "$(cat "$out")" "$(printf '18\tspecial.txt')" "gpt-3.5-turbo-0125 counts in cl100k_base"

# Errors: exit 2, one line that names the problem.
run "$d" tokens --model claude-3 hello.txt
expect_status 2 "an unknown model is an input error"
expect_stderr_has "promptcost: unknown model 'claude-3' (known: gpt-5*, " "an unknown model lists the known ones"
expect_stderr_has "gpt-4o*" "the list has gpt-4o*"
expect_stderr_has "gpt-3.5-turbo*" "the list has gpt-3.5-turbo*"
expect_stderr_has "encoding: approximate in .promptcost.yml" "the list points models without a tokenizer to approximate"
expect_eq "$(wc -c <"$out")" "0" "an unknown model prints no count"
run "$d" tokens --model gpt4o hello.txt
expect_stderr_has "(did you mean 'gpt-4o'?" "a near miss of a model suggests the right name"

run "$d" tokens --encoding p50k_base hello.txt
expect_status 2 "an unknown encoding is an input error"
expect_stderr_has "p50k_base" "the unknown encoding is named"
expect_stderr_has "cl100k_base" "the known encodings are listed"

run "$d" tokens hello.txt missing.txt fox.txt
expect_status 2 "a missing file is an input error"
expect_stderr_has "promptcost: no such file 'missing.txt'" "a missing file is named"
expect_eq "$(grep -c fox.txt "$out")" "0" "files after a missing one are not read"

run "$d" tokens "$d"
expect_status 2 "a directory is an input error"

if [ -w /dev/full ]; then
	status=0
	"$PROMPTCOST" tokens --ids "$d/multi.txt" >/dev/full 2>"$TEST_TMP/full.err" || status=$?
	expect_eq "$status $(cat "$TEST_TMP/full.err")" \
		"3 promptcost: cannot write to standard output: No space left on device" \
		"output that cannot be written is an I/O error"
fi

run "$d" tokens --bogus hello.txt
expect_status 2 "an unknown option is a usage error"
expect_stderr_has "unknown option '--bogus'" "the unknown option is named"
expect_eq "$(wc -l <"$err")" "1" "a usage error is one line (see --help)"
run "$d" tokens hello.txt --encoding
expect_status 2 "an option without its value is a usage error"
run "$d" tokens --model gpt-4 --encoding cl100k_base hello.txt
expect_status 2 "--model and --encoding together are a usage error"

# The shared conformance corpus (tiktoken's counts for 18 hard files), when it
# is beside the repository as on a developer's machine or CI: through the CLI,
# several files at once, so reading, per-file lines and the total are covered.
corpus="$PC_ROOT/../shared/tokenizer"
if [ -f "$corpus/expected.jsonl" ]; then
	for enc in cl100k_base o200k_base; do
		jq -r --arg e "$enc" 'select(.encoding == $e) | "\(.tokens)\t\(.file)"' \
			"$corpus/expected.jsonl" | sort -k2 >"$TEST_TMP/expected"
		# shellcheck disable=SC2046 # one argument per file name (none has a space)
		run "$corpus/corpus" tokens --encoding "$enc" $(cut -f2 "$TEST_TMP/expected")
		grep -v '	total$' "$out" | sort -k2 >"$TEST_TMP/actual"
		expect_eq "$status $(cat "$TEST_TMP/actual")" "0 $(cat "$TEST_TMP/expected")" \
			"the conformance corpus counts as tiktoken's in $enc"
	done
else
	for enc in cl100k_base o200k_base; do
		skip_check "the conformance corpus counts as tiktoken's in $enc" \
			"no conformance corpus at $corpus"
	done
fi

# --help answers the questions.
run "$d" tokens --help
expect_status 0 "--help succeeds"
expect_stdout_has "o200k_base (the default)" "--help names the default encoding"
expect_stdout_has "cl100k_base" "--help lists cl100k_base"
expect_stdout_has "gpt-4o*" "--help lists the models"
expect_stdout_has "exit status:" "--help lists the exit codes"
expect_stdout_has "--ids" "--help explains --ids"

finish
