// SPDX-License-Identifier: GPL-2.0
/*
 * tput.c - steady-state bandwidth over a populated mapping.
 *
 * The target is mapped and populated once (untimed); then for every
 * repetition T threads run for --duration over disjoint slices, block by
 * block (--bs from 8 B to 2 MiB), sequentially or at random block
 * offsets: read (vector loads), write (vector stores, --nt for streaming
 * stores) or copy (memcpy between the mapping and a per-thread buffer
 * placed on the thread's NUMA node with libnuma; --access says which
 * way).  Bandwidth is bytes moved by all threads over the wall time.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "kernels.h"
#include "tput.h"

struct fl_tput {
	char *map;
	uint64_t map_len;
	struct fl_kernels k;
	uint64_t populate_ns;
	enum fl_op op;
};

struct fl_tput_thread {
	char *base;
	uint64_t len;			/* slice length, multiple of bs */
	void *buf;
	size_t buflen;
	uint64_t bytes;
	uint64_t sink;
	uint64_t seed;
};

enum fl_op fl_tput_op(const struct fl_case *c)
{
	if (c->o->scenario == FL_SCEN_FIO)
		return c->o->access == FL_ACC_WRITE ? FL_OP_WRITE : FL_OP_READ;
	return c->o->op;
}

int fl_tput_prepare(struct fl_case *c, char *why, size_t len)
{
	struct fl_tput *p = fl_xcalloc(1, sizeof(*p));
	bool write;
	uint64_t i, t0;

	c->priv = p;
	p->op = fl_tput_op(c);
	if (c->size / (uint64_t)c->nthreads < c->o->bs)
		return fl_why(why, len,
			      "--bs %llu is larger than each thread's slice (%llu bytes)",
			      (unsigned long long)c->o->bs,
			      (unsigned long long)(c->size / (uint64_t)c->nthreads));
	fl_kernels_pick(&p->k);
	p->map_len = c->size;
	p->map = fl_target_map(&c->tgt, c->o->offset, p->map_len,
			       c->o->misalign, why, len);
	if (!p->map)
		return -1;
	/*
	 * Populate before measuring: ordinary memory by writing (so reads do
	 * not all hit the shared zero page), device memory as the run will
	 * access it.
	 */
	write = c->tgt.ram || p->op != FL_OP_READ;
	t0 = fl_now();
	for (i = 0; i < p->map_len; i += FL_PAGE_SIZE)
		fl_touch(p->map + i, write, i);
	p->populate_ns = fl_now() - t0;
	return 0;
}

int fl_tput_thread_init(struct fl_thread *t)
{
	struct fl_case *c = t->c;
	struct fl_tput *p = c->priv;
	struct fl_tput_thread *pt = fl_xcalloc(1, sizeof(*pt));
	uint64_t T = (uint64_t)c->nthreads, start, end;

	t->priv = pt;
	start = fl_align_down(p->map_len * (uint64_t)t->id / T, c->o->bs);
	end = fl_align_down(p->map_len * (uint64_t)(t->id + 1) / T, c->o->bs);
	pt->base = p->map + start;
	pt->len = end - start;
	pt->seed = c->o->seed * 7919 + (uint64_t)t->id + 1;
	if (p->op == FL_OP_COPY) {
		pt->buflen = fl_align_up(c->o->bs, FL_PAGE_SIZE);
		pt->buf = fl_numa_alloc(pt->buflen, c->plan.node[t->id]);
	}
	return 0;
}

int fl_tput_work(struct fl_thread *t)
{
	struct fl_case *c = t->c;
	struct fl_tput *p = c->priv;
	struct fl_tput_thread *pt = t->priv;
	const struct fl_kernels *k = &p->k;
	uint64_t bs = c->o->bs, nblocks = pt->len / bs, off = 0, n = 0;
	uint64_t check = FL_MAX(1, 65536 / bs), sink = 0;
	bool random = c->o->pattern == FL_PAT_RANDOM, nt = c->o->nt;
	bool to_map = c->o->access == FL_ACC_WRITE;
	char *blk;

	pt->bytes = 0;
	for (;;) {
		if (random)
			off = (fl_rand64(&pt->seed) % nblocks) * bs;
		blk = pt->base + off;
		switch (p->op) {
		case FL_OP_READ:
			sink ^= k->read(blk, bs);
			break;
		case FL_OP_WRITE:
			if (nt)
				k->write_nt(blk, bs, n);
			else
				k->write(blk, bs, n);
			break;
		case FL_OP_COPY:
			if (to_map && nt)
				k->copy_nt(blk, pt->buf, bs);
			else if (to_map)
				memcpy(blk, pt->buf, bs);
			else
				memcpy(pt->buf, blk, bs);
			break;
		}
		n++;
		if (!random) {
			off += bs;
			if (off >= pt->len)
				off = 0;
		}
		if (!(n % check)) {
			atomic_store_explicit(&t->progress, n * bs,
					      memory_order_relaxed);
			if (fl_should_stop(c))
				break;
		}
	}
	pt->bytes = n * bs;
	pt->sink = sink;
	return 0;
}

int fl_tput_control(struct fl_case *c, char *why, size_t len)
{
	(void)why;
	(void)len;
	fl_controller_sleep(c, c->o->duration_ns);
	atomic_store(&c->stop, 1);
	return 0;
}

int fl_tput_rep_finish(struct fl_case *c, char *why, size_t len)
{
	uint64_t bytes = 0, wall = fl_case_wall_ns(c);
	double minbw = INFINITY, bw;
	int i;

	(void)why;
	(void)len;
	for (i = 0; i < c->nthreads; i++) {
		struct fl_tput_thread *pt = c->thr[i]->priv;
		uint64_t tt = c->thr[i]->t1 - c->thr[i]->t0;

		bytes += pt->bytes;
		bw = tt ? (double)pt->bytes * 1e9 / (double)tt : NAN;
		if (bw < minbw)
			minbw = bw;
	}
	fl_metric(c, "bw_Bps", "B/s", FL_HIGHER,
		  wall ? (double)bytes * 1e9 / (double)wall : NAN);
	fl_metric(c, "ops_per_s", "1/s", FL_HIGHER,
		  wall ? (double)(bytes / c->o->bs) * 1e9 / (double)wall : NAN);
	fl_metric(c, "slowest_thread_bw_Bps", "B/s", FL_HIGHER, minbw);
	fl_metric(c, "bytes", "B", FL_NEITHER, (double)bytes);
	return 0;
}

void fl_tput_thread_fini(struct fl_thread *t)
{
	struct fl_tput_thread *pt = t->priv;

	if (!pt)
		return;
	fl_numa_free(pt->buf, pt->buflen);
	free(pt);
	t->priv = NULL;
}

void fl_tput_cleanup(struct fl_case *c)
{
	struct fl_tput *p = c->priv;
	char why[FL_WHY_LEN];

	if (!p)
		return;
	if (p->map && fl_target_unmap(&c->tgt, p->map, p->map_len, why, sizeof(why)))
		fl_warn("%s", why);
	free(p);
	c->priv = NULL;
}

void fl_tput_json(struct fl_case *c, struct fl_json *j)
{
	struct fl_tput *p = c->priv;

	if (!p)
		return;
	fl_json_str(j, "isa", p->k.isa);
	fl_json_str(j, "op", fl_op_name(p->op));
	fl_json_str(j, "copy_direction",
		    p->op == FL_OP_COPY ? (c->o->access == FL_ACC_WRITE ?
					   "buffer-to-mapping" :
					   "mapping-to-buffer") : NULL);
	fl_json_u64(j, "populate_ns", p->populate_ns);
}

const struct fl_scenario fl_scen_tput = {
	.id = FL_SCEN_TPUT,
	.name = "tput",
	.summary = "steady-state read/write/copy bandwidth over a populated mapping",
	.headline = { "bw_Bps", "ops_per_s" },
	.prepare = fl_tput_prepare,
	.thread_init = fl_tput_thread_init,
	.work = fl_tput_work,
	.control = fl_tput_control,
	.rep_finish = fl_tput_rep_finish,
	.thread_fini = fl_tput_thread_fini,
	.cleanup = fl_tput_cleanup,
	.json = fl_tput_json,
};
