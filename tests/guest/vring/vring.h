/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vring.h - helpers for the vring engine's guest tests: a split virtqueue
 * in memory the test chooses (anonymous, THP, hugetlb, a faultline BAR),
 * the user side of the header rules of include/faultline.h (transmit
 * chains with a sequence number and checksum, checked receive chains),
 * the four ioctls, and exact counter checks.
 *
 * Header-only, on top of the driver group's fltest.h; every helper that
 * can fail reports the call, its argument and errno on the KTAP stream.
 */
#ifndef VRING_TEST_H
#define VRING_TEST_H

#include <dirent.h>
#include <numaif.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <linux/virtio_ring.h>

#include "../driver/fltest.h"

#define HDR	((uint32_t)sizeof(struct fl_vring_hdr))

static const char *const vr_mode_names[FL_VRING_MODE_NR] = {
	"uaccess", "uaccess-batched", "kmap",
};

static const char *const vr_cnt_names[FL_VCNT_NR] = {
	"descs", "bytes", "batches", "kicks", "invalidations", "remaps",
	"retries", "seq_errors", "csum_errors", "ring_errors", "faults",
};

/*
 * A ring as its driver (user space) sees it.  Descriptor i owns the
 * payload buffer bufs + i * buf_size.  Chains take consecutive descriptors
 * (modulo num); the tests never have more than num of them outstanding.
 */
struct tring {
	unsigned int num;
	struct vring vr;
	uint8_t *bufs;
	uint32_t buf_size;
	uint16_t next_desc;
	uint16_t avail_idx;		/* next avail index to publish */
	uint16_t used_seen;		/* used entries checked so far */
	uint64_t seq_base;		/* both directions start here */
	uint64_t tx_seq;		/* next sequence number to send */
	uint64_t rx_seq;		/* next sequence number to receive */
	uint64_t bad;			/* check failures */
	/* What each head's chain was, for checking its used entry. */
	uint8_t *c_write;
	uint16_t *c_nbuf;
	uint32_t *c_len;
	uint32_t *c_payload;
};

/* Bytes of the ring parts with the legacy layout (used ring page-aligned). */
static inline size_t tring_bytes(unsigned int num)
{
	return vring_size(num, PAGE);
}

/* Lay a ring of @num entries out at @mem, buffers at @bufs. */
static inline void tring_init(struct tring *r, void *mem, unsigned int num,
			      void *bufs, uint32_t buf_size, uint64_t seq_base)
{
	free(r->c_write);
	free(r->c_nbuf);
	free(r->c_len);
	free(r->c_payload);
	memset(r, 0, sizeof(*r));
	r->num = num;
	vring_init(&r->vr, num, mem, PAGE);
	memset(mem, 0, tring_bytes(num));
	r->bufs = bufs;
	r->buf_size = buf_size;
	r->seq_base = seq_base;
	r->tx_seq = seq_base;
	r->rx_seq = seq_base;
	r->c_write = calloc(num, 1);
	r->c_nbuf = calloc(num, sizeof(uint16_t));
	r->c_len = calloc(num, sizeof(uint32_t));
	r->c_payload = calloc(num, sizeof(uint32_t));
}

static inline void tring_free(struct tring *r)
{
	free(r->c_write);
	free(r->c_nbuf);
	free(r->c_len);
	free(r->c_payload);
	memset(r, 0, sizeof(*r));
}

static inline uint8_t *tring_buf(struct tring *r, uint16_t d)
{
	return r->bufs + (size_t)d * r->buf_size;
}

/* The transmit payload pattern of @seq (any bytes would do: checksummed). */
static inline uint8_t tx_byte(uint64_t seq, uint32_t i)
{
	return (uint8_t)((seq * 131 + i * 7) ^ (i >> 8));
}

/*
 * Queue one chain of @nbuf descriptors without publishing it.  Transmit
 * (@write false): @len payload bytes after the header, spread over the
 * buffers as they fill, each buffer exactly as long as what it holds.
 * Receive: @nbuf whole buffers.  Returns the head.
 */
static inline uint16_t tring_add(struct tring *r, bool write, unsigned int nbuf,
				 uint32_t len)
{
	uint16_t head = r->next_desc, d = head;
	uint32_t left = HDR + len, total = 0;
	unsigned int j;

	for (j = 0; j < nbuf; j++) {
		uint32_t blen = write ? r->buf_size :
			(j == nbuf - 1 ? left : (left < r->buf_size ? left : r->buf_size));
		struct vring_desc *desc = &r->vr.desc[d];

		desc->addr = (uintptr_t)tring_buf(r, d);
		desc->len = blen;
		desc->flags = (write ? VRING_DESC_F_WRITE : 0) |
			      (j + 1 < nbuf ? VRING_DESC_F_NEXT : 0);
		desc->next = (d + 1) & (r->num - 1);
		if (!write)
			left -= blen;
		total += blen;
		d = (d + 1) & (r->num - 1);
	}
	r->next_desc = d;
	if (!write) {
		struct fl_vring_hdr h = { .seq = r->tx_seq++, .len = len };
		uint8_t *p = malloc(len + 1);
		uint32_t i, off = 0;

		for (i = 0; i < len; i++)
			p[i] = tx_byte(h.seq, i);
		h.csum = fl_vring_csum(h.seq, p, len);
		/* Scatter header + payload over the chain. */
		d = head;
		for (j = 0; j < nbuf; j++) {
			struct vring_desc *desc = &r->vr.desc[d];
			uint8_t *b = tring_buf(r, d);
			uint32_t n = desc->len, k = 0;

			if (!j) {
				memcpy(b, &h, HDR);
				k = HDR;
			}
			memcpy(b + k, p + off, n - k);
			off += n - k;
			d = desc->next;
		}
		free(p);
	} else {
		memset(tring_buf(r, head), 0xee, HDR);
	}
	r->c_write[head] = write;
	r->c_nbuf[head] = nbuf;
	r->c_len[head] = total;
	r->c_payload[head] = write ? total - HDR : len;
	r->vr.avail->ring[r->avail_idx & (r->num - 1)] = head;
	r->avail_idx++;
	return head;
}

/* Make the chains added so far available (the index after the entries). */
static inline void tring_publish(struct tring *r)
{
	__atomic_store_n(&r->vr.avail->idx, r->avail_idx, __ATOMIC_RELEASE);
}

/* Add and publish @n chains alike; returns the payload bytes queued. */
static inline uint64_t tring_push(struct tring *r, unsigned int n, bool write,
				  unsigned int nbuf, uint32_t len)
{
	uint64_t bytes = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t h = tring_add(r, write, nbuf, len);

		bytes += r->c_payload[h];
	}
	tring_publish(r);
	return bytes;
}

static inline uint16_t tring_used_idx(struct tring *r)
{
	return __atomic_load_n(&r->vr.used->idx, __ATOMIC_ACQUIRE);
}

/* Check one received chain: header, pattern and checksum. */
static inline int tring_check_rx(struct tring *r, uint16_t head)
{
	struct fl_vring_hdr h;
	uint32_t want_len = r->c_len[head] - HDR, off = 0, i, j, csum;
	uint8_t *p = malloc(want_len + 1);
	uint16_t d = head;
	int bad = 0;

	memcpy(&h, tring_buf(r, head), HDR);
	for (j = 0; j < r->c_nbuf[head]; j++) {
		uint32_t k = j ? 0 : HDR, n = r->vr.desc[d].len - k;

		memcpy(p + off, tring_buf(r, d) + k, n);
		off += n;
		d = r->vr.desc[d].next;
	}
	if (h.seq != r->rx_seq || h.len != want_len) {
		ktap_print_msg("rx head %u: seq %llu len %u, want seq %llu len %u",
			       head, (unsigned long long)h.seq, h.len,
			       (unsigned long long)r->rx_seq, want_len);
		bad = 1;
	}
	for (i = 0; i < want_len && !bad; i++) {
		if (p[i] != (uint8_t)(h.seq + i)) {
			ktap_print_msg("rx head %u: payload byte %u = %u, want %u",
				       head, i, p[i], (uint8_t)(h.seq + i));
			bad = 1;
		}
	}
	csum = fl_vring_csum(h.seq, p, want_len);
	if (!bad && csum != h.csum) {
		ktap_print_msg("rx head %u: csum %#x, want %#x", head, h.csum, csum);
		bad = 1;
	}
	free(p);
	r->rx_seq++;
	return bad;
}

/*
 * Check every used entry since the last call: ids in the order the chains
 * were made available, the length the device reports (0 for transmit,
 * the whole chain for receive) and every received payload.  Returns the
 * entries checked; failures are added to r->bad.
 */
static inline unsigned int tring_reap(struct tring *r)
{
	uint16_t idx = tring_used_idx(r);
	unsigned int n = 0;

	for (; r->used_seen != idx; r->used_seen++, n++) {
		struct vring_used_elem *e =
			&r->vr.used->ring[r->used_seen & (r->num - 1)];
		uint16_t want = r->vr.avail->ring[r->used_seen & (r->num - 1)];
		uint32_t want_len = r->c_write[want] ? r->c_len[want] : 0;

		if (e->id != want || e->len != want_len) {
			ktap_print_msg("used[%u]: id %u len %u, want id %u len %u",
				       r->used_seen, e->id, e->len, want, want_len);
			r->bad++;
			continue;
		}
		if (r->c_write[want])
			r->bad += tring_check_rx(r, want);
	}
	return n;
}

/* ------------------------------------------------------------- ioctls */

static inline int vr_try_setup(int fd, unsigned int mode, struct tring *r,
			       unsigned int batch, unsigned int flags,
			       int kick_fd, int call_fd, uint64_t seq_base)
{
	struct fl_vring_setup s = {
		.size = sizeof(s),
		.mode = mode,
		.num = r->num,
		.batch = batch,
		.flags = flags,
		.kick_fd = kick_fd,
		.call_fd = call_fd,
		.desc_addr = (uintptr_t)r->vr.desc,
		.avail_addr = (uintptr_t)r->vr.avail,
		.used_addr = (uintptr_t)r->vr.used,
		.seq_base = seq_base,
	};

	return ioctl(fd, FL_IOC_VRING_SETUP, &s);
}

static inline int vr_setup(int fd, unsigned int mode, struct tring *r,
			   unsigned int batch, unsigned int flags, int kick_fd,
			   int call_fd)
{
	if (!vr_try_setup(fd, mode, r, batch, flags, kick_fd, call_fd, r->seq_base))
		return 0;
	ktap_print_msg("ioctl FL_IOC_VRING_SETUP mode=%s num=%u batch=%u flags=%#x: %s",
		       vr_mode_names[mode], r->num, batch, flags, strerror(errno));
	return -1;
}

/* Returns the chains processed, or -1 with errno (no message). */
static inline long vr_try_process(int fd, unsigned int max)
{
	struct fl_vring_process p = { .size = sizeof(p), .max = max };

	if (ioctl(fd, FL_IOC_VRING_PROCESS, &p))
		return -1;
	return p.processed;
}

static inline long vr_process(int fd, unsigned int max)
{
	long n = vr_try_process(fd, max);

	if (n < 0)
		ktap_print_msg("ioctl FL_IOC_VRING_PROCESS max=%u: %s", max,
			       strerror(errno));
	return n;
}

static inline int vr_stats(int fd, struct fl_vring_stats *st, bool reset)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->flags = reset ? FL_COUNTERS_RESET : 0;
	if (!ioctl(fd, FL_IOC_VRING_STATS, st))
		return 0;
	ktap_print_msg("ioctl FL_IOC_VRING_STATS: %s", strerror(errno));
	return -1;
}

static inline int vr_teardown(int fd)
{
	if (!ioctl(fd, FL_IOC_VRING_TEARDOWN, 0))
		return 0;
	ktap_print_msg("ioctl FL_IOC_VRING_TEARDOWN: %s", strerror(errno));
	return -1;
}

static inline uint64_t vr_cnt(int fd, unsigned int k)
{
	struct fl_vring_stats st;

	if (vr_stats(fd, &st, false))
		return UINT64_MAX;
	return st.val[k];
}

/*
 * One KTAP result: the ring's counters are exactly @want (all of them, so
 * an unexpected invalidation or error fails too), and no error is
 * recorded unless @want counts one.
 */
static inline int vr_expect(int fd, const uint64_t want[FL_VCNT_NR],
			    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline int vr_expect(int fd, const uint64_t want[FL_VCNT_NR],
			    const char *fmt, ...)
{
	struct fl_vring_stats st;
	char what[160], line[512];
	size_t n = 0;
	unsigned int k;
	va_list ap;
	int ok = 1;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (vr_stats(fd, &st, false))
		return ktap_result(0, "%s: stats", what);
	for (k = 0; k < FL_VCNT_NR; k++) {
		if (st.val[k] != want[k]) {
			ktap_print_msg("%s: %s = %llu, want %llu", what,
				       vr_cnt_names[k],
				       (unsigned long long)st.val[k],
				       (unsigned long long)want[k]);
			ok = 0;
		}
		if (want[k])
			n += snprintf(line + n, sizeof(line) - n, " %s=%llu",
				      vr_cnt_names[k],
				      (unsigned long long)want[k]);
	}
	if (st.err_kind && !want[FL_VCNT_SEQ_ERRORS] && !want[FL_VCNT_CSUM_ERRORS] &&
	    !want[FL_VCNT_RING_ERRORS] && !want[FL_VCNT_FAULTS]) {
		ktap_print_msg("%s: error recorded: kind %s head %u expected %#llx got %#llx",
			       what, vr_cnt_names[st.err_kind], st.err_head,
			       (unsigned long long)st.err_expected,
			       (unsigned long long)st.err_got);
		ok = 0;
	}
	if (ok)
		ktap_print_msg("%s:%s", what, n ? line : " all zero");
	return ktap_result(ok, "%s: exact counters", what);
}

/* The first error recorded is exactly this one. */
static inline int vr_expect_err(int fd, unsigned int kind, uint32_t head,
				uint64_t expected, uint64_t got, const char *what)
{
	struct fl_vring_stats st;
	int ok;

	if (vr_stats(fd, &st, false))
		return ktap_result(0, "%s: stats", what);
	ok = st.err_kind == kind && st.err_head == head &&
	     st.err_expected == expected && st.err_got == got;
	if (!ok)
		ktap_print_msg("%s: err kind %u head %u expected %#llx got %#llx, want kind %u head %u expected %#llx got %#llx",
			       what, st.err_kind, st.err_head,
			       (unsigned long long)st.err_expected,
			       (unsigned long long)st.err_got, kind, head,
			       (unsigned long long)expected,
			       (unsigned long long)got);
	return ktap_result(ok, "%s: first error %s head %u expected %#llx got %#llx",
			   what, vr_cnt_names[kind], head,
			   (unsigned long long)expected, (unsigned long long)got);
}

/* ----------------------------------------------------------- memory */

/* An anonymous private mapping, touched, or MAP_FAILED (reported). */
static inline void *vr_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		ktap_print_msg("mmap anonymous %zu bytes: %s", len, strerror(errno));
		return p;
	}
	memset(p, 0, len);
	return p;
}

/*
 * An anonymous mapping in a VMA of its own: PROT_NONE guard pages on both
 * sides (they never merge with it) and no THP, so that mprotect() of its
 * pages splits and merges nothing but it, whatever the process mapped
 * before.  The guards stay (a page each).
 */
static inline void *vr_anon_alone(size_t len)
{
	uint8_t *res, *p;

	res = mmap(NULL, len + 2 * PAGE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED) {
		ktap_print_msg("mmap reservation of %zu bytes: %s", (size_t)(len + 2 * PAGE),
			       strerror(errno));
		return res;
	}
	p = mmap(res + PAGE, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED) {
		ktap_print_msg("mmap MAP_FIXED %zu bytes: %s", len, strerror(errno));
		return p;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0, len);
	return p;
}

/*
 * Pages pinned (FOLL_PIN) system-wide right now, from /proc/vmstat.  The
 * counters are per CPU and folded lazily: writing vm.stat_refresh folds
 * them, so the difference is exact (nothing else in the guest pins).
 */
static inline long long vr_pins(void)
{
	char line[128];
	long long acq = -1, rel = -1, v;
	FILE *f;

	if (fl_write_file("/proc/sys/vm/stat_refresh", "1"))
		return -1;
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "nr_foll_pin_acquired %lld", &v) == 1)
			acq = v;
		else if (sscanf(line, "nr_foll_pin_released %lld", &v) == 1)
			rel = v;
	}
	fclose(f);
	return acq < 0 || rel < 0 ? -1 : acq - rel;
}

/* Threads named @comm alive now (the ring kthreads: "fl-vring-PID"). */
static inline int vr_threads(const char *comm)
{
	char path[300], name[64];
	struct dirent *e;
	DIR *d = opendir("/proc");
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		/* Processes come and go while we look: not an error. */
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = 0;
			n += !strcmp(name, comm);
		}
		fclose(f);
	}
	closedir(d);
	return n;
}

static inline int vr_kthreads_of(pid_t pid)
{
	char comm[32];

	snprintf(comm, sizeof(comm), "fl-vring-%d", (int)pid);
	return vr_threads(comm);
}

/*
 * The ring kthreads of @pid left after at most @secs.  kthread_stop()
 * returns once the thread function has returned; the task then finishes
 * do_exit() and is reaped on its own, so /proc may show it for a moment
 * after TEARDOWN or close() returned.  A bounded wait for that event (a
 * liveness limit, nothing is timed).
 */
static inline int vr_kthreads_left(pid_t pid, int secs)
{
	int i, n = vr_kthreads_of(pid);

	for (i = 0; i < secs * 100 && n; i++) {
		usleep(10000);
		n = vr_kthreads_of(pid);
	}
	return n;
}

/* ----------------------------------------------------------- eventfd */

/*
 * Read the call eventfd until its counts add up to @want, waiting at most
 * @secs for each signal (a liveness bound: a missing signal fails instead
 * of hanging; nothing is timed).  Returns the sum read.
 */
static inline uint64_t vr_wait_calls(int call_fd, uint64_t want, int secs)
{
	uint64_t sum = 0, v;
	struct pollfd p = { .fd = call_fd, .events = POLLIN };

	while (sum < want) {
		if (poll(&p, 1, secs * 1000) != 1) {
			ktap_print_msg("call eventfd: %llu of %llu signals after waiting %d s",
				       (unsigned long long)sum,
				       (unsigned long long)want, secs);
			break;
		}
		if (read(call_fd, &v, sizeof(v)) != sizeof(v))
			break;
		sum += v;
	}
	return sum;
}

/* What is left in the call eventfd without waiting. */
static inline uint64_t vr_drain(int efd)
{
	uint64_t v = 0;
	int fl = fcntl(efd, F_GETFL);

	fcntl(efd, F_SETFL, fl | O_NONBLOCK);
	if (read(efd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	fcntl(efd, F_SETFL, fl);
	return v;
}

static inline int vr_kick(int kick_fd)
{
	uint64_t one = 1;

	if (write(kick_fd, &one, sizeof(one)) == sizeof(one))
		return 0;
	ktap_print_msg("write kick eventfd: %s", strerror(errno));
	return -1;
}

/*
 * Open the lab's PCI-backed device (every vring test needs one file).
 * First opt out of automatic NUMA balancing, as flbench does: its scanner
 * changes the protection of every mapping now and then, which is an
 * MMU-notifier invalidation of a kmap ring, and would make the exact
 * invalidation and remap counts depend on when it runs.  It only scans
 * VMAs whose policy allows migrate-on-fault, which MPOL_LOCAL does not.
 */
static inline int vr_open(char *path, size_t len)
{
	int fd;

	if (set_mempolicy(MPOL_LOCAL, NULL, 0))
		ktap_bail("set_mempolicy(MPOL_LOCAL): %s", strerror(errno));
	fd = fl_open_backing(FL_BACKING_PCI, 0, path, len);
	if (fd < 0)
		ktap_bail("no PCI-backed faultline device");
	return fd;
}

#endif /* VRING_TEST_H */
