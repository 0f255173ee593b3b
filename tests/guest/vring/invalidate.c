// SPDX-License-Identifier: GPL-2.0
/*
 * invalidate - user space replaces ring pages under the kernel's feet and
 * the kernel must see the new pages, in every access mode:
 *
 *  - MADV_DONTNEED of the descriptor/avail page, then the ring written
 *    again (a new page) with new chains: the kernel processes exactly the
 *    new chains, every sequence number and checksum right;
 *  - the same for the used ring's page: the used entries land in the new
 *    page, where user space reads them;
 *  - mremap() of a prepared page onto the descriptor/avail page;
 *  - fork(), which write-protects the ring for copy-on-write.
 *
 * In kmap mode each such event is one MMU-notifier invalidation of the
 * ring, and the next batch re-establishes the mapping once: exactly
 * invalidations == retries == remaps, and the pinned-page count of
 * /proc/vmstat stays the ring's two pages (the old pages are unpinned).
 * The uaccess modes see no invalidation at all.  Payload pages replaced
 * the same way never reach the ring's notifier.
 */
#include "vring.h"

#define NUM	128		/* desc + avail in page 0, used in page 1 */
#define BUFSZ	256
#define ROUND	10

static uint64_t want[FL_VCNT_NR];

/* Replace ring page @pg by MADV_DONTNEED, then write it back. */
static int replace_dontneed(uint8_t *ring, unsigned int pg)
{
	static uint8_t save[PAGE];

	memcpy(save, ring + pg * PAGE, PAGE);
	if (madvise(ring + pg * PAGE, PAGE, MADV_DONTNEED)) {
		ktap_print_msg("madvise MADV_DONTNEED: %s", strerror(errno));
		return -1;
	}
	memcpy(ring + pg * PAGE, save, PAGE);
	return 0;
}

/* Replace ring page @pg by mremap() of a copy onto it. */
static int replace_mremap(uint8_t *ring, unsigned int pg)
{
	uint8_t *n = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (n == MAP_FAILED)
		return -1;
	memcpy(n, ring + pg * PAGE, PAGE);
	if (mremap(n, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
		   ring + pg * PAGE) == MAP_FAILED) {
		ktap_print_msg("mremap onto the ring: %s", strerror(errno));
		munmap(n, PAGE);
		return -1;
	}
	return 0;
}

static int replace_fork(uint8_t *ring, unsigned int pg)
{
	int status = -1;
	pid_t pid;

	(void)ring;
	(void)pg;
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

struct event {
	const char *what;
	int (*replace)(uint8_t *ring, unsigned int pg);
	unsigned int page;
	/* Replace before or after queueing the round's chains. */
	bool after_queue;
};

/* fork first: it invalidates per VMA, and mremap splits the ring's. */
static const struct event events[] = {
	{ "fork", replace_fork, 0, true },
	{ "MADV_DONTNEED + rewrite of desc/avail", replace_dontneed, 0, true },
	{ "MADV_DONTNEED + rewrite of used", replace_dontneed, 1, false },
	{ "mremap onto desc/avail", replace_mremap, 0, true },
	{ "mremap onto used", replace_mremap, 1, false },
};

static void run(int fd, unsigned int mode, uint8_t *bufs)
{
	/* A fresh mapping: the previous mode's mremaps split its VMA. */
	uint8_t *ring = vr_anon_alone(2 * PAGE);
	const char *m = vr_mode_names[mode];
	long long pins0 = vr_pins(), ring_pins = mode == FL_VRING_KMAP ? 2 : 0;
	unsigned int i, n = sizeof(events) / sizeof(events[0]);
	struct fl_vring_stats st;
	struct tring r = { 0 };
	uint64_t bytes;

	if (ring == MAP_FAILED) {
		ktap_result(0, "%s: ring memory", m);
		return;
	}
	tring_init(&r, ring, NUM, bufs, BUFSZ, 42);
	if (vr_setup(fd, mode, &r, 4, 0, -1, -1)) {
		ktap_result(0, "%s: setup", m);
		return;
	}
	KTAP_EXPECT_EQ_U64(vr_pins() - pins0, ring_pins, "%s: %lld ring pages pinned",
			   m, ring_pins);
	tring_push(&r, ROUND, false, 1, 32);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), ROUND, "%s: first round", m);
	tring_reap(&r);
	vr_stats(fd, &st, true);

	for (i = 0; i < n; i++) {
		const struct event *e = &events[i];
		uint64_t k = mode == FL_VRING_KMAP;

		/*
		 * A queued round in the old page would be lost with it: the
		 * chains go in after a desc/avail replacement (into the new
		 * page), before a used replacement.
		 */
		if (!e->after_queue) {
			bytes = tring_push(&r, ROUND / 2, false, 1, 32);
			bytes += tring_push(&r, ROUND / 2, true, 1, 0);
		}
		if (e->replace(ring, e->page)) {
			ktap_result(0, "%s: %s", m, e->what);
			continue;
		}
		if (e->after_queue) {
			bytes = tring_push(&r, ROUND / 2, false, 1, 32);
			bytes += tring_push(&r, ROUND / 2, true, 1, 0);
		}
		KTAP_EXPECT_EQ_U64(vr_process(fd, 0), ROUND,
				   "%s: %s: the kernel sees the %u new chains", m,
				   e->what, ROUND);
		KTAP_EXPECT_EQ_U64(tring_reap(&r), ROUND,
				   "%s: %s: %u used entries in the page user space sees",
				   m, e->what, ROUND);
		memset(want, 0, sizeof(want));
		want[FL_VCNT_DESCS] = ROUND;
		want[FL_VCNT_BYTES] = bytes;
		want[FL_VCNT_BATCHES] = (ROUND + 3) / 4;
		want[FL_VCNT_KICKS] = 1;
		want[FL_VCNT_INVALIDATIONS] = k;
		want[FL_VCNT_RETRIES] = k;
		want[FL_VCNT_REMAPS] = k;
		vr_expect(fd, want, "%s: %s", m, e->what);
		KTAP_EXPECT_EQ_U64(vr_pins() - pins0, ring_pins,
				   "%s: %s: still %lld ring pages pinned", m, e->what,
				   ring_pins);
		vr_stats(fd, &st, true);
	}

	/* Payload pages replaced the same way are none of the ring's business. */
	bytes = tring_push(&r, ROUND, true, 1, 0);
	madvise(bufs, (size_t)NUM * BUFSZ, MADV_DONTNEED);
	KTAP_EXPECT_EQ_U64(vr_process(fd, 0), ROUND, "%s: payloads dropped: processed",
			   m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), ROUND, "%s: payloads dropped: reaped", m);
	memset(want, 0, sizeof(want));
	want[FL_VCNT_DESCS] = ROUND;
	want[FL_VCNT_BYTES] = bytes;
	want[FL_VCNT_BATCHES] = (ROUND + 3) / 4;
	want[FL_VCNT_KICKS] = 1;
	vr_expect(fd, want, "%s: MADV_DONTNEED of every payload page", m);
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: every used entry and payload checked out", m);

	vr_teardown(fd);
	KTAP_EXPECT_EQ_U64(vr_pins(), pins0, "%s: TEARDOWN unpins the ring", m);
	tring_free(&r);
	munmap(ring, 2 * PAGE);
}

int main(void)
{
	char dev[64];
	uint8_t *bufs;
	unsigned int mode;
	int fd, kmsg;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	if (tring_bytes(NUM) <= PAGE || tring_bytes(NUM) > 2 * PAGE)
		ktap_bail("ring of %u is %zu bytes, want 2 pages", NUM, tring_bytes(NUM));
	bufs = vr_anon((size_t)NUM * BUFSZ);
	if (bufs == MAP_FAILED)
		ktap_bail("no memory for the ring");
	kmsg = fl_klog_mark();
	for (mode = 0; mode < FL_VRING_MODE_NR; mode++)
		run(fd, mode, bufs);
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0, "nothing in the kernel log");
	close(fd);
	return ktap_finish();
}
