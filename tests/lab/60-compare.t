#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/compare on real lab data (issue 6): scripts/matrices/compare-test.mx
# run three times in one lab boot, one run after the other: A, then A'
# (same kernel, same module), then D with the driver's per-fault delay
# (--inject-delay 200us):
#   A beside A'   nothing may be flagged;
#   A beside D    insert-page's populate time, ns per fault and first-touch
#                 latency must be flagged as regressions, exit 1; tput and
#                 the anonymous-memory control must not be flagged.
# One boot, so that the runs share the guest and the host's load alike
# (two guests booted side by side differ by more than the lab's noise
# floor while one of them is still building or booting: seen in CI), and
# A and A' next to each other in time (the lab's times follow the host's
# load: on a host running other labs meanwhile, A/A differed by up to 6x;
# CONFIG.md "Comparison" says to compare lab runs made on a quiet
# machine, as CI's is).  An unmeasured pass of the matrix goes first: the
# first run after boot is up to 7x slower on the huge cases, over all of
# its repetitions (the host backing the BAR warms up), which would flag
# A against A'.  Lab times are emulated: the comparison uses the
# emulated profile (4x noise floor, CONFIG.md "Comparison"); the delay
# costs about 25x.
. "$(dirname "$0")/../lib/tap.sh"

K=${FL_TEST_KERNELS%% *}
MX=$FL_TOP/scripts/matrices/compare-test.mx
R=$FL_TEST_RESULTS/compare-$K
rm -rf "$R"; mkdir -p "$R"

T_JQ_DIAG='.flagged[] | "\(.case): \(.what) \(.flag) \(.rel)"'

# The lab settings of compare-test.mx's "lab" line.
run='m=/opt/faultline/run.mx
flbench matrix $m --out /tmp/warm --reps 1 >/dev/null &&
flbench matrix $m --out "$OUT/A" &&
flbench matrix $m --out "$OUT/A1" &&
flbench matrix $m --out "$OUT/D" --inject-delay 200us'
t_lab compare-$K --kernel "$K" --bar-size 1G --cpus 1 --mem 2G --timeout 1800 \
	--add "$MX:/opt/faultline/run.mx" -- sh -c "$run"
t_is "$T_LAB_RC" 0 "A, D, A' [$K]: three runs of compare-test.mx in one boot, exit 0, clean kernel log"
for n in A D A1; do
	t_ok "$([ -f "$T_LAB_DIR/$n/result.json" ]; echo $?)" "$n [$K]: result.json came back"
done
A=$T_LAB_DIR/A D=$T_LAB_DIR/D A1=$T_LAB_DIR/A1

# --- A/A
rc=0
"$FL_TOP/scripts/compare" "$A" "$A1" --out "$R/cmp-aa" >"$R/cmp-aa.txt" 2>&1 || rc=$?
t_is "$rc" 0 "A/A [$K]: scripts/compare exits 0"
t_jq "A/A [$K]: nothing flagged, all 8 cases compared" \
	'.verdict == "pass" and (.flagged | length) == 0 and .counts.compared_ok == 8' "$R/cmp-aa/compare.json"
t_jq "A/A [$K]: the driver's fault counters equal, compared exactly" \
	'[.cases[].rows[] | select(.kind == "driver")] | length > 0 and all(.method == "exact" and .flag == null)' \
	"$R/cmp-aa/compare.json"

# --- the per-fault delay
rc=0
"$FL_TOP/scripts/compare" "$A" "$D" --out "$R/cmp-delay" >"$R/cmp-delay.txt" 2>&1 || rc=$?
J=$R/cmp-delay/compare.json
t_is "$rc" 1 "delay [$K]: scripts/compare exits 1"
for m in populate_ns ns_per_fault; do
	t_jq "delay [$K]: insert-page $m flagged as a regression" \
		"[.cases[] | select(.name | test(\"insert-page\")) | .rows[] | select(.kind == \"metric\" and .name == \"$m\") | .flag] == [\"regression\"]" "$J"
done
t_jq "delay [$K]: insert-page first-touch latency p50 flagged as a regression" \
	'[.cases[] | select(.name | test("^populate .*insert-page")) | .rows[] | select(.name == "first_touch_ns" and .label == "p50") | .flag] == ["regression"]' "$J"
t_jq "delay [$K]: insert-page's fault counts unchanged (4096 PTE inserts on both)" \
	'[.cases[] | select(.name | test("^populate .*insert-page")) | .rows[] | select(.name == "insert_pte")][0] | .flag == null and .base.value == 4096 and .new.value == 4096' "$J"
t_jq "delay [$K]: nothing flagged on the anon control" \
	'[.cases[] | select(.name | test("^populate anon")) | .rows[] | select(.flag != null)] | length == 0' "$J"
t_jq "delay [$K]: nothing flagged on tput (no faults in the measured phase)" \
	'[.cases[] | select(.name | test("^tput")) | .rows[] | select(.flag != null)] | length == 0' "$J"
t_done
