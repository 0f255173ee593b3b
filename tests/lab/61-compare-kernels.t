#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/compare-kernels in the lab: compare-test.mx on 6.1 and on 6.12,
# one report.  huge needs huge PFNMAP (6.12): it must be unsupported on 6.1
# and shown as such (not dropped); the exact fault counts of insert-page
# must be the same on both kernels; the report must hold the comparison
# and both kernels' plots.
. "$(dirname "$0")/../lib/tap.sh"

case " $FL_TEST_KERNELS " in
*" 6.1 "*) ;;
*) t_skip "6.1 against 6.12" "FL_TEST_KERNELS ($FL_TEST_KERNELS) has no 6.1"; t_done; exit ;;
esac
case " $FL_TEST_KERNELS " in
*" 6.12 "*) ;;
*) t_skip "6.1 against 6.12" "FL_TEST_KERNELS ($FL_TEST_KERNELS) has no 6.12"; t_done; exit ;;
esac

O=$FL_TEST_RESULTS/kernels
rm -rf "$O"
rc=0
"$FL_TOP/scripts/compare-kernels" --base 6.1 --new 6.12 \
	--matrix "$FL_TOP/scripts/matrices/compare-test.mx" --out "$O" -- --reps 3 \
	>"$O.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || tail -n 30 "$O.log" | t_diag
t_is "$rc" 0 "compare-kernels 6.1 against 6.12: exit 0"
J=$O/report/compare.json
t_ok "$([ -s "$O/report/report.md" ] && [ -s "$O/report/compare.txt" ]; echo $?)" "report.md and compare.txt written"
t_jq "huge is unsupported on 6.1, ok on 6.12, shown as such (2 cases)" \
	'[.cases[] | select(.name | test("^populate faultline0 huge")) | .status] == ["unsupported/ok", "unsupported/ok"]' "$J"
t_jq "the reason from 6.1 is in the comparison" \
	'[.cases[] | select(.status == "unsupported/ok")][0].note | test("unsupported on BASE")' "$J"
t_grep 'unsupported on BASE' "$O/report/compare.txt" "compare.txt shows the unsupported cases"
t_jq "insert-page: 4096 PTE inserts on both kernels, compared exactly" \
	'[.cases[] | select(.name | test("^populate .*insert-page")) | .rows[] | select(.name == "insert_pte")][0] | .method == "exact" and .base.value == 4096 and .new.value == 4096 and .flag == null' "$J"
t_jq "the kernels are named in the comparison" \
	'(.base.kernel | startswith("6.1.")) and (.new.kernel | startswith("6.12."))' "$J"
t_grep '^## Plots of the base run' "$O/report/report.md" "the report holds both kernels' plots"
t_ok "$([ -s "$O/report/plots/faults-T1-write-seq.png" ] && [ -s "$O/report/plots-base/faults-T1-write-seq.png" ]; echo $?)" \
	"faults plots of both kernels exist"
t_done
