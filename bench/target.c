// SPDX-License-Identifier: GPL-2.0
/*
 * target.c - what every target shares: lookup by name, aligned mappings,
 * PCI addresses and driver binding.
 */
#include <ctype.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "flbench.h"
#include "units.h"

extern const struct fl_target_ops fl_tgt_faultline, fl_tgt_vfio,
	fl_tgt_sysfs, fl_tgt_anon, fl_tgt_thp, fl_tgt_hugetlb;

const struct fl_target_ops *const fl_targets[] = {
	&fl_tgt_faultline, &fl_tgt_vfio, &fl_tgt_sysfs, &fl_tgt_anon,
	&fl_tgt_thp, &fl_tgt_hugetlb, NULL,
};

int fl_target_open(struct fl_target *t, const struct fl_opts *o, char *why,
		   size_t len)
{
	const struct fl_target_ops *const *p;
	int ret;

	memset(t, 0, sizeof(*t));
	t->numa_node = -1;
	t->default_strategy = -1;
	t->max_order = -1;
	t->map_align = FL_PAGE_SIZE;
	t->min_map = FL_PAGE_SIZE;
	t->can_misalign = true;
	snprintf(t->spec, sizeof(t->spec), "%s", o->target);
	for (p = fl_targets; *p; p++) {
		if (!(*p)->match(o->target))
			continue;
		t->ops = *p;
		if (o->strategy[0] && strcmp((*p)->kind, "faultline"))
			return fl_why(why, len,
				      "--strategy applies to faultline targets only, not to %s",
				      o->target);
		ret = (*p)->open(t, o->target, o, why, len);
		if (ret)
			t->ops = NULL;
		t->is_open = !ret;
		return ret;
	}
	return fl_why(why, len,
		      "unknown target '%s' (use faultline:/dev/faultlineN, vfio:BDF, sysfs:BDF/resourceN, anon, thp, hugetlb:2M or hugetlb:1G)",
		      o->target);
}

void fl_target_close(struct fl_target *t)
{
	if (t->is_open && t->ops->close)
		t->ops->close(t);
	t->is_open = false;
}

/*
 * The alignment units a mapping of @len at @addr touches: the mapping and
 * the PROT_NONE guard around it that keeps other mappings out of them.
 */
static void fl_target_units(const struct fl_target *t, uint64_t addr,
			    uint64_t len, uint64_t *start, uint64_t *end)
{
	*start = fl_align_down(addr, t->map_align);
	*end = fl_align_up(addr + len, t->map_align);
}

void *fl_target_map(struct fl_target *t, uint64_t off, uint64_t len,
		    bool misalign, char *why, size_t wlen)
{
	uint64_t align = t->map_align, span, base, addr, start, end, res;
	char b[32];
	void *r;

	/* Reserve enough address space to place the mapping as we want. */
	addr = off % align + (misalign ? FL_PAGE_SIZE : 0);
	span = fl_align_up(addr + len, align) + align;
	r = mmap(NULL, span, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED) {
		fl_sys(why, wlen, errno, "mmap", "reserve %s of address space",
		       fl_fmt_size(span, b, sizeof(b)));
		return NULL;
	}
	res = (uint64_t)(uintptr_t)r;
	base = fl_align_up(res, align);
	/* Same offset within the alignment unit as the target offset. */
	addr += base;
	if (t->ops->map(t, (void *)(uintptr_t)addr, off, len, why, wlen)) {
		munmap(r, span);
		return NULL;
	}
	/*
	 * Give back the reservation outside the units the mapping touches
	 * and keep the rest as a guard: another mapping in one of them would
	 * have page tables there, and the kernel then never offers the
	 * driver a huge fault at that level (the counts would depend on
	 * where the C library put its mappings).
	 */
	fl_target_units(t, addr, len, &start, &end);
	if (start > res)
		munmap(r, start - res);
	if (res + span > end)
		munmap((void *)(uintptr_t)end, res + span - end);
	return (void *)(uintptr_t)addr;
}

int fl_target_unmap(const struct fl_target *t, void *addr, uint64_t len,
		    char *why, size_t wlen)
{
	uint64_t start, end;

	if (!addr)
		return 0;
	fl_target_units(t, (uint64_t)(uintptr_t)addr, len, &start, &end);
	if (munmap((void *)(uintptr_t)start, end - start))
		return fl_sys(why, wlen, errno, "munmap", "%p, %llu (with its guard: %#llx, %llu)",
			      addr, (unsigned long long)len,
			      (unsigned long long)start,
			      (unsigned long long)(end - start));
	return 0;
}

static bool fl_is_bdf(const char *s)
{
	unsigned int d, b, dv, f;
	char tail;

	return sscanf(s, "%x:%x:%x.%x%c", &d, &b, &dv, &f, &tail) == 4;
}

void fl_chardev_bdf(const char *dev, char *bdf, size_t blen)
{
	char link[PATH_MAX], path[128], *base;
	struct stat st;
	ssize_t n;

	bdf[0] = '\0';
	if (stat(dev, &st) || !S_ISCHR(st.st_mode))
		return;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (fl_is_bdf(base))
		snprintf(bdf, blen, "%s", base);
}

int fl_resolve_bdf(const char *s, char *bdf, size_t blen, int *bar,
		   char *why, size_t len)
{
	unsigned int d = 0, b, dv, f;
	char dev[64], name[64] = "";
	const char *slash;
	struct fl_info info;
	int fd;

	*bar = -1;
	if (s[0] == '@') {
		/* The device behind /dev/faultlineN, and the BAR it maps. */
		snprintf(dev, sizeof(dev), "/dev/%.*s",
			 (int)strcspn(s + 1, "/"), s + 1);
		fl_chardev_bdf(dev, bdf, blen);
		fd = open(dev, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			memset(&info, 0, sizeof(info));
			info.size = sizeof(info);
			if (!ioctl(fd, FL_IOC_GET_INFO, &info)) {
				snprintf(name, sizeof(name), "%.*s",
					 (int)sizeof(info.name), info.name);
				if (strstr(name, "/bar"))
					*bar = atoi(strstr(name, "/bar") + 4);
				if (!bdf[0] && strchr(name, '/')) {
					name[strcspn(name, "/")] = '\0';
					if (fl_is_bdf(name))
						snprintf(bdf, blen, "%s", name);
				}
			}
			close(fd);
		} else if (!bdf[0]) {
			fl_sys(why, len, errno, "open", "%s (from %s)", dev, s);
			return FL_UNSUPPORTED;
		}
		if (!bdf[0]) {
			fl_why(why, len, "%s is not backed by a PCI device", dev);
			return FL_UNSUPPORTED;
		}
		return 0;
	}
	slash = strchr(s, '/');
	snprintf(dev, sizeof(dev), "%.*s",
		 (int)(slash ? (size_t)(slash - s) : strlen(s)), s);
	if (sscanf(dev, "%x:%x:%x.%x", &d, &b, &dv, &f) == 4 ||
	    (d = 0, sscanf(dev, "%x:%x.%x", &b, &dv, &f) == 3)) {
		snprintf(bdf, blen, "%04x:%02x:%02x.%x", d, b, dv, f);
		return 0;
	}
	return fl_why(why, len,
		      "invalid PCI address '%s' (use DDDD:BB:DD.F, BB:DD.F or @faultlineN)",
		      dev);
}

void fl_pci_driver(const char *bdf, char *drv, size_t len)
{
	char path[128], link[PATH_MAX], *base;
	ssize_t n;

	drv[0] = '\0';
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(drv, len, "%s", base ? base + 1 : link);
}

bool fl_may_rebind(const struct fl_opts *o)
{
	if (o->rebind >= 0)
		return o->rebind;
	return geteuid() == 0 && !strcmp(getenv("FL_LAB") ? getenv("FL_LAB") : "",
					 "1");
}

int fl_pci_bind(const char *bdf, const char *driver, char *why, size_t len)
{
	char path[160], cur[64];
	int ret;

	fl_pci_driver(bdf, cur, sizeof(cur));
	if (!strcmp(cur, driver))
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	/* An empty override ("\n") lets the device match its own driver. */
	ret = fl_write_file(path, driver[0] ? driver : "\n");
	if (ret)
		return fl_sys(why, len, -ret, "write", "%s <- '%s'", path, driver);
	if (cur[0]) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind",
			 bdf);
		ret = fl_write_file(path, bdf);
		if (ret)
			return fl_sys(why, len, -ret, "write", "%s <- %s", path, bdf);
	}
	if (!driver[0])
		return 0;
	ret = fl_write_file("/sys/bus/pci/drivers_probe", bdf);
	if (ret)
		return fl_sys(why, len, -ret, "write",
			      "/sys/bus/pci/drivers_probe <- %s", bdf);
	fl_pci_driver(bdf, cur, sizeof(cur));
	if (strcmp(cur, driver))
		return fl_why(why, len,
			      "%s did not bind to %s after driver_override and drivers_probe (bound to '%s')",
			      bdf, driver, cur);
	return 0;
}

int fl_pci_restore(const char *bdf, const char *orig, char *why, size_t len)
{
	char path[160];
	int ret;

	ret = fl_pci_bind(bdf, orig, why, len);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	/* Leave no override behind. */
	if (fl_write_file(path, "\n") && !ret)
		return fl_sys(why, len, errno, "write", "%s <- ''", path);
	return ret;
}
