// SPDX-License-Identifier: GPL-2.0
/*
 * errno - every bad use of the four vring ioctls gets its documented
 * errno (CONFIG.md, "Ring engine" and "Errnos"), nothing is registered by
 * a failed setup, and nothing reaches the kernel log.
 */
#include "vring.h"

#define NUM	64

static int fd;
static struct tring r;
static void *ring;

/* A setup of the test ring with one field changed by @fix. */
struct setup_case {
	const char *what;
	int err;
	void (*fix)(struct fl_vring_setup *s);
};

static void base(struct fl_vring_setup *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->mode = FL_VRING_UACCESS;
	s->num = NUM;
	s->batch = 16;
	s->kick_fd = -1;
	s->call_fd = -1;
	s->desc_addr = (uintptr_t)r.vr.desc;
	s->avail_addr = (uintptr_t)r.vr.avail;
	s->used_addr = (uintptr_t)r.vr.used;
}

static int efd_a, notfd, pipe_r;

static void f_mode(struct fl_vring_setup *s) { s->mode = FL_VRING_MODE_NR; }
static void f_num0(struct fl_vring_setup *s) { s->num = 0; }
static void f_num3(struct fl_vring_setup *s) { s->num = 48; }
static void f_numbig(struct fl_vring_setup *s) { s->num = FL_VRING_NUM_MAX * 2; }
static void f_batch0(struct fl_vring_setup *s) { s->batch = 0; }
static void f_batchbig(struct fl_vring_setup *s) { s->batch = FL_VRING_BATCH_MAX + 1; }
static void f_flags(struct fl_vring_setup *s) { s->flags = 2; }
static void f_pad(struct fl_vring_setup *s) { s->pad = 1; }
static void f_kick_nothread(struct fl_vring_setup *s) { s->kick_fd = efd_a; }
static void f_desc_align(struct fl_vring_setup *s) { s->desc_addr += 8; }
static void f_avail_align(struct fl_vring_setup *s) { s->avail_addr += 1; }
static void f_used_align(struct fl_vring_setup *s) { s->used_addr += 2; }
static void f_ov_desc_avail(struct fl_vring_setup *s) { s->avail_addr = s->desc_addr + 16 * NUM - 2; }
static void f_ov_desc_used(struct fl_vring_setup *s) { s->used_addr = s->desc_addr + 16; }
static void f_ov_avail_used(struct fl_vring_setup *s) { s->used_addr = s->avail_addr + 4 + 2 * NUM - 4; }
static void f_kernel(struct fl_vring_setup *s) { s->desc_addr = 0xffffffff81000000ULL; }
static void f_wrap(struct fl_vring_setup *s) { s->used_addr = 0xfffffffffffffff0ULL; }
static void f_call_badf(struct fl_vring_setup *s) { s->call_fd = notfd; }
static void f_call_neg(struct fl_vring_setup *s) { s->call_fd = -2; }
static void f_call_notev(struct fl_vring_setup *s) { s->call_fd = pipe_r; }
static void f_kick_badf(struct fl_vring_setup *s) { s->flags = FL_VRING_F_KTHREAD; s->kick_fd = notfd; }
static void f_kick_none(struct fl_vring_setup *s) { s->flags = FL_VRING_F_KTHREAD; }
static void f_kick_notev(struct fl_vring_setup *s) { s->flags = FL_VRING_F_KTHREAD; s->kick_fd = pipe_r; }

static const struct setup_case cases[] = {
	{ "unknown mode", EINVAL, f_mode },
	{ "num 0", EINVAL, f_num0 },
	{ "num 48 (not a power of two)", EINVAL, f_num3 },
	{ "num above FL_VRING_NUM_MAX", EINVAL, f_numbig },
	{ "batch 0", EINVAL, f_batch0 },
	{ "batch above FL_VRING_BATCH_MAX", EINVAL, f_batchbig },
	{ "unknown flag", EINVAL, f_flags },
	{ "pad not 0", EINVAL, f_pad },
	{ "kick_fd without FL_VRING_F_KTHREAD", EINVAL, f_kick_nothread },
	{ "desc 8-byte aligned", EINVAL, f_desc_align },
	{ "avail odd", EINVAL, f_avail_align },
	{ "used 2-byte aligned", EINVAL, f_used_align },
	{ "avail overlapping desc", EINVAL, f_ov_desc_avail },
	{ "used overlapping desc", EINVAL, f_ov_desc_used },
	{ "used overlapping avail", EINVAL, f_ov_avail_used },
	{ "desc at a kernel address", EFAULT, f_kernel },
	{ "used wrapping past the end of the address space", EFAULT, f_wrap },
	{ "call_fd not open", EBADF, f_call_badf },
	{ "call_fd -2", EBADF, f_call_neg },
	{ "call_fd a pipe", EINVAL, f_call_notev },
	{ "kthread, kick_fd not open", EBADF, f_kick_badf },
	{ "kthread, kick_fd -1", EBADF, f_kick_none },
	{ "kthread, kick_fd a pipe", EINVAL, f_kick_notev },
};

#define EXPECT_IOCTL(cmd, arg, err, fmt, ...) \
	KTAP_EXPECT_ERRNO(ioctl(fd, cmd, arg) == -1, err, fmt, ##__VA_ARGS__)

static void bad_setups(void)
{
	struct fl_vring_setup s;
	unsigned int i;
	int pipefd[2];

	efd_a = eventfd(0, EFD_CLOEXEC);
	notfd = 999;
	close(notfd);
	if (pipe(pipefd))
		ktap_bail("pipe: %s", strerror(errno));
	pipe_r = pipefd[0];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		base(&s);
		cases[i].fix(&s);
		EXPECT_IOCTL(FL_IOC_VRING_SETUP, &s, cases[i].err,
			     "SETUP %s: %s", cases[i].what, strerror(cases[i].err));
	}
	/* Nothing above registered a ring. */
	EXPECT_IOCTL(FL_IOC_VRING_TEARDOWN, 0, ENXIO,
		     "no ring registered by the failed setups: TEARDOWN ENXIO");

	/* The struct itself. */
	base(&s);
	s.size = FL_VRING_SETUP_SIZE_VER0 - 8;
	EXPECT_IOCTL(FL_IOC_VRING_SETUP, &s, EINVAL, "SETUP short struct: EINVAL");
	{
		union {
			struct fl_vring_setup s;
			uint8_t b[256];
		} u;

		memset(&u, 0, sizeof(u));
		base(&u.s);
		u.s.size = sizeof(u.s) + 8;
		u.b[sizeof(u.s) + 2] = 1;
		EXPECT_IOCTL(FL_IOC_VRING_SETUP, &u, E2BIG,
			     "SETUP with non-zero bytes past the struct: E2BIG");
	}
	base(&s);
	s.size = 4097;
	EXPECT_IOCTL(FL_IOC_VRING_SETUP, &s, E2BIG, "SETUP size 4097: E2BIG");
	EXPECT_IOCTL(FL_IOC_VRING_SETUP, NULL, EFAULT, "SETUP NULL: EFAULT");

	close(pipefd[0]);
	close(pipefd[1]);
}

static void no_ring(void)
{
	struct fl_vring_process p = { .size = sizeof(p) };
	struct fl_vring_stats st = { .size = sizeof(st) };

	EXPECT_IOCTL(FL_IOC_VRING_PROCESS, &p, ENXIO, "PROCESS without a ring: ENXIO");
	EXPECT_IOCTL(FL_IOC_VRING_STATS, &st, ENXIO, "STATS without a ring: ENXIO");
	EXPECT_IOCTL(FL_IOC_VRING_TEARDOWN, 0, ENXIO, "TEARDOWN without a ring: ENXIO");
}

static void with_ring(void)
{
	struct fl_vring_process p = { .size = sizeof(p) };
	struct fl_vring_stats st = { .size = sizeof(st) };
	struct fl_vring_setup s;
	int status = -1;
	pid_t pid;

	base(&s);
	if (ioctl(fd, FL_IOC_VRING_SETUP, &s)) {
		ktap_result(0, "SETUP of a good ring: %s", strerror(errno));
		return;
	}
	ktap_result(1, "SETUP of a good ring");
	EXPECT_IOCTL(FL_IOC_VRING_SETUP, &s, EBUSY, "second SETUP on the file: EBUSY");

	p.flags = 1;
	EXPECT_IOCTL(FL_IOC_VRING_PROCESS, &p, EINVAL, "PROCESS flags=1: EINVAL");
	p.flags = 0;
	p.size = FL_VRING_PROCESS_SIZE_VER0 - 4;
	EXPECT_IOCTL(FL_IOC_VRING_PROCESS, &p, EINVAL, "PROCESS short struct: EINVAL");
	EXPECT_IOCTL(FL_IOC_VRING_PROCESS, NULL, EFAULT, "PROCESS NULL: EFAULT");

	st.flags = 2;
	EXPECT_IOCTL(FL_IOC_VRING_STATS, &st, EINVAL, "STATS unknown flag: EINVAL");
	st.flags = 0;
	st.size = FL_VRING_STATS_SIZE_VER0 - 8;
	EXPECT_IOCTL(FL_IOC_VRING_STATS, &st, EINVAL, "STATS short struct: EINVAL");
	EXPECT_IOCTL(FL_IOC_VRING_STATS, (void *)8, EFAULT, "STATS wild pointer: EFAULT");
	st.size = FL_VRING_STATS_SIZE_VER0;
	KTAP_EXPECT(!ioctl(fd, FL_IOC_VRING_STATS, &st) &&
		    st.size == FL_VRING_STATS_SIZE_VER0,
		    "STATS with the first version's size: accepted, size kept");

	/* A forked child shares the file, not the address space. */
	pid = fork();
	if (pid == 0) {
		struct fl_vring_process c = { .size = sizeof(c) };

		_exit(!(ioctl(fd, FL_IOC_VRING_PROCESS, &c) == -1 && errno == EPERM));
	}
	waitpid(pid, &status, 0);
	KTAP_EXPECT(WIFEXITED(status) && !WEXITSTATUS(status),
		    "PROCESS from a forked child (another mm): EPERM");

	KTAP_EXPECT_ERRNO(ioctl(fd, FL_IOC_VRING_TEARDOWN, 1) == -1, EINVAL,
			  "TEARDOWN with an argument: EINVAL");
	KTAP_EXPECT(!ioctl(fd, FL_IOC_VRING_TEARDOWN, 0), "TEARDOWN");
	EXPECT_IOCTL(FL_IOC_VRING_TEARDOWN, 0, ENXIO, "second TEARDOWN: ENXIO");
	KTAP_EXPECT(!ioctl(fd, FL_IOC_VRING_SETUP, &s), "SETUP again after TEARDOWN");
	vr_teardown(fd);
}

static void kthread_busy(void)
{
	struct fl_vring_process p = { .size = sizeof(p) };
	struct fl_vring_setup s;
	int kick = eventfd(0, EFD_CLOEXEC);

	base(&s);
	s.flags = FL_VRING_F_KTHREAD;
	s.kick_fd = kick;
	if (ioctl(fd, FL_IOC_VRING_SETUP, &s)) {
		ktap_result(0, "SETUP with a kthread: %s", strerror(errno));
		return;
	}
	EXPECT_IOCTL(FL_IOC_VRING_PROCESS, &p, EBUSY, "PROCESS on a kthread ring: EBUSY");
	vr_teardown(fd);
	close(kick);
}

static void kmap_setups(void)
{
	struct fl_vring_setup s;
	uint8_t *hole;

	/* Pinning needs every ring page mapped, and the used ring writable. */
	hole = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole + PAGE, PAGE);
	base(&s);
	s.mode = FL_VRING_KMAP;
	s.num = 16;
	s.desc_addr = (uintptr_t)hole;
	s.avail_addr = (uintptr_t)hole + 16 * 16;
	s.used_addr = (uintptr_t)hole + PAGE;
	EXPECT_IOCTL(FL_IOC_VRING_SETUP, &s, EFAULT, "kmap SETUP, used ring unmapped: EFAULT");
	s.used_addr = (uintptr_t)hole + 2 * PAGE;
	mprotect(hole + 2 * PAGE, PAGE, PROT_READ);
	EXPECT_IOCTL(FL_IOC_VRING_SETUP, &s, EFAULT, "kmap SETUP, used ring read-only: EFAULT");
	mprotect(hole + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE);
	mprotect(hole, PAGE, PROT_READ);
	KTAP_EXPECT(!ioctl(fd, FL_IOC_VRING_SETUP, &s),
		    "kmap SETUP, desc and avail read-only: accepted");
	ioctl(fd, FL_IOC_VRING_TEARDOWN, 0);
	munmap(hole, 3 * PAGE);

	/* A ring that is never mapped is only refused by kmap. */
	base(&s);
	s.desc_addr = 0x10000;
	s.avail_addr = 0x20000;
	s.used_addr = 0x30000;
	KTAP_EXPECT(!ioctl(fd, FL_IOC_VRING_SETUP, &s),
		    "uaccess SETUP of unmapped addresses: accepted (checked on use)");
	ioctl(fd, FL_IOC_VRING_TEARDOWN, 0);
	s.mode = FL_VRING_KMAP;
	EXPECT_IOCTL(FL_IOC_VRING_SETUP, &s, EFAULT, "kmap SETUP of unmapped addresses: EFAULT");
	EXPECT_IOCTL(FL_IOC_VRING_TEARDOWN, 0, ENXIO, "... and nothing registered");
}

static void commands(void)
{
	EXPECT_IOCTL(_IO(FL_IOC_MAGIC, 0x44), NULL, ENOTTY,
		     "reserved command 0x44: ENOTTY");
	EXPECT_IOCTL(_IO(FL_IOC_MAGIC, 0x4f), NULL, ENOTTY,
		     "reserved command 0x4f: ENOTTY");
}

int main(void)
{
	char dev[64];
	int kmsg;

	ktap_start(0);
	fd = vr_open(dev, sizeof(dev));
	ring = vr_anon(tring_bytes(NUM));
	if (ring == MAP_FAILED)
		ktap_bail("no memory for the ring");
	tring_init(&r, ring, NUM, NULL, 0, 0);

	kmsg = fl_klog_mark();
	no_ring();
	bad_setups();
	with_ring();
	kthread_busy();
	kmap_setups();
	commands();
	KTAP_EXPECT_EQ_U64(fl_klog_new_lines(kmsg), 0,
			   "none of it wrote to the kernel log");
	close(fd);
	return ktap_finish();
}
