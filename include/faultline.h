/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * faultline - user API of the faultline BAR-mapping benchmark driver.
 *
 * Shared by drivers/faultline (the module) and bench/ (flbench).
 *
 * Every ioctl argument is a struct whose first member, @size, is set by
 * user space to sizeof() of the struct it was compiled with.  Like vfio's
 * argsz and copy_struct_from_user(), this lets the struct grow at the end:
 * the driver accepts any size of at least the first published version
 * (FL_*_SIZE_VER0), zero-fills what an older caller did not pass, refuses
 * (E2BIG) non-zero bytes it does not understand, and copies out at most
 * @size bytes, setting @size to the number of bytes it wrote.  A @size
 * below the first version is EINVAL, above 4096 E2BIG.  The ioctl numbers
 * therefore do not encode the size.  CONFIG.md lists every errno.
 */
#ifndef _UAPI_FAULTLINE_H
#define _UAPI_FAULTLINE_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define FL_API_VERSION		1
#define FL_IOC_MAGIC		0xF1

/* Mapping strategies: how the driver populates a user mapping. */
enum fl_strategy_id {
	FL_STRAT_REMAP_MMAP	= 0,	/* io_remap_pfn_range() in mmap() */
	FL_STRAT_REMAP_FAULT	= 1,	/* io_remap_pfn_range() on 1st fault */
	FL_STRAT_INSERT_PAGE	= 2,	/* vmf_insert_pfn() of one page */
	FL_STRAT_INSERT_BULK	= 3,	/* vmf_insert_pfn() of the whole VMA */
	FL_STRAT_INSERT_AROUND	= 4,	/* aligned window of N pages */
	FL_STRAT_HUGE		= 5,	/* huge_fault: PUD, PMD, else PTE */
	FL_STRAT_NR
};

/* Caching attribute of a mapping. */
enum fl_cache_mode {
	FL_CACHE_DEFAULT	= 0,	/* UC for a PCI BAR, WB for RAM */
	FL_CACHE_UC		= 1,	/* pgprot_noncached() */
	FL_CACHE_WC		= 2,	/* pgprot_writecombine() */
	FL_CACHE_WB		= 3,	/* cacheable: RAM backing only */
	FL_CACHE_NR
};

/*
 * Largest entry the huge strategy may insert (a page order on x86-64; the
 * driver translates for other page sizes).  FL_ORDER_PTE makes the huge
 * strategy map 4 KiB pages only, so a zeroed struct fl_strategy asking
 * for FL_STRAT_HUGE gets no huge entries: ask GET_STRATEGY for the
 * default (the largest this kernel supports) first.
 */
#define FL_ORDER_PTE		0
#define FL_ORDER_PMD		9
#define FL_ORDER_PUD		18

/* What stands behind a device node. */
enum fl_backing_kind {
	FL_BACKING_PCI		= 0,	/* a BAR of a bound PCI device */
	FL_BACKING_RAM		= 1,	/* high-order RAM chunks */
	FL_BACKING_PHYS		= 2,	/* a reserved physical range */
	FL_BACKING_NR
};

/* fl_info.features */
#define FL_FEAT_PMD_PFNMAP	0x1	/* kernel maps PFNMAP PMDs */
#define FL_FEAT_PUD_PFNMAP	0x2	/* kernel maps PFNMAP PUDs */
#define FL_FEAT_FOLLOW_PFNMAP	0x4	/* follow_pfnmap_start() */
#define FL_FEAT_CONTIGUOUS	0x8	/* backing is one phys range */

/* FL_IOC_GET_INFO: describe the device. */
struct fl_info {
	__u32 size;
	__u32 api_version;	/* FL_API_VERSION */
	__u32 backing;		/* enum fl_backing_kind */
	__s32 numa_node;	/* NUMA node of the memory, -1 if none */
	__u64 bar_size;		/* bytes that can be mapped */
	__u64 phys_base;	/* physical address of offset 0 */
	__u32 features;		/* FL_FEAT_* */
	__u32 default_strategy;	/* module parameter default_strategy */
	__u32 default_cache;	/* enum fl_cache_mode the default resolves to */
	__u32 chunk_order;	/* order of the backing's contiguous chunks */
	char name[32];		/* e.g. "0000:01:00.0/bar2", "ram", "phys" */
};

#define FL_INFO_SIZE_VER0	80

/*
 * FL_IOC_SET_STRATEGY / FL_IOC_GET_STRATEGY: per open file, before mmap
 * (EBUSY while the file has mappings).  @max_order caps the huge strategy
 * (FL_ORDER_PTE/PMD/PUD, checked for every strategy); @window is the
 * insert-around window in pages (a power of two, 1..FL_WINDOW_MAX; 0 for
 * the around_window module parameter).  GET returns the resolved values:
 * never a zero window, never FL_CACHE_DEFAULT.
 */
struct fl_strategy {
	__u32 size;
	__u32 strategy;		/* enum fl_strategy_id */
	__u32 max_order;	/* FL_ORDER_* (huge only) */
	__u32 window;		/* pages (insert-around only) */
	__u32 cache;		/* enum fl_cache_mode */
	__u32 flags;		/* must be 0 */
};

#define FL_STRATEGY_SIZE_VER0	24
#define FL_WINDOW_MAX		512

/* Counters, per device and strategy; FL_IOC_GET_COUNTERS reads them. */
enum fl_counter_id {
	FL_CNT_FAULT		= 0,	/* ->fault calls */
	FL_CNT_HUGE_FAULT_PMD	= 1,	/* ->huge_fault calls, PMD order */
	FL_CNT_HUGE_FAULT_PUD	= 2,	/* ->huge_fault calls, PUD order */
	FL_CNT_INSERT_PTE	= 3,	/* 4 KiB entries installed */
	FL_CNT_INSERT_PMD	= 4,	/* 2 MiB entries installed */
	FL_CNT_INSERT_PUD	= 5,	/* 1 GiB entries installed */
	FL_CNT_REMAP		= 6,	/* io_remap_pfn_range() calls */
	FL_CNT_REMAP_PAGES	= 7,	/* pages covered by those calls */
	FL_CNT_FALLBACK		= 8,	/* VM_FAULT_FALLBACK returned */
	FL_CNT_SIGBUS		= 9,	/* VM_FAULT_SIGBUS returned */
	FL_CNT_NOPAGE_RACE	= 10,	/* entry already present (lost race) */
	FL_CNT_MMAP		= 11,	/* successful mmap() calls */
	FL_CNT_REVOKE		= 12,	/* revokes while mapped */
	FL_CNT_ZAPPED		= 13,	/* pages of live VMAs zapped */
	FL_CNT_INJECTED		= 14,	/* injected insert errors */
	FL_CNT_NR
};

struct fl_counters {
	__u32 size;
	__u32 nr_strategies;	/* out: FL_STRAT_NR of the driver */
	__u32 nr_counters;	/* out: FL_CNT_NR of the driver */
	__u32 flags;		/* in: FL_COUNTERS_RESET: zero after read */
	__u64 val[FL_STRAT_NR][FL_CNT_NR];
};

#define FL_COUNTERS_RESET	0x1
#define FL_COUNTERS_SIZE_VER0	(16 + 8 * 6 * 15)

/*
 * FL_IOC_SET_INJECT / FL_IOC_GET_INJECT: fault injection, per device.
 * @delay_ns is spun in every fault before inserting; @error_ppm makes that
 * many inserts in a million fail (the fault returns VM_FAULT_SIGBUS).
 */
struct fl_inject {
	__u32 size;
	__u32 error_ppm;	/* 0..1000000 */
	__u64 delay_ns;		/* 0..FL_INJECT_DELAY_MAX */
};

#define FL_INJECT_SIZE_VER0	16
#define FL_INJECT_DELAY_MAX	10000000ULL	/* 10 ms */

/*
 * FL_IOC_REVOKE zaps every user mapping of the device and makes further
 * faults SIGBUS; FL_IOC_RESTORE lets faults map again.  Both take a
 * struct fl_revoke; @zapped_pages returns the pages covered by the
 * device's live VMAs when they were zapped (0 for RESTORE).
 */
struct fl_revoke {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u64 zapped_pages;	/* out */
};

#define FL_REVOKE_SIZE_VER0	16

#define FL_IOC_GET_INFO		_IO(FL_IOC_MAGIC, 0x00)
#define FL_IOC_SET_STRATEGY	_IO(FL_IOC_MAGIC, 0x01)
#define FL_IOC_GET_STRATEGY	_IO(FL_IOC_MAGIC, 0x02)
#define FL_IOC_GET_COUNTERS	_IO(FL_IOC_MAGIC, 0x03)
/* FL_IOC_RESET_COUNTERS takes no argument: arg must be 0. */
#define FL_IOC_RESET_COUNTERS	_IO(FL_IOC_MAGIC, 0x04)
#define FL_IOC_SET_INJECT	_IO(FL_IOC_MAGIC, 0x05)
#define FL_IOC_GET_INJECT	_IO(FL_IOC_MAGIC, 0x06)
#define FL_IOC_REVOKE		_IO(FL_IOC_MAGIC, 0x07)
#define FL_IOC_RESTORE		_IO(FL_IOC_MAGIC, 0x08)
/* 0x40..0x4f are reserved for the vring engine. */

#endif /* _UAPI_FAULTLINE_H */
