/* goodtrace init: a new data directory with an empty log and a signing key. */
#include "cli/cli.h"
#include "cli/datadir.h"
#include "core/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char S_usage[] =
	"Usage: goodtrace init --data DIR [--origin ORIGIN]\n"
	"\n"
	"Create the data directory DIR with an empty log in DIR/log/ (exactly the\n"
	"files served under /log/), a new Ed25519 signing key in DIR/log.key (mode\n"
	"0600: keep it secret and back it up) and the verifier key in DIR/log.vkey.\n"
	"Prints the verifier key, which anyone needs to verify the log.\n"
	"\n"
	"Options:\n"
	"  --data DIR       the data directory to create (may exist if empty of a log)\n"
	"  --origin ORIGIN  the log's name in its checkpoints, ideally the URL prefix\n"
	"                   it is served at without the scheme, e.g. example.org/log\n"
	"                   (default: goodtrace.local/<random>)\n"
	"  --help           show this help\n";

/* Write a new file with mode, refusing to overwrite one. */
static int S_write_new(const char *path, const char *text, size_t len, mode_t mode, gt_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return gt_fail_errno(err, errno, "cannot create %s", path);
	int rc = gt_fs_write_all(fd, text, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	close(fd);
	if (rc < 0)
		return gt_fail_errno(err, -rc, "cannot write %s", path);
	return 0;
}

int gt_cmd_init(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_VALUE("origin"), GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	const char *dir = gt_args_get(opts, "data")->value;
	const char *origin = gt_args_get(opts, "origin")->value;
	if (!dir) {
		gt_cli_error("init: --data DIR is required (see --help)");
		return GT_EXIT_USAGE;
	}
	char name[GT_NOTE_NAME_MAX + 1];
	if (!origin) {
		uint8_t rnd[4];
		if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
			gt_cli_error("init: no randomness available");
			return GT_EXIT_FAIL;
		}
		snprintf(name, sizeof(name), "goodtrace.local/%02x%02x%02x%02x", rnd[0], rnd[1],
			 rnd[2], rnd[3]);
		origin = name;
	}
	gt_error err = {0};
	gt_datadir d;
	gt_signer *signer = NULL;
	gt_verifier *verifier = NULL;
	gt_buf key = GT_BUF_INIT, vkey = GT_BUF_INIT;
	int rc = gt_datadir_paths(dir, &d, &err);
	if (rc == 0 && (access(d.key, F_OK) == 0 || access(d.log, F_OK) == 0))
		rc = gt_fail(&err, GT_EEXIST,
			     "%s already holds a goodtrace log; refusing to touch it", d.root);
	if (rc == 0)
		rc = gt_signer_generate(origin, &signer, &err);
	if (rc == 0)
		rc = gt_fs_mkdirs(d.root, 0700, &err);
	if (rc == 0)
		rc = gt_signer_encode(signer, &key);
	if (rc == 0)
		rc = gt_signer_verifier(signer, &verifier);
	if (rc == 0)
		rc = gt_verifier_encode(verifier, &vkey);
	if (rc == 0)
		rc = gt_buf_addstr(&key, "\n") < 0 || gt_buf_addstr(&vkey, "\n") < 0 ? GT_ENOMEM :
										       0;
	if (rc == 0)
		rc = S_write_new(d.key, (const char *)key.data, key.len, 0600, &err);
	if (rc == 0)
		rc = S_write_new(d.vkey, (const char *)vkey.data, vkey.len, 0644, &err);
	if (rc == 0) {
		gt_log_options opt = {.public_dir = d.log, .state_dir = d.state, .signer = signer};
		rc = gt_log_create(&opt, &err);
	}
	if (rc == 0) {
		fputs((const char *)vkey.data, stdout);
		fprintf(stderr,
			"goodtrace: created %s\n"
			"  log (serve as-is under /log/): %s\n"
			"  signing key (secret, back it up): %s\n"
			"  verifier key (public, printed above): %s\n",
			d.root, d.log, d.key, d.vkey);
	} else {
		gt_cli_error("init: %s", err.msg[0] ? err.msg : gt_strerror(rc));
	}
	if (key.data)
		memset(key.data, 0, key.len);
	gt_buf_done(&key);
	gt_buf_done(&vkey);
	gt_verifier_free(verifier);
	gt_signer_free(signer);
	return rc == 0 ? GT_EXIT_OK : GT_EXIT_FAIL;
}
