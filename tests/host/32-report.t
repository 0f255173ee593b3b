#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/report: one command writes the report folder (report.md, plots,
# comparison tables, change-per-case plot); every image report.md links
# exists; the exit status carries the comparison's verdict.
. "$(dirname "$0")/../lib/tap.sh"

REP=$FL_TOP/scripts/report
FIX=$FL_TOP/tests/fixtures/results
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

links_ok() {	# links_ok DIR: every ![..](x) and [..](x) of DIR/report.md exists
	local missing
	missing=$(grep -o -E '\]\([^)#]+\)' "$1/report.md" | sed 's/^](//; s/)$//' |
		while read -r f; do [ -e "$1/$f" ] || echo "$f"; done)
	t_is "$missing" "" "$2: every file report.md links to exists"
}

# --- a run alone
rc=0; "$REP" "$FIX/lab-a" --out "$W/a" >"$W/a.out" 2>&1 || rc=$?
t_is "$rc" 0 "run alone: exit 0"
t_is "$(cat "$W/a.out")" "$W/a/report.md" "run alone: prints the report's path"
t_grep '^# faultline report: compare-test$' "$W/a/report.md" "run alone: titled with the run"
t_grep 'times in this report come from the QEMU TCG lab|Times in this report come from the QEMU TCG lab' "$W/a/report.md" "run alone: says lab times are emulated"
t_grep '^\| kernel \| 6.12.117\+deb12-cloud-amd64' "$W/a/report.md" "run alone: run table names the kernel"
t_grep '^  1  populate faultline0 insert-page 16M T1 write seq' "$W/a/report.md" "run alone: the summary table is in"
t_is "$(grep -c '^!\[' "$W/a/report.md")" 6 "run alone: six plots shown"
links_ok "$W/a" "run alone"
if grep -q '^## Comparison' "$W/a/report.md"; then t_ok 1 "run alone: no comparison section"; else t_ok 0 "run alone: no comparison section"; fi

# --- with a base: the injected-delay run against A
rc=0; "$REP" "$FIX/lab-delay" --base "$FIX/lab-a" --plot-base --out "$W/d" >"$W/d.out" 2>"$W/d.err" || rc=$?
t_is "$rc" 1 "delay against A: exit 1 (regression)"
t_grep '^\*\*Comparison verdict: REGRESSION: ' "$W/d/report.md" "delay against A: verdict at the top"
t_grep '^### Flagged' "$W/d/report.md" "delay against A: flagged table nested in the report"
t_grep 'populate faultline0 insert-page 16M T1 write seq \| populate_ns \|.*\| REGR \|' "$W/d/report.md" "delay against A: insert-page populate_ns in the flagged table"
for f in compare.txt compare.md compare.json change-per-case.png change-per-case.svg change-per-case.gp change-per-case.dat; do
	[ -s "$W/d/$f" ] || echo "# missing $f"
done >"$W/d.missing"
t_is "$(cat "$W/d.missing")" "" "delay against A: compare.{txt,md,json} and the change-per-case plot written"
t_is "$(grep -c '^!\[' "$W/d/report.md")" 13 "delay against A: 6 + 6 base plots and the change plot shown"
links_ok "$W/d" "delay against A"
t_grep 'REGRESSION' "$W/d.err" "delay against A: the verdict on stderr"

# --- A/A: exit 0
rc=0; "$REP" "$FIX/lab-a2" --base "$FIX/lab-a" --out "$W/aa" >/dev/null 2>&1 || rc=$?
t_is "$rc" 0 "A/A: exit 0"
t_grep '^\*\*Comparison verdict: PASS: 0 regression' "$W/aa/report.md" "A/A: verdict PASS"

# --- a run with unsupported cases: listed with their reasons
rc=0; "$REP" "$FIX/native-smoke" --out "$W/n" >/dev/null 2>&1 || rc=$?
t_is "$rc" 0 "native run: exit 0"
t_grep '^\| 9 populate faultline0 insert-page 16M T1 read seq \| unsupported \| open\(/dev/faultline0\)' "$W/n/report.md" \
	"native run: unsupported cases listed with the reason"

# --- a folder of several runs (scripts/run-matrix's OUT/<m>/<m>/): a
# report per run and an index
mkdir -p "$W/mm"
cp -r "$FIX/lab-a" "$W/mm/compare-test"; cp -r "$FIX/lab-revoke-rates" "$W/mm/revoke-rates"
rc=0; "$REP" "$W/mm" >"$W/mm.out" 2>&1 || rc=$?
t_is "$rc" 0 "several runs: exit 0"
t_ok "$([ -s "$W/mm/compare-test/compare-test/report/report.md" ] && [ -s "$W/mm/revoke-rates/revoke-rates/report/report.md" ]; echo $?)" \
	"several runs: a report in each run folder"
t_is "$(grep -c '^| [a-z-]* | 6.12.117' "$W/mm/report.md")" 2 "several runs: the index lists both runs"
links_ok "$W/mm" "several runs: index"
rc=0; "$REP" "$W/mm" --base "$FIX/lab-a" >/dev/null 2>&1 || rc=$?
t_is "$rc" 2 "several runs with --base: exit 2"

# --- bad input
rc=0; out=$("$REP" "$FIX/lab-a" --base "$W/none" 2>&1) || rc=$?
t_is "$rc" 2 "missing base: exit 2"
t_grep "$W/none: no such file or folder" <(echo "$out") "missing base: the message names it"
t_done
