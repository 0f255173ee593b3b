// SPDX-License-Identifier: GPL-2.0
/*
 * phys - the physical-range backing (phys_base=, phys_size=), using the
 * lab's BAR as the "reserved" range: the ivshmem device is kept from
 * binding (driver_override "none") and faultline.ko is loaded with the
 * BAR's physical range.  Restored as the lab had it at exit.
 *
 *  - bad ranges fail the load with their errno: misaligned or empty
 *    (EINVAL), overlapping System RAM (EINVAL), already claimed (EBUSY,
 *    the PCI driver bound first)
 *  - the device describes itself (PHYS, contiguous, UC by default)
 *  - exact counts: 1 GiB under huge is one PUD insert
 *  - integrity UC and WC; WB is EINVAL (not RAM)
 *  - what it wrote is in the BAR: read back through the PCI backing
 */
#include <sys/syscall.h>

#include "fltest.h"

#define KO	"/opt/faultline/faultline.ko"

static char bdf[64];
static char override[160];

/* Load faultline.ko with @params; 0 or the errno of finit_module(). */
static int load(const char *params)
{
	int fd = open(KO, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		ret = errno;
	close(fd);
	return ret;
}

static void unload(void)
{
	syscall(SYS_delete_module, "faultline", O_NONBLOCK);
}

static void restore_lab(void)
{
	unload();
	fl_write_file(override, "\n");
	fl_sh("fl-module load");
}

static int bar2(uint64_t *start, uint64_t *len)
{
	unsigned long long s, e, f;
	char path[128], line[128];
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	for (i = 0; i <= 2 && fgets(line, sizeof(line), fp); i++)
		;
	fclose(fp);
	if (sscanf(line, "0x%llx 0x%llx 0x%llx", &s, &e, &f) != 3 || !s)
		return -1;
	*start = s;
	*len = e - s + 1;
	return 0;
}

/* The BAR must decode memory with no driver bound. */
static void ensure_decoding(void)
{
	char path[128];
	uint8_t cmd = 0;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && pread(fd, &cmd, 1, 4) == 1 && !(cmd & 0x2)) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", bdf);
		fl_write_file(path, "1");
	}
	if (fd >= 0)
		close(fd);
}

static void bad_loads(uint64_t start, uint64_t size)
{
	char p[128];

	unload();
	snprintf(p, sizeof(p), "phys_base=%#llx phys_size=%#llx",
		 (unsigned long long)(start + PAGE), (unsigned long long)size);
	KTAP_EXPECT_EQ_U64(load(p), EINVAL, "load, phys_base not naturally aligned: EINVAL");
	snprintf(p, sizeof(p), "phys_base=%#llx phys_size=0",
		 (unsigned long long)start);
	KTAP_EXPECT_EQ_U64(load(p), EINVAL, "load, phys_size=0: EINVAL");
	KTAP_EXPECT_EQ_U64(load("phys_base=0x200000 phys_size=0x200000"), EINVAL,
			   "load, a range of System RAM: EINVAL");
	snprintf(p, sizeof(p), "phys_base=%#llx phys_size=%#llx",
		 (unsigned long long)start, (unsigned long long)size);
	KTAP_EXPECT_EQ_U64(load(p), EBUSY,
			   "load, a range the PCI backing claimed first: EBUSY");
	unload();
}

int main(void)
{
	uint64_t start, len, size, want[FL_CNT_NR] = { 0 };
	volatile uint64_t *p;
	struct fl_info info;
	char dev[64], params[128];
	const char *b = fl_bar_bdf();
	int fd, err;

	ktap_start(0);
	if (!b)
		ktap_exit_skip("FL_BAR_BDF is not set (not in the lab?)");
	snprintf(bdf, sizeof(bdf), "%s", b);
	snprintf(override, sizeof(override),
		 "/sys/bus/pci/devices/%s/driver_override", bdf);
	if (bar2(&start, &len))
		ktap_bail("cannot read BAR2 of %s", bdf);
	size = len < 2 * GiB ? len : 2 * GiB;
	atexit(restore_lab);

	bad_loads(start, size);

	if (fl_write_file(override, "none"))
		ktap_bail("cannot keep %s from binding", bdf);
	ensure_decoding();
	snprintf(params, sizeof(params), "phys_base=%#llx phys_size=%#llx",
		 (unsigned long long)start, (unsigned long long)size);
	err = load(params);
	if (err)
		ktap_bail("load %s: %s", params, strerror(err));

	fd = fl_open_backing(FL_BACKING_PHYS, 0, dev, sizeof(dev));
	if (fd < 0 || fl_info(fd, &info))
		ktap_bail("no physical-range faultline device");
	KTAP_EXPECT(fl_find_backing(FL_BACKING_PCI, 0, NULL, 0) < 0,
		    "the PCI backing did not bind");
	KTAP_EXPECT_EQ_U64(info.phys_base, start, "phys_base");
	KTAP_EXPECT_EQ_U64(info.bar_size, size, "size");
	KTAP_EXPECT(info.features & FL_FEAT_CONTIGUOUS, "contiguous");
	KTAP_EXPECT_EQ_U64(info.default_cache, FL_CACHE_UC, "default caching: UC");
	KTAP_EXPECT_ERRNO(fl_try_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, FL_CACHE_WB) == -1,
			EINVAL, "write-back: EINVAL");

	if (size >= GiB && fl_huge_supported(fd, FL_ORDER_PUD) &&
	    !fl_set(fd, FL_STRAT_HUGE, FL_ORDER_PUD, 0, 0) && !fl_reset(fd) &&
	    (p = fl_map(fd, GiB, 0, GiB, 0)) != MAP_FAILED) {
		fl_write_sweep(p, GiB, PAGE, 60);
		want[FL_CNT_MMAP] = 1;
		want[FL_CNT_HUGE_FAULT_PUD] = 1;
		want[FL_CNT_INSERT_PUD] = 1;
		fl_expect_counts(fd, FL_STRAT_HUGE, want, "phys huge 1 GiB");
		KTAP_EXPECT_EQ_U64(fl_check_sweep(p, GiB, PAGE, 60), 0,
				   "phys huge 1 GiB: reads back what it wrote");
		munmap((void *)p, GiB);
	} else {
		ktap_skip("phys huge 1 GiB: needs PUD PFNMAPs and a 1 GiB range");
	}
	close(fd);

	fl_roundtrip(dev, FL_STRAT_INSERT_PAGE, FL_CACHE_UC, FL_CACHE_UC,
		     GiB + 0 * MiB, 4 * MiB, 61, NULL, NULL);
	fl_roundtrip(dev, FL_STRAT_INSERT_PAGE, FL_CACHE_WC, FL_CACHE_UC,
		     GiB + 8 * MiB, 4 * MiB, 62, NULL, NULL);
	fl_roundtrip(dev, FL_STRAT_REMAP_MMAP, FL_CACHE_UC, FL_CACHE_UC,
		     GiB + 16 * MiB, 4 * MiB, 63, NULL, NULL);
	fl_roundtrip(dev, FL_STRAT_HUGE, FL_CACHE_WC, FL_CACHE_UC,
		     GiB + 32 * MiB, 4 * MiB, 64, NULL, NULL);

	/* Back to the PCI backing: the data is in the BAR. */
	unload();
	fl_write_file(override, "\n");
	err = load("");
	fd = err ? -1 : fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd >= 0 && !fl_set(fd, FL_STRAT_INSERT_PAGE, 0, 0, 0) &&
	    (p = fl_map(fd, 4 * MiB, GiB + 8 * MiB, 0, 0)) != MAP_FAILED) {
		KTAP_EXPECT_EQ_U64(fl_check_fill(p, 4 * MiB, 62), 0,
				   "the PCI backing reads what the physical range wrote");
		munmap((void *)p, 4 * MiB);
	} else {
		ktap_result(0, "PCI backing again (%s)", err ? strerror(err) : "no device");
	}
	if (fd >= 0)
		close(fd);
	return ktap_finish();
}
