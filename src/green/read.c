/* The green module's answers to reads: users, the catalogue, plantings,
 * certificates, totals and pools, as the API shows them (docs/green.md). */
#include "green/green_int.h"
#include "core/time.h"

#include <stdio.h>
#include <string.h>

static json_t *S_text_or_null(gt_stmt *st, int col)
{
	return gt_stmt_is_null(st, col) ? json_null() : json_string(gt_stmt_text(st, col, NULL));
}

static json_t *S_int_or_null(gt_stmt *st, int col)
{
	return gt_stmt_is_null(st, col) ? json_null() : json_integer(gt_stmt_i64(st, col));
}

static json_t *S_json_col(gt_stmt *st, int col)
{
	json_t *v =
		gt_stmt_is_null(st, col) ? NULL : json_loads(gt_stmt_text(st, col, NULL), 0, NULL);
	return v ? v : json_null();
}

/* Run q (bound by bind) and make each row into an item with row(). */
static int S_list(gt_store_conn *c, gt_query q, void (*bind)(gt_stmt *, const void *),
		  const void *arg, json_t *(*row)(gt_stmt *), json_t **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, q, &st, err);
	if (rc < 0)
		return rc;
	if (bind)
		bind(st, arg);
	json_t *items = json_array();
	while ((rc = gt_stmt_step(st, err)) == 1)
		json_array_append_new(items, row(st));
	gt_stmt_close(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*ret = items;
	return 0;
}

static json_t *S_species(gt_stmt *st)
{
	json_t *o = json_pack(
		"{s:s, s:s, s:s, s:o, s:I, s:s, s:o, s:b, s:I, s:s, s:I, s:I, s:I, s:I}", "id",
		gt_stmt_text(st, 0, NULL), "planter", gt_stmt_text(st, 1, NULL), "name",
		gt_stmt_text(st, 2, NULL), "name_zh", S_text_or_null(st, 3), "cost",
		(json_int_t)gt_stmt_i64(st, 4), "region", gt_stmt_text(st, 5, NULL), "description",
		S_text_or_null(st, 6), "available", gt_stmt_i64(st, 7) != 0, "index",
		(json_int_t)gt_stmt_i64(st, 8), "at", gt_stmt_text(st, 9, NULL), "ordered",
		(json_int_t)gt_stmt_i64(st, 10), "planted", (json_int_t)gt_stmt_i64(st, 11),
		"surviving", (json_int_t)gt_stmt_i64(st, 12), "waiting",
		(json_int_t)(gt_stmt_i64(st, 10) - gt_stmt_i64(st, 11)));
	return o;
}

static json_t *S_site(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:I, s:s, s:I, s:I, s:I}", "id",
			 gt_stmt_text(st, 0, NULL), "planter", gt_stmt_text(st, 1, NULL), "name",
			 gt_stmt_text(st, 2, NULL), "region", gt_stmt_text(st, 3, NULL), "latitude",
			 (double)gt_stmt_i64(st, 4) / 1e6, "longitude",
			 (double)gt_stmt_i64(st, 5) / 1e6, "index", (json_int_t)gt_stmt_i64(st, 6),
			 "at", gt_stmt_text(st, 7, NULL), "plantings",
			 (json_int_t)gt_stmt_i64(st, 8), "planted", (json_int_t)gt_stmt_i64(st, 9),
			 "surviving", (json_int_t)gt_stmt_i64(st, 10));
}

static int S_items(json_t *list, json_t **ret, gt_error *err)
{
	*ret = json_pack("{s:o}", "items", list);
	return *ret ? 0 : gt_fail(err, GT_ENOMEM, "out of memory");
}

int gt_green_species_json(gt_store_conn *c, json_t **ret, gt_error *err)
{
	json_t *list;
	int rc = S_list(c, GT_Q_GREEN_SPECIES_LIST, NULL, NULL, S_species, &list, err);
	return rc < 0 ? rc : S_items(list, ret, err);
}

int gt_green_sites_json(gt_store_conn *c, json_t **ret, gt_error *err)
{
	json_t *list;
	int rc = S_list(c, GT_Q_GREEN_SITE_LIST, NULL, NULL, S_site, &list, err);
	return rc < 0 ? rc : S_items(list, ret, err);
}

/* ---- plantings and trees -------------------------------------------------------------------- */

static void S_bind_int(gt_stmt *st, const void *arg)
{
	gt_stmt_bind_i64(st, 1, *(const int64_t *)arg);
}

static json_t *S_check(gt_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:o, s:s}", "index", (json_int_t)gt_stmt_i64(st, 0),
			 "year", (json_int_t)gt_stmt_i64(st, 1), "date", gt_stmt_text(st, 2, NULL),
			 "alive", (json_int_t)gt_stmt_i64(st, 3), "photos", S_json_col(st, 4), "at",
			 gt_stmt_text(st, 5, NULL));
}

int gt_green_planting_json(gt_store_conn *c, int64_t n, json_t **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GREEN_PLANTING_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, n);
	rc = gt_stmt_step(st, err);
	if (rc <= 0) {
		gt_stmt_close(st);
		return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no planting %lld", (long long)n);
	}
	int64_t surviving = !gt_stmt_is_null(st, 15) ? gt_stmt_i64(st, 14) :
			    !gt_stmt_is_null(st, 13) ? gt_stmt_i64(st, 12) :
						       0;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:f, s:f, s:o, s:o, s:o, s:s, s:I}",
			      "planting", (json_int_t)gt_stmt_i64(st, 0), "planter",
			      gt_stmt_text(st, 1, NULL), "site", gt_stmt_text(st, 2, NULL),
			      "species", gt_stmt_text(st, 3, NULL), "count",
			      (json_int_t)gt_stmt_i64(st, 4), "date", gt_stmt_text(st, 5, NULL),
			      "latitude", (double)gt_stmt_i64(st, 6) / 1e6, "longitude",
			      (double)gt_stmt_i64(st, 7) / 1e6, "photos", S_json_col(st, 8),
			      "trees", S_json_col(st, 9), "note", S_text_or_null(st, 10), "at",
			      gt_stmt_text(st, 11, NULL), "surviving", (json_int_t)surviving);
	gt_stmt_close(st);
	json_t *checks;
	if ((rc = S_list(c, GT_Q_GREEN_CHECKS_OF, S_bind_int, &n, S_check, &checks, err)) < 0) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "checks", checks);
	*ret = o;
	return 0;
}

int gt_green_tree_json(gt_store_conn *c, int64_t n, json_t **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GREEN_TREE_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, n);
	rc = gt_stmt_step(st, err);
	if (rc <= 0) {
		gt_stmt_close(st);
		return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no tree %lld", (long long)n);
	}
	char species[64];
	snprintf(species, sizeof(species), "%s", gt_stmt_text(st, 2, NULL));
	bool planted = !gt_stmt_is_null(st, 6);
	int64_t planting = planted ? gt_stmt_i64(st, 6) : 0;
	json_t *o =
		json_pack("{s:I, s:s, s:s, s:I, s:{s:I, s:s}, s:s}", "tree", (json_int_t)n, "user",
			  gt_stmt_text(st, 1, NULL), "planter", gt_stmt_text(st, 3, NULL), "cost",
			  (json_int_t)gt_stmt_i64(st, 4), "redeemed", "index", (json_int_t)n, "at",
			  gt_stmt_text(st, 5, NULL), "status", planted ? "planted" : "ordered");
	gt_stmt_close(st);
	json_t *sp = NULL, *p = NULL;
	if ((rc = gt_stmt_open(c, GT_Q_GREEN_SPECIES_GET, &st, err)) == 0) {
		gt_stmt_bind_text(st, 1, species, (size_t)-1);
		if ((rc = gt_stmt_step(st, err)) == 1)
			sp = json_pack("{s:s, s:s, s:o, s:s}", "id", species, "name",
				       gt_stmt_text(st, 2, NULL), "name_zh", S_text_or_null(st, 3),
				       "region", gt_stmt_text(st, 5, NULL));
		gt_stmt_close(st);
	}
	if (rc >= 0 && planted)
		rc = gt_green_planting_json(c, planting, &p, err);
	if (rc < 0) {
		json_decref(o);
		json_decref(sp);
		return rc;
	}
	json_object_set_new(o, "species", sp ? sp : json_pack("{s:s}", "id", species));
	if (p) {
		/* The site's name and region with the planting. */
		if (gt_stmt_open(c, GT_Q_GREEN_SITE_GET, &st, err) == 0) {
			gt_stmt_bind_text(st, 1, json_string_value(json_object_get(p, "site")),
					  (size_t)-1);
			if (gt_stmt_step(st, err) == 1)
				json_object_set_new(p, "site_name",
						    json_string(gt_stmt_text(st, 2, NULL)));
			gt_stmt_close(st);
		}
		json_object_set_new(o, "checks", json_incref(json_object_get(p, "checks")));
		json_object_del(p, "checks");
		json_object_del(p, "trees");
	}
	json_object_set_new(o, "planting", p ? p : json_null());
	if (!p)
		json_object_set_new(o, "checks", json_array());
	*ret = o;
	return 0;
}

/* ---- users ---------------------------------------------------------------------------------- */

static void S_bind_user(gt_stmt *st, const void *arg)
{
	gt_stmt_bind_text(st, 1, (const char *)arg, (size_t)-1);
	gt_stmt_bind_i64(st, 2, 200);
}

static json_t *S_tree_item(gt_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o}", "tree", (json_int_t)gt_stmt_i64(st, 0),
			 "species", gt_stmt_text(st, 2, NULL), "status",
			 gt_stmt_is_null(st, 6) ? "ordered" : "planted", "cost",
			 (json_int_t)gt_stmt_i64(st, 4), "at", gt_stmt_text(st, 5, NULL),
			 "planting", S_int_or_null(st, 6));
}

int gt_green_me_json(gt_green_book *b, gt_store_conn *c, const char *id, int64_t now_ms,
		     json_t **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GREEN_GUSER_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	rc = gt_stmt_step(st, err);
	char ref[GT_PSEUDO_LEN + 1];
	if (rc == 1)
		snprintf(ref, sizeof(ref), "%s", gt_stmt_text(st, 3, NULL));
	gt_stmt_close(st);
	if (rc <= 0)
		return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no user %s", id);
	int64_t collected = 0, spent = 0, trees = 0;
	if ((rc = gt_stmt_open(c, GT_Q_GREEN_USER_GET, &st, err)) < 0)
		return rc;
	gt_stmt_bind_text(st, 1, ref, (size_t)-1);
	if ((rc = gt_stmt_step(st, err)) == 1) {
		collected = gt_stmt_i64(st, 0);
		spent = gt_stmt_i64(st, 1);
		trees = gt_stmt_i64(st, 2);
	}
	gt_stmt_close(st);
	json_t *list;
	if (rc < 0 || (rc = S_list(c, GT_Q_GREEN_TREES_OF_USER, S_bind_user, ref, S_tree_item,
				   &list, err)) < 0)
		return rc;
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "id", id, "ref", ref,
			      "balance", (json_int_t)(collected - spent), "collected",
			      (json_int_t)collected, "spent", (json_int_t)spent, "tree_count",
			      (json_int_t)trees, "trees", list);
	if (!o || (rc = gt_green_energy(b, ref, now_ms, o, err)) < 0) {
		json_decref(o);
		return o ? rc : gt_fail(err, GT_ENOMEM, "out of memory");
	}
	*ret = o;
	return 0;
}

/* ---- totals --------------------------------------------------------------------------------- */

static json_t *S_kind_total(gt_stmt *st)
{
	return json_pack("{s:s, s:I, s:I}", "kind", gt_stmt_text(st, 0, NULL), "grams",
			 (json_int_t)gt_stmt_i64(st, 1), "actions", (json_int_t)gt_stmt_i64(st, 2));
}

static json_t *S_species_total(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "id", gt_stmt_text(st, 0, NULL), "name",
			 gt_stmt_text(st, 2, NULL), "planter", gt_stmt_text(st, 1, NULL), "ordered",
			 (json_int_t)gt_stmt_i64(st, 10), "planted",
			 (json_int_t)gt_stmt_i64(st, 11), "surviving",
			 (json_int_t)gt_stmt_i64(st, 12));
}

static json_t *S_site_total(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "id", gt_stmt_text(st, 0, NULL), "name",
			 gt_stmt_text(st, 2, NULL), "planter", gt_stmt_text(st, 1, NULL),
			 "plantings", (json_int_t)gt_stmt_i64(st, 8), "planted",
			 (json_int_t)gt_stmt_i64(st, 9), "surviving",
			 (json_int_t)gt_stmt_i64(st, 10));
}

static json_t *S_partner_total(gt_stmt *st)
{
	return json_pack("{s:s, s:I, s:I, s:I}", "planter", gt_stmt_text(st, 0, NULL), "ordered",
			 (json_int_t)gt_stmt_i64(st, 1), "planted", (json_int_t)gt_stmt_i64(st, 2),
			 "surviving", (json_int_t)gt_stmt_i64(st, 3));
}

static json_t *S_pool_item(gt_stmt *st);

int gt_green_totals_json(gt_store_conn *c, int64_t now_ms, json_t **ret, gt_error *err)
{
	/* Energy of day D expires at the start of D + 4: days before today - 3 are over. */
	int64_t first_alive = gt_green_day(now_ms) - 3;
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GREEN_ENERGY, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, first_alive);
	int64_t v[6] = {0};
	if ((rc = gt_stmt_step(st, err)) == 1)
		for (int i = 0; i < 6; i++)
			v[i] = gt_stmt_i64(st, i);
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	json_t *kinds = NULL, *species = NULL, *sites = NULL, *partners = NULL, *pools = NULL;
	if ((rc = S_list(c, GT_Q_GREEN_KINDS, NULL, NULL, S_kind_total, &kinds, err)) == 0 &&
	    (rc = S_list(c, GT_Q_GREEN_SPECIES_LIST, NULL, NULL, S_species_total, &species, err)) ==
		    0 &&
	    (rc = S_list(c, GT_Q_GREEN_SITE_LIST, NULL, NULL, S_site_total, &sites, err)) == 0 &&
	    (rc = S_list(c, GT_Q_GREEN_PARTNERS, NULL, NULL, S_partner_total, &partners, err)) == 0)
		rc = S_list(c, GT_Q_GREEN_POOLS, NULL, NULL, S_pool_item, &pools, err);
	if (rc < 0) {
		json_decref(kinds);
		json_decref(species);
		json_decref(sites);
		json_decref(partners);
		return rc;
	}
	int64_t ordered = 0, planted = 0, surviving = 0;
	size_t i;
	json_t *x;
	json_array_foreach(partners, i, x)
	{
		ordered += json_integer_value(json_object_get(x, "ordered"));
		planted += json_integer_value(json_object_get(x, "planted"));
		surviving += json_integer_value(json_object_get(x, "surviving"));
	}
	char at[GT_TIME_LEN + 1];
	gt_time_format(now_ms, at);
	*ret = json_pack("{s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:o}, s:{s:I, s:I, s:I}, s:o, "
			 "s:o, s:o, s:o}",
			 "as_of", at, "energy", "credited", (json_int_t)v[0], "collected",
			 (json_int_t)v[1], "expired", (json_int_t)(v[2] - v[3]), "pending",
			 (json_int_t)((v[0] - v[2]) - (v[1] - v[3])), "spent", (json_int_t)v[4],
			 "actions", (json_int_t)v[5], "kinds", kinds, "trees", "ordered",
			 (json_int_t)ordered, "planted", (json_int_t)planted, "surviving",
			 (json_int_t)surviving, "species", species, "sites", sites, "partners",
			 partners, "pools", pools);
	return *ret ? 0 : gt_fail(err, GT_ENOMEM, "out of memory");
}

/* ---- pools ---------------------------------------------------------------------------------- */

static json_t *S_pool_item(gt_stmt *st)
{
	int64_t budget = gt_stmt_i64(st, 4), unlocked = gt_stmt_i64(st, 15);
	json_t *o =
		json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:I, "
			  "s:s, s:b}",
			  "id", gt_stmt_text(st, 0, NULL), "sponsor", gt_stmt_text(st, 1, NULL),
			  "name", gt_stmt_text(st, 2, NULL), "currency", gt_stmt_text(st, 3, NULL),
			  "budget", (json_int_t)budget, "unlocked", (json_int_t)unlocked, "left",
			  (json_int_t)(budget - unlocked), "unlocks",
			  (json_int_t)gt_stmt_i64(st, 16), "campaigns", S_json_col(st, 5),
			  "user_cap", S_int_or_null(st, 9), "starts", S_text_or_null(st, 10),
			  "ends", S_text_or_null(st, 11), "index", (json_int_t)gt_stmt_i64(st, 12),
			  "at", gt_stmt_text(st, 13, NULL), "closed", !gt_stmt_is_null(st, 14));
	if (!gt_stmt_is_null(st, 6))
		json_object_set_new(o, "per_action",
				    json_pack("{s:o, s:I}", "kinds", S_json_col(st, 6), "amount",
					      (json_int_t)gt_stmt_i64(st, 7)));
	else
		json_object_set_new(o, "per_energy",
				    json_pack("{s:I, s:I}", "grams", (json_int_t)gt_stmt_i64(st, 8),
					      "amount", (json_int_t)gt_stmt_i64(st, 7)));
	return o;
}

/* A pool's status at now: closed, upcoming, ended, exhausted or open. */
static void S_pool_status(json_t *o, int64_t now_ms)
{
	int64_t t;
	const char *s = "open";
	const char *starts = json_string_value(json_object_get(o, "starts")),
		   *ends = json_string_value(json_object_get(o, "ends"));
	if (json_is_true(json_object_get(o, "closed")))
		s = "closed";
	else if (starts && gt_time_parse(starts, &t) == 0 && now_ms < t)
		s = "upcoming";
	else if (ends && gt_time_parse(ends, &t) == 0 && now_ms >= t)
		s = "ended";
	else if (json_integer_value(json_object_get(o, "left")) <= 0)
		s = "exhausted";
	json_object_set_new(o, "status", json_string(s));
}

int gt_green_pools_json(gt_store_conn *c, int64_t now_ms, json_t **ret, gt_error *err)
{
	json_t *list;
	int rc = S_list(c, GT_Q_GREEN_POOLS, NULL, NULL, S_pool_item, &list, err);
	if (rc < 0)
		return rc;
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) S_pool_status(x, now_ms);
	return S_items(list, ret, err);
}

static void S_bind_text(gt_stmt *st, const void *arg)
{
	gt_stmt_bind_text(st, 1, (const char *)arg, (size_t)-1);
}

static json_t *S_campaign_amount(gt_stmt *st)
{
	return json_pack("{s:s, s:I, s:I}", "campaign", gt_stmt_text(st, 0, NULL), "amount",
			 (json_int_t)gt_stmt_i64(st, 1), "unlocks", (json_int_t)gt_stmt_i64(st, 2));
}

int gt_green_pool_json(gt_store_conn *c, const char *id, int64_t now_ms, json_t **ret,
		       gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GREEN_POOL_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	rc = gt_stmt_step(st, err);
	json_t *o = rc == 1 ? S_pool_item(st) : NULL;
	gt_stmt_close(st);
	if (rc <= 0)
		return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no pool \"%s\"", id);
	S_pool_status(o, now_ms);
	json_t *amounts;
	if ((rc = S_list(c, GT_Q_GREEN_UNLOCK_CAMPAIGNS, S_bind_text, id, S_campaign_amount,
			 &amounts, err)) < 0) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "by_campaign", amounts);
	*ret = o;
	return 0;
}
