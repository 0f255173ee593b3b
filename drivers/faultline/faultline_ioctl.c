// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - ioctl dispatch.
 *
 * Every argument is a struct whose first member is its size as user space
 * compiled it (see include/faultline.h).  Input is taken with
 * copy_struct_from_user(): shorter structs of at least the first version
 * are zero-extended, longer ones must be zero beyond what the driver
 * knows (E2BIG otherwise).  Output is copied up to the smaller of the two
 * sizes and @size is set to the number of bytes written.
 */
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/uaccess.h>

#include "faultline_priv.h"

void fl_cfg_init(struct fl_dev *dev, struct fl_cfg *cfg)
{
	cfg->strategy = fl_default_strategy;
	cfg->max_order = fl_huge_max_order();
	cfg->window = fl_around_window;
	cfg->cache = dev->default_cache;
}

/* Read an ioctl struct of kernel size @ksize, at least @ver0 bytes. */
int fl_copy_in(void *karg, size_t ksize, size_t ver0, void __user *uarg,
	       u32 *usize)
{
	u32 size;

	if (get_user(size, (u32 __user *)uarg))
		return -EFAULT;
	if (size < ver0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	*usize = size;
	return copy_struct_from_user(karg, ksize, uarg, size);
}

int fl_copy_out(void __user *uarg, void *karg, size_t ksize, u32 usize)
{
	u32 n = min_t(size_t, ksize, usize);

	/* Every struct starts with its __u32 size. */
	*(u32 *)karg = n;
	return copy_to_user(uarg, karg, n) ? -EFAULT : 0;
}

/* FL_ORDER_* are x86-64's orders; translate for other page sizes. */
static int fl_order_from_uapi(u32 uorder, unsigned int *order)
{
	switch (uorder) {
	case FL_ORDER_PTE:
		*order = 0;
		return 0;
	case FL_ORDER_PMD:
		*order = PMD_ORDER;
		return 0;
	case FL_ORDER_PUD:
		*order = PUD_ORDER;
		return 0;
	default:
		return -EINVAL;
	}
}

static u32 fl_order_to_uapi(unsigned int order)
{
	if (order == PUD_ORDER)
		return FL_ORDER_PUD;
	return order == PMD_ORDER ? FL_ORDER_PMD : FL_ORDER_PTE;
}

static u32 fl_features(const struct fl_dev *dev)
{
	u32 f = 0;

	if (fl_huge_order_supported(PMD_ORDER))
		f |= FL_FEAT_PMD_PFNMAP;
	if (fl_huge_order_supported(PUD_ORDER))
		f |= FL_FEAT_PUD_PFNMAP;
	if (FL_KERNEL_FOLLOW_PFNMAP)
		f |= FL_FEAT_FOLLOW_PFNMAP;
	if (!dev->chunks)
		f |= FL_FEAT_CONTIGUOUS;
	return f;
}

static int fl_ioc_get_info(struct fl_file *ff, void __user *uarg)
{
	struct fl_dev *dev = ff->dev;
	struct fl_info info;
	u32 usize;
	int ret;

	ret = fl_copy_in(&info, sizeof(info), FL_INFO_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;

	memset(&info, 0, sizeof(info));
	info.api_version = FL_API_VERSION;
	info.backing = dev->kind;
	info.numa_node = dev->numa_node;
	info.features = fl_features(dev);
	info.default_strategy = fl_default_strategy;
	info.default_cache = dev->default_cache;
	mutex_lock(&dev->lock);
	info.bar_size = dev->size;
	info.phys_base = dev->phys_base;
	info.chunk_order = dev->chunk_order;
	strscpy(info.name, dev->label, sizeof(info.name));
	mutex_unlock(&dev->lock);

	return fl_copy_out(uarg, &info, sizeof(info), usize);
}

static int fl_ioc_set_strategy(struct fl_file *ff, void __user *uarg)
{
	struct fl_strategy s;
	struct fl_cfg cfg;
	u32 usize;
	int ret;

	ret = fl_copy_in(&s, sizeof(s), FL_STRATEGY_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;

	if (s.flags || s.strategy >= FL_STRAT_NR)
		return -EINVAL;
	ret = fl_order_from_uapi(s.max_order, &cfg.max_order);
	if (ret)
		return ret;
	if (s.window && (s.window > FL_WINDOW_MAX || !is_power_of_2(s.window)))
		return -EINVAL;
	ret = fl_cache_resolve(ff->dev, s.cache, &cfg.cache);
	if (ret)
		return ret;
	/* Kernels before 6.12 cannot map huge PFNMAP entries at all. */
	if (s.strategy == FL_STRAT_HUGE &&
	    (!fl_huge_order_supported(PMD_ORDER) ||
	     !fl_huge_order_supported(cfg.max_order)))
		return -EOPNOTSUPP;

	cfg.strategy = s.strategy;
	cfg.window = s.window ? s.window : fl_around_window;

	mutex_lock(&ff->lock);
	if (ff->nr_vmas)
		ret = -EBUSY;
	else
		ff->cfg = cfg;
	mutex_unlock(&ff->lock);
	return ret;
}

static int fl_ioc_get_strategy(struct fl_file *ff, void __user *uarg)
{
	struct fl_strategy s;
	u32 usize;
	int ret;

	ret = fl_copy_in(&s, sizeof(s), FL_STRATEGY_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;

	memset(&s, 0, sizeof(s));
	mutex_lock(&ff->lock);
	s.strategy = ff->cfg.strategy;
	s.max_order = fl_order_to_uapi(ff->cfg.max_order);
	s.window = ff->cfg.window;
	s.cache = ff->cfg.cache;
	mutex_unlock(&ff->lock);

	return fl_copy_out(uarg, &s, sizeof(s), usize);
}

static int fl_ioc_get_counters(struct fl_file *ff, void __user *uarg)
{
	struct fl_counters *c;
	u32 usize;
	int ret;

	/* 736 bytes: too much for the stack. */
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;

	ret = fl_copy_in(c, sizeof(*c), FL_COUNTERS_SIZE_VER0, uarg, &usize);
	if (ret)
		goto out;
	if (c->flags & ~FL_COUNTERS_RESET) {
		ret = -EINVAL;
		goto out;
	}

	ret = fl_counters_read(ff->dev, c->val, c->flags & FL_COUNTERS_RESET);
	if (ret)
		goto out;
	c->nr_strategies = FL_STRAT_NR;
	c->nr_counters = FL_CNT_NR;
	ret = fl_copy_out(uarg, c, sizeof(*c), usize);
out:
	kfree(c);
	return ret;
}

static int fl_ioc_reset_counters(struct fl_file *ff, unsigned long arg)
{
	/* No argument: reserve it for later use by requiring 0. */
	if (arg)
		return -EINVAL;
	return fl_counters_read(ff->dev, NULL, true);
}

static int fl_ioc_set_inject(struct fl_file *ff, void __user *uarg)
{
	struct fl_inject in;
	u32 usize;
	int ret;

	ret = fl_copy_in(&in, sizeof(in), FL_INJECT_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	return fl_inject_set(ff->dev, in.delay_ns, in.error_ppm);
}

static int fl_ioc_get_inject(struct fl_file *ff, void __user *uarg)
{
	struct fl_dev *dev = ff->dev;
	struct fl_inject in;
	u32 usize;
	int ret;

	ret = fl_copy_in(&in, sizeof(in), FL_INJECT_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;

	memset(&in, 0, sizeof(in));
	in.delay_ns = READ_ONCE(dev->inject_delay_ns);
	in.error_ppm = READ_ONCE(dev->inject_error_ppm);
	return fl_copy_out(uarg, &in, sizeof(in), usize);
}

static int fl_ioc_revoke(struct fl_file *ff, void __user *uarg, bool revoke)
{
	struct fl_revoke r;
	u64 zapped = 0;
	u32 usize;
	int ret;

	ret = fl_copy_in(&r, sizeof(r), FL_REVOKE_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (r.flags)
		return -EINVAL;

	if (revoke) {
		ret = fl_revoke(ff->dev, &zapped);
		if (ret)
			return ret;
	} else {
		fl_restore(ff->dev);
	}

	memset(&r, 0, sizeof(r));
	r.zapped_pages = zapped;
	return fl_copy_out(uarg, &r, sizeof(r), usize);
}

long fl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct fl_file *ff = file->private_data;
	void __user *uarg = (void __user *)arg;

	/* Unknown commands first: ENOTTY says "not this driver's". */
	switch (cmd) {
	case FL_IOC_GET_INFO:
	case FL_IOC_SET_STRATEGY:
	case FL_IOC_GET_STRATEGY:
	case FL_IOC_GET_COUNTERS:
	case FL_IOC_RESET_COUNTERS:
	case FL_IOC_SET_INJECT:
	case FL_IOC_GET_INJECT:
	case FL_IOC_REVOKE:
	case FL_IOC_RESTORE:
	case FL_IOC_VRING_SETUP:
	case FL_IOC_VRING_PROCESS:
	case FL_IOC_VRING_STATS:
	case FL_IOC_VRING_TEARDOWN:
		break;
	default:
		return -ENOTTY;
	}

	/* The backing is gone: nothing to describe, map or revoke. */
	if (READ_ONCE(ff->dev->dead))
		return -ENODEV;

	switch (cmd) {
	case FL_IOC_GET_INFO:
		return fl_ioc_get_info(ff, uarg);
	case FL_IOC_SET_STRATEGY:
		return fl_ioc_set_strategy(ff, uarg);
	case FL_IOC_GET_STRATEGY:
		return fl_ioc_get_strategy(ff, uarg);
	case FL_IOC_GET_COUNTERS:
		return fl_ioc_get_counters(ff, uarg);
	case FL_IOC_RESET_COUNTERS:
		return fl_ioc_reset_counters(ff, arg);
	case FL_IOC_SET_INJECT:
		return fl_ioc_set_inject(ff, uarg);
	case FL_IOC_GET_INJECT:
		return fl_ioc_get_inject(ff, uarg);
	case FL_IOC_REVOKE:
		return fl_ioc_revoke(ff, uarg, true);
	case FL_IOC_VRING_SETUP:
	case FL_IOC_VRING_PROCESS:
	case FL_IOC_VRING_STATS:
	case FL_IOC_VRING_TEARDOWN:
		return fl_vring_ioctl(ff, cmd, arg);
	default:
		return fl_ioc_revoke(ff, uarg, false);
	}
}
