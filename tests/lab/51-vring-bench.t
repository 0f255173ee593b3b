#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# flbench vring (issue 5) in the lab: scripts/matrices/ring-short.mx on the
# first lab kernel runs every access mode with every kick method, both
# directions, every invalidation kind on the memory it applies to, and the
# io_uring peer.  Asserted: every mode and kick present and ok, no used
# entry failed a check, no stale read, the driver's counters agree with
# what flbench consumed (descs, no sequence/checksum/ring/access error),
# kmap re-mapped after every operation on the ring's pages and never
# without an invalidation (exactly once per operation, and re-mappings
# equal invalidations, on ring memory smaller than 2 MiB in 4 KiB pages
# and on hugetlb), invalidations really happened where asked,
# kmap on a BAR mapping unsupported with its errno, a clean kernel log.
# Then the checks must bite: with the driver's test-only
# vring_broken_stale=1 (the notifier leaves the kernel mapping stale) a
# replaced ring page must fail the case with a stale read or the driver's
# sequence errors, and mprotect invalidations must fail the re-mapping
# oracle.  Nothing about timing.
. "$(dirname "$0")/../lib/tap.sh"

K=${FL_TEST_KERNELS%% *}
MX=$FL_TOP/scripts/matrices/ring-short.mx
R=$FL_TEST_RESULTS/vring-$K
rm -rf "$R"; mkdir -p "$R"


"$FL_TOP/scripts/matrix" lab "$MX" --kernel "$K" --out "$R/short" >"$R/short.log" 2>&1
rc=$?
t_diag <"$R/short.log"
t_is "$rc" 0 "[$K] ring-short.mx runs in the lab; exit 0 (clean kernel log)"
J=$R/short/ring-short/result.json
t_ok "$( [ -f "$J" ] && [ ! -e "$R/short/ring-short/INCOMPLETE" ]; echo $?)" "result.json present, run complete"
t_is "$(fl_klog_bad "$R/short/kernel.log" | wc -l)" 0 "no WARNING, BUG, Oops, lockdep or KASAN report in the kernel log"

ok='[.cases[] | select(.params.scenario == "vring" and .status == "ok")]'
t_jq "no case failed or was interrupted" \
	'[.cases[] | select(.status != "ok" and .status != "unsupported")] | length == 0' "$J" \
	'.cases[] | select(.status != "ok" and .status != "unsupported") | "\(.name): \(.reason)"'
for m in uaccess uaccess-batched kmap io_uring; do
	t_jq "mode $m ran" "$ok | map(select(.params.mode == \"$m\")) | length > 0" "$J"
done
for m in uaccess uaccess-batched kmap; do
	for k in ioctl eventfd io_uring; do
		t_jq "mode $m with kick $k ran" \
			"$ok | map(select(.params.mode == \"$m\" and .params.kick == \"$k\")) | length > 0" "$J"
	done
done
t_jq "both directions ran" "$ok | map(.params.dir) | unique == [null, \"rx\", \"tx\"]" "$J"
t_jq "every invalidation kind ran" \
	"$ok | map(.params.inval_kind) | unique == [null, \"dontneed\", \"mprotect\", \"mremap\", \"thp\"]" "$J"
t_jq "every ok case: no mismatch, no stale read" \
	"$ok | all(.scenario.checks.mismatches == 0 and .scenario.checks.stale_reads == 0)" "$J" \
	"$ok[] | \"\(.name): \(.scenario.checks)\""
t_jq "every ok case: metrics mismatches and stale_reads are 0" \
	"$ok | all(.metrics | map(select(.name == \"mismatches\" or .name == \"stale_reads\")) | length == 2 and all(.summary.max == 0))" "$J"
t_jq "every ok case: ops_per_s, and rtt_ns holds pings x threads x reps round trips" \
	"$ok | all((.metrics[] | select(.name == \"ops_per_s\") | .summary.median > 0) and (.histograms[0].name == \"rtt_ns\") and (.histograms[0].count == .params.pings * .params.threads * .params.reps))" "$J" \
	"$ok[] | \"\(.name): rtt count \(.histograms[0].count)\""
drv="$ok | map(select(.params.mode != \"io_uring\"))"
t_jq "driver modes: the driver completed exactly the descriptors flbench consumed" \
	"$drv | all(.scenario.checks.descs_match == true and .scenario.driver_counters.total.descs == .scenario.checks.descriptors)" "$J" \
	"$drv[] | \"\(.name): driver \(.scenario.driver_counters.total.descs), flbench \(.scenario.checks.descriptors)\""
t_jq "driver modes: no sequence, checksum, ring or access error counted by the driver" \
	"$drv | all(.scenario.driver_counters.total | .seq_errors + .csum_errors + .ring_errors + .faults == 0)" "$J"
t_jq "invalidations happened in every case that asked for them" \
	"$drv | map(select(.params.inval_rate_hz > 0)) | all(.scenario.invalidation.ops > 0)" "$J"
t_jq "kmap: invalidations of the ring's pages reached the driver (mprotect, dontneed, mremap)" \
	"$drv | map(select(.params.mode == \"kmap\" and .params.inval_rate_hz > 0 and .params.inval_kind != \"thp\")) | all(.scenario.driver_counters.total.invalidations > 0)" "$J"
t_jq "kmap: a re-mapping after every operation on the ring's pages, none without an invalidation" \
	"$drv | map(select(.scenario.checks.remaps_cover_ring_part_ops != null)) | length > 0 and all(.scenario.checks.remaps_cover_ring_part_ops and (.scenario.driver_counters.total | .remaps <= .invalidations))" "$J" \
	"$drv[] | select(.params.mode == \"kmap\") | \"\\(.name): remaps \\(.scenario.driver_counters.total.remaps), invalidations \\(.scenario.driver_counters.total.invalidations), ops on the ring's pages \\(.scenario.checks.ring_part_ops)\""
# Exact on 4 KiB anonymous rings under 2 MiB and on hugetlb: one
# invalidation and one re-mapping per operation on the ring's pages.
# Where a VMA covers a whole aligned 2 MiB (THP memory, larger rings) the
# kernel adds invalidations of that 2 MiB for every VMA split inside it
# (__split_huge_pmd() notifies before it looks at the PMD), so only the
# bounds above hold there.
t_jq "re-mappings equal invalidations (and the operations on the ring's pages, kmap) on hugetlb and on 4 KiB rings under 2 MiB" \
	"$drv | map(select((.params.ring_mem | startswith(\"hugetlb\")) or (.params.ring_mem == \"anon\" and .scenario.ring_memory.map_len < 2097152))) | length > 0 and all(.scenario.checks.remaps_equal_invalidations and (.scenario.checks.remaps_equal_ring_part_ops != false))" "$J" \
	"$drv[] | \"\\(.name): invalidations \\(.scenario.driver_counters.total.invalidations), remaps \\(.scenario.driver_counters.total.remaps), ops on the ring's pages \\(.scenario.checks.ring_part_ops)\""
t_jq "kmap on a ring in the BAR mapping: unsupported with EOPNOTSUPP, the run went on" \
	'[.cases[] | select(.params.mode == "kmap" and (.params.ring_mem | startswith("faultline:")))] | length == 1 and all(.status == "unsupported" and (.reason | test("EOPNOTSUPP")))' "$J"
t_jq "the io_uring peer: no driver counters, NOPs checked" \
	"$ok | map(select(.params.mode == \"io_uring\")) | all(.params.kick == null and .scenario.checks.descriptors > 0 and (.scenario | has(\"driver_counters\") | not))" "$J"

# The checks must bite: a driver whose notifier leaves the mapping stale.
B=$R/broken
"$LAB" run --kernel "$K" --out "$B" --modparams vring_broken_stale=1 -- sh -c '
	for kind in dontneed mremap mprotect; do
		flbench vring --target faultline:/dev/faultline0 --mode kmap --kick ioctl \
			--inval-rate 200 --inval-kind $kind --duration 300ms --reps 1 --warmup 0 \
			--pings 50 --watchdog 2s --out "$OUT/$kind" --quiet
		echo "rc $kind $?"
	done' >"$B.log" 2>&1
rc=$?
t_diag <"$B.log"
t_is "$rc" 0 "[$K] vring_broken_stale=1 boot: exit 0 (clean kernel log)"
for kind in dontneed mremap; do
	t_is "$(sed -n "s/^rc $kind //p" "$B.log")" 1 "broken driver, $kind: flbench exits 1"
	t_jq "broken driver, $kind: the case failed on what the kernel saw (stale read, or its errors)" \
		'.cases[0].status == "failed" and (.cases[0].reason | test("stale read|seq [1-9]|ring [1-9]"))' "$B/$kind/result.json" \
		'.cases[0].reason'
done
t_is "$(sed -n 's/^rc mprotect //p' "$B.log")" 1 "broken driver, mprotect: flbench exits 1"
t_jq "broken driver, mprotect: the re-mapping oracle failed the case" \
	'.cases[0].status == "failed" and (.cases[0].reason | test("re-established its mapping 0 times")) and .cases[0].scenario.checks.remaps_cover_ring_part_ops == false' \
	"$B/mprotect/result.json" '.cases[0].reason'
t_done
