// SPDX-License-Identifier: GPL-2.0
/*
 * close - mappings outlive their file descriptor, as for any file: close()
 * while mapped leaves the mapping working (the VMA holds the file, so the
 * driver's release runs at the last munmap).  The device keeps counting
 * and can still revoke it through another file; fork, split and partial
 * munmap keep the driver's bookkeeping (sysfs "mappings") exact.
 */
#include "fltest.h"

#define LEN	(4 * MiB)

static int mappings(const char *dev)
{
	char buf[32];

	if (fl_sysfs(dev, "mappings", buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

static void close_while_mapped(const char *dev)
{
	struct fl_revoke r = { .size = sizeof(r) };
	volatile uint64_t *p;
	int fd = fl_reopen(dev), other;

	if (fd < 0 || fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0)) {
		ktap_result(0, "close: set up");
		return;
	}
	p = fl_map(fd, LEN, 0, 0, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "close: mmap");
		close(fd);
		return;
	}
	fl_write_sweep(p, LEN / 2, PAGE, 10);
	KTAP_EXPECT(close(fd) == 0, "close() while mapped");

	other = fl_reopen(dev);
	fl_reset(other);
	fl_write_sweep((volatile uint64_t *)((uintptr_t)p + LEN / 2), LEN / 2,
		       PAGE, 11);
	KTAP_EXPECT_EQ_U64(fl_check_sweep(p, LEN / 2, PAGE, 10) +
			   fl_check_sweep((volatile uint64_t *)((uintptr_t)p + LEN / 2),
					  LEN / 2, PAGE, 11), 0,
			   "close: the mapping still reads and writes the device");
	KTAP_EXPECT_EQ_U64(fl_cnt(other, FL_STRAT_INSERT_PAGE, FL_CNT_FAULT),
			   LEN / 2 / PAGE,
			   "close: its faults are still counted");
	KTAP_EXPECT_EQ_U64(mappings(dev), 1, "close: the device still has 1 mapping");

	ioctl(other, FL_IOC_REVOKE, &r);
	KTAP_EXPECT_EQ_U64(r.zapped_pages, LEN / PAGE,
			   "close: another file's revoke reaches it");
	KTAP_EXPECT_EQ_U64(fl_readable_pages(p, LEN), 0,
			   "close: revoked, no page readable");
	ioctl(other, FL_IOC_RESTORE, &r);
	KTAP_EXPECT_EQ_U64(fl_check_sweep(p, LEN / 2, PAGE, 10), 0,
			   "close: restored, faults back in with the data");
	munmap((void *)p, LEN);
	KTAP_EXPECT_EQ_U64(mappings(dev), 0,
			   "close: munmap releases the last reference");
	close(other);
}

static void fork_split(const char *dev)
{
	volatile uint64_t *p;
	int fd = fl_reopen(dev), status = -1;
	pid_t pid;

	if (fd < 0 || fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0)) {
		ktap_result(0, "fork: set up");
		return;
	}
	p = fl_map(fd, LEN, 0, 0, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "fork: mmap");
		close(fd);
		return;
	}
	fl_write_sweep(p, LEN, PAGE, 20);
	pid = fork();
	if (pid == 0) {
		/* The child's copy of the VMA maps the same device memory. */
		int bad = fl_check_sweep(p, LEN, PAGE, 20) != 0;

		fl_write_sweep(p, LEN, PAGE, 21);
		_exit(bad || mappings(dev) != 2);
	}
	waitpid(pid, &status, 0);
	KTAP_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "fork: the child reads the parent's data, the device counted 2 mappings");
	KTAP_EXPECT_EQ_U64(fl_check_sweep(p, LEN, PAGE, 21), 0,
			   "fork: the parent reads the child's writes");
	KTAP_EXPECT_EQ_U64(mappings(dev), 1, "fork: the child's mapping is gone");

	/* Punch a hole: two VMAs, each tracked. */
	munmap((void *)((uintptr_t)p + LEN / 2), PAGE);
	KTAP_EXPECT_EQ_U64(mappings(dev), 2, "split: a hole makes 2 mappings");
	KTAP_EXPECT(fl_try_set(fd, FL_STRAT_INSERT_BULK, 0, 0, 0) == -1 &&
		    errno == EBUSY, "split: the file is still busy");
	munmap((void *)p, LEN);
	KTAP_EXPECT_EQ_U64(mappings(dev), 0, "split: munmap of both: 0 mappings");
	KTAP_EXPECT(!fl_try_set(fd, FL_STRAT_INSERT_BULK, 0, 0, 0),
		    "split: the file is free again");
	close(fd);
}

int main(void)
{
	char dev[64];
	int fd;

	ktap_start(0);
	fl_bus_install();
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0)
		ktap_bail("no PCI-backed faultline device");
	close(fd);
	close_while_mapped(dev);
	fork_split(dev);
	return ktap_finish();
}
