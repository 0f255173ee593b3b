// SPDX-License-Identifier: GPL-2.0
/*
 * vring_kick.c - how the producer tells the device about new descriptors
 * and waits for used entries (--kick):
 *
 *   ioctl     FL_IOC_VRING_PROCESS: the caller's context processes every
 *             available descriptor before the ioctl returns (no kthread)
 *   eventfd   write(2) to the kick eventfd wakes the ring's kthread; the
 *             producer waits for the call eventfd with poll(2) and read(2)
 *   io_uring  the same eventfds, but each kick is an IORING_OP_WRITE to
 *             the kick eventfd submitted through liburing (one
 *             io_uring_enter(2) per kick, its completion checked at the
 *             next kick or wait); the wait is eventfd's: only the kick's
 *             transport differs
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vring.h"

static const uint64_t fl_one = 1;

int fl_vr_kick_setup(struct fl_case *c, struct fl_vr_ring *vr, char *why,
		     size_t len)
{
	int ret;

	if (c->o->kick != FL_KICK_IO_URING)
		return 0;
	ret = io_uring_queue_init(8, &vr->uring, 0);
	if (ret) {
		fl_sys(why, len, -ret, "io_uring_queue_init", "8 entries (ring %d)",
		       vr->id);
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

/* Check the completions of the kicks submitted so far. */
static int fl_vr_uring_reap(struct fl_vr_ring *vr)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;
	int bad = 0;

	io_uring_for_each_cqe(&vr->uring, head, cqe) {
		n++;
		if (cqe->res != sizeof(uint64_t) && !bad)
			bad = cqe->res < 0 ? cqe->res : -EIO;
	}
	io_uring_cq_advance(&vr->uring, n);
	if (bad)
		return fl_vr_fail(vr, "ring %d: io_uring write of the kick eventfd %d: %s (%s)",
				  vr->id, vr->kick_fd, strerror(-bad),
				  bad == -EIO ? "short write" : fl_errno_name(-bad));
	return 0;
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

int fl_vr_kick(struct fl_case *c, struct fl_vr_ring *vr)
{
	struct io_uring_sqe *sqe;
	int ret;

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
		if (fl_vr_uring_reap(vr))
			return -1;
		sqe = io_uring_get_sqe(&vr->uring);
		if (!sqe)
			return fl_vr_fail(vr, "ring %d: io_uring_get_sqe: the submission queue is full",
					  vr->id);
		io_uring_prep_write(sqe, vr->kick_fd, &fl_one, sizeof(fl_one), 0);
		vr->kicks++;
		ret = io_uring_submit(&vr->uring);
		if (ret != 1)
			return fl_vr_fail(vr, "ring %d: io_uring_submit (write of the kick eventfd): %s",
					  vr->id, ret < 0 ? strerror(-ret) : "not submitted");
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

int fl_vr_wait(struct fl_case *c, struct fl_vr_ring *vr, uint64_t ns)
{
	switch (c->o->kick) {
	case FL_KICK_IOCTL:
		/* The caller's context is the device: process again. */
		return fl_vr_process(vr);
	case FL_KICK_EVENTFD:
		return fl_vr_wait_eventfd(vr, ns);
	case FL_KICK_IO_URING:
		if (fl_vr_uring_reap(vr))
			return -1;
		return fl_vr_wait_eventfd(vr, ns);
	case FL_KICK_NR:
		break;
	}
	return fl_vr_fail(vr, "ring %d: unknown kick method %d", vr->id,
			  (int)c->o->kick);
}
