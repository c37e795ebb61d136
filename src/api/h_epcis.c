/* The EPCIS 2.0 REST binding (capture and query under /epcis/) and the plain
 * JSON custody routes that make the same events for organisations that do
 * not speak EPCIS. */
#include "api/api_int.h"
#include "core/time.h"
#include "trace/epc.h"
#include "trace/epcis.h"
#include "trace/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PER_PAGE 30 /* events in a query page when perPage is not given */
#define S_MATCHES 3   /* MATCH_ parameters in one query */
#define S_CONTEXT "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

/* Append s percent-encoded: every byte but A-Z a-z 0-9 - . _ ~ and those in
 * keep as %HH (upper-case hex). */
static int S_pct(gt_buf *b, const char *s, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	if (gt_buf_reserve(b, n * 3) < 0)
		return GT_ENOMEM;
	uint8_t *o = b->data + b->len;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			     (*p >= '0' && *p <= '9') || strchr("-._~", *p) || strchr(keep, *p);
		if (plain) {
			*o++ = *p;
		} else {
			*o++ = '%';
			*o++ = (uint8_t)hex[*p >> 4];
			*o++ = (uint8_t)hex[*p & 15];
		}
	}
	*o = 0;
	b->len = (size_t)(o - b->data);
	return 0;
}

/* Queue v (stolen) as JSON with status and the EPCIS version headers, and
 * optionally a Location and a Link. */
static enum MHD_Result S_reply(gt_req *r, unsigned status, json_t *v, const char *location,
			       const char *link)
{
	struct MHD_Response *resp = gt_api_json_response(v);
	if (!resp)
		return gt_api_problem_code(r, GT_ENOMEM, NULL);
	if ((MHD_add_response_header(resp, "GS1-EPCIS-Version", "2.0.0") != MHD_YES ||
	     MHD_add_response_header(resp, "GS1-CBV-Version", "2.0.0") != MHD_YES ||
	     (location &&
	      MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location) != MHD_YES) ||
	     (link && MHD_add_response_header(resp, MHD_HTTP_HEADER_LINK, link) != MHD_YES))) {
		MHD_destroy_response(resp);
		resp = NULL;
	}
	return gt_api_queue(r, status, resp);
}

/* ---- capture ---------------------------------------------------------------------- */

/* The capture job of a capture that has finished (all of ours have: a
 * capture is decided before it is answered). */
static json_t *S_job(const char *id, int64_t events, const char *created, const char *finished)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:[], s:I}", "captureID", id, "createdAt",
			 created, "finishedAt", finished, "running", 0, "success", 1,
			 "captureErrorBehaviour", "rollback", "errors", "events",
			 (json_int_t)events);
}

static enum MHD_Result S_capture_done(gt_req *r, const gt_ledger_result *res)
{
	const char *id = json_string_value(json_object_get(res->reply, "captureID"));
	char loc[64];
	snprintf(loc, sizeof(loc), "/epcis/capture/%s", id ? id : "");
	json_t *job = S_job(id ? id : "", json_integer_value(json_object_get(res->reply, "events")),
			    res->at, res->at);
	json_object_set(job, "eventIDs", json_object_get(res->reply, "eventIDs"));
	return S_reply(r, MHD_HTTP_ACCEPTED, job, loc, NULL);
}

enum MHD_Result gt_h_epcis_capture(gt_req *r)
{
	const char *behaviour = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
							    "GS1-Capture-Error-Behaviour");
	if (behaviour && strcasecmp(behaviour, "rollback") != 0)
		return gt_api_problem(r, MHD_HTTP_NOT_IMPLEMENTED, "not-implemented",
				      "GS1-Capture-Error-Behaviour %s: only rollback is offered "
				      "(a document is captured whole or not at all)",
				      behaviour);
	const json_t *events;
	json_t *ctx;
	gt_error err = {0};
	if (gt_epcis_document(r->json, &events, &ctx, &err) < 0)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid", "%s", err.msg);
	if (json_array_size(events) > GT_EPCIS_CAPTURE_MAX) {
		json_decref(ctx);
		return gt_api_problem(r, MHD_HTTP_CONTENT_TOO_LARGE, "capture-limit-exceeded",
				      "the document has %zu events; at most %d are captured at "
				      "once: split it",
				      json_array_size(events), GT_EPCIS_CAPTURE_MAX);
	}
	json_t *in = json_pack("{s:O, s:o}", "events", events, "context", ctx);
	return gt_api_submit(r, "trace.capture", in, S_capture_done);
}

static enum MHD_Result S_event_done(gt_req *r, const gt_ledger_result *res)
{
	const char *id =
		json_string_value(json_array_get(json_object_get(res->reply, "eventIDs"), 0));
	gt_buf loc = GT_BUF_INIT;
	gt_buf_addstr(&loc, "/epcis/events/");
	S_pct(&loc, id ? id : "", "");
	gt_buf_add(&loc, "", 1);
	enum MHD_Result ans = S_reply(r, MHD_HTTP_CREATED,
				      json_pack("{s:s?, s:O, s:I, s:s}", "eventID", id, "captureID",
						json_object_get(res->reply, "captureID"), "index",
						(json_int_t)res->first, "at", res->at),
				      (const char *)loc.data, NULL);
	gt_buf_done(&loc);
	return ans;
}

enum MHD_Result gt_h_epcis_event_post(gt_req *r)
{
	json_t *in = json_pack("{s:[O]}", "events", r->json);
	return gt_api_submit(r, "trace.capture", in, S_event_done);
}

/* One row (count, min at, max at, org) read for capture id. */
enum MHD_Result gt_h_epcis_capture_get(gt_req *r)
{
	uint64_t id;
	if (gt_api_parse_u64(r->param[0], INT64_MAX, &id) < 0)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no capture %s",
				      r->param[0]);
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *job = NULL;
	rc = gt_stmt_open(c, GT_Q_CAPTURE_GET, &st, &err);
	if (rc == 0) {
		gt_stmt_bind_i64(st, 1, (int64_t)id);
		rc = gt_stmt_step(st, &err);
		if (rc == 1 && gt_stmt_i64(st, 0) > 0)
			job = S_job(r->param[0], gt_stmt_i64(st, 0), gt_stmt_text(st, 1, NULL),
				    gt_stmt_text(st, 2, NULL));
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	if (!job)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no capture %s",
				      r->param[0]);
	return S_reply(r, MHD_HTTP_OK, job, NULL, NULL);
}

/* ---- query ------------------------------------------------------------------------ */

/* The parameters of a query, as bound to GT_Q_EVENT_FIND. */
typedef struct S_query {
	json_t *list[10]; /* ?1 and ?6..?10 (index = position - 1): JSON arrays or NULL */
	int64_t time[2];  /* GE / LT eventTime */
	bool has_time[2];
	char rtime[2][GT_TIME_LEN + 1]; /* GE / LT recordTime */
	json_t *match[S_MATCHES];
	int64_t mask[S_MATCHES];
	size_t nmatch;
	uint64_t after, per_page;
	gt_buf self; /* the query string, for the next page's link */
} S_query;

static void S_query_done(S_query *q)
{
	for (size_t i = 0; i < 10; i++)
		json_decref(q->list[i]);
	for (size_t i = 0; i < S_MATCHES; i++)
		json_decref(q->match[i]);
	gt_buf_done(&q->self);
}

/* A parameter's values: separated by '|' (and ',' is taken too). */
static json_t *S_split(const char *v)
{
	json_t *a = json_array();
	const char *p = v;
	while (a) {
		size_t n = strcspn(p, "|,");
		if (n > 0)
			json_array_append_new(a, json_stringn(p, n));
		if (!p[n])
			break;
		p += n + 1;
	}
	return a;
}

typedef struct S_param_ctx {
	gt_req *r;
	S_query *q;
	char msg[1100];
	bool bad;
	bool too_many;
} S_param_ctx;

static const struct {
	const char *name;
	int64_t mask;
} S_match_params[] = {
	{"MATCH_epc", GT_EPCIS_K_EPC | GT_EPCIS_K_CHILD},
	{"MATCH_parentID", GT_EPCIS_K_PARENT},
	{"MATCH_inputEPC", GT_EPCIS_K_INPUT},
	{"MATCH_outputEPC", GT_EPCIS_K_OUTPUT},
	{"MATCH_anyEPC", GT_EPCIS_K_EPC | GT_EPCIS_K_CHILD | GT_EPCIS_K_PARENT | GT_EPCIS_K_INPUT |
				 GT_EPCIS_K_OUTPUT},
	{"MATCH_epcClass", GT_EPCIS_K_CLASS | GT_EPCIS_K_CHILD_CLASS},
	{"MATCH_inputEPCClass", GT_EPCIS_K_INPUT_CLASS},
	{"MATCH_outputEPCClass", GT_EPCIS_K_OUTPUT_CLASS},
	{"MATCH_anyEPCClass", GT_EPCIS_K_CLASS | GT_EPCIS_K_CHILD_CLASS | GT_EPCIS_K_INPUT_CLASS |
				      GT_EPCIS_K_OUTPUT_CLASS},
};

/* The list parameters: their name, slot in S_query.list, and how their values
 * are normalised (0 as given, 1 event type, 2 bizStep, 3 disposition,
 * 4 identifier, 5 action). */
static const struct {
	const char *name;
	int slot, how;
} S_list_params[] = {
	{"eventType", 0, 1},	  {"EQ_bizStep", 5, 2},	  {"EQ_disposition", 6, 3},
	{"EQ_bizLocation", 7, 4}, {"EQ_readPoint", 8, 4}, {"EQ_action", 9, 5},
};

static int S_bad(S_param_ctx *x, const char *fmt, const char *a, const char *b)
{
	if (!x->bad)
		snprintf(x->msg, sizeof(x->msg), fmt, a, b);
	x->bad = true;
	return MHD_NO;
}

/* Normalise one value of a list parameter into a new string (NULL: bad). */
static json_t *S_value(S_param_ctx *x, const char *name, int how, const char *v)
{
	char out[GT_EPC_MAX + 1];
	gt_error err = {0};
	switch (how) {
	case 1:
		if (strcmp(v, "ObjectEvent") && strcmp(v, "AggregationEvent") &&
		    strcmp(v, "TransactionEvent") && strcmp(v, "TransformationEvent") &&
		    strcmp(v, "AssociationEvent")) {
			S_bad(x, "%s: \"%s\" is not an EPCIS 2.0 event type", name, v);
			return NULL;
		}
		return json_string(v);
	case 2:
	case 3:
		if (gt_epc_cbv(how == 2 ? GT_CBV_BIZSTEP : GT_CBV_DISP, v, out, sizeof(out), &err) <
		    0) {
			S_bad(x, "%s: %s", name, err.msg);
			return NULL;
		}
		return json_string(out);
	case 4:
		if (gt_epc_normalise(v, GT_EPC_DATA, out, NULL, &err) < 0) {
			S_bad(x, "%s: %s", name, err.msg);
			return NULL;
		}
		return json_string(out);
	case 5:
		if (strcmp(v, "ADD") && strcmp(v, "OBSERVE") && strcmp(v, "DELETE")) {
			S_bad(x, "%s: \"%s\" is not ADD, OBSERVE or DELETE", name, v);
			return NULL;
		}
		return json_string(v);
	default:
		return json_string(v);
	}
}

/* A MATCH_ value as a range [lo, hi) of identifiers. */
static json_t *S_range(S_param_ctx *x, const char *name, const char *v)
{
	char out[GT_EPC_MAX + 1], hi[GT_EPC_MAX + 8];
	bool prefix = false;
	gt_error err = {0};
	if (gt_epc_normalise(v, GT_EPC_QUERY, out, &prefix, &err) < 0) {
		S_bad(x, "%s: %s", name, err.msg);
		return NULL;
	}
	/* An identifier is followed by nothing, so [id, id "\x01") holds it
	 * alone; U+10FFFF sorts after any character a prefix can be followed by. */
	snprintf(hi, sizeof(hi), "%s%s", out, prefix ? "\xF4\x8F\xBF\xBF" : "\x01");
	return json_pack("[s, s]", out, hi);
}

static enum MHD_Result S_param(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	S_param_ctx *x = cls;
	S_query *q = x->q;
	(void)kind;
	if (x->bad)
		return MHD_NO;
	const char *v = value ? value : "";
	if (!strcmp(key, "nextPageToken") || !strcmp(key, "perPage"))
		return MHD_YES; /* read on their own */
	/* Kept for the next page's link (values as decoded: re-encoded there). */
	for (size_t i = 0; i < sizeof(S_list_params) / sizeof(S_list_params[0]); i++) {
		if (strcmp(key, S_list_params[i].name))
			continue;
		json_t *vals = S_split(v), *out = json_array(), *one;
		size_t j;
		json_array_foreach(vals, j, one)
		{
			json_t *n = S_value(x, key, S_list_params[i].how, json_string_value(one));
			if (!n)
				break;
			json_array_append_new(out, n);
		}
		json_decref(vals);
		if (x->bad || json_array_size(out) == 0) {
			json_decref(out);
			return S_bad(x, "%s: give at least one value%s", key, "");
		}
		json_decref(q->list[S_list_params[i].slot]);
		q->list[S_list_params[i].slot] = out;
		return MHD_YES;
	}
	for (size_t i = 0; i < sizeof(S_match_params) / sizeof(S_match_params[0]); i++) {
		if (strcmp(key, S_match_params[i].name))
			continue;
		if (q->nmatch == S_MATCHES) {
			x->too_many = true;
			return S_bad(x, "at most %s MATCH_ parameters in one query%s", "3", "");
		}
		json_t *vals = S_split(v), *out = json_array(), *one;
		size_t j;
		json_array_foreach(vals, j, one)
		{
			json_t *n = S_range(x, key, json_string_value(one));
			if (!n)
				break;
			json_array_append_new(out, n);
		}
		json_decref(vals);
		if (x->bad || json_array_size(out) == 0) {
			json_decref(out);
			return S_bad(x, "%s: give at least one identifier%s", key, "");
		}
		q->match[q->nmatch] = out;
		q->mask[q->nmatch++] = S_match_params[i].mask;
		return MHD_YES;
	}
	static const char *const times[] = {"GE_eventTime", "LT_eventTime", "GE_recordTime",
					    "LT_recordTime"};
	for (int i = 0; i < 4; i++) {
		if (strcmp(key, times[i]))
			continue;
		int64_t ms;
		if (gt_epcis_time(v, &ms) < 0)
			return S_bad(x, "%s: \"%s\" is not a time like 2026-11-23T08:00:00.000Z",
				     key, v);
		if (i < 2) {
			q->time[i] = ms;
			q->has_time[i] = true;
		} else {
			gt_time_format(ms, q->rtime[i - 2]);
		}
		return MHD_YES;
	}
	return S_bad(x, "%s is not a query parameter this server answers (see docs/epcis.md)%s",
		     key, "");
}

/* Bind q to st (GT_Q_EVENT_FIND or _EPC) with limit. */
static void S_bind(gt_stmt *st, const S_query *q, uint64_t limit)
{
	for (int i = 0; i < 10; i++) {
		if (i >= 1 && i <= 4)
			continue; /* ?2..?5 are the times */
		char *t = q->list[i] ? json_dumps(q->list[i], JSON_COMPACT) : NULL;
		gt_stmt_bind_text(st, i + 1, t, (size_t)-1);
		free(t);
	}
	for (int i = 0; i < 2; i++) {
		if (q->has_time[i])
			gt_stmt_bind_i64(st, 2 + i, q->time[i]);
		else
			gt_stmt_bind_null(st, 2 + i);
		gt_stmt_bind_text(st, 4 + i, q->rtime[i][0] ? q->rtime[i] : NULL, (size_t)-1);
	}
	for (size_t i = 0; i < S_MATCHES; i++) {
		char *t = q->match[i] ? json_dumps(q->match[i], JSON_COMPACT) : NULL;
		gt_stmt_bind_text(st, 11 + 2 * (int)i, t, (size_t)-1);
		gt_stmt_bind_i64(st, 12 + 2 * (int)i, q->mask[i]);
		free(t);
	}
	gt_stmt_bind_i64(st, 17, (int64_t)q->after);
	gt_stmt_bind_i64(st, 18, (int64_t)limit);
}

/* Append the request's query string, without nextPageToken, percent-encoded. */
static enum MHD_Result S_keep(void *cls, enum MHD_ValueKind kind, const char *key,
			      const char *value)
{
	gt_buf *b = cls;
	(void)kind;
	if (!strcmp(key, "nextPageToken"))
		return MHD_YES;
	S_pct(b, key, ":|,");
	gt_buf_add(b, "=", 1);
	S_pct(b, value ? value : "", ":|,");
	gt_buf_add(b, "&", 1);
	return MHD_YES;
}

enum MHD_Result gt_h_epcis_events(gt_req *r)
{
	S_query q = {.self = GT_BUF_INIT};
	S_param_ctx x = {.r = r, .q = &q};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, S_param, &x);
	enum MHD_Result ans;
	if (x.bad) {
		S_query_done(&q);
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "query-parameter", "%s", x.msg);
	}
	uint64_t max = r->api->limits.page_max;
	if (gt_api_query_u64(r, "perPage", S_PER_PAGE, max, &q.per_page, &ans) < 0) {
		S_query_done(&q);
		return ans;
	}
	if (q.per_page == 0)
		q.per_page = 1;
	const char *token = gt_api_query(r, "nextPageToken");
	if (token && (token[0] != 'e' || gt_api_parse_u64(token + 1, INT64_MAX, &q.after) < 0)) {
		S_query_done(&q);
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "query-parameter",
				      "nextPageToken: \"%s\" is not a token this server gave",
				      token);
	}
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	json_t *list = json_array();
	uint64_t last = 0;
	bool more = false;
	if (rc == 0) {
		rc = gt_stmt_open(c, q.nmatch ? GT_Q_EVENT_FIND_EPC : GT_Q_EVENT_FIND, &st, &err);
		if (rc == 0) {
			S_bind(st, &q, q.per_page + 1);
			while ((rc = gt_stmt_step(st, &err)) == 1) {
				if (json_array_size(list) == q.per_page) {
					more = true;
					break;
				}
				json_error_t jerr;
				json_t *kept = json_loads(gt_stmt_text(st, 1, NULL), 0, &jerr);
				json_t *ev =
					kept ? gt_epcis_render(kept, gt_stmt_text(st, 2, NULL)) :
					       NULL;
				json_decref(kept);
				if (!ev) {
					rc = gt_fail(&err, GT_ECORRUPT,
						     "event at entry %lld cannot be read",
						     (long long)gt_stmt_i64(st, 0));
					break;
				}
				json_array_append_new(list, ev);
				last = (uint64_t)gt_stmt_i64(st, 0);
			}
			if (rc == 1)
				rc = 0;
			gt_stmt_close(st);
		}
		gt_store_reader_done(c);
	}
	if (rc < 0) {
		json_decref(list);
		S_query_done(&q);
		return gt_api_problem_code(r, rc, err.msg);
	}
	char now[GT_TIME_LEN + 1];
	gt_time_format(gt_time_now_ms(), now);
	json_t *doc = json_pack("{s:[s], s:s, s:s, s:s, s:{s:{s:s, s:{s:o}}}}", "@context",
				S_CONTEXT, "type", "EPCISQueryDocument", "schemaVersion", "2.0",
				"creationDate", now, "epcisBody", "queryResults", "queryName",
				"SimpleEventQuery", "resultsBody", "eventList", list);
	char *link = NULL;
	if (more) {
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, S_keep, &q.self);
		size_t n = q.self.len + 96;
		link = malloc(n);
		if (link)
			snprintf(link, n, "</epcis/events?%.*snextPageToken=e%llu>; rel=\"next\"",
				 (int)q.self.len, (const char *)q.self.data,
				 (unsigned long long)last);
		json_object_set_new(doc, "nextPageToken",
				    json_sprintf("e%llu", (unsigned long long)last));
	}
	S_query_done(&q);
	ans = S_reply(r, MHD_HTTP_OK, doc, NULL, link);
	free(link);
	return ans;
}

enum MHD_Result gt_h_epcis_event_get(gt_req *r)
{
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *ev = NULL;
	rc = gt_stmt_open(c, GT_Q_EVENT_BY_ID, &st, &err);
	if (rc == 0) {
		gt_stmt_bind_text(st, 1, r->param[0], (size_t)-1);
		rc = gt_stmt_step(st, &err);
		if (rc == 1) {
			json_t *kept = json_loads(gt_stmt_text(st, 1, NULL), 0, NULL);
			ev = kept ? gt_epcis_render(kept, gt_stmt_text(st, 2, NULL)) : NULL;
			json_decref(kept);
			if (ev)
				json_object_set_new(ev, "@context", json_string(S_CONTEXT));
			rc = ev ? 1 : gt_fail(&err, GT_ECORRUPT, "the event cannot be read");
		}
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	if (!ev)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no event %s",
				      r->param[0]);
	return S_reply(r, MHD_HTTP_OK, ev, NULL, NULL);
}

/* ---- plain JSON custody ------------------------------------------------------------- */

int gt_api_item_id(gt_buf *out, const char *gtin, const char *ai, const char *v)
{
	if (gt_buf_add(out, "https://id.gs1.org/01/", 22) < 0 ||
	    gt_buf_add(out, gtin, strlen(gtin)) < 0 || gt_buf_add(out, "/", 1) < 0 ||
	    gt_buf_add(out, ai, strlen(ai)) < 0 || gt_buf_add(out, "/", 1) < 0)
		return GT_ENOMEM;
	return S_pct(out, v, "");
}

/* The item id as a JSON string (NULL when out of memory). */
static json_t *S_item_id(const char *gtin, const char *ai, const char *v)
{
	gt_buf b = GT_BUF_INIT;
	json_t *s = gt_api_item_id(&b, gtin, ai, v) == 0 ?
			    json_stringn((const char *)b.data, b.len) :
			    NULL;
	gt_buf_done(&b);
	return s;
}

/* [{"type": "owning_party", field: "urn:goodtrace:org:<org>"}]. */
static json_t *S_party(const char *field, const char *org)
{
	char v[80];
	snprintf(v, sizeof(v), "%s%s", GT_EPCIS_ORG_URN, org);
	return json_pack("[{s:s, s:s}]", "type", "owning_party", field, v);
}

/* The custody actions and the event each makes. */
static const struct {
	const char *name, *biz_step, *disposition;
	const char *other; /* the other party's field: "to" (required), "from", or NULL */
	bool other_required;
} S_actions[] = {
	{"ship", "shipping", "in_transit", "to", true},
	{"receive", "receiving", "in_progress", "from", false},
	{"administer", "dispensing", "dispensed", NULL, false},
	{"destroy", "destroying", "destroyed", NULL, false},
};

/* Build the EPCIS event for custody action a from the plain request. */
static int S_custody_event(gt_req *r, size_t a, json_t **ret, char *msg, size_t msglen)
{
	const json_t *in = r->json;
	static const char *const allowed[] = {"gtin", "lot",  "serials",  "quantity", "to",
					      "from", "time", "location", NULL};
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)in, k, v)
	{
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			ok |= !strcmp(k, allowed[i]);
		if (!strcmp(k, "to") || !strcmp(k, "from"))
			ok = S_actions[a].other && !strcmp(k, S_actions[a].other);
		if (!ok) {
			snprintf(msg, msglen, "%s is not a field of %s", k, S_actions[a].name);
			return GT_EINVAL;
		}
	}
	const char *gtin = json_string_value(json_object_get(in, "gtin"));
	const char *lot = json_string_value(json_object_get(in, "lot"));
	const json_t *serials = json_object_get(in, "serials");
	const json_t *qty = json_object_get(in, "quantity");
	const char *time = json_string_value(json_object_get(in, "time"));
	const char *loc = json_string_value(json_object_get(in, "location"));
	const char *other = S_actions[a].other ?
				    json_string_value(json_object_get(in, S_actions[a].other)) :
				    NULL;
	bool gtin_ok = gtin && strlen(gtin) == 14 && strspn(gtin, "0123456789") == 14;
	if (!gtin_ok) {
		snprintf(msg, msglen, "gtin is required: the product's 14-digit GTIN");
		return GT_EINVAL;
	}
	if (json_object_get(in, "lot") && (!lot || !*lot || strlen(lot) > 20)) {
		snprintf(msg, msglen, "lot must be the batch's lot (1 to 20 characters)");
		return GT_EINVAL;
	}
	if (serials && (!json_is_array(serials) || json_array_size(serials) == 0 ||
			json_array_size(serials) > GT_TRACE_PACKS_MAX)) {
		snprintf(msg, msglen, "serials must be a list of 1 to %d serial numbers",
			 GT_TRACE_PACKS_MAX);
		return GT_EINVAL;
	}
	if (!serials && !lot) {
		snprintf(msg, msglen, "give serials (the packs) or a lot with a quantity");
		return GT_EINVAL;
	}
	if (qty && (!json_is_integer(qty) || json_integer_value(qty) < 1 || serials)) {
		snprintf(msg, msglen,
			 "quantity must be a whole number of packs, 1 or more, and "
			 "only for a lot without serials");
		return GT_EINVAL;
	}
	if (!serials && !qty) {
		snprintf(msg, msglen, "quantity is required with a lot and no serials");
		return GT_EINVAL;
	}
	if (S_actions[a].other_required && !other) {
		snprintf(msg, msglen, "%s is required: the organisation it goes to",
			 S_actions[a].other);
		return GT_EINVAL;
	}
	if (other && !gt_api_org_id_valid(other)) {
		snprintf(msg, msglen, "%s must be an organisation id", S_actions[a].other);
		return GT_EINVAL;
	}
	char now[GT_TIME_LEN + 1];
	gt_time_format(gt_time_now_ms(), now);
	json_t *ev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", "ObjectEvent", "action",
			       "OBSERVE", "bizStep", S_actions[a].biz_step, "disposition",
			       S_actions[a].disposition, "eventTime", time ? time : now,
			       "eventTimeZoneOffset", "+00:00");
	if (time) /* the offset of the time given */
		json_object_del(ev, "eventTimeZoneOffset");
	if (serials) {
		json_t *epcs = json_array();
		size_t i;
		json_t *s;
		json_array_foreach(serials, i, s)
		{
			if (!json_is_string(s) || json_string_length(s) < 1 ||
			    json_string_length(s) > 20) {
				json_decref(epcs);
				json_decref(ev);
				snprintf(msg, msglen,
					 "serials[%zu] must be a serial of 1 to 20 "
					 "characters",
					 i);
				return GT_EINVAL;
			}
			json_array_append_new(epcs,
					      S_item_id(gtin, "21", json_string_value(s)));
		}
		json_object_set_new(ev, "epcList", epcs);
	} else {
		json_object_set_new(ev, "quantityList",
				    json_pack("[{s:o, s:I}]", "epcClass",
					      S_item_id(gtin, "10", lot), "quantity",
					      (json_int_t)json_integer_value(qty)));
	}
	if (loc)
		json_object_set_new(ev, "bizLocation", json_pack("{s:s}", "id", loc));
	const char *me = r->who.org;
	if (a == 0) { /* ship: from me to them */
		json_object_set_new(ev, "sourceList", S_party("source", me));
		json_object_set_new(ev, "destinationList", S_party("destination", other));
	} else if (a == 1) { /* receive: from them (if said) to me */
		if (other)
			json_object_set_new(ev, "sourceList", S_party("source", other));
		json_object_set_new(ev, "destinationList", S_party("destination", me));
	}
	*ret = ev;
	return 0;
}

static enum MHD_Result S_custody_done(gt_req *r, const gt_ledger_result *res)
{
	return gt_api_json(r, MHD_HTTP_CREATED,
			   json_pack("{s:O, s:O, s:I, s:s}", "eventID",
				     json_array_get(json_object_get(res->reply, "eventIDs"), 0),
				     "captureID", json_object_get(res->reply, "captureID"), "index",
				     (json_int_t)res->first, "at", res->at));
}

enum MHD_Result gt_h_custody(gt_req *r)
{
	size_t a = 0;
	while (a < sizeof(S_actions) / sizeof(S_actions[0]) &&
	       strcmp(S_actions[a].name, r->param[0]))
		a++;
	if (a == sizeof(S_actions) / sizeof(S_actions[0]))
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "no custody action %s: ship, receive, administer or destroy",
				      r->param[0]);
	json_t *ev;
	char msg[200];
	if (S_custody_event(r, a, &ev, msg, sizeof(msg)) < 0)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid", "%s", msg);
	return gt_api_submit(r, "trace.capture", json_pack("{s:[o]}", "events", ev),
			     S_custody_done);
}
