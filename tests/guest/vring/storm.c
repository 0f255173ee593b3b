// SPDX-License-Identifier: GPL-2.0
/*
 * storm - the notifier racing the worker: a thread flips PROT_EXEC on the
 * ring's pages (mprotect, 2000 times, each flip one MMU-notifier
 * invalidation of a kmap ring) while rounds of transmit and receive
 * chains run through the ring, processed by PROCESS in the caller's
 * thread or by the kthread.  Whatever the interleaving: every chain
 * completes with its sequence number and checksum right, no ring error
 * or fault, kmap counts exactly one invalidation per flip, re-maps at
 * most that often (at least once: a last flip comes before the last
 * round), retries at least as often as it re-maps, holds exactly the
 * ring's pins, and gives them all back.  The uaccess modes see no
 * invalidation.  The ring has a VMA of its own (guard pages, no THP), so
 * each flip splits or merges that VMA only.
 */
#include <pthread.h>

#include "vring.h"

#define NUM	128
#define BUFSZ	256
#define ROUNDS	400
#define PER	8
#define FLIPS	2000

struct flipper {
	uint8_t *ring;
	unsigned int done;
	int err;
};

static void *flip(void *arg)
{
	struct flipper *f = arg;
	unsigned int i;

	for (i = 0; i < FLIPS; i++) {
		int prot = PROT_READ | PROT_WRITE | (i & 1 ? 0 : PROT_EXEC);

		if (mprotect(f->ring + (i / 2 % 2) * PAGE, PAGE, prot)) {
			f->err = errno;
			break;
		}
	}
	__atomic_store_n(&f->done, i, __ATOMIC_RELEASE);
	return NULL;
}

static void storm(int fd, unsigned int mode, bool kthread, uint8_t *bufs)
{
	const char *m = vr_mode_names[mode], *how = kthread ? "kthread" : "PROCESS";
	int kick = -1, call = -1;
	uint64_t k = mode == FL_VRING_KMAP, bytes = 0;
	long long pins0 = vr_pins();
	uint8_t *ring = vr_anon_alone(2 * PAGE);
	struct fl_vring_stats st;
	struct flipper f = { 0 };
	struct tring r = { 0 };
	unsigned int i, done = 0;
	bool joined = false;
	pthread_t t;

	if (kthread) {
		kick = eventfd(0, EFD_CLOEXEC);
		call = eventfd(0, EFD_CLOEXEC);
	}
	tring_init(&r, ring, NUM, bufs, BUFSZ, 1234);
	if (vr_setup(fd, mode, &r, 4, kthread ? FL_VRING_F_KTHREAD : 0, kick, call)) {
		ktap_result(0, "%s/%s: setup", m, how);
		return;
	}
	f.ring = ring;
	pthread_create(&t, NULL, flip, &f);
	for (i = 0; i < ROUNDS; i++) {
		uint16_t want = r.avail_idx + PER;

		/*
		 * The last round after the flipper and one more flip (page 0
		 * is read-write by then: this one changes it).
		 */
		if (i == ROUNDS - 1) {
			pthread_join(t, NULL);
			joined = true;
			mprotect(ring, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC);
		}
		bytes += tring_push(&r, PER / 2, false, 1, 8 * (i % 16));
		bytes += tring_push(&r, PER / 2, true, 2, 0);
		if (kthread) {
			vr_kick(kick);
			/* Two batches of 4: wait for both signals. */
			if (vr_wait_calls(call, 2, 30) != 2)
				break;
		} else if (vr_process(fd, 0) != PER) {
			break;
		}
		if (tring_used_idx(&r) != want)
			break;
		done += tring_reap(&r);
	}
	if (!joined)
		pthread_join(t, NULL);
	KTAP_EXPECT_EQ_U64(done, ROUNDS * PER, "%s/%s: %u chains while the ring was flipped",
			   m, how, ROUNDS * PER);
	KTAP_EXPECT(f.done == FLIPS && !f.err, "%s/%s: %u mprotect flips (%s)", m, how,
		    f.done, f.err ? strerror(f.err) : "ok");
	KTAP_EXPECT_EQ_U64(vr_pins() - pins0, 2 * k, "%s/%s: the ring's pins only", m, how);
	vr_stats(fd, &st, false);
	ktap_print_msg("%s/%s: invalidations %llu remaps %llu retries %llu", m, how,
		       (unsigned long long)st.val[FL_VCNT_INVALIDATIONS],
		       (unsigned long long)st.val[FL_VCNT_REMAPS],
		       (unsigned long long)st.val[FL_VCNT_RETRIES]);
	KTAP_EXPECT_EQ_U64(st.val[FL_VCNT_INVALIDATIONS], k * (FLIPS + 1),
			   "%s/%s: one invalidation per flip", m, how);
	KTAP_EXPECT(k ? st.val[FL_VCNT_REMAPS] >= 1 &&
			st.val[FL_VCNT_REMAPS] <= st.val[FL_VCNT_INVALIDATIONS] &&
			st.val[FL_VCNT_RETRIES] >= st.val[FL_VCNT_REMAPS]
		      : !st.val[FL_VCNT_REMAPS] && !st.val[FL_VCNT_RETRIES],
		    "%s/%s: 1 <= remaps <= invalidations, retries >= remaps (kmap; else none)",
		    m, how);
	KTAP_EXPECT(st.val[FL_VCNT_DESCS] == ROUNDS * PER &&
		    st.val[FL_VCNT_BYTES] == bytes &&
		    !st.val[FL_VCNT_SEQ_ERRORS] && !st.val[FL_VCNT_CSUM_ERRORS] &&
		    !st.val[FL_VCNT_RING_ERRORS] && !st.val[FL_VCNT_FAULTS] &&
		    !st.err_kind,
		    "%s/%s: descs %llu, bytes, no error of any kind", m, how,
		    (unsigned long long)st.val[FL_VCNT_DESCS]);
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s/%s: every used entry and payload checked out",
			   m, how);
	vr_teardown(fd);
	KTAP_EXPECT_EQ_U64(vr_pins(), pins0, "%s/%s: unpinned", m, how);
	tring_free(&r);
	munmap(ring, 2 * PAGE);
	if (kthread) {
		close(kick);
		close(call);
	}
}

int main(void)
{
	unsigned int mode;
	uint8_t *bufs;
	char dev[64];
	int fd, kmsg;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	bufs = vr_anon((size_t)NUM * BUFSZ);
	if (bufs == MAP_FAILED)
		ktap_bail("no memory for the buffers");
	kmsg = fl_klog_mark();
	for (mode = 0; mode < FL_VRING_MODE_NR; mode++) {
		storm(fd, mode, false, bufs);
		storm(fd, mode, true, bufs);
	}
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0, "nothing in the kernel log");
	close(fd);
	return ktap_finish();
}
