#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/plot on fixture runs: every expected plot exists as PNG, SVG, .gp
# and .dat; gnuplot exits 0 without warnings; images have the size asked
# for; each .gp remakes its images alone; captions name kernel, CPU, lab or
# native (lab: times emulated) and the run; the plotted counts are exact.
. "$(dirname "$0")/../lib/tap.sh"

PLOT=$FL_TOP/scripts/plot
FIX=$FL_TOP/tests/fixtures/results
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

png_size() {	# png_size FILE -> "WIDTHxHEIGHT" from the IHDR chunk
	python3 -c 'import struct,sys
d=open(sys.argv[1],"rb").read(24)
assert d[:8]==b"\x89PNG\r\n\x1a\n" and d[12:16]==b"IHDR", "not a PNG"
print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1" 2>&1
}

# plots_ok NAME DIR PLOT...: every file of every plot, sizes, SVG parses
plots_ok() {
	local name=$1 dir=$2 p e bad=
	shift 2
	for p in "$@"; do
		for e in png svg gp dat; do
			[ -s "$dir/$p.$e" ] || bad="$bad $p.$e"
		done
		[ "$(png_size "$dir/$p.png")" = 1280x760 ] || bad="$bad $p.png:$(png_size "$dir/$p.png")"
		python3 -c 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.get("viewBox") == "0 0 1280 760" else 1)' \
			"$dir/$p.svg" 2>/dev/null || bad="$bad $p.svg"
	done
	t_is "${bad# }" "" "$name: PNG and SVG (1280x760), .gp and .dat of: $*"
}

# --- a lab run: populate (two strategies, two huge sizes, anon), tput
rc=0; "$PLOT" "$FIX/lab-a" --out "$W/a" >"$W/a.out" 2>"$W/a.err" || rc=$?
t_is "$rc" 0 "lab run: scripts/plot exits 0"
plots_ok "lab run" "$W/a" faults-T1-write-seq populate-vs-size-T1-write-seq \
	first-touch-percentiles-T1-write-seq first-touch-cdf-T1-write-seq \
	tput-read-seq-bs4K tput-read-seq-bs2M
t_is "$(jq -r '[.plots[].gnuplot_messages[]] | length' "$W/a/index.json")" 0 "lab run: gnuplot printed no warning"
t_is "$(jq -r '[.skipped[].kind] | join(" ")' "$W/a/index.json")" "revoke vring" \
	"lab run: revoke and ring plots listed as not drawn (no such cases)"
t_grep 'not drawn: vring: no vring cases' "$W/a/index.md" "lab run: index.md says what was not drawn and why"
cap=1
for gp in "$W"/a/*.gp; do
	grep -q 'kernel 6.12.117+deb12-cloud-amd64  |  CPU QEMU TCG CPU version 2.5+  |  lab (QEMU 10.0.2 TCG: times emulated)\\nrun compare-test, 2026-11-22 05:09:20 UTC, git 9a3178c53199' "$gp" || { echo "# no caption in $gp"; cap=0; }
done
t_is "$cap" 1 "lab run: every plot's caption names kernel, CPU, lab (times emulated) and the run"
# exact counts: insert-page 16M takes 4096 faults and inserts 4096 PTEs;
# huge's largest size (256M) 128 PMDs
t_grep '^insert-page \(16M\)	0	4096	4096	0	0	0	ok$' "$W/a/faults-T1-write-seq.dat" \
	"faults plot data: insert-page 4096 faults, 4096 PTE inserts, no other insert"
t_grep '^huge \(256M\)	1	128	0	128	0	0	ok$' "$W/a/faults-T1-write-seq.dat" \
	"faults plot data: huge 256M 128 faults, 128 PMD inserts"
t_grep '^anon \(16M\)	2	4096	NaN' "$W/a/faults-T1-write-seq.dat" "faults plot data: anon 4096 faults, no driver counters"

# a strategy that did not run is named in the faults plot, without bars
"$FL_TOP/tests/fixtures/derive" "$FIX/lab-a" "$W/dv" unsup "status:3:unsupported:EOPNOTSUPP" \
	"status:2:unsupported:EOPNOTSUPP" param:2:size:0 param:3:size:0 >/dev/null
"$PLOT" "$W/dv/unsup" --out "$W/u" --kind faults >/dev/null 2>&1
t_grep '^huge	2	NaN	NaN	NaN	NaN	NaN	unsupported$' "$W/u/faults-T1-write-seq.dat" \
	"faults plot: huge unsupported is a category without bars, labelled unsupported"

# --- each .gp remakes its images on its own
mkdir "$W/regen"
cp "$W"/a/first-touch-cdf-T1-write-seq.{gp,dat} "$W/regen/"
rc=0; (cd "$W/regen" && gnuplot first-touch-cdf-T1-write-seq.gp) >"$W/regen.log" 2>&1 || rc=$?
t_is "$rc:$(png_size "$W/regen/first-touch-cdf-T1-write-seq.png")" 0:1280x760 \
	"a .gp file and its .dat alone remake the PNG"
t_ok "$([ -s "$W/regen/first-touch-cdf-T1-write-seq.svg" ]; echo $?)" "... and the SVG"

# --- revoke storm against rate (lab run of revoke-rates.mx)
rc=0; "$PLOT" "$FIX/lab-revoke-rates" --out "$W/r" >/dev/null 2>&1 || rc=$?
t_is "$rc" 0 "revoke rates: scripts/plot exits 0"
plots_ok "revoke rates" "$W/r" revoke-refault-T2-write-64M revoke-faults-T2-write-64M
t_is "$(grep -c '^# index' "$W/r/revoke-faults-T2-write-64M.dat")" 4 \
	"revoke rates: one series per variant (insert-page, insert-around, huge, vfio)"

# --- a native run with unsupported cases
rc=0; "$PLOT" "$FIX/native-smoke" --out "$W/n" >/dev/null 2>&1 || rc=$?
t_is "$rc" 0 "native run: scripts/plot exits 0"
plots_ok "native run" "$W/n" faults-T1-read-seq faults-T2-write-seq tput-read-seq-bs4K tput-write-seq-bs4K
t_grep 'CPU AMD EPYC  \|  native\\nrun nsmoke, 2026-11-22 05:12:57 UTC' "$W/n/faults-T1-read-seq.gp" "native run: caption says native and names the run"
if grep -q emulated "$W"/n/*.gp; then t_ok 1 "native run: no caption says emulated"; else t_ok 0 "native run: no caption says emulated"; fi

# --- ring plots, from the synthetic ring run (flbench vring does not exist yet)
"$FL_TOP/tests/fixtures/make-vring" "$W/v" >/dev/null
rc=0; "$PLOT" "$W/v/vring-synthetic" --out "$W/vp" >/dev/null 2>&1 || rc=$?
t_is "$rc" 0 "ring (synthetic): scripts/plot exits 0"
plots_ok "ring (synthetic)" "$W/vp" vring-ops-all vring-latency-all
t_is "$(grep -c '^# index' "$W/vp/vring-ops-all.dat")" 4 "ring: one series per access mode (4)"

# --- bad input
rc=0; out=$("$PLOT" "$W/none" 2>&1) || rc=$?
t_is "$rc" 2 "missing run: exit 2"
t_grep "no such file or folder" <(echo "$out") "missing run: the message names it"
rc=0; out=$(GNUPLOT=/nonexistent/gnuplot "$PLOT" "$FIX/lab-a" --out "$W/x" 2>&1) || rc=$?
t_is "$rc" 2 "no gnuplot: exit 2"
t_grep "install gnuplot-nox" <(echo "$out") "no gnuplot: the message says what to install"
t_done
