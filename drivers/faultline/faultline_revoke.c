// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - revoke, restore and removal: what vfio-pci does to user
 * mappings on device reset or when memory decoding is turned off.
 *
 * Every VMA of a device is on the address_space of the device's private
 * inode, so one unmap_mapping_range() zaps them all.  Faults hold the
 * device's memory_lock for read and map nothing while the device is
 * revoked or dead; revoke sets the flag and zaps under the lock held for
 * write.  After that no entry of the device is mapped anywhere, and none
 * can be until restore.
 *
 * One exception needs care: remap-mmap fills the page tables inside
 * ->mmap(), before the kernel links the new VMA into the address_space,
 * so a zap at that moment does not see it.  Such VMAs are flagged; after
 * the zap, revoke waits for their mm's mmap lock (held for write by the
 * mmap() in progress, until the VMA is linked) and zaps again.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include "faultline_priv.h"
#include "faultline_trace.h"

/* Zap every mapping; the caller holds memory_lock for write. */
static u64 fl_zap_all(struct fl_dev *dev, bool count)
{
	u64 pages[FL_STRAT_NR] = { 0 };
	struct fl_vma *fv;
	unsigned int s;
	u64 total = 0;

	/*
	 * Pages covered by live VMAs.  Their bounds are read without their
	 * mm's lock: exact unless a VMA is being split or moved right now.
	 */
	mutex_lock(&dev->lock);
	list_for_each_entry(fv, &dev->vmas, node)
		pages[fv->cfg.strategy] += vma_pages(fv->vma);
	mutex_unlock(&dev->lock);

	unmap_mapping_range(dev->inode->i_mapping, 0, 0, 1);

	for (s = 0; s < FL_STRAT_NR; s++) {
		total += pages[s];
		if (count && pages[s]) {
			fl_count(dev, s, FL_CNT_REVOKE);
			fl_count_add(dev, s, FL_CNT_ZAPPED, pages[s]);
		}
	}
	return total;
}

/* Wait for mmap() calls that filled their VMA before it was linked. */
static bool fl_wait_filled_in_mmap(struct fl_dev *dev)
{
	bool waited = false;

	for (;;) {
		struct mm_struct *mm = NULL;
		struct fl_vma *fv;

		mutex_lock(&dev->lock);
		list_for_each_entry(fv, &dev->vmas, node) {
			if (fv->filled_in_mmap) {
				fv->filled_in_mmap = false;
				mm = fv->vma->vm_mm;
				mmgrab(mm);
				break;
			}
		}
		mutex_unlock(&dev->lock);
		if (!mm)
			return waited;

		mmap_read_lock(mm);
		mmap_read_unlock(mm);
		mmdrop(mm);
		waited = true;
	}
}

static u64 fl_revoke_locked(struct fl_dev *dev, bool revoke, bool count)
{
	u64 zapped;

	percpu_down_write(&dev->memory_lock);
	if (revoke)
		dev->revoked = true;
	else
		WRITE_ONCE(dev->dead, true);
	zapped = fl_zap_all(dev, count);
	percpu_up_write(&dev->memory_lock);

	if (fl_wait_filled_in_mmap(dev)) {
		percpu_down_write(&dev->memory_lock);
		unmap_mapping_range(dev->inode->i_mapping, 0, 0, 1);
		percpu_up_write(&dev->memory_lock);
	}
	return zapped;
}

int fl_revoke(struct fl_dev *dev, u64 *zapped)
{
	*zapped = fl_revoke_locked(dev, true, true);
	trace_faultline_revoke(dev->id, true, *zapped);
	return 0;
}

void fl_restore(struct fl_dev *dev)
{
	percpu_down_write(&dev->memory_lock);
	dev->revoked = false;
	percpu_up_write(&dev->memory_lock);
	trace_faultline_revoke(dev->id, false, 0);
}

/* The backing is going away: revoke for good. */
void fl_kill(struct fl_dev *dev)
{
	fl_revoke_locked(dev, false, false);
}
