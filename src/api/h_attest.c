/* Attestations: an organisation publishes documents' SHA-256 hashes; anyone
 * looks them up by hash or by organisation. */
#include "api/api_int.h"

#include <string.h>

#define S_SHA256_HEX 64

enum MHD_Result gt_h_attest_create(gt_req *r)
{
	return gt_api_submit(r, "org.attest", json_incref(r->json), gt_api_finish_created);
}

static enum MHD_Result S_finish_batch(gt_req *r, const gt_ledger_result *res)
{
	json_t *v = json_pack("{s:I, s:I, s:s}", "first", (json_int_t)res->first, "count",
			      (json_int_t)res->count, "at", res->at);
	return gt_api_json(r, MHD_HTTP_CREATED, v);
}

/* All or nothing: every item is one entry of the same batch. */
enum MHD_Result gt_h_attest_batch(gt_req *r)
{
	const json_t *items = json_object_get(r->json, "items");
	size_t max = r->api->limits.batch_max;
	if (!json_is_array(items))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid",
				      "items must be an array of attestations");
	if (json_array_size(items) > max)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "batch-too-large",
				      "items has %zu attestations; at most %zu are allowed",
				      json_array_size(items), max);
	return gt_api_submit(r, "org.attest", json_incref(r->json), S_finish_batch);
}

static json_t *S_attest(gt_stmt *st)
{
	json_t *title =
		gt_stmt_is_null(st, 4) ? json_null() : json_string(gt_stmt_text(st, 4, NULL));
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s}", "index", (json_int_t)gt_stmt_i64(st, 0),
			 "org", gt_stmt_text(st, 1, NULL), "sha256", gt_stmt_text(st, 2, NULL),
			 "kind", gt_stmt_text(st, 3, NULL), "title", title, "at",
			 gt_stmt_text(st, 5, NULL));
}

/* Lowercase a SHA-256 in hex into out; false if it is not one. */
static bool S_sha256(const char *s, char out[S_SHA256_HEX + 1])
{
	if (strlen(s) != S_SHA256_HEX)
		return false;
	for (size_t i = 0; i < S_SHA256_HEX; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		out[i] = c;
	}
	out[S_SHA256_HEX] = 0;
	return true;
}

/* Every attestation of a document (at most page_max), optionally only by
 * one organisation. */
static int S_by_sha(gt_req *r, gt_store_conn *c, const char *sha, const char *org, json_t **ret,
		    gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_ATTEST_BY_SHA, &st, err);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	gt_stmt_bind_text(st, 1, sha, (size_t)-1);
	while (list && json_array_size(list) < r->api->limits.page_max &&
	       (rc = gt_stmt_step(st, err)) == 1) {
		if (org && strcmp(gt_stmt_text(st, 1, NULL), org) != 0)
			continue;
		json_t *v = S_attest(st);
		if (!v || json_array_append_new(list, v) < 0)
			rc = gt_fail(err, GT_ENOMEM, "out of memory");
	}
	gt_stmt_close(st);
	if (rc < 0 || !list) {
		json_decref(list);
		return rc < 0 ? rc : gt_fail(err, GT_ENOMEM, "out of memory");
	}
	*ret = json_pack("{s:o}", "attestations", list);
	return 0;
}

/* An organisation's attestations, newest first, a page at a time. */
static int S_by_org(gt_store_conn *c, const char *org, uint64_t before, uint64_t limit,
		    json_t **ret, gt_error *err)
{
	gt_stmt *st;
	json_t *list, *next;
	int rc = gt_stmt_open(c, GT_Q_ATTEST_BY_ORG, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, org, (size_t)-1);
	gt_stmt_bind_i64(st, 2, (int64_t)before);
	gt_stmt_bind_i64(st, 3, (int64_t)limit + 1);
	rc = gt_api_page(st, limit, S_attest, "index", &list, &next, err);
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	*ret = json_pack("{s:o, s:o}", "attestations", list, "next_before", next);
	return 0;
}

enum MHD_Result gt_h_attest_list(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, before;
	const char *sha_q = gt_api_query(r, "sha256"), *org = gt_api_query(r, "org");
	char sha[S_SHA256_HEX + 1];
	if (!sha_q && !org)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "give sha256 (a document's hash) or org");
	if (sha_q && !S_sha256(sha_q, sha))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "sha256 must be 64 hex digits");
	if (org && !gt_api_org_id_valid(org))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "org must be an organisation id");
	if (gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "before", INT64_MAX, INT64_MAX, &before, &ans) < 0)
		return ans;
	gt_store_conn *c;
	gt_error err = {0};
	json_t *v = NULL;
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	if (sha_q)
		rc = S_by_sha(r, c, sha, org, &v, &err);
	else
		rc = S_by_org(c, org, before, limit, &v, &err);
	gt_store_reader_done(c);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	return gt_api_json(r, MHD_HTTP_OK, v);
}
