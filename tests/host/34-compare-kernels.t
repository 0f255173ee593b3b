#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/compare-kernels without booting: bad options are refused, and
# with --reuse of complete runs already in the output folder it goes
# straight to the report (the lab half is tests/lab/61-compare-kernels.t).
. "$(dirname "$0")/../lib/tap.sh"

CK=$FL_TOP/scripts/compare-kernels
FIX=$FL_TOP/tests/fixtures/results
MX=$FL_TOP/scripts/matrices/compare-test.mx
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

refused() {	# refused NAME REGEX ARGS...
	local name=$1 re=$2 rc=0 out; shift 2
	out=$("$CK" "$@" 2>&1) || rc=$?
	if [ "$rc" = 2 ] && grep -q -E -- "$re" <<<"$out"; then t_ok 0 "$name"; else
		echo "# exit $rc: $out" | head -5; t_ok 1 "$name"; fi
}
refused "unknown kernel" "kernel '5.4': expected 6.1, 6.12, debug or the path of a bzImage" --base 5.4 --out "$W/x"
refused "missing matrix" "nope.mx: no such matrix file" --matrix "$W/nope.mx" --out "$W/x"
refused "option without its value" "--out needs a value" --out

# runs already there: base (6.1 label) = A, new (6.12 label) = the delay run
mkdir -p "$W/k/base-6.1" "$W/k/new-6.12"
cp -r "$FIX/lab-a/." "$W/k/base-6.1/"
cp -r "$FIX/lab-delay/." "$W/k/new-6.12/"
rc=0; "$CK" --matrix "$MX" --out "$W/k" --reuse >"$W/k.out" 2>"$W/k.err" || rc=$?
t_is "$rc" 0 "--reuse: report written, exit 0 (no --fail-on-regression)"
t_grep 'reusing the complete run' "$W/k.err" "--reuse: no lab boot"
t_is "$(head -1 "$W/k.out")" "$W/k/report/report.md" "prints the report's path"
t_grep '^# faultline: kernel 6.12 against kernel 6.1 \(compare-test.mx\)' "$W/k/report/report.md" "report titled with both kernels"
t_grep '^## Plots of the base run' "$W/k/report/report.md" "report has both kernels' plots"
t_grep '^ +6\.1 +6\.12$' "$W/k/report/compare.txt" "compare.txt columns are the kernels"
t_grep 'REGRESSION' "$W/k/report/compare.txt" "compare.txt carries the verdict"
rc=0; "$CK" --matrix "$MX" --out "$W/k" --reuse --fail-on-regression >/dev/null 2>&1 || rc=$?
t_is "$rc" 1 "--fail-on-regression: exit 1"
t_done
