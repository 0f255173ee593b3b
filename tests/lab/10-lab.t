#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lab itself: each lab kernel boots, faultline.ko loads, unloads and
# reloads cleanly, $OUT comes back byte-exact, --add brings executables with
# their libraries, a failing command and a kernel WARNING fail the lab, an
# expected warning is a finding, a hung command ends at --timeout with the
# guest's stacks, and a 64 GiB BAR fits a 24 GiB host.
. "$(dirname "$0")/../lib/tap.sh"

# Build the WARNING module and the --add probe once per kernel.
t_build_warn_module() {		# t_build_warn_module KERNEL -> path of .ko
	local kdir dir=$FL_TEST_RESULTS/build-fl_test_warn-$1
	kdir=$("$LAB" kdir --kernel "$1") || return 1
	rm -rf "$dir"; mkdir -p "$dir"
	cp "$FL_TOP"/tests/lab/modules/fl_test_warn/* "$dir/"
	make -s -C "$kdir" M="$dir" modules >"$dir/build.log" 2>&1 || { t_diag <"$dir/build.log"; return 1; }
	echo "$dir/fl_test_warn.ko"
}

mkdir -p "$FL_TEST_RESULTS"
probe=$FL_TEST_RESULTS/add_probe
gcc -O2 -Wall -Werror -o "$probe" "$FL_TOP/tests/lab/progs/add_probe.c" -lhwloc -lnuma
t_ok $? "build the --add probe (links libhwloc and libnuma)"

guest_script='
set -e
grep "^faultline " /proc/modules >$OUT/loaded
fl-module unload
grep -c "^faultline " /proc/modules >$OUT/after-unload || true
fl-module load
grep "^faultline " /proc/modules >$OUT/reloaded
head -c 3000000 /dev/urandom >$OUT/blob
sha256sum $OUT/blob | cut -d" " -f1 >$OUT/blob.sha256
mkdir -p $OUT/sub/dir && echo nested >$OUT/sub/dir/file
uname -r >$OUT/uname
/usr/local/bin/add_probe >$OUT/add_probe.txt
'

for k in $FL_TEST_KERNELS; do
	rel=$("$LAB" kernel --kernel "$k" 2>/dev/null)
	t_lab "boot-$k" --kernel "$k" --add "$probe:/usr/local/bin/add_probe" -- sh -c "$guest_script"
	d=$T_LAB_DIR
	t_is "$T_LAB_RC" 0 "[$k] boots, runs the command, clean kernel log"
	t_is "$(cat "$d/uname" 2>/dev/null)" "$rel" "[$k] guest runs kernel $rel"
	t_ok "$( [ -s "$d/loaded" ]; echo $?)" "[$k] faultline.ko loaded at boot"
	t_is "$(cat "$d/after-unload" 2>/dev/null)" 0 "[$k] faultline.ko unloads"
	t_ok "$( [ -s "$d/reloaded" ]; echo $?)" "[$k] faultline.ko reloads"
	t_is "$(sha256sum <"$d/blob" 2>/dev/null | cut -d' ' -f1)" "$(cat "$d/blob.sha256" 2>/dev/null || echo no-checksum-came-back)" "[$k] \$OUT file comes back byte-exact"
	t_is "$(cat "$d/sub/dir/file" 2>/dev/null)" nested "[$k] \$OUT subfolders come back"
	t_grep '^add_probe: pus=[0-9]+ numa_nodes=2$' "$d/add_probe.txt" "[$k] --add executable runs with its libraries (2 NUMA nodes)"
	t_ok "$( [ -s "$d/kernel.log" ] && [ ! -e "$d/INCOMPLETE" ]; echo $?)" "[$k] kernel log kept, folder not marked incomplete"
	t_is "$(jq -r .status "$d/lab/lab.json" 2>/dev/null)" ok "[$k] lab.json records status ok"

	ko=$(t_build_warn_module "$k")
	t_ok $? "[$k] build the WARNING test module"
	[ "$k" = "${FL_TEST_KERNELS%% *}" ] && first_ko=$ko
	t_lab "warn-$k" --kernel "$k" --add "$ko:/root/w.ko" -- insmod /root/w.ko
	t_is "$T_LAB_RC" 3 "[$k] a kernel WARNING fails the lab (exit 3)"
	t_grep 'unexpected reports' "$T_LAB_DIR.log" "[$k] ... and the lab says why"
	t_grep 'WARNING: .*fl_test_warn' "$T_LAB_DIR.log" "[$k] ... naming the line"
	t_is "$(jq -r .status "$T_LAB_DIR/lab/lab.json" 2>/dev/null)" kernel-log "[$k] ... recorded in lab.json"
done

k=${FL_TEST_KERNELS%% *}
t_lab "expect-warn" --kernel "$k" --add "$first_ko:/root/w.ko" --expect-warn 'fl_test_warn' -- insmod /root/w.ko
t_is "$T_LAB_RC" 0 "[$k] an expected warning does not fail the lab"
t_grep 'WARNING: .*fl_test_warn' "$T_LAB_DIR/lab/findings.log" "[$k] ... and is recorded as a finding"

t_lab "fail" --kernel "$k" -- sh -c 'echo failing on purpose; exit 7'
t_is "$T_LAB_RC" 7 "[$k] the lab exits with the command's status"
t_grep '^# failing on purpose$' <(t_diag <"$T_LAB_DIR.log") "[$k] the command's output reaches the host"

# A hung command: the lab stops the guest at --timeout, marks the folder
# incomplete, and the guest watchdog's task list and stacks come back.
t_lab "timeout" --kernel "$k" --timeout 75 -- sh -c 'echo hanging on purpose; exec sleep 1000'
t_is "$T_LAB_RC" 255 "[$k] a hung command ends at --timeout (exit 255)"
t_is "$(jq -r .status "$T_LAB_DIR/lab/lab.json" 2>/dev/null)" timeout "[$k] ... recorded in lab.json as timeout"
t_ok "$( [ -e "$T_LAB_DIR/INCOMPLETE" ]; echo $?)" "[$k] ... and the folder stays marked incomplete"
t_grep 'lab: guest watchdog: still running 20 s before --timeout 75s' "$T_LAB_DIR/kernel.log" "[$k] ... the guest watchdog spoke first"
t_grep 'lab: +[0-9]+ +[0-9]+ +S +sleep 1000' "$T_LAB_DIR.log" "[$k] ... listing the hung task in the lab's output"
t_grep 'sysrq: Show Blocked State' "$T_LAB_DIR/kernel.log" "[$k] ... and the blocked tasks' stacks are in the kept kernel log"
t_grep 'NMI backtrace for cpu|sysrq: Show backtrace of all active CPUs' "$T_LAB_DIR/kernel.log" "[$k] ... with every CPU's backtrace"

t_lab "bar64g" --kernel "$k" --bar-size 64G -- sh -c 'cat /proc/iomem >$OUT/iomem; echo $FL_BAR_BDF >$OUT/bdf'
t_is "$T_LAB_RC" 0 "[$k] boots with a 64 GiB BAR on a $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) >> 20 )) GiB host"
bdf=$(cat "$T_LAB_DIR/bdf" 2>/dev/null)
size=0 range=
for r in $(awk -v b="$bdf" '$3 == b { print $1 }' "$T_LAB_DIR/iomem" 2>/dev/null); do
	s=$(( 0x${r#*-} - 0x${r%-*} + 1 ))
	(( s > size )) && { size=$s; range=$r; }
done
t_is "$size" $((64 << 30)) "[$k] /proc/iomem shows the 64 GiB BAR of $bdf ($range)"
t_done
