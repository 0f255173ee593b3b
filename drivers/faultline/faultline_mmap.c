// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - mmap(), the VMA life cycle and the common fault path.
 *
 * A VMA is VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP and shared, as
 * vfio-pci makes them.  Its fault handlers count every call and outcome,
 * apply the injected delay, take the device's memory_lock for read (so a
 * revoke either waits for the fault or makes it SIGBUS; remap-fault has
 * its own lock) and hand the work to the strategy chosen when the VMA was
 * mapped.
 */
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/slab.h>

#include "faultline_priv.h"
#include "faultline_trace.h"

static void fl_vma_track(struct fl_dev *dev, struct fl_vma *fv)
{
	lockdep_assert_held(&dev->lock);
	list_add(&fv->node, &dev->vmas);
	dev->nr_vmas++;
}

static void fl_vma_untrack(struct fl_dev *dev, struct fl_vma *fv)
{
	lockdep_assert_held(&dev->lock);
	list_del(&fv->node);
	dev->nr_vmas--;
}

/*
 * A new VMA copied from one of ours: fork, split, mremap.  It inherits
 * the page table entries (fork copies PFNMAP entries, split and move keep
 * them), so it is a live mapping of the same strategy and caching mode.
 */
static void fl_vm_open(struct vm_area_struct *vma)
{
	struct fl_vma *old = vma->vm_private_data;
	struct fl_dev *dev = old->dev;
	struct fl_vma *fv;

	/*
	 * ->open() cannot fail, and without its own fl_vma the new VMA's
	 * ->close() would free the original's.  The object is small.
	 */
	fv = kmemdup(old, sizeof(*old), GFP_KERNEL | __GFP_NOFAIL);
	fv->vma = vma;

	mutex_lock(&dev->lock);
	fl_vma_track(dev, fv);
	fl_cache_get_another(dev);
	mutex_unlock(&dev->lock);

	mutex_lock(&fv->ff->lock);
	fv->ff->nr_vmas++;
	mutex_unlock(&fv->ff->lock);

	vma->vm_private_data = fv;
}

static void fl_vm_close(struct vm_area_struct *vma)
{
	struct fl_vma *fv = vma->vm_private_data;
	struct fl_dev *dev = fv->dev;

	mutex_lock(&dev->lock);
	fl_vma_untrack(dev, fv);
	fl_cache_put(dev);
	mutex_unlock(&dev->lock);

	mutex_lock(&fv->ff->lock);
	fv->ff->nr_vmas--;
	mutex_unlock(&fv->ff->lock);

	kfree(fv);
}

static vm_fault_t fl_fault_common(struct vm_fault *vmf, unsigned int order)
{
	struct fl_vma *fv = vmf->vma->vm_private_data;
	struct fl_dev *dev = fv->dev;
	const unsigned int s = fv->cfg.strategy;
	const struct fl_strategy_ops *ops = fl_strategies[s];
	struct fl_fault f = {
		.vmf = vmf,
		.fv = fv,
		.dev = dev,
		.order = order,
	};
	vm_fault_t ret;

	trace_faultline_fault_entry(dev->id, s, vmf->address, order,
				    vmf->flags);
	if (!order)
		fl_count(dev, s, FL_CNT_FAULT);
	else
		fl_count(dev, s, order == PMD_ORDER ? FL_CNT_HUGE_FAULT_PMD :
						      FL_CNT_HUGE_FAULT_PUD);

	fl_inject_delay(dev);

	if (!order && ops->fault_locks) {
		ret = ops->fault(&f);
	} else {
		percpu_down_read(&dev->memory_lock);
		if (dev->revoked || dev->dead)
			ret = VM_FAULT_SIGBUS;
		else if (order)
			ret = ops->huge_fault(&f);
		else
			ret = ops->fault(&f);
		percpu_up_read(&dev->memory_lock);
	}

	if (ret & VM_FAULT_SIGBUS)
		fl_count(dev, s, FL_CNT_SIGBUS);
	if (ret & VM_FAULT_FALLBACK)
		fl_count(dev, s, FL_CNT_FALLBACK);

	trace_faultline_fault_exit(dev->id, s, vmf->address, order, ret,
				   f.inserted);
	return ret;
}

static vm_fault_t fl_vm_fault(struct vm_fault *vmf)
{
	return fl_fault_common(vmf, 0);
}

#if FL_HAVE_HUGE_PFNMAP
static vm_fault_t fl_vm_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	/* The kernel only asks for PMD_ORDER and PUD_ORDER. */
	if (order != PMD_ORDER && order != PUD_ORDER)
		return VM_FAULT_FALLBACK;
	return fl_fault_common(vmf, order);
}

/*
 * A VMA is about to be split at @addr (munmap, mprotect or mremap of a
 * part of it).  The kernel splits huge PMD entries that straddle @addr
 * (vma_adjust_trans_huge()), but not PUD entries: on 6.12 its
 * mm_find_pmd() walks into a PUD leaf as if it were a PMD table, and
 * __split_huge_pmd() then takes a lock in the BAR's memory map (an oops
 * seen in the lab, from flbench stress unmapping one page of a 1 GiB
 * mapping).  So zap the PUD range around @addr first: no PUD entry then
 * straddles the split, and later faults map the range again at the sizes
 * the split VMAs allow.
 */
static int fl_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long start = ALIGN_DOWN(addr, PUD_SIZE);

	if (addr != start && start >= vma->vm_start &&
	    start + PUD_SIZE <= vma->vm_end)
		zap_vma_ptes(vma, start, PUD_SIZE);
	return 0;
}
#endif

static const struct vm_operations_struct fl_vm_ops = {
	.open = fl_vm_open,
	.close = fl_vm_close,
	.fault = fl_vm_fault,
};

/* Only VMAs of the huge strategy see ->huge_fault() calls. */
static const struct vm_operations_struct fl_vm_ops_huge = {
	.open = fl_vm_open,
	.close = fl_vm_close,
	.fault = fl_vm_fault,
#if FL_HAVE_HUGE_PFNMAP
	.huge_fault = fl_vm_huge_fault,
	.may_split = fl_vm_may_split,
#endif
};

int fl_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct fl_file *ff = file->private_data;
	struct fl_dev *dev = ff->dev;
	unsigned long len = vma->vm_end - vma->vm_start;
	struct fl_vma *fv;
	u64 off;
	int ret;

	/* As vfio-pci: a private (COW) mapping of device memory is refused. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT))
		return -EINVAL;
	off = (u64)vma->vm_pgoff << PAGE_SHIFT;

	fv = kzalloc(sizeof(*fv), GFP_KERNEL);
	if (!fv)
		return -ENOMEM;
	fv->vma = vma;
	fv->ff = ff;
	fv->dev = dev;

	/* ff->lock: the strategy cannot change until nr_vmas counts us. */
	mutex_lock(&ff->lock);
	fv->cfg = ff->cfg;

	mutex_lock(&dev->lock);
	if (READ_ONCE(dev->dead)) {
		ret = -ENODEV;
		goto err_unlock;
	}
	if (off >= dev->size || len > dev->size - off) {
		ret = -EINVAL;
		goto err_unlock;
	}
	ret = fl_cache_get(dev, fv->cfg.cache);
	if (ret)
		goto err_unlock;
	fv->zap_gen = dev->zap_gen;
	fl_vma_track(dev, fv);
	mutex_unlock(&dev->lock);

	/*
	 * Set the flags before any fill: this also write-locks the new VMA,
	 * so remap-mmap's io_remap_pfn_range() below, under memory_lock,
	 * does not take the VMA lock (huge faults take memory_lock under it).
	 */
	fl_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = fl_cache_pgprot(dev, fv->cfg.cache,
					    vma->vm_page_prot);
	vma->vm_private_data = fv;
	vma->vm_ops = fv->cfg.strategy == FL_STRAT_HUGE ? &fl_vm_ops_huge :
							  &fl_vm_ops;

	if (fl_strategies[fv->cfg.strategy]->mmap) {
		ret = fl_strategies[fv->cfg.strategy]->mmap(fv, vma);
		if (ret)
			goto err_untrack;
	}

	ff->nr_vmas++;
	mutex_unlock(&ff->lock);
	fl_count(dev, fv->cfg.strategy, FL_CNT_MMAP);
	return 0;

err_untrack:
	/* ->close() is not called when ->mmap() fails. */
	mutex_lock(&dev->lock);
	fl_vma_untrack(dev, fv);
	fl_cache_put(dev);
err_unlock:
	mutex_unlock(&dev->lock);
	mutex_unlock(&ff->lock);
	kfree(fv);
	return ret;
}

/*
 * Largest entry the file's next mapping of @len bytes at @pgoff could use,
 * as a size in bytes, or 0 if only PTEs.
 */
static unsigned long fl_map_align(struct fl_file *ff, unsigned long len,
				  unsigned long pgoff)
{
	struct fl_dev *dev = ff->dev;
	unsigned int order, cap;
	u64 off;

	mutex_lock(&ff->lock);
	cap = ff->cfg.strategy == FL_STRAT_HUGE ? ff->cfg.max_order : 0;
	mutex_unlock(&ff->lock);

	if (pgoff > (U64_MAX >> PAGE_SHIFT))
		return 0;
	off = (u64)pgoff << PAGE_SHIFT;
	for (order = cap; order; order = order == PUD_ORDER ? PMD_ORDER : 0) {
		if (!fl_huge_order_supported(order) ||
		    order > dev->contig_order)
			continue;
		if (len >= (PAGE_SIZE << order) && off < dev->size)
			return PAGE_SIZE << order;
	}
	return 0;
}

/*
 * Huge entries need the user address and the physical address congruent
 * modulo the entry size.  For mmap(NULL, ...) of a huge-strategy file,
 * pick such an address, as thp_get_unmapped_area() does for files and
 * device-dax does for its devices: ask for len + align and slide.  A
 * MAP_FIXED or hinted address is the caller's choice (a misaligned one
 * shows the fallback).
 */
unsigned long fl_get_unmapped_area(struct file *file, unsigned long addr,
				   unsigned long len, unsigned long pgoff,
				   unsigned long flags)
{
	struct fl_file *ff = file->private_data;
	unsigned long align, want, ret;

	if ((flags & MAP_FIXED) || addr)
		goto plain;
	align = fl_map_align(ff, len, pgoff);
	if (!align || len + align < len)
		goto plain;

	ret = fl_mm_get_unmapped_area(file, 0, len + align, pgoff, flags);
	if (IS_ERR_VALUE(ret))
		goto plain;
	want = (fl_dev_pfn(ff->dev, pgoff) << PAGE_SHIFT) & (align - 1);
	return ret + ((want - ret) & (align - 1));

plain:
	return fl_mm_get_unmapped_area(file, addr, len, pgoff, flags);
}
