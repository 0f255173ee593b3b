#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/compare on real lab data (issue 6): scripts/matrices/compare-test.mx
# booted four times, two guests at a time (one vCPU each, so that both see
# the same host and the same outside load):
#   A beside A'   same kernel, same module: nothing may be flagged;
#   A2 beside D   D with the driver's per-fault delay (--inject-delay 200us):
#                 insert-page's populate time, ns per fault and first-touch
#                 latency must be flagged as regressions, exit 1; tput and
#                 the anonymous-memory control must not be flagged.
# Lab times are emulated: the comparison uses the emulated profile (4x
# noise floor, CONFIG.md "Comparison"); the delay costs about 25x.
. "$(dirname "$0")/../lib/tap.sh"

K=${FL_TEST_KERNELS%% *}
MX=$FL_TOP/scripts/matrices/compare-test.mx
R=$FL_TEST_RESULTS/compare-$K
rm -rf "$R"; mkdir -p "$R"

boot() {	# boot NAME [flbench options...]: a lab run of compare-test.mx
	local name=$1; shift
	"$FL_TOP/scripts/matrix" lab "$MX" --kernel "$K" --out "$R/$name" -- "$@" \
		>"$R/$name.log" 2>&1
	echo $? >"$R/$name.rc"
}
# pair NAME1 OPTS1 NAME2 OPTS2: two boots side by side.  The second starts
# when the first has built its module and initramfs and is booting: two
# labs of one kernel building at once clobber each other's module build
# (one build folder per kernel in the lab's cache).
pair() {
	boot "$1" $2 &
	local first=$! t=0
	until grep -q '\[boot +' "$R/$1.log" 2>/dev/null || ! kill -0 "$first" 2>/dev/null || (( t >= 600 )); do
		sleep 1; t=$((t + 1))
	done
	boot "$3" $4 &
	wait
}
booted() {	# booted NAME: one result for the boot
	local rc
	rc=$(cat "$R/$1.rc")
	if [ "$rc" != 0 ] || [ ! -f "$R/$1/compare-test/result.json" ]; then
		tail -n 30 "$R/$1.log" | t_diag
	fi
	t_is "$rc" 0 "$1 [$K]: lab run of compare-test.mx, exit 0, clean kernel log"
}
t_jq() {	# t_jq NAME FILTER FILE: FILTER prints true
	local got
	got=$(jq -r "$2" "$3" 2>&1)
	[ "$got" = true ] || jq -r '.flagged[] | "\(.case): \(.what) \(.flag) \(.rel)"' "$3" 2>/dev/null | t_diag
	t_is "$got" true "$1"
}

pair A "" A1 ""
booted A; booted A1
pair A2 "" D "--inject-delay 200us"
booted A2; booted D

# --- A/A
rc=0
"$FL_TOP/scripts/compare" "$R/A" "$R/A1" --out "$R/cmp-aa" >"$R/cmp-aa.txt" 2>&1 || rc=$?
t_is "$rc" 0 "A/A [$K]: scripts/compare exits 0"
t_jq "A/A [$K]: nothing flagged, all 8 cases compared" \
	'.verdict == "pass" and (.flagged | length) == 0 and .counts.compared_ok == 8' "$R/cmp-aa/compare.json"
t_jq "A/A [$K]: the driver's fault counters equal, compared exactly" \
	'[.cases[].rows[] | select(.kind == "driver")] | length > 0 and all(.method == "exact" and .flag == null)' \
	"$R/cmp-aa/compare.json"

# --- the per-fault delay
rc=0
"$FL_TOP/scripts/compare" "$R/A2" "$R/D" --out "$R/cmp-delay" >"$R/cmp-delay.txt" 2>&1 || rc=$?
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
