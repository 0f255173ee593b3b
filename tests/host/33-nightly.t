#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/nightly on fixture runs (--run): the first run becomes the
# baseline, an A/A run passes, the injected-delay run regresses (exit 1);
# the history keeps one folder per run and index.tsv/index.md; the
# baseline moves only when asked; a second nightly on the same history is
# refused; bad options and a bad index exit 2.
. "$(dirname "$0")/../lib/tap.sh"

N=$FL_TOP/scripts/nightly
FIX=$FL_TOP/tests/fixtures/results
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
H=$W/hist

night() {	# night ARGS...: RC, output in $W/last.{out,err}
	RC=0
	"$N" --history "$H" "$@" >"$W/last.out" 2>"$W/last.err" || RC=$?
}
field() {	# field LINE NAME: a column of index.tsv (LINE 1 = first run)
	awk -F'\t' -v l="$(( $1 + 1 ))" -v f="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == l { print $c[f] }' "$H/index.tsv"
}

night --run "$FIX/lab-a"
t_is "$RC" 0 "first run: exit 0"
t_is "$(field 1 verdict)" baseline "first run: verdict baseline"
t_is "$(readlink "$H/baseline")" "runs/$(field 1 id)" "first run: HISTORY/baseline links to it"
t_ok "$([ -f "$H/runs/$(field 1 id)/compare-test/result.json" ]; echo $?)" "first run: its run folder is kept in the history"
t_ok "$([ -f "$H/$(field 1 report)" ]; echo $?)" "first run: its report is written"
t_is "$(field 1 kernel)|$(field 1 environment)|$(field 1 matrix)|$(field 1 git_rev)" \
	"6.12.117+deb12-cloud-amd64|lab|run.mx|9a3178c53199" "first run: kernel, environment, matrix and git revision indexed"

night --run "$FIX/lab-a2"
t_is "$RC" 0 "A/A run: exit 0"
t_is "$(field 2 verdict)|$(field 2 regressions)|$(field 2 baseline)" "pass|0|$(field 1 id)" "A/A run: pass against the first run"

night --run "$FIX/lab-delay"
t_is "$RC" 1 "injected-delay run: exit 1"
t_is "$(field 3 verdict)" regression "injected-delay run: verdict regression"
t_ok "$([ "$(field 3 regressions)" -gt 0 ]; echo $?)" "injected-delay run: regressions counted ($(field 3 regressions))"
t_grep "REGRESSION" "$W/last.err" "injected-delay run: says so on stderr"
t_grep "^\| .* \| REGRESSION \| $(field 3 regressions) \|" "$H/index.md" "index.md: the regression, newest first"
t_is "$(grep -c '^| 20[0-9][0-9]-' "$H/index.md")" 3 "index.md: one row per run"
t_is "$(readlink "$H/baseline")" "runs/$(field 1 id)" "the baseline did not move"

night --run "$FIX/lab-a2" --update-baseline pass
t_is "$RC:$(field 4 verdict)" 0:pass "--update-baseline pass: a passing run"
t_is "$(readlink "$H/baseline")" "runs/$(field 4 id)" "--update-baseline pass: the baseline moved to it"

night --run "$FIX/lab-a" --set-baseline --keep 2
t_is "$RC" 0 "--set-baseline --keep 2: exit 0"
t_is "$(readlink "$H/baseline")" "runs/$(field 5 id)" "--set-baseline: the baseline is the newest run"
t_is "$(ls "$H/runs" | wc -l)" 2 "--keep 2: two run folders left"
t_is "$(( $(wc -l <"$H/index.tsv") - 1 ))" 5 "--keep 2: the index keeps all five runs"
t_grep '\(pruned\)' "$H/index.md" "--keep 2: index.md says which reports were pruned"

# refused while another nightly holds the history (this shell holds the
# lock for as long as the second nightly runs: no timing involved)
exec {lockfd}>"$H/.lock"
flock "$lockfd"
night --run "$FIX/lab-a"
flock -u "$lockfd"
exec {lockfd}>&-
t_is "$RC" 2 "second nightly on the same history: exit 2"
t_grep "is in use by another nightly" "$W/last.err" "second nightly: the message says why"

# bad options and bad files
night --run "$FIX/lab-a" --native
t_is "$RC" 2 "--run with --native: exit 2"
night --matrix "$W/none.mx"
t_is "$RC" 2 "missing matrix file: exit 2"
t_grep "none.mx: no such matrix file" "$W/last.err" "missing matrix file: named"
printf 'date\tverdict\n' >"$W/bad.tsv"
mkdir -p "$W/h2"; cp "$W/bad.tsv" "$W/h2/index.tsv"
RC=0; "$N" --history "$W/h2" --run "$FIX/lab-a" >/dev/null 2>"$W/last.err" || RC=$?
t_is "$RC" 2 "a foreign index.tsv: exit 2"
t_grep "not a nightly index" "$W/last.err" "a foreign index.tsv: named"
night --run "$W/none"
t_is "$RC" 2 "missing run folder: exit 2"
t_done
