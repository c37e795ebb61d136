/* API tokens: create (the only time the secret is shown), list, revoke. */
#include "api/api_int.h"

#include <string.h>

/* The ledger's reply as it is (for commands that emit no entry). */
static enum MHD_Result S_finish_reply(gt_req *r, const gt_ledger_result *res, unsigned status)
{
	json_t *v = json_is_object(res->reply) ? json_incref(res->reply) : json_object();
	return gt_api_json(r, status, v);
}

static enum MHD_Result S_finish_created(gt_req *r, const gt_ledger_result *res)
{
	return S_finish_reply(r, res, MHD_HTTP_CREATED);
}

static enum MHD_Result S_finish_revoked(gt_req *r, const gt_ledger_result *res)
{
	if (json_is_object(res->reply))
		return S_finish_reply(r, res, MHD_HTTP_OK);
	return gt_api_json(r, MHD_HTTP_OK, json_pack("{s:s}", "id", r->param[0]));
}

enum MHD_Result gt_h_token_create(gt_req *r)
{
	return gt_api_submit(r, "auth.token", json_incref(r->json), S_finish_created);
}

/* Whether s is a token id (GT_TOKEN_ID_LEN hex digits). */
static bool S_token_id_valid(const char *s)
{
	if (strlen(s) != GT_TOKEN_ID_LEN)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

enum MHD_Result gt_h_token_revoke(gt_req *r)
{
	const char *id = r->param[0];
	if (!S_token_id_valid(id))
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "no such token (ids are %d hex digits)", GT_TOKEN_ID_LEN);
	return gt_api_submit(r, "auth.token.revoke", json_pack("{s:s}", "id", id),
			     S_finish_revoked);
}

/* A row of GT_Q_TOKEN_LIST: never the secret (only its hash is stored). */
static json_t *S_token(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:o}", "id", gt_stmt_text(st, 0, NULL), "org",
			 gt_stmt_text(st, 1, NULL), "role", gt_stmt_text(st, 2, NULL), "label",
			 gt_api_text_or_null(st, 3), "created_at", gt_stmt_text(st, 4, NULL),
			 "revoked_at", gt_api_text_or_null(st, 5));
}

/* Admins see every token (or one organisation's with ?org=); everyone else
 * only their own organisation's. */
enum MHD_Result gt_h_token_list(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit;
	if (gt_api_query_limit(r, &limit, &ans) < 0)
		return ans;
	const char *org = gt_api_query(r, "org");
	const char *after = gt_api_query(r, "after");
	if (org && !gt_api_org_id_valid(org))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "org must be an organisation id");
	if (after && *after && !S_token_id_valid(after))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "after must be a token id");
	if (strcmp(r->who.role, "admin") != 0) {
		if (org && strcmp(org, r->who.org) != 0)
			return gt_api_problem(r, MHD_HTTP_FORBIDDEN, "forbidden",
					      "only admins may list other organisations' tokens");
		org = r->who.org;
	}
	gt_api_arg args[] = {GT_ARG_TEXT(org), GT_ARG_TEXT(after ? after : "")};
	return gt_api_list(r, GT_Q_TOKEN_LIST, args, 2, limit, S_token, "id", "tokens",
			   "next_after");
}
