/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress_sched.h - the seeded schedule of flbench stress: which operation
 * each thread does next, with which arguments.
 *
 * A schedule is a pure function of the seed, the thread number and a few
 * facts about the devices (sizes, what the kernel supports, what the run
 * allows): operation number n of thread t is the same in every run with
 * the same seed and the same facts, whatever happened before.  Operations
 * name a slot of the thread (a file and a mapping it may hold) rather
 * than a mapping that must exist, and the executor turns an operation
 * whose slot is not in the right state into a recorded skip.  So a
 * failure found with --seed N is replayed by running --seed N again; only
 * the interleaving of the threads differs.
 *
 * Layout of every device (the first --size bytes of it):
 *
 *   [lane 0][lane 1]...[lane T-1][shared area]
 *
 * Thread t writes only its lane, and the pages p of the shared area with
 * p % T == t, so that each page has one writer and an exact expected
 * value.  Every thread reads everything it maps of the shared area, and
 * all threads fault the shared mapping of each device at the same time.
 */
#ifndef FL_STRESS_SCHED_H
#define FL_STRESS_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faultline.h"

#define FL_SSLOTS		6	/* slots per thread */
#define FL_SDEV_MAX		8	/* devices per run (FL_MAX_TARGETS) */

/* The operations, in the order of the weight table. */
enum fl_sop {
	FL_SOP_OPEN,		/* (re)open the slot's file */
	FL_SOP_STRATEGY,	/* FL_IOC_SET_STRATEGY, EBUSY while mapped */
	FL_SOP_MMAP,		/* map a window (replaces the slot's mapping) */
	FL_SOP_MUNMAP,		/* unmap the whole mapping */
	FL_SOP_PUNCH,		/* munmap the head, the tail or a hole */
	FL_SOP_MREMAP,		/* move, shrink, or try to grow (EFAULT) */
	FL_SOP_MPROTECT,	/* read-only, a write gets SIGSEGV, back */
	FL_SOP_TOUCH,		/* check and write a run of pages */
	FL_SOP_WRITE,		/* write scattered pages */
	FL_SOP_READ,		/* check scattered pages */
	FL_SOP_SHARED,		/* the device's shared mapping: all threads */
	FL_SOP_FORK,		/* a child checks and writes the mapping */
	FL_SOP_MADVISE,		/* DONTNEED, POPULATE_READ/WRITE: refused */
	FL_SOP_REVOKE,		/* revoke, hold, restore */
	FL_SOP_CLOSE,		/* close the file, keep the mapping */
	FL_SOP_UNBIND,		/* PCI unbind and bind while mapped */
	FL_SOP_RING,		/* vring setup, kicks, invalidation, teardown */
	FL_SOP_NR
};

/* Where a mapping is placed (fl_sop_args.addr_mode). */
enum fl_saddr {
	FL_SADDR_KERNEL,	/* mmap(NULL): the driver's get_unmapped_area */
	FL_SADDR_ALIGNED,	/* congruent to the offset modulo 1 GiB */
	FL_SADDR_PMD,		/* congruent modulo 2 MiB, not 1 GiB */
	FL_SADDR_MISALIGNED,	/* congruent + 1..511 pages */
	FL_SADDR_NR
};

/* What a punch cuts (sub), a mremap does, madvise asks, a ring does. */
enum { FL_SPUNCH_HEAD, FL_SPUNCH_TAIL, FL_SPUNCH_HOLE, FL_SPUNCH_NR };
enum { FL_SREMAP_MOVE, FL_SREMAP_SHRINK, FL_SREMAP_GROW, FL_SREMAP_NR };
enum { FL_SMADV_DONTNEED, FL_SMADV_POP_READ, FL_SMADV_POP_WRITE,
       FL_SMADV_NR };
enum { FL_SRING_SETUP, FL_SRING_KICK, FL_SRING_INVAL, FL_SRING_TEARDOWN,
       FL_SRING_NR };

struct fl_sop_args {
	enum fl_sop kind;
	uint8_t slot;
	uint8_t dev;
	uint8_t sub;		/* punch, mremap, madvise, ring: what */
	uint8_t addr_mode;	/* enum fl_saddr (mmap, mremap move) */
	uint8_t prot_ro;	/* mmap read-only */
	uint8_t write;		/* fork, shared: the child/thread writes */
	/* strategy change: every field as sent, possibly invalid */
	uint32_t strategy, max_order, window, cache;
	uint64_t off;		/* mmap: device offset; others: page index */
	uint64_t len;		/* mmap: bytes; touch: pages; others: count */
	uint64_t misalign;	/* FL_SADDR_MISALIGNED: pages past aligned */
	uint64_t hold_us;	/* revoke, unbind: time held */
	uint64_t rnd;		/* seed of the operation's own choices */
};

/* What the schedule may use: the same facts give the same schedule. */
struct fl_sched_cfg {
	uint64_t seed;
	int nthreads;
	int ndev;
	uint64_t span[FL_SDEV_MAX];	/* bytes used of each device */
	bool pci[FL_SDEV_MAX];		/* PCI-backed: may unbind */
	bool ram[FL_SDEV_MAX];		/* RAM-backed: WB caching is valid */
	unsigned int features;		/* FL_FEAT_* of the kernel */
	unsigned int strategies;	/* bit mask of strategies to choose */
	int max_order;			/* -1 random, else FL_ORDER_* */
	int window;			/* 0 random, else pages */
	int cache;			/* -1 mostly default, else FL_CACHE_* */
	bool unbind;			/* FL_SOP_UNBIND allowed */
	bool ring;			/* FL_SOP_RING allowed */
	unsigned int weight[FL_SOP_NR];	/* relative frequency, 0: never */
};

/* Where each thread's lane and the shared area are on a device. */
struct fl_slayout {
	uint64_t lane;			/* bytes of each lane */
	uint64_t shared_off;		/* start of the shared area */
	uint64_t shared_len;		/* 0: no shared area */
};

struct fl_sched {
	const struct fl_sched_cfg *cfg;
	int tid;
	uint64_t n;			/* operations generated */
	uint64_t s[4];			/* xoshiro256** state */
};

/* Fill the default weights and masks of @cfg (before the caller's own). */
void fl_sched_defaults(struct fl_sched_cfg *cfg);
/* Lanes and shared area of device @d. */
void fl_sched_layout(const struct fl_sched_cfg *cfg, int d,
		     struct fl_slayout *l);
void fl_sched_init(struct fl_sched *s, const struct fl_sched_cfg *cfg,
		   int tid);
/* Operation number s->n of the thread; advances. */
void fl_sched_next(struct fl_sched *s, struct fl_sop_args *op);

/* xoshiro256** seeded with splitmix64: the stress's one generator. */
void fl_srand_seed(uint64_t s[4], uint64_t seed);
uint64_t fl_srand(uint64_t s[4]);
/* Uniform in [0, n) (n > 0), without modulo bias worth speaking of. */
uint64_t fl_srand_below(uint64_t s[4], uint64_t n);

const char *fl_sop_name(enum fl_sop k);
const char *fl_saddr_name(unsigned int m);
/* One line describing @op (for traces and reports). */
void fl_sop_format(const struct fl_sop_args *op, char *buf, size_t len);

#endif /* FL_STRESS_SCHED_H */
