// SPDX-License-Identifier: GPL-2.0
/*
 * vring_kick.c - how the producer tells the device about new descriptors
 * and waits for used entries (--kick):
 *
 *   ioctl     FL_IOC_VRING_PROCESS: the caller's context processes every
 *             available descriptor before the ioctl returns (no kthread)
 *   eventfd   write(2) to the kick eventfd wakes the ring's kthread; the
 *             producer waits for the call eventfd with poll(2) and read(2)
 *   io_uring  the same eventfds driven through liburing: each kick is an
 *             IORING_OP_WRITE to the kick eventfd, queued and submitted
 *             together with an IORING_OP_READ of the call eventfd when
 *             the producer waits, so one io_uring_enter(2) both kicks
 *             and waits
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vring.h"

#define FL_UD_KICK	1ULL
#define FL_UD_CALL	2ULL

static const uint64_t fl_one = 1;

int fl_vr_kick_setup(struct fl_case *c, struct fl_vr_ring *vr, char *why,
		     size_t len)
{
	unsigned int depth = 8;
	int ret;

	if (c->o->kick != FL_KICK_IO_URING)
		return 0;
	/* Every batch in flight may have a kick queued, plus the read. */
	while (depth < c->o->ring_size / c->o->batch + 2)
		depth *= 2;
	ret = io_uring_queue_init(depth, &vr->uring, 0);
	if (ret) {
		fl_sys(why, len, -ret, "io_uring_queue_init", "%u entries (ring %d)",
		       depth, vr->id);
		return ret == -ENOSYS || ret == -EPERM ? FL_UNSUPPORTED : -1;
	}
	vr->uring_ok = true;
	return 0;
}

void fl_vr_kick_teardown(struct fl_vr_ring *vr)
{
	if (vr->uring_ok)
		io_uring_queue_exit(&vr->uring);
	vr->uring_ok = false;
}

static int fl_vr_process(struct fl_vr_ring *vr)
{
	struct fl_vring_process pr;

	memset(&pr, 0, sizeof(pr));
	pr.size = sizeof(pr);
	vr->kicks++;
	if (ioctl(vr->fd, FL_IOC_VRING_PROCESS, &pr))
		return fl_vr_fail(vr,
				  "ring %d: ioctl(FL_IOC_VRING_PROCESS, max=0): %s (%s)",
				  vr->id, strerror(errno), fl_errno_name(errno));
	return 0;
}

static struct io_uring_sqe *fl_vr_sqe(struct fl_vr_ring *vr)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&vr->uring);

	if (!sqe) {
		/* Full: submit what is queued (kicks complete at once). */
		io_uring_submit(&vr->uring);
		vr->sq_pending = 0;
		sqe = io_uring_get_sqe(&vr->uring);
	}
	return sqe;
}

int fl_vr_kick(struct fl_case *c, struct fl_vr_ring *vr)
{
	struct io_uring_sqe *sqe;

	switch (c->o->kick) {
	case FL_KICK_IOCTL:
		return fl_vr_process(vr);
	case FL_KICK_EVENTFD:
		vr->kicks++;
		if (write(vr->kick_fd, &fl_one, sizeof(fl_one)) != sizeof(fl_one))
			return fl_vr_fail(vr, "ring %d: write(kick eventfd %d, 1): %s (%s)",
					  vr->id, vr->kick_fd, strerror(errno),
					  fl_errno_name(errno));
		return 0;
	case FL_KICK_IO_URING:
		sqe = fl_vr_sqe(vr);
		if (!sqe)
			return fl_vr_fail(vr, "ring %d: io_uring_get_sqe: the submission queue stays full",
					  vr->id);
		io_uring_prep_write(sqe, vr->kick_fd, &fl_one, sizeof(fl_one), 0);
		io_uring_sqe_set_data64(sqe, FL_UD_KICK);
		vr->sq_pending++;
		vr->kicks++;
		return 0;
	case FL_KICK_NR:
		break;
	}
	return fl_vr_fail(vr, "ring %d: unknown kick method %d", vr->id,
			  (int)c->o->kick);
}

static int fl_vr_wait_eventfd(struct fl_vr_ring *vr, uint64_t ns)
{
	struct pollfd pfd = { .fd = vr->call_fd, .events = POLLIN };
	uint64_t v;
	int ret;

	ret = poll(&pfd, 1, (int)((ns + 999999) / 1000000));
	if (ret < 0 && errno != EINTR)
		return fl_vr_fail(vr, "ring %d: poll(call eventfd %d, POLLIN): %s (%s)",
				  vr->id, vr->call_fd, strerror(errno),
				  fl_errno_name(errno));
	if (ret <= 0)
		return 0;
	if (read(vr->call_fd, &v, sizeof(v)) != sizeof(v))
		return fl_vr_fail(vr, "ring %d: read(call eventfd %d): %s (%s)",
				  vr->id, vr->call_fd, strerror(errno),
				  fl_errno_name(errno));
	return 0;
}

static int fl_vr_wait_uring(struct fl_vr_ring *vr, uint64_t ns)
{
	struct __kernel_timespec ts = {
		.tv_sec = (long long)(ns / 1000000000ULL),
		.tv_nsec = (long long)(ns % 1000000000ULL),
	};
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;
	int ret, bad = 0, bad_res = 0;
	uint64_t bad_ud = 0;

	if (!vr->call_armed) {
		sqe = fl_vr_sqe(vr);
		if (!sqe)
			return fl_vr_fail(vr, "ring %d: io_uring_get_sqe: the submission queue stays full",
					  vr->id);
		io_uring_prep_read(sqe, vr->call_fd, &vr->call_buf,
				   sizeof(vr->call_buf), 0);
		io_uring_sqe_set_data64(sqe, FL_UD_CALL);
		vr->call_armed = true;
	}
	ret = io_uring_submit_and_wait_timeout(&vr->uring, &cqe, 1, &ts, NULL);
	vr->sq_pending = 0;
	if (ret < 0 && ret != -ETIME && ret != -EINTR)
		return fl_vr_fail(vr, "ring %d: io_uring_submit_and_wait_timeout: %s (%s)",
				  vr->id, strerror(-ret), fl_errno_name(-ret));
	io_uring_for_each_cqe(&vr->uring, head, cqe) {
		n++;
		if (cqe->user_data == FL_UD_CALL)
			vr->call_armed = false;
		if (cqe->res != sizeof(uint64_t) && !bad++) {
			bad_ud = cqe->user_data;
			bad_res = cqe->res;
		}
	}
	io_uring_cq_advance(&vr->uring, n);
	if (bad)
		return fl_vr_fail(vr, "ring %d: io_uring %s of the %s eventfd: %s (%s)",
				  vr->id, bad_ud == FL_UD_CALL ? "read" : "write",
				  bad_ud == FL_UD_CALL ? "call" : "kick",
				  bad_res < 0 ? strerror(-bad_res) : "short transfer",
				  bad_res < 0 ? fl_errno_name(-bad_res) : "res != 8");
	return 0;
}

int fl_vr_wait(struct fl_case *c, struct fl_vr_ring *vr, uint64_t ns)
{
	switch (c->o->kick) {
	case FL_KICK_IOCTL:
		/* The caller's context is the device: process again. */
		return fl_vr_process(vr);
	case FL_KICK_EVENTFD:
		return fl_vr_wait_eventfd(vr, ns);
	case FL_KICK_IO_URING:
		return fl_vr_wait_uring(vr, ns);
	case FL_KICK_NR:
		break;
	}
	return fl_vr_fail(vr, "ring %d: unknown kick method %d", vr->id,
			  (int)c->o->kick);
}
