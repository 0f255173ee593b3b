// SPDX-License-Identifier: GPL-2.0
/*
 * test_json.c - the JSON writer and reader, and the documents flbench
 * writes: parsed back (by our reader and by jq or python3 when present),
 * with every required field of the results schema checked, the CSV
 * files checked for shape, and interrupted runs checked to look
 * incomplete.
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "tap.h"

static char why[512];
static char tmp[] = "/tmp/fl-json-XXXXXX";

static void test_writer(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct fl_json j;
	struct fl_jv *v;
	const struct fl_jv *x;
	const char nasty[] = "q\"b\\s/\x01\x1f\n\t\r\b\f\x7f end";
	const char utf8[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
	const char broken[] = "a\xff" "b\xc3" "c\xed\xa0\x80" "d";

	fl_json_init(&j, f);
	fl_json_obj_begin(&j, NULL);
	fl_json_str(&j, "nasty", nasty);
	fl_json_str(&j, "utf8", utf8);
	fl_json_str(&j, "broken", broken);
	fl_json_dbl(&j, "nan", NAN);
	fl_json_dbl(&j, "inf", INFINITY);
	fl_json_dbl(&j, "third", 1.0 / 3);
	fl_json_u64(&j, "big", 18446744073709551615ULL);
	fl_json_i64(&j, "neg", -42);
	fl_json_null(&j, "nothing");
	fl_json_arr_begin_compact(&j, "list");
	fl_json_bool(&j, NULL, true);
	fl_json_arr_begin_compact(&j, NULL);
	fl_json_arr_end(&j);
	fl_json_obj_begin(&j, NULL);
	fl_json_obj_end(&j);
	fl_json_arr_end(&j);
	fl_json_obj_end(&j);
	ok(!fl_json_finish(&j), "writer: well nested document finishes cleanly");
	fclose(f);

	v = fl_jv_parse(buf, why, sizeof(why));
	ok(v != NULL, "writer output parses back%s%s", v ? "" : ": ", v ? "" : why);
	if (!v) {
		diag("%s", buf);
		free(buf);
		return;
	}
	x = fl_jv_get(v, "nasty");
	ok(x && x->type == FL_JSTR && !strcmp(x->str, nasty),
	   "quote, backslash and control characters round-trip");
	x = fl_jv_get(v, "utf8");
	ok(x && !strcmp(x->str, utf8), "valid UTF-8 (2, 3 and 4 bytes) kept as is");
	x = fl_jv_get(v, "broken");
	ok(x && !strcmp(x->str, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d"),
	   "invalid UTF-8 bytes become U+FFFD");
	ok(fl_jv_get(v, "nan")->type == FL_JNULL && fl_jv_get(v, "inf")->type == FL_JNULL,
	   "NaN and infinity are written as null");
	ok(fl_jv_get(v, "third")->num == 1.0 / 3, "doubles round-trip exactly");
	ok(!strcmp(fl_jv_get(v, "big")->str, "18446744073709551615"),
	   "u64 written in full");
	x = fl_jv_path(v, "list.0");
	ok(x && x->type == FL_JBOOL && x->b && fl_jv_path(v, "list.1")->n == 0 &&
	   fl_jv_path(v, "list.2")->type == FL_JOBJ, "nested containers");
	fl_jv_free(v);
	free(buf);

	f = open_memstream(&buf, &len);
	fl_json_init(&j, f);
	fl_json_arr_begin(&j, NULL);
	fl_json_str(&j, "key-in-array", "x");
	fl_json_arr_end(&j);
	ok(fl_json_finish(&j), "writer: a key inside an array is reported as misuse");
	fclose(f);
	free(buf);
	f = open_memstream(&buf, &len);
	fl_json_init(&j, f);
	fl_json_obj_begin(&j, NULL);
	ok(fl_json_finish(&j), "writer: an unclosed object is reported");
	fclose(f);
	free(buf);
}

static void test_reader(void)
{
	static const char *const badjs[] = {
		"", "{", "[1,]", "{\"a\" 1}", "{\"a\":}", "01", "1.", "\"\\x\"",
		"\"tab\there\"", "[1] 2", "tru", "{a:1}", "-", "1e",
	};
	struct fl_jv *v;
	size_t i;
	int refused = 1;

	v = fl_jv_parse(" {\"s\":\"\\u00e9\\ud83d\\ude00\\n\", \"n\":-1.5e3, \"a\":[null,false]} ",
			why, sizeof(why));
	ok(v && !strcmp(fl_jv_get(v, "s")->str, "\xc3\xa9\xf0\x9f\x98\x80\n") &&
	   fl_jv_get(v, "n")->num == -1500 && fl_jv_path(v, "a.1")->type == FL_JBOOL,
	   "reader: escapes, surrogate pairs, numbers, literals");
	fl_jv_free(v);
	for (i = 0; i < sizeof(badjs) / sizeof(badjs[0]); i++) {
		v = fl_jv_parse(badjs[i], why, sizeof(why));
		if (v || !strstr(why, "offset")) {
			diag("accepted or no position: '%s'", badjs[i]);
			refused = 0;
		}
		fl_jv_free(v);
	}
	ok(refused, "reader refuses %zu malformed documents, naming the offset",
	   sizeof(badjs) / sizeof(badjs[0]));
}

/* Validate @path with an independent parser: jq, else python3. */
static void external_check(const char *path)
{
	char cmd[1400];

	if (!system("command -v jq >/dev/null 2>&1")) {
		snprintf(cmd, sizeof(cmd), "jq -e .schema_version '%s' >/dev/null", path);
		ok(!system(cmd), "jq parses %s", strrchr(path, '/') + 1);
	} else if (!system("python3 -c 'import json' >/dev/null 2>&1")) {
		snprintf(cmd, sizeof(cmd), "python3 -m json.tool '%s' >/dev/null", path);
		ok(!system(cmd), "python3 -m json.tool parses %s", strrchr(path, '/') + 1);
	} else {
		skip("neither jq nor python3 is installed for an independent parse");
	}
}

static int has(const struct fl_jv *o, const char *path, enum fl_jtype t)
{
	const struct fl_jv *x = fl_jv_path(o, path);

	if (!x || (x->type != t && !(t == FL_JSTR && x->type == FL_JNULL))) {
		diag("missing or wrong type: %s", path);
		return 0;
	}
	return 1;
}

/* Check one case object against the schema; returns problems found. */
static int check_case(const struct fl_jv *c, int reps)
{
	static const char *const pct[] = { "1", "5", "10", "20", "30", "40",
		"50", "60", "70", "80", "90", "95", "99", "99.5", "99.9", "99.95",
		"99.99" };
	static const char *const params[] = { "params.scenario", "params.target",
		"params.variant", "params.access", "params.placement" };
	const struct fl_jv *m, *h, *x;
	const char *st;
	int bad = 0;
	size_t i, k;

	bad += !has(c, "id", FL_JNUM) + !has(c, "name", FL_JSTR) +
	       !has(c, "status", FL_JSTR) + !has(c, "reason", FL_JSTR) +
	       !has(c, "params", FL_JOBJ) + !has(c, "metrics", FL_JARR) +
	       !has(c, "histograms", FL_JARR) + !has(c, "faults", FL_JOBJ) +
	       !has(c, "faults.driver.available", FL_JBOOL) +
	       !has(c, "faults.rusage.available", FL_JBOOL) +
	       !has(c, "faults.perf.available", FL_JBOOL) +
	       !has(c, "target", FL_JOBJ) + !has(c, "scenario", FL_JOBJ) +
	       !has(c, "timer", FL_JOBJ) + !has(c, "params.size", FL_JNUM) +
	       !has(c, "params.threads", FL_JNUM);
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		bad += !has(c, params[i], FL_JSTR);
	if (bad)
		return bad;
	st = fl_jv_get(c, "status")->str;
	if (strcmp(st, "ok") && strcmp(st, "unsupported") && strcmp(st, "failed") &&
	    strcmp(st, "interrupted")) {
		diag("unknown status %s", st);
		return 1;
	}
	if (strcmp(st, "ok")) {
		x = fl_jv_get(c, "reason");
		if (x->type != FL_JSTR || !*x->str) {
			diag("a %s case without a reason", st);
			bad++;
		}
		return bad;
	}
	x = fl_jv_get(c, "metrics");
	if (!x->n) {
		diag("an ok case without metrics");
		bad++;
	}
	for (i = 0; i < x->n; i++) {
		m = x->items[i];
		bad += !has(m, "name", FL_JSTR) + !has(m, "unit", FL_JSTR) +
		       !has(m, "better", FL_JSTR) + !has(m, "samples", FL_JARR) +
		       !has(m, "summary.median", FL_JNUM) +
		       !has(m, "summary.n", FL_JNUM);
		if (fl_jv_get(m, "samples") && (int)fl_jv_get(m, "samples")->n != reps) {
			diag("metric %s has %zu samples, expected %d",
			     fl_jv_get(m, "name")->str, fl_jv_get(m, "samples")->n, reps);
			bad++;
		}
	}
	x = fl_jv_get(c, "histograms");
	for (i = 0; i < x->n; i++) {
		h = x->items[i];
		bad += !has(h, "name", FL_JSTR) + !has(h, "count", FL_JNUM) +
		       !has(h, "bins", FL_JARR) + !has(h, "percentiles", FL_JOBJ);
		for (k = 0; k < sizeof(pct) / sizeof(pct[0]); k++)
			if (!fl_jv_get(fl_jv_get(h, "percentiles"), pct[k])) {
				diag("percentile %s missing", pct[k]);
				bad++;
			}
	}
	x = fl_jv_path(c, "faults.rusage.per_rep");
	if (!x || (int)x->n != reps) {
		diag("rusage per_rep has %zu entries, expected %d", x ? x->n : 0, reps);
		bad++;
	}
	return bad;
}

static int csv_fields(const char *line)
{
	int n = 1, q = 0;

	for (; *line && *line != '\n'; line++) {
		if (*line == '"')
			q = !q;
		else if (*line == ',' && !q)
			n++;
	}
	return n;
}

static void check_csv(const char *dir, const char *name, const char *first_col)
{
	char path[1200], line[8192];
	int cols = 0, rows = 0, bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		ok(0, "%s exists", name);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!rows++) {
			cols = csv_fields(line);
			if (strncmp(line, first_col, strlen(first_col)))
				bad++;
		} else if (csv_fields(line) != cols) {
			bad++;
		}
	}
	fclose(f);
	ok(!bad && rows > 1, "%s: header and %d rows of %d fields", name, rows - 1, cols);
}

static struct fl_jv *load(const char *path)
{
	char *text = fl_slurp(path, NULL);
	struct fl_jv *v;

	if (!text) {
		snprintf(why, sizeof(why), "cannot read %s", path);
		return NULL;
	}
	v = fl_jv_parse(text, why, sizeof(why));
	free(text);
	return v;
}

static void check_run(const char *dir, int reps, int want_cases)
{
	char path[1200];
	struct fl_jv *v;
	const struct fl_jv *cases;
	struct stat st;
	size_t i;
	int bad = 0;

	snprintf(path, sizeof(path), "%s/result.json", dir);
	v = load(path);
	ok(v != NULL, "result.json parses%s%s", v ? "" : ": ", v ? "" : why);
	if (!v)
		return;
	external_check(path);
	ok(has(v, "schema", FL_JSTR) && !strcmp(fl_jv_get(v, "schema")->str, "faultline-results") &&
	   has(v, "schema_version", FL_JNUM) && fl_jv_get(v, "schema_version")->num == 1,
	   "schema faultline-results version 1");
	ok(has(v, "complete", FL_JBOOL) && fl_jv_get(v, "complete")->b,
	   "the run says it is complete");
	ok(has(v, "meta.kernel.release", FL_JSTR) && has(v, "meta.kernel.cmdline", FL_JSTR) &&
	   has(v, "meta.cpu.model", FL_JSTR) && has(v, "meta.environment", FL_JSTR) &&
	   has(v, "meta.git_rev", FL_JSTR) && has(v, "meta.topology.pus", FL_JNUM) &&
	   has(v, "meta.thp", FL_JOBJ) && has(v, "meta.faultline_module.parameters", FL_JOBJ) &&
	   has(v, "meta.clock.overhead_ns", FL_JNUM) &&
	   has(v, "meta.kernel.kernel_config", FL_JOBJ),
	   "run metadata: kernel, cmdline, config, CPU, topology, environment, git, THP, module, clock");
	cases = fl_jv_get(v, "cases");
	ok(cases && (int)cases->n == want_cases, "%d cases recorded (%zu)", want_cases,
	   cases ? cases->n : 0);
	for (i = 0; cases && i < cases->n; i++)
		bad += check_case(cases->items[i], reps);
	ok(!bad, "every case carries the required fields (%d problems)", bad);
	fl_jv_free(v);
	check_csv(dir, "result.csv", "case_id,case,scenario,target,variant");
	check_csv(dir, "percentiles.csv", "case_id,case,variant,histogram,percentile");
	snprintf(path, sizeof(path), "%s/INCOMPLETE", dir);
	ok(stat(path, &st), "no INCOMPLETE marker in a finished run");
	snprintf(path, sizeof(path), "%s/summary.txt", dir);
	ok(!stat(path, &st) && st.st_size > 0, "summary.txt written");
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_flbench(const char *fb)
{
	char cmd[2048], dir[1200], path[1300];
	const char *repo = getenv("FL_REPO") ? getenv("FL_REPO") : FL_REPO_DIR;
	struct fl_jv *v;
	struct stat st;
	pid_t pid;
	int status;

	snprintf(dir, sizeof(dir), "%s/single", tmp);
	snprintf(cmd, sizeof(cmd),
		 "'%s' populate --target anon --size 4M --reps 3 --warmup 0 --placement none --quiet --out '%s'",
		 fb, dir);
	ok(run(cmd) == 0, "flbench populate on anon exits 0");
	check_run(dir, 3, 1);

	snprintf(dir, sizeof(dir), "%s/matrix", tmp);
	snprintf(cmd, sizeof(cmd),
		 "'%s' matrix '%s/scripts/matrices/smoke.mx' --quiet --out '%s' 2>/dev/null",
		 fb, repo, dir);
	ok(run(cmd) == 0, "flbench matrix smoke.mx exits 0");
	check_run(dir, 2, 13);

	snprintf(dir, sizeof(dir), "%s/unsup", tmp);
	snprintf(cmd, sizeof(cmd),
		 "'%s' populate --target faultline:/dev/faultline-none --quiet --out '%s' 2>/dev/null",
		 fb, dir);
	ok(run(cmd) == 77, "an unsupported target exits 77");
	snprintf(path, sizeof(path), "%s/result.json", dir);
	v = load(path);
	ok(v && !strcmp(fl_jv_path(v, "cases.0.status")->str, "unsupported") &&
	   strstr(fl_jv_path(v, "cases.0.reason")->str, "/dev/faultline-none"),
	   "...and is recorded as unsupported with the reason");
	fl_jv_free(v);

	snprintf(cmd, sizeof(cmd), "'%s' populate --target anon --size 3G7 2>/dev/null", fb);
	ok(run(cmd) == 2, "bad options exit 2 before creating anything");

	/* An interrupted run must never look complete. */
	snprintf(dir, sizeof(dir), "%s/interrupted", tmp);
	pid = fork();
	if (!pid) {
		execl(fb, fb, "churn", "--target", "anon", "--size", "64M",
		      "--chunk", "1M", "--iters", "100000", "--reps", "3",
		      "--quiet", "--out", dir, (char *)NULL);
		_exit(127);
	}
	usleep(1500000);
	kill(pid, SIGINT);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 130,
	   "SIGINT ends the run with status 130 (status 0x%x)", status);
	snprintf(path, sizeof(path), "%s/INCOMPLETE", dir);
	ok(!stat(path, &st), "an interrupted run keeps its INCOMPLETE marker");
	snprintf(path, sizeof(path), "%s/result.json", dir);
	v = load(path);
	ok(v && !fl_jv_get(v, "complete")->b &&
	   !strcmp(fl_jv_path(v, "cases.0.status")->str, "interrupted"),
	   "result.json says complete: false and the case interrupted");
	fl_jv_free(v);
}

int main(void)
{
	const char *fb = getenv("FLBENCH");
	char cmd[64];

	test_writer();
	test_reader();
	if (!mkdtemp(tmp)) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	if (fb && !access(fb, X_OK))
		test_flbench(fb);
	else
		ok(0, "FLBENCH names the flbench binary (make check sets it)");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd))
		diag("cleanup failed");
	return done_testing();
}
