#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1200
#
# flbench stress (issue 7) in the lab, one boot per kernel, with the PCI
# BAR and a 512 MiB RAM-backed device: every strategy alone (fixed seed,
# --ops, so each thread's schedule is the same every time), insert-bulk
# and huge over both devices at once (GiB windows, misaligned addresses),
# the whole mix with unbind/rebind of the PCI device while mapped, and on
# the first kernel the deliberately broken driver (broken_huge_align=1):
# stress must fail with a data mismatch within its default duration and
# say so in its report.  Asserted per run: the exit status, every
# operation of the schedule done or skipped, counters checked at every
# checkpoint, no unexpected kernel-log line; remap-fault's lock warning
# is a finding (on kernels that print it), never a failure.
#
# For other callers (the debug-kernel test): FL_STRESS_OPS (operations a
# thread, 400; the mixed run twice that, and at least 60 so that its
# schedule reaches an unbind), FL_STRESS_SEED (11),
# FL_STRESS_OP_TIMEOUT (flbench's --op-timeout, 60s), FL_STRESS_DURATION
# (flbench's --duration, 30s: the cap within which the schedule must be
# done; the broken run uses it too), FL_STRESS_BROKEN
# (1: the broken-driver run on the first kernel, 0: none).
. "$(dirname "$0")/../lib/tap.sh"

SEED=${FL_STRESS_SEED:-11}
OPS=${FL_STRESS_OPS:-400}
MIXED_OPS=$((2 * OPS))
OP_TIMEOUT=${FL_STRESS_OP_TIMEOUT:-60s}
DURATION=${FL_STRESS_DURATION:-30s}
BROKEN_SEED=3

T_JQ_DIAG='.cases[0].reason // empty'

# The guest's side: runs go to $OUT/NAME (result.json), NAME.log, NAME.rc.
guest_script() {	# guest_script "STRATEGIES" BROKEN(0|1)
	cat <<EOF
node() { for d in /sys/class/misc/faultline*; do [ "\$(cat \$d/backing)" = \$1 ] && echo /dev/\${d##*/}; done; }
run() { n=\$1; shift; flbench stress --quiet --op-timeout $OP_TIMEOUT --duration $DURATION --out \$OUT/\$n "\$@" >\$OUT/\$n.log 2>&1; echo \$? >\$OUT/\$n.rc; }
for s in $1; do
	run \$s --target faultline:\$(node pci) --strategy \$s --threads 2 --seed $SEED --ops $OPS
done
run bulk --target faultline:\$(node pci),faultline:\$(node ram) --strategy insert-bulk --threads 2 --seed $SEED --ops $OPS
case " $1 " in *" huge "*)
	run huge2 --target faultline:\$(node pci),faultline:\$(node ram) --strategy huge --threads 2 --seed $SEED --ops $OPS ;;
esac
run mixed --target faultline:\$(node pci),faultline:\$(node ram) --threads 2 --seed 12 --ops $MIXED_OPS
if [ $2 = 1 ]; then
	fl-module reload broken_huge_align=1 ram_mb=512
	run broken --target faultline:\$(node pci) --threads 2 --seed $BROKEN_SEED
fi
EOF
}

first=${FL_TEST_KERNELS%% *}
for k in $FL_TEST_KERNELS; do
	strategies="remap-mmap remap-fault insert-page insert-bulk insert-around huge"
	# 6.1 cannot map huge PFNMAP entries: huge is EOPNOTSUPP there.
	[ "$k" = 6.1 ] && strategies=${strategies% huge}
	broken=0
	[ "$k" = "$first" ] && [ "${FL_STRESS_BROKEN:-1}" = 1 ] && broken=1
	t_lab "stress-$k" --kernel "$k" --modparams ram_mb=512 \
		"${FL_STRESS_KNOWN_WARN[@]}" -- sh -c "$(guest_script "$strategies" $broken)"
	d=$T_LAB_DIR
	t_is "$T_LAB_RC" 0 "[$k] the lab ran; no unexpected kernel-log line (the known kernel findings excused)"
	runs="$strategies bulk mixed"
	case " $strategies " in *" huge "*) runs="$runs huge2" ;; esac
	for r in $runs; do
		j=$d/$r/result.json
		t_is "$(cat "$d/$r.rc" 2>/dev/null)" 0 "[$k] stress $r: exit 0"
		[ -f "$j" ] || { t_ok 1 "[$k] stress $r: result.json"; continue; }
		t_jq "[$k] stress $r: case ok, no failure" \
			'.cases[0].status == "ok" and .cases[0].scenario.failed == false' "$j"
		nops=$OPS
		[ "$r" = mixed ] && nops=$MIXED_OPS
		t_jq "[$k] stress $r: the whole schedule ($nops operations a thread) done or skipped" \
			"([.cases[0].scenario.ops[] | .done + .skipped] | add) == 2 * $nops" "$j"
		t_jq "[$k] stress $r: counters checked for every device at every checkpoint" \
			'.cases[0].scenario.counter_checks >= (.cases[0].scenario.devices | length) and .cases[0].scenario.counter_checks == (.cases[0].scenario.checkpoints * (.cases[0].scenario.devices | length))' "$j"
		t_jq "[$k] stress $r: kernel log read, nothing unexpected" \
			'.cases[0].scenario.klog.available and .cases[0].scenario.klog.failures == 0' "$j"
		t_jq "[$k] stress $r: pages checked and written" \
			'([.cases[0].metrics[] | select(.name == "pages_checked" or .name == "pages_written") | .samples[0] > 0] | all)' "$j"
		t_jq "[$k] stress $r: a 'bad pud' finding only after a move of a range a PUD entry may map" \
			'.cases[0].scenario | ([.klog.finding_lines[] | select(test("bad pud"))] | length == 0) or .pud_mremaps > 0' "$j"
		t_jq "[$k] stress $r: slowest_op_ns is the longest operation kind's max_ns, within --op-timeout" \
			'.cases[0] | ([.scenario.ops[] | select(.done > 0) | .max_ns > 0] | all) and (.metrics[] | select(.name == "slowest_op_ns") | .samples[0]) == ([.scenario.ops[].max_ns] | max) and ([.scenario.ops[].max_ns] | max) < .params.op_timeout_ns' "$j"
	done
	for s in $strategies; do
		t_jq "[$k] stress $s: its mappings used $s" \
			".cases[0].scenario.devices[0].mmaps_by_strategy[\"$s\"] > 0" "$d/$s/result.json"
	done
	if [ "$k" != 6.1 ]; then	# 6.1 does not print it
		t_jq "[$k] stress remap-fault: the lock warning recorded as a finding" \
			'.cases[0].scenario.klog.findings > 0 and .cases[0].scenario.remap_fault_used' \
			"$d/remap-fault/result.json"
	fi
	for r in bulk mixed; do
		t_jq "[$k] stress $r: two devices, mapped in windows of a GiB or more on the BAR" \
			'(.cases[0].scenario.devices | length) == 2 and .cases[0].scenario.devices[0].largest_mapping >= 1073741824' \
			"$d/$r/result.json"
	done
	t_jq "[$k] stress mixed: the PCI device unbound and bound again while mapped" \
		'.cases[0].scenario.unbind and .cases[0].scenario.devices[0].unbinds >= 1' "$d/mixed/result.json"
	t_jq "[$k] stress mixed: fork children, revokes, remaps, punches, strategy changes all ran" \
		'[.cases[0].scenario.ops | .fork.done, .revoke.done, .mremap.done, .punch.done, .strategy.done, .madvise.done, .mprotect.done, .close.done | . > 0] | all' \
		"$d/mixed/result.json"
	[ $broken = 1 ] || continue
	# The checks bite: a driver that maps the wrong memory is caught.
	t_is "$(cat "$d/broken.rc" 2>/dev/null)" 1 "[$k] broken_huge_align=1: stress fails (exit 1) within its default duration"
	t_grep '^failure: .*data mismatch: .*huge: .*(the mapping shows the wrong memory|lost)' "$d/broken.log" \
		"[$k] ... with a data mismatch on a huge mapping, named in the report"
	t_grep "^seed: $BROKEN_SEED\$" "$d/broken.log" "[$k] ... the report gives the seed"
	t_grep "^replay: flbench stress .*--seed $BROKEN_SEED " "$d/broken.log" "[$k] ... and the command that replays it"
	t_grep '^thread [01]: [0-9]+ operations, the last' "$d/broken.log" "[$k] ... and each thread's operation trace"
	t_grep '-> FAILED' "$d/broken.log" "[$k] ... which marks the failing operation"
	t_jq "[$k] ... result.json: the case failed, the reason and traces recorded" \
		'.cases[0].status == "failed" and (.cases[0].reason | test("data mismatch")) and (.cases[0].scenario.traces | length) == 3' \
		"$d/broken/result.json"
done
t_done
