/* The webhook deliverer (see webhook.h): one thread that POSTs recall
 * notices with libcurl, signs them with HMAC-SHA256, and records every
 * outcome with trace.webhook.progress.
 *
 * Ownership: jansson values belong to the function that made them, except
 * the input of gt_ledger_call (stolen) and S_hook.notification (owned by
 * the hook, released by S_hooks_free). */
#include "api/webhook.h"
#include "api/api_int.h"
#include "core/buf.h"
#include "core/time.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_HOUR_MS 3600000u
#define S_PAGE 256	 /* webhooks read per query */
#define S_REASON_MAX 300 /* bytes of a failure's reason */
#define S_ID_MAX 64	 /* bytes of a webhook id (trace.webhook.remove's limit) */
#define S_BUSY_MAX 64	 /* requests in flight at once */
#define S_UA "goodtrace-webhook"

/* A webhook as read for one pass, with its next notice if it has one. */
typedef struct S_hook {
	char *id, *org, *url, *secret;
	int64_t cursor;
	int64_t notice;	      /* 0: nothing to deliver */
	json_t *notification; /* the notice as the API shows it */
} S_hook;

/* One webhook's deliveries between scans. */
typedef struct S_state {
	char id[S_ID_MAX + 1];
	int64_t notice;	   /* the notice being sent or retried (0: none) */
	unsigned attempts; /* failed attempts at it so far */
	uint64_t next_ns;  /* monotonic: no attempt before */
	bool busy;	   /* a request is in flight */
	bool seen;	   /* listed by the last scan */
} S_state;

/* A request in flight (its easy handle's CURLOPT_PRIVATE). */
typedef struct S_xfer {
	struct S_xfer *next; /* gt_webhooks.xfers */
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	char id[S_ID_MAX + 1];
	int64_t cursor, notice;
	char err[CURL_ERROR_SIZE];
} S_xfer;

/* What one request came to. */
typedef struct S_outcome {
	long status; /* HTTP status, 0 without an answer */
	bool ok;     /* a 2xx answer */
	char reason[S_REASON_MAX];
} S_outcome;

struct gt_webhooks {
	gt_webhooks_options opt; /* defaults filled in; user_agent owned */
	pthread_t thread;
	bool started, curl_inited;
	_Atomic bool stopping;
	CURLM *multi; /* every request, at once; keeps the connections */
	S_xfer *xfers;
	size_t nbusy;
	S_state *states;
	size_t nstates, capstates;
	bool rescan; /* a cursor moved: look for the next notices at once */
};

static void S_report(gt_webhooks *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void S_report(gt_webhooks *w, const char *fmt, ...)
{
	if (!w->opt.on_error)
		return;
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->opt.on_error(w->opt.on_error_arg, msg);
}

/* ---- reading the webhooks and their next notices ---------------------------------- */

static void S_hooks_free(S_hook *hooks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(hooks[i].id);
		free(hooks[i].org);
		free(hooks[i].url);
		if (hooks[i].secret)
			OPENSSL_cleanse(hooks[i].secret, strlen(hooks[i].secret));
		free(hooks[i].secret);
		json_decref(hooks[i].notification);
	}
	free(hooks);
}

/* Append the webhooks of st's rows to *hooks; sets *got to the rows read. */
static int S_hooks_read(gt_stmt *st, S_hook **hooks, size_t *n, size_t *cap, size_t *got,
			gt_error *err)
{
	int rc;
	*got = 0;
	while ((rc = gt_stmt_step(st, err)) == 1) {
		if (*n == *cap) {
			size_t c = *cap ? 2 * *cap : 16;
			S_hook *h = realloc(*hooks, c * sizeof(*h));
			if (!h)
				return gt_fail(err, GT_ENOMEM, "out of memory");
			*hooks = h;
			*cap = c;
		}
		S_hook *h = &(*hooks)[(*n)++];
		*h = (S_hook){.id = strdup(gt_stmt_text(st, 0, NULL)),
			      .org = strdup(gt_stmt_text(st, 1, NULL)),
			      .url = strdup(gt_stmt_text(st, 2, NULL)),
			      .secret = strdup(gt_stmt_text(st, 3, NULL)),
			      .cursor = gt_stmt_i64(st, 5)};
		(*got)++;
		if (!h->id || !h->org || !h->url || !h->secret)
			return gt_fail(err, GT_ENOMEM, "out of memory");
	}
	return rc;
}

/* Every webhook, by id. */
static int S_hooks_list(gt_store_conn *c, S_hook **ret, size_t *ret_n, gt_error *err)
{
	S_hook *hooks = NULL;
	size_t n = 0, cap = 0, got = S_PAGE;
	int rc = 0;
	while (rc >= 0 && got == S_PAGE) {
		gt_stmt *st;
		rc = gt_stmt_open(c, GT_Q_WEBHOOK_LIST, &st, err);
		if (rc < 0)
			break;
		gt_stmt_bind_null(st, 1);
		gt_stmt_bind_text(st, 2, n ? hooks[n - 1].id : "", (size_t)-1);
		gt_stmt_bind_i64(st, 3, S_PAGE);
		rc = S_hooks_read(st, &hooks, &n, &cap, &got, err);
		gt_stmt_close(st);
	}
	if (rc < 0) {
		S_hooks_free(hooks, n);
		return rc;
	}
	*ret = hooks;
	*ret_n = n;
	return 0;
}

/* The oldest notice of the webhook's organisation after its cursor. */
static int S_hook_next(gt_store_conn *c, S_hook *h, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_NOTICE_LIST_ORG, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, h->org, (size_t)-1);
	gt_stmt_bind_i64(st, 2, 0);
	gt_stmt_bind_i64(st, 3, h->cursor);
	gt_stmt_bind_i64(st, 4, 1);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		h->notice = gt_stmt_i64(st, 0);
		h->notification = gt_api_notice_json(st);
		if (!h->notification)
			rc = gt_fail(err, GT_ENOMEM, "out of memory");
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : 0;
}

/* Every webhook with its next notice, read in one snapshot. */
static int S_load(gt_webhooks *w, S_hook **ret, size_t *ret_n, gt_error *err)
{
	gt_store_conn *c;
	int rc = gt_store_reader(w->opt.store, &c, err);
	if (rc < 0)
		return rc;
	S_hook *hooks = NULL;
	size_t n = 0;
	rc = S_hooks_list(c, &hooks, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = S_hook_next(c, &hooks[i], err);
	gt_store_reader_done(c);
	if (rc < 0) {
		S_hooks_free(hooks, n);
		return rc;
	}
	*ret = hooks;
	*ret_n = n;
	return 0;
}

/* ---- one request ------------------------------------------------------------------- */

/* Lower-case hex HMAC-SHA256 keyed with secret over "<t>.<body>". */
static int S_sign(const char *secret, int64_t t, const char *body, char out[65])
{
	gt_buf msg = GT_BUF_INIT;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	int rc = gt_buf_addf(&msg, "%" PRId64 ".", t);
	if (rc == 0)
		rc = gt_buf_addstr(&msg, body);
	if (rc == 0 &&
	    !HMAC(EVP_sha256(), secret, (int)strlen(secret), msg.data, msg.len, mac, &maclen))
		rc = GT_ECRYPTO;
	gt_buf_done(&msg);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < maclen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

static size_t S_discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* A reason fit for last_error: printable ASCII only. */
static void S_reason(S_outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void S_reason(S_outcome *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->reason, sizeof(o->reason), fmt, ap);
	va_end(ap);
	size_t n = strlen(o->reason);
	while (n > 0 && (o->reason[n - 1] == '\n' || o->reason[n - 1] == ' '))
		o->reason[--n] = 0;
	for (char *p = o->reason; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

/* Append a formatted header line to *l; false when out of memory. */
static bool S_header(struct curl_slist **l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool S_header(struct curl_slist **l, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	struct curl_slist *n = curl_slist_append(*l, line);
	if (n)
		*l = n;
	return n != NULL;
}

/* The request's headers (NULL when out of memory). "Expect:" keeps libcurl
 * from waiting for a 100 Continue. */
static struct curl_slist *S_headers(const char *id, const char *delivery, int64_t t,
				    const char *mac)
{
	struct curl_slist *l = NULL;
	bool ok = S_header(&l, "Content-Type: application/json") && S_header(&l, "Expect:") &&
		  S_header(&l, "Goodtrace-Webhook: %s", id) &&
		  S_header(&l, "Goodtrace-Delivery: %s", delivery) &&
		  S_header(&l, "Goodtrace-Signature: t=%" PRId64 ",v1=%s", t, mac);
	if (!ok) {
		curl_slist_free_all(l);
		return NULL;
	}
	return l;
}

/* The request for h's notice, ready to add to the multi handle (NULL when
 * out of memory). */
static S_xfer *S_xfer_new(gt_webhooks *w, const S_hook *h)
{
	S_xfer *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	snprintf(x->id, sizeof(x->id), "%s", h->id);
	x->cursor = h->cursor;
	x->notice = h->notice;
	char delivery[S_ID_MAX + 24], mac[65];
	snprintf(delivery, sizeof(delivery), "%s-%" PRId64, h->id, h->notice);
	int64_t t = gt_time_now_ms() / 1000;
	json_t *doc = json_pack("{s:s, s:s, s:s, s:O}", "type", "recall.notice", "webhook", h->id,
				"delivery", delivery, "notification", h->notification);
	x->body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (x->body && S_sign(h->secret, t, x->body, mac) == 0)
		x->headers = S_headers(h->id, delivery, t, mac);
	x->easy = x->headers ? curl_easy_init() : NULL;
	if (!x->easy) {
		curl_slist_free_all(x->headers);
		free(x->body);
		free(x);
		return NULL;
	}
	CURL *c = x->easy;
	long timeout = (long)w->opt.timeout_s;
	curl_easy_setopt(c, CURLOPT_PRIVATE, x);
	curl_easy_setopt(c, CURLOPT_URL, h->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_USERAGENT, w->opt.user_agent);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(x->body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, S_discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->err);
	return x;
}

static void S_xfer_free(S_xfer *x)
{
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	free(x->body);
	free(x);
}

/* What a finished request came to. */
static void S_outcome_of(gt_webhooks *w, S_xfer *x, CURLcode cc, S_outcome *o)
{
	*o = (S_outcome){0};
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &o->status);
	if (o->status < 0 || o->status > 999)
		o->status = 0;
	if (cc == CURLE_OPERATION_TIMEDOUT)
		S_reason(o, "no answer within %u s", w->opt.timeout_s);
	else if (cc != CURLE_OK)
		S_reason(o, "%s", x->err[0] ? x->err : curl_easy_strerror(cc));
	else if (o->status >= 200 && o->status <= 299)
		o->ok = true;
	else if (o->status >= 300 && o->status <= 399)
		S_reason(o, "HTTP %ld (redirects are not followed)", o->status);
	else
		S_reason(o, "HTTP %ld", o->status);
}

/* ---- recording and retrying -------------------------------------------------------- */

/* Record an outcome with trace.webhook.progress. 0 or a negative code. */
static int S_record(gt_webhooks *w, const S_xfer *x, int64_t cursor, int delivered, int failures,
		    long status, const char *error)
{
	json_t *in = json_pack("{s:s, s:I, s:i, s:i, s:I, s:s?}", "id", x->id, "cursor",
			       (json_int_t)cursor, "delivered", delivered, "failures", failures,
			       "status", (json_int_t)status, "error", error);
	if (!in) {
		S_report(w, "webhook %s: out of memory recording a delivery", x->id);
		return GT_ENOMEM;
	}
	gt_ledger_result res;
	int rc = gt_ledger_call(w->opt.ledger, "trace.webhook.progress", NULL, NULL, in, &res);
	json_decref(res.reply);
	if (rc < 0)
		S_report(w, "webhook %s: cannot record a delivery of notice %" PRId64 ": %s", x->id,
			 x->notice, res.msg);
	return rc;
}

static S_state *S_state_find(gt_webhooks *w, const char *id)
{
	for (size_t i = 0; i < w->nstates; i++)
		if (!strcmp(w->states[i].id, id))
			return &w->states[i];
	return NULL;
}

/* The state of webhook id, made if need be (NULL: no memory). */
static S_state *S_state_get(gt_webhooks *w, const char *id)
{
	S_state *s = S_state_find(w, id);
	if (s)
		return s;
	if (w->nstates == w->capstates) {
		size_t c = w->capstates ? 2 * w->capstates : 8;
		S_state *p = realloc(w->states, c * sizeof(*p));
		if (!p)
			return NULL;
		w->states = p;
		w->capstates = c;
	}
	s = &w->states[w->nstates++];
	*s = (S_state){0};
	snprintf(s->id, sizeof(s->id), "%s", id);
	return s;
}

/* The wait after the n-th failed attempt: base * 2^(n-1), at most an hour. */
static uint64_t S_backoff_ns(unsigned base, unsigned n)
{
	uint64_t ms = base;
	for (unsigned i = 1; i < n && ms < S_HOUR_MS; i++)
		ms *= 2;
	return (ms < S_HOUR_MS ? ms : S_HOUR_MS) * 1000000u;
}

/* Record a failed attempt: a retry later, or giving the notice up. */
static void S_failed(gt_webhooks *w, S_xfer *x, S_state *s, const S_outcome *o)
{
	s->attempts++;
	if (s->attempts < w->opt.max_attempts) {
		s->next_ns = gt_time_mono_ns() + S_backoff_ns(w->opt.retry_base_ms, s->attempts);
		S_record(w, x, x->cursor, 0, 1, o->status, o->reason);
		return;
	}
	char msg[S_REASON_MAX + 48];
	snprintf(msg, sizeof(msg), "gave up after %u attempts: %s", s->attempts, o->reason);
	if (S_record(w, x, x->notice, 0, 1, o->status, msg) < 0) {
		s->attempts--; /* give up at the next try instead */
		s->next_ns = gt_time_mono_ns() + S_backoff_ns(w->opt.retry_base_ms, 1);
		return;
	}
	s->attempts = 0;
	s->next_ns = 0;
	w->rescan = true;
}

/* A request has finished with cc: record what it came to. */
static void S_done(gt_webhooks *w, S_xfer *x, CURLcode cc)
{
	S_outcome o;
	S_outcome_of(w, x, cc, &o);
	S_state *s = S_state_find(w, x->id);
	if (!s) /* cannot be: a busy state is kept */
		return;
	s->busy = false;
	w->nbusy--;
	if (o.ok) {
		if (S_record(w, x, x->notice, 1, 0, o.status, NULL) == 0) {
			s->attempts = 0;
			s->next_ns = 0;
			w->rescan = true;
		} else {
			s->next_ns = gt_time_mono_ns() + S_backoff_ns(w->opt.retry_base_ms, 1);
		}
		return;
	}
	S_failed(w, x, s, &o);
}

/* Take every finished request off the multi handle and record it. */
static void S_finish(gt_webhooks *w)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(w->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		S_xfer *x;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		CURLcode cc = m->data.result; /* m is invalid after the removal */
		curl_multi_remove_handle(w->multi, x->easy);
		for (S_xfer **p = &w->xfers; *p; p = &(*p)->next)
			if (*p == x) {
				*p = x->next;
				break;
			}
		S_done(w, x, cc);
		S_xfer_free(x);
	}
}

/* ---- scanning ---------------------------------------------------------------------- */

/* Start the request for h's notice if its time has come. */
static void S_consider(gt_webhooks *w, const S_hook *h, uint64_t now)
{
	S_state *s = S_state_find(w, h->id);
	if (s)
		s->seen = true;
	if ((s && s->busy) || !h->notice || w->nbusy >= S_BUSY_MAX)
		return;
	if (!s && !(s = S_state_get(w, h->id))) {
		S_report(w, "webhook %s: out of memory", h->id);
		return;
	}
	s->seen = true;
	if (s->notice != h->notice) {
		s->notice = h->notice;
		s->attempts = 0;
		s->next_ns = 0;
	}
	if (s->next_ns > now)
		return;
	S_xfer *x = S_xfer_new(w, h);
	if (!x || curl_multi_add_handle(w->multi, x->easy) != CURLM_OK) {
		if (x)
			S_xfer_free(x);
		S_report(w, "webhook %s: cannot start a request (out of memory)", h->id);
		s->next_ns = now + (uint64_t)w->opt.poll_ms * 1000000u;
		return;
	}
	x->next = w->xfers;
	w->xfers = x;
	s->busy = true;
	w->nbusy++;
}

/* Forget the webhooks the last scan did not list (removed), once idle. */
static void S_prune(gt_webhooks *w)
{
	for (size_t i = 0; i < w->nstates;) {
		if (!w->states[i].seen && !w->states[i].busy) {
			w->states[i] = w->states[--w->nstates];
			continue;
		}
		w->states[i++].seen = false;
	}
}

/* Read every webhook and start the requests whose time has come. */
static void S_scan(gt_webhooks *w)
{
	S_hook *hooks;
	size_t n;
	gt_error err = {0};
	if (S_load(w, &hooks, &n, &err) < 0) {
		S_report(w, "webhooks: cannot read the webhooks: %s", err.msg);
		return;
	}
	uint64_t now = gt_time_mono_ns();
	for (size_t i = 0; i < n; i++)
		S_consider(w, &hooks[i], now);
	S_prune(w);
	S_hooks_free(hooks, n);
}

/* The earliest time a retry falls due (UINT64_MAX: none waits). */
static uint64_t S_next_due(const gt_webhooks *w)
{
	uint64_t due = UINT64_MAX;
	for (size_t i = 0; i < w->nstates; i++) {
		const S_state *s = &w->states[i];
		if (!s->busy && s->attempts > 0 && s->next_ns < due)
			due = s->next_ns;
	}
	return due;
}

/* ---- the thread -------------------------------------------------------------------- */

/* Scan when a cursor moved, every poll interval, and when a retry falls due
 * (one the last scan could not start waits for the next). Between, drive
 * the requests and sleep in curl_multi_poll, which gt_webhooks_stop wakes. */
static void *S_main(void *arg)
{
	gt_webhooks *w = arg;
	uint64_t poll_ns = (uint64_t)w->opt.poll_ms * 1000000u, last_scan = 0, next_scan = 0;
	while (!atomic_load(&w->stopping)) {
		uint64_t now = gt_time_mono_ns(), due = S_next_due(w);
		if (w->rescan || now >= next_scan || (due <= now && due > last_scan)) {
			w->rescan = false;
			last_scan = gt_time_mono_ns();
			next_scan = last_scan + poll_ns;
			S_scan(w);
		}
		int running;
		curl_multi_perform(w->multi, &running);
		S_finish(w);
		if (w->rescan)
			continue;
		now = gt_time_mono_ns();
		due = S_next_due(w);
		uint64_t until = due > last_scan && due < next_scan ? due : next_scan;
		if (until > now)
			curl_multi_poll(w->multi, NULL, 0, (int)((until - now + 999999) / 1000000),
					NULL);
	}
	while (w->xfers) { /* cut short: nothing is recorded */
		S_xfer *x = w->xfers;
		w->xfers = x->next;
		curl_multi_remove_handle(w->multi, x->easy);
		S_xfer_free(x);
	}
	return NULL;
}

static int S_options(gt_webhooks *w, const gt_webhooks_options *opt, gt_error *err)
{
	if (!opt->store || !opt->ledger)
		return gt_fail(err, GT_EINVAL, "webhooks need a store and a ledger");
	w->opt = *opt;
	w->opt.poll_ms = opt->poll_ms ? opt->poll_ms : 1000;
	w->opt.retry_base_ms = opt->retry_base_ms ? opt->retry_base_ms : 1000;
	w->opt.max_attempts = opt->max_attempts ? opt->max_attempts : 8;
	w->opt.timeout_s = opt->timeout_s ? opt->timeout_s : 10;
	w->opt.user_agent = strdup(opt->user_agent ? opt->user_agent : S_UA);
	if (!w->opt.user_agent)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	return 0;
}

int gt_webhooks_start(const gt_webhooks_options *opt, gt_webhooks **ret, gt_error *err)
{
	gt_webhooks *w = calloc(1, sizeof(*w));
	if (!w)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	int rc = S_options(w, opt, err);
	if (rc < 0)
		goto fail;
	w->curl_inited = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
	w->multi = w->curl_inited ? curl_multi_init() : NULL;
	if (!w->multi) {
		rc = gt_fail(err, GT_ENOMEM, "cannot set up HTTP for webhooks");
		goto fail;
	}
	int e = pthread_create(&w->thread, NULL, S_main, w);
	if (e != 0) {
		rc = gt_fail_errno(err, e, "cannot start the webhook thread");
		goto fail;
	}
	w->started = true;
	pthread_setname_np(w->thread, "gt-webhooks");
	*ret = w;
	return 0;
fail:
	gt_webhooks_stop(w);
	return rc;
}

void gt_webhooks_stop(gt_webhooks *w)
{
	if (!w)
		return;
	if (w->started) {
		atomic_store(&w->stopping, true);
		curl_multi_wakeup(w->multi);
		pthread_join(w->thread, NULL);
	}
	if (w->multi)
		curl_multi_cleanup(w->multi);
	if (w->curl_inited)
		curl_global_cleanup();
	free(w->states);
	free((char *)w->opt.user_agent);
	free(w);
}
