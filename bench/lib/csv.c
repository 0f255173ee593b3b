// SPDX-License-Identifier: GPL-2.0
/*
 * csv.c - tidy CSV output.
 */
#include <math.h>
#include <string.h>

#include "csv.h"

void fl_csv_init(struct fl_csv *c, FILE *f)
{
	c->f = f;
	c->nfield = 0;
}

static void fl_csv_sep(struct fl_csv *c)
{
	if (c->nfield++)
		fputc(',', c->f);
}

void fl_csv_str(struct fl_csv *c, const char *s)
{
	const char *p;

	fl_csv_sep(c);
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, c->f);
		return;
	}
	fputc('"', c->f);
	for (p = s; *p; p++) {
		if (*p == '"')
			fputc('"', c->f);
		fputc(*p, c->f);
	}
	fputc('"', c->f);
}

void fl_csv_u64(struct fl_csv *c, uint64_t v)
{
	fl_csv_sep(c);
	fprintf(c->f, "%llu", (unsigned long long)v);
}

void fl_csv_dbl(struct fl_csv *c, double v)
{
	fl_csv_sep(c);
	if (isfinite(v))
		fprintf(c->f, "%.10g", v);
}

void fl_csv_end_row(struct fl_csv *c)
{
	fputs("\n", c->f);
	c->nfield = 0;
}

void fl_csv_header(struct fl_csv *c, const char *const *names)
{
	while (*names)
		fl_csv_str(c, *names++);
	fl_csv_end_row(c);
}
