// SPDX-License-Identifier: GPL-2.0
/*
 * opts.c - the option table and its parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "faultline.h"
#include "opts.h"
#include "ring.h"
#include "units.h"

const char *const fl_scen_names[FL_SCEN_NR] = {
	[FL_SCEN_POPULATE] = "populate",
	[FL_SCEN_TPUT] = "tput",
	[FL_SCEN_REVOKE] = "revoke",
	[FL_SCEN_CHURN] = "churn",
	[FL_SCEN_FIO] = "fio",
	[FL_SCEN_STRESS] = "stress",
	[FL_SCEN_FUZZ] = "fuzz",
	[FL_SCEN_VRING] = "vring",
};

static const char *const fl_strat_names[FL_STRAT_NR] = {
	[FL_STRAT_REMAP_MMAP] = "remap-mmap",
	[FL_STRAT_REMAP_FAULT] = "remap-fault",
	[FL_STRAT_INSERT_PAGE] = "insert-page",
	[FL_STRAT_INSERT_BULK] = "insert-bulk",
	[FL_STRAT_INSERT_AROUND] = "insert-around",
	[FL_STRAT_HUGE] = "huge",
};

static const char *const fl_cache_names[FL_CACHE_NR] = {
	[FL_CACHE_DEFAULT] = "default",
	[FL_CACHE_UC] = "uc",
	[FL_CACHE_WC] = "wc",
	[FL_CACHE_WB] = "wb",
};

static const char *const fl_access_names[] = { "read", "write" };
static const char *const fl_order_names[] = { "seq", "interleaved", "random" };
static const char *const fl_op_names[] = { "read", "write", "copy" };
static const char *const fl_pattern_names[] = { "seq", "random" };
static const char *const fl_kick_names[FL_KICK_NR] = {
	[FL_KICK_IOCTL] = "ioctl",
	[FL_KICK_EVENTFD] = "eventfd",
	[FL_KICK_IO_URING] = "io_uring",
};
static const char *const fl_vring_mode_names[FL_VRING_MODE_IO_URING + 1] = {
	[FL_VRING_UACCESS] = "uaccess",
	[FL_VRING_UACCESS_BATCHED] = "uaccess-batched",
	[FL_VRING_KMAP] = "kmap",
	[FL_VRING_MODE_IO_URING] = "io_uring",
};
static const char *const fl_dir_names[] = { "tx", "rx" };

static int fl_lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

int fl_scen_parse(const char *s, enum fl_scen_id *id)
{
	int i = fl_lookup(fl_scen_names, FL_SCEN_NR, s);

	if (i < 0)
		return -1;
	*id = (enum fl_scen_id)i;
	return 0;
}

int fl_strategy_parse(const char *s)
{
	return fl_lookup(fl_strat_names, FL_STRAT_NR, s);
}

const char *fl_strategy_name(unsigned int id)
{
	return id < FL_STRAT_NR ? fl_strat_names[id] : "unknown";
}

int fl_cache_parse(const char *s)
{
	return fl_lookup(fl_cache_names, FL_CACHE_NR, s);
}

const char *fl_cache_name(unsigned int id)
{
	return id < FL_CACHE_NR ? fl_cache_names[id] : "unknown";
}

const char *fl_access_name(enum fl_access a)
{
	return fl_access_names[a];
}

const char *fl_order_name(enum fl_order o)
{
	return fl_order_names[o];
}

const char *fl_op_name(enum fl_op o)
{
	return fl_op_names[o];
}

const char *fl_pattern_name(enum fl_pattern p)
{
	return fl_pattern_names[p];
}

const char *fl_kick_name(enum fl_kick k)
{
	return k < FL_KICK_NR ? fl_kick_names[k] : "unknown";
}

const char *fl_vring_mode_name(int m)
{
	return m >= 0 && m <= FL_VRING_MODE_IO_URING ? fl_vring_mode_names[m] :
	       "unknown";
}

/* A choice among @names, with the list in the message when wrong. */
static int fl_set_choice(const char *const *names, size_t n, const char *v,
			 int *out, const char *opt, char *why, size_t len)
{
	char list[256] = "";
	int i = fl_lookup(names, n, v);
	size_t k;

	if (i >= 0) {
		*out = i;
		return 0;
	}
	for (k = 0; k < n; k++) {
		if (!names[k])
			continue;
		strncat(list, k ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, names[k], sizeof(list) - strlen(list) - 1);
	}
	return fl_why(why, len, "invalid %s '%s' (choose from: %s)", opt, v,
		      list);
}

static int fl_set_str(char *dst, size_t dlen, const char *v, const char *opt,
		      char *why, size_t len)
{
	if (!*v)
		return fl_why(why, len, "%s needs a non-empty value", opt);
	if (strlen(v) >= dlen)
		return fl_why(why, len, "%s value too long (max %zu characters)",
			      opt, dlen - 1);
	strcpy(dst, v);
	return 0;
}

static int fl_set_int(int *dst, const char *v, uint64_t min, uint64_t max,
		      const char *opt, char *why, size_t len)
{
	char sub[FL_WHY_LEN];
	uint64_t x;

	if (fl_parse_u64(v, min, max, &x, sub, sizeof(sub)))
		return fl_why(why, len, "%s: %s", opt, sub);
	*dst = (int)x;
	return 0;
}

static int fl_set_size(uint64_t *dst, const char *v, uint64_t min,
		       const char *opt, char *why, size_t len)
{
	char sub[FL_WHY_LEN], b[32];

	if (fl_parse_size(v, dst, sub, sizeof(sub)))
		return fl_why(why, len, "%s: %s", opt, sub);
	if (*dst < min)
		return fl_why(why, len, "%s: %s is below the minimum %s", opt,
			      v, fl_fmt_size(min, b, sizeof(b)));
	return 0;
}

static int fl_set_dur(uint64_t *dst, const char *v, const char *opt,
		      char *why, size_t len)
{
	char sub[FL_WHY_LEN];

	if (fl_parse_duration(v, dst, sub, sizeof(sub)))
		return fl_why(why, len, "%s: %s", opt, sub);
	return 0;
}

#define FL_SETTER(fn) \
	static int fn(struct fl_opts *o, const char *v, char *why, size_t len)

/* stress and fuzz take several devices: --target repeated, or a list. */
static bool fl_multi_target(const struct fl_opts *o)
{
	return o->scenario == FL_SCEN_STRESS || o->scenario == FL_SCEN_FUZZ;
}

FL_SETTER(set_target)
{
	const char *p = v, *e;
	size_t n;

	if (!fl_multi_target(o))
		return fl_set_str(o->target, sizeof(o->target), v, "--target",
				  why, len);
	do {
		e = strchr(p, ',');
		n = e ? (size_t)(e - p) : strlen(p);
		if (!n || n >= sizeof(o->targets[0]))
			return fl_why(why, len,
				      "--target '%s': empty or too long list element",
				      v);
		if (o->ntargets == FL_MAX_TARGETS)
			return fl_why(why, len, "--target: more than %d targets",
				      FL_MAX_TARGETS);
		snprintf(o->targets[o->ntargets++], sizeof(o->targets[0]),
			 "%.*s", (int)n, p);
		p = e ? e + 1 : NULL;
	} while (p);
	strcpy(o->target, o->targets[0]);
	return 0;
}

FL_SETTER(set_strategy)
{
	int i;

	if (!strcmp(v, "default")) {
		o->strategy[0] = '\0';
		return 0;
	}
	if (fl_set_choice(fl_strat_names, FL_STRAT_NR, v, &i, "--strategy",
			  why, len))
		return -1;
	strcpy(o->strategy, v);
	return 0;
}

FL_SETTER(set_max_order)
{
	if (!strcmp(v, "pte"))
		o->max_order = FL_ORDER_PTE;
	else if (!strcmp(v, "pmd"))
		o->max_order = FL_ORDER_PMD;
	else if (!strcmp(v, "pud"))
		o->max_order = FL_ORDER_PUD;
	else if (!strcmp(v, "0") || !strcmp(v, "9") || !strcmp(v, "18"))
		o->max_order = atoi(v);
	else
		return fl_why(why, len,
			      "invalid --max-order '%s' (choose from: pte, pmd, pud, 0, 9, 18)",
			      v);
	return 0;
}

FL_SETTER(set_window)
{
	if (fl_set_int(&o->window, v, 1, FL_WINDOW_MAX, "--window", why, len))
		return -1;
	if (o->window & (o->window - 1))
		return fl_why(why, len,
			      "--window %s is not a power of two", v);
	return 0;
}

FL_SETTER(set_cache)
{
	int i;

	if (fl_set_choice(fl_cache_names, FL_CACHE_NR, v, &i, "--cache", why,
			  len))
		return -1;
	strcpy(o->cache, i ? v : "");
	return 0;
}

FL_SETTER(set_size)
{
	if (fl_set_size(&o->size, v, FL_PAGE_SIZE, "--size", why, len))
		return -1;
	if (o->size % FL_PAGE_SIZE)
		return fl_why(why, len,
			      "--size %s is not a multiple of the 4 KiB page", v);
	return 0;
}

FL_SETTER(set_offset)
{
	if (fl_set_size(&o->offset, v, 0, "--offset", why, len))
		return -1;
	if (o->offset % FL_PAGE_SIZE)
		return fl_why(why, len,
			      "--offset %s is not a multiple of the 4 KiB page", v);
	return 0;
}

FL_SETTER(set_threads)
{
	return fl_set_int(&o->threads, v, 1, 256, "--threads", why, len);
}

FL_SETTER(set_reps)
{
	return fl_set_int(&o->reps, v, 1, 100000, "--reps", why, len);
}

FL_SETTER(set_warmup)
{
	return fl_set_int(&o->warmup, v, 0, 1000, "--warmup", why, len);
}

FL_SETTER(set_access)
{
	int i;

	if (fl_set_choice(fl_access_names, 2, v, &i, "--access", why, len))
		return -1;
	o->access = (enum fl_access)i;
	return 0;
}

FL_SETTER(set_order)
{
	int i;

	if (fl_set_choice(fl_order_names, 3, v, &i, "--order", why, len))
		return -1;
	o->order = (enum fl_order)i;
	return 0;
}

FL_SETTER(set_touch_stride)
{
	uint64_t s;

	if (fl_set_size(&s, v, FL_PAGE_SIZE, "--touch-stride", why, len))
		return -1;
	if (s & (s - 1) || s < FL_PAGE_SIZE || s > FL_GIB)
		return fl_why(why, len,
			      "--touch-stride %s is not a power of two from 4K to 1G", v);
	o->touch_stride = s;
	return 0;
}

FL_SETTER(set_misalign)
{
	(void)v; (void)why; (void)len;
	o->misalign = true;
	return 0;
}

FL_SETTER(set_placement)
{
	if (fl_placement_parse(v, &o->placement))
		return fl_why(why, len,
			      "invalid --placement '%s' (choose from: local, remote, spread, none)",
			      v);
	return 0;
}

FL_SETTER(set_mem_node)
{
	return fl_set_int(&o->mem_node, v, 0, 1023, "--mem-node", why, len);
}

FL_SETTER(set_out)
{
	return fl_set_str(o->out, sizeof(o->out), v, "--out", why, len);
}

FL_SETTER(set_clock)
{
	static const char *const names[] = { "auto", "monotonic-raw", "tsc" };
	int i;

	if (fl_set_choice(names, 3, v, &i, "--clock", why, len))
		return -1;
	strcpy(o->clock, v);
	return 0;
}

FL_SETTER(set_label)
{
	return fl_set_str(o->label, sizeof(o->label), v, "--label", why, len);
}

FL_SETTER(set_seed)
{
	char sub[FL_WHY_LEN];

	if (fl_parse_u64(v, 1, UINT64_MAX, &o->seed, sub, sizeof(sub)))
		return fl_why(why, len, "--seed: %s", sub);
	return 0;
}

FL_SETTER(set_op)
{
	int i;

	if (fl_set_choice(fl_op_names, 3, v, &i, "--op", why, len))
		return -1;
	o->op = (enum fl_op)i;
	return 0;
}

FL_SETTER(set_pattern)
{
	int i;

	if (fl_set_choice(fl_pattern_names, 2, v, &i, "--pattern", why, len))
		return -1;
	o->pattern = (enum fl_pattern)i;
	return 0;
}

FL_SETTER(set_bs)
{
	if (fl_set_size(&o->bs, v, 8, "--bs", why, len))
		return -1;
	if (o->bs > 2 * FL_MIB || (o->bs & (o->bs - 1)))
		return fl_why(why, len,
			      "--bs %s: the access size must be a power of two from 8 to 2M",
			      v);
	return 0;
}

FL_SETTER(set_nt)
{
	(void)v; (void)why; (void)len;
	o->nt = true;
	return 0;
}

FL_SETTER(set_duration)
{
	if (fl_set_dur(&o->duration_ns, v, "--duration", why, len))
		return -1;
	if (o->duration_ns < 1000000)
		return fl_why(why, len, "--duration %s is shorter than 1ms", v);
	return 0;
}

FL_SETTER(set_rate)
{
	char sub[FL_WHY_LEN];

	if (fl_parse_double(v, 0.001, 1e6, &o->rate, sub, sizeof(sub)))
		return fl_why(why, len, "--rate: %s", sub);
	return 0;
}

FL_SETTER(set_cycles)
{
	char sub[FL_WHY_LEN];

	if (fl_parse_u64(v, 1, 100000000, &o->cycles, sub, sizeof(sub)))
		return fl_why(why, len, "--cycles: %s", sub);
	return 0;
}

FL_SETTER(set_hold)
{
	return fl_set_dur(&o->hold_ns, v, "--hold", why, len);
}

FL_SETTER(set_chunk)
{
	if (fl_set_size(&o->chunk, v, FL_PAGE_SIZE, "--chunk", why, len))
		return -1;
	if (o->chunk % FL_PAGE_SIZE)
		return fl_why(why, len,
			      "--chunk %s is not a multiple of the 4 KiB page", v);
	return 0;
}

FL_SETTER(set_iters)
{
	char sub[FL_WHY_LEN];

	if (fl_parse_u64(v, 1, 1000000000, &o->iters, sub, sizeof(sub)))
		return fl_why(why, len, "--iters: %s", sub);
	return 0;
}

FL_SETTER(set_fork)
{
	(void)v; (void)why; (void)len;
	o->fork = true;
	return 0;
}

FL_SETTER(set_inject_delay)
{
	uint64_t ns;

	if (fl_set_dur(&ns, v, "--inject-delay", why, len))
		return -1;
	if (ns > FL_INJECT_DELAY_MAX)
		return fl_why(why, len,
			      "--inject-delay %s exceeds the driver's maximum of 10ms",
			      v);
	o->inject_delay_ns = (int64_t)ns;
	return 0;
}

FL_SETTER(set_inject_error)
{
	char sub[FL_WHY_LEN];
	uint64_t x;

	if (fl_parse_u64(v, 0, 1000000, &x, sub, sizeof(sub)))
		return fl_why(why, len, "--inject-error: %s", sub);
	o->inject_error_ppm = (int64_t)x;
	return 0;
}

FL_SETTER(set_ops)
{
	char sub[FL_WHY_LEN];

	if (fl_parse_u64(v, 0, UINT64_MAX, &o->ops, sub, sizeof(sub)))
		return fl_why(why, len, "--ops: %s", sub);
	return 0;
}

FL_SETTER(set_calls)
{
	char sub[FL_WHY_LEN];

	if (fl_parse_u64(v, 1, UINT64_MAX, &o->calls, sub, sizeof(sub)))
		return fl_why(why, len, "--calls: %s", sub);
	return 0;
}

FL_SETTER(set_op_timeout)
{
	if (fl_set_dur(&o->op_timeout_ns, v, "--op-timeout", why, len))
		return -1;
	if (o->op_timeout_ns < 1000000000ULL)
		return fl_why(why, len, "--op-timeout %s is shorter than 1s", v);
	return 0;
}

FL_SETTER(set_check)
{
	if (fl_set_dur(&o->check_ns, v, "--check-every", why, len))
		return -1;
	if (o->check_ns < 10000000ULL)
		return fl_why(why, len, "--check-every %s is shorter than 10ms",
			      v);
	return 0;
}

FL_SETTER(set_trace)
{
	return fl_set_int(&o->trace, v, 1, 100000, "--trace", why, len);
}

static int fl_set_yna(int *dst, const char *v, const char *opt, char *why,
		      size_t len)
{
	static const char *const names[] = { "no", "yes", "auto" };
	int i;

	if (fl_set_choice(names, 3, v, &i, opt, why, len))
		return -1;
	*dst = i == 2 ? -1 : i;
	return 0;
}

FL_SETTER(set_unbind)
{
	return fl_set_yna(&o->unbind, v, "--unbind", why, len);
}

FL_SETTER(set_ring)
{
	return fl_set_yna(&o->ring, v, "--ring", why, len);
}

/* Repeatable: the expressions are joined into one alternation. */
FL_SETTER(set_expect_warn)
{
	size_t n = strlen(o->expect_warn);

	if (!*v)
		return fl_why(why, len, "--expect-warn needs a non-empty value");
	if (n + strlen(v) + 3 >= sizeof(o->expect_warn))
		return fl_why(why, len, "--expect-warn: expressions too long");
	snprintf(o->expect_warn + n, sizeof(o->expect_warn) - n, "%s(%s)",
		 n ? "|" : "", v);
	return 0;
}

FL_SETTER(set_fio_job)
{
	return fl_set_str(o->fio_job, sizeof(o->fio_job), v, "--fio-job", why,
			  len);
}

FL_SETTER(set_fio_bin)
{
	return fl_set_str(o->fio_bin, sizeof(o->fio_bin), v, "--fio-bin", why,
			  len);
}

FL_SETTER(set_rebind)
{
	static const char *const names[] = { "no", "yes", "auto" };
	int i;

	if (fl_set_choice(names, 3, v, &i, "--rebind", why, len))
		return -1;
	o->rebind = i == 2 ? -1 : i;
	return 0;
}

FL_SETTER(set_quiet)
{
	(void)v; (void)why; (void)len;
	o->quiet = true;
	o->progress = 0;
	return 0;
}

FL_SETTER(set_verbose)
{
	(void)v; (void)why; (void)len;
	o->verbose = true;
	return 0;
}

FL_SETTER(set_progress)
{
	static const char *const names[] = { "no", "yes", "auto" };
	int i;

	if (fl_set_choice(names, 3, v, &i, "--progress", why, len))
		return -1;
	o->progress = i == 2 ? -1 : i;
	return 0;
}

FL_SETTER(set_vring_mode)
{
	return fl_set_choice(fl_vring_mode_names, FL_VRING_MODE_IO_URING + 1, v,
			     &o->vring_mode, "--mode", why, len);
}

FL_SETTER(set_kick)
{
	int i;

	if (fl_set_choice(fl_kick_names, FL_KICK_NR, v, &i, "--kick", why, len))
		return -1;
	o->kick = (enum fl_kick)i;
	return 0;
}

FL_SETTER(set_ring_mem)
{
	return fl_set_str(o->ring_mem, sizeof(o->ring_mem), v, "--ring-mem",
			  why, len);
}

FL_SETTER(set_ring_size)
{
	int n;

	if (fl_set_int(&n, v, 1, FL_VRING_NUM_MAX, "--ring-size", why, len))
		return -1;
	if (n & (n - 1))
		return fl_why(why, len, "--ring-size %s is not a power of two", v);
	o->ring_size = (uint32_t)n;
	return 0;
}

FL_SETTER(set_batch)
{
	int n;

	if (fl_set_int(&n, v, 1, FL_VRING_BATCH_MAX, "--batch", why, len))
		return -1;
	o->batch = (uint32_t)n;
	return 0;
}

FL_SETTER(set_payload)
{
	uint64_t n;

	if (fl_set_size(&n, v, 0, "--payload", why, len))
		return -1;
	if (n > FL_RING_PAYLOAD_MAX)
		return fl_why(why, len, "--payload %s exceeds 1M", v);
	o->payload = (uint32_t)n;
	return 0;
}

FL_SETTER(set_dir)
{
	int i;

	if (fl_set_choice(fl_dir_names, 2, v, &i, "--dir", why, len))
		return -1;
	o->rx = i == 1;
	return 0;
}

FL_SETTER(set_inval_rate)
{
	char sub[FL_WHY_LEN];

	if (fl_parse_double(v, 0, 1e6, &o->inval_rate, sub, sizeof(sub)))
		return fl_why(why, len, "--inval-rate: %s", sub);
	return 0;
}

FL_SETTER(set_inval_kind)
{
	return fl_set_choice(fl_inval_names, FL_INVAL_NR, v, &o->inval_kind,
			     "--inval-kind", why, len);
}

FL_SETTER(set_pings)
{
	char sub[FL_WHY_LEN];

	if (fl_parse_u64(v, 0, 100000000, &o->pings, sub, sizeof(sub)))
		return fl_why(why, len, "--pings: %s", sub);
	return 0;
}

FL_SETTER(set_watchdog)
{
	if (fl_set_dur(&o->watchdog_ns, v, "--watchdog", why, len))
		return -1;
	if (o->watchdog_ns < 10000000ULL)
		return fl_why(why, len, "--watchdog %s is shorter than 10ms", v);
	return 0;
}

#define P	FL_S(FL_SCEN_POPULATE)
#define T	FL_S(FL_SCEN_TPUT)
#define R	FL_S(FL_SCEN_REVOKE)
#define C	FL_S(FL_SCEN_CHURN)
#define F	FL_S(FL_SCEN_FIO)
#define S	FL_S(FL_SCEN_STRESS)
#define Z	FL_S(FL_SCEN_FUZZ)
#define V	FL_S(FL_SCEN_VRING)
#define A	FL_S_ALL

const struct fl_optdesc fl_optdescs[] = {
	{ "target", "T", A, "(required)",
	  "what to map: faultline:/dev/faultlineN, vfio:BDF[/barN], sysfs:BDF/resourceN, anon, thp, hugetlb:2M, hugetlb:1G (BDF may be @faultlineN: the device behind that node); stress and fuzz: faultline devices, repeatable or a comma list",
	  set_target },
	{ "strategy", "S", P | T | R | C | F | S, "default (stress: every strategy)",
	  "faultline mapping strategy: remap-mmap, remap-fault, insert-page, insert-bulk, insert-around, huge, or default (the module's default_strategy); stress: the only strategy its files choose",
	  set_strategy },
	{ "max-order", "pte|pmd|pud", P | T | R | C | F | S, "driver default (stress: random)",
	  "largest entry the huge strategy may insert", set_max_order },
	{ "window", "PAGES", P | T | R | C | F | S, "driver default (stress: random)",
	  "insert-around window in pages (power of two, 1..512)", set_window },
	{ "cache", "default|uc|wc|wb", P | T | R | C | F | S, "default (stress: mostly default)",
	  "caching attribute of the faultline mapping", set_cache },
	{ "size", "N", A, "whole device, memory targets 1G; revoke 64M",
	  "bytes to map (K/M/G/T suffixes); stress: bytes of each device used", set_size },
	{ "offset", "N", A, "0", "offset into the target where the mapping starts",
	  set_offset },
	{ "threads", "N", A, "1", "worker threads, one per PU", set_threads },
	{ "reps", "N", A, "5", "measured repetitions", set_reps },
	{ "warmup", "N", A, "1", "unmeasured repetitions before them",
	  set_warmup },
	{ "access", "read|write", P | T | R | C | F, "read",
	  "first-touch access (populate, revoke, churn); copy direction and fio direction (tput, fio)",
	  set_access },
	{ "order", "seq|interleaved|random", P, "seq",
	  "order in which each thread touches its pages", set_order },
	{ "touch-stride", "N", P, "4K",
	  "touch one page per N bytes (a power of two, 4K..1G): read sweeps of sparse BARs larger than the host can back",
	  set_touch_stride },
	{ "misalign", NULL, P | T | R | C, "off",
	  "map 4 KiB past the largest-mapping alignment (shows huge-page fallback)",
	  set_misalign },
	{ "placement", "local|remote|spread|none", A, "local",
	  "where threads run relative to the device", set_placement },
	{ "mem-node", "N", A, "0 with local/remote placement, else unbound",
	  "NUMA node for memory targets and copy buffers", set_mem_node },
	{ "out", "DIR", A, "results/<date>-<host>-<what>",
	  "write result.json and the CSV files into DIR", set_out },
	{ "clock", "auto|monotonic-raw|tsc", A, "auto",
	  "time source for samples", set_clock },
	{ "label", "TEXT", A, "none", "free text stored with the case",
	  set_label },
	{ "seed", "N", A, "1", "seed of the random orders and patterns",
	  set_seed },
	{ "op", "read|write|copy", T, "read",
	  "tput operation: loads, stores, or memcpy through a NUMA-local buffer (direction by --access)",
	  set_op },
	{ "pattern", "seq|random", T | F, "seq", "tput and fio access pattern",
	  set_pattern },
	{ "bs", "N", T | F, "4K", "access size, a power of two from 8 to 2M",
	  set_bs },
	{ "nt", NULL, T, "off", "non-temporal (streaming) stores for write/copy",
	  set_nt },
	{ "duration", "TIME", T | R | F | S | V, "1s; stress 30s",
	  "length of one repetition (ns/us/ms/s/m/h)", set_duration },
	{ "rate", "HZ", R, "100", "revoke/restore cycles per second", set_rate },
	{ "cycles", "N", R, "duration x rate",
	  "revoke/restore cycles per repetition", set_cycles },
	{ "hold", "TIME", R, "1ms", "how long the mapping stays revoked",
	  set_hold },
	{ "chunk", "N", C, "2M", "size of each mmap/touch/munmap window",
	  set_chunk },
	{ "iters", "N", C, "100", "windows per thread per repetition",
	  set_iters },
	{ "fork", NULL, C, "off",
	  "fork after touching; the child touches the window again", set_fork },
	{ "inject-delay", "TIME", A, "unchanged",
	  "faultline: delay spun in every fault (FL_IOC_SET_INJECT)",
	  set_inject_delay },
	{ "inject-error", "PPM", A, "unchanged",
	  "faultline: inserts per million that fail with SIGBUS",
	  set_inject_error },
	{ "ops", "N", S, "0 (until --duration)",
	  "stress: operations per thread (ends the repetition before --duration if reached)",
	  set_ops },
	{ "calls", "N", Z, "1000000", "fuzz: calls in all, shared by the threads",
	  set_calls },
	{ "op-timeout", "TIME", S | Z, "60s",
	  "watchdog: an operation (a call) still running after this is a hang",
	  set_op_timeout },
	{ "check-every", "TIME", S, "2s",
	  "stress: quiesce the threads and check the driver's counters this often",
	  set_check },
	{ "trace", "N", S, "64",
	  "stress: operations per thread kept for the failure report", set_trace },
	{ "unbind", "yes|no|auto", S, "auto",
	  "stress: unbind and rebind PCI devices while mapped (auto: when --rebind allows)",
	  set_unbind },
	{ "ring", "yes|no|auto", S, "auto",
	  "stress: vring registration, kicks and invalidations (auto: when the driver has the vring engine)",
	  set_ring },
	{ "expect-warn", "RE", S | Z, "none",
	  "kernel-log lines matching this extended regex are findings, not failures (repeatable)",
	  set_expect_warn },
	{ "mode", "M", V, "uaccess",
	  "vring access mode: uaccess, uaccess-batched, kmap (the driver's ring engine), or io_uring (the peer: IORING_OP_NOP round trips on io_uring's own rings, no driver)",
	  set_vring_mode },
	{ "kick", "ioctl|eventfd|io_uring", V, "ioctl",
	  "vring kick: FL_IOC_VRING_PROCESS in the caller's context, an eventfd write to the ring's kthread, or that write submitted through io_uring",
	  set_kick },
	{ "ring-mem", "T", V, "anon",
	  "vring: memory the rings and buffers live in, a target spec: anon, thp, hugetlb:2M, hugetlb:1G, faultline:/dev/faultlineN",
	  set_ring_mem },
	{ "ring-size", "N", V, "256",
	  "vring entries per ring (power of two, 1..32768; io_uring: submission queue entries)",
	  set_ring_size },
	{ "batch", "N", V, "32",
	  "vring: descriptors posted per kick and processed per driver batch (1..1024, at most --ring-size); io_uring: NOPs per submission",
	  set_batch },
	{ "payload", "N", V, "64",
	  "vring: payload bytes after each buffer's 16-byte header (0..1M)",
	  set_payload },
	{ "dir", "tx|rx", V, "tx",
	  "vring direction: tx (the device reads the buffers) or rx (the device writes them)",
	  set_dir },
	{ "inval-rate", "HZ", V, "0",
	  "vring: MMU-notifier invalidations of ring memory per second (0: none)",
	  set_inval_rate },
	{ "inval-kind", "mprotect|dontneed|mremap|thp", V, "mprotect",
	  "vring: how ring memory is invalidated: PROT_EXEC flips, MADV_DONTNEED and rewrite, mremap of a copy onto it, THP split and MADV_COLLAPSE",
	  set_inval_kind },
	{ "pings", "N", V, "1000",
	  "vring: single-descriptor round trips per ring per repetition, after the throughput phase (rtt_ns)",
	  set_pings },
	{ "watchdog", "TIME", V, "10s",
	  "vring: a posted descriptor not consumed within this is a stale read (the case fails)",
	  set_watchdog },
	{ "fio-job", "FILE", F, "mmap.fio from the fio job folder",
	  "fio job file to run", set_fio_job },
	{ "fio-bin", "PATH", F, "fio on PATH", "fio binary", set_fio_bin },
	{ "rebind", "yes|no|auto", A, "auto",
	  "vfio/sysfs: (un)bind the device's driver as needed (auto: yes when root in the lab)",
	  set_rebind },
	{ "progress", "yes|no|auto", A, "auto",
	  "progress lines on stderr (auto: when stderr is a terminal, and in matrix runs)",
	  set_progress },
	{ "quiet", NULL, A, "off", "no progress and no summary table",
	  set_quiet },
	{ "verbose", NULL, A, "off", "diagnostics on stderr", set_verbose },
};

const size_t fl_noptdescs = FL_ARRAY_SIZE(fl_optdescs);

void fl_opts_init(struct fl_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->scenario = FL_SCEN_POPULATE;
	o->max_order = -1;
	o->threads = 1;
	o->reps = 5;
	o->warmup = 1;
	o->access = FL_ACC_READ;
	o->order = FL_ORD_SEQ;
	o->touch_stride = FL_PAGE_SIZE;
	o->placement = FL_PLACE_LOCAL;
	o->mem_node = -1;
	strcpy(o->clock, "auto");
	o->seed = 1;
	o->op = FL_OP_READ;
	o->pattern = FL_PAT_SEQ;
	o->bs = 4096;
	o->duration_ns = 1000000000ULL;
	o->rate = 100;
	o->hold_ns = 1000000ULL;
	o->chunk = 2 * FL_MIB;
	o->iters = 100;
	o->inject_delay_ns = -1;
	o->inject_error_ppm = -1;
	o->rebind = -1;
	o->progress = -1;
	o->op_timeout_ns = 60000000000ULL;
	o->check_ns = 2000000000ULL;
	o->trace = 64;
	o->unbind = -1;
	o->ring = -1;
	o->calls = 1000000;
	o->vring_mode = FL_VRING_UACCESS;
	o->kick = FL_KICK_IOCTL;
	strcpy(o->ring_mem, "anon");
	o->ring_size = 256;
	o->batch = 32;
	o->payload = 64;
	o->pings = 1000;
	o->watchdog_ns = 10000000000ULL;
}

static const struct fl_optdesc *fl_opt_find(const char *name, size_t nlen,
					    size_t *idx)
{
	size_t i;

	for (i = 0; i < fl_noptdescs; i++) {
		if (strlen(fl_optdescs[i].name) == nlen &&
		    !strncmp(fl_optdescs[i].name, name, nlen)) {
			*idx = i;
			return &fl_optdescs[i];
		}
	}
	return NULL;
}

int fl_opts_parse(struct fl_opts *o, int argc, char **argv, bool lenient,
		  char *why, size_t len)
{
	const struct fl_optdesc *d;
	const char *a, *eq, *val;
	size_t nlen, idx;
	int i;

	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (strncmp(a, "--", 2) || !a[2])
			return fl_why(why, len,
				      "unexpected argument '%s' (options start with --; see flbench --help)",
				      a);
		a += 2;
		eq = strchr(a, '=');
		nlen = eq ? (size_t)(eq - a) : strlen(a);
		d = fl_opt_find(a, nlen, &idx);
		if (!d)
			return fl_why(why, len,
				      "unknown option '--%.*s' (see flbench --help)",
				      (int)nlen, a);
		if (d->arg) {
			if (eq) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				return fl_why(why, len,
					      "option --%s needs a value (%s)",
					      d->name, d->arg);
			}
		} else {
			if (eq)
				return fl_why(why, len,
					      "option --%s takes no value", d->name);
			val = "";
		}
		if (!(d->scen & FL_S(o->scenario))) {
			if (lenient)
				continue;
			return fl_why(why, len,
				      "option --%s does not apply to scenario %s",
				      d->name, fl_scen_names[o->scenario]);
		}
		if (d->set(o, val, why, len))
			return -1;
		o->given |= 1ULL << idx;
	}
	/* stress and fuzz: one long repetition unless asked otherwise. */
	if (o->scenario == FL_SCEN_STRESS || o->scenario == FL_SCEN_FUZZ) {
		if (!fl_opts_given(o, "reps"))
			o->reps = 1;
		if (!fl_opts_given(o, "warmup"))
			o->warmup = 0;
		if (!fl_opts_given(o, "duration"))
			o->duration_ns = 30000000000ULL;
	}
	return 0;
}

bool fl_opts_given(const struct fl_opts *o, const char *name)
{
	size_t idx;

	if (!fl_opt_find(name, strlen(name), &idx))
		return false;
	return o->given & (1ULL << idx);
}

int fl_opts_check(const struct fl_opts *o, char *why, size_t len)
{
	if (!o->target[0])
		return fl_why(why, len,
			      "scenario %s needs --target (e.g. --target anon; see flbench --list)",
			      fl_scen_names[o->scenario]);
	if (o->scenario == FL_SCEN_CHURN && o->size && o->chunk > o->size)
		return fl_why(why, len,
			      "--chunk is larger than --size: each window must fit in the mapping");
	if (o->scenario == FL_SCEN_TPUT && o->nt && o->op == FL_OP_READ)
		return fl_why(why, len,
			      "--nt needs --op write or --op copy (non-temporal stores)");
	if (o->scenario == FL_SCEN_TPUT && o->nt && o->op == FL_OP_COPY &&
	    o->access == FL_ACC_READ)
		return fl_why(why, len,
			      "--nt with --op copy needs --access write (stores go to the mapping)");
	if (o->scenario == FL_SCEN_REVOKE && o->hold_ns * o->rate >= 1e9)
		return fl_why(why, len,
			      "--hold is not shorter than one cycle at --rate %g",
			      o->rate);
	if (o->scenario == FL_SCEN_VRING && o->batch > o->ring_size)
		return fl_why(why, len,
			      "--batch %u is larger than --ring-size %u",
			      o->batch, o->ring_size);
	if (o->threads > 1 && o->size && o->size / FL_PAGE_SIZE < (uint64_t)o->threads)
		return fl_why(why, len,
			      "--size gives fewer pages than --threads");
	return 0;
}

void fl_opts_help(FILE *f)
{
	char arg[64];
	size_t i, k;

	for (i = 0; i < fl_noptdescs; i++) {
		const struct fl_optdesc *d = &fl_optdescs[i];
		char sc[64] = "";

		if (d->scen != FL_S_ALL) {
			for (k = 0; k < FL_SCEN_NR; k++) {
				if (!(d->scen & FL_S(k)))
					continue;
				strncat(sc, sc[0] ? "," : "", sizeof(sc) - strlen(sc) - 1);
				strncat(sc, fl_scen_names[k], sizeof(sc) - strlen(sc) - 1);
			}
		}
		snprintf(arg, sizeof(arg), "--%s%s%s", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		fprintf(f, "  %-32s %s\n", arg, d->help);
		fprintf(f, "  %-32s default: %s%s%s\n", "", d->def,
			sc[0] ? "; scenarios: " : "", sc);
	}
}
