/* Query and path parameters: strict integers, page sizes, identifiers. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

#define S_LIMIT_DEFAULT 20

int gt_api_parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	if (!s || !*s || strlen(s) > 20)
		return GT_EINVAL;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return GT_EINVAL;
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return GT_EINVAL;
		v = v * 10 + d;
	}
	if (v > max)
		return GT_EINVAL;
	*ret = v;
	return 0;
}

const char *gt_api_query(gt_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int gt_api_query_u64(gt_req *r, const char *name, uint64_t def, uint64_t max, uint64_t *ret,
		     enum MHD_Result *answered)
{
	const char *s = gt_api_query(r, name);
	if (!s) {
		*ret = def;
		return 0;
	}
	if (gt_api_parse_u64(s, max, ret) < 0) {
		if (max == UINT64_MAX)
			*answered = gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
						   "%s must be a non-negative integer", name);
		else
			*answered = gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
						   "%s must be an integer from 0 to %llu", name,
						   (unsigned long long)max);
		return GT_EINVAL;
	}
	return 0;
}

int gt_api_query_limit(gt_req *r, uint64_t *ret, enum MHD_Result *answered)
{
	uint64_t max = r->api->limits.page_max, v;
	const char *s = gt_api_query(r, "limit");
	if (!s) {
		*ret = S_LIMIT_DEFAULT < max ? S_LIMIT_DEFAULT : max;
		return 0;
	}
	if (gt_api_parse_u64(s, UINT64_MAX, &v) < 0 || v == 0) {
		*answered = gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
					   "limit must be an integer from 1 to %llu",
					   (unsigned long long)max);
		return GT_EINVAL;
	}
	if (v > max) {
		*answered = gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "page-too-large",
					   "limit must be at most %llu", (unsigned long long)max);
		return GT_ETOOBIG;
	}
	*ret = v;
	return 0;
}

bool gt_api_org_id_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > GT_ORG_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && c == '-');
		if (!ok)
			return false;
	}
	return true;
}

int gt_api_query_one_of(gt_req *r, const char *name, const char *const *allowed, const char **ret,
			enum MHD_Result *answered)
{
	const char *s = gt_api_query(r, name);
	*ret = s;
	for (size_t i = 0; s && allowed[i]; i++)
		if (strcmp(allowed[i], s) == 0)
			return 0;
	if (!s)
		return 0;
	/* "name must be a, b or c" */
	char list[256];
	size_t n = 0;
	for (size_t i = 0; allowed[i] && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i == 0	     ? "" :
				      allowed[i + 1] ? ", " :
						       " or ",
				      allowed[i]);
	*answered = gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter", "%s must be %s",
				   name, list);
	return GT_EINVAL;
}
