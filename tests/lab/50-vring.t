#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vring engine's guest tests (tests/guest/vring/) on every lab kernel:
# every errno of the four ioctls, transmit and receive with checked
# payloads and exact counters in each access mode, malformed rings, the
# eventfd-kicked kthread (TEARDOWN, close and exit while busy), ring pages
# replaced under the kernel (MADV_DONTNEED, mremap, fork, THP split) with
# exact invalidation and remap counts, memory unmapped during use, a ring
# in a faultline BAR, THP and hugetlb rings, and the test-only stale fault
# being caught; kernel log checked after each.
. "$(dirname "$0")/../lib/tap.sh"

for k in $FL_TEST_KERNELS; do
	t_lab_group vring "$k" --timeout 3600
done
t_done
