// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - the vmf_insert_pfn() strategies.
 *
 * insert-page	the faulting 4 KiB page (the proposal of seed 001).
 * insert-bulk	the faulting page, then every other page of the VMA, as
 *		vfio-pci 6.10 and 6.11 did; errors after the faulting page
 *		end the prefill quietly (vfio did the same).  Unlike that
 *		vfio code it reschedules every PMD range: see
 *		fl_insert_range().
 * insert-around the faulting page, then the other pages of the naturally
 *		aligned window of N pages around it (N set per file), like
 *		the kernel's fault-around for page cache.
 */
#include <linux/mm.h>

#include "faultline_priv.h"

static vm_fault_t fl_insert_page_fault(struct fl_fault *f)
{
	return fl_insert_pte(f, f->vmf->address, f->vmf->pmd);
}

static vm_fault_t fl_insert_bulk_fault(struct fl_fault *f)
{
	struct vm_area_struct *vma = f->vmf->vma;
	vm_fault_t ret;

	ret = fl_insert_pte(f, f->vmf->address, f->vmf->pmd);
	if (ret & VM_FAULT_ERROR)
		return ret;
	fl_insert_range(f, vma->vm_start, vma->vm_end, true);
	return ret;
}

static vm_fault_t fl_insert_around_fault(struct fl_fault *f)
{
	struct vm_area_struct *vma = f->vmf->vma;
	unsigned long size = (unsigned long)f->fv->cfg.window << PAGE_SHIFT;
	unsigned long start, end;
	vm_fault_t ret;

	ret = fl_insert_pte(f, f->vmf->address, f->vmf->pmd);
	if (ret & VM_FAULT_ERROR)
		return ret;

	/* At most 512 pages, aligned: within one PMD range. */
	start = max(ALIGN_DOWN(f->vmf->address, size), vma->vm_start);
	end = min(ALIGN_DOWN(f->vmf->address, size) + size, vma->vm_end);
	fl_insert_range(f, start, end, false);
	return ret;
}

const struct fl_strategy_ops fl_strategy_insert_page = {
	.name = "insert-page",
	.fault = fl_insert_page_fault,
};

const struct fl_strategy_ops fl_strategy_insert_bulk = {
	.name = "insert-bulk",
	.fault = fl_insert_bulk_fault,
};

const struct fl_strategy_ops fl_strategy_insert_around = {
	.name = "insert-around",
	.fault = fl_insert_around_fault,
};
