/* Unit tests for the on-disk log (src/log/log.c through log.h): appends,
 * proofs against an in-memory RFC 9162 reference, the exact tlog-tiles
 * files, reopening, read-only access, locking, recovery and tampering,
 * and the journal: sequencing, integration and its recovery. */
#include <criterion/criterion.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "log/checkpoint.h"
#include "log/hash.h"
#include "log/journal.h"
#include "log/log.h"
#include "log/note.h"
#include "log/tilepath.h"
#include "log/verify.h"
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ORIGIN "example.com/goodtrace-test"

/* ---- deterministic randomness ------------------------------------------ */

static uint64_t S_rng = 0x452821e638d01377ull;

/* ---- the reference: entries in memory and RFC 9162 over them ---------- */

typedef struct {
	uint64_t n;
	gt_buf data;   /* entry i is data[off[i], off[i + 1]) */
	uint64_t *off; /* n + 1 offsets */
	uint64_t off_cap;
	gt_hash *lv[64]; /* lv[h][i]: complete subtree of 2^h leaves at i << h */
	uint64_t lv_cap[64];
} S_model;

static void S_model_init(S_model *m)
{
	memset(m, 0, sizeof(*m));
	m->off = calloc(1, sizeof(uint64_t));
	m->off_cap = 1;
	cr_assert_not_null(m->off);
}

static void S_model_done(S_model *m)
{
	gt_buf_done(&m->data);
	free(m->off);
	for (int h = 0; h < 64; h++)
		free(m->lv[h]);
}

static void S_lv_put(S_model *m, int h, uint64_t i, const gt_hash *v)
{
	if (i >= m->lv_cap[h]) {
		uint64_t cap = m->lv_cap[h] ? 2 * m->lv_cap[h] : 1024;
		m->lv[h] = realloc(m->lv[h], cap * sizeof(gt_hash));
		CHECK(m->lv[h], "out of memory");
		m->lv_cap[h] = cap;
	}
	m->lv[h][i] = *v;
}

static void S_model_add(S_model *m, const uint8_t *e, size_t len)
{
	if (m->n + 2 > m->off_cap) {
		m->off_cap *= 2;
		m->off = realloc(m->off, m->off_cap * sizeof(uint64_t));
		CHECK(m->off, "out of memory");
	}
	CHECK(gt_buf_add(&m->data, e, len) == 0, "out of memory");
	m->off[m->n + 1] = m->data.len;
	gt_hash h;
	gt_hash_leaf(e, len, &h);
	uint64_t i = m->n++;
	S_lv_put(m, 0, i, &h);
	for (int level = 0; i & 1; level++, i >>= 1) {
		gt_hash up;
		gt_hash_node(&m->lv[level][i - 1], &m->lv[level][i], &up);
		S_lv_put(m, level + 1, i >> 1, &up);
	}
}

/* Forget the entries from n on (subtree hashes past n are rewritten as
 * entries are added again). */
static void S_model_truncate(S_model *m, uint64_t n)
{
	m->n = n;
	m->data.len = m->off[n];
}

static gt_bytes S_model_entry(const S_model *m, uint64_t i)
{
	gt_bytes b = {m->data.data + m->off[i], m->off[i + 1] - m->off[i]};
	return b;
}

static void S_mth(const S_model *m, uint64_t lo, uint64_t hi, gt_hash *out)
{
	uint64_t n = hi - lo;
	CHECK(hi <= m->n, "reference range past the model");
	if (n == 0) {
		gt_hash_empty(out);
		return;
	}
	if ((n & (n - 1)) == 0 && lo % n == 0) {
		int h = __builtin_ctzll(n);
		*out = m->lv[h][lo >> h];
		return;
	}
	uint64_t k = tu_split(n);
	gt_hash a, b;
	S_mth(m, lo, lo + k, &a);
	S_mth(m, lo + k, hi, &b);
	gt_hash_node(&a, &b, out);
}

static void S_path(const S_model *md, uint64_t m, uint64_t lo, uint64_t hi, gt_hash *out, size_t *n)
{
	if (hi - lo <= 1)
		return;
	uint64_t k = tu_split(hi - lo);
	if (m < k) {
		S_path(md, m, lo, lo + k, out, n);
		S_mth(md, lo + k, hi, &out[(*n)++]);
	} else {
		S_path(md, m - k, lo + k, hi, out, n);
		S_mth(md, lo, lo + k, &out[(*n)++]);
	}
}

static void S_subproof(const S_model *md, uint64_t m, uint64_t lo, uint64_t hi, int b, gt_hash *out,
		       size_t *n)
{
	uint64_t len = hi - lo;
	if (m == len) {
		if (!b)
			S_mth(md, lo, hi, &out[(*n)++]);
		return;
	}
	uint64_t k = tu_split(len);
	if (m <= k) {
		S_subproof(md, m, lo, lo + k, b, out, n);
		S_mth(md, lo + k, hi, &out[(*n)++]);
	} else {
		S_subproof(md, m - k, lo + k, hi, 0, out, n);
		S_mth(md, lo, lo + k, &out[(*n)++]);
	}
}

/* Entry i of the stream salt: 8 to 40 bytes, all derived from (salt, i). */
static size_t S_gen(uint64_t salt, uint64_t i, uint8_t out[40])
{
	uint64_t r = tu_mix(salt * 0x100000001b3ull + i);
	size_t len = 8 + r % 33;
	for (size_t k = 0; k < len; k += 8) {
		uint64_t v = tu_mix(r + k);
		memcpy(out + k, &v, len - k < 8 ? len - k : 8);
	}
	return len;
}

/* ---- files and directories --------------------------------------------- */

static void S_copy_tree(const char *src, const char *dst)
{
	mkdir(dst, 0755);
	DIR *d = opendir(src);
	CHECK(d, "opendir %s", src);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *s = tu_join(src, de->d_name), *t = tu_join(dst, de->d_name);
		struct stat st;
		CHECK(lstat(s, &st) == 0, "lstat %s", s);
		if (S_ISDIR(st.st_mode)) {
			S_copy_tree(s, t);
		} else {
			gt_buf b = GT_BUF_INIT;
			tu_read(src, de->d_name, &b);
			tu_write(dst, de->d_name, b.data, b.len);
			gt_buf_done(&b);
		}
		free(s);
		free(t);
	}
	closedir(d);
}

/* All regular files under dir (relative paths, sorted), or NULL-terminated
 * list; directories are listed with a trailing '/'. */
typedef struct {
	char **v;
	size_t n, cap;
} S_list;

static void S_list_add(S_list *l, const char *s)
{
	if (l->n + 1 >= l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(char *));
		CHECK(l->v, "out of memory");
	}
	l->v[l->n++] = strdup(s);
	l->v[l->n] = NULL;
}

static void S_list_walk(S_list *l, const char *root, const char *rel)
{
	char *path = rel[0] ? tu_join(root, rel) : strdup(root);
	DIR *d = opendir(path);
	CHECK(d, "opendir %s", path);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *r = rel[0] ? tu_join(rel, de->d_name) : strdup(de->d_name);
		char *full = tu_join(root, r);
		struct stat st;
		CHECK(lstat(full, &st) == 0, "lstat %s", full);
		if (S_ISDIR(st.st_mode)) {
			char *slash;
			CHECK(asprintf(&slash, "%s/", r) >= 0, "out of memory");
			S_list_add(l, slash);
			free(slash);
			S_list_walk(l, root, r);
		} else {
			S_list_add(l, r);
		}
		free(r);
		free(full);
	}
	closedir(d);
	free(path);
}

static int S_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static S_list S_list_dir(const char *root)
{
	S_list l = {0};
	S_list_walk(&l, root, "");
	if (l.n)
		qsort(l.v, l.n, sizeof(char *), S_strcmp);
	return l;
}

static void S_list_free(S_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Every path, size and content hash under dir, as one string; with
 * files_only, directories are left out. */
static char *S_snapshot_of(const char *dir, int files_only)
{
	S_list l = S_list_dir(dir);
	gt_buf out = GT_BUF_INIT;
	for (size_t i = 0; i < l.n; i++) {
		int is_dir = l.v[i][strlen(l.v[i]) - 1] == '/';
		if (is_dir && files_only)
			continue;
		gt_buf_addf(&out, "%s", l.v[i]);
		if (!is_dir) {
			gt_buf b = GT_BUF_INIT;
			uint8_t h[32];
			char hb[48];
			tu_read(dir, l.v[i], &b);
			gt_sha256(b.data, b.len, h);
			gt_base64_encode(h, 32, hb);
			gt_buf_addf(&out, " %zu %s", b.len, hb);
			gt_buf_done(&b);
		}
		gt_buf_addstr(&out, "\n");
	}
	S_list_free(&l);
	return out.data ? (char *)out.data : strdup("");
}

static char *S_snapshot(const char *dir)
{
	return S_snapshot_of(dir, 0);
}

/* ---- a log under test --------------------------------------------------- */

typedef struct {
	char *root, *pub, *state;
	gt_signer *signer;
	gt_verifier *verifier;
	gt_log_options wopt, ropt; /* writer, reader */
} S_env;

static void S_env_init(S_env *e, enum gt_log_sync sync)
{
	memset(e, 0, sizeof(*e));
	e->root = tu_tmpdir("log");
	e->pub = tu_join(e->root, "public/log");
	e->state = tu_join(e->root, "state/log");
	cr_assert_eq(gt_signer_generate(ORIGIN, &e->signer, NULL), 0);
	cr_assert_eq(gt_signer_verifier(e->signer, &e->verifier), 0);
	e->wopt = (gt_log_options){
		.public_dir = e->pub, .state_dir = e->state, .signer = e->signer, .sync = sync};
	e->ropt = (gt_log_options){
		.public_dir = e->pub, .state_dir = e->state, .verifier = e->verifier, .sync = sync};
}

/* Another log directory pair in the same temporary root. */
static void S_env_twin(const S_env *e, S_env *t, const char *name)
{
	*t = *e;
	char *p, *s;
	cr_assert_geq(asprintf(&p, "%s/%s/public", e->root, name), 0);
	cr_assert_geq(asprintf(&s, "%s/%s/state", e->root, name), 0);
	t->root = NULL;
	t->pub = p;
	t->state = s;
	t->wopt.public_dir = t->ropt.public_dir = p;
	t->wopt.state_dir = t->ropt.state_dir = s;
}

static void S_env_twin_done(S_env *t)
{
	free(t->pub);
	free(t->state);
}

static void S_env_done(S_env *e)
{
	tu_rmrf(e->root);
	free(e->root);
	free(e->pub);
	free(e->state);
	gt_signer_free(e->signer);
	gt_verifier_free(e->verifier);
}

static gt_log *S_open(const gt_log_options *opt)
{
	gt_log *log = NULL;
	gt_error err = {0};
	int rc = gt_log_open(opt, &log, &err);
	cr_assert_eq(rc, 0, "open %s: %d %s", opt->public_dir, rc, err.msg);
	cr_assert_not_null(log);
	return log;
}

static gt_log *S_create_open(S_env *e)
{
	gt_error err = {0};
	int rc = gt_log_create(&e->wopt, &err);
	cr_assert_eq(rc, 0, "create: %d %s", rc, err.msg);
	return S_open(&e->wopt);
}

typedef int (*S_write_fn)(gt_log *, const gt_bytes *, size_t, uint64_t *, gt_error *);

/* Write count generated entries of stream salt with one call of fn
 * (gt_log_append or gt_log_sequence). */
static void S_write(gt_log *log, S_model *m, uint64_t salt, uint64_t count, S_write_fn fn)
{
	uint8_t *buf = malloc(count * 40 + 1);
	gt_bytes *v = malloc((count + 1) * sizeof(gt_bytes));
	cr_assert(buf && v);
	size_t at = 0;
	for (uint64_t i = 0; i < count; i++) {
		size_t len = S_gen(salt, m->n + i, buf + at);
		v[i].data = buf + at;
		v[i].len = len;
		at += len;
	}
	uint64_t first = UINT64_MAX;
	gt_error err = {0};
	int rc = fn(log, v, count, &first, &err);
	cr_assert_eq(rc, 0, "%s %llu: %d %s", fn == gt_log_append ? "append" : "sequence", U(count),
		     rc, err.msg);
	cr_assert_eq(first, m->n, "first index %llu, expected %llu", U(first), U(m->n));
	for (uint64_t i = 0; i < count; i++)
		S_model_add(m, v[i].data, v[i].len);
	free(buf);
	free(v);
}

/* Append (durable and published) or sequence (durable, not yet published). */
static void S_append(gt_log *log, S_model *m, uint64_t salt, uint64_t count)
{
	S_write(log, m, salt, count, gt_log_append);
}

static void S_sequence(gt_log *log, S_model *m, uint64_t salt, uint64_t count)
{
	S_write(log, m, salt, count, gt_log_sequence);
}

/* Tree sizes that matter for tiles. */
static const uint64_t S_marks[] = {
	1,     2,     3,     255,   256,   257,	  511,	 512,	513,	1000,	1024,	4096,
	65279, 65280, 65535, 65536, 65537, 65792, 65793, 99999, 100000, 131071, 131072, 131073,
};
#define S_NMARKS (sizeof(S_marks) / sizeof(S_marks[0]))

static void S_check_root_at(gt_log *log, const S_model *m, uint64_t size)
{
	gt_hash got, want;
	gt_error err = {0};
	int rc = gt_log_root_at(log, size, &got, &err);
	CHECK(rc == 0, "root_at %llu: %d %s", U(size), rc, err.msg);
	S_mth(m, 0, size, &want);
	CHECK(tu_hash_eq(&got, &want), "root_at %llu differs from the reference", U(size));
}

static void S_check_inclusion(gt_log *log, const S_model *m, uint64_t index, uint64_t size)
{
	gt_hash got[GT_PROOF_MAX], want[GT_PROOF_MAX], root;
	gt_proof p = {got, 0};
	size_t n = 0;
	gt_error err = {0};
	int rc = gt_log_inclusion_proof(log, index, size, &p, &err);
	CHECK(rc == 0, "inclusion %llu in %llu: %d %s", U(index), U(size), rc, err.msg);
	S_path(m, index, 0, size, want, &n);
	CHECK(p.n == n && memcmp(got, want, n * sizeof(gt_hash)) == 0,
	      "inclusion %llu in %llu differs from the reference", U(index), U(size));
	S_mth(m, 0, size, &root);
	CHECK(gt_verify_inclusion(index, size, &m->lv[0][index], got, n, &root) == 0,
	      "inclusion %llu in %llu does not verify", U(index), U(size));
	if (n) {
		got[index % n].b[size % 32] ^= 1;
		CHECK(gt_verify_inclusion(index, size, &m->lv[0][index], got, n, &root) ==
			      GT_EPROOF,
		      "inclusion %llu in %llu verifies when flipped", U(index), U(size));
	}
}

static void S_check_consistency(gt_log *log, const S_model *m, uint64_t size1, uint64_t size2)
{
	gt_hash got[GT_PROOF_MAX + 1], want[GT_PROOF_MAX + 1], r1, r2;
	gt_proof p = {got, 777};
	size_t n = 0;
	gt_error err = {0};
	int rc = gt_log_consistency_proof(log, size1, size2, &p, &err);
	CHECK(rc == 0, "consistency %llu -> %llu: %d %s", U(size1), U(size2), rc, err.msg);
	if (size1 > 0 && size1 < size2)
		S_subproof(m, size1, 0, size2, 1, want, &n);
	CHECK(p.n == n && memcmp(got, want, n * sizeof(gt_hash)) == 0,
	      "consistency %llu -> %llu differs from the reference", U(size1), U(size2));
	if (size1 == 0)
		return;
	S_mth(m, 0, size1, &r1);
	S_mth(m, 0, size2, &r2);
	CHECK(gt_verify_consistency(size1, size2, &r1, &r2, got, n) == 0,
	      "consistency %llu -> %llu does not verify", U(size1), U(size2));
	if (n) {
		got[size2 % n].b[size1 % 32] ^= 0x80;
		CHECK(gt_verify_consistency(size1, size2, &r1, &r2, got, n) == GT_EPROOF,
		      "consistency %llu -> %llu verifies when flipped", U(size1), U(size2));
	}
}

static void S_check_entry(gt_log *log, const S_model *m, uint64_t i)
{
	gt_buf b = GT_BUF_INIT;
	gt_error err = {0};
	gt_buf_addstr(&b, "x"); /* appended after what is there */
	int rc = gt_log_entry(log, i, &b, &err);
	CHECK(rc == 0, "entry %llu: %d %s", U(i), rc, err.msg);
	gt_bytes e = S_model_entry(m, i);
	CHECK(b.len == e.len + 1 && memcmp(b.data + 1, e.data, e.len) == 0,
	      "entry %llu differs: %zu bytes, expected %zu", U(i), b.len - 1, e.len);
	gt_buf_done(&b);
	gt_hash h;
	rc = gt_log_leaf_hash(log, i, &h, &err);
	CHECK(rc == 0 && tu_hash_eq(&h, &m->lv[0][i]), "leaf hash %llu: %d %s", U(i), rc, err.msg);
}

/* The signed checkpoint: its text, signature and contents. */
static void S_check_checkpoint(gt_log *log, const S_env *e, const S_model *m)
{
	gt_buf note = GT_BUF_INIT, file = GT_BUF_INIT;
	cr_assert_eq(gt_log_checkpoint(log, &note), 0);
	tu_read(e->pub, "checkpoint", &file);
	cr_assert_eq(note.len, file.len);
	cr_assert_eq(memcmp(note.data, file.data, note.len), 0, "the checkpoint file differs");
	gt_checkpoint cp;
	gt_error err = {0};
	cr_assert_eq(gt_checkpoint_open(e->verifier, (char *)note.data, note.len, &cp, &err), 0,
		     "%s", err.msg);
	cr_assert_str_eq(cp.origin, ORIGIN);
	cr_assert_eq(cp.size, m->n);
	gt_hash want;
	S_mth(m, 0, m->n, &want);
	cr_assert(tu_hash_eq(&cp.root, &want));
	/* "origin\nsize\nroot\n\n— origin base64(keyid || signature)\n" */
	char root64[48], *text;
	gt_base64_encode(want.b, 32, root64);
	cr_assert_geq(
		asprintf(&text, ORIGIN "\n%llu\n%s\n\n\xe2\x80\x94 " ORIGIN " ", U(m->n), root64),
		0);
	size_t tl = strlen(text);
	cr_assert_gt(note.len, tl);
	cr_assert_eq(memcmp(note.data, text, tl), 0, "checkpoint text:\n%s", (char *)note.data);
	cr_assert_eq(note.data[note.len - 1], '\n');
	size_t slen = note.len - tl - 1;
	cr_assert_eq(slen, gt_base64_len(4 + 64), "signature line: %s", (char *)note.data + tl);
	uint8_t sig[72];
	size_t sn;
	cr_assert_eq(gt_base64_decode((char *)note.data + tl, slen, sig, &sn), 0);
	uint32_t id =
		(uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
	cr_assert_eq(id, gt_verifier_id(e->verifier));
	cr_assert_str_eq(gt_log_origin(log), ORIGIN);
	gt_hash r;
	gt_log_root(log, &r);
	cr_assert(tu_hash_eq(&r, &want));
	free(text);
	gt_buf_done(&note);
	gt_buf_done(&file);
}

/* The public directory holds exactly the tlog-tiles of the model's size:
 * every full tile, the partial tile of each level at the current size, and
 * at most older partials of those same partial tiles; every file holds
 * exactly the right bytes. */
static void S_check_files(const S_env *e, const S_model *m)
{
	uint64_t size = m->n;
	S_list l = S_list_dir(e->pub);
	char want[GT_TILE_PATH_MAX];
	/* Everything expected is there. */
	cr_assert(tu_exists(e->pub, "checkpoint"));
	for (int level = GT_TILE_ENTRIES; level < GT_TILE_LEVELS; level++) {
		uint64_t full = gt_tile_full_count(size, level);
		unsigned w = gt_tile_partial_width(size, level);
		uint64_t first =
			full > 3 ? full - 3 : 0; /* the newest ones; all are listed below */
		for (uint64_t t = first; t < full; t++) {
			gt_tile_path(want, level, t, 0);
			CHECK(tu_exists(e->pub, want), "%s is missing at size %llu", want, U(size));
		}
		if (w) {
			gt_tile_path(want, level, full, w);
			CHECK(tu_exists(e->pub, want), "%s is missing at size %llu", want, U(size));
		}
	}
	/* Everything there is expected, with the right contents. */
	uint64_t counted[GT_TILE_LEVELS + 1] = {0};
	for (size_t i = 0; i < l.n; i++) {
		const char *p = l.v[i];
		size_t len = strlen(p);
		if (!strcmp(p, "checkpoint"))
			continue;
		if (p[len - 1] == '/') {
			CHECK(!strncmp(p, "tile/", 5), "unexpected directory %s", p);
			if (len > 3 && !strcmp(p + len - 3, ".p/")) {
				/* A partial-tile directory: only for the partial tile. */
				char q[GT_TILE_PATH_MAX + 4];
				int level;
				uint64_t index;
				unsigned width;
				snprintf(q, sizeof(q), "%s1", p);
				CHECK(gt_tile_path_parse(q, strlen(q), &level, &index, &width) == 0,
				      "unexpected directory %s", p);
				int geom = level == GT_TILE_ENTRIES ? 0 : level;
				CHECK(index == gt_tile_full_count(size, geom) &&
					      gt_tile_partial_width(size, geom) > 0,
				      "%s should not exist at size %llu", p, U(size));
			}
			continue;
		}
		int level;
		uint64_t index;
		unsigned width;
		CHECK(gt_tile_path_parse(p, len, &level, &index, &width) == 0,
		      "unexpected file %s at size %llu", p, U(size));
		int geom = level == GT_TILE_ENTRIES ? 0 : level;
		uint64_t full = gt_tile_full_count(size, geom);
		unsigned w = gt_tile_partial_width(size, geom);
		if (width == 0) {
			CHECK(index < full, "%s exists beyond size %llu", p, U(size));
			width = GT_TILE_WIDTH;
			counted[level == GT_TILE_ENTRIES ? GT_TILE_LEVELS : level]++;
		} else {
			CHECK(index == full && width <= w,
			      "%s should not exist at size %llu (partial tiles of full tiles are "
			      "removed; none lie beyond the size)",
			      p, U(size));
		}
		gt_buf b = GT_BUF_INIT;
		tu_read(e->pub, p, &b);
		if (level == GT_TILE_ENTRIES) {
			size_t at = 0;
			for (unsigned k = 0; k < width; k++) {
				gt_bytes en = S_model_entry(m, index * 256 + k);
				CHECK(at + 2 + en.len <= b.len && b.data[at] == en.len >> 8 &&
					      b.data[at + 1] == (en.len & 255) &&
					      memcmp(b.data + at + 2, en.data, en.len) == 0,
				      "%s: entry %u is not as appended", p, k);
				at += 2 + en.len;
			}
			CHECK(at == b.len, "%s is %zu bytes, expected %zu", p, b.len, at);
		} else {
			CHECK(b.len == width * 32u, "%s is %zu bytes, expected %u", p, b.len,
			      width * 32u);
			if (width == GT_TILE_WIDTH)
				CHECK(b.len == 8192, "full tile %s is not 8192 bytes", p);
			int h = 8 * level;
			for (unsigned k = 0; k < width; k++)
				CHECK(memcmp(b.data + 32 * k, m->lv[h][index * 256 + k].b, 32) == 0,
				      "%s: hash %u is wrong", p, k);
		}
		gt_buf_done(&b);
	}
	for (int level = 0; level < GT_TILE_LEVELS; level++)
		CHECK(counted[level] == gt_tile_full_count(size, level),
		      "%llu full tiles at level %d, expected %llu", U(counted[level]), level,
		      U(gt_tile_full_count(size, level)));
	CHECK(counted[GT_TILE_LEVELS] == gt_tile_full_count(size, 0), "%llu full entry bundles",
	      U(counted[GT_TILE_LEVELS]));
	S_list_free(&l);
}

/* Sizes, roots, proofs and entries of the log against the model; entries
 * from `from` on are all read, older ones sampled. */
static void S_check_log(gt_log *log, const S_model *m, uint64_t from, int samples)
{
	uint64_t n = m->n;
	cr_assert_eq(gt_log_size(log), n);
	gt_hash r, want;
	gt_log_root(log, &r);
	S_mth(m, 0, n, &want);
	cr_assert(tu_hash_eq(&r, &want), "root at size %llu", U(n));
	for (uint64_t s = 0; s <= n && s <= 300; s++)
		S_check_root_at(log, m, s);
	for (uint64_t s = n > 300 ? n - 300 : 0; s <= n; s++)
		S_check_root_at(log, m, s);
	for (size_t i = 0; i < S_NMARKS; i++)
		if (S_marks[i] <= n)
			S_check_root_at(log, m, S_marks[i]);
	for (int i = 0; i < samples; i++)
		S_check_root_at(log, m, tu_between(&S_rng, 0, n));
	if (n == 0)
		return;
	/* Proofs at boundary and random indexes and sizes. */
	for (size_t i = 0; i < S_NMARKS; i++) {
		uint64_t a = S_marks[i];
		if (a > n)
			continue;
		S_check_inclusion(log, m, a - 1, n);
		S_check_inclusion(log, m, a - 1, a);
		S_check_inclusion(log, m, 0, a);
		S_check_consistency(log, m, a, n);
		S_check_consistency(log, m, a - 1, a);
		for (size_t j = 0; j < i; j++)
			S_check_consistency(log, m, S_marks[j], a);
		if (a < n)
			S_check_inclusion(log, m, a, n);
	}
	S_check_inclusion(log, m, n - 1, n);
	S_check_consistency(log, m, 0, n);
	S_check_consistency(log, m, n, n);
	S_check_consistency(log, m, n - 1, n);
	for (int i = 0; i < samples; i++) {
		uint64_t s = tu_between(&S_rng, 1, n);
		S_check_inclusion(log, m, tu_between(&S_rng, 0, s - 1), s);
		S_check_inclusion(log, m, tu_between(&S_rng, 0, n - 1), n);
		S_check_consistency(log, m, tu_between(&S_rng, 0, s), s);
		S_check_consistency(log, m, tu_between(&S_rng, 0, n), n);
	}
	for (uint64_t i = from; i < n; i++)
		S_check_entry(log, m, i);
	/* A full bundle is read whole the first time, from the file with its
	 * offsets known the second, and from its mapping after that. */
	for (int pass = 0; pass < 2; pass++)
		for (uint64_t i = from; i < n && i < from + 600; i++)
			S_check_entry(log, m, pass ? from + (i - from) * 7 % (n - from) : i);
	for (int i = 0; i < samples; i++)
		S_check_entry(log, m, tu_between(&S_rng, 0, n - 1));
	/* Out of range. */
	gt_hash h[GT_PROOF_MAX + 1];
	gt_proof p = {h, 0};
	gt_buf b = GT_BUF_INIT;
	gt_error err = {0};
	cr_assert_eq(gt_log_root_at(log, n + 1, &r, &err), GT_ERANGE);
	cr_assert_eq(err.code, GT_ERANGE);
	cr_assert_eq(gt_log_entry(log, n, &b, NULL), GT_ERANGE);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(gt_log_leaf_hash(log, n, &r, NULL), GT_ERANGE);
	cr_assert_eq(gt_log_inclusion_proof(log, n, n, &p, NULL), GT_ERANGE);
	cr_assert_eq(gt_log_inclusion_proof(log, 0, n + 1, &p, NULL), GT_ERANGE);
	cr_assert_eq(gt_log_consistency_proof(log, 1, n + 1, &p, NULL), GT_ERANGE);
	cr_assert_eq(gt_log_consistency_proof(log, n, n - 1, &p, NULL), GT_ERANGE);
}

static void S_check_verifies(const S_env *e, const S_model *m)
{
	gt_verify_options vo = {.fetch = gt_fetch_dir, .fetch_ctx = e->pub, .vkey = e->verifier};
	gt_checkpoint cp;
	gt_error err = {0};
	int rc = gt_verify_log(&vo, &cp, &err);
	cr_assert_eq(rc, 0, "gt_verify_log: %d %s", rc, err.msg);
	cr_assert_eq(cp.size, m->n);
}

/* ---- tests --------------------------------------------------------------- */

Test(log, create_and_empty)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_error err = {0};
	cr_assert_eq(gt_log_create(&e.ropt, &err), GT_EINVAL, "create needs the signer");
	cr_assert_eq(gt_log_create(&e.wopt, &err), 0, "%s", err.msg);
	struct stat st;
	cr_assert_eq(stat(e.state, &st), 0);
	cr_assert_eq(st.st_mode & 077, 0, "the state directory is private");
	cr_assert_eq(gt_log_create(&e.wopt, &err), GT_EEXIST);
	cr_assert_eq(err.code, GT_EEXIST);

	S_list l = S_list_dir(e.pub);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.v[0], "checkpoint");
	S_list_free(&l);

	gt_log *log = S_open(&e.wopt);
	S_check_checkpoint(log, &e, &m);
	gt_buf note = GT_BUF_INIT;
	tu_read(e.pub, "checkpoint", &note);
	cr_assert(strstr((char *)note.data,
			 ORIGIN "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n") ==
		  (char *)note.data);
	gt_buf_done(&note);
	S_check_log(log, &m, 0, 5);
	S_check_files(&e, &m);
	/* Appending nothing is fine and changes nothing. */
	uint64_t first = 99;
	cr_assert_eq(gt_log_append(log, NULL, 0, &first, &err), 0);
	cr_assert_eq(gt_log_size(log), 0);
	gt_log_free(log);
	gt_log_free(NULL);

	log = S_open(&e.ropt);
	S_check_log(log, &m, 0, 5);
	gt_bytes one = {(const uint8_t *)"x", 1};
	cr_assert_eq(gt_log_append(log, &one, 1, NULL, &err), GT_EINVAL, "read-only append");
	gt_log_free(log);
	S_check_verifies(&e, &m);

	/* Bad opens. */
	gt_log *bad = NULL;
	gt_log_options none = {.public_dir = e.pub, .state_dir = e.state};
	cr_assert_eq(gt_log_open(&none, &bad, &err), GT_EINVAL);
	char *nolog = tu_join(e.root, "nolog");
	cr_assert_eq(mkdir(nolog, 0755), 0);
	gt_log_options o = e.ropt;
	o.public_dir = nolog;
	memset(&err, 0, sizeof(err));
	cr_assert_eq(gt_log_open(&o, &bad, &err), GT_ENOTFOUND);
	cr_assert(strstr(err.msg, "checkpoint"), "%s", err.msg);
	free(nolog);
	nolog = tu_join(e.root, "missing/log");
	o.public_dir = nolog;
	cr_assert_lt(gt_log_open(&o, &bad, &err), 0);
	cr_assert_null(bad);
	free(nolog);
	/* Another key cannot open it. */
	gt_signer *other;
	cr_assert_eq(gt_signer_generate(ORIGIN, &other, NULL), 0);
	o = e.wopt;
	o.signer = other;
	memset(&err, 0, sizeof(err));
	cr_assert_eq(gt_log_open(&o, &bad, &err), GT_ECORRUPT);
	cr_assert(strstr(err.msg, "does not verify"), "%s", err.msg);
	gt_signer_free(other);
	S_model_done(&m);
	S_env_done(&e);
}

/* Batches of many sizes, crossing tile boundaries and the 65,536-entry
 * commit split, up to 131,080 entries, checked after every batch. */
Test(log, append_batches, .timeout = 600)
{
	static const uint64_t batches[] = {1, 7, 248, 255, 1, 256, 257, 1000, 63511, 65537, 7};
	/* sizes: 1 8 256 511 512 768 1025 2025 65536 131073 131080 */
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *log = S_create_open(&e);
	for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		uint64_t from = m.n;
		S_append(log, &m, 1, batches[i]);
		S_check_log(log, &m, from, 60);
		S_check_checkpoint(log, &e, &m);
		S_check_files(&e, &m);
	}
	gt_log_free(log);
	S_check_verifies(&e, &m);
	/* A reader sees the same. */
	log = S_open(&e.ropt);
	S_check_log(log, &m, m.n, 100);
	gt_log_free(log);
	S_model_done(&m);
	S_env_done(&e);
}

/* The file names and contents of C2SP tlog-tiles, spelled out. */
Test(log, tlog_tiles_layout)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *log = S_create_open(&e);
	gt_buf b = GT_BUF_INIT;

	S_append(log, &m, 2, 5);
	cr_assert(tu_exists(e.pub, "tile/0/000.p/5"));
	cr_assert(tu_exists(e.pub, "tile/entries/000.p/5"));
	cr_assert(!tu_exists(e.pub, "tile/1"));
	S_append(log, &m, 2, 95);
	cr_assert(tu_exists(e.pub, "tile/0/000.p/100"));
	cr_assert(tu_exists(e.pub, "tile/entries/000.p/100"));
	S_check_files(&e, &m);

	S_append(log, &m, 2, 156); /* 256 */
	cr_assert(tu_exists(e.pub, "tile/0/000"));
	cr_assert(tu_exists(e.pub, "tile/entries/000"));
	cr_assert(tu_exists(e.pub, "tile/1/000.p/1"));
	cr_assert(!tu_exists(e.pub, "tile/0/000.p"), "partials of a full tile are removed");
	cr_assert(!tu_exists(e.pub, "tile/entries/000.p"));
	cr_assert(!tu_exists(e.pub, "tile/0/001.p"));
	cr_assert(!tu_exists(e.pub, "tile/2"));
	tu_read(e.pub, "tile/0/000", &b);
	cr_assert_eq(b.len, 8192);
	for (int i = 0; i < 256; i++)
		cr_assert_eq(memcmp(b.data + 32 * i, m.lv[0][i].b, 32), 0);
	gt_buf_reset(&b);
	tu_read(e.pub, "tile/1/000.p/1", &b);
	cr_assert_eq(b.len, 32);
	gt_hash t0;
	gt_hash_root(m.lv[0], 256, &t0);
	cr_assert_eq(memcmp(b.data, t0.b, 32), 0, "tile/1/000.p/1 holds the root of tile/0/000");
	gt_buf_reset(&b);
	tu_read(e.pub, "tile/entries/000", &b);
	size_t at = 0;
	for (uint64_t i = 0; i < 256; i++) {
		gt_bytes en = S_model_entry(&m, i);
		cr_assert_eq(b.data[at], 0);
		cr_assert_eq(b.data[at + 1], en.len);
		cr_assert_eq(memcmp(b.data + at + 2, en.data, en.len), 0);
		at += 2 + en.len;
	}
	cr_assert_eq(at, b.len);
	S_check_files(&e, &m);

	S_append(log, &m, 2, 44); /* 300 */
	cr_assert(tu_exists(e.pub, "tile/0/001.p/44"));
	cr_assert(tu_exists(e.pub, "tile/entries/001.p/44"));
	gt_buf_reset(&b);
	tu_read(e.pub, "tile/0/001.p/44", &b);
	cr_assert_eq(b.len, 44 * 32);
	S_append(log, &m, 2, 212); /* 512 */
	cr_assert(tu_exists(e.pub, "tile/0/001"));
	cr_assert(!tu_exists(e.pub, "tile/0/001.p"));
	cr_assert(!tu_exists(e.pub, "tile/entries/001.p"));
	cr_assert(tu_exists(e.pub, "tile/1/000.p/2"));
	S_check_files(&e, &m);
	gt_buf_done(&b);
	gt_log_free(log);
	S_model_done(&m);
	S_env_done(&e);
}

Test(log, entry_size_limits)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *log = S_create_open(&e);
	S_append(log, &m, 3, 10);
	uint8_t *big = malloc(65536);
	cr_assert_not_null(big);
	for (size_t i = 0; i < 65536; i++)
		big[i] = (uint8_t)(i * 7 + 3);
	char *pub0 = S_snapshot(e.pub), *state0 = S_snapshot(e.state);
	gt_hash root0;
	gt_log_root(log, &root0);

	gt_bytes ok = {big, 20};
	const gt_bytes bad[][3] = {
		{{big, 0}}, {{big, 65536}}, {ok, ok, {big, 0}}, {ok, {big, 65536}, ok}, {{NULL, 0}},
	};
	const size_t nbad[] = {1, 1, 3, 3, 1};
	for (size_t i = 0; i < sizeof(nbad) / sizeof(nbad[0]); i++) {
		gt_error err = {0};
		uint64_t first = 12345;
		cr_assert_eq(gt_log_append(log, bad[i], nbad[i], &first, &err), GT_EINVAL,
			     "case %zu", i);
		cr_assert_eq(err.code, GT_EINVAL);
		cr_assert_neq(err.msg[0], 0);
		cr_assert_eq(first, 12345);
		cr_assert_eq(gt_log_size(log), 10);
		char *pub1 = S_snapshot(e.pub), *state1 = S_snapshot(e.state);
		cr_assert_str_eq(pub1, pub0, "case %zu changed the public files", i);
		cr_assert_str_eq(state1, state0, "case %zu changed the state files", i);
		free(pub1);
		free(state1);
	}
	gt_hash root1;
	gt_log_root(log, &root1);
	cr_assert(tu_hash_eq(&root0, &root1));

	/* The log still works, and 1 and 65535 bytes are fine. */
	gt_bytes edge[] = {{big, 1}, {big, 65535}, {big + 1, 65535}, {big, 2}};
	uint64_t first = 0;
	gt_error err = {0};
	cr_assert_eq(gt_log_append(log, edge, 4, &first, &err), 0, "%s", err.msg);
	cr_assert_eq(first, 10);
	for (int i = 0; i < 4; i++)
		S_model_add(&m, edge[i].data, edge[i].len);
	S_append(log, &m, 3, 300);
	S_check_log(log, &m, 0, 20);
	S_check_files(&e, &m);
	gt_log_free(log);
	log = S_open(&e.wopt);
	S_check_log(log, &m, 0, 20);
	gt_log_free(log);
	S_check_verifies(&e, &m);
	free(pub0);
	free(state0);
	free(big);
	S_model_done(&m);
	S_env_done(&e);
}

/* A bundle of 256 entries of the largest size (16 MiB). */
Test(log, full_bundle_of_largest_entries, .timeout = 300)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *log = S_create_open(&e);
	S_append(log, &m, 4, 3);
	uint8_t *big = malloc(GT_ENTRY_MAX + 300);
	gt_bytes v[256];
	for (size_t i = 0; i < GT_ENTRY_MAX + 300; i++)
		big[i] = (uint8_t)tu_rand(&S_rng);
	for (int i = 0; i < 256; i++) {
		v[i].data = big + i;
		v[i].len = GT_ENTRY_MAX;
	}
	gt_error err = {0};
	cr_assert_eq(gt_log_append(log, v, 256, NULL, &err), 0, "%s", err.msg);
	for (int i = 0; i < 256; i++)
		S_model_add(&m, v[i].data, v[i].len);
	S_append(log, &m, 4, 253); /* 512 */
	/* (Each read of an entry of bundle 0 reads all its 16 MiB: sample.) */
	S_check_log(log, &m, 300, 10);
	static const uint64_t idx[] = {0, 2, 3, 4, 200, 255, 256, 258, 259, 511};
	gt_log_free(log);
	log = S_open(&e.wopt);
	S_check_log(log, &m, m.n, 10);
	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		S_check_entry(log, &m, idx[i]);
	S_check_files(&e, &m);
	gt_log_free(log);
	S_check_verifies(&e, &m);
	free(big);
	S_model_done(&m);
	S_env_done(&e);
}

/* Reopening between appends gives exactly the files of one long session. */
Test(log, reopen_continues)
{
	static const uint64_t batches[] = {1, 254, 1, 45, 211, 1, 255, 256, 1000, 2, 700};
	S_env a, b;
	S_env_init(&a, GT_LOG_SYNC_FS);
	S_env_twin(&a, &b, "twin");
	S_model ma, mb;
	S_model_init(&ma);
	S_model_init(&mb);
	gt_log *la = S_create_open(&a), *lb = S_create_open(&b);
	for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		gt_log_free(la);
		la = S_open(&a.wopt);
		S_check_log(la, &ma, ma.n, 10);
		S_append(la, &ma, 5, batches[i]);
		S_append(lb, &mb, 5, batches[i]);
		gt_hash ra, rb;
		gt_log_root(la, &ra);
		gt_log_root(lb, &rb);
		cr_assert(tu_hash_eq(&ra, &rb), "roots differ after batch %zu", i);
		char *sa = S_snapshot(a.pub), *sb = S_snapshot(b.pub);
		cr_assert_str_eq(sa, sb, "the public files differ after batch %zu", i);
		free(sa);
		free(sb);
	}
	S_check_log(la, &ma, 0, 50);
	S_check_files(&a, &ma);
	gt_log_free(la);
	gt_log_free(lb);
	/* Reopen without appending changes nothing public. */
	char *before = S_snapshot(a.pub);
	la = S_open(&a.wopt);
	gt_log_free(la);
	char *after = S_snapshot(a.pub);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	S_model_done(&ma);
	S_model_done(&mb);
	S_env_twin_done(&b);
	S_env_done(&a);
}

Test(log, read_only_and_index)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *w = S_create_open(&e);
	S_append(w, &m, 6, 70000);
	S_append(w, &m, 6, 123);
	/* A reader alongside the writer. */
	gt_log *r = S_open(&e.ropt);
	S_check_log(r, &m, m.n - 300, 100);
	gt_hash h1[GT_PROOF_MAX], h2[GT_PROOF_MAX];
	for (int i = 0; i < 200; i++) {
		uint64_t s = tu_between(&S_rng, 1, m.n), k = tu_between(&S_rng, 0, s - 1);
		gt_proof p1 = {h1, 0}, p2 = {h2, 0};
		cr_assert_eq(gt_log_inclusion_proof(w, k, s, &p1, NULL), 0);
		cr_assert_eq(gt_log_inclusion_proof(r, k, s, &p2, NULL), 0);
		cr_assert(p1.n == p2.n && !memcmp(h1, h2, p1.n * sizeof(gt_hash)));
	}
	/* The writer goes on; the reader stays at its checkpoint and its
	 * proofs stay right although partial tiles were replaced. */
	S_model mr;
	S_model_init(&mr);
	for (uint64_t i = 0; i < m.n; i++) {
		gt_bytes en = S_model_entry(&m, i);
		S_model_add(&mr, en.data, en.len);
	}
	S_append(w, &m, 6, 500);
	cr_assert_eq(gt_log_size(r), mr.n);
	S_check_log(r, &mr, mr.n - 200, 100);
	gt_log_free(r);
	S_model_done(&mr);
	gt_log_free(w);

	/* Readers touch nothing on disk. */
	char *pub0 = S_snapshot(e.pub), *state0 = S_snapshot(e.state);
	r = S_open(&e.ropt);
	S_check_log(r, &m, m.n - 10, 100);
	gt_log_free(r);
	char *pub1 = S_snapshot(e.pub), *state1 = S_snapshot(e.state);
	cr_assert_str_eq(pub0, pub1);
	cr_assert_str_eq(state0, state1);
	free(pub0);
	free(pub1);
	free(state0);
	free(state1);

	/* Read-only without the private state: proofs from the tiles. */
	char *moved = tu_join(e.root, "state-moved");
	cr_assert_eq(rename(e.state, moved), 0);
	r = S_open(&e.ropt);
	S_check_log(r, &m, m.n - 300, 100);
	gt_log_free(r);
	cr_assert(!tu_exists(e.state, ""), "a reader created the state directory");
	cr_assert_eq(rename(moved, e.state), 0);
	free(moved);

	/* Read-only with a short index: the rest comes from the tiles. */
	tu_truncate(e.state, "index.0", 1000);
	tu_unlink(e.state, "index.1");
	r = S_open(&e.ropt);
	S_check_log(r, &m, m.n - 300, 100);
	gt_log_free(r);

	/* A writer rebuilds the index. */
	w = S_open(&e.wopt);
	S_check_log(w, &m, m.n, 100);
	gt_log_free(w);
	struct stat st;
	char *idx = tu_join(e.state, "index.0");
	cr_assert_eq(stat(idx, &st), 0);
	cr_assert_gt(st.st_size, 1000);
	free(idx);
	for (int l = 0; l < GT_TILE_LEVELS; l++) {
		char name[16];
		snprintf(name, sizeof(name), "index.%d", l);
		if (tu_exists(e.state, name))
			tu_unlink(e.state, name);
	}
	w = S_open(&e.wopt);
	S_check_log(w, &m, m.n, 100);
	S_append(w, &m, 6, 300);
	S_check_log(w, &m, m.n - 300, 100);
	gt_log_free(w);
	r = S_open(&e.ropt);
	S_check_log(r, &m, m.n, 100);
	gt_log_free(r);

	/* Without the state directory a writer cannot take the lock; with an
	 * empty one it rebuilds everything from the public files. */
	tu_rmrf(e.state);
	gt_log *nw = NULL;
	gt_error err = {0};
	cr_assert_lt(gt_log_open(&e.wopt, &nw, &err), 0);
	cr_assert_null(nw);
	cr_assert(strstr(err.msg, e.state), "%s", err.msg);
	cr_assert_eq(mkdir(e.state, 0700), 0);
	w = S_open(&e.wopt);
	S_check_log(w, &m, m.n, 100);
	S_append(w, &m, 6, 77);
	S_check_log(w, &m, m.n - 77, 100);
	gt_log_free(w);
	cr_assert(tu_exists(e.state, "index.0"));

	/* A garbled last index record is rebuilt by the next writer. */
	idx = tu_join(e.state, "index.0");
	cr_assert_eq(stat(idx, &st), 0);
	free(idx);
	gt_buf junk = GT_BUF_INIT;
	tu_read(e.state, "index.0", &junk);
	memset(junk.data + junk.len - 4096, 0x77, 4096);
	tu_write(e.state, "index.0", junk.data, junk.len);
	gt_buf_done(&junk);
	w = S_open(&e.wopt);
	S_check_log(w, &m, m.n, 200);
	gt_log_free(w);
	S_check_verifies(&e, &m);
	S_model_done(&m);
	S_env_done(&e);
}

Test(log, second_writer_busy)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *w = S_create_open(&e);
	S_append(w, &m, 7, 300);
	char *pub0 = S_snapshot(e.pub);
	gt_log *w2 = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_log_open(&e.wopt, &w2, &err), GT_EBUSY);
	cr_assert_eq(err.code, GT_EBUSY);
	cr_assert_neq(err.msg[0], 0);
	cr_assert_null(w2);
	char *pub1 = S_snapshot(e.pub);
	cr_assert_str_eq(pub0, pub1, "a refused writer touched the log");
	free(pub1);
	/* Readers are not locked out, and the writer still works. */
	gt_log *r = S_open(&e.ropt);
	S_check_log(r, &m, 0, 10);
	gt_log_free(r);
	S_append(w, &m, 7, 10);
	gt_log_free(w);
	w2 = S_open(&e.wopt);
	S_check_log(w2, &m, 0, 10);
	gt_log_free(w2);
	free(pub0);
	S_model_done(&m);
	S_env_done(&e);
}

/* A commit was made durable (staged) but the crash came before the public
 * checkpoint was replaced: open must publish it. */
Test(log, recovery_rolls_forward)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *w = S_create_open(&e);
	S_append(w, &m, 8, 300);
	gt_buf cpa = GT_BUF_INIT, cpb = GT_BUF_INIT;
	tu_read(e.pub, "checkpoint", &cpa);
	S_model ma;
	S_model_init(&ma);
	for (uint64_t i = 0; i < m.n; i++) {
		gt_bytes en = S_model_entry(&m, i);
		S_model_add(&ma, en.data, en.len);
	}
	S_append(w, &m, 8, 400); /* 700 */
	gt_log_free(w);
	tu_read(e.pub, "checkpoint", &cpb);
	tu_write(e.pub, "checkpoint", cpa.data, cpa.len);

	/* Readers trust the published checkpoint: size 300, whose partial
	 * tiles are gone (tile/0/001 is full now). */
	cr_assert(!tu_exists(e.pub, "tile/0/001.p/44"));
	gt_log *r = S_open(&e.ropt);
	S_check_log(r, &ma, 0, 50);
	gt_log_free(r);

	w = S_open(&e.wopt);
	S_check_log(w, &m, 0, 50);
	S_check_checkpoint(w, &e, &m);
	S_check_files(&e, &m);
	gt_buf now = GT_BUF_INIT;
	tu_read(e.pub, "checkpoint", &now);
	cr_assert(now.len == cpb.len && !memcmp(now.data, cpb.data, now.len));
	S_append(w, &m, 8, 100);
	S_check_log(w, &m, m.n - 100, 50);
	gt_log_free(w);
	S_check_verifies(&e, &m);

	/* Across a split commit of 70,000 entries: back to 800, forward to
	 * 70,800 (the larger staged checkpoint). */
	gt_buf_reset(&cpa);
	tu_read(e.pub, "checkpoint", &cpa);
	w = S_open(&e.wopt);
	S_append(w, &m, 8, 70000);
	gt_log_free(w);
	tu_write(e.pub, "checkpoint", cpa.data, cpa.len);
	/* (Keep the state of this crash for the next case.) */
	char *crashed = tu_join(e.root, "crashed");
	char *cpub = tu_join(crashed, "public"), *cstate = tu_join(crashed, "state");
	mkdir(crashed, 0755);
	S_copy_tree(e.pub, cpub);
	S_copy_tree(e.state, cstate);
	w = S_open(&e.wopt);
	cr_assert_eq(gt_log_size(w), m.n);
	S_check_log(w, &m, m.n - 1000, 50);
	S_check_files(&e, &m);
	gt_log_free(w);
	S_check_verifies(&e, &m);

	/* A crash in the second commit of the split: the first (66,336) is
	 * published, the second's tiles are partly there and its staged
	 * checkpoint is torn. Open goes back to 66,336. */
	tu_rmrf(e.pub);
	tu_rmrf(e.state);
	S_copy_tree(cpub, e.pub);
	S_copy_tree(cstate, e.state);
	gt_buf s0 = GT_BUF_INIT, s1 = GT_BUF_INIT;
	gt_checkpoint c0, c1;
	tu_read(e.state, "checkpoint.0", &s0);
	tu_read(e.state, "checkpoint.1", &s1);
	cr_assert_eq(gt_checkpoint_open(e.verifier, (char *)s0.data, s0.len, &c0, NULL), 0);
	cr_assert_eq(gt_checkpoint_open(e.verifier, (char *)s1.data, s1.len, &c1, NULL), 0);
	cr_assert(c0.size + c1.size == 66336 + 70800 && c0.size != c1.size, "staged: %llu, %llu",
		  U(c0.size), U(c1.size));
	const char *newest = c0.size > c1.size ? "checkpoint.0" : "checkpoint.1";
	gt_buf *nb = c0.size > c1.size ? &s0 : &s1, *ob = c0.size > c1.size ? &s1 : &s0;
	tu_write(e.state, newest, nb->data, nb->len / 2);
	tu_write(e.pub, "checkpoint", ob->data, ob->len);
	/* The partial tiles of 66,336 were removed by the completed second
	 * commit; recovery recreates them from the full tiles before it
	 * removes everything past 66,336. */
	cr_assert(!tu_exists(e.pub, "tile/0/259.p/32"));
	cr_assert(!tu_exists(e.pub, "tile/entries/259.p/32"));
	S_model m1;
	S_model_init(&m1);
	for (uint64_t i = 0; i < 66336; i++) {
		gt_bytes en = S_model_entry(&m, i);
		S_model_add(&m1, en.data, en.len);
	}
	w = S_open(&e.wopt);
	cr_assert_eq(gt_log_size(w), 66336);
	S_check_log(w, &m1, 66336 - 300, 50);
	S_check_files(&e, &m1);
	cr_assert(tu_exists(e.pub, "tile/0/259.p/32"));
	cr_assert(tu_exists(e.pub, "tile/entries/259.p/32"));
	S_append(w, &m1, 99, 1000);
	S_check_log(w, &m1, 66336, 50);
	gt_log_free(w);
	S_check_verifies(&e, &m1);
	S_model_done(&m1);
	gt_buf_done(&s0);
	gt_buf_done(&s1);
	free(cpub);
	free(cstate);
	free(crashed);

	gt_buf_done(&cpa);
	gt_buf_done(&cpb);
	gt_buf_done(&now);
	S_model_done(&ma);
	S_model_done(&m);
	S_env_done(&e);
}

/* A commit was cut short: files past the checkpoint, a staged checkpoint
 * that is garbage or whose tiles are not all there. Open goes back to the
 * published checkpoint and removes everything past it. */
Test(log, recovery_cuts_back)
{
	S_env e, t;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_env_twin(&e, &t, "twin");
	S_model m, mt;
	S_model_init(&m);
	S_model_init(&mt);
	gt_log *w = S_create_open(&e), *tw = S_create_open(&t);
	S_append(w, &m, 9, 600);
	S_append(tw, &mt, 9, 600);
	S_append(tw, &mt, 9, 400); /* the twin went on to 1000 */
	gt_log_free(w);
	gt_log_free(tw);
	char *pub0 = S_snapshot_of(e.pub, 1);
	static const char *stray[] = {
		"tile/0/003",		"tile/0/002.p/100",
		"tile/0/002.p/89",	"tile/entries/002.p/100",
		"tile/entries/003.p/5", "tile/entries/003",
		"tile/1/000.p/200",	"tile/1/000.p/3",
		"tile/0/004.tmp",	"tile/entries/002.tmp",
		"tile/2/000.p/1",	"tile/0/002.p/90.tmp",
	};
	uint8_t junk[8192];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)tu_rand(&S_rng);

	/* 1: stray files and garbage staged checkpoints. */
	for (size_t i = 0; i < sizeof(stray) / sizeof(stray[0]); i++)
		tu_write(e.pub, stray[i], junk, 32 * (i + 1));
	tu_write(e.state, "checkpoint.0", junk, 200);
	gt_checkpoint forged = {.size = 1000};
	strcpy(forged.origin, ORIGIN);
	memcpy(forged.root.b, junk, 32);
	gt_buf note = GT_BUF_INIT;
	cr_assert_eq(gt_checkpoint_sign(&forged, e.signer, &note, NULL), 0);
	tu_write(e.state, "checkpoint.1", note.data, note.len);
	w = S_open(&e.wopt);
	cr_assert_eq(gt_log_size(w), 600);
	char *pub1 = S_snapshot_of(e.pub, 1);
	cr_assert_str_eq(pub1, pub0, "recovery left files past the checkpoint");
	free(pub1);
	S_check_log(w, &m, 0, 30);
	S_check_files(&e, &m);
	gt_log_free(w);

	/* 2: the twin's staged checkpoint for 1000 (right key, right root) with
	 * some of its tiles: the commit did not complete. */
	gt_buf cp1000 = GT_BUF_INIT;
	tu_read(t.pub, "checkpoint", &cp1000);
	static const char *some[] = {"tile/0/002", "tile/entries/002", "tile/1/000.p/3",
				     "tile/0/003.p/232"};
	for (size_t i = 0; i < sizeof(some) / sizeof(some[0]); i++) {
		gt_buf b = GT_BUF_INIT;
		tu_read(t.pub, some[i], &b);
		tu_write(e.pub, some[i], b.data, b.len);
		gt_buf_done(&b);
	}
	tu_write(e.state, "checkpoint.0", cp1000.data, cp1000.len);
	w = S_open(&e.wopt);
	cr_assert_eq(gt_log_size(w), 600);
	pub1 = S_snapshot_of(e.pub, 1);
	cr_assert_str_eq(pub1, pub0, "recovery left files past the checkpoint");
	free(pub1);
	S_check_log(w, &m, 0, 30);
	/* Appending afterwards works: different entries than the twin's. */
	S_append(w, &m, 10, 500);
	S_check_log(w, &m, 590, 50);
	S_check_files(&e, &m);
	gt_log_free(w);
	S_check_verifies(&e, &m);

	/* 3: all of the twin's tiles are there: roll forward to 1000. */
	tu_rmrf(e.pub);
	S_copy_tree(t.pub, e.pub);
	gt_buf cp600 = GT_BUF_INIT;
	S_model_done(&m);
	S_model_init(&m);
	for (uint64_t i = 0; i < 600; i++) {
		gt_bytes en = S_model_entry(&mt, i);
		S_model_add(&m, en.data, en.len);
	}
	gt_checkpoint c600 = {.size = 600};
	strcpy(c600.origin, ORIGIN);
	S_mth(&m, 0, 600, &c600.root);
	cr_assert_eq(gt_checkpoint_sign(&c600, e.signer, &cp600, NULL), 0);
	tu_write(e.pub, "checkpoint", cp600.data, cp600.len);
	tu_write(e.state, "checkpoint.1", cp1000.data, cp1000.len);
	tu_write(e.state, "checkpoint.0", junk, 100);
	w = S_open(&e.wopt);
	cr_assert_eq(gt_log_size(w), 1000);
	S_check_log(w, &mt, 0, 30);
	S_check_files(&e, &mt);
	gt_log_free(w);

	gt_buf_done(&note);
	gt_buf_done(&cp1000);
	gt_buf_done(&cp600);
	free(pub0);
	S_model_done(&m);
	S_model_done(&mt);
	S_env_twin_done(&t);
	S_env_done(&e);
}

/* Changed tiles under a published checkpoint: open refuses and changes
 * nothing, for writers and readers. */
static void S_expect_refused(const S_env *e, const char *what)
{
	char *pub0 = S_snapshot(e->pub), *state0 = S_snapshot(e->state);
	for (int writer = 1; writer >= 0; writer--) {
		gt_log *log = NULL;
		gt_error err = {0};
		int rc = gt_log_open(writer ? &e->wopt : &e->ropt, &log, &err);
		cr_assert_eq(rc, GT_ECORRUPT, "%s: %s open gave %d %s", what,
			     writer ? "writer" : "reader", rc, err.msg);
		cr_assert_null(log);
		cr_assert_eq(err.code, GT_ECORRUPT);
		cr_assert(strstr(err.msg, "do not hash to"), "%s: %s", what, err.msg);
		char *pub1 = S_snapshot(e->pub), *state1 = S_snapshot(e->state);
		cr_assert_str_eq(pub1, pub0, "%s: open changed the public files", what);
		cr_assert_str_eq(state1, state0, "%s: open changed the state files", what);
		free(pub1);
		free(state1);
	}
	free(pub0);
	free(state0);
}

static void S_save(const S_env *e, const char *rel, gt_buf *b)
{
	tu_read(e->pub, rel, b);
}

static void S_restore(const S_env *e, const char *rel, const gt_buf *b)
{
	tu_write(e->pub, rel, b->data, b->len);
}

Test(log, tampering_refused)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *w = S_create_open(&e);
	S_append(w, &m, 11, 600);
	gt_log_free(w);
	gt_buf b = GT_BUF_INIT;
	/* Offset of entry 599's data in its bundle (entries 512..599). */
	size_t at = 0;
	for (uint64_t i = 512; i < 599; i++)
		at += 2 + S_model_entry(&m, i).len;
	static const struct {
		const char *rel;
		long at; /* < 0: truncate by -at bytes */
	} cases[] = {
		{"tile/entries/002.p/88", -1},
		{"tile/entries/002.p/88", 0},  /* a length prefix */
		{"tile/entries/002.p/88", -2}, /* filled below: entry 599's data */
		{"tile/0/002.p/88", 87 * 32 + 5},
		{"tile/0/002.p/88", 0},
		{"tile/0/002.p/88", -32},
		{"tile/1/000.p/2", 33},
		{"tile/1/000.p/2", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[128];
		snprintf(what, sizeof(what), "%s at %ld", cases[i].rel, cases[i].at);
		S_save(&e, cases[i].rel, &b);
		if (i == 2)
			tu_flip_byte(e.pub, cases[i].rel, at + 2 + 3, 0x40);
		else if (cases[i].at < 0)
			tu_truncate(e.pub, cases[i].rel, (off_t)b.len + cases[i].at);
		else
			tu_flip_byte(e.pub, cases[i].rel, (size_t)cases[i].at, 0x40);
		S_expect_refused(&e, what);
		S_restore(&e, cases[i].rel, &b);
	}
	/* A missing tile. */
	S_save(&e, "tile/0/002.p/88", &b);
	tu_unlink(e.pub, "tile/0/002.p/88");
	S_expect_refused(&e, "missing tile/0/002.p/88");
	S_restore(&e, "tile/0/002.p/88", &b);
	/* A validly signed checkpoint the tiles do not match. */
	S_save(&e, "checkpoint", &b);
	gt_checkpoint cp = {.size = 600};
	strcpy(cp.origin, ORIGIN);
	S_mth(&m, 0, 599, &cp.root);
	gt_buf note = GT_BUF_INIT;
	cr_assert_eq(gt_checkpoint_sign(&cp, e.signer, &note, NULL), 0);
	tu_write(e.pub, "checkpoint", note.data, note.len);
	S_expect_refused(&e, "checkpoint with a wrong root");
	gt_buf_reset(&note);
	cp.size = 700;
	S_mth(&m, 0, 600, &cp.root);
	cr_assert_eq(gt_checkpoint_sign(&cp, e.signer, &note, NULL), 0);
	tu_write(e.pub, "checkpoint", note.data, note.len);
	S_expect_refused(&e, "checkpoint larger than the tiles");
	S_restore(&e, "checkpoint", &b);
	/* A checkpoint whose signature does not verify. */
	{
		gt_buf c = GT_BUF_INIT;
		tu_read(e.pub, "checkpoint", &c);
		c.data[c.len - 5] ^= 1;
		tu_write(e.pub, "checkpoint", c.data, c.len);
		gt_log *log = NULL;
		gt_error err = {0};
		cr_assert_eq(gt_log_open(&e.wopt, &log, &err), GT_ECORRUPT);
		cr_assert(strstr(err.msg, "does not verify"), "%s", err.msg);
		gt_buf_done(&c);
		S_restore(&e, "checkpoint", &b);
	}
	/* All restored: it opens and is right. */
	w = S_open(&e.wopt);
	S_check_log(w, &m, 0, 30);
	gt_log_free(w);

	/* At 512 the last bundle and level-0 tile are full ones. */
	S_model m2;
	S_model_init(&m2);
	S_env e2;
	S_env_twin(&e, &e2, "at512");
	w = S_create_open(&e2);
	S_append(w, &m2, 12, 512);
	gt_log_free(w);
	static const char *full[] = {"tile/0/001", "tile/entries/001", "tile/1/000.p/2"};
	for (size_t i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		S_save(&e2, full[i], &b);
		tu_flip_byte(e2.pub, full[i], b.len - 7, 0x40);
		S_expect_refused(&e2, full[i]);
		S_restore(&e2, full[i], &b);
	}
	w = S_open(&e2.wopt);
	S_check_log(w, &m2, 0, 30);
	gt_log_free(w);

	gt_buf_done(&b);
	gt_buf_done(&note);
	S_model_done(&m);
	S_model_done(&m2);
	S_env_twin_done(&e2);
	S_env_done(&e);
}

Test(log, sync_files_mode)
{
	static const uint64_t batches[] = {1, 255, 300, 1000, 2, 2000, 65537};
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FILES);
	S_model m;
	S_model_init(&m);
	gt_log *w = S_create_open(&e);
	for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		uint64_t from = m.n;
		S_append(w, &m, 13, batches[i]);
		S_check_log(w, &m, from, 30);
		S_check_checkpoint(w, &e, &m);
		S_check_files(&e, &m);
		if (i == 3) {
			gt_log_free(w);
			w = S_open(&e.wopt);
		}
	}
	gt_log_free(w);
	S_check_verifies(&e, &m);
	S_model_done(&m);
	S_env_done(&e);
}

/* One thread appends while others read: every size a reader sees has the
 * right root, checkpoint, proofs and entries. */
typedef struct {
	gt_log *log;
	const S_model *m; /* all entries, appended or to be */
	const gt_verifier *v;
	atomic_int done;
	atomic_int failures;
	char msg[256];
	pthread_mutex_t mu;
	unsigned long checks;
} S_race;

static void S_race_fail(S_race *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void S_race_fail(S_race *r, const char *fmt, ...)
{
	pthread_mutex_lock(&r->mu);
	if (atomic_fetch_add(&r->failures, 1) == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&r->mu);
}

static void *S_race_reader(void *arg)
{
	S_race *r = arg;
	uint64_t seed = (uint64_t)(uintptr_t)&seed;
	gt_hash h[GT_PROOF_MAX + 1], root, want;
	gt_buf b = GT_BUF_INIT;
	unsigned long checks = 0;
	while (!atomic_load(&r->done) && !atomic_load(&r->failures)) {
		uint64_t s = gt_log_size(r->log);
		seed = tu_mix(seed);
		gt_error err = {0};
		gt_buf_reset(&b);
		gt_checkpoint cp;
		if (gt_log_checkpoint(r->log, &b) < 0 ||
		    gt_checkpoint_open(r->v, (char *)b.data, b.len, &cp, &err) < 0 || cp.size < s) {
			S_race_fail(r, "checkpoint at size %llu: %s", U(s), err.msg);
			break;
		}
		S_mth(r->m, 0, cp.size, &want);
		if (!tu_hash_eq(&cp.root, &want)) {
			S_race_fail(r, "checkpoint of size %llu has a wrong root", U(cp.size));
			break;
		}
		if (s == 0)
			continue;
		uint64_t size = 1 + seed % s, k = (seed >> 20) % size;
		gt_proof p = {h, 0};
		if (gt_log_root_at(r->log, size, &root, &err) < 0 ||
		    (S_mth(r->m, 0, size, &want), !tu_hash_eq(&root, &want))) {
			S_race_fail(r, "root at %llu: %s", U(size), err.msg);
			break;
		}
		if (gt_log_inclusion_proof(r->log, k, size, &p, &err) < 0 ||
		    gt_verify_inclusion(k, size, &r->m->lv[0][k], h, p.n, &want) < 0) {
			S_race_fail(r, "inclusion %llu in %llu: %s", U(k), U(size), err.msg);
			break;
		}
		uint64_t size1 = (seed >> 40) % (size + 1);
		gt_hash r1;
		S_mth(r->m, 0, size1, &r1);
		if (gt_log_consistency_proof(r->log, size1, size, &p, &err) < 0 ||
		    (size1 > 0 && gt_verify_consistency(size1, size, &r1, &want, h, p.n) < 0)) {
			S_race_fail(r, "consistency %llu -> %llu: %s", U(size1), U(size), err.msg);
			break;
		}
		gt_buf_reset(&b);
		gt_bytes en = S_model_entry(r->m, k);
		if (gt_log_entry(r->log, k, &b, &err) < 0 || b.len != en.len ||
		    memcmp(b.data, en.data, en.len) != 0) {
			S_race_fail(r, "entry %llu: %s", U(k), err.msg);
			break;
		}
		checks++;
	}
	gt_buf_done(&b);
	pthread_mutex_lock(&r->mu);
	r->checks += checks;
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

Test(log, concurrent_readers, .timeout = 300)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model all;
	S_model_init(&all);
	uint8_t buf[40];
	for (uint64_t i = 0; i < 20000; i++)
		S_model_add(&all, buf, S_gen(14, i, buf));
	gt_log *w = S_create_open(&e);
	S_race race = {.log = w, .m = &all, .v = e.verifier};
	pthread_mutex_init(&race.mu, NULL);
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, S_race_reader, &race), 0);
	uint64_t n = 0;
	gt_bytes v[700];
	while (n < all.n && !atomic_load(&race.failures)) {
		uint64_t k = tu_between(&S_rng, 1, 600);
		if (k > all.n - n)
			k = all.n - n;
		for (uint64_t i = 0; i < k; i++)
			v[i] = S_model_entry(&all, n + i);
		gt_error err = {0};
		uint64_t first;
		int rc = gt_log_append(w, v, k, &first, &err);
		if (rc < 0 || first != n) {
			S_race_fail(&race, "append at %llu: %s", U(n), err.msg);
			break;
		}
		n += k;
	}
	atomic_store(&race.done, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(atomic_load(&race.failures), 0, "%s", race.msg);
	cr_assert_gt(race.checks, 0);
	cr_assert_eq(gt_log_size(w), all.n);
	S_check_log(w, &all, all.n - 100, 50);
	gt_log_free(w);
	pthread_mutex_destroy(&race.mu);
	S_model_done(&all);
	S_env_done(&e);
}

/* ---- the journal: sequence, integrate, recover ------------------------------ */

static void S_integrate(gt_log *log)
{
	gt_error err = {0};
	int rc = gt_log_integrate(log, &err);
	cr_assert_eq(rc, 0, "integrate: %d %s", rc, err.msg);
	cr_assert_eq(gt_log_pending(log), 0);
}

static off_t S_file_size(const char *dir, const char *name)
{
	char *p = tu_join(dir, name);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0, "stat %s", p);
	free(p);
	return st.st_size;
}

Test(log, sequence_then_integrate, .timeout = 300)
{
	/* Sequenced entries are durable at once but published only by an
	 * integration, which writes exactly what one append of them writes. */
	static const uint64_t batches[] = {1, 3, 250, 2, 256, 1, 1000, 7};
	S_env a, b;
	S_env_init(&a, GT_LOG_SYNC_FS);
	S_env_twin(&a, &b, "twin");
	S_model ma, mb;
	S_model_init(&ma);
	S_model_init(&mb);
	gt_log *la = S_create_open(&a), *lb = S_create_open(&b);
	for (int round = 0; round < 3; round++) {
		uint64_t published = ma.n;
		for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
			S_sequence(la, &ma, 9, batches[i] + (uint64_t)round);
			cr_assert_eq(gt_log_size(la), published, "nothing published yet");
			cr_assert_eq(gt_log_sequenced(la), ma.n);
			cr_assert_eq(gt_log_end(la), ma.n);
			cr_assert_eq(gt_log_pending(la), ma.n - published);
			gt_buf x = GT_BUF_INIT;
			cr_assert_eq(gt_log_entry(la, ma.n - 1, &x, NULL), GT_ERANGE,
				     "a sequenced entry is not readable before integration");
			gt_buf_done(&x);
		}
		cr_assert_gt(S_file_size(a.state, round % 2 ? "journal.1" : "journal.0"), 0);
		S_integrate(la);
		cr_assert_eq(S_file_size(a.state, "journal.0"), 0);
		cr_assert_eq(S_file_size(a.state, "journal.1"), 0);
		S_append(lb, &mb, 9, ma.n - published);
		S_check_log(la, &ma, published, 20);
		char *sa = S_snapshot(a.pub), *sb = S_snapshot(b.pub);
		cr_assert_str_eq(sa, sb, "integration wrote other files than an append, round %d",
				 round);
		free(sa);
		free(sb);
		/* Integrating with nothing pending changes nothing. */
		S_integrate(la);
		cr_assert_eq(gt_log_size(la), ma.n);
	}
	/* An append after sequenced entries integrates them first. */
	S_sequence(la, &ma, 9, 5);
	S_append(la, &ma, 9, 3);
	cr_assert_eq(gt_log_size(la), ma.n);
	cr_assert_eq(gt_log_pending(la), 0);
	S_check_log(la, &ma, ma.n - 8, 10);
	gt_log_free(la);
	gt_log_free(lb);
	S_check_verifies(&a, &ma);
	S_model_done(&ma);
	S_model_done(&mb);
	S_env_twin_done(&b);
	S_env_done(&a);
}

Test(log, sequenced_entries_survive_a_crash, .timeout = 300)
{
	/* Closing without integrating is what a crash leaves behind: the
	 * journal. A reader sees only the published log and touches nothing;
	 * the next writer integrates every sequenced entry. */
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *log = S_create_open(&e);
	S_append(log, &m, 3, 300);
	for (int round = 0; round < 4; round++) {
		uint64_t published = m.n;
		S_sequence(log, &m, 3, 1);
		S_sequence(log, &m, 3, 255);
		S_sequence(log, &m, 3, 17 + (uint64_t)round * 100);
		if (round == 2) {
			/* Sequenced across an integration: both journal files. */
			S_integrate(log);
			published = m.n;
			S_sequence(log, &m, 3, 44);
		}
		gt_log_free(log);

		char *pub0 = S_snapshot(e.pub), *state0 = S_snapshot(e.state);
		log = S_open(&e.ropt);
		cr_assert_eq(gt_log_size(log), published);
		gt_log_free(log);
		char *pub1 = S_snapshot(e.pub), *state1 = S_snapshot(e.state);
		cr_assert_str_eq(pub1, pub0);
		cr_assert_str_eq(state1, state0);
		free(pub0);
		free(state0);
		free(pub1);
		free(state1);

		log = S_open(&e.wopt);
		cr_assert_eq(gt_log_size(log), m.n, "round %d: every sequenced entry is back",
			     round);
		cr_assert_eq(gt_log_pending(log), 0);
		cr_assert_eq(S_file_size(e.state, "journal.0"), 0);
		cr_assert_eq(S_file_size(e.state, "journal.1"), 0);
		S_check_log(log, &m, published, 10);
	}
	gt_log_free(log);
	S_check_verifies(&e, &m);
	S_model_done(&m);
	S_env_done(&e);
}

/* The journal files of a log closed with entries pending. */
static void S_pending_log(S_env *e, S_model *m, gt_buf *j0)
{
	S_env_init(e, GT_LOG_SYNC_FS);
	S_model_init(m);
	gt_log *log = S_create_open(e);
	S_append(log, m, 4, 10);
	S_sequence(log, m, 4, 5);
	S_sequence(log, m, 4, 300);
	S_sequence(log, m, 4, 2);
	gt_log_free(log);
	tu_read(e->state, "journal.0", j0);
	cr_assert_gt(j0->len, 0);
}

Test(log, journal_torn_tail_dropped)
{
	/* A record cut short by a crash was never acknowledged: dropped. */
	for (int kind = 0; kind < 5; kind++) {
		S_env e;
		S_model m;
		gt_buf j = GT_BUF_INIT;
		S_pending_log(&e, &m, &j);
		uint64_t want = m.n;
		/* The last record (2 short entries) is the file's last block. */
		size_t last = j.len - GT_JOURNAL_ALIGN;
		cr_assert_eq(memcmp(j.data + last, "gtj2", 4), 0);
		if (kind == 0) { /* the last record half written */
			tu_write(e.state, "journal.0", j.data, last + 30);
			want -= 2;
		} else if (kind == 1) { /* a byte of it never written */
			j.data[last + 30] = 0;
			tu_write(e.state, "journal.0", j.data, j.len);
			want -= 2;
		} else if (kind == 4) { /* its header block never written */
			memset(j.data + last, 0, 24);
			tu_write(e.state, "journal.0", j.data, j.len);
			want -= 2;
		} else if (kind == 2) { /* zeros past the end */
			uint8_t z[300] = {0};
			gt_buf_add(&j, z, sizeof(z));
			tu_write(e.state, "journal.0", j.data, j.len);
		} else { /* a header and nothing more */
			gt_buf_add(&j, "gtj1\0\0", 6);
			tu_write(e.state, "journal.0", j.data, j.len);
		}
		gt_log *log = S_open(&e.wopt);
		cr_assert_eq(gt_log_size(log), want, "kind %d", kind);
		cr_assert_eq(S_file_size(e.state, "journal.0"), 0);
		S_model_truncate(&m, want);
		S_check_log(log, &m, 0, 5);
		/* And it goes on from there. */
		S_sequence(log, &m, 4, 3);
		S_integrate(log);
		S_check_log(log, &m, want, 5);
		gt_log_free(log);
		gt_buf_done(&j);
		S_model_done(&m);
		S_env_done(&e);
	}
}

/* The open is refused and changes nothing public nor the journal (damage
 * is found before anything is touched; a gap only once the log's own
 * recovery has chosen its size, which may rewrite its staged checkpoints). */
static void S_expect_journal_refused(const S_env *e, const char *what, const char *msg,
				     bool state_too)
{
	gt_buf j0 = GT_BUF_INIT, j1 = GT_BUF_INIT, k0 = GT_BUF_INIT, k1 = GT_BUF_INIT;
	tu_read(e->state, "journal.0", &j0);
	tu_read(e->state, "journal.1", &j1);
	char *pub0 = S_snapshot(e->pub), *state0 = S_snapshot(e->state);
	gt_log *log = NULL;
	gt_error err = {0};
	int rc = gt_log_open(&e->wopt, &log, &err);
	cr_assert_eq(rc, GT_ECORRUPT, "%s: open gave %d %s", what, rc, err.msg);
	cr_assert_null(log);
	cr_assert(strstr(err.msg, msg), "%s: %s", what, err.msg);
	cr_assert(strstr(err.msg, "journal."), "%s: %s", what, err.msg);
	char *pub1 = S_snapshot(e->pub), *state1 = S_snapshot(e->state);
	cr_assert_str_eq(pub1, pub0, "%s: open changed the public files", what);
	if (state_too)
		cr_assert_str_eq(state1, state0, "%s: open changed the state files", what);
	tu_read(e->state, "journal.0", &k0);
	tu_read(e->state, "journal.1", &k1);
	cr_assert(k0.len == j0.len && memcmp(k0.data, j0.data, j0.len) == 0, "%s", what);
	cr_assert(k1.len == j1.len && memcmp(k1.data, j1.data, j1.len) == 0, "%s", what);
	gt_buf_done(&j0);
	gt_buf_done(&j1);
	gt_buf_done(&k0);
	gt_buf_done(&k1);
	free(pub0);
	free(state0);
	free(pub1);
	free(state1);
	/* A reader still opens the published log. */
	gt_log_free(S_open(&e->ropt));
}

Test(log, journal_damage_refused)
{
	/* Damage anywhere but a torn tail could lose acknowledged entries:
	 * the writer refuses to open and changes nothing. */
	S_env e;
	S_model m;
	gt_buf j = GT_BUF_INIT;
	S_pending_log(&e, &m, &j);
	j.data[30] ^= 0x10; /* inside the first record's payload */
	tu_write(e.state, "journal.0", j.data, j.len);
	S_expect_journal_refused(&e, "a flipped bit", "checksum does not match", true);
	j.data[30] ^= 0x10;
	j.data[17] ^= 0x80; /* the first record's payload length */
	tu_write(e.state, "journal.0", j.data, j.len);
	S_expect_journal_refused(&e, "a damaged length", "not a record header", true);
	j.data[17] ^= 0x80;
	memset(j.data, 0, 24); /* the first record's header lost */
	tu_write(e.state, "journal.0", j.data, j.len);
	S_expect_journal_refused(&e, "a lost header", "a record follows", true);
	gt_buf_done(&j);
	S_model_done(&m);
	S_env_done(&e);
	S_pending_log(&e, &m, &j);

	/* A record beyond the log's end: entries between are missing. */
	gt_buf rec = GT_BUF_INIT;
	gt_bytes one = {(const uint8_t *)"late", 4};
	cr_assert_eq(gt_journal_encode(&rec, m.n + 5, &one, 1, NULL), 0);
	tu_write(e.state, "journal.1", rec.data, rec.len);
	S_expect_journal_refused(&e, "a gap", "entries are missing", false);
	char *p = tu_join(e.state, "journal.1");
	cr_assert_eq(unlink(p), 0);
	free(p);

	gt_log *log = S_open(&e.wopt);
	cr_assert_eq(gt_log_size(log), m.n, "undamaged, everything comes back");
	gt_log_free(log);
	gt_buf_done(&rec);
	gt_buf_done(&j);
	S_model_done(&m);
	S_env_done(&e);
}

Test(log, journal_records_already_integrated_are_skipped)
{
	/* A crash after an integration but before its journal file was
	 * emptied leaves records the log already holds: each entry once. */
	S_env e;
	S_model m;
	gt_buf j = GT_BUF_INIT;
	S_pending_log(&e, &m, &j);
	gt_log *log = S_open(&e.wopt);
	S_sequence(log, &m, 4, 6);
	gt_log_free(log);
	gt_buf j0 = GT_BUF_INIT;
	tu_read(e.state, "journal.0", &j0);
	/* journal.0 now holds only the 6; put the old records in journal.1. */
	tu_write(e.state, "journal.1", j.data, j.len);
	log = S_open(&e.wopt);
	cr_assert_eq(gt_log_size(log), m.n);
	S_check_log(log, &m, 0, 10);
	gt_log_free(log);
	/* Old records overlapping the log's end: only the new entries count. */
	log = S_open(&e.wopt);
	gt_log_free(log);
	gt_buf_done(&j0);
	gt_buf_done(&j);
	S_model_done(&m);
	S_env_done(&e);
}

Test(log, sequence_limits, .timeout = 300)
{
	/* At most 65,536 entries wait: a call past that integrates first; a
	 * call larger than that is appended and published at once. */
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *log = S_create_open(&e);
	S_sequence(log, &m, 6, 40000);
	cr_assert_eq(gt_log_size(log), 0);
	S_sequence(log, &m, 6, 30000);
	cr_assert_eq(gt_log_size(log), 40000, "the first 40000 were integrated first");
	cr_assert_eq(gt_log_pending(log), 30000);
	S_sequence(log, &m, 6, 70000);
	cr_assert_eq(gt_log_size(log), m.n, "too many to wait: published at once");
	cr_assert_eq(gt_log_pending(log), 0);
	S_check_log(log, &m, 0, 20);
	/* Refusals write nothing. */
	gt_bytes bad[2] = {{(const uint8_t *)"ok", 2}, {(const uint8_t *)"", 0}};
	gt_error err = {0};
	cr_assert_eq(gt_log_sequence(log, bad, 2, NULL, &err), GT_EINVAL);
	cr_assert(strstr(err.msg, "entry 1 is 0 bytes"), "%s", err.msg);
	cr_assert_eq(gt_log_end(log), m.n);
	cr_assert_eq(S_file_size(e.state, "journal.0") + S_file_size(e.state, "journal.1"), 0);
	gt_log_free(log);
	log = S_open(&e.ropt);
	cr_assert_eq(gt_log_sequence(log, bad, 1, NULL, &err), GT_EINVAL);
	cr_assert(strstr(err.msg, "read-only"), "%s", err.msg);
	cr_assert_eq(gt_log_integrate(log, &err), GT_EINVAL);
	gt_log_free(log);
	S_model_done(&m);
	S_env_done(&e);
}

typedef struct {
	gt_log *log;
	atomic_bool stop;
	int integrations;
} S_integrator;

static void *S_integrator_main(void *arg)
{
	S_integrator *it = arg;
	while (!atomic_load(&it->stop)) {
		gt_error err = {0};
		int rc = gt_log_integrate(it->log, &err);
		if (rc < 0) {
			fprintf(stderr, "integrate: %d %s\n", rc, err.msg);
			abort();
		}
		it->integrations++;
		usleep(500);
	}
	return NULL;
}

Test(log, sequence_while_another_thread_integrates, .timeout = 300)
{
	S_env e;
	S_env_init(&e, GT_LOG_SYNC_FS);
	S_model m;
	S_model_init(&m);
	gt_log *log = S_create_open(&e);
	S_integrator it = {.log = log};
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, S_integrator_main, &it), 0);
	for (int i = 0; i < 400; i++) {
		uint64_t before = gt_log_size(log);
		S_sequence(log, &m, 8, 1 + (uint64_t)(i * 37) % 300);
		cr_assert_leq(before, gt_log_size(log));
		cr_assert_leq(gt_log_size(log), gt_log_sequenced(log));
		if (i % 50 == 49)
			S_append(log, &m, 8, 2);
	}
	atomic_store(&it.stop, true);
	pthread_join(th, NULL);
	cr_assert_gt(it.integrations, 1);
	S_integrate(log);
	S_check_log(log, &m, 0, 50);
	gt_log_free(log);
	S_check_verifies(&e, &m);
	S_model_done(&m);
	S_env_done(&e);
}
