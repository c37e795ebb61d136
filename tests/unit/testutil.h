/* Shared unit-test helpers: quiet checks, deterministic randomness, hashes and scratch files. */
#ifndef GT_TESTS_UNIT_TESTUTIL_H
#define GT_TESTS_UNIT_TESTUTIL_H

#include <criterion/criterion.h>

#include "core/buf.h"
#include "core/pseudo.h"
#include "log/hash.h"
#include "log/log.h"
#include "store/store.h"

#include <jansson.h>

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Assert without recording a Criterion assertion for every success (the
 * randomized loops check millions of conditions). */
#define CHECK(cond, ...)                             \
	do {                                         \
		if (!(cond))                         \
			cr_assert_fail(__VA_ARGS__); \
	} while (0)

/* For printing any integer with %llu. */
#define U(x) ((unsigned long long)(x))

/* ---- deterministic randomness (splitmix64), so failures reproduce ----- */

/* The splitmix64 output for state z: a well-mixed, deterministic value of z
 * (a bijection, so distinct inputs give distinct outputs). */
uint64_t tu_mix(uint64_t z);
/* The next value of the generator whose state is *state (any seed). */
uint64_t tu_rand(uint64_t *state);
/* A value in [lo, hi], uniform enough; lo <= hi, and [0, UINT64_MAX] is allowed. */
uint64_t tu_between(uint64_t *state, uint64_t lo, uint64_t hi);

/* ---- small values ------------------------------------------------------ */

/* Decode hex, which must be exactly 2 * n hex digits, into out[n]. */
void tu_hex(const char *hex, uint8_t *out, size_t n);
/* Whether two hashes are equal. */
int tu_hash_eq(const gt_hash *a, const gt_hash *b);
/* The largest power of two strictly less than n (n >= 2): RFC 9162's k. */
uint64_t tu_split(uint64_t n);

/* ---- files and directories ----------------------------------------------
 * Each of these fails the test on any error. rel is a path relative to dir. */

/* "a/b", malloc'd. */
char *tu_join(const char *a, const char *b);
/* A new empty directory $TMPDIR/gt-test-<name>-XXXXXX ($TMPDIR unset or
 * empty: /tmp); its path, malloc'd. */
char *tu_tmpdir(const char *name);
/* Remove path and everything below it (symlinks are not followed); path must exist. */
void tu_rmrf(const char *path);
/* Whether dir/rel exists (lstat: the name itself, a symlink is not followed). */
int tu_exists(const char *dir, const char *rel);
/* Replace out's contents with the whole file at path (NUL-terminated, as gt_buf is). */
void tu_read_path(const char *path, gt_buf *out);
/* tu_read_path of dir/rel. */
void tu_read(const char *dir, const char *rel, gt_buf *out);
/* Create or replace dir/rel with data[len], making its missing parent directories below dir. */
void tu_write(const char *dir, const char *rel, const void *data, size_t len);
/* XOR the byte at offset at (which must lie in the file) with mask (nonzero). */
void tu_flip_byte(const char *dir, const char *rel, size_t at, uint8_t mask);
/* Cut or extend dir/rel to len bytes. */
void tu_truncate(const char *dir, const char *rel, off_t len);
/* Remove the file dir/rel, which must exist. */
void tu_unlink(const char *dir, const char *rel);

/* ---- a service's parts in a temporary directory -------------------------
 * A writable log (signed with a new key) and a store, for tests of what
 * runs on them (the sequencer, the modules); the test opens its ledger. */
typedef struct tu_svc {
	char *root;	   /* the directory, removed by tu_svc_done */
	char *pub, *state; /* the log's public and state directories */
	char *db;	   /* the store file */
	gt_signer *signer;
	gt_log_options lopt; /* to open the log again */
	gt_log *log;
	gt_store *store;
	uint8_t secret[GT_PSEUDO_KEY_LEN]; /* a fixed pseudonym secret */
} tu_svc;

/* Make the directory $TMPDIR/gt-test-<name>-XXXXXX with a new log named
 * origin and a new store, both open. */
void tu_svc_init(tu_svc *s, const char *name, const char *origin);
/* Close whatever is still open (NULL fields are skipped) and remove the directory. */
void tu_svc_done(tu_svc *s);
/* Open a log or a store, failing the test on an error. */
gt_log *tu_log_open(const gt_log_options *o);
gt_store *tu_store_open(const char *path);
/* Parse test JSON, failing the test if it is malformed. */
json_t *tu_json(const char *text);

#endif
