// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - a benchmark driver for the ways to map a large PCI BAR (or
 * memory standing in for one) into user space.
 *
 * This file: module parameters, the life of a device (one misc device
 * /dev/faultlineN per backing), its file operations, module init and exit.
 * The backings are in faultline_{pci,ram,phys}.c, mmap and faults in
 * faultline_mmap.c and the strategy files.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "faultline_priv.h"

unsigned int fl_default_strategy = FL_STRAT_INSERT_PAGE;
unsigned int fl_around_window = 16;

static int fl_param_strategy_set(const char *val,
				 const struct kernel_param *kp)
{
	unsigned int id;
	int ret;

	ret = fl_strategy_parse(val, &id);
	if (ret)
		return ret;
	if (id == FL_STRAT_HUGE && !fl_huge_order_supported(PMD_ORDER)) {
		pr_err("default_strategy=huge: this kernel cannot map huge PFNMAP entries\n");
		return -EOPNOTSUPP;
	}
	*(unsigned int *)kp->arg = id;
	return 0;
}

static int fl_param_strategy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  fl_strategy_name(*(unsigned int *)kp->arg));
}

static const struct kernel_param_ops fl_param_strategy_ops = {
	.set = fl_param_strategy_set,
	.get = fl_param_strategy_get,
};

module_param_cb(default_strategy, &fl_param_strategy_ops,
		&fl_default_strategy, 0644);
MODULE_PARM_DESC(default_strategy,
		 "strategy of a newly opened file: remap-mmap, remap-fault, insert-page (default), insert-bulk, insert-around or huge");

static int fl_param_window_set(const char *val, const struct kernel_param *kp)
{
	unsigned int w;
	int ret;

	ret = kstrtouint(val, 0, &w);
	if (ret)
		return ret;
	if (!w || w > FL_WINDOW_MAX || !is_power_of_2(w))
		return -EINVAL;
	*(unsigned int *)kp->arg = w;
	return 0;
}

static const struct kernel_param_ops fl_param_window_ops = {
	.set = fl_param_window_set,
	.get = param_get_uint,
};

module_param_cb(around_window, &fl_param_window_ops, &fl_around_window, 0644);
MODULE_PARM_DESC(around_window,
		 "insert-around window of a newly opened file, in pages (power of two, 1..512, default 16)");

static DEFINE_IDA(fl_ida);

static void fl_dev_release(struct kref *kref)
{
	struct fl_dev *dev = container_of(kref, struct fl_dev, kref);

	if (dev->ops->free)
		dev->ops->free(dev);
	if (dev->inode)
		fl_inode_put(dev->inode);
	fl_counters_free(dev);
	percpu_free_rwsem(&dev->memory_lock);
	mutex_destroy(&dev->remap_lock);
	mutex_destroy(&dev->revoke_lock);
	mutex_destroy(&dev->stats_lock);
	mutex_destroy(&dev->lock);
	ida_free(&fl_ida, dev->id);
	kfree(dev);
}

void fl_dev_put(struct fl_dev *dev)
{
	kref_put(&dev->kref, fl_dev_release);
}

/*
 * A device as the backings create it: the backing fills in the memory
 * (size, phys_base or chunks, numa_node, label) and calls
 * fl_dev_register(), or fl_dev_free_unregistered() on failure.
 */
struct fl_dev *fl_dev_alloc(enum fl_backing_kind kind,
			    const struct fl_backing_ops *ops)
{
	struct fl_dev *dev;
	struct inode *inode;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);

	ret = ida_alloc(&fl_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	dev->id = ret;
	snprintf(dev->name, sizeof(dev->name), FL_NAME "%d", dev->id);

	kref_init(&dev->kref);
	dev->kind = kind;
	dev->ops = ops;
	dev->numa_node = NUMA_NO_NODE;
	dev->contig_order = BITS_PER_LONG - 1;
	mutex_init(&dev->lock);
	mutex_init(&dev->stats_lock);
	mutex_init(&dev->revoke_lock);
	mutex_init(&dev->remap_lock);
	INIT_LIST_HEAD(&dev->vmas);

	ret = percpu_init_rwsem(&dev->memory_lock);
	if (ret)
		goto err_ida;

	ret = fl_counters_init(dev);
	if (ret)
		goto err_rwsem;

	inode = fl_inode_new();
	if (IS_ERR(inode)) {
		ret = PTR_ERR(inode);
		goto err_counters;
	}
	dev->inode = inode;
	return dev;

err_counters:
	fl_counters_free(dev);
err_rwsem:
	percpu_free_rwsem(&dev->memory_lock);
err_ida:
	mutex_destroy(&dev->remap_lock);
	mutex_destroy(&dev->revoke_lock);
	mutex_destroy(&dev->stats_lock);
	mutex_destroy(&dev->lock);
	ida_free(&fl_ida, dev->id);
err_free:
	kfree(dev);
	return ERR_PTR(ret);
}

void fl_dev_free_unregistered(struct fl_dev *dev)
{
	fl_dev_put(dev);
}

static int fl_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct fl_dev *dev = container_of(misc, struct fl_dev, misc);
	struct fl_file *ff;

	ff = kzalloc(sizeof(*ff), GFP_KERNEL);
	if (!ff)
		return -ENOMEM;

	/*
	 * misc_open() calls us under misc_mtx, and fl_dev_remove()
	 * deregisters (taking misc_mtx) before it drops the backing's
	 * reference: the device is alive here.
	 */
	kref_get(&dev->kref);
	ff->dev = dev;
	mutex_init(&ff->lock);
	fl_cfg_init(dev, &ff->cfg);

	file->private_data = ff;
	/* Every mapping of the device on one address_space: see fl_revoke(). */
	file->f_mapping = dev->inode->i_mapping;
	return 0;
}

/*
 * The last reference to the file: VMAs hold one (vm_file), so every
 * mapping made through it is gone by now.
 */
static int fl_release(struct inode *inode, struct file *file)
{
	struct fl_file *ff = file->private_data;

	WARN_ON_ONCE(ff->nr_vmas);
	fl_vring_release(ff);
	mutex_destroy(&ff->lock);
	fl_dev_put(ff->dev);
	kfree(ff);
	return 0;
}

static const struct file_operations fl_fops = {
	.owner = THIS_MODULE,
	.open = fl_open,
	.release = fl_release,
	.unlocked_ioctl = fl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = fl_mmap,
	.get_unmapped_area = fl_get_unmapped_area,
	.llseek = noop_llseek,
};

int fl_dev_register(struct fl_dev *dev)
{
	int ret;

	dev->misc.minor = MISC_DYNAMIC_MINOR;
	dev->misc.name = dev->name;
	dev->misc.fops = &fl_fops;
	dev->misc.groups = fl_dev_groups;
	dev->misc.mode = 0600;

	ret = misc_register(&dev->misc);
	if (ret)
		return ret;
	fl_debugfs_add(dev);
	return 0;
}

/*
 * The backing goes away (unbind, module unload).  Open files and VMAs may
 * outlive this: they keep the device structure, but every mapping is
 * zapped, every later fault gets SIGBUS and every ioctl ENODEV, before the
 * backing gives its memory back.
 */
void fl_dev_remove(struct fl_dev *dev)
{
	misc_deregister(&dev->misc);
	fl_kill(dev);
	fl_debugfs_remove(dev);
	fl_cache_teardown(dev);
	if (dev->ops->remove)
		dev->ops->remove(dev);
	fl_dev_put(dev);
}

static int __init fl_init(void)
{
	int ret;

	fl_pgtable_init();
	fl_debugfs_init();

	ret = fl_pci_init();
	if (ret)
		goto err_debugfs;
	ret = fl_ram_init();
	if (ret)
		goto err_pci;
	ret = fl_phys_init();
	if (ret)
		goto err_ram;
	return 0;

err_ram:
	fl_ram_exit();
err_pci:
	fl_pci_exit();
err_debugfs:
	fl_debugfs_exit();
	return ret;
}

static void __exit fl_exit(void)
{
	fl_phys_exit();
	fl_ram_exit();
	fl_pci_exit();
	fl_debugfs_exit();
}

module_init(fl_init);
module_exit(fl_exit);

MODULE_DESCRIPTION("faultline: benchmark of the ways to map a device BAR into user space");
MODULE_LICENSE("GPL");
