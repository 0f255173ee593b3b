#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The driver on a sparse 64 GiB BAR: huge maps it with 64 PUD entries, and
# insert-bulk inserts 16M PTEs in one fault without a soft lockup or an RCU
# stall (the kernel log is checked).  6.1 has no huge PFNMAP support: its
# huge test checks the EOPNOTSUPP refusal and the bulk test runs in full.
. "$(dirname "$0")/../lib/tap.sh"

for k in $FL_TEST_KERNELS; do
	t_lab_group driver-64g "$k" --bar-size 64G --bar-mode sparse --timeout 3600
done
t_done
