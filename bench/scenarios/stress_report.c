// SPDX-License-Identifier: GPL-2.0
/*
 * stress_report.c - the operation traces of flbench stress (a ring of
 * the last --trace operations of every thread, with arguments, result
 * and errno) and the failure report built from them: the seed and the
 * command that replays the run, the failure, each thread's trace tail,
 * and the kernel log lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stress.h"
#include "units.h"

struct fl_strace *fl_strace_begin(struct fl_sthr *me,
				  const struct fl_sop_args *op, uint64_t now)
{
	struct fl_strace *e = &me->trace[me->tpos % (uint64_t)me->ntrace];

	memset(e, 0, sizeof(*e));
	e->n = me->sched.n ? me->sched.n - 1 : 0;
	e->t_ns = now;
	e->op = *op;
	me->tpos++;
	me->cur = e;
	return e;
}

void fl_strace_end(struct fl_sthr *me, uint64_t now)
{
	if (me->cur) {
		me->cur->dur_ns = now - me->cur->t_ns;
		me->cur = NULL;
	}
}

void fl_strace_note(struct fl_sthr *me, const char *fmt, ...)
{
	struct fl_strace *e = me->cur;
	size_t n;
	va_list ap;

	if (!e)
		return;
	n = strlen(e->note);
	if (n && n + 2 < sizeof(e->note)) {
		strcpy(e->note + n, "; ");
		n += 2;
	}
	if (n + 1 >= sizeof(e->note))
		return;
	va_start(ap, fmt);
	vsnprintf(e->note + n, sizeof(e->note) - n, fmt, ap);
	va_end(ap);
}

static void fl_strace_line(const struct fl_stress *st,
			   const struct fl_strace *e, bool running,
			   char *buf, size_t len)
{
	char op[256], dur[32];

	fl_sop_format(&e->op, op, sizeof(op));
	if (running)
		snprintf(dur, sizeof(dur), "RUNNING");
	else
		fl_fmt_ns((double)e->dur_ns, dur, sizeof(dur));
	snprintf(buf, len, "#%-7llu +%9.3fs %-8s %s -> %s%s%s%s",
		 (unsigned long long)e->n,
		 (double)(e->t_ns - st->t0) / 1e9, dur, op,
		 e->failed ? "FAILED" : e->skipped ? "skipped" :
		 e->err ? fl_errno_name(e->err) : "ok",
		 e->note[0] ? " (" : "", e->note, e->note[0] ? ")" : "");
}

/* Entries of @me's ring, oldest first: calls @fn for each. */
static void fl_strace_walk(const struct fl_sthr *me,
			   void (*fn)(const struct fl_strace *e, bool running,
				      void *arg), void *arg)
{
	uint64_t n = FL_MIN(me->tpos, (uint64_t)me->ntrace), i;

	for (i = me->tpos - n; i < me->tpos; i++) {
		const struct fl_strace *e = &me->trace[i % (uint64_t)me->ntrace];

		fn(e, e == me->cur, arg);
	}
}

struct fl_strace_text {
	const struct fl_stress *st;
	FILE *f;
};

static void fl_strace_text_one(const struct fl_strace *e, bool running,
			       void *arg)
{
	struct fl_strace_text *x = arg;
	char line[512];

	fl_strace_line(x->st, e, running, line, sizeof(line));
	fprintf(x->f, "    %s\n", line);
}

static void fl_sreport_cmdline(const struct fl_stress *st, FILE *f)
{
	const struct fl_opts *o = st->c->o;
	int i;

	fprintf(f, "replay: flbench stress");
	for (i = 0; i < o->ntargets; i++)
		fprintf(f, " --target %s", o->targets[i]);
	fprintf(f, " --seed %llu --threads %d", (unsigned long long)o->seed,
		o->threads);
	if (o->strategy[0])
		fprintf(f, " --strategy %s", o->strategy);
	if (o->max_order >= 0)
		fprintf(f, " --max-order %d", o->max_order);
	if (o->window)
		fprintf(f, " --window %d", o->window);
	if (o->cache[0])
		fprintf(f, " --cache %s", o->cache);
	if (o->ops)
		fprintf(f, " --ops %llu", (unsigned long long)o->ops);
	else
		fprintf(f, " --duration %llums",
			(unsigned long long)(o->duration_ns / 1000000));
	if (o->size)
		fprintf(f, " --size %llu", (unsigned long long)o->size);
	fprintf(f, " --unbind %s --ring %s\n",
		st->unbind_available ? "yes" : "no",
		st->ring_available ? "yes" : "no");
}

char *fl_sreport(struct fl_stress *st)
{
	struct fl_strace_text x = { .st = st };
	char *buf = NULL;
	size_t n = 0;
	int i;

	x.f = open_memstream(&buf, &n);
	if (!x.f)
		return fl_xstrdup("flbench stress: no memory for the report\n");
	fprintf(x.f, "==== flbench stress: FAILED ====\n");
	fprintf(x.f, "seed: %llu\n", (unsigned long long)st->c->o->seed);
	fl_sreport_cmdline(st, x.f);
	fprintf(x.f, "failure: %s\n", st->fail_why);
	fprintf(x.f, "devices:");
	for (i = 0; i < st->ndev; i++)
		fprintf(x.f, " %s (%s, %s, incarnation %d)", st->dev[i].path,
			st->dev[i].label, st->dev[i].pci ? "pci" : "not pci",
			atomic_load(&st->sh[i].inc));
	fprintf(x.f, "\n");
	for (i = 0; i <= st->c->nthreads; i++) {
		struct fl_sthr *me = st->thr[i];

		if (i < st->c->nthreads)
			fprintf(x.f, "thread %d: %llu operations, the last %llu:\n",
				i, (unsigned long long)me->sched.n,
				(unsigned long long)FL_MIN(me->tpos,
							   (uint64_t)me->ntrace));
		else
			fprintf(x.f, "controller: %llu checkpoints, the last operations:\n",
				(unsigned long long)st->checkpoints);
		fl_strace_walk(me, fl_strace_text_one, &x);
	}
	fl_klog_drain(&st->klog);
	fl_klog_text(&st->klog, x.f);
	fprintf(x.f, "==== end of report ====\n");
	fclose(x.f);
	return buf;
}

struct fl_strace_json {
	const struct fl_stress *st;
	struct fl_json *j;
};

static void fl_strace_json_one(const struct fl_strace *e, bool running,
			       void *arg)
{
	struct fl_strace_json *x = arg;
	char op[256];

	fl_sop_format(&e->op, op, sizeof(op));
	fl_json_obj_begin(x->j, NULL);
	fl_json_u64(x->j, "n", e->n);
	fl_json_dbl(x->j, "t_s", (double)(e->t_ns - x->st->t0) / 1e9);
	if (running)
		fl_json_null(x->j, "dur_ns");
	else
		fl_json_u64(x->j, "dur_ns", e->dur_ns);
	fl_json_str(x->j, "kind", fl_sop_name(e->op.kind));
	fl_json_str(x->j, "op", op);
	fl_json_str(x->j, "result", e->failed ? "failed" :
		    e->skipped ? "skipped" : "ok");
	fl_json_str(x->j, "errno", e->err ? fl_errno_name(e->err) : NULL);
	fl_json_str(x->j, "note", e->note);
	fl_json_obj_end(x->j);
}

void fl_sreport_json(struct fl_stress *st, struct fl_json *j)
{
	struct fl_strace_json x = { .st = st, .j = j };
	int i;

	fl_json_arr_begin(j, "traces");
	for (i = 0; i <= st->c->nthreads; i++) {
		fl_json_obj_begin(j, NULL);
		if (i < st->c->nthreads)
			fl_json_i64(j, "thread", i);
		else
			fl_json_str(j, "thread", "controller");
		fl_json_arr_begin(j, "ops");
		fl_strace_walk(st->thr[i], fl_strace_json_one, &x);
		fl_json_arr_end(j);
		fl_json_obj_end(j);
	}
	fl_json_arr_end(j);
}
