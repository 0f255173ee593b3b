/* SPDX-License-Identifier: GPL-2.0 */
/*
 * faultline - tracepoints: every fault's entry and exit, revoke/restore,
 * and the vring engine's batches, invalidations and re-mappings.
 *
 *   perf record -e 'faultline:*' ...
 *   bpftrace -e 'tracepoint:faultline:faultline_fault_exit
 *                { @[args->strategy, args->order] = count(); }'
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM faultline

#if !defined(_FAULTLINE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _FAULTLINE_TRACE_H

#include <linux/tracepoint.h>
#include <faultline.h>

TRACE_DEFINE_ENUM(FL_STRAT_REMAP_MMAP);
TRACE_DEFINE_ENUM(FL_STRAT_REMAP_FAULT);
TRACE_DEFINE_ENUM(FL_STRAT_INSERT_PAGE);
TRACE_DEFINE_ENUM(FL_STRAT_INSERT_BULK);
TRACE_DEFINE_ENUM(FL_STRAT_INSERT_AROUND);
TRACE_DEFINE_ENUM(FL_STRAT_HUGE);

#define fl_trace_strategy(s)						\
	__print_symbolic(s,						\
			 { FL_STRAT_REMAP_MMAP, "remap-mmap" },		\
			 { FL_STRAT_REMAP_FAULT, "remap-fault" },	\
			 { FL_STRAT_INSERT_PAGE, "insert-page" },	\
			 { FL_STRAT_INSERT_BULK, "insert-bulk" },	\
			 { FL_STRAT_INSERT_AROUND, "insert-around" },	\
			 { FL_STRAT_HUGE, "huge" })

/*
 * What a faultline handler returns, as numbers so that perf and trace-cmd
 * can decode them from the format file (faultline_trace.c checks them
 * against enum vm_fault_reason).
 */
#define FL_TRACE_VM_FAULT_OOM		0x0001
#define FL_TRACE_VM_FAULT_SIGBUS	0x0002
#define FL_TRACE_VM_FAULT_NOPAGE	0x0100
#define FL_TRACE_VM_FAULT_RETRY		0x0400
#define FL_TRACE_VM_FAULT_FALLBACK	0x0800

#define fl_trace_result(r)						\
	__print_flags(r, "|",						\
		      { FL_TRACE_VM_FAULT_OOM, "OOM" },			\
		      { FL_TRACE_VM_FAULT_SIGBUS, "SIGBUS" },		\
		      { FL_TRACE_VM_FAULT_NOPAGE, "NOPAGE" },		\
		      { FL_TRACE_VM_FAULT_RETRY, "RETRY" },		\
		      { FL_TRACE_VM_FAULT_FALLBACK, "FALLBACK" })

TRACE_EVENT(faultline_fault_entry,
	    TP_PROTO(int dev, unsigned int strategy, unsigned long address,
		     unsigned int order, unsigned int flags),
	    TP_ARGS(dev, strategy, address, order, flags),
	    TP_STRUCT__entry(__field(int, dev)
			     __field(unsigned int, strategy)
			     __field(unsigned long, address)
			     __field(unsigned int, order)
			     __field(unsigned int, flags)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->strategy = strategy;
			   __entry->address = address;
			   __entry->order = order;
			   __entry->flags = flags;),
	    TP_printk("faultline%d %s address=0x%lx order=%u flags=0x%x",
		      __entry->dev, fl_trace_strategy(__entry->strategy),
		      __entry->address, __entry->order, __entry->flags)
);

TRACE_EVENT(faultline_fault_exit,
	    TP_PROTO(int dev, unsigned int strategy, unsigned long address,
		     unsigned int order, vm_fault_t result,
		     unsigned long inserted),
	    TP_ARGS(dev, strategy, address, order, result, inserted),
	    TP_STRUCT__entry(__field(int, dev)
			     __field(unsigned int, strategy)
			     __field(unsigned long, address)
			     __field(unsigned int, order)
			     __field(unsigned int, result)
			     __field(unsigned long, inserted)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->strategy = strategy;
			   __entry->address = address;
			   __entry->order = order;
			   __entry->result = (__force unsigned int)result;
			   __entry->inserted = inserted;),
	    TP_printk("faultline%d %s address=0x%lx order=%u result=%s inserted=%lu",
		      __entry->dev, fl_trace_strategy(__entry->strategy),
		      __entry->address, __entry->order,
		      fl_trace_result(__entry->result), __entry->inserted)
);

TRACE_EVENT(faultline_revoke,
	    TP_PROTO(int dev, bool revoke, u64 zapped_pages),
	    TP_ARGS(dev, revoke, zapped_pages),
	    TP_STRUCT__entry(__field(int, dev)
			     __field(bool, revoke)
			     __field(u64, zapped_pages)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->revoke = revoke;
			   __entry->zapped_pages = zapped_pages;),
	    TP_printk("faultline%d %s zapped_pages=%llu", __entry->dev,
		      __entry->revoke ? "revoke" : "restore",
		      __entry->zapped_pages)
);

TRACE_DEFINE_ENUM(FL_VRING_UACCESS);
TRACE_DEFINE_ENUM(FL_VRING_UACCESS_BATCHED);
TRACE_DEFINE_ENUM(FL_VRING_KMAP);

#define fl_trace_vring_mode(m)						\
	__print_symbolic(m,						\
			 { FL_VRING_UACCESS, "uaccess" },		\
			 { FL_VRING_UACCESS_BATCHED, "uaccess-batched" }, \
			 { FL_VRING_KMAP, "kmap" })

/* One section of a ring: what it published, what it fetched, its error. */
TRACE_EVENT(faultline_vring_section,
	    TP_PROTO(int dev, unsigned int mode, unsigned int published,
		     u64 bytes, unsigned int fetched, int ret),
	    TP_ARGS(dev, mode, published, bytes, fetched, ret),
	    TP_STRUCT__entry(__field(int, dev)
			     __field(unsigned int, mode)
			     __field(unsigned int, published)
			     __field(u64, bytes)
			     __field(unsigned int, fetched)
			     __field(int, ret)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->mode = mode;
			   __entry->published = published;
			   __entry->bytes = bytes;
			   __entry->fetched = fetched;
			   __entry->ret = ret;),
	    TP_printk("faultline%d %s published=%u bytes=%llu fetched=%u ret=%d",
		      __entry->dev, fl_trace_vring_mode(__entry->mode),
		      __entry->published, __entry->bytes, __entry->fetched,
		      __entry->ret)
);

/*
 * An MMU-notifier invalidation that reached a kmap ring; @event is the
 * kernel's enum mmu_notifier_event (0 unmap, 1 clear, 2 protection of a
 * VMA, 3 of a page, 4 soft-dirty, 5 release, 6 migrate, 7 exclusive).
 */
TRACE_EVENT(faultline_vring_invalidate,
	    TP_PROTO(int dev, unsigned long start, unsigned long end,
		     unsigned int event, bool blockable, bool handled),
	    TP_ARGS(dev, start, end, event, blockable, handled),
	    TP_STRUCT__entry(__field(int, dev)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(unsigned int, event)
			     __field(bool, blockable)
			     __field(bool, handled)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->event = event;
			   __entry->blockable = blockable;
			   __entry->handled = handled;),
	    TP_printk("faultline%d range=0x%lx-0x%lx event=%u%s%s", __entry->dev,
		      __entry->start, __entry->end, __entry->event,
		      __entry->blockable ? "" : " non-blockable",
		      __entry->handled ? "" : " busy: retry later")
);

/* A kmap ring's pages pinned and mapped again (ret 0) or not. */
TRACE_EVENT(faultline_vring_remap,
	    TP_PROTO(int dev, unsigned int pages, int ret),
	    TP_ARGS(dev, pages, ret),
	    TP_STRUCT__entry(__field(int, dev)
			     __field(unsigned int, pages)
			     __field(int, ret)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->pages = pages;
			   __entry->ret = ret;),
	    TP_printk("faultline%d pages=%u ret=%d", __entry->dev,
		      __entry->pages, __entry->ret)
);

#endif /* _FAULTLINE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE faultline_trace
#include <trace/define_trace.h>
