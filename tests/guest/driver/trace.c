// SPDX-License-Identifier: GPL-2.0
/*
 * trace - the fault tracepoints exist and fire once per fault, exactly.
 *
 * faultline_fault_entry and faultline_fault_exit are enabled in tracefs,
 * the buffer cleared, a fresh mapping touched once per page (at +0x40,
 * to see that the event carries the page's address), the events disabled
 * and /sys/kernel/tracing/trace read back.  The program runs pinned to
 * one CPU, so the events sit in one per-CPU buffer in the order they
 * happened (no cross-CPU timestamp merge).  Every case expects, in order,
 * one entry and one exit per fault with this device, this pid, the
 * strategy's name, the page address, the order, the fault flags of a
 * user write, the result and the entries installed:
 *
 *   insert-page       32 pages touched (every other page of 256 KiB):
 *                     32 x order 0, NOPAGE, inserted=1
 *   insert-around(16) every page of 1 MiB: one fault per 16 pages,
 *                     at the window's first page, NOPAGE, inserted=16
 *   huge              every page of 8 MiB at a 1 GiB-aligned address:
 *                     the first touch offers the PUD (order 18), which
 *                     does not fit the VMA: FALLBACK, inserted=0; then
 *                     one order 9 fault per 2 MiB, NOPAGE, inserted=1
 *   huge-pud          every page of 1 GiB at a 1 GiB-aligned address:
 *                     one order 18 fault, NOPAGE, inserted=1
 *
 * The device's counters must agree with the trace.  The huge cases are
 * skipped, with the reason, where the kernel cannot map huge PFNMAP
 * entries (before 6.12) or the BAR is not 1 GiB-aligned (huge-pud).  The
 * other events (revoke, vring) must exist: their format files are read.
 *
 * usage: trace [CASE...]   (default: all)
 */
#include <sched.h>
#include <sys/mount.h>

#include "fltest.h"

#define TOUCH_OFF	0x40
#define PMD_SZ		(2 * MiB)
#define ORDER_PMD	9
#define ORDER_PUD	18

/* enum fault_flag bits a user write fault always has. */
#define FAULT_FLAG_WRITE	0x01
#define FAULT_FLAG_USER		0x40

static const char *const fl_events[] = {
	"faultline_fault_entry", "faultline_fault_exit", "faultline_revoke",
	"faultline_vring_section", "faultline_vring_invalidate",
	"faultline_vring_remap",
};

/* Fields of the fault events that perf, trace-cmd and bpftrace use. */
static const char *const fl_entry_fields[] = {
	"field:int dev;", "field:unsigned int strategy;",
	"field:unsigned long address;", "field:unsigned int order;",
	"field:unsigned int flags;",
};

static const char *const fl_exit_fields[] = {
	"field:int dev;", "field:unsigned int strategy;",
	"field:unsigned long address;", "field:unsigned int order;",
	"field:unsigned int result;", "field:unsigned long inserted;",
};

/* One fault as the trace should show it (its entry and its exit). */
struct tr_fault {
	uint64_t addr;
	unsigned int order;
	const char *result;
	unsigned long inserted;
};

#define MAX_FAULTS	64

/* Append a fault to @f (MAX_FAULTS long). */
static void want_fault(struct tr_fault *f, size_t *n, uint64_t addr,
		       unsigned int order, const char *result,
		       unsigned long inserted)
{
	if (*n == MAX_FAULTS)
		ktap_bail("more than %d faults expected: raise MAX_FAULTS",
			  MAX_FAULTS);
	f[(*n)++] = (struct tr_fault){ addr, order, result, inserted };
}

struct tr_case {
	const char *name;
	unsigned int strategy, max_order, window;
	uint64_t len, align, stride;	/* one write every stride bytes */
	unsigned int needs_order;	/* huge: the entry size it needs */
	/* The faults in order, and the counters they leave. */
	size_t (*expect)(const struct tr_case *c, uint64_t base,
			 struct tr_fault *f, uint64_t cnt[FL_CNT_NR]);
};

static size_t want_insert_page(const struct tr_case *c, uint64_t base,
			       struct tr_fault *f, uint64_t cnt[FL_CNT_NR])
{
	size_t n = 0;
	uint64_t off;

	for (off = 0; off < c->len; off += c->stride)
		want_fault(f, &n, base + off, 0, "NOPAGE", 1);
	cnt[FL_CNT_FAULT] = n;
	cnt[FL_CNT_INSERT_PTE] = n;
	return n;
}

/* Every page touched: the first page of each window faults. */
static size_t want_insert_around(const struct tr_case *c, uint64_t base,
				 struct tr_fault *f, uint64_t cnt[FL_CNT_NR])
{
	uint64_t off, win = c->window * PAGE;
	size_t n = 0;

	for (off = 0; off < c->len; off += win)
		want_fault(f, &n, base + off, 0, "NOPAGE", c->window);
	cnt[FL_CNT_FAULT] = n;
	cnt[FL_CNT_INSERT_PTE] = c->len / PAGE;
	return n;
}

/*
 * Less than 1 GiB at a 1 GiB-aligned address: the kernel offers the
 * empty PUD range to ->huge_fault() first (it leaves the fit to the
 * driver), then each PMD range.
 */
static size_t want_huge_pmd(const struct tr_case *c, uint64_t base,
			    struct tr_fault *f, uint64_t cnt[FL_CNT_NR])
{
	uint64_t off;
	size_t n = 0;

	want_fault(f, &n, base, ORDER_PUD, "FALLBACK", 0);
	for (off = 0; off < c->len; off += PMD_SZ)
		want_fault(f, &n, base + off, ORDER_PMD, "NOPAGE", 1);
	cnt[FL_CNT_HUGE_FAULT_PUD] = 1;
	cnt[FL_CNT_FALLBACK] = 1;
	cnt[FL_CNT_HUGE_FAULT_PMD] = c->len / PMD_SZ;
	cnt[FL_CNT_INSERT_PMD] = c->len / PMD_SZ;
	return n;
}

static size_t want_huge_pud(const struct tr_case *c, uint64_t base,
			    struct tr_fault *f, uint64_t cnt[FL_CNT_NR])
{
	size_t n = 0;
	uint64_t off;

	for (off = 0; off < c->len; off += GiB)
		want_fault(f, &n, base + off, ORDER_PUD, "NOPAGE", 1);
	cnt[FL_CNT_HUGE_FAULT_PUD] = n;
	cnt[FL_CNT_INSERT_PUD] = n;
	return n;
}

static const struct tr_case cases[] = {
	{ "insert-page", FL_STRAT_INSERT_PAGE, FL_ORDER_PTE, 0,
	  256 * KiB, 2 * MiB, 2 * PAGE, 0, want_insert_page },
	{ "insert-around", FL_STRAT_INSERT_AROUND, FL_ORDER_PTE, 16,
	  MiB, 2 * MiB, PAGE, 0, want_insert_around },
	{ "huge", FL_STRAT_HUGE, FL_ORDER_PUD, 0,
	  8 * MiB, GiB, PAGE, FL_ORDER_PMD, want_huge_pmd },
	{ "huge-pud", FL_STRAT_HUGE, FL_ORDER_PUD, 0,
	  GiB, GiB, PAGE, FL_ORDER_PUD, want_huge_pud },
};


/* ------------------------------------------------------------- tracefs */

static char tracefs[64];

/* tracefs, mounted at /sys/kernel/tracing if nothing has mounted it. */
static void find_tracefs(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char p[96];
	unsigned int i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/events", dirs[i]);
		if (!access(p, F_OK)) {
			snprintf(tracefs, sizeof(tracefs), "%s", dirs[i]);
			return;
		}
	}
	if (mount("tracefs", dirs[0], "tracefs", 0, NULL)) {
		if (errno == ENODEV)
			ktap_exit_skip("this kernel has no tracefs (CONFIG_TRACING off)");
		ktap_bail("mount -t tracefs tracefs %s: %s", dirs[0],
			  strerror(errno));
	}
	ktap_print_msg("tracefs was not mounted: mounted it at %s", dirs[0]);
	snprintf(tracefs, sizeof(tracefs), "%s", dirs[0]);
}

static int trace_write(const char *rel, const char *s)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/%s", tracefs, rel);
	return fl_write_file(p, s);
}

static int set_fault_events(const char *on)
{
	return trace_write("events/faultline/faultline_fault_entry/enable", on) |
	       trace_write("events/faultline/faultline_fault_exit/enable", on);
}

/* Empty the buffer (the file opened for writing with O_TRUNC). */
static int trace_clear(void)
{
	char p[96];
	int fd;

	snprintf(p, sizeof(p), "%s/trace", tracefs);
	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		ktap_print_msg("open %s O_TRUNC: %s", p, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* The whole of a tracefs file (malloc'd, NUL-terminated) or NULL. */
static char *trace_slurp(const char *rel)
{
	size_t cap = 1 << 16, n = 0;
	char p[160], *buf, *nb;
	ssize_t r;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", tracefs, rel);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ktap_print_msg("open %s: %s", p, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				ktap_print_msg("realloc %zu bytes: %s", cap * 2,
					       strerror(errno));
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			ktap_print_msg("read %s: %s", p, strerror(errno));
			free(buf);
			buf = NULL;
			break;
		}
		if (!r) {
			buf[n] = 0;
			break;
		}
		n += r;
	}
	close(fd);
	return buf;
}

static bool events_enabled;

static void events_off(void)
{
	if (events_enabled)
		set_fault_events("0");
	events_enabled = false;
}

/* --------------------------------------------------------- the events */

/* Each event's format file; the fault events' fields by name. */
static void check_formats(void)
{
	char rel[128], head[96];
	unsigned int i, k;
	char *fmt;

	for (i = 0; i < sizeof(fl_events) / sizeof(fl_events[0]); i++) {
		const char *const *fields = NULL;
		unsigned int nfields = 0;
		int ok;

		snprintf(rel, sizeof(rel), "events/faultline/%s/format",
			 fl_events[i]);
		fmt = trace_slurp(rel);
		if (!fmt) {
			ktap_result(0, "%s: format file", fl_events[i]);
			continue;
		}
		snprintf(head, sizeof(head), "name: %s\n", fl_events[i]);
		ok = !strncmp(fmt, head, strlen(head));
		if (!ok)
			ktap_print_msg("%s begins '%.40s'", rel, fmt);
		if (i == 0) {
			fields = fl_entry_fields;
			nfields = sizeof(fl_entry_fields) / sizeof(fl_entry_fields[0]);
		} else if (i == 1) {
			fields = fl_exit_fields;
			nfields = sizeof(fl_exit_fields) / sizeof(fl_exit_fields[0]);
		}
		for (k = 0; k < nfields; k++) {
			if (!strstr(fmt, fields[k])) {
				ktap_print_msg("%s: no '%s'", rel, fields[k]);
				ok = 0;
			}
		}
		ktap_result(ok, "%s: format file present%s", fl_events[i],
			    nfields ? ", with its fields" : "");
		free(fmt);
	}
}

/* One parsed event line. */
struct tr_event {
	bool exit;
	int pid, dev;
	char strategy[32], result[64];
	uint64_t addr;
	unsigned int order, flags;
	unsigned long inserted;
};

/*
 * "   comm-PID   [CPU] flags  TIME: faultline_fault_entry: faultline0
 * insert-page address=0x... order=0 flags=0x..." (CONFIG.md).  Returns 1
 * for a fault event, 0 for another line, -1 for a fault event that does
 * not parse.
 */
static int parse_event(const char *line, struct tr_event *e)
{
	const char *b, *m, *q;
	int got;

	memset(e, 0, sizeof(*e));
	m = strstr(line, ": faultline_fault_entry: ");
	if (!m) {
		m = strstr(line, ": faultline_fault_exit: ");
		e->exit = true;
	}
	if (!m)
		return 0;

	/* The pid: the digits after the last '-' before " [CPU]". */
	b = strstr(line, " [");
	if (!b || b > m)
		return -1;
	while (b > line && b[-1] == ' ')
		b--;
	q = b;
	while (q > line && q[-1] >= '0' && q[-1] <= '9')
		q--;
	if (q == b || q == line || q[-1] != '-')
		return -1;
	e->pid = atoi(q);

	m = strchr(m + 2, ':') + 2;
	if (e->exit)
		got = sscanf(m, "faultline%d %31s address=0x%" SCNx64
			     " order=%u result=%63s inserted=%lu",
			     &e->dev, e->strategy, &e->addr, &e->order,
			     e->result, &e->inserted) == 6;
	else
		got = sscanf(m, "faultline%d %31s address=0x%" SCNx64
			     " order=%u flags=0x%x", &e->dev, e->strategy,
			     &e->addr, &e->order, &e->flags) == 5;
	return got ? 1 : -1;
}

/* Does event @e match fault @f of device @dev (printing what differs)? */
static bool event_is(const struct tr_event *e, bool is_exit, int dev, int pid,
		     const char *strategy, const struct tr_fault *f, size_t i)
{
	const unsigned int uw = FAULT_FLAG_WRITE | FAULT_FLAG_USER;
	bool ok = e->exit == is_exit && e->dev == dev && e->pid == pid &&
		  !strcmp(e->strategy, strategy) && e->addr == f->addr &&
		  e->order == f->order;

	if (is_exit)
		ok = ok && !strcmp(e->result, f->result) &&
		     e->inserted == f->inserted;
	else
		ok = ok && (e->flags & uw) == uw;
	if (!ok) {
		ktap_print_msg("event %zu: %s pid=%d faultline%d %s address=%#" PRIx64
			       " order=%u flags=%#x result=%s inserted=%lu",
			       i, e->exit ? "exit" : "entry", e->pid, e->dev,
			       e->strategy, e->addr, e->order, e->flags,
			       e->result, e->inserted);
		ktap_print_msg("  want %s pid=%d faultline%d %s address=%#" PRIx64
			       " order=%u%s%s inserted=%lu",
			       is_exit ? "exit" : "entry", pid, dev, strategy,
			       f->addr, f->order,
			       is_exit ? " result=" : " flags with WRITE|USER",
			       is_exit ? f->result : "",
			       is_exit ? f->inserted : 0);
	}
	return ok;
}

/*
 * Read the trace and check it against @want: the buffer lost nothing,
 * holds only fault events, @n entries and @n exits, in order, each as
 * expected.
 */
static void check_trace(const char *name, int dev, const char *strategy,
			const struct tr_fault *want, size_t n)
{
	size_t entries = 0, exits = 0, i = 0, bad = 0, other = 0, junk = 0;
	unsigned long in_buf = 0, written = 0;
	char *buf, *line, *save, *s;
	int pid = getpid();
	struct tr_event e;

	buf = trace_slurp("trace");
	if (!buf) {
		ktap_result(0, "%s: read the trace", name);
		return;
	}
	s = strstr(buf, "entries-in-buffer/entries-written: ");
	if (!s || sscanf(s, "entries-in-buffer/entries-written: %lu/%lu",
			 &in_buf, &written) != 2)
		ktap_print_msg("%s: the trace has no entries-in-buffer header",
			       name);
	KTAP_EXPECT(s && in_buf == written && !strstr(buf, "LOST"),
		    "%s: the buffer lost no event (%lu in buffer, %lu written)",
		    name, in_buf, written);

	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int r;

		if (line[0] == '#')
			continue;
		r = parse_event(line, &e);
		if (r < 0 && junk++ < 4)
			ktap_print_msg("unparsed: %s", line);
		if (r <= 0) {
			if (r == 0 && other++ < 4)
				ktap_print_msg("other: %s", line);
			continue;
		}
		/* The first fault's two lines, as a sample of the format. */
		if (i < 2)
			ktap_print_msg("%s", line);
		if (e.exit)
			exits++;
		else
			entries++;
		/* Entry of fault k at 2k, its exit at 2k + 1. */
		if (i / 2 >= n || !event_is(&e, i % 2, dev, pid, strategy,
					    &want[i / 2], i))
			bad++;
		i++;
	}
	free(buf);

	KTAP_EXPECT_EQ_U64(entries, n, "%s: %zu faultline_fault_entry events",
			   name, n);
	KTAP_EXPECT_EQ_U64(exits, n, "%s: %zu faultline_fault_exit events",
			   name, n);
	KTAP_EXPECT_EQ_U64(other + junk, 0,
			   "%s: no other line in the buffer", name);
	KTAP_EXPECT_EQ_U64(bad, 0,
			   "%s: each fault's entry then exit, pid, device, strategy, address, order, flags, result, inserted",
			   name);
}

/* ---------------------------------------------------------- the cases */

static void run_case(const char *dev, int devno, const struct fl_info *info,
		     const struct tr_case *c)
{
	uint64_t cnt[FL_CNT_NR] = { 0 };
	static struct tr_fault want[MAX_FAULTS];
	volatile uint8_t *p;
	uint64_t off;
	size_t n;
	int fd;

	if (c->needs_order && !(info->features & (c->needs_order == FL_ORDER_PUD ?
						  FL_FEAT_PUD_PFNMAP :
						  FL_FEAT_PMD_PFNMAP))) {
		ktap_skip("%s: this kernel cannot map %s PFNMAP entries",
			  c->name, c->needs_order == FL_ORDER_PUD ? "PUD" : "PMD");
		return;
	}
	if (c->needs_order == FL_ORDER_PUD && (info->bar_size < c->len ||
					       info->phys_base & (GiB - 1))) {
		ktap_skip("%s: the BAR (%#llx, %llu MiB) is not a 1 GiB-aligned GiB",
			  c->name, (unsigned long long)info->phys_base,
			  (unsigned long long)(info->bar_size >> 20));
		return;
	}

	fd = fl_reopen(dev);
	if (fd < 0) {
		ktap_result(0, "%s: open", c->name);
		return;
	}
	if (fl_set(fd, c->strategy, c->max_order, c->window, FL_CACHE_DEFAULT)) {
		ktap_result(0, "%s: set strategy", c->name);
		close(fd);
		return;
	}
	p = fl_map(fd, c->len, 0, c->align, 0);
	if (p == MAP_FAILED) {
		ktap_result(0, "%s: mmap", c->name);
		close(fd);
		return;
	}
	n = c->expect(c, (uintptr_t)p, want, cnt);

	/* Counters from zero after the mmap: only the faults count. */
	events_enabled = true;
	if (fl_reset(fd) || trace_clear() || set_fault_events("1")) {
		ktap_result(0, "%s: reset, clear the trace, enable the events",
			    c->name);
		goto out;
	}
	for (off = 0; off < c->len; off += c->stride)
		*(volatile uint64_t *)(p + off + TOUCH_OFF) = off;
	events_off();

	check_trace(c->name, devno, fl_strat_names[c->strategy], want, n);
	fl_expect_counts(fd, c->strategy, cnt, c->name);
out:
	events_off();
	munmap((void *)p, c->len);
	close(fd);
}

/* Stay on the CPU we are on: one per-CPU buffer, in program order. */
static void pin_self(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		ktap_bail("sched_getcpu: %s", strerror(errno));
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		ktap_bail("sched_setaffinity cpu %d: %s", cpu, strerror(errno));
}

int main(int argc, char **argv)
{
	char dev[64], on[8], path[96];
	struct fl_info info;
	unsigned int i;
	int fd, a, ran = 0, devno;

	ktap_start(0);
	fd = fl_open_backing(FL_BACKING_PCI, 0, dev, sizeof(dev));
	if (fd < 0)
		ktap_bail("no PCI-backed faultline device");
	if (fl_info(fd, &info))
		ktap_bail("FL_IOC_GET_INFO: %s", strerror(errno));
	close(fd);
	if (sscanf(dev, "/dev/faultline%d", &devno) != 1)
		ktap_bail("device node %s is not /dev/faultlineN", dev);

	find_tracefs();
	ktap_print_msg("%s: %s, BAR at %#llx, %llu MiB; tracefs at %s", dev,
		       info.name, (unsigned long long)info.phys_base,
		       (unsigned long long)(info.bar_size >> 20), tracefs);
	check_formats();

	/* Events only land while tracing is on (it is, after boot). */
	snprintf(path, sizeof(path), "%s/tracing_on", tracefs);
	if (fl_read_file(path, on, sizeof(on)))
		ktap_bail("cannot read %s", path);
	if (strcmp(on, "1"))
		ktap_bail("%s is '%s': tracing is off", path, on);
	atexit(events_off);
	pin_self();

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool want = argc < 2;

		for (a = 1; a < argc; a++)
			want |= !strcmp(argv[a], cases[i].name);
		if (!want)
			continue;
		run_case(dev, devno, &info, &cases[i]);
		ran++;
	}
	if (!ran)
		ktap_bail("no such case among the arguments");
	return ktap_finish();
}
