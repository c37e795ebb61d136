/* The matching engine kept up to date with the store: every opportunity and
 * every volunteer's profile carries a revision that grows with each change
 * (an opportunity's is the index of the entry that last changed it; a
 * profile's is one more than the largest), and the single writer commits
 * them in order, so loading the rows above the last revision seen, through a
 * reader, never misses a change nor sees one a rolled-back batch made. */
#include "volunteer/vol_int.h"
#include "core/time.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#define S_CHUNK 10000

struct gt_vol_index {
	pthread_mutex_t lock; /* one refresh at a time */
	gt_match *engine;
	int64_t opp_rev, vol_rev;
	int64_t reload_ms; /* when to read every opportunity again */
	_Atomic bool rereading; /* that is under way */
};

int gt_vol_index_new(gt_vol_index **ret, gt_error *err)
{
	gt_vol_index *x = calloc(1, sizeof(*x));
	if (!x)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	int rc = gt_match_new(&x->engine, err);
	if (rc < 0) {
		free(x);
		return rc;
	}
	pthread_mutex_init(&x->lock, NULL);
	*ret = x;
	return 0;
}

void gt_vol_index_free(gt_vol_index *x)
{
	if (!x)
		return;
	gt_match_free(x->engine);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

gt_match *gt_vol_index_engine(gt_vol_index *x)
{
	return x->engine;
}

/* Load one chunk of changed opportunities (*n: how many). */
static int S_opportunities(gt_vol_index *x, gt_store_conn *c, int64_t now, size_t *n, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_VOL_OPP_CHANGED, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, x->opp_rev);
	gt_stmt_bind_i64(st, 2, S_CHUNK);
	*n = 0;
	while ((rc = gt_stmt_step(st, err)) == 1) {
		json_error_t je;
		json_t *data = json_loads(gt_stmt_text(st, 8, NULL), 0, &je);
		if (!data) {
			rc = gt_fail(err, GT_ECORRUPT, "opportunity %lld: stored data is not JSON",
				     (long long)gt_stmt_i64(st, 0));
			break;
		}
		gt_match_opportunity o;
		gt_vol_opportunity_to_match(data, gt_stmt_is_null(st, 10),
					    (uint32_t)gt_stmt_i64(st, 0), now, &o);
		json_decref(data);
		if ((rc = gt_match_put_opportunity(x->engine, &o, err)) < 0)
			break;
		x->opp_rev = gt_stmt_i64(st, 12);
		(*n)++;
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : 0;
}

static int S_volunteers(gt_vol_index *x, gt_store_conn *c, size_t *n, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_VOL_VOLUNTEER_CHANGED, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, x->vol_rev);
	gt_stmt_bind_i64(st, 2, S_CHUNK);
	*n = 0;
	while ((rc = gt_stmt_step(st, err)) == 1) {
		json_error_t je;
		json_t *profile = json_loads(gt_stmt_text(st, 6, NULL), 0, &je);
		if (!profile) {
			rc = gt_fail(err, GT_ECORRUPT, "volunteer %lld: stored profile is not JSON",
				     (long long)gt_stmt_i64(st, 0));
			break;
		}
		gt_match_volunteer v;
		gt_vol_profile_to_match(profile, gt_stmt_is_null(st, 5) ? 0 : gt_stmt_i64(st, 5),
					(uint32_t)gt_stmt_i64(st, 0), &v);
		json_decref(profile);
		if ((rc = gt_match_put_volunteer(x->engine, &v, err)) < 0)
			break;
		x->vol_rev = gt_stmt_i64(st, 10);
		(*n)++;
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : 0;
}

int gt_vol_index_refresh(gt_vol_index *x, gt_store_conn *c, gt_error *err)
{
	int64_t now = gt_time_now_ms();
	size_t n;
	int rc = 0;
	/* A query meeting the hourly re-read (below) under way answers from what
	 * is loaded rather than wait a second for it; otherwise it waits, to see
	 * every change committed before it. */
	if (pthread_mutex_trylock(&x->lock) != 0) {
		if (atomic_load(&x->rereading))
			return 0;
		pthread_mutex_lock(&x->lock);
	}
	/* Slots end as time passes, not only when an entry changes them: once
	 * an hour (the engine counts whole hours) every opportunity is read
	 * again, which drops the slots that ended. */
	if (now >= x->reload_ms) {
		atomic_store(&x->rereading, x->reload_ms != 0);
		x->opp_rev = 0;
		x->reload_ms = now + 3600 * 1000;
	}
	do
		rc = S_opportunities(x, c, now, &n, err);
	while (rc == 0 && n == S_CHUNK);
	while (rc == 0 && (rc = S_volunteers(x, c, &n, err)) == 0 && n == S_CHUNK)
		;
	atomic_store(&x->rereading, false);
	pthread_mutex_unlock(&x->lock);
	return rc;
}
