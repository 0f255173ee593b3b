/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mem.h - helpers shared by the ordinary-memory targets.
 */
#ifndef FL_TARGETS_MEM_H
#define FL_TARGETS_MEM_H

#include "flbench.h"

/* Bytes of RAM the case will populate (0 when it only reads zero pages). */
uint64_t fl_mem_needed(const struct fl_opts *o, uint64_t size);
/* Refuse (FL_UNSUPPORTED) when @need exceeds 90% of MemAvailable. */
int fl_mem_check(uint64_t need, char *why, size_t len);
/* The NUMA node memory targets bind to, -1 for none. */
int fl_mem_node(const struct fl_opts *o);

#endif /* FL_TARGETS_MEM_H */
