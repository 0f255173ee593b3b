// SPDX-License-Identifier: GPL-2.0
/*
 * stress_klog.c - the kernel log of a stress or fuzz run (stress_klog.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "stress_klog.h"

static const char *const fl_klog_known_re[FL_KLOG_KNOWN_NR] = {
	[FL_KLOG_REMAP_FAULT] = "include/linux/rwsem\\.h:[0-9]+",
	[FL_KLOG_MREMAP_PUD] = "mm/pgtable-generic\\.c:[0-9]+: bad pud ",
};

/* Where the lab's pattern file is: guest, environment, repository. */
static const char *fl_klog_patterns(char *buf, size_t len)
{
	const char *env = getenv("FL_KLOG_PATTERNS");
	const char *cand[] = { env, "/opt/faultline/klog-bad.re",
			       FL_REPO_DIR "/scripts/lib/klog-bad.re" };
	size_t i;

	for (i = 0; i < FL_ARRAY_SIZE(cand); i++) {
		if (cand[i] && *cand[i] && !access(cand[i], R_OK)) {
			snprintf(buf, len, "%s", cand[i]);
			return buf;
		}
	}
	return NULL;
}

static int fl_klog_load(struct fl_klog *k, char *why, size_t len)
{
	char line[512];
	FILE *f;
	int ret;

	if (!fl_klog_patterns(k->patterns_path, sizeof(k->patterns_path)))
		return fl_why(why, len,
			      "kernel-log patterns not found ($FL_KLOG_PATTERNS, /opt/faultline/klog-bad.re, %s/scripts/lib/klog-bad.re)",
			      FL_REPO_DIR);
	f = fopen(k->patterns_path, "r");
	if (!f)
		return fl_sys(why, len, errno, "fopen", "%s", k->patterns_path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		k->bad = realloc(k->bad, sizeof(*k->bad) * (size_t)(k->nbad + 1));
		if (!k->bad) {
			fclose(f);
			return fl_why(why, len, "out of memory");
		}
		ret = regcomp(&k->bad[k->nbad], line, REG_EXTENDED | REG_NOSUB);
		if (ret) {
			fclose(f);
			return fl_why(why, len, "%s: invalid pattern '%s'",
				      k->patterns_path, line);
		}
		k->nbad++;
	}
	fclose(f);
	if (!k->nbad)
		return fl_why(why, len, "%s holds no pattern", k->patterns_path);
	return 0;
}

int fl_klog_open(struct fl_klog *k, const char *expect, char *why,
		 size_t len)
{
	int i;

	memset(k, 0, sizeof(*k));
	k->fd = -1;
	pthread_mutex_init(&k->lock, NULL);
	for (i = 0; i < FL_KLOG_KNOWN_NR; i++)
		if (regcomp(&k->known[i], fl_klog_known_re[i],
			    REG_EXTENDED | REG_NOSUB))
			return fl_why(why, len, "internal: known pattern %d", i);
	if (fl_klog_load(k, why, len))
		return -1;
	if (expect && *expect) {
		if (regcomp(&k->expect, expect, REG_EXTENDED | REG_NOSUB))
			return fl_why(why, len, "--expect-warn: invalid extended regex '%s'",
				      expect);
		k->have_expect = true;
	}
	/* From the start of the run: records already there are not ours. */
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		fl_sys(k->why, sizeof(k->why), errno, "open", "/dev/kmsg");
		return 0;
	}
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		fl_sys(k->why, sizeof(k->why), errno, "lseek", "/dev/kmsg, SEEK_END");
		close(k->fd);
		k->fd = -1;
	}
	return 0;
}

void fl_klog_expect_known(struct fl_klog *k, enum fl_klog_known id)
{
	pthread_mutex_lock(&k->lock);
	k->known_on[id] = true;
	pthread_mutex_unlock(&k->lock);
}

static bool fl_klog_expected(struct fl_klog *k, const char *msg)
{
	int i;

	if (k->have_expect && !regexec(&k->expect, msg, 0, NULL, 0))
		return true;
	for (i = 0; i < FL_KLOG_KNOWN_NR; i++)
		if (k->known_on[i] && !regexec(&k->known[i], msg, 0, NULL, 0))
			return true;
	return false;
}

static bool fl_klog_bad(struct fl_klog *k, const char *msg)
{
	int i;

	for (i = 0; i < k->nbad; i++)
		if (!regexec(&k->bad[i], msg, 0, NULL, 0))
			return true;
	return false;
}

static void fl_klog_keep(char **arr, uint64_t *n, const char *msg)
{
	if (*n < FL_KLOG_KEEP)
		arr[*n] = fl_xstrdup(msg);
	(*n)++;
}

/*
 * One record: "prio,seq,usec,flags;message\n" then continuation lines of
 * " KEY=value" (dropped).  The message keeps its timestamp for the report.
 */
static void fl_klog_record(struct fl_klog *k, char *rec)
{
	char *semi = strchr(rec, ';'), *msg, line[1200];
	unsigned long long usec = 0;

	k->records++;
	if (!semi)
		return;
	msg = semi + 1;
	msg[strcspn(msg, "\n")] = '\0';
	if (!fl_klog_bad(k, msg))
		return;
	sscanf(rec, "%*[^,],%*[^,],%llu", &usec);
	snprintf(line, sizeof(line), "[%llu.%06llu] %s", usec / 1000000,
		 usec % 1000000, msg);
	if (fl_klog_expected(k, msg))
		fl_klog_keep(k->find, &k->nfind, line);
	else
		fl_klog_keep(k->fail, &k->nfail, line);
}

uint64_t fl_klog_drain(struct fl_klog *k)
{
	char rec[8192];
	ssize_t n;
	uint64_t ret;

	pthread_mutex_lock(&k->lock);
	while (k->fd >= 0) {
		n = read(k->fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE) {
			/* Overwritten before we read it: say so, go on. */
			k->lost++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		fl_klog_record(k, rec);
	}
	ret = k->nfail;
	pthread_mutex_unlock(&k->lock);
	return ret;
}

void fl_klog_close(struct fl_klog *k)
{
	uint64_t i;
	int r;

	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	for (r = 0; r < k->nbad; r++)
		regfree(&k->bad[r]);
	free(k->bad);
	k->bad = NULL;
	k->nbad = 0;
	if (k->have_expect)
		regfree(&k->expect);
	k->have_expect = false;
	for (r = 0; r < FL_KLOG_KNOWN_NR; r++)
		regfree(&k->known[r]);
	for (i = 0; i < FL_KLOG_KEEP; i++) {
		free(k->fail[i]);
		free(k->find[i]);
		k->fail[i] = k->find[i] = NULL;
	}
}

void fl_klog_json(struct fl_klog *k, struct fl_json *j)
{
	uint64_t i;

	pthread_mutex_lock(&k->lock);
	fl_json_obj_begin(j, "klog");
	fl_json_bool(j, "available", k->fd >= 0);
	fl_json_str(j, "reason", k->fd >= 0 ? NULL : k->why);
	fl_json_str(j, "patterns", k->patterns_path);
	fl_json_u64(j, "records", k->records);
	fl_json_u64(j, "records_lost", k->lost);
	fl_json_u64(j, "failures", k->nfail);
	fl_json_u64(j, "findings", k->nfind);
	fl_json_arr_begin(j, "failure_lines");
	for (i = 0; i < k->nfail && i < FL_KLOG_KEEP; i++)
		fl_json_str(j, NULL, k->fail[i]);
	fl_json_arr_end(j);
	fl_json_arr_begin(j, "finding_lines");
	for (i = 0; i < k->nfind && i < FL_KLOG_KEEP; i++)
		fl_json_str(j, NULL, k->find[i]);
	fl_json_arr_end(j);
	fl_json_obj_end(j);
	pthread_mutex_unlock(&k->lock);
}

void fl_klog_text(struct fl_klog *k, FILE *f)
{
	uint64_t i;

	pthread_mutex_lock(&k->lock);
	if (k->fd < 0 && !k->records) {
		fprintf(f, "kernel log: not read (%s)\n", k->why);
	} else {
		fprintf(f, "kernel log: %llu records since the start, %llu unexpected reports, %llu findings%s\n",
			(unsigned long long)k->records,
			(unsigned long long)k->nfail,
			(unsigned long long)k->nfind,
			k->lost ? " (some records were overwritten before they were read)" : "");
		for (i = 0; i < k->nfail && i < FL_KLOG_KEEP; i++)
			fprintf(f, "  kernel: %s\n", k->fail[i]);
		for (i = 0; i < k->nfind && i < FL_KLOG_KEEP; i++)
			fprintf(f, "  finding: %s\n", k->find[i]);
	}
	pthread_mutex_unlock(&k->lock);
}
