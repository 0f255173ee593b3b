// SPDX-License-Identifier: GPL-2.0
/*
 * meta.c - kernel, CPU, memory, module and environment facts of a run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "common.h"
#include "meta.h"

#ifndef FL_BUILD_GIT_REV
#define FL_BUILD_GIT_REV "unknown"
#endif

extern char **environ;

/* Kernel options that change what flbench measures. */
static const char *const fl_config_keys[] = {
	"CONFIG_ARCH_SUPPORTS_PMD_PFNMAP", "CONFIG_ARCH_SUPPORTS_PUD_PFNMAP",
	"CONFIG_TRANSPARENT_HUGEPAGE", "CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD",
	"CONFIG_HUGETLBFS", "CONFIG_ZONE_DEVICE", "CONFIG_MMU_NOTIFIER",
	"CONFIG_PREEMPT_NONE", "CONFIG_PREEMPT_VOLUNTARY", "CONFIG_PREEMPT",
	"CONFIG_PREEMPT_DYNAMIC", "CONFIG_HZ", "CONFIG_STRICT_DEVMEM",
	"CONFIG_IO_STRICT_DEVMEM", "CONFIG_VFIO", "CONFIG_VFIO_PCI",
	"CONFIG_VFIO_PCI_CORE", "CONFIG_VFIO_IOMMU_TYPE1", "CONFIG_INTEL_IOMMU",
	"CONFIG_PAGE_TABLE_ISOLATION", "CONFIG_MITIGATION_PAGE_TABLE_ISOLATION",
	"CONFIG_PROVE_LOCKING", "CONFIG_LOCKDEP", "CONFIG_DEBUG_VM",
	"CONFIG_KASAN", "CONFIG_PER_VMA_LOCK", "CONFIG_NUMA",
	"CONFIG_PERF_EVENTS", "CONFIG_X86_PAT",
};

const char *fl_meta_environment(void)
{
	const char *lab = getenv("FL_LAB");

	return (lab && !strcmp(lab, "1")) ? "lab" : "native";
}

const char *fl_meta_git_rev(void)
{
	const char *r = getenv("FL_GIT_REV");

	return (r && *r) ? r : FL_BUILD_GIT_REV;
}

void fl_meta_utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void fl_meta_file(struct fl_json *j, const char *key, const char *path)
{
	char buf[4096];

	if (fl_read_file(path, buf, sizeof(buf)))
		fl_json_null(j, key);
	else
		fl_json_str(j, key, buf);
}

/* The selected word of "always [madvise] never". */
static void fl_meta_choice(struct fl_json *j, const char *key,
			   const char *path)
{
	char buf[256], *a, *b;

	if (fl_read_file(path, buf, sizeof(buf))) {
		fl_json_null(j, key);
		return;
	}
	a = strchr(buf, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b) {
		*b = '\0';
		fl_json_str(j, key, a + 1);
	} else {
		fl_json_str(j, key, buf);
	}
}

/* Read the kernel config: /boot/config-$(uname -r), else /proc/config.gz. */
static void fl_meta_kconfig(struct fl_json *j, const char *release)
{
	const char *vals[FL_ARRAY_SIZE(fl_config_keys)] = { 0 };
	char path[512], line[512], *v;
	char *saved[FL_ARRAY_SIZE(fl_config_keys)] = { 0 };
	const char *src = NULL;
	gzFile gz = NULL;
	FILE *f;
	size_t i, kl;

	snprintf(path, sizeof(path), "/boot/config-%s", release);
	f = fopen(path, "r");
	if (f) {
		src = path;
	} else {
		gz = gzopen("/proc/config.gz", "rb");
		if (gz)
			src = "/proc/config.gz";
	}
	fl_json_obj_begin(j, "kernel_config");
	fl_json_str(j, "source", src);
	if (!src) {
		fl_json_str(j, "reason",
			    "neither /boot/config-<release> nor /proc/config.gz is readable");
		fl_json_obj_end(j);
		return;
	}
	for (;;) {
		if (f ? !fgets(line, sizeof(line), f) :
			!gzgets(gz, line, sizeof(line)))
			break;
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < FL_ARRAY_SIZE(fl_config_keys); i++) {
			kl = strlen(fl_config_keys[i]);
			if (!strncmp(line, fl_config_keys[i], kl) &&
			    line[kl] == '=') {
				saved[i] = fl_xstrdup(line + kl + 1);
				vals[i] = saved[i];
			}
		}
	}
	if (f)
		fclose(f);
	else
		gzclose(gz);
	fl_json_obj_begin(j, "options");
	for (i = 0; i < FL_ARRAY_SIZE(fl_config_keys); i++) {
		v = saved[i];
		if (v && v[0] == '"') {
			v++;
			v[strcspn(v, "\"")] = '\0';
		}
		fl_json_str(j, fl_config_keys[i], vals[i] ? v : "not set");
		free(saved[i]);
	}
	fl_json_obj_end(j);
	fl_json_obj_end(j);
}

static void fl_meta_cpu(struct fl_json *j)
{
	static const char *const flags[] = {
		"smap", "smep", "pdpe1gb", "pse", "constant_tsc",
		"nonstop_tsc", "rdtscp", "avx2", "avx512f", "erms", "fsrm",
		"hypervisor", "pti",
	};
	char line[8192], model[256] = "unknown", fl[8192] = "";
	char pat[64];
	size_t i;
	FILE *f;

	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "model name", 10) && strchr(line, ':') &&
		    !strcmp(model, "unknown"))
			snprintf(model, sizeof(model), "%s",
				 strchr(line, ':') + 2);
		if (!strncmp(line, "flags", 5) && !fl[0] && strchr(line, ':'))
			snprintf(fl, sizeof(fl), "%s ", strchr(line, ':') + 1);
	}
	if (f)
		fclose(f);
	fl_json_obj_begin(j, "cpu");
	fl_json_str(j, "model", model);
	fl_json_i64(j, "online", sysconf(_SC_NPROCESSORS_ONLN));
	fl_json_obj_begin(j, "flags");
	for (i = 0; i < FL_ARRAY_SIZE(flags); i++) {
		snprintf(pat, sizeof(pat), " %s ", flags[i]);
		fl_json_bool(j, flags[i], strstr(fl, pat) != NULL);
	}
	fl_json_obj_end(j);
	fl_json_obj_end(j);
}

static void fl_meta_memory(struct fl_json *j)
{
	char line[256];
	unsigned long long kb;
	FILE *f;

	fl_json_obj_begin(j, "memory");
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			fl_json_u64(j, "total_bytes", kb * 1024);
		else if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			fl_json_u64(j, "available_bytes", kb * 1024);
	}
	if (f)
		fclose(f);
	fl_json_obj_end(j);
}

static void fl_meta_hugepages(struct fl_json *j)
{
	const char *base = "/sys/kernel/mm/hugepages";
	struct dirent *de;
	char path[512];
	uint64_t v;
	DIR *d;

	fl_json_obj_begin(j, "hugetlb");
	d = opendir(base);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "hugepages-", 10))
			continue;
		fl_json_obj_begin(j, de->d_name + 10);
		snprintf(path, sizeof(path), "%s/%s/nr_hugepages", base,
			 de->d_name);
		if (!fl_read_u64(path, &v))
			fl_json_u64(j, "nr", v);
		snprintf(path, sizeof(path), "%s/%s/free_hugepages", base,
			 de->d_name);
		if (!fl_read_u64(path, &v))
			fl_json_u64(j, "free", v);
		fl_json_obj_end(j);
	}
	if (d)
		closedir(d);
	fl_json_obj_end(j);
}

static void fl_meta_module(struct fl_json *j)
{
	const char *base = "/sys/module/faultline/parameters";
	struct dirent *de;
	char path[512];
	DIR *d;

	fl_json_obj_begin(j, "faultline_module");
	fl_json_bool(j, "loaded", access("/sys/module/faultline", F_OK) == 0);
	fl_meta_file(j, "version", "/sys/module/faultline/version");
	fl_meta_file(j, "srcversion", "/sys/module/faultline/srcversion");
	fl_json_obj_begin(j, "parameters");
	d = opendir(base);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		fl_meta_file(j, de->d_name, path);
	}
	if (d)
		closedir(d);
	fl_json_obj_end(j);
	fl_json_obj_end(j);
}

static void fl_meta_env(struct fl_json *j)
{
	char **e;
	char *name;
	const char *eq;

	fl_json_str(j, "environment", fl_meta_environment());
	fl_json_obj_begin(j, "lab_env");
	for (e = environ; e && *e; e++) {
		if (strncmp(*e, "FL_LAB", 6))
			continue;
		eq = strchr(*e, '=');
		if (!eq)
			continue;
		name = strndup(*e, (size_t)(eq - *e));
		if (name)
			fl_json_str(j, name, eq + 1);
		free(name);
	}
	fl_json_obj_end(j);
}

void fl_meta_json(struct fl_json *j, const char *key,
		  const struct fl_meta_ctx *ctx)
{
	struct utsname u;
	char host[256] = "unknown";
	int i;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	fl_json_obj_begin(j, key);
	fl_json_str(j, "flbench_version", FL_VERSION);
	fl_json_str(j, "git_rev", fl_meta_git_rev());
	fl_json_str(j, "started_utc", ctx->started_utc);
	fl_json_str(j, "hostname", host);
	fl_json_arr_begin_compact(j, "argv");
	for (i = 0; i < ctx->argc; i++)
		fl_json_str(j, NULL, ctx->argv[i]);
	fl_json_arr_end(j);
	fl_meta_env(j);
	fl_json_obj_begin(j, "kernel");
	fl_json_str(j, "release", u.release);
	fl_json_str(j, "version", u.version);
	fl_json_str(j, "machine", u.machine);
	fl_meta_file(j, "cmdline", "/proc/cmdline");
	fl_meta_kconfig(j, u.release);
	fl_meta_file(j, "perf_event_paranoid",
		     "/proc/sys/kernel/perf_event_paranoid");
	fl_meta_file(j, "numa_balancing", "/proc/sys/kernel/numa_balancing");
	fl_json_obj_end(j);
	fl_meta_cpu(j);
	fl_meta_memory(j);
	if (ctx->topo)
		fl_topo_json(ctx->topo, j, "topology");
	else
		fl_json_null(j, "topology");
	fl_json_obj_begin(j, "thp");
	fl_meta_choice(j, "enabled",
		       "/sys/kernel/mm/transparent_hugepage/enabled");
	fl_meta_choice(j, "defrag", "/sys/kernel/mm/transparent_hugepage/defrag");
	fl_meta_choice(j, "shmem_enabled",
		       "/sys/kernel/mm/transparent_hugepage/shmem_enabled");
	fl_meta_file(j, "use_zero_page",
		     "/sys/kernel/mm/transparent_hugepage/use_zero_page");
	fl_json_obj_end(j);
	fl_meta_hugepages(j);
	fl_meta_module(j);
	if (ctx->clock) {
		fl_json_obj_begin(j, "clock");
		fl_json_str(j, "source", ctx->clock->name);
		fl_json_dbl(j, "overhead_ns", ctx->clock->overhead_ns);
		fl_json_dbl(j, "resolution_ns", ctx->clock->resolution_ns);
		fl_json_dbl(j, "monotonic_raw_overhead_ns",
			    ctx->clock->mono_overhead_ns);
		fl_json_dbl(j, "tsc_overhead_ns", ctx->clock->tsc_overhead_ns);
		fl_json_dbl(j, "tsc_ghz", ctx->clock->tsc_ghz);
		fl_json_str(j, "tsc_unusable_reason",
			    ctx->clock->tsc_why[0] ? ctx->clock->tsc_why : NULL);
		fl_json_str(j, "kernel_clocksource",
			    ctx->clock->kernel_clocksource);
		fl_json_obj_end(j);
	}
	fl_json_i64(j, "uid", (int64_t)getuid());
	fl_json_obj_end(j);
}
