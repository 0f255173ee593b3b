#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A short matrix (scripts/matrices/lab-short.mx) in the lab produces a
# complete, well-formed results folder: schema, every case ok or
# unsupported with a reason, the fault oracle met, huge's faults equal to
# vfio-pci's, CSV and percentiles present, the environment recorded.
. "$(dirname "$0")/../lib/tap.sh"

k=${FL_TEST_KERNELS%% *}
mx=$FL_TOP/scripts/matrices/lab-short.mx
dir=$FL_TEST_RESULTS/matrix-$k
rm -rf "$dir"
"$FL_TOP/scripts/matrix" lab "$mx" --kernel "$k" --out "$dir" >"$dir.log" 2>&1
rc=$?
t_diag <"$dir.log"
t_is "$rc" 0 "[$k] lab-short.mx runs in the lab"
run=$dir/lab-short
j=$run/result.json

t_ok "$( [ -f "$j" ] && [ ! -e "$run/INCOMPLETE" ] && [ ! -e "$dir/INCOMPLETE" ]; echo $?)" "result.json present, folder complete"
t_is "$(jq -r '.schema, .schema_version, .complete' "$j" 2>/dev/null | tr '\n' ' ')" "faultline-results 1 true " "schema faultline-results v1, complete"
t_is "$(jq -r '.meta.environment' "$j" 2>/dev/null)" lab "recorded as a lab run"
t_is "$(jq -r '.run.times_emulated' "$j" 2>/dev/null)" true "times marked emulated"
t_is "$(jq -r '.meta.kernel.release' "$j" 2>/dev/null)" "$("$LAB" kernel --kernel "$k")" "kernel release recorded"
t_ok "$(jq -e '.meta.git_rev and .meta.kernel.cmdline and .meta.topology.pus and .meta.faultline_module.loaded and (.meta.faultline_module.parameters | length > 0) and .meta.clock.overhead_ns' "$j" >/dev/null 2>&1; echo $?)" "metadata: git rev, cmdline, topology, module parameters, clock overhead"
t_is "$(jq '[.cases[] | select(.status != "ok" and .status != "unsupported")] | length' "$j" 2>/dev/null)" 0 "no case failed or was interrupted"
t_is "$(jq '[.cases[] | select(.status == "unsupported" and ((.reason // "") | length) == 0)] | length' "$j" 2>/dev/null)" 0 "every unsupported case says why"
t_ok "$(jq -e '[.cases[] | select(.status == "ok") | (.metrics | length > 0) and all(.metrics[]; (.samples | length) == .summary.n) and .metrics[0].summary.median != null] | all' "$j" >/dev/null 2>&1; echo $?)" "every ok case has metrics with samples, a summary and a headline median"
t_ok "$(jq -e '[.cases[] | select(.status == "ok" and .params.scenario == "populate") | (.histograms | length > 0) and all(.histograms[]; (.percentiles | has("50") and has("99.99")) and (.bins | length > 0))] | all' "$j" >/dev/null 2>&1; echo $?)" "populate cases carry first-touch histograms at fio's percentiles"
t_ok "$(jq -e '[.cases[] | select(.status == "ok" and (.params.target | startswith("faultline"))) | .faults.driver.available] | all' "$j" >/dev/null 2>&1; echo $?)" "driver fault counts on every faultline case"
t_grep '^case_id,case,scenario,target,variant,' "$run/result.csv" "result.csv has the tidy header"
t_ok "$( [ "$(wc -l <"$run/percentiles.csv")" -gt 10 ]; echo $?)" "percentiles.csv has rows"
"$FL_TOP/scripts/matrix" verify "$run" >"$dir.verify" 2>&1
rc=$?
t_diag <"$dir.verify"
t_is "$rc" 0 "scripts/matrix verify: fault oracle met, huge matches vfio-pci"
t_done
