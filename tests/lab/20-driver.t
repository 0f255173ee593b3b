#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The driver's guest tests (tests/guest/driver/) on every lab kernel: exact
# fault counts per strategy, data integrity per strategy and caching mode,
# revoke/restore, races, injection, every errno, close and unbind while
# mapped, RAM and physical-range backings; kernel log checked after each.
. "$(dirname "$0")/../lib/tap.sh"

for k in $FL_TEST_KERNELS; do
	t_lab_group driver "$k" --timeout 3600
done
t_done
