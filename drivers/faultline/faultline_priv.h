/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultline - internal interfaces between the driver's files.
 *
 * Objects and their lifetimes:
 *
 *  struct fl_dev	one per backing (PCI BAR, RAM, physical range), one
 *			misc device /dev/faultlineN.  Reference counted: the
 *			backing holds one until it is removed, every open
 *			file holds one, and every VMA holds its file.
 *  struct fl_file	one per open file: the strategy and caching chosen
 *			for the next mmap().
 *  struct fl_vma	one per VMA: a snapshot of the file's choice, on the
 *			device's list of live mappings.
 *  struct fl_vring	at most one per file: a virtqueue in user memory
 *			and its worker (faultline_vring.h).
 *
 * Every mapping of a device lives on the address_space of the device's
 * private inode (dev->inode), so that revoke is one unmap_mapping_range().
 */
#ifndef _FAULTLINE_PRIV_H
#define _FAULTLINE_PRIV_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/percpu-rwsem.h>
#include <faultline.h>

#include "faultline_compat.h"

#define FL_NAME		"faultline"

struct fl_dev;
struct fl_vring;
struct dentry;

/* What a backing does beyond describing its memory in struct fl_dev. */
struct fl_backing_ops {
	/* Device removed: give the memory back to its owner (may be NULL). */
	void (*remove)(struct fl_dev *dev);
	/* Last reference gone: free what remove() left (may be NULL). */
	void (*free)(struct fl_dev *dev);
};

/* A file's choice, snapshotted into each VMA it maps. */
struct fl_cfg {
	u32 strategy;			/* enum fl_strategy_id */
	u32 max_order;			/* FL_ORDER_* cap of the huge strategy */
	u32 window;			/* insert-around pages, power of two */
	enum fl_cache_mode cache;	/* resolved: never FL_CACHE_DEFAULT */
};

struct fl_stats {
	u64 val[FL_STRAT_NR][FL_CNT_NR];
};

struct fl_dev {
	struct kref kref;
	int id;
	char name[24];			/* "faultlineN": node and debugfs dir */
	char label[32];			/* fl_info.name */
	enum fl_backing_kind kind;
	const struct fl_backing_ops *ops;
	void *priv;			/* the backing's own state */

	/*
	 * The memory.  A contiguous backing sets phys_base; the RAM backing
	 * sets chunks[] of 2^chunk_order pages each.  contig_order is the
	 * largest order such that every naturally aligned block of that
	 * size inside the device is physically contiguous and aligned.
	 * size and phys_base only change (PCI "bar" attribute) while the
	 * device has no mapping, under memory_lock held for write.
	 */
	u64 size;
	phys_addr_t phys_base;
	struct page **chunks;
	unsigned int chunk_order;
	unsigned int contig_order;
	int numa_node;
	enum fl_cache_mode default_cache;

	struct miscdevice misc;
	struct inode *inode;		/* owns the address_space of all VMAs */
	struct dentry *debugfs;

	/*
	 * memory_lock orders faults (read) against revoke, restore and
	 * removal (write): a fault that maps anything does so while the
	 * device is neither revoked nor dead, and every such mapping is on
	 * the address_space before the writer zaps it.  Per-CPU because it
	 * is taken on every fault.
	 */
	struct percpu_rw_semaphore memory_lock;
	bool revoked;			/* FL_IOC_REVOKE until FL_IOC_RESTORE */
	bool dead;			/* backing removed, forever */
	struct mutex revoke_lock;	/* one revoke, restore or kill at a time */
	/*
	 * remap-fault fills a VMA under remap_lock instead of memory_lock
	 * (vfio-pci's vma_lock): io_remap_pfn_range() takes the VMA's lock
	 * for writing, and huge faults take memory_lock under a VMA lock.
	 */
	struct mutex remap_lock;

	/* lock protects the list of mappings and the caching state. */
	struct mutex lock;
	struct list_head vmas;		/* struct fl_vma.node */
	unsigned int nr_vmas;
	unsigned long zap_gen;		/* revoke rounds so far */
	enum fl_cache_mode cache_active;	/* mode of the live mappings */
	unsigned int cache_users;	/* live VMAs, all of cache_active */
	bool cache_applied;		/* cache_active's setup is in place */

	struct fl_stats __percpu *stats;
	struct mutex stats_lock;	/* base[] */
	u64 base[FL_STRAT_NR][FL_CNT_NR];	/* value at the last reset */

	/* Fault injection, read locklessly on the fault path. */
	u64 inject_delay_ns;
	u32 inject_error_ppm;
};

struct fl_file {
	struct fl_dev *dev;
	struct mutex lock;		/* cfg, nr_vmas */
	struct fl_cfg cfg;
	unsigned int nr_vmas;		/* live VMAs mapped through this file */
	struct fl_vring *vring;		/* FL_IOC_VRING_SETUP's, under lock */
};

struct fl_vma {
	struct list_head node;		/* dev->vmas, under dev->lock */
	struct vm_area_struct *vma;
	struct fl_file *ff;
	struct fl_dev *dev;
	struct fl_cfg cfg;
	/* Last revoke round that zapped it (remap strategies, dev->lock). */
	unsigned long zap_gen;
};

/* faultline_core.c */
extern unsigned int fl_default_strategy;
extern unsigned int fl_around_window;
struct fl_dev *fl_dev_alloc(enum fl_backing_kind kind,
			    const struct fl_backing_ops *ops);
int fl_dev_register(struct fl_dev *dev);
void fl_dev_remove(struct fl_dev *dev);
void fl_dev_put(struct fl_dev *dev);
void fl_dev_free_unregistered(struct fl_dev *dev);

static inline unsigned long fl_dev_pfn(const struct fl_dev *dev,
				       pgoff_t pgoff)
{
	if (dev->chunks)
		return page_to_pfn(dev->chunks[pgoff >> dev->chunk_order]) +
		       (pgoff & ((1UL << dev->chunk_order) - 1));
	return PHYS_PFN(dev->phys_base) + pgoff;
}

/* faultline_fs.c: the private inode that owns a device's mappings. */
struct inode *fl_inode_new(void);
void fl_inode_put(struct inode *inode);

/* faultline_ioctl.c */
long fl_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
void fl_cfg_init(struct fl_dev *dev, struct fl_cfg *cfg);
int fl_copy_in(void *karg, size_t ksize, size_t ver0, void __user *uarg,
	       u32 *usize);
int fl_copy_out(void __user *uarg, void *karg, size_t ksize, u32 usize);

/* faultline_vring.c: the ring engine's ioctls and the file's release. */
long fl_vring_ioctl(struct fl_file *ff, unsigned int cmd, unsigned long arg);
void fl_vring_release(struct fl_file *ff);

/* faultline_mmap.c */
int fl_mmap(struct file *file, struct vm_area_struct *vma);
unsigned long fl_get_unmapped_area(struct file *file, unsigned long addr,
				   unsigned long len, unsigned long pgoff,
				   unsigned long flags);

/* faultline_strategy.c: the fault-time work of each strategy. */
struct fl_fault {
	struct vm_fault *vmf;
	struct fl_vma *fv;
	struct fl_dev *dev;
	unsigned int order;		/* 0 for ->fault */
	unsigned long inserted;		/* entries this fault installed */
};

struct fl_strategy_ops {
	const char *name;
	/* ->fault() takes the device's locks itself (remap-fault). */
	bool fault_locks;
	/* Fill the whole VMA inside mmap() (remap-mmap only). */
	int (*mmap)(struct fl_vma *fv, struct vm_area_struct *vma);
	vm_fault_t (*fault)(struct fl_fault *f);
	vm_fault_t (*huge_fault)(struct fl_fault *f);
};

extern const struct fl_strategy_ops *const fl_strategies[FL_STRAT_NR];
const char *fl_strategy_name(unsigned int id);
int fl_strategy_parse(const char *s, unsigned int *id);
bool fl_huge_order_supported(unsigned int order);
unsigned int fl_huge_max_order(void);

extern const struct fl_strategy_ops fl_strategy_remap_mmap;
extern const struct fl_strategy_ops fl_strategy_remap_fault;
extern const struct fl_strategy_ops fl_strategy_insert_page;
extern const struct fl_strategy_ops fl_strategy_insert_bulk;
extern const struct fl_strategy_ops fl_strategy_insert_around;
extern const struct fl_strategy_ops fl_strategy_huge;

/* faultline_pgtable.c: entry probes and insertion, exact accounting. */
enum fl_pt_state {
	FL_PT_NONE,		/* nothing mapped here */
	FL_PT_TABLE,		/* a lower-level table: map at a smaller size */
	FL_PT_LEAF,		/* mapped */
};

void fl_pgtable_init(void);
struct mutex *fl_insert_lock(struct mm_struct *mm, unsigned long addr,
			     unsigned int order);
enum fl_pt_state fl_pte_state(struct mm_struct *mm, pmd_t *pmdp,
			      unsigned long addr);
enum fl_pt_state fl_pmd_state(pmd_t *pmdp);
enum fl_pt_state fl_pud_state(pud_t *pudp);
vm_fault_t fl_insert_pte(struct fl_fault *f, unsigned long addr,
			 pmd_t *pmdp);
vm_fault_t fl_insert_range(struct fl_fault *f, unsigned long start,
			   unsigned long end, bool may_resched);

/* faultline_revoke.c */
int fl_revoke(struct fl_dev *dev, u64 *zapped);
void fl_restore(struct fl_dev *dev);
void fl_kill(struct fl_dev *dev);

/* faultline_cache.c */
int fl_cache_resolve(const struct fl_dev *dev, u32 mode,
		     enum fl_cache_mode *out);
pgprot_t fl_cache_pgprot(const struct fl_dev *dev, enum fl_cache_mode mode,
			 pgprot_t prot);
int fl_cache_get(struct fl_dev *dev, enum fl_cache_mode mode);
void fl_cache_get_another(struct fl_dev *dev);
void fl_cache_put(struct fl_dev *dev);
void fl_cache_teardown(struct fl_dev *dev);
const char *fl_cache_name(enum fl_cache_mode mode);

/* faultline_counters.c */
int fl_counters_init(struct fl_dev *dev);
void fl_counters_free(struct fl_dev *dev);
int fl_counters_read(struct fl_dev *dev, u64 out[FL_STRAT_NR][FL_CNT_NR],
		     bool reset);
const char *fl_counter_name(unsigned int id);

static inline void fl_count(struct fl_dev *dev, unsigned int strategy,
			    unsigned int counter)
{
	this_cpu_inc(dev->stats->val[strategy][counter]);
}

static inline void fl_count_add(struct fl_dev *dev, unsigned int strategy,
				unsigned int counter, u64 n)
{
	this_cpu_add(dev->stats->val[strategy][counter], n);
}

/* faultline_inject.c */
int fl_inject_set(struct fl_dev *dev, u64 delay_ns, u32 error_ppm);
void fl_inject_delay(struct fl_dev *dev);
bool fl_inject_error(struct fl_fault *f);

/* faultline_debugfs.c */
void fl_debugfs_init(void);
void fl_debugfs_exit(void);
void fl_debugfs_add(struct fl_dev *dev);
void fl_debugfs_remove(struct fl_dev *dev);

/* faultline_sysfs.c */
extern const struct attribute_group *fl_dev_groups[];

/* Backings. */
int fl_pci_init(void);
void fl_pci_exit(void);
int fl_ram_init(void);
void fl_ram_exit(void);
int fl_phys_init(void);
void fl_phys_exit(void);
int fl_pci_bar_show(struct fl_dev *dev, char *buf);
int fl_pci_bar_store(struct fl_dev *dev, int bar);

#endif /* _FAULTLINE_PRIV_H */
