// SPDX-License-Identifier: GPL-2.0
/*
 * test_ring.c - the user side of the vring scenario (bench/lib/ring.c)
 * against a device written here from include/faultline.h's contract: the
 * layout, the producer and its checks (exact counts, every kind of bad
 * used entry detected and described), the header checksum, the memory
 * operations that invalidate ring memory (contents kept, pages replaced:
 * PFNs from /proc/self/pagemap when readable), and flbench vring itself
 * on the host: the io_uring peer runs, driver modes without a faultline
 * device are unsupported with a reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "ring.h"
#include "tap.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

static char why[FL_WHY_LEN];

/* ------------------------------------------------------------- device */

/*
 * The device side of the contract, as the driver implements it: take
 * available heads in order, check what it reads (sequence number from
 * seq_base on, checksum), fill what it writes, publish used entries.
 * @bad_* inject device misbehaviour for the producer's checks.
 */
struct dev {
	struct fl_ring *r;
	uint16_t last_avail, used_idx;
	uint64_t tx_seq, rx_seq;
	uint64_t seq_err, csum_err, bytes;
	int bad_seq, bad_byte, bad_id, bad_len, ahead;
};

static void dev_init(struct dev *d, struct fl_ring *r, uint64_t seq_base)
{
	memset(d, 0, sizeof(*d));
	d->r = r;
	d->tx_seq = d->rx_seq = seq_base;
}

static uint32_t dev_process(struct dev *d)
{
	struct fl_ring *r = d->r;
	uint32_t mask = r->l.num - 1, n = 0, head, len;
	uint16_t avail = __atomic_load_n(&r->avail->idx, __ATOMIC_ACQUIRE);
	struct vring_desc *de;
	struct fl_vring_hdr *h;
	unsigned char *buf;

	while (d->last_avail != avail) {
		head = r->avail->ring[d->last_avail & mask];
		de = &r->desc[head];
		buf = (unsigned char *)(uintptr_t)de->addr;
		h = (struct fl_vring_hdr *)buf;
		if (de->flags & VRING_DESC_F_WRITE) {
			fl_ring_fill(buf, d->rx_seq++, de->len - FL_RING_HDR_LEN);
			if (d->bad_seq && !--d->bad_seq)
				h->seq ^= 1;
			if (d->bad_byte && !--d->bad_byte)
				buf[FL_RING_HDR_LEN + 3] ^= 0x40;
			len = de->len;
		} else {
			if (h->seq != d->tx_seq)
				d->seq_err++;
			else if (h->csum != fl_vring_csum(h->seq, buf + FL_RING_HDR_LEN, h->len))
				d->csum_err++;
			d->tx_seq++;
			len = 0;
		}
		d->bytes += de->len;
		if (d->bad_len && !--d->bad_len)
			len--;
		if (d->bad_id && !--d->bad_id)
			head = (head + 1) & mask;
		r->used->ring[d->used_idx & mask].id = head;
		r->used->ring[d->used_idx & mask].len = len;
		d->used_idx++;
		d->last_avail++;
		n++;
	}
	__atomic_store_n(&r->used->idx, (uint16_t)(d->used_idx + d->ahead),
			 __ATOMIC_RELEASE);
	return n;
}

struct rig {
	struct fl_ring_layout l;
	struct fl_ring r;
	struct dev d;
	void *mem;
};

static int rig_new(struct rig *g, uint32_t num, uint32_t payload, bool rx)
{
	if (fl_ring_layout(&g->l, num, payload, why, sizeof(why)))
		return -1;
	g->mem = mmap(NULL, g->l.len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED)
		return -1;
	fl_ring_init(&g->r, g->mem, &g->l, rx, 1000);
	dev_init(&g->d, &g->r, 1000);
	return 0;
}

static void rig_free(struct rig *g)
{
	munmap(g->mem, g->l.len);
}

/* Until @total descriptors are done: post up to @batch, process, reap. */
static void rig_run(struct rig *g, uint64_t total, uint32_t batch)
{
	while (g->r.completed < total && !g->r.mismatches) {
		fl_ring_post(&g->r, (uint32_t)FL_MIN((uint64_t)batch,
						     total - g->r.posted));
		dev_process(&g->d);
		fl_ring_reap(&g->r);
	}
}

/* ------------------------------------------------------------- tests */

static void test_layout(void)
{
	struct fl_ring_layout l;
	int p, ok_align = 1;

	ok(!fl_ring_layout(&l, 256, 64, why, sizeof(why)), "layout of 256 entries, 64-byte payload");
	for (p = 0; p < FL_RING_NPARTS; p++)
		ok_align &= !(l.off[p] % FL_PAGE_SIZE);
	ok(ok_align, "every part starts on its own page");
	ok(l.size[FL_RING_DESC] == 4096 && l.size[FL_RING_AVAIL] == 516 &&
	   l.size[FL_RING_USED] == 2052,
	   "part sizes of the virtio spec without event fields: desc %llu avail %llu used %llu",
	   (unsigned long long)l.size[FL_RING_DESC],
	   (unsigned long long)l.size[FL_RING_AVAIL],
	   (unsigned long long)l.size[FL_RING_USED]);
	ok(l.buf_len == 80 && l.buf_stride == 128 && l.nbufs == 512 &&
	   l.size[FL_RING_BUFS] == 512 * 128,
	   "buffers: header + payload 80 bytes, stride 128, two per slot");
	ok(l.off[FL_RING_AVAIL] == 4096 && l.off[FL_RING_USED] == 8192 &&
	   l.off[FL_RING_BUFS] == 12288 && l.len == 12288 + 65536,
	   "offsets 0, 4096, 8192, 12288; length %llu", (unsigned long long)l.len);
	ok(!fl_ring_layout(&l, 1, 0, why, sizeof(why)) && l.len == 4 * FL_PAGE_SIZE,
	   "one entry, no payload: four pages");
	ok(!fl_ring_layout(&l, FL_VRING_NUM_MAX, 0, why, sizeof(why)) &&
	   l.size[FL_RING_DESC] == 16 * 32768ULL,
	   "32768 entries (the largest)");
	ok(fl_ring_layout(&l, 3, 0, why, sizeof(why)) && strstr(why, "power of two"),
	   "3 entries refused: %s", why);
	ok(fl_ring_layout(&l, 0, 0, why, sizeof(why)), "0 entries refused");
	ok(fl_ring_layout(&l, 65536, 0, why, sizeof(why)), "65536 entries refused");
	ok(fl_ring_layout(&l, 8, FL_RING_PAYLOAD_MAX + 1, why, sizeof(why)) &&
	   strstr(why, "payload"), "payload above 1M refused: %s", why);
}

static void test_checksum(void)
{
	unsigned char buf[FL_RING_HDR_LEN + 64];
	struct fl_vring_hdr *h = (struct fl_vring_hdr *)buf;

	ok(fl_vring_csum(0, NULL, 0) == 0x9be17165u,
	   "FNV-1a of seq 0, no payload: 0x9be17165 (got 0x%08x)",
	   fl_vring_csum(0, NULL, 0));
	ok(fl_vring_csum(0x0102030405060708ULL, (const unsigned char *)"abc", 3) == 0x7451521bu,
	   "FNV-1a of seq 0x0102030405060708 then \"abc\": 0x7451521b");
	fl_ring_fill(buf, 77, 64);
	ok(h->seq == 77 && h->len == 64 && buf[FL_RING_HDR_LEN] == 77 &&
	   buf[FL_RING_HDR_LEN + 63] == (unsigned char)(77 + 63),
	   "fill: header seq and len, payload byte i = seq + i");
	ok(!fl_ring_check(buf, 77, 64, why, sizeof(why)), "a filled buffer checks");
	ok(fl_ring_check(buf, 78, 64, why, sizeof(why)) && strstr(why, "seq 77, expected 78"),
	   "wrong sequence number: %s", why);
	ok(fl_ring_check(buf, 77, 63, why, sizeof(why)) && strstr(why, "len 64, expected 63"),
	   "wrong length: %s", why);
	buf[FL_RING_HDR_LEN + 10] ^= 1;
	ok(fl_ring_check(buf, 77, 64, why, sizeof(why)) && strstr(why, "payload byte 10"),
	   "corrupt payload byte: %s", why);
	buf[FL_RING_HDR_LEN + 10] ^= 1;
	h->csum ^= 0x100;
	ok(fl_ring_check(buf, 77, 64, why, sizeof(why)) && strstr(why, "csum"),
	   "corrupt checksum: %s", why);
}

static void test_tx_rx(void)
{
	struct rig g;
	uint64_t a0, a1;

	if (rig_new(&g, 64, 100, false)) {
		ok(0, "tx rig: %s", why);
		return;
	}
	ok(fl_ring_post(&g.r, 1000) == 64 && fl_ring_free(&g.r) == 0,
	   "post stops at a full ring (64 of 1000)");
	ok(g.r.avail->idx == 64, "avail idx published: %u", g.r.avail->idx);
	a0 = g.r.desc[0].addr;
	dev_process(&g.d);
	ok(fl_ring_reap(&g.r) == 64 && fl_ring_inflight(&g.r) == 0, "64 used entries consumed");
	fl_ring_post(&g.r, 1);
	a1 = g.r.desc[0].addr;
	ok(a1 == a0 + 64 * g.l.buf_stride,
	   "slot 0 uses the other buffer on the next lap (descriptor table changes)");
	dev_process(&g.d);
	fl_ring_reap(&g.r);
	rig_run(&g, 100000, 7);
	ok(g.r.completed == 100000 && g.r.posted == 100000,
	   "tx: 100000 descriptors in batches of 7 through a 64-entry ring (16-bit indices wrap)");
	ok(!g.r.mismatches && !g.d.seq_err && !g.d.csum_err,
	   "tx: the device saw every sequence number and checksum right (%llu seq, %llu csum errors), flbench no mismatch",
	   (unsigned long long)g.d.seq_err, (unsigned long long)g.d.csum_err);
	ok(g.d.tx_seq == 1000 + 100000 && g.r.tx_seq == g.d.tx_seq,
	   "tx sequence numbers from seq_base, one per descriptor");
	ok(g.d.bytes == 100000ULL * 116, "device read 100000 buffers of 116 bytes");
	rig_free(&g);

	if (rig_new(&g, 256, 0, true)) {
		ok(0, "rx rig: %s", why);
		return;
	}
	rig_run(&g, 5000, 32);
	ok(g.r.completed == 5000 && !g.r.mismatches,
	   "rx, empty payload: 5000 buffers written and checked");
	rig_free(&g);
	if (rig_new(&g, 8, 4096, true)) {
		ok(0, "rx rig: %s", why);
		return;
	}
	rig_run(&g, 3000, 8);
	ok(g.r.completed == 3000 && !g.r.mismatches && g.r.rx_seq == 4000,
	   "rx, 4 KiB payload: 3000 buffers written and checked, rx seq %llu",
	   (unsigned long long)g.r.rx_seq);
	rig_free(&g);
}

/* Run a rig with one injected device fault; the first mismatch is described. */
static void bad_case(const char *what, bool rx, size_t field, const char *want)
{
	struct rig g;

	if (rig_new(&g, 16, 32, rx)) {
		ok(0, "rig: %s", why);
		return;
	}
	/* The 40th descriptor (number 39, head 7) goes wrong. */
	*(int *)((char *)&g.d + field) = 40;
	rig_run(&g, 200, 4);
	ok(g.r.mismatches == 1 && strstr(g.r.err, want),
	   "%s detected at descriptor 39: %llu mismatch, %s", what,
	   (unsigned long long)g.r.mismatches, g.r.err);
	rig_free(&g);
}

static void test_mismatches(void)
{
	struct rig g;

	bad_case("rx: wrong sequence number", true,
		 offsetof(struct dev, bad_seq), "descriptor 39, head 7): header seq");
	bad_case("rx: corrupt payload", true,
		 offsetof(struct dev, bad_byte), "payload byte 3");
	bad_case("used entry with the wrong id", false,
		 offsetof(struct dev, bad_id), "id 8, expected 7");
	bad_case("rx: short used length", true,
		 offsetof(struct dev, bad_len), "len 47, expected 48 written");
	bad_case("tx: used length not 0", false,
		 offsetof(struct dev, bad_len), "len 4294967295, expected 0");
	if (rig_new(&g, 16, 32, false)) {
		ok(0, "rig: %s", why);
		return;
	}
	g.d.ahead = 1;
	fl_ring_post(&g.r, 4);
	dev_process(&g.d);
	ok(!fl_ring_reap(&g.r) && g.r.mismatches == 1 &&
	   strstr(g.r.err, "only 4 descriptors are in flight"),
	   "used idx ahead of what was posted: %s", g.r.err);
	rig_free(&g);
	if (rig_new(&g, 16, 32, true)) {
		ok(0, "rig: %s", why);
		return;
	}
	/* A device that publishes an entry without writing the buffer. */
	fl_ring_post(&g.r, 1);
	g.r.used->ring[0].id = 0;
	g.r.used->ring[0].len = g.l.buf_len;
	__atomic_store_n(&g.r.used->idx, 1, __ATOMIC_RELEASE);
	fl_ring_reap(&g.r);
	ok(g.r.mismatches == 1 && strstr(g.r.err, "header seq 18446744073709551615"),
	   "rx buffer the device did not write: poison seen: %s", g.r.err);
	rig_free(&g);
}

/* ------------------------------------------------------------ invalidation */

static uint64_t pfn_of(const void *a)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)a / FL_PAGE_SIZE * 8)) != 8)
		e = 0;
	close(fd);
	return e & ((1ULL << 55) - 1);
}

/* The protection /proc/self/maps shows for the VMA holding @a ("rw-p"). */
static void prot_of(const void *a, char *out)
{
	char line[512], perms[8];
	unsigned long s, e;
	FILE *f = fopen("/proc/self/maps", "r");

	strcpy(out, "?");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) == 3 &&
		    (uintptr_t)a >= s && (uintptr_t)a < e)
			strcpy(out, perms);
	if (f)
		fclose(f);
}

/* AnonHugePages (kB) of the VMA holding @a, -1 if not found. */
static long thp_kb(const void *a)
{
	char line[256];
	unsigned long s, e;
	long v = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && line[0] != ' ' &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = (uintptr_t)a >= s && (uintptr_t)a < e;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld", &v) == 1)
			break;
	}
	if (f)
		fclose(f);
	return v;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_minflt;
}

static void fill_pattern(unsigned char *p, size_t n, unsigned int k)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + k);
}

static int same_pattern(const unsigned char *p, size_t n, unsigned int k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 7 + k))
			return 0;
	return 1;
}

static void test_inval(void)
{
	struct fl_inval_mem m = { .unit = FL_PAGE_SIZE,
				  .prot = PROT_READ | PROT_WRITE };
	size_t len = 4 * FL_PAGE_SIZE;
	unsigned char *a, *pg;
	char prot[8];
	uint64_t p0, p1;
	long f0, f1;
	bool pfns;
	int ret;

	a = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED) {
		ok(0, "mmap of 16 KiB");
		return;
	}
	pg = a + FL_PAGE_SIZE;
	fill_pattern(a, len, 1);
	pfns = pfn_of(pg) != 0;
	if (!pfns)
		diag("no PFNs in /proc/self/pagemap (not root): page replacement not checked");

	ret = fl_inval_op(FL_INVAL_MPROTECT, &m, pg, 0, why, sizeof(why));
	ok(!ret, "mprotect op 0: %s", ret ? why : "ok");
	prot_of(pg, prot);
	ok(!strcmp(prot, "rwxp"), "mprotect op 0 adds PROT_EXEC to the page (%s)", prot);
	prot_of(a, prot);
	ok(!strcmp(prot, "rw-p"), "and only to it (the page before: %s)", prot);
	ret = fl_inval_op(FL_INVAL_MPROTECT, &m, pg, 1, why, sizeof(why));
	ok(!ret, "mprotect op 1: %s", ret ? why : "ok");
	prot_of(pg, prot);
	ok(!strcmp(prot, "rw-p"), "mprotect op 1 takes it back (%s)", prot);
	ok(same_pattern(a, len, 1), "mprotect flips keep the contents");

	m.save = malloc(FL_PAGE_SIZE);
	memset(m.save, 0, FL_PAGE_SIZE);
	f0 = minflt();
	ret = fl_inval_op(FL_INVAL_DONTNEED, &m, pg, 0, why, sizeof(why));
	f1 = minflt();
	ok(!ret, "dontneed op: %s", ret ? why : "ok");
	ok(same_pattern(a, len, 1), "MADV_DONTNEED and rewrite keep the contents");
	/*
	 * The page was dropped: writing it back faulted a fresh one in (its
	 * PFN may be the old one again, from the per-CPU free list; the
	 * driver's pin keeps the old page from being reused).
	 */
	ok(f1 - f0 == 1, "dontneed: the rewrite took exactly one fault (%ld)", f1 - f0);
	free(m.save);
	m.save = NULL;

	p0 = pfn_of(pg);
	ret = fl_inval_op(FL_INVAL_MREMAP, &m, pg, 0, why, sizeof(why));
	ok(!ret, "mremap op: %s", ret ? why : "ok");
	ok(same_pattern(a, len, 1), "mremap of a copy keeps the contents");
	if (pfns) {
		p1 = pfn_of(pg);
		ok(p1 && p1 != p0, "mremap puts the copy's page under the address (pfn %#llx -> %#llx)",
		   (unsigned long long)p0, (unsigned long long)p1);
	}
	prot_of(pg, prot);
	ok(!strcmp(prot, "rw-p"), "the moved page is read-write (%s)", prot);
	ok(fl_inval_op(FL_INVAL_MREMAP, &m, (char *)a + 1, 0, why, sizeof(why)) < 0 &&
	   strstr(why, "mremap"),
	   "a failing operation names the call: %s", why);
	munmap(a, len);
}

static void test_inval_thp(void)
{
	struct fl_inval_mem m = { .unit = 2 * FL_MIB,
				  .prot = PROT_READ | PROT_WRITE };
	char mode[128] = "";
	unsigned char *r, *a;
	uint64_t p0, p1;
	FILE *f;
	int ret;

	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			mode[0] = '\0';
		fclose(f);
	}
	if (!mode[0] || strstr(mode, "[never]")) {
		skip("THP not available here (%s)", mode[0] ? "never" : "no sysfs");
		return;
	}
	r = mmap(NULL, 4 * FL_MIB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED) {
		ok(0, "mmap of 4 MiB");
		return;
	}
	a = (unsigned char *)fl_align_up((uint64_t)(uintptr_t)r, 2 * FL_MIB);
	madvise(a, 2 * FL_MIB, MADV_HUGEPAGE);
	fill_pattern(a, 2 * FL_MIB, 3);
	if (madvise(a, 2 * FL_MIB, MADV_COLLAPSE) && errno == EINVAL) {
		skip("no MADV_COLLAPSE on this kernel (Linux 6.1+)");
		munmap(r, 4 * FL_MIB);
		return;
	}
	if (thp_kb(a) != 2048) {
		skip("no huge page behind the region (AnonHugePages %ld kB)", thp_kb(a));
		munmap(r, 4 * FL_MIB);
		return;
	}
	ret = fl_inval_op(FL_INVAL_THP, &m, a, 0, why, sizeof(why));
	ok(!ret, "thp op 0 (split): %s", ret ? why : "ok");
	ok(thp_kb(a) == 0, "thp op 0 splits the huge page (AnonHugePages %ld kB)", thp_kb(a));
	p0 = pfn_of(a);
	ret = fl_inval_op(FL_INVAL_THP, &m, a, 1, why, sizeof(why));
	ok(!ret, "thp op 1 (collapse): %s", ret ? why : "ok");
	ok(thp_kb(a) == 2048, "thp op 1 collapses it again (AnonHugePages %ld kB)", thp_kb(a));
	p1 = pfn_of(a);
	if (p0)
		ok(p1 != p0, "the collapse copied into a new huge page (pfn %#llx -> %#llx)",
		   (unsigned long long)p0, (unsigned long long)p1);
	ok(same_pattern(a, 2 * FL_MIB, 3), "split and collapse keep the contents");
	munmap(r, 4 * FL_MIB);
}

/* ------------------------------------------------------------- flbench */

static int run_flbench(const char *fb, const char *args, const char *out)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' vring %s --out '%s' --quiet >/dev/null 2>&1",
		 fb, args, out);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static struct fl_jv *load_case(const char *out, char **text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/result.json", out);
	*text = fl_slurp(path, NULL);
	return *text ? fl_jv_parse(*text, why, sizeof(why)) : NULL;
}

static const char *jstr(const struct fl_jv *v, const char *path)
{
	const struct fl_jv *x = fl_jv_path(v, path);

	return x && x->type == FL_JSTR ? x->str : "(none)";
}

static double jnum(const struct fl_jv *v, const char *path)
{
	const struct fl_jv *x = fl_jv_path(v, path);

	return x && x->type == FL_JNUM ? x->num : -1;
}

static void test_flbench(void)
{
	const char *fb = getenv("FLBENCH");
	char tmp[] = "/tmp/fl-ring-XXXXXX", out[600], *text;
	struct fl_jv *v;
	int rc;

	if (!fb) {
		ok(0, "FLBENCH names the flbench binary (tests/run and make check set it)");
		return;
	}
	if (!mkdtemp(tmp)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(out, sizeof(out), "%s/peer", tmp);
	rc = run_flbench(fb, "--target anon --mode io_uring --ring-size 64 --batch 16 --duration 20ms --reps 2 --warmup 0 --pings 50", out);
	v = load_case(out, &text);
	if (rc == 77 && v) {
		skip("io_uring unavailable here: %s", jstr(v, "cases.0.reason"));
	} else {
		ok(rc == 0 && v, "flbench vring --mode io_uring runs on the host (exit %d)", rc);
		ok(!strcmp(jstr(v, "cases.0.params.mode"), "io_uring") &&
		   fl_jv_path(v, "cases.0.params.kick")->type == FL_JNULL &&
		   jnum(v, "cases.0.params.inval_rate_hz") == 0 &&
		   jnum(v, "cases.0.params.ring_size") == 64,
		   "params: mode io_uring, kick null, inval_rate_hz 0, ring_size 64");
		ok(!strcmp(jstr(v, "cases.0.metrics.0.name"), "ops_per_s") &&
		   jnum(v, "cases.0.metrics.0.summary.n") == 2 &&
		   jnum(v, "cases.0.metrics.0.summary.median") > 0,
		   "ops_per_s: two samples, median %g", jnum(v, "cases.0.metrics.0.summary.median"));
		ok(!strcmp(jstr(v, "cases.0.histograms.0.name"), "rtt_ns") &&
		   jnum(v, "cases.0.histograms.0.count") == 100,
		   "rtt_ns holds the 2 x 50 round trips (%g)", jnum(v, "cases.0.histograms.0.count"));
		ok(jnum(v, "cases.0.scenario.checks.mismatches") == 0 &&
		   jnum(v, "cases.0.scenario.checks.stale_reads") == 0 &&
		   jnum(v, "cases.0.scenario.checks.descriptors") > 100,
		   "checks: no mismatch, no stale read, %g NOPs", jnum(v, "cases.0.scenario.checks.descriptors"));
	}
	fl_jv_free(v);
	free(text);

	snprintf(out, sizeof(out), "%s/nodev", tmp);
	rc = run_flbench(fb, "--target anon --mode kmap --duration 20ms --reps 1", out);
	v = load_case(out, &text);
	ok(rc == 77 && !strcmp(jstr(v, "cases.0.status"), "unsupported") &&
	   strstr(jstr(v, "cases.0.reason"), "faultline"),
	   "mode kmap without a faultline target: unsupported (exit %d): %s", rc,
	   jstr(v, "cases.0.reason"));
	fl_jv_free(v);
	free(text);

	snprintf(out, sizeof(out), "%s/bad", tmp);
	ok(run_flbench(fb, "--target anon --ring-size 8 --batch 16", out) == 2,
	   "--batch larger than --ring-size is refused (exit 2)");
	ok(run_flbench(fb, "--target anon --ring-size 12", out) == 2,
	   "--ring-size not a power of two is refused (exit 2)");
	ok(run_flbench(fb, "--target anon --inval-kind shred", out) == 2,
	   "an unknown --inval-kind is refused (exit 2)");
	snprintf(out, sizeof(out), "rm -rf '%s'", tmp);
	if (system(out))
		diag("could not remove %s", tmp);
}

int main(void)
{
	test_layout();
	test_checksum();
	test_tx_rx();
	test_mismatches();
	test_inval();
	test_inval_thp();
	test_flbench();
	return done_testing();
}
