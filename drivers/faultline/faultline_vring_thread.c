// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - the vring kthread and its eventfds.
 *
 * As vhost's vhost_poll: the kick eventfd's wait queue gets an entry
 * whose wake function runs in the writer's context (write(2), or the
 * kernel's eventfd_signal()) and wakes the ring's kthread.  The kthread
 * adopts the owner's mm for each pass (mmget_not_zero() +
 * kthread_use_mm()) and processes every available chain.  It holds only
 * mmgrab() between passes: a reference on mm_users would keep the address
 * space alive after the owner exits, and with it any mapping of this very
 * file, whose release is what stops the kthread.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kthread.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>

#include "faultline_vring.h"

/* The call eventfd, after a batch was published or a pass failed. */
void fl_vring_signal(struct fl_vring *vr)
{
	if (!vr->call)
		return;
/* eventfd_signal() lost its count argument in 6.8 (Kbuild tests it). */
#ifdef FL_HAVE_EVENTFD_SIGNAL_CTX
	eventfd_signal(vr->call);
#else
	eventfd_signal(vr->call, 1);
#endif
}

static void fl_vring_thread_pass(struct fl_vring *vr)
{
	/* The owner's address space is gone: nothing left to process. */
	if (!mmget_not_zero(vr->mm))
		return;
	kthread_use_mm(vr->mm);
	mutex_lock(&vr->process_lock);
	fl_vring_run(vr, 0, true, NULL);
	mutex_unlock(&vr->process_lock);
	kthread_unuse_mm(vr->mm);
	/* May be the last user: exit_mmap() then runs here, unlocked. */
	mmput(vr->mm);
}

static int fl_vring_thread(void *data)
{
	struct fl_vring *vr = data;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		if (!atomic_xchg(&vr->kick_pending, 0)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		fl_vring_thread_pass(vr);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Called under the eventfd's wait queue lock, interrupts off. */
static int fl_vring_kick_wake(wait_queue_entry_t *wait, unsigned int mode,
			      int sync, void *key)
{
	struct fl_vring *vr = container_of(wait, struct fl_vring, kick_wait);

	/* A read of the eventfd wakes writers (EPOLLOUT): not a kick. */
	if (!(key_to_poll(key) & EPOLLIN))
		return 0;
	fl_vring_count(vr, FL_VCNT_KICKS, 1);
	atomic_set(&vr->kick_pending, 1);
	wake_up_process(vr->task);
	return 0;
}

static void fl_vring_kick_queue(struct file *file, wait_queue_head_t *wqh,
				poll_table *pt)
{
	struct fl_vring *vr = container_of(pt, struct fl_vring, kick_pt);

	vr->kick_wqh = wqh;
	add_wait_queue(wqh, &vr->kick_wait);
}

/*
 * Start the kthread and hook it to @kick_fd: -EBADF if that is not an
 * open file, -EINVAL if it is not an eventfd.
 */
int fl_vring_thread_start(struct fl_vring *vr, int kick_fd)
{
	struct task_struct *task;
	struct file *file;
	__poll_t mask;

	file = eventfd_fget(kick_fd);
	if (IS_ERR(file))
		return PTR_ERR(file);

	task = kthread_create(fl_vring_thread, vr, "fl-vring-%d",
			      task_pid_nr(current));
	if (IS_ERR(task)) {
		fput(file);
		return PTR_ERR(task);
	}
	vr->task = task;
	vr->kick_file = file;

	init_waitqueue_func_entry(&vr->kick_wait, fl_vring_kick_wake);
	init_poll_funcptr(&vr->kick_pt, fl_vring_kick_queue);
	mask = vfs_poll(file, &vr->kick_pt);
	/* Written before registration: that kick is not lost either. */
	if (mask & EPOLLIN) {
		fl_vring_count(vr, FL_VCNT_KICKS, 1);
		atomic_set(&vr->kick_pending, 1);
	}
	wake_up_process(task);
	return 0;
}

/* No kick reaches the ring after this, and the kthread is gone. */
void fl_vring_thread_stop(struct fl_vring *vr)
{
	if (vr->kick_wqh)
		remove_wait_queue(vr->kick_wqh, &vr->kick_wait);
	if (vr->task)
		kthread_stop(vr->task);
	if (vr->kick_file)
		fput(vr->kick_file);
	vr->kick_wqh = NULL;
	vr->task = NULL;
	vr->kick_file = NULL;
}
