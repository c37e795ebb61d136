/* Donations: campaigns and their public accounts, donations (single and
 * batches), works on sale, refunds, disbursements, receipts, reports, and
 * the receipts' files stored by hash (docs/give.md). */
#include "api/api_int.h"
#include "core/base64.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/time.h"
#include "give/give.h"
#include "log/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_PARTS_MAX 1000 /* disbursements listed on one receipt */
#define S_FILE_MAX (16u * 1024 * 1024)

/* ---- writes ---------------------------------------------------------------------------- */

/* The reply as it is (it has its own index), as 201 or 200. */
static enum MHD_Result S_reply_as_is(gt_req *r, const gt_ledger_result *res, unsigned status)
{
	json_t *v = res->reply ? json_incref(res->reply) : json_object();
	return gt_api_json(r, status, v);
}

static enum MHD_Result S_finish_created(gt_req *r, const gt_ledger_result *res)
{
	return S_reply_as_is(r, res, MHD_HTTP_CREATED);
}

static enum MHD_Result S_finish_ok(gt_req *r, const gt_ledger_result *res)
{
	return S_reply_as_is(r, res, MHD_HTTP_OK);
}

static enum MHD_Result S_finish_accepted(gt_req *r, const gt_ledger_result *res)
{
	return S_reply_as_is(r, res, MHD_HTTP_ACCEPTED);
}

/* 201 when something was recorded, 200 when every donation was a duplicate. */
static enum MHD_Result S_finish_donation(gt_req *r, const gt_ledger_result *res)
{
	return S_reply_as_is(r, res, res->count ? MHD_HTTP_CREATED : MHD_HTTP_OK);
}

enum MHD_Result gt_h_campaign_create(gt_req *r)
{
	return gt_api_submit(r, "give.campaign", json_incref(r->json), S_finish_created);
}

enum MHD_Result gt_h_campaign_documents(gt_req *r)
{
	return gt_api_submit_param(r, "give.campaign.documents", "campaign", false,
				   S_finish_created);
}

enum MHD_Result gt_h_campaign_verify(gt_req *r)
{
	return gt_api_submit_param(r, "give.campaign.verify", "campaign", false, gt_api_finish_ok);
}

enum MHD_Result gt_h_campaign_close(gt_req *r)
{
	return gt_api_submit_param(r, "give.campaign.close", "campaign", false, gt_api_finish_ok);
}

enum MHD_Result gt_h_campaign_report(gt_req *r)
{
	return gt_api_submit_param(r, "give.report", "campaign", false, S_finish_accepted);
}

enum MHD_Result gt_h_work_create(gt_req *r)
{
	return gt_api_submit_param(r, "give.work", "campaign", false, S_finish_created);
}

enum MHD_Result gt_h_donation_create(gt_req *r)
{
	if (json_object_get(r->json, "items"))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid",
				      "a batch goes to /api/v1/donations/batch");
	return gt_api_submit(r, "give.donation", json_incref(r->json), S_finish_donation);
}

enum MHD_Result gt_h_donation_batch(gt_req *r)
{
	const json_t *items = json_object_get(r->json, "items");
	if (!json_is_array(items) || json_object_size(r->json) != 1)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid",
				      "the body must be {\"items\": [donation, …]}");
	if (json_array_size(items) > GT_GIVE_BATCH_MAX)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "batch-too-large",
				      "items has %zu donations; at most %d are allowed",
				      json_array_size(items), GT_GIVE_BATCH_MAX);
	return gt_api_submit(r, "give.donation", json_incref(r->json), S_finish_donation);
}

enum MHD_Result gt_h_refund_create(gt_req *r)
{
	return gt_api_submit(r, "give.refund", json_incref(r->json), S_finish_created);
}

enum MHD_Result gt_h_disbursement_create(gt_req *r)
{
	return gt_api_submit(r, "give.disbursement", json_incref(r->json), S_finish_created);
}

enum MHD_Result gt_h_disbursement_confirm(gt_req *r)
{
	return gt_api_submit_param(r, "give.confirm", "disbursement", true, S_finish_ok);
}

enum MHD_Result gt_h_report_resolve(gt_req *r)
{
	return gt_api_submit_param(r, "give.report.resolve", "id", true, S_finish_ok);
}

/* ---- rows as the API shows them ------------------------------------------------------- */

static json_t *S_int_or_null(gt_stmt *st, int col)
{
	return gt_stmt_is_null(st, col) ? json_null() : json_integer(gt_stmt_i64(st, col));
}

/* A campaign row without its accounts' lists (for lists of campaigns). */
static json_t *S_campaign(gt_stmt *st)
{
	char now[GT_TIME_LEN + 1];
	gt_time_format(gt_time_now_ms(), now);
	const char *currency = gt_stmt_text(st, 9, NULL);
	int64_t raised = gt_stmt_i64(st, 20), refunded = gt_stmt_i64(st, 22),
		spent = gt_stmt_i64(st, 23);
	json_t *v = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:o, s:s, s:i, s:s, s:s, s:s, s:o,"
		" s:I, s:s}",
		"id", gt_stmt_text(st, 0, NULL), "org", gt_stmt_text(st, 1, NULL), "title",
		gt_stmt_text(st, 2, NULL), "description", gt_stmt_text(st, 3, NULL), "beneficiary",
		gt_stmt_text(st, 4, NULL), "beneficiary_org", gt_api_text_or_null(st, 5),
		"category", gt_stmt_text(st, 6, NULL), "goal", (json_int_t)gt_stmt_i64(st, 7),
		"cap", S_int_or_null(st, 8), "currency", currency, "minor_unit",
		gt_give_minor_unit(currency), "starts", gt_stmt_text(st, 10, NULL), "ends",
		gt_stmt_text(st, 11, NULL), "status",
		gt_give_status(gt_stmt_text(st, 14, NULL), !gt_stmt_is_null(st, 28),
			       gt_stmt_text(st, 10, NULL), gt_stmt_text(st, 11, NULL), now),
		"closed_at", gt_api_text_or_null(st, 18), "index", (json_int_t)gt_stmt_i64(st, 12),
		"at", gt_stmt_text(st, 13, NULL));
	json_t *ver = json_pack("{s:s, s:o, s:o, s:o}", "status", gt_stmt_text(st, 14, NULL),
				"note", gt_api_text_or_null(st, 15), "by",
				gt_api_text_or_null(st, 16), "at", gt_api_text_or_null(st, 17));
	json_t *acc = json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "raised", (json_int_t)raised,
		"refunded", (json_int_t)refunded, "spent", (json_int_t)spent, "balance",
		(json_int_t)(raised - refunded - spent), "donations",
		(json_int_t)gt_stmt_i64(st, 21), "donors", (json_int_t)gt_stmt_i64(st, 26),
		"anonymous", (json_int_t)gt_stmt_i64(st, 27), "disbursements",
		(json_int_t)gt_stmt_i64(st, 25));
	if (v) {
		json_object_set_new(v, "closed_reason", gt_api_text_or_null(st, 19));
		json_object_set_new(v, "verification", ver);
		json_object_set_new(v, "accounts", acc);
	} else {
		json_decref(ver);
		json_decref(acc);
	}
	return v;
}

static json_t *S_donation(gt_stmt *st)
{
	return json_pack("{s:I, s:s, s:I, s:I, s:s, s:o, s:b, s:o, s:s}", "index",
			 (json_int_t)gt_stmt_i64(st, 0), "campaign", gt_stmt_text(st, 1, NULL),
			 "amount", (json_int_t)gt_stmt_i64(st, 4), "refunded",
			 (json_int_t)gt_stmt_i64(st, 5), "channel", gt_stmt_text(st, 7, NULL),
			 "name", gt_api_text_or_null(st, 8), "anonymous", gt_stmt_i64(st, 9) != 0,
			 "work", gt_api_text_or_null(st, 10), "at", gt_stmt_text(st, 12, NULL));
}

static json_t *S_disbursement(gt_stmt *st)
{
	json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:s, s:s, s:s}", "index",
			      (json_int_t)gt_stmt_i64(st, 0), "campaign", gt_stmt_text(st, 1, NULL),
			      "payee", gt_stmt_text(st, 3, NULL), "payee_kind",
			      gt_stmt_text(st, 4, NULL), "payee_org", gt_api_text_or_null(st, 5),
			      "purpose", gt_stmt_text(st, 6, NULL), "category",
			      gt_stmt_text(st, 7, NULL), "amount", (json_int_t)gt_stmt_i64(st, 8),
			      "receipt_sha256", gt_stmt_text(st, 9, NULL), "org",
			      gt_stmt_text(st, 12, NULL), "at", gt_stmt_text(st, 13, NULL));
	json_t *conf =
		gt_stmt_is_null(st, 14) ?
			json_null() :
			json_pack("{s:I, s:s, s:o}", "index", (json_int_t)gt_stmt_i64(st, 14), "at",
				  gt_stmt_text(st, 15, NULL), "note", gt_api_text_or_null(st, 16));
	if (v)
		json_object_set_new(v, "confirmed", conf);
	else
		json_decref(conf);
	return v;
}

static json_t *S_work(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:o, s:I, s:I, s:s}", "id",
			 gt_stmt_text(st, 0, NULL), "title", gt_stmt_text(st, 1, NULL), "price",
			 (json_int_t)gt_stmt_i64(st, 2), "sha256", gt_stmt_text(st, 3, NULL),
			 "edition", S_int_or_null(st, 4), "sold", (json_int_t)gt_stmt_i64(st, 5),
			 "index", (json_int_t)gt_stmt_i64(st, 6), "at", gt_stmt_text(st, 7, NULL));
}

/* ---- reads ---------------------------------------------------------------------------- */

/* A reader (*c) with the path's campaign row open in *st; or -1 with the
 * answer (404 or the error) in *ans and nothing held. */
static int S_campaign_row(gt_req *r, gt_store_conn **c, gt_stmt **st, enum MHD_Result *ans)
{
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, c, &err);
	if (rc < 0) {
		*ans = gt_api_problem_code(r, rc, err.msg);
		return -1;
	}
	rc = gt_stmt_open(*c, GT_Q_GIVE_CAMPAIGN_GET, st, &err);
	if (rc == 0) {
		gt_stmt_bind_text(*st, 1, r->param[0], (size_t)-1);
		rc = gt_stmt_step(*st, &err);
		if (rc == 1)
			return 0;
		gt_stmt_close(*st);
	}
	gt_store_reader_done(*c);
	*ans = rc == 0 ? gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no campaign \"%s\"",
					r->param[0]) :
			 gt_api_problem_code(r, rc, err.msg);
	return -1;
}

/* Rows of q bound to a (text or integer) as a list made by row(). */
static int S_rows(gt_store_conn *c, gt_query q, gt_api_arg a, json_t *(*row)(gt_stmt *),
		  json_t **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, q, &st, err);
	if (rc < 0)
		return rc;
	if (a.is_int)
		gt_stmt_bind_i64(st, 1, a.i);
	else
		gt_stmt_bind_text(st, 1, a.text, (size_t)-1);
	json_t *list = json_array();
	while (list && (rc = gt_stmt_step(st, err)) == 1) {
		json_t *v = row(st);
		if (!v || json_array_append_new(list, v) < 0)
			rc = gt_fail(err, GT_ENOMEM, "out of memory");
	}
	gt_stmt_close(st);
	if (rc < 0 || !list) {
		json_decref(list);
		return rc < 0 ? rc : gt_fail(err, GT_ENOMEM, "out of memory");
	}
	*ret = list;
	return 0;
}

static json_t *S_category(gt_stmt *st)
{
	return json_pack("{s:s, s:I, s:I}", "category", gt_stmt_text(st, 0, NULL), "amount",
			 (json_int_t)gt_stmt_i64(st, 1), "count", (json_int_t)gt_stmt_i64(st, 2));
}

static json_t *S_day(gt_stmt *st)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I}", "day", gt_stmt_text(st, 0, NULL), "raised",
			 (json_int_t)gt_stmt_i64(st, 1), "refunded", (json_int_t)gt_stmt_i64(st, 2),
			 "spent", (json_int_t)gt_stmt_i64(st, 3), "donations",
			 (json_int_t)gt_stmt_i64(st, 4));
}

static json_t *S_document(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:I}", "name", gt_stmt_text(st, 0, NULL), "sha256",
			 gt_stmt_text(st, 1, NULL), "index", (json_int_t)gt_stmt_i64(st, 2));
}

enum MHD_Result gt_h_campaign_get(gt_req *r)
{
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	enum MHD_Result ans;
	int rc;
	if (S_campaign_row(r, &c, &st, &ans) < 0)
		return ans;
	json_t *v = S_campaign(st), *cats = NULL, *days = NULL, *docs = NULL;
	int64_t num = gt_stmt_i64(st, 12);
	gt_stmt_close(st);
	rc = v ? 0 : gt_fail(&err, GT_ENOMEM, "out of memory");
	if (rc == 0)
		rc = S_rows(c, GT_Q_GIVE_CATEGORIES, GT_ARG_INT(num), S_category, &cats, &err);
	if (rc == 0)
		rc = S_rows(c, GT_Q_GIVE_DAYS, GT_ARG_INT(num), S_day, &days, &err);
	if (rc == 0) /* documents are keyed by the campaign's id */
		rc = S_rows(c, GT_Q_GIVE_DOC_LIST, GT_ARG_TEXT(r->param[0]), S_document, &docs,
			    &err);
	gt_store_reader_done(c);
	if (rc < 0) {
		json_decref(v);
		json_decref(cats);
		json_decref(days);
		json_decref(docs);
		return gt_api_problem_code(r, rc, err.msg);
	}
	json_t *acc = json_object_get(v, "accounts");
	json_object_set_new(acc, "by_category", cats);
	json_object_set_new(acc, "days", days);
	json_object_set_new(json_object_get(v, "verification"), "documents", docs);
	return gt_api_json(r, MHD_HTTP_OK, v);
}

static bool S_slug_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 40 || *s == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

enum MHD_Result gt_h_campaign_list(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit;
	if (gt_api_query_limit(r, &limit, &ans) < 0)
		return ans;
	const char *org = gt_api_query(r, "org"), *cat = gt_api_query(r, "category"), *status,
		   *after = gt_api_query(r, "after");
	static const char *const statuses[] = {"open",	 "upcoming",  "ended",
					       "closed", "suspended", NULL};
	if (gt_api_query_one_of(r, "status", statuses, &status, &ans) < 0)
		return ans;
	if ((org && !gt_api_org_id_valid(org)) || (cat && !S_slug_ok(cat)))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "org and category are identifiers ([a-z0-9-])");
	char now[GT_TIME_LEN + 1];
	gt_time_format(gt_time_now_ms(), now);
	gt_api_arg args[] = {
		GT_ARG_TEXT(org),  GT_ARG_TEXT(cat),	GT_ARG_TEXT(after ? after : ""),
		GT_ARG_TEXT(NULL), GT_ARG_TEXT(status), GT_ARG_TEXT(now)};
	/* the limit is parameter 4: bind it here rather than last */
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *list = NULL, *next = NULL;
	rc = gt_stmt_open(c, GT_Q_GIVE_CAMPAIGN_LIST, &st, &err);
	if (rc == 0) {
		for (int i = 0; i < 6; i++)
			if (i == 3)
				gt_stmt_bind_i64(st, 4, (int64_t)limit + 1);
			else if (args[i].text)
				gt_stmt_bind_text(st, i + 1, args[i].text, (size_t)-1);
			else
				gt_stmt_bind_null(st, i + 1);
		rc = gt_api_page(st, limit, S_campaign, "id", &list, &next, &err);
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	return gt_api_json(r, MHD_HTTP_OK,
			   json_pack("{s:o, s:o}", "campaigns", list, "next_after", next));
}

/* The campaign's number, for the lists keyed by it (404 answered otherwise). */
static int S_campaign_num(gt_req *r, int64_t *num, enum MHD_Result *ans)
{
	gt_store_conn *c;
	gt_stmt *st;
	if (S_campaign_row(r, &c, &st, ans) < 0)
		return -1;
	*num = gt_stmt_i64(st, 12);
	gt_stmt_close(st);
	gt_store_reader_done(c);
	return 0;
}

/* A newest-first page of q (1 campaign number, 2 before, 3 limit). */
static enum MHD_Result S_campaign_page(gt_req *r, gt_query q, json_t *(*row)(gt_stmt *),
				       const char *name)
{
	enum MHD_Result ans;
	uint64_t limit, before;
	int64_t num = 0;
	if (gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "before", INT64_MAX, INT64_MAX, &before, &ans) < 0 ||
	    S_campaign_num(r, &num, &ans) < 0)
		return ans;
	gt_api_arg args[] = {GT_ARG_INT(num), GT_ARG_INT(before)};
	return gt_api_list(r, q, args, 2, limit, row, "index", name, "next_before");
}

enum MHD_Result gt_h_campaign_donations(gt_req *r)
{
	return S_campaign_page(r, GT_Q_GIVE_DONATION_LIST, S_donation, "donations");
}

enum MHD_Result gt_h_campaign_disbursements(gt_req *r)
{
	return S_campaign_page(r, GT_Q_GIVE_DISB_LIST, S_disbursement, "disbursements");
}

enum MHD_Result gt_h_work_list(gt_req *r)
{
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	enum MHD_Result ans;
	int rc;
	if (S_campaign_row(r, &c, &st, &ans) < 0)
		return ans;
	gt_stmt_close(st);
	json_t *list = NULL;
	rc = S_rows(c, GT_Q_GIVE_WORK_LIST, GT_ARG_TEXT(r->param[0]), S_work, &list, &err);
	gt_store_reader_done(c);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	return gt_api_json(r, MHD_HTTP_OK, json_pack("{s:o}", "works", list));
}

/* The disbursement named by the path, open in *st on reader c. */
static int S_disb_row(gt_req *r, gt_store_conn *c, gt_stmt **st, enum MHD_Result *ans)
{
	uint64_t idx;
	gt_error err = {0};
	if (gt_api_parse_u64(r->param[0], INT64_MAX, &idx) < 0) {
		*ans = gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "a disbursement is named by its entry index");
		return -1;
	}
	int rc = gt_stmt_open(c, GT_Q_GIVE_DISB_GET, st, &err);
	if (rc == 0) {
		gt_stmt_bind_i64(*st, 1, (int64_t)idx);
		rc = gt_stmt_step(*st, &err);
		if (rc == 1)
			return 0;
		gt_stmt_close(*st);
	}
	*ans = rc == 0 ? gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no disbursement %llu",
					(unsigned long long)idx) :
			 gt_api_problem_code(r, rc, err.msg);
	return -1;
}

enum MHD_Result gt_h_disbursement_get(gt_req *r)
{
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	enum MHD_Result ans;
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	if (S_disb_row(r, c, &st, &ans) == 0) {
		ans = gt_api_json(r, MHD_HTTP_OK, S_disbursement(st));
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	return ans;
}

/* Who funded a disbursement: the donations overlapping its range, with the
 * part of each it spent (a donation's live range ends before its refunded
 * tail; holes inside the range belong to no one). */
enum MHD_Result gt_h_disbursement_funders(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, after;
	if (gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "after", 0, INT64_MAX, &after, &ans) < 0)
		return ans;
	bool has_after = gt_api_query(r, "after") != NULL;
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	if (S_disb_row(r, c, &st, &ans) < 0) {
		gt_store_reader_done(c);
		return ans;
	}
	int64_t idx = gt_stmt_i64(st, 0), num = gt_stmt_i64(st, 17), from = gt_stmt_i64(st, 10),
		to = gt_stmt_i64(st, 11), amount = gt_stmt_i64(st, 8);
	gt_stmt_close(st);
	json_t *list = json_array(), *next = json_null();
	rc = gt_stmt_open(c, GT_Q_GIVE_FUNDERS, &st, &err);
	if (rc == 0) {
		gt_stmt_bind_i64(st, 1, num);
		gt_stmt_bind_i64(st, 2, from);
		gt_stmt_bind_i64(st, 3, to);
		gt_stmt_bind_i64(st, 4, has_after ? (int64_t)after : -1);
		gt_stmt_bind_i64(st, 5, (int64_t)limit + 1);
		while (list && (rc = gt_stmt_step(st, &err)) == 1) {
			int64_t s = gt_stmt_i64(st, 3),
				live = s + gt_stmt_i64(st, 4) - gt_stmt_i64(st, 5);
			int64_t lo = s > from ? s : from, hi = live < to ? live : to;
			if (hi <= lo)
				continue; /* only its refunded tail lies in the range */
			if (json_array_size(list) == limit) {
				json_decref(next);
				next = json_incref(json_object_get(json_array_get(list, limit - 1),
								   "donation"));
				break;
			}
			json_array_append_new(list,
					      json_pack("{s:I, s:I, s:o, s:b, s:s}", "donation",
							(json_int_t)gt_stmt_i64(st, 0), "amount",
							(json_int_t)(hi - lo), "name",
							gt_api_text_or_null(st, 8), "anonymous",
							gt_stmt_i64(st, 9) != 0, "at",
							gt_stmt_text(st, 12, NULL)));
		}
		if (rc == 1)
			rc = 0;
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	if (rc < 0 || !list) {
		json_decref(list);
		json_decref(next);
		return gt_api_problem_code(r, rc < 0 ? rc : GT_ENOMEM, err.msg);
	}
	return gt_api_json(r, MHD_HTTP_OK,
			   json_pack("{s:I, s:I, s:o, s:o}", "disbursement", (json_int_t)idx,
				     "amount", (json_int_t)amount, "funders", list, "next_after",
				     next));
}

/* ---- receipts ---------------------------------------------------------------------------- */

/* The parts of a donation [start, live) spent by the campaign's
 * disbursements, written as "parts" and "more_parts". */
static int S_parts(gt_store_conn *c, gt_jw *w, int64_t num, int64_t start, int64_t live,
		   gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GIVE_DISB_AFTER, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, num);
	gt_stmt_bind_i64(st, 2, start);
	size_t n = 0;
	bool more = false;
	gt_jw_key(w, "parts");
	gt_jw_arr(w);
	while (live > start && (rc = gt_stmt_step(st, err)) == 1) {
		int64_t from = gt_stmt_i64(st, 10), to = gt_stmt_i64(st, 11);
		if (from >= live)
			break;
		if (n == S_PARTS_MAX) {
			more = true;
			break;
		}
		int64_t lo = start > from ? start : from, hi = live < to ? live : to;
		gt_jw_obj(w);
		gt_jw_kint(w, "disbursement", gt_stmt_i64(st, 0));
		gt_jw_kint(w, "amount", hi - lo);
		gt_jw_kstr(w, "payee", gt_stmt_text(st, 3, NULL));
		gt_jw_kstr(w, "payee_kind", gt_stmt_text(st, 4, NULL));
		gt_jw_kstr(w, "purpose", gt_stmt_text(st, 6, NULL));
		gt_jw_kstr(w, "category", gt_stmt_text(st, 7, NULL));
		gt_jw_kstr(w, "at", gt_stmt_text(st, 13, NULL));
		gt_jw_kstr(w, "receipt_sha256", gt_stmt_text(st, 9, NULL));
		gt_jw_key(w, "confirmed");
		gt_jw_bool(w, !gt_stmt_is_null(st, 14));
		gt_jw_end(w, '}');
		n++;
	}
	gt_stmt_close(st);
	gt_jw_end(w, ']');
	gt_jw_key(w, "more_parts");
	gt_jw_bool(w, more);
	return rc < 0 ? rc : 0;
}

/* The receipt's work, if the donation bought one. */
static int S_receipt_work(gt_store_conn *c, gt_jw *w, const char *campaign, const char *work,
			  gt_error *err)
{
	gt_jw_key(w, "work");
	if (!work) {
		gt_jw_null(w);
		return 0;
	}
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GIVE_WORK_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, campaign, (size_t)-1);
	gt_stmt_bind_text(st, 2, work, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		gt_jw_obj(w);
		gt_jw_kstr(w, "id", gt_stmt_text(st, 0, NULL));
		gt_jw_kstr(w, "title", gt_stmt_text(st, 1, NULL));
		gt_jw_kint(w, "price", gt_stmt_i64(st, 2));
		gt_jw_kstr(w, "sha256", gt_stmt_text(st, 3, NULL));
		gt_jw_end(w, '}');
		rc = 0;
	} else if (rc == 0) {
		gt_jw_null(w);
	}
	gt_stmt_close(st);
	return rc;
}

/* The receipt's body from the donation row (st) and its campaign. */
static int S_receipt(gt_req *r, gt_store_conn *c, gt_stmt *st, gt_jw *w, gt_error *err)
{
	int64_t idx = gt_stmt_i64(st, 0), start = gt_stmt_i64(st, 3), amount = gt_stmt_i64(st, 4),
		refunded = gt_stmt_i64(st, 5), num = gt_stmt_i64(st, 13);
	char campaign[48], work[48];
	snprintf(campaign, sizeof(campaign), "%s", gt_stmt_text(st, 1, NULL));
	bool has_work = !gt_stmt_is_null(st, 10);
	snprintf(work, sizeof(work), "%s", gt_stmt_text(st, 10, NULL));
	gt_jw_obj(w);
	gt_jw_kstr(w, "receipt", gt_stmt_text(st, 6, NULL));
	gt_jw_key(w, "donation");
	gt_jw_obj(w);
	gt_jw_kint(w, "index", idx);
	gt_jw_kstr(w, "campaign", campaign);
	gt_jw_kint(w, "amount", amount);
	gt_jw_kstr(w, "channel", gt_stmt_text(st, 7, NULL));
	gt_jw_key(w, "name");
	gt_jw_str_or_null(w, gt_stmt_is_null(st, 8) ? NULL : gt_stmt_text(st, 8, NULL));
	gt_jw_key(w, "anonymous");
	gt_jw_bool(w, gt_stmt_i64(st, 9) != 0);
	gt_jw_key(w, "work");
	gt_jw_str_or_null(w, has_work ? work : NULL);
	gt_jw_kstr(w, "at", gt_stmt_text(st, 12, NULL));
	gt_jw_end(w, '}');
	gt_stmt_close(st);

	gt_stmt *cs;
	int rc = gt_stmt_open(c, GT_Q_GIVE_CAMPAIGN_GET, &cs, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(cs, 1, campaign, (size_t)-1);
	if ((rc = gt_stmt_step(cs, err)) != 1) {
		gt_stmt_close(cs);
		return rc < 0 ? rc : gt_fail(err, GT_ECORRUPT, "no campaign \"%s\"", campaign);
	}
	int64_t cursor = gt_stmt_i64(cs, 24);
	gt_jw_key(w, "campaign");
	gt_jw_obj(w);
	gt_jw_kstr(w, "id", campaign);
	gt_jw_kstr(w, "title", gt_stmt_text(cs, 2, NULL));
	gt_jw_kstr(w, "org", gt_stmt_text(cs, 1, NULL));
	gt_jw_kstr(w, "currency", gt_stmt_text(cs, 9, NULL));
	gt_jw_kint(w, "minor_unit", gt_give_minor_unit(gt_stmt_text(cs, 9, NULL)));
	gt_jw_end(w, '}');
	gt_stmt_close(cs);

	int64_t live = start + amount - refunded;
	int64_t spent_to = cursor < start ? start : cursor > live ? live : cursor;
	rc = S_parts(c, w, num, start, live, err);
	gt_jw_kint(w, "unspent", live - spent_to);
	gt_jw_kint(w, "refunded", refunded);
	if (rc == 0)
		rc = S_receipt_work(c, w, campaign, has_work ? work : NULL, err);
	if (rc < 0)
		return rc;
	/* the inclusion proof, against the published checkpoint */
	gt_buf note = GT_BUF_INIT;
	uint64_t size;
	rc = gt_api_checkpoint(r->api->log, &note, &size, err);
	gt_jw_key(w, "entry");
	gt_jw_obj(w);
	if (rc == 0 && (uint64_t)idx >= size) {
		gt_jw_kint(w, "index", idx);
		gt_jw_key(w, "pending");
		gt_jw_bool(w, true);
	} else if (rc == 0) {
		rc = gt_api_entry_proof(r->api, (uint64_t)idx, size, true, w, err);
		gt_jw_kint(w, "tree_size", (int64_t)size);
		gt_jw_key(w, "checkpoint");
		gt_jw_strn(w, (const char *)note.data, note.len);
	}
	gt_jw_end(w, '}');
	gt_jw_end(w, '}');
	gt_buf_done(&note);
	if (rc == 0 && gt_jw_error(w) < 0)
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
	return rc;
}

enum MHD_Result gt_h_receipt_get(gt_req *r)
{
	char code[GT_GIVE_CODE_LEN + 1];
	if (!gt_give_code_normalise(r->param[0], code))
		return gt_api_problem(
			r, MHD_HTTP_NOT_FOUND, "not-found",
			"a receipt code has 12 letters and digits, like 7KQ2-9MXD-R4TB");
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	gt_buf body = GT_BUF_INIT;
	gt_jw w;
	gt_jw_init(&w, &body);
	rc = gt_stmt_open(c, GT_Q_GIVE_DONATION_BY_CODE, &st, &err);
	if (rc == 0) {
		gt_stmt_bind_i64(st, 1, gt_give_code_index(code));
		gt_stmt_bind_text(st, 2, code, (size_t)-1);
		rc = gt_stmt_step(st, &err);
		if (rc == 1)
			rc = S_receipt(r, c, st, &w, &err); /* closes st */
		else
			gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	enum MHD_Result ans;
	if (rc == 0 && body.len == 0)
		ans = gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no receipt %s", code);
	else if (rc < 0)
		ans = gt_api_problem_code(r, rc, err.msg);
	else
		ans = gt_api_json_text(r, MHD_HTTP_OK, &body);
	gt_buf_done(&body);
	return ans;
}

/* ---- the review queue ------------------------------------------------------------------ */

static json_t *S_report(gt_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:o}", "id",
			 (json_int_t)gt_stmt_i64(st, 0), "campaign", gt_stmt_text(st, 1, NULL),
			 "reason", gt_stmt_text(st, 2, NULL), "details", gt_api_text_or_null(st, 3),
			 "at", gt_stmt_text(st, 4, NULL), "outcome", gt_api_text_or_null(st, 5),
			 "resolved_by", gt_api_text_or_null(st, 6), "resolved_at",
			 gt_api_text_or_null(st, 7));
}

enum MHD_Result gt_h_report_list(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, after;
	const char *status = gt_api_query(r, "status");
	if (!status)
		status = "open";
	if (strcmp(status, "open") != 0 && strcmp(status, "resolved") != 0 &&
	    strcmp(status, "all") != 0)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "status must be open, resolved or all");
	if (gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "after", 0, INT64_MAX, &after, &ans) < 0)
		return ans;
	gt_api_arg args[] = {GT_ARG_TEXT(strcmp(status, "all") == 0 ? NULL : status),
			     GT_ARG_INT(after)};
	return gt_api_list(r, GT_Q_GIVE_REPORT_LIST, args, 2, limit, S_report, "id", "reports",
			   "next_after");
}

/* ---- files stored by hash ------------------------------------------------------------------ */

static bool S_sha_path(gt_req *r, char *out, size_t n, char sha[65])
{
	const char *s = r->param[0];
	if (strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++) {
		char ch = s[i];
		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
		sha[i] = ch;
	}
	sha[64] = 0;
	return (size_t)snprintf(out, n, "%s/%.2s/%s", r->api->files_dir, sha, sha) < n;
}

enum MHD_Result gt_h_file_put(gt_req *r)
{
	char path[1024], sha[65], dir[1024];
	if (!S_sha_path(r, path, sizeof(path), sha))
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "a file is named by its SHA-256 (64 hex digits)");
	if (r->body.len == 0)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid", "the body is empty");
	uint8_t h[32];
	char got[65];
	gt_sha256(r->body.data, r->body.len, h);
	gt_hex_encode(h, sizeof(h), got);
	if (strcmp(got, sha) != 0)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "hash-mismatch",
				      "the body's SHA-256 is %s, not %s", got, sha);
	struct stat stt;
	bool existed = stat(path, &stt) == 0;
	gt_error err = {0};
	snprintf(dir, sizeof(dir), "%s/%.2s", r->api->files_dir, sha);
	int rc = existed ? 0 : gt_fs_mkdirs(dir, 0755, &err);
	if (rc == 0 && !existed)
		rc = gt_fs_write_atomic(path, r->body.data, r->body.len, 0644, 1, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	char url[96];
	snprintf(url, sizeof(url), "/api/v1/files/%s", sha);
	return gt_api_json(r, existed ? MHD_HTTP_OK : MHD_HTTP_CREATED,
			   json_pack("{s:s, s:I, s:s}", "sha256", sha, "size",
				     (json_int_t)r->body.len, "url", url));
}

enum MHD_Result gt_h_file_get(gt_req *r)
{
	char path[1024], sha[65];
	if (!S_sha_path(r, path, sizeof(path), sha))
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "a file is named by its SHA-256 (64 hex digits)");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no file %s", sha);
	}
	struct MHD_Response *resp =
		st.st_size > 0 ?
			MHD_create_response_from_fd((size_t)st.st_size, fd) :
			MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (st.st_size == 0 || !resp)
		close(fd);
	if (!resp)
		return MHD_NO;
	/* Served as an opaque download: never rendered as a page of this site. */
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				    "application/octet-stream") != MHD_YES ||
	    MHD_add_response_header(resp, "Content-Disposition", "attachment") != MHD_YES ||
	    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") != MHD_YES ||
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				    "public, max-age=31536000, immutable") != MHD_YES) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	return gt_api_queue(r, MHD_HTTP_OK, resp);
}
