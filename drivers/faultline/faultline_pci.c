// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - PCI backing: one BAR of a bound device.
 *
 * Binds ivshmem (1af4:1110, whose BAR2 is its shared memory) by ID; any
 * other device through driver_override or new_id.  The BAR is the bar=
 * module parameter if set, else the ID table's, else the largest memory
 * BAR; the "bar" sysfs attribute switches it while nothing is mapped.
 * The driver claims the region and enables memory decoding, and never
 * touches the device otherwise: no bus mastering, no interrupts, no
 * config writes of its own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "faultline_priv.h"

static int fl_bar = -1;
module_param_named(bar, fl_bar, int, 0444);
MODULE_PARM_DESC(bar,
		 "BAR to map on every bound PCI device (default -1: the ID table's, else the largest memory BAR)");

/* pci_device_id.driver_data: the BAR + 1, or 0 to choose. */
#define FL_PCI_BAR(n)	((n) + 1)

#define FL_PCI_VENDOR_REDHAT_QUMRANET	0x1af4
#define FL_PCI_DEVICE_IVSHMEM		0x1110

static const struct pci_device_id fl_pci_ids[] = {
	{ PCI_DEVICE(FL_PCI_VENDOR_REDHAT_QUMRANET, FL_PCI_DEVICE_IVSHMEM),
	  .driver_data = FL_PCI_BAR(2) },
	{ }
};

/*
 * No MODULE_DEVICE_TABLE: an installed faultline.ko must not be autoloaded
 * for every ivshmem device of a VM, whose BAR may be in use for something
 * else.  It binds what it finds when loaded by hand (or by the lab).
 */

struct fl_pci {
	struct pci_dev *pdev;		/* NULL once removed */
	struct fl_dev *dev;
	int bar;
};

static int fl_pci_largest_bar(struct pci_dev *pdev)
{
	resource_size_t best = 0;
	int i, bar = -1;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!(pci_resource_flags(pdev, i) & IORESOURCE_MEM))
			continue;
		if (pci_resource_len(pdev, i) > best) {
			best = pci_resource_len(pdev, i);
			bar = i;
		}
	}
	return bar;
}

/* Why @bar cannot be mapped, or NULL if it can. */
static const char *fl_pci_bar_problem(struct pci_dev *pdev, int bar)
{
	if (bar < 0 || bar >= PCI_STD_NUM_BARS)
		return "no such BAR";
	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM))
		return "not a memory BAR";
	if (pci_resource_len(pdev, bar) < PAGE_SIZE ||
	    !PAGE_ALIGNED(pci_resource_start(pdev, bar)))
		return "smaller than a page or not page aligned";
	return NULL;
}

static void fl_pci_describe(struct fl_dev *dev, struct fl_pci *p, int bar)
{
	struct pci_dev *pdev = p->pdev;

	p->bar = bar;
	dev->size = pci_resource_len(pdev, bar);
	dev->phys_base = pci_resource_start(pdev, bar);
	dev->chunk_order = ilog2(dev->size >> PAGE_SHIFT);
	snprintf(dev->label, sizeof(dev->label), "%s/bar%d", pci_name(pdev),
		 bar);
}

int fl_pci_bar_show(struct fl_dev *dev, char *buf)
{
	struct fl_pci *p = dev->priv;
	int bar;

	mutex_lock(&dev->lock);
	bar = p->bar;
	mutex_unlock(&dev->lock);
	return sysfs_emit(buf, "%d\n", bar);
}

/* Map another BAR from now on; only while the device has no mapping. */
int fl_pci_bar_store(struct fl_dev *dev, int bar)
{
	struct fl_pci *p = dev->priv;
	int ret;

	if (dev->kind != FL_BACKING_PCI || fl_pci_bar_problem(p->pdev, bar))
		return -EINVAL;

	/* Faults read size and phys_base under memory_lock. */
	percpu_down_write(&dev->memory_lock);
	mutex_lock(&dev->lock);
	if (dev->nr_vmas) {
		ret = -EBUSY;
	} else if (bar == p->bar) {
		ret = 0;
	} else {
		ret = pci_request_region(p->pdev, bar, FL_NAME);
		if (!ret) {
			pci_release_region(p->pdev, p->bar);
			fl_pci_describe(dev, p, bar);
		}
	}
	mutex_unlock(&dev->lock);
	percpu_up_write(&dev->memory_lock);
	return ret;
}

static void fl_pci_remove_backing(struct fl_dev *dev)
{
	struct fl_pci *p = dev->priv;

	pci_release_region(p->pdev, p->bar);
	pci_disable_device(p->pdev);
	p->pdev = NULL;
}

static void fl_pci_free(struct fl_dev *dev)
{
	kfree(dev->priv);
}

static const struct fl_backing_ops fl_pci_ops = {
	.remove = fl_pci_remove_backing,
	.free = fl_pci_free,
};

static int fl_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const char *problem;
	struct fl_dev *dev;
	struct fl_pci *p;
	int bar, ret;

	if (fl_bar >= 0)
		bar = fl_bar;
	else if (id->driver_data)
		bar = id->driver_data - 1;
	else
		bar = fl_pci_largest_bar(pdev);
	problem = fl_pci_bar_problem(pdev, bar);
	if (problem) {
		pci_err(pdev, "cannot map BAR %d: %s\n", bar, problem);
		return -EINVAL;
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->pdev = pdev;

	/* Memory decoding only: the BAR must answer, nothing else. */
	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto err_free;
	ret = pci_request_region(pdev, bar, FL_NAME);
	if (ret)
		goto err_disable;

	dev = fl_dev_alloc(FL_BACKING_PCI, &fl_pci_ops);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_release;
	}
	dev->priv = p;
	p->dev = dev;
	fl_pci_describe(dev, p, bar);
	dev->numa_node = dev_to_node(&pdev->dev);
	dev->default_cache = FL_CACHE_UC;
	dev->misc.parent = &pdev->dev;

	ret = fl_dev_register(dev);
	if (ret)
		goto err_dev;
	pci_set_drvdata(pdev, p);
	pci_info(pdev, "%s: BAR %d %pR\n", dev->name, bar,
		 &pdev->resource[bar]);
	return 0;

err_dev:
	/* Frees p through fl_pci_free(). */
	fl_dev_free_unregistered(dev);
	pci_release_region(pdev, bar);
	pci_disable_device(pdev);
	return ret;
err_release:
	pci_release_region(pdev, bar);
err_disable:
	pci_disable_device(pdev);
err_free:
	kfree(p);
	return ret;
}

static void fl_pci_remove(struct pci_dev *pdev)
{
	struct fl_pci *p = pci_get_drvdata(pdev);

	fl_dev_remove(p->dev);
}

static struct pci_driver fl_pci_driver = {
	.name = FL_NAME,
	.id_table = fl_pci_ids,
	.probe = fl_pci_probe,
	.remove = fl_pci_remove,
};

int fl_pci_init(void)
{
	return pci_register_driver(&fl_pci_driver);
}

void fl_pci_exit(void)
{
	pci_unregister_driver(&fl_pci_driver);
}
