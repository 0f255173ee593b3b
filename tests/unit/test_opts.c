// SPDX-License-Identifier: GPL-2.0
/*
 * test_opts.c - sizes, durations, the option parser and matrix files:
 * good input parses to the right values, bad input is refused with a
 * message that names what was wrong.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "json.h"
#include "matrix.h"
#include "opts.h"
#include "tap.h"
#include "units.h"

static char why[FL_WHY_LEN];

static void size_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int r = fl_parse_size(s, &v, why, sizeof(why));

	ok(!r && v == want, "size '%s' = %llu (got %llu%s%s)", s,
	   (unsigned long long)want, (unsigned long long)v, r ? ": " : "",
	   r ? why : "");
}

static void size_bad(const char *s, const char *msg_has)
{
	uint64_t v;
	int r = fl_parse_size(s, &v, why, sizeof(why));

	ok(r && strstr(why, msg_has), "size '%s' refused: %s", s, r ? why : "(accepted!)");
}

/* Parse a command line given as one string. */
static int parse(struct fl_opts *o, enum fl_scen_id sc, const char *line,
		 bool lenient)
{
	char *copy = strdup(line), *argv[64], *save = NULL, *t;
	int argc = 0, r;

	for (t = strtok_r(copy, " ", &save); t && argc < 64;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	fl_opts_init(o);
	o->scenario = sc;
	why[0] = '\0';
	r = fl_opts_parse(o, argc, argv, lenient, why, sizeof(why));
	if (!r)
		r = fl_opts_check(o, why, sizeof(why));
	free(copy);
	return r;
}

static void bad(enum fl_scen_id sc, const char *line, const char *msg_has)
{
	struct fl_opts o;
	int r = parse(&o, sc, line, false);

	ok(r && strstr(why, msg_has), "'%s %s' refused: %s", fl_scen_names[sc],
	   line, r ? why : "(accepted!)");
}

static void test_units(void)
{
	uint64_t ns, v;
	double d;

	size_ok("4096", 4096);
	size_ok("4K", 4096);
	size_ok("4k", 4096);
	size_ok("2M", 2097152);
	size_ok("4G", 4294967296ULL);
	size_ok("4GiB", 4294967296ULL);
	size_ok("4gb", 4294967296ULL);
	size_ok("64G", 68719476736ULL);
	size_ok("1T", 1099511627776ULL);
	size_ok("0", 0);
	size_bad("", "empty");
	size_bad("-1G", "must start with a digit");
	size_bad("1.5G", "fractions");
	size_bad("4X", "unknown suffix");
	size_bad("4Gx", "trailing");
	size_bad("G", "must start with a digit");
	size_bad("99999999999999999999", "too large");
	size_bad("17179869184T", "too large");

	ok(!fl_parse_duration("500ms", &ns, why, sizeof(why)) && ns == 500000000ULL,
	   "duration 500ms");
	ok(!fl_parse_duration("2", &ns, why, sizeof(why)) && ns == 2000000000ULL,
	   "duration 2 (seconds by default)");
	ok(!fl_parse_duration("1.5s", &ns, why, sizeof(why)) && ns == 1500000000ULL,
	   "duration 1.5s");
	ok(!fl_parse_duration("250us", &ns, why, sizeof(why)) && ns == 250000ULL,
	   "duration 250us");
	ok(fl_parse_duration("5 fortnights", &ns, why, sizeof(why)) &&
	   strstr(why, "unknown unit"), "duration with a bad unit: %s", why);
	ok(!fl_parse_u64("0x10", 0, 100, &v, why, sizeof(why)) && v == 16,
	   "number 0x10");
	ok(fl_parse_u64("101", 0, 100, &v, why, sizeof(why)) &&
	   strstr(why, "out of range"), "number out of range: %s", why);
	ok(fl_parse_double("abc", 0, 1, &d, why, sizeof(why)) &&
	   strstr(why, "abc"), "bad rate names it: %s", why);
}

static void test_options(void)
{
	struct fl_opts o;
	int r;

	r = parse(&o, FL_SCEN_POPULATE,
		  "--target faultline:/dev/faultline0 --strategy huge --size 4G --threads 2 --reps 7 --access write --order random --misalign --max-order pmd",
		  false);
	ok(!r && !strcmp(o.target, "faultline:/dev/faultline0") &&
	   !strcmp(o.strategy, "huge") && o.size == 4294967296ULL &&
	   o.threads == 2 && o.reps == 7 && o.access == FL_ACC_WRITE &&
	   o.order == FL_ORD_RANDOM && o.misalign && o.max_order == 9,
	   "populate options parse to their values%s%s", r ? ": " : "", why);
	ok(fl_opts_given(&o, "size") && !fl_opts_given(&o, "bs"),
	   "given options are remembered");
	r = parse(&o, FL_SCEN_TPUT,
		  "--target=anon --op=copy --access=write --nt --bs=64 --pattern=random --duration=250ms",
		  false);
	ok(!r && o.op == FL_OP_COPY && o.nt && o.bs == 64 &&
	   o.pattern == FL_PAT_RANDOM && o.duration_ns == 250000000ULL,
	   "--name=value form%s%s", r ? ": " : "", why);
	r = parse(&o, FL_SCEN_TPUT, "--target anon", false);
	ok(!r && o.reps == 5 && o.warmup == 1 && o.threads == 1 &&
	   o.bs == 4096 && o.placement == FL_PLACE_LOCAL && o.access == FL_ACC_READ,
	   "defaults: 5 reps, 1 warm-up, 1 thread, 4K, local, read");

	bad(FL_SCEN_POPULATE, "--size 4G", "needs --target");
	bad(FL_SCEN_POPULATE, "--target anon --frobnicate 3", "unknown option '--frobnicate'");
	bad(FL_SCEN_POPULATE, "--target anon --threads", "needs a value");
	bad(FL_SCEN_POPULATE, "--target anon --threads 0", "--threads");
	bad(FL_SCEN_POPULATE, "--target anon --threads 1000", "out of range");
	bad(FL_SCEN_POPULATE, "--target anon --size 1.5G", "fractions");
	bad(FL_SCEN_POPULATE, "--target anon --size 6000", "multiple of the 4 KiB page");
	bad(FL_SCEN_POPULATE, "--target anon --access sideways", "choose from: read, write");
	bad(FL_SCEN_POPULATE, "--target anon --strategy fastest", "invalid --strategy 'fastest'");
	bad(FL_SCEN_POPULATE, "--target anon --bs 4K", "does not apply to scenario populate");
	bad(FL_SCEN_POPULATE, "--target anon --misalign=yes", "takes no value");
	bad(FL_SCEN_POPULATE, "--target anon --window 3", "not a power of two");
	bad(FL_SCEN_POPULATE, "--target anon --window 1024", "out of range");
	bad(FL_SCEN_POPULATE, "--target anon --max-order pgd", "invalid --max-order");
	bad(FL_SCEN_POPULATE, "--target anon --placement far", "invalid --placement");
	bad(FL_SCEN_POPULATE, "target anon", "unexpected argument 'target'");
	bad(FL_SCEN_TPUT, "--target anon --bs 3000", "power of two");
	bad(FL_SCEN_TPUT, "--target anon --bs 4M", "power of two from 8 to 2M");
	bad(FL_SCEN_TPUT, "--target anon --nt", "--nt needs --op write");
	bad(FL_SCEN_TPUT, "--target anon --op copy --nt", "needs --access write");
	bad(FL_SCEN_TPUT, "--target anon --duration 10us", "shorter than 1ms");
	bad(FL_SCEN_REVOKE, "--target anon --rate 100 --hold 20ms", "--hold is not shorter");
	bad(FL_SCEN_REVOKE, "--target anon --rate -5", "--rate");
	bad(FL_SCEN_CHURN, "--target anon --size 1M --chunk 2M", "--chunk is larger");
	bad(FL_SCEN_POPULATE, "--target anon --inject-delay 1s", "maximum of 10ms");
	bad(FL_SCEN_POPULATE, "--target anon --inject-error 2000000", "out of range");

	r = parse(&o, FL_SCEN_POPULATE, "--target anon --bs 4K --rate 5", true);
	ok(!r && o.bs == 4096, "lenient mode skips options of other scenarios");
}

static const char *mx_text =
	"# comment line\n"
	"defaults --reps 3   # trailing comment\n"
	"lab --bar-size 4G --cpus 2\n"
	"require bar-size 4G\n"
	"populate --target faultline:/dev/faultline0,anon --strategy all --threads 1,2\n"
	"tput,populate --target ${FL_TEST_TGT:-thp} \\\n"
	"   --size 16M --label \"a, b\"\n";

static void test_matrix(void)
{
	struct fl_matrix m;
	int r, i, anon = 0, fl = 0, strat_on_anon = 0;

	r = fl_matrix_parse(mx_text, "t.mx", &m, why, sizeof(why));
	ok(!r, "matrix parses%s%s", r ? ": " : "", r ? why : "");
	if (r)
		return;
	/* 6 strategies x 2 threads for faultline, 2 for anon (strategy dropped),
	 * then 2 scenarios for the thp line. */
	ok(m.n == 12 + 2 + 2, "cross product with strategy axis dropped for peers: %d cases",
	   m.n);
	for (i = 0; i < m.n; i++) {
		int k;
		bool is_anon = false, has_strat = false;

		for (k = 0; k + 1 < m.cases[i].argc; k++) {
			if (!strcmp(m.cases[i].argv[k], "--target") &&
			    !strcmp(m.cases[i].argv[k + 1], "anon"))
				is_anon = true;
			if (!strcmp(m.cases[i].argv[k], "--target") &&
			    !strncmp(m.cases[i].argv[k + 1], "faultline:", 10))
				fl++;
		}
		for (k = 0; k < m.cases[i].argc; k++)
			if (!strcmp(m.cases[i].argv[k], "--strategy"))
				has_strat = true;
		anon += is_anon;
		strat_on_anon += is_anon && has_strat;
	}
	ok(fl == 12 && anon == 2 && !strat_on_anon,
	   "12 faultline cases, 2 anon cases without --strategy");
	ok(m.cases[0].dargc == 2 && !strcmp(m.cases[0].dargv[1], "3"),
	   "defaults apply to later lines");
	ok(m.nlab == 4 && !strcmp(m.lab[1], "4G"), "lab options collected");
	ok(!strcmp(m.cases[14].scen, "tput") && m.cases[14].multi &&
	   !strcmp(m.cases[14].argv[1], "thp"),
	   "scenario lists, ${VAR:-default} and line continuation");
	ok(!strcmp(m.cases[14].argv[m.cases[14].argc - 1], "a, b"),
	   "quoted --label is not split at its comma");
	ok(m.cases[14].line == 6, "a case remembers its line");
	fl_matrix_free(&m);

	r = fl_matrix_parse("populate --target anon\nfrobnicate --target anon\n",
			    "bad.mx", &m, why, sizeof(why));
	ok(r && strstr(why, "bad.mx:2") && strstr(why, "frobnicate"),
	   "unknown statement named with file and line: %s", why);
	r = fl_matrix_parse("populate target anon\n", "bad.mx", &m, why, sizeof(why));
	ok(r && strstr(why, "expected an option"), "a word where an option belongs: %s",
	   why);
	unsetenv("FL_NOPE");
	r = fl_matrix_parse("populate --target ${FL_NOPE}\n", "bad.mx", &m, why,
			    sizeof(why));
	ok(r && strstr(why, "${FL_NOPE} is not set"), "unset variable: %s", why);
	r = fl_matrix_parse("# nothing\n\n", "empty.mx", &m, why, sizeof(why));
	ok(r && strstr(why, "no case lines"), "a matrix without cases: %s", why);
	r = fl_matrix_parse("populate --label \"open\n", "bad.mx", &m, why, sizeof(why));
	ok(r && strstr(why, "unterminated quote"), "unterminated quote: %s", why);
}

static void test_shipped_matrices(void)
{
	static const char *const files[] = { "default.mx", "sparse64g.mx", "smoke.mx",
					     "lab-short.mx" };
	const char *repo = getenv("FL_REPO") ? getenv("FL_REPO") : FL_REPO_DIR;
	struct fl_matrix m;
	struct fl_opts o;
	char path[1024];
	size_t f;
	int i, bad_cases;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		snprintf(path, sizeof(path), "%s/scripts/matrices/%s", repo, files[f]);
		if (fl_matrix_load(path, &m, why, sizeof(why))) {
			ok(0, "%s loads: %s", files[f], why);
			continue;
		}
		bad_cases = 0;
		for (i = 0; i < m.n; i++) {
			enum fl_scen_id id;

			fl_opts_init(&o);
			fl_scen_parse(m.cases[i].scen, &id);
			o.scenario = id;
			if (fl_opts_parse(&o, m.cases[i].dargc, m.cases[i].dargv, true,
					  why, sizeof(why)) ||
			    fl_opts_parse(&o, m.cases[i].argc, m.cases[i].argv,
					  m.cases[i].multi, why, sizeof(why)) ||
			    fl_opts_check(&o, why, sizeof(why))) {
				diag("%s case %d: %s", files[f], i + 1, why);
				bad_cases++;
			}
		}
		ok(!bad_cases && m.n > 0, "%s: all %d cases are valid", files[f], m.n);
		fl_matrix_free(&m);
	}
}

/* Every option of the table is documented in the man page and CONFIG.md. */
static void test_documented(void)
{
	const char *repo = getenv("FL_REPO") ? getenv("FL_REPO") : FL_REPO_DIR;
	char path[1024], pat[96];
	char *man, *cfg;
	size_t i;
	int missing = 0;

	snprintf(path, sizeof(path), "%s/bench/flbench.1", repo);
	man = fl_slurp(path, NULL);
	snprintf(path, sizeof(path), "%s/CONFIG.md", repo);
	cfg = fl_slurp(path, NULL);
	if (!man || !cfg) {
		ok(0, "flbench.1 and CONFIG.md are readable");
		free(man);
		free(cfg);
		return;
	}
	for (i = 0; i < fl_noptdescs; i++) {
		char *p, *q;

		/* The man page escapes dashes: --max-order is \-\-max\-order. */
		q = pat;
		q += sprintf(q, "\\-\\-");
		for (p = (char *)fl_optdescs[i].name; *p; p++)
			q += *p == '-' ? sprintf(q, "\\-") : sprintf(q, "%c", *p);
		if (!strstr(man, pat)) {
			diag("--%s missing from flbench.1", fl_optdescs[i].name);
			missing++;
		}
		snprintf(pat, sizeof(pat), "`--%s", fl_optdescs[i].name);
		if (!strstr(cfg, pat)) {
			diag("--%s missing from CONFIG.md", fl_optdescs[i].name);
			missing++;
		}
	}
	ok(!missing, "all %zu options are in flbench.1 and CONFIG.md", fl_noptdescs);
	free(man);
	free(cfg);
}

int main(void)
{
	test_documented();
	test_units();
	test_options();
	test_matrix();
	test_shipped_matrices();
	return done_testing();
}
