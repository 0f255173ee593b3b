/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - flbench fuzz: random and edge-case calls at every entry point
 * of a faultline device node, every result checked against CONFIG.md's
 * errno table (fuzz_errtab.c) and, where the argument class decides it,
 * against the one errno the class must get.
 *
 *   fuzz.c        the scenario: threads, the call loop, the table of
 *                 outcomes, the watchdog, results
 *   fuzz_calls.c  the calls: ioctl numbers, sizes, fields and pointers;
 *                 mmap offsets, lengths, protections and flags, and a
 *                 touch of what was mapped; open flags; read, write,
 *                 lseek, poll
 *   fuzz_errtab.c the errno table and its CONFIG.md parser
 */
#ifndef FL_FUZZ_H
#define FL_FUZZ_H

#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>

#include "flbench.h"
#include "fuzz_errtab.h"
#include "stress_klog.h"

/* Entry points, as the table shows them. */
enum fl_fz_ent {
	FL_FZ_OPEN,
	FL_FZ_MMAP,
	FL_FZ_FAULT,		/* a touch of what mmap() gave */
	FL_FZ_READ,
	FL_FZ_WRITE,
	FL_FZ_LSEEK,
	FL_FZ_POLL,
	FL_FZ_IOC_UNKNOWN,	/* numbers the driver does not know */
	FL_FZ_IOC_FIRST,	/* then one per known ioctl: fl_fz_iocs[] */
};

#define FL_FZ_NIOC	13
#define FL_FZ_NENT	(FL_FZ_IOC_FIRST + FL_FZ_NIOC)
#define FL_FZ_NCLS	24	/* argument classes per entry point, at most */

/* Outcomes: 0 success, 1..FL_FZ_ERRMAX errno, then signals. */
#define FL_FZ_ERRMAX	160
#define FL_FZ_SIGBUS	(FL_FZ_ERRMAX + 1)
#define FL_FZ_SIGSEGV	(FL_FZ_ERRMAX + 2)
#define FL_FZ_NOUT	(FL_FZ_ERRMAX + 3)

/* Expectation of one call: any documented errno, or exactly one. */
#define FL_FZ_ANY	(-1)

struct fl_fz_ioc {
	const char *name;
	unsigned long cmd;
	uint32_t size;		/* sizeof the struct, 0: takes a value */
	uint32_t ver0;		/* first published size */
	bool out;		/* the driver copies the struct back */
};

extern const struct fl_fz_ioc fl_fz_iocs[FL_FZ_NIOC];

struct fl_fz;

/* One call as the watchdog and the failure list describe it. */
struct fl_fz_call {
	int ent, cls;
	char args[160];
};

/* Per thread. */
struct fl_fz_thr {
	struct fl_fz *fz;
	int tid;
	uint64_t s[4];			/* the thread's generator */
	uint64_t calls, target;		/* done, to do */
	uint64_t (*count)[FL_FZ_NCLS][FL_FZ_NOUT];	/* [ent][cls][out] */
	/* Time per entry point and class (a touch: with its mmap, munmap). */
	uint64_t ns[FL_FZ_NENT][FL_FZ_NCLS];
	int fd, fd_ro, fd_wo;		/* the thread's files */
	int fd_dm;			/* the file of devmap */
	unsigned int strategy;		/* fd's, after a successful change */
	char *arena;			/* reserved address space for MAP_FIXED */
	uint64_t arena_len;
	char *argbuf;			/* 2 RW pages then a PROT_NONE guard */
	char *ropage;			/* read-only pages, a valid struct each */
	char *scratch;			/* ring memory nobody else uses */
	uint64_t scratch_len;
	char *devmap;			/* 2 pages of the device, for pointers */
	int kick_fd;			/* an eventfd */
	/* watchdog */
	_Atomic uint64_t call_t0;
	struct fl_fz_call cur;
	/* SIGBUS / SIGSEGV of touches */
	sigjmp_buf jb;
	volatile sig_atomic_t jb_armed;
	volatile int sig;
};

struct fl_fz {
	struct fl_case *c;
	char dev[128];
	struct fl_info info;
	struct fl_inject inject0;	/* put back at the end */
	struct fl_klog klog;
	struct fl_fz_thr **thr;
	/*
	 * What may make a touch SIGBUS: a revoke (every FL_IOC_REVOKE call
	 * counts as one) not yet followed by a restore, or injected errors.
	 */
	_Atomic uint64_t revokes, restored_upto;
	_Atomic int inject_errors;	/* error_ppm ever set non-zero */
	_Atomic bool remap_fault;
	/* Failures: undocumented errnos and wrong errnos for a class. */
	pthread_mutex_t lock;
	uint64_t undocumented, unexpected;
	char first_fail[2 * FL_WHY_LEN];
	/* Watchdog */
	_Atomic int hung;
	struct sigaction old_bus, old_segv;
};

extern _Thread_local struct fl_fz_thr *fl_fz_self;

/* fuzz_calls.c */
const char *fl_fz_ent_name(int ent);
/* The CONFIG.md entry point whose errnos apply. */
const char *fl_fz_ent_doc(int ent);
const char *fl_fz_cls_name(int ent, int cls);
int fl_fz_ncls(int ent);
/* One random call; records its outcome. */
void fl_fz_one(struct fl_fz *fz, struct fl_fz_thr *t);
int fl_fz_thread_setup(struct fl_fz *fz, struct fl_fz_thr *t, char *why,
		       size_t len);
void fl_fz_thread_teardown(struct fl_fz_thr *t);

/* fuzz.c: count an outcome and check it (@expect: FL_FZ_ANY, 0, errno). */
void fl_fz_record(struct fl_fz *fz, struct fl_fz_thr *t, int out,
		  int expect);

#endif /* FL_FUZZ_H */
