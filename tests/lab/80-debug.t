#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 5400
#
# The debug lab kernel (issue 7; CONFIG.md "The debug kernel"): lockdep,
# KASAN, DEBUG_VM, DEBUG_ATOMIC_SLEEP, the soft-lockup, hung-task and
# RCU-stall detectors catch what the cloud kernels let pass.  The kernel
# is built once from linux-source-6.12 and cached (about 20 minutes on 2
# cores the first time; progress on stderr).  Then, on it: the driver's
# and the ring engine's guest tests, a short seeded stress of every
# strategy and the fuzzer, each with the kernel log checked (remap-fault's
# lock warning, rwsem.h:203 on this kernel, is the one declared finding).
# FL_DEBUG_TESTS=0 skips the file (for a quick local run);
# FL_DEBUG_STRESS_OPS (60 a thread: insert-bulk on this kernel does about
# 2 operations a second, each filling up to 1.5 GiB of PTEs; the runs may
# take up to 300 s each to finish their schedule) and FL_DEBUG_FUZZ_CALLS
# (1000000: about 3 minutes on this kernel under TCG on a quiet 2-core
# host, 18 minutes on a loaded one) size the stress and fuzz runs.
. "$(dirname "$0")/../lib/tap.sh"

if [ "${FL_DEBUG_TESTS:-1}" = 0 ]; then
	echo "1..0 # SKIP FL_DEBUG_TESTS=0"
	exit 0
fi
mkdir -p "$FL_TEST_RESULTS"
"$LAB" fetch --kernel debug 2>&1 | tee "$FL_TEST_RESULTS/debug-kernel.log" >&2
rc=${PIPESTATUS[0]}
t_is "$rc" 0 "the debug kernel is built (or cached) from linux-source-6.12"
(( rc == 0 )) || { t_done; exit; }

# A known report of this kernel under TCG, not of faultline: now and then
# an interrupt during early boot (identify_cpu(), 0.02 s, long before
# any module) ends in "BUG: KASAN: wild-memory-access in
# do_raw_spin_lock" from handle_edge_irq().  It is excused as a finding
# (the lab's findings.log keeps it); KASAN then disables lock debugging
# for the rest of that boot, which the finding line makes visible.
export LAB_EXPECT_WARN='KASAN: wild-memory-access in do_raw_spin_lock'
t_lab_group driver debug --timeout 3000
t_lab_group vring debug --timeout 1800
# The stress and fuzz files, on this kernel only: every strategy alone,
# two devices at once, the mix with unbind (the broken-driver proof runs
# on the cloud kernel in 70-stress.t), and the fuzzer.
t_include "$FL_TOP/tests/lab/70-stress.t" FL_TEST_KERNELS=debug \
	FL_STRESS_OPS=${FL_DEBUG_STRESS_OPS:-60} FL_STRESS_BROKEN=0 FL_STRESS_OP_TIMEOUT=180s \
	FL_STRESS_DURATION=300s
t_include "$FL_TOP/tests/lab/71-fuzz.t" FL_TEST_KERNELS=debug \
	FL_FUZZ_CALLS=${FL_DEBUG_FUZZ_CALLS:-1000000} FL_FUZZ_OP_TIMEOUT=180s
t_done
