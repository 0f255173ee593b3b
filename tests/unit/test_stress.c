// SPDX-License-Identifier: GPL-2.0
/*
 * test_stress.c - the deterministic parts of flbench stress: a seed
 * replays each thread's schedule exactly (and the generator is pinned, so
 * a seed from an old failure report still means the same operations),
 * operations stay inside the thread's lane, options restrict what is
 * generated, the device layout, and the data pattern's verdicts.
 */
#include <string.h>

#include "common.h"
#include "stress_pattern.h"
#include "stress_sched.h"
#include "tap.h"

static void cfg_init(struct fl_sched_cfg *cfg, uint64_t seed, int threads,
		     int ndev)
{
	int d;

	memset(cfg, 0, sizeof(*cfg));
	fl_sched_defaults(cfg);
	cfg->seed = seed;
	cfg->nthreads = threads;
	cfg->ndev = ndev;
	for (d = 0; d < ndev; d++) {
		cfg->span[d] = d ? 512 * FL_MIB : 4 * FL_GIB;
		cfg->pci[d] = !d;
		cfg->ram[d] = d;
	}
	cfg->features = FL_FEAT_PMD_PFNMAP | FL_FEAT_PUD_PFNMAP;
	cfg->unbind = true;
	cfg->ring = true;
}

/* The first @n operations of thread @tid, as one hash. */
static uint64_t schedule_hash(const struct fl_sched_cfg *cfg, int tid, int n)
{
	struct fl_sched s;
	struct fl_sop_args op;
	uint64_t h = 1469598103934665603ULL;
	char line[256];
	int i;
	size_t k;

	fl_sched_init(&s, cfg, tid);
	for (i = 0; i < n; i++) {
		fl_sched_next(&s, &op);
		fl_sop_format(&op, line, sizeof(line));
		for (k = 0; line[k]; k++)
			h = (h ^ (unsigned char)line[k]) * 1099511628211ULL;
		h = (h ^ op.rnd) * 1099511628211ULL;
	}
	return h;
}

static void test_replay(void)
{
	struct fl_sched_cfg a, b;

	cfg_init(&a, 7, 2, 2);
	cfg_init(&b, 7, 2, 2);
	ok(schedule_hash(&a, 0, 5000) == schedule_hash(&b, 0, 5000) &&
	   schedule_hash(&a, 1, 5000) == schedule_hash(&b, 1, 5000),
	   "the same seed replays both threads' 5000 operations");
	ok(schedule_hash(&a, 0, 5000) != schedule_hash(&a, 1, 5000),
	   "two threads of one seed have different schedules");
	b.seed = 8;
	ok(schedule_hash(&a, 0, 5000) != schedule_hash(&b, 0, 5000),
	   "another seed gives another schedule");
}

/* Pinned: a seed printed by an old report must still mean these. */
static const char golden[] =
	"touch s2 d0 pages=1\n"
	"strategy s0 d0 strategy=0 max_order=0 window=512 cache=0\n"
	"madvise s0 d0 POPULATE_WRITE\n";

static void test_golden(void)
{
	struct fl_sched_cfg cfg;
	struct fl_sched s;
	struct fl_sop_args op;
	char line[256], all[1024] = "";
	int i;

	cfg_init(&cfg, 42, 2, 1);
	fl_sched_init(&s, &cfg, 0);
	for (i = 0; i < 3; i++) {
		fl_sched_next(&s, &op);
		fl_sop_format(&op, line, sizeof(line));
		strncat(all, line, sizeof(all) - strlen(all) - 2);
		strcat(all, "\n");
	}
	ok(!strcmp(all, golden),
	   "seed 42, thread 0: the first three operations are the pinned ones");
	if (strcmp(all, golden))
		diag("got:\n%s", all);
}

static void test_bounds(void)
{
	struct fl_sched_cfg cfg;
	struct fl_sched s;
	struct fl_sop_args op;
	struct fl_slayout l;
	uint64_t seen[FL_SOP_NR] = { 0 }, bad = 0, invalid = 0, strat = 0;
	uint64_t lane0, lane1;
	int tid, i, k, missing = 0;

	cfg_init(&cfg, 3, 3, 2);
	for (tid = 0; tid < 3; tid++) {
		fl_sched_init(&s, &cfg, tid);
		for (i = 0; i < 20000; i++) {
			fl_sched_next(&s, &op);
			seen[op.kind]++;
			if (op.slot >= FL_SSLOTS || op.dev >= cfg.ndev)
				bad++;
			if (op.kind == FL_SOP_STRATEGY) {
				strat++;
				invalid += op.strategy >= FL_STRAT_NR ||
					   (op.max_order != FL_ORDER_PTE &&
					    op.max_order != FL_ORDER_PMD &&
					    op.max_order != FL_ORDER_PUD) ||
					   op.window > FL_WINDOW_MAX ||
					   (op.window & (op.window - 1)) ||
					   op.cache >= FL_CACHE_NR ||
					   (op.cache == FL_CACHE_WB && !cfg.ram[op.dev]);
			}
			if (op.kind != FL_SOP_MMAP)
				continue;
			fl_sched_layout(&cfg, op.dev, &l);
			lane0 = (uint64_t)tid * l.lane;
			lane1 = lane0 + l.lane;
			if (!op.len || op.off % FL_PAGE_SIZE ||
			    op.len % FL_PAGE_SIZE || op.off < lane0 ||
			    op.off + op.len > lane1 || op.addr_mode >= FL_SADDR_NR ||
			    !op.misalign || op.misalign > 511) {
				if (!bad)
					diag("thread %d: mmap off 0x%llx len 0x%llx outside lane [0x%llx, 0x%llx)",
					     tid, (unsigned long long)op.off,
					     (unsigned long long)op.len,
					     (unsigned long long)lane0,
					     (unsigned long long)lane1);
				bad++;
			}
		}
	}
	ok(!bad, "60000 operations: slots, devices and every mmap window inside the thread's lane, page aligned");
	for (k = 0; k < FL_SOP_NR; k++)
		if (!seen[k]) {
			diag("operation %s never generated", fl_sop_name((enum fl_sop)k));
			missing++;
		}
	ok(!missing, "every kind of operation is generated");
	ok(invalid > strat / 50 && invalid < strat / 5,
	   "strategy changes: %llu of %llu carry a field the driver must refuse (about 8%%)",
	   (unsigned long long)invalid, (unsigned long long)strat);
}

static void test_restrict(void)
{
	struct fl_sched_cfg cfg;
	struct fl_sched s;
	struct fl_sop_args op;
	int i, other = 0, unbind = 0, ring = 0;

	cfg_init(&cfg, 5, 2, 1);
	cfg.strategies = 1U << FL_STRAT_HUGE;
	cfg.max_order = FL_ORDER_PMD;
	cfg.unbind = false;
	cfg.ring = false;
	fl_sched_init(&s, &cfg, 1);
	for (i = 0; i < 20000; i++) {
		fl_sched_next(&s, &op);
		unbind += op.kind == FL_SOP_UNBIND;
		ring += op.kind == FL_SOP_RING;
		bool valid = op.strategy < FL_STRAT_NR &&
			     (op.max_order == FL_ORDER_PTE ||
			      op.max_order == FL_ORDER_PMD ||
			      op.max_order == FL_ORDER_PUD) &&
			     op.window && op.window <= FL_WINDOW_MAX &&
			     !(op.window & (op.window - 1)) &&
			     op.cache < FL_CACHE_NR;

		if (op.kind == FL_SOP_STRATEGY && valid &&
		    (op.strategy != FL_STRAT_HUGE || op.max_order != FL_ORDER_PMD))
			other++;
	}
	ok(!other, "--strategy huge --max-order pmd: valid strategy changes ask for exactly that");
	ok(!unbind && !ring, "no unbind and no ring operation when they are off");
}

static void test_layout(void)
{
	struct fl_sched_cfg cfg;
	struct fl_slayout l;

	cfg_init(&cfg, 1, 2, 2);
	fl_sched_layout(&cfg, 0, &l);
	ok(l.shared_off == 3 * FL_GIB && l.shared_len == FL_GIB &&
	   l.lane == 1536 * FL_MIB,
	   "4 GiB, 2 threads: lanes of 1.5 GiB, the last GiB shared (PUD-aligned)");
	fl_sched_layout(&cfg, 1, &l);
	ok(l.shared_off == 384 * FL_MIB && l.shared_len == 128 * FL_MIB &&
	   2 * l.lane <= l.shared_off && l.lane % (2 * FL_MIB) == 0,
	   "512 MiB, 2 threads: 128 MiB shared at 384 MiB, 2 MiB-aligned lanes before it");
	cfg.span[1] = 4 * FL_MIB;
	cfg.nthreads = 3;
	fl_sched_layout(&cfg, 1, &l);
	ok(!l.shared_len && l.lane && 3 * l.lane <= 4 * FL_MIB &&
	   l.lane % FL_PAGE_SIZE == 0,
	   "4 MiB, 3 threads: no shared area, page-aligned lanes");
}

static void test_pattern(void)
{
	char why[512];
	uint64_t w0 = fl_spat_w0(12, 0x1234), w1 = fl_spat_w1(w0, 7);

	ok(!fl_spat_check(12, 0x1234, 7, w0, w1, why, sizeof(why)),
	   "the page written with generation 7 checks");
	ok(!fl_spat_check(12, 0x1234, 0, w0, w1, why, sizeof(why)),
	   "a generation the run did not write: accepted");
	ok(!fl_spat_check(12, 0x1234, 0, 0, 0, why, sizeof(why)),
	   "an unwritten page (zero) with no generation known: accepted");
	ok(fl_spat_check(12, 0x1234, 8, w0, w1, why, sizeof(why)) &&
	   strstr(why, "generation 7, expected 8"),
	   "an older generation is a lost write or a stale mapping: %s", why);
	ok(fl_spat_check(12, 0x1235, 0, w0, w1, why, sizeof(why)) &&
	   strstr(why, "pattern of page 0x1234"),
	   "another page's identity, even with no generation known: %s", why);
	ok(fl_spat_check(13, 0x1234, 0, w0, w1, why, sizeof(why)) &&
	   strstr(why, "another device"),
	   "another device's identity: %s", why);
	ok(fl_spat_check(12, 0x1234, 7, 0, 0, why, sizeof(why)) &&
	   strstr(why, "lost"), "zero where generation 7 was written: %s", why);
	ok(fl_spat_check(12, 0x1234, 7, w0, w1 ^ (1ULL << 40), why, sizeof(why)),
	   "a value no generation gives: %s", why);
}

int main(void)
{
	test_replay();
	test_golden();
	test_bounds();
	test_restrict();
	test_layout();
	test_pattern();
	return done_testing();
}
