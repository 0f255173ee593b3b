// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - the user side of a split virtqueue: layout, producer, checks,
 * and the memory operations that invalidate the kernel's view of it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ring.h"
#include "units.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25		/* Linux 6.1 */
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif

const char *const fl_ring_part_names[FL_RING_NPARTS] = {
	[FL_RING_DESC] = "desc",
	[FL_RING_AVAIL] = "avail",
	[FL_RING_USED] = "used",
	[FL_RING_BUFS] = "buffers",
};

const char *const fl_inval_names[FL_INVAL_NR] = {
	[FL_INVAL_MPROTECT] = "mprotect",
	[FL_INVAL_DONTNEED] = "dontneed",
	[FL_INVAL_MREMAP] = "mremap",
	[FL_INVAL_THP] = "thp",
};

int fl_ring_layout(struct fl_ring_layout *l, uint32_t num, uint32_t payload,
		   char *why, size_t len)
{
	uint64_t end = 0;
	int p;

	memset(l, 0, sizeof(*l));
	if (!num || num > FL_VRING_NUM_MAX || (num & (num - 1)))
		return fl_why(why, len,
			      "ring size %u is not a power of two from 1 to %u",
			      num, FL_VRING_NUM_MAX);
	if (payload > FL_RING_PAYLOAD_MAX)
		return fl_why(why, len, "payload %u exceeds %u bytes", payload,
			      FL_RING_PAYLOAD_MAX);
	l->num = num;
	l->payload = payload;
	l->buf_len = FL_RING_HDR_LEN + payload;
	l->buf_stride = (uint32_t)fl_align_up(l->buf_len, FL_RING_BUF_ALIGN);
	l->nbufs = 2 * num;
	l->size[FL_RING_DESC] = (uint64_t)num * sizeof(struct vring_desc);
	l->size[FL_RING_AVAIL] = 4 + 2 * (uint64_t)num;
	l->size[FL_RING_USED] = 4 + (uint64_t)num * sizeof(struct vring_used_elem);
	l->size[FL_RING_BUFS] = (uint64_t)l->nbufs * l->buf_stride;
	for (p = 0; p < FL_RING_NPARTS; p++) {
		l->off[p] = fl_align_up(end, FL_PAGE_SIZE);
		end = l->off[p] + l->size[p];
	}
	l->len = fl_align_up(end, FL_PAGE_SIZE);
	return 0;
}

void fl_ring_init(struct fl_ring *r, void *base,
		  const struct fl_ring_layout *l, bool rx, uint64_t seq_base)
{
	memset(r, 0, sizeof(*r));
	r->l = *l;
	r->base = base;
	memset(base, 0, l->len);
	r->desc = (struct vring_desc *)(r->base + l->off[FL_RING_DESC]);
	r->avail = (struct vring_avail *)(r->base + l->off[FL_RING_AVAIL]);
	r->used = (struct vring_used *)(r->base + l->off[FL_RING_USED]);
	r->rx = rx;
	r->tx_seq = r->rx_seq = seq_base;
}

void fl_ring_fill(void *buf, uint64_t seq, uint32_t payload)
{
	struct fl_vring_hdr *h = buf;
	unsigned char *p = (unsigned char *)buf + FL_RING_HDR_LEN;
	uint32_t i;

	for (i = 0; i < payload; i++)
		p[i] = (unsigned char)(seq + i);
	h->seq = seq;
	h->len = payload;
	h->csum = fl_vring_csum(seq, p, payload);
}

int fl_ring_check(const void *buf, uint64_t seq, uint32_t payload,
		  char *why, size_t len)
{
	const struct fl_vring_hdr *h = buf;
	const unsigned char *p = (const unsigned char *)buf + FL_RING_HDR_LEN;
	uint32_t i, csum;

	if (h->seq != seq)
		return fl_why(why, len, "header seq %llu, expected %llu",
			      (unsigned long long)h->seq,
			      (unsigned long long)seq);
	if (h->len != payload)
		return fl_why(why, len,
			      "header len %u, expected %u (seq %llu)", h->len,
			      payload, (unsigned long long)seq);
	csum = fl_vring_csum(seq, p, payload);
	for (i = 0; i < payload; i++)
		if (p[i] != (unsigned char)(seq + i))
			return fl_why(why, len,
				      "payload byte %u is 0x%02x, expected 0x%02x (seq %llu; header csum 0x%08x, computed 0x%08x)",
				      i, p[i], (unsigned char)(seq + i),
				      (unsigned long long)seq, h->csum, csum);
	if (h->csum != csum)
		return fl_why(why, len,
			      "header csum 0x%08x, computed 0x%08x over the payload (seq %llu)",
			      h->csum, csum, (unsigned long long)seq);
	return 0;
}

uint32_t fl_ring_post(struct fl_ring *r, uint32_t n)
{
	uint32_t mask = r->l.num - 1, k, head;
	struct fl_vring_hdr *h;
	char *buf;

	n = FL_MIN(n, fl_ring_free(r));
	for (k = 0; k < n; k++) {
		head = (uint32_t)(r->posted & mask);
		buf = fl_ring_buf(r, head, r->posted);
		if (r->rx) {
			/* Poison: a buffer the device did not write fails. */
			h = (struct fl_vring_hdr *)buf;
			h->seq = ~0ULL;
			h->len = ~0U;
			h->csum = 0;
		} else {
			fl_ring_fill(buf, r->tx_seq++, r->l.payload);
		}
		r->desc[head].addr = (uint64_t)(uintptr_t)buf;
		r->desc[head].len = r->l.buf_len;
		r->desc[head].flags = r->rx ? VRING_DESC_F_WRITE : 0;
		r->desc[head].next = 0;
		r->avail->ring[r->avail_idx & mask] = (uint16_t)head;
		r->avail_idx++;
		r->posted++;
	}
	if (n)
		__atomic_store_n(&r->avail->idx, r->avail_idx, __ATOMIC_RELEASE);
	return n;
}

/* Record a mismatch; only the first is described. */
static void fl_ring_bad(struct fl_ring *r, const char *fmt, ...)
	FL_PRINTF(2, 3);

static void fl_ring_bad(struct fl_ring *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->mismatches++) {
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof(r->err), fmt, ap);
		va_end(ap);
	}
}

uint32_t fl_ring_reap(struct fl_ring *r)
{
	uint32_t mask = r->l.num - 1, n, k, head;
	uint16_t idx = fl_ring_used_idx(r);
	struct vring_used_elem e;
	char sub[FL_WHY_LEN];

	n = (uint16_t)(idx - r->used_idx);
	if (n > fl_ring_inflight(r)) {
		fl_ring_bad(r, "used idx %u is %u entries past the %u consumed, but only %u descriptors are in flight",
			    idx, n, r->used_idx, fl_ring_inflight(r));
		return 0;
	}
	for (k = 0; k < n; k++) {
		e = r->used->ring[r->used_idx & mask];
		head = (uint32_t)(r->completed & mask);
		if (e.id != head) {
			fl_ring_bad(r, "used entry %u (descriptor %llu): id %u, expected %u (in order)",
				    r->used_idx, (unsigned long long)r->completed,
				    e.id, head);
		} else if (!r->rx && e.len) {
			fl_ring_bad(r, "used entry %u (descriptor %llu, head %u): len %u, expected 0 (the device writes nothing to a tx buffer)",
				    r->used_idx, (unsigned long long)r->completed,
				    head, e.len);
		} else if (r->rx && e.len != r->l.buf_len) {
			fl_ring_bad(r, "used entry %u (descriptor %llu, head %u): len %u, expected %u written",
				    r->used_idx, (unsigned long long)r->completed,
				    head, e.len, r->l.buf_len);
		} else if (r->rx &&
			   fl_ring_check(fl_ring_buf(r, head, r->completed),
					 r->rx_seq, r->l.payload, sub,
					 sizeof(sub))) {
			fl_ring_bad(r, "rx buffer of used entry %u (descriptor %llu, head %u): %s",
				    r->used_idx, (unsigned long long)r->completed,
				    head, sub);
		}
		if (r->rx)
			r->rx_seq++;
		r->used_idx++;
		r->completed++;
	}
	return n;
}

void fl_ring_state(const struct fl_ring *r, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%llu posted (avail idx %u), %llu consumed (used idx read %u, device's %u)",
		 (unsigned long long)r->posted, r->avail_idx,
		 (unsigned long long)r->completed, r->used_idx,
		 fl_ring_used_idx(r));
}

/* ------------------------------------------------------------ invalidation */

static int fl_inval_mremap(const struct fl_inval_mem *m, void *addr,
			   char *why, size_t len)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *copy, *res;
	int e;

	if (m->hugetlb_shift)
		flags |= MAP_HUGETLB | (m->hugetlb_shift << MAP_HUGE_SHIFT);
	copy = mmap(NULL, m->unit, m->prot, flags, -1, 0);
	if (copy == MAP_FAILED)
		return fl_sys(why, len, errno, "mmap", "copy of %llu bytes%s",
			      (unsigned long long)m->unit,
			      m->hugetlb_shift ? ", MAP_HUGETLB" : "");
	memcpy(copy, addr, m->unit);
	res = mremap(copy, m->unit, m->unit, MREMAP_MAYMOVE | MREMAP_FIXED,
		     addr);
	if (res == MAP_FAILED) {
		e = errno;
		munmap(copy, m->unit);
		return fl_sys(why, len, e, "mremap",
			      "%p, %llu, MREMAP_MAYMOVE | MREMAP_FIXED onto %p",
			      copy, (unsigned long long)m->unit, addr);
	}
	return 0;
}

int fl_inval_op(enum fl_inval_kind k, const struct fl_inval_mem *m,
		void *addr, uint64_t n, char *why, size_t len)
{
	int prot;

	switch (k) {
	case FL_INVAL_MPROTECT:
		prot = n & 1 ? m->prot : m->prot | PROT_EXEC;
		if (mprotect(addr, m->unit, prot))
			return fl_sys(why, len, errno, "mprotect",
				      "%p, %llu, %s", addr,
				      (unsigned long long)m->unit,
				      n & 1 ? "PROT_READ|PROT_WRITE" :
				      "PROT_READ|PROT_WRITE|PROT_EXEC");
		return 0;
	case FL_INVAL_DONTNEED:
		memcpy(m->save, addr, m->unit);
		if (madvise(addr, m->unit, MADV_DONTNEED))
			return fl_sys(why, len, errno, "madvise",
				      "%p, %llu, MADV_DONTNEED", addr,
				      (unsigned long long)m->unit);
		memcpy(addr, m->save, m->unit);
		return 0;
	case FL_INVAL_MREMAP:
		return fl_inval_mremap(m, addr, why, len);
	case FL_INVAL_THP:
		if (!(n & 1)) {
			if (madvise(addr, FL_PAGE_SIZE, MADV_COLD))
				return fl_sys(why, len, errno, "madvise",
					      "%p, 4096, MADV_COLD (split the huge page)",
					      addr);
			return 0;
		}
		if (madvise(addr, m->unit, MADV_COLLAPSE))
			return fl_sys(why, len, errno, "madvise",
				      "%p, %llu, MADV_COLLAPSE", addr,
				      (unsigned long long)m->unit);
		return 0;
	case FL_INVAL_NR:
		break;
	}
	return fl_why(why, len, "unknown invalidation kind %d", (int)k);
}
