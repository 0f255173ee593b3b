// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs.c - target "sysfs:BDF/resourceN[_wc]": the PCI core's mmap of a
 * BAR through sysfs, which remaps the whole range in mmap() (the
 * remap-mmap peer).  With CONFIG_IO_STRICT_DEVMEM the kernel refuses it
 * while a driver has claimed the BAR; then, when allowed to (--rebind),
 * flbench unbinds the driver, enables the device and binds it back after.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flbench.h"
#include "units.h"

struct fl_sysfs {
	int fd;
	char bdf[32];
	char res[32];
	char path[160];
	char orig_driver[64];
	bool unbound, enabled;
};

static bool fl_sysfs_match(const char *spec)
{
	return !strncmp(spec, "sysfs:", 6);
}

/* Try a one-page mapping: the kernel's checks happen at mmap time. */
static int fl_sysfs_probe(struct fl_sysfs *p)
{
	void *m = mmap(NULL, FL_PAGE_SIZE, PROT_READ, MAP_SHARED, p->fd, 0);

	if (m == MAP_FAILED)
		return -errno;
	munmap(m, FL_PAGE_SIZE);
	return 0;
}

static void fl_sysfs_release(struct fl_sysfs *p)
{
	char path[160], why[FL_WHY_LEN];

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->enabled) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable",
			 p->bdf);
		fl_write_file(path, "0");
		p->enabled = false;
	}
	if (p->unbound && fl_pci_restore(p->bdf, p->orig_driver, why,
					 sizeof(why)))
		fl_warn("rebinding %s to %s: %s", p->bdf, p->orig_driver, why);
	p->unbound = false;
}

static int fl_sysfs_open(struct fl_target *t, const char *spec,
			 const struct fl_opts *o, char *why, size_t len)
{
	struct fl_sysfs *p = fl_xcalloc(1, sizeof(*p));
	const char *slash = strchr(spec + 6, '/');
	char path[160], nb[32];
	struct stat st;
	uint64_t node;
	int bar = -1, err, ret;

	p->fd = -1;
	t->priv = p;
	ret = fl_resolve_bdf(spec + 6, p->bdf, sizeof(p->bdf), &bar, why, len);
	if (ret)
		goto fail;
	if (slash && spec[6] != '@')
		snprintf(p->res, sizeof(p->res), "%s", slash + 1);
	else if (slash && !strncmp(slash + 1, "resource", 8))
		snprintf(p->res, sizeof(p->res), "%s", slash + 1);
	else if (bar >= 0)
		snprintf(p->res, sizeof(p->res), "resource%d", bar);
	else {
		fl_why(why, len, "%s: name the BAR, e.g. sysfs:%s/resource2",
		       spec, p->bdf);
		goto unsupported;
	}
	if (strncmp(p->res, "resource", 8) || strchr(p->res, '/')) {
		fl_why(why, len, "%s: expected BDF/resourceN[_wc]", spec);
		goto unsupported;
	}
	snprintf(p->path, sizeof(p->path), "/sys/bus/pci/devices/%s/%s",
		 p->bdf, p->res);
	p->fd = open(p->path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (p->fd < 0) {
		fl_sys(why, len, errno, "open", "%s", p->path);
		goto unsupported;
	}
	if (fstat(p->fd, &st) || !st.st_size) {
		fl_why(why, len, "%s has no size (not a memory BAR)", p->path);
		goto unsupported;
	}
	t->size = (uint64_t)st.st_size;
	err = fl_sysfs_probe(p);
	if (err && fl_may_rebind(o)) {
		/* A driver has claimed the region: step it aside. */
		fl_pci_driver(p->bdf, p->orig_driver, sizeof(p->orig_driver));
		if (p->orig_driver[0]) {
			if (fl_pci_bind(p->bdf, "", why, len))
				goto unsupported;
			p->unbound = true;
		}
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable",
			 p->bdf);
		if (!fl_write_file(path, "1"))
			p->enabled = true;
		err = fl_sysfs_probe(p);
	}
	if (err) {
		fl_sys(why, len, -err, "mmap", "%s", p->path);
		if (-err == EINVAL || -err == EPERM || -err == EBUSY) {
			size_t l = strlen(why);

			fl_pci_driver(p->bdf, path, sizeof(path));
			snprintf(why + l, len - l,
				 " (the BAR is claimed by driver '%s' and the kernel has IO_STRICT_DEVMEM; allow flbench to unbind it with --rebind yes as root)",
				 path);
		}
		goto unsupported;
	}
	snprintf(t->bdf, sizeof(t->bdf), "%s", p->bdf);
	snprintf(t->path, sizeof(t->path), "%s", p->path);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", p->bdf);
	if (!fl_read_u64(path, &node) && node < 1024)
		t->numa_node = (int)node;
	t->map_align = FL_GIB;
	while (t->map_align > FL_PAGE_SIZE && t->map_align > t->size)
		t->map_align /= 2;
	snprintf(t->desc, sizeof(t->desc), "%s (%s)%s", p->path,
		 fl_fmt_size(t->size, nb, sizeof(nb)),
		 p->unbound ? ", driver unbound for the run" : "");
	return 0;
unsupported:
	ret = FL_UNSUPPORTED;
fail:
	fl_sysfs_release(p);
	free(p);
	t->priv = NULL;
	return ret;
}

static int fl_sysfs_map(struct fl_target *t, void *addr, uint64_t off,
			uint64_t len, char *why, size_t wlen)
{
	struct fl_sysfs *p = t->priv;

	if (mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 p->fd, (off_t)off) == MAP_FAILED)
		return fl_sys(why, wlen, errno, "mmap",
			      "%s, %llu bytes at offset %llu", p->path,
			      (unsigned long long)len, (unsigned long long)off);
	return 0;
}

static void fl_sysfs_close(struct fl_target *t)
{
	struct fl_sysfs *p = t->priv;

	if (!p)
		return;
	fl_sysfs_release(p);
	free(p);
	t->priv = NULL;
}

static void fl_sysfs_json(struct fl_target *t, struct fl_json *j)
{
	struct fl_sysfs *p = t->priv;

	fl_json_str(j, "path", p->path);
	fl_json_str(j, "original_driver", p->orig_driver[0] ? p->orig_driver :
		    NULL);
	fl_json_bool(j, "unbound", p->unbound);
}

static void fl_sysfs_list(FILE *f)
{
	fprintf(f, "    sysfs:BDF/resourceN  %s\n",
		access("/sys/bus/pci/devices", F_OK) ?
		"unsupported: no /sys/bus/pci" :
		"available for memory BARs not claimed by a driver (IO_STRICT_DEVMEM), or with --rebind yes");
}

const struct fl_target_ops fl_tgt_sysfs = {
	.kind = "sysfs",
	.syntax = "sysfs:BDF/resourceN[_wc]",
	.help = "the PCI core's sysfs mmap of a BAR (remap at mmap)",
	.match = fl_sysfs_match,
	.open = fl_sysfs_open,
	.map = fl_sysfs_map,
	.close = fl_sysfs_close,
	.json = fl_sysfs_json,
	.list = fl_sysfs_list,
};
