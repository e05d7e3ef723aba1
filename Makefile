# pdc - property data collector for Maricopa County
#
# GNU make (wildcard, shell, :=, pattern rules).  `make` builds the programs
# and build/libpdc.a, and needs only their libraries; countyd, the county
# replica the tests, the demo and the benchmarks run against, is a target of
# its own (`make countyd`, libmicrohttpd), built by check, demo, bench,
# sanitize and fuzz.
.SUFFIXES:

VERSION   = 0.1.0
PREFIX    = /usr/local
BINDIR    = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
DATADIR   = $(PREFIX)/share/pdc
COMPDIR_BASH = $(PREFIX)/share/bash-completion/completions
COMPDIR_ZSH  = $(PREFIX)/share/zsh/site-functions
COMPDIR_FISH = $(PREFIX)/share/fish/vendor_completions.d

CC      = cc
PKGS    = libcurl libxml-2.0 libpq libcjson libbsd-overlay
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter -Wformat=2 -Wvla
CFLAGS  = -std=c17 -O2 -g $(WARN) -Werror
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DPDC_VERSION=\"$(VERSION)\" \
-Ilib $(PKG_CFLAGS) $(CPPFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(LDLIBS)
BUILD   = build

LIB_SRC  = $(wildcard lib/*.c lib/sources/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/sql_embed.o
PROGS    = pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-show pdc-export pdc-changes pdc-db
PROG_BIN = $(PROGS:%=$(BUILD)/bin/%)
UNIT_SRC = $(wildcard tests/unit/t_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
COUNTYD  = $(BUILD)/bin/countyd
COUNTYD_SRC = $(wildcard tests/countyd/*.c)

all: $(PROG_BIN)

countyd: $(COUNTYD)

$(BUILD)/%.o: %.c $(wildcard lib/*.h lib/sources/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS_ALL) -c -o $@ $<

$(BUILD)/sql_embed.c: sql/embed.sh $(wildcard sql/*.sql)
	@mkdir -p $(@D)
	sh sql/embed.sh $(sort $(wildcard sql/[0-9]*.sql)) > $@.tmp && mv $@.tmp $@

$(BUILD)/sql_embed.o: $(BUILD)/sql_embed.c lib/migrate.h
	$(CC) $(CFLAGS) $(CPPFLAGS_ALL) -c -o $@ $<

$(BUILD)/libpdc.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BUILD)/bin/%: $(BUILD)/cmd/%.o $(BUILD)/libpdc.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libpdc.a $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h tests/unit/httpd.h tests/unit/rows.h $(BUILD)/libpdc.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS_ALL) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libpdc.a $(LDLIBS_ALL)

$(COUNTYD): $(COUNTYD_SRC) $(wildcard tests/countyd/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(CPPFLAGS) $(shell pkg-config --cflags libmicrohttpd libcjson) \
		$(LDFLAGS) -o $@ $(COUNTYD_SRC) $(shell pkg-config --libs libmicrohttpd libcjson) -lpthread -lm $(LDLIBS)

units: $(UNIT_BIN)

BENCH_BIN = $(BUILD)/bench/qbench $(BUILD)/bench/runstat $(BUILD)/bench/htmlfloor $(BUILD)/bench/curlfloor $(BUILD)/bench/jsonfloor

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libpdc.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS_ALL) $(LDFLAGS) -o $@ $< $(BUILD)/libpdc.a $(LDLIBS_ALL)

deps:
	@sh tests/deps.sh

check: 
	@sh tests/deps.sh --if-missing
	$(MAKE) all units countyd
	@sh tests/run.sh

demo:
	@sh tests/deps.sh --if-missing
	$(MAKE) all countyd
	@sh tests/demo.sh

# Figures against references measured in the same run (tests/bench/README.md).
bench:
	@sh tests/deps.sh --if-missing
	$(MAKE) all countyd $(BENCH_BIN)
	@BUILD=$(BUILD) bash tests/bench/run.sh

# The migrations are compiled into the programs; the man pages go beside them.
# The whole suite again with AddressSanitizer and UndefinedBehaviorSanitizer.
# Every process writes its reports into build-san/reports, whoever started it
# and wherever its stderr went; tests/run.sh fails the run on any report.
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
sanitize:
	@sh tests/deps.sh --if-missing
	$(MAKE) BUILD=build-san CFLAGS="-std=c17 -O1 -g $(WARN) -Werror $(SANFLAGS)" LDFLAGS="$(SANFLAGS)" all units countyd
	rm -rf build-san/reports && mkdir -p build-san/reports && chmod 1777 build-san/reports
	BUILD=build-san SANITIZER_REPORTS=$(CURDIR)/build-san/reports \
	ASAN_OPTIONS=detect_leaks=1:exitcode=86:log_path=$(CURDIR)/build-san/reports/asan \
	UBSAN_OPTIONS=print_stacktrace=1:exitcode=87:log_path=$(CURDIR)/build-san/reports/ubsan \
	sh tests/run.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR)
	for p in $(PROGS); do cp -f $(BUILD)/bin/$$p $(DESTDIR)$(BINDIR)/$$p; chmod 755 $(DESTDIR)$(BINDIR)/$$p; done
	for s in 1 5 7; do mkdir -p $(DESTDIR)$(MANPREFIX)/man$$s; for m in man/*.$$s; do [ -f "$$m" ] || continue; cp -f $$m $(DESTDIR)$(MANPREFIX)/man$$s/; chmod 644 $(DESTDIR)$(MANPREFIX)/man$$s/$${m##*/}; done; done
	# bash-completion and fish load a completion by the command's name: one copy per program.
	mkdir -p $(DESTDIR)$(COMPDIR_BASH) $(DESTDIR)$(COMPDIR_ZSH) $(DESTDIR)$(COMPDIR_FISH)
	for p in $(PROGS); do \
		cp -f completions/pdc.bash $(DESTDIR)$(COMPDIR_BASH)/$$p; chmod 644 $(DESTDIR)$(COMPDIR_BASH)/$$p; \
		cp -f completions/pdc.fish $(DESTDIR)$(COMPDIR_FISH)/$$p.fish; chmod 644 $(DESTDIR)$(COMPDIR_FISH)/$$p.fish; \
	done
	cp -f completions/_pdc $(DESTDIR)$(COMPDIR_ZSH)/_pdc; chmod 644 $(DESTDIR)$(COMPDIR_ZSH)/_pdc

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for s in 1 5 7; do for m in man/*.$$s; do [ -f "$$m" ] || continue; rm -f $(DESTDIR)$(MANPREFIX)/man$$s/$${m##*/}; done; done
	for p in $(PROGS); do rm -f $(DESTDIR)$(COMPDIR_BASH)/$$p $(DESTDIR)$(COMPDIR_FISH)/$$p.fish; done
	rm -f $(DESTDIR)$(COMPDIR_ZSH)/_pdc

clean:
	rm -rf build build-san build-fuzz

.PHONY: all countyd units deps check demo bench sanitize install uninstall clean

# libFuzzer harnesses for every parser (clang; not part of check).  Seeds
# come from countyd at build time; see tests/fuzz/README.md.
FUZZ_SECONDS = 600
FUZZ_JOBS    = 2
FUZZERS      = assessor treasurer recorder robots config apn input
FUZZ_SAN     = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_BIN     = $(FUZZERS:%=$(BUILD)/fuzz/fuzz_%)
fuzz:
	@sh tests/deps.sh --if-missing --fuzz
	$(MAKE) all countyd
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="-std=c17 -O1 -g $(WARN) -Werror $(FUZZ_SAN) -fsanitize=fuzzer-no-link" fuzzers
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh $(FUZZERS)

fuzzers: $(FUZZ_BIN)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/libpdc.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(BUILD)/libpdc.a $(LDLIBS_ALL)

.PHONY: fuzz fuzzers
