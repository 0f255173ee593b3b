/* SPDX-License-Identifier: GPL-2.0 */
/*
 * topo.h - machine topology and thread placement (hwloc, libnuma).
 *
 * Placement modes (--placement):
 *   none    threads are not bound;
 *   local   one thread per PU among the PUs nearest the device: hwloc's
 *           PCI locality of its BDF (the cpuset of the first non-I/O
 *           ancestor of the PCI object), else the device's NUMA node as the
 *           driver reports it, else the node the memory is bound to; when
 *           there are more threads than local PUs the others go to the
 *           remaining PUs before any PU is shared (outside_local counts
 *           them);
 *   remote  one thread per PU among the PUs outside that set;
 *   spread  threads distributed evenly over the whole machine
 *           (hwloc_distrib), one PU each.
 * Cores are used before their SMT siblings.  More threads than PUs wrap
 * around, and the plan says it is oversubscribed.
 */
#ifndef FL_TOPO_H
#define FL_TOPO_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

enum fl_placement {
	FL_PLACE_NONE,
	FL_PLACE_LOCAL,
	FL_PLACE_REMOTE,
	FL_PLACE_SPREAD,
};

struct fl_topo;

struct fl_place_plan {
	enum fl_placement mode;
	int nthreads;
	int pu[256];			/* OS index of each thread's PU, -1 */
	int node[256];			/* NUMA node of that PU, -1 */
	char local_set[128];		/* PU list of the local set */
	char locality[160];		/* how locality was determined */
	int outside_local;		/* local mode: threads beyond the local set */
	bool oversubscribed;
};

const char *fl_placement_name(enum fl_placement p);
int fl_placement_parse(const char *s, enum fl_placement *p);

/* Load the topology (with PCI devices).  Returns NULL with @why. */
struct fl_topo *fl_topo_load(char *why, size_t len);
void fl_topo_free(struct fl_topo *t);
int fl_topo_npus(struct fl_topo *t);
int fl_topo_nnodes(struct fl_topo *t);
/* NUMA node of a PU (OS index), or -1. */
int fl_topo_pu_node(struct fl_topo *t, int pu);
/* Summary for the run metadata. */
void fl_topo_json(struct fl_topo *t, struct fl_json *j, const char *key);

/*
 * Plan the placement of @nthreads threads.  @bdf ("0000:01:00.0") and
 * @dev_node describe the device (NULL / -1 when none); @mem_node is the
 * node the target's memory is bound to (-1 when none).
 * Returns 0, or -1 with @why when the mode cannot be satisfied.
 */
int fl_topo_plan(struct fl_topo *t, enum fl_placement mode, int nthreads,
		 const char *bdf, int dev_node, int mem_node,
		 struct fl_place_plan *plan, char *why, size_t len);
/* Bind the calling thread to PU @pu (OS index). */
int fl_topo_bind_thread(struct fl_topo *t, int pu, char *why, size_t len);
void fl_place_json(const struct fl_place_plan *p, struct fl_json *j,
		   const char *key);

/* NUMA-placed buffers (libnuma; plain allocation without NUMA). */
void *fl_numa_alloc(size_t size, int node);
void fl_numa_free(void *p, size_t size);
/* Bind [addr, addr+len) to @node before it is touched. 0 or -errno. */
int fl_numa_bind_range(void *addr, size_t len, int node, char *why,
		       size_t wlen);
bool fl_numa_ok(void);

#endif /* FL_TOPO_H */
