/* Building and queueing responses: the headers every response carries, and
 * JSON bodies. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

struct MHD_Response *gt_api_response(const void *data, size_t len, const char *ctype,
				     const char *cache)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return NULL;
	if ((ctype &&
	     MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) != MHD_YES) ||
	    (cache &&
	     MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache) != MHD_YES)) {
		MHD_destroy_response(resp);
		return NULL;
	}
	return resp;
}

enum MHD_Result gt_api_queue(gt_req *r, unsigned status, struct MHD_Response *resp)
{
	if (!resp)
		return MHD_NO;
	enum MHD_Result ret = MHD_NO;
	if (MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") == MHD_YES &&
	    (!atomic_load(&r->api->stopping) ||
	     MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES))
		ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	if (ret == MHD_YES) {
		r->status = status;
		r->state = GT_REQ_ANSWERED;
	}
	return ret;
}

struct MHD_Response *gt_api_json_response(json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	if (!text)
		return NULL;
	struct MHD_Response *resp =
		gt_api_response(text, strlen(text), "application/json", "no-store");
	free(text);
	return resp;
}

enum MHD_Result gt_api_json(gt_req *r, unsigned status, json_t *v)
{
	struct MHD_Response *resp = gt_api_json_response(v);
	if (!resp)
		return gt_api_problem_code(r, GT_ENOMEM, NULL);
	return gt_api_queue(r, status, resp);
}
