/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultline - differences between the kernels the driver builds against.
 *
 * The lab runs Debian's 6.1 (no huge PFNMAP entries) and 6.12 (PMD and PUD
 * PFNMAP entries); mainline has since dropped pfn_t (6.17) and the mm
 * argument of mm_get_unmapped_area() (6.19).  Kbuild tests the headers for
 * each difference and defines FL_HAVE_<NAME> when the newer interface is
 * there; everything that depends on it is here, so that the rest of the
 * driver reads like code for one kernel.
 */
#ifndef _FAULTLINE_COMPAT_H
#define _FAULTLINE_COMPAT_H

#include <linux/huge_mm.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched/mm.h>
#ifdef FL_HAVE_PFN_T
#include <linux/pfn_t.h>
#endif

#ifndef PMD_ORDER
#define PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)
#endif
#ifndef PUD_ORDER
#define PUD_ORDER	(PUD_SHIFT - PAGE_SHIFT)
#endif

/*
 * Largest buddy allocation order.  MAX_ORDER changed meaning twice
 * (exclusive, then inclusive, then renamed MAX_PAGE_ORDER); the number of
 * pages of the largest block did not.
 */
#define FL_MAX_PAGE_ORDER	ilog2(MAX_ORDER_NR_PAGES)

/*
 * Huge PFNMAP entries: the kernel must be able to zap, fork, split and
 * walk special PMDs/PUDs, which arrived in 6.12 with pmd_special() and
 * CONFIG_ARCH_SUPPORTS_P?D_PFNMAP; earlier kernels only map huge entries
 * of devmap (DAX) pages, so the huge strategy is refused there.  The huge
 * fault handler also needs the order-based ->huge_fault() of 6.6+.
 */
#if defined(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP) && \
	defined(FL_HAVE_HUGE_FAULT_ORDER)
#define FL_HAVE_PMD_PFNMAP	1
#else
#define FL_HAVE_PMD_PFNMAP	0
#endif
#if defined(CONFIG_ARCH_SUPPORTS_PUD_PFNMAP) && \
	defined(CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD) && \
	defined(FL_HAVE_HUGE_FAULT_ORDER)
#define FL_HAVE_PUD_PFNMAP	1
#else
#define FL_HAVE_PUD_PFNMAP	0
#endif
#define FL_HAVE_HUGE_PFNMAP	(FL_HAVE_PMD_PFNMAP || FL_HAVE_PUD_PFNMAP)

/* follow_pfnmap_start() (6.12) can walk huge PFNMAP entries. */
#ifdef FL_HAVE_FOLLOW_PFNMAP
#define FL_KERNEL_FOLLOW_PFNMAP	1
#else
#define FL_KERNEL_FOLLOW_PFNMAP	0
#endif

/* vm_flags became read-only behind accessors in 6.3. */
static inline void fl_vm_flags_set(struct vm_area_struct *vma,
				   vm_flags_t flags)
{
#ifdef FL_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#if FL_HAVE_PMD_PFNMAP
/*
 * @write is false as in vfio-pci: the entry takes its permissions from
 * vm_page_prot, and with write set the kernel would WARN when it finds a
 * page table where it expected an empty entry.
 */
static inline vm_fault_t fl_insert_pfn_pmd(struct vm_fault *vmf,
					   unsigned long pfn)
{
#ifdef FL_HAVE_PFN_T
	return vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), false);
#else
	return vmf_insert_pfn_pmd(vmf, pfn, false);
#endif
}
#endif

#if FL_HAVE_PUD_PFNMAP
static inline vm_fault_t fl_insert_pfn_pud(struct vm_fault *vmf,
					   unsigned long pfn)
{
#ifdef FL_HAVE_PFN_T
	return vmf_insert_pfn_pud(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), false);
#else
	return vmf_insert_pfn_pud(vmf, pfn, false);
#endif
}
#endif

/* The default search for a free range, without this file's own hook. */
static inline unsigned long fl_mm_get_unmapped_area(struct file *file,
						    unsigned long addr,
						    unsigned long len,
						    unsigned long pgoff,
						    unsigned long flags)
{
#if defined(FL_HAVE_MM_GET_UNMAPPED_AREA_MM)
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#elif defined(FL_HAVE_MM_GET_UNMAPPED_AREA)
	return mm_get_unmapped_area(file, addr, len, pgoff, flags);
#else
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
#endif
}

/*
 * pmdp_get_lockless() and pudp_get() are not in every kernel; on 64-bit
 * machines (no split PAE entries) both are a READ_ONCE() of the entry.
 */
static inline pmd_t fl_pmdp_get_lockless(pmd_t *pmdp)
{
	return READ_ONCE(*pmdp);
}

static inline pud_t fl_pudp_get(pud_t *pudp)
{
	return READ_ONCE(*pudp);
}

#endif /* _FAULTLINE_COMPAT_H */
