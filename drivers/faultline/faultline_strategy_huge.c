// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - the huge strategy: ->huge_fault() maps a PUD, else a PMD,
 * else ->fault() maps a PTE, as the alignment of the address and of the
 * physical address, the VMA bounds and the file's cap allow (vfio-pci
 * 6.12+, vfio_pci_mmap_huge_fault()).
 *
 * The kernel offers each fault to ->huge_fault() at PUD_ORDER, then at
 * PMD_ORDER, before ->fault(), so one touch of a misaligned mapping can
 * count a PUD call, a PMD call and a fault, two of them fallbacks (and
 * with per-VMA locks the PMD call is repeated when the fault is retried
 * under the mmap lock to reach ->fault()).
 *
 * Races: a PUD or PMD entry is only inserted over an empty entry, under
 * the range's insert lock; a lower-level table found there (another
 * thread fell back to smaller entries) makes this fault fall back too,
 * and an entry found there (another thread won) ends the fault: both
 * threads succeed and the range has one mapping.  The PTE path checks for
 * a PMD or PUD entry above it in the same way, which vmf_insert_pfn()
 * would otherwise report as VM_FAULT_OOM.
 */
#include <linux/mm.h>
#include <linux/moduleparam.h>

#include "faultline_priv.h"

/*
 * Test only: a deliberately broken variant for proving that flbench
 * stress notices wrong data.  With it set, a huge fault no longer falls
 * back when the physical address is not aligned to the entry size: the
 * entry maps the naturally aligned block below it (pfn_pmd()/pfn_pud()
 * drop the low bits), so a misaligned mapping shows the wrong memory.
 * Only device memory of the same backing is reached: the block is inside
 * the VMA's range of the device, which is aligned to at least the entry.
 */
static bool fl_broken_huge_align;
module_param_named(broken_huge_align, fl_broken_huge_align, bool, 0644);
MODULE_PARM_DESC(broken_huge_align,
		 "TEST ONLY: huge faults skip the alignment check and map the wrong memory in misaligned mappings (default N)");

static vm_fault_t fl_huge_pte_fault(struct fl_fault *f)
{
	return fl_insert_pte(f, f->vmf->address, f->vmf->pmd);
}

#if FL_HAVE_HUGE_PFNMAP
static vm_fault_t fl_huge_insert(struct fl_fault *f, unsigned long pfn)
{
	const unsigned int s = f->fv->cfg.strategy;
	struct vm_fault *vmf = f->vmf;
	bool pud = f->order == PUD_ORDER;
	enum fl_pt_state st;
	vm_fault_t ret;

	st = pud ? fl_pud_state(vmf->pud) : fl_pmd_state(vmf->pmd);
	if (st == FL_PT_LEAF) {
		fl_count(f->dev, s, FL_CNT_NOPAGE_RACE);
		return VM_FAULT_NOPAGE;
	}
	if (st == FL_PT_TABLE)
		return VM_FAULT_FALLBACK;
	if (fl_inject_error(f))
		return VM_FAULT_SIGBUS;

	ret = VM_FAULT_FALLBACK;
#if FL_HAVE_PUD_PFNMAP
	if (pud)
		ret = fl_insert_pfn_pud(vmf, pfn);
#endif
#if FL_HAVE_PMD_PFNMAP
	if (!pud)
		ret = fl_insert_pfn_pmd(vmf, pfn);
#endif
	if (ret == VM_FAULT_NOPAGE) {
		fl_count(f->dev, s, pud ? FL_CNT_INSERT_PUD : FL_CNT_INSERT_PMD);
		f->inserted = 1;
	}
	return ret;
}
#endif

static vm_fault_t fl_huge_huge_fault(struct fl_fault *f)
{
#if FL_HAVE_HUGE_PFNMAP
	struct vm_fault *vmf = f->vmf;
	struct vm_area_struct *vma = vmf->vma;
	unsigned long size = PAGE_SIZE << f->order;
	unsigned long haddr = ALIGN_DOWN(vmf->address, size);
	struct mutex *lock;		/* serializes inserts in the range */
	unsigned long pfn;
	vm_fault_t ret;

	if (f->order > f->fv->cfg.max_order ||
	    !fl_huge_order_supported(f->order) ||
	    f->order > f->dev->contig_order)
		return VM_FAULT_FALLBACK;
	if (haddr < vma->vm_start || haddr + size > vma->vm_end)
		return VM_FAULT_FALLBACK;
	pfn = fl_dev_pfn(f->dev, vma->vm_pgoff +
			 ((haddr - vma->vm_start) >> PAGE_SHIFT));
	if ((pfn & ((1UL << f->order) - 1)) && !READ_ONCE(fl_broken_huge_align))
		return VM_FAULT_FALLBACK;

	lock = fl_insert_lock(vma->vm_mm, haddr, f->order);
	mutex_lock(lock);
	ret = fl_huge_insert(f, pfn);
	mutex_unlock(lock);
	return ret;
#else
	return VM_FAULT_FALLBACK;
#endif
}

const struct fl_strategy_ops fl_strategy_huge = {
	.name = "huge",
	.fault = fl_huge_pte_fault,
	.huge_fault = fl_huge_huge_fault,
};
