/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress.h - the parts of flbench stress (see CONFIG.md, "Stress"):
 *
 *   stress_sched.c   the seeded schedule (pure, unit-tested)
 *   stress_ops.c     operations on files and mappings, revoke, unbind;
 *                    what each result may be
 *   stress_access.c  page accesses (signals caught), fork, mprotect
 *   stress_ring.c    the vring operations
 *   stress_pattern.c the data pattern and its check (pure, unit-tested)
 *   stress_check.c   counters against the harness's tallies, quiescing,
 *                    the watchdog
 *   stress_klog.c    the kernel log (also used by fuzz)
 *   stress_report.c  operation traces, the failure report, results
 *   stress.c         the scenario: setup, worker loop, controller
 */
#ifndef FL_STRESS_H
#define FL_STRESS_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "flbench.h"
#include "stress_klog.h"
#include "stress_pattern.h"
#include "stress_sched.h"

#define FL_STOUCH_MAX	262144ULL	/* pages of one access run (1 GiB) */

/* --------------------------------------------------------------- devices */

/*
 * State of a device that fork children must see as it changes: kept in
 * a MAP_SHARED anonymous page.
 */
struct fl_sdev_sh {
	_Atomic uint64_t rev_gen;	/* +1 before a revoke, +1 after its restore */
	_Atomic int revoking;		/* revokes not yet restored */
	_Atomic int inc;		/* incarnation: +1 at every rebind */
	_Atomic int dying_inc;		/* up to this: being removed or removed */
	_Atomic int dead_inc;		/* up to this: removed (unbind returned) */
	_Atomic int mode_users[FL_CACHE_NR];	/* our live mappings per mode */
	_Atomic uint64_t mode_adds;		/* mappings begun, any mode */
};

struct fl_sdev {
	char spec[256];			/* as given: faultline:/dev/faultlineN */
	char path[64];			/* node of the current incarnation */
	char label[40];			/* fl_info.name: stable across rebinds */
	char bdf[32];			/* PCI devices */
	struct fl_info info;
	unsigned int tag;		/* 8 bits of the label in every pattern */
	bool pci;
	uint64_t span;			/* bytes used */
	struct fl_slayout lay;
	/* Opens (read) against unbind and rebind (write). */
	pthread_rwlock_t open_lock;
	/* The controller's file, for counters. */
	int ctl_fd, ctl_inc;
	bool base_ok;
	int base_inc;
	uint64_t base[FL_STRAT_NR][FL_CNT_NR];
	/* The shared mapping every thread touches (remade at checkpoints). */
	int sh_fd, sh_inc;
	char *sh_map;
	unsigned int sh_strategy, sh_cache, sh_window, sh_max_order;
	uint64_t sh_epoch;		/* checkpoint that made it */
	uint64_t unbind_epoch;		/* checkpoint of the last unbind */
	uint64_t unbinds;
};

/* --------------------------------------------------------------- tallies */

/* What the harness did, to compare with the driver's counters. */
enum fl_stally {
	FL_ST_MMAP,		/* successful mmap() */
	FL_ST_TOUCH,		/* page accesses that may fault */
	FL_ST_FILL,		/* pages the driver may install for them */
	FL_ST_SIGBUS,		/* SIGBUS taken */
	FL_ST_NR
};

/* Per device and incarnation parity, per strategy. */
struct fl_stally_set {
	uint64_t v[FL_SDEV_MAX][2][FL_STRAT_NR][FL_ST_NR];
	uint64_t revokes[FL_SDEV_MAX][2];
};

/* --------------------------------------------------------------- threads */

/* A contiguous part of a slot's mapping (a punched hole leaves two). */
struct fl_spiece {
	char *addr;
	uint64_t off;			/* device offset of addr */
	uint64_t len;
};

struct fl_sring;

struct fl_sslot {
	/* The file. */
	int fd;				/* -1: none */
	int fd_dev, fd_inc;
	struct fl_strategy cfg;		/* the file's choice (GET_STRATEGY) */
	/* The mapping (may outlive the file: close while mapped). */
	int npieces;
	struct fl_spiece piece[2];
	int m_dev, m_inc;
	bool m_via_fd;			/* made through the slot's current file */
	bool m_ro;
	unsigned int m_strategy, m_cache, m_window, m_max_order;
	struct fl_sring *ring;		/* stress_ring.c */
};

/* One operation as the trace keeps it. */
struct fl_strace {
	uint64_t n;			/* operation number of the thread */
	uint64_t t_ns;			/* start, since the run began */
	uint64_t dur_ns;
	struct fl_sop_args op;
	int64_t ret;			/* 0, or what the call returned */
	int err;			/* errno seen, 0 */
	bool skipped, failed;
	char note[160];			/* result in words */
};

/* What a fork child reports through a shared page. */
struct fl_schild {
	int done;
	uint64_t checked, written, sigbus;
	uint64_t touches;		/* and the refaults revokes allowed */
	int bad;			/* a check failed: why[] */
	char why[FL_WHY_LEN];
};

struct fl_sthr {
	struct fl_stress *st;
	struct fl_thread *t;
	int tid;
	struct fl_sched sched;
	struct fl_sslot slot[FL_SSLOTS];
	uint32_t *shadow[FL_SDEV_MAX];	/* generation per page of the lane */
	uint32_t *shadow_sh[FL_SDEV_MAX];	/* ... of our shared-area pages */
	uint32_t gen;			/* last generation written */
	struct fl_stally_set tally;
	uint64_t ops[FL_SOP_NR], skips[FL_SOP_NR], sigbus_ops[FL_SOP_NR];
	uint64_t max_ns[FL_SOP_NR];	/* the longest of each kind */
	uint64_t pages_checked, pages_written;
	uint64_t max_map[FL_SDEV_MAX];		/* largest mapping made */
	uint64_t maps[FL_SDEV_MAX][FL_STRAT_NR];	/* mmaps, any incarnation */
	/* Trace ring. */
	struct fl_strace *trace;
	int ntrace;
	uint64_t tpos;
	struct fl_strace *cur;		/* entry of the operation running */
	/* Watchdog: start of the running operation (0: idle). */
	_Atomic uint64_t op_t0;
	_Atomic pid_t child;		/* fork child to kill on a hang */
	/* Signals: the access engine's jump buffer. */
	sigjmp_buf jb;
	volatile sig_atomic_t jb_armed;
	volatile int sig;
	void *volatile sig_addr;
	volatile int sig_code;
	struct fl_schild *child_page;	/* MAP_SHARED */
	uint64_t *scratch;		/* page lists, FL_STOUCH_MAX entries */
	bool done;
};

/* ------------------------------------------------------------------ case */

struct fl_stress {
	struct fl_case *c;
	int ndev;
	struct fl_sdev dev[FL_SDEV_MAX];
	struct fl_sdev_sh *sh;		/* MAP_SHARED, ndev entries */
	struct fl_sched_cfg cfg;
	struct fl_sthr **thr;
	uint64_t t0;			/* run start, fl_mono_ns() */
	uint64_t end_ns;		/* --duration over */
	/* Quiescing for checkpoints. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	_Atomic int pause;
	int paused;			/* under lock */
	int running;			/* workers not yet finished, under lock */
	uint64_t epoch;			/* checkpoints so far */
	/* fork children alive, and forks begun or reaped */
	_Atomic int children;
	_Atomic uint64_t fork_gen;
	/* One unbind at a time. */
	pthread_mutex_t unbind_lock;
	/* The first failure stops the run. */
	_Atomic int failed;
	pthread_mutex_t fail_lock;
	char fail_why[2 * FL_WHY_LEN];
	char *report;			/* failure report text */
	/* Watchdog. */
	pthread_t wd;
	bool wd_started;
	_Atomic int wd_stop;
	_Atomic uint64_t ctl_t0;	/* controller's check running since */
	/* Kernel log. */
	struct fl_klog klog;
	bool remap_fault_used;
	_Atomic uint64_t pud_mremaps;	/* moves of ranges a PUD entry may map */
	/* Results. */
	uint64_t checkpoints, counter_checks, counter_skips;
	struct fl_stally_set total;	/* over the run */
	uint64_t unbinds, ring_ops;
	bool ring_available;
	char ring_why[160];
	bool unbind_available;
	char unbind_why[160];
	struct sigaction old_bus, old_segv;
};

/* stress.c */
extern _Thread_local struct fl_sthr *fl_sself;
/* Record the first failure (later ones go to the trace only), stop. */
void fl_stress_fail(struct fl_stress *st, struct fl_sthr *me,
		    const char *fmt, ...) FL_PRINTF(3, 4);
static inline bool fl_stress_failed(const struct fl_stress *st)
{
	return atomic_load_explicit(&st->failed, memory_order_relaxed);
}

/* An operation's outcome, besides failing the run (-1). */
enum { FL_SOK = 0, FL_SSKIP = 1 };

/* The piece of a slot's mapping an operation works on, by its seed. */
static inline struct fl_spiece *fl_spick(struct fl_sslot *sl, uint64_t rnd)
{
	return sl->npieces ? &sl->piece[rnd % (uint64_t)sl->npieces] : NULL;
}

/* stress_ops.c */
int fl_sop_exec(struct fl_stress *st, struct fl_sthr *me,
		const struct fl_sop_args *op);
void fl_sslot_release(struct fl_stress *st, struct fl_sthr *me,
		      struct fl_sslot *sl);
int fl_sdev_open(struct fl_stress *st, int d, int *inc, char *why,
		 size_t len);
int fl_sshared_remake(struct fl_stress *st, int d, uint64_t rnd,
		      char *why, size_t len);
void fl_sshared_drop(struct fl_stress *st, int d);

/* stress_access.c */
void fl_ssignals_install(struct fl_stress *st);
void fl_ssignals_restore(struct fl_stress *st);
int fl_sop_access(struct fl_stress *st, struct fl_sthr *me,
		  struct fl_sslot *sl, const struct fl_sop_args *op,
		  uint64_t *scratch);
int fl_sop_shared(struct fl_stress *st, struct fl_sthr *me,
		  const struct fl_sop_args *op, uint64_t *scratch);
int fl_sop_fork(struct fl_stress *st, struct fl_sthr *me,
		struct fl_sslot *sl, const struct fl_sop_args *op,
		uint64_t *scratch);
int fl_sop_mprotect(struct fl_stress *st, struct fl_sthr *me,
		    struct fl_sslot *sl, const struct fl_sop_args *op,
		    uint64_t *scratch);

/* stress_ring.c */
int fl_sring_probe(struct fl_stress *st, char *why, size_t len);
int fl_sring_op(struct fl_stress *st, struct fl_sthr *me,
		struct fl_sslot *sl, const struct fl_sop_args *op);
void fl_sring_free(struct fl_sslot *sl);

/* Is a SIGBUS on a mapping of device @d, incarnation @inc, allowed? */
bool fl_ssigbus_ok(struct fl_stress *st, int d, int inc, uint64_t rev_gen0);
/*
 * A file or mapping of incarnation @inc while an unbind is under way or
 * done: ENODEV and SIGBUS are allowed (the device may be gone already).
 */
bool fl_sstale(struct fl_stress *st, int d, int inc);
void fl_stally_add(struct fl_sthr *me, int d, int inc, unsigned int strat,
		   enum fl_stally k, uint64_t n);
/* Pages a touch of a mapping may make the driver install. */
uint64_t fl_sfill_pages(unsigned int strategy, uint64_t vma_pages,
			unsigned int window, unsigned int max_order);
/* Quiesce the workers, compare counters with tallies, read the log. */
int fl_scheckpoint(struct fl_stress *st, bool final);
/* Worker side of quiescing: wait while a checkpoint runs. */
void fl_spause_point(struct fl_stress *st);
int fl_swatchdog_start(struct fl_stress *st, char *why, size_t len);
void fl_swatchdog_stop(struct fl_stress *st);

/* stress_report.c */
struct fl_strace *fl_strace_begin(struct fl_sthr *me, const struct fl_sop_args *op,
				  uint64_t now);
void fl_strace_end(struct fl_sthr *me, uint64_t now);
void fl_strace_note(struct fl_sthr *me, const char *fmt, ...) FL_PRINTF(2, 3);
/* The whole failure report: seed, traces, kernel log. */
char *fl_sreport(struct fl_stress *st);
void fl_sreport_json(struct fl_stress *st, struct fl_json *j);

#endif /* FL_STRESS_H */
