// SPDX-License-Identifier: GPL-2.0
/* faultline - tracepoint definitions (see faultline_trace.h). */
#include <linux/build_bug.h>

#include "faultline_priv.h"

#define CREATE_TRACE_POINTS
#include "faultline_trace.h"

#define FL_TRACE_CHECK(name) \
	static_assert(FL_TRACE_##name == (__force unsigned int)name)

FL_TRACE_CHECK(VM_FAULT_OOM);
FL_TRACE_CHECK(VM_FAULT_SIGBUS);
FL_TRACE_CHECK(VM_FAULT_NOPAGE);
FL_TRACE_CHECK(VM_FAULT_RETRY);
FL_TRACE_CHECK(VM_FAULT_FALLBACK);
