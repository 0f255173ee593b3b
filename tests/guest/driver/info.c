// SPDX-License-Identifier: GPL-2.0
/*
 * info - the device describes itself consistently: FL_IOC_GET_INFO, the
 * PCI device's own sysfs, the misc device's attributes and debugfs agree,
 * and a new file starts with the documented defaults.
 */
#include "fltest.h"

static uint64_t pci_bar_start(const char *bdf, int bar, uint64_t *len)
{
	unsigned long long s, e, f;
	char path[128], line[128];
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	for (i = 0; i <= bar && fgets(line, sizeof(line), fp); i++)
		;
	fclose(fp);
	if (sscanf(line, "0x%llx 0x%llx 0x%llx", &s, &e, &f) != 3)
		return 0;
	*len = e - s + 1;
	return s;
}

int main(void)
{
	struct fl_strategy s = { .size = sizeof(s) };
	char dev[64], buf[256], want[64];
	const char *bdf = fl_bar_bdf();
	struct fl_info info;
	uint64_t start = 0, len = 0;
	bool pmd, pud;
	int fd;

	ktap_start(0);
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0 || fl_info(fd, &info))
		ktap_bail("no PCI-backed faultline device");

	KTAP_EXPECT_EQ_U64(info.size, sizeof(info), "size echoes the bytes written");
	KTAP_EXPECT_EQ_U64(info.api_version, FL_API_VERSION, "api_version");
	KTAP_EXPECT_EQ_U64(info.backing, FL_BACKING_PCI, "backing is PCI");
	KTAP_EXPECT(info.features & FL_FEAT_CONTIGUOUS, "a BAR is contiguous");
	KTAP_EXPECT_EQ_U64(info.default_cache, FL_CACHE_UC,
			   "a BAR's default caching is UC");
	pmd = info.features & FL_FEAT_PMD_PFNMAP;
	pud = info.features & FL_FEAT_PUD_PFNMAP;
	ktap_print_msg("%s %s: %llu MiB at %#llx, node %d, features %#x",
		       dev, info.name, (unsigned long long)(info.bar_size >> 20),
		       (unsigned long long)info.phys_base, info.numa_node,
		       info.features);

	if (bdf) {
		start = pci_bar_start(bdf, 2, &len);
		snprintf(want, sizeof(want), "%s/bar2", bdf);
		KTAP_EXPECT(!strcmp(info.name, want), "name is %s", want);
		KTAP_EXPECT_EQ_U64(info.phys_base, start,
				   "phys_base is the PCI resource's start");
		KTAP_EXPECT_EQ_U64(info.bar_size, len,
				   "bar_size is the PCI resource's length");
		if (getenv("FL_LAB_BAR_SIZE"))
			KTAP_EXPECT_EQ_U64(info.bar_size,
					   strtoull(getenv("FL_LAB_BAR_SIZE"), NULL, 0),
					   "bar_size is the lab's --bar-size");
		snprintf(buf, sizeof(buf), "/sys/bus/pci/devices/%s/numa_node", bdf);
		if (!fl_read_file(buf, buf, sizeof(buf)))
			KTAP_EXPECT(info.numa_node == atoi(buf),
				    "numa_node is the PCI device's (%s)", buf);
	} else {
		ktap_skip("no FL_BAR_BDF: PCI cross-checks");
	}

	KTAP_EXPECT(!fl_sysfs(dev, "backing", buf, sizeof(buf)) &&
		    !strcmp(buf, "pci"), "sysfs backing: pci");
	KTAP_EXPECT(!fl_sysfs(dev, "size", buf, sizeof(buf)) &&
		    strtoull(buf, NULL, 0) == info.bar_size, "sysfs size");
	KTAP_EXPECT(!fl_sysfs(dev, "phys_base", buf, sizeof(buf)) &&
		    strtoull(buf, NULL, 16) == info.phys_base, "sysfs phys_base");
	KTAP_EXPECT(!fl_sysfs(dev, "bar", buf, sizeof(buf)) && atoi(buf) == 2,
		    "sysfs bar: 2");
	KTAP_EXPECT(!fl_sysfs(dev, "cache_default", buf, sizeof(buf)) &&
		    !strcmp(buf, "uc"), "sysfs cache_default: uc");
	KTAP_EXPECT(!fl_sysfs(dev, "mappings", buf, sizeof(buf)) && atoi(buf) == 0,
		    "sysfs mappings: 0");
	KTAP_EXPECT(!fl_sysfs(dev, "revoked", buf, sizeof(buf)) && atoi(buf) == 0,
		    "sysfs revoked: 0");

	snprintf(buf, sizeof(buf), "/sys/kernel/debug/faultline/%s/counters",
		 strrchr(dev, '/') + 1);
	KTAP_EXPECT(!fl_read_file(buf, buf, sizeof(buf)) &&
		    !strncmp(buf, "strategy fault huge_fault_pmd", 29),
		    "debugfs counters has its header");

	KTAP_EXPECT(!ioctl(fd, FL_IOC_GET_STRATEGY, &s), "GET_STRATEGY");
	KTAP_EXPECT_EQ_U64(s.strategy, info.default_strategy,
			   "a new file has the default strategy");
	KTAP_EXPECT_EQ_U64(s.max_order, pud ? FL_ORDER_PUD : pmd ? FL_ORDER_PMD :
			   FL_ORDER_PTE, "default cap: the largest entry the kernel maps");
	KTAP_EXPECT_EQ_U64(s.window, 16, "default window: 16 pages");
	KTAP_EXPECT_EQ_U64(s.cache, FL_CACHE_UC, "default caching: UC");

	/* Huge support is the kernel's: the ioctl agrees with the feature. */
	if (pmd)
		KTAP_EXPECT(!fl_try_set(fd, FL_STRAT_HUGE, FL_ORDER_PMD, 0, 0),
			    "huge accepted (kernel maps PFNMAP PMDs)");
	else
		KTAP_EXPECT_ERRNO(fl_try_set(fd, FL_STRAT_HUGE, FL_ORDER_PMD, 0, 0) == -1,
				  EOPNOTSUPP, "huge refused: EOPNOTSUPP");
	close(fd);
	return ktap_finish();
}
