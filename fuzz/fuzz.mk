# libFuzzer targets for what a pull request's head can hand the tool (the
# configuration, the approvals file, the globs, the recorded volumes, the prompt formats of
# its template files, a price file) and for the usage importers' mappers (any JSON as a
# Langfuse, OTLP or OpenAI record), beside the tokenizer's
# (src/tokenizer/tokenizer.mk). `make fuzz` builds them all with clang, ASan
# and UBSan, in build-fuzz/; run one with its corpus, e.g.
#   build-fuzz/fuzz_config fuzz/corpus/config
# Their corpora are replayed by `make test` (tests/test_fuzz_corpora.c).
FUZZ_TARGETS := config approvals glob volumes prices formats usage_langfuse usage_otlp usage_openai
FUZZ_LIB_SRC = $(filter-out src/tokenizer/%,$(LIB_SRC)) $(wildcard src/tokenizer/*.c) \
	$(TOK_GEN_SRC) $(HOOK_GEN) $(BUILD)/gen/catalog_prices.c
FUZZ_FLAGS = -g -O1 -std=c11 -D_GNU_SOURCE -Iinclude -Isrc/tokenizer -I$(BUILD)/gen \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(PKG_CFLAGS)

# The usage input layer under the native and LiteLLM sources: any bytes as an
# imported file (fuzz/usage_input_fuzz.h). Their corpora are replayed by
# tests/test_usage_native.c and tests/test_usage_litellm.c.
FUZZ_TARGETS += usage_native usage_litellm

.PHONY: fuzz $(FUZZ_TARGETS:%=fuzz-%)
fuzz: fuzz-tokenizer $(FUZZ_TARGETS:%=fuzz-%)

$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: $(TOK_GEN_SRC) $(HOOK_GEN) $(BUILD)/gen/catalog_prices.c
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o build-fuzz/fuzz_$* fuzz/fuzz_$*.c $(FUZZ_LIB_SRC) \
		$(shell pkg-config --libs libgit2 yaml-0.1 jansson libcrypto sqlite3 zlib) -lm
	@echo "run: build-fuzz/fuzz_$* fuzz/corpus/$*"
