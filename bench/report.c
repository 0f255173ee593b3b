// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - one case's documents: case.json (its part of result.json),
 * case.csv and percentiles.csv rows, and its line of the summary table.
 * The run assembles these (run.c), so a matrix run by one process per
 * case needs no JSON parsing to build the run's files.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "flbench.h"
#include "results.h"
#include "stats.h"
#include "units.h"

static const char *fl_better_name(enum fl_better b)
{
	return b == FL_LOWER ? "lower" : b == FL_HIGHER ? "higher" : "neither";
}

/* What is being compared: the strategy for faultline, else the target kind. */
static const char *fl_case_variant(const struct fl_case *c, const struct fl_opts *o,
				   char *buf, size_t len)
{
	if (o->scenario == FL_SCEN_VRING)
		snprintf(buf, len, "%s", fl_vring_mode_name(o->vring_mode));
	else if (c && c->tgt.ops && !strcmp(c->tgt.ops->kind, "faultline"))
		snprintf(buf, len, "%s", fl_strategy_name(c->tgt.strategy));
	else if (!strncmp(o->target, "faultline:", 10))
		snprintf(buf, len, "%s", o->strategy[0] ? o->strategy : "default");
	else if (!strncmp(o->target, "hugetlb:", 8))
		snprintf(buf, len, "%.32s", o->target);
	else
		snprintf(buf, len, "%.*s", (int)FL_MIN(strcspn(o->target, ":"), 32),
			 o->target);
	return buf;
}

static void fl_summary_json(struct fl_json *j, const char *key,
			    const struct fl_summary *s)
{
	fl_json_obj_begin(j, key);
	fl_json_u64(j, "n", s->n);
	fl_json_dbl(j, "median", s->median);
	fl_json_dbl(j, "min", s->min);
	fl_json_dbl(j, "max", s->max);
	fl_json_dbl(j, "mean", s->mean);
	fl_json_dbl(j, "stddev", s->stddev);
	fl_json_dbl(j, "ci95_lo", s->ci95_lo);
	fl_json_dbl(j, "ci95_hi", s->ci95_hi);
	fl_json_dbl(j, "median_ci_lo", s->med_ci_lo);
	fl_json_dbl(j, "median_ci_hi", s->med_ci_hi);
	fl_json_dbl(j, "median_ci_level", s->med_ci_level);
	fl_json_obj_end(j);
}

/* Only stress and fuzz cases carry these (comparisons match every param). */
static void fl_stress_params_json(struct fl_json *j, const struct fl_opts *o)
{
	int i;

	fl_json_arr_begin(j, "targets");
	for (i = 0; i < o->ntargets; i++)
		fl_json_str(j, NULL, o->targets[i]);
	fl_json_arr_end(j);
	fl_json_u64(j, "ops", o->ops);
	fl_json_u64(j, "calls", o->calls);
	fl_json_u64(j, "op_timeout_ns", o->op_timeout_ns);
	fl_json_u64(j, "check_ns", o->check_ns);
	fl_json_i64(j, "trace", o->trace);
	fl_json_i64(j, "unbind", o->unbind);
	fl_json_i64(j, "ring", o->ring);
	fl_json_str(j, "expect_warn", o->expect_warn[0] ? o->expect_warn : NULL);
}

static void fl_params_json(struct fl_json *j, const struct fl_opts *o,
			   const struct fl_case *c)
{
	char v[64];

	fl_json_obj_begin(j, "params");
	fl_json_str(j, "scenario", fl_scen_names[o->scenario]);
	fl_json_str(j, "target", o->target);
	fl_json_str(j, "variant", fl_case_variant(c, o, v, sizeof(v)));
	fl_json_str(j, "strategy", o->strategy[0] ? o->strategy : NULL);
	if (o->max_order >= 0)
		fl_json_i64(j, "max_order", o->max_order);
	else
		fl_json_null(j, "max_order");
	if (o->window)
		fl_json_i64(j, "window", o->window);
	else
		fl_json_null(j, "window");
	fl_json_str(j, "cache", o->cache[0] ? o->cache : NULL);
	fl_json_u64(j, "size", c ? c->size : o->size);
	fl_json_u64(j, "offset", o->offset);
	fl_json_i64(j, "threads", o->threads);
	fl_json_i64(j, "reps", o->reps);
	fl_json_i64(j, "warmup", o->warmup);
	fl_json_str(j, "access", fl_access_name(o->access));
	fl_json_str(j, "order", fl_order_name(o->order));
	fl_json_bool(j, "misalign", o->misalign);
	fl_json_u64(j, "touch_stride", o->touch_stride);
	fl_json_str(j, "placement", fl_placement_name(o->placement));
	fl_json_i64(j, "mem_node", o->mem_node);
	fl_json_str(j, "op", fl_op_name(o->op));
	fl_json_str(j, "pattern", fl_pattern_name(o->pattern));
	fl_json_u64(j, "bs", o->bs);
	fl_json_bool(j, "nt", o->nt);
	fl_json_u64(j, "duration_ns", o->duration_ns);
	fl_json_dbl(j, "rate_hz", o->rate);
	fl_json_u64(j, "cycles", o->cycles);
	fl_json_u64(j, "hold_ns", o->hold_ns);
	fl_json_u64(j, "chunk", o->chunk);
	fl_json_u64(j, "iters", o->iters);
	fl_json_bool(j, "fork", o->fork);
	fl_json_i64(j, "inject_delay_ns", o->inject_delay_ns);
	fl_json_i64(j, "inject_error_ppm", o->inject_error_ppm);
	fl_json_u64(j, "seed", o->seed);
	fl_json_str(j, "clock", o->clock);
	fl_json_str(j, "label", o->label[0] ? o->label : NULL);
	if (o->scenario == FL_SCEN_STRESS || o->scenario == FL_SCEN_FUZZ)
		fl_stress_params_json(j, o);
	if (o->scenario == FL_SCEN_VRING)
		fl_vring_params_json(j, o);
	fl_json_obj_end(j);
}

static void fl_faults_json(struct fl_json *j, const struct fl_case *c)
{
	int r;
	unsigned int k;
	bool drv = c->nfaults && c->faults[0].drv_ok;
	bool perf = c->nfaults && c->faults[0].perf_ok;

	fl_json_obj_begin(j, "faults");
	fl_json_str(j, "phase", c->scen && c->scen->count_setup ?
		    "driver: mmap and measured phase; rusage, perf: measured phase" :
		    "measured phase");
	fl_json_obj_begin(j, "driver");
	fl_json_bool(j, "available", drv);
	fl_json_str(j, "reason", drv ? NULL : c->drv_why[0] ? c->drv_why :
		    "no repetition completed");
	if (drv) {
		fl_json_str(j, "strategy", fl_strategy_name(c->tgt.strategy));
		fl_json_arr_begin(j, "per_rep");
		for (r = 0; r < c->nfaults; r++) {
			fl_json_obj_begin(j, NULL);
			for (k = 0; k < FL_CNT_NR; k++)
				fl_json_u64(j, fl_counter_names[k],
					    c->faults[r].drv[k]);
			fl_json_u64(j, "other_strategies", c->faults[r].drv_other);
			fl_json_obj_end(j);
		}
		fl_json_arr_end(j);
	}
	fl_json_obj_end(j);
	fl_json_obj_begin(j, "rusage");
	fl_json_bool(j, "available", c->nfaults > 0);
	fl_json_str(j, "reason", c->nfaults ? NULL : "no repetition completed");
	fl_json_str(j, "scope", "RUSAGE_THREAD of the worker threads, summed");
	fl_json_arr_begin(j, "per_rep");
	for (r = 0; r < c->nfaults; r++) {
		fl_json_obj_begin(j, NULL);
		fl_json_u64(j, "minflt", c->faults[r].minflt);
		fl_json_u64(j, "majflt", c->faults[r].majflt);
		fl_json_obj_end(j);
	}
	fl_json_arr_end(j);
	fl_json_obj_end(j);
	fl_json_obj_begin(j, "perf");
	fl_json_bool(j, "available", perf);
	fl_json_str(j, "reason", perf ? NULL : c->perf_why[0] ? c->perf_why :
		    "no repetition completed");
	fl_json_str(j, "event", "PERF_COUNT_SW_PAGE_FAULTS, user mode, per worker thread, summed");
	if (perf) {
		fl_json_arr_begin_compact(j, "per_rep");
		for (r = 0; r < c->nfaults; r++)
			fl_json_u64(j, NULL, c->faults[r].perf);
		fl_json_arr_end(j);
	}
	fl_json_obj_end(j);
	fl_json_obj_end(j);
}

static void fl_hist_json(struct fl_json *j, const char *name,
			 const struct fl_hist *h)
{
	uint64_t lo, hi;
	unsigned int i;
	size_t k;
	char key[16];

	fl_json_obj_begin(j, NULL);
	fl_json_str(j, "name", name);
	fl_json_str(j, "unit", "ns");
	fl_json_u64(j, "count", h->count);
	if (h->count) {
		fl_json_u64(j, "min", h->min);
		fl_json_u64(j, "max", h->max);
	} else {
		fl_json_null(j, "min");
		fl_json_null(j, "max");
	}
	fl_json_dbl(j, "mean", fl_hist_mean(h));
	fl_json_dbl(j, "stddev", fl_hist_stddev(h));
	fl_json_obj_begin(j, "percentiles");
	for (k = 0; k < fl_hist_fio_npcts; k++) {
		snprintf(key, sizeof(key), "%g", fl_hist_fio_pcts[k]);
		if (h->count)
			fl_json_u64(j, key, fl_hist_percentile(h,
							       fl_hist_fio_pcts[k]));
		else
			fl_json_null(j, key);
	}
	fl_json_obj_end(j);
	/* Non-empty buckets: [lowest value, highest value, count]. */
	fl_json_arr_begin(j, "bins");
	for (i = 0; i < FL_HIST_NBUCKETS; i++) {
		if (!h->bucket[i])
			continue;
		fl_hist_bucket_bounds(i, &lo, &hi);
		fl_json_arr_begin_compact(j, NULL);
		fl_json_u64(j, NULL, lo);
		fl_json_u64(j, NULL, hi);
		fl_json_u64(j, NULL, h->bucket[i]);
		fl_json_arr_end(j);
	}
	fl_json_arr_end(j);
	fl_json_obj_end(j);
}

static void fl_case_json(struct fl_case *c, struct fl_json *j, int id)
{
	struct fl_summary s;
	int i, r;

	fl_json_obj_begin(j, NULL);
	fl_json_i64(j, "id", id);
	fl_json_str(j, "name", c->name);
	fl_json_str(j, "status", c->status);
	fl_json_str(j, "reason", c->reason[0] ? c->reason : NULL);
	if (c->oracle >= 0)
		fl_json_bool(j, "oracle_match", c->oracle);
	else
		fl_json_null(j, "oracle_match");
	fl_json_str(j, "oracle_mismatch", c->oracle == 0 ? c->oracle_why : NULL);
	fl_json_dbl(j, "elapsed_s", c->elapsed_s);
	fl_params_json(j, c->o, c);
	fl_json_obj_begin(j, "target");
	if (c->tgt.ops || c->tgt.size) {
		fl_json_str(j, "kind", c->tgt.ops ? c->tgt.ops->kind : NULL);
		fl_json_str(j, "description", c->tgt.desc);
		fl_json_u64(j, "size", c->tgt.size);
		fl_json_u64(j, "map_align", c->tgt.map_align);
		fl_json_i64(j, "numa_node", c->tgt.numa_node);
		fl_json_str(j, "bdf", c->tgt.bdf[0] ? c->tgt.bdf : NULL);
	}
	fl_json_obj_end(j);
	if (c->plan.nthreads)
		fl_place_json(&c->plan, j, "placement");
	else
		fl_json_null(j, "placement");
	fl_json_obj_begin(j, "timer");
	fl_json_str(j, "source", c->clock ? c->clock->name : NULL);
	fl_json_dbl(j, "overhead_ns", c->clock ? c->clock->overhead_ns : NAN);
	fl_json_obj_end(j);

	fl_json_arr_begin(j, "metrics");
	for (i = 0; i < c->nmetrics; i++) {
		struct fl_metric *m = &c->metrics[i];

		fl_json_obj_begin(j, NULL);
		fl_json_str(j, "name", m->name);
		fl_json_str(j, "unit", m->unit);
		fl_json_str(j, "better", fl_better_name(m->better));
		fl_json_arr_begin_compact(j, "samples");
		for (r = 0; r < (int)m->n; r++)
			fl_json_dbl(j, NULL, m->samples[r]);
		fl_json_arr_end(j);
		fl_summarize(m->samples, m->n, &s);
		fl_summary_json(j, "summary", &s);
		fl_json_obj_end(j);
	}
	fl_json_arr_end(j);
	fl_json_arr_begin(j, "histograms");
	for (i = 0; i < c->nhists; i++)
		fl_hist_json(j, c->scen->hists[i], c->hist[i]);
	fl_json_arr_end(j);
	fl_faults_json(j, c);
	if (c->scen_json)
		fl_json_raw(j, "scenario", c->scen_json);
	else
		fl_json_raw(j, "scenario", "{}");
	if (c->tgt_json)
		fl_json_raw(j, "target_details", c->tgt_json);
	else
		fl_json_raw(j, "target_details", "{}");
	fl_json_obj_end(j);
}

const char *const fl_csv_cols[] = {
	"case_id", "case", "scenario", "target", "variant", "size", "threads",
	"access", "order", "op", "pattern", "bs", "nt", "placement",
	"misalign", "status", "metric", "unit", "better", "n", "median", "min",
	"max", "mean", "stddev", "ci95_lo", "ci95_hi", "median_ci_lo",
	"median_ci_hi", "median_ci_level", NULL,
};

const char *const fl_pct_cols[] = {
	"case_id", "case", "variant", "histogram", "percentile", "value_ns",
	"count", NULL,
};

static void fl_csv_case_cols(struct fl_csv *w, const struct fl_case *c,
			     const struct fl_opts *o, int id, const char *status)
{
	char v[64];

	fl_csv_u64(w, (uint64_t)id);
	fl_csv_str(w, c ? c->name : "");
	fl_csv_str(w, fl_scen_names[o->scenario]);
	fl_csv_str(w, o->target);
	fl_csv_str(w, fl_case_variant(c, o, v, sizeof(v)));
	fl_csv_u64(w, c && c->size ? c->size : o->size);
	fl_csv_u64(w, (uint64_t)o->threads);
	fl_csv_str(w, fl_access_name(o->access));
	fl_csv_str(w, fl_order_name(o->order));
	fl_csv_str(w, fl_op_name(o->op));
	fl_csv_str(w, fl_pattern_name(o->pattern));
	fl_csv_u64(w, o->bs);
	fl_csv_u64(w, o->nt);
	fl_csv_str(w, fl_placement_name(o->placement));
	fl_csv_u64(w, o->misalign);
	fl_csv_str(w, status);
}

static void fl_csv_row(struct fl_csv *w, const struct fl_case *c, int id,
		       const char *metric, const char *unit, const char *better,
		       const double *x, size_t n)
{
	struct fl_summary s;

	fl_summarize(x, n, &s);
	fl_csv_case_cols(w, c, c->o, id, c->status);
	fl_csv_str(w, metric);
	fl_csv_str(w, unit);
	fl_csv_str(w, better);
	fl_csv_u64(w, s.n);
	fl_csv_dbl(w, s.median);
	fl_csv_dbl(w, s.min);
	fl_csv_dbl(w, s.max);
	fl_csv_dbl(w, s.mean);
	fl_csv_dbl(w, s.stddev);
	fl_csv_dbl(w, s.ci95_lo);
	fl_csv_dbl(w, s.ci95_hi);
	fl_csv_dbl(w, s.med_ci_lo);
	fl_csv_dbl(w, s.med_ci_hi);
	fl_csv_dbl(w, s.med_ci_level);
	fl_csv_end_row(w);
}

static void fl_case_csv(struct fl_case *c, FILE *f, int id)
{
	double x[4096];
	struct fl_csv w;
	char name[64];
	int i, r, n = FL_MIN(c->nfaults, 4096);
	unsigned int k;

	fl_csv_init(&w, f);
	for (i = 0; i < c->nmetrics; i++)
		fl_csv_row(&w, c, id, c->metrics[i].name, c->metrics[i].unit,
			   fl_better_name(c->metrics[i].better),
			   c->metrics[i].samples, c->metrics[i].n);
	if (n && c->faults[0].drv_ok) {
		for (k = 0; k < FL_CNT_NR; k++) {
			for (r = 0; r < n; r++)
				x[r] = (double)c->faults[r].drv[k];
			snprintf(name, sizeof(name), "faults.driver.%s",
				 fl_counter_names[k]);
			fl_csv_row(&w, c, id, name, "count", "neither", x,
				   (size_t)n);
		}
	}
	if (n) {
		for (r = 0; r < n; r++)
			x[r] = (double)c->faults[r].minflt;
		fl_csv_row(&w, c, id, "faults.rusage.minflt", "count", "neither",
			   x, (size_t)n);
		for (r = 0; r < n; r++)
			x[r] = (double)c->faults[r].majflt;
		fl_csv_row(&w, c, id, "faults.rusage.majflt", "count", "neither",
			   x, (size_t)n);
	}
	if (n && c->faults[0].perf_ok) {
		for (r = 0; r < n; r++)
			x[r] = (double)c->faults[r].perf;
		fl_csv_row(&w, c, id, "faults.perf.page_faults", "count",
			   "neither", x, (size_t)n);
	}
	if (!c->nmetrics && !n) {
		/* Keep unsupported and failed cases visible in the table. */
		fl_csv_case_cols(&w, c, c->o, id, c->status);
		for (i = 0; i < 14; i++)
			fl_csv_str(&w, NULL);
		fl_csv_end_row(&w);
	}
}

static void fl_case_pct_csv(struct fl_case *c, FILE *f, int id)
{
	struct fl_csv w;
	char v[64];
	size_t k;
	int i;

	fl_csv_init(&w, f);
	for (i = 0; i < c->nhists; i++) {
		if (!c->hist[i]->count)
			continue;
		for (k = 0; k < fl_hist_fio_npcts; k++) {
			fl_csv_u64(&w, (uint64_t)id);
			fl_csv_str(&w, c->name);
			fl_csv_str(&w, fl_case_variant(c, c->o, v, sizeof(v)));
			fl_csv_str(&w, c->scen->hists[i]);
			fl_csv_dbl(&w, fl_hist_fio_pcts[k]);
			fl_csv_u64(&w, fl_hist_percentile(c->hist[i],
							  fl_hist_fio_pcts[k]));
			fl_csv_u64(&w, c->hist[i]->count);
			fl_csv_end_row(&w);
		}
	}
}

/* The summary line: id, name, status, two headline metrics, faults, reason. */
static void fl_case_summary(struct fl_case *c, FILE *f, int id)
{
	struct fl_summary s;
	const struct fl_metric *m;
	int h, i;

	fprintf(f, "%d\t%s\t%s", id, c->name, c->status);
	for (h = 0; h < 2; h++) {
		m = NULL;
		for (i = 0; c->scen && c->scen->headline[h] && i < c->nmetrics; i++)
			if (!strcmp(c->metrics[i].name, c->scen->headline[h]))
				m = &c->metrics[i];
		if (m && m->n) {
			fl_summarize(m->samples, m->n, &s);
			fprintf(f, "\t%s\t%s\t%.6g\t%.6g", m->name, m->unit,
				s.median, (s.ci95_hi - s.ci95_lo) / 2);
		} else {
			fprintf(f, "\t-\t-\tnan\tnan");
		}
	}
	if (c->nfaults) {
		const struct fl_fault_rep *r = &c->faults[c->nfaults - 1];

		if (r->drv_ok)
			fprintf(f, "\t%llu", (unsigned long long)fl_drv_handler_calls(r));
		else
			fprintf(f, "\t-");
		fprintf(f, "\t%llu", (unsigned long long)(r->minflt + r->majflt));
		if (r->perf_ok)
			fprintf(f, "\t%llu", (unsigned long long)r->perf);
		else
			fprintf(f, "\t-");
	} else {
		fprintf(f, "\t-\t-\t-");
	}
	if (c->oracle >= 0 && !strcmp(c->status, "ok"))
		fprintf(f, "\t%s%s%s\n", c->oracle ? "oracle ok" : "ORACLE MISMATCH",
			c->oracle ? "" : ": ", c->oracle_why);
	else
		fprintf(f, "\t%s\n", c->reason);
}

int fl_case_write(struct fl_case *c, const char *dir, int id, char *why,
		  size_t len)
{
	struct fl_afile a;
	struct fl_json j;

	if (fl_mkdirs(dir, why, len))
		return -1;
	if (fl_afile_open(&a, dir, "case.json", why, len))
		return -1;
	fl_json_init(&j, a.f);
	fl_case_json(c, &j, id);
	if (fl_json_finish(&j)) {
		fl_afile_abort(&a);
		return fl_why(why, len, "writing %s/case.json failed", dir);
	}
	if (fl_afile_commit(&a, why, len))
		return -1;
	if (fl_afile_open(&a, dir, "case.csv", why, len))
		return -1;
	fl_case_csv(c, a.f, id);
	if (fl_afile_commit(&a, why, len))
		return -1;
	if (fl_afile_open(&a, dir, "percentiles.csv", why, len))
		return -1;
	fl_case_pct_csv(c, a.f, id);
	if (fl_afile_commit(&a, why, len))
		return -1;
	if (fl_afile_open(&a, dir, "summary.tsv", why, len))
		return -1;
	fl_case_summary(c, a.f, id);
	return fl_afile_commit(&a, why, len);
}

int fl_case_write_stub(const struct fl_opts *o, const char *dir, int id,
		       const char *status, const char *reason, char *why,
		       size_t len)
{
	struct fl_case c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.scen = fl_scenario_get(o->scenario);
	c.status = status;
	c.tgt.numa_node = -1;
	c.oracle = -1;
	snprintf(c.reason, sizeof(c.reason), "%s", reason);
	fl_case_name(o, c.name, sizeof(c.name));
	ret = fl_case_write(&c, dir, id, why, len);
	return ret;
}
