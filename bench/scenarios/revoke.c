// SPDX-License-Identifier: GPL-2.0
/*
 * revoke.c - revoke storm: T workers access a mapping continuously while
 * the controller revokes it (every user mapping zapped, faults SIGBUS)
 * and restores it at --rate cycles per second, holding it revoked for
 * --hold.
 *
 * Each worker walks its slice page by page.  An access to a page not
 * touched since the last revoke began is a refault and goes to the
 * refault histogram; others go to the access histogram.  A SIGBUS (the
 * mapping is revoked) returns to the loop through siglongjmp; the worker
 * waits for the restore and retries the same page.
 *
 * Data check: with --access write every access first reads back the value
 * this thread last wrote to the page, then writes the next one; with
 * --access read the page must hold the pattern written at setup.  After
 * every repetition the whole mapping is checked again.  A mismatch is a
 * lost write (or stale mapping) and fails the case.
 */
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"

#define FL_REV_MAGIC	0x5a17f00d00000000ULL

struct fl_rev {
	char *map;
	uint64_t npages;
	uint64_t *shadow;		/* value expected in each page */
	_Atomic uint64_t epoch;		/* revokes begun */
	_Atomic uint64_t restored;	/* revokes undone */
	uint64_t cycles_done;
	uint64_t revoke_ns, restore_ns, zapped;
	uint64_t lost;			/* mismatches seen by workers */
	char first_lost[FL_WHY_LEN];
};

struct fl_rev_thread {
	uint64_t first, count;
	uint64_t *seen;			/* epoch of each page's last access */
	uint64_t accesses, sigbus, lost;
	char lost_why[FL_WHY_LEN];
};

static uint64_t fl_rev_initial(uint64_t pg)
{
	return FL_REV_MAGIC | pg;
}

static int fl_rev_prepare(struct fl_case *c, char *why, size_t len)
{
	struct fl_rev *p;
	uint64_t i;

	if (!c->tgt.ops->revoke || !c->tgt.ops->restore)
		return fl_unsupported(why, len,
			      "target %s cannot be revoked (faultline and vfio can)",
			      c->tgt.ops->kind);
	p = fl_xcalloc(1, sizeof(*p));
	c->priv = p;
	p->npages = c->size / FL_PAGE_SIZE;
	p->shadow = fl_xcalloc(p->npages, sizeof(*p->shadow));
	p->map = fl_target_map(&c->tgt, c->o->offset, c->size, c->o->misalign,
			       why, len);
	if (!p->map)
		return -1;
	for (i = 0; i < p->npages; i++) {
		p->shadow[i] = fl_rev_initial(i);
		fl_store(p->map + i * FL_PAGE_SIZE, p->shadow[i]);
	}
	return 0;
}

static int fl_rev_thread_init(struct fl_thread *t)
{
	struct fl_case *c = t->c;
	struct fl_rev *p = c->priv;
	struct fl_rev_thread *pt = fl_xcalloc(1, sizeof(*pt));
	uint64_t T = (uint64_t)c->nthreads;

	t->priv = pt;
	pt->first = p->npages * (uint64_t)t->id / T;
	pt->count = p->npages * (uint64_t)(t->id + 1) / T - pt->first;
	pt->seen = fl_xcalloc(pt->count ? pt->count : 1, sizeof(*pt->seen));
	return 0;
}

static void fl_rev_wait_restore(struct fl_case *c, struct fl_rev *p,
				uint64_t epoch)
{
	while (atomic_load_explicit(&p->restored, memory_order_acquire) < epoch &&
	       !fl_should_stop(c))
		sched_yield();
}

static int fl_rev_work(struct fl_thread *t)
{
	struct fl_case *c = t->c;
	struct fl_rev *p = c->priv;
	struct fl_rev_thread *pt = t->priv;
	bool write = c->o->access == FL_ACC_WRITE;
	volatile uint64_t i = 0;
	uint64_t e, t0, d, pg, v, want;
	char *a;

	pt->accesses = pt->sigbus = 0;
	if (!pt->count)
		return 0;
	if (sigsetjmp(t->jb, 0)) {
		/* Revoked under us: wait for the restore, retry the page. */
		pt->sigbus++;
		fl_rev_wait_restore(c, p, atomic_load(&p->epoch));
	}
	t->jb_armed = true;
	while (!fl_should_stop(c)) {
		pg = pt->first + i;
		a = p->map + pg * FL_PAGE_SIZE;
		e = atomic_load_explicit(&p->epoch, memory_order_acquire);
		want = p->shadow[pg];
		t0 = fl_now();
		v = fl_load(a);
		if (write)
			fl_store(a, want + 1);
		d = fl_now() - t0;
		if (write)
			p->shadow[pg] = want + 1;
		fl_hist_record(t->hist[pt->seen[i] != e ? 1 : 0], d);
		pt->seen[i] = e;
		if (v != want && !pt->lost++)
			snprintf(pt->lost_why, sizeof(pt->lost_why),
				 "page %llu read 0x%llx, expected 0x%llx (epoch %llu)",
				 (unsigned long long)pg, (unsigned long long)v,
				 (unsigned long long)want, (unsigned long long)e);
		pt->accesses++;
		i = i + 1 == pt->count ? 0 : i + 1;
		if (!(pt->accesses & 1023))
			atomic_store_explicit(&t->progress, pt->accesses,
					      memory_order_relaxed);
	}
	t->jb_armed = false;
	return 0;
}

static int fl_rev_control(struct fl_case *c, char *why, size_t len)
{
	struct fl_rev *p = c->priv;
	uint64_t period = (uint64_t)(1e9 / c->o->rate), start, t0, z, n;
	uint64_t cycles = c->o->cycles ? c->o->cycles :
			  (uint64_t)FL_MAX(1.0, c->o->rate *
					   (double)c->o->duration_ns / 1e9);
	int ret = 0;

	p->cycles_done = p->revoke_ns = p->restore_ns = p->zapped = 0;
	start = fl_mono_ns();
	for (n = 0; n < cycles && !fl_interrupted; n++) {
		fl_sleep_until_mono(start + n * period);
		atomic_fetch_add_explicit(&p->epoch, 1, memory_order_release);
		t0 = fl_now();
		ret = c->tgt.ops->revoke(&c->tgt, &z, why, len);
		p->revoke_ns += fl_now() - t0;
		if (ret)
			break;
		p->zapped += z;
		fl_sleep_until_mono(fl_mono_ns() + c->o->hold_ns);
		t0 = fl_now();
		ret = c->tgt.ops->restore(&c->tgt, why, len);
		p->restore_ns += fl_now() - t0;
		atomic_store_explicit(&p->restored,
				      atomic_load(&p->epoch),
				      memory_order_release);
		if (ret)
			break;
		p->cycles_done++;
	}
	atomic_store(&c->stop, 1);
	return ret;
}

static int fl_rev_rep_finish(struct fl_case *c, char *why, size_t len)
{
	struct fl_rev *p = c->priv;
	uint64_t acc = 0, sigbus = 0, lost = 0, i, bad = 0, v, faults;
	uint64_t cyc = p->cycles_done ? p->cycles_done : 1;
	uint64_t wall = fl_case_wall_ns(c);
	const char *src, *first = NULL;
	char msg[FL_WHY_LEN] = "";
	int k;

	for (k = 0; k < c->nthreads; k++) {
		struct fl_rev_thread *pt = c->thr[k]->priv;

		acc += pt->accesses;
		sigbus += pt->sigbus;
		lost += pt->lost;
		if (pt->lost && !first)
			first = pt->lost_why;
	}
	/* Every page must hold what was last written to it. */
	for (i = 0; i < p->npages; i++) {
		v = fl_load(p->map + i * FL_PAGE_SIZE);
		if (v != p->shadow[i] && !bad++)
			snprintf(msg, sizeof(msg),
				 "after the repetition page %llu holds 0x%llx, expected 0x%llx",
				 (unsigned long long)i, (unsigned long long)v,
				 (unsigned long long)p->shadow[i]);
	}
	faults = fl_case_rep_faults(c, &src);
	fl_metric(c, "cycles", "count", FL_NEITHER, (double)p->cycles_done);
	fl_metric(c, "faults_per_cycle", "count", FL_LOWER,
		  (double)faults / (double)cyc);
	fl_metric(c, "sigbus_per_cycle", "count", FL_NEITHER,
		  (double)sigbus / (double)cyc);
	fl_metric(c, "revoke_ioctl_ns", "ns", FL_LOWER,
		  (double)p->revoke_ns / (double)cyc);
	fl_metric(c, "restore_ioctl_ns", "ns", FL_LOWER,
		  (double)p->restore_ns / (double)cyc);
	fl_metric(c, "zapped_pages_per_cycle", "count", FL_NEITHER,
		  (double)p->zapped / (double)cyc);
	fl_metric(c, "accesses_per_s", "1/s", FL_HIGHER,
		  wall ? (double)acc * 1e9 / (double)wall : NAN);
	fl_metric(c, "lost_writes", "count", FL_LOWER, (double)(lost + bad));
	p->lost += lost + bad;
	if (lost || bad) {
		fl_why(why, len, "data check failed: %llu mismatches during the run%s%s, %llu after it%s%s",
		       (unsigned long long)lost, first ? ": " : "",
		       first ? first : "", (unsigned long long)bad,
		       bad ? ": " : "", msg);
		return -1;
	}
	return 0;
}

static void fl_rev_thread_fini(struct fl_thread *t)
{
	struct fl_rev_thread *pt = t->priv;

	if (!pt)
		return;
	free(pt->seen);
	free(pt);
	t->priv = NULL;
}

static void fl_rev_cleanup(struct fl_case *c)
{
	struct fl_rev *p = c->priv;
	char why[FL_WHY_LEN];

	if (!p)
		return;
	if (p->map)
		fl_target_unmap(&c->tgt, p->map, c->size, why, sizeof(why));
	free(p->shadow);
	free(p);
	c->priv = NULL;
}

static void fl_rev_json(struct fl_case *c, struct fl_json *j)
{
	struct fl_rev *p = c->priv;

	fl_json_dbl(j, "rate_hz", c->o->rate);
	fl_json_u64(j, "hold_ns", c->o->hold_ns);
	if (p)
		fl_json_u64(j, "lost_writes_total", p->lost);
}

const struct fl_scenario fl_scen_revoke = {
	.id = FL_SCEN_REVOKE,
	.name = "revoke",
	.summary = "accesses under a revoke/restore storm: refault latency, faults per cycle, SIGBUS, no lost write",
	.hists = { "access_ns", "refault_ns" },
	.headline = { "faults_per_cycle", "accesses_per_s" },
	.prepare = fl_rev_prepare,
	.thread_init = fl_rev_thread_init,
	.work = fl_rev_work,
	.control = fl_rev_control,
	.rep_finish = fl_rev_rep_finish,
	.thread_fini = fl_rev_thread_fini,
	.cleanup = fl_rev_cleanup,
	.json = fl_rev_json,
};
