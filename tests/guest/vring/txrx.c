// SPDX-License-Identifier: GPL-2.0
/*
 * txrx - transmit and receive through FL_IOC_VRING_PROCESS in every access
 * mode: every header, payload byte and checksum checked on both sides,
 * used entries in order with the right lengths, and exact counters
 * (descriptors, bytes, batches, kicks; no error, no invalidation).  Also
 * chains of several buffers, the max argument, index wrap-around past
 * 65535, the largest ring and batch, and a wrong sequence number and
 * checksum being caught.
 */
#include "vring.h"

#define NUM	256
#define BUFSZ	512

static uint64_t zero[FL_VCNT_NR];

static void want_set(uint64_t *w, uint64_t descs, uint64_t bytes,
		     uint64_t batches, uint64_t kicks)
{
	memset(w, 0, sizeof(uint64_t) * FL_VCNT_NR);
	w[FL_VCNT_DESCS] = descs;
	w[FL_VCNT_BYTES] = bytes;
	w[FL_VCNT_BATCHES] = batches;
	w[FL_VCNT_KICKS] = kicks;
}

static void basic(int fd, unsigned int mode, void *ring, void *bufs)
{
	const char *m = vr_mode_names[mode];
	uint64_t want[FL_VCNT_NR], bytes;
	struct fl_vring_stats st;
	struct tring r = { 0 };

	tring_init(&r, ring, NUM, bufs, BUFSZ, 1000);
	if (vr_setup(fd, mode, &r, 32, 0, -1, -1)) {
		ktap_result(0, "%s: setup", m);
		return;
	}
	KTAP_EXPECT(!vr_stats(fd, &st, false) && st.mode == mode &&
		    st.nr_counters == FL_VCNT_NR && st.last_avail == 0,
		    "%s: stats report the mode, %u counters, last_avail 0", m,
		    FL_VCNT_NR);
	vr_expect(fd, zero, "%s: registered", m);

	/* 100 one-buffer transmit chains: 4 batches of 32, 32, 32, 4. */
	bytes = tring_push(&r, 100, false, 1, 64);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 100, "%s: tx: PROCESS(all) did 100", m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 100, "%s: tx: 100 used entries", m);
	want_set(want, 100, bytes, 4, 1);
	vr_expect(fd, want, "%s: tx 100 x 64 bytes", m);
	KTAP_EXPECT(!vr_stats(fd, &st, true) && st.last_avail == 100,
		    "%s: last_avail 100 (and reset)", m);
	vr_expect(fd, zero, "%s: reset", m);

	/* 50 receive chains of 2 buffers, in two calls. */
	bytes = tring_push(&r, 50, true, 2, 0);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 20), 20, "%s: rx: PROCESS(20) did 20", m);
	KTAP_EXPECT_EQ_U64(tring_used_idx(&r), 120, "%s: rx: used idx 120", m);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 30, "%s: rx: PROCESS(all) did 30", m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 50, "%s: rx: 50 used entries", m);
	/* 20 in one batch, 30 in one batch. */
	want_set(want, 50, bytes, 2, 2);
	vr_expect(fd, want, "%s: rx 50 x 2 x %u bytes", m, BUFSZ);
	vr_stats(fd, &st, true);

	/* Mixed, chains of 3 with payloads across buffers. */
	bytes = 0;
	bytes += tring_push(&r, 5, false, 3, 3 * BUFSZ - HDR - 100);
	bytes += tring_push(&r, 5, true, 3, 0);
	bytes += tring_push(&r, 5, false, 2, BUFSZ + 1);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 15, "%s: mixed: 15 chains", m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 15, "%s: mixed: 15 used entries", m);
	want_set(want, 15, bytes, 1, 1);
	vr_expect(fd, want, "%s: mixed chains of 2 and 3 buffers", m);
	vr_stats(fd, &st, true);

	/* Nothing available: one kick, no batch. */
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 0, "%s: empty ring: 0", m);
	want_set(want, 0, 0, 0, 1);
	vr_expect(fd, want, "%s: empty ring", m);
	vr_stats(fd, &st, true);

	/* A wrong checksum, then a wrong sequence number: counted, completed. */
	{
		uint16_t a = tring_add(&r, false, 1, 32);
		uint8_t *pa = tring_buf(&r, a);
		struct fl_vring_hdr ha;

		memcpy(&ha, pa, HDR);
		pa[HDR + 3] ^= 0x40;
		tring_publish(&r);
		KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 1, "%s: bad csum: completed", m);
		want_set(want, 1, 32, 1, 1);
		want[FL_VCNT_CSUM_ERRORS] = 1;
		vr_expect(fd, want, "%s: one wrong checksum", m);
		vr_expect_err(fd, FL_VCNT_CSUM_ERRORS, a,
			      fl_vring_csum(ha.seq, pa + HDR, 32), ha.csum,
			      "bad csum");
		vr_stats(fd, &st, true);
	}
	{
		uint16_t b;

		/* The kernel expects 1111 (1000 + 100 + 10 + 1 sent so far). */
		r.tx_seq += 5;
		b = tring_add(&r, false, 1, 32);
		tring_publish(&r);
		KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 1, "%s: bad seq: completed", m);
		want_set(want, 1, 32, 1, 1);
		want[FL_VCNT_SEQ_ERRORS] = 1;
		vr_expect(fd, want, "%s: one wrong sequence number", m);
		vr_expect_err(fd, FL_VCNT_SEQ_ERRORS, b, 1111, 1116, "bad seq");
	}
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 2, "%s: bad seq/csum: 2 used entries", m);
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: every used entry and rx payload checked out", m);
	vr_teardown(fd);
	tring_free(&r);
}

/* num 8: 70000 chains take both indexes past 65535 (u16 wrap). */
static void wrap(int fd, unsigned int mode, void *ring, void *bufs)
{
	const char *m = vr_mode_names[mode];
	uint64_t want[FL_VCNT_NR], bytes = 0;
	struct tring r = { 0 };
	unsigned int i, done = 0;

	tring_init(&r, ring, 8, bufs, BUFSZ, 0);
	if (vr_setup(fd, mode, &r, 8, 0, -1, -1)) {
		ktap_result(0, "%s: wrap: setup", m);
		return;
	}
	for (i = 0; i < 70000 / 8; i++) {
		bytes += tring_push(&r, 4, false, 1, 8);
		bytes += tring_push(&r, 4, true, 1, 0);
		if (vr_try_process(fd, 0) != 8)
			break;
		done += tring_reap(&r);
	}
	KTAP_EXPECT_EQ_U64(done, 70000, "%s: wrap: 70000 chains through a ring of 8", m);
	want_set(want, 70000, bytes, 70000 / 8, 70000 / 8);
	vr_expect(fd, want, "%s: wrap", m);
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: wrap: every entry checked out", m);
	vr_teardown(fd);
	tring_free(&r);
}

/* The largest ring and batch: one batch of 1000, kmap pins every page. */
static void biggest(int fd, unsigned int mode)
{
	uint8_t *bufs = vr_anon(2 * NUM * BUFSZ);
	const char *m = vr_mode_names[mode];
	size_t len = tring_bytes(FL_VRING_NUM_MAX);
	uint64_t want[FL_VCNT_NR] = { 0 }, bytes;
	long long pins0 = vr_pins(), pages;
	struct tring r = { 0 };
	uint8_t *ring = vr_anon(len);

	if (ring == MAP_FAILED || bufs == MAP_FAILED) {
		ktap_result(0, "%s: num %u: memory", m, FL_VRING_NUM_MAX);
		return;
	}
	tring_init(&r, ring, FL_VRING_NUM_MAX, bufs, BUFSZ, 1);
	/* The parts are adjacent: every page from desc to the used ring's end. */
	pages = ((uintptr_t)&r.vr.used->ring[FL_VRING_NUM_MAX] - (uintptr_t)ring +
		 PAGE - 1) / PAGE;
	if (vr_setup(fd, mode, &r, FL_VRING_BATCH_MAX, 0, -1, -1)) {
		ktap_result(0, "%s: num %u: setup", m, FL_VRING_NUM_MAX);
		munmap(ring, len);
		munmap(bufs, 2 * NUM * BUFSZ);
		return;
	}
	if (mode != FL_VRING_KMAP)
		pages = 0;
	KTAP_EXPECT_EQ_U64(vr_pins() - pins0, pages, "%s: num %u: %lld ring pages pinned",
			   m, FL_VRING_NUM_MAX, pages);
	bytes = tring_push(&r, NUM, false, 1, 16);
	bytes += tring_push(&r, NUM, true, 1, 0);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 2 * NUM, "%s: num %u: %u chains", m,
			   FL_VRING_NUM_MAX, 2 * NUM);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 2 * NUM, "%s: num %u: %u used entries", m,
			   FL_VRING_NUM_MAX, 2 * NUM);
	want[FL_VCNT_DESCS] = 2 * NUM;
	want[FL_VCNT_BYTES] = bytes;
	want[FL_VCNT_BATCHES] = 1;
	want[FL_VCNT_KICKS] = 1;
	vr_expect(fd, want, "%s: num %u, batch %u", m, FL_VRING_NUM_MAX,
		  FL_VRING_BATCH_MAX);
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: num %u: every entry checked out", m,
			   FL_VRING_NUM_MAX);
	vr_teardown(fd);
	KTAP_EXPECT_EQ_U64(vr_pins(), pins0, "%s: num %u: unpinned", m, FL_VRING_NUM_MAX);
	tring_free(&r);
	munmap(ring, len);
	munmap(bufs, 2 * NUM * BUFSZ);
}

int main(void)
{
	char dev[64];
	void *ring, *bufs;
	unsigned int mode;
	int fd, kmsg;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	ring = vr_anon(tring_bytes(NUM));
	bufs = vr_anon((size_t)NUM * BUFSZ);
	if (ring == MAP_FAILED || bufs == MAP_FAILED)
		ktap_bail("no memory for the ring");
	kmsg = fl_klog_mark();
	for (mode = 0; mode < FL_VRING_MODE_NR; mode++) {
		basic(fd, mode, ring, bufs);
		wrap(fd, mode, ring, bufs);
		biggest(fd, mode);
	}
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0,
			   "nothing in the kernel log");
	close(fd);
	return ktap_finish();
}
