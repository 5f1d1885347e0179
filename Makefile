# promptcost: `make` builds, `make test` runs every test, `make demo` shows the
# seed example, `make install` installs. Missing Debian packages are installed
# first (scripts/deps.sh). CFLAGS is yours; the project's flags are appended.
#
#   make DEVELOPER=1 ...               warnings are errors (CI)
#   make SANITIZE=address,undefined test  everything under sanitizers, in build-san/

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
CC ?= cc
CFLAGS ?= -O2 -g
SANITIZE ?=
BUILD ?= build$(if $(SANITIZE),-san)

PKGS := libgit2 yaml-0.1 jansson sqlite3 zlib
# src/crypto.c (SHA-256 for usage fingerprints, the signature checks of sshsig.c) uses OpenSSL's libcrypto, which the
# static libgit2 link below already brings (-lcrypto).
# Recursive (=) so pkg-config runs after scripts/deps.sh has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
# libgit2 and what it stands on (libssh2, OpenSSL's libcrypto, mbedtls...) are
# linked statically by default: loading those shared libraries costs about 5 ms
# at every start, more than `promptcost tokens` on a 4 KB prompt takes in all,
# and the pre-commit hook pays it on every commit. Kerberos (libgit2's GSSAPI)
# has no static library on Debian and stays shared. STATIC_GIT=0 links
# everything dynamically, as pkg-config says.
STATIC_GIT ?= 1
ifeq ($(STATIC_GIT),1)
# The wrap skips libgit2's loading of CA certificates for HTTPS, which
# promptcost never uses: see __wrap_mbedtls_x509_crt_parse_file in src/git.c.
GIT_LIBS = -Wl,--wrap=mbedtls_x509_crt_parse_file \
	-Wl,-Bstatic $(shell pkg-config --static --libs-only-l libgit2) -lcrypto \
	-Wl,-Bdynamic -l:libgssapi_krb5.so.2 -lrt -lpthread
PKG_LIBS = $(shell pkg-config --libs yaml-0.1 jansson sqlite3 zlib) $(GIT_LIBS)
else
PKG_LIBS = $(shell pkg-config --libs $(PKGS) libcrypto)
endif
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)

WARNINGS := -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
	-Wwrite-strings -Wvla -Wformat=2
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif
SAN_FLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all)

PC_CFLAGS = -std=c11 -D_GNU_SOURCE -Iinclude -I$(BUILD)/gen $(WARNINGS) $(SAN_FLAGS) $(PKG_CFLAGS)
PC_LDFLAGS = $(SAN_FLAGS)

LIB_SRC := $(wildcard src/*.c src/usage/*.c src/spend/*.c src/tokenizer/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
SUPPORT_SRC := $(wildcard tests/support/*.c)
# Generated sources (the compiled-in vocabularies) are added by tokenizer.mk.
GEN_SRC :=

-include src/tokenizer/tokenizer.mk
-include src/catalog.mk
-include hooks/hooks.mk
-include fuzz/fuzz.mk

LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o) $(GEN_SRC:%.c=%.o)
CLI_OBJ = $(CLI_SRC:%.c=$(BUILD)/%.o)
SUPPORT_OBJ = $(SUPPORT_SRC:%.c=$(BUILD)/%.o)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB = $(BUILD)/libpromptcost.a
BIN = $(BUILD)/promptcost

.PHONY: all build deps test unit-tests check-tests demo install uninstall clean
.DEFAULT_GOAL := all
# keep the test objects: they are intermediate, but rebuilding them every run is waste
.SECONDARY:

all: deps
	@$(MAKE) --no-print-directory build

build: $(BIN) promptcost

# ./promptcost is a link to the binary of the plain build, for the quick start.
promptcost: $(BUILD)/promptcost
	@if [ -z "$(SANITIZE)" ]; then ln -sf $(BUILD)/promptcost promptcost; fi

deps:
	@sh scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PC_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(PC_LDFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS) -lm

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(SUPPORT_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(PC_LDFLAGS) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIB) $(PKG_LIBS) \
		$(CMOCKA_LIBS) -lm

# The whole suite: unit tests (cmocka), end-to-end tests of the binary, the
# fuzz corpora replayed. tests/run.sh prints one "N passed, N failed, N skipped" line.
test: deps
	@$(MAKE) --no-print-directory check-tests

check-tests: $(BIN) $(TEST_BIN)
	@BUILD=$(BUILD) sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory build
	@sh scripts/demo.sh $(BUILD)/promptcost

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/promptcost

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/promptcost

bench-tokenizer: ; @sh bench/tokenizer/run.sh

clean:
	rm -rf build build-san build-fuzz promptcost

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
