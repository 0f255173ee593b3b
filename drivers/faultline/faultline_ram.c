// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - RAM backing: a "BAR" of ram_mb MiB of RAM on node ram_node,
 * for machines without a spare device.
 *
 * The memory comes from the buddy allocator in naturally aligned chunks
 * of the largest order it will give (at most MAX_PAGE_ORDER, at least
 * PMD order), so the PTE and PMD strategies work on it; PUD mappings need
 * a contiguous backing (PCI or the physical range).  It is zeroed, as
 * user space will see it, and write-back unless a file asks otherwise
 * (see faultline_cache.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/slab.h>

#include "faultline_priv.h"

static unsigned int fl_ram_mb;
module_param_named(ram_mb, fl_ram_mb, uint, 0444);
MODULE_PARM_DESC(ram_mb,
		 "size of the RAM-backed device in MiB, a multiple of 2 (default 0: none)");

static int fl_ram_node = NUMA_NO_NODE;
module_param_named(ram_node, fl_ram_node, int, 0444);
MODULE_PARM_DESC(ram_node,
		 "NUMA node of the RAM-backed device (default -1: the loading CPU's, no fallback when set)");

static struct fl_dev *fl_ram_dev;

static void fl_ram_free_chunks(struct fl_dev *dev)
{
	unsigned long i, n = dev->size >> (PAGE_SHIFT + dev->chunk_order);

	if (!dev->chunks)
		return;
	for (i = 0; i < n && dev->chunks[i]; i++)
		__free_pages(dev->chunks[i], dev->chunk_order);
	kvfree(dev->chunks);
	dev->chunks = NULL;
}

/* Allocate dev->size bytes in chunks of @order, all or nothing. */
static int fl_ram_alloc_chunks(struct fl_dev *dev, unsigned int order)
{
	gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
		    __GFP_RETRY_MAYFAIL;
	unsigned long i, n = dev->size >> (PAGE_SHIFT + order);

	if (fl_ram_node != NUMA_NO_NODE)
		gfp |= __GFP_THISNODE;
	dev->chunk_order = order;
	dev->chunks = kvcalloc(n, sizeof(*dev->chunks), GFP_KERNEL);
	if (!dev->chunks)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		dev->chunks[i] = alloc_pages_node(fl_ram_node, gfp, order);
		if (!dev->chunks[i]) {
			fl_ram_free_chunks(dev);
			return -ENOMEM;
		}
		cond_resched();
	}
	return 0;
}

/* The node of all chunks, or NUMA_NO_NODE if they are spread. */
static int fl_ram_node_of(struct fl_dev *dev)
{
	unsigned long i, n = dev->size >> (PAGE_SHIFT + dev->chunk_order);
	int nid = page_to_nid(dev->chunks[0]);

	for (i = 1; i < n; i++)
		if (page_to_nid(dev->chunks[i]) != nid)
			return NUMA_NO_NODE;
	return nid;
}

static void fl_ram_free(struct fl_dev *dev)
{
	fl_ram_free_chunks(dev);
}

static const struct fl_backing_ops fl_ram_ops = {
	.free = fl_ram_free,
};

int fl_ram_init(void)
{
	unsigned long npages = (unsigned long)fl_ram_mb << (20 - PAGE_SHIFT);
	unsigned int order, max_order;
	struct fl_dev *dev;
	int ret;

	if (!fl_ram_mb)
		return 0;
	if (fl_ram_node != NUMA_NO_NODE &&
	    (fl_ram_node < 0 || fl_ram_node >= MAX_NUMNODES ||
	     !node_online(fl_ram_node))) {
		pr_err("ram_node=%d: no such online NUMA node\n", fl_ram_node);
		return -EINVAL;
	}
	/* Chunks tile the device: their order divides its size. */
	max_order = min_t(unsigned int, FL_MAX_PAGE_ORDER, __ffs(npages));
	if (max_order < PMD_ORDER) {
		pr_err("ram_mb=%u: not a multiple of %lu MiB\n", fl_ram_mb,
		       PMD_SIZE >> 20);
		return -EINVAL;
	}

	dev = fl_dev_alloc(FL_BACKING_RAM, &fl_ram_ops);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	dev->size = (u64)npages << PAGE_SHIFT;

	ret = -ENOMEM;
	for (order = max_order; order >= PMD_ORDER; order--) {
		ret = fl_ram_alloc_chunks(dev, order);
		if (!ret)
			break;
	}
	if (ret) {
		pr_err("ram_mb=%u: cannot allocate it in chunks of %lu MiB or more on node %d\n",
		       fl_ram_mb, PMD_SIZE >> 20, fl_ram_node);
		goto err_dev;
	}
	dev->contig_order = dev->chunk_order;
	dev->phys_base = page_to_phys(dev->chunks[0]);
	dev->numa_node = fl_ram_node_of(dev);
	dev->default_cache = FL_CACHE_WB;
	strscpy(dev->label, "ram", sizeof(dev->label));

	ret = fl_dev_register(dev);
	if (ret)
		goto err_dev;
	fl_ram_dev = dev;
	pr_info("%s: %u MiB of RAM on node %d in chunks of order %u\n",
		dev->name, fl_ram_mb, dev->numa_node, dev->chunk_order);
	return 0;

err_dev:
	fl_dev_free_unregistered(dev);
	return ret;
}

void fl_ram_exit(void)
{
	if (fl_ram_dev)
		fl_dev_remove(fl_ram_dev);
	fl_ram_dev = NULL;
}
