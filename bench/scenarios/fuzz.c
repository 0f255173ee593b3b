// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz.c - fuzzer of every entry point of the faultline
 * driver (issue 7).  Being written: see CONFIG.md once it lands.
 */
#include "flbench.h"

static int fl_fuzz_prepare(struct fl_case *c, char *why, size_t len)
{
	(void)c;
	return fl_unsupported(why, len, "flbench fuzz is being written");
}

static int fl_fuzz_work(struct fl_thread *t)
{
	(void)t;
	return 0;
}

const struct fl_scenario fl_scen_fuzz = {
	.id = FL_SCEN_FUZZ,
	.name = "fuzz",
	.summary = "random and edge-case calls at every entry point, every errno checked against CONFIG.md",
	.prepare = fl_fuzz_prepare,
	.work = fl_fuzz_work,
};
