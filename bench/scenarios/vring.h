/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vring.h - the pieces of the ring scenario (flbench vring): one ring per
 * worker thread, each on its own open file of the faultline device, its
 * kick method, and the invalidator that runs on the controller.
 *
 *   vring.c        the scenario: setup, the producer loop, checks, results
 *   vring_kick.c   kick and wait: FL_IOC_VRING_PROCESS, eventfd, io_uring
 *   vring_inval.c  MMU-notifier invalidations at --inval-rate
 *   vring_uring.c  the peer: io_uring's own rings (IORING_OP_NOP)
 */
#ifndef FL_SCEN_VRING_H
#define FL_SCEN_VRING_H

#include <liburing.h>

#include "flbench.h"
#include "ring.h"

/*
 * The invalidator and a worker agree on when ring memory may be changed
 * (vr->gate):
 *   IDLE    the worker runs; the invalidator may claim the ring
 *   BUSY    the invalidator is changing the ring's memory without stopping
 *           the worker (mprotect, thp: the contents stay)
 *   REQ     the invalidator asks the worker to drain and park (dontneed,
 *           mremap replace pages: nothing may be in flight)
 *   PARKED  the worker has drained the ring and waits
 *   CLOSED  the worker is done: no more operations on this ring
 */
enum fl_vr_gate { FL_VR_IDLE, FL_VR_BUSY, FL_VR_REQ, FL_VR_PARKED,
		  FL_VR_CLOSED };

struct fl_vr_ring {
	int id;
	struct fl_ring r;
	int fd;				/* open file holding the ring, -1 */
	int kick_fd, call_fd;		/* eventfds (kthread), else -1 */
	char *map;			/* the ring's memory */
	uint64_t map_len;
	bool registered;
	/* io_uring kick (and the NOP peer) */
	struct io_uring uring;
	bool uring_ok;
	/* per repetition, by the worker */
	uint64_t tput_t0, tput_t1;	/* throughput phase */
	uint64_t tput_descs;		/* descriptors completed in it */
	uint64_t rep_c0;		/* r.completed when the repetition began */
	uint64_t last_progress;		/* fl_mono_ns() of the last used entry */
	uint64_t kicks;
	uint64_t stale;			/* watchdog expiries (0 or 1) */
	char err[2 * FL_WHY_LEN];	/* first failure of this ring */
	/* shared with the invalidator */
	_Atomic int gate;		/* enum fl_vr_gate */
	_Atomic uint64_t posted;	/* published copies of r.posted, */
	_Atomic uint64_t completed;	/* r.completed */
	uint64_t op_posted;		/* posted when the last operation ran */
	uint64_t ops;			/* invalidation operations, all reps */
	uint64_t ops_rep;		/* in this repetition */
	uint64_t part_ops_rep;		/* of them on pages of desc, avail, used */
} __attribute__((aligned(64)));

/* What the invalidator did (per repetition, and over all of them). */
struct fl_vr_inval_stats {
	uint64_t ops;			/* operations done */
	uint64_t late;			/* waited for the ring past their tick */
	uint64_t part_ops;		/* on a unit holding desc, avail or used */
	uint64_t refused;		/* MADV_COLLAPSE: EAGAIN */
	uint64_t collapses;		/* thp: collapse operations */
	uint64_t replaced;		/* thp: collapses that changed the PFN */
};

struct fl_vr {
	int mode;			/* enum fl_vring_mode or FL_VRING_MODE_IO_URING */
	bool kthread;			/* kick eventfd or io_uring */
	struct fl_target rmem;		/* where the rings live */
	bool rmem_open;
	struct fl_ring_layout lay;
	uint64_t map_len;		/* one ring's mapping: lay.len in units */
	struct fl_inval_mem im;
	bool inval_skip_avail;		/* dontneed with a kthread: see vring_inval.c */
	int nrings;
	struct fl_vr_ring **rings;
	char dev[256];			/* the faultline device node */
	/* invalidator */
	struct fl_vr_inval_stats inv;	/* this repetition */
	struct fl_vr_inval_stats inv_tot; /* every repetition */
	bool pfns;			/* /proc/self/pagemap shows PFNs */
	uint64_t ctl_ns;		/* the controller's measured span */
	/* totals over every repetition, warm-up included */
	uint64_t tot_descs, tot_mismatches, tot_stale;
	uint64_t tot_drv[FL_VCNT_NR];
	bool drv_ok;			/* stats were read (driver modes) */
	bool descs_match;		/* driver's descs == consumed, every rep */
	bool remaps_cover;		/* kmap: remaps >= ops on the parts, every rep */
	char first_fail[2 * FL_WHY_LEN];
	/* driver counters per measured repetition, summed over the rings */
	uint64_t (*drv_rep)[FL_VCNT_NR];
	int ndrv_rep;
};

extern const char *const fl_vcnt_names[FL_VCNT_NR];

/* vring_kick.c */
int fl_vr_kick_setup(struct fl_case *c, struct fl_vr_ring *vr, char *why,
		     size_t len);
void fl_vr_kick_teardown(struct fl_vr_ring *vr);
/* Tell the device about what was posted. */
int fl_vr_kick(struct fl_case *c, struct fl_vr_ring *vr);
/*
 * Let the device make progress: process (ioctl) or wait for the call
 * eventfd, at most @ns.  Returns 0, or -1 with vr->err.
 */
int fl_vr_wait(struct fl_case *c, struct fl_vr_ring *vr, uint64_t ns);

/* vring_inval.c */
int fl_vr_inval_check(struct fl_case *c, char *why, size_t len);
int fl_vr_inval_control(struct fl_case *c, char *why, size_t len);
/* Worker side of the gate: park while the invalidator replaces pages. */
int fl_vr_gate_point(struct fl_case *c, struct fl_vr_ring *vr);
/* The worker is done for this repetition (no operations after this). */
int fl_vr_gate_close(struct fl_case *c, struct fl_vr_ring *vr);
void fl_vr_gate_open(struct fl_vr_ring *vr);
/* The worker failed: no more operations on this ring, nobody waits. */
void fl_vr_gate_shut(struct fl_vr_ring *vr);

/* vring.c */
/* Consume until vr->r.completed >= @target or the watchdog expires. */
int fl_vr_complete(struct fl_case *c, struct fl_vr_ring *vr, uint64_t target);
/* Record a failure of ring @vr (the first one is kept). */
int fl_vr_fail(struct fl_vr_ring *vr, const char *fmt, ...) FL_PRINTF(2, 3);

/* vring_uring.c: the io_uring NOP peer */
int fl_vr_nop_setup(struct fl_case *c, struct fl_vr_ring *vr, char *why,
		    size_t len);
int fl_vr_nop_work(struct fl_thread *t, struct fl_vr_ring *vr);

#endif /* FL_SCEN_VRING_H */
