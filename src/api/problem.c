/* RFC 7807 problem details (application/problem+json), and the mapping of
 * GT_E* codes to HTTP statuses. */
#include "api/api_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *slug;
	const char *title;
} S_titles[] = {
	{"unauthorized", "Authentication required"},
	{"invalid-token", "Invalid token"},
	{"forbidden", "Forbidden"},
	{"invalid", "Invalid request"},
	{"invalid-json", "Invalid JSON"},
	{"json-too-deep", "JSON nested too deeply"},
	{"string-too-long", "String too long"},
	{"batch-too-large", "Batch too large"},
	{"page-too-large", "Page too large"},
	{"invalid-parameter", "Invalid parameter"},
	{"out-of-range", "Out of range"},
	{"not-found", "Not found"},
	{"method-not-allowed", "Method not allowed"},
	{"already-exists", "Already exists"},
	{"conflict", "Conflict"},
	{"too-large", "Too large"},
	{"body-too-large", "Request body too large"},
	{"unsupported-media-type", "Unsupported media type"},
	{"unavailable", "Service unavailable"},
	{"not-yet-published", "Not yet published"},
	{"invalid-code", "Invalid code"},
	{"internal", "Internal server error"},
};

static const char *S_title(const char *slug)
{
	for (size_t i = 0; i < sizeof(S_titles) / sizeof(S_titles[0]); i++)
		if (strcmp(S_titles[i].slug, slug) == 0)
			return S_titles[i].title;
	return "Error";
}

/* The detail as a JSON string: it may quote the request (a path, a
 * parameter), so bytes that are not valid UTF-8 become '?'. */
static json_t *S_detail(const char *detail)
{
	json_t *v = json_string(detail);
	if (v)
		return v;
	char clean[1024];
	size_t n = 0;
	for (; detail[n] && n < sizeof(clean) - 1; n++)
		clean[n] = (unsigned char)detail[n] < 0x80 ? detail[n] : '?';
	clean[n] = 0;
	return json_string(clean);
}

struct MHD_Response *gt_api_problem_response(unsigned status, const char *slug, const char *detail)
{
	char type[96];
	snprintf(type, sizeof(type), "urn:goodtrace:problem:%s", slug);
	json_t *v = json_pack("{s:s, s:s, s:i, s:o}", "type", type, "title", S_title(slug),
			      "status", (int)status, "detail", S_detail(detail ? detail : ""));
	char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	if (!text)
		return NULL;
	struct MHD_Response *resp =
		gt_api_response(text, strlen(text), "application/problem+json", "no-store");
	free(text);
	if (resp && status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	return resp;
}

enum MHD_Result gt_api_problem(gt_req *r, unsigned status, const char *slug, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return gt_api_queue(r, status, gt_api_problem_response(status, slug, detail));
}

enum MHD_Result gt_api_problem_code(gt_req *r, int code, const char *msg)
{
	const char *detail = msg && *msg ? msg : gt_strerror(code);
	switch (code) {
	case GT_EINVAL:
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid", "%s", detail);
	case GT_ENOTFOUND:
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "%s", detail);
	case GT_EEXIST:
		return gt_api_problem(r, MHD_HTTP_CONFLICT, "already-exists", "%s", detail);
	case GT_EDENIED:
		return gt_api_problem(r, MHD_HTTP_FORBIDDEN, "forbidden", "%s", detail);
	case GT_ESTATE:
		return gt_api_problem(r, MHD_HTTP_CONFLICT, "conflict", "%s", detail);
	case GT_ETOOBIG:
		return gt_api_problem(r, MHD_HTTP_CONTENT_TOO_LARGE, "too-large", "%s", detail);
	case GT_ERANGE:
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "out-of-range", "%s", detail);
	case GT_EUNAVAIL:
		return gt_api_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", "%s", detail);
	case GT_EBUSY: /* the store stayed locked past its timeout: try again */
		return gt_api_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
				      "the store is busy; try again");
	default:
		if (r->api->on_error) {
			char line[768];
			snprintf(line, sizeof(line), "%s %s: %s: %s", r->method, r->url,
				 gt_strerror(code), msg && *msg ? msg : "no details");
			r->api->on_error(r->api->on_error_arg, line);
		}
		return gt_api_problem(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
				      "the server could not complete the request");
	}
}
