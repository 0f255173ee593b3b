// SPDX-License-Identifier: GPL-2.0
/*
 * stress_ring.c - the vring operations of flbench stress (issue 5's
 * engine, include/faultline.h): register a ring on a slot's file in
 * anonymous memory (random mode, size, batch and direction), kick it
 * with FL_IOC_VRING_PROCESS and check every used entry (payloads and
 * sequence numbers, lib/ring.c) and the ring's error counters, make the
 * kernel invalidate a page of it (mprotect, MADV_DONTNEED, mremap: new
 * pages for the last two, which a kernel mapping left in place would not
 * see), tear it down.  A second FL_IOC_VRING_SETUP on a file with a ring
 * is EBUSY.  Kicks run in the caller's context, so the ring is quiescent
 * between operations and every invalidation may replace pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ring.h"
#include "stress.h"

struct fl_sring {
	struct fl_ring r;
	struct fl_ring_layout lay;
	char *map;
	struct fl_inval_mem im;
	uint64_t invals;
	int fd_inc;
};

int fl_sring_probe(struct fl_stress *st, char *why, size_t len)
{
	struct fl_vring_stats s;
	int fd = st->dev[0].ctl_fd;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	if (ioctl(fd, FL_IOC_VRING_STATS, &s) && errno == ENOTTY)
		return fl_why(why, len,
			      "the faultline driver has no vring engine (FL_IOC_VRING_STATS: ENOTTY)");
	return 0;
}

void fl_sring_free(struct fl_sslot *sl)
{
	struct fl_sring *rg = sl->ring;

	if (!rg)
		return;
	if (sl->fd >= 0 && sl->fd_inc == rg->fd_inc)
		ioctl(sl->fd, FL_IOC_VRING_TEARDOWN, 0);
	munmap(rg->map, rg->lay.len);
	free(rg->im.save);
	free(rg);
	sl->ring = NULL;
}

static int fl_sring_setup(struct fl_stress *st, struct fl_sthr *me,
			  struct fl_sslot *sl, const struct fl_sop_args *op)
{
	struct fl_vring_setup s;
	struct fl_sring *rg;
	char why[FL_WHY_LEN];
	uint64_t x = op->rnd;
	int e;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	if (sl->ring) {
		/* One ring per file. */
		s.mode = FL_VRING_UACCESS;
		s.num = sl->ring->lay.num;
		s.batch = 1;
		s.kick_fd = s.call_fd = -1;
		s.desc_addr = (uint64_t)(uintptr_t)sl->ring->r.desc;
		s.avail_addr = (uint64_t)(uintptr_t)sl->ring->r.avail;
		s.used_addr = (uint64_t)(uintptr_t)sl->ring->r.used;
		if (!ioctl(sl->fd, FL_IOC_VRING_SETUP, &s) || errno != EBUSY) {
			fl_stress_fail(st, me, "FL_IOC_VRING_SETUP on a file that has a ring: %s, include/faultline.h documents EBUSY",
				       errno ? fl_errno_name(errno) : "success");
			return -1;
		}
		fl_strace_note(me, "second ring: EBUSY");
		return 0;
	}
	rg = fl_xcalloc(1, sizeof(*rg));
	if (fl_ring_layout(&rg->lay, 1U << (x % 7), 16 + (uint32_t)((x >> 8) % 1000),
			   why, sizeof(why))) {
		free(rg);
		fl_stress_fail(st, me, "ring layout: %s", why);
		return -1;
	}
	rg->map = mmap(NULL, rg->lay.len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rg->map == MAP_FAILED) {
		e = errno;
		fl_stress_fail(st, me, "mmap(ring memory, %llu bytes): %s",
			       (unsigned long long)rg->lay.len, fl_errno_name(e));
		free(rg);
		return -1;
	}
	rg->im.unit = FL_PAGE_SIZE;
	rg->im.prot = PROT_READ | PROT_WRITE;
	rg->im.save = fl_xcalloc(1, FL_PAGE_SIZE);
	fl_ring_init(&rg->r, rg->map, &rg->lay, (x >> 20) & 1,
		     (st->c->o->seed << 40) + ((uint64_t)me->tid << 32) +
		     ((uint64_t)op->slot << 28) + (me->sched.n << 8));
	s.mode = (uint32_t)((x >> 24) % FL_VRING_MODE_NR);
	s.num = rg->lay.num;
	s.batch = 1 + (uint32_t)((x >> 32) % 16);
	s.flags = 0;
	s.kick_fd = s.call_fd = -1;
	s.desc_addr = (uint64_t)(uintptr_t)rg->r.desc;
	s.avail_addr = (uint64_t)(uintptr_t)rg->r.avail;
	s.used_addr = (uint64_t)(uintptr_t)rg->r.used;
	s.seq_base = rg->r.tx_seq;
	rg->fd_inc = sl->fd_inc;
	sl->ring = rg;
	if (ioctl(sl->fd, FL_IOC_VRING_SETUP, &s)) {
		e = errno;
		sl->ring = NULL;
		munmap(rg->map, rg->lay.len);
		free(rg->im.save);
		free(rg);
		me->cur->err = e;
		if (e == ENODEV && fl_sstale(st, sl->fd_dev, sl->fd_inc))
			return 0;
		fl_stress_fail(st, me, "FL_IOC_VRING_SETUP(mode %u, num %u, batch %u): %s",
			       s.mode, s.num, s.batch, fl_errno_name(e));
		return -1;
	}
	fl_strace_note(me, "mode %u num %u batch %u %s", s.mode, s.num, s.batch,
		       rg->r.rx ? "rx" : "tx");
	return 0;
}

static int fl_sring_kick(struct fl_stress *st, struct fl_sthr *me,
			 struct fl_sslot *sl, const struct fl_sop_args *op)
{
	struct fl_sring *rg = sl->ring;
	struct fl_vring_process pr;
	struct fl_vring_stats vs;
	char state[160];
	uint32_t n, got;
	int e;

	n = fl_ring_post(&rg->r, (uint32_t)op->len);
	memset(&pr, 0, sizeof(pr));
	pr.size = sizeof(pr);
	if (ioctl(sl->fd, FL_IOC_VRING_PROCESS, &pr)) {
		e = errno;
		me->cur->err = e;
		if (e == ENODEV && fl_sstale(st, sl->fd_dev, rg->fd_inc))
			return 0;
		fl_stress_fail(st, me, "FL_IOC_VRING_PROCESS: %s", fl_errno_name(e));
		return -1;
	}
	got = fl_ring_reap(&rg->r);
	fl_ring_state(&rg->r, state, sizeof(state));
	fl_strace_note(me, "posted %u, processed %u, reaped %u", n,
		       pr.processed, got);
	if (rg->r.mismatches) {
		fl_stress_fail(st, me, "ring check: %s (%s)", rg->r.err, state);
		return -1;
	}
	if (fl_ring_inflight(&rg->r)) {
		fl_stress_fail(st, me, "ring: %u descriptors still in flight after FL_IOC_VRING_PROCESS processed them all (%s)",
			       fl_ring_inflight(&rg->r), state);
		return -1;
	}
	memset(&vs, 0, sizeof(vs));
	vs.size = sizeof(vs);
	if (ioctl(sl->fd, FL_IOC_VRING_STATS, &vs)) {
		e = errno;
		me->cur->err = e;
		/* Unbound since the kick: nothing left to read. */
		if (e == ENODEV && fl_sstale(st, sl->fd_dev, rg->fd_inc))
			return 0;
		fl_stress_fail(st, me, "FL_IOC_VRING_STATS: %s", fl_errno_name(e));
		return -1;
	}
	if (vs.val[FL_VCNT_SEQ_ERRORS] || vs.val[FL_VCNT_CSUM_ERRORS] ||
	    vs.val[FL_VCNT_RING_ERRORS] || vs.val[FL_VCNT_FAULTS]) {
		fl_stress_fail(st, me, "ring errors counted by the driver: seq %llu csum %llu ring %llu faults %llu (first: kind %u head %u expected 0x%llx got 0x%llx)",
			       (unsigned long long)vs.val[FL_VCNT_SEQ_ERRORS],
			       (unsigned long long)vs.val[FL_VCNT_CSUM_ERRORS],
			       (unsigned long long)vs.val[FL_VCNT_RING_ERRORS],
			       (unsigned long long)vs.val[FL_VCNT_FAULTS],
			       vs.err_kind, vs.err_head,
			       (unsigned long long)vs.err_expected,
			       (unsigned long long)vs.err_got);
		return -1;
	}
	return 0;
}

/* A page of the ring made new or re-protected under the kernel's view. */
static int fl_sring_inval(struct fl_stress *st, struct fl_sthr *me,
			  struct fl_sslot *sl, const struct fl_sop_args *op)
{
	static const enum fl_inval_kind kinds[] = {
		FL_INVAL_MPROTECT, FL_INVAL_DONTNEED, FL_INVAL_MREMAP,
	};
	struct fl_sring *rg = sl->ring;
	enum fl_inval_kind k = kinds[op->rnd % FL_ARRAY_SIZE(kinds)];
	uint64_t pages = rg->lay.len / FL_PAGE_SIZE;
	char *a = rg->map + ((op->rnd >> 8) % pages) * FL_PAGE_SIZE;
	char why[FL_WHY_LEN];

	/* mprotect comes in pairs: the second puts the protection back. */
	if (fl_inval_op(k, &rg->im, a, 0, why, sizeof(why)) ||
	    (k == FL_INVAL_MPROTECT &&
	     fl_inval_op(k, &rg->im, a, 1, why, sizeof(why)))) {
		fl_stress_fail(st, me, "ring invalidation (%s): %s",
			       fl_inval_names[k], why);
		return -1;
	}
	rg->invals++;
	fl_strace_note(me, "%s of %p", fl_inval_names[k], (void *)a);
	return 0;
}

int fl_sring_op(struct fl_stress *st, struct fl_sthr *me,
		struct fl_sslot *sl, const struct fl_sop_args *op)
{
	st->ring_ops++;
	if (op->sub == FL_SRING_SETUP)
		return fl_sring_setup(st, me, sl, op);
	if (!sl->ring || sl->ring->fd_inc != sl->fd_inc)
		return 1;		/* skip: no ring on this file */
	switch (op->sub) {
	case FL_SRING_KICK:
		return fl_sring_kick(st, me, sl, op);
	case FL_SRING_INVAL:
		return fl_sring_inval(st, me, sl, op);
	default:
		if (ioctl(sl->fd, FL_IOC_VRING_TEARDOWN, 0) &&
		    !(errno == ENODEV && fl_sstale(st, sl->fd_dev, sl->fd_inc))) {
			fl_stress_fail(st, me, "FL_IOC_VRING_TEARDOWN: %s",
				       fl_errno_name(errno));
			return -1;
		}
		fl_sring_free(sl);
		return 0;
	}
}
