// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - debugfs: /sys/kernel/debug/faultline/faultlineN/
 *
 *   counters	one line per strategy, one column per counter (since the
 *		last reset), with a header line naming the columns
 *   mappings	one line per live VMA: range, offset, strategy, caching
 *   state	revoked, dead, injection, caching state, size, base
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "faultline_priv.h"

static struct dentry *fl_debugfs_root;

static int fl_counters_show(struct seq_file *m, void *unused)
{
	struct fl_dev *dev = m->private;
	struct fl_counters *c;
	unsigned int s, n;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	ret = fl_counters_read(dev, c->val, false);
	if (ret)
		goto out;

	seq_puts(m, "strategy");
	for (n = 0; n < FL_CNT_NR; n++)
		seq_printf(m, " %s", fl_counter_name(n));
	seq_putc(m, '\n');
	for (s = 0; s < FL_STRAT_NR; s++) {
		seq_printf(m, "%s", fl_strategy_name(s));
		for (n = 0; n < FL_CNT_NR; n++)
			seq_printf(m, " %llu", c->val[s][n]);
		seq_putc(m, '\n');
	}
out:
	kfree(c);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(fl_counters);

static int fl_mappings_show(struct seq_file *m, void *unused)
{
	struct fl_dev *dev = m->private;
	struct fl_vma *fv;

	/* Bounds are read without the owner's mmap lock: a snapshot. */
	mutex_lock(&dev->lock);
	list_for_each_entry(fv, &dev->vmas, node)
		seq_printf(m, "%lx-%lx pgoff=%lx strategy=%s cache=%s\n",
			   fv->vma->vm_start, fv->vma->vm_end,
			   fv->vma->vm_pgoff, fl_strategy_name(fv->cfg.strategy),
			   fl_cache_name(fv->cfg.cache));
	mutex_unlock(&dev->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fl_mappings);

static int fl_state_show(struct seq_file *m, void *unused)
{
	struct fl_dev *dev = m->private;

	seq_printf(m, "revoked %d\ndead %d\n", READ_ONCE(dev->revoked),
		   READ_ONCE(dev->dead));
	seq_printf(m, "inject_delay_ns %llu\ninject_error_ppm %u\n",
		   READ_ONCE(dev->inject_delay_ns),
		   READ_ONCE(dev->inject_error_ppm));
	mutex_lock(&dev->lock);
	seq_printf(m, "size %llu\nphys_base %pa\nmappings %u\n",
		   dev->size, &dev->phys_base, dev->nr_vmas);
	seq_printf(m, "cache_active %s\ncache_users %u\n",
		   dev->cache_users ? fl_cache_name(dev->cache_active) : "-",
		   dev->cache_users);
	mutex_unlock(&dev->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fl_state);

void fl_debugfs_init(void)
{
	fl_debugfs_root = debugfs_create_dir(FL_NAME, NULL);
}

void fl_debugfs_exit(void)
{
	debugfs_remove(fl_debugfs_root);
}

void fl_debugfs_add(struct fl_dev *dev)
{
	/* debugfs is best effort: errors are ignored, as debugfs asks. */
	dev->debugfs = debugfs_create_dir(dev->name, fl_debugfs_root);
	debugfs_create_file("counters", 0400, dev->debugfs, dev,
			    &fl_counters_fops);
	debugfs_create_file("mappings", 0400, dev->debugfs, dev,
			    &fl_mappings_fops);
	debugfs_create_file("state", 0400, dev->debugfs, dev, &fl_state_fops);
}

/* Waits for readers: the files never outlive the device. */
void fl_debugfs_remove(struct fl_dev *dev)
{
	debugfs_remove(dev->debugfs);
	dev->debugfs = NULL;
}
