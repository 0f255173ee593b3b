// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_calls.c - the calls of flbench fuzz, by entry point and argument
 * class (fuzz.h), and what each class must get where the class alone
 * decides it (a size of 0 is EINVAL whatever the struct, a NULL pointer
 * EFAULT, an unknown number ENOTTY).  Pointers only ever point at memory
 * the fuzzer keeps for them: its own argument pages (the last one a
 * PROT_NONE guard), a read-only page, a scratch area that only the ring
 * uses, a small mapping of the device, or nowhere (NULL, unmapped,
 * kernel addresses); MAP_FIXED only lands in a reserved arena.  So a
 * call that a buggy driver lets through cannot corrupt the fuzzer.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "access.h"
#include "fuzz.h"
#include "ring.h"
#include "stress_sched.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC		0x80000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define FL_FZ_ARENA	(64 * FL_MIB)
#define FL_FZ_SCRATCH	(64 * FL_KIB)
#define FL_FZ_KERNEL_PTR	0xffff888000000000ULL

const struct fl_fz_ioc fl_fz_iocs[FL_FZ_NIOC] = {
	{ "FL_IOC_GET_INFO", FL_IOC_GET_INFO, sizeof(struct fl_info),
	  FL_INFO_SIZE_VER0, true },
	{ "FL_IOC_SET_STRATEGY", FL_IOC_SET_STRATEGY, sizeof(struct fl_strategy),
	  FL_STRATEGY_SIZE_VER0, false },
	{ "FL_IOC_GET_STRATEGY", FL_IOC_GET_STRATEGY, sizeof(struct fl_strategy),
	  FL_STRATEGY_SIZE_VER0, true },
	{ "FL_IOC_GET_COUNTERS", FL_IOC_GET_COUNTERS, sizeof(struct fl_counters),
	  FL_COUNTERS_SIZE_VER0, true },
	{ "FL_IOC_RESET_COUNTERS", FL_IOC_RESET_COUNTERS, 0, 0, false },
	{ "FL_IOC_SET_INJECT", FL_IOC_SET_INJECT, sizeof(struct fl_inject),
	  FL_INJECT_SIZE_VER0, false },
	{ "FL_IOC_GET_INJECT", FL_IOC_GET_INJECT, sizeof(struct fl_inject),
	  FL_INJECT_SIZE_VER0, true },
	{ "FL_IOC_REVOKE", FL_IOC_REVOKE, sizeof(struct fl_revoke),
	  FL_REVOKE_SIZE_VER0, true },
	{ "FL_IOC_RESTORE", FL_IOC_RESTORE, sizeof(struct fl_revoke),
	  FL_REVOKE_SIZE_VER0, true },
	{ "FL_IOC_VRING_SETUP", FL_IOC_VRING_SETUP, sizeof(struct fl_vring_setup),
	  FL_VRING_SETUP_SIZE_VER0, false },
	{ "FL_IOC_VRING_PROCESS", FL_IOC_VRING_PROCESS,
	  sizeof(struct fl_vring_process), FL_VRING_PROCESS_SIZE_VER0, true },
	{ "FL_IOC_VRING_STATS", FL_IOC_VRING_STATS, sizeof(struct fl_vring_stats),
	  FL_VRING_STATS_SIZE_VER0, true },
	{ "FL_IOC_VRING_TEARDOWN", FL_IOC_VRING_TEARDOWN, 0, 0, false },
};

enum { FL_IOC_I_SET_STRATEGY = 1, FL_IOC_I_SET_INJECT = 5,
       FL_IOC_I_REVOKE = 7, FL_IOC_I_RESTORE = 8, FL_IOC_I_VRING_SETUP = 9,
       FL_IOC_I_VRING_PROCESS = 10 };

/* ------------------------------------------------------------- classes */

enum {
	C_VALID, C_SZ_ZERO, C_SZ_BELOW, C_SZ_EXACT, C_SZ_LARGER_ZERO,
	C_SZ_LARGER_NONZERO, C_SZ_PAGE, C_SZ_ABOVE_PAGE, C_SZ_RANDOM,
	C_F_ZERO, C_F_MAX, C_F_NEG, C_F_RANDOM, C_P_NULL, C_P_UNMAPPED,
	C_P_KERNEL, C_P_RO, C_P_MIDSTRUCT, C_P_UNALIGNED, C_P_DEVMAP,
	C_F_UNALIGNED, C_F_OVERLAP, C_F_BADFD, C_IOC_NR
};

static const char *const fl_ioc_cls[C_IOC_NR] = {
	"valid", "size 0", "size below the first version", "size exact, random fields",
	"size larger, zero tail", "size larger, non-zero tail", "size 4096, zero tail",
	"size above 4096", "size random", "fields zero", "fields all ones",
	"fields negative", "fields random", "pointer NULL", "pointer unmapped",
	"pointer kernel", "pointer read-only page", "pointer ends mid-struct",
	"pointer unaligned", "pointer into a device mapping",
	"ring addresses unaligned", "ring parts overlapping", "ring eventfd bad",
};

enum { A_ZERO, A_ONE, A_PTR, A_NEG, A_RANDOM, A_NR };

static const char *const fl_val_cls[A_NR] = {
	"argument 0", "argument 1", "argument a pointer", "argument -1",
	"argument random",
};

enum { U_F1_UNUSED, U_F1_DIRSIZE, U_OTHER_TYPE, U_RANDOM, U_NR };

static const char *const fl_unk_cls[U_NR] = {
	"magic 0xF1, unused number", "magic 0xF1, known number with dir/size bits",
	"another magic", "random 32 bits",
};

enum {
	M_VALID, M_PRIVATE, M_LEN0, M_LEN_PAST_BAR, M_LEN_HUGE, M_OFF_UNALIGNED,
	M_OFF_AT_END, M_OFF_LEN_PAST_END, M_OFF_HUGE, M_PROT_NONE, M_PROT_READ,
	M_PROT_EXEC, M_PROT_GARBAGE, M_RDONLY_FD_WRITE, M_WRONLY_FD,
	M_FIXED_ARENA, M_FIXED_UNALIGNED, M_FIXED_KERNEL, M_FIXED_NOREPLACE,
	M_VALIDATE_UNKNOWN, M_SYNC, M_HUGETLB, M_POPULATE_LOCKED, M_NO_TYPE,
	M_NR
};

static const char *const fl_mmap_cls[M_NR] = {
	"valid", "MAP_PRIVATE", "length 0", "length past the device",
	"length 2^62", "offset unaligned", "offset at the end",
	"offset + length past the end", "offset 2^62", "PROT_NONE", "PROT_READ",
	"PROT_EXEC", "unknown PROT bits", "PROT_WRITE on an O_RDONLY file",
	"O_WRONLY file", "MAP_FIXED in the arena", "MAP_FIXED unaligned",
	"MAP_FIXED kernel address", "MAP_FIXED_NOREPLACE over a mapping",
	"MAP_SHARED_VALIDATE unknown flag", "MAP_SYNC", "MAP_HUGETLB",
	"MAP_POPULATE|MAP_LOCKED", "no MAP_SHARED/PRIVATE",
};

enum { T_READ, T_WRITE, T_PROT_NONE, T_WRITE_RO, T_NR };

static const char *const fl_touch_cls[T_NR] = {
	"read", "write", "read of PROT_NONE", "write of PROT_READ",
};

enum { O_C_RDWR, O_C_RDONLY, O_C_WRONLY, O_C_NONBLOCK, O_C_APPEND, O_C_TRUNC,
       O_C_CREAT, O_C_EXCL, O_C_DIRECTORY, O_C_DIRECT, O_C_PATH, O_C_SYNC,
       O_C_NOFOLLOW, O_C_ACCMODE, O_C_NR };

static const char *const fl_open_cls[O_C_NR] = {
	"O_RDWR", "O_RDONLY", "O_WRONLY", "O_NONBLOCK", "O_APPEND", "O_TRUNC",
	"O_CREAT", "O_CREAT|O_EXCL", "O_DIRECTORY", "O_DIRECT", "O_PATH",
	"O_SYNC", "O_NOFOLLOW", "access mode 3",
};

enum { RW_LEN0, RW_PAGE, RW_NULL, RW_KERNEL, RW_DEVMAP, RW_NR };

static const char *const fl_rw_cls[RW_NR] = {
	"length 0", "length 4096", "buffer NULL", "buffer kernel",
	"buffer in a device mapping",
};

enum { L_SET0, L_SET_HUGE, L_CUR_NEG, L_END, L_DATA, L_HOLE, L_BAD, L_NR };

static const char *const fl_lseek_cls[L_NR] = {
	"SEEK_SET 0", "SEEK_SET 2^62", "SEEK_CUR -4096", "SEEK_END",
	"SEEK_DATA", "SEEK_HOLE", "whence 99",
};

enum { P_IN, P_OUT, P_ALL, P_NONE, P_NR };

static const char *const fl_poll_cls[P_NR] = {
	"POLLIN", "POLLOUT", "every event bit", "no events",
};

const char *fl_fz_ent_name(int ent)
{
	static const char *const n[FL_FZ_IOC_FIRST] = {
		"open", "mmap", "faults", "read", "write", "lseek", "poll",
		"ioctl (unknown numbers)",
	};

	return ent < FL_FZ_IOC_FIRST ? n[ent] :
	       fl_fz_iocs[ent - FL_FZ_IOC_FIRST].name;
}

const char *fl_fz_ent_doc(int ent)
{
	if (ent == FL_FZ_IOC_UNKNOWN)
		return "every ioctl";
	return fl_fz_ent_name(ent);
}

int fl_fz_ncls(int ent)
{
	switch (ent) {
	case FL_FZ_OPEN: return O_C_NR;
	case FL_FZ_MMAP: return M_NR;
	case FL_FZ_FAULT: return T_NR;
	case FL_FZ_READ:
	case FL_FZ_WRITE: return RW_NR;
	case FL_FZ_LSEEK: return L_NR;
	case FL_FZ_POLL: return P_NR;
	case FL_FZ_IOC_UNKNOWN: return U_NR;
	default:
		if (!fl_fz_iocs[ent - FL_FZ_IOC_FIRST].size)
			return A_NR;
		/* The ring's own address classes only for the ring setup. */
		return ent == FL_FZ_IOC_FIRST + FL_IOC_I_VRING_SETUP ?
		       C_IOC_NR : C_F_UNALIGNED;
	}
}

const char *fl_fz_cls_name(int ent, int cls)
{
	switch (ent) {
	case FL_FZ_OPEN: return fl_open_cls[cls];
	case FL_FZ_MMAP: return fl_mmap_cls[cls];
	case FL_FZ_FAULT: return fl_touch_cls[cls];
	case FL_FZ_READ:
	case FL_FZ_WRITE: return fl_rw_cls[cls];
	case FL_FZ_LSEEK: return fl_lseek_cls[cls];
	case FL_FZ_POLL: return fl_poll_cls[cls];
	case FL_FZ_IOC_UNKNOWN: return fl_unk_cls[cls];
	default:
		return fl_fz_iocs[ent - FL_FZ_IOC_FIRST].size ? fl_ioc_cls[cls] :
								 fl_val_cls[cls];
	}
}

/* ---------------------------------------------------------- per thread */

static void fl_fz_valid(struct fl_fz_thr *t, int i, void *buf);

int fl_fz_thread_setup(struct fl_fz *fz, struct fl_fz_thr *t, char *why,
		       size_t len)
{
	void *m;
	int i;

	t->fd = open(fz->dev, O_RDWR | O_CLOEXEC);
	t->fd_ro = open(fz->dev, O_RDONLY | O_CLOEXEC);
	t->fd_wo = open(fz->dev, O_WRONLY | O_CLOEXEC);
	t->fd_dm = open(fz->dev, O_RDWR | O_CLOEXEC);
	if (t->fd < 0 || t->fd_ro < 0 || t->fd_wo < 0 || t->fd_dm < 0)
		return fl_sys(why, len, errno, "open", "%s (fuzz thread %d)",
			      fz->dev, t->tid);
	{
		struct fl_strategy st = { .size = sizeof(st) };

		if (ioctl(t->fd, FL_IOC_GET_STRATEGY, &st))
			return fl_sys(why, len, errno, "ioctl",
				      "%s, FL_IOC_GET_STRATEGY", fz->dev);
		t->strategy = st.strategy;
	}
	t->kick_fd = eventfd(0, EFD_CLOEXEC);
	if (t->kick_fd < 0)
		return fl_sys(why, len, errno, "eventfd", "0");
	t->arena_len = FL_FZ_ARENA;
	m = mmap(NULL, t->arena_len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return fl_sys(why, len, errno, "mmap", "fuzz arena");
	t->arena = m;
	/* Two argument pages, then a guard. */
	m = mmap(NULL, 3 * FL_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return fl_sys(why, len, errno, "mmap", "argument pages");
	t->argbuf = m;
	if (mprotect(t->argbuf + 2 * FL_PAGE_SIZE, FL_PAGE_SIZE, PROT_NONE))
		return fl_sys(why, len, errno, "mprotect", "guard page");
	m = mmap(NULL, FL_FZ_NIOC * FL_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return fl_sys(why, len, errno, "mmap", "read-only pages");
	t->ropage = m;
	t->scratch_len = FL_FZ_SCRATCH;
	m = mmap(NULL, t->scratch_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return fl_sys(why, len, errno, "mmap", "ring scratch");
	t->scratch = m;
	/*
	 * Its own file (a mapping would make strategy changes EBUSY) and its
	 * own pages of the device (another thread's struct would be read).
	 */
	m = mmap(NULL, 2 * FL_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 t->fd_dm, (off_t)(2 * FL_PAGE_SIZE * (uint64_t)t->tid));
	if (m == MAP_FAILED)
		return fl_sys(why, len, errno, "mmap", "%s, 2 pages (pointer target)",
			      fz->dev);
	t->devmap = m;
	/* A valid struct of each ioctl in its read-only page. */
	for (i = 0; i < FL_FZ_NIOC; i++)
		if (fl_fz_iocs[i].size)
			fl_fz_valid(t, i, t->ropage + (uint64_t)i * FL_PAGE_SIZE);
	if (mprotect(t->ropage, FL_FZ_NIOC * FL_PAGE_SIZE, PROT_READ))
		return fl_sys(why, len, errno, "mprotect", "read-only pages");
	return 0;
}

void fl_fz_thread_teardown(struct fl_fz_thr *t)
{
	if (t->devmap)
		munmap(t->devmap, 2 * FL_PAGE_SIZE);
	if (t->scratch)
		munmap(t->scratch, t->scratch_len);
	if (t->ropage)
		munmap(t->ropage, FL_FZ_NIOC * FL_PAGE_SIZE);
	if (t->argbuf)
		munmap(t->argbuf, 3 * FL_PAGE_SIZE);
	if (t->arena)
		munmap(t->arena, t->arena_len);
	if (t->kick_fd >= 0)
		close(t->kick_fd);
	if (t->fd >= 0)
		close(t->fd);
	if (t->fd_ro >= 0)
		close(t->fd_ro);
	if (t->fd_wo >= 0)
		close(t->fd_wo);
	if (t->fd_dm >= 0)
		close(t->fd_dm);
	t->devmap = t->scratch = t->ropage = t->argbuf = t->arena = NULL;
	t->fd = t->fd_ro = t->fd_wo = t->fd_dm = t->kick_fd = -1;
}

static uint64_t fl_r(struct fl_fz_thr *t)
{
	return fl_srand(t->s);
}

static uint64_t fl_rb(struct fl_fz_thr *t, uint64_t n)
{
	return fl_srand_below(t->s, n);
}

/* ------------------------------------------------------------ ioctls */

/* A struct the driver accepts, in @buf (@size bytes, zeroed past it). */
static void fl_fz_valid(struct fl_fz_thr *t, int i,
			void *buf)
{
	const struct fl_fz_ioc *ioc = &fl_fz_iocs[i];
	static const uint32_t orders[] = { FL_ORDER_PTE, FL_ORDER_PMD,
					   FL_ORDER_PUD };

	memset(buf, 0, ioc->size);
	*(uint32_t *)buf = ioc->size;
	if (i == FL_IOC_I_SET_STRATEGY) {
		struct fl_strategy *s = buf;

		/*
		 * Not remap-fault: its faults print a WARNING each (the
		 * finding the stress records), which is slow and says nothing
		 * about errnos.
		 */
		do
			s->strategy = (uint32_t)fl_rb(t, FL_STRAT_NR);
		while (s->strategy == FL_STRAT_REMAP_FAULT);
		s->max_order = orders[fl_rb(t, 3)];
		s->window = 1U << fl_rb(t, 10);
		s->cache = FL_CACHE_DEFAULT;
	} else if (i == FL_IOC_I_SET_INJECT) {
		struct fl_inject *in = buf;

		/* Mostly harmless: short delays, errors now and then. */
		in->delay_ns = fl_rb(t, 2000);
		in->error_ppm = fl_rb(t, 8) ? 0 : (uint32_t)fl_rb(t, 1000);
	} else if (i == FL_IOC_I_VRING_SETUP) {
		struct fl_vring_setup *s = buf;
		struct fl_ring_layout l;
		struct fl_ring r;
		char why[FL_WHY_LEN];

		if (fl_ring_layout(&l, 1U << fl_rb(t, 4), 64, why, sizeof(why)) ||
		    l.len > t->scratch_len)
			return;
		fl_ring_init(&r, t->scratch, &l, false, fl_r(t));
		s->mode = (uint32_t)fl_rb(t, FL_VRING_MODE_NR);
		s->num = l.num;
		s->batch = 1 + (uint32_t)fl_rb(t, 8);
		s->kick_fd = -1;
		s->call_fd = fl_rb(t, 2) ? -1 : t->kick_fd;
		if (!fl_rb(t, 4)) {
			s->flags = FL_VRING_F_KTHREAD;
			s->kick_fd = t->kick_fd;
		}
		s->desc_addr = (uint64_t)(uintptr_t)r.desc;
		s->avail_addr = (uint64_t)(uintptr_t)r.avail;
		s->used_addr = (uint64_t)(uintptr_t)r.used;
		s->seq_base = fl_r(t);
	} else if (i == FL_IOC_I_VRING_PROCESS) {
		((struct fl_vring_process *)buf)->max = (uint32_t)fl_rb(t, 4);
	}
}

/* Fill the fields after @size with a pattern of class @cls. */
static void fl_fz_fields(struct fl_fz_thr *t, void *buf, uint32_t size,
			 int cls)
{
	unsigned char *b = buf;
	uint32_t k;

	for (k = 4; k < size; k++) {
		switch (cls) {
		case C_F_ZERO:
			b[k] = 0;
			break;
		case C_F_MAX:
			b[k] = 0xff;
			break;
		case C_F_NEG:
			/* Every 32-bit field 0x80000000: INT_MIN. */
			b[k] = (k & 3) == 3 ? 0x80 : 0;
			break;
		default:
			b[k] = (unsigned char)fl_r(t);
			break;
		}
	}
}

/* The ring setup's own classes: addresses in the scratch area only. */
static void fl_fz_ring_fields(struct fl_fz_thr *t, struct fl_vring_setup *s,
			      int cls)
{
	uint64_t base = (uint64_t)(uintptr_t)t->scratch;

	switch (cls) {
	case C_F_UNALIGNED:
		s->desc_addr = base + 1 + fl_rb(t, 15);
		s->avail_addr = base + 8192 + 1;
		s->used_addr = base + 16384 + 2;
		break;
	case C_F_OVERLAP:
		s->desc_addr = base;
		s->avail_addr = base + 16 * s->num / 2;
		s->used_addr = base + 8192;
		break;
	default:
		s->flags = FL_VRING_F_KTHREAD;
		s->kick_fd = fl_rb(t, 2) ? -2 - (int32_t)fl_rb(t, 1000) :
					   t->fd;	/* not an eventfd */
		break;
	}
}

/* What a known ioctl's class must get (FL_FZ_ANY: whatever is documented). */
static int fl_fz_ioc_expect(int i, int cls)
{
	const struct fl_fz_ioc *ioc = &fl_fz_iocs[i];

	switch (cls) {
	case C_SZ_ZERO:
	case C_SZ_BELOW:
		return EINVAL;
	case C_SZ_LARGER_NONZERO:
	case C_SZ_ABOVE_PAGE:
		return E2BIG;
	case C_P_NULL:
	case C_P_UNMAPPED:
	case C_P_KERNEL:
	case C_P_MIDSTRUCT:
		return EFAULT;
	case C_P_RO:
		/* Copied back, and nothing can fail first: EFAULT. */
		return ioc->out && i != FL_IOC_I_VRING_PROCESS &&
		       i != FL_IOC_I_VRING_PROCESS + 1 ? EFAULT : FL_FZ_ANY;
	case C_VALID:
		/* The getters cannot fail. */
		return ioc->out && i < FL_IOC_I_REVOKE ? 0 : FL_FZ_ANY;
	default:
		return FL_FZ_ANY;
	}
}

static void fl_fz_max(_Atomic uint64_t *v, uint64_t x)
{
	uint64_t cur = atomic_load(v);

	while (cur < x && !atomic_compare_exchange_weak(v, &cur, x))
		;
}

/* remap-fault's mappings warn when touched: from now on a finding. */
static void fl_fz_note_strategy(struct fl_fz *fz, struct fl_fz_thr *t)
{
	struct fl_strategy s = { .size = sizeof(s) };

	if (ioctl(t->fd, FL_IOC_GET_STRATEGY, &s))
		return;
	t->strategy = s.strategy;
	if (s.strategy == FL_STRAT_REMAP_FAULT &&
	    !atomic_exchange(&fz->remap_fault, true))
		fl_klog_expect_known(&fz->klog, FL_KLOG_REMAP_FAULT);
}

static void fl_fz_ioctl_struct(struct fl_fz *fz, struct fl_fz_thr *t, int i)
{
	const struct fl_fz_ioc *ioc = &fl_fz_iocs[i];
	int ent = FL_FZ_IOC_FIRST + i, cls = (int)fl_rb(t, (uint64_t)fl_fz_ncls(ent));
	uint32_t size = ioc->size, room = 2 * FL_PAGE_SIZE;
	char *buf = t->argbuf, *arg = buf;
	uint64_t tail, gen;
	int ret, err, expect = fl_fz_ioc_expect(i, cls);

	memset(buf, 0, room);
	fl_fz_valid(t, i, buf);
	switch (cls) {
	case C_VALID:
		break;
	case C_SZ_ZERO:
		size = 0;
		break;
	case C_SZ_BELOW:
		size = (uint32_t)fl_rb(t, ioc->ver0);
		break;
	case C_SZ_EXACT:
		fl_fz_fields(t, buf, size, C_F_RANDOM);
		break;
	case C_SZ_LARGER_ZERO:
		size += 1 + (uint32_t)fl_rb(t, 256);
		break;
	case C_SZ_LARGER_NONZERO:
		tail = 1 + fl_rb(t, 256);
		buf[size + fl_rb(t, tail)] = (char)(1 + fl_rb(t, 255));
		size += (uint32_t)tail;
		break;
	case C_SZ_PAGE:
		size = FL_PAGE_SIZE;
		break;
	case C_SZ_ABOVE_PAGE:
		size = FL_PAGE_SIZE + 1 + (uint32_t)fl_rb(t, 1U << 20);
		break;
	case C_SZ_RANDOM:
		size = (uint32_t)fl_r(t);
		if (size <= room)
			fl_fz_fields(t, buf, size, C_F_RANDOM);
		break;
	case C_F_ZERO:
	case C_F_MAX:
	case C_F_NEG:
	case C_F_RANDOM:
		fl_fz_fields(t, buf, size, cls);
		break;
	case C_P_NULL:
		arg = NULL;
		break;
	case C_P_UNMAPPED:
		/* The arena is reserved, never accessible. */
		arg = t->arena + fl_rb(t, t->arena_len - 8);
		break;
	case C_P_KERNEL:
		arg = (char *)(uintptr_t)(FL_FZ_KERNEL_PTR + fl_rb(t, 1ULL << 30));
		break;
	case C_P_RO:
		/* Made once: an mprotect per call would be a TLB shootdown each. */
		arg = t->ropage + (uint64_t)i * FL_PAGE_SIZE;
		break;
	case C_P_MIDSTRUCT:
		/* The size is readable, the rest runs into the guard page. */
		arg = buf + room - 4 - fl_rb(t, FL_MIN(size - 4, 64U));
		memcpy(arg, &size, 4);
		break;
	case C_P_UNALIGNED:
		arg = buf + 1 + fl_rb(t, 7);
		memmove(arg, buf, size);
		break;
	case C_P_DEVMAP:
		/* Written through the device: a revoke may be in the way. */
		t->jb_armed = 0;
		if (sigsetjmp(t->jb, 0))
			return;
		t->jb_armed = 1;
		memcpy(t->devmap, buf, FL_MIN(size, 2 * FL_PAGE_SIZE));
		t->jb_armed = 0;
		arg = t->devmap;
		break;
	default:
		fl_fz_ring_fields(t, (struct fl_vring_setup *)buf, cls);
		break;
	}
	if (cls != C_P_MIDSTRUCT && arg == buf)
		memcpy(buf, &size, 4);
	snprintf(t->cur.args, sizeof(t->cur.args), "%s(%p), size %u",
		 ioc->name, (void *)arg, size);
	if (i == FL_IOC_I_REVOKE)
		atomic_fetch_add(&fz->revokes, 1);
	gen = atomic_load(&fz->revokes);
	if (i == FL_IOC_I_SET_INJECT)
		atomic_store(&fz->inject_errors, 1);
	t->cur.ent = ent;
	t->cur.cls = cls;
	ret = ioctl(t->fd, ioc->cmd, arg);
	err = ret ? errno : 0;
	/* Restored: every revoke begun before this restore is undone. */
	if (i == FL_IOC_I_RESTORE && !err)
		fl_fz_max(&fz->restored_upto, gen);
	if (i == FL_IOC_I_SET_STRATEGY && !err)
		fl_fz_note_strategy(fz, t);
	fl_fz_record(fz, t, err, expect);
}

static void fl_fz_ioctl_value(struct fl_fz *fz, struct fl_fz_thr *t, int i)
{
	const struct fl_fz_ioc *ioc = &fl_fz_iocs[i];
	int cls = (int)fl_rb(t, A_NR), ret, err, expect;
	unsigned long arg;

	switch (cls) {
	case A_ZERO:
		arg = 0;
		break;
	case A_ONE:
		arg = 1;
		break;
	case A_PTR:
		arg = (unsigned long)(uintptr_t)t->argbuf;
		break;
	case A_NEG:
		arg = ~0UL;
		break;
	default:
		arg = (unsigned long)fl_r(t) | 1;
		break;
	}
	/* "arg must be 0"; the teardown has nothing to tear down without a ring. */
	expect = cls != A_ZERO ? EINVAL :
		 ioc->cmd == FL_IOC_RESET_COUNTERS ? 0 : FL_FZ_ANY;
	snprintf(t->cur.args, sizeof(t->cur.args), "%s, arg 0x%lx", ioc->name,
		 arg);
	t->cur.ent = FL_FZ_IOC_FIRST + i;
	t->cur.cls = cls;
	ret = ioctl(t->fd, ioc->cmd, arg);
	err = ret ? errno : 0;
	fl_fz_record(fz, t, err, expect);
}

/* The VFS answers these numbers itself (FIOCLEX, FIONBIO, FIGETBSZ...). */
static bool fl_fz_vfs_type(unsigned int type)
{
	return type == 'T' || type == 'X' || type == 'f' || type == 0x94 ||
	       type == 0 || type == 0x15;
}

static void fl_fz_ioctl_unknown(struct fl_fz *fz, struct fl_fz_thr *t)
{
	int cls = (int)fl_rb(t, U_NR), k, ret, err;
	unsigned long cmd = 0;
	unsigned int nr, type;
	bool known;

	do {
		switch (cls) {
		case U_F1_UNUSED:
			cmd = _IO(FL_IOC_MAGIC, fl_rb(t, 256));
			break;
		case U_F1_DIRSIZE:
			nr = (unsigned int)fl_rb(t, FL_FZ_NIOC);
			cmd = _IOC(1 + fl_rb(t, 3), FL_IOC_MAGIC,
				   _IOC_NR(fl_fz_iocs[nr].cmd), fl_rb(t, 1U << 14));
			break;
		case U_OTHER_TYPE:
			do
				type = (unsigned int)fl_rb(t, 256);
			while (type == FL_IOC_MAGIC || fl_fz_vfs_type(type));
			cmd = _IOC(fl_rb(t, 4), type, fl_rb(t, 256),
				   fl_rb(t, 1U << 14));
			break;
		default:
			cmd = (unsigned int)fl_r(t);
			break;
		}
		known = fl_fz_vfs_type(_IOC_TYPE(cmd));
		for (k = 0; k < FL_FZ_NIOC; k++)
			known |= cmd == fl_fz_iocs[k].cmd;
	} while (known);
	snprintf(t->cur.args, sizeof(t->cur.args), "ioctl 0x%lx", cmd);
	t->cur.ent = FL_FZ_IOC_UNKNOWN;
	t->cur.cls = cls;
	ret = ioctl(t->fd, cmd, t->argbuf);
	err = ret ? errno : 0;
	fl_fz_record(fz, t, err, ENOTTY);
}

/* --------------------------------------------------------------- mmap */

static void fl_fz_touch(struct fl_fz *fz, struct fl_fz_thr *t, char *m,
			uint64_t len, int prot)
{
	volatile char *p = m + fl_rb(t, len / FL_PAGE_SIZE) * FL_PAGE_SIZE;
	int cls = !(prot & PROT_READ) ? T_PROT_NONE :
		  fl_rb(t, 2) ? T_READ : prot & PROT_WRITE ? T_WRITE : T_WRITE_RO;
	uint64_t r0 = atomic_load(&fz->revokes), r1;

	t->cur.ent = FL_FZ_FAULT;
	t->cur.cls = cls;
	snprintf(t->cur.args, sizeof(t->cur.args), "%s at %p",
		 fl_touch_cls[cls], (void *)p);
	t->sig = 0;
	if (!sigsetjmp(t->jb, 0)) {
		t->jb_armed = 1;
		if (cls == T_READ || cls == T_PROT_NONE)
			(void)*p;
		else
			*p = 1;
		t->jb_armed = 0;
	}
	t->jb_armed = 0;
	if (t->sig == SIGBUS) {
		/* Allowed while revoked or with injected errors. */
		bool ok;

		r1 = atomic_load(&fz->revokes);
		ok = r1 != r0 || atomic_load(&fz->restored_upto) < r1 ||
		     atomic_load(&fz->inject_errors);

		fl_fz_record(fz, t, FL_FZ_SIGBUS, ok ? FL_FZ_ANY : 0);
		return;
	}
	fl_fz_record(fz, t, t->sig == SIGSEGV ? FL_FZ_SIGSEGV : 0,
		     cls == T_PROT_NONE || cls == T_WRITE_RO ? FL_FZ_SIGSEGV : 0);
}

/* A MAP_FIXED in the arena replaced (or, failing, may have unmapped) it. */
static void fl_fz_rereserve(struct fl_fz_thr *t, char *addr, uint64_t len)
{
	if (mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		fl_err("fuzz: thread %d: re-reserving the arena at %p: %s",
		       t->tid, (void *)addr, fl_errno_name(errno));
}

static void fl_fz_mmap(struct fl_fz *fz, struct fl_fz_thr *t)
{
	uint64_t bar = fz->info.bar_size, len, off, span;
	int cls = (int)fl_rb(t, M_NR), prot = PROT_READ | PROT_WRITE;
	int flags = MAP_SHARED, fd = t->fd, expect = FL_FZ_ANY, err;
	char *addr = NULL;
	void *m;

	len = (1 + fl_rb(t, 16)) * FL_PAGE_SIZE;
	off = fl_rb(t, (bar - len) / FL_PAGE_SIZE + 1) * FL_PAGE_SIZE;
	switch (cls) {
	case M_PRIVATE:
		flags = MAP_PRIVATE;
		expect = EINVAL;
		break;
	case M_LEN0:
		len = 0;
		expect = EINVAL;
		break;
	case M_LEN_PAST_BAR:
		len = bar + FL_PAGE_SIZE;
		off = 0;
		expect = EINVAL;
		break;
	case M_LEN_HUGE:
		len = 1ULL << 62;
		expect = ENOMEM;
		break;
	case M_OFF_UNALIGNED:
		off += 1 + fl_rb(t, FL_PAGE_SIZE - 1);
		expect = EINVAL;
		break;
	case M_OFF_AT_END:
		off = bar;
		expect = EINVAL;
		break;
	case M_OFF_LEN_PAST_END:
		off = bar - FL_PAGE_SIZE;
		len = 2 * FL_PAGE_SIZE;
		expect = EINVAL;
		break;
	case M_OFF_HUGE:
		off = 1ULL << 62;
		expect = EINVAL;
		break;
	case M_PROT_NONE:
		prot = PROT_NONE;
		expect = 0;
		break;
	case M_PROT_READ:
		prot = PROT_READ;
		expect = 0;
		break;
	case M_PROT_EXEC:
		prot |= PROT_EXEC;
		break;
	case M_PROT_GARBAGE:
		prot |= 0x70;
		break;
	case M_RDONLY_FD_WRITE:
		fd = t->fd_ro;
		expect = EACCES;
		break;
	case M_WRONLY_FD:
		fd = t->fd_wo;
		prot = PROT_WRITE;
		expect = EACCES;
		break;
	case M_FIXED_ARENA:
		span = t->arena_len / 2;
		addr = t->arena + fl_rb(t, (span - len) / FL_PAGE_SIZE) * FL_PAGE_SIZE;
		flags |= MAP_FIXED;
		break;
	case M_FIXED_UNALIGNED:
		addr = t->arena + 1 + fl_rb(t, FL_PAGE_SIZE - 1);
		flags |= MAP_FIXED;
		expect = EINVAL;
		break;
	case M_FIXED_KERNEL:
		addr = (char *)(uintptr_t)FL_FZ_KERNEL_PTR;
		flags |= MAP_FIXED;
		expect = ENOMEM;
		break;
	case M_FIXED_NOREPLACE:
		/* The upper half of the arena stays reserved. */
		addr = t->arena + t->arena_len / 2 +
		       fl_rb(t, t->arena_len / 2 / FL_PAGE_SIZE - 16) * FL_PAGE_SIZE;
		flags |= MAP_FIXED_NOREPLACE;
		expect = EEXIST;
		break;
	case M_VALIDATE_UNKNOWN:
		/* A bit no kernel knows (not even in LEGACY_MAP_MASK). */
		flags = MAP_SHARED_VALIDATE | 0x400000;
		expect = EOPNOTSUPP;
		break;
	case M_SYNC:
		flags = MAP_SHARED_VALIDATE | MAP_SYNC;
		expect = EOPNOTSUPP;
		break;
	case M_HUGETLB:
		flags |= MAP_HUGETLB;
		expect = EINVAL;
		break;
	case M_POPULATE_LOCKED:
		flags |= MAP_POPULATE | MAP_LOCKED;
		break;
	case M_NO_TYPE:
		flags = 0;
		expect = EINVAL;
		break;
	default:
		break;
	}
	snprintf(t->cur.args, sizeof(t->cur.args),
		 "mmap(%p, 0x%llx, prot 0x%x, flags 0x%x, fd %d, off 0x%llx)",
		 (void *)addr, (unsigned long long)len, prot, flags, fd,
		 (unsigned long long)off);
	t->cur.ent = FL_FZ_MMAP;
	t->cur.cls = cls;
	m = mmap(addr, len, prot, flags, fd, (off_t)off);
	err = m == MAP_FAILED ? errno : 0;
	fl_fz_record(fz, t, err, expect);
	/*
	 * A touch is a call too (not past --calls).  remap-fault's touches
	 * warn: not when random fields set it.
	 */
	if (m != MAP_FAILED && fd == t->fd && t->calls < t->target &&
	    t->strategy != FL_STRAT_REMAP_FAULT && fl_rb(t, 2))
		fl_fz_touch(fz, t, m, len, prot);
	if (cls == M_FIXED_ARENA)
		fl_fz_rereserve(t, addr, len);
	if (m == MAP_FAILED)
		return;
	if (cls != M_FIXED_ARENA)
		munmap(m, len);
}

/* ------------------------------------------------------- other calls */

static void fl_fz_open(struct fl_fz *fz, struct fl_fz_thr *t)
{
	static const int fl[O_C_NR] = {
		O_RDWR, O_RDONLY, O_WRONLY, O_RDWR | O_NONBLOCK,
		O_RDWR | O_APPEND, O_RDWR | O_TRUNC, O_RDWR | O_CREAT,
		O_RDWR | O_CREAT | O_EXCL, O_RDONLY | O_DIRECTORY,
		O_RDWR | O_DIRECT, O_PATH, O_RDWR | O_SYNC, O_RDWR | O_NOFOLLOW,
		O_ACCMODE,
	};
	int cls = (int)fl_rb(t, O_C_NR), fd, expect;

	expect = cls == O_C_EXCL ? EEXIST : cls == O_C_DIRECTORY ? ENOTDIR :
		 cls == O_C_DIRECT ? EINVAL : 0;
	snprintf(t->cur.args, sizeof(t->cur.args), "open(%s, 0%o)", fz->dev,
		 fl[cls]);
	t->cur.ent = FL_FZ_OPEN;
	t->cur.cls = cls;
	fd = open(fz->dev, fl[cls] | O_CLOEXEC, 0600);
	fl_fz_record(fz, t, fd < 0 ? errno : 0, expect);
	if (fd >= 0)
		close(fd);
}

static void fl_fz_rw(struct fl_fz *fz, struct fl_fz_thr *t, bool wr)
{
	int cls = (int)fl_rb(t, RW_NR);
	size_t n = cls == RW_LEN0 ? 0 : FL_PAGE_SIZE;
	char *buf = cls == RW_NULL ? NULL :
		    cls == RW_KERNEL ? (char *)(uintptr_t)FL_FZ_KERNEL_PTR :
		    cls == RW_DEVMAP ? t->devmap : t->argbuf;
	ssize_t r;

	snprintf(t->cur.args, sizeof(t->cur.args), "%s(%p, %zu)",
		 wr ? "write" : "read", (void *)buf, n);
	t->cur.ent = wr ? FL_FZ_WRITE : FL_FZ_READ;
	t->cur.cls = cls;
	/* The node has neither: the VFS says EINVAL before looking at the buffer. */
	r = wr ? write(t->fd, buf, n) : read(t->fd, buf, n);
	fl_fz_record(fz, t, r < 0 ? errno : 0, EINVAL);
}

static void fl_fz_lseek(struct fl_fz *fz, struct fl_fz_thr *t)
{
	static const int wh[L_NR] = { SEEK_SET, SEEK_SET, SEEK_CUR, SEEK_END,
				      SEEK_DATA, SEEK_HOLE, 99 };
	static const off_t offs[L_NR] = { 0, (off_t)1 << 62, -4096, 0, 0, 0, 0 };
	int cls = (int)fl_rb(t, L_NR);
	off_t r;

	snprintf(t->cur.args, sizeof(t->cur.args), "lseek(%lld, %d)",
		 (long long)offs[cls], wh[cls]);
	t->cur.ent = FL_FZ_LSEEK;
	t->cur.cls = cls;
	/*
	 * noop_llseek: the position stays 0 whatever is asked; a whence
	 * above SEEK_MAX the kernel refuses first.
	 */
	r = lseek(t->fd, offs[cls], wh[cls]);
	fl_fz_record(fz, t, r < 0 ? errno : 0, cls == L_BAD ? EINVAL : 0);
}

static void fl_fz_poll(struct fl_fz *fz, struct fl_fz_thr *t)
{
	static const short ev[P_NR] = { POLLIN, POLLOUT, (short)0xffff, 0 };
	int cls = (int)fl_rb(t, P_NR), r;
	struct pollfd p = { .fd = t->fd, .events = ev[cls] };

	snprintf(t->cur.args, sizeof(t->cur.args), "poll(events 0x%x)",
		 (unsigned int)(unsigned short)ev[cls]);
	t->cur.ent = FL_FZ_POLL;
	t->cur.cls = cls;
	r = poll(&p, 1, 0);
	fl_fz_record(fz, t, r < 0 ? errno : 0, 0);
}

/*
 * The mix: ioctls 78% (every known one alike but revoke and restore at
 * half, since each waits for an RCU grace period; unknown numbers about
 * one ioctl in seven), mmap 8% (with its touch the costliest call under
 * emulation: TLB shootdowns), open 3%, read, write and lseek 3% each,
 * poll 2%.
 */
static int fl_fz_pick_ioctl(struct fl_fz_thr *t)
{
	int w = 2 * FL_FZ_NIOC, r;

	r = (int)fl_rb(t, (uint64_t)w);
	/* Half of the draws of revoke and restore go to unknown numbers. */
	if (r == 2 * FL_IOC_I_REVOKE || r == 2 * FL_IOC_I_RESTORE)
		return FL_FZ_NIOC;
	return r / 2;
}

void fl_fz_one(struct fl_fz *fz, struct fl_fz_thr *t)
{
	uint64_t r = fl_rb(t, 100);
	int i;

	if (r < 78) {
		i = fl_fz_pick_ioctl(t);
		if (i >= FL_FZ_NIOC || !fl_rb(t, FL_FZ_NIOC))
			fl_fz_ioctl_unknown(fz, t);
		else if (fl_fz_iocs[i].size)
			fl_fz_ioctl_struct(fz, t, i);
		else
			fl_fz_ioctl_value(fz, t, i);
	} else if (r < 86) {
		fl_fz_mmap(fz, t);
	} else if (r < 89) {
		fl_fz_open(fz, t);
	} else if (r < 92) {
		fl_fz_rw(fz, t, false);
	} else if (r < 95) {
		fl_fz_rw(fz, t, true);
	} else if (r < 98) {
		fl_fz_lseek(fz, t);
	} else {
		fl_fz_poll(fz, t);
	}
}
