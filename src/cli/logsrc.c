/* Key, log source and progress shared by goodtrace verify and goodtrace audit. */
#include "cli/logsrc.h"
#include "core/buf.h"
#include "core/fs.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int gt_cli_vkey_load(const char *arg, gt_verifier **ret, gt_error *err)
{
	gt_buf text = GT_BUF_INIT;
	struct stat st;
	int rc;
	if (strchr(arg, '+') == NULL && stat(arg, &st) == 0)
		rc = gt_fs_read(arg, 4096, &text, err);
	else
		rc = gt_buf_addstr(&text, arg);
	if (rc == 0)
		rc = gt_verifier_parse((const char *)text.data, text.len, ret, err);
	gt_buf_done(&text);
	return rc;
}

int gt_cli_log_open(const char *where, gt_cli_log *ret, gt_error *err)
{
	*ret = (gt_cli_log){.fetch = gt_fetch_dir, .ctx = (void *)where};
	if (strncmp(where, "http://", 7) != 0 && strncmp(where, "https://", 8) != 0)
		return 0;
	int rc = gt_http_new(where, &ret->http, err);
	if (rc < 0)
		return rc;
	ret->fetch = gt_http_fetch;
	ret->ctx = ret->http;
	return 0;
}

void gt_cli_log_close(gt_cli_log *l)
{
	gt_http_free(l->http);
	l->http = NULL;
}

void gt_cli_progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	gt_cli_progress *p = ctx;
	time_t now = time(NULL);
	if (now == p->last && done != total)
		return;
	p->last = now;
	fprintf(stderr, "\r%s: %llu / %llu entries (%.0f%%)", p->what, (unsigned long long)done,
		(unsigned long long)total, total ? 100.0 * (double)done / (double)total : 100.0);
	p->pending = done != total;
	if (done == total)
		fputc('\n', stderr);
}
