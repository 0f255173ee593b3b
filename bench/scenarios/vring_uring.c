// SPDX-License-Identifier: GPL-2.0
/*
 * vring_uring.c - the peer of the ring modes (--mode io_uring): io_uring's
 * own submission and completion rings, which the kernel allocates and maps
 * into both sides, driven with IORING_OP_NOP through liburing.  The same
 * two phases as the driver's modes: --batch NOPs per io_uring_enter(2)
 * for --duration (ops_per_s), then --pings single NOP round trips
 * (rtt_ns).  Every completion is checked: its user_data must be one of
 * the batch just submitted, seen once, with res 0.  No driver is needed.
 */
#include <errno.h>
#include <string.h>

#include "vring.h"

int fl_vr_nop_setup(struct fl_case *c, struct fl_vr_ring *vr, char *why,
		    size_t len)
{
	int ret = io_uring_queue_init(c->o->ring_size, &vr->uring, 0);

	if (ret) {
		fl_sys(why, len, -ret, "io_uring_queue_init",
		       "%u entries (ring %d)", c->o->ring_size, vr->id);
		return ret == -ENOSYS || ret == -EPERM ? FL_UNSUPPORTED : -1;
	}
	vr->uring_ok = true;
	return 0;
}

/* Submit @n NOPs and consume their @n completions. */
static int fl_vr_nop_round(struct fl_case *c, struct fl_vr_ring *vr,
			   uint32_t n)
{
	struct __kernel_timespec ts = {
		.tv_sec = (long long)(c->o->watchdog_ns / 1000000000ULL),
		.tv_nsec = (long long)(c->o->watchdog_ns % 1000000000ULL),
	};
	uint64_t seen[FL_VRING_BATCH_MAX / 64] = { 0 }, base = vr->r.posted, d;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	uint32_t k, got = 0;
	unsigned int head, m;
	int ret;

	for (k = 0; k < n; k++) {
		sqe = io_uring_get_sqe(&vr->uring);
		if (!sqe)
			return fl_vr_fail(vr, "ring %d: io_uring_get_sqe: no entry for NOP %u of %u",
					  vr->id, k, n);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, base + k);
	}
	vr->r.posted += n;
	while (got < n) {
		ret = io_uring_submit_and_wait_timeout(&vr->uring, &cqe, n - got,
						       &ts, NULL);
		if (ret == -ETIME) {
			vr->stale++;
			return fl_vr_fail(vr, "ring %d: %u of %u NOP completions after the watchdog",
					  vr->id, got, n);
		}
		if (ret < 0 && ret != -EINTR)
			return fl_vr_fail(vr, "ring %d: io_uring_submit_and_wait_timeout(%u): %s (%s)",
					  vr->id, n - got, strerror(-ret),
					  fl_errno_name(-ret));
		m = 0;
		io_uring_for_each_cqe(&vr->uring, head, cqe) {
			m++;
			d = cqe->user_data - base;
			if (d >= n || (seen[d / 64] >> (d % 64)) & 1 || cqe->res) {
				vr->r.mismatches++;
				fl_vr_fail(vr, "ring %d: NOP completion user_data %llu (batch %llu..%llu)%s, res %d",
					   vr->id,
					   (unsigned long long)cqe->user_data,
					   (unsigned long long)base,
					   (unsigned long long)(base + n - 1),
					   d < n ? " seen twice" : "", cqe->res);
				break;
			}
			seen[d / 64] |= 1ULL << (d % 64);
		}
		io_uring_cq_advance(&vr->uring, m);
		if (vr->r.mismatches)
			return -1;
		got += m;
	}
	vr->r.completed += n;
	return 0;
}

int fl_vr_nop_work(struct fl_thread *t, struct fl_vr_ring *vr)
{
	struct fl_case *c = t->c;
	uint64_t c0 = vr->r.completed, k, t0;

	vr->tput_t0 = fl_now();
	while (!fl_should_stop(c)) {
		if (fl_vr_nop_round(c, vr, c->o->batch))
			return -1;
		atomic_store_explicit(&t->progress, vr->r.completed,
				      memory_order_relaxed);
	}
	vr->tput_t1 = fl_now();
	vr->tput_descs = vr->r.completed - c0;
	for (k = 0; k < c->o->pings && !fl_interrupted; k++) {
		t0 = fl_now();
		if (fl_vr_nop_round(c, vr, 1))
			return -1;
		fl_hist_record(t->hist[0], fl_now() - t0);
	}
	return 0;
}
