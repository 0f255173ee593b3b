// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - flbench's command line.
 *
 *   flbench SCENARIO --target T [options]     one case
 *   flbench matrix FILE [--out DIR] [...]     every case of a matrix file
 *   flbench --list | --help | --version
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numaif.h>

#include "flbench.h"
#include "meta.h"
#include "results.h"

const struct fl_scenario *fl_scenario_get(enum fl_scen_id id)
{
	static const struct fl_scenario *const all[FL_SCEN_NR] = {
		[FL_SCEN_POPULATE] = &fl_scen_populate,
		[FL_SCEN_TPUT] = &fl_scen_tput,
		[FL_SCEN_REVOKE] = &fl_scen_revoke,
		[FL_SCEN_CHURN] = &fl_scen_churn,
		[FL_SCEN_FIO] = &fl_scen_fio,
		[FL_SCEN_STRESS] = &fl_scen_stress,
		[FL_SCEN_FUZZ] = &fl_scen_fuzz,
		[FL_SCEN_VRING] = &fl_scen_vring,
	};

	return all[id];
}

static void fl_usage(FILE *f)
{
	const struct fl_target_ops *const *t;
	int i;

	fprintf(f,
		"usage: flbench SCENARIO --target T [--strategy S] [--size N] [--threads N]\n"
		"               [--reps N] [--access read|write] [--out DIR] [options]\n"
		"       flbench matrix FILE [--out DIR] [--dry-run] [options overriding the file]\n"
		"       flbench --list | --help | --version\n\n"
		"scenarios:\n");
	for (i = 0; i < FL_SCEN_NR; i++)
		fprintf(f, "  %-10s %s\n", fl_scen_names[i],
			fl_scenario_get((enum fl_scen_id)i)->summary);
	fprintf(f, "\ntargets:\n");
	for (t = fl_targets; *t; t++)
		fprintf(f, "  %-28s %s\n", (*t)->syntax, (*t)->help);
	fprintf(f, "\noptions:\n");
	fl_opts_help(f);
	fprintf(f,
		"\nResults go to --out DIR, else a new folder under $FL_RESULTS or the\n"
		"repository's results/.  See flbench(1) and CONFIG.md.\n");
}

void fl_list(FILE *f)
{
	const struct fl_target_ops *const *t;
	struct fl_info info;
	unsigned int s;
	int i, fd = -1;

	fprintf(f, "scenarios:\n");
	for (i = 0; i < FL_SCEN_NR; i++)
		fprintf(f, "    %-10s %s\n", fl_scen_names[i],
			fl_scenario_get((enum fl_scen_id)i)->summary);
	fprintf(f, "targets:\n");
	for (t = fl_targets; *t; t++)
		(*t)->list(f);
	fprintf(f, "strategies (faultline):\n");
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	for (i = 0; i < 64 && fd < 0; i++) {
		char dev[32];

		snprintf(dev, sizeof(dev), "/dev/faultline%d", i);
		fd = open(dev, O_RDONLY | O_CLOEXEC);
	}
	if (fd >= 0 && ioctl(fd, FL_IOC_GET_INFO, &info)) {
		close(fd);
		fd = -1;
	}
	for (s = 0; s < FL_STRAT_NR; s++) {
		const char *note = "";

		if (fd < 0)
			note = "unknown: no faultline device to ask";
		else if (s == FL_STRAT_HUGE &&
			 !(info.features & FL_FEAT_PMD_PFNMAP))
			note = "unsupported: kernel cannot map PFNMAP PMD/PUD entries (before 6.12)";
		else if (s == FL_STRAT_HUGE)
			note = info.features & FL_FEAT_PUD_PFNMAP ?
			       "supported (PUD and PMD)" : "supported (PMD only)";
		else
			note = "supported";
		fprintf(f, "    %-14s %s%s\n", fl_strategy_name(s), note,
			fd >= 0 && s == info.default_strategy ?
			" [module default]" : "");
	}
	if (fd >= 0)
		close(fd);
	for (i = 0; i < FL_SCEN_NR; i++)
		if (fl_scenario_get((enum fl_scen_id)i)->list)
			fl_scenario_get((enum fl_scen_id)i)->list(f);
}

/*
 * Automatic NUMA balancing unmaps pages now and then to see who touches
 * them: the hinting faults would land in the threads' rusage and perf
 * counts.  It only scans VMAs whose policy allows migrate-on-fault, which
 * no policy set from user space does: a process-wide MPOL_LOCAL (the
 * placement the default policy gives anyway) opts every mapping out.
 */
static void fl_numa_quiet(void)
{
	if (set_mempolicy(MPOL_LOCAL, NULL, 0))
		fl_warn("set_mempolicy(MPOL_LOCAL): %s: NUMA-balancing hinting faults may show in the fault counts",
			strerror(errno));
}

/* One case, run in this process, into its own run folder. */
static int fl_single(int argc, char **argv, struct fl_topo *topo,
		     const struct fl_clock_info *clock, struct fl_opts *o)
{
	struct fl_run run;
	struct fl_case c;
	char dir[1200], why[2 * FL_WHY_LEN], buf[4096];
	FILE *f;
	size_t n;
	int ret;

	memset(&run, 0, sizeof(run));
	run.argc = argc;
	run.argv = argv;
	run.topo = topo;
	run.clock = clock;
	run.t0 = fl_mono_ns();
	run.ncases = 1;
	fl_meta_utc_now(run.started, sizeof(run.started));
	snprintf(run.what, sizeof(run.what), "%s", fl_scen_names[o->scenario]);
	if (fl_results_create(o->out[0] ? o->out : NULL, run.what, run.dir,
			      sizeof(run.dir), why, sizeof(why))) {
		fl_err("%s", why);
		return 2;
	}
	memset(&c, 0, sizeof(c));
	c.index = c.total = 1;
	fl_run_case(&c, o, topo, clock);
	fl_run_case_dir(&run, 1, dir, sizeof(dir));
	ret = fl_case_write(&c, dir, 1, why, sizeof(why));
	if (!ret)
		ret = fl_run_write(&run, !fl_interrupted,
				   fl_interrupted ? c.reason : NULL, why,
				   sizeof(why));
	if (ret) {
		fl_err("writing results: %s", why);
		fl_case_free(&c);
		return 2;
	}
	if (fl_interrupted)
		fl_results_mark(run.dir, c.reason);
	else if (fl_results_done(run.dir, why, sizeof(why)))
		fl_warn("%s", why);
	if (!o->quiet) {
		snprintf(dir, sizeof(dir), "%s/summary.txt", run.dir);
		f = fopen(dir, "r");
		while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, stdout);
		if (f)
			fclose(f);
	}
	if (strcmp(c.status, "ok") && strcmp(c.status, "unsupported"))
		fl_err("case %s: %s", c.status, c.reason);
	else if (!strcmp(c.status, "unsupported"))
		fl_warn("unsupported: %s", c.reason);
	ret = !strcmp(c.status, "ok") ? 0 :
	      !strcmp(c.status, "unsupported") ? 77 :
	      !strcmp(c.status, "interrupted") ? 130 : 1;
	fl_case_free(&c);
	return ret;
}

int main(int argc, char **argv)
{
	struct fl_clock_info clock;
	struct fl_topo *topo;
	struct fl_opts o;
	enum fl_scen_id id;
	char why[FL_WHY_LEN];
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fl_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fl_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("flbench %s (git %s, results schema %d)\n", FL_VERSION,
		       fl_meta_git_rev(), FL_SCHEMA_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--list") || !strcmp(argv[1], "list")) {
		fl_list(stdout);
		return 0;
	}
	fl_signals_install();
	fl_numa_quiet();
	topo = fl_topo_load(why, sizeof(why));
	if (!topo) {
		fl_err("topology: %s", why);
		return 2;
	}
	if (!strcmp(argv[1], "matrix")) {
		ret = fl_matrix_main(argc, argv, topo);
		fl_topo_free(topo);
		return ret;
	}
	if (fl_scen_parse(argv[1], &id)) {
		fl_err("unknown scenario '%s' (scenarios: populate, tput, revoke, churn, fio, stress, fuzz, vring; or matrix FILE; see flbench --help)",
		       argv[1]);
		fl_topo_free(topo);
		return 2;
	}
	fl_opts_init(&o);
	o.scenario = id;
	if (fl_opts_parse(&o, argc - 2, argv + 2, false, why, sizeof(why)) ||
	    fl_opts_check(&o, why, sizeof(why))) {
		fl_err("%s", why);
		fl_topo_free(topo);
		return 2;
	}
	fl_verbose = o.verbose;
	if (fl_clock_init(o.clock, &clock, why, sizeof(why))) {
		fl_err("%s", why);
		fl_topo_free(topo);
		return 2;
	}
	ret = fl_single(argc, argv, topo, &clock, &o);
	fl_topo_free(topo);
	return ret;
}
