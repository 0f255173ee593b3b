/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tput.h - the throughput scenario's hooks, reused by the fio scenario so
 * that fio and flbench measure the same mapping with the same block size.
 */
#ifndef FL_SCEN_TPUT_H
#define FL_SCEN_TPUT_H

#include "flbench.h"

int fl_tput_prepare(struct fl_case *c, char *why, size_t len);
int fl_tput_thread_init(struct fl_thread *t);
int fl_tput_work(struct fl_thread *t);
int fl_tput_control(struct fl_case *c, char *why, size_t len);
int fl_tput_rep_finish(struct fl_case *c, char *why, size_t len);
void fl_tput_thread_fini(struct fl_thread *t);
void fl_tput_cleanup(struct fl_case *c);
void fl_tput_json(struct fl_case *c, struct fl_json *j);
/* The operation tput performs: fio compares reads to reads, writes to writes. */
enum fl_op fl_tput_op(const struct fl_case *c);

#endif /* FL_SCEN_TPUT_H */
