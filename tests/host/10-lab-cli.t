#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The lab refuses bad settings before booting, with a message naming them.
. "$(dirname "$0")/../lib/tap.sh"

t_refused() {		# t_refused NAME REGEX ENV... -- LAB ARGS...
	local name=$1 re=$2; shift 2
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done; shift
	local out rc=0
	out=$(env "${env[@]}" "$LAB" "$@" 2>&1) || rc=$?
	if (( rc != 0 )) && grep -q -E -- "$re" <<<"$out"; then
		t_ok 0 "$name"
	else
		echo "# exit $rc, output:"; t_diag <<<"$out"; t_ok 1 "$name"
	fi
}

t_refused "BAR size not a power of two" "bad BAR size '3G'.*power of two.*2G or 4G" LAB_BAR_SIZE=3G -- info
t_refused "BAR size not a number" "bad BAR size 'lots'" -- run --bar-size lots -- true
t_refused "BAR size zero" "bad BAR size '0'" LAB_BAR_SIZE=0 -- info
t_refused "BAR larger than the PCI hole" "does not fit the 64-bit PCI hole" LAB_BAR_SIZE=512G -- info
t_refused "PCI hole beyond 40 address bits" "exceeds the guest's 40 physical" LAB_PCI_HOLE64=2T -- info
t_refused "odd vCPUs with two NUMA nodes" "even number of vCPUs" LAB_NUMA=2 LAB_CPUS=3 -- info
t_refused "unknown kernel" "unknown lab kernel '5.4'" -- info --kernel 5.4
t_refused "bzImage without LAB_KDIR" "set LAB_KDIR" LAB_KDIR= -- info --kernel "$0"
t_refused "unknown acceleration" "LAB_ACCEL=fast" LAB_ACCEL=fast -- info
t_refused "run without a command" "no command given" -- run
t_refused "unknown option" "unknown option '--frobnicate'" -- run --frobnicate 1 -- true
t_refused "unknown command" "unknown command 'boot'" -- boot
t_refused "LAB_DEADLINE not a number" "LAB_DEADLINE=soon: expected seconds since the epoch" LAB_DEADLINE=soon -- run -- true
t_refused "LAB_DEADLINE too close" "LAB_DEADLINE is [0-9]+s away: no time left" LAB_DEADLINE=$(( $(date +%s) + 30 )) -- run -- true
t_done
