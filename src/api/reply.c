/* Building and queueing responses: the headers every response carries, and
 * JSON bodies. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

/* Content-Type ctype and Cache-Control cache (either may be NULL) on resp;
 * resp, or NULL (resp released) when out of memory. */
static struct MHD_Response *S_headers(struct MHD_Response *resp, const char *ctype,
				      const char *cache)
{
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

struct MHD_Response *gt_api_response(const void *data, size_t len, const char *ctype,
				     const char *cache)
{
	return S_headers(MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY),
			 ctype, cache);
}

/* A response that owns text (malloc'd, freed with the response or here). */
static struct MHD_Response *S_owned(char *text, size_t len, const char *ctype, const char *cache)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer_with_free_callback(len, text, &free);
	if (!resp)
		free(text);
	return S_headers(resp, ctype, cache);
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
	/* 12 significant digits: coordinates in millionths of a degree print as
	 * they were given (31.2397, not 31.239699999999999). */
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(v);
	if (!text)
		return NULL;
	return S_owned(text, strlen(text), "application/json", "no-store");
}

enum MHD_Result gt_api_json(gt_req *r, unsigned status, json_t *v)
{
	struct MHD_Response *resp = gt_api_json_response(v);
	if (!resp)
		return gt_api_problem_code(r, GT_ENOMEM, NULL);
	return gt_api_queue(r, status, resp);
}

enum MHD_Result gt_api_json_text(gt_req *r, unsigned status, gt_buf *body)
{
	size_t len = body->len;
	char *text = (char *)body->data;
	*body = (gt_buf)GT_BUF_INIT;
	struct MHD_Response *resp =
		text ? S_owned(text, len, "application/json", "no-store") : NULL;
	if (!resp)
		return gt_api_problem_code(r, GT_ENOMEM, NULL);
	return gt_api_queue(r, status, resp);
}

json_t *gt_api_text_or_null(gt_stmt *st, int col)
{
	return gt_stmt_is_null(st, col) ? json_null() : json_string(gt_stmt_text(st, col, NULL));
}
