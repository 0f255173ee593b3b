// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - exact accounting of what a fault installed.
 *
 * vmf_insert_pfn() and its PMD/PUD variants return VM_FAULT_NOPAGE both
 * when they installed an entry and when one was already there (another
 * thread won the race), so counting inserts by return value would count
 * the same entry twice when two threads fault it at once.  Instead every
 * insert is done under a lock hashed on (mm, range) and preceded by a look
 * at the entry: "none" means this fault installs it, "leaf" means another
 * fault did (FL_CNT_NOPAGE_RACE), "table" means a smaller entry size is
 * already in use below (the huge strategy falls back).
 *
 * The look is a lockless read of the page tables of our own VMA.  It is
 * stable: the caller holds the mmap lock or the VMA lock, so the tables
 * cannot be freed; the device's memory_lock for read, so no revoke can
 * zap; and the insert lock of the range, so no other faultline fault can
 * install there.  Nothing else installs entries in a faultline VMA.
 *
 * Locks: PTE and PMD entries of one PMD range share a lock, PUD entries
 * key on the PUD range.  Within one VMA the huge strategy only tries a PUD
 * where every address of the PUD range would try it first, so PUD inserts
 * never race PMD/PTE inserts of the same range.
 */
#include <linux/hash.h>
#include <linux/pgtable.h>
#include <linux/sched.h>

#include "faultline_priv.h"

#define FL_INSERT_LOCK_BITS	10

struct fl_insert_lock {
	struct mutex lock;	/* inserts into one range of one mm */
} ____cacheline_aligned_in_smp;

static struct fl_insert_lock fl_insert_locks[1 << FL_INSERT_LOCK_BITS];

void fl_pgtable_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fl_insert_locks); i++)
		mutex_init(&fl_insert_locks[i].lock);
}

struct mutex *fl_insert_lock(struct mm_struct *mm, unsigned long addr,
			     unsigned int order)
{
	unsigned long key;

	if (order >= PUD_ORDER)
		key = (addr >> PUD_SHIFT) << 1 | 1;
	else
		key = (addr >> PMD_SHIFT) << 1;
	return &fl_insert_locks[hash_long(key ^ (unsigned long)mm,
					  FL_INSERT_LOCK_BITS)].lock;
}

enum fl_pt_state fl_pud_state(pud_t *pudp)
{
	pud_t pud = fl_pudp_get(pudp);

	if (pud_none(pud))
		return FL_PT_NONE;
	return pud_leaf(pud) ? FL_PT_LEAF : FL_PT_TABLE;
}

enum fl_pt_state fl_pmd_state(pmd_t *pmdp)
{
	pmd_t pmd = fl_pmdp_get_lockless(pmdp);

	if (pmd_none(pmd))
		return FL_PT_NONE;
	return pmd_leaf(pmd) ? FL_PT_LEAF : FL_PT_TABLE;
}

/* The PMD entry covering @addr, or NULL if no PMD table covers it yet. */
static enum fl_pt_state fl_walk_to_pmd(struct mm_struct *mm,
				       unsigned long addr, pmd_t **pmdpp)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;
	enum fl_pt_state st;

	*pmdpp = NULL;
	if (pgd_none(READ_ONCE(*pgd)))
		return FL_PT_NONE;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)))
		return FL_PT_NONE;
	pud = pud_offset(p4d, addr);
	st = fl_pud_state(pud);
	if (st == FL_PT_TABLE)
		*pmdpp = pmd_offset(pud, addr);
	return st;
}

/*
 * Is a 4 KiB page at @addr mapped, by a PTE or a larger entry?  @pmdp is
 * the PMD entry covering @addr if the caller has it (vmf->pmd), else NULL.
 */
enum fl_pt_state fl_pte_state(struct mm_struct *mm, pmd_t *pmdp,
			      unsigned long addr)
{
	enum fl_pt_state st;
	pmd_t pmd;
	pte_t *ptep;

	if (!pmdp) {
		st = fl_walk_to_pmd(mm, addr, &pmdp);
		if (st != FL_PT_TABLE)
			return st;
	}
	pmd = fl_pmdp_get_lockless(pmdp);
	if (pmd_none(pmd))
		return FL_PT_NONE;
	if (pmd_leaf(pmd))
		return FL_PT_LEAF;
	/*
	 * A user PTE table seen through a copy of its PMD entry; no HIGHPTE
	 * on the 64-bit machines this driver is for, so no kmap needed.
	 */
	ptep = pte_offset_kernel(&pmd, addr);
	return pte_none(ptep_get(ptep)) ? FL_PT_NONE : FL_PT_LEAF;
}

/*
 * Insert the page at @addr if nothing maps it; the caller holds the insert
 * lock of its PMD range.  *@pmdpp caches the PMD entry between calls in
 * one PMD range (NULL: look it up).
 */
static vm_fault_t fl_insert_pte_locked(struct fl_fault *f, unsigned long addr,
				       pmd_t **pmdpp)
{
	struct vm_area_struct *vma = f->vmf->vma;
	const unsigned int s = f->fv->cfg.strategy;
	enum fl_pt_state st;
	vm_fault_t ret;

	if (!*pmdpp) {
		st = fl_walk_to_pmd(vma->vm_mm, addr, pmdpp);
		if (st == FL_PT_LEAF)
			goto race;
	}
	if (*pmdpp && fl_pte_state(vma->vm_mm, *pmdpp, addr) == FL_PT_LEAF)
		goto race;

	if (fl_inject_error(f))
		return VM_FAULT_SIGBUS;
	ret = vmf_insert_pfn(vma, addr, fl_dev_pfn(f->dev, vma->vm_pgoff +
			     ((addr - vma->vm_start) >> PAGE_SHIFT)));
	if (ret == VM_FAULT_NOPAGE) {
		fl_count(f->dev, s, FL_CNT_INSERT_PTE);
		f->inserted++;
	}
	return ret;

race:
	fl_count(f->dev, s, FL_CNT_NOPAGE_RACE);
	return VM_FAULT_NOPAGE;
}

/* Insert the page at @addr (the faulting one, usually). */
vm_fault_t fl_insert_pte(struct fl_fault *f, unsigned long addr, pmd_t *pmdp)
{
	struct mutex *lock = fl_insert_lock(f->vmf->vma->vm_mm, addr, 0);
	vm_fault_t ret;

	mutex_lock(lock);
	ret = fl_insert_pte_locked(f, addr, &pmdp);
	mutex_unlock(lock);
	return ret;
}

/*
 * Insert every page of [@start, @end) but the faulting one, one PMD range
 * at a time, stopping at the first error.  Between PMD ranges give the CPU
 * away: a 64 GiB range is 16M inserts, far beyond the soft-lockup and RCU
 * stall thresholds without a reschedule point.  A fatal signal ends it
 * early: the rest faults in later if the process survives.
 */
vm_fault_t fl_insert_range(struct fl_fault *f, unsigned long start,
			   unsigned long end, bool may_resched)
{
	struct mm_struct *mm = f->vmf->vma->vm_mm;
	vm_fault_t ret = VM_FAULT_NOPAGE;
	unsigned long addr = start, next;

	while (addr < end) {
		struct mutex *lock = fl_insert_lock(mm, addr, 0);
		pmd_t *pmdp = NULL;

		next = pmd_addr_end(addr, end);
		mutex_lock(lock);
		for (; addr < next; addr += PAGE_SIZE) {
			if (addr == f->vmf->address)
				continue;
			ret = fl_insert_pte_locked(f, addr, &pmdp);
			if (ret & VM_FAULT_ERROR)
				break;
		}
		mutex_unlock(lock);
		if (ret & VM_FAULT_ERROR)
			break;
		if (may_resched) {
			cond_resched();
			if (fatal_signal_pending(current))
				break;
		}
	}
	return ret;
}
