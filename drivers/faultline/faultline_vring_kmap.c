// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - kmap mode: the ring parts pinned and mapped into the kernel,
 * kept coherent with the owner's page tables by mmu_interval_notifiers.
 *
 * This is the design vhost tried in 2019 (seed 000) and reverted because
 * its synchronisation with the notifier was wrong (seeds 002, 003).  Here:
 *
 *  - One notifier per range of whole pages holding ring parts (adjacent or
 *    overlapping parts share one): invalidations of payload buffers or of
 *    anything else in the address space never reach the ring.
 *  - The worker holds kmap->lock for a whole section and first checks
 *    mmu_interval_read_retry() under it.  invalidate() takes the same lock
 *    (trylock when it may not block: the OOM reaper) and advances the
 *    sequence with mmu_interval_set_seq().  So a section that started
 *    before an invalidation finishes before invalidate() returns, and no
 *    section starts on the old pages after that: no synchronize_rcu(), no
 *    use after invalidate.
 *  - invalidate() only marks the mapping invalid: unpinning may sleep (the
 *    page lock, to mark pages dirty) and vunmap() sleeps, and invalidate()
 *    may be called with page locks held (reclaim, migration).  The next
 *    section sees the retry and re-establishes the mapping: vunmap, unpin
 *    (the used ring's pages dirty if the kernel wrote them), then
 *    mmu_interval_read_begin(), pin, vmap, and the retry check again.
 *  - Until then the old pages stay pinned: they are not reused while the
 *    kernel can still reach them.
 *
 * kmap->lock is taken inside invalidate_range_start(), which may run under
 * reclaim, so nothing that allocates, faults or sleeps runs under it:
 * pinning, vmap and unpinning are all done with it dropped.
 *
 * A ring inside a VM_PFNMAP or VM_IO mapping (a faultline BAR) has no
 * struct pages to pin: registration refuses it with EOPNOTSUPP.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "faultline_trace.h"
#include "faultline_vring.h"

static bool fl_vring_kmap_invalidate(struct mmu_interval_notifier *mni,
				     const struct mmu_notifier_range *range,
				     unsigned long cur_seq)
{
	struct fl_vring_seg *seg = container_of(mni, struct fl_vring_seg,
						notifier);
	struct fl_vring *vr = seg->vr;
	struct fl_vring_kmap *km = vr->kmap;
	bool blockable = mmu_notifier_range_blockable(range);

	if (blockable) {
		mutex_lock(&km->lock);
	} else if (!mutex_trylock(&km->lock)) {
		/* The caller (the OOM reaper) tries again later. */
		trace_faultline_vring_invalidate(vr->dev->id, range->start,
						 range->end, range->event,
						 false, false);
		return false;
	}
	trace_faultline_vring_invalidate(vr->dev->id, range->start, range->end,
					 range->event, blockable, true);

	/*
	 * vring_broken_stale: do not advance the sequence, so the worker
	 * keeps using the pages it pinned before (the bug of the reverted
	 * vhost patch, for the tests that prove the checks bite).  The pins
	 * keep those pages alive, so it is stale, not unsafe.
	 */
	if (!km->broken_stale)
		mmu_interval_set_seq(mni, cur_seq);
	fl_vring_count(vr, FL_VCNT_INVALIDATIONS, 1);
	mutex_unlock(&km->lock);
	return true;
}

static const struct mmu_interval_notifier_ops fl_vring_kmap_notifier_ops = {
	.invalidate = fl_vring_kmap_invalidate,
};

/* Drop the kernel mapping and the pins (kmap->lock not held). */
static void fl_vring_kmap_unmap(struct fl_vring_kmap *km)
{
	unsigned int u0 = km->used_first, u1 = km->used_last + 1;

	if (!km->vaddr)
		return;
	vunmap(km->vaddr);
	km->vaddr = NULL;
	km->desc = NULL;
	km->avail = NULL;
	km->used = NULL;
	/* Only what the kernel wrote through its mapping is dirty. */
	unpin_user_pages(km->pages, u0);
	unpin_user_pages_dirty_lock(km->pages + u0, u1 - u0, km->used_written);
	unpin_user_pages(km->pages + u1, km->nr_pages - u1);
	km->used_written = false;
}

static void *fl_vring_kmap_kaddr(struct fl_vring *vr, const void __user *p)
{
	struct fl_vring_kmap *km = vr->kmap;
	unsigned long a = (unsigned long)p;
	unsigned int i;

	for (i = 0; i < km->nr_segs; i++)
		if (a >= km->seg[i].start && a < km->seg[i].end)
			break;
	return km->vaddr + (unsigned long)km->seg[i].first * PAGE_SIZE +
	       (a - km->seg[i].start);
}

/*
 * Pin every segment's pages and vmap them (kmap->lock not held).  The
 * sequence of each segment is sampled first, so an invalidation that
 * races with the pinning makes the caller's retry check fail.
 */
static int fl_vring_kmap_map(struct fl_vring *vr, struct fl_vring_fault *f)
{
	struct fl_vring_kmap *km = vr->kmap;
	unsigned int i, pinned = 0;
	int n, ret;

	for (i = 0; i < km->nr_segs; i++)
		km->seg[i].seq = mmu_interval_read_begin(&km->seg[i].notifier);

	for (i = 0; i < km->nr_segs; i++) {
		struct fl_vring_seg *seg = &km->seg[i];
		int nr = (seg->end - seg->start) >> PAGE_SHIFT;

		n = pin_user_pages_fast(seg->start, nr,
					FOLL_LONGTERM |
					(seg->write ? FOLL_WRITE : 0),
					km->pages + seg->first);
		if (n > 0)
			pinned += n;
		if (n != nr) {
			ret = n < 0 ? n : -EFAULT;
			f->kind = FL_VCNT_FAULTS;
			f->head = 0;
			f->expected = 0;
			f->got = (u64)seg->start + (n > 0 ? n : 0) * PAGE_SIZE;
			goto err_unpin;
		}
	}

	km->vaddr = vmap(km->pages, km->nr_pages, VM_MAP, PAGE_KERNEL);
	if (!km->vaddr) {
		ret = -ENOMEM;
		goto err_unpin;
	}
	km->desc = fl_vring_kmap_kaddr(vr, vr->desc);
	km->avail = fl_vring_kmap_kaddr(vr, vr->avail);
	km->used = fl_vring_kmap_kaddr(vr, vr->used);
	return 0;

err_unpin:
	/* The segments are pinned in pages[] order, without holes. */
	unpin_user_pages(km->pages, pinned);
	return ret;
}

static bool fl_vring_kmap_stale(struct fl_vring_kmap *km)
{
	unsigned int i;

	lockdep_assert_held(&km->lock);
	for (i = 0; i < km->nr_segs; i++)
		if (mmu_interval_read_retry(&km->seg[i].notifier,
					    km->seg[i].seq))
			return true;
	return false;
}

/*
 * Whoever invalidates the ring faster than it can be mapped again (an
 * mprotect() loop in another thread) must not keep the worker here
 * forever: a signal to the caller, or kthread_stop(), ends the attempt.
 */
static bool fl_vring_kmap_give_up(void)
{
	if (current->flags & PF_KTHREAD)
		return kthread_should_stop();
	return signal_pending(current);
}

/*
 * Make the kernel mapping valid and return with kmap->lock held (0), or
 * fail with the reason in @f (-EFAULT: a part is no longer mapped or not
 * writable; -ENOMEM), or -EINTR (see above).  @count: a re-establishment
 * after an invalidation, counted; false for the first mapping at
 * registration.
 */
static int fl_vring_kmap_lock_valid(struct fl_vring *vr,
				    struct fl_vring_fault *f, bool count)
{
	struct fl_vring_kmap *km = vr->kmap;
	bool remapped = false;
	int ret;

	for (;;) {
		mutex_lock(&km->lock);
		if (km->vaddr) {
			if (!fl_vring_kmap_stale(km))
				break;
			fl_vring_count(vr, FL_VCNT_RETRIES, 1);
		}
		mutex_unlock(&km->lock);

		if (remapped && fl_vring_kmap_give_up())
			return -EINTR;
		cond_resched();
		fl_vring_kmap_unmap(km);
		ret = fl_vring_kmap_map(vr, f);
		trace_faultline_vring_remap(vr->dev->id, km->nr_pages, ret);
		if (ret)
			return ret;
		remapped = true;
	}
	if (remapped && count)
		fl_vring_count(vr, FL_VCNT_REMAPS, 1);
	return 0;
}

int fl_vring_kmap_begin(struct fl_vring *vr, struct fl_vring_fault *f)
{
	return fl_vring_kmap_lock_valid(vr, f, true);
}

void fl_vring_kmap_end(struct fl_vring *vr)
{
	mutex_unlock(&vr->kmap->lock);
}

struct fl_vring_range {
	unsigned long start;
	unsigned long end;
	bool write;
};

static int fl_vring_range_cmp(const void *a, const void *b)
{
	const struct fl_vring_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The parts' page ranges, sorted and merged into segments. */
static void fl_vring_kmap_segments(struct fl_vring *vr)
{
	struct fl_vring_kmap *km = vr->kmap;
	struct fl_vring_range r[FL_VRING_MAX_SEGS] = {
		{ (unsigned long)vr->desc, (unsigned long)vr->desc + vr->desc_size, false },
		{ (unsigned long)vr->avail, (unsigned long)vr->avail + vr->avail_size, false },
		{ (unsigned long)vr->used, (unsigned long)vr->used + vr->used_size, true },
	};
	unsigned long used = (unsigned long)vr->used;
	unsigned int i, n = 0, pages = 0;

	for (i = 0; i < FL_VRING_MAX_SEGS; i++) {
		r[i].start = round_down(r[i].start, PAGE_SIZE);
		r[i].end = round_up(r[i].end, PAGE_SIZE);
	}
	sort(r, FL_VRING_MAX_SEGS, sizeof(r[0]), fl_vring_range_cmp, NULL);
	for (i = 0; i < FL_VRING_MAX_SEGS; i++) {
		struct fl_vring_seg *seg;

		/* Overlapping or adjacent: one notifier covers both. */
		if (n && r[i].start <= km->seg[n - 1].end) {
			seg = &km->seg[n - 1];
			seg->end = max(seg->end, r[i].end);
			seg->write |= r[i].write;
			continue;
		}
		seg = &km->seg[n++];
		seg->vr = vr;
		seg->start = r[i].start;
		seg->end = r[i].end;
		seg->write = r[i].write;
	}
	km->nr_segs = n;
	for (i = 0; i < n; i++) {
		km->seg[i].first = pages;
		pages += (km->seg[i].end - km->seg[i].start) >> PAGE_SHIFT;
	}
	km->nr_pages = pages;

	/* The pages the used ring spans, as indexes into pages[]. */
	for (i = 0; i < n; i++) {
		if (used >= km->seg[i].start && used < km->seg[i].end)
			break;
	}
	km->used_first = km->seg[i].first +
			 ((round_down(used, PAGE_SIZE) - km->seg[i].start) >>
			  PAGE_SHIFT);
	km->used_last = km->used_first +
			((round_up(used + vr->used_size, PAGE_SIZE) -
			  round_down(used, PAGE_SIZE)) >> PAGE_SHIFT) - 1;
}

/*
 * Every page of the segments must be in a mapping with struct pages: a
 * VM_PFNMAP/VM_IO mapping (a faultline BAR, any device mapping) cannot
 * be pinned (EOPNOTSUPP), a hole is EFAULT.
 */
static int fl_vring_kmap_check_vmas(struct fl_vring *vr)
{
	struct fl_vring_kmap *km = vr->kmap;
	struct mm_struct *mm = vr->mm;
	struct vm_area_struct *vma;
	unsigned long addr;
	unsigned int i;
	int ret = 0;

	mmap_read_lock(mm);
	for (i = 0; i < km->nr_segs && !ret; i++) {
		for (addr = km->seg[i].start; addr < km->seg[i].end;
		     addr = vma->vm_end) {
			vma = find_vma(mm, addr);
			if (!vma || vma->vm_start > addr) {
				ret = -EFAULT;
				break;
			}
			if (vma->vm_flags & (VM_PFNMAP | VM_IO)) {
				ret = -EOPNOTSUPP;
				break;
			}
		}
	}
	mmap_read_unlock(mm);
	return ret;
}

static void fl_vring_kmap_remove(struct fl_vring_kmap *km)
{
	unsigned int i;

	/* Waits for invalidations in progress: kmap->lock must be free. */
	for (i = 0; i < km->nr_segs; i++)
		if (km->seg[i].inserted)
			mmu_interval_notifier_remove(&km->seg[i].notifier);
}

/* At registration, in the owner's context. */
int fl_vring_kmap_init(struct fl_vring *vr)
{
	struct fl_vring_fault f;
	struct fl_vring_kmap *km;
	unsigned int i;
	int ret;

	km = kzalloc(sizeof(*km), GFP_KERNEL);
	if (!km)
		return -ENOMEM;
	mutex_init(&km->lock);
	km->broken_stale = READ_ONCE(fl_vring_broken_stale);
	vr->kmap = km;
	fl_vring_kmap_segments(vr);

	ret = fl_vring_kmap_check_vmas(vr);
	if (ret)
		goto err_free;

	km->pages = kvcalloc(km->nr_pages, sizeof(*km->pages), GFP_KERNEL);
	if (!km->pages) {
		ret = -ENOMEM;
		goto err_free;
	}

	for (i = 0; i < km->nr_segs; i++) {
		struct fl_vring_seg *seg = &km->seg[i];

		ret = mmu_interval_notifier_insert(&seg->notifier, vr->mm,
						   seg->start,
						   seg->end - seg->start,
						   &fl_vring_kmap_notifier_ops);
		if (ret)
			goto err_remove;
		seg->inserted = true;
	}

	ret = fl_vring_kmap_lock_valid(vr, &f, false);
	if (ret)
		goto err_remove;
	mutex_unlock(&km->lock);

	if (km->broken_stale)
		pr_notice("%s: vring_broken_stale: this kmap ring is left stale after invalidations (test only)\n",
			  vr->dev->name);
	return 0;

err_remove:
	fl_vring_kmap_remove(km);
	kvfree(km->pages);
err_free:
	mutex_destroy(&km->lock);
	kfree(km);
	vr->kmap = NULL;
	return ret;
}

/* At teardown: no section runs any more. */
void fl_vring_kmap_fini(struct fl_vring *vr)
{
	struct fl_vring_kmap *km = vr->kmap;

	if (!km)
		return;
	fl_vring_kmap_remove(km);
	fl_vring_kmap_unmap(km);
	kvfree(km->pages);
	mutex_destroy(&km->lock);
	kfree(km);
	vr->kmap = NULL;
}
