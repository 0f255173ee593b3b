// SPDX-License-Identifier: GPL-2.0
/*
 * unmap - ring or payload memory taken away while the ring is in use, in
 * every access mode, in the caller's context and in the kthread:
 *
 *  - desc/avail page unmapped: PROCESS fails with EFAULT, the fault is
 *    counted and recorded with the address the kernel could not reach,
 *    again on every try; mapped back (same contents, new chains) the ring
 *    goes on;
 *  - used page made read-only: the chains already done are not lost: they
 *    are published once the page is writable again;
 *  - a payload page unmapped: EFAULT with that address, the chain stays
 *    available and goes through once the page is back;
 *  - the kthread meets an unmapped ring: it stops the pass, signals the
 *    call eventfd, counts the fault, and the next kick after the repair
 *    works.
 * Never anything in the kernel log.
 */
#include "vring.h"

#define NUM	128
#define BUFSZ	256

static uint64_t want[FL_VCNT_NR];
static uint8_t save[PAGE];

static void want_set(uint64_t descs, uint64_t bytes, uint64_t batches,
		     uint64_t kicks)
{
	memset(want, 0, sizeof(want));
	want[FL_VCNT_DESCS] = descs;
	want[FL_VCNT_BYTES] = bytes;
	want[FL_VCNT_BATCHES] = batches;
	want[FL_VCNT_KICKS] = kicks;
}

static void take_page(uint8_t *p)
{
	memcpy(save, p, PAGE);
	munmap(p, PAGE);
}

static int give_page(uint8_t *p)
{
	if (mmap(p, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != p) {
		ktap_print_msg("mmap MAP_FIXED %p: %s", (void *)p, strerror(errno));
		return -1;
	}
	memcpy(p, save, PAGE);
	return 0;
}

static void caller(int fd, unsigned int mode, uint8_t *bufs)
{
	const char *m = vr_mode_names[mode];
	uint64_t k = mode == FL_VRING_KMAP, bytes;
	uint8_t *ring = vr_anon_alone(2 * PAGE), *pb;
	struct fl_vring_stats st;
	struct tring r = { 0 };
	uint16_t head;

	tring_init(&r, ring, NUM, bufs, BUFSZ, 3);
	if (vr_setup(fd, mode, &r, 8, 0, -1, -1)) {
		ktap_result(0, "%s: setup", m);
		return;
	}
	tring_push(&r, 4, false, 1, 20);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 4, "%s: 4 chains before", m);
	tring_reap(&r);
	vr_stats(fd, &st, true);

	/* The descriptor/avail page goes away. */
	take_page(ring);
	KTAP_EXPECT_ERRNO(vr_try_process(fd, 0) < 0, EFAULT,
			  "%s: desc/avail unmapped: PROCESS EFAULT", m);
	KTAP_EXPECT_ERRNO(vr_try_process(fd, 0) < 0, EFAULT,
			  "%s: desc/avail unmapped: again EFAULT", m);
	want_set(0, 0, 0, 2);
	want[FL_VCNT_FAULTS] = 2;
	want[FL_VCNT_INVALIDATIONS] = k;
	want[FL_VCNT_RETRIES] = k;
	vr_expect(fd, want, "%s: desc/avail unmapped", m);
	/* kmap fails to pin the page; the others to read the avail index. */
	vr_expect_err(fd, FL_VCNT_FAULTS, 0,
		      0, k ? (uintptr_t)ring : (uintptr_t)&r.vr.avail->idx,
		      "desc/avail unmapped");
	vr_stats(fd, &st, true);
	if (give_page(ring))
		return;
	bytes = tring_push(&r, 4, false, 1, 20);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 4, "%s: mapped back: 4 new chains", m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 4, "%s: mapped back: 4 used entries", m);
	want_set(4, bytes, 1, 1);
	want[FL_VCNT_REMAPS] = k;
	vr_expect(fd, want, "%s: mapped back", m);
	vr_stats(fd, &st, true);

	/* The used page read-only: what was done waits to be published. */
	bytes = tring_push(&r, 4, false, 1, 20);
	mprotect(ring + PAGE, PAGE, PROT_READ);
	KTAP_EXPECT_ERRNO(vr_try_process(fd, 0) < 0, EFAULT,
			  "%s: used read-only: PROCESS EFAULT", m);
	KTAP_EXPECT_EQ_U64(tring_used_idx(&r), 8, "%s: used read-only: nothing published", m);
	want_set(0, 0, 0, 1);
	want[FL_VCNT_FAULTS] = 1;
	want[FL_VCNT_INVALIDATIONS] = k;
	want[FL_VCNT_RETRIES] = k;
	vr_expect(fd, want, "%s: used read-only", m);
	/* kmap cannot pin it writable; the others cannot store the entry. */
	vr_expect_err(fd, FL_VCNT_FAULTS, k ? 0 : r.vr.avail->ring[8 & (NUM - 1)],
		      0, k ? (uintptr_t)ring + PAGE : (uintptr_t)&r.vr.used->ring[8],
		      "used read-only");
	vr_stats(fd, &st, true);
	mprotect(ring + PAGE, PAGE, PROT_READ | PROT_WRITE);
	/*
	 * uaccess modes completed the 4 chains before failing to publish
	 * them: this call only publishes (0 processed).  kmap never reached
	 * them: it processes them now.
	 */
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), k ? 4 : 0,
			   "%s: writable again: %d chains processed now", m, k ? 4 : 0);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 4, "%s: writable again: 4 published", m);
	want_set(4, bytes, 1, 1);
	want[FL_VCNT_INVALIDATIONS] = k;
	want[FL_VCNT_REMAPS] = k;
	vr_expect(fd, want, "%s: used writable again", m);
	vr_stats(fd, &st, true);

	/* A payload page goes away under a queued chain. */
	head = tring_add(&r, false, 1, 40);
	tring_publish(&r);
	pb = (uint8_t *)((uintptr_t)tring_buf(&r, head) & ~(uintptr_t)(PAGE - 1));
	take_page(pb);
	KTAP_EXPECT_ERRNO(vr_try_process(fd, 0) < 0, EFAULT,
			  "%s: payload unmapped: PROCESS EFAULT", m);
	want_set(0, 0, 0, 1);
	want[FL_VCNT_FAULTS] = 1;
	vr_expect(fd, want, "%s: payload unmapped", m);
	vr_expect_err(fd, FL_VCNT_FAULTS, head, 0, (uintptr_t)tring_buf(&r, head),
		      "payload unmapped");
	vr_stats(fd, &st, true);
	if (give_page(pb))
		return;
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 1, "%s: payload back: processed", m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 1, "%s: payload back: published", m);
	want_set(1, 40, 1, 1);
	vr_expect(fd, want, "%s: payload back", m);
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: every used entry checked out", m);
	vr_teardown(fd);
	tring_free(&r);
	munmap(ring, 2 * PAGE);
}

static void kthread(int fd, unsigned int mode, uint8_t *bufs)
{
	const char *m = vr_mode_names[mode];
	int kick = eventfd(0, EFD_CLOEXEC), call = eventfd(0, EFD_CLOEXEC);
	uint64_t k = mode == FL_VRING_KMAP, bytes;
	uint8_t *ring = vr_anon_alone(2 * PAGE);
	struct tring r = { 0 };

	tring_init(&r, ring, NUM, bufs, BUFSZ, 3);
	if (vr_setup(fd, mode, &r, 8, FL_VRING_F_KTHREAD, kick, call)) {
		ktap_result(0, "%s: kthread setup", m);
		return;
	}
	take_page(ring);
	vr_kick(kick);
	KTAP_EXPECT_EQ_U64(vr_wait_calls(call, 1, 30), 1,
			   "%s: kthread, ring unmapped: the call eventfd says so", m);
	want_set(0, 0, 0, 1);
	want[FL_VCNT_FAULTS] = 1;
	want[FL_VCNT_INVALIDATIONS] = k;
	want[FL_VCNT_RETRIES] = k;
	vr_expect(fd, want, "%s: kthread, ring unmapped", m);
	if (give_page(ring))
		return;
	bytes = tring_push(&r, 4, true, 1, 0);
	vr_kick(kick);
	KTAP_EXPECT_EQ_U64(vr_wait_calls(call, 1, 30), 1,
			   "%s: kthread, mapped back: one batch", m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 4, "%s: kthread, mapped back: 4 entries", m);
	want_set(4, bytes, 1, 2);
	want[FL_VCNT_FAULTS] = 1;
	want[FL_VCNT_INVALIDATIONS] = k;
	want[FL_VCNT_RETRIES] = k;
	want[FL_VCNT_REMAPS] = k;
	vr_expect(fd, want, "%s: kthread, mapped back", m);
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: kthread: every entry checked out", m);
	vr_teardown(fd);
	tring_free(&r);
	munmap(ring, 2 * PAGE);
	close(kick);
	close(call);
}

int main(void)
{
	char dev[64];
	uint8_t *bufs;
	unsigned int mode;
	int fd, kmsg;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	bufs = vr_anon((size_t)NUM * BUFSZ);
	if (bufs == MAP_FAILED)
		ktap_bail("no memory for the buffers");
	kmsg = fl_klog_mark();
	for (mode = 0; mode < FL_VRING_MODE_NR; mode++) {
		caller(fd, mode, bufs);
		kthread(fd, mode, bufs);
	}
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0, "nothing in the kernel log");
	close(fd);
	return ktap_finish();
}
