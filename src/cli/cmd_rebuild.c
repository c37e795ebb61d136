/* goodtrace rebuild: recreate the store from the log alone; goodtrace store dump. */
#include "cli/cli.h"
#include "cli/service.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char S_usage[] =
	"Usage: goodtrace rebuild --data DIR\n"
	"\n"
	"Recreate the store DIR/store.db from the log alone: every entry is replayed\n"
	"into a new store, the private area (personal details, token hashes: what\n"
	"the public log never holds) is copied from the old store, and the new\n"
	"store replaces the old one atomically. Then the old and new stores are\n"
	"compared: a difference means the old store had drifted from its log.\n"
	"The server must be stopped (the log's writer lock is taken).\n"
	"\n"
	"Exit status: 0 rebuilt and identical, 1 rebuilt but the old store differed\n"
	"(or the rebuild failed, old store untouched), 2 usage.\n"
	"\n"
	"Options:\n"
	"  --data DIR  the data directory\n"
	"  --help      show this help\n";

static const char S_dump_usage[] =
	"Usage: goodtrace store dump --data DIR [--private]\n"
	"\n"
	"Print the store as canonical text: every table, rows in key order, and the\n"
	"number of entries applied. Two stores that answer every query the same\n"
	"print the same dump. The private area (personal details, token hashes) is\n"
	"left out unless --private is given.\n"
	"\n"
	"Options:\n"
	"  --data DIR  the data directory\n"
	"  --private   include the private area\n"
	"  --help      show this help\n";

static void S_progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	fprintf(stderr, "\rgoodtrace: rebuild: %llu of %llu entries", (unsigned long long)done,
		(unsigned long long)total);
	if (done == total)
		fputc('\n', stderr);
}

/* The first line where a and b differ, for the report. */
static void S_first_diff(const gt_buf *a, const gt_buf *b)
{
	size_t i = 0, line = 1, start = 0;
	while (i < a->len && i < b->len && a->data[i] == b->data[i]) {
		if (a->data[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	const char *pa = (const char *)a->data + start, *pb = (const char *)b->data + start;
	fprintf(stderr, "  first difference at line %zu:\n  old: %.*s\n  new: %.*s\n", line,
		(int)strcspn(pa, "\n") > 300 ? 300 : (int)strcspn(pa, "\n"), pa,
		(int)strcspn(pb, "\n") > 300 ? 300 : (int)strcspn(pb, "\n"), pb);
}

int gt_cmd_rebuild(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	const char *dir = gt_args_get(opts, "data")->value;
	if (!dir) {
		gt_cli_error("rebuild: --data DIR is required (see --help)");
		return GT_EXIT_USAGE;
	}
	gt_error err = {0};
	gt_datadir d;
	gt_datadir_log dl = {0};
	gt_store *old = NULL, *fresh = NULL;
	gt_buf before = GT_BUF_INIT, after = GT_BUF_INIT;
	int exit_code = GT_EXIT_FAIL;
	size_t nmod;
	const gt_module *const *mods = gt_service_modules(&nmod);

	/* The writer lock: no server may run while the store is replaced. */
	int rc = gt_datadir_paths(dir, &d, &err);
	if (rc == 0)
		rc = gt_datadir_open(dir, true, &dl, &err);
	if (rc == GT_EBUSY)
		gt_fail(&err, rc, "the log is in use (is 'goodtrace serve' running? stop it first)");
	gt_store_options so = {.path = d.store};
	bool had_old = false;
	if (rc == 0 && access(d.store, F_OK) == 0) {
		had_old = true;
		rc = gt_store_open(&so, &old, &err);
		if (rc == 0)
			rc = gt_store_dump(old, true, &before, &err);
		gt_store_free(old);
		old = NULL;
	}
	if (rc == 0)
		rc = gt_store_open_fresh(&so, &fresh, &err);
	if (rc == 0)
		rc = gt_ledger_replay(dl.log, fresh, mods, nmod,
				      gt_cli_progress_enabled() ? S_progress : NULL, NULL, &err);
	if (rc == 0) {
		rc = gt_store_finish_rebuild(fresh, &so, &err);
		fresh = NULL;
	}
	if (rc == 0)
		rc = gt_store_open(&so, &old, &err);
	if (rc == 0)
		rc = gt_store_dump(old, true, &after, &err);
	if (rc < 0) {
		gt_cli_error("rebuild: %s", err.msg);
		goto out;
	}
	fprintf(stderr, "goodtrace: rebuilt %s from %llu log entries\n", d.store,
		(unsigned long long)gt_log_size(dl.log));
	if (!had_old) {
		exit_code = GT_EXIT_OK;
	} else if (before.len == after.len && memcmp(before.data, after.data, before.len) == 0) {
		fprintf(stderr, "goodtrace: the rebuilt store is identical to the old one\n");
		exit_code = GT_EXIT_OK;
	} else {
		gt_cli_error("rebuild: the old store differed from its log (now replaced)");
		S_first_diff(&before, &after);
	}
out:
	gt_store_free(fresh);
	gt_store_free(old);
	gt_datadir_close(&dl);
	gt_buf_done(&before);
	gt_buf_done(&after);
	return exit_code;
}

int gt_cmd_store(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "dump") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			fputs(S_dump_usage, stdout);
			return GT_EXIT_OK;
		}
		fputs(S_dump_usage, stderr);
		return GT_EXIT_USAGE;
	}
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_FLAG("private"), GT_OPT_END};
	int r = gt_args_parse(argc - 1, argv + 1, opts, S_dump_usage, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	const char *dir = gt_args_get(opts, "data")->value;
	if (!dir) {
		gt_cli_error("store dump: --data DIR is required (see --help)");
		return GT_EXIT_USAGE;
	}
	gt_error err = {0};
	gt_store *s = NULL;
	gt_buf out = GT_BUF_INIT;
	int rc = gt_service_store(dir, true, &s, &err);
	if (rc == 0)
		rc = gt_store_dump(s, gt_args_get(opts, "private")->given, &out, &err);
	if (rc == 0)
		fwrite(out.data, 1, out.len, stdout);
	else
		gt_cli_error("store dump: %s", err.msg);
	gt_buf_done(&out);
	gt_store_free(s);
	return rc == 0 ? GT_EXIT_OK : GT_EXIT_FAIL;
}
