/* The daemon and the life of a request: routing, access checks, the body
 * under its limits, dispatch to the handler, completion and graceful stop. */
#include "api/api_int.h"
#include "core/json.h"
#include "core/time.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define S_BODY_MAX (1024 * 1024)
#define S_JSON_DEPTH 16
#define S_STRING_MAX 4096
#define S_BATCH_MAX 1000
#define S_PAGE_MAX 1000
#define S_CONN_MAX 4096
#define S_PER_IP_MAX 512
#define S_TIMEOUT_S 30
#define S_ITEMS_MIN 1000	     /* members of any array or object, at least */
#define S_DOC_MAX (16 * 1024 * 1024) /* bytes of an EPCIS document */
#define S_DOC_ITEMS 10000	     /* members of an array or object in one */

static void S_req_free(gt_req *r)
{
	json_decref(r->json);
	json_decref(r->res.reply);
	gt_buf_done(&r->body);
	free(r->pbuf);
	free(r);
}

/* Whether the request's media type is application/json (parameters such
 * as charset allowed). */
/* The most body bytes the request's route takes. */
static size_t S_body_max(const gt_req *r)
{
	return r->route && (r->route->flags & (GT_ROUTE_DOC | GT_ROUTE_RAW)) ?
		       r->api->limits.doc_max :
		       r->api->limits.body_max;
}

static bool S_is_json(gt_req *r)
{
	const char *ct =
		MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	static const char want[] = "application/json", ld[] = "application/ld+json";
	if (strncasecmp(ct, want, sizeof(want) - 1) == 0)
		ct += sizeof(want) - 1;
	else if ((r->route->flags & GT_ROUTE_DOC) && strncasecmp(ct, ld, sizeof(ld) - 1) == 0)
		ct += sizeof(ld) - 1; /* EPCIS documents are JSON-LD */
	else
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == 0 || *ct == ';';
}

/* No route for the path (404), or not for this method (405 with Allow). */
static enum MHD_Result S_no_route(gt_req *r)
{
	if (!r->allow[0])
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "nothing at %s", r->url);
	char detail[128];
	snprintf(detail, sizeof(detail), "%s is not allowed here; allowed: %s", r->method,
		 r->allow);
	struct MHD_Response *resp =
		gt_api_problem_response(MHD_HTTP_METHOD_NOT_ALLOWED, "method-not-allowed", detail);
	if (resp && MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow) != MHD_YES) {
		MHD_destroy_response(resp);
		resp = NULL;
	}
	return gt_api_queue(r, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
}

/* Checks made from the request line and headers alone, before any of the
 * body is read: the route, the caller, the body's type and announced size.
 * MHD_YES with r->state still GT_REQ_RECEIVING when they all pass. */
static enum MHD_Result S_check(gt_req *r)
{
	enum MHD_Result ans;
	r->checked = true;
	if (!r->route)
		return S_no_route(r);
	if ((r->route->flags & GT_ROUTE_AUTH) && gt_api_authorize(r, &ans) < 0)
		return ans;
	if (!(r->route->flags & (GT_ROUTE_BODY | GT_ROUTE_RAW)))
		return MHD_YES;
	if ((r->route->flags & GT_ROUTE_BODY) && !S_is_json(r))
		return gt_api_problem(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
				      "the request body must be application/json");
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t len;
	size_t max = S_body_max(r);
	/* A body a little over the limit is read and thrown away, so that the
	 * client, still sending, reads the 413 instead of a broken pipe (a
	 * response queued mid-upload closes the connection); a body far over
	 * it is refused at once. */
	if (cl && gt_api_parse_u64(cl, UINT64_MAX, &len) == 0 && len > (uint64_t)max * 8)
		return gt_api_problem(r, MHD_HTTP_CONTENT_TOO_LARGE, "body-too-large",
				      "the request body is over %zu bytes", max);
	return MHD_YES;
}

/* Whether a body follows the headers. */
static bool S_has_body(gt_req *r)
{
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	return (cl && strcmp(cl, "0") != 0) ||
	       MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

/* The first call for a request: its context and its route. With a body
 * coming, the header checks answer now so that a refused body is never
 * read; without one they wait for the final call, because a response
 * queued before the request is complete closes the connection. */
static enum MHD_Result S_begin(gt_api *api, struct MHD_Connection *conn, const char *url,
			       const char *method, void **con_cls)
{
	gt_req *r = calloc(1, sizeof(*r));
	if (!r)
		return MHD_NO;
	r->api = api;
	r->conn = conn;
	r->method = method;
	r->url = url;
	r->start_ns = gt_time_mono_ns();
	r->state = GT_REQ_RECEIVING;
	*con_cls = r;
	atomic_fetch_add(&api->inflight, 1);
	if (gt_api_route_match(r, method, url, &r->route, r->allow, sizeof(r->allow)) < 0)
		return gt_api_problem_code(r, GT_ENOMEM, NULL);
	return S_has_body(r) ? S_check(r) : MHD_YES;
}

/* Keep the body of routes that take one, up to body_max; past it, remember
 * and discard (a response cannot be queued while the body is arriving). */
static void S_body_add(gt_req *r, const char *data, size_t size)
{
	if (!r->route || !(r->route->flags & (GT_ROUTE_BODY | GT_ROUTE_RAW)) || r->body_over)
		return;
	if (size > S_body_max(r) - r->body.len || gt_buf_add(&r->body, data, size) < 0) {
		r->body_over = true;
		gt_buf_done(&r->body);
	}
}

/* Parse the body into r->json: one JSON object under the limits, integers
 * only. MHD_YES with r->json set, or a 400 answered (r->state says). */
static enum MHD_Result S_parse_body(gt_req *r)
{
	const gt_api_limits *l = &r->api->limits;
	bool doc = r->route->flags & GT_ROUTE_DOC;
	gt_json_limits lim = {
		.max_bytes = S_body_max(r),
		.max_depth = l->json_depth,
		.max_string = l->string_max,
		.max_items = l->batch_max > S_ITEMS_MIN ? l->batch_max : S_ITEMS_MIN,
	};
	if (doc && lim.max_items < S_DOC_ITEMS)
		lim.max_items = S_DOC_ITEMS;
	enum gt_json_over over = GT_JSON_OVER_NONE;
	gt_error err = {0};
	const void *text = r->body.data ? (const void *)r->body.data : "";
	int rc = gt_json_parse(text, r->body.len, &lim, &r->json, &over, &err);
	if (rc == GT_ETOOBIG) {
		switch (over) {
		case GT_JSON_OVER_DEPTH:
			return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "json-too-deep", "%s",
					      err.msg);
		case GT_JSON_OVER_STRING:
			return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "string-too-long", "%s",
					      err.msg);
		case GT_JSON_OVER_ITEMS:
			return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "batch-too-large", "%s",
					      err.msg);
		default:
			return gt_api_problem(r, MHD_HTTP_CONTENT_TOO_LARGE, "body-too-large",
					      "the request body is over %zu bytes", S_body_max(r));
		}
	}
	if (rc == GT_EINVAL)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-json", "%s", err.msg);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	if (!json_is_object(r->json))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid",
				      "the request body must be a JSON object");
	if (!doc && gt_json_has_real(r->json))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid",
				      "numbers must be integers");
	return MHD_YES;
}

/* The whole request is in: answer it. */
static enum MHD_Result S_dispatch(gt_req *r)
{
	if (!r->checked) {
		enum MHD_Result ret = S_check(r);
		if (ret != MHD_YES || r->state == GT_REQ_ANSWERED)
			return ret;
	}
	if (r->body_over)
		return gt_api_problem(r, MHD_HTTP_CONTENT_TOO_LARGE, "body-too-large",
				      "the request body is over %zu bytes", S_body_max(r));
	if (r->route->flags & GT_ROUTE_BODY) {
		enum MHD_Result ret = S_parse_body(r);
		if (ret != MHD_YES || r->state == GT_REQ_ANSWERED)
			return ret;
	}
	return r->route->handler(r);
}

static enum MHD_Result S_access(void *cls, struct MHD_Connection *conn, const char *url,
				const char *method, const char *version, const char *upload_data,
				size_t *upload_data_size, void **con_cls)
{
	gt_req *r = *con_cls;
	(void)version;
	if (!r)
		return S_begin(cls, conn, url, method, con_cls);
	switch (r->state) {
	case GT_REQ_RECEIVING:
		break;
	case GT_REQ_DONE:
		return gt_api_submit_answer(r);
	case GT_REQ_SUSPENDED:
	case GT_REQ_ANSWERED:
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Whatever the route, a body far over the limit (one a route
		 * without a body would otherwise drain for ever) ends the
		 * connection. */
		r->body_seen += *upload_data_size;
		if (r->body_seen > (uint64_t)S_body_max(r) * 8)
			return MHD_NO;
		S_body_add(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return S_dispatch(r);
}

static void S_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			enum MHD_RequestTerminationCode toe)
{
	gt_api *api = cls;
	gt_req *r = *con_cls;
	(void)conn;
	if (!r)
		return;
	*con_cls = NULL;
	/* A request that ended unanswered (the client went away, or timed
	 * out, mid-upload or while its write waited for the sequencer) counts
	 * as 499, nginx's "client closed request". */
	if (r->state == GT_REQ_ANSWERED)
		gt_api_metrics_record(api, r->route, r->status, gt_time_mono_ns() - r->start_ns);
	else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK &&
		 toe != MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN)
		gt_api_metrics_record(api, r->route, 499, gt_time_mono_ns() - r->start_ns);
	S_req_free(r);
	atomic_fetch_sub(&api->inflight, 1);
}

/* libmicrohttpd's messages, to the program's error hook. */
static void S_mhd_log(void *cls, const char *fmt, va_list ap)
{
	gt_api *api = cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = 0;
	api->on_error(api->on_error_arg, msg);
}

static void S_limits_default(gt_api_limits *l)
{
	if (!l->body_max)
		l->body_max = S_BODY_MAX;
	if (!l->doc_max)
		l->doc_max = S_DOC_MAX;
	if (!l->json_depth)
		l->json_depth = S_JSON_DEPTH;
	if (!l->string_max)
		l->string_max = S_STRING_MAX;
	if (!l->batch_max)
		l->batch_max = S_BATCH_MAX;
	if (!l->page_max)
		l->page_max = S_PAGE_MAX;
	if (!l->conn_max)
		l->conn_max = S_CONN_MAX;
	if (!l->per_ip_max)
		l->per_ip_max = S_PER_IP_MAX;
	if (!l->timeout_s)
		l->timeout_s = S_TIMEOUT_S;
}

static void *S_vol_warm(void *arg)
{
	gt_api *api = arg;
	gt_store_conn *c;
	gt_error err = {0};
	int rc = gt_store_reader(api->store, &c, &err);
	if (rc == 0) {
		rc = gt_vol_index_refresh(api->vol, c, &err);
		gt_store_reader_done(c);
	}
	if (rc < 0 && api->on_error)
		api->on_error(api->on_error_arg, err.msg);
	return NULL;
}

static void S_free(gt_api *api)
{
	if (api->vol_warm)
		pthread_join(api->vol_thread, NULL);
	free(api->log_dir);
	free(api->vkey_path);
	free(api->web_dir);
	free(api->files_dir);
	free(api->stats);
	gt_suspect_free(api->suspect);
	gt_api_proofs_free(api->proofs);
	gt_vol_index_free(api->vol);
	free(api);
}

int gt_api_start(const gt_api_options *opt, gt_api **ret, gt_error *err)
{
	if (!opt->log || !opt->store || !opt->ledger || !opt->log_dir || !opt->vkey_path ||
	    !opt->web_dir)
		return gt_fail(err, GT_EINVAL,
			       "the server needs a log, store, ledger and directories");
	const char *host = opt->host ? opt->host : "127.0.0.1";
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(opt->port)};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(opt->port)};
	struct sockaddr *sa;
	/* poll(2), not epoll: with a thread pool, libmicrohttpd 0.9.75's
	 * MHD_quiesce_daemon races a worker removing the listening socket
	 * from its own epoll set and aborts the process ("Failed to remove
	 * listen FD from epoll set"), which graceful shutdown cannot risk.
	 * With a few hundred connections per thread poll costs the same. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG;
	if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
		sa = (struct sockaddr *)&sin;
	} else if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
		sa = (struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		return gt_fail(err, GT_EINVAL,
			       "listen address \"%s\" is not a numeric IPv4 or IPv6 address", host);
	}

	int rc;
	gt_api *api = calloc(1, sizeof(*api));
	if (!api)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	api->log = opt->log;
	api->store = opt->store;
	api->ledger = opt->ledger;
	api->limits = opt->limits;
	S_limits_default(&api->limits);
	api->log_dir = strdup(opt->log_dir);
	api->vkey_path = strdup(opt->vkey_path);
	api->web_dir = strdup(opt->web_dir);
	if (opt->files_dir)
		api->files_dir = strdup(opt->files_dir);
	else if (asprintf(&api->files_dir, "%s/../files", opt->log_dir) < 0)
		api->files_dir = NULL;
	api->stats = calloc(gt_api_route_count() + 1, sizeof(*api->stats));
	api->suspect_places = opt->suspect_places ? opt->suspect_places : 5;
	if (api->suspect_places > GT_SUSPECT_PLACES)
		api->suspect_places = GT_SUSPECT_PLACES;
	api->trust_forwarded = opt->trust_forwarded;
	api->proofs = gt_api_proofs_new(); /* without it, nothing is kept */
	if (!api->log_dir || !api->vkey_path || !api->web_dir || !api->files_dir || !api->stats ||
	    gt_suspect_new(0, 0, &api->suspect) < 0 || gt_vol_index_new(&api->vol, err) < 0) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto fail;
	}
	unsigned threads = opt->threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	api->on_error = opt->on_error;
	api->on_error_arg = opt->on_error_arg;
	struct MHD_OptionItem logger[] = {
		{MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)S_mhd_log, api},
		{MHD_OPTION_END, 0, NULL},
	};
	errno = 0;
	api->daemon = MHD_start_daemon(
		flags, opt->port, NULL, NULL, S_access, api, MHD_OPTION_ARRAY,
		api->on_error ? logger : logger + 1, MHD_OPTION_SOCK_ADDR, sa,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
		api->limits.conn_max, MHD_OPTION_PER_IP_CONNECTION_LIMIT, api->limits.per_ip_max,
		MHD_OPTION_CONNECTION_TIMEOUT, api->limits.timeout_s, MHD_OPTION_NOTIFY_COMPLETED,
		S_completed, api, MHD_OPTION_END);
	if (!api->daemon) {
		rc = errno ? gt_fail_errno(err, errno, "cannot listen on %s port %u", host,
					   (unsigned)opt->port) :
			     gt_fail(err, GT_EIO, "cannot listen on %s port %u", host,
				     (unsigned)opt->port);
		goto fail;
	}
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(api->daemon, MHD_DAEMON_INFO_BIND_PORT);
	api->port = info ? info->port : opt->port;
	/* Load the matching engine now rather than on the first query (a
	 * million profiles take seconds); queries wait for it meanwhile. */
	api->vol_warm = pthread_create(&api->vol_thread, NULL, S_vol_warm, api) == 0;
	*ret = api;
	return 0;
fail:
	S_free(api);
	return rc;
}

uint16_t gt_api_port(const gt_api *api)
{
	return api->port;
}

static void S_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

void gt_api_stop(gt_api *api, unsigned wait_ms)
{
	if (!api)
		return;
	/* New writes are refused from here on (see gt_api_submit), so once
	 * pending reaches 0 no connection can be suspended again. */
	atomic_store(&api->stopping, true);
	MHD_socket lsock = MHD_quiesce_daemon(api->daemon);
	uint64_t deadline = gt_time_mono_ns() + (uint64_t)wait_ms * 1000000u;
	while (atomic_load(&api->inflight) > 0 && gt_time_mono_ns() < deadline)
		S_sleep_ms(2);
	/* MHD may not stop with suspended connections: the ledger answers
	 * every command it took, so wait for those whatever wait_ms says. */
	while (atomic_load(&api->pending) > 0)
		S_sleep_ms(2);
	MHD_stop_daemon(api->daemon);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	S_free(api);
}
