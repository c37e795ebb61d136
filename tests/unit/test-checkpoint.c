/* Unit tests for C2SP tlog-checkpoint bodies (src/log/checkpoint.c). */
#include <criterion/criterion.h>

#include "log/checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROOT0 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" /* 32 zero bytes */
/* base64 of the bytes 0, 1, ..., 31 */
#define ROOT_SEQ "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

static int S_parse(const char *text, gt_checkpoint *c)
{
	gt_error err = {0};
	int rc = gt_checkpoint_parse(text, strlen(text), c, &err);
	if (rc < 0) {
		cr_assert_eq(err.code, rc);
		cr_assert_neq(err.msg[0], 0, "no error message");
	}
	return rc;
}

static void S_seq_root(gt_hash *h)
{
	for (int i = 0; i < GT_HASH_LEN; i++)
		h->b[i] = (uint8_t)i;
}

Test(checkpoint, format)
{
	gt_checkpoint c = {.origin = "example.com/log", .size = 12345};
	gt_buf b = GT_BUF_INIT;
	S_seq_root(&c.root);
	cr_assert_eq(gt_checkpoint_format(&c, &b), 0);
	cr_assert_str_eq((char *)b.data, "example.com/log\n12345\n" ROOT_SEQ "\n");
	/* Appends. */
	cr_assert_eq(gt_checkpoint_format(&c, &b), 0);
	cr_assert_eq(b.len, 2 * strlen("example.com/log\n12345\n" ROOT_SEQ "\n"));
	gt_buf_done(&b);
}

Test(checkpoint, format_parse_round_trip)
{
	static const uint64_t sizes[] = {
		0, 1, 9, 10, 255, 256, 1000000, 4294967296ULL, UINT64_MAX - 1, UINT64_MAX};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		gt_checkpoint c = {.origin = "goodtrace.example/log", .size = sizes[i]}, d;
		gt_buf b = GT_BUF_INIT;
		for (int j = 0; j < GT_HASH_LEN; j++)
			c.root.b[j] = (uint8_t)(j * 7 + i);
		cr_assert_eq(gt_checkpoint_format(&c, &b), 0);
		memset(&d, 0xaa, sizeof(d));
		cr_assert_eq(S_parse((char *)b.data, &d), 0, "%s", (char *)b.data);
		cr_assert_str_eq(d.origin, c.origin);
		cr_assert_eq(d.size, c.size);
		cr_assert_eq(memcmp(d.root.b, c.root.b, GT_HASH_LEN), 0);
		gt_buf_done(&b);
	}
}

Test(checkpoint, spec_example)
{
	/* The example note text in C2SP tlog-checkpoint. */
	gt_checkpoint c;
	cr_assert_eq(S_parse("example.com/behind-the-sofa\n20852163\n"
			     "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
			     &c),
		     0);
	cr_assert_str_eq(c.origin, "example.com/behind-the-sofa");
	cr_assert_eq(c.size, 20852163);
	cr_assert_eq(c.root.b[0], 0x0a);
	cr_assert_eq(c.root.b[1], 0xc5);
	cr_assert_eq(c.root.b[31], 0x62);
}

Test(checkpoint, size_zero)
{
	gt_checkpoint c;
	cr_assert_eq(S_parse("o\n0\n" ROOT0 "\n", &c), 0);
	cr_assert_eq(c.size, 0);
	for (int i = 0; i < GT_HASH_LEN; i++)
		cr_assert_eq(c.root.b[i], 0);
}

Test(checkpoint, size_max)
{
	gt_checkpoint c;
	cr_assert_eq(S_parse("o\n18446744073709551615\n" ROOT0 "\n", &c), 0);
	cr_assert_eq(c.size, UINT64_MAX);
}

Test(checkpoint, bad_sizes)
{
	static const char *bad[] = {
		"",
		"00",
		"01",
		"007",
		"-1",
		"-0",
		"+1",
		" 1",
		"1 ",
		"1a",
		"a",
		"0x10",
		"1e3",
		"1.0",
		"18446744073709551616", /* 2^64 */
		"18446744073709551620",
		"99999999999999999999",
		"184467440737095516150",
		"100000000000000000000000000000",
		"\xd9\xa1", /* ARABIC-INDIC DIGIT ONE */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];
		gt_checkpoint c;
		snprintf(text, sizeof(text), "o\n%s\n" ROOT0 "\n", bad[i]);
		cr_assert_eq(S_parse(text, &c), GT_EINVAL, "size \"%s\" accepted", bad[i]);
	}
}

Test(checkpoint, bad_roots)
{
	static const char *bad[] = {
		"",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",	    /* 31 bytes */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",	    /* 33 bytes */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 35 bytes */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",	    /* non-canonical */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",	    /* no padding */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-=",	    /* URL-safe alphabet */
		" AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ",
		"00000000000000000000000000000000000000000000000000000000000000000", /* hex */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];
		gt_checkpoint c;
		snprintf(text, sizeof(text), "o\n1\n%s\n", bad[i]);
		cr_assert_eq(S_parse(text, &c), GT_EINVAL, "root \"%s\" accepted", bad[i]);
	}
}

Test(checkpoint, bad_structure)
{
	static const char *bad[] = {
		"",
		"\n",
		"o",
		"o\n",
		"o\n1\n",
		"o\n1\n" ROOT0,	       /* no final newline */
		"\n1\n" ROOT0 "\n",    /* empty origin */
		"o\n1\n" ROOT0 "\n\n", /* empty extension line */
		"o\n1\n" ROOT0 "\nx\n\n",
		"o\n1\n" ROOT0 "\n\nx\n",
		"o\n1\n" ROOT0 "\nx",	/* unterminated extension */
		"o\n\n" ROOT0 "\n",	/* empty size */
		"o\n1\n\n",		/* empty root */
		"o\to\n1\n" ROOT0 "\n", /* control character in the origin */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gt_checkpoint c;
		cr_assert_eq(S_parse(bad[i], &c), GT_EINVAL, "text %zu accepted", i);
	}
	gt_checkpoint c;
	static const char nul[] = "o\0o\n1\n" ROOT0 "\n";
	cr_assert_eq(gt_checkpoint_parse(nul, sizeof(nul) - 1, &c, NULL), GT_EINVAL);
}

Test(checkpoint, origin_limits)
{
	char text[512], origin[GT_NOTE_NAME_MAX + 2];
	gt_checkpoint c;
	memset(origin, 'a', sizeof(origin));
	origin[GT_NOTE_NAME_MAX] = 0;
	snprintf(text, sizeof(text), "%s\n1\n" ROOT0 "\n", origin);
	cr_assert_eq(S_parse(text, &c), 0);
	cr_assert_str_eq(c.origin, origin);
	origin[GT_NOTE_NAME_MAX] = 'a';
	origin[GT_NOTE_NAME_MAX + 1] = 0;
	snprintf(text, sizeof(text), "%s\n1\n" ROOT0 "\n", origin);
	cr_assert_eq(S_parse(text, &c), GT_EINVAL);
	/* The origin is opaque: spaces and '+' are allowed in the body. */
	cr_assert_eq(S_parse("a log+1 \xe4\xbe\x8b\n1\n" ROOT0 "\n", &c), 0);
	cr_assert_str_eq(c.origin, "a log+1 \xe4\xbe\x8b");
}

Test(checkpoint, extension_lines)
{
	gt_checkpoint c;
	cr_assert_eq(S_parse("o\n5\n" ROOT_SEQ "\nfirst extension\n", &c), 0);
	cr_assert_eq(c.size, 5);
	cr_assert_eq(S_parse("o\n5\n" ROOT_SEQ "\na\nb b\n\xe2\x80\x94 c\n", &c), 0);
	gt_hash h;
	S_seq_root(&h);
	cr_assert_eq(memcmp(c.root.b, h.b, GT_HASH_LEN), 0);
}

Test(checkpoint, format_rejects_bad_origin)
{
	gt_checkpoint c = {.origin = "", .size = 1};
	gt_buf b = GT_BUF_INIT;
	cr_assert_eq(gt_checkpoint_format(&c, &b), GT_EINVAL);
	strcpy(c.origin, "a\nb");
	cr_assert_eq(gt_checkpoint_format(&c, &b), GT_EINVAL);
	memset(c.origin, 'a', sizeof(c.origin)); /* not NUL-terminated */
	cr_assert_eq(gt_checkpoint_format(&c, &b), GT_EINVAL);
	cr_assert_eq(b.len, 0);
	gt_buf_done(&b);
}

/* A fresh key pair named name. */
static void S_keys(const char *name, gt_signer **s, gt_verifier **v)
{
	cr_assert_eq(gt_signer_generate(name, s, NULL), 0);
	cr_assert_eq(gt_signer_verifier(*s, v), 0);
}

Test(checkpoint, sign_open)
{
	gt_signer *s;
	gt_verifier *v;
	S_keys("goodtrace.example/log", &s, &v);
	gt_checkpoint c = {.origin = "goodtrace.example/log", .size = 77}, d;
	S_seq_root(&c.root);
	gt_buf b = GT_BUF_INIT;
	gt_error err = {0};
	cr_assert_eq(gt_checkpoint_sign(&c, s, &b, &err), 0, "%s", err.msg);
	const char *want =
		"goodtrace.example/log\n77\n" ROOT_SEQ "\n\n\xe2\x80\x94 goodtrace.example/log ";
	cr_assert_eq(strncmp((char *)b.data, want, strlen(want)), 0, "%s", (char *)b.data);
	cr_assert_eq(gt_checkpoint_open(v, (char *)b.data, b.len, &d, &err), 0, "%s", err.msg);
	cr_assert_str_eq(d.origin, c.origin);
	cr_assert_eq(d.size, 77);
	cr_assert_eq(memcmp(d.root.b, c.root.b, GT_HASH_LEN), 0);

	/* Tampered size. */
	char *t = strdup((char *)b.data);
	t[strlen("goodtrace.example/log\n")] = '8';
	cr_assert_eq(gt_checkpoint_open(v, t, strlen(t), &d, NULL), GT_ESIG);
	free(t);

	/* Another key with the same name. */
	gt_signer *s2;
	gt_verifier *v2;
	S_keys("goodtrace.example/log", &s2, &v2);
	cr_assert_eq(gt_checkpoint_open(v2, (char *)b.data, b.len, &d, NULL), GT_ESIG);

	/* Malformed note. */
	cr_assert_eq(gt_checkpoint_open(v, (char *)b.data, b.len - 1, &d, NULL), GT_EINVAL);

	gt_buf_done(&b);
	gt_verifier_free(v);
	gt_verifier_free(v2);
	gt_signer_free(s);
	gt_signer_free(s2);
}

Test(checkpoint, open_requires_origin_equal_key_name)
{
	gt_signer *s;
	gt_verifier *v;
	S_keys("goodtrace.example/log", &s, &v);
	gt_buf b = GT_BUF_INIT;
	gt_checkpoint d;
	gt_error err = {0};
	/* A validly signed note whose origin is not the key name. */
	const char *text = "other.example/log\n3\n" ROOT0 "\n";
	cr_assert_eq(gt_note_sign(s, text, strlen(text), &b, NULL), 0);
	cr_assert_eq(gt_checkpoint_open(v, (char *)b.data, b.len, &d, &err), GT_EINVAL);
	cr_assert(strstr(err.msg, "origin"), "message: %s", err.msg);
	/* And gt_checkpoint_sign refuses to make one. */
	gt_checkpoint c = {.origin = "other.example/log", .size = 3};
	gt_buf_reset(&b);
	cr_assert_eq(gt_checkpoint_sign(&c, s, &b, NULL), GT_EINVAL);
	cr_assert_eq(b.len, 0);
	gt_buf_done(&b);
	gt_verifier_free(v);
	gt_signer_free(s);
}

Test(checkpoint, open_rejects_bad_body)
{
	gt_signer *s;
	gt_verifier *v;
	S_keys("log", &s, &v);
	gt_buf b = GT_BUF_INIT;
	gt_checkpoint d;
	static const char *bad[] = {
		"log\n01\n" ROOT0 "\n",
		"log\n1\nAAAA\n",
		"log\n1\n",
		"log\n1\n" ROOT0 "\n\nextension after a blank line\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gt_buf_reset(&b);
		cr_assert_eq(gt_note_sign(s, bad[i], strlen(bad[i]), &b, NULL), 0);
		cr_assert_eq(gt_checkpoint_open(v, (char *)b.data, b.len, &d, NULL), GT_EINVAL,
			     "body %zu opened", i);
	}
	/* Extension lines are signed and accepted. */
	const char *ext = "log\n1\n" ROOT0 "\nextension\n";
	gt_buf_reset(&b);
	cr_assert_eq(gt_note_sign(s, ext, strlen(ext), &b, NULL), 0);
	cr_assert_eq(gt_checkpoint_open(v, (char *)b.data, b.len, &d, NULL), 0);
	cr_assert_eq(d.size, 1);
	gt_buf_done(&b);
	gt_verifier_free(v);
	gt_signer_free(s);
}
