#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel-log scan (scripts/lib/klog-bad.re, used by the lab after a run
# and by fl-runtests after every guest test) catches what the debug
# kernel's options print, lets ordinary boot lines through, and excuses
# only what --expect-warn names.  The report lines are real ones, from
# lab kernels and from the kernel sources that print them.
. "$(dirname "$0")/../lib/tap.sh"

bad=(
	"WARNING: CPU: 0 PID: 123 at include/linux/rwsem.h:203 track_pfn_remap+0x1a/0x40"
	"WARNING: possible circular locking dependency detected"
	"WARNING: possible recursive locking detected"
	"WARNING: inconsistent lock state"
	"WARNING: suspicious RCU usage"
	"DEBUG_LOCKS_WARN_ON(1)"
	"BUG: KASAN: slab-use-after-free in fl_vring_process+0x44/0x300 [faultline]"
	"BUG: KASAN: vmalloc-out-of-bounds in fl_vring_kmap_read+0x10/0x80 [faultline]"
	"BUG: sleeping function called from invalid context at mm/memory.c:6317"
	"BUG: soft lockup - CPU#1 stuck for 22s! [flbench:301]"
	"watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [flbench:77]"
	"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
	"rcu: INFO: rcu_preempt self-detected stall on CPU"
	"INFO: task flbench:412 blocked for more than 61 seconds."
	"Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF"
	"BUG: Bad page map in process flbench  pte:8000000fe0000227 pmd:10a1c067"
	"BUG: Bad page state in process flbench  pfn:1a2b3"
	"page dumped because: VM_BUG_ON_PAGE(PageTail(page))"
	"kernel BUG at mm/huge_memory.c:2100!"
	"Oops: general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP KASAN NOPTI"
	"BUG: unable to handle page fault for address: ffffc90000a00000"
	"Watchdog detected hard LOCKUP on cpu 1"
	"refcount_t: underflow; use-after-free."
	"list_del corruption. prev->next should be ffff888003a1b000, but was dead000000000100"
)
good=(
	"Linux version 6.12.57-faultline-debug (root@lab) (gcc (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC"
	"kasan: KernelAddressSanitizer initialized (generic)"
	"Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar"
	"rcu: Preemptible hierarchical RCU implementation."
	"faultline 0000:81:00.0: bar2: 4096 MiB at 0x38000000000 (node 1)"
	"vfio-pci 0000:81:00.0: enabling device (0000 -> 0002)"
	"DMAR: Intel(R) Virtualization Technology for Directed I/O"
)
log=$(mktemp); trap 'rm -f "$log"' EXIT
for l in "${bad[@]}"; do
	printf '%s\n' "$l" >"$log"
	t_is "$(fl_klog_bad "$log" | wc -l)" 1 "caught: ${l:0:60}"
done
printf '%s\n' "${good[@]}" >"$log"
got=$(fl_klog_bad "$log")
[ -z "$got" ] || t_diag <<<"$got"
t_is "$(printf '%s' "$got" | grep -c .)" 0 "ordinary boot lines of the debug kernel pass (${#good[@]} lines)"
printf '%s\n' "${bad[0]}" "${bad[1]}" >"$log"
t_is "$(fl_klog_bad "$log" 'rwsem\.h:[0-9]+')" "${bad[1]}" \
	"--expect-warn 'rwsem\\.h:[0-9]+' excuses remap-fault's warning, not a lockdep report"
t_done
