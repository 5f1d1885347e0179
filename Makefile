# promptcost: `make` builds, `make install` installs (the binary, the man
# pages, the JSON Schemas); neither installs anything else: when a library is
# missing they stop with one message naming the Debian packages, which
# `make deps` installs. `make test` (every test) and `make demo` (the seed
# example) are the quick start: they install what is missing first
# (scripts/deps.sh). `make dist` writes the release tarball. CFLAGS is yours;
# the project's flags are appended.
#
#   make DEVELOPER=1 ...               warnings are errors (CI)
#   make SANITIZE=address,undefined test  everything under sanitizers, in build-san/

# The version, from one place: the VERSION file (build/gen/version.h, the
# tarball's name, the man pages' footers).
VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SCHEMADIR ?= $(PREFIX)/share/promptcost/schema
CC ?= cc
CFLAGS ?= -O2 -g
SANITIZE ?=
BUILD ?= build$(if $(SANITIZE),-san)

PKGS := libgit2 yaml-0.1 jansson sqlite3 zlib libcurl
# libcurl's headers only: src/usage/clickhouse.c loads the library with
# dlopen() when a ClickHouse import runs, since linking it costs every run
# (the pre-commit hook's too) its dependencies' symbol lookups at start.
# src/crypto.c (SHA-256 for usage fingerprints, the signature checks of sshsig.c) uses OpenSSL's libcrypto, which the
# static libgit2 link below already brings (-lcrypto).
# Recursive (=) so pkg-config runs after scripts/deps.sh has checked (or
# installed) the libraries; quiet, since that check names what is missing.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libgit2 and what it stands on (libssh2, OpenSSL's libcrypto, mbedtls...) are
# linked statically by default: loading those shared libraries costs about 5 ms
# at every start, more than `promptcost tokens` on a 4 KB prompt takes in all,
# and the pre-commit hook pays it on every commit. So are libyaml, jansson,
# SQLite and zlib, and libgit2's Kerberos calls are wrapped to failures (see
# src/git.c), so that only libc and libm are loaded: `promptcost --version`
# went from 2.25 million instructions (all of it the dynamic loader's symbol
# lookups in nine libraries) and 2.6 ms to 0.56 million and 1.3 ms.
# STATIC_GIT=0 links everything dynamically, as pkg-config says.
STATIC_GIT ?= 1
ifeq ($(STATIC_GIT),1)
# The wraps skip libgit2's set-up of HTTPS (its CA certificates, its random
# generator) and of SSH, which promptcost never uses, and hash whole files
# (the index's checksum) with libcrypto: see the __wrap_ functions in src/git.c.
GIT_LIBS = -Wl,--wrap=mbedtls_x509_crt_parse_file \
	-Wl,--wrap=git_mbedtls_stream_global_init -Wl,--wrap=git_transport_ssh_global_init \
	-Wl,--wrap=git_hash_buf \
	$(foreach f,import_name indicate_mechs init_sec_context display_status delete_sec_context \
		release_buffer release_name release_oid_set,-Wl,--wrap=gss_$(f)) \
	-Wl,-Bstatic $(shell pkg-config --static --libs-only-l libgit2 2>/dev/null) -lcrypto \
	-Wl,-Bdynamic -lrt -lpthread
PKG_LIBS = -Wl,-Bstatic $(shell pkg-config --libs yaml-0.1 jansson sqlite3 zlib 2>/dev/null) \
	-Wl,-Bdynamic $(GIT_LIBS)
else
PKG_LIBS = $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) libcrypto 2>/dev/null)
endif
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARNINGS := -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
	-Wwrite-strings -Wvla -Wformat=2
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif
SAN_FLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all)

PC_CFLAGS = -std=c11 -D_GNU_SOURCE -Iinclude -I$(BUILD)/gen $(WARNINGS) $(SAN_FLAGS) $(PKG_CFLAGS)
PC_LDFLAGS = $(SAN_FLAGS)

LIB_SRC := $(wildcard src/*.c src/usage/*.c src/spend/*.c src/report/*.c src/tokenizer/*.c)
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

.PHONY: all build deps check-build-deps check-test-deps test unit-tests check-tests demo \
	install install-data uninstall clean dist distcheck
.DEFAULT_GOAL := all
# keep the test objects: they are intermediate, but rebuilding them every run is waste
.SECONDARY:

all: check-build-deps
	@$(MAKE) --no-print-directory build

build: $(BIN) promptcost

# ./promptcost is a link to the binary of the plain build, for the quick start.
promptcost: $(BUILD)/promptcost
	@if [ -z "$(SANITIZE)" ]; then ln -sf $(BUILD)/promptcost promptcost; fi

# `make deps` installs the Debian packages; the checks only name them.
deps:
	@sh scripts/deps.sh install
check-build-deps:
	@sh scripts/deps.sh check build
check-test-deps:
	@sh scripts/deps.sh check test

$(BUILD)/gen/version.h: VERSION
	@mkdir -p $(dir $@)
	@printf '/* Generated from VERSION by the Makefile: do not edit. */\n#define PC_VERSION "%s"\n' \
		"$(VERSION)" >$@.tmp && mv $@.tmp $@
$(BUILD)/src/cli/main.o: $(BUILD)/gen/version.h
$(BUILD)/src/templates.o $(BUILD)/src/cache.o: $(BUILD)/gen/version.h

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PC_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(PC_LDFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS) -lm -ldl

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(SUPPORT_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(PC_LDFLAGS) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIB) $(PKG_LIBS) \
		$(CMOCKA_LIBS) -lm -ldl

# The whole suite: unit tests (cmocka), end-to-end tests of the binary, the
# fuzz corpora replayed. tests/run.sh prints one "N passed, N failed, N skipped" line.
test: deps
	@$(MAKE) --no-print-directory check-tests

# The tests' npm packages (JSON Schema and OpenAPI validators), pinned by
# tests/package-lock.json, into tests/node_modules; never part of the build.
tests/node_modules/.installed: tests/package.json tests/package-lock.json
	@echo "promptcost: installing the tests' npm packages (tests/package-lock.json)" >&2
	@cd tests && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

check-tests: $(BIN) $(TEST_BIN) tests/node_modules/.installed
	@BUILD=$(BUILD) sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory build
	@sh scripts/demo.sh $(BUILD)/promptcost

# Man pages are committed roff (man(7) macros) in man/: nothing to generate,
# so installing them needs no tool. Their footers carry @VERSION@.
MAN1 := $(wildcard man/*.1)
MAN5 := $(wildcard man/*.5)
SCHEMAS := $(wildcard schema/*.json schema/*.sql)

install: all install-data
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/promptcost

# What install puts beside the binary, with nothing to build: the man pages
# (their @VERSION@ set) and the JSON Schemas.
install-data:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SCHEMADIR)
	for f in $(MAN1); do sed 's/@VERSION@/$(VERSION)/g' $$f >$(DESTDIR)$(MANDIR)/man1/$${f#man/} && \
		chmod 644 $(DESTDIR)$(MANDIR)/man1/$${f#man/} || exit 1; done
	for f in $(MAN5); do sed 's/@VERSION@/$(VERSION)/g' $$f >$(DESTDIR)$(MANDIR)/man5/$${f#man/} && \
		chmod 644 $(DESTDIR)$(MANDIR)/man5/$${f#man/} || exit 1; done
	install -m 644 $(SCHEMAS) $(DESTDIR)$(SCHEMADIR)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/promptcost
	for f in $(MAN1); do rm -f $(DESTDIR)$(MANDIR)/man1/$${f#man/}; done
	for f in $(MAN5); do rm -f $(DESTDIR)$(MANDIR)/man5/$${f#man/}; done
	for f in $(SCHEMAS); do rm -f $(DESTDIR)$(SCHEMADIR)/$${f#schema/}; done

# The release tarball: the files git tracks at HEAD (commit first), under
# promptcost-VERSION/. `make distcheck` unpacks it elsewhere, builds, tests
# and installs it from itself.
DIST := promptcost-$(VERSION)
dist:
	@git diff --quiet HEAD -- VERSION || { echo "promptcost: commit VERSION before make dist" >&2; exit 1; }
	git archive --format=tar --prefix=$(DIST)/ HEAD | gzip -n -9 >$(DIST).tar.gz
	@echo "promptcost: wrote $(DIST).tar.gz"

distcheck: dist
	@rm -rf build/distcheck && mkdir -p build/distcheck
	tar -xzf $(DIST).tar.gz -C build/distcheck
	$(MAKE) -C build/distcheck/$(DIST) -j2 test
	$(MAKE) -C build/distcheck/$(DIST) install DESTDIR=$(CURDIR)/build/distcheck/root PREFIX=/usr
	build/distcheck/root/usr/bin/promptcost --version | grep -qx 'promptcost $(VERSION)'
	@echo "promptcost: $(DIST).tar.gz builds, tests and installs from itself"

bench-tokenizer: ; @sh bench/tokenizer/run.sh

clean:
	rm -rf build build-san build-fuzz promptcost promptcost-*.tar.gz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
