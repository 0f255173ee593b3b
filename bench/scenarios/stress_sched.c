// SPDX-License-Identifier: GPL-2.0
/*
 * stress_sched.c - the seeded schedule of flbench stress (see
 * stress_sched.h): a generator, the device layout, and the description of
 * an operation.  Nothing here touches the system, so the unit tests can
 * replay schedules on the host.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "stress_sched.h"

static const char *const fl_sop_names[FL_SOP_NR] = {
	[FL_SOP_OPEN] = "open",
	[FL_SOP_STRATEGY] = "strategy",
	[FL_SOP_MMAP] = "mmap",
	[FL_SOP_MUNMAP] = "munmap",
	[FL_SOP_PUNCH] = "punch",
	[FL_SOP_MREMAP] = "mremap",
	[FL_SOP_MPROTECT] = "mprotect",
	[FL_SOP_TOUCH] = "touch",
	[FL_SOP_WRITE] = "write",
	[FL_SOP_READ] = "read",
	[FL_SOP_SHARED] = "shared",
	[FL_SOP_FORK] = "fork",
	[FL_SOP_MADVISE] = "madvise",
	[FL_SOP_REVOKE] = "revoke",
	[FL_SOP_CLOSE] = "close",
	[FL_SOP_UNBIND] = "unbind",
	[FL_SOP_RING] = "ring",
};

static const char *const fl_saddr_names[FL_SADDR_NR] = {
	[FL_SADDR_KERNEL] = "kernel",
	[FL_SADDR_ALIGNED] = "aligned",
	[FL_SADDR_PMD] = "pmd-only",
	[FL_SADDR_MISALIGNED] = "misaligned",
};

static const unsigned int fl_sop_default_weight[FL_SOP_NR] = {
	[FL_SOP_OPEN] = 3,
	[FL_SOP_STRATEGY] = 6,
	[FL_SOP_MMAP] = 12,
	[FL_SOP_MUNMAP] = 4,
	[FL_SOP_PUNCH] = 4,
	[FL_SOP_MREMAP] = 4,
	[FL_SOP_MPROTECT] = 3,
	[FL_SOP_TOUCH] = 16,
	[FL_SOP_WRITE] = 10,
	[FL_SOP_READ] = 10,
	[FL_SOP_SHARED] = 8,
	[FL_SOP_FORK] = 2,
	[FL_SOP_MADVISE] = 3,
	[FL_SOP_REVOKE] = 2,
	[FL_SOP_CLOSE] = 3,
	[FL_SOP_UNBIND] = 1,
	[FL_SOP_RING] = 6,
};

const char *fl_sop_name(enum fl_sop k)
{
	return (unsigned int)k < FL_SOP_NR ? fl_sop_names[k] : "?";
}

const char *fl_saddr_name(unsigned int m)
{
	return m < FL_SADDR_NR ? fl_saddr_names[m] : "?";
}

/* ------------------------------------------------------------ generator */

static uint64_t fl_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fl_srand_seed(uint64_t s[4], uint64_t seed)
{
	uint64_t x = seed;
	int i;

	for (i = 0; i < 4; i++)
		s[i] = fl_splitmix64(&x);
}

static inline uint64_t fl_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t fl_srand(uint64_t s[4])
{
	uint64_t r = fl_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = fl_rotl(s[3], 45);
	return r;
}

uint64_t fl_srand_below(uint64_t s[4], uint64_t n)
{
	/* Lemire's multiply-shift: the bias is below 2^-64 * n. */
	return (uint64_t)(((unsigned __int128)fl_srand(s) * n) >> 64);
}

/* True with probability @pct percent. */
static bool fl_chance(uint64_t s[4], unsigned int pct)
{
	return fl_srand_below(s, 100) < pct;
}

/* Log-uniform in [lo, hi] (lo >= 1). */
static uint64_t fl_loguni(uint64_t s[4], uint64_t lo, uint64_t hi)
{
	int blo = 63 - __builtin_clzll(lo), bhi = 63 - __builtin_clzll(hi);
	int b = blo + (int)fl_srand_below(s, (uint64_t)(bhi - blo + 1));
	uint64_t a = FL_MAX(lo, 1ULL << b), z = FL_MIN(hi, (2ULL << b) - 1);

	return a + fl_srand_below(s, z - a + 1);
}

void fl_sched_defaults(struct fl_sched_cfg *cfg)
{
	memcpy(cfg->weight, fl_sop_default_weight, sizeof(cfg->weight));
	cfg->strategies = (1U << FL_STRAT_NR) - 1;
	cfg->max_order = -1;
	cfg->window = 0;
	cfg->cache = -1;
}

void fl_sched_layout(const struct fl_sched_cfg *cfg, int d,
		     struct fl_slayout *l)
{
	uint64_t span = cfg->span[d], rest, unit;

	memset(l, 0, sizeof(*l));
	if (span >= 8 * FL_MIB) {
		l->shared_len = FL_MIN(fl_align_down(span / 4, 2 * FL_MIB),
				       FL_GIB);
		l->shared_off = fl_align_down(span - l->shared_len,
					      l->shared_len);
		l->shared_len = span - l->shared_off;
		l->shared_len = FL_MIN(l->shared_len, FL_GIB);
	}
	rest = l->shared_len ? l->shared_off : span;
	unit = rest / (uint64_t)cfg->nthreads >= 2 * FL_MIB ? 2 * FL_MIB :
								FL_PAGE_SIZE;
	l->lane = fl_align_down(rest / (uint64_t)cfg->nthreads, unit);
}

void fl_sched_init(struct fl_sched *s, const struct fl_sched_cfg *cfg,
		   int tid)
{
	uint64_t x = cfg->seed;

	s->cfg = cfg;
	s->tid = tid;
	s->n = 0;
	/* Thread t's stream does not depend on how many threads there are. */
	fl_srand_seed(s->s, fl_splitmix64(&x) ^ (0x5354524553530000ULL +
						  (uint64_t)tid));
}

static enum fl_sop fl_pick_kind(struct fl_sched *s)
{
	const struct fl_sched_cfg *cfg = s->cfg;
	unsigned int total = 0, k, w[FL_SOP_NR];
	uint64_t r;

	for (k = 0; k < FL_SOP_NR; k++) {
		w[k] = cfg->weight[k];
		if ((k == FL_SOP_UNBIND && !cfg->unbind) ||
		    (k == FL_SOP_RING && !cfg->ring))
			w[k] = 0;
		total += w[k];
	}
	r = fl_srand_below(s->s, total ? total : 1);
	for (k = 0; k < FL_SOP_NR; k++) {
		if (r < w[k])
			return (enum fl_sop)k;
		r -= w[k];
	}
	return FL_SOP_TOUCH;
}

static unsigned int fl_pick_strategy(struct fl_sched *s)
{
	unsigned int ids[FL_STRAT_NR], n = 0, i;

	for (i = 0; i < FL_STRAT_NR; i++)
		if (s->cfg->strategies & (1U << i))
			ids[n++] = i;
	return n ? ids[fl_srand_below(s->s, n)] : FL_STRAT_INSERT_PAGE;
}

/* A strategy change, now and then with one field the driver must refuse. */
static void fl_gen_strategy(struct fl_sched *s, struct fl_sop_args *op)
{
	const struct fl_sched_cfg *cfg = s->cfg;
	static const uint32_t orders[] = { FL_ORDER_PTE, FL_ORDER_PMD,
					   FL_ORDER_PUD };
	unsigned int norders = 1;

	if (cfg->features & FL_FEAT_PMD_PFNMAP)
		norders = cfg->features & FL_FEAT_PUD_PFNMAP ? 3 : 2;
	op->strategy = fl_pick_strategy(s);
	op->max_order = cfg->max_order >= 0 ? (uint32_t)cfg->max_order :
			orders[fl_srand_below(s->s, norders)];
	op->window = cfg->window ? (uint32_t)cfg->window :
		     1U << fl_srand_below(s->s, 10);
	if (cfg->cache >= 0)
		op->cache = (uint32_t)cfg->cache;
	else if (fl_chance(s->s, 85))
		op->cache = FL_CACHE_DEFAULT;
	else
		op->cache = cfg->ram[op->dev] ?
			    FL_CACHE_UC + (uint32_t)fl_srand_below(s->s, 3) :
			    FL_CACHE_UC + (uint32_t)fl_srand_below(s->s, 2);
	if (!fl_chance(s->s, 8))
		return;
	switch (fl_srand_below(s->s, 5)) {
	case 0:
		op->strategy = FL_STRAT_NR + (uint32_t)fl_srand_below(s->s, 1000);
		break;
	case 1:
		op->max_order = 1 + (uint32_t)fl_srand_below(s->s, 30);
		if (op->max_order == FL_ORDER_PMD || op->max_order == FL_ORDER_PUD)
			op->max_order = 0xffffffffU;
		break;
	case 2:
		op->window = fl_chance(s->s, 50) ? 3 + 2 * (uint32_t)fl_srand_below(s->s, 200) :
			     (uint32_t)FL_WINDOW_MAX << (1 + fl_srand_below(s->s, 8));
		break;
	case 3:
		op->cache = FL_CACHE_NR + (uint32_t)fl_srand_below(s->s, 100);
		break;
	default:
		/* Write-back is for RAM only. */
		op->cache = FL_CACHE_WB;
		break;
	}
}

/*
 * A window of the thread's lane: a length (small, medium or large), an
 * offset aligned to 4 KiB, 2 MiB or 1 GiB, and where to put it.
 */
static void fl_gen_window(struct fl_sched *s, struct fl_sop_args *op)
{
	struct fl_slayout l;
	uint64_t lane0, lane1, a, len, first, n, r;

	fl_sched_layout(s->cfg, op->dev, &l);
	lane0 = (uint64_t)s->tid * l.lane;
	lane1 = lane0 + l.lane;
	r = fl_srand_below(s->s, 100);
	a = r < 40 ? FL_PAGE_SIZE : r < 75 ? 2 * FL_MIB : FL_GIB;
	while (a > FL_PAGE_SIZE && fl_align_up(lane0, a) + a > lane1)
		a = a == FL_GIB ? 2 * FL_MIB : FL_PAGE_SIZE;
	first = fl_align_up(lane0, a);
	if (a > FL_PAGE_SIZE && fl_chance(s->s, 60)) {
		n = FL_MIN((lane1 - first) / a, 4);
		len = a * (1 + fl_srand_below(s->s, n));
	} else {
		r = fl_srand_below(s->s, 100);
		len = r < 50 ? fl_loguni(s->s, 1, 16) :
		      r < 85 ? fl_loguni(s->s, 16, 1024) :
			       fl_loguni(s->s, 1024, (lane1 - first) / FL_PAGE_SIZE);
		len = FL_MIN(len * FL_PAGE_SIZE, lane1 - first);
	}
	n = (lane1 - first - len) / a;
	op->off = first + a * fl_srand_below(s->s, n + 1);
	op->len = len;
	r = fl_srand_below(s->s, 100);
	op->addr_mode = r < 30 ? FL_SADDR_KERNEL : r < 60 ? FL_SADDR_ALIGNED :
			r < 75 ? FL_SADDR_PMD : FL_SADDR_MISALIGNED;
	op->misalign = 1 + fl_srand_below(s->s, 511);
}

void fl_sched_next(struct fl_sched *s, struct fl_sop_args *op)
{
	const struct fl_sched_cfg *cfg = s->cfg;
	uint64_t r;

	memset(op, 0, sizeof(*op));
	op->kind = fl_pick_kind(s);
	op->slot = (uint8_t)fl_srand_below(s->s, FL_SSLOTS);
	op->dev = (uint8_t)fl_srand_below(s->s, (uint64_t)cfg->ndev);
	op->rnd = fl_srand(s->s);
	switch (op->kind) {
	case FL_SOP_STRATEGY:
		fl_gen_strategy(s, op);
		break;
	case FL_SOP_MMAP:
		fl_gen_window(s, op);
		op->prot_ro = fl_chance(s->s, 10);
		break;
	case FL_SOP_PUNCH:
		op->sub = (uint8_t)fl_srand_below(s->s, FL_SPUNCH_NR);
		break;
	case FL_SOP_MREMAP:
		r = fl_srand_below(s->s, 100);
		op->sub = r < 60 ? FL_SREMAP_MOVE : r < 85 ? FL_SREMAP_SHRINK :
				   FL_SREMAP_GROW;
		op->addr_mode = (uint8_t)fl_srand_below(s->s, FL_SADDR_NR);
		op->misalign = 1 + fl_srand_below(s->s, 511);
		break;
	case FL_SOP_TOUCH:
		/* Now and then the whole mapping (up to 1 GiB of pages). */
		op->len = fl_chance(s->s, 3) ? 0 : 1ULL << fl_srand_below(s->s, 13);
		break;
	case FL_SOP_WRITE:
	case FL_SOP_READ:
		op->len = fl_loguni(s->s, 1, 256);
		break;
	case FL_SOP_SHARED:
		op->len = fl_loguni(s->s, 1, 1024);
		op->write = fl_chance(s->s, 50);
		break;
	case FL_SOP_FORK:
		op->len = fl_loguni(s->s, 1, 256);
		op->write = fl_chance(s->s, 50);
		break;
	case FL_SOP_MADVISE:
		op->sub = (uint8_t)fl_srand_below(s->s, FL_SMADV_NR);
		break;
	case FL_SOP_REVOKE:
		op->hold_us = fl_srand_below(s->s, 2000);
		break;
	case FL_SOP_UNBIND:
		op->hold_us = fl_srand_below(s->s, 5000);
		break;
	case FL_SOP_RING:
		r = fl_srand_below(s->s, 100);
		op->sub = r < 20 ? FL_SRING_SETUP : r < 70 ? FL_SRING_KICK :
			  r < 90 ? FL_SRING_INVAL : FL_SRING_TEARDOWN;
		op->len = fl_loguni(s->s, 1, 64);
		break;
	default:
		break;
	}
	s->n++;
}

/* ------------------------------------------------------------ description */

void fl_sop_format(const struct fl_sop_args *op, char *buf, size_t len)
{
	static const char *const punch[] = { "head", "tail", "hole" };
	static const char *const remap[] = { "move", "shrink", "grow" };
	static const char *const madv[] = { "DONTNEED", "POPULATE_READ",
					    "POPULATE_WRITE" };
	static const char *const ring[] = { "setup", "kick", "inval",
					    "teardown" };
	char addr[32];
	int n = snprintf(buf, len, "%s s%u d%u", fl_sop_name(op->kind),
			 op->slot, op->dev);

	if (n < 0 || (size_t)n >= len)
		return;
	buf += n;
	len -= (size_t)n;
	switch (op->kind) {
	case FL_SOP_STRATEGY:
		snprintf(buf, len, " strategy=%u max_order=%u window=%u cache=%u",
			 op->strategy, op->max_order, op->window, op->cache);
		break;
	case FL_SOP_MMAP:
		if (op->addr_mode == FL_SADDR_MISALIGNED)
			snprintf(addr, sizeof(addr), "%s+%llu",
				 fl_saddr_name(op->addr_mode),
				 (unsigned long long)op->misalign);
		else
			snprintf(addr, sizeof(addr), "%s",
				 fl_saddr_name(op->addr_mode));
		snprintf(buf, len, " off=0x%llx len=0x%llx addr=%s%s",
			 (unsigned long long)op->off,
			 (unsigned long long)op->len, addr,
			 op->prot_ro ? " ro" : "");
		break;
	case FL_SOP_PUNCH:
		snprintf(buf, len, " %s at=%llu", punch[op->sub % 3],
			 (unsigned long long)(op->rnd % 1000));
		break;
	case FL_SOP_MREMAP:
		snprintf(buf, len, " %s addr=%s", remap[op->sub % 3],
			 fl_saddr_name(op->addr_mode));
		break;
	case FL_SOP_TOUCH:
	case FL_SOP_WRITE:
	case FL_SOP_READ:
		snprintf(buf, len, " pages=%llu%s", (unsigned long long)op->len,
			 op->kind == FL_SOP_TOUCH && !op->len ? " (all)" : "");
		break;
	case FL_SOP_SHARED:
	case FL_SOP_FORK:
		snprintf(buf, len, " pages=%llu%s", (unsigned long long)op->len,
			 op->write ? " write" : " read");
		break;
	case FL_SOP_MADVISE:
		snprintf(buf, len, " %s", madv[op->sub % 3]);
		break;
	case FL_SOP_REVOKE:
	case FL_SOP_UNBIND:
		snprintf(buf, len, " hold=%lluus", (unsigned long long)op->hold_us);
		break;
	case FL_SOP_RING:
		snprintf(buf, len, " %s n=%llu", ring[op->sub % 4],
			 (unsigned long long)op->len);
		break;
	default:
		break;
	}
}
