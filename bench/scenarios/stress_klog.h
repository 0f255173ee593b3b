/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress_klog.h - the kernel log during a stress or fuzz run: /dev/kmsg
 * read from the start of the run, every record matched against the
 * lab's patterns (scripts/lib/klog-bad.re, in the guest
 * /opt/faultline/klog-bad.re).  A match is a failure unless it matches
 * an expected pattern (--expect-warn, or a known kernel finding once the
 * run has done what causes it): then it is a finding.
 */
#ifndef FL_STRESS_KLOG_H
#define FL_STRESS_KLOG_H

#include <pthread.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/*
 * Kernel reports that are findings, not failures, once the run has done
 * what causes them (CONFIG.md, "Strategies": remap-fault, and "Moving a
 * PUD mapping").
 */
enum fl_klog_known {
	/* remap-fault: io_remap_pfn_range() from a fault, the lock warning */
	FL_KLOG_REMAP_FAULT,
	/* mremap() of a PUD mapping: 6.12 clears the leaf as a "bad pud" */
	FL_KLOG_MREMAP_PUD,
	FL_KLOG_KNOWN_NR
};

#define FL_KLOG_KEEP		64	/* lines kept of each kind */

struct fl_klog {
	int fd;				/* /dev/kmsg, -1: not read */
	char why[256];			/* why not */
	char patterns_path[256];
	regex_t *bad;
	int nbad;
	regex_t expect, known[FL_KLOG_KNOWN_NR];
	bool have_expect, known_on[FL_KLOG_KNOWN_NR];
	pthread_mutex_t lock;
	uint64_t records;		/* read since the start */
	uint64_t nfail, nfind;		/* matching lines of each kind */
	uint64_t lost;			/* records overwritten before read */
	char *fail[FL_KLOG_KEEP];	/* the first lines that fail */
	char *find[FL_KLOG_KEEP];	/* the first findings */
};

/*
 * Load the patterns and open /dev/kmsg at its end.  @expect is an ERE of
 * expected lines, "" for none.  Returns 0, or -1 with @why (patterns not
 * found or not valid); an unreadable /dev/kmsg is not an error (k->fd is
 * -1 and k->why says why).
 */
int fl_klog_open(struct fl_klog *k, const char *expect, char *why,
		 size_t len);
/* From now on, the known report @id is a finding. */
void fl_klog_expect_known(struct fl_klog *k, enum fl_klog_known id);
/* Read what the kernel logged since the last call; returns nfail. */
uint64_t fl_klog_drain(struct fl_klog *k);
void fl_klog_close(struct fl_klog *k);
/* "klog" object: available, reason, records, failures[], findings[]. */
void fl_klog_json(struct fl_klog *k, struct fl_json *j);
/* Append the failing lines (and the number of findings) to @f. */
void fl_klog_text(struct fl_klog *k, FILE *f);

#endif /* FL_STRESS_KLOG_H */
