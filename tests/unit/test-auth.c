/* Unit tests for src/auth: the role matrix, API tokens, and the auth module
 * (organisations, tokens, attestations) through a real ledger over a real
 * log and SQLite store. */
#include <criterion/criterion.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/pseudo.h"
#include "core/time.h"
#include "ledger/ledger.h"
#include "log/log.h"
#include "log/note.h"
#include "store/store.h"
#include "testutil.h"

#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN "example.com/goodtrace-auth-test"

/* ---- the role matrix ------------------------------------------------------- */

static const char *const S_roles[] = {
	"regulator", "manufacturer", "distributor", "clinic",	 "charity",
	"ngo",	     "sponsor",	     "planter",	    "publisher", "processor", "app", "admin",
};
#define S_NROLES (sizeof(S_roles) / sizeof(S_roles[0]))

/* The expected matrix, written out: 1 = allowed, in the order of S_roles. */
static const struct {
	const char *action;
	int allowed[S_NROLES + 2]; /* then the volunteer and the green user (people) */
	const char *roles_text;
} S_matrix[] = {
	/*                 reg man dis cli cha ngo spo pla pub pro app adm vol usr */
	{"org.create", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, "admin"},
	{"org.update", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, "any organisation's role (not a person's key)"},
	{"token.create", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, "admin"},
	{"token.list", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, "any organisation's role (not a person's key)"},
	{"token.revoke", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, "any organisation's role (not a person's key)"},
	{"org.attest", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, "any organisation's role (not a person's key)"},
	{"trace.product.register", {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "manufacturer"},
	{"trace.batch.register", {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "manufacturer"},
	{"trace.pack.register", {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "manufacturer"},
	{"trace.recall", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "regulator"},
	{"trace.recall.lift", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "regulator"},
	{"trace.event.capture", {0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "manufacturer,distributor,clinic"},
	{"trace.notice.read", {0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "manufacturer,distributor,clinic"},
	{"trace.notice.ack", {0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "manufacturer,distributor,clinic"},
	{"trace.webhook.manage", {0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "manufacturer,distributor,clinic"},
	{"trace.recall.holders", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "regulator"},
	{"give.campaign.create", {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "charity"},
	{"give.campaign.documents", {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "charity"},
	{"give.campaign.close", {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "charity"},
	{"give.campaign.verify", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, "admin"},
	{"give.work.create", {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "charity"},
	{"give.donation.record", {0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0}, "charity,processor"},
	{"give.refund", {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "charity"},
	{"give.disburse", {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "charity"},
	{"give.file.upload", {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "charity"},
	{"give.confirm", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, "any organisation's role (not a person's key)"},
	{"give.report.review", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, "admin"},
	{"vol.opportunity.create", {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, "ngo"},
	{"vol.opportunity.manage", {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, "ngo"},
	{"vol.candidates", {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0}, "ngo,admin"},
	{"vol.volunteer", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, "volunteer"},
	{"green.actions.report", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, "app"},
	{"green.rules.manage", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, "admin"},
	{"green.catalogue.manage", {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, "planter"},
	{"green.planting.record", {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, "planter"},
	{"green.pool.manage", {0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, "sponsor"},
	{"green.user", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "user"},
};

Test(roles, the_roles_of_the_design)
{
	size_t n = 0;
	while (gt_roles[n])
		n++;
	cr_assert_eq(n, S_NROLES);
	for (size_t i = 0; i < S_NROLES; i++) {
		cr_assert_str_eq(gt_roles[i], S_roles[i]);
		cr_assert(gt_role_valid(S_roles[i]));
	}
	static const char *const not_roles[] = {"",	  "Admin",  "admin ", " admin", "adm",
						"admins", "public", "system", "root"};
	for (size_t i = 0; i < sizeof(not_roles) / sizeof(not_roles[0]); i++)
		cr_assert_not(gt_role_valid(not_roles[i]), "\"%s\"", not_roles[i]);
	cr_assert_not(gt_role_valid(NULL));
}

Test(roles, matrix_every_action_and_role)
{
	for (size_t a = 0; a < sizeof(S_matrix) / sizeof(S_matrix[0]); a++) {
		const char *action = S_matrix[a].action;
		cr_assert(gt_auth_action_known(action), "%s", action);
		for (size_t r = 0; r <= S_NROLES + 1; r++) {
			const char *role = r < S_NROLES	    ? S_roles[r] :
					   r == S_NROLES ? "volunteer" :
							     "user";
			cr_assert_eq(gt_auth_allowed(action, role), (bool)S_matrix[a].allowed[r],
				     "%s by %s", action, role);
		}
		/* Never for a role that does not exist. */
		cr_assert_not(gt_auth_allowed(action, "root"), "%s by root", action);
		cr_assert_not(gt_auth_allowed(action, ""), "%s by nobody", action);
		cr_assert_not(gt_auth_allowed(action, NULL));
		cr_assert_not(gt_auth_allowed(action, "*"), "\"*\" is not a role");
		char out[128];
		gt_auth_allowed_roles(action, out, sizeof(out));
		cr_assert_str_eq(out, S_matrix[a].roles_text, "%s", action);
	}
}

Test(roles, unknown_actions_are_never_allowed)
{
	static const char *const unknown[] = {"",	    "org",	  "org.create.x",
					      "ORG.CREATE", "org.delete", "token.create "};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		cr_assert_not(gt_auth_action_known(unknown[i]), "%s", unknown[i]);
		for (size_t r = 0; r < S_NROLES; r++)
			cr_assert_not(gt_auth_allowed(unknown[i], S_roles[r]), "%s by %s",
				      unknown[i], S_roles[r]);
		char out[32] = "junk";
		gt_auth_allowed_roles(unknown[i], out, sizeof(out));
		cr_assert_str_eq(out, "");
	}
	cr_assert_not(gt_auth_action_known(NULL));
	cr_assert_not(gt_auth_allowed(NULL, "admin"));
	/* A short buffer is cut, still terminated. */
	char small[3] = "xx";
	gt_auth_allowed_roles("org.create", small, sizeof(small));
	cr_assert_str_eq(small, "ad");
	gt_auth_allowed_roles("org.create", small, 0); /* nothing written */
	cr_assert_str_eq(small, "ad");
}

/* ---- an environment: log, store, ledger with the auth module --------------- */

typedef struct {
	tu_svc svc;
	gt_ledger *ledger;
} S_env;

static const gt_module *const S_modules[] = {&gt_auth_module};

static void S_env_init(S_env *e, bool with_ledger)
{
	memset(e, 0, sizeof(*e));
	tu_svc_init(&e->svc, "auth", ORIGIN);
	if (!with_ledger)
		return;
	gt_ledger_options o = {.log = e->svc.log,
			       .store = e->svc.store,
			       .secret = e->svc.secret,
			       .modules = S_modules,
			       .nmodules = 1};
	gt_error err = {0};
	cr_assert_eq(gt_ledger_open(&o, &e->ledger, &err), 0, "%s", err.msg);
}

static void S_env_done(S_env *e)
{
	gt_ledger_free(e->ledger);
	tu_svc_done(&e->svc);
}

/* A command as (org, role); org NULL is the system. res->reply is released
 * unless keep is set. */
static int S_cmd(S_env *e, const char *type, const char *org, const char *role, const char *input,
		 gt_ledger_result *res)
{
	return gt_ledger_call(e->ledger, type, org, role, tu_json(input), res);
}

/* A command that must succeed; its reply (caller releases). */
static json_t *S_ok(S_env *e, const char *type, const char *org, const char *role,
		    const char *input)
{
	gt_ledger_result res;
	int rc = S_cmd(e, type, org, role, input, &res);
	cr_assert_eq(rc, 0, "%s %s: %d %s", type, input, rc, res.msg);
	return res.reply;
}

/* A command that must fail with code and exactly msg (or, if msg ends in
 * '*', a message starting with it). Nothing may be written. */
static void S_fails(S_env *e, const char *type, const char *org, const char *role,
		    const char *input, int code, const char *msg)
{
	uint64_t size = gt_log_size(e->svc.log);
	gt_buf before = GT_BUF_INIT, after = GT_BUF_INIT;
	cr_assert_eq(gt_store_dump(e->svc.store, true, &before, NULL), 0);
	gt_ledger_result res;
	int rc = S_cmd(e, type, org, role, input, &res);
	cr_assert_eq(rc, code, "%s %s: %d %s, want %d", type, input, rc, res.msg, code);
	size_t n = strlen(msg);
	if (n && msg[n - 1] == '*')
		cr_assert_eq(strncmp(res.msg, msg, n - 1), 0, "%s: \"%s\", want \"%s\"", input,
			     res.msg, msg);
	else
		cr_assert_str_eq(res.msg, msg, "%s", input);
	cr_assert_null(res.reply);
	cr_assert_eq(gt_log_size(e->svc.log), size, "%s: nothing on the log", input);
	cr_assert_eq(gt_store_dump(e->svc.store, true, &after, NULL), 0);
	cr_assert_str_eq((char *)after.data, (char *)before.data, "%s: the store is unchanged",
			 input);
	gt_buf_done(&before);
	gt_buf_done(&after);
}

static void S_entry(S_env *e, uint64_t i, gt_buf *out)
{
	gt_buf_reset(out);
	gt_error err = {0};
	cr_assert_eq(gt_log_entry(e->svc.log, i, out, &err), 0, "%s", err.msg);
}

/* An organisation row as "id|name|roles|website|contact_ref|created_idx|updated_idx". */
static void S_org_row(gt_store *s, const char *id, char *out, size_t n)
{
	gt_store_conn *r;
	cr_assert_eq(gt_store_reader(s, &r, NULL), 0);
	gt_stmt *st;
	cr_assert_eq(gt_stmt_open(r, GT_Q_ORG_GET, &st, NULL), 0);
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	int rc = gt_stmt_step(st, NULL);
	if (rc == 1)
		snprintf(out, n, "%s|%s|%s|%s|%s|%lld|%s", gt_stmt_text(st, 0, NULL),
			 gt_stmt_text(st, 1, NULL), gt_stmt_text(st, 2, NULL),
			 gt_stmt_is_null(st, 3) ? "NULL" : gt_stmt_text(st, 3, NULL),
			 gt_stmt_is_null(st, 4) ? "NULL" : gt_stmt_text(st, 4, NULL),
			 (long long)gt_stmt_i64(st, 5),
			 gt_stmt_is_null(st, 7) ? "NULL" : gt_stmt_text(st, 7, NULL));
	else
		snprintf(out, n, "none");
	gt_stmt_close(st);
	gt_store_reader_done(r);
}

static int S_check(S_env *e, const char *token, gt_principal *p, gt_error *err)
{
	gt_store_conn *r;
	cr_assert_eq(gt_store_reader(e->svc.store, &r, NULL), 0);
	int rc = gt_auth_check_token(r, token, p, err);
	gt_store_reader_done(r);
	return rc;
}

static void S_sha256_hex(const char *s, char out[65])
{
	uint8_t md[32];
	unsigned n = 0;
	cr_assert_eq(EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL), 1);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* ---- tokens, directly ---------------------------------------------------------- */

/* An organisation put straight into the store (no ledger). */
static void S_put_org(S_env *e, const char *id, const char *roles)
{
	gt_store_conn *w = gt_store_writer(e->svc.store);
	gt_error err = {0};
	cr_assert_eq(gt_store_begin(w, &err), 0, "%s", err.msg);
	cr_assert_geq(gt_store_exec(w, GT_Q_ORG_PUT, &err, "tttnnit", id, id, roles, (int64_t)0,
				    "2026-11-22T10:00:00.000Z"),
		      0, "%s", err.msg);
	cr_assert_eq(gt_store_commit(w, &err), 0, "%s", err.msg);
}

static void S_token(S_env *e, const char *org, const char *role, char tok[GT_TOKEN_LEN + 1],
		    char id[GT_TOKEN_ID_LEN + 1])
{
	gt_store_conn *w = gt_store_writer(e->svc.store);
	gt_error err = {0};
	cr_assert_eq(gt_store_begin(w, &err), 0, "%s", err.msg);
	int rc = gt_auth_token_create(w, org, role, "a label", "2026-11-22T10:00:00.000Z", tok, id,
				      &err);
	cr_assert_eq(rc, 0, "token for %s/%s: %s", org, role, err.msg);
	cr_assert_eq(gt_store_commit(w, &err), 0, "%s", err.msg);
}

static bool S_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

Test(tokens, create_and_check)
{
	S_env e;
	S_env_init(&e, false);
	S_put_org(&e, "acme", "manufacturer,regulator");
	char tok[GT_TOKEN_LEN + 1], id[GT_TOKEN_ID_LEN + 1];
	S_token(&e, "acme", "regulator", tok, id);

	/* gt_<16 hex>_<43 base64url> */
	cr_assert_eq(strlen(tok), GT_TOKEN_LEN);
	cr_assert_eq(strncmp(tok, "gt_", 3), 0);
	cr_assert_eq(strlen(id), GT_TOKEN_ID_LEN);
	cr_assert_eq(memcmp(tok + 3, id, GT_TOKEN_ID_LEN), 0);
	for (int i = 0; i < GT_TOKEN_ID_LEN; i++)
		cr_assert(strchr("0123456789abcdef", id[i]), "%s", id);
	cr_assert_eq(tok[3 + GT_TOKEN_ID_LEN], '_');
	for (size_t i = 4 + GT_TOKEN_ID_LEN; i < GT_TOKEN_LEN; i++)
		cr_assert(S_b64url(tok[i]), "%s", tok);

	gt_principal p;
	gt_error err = {0};
	cr_assert_eq(S_check(&e, tok, &p, &err), 0, "%s", err.msg);
	cr_assert_str_eq(p.org, "acme");
	cr_assert_str_eq(p.role, "regulator");
	cr_assert_str_eq(p.token_id, id);
	/* The writer connection answers too. */
	memset(&p, 0, sizeof(p));
	cr_assert_eq(gt_auth_check_token(gt_store_writer(e.svc.store), tok, &p, &err), 0, "%s",
		     err.msg);
	cr_assert_str_eq(p.org, "acme");

	/* Another token is another secret and another id. */
	char tok2[GT_TOKEN_LEN + 1], id2[GT_TOKEN_ID_LEN + 1];
	S_token(&e, "acme", "manufacturer", tok2, id2);
	cr_assert_str_neq(tok, tok2);
	cr_assert_str_neq(id, id2);
	cr_assert_eq(S_check(&e, tok2, &p, &err), 0);
	cr_assert_str_eq(p.role, "manufacturer");
	S_env_done(&e);
}

static void S_denied(S_env *e, const char *token, const char *msg)
{
	gt_principal p;
	memset(&p, 0x55, sizeof(p));
	gt_error err = {0};
	cr_assert_eq(S_check(e, token, &p, &err), GT_EDENIED, "%s", token ? token : "NULL");
	cr_assert_str_eq(err.msg, msg, "%s", token ? token : "NULL");
	cr_assert_eq(((unsigned char *)&p)[0], 0x55, "principal untouched");
}

Test(tokens, refused)
{
	S_env e;
	S_env_init(&e, false);
	S_put_org(&e, "acme", "charity");
	char tok[GT_TOKEN_LEN + 1], id[GT_TOKEN_ID_LEN + 1], t[GT_TOKEN_LEN + 8];
	S_token(&e, "acme", "charity", tok, id);

	/* The right id with a wrong secret. */
	strcpy(t, tok);
	t[GT_TOKEN_LEN - 1] = t[GT_TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
	S_denied(&e, t, "unknown token");
	strcpy(t, tok);
	t[4 + GT_TOKEN_ID_LEN] = t[4 + GT_TOKEN_ID_LEN] == 'A' ? 'B' : 'A';
	S_denied(&e, t, "unknown token");
	/* An unknown id (well formed). */
	strcpy(t, tok);
	t[3] = t[3] == '0' ? '1' : '0';
	S_denied(&e, t, "unknown token");

	/* Malformed. */
	S_denied(&e, NULL, "malformed token");
	S_denied(&e, "", "malformed token");
	S_denied(&e, "gt_", "malformed token");
	snprintf(t, sizeof(t), "%s=", tok); /* one longer */
	S_denied(&e, t, "malformed token");
	snprintf(t, sizeof(t), "%.*s", GT_TOKEN_LEN - 1, tok); /* one shorter */
	S_denied(&e, t, "malformed token");
	strcpy(t, tok);
	t[0] = 'G';
	S_denied(&e, t, "malformed token");
	strcpy(t, tok);
	t[3 + GT_TOKEN_ID_LEN] = '-';
	S_denied(&e, t, "malformed token");
	strcpy(t, tok);
	t[5] = 'A'; /* upper-case hex in the id */
	S_denied(&e, t, "malformed token");
	strcpy(t, tok);
	t[6] = 'g';
	S_denied(&e, t, "malformed token");
	snprintf(t, sizeof(t), "Bearer %.*s", GT_TOKEN_LEN - 7, tok); /* the right length */
	S_denied(&e, t, "malformed token");

	/* Revoked. */
	gt_store_conn *w = gt_store_writer(e.svc.store);
	gt_error err = {0};
	cr_assert_eq(gt_store_begin(w, &err), 0);
	cr_assert_eq(
		gt_store_exec(w, GT_Q_TOKEN_REVOKE, &err, "tt", id, "2026-11-22T11:00:00.000Z"), 1,
		"%s", err.msg);
	cr_assert_eq(gt_store_commit(w, &err), 0);
	S_denied(&e, tok, "token revoked");
	S_env_done(&e);
}

Test(tokens, create_refused)
{
	S_env e;
	S_env_init(&e, false);
	S_put_org(&e, "acme", "charity,ngo");
	gt_store_conn *w = gt_store_writer(e.svc.store);
	char tok[GT_TOKEN_LEN + 1] = "untouched", id[GT_TOKEN_ID_LEN + 1] = "untouched";
	gt_error err = {0};
	const char *at = "2026-11-22T10:00:00.000Z";
	cr_assert_eq(gt_store_begin(w, &err), 0);
	cr_assert_eq(gt_auth_token_create(w, "acme", "regulator", NULL, at, tok, id, &err),
		     GT_EINVAL);
	cr_assert_str_eq(
		err.msg,
		"organisation acme does not have the role regulator (it has: charity,ngo)");
	cr_assert_eq(gt_auth_token_create(w, "acme", "boss", NULL, at, tok, id, &err), GT_EINVAL);
	cr_assert_str_eq(err.msg, "role must be one of the roles of goodtrace, not \"boss\"");
	cr_assert_eq(gt_auth_token_create(w, "nobody", "ngo", NULL, at, tok, id, &err),
		     GT_ENOTFOUND);
	cr_assert_str_eq(err.msg, "no organisation \"nobody\"");
	char label[GT_TOKEN_LEN + 300];
	memset(label, 'l', 201);
	label[201] = 0;
	cr_assert_eq(gt_auth_token_create(w, "acme", "ngo", label, at, tok, id, &err), GT_EINVAL);
	cr_assert_str_eq(err.msg, "label must be at most 200 bytes");
	cr_assert_str_eq(tok, "untouched");
	cr_assert_str_eq(id, "untouched");
	label[200] = 0;
	cr_assert_eq(gt_auth_token_create(w, "acme", "ngo", label, at, tok, id, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(gt_store_commit(w, &err), 0);
	S_env_done(&e);
}

Test(tokens, only_the_hash_is_stored)
{
	S_env e;
	S_env_init(&e, false);
	S_put_org(&e, "acme", "admin");
	char tok[GT_TOKEN_LEN + 1], id[GT_TOKEN_ID_LEN + 1], hash[65];
	S_token(&e, "acme", "admin", tok, id);
	S_sha256_hex(tok, hash);
	gt_buf d = GT_BUF_INIT;
	cr_assert_eq(gt_store_dump(e.svc.store, true, &d, NULL), 0);
	const char *dump = (const char *)d.data;
	cr_assert(strstr(dump, hash), "the dump holds the SHA-256 of the token");
	cr_assert(strstr(dump, id), "and its id");
	const char *secret = tok + 4 + GT_TOKEN_ID_LEN;
	cr_assert_null(strstr(dump, secret), "never the secret");
	/* Not even a good part of it. */
	char part[17];
	memcpy(part, secret, 16);
	part[16] = 0;
	cr_assert_null(strstr(dump, part));
	cr_assert_null(strstr(dump, tok));
	gt_buf_done(&d);
	/* Nor the store's files. */
	static const char *const files[] = {"store.db", "store.db-wal"};
	for (size_t i = 0; i < 2; i++) {
		if (!tu_exists(e.svc.root, files[i]))
			continue;
		gt_buf f = GT_BUF_INIT;
		tu_read(e.svc.root, files[i], &f);
		cr_assert_null(memmem(f.data, f.len, secret, strlen(secret)), "%s", files[i]);
		gt_buf_done(&f);
	}
	S_env_done(&e);
}

/* ---- every byte of the log ---------------------------------------------------- */

static gt_buf S_all;

static int S_collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_F) {
		gt_buf b = GT_BUF_INIT;
		tu_read_path(path, &b);
		cr_assert_eq(gt_buf_add(&S_all, b.data, b.len), 0);
		cr_assert_eq(gt_buf_add(&S_all, "\n", 1), 0);
		gt_buf_done(&b);
	}
	return 0;
}

/* Every file of the log (public and state), back to back. */
static void S_log_bytes(S_env *e, gt_buf *out)
{
	gt_buf_reset(&S_all);
	cr_assert_eq(nftw(e->svc.pub, S_collect, 16, FTW_PHYS), 0);
	cr_assert_eq(nftw(e->svc.state, S_collect, 16, FTW_PHYS), 0);
	gt_buf_reset(out);
	cr_assert_eq(gt_buf_add(out, S_all.data, S_all.len), 0);
	gt_buf_done(&S_all);
}

static bool S_has(const gt_buf *b, const char *s)
{
	return memmem(b->data, b->len, s, strlen(s)) != NULL;
}

/* ---- organisations through the ledger ----------------------------------------- */

#define ADMIN "op", "admin"

Test(orgs, create)
{
	S_env e;
	S_env_init(&e, true);
	json_t *r = S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"acme\",\"name\":\"Acme Pharma\","
			 "\"roles\":[\"regulator\",\"manufacturer\",\"admin\"],"
			 "\"website\":\"https://acme.example\"}");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "org"), "id")),
			 "acme");
	json_decref(r);
	gt_buf b = GT_BUF_INIT;
	S_entry(&e, 0, &b);
	const char *at_end = strchr((char *)b.data + 7, '"');
	cr_assert_not_null(at_end);
	char want[512];
	snprintf(want, sizeof(want),
		 "{\"at\":\"%.*s\",\"by\":\"org:op\",\"data\":{\"id\":\"acme\",\"name\":\"Acme "
		 "Pharma\",\"roles\":[\"admin\",\"manufacturer\",\"regulator\"],\"website\":"
		 "\"https://acme.example\"},\"type\":\"auth.org\",\"v\":1}",
		 GT_TIME_LEN, (char *)b.data + 7);
	cr_assert_str_eq((char *)b.data, want, "roles sorted, envelope canonical");
	char row[512];
	S_org_row(e.svc.store, "acme", row, sizeof(row));
	cr_assert_str_eq(
		row,
		"acme|Acme Pharma|admin,manufacturer,regulator|https://acme.example|NULL|0|NULL");

	/* The system may create too; the shortest and longest ids. */
	json_decref(S_ok(&e, "auth.org", NULL, NULL,
			 "{\"id\":\"b2\",\"name\":\"B\",\"roles\":[\"ngo\"]}"));
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"a123456789b123456789c123456789d12345678-\",\"name\":\"Long\","
			 "\"roles\":[\"ngo\"]}"));
	S_entry(&e, 1, &b);
	cr_assert(strstr((char *)b.data, "\"by\":\"system\""), "%s", (char *)b.data);
	cr_assert_eq(gt_log_size(e.svc.log), 3);
	gt_buf_done(&b);
	S_env_done(&e);
}

Test(orgs, create_refused)
{
	S_env e;
	S_env_init(&e, true);
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"acme\",\"name\":\"Acme\",\"roles\":[\"manufacturer\"]}"));
	const char *const id_rule =
		"id must be 2 to 40 characters of a-z, 0-9 and '-', not starting with '-'";
	static const char *const roles_not =
		"is not a role (regulator, manufacturer, distributor, clinic, charity, ngo, "
		"sponsor, planter, publisher, processor, admin)";
	char msg[256];

	/* Only administrators (every other role). */
	for (size_t r = 0; r + 1 < S_NROLES; r++)
		S_fails(&e, "auth.org", "acme", S_roles[r],
			"{\"id\":\"new\",\"name\":\"N\",\"roles\":[\"ngo\"]}", GT_EDENIED,
			"only administrators create organisations");
	/* Duplicates. */
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"acme\",\"name\":\"Again\",\"roles\":[\"ngo\"]}",
		GT_EEXIST, "organisation \"acme\" already exists");
	/* Ids. */
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"a\",\"name\":\"N\",\"roles\":[\"ngo\"]}",
		GT_EINVAL, "id must be a string of 2 to 40 bytes");
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"a123456789b123456789c123456789d1234567890\",\"name\":\"N\","
		"\"roles\":[\"ngo\"]}",
		GT_EINVAL, "id must be a string of 2 to 40 bytes");
	static const char *const bad_ids[] = {"-ab",  "Acme",  "ac_me", "ac me",
					      "acmé", "ac.me", "ac/me"};
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		char in[128];
		snprintf(in, sizeof(in), "{\"id\":\"%s\",\"name\":\"N\",\"roles\":[\"ngo\"]}",
			 bad_ids[i]);
		S_fails(&e, "auth.org", ADMIN, in, GT_EINVAL, id_rule);
	}
	S_fails(&e, "auth.org", ADMIN, "{\"name\":\"N\",\"roles\":[\"ngo\"]}", GT_EINVAL,
		"id is required");
	/* Roles. */
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"new\",\"name\":\"N\",\"roles\":[]}", GT_EINVAL,
		"roles must be a non-empty array of roles");
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"new\",\"name\":\"N\",\"roles\":\"ngo\"}",
		GT_EINVAL, "roles must be a non-empty array of roles");
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"new\",\"name\":\"N\"}", GT_EINVAL,
		"roles must be a non-empty array of roles");
	snprintf(msg, sizeof(msg), "roles[1] %s", roles_not);
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"new\",\"name\":\"N\",\"roles\":[\"ngo\",\"boss\"]}", GT_EINVAL, msg);
	snprintf(msg, sizeof(msg), "roles[0] %s", roles_not);
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"new\",\"name\":\"N\",\"roles\":[1]}", GT_EINVAL,
		msg);
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"new\",\"name\":\"N\",\"roles\":[\"Admin\"]}",
		GT_EINVAL, msg);
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"new\",\"name\":\"N\",\"roles\":[\"ngo\",\"clinic\",\"ngo\"]}", GT_EINVAL,
		"roles lists ngo twice");
	/* Other fields. */
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"new\",\"name\":\"N\",\"roles\":[\"ngo\"],\"extra\":1}", GT_EINVAL,
		"unknown field \"extra\"");
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"new\",\"roles\":[\"ngo\"]}", GT_EINVAL,
		"name is required");
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"new\",\"name\":\"\",\"roles\":[\"ngo\"]}",
		GT_EINVAL, "name must be a string of 1 to 200 bytes");
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"new\",\"name\":\"a\\nb\",\"roles\":[\"ngo\"]}",
		GT_EINVAL, "name must not contain control characters");
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"new\",\"name\":\"N\",\"roles\":[\"ngo\"],\"website\":\"ftp://x\"}",
		GT_EINVAL, "website must be an http:// or https:// address");
	S_fails(&e, "auth.org", ADMIN, "[1]", GT_EINVAL, "expected a JSON object");
	cr_assert_eq(gt_log_size(e.svc.log), 1);
	S_env_done(&e);
}

Test(orgs, contact_stays_private)
{
	S_env e;
	S_env_init(&e, true);
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"hope\",\"name\":\"Hope Foundation\",\"roles\":[\"charity\"],"
			 "\"contact\":{\"name\":\"Zhang Xiaoming\",\"email\":\"Xiaoming.Zhang@"
			 "Mail.Example\",\"phone\":\"+86 138 0013 8000\"}}"));
	char ref[GT_PSEUDO_LEN + 1];
	cr_assert_eq(gt_pseudonym(e.svc.secret, "contact", "xiaoming.zhang@mail.example", ref), 0);

	gt_buf b = GT_BUF_INIT;
	S_entry(&e, 0, &b);
	char want[256];
	snprintf(want, sizeof(want), "\"contact_ref\":\"%s\"", ref);
	cr_assert(strstr((char *)b.data, want), "the entry carries the reference: %s",
		  (char *)b.data);
	cr_assert_null(strstr((char *)b.data, "\"contact\":"));

	/* Nowhere in any byte of the log. */
	gt_buf all = GT_BUF_INIT;
	S_log_bytes(&e, &all);
	cr_assert(S_has(&all, ref), "the scan sees the entries");
	static const char *const secret[] = {"Zhang Xiaoming",	  "Xiaoming",	  "Xiaoming.Zhang",
					     "xiaoming.zhang",	  "Mail.Example", "mail.example",
					     "+86 138 0013 8000", "138 0013"};
	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		cr_assert_not(S_has(&all, secret[i]), "\"%s\" is on the log", secret[i]);

	/* The private area has them; the public projection does not. */
	gt_store_conn *r;
	cr_assert_eq(gt_store_reader(e.svc.store, &r, NULL), 0);
	gt_stmt *st;
	cr_assert_eq(gt_stmt_open(r, GT_Q_PRIV_CONTACT_GET, &st, NULL), 0);
	gt_stmt_bind_text(st, 1, ref, (size_t)-1);
	cr_assert_eq(gt_stmt_step(st, NULL), 1);
	cr_assert_str_eq(gt_stmt_text(st, 1, NULL), "Zhang Xiaoming");
	cr_assert_str_eq(gt_stmt_text(st, 2, NULL), "Xiaoming.Zhang@Mail.Example");
	cr_assert_str_eq(gt_stmt_text(st, 3, NULL), "+86 138 0013 8000");
	cr_assert_eq(gt_stmt_i64(st, 4), 0, "keyed by the entry that introduced it");
	gt_stmt_close(st);
	gt_store_reader_done(r);
	gt_buf pub = GT_BUF_INIT, priv = GT_BUF_INIT;
	cr_assert_eq(gt_store_dump(e.svc.store, false, &pub, NULL), 0);
	cr_assert_eq(gt_store_dump(e.svc.store, true, &priv, NULL), 0);
	cr_assert(S_has(&pub, ref));
	cr_assert_not(S_has(&pub, "Xiaoming"));
	cr_assert(S_has(&priv, "Zhang Xiaoming"));

	/* Without an email the phone, then the name, is the identity. */
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"p2\",\"name\":\"P\",\"roles\":[\"ngo\"],"
			 "\"contact\":{\"name\":\"Li Lei\",\"phone\":\" 010-1234 \"}}"));
	cr_assert_eq(gt_pseudonym(e.svc.secret, "contact", "010-1234", ref), 0);
	S_entry(&e, 1, &b);
	cr_assert(strstr((char *)b.data, ref), "%s", (char *)b.data);
	/* An empty field counts as absent: the name is the identity here. */
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"p3\",\"name\":\"P\",\"roles\":[\"ngo\"],"
			 "\"contact\":{\"name\":\"Han Mei\",\"phone\":\"\",\"email\":\"\"}}"));
	cr_assert_eq(gt_pseudonym(e.svc.secret, "contact", "han mei", ref), 0);
	S_entry(&e, 2, &b);
	cr_assert(strstr((char *)b.data, ref), "%s", (char *)b.data);

	/* Bad contacts. */
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"c1\",\"name\":\"C\",\"roles\":[\"ngo\"],\"contact\":{}}", GT_EINVAL,
		"contact needs a name, an email or a phone");
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"c1\",\"name\":\"C\",\"roles\":[\"ngo\"],\"contact\":\"a@b\"}", GT_EINVAL,
		"contact must be an object {name, email, phone}");
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"c1\",\"name\":\"C\",\"roles\":[\"ngo\"],\"contact\":{\"email\":\"x\"}}",
		GT_EINVAL, "contact.email is not an e-mail address");
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"c1\",\"name\":\"C\",\"roles\":[\"ngo\"],\"contact\":{\"fax\":\"1\"}}",
		GT_EINVAL, "unknown field \"fax\"");
	S_fails(&e, "auth.org", ADMIN,
		"{\"id\":\"c1\",\"name\":\"C\",\"roles\":[\"ngo\"],\"contact\":{\"name\":\"  \"}}",
		GT_EINVAL, "contact details must not be blank");
	gt_buf_done(&b);
	gt_buf_done(&all);
	gt_buf_done(&pub);
	gt_buf_done(&priv);
	S_env_done(&e);
}

Test(orgs, update)
{
	S_env e;
	S_env_init(&e, true);
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"acme\",\"name\":\"Acme\",\"roles\":[\"manufacturer\"]}"));
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"beta\",\"name\":\"Beta\",\"roles\":[\"clinic\"],"
			 "\"website\":\"http://beta.example\"}"));
	/* Its own organisation. */
	json_t *r = S_ok(&e, "auth.org.update", "acme", "manufacturer",
			 "{\"id\":\"acme\",\"name\":\"Acme Pharma Ltd\"}");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "changed"), "name")),
			 "Acme Pharma Ltd");
	json_decref(r);
	char row[512];
	S_org_row(e.svc.store, "acme", row, sizeof(row));
	cr_assert_str_eq(row, "acme|Acme Pharma Ltd|manufacturer|NULL|NULL|0|2");
	gt_buf b = GT_BUF_INIT;
	S_entry(&e, 2, &b);
	cr_assert(strstr((char *)b.data, "\"data\":{\"id\":\"acme\",\"name\":\"Acme Pharma Ltd\"},"
					 "\"type\":\"auth.org.update\""),
		  "%s", (char *)b.data);

	/* Another organisation's: refused, whatever the role. */
	S_fails(&e, "auth.org.update", "acme", "manufacturer", "{\"id\":\"beta\",\"name\":\"X\"}",
		GT_EDENIED, "organisation acme may only change itself, not beta");
	/* Roles only by an administrator, even on itself. */
	S_fails(&e, "auth.org.update", "acme", "manufacturer",
		"{\"id\":\"acme\",\"roles\":[\"manufacturer\",\"admin\"]}", GT_EDENIED,
		"only administrators change an organisation's roles");
	/* Bad updates. */
	S_fails(&e, "auth.org.update", "acme", "manufacturer", "{\"id\":\"acme\"}", GT_EINVAL,
		"nothing to change: give name, website, contact or roles");
	S_fails(&e, "auth.org.update", ADMIN, "{\"id\":\"ghost\",\"name\":\"G\"}", GT_ENOTFOUND,
		"no organisation \"ghost\"");
	S_fails(&e, "auth.org.update", ADMIN, "{\"id\":\"acme\",\"website\":\"acme.example\"}",
		GT_EINVAL, "website must be an http:// or https:// address");
	S_fails(&e, "auth.org.update", ADMIN, "{\"id\":\"acme\",\"roles\":[\"boss\"]}", GT_EINVAL,
		"roles[0] is not a role*");
	S_fails(&e, "auth.org.update", ADMIN, "{\"id\":\"acme\",\"owner\":\"me\"}", GT_EINVAL,
		"unknown field \"owner\"");

	/* An administrator changes anything, roles included (sorted). */
	json_decref(S_ok(&e, "auth.org.update", ADMIN,
			 "{\"id\":\"beta\",\"roles\":[\"regulator\",\"clinic\"],"
			 "\"website\":\"https://beta.example\"}"));
	S_org_row(e.svc.store, "beta", row, sizeof(row));
	cr_assert_str_eq(row, "beta|Beta|clinic,regulator|https://beta.example|NULL|1|3");
	S_entry(&e, 3, &b);
	cr_assert(strstr((char *)b.data, "\"roles\":[\"clinic\",\"regulator\"]"), "%s",
		  (char *)b.data);
	/* A contact added later: private, referenced. */
	json_decref(S_ok(&e, "auth.org.update", "beta", "clinic",
			 "{\"id\":\"beta\",\"contact\":{\"email\":\"desk@beta.example\"}}"));
	char ref[GT_PSEUDO_LEN + 1], want[256];
	cr_assert_eq(gt_pseudonym(e.svc.secret, "contact", "desk@beta.example", ref), 0);
	snprintf(want, sizeof(want), "beta|Beta|clinic,regulator|https://beta.example|%s|1|4", ref);
	S_org_row(e.svc.store, "beta", row, sizeof(row));
	cr_assert_str_eq(row, want, "name, roles and website are kept");
	gt_buf all = GT_BUF_INIT;
	S_log_bytes(&e, &all);
	cr_assert_not(S_has(&all, "desk@"));
	gt_buf_done(&all);
	gt_buf_done(&b);
	S_env_done(&e);
}

/* ---- tokens through the ledger --------------------------------------------------- */

/* Create a token through the ledger; its secret and id. */
static void S_ledger_token(S_env *e, const char *org, const char *role, char tok[GT_TOKEN_LEN + 1],
			   char id[GT_TOKEN_ID_LEN + 1])
{
	char in[128];
	snprintf(in, sizeof(in), "{\"org\":\"%s\",\"role\":\"%s\",\"label\":\"ci\"}", org, role);
	gt_ledger_result res;
	int rc = S_cmd(e, "auth.token", ADMIN, in, &res);
	cr_assert_eq(rc, 0, "token: %s", res.msg);
	cr_assert_eq(res.count, 0, "no entry for a token");
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "org")), org);
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "role")), role);
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "created_at")), res.at);
	snprintf(tok, GT_TOKEN_LEN + 1, "%s",
		 json_string_value(json_object_get(res.reply, "token")));
	snprintf(id, GT_TOKEN_ID_LEN + 1, "%s",
		 json_string_value(json_object_get(res.reply, "id")));
	cr_assert_eq(strlen(tok), GT_TOKEN_LEN);
	json_decref(res.reply);
}

Test(tokens, through_the_ledger)
{
	S_env e;
	S_env_init(&e, true);
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"acme\",\"name\":\"Acme\",\"roles\":[\"manufacturer\"]}"));
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"beta\",\"name\":\"Beta\",\"roles\":[\"clinic\"]}"));
	char tok[GT_TOKEN_LEN + 1], id[GT_TOKEN_ID_LEN + 1];
	char tok2[GT_TOKEN_LEN + 1], id2[GT_TOKEN_ID_LEN + 1];
	S_ledger_token(&e, "acme", "manufacturer", tok, id);
	S_ledger_token(&e, "acme", "manufacturer", tok2, id2);
	cr_assert_eq(gt_log_size(e.svc.log), 2, "tokens never reach the log");
	gt_principal p;
	gt_error err = {0};
	cr_assert_eq(S_check(&e, tok, &p, &err), 0, "%s", err.msg);
	cr_assert_str_eq(p.org, "acme");
	cr_assert_str_eq(p.role, "manufacturer");

	/* Creation refused. */
	for (size_t r = 0; r + 1 < S_NROLES; r++)
		S_fails(&e, "auth.token", "acme", S_roles[r],
			"{\"org\":\"acme\",\"role\":\"manufacturer\"}", GT_EDENIED,
			"only administrators create tokens");
	S_fails(&e, "auth.token", ADMIN, "{\"org\":\"acme\",\"role\":\"clinic\"}", GT_EINVAL,
		"organisation acme does not have the role clinic (it has: manufacturer)");
	S_fails(&e, "auth.token", ADMIN, "{\"org\":\"nope\",\"role\":\"clinic\"}", GT_ENOTFOUND,
		"no organisation \"nope\"");
	S_fails(&e, "auth.token", ADMIN, "{\"org\":\"acme\"}", GT_EINVAL, "role is required");
	S_fails(&e, "auth.token", ADMIN,
		"{\"org\":\"acme\",\"role\":\"manufacturer\",\"scope\":\"all\"}", GT_EINVAL,
		"unknown field \"scope\"");

	/* Revocation: another organisation may not. */
	char in[64];
	snprintf(in, sizeof(in), "{\"id\":\"%s\"}", id);
	char msg[128];
	snprintf(msg, sizeof(msg), "token %s belongs to another organisation", id);
	S_fails(&e, "auth.token.revoke", "beta", "clinic", in, GT_EDENIED, msg);
	cr_assert_eq(S_check(&e, tok, &p, &err), 0, "still valid");
	/* Its own organisation may, once. */
	json_t *r = S_ok(&e, "auth.token.revoke", "acme", "manufacturer", in);
	cr_assert_str_eq(json_string_value(json_object_get(r, "id")), id);
	cr_assert_not_null(json_string_value(json_object_get(r, "revoked_at")));
	json_decref(r);
	cr_assert_eq(S_check(&e, tok, &p, &err), GT_EDENIED);
	cr_assert_str_eq(err.msg, "token revoked");
	cr_assert_eq(S_check(&e, tok2, &p, &err), 0, "the other token lives on");
	snprintf(msg, sizeof(msg), "token %s was already revoked at *", id);
	S_fails(&e, "auth.token.revoke", "acme", "manufacturer", in, GT_ESTATE, msg);
	S_fails(&e, "auth.token.revoke", ADMIN, in, GT_ESTATE, msg);
	/* An administrator may revoke any. */
	snprintf(in, sizeof(in), "{\"id\":\"%s\"}", id2);
	json_decref(S_ok(&e, "auth.token.revoke", ADMIN, in));
	cr_assert_eq(S_check(&e, tok2, &p, &err), GT_EDENIED);
	S_fails(&e, "auth.token.revoke", ADMIN, "{\"id\":\"0000000000000000\"}", GT_ENOTFOUND,
		"no token \"0000000000000000\"");
	S_fails(&e, "auth.token.revoke", ADMIN, "{\"id\":\"00000000000000000\"}", GT_EINVAL,
		"id must be a string of 1 to 16 bytes");
	cr_assert_eq(gt_log_size(e.svc.log), 2, "nothing on the log");

	/* The secrets are nowhere in the store or the log. */
	gt_buf d = GT_BUF_INIT, all = GT_BUF_INIT;
	cr_assert_eq(gt_store_dump(e.svc.store, true, &d, NULL), 0);
	S_log_bytes(&e, &all);
	const char *const secrets[] = {tok + 4 + GT_TOKEN_ID_LEN, tok2 + 4 + GT_TOKEN_ID_LEN};
	for (int i = 0; i < 2; i++) {
		cr_assert_not(S_has(&d, secrets[i]), "token secret in the store dump");
		cr_assert_not(S_has(&all, secrets[i]), "token secret in the log");
	}
	cr_assert_not(S_has(&all, id), "not even the token id is on the log");
	gt_buf_done(&d);
	gt_buf_done(&all);
	S_env_done(&e);
}

/* A token acts for its organisation in one of the organisation's roles: when
 * an administrator takes the role away, the token no longer authenticates. */
Test(tokens, role_withdrawn)
{
	S_env e;
	S_env_init(&e, true);
	json_decref(
		S_ok(&e, "auth.org", ADMIN,
		     "{\"id\":\"acme\",\"name\":\"Acme\",\"roles\":[\"manufacturer\",\"admin\"]}"));
	char adm[GT_TOKEN_LEN + 1], adm_id[GT_TOKEN_ID_LEN + 1];
	char man[GT_TOKEN_LEN + 1], man_id[GT_TOKEN_ID_LEN + 1];
	S_ledger_token(&e, "acme", "admin", adm, adm_id);
	S_ledger_token(&e, "acme", "manufacturer", man, man_id);
	gt_principal p;
	gt_error err = {0};
	cr_assert_eq(S_check(&e, adm, &p, &err), 0, "%s", err.msg);
	cr_assert_str_eq(p.role, "admin");

	json_decref(S_ok(&e, "auth.org.update", ADMIN,
			 "{\"id\":\"acme\",\"roles\":[\"manufacturer\"]}"));
	memset(&p, 0x55, sizeof(p));
	cr_assert_eq(S_check(&e, adm, &p, &err), GT_EDENIED, "a withdrawn role no longer acts");
	cr_assert_str_eq(err.msg, "organisation acme no longer has the role admin");
	cr_assert_eq(((unsigned char *)&p)[0], 0x55, "principal untouched");
	cr_assert_eq(S_check(&e, man, &p, &err), 0, "%s", err.msg);
	cr_assert_str_eq(p.role, "manufacturer");

	/* Given back, the token works again (it was never revoked). */
	json_decref(S_ok(&e, "auth.org.update", ADMIN,
			 "{\"id\":\"acme\",\"roles\":[\"manufacturer\",\"admin\"]}"));
	cr_assert_eq(S_check(&e, adm, &p, &err), 0, "%s", err.msg);
	S_env_done(&e);
}

/* ---- attestations ------------------------------------------------------------------ */

#define SHA_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA_B "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"

static void S_attest_row(gt_store *s, uint64_t idx, char *out, size_t n)
{
	gt_store_conn *r;
	cr_assert_eq(gt_store_reader(s, &r, NULL), 0);
	gt_stmt *st;
	cr_assert_eq(gt_stmt_open(r, GT_Q_ATTEST_GET, &st, NULL), 0);
	gt_stmt_bind_i64(st, 1, (int64_t)idx);
	if (gt_stmt_step(st, NULL) == 1)
		snprintf(out, n, "%lld|%s|%s|%s|%s", (long long)gt_stmt_i64(st, 0),
			 gt_stmt_text(st, 1, NULL), gt_stmt_text(st, 2, NULL),
			 gt_stmt_text(st, 3, NULL),
			 gt_stmt_is_null(st, 4) ? "NULL" : gt_stmt_text(st, 4, NULL));
	else
		snprintf(out, n, "none");
	gt_stmt_close(st);
	gt_store_reader_done(r);
}

Test(attest, single)
{
	S_env e;
	S_env_init(&e, true);
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"acme\",\"name\":\"Acme\",\"roles\":[\"manufacturer\"]}"));
	json_t *r =
		S_ok(&e, "org.attest", "acme", "manufacturer",
		     "{\"sha256\":\"" SHA_A "\",\"kind\":\"annual-report\",\"title\":\"2026\"}");
	cr_assert_eq(json_integer_value(json_object_get(r, "index")), 1);
	json_decref(r);
	char row[256];
	S_attest_row(e.svc.store, 1, row, sizeof(row));
	cr_assert_str_eq(row, "1|acme|" SHA_A "|annual-report|2026");
	gt_buf b = GT_BUF_INIT;
	S_entry(&e, 1, &b);
	cr_assert(
		strstr((char *)b.data,
		       "\"by\":\"org:acme\",\"data\":{\"kind\":\"annual-report\",\"sha256\":\"" SHA_A
		       "\",\"title\":\"2026\"},\"type\":\"org.attest\",\"v\":1}"),
		"%s", (char *)b.data);
	gt_buf_done(&b);
	json_decref(S_ok(&e, "org.attest", "acme", "clinic",
			 "{\"sha256\":\"" SHA_B "\",\"kind\":\"x1\"}"));
	S_attest_row(e.svc.store, 2, row, sizeof(row));
	cr_assert_str_eq(row, "2|acme|" SHA_B "|x1|NULL");

	S_fails(&e, "org.attest", NULL, NULL, "{\"sha256\":\"" SHA_A "\",\"kind\":\"k\"}",
		GT_EDENIED, "attestations are made by organisations");
	S_fails(&e, "org.attest", "acme", "clinic", "{\"sha256\":\"abc\",\"kind\":\"k\"}",
		GT_EINVAL, "sha256 must be a string of 64 to 64 bytes");
	S_fails(&e, "org.attest", "acme", "clinic",
		"{\"sha256\":\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\","
		"\"kind\":\"k\"}",
		GT_EINVAL, "sha256 must be 64 lower-case hex digits");
	S_fails(&e, "org.attest", "acme", "clinic", "{\"sha256\":\"" SHA_A "\",\"kind\":\"A B\"}",
		GT_EINVAL, "kind must be lower-case letters, digits and '-'");
	S_fails(&e, "org.attest", "acme", "clinic", "{\"sha256\":\"" SHA_A "\"}", GT_EINVAL,
		"kind is required");
	S_fails(&e, "org.attest", "acme", "clinic",
		"{\"sha256\":\"" SHA_A "\",\"kind\":\"k\",\"title\":\"a\\u0007\"}", GT_EINVAL,
		"title must not contain control characters");
	S_fails(&e, "org.attest", "acme", "clinic",
		"{\"sha256\":\"" SHA_A "\",\"kind\":\"k\",\"url\":\"x\"}", GT_EINVAL,
		"unknown field \"url\"");
	S_env_done(&e);
}

/* {"items":[...]} of n items; item bad (if < n) has an upper-case digest. */
static char *S_items(size_t n, size_t bad)
{
	gt_buf b = GT_BUF_INIT;
	cr_assert_eq(gt_buf_addstr(&b, "{\"items\":["), 0);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(gt_buf_addf(&b, "%s{\"sha256\":\"%064zx\",\"kind\":\"%s\"}",
					 i ? "," : "", i + 1, i == bad ? "Bad" : "receipt"),
			     0);
	cr_assert_eq(gt_buf_addstr(&b, "]}"), 0);
	return (char *)b.data;
}

Test(attest, batch_all_or_nothing)
{
	S_env e;
	S_env_init(&e, true);
	json_decref(S_ok(&e, "auth.org", ADMIN,
			 "{\"id\":\"hope\",\"name\":\"Hope\",\"roles\":[\"charity\"]}"));
	char *in = S_items(3, 99);
	json_t *r = S_ok(&e, "org.attest", "hope", "charity", in);
	free(in);
	cr_assert_eq(json_integer_value(json_object_get(r, "first")), 1);
	cr_assert_eq(json_integer_value(json_object_get(r, "count")), 3);
	json_decref(r);
	cr_assert_eq(gt_log_size(e.svc.log), 4);
	char row[256];
	S_attest_row(e.svc.store, 3, row, sizeof(row));
	cr_assert_str_eq(row, "3|hope|"
			      "0000000000000000000000000000000000000000000000000000000000000003"
			      "|receipt|NULL");

	/* One bad item: nothing, and the message names it. */
	in = S_items(5, 3);
	S_fails(&e, "org.attest", "hope", "charity", in, GT_EINVAL,
		"items[3]: kind must be lower-case letters, digits and '-'");
	free(in);
	S_fails(&e, "org.attest", "hope", "charity",
		"{\"items\":[{\"sha256\":\"" SHA_A "\",\"kind\":\"k\"},7]}", GT_EINVAL,
		"items[1]: expected an object");
	S_fails(&e, "org.attest", "hope", "charity",
		"{\"items\":[{\"sha256\":\"" SHA_A "\",\"kind\":\"k\",\"extra\":1}]}", GT_EINVAL,
		"items[0]: unknown field \"extra\"");
	S_fails(&e, "org.attest", "hope", "charity", "{\"items\":[]}", GT_EINVAL,
		"items must be a non-empty array of attestations");
	S_fails(&e, "org.attest", "hope", "charity", "{\"items\":{}}", GT_EINVAL,
		"items must be a non-empty array of attestations");
	S_fails(&e, "org.attest", "hope", "charity",
		"{\"items\":[{\"sha256\":\"" SHA_A "\",\"kind\":\"k\"}],\"kind\":\"k\"}", GT_EINVAL,
		"items must be a non-empty array of attestations");

	/* The limit: 1000 at once, not 1001. */
	in = S_items(1001, 2000);
	S_fails(&e, "org.attest", "hope", "charity", in, GT_ETOOBIG,
		"a batch holds at most 1000 attestations, not 1001");
	free(in);
	in = S_items(1000, 2000);
	r = S_ok(&e, "org.attest", "hope", "charity", in);
	free(in);
	cr_assert_eq(json_integer_value(json_object_get(r, "first")), 4);
	cr_assert_eq(json_integer_value(json_object_get(r, "count")), 1000);
	json_decref(r);
	cr_assert_eq(gt_log_size(e.svc.log), 1004);
	S_attest_row(e.svc.store, 1003, row, sizeof(row));
	cr_assert_str_eq(row, "1003|hope|"
			      "00000000000000000000000000000000000000000000000000000000000003e8"
			      "|receipt|NULL");
	S_env_done(&e);
}

/* ---- rebuild ---------------------------------------------------------------------------- */

Test(rebuild, replay_gives_the_same_projection)
{
	S_env e;
	S_env_init(&e, true);
	json_decref(
		S_ok(&e, "auth.org", ADMIN,
		     "{\"id\":\"acme\",\"name\":\"Acme\",\"roles\":[\"manufacturer\",\"admin\"],"
		     "\"contact\":{\"email\":\"a@acme.example\"}}"));
	json_decref(S_ok(&e, "auth.org", NULL, NULL,
			 "{\"id\":\"beta\",\"name\":\"Beta 贝塔\",\"roles\":[\"clinic\"],"
			 "\"website\":\"https://beta.example\"}"));
	json_decref(
		S_ok(&e, "auth.org.update", "beta", "clinic",
		     "{\"id\":\"beta\",\"name\":\"Beta Clinic\",\"contact\":{\"name\":\"Wang\"}}"));
	json_decref(S_ok(&e, "auth.org.update", ADMIN,
			 "{\"id\":\"acme\",\"roles\":[\"regulator\",\"manufacturer\"]}"));
	char tok[GT_TOKEN_LEN + 1], id[GT_TOKEN_ID_LEN + 1];
	S_ledger_token(&e, "beta", "clinic", tok, id);
	json_decref(S_ok(&e, "org.attest", "beta", "clinic",
			 "{\"sha256\":\"" SHA_A "\",\"kind\":\"licence\",\"title\":\"执照\"}"));
	char *in = S_items(20, 99);
	json_decref(S_ok(&e, "org.attest", "acme", "manufacturer", in));
	free(in);
	S_fails(&e, "auth.org", ADMIN, "{\"id\":\"beta\",\"name\":\"B\",\"roles\":[\"ngo\"]}",
		GT_EEXIST, "organisation \"beta\" already exists");

	gt_buf live = GT_BUF_INIT, rebuilt = GT_BUF_INIT;
	cr_assert_eq(gt_store_dump(e.svc.store, false, &live, NULL), 0);
	cr_assert(S_has(&live, "Beta Clinic"));
	cr_assert(S_has(&live, "regulator"));
	gt_ledger_free(e.ledger);
	e.ledger = NULL;

	char *fresh = tu_join(e.svc.root, "fresh.db");
	gt_store *f = tu_store_open(fresh);
	gt_error err = {0};
	cr_assert_eq(gt_ledger_replay(e.svc.log, f, S_modules, 1, NULL, NULL, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(gt_store_dump(f, false, &rebuilt, NULL), 0);
	cr_assert_str_eq((char *)rebuilt.data, (char *)live.data,
			 "the projection is a function of the log");
	gt_store_free(f);
	free(fresh);
	gt_buf_done(&live);
	gt_buf_done(&rebuilt);
	S_env_done(&e);
}
