# SPDX-License-Identifier: GPL-2.0
# TAP helpers for tests/*/*.t shell tests (sourced).  The plan is printed
# at the end by t_done, so a file may add results as it goes.

FL_PROG=${FL_PROG:-$(basename "$0" .t)}
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
LAB=$FL_TOP/scripts/lab
T_N=0
T_FAILED=0
# lastpipe: a pipeline's last part (t_reemit's loop) runs in this shell,
# so the counts it keeps stay.
shopt -s lastpipe
FL_TEST_RESULTS=${FL_TEST_RESULTS:-$FL_TOP/results/tests-manual}
FL_TEST_KERNELS=${FL_TEST_KERNELS:-6.12 6.1}
# A guest still running 60 s before the runner kills this file is stopped
# by the lab instead, so that its log and stacks reach the TAP output.
[ -n "${FL_TEST_DEADLINE:-}" ] && export LAB_DEADLINE=$((FL_TEST_DEADLINE - 60))

t_diag() { sed 's/^/# /'; }
t_ok() {		# t_ok STATUS NAME: STATUS 0 is a pass
	T_N=$((T_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}
t_skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP ${2:-}"; }
t_is() {		# t_is GOT WANT NAME
	if [ "$1" = "$2" ]; then t_ok 0 "$3"; else
		echo "# got '$1', want '$2'"; t_ok 1 "$3"; fi
}
t_grep() {		# t_grep REGEX FILE NAME
	if grep -q -E -- "$1" "$2" 2>/dev/null; then t_ok 0 "$3"; else
		echo "# no line matching /$1/ in $2"; t_ok 1 "$3"; fi
}
# t_jq NAME FILTER FILE [DIAG]: jq FILTER on FILE prints true; else the
# output of jq DIAG (default $T_JQ_DIAG, else nothing) as diagnostics.
t_jq() {
	local got diag=${4:-${T_JQ_DIAG:-}}
	got=$(jq -r "$2" "$3" 2>&1)
	if [ "$got" != true ] && [ -n "$diag" ]; then
		jq -r "$diag" "$3" 2>&1 | head -n 20 | t_diag
	fi
	t_is "$got" true "$1"
}
t_done() { echo "1..$T_N"; [ "$T_FAILED" = 0 ]; }

# t_lab NAME [LAB OPTIONS] -- CMD...: run a lab command with its results in
# $FL_TEST_RESULTS/NAME; stdout+stderr go to NAME.log and, as TAP
# diagnostics, to stdout.  Sets T_LAB_RC and T_LAB_DIR.
t_lab() {
	local name=$1; shift
	T_LAB_DIR=$FL_TEST_RESULTS/$name
	rm -rf "$T_LAB_DIR"; mkdir -p "$FL_TEST_RESULTS"
	T_LAB_RC=0
	"$LAB" run --out "$T_LAB_DIR" "$@" >"$T_LAB_DIR.log" 2>&1 || T_LAB_RC=$?
	t_diag <"$T_LAB_DIR.log"
}

# t_reemit [SUFFIX]: read TAP (or KTAP) results on stdin and add them to
# ours, renumbered, SUFFIX appended to each name; plans dropped, every
# other line a diagnostic.
t_reemit() {
	local line
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+\ (.*)$ ]]; then
			T_N=$((T_N + 1))
			[ -n "${BASH_REMATCH[1]}" ] && T_FAILED=$((T_FAILED + 1))
			echo "${BASH_REMATCH[1]}ok $T_N ${BASH_REMATCH[2]}${1:-}"
		elif [[ $line =~ ^1\.\.[0-9]+ ]]; then
			:
		else
			echo "# ${line#\# }"
		fi
	done
}

# t_include FILE [NAME=VALUE...]: run another test file (with those
# variables set) and add its results to ours; its exit status is one more.
t_include() {
	local file=$1 rcfile; shift
	rcfile=$(mktemp)
	{ env "$@" "$file" 2>&1; echo $? >"$rcfile"; } | t_reemit
	t_ok "$(cat "$rcfile")" "${file##*/}${*:+ ($*)}: exit status 0"
	rm -f "$rcfile"
}

# t_lab_group GROUP KERNEL [LAB OPTIONS]: run guest test group GROUP in one
# boot of lab kernel KERNEL,
# re-emit its results as ours, then one result for the boot as a whole
# (lab exit status and a clean kernel log outside the tests).
t_lab_group() {
	local group=$1 kernel=$2; shift 2
	local tests=$FL_TOP/tests/guest/$group/TESTS expect=() re line
	for re in $(sed -n 's/.*expect-warn=\([^ ]*\).*/\1/p' "$tests"); do
		expect+=(--expect-warn "$re")
	done
	local name=$group-$kernel
	T_LAB_DIR=$FL_TEST_RESULTS/$name
	rm -rf "$T_LAB_DIR"; mkdir -p "$FL_TEST_RESULTS"
	local rcfile
	rcfile=$(mktemp)
	{ "$LAB" run --kernel "$kernel" --out "$T_LAB_DIR" "$@" "${expect[@]}" -- fl-runtests "$group" 2>&1
	  echo $? >"$rcfile"; } | t_reemit " [$kernel]"
	T_LAB_RC=$(cat "$rcfile")
	rm -f "$rcfile"
	t_ok "$T_LAB_RC" "$group [$kernel]: lab exit status 0 and clean kernel log"
}
