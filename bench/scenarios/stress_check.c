// SPDX-License-Identifier: GPL-2.0
/*
 * stress_check.c - what flbench stress checks besides each call's result
 * and the data (stress_pattern.c):
 *
 *  - the driver's counters, at every checkpoint, against what the
 *    harness did since the last one (the threads are quiesced): exact
 *    mmap and SIGBUS counts, handler calls bounded by the pages touched,
 *    entries installed bounded by what those touches may fill, every
 *    handler call with an outcome, nothing counted under a strategy that
 *    cannot produce it, exact call/outcome identities where the strategy
 *    makes them exact;
 *  - the kernel log (stress_klog.c) at every checkpoint;
 *  - hangs: a watchdog thread fails an operation that runs longer than
 *    --op-timeout, prints the report at once, and ends the process if the
 *    operation never returns.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "faults.h"
#include "stress.h"
#include "units.h"

/* ----------------------------------------------------------- signals */

bool fl_ssigbus_ok(struct fl_stress *st, int d, int inc, uint64_t rev_gen0)
{
	struct fl_sdev_sh *sh = &st->sh[d];

	return atomic_load(&sh->revoking) > 0 ||
	       atomic_load(&sh->rev_gen) != rev_gen0 ||
	       inc <= atomic_load(&sh->dying_inc);
}

/*
 * Only events of the device's live incarnation count: a mapping of a
 * removed one (still mapped, taking SIGBUS) is no longer the driver's
 * to count anywhere we can read.  Two buckets, by parity, since at most
 * one rebind happens between two checkpoints.
 */
void fl_stally_add(struct fl_sthr *me, int d, int inc, unsigned int strat,
		   enum fl_stally k, uint64_t n)
{
	struct fl_sdev_sh *sh = &me->st->sh[d];

	if (strat >= FL_STRAT_NR || inc <= atomic_load(&sh->dying_inc) ||
	    inc != atomic_load(&sh->inc))
		return;
	me->tally.v[d][inc & 1][strat][k] += n;
}

uint64_t fl_sfill_pages(unsigned int strategy, uint64_t vma_pages,
			unsigned int window, unsigned int max_order)
{
	switch (strategy) {
	case FL_STRAT_REMAP_FAULT:
	case FL_STRAT_INSERT_BULK:
		return vma_pages;
	case FL_STRAT_INSERT_AROUND:
		return window;
	case FL_STRAT_HUGE:
		return FL_MIN(vma_pages, 1ULL << max_order);
	default:
		return 1;		/* insert-page; remap-mmap's refill */
	}
}

/* -------------------------------------------------------------- counters */

static int fl_sread_counters(int fd, uint64_t out[FL_STRAT_NR][FL_CNT_NR],
			     char *why, size_t len)
{
	struct fl_counters c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	if (ioctl(fd, FL_IOC_GET_COUNTERS, &c))
		return fl_sys(why, len, errno, "ioctl", "FL_IOC_GET_COUNTERS");
	memcpy(out, c.val, sizeof(c.val));
	return 0;
}

/*
 * Compare one strategy's counter deltas @c with the tallies @t of the
 * same interval; @revokes is the number of FL_IOC_REVOKE calls done.
 */
static int fl_scheck_strategy(unsigned int s, const uint64_t *c,
			      const uint64_t *t, uint64_t revokes,
			      char *why, size_t len)
{
	const char *name = fl_strategy_name(s);
	uint64_t calls, outcomes, inserted;
	unsigned int k;

	if (c[FL_CNT_MMAP] != t[FL_ST_MMAP])
		return fl_why(why, len, "%s: the driver counted %llu mmap() calls, the harness made %llu",
			      name, (unsigned long long)c[FL_CNT_MMAP],
			      (unsigned long long)t[FL_ST_MMAP]);
	if (c[FL_CNT_SIGBUS] != t[FL_ST_SIGBUS])
		return fl_why(why, len, "%s: the driver answered %llu faults with SIGBUS, the harness took %llu SIGBUS",
			      name, (unsigned long long)c[FL_CNT_SIGBUS],
			      (unsigned long long)t[FL_ST_SIGBUS]);
	if (c[FL_CNT_INJECTED])
		return fl_why(why, len, "%s: %llu injected errors, and nothing was injected",
			      name, (unsigned long long)c[FL_CNT_INJECTED]);
	if (c[FL_CNT_FAULT] > t[FL_ST_TOUCH] ||
	    c[FL_CNT_HUGE_FAULT_PUD] > t[FL_ST_TOUCH] ||
	    c[FL_CNT_HUGE_FAULT_PMD] > 2 * t[FL_ST_TOUCH])
		return fl_why(why, len, "%s: %llu ->fault, %llu PMD and %llu PUD ->huge_fault calls for %llu page accesses",
			      name, (unsigned long long)c[FL_CNT_FAULT],
			      (unsigned long long)c[FL_CNT_HUGE_FAULT_PMD],
			      (unsigned long long)c[FL_CNT_HUGE_FAULT_PUD],
			      (unsigned long long)t[FL_ST_TOUCH]);
	inserted = c[FL_CNT_INSERT_PTE] + 512 * c[FL_CNT_INSERT_PMD] +
		   262144 * c[FL_CNT_INSERT_PUD] + c[FL_CNT_REMAP_PAGES];
	if (inserted > t[FL_ST_FILL])
		return fl_why(why, len, "%s: %llu pages installed (PTE %llu, PMD %llu, PUD %llu, remapped %llu), more than the %llu the harness's accesses may fill",
			      name, (unsigned long long)inserted,
			      (unsigned long long)c[FL_CNT_INSERT_PTE],
			      (unsigned long long)c[FL_CNT_INSERT_PMD],
			      (unsigned long long)c[FL_CNT_INSERT_PUD],
			      (unsigned long long)c[FL_CNT_REMAP_PAGES],
			      (unsigned long long)t[FL_ST_FILL]);
	calls = c[FL_CNT_FAULT] + c[FL_CNT_HUGE_FAULT_PMD] +
		c[FL_CNT_HUGE_FAULT_PUD];
	outcomes = c[FL_CNT_INSERT_PTE] + c[FL_CNT_INSERT_PMD] +
		   c[FL_CNT_INSERT_PUD] + c[FL_CNT_REMAP] +
		   c[FL_CNT_NOPAGE_RACE] + c[FL_CNT_FALLBACK] + c[FL_CNT_SIGBUS];
	if (calls > outcomes)
		return fl_why(why, len, "%s: %llu handler calls and only %llu outcomes (inserts, remaps, races, fallbacks, SIGBUS): a fault returned something else (VM_FAULT_OOM?)",
			      name, (unsigned long long)calls,
			      (unsigned long long)outcomes);
	if (s == FL_STRAT_INSERT_PAGE || s == FL_STRAT_REMAP_MMAP) {
		/* One PTE per ->fault: inserted, found, or SIGBUS. */
		if (c[FL_CNT_FAULT] != c[FL_CNT_INSERT_PTE] +
		    c[FL_CNT_NOPAGE_RACE] + c[FL_CNT_SIGBUS])
			return fl_why(why, len, "%s: fault %llu != insert_pte %llu + nopage_race %llu + sigbus %llu",
				      name, (unsigned long long)c[FL_CNT_FAULT],
				      (unsigned long long)c[FL_CNT_INSERT_PTE],
				      (unsigned long long)c[FL_CNT_NOPAGE_RACE],
				      (unsigned long long)c[FL_CNT_SIGBUS]);
	}
	for (k = 0; k < FL_CNT_NR; k++) {
		bool huge_only = k == FL_CNT_HUGE_FAULT_PMD ||
				 k == FL_CNT_HUGE_FAULT_PUD ||
				 k == FL_CNT_INSERT_PMD || k == FL_CNT_INSERT_PUD ||
				 k == FL_CNT_FALLBACK;
		bool remap_only = k == FL_CNT_REMAP || k == FL_CNT_REMAP_PAGES;

		if (c[k] && ((huge_only && s != FL_STRAT_HUGE) ||
			     (remap_only && s != FL_STRAT_REMAP_MMAP &&
			      s != FL_STRAT_REMAP_FAULT)))
			return fl_why(why, len, "%s: %s = %llu, which this strategy cannot produce",
				      name, fl_counter_names[k],
				      (unsigned long long)c[k]);
	}
	if (c[FL_CNT_REVOKE] > revokes)
		return fl_why(why, len, "%s: %llu revokes counted, %llu FL_IOC_REVOKE calls made",
			      name, (unsigned long long)c[FL_CNT_REVOKE],
			      (unsigned long long)revokes);
	return 0;
}

/* Reopen the controller's file after a rebind; new devices count from 0. */
static int fl_sctl_fd(struct fl_stress *st, int d, char *why, size_t len)
{
	struct fl_sdev *dv = &st->dev[d];
	int inc = atomic_load(&st->sh[d].inc);

	if (dv->ctl_fd >= 0 && dv->ctl_inc == inc)
		return 0;
	if (dv->ctl_fd >= 0)
		close(dv->ctl_fd);
	dv->ctl_fd = fl_sdev_open(st, d, &dv->ctl_inc, why, len);
	if (dv->ctl_fd < 0)
		return -1;
	if (dv->base_inc != dv->ctl_inc) {
		memset(dv->base, 0, sizeof(dv->base));
		dv->base_inc = dv->ctl_inc;
	}
	return 0;
}

/* Counters of every device against the tallies since the last checkpoint. */
static int fl_scheck_counters(struct fl_stress *st, char *why, size_t len)
{
	uint64_t cur[FL_STRAT_NR][FL_CNT_NR], delta[FL_CNT_NR];
	uint64_t t[FL_STRAT_NR][FL_ST_NR], revokes;
	struct fl_sthr *all[257];
	int d, i, n = 0, p;
	unsigned int s, k;
	char sub[FL_WHY_LEN];

	for (i = 0; i < st->c->nthreads; i++)
		all[n++] = st->thr[i];
	all[n++] = st->thr[st->c->nthreads];	/* the controller */
	for (d = 0; d < st->ndev; d++) {
		struct fl_sdev *dv = &st->dev[d];

		if (fl_sctl_fd(st, d, why, len))
			return -1;
		p = dv->ctl_inc & 1;
		memset(t, 0, sizeof(t));
		revokes = 0;
		for (i = 0; i < n; i++) {
			for (s = 0; s < FL_STRAT_NR; s++)
				for (k = 0; k < FL_ST_NR; k++)
					t[s][k] += all[i]->tally.v[d][p][s][k];
			revokes += all[i]->tally.revokes[d][p];
		}
		if (fl_sread_counters(dv->ctl_fd, cur, sub, sizeof(sub)))
			return fl_why(why, len, "%s: %s", dv->path, sub);
		for (s = 0; s < FL_STRAT_NR; s++) {
			for (k = 0; k < FL_CNT_NR; k++)
				delta[k] = cur[s][k] - dv->base[s][k];
			if (fl_scheck_strategy(s, delta, t[s], revokes, sub,
					       sizeof(sub)))
				return fl_why(why, len,
					      "counters of %s (%s, incarnation %d) since checkpoint %llu: %s",
					      dv->path, dv->label, dv->ctl_inc,
					      (unsigned long long)st->epoch, sub);
		}
		memcpy(dv->base, cur, sizeof(cur));
		st->counter_checks++;
	}
	/* Start the next interval; keep the run's totals. */
	for (i = 0; i < n; i++) {
		for (d = 0; d < st->ndev; d++)
			for (p = 0; p < 2; p++) {
				for (s = 0; s < FL_STRAT_NR; s++)
					for (k = 0; k < FL_ST_NR; k++)
						st->total.v[d][0][s][k] +=
							all[i]->tally.v[d][p][s][k];
				st->total.revokes[d][0] += all[i]->tally.revokes[d][p];
			}
		memset(&all[i]->tally, 0, sizeof(all[i]->tally));
	}
	return 0;
}

/* ------------------------------------------------------------ quiescing */

void fl_spause_point(struct fl_stress *st)
{
	if (!atomic_load_explicit(&st->pause, memory_order_acquire))
		return;
	pthread_mutex_lock(&st->lock);
	st->paused++;
	pthread_cond_broadcast(&st->cond);
	while (atomic_load(&st->pause) && !fl_stress_failed(st))
		pthread_cond_wait(&st->cond, &st->lock);
	st->paused--;
	pthread_mutex_unlock(&st->lock);
}

static void fl_scond_wait_ms(struct fl_stress *st, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_cond_timedwait(&st->cond, &st->lock, &ts);
}

int fl_scheckpoint(struct fl_stress *st, bool final)
{
	struct fl_sthr *ctl = st->thr[st->c->nthreads];
	char why[2 * FL_WHY_LEN] = "";
	int d, ret = 0;

	pthread_mutex_lock(&st->lock);
	atomic_store_explicit(&st->pause, 1, memory_order_release);
	while (st->paused < st->running && !fl_stress_failed(st))
		fl_scond_wait_ms(st, 50);
	if (fl_stress_failed(st))
		goto out;
	atomic_store(&st->ctl_t0, fl_mono_ns());
	if (fl_scheck_counters(st, why, sizeof(why))) {
		fl_stress_fail(st, NULL, "%s", why);
		ret = -1;
		goto out;
	}
	if (fl_klog_drain(&st->klog)) {
		fl_stress_fail(st, NULL, "the kernel logged %llu unexpected reports (see the kernel log below)",
			       (unsigned long long)st->klog.nfail);
		ret = -1;
		goto out;
	}
	st->checkpoints++;
	st->epoch++;
	/* New shared mappings: all threads fault them at once again. */
	for (d = 0; d < st->ndev && !final; d++) {
		if (fl_sshared_remake(st, d, fl_srand(ctl->sched.s), why,
				      sizeof(why))) {
			fl_stress_fail(st, NULL, "%s", why);
			ret = -1;
			goto out;
		}
	}
out:
	atomic_store(&st->ctl_t0, 0);
	atomic_store_explicit(&st->pause, 0, memory_order_release);
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* -------------------------------------------------------------- watchdog */

static void fl_swatchdog_hang(struct fl_stress *st, struct fl_sthr *me,
			      uint64_t ran)
{
	char el[32], to[32];
	uint64_t end;
	pid_t child;
	int i;

	fl_fmt_ns((double)ran, el, sizeof(el));
	fl_fmt_ns((double)st->c->o->op_timeout_ns, to, sizeof(to));
	if (me)
		fl_stress_fail(st, me, "watchdog: operation #%llu of thread %d still running after %s (--op-timeout %s)",
			       (unsigned long long)(me->cur ? me->cur->n : 0),
			       me->tid, el, to);
	else
		fl_stress_fail(st, NULL, "watchdog: the controller's checkpoint still running after %s (--op-timeout %s)",
			       el, to);
	/* Say it now: the operation may never return. */
	free(st->report);
	st->report = fl_sreport(st);
	fputs(st->report, stderr);
	fflush(stderr);
	for (i = 0; i < st->c->nthreads; i++) {
		child = atomic_load(&st->thr[i]->child);
		if (child > 0)
			kill(child, SIGKILL);
	}
	/* Give it another --op-timeout to come back, then give up. */
	end = fl_mono_ns() + st->c->o->op_timeout_ns;
	while (fl_mono_ns() < end) {
		if (me ? !atomic_load(&me->op_t0) : !atomic_load(&st->ctl_t0))
			return;
		usleep(100000);
	}
	fprintf(stderr, "flbench: stress: watchdog: the operation did not return within another %s; exiting (no result.json)\n",
		to);
	fflush(stderr);
	_exit(1);
}

static void *fl_swatchdog(void *arg)
{
	struct fl_stress *st = arg;
	uint64_t limit = st->c->o->op_timeout_ns, now, t0;
	int i;

	while (!atomic_load(&st->wd_stop)) {
		usleep(100000);
		now = fl_mono_ns();
		for (i = 0; i <= st->c->nthreads; i++) {
			struct fl_sthr *me = st->thr[i];

			t0 = atomic_load(&me->op_t0);
			if (t0 && now > t0 && now - t0 > limit) {
				fl_swatchdog_hang(st, me, now - t0);
				return NULL;
			}
		}
		t0 = atomic_load(&st->ctl_t0);
		if (t0 && now > t0 && now - t0 > limit) {
			fl_swatchdog_hang(st, NULL, now - t0);
			return NULL;
		}
	}
	return NULL;
}

int fl_swatchdog_start(struct fl_stress *st, char *why, size_t len)
{
	int err = pthread_create(&st->wd, NULL, fl_swatchdog, st);

	if (err)
		return fl_sys(why, len, err, "pthread_create", "watchdog");
	st->wd_started = true;
	return 0;
}

void fl_swatchdog_stop(struct fl_stress *st)
{
	if (!st->wd_started)
		return;
	atomic_store(&st->wd_stop, 1);
	pthread_join(st->wd, NULL);
	st->wd_started = false;
}
