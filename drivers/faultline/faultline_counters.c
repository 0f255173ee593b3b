// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - per-CPU counters, per device, strategy and outcome.
 *
 * The fault path only increments its own CPU's copy (this_cpu_inc(), no
 * shared cache line).  A reader sums the CPUs; a reset records the sums as
 * the new zero instead of clearing other CPUs' copies, so no increment is
 * lost to a reset racing with a fault.
 */
#include <linux/percpu.h>
#include <linux/slab.h>

#include "faultline_priv.h"

static const char *const fl_counter_names[FL_CNT_NR] = FL_COUNTER_NAMES;

const char *fl_counter_name(unsigned int id)
{
	return id < FL_CNT_NR ? fl_counter_names[id] : "?";
}

int fl_counters_init(struct fl_dev *dev)
{
	dev->stats = alloc_percpu(struct fl_stats);
	return dev->stats ? 0 : -ENOMEM;
}

void fl_counters_free(struct fl_dev *dev)
{
	free_percpu(dev->stats);
	dev->stats = NULL;
}

/*
 * Counts since the last reset into @out (may be NULL), and with @reset
 * start counting from zero again.
 */
int fl_counters_read(struct fl_dev *dev, u64 out[FL_STRAT_NR][FL_CNT_NR],
		     bool reset)
{
	struct fl_stats *sum;
	unsigned int s, c;
	int cpu;

	/* 720 bytes; the callers are ioctl and debugfs, not the fault path. */
	sum = kzalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct fl_stats *st = per_cpu_ptr(dev->stats, cpu);

		for (s = 0; s < FL_STRAT_NR; s++)
			for (c = 0; c < FL_CNT_NR; c++)
				sum->val[s][c] += READ_ONCE(st->val[s][c]);
	}

	mutex_lock(&dev->stats_lock);
	for (s = 0; s < FL_STRAT_NR; s++) {
		for (c = 0; c < FL_CNT_NR; c++) {
			if (out)
				out[s][c] = sum->val[s][c] - dev->base[s][c];
			if (reset)
				dev->base[s][c] = sum->val[s][c];
		}
	}
	mutex_unlock(&dev->stats_lock);
	kfree(sum);
	return 0;
}
