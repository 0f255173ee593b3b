# SPDX-License-Identifier: GPL-2.0
# Shared helpers for faultline's shell scripts (sourced, not run).

FL_TOP=${FL_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FL_PROG=${FL_PROG:-$(basename "$0")}

# Progress and errors go to stderr, prefixed with the program's name, so
# that a command's own stdout stays clean for pipes.
fl_say()  { printf '%s: %s\n' "$FL_PROG" "$*" >&2; }
fl_warn() { printf '%s: warning: %s\n' "$FL_PROG" "$*" >&2; }
fl_die()  { printf '%s: error: %s\n' "$FL_PROG" "$*" >&2; exit "${FL_DIE_STATUS:-2}"; }

# fl_step NAME MESSAGE: a progress line for a slow step, with elapsed time
# since the script started.
fl_step() {
	local name=$1; shift
	printf '%s: [%s +%ss] %s\n' "$FL_PROG" "$name" "$SECONDS" "$*" >&2
}

# fl_size_bytes 4G -> 4294967296.  Accepts a plain byte count or K/M/G/T
# suffixes (binary, optional trailing B or iB).  Returns 1 on bad input.
fl_size_bytes() {
	local s=${1^^} n mult=1
	s=${s%IB}; s=${s%B}
	case $s in
	*K) mult=$((1 << 10)); n=${s%K} ;;
	*M) mult=$((1 << 20)); n=${s%M} ;;
	*G) mult=$((1 << 30)); n=${s%G} ;;
	*T) mult=$((1 << 40)); n=${s%T} ;;
	*)  n=$s ;;
	esac
	[[ $n =~ ^[0-9]+$ ]] || return 1
	echo $((n * mult))
}

# fl_is_pow2 N: true if N is a power of two (and not zero).
fl_is_pow2() { (( $1 > 0 && ($1 & ($1 - 1)) == 0 )); }

# fl_human BYTES -> "4G", "512M", ... (exact binary units only).
fl_human() {
	local b=$1 u
	for u in T G M K; do
		local m
		case $u in T) m=$((1 << 40));; G) m=$((1 << 30));; M) m=$((1 << 20));; K) m=1024;; esac
		if (( b >= m && b % m == 0 )); then echo "$((b / m))$u"; return; fi
	done
	echo "$b"
}

# fl_git_rev: the revision of the tree, with -dirty when modified.
fl_git_rev() {
	git -C "$FL_TOP" describe --always --dirty --abbrev=12 2>/dev/null || echo unknown
}

# The kernel-log lines that fail a run; one extended regex per line.
FL_KLOG_PATTERNS=$FL_TOP/scripts/lib/klog-bad.re
# The kernel reports flbench stress records as findings, not failures,
# once it has done what causes them (CONFIG.md, "Strategies": remap-fault
# and "Moving a PUD mapping"):
# remap-fault's lock warning, and 6.12's "bad pud" from mremap() of a PUD
# mapping.  As lab options, for the boots that run the stress.
FL_STRESS_KNOWN_WARN=(--expect-warn 'rwsem\.h:[0-9]+'
		      --expect-warn 'pgtable-generic\.c:[0-9]+: bad pud')

# fl_klog_bad LOGFILE [EXPECTED_REGEX...]: print the lines of LOGFILE that
# match a bad pattern and none of the expected ones.
fl_klog_bad() {
	local log=$1; shift
	local exp
	grep -a -E -f "$FL_KLOG_PATTERNS" "$log" 2>/dev/null |
	{
		if (( $# )); then
			local args=()
			for exp in "$@"; do args+=(-e "$exp"); done
			grep -a -v -E "${args[@]}"
		else
			cat
		fi
	} || true
}
