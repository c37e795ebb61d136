/* Unit tests for full log verification (src/log/verify.c): gt_verify_log and
 * gt_verify_tiles with gt_fetch_dir on logs written with log.h, each kind of
 * tampering with its precise message, and the tile and bundle helpers. */
#include <criterion/criterion.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "log/checkpoint.h"
#include "log/hash.h"
#include "log/log.h"
#include "log/note.h"
#include "log/tilepath.h"
#include "log/verify.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ORIGIN "example.com/goodtrace-verify"

/* ---- a log and what was appended to it ---------------------------------- */

typedef struct {
	char *root, *pub, *state;
	gt_signer *signer;
	gt_verifier *verifier;
	gt_log_options opt;
	gt_log *log;
	/* Entries appended so far: entry i is data[off[i], off[i + 1]). */
	uint64_t n;
	gt_buf data;
	uint64_t *off;
	gt_hash *leaves;
	uint64_t cap;
} S_env;

static void S_init_at(S_env *e, const char *root, const char *name, gt_signer *signer)
{
	memset(e, 0, sizeof(*e));
	char *base = tu_join(root, name);
	e->pub = tu_join(base, "public");
	e->state = tu_join(base, "state");
	free(base);
	e->signer = signer;
	cr_assert_eq(gt_signer_verifier(signer, &e->verifier), 0);
	e->opt = (gt_log_options){.public_dir = e->pub, .state_dir = e->state, .signer = signer};
	gt_error err = {0};
	cr_assert_eq(gt_log_create(&e->opt, &err), 0, "%s", err.msg);
	cr_assert_eq(gt_log_open(&e->opt, &e->log, &err), 0, "%s", err.msg);
	e->cap = 1024;
	e->off = calloc(e->cap + 1, sizeof(uint64_t));
	e->leaves = calloc(e->cap, sizeof(gt_hash));
	cr_assert(e->off && e->leaves);
}

/* A fresh log with its own key in a new temporary directory. */
static void S_init(S_env *e)
{
	char *root = tu_tmpdir("verify");
	gt_signer *s;
	cr_assert_eq(gt_signer_generate(ORIGIN, &s, NULL), 0);
	S_init_at(e, root, "log", s);
	e->root = root;
}

/* Free a log made with S_init_at (sharing another's key and directory). */
static void S_done_twin(S_env *e)
{
	gt_log_free(e->log);
	gt_verifier_free(e->verifier);
	gt_buf_done(&e->data);
	free(e->off);
	free(e->leaves);
	free(e->pub);
	free(e->state);
}

static void S_done(S_env *e)
{
	char *root = e->root;
	gt_signer *s = e->signer;
	S_done_twin(e);
	gt_signer_free(s);
	tu_rmrf(root);
	free(root);
}

/* Append count entries (8 to 40 bytes, from (salt, index)). */
static void S_append(S_env *e, uint64_t salt, uint64_t count)
{
	if (count == 0)
		return;
	if (e->n + count > e->cap) {
		while (e->n + count > e->cap)
			e->cap *= 2;
		e->off = realloc(e->off, (e->cap + 1) * sizeof(uint64_t));
		e->leaves = realloc(e->leaves, e->cap * sizeof(gt_hash));
		cr_assert(e->off && e->leaves);
	}
	gt_bytes *v = malloc(count * sizeof(gt_bytes));
	cr_assert_not_null(v);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t r = tu_mix(salt * 1000003 + e->n + i);
		uint8_t b[40];
		size_t len = 8 + r % 33;
		for (size_t k = 0; k < len; k++)
			b[k] = (uint8_t)tu_mix(r + k);
		CHECK(gt_buf_add(&e->data, b, len) == 0, "out of memory");
		e->off[e->n + i + 1] = e->data.len;
		gt_hash_leaf(b, len, &e->leaves[e->n + i]);
	}
	for (uint64_t i = 0; i < count; i++) {
		v[i].data = e->data.data + e->off[e->n + i];
		v[i].len = e->off[e->n + i + 1] - e->off[e->n + i];
	}
	gt_error err = {0};
	uint64_t first;
	cr_assert_eq(gt_log_append(e->log, v, count, &first, &err), 0, "%s", err.msg);
	cr_assert_eq(first, e->n);
	e->n += count;
	free(v);
}

static void S_root(const S_env *e, uint64_t size, gt_hash *out)
{
	gt_hash_root(e->leaves, size, out);
}

/* Saved contents of one public file, to put back after tampering. */
typedef struct {
	const S_env *e;
	const char *rel;
	gt_buf b;
} S_saved;

static S_saved S_save(const S_env *e, const char *rel)
{
	S_saved s = {e, rel, GT_BUF_INIT};
	tu_read(e->pub, rel, &s.b);
	return s;
}

static void S_restore(S_saved *s)
{
	tu_write(s->e->pub, s->rel, s->b.data, s->b.len);
	gt_buf_done(&s->b);
}

static void S_signed(const S_env *e, gt_buf *out)
{
	gt_buf_reset(out);
	cr_assert_eq(gt_log_checkpoint(e->log, out), 0);
}

static void S_sign(const gt_signer *s, const char *origin, uint64_t size, const gt_hash *root,
		   gt_buf *out)
{
	gt_checkpoint c = {.size = size, .root = *root};
	snprintf(c.origin, sizeof(c.origin), "%s", origin);
	gt_buf_reset(out);
	cr_assert_eq(gt_checkpoint_sign(&c, s, out, NULL), 0);
}

/* ---- running the verifier ----------------------------------------------- */

typedef struct {
	uint64_t calls, last, total;
	int backwards;
} S_progress;

static void S_on_progress(void *ctx, uint64_t done, uint64_t total)
{
	S_progress *p = ctx;
	if (done < p->last || done > total)
		p->backwards = 1;
	p->calls++;
	p->last = done;
	p->total = total;
}

static int S_verify_with(const S_env *e, const gt_verifier *v, const gt_buf *since,
			 gt_checkpoint *cp, gt_error *err)
{
	gt_verify_options o = {.fetch = gt_fetch_dir, .fetch_ctx = e->pub, .vkey = v};
	if (since) {
		o.since = (const char *)since->data;
		o.since_len = since->len;
	}
	memset(err, 0, sizeof(*err));
	int rc = gt_verify_log(&o, cp, err);
	if (rc < 0) {
		cr_assert_eq(err->code, rc, "err.code %d, returned %d", err->code, rc);
		cr_assert_neq(err->msg[0], 0, "no message for %d", rc);
	}
	return rc;
}

static void S_expect_ok(const S_env *e, const gt_buf *since)
{
	gt_checkpoint cp;
	gt_error err;
	int rc = S_verify_with(e, e->verifier, since, &cp, &err);
	cr_assert_eq(rc, 0, "verify at size %llu: %d %s", U(e->n), rc, err.msg);
	cr_assert_eq(cp.size, e->n);
	cr_assert_str_eq(cp.origin, ORIGIN);
	gt_hash want;
	S_root(e, e->n, &want);
	cr_assert_eq(memcmp(cp.root.b, want.b, 32), 0);
}

/* Verification fails with code (or any failure for code 0) and a message
 * holding each of the given strings. */
static void S_expect_fail(const S_env *e, const gt_buf *since, int code, const char *what,
			  const char *s1, const char *s2)
{
	gt_checkpoint cp = {.size = 4242};
	gt_error err;
	int rc = S_verify_with(e, e->verifier, since, &cp, &err);
	cr_assert_lt(rc, 0, "%s: verified", what);
	if (code)
		cr_assert_eq(rc, code, "%s: %d %s", what, rc, err.msg);
	cr_assert_eq(cp.size, 4242, "%s: the checkpoint was returned on failure", what);
	if (s1)
		cr_assert(strstr(err.msg, s1), "%s: message lacks \"%s\": %s", what, s1, err.msg);
	if (s2)
		cr_assert(strstr(err.msg, s2), "%s: message lacks \"%s\": %s", what, s2, err.msg);
}

/* Offset in its bundle of entry i's first data byte. */
static size_t S_entry_at(const S_env *e, uint64_t i)
{
	uint64_t first = i & ~(uint64_t)255;
	return (size_t)(e->off[i] - e->off[first]) + 2 * (size_t)(i - first) + 2;
}

/* ---- good logs ---------------------------------------------------------- */

Test(verify, good_logs_and_since, .timeout = 300)
{
	static const uint64_t sizes[] = {0, 1, 255, 256, 257, 1000, 65536, 70000};
	S_env e;
	S_init(&e);
	gt_buf old[sizeof(sizes) / sizeof(sizes[0])];
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		S_append(&e, 1, sizes[i] - e.n);
		S_progress p = {0};
		gt_verify_options o = {.fetch = gt_fetch_dir,
				       .fetch_ctx = e.pub,
				       .vkey = e.verifier,
				       .progress = S_on_progress,
				       .progress_ctx = &p};
		gt_checkpoint cp;
		gt_error err = {0};
		cr_assert_eq(gt_verify_log(&o, &cp, &err), 0, "size %llu: %s", U(e.n), err.msg);
		cr_assert_eq(cp.size, e.n);
		cr_assert(!p.backwards);
		if (e.n) {
			cr_assert_gt(p.calls, 0);
			cr_assert_eq(p.last, e.n, "progress ends at %llu of %llu", U(p.last),
				     U(e.n));
			cr_assert_eq(p.total, e.n);
		}
		/* ret may be NULL. */
		cr_assert_eq(gt_verify_log(&o, NULL, NULL), 0);
		S_expect_ok(&e, NULL);
		/* Every earlier checkpoint, and this one, is a prefix. */
		old[i] = (gt_buf)GT_BUF_INIT;
		S_signed(&e, &old[i]);
		for (size_t j = 0; j <= i; j++)
			S_expect_ok(&e, &old[j]);
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		gt_buf_done(&old[i]);
	S_done(&e);
}

/* A log of 1 entry and of 256: the smallest with a level-1 tile. */
Test(verify, small_logs)
{
	S_env e;
	S_init(&e);
	S_expect_ok(&e, NULL);
	S_append(&e, 2, 1);
	S_expect_ok(&e, NULL);
	S_append(&e, 2, 255);
	S_expect_ok(&e, NULL);
	cr_assert(tu_exists(e.pub, "tile/1/000.p/1"));
	S_done(&e);
}

/* ---- keys and checkpoints ----------------------------------------------- */

Test(verify, wrong_key)
{
	S_env e;
	S_init(&e);
	S_append(&e, 3, 300);
	gt_signer *other, *named;
	gt_verifier *vo, *vn;
	cr_assert_eq(gt_signer_generate(ORIGIN, &other, NULL), 0);
	cr_assert_eq(gt_signer_generate("example.com/another-log", &named, NULL), 0);
	cr_assert_eq(gt_signer_verifier(other, &vo), 0);
	cr_assert_eq(gt_signer_verifier(named, &vn), 0);
	gt_checkpoint cp;
	gt_error err;
	int rc = S_verify_with(&e, vo, NULL, &cp, &err);
	cr_assert_eq(rc, GT_ESIG, "same name, other key: %d %s", rc, err.msg);
	cr_assert(strstr(err.msg, "not validly signed"), "%s", err.msg);
	rc = S_verify_with(&e, vn, NULL, &cp, &err);
	cr_assert_lt(rc, 0, "other name: verified");
	cr_assert(strstr(err.msg, "not validly signed"), "%s", err.msg);
	gt_verifier_free(vo);
	gt_verifier_free(vn);
	gt_signer_free(other);
	gt_signer_free(named);
	S_done(&e);
}

Test(verify, checkpoint_tampering)
{
	S_env e;
	S_init(&e);
	S_append(&e, 4, 1000);
	S_saved cp = S_save(&e, "checkpoint");
	gt_buf note = GT_BUF_INIT;
	gt_hash root, r768;
	S_root(&e, 1000, &root);
	S_root(&e, 768, &r768);

	/* Re-signed with the right key: the signature holds, the tiles do not
	 * hash to the root. */
	S_sign(e.signer, ORIGIN, 768, &root, &note);
	tu_write(e.pub, "checkpoint", note.data, note.len);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "size 768, root of 1000", "the tiles hash to root",
		      "for size 768");
	S_sign(e.signer, ORIGIN, 200, &root, &note);
	tu_write(e.pub, "checkpoint", note.data, note.len);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "size 200, root of 1000", "the tiles hash to root",
		      "for size 200");
	/* A size without its partial tiles: they are missing. */
	S_sign(e.signer, ORIGIN, 999, &root, &note);
	tu_write(e.pub, "checkpoint", note.data, note.len);
	S_expect_fail(&e, NULL, GT_ENOTFOUND, "size 999", "tile/entries/003.p/231 is missing",
		      NULL);
	gt_hash other = root;
	other.b[7] ^= 0x10;
	char b64[48];
	gt_base64_encode(other.b, 32, b64);
	S_sign(e.signer, ORIGIN, 1000, &other, &note);
	tu_write(e.pub, "checkpoint", note.data, note.len);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "size 1000, changed root", "the checkpoint says", b64);
	S_sign(e.signer, ORIGIN, 0, &root, &note);
	tu_write(e.pub, "checkpoint", note.data, note.len);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "size 0, root of 1000", "root", NULL);
	/* Larger than the log: its tiles are missing. */
	S_sign(e.signer, ORIGIN, 1001, &root, &note);
	tu_write(e.pub, "checkpoint", note.data, note.len);
	S_expect_fail(&e, NULL, 0, "size 1001", "missing", NULL);
	/* A smaller checkpoint with its right root is a valid (older) log. */
	S_sign(e.signer, ORIGIN, 768, &r768, &note);
	tu_write(e.pub, "checkpoint", note.data, note.len);
	gt_checkpoint c;
	gt_error err;
	cr_assert_eq(S_verify_with(&e, e.verifier, NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_eq(c.size, 768);
	/* Another origin signed by this key. */
	{
		gt_checkpoint oc = {
			.origin = "example.com/not-this-log", .size = 1000, .root = root};
		gt_buf text = GT_BUF_INIT;
		cr_assert_eq(gt_checkpoint_format(&oc, &text), 0);
		gt_buf_reset(&note);
		cr_assert_eq(gt_note_sign(e.signer, (char *)text.data, text.len, &note, NULL), 0);
		gt_buf_done(&text);
	}
	tu_write(e.pub, "checkpoint", note.data, note.len);
	S_expect_fail(&e, NULL, 0, "other origin", "not validly signed", NULL);
	/* A changed byte in the note text or the signature. */
	S_restore(&cp);
	cp = S_save(&e, "checkpoint");
	gt_buf t = GT_BUF_INIT;
	tu_read(e.pub, "checkpoint", &t);
	t.data[strlen(ORIGIN) + 2] ^= 1; /* a digit of the size */
	tu_write(e.pub, "checkpoint", t.data, t.len);
	S_expect_fail(&e, NULL, GT_ESIG, "size digit changed", "not validly signed", NULL);
	S_restore(&cp);
	cp = S_save(&e, "checkpoint");
	tu_read(e.pub, "checkpoint", &t);
	t.data[t.len - 10] ^= 1;
	tu_write(e.pub, "checkpoint", t.data, t.len);
	S_expect_fail(&e, NULL, 0, "signature changed", "not validly signed", NULL);
	/* No checkpoint at all, and an oversized one. */
	tu_unlink(e.pub, "checkpoint");
	S_expect_fail(&e, NULL, GT_ENOTFOUND, "no checkpoint", "no checkpoint", NULL);
	gt_buf_reset(&t);
	for (int i = 0; i < 20000; i++)
		gt_buf_addstr(&t, "x");
	tu_write(e.pub, "checkpoint", t.data, t.len);
	S_expect_fail(&e, NULL, 0, "huge checkpoint", NULL, NULL);
	S_restore(&cp);
	S_expect_ok(&e, NULL);
	gt_buf_done(&t);
	gt_buf_done(&note);
	S_done(&e);
}

Test(verify, since_checks)
{
	S_env e, twin, stranger;
	S_init(&e);
	S_append(&e, 5, 300);
	gt_buf at300 = GT_BUF_INIT, at0 = GT_BUF_INIT, note = GT_BUF_INIT, cur = GT_BUF_INIT;
	S_signed(&e, &at300);
	S_append(&e, 5, 700);
	S_signed(&e, &cur);
	gt_hash root;

	/* The same key, another log (same origin, different entries). */
	S_init_at(&twin, e.root, "twin", e.signer);
	S_append(&twin, 6, 300);
	gt_buf twin300 = GT_BUF_INIT;
	S_signed(&twin, &twin300);
	/* A different log with its own key. */
	gt_signer *sk;
	cr_assert_eq(gt_signer_generate(ORIGIN, &sk, NULL), 0);
	S_init_at(&stranger, e.root, "stranger", sk);
	S_append(&stranger, 5, 300); /* even with the same entries */
	gt_buf str300 = GT_BUF_INIT;
	S_signed(&stranger, &str300);

	S_expect_ok(&e, &at300);
	S_expect_ok(&e, &cur);
	gt_hash_empty(&root);
	S_sign(e.signer, ORIGIN, 0, &root, &at0);
	S_expect_ok(&e, &at0);

	S_expect_fail(&e, &twin300, GT_EPROOF, "another log's checkpoint",
		      "not consistent with the earlier checkpoint", "first 300 entries");
	S_expect_fail(&e, &str300, GT_ESIG, "another key's checkpoint", "earlier checkpoint",
		      "not validly signed");
	/* Forged earlier checkpoints, signed with the right key. */
	S_root(&e, 300, &root);
	root.b[31] ^= 1;
	S_sign(e.signer, ORIGIN, 300, &root, &note);
	S_expect_fail(&e, &note, GT_EPROOF, "forged root at 300", "not consistent", NULL);
	S_root(&e, 300, &root);
	S_sign(e.signer, ORIGIN, 299, &root, &note);
	S_expect_fail(&e, &note, GT_EPROOF, "root of 300 at 299", "first 299 entries", NULL);
	S_sign(e.signer, ORIGIN, 0, &root, &note);
	S_expect_fail(&e, &note, GT_EPROOF, "non-empty root at 0", NULL, NULL);
	S_root(&e, 1000, &root);
	root.b[0] ^= 0x80;
	S_sign(e.signer, ORIGIN, 1000, &root, &note);
	S_expect_fail(&e, &note, GT_EPROOF, "forged root at the current size", "first 1000 entries",
		      NULL);
	/* Larger than the current checkpoint: the log went backwards. */
	S_append(&twin, 6, 1200);
	gt_buf twin1500 = GT_BUF_INIT;
	S_signed(&twin, &twin1500);
	S_expect_fail(&e, &twin1500, GT_ECORRUPT, "earlier checkpoint larger", "went backwards",
		      "1500");
	S_root(&e, 1000, &root);
	S_sign(e.signer, ORIGIN, 1001, &root, &note);
	S_expect_fail(&e, &note, GT_ECORRUPT, "earlier checkpoint larger by one", "went backwards",
		      NULL);
	/* Not a checkpoint at all. */
	gt_buf junk = GT_BUF_INIT;
	gt_buf_addstr(&junk, "hello\n");
	S_expect_fail(&e, &junk, 0, "garbage since", "earlier checkpoint", NULL);
	/* The twin is consistent with itself. */
	S_expect_ok(&twin, &twin300);

	gt_buf_done(&at300);
	gt_buf_done(&at0);
	gt_buf_done(&note);
	gt_buf_done(&cur);
	gt_buf_done(&twin300);
	gt_buf_done(&twin1500);
	gt_buf_done(&str300);
	gt_buf_done(&junk);
	S_done_twin(&twin);
	S_done_twin(&stranger);
	gt_signer_free(sk);
	S_done(&e);
}

/* ---- tampered tiles ----------------------------------------------------- */

Test(verify, tampered_entries)
{
	S_env e;
	S_init(&e);
	S_append(&e, 7, 1000);
	static const struct {
		uint64_t entry;
		const char *bundle, *tile;
	} cases[] = {
		{0, "tile/entries/000", "tile/0/000"},
		{255, "tile/entries/000", "tile/0/000"},
		{300, "tile/entries/001", "tile/0/001"},
		{768, "tile/entries/003.p/232", "tile/0/003.p/232"},
		{999, "tile/entries/003.p/232", "tile/0/003.p/232"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[64], name[64];
		snprintf(what, sizeof(what), "entry %llu changed", U(cases[i].entry));
		snprintf(name, sizeof(name), "entry %llu does not match", U(cases[i].entry));
		S_saved s = S_save(&e, cases[i].bundle);
		tu_flip_byte(e.pub, cases[i].bundle, S_entry_at(&e, cases[i].entry) + 5, 0x04);
		S_expect_fail(&e, NULL, GT_ECORRUPT, what, name, cases[i].tile);
		S_restore(&s);
	}
	/* A changed length prefix makes the bundle malformed. */
	S_saved s = S_save(&e, "tile/entries/001");
	tu_flip_byte(e.pub, "tile/entries/001", S_entry_at(&e, 256 + 17) - 2, 0x04);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "length prefix changed", "tile/entries/001", NULL);
	S_restore(&s);
	S_expect_ok(&e, NULL);
	S_done(&e);
}

Test(verify, tampered_level0_tiles)
{
	S_env e;
	S_init(&e);
	S_append(&e, 8, 1000);
	static const struct {
		const char *tile;
		unsigned hash;
		uint64_t entry;
	} cases[] = {
		{"tile/0/000", 0, 0},		{"tile/0/002", 17, 529},
		{"tile/0/002", 255, 767},	{"tile/0/003.p/232", 5, 773},
		{"tile/0/003.p/232", 231, 999},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[64];
		snprintf(name, sizeof(name), "entry %llu does not match", U(cases[i].entry));
		S_saved s = S_save(&e, cases[i].tile);
		tu_flip_byte(e.pub, cases[i].tile, 32 * cases[i].hash + 31, 0x04);
		S_expect_fail(&e, NULL, GT_ECORRUPT, cases[i].tile, name, cases[i].tile);
		S_restore(&s);
	}
	S_expect_ok(&e, NULL);
	S_done(&e);
}

Test(verify, tampered_upper_tiles, .timeout = 300)
{
	S_env e;
	S_init(&e);
	S_append(&e, 9, 1000);
	/* At 1000: tile/1/000.p/3 holds the hashes of tile/0/000..002. */
	S_saved s = S_save(&e, "tile/1/000.p/3");
	tu_flip_byte(e.pub, "tile/1/000.p/3", 32 + 3, 0x04);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "tile/1/000.p/3", "tile/0/001 hashes to",
		      "but tile/1/000.p/3 holds");
	S_restore(&s);
	/* At 70000: tile/1/000 (full), tile/1/001.p/17, tile/2/000.p/1. */
	S_append(&e, 9, 69000);
	S_expect_ok(&e, NULL);
	s = S_save(&e, "tile/1/000");
	tu_flip_byte(e.pub, "tile/1/000", 5 * 32, 0x04);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "tile/1/000", "tile/0/005 hashes to",
		      "but tile/1/000 holds");
	S_restore(&s);
	s = S_save(&e, "tile/1/001.p/17");
	tu_flip_byte(e.pub, "tile/1/001.p/17", 3 * 32 + 9, 0x04);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "tile/1/001.p/17", "tile/0/259 hashes to",
		      "but tile/1/001.p/17 holds");
	S_restore(&s);
	s = S_save(&e, "tile/2/000.p/1");
	tu_flip_byte(e.pub, "tile/2/000.p/1", 0, 0x04);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "tile/2/000.p/1", "tile/1/000 hashes to",
		      "but tile/2/000.p/1 holds");
	S_restore(&s);
	S_expect_ok(&e, NULL);
	S_done(&e);
}

Test(verify, malformed_and_missing)
{
	S_env e;
	S_init(&e);
	S_append(&e, 10, 1000);
	gt_buf b = GT_BUF_INIT;

	/* Truncated bundles, full and partial; trailing bytes. */
	S_saved s = S_save(&e, "tile/entries/001");
	tu_write(e.pub, "tile/entries/001", s.b.data, s.b.len - 5);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "truncated bundle", "tile/entries/001",
		      "256 expected");
	gt_buf_reset(&b);
	gt_buf_add(&b, s.b.data, s.b.len);
	gt_buf_add(&b, "\x00\x01z", 3);
	tu_write(e.pub, "tile/entries/001", b.data, b.len);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "trailing entry", "tile/entries/001", "trailing");
	S_restore(&s);
	s = S_save(&e, "tile/entries/003.p/232");
	tu_write(e.pub, "tile/entries/003.p/232", s.b.data, s.b.len - 1);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "truncated partial bundle", "tile/entries/003.p/232",
		      NULL);
	S_restore(&s);
	/* Tiles of the wrong length. */
	s = S_save(&e, "tile/0/001");
	tu_write(e.pub, "tile/0/001", s.b.data, 8192 - 32);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "short tile", "tile/0/001", "8160 bytes");
	S_restore(&s);
	s = S_save(&e, "tile/0/003.p/232");
	tu_write(e.pub, "tile/0/003.p/232", s.b.data, 231 * 32);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "short partial tile", "tile/0/003.p/232", NULL);
	tu_write(e.pub, "tile/0/003.p/232", s.b.data, 232 * 32 - 1);
	S_expect_fail(&e, NULL, GT_ECORRUPT, "partial tile not in hashes", "tile/0/003.p/232",
		      NULL);
	S_restore(&s);
	/* Missing files. */
	static const struct {
		const char *rel, *msg;
	} gone[] = {
		{"tile/0/001", "tile/0/001 is missing"},
		{"tile/entries/002", "tile/entries/002 is missing"},
		{"tile/0/003.p/232", "tile/0/003.p/232 is missing (and so is tile/0/003)"},
		{"tile/entries/003.p/232", "tile/entries/003.p/232 is missing"},
		{"tile/1/000.p/3", "tile/1/000.p/3 is missing"},
	};
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		s = S_save(&e, gone[i].rel);
		tu_unlink(e.pub, gone[i].rel);
		S_expect_fail(&e, NULL, GT_ENOTFOUND, gone[i].rel, gone[i].msg, NULL);
		S_restore(&s);
	}
	S_expect_ok(&e, NULL);
	gt_buf_done(&b);
	S_done(&e);
}

/* ---- older sizes and partial tiles -------------------------------------- */

Test(verify, older_sizes_use_full_tiles)
{
	S_env e;
	S_init(&e);
	S_append(&e, 11, 600);
	gt_hash r600;
	S_root(&e, 600, &r600);
	/* The partial tiles of 600, as they were. */
	S_saved p0 = S_save(&e, "tile/0/002.p/88");
	S_saved pe = S_save(&e, "tile/entries/002.p/88");
	S_append(&e, 11, 400);
	/* The log removed them once tile 2 was full. */
	cr_assert(!tu_exists(e.pub, "tile/0/002.p/88"));
	cr_assert(!tu_exists(e.pub, "tile/entries/002.p/88"));
	gt_error err = {0};
	cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 0, 600, &r600, NULL, NULL, &err), 0, "%s",
		     err.msg);
	/* With them back it verifies too; without them again as well. */
	S_restore(&p0);
	S_restore(&pe);
	cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 0, 600, &r600, NULL, NULL, &err), 0, "%s",
		     err.msg);
	tu_unlink(e.pub, "tile/0/002.p/88");
	tu_unlink(e.pub, "tile/entries/002.p/88");
	/* Older sizes, from the full tiles, against their own roots: every
	 * size whose partial tiles exist or are cut from full ones: none is
	 * needed at level 1 below 256, the log was at 600 and 1000 so
	 * tile/1/000.p/2 and .p/3 exist, and level 0 is full up to 768. */
	for (uint64_t size = 0; size <= e.n; size += 1 + size / 64) {
		if ((size >= 256 && size < 512) || (size > 768 && size < 1000))
			continue;
		gt_hash r;
		S_root(&e, size, &r);
		memset(&err, 0, sizeof(err));
		cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 0, size, &r, NULL, NULL, &err), 0,
			     "size %llu: %s", U(size), err.msg);
		if (size == 0)
			continue;
		/* And not against another one. */
		r.b[0] ^= 1;
		cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 0, size, &r, NULL, NULL, &err),
			     GT_ECORRUPT, "size %llu with a wrong root", U(size));
		cr_assert(strstr(err.msg, "the checkpoint says"), "%s", err.msg);
	}
	/* A stale partial tile (wrong contents for its name) is caught. */
	gt_hash bogus[88];
	memset(bogus, 0x33, sizeof(bogus));
	tu_write(e.pub, "tile/0/002.p/88", bogus, sizeof(bogus));
	cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 0, 600, &r600, NULL, NULL, &err),
		     GT_ECORRUPT);
	cr_assert(strstr(err.msg, "entry 512 does not match"), "%s", err.msg);
	S_done(&e);
}

Test(verify, verify_tiles_from)
{
	S_env e;
	S_init(&e);
	S_append(&e, 12, 1000);
	gt_hash root;
	S_root(&e, 1000, &root);
	S_saved s = S_save(&e, "tile/entries/000");
	tu_flip_byte(e.pub, "tile/entries/000", S_entry_at(&e, 10), 0x04);
	gt_error err = {0};
	/* Entries before `from` (rounded down to a bundle) are not checked. */
	cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 256, 1000, &root, NULL, NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 999, 1000, &root, NULL, NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 5000, 1000, &root, NULL, NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 11, 1000, &root, NULL, NULL, &err),
		     GT_ECORRUPT);
	cr_assert(strstr(err.msg, "entry 10 does not match"), "%s", err.msg);
	cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 0, 1000, &root, NULL, NULL, &err),
		     GT_ECORRUPT);
	S_restore(&s);
	/* The root is always checked, whatever from is. */
	root.b[3] ^= 2;
	cr_assert_eq(gt_verify_tiles(gt_fetch_dir, e.pub, 1000, 1000, &root, NULL, NULL, &err),
		     GT_ECORRUPT);
	cr_assert(strstr(err.msg, "root"), "%s", err.msg);
	S_done(&e);
}

/* ---- the helpers, with an in-memory fetcher ---------------------------- */

typedef struct {
	const char *path[8];
	gt_buf data[8];
	const char *fail_path; /* fetching this fails with GT_ENET */
	unsigned calls;
} S_mem;

static int S_mem_fetch(void *ctx, const char *path, gt_buf *out, gt_error *err)
{
	S_mem *m = ctx;
	m->calls++;
	if (m->fail_path && !strcmp(path, m->fail_path))
		return gt_fail(err, GT_ENET, "network down for %s", path);
	for (int i = 0; i < 8 && m->path[i]; i++)
		if (!strcmp(m->path[i], path))
			return gt_buf_add(out, m->data[i].data, m->data[i].len) < 0 ? GT_ENOMEM : 0;
	return gt_fail(err, GT_ENOTFOUND, "%s: not found", path);
}

static void S_mem_put(S_mem *m, const char *path, const void *data, size_t len)
{
	int i = 0;
	while (m->path[i])
		i++;
	m->path[i] = path;
	m->data[i] = (gt_buf)GT_BUF_INIT;
	gt_buf_add(&m->data[i], data, len);
}

static void S_mem_done(S_mem *m)
{
	for (int i = 0; i < 8 && m->path[i]; i++)
		gt_buf_done(&m->data[i]);
}

Test(verify, bundle_next)
{
	static const uint8_t ok[] = {0, 1, 'a', 0, 3, 'b', 'c', 'd', 1, 0};
	uint8_t big[2 + 256];
	big[0] = 1;
	big[1] = 0;
	memset(big + 2, 'q', 256);
	gt_bytes all = {ok, 8}, e;
	size_t pos = 0;
	cr_assert_eq(gt_bundle_next(&all, &pos, &e), 1);
	cr_assert(e.len == 1 && e.data[0] == 'a' && pos == 3);
	cr_assert_eq(gt_bundle_next(&all, &pos, &e), 1);
	cr_assert(e.len == 3 && !memcmp(e.data, "bcd", 3) && pos == 8);
	cr_assert_eq(gt_bundle_next(&all, &pos, &e), 0);
	cr_assert_eq(gt_bundle_next(&all, &pos, &e), 0);
	/* 256 bytes: the length is big-endian. */
	gt_bytes b256 = {big, sizeof(big)};
	pos = 0;
	cr_assert_eq(gt_bundle_next(&b256, &pos, &e), 1);
	cr_assert_eq(e.len, 256);
	/* A lone length byte, a short entry, an empty entry. */
	gt_bytes t1 = {ok, 9}, t2 = {ok, 7}, t3 = {(const uint8_t *)"\x00\x00", 2};
	pos = 8;
	cr_assert_eq(gt_bundle_next(&t1, &pos, &e), GT_ECORRUPT);
	pos = 3;
	cr_assert_eq(gt_bundle_next(&t2, &pos, &e), GT_ECORRUPT);
	pos = 0;
	cr_assert_eq(gt_bundle_next(&t3, &pos, &e), GT_ECORRUPT);
	gt_bytes t4 = {big, sizeof(big) - 1};
	pos = 0;
	cr_assert_eq(gt_bundle_next(&t4, &pos, &e), GT_ECORRUPT);
	gt_bytes empty = {NULL, 0};
	pos = 0;
	cr_assert_eq(gt_bundle_next(&empty, &pos, &e), 0);
}

Test(verify, tile_fetch)
{
	gt_hash h[256];
	for (int i = 0; i < 256; i++)
		memset(&h[i], i, sizeof(gt_hash));
	S_mem m = {0};
	S_mem_put(&m, "tile/0/000.p/5", h, 5 * 32);
	S_mem_put(&m, "tile/0/001", h, 8192);
	S_mem_put(&m, "tile/0/002", h, 8191);
	S_mem_put(&m, "tile/0/003.p/7", h, 7 * 32 - 1);
	S_mem_put(&m, "tile/1/000.p/3", h, 2 * 32);
	S_mem_put(&m, "tile/entries/000.p/2", "\x00\x01x\x00\x02yz", 7);
	S_mem_put(&m, "tile/entries/001", "\x00\x01x\x00\x02yz\x00\x01w", 10);
	gt_buf out = GT_BUF_INIT;
	gt_error err = {0};

	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 0, 5, &out, &err), 0, "%s", err.msg);
	cr_assert(out.len == 5 * 32 && !memcmp(out.data, h, out.len));
	/* Appends. */
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 0, 5, &out, &err), 0);
	cr_assert_eq(out.len, 10 * 32);
	/* A partial tile served by its full tile, cut to the width. */
	gt_buf_reset(&out);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 1, 100, &out, &err), 0, "%s", err.msg);
	cr_assert(out.len == 100 * 32 && !memcmp(out.data, h, out.len));
	gt_buf_reset(&out);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 1, 256, &out, &err), 0);
	cr_assert_eq(out.len, 8192);
	/* Wrong lengths. */
	gt_buf_reset(&out);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 2, 256, &out, &err), GT_ECORRUPT);
	cr_assert(strstr(err.msg, "tile/0/002"), "%s", err.msg);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 2, 3, &out, &err), GT_ECORRUPT);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 3, 7, &out, &err), GT_ECORRUPT);
	cr_assert(strstr(err.msg, "tile/0/003.p/7"), "%s", err.msg);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 1, 0, 3, &out, &err), GT_ECORRUPT);
	cr_assert_eq(out.len, 0, "nothing is appended on failure");
	/* Missing. */
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 9, 4, &out, &err), GT_ENOTFOUND);
	cr_assert(strstr(err.msg, "tile/0/009.p/4") && strstr(err.msg, "tile/0/009"), "%s",
		  err.msg);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 2, 0, 256, &out, &err), GT_ENOTFOUND);
	cr_assert(strstr(err.msg, "tile/2/000 is missing"), "%s", err.msg);
	/* Other failures are passed on as they are. */
	m.fail_path = "tile/0/000.p/5";
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 0, 5, &out, &err), GT_ENET);
	cr_assert(strstr(err.msg, "network down"), "%s", err.msg);
	m.fail_path = "tile/0/004";
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, 0, 4, 5, &out, &err), GT_ENET);
	m.fail_path = NULL;
	/* Bundles. */
	gt_buf_reset(&out);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, GT_TILE_ENTRIES, 0, 2, &out, &err), 0, "%s",
		     err.msg);
	cr_assert(out.len == 7 && !memcmp(out.data, "\x00\x01x\x00\x02yz", 7));
	gt_buf_reset(&out);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, GT_TILE_ENTRIES, 0, 3, &out, &err),
		     GT_ENOTFOUND);
	/* From a longer bundle: the first width entries. */
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, GT_TILE_ENTRIES, 1, 2, &out, &err), 0, "%s",
		     err.msg);
	cr_assert(out.len == 7 && !memcmp(out.data, "\x00\x01x\x00\x02yz", 7));
	gt_buf_reset(&out);
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, GT_TILE_ENTRIES, 1, 4, &out, &err),
		     GT_ECORRUPT);
	cr_assert(strstr(err.msg, "tile/entries/001"), "%s", err.msg);
	/* A "full" bundle of 3 entries. */
	cr_assert_eq(gt_tile_fetch(S_mem_fetch, &m, GT_TILE_ENTRIES, 1, 256, &out, &err),
		     GT_ECORRUPT);
	gt_buf_done(&out);
	S_mem_done(&m);
}

/* Verification from another source than a directory: errors of the source
 * are passed on. */
Test(verify, fetch_errors)
{
	S_env e;
	S_init(&e);
	S_append(&e, 13, 300);
	S_mem m = {0};
	gt_buf b[5] = {GT_BUF_INIT, GT_BUF_INIT, GT_BUF_INIT, GT_BUF_INIT, GT_BUF_INIT};
	static const char *files[] = {"checkpoint", "tile/0/000", "tile/0/001.p/44",
				      "tile/entries/000", "tile/entries/001.p/44"};
	for (int i = 0; i < 5; i++) {
		tu_read(e.pub, files[i], &b[i]);
		S_mem_put(&m, files[i], b[i].data, b[i].len);
	}
	gt_verify_options o = {.fetch = S_mem_fetch, .fetch_ctx = &m, .vkey = e.verifier};
	gt_error err = {0};
	cr_assert_eq(gt_verify_log(&o, NULL, &err), GT_ENOTFOUND, "no tile/1/000.p/1 yet");
	cr_assert(strstr(err.msg, "tile/1/000.p/1"), "%s", err.msg);
	gt_buf t = GT_BUF_INIT;
	tu_read(e.pub, "tile/1/000.p/1", &t);
	S_mem_put(&m, "tile/1/000.p/1", t.data, t.len);
	cr_assert_eq(gt_verify_log(&o, NULL, &err), 0, "%s", err.msg);
	for (int i = 0; i < 5; i++) {
		m.fail_path = files[i];
		memset(&err, 0, sizeof(err));
		cr_assert_eq(gt_verify_log(&o, NULL, &err), GT_ENET, "%s", files[i]);
		cr_assert(strstr(err.msg, files[i]), "%s", err.msg);
	}
	/* gt_fetch_dir itself. */
	gt_buf x = GT_BUF_INIT;
	cr_assert_eq(gt_fetch_dir(e.pub, "tile/0/999", &x, &err), GT_ENOTFOUND);
	cr_assert_eq(gt_fetch_dir(e.pub, "checkpoint", &x, &err), 0);
	cr_assert(x.len == b[0].len && !memcmp(x.data, b[0].data, x.len));
	gt_buf_done(&x);
	gt_buf_done(&t);
	for (int i = 0; i < 5; i++)
		gt_buf_done(&b[i]);
	S_mem_done(&m);
	S_done(&e);
}

/* ---- every entry handed to a callback ----------------------------------- */

typedef struct {
	const S_env *e;
	uint64_t next, stop_at;
	int bad;
} S_seen;

static int S_on_entry(void *ctx, uint64_t index, const uint8_t *data, size_t len, gt_error *err)
{
	S_seen *s = ctx;
	const S_env *e = s->e;
	if (index != s->next || len != e->off[index + 1] - e->off[index] ||
	    memcmp(data, e->data.data + e->off[index], len) != 0)
		s->bad = 1;
	s->next++;
	if (index == s->stop_at)
		return gt_fail(err, GT_EINVAL, "stopped at %llu", U(index));
	return 0;
}

Test(verify, entry_callback)
{
	S_env e;
	S_init(&e);
	S_append(&e, 3, 700);
	S_seen s = {.e = &e, .stop_at = UINT64_MAX};
	gt_verify_options o = {.fetch = gt_fetch_dir,
			       .fetch_ctx = e.pub,
			       .vkey = e.verifier,
			       .entry = S_on_entry,
			       .entry_ctx = &s};
	gt_error err = {0};
	cr_assert_eq(gt_verify_log(&o, NULL, &err), 0, "%s", err.msg);
	cr_assert_eq(s.next, 700, "every entry once, in order: %llu", U(s.next));
	cr_assert(!s.bad, "an entry was not what was appended");
	/* A failing callback stops the verification with its code and message. */
	s = (S_seen){.e = &e, .stop_at = 300};
	cr_assert_eq(gt_verify_log(&o, NULL, &err), GT_EINVAL);
	cr_assert_str_eq(err.msg, "stopped at 300");
	cr_assert_eq(s.next, 301);
	/* A tampered entry is never handed over. */
	s = (S_seen){.e = &e, .stop_at = UINT64_MAX};
	S_saved saved = S_save(&e, "tile/entries/001");
	tu_flip_byte(e.pub, "tile/entries/001", S_entry_at(&e, 260), 1);
	cr_assert_eq(gt_verify_log(&o, NULL, &err), GT_ECORRUPT);
	cr_assert_eq(s.next, 256, "only the first bundle's entries: %llu", U(s.next));
	cr_assert(!s.bad);
	S_restore(&saved);
	S_done(&e);
}
