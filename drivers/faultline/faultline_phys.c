// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - physical range backing: phys_size bytes at phys_base, a
 * range the kernel does not use, such as one reserved at boot with
 * memmap=SIZE$BASE (or memmap=SIZE!BASE).
 *
 * The range is contiguous and must be naturally aligned (to its size, or
 * to 1 GiB if larger), so PUD mappings work without a device.  It must not
 * overlap System RAM: mapping the kernel's own memory to user space is
 * not a benchmark.  The driver claims it as a busy iomem resource.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/numa.h>

#include "faultline_priv.h"

static unsigned long long fl_phys_base;
module_param_named(phys_base, fl_phys_base, ullong, 0444);
MODULE_PARM_DESC(phys_base,
		 "physical address of a reserved range to map (with phys_size)");

static unsigned long long fl_phys_size;
module_param_named(phys_size, fl_phys_size, ullong, 0444);
MODULE_PARM_DESC(phys_size,
		 "size in bytes of the reserved range at phys_base (default 0: none)");

static struct fl_dev *fl_phys_dev;

static void fl_phys_remove(struct fl_dev *dev)
{
	release_mem_region(dev->phys_base, dev->size);
}

static const struct fl_backing_ops fl_phys_ops = {
	.remove = fl_phys_remove,
};

static int fl_phys_check(u64 base, u64 size)
{
	u64 align;

	if (!size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size) ||
	    base + size < base) {
		pr_err("phys_base=%#llx phys_size=%#llx: need a non-empty, page-aligned range\n",
		       base, size);
		return -EINVAL;
	}
	align = min_t(u64, rounddown_pow_of_two(size), PUD_SIZE);
	if (!IS_ALIGNED(base, align)) {
		pr_err("phys_base=%#llx: not aligned to %#llx (the natural alignment of phys_size, at most 1 GiB)\n",
		       base, align);
		return -EINVAL;
	}
	if (region_intersects(base, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("phys_base=%#llx phys_size=%#llx: overlaps System RAM (reserve it with memmap=)\n",
		       base, size);
		return -EINVAL;
	}
	return 0;
}

int fl_phys_init(void)
{
	struct fl_dev *dev;
	int ret;

	if (!fl_phys_size && !fl_phys_base)
		return 0;
	ret = fl_phys_check(fl_phys_base, fl_phys_size);
	if (ret)
		return ret;

	if (!request_mem_region(fl_phys_base, fl_phys_size, FL_NAME)) {
		pr_err("phys_base=%#llx phys_size=%#llx: already claimed (see /proc/iomem)\n",
		       fl_phys_base, fl_phys_size);
		return -EBUSY;
	}

	dev = fl_dev_alloc(FL_BACKING_PHYS, &fl_phys_ops);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_release;
	}
	dev->size = fl_phys_size;
	dev->phys_base = fl_phys_base;
	dev->chunk_order = ilog2(fl_phys_size >> PAGE_SHIFT);
	dev->default_cache = FL_CACHE_UC;
#ifdef CONFIG_NUMA
	dev->numa_node = phys_to_target_node(fl_phys_base);
#endif
	strscpy(dev->label, "phys", sizeof(dev->label));

	ret = fl_dev_register(dev);
	if (ret)
		goto err_dev;
	fl_phys_dev = dev;
	pr_info("%s: [mem %#llx-%#llx]\n", dev->name, fl_phys_base,
		fl_phys_base + fl_phys_size - 1);
	return 0;

err_dev:
	fl_dev_free_unregistered(dev);
err_release:
	release_mem_region(fl_phys_base, fl_phys_size);
	return ret;
}

void fl_phys_exit(void)
{
	if (fl_phys_dev)
		fl_dev_remove(fl_phys_dev);
	fl_phys_dev = NULL;
}
