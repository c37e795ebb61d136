/* Who is calling: bearer tokens (RFC 6750) and the role matrix. */
#include "api/api_int.h"
#include "green/green.h"
#include "volunteer/volunteer.h"

#include <string.h>
#include <strings.h>

/* The token of "Authorization: Bearer <token>", or NULL. */
static const char *S_bearer(gt_req *r)
{
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

static enum MHD_Result S_unauthorized(gt_req *r, const char *slug, const char *challenge,
				      const char *detail)
{
	struct MHD_Response *resp = gt_api_problem_response(MHD_HTTP_UNAUTHORIZED, slug, detail);
	if (resp &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, challenge) != MHD_YES) {
		MHD_destroy_response(resp);
		resp = NULL;
	}
	return gt_api_queue(r, MHD_HTTP_UNAUTHORIZED, resp);
}

int gt_api_authorize(gt_req *r, enum MHD_Result *answered)
{
	const char *token = S_bearer(r);
	if (!token) {
		*answered = S_unauthorized(r, "unauthorized", "Bearer",
					   "this request needs an API token "
					   "(Authorization: Bearer <token>)");
		return GT_EDENIED;
	}
	gt_store_conn *c;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0) {
		*answered = gt_api_problem_code(r, rc, err.msg);
		return rc;
	}
	/* A person's key (a volunteer's, a green user's), or an organisation's token. */
	if (strncmp(token, "gv_", 3) == 0)
		rc = gt_vol_check_key(c, token, &r->who, &err);
	else if (strncmp(token, "gu_", 3) == 0)
		rc = gt_green_check_key(c, token, &r->who, &err);
	else
		rc = gt_auth_check_token(c, token, &r->who, &err);
	gt_store_reader_done(c);
	if (rc == GT_EDENIED) {
		*answered = S_unauthorized(r, "invalid-token", "Bearer error=\"invalid_token\"",
					   err.msg);
		return rc;
	}
	if (rc < 0) {
		*answered = gt_api_problem_code(r, rc, err.msg);
		return rc;
	}
	const char *action = r->route->action;
	if (action && !gt_auth_allowed(action, r->who.role)) {
		char roles[256];
		gt_auth_allowed_roles(action, roles, sizeof(roles));
		*answered =
			gt_api_problem(r, MHD_HTTP_FORBIDDEN, "forbidden",
				       "%s is allowed for the roles: %s (this token's role is %s)",
				       action, roles, r->who.role);
		return GT_EDENIED;
	}
	return 0;
}
