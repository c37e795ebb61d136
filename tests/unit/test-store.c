/* Unit tests of the store's SQLite backend: schema, transactions, readers, queries, dump, rebuild.
 */
#include "testutil.h"

#include "store/store.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------ */

static char *S_dir;
static char *S_path;

static void S_setup(void)
{
	S_dir = tu_tmpdir("store");
	S_path = tu_join(S_dir, "store.db");
}

static void S_teardown(void)
{
	tu_rmrf(S_dir);
	free(S_path);
	free(S_dir);
}

static gt_store *S_open_at(const char *path, unsigned readers)
{
	gt_store_options o = {.path = path, .readers = readers};
	gt_store *s = NULL;
	gt_error err = {0};
	int rc = gt_store_open(&o, &s, &err);
	cr_assert_eq(rc, 0, "open %s: %d %s", path, rc, err.msg);
	return s;
}

static gt_store *S_open(void)
{
	return S_open_at(S_path, 0);
}

/* Run a query with gt_store_exec and require success; the rows changed. */
#define EXEC(c, q, ...)                                                                  \
	({                                                                               \
		gt_error e_ = {0};                                                       \
		int64_t n_ = gt_store_exec((c), (q), &e_, __VA_ARGS__);                  \
		cr_assert_geq(n_, 0, "%s:%d: exec %d: %lld %s", __FILE__, __LINE__, (q), \
			      (long long)n_, e_.msg);                                    \
		n_;                                                                      \
	})

static void S_begin(gt_store_conn *c)
{
	gt_error err = {0};
	cr_assert_eq(gt_store_begin(c, &err), 0, "begin: %s", err.msg);
}

static void S_commit(gt_store_conn *c)
{
	gt_error err = {0};
	cr_assert_eq(gt_store_commit(c, &err), 0, "commit: %s", err.msg);
}

static gt_store_conn *S_reader(gt_store *s)
{
	gt_store_conn *r = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_store_reader(s, &r, &err), 0, "reader: %s", err.msg);
	cr_assert_not_null(r);
	return r;
}

static uint64_t S_applied(gt_store_conn *c)
{
	uint64_t v = 12345;
	gt_error err = {0};
	cr_assert_eq(gt_store_applied(c, &v, &err), 0, "applied: %s", err.msg);
	return v;
}

static void S_org_put(gt_store_conn *c, const char *id, const char *name, int64_t idx)
{
	cr_assert_eq(EXEC(c, GT_Q_ORG_PUT, "tttnnit", id, name, "charity", idx,
			  "2026-01-01T00:00:00.000Z"),
		     1);
}

/* Whether org id exists, as c sees it. */
static bool S_org_exists(gt_store_conn *c, const char *id)
{
	gt_stmt *st = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_stmt_open(c, GT_Q_ORG_GET, &st, &err), 0, "%s", err.msg);
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	int rc = gt_stmt_step(st, &err);
	cr_assert_geq(rc, 0, "org_get: %s", err.msg);
	if (rc == 1)
		cr_assert_str_eq(gt_stmt_text(st, 0, NULL), id);
	gt_stmt_close(st);
	return rc == 1;
}

/* Number of organisations c sees (through GT_Q_ORG_LIST, in pages of 7). */
static int S_org_count(gt_store_conn *c)
{
	char after[64] = "";
	int n = 0;
	for (;;) {
		gt_stmt *st = NULL;
		gt_error err = {0};
		cr_assert_eq(gt_stmt_open(c, GT_Q_ORG_LIST, &st, &err), 0, "%s", err.msg);
		gt_stmt_bind_text(st, 1, after, (size_t)-1);
		gt_stmt_bind_i64(st, 2, 7);
		int page = 0, rc;
		while ((rc = gt_stmt_step(st, &err)) == 1) {
			const char *id = gt_stmt_text(st, 0, NULL);
			cr_assert_gt(strcmp(id, after), 0, "org_list out of order: %s after %s", id,
				     after);
			snprintf(after, sizeof(after), "%s", id);
			page++;
		}
		cr_assert_eq(rc, 0, "org_list: %s", err.msg);
		gt_stmt_close(st);
		n += page;
		if (page < 7)
			return n;
	}
}

/* Run SQL directly on the file (to prepare states the store API cannot). */
static void S_raw(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, msg ? msg : "");
	sqlite3_close(db);
}

static int S_raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
		     sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	int v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void S_dump(gt_store *s, bool with_private, gt_buf *out)
{
	gt_error err = {0};
	gt_buf_reset(out);
	cr_assert_eq(gt_store_dump(s, with_private, out, &err), 0, "dump: %s", err.msg);
	cr_assert_not_null(out->data);
}

TestSuite(store, .init = S_setup, .fini = S_teardown, .timeout = 120);

/* ---- schema ------------------------------------------------------------- */

Test(store, migrates_a_new_file_and_reopens)
{
	gt_store *s = S_open();
	int v = gt_store_schema_version(s);
	cr_assert_geq(v, 1);
	gt_store_conn *w = gt_store_writer(s);
	cr_assert_not_null(w);
	cr_assert_eq(S_applied(w), 0);
	S_begin(w);
	S_org_put(w, "acme", "Acme", 3);
	cr_assert_eq(gt_store_set_applied(w, 4, NULL), 0);
	S_commit(w);
	gt_store_free(s);

	/* The file holds the version, WAL mode and exactly the documented tables. */
	cr_assert_eq(S_raw_int(S_path, "PRAGMA user_version"), v);
	sqlite3 *db = NULL;
	cr_assert_eq(sqlite3_open(S_path, &db), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	cr_assert_eq(sqlite3_prepare_v2(db,
					"SELECT group_concat(name, ' ') FROM (SELECT name FROM "
					"sqlite_master WHERE type = 'table' ORDER BY name)",
					-1, &st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(st, 0),
			 "attestations entries give_campaigns give_categories give_days "
			 "give_disbursements give_documents give_donations give_donors give_works "
			 "green_actions green_checks green_collects green_days green_plantings "
			 "green_pools green_rules green_sites green_species green_sums green_trees "
			 "green_unlocks green_users "
			 "meta orgs private_contacts private_give_reports private_green_users "
			 "private_tokens private_vol_disputes private_vol_volunteers "
			 "private_webhooks trace_batches trace_contents trace_custody "
			 "trace_event_epcs trace_events trace_notices trace_packs trace_products "
			 "trace_recalls vol_opportunities vol_sessions vol_signups vol_slots");
	sqlite3_finalize(st);
	cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* Reopening migrates nothing and keeps the data. */
	s = S_open();
	cr_assert_eq(gt_store_schema_version(s), v);
	w = gt_store_writer(s);
	cr_assert_eq(S_applied(w), 4);
	cr_assert(S_org_exists(w, "acme"));
	cr_assert_not(S_org_exists(w, "acme2"));
	gt_store_free(s);
}

Test(store, refuses_a_newer_schema)
{
	gt_store *s = S_open();
	int v = gt_store_schema_version(s);
	gt_store_free(s);
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
	S_raw(S_path, sql);

	gt_store_options o = {.path = S_path};
	gt_error err = {0};
	s = NULL;
	cr_assert_eq(gt_store_open(&o, &s, &err), GT_ECORRUPT, "%s", err.msg);
	cr_assert_null(s);
	cr_assert(strstr(err.msg, "newer"), "%s", err.msg);
	cr_assert(strstr(err.msg, S_path), "%s", err.msg);
	o.read_only = true;
	err = (gt_error){0};
	cr_assert_eq(gt_store_open(&o, &s, &err), GT_ECORRUPT, "%s", err.msg);
	cr_assert(strstr(err.msg, "newer"), "%s", err.msg);
	/* Nothing was changed by the refusals. */
	cr_assert_eq(S_raw_int(S_path, "PRAGMA user_version"), v + 1);
}

Test(store, read_only_open)
{
	gt_store *s = S_open();
	gt_store_conn *w = gt_store_writer(s);
	S_begin(w);
	S_org_put(w, "acme", "Acme", 1);
	gt_store_set_applied(w, 2, NULL);
	S_commit(w);
	gt_store_free(s);

	gt_store_options o = {.path = S_path, .read_only = true, .readers = 2};
	gt_error err = {0};
	cr_assert_eq(gt_store_open(&o, &s, &err), 0, "%s", err.msg);
	cr_assert_null(gt_store_writer(s));
	cr_assert_geq(gt_store_schema_version(s), 1);
	gt_store_conn *r = S_reader(s);
	cr_assert_eq(S_applied(r), 2);
	cr_assert(S_org_exists(r, "acme"));
	/* A reader cannot write. */
	int64_t n = gt_store_exec(r, GT_Q_ORG_PUT, &err, "tttnnit", "b", "B", "ngo", (int64_t)3,
				  "2026-01-01T00:00:00.000Z");
	cr_assert_lt(n, 0);
	cr_assert(strstr(err.msg, "org_put"), "%s", err.msg);
	gt_store_reader_done(r);
	/* Writer-only operations are refused on a reader. */
	r = S_reader(s);
	cr_assert_eq(gt_store_begin(r, &err), GT_EINVAL);
	cr_assert_eq(gt_store_set_applied(r, 9, &err), GT_EINVAL);
	gt_store_reader_done(r);
	gt_buf out = GT_BUF_INIT;
	S_dump(s, true, &out);
	cr_assert(strstr((char *)out.data, "[\"acme\",\"Acme\","), "%s", out.data);
	gt_buf_done(&out);
	gt_store_free(s);
}

Test(store, read_only_needs_a_current_store)
{
	gt_store_options o = {.path = S_path, .read_only = true};
	gt_error err = {0};
	gt_store *s = NULL;
	/* Missing. */
	cr_assert_eq(gt_store_open(&o, &s, &err), GT_ENOTFOUND, "%s", err.msg);
	cr_assert(strstr(err.msg, S_path), "%s", err.msg);
	cr_assert_not(tu_exists(S_dir, "store.db"), "a read-only open created the file");
	/* An SQLite file without the schema (version 0): not migrated read-only. */
	S_raw(S_path, "CREATE TABLE x (a)");
	err = (gt_error){0};
	cr_assert_eq(gt_store_open(&o, &s, &err), GT_ECORRUPT, "%s", err.msg);
	cr_assert(strstr(err.msg, "older"), "%s", err.msg);
	cr_assert_eq(S_raw_int(S_path, "SELECT count(*) FROM sqlite_master"), 1);
	/* Nor taken over by a writer: it is someone else's database. */
	o.read_only = false;
	cr_assert_eq(gt_store_open(&o, &s, &err), GT_ECORRUPT, "%s", err.msg);
	cr_assert(strstr(err.msg, "not a goodtrace store"), "%s", err.msg);
	cr_assert_eq(S_raw_int(S_path, "SELECT count(*) FROM sqlite_master"), 1);
	cr_assert_eq(S_raw_int(S_path, "PRAGMA user_version"), 0);
	o.read_only = true;
	/* Not a database. */
	char junkdata[4096];
	memset(junkdata, 'x', sizeof(junkdata));
	tu_write(S_dir, "junk.db", junkdata, sizeof(junkdata));
	char *junk = tu_join(S_dir, "junk.db");
	o.path = junk;
	cr_assert_eq(gt_store_open(&o, &s, &err), GT_ECORRUPT, "%s", err.msg);
	o.read_only = false;
	cr_assert_eq(gt_store_open(&o, &s, &err), GT_ECORRUPT, "%s", err.msg);
	cr_assert(strstr(err.msg, junk), "%s", err.msg);
	free(junk);
}

Test(store, unwritable_path_errors)
{
	/* A regular file where a directory should be: fails for root too. */
	tu_write(S_dir, "file", "x", 1);
	char *bad = tu_join(S_dir, "file/store.db");
	gt_store_options o = {.path = bad};
	gt_error err = {0};
	gt_store *s = NULL;
	int rc = gt_store_open(&o, &s, &err);
	cr_assert_eq(rc, GT_EIO, "%d %s", rc, err.msg);
	cr_assert_null(s);
	cr_assert(strstr(err.msg, "cannot open store"), "%s", err.msg);
	cr_assert(strstr(err.msg, bad), "%s", err.msg);
	cr_assert(strstr(err.msg, strerror(ENOTDIR)), "%s", err.msg);
	free(bad);
	/* A missing directory. */
	bad = tu_join(S_dir, "nodir/store.db");
	o.path = bad;
	rc = gt_store_open(&o, &s, &err);
	cr_assert_eq(rc, GT_ENOTFOUND, "%d %s", rc, err.msg);
	cr_assert(strstr(err.msg, bad), "%s", err.msg);
	cr_assert(strstr(err.msg, strerror(ENOENT)), "%s", err.msg);
	free(bad);
	/* No path. */
	o.path = "";
	cr_assert_eq(gt_store_open(&o, &s, &err), GT_EINVAL);
	cr_assert_str_eq(err.msg, "no store path given");
	/* Rebuild next to an impossible path. */
	bad = tu_join(S_dir, "file/store.db");
	o.path = bad;
	cr_assert_eq(gt_store_open_fresh(&o, &s, &err), GT_EIO, "%s", err.msg);
	cr_assert(strstr(err.msg, "store.db.rebuild"), "%s", err.msg);
	free(bad);
}

/* ---- transactions ------------------------------------------------------- */

Test(store, applied_count_commits_and_rolls_back)
{
	gt_store *s = S_open();
	gt_store_conn *w = gt_store_writer(s);
	gt_error err = {0};
	cr_assert_eq(gt_store_set_applied(w, 5, &err), GT_EINVAL, "outside a transaction");
	cr_assert(strstr(err.msg, "transaction"), "%s", err.msg);

	S_begin(w);
	cr_assert_eq(gt_store_set_applied(w, 5, &err), 0, "%s", err.msg);
	cr_assert_eq(S_applied(w), 5);
	gt_store_conn *r = S_reader(s);
	cr_assert_eq(S_applied(r), 0, "a reader saw an uncommitted applied count");
	gt_store_reader_done(r);
	S_commit(w);
	r = S_reader(s);
	cr_assert_eq(S_applied(r), 5);
	gt_store_reader_done(r);

	S_begin(w);
	cr_assert_eq(gt_store_begin(w, &err), GT_EINVAL, "nested begin");
	gt_store_set_applied(w, 9, NULL);
	S_org_put(w, "gone", "Gone", 8);
	cr_assert_eq(S_applied(w), 9);
	gt_store_rollback(w);
	cr_assert_eq(S_applied(w), 5);
	cr_assert_not(S_org_exists(w, "gone"));
	gt_store_rollback(w); /* none open: a no-op */
	cr_assert_eq(gt_store_commit(w, &err), GT_EINVAL);

	/* Large values round-trip; past INT64_MAX is refused. */
	S_begin(w);
	cr_assert_eq(gt_store_set_applied(w, (uint64_t)INT64_MAX, &err), 0, "%s", err.msg);
	cr_assert_eq(S_applied(w), (uint64_t)INT64_MAX);
	cr_assert_eq(gt_store_set_applied(w, (uint64_t)INT64_MAX + 1, &err), GT_ERANGE);
	gt_store_rollback(w);
	gt_store_free(s);
	/* Committed values survive a reopen. */
	s = S_open();
	cr_assert_eq(S_applied(gt_store_writer(s)), 5);
	gt_store_free(s);
}

Test(store, savepoints)
{
	gt_store *s = S_open();
	gt_store_conn *w = gt_store_writer(s);
	gt_error err = {0};
	cr_assert_eq(gt_store_savepoint(w, &err), GT_EINVAL, "savepoint outside a transaction");
	S_begin(w);
	cr_assert_eq(gt_store_release(w, &err), GT_EINVAL, "release with none open");
	cr_assert_eq(gt_store_rollback_to(w, &err), GT_EINVAL, "rollback_to with none open");
	S_org_put(w, "a", "A", 1);
	/* Rolled back: only the inner writes go. */
	cr_assert_eq(gt_store_savepoint(w, &err), 0, "%s", err.msg);
	S_org_put(w, "b", "B", 2);
	gt_store_set_applied(w, 7, NULL);
	cr_assert_eq(gt_store_rollback_to(w, &err), 0, "%s", err.msg);
	cr_assert_not(S_org_exists(w, "b"));
	cr_assert(S_org_exists(w, "a"));
	cr_assert_eq(S_applied(w), 0);
	/* Released: kept. */
	cr_assert_eq(gt_store_savepoint(w, &err), 0, "%s", err.msg);
	S_org_put(w, "c", "C", 3);
	cr_assert_eq(gt_store_release(w, &err), 0, "%s", err.msg);
	/* Nested: rolling back the outer undoes a released inner one too. */
	cr_assert_eq(gt_store_savepoint(w, &err), 0, "%s", err.msg);
	S_org_put(w, "d", "D", 4);
	cr_assert_eq(gt_store_savepoint(w, &err), 0, "%s", err.msg);
	S_org_put(w, "e", "E", 5);
	cr_assert_eq(gt_store_rollback_to(w, &err), 0, "%s", err.msg);
	cr_assert_not(S_org_exists(w, "e"));
	cr_assert(S_org_exists(w, "d"));
	cr_assert_eq(gt_store_savepoint(w, &err), 0, "%s", err.msg);
	S_org_put(w, "f", "F", 6);
	cr_assert_eq(gt_store_release(w, &err), 0, "%s", err.msg);
	cr_assert_eq(gt_store_rollback_to(w, &err), 0, "%s", err.msg);
	cr_assert_not(S_org_exists(w, "d"));
	cr_assert_not(S_org_exists(w, "f"));
	/* A savepoint left open is committed with the transaction. */
	cr_assert_eq(gt_store_savepoint(w, &err), 0, "%s", err.msg);
	S_org_put(w, "g", "G", 7);
	S_commit(w);
	cr_assert_eq(gt_store_release(w, &err), GT_EINVAL, "a savepoint outlived its commit");
	gt_store_conn *r = S_reader(s);
	cr_assert(S_org_exists(r, "a"));
	cr_assert(S_org_exists(r, "c"));
	cr_assert(S_org_exists(r, "g"));
	cr_assert_eq(S_org_count(r), 3);
	gt_store_reader_done(r);
	gt_store_free(s);
}

Test(store, duplicates_are_eexist)
{
	gt_store *s = S_open();
	gt_store_conn *w = gt_store_writer(s);
	gt_error err = {0};
	S_begin(w);
	S_org_put(w, "acme", "Acme", 1);
	int64_t n = gt_store_exec(w, GT_Q_ORG_PUT, &err, "tttnnit", "acme", "Other", "ngo",
				  (int64_t)2, "2026-01-01T00:00:00.000Z");
	cr_assert_eq(n, GT_EEXIST, "%lld %s", (long long)n, err.msg);
	cr_assert(strstr(err.msg, "org_put"), "%s", err.msg);
	cr_assert(strstr(err.msg, "orgs.id"), "%s", err.msg);

	EXEC(w, GT_Q_ENTRY_PUT, "ittt", (int64_t)1, "a", "b", "c");
	cr_assert_eq(gt_store_exec(w, GT_Q_ENTRY_PUT, &err, "ittt", (int64_t)1, "x", "y", "z"),
		     GT_EEXIST, "%s", err.msg);
	EXEC(w, GT_Q_ATTEST_PUT, "itttnt", (int64_t)5, "acme", "ab", "report", "t");
	cr_assert_eq(gt_store_exec(w, GT_Q_ATTEST_PUT, &err, "itttnt", (int64_t)5, "acme", "cd",
				   "report", "t"),
		     GT_EEXIST, "%s", err.msg);
	EXEC(w, GT_Q_TOKEN_PUT, "ttttnt", "t1", "h1", "acme", "charity", "t");
	cr_assert_eq(gt_store_exec(w, GT_Q_TOKEN_PUT, &err, "ttttnt", "t1", "h2", "acme", "charity",
				   "t"),
		     GT_EEXIST, "%s", err.msg);
	/* The failed statements left the transaction usable and unchanged. */
	S_commit(w);
	gt_store_conn *r = S_reader(s);
	gt_stmt *st;
	cr_assert_eq(gt_stmt_open(r, GT_Q_ORG_GET, &st, &err), 0);
	gt_stmt_bind_text(st, 1, "acme", 4);
	cr_assert_eq(gt_stmt_step(st, &err), 1);
	cr_assert_str_eq(gt_stmt_text(st, 1, NULL), "Acme");
	gt_stmt_close(st);
	gt_store_reader_done(r);

	/* A missing required value is GT_EINVAL, not GT_EEXIST. */
	S_begin(w);
	cr_assert_eq(gt_store_exec(w, GT_Q_ORG_PUT, &err, "tntnnit", "x", "ngo", (int64_t)2,
				   "2026-01-01T00:00:00.000Z"),
		     GT_EINVAL, "%s", err.msg);
	cr_assert(strstr(err.msg, "NOT NULL"), "%s", err.msg);
	gt_store_rollback(w);
	gt_store_free(s);
}

Test(store, statement_misuse)
{
	gt_store *s = S_open();
	gt_store_conn *w = gt_store_writer(s);
	gt_error err = {0};
	gt_stmt *st = NULL, *st2 = NULL;
	cr_assert_eq(gt_stmt_open(w, GT_Q__COUNT, &st, &err), GT_EINVAL);
	cr_assert_eq(gt_stmt_open(w, (gt_query)-1, &st, &err), GT_EINVAL);
	cr_assert_null(st);
	/* One instance per query and connection. */
	cr_assert_eq(gt_stmt_open(w, GT_Q_ORG_GET, &st, &err), 0);
	cr_assert_eq(gt_stmt_open(w, GT_Q_ORG_GET, &st2, &err), GT_EINVAL);
	cr_assert(strstr(err.msg, "org_get"), "%s", err.msg);
	/* A bad bind is reported by the step, with the position. */
	cr_assert_eq(gt_stmt_bind_i64(st, 9, 1), GT_ERANGE);
	cr_assert_eq(gt_stmt_step(st, &err), GT_ERANGE);
	cr_assert(strstr(err.msg, "parameter 9"), "%s", err.msg);
	gt_stmt_close(st);
	gt_stmt_close(NULL);
	/* Reopened after close: fresh bindings, no stale error. */
	cr_assert_eq(gt_stmt_open(w, GT_Q_ORG_GET, &st, &err), 0);
	cr_assert_eq(gt_stmt_step(st, &err), 0, "%s", err.msg);
	gt_stmt_close(st);
	/* gt_store_exec checks its parameters. */
	cr_assert_eq(gt_store_exec(w, GT_Q_ENTRY_PUT, &err, "it", (int64_t)1, "x"), GT_EINVAL);
	cr_assert(strstr(err.msg, "takes 4 parameters, 2 given"), "%s", err.msg);
	cr_assert_eq(gt_store_exec(w, GT_Q_ENTRY_PUT, &err, "ittq", (int64_t)1, "x", "y"),
		     GT_EINVAL);
	cr_assert(strstr(err.msg, "unknown parameter type 'q'"), "%s", err.msg);
	gt_store_free(s);
}

Test(store, busy_database_is_ebusy, .timeout = 60)
{
	gt_store *s = S_open();
	/* Another connection (as another process would) holds the write lock. */
	sqlite3 *db = NULL;
	cr_assert_eq(sqlite3_open(S_path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	gt_error err = {0};
	cr_assert_eq(gt_store_begin(gt_store_writer(s), &err), GT_EBUSY, "%s", err.msg);
	cr_assert(strstr(err.msg, "locked"), "%s", err.msg);
	/* Readers are not blocked by a writer. */
	gt_store_conn *r = S_reader(s);
	cr_assert_eq(S_applied(r), 0);
	gt_store_reader_done(r);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	S_begin(gt_store_writer(s));
	S_commit(gt_store_writer(s));
	gt_store_free(s);
}

/* ---- durability of the private area ------------------------------------
 * A VFS over the default one that counts syncs of WAL files. */

typedef struct {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct */
	bool wal;
} S_cfile;

static sqlite3_vfs *S_real_vfs;
static atomic_int S_wal_syncs;

#define S_REAL(f) (((S_cfile *)(f))->real)

static int S_c_close(sqlite3_file *f)
{
	int rc = S_REAL(f)->pMethods->xClose(S_REAL(f));
	return rc;
}
static int S_c_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return S_REAL(f)->pMethods->xRead(S_REAL(f), p, n, off);
}
static int S_c_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	return S_REAL(f)->pMethods->xWrite(S_REAL(f), p, n, off);
}
static int S_c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return S_REAL(f)->pMethods->xTruncate(S_REAL(f), size);
}
static int S_c_sync(sqlite3_file *f, int flags)
{
	if (((S_cfile *)f)->wal)
		atomic_fetch_add(&S_wal_syncs, 1);
	return S_REAL(f)->pMethods->xSync(S_REAL(f), flags);
}
static int S_c_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return S_REAL(f)->pMethods->xFileSize(S_REAL(f), size);
}
static int S_c_lock(sqlite3_file *f, int l)
{
	return S_REAL(f)->pMethods->xLock(S_REAL(f), l);
}
static int S_c_unlock(sqlite3_file *f, int l)
{
	return S_REAL(f)->pMethods->xUnlock(S_REAL(f), l);
}
static int S_c_reserved(sqlite3_file *f, int *out)
{
	return S_REAL(f)->pMethods->xCheckReservedLock(S_REAL(f), out);
}
static int S_c_fcntl(sqlite3_file *f, int op, void *arg)
{
	return S_REAL(f)->pMethods->xFileControl(S_REAL(f), op, arg);
}
static int S_c_sector(sqlite3_file *f)
{
	return S_REAL(f)->pMethods->xSectorSize(S_REAL(f));
}
static int S_c_devchar(sqlite3_file *f)
{
	return S_REAL(f)->pMethods->xDeviceCharacteristics(S_REAL(f));
}
static int S_c_shm_map(sqlite3_file *f, int i, int size, int extend, void volatile **p)
{
	return S_REAL(f)->pMethods->xShmMap(S_REAL(f), i, size, extend, p);
}
static int S_c_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return S_REAL(f)->pMethods->xShmLock(S_REAL(f), off, n, flags);
}
static void S_c_shm_barrier(sqlite3_file *f)
{
	S_REAL(f)->pMethods->xShmBarrier(S_REAL(f));
}
static int S_c_shm_unmap(sqlite3_file *f, int del)
{
	return S_REAL(f)->pMethods->xShmUnmap(S_REAL(f), del);
}
static int S_c_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return S_REAL(f)->pMethods->xFetch(S_REAL(f), off, n, p);
}
static int S_c_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return S_REAL(f)->pMethods->xUnfetch(S_REAL(f), off, p);
}

static const sqlite3_io_methods S_c_methods = {
	3,	     S_c_close,	  S_c_read,	S_c_write,	 S_c_truncate,	S_c_sync,
	S_c_size,    S_c_lock,	  S_c_unlock,	S_c_reserved,	 S_c_fcntl,	S_c_sector,
	S_c_devchar, S_c_shm_map, S_c_shm_lock, S_c_shm_barrier, S_c_shm_unmap, S_c_fetch,
	S_c_unfetch,
};

static int S_c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)vfs;
	S_cfile *c = (S_cfile *)f;
	c->real = (sqlite3_file *)(c + 1);
	c->wal = (flags & SQLITE_OPEN_WAL) != 0;
	int rc = S_real_vfs->xOpen(S_real_vfs, name, c->real, flags, out);
	c->base.pMethods = rc == SQLITE_OK && c->real->pMethods ? &S_c_methods : NULL;
	return rc;
}

Test(store, a_commit_that_wrote_the_private_area_syncs_the_wal)
{
	static sqlite3_vfs vfs;
	S_real_vfs = sqlite3_vfs_find(NULL);
	cr_assert_not_null(S_real_vfs);
	vfs = *S_real_vfs;
	vfs.zName = "gt-count-syncs";
	vfs.szOsFile = (int)sizeof(S_cfile) + S_real_vfs->szOsFile;
	vfs.xOpen = S_c_open;
	cr_assert_eq(sqlite3_vfs_register(&vfs, 1), SQLITE_OK);

	gt_store *s = S_open();
	gt_store_conn *w = gt_store_writer(s);
	const char *at = "2026-01-01T00:00:00.000Z";
	int before = atomic_load(&S_wal_syncs);
	for (int64_t i = 0; i < 5; i++) { /* projection only: no sync (NORMAL) */
		S_begin(w);
		EXEC(w, GT_Q_ENTRY_PUT, "ittt", i, "auth.org", at, "system");
		gt_store_set_applied(w, (uint64_t)i + 1, NULL);
		S_commit(w);
	}
	cr_assert_eq(atomic_load(&S_wal_syncs), before, "a projection commit synced the WAL");
	S_begin(w);
	EXEC(w, GT_Q_TOKEN_PUT, "ttttnt", "t1", "h", "acme", "ngo", at);
	S_commit(w);
	cr_assert_eq(atomic_load(&S_wal_syncs), before + 1, "a private write was not synced");
	/* Rolled back private writes need no sync; the next projection commit none either. */
	S_begin(w);
	EXEC(w, GT_Q_PRIV_CONTACT_PUT, "tttti", "ref:a", "A", "a@example.org", "1", (int64_t)1);
	gt_store_rollback(w);
	S_begin(w);
	EXEC(w, GT_Q_ENTRY_PUT, "ittt", (int64_t)9, "auth.org", at, "system");
	S_commit(w);
	cr_assert_eq(atomic_load(&S_wal_syncs), before + 1);
	/* Inside a savepoint, and mixed with projection writes. */
	S_begin(w);
	EXEC(w, GT_Q_ENTRY_PUT, "ittt", (int64_t)10, "auth.org", at, "system");
	cr_assert_eq(gt_store_savepoint(w, NULL), 0);
	EXEC(w, GT_Q_PRIV_CONTACT_PUT, "tttti", "ref:b", "B", "b@example.org", "2", (int64_t)2);
	cr_assert_eq(gt_store_release(w, NULL), 0);
	S_commit(w);
	cr_assert_eq(atomic_load(&S_wal_syncs), before + 2);
	gt_store_free(s);
	sqlite3_vfs_unregister(&vfs);
}

/* ---- readers ------------------------------------------------------------ */

Test(store, readers_see_committed_snapshots)
{
	gt_store *s = S_open_at(S_path, 4);
	gt_store_conn *w = gt_store_writer(s);
	S_begin(w);
	S_org_put(w, "a", "A", 1);
	S_commit(w);

	gt_store_conn *r1 = S_reader(s);
	cr_assert(S_org_exists(r1, "a"));
	S_begin(w);
	S_org_put(w, "b", "B", 2);
	cr_assert(S_org_exists(w, "b"), "the writer sees its own transaction");
	cr_assert_not(S_org_exists(r1, "b"), "a reader saw an uncommitted write");
	gt_store_conn *r2 = S_reader(s); /* borrowed during the transaction */
	cr_assert_not(S_org_exists(r2, "b"), "a reader saw an uncommitted write");
	gt_store_conn *r4 = S_reader(s); /* borrowed, first read after the commit */
	S_commit(w);
	cr_assert_not(S_org_exists(r4, "b"), "a borrow's snapshot began at its first read");
	gt_store_reader_done(r4);
	/* Each borrow keeps its snapshot, even if it had not read since. */
	cr_assert_not(S_org_exists(r1, "b"), "a borrowed reader's snapshot moved");
	cr_assert_not(S_org_exists(r2, "b"), "a borrowed reader's snapshot moved");
	gt_store_conn *r3 = S_reader(s);
	cr_assert(S_org_exists(r3, "b"));
	gt_store_reader_done(r1);
	gt_store_reader_done(r2);
	gt_store_reader_done(r3);
	/* Returned and borrowed again: the new state. */
	r1 = S_reader(s);
	cr_assert(S_org_exists(r1, "b"));
	cr_assert_eq(S_org_count(r1), 2);
	/* A statement left open is closed by the return. */
	gt_stmt *st;
	cr_assert_eq(gt_stmt_open(r1, GT_Q_ORG_LIST, &st, NULL), 0);
	gt_store_reader_done(r1);
	r1 = S_reader(s);
	cr_assert_eq(S_org_count(r1), 2);
	gt_store_reader_done(r1);
	/* A returned reader keeps its snapshot only while it is current: a
	 * commit after the return is seen by the next borrow. */
	for (int i = 0; i < 3; i++) {
		r1 = S_reader(s);
		cr_assert_eq(S_org_count(r1), 2 + i);
		gt_store_reader_done(r1);
		char id[8];
		snprintf(id, sizeof(id), "c%d", i);
		S_begin(w);
		S_org_put(w, id, "C", 3 + i);
		S_commit(w);
	}
	r1 = S_reader(s);
	cr_assert_eq(S_org_count(r1), 5);
	cr_assert(S_org_exists(r1, "c2"));
	gt_store_reader_done(r1);
	/* So is a write outside a transaction. */
	r1 = S_reader(s);
	cr_assert_not(S_org_exists(r1, "d"));
	gt_store_reader_done(r1);
	S_org_put(w, "d", "D", 9);
	r1 = S_reader(s);
	cr_assert(S_org_exists(r1, "d"));
	gt_store_reader_done(r1);
	gt_store_reader_done(NULL);
	gt_store_free(s);
}

/* Another writer of the same file (as the command line writes tokens while
 * the server runs): what it commits is seen by the next borrow, though the
 * server's own writer committed nothing. */
Test(store, readers_see_commits_of_another_writer)
{
	gt_store *s = S_open_at(S_path, 2);
	gt_store_conn *w = gt_store_writer(s);
	S_begin(w);
	S_org_put(w, "a", "A", 1);
	S_commit(w);
	gt_store *other = S_open_at(S_path, 1);
	gt_store_conn *ow = gt_store_writer(other);
	for (int i = 0; i < 5; i++) {
		gt_store_conn *r = S_reader(s);
		cr_assert_eq(S_org_count(r), 1 + i);
		gt_store_reader_done(r); /* its snapshot is kept: still current */
		char id[8];
		snprintf(id, sizeof(id), "x%d", i);
		if (i % 2) {
			S_begin(ow);
			S_org_put(ow, id, "X", 10 + i);
			S_commit(ow);
		} else {
			S_org_put(ow, id, "X", 10 + i); /* outside a transaction */
		}
		r = S_reader(s);
		cr_assert(S_org_exists(r, id), "round %d: a commit of the other writer unseen", i);
		gt_store_reader_done(r);
	}
	gt_store_free(other);
	gt_store_free(s);
}

#define S_THREADS 12
#define S_ROUNDS 40
#define S_POOL 3

typedef struct {
	gt_store *s;
	atomic_int borrowed, max_borrowed, failures, reads;
	char failure[700];
	pthread_mutex_t mu;
} S_pool_test;

static void S_pool_fail(S_pool_test *t, const char *msg)
{
	pthread_mutex_lock(&t->mu);
	if (!t->failure[0])
		snprintf(t->failure, sizeof(t->failure), "%s", msg);
	pthread_mutex_unlock(&t->mu);
	atomic_fetch_add(&t->failures, 1);
}

static void *S_pool_reader(void *arg)
{
	S_pool_test *t = arg;
	char msg[600];
	for (int i = 0; i < S_ROUNDS; i++) {
		gt_store_conn *r = NULL;
		gt_error err = {0};
		if (gt_store_reader(t->s, &r, &err) < 0) {
			snprintf(msg, sizeof(msg), "reader: %s", err.msg);
			S_pool_fail(t, msg);
			return NULL;
		}
		int now = atomic_fetch_add(&t->borrowed, 1) + 1;
		int max = atomic_load(&t->max_borrowed);
		while (now > max && !atomic_compare_exchange_weak(&t->max_borrowed, &max, now))
			;
		/* The writer adds one org and sets applied to their number in each
		 * transaction: a snapshot must agree with itself. */
		uint64_t applied = 0;
		int64_t count = 0;
		gt_stmt *st = NULL;
		int rc = gt_store_applied(r, &applied, &err);
		if (rc == 0)
			rc = gt_stmt_open(r, GT_Q_ORG_LIST, &st, &err);
		if (rc == 0) {
			gt_stmt_bind_text(st, 1, "", 0);
			gt_stmt_bind_i64(st, 2, 1000000);
			while ((rc = gt_stmt_step(st, &err)) == 1)
				count++;
			gt_stmt_close(st);
		}
		uint64_t again = 0;
		if (rc == 0)
			rc = gt_store_applied(r, &again, &err);
		if (rc < 0) {
			snprintf(msg, sizeof(msg), "read: %s", err.msg);
			S_pool_fail(t, msg);
		} else if ((uint64_t)count != applied || again != applied) {
			snprintf(msg, sizeof(msg),
				 "inconsistent snapshot: %lld orgs, applied %llu then %llu",
				 (long long)count, U(applied), U(again));
			S_pool_fail(t, msg);
		}
		atomic_fetch_add(&t->reads, 1);
		if (i % 3 == 0)
			usleep(500);
		atomic_fetch_sub(&t->borrowed, 1);
		gt_store_reader_done(r);
	}
	return NULL;
}

Test(store, reader_pool_with_more_threads_than_readers, .timeout = 60)
{
	S_pool_test t = {.s = S_open_at(S_path, S_POOL)};
	pthread_mutex_init(&t.mu, NULL);
	pthread_t th[S_THREADS];
	for (int i = 0; i < S_THREADS; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, S_pool_reader, &t), 0);
	/* Meanwhile the writer commits, never blocked by the readers. */
	gt_store_conn *w = gt_store_writer(t.s);
	for (int i = 1; i <= 60; i++) {
		char id[16];
		snprintf(id, sizeof(id), "org%03d", i);
		S_begin(w);
		S_org_put(w, id, id, i);
		cr_assert_eq(gt_store_set_applied(w, (uint64_t)i, NULL), 0);
		S_commit(w);
	}
	for (int i = 0; i < S_THREADS; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(atomic_load(&t.failures), 0, "%d failures, first: %s",
		     atomic_load(&t.failures), t.failure);
	cr_assert_eq(atomic_load(&t.reads), S_THREADS * S_ROUNDS);
	cr_assert_leq(atomic_load(&t.max_borrowed), S_POOL, "more readers out than the pool has");
	cr_assert_eq(atomic_load(&t.max_borrowed), S_POOL, "the pool was never fully used");
	pthread_mutex_destroy(&t.mu);
	gt_store_free(t.s);
}

/* ---- every query -------------------------------------------------------- */

Test(store, every_query_prepares_on_writer_and_reader)
{
	gt_store *s = S_open();
	gt_store_conn *w = gt_store_writer(s);
	gt_store_conn *r = S_reader(s);
	for (int q = 0; q < GT_Q__COUNT; q++) {
		gt_stmt *st = NULL;
		gt_error err = {0};
		cr_assert_eq(gt_stmt_open(w, (gt_query)q, &st, &err), 0,
			     "query %d on the writer: %s", q, err.msg);
		gt_stmt_close(st);
		st = NULL;
		cr_assert_eq(gt_stmt_open(r, (gt_query)q, &st, &err), 0, "query %d on a reader: %s",
			     q, err.msg);
		gt_stmt_close(st);
	}
	gt_store_reader_done(r);
	gt_store_free(s);
}

/* Step st once, requiring a row. */
static void S_row(gt_stmt *st)
{
	gt_error err = {0};
	int rc = gt_stmt_step(st, &err);
	cr_assert_eq(rc, 1, "expected a row: %d %s", rc, err.msg);
}

static void S_done(gt_stmt *st)
{
	gt_error err = {0};
	int rc = gt_stmt_step(st, &err);
	cr_assert_eq(rc, 0, "expected no more rows: %d %s", rc, err.msg);
}

static void S_col_text(gt_stmt *st, int col, const char *want)
{
	if (!want) {
		cr_assert(gt_stmt_is_null(st, col), "column %d: not NULL but \"%s\"", col,
			  gt_stmt_text(st, col, NULL));
		size_t len = 99;
		cr_assert_str_eq(gt_stmt_text(st, col, &len), "");
		cr_assert_eq(len, 0);
		return;
	}
	size_t len = 0;
	cr_assert_not(gt_stmt_is_null(st, col), "column %d is NULL", col);
	cr_assert_str_eq(gt_stmt_text(st, col, &len), want, "column %d", col);
	cr_assert_eq(len, strlen(want));
}

static void S_col_int(gt_stmt *st, int col, int64_t want)
{
	cr_assert_not(gt_stmt_is_null(st, col), "column %d is NULL", col);
	cr_assert_eq(gt_stmt_i64(st, col), want, "column %d: %lld", col,
		     (long long)gt_stmt_i64(st, col));
}

static gt_stmt *S_q(gt_store_conn *c, gt_query q)
{
	gt_stmt *st = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_stmt_open(c, q, &st, &err), 0, "%s", err.msg);
	return st;
}

Test(store, every_query_round_trips)
{
	gt_store *s = S_open();
	gt_store_conn *w = gt_store_writer(s);
	const char *at = "2026-11-22T10:00:00.123Z";
	S_begin(w);
	/* entries */
	for (int64_t i = 0; i < 5; i++)
		cr_assert_eq(EXEC(w, GT_Q_ENTRY_PUT, "ittt", i, "auth.org", at, "org:op"), 1);
	/* orgs, with text that needs care: quotes, UTF-8, an embedded NUL via bind_text */
	cr_assert_eq(EXEC(w, GT_Q_ORG_PUT, "ttttnit", "acme", "Acme \"Ltd\" 公司", "charity,ngo",
			  "https://acme.example", (int64_t)1, at),
		     1);
	cr_assert_eq(EXEC(w, GT_Q_ORG_PUT, "tttntit", "beta", "Beta", "clinic", "ref:beta",
			  (int64_t)2, at),
		     1);
	cr_assert_eq(EXEC(w, GT_Q_ORG_UPDATE, "ttnnit", "beta", "Beta Clinic", (int64_t)3,
			  "2026-11-23T00:00:00.000Z"),
		     1);
	cr_assert_eq(EXEC(w, GT_Q_ORG_UPDATE, "ttnnit", "nobody", "X", (int64_t)3, at), 0);
	cr_assert_eq(EXEC(w, GT_Q_ORG_SET_ROLES, "ttit", "acme", "admin,charity", (int64_t)4,
			  "2026-11-24T00:00:00.000Z"),
		     1);
	/* attestations */
	cr_assert_eq(EXEC(w, GT_Q_ATTEST_PUT, "itttnt", (int64_t)10, "acme", "aa", "report", at),
		     1);
	cr_assert_eq(EXEC(w, GT_Q_ATTEST_PUT, "ittttt", (int64_t)11, "acme", "bb", "receipt",
			  "Receipt 1", at),
		     1);
	cr_assert_eq(EXEC(w, GT_Q_ATTEST_PUT, "itttnt", (int64_t)12, "beta", "aa", "report", at),
		     1);
	/* private contacts: put replaces */
	cr_assert_eq(EXEC(w, GT_Q_PRIV_CONTACT_PUT, "tttti", "ref:beta", "Bo", "bo@example.org",
			  "1", (int64_t)2),
		     1);
	cr_assert_eq(EXEC(w, GT_Q_PRIV_CONTACT_PUT, "tttni", "ref:beta", "Bo Li", "bo@example.org",
			  (int64_t)3),
		     1);
	/* tokens */
	cr_assert_eq(EXEC(w, GT_Q_TOKEN_PUT, "tttttt", "00000000000000a1", "hash-a1", "acme",
			  "charity", "laptop", at),
		     1);
	cr_assert_eq(EXEC(w, GT_Q_TOKEN_PUT, "ttttnt", "00000000000000b2", "hash-b2", "beta",
			  "clinic", at),
		     1);
	cr_assert_eq(EXEC(w, GT_Q_TOKEN_PUT, "ttttnt", "00000000000000c3", "hash-c3", "acme",
			  "charity", at),
		     1);
	cr_assert_eq(
		EXEC(w, GT_Q_TOKEN_REVOKE, "tt", "00000000000000a1", "2026-12-01T00:00:00.000Z"),
		1);
	cr_assert_eq(
		EXEC(w, GT_Q_TOKEN_REVOKE, "tt", "00000000000000a1", "2027-01-01T00:00:00.000Z"), 0,
		"a token was revoked twice");
	cr_assert_eq(EXEC(w, GT_Q_TOKEN_REVOKE, "tt", "ffffffffffffffff", at), 0);
	S_commit(w);

	/* Read everything back on a reader. */
	gt_store_conn *r = S_reader(s);
	gt_stmt *st = S_q(r, GT_Q_ENTRY_LIST);
	gt_stmt_bind_i64(st, 1, 4);
	gt_stmt_bind_i64(st, 2, 2);
	S_row(st);
	S_col_int(st, 0, 3);
	S_col_text(st, 1, "auth.org");
	S_col_text(st, 2, at);
	S_col_text(st, 3, "org:op");
	S_row(st);
	S_col_int(st, 0, 2);
	S_done(st);
	gt_stmt_close(st);

	st = S_q(r, GT_Q_ORG_GET);
	gt_stmt_bind_text(st, 1, "acme", (size_t)-1);
	S_row(st);
	S_col_text(st, 0, "acme");
	S_col_text(st, 1, "Acme \"Ltd\" 公司");
	S_col_text(st, 2, "admin,charity");
	S_col_text(st, 3, "https://acme.example");
	S_col_text(st, 4, NULL);
	S_col_int(st, 5, 1);
	S_col_text(st, 6, at);
	S_col_int(st, 7, 4);
	S_col_text(st, 8, "2026-11-24T00:00:00.000Z");
	S_done(st);
	gt_stmt_close(st);
	st = S_q(r, GT_Q_ORG_GET);
	gt_stmt_bind_text(st, 1, "betaX", 4); /* a length shorter than the string */
	S_row(st);
	S_col_text(st, 1, "Beta Clinic");
	S_col_text(st, 3, NULL);
	S_col_text(st, 4, NULL);
	S_col_int(st, 5, 2);
	S_col_int(st, 7, 3);
	gt_stmt_close(st);

	st = S_q(r, GT_Q_ORG_LIST);
	gt_stmt_bind_text(st, 1, "", 0);
	gt_stmt_bind_i64(st, 2, 10);
	S_row(st);
	S_col_text(st, 0, "acme");
	cr_assert_eq(gt_stmt_changes(st), 0);
	S_row(st);
	S_col_text(st, 0, "beta");
	S_col_text(st, 1, "Beta Clinic");
	S_done(st);
	gt_stmt_close(st);
	st = S_q(r, GT_Q_ORG_LIST);
	gt_stmt_bind_text(st, 1, "acme", (size_t)-1);
	gt_stmt_bind_i64(st, 2, 10);
	S_row(st);
	S_col_text(st, 0, "beta");
	S_done(st);
	gt_stmt_close(st);

	st = S_q(r, GT_Q_ATTEST_GET);
	gt_stmt_bind_i64(st, 1, 11);
	S_row(st);
	S_col_int(st, 0, 11);
	S_col_text(st, 1, "acme");
	S_col_text(st, 2, "bb");
	S_col_text(st, 3, "receipt");
	S_col_text(st, 4, "Receipt 1");
	S_col_text(st, 5, at);
	S_done(st);
	gt_stmt_close(st);
	st = S_q(r, GT_Q_ATTEST_BY_SHA);
	gt_stmt_bind_text(st, 1, "aa", 2);
	S_row(st);
	S_col_int(st, 0, 10);
	S_col_text(st, 4, NULL);
	S_row(st);
	S_col_int(st, 0, 12);
	S_col_text(st, 1, "beta");
	S_done(st);
	gt_stmt_close(st);
	st = S_q(r, GT_Q_ATTEST_BY_ORG);
	gt_stmt_bind_text(st, 1, "acme", 4);
	gt_stmt_bind_i64(st, 2, 100);
	gt_stmt_bind_i64(st, 3, 10);
	S_row(st);
	S_col_int(st, 0, 11);
	S_row(st);
	S_col_int(st, 0, 10);
	S_done(st);
	gt_stmt_close(st);
	st = S_q(r, GT_Q_ATTEST_BY_ORG);
	gt_stmt_bind_text(st, 1, "acme", 4);
	gt_stmt_bind_i64(st, 2, 11);
	gt_stmt_bind_i64(st, 3, 10);
	S_row(st);
	S_col_int(st, 0, 10);
	S_done(st);
	gt_stmt_close(st);

	st = S_q(r, GT_Q_PRIV_CONTACT_GET);
	gt_stmt_bind_text(st, 1, "ref:beta", (size_t)-1);
	S_row(st);
	S_col_text(st, 0, "ref:beta");
	S_col_text(st, 1, "Bo Li");
	S_col_text(st, 2, "bo@example.org");
	S_col_text(st, 3, NULL);
	S_col_int(st, 4, 3);
	S_done(st);
	gt_stmt_close(st);

	st = S_q(r, GT_Q_TOKEN_AUTH);
	gt_stmt_bind_text(st, 1, "00000000000000a1", (size_t)-1);
	S_row(st);
	S_col_text(st, 0, "hash-a1");
	S_col_text(st, 1, "acme");
	S_col_text(st, 2, "charity");
	S_col_text(st, 3, "2026-12-01T00:00:00.000Z");
	S_done(st);
	gt_stmt_close(st);
	st = S_q(r, GT_Q_TOKEN_GET);
	gt_stmt_bind_text(st, 1, "00000000000000b2", (size_t)-1);
	S_row(st);
	S_col_text(st, 0, "00000000000000b2");
	S_col_text(st, 1, "beta");
	S_col_text(st, 2, "clinic");
	S_col_text(st, 3, NULL);
	S_col_text(st, 4, at);
	S_col_text(st, 5, NULL);
	S_done(st);
	gt_stmt_close(st);
	/* token_list: one org, and all (NULL), paged by id */
	st = S_q(r, GT_Q_TOKEN_LIST);
	gt_stmt_bind_text(st, 1, "acme", (size_t)-1);
	gt_stmt_bind_text(st, 2, "", 0);
	gt_stmt_bind_i64(st, 3, 10);
	S_row(st);
	S_col_text(st, 0, "00000000000000a1");
	S_col_text(st, 3, "laptop");
	S_col_text(st, 5, "2026-12-01T00:00:00.000Z");
	S_row(st);
	S_col_text(st, 0, "00000000000000c3");
	S_done(st);
	gt_stmt_close(st);
	st = S_q(r, GT_Q_TOKEN_LIST);
	gt_stmt_bind_null(st, 1);
	gt_stmt_bind_text(st, 2, "00000000000000a1", (size_t)-1);
	gt_stmt_bind_i64(st, 3, 1);
	S_row(st);
	S_col_text(st, 0, "00000000000000b2");
	S_done(st);
	gt_stmt_close(st);
	gt_store_reader_done(r);

	/* gt_stmt_changes after a write, blobs round-trip (any column takes one). */
	S_begin(w);
	st = S_q(w, GT_Q_TOKEN_REVOKE);
	gt_stmt_bind_text(st, 1, "00000000000000c3", (size_t)-1);
	gt_stmt_bind_text(st, 2, at, (size_t)-1);
	S_done(st);
	cr_assert_eq(gt_stmt_changes(st), 1);
	gt_stmt_close(st);
	const uint8_t blob[4] = {0, 1, 0xfe, 0xff};
	st = S_q(w, GT_Q_PRIV_CONTACT_PUT);
	gt_stmt_bind_text(st, 1, "ref:blob", (size_t)-1);
	cr_assert_eq(gt_stmt_bind_blob(st, 2, blob, sizeof(blob)), 0);
	cr_assert_eq(gt_stmt_bind_blob(st, 3, NULL, 0), 0);
	gt_stmt_bind_null(st, 4);
	gt_stmt_bind_i64(st, 5, 9);
	S_done(st);
	gt_stmt_close(st);
	st = S_q(w, GT_Q_PRIV_CONTACT_GET);
	gt_stmt_bind_text(st, 1, "ref:blob", (size_t)-1);
	S_row(st);
	size_t len = 0;
	const void *p = gt_stmt_blob(st, 1, &len);
	cr_assert_eq(len, sizeof(blob));
	cr_assert_arr_eq(p, blob, sizeof(blob));
	gt_stmt_blob(st, 2, &len);
	cr_assert_eq(len, 0);
	cr_assert_not(gt_stmt_is_null(st, 2), "an empty blob became NULL");
	cr_assert(gt_stmt_is_null(st, 3));
	gt_stmt_close(st);
	gt_store_rollback(w);
	gt_store_free(s);
}

/* ---- dump --------------------------------------------------------------- */

/* The same data, inserted in an order chosen by seed. */
static void S_fill(gt_store *s, uint64_t seed, bool variant)
{
	gt_store_conn *w = gt_store_writer(s);
	const char *at = "2026-11-22T10:00:00.000Z";
	int order[24];
	for (int i = 0; i < 24; i++)
		order[i] = i;
	for (int i = 23; i > 0; i--) { /* Fisher-Yates */
		int j = (int)tu_between(&seed, 0, (uint64_t)i);
		int t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	S_begin(w);
	for (int k = 0; k < 24; k++) {
		int i = order[k];
		char id[32], ref[32], tok[32];
		snprintf(id, sizeof(id), "org-%02d", i);
		snprintf(ref, sizeof(ref), "ref:%02d", i);
		snprintf(tok, sizeof(tok), "%016x", i * 7919);
		EXEC(w, GT_Q_ENTRY_PUT, "ittt", (int64_t)(i * 3), "auth.org", at, "system");
		EXEC(w, GT_Q_ORG_PUT, "tttnnit", id, i == 5 ? "Tab\there \"q\" \\ é" : id, "ngo",
		     (int64_t)i, at);
		EXEC(w, GT_Q_ATTEST_PUT, "ittttt", (int64_t)(1000 - i), id, "abcd", "report",
		     variant && i == 17 ? "" : NULL, at);
		EXEC(w, GT_Q_PRIV_CONTACT_PUT, "tttti", ref, id, "x@example.org", "+1 555",
		     (int64_t)i);
		EXEC(w, GT_Q_TOKEN_PUT, "tttttt", tok, "secret-hash", id, "ngo", "label", at);
	}
	cr_assert_eq(gt_store_set_applied(w, 72, NULL), 0);
	S_commit(w);
}

Test(store, dump_is_canonical)
{
	char *p2 = tu_join(S_dir, "other.db");
	char *p3 = tu_join(S_dir, "third.db");
	gt_store *a = S_open(), *b = S_open_at(p2, 0), *c = S_open_at(p3, 0);
	S_fill(a, 1, false);
	S_fill(b, 99, false);
	S_fill(c, 5, true);
	gt_buf da = GT_BUF_INIT, db = GT_BUF_INIT, dc = GT_BUF_INIT;
	S_dump(a, true, &da);
	S_dump(b, true, &db);
	S_dump(c, true, &dc);
	cr_assert_str_eq((char *)da.data, (char *)db.data,
			 "the same data inserted in another order dumps differently");
	cr_assert_str_neq((char *)da.data, (char *)dc.data,
			  "a NULL and an empty string dump alike");

	/* The format: header, tables by name, rows by primary key. */
	const char *t = (const char *)da.data;
	char head[64];
	snprintf(head, sizeof(head), "goodtrace store dump\nschema %d\ntable attestations (",
		 gt_store_schema_version(a));
	cr_assert_eq(strncmp(t, head, strlen(head)), 0, "%.200s", t);
	const char *names[] = {"table attestations (idx, org, sha256, kind, title, at)\n",
			       "table entries (idx, type, at, by)\n",
			       "table meta (key, value)\n",
			       "table orgs (",
			       "table private_contacts (",
			       "table private_tokens ("};
	const char *prev = t;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *at = strstr(t, names[i]);
		cr_assert_not_null(at, "no \"%s\" in the dump", names[i]);
		cr_assert_gt(at, prev, "%s out of order", names[i]);
		prev = at;
	}
	cr_assert(strstr(t, "table meta (key, value)\n[\"applied\",72]\n"), "%s", t);
	cr_assert(strstr(t, "(idx, org, sha256, kind, title, at)\n[977,\"org-23\",\"abcd\","
			    "\"report\",null,\"2026-11-22T10:00:00.000Z\"]\n[978,"),
		  "%s", t);
	cr_assert(strstr(t, "\"Tab\\u0009here \\\"q\\\" \\\\ é\""), "%s", t);
	cr_assert(strstr(t, "table entries (idx, type, at, by)\n[0,\"auth.org\""), "%s", t);
	cr_assert(strstr(t, "[\"org-00\",\"org-00\",\"ngo\",null,null,0,"), "%s", t);

	/* A single changed value changes the dump; changing it back restores it. */
	gt_store_conn *w = gt_store_writer(b);
	S_begin(w);
	EXEC(w, GT_Q_ORG_SET_ROLES, "ttit", "org-07", "charity", (int64_t)80, "x");
	S_commit(w);
	S_dump(b, true, &db);
	cr_assert_str_neq((char *)da.data, (char *)db.data);
	S_begin(w);
	EXEC(w, GT_Q_TOKEN_REVOKE, "tt", "0000000000000000", "x");
	S_commit(w);
	gt_buf db2 = GT_BUF_INIT;
	S_dump(b, true, &db2);
	cr_assert_str_neq((char *)db.data, (char *)db2.data, "a private change is not in the dump");
	/* The applied count alone changes it too. */
	gt_store_conn *wa = gt_store_writer(a);
	S_begin(wa);
	gt_store_set_applied(wa, 73, NULL);
	S_commit(wa);
	gt_buf da2 = GT_BUF_INIT;
	S_dump(a, false, &da2);
	S_dump(a, false, &da); /* deterministic across calls */
	cr_assert_str_eq((char *)da.data, (char *)da2.data);
	cr_assert(strstr((char *)da2.data, "[\"applied\",73]"));

	/* Appends to what out holds. */
	gt_buf_reset(&da2);
	gt_buf_addstr(&da2, "before\n");
	gt_error err = {0};
	cr_assert_eq(gt_store_dump(a, false, &da2, &err), 0);
	cr_assert_eq(strncmp((char *)da2.data, "before\ngoodtrace store dump\n", 28), 0);
	cr_assert_str_eq((char *)da2.data + 7, (char *)da.data);

	gt_buf_done(&da);
	gt_buf_done(&da2);
	gt_buf_done(&db);
	gt_buf_done(&db2);
	gt_buf_done(&dc);
	gt_store_free(a);
	gt_store_free(b);
	gt_store_free(c);
	free(p2);
	free(p3);
}

Test(store, dump_with_and_without_private)
{
	gt_store *s = S_open();
	S_fill(s, 3, false);
	gt_buf pub = GT_BUF_INIT, all = GT_BUF_INIT;
	S_dump(s, false, &pub);
	S_dump(s, true, &all);
	const char *p = (const char *)pub.data, *a = (const char *)all.data;
	cr_assert_null(strstr(p, "private_"), "%s", p);
	cr_assert_null(strstr(p, "secret-hash"));
	cr_assert_null(strstr(p, "x@example.org"));
	cr_assert_not_null(strstr(a, "table private_contacts (ref, name, email, phone, idx)\n"
				     "[\"ref:00\",\"org-00\",\"x@example.org\",\"+1 555\",0]\n"));
	cr_assert_not_null(
		strstr(a, "table private_tokens (id, hash, org, role, label, "
			  "created_at, revoked_at)\n[\"0000000000000000\",\"secret-hash\""));
	/* The public dump is exactly the whole one without its private tables. */
	gt_buf cut = GT_BUF_INIT;
	bool skip = false;
	for (const char *line = a; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
		if (strncmp(line, "table ", 6) == 0)
			skip = strncmp(line, "table private_", 14) == 0;
		if (!skip)
			gt_buf_add(&cut, line, len);
		line += len;
	}
	cr_assert_str_eq((const char *)cut.data, p);
	cr_assert_lt(cut.len, all.len);
	gt_buf_done(&cut);
	gt_buf_done(&pub);
	gt_buf_done(&all);
	gt_store_free(s);
}

/* ---- rebuild ------------------------------------------------------------ */

Test(store, rebuild_keeps_private_rows_and_replaces_the_projection)
{
	gt_store *old = S_open();
	S_fill(old, 11, false);
	gt_store_conn *w = gt_store_writer(old);
	S_begin(w);
	EXEC(w, GT_Q_ORG_PUT, "tttnnit", "only-old", "Only Old", "ngo", (int64_t)99, "x");
	S_commit(w);
	gt_buf before = GT_BUF_INIT;
	S_dump(old, true, &before);
	gt_store_free(old);
	/* A stale rebuild from an interrupted run is replaced. */
	tu_write(S_dir, "store.db.rebuild", "stale", 5);
	tu_write(S_dir, "store.db.rebuild-wal", "stale", 5);

	gt_store_options o = {.path = S_path};
	gt_store *fresh = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_store_open_fresh(&o, &fresh, &err), 0, "%s", err.msg);
	cr_assert(tu_exists(S_dir, "store.db.rebuild"));
	w = gt_store_writer(fresh);
	cr_assert_eq(S_applied(w), 0, "the fresh store is not empty");
	cr_assert_eq(S_org_count(w), 0);
	S_begin(w);
	S_org_put(w, "only-new", "Only New", 1);
	EXEC(w, GT_Q_TOKEN_PUT, "tttttt", "ffffffffffffffff", "replay-made", "x", "ngo", "l", "x");
	gt_store_set_applied(w, 1, NULL);
	S_commit(w);
	/* The old store is still what it was until the switch. */
	cr_assert_eq(S_raw_int(S_path, "SELECT count(*) FROM orgs WHERE id = 'only-old'"), 1);
	cr_assert_eq(gt_store_finish_rebuild(fresh, &o, &err), 0, "%s", err.msg);

	cr_assert_not(tu_exists(S_dir, "store.db.rebuild"));
	cr_assert_not(tu_exists(S_dir, "store.db.rebuild-wal"));
	cr_assert_not(tu_exists(S_dir, "store.db.rebuild-shm"));
	cr_assert_not(tu_exists(S_dir, "store.db-wal"));
	gt_store *s = S_open();
	w = gt_store_writer(s);
	cr_assert_eq(S_applied(w), 1);
	cr_assert(S_org_exists(w, "only-new"));
	cr_assert_not(S_org_exists(w, "only-old"));
	cr_assert_eq(S_org_count(w), 1);
	/* Every private row of the old store, and only those. */
	gt_buf after = GT_BUF_INIT;
	S_dump(s, true, &after);
	const char *b = strstr((char *)before.data, "table private_contacts");
	const char *a = strstr((char *)after.data, "table private_contacts");
	cr_assert(b && a);
	cr_assert_str_eq(a, b);
	cr_assert_null(strstr((char *)after.data, "replay-made"));
	gt_buf_done(&before);
	gt_buf_done(&after);
	gt_store_free(s);
}

Test(store, rebuild_without_an_old_store)
{
	gt_store_options o = {.path = S_path};
	gt_store *fresh = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_store_open_fresh(&o, &fresh, &err), 0, "%s", err.msg);
	gt_store_conn *w = gt_store_writer(fresh);
	S_begin(w);
	S_org_put(w, "a", "A", 0);
	gt_store_set_applied(w, 1, NULL);
	S_commit(w);
	/* Readers borrowed from fresh (and returned) are fine. */
	gt_store_conn *r = S_reader(fresh);
	cr_assert(S_org_exists(r, "a"));
	gt_store_reader_done(r);
	cr_assert_eq(gt_store_finish_rebuild(fresh, &o, &err), 0, "%s", err.msg);
	gt_store *s = S_open();
	cr_assert_eq(S_applied(gt_store_writer(s)), 1);
	cr_assert(S_org_exists(gt_store_writer(s), "a"));
	gt_store_free(s);
}

Test(store, rebuild_refusals_leave_the_old_store)
{
	gt_store *old = S_open();
	S_fill(old, 2, false);
	gt_buf before = GT_BUF_INIT, after = GT_BUF_INIT;
	S_dump(old, true, &before);
	gt_store_options o = {.path = S_path};
	gt_error err = {0};

	/* A read-only fresh store makes no sense. */
	gt_store_options ro = {.path = S_path, .read_only = true};
	gt_store *fresh = NULL;
	cr_assert_eq(gt_store_open_fresh(&ro, &fresh, &err), GT_EINVAL);

	/* The old store still open (the server running): refused. */
	cr_assert_eq(gt_store_open_fresh(&o, &fresh, &err), 0, "%s", err.msg);
	S_begin(gt_store_writer(fresh));
	S_org_put(gt_store_writer(fresh), "new", "New", 1);
	S_commit(gt_store_writer(fresh));
	int rc = gt_store_finish_rebuild(fresh, &o, &err);
	cr_assert_eq(rc, GT_EBUSY, "%d %s", rc, err.msg);
	cr_assert(strstr(err.msg, "stop every process"), "%s", err.msg);
	S_dump(old, true, &after);
	cr_assert_str_eq((char *)after.data, (char *)before.data);
	gt_store_free(old);

	/* A transaction left open on fresh. */
	cr_assert_eq(gt_store_open_fresh(&o, &fresh, &err), 0, "%s", err.msg);
	S_begin(gt_store_writer(fresh));
	cr_assert_eq(gt_store_finish_rebuild(fresh, &o, &err), GT_EINVAL);
	cr_assert(strstr(err.msg, "transaction"), "%s", err.msg);

	/* Not the fresh store of this path (consumed all the same). */
	char *p2 = tu_join(S_dir, "other.db");
	gt_store *other = S_open_at(p2, 0);
	int version = gt_store_schema_version(other);
	cr_assert_eq(gt_store_finish_rebuild(other, &o, &err), GT_EINVAL);
	cr_assert(strstr(err.msg, "not an open store to rebuild"), "%s", err.msg);

	/* An old store from a newer goodtrace. */
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
	S_raw(S_path, sql);
	cr_assert_eq(gt_store_open_fresh(&o, &fresh, &err), 0, "%s", err.msg);
	cr_assert_eq(gt_store_finish_rebuild(fresh, &o, &err), GT_ECORRUPT);
	cr_assert(strstr(err.msg, "newer"), "%s", err.msg);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	S_raw(S_path, sql);
	old = S_open();
	S_dump(old, true, &after);
	cr_assert_str_eq((char *)after.data, (char *)before.data);
	gt_store_free(old);
	free(p2);
	gt_buf_done(&before);
	gt_buf_done(&after);
}

Test(store, rebuild_copies_private_columns_by_name)
{
	/* An old store whose private table lacks a column and has an extra
	 * one (as an older schema might): the common columns are copied. */
	gt_store *s = S_open();
	gt_store_free(s);
	S_raw(S_path, "DROP TABLE private_contacts;"
		      "CREATE TABLE private_contacts (idx INTEGER, ref TEXT PRIMARY KEY,"
		      " email TEXT, legacy TEXT);"
		      "INSERT INTO private_contacts VALUES (4, 'ref:x', 'x@example.org', 'old');"
		      "DROP TABLE private_tokens;");
	gt_store_options o = {.path = S_path};
	gt_store *fresh = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_store_open_fresh(&o, &fresh, &err), 0, "%s", err.msg);
	cr_assert_eq(gt_store_finish_rebuild(fresh, &o, &err), 0, "%s", err.msg);
	s = S_open();
	gt_buf d = GT_BUF_INIT;
	S_dump(s, true, &d);
	cr_assert(strstr((char *)d.data, "table private_contacts (ref, name, email, phone, idx)\n"
					 "[\"ref:x\",null,\"x@example.org\",null,4]\n"
					 "table "),
		  "%s", d.data);
	cr_assert(strstr((char *)d.data, "table private_tokens (id, hash, org, role, label, "
					 "created_at, revoked_at)\n"
					 "table "),
		  "%s", d.data);
	gt_buf_done(&d);
	gt_store_free(s);
}

/* ---- the checkpointer ---- */

static off_t S_file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

Test(store, wal_is_checkpointed_in_the_background)
{
	/* The writer never checkpoints itself; a thread copies the WAL into
	 * the database once it holds a thousand pages. */
	gt_store *s = S_open();
	gt_store_conn *w = gt_store_writer(s);
	/* An idle reader keeps its snapshot from before the writes: it must
	 * not hold the checkpoint back. */
	gt_store_conn *r = S_reader(s);
	S_applied(r);
	gt_store_reader_done(r);
	off_t before = S_file_size(S_path);
	char type[200];
	memset(type, 'x', sizeof(type) - 1);
	type[sizeof(type) - 1] = 0;
	for (int t = 0; t < 20; t++) {
		S_begin(w);
		for (int i = 0; i < 1000; i++)
			EXEC(w, GT_Q_ENTRY_PUT, "ittt", (int64_t)(t * 1000 + i), type,
			     "2026-11-22T10:00:00.000Z", "org:acme");
		gt_error err = {0};
		cr_assert_eq(gt_store_commit(w, &err), 0, "%s", err.msg);
	}
	/* 20,000 rows of ~250 bytes: over a thousand 4 KiB pages. */
	off_t after = before;
	for (int i = 0; i < 300 && after < before + 2 * 1024 * 1024; i++) {
		usleep(10000);
		after = S_file_size(S_path);
	}
	cr_assert_geq(after, before + 2 * 1024 * 1024,
		      "the database file did not grow (%lld -> %lld): no checkpoint ran",
		      (long long)before, (long long)after);
	gt_store_free(s);
}
