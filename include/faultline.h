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

/*
 * The counters' names, as the driver's debugfs files and flbench's
 * result fields spell them: one list, so that the two cannot drift apart.
 * An initializer for a const char *const [FL_CNT_NR].
 */
#define FL_COUNTER_NAMES {					\
	[FL_CNT_FAULT] = "fault",				\
	[FL_CNT_HUGE_FAULT_PMD] = "huge_fault_pmd",		\
	[FL_CNT_HUGE_FAULT_PUD] = "huge_fault_pud",		\
	[FL_CNT_INSERT_PTE] = "insert_pte",			\
	[FL_CNT_INSERT_PMD] = "insert_pmd",			\
	[FL_CNT_INSERT_PUD] = "insert_pud",			\
	[FL_CNT_REMAP] = "remap",				\
	[FL_CNT_REMAP_PAGES] = "remap_pages",			\
	[FL_CNT_FALLBACK] = "fallback",				\
	[FL_CNT_SIGBUS] = "sigbus",				\
	[FL_CNT_NOPAGE_RACE] = "nopage_race",			\
	[FL_CNT_MMAP] = "mmap",					\
	[FL_CNT_REVOKE] = "revoke",				\
	[FL_CNT_ZAPPED] = "zapped",				\
	[FL_CNT_INJECTED] = "injected",				\
}

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

/*
 * The vring engine: a kernel worker processes a split virtqueue (virtio
 * 1.x layout, struct vring_desc / vring_avail / vring_used of
 * <linux/virtio_ring.h>) whose parts and buffers live in the caller's
 * memory, the way vhost does.  One ring per open file.
 *
 * Every buffer starts with a struct fl_vring_hdr.  A buffer the device
 * reads (no VRING_DESC_F_WRITE) holds a header written by user space: the
 * worker checks @seq against the ring's next transmit sequence number and
 * @csum against the @len payload bytes that follow.  A buffer the device
 * writes (VRING_DESC_F_WRITE) gets a header and a payload from the worker
 * (payload byte i = (seq + i) & 0xff, @len = buffer length minus the
 * header), for user space to check the same way.  Descriptor chains
 * (VRING_DESC_F_NEXT) are followed, the header is in the first buffer of
 * a chain; indirect descriptors are refused (counted as ring errors).
 */
enum fl_vring_mode {
	FL_VRING_UACCESS	= 0,	/* get_user/put_user/copy_*_user each */
	FL_VRING_UACCESS_BATCHED = 1,	/* user_access_begin() per batch */
	FL_VRING_KMAP		= 2,	/* pinned + vmap, mmu_interval_notifier */
	FL_VRING_MODE_NR
};

#define FL_VRING_NUM_MAX	32768
#define FL_VRING_BATCH_MAX	1024

/* fl_vring_setup.flags */
#define FL_VRING_F_KTHREAD	0x1	/* worker kthread kicked by @kick_fd */

/*
 * FL_IOC_VRING_SETUP: register the ring of this file (EBUSY if it has
 * one).  @desc_addr must be 16-byte aligned, @avail_addr 2-byte,
 * @used_addr 4-byte aligned; the three parts (sizes as in the virtio
 * spec, without event-index fields) must not overlap.  With
 * FL_VRING_F_KTHREAD a kthread adopts the caller's mm and processes the
 * ring whenever @kick_fd (an eventfd) is signalled; otherwise @kick_fd is
 * -1 and FL_IOC_VRING_PROCESS drives the ring in the caller's context.
 * @call_fd (an eventfd, or -1) is signalled after each batch that
 * published used entries.  The ring's transmit and receive sequence
 * numbers both start at @seq_base.
 */
struct fl_vring_setup {
	__u32 size;
	__u32 mode;		/* enum fl_vring_mode */
	__u32 num;		/* entries: power of two, 1..FL_VRING_NUM_MAX */
	__u32 batch;		/* descriptors per batch: 1..FL_VRING_BATCH_MAX */
	__u32 flags;		/* FL_VRING_F_* */
	__s32 kick_fd;		/* eventfd, with FL_VRING_F_KTHREAD */
	__s32 call_fd;		/* eventfd or -1 */
	__u32 pad;		/* must be 0 */
	__u64 desc_addr;
	__u64 avail_addr;
	__u64 used_addr;
	__u64 seq_base;
};

#define FL_VRING_SETUP_SIZE_VER0	64

/*
 * FL_IOC_VRING_PROCESS: in the caller's context, process up to @max
 * available descriptor chains (0: all that are available), in batches;
 * returns how many in @processed.  EBUSY if the ring has a kthread.
 */
struct fl_vring_process {
	__u32 size;
	__u32 max;
	__u32 processed;	/* out */
	__u32 flags;		/* must be 0 */
};

#define FL_VRING_PROCESS_SIZE_VER0	16

/* fl_vring_stats.val[] */
enum fl_vring_counter_id {
	FL_VCNT_DESCS		= 0,	/* descriptor chains completed */
	FL_VCNT_BYTES		= 1,	/* payload bytes read or written */
	FL_VCNT_BATCHES		= 2,	/* batches that published used entries */
	FL_VCNT_KICKS		= 3,	/* eventfd wake-ups and PROCESS calls */
	FL_VCNT_INVALIDATIONS	= 4,	/* notifier calls that hit the ring */
	FL_VCNT_REMAPS		= 5,	/* kernel mappings re-established */
	FL_VCNT_RETRIES		= 6,	/* batches retried after invalidation */
	FL_VCNT_SEQ_ERRORS	= 7,	/* header sequence number wrong */
	FL_VCNT_CSUM_ERRORS	= 8,	/* header checksum wrong */
	FL_VCNT_RING_ERRORS	= 9,	/* bad index, length, flags, loop */
	FL_VCNT_FAULTS		= 10,	/* user accesses that failed (EFAULT) */
	FL_VCNT_NR
};

/*
 * FL_IOC_VRING_STATS: the ring's counters; FL_COUNTERS_RESET zeroes them
 * after reading.  @last_avail is the avail index the worker has consumed
 * up to, @err_* describe the first error since the last reset (kind is
 * the FL_VCNT_* id, 0 for none).
 */
struct fl_vring_stats {
	__u32 size;
	__u32 flags;		/* in: FL_COUNTERS_RESET */
	__u32 nr_counters;	/* out: FL_VCNT_NR of the driver */
	__u32 mode;		/* out: enum fl_vring_mode */
	__u64 val[FL_VCNT_NR];
	__u32 last_avail;
	__u32 err_kind;
	__u32 err_head;		/* descriptor index of the chain */
	__u32 err_pad;
	__u64 err_expected;	/* sequence number or checksum expected */
	__u64 err_got;
};

#define FL_VRING_STATS_SIZE_VER0	(16 + 8 * 11 + 16 + 16)

/* Header at the start of every ring buffer. */
struct fl_vring_hdr {
	__u64 seq;
	__u32 len;		/* payload bytes after the header */
	__u32 csum;		/* fl_vring_csum(seq, payload, len) */
};

/* FNV-1a over the sequence number's 8 bytes then the payload. */
static inline __u32 fl_vring_csum(__u64 seq, const unsigned char *p, __u32 len)
{
	__u32 h = 2166136261u;
	__u32 i;

	for (i = 0; i < 8; i++)
		h = (h ^ (__u32)((seq >> (8 * i)) & 0xff)) * 16777619u;
	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

#define FL_IOC_VRING_SETUP	_IO(FL_IOC_MAGIC, 0x40)
#define FL_IOC_VRING_PROCESS	_IO(FL_IOC_MAGIC, 0x41)
#define FL_IOC_VRING_STATS	_IO(FL_IOC_MAGIC, 0x42)
/* FL_IOC_VRING_TEARDOWN takes no argument: arg must be 0. */
#define FL_IOC_VRING_TEARDOWN	_IO(FL_IOC_MAGIC, 0x43)
/* 0x44..0x4f are reserved for the vring engine. */

#endif /* _UAPI_FAULTLINE_H */
