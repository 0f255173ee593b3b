// SPDX-License-Identifier: GPL-2.0
/*
 * units.c - sizes, durations and numbers on the command line.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "units.h"

/* Parse the leading unsigned integer of @s; refuse signs and empties. */
static int fl_leading_u64(const char *s, uint64_t *v, const char **end,
			  const char *what, char *why, size_t len)
{
	char *e;

	if (!s || !*s)
		return fl_why(why, len, "empty %s", what);
	if (!isdigit((unsigned char)s[0]))
		return fl_why(why, len, "invalid %s '%s': must start with a digit",
			      what, s);
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return fl_why(why, len, "%s '%s' is too large", what, s);
	*end = e;
	return 0;
}

int fl_parse_size(const char *s, uint64_t *out, char *why, size_t len)
{
	static const char sfx[] = "KMGTP";
	const char *end = NULL, *p;
	uint64_t v = 0, mul = 1;
	int i;

	if (fl_leading_u64(s, &v, &end, "size", why, len))
		return -1;
	if (*end == '.')
		return fl_why(why, len,
			      "invalid size '%s': fractions are not accepted, use a smaller unit (e.g. 1536M)",
			      s);
	if (*end) {
		p = strchr(sfx, toupper((unsigned char)*end));
		if (!p)
			return fl_why(why, len,
				      "invalid size '%s': unknown suffix '%s' (use K, M, G or T)",
				      s, end);
		for (i = 0; i <= p - sfx; i++)
			mul *= 1024;
		end++;
		if (!strcasecmp(end, "iB") || !strcasecmp(end, "B"))
			end += strlen(end);
		if (*end)
			return fl_why(why, len,
				      "invalid size '%s': trailing '%s'", s, end);
	}
	if (mul > 1 && v > UINT64_MAX / mul)
		return fl_why(why, len, "size '%s' is too large", s);
	*out = v * mul;
	return 0;
}

int fl_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 char *why, size_t len)
{
	uint64_t v;
	char *e;

	if (!s || !*s)
		return fl_why(why, len, "empty number");
	if (!isdigit((unsigned char)s[0]))
		return fl_why(why, len, "invalid number '%s'", s);
	errno = 0;
	v = strtoull(s, &e, 0);
	if (errno == ERANGE)
		return fl_why(why, len, "number '%s' is too large", s);
	if (*e)
		return fl_why(why, len, "invalid number '%s': trailing '%s'",
			      s, e);
	if (v < min || v > max)
		return fl_why(why, len,
			      "number %s is out of range [%llu, %llu]", s,
			      (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int fl_parse_double(const char *s, double min, double max, double *out,
		    char *why, size_t len)
{
	double v;
	char *e;

	if (!s || !*s)
		return fl_why(why, len, "empty number");
	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return fl_why(why, len, "invalid number '%s'", s);
	errno = 0;
	v = strtod(s, &e);
	if (errno || *e || !isfinite(v))
		return fl_why(why, len, "invalid number '%s'", s);
	if (v < min || v > max)
		return fl_why(why, len, "number %s is out of range [%g, %g]",
			      s, min, max);
	*out = v;
	return 0;
}

int fl_parse_duration(const char *s, uint64_t *ns, char *why, size_t len)
{
	static const struct {
		const char *sfx;
		double mul;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
	};
	double v;
	char *e;
	size_t i;

	if (!s || !*s)
		return fl_why(why, len, "empty duration");
	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return fl_why(why, len, "invalid duration '%s'", s);
	errno = 0;
	v = strtod(s, &e);
	if (errno || !isfinite(v))
		return fl_why(why, len, "invalid duration '%s'", s);
	for (i = 0; i < FL_ARRAY_SIZE(units); i++) {
		if (strcmp(e, units[i].sfx))
			continue;
		v *= units[i].mul;
		if (v >= 1.8e19)
			return fl_why(why, len, "duration '%s' is too long", s);
		*ns = (uint64_t)llround(v);
		return 0;
	}
	return fl_why(why, len,
		      "invalid duration '%s': unknown unit '%s' (use ns, us, ms, s, m or h)",
		      s, e);
}

char *fl_fmt_size(uint64_t v, char *buf, size_t len)
{
	static const char sfx[] = "KMGTP";
	int i = -1;

	while (v && v % 1024 == 0 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)v, sfx[i]);
	return buf;
}

char *fl_fmt_size_h(uint64_t v, char *buf, size_t len)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double d = (double)v;
	int i = 0;

	while (d >= 1024 && i < 5) {
		d /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)v);
	else
		snprintf(buf, len, "%.2f %s", d, u[i]);
	return buf;
}

char *fl_fmt_ns(double ns, char *buf, size_t len)
{
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
	return buf;
}
