#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1200
#
# flbench fuzz (issue 7) in the lab: a million random and edge-case calls
# from two threads on the first kernel (fewer on the others, for the time
# budget: see CONFIG.md, "Fuzz"), fixed seed.  Asserted: every call made,
# every entry point and every argument class tried, no errno that
# CONFIG.md does not document for the entry point, every class with one
# right answer got it, no unexpected signal, a clean kernel log, the
# outcome table in result.json and on stdout.  That the fuzzer's errno
# table is CONFIG.md's is build/tests/unit/test_fuzz_errtab's job.
#
# For other callers (the debug-kernel test): FL_FUZZ_CALLS (calls on every
# kernel instead of 1000000 on the first and 200000 on the others),
# FL_FUZZ_SEED (21), FL_FUZZ_OP_TIMEOUT (flbench's --op-timeout, 60s).
. "$(dirname "$0")/../lib/tap.sh"

SEED=${FL_FUZZ_SEED:-21}
OP_TIMEOUT=${FL_FUZZ_OP_TIMEOUT:-60s}

T_JQ_DIAG='.cases[0].reason // empty, (.cases[0].scenario.failures // [])[]'

first=${FL_TEST_KERNELS%% *}
for k in $FL_TEST_KERNELS; do
	calls=200000
	[ "$k" = "$first" ] && calls=1000000
	calls=${FL_FUZZ_CALLS:-$calls}
	t_lab "fuzz-$k" --kernel "$k" -- sh -c \
		"flbench fuzz --target faultline:/dev/faultline0 --threads 2 --seed $SEED --calls $calls --op-timeout $OP_TIMEOUT --out \$OUT/fuzz >\$OUT/fuzz.log 2>&1; echo \$? >\$OUT/fuzz.rc"
	d=$T_LAB_DIR
	j=$d/fuzz/result.json
	t_is "$T_LAB_RC" 0 "[$k] the lab ran; clean kernel log"
	t_is "$(cat "$d/fuzz.rc" 2>/dev/null)" 0 "[$k] fuzz, $calls calls: exit 0"
	[ -f "$j" ] || { t_ok 1 "[$k] result.json"; continue; }
	t_jq "[$k] every one of the $calls calls made" ".cases[0].scenario.calls == $calls" "$j"
	t_jq "[$k] no errno that CONFIG.md does not document for its entry point" \
		'.cases[0].scenario.undocumented == 0' "$j"
	t_jq "[$k] every class with one right answer got it (EINVAL, EFAULT, E2BIG, ENOTTY, SIGSEGV ...)" \
		'.cases[0].scenario.unexpected == 0' "$j"
	t_jq "[$k] every argument class of every entry point tried" \
		'.cases[0].scenario.classes_tried == .cases[0].scenario.classes' "$j"
	t_jq "[$k] open, mmap, faults, read, write, lseek, poll, unknown ioctls and the 13 known ioctls" \
		'(.cases[0].scenario.entries | length) == 21' "$j"
	t_jq "[$k] the kernel log read during the run: no report" \
		'.cases[0].scenario.klog.available and .cases[0].scenario.klog.failures == 0' "$j"
	t_jq "[$k] NULL, unmapped and kernel pointers: EFAULT from every struct ioctl" \
		'[.cases[0].scenario.table[] | select(.class == "pointer NULL" or .class == "pointer kernel") | .results | keys == ["EFAULT"]] | all' "$j"
	t_grep '^FL_IOC_SET_STRATEGY +size 0 +[0-9]+ +[0-9.]+ +EINVAL=[0-9]+$' "$d/fuzz.log" \
		"[$k] the table on stdout: what was tried and what came back"
done
t_done
