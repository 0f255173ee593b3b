// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - the io_remap_pfn_range() strategies.
 *
 * remap-mmap	fills the whole VMA inside mmap(), under the mmap write lock,
 *		as the PCI sysfs resourceN files do.  Nothing faults until a
 *		revoke zaps it; after a restore the pages fault back in one
 *		at a time (io_remap_pfn_range() cannot run in a fault handler
 *		without breaking the locking rules: see remap-fault).
 *
 * remap-fault	fills the whole VMA from the first fault, as vfio-pci did
 *		from 5.8 to 6.9 (vfio_pci_mmap_fault()).  This is faithful on
 *		purpose, including its bug: remap_pfn_range() changes vm_flags,
 *		which needs the mmap lock for writing, while a fault holds it
 *		for reading; kernels with the assertion (6.12) WARN at
 *		include/linux/rwsem.h in track_pfn_remap() and in
 *		remap_pfn_range_internal() on every such fault.  That warning
 *		is the finding this strategy exists to reproduce.
 */
#include <linux/mm.h>

#include "faultline_priv.h"

/*
 * io_remap_pfn_range() over [vma->vm_start, vma->vm_end): one call for a
 * contiguous backing, one per chunk for the RAM backing.
 */
static int fl_remap_vma(struct fl_vma *fv, struct vm_area_struct *vma)
{
	struct fl_dev *dev = fv->dev;
	const unsigned int s = fv->cfg.strategy;
	unsigned long addr = vma->vm_start;
	pgoff_t pgoff = vma->vm_pgoff;
	int ret;

	while (addr < vma->vm_end) {
		unsigned long len = vma->vm_end - addr;

		if (dev->chunks) {
			unsigned long left = (1UL << dev->chunk_order) -
				(pgoff & ((1UL << dev->chunk_order) - 1));

			len = min(len, left << PAGE_SHIFT);
		}
		ret = io_remap_pfn_range(vma, addr, fl_dev_pfn(dev, pgoff),
					 len, vma->vm_page_prot);
		if (ret)
			return ret;
		fl_count(dev, s, FL_CNT_REMAP);
		fl_count_add(dev, s, FL_CNT_REMAP_PAGES, len >> PAGE_SHIFT);
		addr += len;
		pgoff += len >> PAGE_SHIFT;
	}
	return 0;
}

static int fl_remap_mmap_mmap(struct fl_vma *fv, struct vm_area_struct *vma)
{
	struct fl_dev *dev = fv->dev;
	int ret = 0;

	/*
	 * Under memory_lock so that a revoke either comes first (we map
	 * nothing: faults SIGBUS, and after restore fill page by page) or
	 * waits for us, and then for this mmap() to finish, to zap what we
	 * filled: see faultline_revoke.c.
	 */
	percpu_down_read(&dev->memory_lock);
	if (!dev->revoked && !dev->dead)
		ret = fl_remap_vma(fv, vma);
	percpu_up_read(&dev->memory_lock);
	return ret;
}

/* Refill after a revoke and restore: one page per fault. */
static vm_fault_t fl_remap_mmap_fault(struct fl_fault *f)
{
	return fl_insert_pte(f, f->vmf->address, f->vmf->pmd);
}

/*
 * Under dev->remap_lock, not memory_lock and the insert locks: the
 * vm_flags update inside io_remap_pfn_range() takes the VMA's lock for
 * writing, and huge faults take memory_lock and the insert locks while
 * holding a VMA's lock for reading (lockdep would see a cycle).  vfio-pci
 * filled its VMAs under its vma_lock mutex in the same way.  Revoke takes
 * remap_lock once after setting its flag, so a fill either sees the flag
 * or is over before the zap.
 */
static vm_fault_t fl_remap_fault_fault(struct fl_fault *f)
{
	struct vm_fault *vmf = f->vmf;
	struct vm_area_struct *vma = vmf->vma;
	struct fl_dev *dev = f->dev;
	vm_fault_t ret = VM_FAULT_NOPAGE;
	int err;

	mutex_lock(&dev->remap_lock);
	if (READ_ONCE(dev->revoked) || READ_ONCE(dev->dead)) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	/*
	 * Concurrent faults on one VMA: the first fills it all, the others
	 * find their page mapped.  A VMA is filled all or nothing (failures
	 * are zapped, revoke zaps everything), so one page tells, and
	 * remap_pfn_range() BUG()s on a page that is already mapped.  vfio
	 * kept a list of filled VMAs under its vma_lock for the same purpose.
	 */
	if (fl_pte_state(vma->vm_mm, vmf->pmd, vmf->address) != FL_PT_NONE) {
		fl_count(f->dev, f->fv->cfg.strategy, FL_CNT_NOPAGE_RACE);
		goto out;
	}
	if (fl_inject_error(f)) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	err = fl_remap_vma(f->fv, vma);
	if (err) {
		zap_vma_ptes(vma, vma->vm_start, vma->vm_end - vma->vm_start);
		ret = vmf_error(err);
		goto out;
	}
	f->inserted = vma_pages(vma);
out:
	mutex_unlock(&dev->remap_lock);
	return ret;
}

const struct fl_strategy_ops fl_strategy_remap_mmap = {
	.name = "remap-mmap",
	.mmap = fl_remap_mmap_mmap,
	.fault = fl_remap_mmap_fault,
};

const struct fl_strategy_ops fl_strategy_remap_fault = {
	.name = "remap-fault",
	.fault_locks = true,
	.fault = fl_remap_fault_fault,
};
