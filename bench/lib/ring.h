/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ring.h - the user side of a split virtqueue (virtio 1.x layout, without
 * event-index fields) whose parts and buffers live in user memory, as the
 * faultline vring engine expects (include/faultline.h), and the memory
 * operations that make the kernel invalidate its view of that memory.
 *
 * Layout of one ring (each part starts on a 4 KiB page of its own, so
 * that an operation on one page touches one part only):
 *
 *   desc   16 * num bytes            descriptor table
 *   avail  4 + 2 * num               flags, idx, ring[num]
 *   used   4 + 8 * num               flags, idx, ring[num] of {id, len}
 *   bufs   2 * num buffers of a struct fl_vring_hdr + payload bytes,
 *          each 64-byte aligned
 *
 * The producer posts one buffer per descriptor, head = posted % num, and
 * slot h alternates between buffers h and h + num on every lap, so the
 * descriptor table changes all the time (a kernel reading a stale table
 * reads the other lap's buffer and its old sequence number).  The device
 * (the kernel worker) completes descriptors in order; the producer checks
 * every used entry: its id, its length (0 for a buffer the device reads,
 * the whole buffer for one it writes) and for buffers the device writes
 * (rx) the header's sequence number and checksum and the payload.
 * Buffers the device reads (tx) get a header with the next transmit
 * sequence number, payload byte i = (seq + i) & 0xff and the checksum.
 * Every mismatch is counted, the first is described.
 */
#ifndef FL_RING_H
#define FL_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_ring.h>

#include "common.h"
#include "faultline.h"

#define FL_RING_HDR_LEN		((uint32_t)sizeof(struct fl_vring_hdr))
#define FL_RING_PAYLOAD_MAX	(1U << 20)
#define FL_RING_BUF_ALIGN	64

/* The four parts of a ring, in address order. */
enum fl_ring_part {
	FL_RING_DESC,
	FL_RING_AVAIL,
	FL_RING_USED,
	FL_RING_BUFS,
	FL_RING_NPARTS
};

extern const char *const fl_ring_part_names[FL_RING_NPARTS];

struct fl_ring_layout {
	uint32_t num;			/* entries, a power of two */
	uint32_t payload;		/* bytes after each buffer's header */
	uint32_t buf_len;		/* header + payload */
	uint32_t buf_stride;		/* buf_len rounded up to 64 bytes */
	uint32_t nbufs;			/* 2 * num */
	uint64_t off[FL_RING_NPARTS];	/* offset of each part */
	uint64_t size[FL_RING_NPARTS];	/* bytes of each part */
	uint64_t len;			/* whole ring, a multiple of 4 KiB */
};

/*
 * Compute the layout of a ring of @num entries (a power of two from 1 to
 * FL_VRING_NUM_MAX) with @payload bytes per buffer (0..FL_RING_PAYLOAD_MAX).
 * Returns 0 or -1 with @why.
 */
int fl_ring_layout(struct fl_ring_layout *l, uint32_t num, uint32_t payload,
		   char *why, size_t len);

/* Pages (4 KiB) of part @p. */
static inline uint64_t fl_ring_part_pages(const struct fl_ring_layout *l,
					  enum fl_ring_part p)
{
	return fl_align_up(l->size[p], FL_PAGE_SIZE) / FL_PAGE_SIZE;
}

struct fl_ring {
	struct fl_ring_layout l;
	char *base;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	bool rx;			/* buffers are written by the device */
	uint16_t avail_idx;		/* next avail index (shadow) */
	uint16_t used_idx;		/* next used entry to consume */
	uint64_t posted;		/* descriptors made available */
	uint64_t completed;		/* used entries consumed */
	uint64_t tx_seq;		/* next sequence number to send */
	uint64_t rx_seq;		/* next sequence number to receive */
	uint64_t mismatches;		/* used entries that failed a check */
	char err[FL_WHY_LEN];		/* the first of them */
};

/*
 * Set up a ring over @base (l->len bytes, zeroed here); both sequence
 * numbers start at @seq_base, as FL_IOC_VRING_SETUP's seq_base.
 */
void fl_ring_init(struct fl_ring *r, void *base,
		  const struct fl_ring_layout *l, bool rx, uint64_t seq_base);

/* Descriptors posted and not yet consumed. */
static inline uint32_t fl_ring_inflight(const struct fl_ring *r)
{
	return (uint32_t)(r->posted - r->completed);
}

static inline uint32_t fl_ring_free(const struct fl_ring *r)
{
	return r->l.num - fl_ring_inflight(r);
}

/* Address of the buffer slot @head uses for descriptor number @n. */
static inline char *fl_ring_buf(const struct fl_ring *r, uint32_t head,
				uint64_t n)
{
	uint32_t b = head + (uint32_t)((n / r->l.num) & 1) * r->l.num;

	return r->base + r->l.off[FL_RING_BUFS] +
	       (uint64_t)b * r->l.buf_stride;
}

/*
 * Fill and post up to @n descriptors (as many as are free), then publish
 * the new avail index with release order.  Returns how many were posted.
 */
uint32_t fl_ring_post(struct fl_ring *r, uint32_t n);

/* The device's used index (acquire). */
static inline uint16_t fl_ring_used_idx(const struct fl_ring *r)
{
	return __atomic_load_n(&r->used->idx, __ATOMIC_ACQUIRE);
}

/*
 * Consume and check every used entry the device has published.  Returns
 * how many; a used index that ran ahead of what was posted counts as a
 * mismatch and consumes nothing.
 */
uint32_t fl_ring_reap(struct fl_ring *r);

/* Describe the ring's indices for an error message. */
void fl_ring_state(const struct fl_ring *r, char *buf, size_t len);

/* Header and payload of a buffer the device writes, as the driver does. */
void fl_ring_fill(void *buf, uint64_t seq, uint32_t payload);
/*
 * Check a buffer against sequence number @seq and @payload bytes: returns
 * 0, or -1 with what differs in @why.
 */
int fl_ring_check(const void *buf, uint64_t seq, uint32_t payload,
		  char *why, size_t len);

/* ------------------------------------------------------------ invalidation */

/*
 * The ways flbench makes the kernel invalidate its view of ring memory
 * (MMU-notifier invalidations of the range):
 *
 *   mprotect  flip PROT_EXEC on the unit and back (two operations); the
 *             contents and pages stay, accesses go on
 *   dontneed  save the unit, MADV_DONTNEED it, write it back: new pages
 *             with the old contents (the ring must be quiescent)
 *   mremap    map a copy of the unit elsewhere and mremap it over the
 *             unit: new pages, the contents unchanged at every instant
 *             (the ring must be quiescent while copying)
 *   thp       split the unit's transparent huge page (MADV_COLD on its
 *             first 4 KiB page) and collapse it again (MADV_COLLAPSE: the
 *             kernel copies it into a new huge page), alternately
 */
enum fl_inval_kind {
	FL_INVAL_MPROTECT,
	FL_INVAL_DONTNEED,
	FL_INVAL_MREMAP,
	FL_INVAL_THP,
	FL_INVAL_NR
};

extern const char *const fl_inval_names[FL_INVAL_NR];

/* Does @k replace pages (the ring must be quiescent while it runs)? */
static inline bool fl_inval_replaces(enum fl_inval_kind k)
{
	return k == FL_INVAL_DONTNEED || k == FL_INVAL_MREMAP;
}

/* What an invalidation works on: one unit of ring memory. */
struct fl_inval_mem {
	uint64_t unit;			/* 4 KiB, 2 MiB (thp, hugetlb:2M), 1 GiB */
	int hugetlb_shift;		/* log2 of the hugetlb page size, else 0 */
	int prot;			/* the mapping's protection */
	void *save;			/* dontneed: copy of the unit */
};

/*
 * Operation number @n of kind @k on [@addr, @addr + m->unit): mprotect
 * and thp alternate between their two halves by @n.  Returns 0, or -errno
 * with the failing call in @why.
 */
int fl_inval_op(enum fl_inval_kind k, const struct fl_inval_mem *m,
		void *addr, uint64_t n, char *why, size_t len);

#endif /* FL_RING_H */
