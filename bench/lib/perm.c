// SPDX-License-Identifier: GPL-2.0
/*
 * perm.c - Feistel permutation with cycle walking.
 */
#include "common.h"
#include "perm.h"

void fl_perm_init(struct fl_perm *p, uint64_t n, uint64_t seed)
{
	unsigned int bits = 2;
	uint64_t s = seed ? seed : 1;
	int i;

	while (bits < 64 && (1ULL << bits) < n)
		bits++;
	if (bits & 1)
		bits++;
	p->n = n;
	p->half = bits / 2;
	p->mask = (1ULL << p->half) - 1;
	for (i = 0; i < 4; i++)
		p->key[i] = fl_rand64(&s);
}

static uint64_t fl_perm_round(uint64_t x, uint64_t k)
{
	x ^= k;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 29;
	return x;
}

static uint64_t fl_perm_once(const struct fl_perm *p, uint64_t x)
{
	uint64_t l = x >> p->half, r = x & p->mask, t;
	int i;

	for (i = 0; i < 4; i++) {
		t = r;
		r = l ^ (fl_perm_round(r, p->key[i]) & p->mask);
		l = t;
	}
	return (l << p->half) | r;
}

uint64_t fl_perm_at(const struct fl_perm *p, uint64_t i)
{
	uint64_t x = i;

	if (p->n <= 1)
		return 0;
	do {
		x = fl_perm_once(p, x);
	} while (x >= p->n);
	return x;
}
