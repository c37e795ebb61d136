/* Private to src/api/: the server, its requests, the route table and the
 * helpers handlers answer with.
 *
 * Ownership: jansson values passed to the reply helpers are stolen; every
 * other json_t * argument is borrowed. A function returning enum MHD_Result
 * has queued a response (MHD_YES) or failed to (MHD_NO: the connection is
 * closed); a handler returns what it got from one of them. */
#ifndef GT_API_API_INT_H
#define GT_API_API_INT_H

#include "api/api.h"
#include "api/suspect.h"
#include "auth/auth.h"
#include "core/json.h"
#include "volunteer/volunteer.h"

#include <jansson.h>
#include <pthread.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define GT_API_PARAMS_MAX 2 /* path parameters in a route pattern */

/* ---- metrics ------------------------------------------------------------- */

#define GT_API_STATUS_MIN 100
#define GT_API_STATUS_MAX 599
#define GT_API_BUCKETS 13 /* request duration buckets, 0.0005 s to 5 s, then +Inf */

/* Counters for one route (or for "other"), updated with relaxed atomics. */
typedef struct gt_api_route_stats {
	_Atomic uint64_t status[GT_API_STATUS_MAX - GT_API_STATUS_MIN + 1];
	_Atomic uint64_t bucket[GT_API_BUCKETS + 1]; /* not cumulative; last is +Inf */
	_Atomic uint64_t count;
	_Atomic uint64_t sum_ns;
} gt_api_route_stats;

/* ---- the server ---------------------------------------------------------- */

struct gt_api {
	struct MHD_Daemon *daemon;
	uint16_t port;
	gt_log *log;
	gt_store *store;
	gt_ledger *ledger;
	char *log_dir;
	char *vkey_path;
	char *web_dir;
	char *files_dir;      /* receipts' files, DIR/files/ab/<sha256> */
	gt_api_limits limits; /* defaults filled in */
	/* Requests between their first call and MHD's completion callback. */
	_Atomic uint64_t inflight;
	/* Commands submitted whose done callback has not returned yet: the
	 * daemon may not stop before this is 0 (their connections are
	 * suspended, and done resumes them). */
	_Atomic uint64_t pending;
	/* Set by gt_api_stop: writes are refused, connections closed after
	 * their response. */
	_Atomic bool stopping;
	gt_api_route_stats *stats;    /* one per route, then one for "other" */
	gt_suspect *suspect;	      /* places that checked each pack lately */
	struct gt_api_proofs *proofs; /* proofs written lately (h_log.c); NULL: none kept */
	gt_vol_index *vol;    /* volunteers and opportunities for matching (h_volunteer.c) */
	pthread_t vol_thread; /* loads it at start */
	bool vol_warm;
	unsigned suspect_places;
	bool trust_forwarded;
	void (*on_error)(void *arg, const char *msg);
	void *on_error_arg;
};

/* ---- requests ------------------------------------------------------------ */

typedef struct gt_req gt_req;
typedef struct gt_route gt_route;

typedef enum MHD_Result (*gt_handler_fn)(gt_req *r);
/* Answers a write once the ledger has acknowledged it (res.code is 0:
 * failures are answered by the server from the code). */
typedef enum MHD_Result (*gt_finish_fn)(gt_req *r, const gt_ledger_result *res);

enum gt_req_state {
	GT_REQ_RECEIVING, /* headers checked; reading the body */
	GT_REQ_SUSPENDED, /* a command is with the ledger */
	GT_REQ_DONE,	  /* the ledger answered (res is set); resumed */
	GT_REQ_ANSWERED,  /* a response is queued */
};

/* One request, from MHD's first call to its completion callback. */
struct gt_req {
	gt_api *api;
	struct MHD_Connection *conn;
	const char *method;    /* MHD's, valid for the request */
	const char *url;       /* the path, percent-decoded by MHD */
	const gt_route *route; /* NULL: no route matched (metrics "other") */
	char allow[64];	       /* without a route: the methods the path takes */
	bool checked;	       /* the header checks have passed */
	uint64_t start_ns;
	enum gt_req_state state;
	unsigned status; /* of the queued response, for the metrics */
	/* Path parameters, in pattern order, NUL-terminated in pbuf. */
	const char *param[GT_API_PARAMS_MAX];
	char *pbuf;
	/* The body, up to limits.body_max; over is set past it. */
	gt_buf body;
	bool body_over;
	uint64_t body_seen; /* bytes of body received, kept or not */
	json_t *json;	    /* the parsed body (routes with GT_ROUTE_BODY) */
	/* The caller, for routes with GT_ROUTE_AUTH. */
	gt_principal who;
	/* A write: finish answers once the ledger has; res.reply is owned. */
	gt_finish_fn finish;
	gt_ledger_result res;
};

/* ---- routes -------------------------------------------------------------- */

enum {
	GT_ROUTE_AUTH = 1 << 0,	  /* needs a bearer token */
	GT_ROUTE_BODY = 1 << 1,	  /* takes a JSON object body */
	GT_ROUTE_REST = 1 << 2,	  /* the last parameter takes the rest of the path */
	GT_ROUTE_HIDDEN = 1 << 3, /* not an API route: not in gt_api_routes_print */
	GT_ROUTE_DOC = 1 << 4,	  /* with BODY: a document (JSON-LD too, up to doc_max, with
				     10,000 items per array and non-integer numbers) */
	GT_ROUTE_RAW = 1 << 5,	  /* takes a body of any type, up to doc_max, kept in r->body */
};

struct gt_route {
	const char *method;
	const char *pattern; /* "/api/v1/orgs/{id}" */
	gt_handler_fn handler;
	const char *action; /* for the role matrix (gt_auth_allowed), or NULL */
	unsigned flags;
};

/* Find the route for method and path ("HEAD" matches "GET" routes). On a
 * match returns the route and fills r->param and r->pbuf; 0 or GT_ENOMEM.
 * Without one, *ret is NULL and allow receives the methods the path
 * accepts ("GET, HEAD", empty if none: 404 rather than 405). */
int gt_api_route_match(gt_req *r, const char *method, const char *path, const gt_route **ret,
		       char *allow, size_t allowlen);
/* The number of routes and the position of one in the table (for metrics). */
size_t gt_api_route_count(void);
size_t gt_api_route_index(const gt_route *route);
const gt_route *gt_api_route_at(size_t i);

/* ---- answering ----------------------------------------------------------- */

/* Queue resp (released here, NULL allowed: MHD_NO) with status, adding
 * X-Content-Type-Options: nosniff. */
enum MHD_Result gt_api_queue(gt_req *r, unsigned status, struct MHD_Response *resp);
/* A response holding a copy of data, with Content-Type ctype and
 * Cache-Control cache (either may be NULL). NULL when out of memory. */
struct MHD_Response *gt_api_response(const void *data, size_t len, const char *ctype,
				     const char *cache);
/* v (stolen) as a compact JSON response with Cache-Control: no-store, for
 * the caller to add headers to; NULL when out of memory. */
struct MHD_Response *gt_api_json_response(json_t *v);
/* Answer v (stolen) as compact JSON with Cache-Control: no-store. */
enum MHD_Result gt_api_json(gt_req *r, unsigned status, json_t *v);
/* Column col of a row as a JSON string, or null for SQL NULL. */
json_t *gt_api_text_or_null(gt_stmt *st, int col);
/* Answer body, JSON text already written (gt_jw), the same way; takes
 * body's memory (body is left empty). */
enum MHD_Result gt_api_json_text(gt_req *r, unsigned status, gt_buf *body);

/* A problem+json response {"type":"urn:goodtrace:problem:<slug>","title",
 * "status","detail"} with Cache-Control: no-store (and Retry-After: 1 for
 * 503), for the caller to add headers to before gt_api_queue. */
struct MHD_Response *gt_api_problem_response(unsigned status, const char *slug, const char *detail);
/* Answer with a problem; the detail is printf-formatted. */
enum MHD_Result gt_api_problem(gt_req *r, unsigned status, const char *slug, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Answer with the problem for a GT_E* code from the layers below: the
 * message is shown for the codes a client can act on; anything else is
 * 500 "internal" without details. */
enum MHD_Result gt_api_problem_code(gt_req *r, int code, const char *msg);

/* ---- request parameters -------------------------------------------------- */

/* A query parameter (NULL if absent). */
const char *gt_api_query(gt_req *r, const char *name);
/* A non-negative integer query parameter: 0 and *ret set (def when absent),
 * or a 400 "invalid-parameter" answered (*answered set) naming it. */
int gt_api_query_u64(gt_req *r, const char *name, uint64_t def, uint64_t max, uint64_t *ret,
		     enum MHD_Result *answered);
/* The page size "limit" (default 20; 1..page_max, over it 400
 * "page-too-large"); as gt_api_query_u64. */
int gt_api_query_limit(gt_req *r, uint64_t *ret, enum MHD_Result *answered);
/* The value of a query parameter that must be one of allowed (NULL-ended) when
 * given: 0 and *ret (NULL when absent), or 400 "<name> must be a, b or c" answered. */
int gt_api_query_one_of(gt_req *r, const char *name, const char *const *allowed, const char **ret,
			enum MHD_Result *answered);
/* Parse a decimal integer (no sign, at most max). 0 or GT_EINVAL. */
int gt_api_parse_u64(const char *s, uint64_t max, uint64_t *ret);
/* Whether s is an organisation id ([a-z0-9][a-z0-9-]{1,39}). */
bool gt_api_org_id_valid(const char *s);

/* ---- pages of rows ------------------------------------------------------- */

/* Step st (bound to return up to limit + 1 rows) and make each of the first
 * limit rows into a list item with row(st). *ret_next is the value of key
 * in the last item when there was one row more (the client's key to the
 * next page), JSON null otherwise. 0, or a negative code with err set. */
int gt_api_page(gt_stmt *st, uint64_t limit, json_t *(*row)(gt_stmt *st), const char *key,
		json_t **ret_list, json_t **ret_next, gt_error *err);

/* A value for a query parameter: text (NULL binds NULL) or an integer. */
typedef struct gt_api_arg {
	const char *text;
	int64_t i;
	bool is_int;
} gt_api_arg;
#define GT_ARG_TEXT(s) ((gt_api_arg){.text = (s)})
#define GT_ARG_INT(v) ((gt_api_arg){.i = (int64_t)(v), .is_int = true})

/* Answer a page of query q on a reader: its parameters are args[0..n-1]
 * then limit + 1; the answer is {"<name>": [row() of each],
 * "<next_name>": key of the last item when more rows follow, else null}. */
enum MHD_Result gt_api_list(gt_req *r, gt_query q, const gt_api_arg *args, size_t n, uint64_t limit,
			    json_t *(*row)(gt_stmt *st), const char *key, const char *name,
			    const char *next_name);

/* ---- access -------------------------------------------------------------- */

/* Authenticate the bearer token into r->who and check the route's action
 * against the role matrix. 0, or a 401/403 answered (*answered set). */
int gt_api_authorize(gt_req *r, enum MHD_Result *answered);

/* ---- writes -------------------------------------------------------------- */

/* Submit a command of type for r->who with input (stolen) and suspend the
 * connection until the ledger answers; then finish answers a success, and
 * the server answers a failure from its code. While the server is stopping
 * answers 503 at once instead. */
enum MHD_Result gt_api_submit(gt_req *r, const char *type, json_t *input, gt_finish_fn finish);
/* gt_api_submit of the body (an object; {} without one) with key set from the
 * path's first parameter: as it is, or (as_index) as a number, a path that is
 * none being 404. A body that gives key itself is 400. */
enum MHD_Result gt_api_submit_param(gt_req *r, const char *type, const char *key, bool as_index,
				    gt_finish_fn finish);
/* Answer a write whose ledger result is in r->res (called by the server
 * after the connection is resumed). */
enum MHD_Result gt_api_submit_answer(gt_req *r);
/* Finishers shared by the handlers: the reply object with "index" (the
 * first entry) and "at" added, as 201 or 200. */
enum MHD_Result gt_api_finish_created(gt_req *r, const gt_ledger_result *res);
enum MHD_Result gt_api_finish_ok(gt_req *r, const gt_ledger_result *res);

/* ---- metrics ------------------------------------------------------------- */

/* Count a completed request of route (NULL: "other") with status, taking
 * ns nanoseconds. */
void gt_api_metrics_record(gt_api *api, const gt_route *route, unsigned status, uint64_t ns);

/* ---- handlers ------------------------------------------------------------ */

enum MHD_Result gt_h_healthz(gt_req *r);
enum MHD_Result gt_h_metrics(gt_req *r);

enum MHD_Result gt_h_log_checkpoint(gt_req *r);
enum MHD_Result gt_h_log_vkey(gt_req *r);
enum MHD_Result gt_h_log_tile(gt_req *r);
enum MHD_Result gt_h_web(gt_req *r);

enum MHD_Result gt_h_log_proof(gt_req *r);
enum MHD_Result gt_h_log_consistency(gt_req *r);
enum MHD_Result gt_h_log_entry(gt_req *r);
enum MHD_Result gt_h_log_entries(gt_req *r);

enum MHD_Result gt_h_whoami(gt_req *r);
enum MHD_Result gt_h_org_create(gt_req *r);
enum MHD_Result gt_h_org_list(gt_req *r);
enum MHD_Result gt_h_org_get(gt_req *r);
enum MHD_Result gt_h_org_update(gt_req *r);

enum MHD_Result gt_h_token_create(gt_req *r);
enum MHD_Result gt_h_token_list(gt_req *r);
enum MHD_Result gt_h_token_revoke(gt_req *r);

enum MHD_Result gt_h_attest_create(gt_req *r);
enum MHD_Result gt_h_attest_batch(gt_req *r);
enum MHD_Result gt_h_attest_list(gt_req *r);
/* The published checkpoint (appended to note) and its size. */
int gt_api_checkpoint(gt_log *log, gt_buf *note, uint64_t *size, gt_error *err);
/* Entry index (< size) with its inclusion proof in the tree of size,
 * written by w as the members "index", "raw", "leaf_hash", "hashes" and,
 * with_entry, "entry" (the entry as a JSON value) of the object w is in.
 * The text of recent proofs is kept (api->proofs): the entries many
 * answers rest on (a product, a recall) are proved once per tree size. */
int gt_api_entry_proof(gt_api *api, uint64_t index, uint64_t size, bool with_entry, gt_jw *w,
		       gt_error *err);
/* The kept proofs: new (NULL when out of memory: none are kept), and freed. */
struct gt_api_proofs *gt_api_proofs_new(void);
void gt_api_proofs_free(struct gt_api_proofs *p);

enum MHD_Result gt_h_product_create(gt_req *r);
enum MHD_Result gt_h_product_get(gt_req *r);
enum MHD_Result gt_h_product_list(gt_req *r);
enum MHD_Result gt_h_batch_create(gt_req *r);
enum MHD_Result gt_h_batch_get(gt_req *r);
enum MHD_Result gt_h_packs_create(gt_req *r);
enum MHD_Result gt_h_pack_get(gt_req *r);
enum MHD_Result gt_h_recall_create(gt_req *r);
enum MHD_Result gt_h_recall_lift(gt_req *r);
enum MHD_Result gt_h_recall_get(gt_req *r);
enum MHD_Result gt_h_recall_list(gt_req *r);
enum MHD_Result gt_h_check(gt_req *r);
enum MHD_Result gt_h_recall_holders(gt_req *r);
enum MHD_Result gt_h_notice_list(gt_req *r);
/* A row of the notice columns (GT_Q_NOTICE_GET) as the API shows it: {"id",
 * "recall", "holder", "gtin", "lot", "index", "at", "acknowledged": null or
 * {"index", "action", "note"?, "at"}, "recall_detail": {"class", "reason",
 * "effective", "regulator", "lifted_at"?}}. */
json_t *gt_api_notice_json(gt_stmt *st);
enum MHD_Result gt_h_notice_ack(gt_req *r);
enum MHD_Result gt_h_webhook_create(gt_req *r);
enum MHD_Result gt_h_webhook_list(gt_req *r);
enum MHD_Result gt_h_webhook_delete(gt_req *r);
enum MHD_Result gt_h_custody(gt_req *r);
/* The canonical Digital Link of a trade item: https://id.gs1.org/01/<gtin>/
 * <ai>/<value percent-encoded> (ai "10" a lot, "21" a serial), appended to
 * out. 0 or GT_ENOMEM. */
int gt_api_item_id(gt_buf *out, const char *gtin, const char *ai, const char *value);
enum MHD_Result gt_h_epcis_capture(gt_req *r);
enum MHD_Result gt_h_epcis_capture_get(gt_req *r);
enum MHD_Result gt_h_epcis_event_post(gt_req *r);
enum MHD_Result gt_h_epcis_events(gt_req *r);
enum MHD_Result gt_h_epcis_event_get(gt_req *r);
/* h_give.c */
enum MHD_Result gt_h_campaign_create(gt_req *r);
enum MHD_Result gt_h_campaign_list(gt_req *r);
enum MHD_Result gt_h_campaign_get(gt_req *r);
enum MHD_Result gt_h_campaign_donations(gt_req *r);
enum MHD_Result gt_h_campaign_disbursements(gt_req *r);
enum MHD_Result gt_h_campaign_documents(gt_req *r);
enum MHD_Result gt_h_campaign_verify(gt_req *r);
enum MHD_Result gt_h_campaign_close(gt_req *r);
enum MHD_Result gt_h_campaign_report(gt_req *r);
enum MHD_Result gt_h_report_list(gt_req *r);
enum MHD_Result gt_h_report_resolve(gt_req *r);
enum MHD_Result gt_h_work_create(gt_req *r);
enum MHD_Result gt_h_work_list(gt_req *r);
enum MHD_Result gt_h_donation_create(gt_req *r);
enum MHD_Result gt_h_donation_batch(gt_req *r);
enum MHD_Result gt_h_refund_create(gt_req *r);
enum MHD_Result gt_h_disbursement_create(gt_req *r);
enum MHD_Result gt_h_disbursement_get(gt_req *r);
enum MHD_Result gt_h_disbursement_funders(gt_req *r);
enum MHD_Result gt_h_disbursement_confirm(gt_req *r);
enum MHD_Result gt_h_file_put(gt_req *r);
enum MHD_Result gt_h_file_get(gt_req *r);
enum MHD_Result gt_h_receipt_get(gt_req *r);

/* h_volunteer.c */
enum MHD_Result gt_h_vol_taxonomy(gt_req *r);
enum MHD_Result gt_h_vol_totals(gt_req *r);
enum MHD_Result gt_h_opportunity_create(gt_req *r);
enum MHD_Result gt_h_opportunity_list(gt_req *r);
enum MHD_Result gt_h_opportunity_get(gt_req *r);
enum MHD_Result gt_h_opportunity_close(gt_req *r);
enum MHD_Result gt_h_opportunity_code(gt_req *r);
enum MHD_Result gt_h_opportunity_signups(gt_req *r);
enum MHD_Result gt_h_opportunity_candidates(gt_req *r);
enum MHD_Result gt_h_volunteer_register(gt_req *r);
enum MHD_Result gt_h_volunteer_get(gt_req *r);
enum MHD_Result gt_h_volunteer_update(gt_req *r);
enum MHD_Result gt_h_volunteer_rekey(gt_req *r);
enum MHD_Result gt_h_volunteer_erase(gt_req *r);
enum MHD_Result gt_h_volunteer_matches(gt_req *r);
enum MHD_Result gt_h_volunteer_signups(gt_req *r);
enum MHD_Result gt_h_volunteer_sessions(gt_req *r);
enum MHD_Result gt_h_signup_create(gt_req *r);
enum MHD_Result gt_h_signup_cancel(gt_req *r);
enum MHD_Result gt_h_signup_decide(gt_req *r);
enum MHD_Result gt_h_checkin(gt_req *r);
enum MHD_Result gt_h_checkout(gt_req *r);
enum MHD_Result gt_h_session_record(gt_req *r);
enum MHD_Result gt_h_session_hours(gt_req *r);
enum MHD_Result gt_h_session_dispute(gt_req *r);
enum MHD_Result gt_h_session_disputes(gt_req *r);
enum MHD_Result gt_h_org_sessions(gt_req *r);
enum MHD_Result gt_h_certificate(gt_req *r);

/* green (h_green.c) */
enum MHD_Result gt_h_green_register(gt_req *r);
enum MHD_Result gt_h_green_rekey(gt_req *r);
enum MHD_Result gt_h_green_me(gt_req *r);
enum MHD_Result gt_h_green_collect(gt_req *r);
enum MHD_Result gt_h_green_redeem(gt_req *r);
enum MHD_Result gt_h_green_rules(gt_req *r);
enum MHD_Result gt_h_green_rule_put(gt_req *r);
enum MHD_Result gt_h_green_actions(gt_req *r);
enum MHD_Result gt_h_green_species(gt_req *r);
enum MHD_Result gt_h_green_species_put(gt_req *r);
enum MHD_Result gt_h_green_sites(gt_req *r);
enum MHD_Result gt_h_green_site_put(gt_req *r);
enum MHD_Result gt_h_green_planting_create(gt_req *r);
enum MHD_Result gt_h_green_planting_get(gt_req *r);
enum MHD_Result gt_h_green_check_create(gt_req *r);
enum MHD_Result gt_h_green_tree(gt_req *r);
enum MHD_Result gt_h_green_totals(gt_req *r);
enum MHD_Result gt_h_green_pools(gt_req *r);
enum MHD_Result gt_h_green_pool_get(gt_req *r);
enum MHD_Result gt_h_green_pool_create(gt_req *r);
enum MHD_Result gt_h_green_pool_close(gt_req *r);
enum MHD_Result gt_h_green_unlock(gt_req *r);

#endif
