/* Traceability: products, batches and serialised packs, registered by their
 * maker and read by anyone. */
#include "api/api_int.h"
#include "trace/trace.h"

#include <string.h>

/* ---- writes ---------------------------------------------------------------------- */

enum MHD_Result gt_h_product_create(gt_req *r)
{
	return gt_api_submit(r, "trace.product", json_incref(r->json), gt_api_finish_created);
}

enum MHD_Result gt_h_batch_create(gt_req *r)
{
	return gt_api_submit(r, "trace.batch", json_incref(r->json), gt_api_finish_created);
}

/* All or nothing: one entry for every serial of the request. */
enum MHD_Result gt_h_packs_create(gt_req *r)
{
	const json_t *serials = json_object_get(r->json, "serials");
	size_t max = r->api->limits.batch_max < GT_TRACE_PACKS_MAX ? r->api->limits.batch_max :
								     GT_TRACE_PACKS_MAX;
	if (json_is_array(serials) && json_array_size(serials) > max)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "batch-too-large",
				      "serials has %zu items; at most %zu are allowed",
				      json_array_size(serials), max);
	return gt_api_submit(r, "trace.packs", json_incref(r->json), gt_api_finish_created);
}

/* ---- rows as the API shows them ----------------------------------------------------- */

static json_t *S_product(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:s}", "gtin",
			 gt_stmt_text(st, 0, NULL), "maker", gt_stmt_text(st, 1, NULL), "name",
			 gt_stmt_text(st, 2, NULL), "form", gt_stmt_text(st, 3, NULL), "kind",
			 gt_stmt_text(st, 4, NULL), "cn_prefix", gt_api_text_or_null(st, 5), "index",
			 (json_int_t)gt_stmt_i64(st, 6), "at", gt_stmt_text(st, 7, NULL));
}

static json_t *S_batch(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "gtin",
			 gt_stmt_text(st, 0, NULL), "lot", gt_stmt_text(st, 1, NULL), "maker",
			 gt_stmt_text(st, 2, NULL), "manufactured", gt_stmt_text(st, 3, NULL),
			 "expiry", gt_stmt_text(st, 4, NULL), "quantity",
			 (json_int_t)gt_stmt_i64(st, 5), "packs", (json_int_t)gt_stmt_i64(st, 6),
			 "index", (json_int_t)gt_stmt_i64(st, 7), "at", gt_stmt_text(st, 8, NULL));
}

static json_t *S_pack(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:I}", "gtin", gt_stmt_text(st, 0, NULL), "serial",
			 gt_stmt_text(st, 1, NULL), "lot", gt_stmt_text(st, 2, NULL), "index",
			 (json_int_t)gt_stmt_i64(st, 3));
}

/* ---- reads ------------------------------------------------------------------------- */

/* Whether s is a GTIN-14's shape (14 digits). */
static bool S_gtin_shape(const char *s)
{
	if (!s || strlen(s) != 14)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Answer the one row of query q, bound to the text a (and b, if not NULL)
 * or, with a NULL, to the integer n, with row(); or 404 with what (printf
 * of a and b, or of n). */
static enum MHD_Result S_one(gt_req *r, gt_query q, const char *a, const char *b, int64_t n,
			     json_t *(*row)(gt_stmt *), const char *what)
{
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	enum MHD_Result ans = MHD_NO;
	rc = gt_stmt_open(c, q, &st, &err);
	if (rc == 0) {
		if (a)
			gt_stmt_bind_text(st, 1, a, (size_t)-1);
		else
			gt_stmt_bind_i64(st, 1, n);
		if (b)
			gt_stmt_bind_text(st, 2, b, (size_t)-1);
		rc = gt_stmt_step(st, &err);
		if (rc == 1)
			ans = gt_api_json(r, MHD_HTTP_OK, row(st));
		else if (rc == 0 && a)
			ans = gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", what, a,
					     b ? b : "");
		else if (rc == 0)
			ans = gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", what,
					     (long long)n);
		gt_stmt_close(st);
	}
	if (rc < 0)
		ans = gt_api_problem_code(r, rc, err.msg);
	gt_store_reader_done(c);
	return ans;
}

/* Answer a page of query q: (1 a or NULL, 2 after, 3 limit + 1), as
 * {"<name>": [...], "next_after": key of the last row or null}. */
static enum MHD_Result S_page(gt_req *r, gt_query q, const char *a, const char *name,
			      json_t *(*row)(gt_stmt *), const char *key)
{
	enum MHD_Result ans;
	uint64_t limit;
	if (gt_api_query_limit(r, &limit, &ans) < 0)
		return ans;
	const char *after = gt_api_query(r, "after");
	gt_api_arg args[] = {GT_ARG_TEXT(a), GT_ARG_TEXT(after ? after : "")};
	return gt_api_list(r, q, args, 2, limit, row, key, name, "next_after");
}

enum MHD_Result gt_h_product_get(gt_req *r)
{
	if (!S_gtin_shape(r->param[0]))
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "a product is named by its GTIN-14 (14 digits)");
	return S_one(r, GT_Q_PRODUCT_GET, r->param[0], NULL, 0, S_product, "no product %s%.0s");
}

enum MHD_Result gt_h_product_list(gt_req *r)
{
	const char *maker = gt_api_query(r, "maker");
	if (maker && !gt_api_org_id_valid(maker))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "maker must be an organisation id");
	return S_page(r, GT_Q_PRODUCT_LIST, maker, "products", S_product, "gtin");
}

/* One batch (?gtin=&lot=), or a product's batches by lot (?gtin=). */
enum MHD_Result gt_h_batch_get(gt_req *r)
{
	const char *gtin = gt_api_query(r, "gtin"), *lot = gt_api_query(r, "lot");
	if (!S_gtin_shape(gtin))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "gtin must be a GTIN-14 (14 digits)");
	if (!lot)
		return S_page(r, GT_Q_BATCH_LIST, gtin, "batches", S_batch, "lot");
	return S_one(r, GT_Q_BATCH_GET, gtin, lot, 0, S_batch, "no batch of %s with lot %s");
}

enum MHD_Result gt_h_pack_get(gt_req *r)
{
	const char *gtin = gt_api_query(r, "gtin"), *serial = gt_api_query(r, "serial");
	if (!S_gtin_shape(gtin) || !serial || !*serial)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "give gtin (a GTIN-14) and serial");
	return S_one(r, GT_Q_PACK_GET, gtin, serial, 0, S_pack, "no pack of %s with serial %s");
}

/* ---- recalls ------------------------------------------------------------------------ */

enum MHD_Result gt_h_recall_create(gt_req *r)
{
	return gt_api_submit(r, "trace.recall", json_incref(r->json), gt_api_finish_created);
}

/* The recall named in the path: the body ({"reason"?}) with "recall" added. */
enum MHD_Result gt_h_recall_lift(gt_req *r)
{
	uint64_t id;
	if (gt_api_parse_u64(r->param[0], INT64_MAX, &id) < 0)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "a recall is named by its entry index");
	if (!json_is_object(r->json))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid",
				      "the body must be a JSON object ({} or {\"reason\":…})");
	json_t *in = json_copy(r->json);
	if (!in || json_object_set_new(in, "recall", json_integer((json_int_t)id)) < 0) {
		json_decref(in);
		return gt_api_problem_code(r, GT_ENOMEM, NULL);
	}
	return gt_api_submit(r, "trace.recall.lift", in, gt_api_finish_ok);
}

static json_t *S_recall(gt_stmt *st)
{
	json_t *v = json_pack(
		"{s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "recall", (json_int_t)gt_stmt_i64(st, 0),
		"regulator", gt_stmt_text(st, 1, NULL), "scope", gt_stmt_text(st, 2, NULL), "class",
		(json_int_t)gt_stmt_i64(st, 8), "reason", gt_stmt_text(st, 9, NULL), "effective",
		gt_stmt_text(st, 10, NULL), "at", gt_stmt_text(st, 11, NULL));
	static const struct {
		int col;
		const char *key;
	} opt[] = {{3, "gtin"},
		   {4, "lot"},
		   {5, "maker"},
		   {6, "manufactured_from"},
		   {7, "manufactured_to"},
		   {13, "lifted_at"},
		   {14, "lift_reason"}};
	for (size_t i = 0; v && i < sizeof(opt) / sizeof(opt[0]); i++)
		if (!gt_stmt_is_null(st, opt[i].col))
			json_object_set_new(v, opt[i].key,
					    json_string(gt_stmt_text(st, opt[i].col, NULL)));
	if (v && !gt_stmt_is_null(st, 12))
		json_object_set_new(v, "lifted_index", json_integer(gt_stmt_i64(st, 12)));
	return v;
}

enum MHD_Result gt_h_recall_get(gt_req *r)
{
	uint64_t id;
	if (gt_api_parse_u64(r->param[0], INT64_MAX, &id) < 0)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "a recall is named by its entry index");
	return S_one(r, GT_Q_RECALL_GET, NULL, NULL, (int64_t)id, S_recall, "no recall %lld");
}

enum MHD_Result gt_h_recall_list(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, before;
	if (gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "before", INT64_MAX, INT64_MAX, &before, &ans) < 0)
		return ans;
	gt_api_arg arg = GT_ARG_INT(before);
	return gt_api_list(r, GT_Q_RECALL_LIST, &arg, 1, limit, S_recall, "recall", "recalls",
			   "next_before");
}
