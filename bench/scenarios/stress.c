// SPDX-License-Identifier: GPL-2.0
/*
 * stress.c - seeded, time-bounded randomized stress of the faultline
 * driver (issue 7).  Being written: see CONFIG.md once it lands.
 */
#include "flbench.h"

static int fl_stress_prepare(struct fl_case *c, char *why, size_t len)
{
	(void)c;
	return fl_unsupported(why, len, "flbench stress is being written");
}

static int fl_stress_work(struct fl_thread *t)
{
	(void)t;
	return 0;
}

const struct fl_scenario fl_scen_stress = {
	.id = FL_SCEN_STRESS,
	.name = "stress",
	.summary = "seeded random operations over faultline devices, every result checked",
	.prepare = fl_stress_prepare,
	.work = fl_stress_work,
};
