// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb.c - targets "hugetlb:2M" and "hugetlb:1G": MAP_HUGETLB memory
 * from the kernel's pool.  Missing pages are reserved by raising
 * nr_hugepages (as root) and the pool is put back as it was at the end.
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

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif

struct fl_hugetlb {
	uint64_t pagesz;
	char dir[128];
	uint64_t nr_orig;
	bool raised;
};

static bool fl_hugetlb_match(const char *spec)
{
	return !strncmp(spec, "hugetlb:", 8);
}

static int fl_hugetlb_reserve(struct fl_hugetlb *p, uint64_t need, char *why,
			      size_t len)
{
	char path[192], val[32], sz[32];
	uint64_t nr, freep, got;
	int ret;

	snprintf(path, sizeof(path), "%s/free_hugepages", p->dir);
	if (fl_read_u64(path, &freep))
		return fl_sys(why, len, errno, "read", "%s", path);
	if (freep >= need)
		return 0;
	fl_fmt_size(p->pagesz, sz, sizeof(sz));
	if (geteuid()) {
		fl_why(why, len,
		       "needs %llu free %s huge pages, %llu are free; as root: echo %llu > %s/nr_hugepages",
		       (unsigned long long)need, sz, (unsigned long long)freep,
		       (unsigned long long)need, p->dir);
		return FL_UNSUPPORTED;
	}
	snprintf(path, sizeof(path), "%s/nr_hugepages", p->dir);
	if (fl_read_u64(path, &nr))
		return fl_sys(why, len, errno, "read", "%s", path);
	p->nr_orig = nr;
	snprintf(val, sizeof(val), "%llu",
		 (unsigned long long)(nr + need - freep));
	ret = fl_write_file(path, val);
	p->raised = true;
	snprintf(path, sizeof(path), "%s/free_hugepages", p->dir);
	if (ret || fl_read_u64(path, &got) || got < need) {
		fl_why(why, len,
		       "needs %llu free %s huge pages; raising nr_hugepages to %s left %llu free (not enough contiguous memory: reserve them at boot with hugepagesz=%s hugepages=%llu)",
		       (unsigned long long)need, sz, val,
		       (unsigned long long)(ret ? freep : got), sz,
		       (unsigned long long)need);
		return FL_UNSUPPORTED;
	}
	return 0;
}

static void fl_hugetlb_release(struct fl_hugetlb *p)
{
	char path[192], val[32];

	if (!p->raised)
		return;
	snprintf(path, sizeof(path), "%s/nr_hugepages", p->dir);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)p->nr_orig);
	if (fl_write_file(path, val))
		fl_warn("could not put %s back to %s", path, val);
	p->raised = false;
}

static int fl_hugetlb_open(struct fl_target *t, const char *spec,
			   const struct fl_opts *o, char *why, size_t len)
{
	struct fl_hugetlb *p;
	uint64_t pagesz, size, need;
	char sub[FL_WHY_LEN];
	int ret;

	if (fl_parse_size(spec + 8, &pagesz, sub, sizeof(sub)) ||
	    (pagesz != 2 * FL_MIB && pagesz != FL_GIB))
		return fl_why(why, len,
			      "invalid target '%s' (use hugetlb:2M or hugetlb:1G)",
			      spec);
	p = fl_xcalloc(1, sizeof(*p));
	t->priv = p;
	p->pagesz = pagesz;
	snprintf(p->dir, sizeof(p->dir), "/sys/kernel/mm/hugepages/hugepages-%llukB",
		 (unsigned long long)(pagesz / 1024));
	if (access(p->dir, F_OK)) {
		fl_why(why, len,
		       "this kernel or CPU has no %s huge pages (%s missing%s)",
		       spec + 8, p->dir,
		       pagesz == FL_GIB ? "; 1G pages need the pdpe1gb CPU flag" : "");
		ret = FL_UNSUPPORTED;
		goto fail;
	}
	t->default_size = o->scenario == FL_SCEN_REVOKE ? 64 * FL_MIB : FL_GIB;
	size = fl_align_up(o->size ? o->size : t->default_size, pagesz);
	ret = fl_mem_check(size, why, len);
	if (ret)
		goto fail;
	/* Hugetlb pages are always allocated at fault; +1 for calibration. */
	need = size / pagesz + 1;
	if (o->scenario == FL_SCEN_CHURN)
		need = (fl_align_up(o->chunk, pagesz) / pagesz) *
		       (uint64_t)o->threads * (o->fork ? 2 : 1) + 1;
	ret = fl_hugetlb_reserve(p, need, why, len);
	if (ret)
		goto fail;
	t->map_align = pagesz;
	t->min_map = pagesz;
	t->can_misalign = false;
	t->ram = true;
	snprintf(t->desc, sizeof(t->desc), "hugetlb %s pages (MAP_HUGETLB)",
		 spec + 8);
	return 0;
fail:
	fl_hugetlb_release(p);
	free(p);
	t->priv = NULL;
	return ret;
}

static int fl_hugetlb_map(struct fl_target *t, void *addr, uint64_t off,
			  uint64_t len, char *why, size_t wlen)
{
	struct fl_hugetlb *p = t->priv;
	int shift = __builtin_ctzll(p->pagesz);

	(void)off;
	if (mmap(addr, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED |
		 (shift << MAP_HUGE_SHIFT), -1, 0) == MAP_FAILED)
		return fl_sys(why, wlen, errno, "mmap",
			      "MAP_HUGETLB %s pages, %llu bytes", t->spec + 8,
			      (unsigned long long)len);
	return 0;
}

static void fl_hugetlb_close(struct fl_target *t)
{
	struct fl_hugetlb *p = t->priv;

	if (!p)
		return;
	fl_hugetlb_release(p);
	free(p);
	t->priv = NULL;
}

static void fl_hugetlb_json(struct fl_target *t, struct fl_json *j)
{
	struct fl_hugetlb *p = t->priv;

	fl_json_u64(j, "page_size", p->pagesz);
	fl_json_bool(j, "pool_raised", p->raised);
	if (p->raised)
		fl_json_u64(j, "nr_hugepages_before", p->nr_orig);
}

static void fl_hugetlb_list(FILE *f)
{
	static const char *const sizes[] = { "2048", "1048576" };
	static const char *const names[] = { "2M", "1G" };
	char path[128];
	uint64_t nr, fr;
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path),
			 "/sys/kernel/mm/hugepages/hugepages-%skB/nr_hugepages",
			 sizes[i]);
		if (fl_read_u64(path, &nr)) {
			fprintf(f, "    hugetlb:%s  unsupported: no %s hugetlb pages on this kernel/CPU\n",
				names[i], names[i]);
			continue;
		}
		snprintf(path, sizeof(path),
			 "/sys/kernel/mm/hugepages/hugepages-%skB/free_hugepages",
			 sizes[i]);
		fr = 0;
		fl_read_u64(path, &fr);
		fprintf(f, "    hugetlb:%s  available (pool %llu, free %llu%s)\n",
			names[i], (unsigned long long)nr, (unsigned long long)fr,
			geteuid() ? "" : "; flbench reserves what it needs");
	}
}

const struct fl_target_ops fl_tgt_hugetlb = {
	.kind = "hugetlb",
	.syntax = "hugetlb:2M | hugetlb:1G",
	.help = "hugetlb memory (pages reserved as needed)",
	.match = fl_hugetlb_match,
	.open = fl_hugetlb_open,
	.map = fl_hugetlb_map,
	.close = fl_hugetlb_close,
	.json = fl_hugetlb_json,
	.list = fl_hugetlb_list,
};
