// SPDX-License-Identifier: GPL-2.0
/*
 * kthread - the ring worker as a kthread kicked through an eventfd, in
 * every access mode: exact kicks (one per eventfd write, one for a kick
 * written before registration), batches and call-eventfd signals (one
 * per published batch); TEARDOWN and close() while the kthread is busy
 * stop it cleanly (it has stopped when the call returns and its task is
 * gone right after, everything it published checks out, pins are given
 * back); the owner exiting while its kthread is busy; a forked child
 * kicking the parent's ring; the file reusable after all of it.
 */
#include "vring.h"

#define NUM	256
#define BUFSZ	512
#define BIG_NUM	4096
#define BIG_BUF	4096
#define BIG_NBUF 4

static uint64_t want[FL_VCNT_NR];

static void want_set(uint64_t descs, uint64_t bytes, uint64_t batches,
		     uint64_t kicks)
{
	memset(want, 0, sizeof(want));
	want[FL_VCNT_DESCS] = descs;
	want[FL_VCNT_BYTES] = bytes;
	want[FL_VCNT_BATCHES] = batches;
	want[FL_VCNT_KICKS] = kicks;
}

static void kicks(int fd, unsigned int mode, void *ring, void *bufs)
{
	const char *m = vr_mode_names[mode];
	int kick = eventfd(0, EFD_CLOEXEC), call = eventfd(0, EFD_CLOEXEC);
	struct fl_vring_stats st;
	struct tring r = { 0 };
	uint64_t bytes;

	tring_init(&r, ring, NUM, bufs, BUFSZ, 1);
	if (vr_setup(fd, mode, &r, 32, FL_VRING_F_KTHREAD, kick, call)) {
		ktap_result(0, "%s: kthread setup", m);
		return;
	}
	KTAP_EXPECT_EQ_U64(vr_kthreads_of(getpid()), 1, "%s: one kthread fl-vring-%d",
			   m, (int)getpid());
	want_set(0, 0, 0, 0);
	vr_expect(fd, want, "%s: kthread registered, not kicked", m);

	/* 100 chains, one kick: 4 batches, 4 call signals. */
	bytes = tring_push(&r, 100, false, 1, 100);
	vr_kick(kick);
	KTAP_EXPECT_EQ_U64(vr_wait_calls(call, 4, 30), 4,
			   "%s: 100 chains in batches of 32: 4 call signals", m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 100, "%s: 100 used entries", m);
	want_set(100, bytes, 4, 1);
	vr_expect(fd, want, "%s: one kick", m);
	vr_stats(fd, &st, true);

	/* Two rounds, a kick each. */
	bytes = tring_push(&r, 10, true, 1, 0);
	vr_kick(kick);
	KTAP_EXPECT_EQ_U64(vr_wait_calls(call, 1, 30), 1, "%s: round 1: 1 signal", m);
	bytes += tring_push(&r, 10, true, 2, 0);
	vr_kick(kick);
	KTAP_EXPECT_EQ_U64(vr_wait_calls(call, 1, 30), 1, "%s: round 2: 1 signal", m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 20, "%s: 2 rounds: 20 used entries", m);
	want_set(20, bytes, 2, 2);
	vr_expect(fd, want, "%s: two kicks", m);
	KTAP_EXPECT_EQ_U64(vr_drain(call), 0, "%s: no stray call signal", m);
	vr_stats(fd, &st, true);

	/*
	 * fork: a child kicks the parent's ring; the kthread works in the
	 * owner's mm.  kmap sees fork write-protect the ring (one
	 * invalidation) and remaps once.
	 */
	bytes = tring_push(&r, 6, false, 1, 50);
	{
		int status = -1;
		pid_t pid = fork();

		if (pid == 0)
			_exit(vr_kick(kick) ? 1 : 0);
		waitpid(pid, &status, 0);
		KTAP_EXPECT(WIFEXITED(status) && !WEXITSTATUS(status),
			    "%s: a forked child kicked", m);
	}
	KTAP_EXPECT_EQ_U64(vr_wait_calls(call, 1, 30), 1, "%s: fork: 1 signal", m);
	KTAP_EXPECT_EQ_U64(tring_reap(&r), 6, "%s: fork: 6 used entries", m);
	want_set(6, bytes, 1, 1);
	want[FL_VCNT_INVALIDATIONS] = mode == FL_VRING_KMAP;
	want[FL_VCNT_RETRIES] = mode == FL_VRING_KMAP;
	want[FL_VCNT_REMAPS] = mode == FL_VRING_KMAP;
	vr_expect(fd, want, "%s: kicked by a forked child", m);
	KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: every entry checked out", m);
	vr_teardown(fd);
	KTAP_EXPECT_EQ_U64(vr_kthreads_left(getpid(), 10), 0,
			   "%s: TEARDOWN: the kthread is gone", m);

	/* A kick written before SETUP is not lost. */
	tring_init(&r, ring, NUM, bufs, BUFSZ, 1);
	bytes = tring_push(&r, 5, false, 1, 10);
	vr_kick(kick);
	if (vr_setup(fd, mode, &r, 32, FL_VRING_F_KTHREAD, kick, call)) {
		ktap_result(0, "%s: setup with a pending kick", m);
	} else {
		KTAP_EXPECT_EQ_U64(vr_wait_calls(call, 1, 30), 1,
				   "%s: pending kick: processed at once", m);
		KTAP_EXPECT_EQ_U64(tring_reap(&r), 5, "%s: pending kick: 5 entries", m);
		want_set(5, bytes, 1, 1);
		vr_expect(fd, want, "%s: a kick written before SETUP", m);
		vr_teardown(fd);
	}
	tring_free(&r);
	close(kick);
	close(call);
}

/*
 * Stop a busy kthread by @how: TEARDOWN, close() or the owner's exit.
 * 1024 receive chains of 16 KiB keep it busy for a while; whatever it
 * published before it stopped must check out.
 */
enum stop_how { STOP_TEARDOWN, STOP_CLOSE, STOP_EXIT };
static const char *const stop_names[] = { "TEARDOWN", "close", "exit" };

/*
 * The kthread is busy when this returns: it has published its first
 * batch (16 of 1024 chains of 16 KiB) and has the rest to do, unless it
 * is faster than the return from a read(); the checks hold either way.
 */
static int busy_ring(const char *dev, unsigned int mode, struct tring *r,
		     void *ring, void *bufs, int *kick)
{
	int fd = fl_reopen(dev), call = eventfd(0, EFD_CLOEXEC);

	*kick = eventfd(0, EFD_CLOEXEC);
	tring_init(r, ring, BIG_NUM, bufs, BIG_BUF, 0);
	if (fd < 0 || vr_setup(fd, mode, r, 16, FL_VRING_F_KTHREAD, *kick, call))
		return -1;
	tring_push(r, BIG_NUM / BIG_NBUF, true, BIG_NBUF, 0);
	vr_kick(*kick);
	if (vr_wait_calls(call, 1, 30) < 1)
		return -1;
	close(call);
	return fd;
}

static void busy_stop(const char *dev, unsigned int mode, enum stop_how how,
		      void *ring, void *bufs)
{
	const char *m = vr_mode_names[mode], *h = stop_names[how];
	long long pins = vr_pins();
	struct tring r = { 0 };
	int fd, kick, status = -1;
	pid_t pid = getpid();

	if (how == STOP_EXIT) {
		int pfd[2];
		char c;

		/* The child owns the ring and exits with the kthread busy. */
		if (pipe(pfd))
			ktap_bail("pipe: %s", strerror(errno));
		pid = fork();
		if (pid == 0) {
			fd = busy_ring(dev, mode, &r, ring, bufs, &kick);
			c = fd < 0 ? 'x' : 'k';
			if (write(pfd[1], &c, 1) != 1)
				_exit(2);
			_exit(0);
		}
		close(pfd[1]);
		if (read(pfd[0], &c, 1) != 1 || c != 'k')
			ktap_result(0, "%s: %s: the child set up its ring", m, h);
		close(pfd[0]);
		waitpid(pid, &status, 0);
		KTAP_EXPECT(WIFEXITED(status) && !WEXITSTATUS(status),
			    "%s: %s: the owner exited with its kthread busy", m, h);
		KTAP_EXPECT_EQ_U64(vr_kthreads_left(pid, 10), 0,
				   "%s: %s: the kthread is gone with its owner", m, h);
		/* The child's ring was in its copy of the memory. */
	} else {
		fd = busy_ring(dev, mode, &r, ring, bufs, &kick);
		if (fd < 0) {
			ktap_result(0, "%s: %s: setup", m, h);
			return;
		}
		KTAP_EXPECT(how == STOP_TEARDOWN ? !vr_teardown(fd) : !close(fd),
			    "%s: %s while the kthread is busy", m, h);
		KTAP_EXPECT_EQ_U64(vr_kthreads_left(pid, 10), 0,
				   "%s: %s: the kthread is gone", m, h);
		ktap_print_msg("%s: %s: %u of %u chains were done", m, h,
			       tring_used_idx(&r), BIG_NUM / BIG_NBUF);
		tring_reap(&r);
		KTAP_EXPECT_EQ_U64(r.bad, 0,
				   "%s: %s: every entry published checks out", m, h);
		if (how == STOP_TEARDOWN)
			close(fd);
	}
	close(kick);
	tring_free(&r);
	KTAP_EXPECT_EQ_U64(vr_pins(), pins, "%s: %s: every pin given back", m, h);

	/* The device is fine: a new file, a new ring. */
	fd = fl_reopen(dev);
	tring_init(&r, ring, NUM, bufs, BUFSZ, 0);
	if (fd < 0 || vr_setup(fd, mode, &r, 8, 0, -1, -1)) {
		ktap_result(0, "%s: %s: a new ring afterwards", m, h);
	} else {
		tring_push(&r, 3, false, 1, 8);
		KTAP_EXPECT(vr_process(fd, 0) == 3 && tring_reap(&r) == 3 && !r.bad,
			    "%s: %s: a new ring afterwards works", m, h);
	}
	if (fd >= 0)
		close(fd);
	tring_free(&r);
}

int main(void)
{
	char dev[64];
	void *ring, *bufs, *bring, *bbufs;
	unsigned int mode, how;
	int fd, kmsg;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	ring = vr_anon(tring_bytes(NUM));
	bufs = vr_anon((size_t)NUM * BUFSZ);
	bring = vr_anon(tring_bytes(BIG_NUM));
	bbufs = vr_anon((size_t)BIG_NUM * BIG_BUF);
	if (ring == MAP_FAILED || bufs == MAP_FAILED || bring == MAP_FAILED ||
	    bbufs == MAP_FAILED)
		ktap_bail("no memory for the rings");
	kmsg = fl_klog_mark();
	for (mode = 0; mode < FL_VRING_MODE_NR; mode++) {
		kicks(fd, mode, ring, bufs);
		for (how = 0; how <= STOP_EXIT; how++)
			busy_stop(dev, mode, how, bring, bbufs);
	}
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0,
			   "nothing in the kernel log");
	close(fd);
	return ktap_finish();
}
