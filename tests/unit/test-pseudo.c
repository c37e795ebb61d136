/* Unit tests for src/core/pseudo.c: pseudonymous references (HMAC-SHA-256
 * of a normalised identifier) and the secret file. */
#include <criterion/criterion.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/pseudo.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The key 00 01 02 ... 1f. */
static void S_key(uint8_t key[GT_PSEUDO_KEY_LEN])
{
	for (int i = 0; i < GT_PSEUDO_KEY_LEN; i++)
		key[i] = (uint8_t)i;
}

static void S_ref(const uint8_t *key, const char *kind, const char *ident,
		  char out[GT_PSEUDO_LEN + 1])
{
	memset(out, '#', GT_PSEUDO_LEN + 1);
	cr_assert_eq(gt_pseudonym(key, kind, ident, out), 0, "pseudonym(%s, \"%s\")", kind, ident);
}

/* ---- known answers ---------------------------------------------------------
 * Computed independently with Python's standard library:
 *   hmac.new(bytes(range(32)), b"contact:alice@example.org", hashlib.sha256).hexdigest()
 * and likewise for the other messages. */

Test(pseudonym, known_answers)
{
	uint8_t key[GT_PSEUDO_KEY_LEN];
	char out[GT_PSEUDO_LEN + 1];
	S_key(key);
	S_ref(key, "contact", "alice@example.org", out);
	cr_assert_str_eq(out, "contact:"
			      "a15418bff68644a9c9b6a1e2a4a73b26021862c353c84c3826e37b2066f27b08");
	/* Internal spaces are kept; only surrounding ones go. */
	S_ref(key, "donor", " +86 138 0013 8000\t", out);
	cr_assert_str_eq(out, "donor:"
			      "40678d7a156c72398b3809ddddd33ad095132385da31d76ac89b2f23a684d559");
	/* A long identifier (message over any small stack buffer):
	 * b"donor:" + b"a" * 1000. */
	char *longid = malloc(1001);
	cr_assert_not_null(longid);
	memset(longid, 'A', 1000);
	longid[1000] = 0;
	S_ref(key, "donor", longid, out);
	cr_assert_str_eq(out, "donor:"
			      "bc362aae6b61d5709969f5189aea38cff7578b535e5e4f363154844562f26f85");
	free(longid);
}

Test(pseudonym, shape)
{
	uint8_t key[GT_PSEUDO_KEY_LEN];
	char out[GT_PSEUDO_LEN + 1];
	S_key(key);
	S_ref(key, "abcdefghijklmno", "x", out); /* the longest kind: 15 letters */
	cr_assert_eq(strlen(out), GT_PSEUDO_LEN);
	cr_assert_eq(memcmp(out, "abcdefghijklmno:", 16), 0);
	for (size_t i = 16; i < GT_PSEUDO_LEN; i++)
		cr_assert(strchr("0123456789abcdef", out[i]) && out[i], "lower-case hex: %s", out);
	S_ref(key, "a", "x", out);
	cr_assert_eq(strlen(out), 2 + 64);
}

Test(pseudonym, deterministic_and_separated)
{
	uint8_t key[GT_PSEUDO_KEY_LEN], other[GT_PSEUDO_KEY_LEN];
	char a[GT_PSEUDO_LEN + 1], b[GT_PSEUDO_LEN + 1];
	S_key(key);
	memcpy(other, key, sizeof(other));
	other[31] ^= 1;

	S_ref(key, "donor", "bob@example.org", a);
	S_ref(key, "donor", "bob@example.org", b);
	cr_assert_str_eq(a, b, "same key, kind and identifier: same reference");

	S_ref(key, "contact", "bob@example.org", b);
	cr_assert_str_neq(a + 6, b + 8, "another kind gives another HMAC, not just a prefix");

	S_ref(other, "donor", "bob@example.org", b);
	cr_assert_str_neq(a, b, "another secret gives another reference");

	S_ref(key, "donor", "bob@example.com", b);
	cr_assert_str_neq(a, b, "another identifier gives another reference");
}

Test(pseudonym, normalised)
{
	uint8_t key[GT_PSEUDO_KEY_LEN];
	char a[GT_PSEUDO_LEN + 1], b[GT_PSEUDO_LEN + 1];
	S_key(key);
	S_ref(key, "contact", "alice@example.org", a);
	static const char *const same[] = {
		"Alice@Example.ORG",
		"  alice@example.org",
		"alice@example.org \t\r\n",
		"\n ALICE@EXAMPLE.ORG\v\f",
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		S_ref(key, "contact", same[i], b);
		cr_assert_str_eq(a, b, "\"%s\" normalises to alice@example.org", same[i]);
	}
	static const char *const differ[] = {
		"alice @example.org", /* inner space kept */
		"alice@example.org.",
		"alice",
	};
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		S_ref(key, "contact", differ[i], b);
		cr_assert_str_neq(a, b, "\"%s\" is another identifier", differ[i]);
	}
	/* Only ASCII letters are lowered: bytes of UTF-8 stay as they are. */
	S_ref(key, "contact", "ÉCOLE", a);
	S_ref(key, "contact", "École", b);
	cr_assert_str_eq(a, b);
	S_ref(key, "contact", "école", b);
	cr_assert_str_neq(a, b);
}

Test(pseudonym, bad_kind_or_identifier)
{
	uint8_t key[GT_PSEUDO_KEY_LEN];
	char out[GT_PSEUDO_LEN + 1];
	S_key(key);
	static const char *const kinds[] = {
		"",	    "Contact",	"con tact", "contact1",
		"con-tact", "con:tact", "kindé",    "abcdefghijklmnop", /* 16 letters */
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		cr_assert_eq(gt_pseudonym(key, kinds[i], "x", out), GT_EINVAL, "kind \"%s\"",
			     kinds[i]);
	cr_assert_eq(gt_pseudonym(key, NULL, "x", out), GT_EINVAL);
	cr_assert_eq(gt_pseudonym(key, "donor", "", out), GT_EINVAL, "empty identifier");
	cr_assert_eq(gt_pseudonym(key, "donor", " \t\n ", out), GT_EINVAL, "blank identifier");
	cr_assert_eq(gt_pseudonym(key, "donor", NULL, out), GT_EINVAL);
}

/* ---- the secret file --------------------------------------------------------- */

Test(secret, created_0600_with_32_bytes_and_reloaded)
{
	char *dir = tu_tmpdir("pseudo");
	char *path = tu_join(dir, "pseudonym.key");
	uint8_t k1[GT_PSEUDO_KEY_LEN], k2[GT_PSEUDO_KEY_LEN], k3[GT_PSEUDO_KEY_LEN];
	gt_error err = {0};

	/* Without create, a missing file is an error. */
	cr_assert_eq(gt_pseudo_key_load(path, false, k1, &err), GT_ENOTFOUND, "%s", err.msg);
	cr_assert(strstr(err.msg, "pseudonym secret"), "%s", err.msg);
	cr_assert_not(tu_exists(dir, "pseudonym.key"));

	cr_assert_eq(gt_pseudo_key_load(path, true, k1, &err), 0, "%s", err.msg);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_size, GT_PSEUDO_KEY_LEN);
	gt_buf b = GT_BUF_INIT;
	tu_read_path(path, &b);
	cr_assert_eq(memcmp(b.data, k1, GT_PSEUDO_KEY_LEN), 0, "the file holds the key");
	gt_buf_done(&b);

	/* Reloaded (with or without create) it is the same key, and the file
	 * is not replaced. */
	cr_assert_eq(gt_pseudo_key_load(path, false, k2, &err), 0, "%s", err.msg);
	cr_assert_eq(memcmp(k1, k2, sizeof(k1)), 0);
	cr_assert_eq(gt_pseudo_key_load(path, true, k3, &err), 0, "%s", err.msg);
	cr_assert_eq(memcmp(k1, k3, sizeof(k1)), 0);

	/* A second secret elsewhere is another key. */
	char *path2 = tu_join(dir, "other.key");
	cr_assert_eq(gt_pseudo_key_load(path2, true, k2, &err), 0, "%s", err.msg);
	cr_assert_neq(memcmp(k1, k2, sizeof(k1)), 0, "fresh random secrets differ");
	static const uint8_t zero[GT_PSEUDO_KEY_LEN] = {0};
	cr_assert_neq(memcmp(k1, zero, sizeof(k1)), 0);

	free(path2);
	free(path);
	tu_rmrf(dir);
	free(dir);
}

Test(secret, wrong_size_refused)
{
	char *dir = tu_tmpdir("pseudo");
	char *path = tu_join(dir, "pseudonym.key");
	uint8_t data[64], key[GT_PSEUDO_KEY_LEN];
	memset(data, 0x5a, sizeof(data));
	static const size_t sizes[] = {0, 1, 31, 33, 64};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		tu_write(dir, "pseudonym.key", data, sizes[i]);
		cr_assert_eq(chmod(path, 0600), 0);
		memset(key, 0, sizeof(key));
		gt_error err = {0};
		/* create does not replace an existing (bad) file either */
		for (int create = 0; create < 2; create++) {
			cr_assert_eq(gt_pseudo_key_load(path, create, key, &err), GT_ECORRUPT,
				     "%zu bytes", sizes[i]);
			cr_assert(strstr(err.msg, "must hold exactly 32 bytes"), "%s", err.msg);
		}
		gt_buf b = GT_BUF_INIT;
		tu_read_path(path, &b);
		cr_assert_eq(b.len, sizes[i], "the bad file is left alone");
		gt_buf_done(&b);
	}
	/* Exactly 32 bytes: that key, but only while no other user may read it. */
	tu_write(dir, "pseudonym.key", data, 32);
	cr_assert_eq(chmod(path, 0644), 0);
	gt_error perr = {0};
	cr_assert_eq(gt_pseudo_key_load(path, false, key, &perr), GT_EDENIED);
	cr_assert(strstr(perr.msg, "readable by other users (mode 644)"), "%s", perr.msg);
	cr_assert_eq(chmod(path, 0600), 0);
	cr_assert_eq(gt_pseudo_key_load(path, false, key, NULL), 0);
	cr_assert_eq(memcmp(key, data, 32), 0);

	/* A missing directory cannot hold a new secret. */
	char *nodir = tu_join(dir, "missing/pseudonym.key");
	gt_error err = {0};
	cr_assert_lt(gt_pseudo_key_load(nodir, true, key, &err), 0);
	cr_assert(err.msg[0]);
	free(nodir);
	free(path);
	tu_rmrf(dir);
	free(dir);
}
