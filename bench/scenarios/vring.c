// SPDX-License-Identifier: GPL-2.0
/*
 * vring.c - a virtio ring in user memory processed by the faultline
 * driver's ring engine (issue 5): throughput, round-trip latency and
 * correctness of each access mode (uaccess, uaccess-batched, kmap) under
 * MMU-notifier invalidations, with io_uring's own rings as the peer.
 *
 * Each worker thread owns one ring, registered on its own open file of
 * the device (FL_IOC_VRING_SETUP), in --ring-mem memory.  A repetition:
 *
 *   1. throughput for --duration: post --batch descriptors whenever that
 *      many slots are free, kick, consume used entries;
 *   2. --pings round trips of one descriptor each (post, kick, wait for
 *      its used entry): the rtt_ns histogram;
 *   3. the driver's counters (FL_IOC_VRING_STATS) must match: descriptors
 *      completed equal to those consumed, no sequence, checksum, ring or
 *      access error.
 *
 * The controller meanwhile invalidates ring memory at --inval-rate
 * (vring_inval.c).  Every used entry is checked as it is consumed
 * (lib/ring.c); the kernel not consuming a posted descriptor within
 * --watchdog is a stale read.  Either fails the case, with the ring's
 * indices and the driver's first error.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "units.h"
#include "vring.h"

const char *const fl_vcnt_names[FL_VCNT_NR] = {
	[FL_VCNT_DESCS] = "descs",
	[FL_VCNT_BYTES] = "bytes",
	[FL_VCNT_BATCHES] = "batches",
	[FL_VCNT_KICKS] = "kicks",
	[FL_VCNT_INVALIDATIONS] = "invalidations",
	[FL_VCNT_REMAPS] = "remaps",
	[FL_VCNT_RETRIES] = "retries",
	[FL_VCNT_SEQ_ERRORS] = "seq_errors",
	[FL_VCNT_CSUM_ERRORS] = "csum_errors",
	[FL_VCNT_RING_ERRORS] = "ring_errors",
	[FL_VCNT_FAULTS] = "faults",
};

int fl_vr_fail(struct fl_vr_ring *vr, const char *fmt, ...)
{
	va_list ap;

	if (!vr->err[0]) {
		va_start(ap, fmt);
		vsnprintf(vr->err, sizeof(vr->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ------------------------------------------------------------- driver */

static int fl_vr_stats(struct fl_vr_ring *vr, struct fl_vring_stats *s,
		       bool reset, char *why, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->flags = reset ? FL_COUNTERS_RESET : 0;
	if (ioctl(vr->fd, FL_IOC_VRING_STATS, s))
		return fl_sys(why, len, errno, "ioctl",
			      "ring %d, FL_IOC_VRING_STATS%s", vr->id,
			      reset ? " FL_COUNTERS_RESET" : "");
	return 0;
}

static const char *fl_vcnt_name(uint32_t k)
{
	return k < FL_VCNT_NR ? fl_vcnt_names[k] : "unknown";
}

/* Append the driver's view of a ring to a failure report. */
static void fl_vr_drv_state(struct fl_vr_ring *vr, char *buf, size_t len)
{
	struct fl_vring_stats s;
	char sub[FL_WHY_LEN];
	size_t n = strlen(buf);

	if (n + 1 >= len)
		return;
	if (fl_vr_stats(vr, &s, false, sub, sizeof(sub))) {
		snprintf(buf + n, len - n, "; driver state unavailable: %s", sub);
		return;
	}
	n += (size_t)snprintf(buf + n, len - n,
			      "; driver: last_avail %u descs %llu invalidations %llu remaps %llu retries %llu errors seq %llu csum %llu ring %llu faults %llu",
			      s.last_avail,
			      (unsigned long long)s.val[FL_VCNT_DESCS],
			      (unsigned long long)s.val[FL_VCNT_INVALIDATIONS],
			      (unsigned long long)s.val[FL_VCNT_REMAPS],
			      (unsigned long long)s.val[FL_VCNT_RETRIES],
			      (unsigned long long)s.val[FL_VCNT_SEQ_ERRORS],
			      (unsigned long long)s.val[FL_VCNT_CSUM_ERRORS],
			      (unsigned long long)s.val[FL_VCNT_RING_ERRORS],
			      (unsigned long long)s.val[FL_VCNT_FAULTS]);
	if (s.err_kind && n + 1 < len)
		snprintf(buf + n, len - n,
			 ", first error %s at head %u: expected %llu, got %llu",
			 fl_vcnt_name(s.err_kind), s.err_head,
			 (unsigned long long)s.err_expected,
			 (unsigned long long)s.err_got);
}

/* ------------------------------------------------------------- producer */

static void fl_vr_publish(struct fl_vr_ring *vr)
{
	atomic_store_explicit(&vr->posted, vr->r.posted, memory_order_release);
	atomic_store_explicit(&vr->completed, vr->r.completed,
			      memory_order_release);
}

/* Consume used entries; -1 on the first mismatch. */
static int fl_vr_reap(struct fl_thread *t, struct fl_vr_ring *vr,
		      uint32_t *got)
{
	*got = fl_ring_reap(&vr->r);
	if (*got) {
		vr->last_progress = fl_mono_ns();
		fl_vr_publish(vr);
		if (t)
			atomic_store_explicit(&t->progress, vr->r.completed,
					      memory_order_relaxed);
	}
	if (vr->r.mismatches)
		return fl_vr_fail(vr, "ring %d: %s", vr->id, vr->r.err);
	return 0;
}

/* Nothing consumed for --watchdog while descriptors are in flight. */
static int fl_vr_watchdog(struct fl_case *c, struct fl_vr_ring *vr)
{
	char st[256], ws[32];

	if (!fl_ring_inflight(&vr->r)) {
		vr->last_progress = fl_mono_ns();
		return 0;
	}
	if (fl_mono_ns() - vr->last_progress < c->o->watchdog_ns)
		return 0;
	vr->stale++;
	fl_ring_state(&vr->r, st, sizeof(st));
	fl_fmt_ns((double)c->o->watchdog_ns, ws, sizeof(ws));
	return fl_vr_fail(vr,
			  "ring %d: stale read: the kernel consumed nothing posted within the %s watchdog: %s; invalidation operations on this ring so far %llu (last after descriptor %llu)",
			  vr->id, ws, st, (unsigned long long)vr->ops,
			  (unsigned long long)vr->op_posted);
}

int fl_vr_complete(struct fl_case *c, struct fl_vr_ring *vr, uint64_t target)
{
	uint32_t got;

	vr->last_progress = fl_mono_ns();
	while (vr->r.completed < target && !fl_interrupted) {
		if (fl_vr_reap(NULL, vr, &got))
			return -1;
		if (vr->r.completed >= target)
			break;
		if (!got && fl_vr_wait(c, vr, 100000000ULL))
			return -1;
		if (fl_vr_watchdog(c, vr))
			return -1;
	}
	return 0;
}

/* Post @n descriptors and kick. */
static int fl_vr_send(struct fl_case *c, struct fl_vr_ring *vr, uint32_t n)
{
	fl_ring_post(&vr->r, n);
	fl_vr_publish(vr);
	return fl_vr_kick(c, vr);
}

static int fl_vr_tput(struct fl_thread *t, struct fl_vr_ring *vr)
{
	struct fl_case *c = t->c;
	uint32_t batch = c->o->batch, got;
	uint64_t c0 = vr->r.completed;
	bool sent;

	vr->last_progress = fl_mono_ns();
	vr->tput_t0 = fl_now();
	while (!fl_should_stop(c)) {
		if (fl_vr_gate_point(c, vr))
			return -1;
		sent = false;
		if (fl_ring_free(&vr->r) >= batch) {
			if (fl_vr_send(c, vr, batch))
				return -1;
			sent = true;
		}
		if (fl_vr_reap(t, vr, &got))
			return -1;
		if (!got && !sent && fl_vr_wait(c, vr, 100000000ULL))
			return -1;
		if (fl_vr_watchdog(c, vr))
			return -1;
	}
	vr->tput_t1 = fl_now();
	vr->tput_descs = vr->r.completed - c0;
	/* What is still in flight is drained, not counted. */
	return fl_vr_complete(c, vr, vr->r.posted);
}

static int fl_vr_pings(struct fl_thread *t, struct fl_vr_ring *vr)
{
	struct fl_case *c = t->c;
	uint64_t k, t0;

	for (k = 0; k < c->o->pings && !fl_interrupted; k++) {
		if (fl_vr_gate_point(c, vr))
			return -1;
		t0 = fl_now();
		if (fl_vr_send(c, vr, 1) ||
		    fl_vr_complete(c, vr, vr->r.posted))
			return -1;
		fl_hist_record(t->hist[0], fl_now() - t0);
	}
	return 0;
}

static int fl_vr_work(struct fl_thread *t)
{
	struct fl_case *c = t->c;
	struct fl_vr *p = c->priv;
	struct fl_vr_ring *vr = p->rings[t->id];
	int ret;

	if (p->mode == FL_VRING_MODE_IO_URING)
		ret = fl_vr_nop_work(t, vr);
	else
		ret = fl_vr_tput(t, vr);
	if (!ret && p->mode != FL_VRING_MODE_IO_URING)
		ret = fl_vr_pings(t, vr);
	/* No invalidation after this; the last one is followed by a kick. */
	if (!ret && fl_vr_gate_close(c, vr) == 1 && !fl_interrupted) {
		ret = fl_vr_send(c, vr, 1);
		if (!ret)
			ret = fl_vr_complete(c, vr, vr->r.posted);
	}
	if (ret) {
		fl_vr_gate_shut(vr);
		if (vr->registered)
			fl_vr_drv_state(vr, vr->err, sizeof(vr->err));
		memcpy(t->why, vr->err, sizeof(t->why) - 1);
		t->why[sizeof(t->why) - 1] = '\0';
	}
	return ret;
}

/* ------------------------------------------------------------- setup */

/* The unit ring memory is mapped and invalidated in, from its spec. */
static uint64_t fl_vr_mem_unit(const char *spec)
{
	uint64_t sz;
	char sub[FL_WHY_LEN];

	if (!strcmp(spec, "thp"))
		return 2 * FL_MIB;
	if (!strncmp(spec, "hugetlb:", 8) &&
	    !fl_parse_size(spec + 8, &sz, sub, sizeof(sub)))
		return sz;
	return FL_PAGE_SIZE;
}

static int fl_vr_rmem_open(struct fl_case *c, struct fl_vr *p, char *why,
			   size_t len)
{
	struct fl_opts ro = *c->o;
	char sub[FL_WHY_LEN];
	int ret;

	snprintf(ro.target, sizeof(ro.target), "%s", c->o->ring_mem);
	if (strncmp(ro.target, "faultline:", 10)) {
		ro.strategy[0] = '\0';
		ro.cache[0] = '\0';
		ro.max_order = -1;
		ro.window = 0;
	}
	ro.inject_delay_ns = ro.inject_error_ppm = -1;
	ro.offset = 0;
	p->im.unit = fl_vr_mem_unit(ro.target);
	p->map_len = fl_align_up(p->lay.len, p->im.unit);
	ro.size = p->map_len * (uint64_t)p->nrings;
	ret = fl_target_open(&p->rmem, &ro, sub, sizeof(sub));
	if (ret) {
		fl_why(why, len, "ring memory %s: %s", ro.target, sub);
		return ret;
	}
	p->rmem_open = true;
	/* A hugetlb or faultline mapping may need a larger unit. */
	if (p->rmem.min_map > p->im.unit) {
		p->im.unit = p->rmem.min_map;
		p->map_len = fl_align_up(p->lay.len, p->im.unit);
	}
	if (p->rmem.size && p->map_len * (uint64_t)p->nrings > p->rmem.size)
		return fl_unsupported(why, len,
				      "ring memory %s holds %llu bytes, %d rings need %llu",
				      ro.target,
				      (unsigned long long)p->rmem.size,
				      p->nrings,
				      (unsigned long long)(p->map_len *
							   (uint64_t)p->nrings));
	return 0;
}

static int fl_vr_register(struct fl_case *c, struct fl_vr *p,
			  struct fl_vr_ring *vr, char *why, size_t len)
{
	struct fl_vring_setup s;
	int e;

	vr->fd = open(p->dev, O_RDWR | O_CLOEXEC);
	if (vr->fd < 0)
		return fl_sys(why, len, errno, "open", "%s (ring %d)", p->dev,
			      vr->id);
	if (p->kthread) {
		vr->kick_fd = eventfd(0, EFD_CLOEXEC);
		vr->call_fd = eventfd(0, EFD_CLOEXEC);
		if (vr->kick_fd < 0 || vr->call_fd < 0)
			return fl_sys(why, len, errno, "eventfd",
				      "0, EFD_CLOEXEC (ring %d)", vr->id);
	}
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.mode = (uint32_t)p->mode;
	s.num = p->lay.num;
	s.batch = c->o->batch;
	s.flags = p->kthread ? FL_VRING_F_KTHREAD : 0;
	s.kick_fd = vr->kick_fd;
	s.call_fd = vr->call_fd;
	s.desc_addr = (uint64_t)(uintptr_t)vr->r.desc;
	s.avail_addr = (uint64_t)(uintptr_t)vr->r.avail;
	s.used_addr = (uint64_t)(uintptr_t)vr->r.used;
	s.seq_base = vr->r.tx_seq;
	if (ioctl(vr->fd, FL_IOC_VRING_SETUP, &s)) {
		e = errno;
		fl_sys(why, len, e, "ioctl",
		       "%s, FL_IOC_VRING_SETUP mode=%s num=%u batch=%u flags=%s ring memory %s (ring %d)%s",
		       p->dev, fl_vring_mode_name(p->mode), s.num, s.batch,
		       p->kthread ? "KTHREAD" : "0", c->o->ring_mem, vr->id,
		       e == ENOTTY ? ": this faultline driver has no vring engine" :
		       e == EOPNOTSUPP ? ": the driver cannot use this mode on this memory" : "");
		return e == ENOTTY || e == EOPNOTSUPP ? FL_UNSUPPORTED : -1;
	}
	vr->registered = true;
	return fl_vr_kick_setup(c, vr, why, len);
}

static int fl_vr_prepare(struct fl_case *c, char *why, size_t len)
{
	const struct fl_opts *o = c->o;
	struct fl_vr *p = fl_xcalloc(1, sizeof(*p));
	struct fl_vr_ring *vr;
	int i, ret;

	c->priv = p;
	p->mode = o->vring_mode;
	p->kthread = o->kick != FL_KICK_IOCTL;
	p->descs_match = true;
	p->remaps_cover = true;
	p->nrings = c->nthreads;
	p->rings = fl_xcalloc((size_t)p->nrings, sizeof(*p->rings));
	p->drv_rep = fl_xcalloc((size_t)o->reps, sizeof(*p->drv_rep));
	for (i = 0; i < p->nrings; i++) {
		vr = fl_xaligned(FL_CACHELINE, sizeof(*vr));
		memset(vr, 0, sizeof(*vr));
		vr->id = i;
		vr->fd = vr->kick_fd = vr->call_fd = -1;
		p->rings[i] = vr;
	}
	if (p->mode == FL_VRING_MODE_IO_URING) {
		for (i = 0; i < p->nrings; i++) {
			ret = fl_vr_nop_setup(c, p->rings[i], why, len);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (strcmp(c->tgt.ops->kind, "faultline"))
		return fl_unsupported(why, len,
				      "mode %s runs in the faultline driver's ring engine: use --target faultline:/dev/faultlineN (only mode io_uring needs no driver)",
				      fl_vring_mode_name(p->mode));
	snprintf(p->dev, sizeof(p->dev), "%s", o->target + 10);
	if (fl_ring_layout(&p->lay, o->ring_size, o->payload, why, len))
		return -1;
	ret = fl_vr_rmem_open(c, p, why, len);
	if (!ret)
		ret = fl_vr_inval_check(c, why, len);
	if (ret)
		return ret;
	for (i = 0; i < p->nrings; i++) {
		vr = p->rings[i];
		vr->map = fl_target_map(&p->rmem,
					(uint64_t)i * p->map_len, p->map_len,
					false, why, len);
		if (!vr->map)
			return -1;
		vr->map_len = p->map_len;
		/* Distinct sequence numbers per ring and per run. */
		fl_ring_init(&vr->r, vr->map, &p->lay, o->rx,
			     (o->seed << 40) + ((uint64_t)i << 32));
		ret = fl_vr_register(c, p, vr, why, len);
		if (ret)
			return ret;
	}
	return 0;
}

static int fl_vr_rep_setup(struct fl_case *c, char *why, size_t len)
{
	struct fl_vr *p = c->priv;
	struct fl_vring_stats s;
	struct fl_vr_ring *vr;
	int i;

	memset(&p->inv, 0, sizeof(p->inv));
	p->ctl_ns = 0;
	for (i = 0; i < p->nrings; i++) {
		vr = p->rings[i];
		vr->tput_t0 = vr->tput_t1 = 0;
		vr->tput_descs = 0;
		vr->rep_c0 = vr->r.completed;
		vr->ops_rep = vr->part_ops_rep = 0;
		fl_vr_publish(vr);
		fl_vr_gate_open(vr);
		/* Zero the driver's counters: they count this repetition. */
		if (vr->registered && fl_vr_stats(vr, &s, true, why, len))
			return -1;
	}
	return 0;
}

static void fl_vr_add_fail(struct fl_vr *p, const char *msg)
{
	if (!p->first_fail[0])
		snprintf(p->first_fail, sizeof(p->first_fail), "%s", msg);
}

/*
 * Driver counters of every ring: must match what the harness saw.  In
 * kmap mode every operation on a page of the ring's parts must have been
 * followed by a re-mapping (the gate guarantees kernel work on the ring
 * between two operations and after the last): fewer means the kernel kept
 * using pages the user had replaced or changed.  More are possible: the
 * kernel also invalidates the ring's range for operations elsewhere in the
 * same 2 MiB when they split a VMA that spans it (__split_huge_pmd()
 * notifies before it looks at the PMD).  Every re-mapping must follow an
 * invalidation.  THP split and collapse leave pinned pages alone, so they
 * have no such oracle.
 */
static int fl_vr_drv_check(struct fl_case *c, struct fl_vr *p, uint64_t *sum,
			   char *why, size_t len)
{
	bool remap_oracle = p->mode == FL_VRING_KMAP && c->o->inval_rate > 0 &&
			    c->o->inval_kind != FL_INVAL_THP;
	static const int errs[] = { FL_VCNT_SEQ_ERRORS, FL_VCNT_CSUM_ERRORS,
				    FL_VCNT_RING_ERRORS, FL_VCNT_FAULTS };
	struct fl_vring_stats s;
	struct fl_vr_ring *vr;
	char msg[2 * FL_WHY_LEN];
	int i, k, ret = 0;

	for (i = 0; i < p->nrings; i++) {
		vr = p->rings[i];
		if (!vr->registered)
			continue;
		if (fl_vr_stats(vr, &s, false, why, len))
			return -1;
		p->drv_ok = true;
		for (k = 0; k < FL_VCNT_NR; k++)
			sum[k] += s.val[k];
		if (s.val[FL_VCNT_DESCS] != vr->r.completed - vr->rep_c0) {
			p->descs_match = false;
			snprintf(msg, sizeof(msg),
				 "ring %d: the driver completed %llu descriptors, flbench consumed %llu",
				 i, (unsigned long long)s.val[FL_VCNT_DESCS],
				 (unsigned long long)(vr->r.completed - vr->rep_c0));
			fl_vr_add_fail(p, msg);
			ret = -1;
		}
		for (k = 0; k < (int)FL_ARRAY_SIZE(errs); k++) {
			if (!s.val[errs[k]])
				continue;
			snprintf(msg, sizeof(msg),
				 "ring %d: the driver counted %llu %s; first error %s at head %u: expected %llu, got %llu",
				 i, (unsigned long long)s.val[errs[k]],
				 fl_vcnt_names[errs[k]],
				 fl_vcnt_name(s.err_kind), s.err_head,
				 (unsigned long long)s.err_expected,
				 (unsigned long long)s.err_got);
			fl_vr_add_fail(p, msg);
			ret = -1;
			break;
		}
		if (remap_oracle && s.val[FL_VCNT_REMAPS] < vr->part_ops_rep) {
			p->remaps_cover = false;
			snprintf(msg, sizeof(msg),
				 "ring %d: kmap re-established its mapping %llu times after %llu operations on the ring's pages (%llu invalidations counted): the kernel kept using pages the user had changed",
				 i, (unsigned long long)s.val[FL_VCNT_REMAPS],
				 (unsigned long long)vr->part_ops_rep,
				 (unsigned long long)s.val[FL_VCNT_INVALIDATIONS]);
			fl_vr_add_fail(p, msg);
			ret = -1;
		}
		if (s.val[FL_VCNT_REMAPS] > s.val[FL_VCNT_INVALIDATIONS]) {
			snprintf(msg, sizeof(msg),
				 "ring %d: the driver counted %llu re-mappings but only %llu invalidations",
				 i, (unsigned long long)s.val[FL_VCNT_REMAPS],
				 (unsigned long long)s.val[FL_VCNT_INVALIDATIONS]);
			fl_vr_add_fail(p, msg);
			ret = -1;
		}
	}
	if (ret)
		fl_why(why, len, "%s", p->first_fail);
	return ret;
}

static int fl_vr_rep_finish(struct fl_case *c, char *why, size_t len)
{
	struct fl_vr *p = c->priv;
	uint64_t sum[FL_VCNT_NR] = { 0 }, descs = 0, t0 = UINT64_MAX, t1 = 0;
	uint64_t mism = 0, stale = 0;
	double ops, wall;
	struct fl_vr_ring *vr;
	int i, k, ret = 0;

	for (i = 0; i < p->nrings; i++) {
		vr = p->rings[i];
		descs += vr->tput_descs;
		if (vr->tput_t1 > vr->tput_t0) {
			t0 = FL_MIN(t0, vr->tput_t0);
			t1 = FL_MAX(t1, vr->tput_t1);
		}
		mism += vr->r.mismatches;
		stale += vr->stale;
		p->tot_descs += vr->r.completed - vr->rep_c0;
		if (vr->err[0])
			fl_vr_add_fail(p, vr->err);
	}
	p->tot_mismatches = mism;	/* ring counts are cumulative */
	p->tot_stale = stale;
	p->inv_tot.ops += p->inv.ops;
	p->inv_tot.late += p->inv.late;
	p->inv_tot.part_ops += p->inv.part_ops;
	p->inv_tot.refused += p->inv.refused;
	p->inv_tot.collapses += p->inv.collapses;
	p->inv_tot.replaced += p->inv.replaced;
	if (p->mode != FL_VRING_MODE_IO_URING) {
		ret = fl_vr_drv_check(c, p, sum, why, len);
		for (k = 0; k < FL_VCNT_NR; k++)
			p->tot_drv[k] += sum[k];
		if (c->measuring && p->ndrv_rep < c->o->reps)
			memcpy(p->drv_rep[p->ndrv_rep++], sum, sizeof(sum));
	}
	wall = t1 > t0 ? (double)(t1 - t0) : NAN;
	ops = (double)descs * 1e9 / wall;
	fl_metric(c, "ops_per_s", "1/s", FL_HIGHER, ops);
	if (p->mode != FL_VRING_MODE_IO_URING)
		fl_metric(c, "bytes_per_s", "B/s", FL_HIGHER,
			  ops * p->lay.buf_len);
	fl_metric(c, "descs", "count", FL_NEITHER, (double)descs);
	if (c->o->inval_rate > 0)
		fl_metric(c, "inval_per_s", "1/s", FL_NEITHER,
			  p->ctl_ns ? (double)p->inv.ops * 1e9 /
				      (double)p->ctl_ns : NAN);
	fl_metric(c, "mismatches", "count", FL_LOWER, (double)mism);
	fl_metric(c, "stale_reads", "count", FL_LOWER, (double)stale);
	return ret;
}

static void fl_vr_cleanup(struct fl_case *c)
{
	struct fl_vr *p = c->priv;
	struct fl_vr_ring *vr;
	char why[FL_WHY_LEN];
	int i;

	if (!p)
		return;
	for (i = 0; i < p->nrings; i++) {
		vr = p->rings[i];
		if (!vr)
			continue;
		fl_vr_kick_teardown(vr);
		if (vr->registered && ioctl(vr->fd, FL_IOC_VRING_TEARDOWN, 0))
			fl_warn("ioctl(%s, FL_IOC_VRING_TEARDOWN) of ring %d: %s",
				p->dev, i, strerror(errno));
		if (vr->fd >= 0)
			close(vr->fd);
		if (vr->kick_fd >= 0)
			close(vr->kick_fd);
		if (vr->call_fd >= 0)
			close(vr->call_fd);
		if (vr->map && fl_target_unmap(&p->rmem, vr->map, vr->map_len,
					       why, sizeof(why)))
			fl_warn("%s", why);
		free(vr);
	}
	if (p->rmem_open)
		fl_target_close(&p->rmem);
	free(p->im.save);
	free(p->rings);
	free(p->drv_rep);
	free(p);
	c->priv = NULL;
}

/* ------------------------------------------------------------- results */

static void fl_vr_counters_json(struct fl_json *j, const char *key,
				const uint64_t *v)
{
	int k;

	fl_json_obj_begin(j, key);
	for (k = 0; k < FL_VCNT_NR; k++)
		fl_json_u64(j, fl_vcnt_names[k], v[k]);
	fl_json_obj_end(j);
}

static void fl_vr_json(struct fl_case *c, struct fl_json *j)
{
	struct fl_vr *p = c->priv;
	const struct fl_opts *o = c->o;
	bool peer;
	int r, k;

	if (!p)
		return;
	peer = p->mode == FL_VRING_MODE_IO_URING;
	fl_json_str(j, "mode", fl_vring_mode_name(p->mode));
	fl_json_str(j, "kick", peer ? NULL : fl_kick_name(o->kick));
	fl_json_bool(j, "kthread", !peer && p->kthread);
	fl_json_str(j, "device", peer ? NULL : p->dev);
	if (!peer && p->rmem_open) {
		fl_json_obj_begin(j, "ring_memory");
		fl_json_str(j, "spec", o->ring_mem);
		fl_json_str(j, "description", p->rmem.desc);
		fl_json_i64(j, "numa_node", p->rmem.numa_node);
		fl_json_u64(j, "map_len", p->map_len);
		fl_json_obj_end(j);
		fl_json_obj_begin(j, "layout");
		fl_json_u64(j, "num", p->lay.num);
		fl_json_u64(j, "payload", p->lay.payload);
		fl_json_u64(j, "buf_len", p->lay.buf_len);
		fl_json_u64(j, "buf_stride", p->lay.buf_stride);
		fl_json_u64(j, "nbufs", p->lay.nbufs);
		for (k = 0; k < FL_RING_NPARTS; k++) {
			char key[32];

			snprintf(key, sizeof(key), "%s_off",
				 fl_ring_part_names[k]);
			fl_json_u64(j, key, p->lay.off[k]);
		}
		fl_json_u64(j, "len", p->lay.len);
		fl_json_obj_end(j);
	}
	fl_json_obj_begin(j, "invalidation");
	fl_json_str(j, "kind", o->inval_rate > 0 && !peer ?
		    fl_inval_names[o->inval_kind] : NULL);
	fl_json_dbl(j, "rate_hz", peer ? 0 : o->inval_rate);
	fl_json_u64(j, "unit", p->im.unit);
	fl_json_bool(j, "avail_page_skipped", p->inval_skip_avail);
	fl_json_u64(j, "ops", p->inv_tot.ops);
	fl_json_u64(j, "late", p->inv_tot.late);
	fl_json_u64(j, "ring_part_ops", p->inv_tot.part_ops);
	fl_json_u64(j, "refused", p->inv_tot.refused);
	if (o->inval_rate > 0 && o->inval_kind == FL_INVAL_THP) {
		fl_json_u64(j, "collapses", p->inv_tot.collapses);
		if (p->pfns)
			fl_json_u64(j, "collapses_replaced", p->inv_tot.replaced);
		else
			fl_json_null(j, "collapses_replaced");
	}
	fl_json_obj_end(j);
	if (!peer) {
		fl_json_obj_begin(j, "driver_counters");
		fl_json_bool(j, "available", p->drv_ok);
		fl_json_arr_begin(j, "per_rep");
		for (r = 0; r < p->ndrv_rep; r++)
			fl_vr_counters_json(j, NULL, p->drv_rep[r]);
		fl_json_arr_end(j);
		fl_vr_counters_json(j, "total", p->tot_drv);
		fl_json_obj_end(j);
	}
	fl_json_obj_begin(j, "checks");
	fl_json_u64(j, "descriptors", p->tot_descs);
	fl_json_u64(j, "mismatches", p->tot_mismatches);
	fl_json_u64(j, "stale_reads", p->tot_stale);
	if (!peer && p->drv_ok) {
		fl_json_bool(j, "descs_match", p->descs_match);
		fl_json_u64(j, "seq_errors", p->tot_drv[FL_VCNT_SEQ_ERRORS]);
		fl_json_u64(j, "csum_errors", p->tot_drv[FL_VCNT_CSUM_ERRORS]);
		fl_json_u64(j, "ring_errors", p->tot_drv[FL_VCNT_RING_ERRORS]);
		fl_json_u64(j, "faults", p->tot_drv[FL_VCNT_FAULTS]);
		fl_json_u64(j, "invalidations", p->tot_drv[FL_VCNT_INVALIDATIONS]);
		fl_json_u64(j, "remaps", p->tot_drv[FL_VCNT_REMAPS]);
		fl_json_bool(j, "remaps_equal_invalidations",
			     p->tot_drv[FL_VCNT_REMAPS] ==
			     p->tot_drv[FL_VCNT_INVALIDATIONS]);
		/* The oracle of fl_vr_drv_check(), and whether it was exact. */
		if (p->mode == FL_VRING_KMAP && o->inval_rate > 0 &&
		    o->inval_kind != FL_INVAL_THP) {
			fl_json_bool(j, "remaps_cover_ring_part_ops",
				     p->remaps_cover);
			fl_json_bool(j, "remaps_equal_ring_part_ops",
				     p->tot_drv[FL_VCNT_REMAPS] ==
				     p->inv_tot.part_ops);
		} else {
			fl_json_null(j, "remaps_cover_ring_part_ops");
			fl_json_null(j, "remaps_equal_ring_part_ops");
		}
	}
	fl_json_u64(j, "invalidation_ops", p->inv_tot.ops);
	fl_json_u64(j, "ring_part_ops", p->inv_tot.part_ops);
	fl_json_str(j, "first_failure", p->first_fail[0] ? p->first_fail : NULL);
	fl_json_obj_end(j);
}

/* Short name of a ring-memory spec: "faultline0" for a faultline node. */
static const char *fl_vr_mem_short(const char *spec)
{
	const char *p = strrchr(spec, '/');

	return !strncmp(spec, "faultline:", 10) && p ? p + 1 : spec;
}

void fl_vring_case_name(const struct fl_opts *o, char *buf, size_t len)
{
	char inval[64] = "";

	if (o->vring_mode == FL_VRING_MODE_IO_URING) {
		snprintf(buf, len, " io_uring-nop n%u b%u", o->ring_size,
			 o->batch);
		return;
	}
	if (o->inval_rate > 0)
		snprintf(inval, sizeof(inval), " %s@%g/s",
			 fl_inval_names[o->inval_kind], o->inval_rate);
	snprintf(buf, len, " %s %s %.24s%s n%u b%u p%u %s",
		 fl_vring_mode_name(o->vring_mode), fl_kick_name(o->kick),
		 fl_vr_mem_short(o->ring_mem), inval, o->ring_size, o->batch,
		 o->payload, o->rx ? "rx" : "tx");
}

/*
 * The case's params (issue 5; CONFIG.md "Results schema"): what does not
 * apply to the io_uring peer (kick, ring memory, payload, direction,
 * invalidations) or to a case without invalidations (the kind) is null.
 */
void fl_vring_params_json(struct fl_json *j, const struct fl_opts *o)
{
	bool peer = o->vring_mode == FL_VRING_MODE_IO_URING;

	fl_json_str(j, "mode", fl_vring_mode_name(o->vring_mode));
	fl_json_str(j, "kick", peer ? NULL : fl_kick_name(o->kick));
	fl_json_str(j, "ring_mem", peer ? NULL : o->ring_mem);
	fl_json_u64(j, "ring_size", o->ring_size);
	fl_json_u64(j, "batch", o->batch);
	if (peer) {
		fl_json_null(j, "payload");
		fl_json_null(j, "dir");
	} else {
		fl_json_u64(j, "payload", o->payload);
		fl_json_str(j, "dir", o->rx ? "rx" : "tx");
	}
	fl_json_dbl(j, "inval_rate_hz", peer ? 0 : o->inval_rate);
	fl_json_str(j, "inval_kind", !peer && o->inval_rate > 0 ?
		    fl_inval_names[o->inval_kind] : NULL);
	fl_json_u64(j, "pings", o->pings);
	fl_json_u64(j, "watchdog_ns", o->watchdog_ns);
}

/* ------------------------------------------------------------- --list */

static void fl_vr_list(FILE *f)
{
	struct io_uring ring;
	char dev[32], uring[128] = "available";
	struct fl_vring_stats s;
	const char *engine = "unknown: no faultline device to ask";
	bool ok = false;
	int i, fd = -1, ret;

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret)
		snprintf(uring, sizeof(uring),
			 "unsupported: io_uring_queue_init: %s", strerror(-ret));
	else
		io_uring_queue_exit(&ring);
	for (i = 0; i < 64 && fd < 0; i++) {
		snprintf(dev, sizeof(dev), "/dev/faultline%d", i);
		fd = open(dev, O_RDWR | O_CLOEXEC);
	}
	if (fd >= 0) {
		memset(&s, 0, sizeof(s));
		s.size = sizeof(s);
		/* A fresh file has no ring: any answer but ENOTTY means an engine. */
		ok = !ioctl(fd, FL_IOC_VRING_STATS, &s) || errno != ENOTTY;
		engine = ok ? "available" :
			 "unsupported: this faultline driver has no vring engine (ENOTTY)";
		close(fd);
	}
	fprintf(f, "vring modes (--mode):\n");
	for (i = 0; i < FL_VRING_MODE_NR; i++)
		fprintf(f, "    %-16s %s%s\n", fl_vring_mode_name(i), engine,
			i == FL_VRING_KMAP && ok ?
			" (not on ring memory without struct pages, such as a faultline BAR mapping: EOPNOTSUPP)" : "");
	fprintf(f, "    %-16s %s (the peer: io_uring's own rings, no driver)\n",
		fl_vring_mode_name(FL_VRING_MODE_IO_URING), uring);
	fprintf(f, "vring kicks (--kick):\n");
	for (i = 0; i < FL_KICK_NR; i++)
		fprintf(f, "    %-16s %s\n", fl_kick_name((enum fl_kick)i),
			i == FL_KICK_IO_URING && ret ? uring : engine);
	fprintf(f, "vring invalidations (--inval-kind): mprotect (any ring memory), dontneed and mremap (anon, thp, hugetlb), thp (--ring-mem thp; MADV_COLLAPSE: Linux 6.1+)\n");
}

const struct fl_scenario fl_scen_vring = {
	.id = FL_SCEN_VRING,
	.name = "vring",
	.summary = "virtio ring in user memory processed by the driver: descriptors/s, round trips, invalidation stress, io_uring NOP peer",
	.hists = { "rtt_ns" },
	.headline = { "ops_per_s", "bytes_per_s" },
	.prepare = fl_vr_prepare,
	.rep_setup = fl_vr_rep_setup,
	.work = fl_vr_work,
	.control = fl_vr_inval_control,
	.rep_finish = fl_vr_rep_finish,
	.cleanup = fl_vr_cleanup,
	.json = fl_vr_json,
	.list = fl_vr_list,
};
