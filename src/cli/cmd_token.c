/* goodtrace token: create, list and revoke API tokens in a data directory. */
#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/service.h"
#include "core/time.h"

#include <stdio.h>
#include <string.h>

static const char S_usage[] =
	"Usage: goodtrace token create --data DIR --org ORG --role ROLE [--label TEXT]\n"
	"       goodtrace token list   --data DIR [--org ORG]\n"
	"       goodtrace token revoke --data DIR --id ID\n"
	"\n"
	"API tokens act for one organisation in one of its roles. create prints the\n"
	"new token on stdout: it is shown only this once (only its SHA-256 is kept).\n"
	"list prints one token per line: id, organisation, role, created, revoked.\n"
	"revoke makes a token unusable at once. These work while the server runs.\n"
	"Organisations are created through the API (POST /api/v1/orgs) with the\n"
	"admin token that 'goodtrace init' printed.\n"
	"\n"
	"Roles: regulator, manufacturer, distributor, clinic, charity, ngo, sponsor,\n"
	"planter, publisher, processor, admin.\n";

static int S_open(gt_opt *opts, const char *what, gt_store **s)
{
	const char *dir = gt_args_get(opts, "data")->value;
	if (!dir) {
		gt_cli_error("token %s: --data DIR is required (see --help)", what);
		return GT_EXIT_USAGE;
	}
	gt_error err = {0};
	if (gt_service_store(dir, false, s, &err) < 0) {
		gt_cli_error("token %s: %s", what, err.msg);
		return GT_EXIT_FAIL;
	}
	return GT_EXIT_OK;
}

static int S_create(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_VALUE("org"), GT_OPT_VALUE("role"),
			 GT_OPT_VALUE("label"), GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	const char *org = gt_args_get(opts, "org")->value, *role = gt_args_get(opts, "role")->value;
	if (!org || !role) {
		gt_cli_error("token create: --org ORG and --role ROLE are required (see --help)");
		return GT_EXIT_USAGE;
	}
	if (!gt_role_valid(role)) {
		gt_cli_error("token create: '%s' is not a role (see --help)", role);
		return GT_EXIT_USAGE;
	}
	gt_store *s = NULL;
	int ec = S_open(opts, "create", &s);
	if (ec != GT_EXIT_OK)
		return ec;
	gt_error err = {0};
	char at[GT_TIME_LEN + 1], token[GT_TOKEN_LEN + 1], id[GT_TOKEN_ID_LEN + 1];
	gt_time_format(gt_time_now_ms(), at);
	gt_store_conn *w = gt_store_writer(s);
	int rc = gt_store_begin(w, &err);
	if (rc == 0)
		rc = gt_auth_token_create(w, org, role, gt_args_get(opts, "label")->value, at,
					  token, id, &err);
	if (rc == 0)
		rc = gt_store_commit(w, &err);
	if (rc < 0) {
		gt_store_rollback(w);
		gt_cli_error("token create: %s", err.msg);
		ec = rc == GT_ENOTFOUND || rc == GT_EINVAL ? GT_EXIT_USAGE : GT_EXIT_FAIL;
	} else {
		printf("%s\n", token);
		fprintf(stderr, "goodtrace: token %s for %s as %s (shown only now)\n", id, org,
			role);
	}
	memset(token, 0, sizeof(token));
	gt_store_free(s);
	return ec;
}

static int S_list(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_VALUE("org"), GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	gt_store *s = NULL;
	int ec = S_open(opts, "list", &s);
	if (ec != GT_EXIT_OK)
		return ec;
	gt_error err = {0};
	gt_store_conn *c = NULL;
	gt_stmt *st = NULL;
	int rc = gt_store_reader(s, &c, &err);
	if (rc == 0)
		rc = gt_stmt_open(c, GT_Q_TOKEN_LIST, &st, &err);
	if (rc == 0) {
		gt_stmt_bind_text(st, 1, gt_args_get(opts, "org")->value, (size_t)-1);
		gt_stmt_bind_text(st, 2, "", 0);
		gt_stmt_bind_i64(st, 3, INT64_MAX);
		while ((rc = gt_stmt_step(st, &err)) == 1)
			printf("%s\t%s\t%s\t%s\t%s\n", gt_stmt_text(st, 0, NULL),
			       gt_stmt_text(st, 1, NULL), gt_stmt_text(st, 2, NULL),
			       gt_stmt_text(st, 4, NULL),
			       gt_stmt_is_null(st, 5) ? "live" : gt_stmt_text(st, 5, NULL));
	}
	gt_stmt_close(st);
	if (c)
		gt_store_reader_done(c);
	if (rc < 0) {
		gt_cli_error("token list: %s", err.msg);
		ec = GT_EXIT_FAIL;
	}
	gt_store_free(s);
	return ec;
}

static int S_revoke(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_VALUE("id"), GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	const char *id = gt_args_get(opts, "id")->value;
	if (!id) {
		gt_cli_error("token revoke: --id ID is required (see --help)");
		return GT_EXIT_USAGE;
	}
	gt_store *s = NULL;
	int ec = S_open(opts, "revoke", &s);
	if (ec != GT_EXIT_OK)
		return ec;
	gt_error err = {0};
	char at[GT_TIME_LEN + 1];
	gt_time_format(gt_time_now_ms(), at);
	/* In a transaction: a commit that wrote the private area is synced. */
	gt_store_conn *w = gt_store_writer(s);
	int64_t n = gt_store_begin(w, &err);
	if (n == 0)
		n = gt_store_exec(w, GT_Q_TOKEN_REVOKE, &err, "tt", id, at);
	if (n >= 0) {
		int rc = gt_store_commit(w, &err);
		if (rc < 0)
			n = rc;
	}
	if (n < 0)
		gt_store_rollback(w);
	if (n < 0) {
		gt_cli_error("token revoke: %s", err.msg);
		ec = GT_EXIT_FAIL;
	} else if (n == 0) {
		gt_cli_error("token revoke: no live token '%s' (see goodtrace token list)", id);
		ec = GT_EXIT_USAGE;
	} else {
		fprintf(stderr, "goodtrace: token %s revoked\n", id);
	}
	gt_store_free(s);
	return ec;
}

int gt_cmd_token(int argc, char **argv)
{
	static const struct {
		const char *name;
		gt_cmd_fn fn;
	} subs[] = {{"create", S_create}, {"list", S_list}, {"revoke", S_revoke}};
	if (argc < 2) {
		fputs(S_usage, stderr);
		return GT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(S_usage, stdout);
		return GT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(argc - 1, argv + 1);
	gt_cli_error("token: unknown subcommand '%s' (see goodtrace token --help)", argv[1]);
	return GT_EXIT_USAGE;
}
