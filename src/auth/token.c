/* API tokens: created with 256 random bits, kept only as a SHA-256, found
 * by id and compared in constant time, revocable. */
#include "auth/auth.h"
#include "core/base64.h"
#include "auth/auth_int.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

static int S_sha256_hex(const char *s, char out[65])
{
	uint8_t md[32];
	unsigned int n = 0;
	if (EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return GT_ECRYPTO;
	gt_hex_encode(md, 32, out);
	return 0;
}

static bool S_is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int gt_auth_secret_for(const char *prefix, const char id[GT_TOKEN_ID_LEN + 1],
		       char token[GT_TOKEN_LEN + 1], char hash[65], gt_error *err)
{
	static const char b64url[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint8_t rnd[32];
	char secret[44];
	if (strlen(prefix) != 2)
		return gt_fail(err, GT_EINVAL, "a secret's prefix has two letters");
	if (strlen(id) != GT_TOKEN_ID_LEN || !S_is_hex(id, GT_TOKEN_ID_LEN))
		return gt_fail(err, GT_EINVAL, "a secret's id is %d hex digits", GT_TOKEN_ID_LEN);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return gt_fail(err, GT_ECRYPTO, "no randomness for a secret");
	/* 32 bytes -> 43 base64url characters (256 bits; the last carries 4). */
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < 32; i++) {
		acc = (acc << 8) | rnd[i];
		bits += 8;
		while (bits >= 6) {
			secret[o++] = b64url[(acc >> (bits - 6)) & 63];
			bits -= 6;
		}
	}
	secret[o++] = b64url[(acc << (6 - bits)) & 63];
	secret[o] = 0;
	snprintf(token, GT_TOKEN_LEN + 1, "%s_%s_%s", prefix, id, secret);
	OPENSSL_cleanse(rnd, sizeof(rnd));
	OPENSSL_cleanse(secret, sizeof(secret));
	if (S_sha256_hex(token, hash) < 0) {
		OPENSSL_cleanse(token, GT_TOKEN_LEN + 1);
		return gt_fail(err, GT_ECRYPTO, "cannot hash the secret");
	}
	return 0;
}

int gt_auth_secret_new(const char *prefix, char id[GT_TOKEN_ID_LEN + 1],
		       char token[GT_TOKEN_LEN + 1], char hash[65], gt_error *err)
{
	uint8_t rnd[GT_TOKEN_ID_LEN / 2];
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return gt_fail(err, GT_ECRYPTO, "no randomness for a secret");
	gt_hex_encode(rnd, sizeof(rnd), id);
	return gt_auth_secret_for(prefix, id, token, hash, err);
}

int gt_auth_secret_parse(const char *token, const char *prefix, char id[GT_TOKEN_ID_LEN + 1],
			 char hash[65], gt_error *err)
{
	size_t n = token ? strlen(token) : 0;
	if (n != GT_TOKEN_LEN || strncmp(token, prefix, 2) != 0 || token[2] != '_' ||
	    token[3 + GT_TOKEN_ID_LEN] != '_' || !S_is_hex(token + 3, GT_TOKEN_ID_LEN))
		return gt_fail(err, GT_EDENIED, "malformed token");
	memcpy(id, token + 3, GT_TOKEN_ID_LEN);
	id[GT_TOKEN_ID_LEN] = 0;
	if (S_sha256_hex(token, hash) < 0)
		return gt_fail(err, GT_ECRYPTO, "cannot hash the token");
	return 0;
}

bool gt_auth_secret_match(const char *stored, const char hash[65])
{
	/* Compare even when nothing is stored, so that timing tells nothing. */
	static const char zero[65] = {0};
	bool ok = stored && strlen(stored) == 64;
	return CRYPTO_memcmp(ok ? stored : zero, hash, 64) == 0 && ok;
}

int gt_auth_token_create(gt_store_conn *c, const char *org, const char *role, const char *label,
			 const char *at, char token_out[GT_TOKEN_LEN + 1],
			 char id_out[GT_TOKEN_ID_LEN + 1], gt_error *err)
{
	if (!gt_role_valid(role))
		return gt_fail(err, GT_EINVAL,
			       "role must be one of the roles of goodtrace, not \"%.32s\"",
			       role ? role : "");
	if (label && strlen(label) > GT_LABEL_MAX)
		return gt_fail(err, GT_EINVAL, "label must be at most %d bytes", GT_LABEL_MAX);
	gt_org_info o;
	int rc = gt_org_load(c, org, &o, err);
	if (rc < 0)
		return rc;
	if (!gt_org_has_role(&o, role))
		return gt_fail(err, GT_EINVAL,
			       "organisation %s does not have the role %s (it has: %s)", org, role,
			       o.roles);
	char id[GT_TOKEN_ID_LEN + 1], token[GT_TOKEN_LEN + 1], hash[65];
	if ((rc = gt_auth_secret_new("gt", id, token, hash, err)) < 0)
		return rc;
	int64_t r = gt_store_exec(c, GT_Q_TOKEN_PUT, err, "tttttt", id, hash, org, role, label, at);
	if (r < 0) {
		OPENSSL_cleanse(token, sizeof(token));
		return (int)r;
	}
	memcpy(token_out, token, sizeof(token));
	memcpy(id_out, id, sizeof(id));
	OPENSSL_cleanse(token, sizeof(token));
	return 0;
}

int gt_auth_check_token(gt_store_conn *c, const char *token, gt_principal *ret, gt_error *err)
{
	char id[GT_TOKEN_ID_LEN + 1], hash[65];
	int rc = gt_auth_secret_parse(token, "gt", id, hash, err);
	if (rc < 0)
		return rc;
	gt_stmt *st;
	rc = gt_stmt_open(c, GT_Q_TOKEN_AUTH, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc < 0)
		goto out;
	if (!gt_auth_secret_match(rc == 1 ? gt_stmt_text(st, 0, NULL) : NULL, hash)) {
		rc = gt_fail(err, GT_EDENIED, "unknown token");
		goto out;
	}
	if (!gt_stmt_is_null(st, 3)) {
		rc = gt_fail(err, GT_EDENIED, "token revoked");
		goto out;
	}
	gt_principal p;
	snprintf(p.org, sizeof(p.org), "%s", gt_stmt_text(st, 1, NULL));
	snprintf(p.role, sizeof(p.role), "%s", gt_stmt_text(st, 2, NULL));
	memcpy(p.token_id, id, sizeof(id));
	gt_stmt_close(st);
	/* The organisation may have lost the role since (auth.org.update). */
	gt_org_info o;
	gt_error oerr = {0};
	rc = gt_org_load(c, p.org, &o, &oerr);
	if (rc == GT_ENOTFOUND || (rc == 0 && !gt_org_has_role(&o, p.role)))
		return gt_fail(err, GT_EDENIED, "organisation %s no longer has the role %s", p.org,
			       p.role);
	if (rc < 0)
		return gt_fail(err, rc, "%s", oerr.msg);
	*ret = p;
	return 0;
out:
	gt_stmt_close(st);
	return rc;
}
