/* goodtrace verify: check a whole log from a directory or a URL. */
#include "cli/cli.h"
#include "cli/logsrc.h"
#include "core/base64.h"
#include "core/fs.h"

#include <stdio.h>

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
	gt_cli_log src = {0};
	gt_buf old = GT_BUF_INIT;
	int exit_code = GT_EXIT_FAIL;
	if (gt_cli_vkey_load(key, &v, &err) < 0) {
		gt_cli_error("verify: bad --vkey: %s", err.msg);
		exit_code = GT_EXIT_USAGE;
		goto done;
	}
	if (since && gt_fs_read(since, 65536, &old, &err) < 0) {
		gt_cli_error("verify: --since: %s", err.msg);
		exit_code = GT_EXIT_USAGE;
		goto done;
	}
	if (gt_cli_log_open(where, &src, &err) < 0) {
		gt_cli_error("verify: %s", err.msg);
		goto done;
	}
	gt_cli_progress prog = {.what = "verifying"};
	gt_verify_options vo = {
		.fetch = src.fetch,
		.fetch_ctx = src.ctx,
		.vkey = v,
		.since = since ? (const char *)old.data : NULL,
		.since_len = old.len,
		.progress = gt_cli_progress_enabled() ? gt_cli_progress_cb : NULL,
		.progress_ctx = &prog,
	};
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
	gt_cli_log_close(&src);
	gt_verifier_free(v);
	return exit_code;
}
