// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - caching modes: uncached (UC-), write-combining, write-back.
 *
 * The mode is chosen per open file, but on x86 it is not the VMA's
 * vm_page_prot that decides it: vmf_insert_pfn*() take the memory type
 * that PAT has recorded for the physical range (track_pfn_insert(): UC-
 * for an unrecorded device range, the page's type for RAM), and
 * io_remap_pfn_range() records the VMA's type for the VMA's range.  So
 * that a mapping gets the mode it asked for, the device records it too,
 * once, while it has mappings of that mode:
 *
 *   PCI BAR, physical range: UC- needs nothing; WC reserves the device
 *	range as write-combining (arch_io_reserve_memtype_wc()).
 *   RAM: WB needs nothing; UC- and WC change the memory type of the
 *	chunks (set_memory_uc()/set_memory_wc(), which also fix the kernel's
 *	own mapping so the two never disagree), and set_memory_wb() undoes it.
 *
 * One physical range has one memory type at a time, so all live mappings
 * of a device share one mode: mmap() in another mode fails with EBUSY
 * until they are gone.  A type recorded for the range by someone else
 * (another driver's ioremap, a sysfs resourceN_wc mapping) is not ours to
 * change; PAT then decides (see CONFIG.md).
 */
#include <linux/io.h>
#include <linux/mm.h>
#ifdef CONFIG_X86
#include <asm/set_memory.h>
#endif

#include "faultline_priv.h"

const char *fl_cache_name(enum fl_cache_mode mode)
{
	static const char *const names[FL_CACHE_NR] = {
		[FL_CACHE_DEFAULT] = "default",
		[FL_CACHE_UC] = "uc",
		[FL_CACHE_WC] = "wc",
		[FL_CACHE_WB] = "wb",
	};

	return mode < FL_CACHE_NR ? names[mode] : "?";
}

int fl_cache_resolve(const struct fl_dev *dev, u32 mode,
		     enum fl_cache_mode *out)
{
	if (mode >= FL_CACHE_NR)
		return -EINVAL;
	if (mode == FL_CACHE_DEFAULT)
		mode = dev->default_cache;
	/* Device memory is never mapped cacheable. */
	if (mode == FL_CACHE_WB && dev->kind != FL_BACKING_RAM)
		return -EINVAL;
#ifndef CONFIG_X86
	/* Only x86 can change the type of RAM without aliasing it. */
	if (mode != FL_CACHE_WB && dev->kind == FL_BACKING_RAM)
		return -EINVAL;
#endif
	*out = mode;
	return 0;
}

pgprot_t fl_cache_pgprot(const struct fl_dev *dev, enum fl_cache_mode mode,
			 pgprot_t prot)
{
	switch (mode) {
	case FL_CACHE_UC:
		prot = pgprot_noncached(prot);
		break;
	case FL_CACHE_WC:
		prot = pgprot_writecombine(prot);
		break;
	default:
		break;
	}
	/* Device memory is never encrypted (SME/TDX), RAM is as the kernel's. */
	if (dev->kind != FL_BACKING_RAM)
		prot = pgprot_decrypted(prot);
	return prot;
}

#ifdef CONFIG_X86
/* Change the memory type of the RAM chunks [0, n) to @mode. */
static int fl_cache_set_ram(struct fl_dev *dev, enum fl_cache_mode mode,
			    unsigned long n)
{
	int npages = 1 << dev->chunk_order;
	unsigned long i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		unsigned long addr = (unsigned long)page_address(dev->chunks[i]);

		if (mode == FL_CACHE_UC)
			ret = set_memory_uc(addr, npages);
		else if (mode == FL_CACHE_WC)
			ret = set_memory_wc(addr, npages);
		else
			ret = set_memory_wb(addr, npages);
		if (ret)
			break;
	}
	if (ret && mode != FL_CACHE_WB)
		fl_cache_set_ram(dev, FL_CACHE_WB, i);
	return ret;
}
#endif

static unsigned long fl_nr_chunks(const struct fl_dev *dev)
{
	return dev->size >> (PAGE_SHIFT + dev->chunk_order);
}

static int fl_cache_apply(struct fl_dev *dev, enum fl_cache_mode mode)
{
	int ret = 0;

	if (dev->kind == FL_BACKING_RAM) {
#ifdef CONFIG_X86
		if (mode != FL_CACHE_WB)
			ret = fl_cache_set_ram(dev, mode, fl_nr_chunks(dev));
#endif
	} else if (mode == FL_CACHE_WC) {
		ret = arch_io_reserve_memtype_wc(dev->phys_base, dev->size);
	}
	if (ret)
		return ret == -ENOMEM ? ret : -EBUSY;
	dev->cache_applied = true;
	return 0;
}

static void fl_cache_unapply(struct fl_dev *dev)
{
	if (!dev->cache_applied)
		return;
	dev->cache_applied = false;
	if (dev->kind == FL_BACKING_RAM) {
#ifdef CONFIG_X86
		if (dev->cache_active != FL_CACHE_WB)
			fl_cache_set_ram(dev, FL_CACHE_WB, fl_nr_chunks(dev));
#endif
	} else if (dev->cache_active == FL_CACHE_WC) {
		arch_io_free_memtype_wc(dev->phys_base, dev->size);
	}
}

/* A new mapping of @mode; dev->lock held. */
int fl_cache_get(struct fl_dev *dev, enum fl_cache_mode mode)
{
	int ret;

	lockdep_assert_held(&dev->lock);
	if (dev->cache_users) {
		if (dev->cache_active != mode)
			return -EBUSY;
		dev->cache_users++;
		return 0;
	}
	ret = fl_cache_apply(dev, mode);
	if (ret)
		return ret;
	dev->cache_active = mode;
	dev->cache_users = 1;
	return 0;
}

/* A copy of a live mapping (fork, split): same mode, cannot fail. */
void fl_cache_get_another(struct fl_dev *dev)
{
	lockdep_assert_held(&dev->lock);
	dev->cache_users++;
}

void fl_cache_put(struct fl_dev *dev)
{
	lockdep_assert_held(&dev->lock);
	if (!--dev->cache_users)
		fl_cache_unapply(dev);
}

/* The device is removed and its mappings zapped: give the type back now. */
void fl_cache_teardown(struct fl_dev *dev)
{
	mutex_lock(&dev->lock);
	fl_cache_unapply(dev);
	mutex_unlock(&dev->lock);
}
