/* The sequencer: one writer thread that drains the command queue, decides
 * each command in one store transaction, makes the batch's entries durable
 * in the log with one sync, commits, then acknowledges.
 *
 * Under load the durable step is the log's journal (gt_log_sequence: one
 * small fdatasync), and a second thread integrates the entries into tiles
 * and a signed checkpoint (a much costlier sync) when commands pause, or
 * at the latest checkpoint_ms after the first of them. A lone command,
 * with nothing queued behind it, is appended and published at once, so a
 * quiet log's checkpoint already holds an entry when its request is
 * answered. */
#include "ledger/ledger_int.h"

#include "core/time.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct gt_cmd {
	struct gt_cmd *next;
	const gt_entry_type *type;
	char org[64];
	char role[32];
	bool has_org;
	json_t *input;
	gt_ledger_done_fn done;
	void *arg;
	gt_ledger_result res;
} gt_cmd;

struct gt_ledger {
	gt_log *log;
	gt_store *store;
	uint8_t secret[GT_PSEUDO_KEY_LEN];
	const gt_module *const *modules;
	size_t nmodules;
	size_t queue_max, batch_max;
	int64_t (*clock)(void *);
	void *clock_arg;
	int64_t last_ms;

	pthread_mutex_t mu;
	pthread_cond_t wake;
	gt_cmd *head, *tail;
	size_t queued;
	bool stopping, failed;
	pthread_t thread;
	bool started;
	gt_ledger_stats stats;
	/* The integrator thread (S_integrator), under mu. */
	pthread_t ithread;
	pthread_cond_t iwake;
	bool istarted, istop;
	bool iwant;		/* entries wait for integration */
	uint64_t pending_since; /* monotonic ns of the first of them */
	uint64_t idle_since;	/* when the sequencer began waiting, or 0 */
	uint64_t integrate_ns;	/* gt_ledger_options.checkpoint_ms */

	/* The batch being built (writer thread only). */
	gt_buf bytes; /* every entry of the batch, back to back */
	size_t *ends; /* end offset of each entry in bytes */
	size_t nentries, cap_entries;
	uint64_t base; /* log size when the batch started */
	uint64_t rollbacks; /* batches rolled back (gt_decide_rollbacks) */
	/* Modules' states (gt_ledger_state), under state_mu. */
	pthread_mutex_t state_mu;
	struct {
		const char *key;
		void *state;
		void (*free_fn)(void *);
	} states[GT_LEDGER_STATES];
	char at[GT_TIME_LEN + 1];
	int64_t at_ms;
};

struct gt_decide {
	gt_ledger *l;
	gt_cmd *cmd;
	json_t *reply;
};

/* ---- decide context -------------------------------------------------------- */

void *gt_ledger_state(gt_ledger *l, const char *key, void *(*create)(void),
		      void (*free_fn)(void *))
{
	void *state = NULL;
	pthread_mutex_lock(&l->state_mu);
	size_t i = 0;
	while (i < GT_LEDGER_STATES && l->states[i].key && strcmp(l->states[i].key, key) != 0)
		i++;
	if (i < GT_LEDGER_STATES && l->states[i].key)
		state = l->states[i].state;
	else if (i < GT_LEDGER_STATES && (state = create()) != NULL) {
		l->states[i].key = key;
		l->states[i].state = state;
		l->states[i].free_fn = free_fn;
	}
	pthread_mutex_unlock(&l->state_mu);
	return state;
}

uint64_t gt_decide_rollbacks(gt_decide *d)
{
	return __atomic_load_n(&d->l->rollbacks, __ATOMIC_ACQUIRE);
}

void *gt_decide_state(gt_decide *d, const char *key, void *(*create)(void),
		      void (*free_fn)(void *))
{
	return gt_ledger_state(d->l, key, create, free_fn);
}

gt_store_conn *gt_decide_conn(gt_decide *d)
{
	return gt_store_writer(d->l->store);
}

const char *gt_decide_org(gt_decide *d)
{
	return d->cmd->has_org ? d->cmd->org : NULL;
}

const char *gt_decide_role(gt_decide *d)
{
	return d->cmd->role;
}

const char *gt_decide_at(gt_decide *d)
{
	return d->l->at;
}

int64_t gt_decide_now_ms(gt_decide *d)
{
	return d->l->at_ms;
}

uint64_t gt_decide_next_index(gt_decide *d)
{
	return d->l->base + d->l->nentries;
}

void gt_decide_reply(gt_decide *d, json_t *reply)
{
	json_decref(d->reply);
	d->reply = reply;
}

void gt_decide_pseudonym(gt_decide *d, const char *kind, const char *identifier,
			 char out[GT_PSEUDO_LEN + 1])
{
	if (gt_pseudonym(d->l->secret, kind, identifier, out) < 0)
		out[0] = 0;
}

int gt_decide_emit(gt_decide *d, const char *type, json_t *data, uint64_t *ret_index, gt_error *err)
{
	gt_ledger *l = d->l;
	int rc = 0;
	char by[80];
	size_t start = l->bytes.len;
	if (!gt_registry_find(l->modules, l->nmodules, type)) {
		rc = gt_fail(err, GT_EINVAL, "entry type %s is not registered", type);
		goto out;
	}
	if (l->nentries == l->cap_entries) {
		size_t cap = l->cap_entries ? 2 * l->cap_entries : 1024;
		size_t *p = realloc(l->ends, cap * sizeof(*p));
		if (!p) {
			rc = gt_fail(err, GT_ENOMEM, "out of memory");
			goto out;
		}
		l->ends = p;
		l->cap_entries = cap;
	}
	/* A person acting with their own key (the role "volunteer") is written
	 * as "volunteer": the command's org is then their private id, which
	 * never reaches the log (the entry carries their pseudonym). */
	if (d->cmd->has_org && strcmp(d->cmd->role, "volunteer") == 0)
		snprintf(by, sizeof(by), "volunteer");
	else if (d->cmd->has_org && strcmp(d->cmd->role, "user") == 0)
		snprintf(by, sizeof(by), "user");
	else if (d->cmd->has_org)
		snprintf(by, sizeof(by), "org:%s", d->cmd->org);
	else
		snprintf(by, sizeof(by), "system");
	rc = gt_entry_build(type, l->at, by, data, &l->bytes, err);
	if (rc < 0)
		goto out;
	/* Applied from the values the entry was built from: the same JSON
	 * values replay will parse back from its canonical text (strings and
	 * integers only), so live and replayed stores come out identical. */
	uint64_t index = l->base + l->nentries;
	gt_entry e = {.index = index, .type = type, .at = l->at, .by = by, .data = data};
	rc = gt_entry_apply(gt_store_writer(l->store), l->modules, l->nmodules, &e, err);
	if (rc < 0) {
		l->bytes.len = start;
		l->bytes.data[start] = 0;
		goto out;
	}
	l->ends[l->nentries++] = l->bytes.len;
	if (ret_index)
		*ret_index = index;
out:
	json_decref(data);
	return rc;
}

/* ---- the writer thread ----------------------------------------------------- */

static void S_result(gt_cmd *c, int code, const gt_error *err)
{
	c->res.code = code;
	if (code < 0)
		snprintf(c->res.msg, sizeof(c->res.msg), "%s",
			 err && err->msg[0] ? err->msg : gt_strerror(code));
}

static void S_stats_batch(gt_ledger *l, size_t ncmd, size_t nrejected, size_t nentries,
			  uint64_t sync_ns, uint64_t decide_ns, uint64_t commit_ns)
{
	static const size_t bounds[GT_LEDGER_BATCH_BUCKETS - 1] = {1, 4, 16, 64, 256, 1024, 4096};
	pthread_mutex_lock(&l->mu);
	gt_ledger_stats *s = &l->stats;
	s->commands += ncmd;
	s->rejected += nrejected;
	s->entries += nentries;
	s->decide_ns_total += decide_ns;
	s->commit_ns_total += commit_ns;
	if (nentries > 0) {
		s->batches++;
		for (size_t i = 0; i < GT_LEDGER_BATCH_BUCKETS; i++)
			if (i == GT_LEDGER_BATCH_BUCKETS - 1 || nentries <= bounds[i])
				s->batch_hist[i]++;
		s->sync_ns_total += sync_ns;
		if (sync_ns > s->sync_ns_max)
			s->sync_ns_max = sync_ns;
	}
	pthread_mutex_unlock(&l->mu);
}

/* Entries sequenced under load are integrated into tiles and a published
 * checkpoint by a second thread, integrate_ns after the first of them, or
 * once the sequencer has had nothing to do for a 25th of that; meanwhile
 * the sequencer goes on sequencing. Each integration ends with a sync of
 * the whole log, so fewer, larger ones leave more of the machine to
 * requests. */
#define S_CHECKPOINT_MS 50

/* Tell the integrator that entries wait (from now, if none did). */
static void S_integrate_soon(gt_ledger *l)
{
	pthread_mutex_lock(&l->mu);
	if (!l->iwant) {
		l->iwant = true;
		l->pending_since = gt_time_mono_ns();
		pthread_cond_signal(&l->iwake);
	}
	pthread_mutex_unlock(&l->mu);
}

static void *S_integrator(void *arg)
{
	gt_ledger *l = arg;
	pthread_mutex_lock(&l->mu);
	for (;;) {
		while (!l->istop && !l->iwant)
			pthread_cond_wait(&l->iwake, &l->mu);
		if (!l->iwant)
			break;
		for (;;) {
			uint64_t due = l->pending_since + l->integrate_ns;
			if (l->idle_since && l->idle_since + l->integrate_ns / 25 < due)
				due = l->idle_since + l->integrate_ns / 25;
			if (l->istop || gt_time_mono_ns() >= due)
				break;
			struct timespec ts = {.tv_sec = (time_t)(due / 1000000000u),
					      .tv_nsec = (long)(due % 1000000000u)};
			pthread_cond_timedwait(&l->iwake, &l->mu, &ts);
		}
		l->iwant = false;
		pthread_mutex_unlock(&l->mu);
		/* A lone command's append may have integrated them already. */
		bool work = gt_log_pending(l->log) > 0;
		gt_error err;
		uint64_t t0 = gt_time_mono_ns();
		int rc = work ? gt_log_integrate(l->log, &err) : 0;
		uint64_t t1 = gt_time_mono_ns();
		pthread_mutex_lock(&l->mu);
		/* Like a failed append: the entries are durable in the journal,
		 * the next start integrates them; stop writing until then. */
		if (rc < 0)
			l->failed = true;
		if (work) {
			l->stats.integrations++;
			l->stats.integrate_ns_total += t1 - t0;
		}
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* Entries in one batch at most: a batch stops taking commands once it has
 * this many, so memory stays bounded whatever the commands emit. */
#define S_BATCH_ENTRIES 16384

/* Decide, append and apply one batch of commands; sets each result.
 * Returns the commands left undecided (the batch was full), cut off the
 * list, for the caller to queue again. */
static gt_cmd *S_batch(gt_ledger *l, gt_cmd *batch)
{
	gt_cmd *leftover = NULL;
	gt_store_conn *w = gt_store_writer(l->store);
	gt_error err = {0};
	size_t ncmd = 0, nrejected = 0;
	uint64_t sync_ns = 0;
	bool durable = false;	/* the batch's entries are in the log */
	bool appending = false; /* the log append was tried */

	int64_t now = l->clock ? l->clock(l->clock_arg) : gt_time_now_ms();
	if (now < l->last_ms)
		now = l->last_ms;
	l->last_ms = l->at_ms = now;
	gt_time_format(now, l->at);
	l->base = gt_log_end(l->log);
	l->nentries = 0;
	gt_buf_reset(&l->bytes);

	uint64_t t_start = gt_time_mono_ns();
	int rc = gt_store_begin(w, &err);
	for (gt_cmd *c = batch, *prev = NULL; c && rc == 0; prev = c, c = c->next) {
		if (prev && l->nentries >= S_BATCH_ENTRIES) {
			prev->next = NULL;
			leftover = c;
			break;
		}
		ncmd++;
		size_t first = l->nentries, bytes_before = l->bytes.len;
		gt_error cerr = {0};
		int crc = gt_store_savepoint(w, &cerr);
		if (crc < 0) {
			rc = crc;
			err = cerr;
			break;
		}
		gt_decide d = {.l = l, .cmd = c};
		crc = c->type->decide(&d, c->input, &cerr);
		if (crc < 0) {
			nrejected++;
			json_decref(d.reply);
			if (gt_store_rollback_to(w, &err) < 0) {
				rc = err.code ? err.code : GT_EIO;
				break;
			}
			l->nentries = first;
			l->bytes.len = bytes_before;
			if (l->bytes.data)
				l->bytes.data[bytes_before] = 0;
			S_result(c, crc, &cerr);
			continue;
		}
		if (gt_store_release(w, &err) < 0) {
			rc = err.code ? err.code : GT_EIO;
			json_decref(d.reply);
			break;
		}
		c->res.code = 0;
		c->res.first = l->base + first;
		c->res.count = l->nentries - first;
		c->res.reply = d.reply;
		json_decref(c->input);
		c->input = NULL;
	}

	uint64_t t_decided = gt_time_mono_ns();
	if (rc == 0 && l->nentries > 0) {
		gt_bytes *v = malloc(l->nentries * sizeof(*v));
		if (!v) {
			rc = gt_fail(&err, GT_ENOMEM, "out of memory for the batch");
		} else {
			size_t off = 0;
			for (size_t i = 0; i < l->nentries; i++) {
				v[i] = (gt_bytes){l->bytes.data + off, l->ends[i] - off};
				off = l->ends[i];
			}
			uint64_t t0 = gt_time_mono_ns(), first = 0;
			appending = true;
			/* A lone command with nothing queued behind it is
			 * published before it is answered; under load, batches
			 * are sequenced and integrated together. */
			bool busy = ncmd > 1 || gt_log_pending(l->log) > 0;
			pthread_mutex_lock(&l->mu);
			busy = busy || l->head != NULL;
			pthread_mutex_unlock(&l->mu);
			if (busy) {
				rc = gt_log_sequence(l->log, v, l->nentries, &first, &err);
				if (rc == 0)
					S_integrate_soon(l);
			} else {
				rc = gt_log_append(l->log, v, l->nentries, &first, &err);
			}
			sync_ns = gt_time_mono_ns() - t0;
			free(v);
			durable = rc == 0;
			if (rc == 0 && first != l->base)
				rc = gt_fail(&err, GT_ECORRUPT,
					     "the log grew under the sequencer (%llu, not %llu)",
					     (unsigned long long)first,
					     (unsigned long long)l->base);
		}
	}
	if (rc == 0)
		rc = gt_store_set_applied(w, l->base + l->nentries, &err);
	if (rc == 0)
		rc = gt_store_commit(w, &err);
	uint64_t t_committed = gt_time_mono_ns();
	if (rc < 0) {
		gt_store_rollback(w);
		__atomic_add_fetch(&l->rollbacks, 1, __ATOMIC_RELEASE);
		/* Before the append nothing happened: this batch fails (a busy
		 * store is worth a retry) and the next one starts afresh. From
		 * the append on, the log or the store is in doubt: stop writing
		 * until a restart recovers the log and replays it into the store. */
		if (appending) {
			pthread_mutex_lock(&l->mu);
			l->failed = true;
			pthread_mutex_unlock(&l->mu);
		}
	}
	int fail_code = rc == GT_ENOMEM ? GT_ENOMEM : rc == GT_EBUSY ? GT_EBUSY : GT_EIO;
	for (gt_cmd *c = batch; c; c = c->next) {
		if (rc < 0 && c->res.code == 0 && !(durable && c->res.count > 0)) {
			/* Not decided, or decided but neither durable nor committed. */
			json_decref(c->res.reply);
			c->res.reply = NULL;
			c->res.count = 0;
			S_result(c, fail_code, &err);
		}
		if (c->res.count > 0 || c->res.code == 0)
			gt_time_format(l->at_ms, c->res.at);
	}
	S_stats_batch(l, ncmd, nrejected, rc == 0 ? l->nentries : 0, sync_ns, t_decided - t_start,
		      t_committed - t_decided - sync_ns);
	return leftover;
}

static void *S_thread(void *arg)
{
	gt_ledger *l = arg;
	for (;;) {
		pthread_mutex_lock(&l->mu);
		if (!l->head && l->iwant) {
			/* Idle: the integrator need not wait the whole interval. */
			l->idle_since = gt_time_mono_ns();
			pthread_cond_signal(&l->iwake);
		}
		while (!l->head && !l->stopping)
			pthread_cond_wait(&l->wake, &l->mu);
		l->idle_since = 0;
		if (!l->head) {
			pthread_mutex_unlock(&l->mu);
			break;
		}
		gt_cmd *batch = l->head, *last = l->head;
		size_t n = 1;
		while (last->next && n < l->batch_max) {
			last = last->next;
			n++;
		}
		l->head = last->next;
		if (!l->head)
			l->tail = NULL;
		last->next = NULL;
		l->queued -= n;
		bool failed = l->failed;
		pthread_mutex_unlock(&l->mu);

		if (failed) {
			for (gt_cmd *c = batch; c; c = c->next) {
				gt_error e;
				gt_fail(&e, GT_EUNAVAIL,
					"the ledger stopped after a write failure");
				S_result(c, GT_EUNAVAIL, &e);
			}
		} else {
			gt_cmd *left = S_batch(l, batch);
			if (left) {
				gt_cmd *t = left;
				size_t k = 1;
				while (t->next) {
					t = t->next;
					k++;
				}
				pthread_mutex_lock(&l->mu);
				t->next = l->head;
				l->head = left;
				if (!l->tail)
					l->tail = t;
				l->queued += k;
				pthread_mutex_unlock(&l->mu);
			}
		}
		while (batch) {
			gt_cmd *next = batch->next;
			batch->done(batch->arg, &batch->res);
			json_decref(batch->res.reply);
			json_decref(batch->input);
			free(batch);
			batch = next;
		}
	}
	return NULL;
}

/* ---- lifecycle ------------------------------------------------------------- */

/* The time of the log's last entry, so that "at" never goes backwards
 * across restarts. */
static int S_last_time(gt_ledger *l, gt_error *err)
{
	uint64_t n = gt_log_size(l->log);
	if (n == 0)
		return 0;
	gt_buf b = GT_BUF_INIT;
	json_t *root = NULL;
	gt_entry e;
	int rc = gt_log_entry(l->log, n - 1, &b, err);
	if (rc == 0)
		rc = gt_entry_parse(b.data, b.len, n - 1, &root, &e, err);
	if (rc == 0)
		rc = gt_time_parse(e.at, &l->last_ms);
	json_decref(root);
	gt_buf_done(&b);
	return rc;
}

int gt_ledger_open(const gt_ledger_options *opt, gt_ledger **ret, gt_error *err)
{
	if (!opt->log || !opt->store || !opt->secret)
		return gt_fail(err, GT_EINVAL, "the ledger needs a log, a store and a secret");
	int rc = gt_registry_check(opt->modules, opt->nmodules, err);
	if (rc < 0)
		return rc;
	rc = gt_ledger_replay(opt->log, opt->store, opt->modules, opt->nmodules, opt->progress,
			      opt->progress_arg, err);
	if (rc < 0)
		return rc;
	gt_ledger *l = calloc(1, sizeof(*l));
	if (!l)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	l->log = opt->log;
	l->store = opt->store;
	memcpy(l->secret, opt->secret, sizeof(l->secret));
	l->modules = opt->modules;
	l->nmodules = opt->nmodules;
	l->queue_max = opt->queue_max ? opt->queue_max : 65536;
	l->batch_max = opt->batch_max ? opt->batch_max : 4096;
	l->integrate_ns =
		(uint64_t)(opt->checkpoint_ms ? opt->checkpoint_ms : S_CHECKPOINT_MS) * 1000000u;
	l->clock = opt->clock;
	l->clock_arg = opt->clock_arg;
	pthread_mutex_init(&l->mu, NULL);
	pthread_mutex_init(&l->state_mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* gt_time_mono_ns's clock */
	pthread_cond_init(&l->wake, &ca);
	pthread_cond_init(&l->iwake, &ca);
	pthread_condattr_destroy(&ca);
	rc = S_last_time(l, err);
	if (rc < 0)
		goto fail;
	int e = pthread_create(&l->ithread, NULL, S_integrator, l);
	if (e != 0) {
		rc = gt_fail_errno(err, e, "cannot start the integrator thread");
		goto fail;
	}
	l->istarted = true;
	pthread_setname_np(l->ithread, "gt-integrator");
	e = pthread_create(&l->thread, NULL, S_thread, l);
	if (e != 0) {
		rc = gt_fail_errno(err, e, "cannot start the sequencer thread");
		goto fail;
	}
	l->started = true;
	pthread_setname_np(l->thread, "gt-sequencer"); /* as top -H and perf show it */
	*ret = l;
	return 0;
fail:
	gt_ledger_free(l);
	return rc;
}

void gt_ledger_free(gt_ledger *l)
{
	if (!l)
		return;
	if (l->started) {
		pthread_mutex_lock(&l->mu);
		l->stopping = true;
		pthread_cond_signal(&l->wake);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thread, NULL);
	}
	if (l->istarted) {
		/* Stopping: publish whatever is still pending, then stop. */
		pthread_mutex_lock(&l->mu);
		l->istop = true;
		pthread_cond_signal(&l->iwake);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->ithread, NULL);
	}
	for (size_t i = 0; i < GT_LEDGER_STATES && l->states[i].key; i++)
		if (l->states[i].free_fn)
			l->states[i].free_fn(l->states[i].state);
	pthread_mutex_destroy(&l->state_mu);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->wake);
	pthread_cond_destroy(&l->iwake);
	gt_buf_done(&l->bytes);
	free(l->ends);
	memset(l->secret, 0, sizeof(l->secret));
	free(l);
}

int gt_ledger_submit(gt_ledger *l, const char *type, const char *org, const char *role,
		     json_t *input, gt_ledger_done_fn done, void *arg)
{
	const gt_entry_type *t = gt_registry_find(l->modules, l->nmodules, type);
	if (!t || !t->decide) {
		json_decref(input);
		return GT_ENOTFOUND;
	}
	if ((org && strlen(org) >= sizeof(((gt_cmd *)0)->org)) ||
	    (role && strlen(role) >= sizeof(((gt_cmd *)0)->role))) {
		json_decref(input);
		return GT_EINVAL;
	}
	gt_cmd *c = calloc(1, sizeof(*c));
	if (!c) {
		json_decref(input);
		return GT_ENOMEM;
	}
	c->type = t;
	if (org) {
		c->has_org = true;
		snprintf(c->org, sizeof(c->org), "%s", org);
	}
	snprintf(c->role, sizeof(c->role), "%s", role ? role : "");
	c->input = input;
	c->done = done;
	c->arg = arg;
	pthread_mutex_lock(&l->mu);
	if (l->stopping || l->failed || l->queued >= l->queue_max) {
		pthread_mutex_unlock(&l->mu);
		json_decref(input);
		free(c);
		return GT_EUNAVAIL;
	}
	if (l->tail)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
	l->queued++;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->mu);
	return 0;
}

typedef struct S_call {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
	gt_ledger_result *res;
} S_call;

static void S_call_done(void *arg, const gt_ledger_result *res)
{
	S_call *c = arg;
	pthread_mutex_lock(&c->mu);
	*c->res = *res;
	if (res->reply)
		json_incref(res->reply);
	c->done = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

int gt_ledger_call(gt_ledger *l, const char *type, const char *org, const char *role, json_t *input,
		   gt_ledger_result *res)
{
	memset(res, 0, sizeof(*res));
	S_call c = {.res = res};
	pthread_mutex_init(&c.mu, NULL);
	pthread_cond_init(&c.cv, NULL);
	int rc = gt_ledger_submit(l, type, org, role, input, S_call_done, &c);
	if (rc < 0) {
		res->code = rc;
		snprintf(res->msg, sizeof(res->msg), "%s",
			 rc == GT_ENOTFOUND ? "unknown command type" : gt_strerror(rc));
	} else {
		pthread_mutex_lock(&c.mu);
		while (!c.done)
			pthread_cond_wait(&c.cv, &c.mu);
		pthread_mutex_unlock(&c.mu);
	}
	pthread_mutex_destroy(&c.mu);
	pthread_cond_destroy(&c.cv);
	return res->code;
}

void gt_ledger_stats_get(gt_ledger *l, gt_ledger_stats *out)
{
	pthread_mutex_lock(&l->mu);
	*out = l->stats;
	out->queued = l->queued;
	out->failed = l->failed;
	pthread_mutex_unlock(&l->mu);
}
