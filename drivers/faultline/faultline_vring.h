/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultline - the vring engine's internal interfaces.
 *
 * A ring (struct fl_vring) belongs to one open file.  Its worker is either
 * the caller of FL_IOC_VRING_PROCESS or a kthread kicked by an eventfd;
 * either way it runs under process_lock, so the worker state below is
 * never touched by two contexts at once.  The files:
 *
 *  faultline_vring.c		registration, validation, ioctls, counters
 *  faultline_vring_work.c	the batch loop, payloads, sequence numbers
 *				and checksums, error recording
 *  faultline_vring_access.c	the three ways to reach the ring parts
 *				(uaccess, uaccess-batched, kmap) behind
 *				struct fl_vring_access_ops
 *  faultline_vring_kmap.c	pinning, vmap and the mmu_interval_notifier
 *  faultline_vring_thread.c	the kthread and its eventfd kick
 *
 * A batch is handled in one "section" that reaches the ring parts (desc,
 * avail, used): it publishes the chains the previous batch completed and
 * fetches the next chains, then the payloads are copied outside it.  A
 * section is one user-access window in uaccess-batched mode and one hold
 * of the notifier lock in kmap mode.
 */
#ifndef _FAULTLINE_VRING_H
#define _FAULTLINE_VRING_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/virtio_ring.h>
#include <linux/wait.h>

#include "faultline_priv.h"

struct eventfd_ctx;

/* A descriptor as the worker copied it out of the ring. */
struct fl_vring_buf {
	u64 addr;
	u32 len;
};

/* An available chain of a batch. */
struct fl_vring_chain {
	u16 head;		/* descriptor index: the used entry's id */
	u16 nbuf;		/* descriptors in the chain */
	u32 first;		/* its first fl_vring_batch.buf[] */
	u32 len;		/* bytes of all its buffers */
	bool write;		/* device-writable (receive) */
	u32 payload;		/* payload bytes read or written */
	u32 used_len;		/* the used entry's len */
};

/* What a section found wrong (recorded once the section is over). */
struct fl_vring_fault {
	unsigned int kind;	/* FL_VCNT_RING_ERRORS, FL_VCNT_FAULTS or 0 */
	u32 head;
	u64 expected;
	u64 got;
};

/*
 * The batch: @chain[0, @done) are completed and wait to be published by
 * the next section; a section then fetches @chain[0, @nr) with their
 * descriptors in @buf[0, @nbuf).
 */
struct fl_vring_batch {
	struct fl_vring_chain *chain;	/* [batch] */
	struct fl_vring_buf *buf;	/* [num]: a batch never holds more */
	unsigned int nr;
	unsigned int nbuf;
	unsigned int done;
	/* Filled by the section for the counters. */
	unsigned int published;
	u64 published_bytes;
	struct fl_vring_fault fault;
};

#define FL_VRING_MAX_SEGS	3	/* desc, avail, used */

/* A range of whole user pages holding one or more ring parts. */
struct fl_vring_seg {
	struct mmu_interval_notifier notifier;
	struct fl_vring *vr;
	unsigned long start;		/* page-aligned user range */
	unsigned long end;
	unsigned long seq;		/* of the mapping in use */
	unsigned int first;		/* its first page in kmap.pages[] */
	bool write;			/* holds the used ring: FOLL_WRITE */
	bool inserted;
};

/*
 * kmap mode: the pages of the ring parts pinned and vmapped into one
 * contiguous kernel range.  @lock is the notifier's lock: the worker holds
 * it for a whole section and checks mmu_interval_read_retry() under it,
 * and the notifier takes it to mark the mapping invalid, so once
 * invalidate() returns no section uses the old pages any more.
 */
struct fl_vring_kmap {
	struct mutex lock;		/* the notifier's: see above */
	unsigned int nr_segs;
	struct fl_vring_seg seg[FL_VRING_MAX_SEGS];
	struct page **pages;
	unsigned int nr_pages;
	void *vaddr;			/* NULL while unmapped */
	/* The parts in vaddr; valid while vaddr is. */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	/* pages[] of the used ring: dirtied by publishing. */
	unsigned int used_first;
	unsigned int used_last;
	bool used_written;
	/* Test-only fault: the notifier leaves the mapping in place. */
	bool broken_stale;
};

struct fl_vring;

struct fl_vring_access_ops {
	const char *name;
	/* At registration (may be NULL): 0 or a negative errno. */
	int (*init)(struct fl_vring *vr);
	/* At teardown (may be NULL). */
	void (*fini)(struct fl_vring *vr);
	/*
	 * One section: publish @b->chain[0, @b->done), then fetch up to
	 * @want chains.  Returns 0 (a malformed ring is reported in
	 * @b->fault with @b->nr the chains before it) or -EFAULT/-ENOMEM
	 * when the ring could not be reached (@b->fault says where).
	 */
	int (*sync)(struct fl_vring *vr, struct fl_vring_batch *b,
		    unsigned int want);
};

extern const struct fl_vring_access_ops *const fl_vring_access[FL_VRING_MODE_NR];

struct fl_vring {
	struct kref ref;
	struct fl_dev *dev;
	const struct fl_vring_access_ops *ops;
	u32 mode;
	u32 num;
	u32 batch;
	u32 flags;
	struct mm_struct *mm;		/* mmgrab()bed: the owner's */

	/* The parts in the owner's address space. */
	struct vring_desc __user *desc;
	struct vring_avail __user *avail;
	struct vring_used __user *used;
	size_t desc_size;
	size_t avail_size;
	size_t used_size;

	/* Worker state, under process_lock. */
	struct mutex process_lock;	/* one worker at a time */
	bool dead;			/* torn down: PROCESS gets ENXIO */
	u16 last_avail;			/* next avail slot to consume */
	u16 last_used;			/* used index published */
	u64 tx_seq;			/* next transmit sequence number */
	u64 rx_seq;			/* next receive sequence number */
	struct fl_vring_batch b;
	void *bounce;			/* PAGE_SIZE payload buffer */

	struct fl_vring_kmap *kmap;	/* kmap mode only */

	/* Counters: monotonic, read relative to base[] (stats_lock). */
	atomic64_t cnt[FL_VCNT_NR];
	struct mutex stats_lock;	/* base[] */
	u64 base[FL_VCNT_NR];
	spinlock_t err_lock;		/* the first error since a reset */
	struct fl_vring_fault err;

	/* Signalled after each batch that published used entries. */
	struct eventfd_ctx *call;

	/* FL_VRING_F_KTHREAD: the worker and its eventfd kick. */
	struct task_struct *task;
	struct file *kick_file;
	wait_queue_head_t *kick_wqh;
	wait_queue_entry_t kick_wait;
	poll_table kick_pt;
	atomic_t kick_pending;
};

static inline void fl_vring_count(struct fl_vring *vr, unsigned int id, u64 n)
{
	atomic64_add(n, &vr->cnt[id]);
}

/* faultline_vring.c */
extern bool fl_vring_broken_stale;

/* faultline_vring_work.c */
int fl_vring_run(struct fl_vring *vr, unsigned int max, bool kthread,
		 unsigned int *processed);
void fl_vring_record(struct fl_vring *vr, const struct fl_vring_fault *f);
int fl_vring_batch_alloc(struct fl_vring *vr);
void fl_vring_batch_free(struct fl_vring *vr);

/* faultline_vring_kmap.c */
#if IS_ENABLED(CONFIG_MMU_NOTIFIER)
int fl_vring_kmap_init(struct fl_vring *vr);
void fl_vring_kmap_fini(struct fl_vring *vr);
int fl_vring_kmap_begin(struct fl_vring *vr, struct fl_vring_fault *f);
void fl_vring_kmap_end(struct fl_vring *vr);
#endif

/* faultline_vring_thread.c */
int fl_vring_thread_start(struct fl_vring *vr, int kick_fd);
void fl_vring_thread_stop(struct fl_vring *vr);
void fl_vring_signal(struct fl_vring *vr);

#endif /* _FAULTLINE_VRING_H */
