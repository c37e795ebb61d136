/* What goodtrace verify and goodtrace audit share: the verifier key from the
 * command line, the log from a directory or a URL, progress on stderr. */
#ifndef GT_CLI_LOGSRC_H
#define GT_CLI_LOGSRC_H

#include "cli/fetch.h"
#include "core/error.h"
#include "log/note.h"
#include "log/verify.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* The key is given as text (<name>+<id>+<base64>), or as the name of a file
 * holding it. */
int gt_cli_vkey_load(const char *arg, gt_verifier **ret, gt_error *err);

/* A log to read: a directory, or a URL (http:// or https://). */
typedef struct gt_cli_log {
	gt_fetch_fn fetch;
	void *ctx;
	gt_http *http; /* for a URL */
} gt_cli_log;

int gt_cli_log_open(const char *where, gt_cli_log *ret, gt_error *err);
void gt_cli_log_close(gt_cli_log *l);

/* A gt_progress_fn printing "\r<what>: N / M entries (P%)" to stderr at most
 * once a second, with a newline at the end; ctx is a gt_cli_progress. */
typedef struct gt_cli_progress {
	const char *what;
	time_t last;
	bool pending; /* a line is printed without its newline (the end not reached) */
} gt_cli_progress;

void gt_cli_progress_cb(void *ctx, uint64_t done, uint64_t total);

#endif
