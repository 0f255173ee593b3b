// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - the vring worker: batches, payloads, sequence numbers and
 * checksums (the rules of struct fl_vring_hdr in include/faultline.h).
 *
 * A pass alternates sections (the mode's sync(): publish the previous
 * batch, fetch the next) and payload copies:
 *
 *	sync(fetch 1) payloads(1) sync(publish 1, fetch 2) payloads(2) ...
 *	sync(publish n)
 *
 * so a batch costs one section.  Payloads are copied with
 * copy_from_user()/copy_to_user() through a bounce page in every mode.
 *
 * What can go wrong, and what happens then:
 *  - a sequence number or checksum that does not match: counted, the
 *    chain completes as usual;
 *  - a malformed ring (bad index, flags, length, a loop): counted, the
 *    pass publishes what it completed before the bad chain and fails
 *    with EIO, leaving the bad chain available;
 *  - a user access that fails (ring or payload unmapped, not writable):
 *    counted, the pass publishes what it can and fails with EFAULT; the
 *    failed chain stays available.
 * The first error since the last reset is kept for FL_IOC_VRING_STATS.
 * A later pass starts again from the first unfinished chain.
 */
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "faultline_trace.h"
#include "faultline_vring.h"

#define FL_FNV_PRIME	16777619u

/* fl_vring_csum() continued over @n more bytes. */
static u32 fl_vring_csum_more(u32 h, const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * FL_FNV_PRIME;
	return h;
}

void fl_vring_record(struct fl_vring *vr, const struct fl_vring_fault *f)
{
	fl_vring_count(vr, f->kind, 1);
	spin_lock(&vr->err_lock);
	if (!vr->err.kind)
		vr->err = *f;
	spin_unlock(&vr->err_lock);
}

static void fl_vring_note(struct fl_vring *vr, unsigned int kind, u16 head,
			  u64 expected, u64 got)
{
	struct fl_vring_fault f = {
		.kind = kind,
		.head = head,
		.expected = expected,
		.got = got,
	};

	fl_vring_record(vr, &f);
}

/*
 * Walk the payload of chain @c, @len bytes from byte @off of the chain
 * (past the header), PAGE_SIZE at a time through the bounce page: copy
 * them in and fold them into *@h (device-readable chains), or generate
 * the receive pattern, fold it and copy it out.  Returns 0 or -EFAULT
 * with the failing address in *@bad.
 */
static int fl_vring_payload(struct fl_vring *vr, const struct fl_vring_chain *c,
			    u32 off, u32 len, u64 seq, u32 *h, u64 *bad)
{
	const struct fl_vring_buf *buf = &vr->b.buf[c->first];
	u8 *bounce = vr->bounce;
	u32 done = 0;
	unsigned int i;

	for (i = 0; i < c->nbuf && done < len; i++) {
		u32 skip = min(off, buf[i].len), pos;

		off -= skip;
		for (pos = skip; pos < buf[i].len && done < len;) {
			u32 n = min3(buf[i].len - pos, len - done,
				     (u32)PAGE_SIZE);
			void __user *p = u64_to_user_ptr(buf[i].addr + pos);
			u32 k;

			if (c->write) {
				for (k = 0; k < n; k++)
					bounce[k] = (u8)(seq + done + k);
				*h = fl_vring_csum_more(*h, bounce, n);
				if (copy_to_user(p, bounce, n))
					goto efault;
			} else {
				if (copy_from_user(bounce, p, n))
					goto efault;
				*h = fl_vring_csum_more(*h, bounce, n);
			}
			pos += n;
			done += n;
			/* A chain may hold gigabytes. */
			cond_resched();
			continue;
efault:
			*bad = buf[i].addr + pos;
			return -EFAULT;
		}
	}
	return 0;
}

/* A device-readable chain: check the header user space wrote. */
static int fl_vring_tx(struct fl_vring *vr, struct fl_vring_chain *c)
{
	const struct fl_vring_buf *first = &vr->b.buf[c->first];
	struct fl_vring_hdr hdr;
	u64 bad;
	u32 h;

	if (copy_from_user(&hdr, u64_to_user_ptr(first->addr), sizeof(hdr))) {
		fl_vring_note(vr, FL_VCNT_FAULTS, c->head, 0, first->addr);
		return -EFAULT;
	}
	if (hdr.len > c->len - sizeof(hdr)) {
		fl_vring_note(vr, FL_VCNT_RING_ERRORS, c->head,
			      c->len - sizeof(hdr), hdr.len);
		return -EIO;
	}
	h = fl_vring_csum(hdr.seq, NULL, 0);
	if (fl_vring_payload(vr, c, sizeof(hdr), hdr.len, hdr.seq, &h, &bad)) {
		fl_vring_note(vr, FL_VCNT_FAULTS, c->head, 0, bad);
		return -EFAULT;
	}

	/* Data errors do not stop the ring: they are what is measured. */
	if (hdr.seq != vr->tx_seq)
		fl_vring_note(vr, FL_VCNT_SEQ_ERRORS, c->head, vr->tx_seq,
			      hdr.seq);
	if (h != hdr.csum)
		fl_vring_note(vr, FL_VCNT_CSUM_ERRORS, c->head, h, hdr.csum);
	vr->tx_seq++;
	c->payload = hdr.len;
	c->used_len = 0;	/* the device wrote nothing */
	return 0;
}

/* A device-writable chain: payload first, then the header that seals it. */
static int fl_vring_rx(struct fl_vring *vr, struct fl_vring_chain *c)
{
	const struct fl_vring_buf *first = &vr->b.buf[c->first];
	struct fl_vring_hdr hdr = {
		.seq = vr->rx_seq,
		.len = c->len - sizeof(hdr),
	};
	u64 bad;
	u32 h;

	h = fl_vring_csum(hdr.seq, NULL, 0);
	if (fl_vring_payload(vr, c, sizeof(hdr), hdr.len, hdr.seq, &h, &bad)) {
		fl_vring_note(vr, FL_VCNT_FAULTS, c->head, 0, bad);
		return -EFAULT;
	}
	hdr.csum = h;
	if (copy_to_user(u64_to_user_ptr(first->addr), &hdr, sizeof(hdr))) {
		fl_vring_note(vr, FL_VCNT_FAULTS, c->head, 0, first->addr);
		return -EFAULT;
	}
	vr->rx_seq++;
	c->payload = hdr.len;
	c->used_len = c->len;
	return 0;
}

/* The payloads of the fetched chains, in order, until one fails. */
static int fl_vring_payloads(struct fl_vring *vr)
{
	struct fl_vring_batch *b = &vr->b;
	unsigned int i;
	int ret;

	for (i = 0; i < b->nr; i++) {
		struct fl_vring_chain *c = &b->chain[i];

		ret = c->write ? fl_vring_rx(vr, c) : fl_vring_tx(vr, c);
		if (ret)
			return ret;
		/* Consumed: the next section publishes it. */
		vr->last_avail++;
		b->done++;
	}
	return 0;
}

/*
 * One section, then its bookkeeping: the counters of what it published,
 * the call eventfd, and what it found wrong.  Returns 0, -EIO (a
 * malformed chain after the b->nr good ones fetched) or the access error
 * (nothing fetched).
 */
static int fl_vring_sync(struct fl_vring *vr, unsigned int want)
{
	struct fl_vring_batch *b = &vr->b;
	int ret;

	b->published = 0;
	b->published_bytes = 0;
	b->fault.kind = 0;
	ret = vr->ops->sync(vr, b, want);
	trace_faultline_vring_section(vr->dev->id, vr->mode, b->published,
				      b->published_bytes, b->nr, ret);
	if (b->published) {
		fl_vring_count(vr, FL_VCNT_DESCS, b->published);
		fl_vring_count(vr, FL_VCNT_BYTES, b->published_bytes);
		fl_vring_count(vr, FL_VCNT_BATCHES, 1);
		fl_vring_signal(vr);
	}
	if (b->fault.kind)
		fl_vring_record(vr, &b->fault);
	if (ret)
		b->nr = 0;
	else if (b->fault.kind == FL_VCNT_RING_ERRORS)
		ret = -EIO;
	return ret;
}

static bool fl_vring_yield(bool kthread)
{
	if (kthread ? kthread_should_stop() : signal_pending(current))
		return true;
	cond_resched();
	return false;
}

/*
 * Process up to @max chains (0: until none is available), in batches of
 * vr->batch.  In the caller's context a pending signal ends the pass
 * early; in the kthread kthread_stop() does.  Returns 0 or the first
 * error of the pass, after publishing what was completed before it;
 * *@processed (may be NULL) gets the chains completed.
 */
int fl_vring_run(struct fl_vring *vr, unsigned int max, bool kthread,
		 unsigned int *processed)
{
	struct fl_vring_batch *b = &vr->b;
	unsigned int total = 0, want;
	int ret = 0, err;

	lockdep_assert_held(&vr->process_lock);
	for (;;) {
		bool last = ret || (max && total == max) ||
			    (total && fl_vring_yield(kthread));

		want = last ? 0 : vr->batch;
		if (max && !last)
			want = min(want, max - total);
		err = fl_vring_sync(vr, want);
		if (err && !ret)
			ret = err;
		if (last || !b->nr)
			break;
		/* b->done is 0 here: the section published it. */
		err = fl_vring_payloads(vr);
		total += b->done;
		if (err && !ret)
			ret = err;
	}
	if (ret)
		fl_vring_signal(vr);
	if (processed)
		*processed = total;
	return ret;
}

int fl_vring_batch_alloc(struct fl_vring *vr)
{
	vr->b.chain = kvcalloc(vr->batch, sizeof(*vr->b.chain), GFP_KERNEL);
	vr->b.buf = kvcalloc(vr->num, sizeof(*vr->b.buf), GFP_KERNEL);
	vr->bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!vr->b.chain || !vr->b.buf || !vr->bounce) {
		fl_vring_batch_free(vr);
		return -ENOMEM;
	}
	return 0;
}

void fl_vring_batch_free(struct fl_vring *vr)
{
	kvfree(vr->b.chain);
	kvfree(vr->b.buf);
	kfree(vr->bounce);
	vr->b.chain = NULL;
	vr->b.buf = NULL;
	vr->bounce = NULL;
}
