/* SPDX-License-Identifier: GPL-2.0 */
/*
 * opts.h - flbench's command line: one table of options, each with the
 * scenarios it applies to, its default and its help text.  --help, the
 * man page and CONFIG.md describe the same table.
 *
 * The parser takes "--name value" and "--name=value".  Errors name the
 * option and the bad value.  In lenient mode (matrix defaults) options
 * that do not apply to the scenario are skipped instead of refused.
 */
#ifndef FL_OPTS_H
#define FL_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "topo.h"

enum fl_scen_id {
	FL_SCEN_POPULATE,
	FL_SCEN_TPUT,
	FL_SCEN_REVOKE,
	FL_SCEN_CHURN,
	FL_SCEN_FIO,
	FL_SCEN_STRESS,
	FL_SCEN_FUZZ,
	FL_SCEN_VRING,
	FL_SCEN_NR,
};

#define FL_S(x)		(1U << (x))
#define FL_S_ALL	((1U << FL_SCEN_NR) - 1)

enum fl_access { FL_ACC_READ, FL_ACC_WRITE };
enum fl_order { FL_ORD_SEQ, FL_ORD_INTERLEAVED, FL_ORD_RANDOM };
enum fl_op { FL_OP_READ, FL_OP_WRITE, FL_OP_COPY };
enum fl_pattern { FL_PAT_SEQ, FL_PAT_RANDOM };
/* vring: how the producer kicks the ring engine (--kick). */
enum fl_kick { FL_KICK_IOCTL, FL_KICK_EVENTFD, FL_KICK_IO_URING, FL_KICK_NR };
/* vring --mode: enum fl_vring_mode of include/faultline.h, or the peer. */
#define FL_VRING_MODE_IO_URING	FL_VRING_MODE_NR

/* Devices one stress or fuzz case may use (--target repeated or a list). */
#define FL_MAX_TARGETS		8

struct fl_opts {
	enum fl_scen_id scenario;
	char target[256];		/* the (first) target */
	/* stress, fuzz: every target given, in order (target[] is the first) */
	char targets[FL_MAX_TARGETS][256];
	int ntargets;
	char strategy[32];		/* name, or "" for the default */
	int max_order;			/* -1: driver default */
	int window;			/* 0: driver default */
	char cache[16];			/* "" for the default */
	uint64_t size;			/* 0: whole target / default */
	uint64_t offset;		/* into the target */
	int threads;
	int reps;
	int warmup;
	enum fl_access access;
	enum fl_order order;
	bool misalign;
	uint64_t touch_stride;		/* populate: bytes between touches */
	enum fl_placement placement;
	int mem_node;			/* -1: automatic */
	char out[1024];
	char clock[16];
	char label[128];
	uint64_t seed;
	/* tput */
	enum fl_op op;
	enum fl_pattern pattern;
	uint64_t bs;
	bool nt;
	uint64_t duration_ns;
	/* revoke */
	double rate;
	uint64_t cycles;
	uint64_t hold_ns;
	/* churn */
	uint64_t chunk;
	uint64_t iters;
	bool fork;
	/* faultline fault injection */
	int64_t inject_delay_ns;	/* -1: leave as is */
	int64_t inject_error_ppm;	/* -1: leave as is */
	/* stress, fuzz */
	uint64_t ops;			/* stress: operations per thread, 0: --duration */
	uint64_t calls;			/* fuzz: calls in all */
	uint64_t op_timeout_ns;		/* watchdog deadline of one operation */
	uint64_t check_ns;		/* stress: counter checkpoint interval */
	int trace;			/* stress: operations kept per thread */
	int unbind;			/* stress: -1 auto, 0 no, 1 yes */
	int ring;			/* stress: -1 auto, 0 no, 1 yes */
	char expect_warn[512];		/* extra kernel-log findings (ERE) */
	/* vring */
	int vring_mode;			/* enum fl_vring_mode or FL_VRING_MODE_IO_URING */
	enum fl_kick kick;
	char ring_mem[256];		/* target spec of the rings' memory */
	uint32_t ring_size;		/* entries */
	uint32_t batch;			/* descriptors per kick */
	uint32_t payload;		/* bytes after each buffer's header */
	bool rx;			/* the device writes the buffers */
	double inval_rate;		/* invalidations per second, 0: none */
	int inval_kind;			/* enum fl_inval_kind (ring.h) */
	uint64_t pings;			/* round trips per repetition per ring */
	uint64_t watchdog_ns;		/* longest wait for a used entry */
	/* fio */
	char fio_job[256];
	char fio_bin[256];
	/* behaviour */
	int rebind;			/* -1 auto, 0 no, 1 yes */
	bool quiet;
	bool verbose;
	int progress;			/* -1 auto (tty), 0, 1 */
	/* which options were given explicitly (bit per table entry) */
	uint64_t given;
};

struct fl_optdesc {
	const char *name;
	const char *arg;		/* NULL for a flag */
	unsigned int scen;		/* FL_S() mask */
	const char *def;		/* default, as shown in --help */
	const char *help;
	int (*set)(struct fl_opts *o, const char *v, char *why, size_t len);
};

extern const struct fl_optdesc fl_optdescs[];
extern const size_t fl_noptdescs;

extern const char *const fl_scen_names[FL_SCEN_NR];
int fl_scen_parse(const char *s, enum fl_scen_id *id);

void fl_opts_init(struct fl_opts *o);
/*
 * Parse @argc options of @argv (no program or scenario name) into @o.
 * Returns 0, or -1 with a message in @why.
 */
int fl_opts_parse(struct fl_opts *o, int argc, char **argv, bool lenient,
		  char *why, size_t len);
/* Cross-option checks once everything is parsed. */
int fl_opts_check(const struct fl_opts *o, char *why, size_t len);
bool fl_opts_given(const struct fl_opts *o, const char *name);
/* Print the option table for --help. */
void fl_opts_help(FILE *f);

const char *fl_access_name(enum fl_access a);
const char *fl_order_name(enum fl_order o);
const char *fl_op_name(enum fl_op o);
const char *fl_pattern_name(enum fl_pattern p);
const char *fl_kick_name(enum fl_kick k);
const char *fl_vring_mode_name(int m);

/* The strategy vocabulary of include/faultline.h. */
int fl_strategy_parse(const char *s);		/* FL_STRAT_* or -1 */
const char *fl_strategy_name(unsigned int id);
int fl_cache_parse(const char *s);		/* FL_CACHE_* or -1 */
const char *fl_cache_name(unsigned int id);

#endif /* FL_OPTS_H */
