// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - the vring engine: registration of a split virtqueue in the
 * caller's memory, its ioctls and counters, and its teardown.
 *
 * One ring per open file, on ff->vring.  ff->lock only guards that
 * pointer (it is taken under the mmap lock by the VMA code, so nothing
 * that reaches the mm runs under it); a ring is reference counted, and
 * a ring being torn down is marked dead under its process_lock, so an
 * ioctl that looked it up just before gets ENXIO, never a freed ring.
 */
#include <linux/eventfd.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "faultline_vring.h"

bool fl_vring_broken_stale;
module_param_named(vring_broken_stale, fl_vring_broken_stale, bool, 0644);
MODULE_PARM_DESC(vring_broken_stale,
		 "TEST ONLY: kmap rings registered while set keep their kernel mapping after an MMU-notifier invalidation (stale access, as the reverted vhost patch); default N");

static void fl_vring_free(struct kref *ref)
{
	struct fl_vring *vr = container_of(ref, struct fl_vring, ref);

	fl_vring_batch_free(vr);
	mutex_destroy(&vr->stats_lock);
	mutex_destroy(&vr->process_lock);
	fl_dev_put(vr->dev);
	kfree(vr);
}

static void fl_vring_put(struct fl_vring *vr)
{
	kref_put(&vr->ref, fl_vring_free);
}

/*
 * Undo a registration: no kick, no kthread, no PROCESS after this; then
 * the kernel mapping, the eventfd and the mm go.  Callers still holding a
 * reference see vr->dead.
 */
static void fl_vring_destroy(struct fl_vring *vr)
{
	fl_vring_thread_stop(vr);
	mutex_lock(&vr->process_lock);
	vr->dead = true;
	mutex_unlock(&vr->process_lock);
	if (vr->ops->fini)
		vr->ops->fini(vr);
	if (vr->call)
		eventfd_ctx_put(vr->call);
	mmdrop(vr->mm);
	fl_vring_put(vr);
}

static struct fl_vring *fl_vring_get(struct fl_file *ff)
{
	struct fl_vring *vr;

	mutex_lock(&ff->lock);
	vr = ff->vring;
	if (vr)
		kref_get(&vr->ref);
	mutex_unlock(&ff->lock);
	return vr;
}

static bool fl_range_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* The arguments alone, before anything is looked up or allocated. */
static int fl_vring_check(const struct fl_vring_setup *s)
{
	u64 dsz = 16ULL * s->num, asz = 4 + 2ULL * s->num, usz = 4 + 8ULL * s->num;

	if (s->mode >= FL_VRING_MODE_NR || s->pad ||
	    (s->flags & ~FL_VRING_F_KTHREAD))
		return -EINVAL;
	if (!s->num || s->num > FL_VRING_NUM_MAX || !is_power_of_2(s->num))
		return -EINVAL;
	if (!s->batch || s->batch > FL_VRING_BATCH_MAX)
		return -EINVAL;
	/* Without a kthread there is nothing to kick. */
	if (!(s->flags & FL_VRING_F_KTHREAD) && s->kick_fd != -1)
		return -EINVAL;
	/* The virtio spec's alignments. */
	if (!IS_ALIGNED(s->desc_addr, 16) || !IS_ALIGNED(s->avail_addr, 2) ||
	    !IS_ALIGNED(s->used_addr, 4))
		return -EINVAL;
	/* User addresses that do not wrap (then the overlap test is sound). */
	if (!access_ok(u64_to_user_ptr(s->desc_addr), dsz) ||
	    !access_ok(u64_to_user_ptr(s->avail_addr), asz) ||
	    !access_ok(u64_to_user_ptr(s->used_addr), usz))
		return -EFAULT;
	if (fl_range_overlap(s->desc_addr, dsz, s->avail_addr, asz) ||
	    fl_range_overlap(s->desc_addr, dsz, s->used_addr, usz) ||
	    fl_range_overlap(s->avail_addr, asz, s->used_addr, usz))
		return -EINVAL;
	/* kmap is not built without CONFIG_MMU_NOTIFIER. */
	if (!fl_vring_access[s->mode])
		return -EOPNOTSUPP;
	return 0;
}

static int fl_vring_setup(struct fl_file *ff, void __user *uarg)
{
	struct fl_vring_setup s;
	struct fl_vring *vr;
	unsigned int i;
	u32 usize;
	int ret;

	ret = fl_copy_in(&s, sizeof(s), FL_VRING_SETUP_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	ret = fl_vring_check(&s);
	if (ret)
		return ret;
	/* Checked again when the ring is published. */
	if (READ_ONCE(ff->vring))
		return -EBUSY;

	vr = kzalloc(sizeof(*vr), GFP_KERNEL);
	if (!vr)
		return -ENOMEM;
	kref_init(&vr->ref);
	vr->dev = ff->dev;
	kref_get(&vr->dev->kref);
	vr->ops = fl_vring_access[s.mode];
	vr->mode = s.mode;
	vr->num = s.num;
	vr->batch = s.batch;
	vr->flags = s.flags;
	vr->desc = u64_to_user_ptr(s.desc_addr);
	vr->avail = u64_to_user_ptr(s.avail_addr);
	vr->used = u64_to_user_ptr(s.used_addr);
	vr->desc_size = 16 * s.num;
	vr->avail_size = 4 + 2 * s.num;
	vr->used_size = 4 + 8 * s.num;
	vr->tx_seq = s.seq_base;
	vr->rx_seq = s.seq_base;
	mutex_init(&vr->process_lock);
	mutex_init(&vr->stats_lock);
	spin_lock_init(&vr->err_lock);
	for (i = 0; i < FL_VCNT_NR; i++)
		atomic64_set(&vr->cnt[i], 0);
	vr->mm = current->mm;
	mmgrab(vr->mm);

	ret = fl_vring_batch_alloc(vr);
	if (ret)
		goto err_mm;
	if (s.call_fd != -1) {
		vr->call = eventfd_ctx_fdget(s.call_fd);
		if (IS_ERR(vr->call)) {
			ret = PTR_ERR(vr->call);
			vr->call = NULL;
			goto err_mm;
		}
	}
	if (vr->ops->init) {
		ret = vr->ops->init(vr);
		if (ret)
			goto err_call;
	}
	if (s.flags & FL_VRING_F_KTHREAD) {
		ret = fl_vring_thread_start(vr, s.kick_fd);
		if (ret)
			goto err_fini;
	}

	mutex_lock(&ff->lock);
	if (ff->vring) {
		ret = -EBUSY;
	} else {
		ff->vring = vr;
		vr = NULL;
	}
	mutex_unlock(&ff->lock);
	if (vr)
		fl_vring_destroy(vr);
	return ret;

err_fini:
	if (vr->ops->fini)
		vr->ops->fini(vr);
err_call:
	if (vr->call)
		eventfd_ctx_put(vr->call);
err_mm:
	mmdrop(vr->mm);
	fl_vring_put(vr);
	return ret;
}

static int fl_vring_process(struct fl_file *ff, void __user *uarg)
{
	struct fl_vring_process p;
	struct fl_vring *vr;
	unsigned int done = 0;
	u32 usize;
	int ret;

	ret = fl_copy_in(&p, sizeof(p), FL_VRING_PROCESS_SIZE_VER0, uarg,
			 &usize);
	if (ret)
		return ret;
	if (p.flags)
		return -EINVAL;
	vr = fl_vring_get(ff);
	if (!vr)
		return -ENXIO;

	if (vr->flags & FL_VRING_F_KTHREAD) {
		ret = -EBUSY;
		goto out;
	}
	/* The ring's addresses mean something in its owner's mm only. */
	if (current->mm != vr->mm) {
		ret = -EPERM;
		goto out;
	}
	ret = mutex_lock_killable(&vr->process_lock);
	if (ret)
		goto out;
	if (vr->dead) {
		ret = -ENXIO;
	} else {
		fl_vring_count(vr, FL_VCNT_KICKS, 1);
		ret = fl_vring_run(vr, p.max, false, &done);
	}
	mutex_unlock(&vr->process_lock);
	if (!ret) {
		memset(&p, 0, sizeof(p));
		p.processed = done;
		ret = fl_copy_out(uarg, &p, sizeof(p), usize);
	}
out:
	fl_vring_put(vr);
	return ret;
}

static int fl_vring_stats(struct fl_file *ff, void __user *uarg)
{
	struct fl_vring_stats st;
	struct fl_vring *vr;
	bool reset;
	u32 usize;
	unsigned int i;
	int ret;

	ret = fl_copy_in(&st, sizeof(st), FL_VRING_STATS_SIZE_VER0, uarg,
			 &usize);
	if (ret)
		return ret;
	if (st.flags & ~FL_COUNTERS_RESET)
		return -EINVAL;
	reset = st.flags & FL_COUNTERS_RESET;
	vr = fl_vring_get(ff);
	if (!vr)
		return -ENXIO;

	memset(&st, 0, sizeof(st));
	st.nr_counters = FL_VCNT_NR;
	st.mode = vr->mode;
	/*
	 * A reset records the current values as the new zero, so nothing
	 * counted concurrently is lost.
	 */
	mutex_lock(&vr->stats_lock);
	for (i = 0; i < FL_VCNT_NR; i++) {
		u64 v = atomic64_read(&vr->cnt[i]);

		st.val[i] = v - vr->base[i];
		if (reset)
			vr->base[i] = v;
	}
	spin_lock(&vr->err_lock);
	st.err_kind = vr->err.kind;
	st.err_head = vr->err.head;
	st.err_expected = vr->err.expected;
	st.err_got = vr->err.got;
	if (reset)
		memset(&vr->err, 0, sizeof(vr->err));
	spin_unlock(&vr->err_lock);
	mutex_unlock(&vr->stats_lock);
	st.last_avail = READ_ONCE(vr->last_avail);

	fl_vring_put(vr);
	return fl_copy_out(uarg, &st, sizeof(st), usize);
}

static int fl_vring_teardown(struct fl_file *ff, unsigned long arg)
{
	struct fl_vring *vr;

	if (arg)
		return -EINVAL;
	mutex_lock(&ff->lock);
	vr = ff->vring;
	ff->vring = NULL;
	mutex_unlock(&ff->lock);
	if (!vr)
		return -ENXIO;
	fl_vring_destroy(vr);
	return 0;
}

long fl_vring_ioctl(struct fl_file *ff, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case FL_IOC_VRING_SETUP:
		return fl_vring_setup(ff, uarg);
	case FL_IOC_VRING_PROCESS:
		return fl_vring_process(ff, uarg);
	case FL_IOC_VRING_STATS:
		return fl_vring_stats(ff, uarg);
	default:
		return fl_vring_teardown(ff, arg);
	}
}

/* The file's last reference: tear its ring down, kthread first. */
void fl_vring_release(struct fl_file *ff)
{
	if (ff->vring) {
		fl_vring_destroy(ff->vring);
		ff->vring = NULL;
	}
}
