// SPDX-License-Identifier: GPL-2.0
/*
 * stress_ops.c - the operations of flbench stress on files and mappings,
 * revoke and unbind, and what each result may be.  Every call's result is
 * compared with what CONFIG.md documents for the state the harness knows
 * (a strategy change on a mapped file is EBUSY, a stale file after an
 * unbind ENODEV, growing a PFNMAP mapping EFAULT, ...).  The accesses,
 * fork and mprotect are in stress_access.c.
 *
 * An operation whose slot is not in the state it needs (no mapping to
 * unmap, a hole to punch in one page) is a skip, recorded as such: the
 * schedule never depends on results, so a seed replays.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "stress.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#endif

/* ---------------------------------------------------------------- files */

/* Find the node of the device labelled @label (after a rebind). */
static int fl_sfind_node(const char *label, char *path, size_t len)
{
	char p[96], buf[64];
	int i;

	for (i = 0; i < 256; i++) {
		snprintf(p, sizeof(p), "/sys/class/misc/faultline%d/label", i);
		if (fl_read_file(p, buf, sizeof(buf)))
			continue;
		if (!strcmp(buf, label)) {
			snprintf(path, len, "/dev/faultline%d", i);
			return 0;
		}
	}
	return -1;
}

int fl_sdev_open(struct fl_stress *st, int d, int *inc, char *why,
		 size_t len)
{
	struct fl_sdev *dv = &st->dev[d];
	int fd, e;

	pthread_rwlock_rdlock(&dv->open_lock);
	*inc = atomic_load(&st->sh[d].inc);
	fd = open(dv->path, O_RDWR | O_CLOEXEC);
	e = errno;
	pthread_rwlock_unlock(&dv->open_lock);
	if (fd < 0)
		return fl_sys(why, len, e, "open", "%s", dv->path);
	return fd;
}

bool fl_sstale(struct fl_stress *st, int d, int inc)
{
	return inc <= atomic_load(&st->sh[d].dying_inc);
}

/* ... and once the unbind has returned: ENODEV is the only answer. */
static bool fl_sdead(struct fl_stress *st, int d, int inc)
{
	return inc <= atomic_load(&st->sh[d].dead_inc);
}

static int fl_sget_strategy(int fd, struct fl_strategy *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	return ioctl(fd, FL_IOC_GET_STRATEGY, s);
}

static void fl_sclose_fd(struct fl_sslot *sl)
{
	fl_sring_free(sl);
	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
	sl->m_via_fd = false;
}

/*
 * Give the slot a live file of device @d: reopen after an unbind or for
 * another device.  Returns 0, or -1 (the run failed).
 */
static int fl_sslot_file(struct fl_stress *st, struct fl_sthr *me,
			 struct fl_sslot *sl, int d)
{
	char why[FL_WHY_LEN];

	if (sl->fd >= 0 && sl->fd_dev == d && !fl_sstale(st, d, sl->fd_inc))
		return 0;
	fl_sclose_fd(sl);
	sl->fd = fl_sdev_open(st, d, &sl->fd_inc, why, sizeof(why));
	if (sl->fd < 0) {
		fl_stress_fail(st, me, "%s", why);
		return -1;
	}
	sl->fd_dev = d;
	if (fl_sget_strategy(sl->fd, &sl->cfg)) {
		/* The device may have gone in between. */
		if (errno == ENODEV && fl_sstale(st, d, sl->fd_inc))
			return 0;
		fl_stress_fail(st, me, "ioctl(%s, FL_IOC_GET_STRATEGY): %s",
			       st->dev[d].path, fl_errno_name(errno));
		return -1;
	}
	fl_strace_note(me, "opened %s", st->dev[d].path);
	return 0;
}

/* A call on a file of a removed device: ENODEV is the documented answer. */
static int fl_sexpect_enodev(struct fl_stress *st, struct fl_sthr *me,
			     struct fl_sslot *sl, int ret, int err,
			     const char *call)
{
	if (ret == -1 && err == ENODEV) {
		fl_strace_note(me, "%s on a removed device: ENODEV", call);
		fl_sclose_fd(sl);
		return FL_SOK;
	}
	fl_stress_fail(st, me, "%s on a file of a removed device: %s, CONFIG.md documents ENODEV",
		       call, ret ? fl_errno_name(err) : "success");
	return -1;
}

/* ------------------------------------------------------------- mappings */

static enum fl_cache_mode fl_sresolve_cache(const struct fl_sdev *dv,
					    unsigned int cache)
{
	return cache == FL_CACHE_DEFAULT ? dv->info.default_cache : cache;
}

/*
 * An address for @len bytes at device offset @off placed as @mode asks:
 * reserve address space (PROT_NONE) and return the place inside it; the
 * caller maps there with MAP_FIXED and gives back the rest with
 * fl_strim().  @res/@rlen describe the reservation.
 */
static char *fl_splace(uint64_t off, uint64_t len, unsigned int mode,
		       uint64_t misalign, char **res, uint64_t *rlen)
{
	uint64_t span = len + FL_GIB + 4 * FL_MIB, r, t;
	void *p;

	p = mmap(NULL, span, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*res = p;
	*rlen = span;
	r = (uint64_t)(uintptr_t)p;
	/* The offset within 1 GiB the address must have. */
	t = off % FL_GIB;
	if (mode == FL_SADDR_PMD)
		t += 2 * FL_MIB;	/* same in the 2 MiB unit, not in 1 GiB */
	else if (mode == FL_SADDR_MISALIGNED)
		t += misalign * FL_PAGE_SIZE;
	return (char *)(uintptr_t)(r + (t + FL_GIB - r % FL_GIB) % FL_GIB);
}

/* Give back the reservation around [@a, @a + @len). */
static void fl_strim(char *res, uint64_t rlen, char *a, uint64_t len)
{
	char *end = res + rlen;

	if (a > res)
		munmap(res, (size_t)(a - res));
	if (a + len < end)
		munmap(a + len, (size_t)(end - (a + len)));
}

/* A mapping of device @d in @mode begins (before its mmap()) or ends. */
static void fl_smode_get(struct fl_stress *st, int d, unsigned int mode)
{
	atomic_fetch_add(&st->sh[d].mode_users[mode], 1);
	atomic_fetch_add(&st->sh[d].mode_adds, 1);
}

static void fl_smode_put(struct fl_stress *st, int d, unsigned int mode)
{
	atomic_fetch_sub(&st->sh[d].mode_users[mode], 1);
}

/* Is a mapping of device @d in a mode other than @mode counted? */
static bool fl_sother_mode(struct fl_stress *st, int d, unsigned int mode)
{
	unsigned int m;

	for (m = 0; m < FL_CACHE_NR; m++)
		if (m != mode && atomic_load(&st->sh[d].mode_users[m]))
			return true;
	return false;
}

/*
 * May an mmap() in @mode get EBUSY?  When a mapping in another mode was
 * live at some point of the call: counted when the call began (@other0),
 * begun during it (the device's mapping count @adds0 moved), or counted
 * still; or when a fork child held copies.  Looking only after the call
 * is not enough: another thread may unmap the other mode meanwhile (a
 * 10-minute run failed that way).
 */
static bool fl_sebusy_ok(struct fl_stress *st, int d, unsigned int mode,
			 uint64_t fork_gen0, bool other0, uint64_t adds0)
{
	if (atomic_load(&st->children) ||
	    atomic_load(&st->fork_gen) != fork_gen0)
		return true;
	return other0 || atomic_load(&st->sh[d].mode_adds) != adds0 ||
	       fl_sother_mode(st, d, mode);
}

static void fl_sunmap_all(struct fl_stress *st, struct fl_sthr *me,
			  struct fl_sslot *sl)
{
	int i;

	for (i = 0; i < sl->npieces; i++)
		if (munmap(sl->piece[i].addr, sl->piece[i].len))
			fl_stress_fail(st, me, "munmap(%p, 0x%llx): %s",
				       (void *)sl->piece[i].addr,
				       (unsigned long long)sl->piece[i].len,
				       fl_errno_name(errno));
	if (sl->npieces)
		fl_smode_put(st, sl->m_dev, sl->m_cache);
	sl->npieces = 0;
	sl->m_via_fd = false;
}

void fl_sslot_release(struct fl_stress *st, struct fl_sthr *me,
		      struct fl_sslot *sl)
{
	fl_sunmap_all(st, me, sl);
	fl_sclose_fd(sl);
}

static int fl_sop_mmap(struct fl_stress *st, struct fl_sthr *me,
		       struct fl_sslot *sl, const struct fl_sop_args *op)
{
	struct fl_sdev *dv = &st->dev[op->dev];
	int prot = PROT_READ | (op->prot_ro ? 0 : PROT_WRITE), err, inc;
	uint64_t rlen = 0, fork_gen0, adds0;
	char *res = NULL, *a, *m;
	unsigned int mode;
	bool other0;

	fl_sunmap_all(st, me, sl);
	if (fl_sslot_file(st, me, sl, op->dev))
		return -1;
	if (fl_sdead(st, op->dev, sl->fd_inc)) {
		m = mmap(NULL, FL_PAGE_SIZE, prot, MAP_SHARED, sl->fd, 0);
		err = errno;
		if (m != MAP_FAILED)
			munmap(m, FL_PAGE_SIZE);
		return fl_sexpect_enodev(st, me, sl, m == MAP_FAILED ? -1 : 0,
					 err, "mmap");
	}
	mode = fl_sresolve_cache(dv, sl->cfg.cache);
	inc = sl->fd_inc;
	fork_gen0 = atomic_load(&st->fork_gen);
	adds0 = atomic_load(&st->sh[op->dev].mode_adds);
	other0 = fl_sother_mode(st, op->dev, mode);
	fl_smode_get(st, op->dev, mode);
	if (op->addr_mode == FL_SADDR_KERNEL) {
		m = mmap(NULL, op->len, prot, MAP_SHARED, sl->fd, (off_t)op->off);
	} else {
		a = fl_splace(op->off, op->len, op->addr_mode, op->misalign,
			      &res, &rlen);
		if (!a) {
			fl_smode_put(st, op->dev, mode);
			fl_stress_fail(st, me, "mmap: reserving 0x%llx bytes of address space: %s",
				       (unsigned long long)(op->len + FL_GIB),
				       fl_errno_name(errno));
			return -1;
		}
		m = mmap(a, op->len, prot, MAP_SHARED | MAP_FIXED, sl->fd,
			 (off_t)op->off);
	}
	err = errno;
	if (res)
		fl_strim(res, rlen, m == MAP_FAILED ? res + rlen : m,
			 m == MAP_FAILED ? 0 : op->len);
	if (m == MAP_FAILED) {
		fl_smode_put(st, op->dev, mode);
		if (err == EBUSY &&
		    fl_sebusy_ok(st, op->dev, mode, fork_gen0, other0, adds0 + 1)) {
			fl_strace_note(me, "EBUSY: another caching mode is mapped");
			me->cur->err = err;
			return FL_SOK;
		}
		if (err == ENODEV && fl_sstale(st, op->dev, inc))
			return fl_sexpect_enodev(st, me, sl, -1, err, "mmap");
		fl_stress_fail(st, me, "mmap(%s, off 0x%llx, len 0x%llx, %s, strategy %s, cache %s): %s, which CONFIG.md does not document here",
			       dv->path, (unsigned long long)op->off,
			       (unsigned long long)op->len,
			       fl_saddr_name(op->addr_mode),
			       fl_strategy_name(sl->cfg.strategy),
			       fl_cache_name(mode), fl_errno_name(err));
		return -1;
	}
	sl->npieces = 1;
	sl->piece[0] = (struct fl_spiece){ .addr = m, .off = op->off,
					   .len = op->len };
	sl->m_dev = op->dev;
	sl->m_inc = inc;
	sl->m_via_fd = true;
	sl->m_ro = op->prot_ro;
	sl->m_strategy = sl->cfg.strategy;
	sl->m_cache = mode;
	sl->m_window = sl->cfg.window;
	sl->m_max_order = sl->cfg.max_order;
	fl_stally_add(me, op->dev, inc, sl->m_strategy, FL_ST_MMAP, 1);
	me->maps[op->dev][sl->m_strategy]++;
	me->max_map[op->dev] = FL_MAX(me->max_map[op->dev], op->len);
	if (sl->m_strategy == FL_STRAT_REMAP_MMAP)
		fl_stally_add(me, op->dev, inc, sl->m_strategy, FL_ST_FILL,
			      op->len / FL_PAGE_SIZE);
	if (sl->m_strategy == FL_STRAT_REMAP_FAULT && !st->remap_fault_used) {
		st->remap_fault_used = true;
		fl_klog_expect_known(&st->klog, FL_KLOG_REMAP_FAULT);
	}
	fl_strace_note(me, "at %p, %s", (void *)m,
		       fl_strategy_name(sl->m_strategy));
	return FL_SOK;
}

/* -------------------------------------------------- mapping operations */

static int fl_sop_munmap(struct fl_stress *st, struct fl_sthr *me,
			 struct fl_sslot *sl)
{
	if (!sl->npieces)
		return FL_SSKIP;
	fl_sunmap_all(st, me, sl);
	return fl_stress_failed(st) ? -1 : FL_SOK;
}

static int fl_sop_punch(struct fl_stress *st, struct fl_sthr *me,
			struct fl_sslot *sl, const struct fl_sop_args *op)
{
	struct fl_spiece *pc = fl_spick(sl, op->rnd);
	uint64_t np, k, s, h;
	char *a;
	int sub = op->sub;

	if (!pc)
		return FL_SSKIP;
	np = pc->len / FL_PAGE_SIZE;
	if (sub == FL_SPUNCH_HOLE && sl->npieces == 2)
		sub = FL_SPUNCH_TAIL;
	if (np < (sub == FL_SPUNCH_HOLE ? 3U : 2U))
		return FL_SSKIP;
	switch (sub) {
	case FL_SPUNCH_HEAD:
		k = 1 + (op->rnd >> 8) % (np - 1);
		if (munmap(pc->addr, k * FL_PAGE_SIZE))
			goto fail;
		pc->addr += k * FL_PAGE_SIZE;
		pc->off += k * FL_PAGE_SIZE;
		pc->len -= k * FL_PAGE_SIZE;
		break;
	case FL_SPUNCH_TAIL:
		k = 1 + (op->rnd >> 8) % (np - 1);
		if (munmap(pc->addr + (np - k) * FL_PAGE_SIZE, k * FL_PAGE_SIZE))
			goto fail;
		pc->len -= k * FL_PAGE_SIZE;
		break;
	default:
		s = 1 + (op->rnd >> 8) % (np - 2);
		h = 1 + (op->rnd >> 32) % (np - 1 - s);
		a = pc->addr + s * FL_PAGE_SIZE;
		if (munmap(a, h * FL_PAGE_SIZE))
			goto fail;
		sl->piece[1] = (struct fl_spiece){
			.addr = a + h * FL_PAGE_SIZE,
			.off = pc->off + (s + h) * FL_PAGE_SIZE,
			.len = pc->len - (s + h) * FL_PAGE_SIZE,
		};
		pc->len = s * FL_PAGE_SIZE;
		sl->npieces = 2;
		break;
	}
	return FL_SOK;
fail:
	fl_stress_fail(st, me, "munmap of a part of %p+0x%llx: %s",
		       (void *)pc->addr, (unsigned long long)pc->len,
		       fl_errno_name(errno));
	return -1;
}

/*
 * Can a PUD entry map part of @pc?  Under huge with PUD entries allowed,
 * when a whole aligned GiB of it sits at a GiB-aligned device offset.
 */
static bool fl_spiece_pud(const struct fl_sslot *sl, const struct fl_spiece *pc)
{
	uintptr_t a = (uintptr_t)pc->addr;
	uintptr_t v = (a + FL_GIB - 1) & ~(uintptr_t)(FL_GIB - 1);

	return sl->m_strategy == FL_STRAT_HUGE &&
	       sl->m_max_order >= FL_ORDER_PUD &&
	       (a - pc->off) % FL_GIB == 0 && v + FL_GIB <= a + pc->len;
}

static int fl_sop_mremap(struct fl_stress *st, struct fl_sthr *me,
			 struct fl_sslot *sl, const struct fl_sop_args *op)
{
	struct fl_spiece *pc = fl_spick(sl, op->rnd);
	uint64_t np, nl, rlen = 0;
	char *res = NULL, *a;
	void *m;
	int err;

	if (!pc)
		return FL_SSKIP;
	np = pc->len / FL_PAGE_SIZE;
	switch (op->sub) {
	case FL_SREMAP_MOVE:
		a = fl_splace(pc->off, pc->len, op->addr_mode == FL_SADDR_KERNEL ?
			      FL_SADDR_ALIGNED : op->addr_mode, op->misalign,
			      &res, &rlen);
		if (!a) {
			fl_stress_fail(st, me, "mremap: reserving address space: %s",
				       fl_errno_name(errno));
			return -1;
		}
		/* 6.12 logs the PUD entry it drops as a bad one (tests/guest/driver/mremap.c). */
		if (fl_spiece_pud(sl, pc)) {
			atomic_fetch_add(&st->pud_mremaps, 1);
			fl_klog_expect_known(&st->klog, FL_KLOG_MREMAP_PUD);
		}
		m = mremap(pc->addr, pc->len, pc->len,
			   MREMAP_MAYMOVE | MREMAP_FIXED, a);
		err = errno;
		if (m == MAP_FAILED) {
			munmap(res, rlen);
			fl_stress_fail(st, me, "mremap(%p, 0x%llx) to %p: %s",
				       (void *)pc->addr,
				       (unsigned long long)pc->len, (void *)a,
				       fl_errno_name(err));
			return -1;
		}
		/* The part of the reservation under the new place is gone. */
		fl_strim(res, rlen, a, pc->len);
		fl_strace_note(me, "moved %p -> %p", (void *)pc->addr, m);
		pc->addr = m;
		return FL_SOK;
	case FL_SREMAP_SHRINK:
		if (np < 2)
			return FL_SSKIP;
		nl = (1 + (op->rnd >> 8) % (np - 1)) * FL_PAGE_SIZE;
		m = mremap(pc->addr, pc->len, nl, 0);
		if (m == MAP_FAILED || m != pc->addr) {
			fl_stress_fail(st, me, "mremap(%p, 0x%llx, 0x%llx) (shrink): %s",
				       (void *)pc->addr,
				       (unsigned long long)pc->len,
				       (unsigned long long)nl,
				       m == MAP_FAILED ? fl_errno_name(errno) :
				       "moved");
			return -1;
		}
		pc->len = nl;
		return FL_SOK;
	default:
		/* VM_DONTEXPAND | VM_PFNMAP: the kernel refuses to grow it. */
		m = mremap(pc->addr, pc->len, pc->len + FL_PAGE_SIZE,
			   MREMAP_MAYMOVE);
		err = errno;
		if (m != MAP_FAILED) {
			munmap(m, pc->len + FL_PAGE_SIZE);
			fl_smode_put(st, sl->m_dev, sl->m_cache);
			sl->npieces = 0;
			fl_stress_fail(st, me, "mremap grew a faultline mapping (%p, 0x%llx -> +4 KiB): CONFIG.md documents EFAULT",
				       (void *)pc->addr,
				       (unsigned long long)pc->len);
			return -1;
		}
		me->cur->err = err;
		if (err != EFAULT) {
			fl_stress_fail(st, me, "mremap growing %p+0x%llx: %s, CONFIG.md documents EFAULT",
				       (void *)pc->addr,
				       (unsigned long long)pc->len,
				       fl_errno_name(err));
			return -1;
		}
		return FL_SOK;
	}
}

/*
 * madvise() on a PFNMAP mapping: the kernel refuses MADV_DONTNEED
 * (EINVAL) and the MADV_POPULATE_* requests (GUP refuses VM_PFNMAP)
 * without calling the driver.
 */
static int fl_sop_madvise(struct fl_stress *st, struct fl_sthr *me,
			  struct fl_sslot *sl, const struct fl_sop_args *op)
{
	static const int advice[FL_SMADV_NR] = {
		MADV_DONTNEED, MADV_POPULATE_READ, MADV_POPULATE_WRITE,
	};
	static const char *const name[FL_SMADV_NR] = {
		"MADV_DONTNEED", "MADV_POPULATE_READ", "MADV_POPULATE_WRITE",
	};
	struct fl_spiece *pc = fl_spick(sl, op->rnd);
	int ret, err, want = EINVAL;

	if (!pc)
		return FL_SSKIP;
	ret = madvise(pc->addr, pc->len, advice[op->sub]);
	err = errno;
	me->cur->err = ret ? err : 0;
	if (ret == -1 && err == want)
		return FL_SOK;
	fl_stress_fail(st, me, "madvise(%p, 0x%llx, %s) on a faultline mapping: %s, CONFIG.md documents %s",
		       (void *)pc->addr, (unsigned long long)pc->len,
		       name[op->sub], ret ? fl_errno_name(err) : "success",
		       fl_errno_name(want));
	return -1;
}

/* -------------------------------------------------------------- files */

static int fl_sop_open(struct fl_stress *st, struct fl_sthr *me,
		       struct fl_sslot *sl, const struct fl_sop_args *op)
{
	fl_sclose_fd(sl);
	return fl_sslot_file(st, me, sl, op->dev) ? -1 : FL_SOK;
}

static int fl_sop_close(struct fl_sthr *me, struct fl_sslot *sl)
{
	if (sl->fd < 0)
		return FL_SSKIP;
	if (sl->npieces)
		fl_strace_note(me, "the mapping stays");
	fl_sclose_fd(sl);
	return FL_SOK;
}

/* What FL_IOC_SET_STRATEGY must answer (CONFIG.md, Errnos). */
static int fl_sstrategy_errno(const struct fl_stress *st, int d,
			      const struct fl_sop_args *op, bool busy)
{
	const struct fl_sdev *dv = &st->dev[d];
	unsigned int f = dv->info.features, cache = op->cache;

	if (op->strategy >= FL_STRAT_NR)
		return EINVAL;
	if (op->max_order != FL_ORDER_PTE && op->max_order != FL_ORDER_PMD &&
	    op->max_order != FL_ORDER_PUD)
		return EINVAL;
	if (op->window && (op->window > FL_WINDOW_MAX ||
			   (op->window & (op->window - 1))))
		return EINVAL;
	if (cache >= FL_CACHE_NR)
		return EINVAL;
	if (cache == FL_CACHE_DEFAULT)
		cache = dv->info.default_cache;
	if (cache == FL_CACHE_WB && dv->info.backing != FL_BACKING_RAM)
		return EINVAL;
	if (op->strategy == FL_STRAT_HUGE &&
	    (!(f & FL_FEAT_PMD_PFNMAP) ||
	     (op->max_order == FL_ORDER_PUD && !(f & FL_FEAT_PUD_PFNMAP))))
		return EOPNOTSUPP;
	return busy ? EBUSY : 0;
}

static int fl_sop_strategy(struct fl_stress *st, struct fl_sthr *me,
			   struct fl_sslot *sl, const struct fl_sop_args *op)
{
	struct fl_strategy s = {
		.size = sizeof(s), .strategy = op->strategy,
		.max_order = op->max_order, .window = op->window,
		.cache = op->cache,
	};
	uint64_t fork_gen0;
	int ret, err, want, d;
	bool busy;

	if (sl->fd < 0 && fl_sslot_file(st, me, sl, op->dev))
		return -1;
	d = sl->fd_dev;
	if (fl_sdead(st, d, sl->fd_inc)) {
		ret = ioctl(sl->fd, FL_IOC_SET_STRATEGY, &s);
		return fl_sexpect_enodev(st, me, sl, ret, errno,
					 "FL_IOC_SET_STRATEGY");
	}
	busy = sl->npieces && sl->m_via_fd;
	fork_gen0 = atomic_load(&st->fork_gen);
	ret = ioctl(sl->fd, FL_IOC_SET_STRATEGY, &s);
	err = ret ? errno : 0;
	me->cur->err = err;
	want = fl_sstrategy_errno(st, d, op, busy);
	if (err == want ||
	    (err == EBUSY && !want &&
	     (atomic_load(&st->children) || atomic_load(&st->fork_gen) != fork_gen0)) ||
	    (err == ENODEV && fl_sstale(st, d, sl->fd_inc))) {
		if (!err && fl_sget_strategy(sl->fd, &sl->cfg) &&
		    !(errno == ENODEV && fl_sstale(st, d, sl->fd_inc))) {
			fl_stress_fail(st, me, "FL_IOC_GET_STRATEGY: %s",
				       fl_errno_name(errno));
			return -1;
		}
		if (!err && op->strategy == FL_STRAT_HUGE)
			fl_strace_note(me, "huge, max order %u", op->max_order);
		if (want == EBUSY)
			fl_strace_note(me, "mapped: EBUSY as documented");
		return FL_SOK;
	}
	fl_stress_fail(st, me, "FL_IOC_SET_STRATEGY(%s, strategy %u, max_order %u, window %u, cache %u)%s: %s, CONFIG.md documents %s",
		       st->dev[d].path, op->strategy, op->max_order, op->window,
		       op->cache, busy ? " while mapped" : "",
		       err ? fl_errno_name(err) : "success",
		       want ? fl_errno_name(want) : "success");
	return -1;
}

/* -------------------------------------------------- revoke and unbind */

static void fl_ssleep_us(uint64_t us)
{
	struct timespec ts = { .tv_sec = (time_t)(us / 1000000),
			       .tv_nsec = (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int fl_sop_revoke(struct fl_stress *st, struct fl_sthr *me,
			 const struct fl_sop_args *op)
{
	struct fl_sdev_sh *sh = &st->sh[op->dev];
	struct fl_revoke r;
	char why[FL_WHY_LEN];
	int fd, inc, ret = FL_SOK, e;

	fd = fl_sdev_open(st, op->dev, &inc, why, sizeof(why));
	if (fd < 0) {
		fl_stress_fail(st, me, "%s", why);
		return -1;
	}
	atomic_fetch_add(&sh->revoking, 1);
	atomic_fetch_add(&sh->rev_gen, 1);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	if (ioctl(fd, FL_IOC_REVOKE, &r)) {
		e = errno;
		if (!(e == ENODEV && fl_sstale(st, op->dev, inc))) {
			fl_stress_fail(st, me, "ioctl(%s, FL_IOC_REVOKE): %s",
				       st->dev[op->dev].path, fl_errno_name(e));
			ret = -1;
		}
	} else {
		me->tally.revokes[op->dev][inc & 1]++;
		fl_strace_note(me, "%llu pages zapped",
			       (unsigned long long)r.zapped_pages);
	}
	fl_ssleep_us(op->hold_us);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	if (ioctl(fd, FL_IOC_RESTORE, &r)) {
		e = errno;
		if (!(e == ENODEV && fl_sstale(st, op->dev, inc)) && !ret) {
			fl_stress_fail(st, me, "ioctl(%s, FL_IOC_RESTORE): %s",
				       st->dev[op->dev].path, fl_errno_name(e));
			ret = -1;
		}
	}
	atomic_fetch_add(&sh->rev_gen, 1);
	atomic_fetch_sub(&sh->revoking, 1);
	close(fd);
	return ret;
}

/*
 * Remove the PCI device under every mapping (sysfs unbind) and bind it
 * again: old mappings SIGBUS from then on, old files answer ENODEV, the
 * new device (maybe another node) has the same label and the BAR's data.
 * At most one unbind every other checkpoint interval, so that counters
 * of a device get checked between them.
 */
static int fl_sop_unbind(struct fl_stress *st, struct fl_sthr *me,
			 const struct fl_sop_args *op)
{
	int d = op->dev;
	struct fl_sdev *dv = &st->dev[d];
	struct fl_sdev_sh *sh = &st->sh[d];
	char path[64];
	int ret = FL_SOK, e;

	if (!dv->pci || !st->unbind_available)
		return FL_SSKIP;
	if (pthread_mutex_trylock(&st->unbind_lock))
		return FL_SSKIP;
	if (dv->unbinds && st->epoch < dv->unbind_epoch + 2) {
		pthread_mutex_unlock(&st->unbind_lock);
		return FL_SSKIP;
	}
	pthread_rwlock_wrlock(&dv->open_lock);
	atomic_store(&sh->dying_inc, atomic_load(&sh->inc));
	e = fl_write_file("/sys/bus/pci/drivers/faultline/unbind", dv->bdf);
	if (!e)
		atomic_store(&sh->dead_inc, atomic_load(&sh->inc));
	if (e) {
		fl_stress_fail(st, me, "unbind %s: write(/sys/bus/pci/drivers/faultline/unbind): %s",
			       dv->bdf, fl_errno_name(-e));
		ret = -1;
		goto out;
	}
	if (!fl_sfind_node(dv->label, path, sizeof(path))) {
		fl_stress_fail(st, me, "unbind %s: %s still exists", dv->bdf,
			       path);
		ret = -1;
		goto out;
	}
	fl_ssleep_us(op->hold_us);
	e = fl_write_file("/sys/bus/pci/drivers/faultline/bind", dv->bdf);
	if (e) {
		fl_stress_fail(st, me, "bind %s: write(/sys/bus/pci/drivers/faultline/bind): %s",
			       dv->bdf, fl_errno_name(-e));
		ret = -1;
		goto out;
	}
	if (fl_sfind_node(dv->label, path, sizeof(path))) {
		fl_stress_fail(st, me, "bind %s: no faultline device labelled %s",
			       dv->bdf, dv->label);
		ret = -1;
		goto out;
	}
	snprintf(dv->path, sizeof(dv->path), "%s", path);
	atomic_fetch_add(&sh->inc, 1);
	dv->unbind_epoch = st->epoch;
	dv->unbinds++;
	fl_strace_note(me, "rebound as %s", path);
out:
	pthread_rwlock_unlock(&dv->open_lock);
	pthread_mutex_unlock(&st->unbind_lock);
	return ret;
}

/* ------------------------------------------------------ shared mapping */

void fl_sshared_drop(struct fl_stress *st, int d)
{
	struct fl_sdev *dv = &st->dev[d];

	if (dv->sh_map) {
		munmap(dv->sh_map, dv->lay.shared_len);
		fl_smode_put(st, d, dv->sh_cache);
	}
	dv->sh_map = NULL;
	if (dv->sh_fd >= 0)
		close(dv->sh_fd);
	dv->sh_fd = -1;
}

/*
 * (Re)make the shared mapping of device @d with a strategy drawn from
 * @rnd, at an address aligned like its offset (huge entries fit), all
 * threads quiesced.  Counted as the controller's.
 */
int fl_sshared_remake(struct fl_stress *st, int d, uint64_t rnd, char *why,
		      size_t len)
{
	struct fl_sdev *dv = &st->dev[d];
	struct fl_sthr *ctl = st->thr[st->c->nthreads];
	struct fl_strategy s;
	unsigned int ids[FL_STRAT_NR], n = 0, i, mode;
	uint64_t rlen;
	char *res, *a;
	void *m;

	fl_sshared_drop(st, d);
	if (!dv->lay.shared_len)
		return 0;
	for (i = 0; i < FL_STRAT_NR; i++)
		if ((st->cfg.strategies & (1U << i)) &&
		    (i != FL_STRAT_HUGE || (dv->info.features & FL_FEAT_PMD_PFNMAP)))
			ids[n++] = i;
	if (!n)
		return 0;
	dv->sh_fd = fl_sdev_open(st, d, &dv->sh_inc, why, len);
	if (dv->sh_fd < 0)
		return -1;
	if (fl_sget_strategy(dv->sh_fd, &s))
		return fl_sys(why, len, errno, "ioctl", "%s, FL_IOC_GET_STRATEGY",
			      dv->path);
	s.strategy = ids[rnd % n];
	s.cache = FL_CACHE_DEFAULT;
	s.size = sizeof(s);
	if (ioctl(dv->sh_fd, FL_IOC_SET_STRATEGY, &s))
		return fl_sys(why, len, errno, "ioctl",
			      "%s, FL_IOC_SET_STRATEGY %s (shared mapping)",
			      dv->path, fl_strategy_name(s.strategy));
	if (fl_sget_strategy(dv->sh_fd, &s))
		return fl_sys(why, len, errno, "ioctl", "%s, FL_IOC_GET_STRATEGY",
			      dv->path);
	mode = fl_sresolve_cache(dv, s.cache);
	a = fl_splace(dv->lay.shared_off, dv->lay.shared_len, FL_SADDR_ALIGNED,
		      0, &res, &rlen);
	if (!a)
		return fl_sys(why, len, errno, "mmap", "reserve for the shared mapping");
	fl_smode_get(st, d, mode);
	m = mmap(a, dv->lay.shared_len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, dv->sh_fd, (off_t)dv->lay.shared_off);
	if (m == MAP_FAILED) {
		int e = errno;

		munmap(res, rlen);
		fl_smode_put(st, d, mode);
		return fl_sys(why, len, e, "mmap", "%s, shared mapping at 0x%llx, 0x%llx bytes, %s",
			      dv->path, (unsigned long long)dv->lay.shared_off,
			      (unsigned long long)dv->lay.shared_len,
			      fl_strategy_name(s.strategy));
	}
	fl_strim(res, rlen, m, dv->lay.shared_len);
	dv->sh_map = m;
	dv->sh_strategy = s.strategy;
	dv->sh_window = s.window;
	dv->sh_max_order = s.max_order;
	dv->sh_cache = mode;
	dv->sh_epoch = st->epoch;
	fl_stally_add(ctl, d, dv->sh_inc, s.strategy, FL_ST_MMAP, 1);
	if (s.strategy == FL_STRAT_REMAP_MMAP)
		fl_stally_add(ctl, d, dv->sh_inc, s.strategy, FL_ST_FILL,
			      dv->lay.shared_len / FL_PAGE_SIZE);
	if (s.strategy == FL_STRAT_REMAP_FAULT && !st->remap_fault_used) {
		st->remap_fault_used = true;
		fl_klog_expect_known(&st->klog, FL_KLOG_REMAP_FAULT);
	}
	return 0;
}

/* ------------------------------------------------------------- dispatch */

int fl_sop_exec(struct fl_stress *st, struct fl_sthr *me,
		const struct fl_sop_args *op)
{
	struct fl_sslot *sl = &me->slot[op->slot];
	uint64_t *scratch = me->scratch;

	switch (op->kind) {
	case FL_SOP_OPEN:
		return fl_sop_open(st, me, sl, op);
	case FL_SOP_STRATEGY:
		return fl_sop_strategy(st, me, sl, op);
	case FL_SOP_MMAP:
		return fl_sop_mmap(st, me, sl, op);
	case FL_SOP_MUNMAP:
		return fl_sop_munmap(st, me, sl);
	case FL_SOP_PUNCH:
		return fl_sop_punch(st, me, sl, op);
	case FL_SOP_MREMAP:
		return fl_sop_mremap(st, me, sl, op);
	case FL_SOP_MPROTECT:
		return fl_sop_mprotect(st, me, sl, op, scratch);
	case FL_SOP_TOUCH:
	case FL_SOP_WRITE:
	case FL_SOP_READ:
		return fl_sop_access(st, me, sl, op, scratch);
	case FL_SOP_SHARED:
		return fl_sop_shared(st, me, op, scratch);
	case FL_SOP_FORK:
		return fl_sop_fork(st, me, sl, op, scratch);
	case FL_SOP_MADVISE:
		return fl_sop_madvise(st, me, sl, op);
	case FL_SOP_REVOKE:
		return fl_sop_revoke(st, me, op);
	case FL_SOP_CLOSE:
		return fl_sop_close(me, sl);
	case FL_SOP_UNBIND:
		return fl_sop_unbind(st, me, op);
	case FL_SOP_RING:
		if (!st->ring_available)
			return FL_SSKIP;
		if (fl_sslot_file(st, me, sl, op->dev))
			return -1;
		return fl_sring_op(st, me, sl, op);
	default:
		return FL_SSKIP;
	}
}
