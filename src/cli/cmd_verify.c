/* goodtrace verify: check a whole log from a directory or a URL. */
#include "cli/cli.h"
#include "cli/fetch.h"
#include "core/base64.h"
#include "core/fs.h"
#include "log/verify.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char S_usage[] =
	"Usage: goodtrace verify --log DIR|URL --vkey KEY [--since CHECKPOINT_FILE]\n"
	"\n"
	"Verify a whole log: the checkpoint's signature by KEY, every entry against\n"
	"its leaf hash, every tile against the tiles above it and the root, and\n"
	"(with --since) that the log is consistent with an earlier checkpoint you\n"
	"kept, i.e. that history was only appended to. Exits 0 only if all holds;\n"
	"otherwise prints exactly what failed and exits 1.\n"
	"\n"
	"Options:\n"
	"  --log DIR|URL    the log directory (DIR/log of a data directory) or the\n"
	"                   URL it is served at, e.g. https://example.org/log/\n"
	"  --vkey KEY       the verifier key <name>+<id>+<base64>, or a file holding it\n"
	"  --since FILE     an earlier signed checkpoint of the same log\n"
	"  --help           show this help\n";

typedef struct {
	time_t last;
} S_progress;

static void S_progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	S_progress *p = ctx;
	time_t now = time(NULL);
	if (now == p->last && done != total)
		return;
	p->last = now;
	fprintf(stderr, "\rverifying: %llu / %llu entries (%.0f%%)", (unsigned long long)done,
		(unsigned long long)total, total ? 100.0 * (double)done / (double)total : 100.0);
	if (done == total)
		fputc('\n', stderr);
}

/* The key is given as text, or as the name of a file holding it. */
static int S_load_key(const char *arg, gt_verifier **ret, gt_error *err)
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

int gt_cmd_verify(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("log"), GT_OPT_VALUE("vkey"), GT_OPT_VALUE("since"),
			 GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	const char *where = gt_args_get(opts, "log")->value;
	const char *key = gt_args_get(opts, "vkey")->value;
	const char *since = gt_args_get(opts, "since")->value;
	if (!where || !key) {
		gt_cli_error("verify: --log and --vkey are required (see --help)");
		return GT_EXIT_USAGE;
	}
	gt_error err = {0};
	gt_verifier *v = NULL;
	gt_http *http = NULL;
	gt_buf old = GT_BUF_INIT;
	int exit_code = GT_EXIT_FAIL;
	if (S_load_key(key, &v, &err) < 0) {
		gt_cli_error("verify: bad --vkey: %s", err.msg);
		exit_code = GT_EXIT_USAGE;
		goto done;
	}
	if (since && gt_fs_read(since, 65536, &old, &err) < 0) {
		gt_cli_error("verify: --since: %s", err.msg);
		exit_code = GT_EXIT_USAGE;
		goto done;
	}
	S_progress prog = {0};
	gt_verify_options vo = {
		.fetch = gt_fetch_dir,
		.fetch_ctx = (void *)where,
		.vkey = v,
		.since = since ? (const char *)old.data : NULL,
		.since_len = old.len,
		.progress = gt_cli_progress_enabled() ? S_progress_cb : NULL,
		.progress_ctx = &prog,
	};
	if (strncmp(where, "http://", 7) == 0 || strncmp(where, "https://", 8) == 0) {
		if (gt_http_new(where, &http, &err) < 0) {
			gt_cli_error("verify: %s", err.msg);
			goto done;
		}
		vo.fetch = gt_http_fetch;
		vo.fetch_ctx = http;
	}
	gt_checkpoint cp;
	if (gt_verify_log(&vo, &cp, &err) < 0) {
		gt_cli_error("verification failed: %s", err.msg);
		goto done;
	}
	char root[48];
	gt_base64_encode(cp.root.b, GT_HASH_LEN, root);
	printf("OK: %s, %llu entries, root %s%s\n", cp.origin, (unsigned long long)cp.size, root,
	       since ? ", consistent with the earlier checkpoint" : "");
	exit_code = GT_EXIT_OK;
done:
	gt_buf_done(&old);
	gt_http_free(http);
	gt_verifier_free(v);
	return exit_code;
}
