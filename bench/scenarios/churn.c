// SPDX-License-Identifier: GPL-2.0
/*
 * churn.c - mapping churn: every thread repeatedly maps a --chunk window
 * of the target, touches each of its pages and unmaps it; the cost of
 * mmap() and munmap() against the cost of the faults, per strategy.
 * Threads use disjoint windows that walk through the target.
 *
 * With --fork the thread forks after touching: the child touches the
 * window again (showing what fork copied: PFNMAP entries are copied at
 * fork, huge ones only where the kernel supports it) and reports its
 * touch time and faults through a shared page.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "access.h"

struct fl_churn_child {
	uint64_t touch_ns;
	uint64_t minflt;
	int done;
};

struct fl_churn {
	uint64_t nwin;			/* windows in the target */
};

struct fl_churn_thread {
	struct fl_churn_child *shared;	/* MAP_SHARED page for the child */
	uint64_t iters, next;
	uint64_t mmap_ns, touch_ns, munmap_ns, fork_ns, child_ns;
	uint64_t child_faults;
	uint64_t pages;
};

static int fl_churn_prepare(struct fl_case *c, char *why, size_t len)
{
	struct fl_churn *p;
	uint64_t chunk = fl_align_up(c->o->chunk, c->tgt.min_map);

	if (chunk > c->size)
		return fl_why(why, len,
			      "--chunk (%llu) is larger than the mapping (%llu)",
			      (unsigned long long)chunk,
			      (unsigned long long)c->size);
	p = fl_xcalloc(1, sizeof(*p));
	c->priv = p;
	p->nwin = c->size / chunk;
	c->progress_total = c->o->iters;
	return 0;
}

static int fl_churn_thread_init(struct fl_thread *t)
{
	struct fl_churn_thread *pt = fl_xcalloc(1, sizeof(*pt));
	void *m;

	t->priv = pt;
	m = mmap(NULL, FL_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		fl_sys(t->why, sizeof(t->why), errno, "mmap",
		       "shared anonymous page for the fork child");
		return -1;
	}
	pt->shared = m;
	pt->next = (uint64_t)t->id;
	return 0;
}

/* The child: touch the inherited window, report, exit without cleanup. */
static void fl_churn_child(char *win, uint64_t chunk, bool write,
			   struct fl_churn_child *out)
{
	struct rusage r0, r1;
	uint64_t t0, i;

	getrusage(RUSAGE_SELF, &r0);
	t0 = fl_now();
	for (i = 0; i < chunk; i += FL_PAGE_SIZE)
		fl_touch(win + i, write, i);
	out->touch_ns = fl_now() - t0;
	getrusage(RUSAGE_SELF, &r1);
	out->minflt = (uint64_t)(r1.ru_minflt - r0.ru_minflt);
	out->done = 1;
	_exit(0);
}

static int fl_churn_work(struct fl_thread *t)
{
	struct fl_case *c = t->c;
	struct fl_churn *p = c->priv;
	struct fl_churn_thread *pt = t->priv;
	uint64_t chunk = fl_align_up(c->o->chunk, c->tgt.min_map);
	bool write = c->o->access == FL_ACC_WRITE;
	struct fl_hist *hm = t->hist[0], *ht = t->hist[1], *hu = t->hist[2];
	uint64_t t0, t1, t2, t3, t4, i, off, n;
	int st;
	pid_t pid;
	char *win;

	pt->iters = pt->mmap_ns = pt->touch_ns = pt->munmap_ns = 0;
	pt->fork_ns = pt->child_ns = pt->child_faults = pt->pages = 0;
	for (n = 0; n < c->o->iters && !fl_should_stop(c); n++) {
		off = c->o->offset + (pt->next % p->nwin) * chunk;
		pt->next += (uint64_t)c->nthreads;
		t0 = fl_now();
		win = fl_target_map(&c->tgt, off, chunk, c->o->misalign, t->why,
				    sizeof(t->why));
		t1 = fl_now();
		if (!win)
			return -1;
		for (i = 0; i < chunk; i += FL_PAGE_SIZE)
			fl_touch(win + i, write, i);
		t2 = fl_now();
		if (c->o->fork) {
			pt->shared->done = 0;
			pid = fork();
			if (pid < 0) {
				fl_sys(t->why, sizeof(t->why), errno, "fork",
				       "thread %d", t->id);
				return -1;
			}
			if (!pid)
				fl_churn_child(win, chunk, write, pt->shared);
			st = 0;
			if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
			    !pt->shared->done) {
				snprintf(t->why, sizeof(t->why),
					 "fork child touching the window failed (status 0x%x)",
					 st);
				return -1;
			}
			pt->fork_ns += fl_now() - t2;
			pt->child_ns += pt->shared->touch_ns;
			pt->child_faults += pt->shared->minflt;
		}
		t3 = fl_now();
		if (fl_target_unmap(&c->tgt, win, chunk, t->why, sizeof(t->why)))
			return -1;
		t4 = fl_now();
		fl_hist_record(hm, t1 - t0);
		fl_hist_record(ht, t2 - t1);
		fl_hist_record(hu, t4 - t3);
		pt->mmap_ns += t1 - t0;
		pt->touch_ns += t2 - t1;
		pt->munmap_ns += t4 - t3;
		pt->pages += chunk / FL_PAGE_SIZE;
		pt->iters++;
		atomic_store_explicit(&t->progress, pt->iters,
				      memory_order_relaxed);
	}
	return 0;
}

static int fl_churn_rep_finish(struct fl_case *c, char *why, size_t len)
{
	uint64_t it = 0, mm = 0, tt = 0, mu = 0, fk = 0, ch = 0, cf = 0, pg = 0;
	uint64_t faults, wall = fl_case_wall_ns(c);
	const char *src;
	int i;

	(void)why;
	(void)len;
	for (i = 0; i < c->nthreads; i++) {
		struct fl_churn_thread *pt = c->thr[i]->priv;

		it += pt->iters;
		mm += pt->mmap_ns;
		tt += pt->touch_ns;
		mu += pt->munmap_ns;
		fk += pt->fork_ns;
		ch += pt->child_ns;
		cf += pt->child_faults;
		pg += pt->pages;
	}
	if (!it)
		return 0;
	faults = fl_case_rep_faults(c, &src);
	fl_metric(c, "mmap_ns", "ns", FL_LOWER, (double)mm / (double)it);
	fl_metric(c, "munmap_ns", "ns", FL_LOWER, (double)mu / (double)it);
	fl_metric(c, "windows_per_s", "1/s", FL_HIGHER,
		  wall ? (double)it * 1e9 / (double)wall : NAN);
	fl_metric(c, "faults_per_window", "count", FL_NEITHER,
		  (double)faults / (double)it);
	fl_metric(c, "touch_ns", "ns", FL_LOWER, (double)tt / (double)it);
	if (c->o->fork) {
		fl_metric(c, "fork_ns", "ns", FL_LOWER, (double)fk / (double)it);
		fl_metric(c, "child_touch_ns", "ns", FL_LOWER,
			  (double)ch / (double)it);
		fl_metric(c, "child_faults_per_window", "count", FL_NEITHER,
			  (double)cf / (double)it);
	} else {
		/* With fork the driver also counts the child's faults. */
		fl_metric(c, "ns_per_fault", "ns", FL_LOWER,
			  faults ? (double)tt / (double)faults : NAN);
	}
	(void)pg;
	return 0;
}

static void fl_churn_thread_fini(struct fl_thread *t)
{
	struct fl_churn_thread *pt = t->priv;

	if (!pt)
		return;
	if (pt->shared)
		munmap(pt->shared, FL_PAGE_SIZE);
	free(pt);
	t->priv = NULL;
}

static void fl_churn_cleanup(struct fl_case *c)
{
	free(c->priv);
	c->priv = NULL;
}

static void fl_churn_json(struct fl_case *c, struct fl_json *j)
{
	fl_json_u64(j, "chunk", fl_align_up(c->o->chunk, c->tgt.min_map ?
					    c->tgt.min_map : FL_PAGE_SIZE));
	fl_json_u64(j, "iters_per_thread", c->o->iters);
	fl_json_bool(j, "fork", c->o->fork);
}

const struct fl_scenario fl_scen_churn = {
	.id = FL_SCEN_CHURN,
	.name = "churn",
	.summary = "repeated mmap/touch/munmap of windows (optionally across fork): mmap cost against fault cost",
	.hists = { "mmap_ns", "touch_ns", "munmap_ns" },
	.headline = { "mmap_ns", "windows_per_s" },
	.prepare = fl_churn_prepare,
	.thread_init = fl_churn_thread_init,
	.work = fl_churn_work,
	.rep_finish = fl_churn_rep_finish,
	.thread_fini = fl_churn_thread_fini,
	.cleanup = fl_churn_cleanup,
	.json = fl_churn_json,
};
