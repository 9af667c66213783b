# tandem - top-level build. `make` builds build/tandemd and build/tandemctl.
# Sources are found by wildcard: every .c under lib/ director/ vrrp/ healthcheck/ sync/ snmp/
# goes into tandemd except the files named *_main.c, which hold main() functions.
# Targets: all deps asan test test-unit test-fuzz test-integration test-vm demo bench clean

CC       ?= cc
BUILD    ?= build
PKGS     := libnl-3.0 libnl-genl-3.0 libnl-route-3.0 json-c libsystemd openssl libcurl libcares libmicrohttpd \
            libnftables libpcre2-8
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lev -lnetsnmpagent -lnetsnmp
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -fno-strict-aliasing -D_GNU_SOURCE -I. $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS)

PARTS    := lib director vrrp healthcheck sync snmp
ALL_SRCS := $(foreach d,$(PARTS),$(wildcard $(d)/*.c))
MAIN_SRCS:= $(filter %_main.c,$(ALL_SRCS))
CORE_SRCS:= $(filter-out %_main.c,$(ALL_SRCS))
CORE_OBJS:= $(CORE_SRCS:%.c=$(BUILD)/%.o)
CTL_SRCS := $(filter-out %_main.c,$(wildcard tools/*.c))
CTL_OBJS := $(CTL_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS:= $(wildcard tests/unit/test_*.c)
UNIT_BINS:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS:= $(wildcard tests/fuzz/fuzz_*.c)

.PHONY: all deps asan test test-unit test-fuzz test-integration test-interop test-vm demo bench clean
all: $(BUILD)/tandemd $(BUILD)/tandemctl

$(BUILD)/libtandem.a: $(CORE_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tandemd: $(BUILD)/director/tandemd_main.o $(BUILD)/libtandem.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tandemctl: $(BUILD)/tools/tandemctl_main.o $(CTL_OBJS) $(BUILD)/libtandem.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtandem.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cmocka)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

deps:
	@bash tools/deps.sh

# Same binaries under AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/.
ASAN_BUILD ?= build-asan
asan:
	$(MAKE) BUILD=$(ASAN_BUILD) CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined $(filter-out -O2 -g,$(CFLAGS))" LDFLAGS="-fsanitize=address,undefined" all unit-bins

unit-bins: $(UNIT_BINS)

test-unit: $(UNIT_BINS)
	@bash tests/run-unit.sh $(UNIT_BINS)

test-fuzz:
	@bash tests/fuzz/run.sh smoke

test-integration: all
	@bash tests/run-integration.sh

test-interop: all
	@bash tests/run-integration.sh tests/interop

test-vm: all
	@bash tests/vm/run.sh

# Everything that runs on this machine, then the VM suite; one closing summary line.
test: deps
	@bash tests/run-all.sh

demo: deps all
	@bash tools/demo.sh

bench: all
	@bash tests/bench/run.sh

clean:
	rm -rf build build-asan build-fuzz
