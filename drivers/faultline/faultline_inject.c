// SPDX-License-Identifier: GPL-2.0
/*
 * faultline - fault injection, per device.
 *
 * delay_ns is spun at the start of every fault, before the device lock:
 * a known, adjustable regression that the comparison tool must detect.
 * error_ppm makes that many inserts in a million fail as if the insert
 * had failed: the fault returns VM_FAULT_SIGBUS (for the faulting page),
 * or the prefill of insert-bulk/-around stops early (for the others).
 */
#include <linux/ktime.h>
#include <linux/random.h>

#include "faultline_priv.h"

#define FL_PPM	1000000U
#define FL_INJECT_SPIN_SLICE_NS	(50 * NSEC_PER_USEC)

int fl_inject_set(struct fl_dev *dev, u64 delay_ns, u32 error_ppm)
{
	if (delay_ns > FL_INJECT_DELAY_MAX || error_ppm > FL_PPM)
		return -EINVAL;
	WRITE_ONCE(dev->inject_delay_ns, delay_ns);
	WRITE_ONCE(dev->inject_error_ppm, error_ppm);
	return 0;
}

void fl_inject_delay(struct fl_dev *dev)
{
	u64 ns = READ_ONCE(dev->inject_delay_ns);
	u64 end;

	if (likely(!ns))
		return;
	/*
	 * Spin, not sleep: a slower fault, not a different schedule.  But
	 * offer the CPU every FL_INJECT_SPIN_SLICE_NS: under voluntary
	 * preemption a long delay on every fault of a busy thread would
	 * otherwise starve the watchdog (seen: a soft lockup with 2 ms per
	 * fault on a loaded TCG host).
	 */
	end = ktime_get_ns() + ns;
	while (ktime_get_ns() < end) {
		u64 slice = ktime_get_ns() + FL_INJECT_SPIN_SLICE_NS;

		while (ktime_get_ns() < min(slice, end))
			cpu_relax();
		cond_resched();
	}
}

/* Should this insert fail?  Counted as FL_CNT_INJECTED if so. */
bool fl_inject_error(struct fl_fault *f)
{
	u32 ppm = READ_ONCE(f->dev->inject_error_ppm);

	if (likely(!ppm))
		return false;
	if (ppm < FL_PPM && get_random_u32_below(FL_PPM) >= ppm)
		return false;
	fl_count(f->dev, f->fv->cfg.strategy, FL_CNT_INJECTED);
	return true;
}
