// SPDX-License-Identifier: GPL-2.0
/*
 * add_probe - put into the lab guest with `scripts/lab run --add` to show
 * that an executable arrives with the shared libraries it links: it calls
 * into libhwloc and libnuma and prints what they see.
 */
#include <hwloc.h>
#include <numa.h>
#include <stdio.h>

int main(void)
{
	hwloc_topology_t topo;
	int pus;

	if (hwloc_topology_init(&topo) || hwloc_topology_load(topo)) {
		fprintf(stderr, "add_probe: hwloc topology failed\n");
		return 1;
	}
	pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	printf("add_probe: pus=%d numa_nodes=%d\n", pus,
	       numa_available() < 0 ? 0 : numa_max_node() + 1);
	hwloc_topology_destroy(topo);
	return 0;
}
