// SPDX-License-Identifier: GPL-2.0
/*
 * test_misc.c - random order permutation, CSV quoting, result folders and
 * atomic replacement, number formatting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "csv.h"
#include "perm.h"
#include "results.h"
#include "tap.h"
#include "units.h"

static void test_perm(void)
{
	static const uint64_t sizes[] = { 1, 2, 3, 7, 64, 1000, 4097, 262144, 1000003 };
	struct fl_perm p, q;
	size_t s;
	uint64_t i, v, fixed;
	int good;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint64_t n = sizes[s];
		unsigned char *seen = calloc(n, 1);

		fl_perm_init(&p, n, 42);
		good = 1;
		fixed = 0;
		for (i = 0; i < n; i++) {
			v = fl_perm_at(&p, i);
			if (v >= n || seen[v])
				good = 0;
			else
				seen[v] = 1;
			fixed += v == i;
		}
		ok(good, "permutation of %llu is a bijection", (unsigned long long)n);
		if (n >= 1000)
			ok(fixed < n / 50, "permutation of %llu is not near identity (%llu fixed points)",
			   (unsigned long long)n, (unsigned long long)fixed);
		free(seen);
	}
	fl_perm_init(&p, 100000, 1);
	fl_perm_init(&q, 100000, 2);
	good = 0;
	for (i = 0; i < 100; i++)
		good += fl_perm_at(&p, i) != fl_perm_at(&q, i);
	ok(good > 90, "different seeds give different orders");
}

static void test_csv(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct fl_csv c;
	const char *const hdr[] = { "a", "b", NULL };

	fl_csv_init(&c, f);
	fl_csv_header(&c, hdr);
	fl_csv_str(&c, "plain");
	fl_csv_str(&c, "with,comma");
	fl_csv_str(&c, "say \"hi\"");
	fl_csv_str(&c, "two\nlines");
	fl_csv_str(&c, NULL);
	fl_csv_u64(&c, 18446744073709551615ULL);
	fl_csv_dbl(&c, 0.0 / 0.0);
	fl_csv_dbl(&c, 1.5);
	fl_csv_end_row(&c);
	fclose(f);
	ok(!strcmp(buf, "a,b\nplain,\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\",,18446744073709551615,,1.5\n"),
	   "RFC 4180 quoting, empty fields for NULL and NaN");
	free(buf);
}

static void test_results(void)
{
	char dir[] = "/tmp/fl-unit-XXXXXX", path[1200], out[100], why[FL_WHY_LEN];
	char buf[1300];
	struct fl_afile a;
	struct stat st;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(out, sizeof(out), "%s/run", dir);
	ok(!fl_results_create(out, "x", path, sizeof(path), why, sizeof(why)) &&
	   !strcmp(path, out), "--out folder created");
	snprintf(buf, sizeof(buf), "%s/INCOMPLETE", out);
	ok(!stat(buf, &st), "a new run folder carries the INCOMPLETE marker first");
	ok(fl_results_create(out, "x", path, sizeof(path), why, sizeof(why)) &&
	   strstr(why, "already holds an incomplete run"),
	   "an occupied --out is refused: %s", why);
	ok(!fl_afile_open(&a, out, "result.json", why, sizeof(why)), "atomic open");
	fputs("{}\n", a.f);
	snprintf(buf, sizeof(buf), "%s/result.json", out);
	ok(stat(buf, &st), "the document is not visible before commit");
	ok(!fl_afile_commit(&a, why, sizeof(why)) && !stat(buf, &st) && st.st_size == 3,
	   "commit renames it into place");
	ok(!fl_results_done(out, why, sizeof(why)), "marker removed at the end");
	snprintf(buf, sizeof(buf), "%s/INCOMPLETE", out);
	ok(stat(buf, &st), "no INCOMPLETE after completion");
	ok(fl_results_create(out, "x", path, sizeof(path), why, sizeof(why)) &&
	   strstr(why, "already holds a run"), "a finished run is not overwritten");
	setenv("FL_RESULTS", dir, 1);
	ok(!fl_results_create(NULL, "populate", path, sizeof(path), why, sizeof(why)) &&
	   !strncmp(path, dir, strlen(dir)) && strstr(path, "populate"),
	   "without --out a new folder under $FL_RESULTS: %s", path);
	snprintf(buf, sizeof(buf), "rm -rf '%s'", dir);
	if (system(buf))
		diag("cleanup of %s failed", dir);
}

static void test_fmt(void)
{
	char b[64];

	ok(!strcmp(fl_fmt_size(4294967296ULL, b, sizeof(b)), "4G"), "4G");
	ok(!strcmp(fl_fmt_size(3 * 1024 * 1024, b, sizeof(b)), "3M"), "3M");
	ok(!strcmp(fl_fmt_size(4097, b, sizeof(b)), "4097"), "4097 stays bytes");
	ok(!strcmp(fl_fmt_ns(6400, b, sizeof(b)), "6.40 us"), "6.40 us");
	ok(!strcmp(fl_fmt_size_h(1536 * 1024 * 1024ULL, b, sizeof(b)), "1.50 GiB"),
	   "1.50 GiB");
	ok(!strcmp(fl_errno_name(EOPNOTSUPP), "EOPNOTSUPP"), "errno names");
}

int main(void)
{
	test_perm();
	test_csv();
	test_results();
	test_fmt();
	return done_testing();
}
