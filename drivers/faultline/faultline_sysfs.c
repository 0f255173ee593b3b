// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - sysfs attributes of /sys/class/misc/faultlineN/.
 *
 *   backing	pci, ram or phys
 *   label	what fl_info.name says: "0000:01:00.0/bar2", "ram", "phys"
 *   size	bytes that can be mapped
 *   phys_base	physical address of offset 0 (RAM: of the first chunk)
 *   chunk_order order of the backing's contiguous chunks
 *   numa_node	node of the memory, -1 if unknown
 *   cache_default uc or wb: what FL_CACHE_DEFAULT means here
 *   mappings	live VMAs
 *   revoked	1 between FL_IOC_REVOKE and FL_IOC_RESTORE
 *   bar	PCI only, read-write: the BAR mapped; writable while the
 *		device has no mapping (EBUSY otherwise)
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "faultline_priv.h"

static struct fl_dev *fl_sysfs_dev(struct device *d)
{
	struct miscdevice *misc = dev_get_drvdata(d);

	return container_of(misc, struct fl_dev, misc);
}

static ssize_t backing_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	static const char *const kinds[FL_BACKING_NR] = {
		[FL_BACKING_PCI] = "pci",
		[FL_BACKING_RAM] = "ram",
		[FL_BACKING_PHYS] = "phys",
	};

	return sysfs_emit(buf, "%s\n", kinds[fl_sysfs_dev(d)->kind]);
}
static DEVICE_ATTR_RO(backing);

static ssize_t label_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct fl_dev *dev = fl_sysfs_dev(d);
	ssize_t n;

	mutex_lock(&dev->lock);
	n = sysfs_emit(buf, "%s\n", dev->label);
	mutex_unlock(&dev->lock);
	return n;
}
static DEVICE_ATTR_RO(label);

static ssize_t size_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	struct fl_dev *dev = fl_sysfs_dev(d);
	ssize_t n;

	mutex_lock(&dev->lock);
	n = sysfs_emit(buf, "%llu\n", dev->size);
	mutex_unlock(&dev->lock);
	return n;
}
static DEVICE_ATTR_RO(size);

static ssize_t phys_base_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	struct fl_dev *dev = fl_sysfs_dev(d);
	ssize_t n;

	mutex_lock(&dev->lock);
	n = sysfs_emit(buf, "%pa\n", &dev->phys_base);
	mutex_unlock(&dev->lock);
	return n;
}
static DEVICE_ATTR_RO(phys_base);

static ssize_t chunk_order_show(struct device *d,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", fl_sysfs_dev(d)->chunk_order);
}
static DEVICE_ATTR_RO(chunk_order);

static ssize_t numa_node_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", fl_sysfs_dev(d)->numa_node);
}
static DEVICE_ATTR_RO(numa_node);

static ssize_t cache_default_show(struct device *d,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  fl_cache_name(fl_sysfs_dev(d)->default_cache));
}
static DEVICE_ATTR_RO(cache_default);

static ssize_t mappings_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	struct fl_dev *dev = fl_sysfs_dev(d);
	ssize_t n;

	mutex_lock(&dev->lock);
	n = sysfs_emit(buf, "%u\n", dev->nr_vmas);
	mutex_unlock(&dev->lock);
	return n;
}
static DEVICE_ATTR_RO(mappings);

static ssize_t revoked_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(fl_sysfs_dev(d)->revoked));
}
static DEVICE_ATTR_RO(revoked);

static ssize_t bar_show(struct device *d, struct device_attribute *attr,
			char *buf)
{
	return fl_pci_bar_show(fl_sysfs_dev(d), buf);
}

static ssize_t bar_store(struct device *d, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	int bar, ret;

	ret = kstrtoint(buf, 0, &bar);
	if (ret)
		return ret;
	ret = fl_pci_bar_store(fl_sysfs_dev(d), bar);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(bar);

static struct attribute *fl_dev_attrs[] = {
	&dev_attr_backing.attr,
	&dev_attr_label.attr,
	&dev_attr_size.attr,
	&dev_attr_phys_base.attr,
	&dev_attr_chunk_order.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_cache_default.attr,
	&dev_attr_mappings.attr,
	&dev_attr_revoked.attr,
	&dev_attr_bar.attr,
	NULL
};

static umode_t fl_dev_attr_visible(struct kobject *kobj,
				   struct attribute *attr, int n)
{
	struct fl_dev *dev = fl_sysfs_dev(kobj_to_dev(kobj));

	if (attr == &dev_attr_bar.attr && dev->kind != FL_BACKING_PCI)
		return 0;
	return attr->mode;
}

static const struct attribute_group fl_dev_group = {
	.attrs = fl_dev_attrs,
	.is_visible = fl_dev_attr_visible,
};

const struct attribute_group *fl_dev_groups[] = {
	&fl_dev_group,
	NULL
};
