# SPDX-License-Identifier: GPL-2.0
#
# faultline top-level Makefile.  `make help` lists the targets.

BUILD		:= $(CURDIR)/build
CC		?= gcc
CFLAGS		?= -O2 -g
FL_CFLAGS	:= -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
		   -I$(CURDIR)/include -I$(CURDIR)/tests/lib
FL_LDLIBS	:= -Wl,--as-needed -pthread -luring -lnuma -lhwloc -lm

# The module is built against the lab kernel's headers unless KDIR says
# otherwise (KDIR=/lib/modules/$(uname -r)/build for native use).  The lab
# fetches them on first use.
LAB_KERNEL	?= 6.12
KDIR		?= $(shell scripts/lab kdir --kernel $(LAB_KERNEL))

GUEST_TEST_SRCS	:= $(wildcard tests/guest/*/*.c)
GUEST_TESTS	:= $(patsubst tests/guest/%.c,$(BUILD)/tests/guest/%,$(GUEST_TEST_SRCS))
TEST_HDRS	:= $(wildcard tests/lib/*.h tests/guest/*/*.h) include/faultline.h

.PHONY: all userspace harness unit-tests guest-tests module module-check \
	setup matrix test check clean help report compare compare-kernels nightly \
	stress-long test-debug-long

all: userspace module

userspace: harness unit-tests guest-tests

harness:
	$(MAKE) -C bench O=$(BUILD)

unit-tests: harness
	$(MAKE) -C tests/unit O=$(BUILD) all

guest-tests: $(GUEST_TESTS)

$(BUILD)/tests/guest/%: tests/guest/%.c $(TEST_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(FL_CFLAGS) -o $@ $< $(FL_LDLIBS)

module:
	$(MAKE) -C drivers/faultline KDIR=$(KDIR)

# W=1, sparse and checkpatch over the driver, for both lab kernels.
module-check:
	scripts/check-driver

setup:
	@scripts/setup

# The main job: the default benchmark matrix in the lab.
matrix: setup
	scripts/run-matrix

# Every test: unit tests, driver style checks and the lab tests.
test check: setup
	tests/run

# Results (CONFIG.md "Plots", "Comparison", "Nightly"): thin wrappers so
# that the commands are easy to find; the scripts take more options.
report:
	@test -n "$(RUN)" || { echo "usage: make report RUN=results/<run folder>"; exit 2; }
	scripts/report "$(RUN)"

compare:
	@test -n "$(BASE)" -a -n "$(NEW)" || { echo "usage: make compare BASE=<run> NEW=<run>"; exit 2; }
	scripts/compare "$(BASE)" "$(NEW)"

compare-kernels: setup
	scripts/compare-kernels

nightly: setup
	scripts/nightly

# The debug-kernel tests with longer stress schedules (150 operations a
# thread instead of CI's 60).
test-debug-long: setup
	FL_DEBUG_STRESS_OPS=150 tests/run tests/lab/80-debug.t

# Issue 7's long stress: 10 minutes a strategy on the debug and 6.12 kernels.
stress-long: setup
	scripts/stress-long

clean:
	rm -rf $(BUILD)
	@if [ -f drivers/faultline/Makefile ]; then $(MAKE) -C drivers/faultline clean KDIR=$(KDIR) >/dev/null 2>&1 || true; fi

help:
	@echo "make               build the harness, guest tests and faultline.ko (lab kernel)"
	@echo "make module KDIR=/lib/modules/\$$(uname -r)/build   build the module natively"
	@echo "make matrix        run the default benchmark matrix in the QEMU lab"
	@echo "make test          run all tests (unit, style, lab); TAP via prove"
	@echo "make module-check  W=1, sparse (C=1) and checkpatch on the driver"
	@echo "make report RUN=DIR            plots and report.md of a run folder"
	@echo "make compare BASE=DIR NEW=DIR  comparison table, exit 1 on regression"
	@echo "make compare-kernels           the matrix on lab kernels 6.1 and 6.12, compared"
	@echo "make nightly                   run, compare with the baseline, keep the history"
	@echo "make stress-long               flbench stress, 10 min a strategy, debug and 6.12 kernels"
	@echo "make test-debug-long           the debug-kernel tests with longer stress schedules"
	@echo "make setup         install missing Debian packages (as root)"
