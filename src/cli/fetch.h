/* Fetching log resources over HTTP(S) for verification. */
#ifndef GT_CLI_FETCH_H
#define GT_CLI_FETCH_H

#include "core/buf.h"
#include "core/error.h"

typedef struct gt_http gt_http;

/* A fetcher for the log served at the URL prefix base (http or https). */
int gt_http_new(const char *base, gt_http **ret, gt_error *err);
void gt_http_free(gt_http *h);
/* A gt_fetch_fn: ctx is a gt_http *. 404 is GT_ENOTFOUND. */
int gt_http_fetch(void *ctx, const char *path, gt_buf *out, gt_error *err);

#endif
