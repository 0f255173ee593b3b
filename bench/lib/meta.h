/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meta.h - run metadata: what ran, where, on which kernel and setup.
 */
#ifndef FL_META_H
#define FL_META_H

#include "json.h"
#include "timing.h"
#include "topo.h"

#define FL_VERSION		"1.0"

struct fl_meta_ctx {
	int argc;
	char **argv;
	const struct fl_clock_info *clock;
	struct fl_topo *topo;
	const char *started_utc;	/* ISO 8601 */
};

/* "lab" when FL_LAB=1 is exported by the lab, else "native". */
const char *fl_meta_environment(void);
/* Git revision: $FL_GIT_REV, else the revision flbench was built from. */
const char *fl_meta_git_rev(void);
/* Current UTC time as 2025-01-31T12:00:00Z. */
void fl_meta_utc_now(char *buf, size_t len);
/* Value of CONFIG_@name in the running kernel's config, or NULL. */
void fl_meta_json(struct fl_json *j, const char *key,
		  const struct fl_meta_ctx *ctx);

#endif /* FL_META_H */
