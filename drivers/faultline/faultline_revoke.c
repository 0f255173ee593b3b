// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - revoke, restore and removal: what vfio-pci does to user
 * mappings on device reset or when memory decoding is turned off.
 *
 * Every VMA of a device is on the address_space of the device's private
 * inode, so one unmap_mapping_range() zaps them all.  Faults hold the
 * device's memory_lock for read (remap-fault: its remap_lock) and map
 * nothing while the device is revoked or dead, so once the flag is set
 * and the zap done, no entry of the device is mapped anywhere until
 * restore.
 *
 * VMAs filled by io_remap_pfn_range() (remap-mmap, remap-fault) need more
 * care.  Their PAT reservation is tracked in vm_flags (VM_PAT), and the
 * zap that drops it clears VM_PAT without the mmap lock; run concurrently
 * with something else that changes or reads the VMA's flags - the end of
 * the mmap() that filled it, a munmap() or exit zapping it too - the flag
 * update is lost or the reservation freed twice, and the kernel WARNs
 * (untrack_pfn(), arch/x86/mm/pat/memtype.c).  remap-mmap even fills the
 * VMA inside ->mmap(), before the kernel links it where a zap can see it.
 * So those VMAs are zapped first, as vfio-pci 5.8-6.9 zapped its
 * remapped VMAs (vfio_pci_zap_and_vma_lock()): one mm at a time, under
 * that mm's mmap lock, here held for write so that no mmap(), munmap()
 * or exit of that mm is in progress.  Then the address_space is zapped
 * as a whole, with no VM_PAT left on it.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include "faultline_priv.h"
#include "faultline_trace.h"

static bool fl_strategy_remaps(unsigned int s)
{
	return s == FL_STRAT_REMAP_MMAP || s == FL_STRAT_REMAP_FAULT;
}

/* A remapped VMA not yet zapped in round @gen, or NULL; dev->lock held. */
static struct fl_vma *fl_next_remapped(struct fl_dev *dev, unsigned long gen,
				       struct mm_struct *mm)
{
	struct fl_vma *fv;

	list_for_each_entry(fv, &dev->vmas, node)
		if (fl_strategy_remaps(fv->cfg.strategy) &&
		    fv->zap_gen != gen && (!mm || fv->vma->vm_mm == mm))
			return fv;
	return NULL;
}

/*
 * Zap the remapped VMAs, mm by mm.  New ones cannot be filled (the device
 * is revoked); copies made meanwhile by fork() inherit zap_gen from their
 * parent, so an unzapped parent's copy is found on a later pass.
 */
static void fl_zap_remapped(struct fl_dev *dev, unsigned long gen)
{
	for (;;) {
		struct mm_struct *mm;
		struct fl_vma *fv;

		mutex_lock(&dev->lock);
		fv = fl_next_remapped(dev, gen, NULL);
		mm = fv ? fv->vma->vm_mm : NULL;
		if (mm)
			mmgrab(mm);
		mutex_unlock(&dev->lock);
		if (!mm)
			return;

		/* mmap lock before dev->lock, as in ->close(). */
		mmap_write_lock(mm);
		mutex_lock(&dev->lock);
		while ((fv = fl_next_remapped(dev, gen, mm))) {
			fv->zap_gen = gen;
			zap_vma_ptes(fv->vma, fv->vma->vm_start,
				     fv->vma->vm_end - fv->vma->vm_start);
		}
		mutex_unlock(&dev->lock);
		mmap_write_unlock(mm);
		mmdrop(mm);
	}
}

/*
 * Stop faults from mapping (revoked, or dead for good), then zap
 * everything.  Returns the pages covered by the device's VMAs, and with
 * @count adds them to the counters of their strategies.
 */
static u64 fl_zap(struct fl_dev *dev, bool dead, bool count)
{
	u64 pages[FL_STRAT_NR] = { 0 };
	unsigned long gen;
	struct fl_vma *fv;
	unsigned int s;
	u64 total = 0;

	mutex_lock(&dev->revoke_lock);
	percpu_down_write(&dev->memory_lock);
	if (dead)
		WRITE_ONCE(dev->dead, true);
	else
		WRITE_ONCE(dev->revoked, true);
	percpu_up_write(&dev->memory_lock);
	/* A remap-fault fill in progress ends; later ones see the flag. */
	mutex_lock(&dev->remap_lock);
	mutex_unlock(&dev->remap_lock);

	/*
	 * Pages covered by live VMAs.  Their bounds are read without their
	 * mm's lock: exact unless a VMA is being split or moved right now.
	 */
	mutex_lock(&dev->lock);
	gen = ++dev->zap_gen;
	list_for_each_entry(fv, &dev->vmas, node)
		pages[fv->cfg.strategy] += vma_pages(fv->vma);
	mutex_unlock(&dev->lock);

	fl_zap_remapped(dev, gen);
	unmap_mapping_range(dev->inode->i_mapping, 0, 0, 1);
	mutex_unlock(&dev->revoke_lock);

	for (s = 0; s < FL_STRAT_NR; s++) {
		total += pages[s];
		if (count && pages[s]) {
			fl_count(dev, s, FL_CNT_REVOKE);
			fl_count_add(dev, s, FL_CNT_ZAPPED, pages[s]);
		}
	}
	return total;
}

int fl_revoke(struct fl_dev *dev, u64 *zapped)
{
	*zapped = fl_zap(dev, false, true);
	trace_faultline_revoke(dev->id, true, *zapped);
	return 0;
}

void fl_restore(struct fl_dev *dev)
{
	mutex_lock(&dev->revoke_lock);
	percpu_down_write(&dev->memory_lock);
	WRITE_ONCE(dev->revoked, false);
	percpu_up_write(&dev->memory_lock);
	mutex_unlock(&dev->revoke_lock);
	trace_faultline_revoke(dev->id, false, 0);
}

/* The backing is going away: revoke for good. */
void fl_kill(struct fl_dev *dev)
{
	fl_zap(dev, true, false);
}
