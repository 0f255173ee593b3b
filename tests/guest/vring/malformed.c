// SPDX-License-Identifier: GPL-2.0
/*
 * malformed - a malformed ring in every access mode: a head out of range,
 * an indirect or unknown descriptor flag, a next index out of range, a
 * loop, a first buffer too short for the header, a chain that changes
 * direction, a transmit header longer than its chain, a chain longer
 * than 4 GiB, an avail index more than num ahead.  Each time the chains
 * before the bad one are completed and published, PROCESS fails with
 * EIO, the ring error is counted and recorded exactly (head, expected,
 * got), the bad chain stays available (a second PROCESS finds it again),
 * and once user space repairs it the ring goes on with every sequence
 * number and checksum intact.
 */
#include "vring.h"

#define NUM	64
#define BUFSZ	256

struct bad {
	const char *what;
	/* Found before any chain is fetched: the good ones go first. */
	bool whole_ring;
	/* Break the chain at @head (or the ring); fill the expected error. */
	void (*corrupt)(struct tring *r, uint16_t head, uint32_t *ehead,
			uint64_t *exp, uint64_t *got);
};

static void c_head(struct tring *r, uint16_t head, uint32_t *eh, uint64_t *e,
		   uint64_t *g)
{
	r->vr.avail->ring[(r->avail_idx - 1) & (NUM - 1)] = NUM + 3;
	(void)head;
	*eh = NUM + 3;
	*e = NUM;
	*g = NUM + 3;
}

static void c_indirect(struct tring *r, uint16_t head, uint32_t *eh,
		       uint64_t *e, uint64_t *g)
{
	r->vr.desc[head].flags |= VRING_DESC_F_INDIRECT;
	*eh = head;
	*e = VRING_DESC_F_NEXT | VRING_DESC_F_WRITE;
	*g = r->vr.desc[head].flags;
}

static void c_flag(struct tring *r, uint16_t head, uint32_t *eh, uint64_t *e,
		   uint64_t *g)
{
	uint16_t second = r->vr.desc[head].next;

	r->vr.desc[second].flags |= 0x8;
	*eh = head;
	*e = VRING_DESC_F_NEXT | VRING_DESC_F_WRITE;
	*g = r->vr.desc[second].flags;
}

static void c_next(struct tring *r, uint16_t head, uint32_t *eh, uint64_t *e,
		   uint64_t *g)
{
	r->vr.desc[head].next = NUM;
	*eh = head;
	*e = NUM;
	*g = NUM;
}

static void c_loop(struct tring *r, uint16_t head, uint32_t *eh, uint64_t *e,
		   uint64_t *g)
{
	uint16_t second = r->vr.desc[head].next;

	r->vr.desc[second].flags |= VRING_DESC_F_NEXT;
	r->vr.desc[second].next = head;
	*eh = head;
	*e = NUM;
	*g = NUM + 1;
}

static void c_short(struct tring *r, uint16_t head, uint32_t *eh, uint64_t *e,
		    uint64_t *g)
{
	r->vr.desc[head].len = HDR - 1;
	*eh = head;
	*e = HDR;
	*g = HDR - 1;
}

static void c_direction(struct tring *r, uint16_t head, uint32_t *eh,
			uint64_t *e, uint64_t *g)
{
	uint16_t second = r->vr.desc[head].next;

	r->vr.desc[second].flags |= VRING_DESC_F_WRITE;
	*eh = head;
	*e = 0;
	*g = r->vr.desc[second].flags;
}

static void c_hdrlen(struct tring *r, uint16_t head, uint32_t *eh, uint64_t *e,
		     uint64_t *g)
{
	struct fl_vring_hdr h;
	uint8_t *b = tring_buf(r, head);

	memcpy(&h, b, HDR);
	h.len = r->c_len[head] - HDR + 1;
	memcpy(b, &h, HDR);
	*eh = head;
	*e = r->c_len[head] - HDR;
	*g = h.len;
}

static void c_huge(struct tring *r, uint16_t head, uint32_t *eh, uint64_t *e,
		   uint64_t *g)
{
	uint16_t second = r->vr.desc[head].next;

	r->vr.desc[head].len = 0xffffffffu;
	r->vr.desc[second].len = 2;
	*eh = head;
	*e = 0xffffffffu;
	*g = 0x100000001ULL;
}

static void c_idx(struct tring *r, uint16_t head, uint32_t *eh, uint64_t *e,
		  uint64_t *g)
{
	(void)head;
	/* Published by the caller: num + 1 past the kernel's last_avail. */
	r->avail_idx = (uint16_t)(r->avail_idx + NUM);
	*eh = (uint16_t)(r->avail_idx - NUM - 1);
	*e = NUM;
	*g = r->avail_idx;
}

static const struct bad bads[] = {
	{ "head out of range", false, c_head },
	{ "indirect descriptor", false, c_indirect },
	{ "unknown descriptor flag", false, c_flag },
	{ "next out of range", false, c_next },
	{ "chain loops", false, c_loop },
	{ "first buffer shorter than the header", false, c_short },
	{ "chain changes direction", false, c_direction },
	{ "tx header longer than the chain", false, c_hdrlen },
	{ "chain longer than 4 GiB", false, c_huge },
	{ "avail index more than num ahead", true, c_idx },
};

static void one(int fd, unsigned int mode, const struct bad *b, void *ring,
		void *bufs)
{
	const char *m = vr_mode_names[mode];
	uint64_t want[FL_VCNT_NR] = { 0 }, exp = 0, got = 0, bytes;
	uint8_t *save_ring, *save_bufs = malloc(NUM * BUFSZ);
	unsigned int before = b->whole_ring ? 0 : 2;
	struct fl_vring_stats st;
	struct tring r = { 0 };
	uint16_t head, saved_idx;
	uint32_t ehead = 0;
	size_t front;

	tring_init(&r, ring, NUM, bufs, BUFSZ, 7);
	/* What user space writes: the descriptors and the avail ring. */
	front = (size_t)((uint8_t *)&r.vr.avail->ring[NUM] - (uint8_t *)ring);
	save_ring = malloc(front);
	if (vr_setup(fd, mode, &r, 16, 0, -1, -1)) {
		ktap_result(0, "%s: %s: setup", m, b->what);
		return;
	}
	bytes = tring_push(&r, 2, false, 1, 40);
	if (b->whole_ring) {
		KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 2, "%s: %s: 2 good chains first",
				   m, b->what);
		vr_stats(fd, &st, true);
		bytes = 0;
	}
	head = tring_add(&r, false, 2, 100);
	saved_idx = r.avail_idx;
	memcpy(save_ring, ring, front);
	memcpy(save_bufs, bufs, NUM * BUFSZ);
	b->corrupt(&r, head, &ehead, &exp, &got);
	tring_publish(&r);

	KTAP_EXPECT_ERRNO(vr_try_process(fd, 0) < 0, EIO, "%s: %s: PROCESS EIO", m,
			  b->what);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 2,
			   "%s: %s: the 2 chains before it are published", m, b->what);
	want[FL_VCNT_DESCS] = before;
	want[FL_VCNT_BYTES] = bytes;
	want[FL_VCNT_BATCHES] = !!before;
	want[FL_VCNT_KICKS] = 1;
	want[FL_VCNT_RING_ERRORS] = 1;
	vr_expect(fd, want, "%s: %s", m, b->what);
	vr_expect_err(fd, FL_VCNT_RING_ERRORS, ehead, exp, got, b->what);

	KTAP_EXPECT_ERRNO(vr_try_process(fd, 0) < 0, EIO,
			  "%s: %s: PROCESS again: EIO again", m, b->what);
	want[FL_VCNT_KICKS] = 2;
	want[FL_VCNT_RING_ERRORS] = 2;
	vr_expect(fd, want, "%s: %s: still there, nothing more done", m, b->what);
	KTAP_EXPECT(!vr_stats(fd, &st, true) && st.last_avail == 2,
		    "%s: %s: last_avail 2: the bad chain is still available",
		    m, b->what);

	/* Repaired (ring and buffers as they were before): it goes through. */
	memcpy(ring, save_ring, front);
	memcpy(bufs, save_bufs, NUM * BUFSZ);
	r.avail_idx = saved_idx;
	tring_publish(&r);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 1, "%s: %s: repaired, processed", m,
			   b->what);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 1, "%s: %s: repaired, published", m,
			   b->what);
	memset(want, 0, sizeof(want));
	want[FL_VCNT_DESCS] = 1;
	want[FL_VCNT_BYTES] = 100;
	want[FL_VCNT_BATCHES] = 1;
	want[FL_VCNT_KICKS] = 1;
	vr_expect(fd, want, "%s: %s: repaired", m, b->what);
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: %s: every used entry checked out", m,
			   b->what);
	vr_teardown(fd);
	tring_free(&r);
	free(save_ring);
	free(save_bufs);
}

int main(void)
{
	char dev[64];
	void *ring, *bufs;
	unsigned int mode, i;
	int fd, kmsg;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	ring = vr_anon(tring_bytes(NUM));
	bufs = vr_anon(NUM * BUFSZ);
	if (ring == MAP_FAILED || bufs == MAP_FAILED)
		ktap_bail("no memory for the ring");
	kmsg = fl_klog_mark();
	for (mode = 0; mode < FL_VRING_MODE_NR; mode++)
		for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
			one(fd, mode, &bads[i], ring, bufs);
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0,
			   "nothing in the kernel log");
	close(fd);
	return ktap_finish();
}
