# The tokenizer's part of the build (included by the Makefile): the Unicode
# class table and the two vocabularies are generated as C source from data/
# by generators in tools/, built with the host compiler, after data/ has been
# checked against data/SHA256SUMS. `make fuzz` builds the libFuzzer target,
# `make tokbench` the throughput tool.

HOSTCC ?= cc
TOK_GEN = $(BUILD)/gen
TOK_TOOLS = $(BUILD)/tools
TOK_DATA := $(wildcard data/*.tiktoken data/unicode-16.0/*.txt)

TOK_GEN_SRC = $(BUILD)/gen/unicode_classes.c $(BUILD)/gen/vocab_cl100k_base.c \
	$(BUILD)/gen/vocab_o200k_base.c
GEN_SRC += $(TOK_GEN_SRC)

$(TOK_TOOLS)/gen_%: tools/gen_%.c src/tokenizer/vocab_hash.h
	@mkdir -p $(dir $@)
	$(HOSTCC) -O2 -Isrc/tokenizer -o $@ $<

$(TOK_GEN)/data-checked: data/SHA256SUMS $(TOK_DATA)
	@mkdir -p $(dir $@)
	@command -v sha256sum >/dev/null || { \
		echo "promptcost: sha256sum (coreutils) is needed to check data/" >&2; exit 1; }
	@cd data && sha256sum --quiet --strict -c SHA256SUMS || { \
		echo "promptcost: data/ does not match data/SHA256SUMS (see data/README.md): refusing to build the tokenizer from it" >&2; \
		exit 1; }
	@touch $@

$(TOK_GEN)/unicode_classes.c: $(TOK_TOOLS)/gen_unicode $(TOK_GEN)/data-checked
	$(TOK_TOOLS)/gen_unicode data/unicode-16.0 $@.tmp && mv $@.tmp $@

$(TOK_GEN)/vocab_%.c: $(TOK_TOOLS)/gen_vocab $(TOK_GEN)/data-checked
	$(TOK_TOOLS)/gen_vocab data/$*.tiktoken $* $@.tmp && mv $@.tmp $@

$(TOK_GEN)/%.o: $(TOK_GEN)/%.c
	$(CC) $(CFLAGS) $(PC_CFLAGS) -Isrc/tokenizer -c -o $@ $<

# The libFuzzer target, with ASan and UBSan, in build-fuzz/. Run it with
#   build-fuzz/fuzz_tokenizer fuzz/corpus/tokenizer
FUZZ_CC ?= clang
fuzz-tokenizer: $(TOK_GEN_SRC)
	@mkdir -p build-fuzz
	$(FUZZ_CC) -g -O1 -std=c11 -D_GNU_SOURCE -Iinclude -Isrc/tokenizer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o build-fuzz/fuzz_tokenizer fuzz/fuzz_tokenizer.c \
		$(wildcard src/tokenizer/*.c) src/common.c $(TOK_GEN_SRC)
	@echo "run: build-fuzz/fuzz_tokenizer fuzz/corpus/tokenizer"

# Throughput and long-piece timings (not part of the test suite).
.PHONY: tokbench
tokbench: $(BUILD)/tokbench
$(BUILD)/tokbench: bench/tokenizer/tokbench.c $(BUILD)/libpromptcost.a
	$(CC) $(CFLAGS) $(PC_CFLAGS) $(PC_LDFLAGS) -o $@ $< $(BUILD)/libpromptcost.a -lm

# The generators and generated sources are intermediate files; the Makefile's
# blanket .SECONDARY keeps them (a .SECONDARY with prerequisites here would
# turn that blanket off).
