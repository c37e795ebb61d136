/* Fetching log resources over HTTP(S) with libcurl, one kept-alive handle. */
#include "cli/fetch.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define S_RESOURCE_MAX (256 * 65537 + 512) /* the largest entry bundle */

struct gt_http {
	CURL *curl;
	char *base;
	gt_buf *out;
	size_t start;
	bool too_big;
	char curl_err[CURL_ERROR_SIZE];
};

static size_t S_write(char *data, size_t size, size_t n, void *ctx)
{
	gt_http *h = ctx;
	size_t len = size * n;
	if (h->out->len - h->start + len > S_RESOURCE_MAX) {
		h->too_big = true;
		return 0;
	}
	return gt_buf_add(h->out, data, len) < 0 ? 0 : len;
}

int gt_http_new(const char *base, gt_http **ret, gt_error *err)
{
	static int inited;
	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	gt_http *h = calloc(1, sizeof(*h));
	if (!h)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	size_t len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		len--;
	h->base = strndup(base, len);
	h->curl = curl_easy_init();
	if (!h->base || !h->curl) {
		gt_http_free(h);
		return gt_fail(err, GT_ENOMEM, "cannot set up HTTP");
	}
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, S_write);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->curl_err);
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h->curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(h->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h->curl, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, "goodtrace-verify/0.1");
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	*ret = h;
	return 0;
}

void gt_http_free(gt_http *h)
{
	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	free(h->base);
	free(h);
}

int gt_http_fetch(void *ctx, const char *path, gt_buf *out, gt_error *err)
{
	gt_http *h = ctx;
	gt_buf url = GT_BUF_INIT;
	if (gt_buf_addf(&url, "%s/%s", h->base, path) < 0)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	h->out = out;
	h->start = out->len;
	h->too_big = false;
	h->curl_err[0] = 0;
	curl_easy_setopt(h->curl, CURLOPT_URL, (const char *)url.data);
	CURLcode cc = curl_easy_perform(h->curl);
	long status = 0;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	int rc = 0;
	if (h->too_big)
		rc = gt_fail(err, GT_ETOOBIG, "%s is larger than any log resource can be",
			     url.data);
	else if (cc != CURLE_OK)
		rc = gt_fail(err, GT_ENET, "cannot fetch %s: %s", url.data,
			     h->curl_err[0] ? h->curl_err : curl_easy_strerror(cc));
	else if (status == 404 || status == 410)
		rc = gt_fail(err, GT_ENOTFOUND, "%s: not found (HTTP %ld)", url.data, status);
	else if (status != 200)
		rc = gt_fail(err, GT_ENET, "cannot fetch %s: HTTP status %ld", url.data, status);
	if (rc < 0) {
		out->len = h->start;
		if (out->data)
			out->data[out->len] = 0;
	}
	gt_buf_done(&url);
	return rc;
}
