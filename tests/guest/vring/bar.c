// SPDX-License-Identifier: GPL-2.0
/*
 * bar - a ring and its buffers inside a faultline BAR mapping (VM_PFNMAP,
 * no struct pages): the uaccess modes work there (the driver's own fault
 * handler maps the BAR pages the kernel's accesses touch), with exact
 * counters and every payload checked; kmap refuses it with EOPNOTSUPP and
 * registers nothing.  Then the cycle a kthread ring in a mapping of its
 * own file makes when the owner exits without unmapping or closing: the
 * mapping holds the file, the file holds the kthread; the kthread holds
 * only mmgrab() between passes, so exit tears the address space down,
 * the mapping releases the file, and the kthread and the mapping go.
 */
#include "vring.h"

#define NUM	256
#define BUFSZ	512
#define LEN	(2 * MiB)

static int mappings(const char *dev)
{
	char buf[32];

	if (fl_sysfs(dev, "mappings", buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

static void modes(int fd)
{
	uint64_t want[FL_VCNT_NR] = { 0 }, bytes;
	struct tring r = { 0 };
	unsigned int mode;
	uint8_t *bar;

	if (fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0)) {
		ktap_result(0, "set strategy");
		return;
	}
	bar = fl_map(fd, LEN, 0, 0, 0);
	if (bar == MAP_FAILED) {
		ktap_result(0, "mmap of the BAR");
		return;
	}
	for (mode = 0; mode < FL_VRING_MODE_NR; mode++) {
		const char *m = vr_mode_names[mode];

		tring_init(&r, bar, NUM, bar + MiB, BUFSZ, 9);
		if (mode == FL_VRING_KMAP) {
			KTAP_EXPECT_ERRNO(vr_try_setup(fd, mode, &r, 16, 0, -1, -1, 9),
					  EOPNOTSUPP,
					  "kmap of a ring in a BAR mapping: EOPNOTSUPP");
			KTAP_EXPECT_ERRNO(ioctl(fd, FL_IOC_VRING_TEARDOWN, 0), ENXIO,
					  "... and nothing registered");
			continue;
		}
		if (vr_setup(fd, mode, &r, 16, 0, -1, -1)) {
			ktap_result(0, "%s: setup in the BAR", m);
			continue;
		}
		/* 220 descriptors of 256. */
		bytes = tring_push(&r, 60, false, 2, 700);
		bytes += tring_push(&r, 100, true, 1, 0);
		KTAP_EXPECT_EQ_U64(vr_process(fd, 0), 160, "%s: BAR: 160 chains", m);
		KTAP_EXPECT_EQ_U64(tring_reap(&r), 160, "%s: BAR: 160 used entries", m);
		memset(want, 0, sizeof(want));
		want[FL_VCNT_DESCS] = 160;
		want[FL_VCNT_BYTES] = bytes;
		want[FL_VCNT_BATCHES] = 160 / 16;
		want[FL_VCNT_KICKS] = 1;
		vr_expect(fd, want, "%s: ring and buffers in the BAR", m);
		KTAP_EXPECT_EQ_U64(r.bad, 0, "%s: BAR: every entry checked out", m);
		vr_teardown(fd);
	}
	tring_free(&r);
	munmap(bar, LEN);
}

/* The child: a kthread ring in a mapping of the same file, then exit. */
static int child(const char *dev, int out)
{
	int fd = fl_reopen(dev), kick, call;
	struct tring r = { 0 };
	uint8_t *bar;
	char c = 'x';

	kick = eventfd(0, EFD_CLOEXEC);
	call = eventfd(0, EFD_CLOEXEC);
	if (fd < 0 || fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0))
		goto out;
	bar = fl_map(fd, LEN, 0, 0, 0);
	if (bar == MAP_FAILED)
		goto out;
	tring_init(&r, bar, NUM, bar + MiB, BUFSZ, 0);
	if (vr_setup(fd, FL_VRING_UACCESS, &r, 16, FL_VRING_F_KTHREAD, kick, call))
		goto out;
	tring_push(&r, 32, true, 1, 0);
	vr_kick(kick);
	if (vr_wait_calls(call, 2, 30) == 2 && tring_reap(&r) == 32 && !r.bad)
		c = 'k';
out:
	if (write(out, &c, 1) != 1)
		return 2;
	/* No munmap, no close: exit does it. */
	return 0;
}

static void exit_cycle(const char *dev)
{
	int pfd[2], status = -1, i;
	pid_t pid;
	char c = 0;

	if (pipe(pfd))
		ktap_bail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0)
		_exit(child(dev, pfd[1]));
	close(pfd[1]);
	KTAP_EXPECT(read(pfd[0], &c, 1) == 1 && c == 'k',
		    "child: kthread ring in a mapping of its own file: 32 rx chains checked");
	close(pfd[0]);
	waitpid(pid, &status, 0);
	KTAP_EXPECT(WIFEXITED(status) && !WEXITSTATUS(status), "child exited");
	/*
	 * The kthread may still have been in its pass (holding mm_users)
	 * when the child exited: then its mmput() tears the address space
	 * down and the file is released from a workqueue.  Wait for that
	 * event, bounded (30 s is a liveness limit, not a measurement).
	 */
	for (i = 0; i < 3000 && mappings(dev); i++)
		usleep(10000);
	KTAP_EXPECT_EQ_U64(vr_kthreads_left(pid, 30), 0, "the child's kthread is gone");
	KTAP_EXPECT_EQ_U64(mappings(dev), 0, "the child's BAR mapping is gone");
}

int main(void)
{
	char dev[64];
	int fd, kmsg;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	kmsg = fl_klog_mark();
	modes(fd);
	exit_cycle(dev);
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0, "nothing in the kernel log");
	close(fd);
	return ktap_finish();
}
