#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/compare on fixture result folders (tests/fixtures/README.md):
# identical and A/A lab runs flag nothing; the lab run with the driver's
# per-fault delay, a derived regression and a derived fault-count change
# are flagged and exit 1; bad input exits 2 with a message naming it.
. "$(dirname "$0")/../lib/tap.sh"

CMP=$FL_TOP/scripts/compare
FIX=$FL_TOP/tests/fixtures/results
DERIVE=$FL_TOP/tests/fixtures/derive
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
A=$FIX/lab-a A2=$FIX/lab-a2 D=$FIX/lab-delay

# jq over a compare.json: t_jq NAME FILTER FILE (FILTER must print true)

cmp_run() {	# cmp_run NAME ARGS...: runs compare, sets RC, OUT in $W/NAME
	local name=$1; shift
	RC=0
	"$CMP" "$@" --out "$W/$name" >"$W/$name.txt" 2>"$W/$name.err" || RC=$?
}

# --- identical sets
cmp_run same "$A" "$A"
t_is "$RC" 0 "identical runs: exit 0"
t_jq "identical runs: verdict pass, nothing flagged" \
	'.verdict == "pass" and (.flagged | length) == 0' "$W/same/compare.json"
t_grep '^Verdict: PASS: 0 regression' "$W/same.txt" "identical runs: the text says PASS"
t_grep '^Nothing flagged\.' "$W/same/compare.md" "identical runs: the Markdown says nothing flagged"

# --- A/A: two lab boots, same kernel and module
cmp_run aa "$A" "$A2"
t_is "$RC" 0 "A/A lab runs: exit 0"
t_jq "A/A lab runs: nothing flagged, 8 cases matched" \
	'(.flagged | length) == 0 and .counts.matched == 8 and .counts.compared_ok == 8' "$W/aa/compare.json"
t_jq "A/A lab runs: the emulated profile was used" '.settings.profile == "emulated"' "$W/aa/compare.json"

# --- the lab run with --inject-delay 200us
cmp_run delay "$A" "$D"
t_is "$RC" 1 "injected delay: exit 1"
J=$W/delay/compare.json
for m in populate_ns ns_per_fault total_ns pages_per_s; do
	t_jq "injected delay: insert-page $m flagged as a regression" \
		"[.cases[] | select(.name | test(\"insert-page 16M\")) | .rows[] | select(.name == \"$m\" and .kind == \"metric\") | .flag] == [\"regression\"]" "$J"
done
t_jq "injected delay: insert-page first-touch p50 and p90 flagged" \
	'[.cases[] | select(.name | test("insert-page 16M")) | .rows[] | select(.name == "first_touch_ns" and (.label == "p50" or .label == "p90")) | .flag] == ["regression", "regression"]' "$J"
t_jq "injected delay: nothing flagged on the anon control" \
	'[.cases[] | select(.name | test("populate anon")) | .rows[] | select(.flag != null)] | length == 0' "$J"
t_jq "injected delay: nothing flagged on tput" \
	'[.cases[] | select(.name | test("^tput")) | .rows[] | select(.flag != null)] | length == 0' "$J"
t_jq "injected delay: the delay is named as a parameter not matched on" \
	'.ignored_param_differences.inject_delay_ns | keys | any(test("-1 -> 200000"))' "$J"
t_grep '^Median +populate_ns .*\*.*REGR p=0\.008' "$W/delay.txt" "injected delay: text row marked *...* REGR with p"

# --- a derived regression: populate of case 1 ten times slower
"$DERIVE" "$A" "$W/d" slow10 scale:1:populate:10 >/dev/null
cmp_run slow10 "$A" "$W/d/slow10"
t_is "$RC" 1 "derived 10x regression: exit 1"
t_jq "derived 10x regression: exactly the fault-bound rows of case 1 flagged" \
	'[.flagged[] | .case + " " + .what] | sort == (["populate_ns","ns_per_fault","total_ns","pages_per_s","p50","p90"] | map("populate faultline0 insert-page 16M T1 write seq " + .) | sort)' \
	"$W/slow10/compare.json"

# a 3.5x change (the lab samples spread 32..108 ms: 3.5x separates them):
# significant, inside the emulated floor (4x), beyond the native one (10%)
"$DERIVE" "$A" "$W/d" slow35 scale:1:populate_ns:3.5 >/dev/null
cmp_run slow35 "$A" "$W/d/slow35"
t_is "$RC" 0 "derived 3.5x change, emulated profile (4x floor): exit 0"
t_jq "derived 3.5x change, emulated profile: significant, not flagged" \
	'[.cases[0].rows[] | select(.name == "populate_ns")][0] | .significant and .flag == null' "$W/slow35/compare.json"
cmp_run slow35n --profile native "$A" "$W/d/slow35"
t_is "$RC" 1 "derived 3.5x change, native profile (10% floor): exit 1"
t_jq "derived 3.5x change, native profile: populate_ns flagged, p = 2/252" \
	'[.cases[0].rows[] | select(.name == "populate_ns")][0] | .flag == "regression" and (.p * 252 | round) == 2' "$W/slow35n/compare.json"
cmp_run slow35f --floor populate_ns=300 --profile native "$A" "$W/d/slow35"
t_is "$RC" 0 "derived 3.5x change, --floor populate_ns=300: exit 0"

# --- a changed fault count: one more PTE insert in every repetition
"$DERIVE" "$A" "$W/d" count driver:1:insert_pte:1 >/dev/null
cmp_run count "$A" "$W/d/count"
t_is "$RC" 1 "driver count +1: exit 1"
t_jq "driver count +1: flagged exactly (COUNT, method exact), nothing else" \
	'[.flagged[] | .what + " " + .flag] == ["driver.insert_pte count"] and ([.cases[0].rows[] | select(.name == "insert_pte")][0].method == "exact")' \
	"$W/count/compare.json"
t_grep '^Driver +insert_pte +4096 +4097 \*.*\* COUNT' "$W/count.txt" "driver count +1: the text row shows 4096 and 4097, marked"
cmp_run counti --counts-informational "$A" "$W/d/count"
t_is "$RC" 0 "driver count +1 with --counts-informational: exit 0"
t_jq "driver count +1 with --counts-informational: still flagged" \
	'(.flagged | length) == 1' "$W/counti/compare.json"

# --- cases on one side only, unsupported on one side
"$DERIVE" "$A" "$W/d" partial drop:8 "status:2:unsupported:huge PFNMAP needs 6.12 (EOPNOTSUPP)" >/dev/null
cmp_run partial "$A" "$W/d/partial"
t_is "$RC" 1 "a case unsupported on NEW: exit 1"
t_jq "a case unsupported on NEW: a status regression with the reason" \
	'[.cases[] | select(.status == "ok/unsupported")][0] | .flag == "regression" and (.note | test("huge PFNMAP needs 6.12"))' \
	"$W/partial/compare.json"
t_jq "a case missing in NEW: listed as only in BASE" \
	'[.cases[] | select(.status == "base-only")] | length == 1' "$W/partial/compare.json"
t_grep 'only in BASE' "$W/partial.txt" "a case missing in NEW: the text shows it"
cmp_run partialr "$W/d/partial" "$A"
t_jq "unsupported on BASE, ok on NEW: an improvement, and only in NEW listed" \
	'([.cases[] | select(.status == "unsupported/ok")][0].flag == "improvement") and ([.cases[] | select(.status == "new-only")] | length == 1)' \
	"$W/partialr/compare.json"

# a case that did not run records size 0 (nothing mapped): matched by name
"$DERIVE" "$A" "$W/d" size0 "status:3:unsupported:EOPNOTSUPP" param:3:size:0 >/dev/null
cmp_run size0 "$W/d/size0" "$A"
t_jq "unsupported with size 0 on BASE: paired by name with the NEW case, not listed twice" \
	'([.cases[] | select(.name == "populate faultline0 huge 256M T1 write seq") | .status] == ["unsupported/ok"]) and .counts.cases == 8' \
	"$W/size0/compare.json"

# --- the table fits a mail: no table line wider than 80 columns
wide=$(awk 'length > 80' "$W/delay.txt" "$W/partial.txt" "$W/count.txt" "$W/size0.txt" | head -3)
t_is "$wide" "" "text table lines are at most 80 columns"

# --- native runs: native profile, unsupported on both sides shown
cmp_run native "$FIX/native-smoke" "$FIX/native-smoke"
t_is "$RC" 0 "native smoke run against itself: exit 0"
t_jq "native smoke: native profile, unsupported cases shown as unsupported on both" \
	'.settings.profile == "native" and ([.cases[] | select(.status == "unsupported/unsupported")] | length == 2)' \
	"$W/native/compare.json"

# --- bad input: exit 2 and a message naming the problem
bad() {		# bad NAME REGEX ARGS...
	local name=$1 re=$2; shift 2
	local rc=0 out
	out=$("$CMP" "$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = 2 ] && grep -q -E -- "$re" <<<"$out"; then t_ok 0 "$name"; else
		echo "# exit $rc: $out"; t_ok 1 "$name"; fi
}
mkdir -p "$W/bad/notjson" "$W/bad/other" "$W/bad/two/r1" "$W/bad/two/r2" "$W/bad/empty"
echo '{"cases": [' >"$W/bad/notjson/result.json"
echo '{"schema": "something-else", "schema_version": 1}' >"$W/bad/other/result.json"
cp "$A/compare-test/result.json" "$W/bad/two/r1/"; cp "$A/compare-test/result.json" "$W/bad/two/r2/"
"$DERIVE" "$A" "$W/d" v2 schema_version:2 >/dev/null
"$DERIVE" "$A" "$W/d" inc incomplete >/dev/null
bad "missing folder" "$W/nope: no such file or folder" "$W/nope" "$A"
bad "not JSON" "result.json: not valid JSON" "$A" "$W/bad/notjson"
bad "another schema" "not a faultline result \(schema is 'something-else'" "$W/bad/other" "$A"
bad "schema version 2" "schema_version 2 is not supported" "$A" "$W/d/v2"
bad "incomplete run" "the run is incomplete \(interrupted by SIGINT" "$A" "$W/d/inc"
bad "folder without a run" "not a run folder" "$W/bad/empty" "$A"
bad "folder with two runs" "holds 2 run folders \(r1, r2\)" "$W/bad/two" "$A"
bad "no case in common" "no case of .* matches a case of" "$A" "$FIX/native-smoke"
bad "bad --floor" "expected NAME=PERCENT" --floor populate_ns "$A" "$A"
bad "bad --alpha" "alpha must be in \(0, 1\)" --alpha 2 "$A" "$A"
bad "bad --percentiles" "'42' is not one of flbench's percentiles" --percentiles 50,42 "$A" "$A"
RC=0; "$CMP" --allow-incomplete "$A" "$W/d/inc" >/dev/null 2>&1 || RC=$?
t_is "$RC" 0 "incomplete run with --allow-incomplete: compared"

# --- the output files
t_jq "--out writes compare.json with schema faultline-compare" \
	'.schema == "faultline-compare" and .schema_version == 1 and .exit_status == 1' "$W/delay/compare.json"
t_grep '^\| case \| what \| base \| new \| change \| p \| verdict \|' "$W/delay/compare.md" "--out writes the Markdown flagged table"
cmp -s "$W/delay.txt" "$W/delay/compare.txt"; t_ok $? "--out writes compare.txt, the same as stdout"
t_done
