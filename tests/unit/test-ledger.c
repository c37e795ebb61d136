/* Unit tests for src/ledger (the sequencer, entries and replay) with a test
 * module of its own over a real log and a real SQLite store in a temporary
 * directory. */
#include <criterion/criterion.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/pseudo.h"
#include "core/time.h"
#include "ledger/ledger.h"
#include "log/log.h"
#include "log/note.h"
#include "store/store.h"
#include "testutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ORIGIN "example.com/goodtrace-ledger-test"

/* ---- a gate that holds the writer thread inside a decide ------------------ */

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int entered;
	bool open;
} S_gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, true};

static void S_gate_close(void)
{
	pthread_mutex_lock(&S_gate.mu);
	S_gate.open = false;
	S_gate.entered = 0;
	pthread_mutex_unlock(&S_gate.mu);
}

static void S_gate_open(void)
{
	pthread_mutex_lock(&S_gate.mu);
	S_gate.open = true;
	pthread_cond_broadcast(&S_gate.cv);
	pthread_mutex_unlock(&S_gate.mu);
}

/* Wait until the writer is held at the gate. */
static void S_gate_wait_entered(void)
{
	pthread_mutex_lock(&S_gate.mu);
	while (S_gate.entered == 0)
		pthread_cond_wait(&S_gate.cv, &S_gate.mu);
	pthread_mutex_unlock(&S_gate.mu);
}

/* ---- a settable clock ------------------------------------------------------ */

static _Atomic int64_t S_clock_ms = 1795341600000; /* 2026-11-22T10:00:00.000Z */

static int64_t S_clock(void *arg)
{
	(void)arg;
	return atomic_load(&S_clock_ms);
}

/* ---- the test module --------------------------------------------------------
 *   t.put     {"id","name"?}: a thing (stored as an organisation row); a
 *             duplicate id is GT_EEXIST, decided against the store.
 *   t.script  {"emit":[{"type","data"}], "private"?: ref, "pseudo"?: text,
 *              "fail"?: message}: emits what it is told, in order, writes
 *             a private row, then fails if told to.
 *   t.note    emitted only (no decide): an attestation row.
 *   t.block   waits at the gate, emits nothing. */

static int S_exists(gt_store_conn *c, const char *id, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_ORG_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	rc = gt_stmt_step(st, err);
	gt_stmt_close(st);
	return rc;
}

static int S_put_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	const char *id, *name = "";
	int rc = gt_json_str(in, "id", 1, 40, &id, err);
	if (rc == 0)
		rc = gt_json_str_opt(in, "name", 200, &name, err);
	if (rc < 0)
		return rc;
	rc = S_exists(gt_decide_conn(d), id, err);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return gt_fail(err, GT_EEXIST, "thing \"%s\" already exists", id);
	uint64_t idx = 0;
	rc = gt_decide_emit(d, "t.put", json_pack("{s:s, s:s}", "id", id, "name", name), &idx, err);
	if (rc == 0)
		gt_decide_reply(d, json_pack("{s:s, s:I}", "id", id, "index", (json_int_t)idx));
	return rc;
}

static int S_put_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t r = gt_store_exec(c, GT_Q_ORG_PUT, err, "tttnnit",
				  json_string_value(json_object_get(e->data, "id")),
				  json_string_value(json_object_get(e->data, "name")), "thing",
				  (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}

static int S_script_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	uint64_t next = gt_decide_next_index(d);
	const char *priv = json_string_value(json_object_get(in, "private"));
	if (priv) {
		int64_t r = gt_store_exec(gt_decide_conn(d), GT_Q_PRIV_CONTACT_PUT, err, "tnnni",
					  priv, (int64_t)next);
		if (r < 0)
			return (int)r;
	}
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(in, "emit"), i, x)
	{
		int rc = gt_decide_emit(d, json_string_value(json_object_get(x, "type")),
					json_deep_copy(json_object_get(x, "data")), NULL, err);
		if (rc < 0)
			return rc;
	}
	const char *fail = json_string_value(json_object_get(in, "fail"));
	if (fail)
		return gt_fail(err, GT_ESTATE, "%s", fail);
	char ref[GT_PSEUDO_LEN + 1] = "";
	const char *ident = json_string_value(json_object_get(in, "pseudo"));
	if (ident)
		gt_decide_pseudonym(d, "donor", ident, ref);
	const char *org = gt_decide_org(d);
	gt_decide_reply(d, json_pack("{s:I, s:s, s:I, s:o, s:s, s:s}", "next", (json_int_t)next,
				     "at", gt_decide_at(d), "now", (json_int_t)gt_decide_now_ms(d),
				     "org", org ? json_string(org) : json_null(), "role",
				     gt_decide_role(d), "ref", ref));
	return 0;
}

static int S_note_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const char *text = json_string_value(json_object_get(e->data, "text"));
	int64_t r = gt_store_exec(c, GT_Q_ATTEST_PUT, err, "ittttt", (int64_t)e->index, e->by,
				  text ? text : "-", "note", NULL, e->at);
	return r < 0 ? (int)r : 0;
}

static int S_block_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	(void)d;
	(void)in;
	(void)err;
	pthread_mutex_lock(&S_gate.mu);
	S_gate.entered++;
	pthread_cond_broadcast(&S_gate.cv);
	while (!S_gate.open)
		pthread_cond_wait(&S_gate.cv, &S_gate.mu);
	pthread_mutex_unlock(&S_gate.mu);
	return 0;
}

static const gt_entry_type S_types[] = {
	{"t.put", S_put_decide, S_put_apply},
	{"t.script", S_script_decide, NULL},
	{"t.note", NULL, S_note_apply},
	{"t.block", S_block_decide, NULL},
};
static const gt_module S_module = {"test", S_types, sizeof(S_types) / sizeof(S_types[0])};
static const gt_module *const S_modules[] = {&S_module};

/* ---- the environment: a log, a store and a ledger in a temporary directory - */

typedef struct {
	tu_svc svc;
	gt_ledger *ledger;
	gt_ledger_options opt; /* for S_ledger_open; log/store filled in there */
} S_env;

static void S_ledger_open(S_env *e)
{
	e->opt.log = e->svc.log;
	e->opt.store = e->svc.store;
	e->opt.secret = e->svc.secret;
	if (!e->opt.modules) {
		e->opt.modules = S_modules;
		e->opt.nmodules = 1;
	}
	gt_error err = {0};
	int rc = gt_ledger_open(&e->opt, &e->ledger, &err);
	cr_assert_eq(rc, 0, "ledger open: %d %s", rc, err.msg);
}

/* Log and store in a new directory; the ledger is opened with the settable
 * clock unless real_clock. */
static void S_env_init(S_env *e, bool real_clock)
{
	memset(e, 0, sizeof(*e));
	tu_svc_init(&e->svc, "ledger", ORIGIN);
	if (!real_clock)
		e->opt.clock = S_clock;
	S_ledger_open(e);
}

static void S_ledger_close(S_env *e)
{
	gt_ledger_free(e->ledger);
	e->ledger = NULL;
}

static void S_env_done(S_env *e)
{
	gt_ledger_free(e->ledger);
	tu_svc_done(&e->svc);
}

/* ---- commands --------------------------------------------------------------- */

/* gt_ledger_call with input given as JSON text; res->reply must be released. */
static int S_call(S_env *e, const char *type, const char *org, const char *input,
		  gt_ledger_result *res)
{
	return gt_ledger_call(e->ledger, type, org, org ? "manufacturer" : "admin", tu_json(input),
			      res);
}

static uint64_t S_put(S_env *e, const char *id)
{
	char in[128];
	snprintf(in, sizeof(in), "{\"id\":\"%s\",\"name\":\"Thing %s\"}", id, id);
	gt_ledger_result res;
	int rc = S_call(e, "t.put", "acme", in, &res);
	cr_assert_eq(rc, 0, "put %s: %d %s", id, rc, res.msg);
	cr_assert_eq(res.count, 1);
	json_decref(res.reply);
	return res.first;
}

/* A result collected from a callback. */
typedef struct {
	atomic_int calls;
	gt_ledger_result res;
} S_slot;

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t done;
} S_acks = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static void S_done(void *arg, const gt_ledger_result *res)
{
	S_slot *s = arg;
	if (atomic_fetch_add(&s->calls, 1) == 0) {
		s->res = *res;
		s->res.reply = NULL;
	}
	pthread_mutex_lock(&S_acks.mu);
	S_acks.done++;
	pthread_cond_broadcast(&S_acks.cv);
	pthread_mutex_unlock(&S_acks.mu);
}

/* Wait until n callbacks in all have been made. */
static void S_wait_acks(size_t n)
{
	pthread_mutex_lock(&S_acks.mu);
	while (S_acks.done < n)
		pthread_cond_wait(&S_acks.cv, &S_acks.mu);
	pthread_mutex_unlock(&S_acks.mu);
}

static size_t S_acks_now(void)
{
	pthread_mutex_lock(&S_acks.mu);
	size_t n = S_acks.done;
	pthread_mutex_unlock(&S_acks.mu);
	return n;
}

static void S_submit(S_env *e, const char *type, const char *org, json_t *in, S_slot *slot)
{
	int rc = gt_ledger_submit(e->ledger, type, org, "manufacturer", in, S_done, slot);
	cr_assert_eq(rc, 0, "submit %s: %d", type, rc);
}

static json_t *S_put_input(const char *id)
{
	return json_pack("{s:s, s:s}", "id", id, "name", "n");
}

/* Hold the writer thread inside a t.block command (hold gets its result),
 * so that what is submitted next waits in the queue until S_gate_open. */
static void S_hold_writer(S_env *e, S_slot *hold)
{
	S_gate_close();
	S_submit(e, "t.block", "acme", json_object(), hold);
	S_gate_wait_entered();
}

/* Submit n t.put commands with ids "<prefix><i>", results in slots[i]. */
static void S_submit_puts(S_env *e, const char *prefix, int n, S_slot *slots)
{
	for (int i = 0; i < n; i++) {
		char id[32];
		snprintf(id, sizeof(id), "%s%d", prefix, i);
		S_submit(e, "t.put", "acme", S_put_input(id), &slots[i]);
	}
}

/* ---- the log and the store --------------------------------------------------- */

static void S_entry(S_env *e, uint64_t i, gt_buf *out)
{
	gt_error err = {0};
	gt_buf_reset(out);
	cr_assert_eq(gt_log_entry(e->svc.log, i, out, &err), 0, "entry %llu: %s", U(i), err.msg);
}

static void S_dump(gt_store *s, bool with_private, gt_buf *out)
{
	gt_error err = {0};
	gt_buf_reset(out);
	cr_assert_eq(gt_store_dump(s, with_private, out, &err), 0, "dump: %s", err.msg);
}

static uint64_t S_applied(gt_store *s)
{
	uint64_t n = 0;
	gt_store_conn *r;
	cr_assert_eq(gt_store_reader(s, &r, NULL), 0);
	cr_assert_eq(gt_store_applied(r, &n, NULL), 0);
	gt_store_reader_done(r);
	return n;
}

static bool S_store_has(gt_store *s, const char *id)
{
	gt_store_conn *r;
	cr_assert_eq(gt_store_reader(s, &r, NULL), 0);
	int rc = S_exists(r, id, NULL);
	gt_store_reader_done(r);
	cr_assert_geq(rc, 0);
	return rc == 1;
}

static void S_time(int64_t ms, char out[GT_TIME_LEN + 1])
{
	gt_time_format(ms, out);
}

/* ---- group commit ------------------------------------------------------------- */

#define S_THREADS 8
#define S_PER 100

typedef struct {
	S_env *e;
	int t;
	S_slot *slots;
} S_worker;

static void *S_worker_run(void *arg)
{
	S_worker *w = arg;
	char org[16];
	snprintf(org, sizeof(org), "o%d", w->t);
	for (int i = 0; i < S_PER; i++) {
		char id[32];
		snprintf(id, sizeof(id), "w%d-%d", w->t, i);
		int rc = gt_ledger_submit(w->e->ledger, "t.put", org, "manufacturer",
					  S_put_input(id), S_done, &w->slots[w->t * S_PER + i]);
		CHECK(rc == 0, "submit %s: %d", id, rc);
	}
	return NULL;
}

Test(ledger, group_commit_from_many_threads)
{
	S_env e;
	S_env_init(&e, true);
	int64_t before = gt_time_now_ms();
	size_t total = S_THREADS * S_PER;
	S_slot *slots = calloc(total, sizeof(*slots));
	cr_assert_not_null(slots);
	pthread_t th[S_THREADS];
	S_worker w[S_THREADS];
	for (int t = 0; t < S_THREADS; t++) {
		w[t] = (S_worker){&e, t, slots};
		cr_assert_eq(pthread_create(&th[t], NULL, S_worker_run, &w[t]), 0);
	}
	for (int t = 0; t < S_THREADS; t++)
		pthread_join(th[t], NULL);
	S_wait_acks(total);
	int64_t after = gt_time_now_ms();
	S_ledger_close(&e); /* no callback can come after this */

	cr_assert_eq(gt_log_sequenced(e.svc.log), total);
	bool *seen = calloc(total, 1);
	gt_buf b = GT_BUF_INIT;
	for (int t = 0; t < S_THREADS; t++) {
		uint64_t prev = 0;
		for (int i = 0; i < S_PER; i++) {
			S_slot *s = &slots[t * S_PER + i];
			CHECK(atomic_load(&s->calls) == 1, "command %d/%d: %d callbacks", t, i,
			      atomic_load(&s->calls));
			CHECK(s->res.code == 0, "command %d/%d: %s", t, i, s->res.msg);
			CHECK(s->res.count == 1, "one entry each");
			CHECK(s->res.first < total, "index %llu", U(s->res.first));
			CHECK(!seen[s->res.first], "index %llu twice", U(s->res.first));
			seen[s->res.first] = true;
			/* One submitter's commands keep their order. */
			CHECK(i == 0 || s->res.first > prev, "order of thread %d", t);
			prev = s->res.first;
			int64_t at;
			CHECK(gt_time_parse(s->res.at, &at) == 0, "at %s", s->res.at);
			CHECK(at >= before && at <= after, "at %s in the test's time", s->res.at);
			/* The acknowledged entry is in the log, canonical. */
			char want[512];
			snprintf(want, sizeof(want),
				 "{\"at\":\"%s\",\"by\":\"org:o%d\",\"data\":{\"id\":\"w%d-%d\","
				 "\"name\":\"n\"},\"type\":\"t.put\",\"v\":1}",
				 s->res.at, t, t, i);
			S_entry(&e, s->res.first, &b);
			CHECK(b.len == strlen(want) && memcmp(b.data, want, b.len) == 0,
			      "entry %llu is %s, want %s", U(s->res.first), (char *)b.data, want);
		}
	}
	for (size_t i = 0; i < total; i++)
		CHECK(seen[i], "index %zu acknowledged", i);
	cr_assert_eq(S_applied(e.svc.store), total);
	cr_assert(S_store_has(e.svc.store, "w0-0"));
	cr_assert(S_store_has(e.svc.store, "w7-99"));
	gt_buf_done(&b);
	free(seen);
	free(slots);
	S_env_done(&e);
}

Test(ledger, one_batch_one_sync)
{
	S_env e;
	S_env_init(&e, false);
	S_slot hold = {0}, slots[50];
	memset(slots, 0, sizeof(slots));
	S_hold_writer(&e, &hold);
	S_submit_puts(&e, "b", 50, slots);
	gt_ledger_stats st;
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_eq(st.queued, 50);
	cr_assert_eq(st.batches, 0);
	S_gate_open();
	S_wait_acks(51);
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_eq(st.queued, 0);
	cr_assert_eq(st.commands, 51);
	cr_assert_eq(st.entries, 50);
	cr_assert_eq(st.batches, 1, "the 50 waiting commands went in one batch");
	static const uint64_t hist[GT_LEDGER_BATCH_BUCKETS] = {0, 0, 0, 1, 1, 1, 1, 1};
	for (int i = 0; i < GT_LEDGER_BATCH_BUCKETS; i++)
		cr_assert_eq(st.batch_hist[i], hist[i], "bucket %d: %llu", i, U(st.batch_hist[i]));
	for (int i = 0; i < 50; i++) {
		cr_assert_eq(slots[i].res.code, 0, "%s", slots[i].res.msg);
		cr_assert_eq(slots[i].res.first, (uint64_t)i, "queue order is log order");
		cr_assert_str_eq(slots[i].res.at, slots[0].res.at, "one batch, one time");
	}
	cr_assert_eq(gt_log_sequenced(e.svc.log), 50);
	/* Sequenced together, integrated within the interval. */
	for (int i = 0; i < 5000; i++) {
		gt_ledger_stats_get(e.ledger, &st);
		if (st.integrations > 0)
			break;
		usleep(1000);
	}
	cr_assert_eq(st.integrations, 1);
	cr_assert_eq(gt_log_size(e.svc.log), 50);
	cr_assert_eq(gt_log_pending(e.svc.log), 0);
	S_env_done(&e);
}

Test(ledger, batch_max)
{
	S_env e;
	memset(&e, 0, sizeof(e));
	S_env_init(&e, false);
	S_ledger_close(&e);
	e.opt.batch_max = 16;
	S_ledger_open(&e);
	S_slot hold = {0}, slots[50];
	memset(slots, 0, sizeof(slots));
	S_hold_writer(&e, &hold);
	S_submit_puts(&e, "b", 50, slots);
	S_gate_open();
	S_wait_acks(51);
	gt_ledger_stats st;
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_eq(st.batches, 4, "16 + 16 + 16 + 2");
	static const uint64_t hist[GT_LEDGER_BATCH_BUCKETS] = {0, 1, 4, 4, 4, 4, 4, 4};
	for (int i = 0; i < GT_LEDGER_BATCH_BUCKETS; i++)
		cr_assert_eq(st.batch_hist[i], hist[i], "bucket %d: %llu", i, U(st.batch_hist[i]));
	for (int i = 0; i < 50; i++)
		cr_assert_eq(slots[i].res.first, (uint64_t)i);
	S_env_done(&e);
}

Test(ledger, batch_entries_bounded)
{
	/* Commands that emit many entries: a batch stops taking commands once
	 * it holds 16384 entries; the rest go in the next batch, in order. */
	S_env e;
	S_env_init(&e, false);
	S_slot hold = {0}, slots[5];
	memset(slots, 0, sizeof(slots));
	S_hold_writer(&e, &hold);
	for (int i = 0; i < 5; i++) {
		json_t *emit = json_array();
		for (int k = 0; k < 5000; k++)
			json_array_append_new(emit, json_pack("{s:s, s:{s:i}}", "type", "t.note",
							      "data", "k", k));
		S_submit(&e, "t.script", "acme", json_pack("{s:o}", "emit", emit), &slots[i]);
	}
	S_gate_open();
	S_wait_acks(6);
	gt_ledger_stats st;
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_eq(st.entries, 25000);
	cr_assert_eq(st.batches, 2, "20000 entries (the 4th command crossed 16384), then 5000");
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(slots[i].res.code, 0, "%s", slots[i].res.msg);
		cr_assert_eq(slots[i].res.first, (uint64_t)i * 5000, "queue order is log order");
		cr_assert_eq(slots[i].res.count, 5000);
	}
	cr_assert_str_neq(slots[4].res.at, "");
	cr_assert_eq(gt_log_sequenced(e.svc.log), 25000);
	S_env_done(&e);
}

/* ---- rejections ------------------------------------------------------------------ */

Test(ledger, rejected_command_writes_nothing)
{
	S_env e;
	S_env_init(&e, false);
	S_put(&e, "a");
	uint64_t size = gt_log_sequenced(e.svc.log);
	gt_hash root0, root1;
	gt_log_root(e.svc.log, &root0);
	gt_buf d0 = GT_BUF_INIT, d1 = GT_BUF_INIT;
	S_dump(e.svc.store, true, &d0);

	gt_ledger_result res;
	cr_assert_eq(S_call(&e, "t.put", "acme", "{\"id\":\"a\"}", &res), GT_EEXIST);
	cr_assert_str_eq(res.msg, "thing \"a\" already exists");
	cr_assert_eq(res.count, 0);
	cr_assert_null(res.reply);

	cr_assert_eq(S_call(&e, "t.put", "acme", "{\"id\":5}", &res), GT_EINVAL);
	cr_assert_str_eq(res.msg, "id must be a string of 1 to 40 bytes");

	/* Entries emitted and private rows written before the failure are undone. */
	cr_assert_eq(S_call(&e, "t.script", "acme",
			    "{\"private\":\"ref-1\",\"emit\":[{\"type\":\"t.note\",\"data\":{}},"
			    "{\"type\":\"t.put\",\"data\":{\"id\":\"z\",\"name\":\"\"}}],"
			    "\"fail\":\"told to fail\"}",
			    &res),
		     GT_ESTATE);
	cr_assert_str_eq(res.msg, "told to fail");
	cr_assert_eq(res.count, 0);

	cr_assert_eq(gt_log_sequenced(e.svc.log), size);
	gt_log_root(e.svc.log, &root1);
	cr_assert(tu_hash_eq(&root0, &root1));
	S_dump(e.svc.store, true, &d1);
	cr_assert_str_eq((char *)d1.data, (char *)d0.data, "the store is unchanged");
	cr_assert_not(S_store_has(e.svc.store, "z"));

	/* No gap: the next entry takes the next index. */
	cr_assert_eq(S_put(&e, "b"), size);
	gt_ledger_stats st;
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_eq(st.rejected, 3);
	cr_assert_eq(st.commands, 5);
	gt_buf_done(&d0);
	gt_buf_done(&d1);
	S_env_done(&e);
}

Test(ledger, several_entries_all_or_nothing)
{
	S_env e;
	S_env_init(&e, false);
	gt_buf d0 = GT_BUF_INIT, d1 = GT_BUF_INIT;
	S_dump(e.svc.store, true, &d0);
	gt_ledger_result res;

	/* The third emit fails in the store (the same id twice): the first two
	 * are undone with it. */
	cr_assert_eq(
		S_call(&e, "t.script", "acme",
		       "{\"emit\":[{\"type\":\"t.put\",\"data\":{\"id\":\"m1\",\"name\":\"\"}},"
		       "{\"type\":\"t.put\",\"data\":{\"id\":\"m2\",\"name\":\"\"}},"
		       "{\"type\":\"t.put\",\"data\":{\"id\":\"m1\",\"name\":\"\"}}]}",
		       &res),
		GT_EEXIST, "%s", res.msg);
	/* A real number in a later entry. */
	cr_assert_eq(S_call(&e, "t.script", "acme",
			    "{\"emit\":[{\"type\":\"t.note\",\"data\":{\"text\":\"a\"}},"
			    "{\"type\":\"t.note\",\"data\":{\"x\":1.5}}]}",
			    &res),
		     GT_EINVAL);
	cr_assert_str_eq(res.msg, "numbers must be integers");
	/* A type nobody registered. */
	cr_assert_eq(S_call(&e, "t.script", "acme",
			    "{\"emit\":[{\"type\":\"t.note\",\"data\":{}},"
			    "{\"type\":\"t.nope\",\"data\":{}}]}",
			    &res),
		     GT_EINVAL);
	cr_assert_str_eq(res.msg, "entry type t.nope is not registered");
	/* Data that is not an object. */
	cr_assert_eq(S_call(&e, "t.script", "acme",
			    "{\"emit\":[{\"type\":\"t.note\",\"data\":{}},"
			    "{\"type\":\"t.note\",\"data\":[1]}]}",
			    &res),
		     GT_EINVAL);
	cr_assert_str_eq(res.msg, "an entry's data must be a JSON object");

	cr_assert_eq(gt_log_sequenced(e.svc.log), 0);
	S_dump(e.svc.store, true, &d1);
	cr_assert_str_eq((char *)d1.data, (char *)d0.data);

	/* The same command without the bad part: every entry, contiguous. */
	cr_assert_eq(
		S_call(&e, "t.script", "acme",
		       "{\"emit\":[{\"type\":\"t.put\",\"data\":{\"id\":\"m1\",\"name\":\"\"}},"
		       "{\"type\":\"t.note\",\"data\":{\"text\":\"between\"}},"
		       "{\"type\":\"t.put\",\"data\":{\"id\":\"m2\",\"name\":\"\"}}]}",
		       &res),
		0, "%s", res.msg);
	cr_assert_eq(res.first, 0);
	cr_assert_eq(res.count, 3);
	json_decref(res.reply);
	cr_assert_eq(gt_log_sequenced(e.svc.log), 3);
	cr_assert(S_store_has(e.svc.store, "m1"));
	cr_assert(S_store_has(e.svc.store, "m2"));
	gt_buf b = GT_BUF_INIT;
	S_entry(&e, 1, &b);
	cr_assert(strstr((char *)b.data, "\"data\":{\"text\":\"between\"},\"type\":\"t.note\""),
		  "%s", (char *)b.data);
	gt_buf_done(&b);
	gt_buf_done(&d0);
	gt_buf_done(&d1);
	S_env_done(&e);
}

Test(ledger, decide_sees_earlier_entries_of_the_batch)
{
	S_env e;
	S_env_init(&e, false);
	S_slot hold = {0}, s[4];
	memset(s, 0, sizeof(s));
	S_hold_writer(&e, &hold);
	S_submit(&e, "t.put", "acme", S_put_input("dup"), &s[0]);
	S_submit(&e, "t.put", "acme", S_put_input("dup"), &s[1]);
	S_submit(&e, "t.put", "acme", S_put_input("other"), &s[2]);
	S_submit(&e, "t.put", "acme", S_put_input("dup"), &s[3]);
	S_gate_open();
	S_wait_acks(5);
	cr_assert_eq(s[0].res.code, 0, "%s", s[0].res.msg);
	cr_assert_eq(s[0].res.first, 0);
	cr_assert_eq(s[1].res.code, GT_EEXIST);
	cr_assert_str_eq(s[1].res.msg, "thing \"dup\" already exists");
	cr_assert_eq(s[2].res.code, 0, "a rejection does not undo the earlier command");
	cr_assert_eq(s[2].res.first, 1);
	cr_assert_eq(s[3].res.code, GT_EEXIST);
	cr_assert_str_eq(s[0].res.at, s[2].res.at, "one batch");
	gt_ledger_stats st;
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_eq(st.batches, 1);
	cr_assert_eq(st.rejected, 2);
	cr_assert_eq(gt_log_sequenced(e.svc.log), 2);
	cr_assert(S_store_has(e.svc.store, "dup"));
	cr_assert(S_store_has(e.svc.store, "other"));
	S_env_done(&e);
}

/* ---- the decide context and time ----------------------------------------------------- */

Test(ledger, decide_context)
{
	S_env e;
	S_env_init(&e, false);
	S_put(&e, "x");
	gt_ledger_result res;
	cr_assert_eq(gt_ledger_call(e.ledger, "t.script", "acme", "charity",
				    tu_json("{\"pseudo\":\"  Bob@Example.org\"}"), &res),
		     0, "%s", res.msg);
	cr_assert_eq(json_integer_value(json_object_get(res.reply, "next")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "org")), "acme");
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "role")), "charity");
	char want[GT_PSEUDO_LEN + 1];
	cr_assert_eq(gt_pseudonym(e.svc.secret, "donor", "bob@example.org", want), 0);
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "ref")), want,
			 "pseudonyms use the ledger's secret");
	cr_assert_eq(res.count, 0, "a command may emit nothing");
	json_decref(res.reply);

	/* The system (no organisation) signs as "system". */
	cr_assert_eq(gt_ledger_call(e.ledger, "t.script", NULL, NULL,
				    tu_json("{\"emit\":[{\"type\":\"t.note\",\"data\":{}}]}"),
				    &res),
		     0, "%s", res.msg);
	cr_assert(json_is_null(json_object_get(res.reply, "org")));
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "role")), "");
	json_decref(res.reply);
	gt_buf b = GT_BUF_INIT;
	S_entry(&e, 1, &b);
	cr_assert(strstr((char *)b.data, ",\"by\":\"system\","), "%s", (char *)b.data);
	gt_buf_done(&b);

	/* Replies come back through gt_ledger_call. */
	cr_assert_eq(S_call(&e, "t.put", "acme", "{\"id\":\"y\"}", &res), 0);
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "id")), "y");
	cr_assert_eq(json_integer_value(json_object_get(res.reply, "index")), 2);
	json_decref(res.reply);
	S_env_done(&e);
}

static void S_at_is(S_env *e, int64_t want_ms)
{
	gt_ledger_result res;
	cr_assert_eq(S_call(e, "t.script", "acme", "{\"emit\":[{\"type\":\"t.note\",\"data\":{}}]}",
			    &res),
		     0, "%s", res.msg);
	char want[GT_TIME_LEN + 1];
	S_time(want_ms, want);
	cr_assert_str_eq(res.at, want);
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "at")), want);
	cr_assert_eq(json_integer_value(json_object_get(res.reply, "now")), want_ms);
	gt_buf b = GT_BUF_INIT;
	S_entry(e, res.first, &b);
	char env[64];
	snprintf(env, sizeof(env), "{\"at\":\"%s\",", want);
	cr_assert_eq(strncmp((char *)b.data, env, strlen(env)), 0, "%s", (char *)b.data);
	gt_buf_done(&b);
	json_decref(res.reply);
}

Test(ledger, at_never_goes_backwards)
{
	S_env e;
	atomic_store(&S_clock_ms, 1795341600123);
	S_env_init(&e, false);
	S_at_is(&e, 1795341600123);
	atomic_store(&S_clock_ms, 1795341500000); /* the clock steps back */
	S_at_is(&e, 1795341600123);
	atomic_store(&S_clock_ms, 1795341600124);
	S_at_is(&e, 1795341600124);
	atomic_store(&S_clock_ms, 1795341700000);
	S_at_is(&e, 1795341700000);

	/* Nor across a restart: the last entry's time is the floor. */
	S_ledger_close(&e);
	atomic_store(&S_clock_ms, 1000);
	S_ledger_open(&e);
	S_at_is(&e, 1795341700000);
	atomic_store(&S_clock_ms, 1795341700001);
	S_at_is(&e, 1795341700001);
	S_env_done(&e);
}

/* ---- replay ---------------------------------------------------------------------------- */

static struct {
	uint64_t calls, done, total;
} S_prog;

static void S_progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	cr_assert_geq(done, S_prog.done, "progress moves forward");
	S_prog.calls++;
	S_prog.done = done;
	S_prog.total = total;
}

static void S_copy_file(const char *from, const char *to)
{
	gt_buf b = GT_BUF_INIT;
	tu_read_path(from, &b);
	FILE *f = fopen(to, "wb");
	cr_assert_not_null(f, "%s", to);
	cr_assert_eq(fwrite(b.data, 1, b.len, f), b.len);
	cr_assert_eq(fclose(f), 0);
	gt_buf_done(&b);
}

/* Some history: things, notes, private rows, a rejection. */
static void S_history(S_env *e, int from, int to)
{
	for (int i = from; i < to; i++) {
		char id[16], in[256];
		snprintf(id, sizeof(id), "h%03d", i);
		S_put(e, id);
		snprintf(in, sizeof(in),
			 "{\"private\":\"p%d\",\"emit\":[{\"type\":\"t.note\",\"data\":{\"text\":"
			 "\"note %d é\",\"n\":%d}}]}",
			 i, i, i);
		gt_ledger_result res;
		cr_assert_eq(S_call(e, "t.script", i % 2 ? "acme" : NULL, in, &res), 0, "%s",
			     res.msg);
		json_decref(res.reply);
		cr_assert_eq(S_call(e, "t.put", "acme", "{\"id\":\"h000\"}", &res), GT_EEXIST);
	}
}

Test(ledger, replay_into_a_store_that_is_behind)
{
	S_env e;
	S_env_init(&e, false);
	S_history(&e, 0, 10);
	uint64_t k = gt_log_sequenced(e.svc.log);
	cr_assert_eq(k, 20);
	S_ledger_close(&e);
	gt_store_free(e.svc.store);
	/* A copy of the store as it was after k entries. */
	char *old = tu_join(e.svc.root, "old.db");
	S_copy_file(e.svc.db, old);
	if (tu_exists(e.svc.root, "store.db-wal")) {
		char *from = tu_join(e.svc.root, "store.db-wal"),
		     *to = tu_join(e.svc.root, "old.db-wal");
		S_copy_file(from, to);
		free(from);
		free(to);
	}
	e.svc.store = tu_store_open(e.svc.db);
	S_ledger_open(&e);
	S_history(&e, 10, 25);
	uint64_t n = gt_log_sequenced(e.svc.log);
	cr_assert_eq(n, 50);
	gt_buf live = GT_BUF_INIT, other = GT_BUF_INIT;
	S_dump(e.svc.store, false, &live);
	cr_assert(strstr((char *)live.data, "note 24 é"), "the dump shows the notes");
	S_ledger_close(&e);
	gt_store_free(e.svc.store);

	/* A fresh store: everything is replayed at open. */
	char *fresh = tu_join(e.svc.root, "fresh.db");
	e.svc.store = tu_store_open(fresh);
	cr_assert_eq(S_applied(e.svc.store), 0);
	e.opt.progress = S_progress;
	memset(&S_prog, 0, sizeof(S_prog));
	S_ledger_open(&e);
	cr_assert_eq(S_applied(e.svc.store), n);
	cr_assert_geq(S_prog.calls, 1);
	cr_assert_eq(S_prog.done, n);
	cr_assert_eq(S_prog.total, n);
	S_dump(e.svc.store, false, &other);
	cr_assert_str_eq((char *)other.data, (char *)live.data, "replay reproduces the store");
	/* And it goes on from there. */
	S_put(&e, "after");
	cr_assert_eq(S_applied(e.svc.store), n + 1);
	S_ledger_close(&e);
	gt_store_free(e.svc.store);

	/* The old copy: only the missing entries are replayed. */
	e.svc.store = tu_store_open(old);
	cr_assert_eq(S_applied(e.svc.store), k);
	memset(&S_prog, 0, sizeof(S_prog));
	gt_error err = {0};
	cr_assert_eq(gt_ledger_replay(e.svc.log, e.svc.store, S_modules, 1, S_progress, NULL, &err),
		     0, "%s", err.msg);
	cr_assert_eq(S_prog.total, n + 1 - k);
	cr_assert_eq(S_prog.done, n + 1 - k);
	cr_assert_eq(S_applied(e.svc.store), n + 1);
	/* Replay of an up-to-date store does nothing. */
	memset(&S_prog, 0, sizeof(S_prog));
	cr_assert_eq(gt_ledger_replay(e.svc.log, e.svc.store, S_modules, 1, S_progress, NULL, &err),
		     0);
	cr_assert_eq(S_prog.calls, 0);
	S_dump(e.svc.store, false, &other);
	gt_store *f = tu_store_open(fresh);
	S_dump(f, false, &live);
	gt_store_free(f);
	cr_assert_str_eq((char *)other.data, (char *)live.data,
			 "partial replay gives the same store");
	free(old);
	free(fresh);
	gt_buf_done(&live);
	gt_buf_done(&other);
	S_env_done(&e);
}

Test(ledger, store_ahead_of_the_log_is_corrupt)
{
	S_env e;
	S_env_init(&e, false);
	S_history(&e, 0, 2);
	S_ledger_close(&e);
	gt_log_free(e.svc.log);
	/* Another, shorter log with the same store. */
	char *pub = tu_join(e.svc.root, "pub2"), *state = tu_join(e.svc.root, "state2");
	gt_log_options o = e.svc.lopt;
	o.public_dir = pub;
	o.state_dir = state;
	gt_error err = {0};
	cr_assert_eq(gt_log_create(&o, &err), 0, "%s", err.msg);
	e.svc.log = tu_log_open(&o);
	e.opt.log = e.svc.log;
	gt_ledger *l = NULL;
	cr_assert_eq(gt_ledger_open(&e.opt, &l, &err), GT_ECORRUPT);
	cr_assert_null(l);
	cr_assert(strstr(err.msg, "the store has applied 4 entries but the log holds only 0"), "%s",
		  err.msg);
	cr_assert_eq(gt_ledger_replay(e.svc.log, e.svc.store, S_modules, 1, NULL, NULL, &err),
		     GT_ECORRUPT);
	/* Nothing was changed. */
	cr_assert_eq(S_applied(e.svc.store), 4);
	free(pub);
	free(state);
	S_env_done(&e);
}

/* Append raw bytes to the log as one entry. */
static void S_raw(S_env *e, const char *text)
{
	gt_bytes b = {(const uint8_t *)text, strlen(text)};
	uint64_t first;
	gt_error err = {0};
	cr_assert_eq(gt_log_append(e->svc.log, &b, 1, &first, &err), 0, "%s", err.msg);
}

Test(ledger, replay_refuses_bad_entries)
{
	static const struct {
		const char *entry, *msg;
	} cases[] = {
		{"{\"at\":\"2026-11-22T10:00:00.000Z\",\"by\":\"system\",\"data\":{},"
		 "\"type\":\"t.what\",\"v\":1}",
		 "entry 1 has an unknown type \"t.what\""},
		{"{\"v\":1,\"at\":\"2026-11-22T10:00:00.000Z\",\"by\":\"system\",\"data\":{},"
		 "\"type\":\"t.note\"}",
		 "entry 1 is not in canonical JSON form"},
		{"{\"at\":\"2026-11-22T10:00:00.000Z\",\"by\":\"system\",\"data\":{\"id\":\"h000\","
		 "\"name\":\"\"},\"type\":\"t.put\",\"v\":1}",
		 "replaying entry 1 (t.put)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		S_env e;
		S_env_init(&e, false);
		S_put(&e, "h000");
		S_ledger_close(&e);
		S_raw(&e, cases[i].entry);
		gt_store_free(e.svc.store);
		char *fresh = tu_join(e.svc.root, "fresh.db");
		e.svc.store = tu_store_open(fresh);
		e.opt.store = e.svc.store;
		gt_error err = {0};
		gt_ledger *l = NULL;
		cr_assert_eq(gt_ledger_open(&e.opt, &l, &err), GT_ECORRUPT, "case %zu", i);
		cr_assert(strstr(err.msg, cases[i].msg), "case %zu: %s", i, err.msg);
		/* The failed replay is rolled back as a whole. */
		cr_assert_eq(S_applied(e.svc.store), 0);
		free(fresh);
		S_env_done(&e);
	}
}

/* ---- entries --------------------------------------------------------------------------- */

static void S_parse_fails(const char *text, const char *want)
{
	json_t *root = (json_t *)0x1;
	gt_entry en;
	gt_error err = {0};
	int rc = gt_entry_parse((const uint8_t *)text, strlen(text), 7, &root, &en, &err);
	cr_assert_eq(rc, GT_ECORRUPT, "%s: %d", text, rc);
	cr_assert_eq(root, (json_t *)0x1, "*ret_root untouched");
	cr_assert(strstr(err.msg, want), "%s: \"%s\" lacks \"%s\"", text, err.msg, want);
}

#define S_OK_ENTRY                                                                             \
	"{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{\"a\":[1,\"é\"]," \
	"\"b\":null},\"type\":\"auth.org\",\"v\":1}"

Test(entry, parse_canonical)
{
	json_t *root = NULL;
	gt_entry en;
	gt_error err = {0};
	cr_assert_eq(gt_entry_parse((const uint8_t *)S_OK_ENTRY, strlen(S_OK_ENTRY), 42, &root, &en,
				    &err),
		     0, "%s", err.msg);
	cr_assert_eq(en.index, 42);
	cr_assert_str_eq(en.type, "auth.org");
	cr_assert_str_eq(en.at, "2026-11-22T10:00:00.123Z");
	cr_assert_str_eq(en.by, "org:acme");
	cr_assert(json_is_object(en.data));
	cr_assert_eq(json_object_size(en.data), 2);
	cr_assert_eq(en.data, json_object_get(root, "data"), "e points into the root");
	json_decref(root);
}

Test(entry, parse_refuses)
{
	const char *const E = "entry 7 is not a version-1 envelope";
	const char *const NC = "entry 7 is not in canonical JSON form";
	/* not canonical */
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\", \"by\":\"org:acme\",\"data\":{},"
		      "\"type\":\"t\",\"v\":1}",
		      NC);
	S_parse_fails("{\"by\":\"org:acme\",\"at\":\"2026-11-22T10:00:00.123Z\",\"data\":{},"
		      "\"type\":\"t\",\"v\":1}",
		      NC);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{\"b\":1,"
		      "\"a\":2},\"type\":\"t\",\"v\":1}",
		      NC);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:\\u00e9\",\"data\":{},"
		      "\"type\":\"t\",\"v\":1}",
		      NC);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{},"
		      "\"type\":\"t\",\"v\":1}\n",
		      NC);
	S_parse_fails(
		"{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{\"x\":-0},"
		"\"type\":\"t\",\"v\":1}",
		NC);
	S_parse_fails(
		"{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{\"x\":1.0},"
		"\"type\":\"t\",\"v\":1}",
		NC);
	/* wrong version */
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{},"
		      "\"type\":\"t\",\"v\":2}",
		      E);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{},"
		      "\"type\":\"t\",\"v\":\"1\"}",
		      E);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{},"
		      "\"type\":\"t\",\"v\":1.0}",
		      E);
	/* missing, extra or mistyped fields */
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{},"
		      "\"v\":1}",
		      E);
	S_parse_fails("{\"by\":\"org:acme\",\"data\":{},\"type\":\"t\",\"v\":1}", E);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"data\":{},\"type\":\"t\",\"v\":1}",
		      E);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"type\":\"t\","
		      "\"v\":1}",
		      E);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{},"
		      "\"extra\":0,\"type\":\"t\",\"v\":1}",
		      E);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":[],"
		      "\"type\":\"t\",\"v\":1}",
		      E);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":1,\"data\":{},"
		      "\"type\":\"t\",\"v\":1}",
		      E);
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{},"
		      "\"type\":null,\"v\":1}",
		      E);
	S_parse_fails("{\"at\":\"2026-02-30T10:00:00.123Z\",\"by\":\"org:acme\",\"data\":{},"
		      "\"type\":\"t\",\"v\":1}",
		      E);
	S_parse_fails("{\"at\":1795341600123,\"by\":\"org:acme\",\"data\":{},"
		      "\"type\":\"t\",\"v\":1}",
		      E);
	S_parse_fails("[1,2,3,4,5]", E);
	S_parse_fails("\"text\"", E);
	/* not JSON */
	S_parse_fails("", "entry 7 is not JSON: invalid JSON");
	S_parse_fails("{\"at\":", "entry 7 is not JSON");
	S_parse_fails("{\"at\":\"2026-11-22T10:00:00.123Z\",\"at\":\"2026-11-22T10:00:00.123Z\","
		      "\"by\":\"org:acme\",\"data\":{},\"type\":\"t\",\"v\":1}",
		      "entry 7 is not JSON");
}

Test(entry, size_limit)
{
	S_env e;
	atomic_store(&S_clock_ms, 1795341600123);
	S_env_init(&e, false);
	/* {"at":"<24>","by":"org:acme","data":{"text":"<S>"},"type":"t.note","v":1} */
	size_t overhead = strlen("{\"at\":\"2026-11-22T10:00:00.123Z\",\"by\":\"org:acme\","
				 "\"data\":{\"text\":\"\"},\"type\":\"t.note\",\"v\":1}");
	size_t fit = GT_ENTRY_MAX - overhead;
	char *s = malloc(fit + 2);
	cr_assert_not_null(s);
	memset(s, 'x', fit + 1);
	s[fit + 1] = 0;

	gt_ledger_result res;
	json_t *in = json_pack("{s:[{s:s, s:{s:s}}]}", "emit", "type", "t.note", "data", "text", s);
	cr_assert_eq(gt_ledger_call(e.ledger, "t.script", "acme", "ngo", in, &res), GT_ETOOBIG);
	cr_assert_str_eq(res.msg, "the entry would be 65536 bytes, over the limit of 65535");
	cr_assert_eq(gt_log_sequenced(e.svc.log), 0);

	s[fit] = 0;
	in = json_pack("{s:[{s:s, s:{s:s}}]}", "emit", "type", "t.note", "data", "text", s);
	cr_assert_eq(gt_ledger_call(e.ledger, "t.script", "acme", "ngo", in, &res), 0, "%s",
		     res.msg);
	json_decref(res.reply);
	gt_buf b = GT_BUF_INIT;
	S_entry(&e, 0, &b);
	cr_assert_eq(b.len, GT_ENTRY_MAX, "exactly at the limit is fine");
	gt_buf_done(&b);
	free(s);
	S_env_done(&e);
}

/* ---- admission ---------------------------------------------------------------------------- */

Test(ledger, queue_full)
{
	S_env e;
	memset(&e, 0, sizeof(e));
	S_env_init(&e, false);
	S_ledger_close(&e);
	e.opt.queue_max = 4;
	S_ledger_open(&e);
	S_slot hold = {0}, s[5];
	memset(s, 0, sizeof(s));
	S_hold_writer(&e, &hold);
	S_submit_puts(&e, "q", 4, s);
	cr_assert_eq(gt_ledger_submit(e.ledger, "t.put", "acme", "ngo", S_put_input("q4"), S_done,
				      &s[4]),
		     GT_EUNAVAIL);
	gt_ledger_result res;
	cr_assert_eq(S_call(&e, "t.put", "acme", "{\"id\":\"q5\"}", &res), GT_EUNAVAIL);
	cr_assert_str_eq(res.msg, gt_strerror(GT_EUNAVAIL));
	gt_ledger_stats st;
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_eq(st.queued, 4);
	S_gate_open();
	S_wait_acks(5);
	cr_assert_eq(atomic_load(&s[4].calls), 0, "a refused command is never called back");
	for (int i = 0; i < 4; i++)
		cr_assert_eq(s[i].res.code, 0, "%s", s[i].res.msg);
	/* Room again. */
	S_put(&e, "q4");
	cr_assert_eq(gt_log_sequenced(e.svc.log), 5);
	S_env_done(&e);
}

Test(ledger, unknown_type)
{
	S_env e;
	S_env_init(&e, false);
	S_slot s = {0};
	cr_assert_eq(
		gt_ledger_submit(e.ledger, "t.missing", "acme", "ngo", json_object(), S_done, &s),
		GT_ENOTFOUND);
	/* A type that is only emitted cannot be submitted. */
	cr_assert_eq(gt_ledger_submit(e.ledger, "t.note", "acme", "ngo", json_object(), S_done, &s),
		     GT_ENOTFOUND);
	gt_ledger_result res;
	cr_assert_eq(S_call(&e, "t.missing", "acme", "{}", &res), GT_ENOTFOUND);
	cr_assert_str_eq(res.msg, "unknown command type");
	/* An over-long organisation or role. */
	char org[128];
	memset(org, 'o', sizeof(org) - 1);
	org[sizeof(org) - 1] = 0;
	cr_assert_eq(gt_ledger_submit(e.ledger, "t.put", org, "ngo", S_put_input("x"), S_done, &s),
		     GT_EINVAL);
	S_ledger_close(&e);
	cr_assert_eq(atomic_load(&s.calls), 0);
	cr_assert_eq(gt_log_sequenced(e.svc.log), 0);
	S_env_done(&e);
}

Test(ledger, registry_checked_at_open)
{
	static const gt_entry_type bad_names[][1] = {
		{{"T.put", S_put_decide, S_put_apply}}, {{"t..put", S_put_decide, S_put_apply}},
		{{".t", S_put_decide, S_put_apply}},	{{"t.", S_put_decide, S_put_apply}},
		{{"", S_put_decide, S_put_apply}},	{{"t-put", S_put_decide, S_put_apply}},
	};
	S_env e;
	S_env_init(&e, false);
	S_ledger_close(&e);
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		gt_module m = {"bad", bad_names[i], 1};
		const gt_module *mods[] = {&m};
		gt_ledger_options o = e.opt;
		o.modules = mods;
		o.nmodules = 1;
		gt_ledger *l = NULL;
		gt_error err = {0};
		cr_assert_eq(gt_ledger_open(&o, &l, &err), GT_EINVAL, "name \"%s\"",
			     bad_names[i][0].type);
		cr_assert(strstr(err.msg, "bad entry type name"), "%s", err.msg);
	}
	/* The same type in two modules. */
	static const gt_entry_type again[] = {{"t.note", NULL, S_note_apply}};
	gt_module m2 = {"again", again, 1};
	const gt_module *mods[] = {&S_module, &m2};
	gt_ledger_options o = e.opt;
	o.modules = mods;
	o.nmodules = 2;
	gt_ledger *l = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_ledger_open(&o, &l, &err), GT_EEXIST);
	cr_assert_str_eq(err.msg, "entry type t.note is registered twice");
	/* Missing parts. */
	o = e.opt;
	o.secret = NULL;
	cr_assert_eq(gt_ledger_open(&o, &l, &err), GT_EINVAL);
	S_env_done(&e);
}

/* ---- counters and shutdown ------------------------------------------------------------------ */

Test(ledger, stats)
{
	S_env e;
	S_env_init(&e, false);
	gt_ledger_stats st;
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_eq(st.commands + st.rejected + st.entries + st.batches + st.queued, 0);
	cr_assert_not(st.failed);
	S_put(&e, "s1");
	S_put(&e, "s2");
	gt_ledger_result res;
	cr_assert_eq(S_call(&e, "t.put", "acme", "{\"id\":\"s1\"}", &res), GT_EEXIST);
	cr_assert_eq(S_call(&e, "t.script", "acme", "{\"private\":\"only\"}", &res), 0, "%d %s",
		     res.code, res.msg);
	json_decref(res.reply);
	cr_assert_eq(S_call(&e, "t.script", "acme",
			    "{\"emit\":[{\"type\":\"t.note\",\"data\":{}},"
			    "{\"type\":\"t.note\",\"data\":{}},{\"type\":\"t.note\",\"data\":{}}]}",
			    &res),
		     0);
	json_decref(res.reply);
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_eq(st.commands, 5);
	cr_assert_eq(st.rejected, 1);
	cr_assert_eq(st.entries, 5);
	cr_assert_eq(st.batches, 3, "batches that wrote entries");
	static const uint64_t hist[GT_LEDGER_BATCH_BUCKETS] = {2, 3, 3, 3, 3, 3, 3, 3};
	for (int i = 0; i < GT_LEDGER_BATCH_BUCKETS; i++)
		cr_assert_eq(st.batch_hist[i], hist[i], "bucket %d: %llu", i, U(st.batch_hist[i]));
	cr_assert_gt(st.sync_ns_total, 0);
	cr_assert_gt(st.sync_ns_max, 0);
	cr_assert_leq(st.sync_ns_max, st.sync_ns_total);
	cr_assert_eq(st.queued, 0);
	cr_assert_not(st.failed);
	S_env_done(&e);
}

static void *S_free_run(void *arg)
{
	gt_ledger_free(arg);
	return NULL;
}

Test(ledger, free_drains_the_queue)
{
	S_env e;
	S_env_init(&e, false);
	S_slot hold = {0}, s[20];
	memset(s, 0, sizeof(s));
	S_hold_writer(&e, &hold);
	S_submit_puts(&e, "d", 20, s);
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, S_free_run, e.ledger), 0);
	usleep(50 * 1000);
	cr_assert_eq(S_acks_now(), 0);
	cr_assert_eq(pthread_tryjoin_np(th, NULL), EBUSY, "free waits for the queued commands");
	S_gate_open();
	pthread_join(th, NULL);
	e.ledger = NULL;
	cr_assert_eq(S_acks_now(), 21);
	cr_assert_eq(atomic_load(&hold.calls), 1);
	for (int i = 0; i < 20; i++) {
		cr_assert_eq(atomic_load(&s[i].calls), 1);
		cr_assert_eq(s[i].res.code, 0, "%s", s[i].res.msg);
		cr_assert_eq(s[i].res.first, (uint64_t)i);
	}
	cr_assert_eq(gt_log_size(e.svc.log), 20, "stopping published every entry");
	cr_assert_eq(gt_log_pending(e.svc.log), 0);
	cr_assert_eq(S_applied(e.svc.store), 20);
	S_env_done(&e);
	gt_ledger_free(NULL);
}

/* ---- a failed append ------------------------------------------------------------------------ */

Test(ledger, failed_append_fails_the_batch_and_stops_the_ledger)
{
	S_env e;
	S_env_init(&e, false);
	/* A file where the log wants its tile directory: the first append fails. */
	cr_assert_not(tu_exists(e.svc.pub, "tile"));
	tu_write(e.svc.pub, "tile", "x", 1);
	gt_buf d0 = GT_BUF_INIT, d1 = GT_BUF_INIT;
	S_dump(e.svc.store, true, &d0);

	/* A lone command is appended and published before it is answered. */
	gt_ledger_result res;
	cr_assert_eq(S_call(&e, "t.script", "acme",
			    "{\"private\":\"p\",\"emit\":[{\"type\":"
			    "\"t.note\",\"data\":{\"k\":1}}]}",
			    &res),
		     GT_EIO, "%s", res.msg);
	cr_assert(res.msg[0]);
	cr_assert_eq(res.count, 0);
	json_decref(res.reply);

	gt_ledger_stats st;
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert(st.failed);
	cr_assert_eq(st.entries, 0);
	cr_assert_eq(S_call(&e, "t.put", "acme", "{\"id\":\"c\"}", &res), GT_EUNAVAIL);
	cr_assert_eq(gt_log_sequenced(e.svc.log), 0);
	S_dump(e.svc.store, true, &d1);
	cr_assert_str_eq((char *)d1.data, (char *)d0.data,
			 "the store is unchanged, its private area too");
	gt_buf_done(&d0);
	gt_buf_done(&d1);
	S_env_done(&e);
}

Test(ledger, failed_integration_keeps_what_was_acknowledged)
{
	/* Under load a batch is acknowledged once its journal record is
	 * durable; if integrating it into tiles then fails, the ledger stops,
	 * and the next open of the log integrates the acknowledged entries. */
	S_env e;
	S_env_init(&e, false);
	tu_write(e.svc.pub, "tile", "x", 1);
	S_slot hold = {0}, s[4];
	memset(s, 0, sizeof(s));
	S_hold_writer(&e, &hold);
	S_submit(&e, "t.put", "acme", S_put_input("a"), &s[0]);
	S_submit(&e, "t.put", "acme", S_put_input("a"), &s[1]);
	S_submit(&e, "t.script", "acme", tu_json("{\"private\":\"p\"}"), &s[2]);
	S_submit(&e, "t.put", "acme", S_put_input("b"), &s[3]);
	S_gate_open();
	S_wait_acks(5);
	cr_assert_eq(s[0].res.code, 0, "%s", s[0].res.msg);
	cr_assert_eq(s[1].res.code, GT_EEXIST);
	cr_assert_eq(s[2].res.code, 0, "%s", s[2].res.msg);
	cr_assert_eq(s[3].res.code, 0, "%s", s[3].res.msg);
	cr_assert_eq(gt_log_sequenced(e.svc.log), 2, "durable in the journal");
	cr_assert_eq(gt_log_size(e.svc.log), 0, "not yet published");
	/* The integrator runs within its interval and fails. */
	gt_ledger_stats st;
	for (int i = 0; i < 5000; i++) {
		gt_ledger_stats_get(e.ledger, &st);
		if (st.failed)
			break;
		usleep(1000);
	}
	cr_assert(st.failed, "a failed integration stops the ledger");
	gt_ledger_result res;
	cr_assert_eq(S_call(&e, "t.put", "acme", "{\"id\":\"c\"}", &res), GT_EUNAVAIL);
	cr_assert_eq(S_applied(e.svc.store), 2);
	S_ledger_close(&e);
	gt_log_free(e.svc.log);
	e.svc.log = NULL;
	/* While the obstacle stays, the log does not open; it loses nothing. */
	gt_log *log = NULL;
	gt_error err = {0};
	cr_assert_lt(gt_log_open(&e.svc.lopt, &log, &err), 0);
	cr_assert_null(log);
	char *tile = tu_join(e.svc.pub, "tile");
	cr_assert_eq(unlink(tile), 0);
	free(tile);
	e.svc.log = tu_log_open(&e.svc.lopt);
	cr_assert_eq(gt_log_size(e.svc.log), 2, "the acknowledged entries were integrated");
	S_ledger_open(&e);
	cr_assert_eq(S_applied(e.svc.store), 2);
	cr_assert(S_store_has(e.svc.store, "a"));
	cr_assert(S_store_has(e.svc.store, "b"));
	S_env_done(&e);
}

/* ---- large batches and long replays -----------------------------------------------------------
 */

/* A t.script input emitting n notes. */
static json_t *S_notes(size_t n, size_t tag)
{
	json_t *emit = json_array();
	for (size_t i = 0; i < n; i++) {
		char text[32];
		snprintf(text, sizeof(text), "n%zu-%zu", tag, i);
		json_array_append_new(
			emit, json_pack("{s:s, s:{s:s}}", "type", "t.note", "data", "text", text));
	}
	return json_pack("{s:o}", "emit", emit);
}

Test(ledger, long_commands_and_replay_in_several_transactions)
{
	S_env e;
	S_env_init(&e, false);
	/* 3 commands of 3000 entries: more than the replay commits at once. */
	for (size_t k = 0; k < 3; k++) {
		gt_ledger_result res;
		cr_assert_eq(
			gt_ledger_call(e.ledger, "t.script", "acme", "ngo", S_notes(3000, k), &res),
			0, "%s", res.msg);
		cr_assert_eq(res.first, 3000 * k);
		cr_assert_eq(res.count, 3000);
		json_decref(res.reply);
	}
	cr_assert_eq(gt_log_sequenced(e.svc.log), 9000);
	gt_buf live = GT_BUF_INIT, other = GT_BUF_INIT;
	S_dump(e.svc.store, false, &live);
	S_ledger_close(&e);
	gt_store_free(e.svc.store);
	char *fresh = tu_join(e.svc.root, "fresh.db");
	e.svc.store = tu_store_open(fresh);
	memset(&S_prog, 0, sizeof(S_prog));
	e.opt.progress = S_progress;
	S_ledger_open(&e);
	cr_assert_eq(S_prog.calls, 2, "a commit (and progress) after 8192 entries and at the end");
	cr_assert_eq(S_prog.done, 9000);
	cr_assert_eq(S_prog.total, 9000);
	S_dump(e.svc.store, false, &other);
	cr_assert_str_eq((char *)other.data, (char *)live.data);
	free(fresh);
	gt_buf_done(&live);
	gt_buf_done(&other);
	S_env_done(&e);
}

Test(ledger, busy_store_fails_the_batch_not_the_ledger, .timeout = 60)
{
	/* Another process holds the store's write lock past the busy timeout
	 * (e.g. `goodtrace token create` stuck): that batch fails with
	 * GT_EBUSY and nothing is written, and the ledger goes on. */
	S_env e;
	S_env_init(&e, false);
	gt_store *other = tu_store_open(e.svc.db);
	gt_error err = {0};
	cr_assert_eq(gt_store_begin(gt_store_writer(other), &err), 0, "%s", err.msg);
	gt_ledger_result res;
	uint64_t size = gt_log_sequenced(e.svc.log);
	cr_assert_eq(S_call(&e, "t.put", "acme", "{\"id\":\"x\",\"name\":\"n\"}", &res), GT_EBUSY,
		     "%s", res.msg);
	json_decref(res.reply);
	cr_assert_eq(gt_log_sequenced(e.svc.log), size, "nothing was appended");
	gt_ledger_stats st;
	gt_ledger_stats_get(e.ledger, &st);
	cr_assert_not(st.failed, "a busy store does not stop the ledger");
	gt_store_rollback(gt_store_writer(other));
	gt_store_free(other);
	cr_assert_eq(S_call(&e, "t.put", "acme", "{\"id\":\"x\",\"name\":\"n\"}", &res), 0, "%s",
		     res.msg);
	json_decref(res.reply);
	cr_assert_eq(gt_log_sequenced(e.svc.log), size + 1);
	S_env_done(&e);
}
