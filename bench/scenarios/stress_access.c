// SPDX-License-Identifier: GPL-2.0
/*
 * stress_access.c - the accesses of flbench stress: runs of page checks
 * and writes through a mapping (a slot's, the device's shared one, a fork
 * child's copy, a read-only one), with SIGBUS and SIGSEGV caught per
 * thread by siglongjmp, and what each outcome may be: a page as the
 * harness wrote it (stress_pattern.c), a SIGBUS only while the device is
 * revoked or removed, a SIGSEGV only for a write the VMA refuses.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "access.h"
#include "stress.h"

/* -------------------------------------------------------------- signals */

/*
 * SIGBUS and SIGSEGV inside an access run return to it by siglongjmp;
 * elsewhere they take their default action (the run dies, its report is
 * the core and the kernel log).
 */
static void fl_son_signal(int sig, siginfo_t *si, void *uc)
{
	struct fl_sthr *me = fl_sself;

	(void)uc;
	if (me && me->jb_armed) {
		me->jb_armed = 0;
		me->sig = sig;
		me->sig_addr = si->si_addr;
		me->sig_code = si->si_code;
		siglongjmp(me->jb, 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void fl_ssignals_install(struct fl_stress *st)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fl_son_signal;
	/* NODEFER: the handler is left by siglongjmp, the mask not restored. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &st->old_bus);
	sigaction(SIGSEGV, &sa, &st->old_segv);
}

void fl_ssignals_restore(struct fl_stress *st)
{
	sigaction(SIGBUS, &st->old_bus, NULL);
	sigaction(SIGSEGV, &st->old_segv, NULL);
}

/* ------------------------------------------------------------- accesses */

enum { FL_SACC_CHECK = 1, FL_SACC_WRITE = 2 };

/* One run of accesses to pages of a mapping (a piece or a shared one). */
struct fl_saccess {
	char *base;			/* mapping */
	uint64_t off;			/* device offset of base */
	uint64_t vma_pages;		/* for the fill bound */
	int dev, inc;
	unsigned int strategy, window, max_order;
	const uint64_t *pages;		/* page indices from base */
	uint64_t n;
	unsigned int mode;		/* FL_SACC_* */
	uint32_t gen;			/* written */
	bool child;			/* tallies go to the child's page */
	/* out */
	uint64_t done, written, touches, sigbus;
	uint64_t refaults;		/* allowed again: revokes during the run */
	int sig;
	void *sig_addr;
	bool bad;
	char why[FL_WHY_LEN];
};

/* The generation word the harness keeps for a device page, NULL if not ours. */
static uint32_t *fl_sgen(struct fl_stress *st, struct fl_sthr *me, int d,
			 uint64_t page)
{
	const struct fl_slayout *l = &st->dev[d].lay;
	uint64_t lp = l->lane / FL_PAGE_SIZE, first = (uint64_t)me->tid * lp;
	uint64_t sp = l->shared_off / FL_PAGE_SIZE, T = (uint64_t)st->c->nthreads;

	if (me->tid < 0)
		return NULL;
	if (page >= first && page < first + lp)
		return &me->shadow[d][page - first];
	if (l->shared_len && page >= sp &&
	    page < sp + l->shared_len / FL_PAGE_SIZE &&
	    (page - sp) % T == (uint64_t)me->tid)
		return &me->shadow_sh[d][(page - sp) / T];
	return NULL;
}

/*
 * Run the accesses; stops at the first signal or bad page.  Returns 0
 * with the outcome in @a (the caller judges a signal).
 */
static void fl_saccess_run(struct fl_stress *st, struct fl_sthr *me,
			   struct fl_saccess *a)
{
	volatile uint64_t i = 0;
	uint64_t fill = fl_sfill_pages(a->strategy, a->vma_pages, a->window,
				       a->max_order);
	uint64_t rev0 = atomic_load(&st->sh[a->dev].rev_gen), page, w0, w1;
	uint32_t *g;
	char *p;

	a->done = a->written = a->touches = a->sigbus = 0;
	a->sig = 0;
	a->bad = false;
	if (sigsetjmp(me->jb, 0)) {
		a->sig = me->sig;
		a->sig_addr = me->sig_addr;
		if (a->sig == SIGBUS) {
			a->sigbus++;
			if (!a->child)
				fl_stally_add(me, a->dev, a->inc, a->strategy,
					      FL_ST_SIGBUS, 1);
		}
		goto out;
	}
	for (; i < a->n; i++) {
		page = (a->off / FL_PAGE_SIZE) + a->pages[i];
		p = a->base + a->pages[i] * FL_PAGE_SIZE;
		g = fl_sgen(st, me, a->dev, page);
		a->touches++;
		if (!a->child) {
			fl_stally_add(me, a->dev, a->inc, a->strategy,
				      FL_ST_TOUCH, 1);
			fl_stally_add(me, a->dev, a->inc, a->strategy,
				      FL_ST_FILL, fill);
		}
		me->jb_armed = 1;
		if (a->mode & FL_SACC_CHECK) {
			w0 = fl_load(p);
			w1 = fl_load(p + 8);
			me->jb_armed = 0;
			if (fl_spat_check(st->dev[a->dev].tag, page,
					  g ? *g : 0, w0, w1, a->why,
					  sizeof(a->why))) {
				a->bad = true;
				goto out;
			}
		}
		if ((a->mode & FL_SACC_WRITE) && g) {
			w0 = fl_spat_w0(st->dev[a->dev].tag, page);
			me->jb_armed = 1;
			fl_store(p, w0);
			fl_store(p + 8, fl_spat_w1(w0, a->gen));
			me->jb_armed = 0;
			*g = a->gen;
			a->written++;
		}
		me->jb_armed = 0;
		a->done++;
	}
out:
	me->jb_armed = 0;
	/* Write-combining stores must be visible to the next reader. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/*
	 * A revoke's zap between a fault that installed the page in flight
	 * and the access's retry makes that page fault again: one more
	 * handler call (and fill) for each revoke that began or ended
	 * during the run, or was under way when it started (rev_gen odd).
	 */
	a->refaults = atomic_load(&st->sh[a->dev].rev_gen) - rev0 + (rev0 & 1);
	if (!a->child && a->refaults) {
		fl_stally_add(me, a->dev, a->inc, a->strategy, FL_ST_TOUCH,
			      a->refaults);
		fl_stally_add(me, a->dev, a->inc, a->strategy, FL_ST_FILL,
			      a->refaults * fill);
	}
}

/* Judge what a run met: a bad page or a signal that was not allowed fails. */
static int fl_saccess_judge(struct fl_stress *st, struct fl_sthr *me,
			    const struct fl_saccess *a, uint64_t rev_gen0,
			    const char *what)
{
	if (a->bad) {
		fl_stress_fail(st, me, "data mismatch: %s of %s, %s: %s", what,
			       st->dev[a->dev].path,
			       fl_strategy_name(a->strategy), a->why);
		return -1;
	}
	if (a->sig == SIGBUS) {
		if (fl_ssigbus_ok(st, a->dev, a->inc, rev_gen0)) {
			fl_strace_note(me, "SIGBUS at %p (revoked or removed)",
				       a->sig_addr);
			me->sigbus_ops[me->cur->op.kind]++;
			return 0;
		}
		fl_stress_fail(st, me, "unexpected SIGBUS at %p: %s of %s (%s), the device was neither revoked nor removed",
			       a->sig_addr, what, st->dev[a->dev].path,
			       fl_strategy_name(a->strategy));
		return -1;
	}
	if (a->sig) {
		fl_stress_fail(st, me, "unexpected %s at %p: %s of %s (%s)",
			       a->sig == SIGSEGV ? "SIGSEGV" : "signal",
			       a->sig_addr, what, st->dev[a->dev].path,
			       fl_strategy_name(a->strategy));
		return -1;
	}
	return 0;
}

static void fl_saccess_piece(struct fl_saccess *a, const struct fl_sslot *sl,
			     const struct fl_spiece *pc)
{
	memset(a, 0, sizeof(*a));
	a->base = pc->addr;
	a->off = pc->off;
	a->vma_pages = pc->len / FL_PAGE_SIZE;
	a->dev = sl->m_dev;
	a->inc = sl->m_inc;
	a->strategy = sl->m_strategy;
	a->window = sl->m_window;
	a->max_order = sl->m_max_order;
}

/* @n distinct-enough pages of @npages: a run (touch) or scattered. */
static uint64_t fl_spages(uint64_t *buf, uint64_t npages, uint64_t n,
			  bool run, uint64_t rnd)
{
	uint64_t s[4], i, start;

	fl_srand_seed(s, rnd);
	if (run) {
		n = n ? FL_MIN(n, npages) : npages;
		n = FL_MIN(n, FL_STOUCH_MAX);
		start = fl_srand_below(s, npages - n + 1);
		for (i = 0; i < n; i++)
			buf[i] = start + i;
		return n;
	}
	n = FL_MIN(n, FL_STOUCH_MAX);
	for (i = 0; i < n; i++)
		buf[i] = fl_srand_below(s, npages);
	return n;
}

int fl_sop_access(struct fl_stress *st, struct fl_sthr *me,
			 struct fl_sslot *sl, const struct fl_sop_args *op,
			 uint64_t *scratch)
{
	struct fl_spiece *pc = fl_spick(sl, op->rnd);
	struct fl_saccess a;
	uint64_t rev_gen0;

	if (!pc)
		return FL_SSKIP;
	fl_saccess_piece(&a, sl, pc);
	a.pages = scratch;
	a.n = fl_spages(scratch, pc->len / FL_PAGE_SIZE, op->len,
			op->kind == FL_SOP_TOUCH, op->rnd >> 8);
	switch (op->kind) {
	case FL_SOP_TOUCH:
		a.mode = FL_SACC_CHECK | (sl->m_ro ? 0 : FL_SACC_WRITE);
		break;
	case FL_SOP_WRITE:
		if (sl->m_ro)
			return FL_SSKIP;
		a.mode = FL_SACC_WRITE;
		break;
	default:
		a.mode = FL_SACC_CHECK;
		break;
	}
	a.gen = ++me->gen;
	rev_gen0 = atomic_load(&st->sh[a.dev].rev_gen);
	fl_saccess_run(st, me, &a);
	me->pages_checked += a.mode & FL_SACC_CHECK ? a.done : 0;
	me->pages_written += a.written;
	fl_strace_note(me, "%llu of %llu pages", (unsigned long long)a.done,
		       (unsigned long long)a.n);
	return fl_saccess_judge(st, me, &a, rev_gen0, fl_sop_name(op->kind));
}

/* The device's shared mapping, faulted by every thread at once. */
int fl_sop_shared(struct fl_stress *st, struct fl_sthr *me,
			 const struct fl_sop_args *op, uint64_t *scratch)
{
	struct fl_sdev *dv = &st->dev[op->dev];
	uint64_t T = (uint64_t)st->c->nthreads, np, i, rev_gen0, s[4], mine;
	struct fl_saccess a;

	if (!dv->sh_map)
		return FL_SSKIP;
	np = dv->lay.shared_len / FL_PAGE_SIZE;
	memset(&a, 0, sizeof(a));
	a.base = dv->sh_map;
	a.off = dv->lay.shared_off;
	a.vma_pages = np;
	a.dev = op->dev;
	a.inc = dv->sh_inc;
	a.strategy = dv->sh_strategy;
	a.window = dv->sh_window;
	a.max_order = dv->sh_max_order;
	a.pages = scratch;
	a.n = FL_MIN(op->len, np);
	fl_srand_seed(s, op->rnd);
	/* Writes go to this thread's pages (p % T == tid), reads anywhere. */
	mine = np > (uint64_t)me->tid ? (np - 1 - (uint64_t)me->tid) / T + 1 : 0;
	for (i = 0; i < a.n; i++)
		scratch[i] = op->write && mine ?
			     fl_srand_below(s, mine) * T + (uint64_t)me->tid :
			     fl_srand_below(s, np);
	a.mode = FL_SACC_CHECK | (op->write ? FL_SACC_WRITE : 0);
	a.gen = ++me->gen;
	rev_gen0 = atomic_load(&st->sh[a.dev].rev_gen);
	fl_saccess_run(st, me, &a);
	me->pages_checked += a.done;
	me->pages_written += a.written;
	fl_strace_note(me, "%llu of %llu pages, %s", (unsigned long long)a.done,
		       (unsigned long long)a.n, fl_strategy_name(a.strategy));
	return fl_saccess_judge(st, me, &a, rev_gen0, "shared mapping");
}

/* ----------------------------------------------------------------- fork */

static void fl_schild_main(struct fl_stress *st, struct fl_sthr *me,
			   struct fl_saccess *a)
{
	struct fl_schild *out = me->child_page;
	uint64_t rev_gen0 = atomic_load(&st->sh[a->dev].rev_gen);

	fl_saccess_run(st, me, a);
	out->checked = a->mode & FL_SACC_CHECK ? a->done : 0;
	out->written = a->written;
	out->touches = a->touches + a->refaults;
	out->sigbus = a->sigbus;
	if (a->bad) {
		out->bad = 1;
		snprintf(out->why, sizeof(out->why), "in the fork child: %.400s",
			 a->why);
	} else if (a->sig == SIGBUS && !fl_ssigbus_ok(st, a->dev, a->inc,
						      rev_gen0)) {
		out->bad = 1;
		snprintf(out->why, sizeof(out->why),
			 "unexpected SIGBUS in the fork child at %p",
			 a->sig_addr);
	} else if (a->sig && a->sig != SIGBUS) {
		out->bad = 1;
		snprintf(out->why, sizeof(out->why),
			 "unexpected signal %d in the fork child at %p",
			 a->sig, a->sig_addr);
	}
	out->done = 1;
	_exit(0);
}

int fl_sop_fork(struct fl_stress *st, struct fl_sthr *me,
		       struct fl_sslot *sl, const struct fl_sop_args *op,
		       uint64_t *scratch)
{
	struct fl_spiece *pc = fl_spick(sl, op->rnd);
	struct fl_schild *out = me->child_page;
	struct fl_saccess a;
	uint64_t fill, i;
	int status = 0;
	pid_t pid;

	if (!pc)
		return FL_SSKIP;
	fl_saccess_piece(&a, sl, pc);
	a.pages = scratch;
	a.n = fl_spages(scratch, pc->len / FL_PAGE_SIZE, op->len, false,
			op->rnd >> 8);
	a.mode = FL_SACC_CHECK | (op->write && !sl->m_ro ? FL_SACC_WRITE : 0);
	a.gen = ++me->gen;
	a.child = true;
	memset(out, 0, sizeof(*out));
	atomic_fetch_add(&st->children, 1);
	atomic_fetch_add(&st->fork_gen, 1);
	pid = fork();
	if (pid < 0) {
		atomic_fetch_sub(&st->children, 1);
		fl_stress_fail(st, me, "fork: %s", fl_errno_name(errno));
		return -1;
	}
	if (!pid)
		fl_schild_main(st, me, &a);
	atomic_store(&me->child, pid);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	atomic_store(&me->child, 0);
	atomic_fetch_sub(&st->children, 1);
	atomic_fetch_add(&st->fork_gen, 1);
	/* The child's accesses and SIGBUS are the driver's too. */
	fill = fl_sfill_pages(a.strategy, a.vma_pages, a.window, a.max_order);
	fl_stally_add(me, a.dev, a.inc, a.strategy, FL_ST_TOUCH, out->touches);
	fl_stally_add(me, a.dev, a.inc, a.strategy, FL_ST_FILL,
		      out->touches * fill);
	fl_stally_add(me, a.dev, a.inc, a.strategy, FL_ST_SIGBUS, out->sigbus);
	/* What it wrote is the pages' new generation. */
	for (i = 0; i < out->written && i < a.n; i++) {
		uint32_t *g = fl_sgen(st, me, a.dev,
				      a.off / FL_PAGE_SIZE + scratch[i]);

		if (g)
			*g = a.gen;
	}
	me->pages_checked += out->checked;
	me->pages_written += out->written;
	fl_strace_note(me, "child %d: %llu checked, %llu written, %llu SIGBUS",
		       (int)pid, (unsigned long long)out->checked,
		       (unsigned long long)out->written,
		       (unsigned long long)out->sigbus);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !out->done) {
		fl_stress_fail(st, me, "fork child %d of %s (%s) died: status 0x%x",
			       (int)pid, st->dev[a.dev].path,
			       fl_strategy_name(a.strategy), status);
		return -1;
	}
	if (out->bad) {
		fl_stress_fail(st, me, "data mismatch: %s (%s, %s)", out->why,
			       st->dev[a.dev].path, fl_strategy_name(a.strategy));
		return -1;
	}
	return FL_SOK;
}

/*
 * Read-only: reads go on, a write is SIGSEGV (the VMA refuses it before
 * the driver sees a fault); then back, and a write lands.
 */
int fl_sop_mprotect(struct fl_stress *st, struct fl_sthr *me,
			   struct fl_sslot *sl, const struct fl_sop_args *op,
			   uint64_t *scratch)
{
	struct fl_spiece *pc = fl_spick(sl, op->rnd);
	int prot = PROT_READ | (sl->m_ro ? 0 : PROT_WRITE);
	uint64_t rev_gen0;
	struct fl_saccess a;

	if (!pc)
		return FL_SSKIP;
	if (sl->m_ro) {
		/* The file is writable: a read-only mapping may become writable. */
		if (mprotect(pc->addr, pc->len, PROT_READ | PROT_WRITE))
			goto fail;
		if (mprotect(pc->addr, pc->len, PROT_READ))
			goto fail;
		return FL_SOK;
	}
	if (mprotect(pc->addr, pc->len, PROT_READ))
		goto fail;
	fl_saccess_piece(&a, sl, pc);
	a.pages = scratch;
	a.n = fl_spages(scratch, pc->len / FL_PAGE_SIZE, 4, false, op->rnd);
	a.mode = FL_SACC_CHECK;
	rev_gen0 = atomic_load(&st->sh[a.dev].rev_gen);
	fl_saccess_run(st, me, &a);
	if (fl_saccess_judge(st, me, &a, rev_gen0, "read-only mapping"))
		return -1;
	/* One write: the kernel must refuse it. */
	if (!a.sig) {
		me->jb_armed = 0;
		if (!sigsetjmp(me->jb, 0)) {
			me->jb_armed = 1;
			fl_store(pc->addr + scratch[0] * FL_PAGE_SIZE + 16, 1);
			me->jb_armed = 0;
			fl_stress_fail(st, me, "a write to %p after mprotect(PROT_READ) did not fault",
				       (void *)(pc->addr + scratch[0] * FL_PAGE_SIZE));
			return -1;
		}
		if (me->sig != SIGSEGV) {
			if (me->sig == SIGBUS &&
			    fl_ssigbus_ok(st, a.dev, a.inc, rev_gen0)) {
				fl_stally_add(me, a.dev, a.inc, a.strategy,
					      FL_ST_SIGBUS, 1);
			} else {
				fl_stress_fail(st, me, "a write to a read-only mapping got signal %d, not SIGSEGV",
					       me->sig);
				return -1;
			}
		}
		fl_strace_note(me, "write refused (SIGSEGV)");
	}
	if (mprotect(pc->addr, pc->len, prot))
		goto fail;
	return FL_SOK;
fail:
	fl_stress_fail(st, me, "mprotect(%p, 0x%llx): %s", (void *)pc->addr,
		       (unsigned long long)pc->len, fl_errno_name(errno));
	return -1;
}
