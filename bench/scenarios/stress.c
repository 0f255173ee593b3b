// SPDX-License-Identifier: GPL-2.0
/*
 * stress.c - flbench stress: T threads run a seeded random schedule of
 * operations (stress_sched.c) over one or more faultline devices for
 * --duration (or --ops each), every result checked (stress_ops.c,
 * stress_check.c); the controller quiesces the threads every
 * --check-every to compare the driver's counters with what was done and
 * to read the kernel log; a watchdog fails an operation that hangs.  The
 * first failure stops the run; the report (seed, operation traces,
 * kernel log) goes to stderr and result.json, and flbench exits 1.
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

#include "stress.h"
#include "units.h"

_Thread_local struct fl_sthr *fl_sself;

void fl_stress_fail(struct fl_stress *st, struct fl_sthr *me,
		    const char *fmt, ...)
{
	char msg[FL_WHY_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (me && me->cur) {
		me->cur->failed = true;
		fl_strace_note(me, "%s", msg);
	}
	pthread_mutex_lock(&st->fail_lock);
	if (!atomic_load(&st->failed)) {
		if (me && me->tid >= 0)
			snprintf(st->fail_why, sizeof(st->fail_why),
				 "thread %d, operation #%llu: %s", me->tid,
				 (unsigned long long)(me->cur ? me->cur->n : 0),
				 msg);
		else
			snprintf(st->fail_why, sizeof(st->fail_why),
				 "controller: %s", msg);
		atomic_store(&st->failed, 1);
	}
	pthread_mutex_unlock(&st->fail_lock);
	atomic_store(&st->c->stop, 1);
	pthread_cond_broadcast(&st->cond);
}

/* ----------------------------------------------------------------- setup */

static unsigned int fl_slabel_tag(const char *label)
{
	uint32_t h = 2166136261u;

	for (; *label; label++)
		h = (h ^ (unsigned char)*label) * 16777619u;
	return (h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24)) & 0xff;
}

static int fl_sdev_setup(struct fl_stress *st, int d, const char *spec,
			 char *why, size_t len)
{
	struct fl_sdev *dv = &st->dev[d];
	const struct fl_opts *o = st->c->o;
	int i, fd;

	if (strncmp(spec, "faultline:", 10))
		return fl_unsupported(why, len,
				      "stress runs on faultline devices only (--target faultline:/dev/faultlineN), not '%s'",
				      spec);
	snprintf(dv->spec, sizeof(dv->spec), "%s", spec);
	snprintf(dv->path, sizeof(dv->path), "%s", spec + 10);
	pthread_rwlock_init(&dv->open_lock, NULL);
	dv->sh_fd = -1;
	fd = open(dv->path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fl_sys(why, len, errno, "open", "%s", dv->path);
		return FL_UNSUPPORTED;
	}
	dv->ctl_fd = fd;
	dv->info.size = sizeof(dv->info);
	if (ioctl(fd, FL_IOC_GET_INFO, &dv->info))
		return fl_sys(why, len, errno, "ioctl", "%s, FL_IOC_GET_INFO",
			      dv->path);
	if (dv->info.api_version != FL_API_VERSION)
		return fl_why(why, len, "%s speaks faultline API %u, flbench was built for %u",
			      dv->path, dv->info.api_version, FL_API_VERSION);
	snprintf(dv->label, sizeof(dv->label), "%.*s",
		 (int)sizeof(dv->info.name), dv->info.name);
	dv->pci = dv->info.backing == FL_BACKING_PCI;
	if (dv->pci) {
		fl_chardev_bdf(dv->path, dv->bdf, sizeof(dv->bdf));
		if (!dv->bdf[0])
			snprintf(dv->bdf, sizeof(dv->bdf), "%.*s",
				 (int)strcspn(dv->label, "/"), dv->label);
	}
	for (i = 0; i < d; i++)
		if (!strcmp(st->dev[i].label, dv->label))
			return fl_why(why, len, "%s and %s are the same device (%s)",
				      st->dev[i].path, dv->path, dv->label);
	/* Tags tell devices apart in the data pattern: make them unique. */
	dv->tag = fl_slabel_tag(dv->label);
	for (i = 0; i < d; i++)
		if (st->dev[i].tag == dv->tag) {
			dv->tag = (dv->tag + 1) & 0xff;
			i = -1;
		}
	dv->span = o->size ? FL_MIN(o->size, dv->info.bar_size) :
			     dv->info.bar_size;
	if (dv->span >= 2 * FL_MIB)
		dv->span = fl_align_down(dv->span, 2 * FL_MIB);
	if (dv->span / FL_PAGE_SIZE < (uint64_t)o->threads)
		return fl_why(why, len, "%s: %llu bytes give fewer pages than --threads",
			      dv->path, (unsigned long long)dv->span);
	return 0;
}

static int fl_stress_decide(struct fl_stress *st, char *why, size_t len)
{
	const struct fl_opts *o = st->c->o;
	bool any_pci = false;
	int d;

	for (d = 0; d < st->ndev; d++)
		any_pci |= st->dev[d].pci;
	if (!any_pci)
		snprintf(st->unbind_why, sizeof(st->unbind_why),
			 "no PCI-backed device among the targets");
	else if (geteuid())
		snprintf(st->unbind_why, sizeof(st->unbind_why),
			 "unbinding needs root");
	else if (o->unbind < 0 && !fl_may_rebind(o))
		snprintf(st->unbind_why, sizeof(st->unbind_why),
			 "--rebind does not allow it (auto: root in the lab)");
	else if (access("/sys/bus/pci/drivers/faultline/unbind", W_OK))
		snprintf(st->unbind_why, sizeof(st->unbind_why),
			 "/sys/bus/pci/drivers/faultline/unbind is not writable");
	st->unbind_available = o->unbind && !st->unbind_why[0];
	if (!o->unbind)
		snprintf(st->unbind_why, sizeof(st->unbind_why), "--unbind no");
	if (o->unbind > 0 && !st->unbind_available)
		return fl_unsupported(why, len, "--unbind yes: %s",
				      st->unbind_why);

	if (!o->ring)
		snprintf(st->ring_why, sizeof(st->ring_why), "--ring no");
	else
		fl_sring_probe(st, st->ring_why, sizeof(st->ring_why));
	st->ring_available = o->ring && !st->ring_why[0];
	if (o->ring > 0 && !st->ring_available)
		return fl_unsupported(why, len, "--ring yes: %s", st->ring_why);
	return 0;
}

static void fl_stress_sched_cfg(struct fl_stress *st)
{
	const struct fl_opts *o = st->c->o;
	struct fl_sched_cfg *cfg = &st->cfg;
	int d;

	fl_sched_defaults(cfg);
	cfg->seed = o->seed;
	cfg->nthreads = o->threads;
	cfg->ndev = st->ndev;
	for (d = 0; d < st->ndev; d++) {
		cfg->span[d] = st->dev[d].span;
		cfg->pci[d] = st->dev[d].pci;
		cfg->ram[d] = st->dev[d].info.backing == FL_BACKING_RAM;
	}
	cfg->features = st->dev[0].info.features;
	if (o->strategy[0])
		cfg->strategies = 1U << fl_strategy_parse(o->strategy);
	cfg->max_order = o->max_order;
	cfg->window = o->window;
	cfg->cache = o->cache[0] ? fl_cache_parse(o->cache) : -1;
	cfg->unbind = st->unbind_available;
	cfg->ring = st->ring_available;
	for (d = 0; d < st->ndev; d++)
		fl_sched_layout(cfg, d, &st->dev[d].lay);
}

static struct fl_sthr *fl_sthr_new(struct fl_stress *st, int tid)
{
	struct fl_sthr *me = fl_xaligned(FL_CACHELINE, sizeof(*me));
	int i;

	memset(me, 0, sizeof(*me));
	me->st = st;
	me->tid = tid;
	me->ntrace = st->c->o->trace;
	me->trace = fl_xcalloc((size_t)me->ntrace, sizeof(*me->trace));
	for (i = 0; i < FL_SSLOTS; i++)
		me->slot[i].fd = -1;
	/* The controller draws the shared mappings' strategies. */
	fl_sched_init(&me->sched, &st->cfg, tid < 0 ? 0x7fff : tid);
	return me;
}

static int fl_stress_prepare(struct fl_case *c, char *why, size_t len)
{
	const struct fl_opts *o = c->o;
	struct fl_stress *st = fl_xcalloc(1, sizeof(*st));
	char b[48];
	int d, ret, n = o->ntargets ? o->ntargets : 1;

	c->priv = st;
	st->c = c;
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->cond, NULL);
	pthread_mutex_init(&st->unbind_lock, NULL);
	pthread_mutex_init(&st->fail_lock, NULL);
	for (d = 0; d < FL_SDEV_MAX; d++)
		st->dev[d].ctl_fd = st->dev[d].sh_fd = -1;
	for (d = 0; d < n; d++) {
		ret = fl_sdev_setup(st, d, o->ntargets ? o->targets[d] : o->target,
				    why, len);
		st->ndev = d + 1;
		if (ret)
			return ret;
	}
	st->sh = mmap(NULL, sizeof(*st->sh) * (size_t)st->ndev,
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st->sh == MAP_FAILED) {
		st->sh = NULL;
		return fl_sys(why, len, errno, "mmap", "shared device state");
	}
	for (d = 0; d < st->ndev; d++) {
		atomic_store(&st->sh[d].dead_inc, -1);
		atomic_store(&st->sh[d].dying_inc, -1);
	}
	ret = fl_stress_decide(st, why, len);
	if (ret)
		return ret;
	fl_stress_sched_cfg(st);
	if (fl_klog_open(&st->klog, o->expect_warn, why, len))
		return -1;
	if (st->klog.fd < 0)
		fl_warn("stress: the kernel log is not checked: %s", st->klog.why);

	st->thr = fl_xcalloc((size_t)c->nthreads + 1, sizeof(*st->thr));
	for (d = 0; d < c->nthreads; d++)
		st->thr[d] = fl_sthr_new(st, d);
	st->thr[c->nthreads] = fl_sthr_new(st, -1);
	st->running = c->nthreads;
	st->t0 = fl_mono_ns();

	/* Counters from here on are the run's; then the shared mappings. */
	for (d = 0; d < st->ndev; d++) {
		struct fl_counters cn;

		memset(&cn, 0, sizeof(cn));
		cn.size = sizeof(cn);
		if (ioctl(st->dev[d].ctl_fd, FL_IOC_GET_COUNTERS, &cn))
			return fl_sys(why, len, errno, "ioctl", "%s, FL_IOC_GET_COUNTERS",
				      st->dev[d].path);
		memcpy(st->dev[d].base, cn.val, sizeof(cn.val));
		if (fl_sshared_remake(st, d, fl_srand(st->thr[c->nthreads]->sched.s),
				      why, len))
			return -1;
	}
	fl_ssignals_install(st);
	if (fl_swatchdog_start(st, why, len))
		return -1;
	if (o->ops)
		snprintf(b, sizeof(b), "--ops %llu", (unsigned long long)o->ops);
	else
		snprintf(b, sizeof(b), "duration %.0fs",
			 (double)o->duration_ns / 1e9);
	printf("flbench: stress: seed %llu (the same --seed replays each thread's schedule), %d threads, %d device%s, %s\n",
	       (unsigned long long)o->seed, c->nthreads, st->ndev,
	       st->ndev > 1 ? "s" : "", b);
	for (d = 0; d < st->ndev; d++) {
		struct fl_sdev *dv = &st->dev[d];

		fl_fmt_size(dv->span, b, sizeof(b));
		printf("flbench: stress: %s %s (%s): %s used, lanes of %llu MiB, shared area %llu MiB at %llu MiB%s\n",
		       dv->path, dv->label, dv->pci ? "pci" :
		       dv->info.backing == FL_BACKING_RAM ? "ram" : "phys", b,
		       (unsigned long long)(dv->lay.lane >> 20),
		       (unsigned long long)(dv->lay.shared_len >> 20),
		       (unsigned long long)(dv->lay.shared_off >> 20),
		       dv->pci && st->unbind_available ? ", unbind on" : "");
	}
	if (!st->ring_available)
		printf("flbench: stress: no ring operations: %s\n", st->ring_why);
	if (!st->unbind_available)
		printf("flbench: stress: no unbind: %s\n", st->unbind_why);
	return 0;
}

static int fl_stress_thread_init(struct fl_thread *t)
{
	struct fl_stress *st = t->c->priv;
	struct fl_sthr *me = st->thr[t->id];
	uint64_t T = (uint64_t)t->c->nthreads, n;
	void *m;
	int d;

	me->t = t;
	t->priv = me;
	fl_sself = me;
	for (d = 0; d < st->ndev; d++) {
		const struct fl_slayout *l = &st->dev[d].lay;

		me->shadow[d] = fl_xcalloc(l->lane / FL_PAGE_SIZE + 1,
					   sizeof(uint32_t));
		n = l->shared_len / FL_PAGE_SIZE / T + 1;
		me->shadow_sh[d] = fl_xcalloc(n, sizeof(uint32_t));
	}
	me->scratch = fl_xcalloc(FL_STOUCH_MAX, sizeof(uint64_t));
	m = mmap(NULL, FL_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		fl_sys(t->why, sizeof(t->why), errno, "mmap",
		       "shared page for fork children");
		return -1;
	}
	me->child_page = m;
	return 0;
}

static int fl_stress_rep_setup(struct fl_case *c, char *why, size_t len)
{
	struct fl_stress *st = c->priv;

	(void)why;
	(void)len;
	st->end_ns = fl_mono_ns() + c->o->duration_ns;
	return 0;
}

/* ----------------------------------------------------------------- run */

static int fl_stress_work(struct fl_thread *t)
{
	struct fl_case *c = t->c;
	struct fl_stress *st = c->priv;
	struct fl_sthr *me = t->priv;
	struct fl_sop_args op;
	uint64_t now, end;
	int i, r;

	fl_sself = me;
	for (;;) {
		if (fl_stress_failed(st) || fl_should_stop(c))
			break;
		if (c->o->ops && me->sched.n >= c->o->ops)
			break;
		if (fl_mono_ns() >= st->end_ns)
			break;
		fl_spause_point(st);
		if (fl_stress_failed(st))
			break;
		fl_sched_next(&me->sched, &op);
		now = fl_mono_ns();
		fl_strace_begin(me, &op, now);
		atomic_store(&me->op_t0, now);
		r = fl_sop_exec(st, me, &op);
		atomic_store(&me->op_t0, 0);
		if (r == 1) {
			me->skips[op.kind]++;
			me->cur->skipped = true;
		} else if (!r) {
			me->ops[op.kind]++;
		}
		end = fl_mono_ns();
		me->max_ns[op.kind] = FL_MAX(me->max_ns[op.kind], end - now);
		fl_strace_end(me, end);
		atomic_store_explicit(&t->progress, me->sched.n,
				      memory_order_relaxed);
		if (r < 0)
			break;
	}
	for (i = 0; i < FL_SSLOTS; i++)
		fl_sslot_release(st, me, &me->slot[i]);
	pthread_mutex_lock(&st->lock);
	st->running--;
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	return 0;
}

/* The controller: checkpoints until the workers are done, then the last. */
static int fl_stress_control(struct fl_case *c, char *why, size_t len)
{
	struct fl_stress *st = c->priv;
	uint64_t next = fl_mono_ns() + c->o->check_ns;
	int running;

	(void)why;
	(void)len;
	for (;;) {
		fl_sleep_until_mono(fl_mono_ns() + 20000000ULL);
		if (fl_interrupted)
			atomic_store(&c->stop, 1);
		pthread_mutex_lock(&st->lock);
		running = st->running;
		pthread_mutex_unlock(&st->lock);
		if (!running)
			break;
		if (!fl_stress_failed(st) && !fl_interrupted &&
		    fl_mono_ns() >= next) {
			fl_scheckpoint(st, false);
			next = fl_mono_ns() + c->o->check_ns;
		}
	}
	if (!fl_stress_failed(st) && !fl_interrupted)
		fl_scheckpoint(st, true);
	return 0;
}

static int fl_stress_rep_finish(struct fl_case *c, char *why, size_t len)
{
	struct fl_stress *st = c->priv;
	uint64_t ops = 0, skips = 0, sigbus = 0, checked = 0, written = 0;
	uint64_t wall = fl_mono_ns() - st->t0, slowest = 0;
	int i, k;

	for (i = 0; i < c->nthreads; i++) {
		struct fl_sthr *me = st->thr[i];

		for (k = 0; k < FL_SOP_NR; k++) {
			ops += me->ops[k];
			skips += me->skips[k];
			sigbus += me->sigbus_ops[k];
			slowest = FL_MAX(slowest, me->max_ns[k]);
		}
		checked += me->pages_checked;
		written += me->pages_written;
	}
	fl_metric(c, "ops", "count", FL_NEITHER, (double)ops);
	fl_metric(c, "ops_per_s", "1/s", FL_HIGHER,
		  wall ? (double)ops * 1e9 / (double)wall : 0);
	fl_metric(c, "skipped_ops", "count", FL_NEITHER, (double)skips);
	fl_metric(c, "sigbus_ops", "count", FL_NEITHER, (double)sigbus);
	fl_metric(c, "pages_checked", "count", FL_NEITHER, (double)checked);
	fl_metric(c, "pages_written", "count", FL_NEITHER, (double)written);
	fl_metric(c, "checkpoints", "count", FL_NEITHER, (double)st->checkpoints);
	fl_metric(c, "slowest_op_ns", "ns", FL_NEITHER, (double)slowest);
	fl_metric(c, "failures", "count", FL_LOWER, fl_stress_failed(st));
	if (!fl_stress_failed(st))
		return 0;
	if (!st->report)
		st->report = fl_sreport(st);
	fputs(st->report, stderr);
	return fl_why(why, len, "%s (seed %llu)", st->fail_why,
		      (unsigned long long)c->o->seed);
}

/* -------------------------------------------------------------- results */

/* The workers' mappings of device @d: per strategy, and the largest. */
static void fl_stress_json_maps(struct fl_stress *st, int d, struct fl_json *j)
{
	uint64_t n[FL_STRAT_NR] = { 0 }, big = 0;
	unsigned int s;
	int i;

	for (i = 0; st->thr && i < st->c->nthreads; i++) {
		for (s = 0; s < FL_STRAT_NR; s++)
			n[s] += st->thr[i]->maps[d][s];
		big = FL_MAX(big, st->thr[i]->max_map[d]);
	}
	fl_json_obj_begin(j, "mmaps_by_strategy");
	for (s = 0; s < FL_STRAT_NR; s++)
		fl_json_u64(j, fl_strategy_name(s), n[s]);
	fl_json_obj_end(j);
	fl_json_u64(j, "largest_mapping", big);
}

static void fl_stress_json(struct fl_case *c, struct fl_json *j)
{
	struct fl_stress *st = c->priv;
	uint64_t v[FL_SOP_NR][4];
	int d, i, k;

	fl_json_u64(j, "seed", c->o->seed);
	if (!st)
		return;
	memset(v, 0, sizeof(v));
	for (i = 0; i < c->nthreads && st->thr; i++)
		for (k = 0; k < FL_SOP_NR; k++) {
			v[k][0] += st->thr[i]->ops[k];
			v[k][1] += st->thr[i]->skips[k];
			v[k][2] += st->thr[i]->sigbus_ops[k];
			v[k][3] = FL_MAX(v[k][3], st->thr[i]->max_ns[k]);
		}
	fl_json_obj_begin(j, "ops");
	for (k = 0; k < FL_SOP_NR; k++) {
		fl_json_obj_begin(j, fl_sop_name((enum fl_sop)k));
		fl_json_u64(j, "done", v[k][0]);
		fl_json_u64(j, "skipped", v[k][1]);
		fl_json_u64(j, "sigbus", v[k][2]);
		fl_json_u64(j, "max_ns", v[k][3]);
		fl_json_obj_end(j);
	}
	fl_json_obj_end(j);
	fl_json_arr_begin(j, "devices");
	for (d = 0; d < st->ndev; d++) {
		struct fl_sdev *dv = &st->dev[d];
		uint64_t s[FL_ST_NR] = { 0 };
		unsigned int sg;

		for (sg = 0; sg < FL_STRAT_NR; sg++)
			for (k = 0; k < FL_ST_NR; k++)
				s[k] += st->total.v[d][0][sg][k];
		fl_json_obj_begin(j, NULL);
		fl_json_str(j, "target", dv->spec);
		fl_json_str(j, "path", dv->path);
		fl_json_str(j, "label", dv->label);
		fl_json_str(j, "backing", dv->pci ? "pci" :
			    dv->info.backing == FL_BACKING_RAM ? "ram" : "phys");
		fl_json_u64(j, "span", dv->span);
		fl_json_u64(j, "lane", dv->lay.lane);
		fl_json_u64(j, "shared_off", dv->lay.shared_off);
		fl_json_u64(j, "shared_len", dv->lay.shared_len);
		fl_json_u64(j, "tag", dv->tag);
		fl_json_u64(j, "unbinds", dv->unbinds);
		fl_json_u64(j, "mmaps", s[FL_ST_MMAP]);
		fl_json_u64(j, "touches", s[FL_ST_TOUCH]);
		fl_json_u64(j, "sigbus", s[FL_ST_SIGBUS]);
		fl_json_u64(j, "revokes", st->total.revokes[d][0]);
		fl_stress_json_maps(st, d, j);
		fl_json_obj_end(j);
	}
	fl_json_arr_end(j);
	fl_json_u64(j, "checkpoints", st->checkpoints);
	fl_json_u64(j, "counter_checks", st->counter_checks);
	fl_json_bool(j, "unbind", st->unbind_available);
	fl_json_str(j, "unbind_off_why", st->unbind_available ? NULL : st->unbind_why);
	fl_json_bool(j, "ring", st->ring_available);
	fl_json_str(j, "ring_off_why", st->ring_available ? NULL : st->ring_why);
	fl_json_u64(j, "ring_ops", st->ring_ops);
	fl_json_bool(j, "remap_fault_used", st->remap_fault_used);
	fl_json_u64(j, "pud_mremaps", atomic_load(&st->pud_mremaps));
	fl_json_bool(j, "failed", fl_stress_failed(st));
	fl_json_str(j, "failure", fl_stress_failed(st) ? st->fail_why : NULL);
	fl_klog_json(&st->klog, j);
	if (fl_stress_failed(st) && st->thr) {
		fl_sreport_json(st, j);
		fl_json_str(j, "report", st->report);
	}
}

static void fl_stress_thread_fini(struct fl_thread *t)
{
	struct fl_sthr *me = t->priv;
	int d;

	if (!me)
		return;
	for (d = 0; d < FL_SDEV_MAX; d++) {
		free(me->shadow[d]);
		free(me->shadow_sh[d]);
		me->shadow[d] = me->shadow_sh[d] = NULL;
	}
	free(me->scratch);
	me->scratch = NULL;
	if (me->child_page)
		munmap(me->child_page, FL_PAGE_SIZE);
	me->child_page = NULL;
	fl_sself = NULL;
}

static void fl_stress_cleanup(struct fl_case *c)
{
	struct fl_stress *st = c->priv;
	int d, i;

	if (!st)
		return;
	fl_swatchdog_stop(st);
	fl_ssignals_restore(st);
	for (d = 0; d < st->ndev; d++) {
		fl_sshared_drop(st, d);
		if (st->dev[d].ctl_fd >= 0)
			close(st->dev[d].ctl_fd);
		pthread_rwlock_destroy(&st->dev[d].open_lock);
	}
	fl_klog_close(&st->klog);
	for (i = 0; st->thr && i <= c->nthreads; i++) {
		if (!st->thr[i])
			continue;
		free(st->thr[i]->trace);
		free(st->thr[i]);
	}
	free(st->thr);
	if (st->sh)
		munmap(st->sh, sizeof(*st->sh) * (size_t)st->ndev);
	free(st->report);
	free(st);
	c->priv = NULL;
}

const struct fl_scenario fl_scen_stress = {
	.id = FL_SCEN_STRESS,
	.name = "stress",
	.summary = "seeded random operations over faultline devices: data, errnos, signals, counters, kernel log and hangs checked",
	.headline = { "ops_per_s", "failures" },
	.prepare = fl_stress_prepare,
	.thread_init = fl_stress_thread_init,
	.rep_setup = fl_stress_rep_setup,
	.work = fl_stress_work,
	.control = fl_stress_control,
	.rep_finish = fl_stress_rep_finish,
	.thread_fini = fl_stress_thread_fini,
	.cleanup = fl_stress_cleanup,
	.json = fl_stress_json,
};
