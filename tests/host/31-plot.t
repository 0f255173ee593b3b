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

# --- ring plots, from the synthetic ring run (tests/fixtures/make-vring:
# the fields of flbench vring, numbers from a formula)
"$FL_TOP/tests/fixtures/make-vring" "$W/v" >/dev/null
rc=0; "$PLOT" "$W/v/vring-synthetic" --out "$W/vp" --kind vring >/dev/null 2>&1 || rc=$?
t_is "$rc" 0 "ring (synthetic): scripts/plot exits 0"
VO="vring-ops-kickioctl-ring-memanon-inval-mprotect vring-ops-kickioctl-ring-memanon-inval-dontneed
vring-ops-kickeventfd-ring-memanon vring-ops-kickioctl-ring-memfaultline-dev-faultline0"
VL=$(echo $VO | sed 's/vring-ops-/vring-latency-/g')
plots_ok "ring (synthetic)" "$W/vp" $VO $VL
t_is "$(jq -r '[.plots[].name] | sort | join(" ")' "$W/vp/index.json")" \
	"$(echo $VO $VL | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" \
	"ring: one ops and one latency plot per kick/ring memory and invalidation kind, no plot of the io_uring peer alone"
t_is "$(ls "$W/vp" | grep -c None)" 0 "ring: no plot named after a null parameter (None)"
t_is "$(jq -r '[.plots[].gnuplot_messages[]] | length' "$W/vp/index.json")" 0 "ring: gnuplot printed no warning"

# vblock FILE REGEX: the rows of the .dat block whose comment matches REGEX
vblock() {
	awk -v re="$2" '/^# index/ { on = ($0 ~ re); next } /^#/ || /^$/ { next } on' "$1"
}
# the io_uring NOP peer (null kick, ring_mem, payload, dir) is the reference in every plot
ref=0
for p in $VO $VL; do
	grep -q '^# index [0-9]*: io_uring NOP reference' "$W/vp/$p.dat" && ref=$((ref + 1))
done
t_is "$ref" 8 "ring: every ring plot's data has the io_uring NOP reference"
ref=
for p in $VO; do
	grep -q "with lines lc rgb '#d62728' dt 2 lw 2 title \"io_uring NOP reference: median\"" "$W/vp/$p.gp" || continue
	u=$(sed -n 's/^# index [0-9]*: io_uring NOP reference.*(\([kM]\)\/s)$/\1/p' "$W/vp/$p.dat")
	ref="$ref $(vblock "$W/vp/$p.dat" 'io_uring NOP reference' |
		awk -F'\t' -v u="$u" '{ m = u == "M" ? 1e6 : 1e3; printf "%g/%g/%g,", $2 * m, $3 * m, $4 * m }')"
done
r2=2e+06/1.96e+06/2.04e+06
t_is "$ref" " $r2,$r2, $r2,$r2, $r2,$r2, $r2,$r2," \
	"ring: every ops plot draws the reference as a dashed line across the plot at its median, 2 M/s (min 1.96, max 2.04)"
ref=0
for p in $VL; do
	grep -q 'title "io_uring NOP reference"' "$W/vp/$p.gp" &&
		[ "$(vblock "$W/vp/$p.dat" 'io_uring NOP reference' | awk -F'\t' '$2 == 50 { print $3 }')" = 3.375 ] &&
		ref=$((ref + 1))
done
t_is "$ref" 4 "ring: every latency plot has the reference series (p50 3.375 us)"

# one plot per invalidation kind, the kind in the title; the cases without
# invalidation are the "none" point of each
M=$W/vp/vring-ops-kickioctl-ring-memanon-inval-mprotect
D=$W/vp/vring-ops-kickioctl-ring-memanon-inval-dontneed
t_grep '^    set title "Ring: descriptors per second per access mode against the achieved invalidation rate\\nkick ioctl, ring mem anon; mprotect asked for at 100, 1000, 10000 per second"$' "$M.gp" \
	"ring: the mprotect plot's title names the kind and the rates asked for"
t_grep 'dontneed asked for at 100, 1000, 10000 per second"$' "$D.gp" "ring: the dontneed plot's title names its kind"
t_is "$(vblock "$M.dat" '^# index [0-9]*: uaccess:' | cut -f4,7,8 | tr '\t\n' ',,')" \
	"0,0,none,75,100,inval_per_s,230.7692308,1000,inval_per_s,291.2621359,10000,inval_per_s," \
	"ring mprotect: uaccess at none and at the achieved rates 75, 231, 291/s (asked 100, 1000, 10000)"
t_is "$(vblock "$D.dat" '^# index [0-9]*: uaccess:' | cut -f4,7,8 | tr '\t\n' ',,')" \
	"0,0,none,37.5,100,inval_per_s,56.60377358,1000,inval_per_s,59.64214712,10000,inval_per_s," \
	"ring dontneed: its own achieved rates (37.5, 56.6, 59.6/s), not mprotect's"
t_is "$(grep -c '^# index' "$M.dat"):$(vblock "$M.dat" 'index [012]:' | wc -l)" 4:12 \
	"ring mprotect: three modes and the reference; each mode at none and three rates"
# x: the achieved rate on a log axis, 'none' left of the smallest
t_grep "^    set xlabel \"invalidations per second achieved \\(metric inval_per_s" "$M.gp" "ring: the x axis says it is the achieved rate"
t_grep '^    set logscale x$' "$M.gp" "ring: ... on a log scale"
xn=$(sed -n "s/^    set xtics ('none' \([0-9.e+-]*\),.*/\1/p" "$M.gp")
t_is "$(vblock "$M.dat" 'index [012]:' | awk -F'\t' -v xn="$xn" '
	$8 == "none" && $1 > xn * 1.2 { bad++ } $8 != "none" && ($2 <= xn * 1.2 || $1 != $1) { bad++ }
	$8 != "none" { n++ } END { print n ":" bad + 0 }')" 9:0 \
	"ring: the 'none' tick ($xn) is left of every achieved rate, each case without invalidation sits at it"
# the latency plot: each mode without and at the highest achieved rate, and the reference
L=$W/vp/vring-latency-kickioctl-ring-memanon-inval-mprotect
t_is "$(grep -c '^# index' "$L.dat")" 7 "ring latency: each mode without invalidation and at its highest rate, and the reference"
t_grep '^# index [0-9]*: uaccess, mprotect 291/s \(10000/s asked\):' "$L.dat" "ring latency: the invalidated series names the achieved and the asked rate"
t_is "$(grep -c '^# index' "$W/vp/vring-latency-kickioctl-ring-memfaultline-dev-faultline0.dat")" 3 \
	"ring latency on the BAR: uaccess, uaccess-batched and the reference (kmap did not run)"
t_grep 'not run: kmap \(unsupported\)"$' "$W/vp/vring-ops-kickioctl-ring-memfaultline-dev-faultline0.gp" \
	"ring: the title says which mode did not run and why"

# titles wrapped, nothing cut: no title line over 100 characters; the
# parameters the same in every ring plot are a caption line above kernel,
# CPU and run, raised so that its last line stays inside the image
long=$(for p in $VO $VL; do sed -n 's/^    set title "\(.*\)"$/\1/p' "$W/vp/$p.gp" | sed 's/\\n/\n/g'; done |
	awk 'length($0) > 100' | wc -l)
t_is "$long" 0 "ring: no title line longer than 100 characters"
t_grep '^    set label 101 "every ring plot of this run: ring of 256 entries, batch 32, payload 64 B, dir tx, placement local, 1 thread, target faultline:/dev/faultline0\\nkernel synthetic  \|  CPU synthetic \(tests/fixtures/make-vring\)  \|  native\\nrun vring-synthetic, 1970-01-01 00:00:00 UTC, git synthetic" at screen 0.5, screen 0.0485 ' \
	"$M.gp" "ring: caption of three lines (fixed parameters, kernel/CPU/native, run), raised"
t_is "$(cd "$FL_TOP/scripts" && python3 -c '
from flres import plot as P
d = "dir tx, kick io_uring, 2 threads, ring mem faultline:/dev/faultline0, payload 4KiB, ring of 32768 entries; mprotect asked for at 10, 100, 1000, 10000 per second; not run: kmap (unsupported)"
t = P._vring_title("Ring: what", [d])
lines = t.split("\n")
print(max(map(len, lines)) <= P.VRING_TITLE_WIDTH, " ".join(lines[1:]) == d, len(lines))')" "True True 3" \
	"ring: a long title line is wrapped at word boundaries, nothing lost"

# --- bad input
rc=0; out=$("$PLOT" "$W/none" 2>&1) || rc=$?
t_is "$rc" 2 "missing run: exit 2"
t_grep "no such file or folder" <(echo "$out") "missing run: the message names it"
rc=0; out=$(GNUPLOT=/nonexistent/gnuplot "$PLOT" "$FIX/lab-a" --out "$W/x" 2>&1) || rc=$?
t_is "$rc" 2 "no gnuplot: exit 2"
t_grep "install gnuplot-nox" <(echo "$out") "no gnuplot: the message says what to install"
t_done
