/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress_pattern.h - the data every page written by flbench stress holds:
 * two 64-bit words at the start of the page.  The first is the page's
 * identity (a magic, the device's 8-bit tag, the page number), the
 * second a value derived from the identity and the generation written.
 * A mapping that shows the wrong memory shows another page's identity;
 * a stale mapping or a lost write shows an older generation.
 */
#ifndef FL_STRESS_PATTERN_H
#define FL_STRESS_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* The identity of page @page of a device with tag @tag. */
#define FL_SMAGIC		0x5a5aULL
static inline uint64_t fl_spat_w0(unsigned int tag, uint64_t page)
{
	return FL_SMAGIC << 48 | (uint64_t)(tag & 0xff) << 40 |
	       (page & 0xffffffffffULL);
}

static inline uint64_t fl_spat_mix(uint64_t w0)
{
	uint64_t x = w0 * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

static inline uint64_t fl_spat_w1(uint64_t w0, uint32_t gen)
{
	return fl_spat_mix(w0) ^ gen;
}

/*
 * Check the two words read from device page @page against what the
 * harness knows (@gen: the generation last written, 0 unknown).
 * Returns 0, or -1 with what is wrong in @why.
 */
int fl_spat_check(unsigned int tag, uint64_t page, uint32_t gen,
		  uint64_t w0, uint64_t w1, char *why, size_t len);
#endif /* FL_STRESS_PATTERN_H */
