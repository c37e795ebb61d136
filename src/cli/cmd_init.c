/* goodtrace init: a new data directory with an empty log and a signing key. */
#include "cli/cli.h"
#include "cli/datadir.h"
#include "cli/service.h"
#include "core/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char S_usage[] =
	"Usage: goodtrace init --data DIR [--origin ORIGIN] [--log-only]\n"
	"\n"
	"Create the data directory DIR: a log in DIR/log/ (exactly the files served\n"
	"under /log/), a new Ed25519 signing key in DIR/log.key (mode 0600: keep it\n"
	"secret and back it up), the verifier key in DIR/log.vkey, the secret for\n"
	"pseudonymous references in DIR/secret.key (0600, back it up too) and the\n"
	"store DIR/store.db. The first entries create the operator organisation\n"
	"\"operator\" (role admin), and an admin token is made for it.\n"
	"\n"
	"Prints two lines: the verifier key, which anyone needs to verify the log,\n"
	"then the admin token, which is shown only this once.\n"
	"\n"
	"Options:\n"
	"  --data DIR       the data directory to create (may exist if empty of a log)\n"
	"  --origin ORIGIN  the log's name in its checkpoints, ideally the URL prefix\n"
	"                   it is served at without the scheme, e.g. example.org/log\n"
	"                   (default: goodtrace.local/<random>)\n"
	"  --log-only       only the log and its keys (no store, no entries, no\n"
	"                   token): for using 'goodtrace log' directly; prints\n"
	"                   only the verifier key\n"
	"  --help           show this help\n";

/* The first entries of a service: the operator organisation and its admin
 * token (printed to stdout). */
static int S_genesis(const char *dir, gt_error *err)
{
	gt_service s;
	int rc = gt_service_open(dir, true, 0, &s, err);
	if (rc < 0)
		return rc;
	gt_ledger_result res;
	json_t *org = json_pack("{s:s, s:s, s:[s]}", "id", "operator", "name",
				"goodtrace operator", "roles", "admin");
	rc = gt_ledger_call(s.ledger, "auth.org", NULL, "admin", org, &res);
	json_decref(res.reply);
	if (rc == 0) {
		json_t *tok = json_pack("{s:s, s:s, s:s}", "org", "operator", "role", "admin",
					"label", "created by goodtrace init");
		rc = gt_ledger_call(s.ledger, "auth.token", NULL, "admin", tok, &res);
		if (rc == 0)
			printf("%s\n", json_string_value(json_object_get(res.reply, "token")));
		json_decref(res.reply);
	}
	if (rc < 0)
		gt_fail(err, rc, "creating the operator organisation: %s", res.msg);
	gt_service_close(&s);
	return rc;
}

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
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_VALUE("origin"), GT_OPT_FLAG("log-only"),
			 GT_OPT_END};
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
	bool log_only = gt_args_get(opts, "log-only")->given;
	if (rc == 0) {
		fputs((const char *)vkey.data, stdout);
		fflush(stdout);
	}
	if (rc == 0 && !log_only)
		rc = S_genesis(d.root, &err);
	if (rc == 0) {
		fprintf(stderr,
			"goodtrace: created %s\n"
			"  log (serve as-is under /log/): %s\n"
			"  signing key (secret, back it up): %s\n"
			"  verifier key (public, first line above): %s\n",
			d.root, d.log, d.key, d.vkey);
		if (!log_only)
			fprintf(stderr,
				"  pseudonym secret (secret, back it up): %s\n"
				"  store: %s\n"
				"  the second line above is the admin token of the organisation\n"
				"  \"operator\": it is shown only now, keep it safe\n",
				d.secret, d.store);
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
