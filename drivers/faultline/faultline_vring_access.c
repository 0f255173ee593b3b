// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - the three ways the vring worker reaches the ring parts.
 *
 *  uaccess		get_user()/put_user()/copy_*_user() per access, as
 *			vhost does: each one opens and closes its own
 *			user-access window (SMAP stac/clac) and pays the
 *			speculation barrier.
 *  uaccess-batched	user_access_begin() once per section, then
 *			unsafe_get_user()/unsafe_put_user(): one window for
 *			everything a batch reads and writes in the ring.
 *  kmap		the ring's pages pinned and vmapped; plain loads and
 *			stores under the notifier lock (faultline_vring_kmap.c).
 *
 * The section itself (publish, then fetch and walk the chains) is written
 * once, fl_vring_section(), and instantiated per mode with that mode's
 * accessors: everything is __always_inline, so each mode's sync() is one
 * function with its accesses inlined, and nothing is called while a
 * user-access window is open.  Payloads are not touched here: the worker
 * copies them with copy_*_user() in every mode, as vhost does.
 */
#include <linux/compiler.h>
#include <linux/uaccess.h>
#include <linux/virtio_byteorder.h>

#include "faultline_vring.h"

/* Virtio 1.x rings are little-endian. */
#define fl_v16(x)	__virtio16_to_cpu(true, x)
#define fl_v32(x)	__virtio32_to_cpu(true, x)
#define fl_v64(x)	__virtio64_to_cpu(true, x)
#define fl_cpu_v16(x)	__cpu_to_virtio16(true, x)
#define fl_cpu_v32(x)	__cpu_to_virtio32(true, x)

#define FL_DESC_FLAGS	(VRING_DESC_F_NEXT | VRING_DESC_F_WRITE)

/* A descriptor in CPU byte order. */
struct fl_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

static __always_inline void fl_ring_error(struct fl_vring_fault *f, u16 head,
					  u64 expected, u64 got)
{
	f->kind = FL_VCNT_RING_ERRORS;
	f->head = head;
	f->expected = expected;
	f->got = got;
}

static __always_inline void fl_access_fault(struct fl_vring_fault *f,
					    u16 head, const void __user *p)
{
	f->kind = FL_VCNT_FAULTS;
	f->head = head;
	f->expected = 0;
	f->got = (u64)(uintptr_t)p;
}

/* Accessors of a mode, all returning 0 or -EFAULT. */
typedef int (*fl_get_avail_idx_t)(struct fl_vring *vr, u16 *idx);
typedef int (*fl_get_avail_t)(struct fl_vring *vr, u16 slot, u16 *head);
typedef int (*fl_get_desc_t)(struct fl_vring *vr, u16 i, struct fl_desc *d);
typedef int (*fl_put_used_t)(struct fl_vring *vr, u16 slot, u32 id, u32 len);
typedef int (*fl_put_used_idx_t)(struct fl_vring *vr, u16 idx);

/*
 * Walk the chain at @head into @b->chain[@b->nr] and @b->buf[].  Returns
 * 1 when the chain was taken, 0 when it does not fit in what is left of
 * @b->buf (it starts the next batch), or -EFAULT/-EIO with @b->fault set.
 */
static __always_inline int fl_fetch_chain(struct fl_vring *vr,
					  struct fl_vring_batch *b, u16 head,
					  fl_get_desc_t get_desc)
{
	struct fl_vring_chain *c = &b->chain[b->nr];
	unsigned int nbuf = b->nbuf;
	u64 total = 0;
	struct fl_desc d;
	u16 i = head;
	u32 count;

	for (count = 0;; count++) {
		/* Longer than the table: the chain loops. */
		if (count == vr->num) {
			fl_ring_error(&b->fault, head, vr->num, count + 1);
			return -EIO;
		}
		/* Out of room: only the first chain of a batch can't wait. */
		if (nbuf == vr->num)
			return 0;
		if (get_desc(vr, i, &d)) {
			fl_access_fault(&b->fault, head, &vr->desc[i]);
			return -EFAULT;
		}
		/* Indirect tables and unknown flags are refused. */
		if (d.flags & ~FL_DESC_FLAGS) {
			fl_ring_error(&b->fault, head, FL_DESC_FLAGS, d.flags);
			return -EIO;
		}
		if (!count) {
			c->write = d.flags & VRING_DESC_F_WRITE;
			/* The header is in the first buffer. */
			if (d.len < sizeof(struct fl_vring_hdr)) {
				fl_ring_error(&b->fault, head,
					      sizeof(struct fl_vring_hdr), d.len);
				return -EIO;
			}
		} else if (!!(d.flags & VRING_DESC_F_WRITE) != c->write) {
			/* One direction per chain. */
			fl_ring_error(&b->fault, head,
				      c->write ? VRING_DESC_F_WRITE : 0,
				      d.flags);
			return -EIO;
		}
		b->buf[nbuf].addr = d.addr;
		b->buf[nbuf].len = d.len;
		nbuf++;
		total += d.len;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= vr->num) {
			fl_ring_error(&b->fault, head, vr->num, d.next);
			return -EIO;
		}
		i = d.next;
	}
	if (total > U32_MAX) {
		fl_ring_error(&b->fault, head, U32_MAX, total);
		return -EIO;
	}
	c->head = head;
	c->first = b->nbuf;
	c->nbuf = nbuf - b->nbuf;
	c->len = total;
	b->nbuf = nbuf;
	b->nr++;
	return 1;
}

/*
 * One section of a mode, between its begin() and end(): publish what the
 * previous batch completed, then fetch up to @want chains.
 */
static __always_inline int
fl_vring_section(struct fl_vring *vr, struct fl_vring_batch *b,
		 unsigned int want,
		 fl_get_avail_idx_t get_avail_idx, fl_get_avail_t get_avail,
		 fl_get_desc_t get_desc, fl_put_used_t put_used,
		 fl_put_used_idx_t put_used_idx)
{
	unsigned int i, n;
	u64 bytes = 0;
	u16 idx, head;
	int ret;

	for (i = 0; i < b->done; i++) {
		const struct fl_vring_chain *c = &b->chain[i];
		u16 slot = vr->last_used + i;

		if (put_used(vr, slot, c->head, c->used_len)) {
			fl_access_fault(&b->fault, c->head,
					&vr->used->ring[slot & (vr->num - 1)]);
			return -EFAULT;
		}
		bytes += c->payload;
	}
	if (b->done) {
		/* The entries before the index that makes them visible. */
		smp_wmb();
		if (put_used_idx(vr, vr->last_used + b->done)) {
			fl_access_fault(&b->fault, 0, &vr->used->idx);
			return -EFAULT;
		}
		vr->last_used += b->done;
		b->published = b->done;
		b->published_bytes = bytes;
		b->done = 0;
	}

	b->nr = 0;
	b->nbuf = 0;
	if (!want)
		return 0;
	if (get_avail_idx(vr, &idx)) {
		fl_access_fault(&b->fault, 0, &vr->avail->idx);
		return -EFAULT;
	}
	n = (u16)(idx - vr->last_avail);
	if (n > vr->num) {
		fl_ring_error(&b->fault, vr->last_avail, vr->num, idx);
		return 0;
	}
	/* The index before the entries it made available. */
	smp_rmb();
	n = min(n, want);
	for (i = 0; i < n; i++) {
		u16 slot = vr->last_avail + i;

		if (get_avail(vr, slot, &head)) {
			fl_access_fault(&b->fault, 0,
					&vr->avail->ring[slot & (vr->num - 1)]);
			return -EFAULT;
		}
		if (head >= vr->num) {
			fl_ring_error(&b->fault, head, vr->num, head);
			return 0;
		}
		ret = fl_fetch_chain(vr, b, head, get_desc);
		if (ret == -EFAULT)
			return ret;
		if (ret <= 0)
			return 0;
	}
	return 0;
}

/* ------------------------------------------------------------ uaccess */

static __always_inline int fl_ua_get_avail_idx(struct fl_vring *vr, u16 *idx)
{
	__virtio16 v;

	if (get_user(v, &vr->avail->idx))
		return -EFAULT;
	*idx = fl_v16(v);
	return 0;
}

static __always_inline int fl_ua_get_avail(struct fl_vring *vr, u16 slot,
					   u16 *head)
{
	__virtio16 v;

	if (get_user(v, &vr->avail->ring[slot & (vr->num - 1)]))
		return -EFAULT;
	*head = fl_v16(v);
	return 0;
}

static __always_inline int fl_ua_get_desc(struct fl_vring *vr, u16 i,
					  struct fl_desc *d)
{
	struct vring_desc v;

	if (copy_from_user(&v, &vr->desc[i], sizeof(v)))
		return -EFAULT;
	d->addr = fl_v64(v.addr);
	d->len = fl_v32(v.len);
	d->flags = fl_v16(v.flags);
	d->next = fl_v16(v.next);
	return 0;
}

static __always_inline int fl_ua_put_used(struct fl_vring *vr, u16 slot,
					  u32 id, u32 len)
{
	struct vring_used_elem e = {
		.id = fl_cpu_v32(id),
		.len = fl_cpu_v32(len),
	};

	if (copy_to_user(&vr->used->ring[slot & (vr->num - 1)], &e, sizeof(e)))
		return -EFAULT;
	return 0;
}

static __always_inline int fl_ua_put_used_idx(struct fl_vring *vr, u16 idx)
{
	return put_user(fl_cpu_v16(idx), &vr->used->idx) ? -EFAULT : 0;
}

static int fl_vring_sync_uaccess(struct fl_vring *vr, struct fl_vring_batch *b,
				 unsigned int want)
{
	return fl_vring_section(vr, b, want, fl_ua_get_avail_idx,
				fl_ua_get_avail, fl_ua_get_desc,
				fl_ua_put_used, fl_ua_put_used_idx);
}

static const struct fl_vring_access_ops fl_vring_uaccess_ops = {
	.name = "uaccess",
	.sync = fl_vring_sync_uaccess,
};

/* ---------------------------------------------------- uaccess-batched */

static __always_inline int fl_ub_get_avail_idx(struct fl_vring *vr, u16 *idx)
{
	__virtio16 v;

	unsafe_get_user(v, &vr->avail->idx, efault);
	*idx = fl_v16(v);
	return 0;
efault:
	return -EFAULT;
}

static __always_inline int fl_ub_get_avail(struct fl_vring *vr, u16 slot,
					   u16 *head)
{
	__virtio16 v;

	unsafe_get_user(v, &vr->avail->ring[slot & (vr->num - 1)], efault);
	*head = fl_v16(v);
	return 0;
efault:
	return -EFAULT;
}

static __always_inline int fl_ub_get_desc(struct fl_vring *vr, u16 i,
					  struct fl_desc *d)
{
	struct vring_desc __user *p = &vr->desc[i];
	__virtio64 addr;
	__virtio32 len;
	__virtio16 flags, next;

	unsafe_get_user(addr, &p->addr, efault);
	unsafe_get_user(len, &p->len, efault);
	unsafe_get_user(flags, &p->flags, efault);
	unsafe_get_user(next, &p->next, efault);
	d->addr = fl_v64(addr);
	d->len = fl_v32(len);
	d->flags = fl_v16(flags);
	d->next = fl_v16(next);
	return 0;
efault:
	return -EFAULT;
}

static __always_inline int fl_ub_put_used(struct fl_vring *vr, u16 slot,
					  u32 id, u32 len)
{
	struct vring_used_elem __user *p = &vr->used->ring[slot & (vr->num - 1)];

	unsafe_put_user(fl_cpu_v32(id), &p->id, efault);
	unsafe_put_user(fl_cpu_v32(len), &p->len, efault);
	return 0;
efault:
	return -EFAULT;
}

static __always_inline int fl_ub_put_used_idx(struct fl_vring *vr, u16 idx)
{
	unsafe_put_user(fl_cpu_v16(idx), &vr->used->idx, efault);
	return 0;
efault:
	return -EFAULT;
}

/*
 * user_access_begin() checks one range and opens the window for all of
 * user space: the other two parts were checked with access_ok() when the
 * ring was registered, and they cannot move.
 */
static int fl_vring_sync_batched(struct fl_vring *vr, struct fl_vring_batch *b,
				 unsigned int want)
{
	int ret;

	if (!user_access_begin(vr->desc, vr->desc_size)) {
		fl_access_fault(&b->fault, 0, vr->desc);
		return -EFAULT;
	}
	ret = fl_vring_section(vr, b, want, fl_ub_get_avail_idx,
			       fl_ub_get_avail, fl_ub_get_desc,
			       fl_ub_put_used, fl_ub_put_used_idx);
	user_access_end();
	return ret;
}

static const struct fl_vring_access_ops fl_vring_batched_ops = {
	.name = "uaccess-batched",
	.sync = fl_vring_sync_batched,
};

/* --------------------------------------------------------------- kmap */

#if IS_ENABLED(CONFIG_MMU_NOTIFIER)
/*
 * The kernel mapping is shared with user space, which may write it at any
 * time: every load and store is a single access (READ_ONCE/WRITE_ONCE),
 * as on any memory shared with another agent.
 */
static __always_inline int fl_km_get_avail_idx(struct fl_vring *vr, u16 *idx)
{
	*idx = fl_v16(READ_ONCE(vr->kmap->avail->idx));
	return 0;
}

static __always_inline int fl_km_get_avail(struct fl_vring *vr, u16 slot,
					   u16 *head)
{
	*head = fl_v16(READ_ONCE(vr->kmap->avail->ring[slot & (vr->num - 1)]));
	return 0;
}

static __always_inline int fl_km_get_desc(struct fl_vring *vr, u16 i,
					  struct fl_desc *d)
{
	const struct vring_desc *p = &vr->kmap->desc[i];

	d->addr = fl_v64(READ_ONCE(p->addr));
	d->len = fl_v32(READ_ONCE(p->len));
	d->flags = fl_v16(READ_ONCE(p->flags));
	d->next = fl_v16(READ_ONCE(p->next));
	return 0;
}

static __always_inline int fl_km_put_used(struct fl_vring *vr, u16 slot,
					  u32 id, u32 len)
{
	struct vring_used_elem *p = &vr->kmap->used->ring[slot & (vr->num - 1)];

	WRITE_ONCE(p->id, fl_cpu_v32(id));
	WRITE_ONCE(p->len, fl_cpu_v32(len));
	return 0;
}

static __always_inline int fl_km_put_used_idx(struct fl_vring *vr, u16 idx)
{
	WRITE_ONCE(vr->kmap->used->idx, fl_cpu_v16(idx));
	vr->kmap->used_written = true;
	return 0;
}

static int fl_vring_sync_kmap(struct fl_vring *vr, struct fl_vring_batch *b,
			      unsigned int want)
{
	int ret;

	ret = fl_vring_kmap_begin(vr, &b->fault);
	if (ret)
		return ret;
	ret = fl_vring_section(vr, b, want, fl_km_get_avail_idx,
			       fl_km_get_avail, fl_km_get_desc,
			       fl_km_put_used, fl_km_put_used_idx);
	fl_vring_kmap_end(vr);
	return ret;
}

static const struct fl_vring_access_ops fl_vring_kmap_ops = {
	.name = "kmap",
	.init = fl_vring_kmap_init,
	.fini = fl_vring_kmap_fini,
	.sync = fl_vring_sync_kmap,
};
#endif

/* NULL: not built (kmap needs CONFIG_MMU_NOTIFIER). */
const struct fl_vring_access_ops *const fl_vring_access[FL_VRING_MODE_NR] = {
	[FL_VRING_UACCESS] = &fl_vring_uaccess_ops,
	[FL_VRING_UACCESS_BATCHED] = &fl_vring_batched_ops,
#if IS_ENABLED(CONFIG_MMU_NOTIFIER)
	[FL_VRING_KMAP] = &fl_vring_kmap_ops,
#endif
};
