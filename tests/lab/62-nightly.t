#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/nightly in the lab, twice on one history with compare-test.mx
# (3 repetitions to keep it short: with 3 against 3 the rank test cannot
# reach p < 0.05, so what can flag here are the exact fault counts and the
# first-touch histograms): the first night is the baseline, the second
# passes against it; the history holds both runs, index.tsv and index.md.
# What is tested is the nightly's mechanism, not the lab's timing: the
# time floors are set to 1000x, so that only the exact counts can flag
# (tests/lab/60-compare.t tests what the floors let through).
. "$(dirname "$0")/../lib/tap.sh"

K=${FL_TEST_KERNELS%% *}
H=$FL_TEST_RESULTS/nightly-$K
rm -rf "$H"
night() {	# night N: one nightly
	RC=0
	"$FL_TOP/scripts/nightly" --history "$H" --kernel "$K" \
		--matrix "$FL_TOP/scripts/matrices/compare-test.mx" \
		--floor unit:ns=100000 --floor unit:B/s=100000 --floor unit:1/s=100000 \
		--floor p50=100000 --floor p90=100000 -- --reps 3 \
		>"$H.$1.log" 2>&1 || RC=$?
	[ "$RC" = 0 ] || tail -n 30 "$H.$1.log" | t_diag
}
field() {
	awk -F'\t' -v l="$(( $1 + 1 ))" -v f="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == l { print $c[f] }' "$H/index.tsv"
}
night 1
t_is "$RC:$(field 1 verdict)" 0:baseline "first night [$K]: exit 0, the baseline"
t_is "$(field 1 lab_exit)" 0 "first night [$K]: the lab run exited 0"
night 2
t_is "$RC:$(field 2 verdict)" 0:pass "second night [$K]: exit 0, pass against the first"
t_is "$(field 2 count_changes)" 0 "second night [$K]: no fault count changed"
t_ok "$([ -s "$H/$(field 2 report)" ] && [ -s "$H/runs/$(field 2 id)/report/compare.txt" ]; echo $?)" \
	"second night [$K]: report and comparison in the history"
t_is "$(grep -c '^| 20' "$H/index.md")" 2 "index.md lists both nights"
t_done
