/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - the results folder and crash-safe file replacement.
 *
 * A run folder holds an INCOMPLETE marker from its creation until the run
 * has finished and result.json has been written with "complete": true.
 * Every document is written to NAME.tmp, flushed, fsync'ed and renamed
 * over NAME, so a reader sees either the old or the new version, and an
 * interrupted or crashed run never looks complete.
 */
#ifndef FL_RESULTS_H
#define FL_RESULTS_H

#include <stdio.h>
#include <stddef.h>

#define FL_INCOMPLETE	"INCOMPLETE"

/*
 * Create the run folder: @out if given (created if missing; refused if it
 * already holds a run), else a new folder under $FL_RESULTS or the
 * repository's results/ named <UTC date>-<host>-<what>.  Writes the
 * INCOMPLETE marker.  The folder path is returned in @path.
 */
int fl_results_create(const char *out, const char *what, char *path,
		      size_t plen, char *why, size_t len);
/* Replace the marker's text (why the run is not complete). */
int fl_results_mark(const char *dir, const char *reason);
/* Remove the marker: call after the final result.json is in place. */
int fl_results_done(const char *dir, char *why, size_t len);

struct fl_afile {
	FILE *f;
	char tmp[1100];
	char path[1100];
};

int fl_afile_open(struct fl_afile *a, const char *dir, const char *name,
		  char *why, size_t len);
int fl_afile_commit(struct fl_afile *a, char *why, size_t len);
void fl_afile_abort(struct fl_afile *a);
/* mkdir -p */
int fl_mkdirs(const char *path, char *why, size_t len);

#endif /* FL_RESULTS_H */
