/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faults.h - page-fault counts from three sources, side by side:
 *
 *   driver  the faultline driver's exact counters (FL_IOC_GET_COUNTERS),
 *           per strategy and outcome, read before and after a phase;
 *   rusage  getrusage(RUSAGE_THREAD) minflt/majflt of every worker thread,
 *           summed over the threads;
 *   perf    the software event PERF_COUNT_SW_PAGE_FAULTS opened per worker
 *           thread (user-mode faults), summed; "unavailable" with the
 *           reason when perf_event_open() is refused.
 */
#ifndef FL_FAULTS_H
#define FL_FAULTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "faultline.h"

extern const char *const fl_counter_names[FL_CNT_NR];

struct fl_fault_thread {
	int perf_fd;			/* -1 when unavailable */
	int perf_err;			/* errno of perf_event_open */
	struct rusage r0;
	uint64_t minflt, majflt;	/* last phase */
	uint64_t perf;			/* last phase */
	bool perf_ok;
};

/* Open the per-thread sources; call from the thread itself. */
void fl_fault_thread_open(struct fl_fault_thread *ft);
void fl_fault_thread_close(struct fl_fault_thread *ft);
void fl_fault_thread_begin(struct fl_fault_thread *ft);
void fl_fault_thread_end(struct fl_fault_thread *ft);

/* One phase's counts from all sources. */
struct fl_fault_rep {
	bool drv_ok;
	uint64_t drv[FL_CNT_NR];	/* deltas of the strategy in use */
	uint64_t drv_other;		/* sum of deltas of other strategies */
	uint64_t minflt, majflt;
	bool perf_ok;
	uint64_t perf;
};

/* Delta of two GET_COUNTERS snapshots for strategy @s. */
void fl_counters_delta(const struct fl_counters *a,
		       const struct fl_counters *b, unsigned int s,
		       struct fl_fault_rep *r);
/* Faults the driver handled (->fault + ->huge_fault calls). */
uint64_t fl_drv_handler_calls(const struct fl_fault_rep *r);

#endif /* FL_FAULTS_H */
