// SPDX-License-Identifier: GPL-2.0
/*
 * anon.c - targets "anon" (private anonymous memory in 4 KiB pages,
 * MADV_NOHUGEPAGE) and "thp" (MADV_HUGEPAGE, 2 MiB aligned): the
 * non-PFNMAP baselines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flbench.h"
#include "mem.h"
#include "units.h"

struct fl_anon {
	bool thp;
	int node;
};

uint64_t fl_mem_needed(const struct fl_opts *o, uint64_t size)
{
	switch (o->scenario) {
	case FL_SCEN_TPUT:
	case FL_SCEN_FIO:
		return size;
	case FL_SCEN_CHURN:
		return o->chunk * (uint64_t)o->threads * (o->fork ? 2 : 1);
	default:
		return o->access == FL_ACC_WRITE ? size : 0;
	}
}

int fl_mem_check(uint64_t need, char *why, size_t len)
{
	char line[256], b1[32], b2[32];
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	if (kb && need > kb * 1024 / 10 * 9) {
		fl_why(why, len,
		       "the case needs %s of RAM, MemAvailable is %s (use a smaller --size)",
		       fl_fmt_size_h(need, b1, sizeof(b1)),
		       fl_fmt_size_h(kb * 1024, b2, sizeof(b2)));
		return FL_UNSUPPORTED;
	}
	return 0;
}

int fl_mem_node(const struct fl_opts *o)
{
	if (o->mem_node >= 0)
		return o->mem_node;
	if (o->placement == FL_PLACE_LOCAL || o->placement == FL_PLACE_REMOTE)
		return fl_numa_ok() ? 0 : -1;
	return -1;
}

static bool fl_anon_match(const char *spec)
{
	return !strcmp(spec, "anon");
}

static bool fl_thp_match(const char *spec)
{
	return !strcmp(spec, "thp");
}

static int fl_anon_open(struct fl_target *t, const char *spec,
			const struct fl_opts *o, char *why, size_t len)
{
	struct fl_anon *p;
	char mode[128] = "";
	bool thp = !strcmp(spec, "thp");
	int ret;

	if (thp) {
		if (fl_read_file("/sys/kernel/mm/transparent_hugepage/enabled",
				 mode, sizeof(mode))) {
			fl_why(why, len,
			       "THP not available (no /sys/kernel/mm/transparent_hugepage)");
			return FL_UNSUPPORTED;
		}
		if (strstr(mode, "[never]")) {
			fl_why(why, len,
			       "THP is disabled (transparent_hugepage/enabled is never)");
			return FL_UNSUPPORTED;
		}
	}
	t->default_size = o->scenario == FL_SCEN_REVOKE ? 64 * FL_MIB : FL_GIB;
	ret = fl_mem_check(fl_mem_needed(o, o->size ? o->size : t->default_size),
			   why, len);
	if (ret)
		return ret;
	p = fl_xcalloc(1, sizeof(*p));
	p->thp = thp;
	p->node = fl_mem_node(o);
	t->priv = p;
	t->numa_node = p->node;
	t->map_align = thp ? 2 * FL_MIB : FL_PAGE_SIZE;
	t->ram = true;
	snprintf(t->desc, sizeof(t->desc), "%s",
		 thp ? "anonymous memory, MADV_HUGEPAGE" :
		 "anonymous memory, MADV_NOHUGEPAGE (4 KiB pages)");
	if (p->node >= 0)
		snprintf(t->desc + strlen(t->desc),
			 sizeof(t->desc) - strlen(t->desc), ", NUMA node %d",
			 p->node);
	return 0;
}

static int fl_anon_map(struct fl_target *t, void *addr, uint64_t off,
		       uint64_t len, char *why, size_t wlen)
{
	struct fl_anon *p = t->priv;

	(void)off;
	if (mmap(addr, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
		 0) == MAP_FAILED)
		return fl_sys(why, wlen, errno, "mmap", "anonymous, %llu bytes",
			      (unsigned long long)len);
	if (madvise(addr, len, p->thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		return fl_sys(why, wlen, errno, "madvise", "%p, %llu, %s", addr,
			      (unsigned long long)len,
			      p->thp ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE");
	return fl_numa_bind_range(addr, len, p->node, why, wlen) ? -1 : 0;
}

static void fl_anon_close(struct fl_target *t)
{
	free(t->priv);
	t->priv = NULL;
}

static void fl_anon_json(struct fl_target *t, struct fl_json *j)
{
	struct fl_anon *p = t->priv;

	fl_json_str(j, "madvise", p->thp ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE");
	fl_json_i64(j, "bound_node", p->node);
}

static void fl_anon_list(FILE *f)
{
	fprintf(f, "    anon  available\n");
}

static void fl_thp_list(FILE *f)
{
	char mode[128];

	if (fl_read_file("/sys/kernel/mm/transparent_hugepage/enabled", mode,
			 sizeof(mode)))
		fprintf(f, "    thp  unsupported: no transparent_hugepage in sysfs\n");
	else if (strstr(mode, "[never]"))
		fprintf(f, "    thp  unsupported: THP disabled (%s)\n", mode);
	else
		fprintf(f, "    thp  available (enabled: %s)\n", mode);
}

const struct fl_target_ops fl_tgt_anon = {
	.kind = "anon",
	.syntax = "anon",
	.help = "private anonymous memory, 4 KiB pages",
	.match = fl_anon_match,
	.open = fl_anon_open,
	.map = fl_anon_map,
	.close = fl_anon_close,
	.json = fl_anon_json,
	.list = fl_anon_list,
};

const struct fl_target_ops fl_tgt_thp = {
	.kind = "thp",
	.syntax = "thp",
	.help = "private anonymous memory with transparent huge pages",
	.match = fl_thp_match,
	.open = fl_anon_open,
	.map = fl_anon_map,
	.close = fl_anon_close,
	.json = fl_anon_json,
	.list = fl_thp_list,
};
