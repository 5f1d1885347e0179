# Compiles hooks/pre-commit into the binary: an installed promptcost has no
# source tree, so `promptcost install-hook` writes the hook from this copy.
# The text becomes an array of string literals, one per line (C11 only
# promises 4095 characters per literal). Plain sed, nothing beyond POSIX:
# backslashes and double quotes are escaped, and '?' too, so no '??x'
# sequence can turn into a trigraph under -std=c11. Keep the hook's line
# endings LF.
HOOK_GEN := $(BUILD)/gen/hook_pre_commit.c
GEN_SRC += $(HOOK_GEN)

$(HOOK_GEN): hooks/pre-commit hooks/hooks.mk
	@mkdir -p $(dir $@)
	@{ echo '/* Generated from hooks/pre-commit by hooks/hooks.mk: do not edit. */'; \
	  echo '#include <stddef.h>'; \
	  echo ''; \
	  echo '/* The hook, one line per element with its newline, then NULL. */'; \
	  echo 'extern const char *const pc_hook_pre_commit_lines[];'; \
	  echo 'const char *const pc_hook_pre_commit_lines[] = {'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/	"/' -e 's/$$/\\n",/' \
		hooks/pre-commit; \
	  echo '	NULL'; \
	  echo '};'; } >$@.tmp && mv $@.tmp $@

# GEN_SRC objects are named after the source ($(BUILD)/gen/...), which the
# $(BUILD)/%.o pattern rule does not reach; this rule compiles them with the
# project's flags.
$(HOOK_GEN:%.c=%.o): $(HOOK_GEN)
	$(CC) $(CFLAGS) $(PC_CFLAGS) -MMD -MP -c -o $@ $<
