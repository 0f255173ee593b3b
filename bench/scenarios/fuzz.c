// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz.c - flbench fuzz: --calls random and edge-case calls, shared by
 * --threads threads, at every entry point of a faultline device node
 * (fuzz_calls.c).  Every outcome is counted per entry point, argument
 * class and errno; an errno CONFIG.md does not document for the entry
 * point (fuzz_errtab.c), a class that got another errno than the one it
 * must get, a signal that was not allowed, or a kernel-log report fails
 * the run.  The table of what was tried and what came back is printed
 * and recorded in result.json.  The device's fault injection is put back
 * and the device restored at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "stress_sched.h"
#include "units.h"

#define FL_FZ_KEEP	16	/* failures described */

_Thread_local struct fl_fz_thr *fl_fz_self;

static char *fl_fz_fails[FL_FZ_KEEP];

static const char *fl_fz_out_name(int out, char *buf, size_t len)
{
	if (!out)
		return "ok";
	if (out == FL_FZ_SIGBUS)
		return "SIGBUS";
	if (out == FL_FZ_SIGSEGV)
		return "SIGSEGV";
	snprintf(buf, len, "%s", fl_errno_name(out));
	if (!strcmp(buf, "E?"))
		snprintf(buf, len, "errno %d", out);
	return buf;
}

void fl_fz_record(struct fl_fz *fz, struct fl_fz_thr *t, int out,
		  int expect)
{
	const char *doc = fl_fz_ent_doc(t->cur.ent);
	char a[32], b[32], msg[2 * FL_WHY_LEN];
	bool undoc = false, unexp = false;

	if (out < 0 || out >= FL_FZ_NOUT)
		out = FL_FZ_ERRMAX;
	t->count[t->cur.ent][t->cur.cls][out]++;
	t->calls++;
	if (out && out <= FL_FZ_ERRMAX && t->cur.ent != FL_FZ_FAULT &&
	    !fl_errtab_allows(fl_errtab, doc, out))
		undoc = true;
	else if (expect != FL_FZ_ANY && out != expect)
		unexp = true;
	if (!undoc && !unexp)
		return;
	snprintf(msg, sizeof(msg), "%s, %s: %s: got %s, %s %s",
		 fl_fz_ent_name(t->cur.ent),
		 fl_fz_cls_name(t->cur.ent, t->cur.cls), t->cur.args,
		 fl_fz_out_name(out, a, sizeof(a)),
		 undoc ? "which CONFIG.md does not document for" : "this class must get",
		 undoc ? doc : fl_fz_out_name(expect, b, sizeof(b)));
	pthread_mutex_lock(&fz->lock);
	if (fz->undocumented + fz->unexpected < FL_FZ_KEEP)
		fl_fz_fails[fz->undocumented + fz->unexpected] = fl_xstrdup(msg);
	if (!fz->first_fail[0])
		snprintf(fz->first_fail, sizeof(fz->first_fail), "%s", msg);
	if (undoc)
		fz->undocumented++;
	else
		fz->unexpected++;
	pthread_mutex_unlock(&fz->lock);
}

/* SIGBUS and SIGSEGV of the fuzzer's own accesses return to them. */
static void fl_fz_on_signal(int sig, siginfo_t *si, void *uc)
{
	struct fl_fz_thr *t = fl_fz_self;

	(void)si;
	(void)uc;
	if (t && t->jb_armed) {
		t->jb_armed = 0;
		t->sig = sig;
		siglongjmp(t->jb, 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static int fl_fz_prepare(struct fl_case *c, char *why, size_t len)
{
	const struct fl_opts *o = c->o;
	struct fl_fz *fz = fl_xcalloc(1, sizeof(*fz));
	struct sigaction sa;
	int fd, i;

	c->priv = fz;
	fz->c = c;
	pthread_mutex_init(&fz->lock, NULL);
	if (o->ntargets > 1)
		return fl_why(why, len, "fuzz takes one --target");
	if (strncmp(o->target, "faultline:", 10))
		return fl_unsupported(why, len,
				      "fuzz runs on a faultline device (--target faultline:/dev/faultlineN), not '%s'",
				      o->target);
	snprintf(fz->dev, sizeof(fz->dev), "%s", o->target + 10);
	fd = open(fz->dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fl_sys(why, len, errno, "open", "%s", fz->dev);
		return FL_UNSUPPORTED;
	}
	fz->info.size = sizeof(fz->info);
	fz->inject0.size = sizeof(fz->inject0);
	if (ioctl(fd, FL_IOC_GET_INFO, &fz->info) ||
	    ioctl(fd, FL_IOC_GET_INJECT, &fz->inject0)) {
		fl_sys(why, len, errno, "ioctl", "%s, FL_IOC_GET_INFO/GET_INJECT",
		       fz->dev);
		close(fd);
		return -1;
	}
	close(fd);
	if (fl_klog_open(&fz->klog, o->expect_warn, why, len))
		return -1;
	if (fz->klog.fd < 0)
		fl_warn("fuzz: the kernel log is not checked: %s", fz->klog.why);
	fz->thr = fl_xcalloc((size_t)c->nthreads, sizeof(*fz->thr));
	for (i = 0; i < c->nthreads; i++) {
		struct fl_fz_thr *t = fl_xaligned(FL_CACHELINE, sizeof(*t));

		memset(t, 0, sizeof(*t));
		t->fz = fz;
		t->tid = i;
		t->fd = t->fd_ro = t->fd_wo = t->fd_dm = t->kick_fd = -1;
		t->count = fl_xcalloc(FL_FZ_NENT, sizeof(*t->count));
		t->target = o->calls / (uint64_t)c->nthreads +
			    ((uint64_t)i < o->calls % (uint64_t)c->nthreads);
		fl_srand_seed(t->s, o->seed * 0x9e3779b97f4a7c15ULL + (uint64_t)i);
		fz->thr[i] = t;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fl_fz_on_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &fz->old_bus);
	sigaction(SIGSEGV, &sa, &fz->old_segv);
	c->progress_total = o->calls;
	printf("flbench: fuzz: seed %llu, %llu calls from %d threads on %s (%s)\n",
	       (unsigned long long)o->seed, (unsigned long long)o->calls,
	       c->nthreads, fz->dev, fz->info.name);
	return 0;
}

static int fl_fz_thread_init(struct fl_thread *th)
{
	struct fl_fz *fz = th->c->priv;
	struct fl_fz_thr *t = fz->thr[th->id];

	th->priv = t;
	fl_fz_self = t;
	return fl_fz_thread_setup(fz, t, th->why, sizeof(th->why));
}

static int fl_fz_work(struct fl_thread *th)
{
	struct fl_fz_thr *t = th->priv;
	struct fl_fz *fz = t->fz;
	uint64_t t0;

	fl_fz_self = t;

	while (t->calls < t->target && !fl_should_stop(th->c) &&
	       !atomic_load(&fz->hung)) {
		t0 = fl_mono_ns();
		atomic_store(&t->call_t0, t0);
		fl_fz_one(fz, t);
		atomic_store(&t->call_t0, 0);
		t->ns[t->cur.ent][t->cur.cls] += fl_mono_ns() - t0;
		if (!(t->calls & 1023))
			atomic_store_explicit(&th->progress, t->calls,
					      memory_order_relaxed);
	}
	atomic_store_explicit(&th->progress, t->calls, memory_order_relaxed);
	return 0;
}

/* The watchdog: a call still running after --op-timeout is a hang. */
static int fl_fz_control(struct fl_case *c, char *why, size_t len)
{
	struct fl_fz *fz = c->priv;
	uint64_t limit = c->o->op_timeout_ns, now, t0, end;
	char el[32];
	int i;

	(void)why;
	(void)len;
	while (atomic_load(&c->done) < c->nthreads) {
		fl_sleep_until_mono(fl_mono_ns() + 100000000ULL);
		now = fl_mono_ns();
		for (i = 0; i < c->nthreads; i++) {
			struct fl_fz_thr *t = fz->thr[i];

			t0 = atomic_load(&t->call_t0);
			if (!t0 || now <= t0 || now - t0 <= limit)
				continue;
			fl_fmt_ns((double)(now - t0), el, sizeof(el));
			fprintf(stderr, "flbench: fuzz: watchdog: thread %d: %s, %s: %s still running after %s (seed %llu)\n",
				i, fl_fz_ent_name(t->cur.ent),
				fl_fz_cls_name(t->cur.ent, t->cur.cls),
				t->cur.args, el,
				(unsigned long long)c->o->seed);
			atomic_store(&fz->hung, 1);
			atomic_store(&c->stop, 1);
			end = fl_mono_ns() + limit;
			while (atomic_load(&t->call_t0) && fl_mono_ns() < end)
				usleep(100000);
			if (atomic_load(&t->call_t0)) {
				fprintf(stderr, "flbench: fuzz: watchdog: the call did not return within another --op-timeout; exiting (no result.json)\n");
				fflush(stderr);
				_exit(1);
			}
			pthread_mutex_lock(&fz->lock);
			snprintf(fz->first_fail, sizeof(fz->first_fail),
				 "watchdog: thread %d: %s ran for more than --op-timeout",
				 i, t->cur.args);
			fz->unexpected++;
			pthread_mutex_unlock(&fz->lock);
			return 0;
		}
	}
	return 0;
}

/* Sum of every thread's counts of one entry point and class. */
static uint64_t fl_fz_sum(struct fl_fz *fz, int ent, int cls,
			  uint64_t out[FL_FZ_NOUT], uint64_t *tried)
{
	uint64_t ns = 0;
	int i, k;

	memset(out, 0, sizeof(uint64_t) * FL_FZ_NOUT);
	*tried = 0;
	for (i = 0; i < fz->c->nthreads; i++) {
		ns += fz->thr[i]->ns[ent][cls];
		for (k = 0; k < FL_FZ_NOUT; k++) {
			out[k] += fz->thr[i]->count[ent][cls][k];
			*tried += fz->thr[i]->count[ent][cls][k];
		}
	}
	return ns;
}

/* Calls and time per entry point, over the threads. */
static void fl_fz_ent_total(struct fl_fz *fz, int ent, uint64_t *calls,
			    uint64_t *ns)
{
	uint64_t out[FL_FZ_NOUT], tried;
	int cls;

	*calls = *ns = 0;
	for (cls = 0; cls < fl_fz_ncls(ent); cls++) {
		*ns += fl_fz_sum(fz, ent, cls, out, &tried);
		*calls += tried;
	}
}

static void fl_fz_table(struct fl_fz *fz, FILE *f)
{
	uint64_t out[FL_FZ_NOUT], tried, ns;
	char name[32];
	int ent, cls, k;

	fprintf(f, "%-24s %-44s %9s %8s  results\n", "entry point",
		"argument class", "calls", "us/call");
	for (ent = 0; ent < FL_FZ_NENT; ent++) {
		for (cls = 0; cls < fl_fz_ncls(ent); cls++) {
			ns = fl_fz_sum(fz, ent, cls, out, &tried);
			if (!tried)
				continue;
			fprintf(f, "%-24s %-44s %9llu %8.1f ", fl_fz_ent_name(ent),
				fl_fz_cls_name(ent, cls),
				(unsigned long long)tried,
				(double)ns / 1e3 / (double)tried);
			for (k = 0; k < FL_FZ_NOUT; k++)
				if (out[k])
					fprintf(f, " %s=%llu",
						fl_fz_out_name(k, name, sizeof(name)),
						(unsigned long long)out[k]);
			fprintf(f, "\n");
		}
	}
	fprintf(f, "\n%-24s %9s %12s\n", "entry point", "calls", "us per call");
	for (ent = 0; ent < FL_FZ_NENT; ent++) {
		uint64_t calls, ens;

		fl_fz_ent_total(fz, ent, &calls, &ens);
		if (calls)
			fprintf(f, "%-24s %9llu %12.1f\n", fl_fz_ent_name(ent),
				(unsigned long long)calls,
				(double)ens / 1e3 / (double)calls);
	}
}

/* Put the device back: restored, the injection as it was. */
static void fl_fz_putback(struct fl_fz *fz)
{
	struct fl_revoke r = { .size = sizeof(r) };
	int fd = open(fz->dev, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fl_warn("fuzz: open(%s) to put the device back: %s", fz->dev,
			fl_errno_name(errno));
		return;
	}
	if (ioctl(fd, FL_IOC_RESTORE, &r))
		fl_warn("fuzz: FL_IOC_RESTORE at the end: %s", fl_errno_name(errno));
	fz->inject0.size = sizeof(fz->inject0);
	if (ioctl(fd, FL_IOC_SET_INJECT, &fz->inject0))
		fl_warn("fuzz: FL_IOC_SET_INJECT at the end: %s",
			fl_errno_name(errno));
	close(fd);
}

static int fl_fz_rep_finish(struct fl_case *c, char *why, size_t len)
{
	struct fl_fz *fz = c->priv;
	uint64_t calls = 0, sig = 0, out[FL_FZ_NOUT], tried, wall;
	int i, cls;

	fl_fz_putback(fz);
	fl_klog_drain(&fz->klog);
	for (i = 0; i < c->nthreads; i++)
		calls += fz->thr[i]->calls;
	for (cls = 0; cls < fl_fz_ncls(FL_FZ_FAULT); cls++) {
		fl_fz_sum(fz, FL_FZ_FAULT, cls, out, &tried);
		sig += out[FL_FZ_SIGBUS];
	}
	wall = fl_case_wall_ns(c);
	fl_metric(c, "calls", "count", FL_NEITHER, (double)calls);
	fl_metric(c, "calls_per_s", "1/s", FL_HIGHER,
		  wall ? (double)calls * 1e9 / (double)wall : 0);
	fl_metric(c, "undocumented", "count", FL_LOWER, (double)fz->undocumented);
	fl_metric(c, "unexpected", "count", FL_LOWER, (double)fz->unexpected);
	fl_metric(c, "sigbus", "count", FL_NEITHER, (double)sig);
	fl_metric(c, "klog_reports", "count", FL_LOWER, (double)fz->klog.nfail);
	if (!c->o->quiet)
		fl_fz_table(fz, stdout);
	fl_klog_text(&fz->klog, stdout);
	for (i = 0; i < FL_FZ_KEEP && fl_fz_fails[i]; i++)
		fprintf(stderr, "flbench: fuzz: %s\n", fl_fz_fails[i]);
	if (fz->undocumented || fz->unexpected || fz->klog.nfail)
		return fl_why(why, len, "%llu undocumented errnos, %llu wrong results for their class, %llu kernel-log reports (seed %llu)%s%s",
			      (unsigned long long)fz->undocumented,
			      (unsigned long long)fz->unexpected,
			      (unsigned long long)fz->klog.nfail,
			      (unsigned long long)c->o->seed,
			      fz->first_fail[0] ? "; first: " : "",
			      fz->first_fail);
	if (calls < c->o->calls && !fl_interrupted)
		return fl_why(why, len, "only %llu of %llu calls were made",
			      (unsigned long long)calls,
			      (unsigned long long)c->o->calls);
	return 0;
}

/* Argument classes in all, and those that were tried. */
static void fl_fz_classes(struct fl_fz *fz, int *total, int *tried_cls)
{
	uint64_t out[FL_FZ_NOUT], tried;
	int ent, cls;

	*total = *tried_cls = 0;
	for (ent = 0; ent < FL_FZ_NENT; ent++)
		for (cls = 0; cls < fl_fz_ncls(ent); cls++) {
			(*total)++;
			fl_fz_sum(fz, ent, cls, out, &tried);
			*tried_cls += tried > 0;
		}
}

static void fl_fz_json(struct fl_case *c, struct fl_json *j)
{
	struct fl_fz *fz = c->priv;
	uint64_t out[FL_FZ_NOUT], tried, calls = 0, ns;
	char name[32];
	int ent, cls, k, i, total, tried_cls;

	fl_json_u64(j, "seed", c->o->seed);
	if (!fz || !fz->thr)
		return;
	for (i = 0; i < c->nthreads; i++)
		calls += fz->thr[i]->calls;
	fl_json_u64(j, "calls", calls);
	fl_json_u64(j, "undocumented", fz->undocumented);
	fl_json_u64(j, "unexpected", fz->unexpected);
	fl_json_str(j, "first_failure", fz->first_fail[0] ? fz->first_fail : NULL);
	fl_json_arr_begin(j, "failures");
	for (i = 0; i < FL_FZ_KEEP && fl_fz_fails[i]; i++)
		fl_json_str(j, NULL, fl_fz_fails[i]);
	fl_json_arr_end(j);
	fl_fz_classes(fz, &total, &tried_cls);
	fl_json_i64(j, "classes", total);
	fl_json_i64(j, "classes_tried", tried_cls);
	fl_json_arr_begin(j, "table");
	for (ent = 0; ent < FL_FZ_NENT; ent++) {
		for (cls = 0; cls < fl_fz_ncls(ent); cls++) {
			ns = fl_fz_sum(fz, ent, cls, out, &tried);
			if (!tried)
				continue;
			fl_json_obj_begin(j, NULL);
			fl_json_str(j, "entry", fl_fz_ent_name(ent));
			fl_json_str(j, "errnos_of", fl_fz_ent_doc(ent));
			fl_json_str(j, "class", fl_fz_cls_name(ent, cls));
			fl_json_u64(j, "calls", tried);
			fl_json_u64(j, "ns", ns);
			fl_json_obj_begin(j, "results");
			for (k = 0; k < FL_FZ_NOUT; k++)
				if (out[k])
					fl_json_u64(j, fl_fz_out_name(k, name, sizeof(name)),
						    out[k]);
			fl_json_obj_end(j);
			fl_json_obj_end(j);
		}
	}
	fl_json_arr_end(j);
	fl_json_arr_begin(j, "entries");
	for (ent = 0; ent < FL_FZ_NENT; ent++) {
		uint64_t n, ens;

		fl_fz_ent_total(fz, ent, &n, &ens);
		if (!n)
			continue;
		fl_json_obj_begin(j, NULL);
		fl_json_str(j, "entry", fl_fz_ent_name(ent));
		fl_json_u64(j, "calls", n);
		fl_json_u64(j, "ns", ens);
		fl_json_obj_end(j);
	}
	fl_json_arr_end(j);
	fl_json_bool(j, "remap_fault_used", atomic_load(&fz->remap_fault));
	fl_klog_json(&fz->klog, j);
}

static void fl_fz_thread_fini(struct fl_thread *th)
{
	struct fl_fz_thr *t = th->priv;

	if (t)
		fl_fz_thread_teardown(t);
	fl_fz_self = NULL;
}

static void fl_fz_cleanup(struct fl_case *c)
{
	struct fl_fz *fz = c->priv;
	int i;

	if (!fz)
		return;
	sigaction(SIGBUS, &fz->old_bus, NULL);
	sigaction(SIGSEGV, &fz->old_segv, NULL);
	fl_klog_close(&fz->klog);
	for (i = 0; fz->thr && i < c->nthreads; i++) {
		free(fz->thr[i]->count);
		free(fz->thr[i]);
	}
	free(fz->thr);
	for (i = 0; i < FL_FZ_KEEP; i++) {
		free(fl_fz_fails[i]);
		fl_fz_fails[i] = NULL;
	}
	free(fz);
	c->priv = NULL;
}

const struct fl_scenario fl_scen_fuzz = {
	.id = FL_SCEN_FUZZ,
	.name = "fuzz",
	.summary = "random and edge-case calls at every entry point; every errno checked against CONFIG.md",
	.headline = { "calls_per_s", "undocumented" },
	.prepare = fl_fz_prepare,
	.thread_init = fl_fz_thread_init,
	.work = fl_fz_work,
	.control = fl_fz_control,
	.rep_finish = fl_fz_rep_finish,
	.thread_fini = fl_fz_thread_fini,
	.cleanup = fl_fz_cleanup,
	.json = fl_fz_json,
};
