// SPDX-License-Identifier: GPL-2.0
/*
 * populate.c - first touch of a fresh mapping.
 *
 * Every repetition maps the target afresh at an address aligned like its
 * offset to the largest mapping size (4 KiB more with --misalign), then T
 * threads touch every 4 KiB page (or one page per --touch-stride: read
 * sweeps of sparse BARs larger than host memory) of disjoint parts once,
 * each touch timed on its own: seq (each thread a contiguous slice, in order), interleaved
 * (thread i takes pages i, i+T, ...) or random (each slice in a random
 * permutation).  The histogram holds first-touch latency minus the
 * calibrated cost of a warm access.  mmap() and munmap() are timed apart.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "access.h"
#include "oracle.h"
#include "perm.h"
#include "stats.h"

struct fl_pop {
	char *map;
	uint64_t npoints;		/* pages touched: one per stride */
	uint64_t stride;		/* pages from one touch to the next */
	uint64_t mmap_ns;
	void *calib;			/* small always-mapped window */
	uint64_t calib_len;
	double *warm;			/* per-thread warm cost */
};

struct fl_pop_thread {
	double warm;
	uint64_t touched;
	uint64_t sigbus;
};

static int fl_pop_prepare(struct fl_case *c, char *why, size_t len)
{
	struct fl_pop *p = fl_xcalloc(1, sizeof(*p));

	c->priv = p;
	if (c->size % c->o->touch_stride)
		return fl_why(why, len, "--size %llu is not a multiple of --touch-stride %llu",
			      (unsigned long long)c->size,
			      (unsigned long long)c->o->touch_stride);
	p->stride = c->o->touch_stride / FL_PAGE_SIZE;
	p->npoints = c->size / c->o->touch_stride;
	p->warm = fl_xcalloc((size_t)c->nthreads, sizeof(double));
	c->progress_total = p->npoints;
	/* The warm-access window: the first pages of the target, kept mapped. */
	p->calib_len = FL_MAX(c->tgt.min_map, 16 * FL_PAGE_SIZE);
	if (p->calib_len > c->tgt.size && c->tgt.size)
		p->calib_len = c->tgt.size;
	p->calib = fl_target_map(&c->tgt, c->o->offset, p->calib_len, false,
				 why, len);
	if (!p->calib)
		return -1;
	return 0;
}

static int fl_pop_thread_init(struct fl_thread *t)
{
	struct fl_case *c = t->c;
	struct fl_pop *p = c->priv;
	struct fl_pop_thread *pt = fl_xcalloc(1, sizeof(*pt));

	t->priv = pt;
	if (!sigsetjmp(t->jb, 0)) {
		t->jb_armed = true;
		pt->warm = fl_warm_cost(p->calib, p->calib_len / FL_PAGE_SIZE,
					c->o->access == FL_ACC_WRITE);
	} else {
		t->jb_armed = false;
		snprintf(t->why, sizeof(t->why),
			 "SIGBUS at %p while calibrating the warm access",
			 t->sigbus_addr);
		return -1;
	}
	t->jb_armed = false;
	p->warm[t->id] = pt->warm;
	return 0;
}

static int fl_pop_rep_setup(struct fl_case *c, char *why, size_t len)
{
	struct fl_pop *p = c->priv;
	uint64_t t0 = fl_now();

	p->map = fl_target_map(&c->tgt, c->o->offset, c->size, c->o->misalign,
			       why, len);
	p->mmap_ns = fl_now() - t0;
	return p->map ? 0 : -1;
}

/* Touch point (page index / stride) of the i-th touch of thread @id. */
struct fl_pop_walk {
	enum fl_order order;
	uint64_t first, count, stride;
	struct fl_perm perm;
};

static void fl_pop_walk_init(struct fl_pop_walk *w, const struct fl_case *c,
			     int id, uint64_t npages)
{
	uint64_t T = (uint64_t)c->nthreads;

	w->order = c->o->order;
	if (w->order == FL_ORD_INTERLEAVED) {
		w->first = (uint64_t)id;
		w->stride = T;
		w->count = npages > (uint64_t)id ? (npages - (uint64_t)id + T - 1) / T : 0;
		return;
	}
	w->first = npages * (uint64_t)id / T;
	w->count = npages * (uint64_t)(id + 1) / T - w->first;
	w->stride = 1;
	if (w->order == FL_ORD_RANDOM)
		fl_perm_init(&w->perm, w->count, c->o->seed * 1000003 + (uint64_t)id);
}

static inline uint64_t fl_pop_walk_at(const struct fl_pop_walk *w, uint64_t i)
{
	if (w->order == FL_ORD_RANDOM)
		return w->first + fl_perm_at(&w->perm, i);
	return w->first + i * w->stride;
}

static int fl_pop_work(struct fl_thread *t)
{
	struct fl_case *c = t->c;
	struct fl_pop *p = c->priv;
	struct fl_pop_thread *pt = t->priv;
	struct fl_hist *h = t->hist[0];
	bool write = c->o->access == FL_ACC_WRITE;
	uint64_t warm = (uint64_t)llround(pt->warm);
	struct fl_pop_walk w;
	volatile uint64_t i = 0;
	uint64_t t0, d, pg;
	char *a;

	fl_pop_walk_init(&w, c, t->id, p->npoints);
	pt->touched = 0;
	pt->sigbus = 0;
	if (sigsetjmp(t->jb, 0)) {
		/* The driver failed this fault (e.g. --inject-error): skip it. */
		pt->sigbus++;
		t->sigbus++;
		i = i + 1;
	}
	t->jb_armed = true;
	for (; i < w.count; i = i + 1) {
		pg = fl_pop_walk_at(&w, i) * p->stride;
		a = p->map + pg * FL_PAGE_SIZE;
		t0 = fl_now();
		fl_touch(a, write, pg);
		d = fl_now() - t0;
		fl_hist_record(h, d > warm ? d - warm : 0);
		if (!((i + 1) & 4095)) {
			atomic_store_explicit(&t->progress, i + 1,
					      memory_order_relaxed);
			if (fl_should_stop(c))
				break;
		}
	}
	t->jb_armed = false;
	pt->touched = i;
	return 0;
}

static bool fl_pop_oracle(const struct fl_case *c, struct fl_oracle *r);

/* Compare the repetition just measured with the oracle. */
static void fl_pop_oracle_check(struct fl_case *c, uint64_t faults)
{
	static const unsigned int keys[] = {
		FL_CNT_INSERT_PTE, FL_CNT_INSERT_PMD, FL_CNT_INSERT_PUD,
		FL_CNT_REMAP, FL_CNT_REMAP_PAGES,
	};
	const struct fl_fault_rep *f = &c->faults[c->nfaults - 1];
	struct fl_oracle r;
	size_t k;

	if (!c->nfaults || !fl_pop_oracle(c, &r))
		return;
	if (c->oracle < 0)
		c->oracle = 1;
	for (k = 0; k < FL_ARRAY_SIZE(keys); k++) {
		if (f->drv_ok && f->drv[keys[k]] == r.cnt[keys[k]])
			continue;
		if (c->oracle)
			snprintf(c->oracle_why, sizeof(c->oracle_why),
				 "rep %d: %s %llu, expected %llu", c->rep + 1,
				 fl_counter_names[keys[k]],
				 f->drv_ok ? (unsigned long long)f->drv[keys[k]] : 0ULL,
				 (unsigned long long)r.cnt[keys[k]]);
		c->oracle = 0;
	}
	if (r.faults >= 0 && faults != (uint64_t)r.faults) {
		if (c->oracle)
			snprintf(c->oracle_why, sizeof(c->oracle_why),
				 "rep %d: %llu faults, expected %lld", c->rep + 1,
				 (unsigned long long)faults, (long long)r.faults);
		c->oracle = 0;
	}
}

static int fl_pop_rep_finish(struct fl_case *c, char *why, size_t len)
{
	struct fl_pop *p = c->priv;
	uint64_t wall = fl_case_wall_ns(c), busy = fl_case_busy_ns(c), t0;
	uint64_t faults, sigbus = 0, touched = 0, munmap_ns;
	const char *src;
	int i, ret;

	for (i = 0; i < c->nthreads; i++) {
		struct fl_pop_thread *pt = c->thr[i]->priv;

		sigbus += pt->sigbus;
		touched += pt->touched;
	}
	t0 = fl_now();
	ret = fl_target_unmap(&c->tgt, p->map, c->size, why, len);
	munmap_ns = fl_now() - t0;
	p->map = NULL;
	if (ret)
		return -1;
	faults = fl_case_rep_faults(c, &src);
	if (c->measuring)
		fl_pop_oracle_check(c, faults);
	fl_metric(c, "populate_ns", "ns", FL_LOWER, (double)wall);
	fl_metric(c, "mmap_ns", "ns", FL_LOWER, (double)p->mmap_ns);
	fl_metric(c, "munmap_ns", "ns", FL_LOWER, (double)munmap_ns);
	fl_metric(c, "total_ns", "ns", FL_LOWER,
		  (double)(wall + p->mmap_ns));
	fl_metric(c, "pages_per_s", "1/s", FL_HIGHER,
		  wall ? (double)touched * 1e9 / (double)wall : NAN);
	fl_metric(c, "faults", "count", FL_NEITHER, (double)faults);
	/* Thread time spent per fault (all threads' busy time / faults). */
	fl_metric(c, "ns_per_fault", "ns", FL_LOWER,
		  faults ? (double)busy / (double)faults : NAN);
	fl_metric(c, "sigbus", "count", FL_LOWER, (double)sigbus);
	return 0;
}

static void fl_pop_cleanup(struct fl_case *c)
{
	struct fl_pop *p = c->priv;
	char why[FL_WHY_LEN];

	if (!p)
		return;
	if (p->map)
		fl_target_unmap(&c->tgt, p->map, c->size, why, sizeof(why));
	if (p->calib)
		fl_target_unmap(&c->tgt, p->calib, p->calib_len, why, sizeof(why));
	free(p->warm);
	free(p);
	c->priv = NULL;
}

static void fl_pop_thread_fini(struct fl_thread *t)
{
	free(t->priv);
	t->priv = NULL;
}

/* The exact oracle (DESIGN.md) for an aligned faultline mapping. */
static bool fl_pop_oracle(const struct fl_case *c, struct fl_oracle *r)
{
	const struct fl_target *t = &c->tgt;
	struct fl_oracle_in in = {
		.strategy = t->strategy,
		.size = c->size,
		.threads = c->nthreads,
		.interleaved = c->o->order == FL_ORD_INTERLEAVED,
		.window = t->window,
		.max_order = t->max_order,
		.features = t->features,
		.chunk_order = t->chunk_order,
		.stride = c->o->touch_stride / FL_PAGE_SIZE,
	};

	if (strcmp(t->ops->kind, "faultline") || c->o->misalign ||
	    c->o->offset % FL_GIB)
		return false;
	return fl_oracle_compute(&in, r);
}

static void fl_pop_oracle_json(struct fl_case *c, struct fl_json *j)
{
	static const unsigned int keys[] = {
		FL_CNT_INSERT_PTE, FL_CNT_INSERT_PMD, FL_CNT_INSERT_PUD,
		FL_CNT_REMAP, FL_CNT_REMAP_PAGES,
	};
	struct fl_oracle r;
	bool drv = true, flt = true;
	uint64_t got;
	size_t k;
	int i;

	if (!c->tgt.ops || !fl_pop_oracle(c, &r)) {
		fl_json_null(j, "oracle");
		return;
	}
	fl_json_obj_begin(j, "oracle");
	for (k = 0; k < FL_ARRAY_SIZE(keys); k++)
		fl_json_u64(j, fl_counter_names[keys[k]], r.cnt[keys[k]]);
	if (r.faults >= 0)
		fl_json_i64(j, "faults", r.faults);
	else
		fl_json_null(j, "faults");
	for (i = 0; i < c->nfaults; i++) {
		const struct fl_fault_rep *f = &c->faults[i];

		if (!f->drv_ok)
			drv = false;
		for (k = 0; k < FL_ARRAY_SIZE(keys) && f->drv_ok; k++)
			if (f->drv[keys[k]] != r.cnt[keys[k]])
				drv = false;
		got = f->perf_ok ? f->perf : f->minflt + f->majflt;
		if (r.faults >= 0 && got != (uint64_t)r.faults)
			flt = false;
	}
	fl_json_bool(j, "driver_match", c->nfaults && drv);
	if (r.faults >= 0)
		fl_json_bool(j, "faults_match", c->nfaults && flt);
	else
		fl_json_null(j, "faults_match");
	fl_json_obj_end(j);
}

static void fl_pop_json(struct fl_case *c, struct fl_json *j)
{
	struct fl_pop *p = c->priv;
	int i;

	fl_json_u64(j, "pages", c->size / FL_PAGE_SIZE);
	fl_json_u64(j, "pages_touched", c->size / c->o->touch_stride);
	fl_json_str(j, "faults_source_for_ns_per_fault",
		    c->nfaults && c->faults[0].perf_ok ? "perf" : "rusage");
	fl_pop_oracle_json(c, j);
	if (!p)
		return;
	fl_json_arr_begin_compact(j, "warm_access_ns");
	for (i = 0; i < c->nthreads; i++)
		fl_json_dbl(j, NULL, p->warm[i]);
	fl_json_arr_end(j);
}

const struct fl_scenario fl_scen_populate = {
	.id = FL_SCEN_POPULATE,
	.name = "populate",
	.summary = "first touch of every page of a fresh mapping: time, faults, per-touch latency",
	.count_setup = true,
	.hists = { "first_touch_ns" },
	.headline = { "populate_ns", "ns_per_fault" },
	.prepare = fl_pop_prepare,
	.thread_init = fl_pop_thread_init,
	.rep_setup = fl_pop_rep_setup,
	.work = fl_pop_work,
	.rep_finish = fl_pop_rep_finish,
	.thread_fini = fl_pop_thread_fini,
	.cleanup = fl_pop_cleanup,
	.json = fl_pop_json,
};
