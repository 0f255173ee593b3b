// SPDX-License-Identifier: GPL-2.0
/*
 * results.c - run folders, INCOMPLETE marker, atomic replacement.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "results.h"

#ifndef FL_REPO_DIR
#define FL_REPO_DIR "."
#endif

int fl_mkdirs(const char *path, char *why, size_t len)
{
	char buf[1024], *p;

	if (strlen(path) >= sizeof(buf))
		return fl_why(why, len, "path too long: %s", path);
	strcpy(buf, path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return fl_sys(why, len, errno, "mkdir", "%s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return fl_sys(why, len, errno, "mkdir", "%s", buf);
	return 0;
}

/* $FL_RESULTS, else <repo>/results when the repository exists, else ./results. */
static void fl_results_base(char *buf, size_t len)
{
	const char *env = getenv("FL_RESULTS");
	struct stat st;

	if (env && *env)
		snprintf(buf, len, "%s", env);
	else if (!stat(FL_REPO_DIR "/results", &st) && S_ISDIR(st.st_mode))
		snprintf(buf, len, "%s/results", FL_REPO_DIR);
	else
		snprintf(buf, len, "results");
}

static void fl_slug(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
		      *s == '_'))
			*s = '_';
}

int fl_results_create(const char *out, const char *what, char *path,
		      size_t plen, char *why, size_t len)
{
	char base[900], host[64] = "host", stamp[32], name[160], mark[256];
	struct stat st;
	time_t t = time(NULL);
	struct tm tm;
	int i;

	if (out) {
		if (strlen(out) >= plen)
			return fl_why(why, len, "--out path too long");
		snprintf(path, plen, "%s", out);
		if (fl_mkdirs(path, why, len))
			return -1;
		snprintf(mark, sizeof(mark), "%s/result.json", path);
		if (!stat(mark, &st))
			return fl_why(why, len,
				      "--out %s already holds a run (result.json); choose an empty folder",
				      path);
		snprintf(mark, sizeof(mark), "%s/" FL_INCOMPLETE, path);
		if (!stat(mark, &st))
			return fl_why(why, len,
				      "--out %s already holds an incomplete run (INCOMPLETE); choose an empty folder",
				      path);
	} else {
		fl_results_base(base, sizeof(base));
		gethostname(host, sizeof(host) - 1);
		host[strcspn(host, ".")] = '\0';
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		snprintf(name, sizeof(name), "%s-%s-%s", stamp, host, what);
		fl_slug(name);
		for (i = 0; i < 100; i++) {
			if (i)
				snprintf(path, plen, "%s/%s-%d", base, name, i);
			else
				snprintf(path, plen, "%s/%s", base, name);
			if (stat(path, &st))
				break;
		}
		if (fl_mkdirs(path, why, len))
			return -1;
	}
	snprintf(mark, sizeof(mark), "running (pid %d)", (int)getpid());
	if (fl_results_mark(path, mark))
		return fl_sys(why, len, errno, "write", "%s/" FL_INCOMPLETE,
			      path);
	return 0;
}

int fl_results_mark(const char *dir, const char *reason)
{
	struct fl_afile a;
	char why[FL_WHY_LEN];

	if (fl_afile_open(&a, dir, FL_INCOMPLETE, why, sizeof(why)))
		return -1;
	fprintf(a.f, "%s\n", reason);
	return fl_afile_commit(&a, why, sizeof(why));
}

int fl_results_done(const char *dir, char *why, size_t len)
{
	char p[1100];

	snprintf(p, sizeof(p), "%s/" FL_INCOMPLETE, dir);
	if (unlink(p) && errno != ENOENT)
		return fl_sys(why, len, errno, "unlink", "%s", p);
	return 0;
}

int fl_afile_open(struct fl_afile *a, const char *dir, const char *name,
		  char *why, size_t len)
{
	snprintf(a->path, sizeof(a->path), "%s/%s", dir, name);
	snprintf(a->tmp, sizeof(a->tmp), "%s/.%s.tmp", dir, name);
	a->f = fopen(a->tmp, "w");
	if (!a->f)
		return fl_sys(why, len, errno, "fopen", "%s", a->tmp);
	return 0;
}

int fl_afile_commit(struct fl_afile *a, char *why, size_t len)
{
	int err = 0;

	if (fflush(a->f) || fsync(fileno(a->f)))
		err = errno;
	if (fclose(a->f) && !err)
		err = errno;
	a->f = NULL;
	if (err) {
		unlink(a->tmp);
		return fl_sys(why, len, err, "write", "%s", a->tmp);
	}
	if (rename(a->tmp, a->path)) {
		err = errno;
		unlink(a->tmp);
		return fl_sys(why, len, err, "rename", "%s -> %s", a->tmp,
			      a->path);
	}
	return 0;
}

void fl_afile_abort(struct fl_afile *a)
{
	if (a->f)
		fclose(a->f);
	a->f = NULL;
	unlink(a->tmp);
}
