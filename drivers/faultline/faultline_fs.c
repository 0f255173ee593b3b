// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - a private inode per device.
 *
 * Every open file of a device points its f_mapping at the address_space of
 * one inode of this internal pseudo file system, so every VMA of the
 * device, whatever node or file it came through, is on one i_mmap tree and
 * unmap_mapping_range() zaps them all.  vfio does the same with its
 * "vfio" pseudo file system (vfio_fs_inode_new()).
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>

#include "faultline_priv.h"

#define FL_FS_MAGIC	0x666c666c	/* "flfl" */

static struct vfsmount *fl_fs_mount;
static int fl_fs_count;

static int fl_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, FL_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: a mount of this file system would then hold a reference to
 * the module, and the mount lives as long as a device does, which is
 * until module exit.  The mount is internal (kern_mount), so the last
 * fl_inode_put() tears it down synchronously, before the module is gone;
 * only a device's last reference can do that, and the module cannot be
 * unloaded while a file holds one.
 */
static struct file_system_type fl_fs_type = {
	.name = FL_NAME,
	.init_fs_context = fl_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

struct inode *fl_inode_new(void)
{
	struct inode *inode;
	int ret;

	ret = simple_pin_fs(&fl_fs_type, &fl_fs_mount, &fl_fs_count);
	if (ret)
		return ERR_PTR(ret);

	inode = alloc_anon_inode(fl_fs_mount->mnt_sb);
	if (IS_ERR(inode))
		simple_release_fs(&fl_fs_mount, &fl_fs_count);
	return inode;
}

void fl_inode_put(struct inode *inode)
{
	iput(inode);
	simple_release_fs(&fl_fs_mount, &fl_fs_count);
}
