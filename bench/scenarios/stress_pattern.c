// SPDX-License-Identifier: GPL-2.0
/*
 * stress_pattern.c - checking a page read by flbench stress against what
 * the harness wrote (stress_pattern.h).  A read must find the identity of
 * the page it reads (another page's means the mapping points at the wrong
 * memory) and the generation last written (an older one means a lost
 * write or a stale mapping).  Pages this run has not written may hold
 * anything but another page's identity.  No system call here: the unit
 * tests use it on the host.
 */
#include <stdio.h>

#include "common.h"
#include "stress_pattern.h"

int fl_spat_check(unsigned int tag, uint64_t page, uint32_t gen,
		  uint64_t w0, uint64_t w1, char *why, size_t len)
{
	uint64_t want0 = fl_spat_w0(tag, page), g;

	if (w0 == want0) {
		g = w1 ^ fl_spat_mix(w0);
		if (!gen || g == gen)
			return 0;
		if (g >> 32)
			return fl_why(why, len,
				      "page 0x%llx: identity right, value 0x%016llx is no generation's (expected generation %u): torn or foreign write",
				      (unsigned long long)page,
				      (unsigned long long)w1, gen);
		return fl_why(why, len,
			      "page 0x%llx holds generation %llu, expected %u: %s",
			      (unsigned long long)page, (unsigned long long)g,
			      gen, g < gen ? "a lost write or a stale mapping" :
			      "a write from the future: another page's data");
	}
	if (!w0 && !w1 && !gen)
		return 0;		/* never written */
	if (w0 >> 48 == FL_SMAGIC)
		return fl_why(why, len,
			      "page 0x%llx holds the pattern of page 0x%llx%s (generation %llu): the mapping shows the wrong memory",
			      (unsigned long long)page,
			      (unsigned long long)(w0 & 0xffffffffffULL),
			      ((w0 >> 40) & 0xff) == (tag & 0xff) ? "" :
			      " of another device",
			      (unsigned long long)((w1 ^ fl_spat_mix(w0)) &
						   0xffffffffULL));
	if (!gen)
		return 0;		/* not written by this run: anything */
	return fl_why(why, len,
		      "page 0x%llx holds 0x%016llx 0x%016llx, expected generation %u: %s",
		      (unsigned long long)page, (unsigned long long)w0,
		      (unsigned long long)w1, gen,
		      w0 || w1 ? "overwritten" : "the write was lost (zero)");
}

