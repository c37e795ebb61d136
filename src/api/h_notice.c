/* Recall notices: a holder's own (read, acknowledge, webhooks) and a
 * regulator's view of every holder of a recall. */
#include "api/api_int.h"
#include "trace/trace.h"

#include <string.h>

json_t *gt_api_notice_json(gt_stmt *st)
{
	json_t *ack = json_null();
	if (!gt_stmt_is_null(st, 7))
		ack = json_pack("{s:I, s:s, s:s?, s:s}", "index", (json_int_t)gt_stmt_i64(st, 7),
				"action", gt_stmt_text(st, 8, NULL), "note",
				gt_stmt_is_null(st, 9) ? NULL : gt_stmt_text(st, 9, NULL), "at",
				gt_stmt_text(st, 10, NULL));
	return json_pack(
		"{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:o, s:{s:I, s:s, s:s, s:s, s:s?}}", "id",
		(json_int_t)gt_stmt_i64(st, 0), "recall", (json_int_t)gt_stmt_i64(st, 1), "holder",
		gt_stmt_text(st, 2, NULL), "gtin", gt_stmt_text(st, 3, NULL), "lot",
		gt_stmt_text(st, 4, NULL), "index", (json_int_t)gt_stmt_i64(st, 5), "at",
		gt_stmt_text(st, 6, NULL), "acknowledged", ack, "recall_detail", "class",
		(json_int_t)gt_stmt_i64(st, 11), "reason", gt_stmt_text(st, 12, NULL), "effective",
		gt_stmt_text(st, 13, NULL), "regulator", gt_stmt_text(st, 14, NULL), "lifted_at",
		gt_stmt_is_null(st, 15) ? NULL : gt_stmt_text(st, 15, NULL));
}

/* ?pending=true|false (default false): 0, 1, or a 400 answered. */
static int S_pending(gt_req *r, enum MHD_Result *ans)
{
	const char *p = gt_api_query(r, "pending");
	if (!p || !strcmp(p, "false"))
		return 0;
	if (!strcmp(p, "true"))
		return 1;
	*ans = gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
			      "pending must be true or false, not \"%s\"", p);
	return -1;
}

enum MHD_Result gt_h_notice_list(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, after;
	int pending = S_pending(r, &ans);
	if (pending < 0 || gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "after", 0, INT64_MAX, &after, &ans) < 0)
		return ans;
	gt_api_arg args[] = {GT_ARG_TEXT(r->who.org), GT_ARG_INT(pending), GT_ARG_INT(after)};
	return gt_api_list(r, GT_Q_NOTICE_LIST_ORG, args, 3, limit, gt_api_notice_json, "id",
			   "notifications", "next_after");
}

enum MHD_Result gt_h_notice_ack(gt_req *r)
{
	uint64_t id;
	if (gt_api_parse_u64(r->param[0], INT64_MAX, &id) < 0)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no notice %s",
				      r->param[0]);
	if (json_object_get(r->json, "notice"))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid",
				      "the notice is named by the address, not the body");
	json_t *in = json_copy(r->json);
	json_object_set_new(in, "notice", json_integer((json_int_t)id));
	return gt_api_submit(r, "trace.notice.ack", in, gt_api_finish_ok);
}

/* The regulator's view: counts, then the notices (all, or ?pending=true
 * those not acknowledged). */
enum MHD_Result gt_h_recall_holders(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, after, id;
	if (gt_api_parse_u64(r->param[0], INT64_MAX, &id) < 0)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no recall %s",
				      r->param[0]);
	int pending = S_pending(r, &ans);
	if (pending < 0 || gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "after", 0, INT64_MAX, &after, &ans) < 0)
		return ans;
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *out = NULL, *list = NULL, *next = NULL;
	bool found = false;
	rc = gt_stmt_open(c, GT_Q_RECALL_GET, &st, &err);
	if (rc == 0) {
		gt_stmt_bind_i64(st, 1, (int64_t)id);
		rc = gt_stmt_step(st, &err);
		found = rc == 1;
		gt_stmt_close(st);
	}
	if (rc >= 0 && found)
		rc = gt_stmt_open(c, GT_Q_NOTICE_COUNT_RECALL, &st, &err);
	if (rc >= 0 && found) {
		gt_stmt_bind_i64(st, 1, (int64_t)id);
		rc = gt_stmt_step(st, &err);
		if (rc == 1) {
			int64_t n = gt_stmt_i64(st, 0), acked = gt_stmt_i64(st, 1);
			int64_t holders = gt_stmt_i64(st, 2), done = gt_stmt_i64(st, 3);
			out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "recall", (json_int_t)id,
					"notices", (json_int_t)n, "acknowledged", (json_int_t)acked,
					"not_acknowledged", (json_int_t)(n - acked), "holders",
					(json_int_t)holders, "holders_not_done",
					(json_int_t)(holders - done));
		}
		gt_stmt_close(st);
	}
	if (rc >= 0 && found)
		rc = gt_stmt_open(c, GT_Q_NOTICE_LIST_RECALL, &st, &err);
	if (rc >= 0 && found) {
		gt_stmt_bind_i64(st, 1, (int64_t)id);
		gt_stmt_bind_i64(st, 2, pending);
		gt_stmt_bind_i64(st, 3, (int64_t)after);
		gt_stmt_bind_i64(st, 4, (int64_t)limit + 1);
		rc = gt_api_page(st, limit, gt_api_notice_json, "id", &list, &next, &err);
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	if (rc < 0) {
		json_decref(out);
		return gt_api_problem_code(r, rc, err.msg);
	}
	if (!found)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no recall %s",
				      r->param[0]);
	json_object_set_new(out, "notifications", list);
	json_object_set_new(out, "next_after", next);
	return gt_api_json(r, MHD_HTTP_OK, out);
}

/* ---- webhooks ---------------------------------------------------------------------- */

static enum MHD_Result S_created(gt_req *r, const gt_ledger_result *res)
{
	return gt_api_json(r, MHD_HTTP_CREATED, json_incref(res->reply));
}

static enum MHD_Result S_ok(gt_req *r, const gt_ledger_result *res)
{
	return gt_api_json(r, MHD_HTTP_OK, json_incref(res->reply));
}

enum MHD_Result gt_h_webhook_create(gt_req *r)
{
	return gt_api_submit(r, "trace.webhook.add", json_incref(r->json), S_created);
}

enum MHD_Result gt_h_webhook_delete(gt_req *r)
{
	return gt_api_submit(r, "trace.webhook.remove", json_pack("{s:s}", "id", r->param[0]),
			     S_ok);
}

/* A webhook as its owner sees it: never the secret. */
static json_t *S_webhook(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:s?, s:s?}", "id",
			 gt_stmt_text(st, 0, NULL), "url", gt_stmt_text(st, 2, NULL), "created_at",
			 gt_stmt_text(st, 4, NULL), "delivered_through",
			 (json_int_t)gt_stmt_i64(st, 5), "delivered",
			 (json_int_t)gt_stmt_i64(st, 6), "failures", (json_int_t)gt_stmt_i64(st, 7),
			 "last_status",
			 gt_stmt_is_null(st, 8) ? json_null() : json_integer(gt_stmt_i64(st, 8)),
			 "last_error", gt_stmt_is_null(st, 9) ? NULL : gt_stmt_text(st, 9, NULL),
			 "last_at", gt_stmt_is_null(st, 10) ? NULL : gt_stmt_text(st, 10, NULL));
}

enum MHD_Result gt_h_webhook_list(gt_req *r)
{
	gt_api_arg args[] = {GT_ARG_TEXT(r->who.org), GT_ARG_TEXT("")};
	return gt_api_list(r, GT_Q_WEBHOOK_LIST, args, 2, GT_TRACE_WEBHOOKS_MAX, S_webhook, "id",
			   "webhooks", "next_after");
}
