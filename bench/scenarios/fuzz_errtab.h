/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_errtab.h - the errnos each entry point of the faultline device may
 * return, as the fuzzer checks them, and a parser of CONFIG.md's errno
 * table ("### Errnos" under "## Driver") so that a host test can hold the
 * two equal: the documentation and the fuzzer cannot drift apart.
 *
 * Entry points are named as in CONFIG.md's first column: "open", "mmap",
 * "every ioctl", "FL_IOC_SET_STRATEGY", "read", ...  An ioctl may return
 * the errnos of "every ioctl" and those of its own row.
 */
#ifndef FL_FUZZ_ERRTAB_H
#define FL_FUZZ_ERRTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FL_ERRTAB_MAX_ERRNOS	16

struct fl_errtab_row {
	const char *entry;			/* as in CONFIG.md */
	int err[FL_ERRTAB_MAX_ERRNOS];		/* 0-terminated */
};

/* The fuzzer's table; ends with a NULL entry. */
extern const struct fl_errtab_row fl_errtab[];

/*
 * CONFIG.md rows that are not entry points the fuzzer calls (faults are
 * signals, module load and PCI probe are not calls on a file, ...): the
 * host test wants every other row in fl_errtab.  Ends with NULL.
 */
extern const char *const fl_errtab_not_fuzzed[];

const struct fl_errtab_row *fl_errtab_find(const struct fl_errtab_row *tab,
					   const char *entry);
/* May @entry answer @err?  Ioctls ("FL_IOC_*") add "every ioctl". */
bool fl_errtab_allows(const struct fl_errtab_row *tab, const char *entry,
		      int err);

/* A table read from CONFIG.md (owned: free with fl_errtab_doc_free). */
struct fl_errtab_doc {
	int nrows;
	struct fl_errtab_row *rows;		/* entry strings allocated */
};

/*
 * Parse the "### Errnos" table of @text (CONFIG.md): rows whose first
 * cell is empty continue the entry above, a first cell may name several
 * entries ("`FL_IOC_REVOKE`, `FL_IOC_RESTORE`"), every `EXXX` of the
 * errno cell counts.  Returns 0, or -1 with @why.
 */
int fl_errtab_parse(const char *text, struct fl_errtab_doc *doc, char *why,
		    size_t len);
void fl_errtab_doc_free(struct fl_errtab_doc *doc);
/*
 * Compare @doc with the fuzzer's table: the same errnos for every entry
 * the fuzzer has, and every other documented entry listed as not fuzzed.
 * Returns the number of differences, each described on @report (a
 * callback, may be NULL).
 */
int fl_errtab_compare(const struct fl_errtab_doc *doc,
		      void (*report)(const char *msg, void *arg), void *arg);

/* errno value of "EINVAL", or 0 if unknown. */
int fl_errno_parse(const char *name);

#endif /* FL_FUZZ_ERRTAB_H */
