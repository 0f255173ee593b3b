// SPDX-License-Identifier: GPL-2.0
/*
 * unbind - removing the device while files and mappings live is safe:
 * echo BDF > /sys/bus/pci/drivers/faultline/unbind zaps every mapping
 * (of every strategy), later accesses get SIGBUS, the open files answer
 * ENODEV, and munmap/close afterwards free what is left (no use after
 * free: a KASAN or debug kernel would say).  Binding again gives a
 * working device.
 */
#include "fltest.h"

#define LEN	(4 * MiB)

static const unsigned int strategies[] = {
	FL_STRAT_REMAP_MMAP, FL_STRAT_INSERT_PAGE, FL_STRAT_INSERT_BULK,
	FL_STRAT_INSERT_AROUND, FL_STRAT_HUGE,
};
#define NS	(sizeof(strategies) / sizeof(strategies[0]))

int main(void)
{
	volatile uint64_t *map[NS];
	int fds[NS], fd, spare;
	const char *bdf = fl_bar_bdf();
	struct fl_info info;
	char dev[64], path[128];
	unsigned int i;
	void *p;

	ktap_start(0);
	fl_bus_install();
	if (!bdf)
		ktap_exit_skip("FL_BAR_BDF is not set (not in the lab?)");
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0)
		ktap_bail("no PCI-backed faultline device");
	close(fd);

	for (i = 0; i < NS; i++) {
		unsigned int s = strategies[i];

		map[i] = MAP_FAILED;
		fds[i] = fl_reopen(dev);
		if (fds[i] < 0)
			continue;
		if (s == FL_STRAT_HUGE && !fl_huge_supported(fds[i], FL_ORDER_PMD))
			continue;
		if (fl_set(fds[i], s, s == FL_STRAT_HUGE ? FL_ORDER_PMD : 0, 0, 0))
			continue;
		map[i] = fl_map(fds[i], LEN, i * LEN, 2 * MiB, 0);
		if (map[i] != MAP_FAILED)
			fl_write_sweep(map[i], LEN, PAGE, i);
	}
	spare = fl_reopen(dev);

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/faultline/unbind");
	if (fl_write_file(path, bdf))
		ktap_bail("unbind %s", bdf);
	KTAP_EXPECT(access(dev, F_OK) != 0, "unbind: %s is gone", dev);

	for (i = 0; i < NS; i++) {
		if (map[i] == MAP_FAILED) {
			ktap_skip("%s: not mapped on this kernel",
				  fl_strat_names[strategies[i]]);
			continue;
		}
		KTAP_EXPECT_EQ_U64(fl_readable_pages(map[i], LEN), 0,
				   "%s: no page readable after unbind",
				   fl_strat_names[strategies[i]]);
	}

	KTAP_EXPECT_ERRNO(fl_info(spare, &info) == -1, ENODEV,
			  "unbind: ioctl on an open file: ENODEV");
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, spare, 0);
	KTAP_EXPECT_ERRNO(p == MAP_FAILED, ENODEV,
			  "unbind: mmap on an open file: ENODEV");

	for (i = 0; i < NS; i++) {
		if (map[i] != MAP_FAILED)
			munmap((void *)map[i], LEN);
		if (fds[i] >= 0)
			close(fds[i]);
	}
	close(spare);
	ktap_result(1, "unbind: munmap and close after removal");

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/faultline/bind");
	if (fl_write_file(path, bdf))
		ktap_bail("bind %s", bdf);
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	KTAP_EXPECT(fd >= 0, "bind: a new device (%s)", dev);
	if (fd >= 0) {
		volatile uint64_t *q;

		fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0);
		q = fl_map(fd, LEN, LEN, 0, 0);
		KTAP_EXPECT(q != MAP_FAILED &&
			    fl_check_sweep(q, LEN, PAGE, 1) == 0,
			    "bind: it maps, and the BAR kept the data");
		if (q != MAP_FAILED)
			munmap((void *)q, LEN);
		close(fd);
	}
	return ktap_finish();
}
