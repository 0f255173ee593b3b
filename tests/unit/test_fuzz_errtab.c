// SPDX-License-Identifier: GPL-2.0
/*
 * test_fuzz_errtab.c - the fuzzer's table of allowed errnos is CONFIG.md's
 * errno table: the parser reads continuation rows, several entries in one
 * cell and several errnos in one cell, and the repository's CONFIG.md
 * matches the fuzzer's table exactly (each difference is printed), so the
 * documentation and the fuzzer cannot drift apart.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fuzz_errtab.h"
#include "json.h"
#include "tap.h"

static const char sample[] =
	"# x\n\n## Driver\n\n### Errnos\n\n"
	"| entry point | errno | when |\n"
	"|---|---|---|\n"
	"| `open` | `ENOMEM` | no memory |\n"
	"| `mmap` | `EINVAL` | `MAP_PRIVATE` (`EFAULT` is not an errno cell) |\n"
	"| | `ENODEV`, `EBUSY` | removed; other mode |\n"
	"| `FL_IOC_REVOKE`, `FL_IOC_RESTORE` | `EINVAL` | `flags` not 0 |\n"
	"| `bar` attribute | `EINVAL`, `EBUSY` | see above |\n"
	"| `poll` | none | always ready |\n"
	"\n## flbench\n\n| a | b |\n|---|---|\n| `x` | `EPERM` |\n";

static bool has(const struct fl_errtab_doc *d, const char *entry, int err)
{
	int i, k;

	for (i = 0; i < d->nrows; i++) {
		if (strcmp(d->rows[i].entry, entry))
			continue;
		if (!err)
			return true;
		for (k = 0; k < FL_ERRTAB_MAX_ERRNOS && d->rows[i].err[k]; k++)
			if (d->rows[i].err[k] == err)
				return true;
	}
	return false;
}

static void count_diff(const char *msg, void *arg)
{
	(*(int *)arg)++;
	diag("%s", msg);
}

static void test_parser(void)
{
	struct fl_errtab_doc d;
	char why[256] = "";
	int r = fl_errtab_parse(sample, &d, why, sizeof(why));

	ok(!r, "the sample table parses %s", why);
	if (r)
		return;
	ok(d.nrows == 6, "six entries (two in one row), the table after it ignored: %d",
	   d.nrows);
	ok(has(&d, "mmap", EINVAL) && has(&d, "mmap", ENODEV) &&
	   has(&d, "mmap", EBUSY) && !has(&d, "mmap", EFAULT),
	   "continuation rows add to the entry above; only the errno cell counts");
	ok(has(&d, "FL_IOC_REVOKE", EINVAL) && has(&d, "FL_IOC_RESTORE", EINVAL),
	   "one row, two entries");
	ok(has(&d, "bar attribute", EBUSY), "\"`bar` attribute\" is \"bar attribute\"");
	ok(has(&d, "poll", 0) && !has(&d, "poll", EPERM),
	   "an entry documented with no errno");
	fl_errtab_doc_free(&d);
	ok(fl_errtab_parse("no table here", &d, why, sizeof(why)) && why[0],
	   "no errno section: refused (%s)", why);
	ok(fl_errtab_parse("\n### Errnos\n| a | b | c |\n|---|---|---|\n| `x` | `EWHAT` | y |\n",
			   &d, why, sizeof(why)) && strstr(why, "EWHAT"),
	   "an unknown errno name: refused (%s)", why);
	fl_errtab_doc_free(&d);
}

static void test_allows(void)
{
	ok(fl_errtab_allows(fl_errtab, "FL_IOC_SET_STRATEGY", EBUSY) &&
	   fl_errtab_allows(fl_errtab, "FL_IOC_SET_STRATEGY", ENOTTY),
	   "an ioctl may answer its own errnos and every ioctl's");
	ok(!fl_errtab_allows(fl_errtab, "FL_IOC_GET_INFO", EBUSY),
	   "but not another ioctl's");
	ok(!fl_errtab_allows(fl_errtab, "read", ENOTTY) &&
	   fl_errtab_allows(fl_errtab, "read", EINVAL),
	   "read has its own only");
}

static void test_config_md(void)
{
	const char *repo = getenv("FL_REPO") ? getenv("FL_REPO") : FL_REPO_DIR;
	struct fl_errtab_doc d, bad;
	char path[1024], why[256] = "", *text;
	int diffs = 0, base, i;

	snprintf(path, sizeof(path), "%s/CONFIG.md", repo);
	text = fl_slurp(path, NULL);
	if (!ok(text != NULL, "read %s", path))
		return;
	ok(!fl_errtab_parse(text, &d, why, sizeof(why)),
	   "CONFIG.md's errno table parses %s", why);
	base = fl_errtab_compare(&d, count_diff, &diffs);
	ok(!diffs, "CONFIG.md's errno table and the fuzzer's agree (%d differences)",
	   diffs);

	/* The comparison can fail: drop one documented errno. */
	fl_errtab_parse(text, &bad, why, sizeof(why));
	for (i = 0; i < bad.nrows; i++)
		if (!strcmp(bad.rows[i].entry, "FL_IOC_SET_STRATEGY"))
			bad.rows[i].err[0] = EPERM;
	ok(fl_errtab_compare(&bad, NULL, NULL) == base + 1,
	   "a changed errno in CONFIG.md is one more difference");
	fl_errtab_doc_free(&bad);
	fl_errtab_doc_free(&d);
	free(text);
}

int main(void)
{
	test_parser();
	test_allows();
	test_config_md();
	return done_testing();
}
