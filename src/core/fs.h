/* File-system helpers: whole-file reads, atomic file publication, mkdir -p. */
#ifndef GT_CORE_FS_H
#define GT_CORE_FS_H

#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>
#include <sys/types.h>

/* Append the contents of path to out, refusing files over max bytes
 * (GT_ETOOBIG). GT_ENOTFOUND if it does not exist. */
int gt_fs_read(const char *path, size_t max, gt_buf *out, gt_error *err);
/* Same, relative to the directory fd dirfd. */
int gt_fs_readat(int dirfd, const char *path, size_t max, gt_buf *out, gt_error *err);

/* Create the directory path and any missing parents with mode. Existing
 * directories are fine. */
int gt_fs_mkdirs(const char *path, mode_t mode, gt_error *err);

/* Write data to path so that no reader ever sees a partial file: a
 * temporary file in the same directory is written, optionally fdatasync'd
 * (sync != 0), and renamed over path; with sync the directory is fsync'd
 * too. mode is the new file's mode. */
int gt_fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode, int sync,
		       gt_error *err);

/* The same, for path relative to the directory fd dirfd (AT_FDCWD for the
 * current directory). */
int gt_fs_write_atomic_at(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
			  int sync, gt_error *err);

/* write(2) all of data to fd, retrying on EINTR and short writes; pwrite
 * variant at offset. 0 or a negative errno value. */
int gt_fs_write_all(int fd, const void *data, size_t len);
int gt_fs_pwrite_all(int fd, const void *data, size_t len, off_t off);
/* pread(2) exactly len bytes; 0, -EIO on short file (EOF), or -errno. */
int gt_fs_pread_all(int fd, void *data, size_t len, off_t off);

#endif
