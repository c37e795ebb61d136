/* Organisations, roles and API tokens.
 *
 * Organisations are public (entries "auth.org", "auth.org.update" on the
 * log); each has one or more roles. A token acts for one organisation in one
 * of its roles. Tokens are secrets: "gt_<id>_<secret>" where id is 16 hex
 * digits and secret 43 base64url characters (256 random bits). Only the
 * SHA-256 of the whole token is kept (private area), found by id and
 * compared in constant time. Tokens never appear on the log.
 *
 * The role matrix (which role may do which action) is in roles.c, and
 * nowhere else. */
#ifndef GT_AUTH_AUTH_H
#define GT_AUTH_AUTH_H

#include "core/error.h"
#include "ledger/ledger.h"
#include "store/store.h"

#include <stdbool.h>

#define GT_ORG_ID_MAX 40 /* [a-z0-9][a-z0-9-]{1,39} */
#define GT_ROLE_MAX 15
#define GT_TOKEN_ID_LEN 16 /* hex digits */
#define GT_TOKEN_LEN (3 + GT_TOKEN_ID_LEN + 1 + 43)

/* ---- roles and the matrix ------------------------------------------------ */

/* Whether name is one of the roles of DESIGN.md: regulator, manufacturer,
 * distributor, clinic, charity, ngo, sponsor, planter, publisher, processor (a
 * payment processor recording donations), app (a partner app reporting its
 * users' low-carbon actions), admin. */
bool gt_role_valid(const char *name);
/* The roles, NULL-terminated, in a stable order (for help and errors). */
extern const char *const gt_roles[];

/* The role of a volunteer acting with their personal key (a person, not an
 * organisation: not one of gt_roles, and "*" in the matrix excludes it). */
#define GT_ROLE_VOLUNTEER "volunteer"
/* The role of a person in the green programme acting with their key (the
 * same: a person, never in "*"). */
#define GT_ROLE_USER "user"

/* Whether role may perform action (e.g. "org.create"). Unknown actions are
 * never allowed. Actions are listed with their roles in roles.c. */
bool gt_auth_allowed(const char *action, const char *role);
/* Whether action is known to the matrix (for the route table's test). */
bool gt_auth_action_known(const char *action);
/* The roles allowed for action, comma-separated, into out (for errors). */
void gt_auth_allowed_roles(const char *action, char *out, size_t outlen);

/* ---- tokens ---------------------------------------------------------------- */

/* Who a request acts for. */
typedef struct gt_principal {
	char org[GT_ORG_ID_MAX + 1];
	char role[GT_ROLE_MAX + 1];
	char token_id[GT_TOKEN_ID_LEN + 1];
} gt_principal;

/* Check a bearer token on any connection. 0 and *ret filled; GT_EDENIED with
 * a message ("unknown token", "token revoked", "malformed token",
 * "organisation <id> no longer has the role <role>") when it does not
 * authenticate. */
int gt_auth_check_token(gt_store_conn *c, const char *token, gt_principal *ret, gt_error *err);

/* Create a token for org (which must exist and hold role) on the writer
 * inside a transaction (the sequencer's, or the caller's own). at is the
 * creation time (RFC 3339). token_out receives the secret token (shown once),
 * id_out its id. */
int gt_auth_token_create(gt_store_conn *c, const char *org, const char *role, const char *label,
			 const char *at, char token_out[GT_TOKEN_LEN + 1],
			 char id_out[GT_TOKEN_ID_LEN + 1], gt_error *err);

/* Secrets of the token's form, for other kinds of bearer (volunteers' keys):
 * "<prefix>_<16 hex id>_<43 base64url>" (prefix two letters), 256 random
 * bits. gt_auth_secret_new makes one with a new random id and the hex SHA-256 to
 * keep; gt_auth_secret_parse checks the form (GT_EDENIED "malformed token")
 * and gives the id and the hash; gt_auth_secret_match compares a stored
 * hash (NULL: none) in constant time. */
int gt_auth_secret_new(const char *prefix, char id[GT_TOKEN_ID_LEN + 1],
		       char token[GT_TOKEN_LEN + 1], char hash[65], gt_error *err);
/* A new secret for an existing id (a key replaced). */
int gt_auth_secret_for(const char *prefix, const char id[GT_TOKEN_ID_LEN + 1],
		       char token[GT_TOKEN_LEN + 1], char hash[65], gt_error *err);
int gt_auth_secret_parse(const char *token, const char *prefix, char id[GT_TOKEN_ID_LEN + 1],
			 char hash[65], gt_error *err);
bool gt_auth_secret_match(const char *stored, const char hash[65]);

/* ---- the module -------------------------------------------------------------
 * Entry types / commands:
 *   auth.org         create an organisation (admin): {"id","name","roles":[..],
 *                    "website"?, "contact"?: {"name"?,"email"?,"phone"?}}; the
 *                    contact is kept private, the entry carries "contact_ref".
 *   auth.org.update  change name/website/contact (admin, or the org itself):
 *                    {"id", "name"?, "website"?, "contact"?}
 *   auth.token       create a token (admin): {"org","role","label"?}; private
 *                    only, no entry. Reply {"id","token","org","role"}.
 *   auth.token.revoke  revoke (admin, or the token's own org): {"id"}; private only.
 *   org.attest       publish a document's SHA-256 (any organisation role):
 *                    {"sha256","kind","title"?} or {"items":[...]} (up to
 *                    GT_ATTEST_BATCH_MAX, all or nothing). */
#define GT_ATTEST_BATCH_MAX 1000
extern const gt_module gt_auth_module;

#endif
