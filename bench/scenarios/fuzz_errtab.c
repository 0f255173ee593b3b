// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_errtab.c - what every entry point of the faultline device may
 * answer (the fuzzer's table), and CONFIG.md's errno table read back for
 * comparison (fuzz_errtab.h).  Errnos that the kernel gives before the
 * driver sees the call (a file without read(), a mapping flag the file
 * cannot have) are documented in CONFIG.md as such and listed here too.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fuzz_errtab.h"

const struct fl_errtab_row fl_errtab[] = {
	{ "open", { ENOMEM, ENOTDIR, EEXIST, EINVAL } },
	{ "mmap", { EINVAL, ENODEV, EBUSY, ENOMEM, EACCES, EPERM, EEXIST,
		    EOPNOTSUPP } },
	{ "every ioctl", { ENOTTY, ENODEV, EFAULT, EINVAL, E2BIG } },
	{ "FL_IOC_GET_INFO", { 0 } },
	{ "FL_IOC_SET_STRATEGY", { EINVAL, EOPNOTSUPP, EBUSY } },
	{ "FL_IOC_GET_STRATEGY", { 0 } },
	{ "FL_IOC_GET_COUNTERS", { EINVAL, ENOMEM } },
	{ "FL_IOC_RESET_COUNTERS", { EINVAL } },
	{ "FL_IOC_SET_INJECT", { EINVAL } },
	{ "FL_IOC_GET_INJECT", { 0 } },
	{ "FL_IOC_REVOKE", { EINVAL } },
	{ "FL_IOC_RESTORE", { EINVAL } },
	{ "FL_IOC_VRING_SETUP", { EINVAL, EFAULT, EBADF, EBUSY, EOPNOTSUPP,
				  ENOMEM, EINTR } },
	{ "FL_IOC_VRING_PROCESS", { ENXIO, EINVAL, EBUSY, EPERM, EIO, EFAULT,
				    ENOMEM, EINTR } },
	{ "FL_IOC_VRING_STATS", { ENXIO, EINVAL } },
	{ "FL_IOC_VRING_TEARDOWN", { ENXIO, EINVAL } },
	{ "read", { EINVAL } },
	{ "write", { EINVAL } },
	{ "lseek", { EINVAL } },
	{ "poll", { 0 } },
	{ NULL, { 0 } },
};

const char *const fl_errtab_not_fuzzed[] = {
	"faults",		/* SIGBUS: the stress checks them */
	"mremap",		/* kernel behaviour on PFNMAP: stress */
	"madvise",		/* kernel behaviour on PFNMAP: stress */
	"bar attribute",	/* sysfs, not the device node */
	"module load",
	"PCI probe",
	NULL,
};

const struct fl_errtab_row *fl_errtab_find(const struct fl_errtab_row *tab,
					   const char *entry)
{
	for (; tab->entry; tab++)
		if (!strcmp(tab->entry, entry))
			return tab;
	return NULL;
}

static bool fl_row_has(const struct fl_errtab_row *r, int err)
{
	int i;

	for (i = 0; r && i < FL_ERRTAB_MAX_ERRNOS && r->err[i]; i++)
		if (r->err[i] == err)
			return true;
	return false;
}

bool fl_errtab_allows(const struct fl_errtab_row *tab, const char *entry,
		      int err)
{
	if (fl_row_has(fl_errtab_find(tab, entry), err))
		return true;
	return !strncmp(entry, "FL_IOC_", 7) &&
	       fl_row_has(fl_errtab_find(tab, "every ioctl"), err);
}

int fl_errno_parse(const char *name)
{
	int e;

	for (e = 1; e < 200; e++)
		if (!strcmp(fl_errno_name(e), name))
			return e;
	return 0;
}

/* ---------------------------------------------------------------- parser */

/* Split a table line into cells (a "\|" is part of a cell). */
static int fl_cells(char *line, char **cell, int max)
{
	int n = 0;
	char *p = line, *w;

	while (*p == ' ')
		p++;
	if (*p != '|')
		return 0;
	p++;
	while (*p && n < max) {
		cell[n++] = p;
		for (w = p; *p && !(*p == '|' && (p == line || p[-1] != '\\'));
		     p++)
			*w++ = *p;
		if (!*p) {
			/* No closing bar: not a cell. */
			n--;
			break;
		}
		*w = '\0';
		p++;
	}
	return n;
}

/* Trim spaces and backticks around @s, in place. */
static char *fl_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '`')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '`'))
		*--e = '\0';
	return s;
}

static int fl_doc_add_errnos(struct fl_errtab_row *r, const char *cell,
			     char *why, size_t len)
{
	const char *p = cell;
	char name[32];
	int n = 0, e, i;

	while (n < FL_ERRTAB_MAX_ERRNOS && r->err[n])
		n++;
	while ((p = strchr(p, 'E'))) {
		size_t k = 1;

		if (p > cell && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) {
			p++;
			continue;
		}
		while (isupper((unsigned char)p[k]) || isdigit((unsigned char)p[k]))
			k++;
		if (k < 3 || k >= sizeof(name) || isalnum((unsigned char)p[k]) ||
		    p[k] == '_') {
			p += k;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)k, p);
		p += k;
		e = fl_errno_parse(name);
		if (!e)
			return fl_why(why, len, "unknown errno %s in '%s'", name,
				      cell);
		for (i = 0; i < n && r->err[i] != e; i++)
			;
		if (i < n)
			continue;
		if (n == FL_ERRTAB_MAX_ERRNOS)
			return fl_why(why, len, "too many errnos for %s", r->entry);
		r->err[n++] = e;
	}
	return 0;
}

int fl_errtab_parse(const char *text, struct fl_errtab_doc *doc, char *why,
		    size_t len)
{
	const char *p = strstr(text, "\n### Errnos");
	int cur[8], ncur = 0, i, n, k;
	char line[4096], *cell[8], *ent, *save;
	bool in_table = false;

	memset(doc, 0, sizeof(*doc));
	if (!p)
		return fl_why(why, len, "no \"### Errnos\" section");
	p = strchr(p + 1, '\n');
	while (p && *p) {
		const char *e = strchr(++p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l >= sizeof(line))
			return fl_why(why, len, "line too long in the errno table");
		memcpy(line, p, l);
		line[l] = '\0';
		p = e;
		n = fl_cells(line, cell, 8);
		if (!n) {
			if (in_table)
				break;
			if (!strncmp(line, "#", 1))
				break;
			continue;
		}
		if (!in_table) {
			in_table = true;	/* the header */
			continue;
		}
		if (strspn(fl_trim(cell[0]), "-: ") == strlen(fl_trim(cell[0])) &&
		    *fl_trim(cell[0]) == '-')
			continue;		/* the separator */
		if (n < 2)
			return fl_why(why, len, "errno table row with %d cells", n);
		ent = fl_trim(cell[0]);
		if (*ent) {
			ncur = 0;
			for (ent = strtok_r(ent, ",", &save); ent;
			     ent = strtok_r(NULL, ",", &save)) {
				struct fl_errtab_row *r;
				char *name = fl_trim(ent), *q, *w;

				/* "`bar` attribute" -> "bar attribute" */
				for (q = w = name; *q; q++)
					if (*q != '`')
						*w++ = *q;
				*w = '\0';
				if (ncur == (int)FL_ARRAY_SIZE(cur))
					return fl_why(why, len, "too many entries in one row");
				doc->rows = realloc(doc->rows, sizeof(*doc->rows) *
						    (size_t)(doc->nrows + 1));
				if (!doc->rows)
					return fl_why(why, len, "out of memory");
				r = &doc->rows[doc->nrows];
				memset(r, 0, sizeof(*r));
				r->entry = fl_xstrdup(name);
				cur[ncur++] = doc->nrows++;
			}
		}
		if (!ncur)
			return fl_why(why, len, "errno table: a continuation row before any entry");
		for (k = 0; k < ncur; k++)
			if (fl_doc_add_errnos(&doc->rows[cur[k]], cell[1], why, len))
				return -1;
	}
	if (!doc->nrows)
		return fl_why(why, len, "the errno table is empty");
	for (i = 0; i < doc->nrows; i++)
		for (k = i + 1; k < doc->nrows; k++)
			if (!strcmp(doc->rows[i].entry, doc->rows[k].entry))
				return fl_why(why, len, "entry %s appears twice",
					      doc->rows[i].entry);
	return 0;
}

void fl_errtab_doc_free(struct fl_errtab_doc *doc)
{
	int i;

	for (i = 0; i < doc->nrows; i++)
		free((char *)doc->rows[i].entry);
	free(doc->rows);
	memset(doc, 0, sizeof(*doc));
}

static void fl_errset_str(const struct fl_errtab_row *r, char *buf,
			  size_t len)
{
	int i;
	size_t n = 0;

	buf[0] = '\0';
	for (i = 0; r && i < FL_ERRTAB_MAX_ERRNOS && r->err[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
				      fl_errno_name(r->err[i]));
	if (!buf[0])
		snprintf(buf, len, "(none)");
}

static bool fl_row_subset(const struct fl_errtab_row *a,
			  const struct fl_errtab_row *b)
{
	int i;

	for (i = 0; a && i < FL_ERRTAB_MAX_ERRNOS && a->err[i]; i++)
		if (!fl_row_has(b, a->err[i]))
			return false;
	return true;
}

int fl_errtab_compare(const struct fl_errtab_doc *doc,
		      void (*report)(const char *msg, void *arg), void *arg)
{
	struct fl_errtab_row dtab[64];
	const struct fl_errtab_row *f, *d;
	char msg[512], a[160], b[160];
	int i, diffs = 0;
	bool listed;

	for (i = 0; i < doc->nrows && i < 63; i++)
		dtab[i] = doc->rows[i];
	dtab[i].entry = NULL;
	for (f = fl_errtab; f->entry; f++) {
		d = fl_errtab_find(dtab, f->entry);
		if (fl_row_subset(f, d) && fl_row_subset(d, f))
			continue;
		fl_errset_str(f, a, sizeof(a));
		fl_errset_str(d, b, sizeof(b));
		snprintf(msg, sizeof(msg), "%s: the fuzzer allows %s, CONFIG.md documents %s",
			 f->entry, a, d ? b : "nothing (no row)");
		if (report)
			report(msg, arg);
		diffs++;
	}
	for (i = 0; i < doc->nrows; i++) {
		const char *const *n;

		if (fl_errtab_find(fl_errtab, doc->rows[i].entry))
			continue;
		listed = false;
		for (n = fl_errtab_not_fuzzed; *n; n++)
			listed |= !strcmp(*n, doc->rows[i].entry);
		if (listed)
			continue;
		snprintf(msg, sizeof(msg), "%s: documented in CONFIG.md, not in the fuzzer's table (nor among the entries it does not call)",
			 doc->rows[i].entry);
		if (report)
			report(msg, arg);
		diffs++;
	}
	return diffs;
}
