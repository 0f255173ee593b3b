// SPDX-License-Identifier: GPL-2.0
/*
 * topo.c - hwloc topology, PCI locality, thread binding, libnuma buffers.
 */
#include <errno.h>
#include <hwloc.h>
#include <limits.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common.h"
#include "topo.h"

struct fl_topo {
	hwloc_topology_t h;
};

static const char *const fl_place_names[] = {
	[FL_PLACE_NONE] = "none",
	[FL_PLACE_LOCAL] = "local",
	[FL_PLACE_REMOTE] = "remote",
	[FL_PLACE_SPREAD] = "spread",
};

const char *fl_placement_name(enum fl_placement p)
{
	return fl_place_names[p];
}

int fl_placement_parse(const char *s, enum fl_placement *p)
{
	size_t i;

	for (i = 0; i < FL_ARRAY_SIZE(fl_place_names); i++) {
		if (!strcmp(s, fl_place_names[i])) {
			*p = (enum fl_placement)i;
			return 0;
		}
	}
	return -1;
}

struct fl_topo *fl_topo_load(char *why, size_t len)
{
	struct fl_topo *t = fl_xcalloc(1, sizeof(*t));

	if (hwloc_topology_init(&t->h)) {
		fl_sys(why, len, errno, "hwloc_topology_init", "%s", "&topology");
		free(t);
		return NULL;
	}
	/* Keep every PCI device: the BAR device may be "unimportant". */
	hwloc_topology_set_type_filter(t->h, HWLOC_OBJ_PCI_DEVICE,
				       HWLOC_TYPE_FILTER_KEEP_ALL);
	hwloc_topology_set_type_filter(t->h, HWLOC_OBJ_BRIDGE,
				       HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
	if (hwloc_topology_load(t->h)) {
		fl_sys(why, len, errno, "hwloc_topology_load", "%s", "topology");
		hwloc_topology_destroy(t->h);
		free(t);
		return NULL;
	}
	return t;
}

void fl_topo_free(struct fl_topo *t)
{
	if (!t)
		return;
	hwloc_topology_destroy(t->h);
	free(t);
}

int fl_topo_npus(struct fl_topo *t)
{
	return hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU);
}

int fl_topo_nnodes(struct fl_topo *t)
{
	return hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE);
}

int fl_topo_pu_node(struct fl_topo *t, int pu)
{
	hwloc_obj_t o = hwloc_get_pu_obj_by_os_index(t->h, (unsigned int)pu);
	hwloc_obj_t n = NULL;

	if (!o)
		return -1;
	while ((n = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, n)))
		if (hwloc_bitmap_isset(n->cpuset, o->os_index))
			return (int)n->os_index;
	return -1;
}

void fl_topo_json(struct fl_topo *t, struct fl_json *j, const char *key)
{
	hwloc_obj_t o = NULL;
	char buf[256];

	fl_json_obj_begin(j, key);
	fl_json_str(j, "hwloc_version", HWLOC_VERSION);
	fl_json_i64(j, "packages",
		    hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PACKAGE));
	fl_json_i64(j, "cores", hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE));
	fl_json_i64(j, "pus", fl_topo_npus(t));
	fl_json_i64(j, "pci_devices",
		    hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PCI_DEVICE));
	fl_json_arr_begin(j, "numa_nodes");
	while ((o = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, o))) {
		fl_json_obj_begin(j, NULL);
		fl_json_u64(j, "os_index", o->os_index);
		hwloc_bitmap_list_snprintf(buf, sizeof(buf), o->cpuset);
		fl_json_str(j, "pus", buf);
		fl_json_u64(j, "memory_bytes", o->attr->numanode.local_memory);
		fl_json_obj_end(j);
	}
	fl_json_arr_end(j);
	fl_json_obj_end(j);
}

/* The cpuset the device is local to, and how it was found. */
static hwloc_bitmap_t fl_local_set(struct fl_topo *t, const char *bdf,
				   int dev_node, int mem_node, char *how,
				   size_t hlen)
{
	hwloc_obj_t pci, anc, node;
	int n = dev_node >= 0 ? dev_node : mem_node;

	if (bdf && *bdf) {
		pci = hwloc_get_pcidev_by_busidstring(t->h, bdf);
		if (pci) {
			anc = hwloc_get_non_io_ancestor_obj(t->h, pci);
			if (anc && anc->cpuset &&
			    !hwloc_bitmap_iszero(anc->cpuset)) {
				snprintf(how, hlen,
					 "hwloc PCI locality of %s (%s %u)",
					 bdf, hwloc_obj_type_string(anc->type),
					 anc->logical_index);
				return hwloc_bitmap_dup(anc->cpuset);
			}
		}
	}
	if (n >= 0) {
		node = hwloc_get_numanode_obj_by_os_index(t->h, (unsigned int)n);
		if (node && node->cpuset && !hwloc_bitmap_iszero(node->cpuset)) {
			snprintf(how, hlen, "NUMA node %d of the %s", n,
				 dev_node >= 0 ? "device" : "target memory");
			return hwloc_bitmap_dup(node->cpuset);
		}
	}
	snprintf(how, hlen,
		 "no device locality known: every PU counts as local");
	return hwloc_bitmap_dup(hwloc_topology_get_topology_cpuset(t->h));
}

/* PUs of @set, first PU of every core first, then SMT siblings. */
static int fl_collect_pus(struct fl_topo *t, hwloc_const_bitmap_t set,
			  int *out, int max)
{
	hwloc_obj_t core = NULL, pu;
	int n = 0, round, k;

	for (round = 0; round < 8 && n < max; round++) {
		core = NULL;
		while ((core = hwloc_get_next_obj_by_type(t->h, HWLOC_OBJ_CORE,
							  core)) && n < max) {
			k = 0;
			pu = NULL;
			while ((pu = hwloc_get_next_obj_inside_cpuset_by_type(
					t->h, core->cpuset, HWLOC_OBJ_PU, pu))) {
				if (k++ != round)
					continue;
				if (hwloc_bitmap_isset(set, pu->os_index))
					out[n++] = (int)pu->os_index;
			}
		}
	}
	if (!n) {
		/* No core objects (rare): take PUs directly. */
		pu = NULL;
		while ((pu = hwloc_get_next_obj_inside_cpuset_by_type(
				t->h, set, HWLOC_OBJ_PU, pu)) && n < max)
			out[n++] = (int)pu->os_index;
	}
	return n;
}

int fl_topo_plan(struct fl_topo *t, enum fl_placement mode, int nthreads,
		 const char *bdf, int dev_node, int mem_node,
		 struct fl_place_plan *plan, char *why, size_t len)
{
	hwloc_bitmap_t local, set = NULL;
	hwloc_bitmap_t *dist;
	hwloc_obj_t root;
	int pus[1024], n, nlocal, i;

	memset(plan, 0, sizeof(*plan));
	plan->mode = mode;
	if (nthreads < 1 || nthreads > (int)FL_ARRAY_SIZE(plan->pu))
		return fl_why(why, len, "thread count %d out of range [1, %zu]",
			      nthreads, FL_ARRAY_SIZE(plan->pu));
	plan->nthreads = nthreads;
	local = fl_local_set(t, bdf, dev_node, mem_node, plan->locality,
			     sizeof(plan->locality));
	hwloc_bitmap_list_snprintf(plan->local_set, sizeof(plan->local_set),
				   local);
	for (i = 0; i < nthreads; i++)
		plan->pu[i] = plan->node[i] = -1;

	switch (mode) {
	case FL_PLACE_NONE:
		hwloc_bitmap_free(local);
		return 0;
	case FL_PLACE_LOCAL:
		set = hwloc_bitmap_dup(local);
		break;
	case FL_PLACE_REMOTE:
		set = hwloc_bitmap_dup(hwloc_topology_get_topology_cpuset(t->h));
		hwloc_bitmap_andnot(set, set, local);
		if (hwloc_bitmap_iszero(set)) {
			hwloc_bitmap_free(set);
			hwloc_bitmap_free(local);
			return fl_why(why, len,
				      "--placement remote: every PU is local to the target (%s); a remote placement needs a second NUMA node",
				      plan->locality);
		}
		break;
	case FL_PLACE_SPREAD:
		dist = fl_xcalloc((size_t)nthreads, sizeof(*dist));
		root = hwloc_get_root_obj(t->h);
		if (hwloc_distrib(t->h, &root, 1, dist,
				  (unsigned int)nthreads, INT_MAX, 0)) {
			free(dist);
			hwloc_bitmap_free(local);
			return fl_sys(why, len, errno, "hwloc_distrib", "%d",
				      nthreads);
		}
		for (i = 0; i < nthreads; i++) {
			hwloc_bitmap_singlify(dist[i]);
			plan->pu[i] = hwloc_bitmap_first(dist[i]);
			plan->node[i] = fl_topo_pu_node(t, plan->pu[i]);
			for (n = 0; n < i; n++)
				if (plan->pu[n] == plan->pu[i])
					plan->oversubscribed = true;
			hwloc_bitmap_free(dist[i]);
		}
		free(dist);
		hwloc_bitmap_free(local);
		return 0;
	}
	n = fl_collect_pus(t, set, pus, (int)FL_ARRAY_SIZE(pus));
	nlocal = n;
	if (mode == FL_PLACE_LOCAL && nthreads > n) {
		/* More threads than local PUs: the others next, before sharing. */
		hwloc_bitmap_t rest = hwloc_bitmap_dup(
			hwloc_topology_get_topology_cpuset(t->h));

		hwloc_bitmap_andnot(rest, rest, local);
		n += fl_collect_pus(t, rest, pus + n, (int)FL_ARRAY_SIZE(pus) - n);
		hwloc_bitmap_free(rest);
	}
	hwloc_bitmap_free(set);
	hwloc_bitmap_free(local);
	if (!n)
		return fl_why(why, len, "--placement %s: no PU available",
			      fl_placement_name(mode));
	for (i = 0; i < nthreads; i++) {
		plan->pu[i] = pus[i % n];
		plan->node[i] = fl_topo_pu_node(t, plan->pu[i]);
	}
	plan->outside_local = mode == FL_PLACE_LOCAL ?
			      FL_MIN(nthreads, n) - FL_MIN(nthreads, nlocal) : 0;
	plan->oversubscribed = nthreads > n;
	return 0;
}

int fl_topo_bind_thread(struct fl_topo *t, int pu, char *why, size_t len)
{
	hwloc_obj_t o;

	if (pu < 0)
		return 0;
	o = hwloc_get_pu_obj_by_os_index(t->h, (unsigned int)pu);
	if (!o)
		return fl_why(why, len, "PU %d not in the topology", pu);
	if (hwloc_set_cpubind(t->h, o->cpuset, HWLOC_CPUBIND_THREAD))
		return fl_sys(why, len, errno, "hwloc_set_cpubind",
			      "PU %d, HWLOC_CPUBIND_THREAD", pu);
	return 0;
}

void fl_place_json(const struct fl_place_plan *p, struct fl_json *j,
		   const char *key)
{
	int i;

	fl_json_obj_begin(j, key);
	fl_json_str(j, "mode", fl_placement_name(p->mode));
	fl_json_str(j, "locality", p->locality);
	fl_json_str(j, "local_pus", p->local_set);
	fl_json_bool(j, "oversubscribed", p->oversubscribed);
	fl_json_i64(j, "outside_local", p->outside_local);
	fl_json_arr_begin_compact(j, "thread_pus");
	for (i = 0; i < p->nthreads; i++)
		fl_json_i64(j, NULL, p->pu[i]);
	fl_json_arr_end(j);
	fl_json_arr_begin_compact(j, "thread_nodes");
	for (i = 0; i < p->nthreads; i++)
		fl_json_i64(j, NULL, p->node[i]);
	fl_json_arr_end(j);
	fl_json_obj_end(j);
}

bool fl_numa_ok(void)
{
	return numa_available() >= 0;
}

void *fl_numa_alloc(size_t size, int node)
{
	void *p;

	if (node >= 0 && fl_numa_ok()) {
		p = numa_alloc_onnode(size, node);
		if (p) {
			memset(p, 0, size);
			return p;
		}
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fl_err("mmap(anonymous, %zu): %s", size, strerror(errno));
		exit(2);
	}
	memset(p, 0, size);
	return p;
}

void fl_numa_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);	/* numa_free() is munmap() too */
}

int fl_numa_bind_range(void *addr, size_t len, int node, char *why,
		       size_t wlen)
{
	unsigned long mask[16] = { 0 };

	if (node < 0)
		return 0;
	if (!fl_numa_ok())
		return fl_why(why, wlen, "NUMA not available (numa_available() < 0)");
	if ((size_t)node >= sizeof(mask) * 8)
		return fl_why(why, wlen, "NUMA node %d too large", node);
	mask[node / (8 * sizeof(long))] |= 1UL << (node % (8 * sizeof(long)));
	if (mbind(addr, len, MPOL_BIND, mask, sizeof(mask) * 8, 0))
		return fl_sys(why, wlen, errno, "mbind", "%p, %zu, MPOL_BIND node %d",
			      addr, len, node);
	return 0;
}
