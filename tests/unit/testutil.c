/* Shared unit-test helpers (see testutil.h). */
#include "testutil.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_GOLDEN 0x9e3779b97f4a7c15ull

/* ---- deterministic randomness ------------------------------------------ */

uint64_t tu_mix(uint64_t z)
{
	z += S_GOLDEN;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t tu_rand(uint64_t *state)
{
	uint64_t z = *state;
	*state = z + S_GOLDEN;
	return tu_mix(z);
}

uint64_t tu_between(uint64_t *state, uint64_t lo, uint64_t hi)
{
	CHECK(lo <= hi, "tu_between(%llu, %llu): empty range", U(lo), U(hi));
	if (lo == 0 && hi == UINT64_MAX)
		return tu_rand(state);
	return lo + tu_rand(state) % (hi - lo + 1);
}

/* ---- small values ------------------------------------------------------ */

void tu_hex(const char *hex, uint8_t *out, size_t n)
{
	cr_assert_eq(strlen(hex), 2 * n, "\"%s\" is not %zu hex digits", hex, 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1, "bad hex \"%s\"", hex);
		out[i] = (uint8_t)v;
	}
}

int tu_hash_eq(const gt_hash *a, const gt_hash *b)
{
	return memcmp(a->b, b->b, GT_HASH_LEN) == 0;
}

uint64_t tu_split(uint64_t n)
{
	uint64_t k = 1;
	while (k < n - k) /* k * 2 < n without overflow */
		k <<= 1;
	return k;
}

/* ---- files and directories --------------------------------------------- */

char *tu_join(const char *a, const char *b)
{
	char *p;
	CHECK(asprintf(&p, "%s/%s", a, b) >= 0, "out of memory");
	return p;
}

char *tu_tmpdir(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl;
	CHECK(asprintf(&tmpl, "%s/gt-test-%s-XXXXXX", tmp && tmp[0] ? tmp : "/tmp", name) >= 0,
	      "out of memory");
	CHECK(mkdtemp(tmpl), "mkdtemp %s: %s", tmpl, strerror(errno));
	return tmpl;
}

static int S_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

void tu_rmrf(const char *path)
{
	CHECK(nftw(path, S_rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0, "cannot remove %s: %s", path,
	      strerror(errno));
}

int tu_exists(const char *dir, const char *rel)
{
	char *p = tu_join(dir, rel);
	struct stat st;
	int r = lstat(p, &st) == 0;
	CHECK(r || errno == ENOENT || errno == ENOTDIR, "lstat %s: %s", p, strerror(errno));
	free(p);
	return r;
}

void tu_read_path(const char *path, gt_buf *out)
{
	gt_buf_reset(out);
	FILE *f = fopen(path, "rb");
	CHECK(f, "cannot open %s: %s", path, strerror(errno));
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		CHECK(gt_buf_add(out, chunk, n) == 0, "out of memory");
	CHECK(!ferror(f), "cannot read %s", path);
	fclose(f);
	/* Even an empty file gives a NUL-terminated buffer. */
	CHECK(gt_buf_add(out, "", 0) == 0, "out of memory");
}

void tu_read(const char *dir, const char *rel, gt_buf *out)
{
	char *p = tu_join(dir, rel);
	tu_read_path(p, out);
	free(p);
}

void tu_write(const char *dir, const char *rel, const void *data, size_t len)
{
	char *p = tu_join(dir, rel);
	for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		CHECK(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
		*s = '/';
	}
	FILE *f = fopen(p, "wb");
	CHECK(f, "cannot create %s: %s", p, strerror(errno));
	if (len)
		CHECK(fwrite(data, 1, len, f) == len, "cannot write %s", p);
	CHECK(fclose(f) == 0, "cannot write %s", p);
	free(p);
}

void tu_flip_byte(const char *dir, const char *rel, size_t at, uint8_t mask)
{
	CHECK(mask, "tu_flip_byte: no bit to flip");
	gt_buf b = GT_BUF_INIT;
	tu_read(dir, rel, &b);
	cr_assert_lt(at, b.len, "%s has %zu bytes", rel, b.len);
	b.data[at] ^= mask;
	tu_write(dir, rel, b.data, b.len);
	gt_buf_done(&b);
}

void tu_truncate(const char *dir, const char *rel, off_t len)
{
	char *p = tu_join(dir, rel);
	cr_assert_eq(truncate(p, len), 0, "truncate %s: %s", p, strerror(errno));
	free(p);
}

void tu_unlink(const char *dir, const char *rel)
{
	char *p = tu_join(dir, rel);
	cr_assert_eq(unlink(p), 0, "unlink %s: %s", p, strerror(errno));
	free(p);
}

/* ---- a service's parts --------------------------------------------------- */

gt_log *tu_log_open(const gt_log_options *o)
{
	gt_log *log = NULL;
	gt_error err = {0};
	int rc = gt_log_open(o, &log, &err);
	cr_assert_eq(rc, 0, "log open: %d %s", rc, err.msg);
	return log;
}

gt_store *tu_store_open(const char *path)
{
	gt_store_options so = {.path = path};
	gt_store *s = NULL;
	gt_error err = {0};
	int rc = gt_store_open(&so, &s, &err);
	cr_assert_eq(rc, 0, "store open %s: %d %s", path, rc, err.msg);
	return s;
}

void tu_svc_init(tu_svc *s, const char *name, const char *origin)
{
	memset(s, 0, sizeof(*s));
	s->root = tu_tmpdir(name);
	s->pub = tu_join(s->root, "public");
	s->state = tu_join(s->root, "state");
	s->db = tu_join(s->root, "store.db");
	for (int i = 0; i < GT_PSEUDO_KEY_LEN; i++)
		s->secret[i] = (uint8_t)(0xa0 + i);
	cr_assert_eq(gt_signer_generate(origin, &s->signer, NULL), 0);
	s->lopt =
		(gt_log_options){.public_dir = s->pub, .state_dir = s->state, .signer = s->signer};
	gt_error err = {0};
	cr_assert_eq(gt_log_create(&s->lopt, &err), 0, "%s", err.msg);
	s->log = tu_log_open(&s->lopt);
	s->store = tu_store_open(s->db);
}

void tu_svc_done(tu_svc *s)
{
	gt_store_free(s->store);
	gt_log_free(s->log);
	gt_signer_free(s->signer);
	tu_rmrf(s->root);
	free(s->root);
	free(s->pub);
	free(s->state);
	free(s->db);
	memset(s, 0, sizeof(*s));
}

json_t *tu_json(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	cr_assert_not_null(v, "test JSON %s: %s", text, je.text);
	return v;
}
