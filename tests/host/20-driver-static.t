#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The driver builds without warnings at W=1 and under sparse for every lab
# kernel, and is checkpatch --strict clean.
exec "$(dirname "$0")/../../scripts/check-driver" ${FL_TEST_KERNELS:-6.12 6.1}
