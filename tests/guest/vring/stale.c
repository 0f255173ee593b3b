// SPDX-License-Identifier: GPL-2.0
/*
 * stale - proof that the invalidation checks bite: with the test-only
 * fault vring_broken_stale (/sys/module/faultline/parameters) a kmap
 * ring keeps its kernel mapping after an invalidation, as the reverted
 * vhost patch did, and the stale access must be seen:
 *
 *  - desc/avail page replaced (MADV_DONTNEED + rewrite) with new chains:
 *    the kernel reads the old page and finds none of them;
 *  - used page replaced: the kernel publishes into the old page, user
 *    space's used index does not move.
 *
 * The invalidations are still counted, no remap happens, the old pages
 * stay pinned until TEARDOWN (so the stale access is harmless to the
 * kernel), and nothing reaches the kernel log but the notice that the
 * fault is on.  The same steps with the parameter off see the new pages
 * (the control).  The parameter is restored to N whatever happens.
 */
#include "vring.h"

#define NUM	128
#define BUFSZ	256
#define ROUND	8
#define PARAM	"/sys/module/faultline/parameters/vring_broken_stale"

static void set_param(const char *v)
{
	if (fl_write_file(PARAM, v))
		ktap_bail("cannot set vring_broken_stale (writable parameter?)");
}

/* Whatever happens, later tests get a correct driver. */
static void restore_param(void)
{
	fl_write_file(PARAM, "N");
}

static void replace(uint8_t *ring, unsigned int pg)
{
	static uint8_t save[PAGE];

	memcpy(save, ring + pg * PAGE, PAGE);
	madvise(ring + pg * PAGE, PAGE, MADV_DONTNEED);
	memcpy(ring + pg * PAGE, save, PAGE);
}

/*
 * Replace page @pg of a fresh kmap ring as in invalidate.c; returns the
 * chains the kernel processed and sets *@seen to the used entries user
 * space sees in the new page.
 */
static long replace_and_process(int fd, uint8_t *ring, uint8_t *bufs,
				unsigned int pg, struct tring *r,
				unsigned int *seen, long long *pinned)
{
	long long pins0 = vr_pins();
	long n;

	tring_init(r, ring, NUM, bufs, BUFSZ, 5);
	if (vr_setup(fd, FL_VRING_KMAP, r, 8, 0, -1, -1))
		return -1;
	tring_push(r, ROUND, false, 1, 16);
	if (vr_process(fd, 0) != ROUND || tring_reap(r) != ROUND)
		return -1;
	if (pg == 0) {
		replace(ring, 0);
		tring_push(r, ROUND, false, 1, 16);
	} else {
		tring_push(r, ROUND, false, 1, 16);
		replace(ring, 1);
	}
	n = vr_process(fd, 0);
	*seen = tring_used_idx(r) - ROUND;
	*pinned = vr_pins() - pins0;
	return n;
}

int main(void)
{
	uint64_t want[FL_VCNT_NR];
	long long pinned, pins0;
	unsigned int seen;
	struct tring r = { 0 };
	uint8_t *ring, *bufs;
	char dev[64], v[8];
	int fd;
	long n;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	if (fl_read_file(PARAM, v, sizeof(v)))
		ktap_exit_skip("no %s", PARAM);
	if (strcmp(v, "N"))
		ktap_bail("vring_broken_stale is %s at start, want N", v);
	bufs = vr_anon((size_t)NUM * BUFSZ);
	ring = vr_anon_alone(2 * PAGE);
	if (ring == MAP_FAILED || bufs == MAP_FAILED)
		ktap_bail("no memory for the ring");
	pins0 = vr_pins();

	/* The control: the checks in place, the new pages are seen. */
	n = replace_and_process(fd, ring, bufs, 0, &r, &seen, &pinned);
	KTAP_EXPECT(n == ROUND && seen == ROUND,
		    "control, desc/avail replaced: %ld processed, %u seen, want %u",
		    n, seen, ROUND);
	vr_teardown(fd);
	n = replace_and_process(fd, ring, bufs, 1, &r, &seen, &pinned);
	KTAP_EXPECT(n == ROUND && seen == ROUND,
		    "control, used replaced: %ld processed, %u seen, want %u",
		    n, seen, ROUND);
	vr_teardown(fd);

	atexit(restore_param);
	set_param("Y");
	/* Stale avail: the kernel does not see the new chains. */
	n = replace_and_process(fd, ring, bufs, 0, &r, &seen, &pinned);
	KTAP_EXPECT(n == 0 && seen == 0,
		    "broken, desc/avail replaced: STALE READ observed (%ld processed, want 0)",
		    n);
	memset(want, 0, sizeof(want));
	want[FL_VCNT_DESCS] = ROUND;
	want[FL_VCNT_BYTES] = ROUND * 16;
	want[FL_VCNT_BATCHES] = 1;
	want[FL_VCNT_KICKS] = 2;
	want[FL_VCNT_INVALIDATIONS] = 1;
	vr_expect(fd, want, "broken, desc/avail: invalidation counted, no remap");
	KTAP_EXPECT_EQ_U64(pinned, 2, "broken: the old pages stay pinned");
	vr_teardown(fd);
	KTAP_EXPECT_EQ_U64(vr_pins(), pins0, "broken: TEARDOWN unpins them");

	/* Stale used: the kernel publishes into the old page. */
	n = replace_and_process(fd, ring, bufs, 1, &r, &seen, &pinned);
	KTAP_EXPECT(n == ROUND && seen == 0,
		    "broken, used replaced: STALE WRITE observed (%ld processed, %u seen, want %u, 0)",
		    n, seen, ROUND);
	want[FL_VCNT_DESCS] = 2 * ROUND;
	want[FL_VCNT_BYTES] = 2 * ROUND * 16;
	want[FL_VCNT_BATCHES] = 2;
	vr_expect(fd, want, "broken, used: invalidation counted, no remap");
	vr_teardown(fd);
	KTAP_EXPECT_EQ_U64(vr_pins(), pins0, "broken: every pin given back");

	set_param("N");
	/* Back to correct: rings registered now see the new pages again. */
	n = replace_and_process(fd, ring, bufs, 0, &r, &seen, &pinned);
	KTAP_EXPECT(n == ROUND && seen == ROUND,
		    "parameter back to N: new rings see the new pages");
	vr_teardown(fd);
	tring_free(&r);
	close(fd);
	return ktap_finish();
}
