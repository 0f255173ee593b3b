// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - error reporting, allocation and small file helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

int fl_verbose;

static void fl_vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "flbench: %s%s\n", prefix, buf);
}

void fl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fl_vmsg("", fmt, ap);
	va_end(ap);
}

void fl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fl_vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void fl_dbg(const char *fmt, ...)
{
	va_list ap;

	if (!fl_verbose)
		return;
	va_start(ap, fmt);
	fl_vmsg("debug: ", fmt, ap);
	va_end(ap);
}

static const struct {
	int err;
	const char *name;
} fl_errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" }, { EROFS, "EROFS" },
	{ ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ EOVERFLOW, "EOVERFLOW" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ ENOEXEC, "ENOEXEC" }, { ECHILD, "ECHILD" }, { EDEADLK, "EDEADLK" },
};

const char *fl_errno_name(int err)
{
	size_t i;

	for (i = 0; i < FL_ARRAY_SIZE(fl_errnames); i++)
		if (fl_errnames[i].err == err)
			return fl_errnames[i].name;
	return "E?";
}

int fl_sys(char *why, size_t len, int err, const char *call,
	   const char *argfmt, ...)
{
	char arg[768];
	va_list ap;

	va_start(ap, argfmt);
	vsnprintf(arg, sizeof(arg), argfmt, ap);
	va_end(ap);
	if (why && len)
		snprintf(why, len, "%s(%s): %s (%s)", call, arg,
			 strerror(err), fl_errno_name(err));
	return -err;
}

int fl_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

static void fl_oom(size_t size)
{
	fl_err("out of memory allocating %zu bytes", size);
	exit(2);
}

void *fl_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		fl_oom(n * size);
	return p;
}

void *fl_xaligned(size_t align, size_t size)
{
	size_t sz = fl_align_up(size ? size : 1, align);
	void *p = aligned_alloc(align, sz);

	if (!p)
		fl_oom(sz);
	memset(p, 0, sz);
	return p;
}

char *fl_xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		fl_oom(strlen(s));
	return p;
}

char *fl_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		fl_oom(strlen(fmt));
	return p;
}

int fl_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	size_t off = 0;
	int fd;

	if (!len)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off + 1 < len) {
		n = read(fd, buf + off, len - 1 - off);
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		off += n;
	}
	close(fd);
	buf[off] = '\0';
	while (off && (buf[off - 1] == '\n' || buf[off - 1] == '\r'))
		buf[--off] = '\0';
	return 0;
}

int fl_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int ret;

	ret = fl_read_file(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int fl_write_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	if (close(fd))
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
