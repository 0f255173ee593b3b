// SPDX-License-Identifier: GPL-2.0
/*
 * faultline.c - target "faultline:/dev/faultlineN": the faultline driver,
 * with the strategy, huge-page cap, window and caching chosen per open
 * file (FL_IOC_SET_STRATEGY) before mmap, exact counters, fault injection
 * and revoke/restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flbench.h"
#include "units.h"

struct fl_fltgt {
	int fd;
	char dev[128];
	struct fl_info info;
	struct fl_strategy strat;
	bool inject_set;
	struct fl_inject inject_saved;
};

static const char *fl_backing_name(unsigned int b)
{
	static const char *const n[] = { "pci", "ram", "phys" };

	return b < FL_BACKING_NR ? n[b] : "unknown";
}

static bool fl_fltgt_match(const char *spec)
{
	return !strncmp(spec, "faultline:", 10);
}

static int fl_fltgt_ioctl(struct fl_fltgt *p, unsigned long req,
			  const char *name, void *arg, char *why, size_t len)
{
	if (ioctl(p->fd, req, arg))
		return fl_sys(why, len, errno, "ioctl", "%s, %s", p->dev, name);
	return 0;
}

/* Apply --strategy/--max-order/--window/--cache on top of the file's defaults. */
static int fl_fltgt_strategy(struct fl_target *t, struct fl_fltgt *p,
			     const struct fl_opts *o, char *why, size_t len)
{
	int s, e;

	memset(&p->strat, 0, sizeof(p->strat));
	p->strat.size = sizeof(p->strat);
	if (fl_fltgt_ioctl(p, FL_IOC_GET_STRATEGY, "FL_IOC_GET_STRATEGY",
			   &p->strat, why, len))
		return -1;
	if (o->strategy[0]) {
		s = fl_strategy_parse(o->strategy);
		p->strat.strategy = (unsigned int)s;
	}
	if (o->max_order >= 0)
		p->strat.max_order = (unsigned int)o->max_order;
	if (o->window)
		p->strat.window = (unsigned int)o->window;
	if (o->cache[0])
		p->strat.cache = (unsigned int)fl_cache_parse(o->cache);
	p->strat.size = sizeof(p->strat);
	p->strat.flags = 0;
	if (ioctl(p->fd, FL_IOC_SET_STRATEGY, &p->strat)) {
		e = errno;
		fl_sys(why, len, e, "ioctl",
		       "%s, FL_IOC_SET_STRATEGY strategy=%s max_order=%u window=%u cache=%s",
		       p->dev, fl_strategy_name(p->strat.strategy),
		       p->strat.max_order, p->strat.window,
		       fl_cache_name(p->strat.cache));
		/* The driver refuses what this kernel cannot do. */
		return e == EOPNOTSUPP ? FL_UNSUPPORTED : -1;
	}
	t->strategy = p->strat.strategy;
	return 0;
}

static int fl_fltgt_inject(struct fl_fltgt *p, const struct fl_opts *o,
			   char *why, size_t len)
{
	struct fl_inject in;

	if (o->inject_delay_ns < 0 && o->inject_error_ppm < 0)
		return 0;
	memset(&p->inject_saved, 0, sizeof(p->inject_saved));
	p->inject_saved.size = sizeof(p->inject_saved);
	if (fl_fltgt_ioctl(p, FL_IOC_GET_INJECT, "FL_IOC_GET_INJECT",
			   &p->inject_saved, why, len))
		return -1;
	in = p->inject_saved;
	if (o->inject_delay_ns >= 0)
		in.delay_ns = (uint64_t)o->inject_delay_ns;
	if (o->inject_error_ppm >= 0)
		in.error_ppm = (uint32_t)o->inject_error_ppm;
	in.size = sizeof(in);
	if (ioctl(p->fd, FL_IOC_SET_INJECT, &in))
		return fl_sys(why, len, errno, "ioctl",
			      "%s, FL_IOC_SET_INJECT delay_ns=%llu error_ppm=%u",
			      p->dev, (unsigned long long)in.delay_ns,
			      in.error_ppm);
	p->inject_set = true;
	return 0;
}

static int fl_fltgt_open(struct fl_target *t, const char *spec,
			 const struct fl_opts *o, char *why, size_t len)
{
	struct fl_fltgt *p = fl_xcalloc(1, sizeof(*p));
	uint64_t align;
	int ret, e;

	t->priv = p;
	snprintf(p->dev, sizeof(p->dev), "%s", spec + 10);
	p->fd = open(p->dev, O_RDWR | O_CLOEXEC);
	if (p->fd < 0) {
		e = errno;
		fl_sys(why, len, e, "open", "%s", p->dev);
		if (e == ENOENT || e == ENXIO || e == ENODEV) {
			size_t l = strlen(why);

			snprintf(why + l, len - l, "%s",
				 access("/sys/module/faultline", F_OK) ?
				 " (the faultline module is not loaded)" :
				 " (no such faultline device)");
		}
		free(p);
		t->priv = NULL;
		return FL_UNSUPPORTED;
	}
	memset(&p->info, 0, sizeof(p->info));
	p->info.size = sizeof(p->info);
	ret = fl_fltgt_ioctl(p, FL_IOC_GET_INFO, "FL_IOC_GET_INFO", &p->info,
			     why, len);
	if (!ret && p->info.api_version != FL_API_VERSION)
		ret = fl_why(why, len,
			     "%s speaks faultline API %u, flbench was built for %u",
			     p->dev, p->info.api_version, FL_API_VERSION);
	if (!ret)
		ret = fl_fltgt_strategy(t, p, o, why, len);
	if (!ret)
		ret = fl_fltgt_inject(p, o, why, len);
	if (ret) {
		close(p->fd);
		free(p);
		t->priv = NULL;
		return ret;
	}
	t->size = p->info.bar_size;
	t->numa_node = p->info.numa_node;
	t->default_strategy = (int)p->info.default_strategy;
	t->max_order = (int)p->strat.max_order;
	t->window = p->strat.window;
	t->features = p->info.features;
	t->chunk_order = p->info.chunk_order;
	snprintf(t->path, sizeof(t->path), "%s", p->dev);
	fl_chardev_bdf(p->dev, t->bdf, sizeof(t->bdf));
	if (!t->bdf[0] && p->info.backing == FL_BACKING_PCI) {
		char name[40];

		snprintf(name, sizeof(name), "%.*s", (int)sizeof(p->info.name),
			 p->info.name);
		name[strcspn(name, "/")] = '\0';
		snprintf(t->bdf, sizeof(t->bdf), "%.31s", name);
	}
	/*
	 * Every strategy maps at a 1 GiB aligned address (or the largest
	 * power of two that fits): huge entries need it, and the others are
	 * then measured on the same layout.
	 */
	align = FL_GIB;
	while (align > FL_PAGE_SIZE && align > t->size)
		align /= 2;
	t->map_align = align;
	snprintf(t->desc, sizeof(t->desc),
		 "%s: %.*s, %s backing, strategy %s", p->dev,
		 (int)sizeof(p->info.name), p->info.name,
		 fl_backing_name(p->info.backing),
		 fl_strategy_name(t->strategy));
	return 0;
}

static int fl_fltgt_map(struct fl_target *t, void *addr, uint64_t off,
			uint64_t len, char *why, size_t wlen)
{
	struct fl_fltgt *p = t->priv;
	void *m;

	m = mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 p->fd, (off_t)off);
	if (m == MAP_FAILED)
		return fl_sys(why, wlen, errno, "mmap",
			      "%s, %llu bytes at offset %llu, strategy %s",
			      p->dev, (unsigned long long)len,
			      (unsigned long long)off,
			      fl_strategy_name(t->strategy));
	return 0;
}

static int fl_fltgt_counters(struct fl_target *t, struct fl_counters *c,
			     char *why, size_t len)
{
	struct fl_fltgt *p = t->priv;

	c->size = sizeof(*c);
	c->flags = 0;
	return fl_fltgt_ioctl(p, FL_IOC_GET_COUNTERS, "FL_IOC_GET_COUNTERS", c,
			      why, len);
}

static int fl_fltgt_revoke(struct fl_target *t, uint64_t *zapped, char *why,
			   size_t len)
{
	struct fl_fltgt *p = t->priv;
	struct fl_revoke r = { .size = sizeof(r) };

	if (fl_fltgt_ioctl(p, FL_IOC_REVOKE, "FL_IOC_REVOKE", &r, why, len))
		return -1;
	*zapped = r.zapped_pages;
	return 0;
}

static int fl_fltgt_restore(struct fl_target *t, char *why, size_t len)
{
	struct fl_fltgt *p = t->priv;
	struct fl_revoke r = { .size = sizeof(r) };

	return fl_fltgt_ioctl(p, FL_IOC_RESTORE, "FL_IOC_RESTORE", &r, why, len);
}

static void fl_fltgt_close(struct fl_target *t)
{
	struct fl_fltgt *p = t->priv;
	char why[FL_WHY_LEN];

	if (!p)
		return;
	if (p->inject_set) {
		p->inject_saved.size = sizeof(p->inject_saved);
		if (fl_fltgt_ioctl(p, FL_IOC_SET_INJECT, "FL_IOC_SET_INJECT",
				   &p->inject_saved, why, sizeof(why)))
			fl_warn("restoring fault injection: %s", why);
	}
	close(p->fd);
	free(p);
	t->priv = NULL;
}

static void fl_fltgt_json(struct fl_target *t, struct fl_json *j)
{
	struct fl_fltgt *p = t->priv;

	fl_json_str(j, "device", p->dev);
	fl_json_strf(j, "name", "%.*s", (int)sizeof(p->info.name), p->info.name);
	fl_json_str(j, "backing", fl_backing_name(p->info.backing));
	fl_json_u64(j, "bar_size", p->info.bar_size);
	fl_json_strf(j, "phys_base", "0x%llx",
		     (unsigned long long)p->info.phys_base);
	fl_json_u64(j, "chunk_order", p->info.chunk_order);
	fl_json_obj_begin(j, "features");
	fl_json_bool(j, "pmd_pfnmap", p->info.features & FL_FEAT_PMD_PFNMAP);
	fl_json_bool(j, "pud_pfnmap", p->info.features & FL_FEAT_PUD_PFNMAP);
	fl_json_bool(j, "follow_pfnmap", p->info.features & FL_FEAT_FOLLOW_PFNMAP);
	fl_json_bool(j, "contiguous", p->info.features & FL_FEAT_CONTIGUOUS);
	fl_json_obj_end(j);
	fl_json_str(j, "default_strategy",
		    fl_strategy_name(p->info.default_strategy));
	fl_json_obj_begin(j, "strategy");
	fl_json_str(j, "name", fl_strategy_name(p->strat.strategy));
	fl_json_u64(j, "max_order", p->strat.max_order);
	fl_json_u64(j, "window", p->strat.window);
	fl_json_str(j, "cache", fl_cache_name(p->strat.cache));
	fl_json_obj_end(j);
	if (p->inject_set) {
		struct fl_inject in = { .size = sizeof(in) };

		if (!ioctl(p->fd, FL_IOC_GET_INJECT, &in)) {
			fl_json_obj_begin(j, "inject");
			fl_json_u64(j, "delay_ns", in.delay_ns);
			fl_json_u64(j, "error_ppm", in.error_ppm);
			fl_json_obj_end(j);
		}
	}
}

static void fl_fltgt_list(FILE *f)
{
	char dev[32], bdf[32], sz[32];
	struct fl_info info;
	int i, fd, found = 0;

	for (i = 0; i < 64; i++) {
		snprintf(dev, sizeof(dev), "/dev/faultline%d", i);
		fd = open(dev, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		found++;
		if (ioctl(fd, FL_IOC_GET_INFO, &info)) {
			fprintf(f, "    faultline:%s  (FL_IOC_GET_INFO: %s)\n", dev,
				strerror(errno));
		} else {
			fl_chardev_bdf(dev, bdf, sizeof(bdf));
			fprintf(f, "    faultline:%s  %.*s, %s, %s%s%s, huge: %s%s\n",
				dev, (int)sizeof(info.name), info.name,
				fl_backing_name(info.backing),
				fl_fmt_size(info.bar_size, sz, sizeof(sz)),
				bdf[0] ? ", PCI " : "", bdf,
				info.features & FL_FEAT_PUD_PFNMAP ? "PUD+PMD" :
				info.features & FL_FEAT_PMD_PFNMAP ? "PMD" : "no",
				"");
		}
		close(fd);
	}
	if (!found)
		fprintf(f, "    faultline: unsupported: %s\n",
			access("/sys/module/faultline", F_OK) ?
			"the faultline module is not loaded" :
			"no /dev/faultlineN device");
}

const struct fl_target_ops fl_tgt_faultline = {
	.kind = "faultline",
	.syntax = "faultline:/dev/faultlineN",
	.help = "the faultline driver; --strategy, --max-order, --window, --cache",
	.match = fl_fltgt_match,
	.open = fl_fltgt_open,
	.map = fl_fltgt_map,
	.counters = fl_fltgt_counters,
	.revoke = fl_fltgt_revoke,
	.restore = fl_fltgt_restore,
	.close = fl_fltgt_close,
	.json = fl_fltgt_json,
	.list = fl_fltgt_list,
};
