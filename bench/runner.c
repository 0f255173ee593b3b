// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - threads, barriers, repetitions, fault sampling, progress and
 * signals: everything a scenario does not have to do itself.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flbench.h"
#include "stats.h"
#include "units.h"

volatile sig_atomic_t fl_interrupted;
volatile sig_atomic_t fl_interrupt_sig;

static _Thread_local struct fl_thread *fl_self;

enum fl_phase { FL_PH_WORK, FL_PH_EXIT };

struct fl_pool {
	struct fl_case *c;
	pthread_barrier_t start, end;
	enum fl_phase phase;
};

/* ------------------------------------------------------------- signals */

static void fl_on_interrupt(int sig)
{
	if (fl_interrupted) {
		/* Second signal: stop now; the folder keeps its marker. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	fl_interrupted = 1;
	fl_interrupt_sig = sig;
}

/*
 * SIGBUS from a revoked or failing mapping: return to the access loop of
 * the thread that took it when it armed its jump buffer, otherwise die
 * as usual (with the default action, so the case is reported as crashed).
 */
static void fl_on_sigbus(int sig, siginfo_t *si, void *uc)
{
	struct fl_thread *t = fl_self;

	(void)uc;
	if (t && t->jb_armed) {
		t->sigbus_addr = si->si_addr;
		siglongjmp(t->jb, 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void fl_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fl_on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fl_on_sigbus;
	/* NODEFER: we leave the handler by siglongjmp without restoring a mask. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/* ------------------------------------------------------------- metrics */

void fl_metric(struct fl_case *c, const char *name, const char *unit,
	       enum fl_better better, double v)
{
	struct fl_metric *m = NULL;
	int i;

	if (!c->measuring)
		return;
	for (i = 0; i < c->nmetrics; i++)
		if (!strcmp(c->metrics[i].name, name))
			m = &c->metrics[i];
	if (!m) {
		if (c->nmetrics == FL_MAX_METRICS) {
			fl_warn("too many metrics; dropping %s", name);
			return;
		}
		m = &c->metrics[c->nmetrics++];
		snprintf(m->name, sizeof(m->name), "%s", name);
		snprintf(m->unit, sizeof(m->unit), "%s", unit);
		m->better = better;
		m->samples = fl_xcalloc((size_t)c->o->reps, sizeof(double));
	}
	if (m->n < (size_t)c->o->reps)
		m->samples[m->n++] = v;
}

double fl_metric_median(const struct fl_case *c, const char *name)
{
	int i;

	for (i = 0; i < c->nmetrics; i++)
		if (!strcmp(c->metrics[i].name, name))
			return fl_median(c->metrics[i].samples,
					 c->metrics[i].n);
	return NAN;
}

uint64_t fl_case_rep_faults(const struct fl_case *c, const char **src)
{
	const struct fl_fault_rep *r;

	if (!c->nfaults) {
		*src = "none";
		return 0;
	}
	/*
	 * The faults the threads took: perf when it is available, else
	 * getrusage; the driver's handler calls only when neither is (they
	 * count a PUD attempt that falls back to PMD as two).
	 */
	r = &c->faults[c->nfaults - 1];
	if (r->perf_ok) {
		*src = "perf";
		return r->perf;
	}
	if (c->nthreads) {
		*src = "rusage";
		return r->minflt + r->majflt;
	}
	*src = "driver";
	return r->drv_ok ? fl_drv_handler_calls(r) : 0;
}

uint64_t fl_case_wall_ns(const struct fl_case *c)
{
	uint64_t a = UINT64_MAX, b = 0;
	int i;

	for (i = 0; i < c->nthreads; i++) {
		a = FL_MIN(a, c->thr[i]->t0);
		b = FL_MAX(b, c->thr[i]->t1);
	}
	return b > a ? b - a : 0;
}

uint64_t fl_case_busy_ns(const struct fl_case *c)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < c->nthreads; i++)
		s += c->thr[i]->t1 - c->thr[i]->t0;
	return s;
}

void fl_controller_sleep(struct fl_case *c, uint64_t ns)
{
	uint64_t end = fl_mono_ns() + ns, now;

	while (!fl_interrupted && !atomic_load(&c->stop)) {
		now = fl_mono_ns();
		if (now >= end)
			break;
		fl_sleep_until_mono(FL_MIN(end, now + 50000000ULL));
	}
}

/* ------------------------------------------------------------- threads */

/*
 * A worker lives for the whole case: it binds itself, opens its fault
 * counters (a perf counter opened with pid 0 counts the opening thread),
 * allocates its histograms and runs thread_init, then runs one phase per
 * pair of barriers until told to exit.
 */
static void *fl_worker(void *arg)
{
	struct fl_thread *t = arg;
	struct fl_case *c = t->c;
	struct fl_pool *pool = c->pool;
	int k;

	fl_self = t;
	if (fl_topo_bind_thread(c->topo, t->pu, t->why, sizeof(t->why)))
		t->err = -1;
	fl_fault_thread_open(&t->ft);
	/* Histograms are allocated by their owner (first touch on its node). */
	for (k = 0; k < c->nhists; k++)
		t->hist[k] = fl_hist_new();
	if (!t->err && c->scen->thread_init && c->scen->thread_init(t) &&
	    !t->err)
		t->err = -1;
	pthread_barrier_wait(&pool->end);

	for (;;) {
		pthread_barrier_wait(&pool->start);
		if (pool->phase == FL_PH_EXIT)
			break;
		if (!t->err) {
			fl_fault_thread_begin(&t->ft);
			t->t0 = fl_now();
			if (c->scen->work(t) && !t->err)
				t->err = -1;
			t->t1 = fl_now();
			fl_fault_thread_end(&t->ft);
		} else {
			t->t0 = t->t1 = fl_now();
		}
		atomic_fetch_add(&c->done, 1);
		pthread_barrier_wait(&pool->end);
	}
	if (c->scen->thread_fini)
		c->scen->thread_fini(t);
	fl_fault_thread_close(&t->ft);
	return NULL;
}

static void fl_pool_start(struct fl_case *c, struct fl_pool *pool)
{
	int i, err;

	pool->c = c;
	c->pool = pool;
	pthread_barrier_init(&pool->start, NULL, (unsigned int)c->nthreads + 1);
	pthread_barrier_init(&pool->end, NULL, (unsigned int)c->nthreads + 1);
	for (i = 0; i < c->nthreads; i++) {
		err = pthread_create(&c->thr[i]->tid, NULL, fl_worker,
				     c->thr[i]);
		if (err) {
			fl_err("pthread_create(thread %d): %s", i, strerror(err));
			exit(2);
		}
	}
	pthread_barrier_wait(&pool->end);	/* all initialised */
}

static void fl_pool_stop(struct fl_case *c, struct fl_pool *pool)
{
	int i;

	pool->phase = FL_PH_EXIT;
	pthread_barrier_wait(&pool->start);
	for (i = 0; i < c->nthreads; i++)
		pthread_join(c->thr[i]->tid, NULL);
	pthread_barrier_destroy(&pool->start);
	pthread_barrier_destroy(&pool->end);
}

/* ------------------------------------------------------------ progress */

static bool fl_progress_on(const struct fl_case *c)
{
	if (c->o->progress >= 0)
		return c->o->progress;
	return isatty(STDERR_FILENO) || c->total > 1;
}

static void fl_progress(struct fl_case *c, const char *what, bool final)
{
	char el[32], eta[32], pct[16] = "";
	uint64_t done = 0, now = fl_mono_ns();
	int reps = c->o->warmup + c->o->reps;
	int repno = c->rep + c->o->warmup;	/* 0-based over all reps */
	double elapsed = (double)(now - c->t_start), frac, per;
	int i;

	if (!fl_progress_on(c))
		return;
	for (i = 0; i < c->nthreads; i++)
		done += atomic_load_explicit(&c->thr[i]->progress,
					     memory_order_relaxed);
	frac = c->progress_total ?
	       FL_MIN(1.0, (double)done / (double)c->progress_total) : 0;
	if (c->progress_total && !final)
		snprintf(pct, sizeof(pct), " %3.0f%%", frac * 100);
	per = (double)repno + (final ? 1.0 : frac);
	fl_fmt_ns(elapsed, el, sizeof(el));
	if (per > 0)
		fl_fmt_ns(elapsed / per * (reps - per), eta, sizeof(eta));
	else
		snprintf(eta, sizeof(eta), "?");
	fprintf(stderr, "flbench: [%d/%d] %s: %s %d/%d%s%s elapsed %s ETA %s\n",
		c->index, c->total, c->name, what,
		c->rep < 0 ? repno + 1 : c->rep + 1,
		c->rep < 0 ? c->o->warmup : c->o->reps,
		c->rep < 0 ? " (warm-up)" : "", pct, el, eta);
}

/* ---------------------------------------------------------------- cases */

void fl_case_name(const struct fl_opts *o, char *buf, size_t len)
{
	char sz[32] = "", extra[96] = "";
	const char *tgt = o->target, *p;

	/* "faultline:/dev/faultline0" -> "faultline0" */
	p = strrchr(tgt, '/');
	if (!strncmp(tgt, "faultline:", 10) && p)
		tgt = p + 1;
	if (o->size)
		fl_fmt_size(o->size, sz, sizeof(sz));
	switch (o->scenario) {
	case FL_SCEN_TPUT:
	case FL_SCEN_FIO:
		snprintf(extra, sizeof(extra), " %s %s bs=%llu%s",
			 o->scenario == FL_SCEN_TPUT ? fl_op_name(o->op) :
			 fl_access_name(o->access),
			 fl_pattern_name(o->pattern),
			 (unsigned long long)o->bs, o->nt ? " nt" : "");
		break;
	case FL_SCEN_REVOKE:
		snprintf(extra, sizeof(extra), " %s %gHz",
			 fl_access_name(o->access), o->rate);
		break;
	case FL_SCEN_CHURN:
		snprintf(extra, sizeof(extra), " %s chunk=%llu%s",
			 fl_access_name(o->access),
			 (unsigned long long)o->chunk, o->fork ? " fork" : "");
		break;
	case FL_SCEN_STRESS:
		snprintf(extra, sizeof(extra), " devices=%d seed=%llu %gs",
			 o->ntargets, (unsigned long long)o->seed,
			 (double)o->duration_ns / 1e9);
		break;
	case FL_SCEN_FUZZ:
		snprintf(extra, sizeof(extra), " devices=%d seed=%llu calls=%llu",
			 o->ntargets, (unsigned long long)o->seed,
			 (unsigned long long)o->calls);
		break;
	case FL_SCEN_VRING:
		fl_vring_case_name(o, extra, sizeof(extra));
		break;
	default:
		snprintf(extra, sizeof(extra), " %s %s%s",
			 fl_access_name(o->access), fl_order_name(o->order),
			 o->misalign ? " misaligned" : "");
		break;
	}
	snprintf(buf, len, "%s %s%s%s%s%s T%d%s", fl_scen_names[o->scenario],
		 tgt, o->strategy[0] ? " " : "", o->strategy, sz[0] ? " " : "",
		 sz, o->threads, extra);
}

static void fl_case_set(struct fl_case *c, const char *status, const char *why)
{
	c->status = status;
	snprintf(c->reason, sizeof(c->reason), "%s", why ? why : "");
}

/* Snapshot the driver counters, recording why when they are unavailable. */
static int fl_snap(struct fl_case *c, struct fl_counters *s)
{
	if (!c->tgt.ops->counters) {
		snprintf(c->drv_why, sizeof(c->drv_why),
			 "target %s has no driver counters", c->tgt.ops->kind);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	if (c->tgt.ops->counters(&c->tgt, s, c->drv_why, sizeof(c->drv_why)))
		return -1;
	return 0;
}

/* Fault counts of the repetition that just ended. */
static void fl_collect_faults(struct fl_case *c, bool drv_ok,
			      const struct fl_counters *a,
			      const struct fl_counters *b)
{
	struct fl_fault_rep *r;
	int i;

	if (!c->measuring)
		return;
	r = &c->faults[c->nfaults++];
	memset(r, 0, sizeof(*r));
	if (drv_ok)
		fl_counters_delta(a, b, c->tgt.strategy, r);
	r->perf_ok = true;
	for (i = 0; i < c->nthreads; i++) {
		struct fl_fault_thread *ft = &c->thr[i]->ft;

		r->minflt += ft->minflt;
		r->majflt += ft->majflt;
		if (!ft->perf_ok) {
			r->perf_ok = false;
			if (!c->perf_why[0])
				fl_sys(c->perf_why, sizeof(c->perf_why),
				       ft->perf_err, "perf_event_open",
				       "PERF_COUNT_SW_PAGE_FAULTS, thread %d", i);
		}
		r->perf += ft->perf;
	}
}

static void fl_merge_hists(struct fl_case *c)
{
	int i, k;

	for (i = 0; i < c->nthreads; i++) {
		for (k = 0; k < c->nhists; k++) {
			if (c->measuring)
				fl_hist_merge(c->hist[k], c->thr[i]->hist[k]);
			fl_hist_reset(c->thr[i]->hist[k]);
		}
	}
}

/* First thread error of the phase, if any. */
static const char *fl_thread_error(struct fl_case *c)
{
	int i;

	for (i = 0; i < c->nthreads; i++)
		if (c->thr[i]->err)
			return c->thr[i]->why[0] ? c->thr[i]->why :
						   "worker thread failed";
	return NULL;
}

/* One repetition: setup, the measured phase with control, finish. */
static int fl_one_rep(struct fl_case *c, struct fl_pool *pool)
{
	struct fl_counters a, b;
	bool drv_ok = false;
	const char *terr;
	char why[FL_WHY_LEN] = "";
	int i, ret;

	c->measuring = c->rep >= 0;
	atomic_store(&c->stop, 0);
	atomic_store(&c->done, 0);
	for (i = 0; i < c->nthreads; i++)
		atomic_store(&c->thr[i]->progress, 0);
	if (c->scen->count_setup)
		drv_ok = !fl_snap(c, &a);
	if (c->scen->rep_setup) {
		ret = c->scen->rep_setup(c, why, sizeof(why));
		if (ret) {
			fl_case_set(c, ret == FL_UNSUPPORTED ? "unsupported" :
				    "failed", why);
			return -1;
		}
	}
	if (!c->scen->count_setup)
		drv_ok = !fl_snap(c, &a);

	pool->phase = FL_PH_WORK;
	pthread_barrier_wait(&pool->start);
	ret = 0;
	if (c->scen->control)
		ret = c->scen->control(c, why, sizeof(why));
	/* Wait for the workers, printing progress every few seconds. */
	{
		uint64_t next = fl_mono_ns() + 5000000000ULL;

		while (atomic_load(&c->done) < c->nthreads) {
			fl_sleep_until_mono(fl_mono_ns() + 20000000ULL);
			if (fl_interrupted)
				atomic_store(&c->stop, 1);
			if (fl_mono_ns() >= next) {
				fl_progress(c, "rep", false);
				next = fl_mono_ns() + 5000000000ULL;
			}
		}
	}
	pthread_barrier_wait(&pool->end);
	/* A repetition cut short by a signal is not a sample. */
	if (fl_interrupted)
		c->measuring = false;
	if (drv_ok)
		drv_ok = !fl_snap(c, &b);
	fl_collect_faults(c, drv_ok, &a, &b);
	fl_merge_hists(c);
	terr = fl_thread_error(c);
	if (ret || terr) {
		fl_case_set(c, ret == FL_UNSUPPORTED ? "unsupported" : "failed",
			    terr ? terr : why);
		if (c->scen->rep_finish)
			c->scen->rep_finish(c, why, sizeof(why));
		return -1;
	}
	if (c->scen->rep_finish) {
		ret = c->scen->rep_finish(c, why, sizeof(why));
		if (ret) {
			fl_case_set(c, "failed", why);
			return -1;
		}
	}
	fl_progress(c, "rep", true);
	return 0;
}

/* Render one JSON object with @cb into a string (run before teardown). */
static char *fl_capture_json(struct fl_case *c,
			     void (*cb)(struct fl_case *, struct fl_json *))
{
	struct fl_json j;
	size_t n = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &n);

	if (!f)
		return NULL;
	fl_json_init(&j, f);
	fl_json_obj_begin(&j, NULL);
	cb(c, &j);
	fl_json_obj_end(&j);
	if (fclose(f) || j.err) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void fl_scen_json_cb(struct fl_case *c, struct fl_json *j)
{
	c->scen->json(c, j);
}

static void fl_tgt_json_cb(struct fl_case *c, struct fl_json *j)
{
	c->tgt.ops->json(&c->tgt, j);
}

static int fl_apply_defaults(struct fl_case *c, char *why, size_t len)
{
	char b1[32], b2[32];

	c->size = c->o->size ? c->o->size : c->tgt.default_size;
	if (!c->size)
		c->size = c->tgt.size;
	/* A revoke storm needs a window, not the whole BAR. */
	if (!c->o->size && c->o->scenario == FL_SCEN_REVOKE)
		c->size = FL_MIN(c->size, 64 * FL_MIB);
	c->size = fl_align_down(c->size, FL_MAX(c->tgt.min_map, FL_PAGE_SIZE));
	if (!c->size)
		return fl_why(why, len, "--size is smaller than the target's smallest mapping (%s)",
			      fl_fmt_size(c->tgt.min_map, b1, sizeof(b1)));
	if (c->tgt.size && c->o->offset + c->size > c->tgt.size)
		return fl_why(why, len,
			      "--offset + --size (%s) exceeds the target's %s",
			      fl_fmt_size(c->o->offset + c->size, b1, sizeof(b1)),
			      fl_fmt_size(c->tgt.size, b2, sizeof(b2)));
	if (c->o->misalign && !c->tgt.can_misalign)
		return fl_why(why, len,
			      "--misalign: %s mappings must be aligned to their page size",
			      c->tgt.ops->kind);
	return 0;
}

int fl_run_case(struct fl_case *c, const struct fl_opts *o,
		struct fl_topo *topo, const struct fl_clock_info *clock)
{
	struct fl_pool pool;
	char why[2 * FL_WHY_LEN] = "";
	int i, ret, mem_node;

	c->o = o;
	c->topo = topo;
	c->clock = clock;
	c->scen = fl_scenario_get(o->scenario);
	c->nthreads = o->threads;
	c->t_start = fl_mono_ns();
	c->status = "ok";
	c->oracle = -1;
	fl_case_name(o, c->name, sizeof(c->name));
	c->faults = fl_xcalloc((size_t)o->reps, sizeof(*c->faults));
	for (c->nhists = 0; c->nhists < FL_MAX_HISTS &&
	     c->scen->hists[c->nhists]; c->nhists++)
		c->hist[c->nhists] = fl_hist_new();

	ret = fl_target_open(&c->tgt, o, why, sizeof(why));
	if (ret) {
		fl_case_set(c, ret == FL_UNSUPPORTED ? "unsupported" : "failed",
			    why);
		goto out;
	}
	if (fl_apply_defaults(c, why, sizeof(why))) {
		fl_case_set(c, "unsupported", why);
		goto out_close;
	}
	mem_node = c->tgt.numa_node;
	if (fl_topo_plan(topo, o->placement, o->threads, c->tgt.bdf,
			 c->tgt.bdf[0] ? c->tgt.numa_node : -1,
			 mem_node, &c->plan, why, sizeof(why))) {
		fl_case_set(c, "unsupported", why);
		goto out_close;
	}
	ret = c->scen->prepare ? c->scen->prepare(c, why, sizeof(why)) : 0;
	if (ret) {
		fl_case_set(c, ret == FL_UNSUPPORTED ? "unsupported" : "failed",
			    why);
		goto out_cleanup;
	}

	c->thr = fl_xcalloc((size_t)c->nthreads, sizeof(*c->thr));
	for (i = 0; i < c->nthreads; i++) {
		c->thr[i] = fl_xaligned(FL_CACHELINE, sizeof(*c->thr[i]));
		c->thr[i]->id = i;
		c->thr[i]->pu = c->plan.pu[i];
		c->thr[i]->c = c;
	}
	memset(&pool, 0, sizeof(pool));
	fl_pool_start(c, &pool);
	if (fl_thread_error(c)) {
		fl_case_set(c, "failed", fl_thread_error(c));
	} else {
		for (c->rep = -o->warmup; c->rep < o->reps; c->rep++) {
			if (fl_interrupted) {
				fl_case_set(c, "interrupted",
					    fl_interrupt_sig == SIGTERM ?
					    "interrupted by SIGTERM" :
					    "interrupted by SIGINT");
				break;
			}
			if (fl_one_rep(c, &pool))
				break;
		}
		if (fl_interrupted && !strcmp(c->status, "ok"))
			fl_case_set(c, "interrupted",
				    fl_interrupt_sig == SIGTERM ?
				    "interrupted by SIGTERM" :
				    "interrupted by SIGINT");
	}
	fl_pool_stop(c, &pool);
out_cleanup:
	if (c->scen->json)
		c->scen_json = fl_capture_json(c, fl_scen_json_cb);
	if (c->scen->cleanup)
		c->scen->cleanup(c);
out_close:
	if (c->tgt.ops && c->tgt.ops->json)
		c->tgt_json = fl_capture_json(c, fl_tgt_json_cb);
	fl_target_close(&c->tgt);
out:
	c->elapsed_s = (double)(fl_mono_ns() - c->t_start) / 1e9;
	return 0;
}

void fl_case_free(struct fl_case *c)
{
	int i;

	for (i = 0; i < c->nmetrics; i++)
		free(c->metrics[i].samples);
	for (i = 0; i < c->nhists; i++)
		fl_hist_free(c->hist[i]);
	if (c->thr) {
		for (i = 0; i < c->nthreads; i++)
			free(c->thr[i]);
		free(c->thr);
	}
	free(c->faults);
	free(c->scen_json);
	free(c->tgt_json);
	memset(c, 0, sizeof(*c));
}
