/* The store: the queryable projection of the log, behind a backend-neutral
 * interface (SQLite by default; the same interface admits PostgreSQL).
 *
 * Nothing above src/store/ sees SQL or a backend's types. Callers name a
 * query by its gt_query id (store/query.h lists them with their parameters
 * and result columns); each backend holds its own SQL text for every id.
 *
 * Two areas:
 *   projection  tables derived from the log alone: `goodtrace rebuild`
 *               recreates them by replaying every entry;
 *   private     personal data and secrets (token hashes, contact details)
 *               that must never reach the public log. Rebuild keeps them.
 * The store also records how many log entries it has applied (`applied`),
 * updated in the same transaction as the entries' effects.
 *
 * Connections: one writer (the sequencer's thread only) and a pool of
 * readers for every other thread. Readers never block the writer (SQLite in
 * WAL mode) and see only committed transactions.
 *
 * Errors: every function returns 0 (or a documented positive value) or a
 * negative GT_E* code, with a message in err. A uniqueness violation is
 * GT_EEXIST; a busy database past the timeout is GT_EBUSY. */
#ifndef GT_STORE_STORE_H
#define GT_STORE_STORE_H

#include "core/buf.h"
#include "core/error.h"
#include "store/query.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gt_store gt_store;
typedef struct gt_store_conn gt_store_conn; /* a connection (writer or reader) */
typedef struct gt_stmt gt_stmt;		    /* a prepared query, borrowed from a conn */

typedef struct gt_store_options {
	/* Where the store lives: for SQLite a file path (e.g. DIR/store.db). */
	const char *path;
	/* Read connections in the pool (default 8 when 0). */
	unsigned readers;
	/* Open without a writer and without running migrations (tools that
	 * only read). The schema must then be current (GT_ECORRUPT if not). */
	bool read_only;
} gt_store_options;

/* Open (creating if needed) and migrate the schema to the current version.
 * A store written by a newer goodtrace (unknown schema version) is refused
 * with GT_ECORRUPT. */
int gt_store_open(const gt_store_options *opt, gt_store **ret, gt_error *err);
/* Close every connection; accepts NULL. Readers must all be returned. */
void gt_store_free(gt_store *s);

/* Schema version after migrations (for `goodtrace --version` and tests). */
int gt_store_schema_version(gt_store *s);

/* ---- the writer ---------------------------------------------------------
 * Only one thread may use the writer. Transactions nest with savepoints:
 * gt_store_begin starts the batch transaction; gt_store_savepoint marks a
 * point that gt_store_rollback_to undoes back to (and releases), or that
 * gt_store_release keeps. */
gt_store_conn *gt_store_writer(gt_store *s);
int gt_store_begin(gt_store_conn *c, gt_error *err);
int gt_store_commit(gt_store_conn *c, gt_error *err);
/* Roll back the whole transaction; safe to call when none is open. */
void gt_store_rollback(gt_store_conn *c);
int gt_store_savepoint(gt_store_conn *c, gt_error *err);
int gt_store_release(gt_store_conn *c, gt_error *err);
int gt_store_rollback_to(gt_store_conn *c, gt_error *err);

/* Entries applied so far (the index of the next entry to apply). Read on
 * any connection; set on the writer inside a transaction. */
int gt_store_applied(gt_store_conn *c, uint64_t *ret, gt_error *err);
int gt_store_set_applied(gt_store_conn *c, uint64_t applied, gt_error *err);

/* ---- readers ------------------------------------------------------------
 * Borrow a read connection from the pool (waits while all are in use) and
 * give it back. Each borrowed connection reads one consistent snapshot
 * until it is returned. */
int gt_store_reader(gt_store *s, gt_store_conn **ret, gt_error *err);
void gt_store_reader_done(gt_store_conn *c);

/* ---- queries ------------------------------------------------------------
 * gt_stmt_open prepares (once per connection, then cached) the query q on c
 * and resets it. Bind parameters by 1-based position, then gt_stmt_step
 * until it returns 0. gt_stmt_close resets it and returns it to c; always
 * call it, also after an error. Text passed to a bind is copied. Column
 * values (0-based) stay valid until the next step or close. */
int gt_stmt_open(gt_store_conn *c, gt_query q, gt_stmt **ret, gt_error *err);
int gt_stmt_bind_i64(gt_stmt *st, int pos, int64_t v);
/* len (size_t)-1 means NUL-terminated; s NULL binds NULL. */
int gt_stmt_bind_text(gt_stmt *st, int pos, const char *s, size_t len);
int gt_stmt_bind_blob(gt_stmt *st, int pos, const void *data, size_t len);
int gt_stmt_bind_null(gt_stmt *st, int pos);
/* 1: a row is available; 0: done; negative: error (GT_EEXIST on a
 * uniqueness violation). */
int gt_stmt_step(gt_stmt *st, gt_error *err);
bool gt_stmt_is_null(gt_stmt *st, int col);
int64_t gt_stmt_i64(gt_stmt *st, int col);
/* Never NULL ("" for NULL); *len (if given) is set to the byte length. */
const char *gt_stmt_text(gt_stmt *st, int col, size_t *len);
const void *gt_stmt_blob(gt_stmt *st, int col, size_t *len);
/* Rows changed by the last step of a write query. */
int64_t gt_stmt_changes(gt_stmt *st);
void gt_stmt_close(gt_stmt *st);

/* Run a query that returns no rows (or ignore them), binding the values
 * described by types, one character per parameter:
 *   'i' int64_t, 't' const char * (NUL-terminated, NULL binds NULL),
 *   'n' NULL (no argument).
 * Returns the number of rows changed, or a negative code. */
int64_t gt_store_exec(gt_store_conn *c, gt_query q, gt_error *err, const char *types, ...);

/* ---- whole-store operations ---------------------------------------------- */

/* A canonical, deterministic text dump of every table (private ones too
 * when with_private), rows in primary-key order, appended to out. Two
 * stores that answer every query the same have the same dump; the applied
 * count is included. */
int gt_store_dump(gt_store *s, bool with_private, gt_buf *out, gt_error *err);

/* Rebuild support. gt_store_open_fresh opens a new, empty store next to
 * opt->path (its ".rebuild" sibling, replacing a stale one) for replaying
 * the log into. gt_store_finish_rebuild copies the private area from the
 * store at opt->path (if it exists) into fresh, closes fresh and atomically
 * puts it in place of opt->path. fresh is freed in every case. On failure
 * the old store is untouched; GT_EBUSY if the old store is still in use
 * (every process must have closed it: rebuild runs with the server stopped). */
int gt_store_open_fresh(const gt_store_options *opt, gt_store **ret, gt_error *err);
int gt_store_finish_rebuild(gt_store *fresh, const gt_store_options *opt, gt_error *err);

#endif
