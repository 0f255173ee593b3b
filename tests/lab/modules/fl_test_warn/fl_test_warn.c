// SPDX-License-Identifier: GPL-2.0
/*
 * fl_test_warn - a module whose only job is to raise one real kernel
 * WARNING when loaded, so that the lab's kernel-log check can be shown to
 * fail a run (tests/lab/10-lab.t).
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init fl_test_warn_init(void)
{
	WARN(1, "fl_test_warn: injected warning for the lab test\n");
	return 0;
}

static void __exit fl_test_warn_exit(void)
{
}

module_init(fl_test_warn_init);
module_exit(fl_test_warn_exit);
MODULE_DESCRIPTION("faultline lab test: raise one WARNING on load");
MODULE_LICENSE("GPL");
