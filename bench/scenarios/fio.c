// SPDX-License-Identifier: GPL-2.0
/*
 * fio.c - the independent check: fio's mmap engine on the same device
 * file, same size, block size, direction and pattern, run right before
 * flbench's own throughput pass in every repetition, so that fio's
 * bandwidth and flbench's sit side by side in one case.
 *
 * fio opens the device itself, so it gets the module's default strategy:
 * when --strategy asks for another one, flbench writes the module's
 * default_strategy parameter for the duration of the case (root), or
 * reports the case as unsupported.  The job file is scripts/fio/mmap.fio
 * (environment variables FL_FIO_* fill it in).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "access.h"
#include "tput.h"
#include "units.h"

extern char **environ;

#define FL_FIO_PARAM	"/sys/module/faultline/parameters/default_strategy"

/* Kept in c->xpriv: c->priv belongs to the tput hooks fio reuses. */
struct fl_fio {
	char bin[512];
	char job[512];
	char outdir[64];
	char param_saved[64];
	bool param_changed;
	char version[64];
	uint64_t drv_faults;		/* last fio run, driver counters */
	bool drv_ok;
};

static bool fl_fio_exec_ok(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode) && !access(p, X_OK);
}

static int fl_fio_find_bin(const struct fl_opts *o, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char buf[512], *dirs, *save = NULL, *d;

	if (o->fio_bin[0]) {
		snprintf(out, len, "%s", o->fio_bin);
		return fl_fio_exec_ok(out) ? 0 : -1;
	}
	dirs = fl_xstrdup(path ? path : "/usr/bin:/bin");
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/fio", d);
		if (fl_fio_exec_ok(buf)) {
			snprintf(out, len, "%s", buf);
			free(dirs);
			return 0;
		}
	}
	free(dirs);
	return -1;
}

/* $FL_FIO_DIR, next to the binary (../fio), /opt/faultline/fio, the repo. */
static int fl_fio_find_job(const struct fl_opts *o, char *out, size_t len)
{
	char exe[400], cand[4][480];
	const char *env = getenv("FL_FIO_DIR");
	ssize_t n;
	int i, k = 0;

	if (o->fio_job[0]) {
		snprintf(out, len, "%s", o->fio_job);
		return access(out, R_OK);
	}
	if (env && *env)
		snprintf(cand[k++], sizeof(cand[0]), "%s/mmap.fio", env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(cand[k++], sizeof(cand[0]), "%s/../fio/mmap.fio", exe);
	}
	snprintf(cand[k++], sizeof(cand[0]), "/opt/faultline/fio/mmap.fio");
	snprintf(cand[k++], sizeof(cand[0]), "%s/scripts/fio/mmap.fio",
		 FL_REPO_DIR);
	for (i = 0; i < k; i++) {
		if (!access(cand[i], R_OK)) {
			snprintf(out, len, "%.479s", cand[i]);
			return 0;
		}
	}
	return -1;
}

/* Make fio's default strategy the one flbench uses. */
static int fl_fio_strategy(struct fl_case *c, struct fl_fio *f, char *why,
			   size_t len)
{
	const char *want = fl_strategy_name(c->tgt.strategy);
	char num[16];
	int ret;

	if (strcmp(c->tgt.ops->kind, "faultline") ||
	    c->tgt.default_strategy == (int)c->tgt.strategy)
		return 0;
	if (fl_read_file(FL_FIO_PARAM, f->param_saved, sizeof(f->param_saved))) {
		fl_why(why, len,
		       "fio opens the device with the module's default strategy (%s), not %s, and %s is not readable: load the module with default_strategy=%s",
		       fl_strategy_name((unsigned int)c->tgt.default_strategy),
		       want, FL_FIO_PARAM, want);
		return FL_UNSUPPORTED;
	}
	ret = fl_write_file(FL_FIO_PARAM, want);
	if (ret) {
		snprintf(num, sizeof(num), "%u", c->tgt.strategy);
		ret = fl_write_file(FL_FIO_PARAM, num);
	}
	if (ret) {
		fl_sys(why, len, -ret, "write", "%s <- %s (fio needs the module default to be the strategy under test)",
		       FL_FIO_PARAM, want);
		return FL_UNSUPPORTED;
	}
	f->param_changed = true;
	return 0;
}

static int fl_fio_prepare(struct fl_case *c, char *why, size_t len)
{
	struct fl_fio *f;
	int ret;

	if (!c->tgt.path[0])
		return fl_unsupported(why, len,
				      "fio's mmap engine needs a device file; target %s has none (use faultline: or sysfs:)",
				      c->tgt.ops->kind);
	f = fl_xcalloc(1, sizeof(*f));
	if (fl_fio_find_bin(c->o, f->bin, sizeof(f->bin))) {
		free(f);
		return fl_unsupported(why, len,
				      "fio not found (%s); install fio or pass --fio-bin",
				      c->o->fio_bin[0] ? c->o->fio_bin : "not on PATH");
	}
	if (fl_fio_find_job(c->o, f->job, sizeof(f->job))) {
		free(f);
		return fl_unsupported(why, len,
				      "fio job file not found (set FL_FIO_DIR or --fio-job; looked for mmap.fio beside the binary, in /opt/faultline/fio and %s/scripts/fio)",
				      FL_REPO_DIR);
	}
	snprintf(f->outdir, sizeof(f->outdir), "/tmp/flbench-fio-XXXXXX");
	if (!mkdtemp(f->outdir)) {
		fl_sys(why, len, errno, "mkdtemp", "%s", f->outdir);
		free(f);
		return -1;
	}
	ret = fl_fio_strategy(c, f, why, len);
	if (ret) {
		rmdir(f->outdir);
		free(f);
		return ret;
	}
	c->xpriv = f;
	return fl_tput_prepare(c, why, len);
}

static void fl_fio_setenv(const char *k, const char *fmt, unsigned long long v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	setenv(k, buf, 1);
}

static const struct fl_jv *fl_fio_dir(const struct fl_jv *job, bool write)
{
	return fl_jv_get(job, write ? "write" : "read");
}

/* Run fio once; record its bandwidth, IOPS and latency percentiles. */
static int fl_fio_run(struct fl_case *c, struct fl_fio *f, char *why,
		      size_t len)
{
	bool write = c->o->access == FL_ACC_WRITE;
	bool rnd = c->o->pattern == FL_PAT_RANDOM;
	char out[128], rw[16];
	char *argv[6], *text;
	const struct fl_jv *root, *job, *d, *v;
	struct fl_counters a, b;
	struct fl_fault_rep fr;
	double bw = 0, iops = 0, p50 = NAN, p99 = NAN;
	pid_t pid;
	int st, err;
	size_t i;

	snprintf(out, sizeof(out), "%s/fio.json", f->outdir);
	snprintf(rw, sizeof(rw), "%s%s", rnd ? "rand" : "", write ? "write" : "read");
	setenv("FL_FIO_FILE", c->tgt.path, 1);
	fl_fio_setenv("FL_FIO_SIZE", "%llu", c->size);
	fl_fio_setenv("FL_FIO_OFFSET", "%llu", c->o->offset);
	fl_fio_setenv("FL_FIO_BS", "%llu", c->o->bs);
	setenv("FL_FIO_RW", rw, 1);
	fl_fio_setenv("FL_FIO_JOBS", "%llu", (unsigned long long)c->nthreads);
	fl_fio_setenv("FL_FIO_RUNTIME", "%llums", c->o->duration_ns / 1000000);
	fl_fio_setenv("FL_FIO_RAMP", "%llums", c->o->duration_ns / 1000000);
	argv[0] = f->bin;
	argv[1] = "--output-format=json+";
	argv[2] = fl_xasprintf("--output=%s", out);
	argv[3] = f->job;
	argv[4] = NULL;
	f->drv_ok = c->tgt.ops->counters &&
		    !c->tgt.ops->counters(&c->tgt, &a, why, len);
	err = posix_spawn(&pid, f->bin, NULL, NULL, argv, environ);
	free(argv[2]);
	if (err)
		return fl_sys(why, len, err, "posix_spawn", "%s", f->bin);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (f->drv_ok && !c->tgt.ops->counters(&c->tgt, &b, why, len)) {
		fl_counters_delta(&a, &b, c->tgt.strategy, &fr);
		f->drv_faults = fl_drv_handler_calls(&fr);
	} else {
		f->drv_ok = false;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return fl_why(why, len, "%s %s failed (status 0x%x; output in %s)",
			      f->bin, f->job, st, out);
	text = fl_slurp(out, NULL);
	if (!text)
		return fl_sys(why, len, errno, "read", "%s", out);
	/* fio may print notes before the document. */
	root = fl_jv_parse(strchr(text, '{') ? strchr(text, '{') : text, why,
			   len);
	free(text);
	if (!root)
		return -1;
	v = fl_jv_get(root, "fio version");
	if (v && v->type == FL_JSTR)
		snprintf(f->version, sizeof(f->version), "%s", v->str);
	job = fl_jv_get(root, "jobs");
	if (!job || job->type != FL_JARR || !job->n) {
		fl_jv_free((struct fl_jv *)root);
		return fl_why(why, len, "fio output %s has no jobs", out);
	}
	for (i = 0; i < job->n; i++) {
		d = fl_fio_dir(job->items[i], write);
		v = fl_jv_get(d, "bw_bytes");
		bw += v ? v->num : 0;
		v = fl_jv_get(d, "iops");
		iops += v ? v->num : 0;
		if (i == 0) {
			v = fl_jv_path(d, "clat_ns.percentile");
			if (v) {
				const struct fl_jv *q;

				q = fl_jv_get(v, "50.000000");
				p50 = q ? q->num : NAN;
				q = fl_jv_get(v, "99.000000");
				p99 = q ? q->num : NAN;
			}
		}
	}
	fl_jv_free((struct fl_jv *)root);
	fl_metric(c, "fio_bw_Bps", "B/s", FL_HIGHER, bw);
	fl_metric(c, "fio_iops", "1/s", FL_HIGHER, iops);
	fl_metric(c, "fio_clat_p50_ns", "ns", FL_LOWER, p50);
	fl_metric(c, "fio_clat_p99_ns", "ns", FL_LOWER, p99);
	if (f->drv_ok)
		fl_metric(c, "fio_driver_faults", "count", FL_NEITHER,
			  (double)f->drv_faults);
	unlink(out);
	return 0;
}

static int fl_fio_rep_setup(struct fl_case *c, char *why, size_t len)
{
	return fl_fio_run(c, c->xpriv, why, len);
}

static int fl_fio_rep_finish(struct fl_case *c, char *why, size_t len)
{
	double fio = NAN, own = NAN;
	int ret;

	ret = fl_tput_rep_finish(c, why, len);
	if (c->measuring) {
		int i;

		for (i = 0; i < c->nmetrics; i++) {
			struct fl_metric *m = &c->metrics[i];

			if (!m->n)
				continue;
			if (!strcmp(m->name, "fio_bw_Bps"))
				fio = m->samples[m->n - 1];
			if (!strcmp(m->name, "bw_Bps"))
				own = m->samples[m->n - 1];
		}
		fl_metric(c, "flbench_over_fio", "ratio", FL_NEITHER,
			  fio > 0 ? own / fio : NAN);
	}
	return ret;
}

static void fl_fio_cleanup(struct fl_case *c)
{
	struct fl_fio *f = c->xpriv;

	fl_tput_cleanup(c);
	if (!f)
		return;
	if (f->param_changed && fl_write_file(FL_FIO_PARAM, f->param_saved))
		fl_warn("could not restore %s to %s", FL_FIO_PARAM,
			f->param_saved);
	rmdir(f->outdir);
	free(f);
	c->xpriv = NULL;
}

static void fl_fio_json(struct fl_case *c, struct fl_json *j)
{
	struct fl_fio *f = c->xpriv;

	if (!f)
		return;
	fl_json_str(j, "fio_binary", f->bin);
	fl_json_str(j, "fio_version", f->version[0] ? f->version : NULL);
	fl_json_str(j, "fio_job", f->job);
	fl_json_str(j, "fio_file", c->tgt.path);
	fl_json_bool(j, "module_default_changed", f->param_changed);
	fl_tput_json(c, j);
}

const struct fl_scenario fl_scen_fio = {
	.id = FL_SCEN_FIO,
	.name = "fio",
	.summary = "fio's mmap engine beside flbench's tput on the same file, size and block size",
	.headline = { "fio_bw_Bps", "bw_Bps" },
	.prepare = fl_fio_prepare,
	.thread_init = fl_tput_thread_init,
	.rep_setup = fl_fio_rep_setup,
	.work = fl_tput_work,
	.control = fl_tput_control,
	.rep_finish = fl_fio_rep_finish,
	.thread_fini = fl_tput_thread_fini,
	.cleanup = fl_fio_cleanup,
	.json = fl_fio_json,
};
