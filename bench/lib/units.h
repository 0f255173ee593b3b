/* SPDX-License-Identifier: GPL-2.0 */
/*
 * units.h - parsing and printing of sizes, durations and counts.
 *
 * Sizes are binary: K = 2^10, M = 2^20, G = 2^30, T = 2^40, with an
 * optional "iB" or "B" after the suffix ("4G", "4GiB", "4gb" are the same).
 * A bare number is bytes.  Fractions, signs and overflow are refused with
 * a message that names the offending text.
 */
#ifndef FL_UNITS_H
#define FL_UNITS_H

#include <stdint.h>
#include <stddef.h>

int fl_parse_size(const char *s, uint64_t *out, char *why, size_t len);
/* Unsigned decimal (or 0x hex) integer in [min, max]. */
int fl_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 char *why, size_t len);
/* Duration: a number with ns, us, ms, s (default), m or h. */
int fl_parse_duration(const char *s, uint64_t *ns, char *why, size_t len);
/* Non-negative decimal number (rates), e.g. "100" or "2.5". */
int fl_parse_double(const char *s, double min, double max, double *out,
		    char *why, size_t len);

/* "4G", "2M", "4K", "512": the shortest exact binary form. */
char *fl_fmt_size(uint64_t v, char *buf, size_t len);
/* "1.50 GiB": human form, rounded. */
char *fl_fmt_size_h(uint64_t v, char *buf, size_t len);
/* "12.3 us": human form of nanoseconds. */
char *fl_fmt_ns(double ns, char *buf, size_t len);

#endif /* FL_UNITS_H */
