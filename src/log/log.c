/* The log: group-commit appends to tlog-tiles, recovery, and proofs. */
#include "log/log.h"
#include "core/fs.h"
#include "log/checkpoint.h"
#include "log/journal.h"
#include "log/tilepath.h"
#include "log/tree.h"
#include "log/verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Entries per durable commit. A larger gt_log_append is split into several
 * commits; the bound also limits how far past its last checkpoint a
 * crashed writer can have written, which recovery relies on. */
#define S_COMMIT_MAX 65536
/* Tiles past the chosen checkpoint that recovery inspects per level. */
#define S_BEYOND_TILES (S_COMMIT_MAX / GT_TILE_WIDTH + 2)
/* A proof-index record holds all rows of one full tile as 8 chunks, one
 * per block, each the tile's head followed by the block (see tree.h), so
 * that a proof reads one chunk per tile with a single pread. */
#define S_HEAD_LEN (GT_TILE_ROWS_LEN - GT_TILE_ROW(GT_TILE_BLOCK_ROWS))
#define S_BLOCK_LEN 62
#define S_CHUNK_LEN (S_HEAD_LEN + S_BLOCK_LEN)
#define S_RECORD_BYTES (GT_TILE_BLOCKS * S_CHUNK_LEN * GT_HASH_LEN)
#define S_CHECKPOINT_MAX 16384
/* Full tiles of levels 1 and up are few and on every proof's path: keep
 * this many of them (16 KiB each) in a direct-mapped cache. */
#define S_CACHE_SLOTS 256
#define S_OFFS_SLOTS 4096 /* full entry bundles whose entry offsets are kept (4 MiB) */
/* Address space reserved for each level's proof index (64 GiB: the level-0
 * records of about 850 million entries); records past it are read with pread. */
#define S_IDX_MAP_BYTES ((uint64_t)64 << 30)
#define S_SYNC_FDS_MAX 1024
/* Bytes of sequenced entries held for integration at most; a sequence call
 * that would go past it, or past S_COMMIT_MAX entries, integrates first. */
#define S_PENDING_BYTES_MAX (32u << 20)
static const char *S_journal_name[2] = {"journal.0", "journal.1"};
/* A journal file holds at most this much (a sequence call that would pass
 * it integrates first), plus one record; recovery reads it whole. */
#define S_JOURNAL_BYTES_MAX (64u << 20)
#define S_JOURNAL_READ_MAX                                                             \
	((size_t)S_JOURNAL_BYTES_MAX + (size_t)S_PENDING_BYTES_MAX + GT_JOURNAL_HEAD + \
	 GT_JOURNAL_TAIL + GT_JOURNAL_ALIGN)

static const char *S_staged_name[2] = {"checkpoint.0", "checkpoint.1"};

struct gt_log {
	char *public_dir;
	char *state_dir;
	int pubfd, statefd, lockfd;
	int idxfd[GT_TILE_LEVELS];
	uint64_t idx_records[GT_TILE_LEVELS]; /* read-only logs: records present */
	/* The proof index mapped for readers (S_IDX_MAP_BYTES of address space
	 * per level, past the end of the file), and how many of its bytes are
	 * written: a read within them is a memory copy, others use pread. */
	const uint8_t *idxmap[GT_TILE_LEVELS];
	uint64_t idx_bytes[GT_TILE_LEVELS]; /* atomic */
	int stagedfd[2];
	bool writable, broken, split_fs;
	enum gt_log_sync sync;
	const gt_signer *signer;
	gt_verifier *own_verifier;
	const gt_verifier *verifier;
	char origin[GT_NOTE_NAME_MAX + 1];

	/* Writer state for `size`: the rightmost partial tile of each level
	 * and the rightmost partial entry bundle. */
	uint64_t size;
	gt_hash edge[GT_TILE_LEVELS][GT_TILE_WIDTH];
	gt_buf bundle;
	int slot; /* staged checkpoint slot the next commit writes */

	/* The write-ahead journal: entries sequenced (durable in the journal)
	 * but not yet integrated into tiles and a checkpoint. */
	pthread_mutex_t imu, wmu; /* see "appends, the journal, integration" */
	int journalfd[2];
	int jactive;	      /* the journal file sequence calls append to */
	uint64_t journal_len; /* of the active journal file */
	gt_buf record;	      /* the journal record being written */
	gt_buf pending;	      /* sequenced entries, in bundle form */
	size_t npending;
	gt_buf taken; /* entries being integrated (imu) */
	size_t nintegrating;
	uint64_t next; /* index of the next entry */

	/* Files written by the commit in progress. */
	int sync_fds[S_SYNC_FDS_MAX];
	size_t nsync_fds;
	char made_dir[GT_TILE_LEVELS + 1][GT_TILE_PATH_MAX]; /* last dir ensured per level */
	char (*dirty_dirs)[GT_TILE_PATH_MAX];		     /* GT_LOG_SYNC_FILES: dirs to fsync */
	size_t ndirty_dirs;
	struct {
		int level;
		uint64_t index;
	} obsolete[2 * S_BEYOND_TILES + 2 * GT_TILE_LEVELS];
	size_t nobsolete;

	/* What readers see: the published checkpoint and its right edge. */
	pthread_mutex_t mu;
	uint64_t pub_size;
	uint64_t seq_size; /* pub_size plus the entries sequenced since */
	gt_hash pub_root;
	gt_buf pub_note;
	gt_hash pub_rows[GT_TILE_LEVELS][GT_TILE_ROWS_LEN]; /* rows of each partial tile */

	/* Rows of recently read full tiles of levels >= 1 (immutable). */
	pthread_mutex_t cache_mu;
	struct {
		int level; /* 0: empty slot */
		uint64_t index;
	} cache_key[S_CACHE_SLOTS];
	gt_hash (*cache_rows)[GT_TILE_ROWS_LEN];
	/* Right-edge range hashes of the latest tree size proofs were asked
	 * for (under cache_mu). */
	gt_tree_edge right_edge;

	/* Where each entry of recently read full bundles starts (immutable
	 * files), and the bundle's file mapped once read twice: an entry is
	 * then copied from memory, not read from the file. A slot in use by a
	 * reader is not given to another bundle. */
	pthread_mutex_t offs_mu;
	struct S_offs {
		uint64_t bundle_plus1; /* 0: empty slot */
		uint32_t off[GT_TILE_WIDTH + 1]; /* of each length prefix, then the end */
		const uint8_t *map;		 /* the bundle's file (off[256] bytes), or NULL */
		unsigned readers;		 /* copying from map now */
	} *offs;
};

/* ---- small helpers ---- */

static int S_level_slot(int level)
{
	return level == GT_TILE_ENTRIES ? GT_TILE_LEVELS : level;
}

/* Make sure the parent directories of the public path rel exist. */
static int S_ensure_parent(gt_log *log, int level, const char *rel, gt_error *err)
{
	char dir[GT_TILE_PATH_MAX];
	const char *slash = strrchr(rel, '/');
	size_t len = (size_t)(slash - rel);
	memcpy(dir, rel, len);
	dir[len] = 0;
	char *cache = log->made_dir[S_level_slot(level)];
	if (strcmp(cache, dir) == 0)
		return 0;
	for (char *p = dir; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdirat(log->pubfd, dir, 0755) < 0 && errno != EEXIST)
			return gt_fail_errno(err, errno, "cannot create %s/%s", log->public_dir,
					     dir);
		*p = '/';
	}
	if (mkdirat(log->pubfd, dir, 0755) < 0 && errno != EEXIST)
		return gt_fail_errno(err, errno, "cannot create %s/%s", log->public_dir, dir);
	memcpy(cache, dir, len + 1);
	return 0;
}

/* Remember the directory rel (and its parents) for the commit's sync. */
static void S_dirty_dir(gt_log *log, const char *rel)
{
	char dir[GT_TILE_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", rel);
	for (;;) {
		size_t i = 0;
		while (i < log->ndirty_dirs && strcmp(log->dirty_dirs[i], dir) != 0)
			i++;
		if (i == log->ndirty_dirs && i < S_SYNC_FDS_MAX)
			strcpy(log->dirty_dirs[log->ndirty_dirs++], dir);
		char *slash = strrchr(dir, '/');
		if (!slash)
			return;
		*slash = 0;
	}
}

/* Keep fd until the commit's sync (GT_LOG_SYNC_FILES) or close it now. */
static int S_track(gt_log *log, int fd, const char *rel, gt_error *err)
{
	if (log->sync == GT_LOG_SYNC_FS) {
		close(fd);
		return 0;
	}
	char dir[GT_TILE_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", rel);
	*strrchr(dir, '/') = 0;
	S_dirty_dir(log, dir);
	if (log->nsync_fds == S_SYNC_FDS_MAX) {
		int rc = fdatasync(fd) < 0 ? gt_fail_errno(err, errno, "fdatasync") : 0;
		close(fd);
		return rc;
	}
	log->sync_fds[log->nsync_fds++] = fd;
	return 0;
}

/* Write a new immutable public file so that no reader ever sees it half
 * written: an unnamed O_TMPFILE linked into place once complete, or, where
 * the file system lacks O_TMPFILE, a temporary name renamed into place. */
static int S_write_public(gt_log *log, int level, const char *rel, const void *data, size_t len,
			  gt_error *err)
{
	int rc = S_ensure_parent(log, level, rel, err);
	if (rc < 0)
		return rc;
	char dir[GT_TILE_PATH_MAX];
	size_t dlen = (size_t)(strrchr(rel, '/') - rel);
	memcpy(dir, rel, dlen);
	dir[dlen] = 0;
	int fd = openat(log->pubfd, dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0) {
		char proc[64];
		rc = gt_fs_write_all(fd, data, len);
		if (rc < 0) {
			close(fd);
			return gt_fail_errno(err, -rc, "cannot write %s/%s", log->public_dir, rel);
		}
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc, log->pubfd, rel, AT_SYMLINK_FOLLOW) < 0) {
			if (errno == EEXIST && unlinkat(log->pubfd, rel, 0) == 0 &&
			    linkat(AT_FDCWD, proc, log->pubfd, rel, AT_SYMLINK_FOLLOW) == 0)
				return S_track(log, fd, rel, err);
			rc = gt_fail_errno(err, errno, "cannot link %s/%s", log->public_dir, rel);
			close(fd);
			return rc;
		}
		return S_track(log, fd, rel, err);
	}
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT)
		return gt_fail_errno(err, errno, "cannot create a file in %s/%s", log->public_dir,
				     dir);
	char tmp[GT_TILE_PATH_MAX + 8];
	snprintf(tmp, sizeof(tmp), "%s.tmp", rel);
	fd = openat(log->pubfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return gt_fail_errno(err, errno, "cannot create %s/%s", log->public_dir, tmp);
	rc = gt_fs_write_all(fd, data, len);
	if (rc == 0 && renameat(log->pubfd, tmp, log->pubfd, rel) < 0)
		rc = -errno;
	if (rc < 0) {
		close(fd);
		unlinkat(log->pubfd, tmp, 0);
		return gt_fail_errno(err, -rc, "cannot write %s/%s", log->public_dir, rel);
	}
	return S_track(log, fd, rel, err);
}

static int S_sync_dir_at(int dirfd, const char *rel)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

/* Make everything the commit wrote durable. */
static int S_sync(gt_log *log, gt_error *err)
{
	int rc = 0;
	if (log->sync == GT_LOG_SYNC_FS) {
		if (syncfs(log->pubfd) < 0)
			return gt_fail_errno(err, errno, "syncfs %s", log->public_dir);
		if (log->split_fs && syncfs(log->statefd) < 0)
			return gt_fail_errno(err, errno, "syncfs %s", log->state_dir);
		return 0;
	}
	for (size_t i = 0; i < log->nsync_fds; i++) {
		if (rc == 0 && fdatasync(log->sync_fds[i]) < 0)
			rc = gt_fail_errno(err, errno, "fdatasync in %s", log->public_dir);
		close(log->sync_fds[i]);
	}
	log->nsync_fds = 0;
	if (rc < 0)
		return rc;
	/* Every directory on the path of each file written. */
	for (size_t i = 0; i < log->ndirty_dirs; i++) {
		int r = S_sync_dir_at(log->pubfd, log->dirty_dirs[i]);
		if (r < 0 && r != -ENOENT)
			return gt_fail_errno(err, -r, "cannot sync %s/%s", log->public_dir,
					     log->dirty_dirs[i]);
	}
	log->ndirty_dirs = 0;
	for (int l = 0; l < GT_TILE_LEVELS; l++)
		if (log->idxfd[l] >= 0 && fdatasync(log->idxfd[l]) < 0)
			return gt_fail_errno(err, errno, "fdatasync proof index");
	if (fdatasync(log->stagedfd[log->slot]) < 0)
		return gt_fail_errno(err, errno, "fdatasync staged checkpoint");
	if (fsync(log->pubfd) < 0 || fsync(log->statefd) < 0)
		return gt_fail_errno(err, errno, "cannot sync log directories");
	return 0;
}

/* Remove a partial-tile directory "<tile>.p" and everything in it. */
static void S_remove_partials(int pubfd, const char *pdir, unsigned keep_upto)
{
	int dfd = openat(pubfd, pdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *de;
	int kept = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		char *end;
		unsigned long w = strtoul(de->d_name, &end, 10);
		if (*end == 0 && w >= 1 && w <= keep_upto) {
			kept = 1;
			continue;
		}
		unlinkat(dfd, de->d_name, 0);
	}
	closedir(d);
	if (!kept)
		unlinkat(pubfd, pdir, AT_REMOVEDIR);
}

/* ---- tile providers ---- */

/* Between a tile's rows and one chunk of its proof-index record. */
static void S_chunk_pack(const gt_hash rows[GT_TILE_ROWS_LEN], unsigned block,
			 gt_hash chunk[S_CHUNK_LEN])
{
	memcpy(chunk, &rows[GT_TILE_ROW(GT_TILE_BLOCK_ROWS)], S_HEAD_LEN * sizeof(gt_hash));
	gt_hash *p = chunk + S_HEAD_LEN;
	for (unsigned r = 0; r < GT_TILE_BLOCK_ROWS; r++) {
		unsigned n = 32u >> r;
		memcpy(p, &rows[GT_TILE_ROW(r) + block * n], n * sizeof(gt_hash));
		p += n;
	}
}

static void S_chunk_unpack(const gt_hash chunk[S_CHUNK_LEN], unsigned block,
			   gt_hash rows[GT_TILE_ROWS_LEN])
{
	memcpy(&rows[GT_TILE_ROW(GT_TILE_BLOCK_ROWS)], chunk, S_HEAD_LEN * sizeof(gt_hash));
	const gt_hash *p = chunk + S_HEAD_LEN;
	for (unsigned r = 0; r < GT_TILE_BLOCK_ROWS; r++) {
		unsigned n = 32u >> r;
		memcpy(&rows[GT_TILE_ROW(r) + block * n], p, n * sizeof(gt_hash));
		p += n;
	}
}

/* len bytes at off of level's proof index: from its mapping when they are
 * written, else with pread. 0, -EIO past the end, or -errno. */
static int S_index_read(gt_log *log, int level, void *dst, size_t len, uint64_t off)
{
	const uint8_t *map = log->idxmap[level];
	if (map && off + len <= S_IDX_MAP_BYTES &&
	    off + len <= __atomic_load_n(&log->idx_bytes[level], __ATOMIC_ACQUIRE)) {
		memcpy(dst, map + off, len);
		return 0;
	}
	return gt_fs_pread_all(log->idxfd[level], dst, len, (off_t)off);
}

/* One hash of a full tile, straight from the mapped proof index (its
 * record holds the tile's rows 0-4 by block, then rows 5-7 in each
 * chunk's head): a proof then touches a few cache lines of the index, not
 * a 2.4 KiB chunk. 0 when the record is not mapped and written. */
static int S_index_node(void *ctx, int level, uint64_t index, unsigned row, unsigned at,
			gt_hash *out)
{
	gt_log *log = ctx;
	const uint8_t *map = log->idxmap[level];
	if (!map || row >= GT_TILE_HEIGHT)
		return 0;
	uint64_t pos; /* in hashes, within the record */
	if (row >= GT_TILE_BLOCK_ROWS) {
		pos = GT_TILE_ROW(row) - GT_TILE_ROW(GT_TILE_BLOCK_ROWS) + at;
	} else {
		unsigned n = 32u >> row, block = at / n;
		pos = (uint64_t)block * S_CHUNK_LEN + S_HEAD_LEN + (64u - (64u >> row)) +
		      (at - block * n);
	}
	uint64_t off = index * S_RECORD_BYTES + pos * GT_HASH_LEN;
	if (off + GT_HASH_LEN > S_IDX_MAP_BYTES ||
	    off + GT_HASH_LEN > __atomic_load_n(&log->idx_bytes[level], __ATOMIC_ACQUIRE))
		return 0;
	memcpy(out, map + off, GT_HASH_LEN);
	return 1;
}

/* Map each level's proof index for readers, what is written of it now. */
static void S_index_map(gt_log *log)
{
	for (int l = 0; l < GT_TILE_LEVELS; l++) {
		struct stat st;
		if (log->idxfd[l] < 0 || fstat(log->idxfd[l], &st) < 0)
			continue;
		void *m = mmap(NULL, S_IDX_MAP_BYTES, PROT_READ, MAP_SHARED, log->idxfd[l], 0);
		if (m == MAP_FAILED)
			continue; /* pread it is */
		log->idxmap[l] = m;
		__atomic_store_n(&log->idx_bytes[l], (uint64_t)st.st_size, __ATOMIC_RELEASE);
	}
}

/* Read the rows of a full tile from the proof index, or from the tile file
 * when the index does not hold it. */
static int S_full_rows(gt_log *log, int level, uint64_t index, gt_hash rows[GT_TILE_ROWS_LEN],
		       bool use_index, gt_error *err)
{
	if (use_index && log->idxfd[level] >= 0) {
		gt_hash *rec = malloc(S_RECORD_BYTES);
		if (!rec)
			return gt_fail(err, GT_ENOMEM, "out of memory");
		int rc = S_index_read(log, level, rec, S_RECORD_BYTES, index * S_RECORD_BYTES);
		for (unsigned k = 0; rc == 0 && k < GT_TILE_BLOCKS; k++)
			S_chunk_unpack(rec + k * S_CHUNK_LEN, k, rows);
		free(rec);
		if (rc == 0)
			return 0;
		if (rc != -EIO)
			return gt_fail_errno(err, -rc, "cannot read the proof index");
	}
	char rel[GT_TILE_PATH_MAX];
	gt_tile_path(rel, level, index, 0);
	gt_buf b = GT_BUF_INIT;
	int rc = gt_fs_readat(log->pubfd, rel, GT_TILE_BYTES, &b, err);
	if (rc == 0 && b.len != GT_TILE_BYTES)
		rc = gt_fail(err, GT_ECORRUPT, "%s/%s is %zu bytes, not %d", log->public_dir, rel,
			     b.len, GT_TILE_BYTES);
	if (rc == 0) {
		memcpy(rows, b.data, GT_TILE_BYTES);
		gt_tile_rows_compute(rows, GT_TILE_WIDTH);
	}
	gt_buf_done(&b);
	return rc;
}

static int S_record_write(gt_log *log, int level, uint64_t index,
			  const gt_hash rows[GT_TILE_ROWS_LEN], gt_error *err)
{
	gt_hash rec[GT_TILE_BLOCKS * S_CHUNK_LEN];
	for (unsigned k = 0; k < GT_TILE_BLOCKS; k++)
		S_chunk_pack(rows, k, rec + k * S_CHUNK_LEN);
	uint64_t end = (index + 1) * S_RECORD_BYTES;
	int rc = gt_fs_pwrite_all(log->idxfd[level], rec, S_RECORD_BYTES,
				  (off_t)(index * S_RECORD_BYTES));
	if (rc < 0)
		return gt_fail_errno(err, -rc, "cannot write the proof index");
	/* Records are written in order (recovery rewrites before mapping). */
	if (end > __atomic_load_n(&log->idx_bytes[level], __ATOMIC_RELAXED))
		__atomic_store_n(&log->idx_bytes[level], end, __ATOMIC_RELEASE);
	return 0;
}

/* Read the head and one block of a full tile from the proof index, or, if
 * the index does not hold it, all rows from the tile file. */
static int S_full_block(gt_log *log, int level, uint64_t index, unsigned block,
			gt_hash rows[GT_TILE_ROWS_LEN], bool use_index, gt_error *err)
{
	if (use_index && level > 0 && log->cache_rows) {
		unsigned slot = (unsigned)((index + (uint64_t)level * 131) % S_CACHE_SLOTS);
		pthread_mutex_lock(&log->cache_mu);
		bool hit =
			log->cache_key[slot].level == level && log->cache_key[slot].index == index;
		if (hit)
			gt_tile_rows_copy_block(rows, log->cache_rows[slot], block);
		pthread_mutex_unlock(&log->cache_mu);
		if (hit)
			return 0;
		int rc = S_full_rows(log, level, index, rows, true, err);
		if (rc < 0)
			return rc;
		pthread_mutex_lock(&log->cache_mu);
		memcpy(log->cache_rows[slot], rows, sizeof(log->cache_rows[slot]));
		log->cache_key[slot].level = level;
		log->cache_key[slot].index = index;
		pthread_mutex_unlock(&log->cache_mu);
		return 0;
	}
	if (use_index && log->idxfd[level] >= 0) {
		gt_hash chunk[S_CHUNK_LEN];
		uint64_t off = index * S_RECORD_BYTES + block * S_CHUNK_LEN * GT_HASH_LEN;
		int rc = S_index_read(log, level, chunk, sizeof(chunk), off);
		if (rc == 0) {
			S_chunk_unpack(chunk, block, rows);
			return 0;
		}
		if (rc != -EIO)
			return gt_fail_errno(err, -rc, "cannot read the proof index");
	}
	return S_full_rows(log, level, index, rows, false, err);
}

/* The tree as the writer sees it (the commit in progress). */
static int S_tile_writer(void *ctx, int level, uint64_t index, unsigned width, unsigned block,
			 gt_hash rows[GT_TILE_ROWS_LEN], gt_error *err)
{
	gt_log *log = ctx;
	if (index < gt_tile_full_count(log->size, level))
		return S_full_block(log, level, index, block, rows, true, err);
	memcpy(rows, log->edge[level], width * sizeof(gt_hash));
	gt_tile_rows_compute(rows, width);
	return 0;
}

/* The tree as readers see it (the published checkpoint). */
static int S_tile_reader(void *ctx, int level, uint64_t index, unsigned width, unsigned block,
			 gt_hash rows[GT_TILE_ROWS_LEN], gt_error *err)
{
	gt_log *log = ctx;
	(void)width;
	pthread_mutex_lock(&log->mu);
	bool full = index < gt_tile_full_count(log->pub_size, level);
	if (!full)
		gt_tile_rows_copy_block(rows, log->pub_rows[level], block);
	pthread_mutex_unlock(&log->mu);
	if (!full)
		return 0;
	bool indexed = log->writable || index < log->idx_records[level];
	return S_full_block(log, level, index, block, rows, indexed, err);
}

/* Tiles straight from the public files (recovery: trust nothing else). */
static int S_fetch_public(void *ctx, const char *path, gt_buf *out, gt_error *err)
{
	gt_log *log = ctx;
	return gt_fs_readat(log->pubfd, path, GT_ENTRY_MAX * 256 + 512, out, err);
}

/* Give readers the rows of the partial tiles of log->size. Called with
 * log->mu held, or before any reader exists. */
static void S_publish_edge(gt_log *log)
{
	for (int level = 0; level < GT_TILE_LEVELS; level++) {
		unsigned w = gt_tile_partial_width(log->size, level);
		memcpy(log->pub_rows[level], log->edge[level], w * sizeof(gt_hash));
		gt_tile_rows_compute(log->pub_rows[level], w);
	}
}

/* ---- commit ---- */

static int S_add_hash(gt_log *log, int level, uint64_t idx, const gt_hash *h, gt_error *err);

/* A tile just filled up: publish it, index it, and pass its root up. */
static int S_tile_full(gt_log *log, int level, uint64_t tile, gt_error *err)
{
	gt_hash rows[GT_TILE_ROWS_LEN];
	char rel[GT_TILE_PATH_MAX];
	memcpy(rows, log->edge[level], GT_TILE_BYTES);
	gt_tile_path(rel, level, tile, 0);
	int rc = S_write_public(log, level, rel, rows, GT_TILE_BYTES, err);
	if (rc < 0)
		return rc;
	gt_tile_rows_compute(rows, GT_TILE_WIDTH);
	rc = S_record_write(log, level, tile, rows, err);
	if (rc < 0)
		return rc;
	log->obsolete[log->nobsolete].level = level;
	log->obsolete[log->nobsolete++].index = tile;
	gt_hash root;
	gt_hash_node(&rows[GT_TILE_ROW(7)], &rows[GT_TILE_ROW(7) + 1], &root);
	if (level + 1 >= GT_TILE_LEVELS)
		return 0;
	return S_add_hash(log, level + 1, tile, &root, err);
}

/* Store the hash with index idx at level (in level units). */
static int S_add_hash(gt_log *log, int level, uint64_t idx, const gt_hash *h, gt_error *err)
{
	log->edge[level][idx & 255] = *h;
	if ((idx & 255) == 255)
		return S_tile_full(log, level, idx >> 8, err);
	return 0;
}

static int S_write_partials(gt_log *log, uint64_t start, gt_error *err)
{
	char rel[GT_TILE_PATH_MAX];
	for (int level = 0; level < GT_TILE_LEVELS; level++) {
		unsigned w = gt_tile_partial_width(log->size, level);
		int shift = 8 * level;
		if (w == 0 || (start >> shift) == (log->size >> shift))
			continue;
		gt_tile_path(rel, level, gt_tile_full_count(log->size, level), w);
		int rc =
			S_write_public(log, level, rel, log->edge[level], w * sizeof(gt_hash), err);
		if (rc < 0)
			return rc;
	}
	unsigned w = gt_tile_partial_width(log->size, 0);
	if (w == 0)
		return 0;
	gt_tile_path(rel, GT_TILE_ENTRIES, log->size >> 8, w);
	return S_write_public(log, GT_TILE_ENTRIES, rel, log->bundle.data, log->bundle.len, err);
}

static int S_commit(gt_log *log, const gt_bytes *entries, size_t n, gt_error *err)
{
	uint64_t start = log->size;
	char rel[GT_TILE_PATH_MAX];
	int rc = 0;
	log->nobsolete = 0;
	for (size_t i = 0; i < n; i++) {
		gt_hash leaf;
		uint8_t len[2] = {(uint8_t)(entries[i].len >> 8), (uint8_t)entries[i].len};
		gt_hash_leaf(entries[i].data, entries[i].len, &leaf);
		if (gt_buf_add(&log->bundle, len, 2) < 0 ||
		    gt_buf_add(&log->bundle, entries[i].data, entries[i].len) < 0)
			return gt_fail(err, GT_ENOMEM, "out of memory for the entry bundle");
		uint64_t idx = log->size++;
		if ((idx & 255) == 255) {
			gt_tile_path(rel, GT_TILE_ENTRIES, idx >> 8, 0);
			rc = S_write_public(log, GT_TILE_ENTRIES, rel, log->bundle.data,
					    log->bundle.len, err);
			if (rc < 0)
				return rc;
			gt_buf_reset(&log->bundle);
			log->obsolete[log->nobsolete].level = GT_TILE_ENTRIES;
			log->obsolete[log->nobsolete++].index = idx >> 8;
		}
		rc = S_add_hash(log, 0, idx, &leaf, err);
		if (rc < 0)
			return rc;
	}
	rc = S_write_partials(log, start, err);
	if (rc < 0)
		return rc;

	gt_checkpoint cp;
	gt_tree_reader reader;
	gt_tree_reader_init(&reader, S_tile_writer, log);
	snprintf(cp.origin, sizeof(cp.origin), "%s", log->origin);
	cp.size = log->size;
	rc = gt_tree_root(&reader, log->size, &cp.root, err);
	if (rc < 0)
		return rc;
	gt_buf note = GT_BUF_INIT;
	rc = gt_checkpoint_sign(&cp, log->signer, &note, err);
	if (rc < 0)
		goto fail;
	int sfd = log->stagedfd[log->slot];
	rc = gt_fs_pwrite_all(sfd, note.data, note.len, 0);
	if (rc == 0 && ftruncate(sfd, (off_t)note.len) < 0)
		rc = -errno;
	if (rc < 0) {
		rc = gt_fail_errno(err, -rc, "cannot write the staged checkpoint");
		goto fail;
	}
	rc = S_sync(log, err);
	if (rc < 0)
		goto fail;
	/* Durable: publish for readers and the web. */
	rc = gt_fs_write_atomic_at(log->pubfd, "checkpoint", note.data, note.len, 0644, 0, err);
	if (rc < 0)
		goto fail;
	pthread_mutex_lock(&log->mu);
	log->pub_size = cp.size;
	if (log->seq_size < cp.size)
		log->seq_size = cp.size;
	log->pub_root = cp.root;
	gt_buf_reset(&log->pub_note);
	rc = gt_buf_add(&log->pub_note, note.data, note.len);
	S_publish_edge(log);
	pthread_mutex_unlock(&log->mu);
	if (rc < 0) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto fail;
	}
	log->slot ^= 1;
	/* Partial tiles whose full tile now exists are no longer needed. */
	for (size_t i = 0; i < log->nobsolete; i++) {
		gt_tile_path(rel, log->obsolete[i].level, log->obsolete[i].index, 1);
		*strrchr(rel, '/') = 0;
		S_remove_partials(log->pubfd, rel, 0);
	}
fail:
	gt_buf_done(&note);
	return rc;
}

/* ---- appends, the journal, integration ----
 *
 * Locks: imu serialises everything that writes tiles and checkpoints
 * (appends, integration, recovery); wmu guards the journal, the pending
 * entries and next, and integration holds it only to take the pending
 * entries and switch journal files, so sequence calls go on while it
 * writes tiles. Order: imu before wmu. There are two journal files: the
 * one sequence calls append to, and the one whose records are being
 * integrated, emptied once they are. */

static bool S_is_broken(gt_log *log)
{
	return __atomic_load_n(&log->broken, __ATOMIC_ACQUIRE);
}

static void S_set_broken(gt_log *log)
{
	__atomic_store_n(&log->broken, true, __ATOMIC_RELEASE);
}

/* Check a writer call's entries; with wmu held (it reads next). */
static int S_check_entries(gt_log *log, const gt_bytes *entries, size_t n, gt_error *err)
{
	if (!log->writable)
		return gt_fail(err, GT_EINVAL, "the log was opened read-only");
	if (S_is_broken(log))
		return gt_fail(err, GT_EIO, "an earlier write failed; reopen the log to recover");
	for (size_t i = 0; i < n; i++)
		if (entries[i].len == 0 || entries[i].len > GT_ENTRY_MAX)
			return gt_fail(err, GT_EINVAL,
				       "entry %zu is %zu bytes; entries must be 1 to %d bytes", i,
				       entries[i].len, GT_ENTRY_MAX);
	if (log->next > UINT64_MAX - n)
		return gt_fail(err, GT_ETOOBIG, "the log is full");
	return 0;
}

/* Commit entries in commits of at most S_COMMIT_MAX; with imu held. A
 * failure breaks the log until it is reopened. */
static int S_commit_all(gt_log *log, const gt_bytes *entries, size_t n, gt_error *err)
{
	for (size_t off = 0; off < n;) {
		size_t k = n - off < S_COMMIT_MAX ? n - off : S_COMMIT_MAX;
		int rc = S_commit(log, entries + off, k, err);
		if (rc < 0) {
			S_set_broken(log);
			for (size_t i = 0; i < log->nsync_fds; i++)
				close(log->sync_fds[i]);
			log->nsync_fds = 0;
			return rc;
		}
		off += k;
	}
	return 0;
}

/* The n entries of a bundle-form buffer, as slices (free the array). */
static gt_bytes *S_split(const gt_buf *b, size_t n, gt_error *err)
{
	gt_bytes *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v) {
		gt_fail(err, GT_ENOMEM, "out of memory for %zu entries", n);
		return NULL;
	}
	gt_bytes all = {b->data, b->len};
	size_t pos = 0;
	for (size_t i = 0; i < n; i++)
		if (gt_bundle_next(&all, &pos, &v[i]) != 1) {
			free(v);
			gt_fail(err, GT_ECORRUPT, "pending entries damaged in memory");
			return NULL;
		}
	return v;
}

/* Integrate the pending entries; with imu held, not wmu. */
static int S_integrate_locked(gt_log *log, gt_error *err)
{
	pthread_mutex_lock(&log->wmu);
	size_t n = log->npending;
	int old = log->jactive;
	if (n > 0) {
		gt_buf t = log->pending;
		log->pending = log->taken;
		log->taken = t;
		log->npending = 0;
		log->nintegrating = n;
		log->jactive ^= 1; /* emptied when its records were integrated */
		log->journal_len = 0;
	}
	pthread_mutex_unlock(&log->wmu);
	if (n == 0)
		return 0;
	gt_bytes *v = S_split(&log->taken, n, err);
	int rc = v ? S_commit_all(log, v, n, err) : GT_ENOMEM;
	free(v);
	/* Integrated and durable: the old journal file holds nothing needed.
	 * If the truncation is lost in a crash, recovery skips its records. */
	if (rc == 0 && ftruncate(log->journalfd[old], 0) < 0)
		rc = gt_fail_errno(err, errno, "cannot empty %s/%s", log->state_dir,
				   S_journal_name[old]);
	if (rc < 0)
		S_set_broken(log);
	gt_buf_reset(&log->taken);
	pthread_mutex_lock(&log->wmu);
	log->nintegrating = 0;
	pthread_mutex_unlock(&log->wmu);
	return rc;
}

int gt_log_integrate(gt_log *log, gt_error *err)
{
	if (!log->writable)
		return gt_fail(err, GT_EINVAL, "the log was opened read-only");
	pthread_mutex_lock(&log->imu);
	int rc = S_is_broken(log) ? gt_fail(err, GT_EIO,
					    "an earlier write failed; reopen the log to recover") :
				    S_integrate_locked(log, err);
	pthread_mutex_unlock(&log->imu);
	return rc;
}

int gt_log_append(gt_log *log, const gt_bytes *entries, size_t n, uint64_t *ret_first,
		  gt_error *err)
{
	pthread_mutex_lock(&log->imu);
	int rc;
	/* Pending entries first, then these, with sequence calls held off. */
	for (;;) {
		pthread_mutex_lock(&log->wmu);
		rc = S_check_entries(log, entries, n, err);
		if (rc < 0 || log->npending == 0)
			break;
		pthread_mutex_unlock(&log->wmu);
		rc = S_integrate_locked(log, err);
		if (rc < 0) {
			pthread_mutex_lock(&log->wmu);
			break;
		}
	}
	uint64_t first = log->size;
	if (rc == 0)
		rc = S_commit_all(log, entries, n, err);
	if (rc == 0)
		log->next = log->size;
	pthread_mutex_unlock(&log->wmu);
	pthread_mutex_unlock(&log->imu);
	if (rc == 0 && ret_first)
		*ret_first = first;
	return rc;
}

int gt_log_sequence(gt_log *log, const gt_bytes *entries, size_t n, uint64_t *ret_first,
		    gt_error *err)
{
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++)
		bytes += 2 + entries[i].len;
	/* Too large to hold for integration: integrated at once instead. */
	if (n == 0 || n > S_COMMIT_MAX || bytes > S_PENDING_BYTES_MAX)
		return gt_log_append(log, entries, n, ret_first, err);
	int rc;
	for (;;) {
		pthread_mutex_lock(&log->wmu);
		rc = S_check_entries(log, entries, n, err);
		if (rc < 0 || (log->npending + n <= S_COMMIT_MAX &&
			       log->pending.len + bytes <= S_PENDING_BYTES_MAX &&
			       log->journal_len + bytes <= S_JOURNAL_BYTES_MAX))
			break;
		pthread_mutex_unlock(&log->wmu);
		rc = gt_log_integrate(log, err);
		if (rc < 0)
			return rc;
	}
	uint64_t first = log->next;
	gt_buf_reset(&log->record);
	if (rc == 0)
		rc = gt_journal_encode(&log->record, first, entries, n, err);
	if (rc == 0 && gt_buf_reserve(&log->pending, bytes) < 0)
		rc = gt_fail(err, GT_ENOMEM, "out of memory for pending entries");
	if (rc == 0) {
		int fd = log->journalfd[log->jactive];
		rc = gt_fs_pwrite_all(fd, log->record.data, log->record.len,
				      (off_t)log->journal_len);
		if (rc == 0 && fdatasync(fd) < 0)
			rc = -errno;
		if (rc < 0) {
			/* What reached the disk is a torn tail that recovery drops. */
			S_set_broken(log);
			rc = gt_fail_errno(err, -rc, "cannot write %s/%s", log->state_dir,
					   S_journal_name[log->jactive]);
		}
	}
	if (rc == 0) {
		log->journal_len += log->record.len;
		/* Room was reserved above: this cannot fail. */
		gt_buf_add(&log->pending, log->record.data + GT_JOURNAL_HEAD, bytes);
		log->npending += n;
		log->next += n;
	}
	pthread_mutex_unlock(&log->wmu);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&log->mu);
	log->seq_size += n;
	pthread_mutex_unlock(&log->mu);
	if (ret_first)
		*ret_first = first;
	return 0;
}

size_t gt_log_pending(gt_log *log)
{
	pthread_mutex_lock(&log->wmu);
	size_t n = log->npending + log->nintegrating;
	pthread_mutex_unlock(&log->wmu);
	return n;
}

uint64_t gt_log_end(gt_log *log)
{
	pthread_mutex_lock(&log->wmu);
	uint64_t next = log->next;
	pthread_mutex_unlock(&log->wmu);
	return next;
}

/* A journal record found by recovery. */
typedef struct {
	gt_journal_rec rec;
	int file;
	size_t off;
} S_found;

static int S_found_cmp(const void *a, const void *b)
{
	const S_found *x = a, *y = b;
	if (x->rec.first != y->rec.first)
		return x->rec.first < y->rec.first ? -1 : 1;
	return x->file != y->file ? x->file - y->file : (x->off < y->off ? -1 : 1);
}

/* Read the valid records of journal file f into *found. */
static int S_journal_scan(gt_log *log, int f, const gt_buf *j, S_found **found, size_t *nfound,
			  size_t *cap, gt_error *err)
{
	size_t pos = 0;
	for (;;) {
		gt_journal_rec rec;
		gt_error why;
		int r = gt_journal_next(j->data, j->len, pos, &rec, &why);
		if (r == 0 || r == GT_JOURNAL_TORN)
			return 0; /* a torn tail was never acknowledged */
		if (r < 0)
			return gt_fail(err, GT_ECORRUPT,
				       "%s/%s is damaged and may hold acknowledged entries; "
				       "refusing to open: %s",
				       log->state_dir, S_journal_name[f], why.msg);
		if (*nfound == *cap) {
			size_t c = *cap ? 2 * *cap : 64;
			S_found *p = realloc(*found, c * sizeof(*p));
			if (!p)
				return gt_fail(err, GT_ENOMEM, "out of memory for the journal");
			*found = p;
			*cap = c;
		}
		(*found)[(*nfound)++] = (S_found){rec, f, pos};
		pos += rec.len;
	}
}

/* What recovery read from the journal files. */
typedef struct {
	gt_buf file[2];
	S_found *found; /* valid records, by first index */
	size_t nfound, cap;
} S_journal;

static void S_journal_done(S_journal *j)
{
	gt_buf_done(&j->file[0]);
	gt_buf_done(&j->file[1]);
	free(j->found);
}

/* Open the journal files and read their records, before recovery changes
 * anything: a torn last record (cut short by a crash, so never
 * acknowledged) is left out; any other damage refuses the open. */
static int S_journal_load(gt_log *log, S_journal *j, gt_error *err)
{
	for (int f = 0; f < 2; f++) {
		log->journalfd[f] =
			openat(log->statefd, S_journal_name[f], O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (log->journalfd[f] < 0)
			return gt_fail_errno(err, errno, "cannot open %s/%s", log->state_dir,
					     S_journal_name[f]);
		int rc = gt_fs_readat(log->statefd, S_journal_name[f], S_JOURNAL_READ_MAX,
				      &j->file[f], err);
		if (rc == 0)
			rc = S_journal_scan(log, f, &j->file[f], &j->found, &j->nfound, &j->cap,
					    err);
		if (rc < 0)
			return rc;
	}
	if (j->nfound > 0)
		qsort(j->found, j->nfound, sizeof(*j->found), S_found_cmp);
	return 0;
}

/* Integrate the entries the journal holds beyond the recovered log's size,
 * then empty the journal files. Entries missing between the log's size and
 * a record refuse the open (the journal files are left as they are). */
static int S_journal_replay(gt_log *log, const S_journal *j, gt_error *err)
{
	gt_buf todo = GT_BUF_INIT;
	size_t ntodo = 0;
	uint64_t next = log->size;
	int rc = 0;
	for (size_t i = 0; i < j->nfound && rc == 0; i++) {
		const gt_journal_rec *rec = &j->found[i].rec;
		if (rec->first > next) {
			rc = gt_fail(err, GT_ECORRUPT,
				     "%s/%s: the record at offset %zu starts at entry %llu but the "
				     "log ends at %llu; entries are missing, refusing to open",
				     log->state_dir, S_journal_name[j->found[i].file],
				     j->found[i].off, (unsigned long long)rec->first,
				     (unsigned long long)next);
			break;
		}
		size_t bpos = 0;
		gt_bytes e;
		for (uint64_t idx = rec->first;
		     rc == 0 && gt_bundle_next(&rec->payload, &bpos, &e) == 1; idx++) {
			if (idx != next)
				continue;
			uint8_t len[2] = {(uint8_t)(e.len >> 8), (uint8_t)e.len};
			if (gt_buf_add(&todo, len, 2) < 0 || gt_buf_add(&todo, e.data, e.len) < 0)
				rc = gt_fail(err, GT_ENOMEM, "out of memory for the journal");
			ntodo++;
			next++;
		}
	}
	if (rc == 0 && ntodo > 0) {
		gt_bytes *v = S_split(&todo, ntodo, err);
		rc = v ? S_commit_all(log, v, ntodo, err) : GT_ENOMEM;
		free(v);
	}
	for (int f = 0; f < 2 && rc == 0; f++)
		if (ftruncate(log->journalfd[f], 0) < 0 || fsync(log->journalfd[f]) < 0)
			rc = gt_fail_errno(err, errno, "cannot empty %s/%s", log->state_dir,
					   S_journal_name[f]);
	if (rc == 0 && fsync(log->statefd) < 0)
		rc = gt_fail_errno(err, errno, "cannot sync %s", log->state_dir);
	log->next = log->size;
	gt_buf_done(&todo);
	return rc;
}

/* ---- create, open, recover ---- */

int gt_log_create(const gt_log_options *opt, gt_error *err)
{
	if (!opt->signer)
		return gt_fail(err, GT_EINVAL, "creating a log needs its signing key");
	int rc = gt_fs_mkdirs(opt->public_dir, 0755, err);
	if (rc == 0)
		rc = gt_fs_mkdirs(opt->state_dir, 0700, err);
	if (rc < 0)
		return rc;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/checkpoint", opt->public_dir);
	if (access(path, F_OK) == 0)
		return gt_fail(err, GT_EEXIST, "%s already holds a log", opt->public_dir);
	gt_checkpoint cp = {.size = 0};
	snprintf(cp.origin, sizeof(cp.origin), "%s", gt_signer_name(opt->signer));
	gt_hash_empty(&cp.root);
	gt_buf note = GT_BUF_INIT;
	rc = gt_checkpoint_sign(&cp, opt->signer, &note, err);
	for (int slot = 0; rc == 0 && slot < 2; slot++) {
		char staged[PATH_MAX];
		snprintf(staged, sizeof(staged), "%s/%s", opt->state_dir, S_staged_name[slot]);
		rc = gt_fs_write_atomic(staged, note.data, note.len, 0600, 1, err);
	}
	if (rc == 0)
		rc = gt_fs_write_atomic(path, note.data, note.len, 0644, 1, err);
	gt_buf_done(&note);
	return rc;
}

void gt_log_free(gt_log *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->nsync_fds; i++)
		close(log->sync_fds[i]);
	for (int l = 0; l < GT_TILE_LEVELS; l++)
		if (log->idxfd[l] >= 0)
			close(log->idxfd[l]);
	for (int s = 0; s < 2; s++)
		if (log->stagedfd[s] >= 0)
			close(log->stagedfd[s]);
	for (int f = 0; f < 2; f++)
		if (log->journalfd[f] >= 0)
			close(log->journalfd[f]);
	if (log->pubfd >= 0)
		close(log->pubfd);
	if (log->statefd >= 0)
		close(log->statefd);
	if (log->lockfd >= 0)
		close(log->lockfd); /* releases the lock */
	gt_verifier_free(log->own_verifier);
	gt_buf_done(&log->bundle);
	gt_buf_done(&log->record);
	gt_buf_done(&log->pending);
	gt_buf_done(&log->taken);
	gt_buf_done(&log->pub_note);
	pthread_mutex_destroy(&log->mu);
	pthread_mutex_destroy(&log->cache_mu);
	pthread_mutex_destroy(&log->imu);
	pthread_mutex_destroy(&log->wmu);
	free(log->cache_rows);
	for (size_t i = 0; log->offs && i < S_OFFS_SLOTS; i++)
		if (log->offs[i].map)
			munmap((void *)log->offs[i].map, log->offs[i].off[GT_TILE_WIDTH]);
	free(log->offs);
	for (int l = 0; l < GT_TILE_LEVELS; l++)
		if (log->idxmap[l])
			munmap((void *)log->idxmap[l], S_IDX_MAP_BYTES);
	pthread_mutex_destroy(&log->offs_mu);
	free(log->dirty_dirs);
	free(log->public_dir);
	free(log->state_dir);
	free(log);
}

/* A checkpoint candidate found on disk. */
typedef struct {
	gt_checkpoint cp;
	gt_buf note;
	bool valid;
} S_candidate;

static void S_read_candidate(gt_log *log, int dirfd, const char *name, S_candidate *c)
{
	gt_error ignore;
	c->valid = false;
	if (dirfd < 0 || gt_fs_readat(dirfd, name, S_CHECKPOINT_MAX, &c->note, &ignore) < 0)
		return;
	c->valid = gt_checkpoint_open(log->verifier, (const char *)c->note.data, c->note.len,
				      &c->cp, &ignore) == 0;
}

/* Remove whatever a crashed commit wrote past size. The partial tiles of
 * size are recreated first from the full tiles where only those are left
 * (their prefix is the same), so that nothing size needs is removed. */
static int S_cut_back(gt_log *log, uint64_t size, gt_error *err)
{
	char rel[GT_TILE_PATH_MAX + 8];
	gt_buf b = GT_BUF_INIT;
	int rc = 0;
	for (int level = GT_TILE_ENTRIES; level < GT_TILE_LEVELS && rc == 0; level++) {
		int geom = level == GT_TILE_ENTRIES ? 0 : level;
		uint64_t first = gt_tile_full_count(size, geom);
		unsigned w = gt_tile_partial_width(size, geom);
		if (w > 0) {
			gt_tile_path(rel, level, first, w);
			if (faccessat(log->pubfd, rel, F_OK, 0) < 0) {
				gt_buf_reset(&b);
				rc = gt_tile_fetch(S_fetch_public, log, level, first, w, &b, err);
				if (rc == 0)
					rc = S_write_public(log, level, rel, b.data, b.len, err);
				if (rc < 0)
					break;
			}
		}
		for (uint64_t t = first; t < first + S_BEYOND_TILES; t++) {
			size_t len = gt_tile_path(rel, level, t, 0);
			unlinkat(log->pubfd, rel, 0);
			memcpy(rel + len, ".tmp", 5);
			unlinkat(log->pubfd, rel, 0);
			memcpy(rel + len, ".p", 3);
			S_remove_partials(log->pubfd, rel, t == first ? w : 0);
		}
	}
	gt_buf_done(&b);
	return rc;
}

/* Make the proof index hold exactly the full tiles of size, rebuilding
 * records that are missing or do not match their tile. */
static int S_fix_index(gt_log *log, uint64_t size, gt_error *err)
{
	for (int level = 0; level < GT_TILE_LEVELS; level++) {
		char name[32];
		snprintf(name, sizeof(name), "index.%d", level);
		int fd = openat(log->statefd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return gt_fail_errno(err, errno, "cannot open %s/%s", log->state_dir, name);
		log->idxfd[level] = fd;
		struct stat st;
		if (fstat(fd, &st) < 0)
			return gt_fail_errno(err, errno, "cannot stat %s/%s", log->state_dir, name);
		uint64_t need = gt_tile_full_count(size, level);
		uint64_t have = (uint64_t)st.st_size / S_RECORD_BYTES;
		if ((uint64_t)st.st_size != need * S_RECORD_BYTES &&
		    ftruncate(fd, (off_t)(need * S_RECORD_BYTES)) < 0)
			return gt_fail_errno(err, errno, "cannot resize %s/%s", log->state_dir,
					     name);
		if (have > need)
			have = need;
		/* The last record must match its tile; otherwise rebuild all. */
		if (have > 0) {
			gt_hash a[GT_TILE_ROWS_LEN], b[GT_TILE_ROWS_LEN];
			int rc = S_full_rows(log, level, have - 1, a, true, err);
			if (rc == 0)
				rc = S_full_rows(log, level, have - 1, b, false, err);
			if (rc < 0)
				return rc;
			if (memcmp(a, b, sizeof(a)) != 0)
				have = 0;
		}
		for (uint64_t t = have; t < need; t++) {
			gt_hash rows[GT_TILE_ROWS_LEN];
			int rc = S_full_rows(log, level, t, rows, false, err);
			if (rc < 0)
				return rc;
			rc = S_record_write(log, level, t, rows, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Load the right edge of size: partial tiles and the partial bundle. */
static int S_load_edge(gt_log *log, uint64_t size, gt_error *err)
{
	gt_buf b = GT_BUF_INIT;
	int rc = 0;
	for (int level = 0; level < GT_TILE_LEVELS && rc == 0; level++) {
		unsigned w = gt_tile_partial_width(size, level);
		if (w == 0)
			continue;
		gt_buf_reset(&b);
		rc = gt_tile_fetch(S_fetch_public, log, level, gt_tile_full_count(size, level), w,
				   &b, err);
		if (rc == 0)
			memcpy(log->edge[level], b.data, w * sizeof(gt_hash));
	}
	unsigned w = gt_tile_partial_width(size, 0);
	if (rc == 0 && w > 0)
		rc = gt_tile_fetch(S_fetch_public, log, GT_TILE_ENTRIES, size >> 8, w, &log->bundle,
				   err);
	gt_buf_done(&b);
	S_publish_edge(log);
	return rc;
}

/* Choose the checkpoint to continue from, cut back what lies past it, and
 * make that state durable. */
static int S_recover(gt_log *log, S_candidate *pub, gt_error *err)
{
	S_candidate staged[2] = {{.note = GT_BUF_INIT}, {.note = GT_BUF_INIT}};
	S_candidate *chosen = pub;
	int rc = 0;
	for (int s = 0; s < 2; s++) {
		log->stagedfd[s] =
			openat(log->statefd, S_staged_name[s], O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (log->stagedfd[s] < 0) {
			rc = gt_fail_errno(err, errno, "cannot open %s/%s", log->state_dir,
					   S_staged_name[s]);
			goto done;
		}
		S_read_candidate(log, log->statefd, S_staged_name[s], &staged[s]);
	}
	/* A staged checkpoint newer than the published one is a commit that
	 * was made durable (and maybe acknowledged) but not yet published, or
	 * one that was cut short: only its tiles can tell. */
	int order[2] = {0, 1};
	if (staged[1].valid && (!staged[0].valid || staged[1].cp.size > staged[0].cp.size)) {
		order[0] = 1;
		order[1] = 0;
	}
	for (int i = 0; i < 2; i++) {
		S_candidate *c = &staged[order[i]];
		if (!c->valid || c->cp.size <= pub->cp.size)
			continue;
		gt_error ignore;
		if (gt_verify_tiles(S_fetch_public, log, pub->cp.size & ~(uint64_t)255, c->cp.size,
				    &c->cp.root, NULL, NULL, &ignore) == 0) {
			chosen = c;
			break;
		}
	}
	pub->cp = chosen->cp;
	if (chosen != pub) {
		gt_buf t = pub->note;
		pub->note = chosen->note;
		chosen->note = t;
	}
	uint64_t size = pub->cp.size;
	rc = S_cut_back(log, size, err);
	if (rc == 0)
		rc = S_fix_index(log, size, err);
	if (rc < 0)
		goto done;
	for (int s = 0; s < 2 && rc == 0; s++) {
		rc = gt_fs_pwrite_all(log->stagedfd[s], pub->note.data, pub->note.len, 0);
		if (rc == 0 && ftruncate(log->stagedfd[s], (off_t)pub->note.len) < 0)
			rc = -errno;
		if (rc < 0)
			rc = gt_fail_errno(err, -rc, "cannot write the staged checkpoints");
	}
	if (rc == 0)
		rc = gt_fs_write_atomic_at(log->pubfd, "checkpoint", pub->note.data, pub->note.len,
					   0644, 0, err);
	if (rc == 0 && (syncfs(log->pubfd) < 0 || (log->split_fs && syncfs(log->statefd) < 0)))
		rc = gt_fail_errno(err, errno, "cannot sync the log");
	log->slot = 0;
done:
	gt_buf_done(&staged[0].note);
	gt_buf_done(&staged[1].note);
	return rc;
}

int gt_log_open(const gt_log_options *opt, gt_log **ret, gt_error *err)
{
	if (!opt->signer && !opt->verifier)
		return gt_fail(err, GT_EINVAL, "opening a log needs its signing or verifier key");
	gt_log *log = calloc(1, sizeof(*log));
	if (!log)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	log->pubfd = log->statefd = log->lockfd = log->journalfd[0] = log->journalfd[1] = -1;
	log->stagedfd[0] = log->stagedfd[1] = -1;
	for (int l = 0; l < GT_TILE_LEVELS; l++)
		log->idxfd[l] = -1;
	pthread_mutex_init(&log->mu, NULL);
	pthread_mutex_init(&log->cache_mu, NULL);
	pthread_mutex_init(&log->imu, NULL);
	pthread_mutex_init(&log->wmu, NULL);
	log->cache_rows = malloc(S_CACHE_SLOTS * sizeof(*log->cache_rows));
	pthread_mutex_init(&log->offs_mu, NULL);
	log->offs = calloc(S_OFFS_SLOTS, sizeof(*log->offs));
	S_candidate pub = {.note = GT_BUF_INIT};
	S_journal journal = {.file = {GT_BUF_INIT, GT_BUF_INIT}};
	int rc = 0;
	if (opt->sync == GT_LOG_SYNC_FILES)
		log->dirty_dirs = malloc(S_SYNC_FDS_MAX * sizeof(*log->dirty_dirs));
	if (opt->sync == GT_LOG_SYNC_FILES && !log->dirty_dirs) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto fail;
	}
	log->public_dir = strdup(opt->public_dir);
	log->state_dir = strdup(opt->state_dir);
	if (!log->public_dir || !log->state_dir) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto fail;
	}
	log->sync = opt->sync;
	log->signer = opt->signer;
	log->writable = opt->signer != NULL;
	log->verifier = opt->verifier;
	if (log->writable) {
		rc = gt_signer_verifier(opt->signer, &log->own_verifier);
		if (rc < 0) {
			rc = gt_fail(err, rc, "cannot derive the verifier key");
			goto fail;
		}
		log->verifier = log->own_verifier;
	}
	snprintf(log->origin, sizeof(log->origin), "%s", gt_verifier_name(log->verifier));

	log->pubfd = open(opt->public_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (log->pubfd < 0) {
		rc = gt_fail_errno(err, errno, "cannot open the log directory %s", opt->public_dir);
		goto fail;
	}
	log->statefd = open(opt->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (log->statefd < 0 && (log->writable || errno != ENOENT)) {
		rc = gt_fail_errno(err, errno, "cannot open the log state directory %s",
				   opt->state_dir);
		goto fail;
	}
	if (log->writable) {
		struct stat a, b;
		log->lockfd = openat(log->statefd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (log->lockfd < 0) {
			rc = gt_fail_errno(err, errno, "cannot open %s/lock", opt->state_dir);
			goto fail;
		}
		if (flock(log->lockfd, LOCK_EX | LOCK_NB) < 0) {
			rc = errno == EWOULDBLOCK ?
				     gt_fail(err, GT_EBUSY,
					     "another process is writing to the log in %s",
					     opt->public_dir) :
				     gt_fail_errno(err, errno, "cannot lock %s/lock",
						   opt->state_dir);
			goto fail;
		}
		if (fstat(log->pubfd, &a) == 0 && fstat(log->statefd, &b) == 0)
			log->split_fs = a.st_dev != b.st_dev;
	}

	rc = gt_fs_readat(log->pubfd, "checkpoint", S_CHECKPOINT_MAX, &pub.note, err);
	if (rc == GT_ENOTFOUND) {
		rc = gt_fail(err, GT_ENOTFOUND, "%s has no checkpoint: not a goodtrace log",
			     opt->public_dir);
		goto fail;
	}
	if (rc < 0)
		goto fail;
	gt_error why;
	if (gt_checkpoint_open(log->verifier, (const char *)pub.note.data, pub.note.len, &pub.cp,
			       &why) < 0) {
		rc = gt_fail(
			err, GT_ECORRUPT,
			"the published checkpoint in %s does not verify with the key of %s: %s",
			opt->public_dir, log->origin, why.msg);
		goto fail;
	}
	/* The published checkpoint must match the tiles: its last entry
	 * bundle against its leaves, and the root against the tiles. */
	uint64_t tail = pub.cp.size ? (pub.cp.size - 1) & ~(uint64_t)255 : 0;
	if (gt_verify_tiles(S_fetch_public, log, tail, pub.cp.size, &pub.cp.root, NULL, NULL,
			    &why) < 0) {
		rc = gt_fail(err, GT_ECORRUPT,
			     "the tiles in %s do not hash to its published checkpoint (size %llu); "
			     "refusing to open: %s",
			     opt->public_dir, (unsigned long long)pub.cp.size, why.msg);
		goto fail;
	}
	if (log->writable) {
		rc = S_journal_load(log, &journal, err);
		if (rc == 0)
			rc = S_recover(log, &pub, err);
		if (rc < 0)
			goto fail;
	} else {
		for (int level = 0; level < GT_TILE_LEVELS && log->statefd >= 0; level++) {
			char name[32];
			struct stat st;
			snprintf(name, sizeof(name), "index.%d", level);
			log->idxfd[level] = openat(log->statefd, name, O_RDONLY | O_CLOEXEC);
			if (log->idxfd[level] >= 0 && fstat(log->idxfd[level], &st) == 0)
				log->idx_records[level] = (uint64_t)st.st_size / S_RECORD_BYTES;
		}
	}
	log->size = pub.cp.size;
	log->pub_size = log->seq_size = log->next = pub.cp.size;
	log->pub_root = pub.cp.root;
	rc = S_load_edge(log, log->size, err);
	if (rc < 0)
		goto fail;
	log->pub_note = pub.note;
	pub.note = (gt_buf)GT_BUF_INIT;
	if (log->writable) {
		rc = S_journal_replay(log, &journal, err);
		if (rc < 0)
			goto fail;
	}
	S_journal_done(&journal);
	S_index_map(log);
	*ret = log;
	return 0;
fail:
	S_journal_done(&journal);
	gt_buf_done(&pub.note);
	gt_log_free(log);
	return rc;
}

/* ---- reading ---- */

uint64_t gt_log_sequenced(gt_log *log)
{
	pthread_mutex_lock(&log->mu);
	uint64_t size = log->seq_size;
	pthread_mutex_unlock(&log->mu);
	return size;
}

uint64_t gt_log_size(gt_log *log)
{
	pthread_mutex_lock(&log->mu);
	uint64_t size = log->pub_size;
	pthread_mutex_unlock(&log->mu);
	return size;
}

void gt_log_root(gt_log *log, gt_hash *out)
{
	pthread_mutex_lock(&log->mu);
	*out = log->pub_root;
	pthread_mutex_unlock(&log->mu);
}

const char *gt_log_origin(const gt_log *log)
{
	return log->origin;
}

int gt_log_checkpoint(gt_log *log, gt_buf *out)
{
	pthread_mutex_lock(&log->mu);
	int rc = gt_buf_add(out, log->pub_note.data, log->pub_note.len);
	pthread_mutex_unlock(&log->mu);
	return rc;
}

static int S_check_size(gt_log *log, uint64_t size, gt_error *err)
{
	uint64_t cur = gt_log_size(log);
	if (size > cur)
		return gt_fail(err, GT_ERANGE,
			       "tree size %llu is larger than the log (%llu entries)",
			       (unsigned long long)size, (unsigned long long)cur);
	return 0;
}

int gt_log_root_at(gt_log *log, uint64_t size, gt_hash *out, gt_error *err)
{
	int rc = S_check_size(log, size, err);
	if (rc < 0)
		return rc;
	gt_tree_reader r;
	gt_tree_reader_init(&r, S_tile_reader, log);
	return gt_tree_root(&r, size, out, err);
}

/* Entry index of a full bundle, from the offsets cache: 1 read into out,
 * 0 not cached (nothing done), or an error. */
static int S_entry_cached(gt_log *log, uint64_t index, gt_buf *out, gt_error *err)
{
	uint64_t bundle = index >> 8;
	unsigned i = (unsigned)(index & 255);
	struct S_offs *o = log->offs ? &log->offs[bundle % S_OFFS_SLOTS] : NULL;
	uint32_t from = 0, to = 0;
	const uint8_t *map = NULL;
	pthread_mutex_lock(&log->offs_mu);
	bool hit = o && o->bundle_plus1 == bundle + 1;
	if (hit) {
		from = o->off[i] + 2;
		to = o->off[i + 1];
		if ((map = o->map))
			o->readers++;
	}
	pthread_mutex_unlock(&log->offs_mu);
	if (!hit)
		return 0;
	size_t len = to - from;
	int rc = gt_buf_reserve(out, len) < 0 ? gt_fail(err, GT_ENOMEM, "out of memory") : 0;
	if (map) {
		if (rc == 0) {
			memcpy(out->data + out->len, map + from, len);
			out->len += len;
			out->data[out->len] = 0;
		}
		pthread_mutex_lock(&log->offs_mu);
		o->readers--;
		pthread_mutex_unlock(&log->offs_mu);
		return rc < 0 ? rc : 1;
	}
	char path[GT_TILE_PATH_MAX];
	gt_tile_path(path, GT_TILE_ENTRIES, bundle, 0);
	int fd = openat(log->pubfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gt_fail_errno(err, errno, "cannot open %s/%s", log->public_dir, path);
	if (rc == 0) {
		ssize_t n = pread(fd, out->data + out->len, len, from);
		if (n < 0)
			rc = gt_fail_errno(err, errno, "cannot read %s/%s", log->public_dir, path);
		else if ((size_t)n != len)
			rc = gt_fail(err, GT_ECORRUPT, "entry bundle %s is shorter than before",
				     path);
		else
			out->len += len;
		if (rc == 0)
			out->data[out->len] = 0;
	}
	/* Read a second time: map it for the next reads. */
	pthread_mutex_lock(&log->offs_mu);
	bool want = rc == 0 && o->bundle_plus1 == bundle + 1 && !o->map;
	size_t size = o->off[GT_TILE_WIDTH];
	pthread_mutex_unlock(&log->offs_mu);
	void *m = want ? mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	close(fd);
	if (m != MAP_FAILED) {
		pthread_mutex_lock(&log->offs_mu);
		bool kept = o->bundle_plus1 == bundle + 1 && !o->map;
		if (kept)
			o->map = m;
		pthread_mutex_unlock(&log->offs_mu);
		if (!kept)
			munmap(m, size);
	}
	return rc < 0 ? rc : 1;
}

/* Remember where the entries of full bundle start (all of b). */
static void S_entry_offsets(gt_log *log, uint64_t bundle, const gt_buf *b)
{
	if (!log->offs)
		return;
	uint32_t off[GT_TILE_WIDTH + 1];
	gt_bytes all = {b->data, b->len}, e;
	size_t pos = 0;
	for (unsigned i = 0; i < GT_TILE_WIDTH; i++) {
		off[i] = (uint32_t)pos;
		if (gt_bundle_next(&all, &pos, &e) <= 0)
			return;
	}
	off[GT_TILE_WIDTH] = (uint32_t)pos;
	const uint8_t *old = NULL;
	size_t old_len = 0;
	pthread_mutex_lock(&log->offs_mu);
	struct S_offs *o = &log->offs[bundle % S_OFFS_SLOTS];
	if (o->bundle_plus1 != bundle + 1 && !o->readers) {
		old = o->map;
		old_len = o->off[GT_TILE_WIDTH];
		o->map = NULL;
		o->bundle_plus1 = bundle + 1;
		memcpy(o->off, off, sizeof(off));
	}
	pthread_mutex_unlock(&log->offs_mu);
	if (old)
		munmap((void *)old, old_len);
}

int gt_log_entry(gt_log *log, uint64_t index, gt_buf *out, gt_error *err)
{
	uint64_t size = gt_log_size(log);
	if (index >= size)
		return gt_fail(err, GT_ERANGE,
			       "entry %llu does not exist (the log has %llu entries)",
			       (unsigned long long)index, (unsigned long long)size);
	uint64_t bundle = index >> 8;
	bool full = bundle < gt_tile_full_count(size, 0);
	unsigned width = full ? 256 : gt_tile_partial_width(size, 0);
	if (full) {
		int hit = S_entry_cached(log, index, out, err);
		if (hit != 0)
			return hit < 0 ? hit : 0;
	}
	gt_buf b = GT_BUF_INIT;
	int rc = gt_tile_fetch(S_fetch_public, log, GT_TILE_ENTRIES, bundle, width, &b, err);
	if (rc < 0)
		goto done;
	if (full)
		S_entry_offsets(log, bundle, &b);
	gt_bytes all = {b.data, b.len}, e;
	size_t pos = 0;
	for (unsigned i = 0; i <= (index & 255); i++) {
		rc = gt_bundle_next(&all, &pos, &e);
		if (rc <= 0) {
			rc = gt_fail(err, GT_ECORRUPT, "entry bundle %llu is corrupt",
				     (unsigned long long)bundle);
			goto done;
		}
	}
	rc = gt_buf_add(out, e.data, e.len) < 0 ? gt_fail(err, GT_ENOMEM, "out of memory") : 0;
done:
	gt_buf_done(&b);
	return rc;
}

int gt_log_leaf_hash(gt_log *log, uint64_t index, gt_hash *out, gt_error *err)
{
	uint64_t size = gt_log_size(log);
	if (index >= size)
		return gt_fail(err, GT_ERANGE,
			       "entry %llu does not exist (the log has %llu entries)",
			       (unsigned long long)index, (unsigned long long)size);
	gt_tree_reader r;
	gt_tree_reader_init(&r, S_tile_reader, log);
	return gt_tree_range_hash(&r, size, index, index + 1, out, err);
}

int gt_log_inclusion_proof(gt_log *log, uint64_t index, uint64_t tree_size, gt_proof *out,
			   gt_error *err)
{
	int rc = S_check_size(log, tree_size, err);
	if (rc < 0)
		return rc;
	gt_tree_reader r;
	gt_tree_reader_init(&r, S_tile_reader, log);
	r.node = S_index_node;
	/* With the right edge's hashes known for this size: a copy, and what
	 * the proof adds goes back. */
	gt_tree_edge edge = {.size = tree_size};
	pthread_mutex_lock(&log->cache_mu);
	if (log->right_edge.size == tree_size)
		edge = log->right_edge;
	pthread_mutex_unlock(&log->cache_mu);
	uint64_t had = edge.have;
	r.edge = &edge;
	rc = gt_tree_inclusion_proof(&r, index, tree_size, out, err);
	if (rc == 0 && edge.have != had) {
		pthread_mutex_lock(&log->cache_mu);
		if (log->right_edge.size != tree_size && tree_size > log->right_edge.size) {
			log->right_edge = edge;
		} else if (log->right_edge.size == tree_size) {
			for (unsigned j = 0; j < 64; j++)
				if ((edge.have & ~had) >> j & 1) {
					log->right_edge.lo[j] = edge.lo[j];
					log->right_edge.hash[j] = edge.hash[j];
				}
			log->right_edge.have |= edge.have;
		}
		pthread_mutex_unlock(&log->cache_mu);
	}
	return rc;
}

int gt_log_consistency_proof(gt_log *log, uint64_t size1, uint64_t size2, gt_proof *out,
			     gt_error *err)
{
	int rc = S_check_size(log, size2, err);
	if (rc < 0)
		return rc;
	gt_tree_reader r;
	gt_tree_reader_init(&r, S_tile_reader, log);
	return gt_tree_consistency_proof(&r, size1, size2, out, err);
}
