/* C2SP signed notes: Ed25519 note keys, key text, signing and verification. */
#include "log/note.h"
#include "core/base64.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define S_ALG_ED25519 0x01
#define S_KEY_LEN 32	       /* Ed25519 public key and seed */
#define S_SIG_LEN 64	       /* Ed25519 signature */
#define S_KEYDATA_B64 44       /* base64 of 0x01 || 32 bytes */
#define S_SIGDATA_B64 92       /* base64 of 4-byte id || 64-byte signature */
#define S_DASH "\xe2\x80\x94 " /* em dash U+2014 and a space: a signature line */
#define S_DASH_LEN 4
#define S_SKEY_PREFIX "PRIVATE+KEY+"
#define S_SKEY_PREFIX_LEN 12

struct gt_verifier {
	char name[GT_NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t pub[S_KEY_LEN];
	EVP_PKEY *pkey;
};

struct gt_signer {
	char name[GT_NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t seed[S_KEY_LEN];
	uint8_t pub[S_KEY_LEN];
	EVP_PKEY *pkey;
};

/* Decode one UTF-8 sequence at p (n > 0 bytes available). Returns its length
 * and sets *cp, or 0 for an invalid, overlong, surrogate or truncated one. */
static size_t S_utf8_next(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint8_t c = p[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Unicode White_Space code points (what Go's unicode.IsSpace accepts). */
static bool S_is_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* A key name: 1..GT_NOTE_NAME_MAX bytes of UTF-8 without spaces, '+' or
 * ASCII control characters (which no note could carry). */
static bool S_name_valid(const char *name, size_t n)
{
	const uint8_t *p = (const uint8_t *)name;
	if (n == 0 || n > GT_NOTE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = S_utf8_next(p + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || cp == 0x7f || cp == '+' || S_is_space(cp))
			return false;
		i += k;
	}
	return true;
}

/* Check note text: non-empty, ends in '\n', UTF-8, no control bytes but '\n'. */
static int S_text_check(const char *text, size_t len, gt_error *err)
{
	const uint8_t *p = (const uint8_t *)text;
	if (len == 0 || p[len - 1] != '\n')
		return gt_fail(err, GT_EINVAL, "note text does not end in a newline");
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = S_utf8_next(p + i, len - i, &cp);
		if (k == 0)
			return gt_fail(err, GT_EINVAL, "note text is not valid UTF-8 at byte %zu",
				       i);
		if (cp < 0x20 && cp != '\n')
			return gt_fail(err, GT_EINVAL,
				       "note text has control character 0x%02" PRIx32
				       " at byte %zu",
				       cp, i);
		i += k;
	}
	return 0;
}

static uint32_t S_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* key ID = SHA-256(name || 0x0A || 0x01 || pub)[:4], big-endian. */
static int S_key_id(const char *name, size_t n, const uint8_t pub[S_KEY_LEN], uint32_t *ret)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	uint8_t sep[2] = {'\n', S_ALG_ED25519};
	int rc = GT_ECRYPTO;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return GT_ENOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, name, n) != 1 || EVP_DigestUpdate(ctx, sep, 2) != 1 ||
	    EVP_DigestUpdate(ctx, pub, S_KEY_LEN) != 1 || EVP_DigestFinal_ex(ctx, md, NULL) != 1)
		goto fail;
	*ret = S_be32(md);
	rc = 0;
fail:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* Parse exactly 8 lowercase hex digits (the canonical form we also write). */
static bool S_hex8(const char *p, uint32_t *ret)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		if (c >= '0' && c <= '9')
			v = v << 4 | (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint32_t)(c - 'a' + 10);
		else
			return false;
	}
	*ret = v;
	return true;
}

/* Drop trailing ASCII whitespace (a key file's final newline). */
static size_t S_rtrim(const char *text, size_t len)
{
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ' ||
			   text[len - 1] == '\t'))
		len--;
	return len;
}

/* Split "<name>+<8 hex>+<keydata>" (after any prefix) into its parts and
 * decode keydata = 0x01 || 32 bytes. */
static int S_key_fields(const char *p, size_t len, const char *what, const char **ret_name,
			size_t *ret_nlen, uint32_t *ret_id, uint8_t key[S_KEY_LEN], gt_error *err)
{
	const char *plus = memchr(p, '+', len);
	if (!plus)
		return gt_fail(err, GT_EINVAL, "%s: expected <name>+<id>+<key>", what);
	size_t nlen = (size_t)(plus - p);
	if (!S_name_valid(p, nlen))
		return gt_fail(err, GT_EINVAL, "%s: invalid key name", what);
	const char *rest = plus + 1;
	size_t rlen = len - nlen - 1;
	uint32_t id;
	if (rlen < 9 || !S_hex8(rest, &id) || rest[8] != '+')
		return gt_fail(err, GT_EINVAL, "%s: key id is not 8 lowercase hex digits", what);
	const char *b64 = rest + 9;
	size_t blen = rlen - 9;
	uint8_t raw[S_KEY_LEN + 1];
	size_t n;
	if (blen != S_KEYDATA_B64 || gt_base64_decode(b64, blen, raw, &n) < 0 || n != sizeof(raw))
		return gt_fail(err, GT_EINVAL, "%s: key data is not base64 of 33 bytes", what);
	if (raw[0] != S_ALG_ED25519) {
		OPENSSL_cleanse(raw, sizeof(raw));
		return gt_fail(err, GT_EINVAL, "%s: unknown key algorithm 0x%02x", what, raw[0]);
	}
	memcpy(key, raw + 1, S_KEY_LEN);
	OPENSSL_cleanse(raw, sizeof(raw));
	*ret_name = p;
	*ret_nlen = nlen;
	*ret_id = id;
	return 0;
}

static int S_verifier_new(const char *name, size_t nlen, const uint8_t pub[S_KEY_LEN],
			  gt_verifier **ret, gt_error *err)
{
	int rc;
	gt_verifier *v = calloc(1, sizeof(*v));
	if (!v)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	memcpy(v->name, name, nlen);
	v->name[nlen] = 0;
	memcpy(v->pub, pub, S_KEY_LEN);
	rc = S_key_id(name, nlen, pub, &v->id);
	if (rc < 0) {
		gt_fail(err, rc, "cannot compute key id");
		goto fail;
	}
	v->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, S_KEY_LEN);
	if (!v->pkey) {
		ERR_clear_error();
		rc = gt_fail(err, GT_ECRYPTO, "cannot load Ed25519 public key");
		goto fail;
	}
	*ret = v;
	return 0;
fail:
	gt_verifier_free(v);
	return rc;
}

static int S_signer_new(const char *name, size_t nlen, const uint8_t seed[S_KEY_LEN],
			gt_signer **ret, gt_error *err)
{
	int rc;
	size_t publen = S_KEY_LEN;
	gt_signer *s = calloc(1, sizeof(*s));
	if (!s)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	memcpy(s->name, name, nlen);
	s->name[nlen] = 0;
	memcpy(s->seed, seed, S_KEY_LEN);
	s->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, S_KEY_LEN);
	if (!s->pkey || EVP_PKEY_get_raw_public_key(s->pkey, s->pub, &publen) != 1 ||
	    publen != S_KEY_LEN) {
		ERR_clear_error();
		rc = gt_fail(err, GT_ECRYPTO, "cannot load Ed25519 private key");
		goto fail;
	}
	rc = S_key_id(name, nlen, s->pub, &s->id);
	if (rc < 0) {
		gt_fail(err, rc, "cannot compute key id");
		goto fail;
	}
	*ret = s;
	return 0;
fail:
	gt_signer_free(s);
	return rc;
}

int gt_signer_generate(const char *name, gt_signer **ret, gt_error *err)
{
	uint8_t seed[S_KEY_LEN];
	size_t nlen = strnlen(name, GT_NOTE_NAME_MAX + 1);
	if (!S_name_valid(name, nlen))
		return gt_fail(err, GT_EINVAL, "invalid key name");
	if (RAND_priv_bytes(seed, sizeof(seed)) != 1) {
		ERR_clear_error();
		return gt_fail(err, GT_ECRYPTO, "cannot get random bytes for a key");
	}
	int rc = S_signer_new(name, nlen, seed, ret, err);
	OPENSSL_cleanse(seed, sizeof(seed));
	return rc;
}

int gt_signer_parse(const char *text, size_t len, gt_signer **ret, gt_error *err)
{
	const char *name;
	size_t nlen;
	uint32_t id;
	uint8_t seed[S_KEY_LEN];
	gt_signer *s = NULL;
	len = S_rtrim(text, len);
	if (len < S_SKEY_PREFIX_LEN || memcmp(text, S_SKEY_PREFIX, S_SKEY_PREFIX_LEN) != 0)
		return gt_fail(err, GT_EINVAL, "signer key: does not start with PRIVATE+KEY+");
	int rc = S_key_fields(text + S_SKEY_PREFIX_LEN, len - S_SKEY_PREFIX_LEN, "signer key",
			      &name, &nlen, &id, seed, err);
	if (rc < 0)
		return rc;
	rc = S_signer_new(name, nlen, seed, &s, err);
	OPENSSL_cleanse(seed, sizeof(seed));
	if (rc < 0)
		return rc;
	if (s->id != id) {
		gt_signer_free(s);
		return gt_fail(err, GT_EINVAL,
			       "signer key: key id %08" PRIx32 " does not match the name and key",
			       id);
	}
	*ret = s;
	return 0;
}

int gt_signer_encode(const gt_signer *s, gt_buf *out)
{
	uint8_t raw[S_KEY_LEN + 1];
	char b64[S_KEYDATA_B64 + 1];
	raw[0] = S_ALG_ED25519;
	memcpy(raw + 1, s->seed, S_KEY_LEN);
	gt_base64_encode(raw, sizeof(raw), b64);
	int rc = gt_buf_addf(out, S_SKEY_PREFIX "%s+%08" PRIx32 "+%s", s->name, s->id, b64);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc;
}

void gt_signer_free(gt_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->pkey);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

const char *gt_signer_name(const gt_signer *s)
{
	return s->name;
}

int gt_signer_verifier(const gt_signer *s, gt_verifier **ret)
{
	return S_verifier_new(s->name, strlen(s->name), s->pub, ret, NULL);
}

int gt_verifier_parse(const char *text, size_t len, gt_verifier **ret, gt_error *err)
{
	const char *name;
	size_t nlen;
	uint32_t id;
	uint8_t pub[S_KEY_LEN];
	gt_verifier *v = NULL;
	len = S_rtrim(text, len);
	int rc = S_key_fields(text, len, "verifier key", &name, &nlen, &id, pub, err);
	if (rc < 0)
		return rc;
	rc = S_verifier_new(name, nlen, pub, &v, err);
	if (rc < 0)
		return rc;
	if (v->id != id) {
		gt_verifier_free(v);
		return gt_fail(err, GT_EINVAL,
			       "verifier key: key id %08" PRIx32 " does not match the name and key",
			       id);
	}
	*ret = v;
	return 0;
}

int gt_verifier_encode(const gt_verifier *v, gt_buf *out)
{
	uint8_t raw[S_KEY_LEN + 1];
	char b64[S_KEYDATA_B64 + 1];
	raw[0] = S_ALG_ED25519;
	memcpy(raw + 1, v->pub, S_KEY_LEN);
	gt_base64_encode(raw, sizeof(raw), b64);
	return gt_buf_addf(out, "%s+%08" PRIx32 "+%s", v->name, v->id, b64);
}

void gt_verifier_free(gt_verifier *v)
{
	if (!v)
		return;
	EVP_PKEY_free(v->pkey);
	free(v);
}

const char *gt_verifier_name(const gt_verifier *v)
{
	return v->name;
}

uint32_t gt_verifier_id(const gt_verifier *v)
{
	return v->id;
}

int gt_note_sign(const gt_signer *s, const char *text, size_t len, gt_buf *out, gt_error *err)
{
	uint8_t sig[4 + S_SIG_LEN];
	char b64[S_SIGDATA_B64 + 1];
	size_t siglen = S_SIG_LEN;
	size_t nlen = strlen(s->name);
	size_t old = out->len;
	int rc = S_text_check(text, len, err);
	if (rc < 0)
		return rc;
	/* text, blank line, "— name b64\n": keep within what gt_note_verify accepts. */
	if (len > GT_NOTE_MAX - 1 - S_DASH_LEN - nlen - 1 - S_SIGDATA_B64 - 1)
		return gt_fail(err, GT_EINVAL, "note text of %zu bytes is too long to sign", len);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, s->pkey) != 1 ||
	    EVP_DigestSign(ctx, sig + 4, &siglen, (const uint8_t *)text, len) != 1 ||
	    siglen != S_SIG_LEN) {
		ERR_clear_error();
		rc = gt_fail(err, GT_ECRYPTO, "Ed25519 signing failed");
		goto fail;
	}
	sig[0] = (uint8_t)(s->id >> 24);
	sig[1] = (uint8_t)(s->id >> 16);
	sig[2] = (uint8_t)(s->id >> 8);
	sig[3] = (uint8_t)s->id;
	gt_base64_encode(sig, sizeof(sig), b64);
	if (gt_buf_add(out, text, len) < 0 || gt_buf_add(out, "\n" S_DASH, 1 + S_DASH_LEN) < 0 ||
	    gt_buf_add(out, s->name, nlen) < 0 || gt_buf_add(out, " ", 1) < 0 ||
	    gt_buf_add(out, b64, S_SIGDATA_B64) < 0 || gt_buf_add(out, "\n", 1) < 0) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto fail;
	}
	EVP_MD_CTX_free(ctx);
	return 0;
fail:
	EVP_MD_CTX_free(ctx);
	out->len = old;
	if (out->data)
		out->data[old] = 0;
	return rc;
}

/* Offset of the blank line separating text from signatures: the last "\n\n"
 * in note[0..len). Returns the index of its first '\n' or -1. */
static ptrdiff_t S_split(const char *note, size_t len)
{
	for (size_t i = len - 1; i > 0; i--) {
		if (note[i] == '\n' && note[i - 1] == '\n')
			return (ptrdiff_t)(i - 1);
	}
	return -1;
}

/* Signature lines seen so far; the known key's signatures are kept for checking. */
struct S_sigs {
	uint8_t known[GT_NOTE_SIG_MAX][S_SIG_LEN];
	size_t nknown;
	size_t nbadlen; /* by the known key but not 64 bytes long */
	size_t total;
};

static int S_sigline(const gt_verifier *v, const char *line, size_t len, uint8_t *scratch,
		     struct S_sigs *sigs, gt_error *err)
{
	size_t no = sigs->total + 1;
	if (len < S_DASH_LEN || memcmp(line, S_DASH, S_DASH_LEN) != 0)
		return gt_fail(err, GT_EINVAL, "signature line %zu does not start with an em dash",
			       no);
	line += S_DASH_LEN;
	len -= S_DASH_LEN;
	const char *sp = memchr(line, ' ', len);
	if (!sp)
		return gt_fail(err, GT_EINVAL, "signature line %zu has no signature", no);
	size_t nlen = (size_t)(sp - line);
	if (!S_name_valid(line, nlen))
		return gt_fail(err, GT_EINVAL, "signature line %zu has an invalid key name", no);
	const char *b64 = sp + 1;
	size_t blen = len - nlen - 1;
	size_t n;
	if (blen == 0 || gt_base64_decode(b64, blen, scratch, &n) < 0)
		return gt_fail(err, GT_EINVAL, "signature line %zu: signature is not base64", no);
	if (n < 5)
		return gt_fail(err, GT_EINVAL, "signature line %zu: signature is too short", no);
	sigs->total++;
	if (nlen != strlen(v->name) || memcmp(line, v->name, nlen) != 0 || S_be32(scratch) != v->id)
		return 0; /* an unknown key: ignored */
	if (n != 4 + S_SIG_LEN) {
		sigs->nbadlen++;
		return 0;
	}
	memcpy(sigs->known[sigs->nknown++], scratch + 4, S_SIG_LEN);
	return 0;
}

static int S_check_sig(const gt_verifier *v, const uint8_t sig[S_SIG_LEN], const char *text,
		       size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return GT_ENOMEM;
	int ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, v->pkey) == 1 &&
		 EVP_DigestVerify(ctx, sig, S_SIG_LEN, (const uint8_t *)text, len) == 1;
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : GT_ESIG;
}

int gt_note_verify(const gt_verifier *v, const char *note, size_t len, size_t *ret_text_len,
		   gt_error *err)
{
	struct S_sigs *sigs = NULL;
	uint8_t *scratch = NULL;
	int rc;
	if (len > GT_NOTE_MAX)
		return gt_fail(err, GT_EINVAL, "note of %zu bytes is over the limit of %d", len,
			       GT_NOTE_MAX);
	if (len == 0 || note[len - 1] != '\n')
		return gt_fail(err, GT_EINVAL, "note does not end in a newline");
	ptrdiff_t split = S_split(note, len);
	if (split < 0)
		return gt_fail(err, GT_EINVAL, "note has no blank line before its signatures");
	size_t text_len = (size_t)split + 1;
	const char *p = note + text_len + 1, *end = note + len;
	if (p == end)
		return gt_fail(err, GT_EINVAL, "note has no signatures");
	rc = S_text_check(note, text_len, err);
	if (rc < 0)
		return rc;
	sigs = calloc(1, sizeof(*sigs));
	scratch = malloc((size_t)(end - p) / 4 * 3 + 3);
	if (!sigs || !scratch) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto fail;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (sigs->total == GT_NOTE_SIG_MAX) {
			rc = gt_fail(err, GT_EINVAL, "note has more than %d signatures",
				     GT_NOTE_SIG_MAX);
			goto fail;
		}
		rc = S_sigline(v, p, (size_t)(nl - p), scratch, sigs, err);
		if (rc < 0)
			goto fail;
		p = nl + 1;
	}
	if (sigs->nknown == 0 && sigs->nbadlen == 0) {
		rc = gt_fail(err, GT_ESIG, "note has no signature by key %s+%08" PRIx32, v->name,
			     v->id);
		goto fail;
	}
	if (sigs->nbadlen) {
		rc = gt_fail(err, GT_ESIG, "signature by key %s+%08" PRIx32 " has the wrong length",
			     v->name, v->id);
		goto fail;
	}
	for (size_t i = 0; i < sigs->nknown; i++) {
		rc = S_check_sig(v, sigs->known[i], note, text_len);
		if (rc == GT_ENOMEM) {
			gt_fail(err, rc, "out of memory");
			goto fail;
		}
		if (rc < 0) {
			gt_fail(err, rc, "signature by key %s+%08" PRIx32 " does not verify",
				v->name, v->id);
			goto fail;
		}
	}
	free(scratch);
	free(sigs);
	*ret_text_len = text_len;
	return 0;
fail:
	free(scratch);
	free(sigs);
	return rc;
}
