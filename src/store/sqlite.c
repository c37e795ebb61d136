/* The SQLite backend of the store: connections, reader pool, transactions, queries, rebuild. */

/*
 * Thread safety. Every connection is opened with SQLITE_OPEN_NOMUTEX: it
 * is used by one thread at a time and SQLite does not lock it. The writer
 * belongs to the sequencer's thread. Readers are handed out by the pool
 * (a mutex and a condition variable), one thread per borrowed reader until
 * it is returned. Only the pool's fields of gt_store are shared, and only
 * under its mutex; gt_store_open, gt_store_free, gt_store_finish_rebuild
 * run while no other thread uses the store.
 *
 * Durability. The writer runs in WAL mode with synchronous=NORMAL: a
 * commit is atomic and consistent, but the last transactions may be lost
 * on power failure. That is safe here because the log, not the store, is
 * the durable record: the store keeps the count of entries it has applied
 * in the same transaction as their effects, and the ledger replays the
 * missing entries on start. The private area is the exception (it is not
 * in the log): a commit that wrote it fsyncs the WAL before returning.
 *
 * Checkpoints. The writer never copies the WAL back into the database
 * itself (that costs two fsyncs on the sequencer's critical path every
 * thousand pages): a commit hook wakes a checkpointer thread with its own
 * connection, which runs PASSIVE checkpoints (they never block the writer
 * or readers) when the WAL holds S_CKPT_PAGES pages, and at least every
 * second while it grows.
 *
 * SQL. Every query is prepared once per connection (SQLITE_PREPARE_PERSISTENT)
 * from the table in sqlite_sql.c and reused. The dump and the rebuild's copy
 * of the private area build statements from table and column names read
 * from the schema (quoted as identifiers), never from values. */
#include "store/store.h"
#include "store/sqlite_sql.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define S_DEFAULT_READERS 8
#define S_BUSY_TIMEOUT_MS 5000
/* Each connection maps the database file (up to SQLite's own limit, 2 GiB
 * by default): a page read is then a memory access, not a pread(2) and a
 * copy. The pages are the kernel's page cache, shared between connections. */
#define S_WRITER_CACHE_KIB "65536" /* the writer's page cache, 64 MiB */
#define S_MMAP_BYTES "2147418112"
/* The WAL-index header at the start of the -shm file (SQLite's file format,
 * "the WAL-index"): two copies of 48 bytes, the second written first by a
 * commit; equal copies are a consistent read. Every transaction changes it
 * (its change counter, the last frame, checksums). */
#define S_WAL_HDR_LEN 48
/* After a large batch the WAL is cut back to this size once checkpointed. */
#define S_JOURNAL_SIZE_LIMIT (64 * 1024 * 1024)
#define S_REBUILD_SUFFIX ".rebuild"
#define S_CKPT_PAGES 1000

struct gt_stmt {
	gt_store_conn *c;
	sqlite3_stmt *st; /* NULL until first prepared */
	int q;
	bool open; /* between gt_stmt_open and gt_stmt_close */
	/* The first failed bind since gt_stmt_open, reported by gt_stmt_step. */
	int bind_code, bind_pos, bind_rc;
	int64_t changes;
	bool private_write; /* writes a private_* table (known at prepare) */
};

struct gt_store_conn {
	gt_store *s;
	sqlite3 *db;
	bool writer;
	unsigned savepoints;	/* open on the writer */
	bool preparing_private; /* set by S_authorize while preparing */
	bool private_dirty;	/* the transaction wrote the private area */
	gt_store_conn *next_idle;
	/* A reader's snapshot, kept open between borrows while the writer
	 * has committed nothing since it began (see gt_store_reader). */
	bool reading;
	uint64_t read_gen;		  /* the store's gen when it began */
	uint8_t read_hdr[S_WAL_HDR_LEN]; /* the WAL-index header then */
	gt_stmt stmts[GT_SQLITE_Q__COUNT];
};

struct gt_store {
	char *path;
	int version;
	gt_store_conn *writer; /* NULL when read-only (or closed by a rebuild) */

	/* The reader pool. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	gt_store_conn *idle;
	unsigned nreaders; /* open (idle or borrowed) */
	unsigned max_readers;
	unsigned nborrowed;

	/* Commits by the writer (atomic), counted by the WAL hook once each
	 * is visible, and the WAL-index header, which every commit by any
	 * connection of any process changes: a reader's snapshot is current
	 * while both are what they were when it began (see gt_store_reader). */
	uint64_t gen;
	const uint8_t *shm; /* the first page of the -shm file, mapped; NULL: none */

	/* The checkpointer (writer stores only). */
	pthread_t ckpt_thread;
	bool ckpt_started, ckpt_stop, ckpt_wanted;
	int ckpt_frames; /* WAL frames when the last checkpoint ran */
	sqlite3 *ckpt_db;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
};

static void S_ckpt_start(gt_store *s);
static void S_ckpt_stop(gt_store *s);
static char *S_concat(const char *a, const char *b);
static void S_shm_map(gt_store *s);
static void S_shm_unmap(gt_store *s);
static bool S_snapshot_current(gt_store_conn *c);

/* ---- errors ---- */

/* The GT_E* code for an (extended) SQLite result code. */
static int S_code(int rc, int sys)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return GT_EEXIST;
		return GT_EINVAL; /* NOT NULL: a required value is missing */
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return GT_EBUSY;
	case SQLITE_NOMEM:
		return GT_ENOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return GT_ECORRUPT;
	case SQLITE_TOOBIG:
		return GT_ETOOBIG;
	case SQLITE_RANGE:
		return GT_ERANGE;
	case SQLITE_CANTOPEN:
		return sys == ENOENT ? GT_ENOTFOUND : GT_EIO;
	}
	return GT_EIO;
}

/* Record the failure rc of the last call on db (NULL: none to ask) as
 * "<what>: <SQLite's message>[ (<errno text>)]"; returns its code. */
__attribute__((format(printf, 4, 5))) static int S_fail(gt_error *err, sqlite3 *db, int rc,
							const char *fmt, ...)
{
	char what[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	int sys = db ? sqlite3_system_errno(db) : 0;
	int code = S_code(rc, sys);
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	int prim = rc & 0xff;
	if (sys && (prim == SQLITE_CANTOPEN || prim == SQLITE_IOERR || prim == SQLITE_FULL))
		return gt_fail(err, code, "%s: %s (%s)", what, msg, strerror(sys));
	return gt_fail(err, code, "%s: %s", what, msg);
}

/* Put "<context>: " before the message already in err; returns code. */
__attribute__((format(printf, 3, 4))) static int S_context(gt_error *err, int code, const char *fmt,
							   ...)
{
	if (!err)
		return code;
	char was[sizeof(err->msg)];
	memcpy(was, err->msg, sizeof(was));
	char what[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return gt_fail(err, code, "%s: %s", what, was);
}

/* ---- connections and cached statements ---- */

static void S_conn_close(gt_store_conn *c)
{
	if (!c)
		return;
	for (int q = 0; q < GT_SQLITE_Q__COUNT; q++)
		sqlite3_finalize(c->stmts[q].st);
	sqlite3_close_v2(c->db);
	free(c);
}

/* Close c, reporting what SQLite says if it cannot (the writer of a
 * rebuild must really be closed before its file is moved). */
static int S_conn_close_checked(gt_store_conn *c, const char *path, gt_error *err)
{
	for (int q = 0; q < GT_SQLITE_Q__COUNT; q++) {
		sqlite3_finalize(c->stmts[q].st);
		c->stmts[q].st = NULL;
	}
	int rc = sqlite3_close(c->db);
	if (rc != SQLITE_OK)
		return S_fail(err, c->db, rc, "cannot close store %s", path);
	free(c);
	return 0;
}

/* Run SQL that returns no rows and binds nothing (set-up pragmas, migration
 * steps, statements built from schema names). */
static int S_exec(sqlite3 *db, const char *sql, const char *what, gt_error *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return 0;
	int code = S_code(sqlite3_extended_errcode(db), sqlite3_system_errno(db));
	gt_fail(err, code, "%s: %s", what, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return code;
}

static bool S_is_private(const char *table)
{
	return strncmp(table, GT_SQLITE_PRIVATE_PREFIX, strlen(GT_SQLITE_PRIVATE_PREFIX)) == 0;
}

/* SQLite's authorizer, called while a statement is prepared: notes whether
 * it writes the private area. It allows everything. */
static int S_authorize(void *arg, int action, const char *a1, const char *a2, const char *a3,
		       const char *a4)
{
	gt_store_conn *c = arg;
	(void)a2;
	(void)a3;
	(void)a4;
	if ((action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE) && a1 &&
	    S_is_private(a1))
		c->preparing_private = true;
	return SQLITE_OK;
}

static int S_conn_open(gt_store *s, bool writer, gt_store_conn **ret, gt_error *err)
{
	gt_store_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	c->s = s;
	c->writer = writer;
	for (int q = 0; q < GT_SQLITE_Q__COUNT; q++) {
		c->stmts[q].c = c;
		c->stmts[q].q = q;
	}
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
	flags |= writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	int rc = sqlite3_open_v2(s->path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (!c->db)
			rc = gt_fail(err, GT_ENOMEM, "cannot open store %s: out of memory",
				     s->path);
		else
			rc = S_fail(err, c->db, sqlite3_extended_errcode(c->db),
				    "cannot open store %s", s->path);
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, S_BUSY_TIMEOUT_MS);
	if (writer && sqlite3_db_readonly(c->db, "main") == 1) {
		rc = gt_fail(err, GT_EIO, "cannot open store %s for writing: the file is read-only",
			     s->path);
		goto fail;
	}
	if (writer)
		sqlite3_set_authorizer(c->db, S_authorize, c);
	char what[64 + 4096];
	snprintf(what, sizeof(what), "cannot open store %s", s->path);
	rc = S_exec(c->db,
		    "PRAGMA foreign_keys = OFF; PRAGMA synchronous = NORMAL;"
		    " PRAGMA mmap_size = " S_MMAP_BYTES,
		    what, err);
	if (rc < 0)
		goto fail;
	*ret = c;
	return 0;
fail:
	S_conn_close(c);
	return rc;
}

/* Prepare the statement for query id q on c, once. */
static int S_prepare(gt_store_conn *c, int q, gt_error *err)
{
	gt_stmt *st = &c->stmts[q];
	if (st->st)
		return 0;
	const gt_sqlite_query *sq = &gt_sqlite_queries[q];
	c->preparing_private = false;
	int rc = sqlite3_prepare_v3(c->db, sq->sql, -1, SQLITE_PREPARE_PERSISTENT, &st->st, NULL);
	if (rc != SQLITE_OK) {
		st->st = NULL;
		return S_fail(err, c->db, rc, "cannot prepare query %s", sq->name);
	}
	st->private_write = c->preparing_private;
	return 0;
}

/* Run the backend's own statement q to completion (ignoring rows), with
 * text (if not NULL) bound to ?1. */
static int S_run_text(gt_store_conn *c, int q, const char *text, gt_error *err)
{
	int rc = S_prepare(c, q, err);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = c->stmts[q].st;
	if (text && (rc = sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT)) != SQLITE_OK) {
		rc = S_fail(err, c->db, rc, "query %s", gt_sqlite_queries[q].name);
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	rc = rc == SQLITE_DONE ? 0 : S_fail(err, c->db, rc, "%s", gt_sqlite_queries[q].name);
done:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static int S_run(gt_store_conn *c, int q, gt_error *err)
{
	return S_run_text(c, q, NULL, err);
}

/* Run the backend's own query q and read the integer in the first column
 * of its first row (GT_ECORRUPT when there is no row). */
static int S_query_int(gt_store_conn *c, int q, int64_t *ret, gt_error *err)
{
	int rc = S_prepare(c, q, err);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = c->stmts[q].st;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = gt_fail(err, GT_ECORRUPT, "query %s returned no row",
			     gt_sqlite_queries[q].name);
	} else {
		rc = S_fail(err, c->db, rc, "query %s", gt_sqlite_queries[q].name);
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- opening ---- */

static int S_user_version(gt_store_conn *c, int *ret, gt_error *err)
{
	int64_t v;
	int rc = S_query_int(c, GT_SQLITE_USER_VERSION, &v, err);
	if (rc < 0)
		return rc;
	if (v < 0 || v > 1000000)
		return gt_fail(err, GT_ECORRUPT, "store %s has an invalid schema version %lld",
			       c->s->path, (long long)v);
	*ret = (int)v;
	return 0;
}

/* Bring the schema to the current version in one transaction. */
static int S_migrate(gt_store *s, gt_error *err)
{
	gt_store_conn *c = s->writer;
	int rc = S_run(c, GT_SQLITE_BEGIN_WRITE, err);
	if (rc < 0)
		return S_context(err, rc, "cannot migrate store %s", s->path);
	int version;
	rc = S_user_version(c, &version, err);
	if (rc < 0)
		goto fail;
	if (version > gt_sqlite_schema_version) {
		rc = gt_fail(
			err, GT_ECORRUPT,
			"store %s has schema version %d, newer than this goodtrace knows (%d): "
			"it was written by a newer goodtrace",
			s->path, version, gt_sqlite_schema_version);
		goto fail;
	}
	int64_t objects = 0;
	if (version == 0 && (rc = S_query_int(c, GT_SQLITE_TABLE_COUNT, &objects, err)) < 0)
		goto fail;
	if (objects > 0) {
		rc = gt_fail(err, GT_ECORRUPT,
			     "%s is an SQLite database without a goodtrace schema version: not a "
			     "goodtrace store",
			     s->path);
		goto fail;
	}
	char what[64 + 4096];
	for (int v = version; v < gt_sqlite_schema_version; v++) {
		snprintf(what, sizeof(what), "store %s: migration to schema version %d failed",
			 s->path, v + 1);
		rc = S_exec(c->db, gt_sqlite_migrations[v], what, err);
		if (rc < 0)
			goto fail;
	}
	if (version < gt_sqlite_schema_version) {
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", gt_sqlite_schema_version);
		snprintf(what, sizeof(what), "store %s: cannot set the schema version", s->path);
		rc = S_exec(c->db, sql, what, err);
		if (rc < 0)
			goto fail;
	}
	rc = S_run(c, GT_SQLITE_COMMIT, err);
	if (rc < 0)
		goto fail;
	s->version = gt_sqlite_schema_version;
	return 0;
fail:
	gt_store_rollback(c);
	return rc;
}

static int S_open_writer(gt_store *s, gt_error *err)
{
	int rc = S_conn_open(s, true, &s->writer, err);
	if (rc < 0)
		return rc;
	/* Persistent in the file: readers and later opens see WAL mode too. */
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(s->writer->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = S_fail(err, s->writer->db, rc, "cannot use WAL mode for store %s", s->path);
		sqlite3_finalize(st);
		return rc;
	}
	const char *mode = (const char *)sqlite3_column_text(st, 0);
	if (!mode || strcmp(mode, "wal") != 0) {
		rc = gt_fail(err, GT_EIO, "cannot use WAL mode for store %s: journal mode is %s",
			     s->path, mode ? mode : "unknown");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA journal_size_limit = %d", S_JOURNAL_SIZE_LIMIT);
	rc = S_exec(s->writer->db, sql, "cannot set the journal size limit", err);
	if (rc < 0)
		return rc;
	/* A batch of thousands of commands dirties many index pages: a page
	 * cache that holds them all keeps SQLite from spilling them to the WAL
	 * mid-transaction and reading them back. (The sub-journal of each
	 * command's savepoint stays SQLite's default, a file past 64 KiB: kept
	 * in memory, SQLite truncates it at the end of every statement by
	 * walking it from its start, quadratic in a large command.) */
	rc = S_exec(s->writer->db, "PRAGMA cache_size = -" S_WRITER_CACHE_KIB,
		    "cannot size the writer's page cache", err);
	if (rc < 0)
		return rc;
	return S_migrate(s, err);
}

static int S_open_read_only(gt_store *s, gt_error *err)
{
	gt_store_conn *c;
	int rc = S_conn_open(s, false, &c, err);
	if (rc < 0)
		return rc;
	int version;
	rc = S_user_version(c, &version, err);
	if (rc < 0)
		rc = S_context(err, rc, "cannot read store %s", s->path);
	else if (version > gt_sqlite_schema_version)
		rc = gt_fail(
			err, GT_ECORRUPT,
			"store %s has schema version %d, newer than this goodtrace knows (%d): "
			"it was written by a newer goodtrace",
			s->path, version, gt_sqlite_schema_version);
	else if (version < gt_sqlite_schema_version)
		rc = gt_fail(err, GT_ECORRUPT,
			     "store %s has schema version %d, older than %d: open it for writing "
			     "once (e.g. start the server) to migrate it",
			     s->path, version, gt_sqlite_schema_version);
	if (rc < 0) {
		S_conn_close(c);
		return rc;
	}
	s->version = version;
	s->idle = c;
	s->nreaders = 1;
	return 0;
}

/* Process-wide settings, before SQLite initialises itself: no memory
 * statistics, which take a global mutex on every allocation of every
 * connection (the readers would contend on it). */
static void S_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int gt_store_open(const gt_store_options *opt, gt_store **ret, gt_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (!opt || !opt->path || !opt->path[0])
		return gt_fail(err, GT_EINVAL, "no store path given");
	if (!sqlite3_threadsafe())
		return gt_fail(err, GT_EINVAL, "SQLite was built without thread support");
	pthread_once(&once, S_configure);
	gt_store *s = calloc(1, sizeof(*s));
	if (!s)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->max_readers = opt->readers ? opt->readers : S_DEFAULT_READERS;
	int rc;
	s->path = strdup(opt->path);
	if (!s->path) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto fail;
	}
	rc = opt->read_only ? S_open_read_only(s, err) : S_open_writer(s, err);
	if (rc < 0)
		goto fail;
	if (!opt->read_only) {
		S_ckpt_start(s);
		if (s->ckpt_started)
			S_shm_map(s);
	}
	*ret = s;
	return 0;
fail:
	gt_store_free(s);
	return rc;
}

/* Called by SQLite after each commit on the writer with the WAL's size. */
static int S_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	gt_store *s = arg;
	__atomic_add_fetch(&s->gen, 1, __ATOMIC_RELEASE);
	if (pages < S_CKPT_PAGES)
		return SQLITE_OK;
	/* Only once the WAL has grown by S_CKPT_PAGES since the last
	 * checkpoint (or restarted from its beginning): a checkpoint after
	 * every commit would copy and fsync the same hot pages over and over. */
	pthread_mutex_lock(&s->ckpt_mu);
	if (pages < s->ckpt_frames || pages - s->ckpt_frames >= S_CKPT_PAGES) {
		s->ckpt_wanted = true;
		pthread_cond_signal(&s->ckpt_cv);
	}
	pthread_mutex_unlock(&s->ckpt_mu);
	return SQLITE_OK;
}

/* End the snapshots idle readers keep that are no longer current: they
 * would hold the checkpoint back (it cannot pass the oldest snapshot). The
 * idle readers are taken from the pool meanwhile, so no one borrows them. */
static void S_end_stale_snapshots(gt_store *s)
{
	pthread_mutex_lock(&s->mu);
	gt_store_conn *list = s->idle;
	s->idle = NULL;
	pthread_mutex_unlock(&s->mu);
	if (!list)
		return;
	gt_store_conn *last = NULL;
	for (gt_store_conn *c = list; c; c = c->next_idle) {
		if (c->reading && !S_snapshot_current(c)) {
			if (S_run(c, GT_SQLITE_COMMIT, NULL) < 0)
				gt_store_rollback(c);
			c->reading = false;
		}
		last = c;
	}
	pthread_mutex_lock(&s->mu);
	last->next_idle = s->idle;
	s->idle = list;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static void *S_ckpt_main(void *arg)
{
	gt_store *s = arg;
	pthread_mutex_lock(&s->ckpt_mu);
	while (!s->ckpt_stop) {
		if (!s->ckpt_wanted) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&s->ckpt_cv, &s->ckpt_mu, &ts);
			if (s->ckpt_stop)
				break;
		}
		s->ckpt_wanted = false;
		pthread_mutex_unlock(&s->ckpt_mu);
		S_end_stale_snapshots(s);
		/* Errors (busy, I/O) are left for the next round and for the
		 * checkpoint SQLite runs when the last connection closes. */
		int frames = 0;
		sqlite3_wal_checkpoint_v2(s->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames,
					  NULL);
		pthread_mutex_lock(&s->ckpt_mu);
		s->ckpt_frames = frames > 0 ? frames : 0;
	}
	pthread_mutex_unlock(&s->ckpt_mu);
	return NULL;
}

/* Start the checkpointer; without it SQLite's own automatic checkpoints stay on. */
static void S_ckpt_start(gt_store *s)
{
	if (sqlite3_open_v2(s->path, &s->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		sqlite3_close_v2(s->ckpt_db);
		s->ckpt_db = NULL;
		return;
	}
	sqlite3_busy_timeout(s->ckpt_db, S_BUSY_TIMEOUT_MS);
	/* A connection sees the WAL only once it has read the database. */
	if (sqlite3_exec(s->ckpt_db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		sqlite3_close_v2(s->ckpt_db);
		s->ckpt_db = NULL;
		return;
	}
	pthread_mutex_init(&s->ckpt_mu, NULL);
	pthread_cond_init(&s->ckpt_cv, NULL);
	if (pthread_create(&s->ckpt_thread, NULL, S_ckpt_main, s) != 0) {
		pthread_mutex_destroy(&s->ckpt_mu);
		pthread_cond_destroy(&s->ckpt_cv);
		sqlite3_close_v2(s->ckpt_db);
		s->ckpt_db = NULL;
		return;
	}
	s->ckpt_started = true;
	pthread_setname_np(s->ckpt_thread, "gt-checkpointer");
	/* Replaces SQLite's automatic checkpoint, which is itself a WAL hook. */
	sqlite3_wal_hook(s->writer->db, S_wal_hook, s);
}

static void S_ckpt_stop(gt_store *s)
{
	if (!s->ckpt_started)
		return;
	if (s->writer)
		sqlite3_wal_hook(s->writer->db, NULL, NULL);
	pthread_mutex_lock(&s->ckpt_mu);
	s->ckpt_stop = true;
	pthread_cond_signal(&s->ckpt_cv);
	pthread_mutex_unlock(&s->ckpt_mu);
	pthread_join(s->ckpt_thread, NULL);
	pthread_mutex_destroy(&s->ckpt_mu);
	pthread_cond_destroy(&s->ckpt_cv);
	sqlite3_close_v2(s->ckpt_db);
	s->ckpt_db = NULL;
	s->ckpt_started = false;
}

void gt_store_free(gt_store *s)
{
	if (!s)
		return;
	S_ckpt_stop(s);
	while (s->idle) {
		gt_store_conn *c = s->idle;
		s->idle = c->next_idle;
		S_conn_close(c);
	}
	S_conn_close(s->writer);
	S_shm_unmap(s);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->path);
	free(s);
}

int gt_store_schema_version(gt_store *s)
{
	return s->version;
}

/* ---- the writer ---- */

gt_store_conn *gt_store_writer(gt_store *s)
{
	return s->writer;
}

static bool S_in_tx(gt_store_conn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

int gt_store_begin(gt_store_conn *c, gt_error *err)
{
	if (!c->writer)
		return gt_fail(err, GT_EINVAL,
			       "transactions are for the writer: a reader reads one snapshot");
	if (S_in_tx(c))
		return gt_fail(err, GT_EINVAL, "a transaction is already open on the writer");
	c->savepoints = 0;
	c->private_dirty = false;
	return S_run(c, GT_SQLITE_BEGIN_WRITE, err);
}

/* fsync the writer's WAL: what it committed survives a power failure. */
static int S_sync_wal(gt_store_conn *c, gt_error *err)
{
	sqlite3_file *f = NULL;
	int rc = sqlite3_file_control(c->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f);
	if (rc != SQLITE_OK || !f || !f->pMethods)
		return gt_fail(err, GT_EIO,
			       "committed, but cannot find the WAL of store %s to sync",
			       c->s->path);
	rc = f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
	if (rc != SQLITE_OK)
		return S_fail(err, NULL, rc, "committed, but cannot sync the WAL of store %s",
			      c->s->path);
	return 0;
}

int gt_store_commit(gt_store_conn *c, gt_error *err)
{
	if (!c->writer || !S_in_tx(c))
		return gt_fail(err, GT_EINVAL, "no transaction is open to commit");
	int rc = S_run(c, GT_SQLITE_COMMIT, err);
	if (rc < 0)
		return rc;
	c->savepoints = 0;
	/* The private area is not in the log: a commit that wrote it is made
	 * durable before it returns (the projection's commits need not be). */
	if (c->private_dirty) {
		c->private_dirty = false;
		return S_sync_wal(c, err);
	}
	return 0;
}

void gt_store_rollback(gt_store_conn *c)
{
	c->savepoints = 0;
	c->private_dirty = false;
	if (S_in_tx(c))
		S_run(c, GT_SQLITE_ROLLBACK, NULL);
}

int gt_store_savepoint(gt_store_conn *c, gt_error *err)
{
	if (!c->writer || !S_in_tx(c))
		return gt_fail(err, GT_EINVAL, "a savepoint needs a transaction (gt_store_begin)");
	int rc = S_run(c, GT_SQLITE_SAVEPOINT, err);
	if (rc == 0)
		c->savepoints++;
	return rc;
}

int gt_store_release(gt_store_conn *c, gt_error *err)
{
	if (!c->writer || !S_in_tx(c) || c->savepoints == 0)
		return gt_fail(err, GT_EINVAL, "no savepoint is open to release");
	int rc = S_run(c, GT_SQLITE_RELEASE, err);
	if (rc == 0)
		c->savepoints--;
	return rc;
}

int gt_store_rollback_to(gt_store_conn *c, gt_error *err)
{
	if (!c->writer || !S_in_tx(c) || c->savepoints == 0)
		return gt_fail(err, GT_EINVAL, "no savepoint is open to roll back to");
	int rc = S_run(c, GT_SQLITE_ROLLBACK_TO, err);
	if (rc == 0)
		rc = S_run(c, GT_SQLITE_RELEASE, err);
	if (rc == 0)
		c->savepoints--;
	return rc;
}

int gt_store_applied(gt_store_conn *c, uint64_t *ret, gt_error *err)
{
	int64_t v;
	int rc = S_query_int(c, GT_SQLITE_APPLIED_GET, &v, err);
	if (rc < 0)
		return rc;
	if (v < 0)
		return gt_fail(err, GT_ECORRUPT, "the store's applied count is negative (%lld)",
			       (long long)v);
	*ret = (uint64_t)v;
	return 0;
}

int gt_store_set_applied(gt_store_conn *c, uint64_t applied, gt_error *err)
{
	if (!c->writer || !S_in_tx(c))
		return gt_fail(err, GT_EINVAL, "the applied count is set inside a transaction");
	if (applied > INT64_MAX)
		return gt_fail(err, GT_ERANGE, "applied count %llu is too large",
			       (unsigned long long)applied);
	int rc = S_prepare(c, GT_SQLITE_APPLIED_SET, err);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = c->stmts[GT_SQLITE_APPLIED_SET].st;
	sqlite3_bind_int64(st, 1, (int64_t)applied);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		rc = S_fail(err, c->db, rc, "cannot set the applied count");
	else if (sqlite3_changes(c->db) != 1)
		rc = gt_fail(err, GT_ECORRUPT, "the store has no applied count to update");
	else
		rc = 0;
	sqlite3_reset(st);
	return rc;
}

/* ---- readers ---- */

/* The WAL-index header now, into hdr: true when read consistently. */
static bool S_wal_hdr(const gt_store *s, uint8_t hdr[S_WAL_HDR_LEN])
{
	if (!s->shm)
		return false;
	uint8_t second[S_WAL_HDR_LEN];
	memcpy(hdr, s->shm, S_WAL_HDR_LEN);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	memcpy(second, s->shm + S_WAL_HDR_LEN, S_WAL_HDR_LEN);
	return memcmp(hdr, second, S_WAL_HDR_LEN) == 0;
}

/* Whether c's kept snapshot is still the latest: nothing committed since it
 * began, in this process or another (the command line writes tokens). */
static bool S_snapshot_current(gt_store_conn *c)
{
	uint8_t now[S_WAL_HDR_LEN];
	return c->reading && c->read_gen == __atomic_load_n(&c->s->gen, __ATOMIC_ACQUIRE) &&
	       S_wal_hdr(c->s, now) && memcmp(now, c->read_hdr, S_WAL_HDR_LEN) == 0;
}

/* Map the first page of the store's -shm file (it exists once the
 * writer has read in WAL mode); without it readers keep no snapshots. */
static void S_shm_map(gt_store *s)
{
	char *path = S_concat(s->path, "-shm");
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	free(path);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= 4096) {
		void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		if (m != MAP_FAILED)
			s->shm = m;
	}
	if (fd >= 0)
		close(fd);
}

static void S_shm_unmap(gt_store *s)
{
	if (s->shm)
		munmap((void *)s->shm, 4096);
	s->shm = NULL;
}

/* Give c back to the pool, or close it if it could not end its snapshot. */
static void S_reader_put(gt_store_conn *c)
{
	gt_store *s = c->s;
	bool keep = c->reading || !S_in_tx(c);
	pthread_mutex_lock(&s->mu);
	s->nborrowed--;
	if (keep) {
		c->next_idle = s->idle;
		s->idle = c;
	} else {
		s->nreaders--;
	}
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (!keep)
		S_conn_close(c);
}

int gt_store_reader(gt_store *s, gt_store_conn **ret, gt_error *err)
{
	gt_store_conn *c = NULL;
	pthread_mutex_lock(&s->mu);
	while (!s->idle && s->nreaders >= s->max_readers)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->idle) {
		c = s->idle;
		s->idle = c->next_idle;
	} else {
		s->nreaders++; /* a slot for the connection opened below */
	}
	s->nborrowed++;
	pthread_mutex_unlock(&s->mu);
	int rc;
	if (!c) {
		rc = S_conn_open(s, false, &c, err);
		if (rc < 0) {
			pthread_mutex_lock(&s->mu);
			s->nreaders--;
			s->nborrowed--;
			pthread_cond_signal(&s->cv);
			pthread_mutex_unlock(&s->mu);
			return rc;
		}
	}
	/* A current snapshot: the one the reader kept, if the writer has
	 * committed nothing since it began (its commits are counted once
	 * visible, before they are acknowledged), else a new one taken now.
	 * Beginning one costs system calls (WAL locks): most reads under a
	 * read-mostly load skip them. Only a store with the writer in this
	 * process (counting its commits) keeps snapshots. */
	if (S_snapshot_current(c)) {
		*ret = c;
		return 0;
	}
	if (c->reading) {
		if (S_run(c, GT_SQLITE_COMMIT, NULL) < 0)
			gt_store_rollback(c);
		c->reading = false;
	}
	/* What the snapshot is at least: taken before it begins. */
	uint64_t gen = __atomic_load_n(&s->gen, __ATOMIC_ACQUIRE);
	bool hdr = s->ckpt_started && S_wal_hdr(s, c->read_hdr);
	/* The first read starts the snapshot. */
	uint64_t applied;
	rc = S_run(c, GT_SQLITE_BEGIN_READ, err);
	if (rc == 0)
		rc = gt_store_applied(c, &applied, err);
	if (rc < 0) {
		gt_store_rollback(c);
		S_reader_put(c);
		return rc;
	}
	c->read_gen = gen;
	c->reading = hdr; /* kept while current, if it can be told */
	*ret = c;
	return 0;
}

void gt_store_reader_done(gt_store_conn *c)
{
	if (!c)
		return;
	for (int q = 0; q < GT_SQLITE_Q__COUNT; q++)
		if (c->stmts[q].open)
			gt_stmt_close(&c->stmts[q]);
	/* Kept for the next borrow while current (see gt_store_reader). */
	c->reading = S_in_tx(c) && S_snapshot_current(c);
	if (!c->reading && S_in_tx(c) && S_run(c, GT_SQLITE_COMMIT, NULL) < 0)
		gt_store_rollback(c);
	S_reader_put(c);
}

/* ---- queries ---- */

int gt_stmt_open(gt_store_conn *c, gt_query q, gt_stmt **ret, gt_error *err)
{
	if ((int)q < 0 || q >= GT_Q__COUNT)
		return gt_fail(err, GT_EINVAL, "unknown query id %d", (int)q);
	gt_stmt *st = &c->stmts[q];
	if (st->open)
		return gt_fail(err, GT_EINVAL, "query %s is already open on this connection",
			       gt_sqlite_queries[q].name);
	int rc = S_prepare(c, q, err);
	if (rc < 0)
		return rc;
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
	st->open = true;
	st->bind_code = 0;
	st->changes = 0;
	*ret = st;
	return 0;
}

/* Note a bind's outcome; the first failure is reported by the next step. */
static int S_bound(gt_stmt *st, int pos, int rc)
{
	if (rc == SQLITE_OK)
		return 0;
	int code = S_code(rc, 0);
	if (!st->bind_code) {
		st->bind_code = code;
		st->bind_pos = pos;
		st->bind_rc = rc;
	}
	return code;
}

int gt_stmt_bind_i64(gt_stmt *st, int pos, int64_t v)
{
	return S_bound(st, pos, sqlite3_bind_int64(st->st, pos, v));
}

int gt_stmt_bind_text(gt_stmt *st, int pos, const char *s, size_t len)
{
	if (!s)
		return gt_stmt_bind_null(st, pos);
	if (len == (size_t)-1)
		len = strlen(s);
	return S_bound(st, pos,
		       sqlite3_bind_text64(st->st, pos, s, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

int gt_stmt_bind_blob(gt_stmt *st, int pos, const void *data, size_t len)
{
	if (len == 0) /* an empty blob, not NULL */
		return S_bound(st, pos, sqlite3_bind_zeroblob(st->st, pos, 0));
	return S_bound(st, pos, sqlite3_bind_blob64(st->st, pos, data, len, SQLITE_TRANSIENT));
}

int gt_stmt_bind_null(gt_stmt *st, int pos)
{
	return S_bound(st, pos, sqlite3_bind_null(st->st, pos));
}

int gt_stmt_step(gt_stmt *st, gt_error *err)
{
	const char *name = gt_sqlite_queries[st->q].name;
	if (!st->open)
		return gt_fail(err, GT_EINVAL, "query %s is not open", name);
	if (st->bind_code)
		return gt_fail(err, st->bind_code, "query %s: cannot bind parameter %d: %s", name,
			       st->bind_pos, sqlite3_errstr(st->bind_rc));
	int rc = sqlite3_step(st->st);
	if (st->private_write && (rc == SQLITE_ROW || rc == SQLITE_DONE))
		st->c->private_dirty = true;
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		if (!sqlite3_stmt_readonly(st->st))
			st->changes = sqlite3_changes(st->c->db);
		return 0;
	}
	return S_fail(err, st->c->db, rc, "query %s", name);
}

bool gt_stmt_is_null(gt_stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

int64_t gt_stmt_i64(gt_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

const char *gt_stmt_text(gt_stmt *st, int col, size_t *len)
{
	const char *s = (const char *)sqlite3_column_text(st->st, col);
	size_t n = s ? (size_t)sqlite3_column_bytes(st->st, col) : 0;
	if (len)
		*len = n;
	return s ? s : "";
}

const void *gt_stmt_blob(gt_stmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(st->st, col);
	if (len)
		*len = (size_t)sqlite3_column_bytes(st->st, col);
	return p;
}

int64_t gt_stmt_changes(gt_stmt *st)
{
	return st->changes;
}

void gt_stmt_close(gt_stmt *st)
{
	if (!st)
		return;
	if (st->st) {
		sqlite3_reset(st->st);
		sqlite3_clear_bindings(st->st);
	}
	st->open = false;
}

int64_t gt_store_exec(gt_store_conn *c, gt_query q, gt_error *err, const char *types, ...)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, q, &st, err);
	if (rc < 0)
		return rc;
	const char *name = gt_sqlite_queries[q].name;
	va_list ap;
	va_start(ap, types);
	int n = 0;
	for (const char *t = types ? types : ""; *t && rc == 0; t++) {
		n++;
		if (*t == 'i')
			gt_stmt_bind_i64(st, n, va_arg(ap, int64_t));
		else if (*t == 't')
			gt_stmt_bind_text(st, n, va_arg(ap, const char *), (size_t)-1);
		else if (*t == 'n')
			gt_stmt_bind_null(st, n);
		else
			rc = gt_fail(err, GT_EINVAL, "query %s: unknown parameter type '%c'", name,
				     *t);
	}
	va_end(ap);
	if (rc == 0 && n != sqlite3_bind_parameter_count(st->st))
		rc = gt_fail(err, GT_EINVAL, "query %s takes %d parameters, %d given", name,
			     sqlite3_bind_parameter_count(st->st), n);
	while (rc == 0 && (rc = gt_stmt_step(st, err)) == 1)
		rc = 0;
	int64_t changes = rc < 0 ? rc : st->changes;
	gt_stmt_close(st);
	return changes;
}

/* ---- names from the schema ---- */

/* Append name as a quoted SQL identifier. */
static int S_add_ident(gt_buf *b, const char *name)
{
	if (gt_buf_add(b, "\"", 1) < 0)
		return GT_ENOMEM;
	for (const char *p = name; *p; p++)
		if (gt_buf_add(b, p, 1) < 0 || (*p == '"' && gt_buf_add(b, "\"", 1) < 0))
			return GT_ENOMEM;
	return gt_buf_add(b, "\"", 1) < 0 ? GT_ENOMEM : 0;
}

typedef struct S_column {
	char *name;
	int pk; /* 0, or its place in the primary key (1-based) */
} S_column;

typedef struct S_columns {
	S_column *v;
	size_t n, cap;
} S_columns;

static void S_columns_done(S_columns *cols)
{
	for (size_t i = 0; i < cols->n; i++)
		free(cols->v[i].name);
	free(cols->v);
	cols->v = NULL;
	cols->n = cols->cap = 0;
}

/* The columns of table in schema ("main" or "old"), in their order; none
 * if the table does not exist there. */
static int S_columns_get(gt_store_conn *c, const char *table, const char *schema, S_columns *cols,
			 gt_error *err)
{
	int rc = S_prepare(c, GT_SQLITE_COLUMNS, err);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = c->stmts[GT_SQLITE_COLUMNS].st;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, schema, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cols->n == cols->cap) {
			size_t cap = cols->cap ? 2 * cols->cap : 16;
			S_column *v = realloc(cols->v, cap * sizeof(*v));
			if (!v) {
				rc = gt_fail(err, GT_ENOMEM, "out of memory");
				goto done;
			}
			cols->v = v;
			cols->cap = cap;
		}
		const char *name = (const char *)sqlite3_column_text(st, 0);
		cols->v[cols->n].name = strdup(name ? name : "");
		cols->v[cols->n].pk = sqlite3_column_int(st, 1);
		if (!cols->v[cols->n].name) {
			rc = gt_fail(err, GT_ENOMEM, "out of memory");
			goto done;
		}
		cols->n++;
	}
	rc = rc == SQLITE_DONE ? 0 : S_fail(err, c->db, rc, "cannot list the columns of %s", table);
done:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* ---- dump ---- */

/* Append a value so that distinct values never print alike: integers as
 * digits, reals always with a '.' or exponent, text as a JSON string
 * (quote, backslash and control bytes escaped), blobs as x"hex", null. */
static int S_dump_value(gt_buf *out, sqlite3_stmt *st, int col)
{
	static const char hex[] = "0123456789abcdef";
	int rc = 0;
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		return gt_buf_addf(out, "%lld", (long long)sqlite3_column_int64(st, col));
	case SQLITE_FLOAT: {
		char num[64];
		snprintf(num, sizeof(num), "%.17g", sqlite3_column_double(st, col));
		if (!strpbrk(num, ".eEn")) /* not 1.0 printed as 1 (n: nan, inf) */
			strcat(num, ".0");
		return gt_buf_addstr(out, num);
	}
	case SQLITE_TEXT: {
		const unsigned char *s = sqlite3_column_text(st, col);
		int n = sqlite3_column_bytes(st, col);
		rc = gt_buf_add(out, "\"", 1);
		for (int i = 0; rc == 0 && i < n; i++) {
			unsigned char ch = s[i];
			if (ch == '"' || ch == '\\')
				rc = gt_buf_addf(out, "\\%c", ch);
			else if (ch < 0x20 || ch == 0x7f)
				rc = gt_buf_addf(out, "\\u%04x", ch);
			else
				rc = gt_buf_add(out, &ch, 1);
		}
		return rc == 0 ? gt_buf_add(out, "\"", 1) : rc;
	}
	case SQLITE_BLOB: {
		const unsigned char *p = sqlite3_column_blob(st, col);
		int n = sqlite3_column_bytes(st, col);
		rc = gt_buf_add(out, "x\"", 2);
		for (int i = 0; rc == 0 && i < n; i++) {
			char two[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
			rc = gt_buf_add(out, two, 2);
		}
		return rc == 0 ? gt_buf_add(out, "\"", 1) : rc;
	}
	default:
		return gt_buf_addstr(out, "null");
	}
}

/* Dump one table: "table <name> (<columns>)" then one line per row,
 * ordered by the primary key (or, without one, by every column). */
static int S_dump_table(gt_store_conn *c, const char *table, gt_buf *out, gt_error *err)
{
	S_columns cols = {0};
	gt_buf sql = GT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = S_columns_get(c, table, "main", &cols, err);
	if (rc < 0)
		goto fail;
	bool bad = gt_buf_addf(out, "table %s (", table) < 0;
	bad |= gt_buf_addstr(&sql, "SELECT ") < 0;
	int npk = 0;
	for (size_t i = 0; i < cols.n; i++) {
		bad |= gt_buf_addf(out, "%s%s", i ? ", " : "", cols.v[i].name) < 0;
		bad |= (i && gt_buf_addstr(&sql, ", ") < 0) ||
		       S_add_ident(&sql, cols.v[i].name) < 0;
		if (cols.v[i].pk > npk)
			npk = cols.v[i].pk;
	}
	bad |= gt_buf_addstr(out, ")\n") < 0;
	bad |= gt_buf_addstr(&sql, " FROM main.") < 0 || S_add_ident(&sql, table) < 0;
	bad |= gt_buf_addstr(&sql, " ORDER BY ") < 0;
	if (npk == 0) {
		for (size_t i = 0; i < cols.n; i++)
			bad |= gt_buf_addf(&sql, "%s%zu", i ? ", " : "", i + 1) < 0;
	} else {
		for (int k = 1; k <= npk; k++)
			for (size_t i = 0; i < cols.n; i++)
				if (cols.v[i].pk == k)
					bad |= (k > 1 && gt_buf_addstr(&sql, ", ") < 0) ||
					       S_add_ident(&sql, cols.v[i].name) < 0;
	}
	if (bad) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto fail;
	}
	rc = sqlite3_prepare_v2(c->db, (const char *)sql.data, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = S_fail(err, c->db, rc, "cannot dump table %s", table);
		goto fail;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		bad = gt_buf_add(out, "[", 1) < 0;
		for (int i = 0; i < sqlite3_column_count(st); i++)
			bad |= (i && gt_buf_add(out, ",", 1) < 0) || S_dump_value(out, st, i) < 0;
		bad |= gt_buf_add(out, "]\n", 2) < 0;
		if (bad) {
			rc = gt_fail(err, GT_ENOMEM, "out of memory");
			goto fail;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : S_fail(err, c->db, rc, "cannot dump table %s", table);
fail:
	sqlite3_finalize(st);
	gt_buf_done(&sql);
	S_columns_done(&cols);
	return rc;
}

static int S_dump(gt_store_conn *c, bool with_private, gt_buf *out, gt_error *err)
{
	if (gt_buf_addf(out, "goodtrace store dump\nschema %d\n", c->s->version) < 0)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	int rc = S_prepare(c, GT_SQLITE_TABLES, err);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = c->stmts[GT_SQLITE_TABLES].st;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		if (!table || (!with_private && S_is_private(table)))
			continue;
		rc = S_dump_table(c, table, out, err);
		if (rc < 0)
			goto done;
	}
	rc = rc == SQLITE_DONE ? 0 : S_fail(err, c->db, rc, "cannot list the store's tables");
done:
	sqlite3_reset(st);
	return rc;
}

int gt_store_dump(gt_store *s, bool with_private, gt_buf *out, gt_error *err)
{
	size_t start = out->len;
	gt_store_conn *c;
	int rc = gt_store_reader(s, &c, err);
	if (rc < 0)
		return rc;
	rc = S_dump(c, with_private, out, err);
	gt_store_reader_done(c);
	if (rc < 0 && out->data) {
		out->len = start;
		out->data[start] = 0;
	}
	return rc;
}

/* ---- rebuild ---- */

static char *S_concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 1);
	if (p) {
		memcpy(p, a, la);
		memcpy(p + la, b, lb + 1);
	}
	return p;
}

/* Remove path + suffix if it exists. */
static int S_unlink(const char *path, const char *suffix, gt_error *err)
{
	char *p = S_concat(path, suffix);
	if (!p)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	int rc = 0;
	if (unlink(p) < 0 && errno != ENOENT)
		rc = gt_fail_errno(err, errno, "cannot remove %s", p);
	free(p);
	return rc;
}

static bool S_exists(const char *path, const char *suffix)
{
	char *p = S_concat(path, suffix);
	bool yes = p && access(p, F_OK) == 0;
	free(p);
	return yes;
}

/* fsync the file at path (dir: the directory holding path). */
static int S_sync_path(const char *path, bool dir, gt_error *err)
{
	char *d = NULL;
	if (dir) {
		const char *slash = strrchr(path, '/');
		d = slash == path ? strdup("/") :
		    slash	  ? strndup(path, (size_t)(slash - path)) :
				    strdup(".");
		if (!d)
			return gt_fail(err, GT_ENOMEM, "out of memory");
		path = d;
	}
	int rc = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
	if (fd < 0)
		rc = gt_fail_errno(err, errno, "cannot open %s", path);
	else if (fsync(fd) < 0)
		rc = gt_fail_errno(err, errno, "cannot sync %s", path);
	if (fd >= 0)
		close(fd);
	free(d);
	return rc;
}

int gt_store_open_fresh(const gt_store_options *opt, gt_store **ret, gt_error *err)
{
	if (!opt || !opt->path || !opt->path[0])
		return gt_fail(err, GT_EINVAL, "no store path given");
	if (opt->read_only)
		return gt_fail(err, GT_EINVAL, "a store to rebuild into cannot be read-only");
	char *fresh = S_concat(opt->path, S_REBUILD_SUFFIX);
	if (!fresh)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	/* A stale rebuild left by an interrupted run, with its WAL. */
	int rc = 0;
	static const char *const suffixes[] = {"-wal", "-shm", "-journal", ""};
	for (size_t i = 0; rc == 0 && i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		rc = S_unlink(fresh, suffixes[i], err);
	if (rc == 0) {
		gt_store_options o = *opt;
		o.path = fresh;
		rc = gt_store_open(&o, ret, err);
	}
	free(fresh);
	return rc;
}

/* Append `SELECT "a", "b" ...` style lists of the columns of main's table
 * that old's table has too; *n is how many. */
static int S_common_columns(const S_columns *mine, const S_columns *theirs, gt_buf *list, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < mine->n; i++) {
		size_t j = 0;
		while (j < theirs->n && strcmp(mine->v[i].name, theirs->v[j].name) != 0)
			j++;
		if (j == theirs->n)
			continue;
		if ((*n && gt_buf_addstr(list, ", ") < 0) || S_add_ident(list, mine->v[i].name) < 0)
			return GT_ENOMEM;
		(*n)++;
	}
	return 0;
}

/* Replace the rows of the private table in main by those of old, copying
 * the columns both have (a newer schema's extra columns take their
 * defaults). */
static int S_copy_table(gt_store_conn *c, const char *table, gt_error *err)
{
	S_columns mine = {0}, theirs = {0};
	gt_buf list = GT_BUF_INIT, sql = GT_BUF_INIT;
	int rc = S_columns_get(c, table, "main", &mine, err);
	if (rc == 0)
		rc = S_columns_get(c, table, "old", &theirs, err);
	if (rc < 0 || theirs.n == 0) /* not in the old store: nothing to keep */
		goto done;
	size_t n;
	bool bad = S_common_columns(&mine, &theirs, &list, &n) < 0;
	bad |= gt_buf_addstr(&sql, "DELETE FROM main.") < 0 || S_add_ident(&sql, table) < 0;
	if (n) {
		bad |= gt_buf_addstr(&sql, "; INSERT INTO main.") < 0 ||
		       S_add_ident(&sql, table) < 0;
		bad |= gt_buf_addf(&sql, " (%s) SELECT %s FROM old.", (const char *)list.data,
				   (const char *)list.data) < 0 ||
		       S_add_ident(&sql, table) < 0;
	}
	if (bad) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto done;
	}
	char what[256];
	snprintf(what, sizeof(what), "cannot copy the private table %s", table);
	rc = S_exec(c->db, (const char *)sql.data, what, err);
done:
	gt_buf_done(&sql);
	gt_buf_done(&list);
	S_columns_done(&theirs);
	S_columns_done(&mine);
	return rc;
}

/* Copy every private table of the store at path into fresh, then make
 * sure the old store is fully checkpointed and nobody else has it open. */
static int S_copy_private(gt_store *fresh, const char *path, gt_error *err)
{
	gt_store_conn *c = fresh->writer;
	int rc = S_run_text(c, GT_SQLITE_ATTACH_OLD, path, err);
	if (rc < 0)
		return S_context(err, rc, "cannot open the old store %s", path);
	int64_t version;
	rc = S_query_int(c, GT_SQLITE_OLD_USER_VERSION, &version, err);
	if (rc < 0) {
		rc = S_context(err, rc, "cannot read the old store %s", path);
		goto detach;
	}
	if (version > gt_sqlite_schema_version) {
		rc = gt_fail(err, GT_ECORRUPT,
			     "the old store %s has schema version %lld, newer than this "
			     "goodtrace knows (%d)",
			     path, (long long)version, gt_sqlite_schema_version);
		goto detach;
	}
	rc = S_run(c, GT_SQLITE_BEGIN_WRITE, err);
	if (rc < 0)
		goto detach;
	rc = S_prepare(c, GT_SQLITE_TABLES, err);
	if (rc < 0)
		goto rollback;
	sqlite3_stmt *st = c->stmts[GT_SQLITE_TABLES].st;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		if (table && S_is_private(table) && (rc = S_copy_table(c, table, err)) < 0)
			break;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = S_fail(err, c->db, rc, "cannot list the store's tables");
	sqlite3_reset(st);
	if (rc < 0)
		goto rollback;
	rc = S_run(c, GT_SQLITE_COMMIT, err);
	if (rc < 0)
		goto rollback;
	/* Everything of the old store into its main file, WAL emptied. */
	int64_t busy;
	rc = S_query_int(c, GT_SQLITE_OLD_CHECKPOINT, &busy, err);
	if (rc == 0 && busy)
		rc = gt_fail(err, GT_EBUSY,
			     "the old store %s is in use: stop every process using it (the "
			     "server) before a rebuild",
			     path);
	if (rc < 0)
		goto detach;
	rc = S_run(c, GT_SQLITE_DETACH_OLD, err);
	if (rc < 0)
		return rc;
	/* The last connection to close a WAL database removes its WAL: one
	 * that stays means another connection still has the old store open. */
	if (S_exists(path, "-wal"))
		return gt_fail(err, GT_EBUSY,
			       "the old store %s is still open elsewhere (its -wal file remains): "
			       "stop every process using it (the server) before a rebuild",
			       path);
	return 0;
rollback:
	gt_store_rollback(c);
detach:
	S_run(c, GT_SQLITE_DETACH_OLD, NULL);
	return rc;
}

/* Close every connection of s with its data all in its main file. */
static int S_close_durably(gt_store *s, gt_error *err)
{
	while (s->idle) {
		gt_store_conn *c = s->idle;
		s->idle = c->next_idle;
		s->nreaders--;
		S_conn_close(c);
	}
	S_ckpt_stop(s);
	S_shm_unmap(s);
	int64_t busy;
	int rc = S_query_int(s->writer, GT_SQLITE_CHECKPOINT, &busy, err);
	if (rc == 0 && busy)
		rc = gt_fail(err, GT_EBUSY, "cannot checkpoint %s: it is in use", s->path);
	if (rc < 0)
		return rc;
	rc = S_conn_close_checked(s->writer, s->path, err);
	if (rc < 0)
		return rc;
	s->writer = NULL;
	rc = S_sync_path(s->path, false, err);
	if (rc < 0)
		return rc;
	/* Checkpointed and truncated: whatever is left of them holds nothing. */
	rc = S_unlink(s->path, "-wal", err);
	if (rc == 0)
		rc = S_unlink(s->path, "-shm", err);
	return rc;
}

int gt_store_finish_rebuild(gt_store *fresh, const gt_store_options *opt, gt_error *err)
{
	if (!fresh)
		return gt_fail(err, GT_EINVAL, "no store to rebuild into");
	char *want = opt && opt->path ? S_concat(opt->path, S_REBUILD_SUFFIX) : NULL;
	int rc = 0;
	if (!want) {
		rc = opt && opt->path ? gt_fail(err, GT_ENOMEM, "out of memory") :
					gt_fail(err, GT_EINVAL, "no store path given");
		goto fail;
	}
	if (strcmp(fresh->path, want) != 0 || !fresh->writer) {
		rc = gt_fail(err, GT_EINVAL, "%s is not an open store to rebuild %s into",
			     fresh->path, opt->path);
		goto fail;
	}
	if (S_in_tx(fresh->writer)) {
		rc = gt_fail(err, GT_EINVAL, "a transaction is still open on %s", fresh->path);
		goto fail;
	}
	pthread_mutex_lock(&fresh->mu);
	unsigned borrowed = fresh->nborrowed;
	pthread_mutex_unlock(&fresh->mu);
	if (borrowed) {
		rc = gt_fail(err, GT_EINVAL, "%u readers of %s are still borrowed", borrowed,
			     fresh->path);
		goto fail;
	}
	struct stat sb;
	if (stat(opt->path, &sb) == 0)
		rc = S_copy_private(fresh, opt->path, err);
	else if (errno != ENOENT)
		rc = gt_fail_errno(err, errno, "cannot look at %s", opt->path);
	if (rc < 0)
		goto fail;
	rc = S_close_durably(fresh, err);
	if (rc < 0)
		goto fail;
	/* A WAL left beside the new file would be replayed into it. The old
	 * store was checkpointed above, so its main file already holds
	 * everything until the rename. */
	rc = S_unlink(opt->path, "-wal", err);
	if (rc == 0)
		rc = S_unlink(opt->path, "-shm", err);
	if (rc < 0)
		goto fail;
	if (rename(want, opt->path) < 0) {
		rc = gt_fail_errno(err, errno, "cannot move %s to %s", want, opt->path);
		goto fail;
	}
	rc = S_sync_path(opt->path, true, err);
	if (rc < 0)
		goto fail;
	free(want);
	gt_store_free(fresh);
	return 0;
fail:
	free(want);
	gt_store_free(fresh);
	return rc;
}
