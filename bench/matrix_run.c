// SPDX-License-Identifier: GPL-2.0
/*
 * matrix_run.c - "flbench matrix FILE": every case of a matrix file in one
 * run folder.  Each case runs in a child process (fork), so that a crash,
 * a leaked mapping, a hugetlb reservation or a driver rebinding of one
 * case cannot disturb the next; the child writes the case's files and
 * the parent rebuilds the run's documents after every case.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flbench.h"
#include "matrix.h"
#include "meta.h"
#include "results.h"

/* Options of one expanded case: defaults, the line, then the command line. */
static int fl_mx_opts(const struct fl_mx_case *mc, int cargc, char **cargv,
		      struct fl_opts *o, char *why, size_t len)
{
	enum fl_scen_id id;

	fl_opts_init(o);
	if (fl_scen_parse(mc->scen, &id))
		return fl_why(why, len, "unknown scenario %s", mc->scen);
	o->scenario = id;
	if (fl_opts_parse(o, mc->dargc, mc->dargv, true, why, len) ||
	    fl_opts_parse(o, mc->argc, mc->argv, mc->multi, why, len) ||
	    fl_opts_parse(o, cargc, cargv, true, why, len) ||
	    fl_opts_check(o, why, len))
		return -1;
	return 0;
}

static void fl_mx_print_case(const struct fl_mx_case *mc, int id, FILE *f)
{
	int k;

	fprintf(f, "%3d  line %-3d flbench %s", id, mc->line, mc->scen);
	for (k = 0; k < mc->dargc; k++)
		fprintf(f, " %s", mc->dargv[k]);
	for (k = 0; k < mc->argc; k++)
		fprintf(f, " %s", mc->argv[k]);
	fprintf(f, "\n");
}

/*
 * Wait for a case process.  A SIGINT from the terminal reaches the whole
 * process group, but a SIGTERM (timeout, a CI runner) only this process:
 * pass it on once, so that the case stops and records itself interrupted.
 */
static void fl_mx_wait(pid_t pid, int *st)
{
	bool sent = false;

	while (waitpid(pid, st, 0) < 0) {
		if (errno != EINTR) {
			*st = 0;
			return;
		}
		if (fl_interrupted && !sent) {
			kill(pid, fl_interrupt_sig ? fl_interrupt_sig : SIGTERM);
			sent = true;
		}
	}
}

/* Run one case in a child; the child writes the case folder. */
static int fl_mx_child(struct fl_run *run, struct fl_opts *o, int id,
		       int total, const struct fl_clock_info *clock)
{
	struct fl_case c;
	char dir[1200], why[2 * FL_WHY_LEN];
	int ret;

	memset(&c, 0, sizeof(c));
	c.index = id;
	c.total = total;
	fl_run_case(&c, o, run->topo, clock);
	fl_run_case_dir(run, id, dir, sizeof(dir));
	ret = fl_case_write(&c, dir, id, why, sizeof(why));
	if (ret)
		fl_err("case %d: writing results: %s", id, why);
	else if (strcmp(c.status, "ok"))
		fprintf(stderr, "flbench: [%d/%d] %s: %s: %s\n", id, total,
			c.name, c.status, c.reason);
	fl_case_free(&c);
	return ret ? 2 : 0;
}

int fl_matrix_main(int argc, char **argv, struct fl_topo *topo)
{
	struct fl_clock_info clock;
	struct fl_matrix m;
	struct fl_opts o, base;
	struct fl_run run;
	char why[2 * FL_WHY_LEN], dir[1200], what[64], reason[256] = "";
	const char *file, *out = NULL;
	char **cargv;
	int cargc = 0, i, st, bad = 0, failed = 0;
	bool dry = false, quiet = false;
	pid_t pid;

	if (argc < 3) {
		fl_err("usage: flbench matrix FILE [--out DIR] [--dry-run] [options]");
		return 2;
	}
	file = argv[2];
	/* --out, --dry-run and --quiet are the runner's; the rest override. */
	cargv = fl_xcalloc((size_t)argc, sizeof(*cargv));
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run")) {
			dry = true;
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strncmp(argv[i], "--out=", 6)) {
			out = argv[i] + 6;
		} else {
			if (!strcmp(argv[i], "--quiet"))
				quiet = true;
			cargv[cargc++] = argv[i];
		}
	}
	/* Check the overrides once, strictly, against any scenario. */
	fl_opts_init(&base);
	if (fl_opts_parse(&base, cargc, cargv, true, why, sizeof(why))) {
		fl_err("%s", why);
		free(cargv);
		return 2;
	}
	if (fl_matrix_load(file, &m, why, sizeof(why))) {
		fl_err("%s", why);
		free(cargv);
		return 2;
	}
	for (i = 0; i < m.n; i++) {
		if (fl_mx_opts(&m.cases[i], cargc, cargv, &o, why, sizeof(why))) {
			fl_err("%s:%d: case %d: %s", file, m.cases[i].line, i + 1,
			       why);
			bad++;
		}
		if (dry)
			fl_mx_print_case(&m.cases[i], i + 1, stdout);
	}
	if (bad || dry) {
		if (dry)
			printf("%d cases%s\n", m.n, bad ? ", with errors" : "");
		fl_matrix_free(&m);
		free(cargv);
		return bad ? 2 : 0;
	}
	fl_verbose = base.verbose;
	if (fl_clock_init(base.clock, &clock, why, sizeof(why))) {
		fl_err("%s", why);
		fl_matrix_free(&m);
		free(cargv);
		return 2;
	}

	memset(&run, 0, sizeof(run));
	run.argc = argc;
	run.argv = argv;
	run.topo = topo;
	run.clock = &clock;
	run.t0 = fl_mono_ns();
	run.matrix_file = file;
	fl_meta_utc_now(run.started, sizeof(run.started));
	snprintf(what, sizeof(what), "%s", strrchr(file, '/') ?
		 strrchr(file, '/') + 1 : file);
	what[strcspn(what, ".")] = '\0';
	snprintf(run.what, sizeof(run.what), "matrix-%.48s", what);
	if (fl_results_create(out, run.what, run.dir, sizeof(run.dir), why,
			      sizeof(why))) {
		fl_err("%s", why);
		fl_matrix_free(&m);
		free(cargv);
		return 2;
	}
	/* A copy of the matrix beside the results. */
	{
		char *text = fl_slurp(file, NULL);
		struct fl_afile a;

		if (text && !fl_afile_open(&a, run.dir, "matrix.mx", why,
					   sizeof(why))) {
			fputs(text, a.f);
			fl_afile_commit(&a, why, sizeof(why));
		}
		free(text);
	}
	if (!quiet)
		fprintf(stderr, "flbench: matrix %s: %d cases into %s\n", file,
			m.n, run.dir);
	for (i = 0; i < m.n && !fl_interrupted; i++) {
		run.ncases = i + 1;
		fl_mx_opts(&m.cases[i], cargc, cargv, &o, why, sizeof(why));
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			fl_err("fork: %s", strerror(errno));
			break;
		}
		if (!pid)
			_exit(fl_mx_child(&run, &o, i + 1, m.n, &clock));
		fl_mx_wait(pid, &st);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			char w2[FL_WHY_LEN];

			snprintf(reason, sizeof(reason),
				 WIFSIGNALED(st) ? "the case process died of signal %d" :
				 "the case process exited with status %d",
				 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			fl_run_case_dir(&run, i + 1, dir, sizeof(dir));
			if (fl_case_write_stub(&o, dir, i + 1, "failed", reason,
					       w2, sizeof(w2)))
				fl_err("%s", w2);
			failed++;
		}
		if (fl_run_write(&run, false, "running", why, sizeof(why)))
			fl_err("writing results: %s", why);
	}
	if (fl_interrupted)
		snprintf(reason, sizeof(reason),
			 "interrupted by %s after %d of %d cases",
			 fl_interrupt_sig == SIGTERM ? "SIGTERM" : "SIGINT",
			 run.ncases, m.n);
	if (fl_run_write(&run, !fl_interrupted, reason, why, sizeof(why)))
		fl_err("writing results: %s", why);
	if (fl_interrupted)
		fl_results_mark(run.dir, reason);
	else if (fl_results_done(run.dir, why, sizeof(why)))
		fl_warn("%s", why);
	if (!quiet) {
		char buf[4096];
		size_t n;
		FILE *f;

		snprintf(dir, sizeof(dir), "%s/summary.txt", run.dir);
		f = fopen(dir, "r");
		while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, stdout);
		if (f)
			fclose(f);
	}
	fl_matrix_free(&m);
	free(cargv);
	return fl_interrupted ? 130 : failed ? 1 : 0;
}
