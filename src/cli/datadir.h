/* The data directory: where the log, its keys and private state live. */
#ifndef GT_CLI_DATADIR_H
#define GT_CLI_DATADIR_H

#include "core/error.h"
#include "log/log.h"
#include "log/note.h"

#include <limits.h>

/* DIR/log/        the public log, served as-is under /log/
 * DIR/log.key     the log's private signing key (mode 0600)
 * DIR/log.vkey    the log's verifier key (public)
 * DIR/log.state/  private log state (lock, staged checkpoints, proof index)
 * DIR/store.db    the store (SQLite): the projection of the log and the
 *                 private area (personal data, token hashes)
 * DIR/secret.key  the secret keying pseudonymous references (mode 0600) */
typedef struct gt_datadir {
	char root[PATH_MAX];
	char log[PATH_MAX];
	char state[PATH_MAX];
	char key[PATH_MAX];
	char vkey[PATH_MAX];
	char store[PATH_MAX];
	char secret[PATH_MAX];
} gt_datadir;

int gt_datadir_paths(const char *dir, gt_datadir *d, gt_error *err);

/* Open the log of a data directory: for writing (loads the signing key) or
 * read-only (loads the verifier key). The caller frees both with
 * gt_datadir_close. */
typedef struct gt_datadir_log {
	gt_log *log;
	gt_signer *signer;
	gt_verifier *verifier;
} gt_datadir_log;

int gt_datadir_open(const char *dir, bool writable, gt_datadir_log *out, gt_error *err);
void gt_datadir_close(gt_datadir_log *dl);

#endif
