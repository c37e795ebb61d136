/* Unit tests for C2SP signed notes and Ed25519 note keys (src/log/note.c). */
#include <criterion/criterion.h>

#include "core/base64.h"
#include "log/note.h"
#include "testutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

/* Known answers from the Go reference implementation of signed notes
 * (golang.org/x/mod/sumdb/note, note_test.go): two keys and their
 * signatures over one text. Ed25519 is deterministic, so signing the text
 * with the private key must reproduce PETER_SIG exactly. */
#define PETER_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define PETER_SKEY "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define ENOCH_VKEY "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
#define TEXT                                                         \
	"If you think cryptography is the answer to your problem,\n" \
	"then you don't know what your problem is.\n"
#define PETER_SIG                                                                         \
	"\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1" \
	"FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
#define ENOCH_SIG                                                                         \
	"\xe2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF" \
	"1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
#define EMDASH "\xe2\x80\x94"

/* RFC 8032 section 7.1, test 1. */
static const char *const S_rfc8032_seed =
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char *const S_rfc8032_pub =
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

static gt_verifier *S_vkey(const char *text)
{
	gt_verifier *v = NULL;
	gt_error err = {0};
	int rc = gt_verifier_parse(text, strlen(text), &v, &err);
	cr_assert_eq(rc, 0, "parsing verifier key %s: %s", text, err.msg);
	return v;
}

static gt_signer *S_skey(const char *text)
{
	gt_signer *s = NULL;
	gt_error err = {0};
	int rc = gt_signer_parse(text, strlen(text), &s, &err);
	cr_assert_eq(rc, 0, "parsing signer key: %s", err.msg);
	return s;
}

static int S_verify(const gt_verifier *v, const char *note, size_t *text_len)
{
	size_t n = 12345;
	gt_error err = {0};
	int rc = gt_note_verify(v, note, strlen(note), &n, &err);
	if (rc < 0) {
		cr_assert_eq(n, 12345, "text length set on failure");
		cr_assert_eq(err.code, rc, "error code not recorded");
		cr_assert_neq(err.msg[0], 0, "no error message");
	}
	if (text_len)
		*text_len = n;
	return rc;
}

static char *S_cat(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = malloc(la + lb + lc + 1);
	cr_assert_not_null(s);
	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc + 1);
	return s;
}

Test(note, kat_verifier_key)
{
	gt_verifier *v = S_vkey(PETER_VKEY);
	gt_buf b = GT_BUF_INIT;
	cr_assert_str_eq(gt_verifier_name(v), "PeterNeumann");
	cr_assert_eq(gt_verifier_id(v), 0xc74f20a3);
	cr_assert_eq(gt_verifier_encode(v, &b), 0);
	cr_assert_str_eq((char *)b.data, PETER_VKEY);
	gt_buf_done(&b);
	gt_verifier_free(v);

	v = S_vkey(ENOCH_VKEY);
	cr_assert_eq(gt_verifier_id(v), 0xaf0cfe78);
	gt_verifier_free(v);
}

Test(note, kat_signer_key)
{
	gt_signer *s = S_skey(PETER_SKEY);
	gt_verifier *v = NULL;
	gt_buf b = GT_BUF_INIT;
	cr_assert_str_eq(gt_signer_name(s), "PeterNeumann");
	cr_assert_eq(gt_signer_encode(s, &b), 0);
	cr_assert_str_eq((char *)b.data, PETER_SKEY);
	gt_buf_reset(&b);
	cr_assert_eq(gt_signer_verifier(s, &v), 0);
	cr_assert_eq(gt_verifier_id(v), 0xc74f20a3);
	cr_assert_eq(gt_verifier_encode(v, &b), 0);
	cr_assert_str_eq((char *)b.data, PETER_VKEY);
	gt_buf_done(&b);
	gt_verifier_free(v);
	gt_signer_free(s);
}

Test(note, kat_sign)
{
	gt_signer *s = S_skey(PETER_SKEY);
	gt_buf b = GT_BUF_INIT;
	gt_error err = {0};
	cr_assert_eq(gt_note_sign(s, TEXT, strlen(TEXT), &b, &err), 0, "%s", err.msg);
	cr_assert_str_eq((char *)b.data, TEXT "\n" PETER_SIG);
	/* Appends: a second signature goes after the first note. */
	cr_assert_eq(gt_note_sign(s, TEXT, strlen(TEXT), &b, &err), 0);
	cr_assert_str_eq((char *)b.data, TEXT "\n" PETER_SIG TEXT "\n" PETER_SIG);
	gt_buf_done(&b);
	gt_signer_free(s);
}

Test(note, kat_verify)
{
	gt_verifier *peter = S_vkey(PETER_VKEY), *enoch = S_vkey(ENOCH_VKEY);
	size_t n;
	cr_assert_eq(S_verify(peter, TEXT "\n" PETER_SIG, &n), 0);
	cr_assert_eq(n, strlen(TEXT));
	cr_assert_eq(S_verify(enoch, TEXT "\n" ENOCH_SIG, &n), 0);
	cr_assert_eq(n, strlen(TEXT));
	/* Each key ignores the other's signature, in either order. */
	cr_assert_eq(S_verify(peter, TEXT "\n" PETER_SIG ENOCH_SIG, &n), 0);
	cr_assert_eq(S_verify(peter, TEXT "\n" ENOCH_SIG PETER_SIG, &n), 0);
	cr_assert_eq(S_verify(enoch, TEXT "\n" PETER_SIG ENOCH_SIG, &n), 0);
	cr_assert_eq(S_verify(enoch, TEXT "\n" ENOCH_SIG PETER_SIG, &n), 0);
	cr_assert_eq(n, strlen(TEXT));
	/* Only the other key's signature. */
	cr_assert_eq(S_verify(peter, TEXT "\n" ENOCH_SIG, NULL), GT_ESIG);
	cr_assert_eq(S_verify(enoch, TEXT "\n" PETER_SIG, NULL), GT_ESIG);
	/* Repeated good signatures are all checked and all fine. */
	cr_assert_eq(S_verify(peter, TEXT "\n" PETER_SIG PETER_SIG ENOCH_SIG ENOCH_SIG, NULL), 0);
	gt_verifier_free(peter);
	gt_verifier_free(enoch);
}

/* RFC 8032 test 1 as a note key: the public key and key id derived from the
 * seed must match the RFC's public key and an independent SHA-256. */
Test(note, kat_rfc8032_key)
{
	uint8_t seed[33], pub[33], idin[64];
	char b64[64], skey[256], vkey[256], idhex[9];
	const char *name = "rfc8032.example/test1";
	size_t nlen = strlen(name);
	seed[0] = pub[0] = 0x01;
	tu_hex(S_rfc8032_seed, seed + 1, 32);
	tu_hex(S_rfc8032_pub, pub + 1, 32);
	memcpy(idin, name, nlen);
	idin[nlen] = '\n';
	memcpy(idin + nlen + 1, pub, 33);
	uint8_t md[SHA256_DIGEST_LENGTH];
	SHA256(idin, nlen + 34, md);
	snprintf(idhex, sizeof(idhex), "%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);

	gt_base64_encode(seed, 33, b64);
	snprintf(skey, sizeof(skey), "PRIVATE+KEY+%s+%s+%s\n", name, idhex, b64);
	gt_base64_encode(pub, 33, b64);
	snprintf(vkey, sizeof(vkey), "%s+%s+%s", name, idhex, b64);

	gt_signer *s = S_skey(skey);
	gt_verifier *v = NULL, *pv = S_vkey(vkey);
	gt_buf b = GT_BUF_INIT;
	cr_assert_eq(gt_signer_verifier(s, &v), 0);
	cr_assert_eq(gt_verifier_encode(v, &b), 0);
	cr_assert_str_eq((char *)b.data, vkey);
	uint32_t id = (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 | (uint32_t)md[2] << 8 | md[3];
	cr_assert_eq(gt_verifier_id(v), id);
	cr_assert_eq(gt_verifier_id(pv), id);

	/* A note signed with the RFC key verifies under the key parsed from text. */
	gt_buf_reset(&b);
	cr_assert_eq(gt_note_sign(s, "hello\n", 6, &b, NULL), 0);
	cr_assert_eq(S_verify(pv, (char *)b.data, NULL), 0);
	gt_buf_done(&b);
	gt_verifier_free(v);
	gt_verifier_free(pv);
	gt_signer_free(s);
}

Test(note, vkey_manglings_rejected)
{
	/* Every proper substring and every single-byte increment must fail. */
	char buf[sizeof(PETER_VKEY)];
	size_t len = strlen(PETER_VKEY);
	for (size_t i = 0; i <= len; i++) {
		for (size_t j = i + 1; j <= len; j++) {
			if (i == 0 && j == len)
				continue;
			gt_verifier *v = NULL;
			int rc = gt_verifier_parse(PETER_VKEY + i, j - i, &v, NULL);
			cr_assert_eq(rc, GT_EINVAL, "substring [%zu,%zu) parsed", i, j);
			cr_assert_null(v);
		}
	}
	for (size_t i = 0; i < len; i++) {
		gt_verifier *v = NULL;
		memcpy(buf, PETER_VKEY, len + 1);
		buf[i]++;
		cr_assert_eq(gt_verifier_parse(buf, len, &v, NULL), GT_EINVAL, "%s parsed", buf);
	}
}

Test(note, skey_manglings_rejected)
{
	char buf[sizeof(PETER_SKEY)];
	size_t len = strlen(PETER_SKEY);
	for (size_t i = 0; i <= len; i++) {
		for (size_t j = i + 1; j <= len; j++) {
			if (i == 0 && j == len)
				continue;
			gt_signer *s = NULL;
			int rc = gt_signer_parse(PETER_SKEY + i, j - i, &s, NULL);
			cr_assert_eq(rc, GT_EINVAL, "substring [%zu,%zu) parsed", i, j);
			cr_assert_null(s);
		}
	}
	for (size_t i = 0; i < len; i++) {
		gt_signer *s = NULL;
		memcpy(buf, PETER_SKEY, len + 1);
		buf[i]++;
		cr_assert_eq(gt_signer_parse(buf, len, &s, NULL), GT_EINVAL, "%s parsed", buf);
	}
}

Test(note, vkey_parse_errors)
{
	static const char *bad[] = {
		/* bad id: wrong value, upper case, too short, too long, not hex */
		"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a30+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f2xa3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann++ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		/* bad base64 */
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq_LDE4izWy10TW",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=",
		"PeterNeumann+c74f20a3+",
		"PeterNeumann+c74f20a3",
		/* wrong algorithm byte (0x65), id adjusted to match */
		"PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		/* wrong key length (37 bytes), id adjusted to match */
		"PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
		/* bad names */
		"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		" PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"Peter\tNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"Peter\xc2\xa0Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"Peter\xffNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"",
		"\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gt_verifier *v = NULL;
		gt_error err = {0};
		int rc = gt_verifier_parse(bad[i], strlen(bad[i]), &v, &err);
		cr_assert_eq(rc, GT_EINVAL, "\"%s\" parsed", bad[i]);
		cr_assert_null(v);
		cr_assert_eq(err.code, GT_EINVAL);
		cr_assert_neq(err.msg[0], 0);
	}
}

Test(note, vkey_error_messages)
{
	gt_verifier *v = NULL;
	gt_error err = {0};
	const char *k = "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
	cr_assert_eq(gt_verifier_parse(k, strlen(k), &v, &err), GT_EINVAL);
	cr_assert(strstr(err.msg, "algorithm"), "message: %s", err.msg);
	k = "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
	cr_assert_eq(gt_verifier_parse(k, strlen(k), &v, &err), GT_EINVAL);
	cr_assert(strstr(err.msg, "does not match"), "message: %s", err.msg);
}

Test(note, vkey_trailing_whitespace)
{
	static const char *ok[] = {
		PETER_VKEY "\n",
		PETER_VKEY "\r\n",
		PETER_VKEY " \t\n\n",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		gt_verifier *v = S_vkey(ok[i]);
		cr_assert_eq(gt_verifier_id(v), 0xc74f20a3);
		gt_verifier_free(v);
	}
	gt_signer *s = S_skey(PETER_SKEY "\n");
	gt_signer_free(s);
}

Test(note, key_names)
{
	static const char *bad[] = {
		"",
		"a b",
		"a+b",
		"a\tb",
		"a\nb",
		"a\x01z",
		"a\xc2\x85z",	  /* U+0085 NEL */
		"a\xc2\xa0z",	  /* U+00A0 NO-BREAK SPACE */
		"a\xe1\x9a\x80z", /* U+1680 */
		"a\xe2\x80\x80z", /* U+2000 EN QUAD */
		"a\xe2\x80\x8az", /* U+200A HAIR SPACE */
		"a\xe2\x80\xa8z", /* U+2028 LINE SEPARATOR */
		"a\xe2\x80\xafz", /* U+202F */
		"a\xe2\x81\x9fz", /* U+205F */
		"a\xe3\x80\x80z", /* U+3000 IDEOGRAPHIC SPACE */
		"a\xffz",	  /* invalid UTF-8 */
		"a\xc0\xafz",	  /* overlong */
		"a\xed\xa0\x80z", /* surrogate */
		"a\xe2\x80",	  /* truncated */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gt_signer *s = NULL;
		cr_assert_eq(gt_signer_generate(bad[i], &s, NULL), GT_EINVAL, "name %zu accepted",
			     i);
		cr_assert_null(s);
	}
	char longname[GT_NOTE_NAME_MAX + 2];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[GT_NOTE_NAME_MAX + 1] = 0;
	gt_signer *s = NULL;
	cr_assert_eq(gt_signer_generate(longname, &s, NULL), GT_EINVAL);
	longname[GT_NOTE_NAME_MAX] = 0;
	cr_assert_eq(gt_signer_generate(longname, &s, NULL), 0);
	cr_assert_str_eq(gt_signer_name(s), longname);
	gt_signer_free(s);

	static const char *good[] = {"example.com/log", "\xe4\xbe\x8b\xe3\x81\x88.jp/log",
				     "a\xe2\x80\x8bz" /* U+200B is not a space */, "~!@#$%"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		s = NULL;
		cr_assert_eq(gt_signer_generate(good[i], &s, NULL), 0, "name %zu rejected", i);
		gt_signer_free(s);
	}
}

Test(note, generate_encode_parse_round_trip)
{
	gt_signer *s = NULL, *s2 = NULL;
	gt_verifier *v = NULL, *v2 = NULL;
	gt_buf sk = GT_BUF_INIT, vk = GT_BUF_INIT, vk2 = GT_BUF_INIT, sk2 = GT_BUF_INIT;
	gt_error err = {0};
	cr_assert_eq(gt_signer_generate("goodtrace.example/log", &s, &err), 0, "%s", err.msg);
	cr_assert_eq(gt_signer_encode(s, &sk), 0);
	cr_assert_eq(strncmp((char *)sk.data, "PRIVATE+KEY+goodtrace.example/log+", 34), 0);
	cr_assert_eq(gt_signer_parse((char *)sk.data, sk.len, &s2, &err), 0, "%s", err.msg);
	cr_assert_eq(gt_signer_encode(s2, &sk2), 0);
	cr_assert_str_eq((char *)sk.data, (char *)sk2.data);

	cr_assert_eq(gt_signer_verifier(s, &v), 0);
	cr_assert_eq(gt_verifier_encode(v, &vk), 0);
	cr_assert_eq(gt_verifier_parse((char *)vk.data, vk.len, &v2, &err), 0, "%s", err.msg);
	cr_assert_eq(gt_verifier_encode(v2, &vk2), 0);
	cr_assert_str_eq((char *)vk.data, (char *)vk2.data);
	cr_assert_str_eq(gt_verifier_name(v2), "goodtrace.example/log");
	cr_assert_eq(gt_verifier_id(v), gt_verifier_id(v2));
	/* The id in both texts is the same 8 lowercase hex digits. */
	char id[9];
	snprintf(id, sizeof(id), "%08" PRIx32, gt_verifier_id(v));
	cr_assert_eq(memcmp(vk.data + 22, id, 8), 0);
	cr_assert_eq(memcmp(sk.data + 34, id, 8), 0);

	/* Sign with the re-parsed signer; verify with the re-parsed verifier. */
	gt_buf note = GT_BUF_INIT;
	cr_assert_eq(gt_note_sign(s2, "hello, world\n", 13, &note, &err), 0, "%s", err.msg);
	cr_assert_eq(S_verify(v2, (char *)note.data, NULL), 0);

	/* Two generated keys differ. */
	gt_signer *s3 = NULL;
	gt_buf sk3 = GT_BUF_INIT;
	cr_assert_eq(gt_signer_generate("goodtrace.example/log", &s3, NULL), 0);
	cr_assert_eq(gt_signer_encode(s3, &sk3), 0);
	cr_assert_str_neq((char *)sk.data, (char *)sk3.data);

	gt_buf_done(&note);
	gt_buf_done(&sk);
	gt_buf_done(&sk2);
	gt_buf_done(&sk3);
	gt_buf_done(&vk);
	gt_buf_done(&vk2);
	gt_signer_free(s);
	gt_signer_free(s2);
	gt_signer_free(s3);
	gt_verifier_free(v);
	gt_verifier_free(v2);
}

Test(note, free_null)
{
	gt_signer_free(NULL);
	gt_verifier_free(NULL);
}

Test(note, sign_verify_texts)
{
	static const char *texts[] = {
		"\n",
		"a\n",
		"a\n\nb\n",		/* empty lines inside the text */
		"a\n\n",		/* text ending in an empty line */
		"\xe4\xbe\x8b\n\x7f\n", /* UTF-8 and DEL (not a C0 control) */
		"tab-free\n",
	};
	gt_signer *s = NULL;
	gt_verifier *v = NULL;
	cr_assert_eq(gt_signer_generate("example.com/notes", &s, NULL), 0);
	cr_assert_eq(gt_signer_verifier(s, &v), 0);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		gt_buf b = GT_BUF_INIT;
		gt_error err = {0};
		size_t n;
		cr_assert_eq(gt_note_sign(s, texts[i], strlen(texts[i]), &b, &err), 0,
			     "text %zu: %s", i, err.msg);
		cr_assert_eq(S_verify(v, (char *)b.data, &n), 0, "text %zu", i);
		cr_assert_eq(n, strlen(texts[i]));
		cr_assert_eq(memcmp(b.data, texts[i], n), 0);
		gt_buf_done(&b);
	}
	gt_verifier_free(v);
	gt_signer_free(s);
}

Test(note, sign_rejects_bad_text)
{
	static const char *bad[] = {
		"",	      /* empty */
		"no newline", /* unterminated */
		"a\tb\n",     /* tab */
		"a\rb\n",     /* carriage return */
		"a\n\x01\n",  /* other control character */
		"\xff\n",     /* invalid UTF-8 */
		"\xe2\x80\n", /* truncated sequence */
		"\xc0\x80\n", /* overlong NUL */
	};
	gt_signer *s = S_skey(PETER_SKEY);
	gt_buf b = GT_BUF_INIT;
	cr_assert_eq(gt_buf_addstr(&b, "keep"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gt_error err = {0};
		cr_assert_eq(gt_note_sign(s, bad[i], strlen(bad[i]), &b, &err), GT_EINVAL,
			     "text %zu", i);
		cr_assert_eq(err.code, GT_EINVAL);
		cr_assert_str_eq((char *)b.data, "keep", "output changed on failure");
	}
	/* Embedded NUL is a control character too. */
	cr_assert_eq(gt_note_sign(s, "a\0b\n", 4, &b, NULL), GT_EINVAL);
	/* Too long to fit in a note once signed. */
	size_t big = GT_NOTE_MAX;
	char *t = malloc(big);
	cr_assert_not_null(t);
	memset(t, 'x', big);
	t[big - 1] = '\n';
	cr_assert_eq(gt_note_sign(s, t, big, &b, NULL), GT_EINVAL);
	cr_assert_str_eq((char *)b.data, "keep");
	free(t);
	gt_buf_done(&b);
	gt_signer_free(s);
}

Test(note, max_size_note)
{
	/* The longest text that can be signed gives a note of exactly GT_NOTE_MAX. */
	gt_signer *s = S_skey(PETER_SKEY);
	gt_verifier *v = S_vkey(PETER_VKEY);
	size_t sigline = strlen(PETER_SIG);
	size_t tlen = GT_NOTE_MAX - 1 - sigline;
	char *t = malloc(tlen + 1);
	cr_assert_not_null(t);
	memset(t, 'y', tlen + 1);
	t[tlen - 1] = '\n';
	gt_buf b = GT_BUF_INIT;
	cr_assert_eq(gt_note_sign(s, t, tlen, &b, NULL), 0);
	cr_assert_eq(b.len, GT_NOTE_MAX);
	cr_assert_eq(S_verify(v, (char *)b.data, NULL), 0);
	gt_buf_reset(&b);
	t[tlen] = '\n';
	cr_assert_eq(gt_note_sign(s, t, tlen + 1, &b, NULL), GT_EINVAL);
	/* One byte over the limit is malformed before anything else. */
	char *over = malloc(GT_NOTE_MAX + 2);
	cr_assert_not_null(over);
	memset(over, 'z', GT_NOTE_MAX + 1);
	over[GT_NOTE_MAX + 1] = 0;
	cr_assert_eq(S_verify(v, over, NULL), GT_EINVAL);
	free(over);
	free(t);
	gt_buf_done(&b);
	gt_verifier_free(v);
	gt_signer_free(s);
}

Test(note, tampered_body)
{
	gt_verifier *v = S_vkey(PETER_VKEY);
	char note[] = TEXT "\n" PETER_SIG;
	for (size_t i = 0; i < strlen(TEXT) - 1; i++) {
		char c = note[i];
		note[i] = note[i] == 'x' ? 'y' : 'x';
		cr_assert_eq(S_verify(v, note, NULL), GT_ESIG, "byte %zu changed", i);
		note[i] = c;
	}
	cr_assert_eq(S_verify(v, note, NULL), 0);
	/* A changed signature byte (still well-formed base64). */
	char *p = strstr(note, "x08go") + 10;
	*p = *p == 'A' ? 'B' : 'A';
	cr_assert_eq(S_verify(v, note, NULL), GT_ESIG);
	gt_verifier_free(v);
}

Test(note, wrong_key)
{
	gt_verifier *enoch = S_vkey(ENOCH_VKEY);
	cr_assert_eq(S_verify(enoch, TEXT "\n" PETER_SIG, NULL), GT_ESIG);
	/* Same name, different key: the signature's id is unknown, so ignored. */
	gt_signer *s = NULL;
	gt_verifier *v = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_signer_generate("PeterNeumann", &s, NULL), 0);
	cr_assert_eq(gt_signer_verifier(s, &v), 0);
	cr_assert_neq(gt_verifier_id(v), 0xc74f20a3);
	size_t n;
	cr_assert_eq(gt_note_verify(v, TEXT "\n" PETER_SIG, strlen(TEXT "\n" PETER_SIG), &n, &err),
		     GT_ESIG);
	cr_assert(strstr(err.msg, "no signature"), "message: %s", err.msg);
	gt_verifier_free(v);
	gt_signer_free(s);
	gt_verifier_free(enoch);
}

Test(note, unknown_signatures_ignored)
{
	/* Sign one text with two generated keys; each verifies with the other's
	 * signature before or after its own, and signatures by unknown keys of
	 * other lengths (e.g. cosignatures) are skipped too. */
	gt_signer *a = NULL, *b = NULL;
	gt_verifier *va = NULL, *vb = NULL;
	gt_buf na = GT_BUF_INIT, nb = GT_BUF_INIT;
	const char *text = "example.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	size_t tl = strlen(text);
	cr_assert_eq(gt_signer_generate("example.com/log", &a, NULL), 0);
	cr_assert_eq(gt_signer_generate("witness.example/w1", &b, NULL), 0);
	cr_assert_eq(gt_signer_verifier(a, &va), 0);
	cr_assert_eq(gt_signer_verifier(b, &vb), 0);
	cr_assert_eq(gt_note_sign(a, text, tl, &na, NULL), 0);
	cr_assert_eq(gt_note_sign(b, text, tl, &nb, NULL), 0);
	const char *siga = (char *)na.data + tl + 1, *sigb = (char *)nb.data + tl + 1;

	char *ab = S_cat(text, "\n", siga), *both = S_cat(ab, sigb, "");
	char *ba = S_cat(text, "\n", sigb), *both2 = S_cat(ba, siga, "");
	size_t n;
	cr_assert_eq(S_verify(va, both, &n), 0);
	cr_assert_eq(n, tl);
	cr_assert_eq(S_verify(va, both2, &n), 0);
	cr_assert_eq(S_verify(vb, both, &n), 0);
	cr_assert_eq(S_verify(vb, both2, &n), 0);
	cr_assert_eq(n, tl);

	/* A cosignature-like 76-byte signature and a 1-byte one by other keys. */
	uint8_t zeros[76] = {0};
	char cosig[160], b64[110];
	gt_base64_encode(zeros, sizeof(zeros), b64);
	snprintf(cosig, sizeof(cosig), EMDASH " witness.example/w2 %s\n", b64);
	char *extra = S_cat(both, cosig, EMDASH " tiny AAAAAAA=\n");
	cr_assert_eq(S_verify(va, extra, NULL), 0);
	cr_assert_eq(S_verify(vb, extra, NULL), 0);
	/* Only unknown signatures. */
	char *unk = S_cat(text, "\n", sigb);
	cr_assert_eq(S_verify(va, unk, NULL), GT_ESIG);
	/* The known key's id under another name is an unknown key. */
	gt_verifier *peter = S_vkey(PETER_VKEY);
	cr_assert_eq(S_verify(peter,
			      TEXT
			      "\n" EMDASH " PeterNeumannX x08go/ZJkuBS9UG/SffcvIAQxVB"
			      "tiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
			      NULL),
		     GT_ESIG);
	gt_verifier_free(peter);

	free(ab);
	free(both);
	free(ba);
	free(both2);
	free(extra);
	free(unk);
	gt_buf_done(&na);
	gt_buf_done(&nb);
	gt_verifier_free(va);
	gt_verifier_free(vb);
	gt_signer_free(a);
	gt_signer_free(b);
}

Test(note, bad_known_signature_fails_whole_note)
{
	gt_verifier *v = S_vkey(PETER_VKEY);
	/* A good signature and a bad one by the same key: the note fails. */
	char bad[] = PETER_SIG;
	char *p = strstr(bad, "x08go") + 20;
	*p = *p == 'A' ? 'B' : 'A';
	char *n1 = S_cat(TEXT "\n", PETER_SIG, bad), *n2 = S_cat(TEXT "\n", bad, PETER_SIG);
	cr_assert_eq(S_verify(v, n1, NULL), GT_ESIG);
	cr_assert_eq(S_verify(v, n2, NULL), GT_ESIG);
	/* The known key's id with a signature of the wrong length. */
	cr_assert_eq(S_verify(v, TEXT "\n" EMDASH " PeterNeumann x08go/ZJ\n", NULL), GT_ESIG);
	cr_assert_eq(S_verify(v, TEXT "\n" PETER_SIG EMDASH " PeterNeumann x08go/ZJ\n", NULL),
		     GT_ESIG);
	free(n1);
	free(n2);
	gt_verifier_free(v);
}

Test(note, malformed)
{
	static const char *bad[] = {
		TEXT,	   /* no blank line, no signatures */
		TEXT "\n", /* no signatures */
		"",
		"\n",
		"\n\n",
		TEXT "\n" EMDASH
		     " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", /* no final newline */
		"\x01" TEXT "\n" PETER_SIG,			/* control character */
		"a\tb\n\n" PETER_SIG,
		"a\r\n\n" PETER_SIG,
		"\xff" TEXT "\n" PETER_SIG,   /* invalid UTF-8 */
		"\xed\xa0\x80\n\n" PETER_SIG, /* surrogate */
		"\xe2\x80\n\n" PETER_SIG,     /* truncated sequence */
		TEXT "\n" EMDASH " Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
		TEXT "\n" PETER_SIG "Unexpected line.\n",
		TEXT "\n"
		     "- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", /* hyphen, not em dash */
		TEXT "\n" EMDASH
		     "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", /* no space after the dash */
		TEXT "\n" EMDASH
		     "  PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", /* empty name */
		TEXT "\n" EMDASH " PeterNeumann\n",		  /* no signature */
		TEXT "\n" EMDASH " PeterNeumann \n",		  /* empty signature */
		TEXT "\n" EMDASH
		     " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n", /* bad base64 padding */
		TEXT "\n" EMDASH
		     " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAN=\n", /* non-canonical base64 */
		TEXT "\n" EMDASH
		     " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM= \n", /* trailing space */
		TEXT "\n" EMDASH
		     " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\r\n", /* CRLF */
		TEXT "\n" EMDASH " PeterNeumann AAAA\n", /* 3 bytes: shorter than an id */
		TEXT "\n" PETER_SIG EMDASH " Other\xc2\xa0Key AAAAAAA=\n", /* NBSP in a name */
		TEXT "\n" PETER_SIG EMDASH " a+b AAAAAAA=\n",		   /* '+' in a name */
		TEXT "\n" PETER_SIG EMDASH " \xff AAAAAAA=\n",		   /* invalid UTF-8 name */
		TEXT "\n" PETER_SIG EMDASH " a\x01 AAAAAAA=\n",		   /* control character */
	};
	gt_verifier *v = S_vkey(PETER_VKEY);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(S_verify(v, bad[i], NULL), GT_EINVAL, "note %zu not malformed", i);
	/* An embedded NUL in the text. */
	static const char nul[] = "a\0b\n\n" PETER_SIG;
	size_t n;
	cr_assert_eq(gt_note_verify(v, nul, sizeof(nul) - 1, &n, NULL), GT_EINVAL);
	gt_verifier_free(v);
}

Test(note, malformed_beats_bad_signature)
{
	/* A tampered text plus a malformed later line is reported as malformed. */
	gt_verifier *v = S_vkey(PETER_VKEY);
	cr_assert_eq(S_verify(v, "X" TEXT "\n" PETER_SIG "junk\n", NULL), GT_EINVAL);
	gt_verifier_free(v);
}

Test(note, signature_count_limit)
{
	gt_verifier *v = S_vkey(PETER_VKEY);
	gt_buf b = GT_BUF_INIT;
	cr_assert_eq(gt_buf_addstr(&b, TEXT "\n"), 0);
	for (int i = 0; i < GT_NOTE_SIG_MAX; i++)
		cr_assert_eq(gt_buf_addstr(&b, PETER_SIG), 0);
	cr_assert_eq(S_verify(v, (char *)b.data, NULL), 0);
	cr_assert_eq(gt_buf_addstr(&b, PETER_SIG), 0);
	cr_assert_eq(S_verify(v, (char *)b.data, NULL), GT_EINVAL);
	/* Also when the extra signatures are all unknown. */
	gt_buf_reset(&b);
	cr_assert_eq(gt_buf_addstr(&b, TEXT "\n" PETER_SIG), 0);
	for (int i = 0; i < GT_NOTE_SIG_MAX; i++)
		cr_assert_eq(gt_buf_addstr(&b, ENOCH_SIG), 0);
	cr_assert_eq(S_verify(v, (char *)b.data, NULL), GT_EINVAL);
	gt_buf_done(&b);
	gt_verifier_free(v);
}

Test(note, last_blank_line_splits)
{
	/* Text with blank lines: the split is at the last one. */
	gt_signer *s = S_skey(PETER_SKEY);
	gt_verifier *v = S_vkey(PETER_VKEY);
	gt_buf b = GT_BUF_INIT;
	const char *t = "one\n\ntwo\n\n\nthree\n";
	cr_assert_eq(gt_note_sign(s, t, strlen(t), &b, NULL), 0);
	size_t n;
	cr_assert_eq(S_verify(v, (char *)b.data, &n), 0);
	cr_assert_eq(n, strlen(t));
	/* A blank line among the signatures moves the split: the signatures
	 * before it become text, and the note no longer verifies. */
	char *twice = S_cat((char *)b.data, "\n", PETER_SIG);
	cr_assert_eq(S_verify(v, twice, NULL), GT_ESIG);
	free(twice);
	gt_buf_done(&b);
	gt_verifier_free(v);
	gt_signer_free(s);
}
