/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flbench.h - the pieces of flbench: targets, scenarios, cases, threads.
 *
 * A case is one scenario run against one target with one set of options.
 * The runner (runner.c) owns the threads: it binds one per PU, runs the
 * scenario's hooks around a start barrier and an end barrier for every
 * repetition, samples the three fault sources around the measured phase
 * and merges the per-thread histograms afterwards.  A scenario only says
 * what one thread does and what a repetition records.
 */
#ifndef FLBENCH_H
#define FLBENCH_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "faults.h"
#include "faultline.h"
#include "hist.h"
#include "json.h"
#include "opts.h"
#include "timing.h"
#include "topo.h"

/* Results schema version: bump on any incompatible change (CONFIG.md). */
#define FL_SCHEMA_VERSION	1

/* Return value of open/prepare hooks: the case cannot run here. */
#define FL_UNSUPPORTED		(-2)

/* Put the reason in @why and return FL_UNSUPPORTED. */
#define fl_unsupported(why, len, ...) \
	(fl_why(why, len, __VA_ARGS__), FL_UNSUPPORTED)

/* ---------------------------------------------------------------- targets */

struct fl_target;

struct fl_target_ops {
	const char *kind;		/* "faultline", "vfio", ... */
	const char *syntax;		/* for --help and --list */
	const char *help;
	/* Does @spec name this kind of target? */
	bool (*match)(const char *spec);
	/* Open; 0, -1 (error) or FL_UNSUPPORTED, with a reason in @why. */
	int (*open)(struct fl_target *t, const char *spec,
		    const struct fl_opts *o, char *why, size_t len);
	/* mmap(@addr, @len) at target offset @off with MAP_FIXED. */
	int (*map)(struct fl_target *t, void *addr, uint64_t off, uint64_t len,
		   char *why, size_t wlen);
	/* Optional: driver counters, revoke and restore. */
	int (*counters)(struct fl_target *t, struct fl_counters *c,
			char *why, size_t len);
	int (*revoke)(struct fl_target *t, uint64_t *zapped, char *why,
		      size_t len);
	int (*restore)(struct fl_target *t, char *why, size_t len);
	void (*close)(struct fl_target *t);
	/* Target-specific facts for the case's "target" object. */
	void (*json)(struct fl_target *t, struct fl_json *j);
	/* --list: availability on this machine. */
	void (*list)(FILE *f);
};

struct fl_target {
	const struct fl_target_ops *ops;
	char spec[256];
	uint64_t size;			/* bytes the target offers */
	uint64_t map_align;		/* address alignment used for mappings */
	uint64_t min_map;		/* smallest mapping length */
	uint64_t default_size;		/* --size when not given */
	int numa_node;			/* memory / device node, -1 */
	char bdf[32];			/* PCI device, "" if none */
	bool can_misalign;
	bool ram;			/* ordinary memory (anon, thp, hugetlb) */
	bool is_open;
	unsigned int strategy;		/* faultline: resolved strategy */
	int default_strategy;		/* faultline: module default, else -1 */
	int max_order;			/* faultline: FL_ORDER_* in force, else -1 */
	unsigned int window;		/* faultline: insert-around pages */
	unsigned int features;		/* faultline: FL_FEAT_* */
	unsigned int chunk_order;	/* faultline: contiguous chunk order */
	char path[160];			/* file fio can map, "" if none */
	char desc[256];
	void *priv;
};

extern const struct fl_target_ops *const fl_targets[];

/* Find and open the target named by o->target. */
int fl_target_open(struct fl_target *t, const struct fl_opts *o,
		   char *why, size_t len);
void fl_target_close(struct fl_target *t);
/*
 * Map [off, off + len) at an address congruent to @off modulo the
 * target's alignment (plus 4 KiB when @misalign), alone in the alignment
 * units it touches (a PROT_NONE guard fills the rest of them).  Returns
 * the address or NULL with @why.  fl_target_unmap() unmaps it and its
 * guard.
 */
void *fl_target_map(struct fl_target *t, uint64_t off, uint64_t len,
		    bool misalign, char *why, size_t wlen);
int fl_target_unmap(const struct fl_target *t, void *addr, uint64_t len,
		    char *why, size_t wlen);
/* Resolve "@faultlineN" or a BDF into "0000:bb:dd.f". */
int fl_resolve_bdf(const char *s, char *bdf, size_t blen, int *bar,
		   char *why, size_t len);
/* The PCI BDF behind a character device node, "" if none. */
void fl_chardev_bdf(const char *dev, char *bdf, size_t blen);
/* Change the driver bound to a PCI device (driver_override); "" unbinds. */
int fl_pci_bind(const char *bdf, const char *driver, char *why, size_t len);
/* Name of the driver bound to @bdf, "" if none. */
void fl_pci_driver(const char *bdf, char *drv, size_t len);
/* May this process rebind PCI drivers (--rebind, root, lab)? */
bool fl_may_rebind(const struct fl_opts *o);
/* Bind @bdf back to driver @orig ("" for none) and clear the override. */
int fl_pci_restore(const char *bdf, const char *orig, char *why, size_t len);

/* -------------------------------------------------------------- scenarios */

struct fl_case;
struct fl_thread;

#define FL_MAX_HISTS		4
#define FL_MAX_METRICS		40

enum fl_better { FL_LOWER, FL_HIGHER, FL_NEITHER };

struct fl_scenario {
	enum fl_scen_id id;
	const char *name;
	const char *summary;
	/* Driver counter snapshot before rep_setup rather than after it. */
	bool count_setup;
	const char *hists[FL_MAX_HISTS];	/* histogram names (ns) */
	const char *headline[2];		/* metrics in the summary */
	int (*prepare)(struct fl_case *c, char *why, size_t len);
	int (*thread_init)(struct fl_thread *t);
	int (*rep_setup)(struct fl_case *c, char *why, size_t len);
	int (*work)(struct fl_thread *t);
	int (*control)(struct fl_case *c, char *why, size_t len);
	int (*rep_finish)(struct fl_case *c, char *why, size_t len);
	void (*thread_fini)(struct fl_thread *t);
	void (*cleanup)(struct fl_case *c);
	void (*json)(struct fl_case *c, struct fl_json *j);
	/* Optional: --list, what the scenario can do on this machine. */
	void (*list)(FILE *f);
};

extern const struct fl_scenario fl_scen_populate, fl_scen_tput,
	fl_scen_revoke, fl_scen_churn, fl_scen_fio, fl_scen_stress,
	fl_scen_fuzz, fl_scen_vring;
const struct fl_scenario *fl_scenario_get(enum fl_scen_id id);

/* ------------------------------------------------------------ case state */

struct fl_metric {
	char name[40];
	char unit[16];
	enum fl_better better;
	double *samples;		/* one per measured repetition */
	size_t n;
};

struct fl_thread {
	int id;
	int pu;
	struct fl_case *c;
	pthread_t tid;
	struct fl_fault_thread ft;
	struct fl_hist *hist[FL_MAX_HISTS];
	uint64_t t0, t1;		/* measured phase of this thread */
	_Atomic uint64_t progress;	/* units done, for progress lines */
	sigjmp_buf jb;			/* SIGBUS recovery */
	volatile bool jb_armed;
	void *volatile sigbus_addr;
	uint64_t sigbus;
	void *priv;			/* scenario's per-thread state */
	int err;
	char why[FL_WHY_LEN];
} __attribute__((aligned(64)));

struct fl_case {
	const struct fl_opts *o;
	const struct fl_scenario *scen;
	struct fl_target tgt;
	struct fl_topo *topo;
	const struct fl_clock_info *clock;
	struct fl_place_plan plan;
	int nthreads;
	struct fl_thread **thr;
	uint64_t size;			/* bytes mapped */
	int index, total;		/* position in a matrix, for progress */
	char name[192];
	/* progress */
	uint64_t progress_total;	/* units per repetition, 0 unknown */
	uint64_t t_start;
	/* repetition state */
	int rep;			/* < 0 during warm-up */
	bool measuring;
	_Atomic int stop;		/* ask workers to finish */
	_Atomic int done;		/* workers finished */
	/* results */
	struct fl_metric metrics[FL_MAX_METRICS];
	int nmetrics;
	struct fl_hist *hist[FL_MAX_HISTS];
	int nhists;
	struct fl_fault_rep *faults;	/* per measured repetition */
	int nfaults;
	char drv_why[FL_WHY_LEN];	/* driver counters unavailable: why */
	char perf_why[FL_WHY_LEN];
	const char *status;		/* ok, unsupported, failed, interrupted */
	char reason[2 * FL_WHY_LEN];
	double elapsed_s;
	int oracle;			/* -1 none, 1 every repetition met it, 0 not */
	char oracle_why[160];		/* first mismatch */
	void *priv;			/* scenario's state */
	void *pool;			/* the runner's thread pool */
	void *xpriv;			/* state of a scenario wrapping another (fio) */
	char *scen_json;		/* scenario's JSON object, captured before cleanup */
	char *tgt_json;			/* target's JSON object, captured before close */
};

/* Record one measured-repetition sample of a metric (ignored in warm-up). */
void fl_metric(struct fl_case *c, const char *name, const char *unit,
	       enum fl_better better, double v);
/* Median of a metric's samples so far, NaN if none. */
double fl_metric_median(const struct fl_case *c, const char *name);
/* Faults the workers took in the last repetition: perf, else rusage. */
uint64_t fl_case_rep_faults(const struct fl_case *c, const char **src);
/* Should a worker stop now (scenario asked, or SIGINT/SIGTERM)? */
static inline bool fl_should_stop(struct fl_case *c)
{
	extern volatile sig_atomic_t fl_interrupted;

	return atomic_load_explicit(&c->stop, memory_order_relaxed) ||
	       fl_interrupted;
}

/* Wall time of the measured phase: last thread end - first thread start. */
uint64_t fl_case_wall_ns(const struct fl_case *c);
/* Sum of the threads' busy time. */
uint64_t fl_case_busy_ns(const struct fl_case *c);
/* Sleep @ns on the controller, returning early when interrupted. */
void fl_controller_sleep(struct fl_case *c, uint64_t ns);

/* -------------------------------------------------------------- runner */

extern volatile sig_atomic_t fl_interrupted;
extern volatile sig_atomic_t fl_interrupt_sig;

void fl_signals_install(void);
/*
 * Run one case; fills @c's results and status.  Returns 0 when a result
 * (of any status) was produced.
 */
int fl_run_case(struct fl_case *c, const struct fl_opts *o,
		struct fl_topo *topo, const struct fl_clock_info *clock);
void fl_case_free(struct fl_case *c);
/* Human name of the case: "populate faultline0 huge 4G T2 write". */
void fl_case_name(const struct fl_opts *o, char *buf, size_t len);
/* vring's part of the case name and its params (scenarios/vring.c). */
void fl_vring_case_name(const struct fl_opts *o, char *buf, size_t len);
void fl_vring_params_json(struct fl_json *j, const struct fl_opts *o);

/* ------------------------------------------------------------- reporting */

/* Write case.json, case.csv, percentiles.csv and summary.txt into @dir. */
int fl_case_write(struct fl_case *c, const char *dir, int id, char *why,
		  size_t len);
/* Write one unsupported/failed case without having run it. */
int fl_case_write_stub(const struct fl_opts *o, const char *dir, int id,
		       const char *status, const char *reason, char *why,
		       size_t len);

struct fl_run {
	char dir[1024];
	char what[64];
	int argc;
	char **argv;
	struct fl_topo *topo;
	const struct fl_clock_info *clock;
	char started[32];
	uint64_t t0;
	int ncases;
	const char *matrix_file;
};

/* Assemble result.json, result.csv, percentiles.csv, summary.txt. */
int fl_run_write(struct fl_run *r, bool complete, const char *incomplete_why,
		 char *why, size_t len);
/* Path of case @id's folder. */
void fl_run_case_dir(const struct fl_run *r, int id, char *buf, size_t len);

int fl_matrix_main(int argc, char **argv, struct fl_topo *topo);
void fl_list(FILE *f);

#endif /* FLBENCH_H */
