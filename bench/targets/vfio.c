// SPDX-License-Identifier: GPL-2.0
/*
 * vfio.c - target "vfio:BDF[/barN]": the same BAR through upstream
 * vfio-pci, the kernel's own implementation (huge_fault from 6.12) as the
 * reference peer.  Uses a VFIO group in a type1 container; the BAR is
 * mapped at the region offset VFIO_DEVICE_GET_REGION_INFO returns.
 * "Revoke" clears the memory-enable bit of the command register, which
 * makes vfio-pci zap every mapping of the BARs and SIGBUS further faults
 * until it is set again, as on a device reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flbench.h"
#include "units.h"

extern char **environ;

struct fl_vfio {
	int container, group, dev;
	int bar;
	char bdf[32];
	char orig_driver[64];
	bool rebound;
	uint64_t region_off;
	uint64_t cfg_off;
	uint16_t cmd;
	char iommu[16];
};

static bool fl_vfio_match(const char *spec)
{
	return !strncmp(spec, "vfio:", 5);
}

/* Run "modprobe vfio-pci" if a modprobe exists; its result is not trusted. */
static void fl_vfio_modprobe(void)
{
	char *argv[] = { "modprobe", "vfio-pci", NULL };
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ))
		return;
	waitpid(pid, &st, 0);
}

static int fl_vfio_bind(struct fl_vfio *p, const struct fl_opts *o,
			char *why, size_t len)
{
	char cur[64];

	fl_pci_driver(p->bdf, cur, sizeof(cur));
	if (!strcmp(cur, "vfio-pci"))
		return 0;
	if (!fl_may_rebind(o))
		return fl_why(why, len,
			      "%s is bound to %s, not vfio-pci; bind it (driver_override) or run as root with --rebind yes",
			      p->bdf, cur[0] ? cur : "no driver");
	if (access("/sys/bus/pci/drivers/vfio-pci", F_OK))
		fl_vfio_modprobe();
	if (access("/sys/bus/pci/drivers/vfio-pci", F_OK))
		return fl_why(why, len,
			      "vfio-pci is not loaded (no /sys/bus/pci/drivers/vfio-pci) and modprobe vfio-pci did not load it");
	snprintf(p->orig_driver, sizeof(p->orig_driver), "%s", cur);
	if (fl_pci_bind(p->bdf, "vfio-pci", why, len)) {
		char w2[FL_WHY_LEN];

		fl_pci_restore(p->bdf, p->orig_driver, w2, sizeof(w2));
		return -1;
	}
	p->rebound = true;
	return 0;
}

static int fl_vfio_cmd(struct fl_vfio *p, bool write, uint16_t *cmd,
		       char *why, size_t len)
{
	ssize_t n;

	if (write)
		n = pwrite(p->dev, cmd, 2, (off_t)(p->cfg_off + PCI_COMMAND));
	else
		n = pread(p->dev, cmd, 2, (off_t)(p->cfg_off + PCI_COMMAND));
	if (n != 2)
		return fl_sys(why, len, n < 0 ? errno : EIO,
			      write ? "pwrite" : "pread",
			      "%s config space, PCI_COMMAND", p->bdf);
	return 0;
}

static int fl_vfio_setup(struct fl_target *t, struct fl_vfio *p, char *why,
			 size_t len)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	char path[160], link[PATH_MAX], *g;
	uint64_t best = 0;
	ssize_t n;
	int i, type;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 p->bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return fl_why(why, len,
			      "%s has no IOMMU group (%s missing): boot with an IOMMU (intel_iommu=on; the lab adds -device intel-iommu)",
			      p->bdf, path);
	link[n] = '\0';
	g = strrchr(link, '/');
	g = g ? g + 1 : link;

	p->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (p->container < 0)
		return fl_sys(why, len, errno, "open", "/dev/vfio/vfio");
	if (ioctl(p->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return fl_why(why, len, "VFIO API version mismatch");
	if (ioctl(p->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0) {
		type = VFIO_TYPE1v2_IOMMU;
		snprintf(p->iommu, sizeof(p->iommu), "type1v2");
	} else if (ioctl(p->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0) {
		type = VFIO_TYPE1_IOMMU;
		snprintf(p->iommu, sizeof(p->iommu), "type1");
	} else {
		return fl_why(why, len,
			      "the VFIO container offers no type1 IOMMU (vfio_iommu_type1 not loaded?)");
	}
	snprintf(path, sizeof(path), "/dev/vfio/%.32s", g);
	p->group = open(path, O_RDWR | O_CLOEXEC);
	if (p->group < 0)
		return fl_sys(why, len, errno, "open", "%s", path);
	if (ioctl(p->group, VFIO_GROUP_GET_STATUS, &gs))
		return fl_sys(why, len, errno, "ioctl", "%s, VFIO_GROUP_GET_STATUS",
			      path);
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		return fl_why(why, len,
			      "IOMMU group %s is not viable: another device of the group is bound to a host driver",
			      g);
	if (ioctl(p->group, VFIO_GROUP_SET_CONTAINER, &p->container))
		return fl_sys(why, len, errno, "ioctl",
			      "%s, VFIO_GROUP_SET_CONTAINER", path);
	if (ioctl(p->container, VFIO_SET_IOMMU, type))
		return fl_sys(why, len, errno, "ioctl", "VFIO_SET_IOMMU %s",
			      p->iommu);
	p->dev = ioctl(p->group, VFIO_GROUP_GET_DEVICE_FD, p->bdf);
	if (p->dev < 0)
		return fl_sys(why, len, errno, "ioctl",
			      "%s, VFIO_GROUP_GET_DEVICE_FD %s", path, p->bdf);

	/* The requested BAR, or the largest mmap-capable one. */
	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		if (p->bar >= 0 && i != p->bar)
			continue;
		memset(&ri, 0, sizeof(ri));
		ri.argsz = sizeof(ri);
		ri.index = (uint32_t)i;
		if (ioctl(p->dev, VFIO_DEVICE_GET_REGION_INFO, &ri))
			return fl_sys(why, len, errno, "ioctl",
				      "VFIO_DEVICE_GET_REGION_INFO BAR%d", i);
		if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
			if (p->bar >= 0)
				return fl_why(why, len,
					      "BAR%d of %s cannot be mmap'ed through vfio (size %llu, flags 0x%x)",
					      i, p->bdf,
					      (unsigned long long)ri.size, ri.flags);
			continue;
		}
		if (ri.size > best) {
			best = ri.size;
			p->region_off = ri.offset;
			p->bar = i;
		}
	}
	if (!best)
		return fl_why(why, len, "%s has no mmap-capable BAR", p->bdf);
	t->size = best;

	memset(&ri, 0, sizeof(ri));
	ri.argsz = sizeof(ri);
	ri.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(p->dev, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return fl_sys(why, len, errno, "ioctl",
			      "VFIO_DEVICE_GET_REGION_INFO config");
	p->cfg_off = ri.offset;
	if (fl_vfio_cmd(p, false, &p->cmd, why, len))
		return -1;
	if (!(p->cmd & PCI_COMMAND_MEMORY)) {
		p->cmd |= PCI_COMMAND_MEMORY;
		if (fl_vfio_cmd(p, true, &p->cmd, why, len))
			return -1;
	}
	return 0;
}

static void fl_vfio_release(struct fl_vfio *p)
{
	char why[FL_WHY_LEN];

	if (p->dev >= 0)
		close(p->dev);
	if (p->group >= 0)
		close(p->group);
	if (p->container >= 0)
		close(p->container);
	p->dev = p->group = p->container = -1;
	if (p->rebound && fl_pci_restore(p->bdf, p->orig_driver, why,
					 sizeof(why)))
		fl_warn("rebinding %s to %s: %s", p->bdf,
			p->orig_driver[0] ? p->orig_driver : "no driver", why);
	p->rebound = false;
}

static int fl_vfio_open(struct fl_target *t, const char *spec,
			const struct fl_opts *o, char *why, size_t len)
{
	struct fl_vfio *p = fl_xcalloc(1, sizeof(*p));
	const char *barp;
	char path[128], nb[32];
	uint64_t node;
	int bar = -1, ret;

	p->container = p->group = p->dev = -1;
	t->priv = p;
	ret = fl_resolve_bdf(spec + 5, p->bdf, sizeof(p->bdf), &bar, why, len);
	if (ret)
		goto fail;
	barp = strstr(spec + 5, "/bar");
	p->bar = barp ? atoi(barp + 4) : bar;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", p->bdf);
	if (access(path, F_OK)) {
		fl_sys(why, len, errno, "access", "%s", path);
		goto unsupported;
	}
	if (access("/dev/vfio", F_OK) && fl_may_rebind(o))
		fl_vfio_modprobe();
	if (fl_vfio_bind(p, o, why, len))
		goto unsupported;
	ret = fl_vfio_setup(t, p, why, len);
	if (ret)
		goto unsupported;
	snprintf(t->bdf, sizeof(t->bdf), "%s", p->bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", p->bdf);
	if (!fl_read_u64(path, &node) && node < 1024)
		t->numa_node = (int)node;
	t->map_align = FL_GIB;
	while (t->map_align > FL_PAGE_SIZE && t->map_align > t->size)
		t->map_align /= 2;
	snprintf(t->desc, sizeof(t->desc), "vfio-pci %s BAR%d (%s), %s", p->bdf,
		 p->bar, fl_fmt_size(t->size, nb, sizeof(nb)), p->iommu);
	return 0;
unsupported:
	ret = FL_UNSUPPORTED;
fail:
	fl_vfio_release(p);
	free(p);
	t->priv = NULL;
	return ret;
}

static int fl_vfio_map(struct fl_target *t, void *addr, uint64_t off,
		       uint64_t len, char *why, size_t wlen)
{
	struct fl_vfio *p = t->priv;

	if (mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 p->dev, (off_t)(p->region_off + off)) == MAP_FAILED)
		return fl_sys(why, wlen, errno, "mmap",
			      "vfio %s BAR%d, %llu bytes at offset %llu", p->bdf,
			      p->bar, (unsigned long long)len,
			      (unsigned long long)off);
	return 0;
}

static int fl_vfio_revoke(struct fl_target *t, uint64_t *zapped, char *why,
			  size_t len)
{
	struct fl_vfio *p = t->priv;
	uint16_t cmd = p->cmd & ~PCI_COMMAND_MEMORY;

	*zapped = 0;	/* vfio does not say */
	return fl_vfio_cmd(p, true, &cmd, why, len);
}

static int fl_vfio_restore(struct fl_target *t, char *why, size_t len)
{
	struct fl_vfio *p = t->priv;
	uint16_t cmd = p->cmd | PCI_COMMAND_MEMORY;

	return fl_vfio_cmd(p, true, &cmd, why, len);
}

static void fl_vfio_close(struct fl_target *t)
{
	struct fl_vfio *p = t->priv;

	if (!p)
		return;
	fl_vfio_release(p);
	free(p);
	t->priv = NULL;
}

static void fl_vfio_json(struct fl_target *t, struct fl_json *j)
{
	struct fl_vfio *p = t->priv;

	fl_json_str(j, "bdf", p->bdf);
	fl_json_i64(j, "bar", p->bar);
	fl_json_str(j, "iommu", p->iommu);
	fl_json_str(j, "original_driver", p->orig_driver[0] ? p->orig_driver :
		    NULL);
	fl_json_bool(j, "rebound", p->rebound);
}

static void fl_vfio_list(FILE *f)
{
	bool drv = !access("/sys/bus/pci/drivers/vfio-pci", F_OK);
	bool dev = !access("/dev/vfio/vfio", F_OK);

	if (drv && dev)
		fprintf(f, "    vfio:BDF[/barN]  vfio-pci loaded\n");
	else
		fprintf(f, "    vfio:BDF[/barN]  %s\n",
			dev ? "vfio-pci driver not loaded (flbench loads and binds it with --rebind yes as root)" :
			"unsupported: no /dev/vfio/vfio (vfio not loaded or no IOMMU)");
}

const struct fl_target_ops fl_tgt_vfio = {
	.kind = "vfio",
	.syntax = "vfio:BDF[/barN]",
	.help = "the BAR through upstream vfio-pci (type1 container)",
	.match = fl_vfio_match,
	.open = fl_vfio_open,
	.map = fl_vfio_map,
	.revoke = fl_vfio_revoke,
	.restore = fl_vfio_restore,
	.close = fl_vfio_close,
	.json = fl_vfio_json,
	.list = fl_vfio_list,
};
