/* File-system helpers: whole-file reads, atomic file publication, mkdir -p. */
#include "core/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int gt_fs_write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int gt_fs_pwrite_all(int fd, const void *data, size_t len, off_t off)
{
	const uint8_t *p = data;
	while (len) {
		ssize_t w = pwrite(fd, p, len, off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		off += w;
		len -= (size_t)w;
	}
	return 0;
}

int gt_fs_pread_all(int fd, void *data, size_t len, off_t off)
{
	uint8_t *p = data;
	while (len) {
		ssize_t r = pread(fd, p, len, off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		p += r;
		off += r;
		len -= (size_t)r;
	}
	return 0;
}

int gt_fs_readat(int dirfd, const char *path, size_t max, gt_buf *out, gt_error *err)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gt_fail_errno(err, errno, "cannot open %s", path);
	int rc = 0;
	size_t start = out->len;
	for (;;) {
		if (gt_buf_reserve(out, 65536) < 0) {
			rc = gt_fail(err, GT_ENOMEM, "out of memory reading %s", path);
			goto fail;
		}
		ssize_t r = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = gt_fail_errno(err, errno, "cannot read %s", path);
			goto fail;
		}
		if (r == 0)
			break;
		out->len += (size_t)r;
		if (out->len - start > max) {
			rc = gt_fail(err, GT_ETOOBIG, "%s is larger than %zu bytes", path, max);
			goto fail;
		}
	}
	out->data[out->len] = 0;
	close(fd);
	return 0;
fail:
	out->len = start;
	if (out->data)
		out->data[start] = 0;
	close(fd);
	return rc;
}

int gt_fs_read(const char *path, size_t max, gt_buf *out, gt_error *err)
{
	return gt_fs_readat(AT_FDCWD, path, max, out, err);
}

int gt_fs_mkdirs(const char *path, mode_t mode, gt_error *err)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(tmp))
		return gt_fail(err, GT_EINVAL, "bad directory path");
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return gt_fail_errno(err, errno, "cannot create directory %s", tmp);
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return gt_fail_errno(err, errno, "cannot create directory %s", tmp);
	return 0;
}

int gt_fs_write_atomic_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
			  int sync, gt_error *err)
{
	char tmp[PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return gt_fail(err, GT_EINVAL, "path too long: %s", path);
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return gt_fail_errno(err, errno, "cannot create %s", tmp);
	int rc = gt_fs_write_all(fd, data, len);
	if (rc == 0 && sync && fdatasync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && renameat(dirfd, tmp, dirfd, path) < 0)
		rc = -errno;
	if (rc < 0) {
		unlinkat(dirfd, tmp, 0);
		return gt_fail_errno(err, -rc, "cannot write %s", path);
	}
	if (!sync)
		return 0;
	char dir[PATH_MAX];
	memcpy(dir, path, strlen(path) + 1);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	int dfd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return gt_fail_errno(err, errno, "cannot open directory of %s", path);
	rc = fsync(dfd) < 0 ? gt_fail_errno(err, errno, "cannot sync directory of %s", path) : 0;
	close(dfd);
	return rc;
}

int gt_fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode, int sync,
		       gt_error *err)
{
	return gt_fs_write_atomic_at(AT_FDCWD, path, data, len, mode, sync, err);
}
