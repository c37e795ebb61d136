/* Organisations: create, update, list and read them, and who a token acts
 * for. */
#include "api/api_int.h"

#include <string.h>

enum MHD_Result gt_h_whoami(gt_req *r)
{
	json_t *v = json_pack("{s:s, s:s, s:s}", "org", r->who.org, "role", r->who.role, "token_id",
			      r->who.token_id);
	return gt_api_json(r, MHD_HTTP_OK, v);
}

enum MHD_Result gt_h_org_create(gt_req *r)
{
	return gt_api_submit(r, "auth.org", json_incref(r->json), gt_api_finish_created);
}

enum MHD_Result gt_h_org_update(gt_req *r)
{
	const char *id = r->param[0];
	if (!gt_api_org_id_valid(id))
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "no such organisation (ids are 2 to %d characters of "
				      "a-z, 0-9 and -)",
				      GT_ORG_ID_MAX);
	json_t *input = json_copy(r->json);
	if (!input || json_object_set_new(input, "id", json_string(id)) < 0) {
		json_decref(input);
		return gt_api_problem_code(r, GT_ENOMEM, NULL);
	}
	return gt_api_submit(r, "auth.org.update", input, gt_api_finish_ok);
}

/* "a,b" as ["a","b"]. */
static json_t *S_roles(const char *s)
{
	json_t *a = json_array();
	while (a && *s) {
		size_t n = strcspn(s, ",");
		if (n && json_array_append_new(a, json_stringn(s, n)) < 0) {
			json_decref(a);
			return NULL;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return a;
}

static json_t *S_int_or_null(gt_stmt *st, int col)
{
	return gt_stmt_is_null(st, col) ? json_null() : json_integer(gt_stmt_i64(st, col));
}

/* A row of GT_Q_ORG_GET / GT_Q_ORG_LIST as the API shows it. */
static json_t *S_org(gt_stmt *st)
{
	json_t *v = json_pack("{s:s, s:s, s:o, s:o, s:I, s:s, s:o, s:o}", "id",
			      gt_stmt_text(st, 0, NULL), "name", gt_stmt_text(st, 1, NULL), "roles",
			      S_roles(gt_stmt_text(st, 2, NULL)), "website", gt_api_text_or_null(st, 3),
			      "created_index", (json_int_t)gt_stmt_i64(st, 5), "created_at",
			      gt_stmt_text(st, 6, NULL), "updated_index", S_int_or_null(st, 7),
			      "updated_at", gt_api_text_or_null(st, 8));
	if (v && !gt_stmt_is_null(st, 4) &&
	    json_object_set_new(v, "contact_ref", json_string(gt_stmt_text(st, 4, NULL))) < 0) {
		json_decref(v);
		return NULL;
	}
	return v;
}

enum MHD_Result gt_h_org_get(gt_req *r)
{
	const char *id = r->param[0];
	if (!gt_api_org_id_valid(id))
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no such organisation");
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	enum MHD_Result ans;
	rc = gt_stmt_open(c, GT_Q_ORG_GET, &st, &err);
	if (rc < 0) {
		ans = gt_api_problem_code(r, rc, err.msg);
		goto done;
	}
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	rc = gt_stmt_step(st, &err);
	if (rc == 1)
		ans = gt_api_json(r, MHD_HTTP_OK, S_org(st));
	else if (rc == 0)
		ans = gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no organisation %s", id);
	else
		ans = gt_api_problem_code(r, rc, err.msg);
	gt_stmt_close(st);
done:
	gt_store_reader_done(c);
	return ans;
}

enum MHD_Result gt_h_org_list(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit;
	if (gt_api_query_limit(r, &limit, &ans) < 0)
		return ans;
	const char *after = gt_api_query(r, "after");
	if (after && *after && !gt_api_org_id_valid(after))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "after must be an organisation id");
	gt_api_arg arg = GT_ARG_TEXT(after ? after : "");
	return gt_api_list(r, GT_Q_ORG_LIST, &arg, 1, limit, S_org, "id", "orgs", "next_after");
}
