/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csv.h - RFC 4180 CSV rows (LF line ends): fields containing a comma, quote, CR or LF
 * are quoted and inner quotes doubled; non-finite numbers are empty.
 */
#ifndef FL_CSV_H
#define FL_CSV_H

#include <stdint.h>
#include <stdio.h>

struct fl_csv {
	FILE *f;
	int nfield;		/* fields written on the current row */
};

void fl_csv_init(struct fl_csv *c, FILE *f);
void fl_csv_str(struct fl_csv *c, const char *s);
void fl_csv_u64(struct fl_csv *c, uint64_t v);
void fl_csv_dbl(struct fl_csv *c, double v);
void fl_csv_end_row(struct fl_csv *c);
/* Write a whole header row from a NULL-terminated list. */
void fl_csv_header(struct fl_csv *c, const char *const *names);

#endif /* FL_CSV_H */
