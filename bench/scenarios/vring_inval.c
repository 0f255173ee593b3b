// SPDX-License-Identifier: GPL-2.0
/*
 * vring_inval.c - MMU-notifier invalidations of ring memory while the
 * rings run (--inval-rate, --inval-kind), from the controller thread.
 *
 * Ticks come at --inval-rate per second, round robin over the rings; one
 * tick is one operation of lib/ring.c on one unit of a ring (a 4 KiB page
 * of the descriptor table, the avail ring, the used ring or the buffers
 * in turn; the huge page for thp and hugetlb memory).  Two rules keep the
 * count of invalidations meaningful and the ring correct:
 *
 *  - An operation on a ring waits until the kernel has consumed a
 *    descriptor posted after the previous one, so that every invalidation
 *    is followed by kernel work on the ring (where the kmap mode must
 *    re-establish its mapping) before the next: the driver's remaps then
 *    equal the operations on pages of the ring's parts.  An operation
 *    that had to wait past its tick is counted late; ticks are not made
 *    up in bursts, so inval_per_s is the rate achieved.
 *  - Operations that replace pages (dontneed, mremap) run while the ring
 *    is quiescent: the worker drains every descriptor in flight and parks
 *    (the gate below), since the user side's own writes would otherwise
 *    race with the copy.  With a kthread, MADV_DONTNEED leaves the avail
 *    ring's page zero-filled for a moment, and an idle kthread may re-read
 *    avail->idx at any time: dontneed skips that page with a kthread (and
 *    refuses hugetlb memory, whose one unit holds it).
 *
 * The worker ends every repetition by closing the gate, then kicks once
 * more if an operation came after the last descriptor it consumed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "units.h"
#include "vring.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

/* --------------------------------------------------------------- gate */

/*
 * Waiting on the gate sleeps on its futex rather than spinning: with two
 * CPUs, a spinning invalidator or parked worker would take the time of
 * the kthread or of the other side.  Every change of the gate wakes the
 * waiters; a waiter also looks again every 10 ms (and on a signal).
 */
static void fl_vr_gate_wake(struct fl_vr_ring *vr)
{
	syscall(SYS_futex, (int *)&vr->gate, FUTEX_WAKE_PRIVATE, INT_MAX,
		NULL, NULL, 0);
}

/* Until the gate is no longer @val; returns what it is then. */
static int fl_vr_gate_wait(struct fl_vr_ring *vr, int val)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 10000000L };
	int s;

	while ((s = atomic_load_explicit(&vr->gate, memory_order_acquire)) ==
	       val && !fl_interrupted)
		syscall(SYS_futex, (int *)&vr->gate, FUTEX_WAIT_PRIVATE, val,
			&ts, NULL, 0);
	return s;
}

static bool fl_vr_gate_move(struct fl_vr_ring *vr, int from, int to)
{
	if (!atomic_compare_exchange_strong(&vr->gate, &from, to))
		return false;
	fl_vr_gate_wake(vr);
	return true;
}

void fl_vr_gate_open(struct fl_vr_ring *vr)
{
	atomic_store(&vr->gate, FL_VR_IDLE);
}

void fl_vr_gate_shut(struct fl_vr_ring *vr)
{
	atomic_store(&vr->gate, FL_VR_CLOSED);
	fl_vr_gate_wake(vr);
}

int fl_vr_gate_point(struct fl_case *c, struct fl_vr_ring *vr)
{
	if (atomic_load_explicit(&vr->gate, memory_order_acquire) != FL_VR_REQ)
		return 0;
	if (fl_vr_complete(c, vr, vr->r.posted))
		return -1;
	if (fl_vr_gate_move(vr, FL_VR_REQ, FL_VR_PARKED))
		fl_vr_gate_wait(vr, FL_VR_PARKED);
	vr->last_progress = fl_mono_ns();
	return 0;
}

/*
 * An IDLE seen here means the invalidator let go between the failed move
 * and the load: try the move again.  Waiting for IDLE to change would
 * wait forever, since the invalidator's next operation on this ring waits
 * for a descriptor that this worker will never post (fl_vr_ready()).
 */
int fl_vr_gate_close(struct fl_case *c, struct fl_vr_ring *vr)
{
	int s;

	while (!fl_vr_gate_move(vr, FL_VR_IDLE, FL_VR_CLOSED)) {
		s = atomic_load(&vr->gate);
		if (s == FL_VR_CLOSED || fl_interrupted)
			break;
		if (s == FL_VR_REQ) {
			if (fl_vr_gate_point(c, vr))
				return -1;
		} else if (s != FL_VR_IDLE) {
			fl_vr_gate_wait(vr, s);
		}
	}
	return vr->ops_rep && vr->r.completed <= vr->op_posted;
}

/* ------------------------------------------------------------- checks */

/* PFN of the page at @a (0 when /proc/self/pagemap hides them). */
static uint64_t fl_vr_pfn(const void *a)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e),
		  (off_t)((uintptr_t)a / FL_PAGE_SIZE * sizeof(e))) != sizeof(e))
		e = 0;
	close(fd);
	return e & ((1ULL << 55) - 1);
}


static bool fl_vr_mem_is(const struct fl_vr *p, const char *kind)
{
	return p->rmem.ops && !strcmp(p->rmem.ops->kind, kind);
}

/* MADV_COLLAPSE is Linux 6.1+; older kernels say EINVAL. */
static int fl_vr_probe_collapse(char *why, size_t len)
{
	size_t sz = 4 * FL_MIB;
	char *m, *a;
	int ret = 0, e;

	m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return fl_sys(why, len, errno, "mmap", "4 MiB probe of MADV_COLLAPSE");
	a = (char *)fl_align_up((uint64_t)(uintptr_t)m, 2 * FL_MIB);
	memset(a, 1, FL_PAGE_SIZE);
	if (madvise(a, 2 * FL_MIB, MADV_COLLAPSE)) {
		e = errno;
		if (e == EINVAL)
			ret = fl_unsupported(why, len,
					     "--inval-kind thp: this kernel has no MADV_COLLAPSE (Linux 6.1+)");
	}
	munmap(m, sz);
	return ret;
}

int fl_vr_inval_check(struct fl_case *c, char *why, size_t len)
{
	struct fl_vr *p = c->priv;
	const struct fl_opts *o = c->o;
	enum fl_inval_kind k = (enum fl_inval_kind)o->inval_kind;
	const char *kn = fl_inval_names[k];

	p->im.prot = PROT_READ | PROT_WRITE;
	if (o->inval_rate <= 0)
		return 0;
	if (fl_vr_mem_is(p, "faultline") && k != FL_INVAL_MPROTECT)
		return fl_unsupported(why, len,
				      "--inval-kind %s: ring memory in a faultline mapping (VM_PFNMAP) cannot be dropped, moved or collapsed; only mprotect applies",
				      kn);
	if (!fl_vr_mem_is(p, "faultline") && !p->rmem.ram)
		return fl_unsupported(why, len,
				      "--inval-kind %s: ring memory %s is not ordinary memory",
				      kn, o->ring_mem);
	if (k == FL_INVAL_THP && !fl_vr_mem_is(p, "thp"))
		return fl_unsupported(why, len,
				      "--inval-kind thp splits and collapses transparent huge pages: needs --ring-mem thp, not %s",
				      o->ring_mem);
	if (fl_vr_mem_is(p, "hugetlb")) {
		p->im.hugetlb_shift = __builtin_ctzll(p->im.unit);
		if (k == FL_INVAL_DONTNEED && p->kthread)
			return fl_unsupported(why, len,
					      "--inval-kind dontneed with a kthread on hugetlb memory: the one huge page holds the avail ring, which the kthread may read while it is zero-filled");
	} else if (k != FL_INVAL_THP) {
		/* Pages of the ring's parts, one at a time. */
		p->im.unit = FL_PAGE_SIZE;
	}
	if (k == FL_INVAL_THP) {
		/* PFNs show only to root: else replaced stays unknown. */
		p->pfns = fl_vr_pfn(&p->im) != 0;
		return fl_vr_probe_collapse(why, len);
	}
	if (k == FL_INVAL_DONTNEED) {
		p->inval_skip_avail = p->kthread;
		p->im.save = fl_xaligned(FL_PAGE_SIZE, p->im.unit);
	}
	return 0;
}

/* ------------------------------------------------------------- ticks */

/* The unit operation @q of a ring works on. */
static char *fl_vr_inval_addr(const struct fl_vr *p,
			      const struct fl_vr_ring *vr, uint64_t q)
{
	enum fl_ring_part parts[FL_RING_NPARTS];
	uint64_t pages;
	int n = 0, i;

	if (p->im.unit > FL_PAGE_SIZE)
		return vr->map + (q % (vr->map_len / p->im.unit)) * p->im.unit;
	for (i = 0; i < FL_RING_NPARTS; i++)
		if (!(i == FL_RING_AVAIL && p->inval_skip_avail))
			parts[n++] = (enum fl_ring_part)i;
	i = (int)(q % (uint64_t)n);
	pages = fl_ring_part_pages(&p->lay, parts[i]);
	return vr->r.base + p->lay.off[parts[i]] +
	       ((q / (uint64_t)n) % pages) * FL_PAGE_SIZE;
}

/* Does [@a, @a + @len) hold a page of the ring's desc, avail or used part? */
static bool fl_vr_hits_parts(const struct fl_vr *p, const struct fl_vr_ring *vr,
			     const char *a, uint64_t len)
{
	const char *lo = vr->r.base + p->lay.off[FL_RING_DESC];
	const char *hi = vr->r.base + p->lay.off[FL_RING_BUFS];

	return a < hi && a + len > lo;
}

/*
 * Has the kernel consumed a descriptor posted after the last operation on
 * @vr?  Waits for it; false when the ring closed or we were interrupted.
 * *@waited says whether it was not ready at once.
 */
static bool fl_vr_ready(struct fl_vr_ring *vr, bool *waited)
{
	*waited = false;
	while (vr->ops && atomic_load_explicit(&vr->completed,
					       memory_order_acquire) <= vr->op_posted) {
		if (atomic_load(&vr->gate) == FL_VR_CLOSED || fl_interrupted)
			return false;
		*waited = true;
		/* The worker does not wake us for this: look every 50 us. */
		fl_sleep_until_mono(fl_mono_ns() + 50000);
	}
	return true;
}

/* One operation on ring @vr: 0 (done, or the ring closed), -1 with @why. */
static int fl_vr_inval_one(struct fl_case *c, struct fl_vr *p,
			   struct fl_vr_ring *vr, char *why, size_t len)
{
	enum fl_inval_kind k = (enum fl_inval_kind)c->o->inval_kind;
	bool replace = fl_inval_replaces(k), waited, collapse;
	int held, ret;
	uint64_t q, pfn0 = 0;
	char sub[FL_WHY_LEN], *addr;

	if (!fl_vr_ready(vr, &waited))
		return 0;
	held = replace ? FL_VR_REQ : FL_VR_BUSY;
	if (!fl_vr_gate_move(vr, FL_VR_IDLE, held))
		return 0;	/* closed */
	if (replace) {
		if (fl_vr_gate_wait(vr, FL_VR_REQ) != FL_VR_PARKED) {
			/* The worker closed (or failed), or we were interrupted. */
			fl_vr_gate_move(vr, FL_VR_REQ, FL_VR_IDLE);
			return 0;
		}
		held = FL_VR_PARKED;
	}
	/* mprotect and thp come in pairs on the same unit. */
	q = k == FL_INVAL_MPROTECT || k == FL_INVAL_THP ? vr->ops / 2 : vr->ops;
	addr = fl_vr_inval_addr(p, vr, q);
	collapse = k == FL_INVAL_THP && (vr->ops & 1);
	if (collapse && p->pfns)
		pfn0 = fl_vr_pfn(addr);
	ret = fl_inval_op(k, &p->im, addr, vr->ops, sub, sizeof(sub));
	/* Descriptors posted from now on are read after the operation. */
	vr->op_posted = atomic_load_explicit(&vr->posted, memory_order_acquire);
	fl_vr_gate_move(vr, held, FL_VR_IDLE);
	if (ret == -EAGAIN && collapse) {
		/* MADV_COLLAPSE refused (pinned or busy pages): counted. */
		p->inv.refused++;
		return 0;
	}
	if (ret)
		return fl_why(why, len, "ring %d, invalidation %llu: %s", vr->id,
			      (unsigned long long)vr->ops, sub);
	if (collapse) {
		p->inv.collapses++;
		if (p->pfns && fl_vr_pfn(addr) != pfn0)
			p->inv.replaced++;
	}
	if (fl_vr_hits_parts(p, vr, addr, p->im.unit)) {
		p->inv.part_ops++;
		vr->part_ops_rep++;
	}
	p->inv.late += waited;
	p->inv.ops++;
	vr->ops++;
	vr->ops_rep++;
	return 0;
}

/*
 * The controller: ends the throughput phase after --duration and runs
 * the invalidation ticks until every worker is done (the round trips are
 * measured under the same stress).
 */
int fl_vr_inval_control(struct fl_case *c, char *why, size_t len)
{
	struct fl_vr *p = c->priv;
	double rate = p->mode == FL_VRING_MODE_IO_URING ? 0 : c->o->inval_rate;
	uint64_t start = fl_mono_ns(), end = start + c->o->duration_ns;
	uint64_t period = rate > 0 ? (uint64_t)(1e9 / rate) : 0, n = 0, now;
	uint64_t due = start;
	bool stopped = false;
	int ret = 0;

	for (;;) {
		if (atomic_load(&c->done) >= c->nthreads)
			break;
		now = fl_mono_ns();
		if (!stopped && (now >= end || fl_interrupted || ret)) {
			atomic_store(&c->stop, 1);
			stopped = true;
		}
		if (!period || ret || fl_interrupted) {
			fl_sleep_until_mono(FL_MIN(stopped ? UINT64_MAX : end,
						   now + 5000000ULL));
			continue;
		}
		if (now < due) {
			fl_sleep_until_mono(FL_MIN(due, now + 5000000ULL));
			continue;
		}
		ret = fl_vr_inval_one(c, p, p->rings[n++ % (uint64_t)p->nrings],
				      why, len);
		/* Late ticks are not made up in a burst. */
		due = FL_MAX(due + period, fl_mono_ns());
	}
	p->ctl_ns = fl_mono_ns() - start;
	return ret;
}
