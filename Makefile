# ctk build. `make` builds build/bin/{ctk,ctk-collect,ctk-analyze,ctk-report};
# `make check` installs missing Debian packages (scripts/deps.sh), builds with
# -Werror, runs every test, then the same suite under ASan+UBSan.
# User CFLAGS/LDFLAGS are appended; V=1 shows the commands; BUILD=dir moves
# the build tree (parallel worktrees use their own).

BUILD      ?= build
PREFIX     ?= /usr/local
DESTDIR    ?=
CC         ?= cc
PKG_CONFIG ?= pkg-config
SAN        ?=
DEVELOPER  ?=

PKGS := sqlite3 libcjson libcurl cairo fontconfig
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
pkglibs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Wno-format-truncation
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
ifneq ($(SAN),)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
OPT ?= -O2 -g

ALL_CFLAGS  = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -I. -MMD -MP $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
# Each tool links only what it uses; tests and benches link everything.
LIBS           = $(PKG_LIBS) -lcsv -ldl -lm -lpthread
COLLECTOR_LIBS = $(call pkglibs,sqlite3 libcjson) -ldl -lm -lpthread
ANALYZE_LIBS   = $(call pkglibs,sqlite3 libcjson libcurl) -lcsv -lm -lpthread
REPORT_LIBS    = $(call pkglibs,sqlite3 libcjson cairo fontconfig) -lm -lpthread
CTK_LIBS       =

ifeq ($(V),1)
Q :=
else
Q := @
endif

COMMON_SRC    := $(wildcard common/*.c)
COLLECTOR_SRC := $(filter-out collector/main.c,$(wildcard collector/*.c collector/*/*.c))
ANALYZE_SRC   := $(filter-out analyze/main.c,$(wildcard analyze/*.c analyze/*/*.c))
REPORT_SRC    := $(filter-out report/main.c,$(wildcard report/*.c report/*/*.c))
TEST_SRC      := $(wildcard tests/unit/test_*.c)
BENCH_SRC     := $(wildcard bench/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBCTK       := $(BUILD)/lib/libctk.a
LIBCOLLECTOR := $(BUILD)/lib/libcollector.a
LIBANALYZE   := $(BUILD)/lib/libanalyze.a
LIBREPORT    := $(BUILD)/lib/libreport.a
TOOL_LIBS    := $(LIBCOLLECTOR) $(LIBANALYZE) $(LIBREPORT) $(LIBCTK)

BINS  := $(BUILD)/bin/ctk $(BUILD)/bin/ctk-collect $(BUILD)/bin/ctk-analyze $(BUILD)/bin/ctk-report
TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCHES := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
FAKENVML := $(BUILD)/fakenvml/libnvidia-ml.so.1

.SECONDARY:
.PHONY: fuzz check-full all deps check check-dev asan test tests demo bench install clean lint fakenvml man
all: $(BINS)

$(BUILD)/gen/schema_sql.c: schemas/schema.sql scripts/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh scripts/embed.sh ctk_schema_sql $< > $@

$(BUILD)/obj/gen/schema_sql.o: $(BUILD)/gen/schema_sql.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBCTK): $(call obj,$(COMMON_SRC)) $(BUILD)/obj/gen/schema_sql.o
$(LIBCOLLECTOR): $(call obj,$(COLLECTOR_SRC))
$(LIBANALYZE): $(call obj,$(ANALYZE_SRC))
$(LIBREPORT): $(call obj,$(REPORT_SRC))
$(BUILD)/lib/%.a:
	@mkdir -p $(dir $@)
	@d=$$(printf '%s\n' $(notdir $^) | sort | uniq -d); [ -z "$$d" ] || { echo "$@: two objects named $$d (ar keeps one): rename a file"; exit 1; }
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/bin/ctk: $(call obj,ctk/main.c) $(LIBCTK)
$(BUILD)/bin/ctk: TOOL_LINK = $(CTK_LIBS)
$(BUILD)/bin/ctk-collect: $(call obj,collector/main.c) $(LIBCOLLECTOR) $(LIBCTK)
$(BUILD)/bin/ctk-collect: TOOL_LINK = $(COLLECTOR_LIBS)
$(BUILD)/bin/ctk-analyze: $(call obj,analyze/main.c) $(LIBANALYZE) $(LIBCTK)
$(BUILD)/bin/ctk-analyze: TOOL_LINK = $(ANALYZE_LIBS)
$(BUILD)/bin/ctk-report: $(call obj,report/main.c) $(LIBREPORT) $(LIBCTK)
$(BUILD)/bin/ctk-report: TOOL_LINK = $(REPORT_LIBS)
$(BUILD)/bin/%:
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LINK)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TOOL_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TOOL_LIBS) $(LIBS) -lcmocka

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(TOOL_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TOOL_LIBS) $(LIBS)

# The fake NVML of tests/fakenvml/ (no sanitizer: it is dlopen'ed by the
# tools under test) and its pre-Volta variant without counter/_v2 symbols.
FAKENVML_OLD := $(BUILD)/fakenvml/old/libnvidia-ml.so.1
FAKENVML_FLAGS = -std=c11 -D_DEFAULT_SOURCE $(OPT) $(WARN) -I. -fPIC -shared -fvisibility=default $(CFLAGS)
$(FAKENVML): tests/fakenvml/fakenvml.c collector/nvml_abi.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(FAKENVML_FLAGS) -Wl,-soname,libnvidia-ml.so.1 -o $@ $<
$(FAKENVML_OLD): tests/fakenvml/fakenvml.c collector/nvml_abi.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(FAKENVML_FLAGS) -DFAKENVML_OLD -Wl,-soname,libnvidia-ml.so.1 -o $@ $<
fakenvml: $(FAKENVML) $(FAKENVML_OLD)

# Man pages ctk(1) and ctk-COMMAND(1), written from the tools' --help text.
MANSTAMP := $(BUILD)/man/.stamp
$(MANSTAMP): $(BINS) scripts/man.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MAN     $(BUILD)/man")
	$(Q)rm -f $(BUILD)/man/*.1 && sh scripts/man.sh $(BUILD)/bin $(BUILD)/man && touch $@
man: $(MANSTAMP)

tests: $(BINS) $(TESTS) $(BENCHES) $(FAKENVML) $(FAKENVML_OLD) $(MANSTAMP)

deps:
	@sh scripts/deps.sh

# The whole suite: developer build (-Werror), then the ASan+UBSan build.
check: deps
	$(Q)$(MAKE) --no-print-directory DEVELOPER=1 tests
	$(Q)$(MAKE) --no-print-directory DEVELOPER=1 BUILD=$(BUILD)/asan SAN=1 OPT="-O1 -g" tests
	$(Q)sh tests/run.sh $(BUILD) $(BUILD)/asan

# Only the sanitizer build and its run.
asan:
	$(Q)$(MAKE) --no-print-directory DEVELOPER=1 BUILD=$(BUILD)/asan SAN=1 OPT="-O1 -g" tests
	$(Q)sh tests/run.sh $(BUILD)/asan

test: tests
	$(Q)sh tests/run.sh $(BUILD)

demo: deps all $(FAKENVML)
	$(Q)sh scripts/demo.sh $(BUILD)

bench: deps all $(BENCHES) $(FAKENVML)
	@sh scripts/deps.sh bench
	$(Q)sh bench/run.sh $(BUILD)

# libFuzzer targets for every parser (clang + libclang-rt): FUZZ_SECONDS each.
fuzz: deps $(BUILD)/gen/schema_sql.c
	@sh scripts/deps.sh fuzz
	$(Q)sh fuzz/run.sh

# check plus the suite under valgrind memcheck (slow: not in CI).
check-full: check
	@sh scripts/deps.sh full
	$(Q)$(MAKE) --no-print-directory DEVELOPER=1 BUILD=$(BUILD)/vg OPT="-O1 -g" tests
	$(Q)CTK_VALGRIND=1 sh tests/run.sh $(BUILD)/vg

lint:
	$(Q)! grep -nE '\b(sprintf|strcpy|strcat|atoi|atol|strtok|gets)\s*\(' common/*.c collector/*.c analyze/*.c analyze/*/*.c report/*.c report/*/*.c ctk/*.c || (echo "lint: banned call above" && false)

# The Python helper goes where this python3 looks for PREFIX's modules
# (Debian: PREFIX/lib/python3.X/dist-packages); PYTHON= (empty) leaves it
# out. `pip install ./contrib/python` is the other way (a venv).
PYTHON ?= python3
PYTHON_SITEDIR ?= $(if $(PYTHON),$(shell $(PYTHON) -c "import sysconfig; print(sysconfig.get_path('purelib', vars={'base': '$(PREFIX)', 'platbase': '$(PREFIX)'}))" 2>/dev/null))

install: all $(MANSTAMP)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/share/ctk
	install -m 644 data/intensity-yearly.csv data/ATTRIBUTION.md $(DESTDIR)$(PREFIX)/share/ctk/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(BUILD)/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 644 contrib/completion/ctk.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ctk
	install -m 644 contrib/completion/_ctk $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ctk
	$(if $(PYTHON_SITEDIR),install -d $(DESTDIR)$(PYTHON_SITEDIR))
	$(if $(PYTHON_SITEDIR),install -m 644 contrib/python/ctk_mark.py $(DESTDIR)$(PYTHON_SITEDIR)/)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
