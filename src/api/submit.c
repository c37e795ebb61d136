/* Writes: submit a command to the ledger, suspend the connection until the
 * sequencer acknowledges it, then answer.
 *
 * The connection is suspended before the command is submitted, so done()
 * (on the sequencer thread) can never resume a connection that is not yet
 * suspended. done() only records the result and resumes: after
 * MHD_resume_connection the request may complete and be freed at any
 * moment, so it touches neither r nor the connection afterwards. A
 * suspended connection never times out, so it is still there to resume. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

static void S_done(void *arg, const gt_ledger_result *res)
{
	gt_req *r = arg;
	gt_api *api = r->api;
	struct MHD_Connection *conn = r->conn;
	r->res = *res;
	r->res.reply = res->reply ? json_incref(res->reply) : NULL;
	r->state = GT_REQ_DONE;
	MHD_resume_connection(conn);
	atomic_fetch_sub(&api->pending, 1);
}

enum MHD_Result gt_api_submit(gt_req *r, const char *type, json_t *input, gt_finish_fn finish)
{
	gt_api *api = r->api;
	r->finish = finish;
	/* pending is raised before stopping is read, and gt_api_stop sets
	 * stopping before it reads pending (both sequentially consistent):
	 * either this sees stopping, or the stop waits for this command. */
	atomic_fetch_add(&api->pending, 1);
	if (atomic_load(&api->stopping)) {
		atomic_fetch_sub(&api->pending, 1);
		json_decref(input);
		return gt_api_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
				      "the server is shutting down; try again");
	}
	r->state = GT_REQ_SUSPENDED;
	MHD_suspend_connection(r->conn);
	/* Routes without a token act for nobody (org NULL), not for an org "". */
	int rc = gt_ledger_submit(api->ledger, type, r->who.org[0] ? r->who.org : NULL, r->who.role,
				  input, S_done, r);
	if (rc < 0) {
		/* done will not be called: answer at once (the handler is
		 * called again as soon as the connection is resumed). */
		memset(&r->res, 0, sizeof(r->res));
		r->res.code = rc == GT_EUNAVAIL ? GT_EUNAVAIL : GT_EIO;
		if (rc == GT_EUNAVAIL)
			snprintf(r->res.msg, sizeof(r->res.msg),
				 "the ledger is not taking commands now; try again");
		else
			snprintf(r->res.msg, sizeof(r->res.msg), "cannot submit a %s command: %s",
				 type, gt_strerror(rc));
		r->state = GT_REQ_DONE;
		MHD_resume_connection(r->conn);
		atomic_fetch_sub(&api->pending, 1);
	}
	return MHD_YES;
}

enum MHD_Result gt_api_submit_answer(gt_req *r)
{
	if (r->res.code < 0)
		return gt_api_problem_code(r, r->res.code, r->res.msg);
	return r->finish(r, &r->res);
}

/* The reply object (a copy, or a new one) with "index" and "at" added. */
static json_t *S_reply(const gt_ledger_result *res)
{
	json_t *v = json_is_object(res->reply) ? json_copy(res->reply) : json_object();
	if (!v)
		return NULL;
	if (json_object_set_new(v, "index", json_integer((json_int_t)res->first)) < 0 ||
	    json_object_set_new(v, "at", json_string(res->at)) < 0) {
		json_decref(v);
		return NULL;
	}
	return v;
}

enum MHD_Result gt_api_finish_created(gt_req *r, const gt_ledger_result *res)
{
	return gt_api_json(r, MHD_HTTP_CREATED, S_reply(res));
}

enum MHD_Result gt_api_finish_ok(gt_req *r, const gt_ledger_result *res)
{
	return gt_api_json(r, MHD_HTTP_OK, S_reply(res));
}

enum MHD_Result gt_api_submit_param(gt_req *r, const char *type, const char *key, bool as_index,
				    gt_finish_fn finish)
{
	uint64_t n = 0;
	if (as_index && gt_api_parse_u64(r->param[0], INT64_MAX, &n) < 0)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "no %s \"%s\" (it is named by a number)", key, r->param[0]);
	if (json_object_get(r->json, key))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid",
				      "%s comes from the path, not the body", key);
	json_t *in = json_is_object(r->json) ? json_copy(r->json) : json_object();
	json_t *v = as_index ? json_integer((json_int_t)n) : json_string(r->param[0]);
	if (!in || json_object_set_new(in, key, v) < 0) {
		json_decref(in);
		return gt_api_problem_code(r, GT_ENOMEM, NULL);
	}
	return gt_api_submit(r, type, in, finish);
}
