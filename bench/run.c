// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - a run folder: result.json (metadata and every case), the tidy
 * CSV files and the human summary table, rebuilt from the cases' own
 * files after every case so that an interrupted run leaves what it did.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "flbench.h"
#include "meta.h"
#include "results.h"
#include "units.h"

extern const char *const fl_csv_cols[];
extern const char *const fl_pct_cols[];

void fl_run_case_dir(const struct fl_run *r, int id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/cases/%03d", r->dir, id);
}

/* Append file @path to @f; returns -1 if it is missing. */
static int fl_cat(FILE *f, const char *path)
{
	char buf[65536];
	size_t n;
	FILE *in = fopen(path, "r");

	if (!in)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, f);
	fclose(in);
	return 0;
}

static void fl_fmt_metric(double v, const char *unit, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (!strcmp(unit, "ns"))
		fl_fmt_ns(v, buf, len);
	else if (!strcmp(unit, "B/s"))
		snprintf(buf, len, v >= 1e9 ? "%.2f GB/s" : "%.1f MB/s",
			 v >= 1e9 ? v / 1e9 : v / 1e6);
	else if (!strcmp(unit, "1/s"))
		snprintf(buf, len, v >= 1e6 ? "%.2f M/s" : "%.1f k/s",
			 v >= 1e6 ? v / 1e6 : v / 1e3);
	else if (!strcmp(unit, "count") && v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
}

/* Read one summary.tsv line into its fields. */
struct fl_sumline {
	char status[16];
	char text[512];
};

static int fl_summary_line(const char *path, struct fl_sumline *sl,
			   bool emulated)
{
	char line[2048], *f[16], *save = NULL, *tok, m1[32], m2[32];
	char cell1[96], cell2[96], pm[32];
	int n = 0;
	FILE *in = fopen(path, "r");

	if (!in)
		return -1;
	if (!fgets(line, sizeof(line), in)) {
		fclose(in);
		return -1;
	}
	fclose(in);
	line[strcspn(line, "\n")] = '\0';
	/* strtok would merge empty fields: split by hand. */
	for (tok = line; n < 16; n++) {
		f[n] = tok;
		tok = strchr(tok, '\t');
		if (!tok) {
			n++;
			break;
		}
		*tok++ = '\0';
	}
	(void)save;
	if (n < 15)
		return -1;
	snprintf(sl->status, sizeof(sl->status), "%s", f[2]);
	fl_fmt_metric(strtod(f[5], NULL), f[4], m1, sizeof(m1));
	fl_fmt_metric(strtod(f[9], NULL), f[8], m2, sizeof(m2));
	fl_fmt_metric(strtod(f[6], NULL), f[4], pm, sizeof(pm));
	snprintf(cell1, sizeof(cell1), "%s %s%s%s", f[3], m1,
		 isfinite(strtod(f[6], NULL)) ? " ±" : "",
		 isfinite(strtod(f[6], NULL)) ? pm : "");
	snprintf(cell2, sizeof(cell2), "%s %s", f[7], m2);
	if (strcmp(f[2], "ok"))
		snprintf(sl->text, sizeof(sl->text), "%3s  %-58.58s %-11s %s",
			 f[0], f[1], f[2], f[14]);
	else
		snprintf(sl->text, sizeof(sl->text),
			 "%3s  %-58.58s %-11s %-34s %-26s %s/%s/%s%s%s", f[0], f[1],
			 f[2], cell1, cell2, f[11], f[12], f[13],
			 f[14][0] ? "  " : "", f[14]);
	(void)emulated;
	return 0;
}

static void fl_run_json(struct fl_run *r, FILE *f, bool complete,
			const char *incomplete_why, int *counts)
{
	static const char *const st[] = { "ok", "unsupported", "failed",
					  "interrupted" };
	struct fl_meta_ctx mc = {
		.argc = r->argc, .argv = r->argv, .clock = r->clock,
		.topo = r->topo, .started_utc = r->started,
	};
	struct fl_json j;
	char path[1200];
	const char *base = strrchr(r->dir, '/');
	int i;

	fl_json_init(&j, f);
	fl_json_obj_begin(&j, NULL);
	fl_json_str(&j, "schema", "faultline-results");
	fl_json_i64(&j, "schema_version", FL_SCHEMA_VERSION);
	fl_json_bool(&j, "complete", complete);
	fl_json_str(&j, "incomplete_reason", complete ? NULL : incomplete_why);
	fl_json_obj_begin(&j, "run");
	fl_json_str(&j, "id", base ? base + 1 : r->dir);
	fl_json_str(&j, "kind", r->matrix_file ? "matrix" : "single");
	fl_json_str(&j, "matrix_file", r->matrix_file);
	fl_json_dbl(&j, "elapsed_s", (double)(fl_mono_ns() - r->t0) / 1e9);
	fl_json_i64(&j, "cases", r->ncases);
	fl_json_obj_begin(&j, "status_counts");
	for (i = 0; i < 4; i++)
		fl_json_i64(&j, st[i], counts[i]);
	fl_json_obj_end(&j);
	fl_json_bool(&j, "times_emulated",
		     !strcmp(fl_meta_environment(), "lab"));
	fl_json_obj_end(&j);
	fl_meta_json(&j, "meta", &mc);
	fl_json_arr_begin(&j, "cases");
	for (i = 1; i <= r->ncases; i++) {
		char *text;

		fl_run_case_dir(r, i, path, sizeof(path) - 16);
		strcat(path, "/case.json");
		text = fl_slurp(path, NULL);
		if (!text)
			continue;
		text[strcspn(text, "\0")] = '\0';
		/* Drop the trailing newline the case writer added. */
		while (*text && text[strlen(text) - 1] == '\n')
			text[strlen(text) - 1] = '\0';
		fl_json_raw(&j, NULL, text);
		free(text);
	}
	fl_json_arr_end(&j);
	fl_json_obj_end(&j);
	fl_json_finish(&j);
}

int fl_run_write(struct fl_run *r, bool complete, const char *incomplete_why,
		 char *why, size_t len)
{
	static const char *const st[] = { "ok", "unsupported", "failed",
					  "interrupted" };
	struct fl_sumline *lines;
	struct fl_afile a;
	struct fl_csv w;
	char path[1200];
	int counts[4] = { 0 }, i, k;
	bool lab = !strcmp(fl_meta_environment(), "lab");

	lines = fl_xcalloc((size_t)r->ncases + 1, sizeof(*lines));
	for (i = 1; i <= r->ncases; i++) {
		fl_run_case_dir(r, i, path, sizeof(path) - 16);
		strcat(path, "/summary.tsv");
		if (fl_summary_line(path, &lines[i], lab)) {
			snprintf(lines[i].status, sizeof(lines[i].status), "missing");
			snprintf(lines[i].text, sizeof(lines[i].text),
				 "%3d  (no result: the case did not finish)", i);
			continue;
		}
		for (k = 0; k < 4; k++)
			if (!strcmp(lines[i].status, st[k]))
				counts[k]++;
	}

	/* summary.txt first: result.json is the last word. */
	if (fl_afile_open(&a, r->dir, "summary.txt", why, len))
		goto fail;
	fprintf(a.f, "%3s  %-58s %-11s %-34s %-26s %s\n", "id", "case",
		"status", "headline (median ±95% CI)", "second", "faults drv/rusage/perf");
	for (i = 1; i <= r->ncases; i++)
		fprintf(a.f, "%s\n", lines[i].text);
	fprintf(a.f, "\n%d cases: %d ok, %d unsupported, %d failed, %d interrupted%s\n",
		r->ncases, counts[0], counts[1], counts[2], counts[3],
		complete ? "" : " (RUN INCOMPLETE)");
	if (lab)
		fprintf(a.f, "times are from the QEMU TCG lab: emulated, comparable only within this run; fault counts are exact\n");
	fprintf(a.f, "results: %s\n", r->dir);
	if (fl_afile_commit(&a, why, len))
		goto fail;

	if (fl_afile_open(&a, r->dir, "result.csv", why, len))
		goto fail;
	fl_csv_init(&w, a.f);
	fl_csv_header(&w, fl_csv_cols);
	for (i = 1; i <= r->ncases; i++) {
		fl_run_case_dir(r, i, path, sizeof(path) - 16);
		strcat(path, "/case.csv");
		fl_cat(a.f, path);
	}
	if (fl_afile_commit(&a, why, len))
		goto fail;

	if (fl_afile_open(&a, r->dir, "percentiles.csv", why, len))
		goto fail;
	fl_csv_init(&w, a.f);
	fl_csv_header(&w, fl_pct_cols);
	for (i = 1; i <= r->ncases; i++) {
		fl_run_case_dir(r, i, path, sizeof(path) - 24);
		strcat(path, "/percentiles.csv");
		fl_cat(a.f, path);
	}
	if (fl_afile_commit(&a, why, len))
		goto fail;

	if (fl_afile_open(&a, r->dir, "result.json", why, len))
		goto fail;
	fl_run_json(r, a.f, complete, incomplete_why, counts);
	if (fl_afile_commit(&a, why, len))
		goto fail;
	free(lines);
	return 0;
fail:
	free(lines);
	return -1;
}
