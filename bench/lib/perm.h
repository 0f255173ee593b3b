/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perm.h - a random permutation of [0, n) computed on the fly.
 *
 * A balanced 4-round Feistel network over the smallest even number of bits
 * covering n, with cycle walking for values >= n: a bijection that needs
 * no memory, so a 64 GiB mapping (16M pages) can be touched in random
 * order without a 64 MiB index table.
 */
#ifndef FL_PERM_H
#define FL_PERM_H

#include <stdint.h>

struct fl_perm {
	uint64_t n;
	unsigned int half;	/* bits per half */
	uint64_t mask;
	uint64_t key[4];
};

void fl_perm_init(struct fl_perm *p, uint64_t n, uint64_t seed);
uint64_t fl_perm_at(const struct fl_perm *p, uint64_t i);

#endif /* FL_PERM_H */
