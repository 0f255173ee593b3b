/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernels.h - bandwidth loops over one block: loads, stores, streaming
 * stores and copies, in the widest vector width the CPU offers (AVX2 or
 * SSE2), chosen once with fl_kernels_pick().
 */
#ifndef FL_SCEN_KERNELS_H
#define FL_SCEN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

struct fl_kernels {
	const char *isa;
	/* XOR of every 64-bit word of [p, p+n), so no load can be elided. */
	uint64_t (*read)(const void *p, size_t n);
	void (*write)(void *p, size_t n, uint64_t v);
	void (*write_nt)(void *p, size_t n, uint64_t v);
	void (*copy_nt)(void *dst, const void *src, size_t n);
};

void fl_kernels_pick(struct fl_kernels *k);

#endif /* FL_SCEN_KERNELS_H */
