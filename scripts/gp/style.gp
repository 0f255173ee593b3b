# SPDX-License-Identifier: GPL-2.0
# faultline plot style: copied into every generated .gp file (scripts/plot),
# so that each plot folder regenerates on its own with `gnuplot NAME.gp`.
# Text is not "enhanced": metric names keep their underscores.
set encoding utf8
set datafile separator "\t"
set border 3 lw 1.2
set tics nomirror out scale 0.6
set grid xtics ytics mxtics mytics lc rgb '#dddddd' lw 1, lc rgb '#f0f0f0' lw 0.5
set key noenhanced box lc rgb '#bbbbbb' opaque samplen 4 spacing 1.15 font ',10'
set title font ',14'
set xlabel font ',11'
set ylabel font ',11'
set bmargin 7
set style fill solid 0.85 border lc rgb '#333333'
set pointsize 1.1
