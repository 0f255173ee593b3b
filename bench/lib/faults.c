// SPDX-License-Identifier: GPL-2.0
/*
 * faults.c - per-thread rusage and perf page-fault counters, driver deltas.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"
#include "faults.h"

const char *const fl_counter_names[FL_CNT_NR] = FL_COUNTER_NAMES;

void fl_fault_thread_open(struct fl_fault_thread *ft)
{
	struct perf_event_attr attr;
	long fd;

	memset(ft, 0, sizeof(*ft));
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_PAGE_FAULTS;
	attr.disabled = 1;
	attr.exclude_kernel = 1;	/* allowed at perf_event_paranoid 2 */
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		ft->perf_fd = -1;
		ft->perf_err = errno;
	} else {
		ft->perf_fd = (int)fd;
	}
}

void fl_fault_thread_close(struct fl_fault_thread *ft)
{
	if (ft->perf_fd >= 0)
		close(ft->perf_fd);
	ft->perf_fd = -1;
}

void fl_fault_thread_begin(struct fl_fault_thread *ft)
{
	if (ft->perf_fd >= 0) {
		ioctl(ft->perf_fd, PERF_EVENT_IOC_RESET, 0);
		ioctl(ft->perf_fd, PERF_EVENT_IOC_ENABLE, 0);
	}
	getrusage(RUSAGE_THREAD, &ft->r0);
}

void fl_fault_thread_end(struct fl_fault_thread *ft)
{
	struct rusage r1;
	uint64_t v;

	getrusage(RUSAGE_THREAD, &r1);
	ft->perf_ok = false;
	if (ft->perf_fd >= 0) {
		ioctl(ft->perf_fd, PERF_EVENT_IOC_DISABLE, 0);
		if (read(ft->perf_fd, &v, sizeof(v)) == (ssize_t)sizeof(v)) {
			ft->perf = v;
			ft->perf_ok = true;
		} else {
			ft->perf_err = errno ? errno : EIO;
		}
	}
	ft->minflt = (uint64_t)(r1.ru_minflt - ft->r0.ru_minflt);
	ft->majflt = (uint64_t)(r1.ru_majflt - ft->r0.ru_majflt);
}

void fl_counters_delta(const struct fl_counters *a,
		       const struct fl_counters *b, unsigned int s,
		       struct fl_fault_rep *r)
{
	unsigned int i, k;

	r->drv_ok = true;
	r->drv_other = 0;
	for (i = 0; i < FL_CNT_NR; i++)
		r->drv[i] = b->val[s][i] - a->val[s][i];
	for (k = 0; k < FL_STRAT_NR; k++)
		for (i = 0; i < FL_CNT_NR; i++)
			if (k != s)
				r->drv_other += b->val[k][i] - a->val[k][i];
}

uint64_t fl_drv_handler_calls(const struct fl_fault_rep *r)
{
	return r->drv[FL_CNT_FAULT] + r->drv[FL_CNT_HUGE_FAULT_PMD] +
	       r->drv[FL_CNT_HUGE_FAULT_PUD];
}
