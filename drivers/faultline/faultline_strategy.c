// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - the table of mapping strategies and their names.
 *
 * The names are the vocabulary of DESIGN.md, used by the default_strategy
 * parameter, debugfs, tracepoints and flbench.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "faultline_priv.h"

const struct fl_strategy_ops *const fl_strategies[FL_STRAT_NR] = {
	[FL_STRAT_REMAP_MMAP] = &fl_strategy_remap_mmap,
	[FL_STRAT_REMAP_FAULT] = &fl_strategy_remap_fault,
	[FL_STRAT_INSERT_PAGE] = &fl_strategy_insert_page,
	[FL_STRAT_INSERT_BULK] = &fl_strategy_insert_bulk,
	[FL_STRAT_INSERT_AROUND] = &fl_strategy_insert_around,
	[FL_STRAT_HUGE] = &fl_strategy_huge,
};

const char *fl_strategy_name(unsigned int id)
{
	return id < FL_STRAT_NR ? fl_strategies[id]->name : "?";
}

/* A strategy by name ("insert-page") or by number ("2"). */
int fl_strategy_parse(const char *s, unsigned int *id)
{
	unsigned int i;

	for (i = 0; i < FL_STRAT_NR; i++) {
		if (sysfs_streq(s, fl_strategies[i]->name)) {
			*id = i;
			return 0;
		}
	}
	if (!kstrtouint(s, 0, &i) && i < FL_STRAT_NR) {
		*id = i;
		return 0;
	}
	return -EINVAL;
}

/* Can this kernel map a PFNMAP entry of @order (0, PMD_ORDER, PUD_ORDER)? */
bool fl_huge_order_supported(unsigned int order)
{
	if (!order)
		return true;
	if (order == PMD_ORDER)
		return FL_HAVE_PMD_PFNMAP;
	if (order == PUD_ORDER)
		return FL_HAVE_PUD_PFNMAP;
	return false;
}

/* The largest entry this kernel can map: the huge strategy's default cap. */
unsigned int fl_huge_max_order(void)
{
	if (fl_huge_order_supported(PUD_ORDER))
		return PUD_ORDER;
	if (fl_huge_order_supported(PMD_ORDER))
		return PMD_ORDER;
	return 0;
}
