/* Trees: the partners' catalogue of species and planting sites, redeeming
 * energy for a tree, planting (the oldest waiting orders first) and
 * survival checks at one and three years. */
#include "green/green_int.h"
#include "core/json.h"
#include "core/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PLANT_MAX 1000
#define S_PHOTOS_MAX 20
#define S_SITE_RADIUS_M 50000.0
#define S_CHECK_EARLY_DAYS 30

/* A row of q by its text key into *ret: 0, or GT_ENOTFOUND "<what> \"key\"
 * does not exist". */
static int S_row(gt_store_conn *c, gt_query q, const char *key, const char *what, gt_stmt **ret,
		 gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, q, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, key, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		*ret = st;
		return 0;
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no %s \"%s\"", what, key);
}

static int S_row_int(gt_store_conn *c, gt_query q, int64_t key, const char *what, gt_stmt **ret,
		     gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, q, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, key);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		*ret = st;
		return 0;
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no %s %lld", what, (long long)key);
}

/* Whether the thing of row st (its owner in column col) may be changed by
 * the caller: 0, or GT_EDENIED naming the owner. */
static int S_owner(gt_decide *d, gt_stmt *st, int col, const char *what, const char *id,
		   gt_error *err)
{
	const char *owner = gt_stmt_text(st, col, NULL);
	if (strcmp(owner, gt_decide_org(d)) != 0)
		return gt_fail(err, GT_EDENIED, "%s \"%s\" belongs to %s", what, id, owner);
	return 0;
}

/* ---- the catalogue -------------------------------------------------------------------------- */

/* Publish a species or site (data stolen) as entry type: a new id, or one
 * of the caller's own (q finds it; its owner in column 1). */
static int S_publish(gt_decide *d, gt_query q, const char *what, const char *id, const char *type,
		     json_t *data, gt_error *err)
{
	gt_stmt *st;
	int rc = S_row(gt_decide_conn(d), q, id, what, &st, err);
	if (rc == 0) {
		rc = S_owner(d, st, 1, what, id, err);
		gt_stmt_close(st);
	} else if (rc == GT_ENOTFOUND)
		rc = 0;
	uint64_t index;
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	if ((rc = gt_decide_emit(d, type, data, &index, err)) == 0)
		gt_decide_reply(d, json_pack("{s:s, s:I}", "id", id, "index", (json_int_t)index));
	return rc;
}

int gt_green_species_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id",     "name",	    "name_zh",	 "cost",
					   "region", "description", "available", NULL};
	const char *id = NULL, *name, *name_zh = NULL, *region, *desc = NULL;
	int64_t cost;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "species are published by planting partners");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "id", 40, true, &id, err);
	if (rc == 0)
		rc = gt_json_text(in, "name", 100, true, &name, err);
	if (rc == 0)
		rc = gt_json_text(in, "name_zh", 100, false, &name_zh, err);
	if (rc == 0)
		rc = gt_json_int(in, "cost", 100, 1000000, &cost, err);
	if (rc == 0)
		rc = gt_json_text(in, "region", 200, true, &region, err);
	if (rc == 0)
		rc = gt_json_text(in, "description", 2000, false, &desc, err);
	const json_t *avail = json_object_get(in, "available");
	if (rc == 0 && avail && !json_is_null(avail) && !json_is_boolean(avail))
		rc = gt_fail(err, GT_EINVAL, "available must be true or false");
	if (rc < 0)
		return rc;
	json_t *data =
		json_pack("{s:s, s:s, s:I, s:s, s:b}", "id", id, "name", name, "cost",
			  (json_int_t)cost, "region", region, "available", !json_is_false(avail));
	if (name_zh)
		json_object_set_new(data, "name_zh", json_string(name_zh));
	if (desc)
		json_object_set_new(data, "description", json_string(desc));
	return S_publish(d, GT_Q_GREEN_SPECIES_GET, "species", id, "green.species", data, err);
}

int gt_green_species_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	int64_t r = gt_store_exec(
		c, GT_Q_GREEN_SPECIES_PUT, err, "ttttittiit", gt_green_opt(v, "id"),
		gt_entry_org(e), gt_green_opt(v, "name"), gt_green_opt(v, "name_zh"),
		gt_green_int(v, "cost"), gt_green_opt(v, "region"), gt_green_opt(v, "description"),
		(int64_t)json_is_true(json_object_get(v, "available")), (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}

int gt_green_site_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id", "name", "region", "latitude", "longitude", NULL};
	const char *id = NULL, *name, *region;
	int32_t lat, lon;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "sites are published by planting partners");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "id", 40, true, &id, err);
	if (rc == 0)
		rc = gt_json_text(in, "name", 100, true, &name, err);
	if (rc == 0)
		rc = gt_json_text(in, "region", 200, true, &region, err);
	if (rc == 0)
		rc = gt_json_degrees(in, NULL, "latitude", 90, &lat, err);
	if (rc == 0)
		rc = gt_json_degrees(in, NULL, "longitude", 180, &lon, err);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:s, s:s, s:s, s:i, s:i}", "id", id, "name", name, "region",
				 region, "latitude_e6", lat, "longitude_e6", lon);
	return S_publish(d, GT_Q_GREEN_SITE_GET, "site", id, "green.site", data, err);
}

int gt_green_site_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	int64_t r = gt_store_exec(c, GT_Q_GREEN_SITE_PUT, err, "ttttiiit", gt_green_opt(v, "id"),
				  gt_entry_org(e), gt_green_opt(v, "name"),
				  gt_green_opt(v, "region"), gt_green_int(v, "latitude_e6"),
				  gt_green_int(v, "longitude_e6"), (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}

/* ---- redeeming ------------------------------------------------------------------------------ */

/* The user's balance: collected minus spent. */
int gt_green_balance(gt_store_conn *c, const char *ref, int64_t *balance, gt_error *err)
{
	gt_stmt *st;
	*balance = 0;
	int rc = S_row(c, GT_Q_GREEN_USER_GET, ref, "user", &st, err);
	if (rc == GT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	*balance = gt_stmt_i64(st, 0) - gt_stmt_i64(st, 1);
	gt_stmt_close(st);
	return 0;
}

int gt_green_redeem_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"species", NULL};
	char ref[GT_PSEUDO_LEN + 1];
	const char *id = NULL;
	int rc = gt_green_me(d, ref, err);
	if (rc == 0)
		rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "species", 40, true, &id, err);
	gt_stmt *st;
	if (rc == 0)
		rc = S_row(gt_decide_conn(d), GT_Q_GREEN_SPECIES_GET, id, "species", &st, err);
	if (rc < 0)
		return rc;
	int64_t cost = gt_stmt_i64(st, 4), balance;
	bool available = gt_stmt_i64(st, 7) != 0;
	char planter[GT_ORG_ID_MAX + 1], name[101];
	snprintf(planter, sizeof(planter), "%s", gt_stmt_text(st, 1, NULL));
	snprintf(name, sizeof(name), "%s", gt_stmt_text(st, 2, NULL));
	gt_stmt_close(st);
	if (!available)
		return gt_fail(err, GT_ESTATE, "%s (%s) is not available now", name, id);
	if ((rc = gt_green_balance(gt_decide_conn(d), ref, &balance, err)) < 0)
		return rc;
	if (balance < cost)
		return gt_fail(err, GT_ESTATE,
			       "a %s costs %lld g of energy; your balance is %lld g (%lld g short)",
			       name, (long long)cost, (long long)balance,
			       (long long)(cost - balance));
	json_t *data = json_pack("{s:s, s:s, s:s, s:I}", "user", ref, "species", id, "planter",
				 planter, "cost", (json_int_t)cost);
	uint64_t index;
	if ((rc = gt_decide_emit(d, "green.redeem", data, &index, err)) < 0)
		return rc;
	gt_decide_reply(d, json_pack("{s:I, s:s, s:s, s:I, s:I}", "tree", (json_int_t)index,
				     "species", id, "planter", planter, "cost", (json_int_t)cost,
				     "balance", (json_int_t)(balance - cost)));
	return 0;
}

int gt_green_redeem_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	const char *user = gt_green_opt(v, "user"), *species = gt_green_opt(v, "species");
	int64_t cost = gt_green_int(v, "cost");
	int64_t r = gt_store_exec(c, GT_Q_GREEN_TREE_PUT, err, "itttit", (int64_t)e->index, user,
				  species, gt_green_opt(v, "planter"), cost, e->at);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GREEN_USER_ADD, err, "tiii", user, (int64_t)0, cost,
				  (int64_t)1);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GREEN_SPECIES_COUNT, err, "tiii", species, (int64_t)1,
				  (int64_t)0, (int64_t)0);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GREEN_SUM_ADD, err, "ti", "spent", cost);
	return r < 0 ? (int)r : 0;
}

/* ---- planting ------------------------------------------------------------------------------- */

int gt_green_planting_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"site",	"species", "count", "date", "latitude",
					   "longitude", "photos",  "note",  NULL};
	const char *site = NULL, *species = NULL, *note = NULL;
	int64_t count;
	int32_t day, lat, lon;
	json_t *photos = NULL;
	gt_store_conn *c = gt_decide_conn(d);
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "plantings are recorded by planting partners");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "site", 40, true, &site, err);
	if (rc == 0)
		rc = gt_json_slug(in, "species", 40, true, &species, err);
	if (rc == 0)
		rc = gt_json_int(in, "count", 1, S_PLANT_MAX, &count, err);
	if (rc == 0)
		rc = gt_green_date(in, "date", &day, err);
	if (rc == 0)
		rc = gt_json_degrees(in, NULL, "latitude", 90, &lat, err);
	if (rc == 0)
		rc = gt_json_degrees(in, NULL, "longitude", 180, &lon, err);
	if (rc == 0)
		rc = gt_json_text(in, "note", 500, false, &note, err);
	if (rc == 0)
		rc = gt_green_hashes(in, "photos", S_PHOTOS_MAX, &photos, err);
	if (rc < 0)
		return rc;
	gt_stmt *st;
	if ((rc = S_row(c, GT_Q_GREEN_SITE_GET, site, "site", &st, err)) == 0) {
		rc = S_owner(d, st, 1, "site", site, err);
		double m = gt_green_metres((int32_t)gt_stmt_i64(st, 4), (int32_t)gt_stmt_i64(st, 5),
					   lat, lon);
		if (rc == 0 && m > S_SITE_RADIUS_M)
			rc = gt_fail(err, GT_EINVAL,
				     "the place is %.1f km from site \"%s\"; a planting is within "
				     "%.0f km of its site",
				     m / 1000, site, S_SITE_RADIUS_M / 1000);
		gt_stmt_close(st);
	}
	if (rc == 0 && (rc = S_row(c, GT_Q_GREEN_SPECIES_GET, species, "species", &st, err)) == 0) {
		rc = S_owner(d, st, 1, "species", species, err);
		gt_stmt_close(st);
	}
	int32_t today = gt_green_day(gt_decide_now_ms(d));
	if (rc == 0 && day > today)
		rc = gt_fail(err, GT_EINVAL, "date %s is in the future", gt_green_opt(in, "date"));
	/* The oldest waiting trees of the species. */
	json_t *trees = json_array();
	int64_t last_ordered = 0;
	if (rc == 0 && (rc = gt_stmt_open(c, GT_Q_GREEN_TREES_WAITING, &st, err)) == 0) {
		gt_stmt_bind_text(st, 1, species, (size_t)-1);
		gt_stmt_bind_i64(st, 2, count);
		while ((rc = gt_stmt_step(st, err)) == 1) {
			json_array_append_new(trees, json_integer(gt_stmt_i64(st, 0)));
			int64_t ms;
			if (gt_time_parse(gt_stmt_text(st, 1, NULL), &ms) == 0)
				last_ordered = ms;
		}
		gt_stmt_close(st);
	}
	if (rc == 0 && (int64_t)json_array_size(trees) < count)
		rc = gt_fail(err, GT_ESTATE,
			     "only %zu %s trees are waiting to be planted, not %lld",
			     json_array_size(trees), species, (long long)count);
	char ordered[11];
	gt_green_day_text(gt_green_day(last_ordered), ordered);
	if (rc == 0 && day < gt_green_day(last_ordered))
		rc = gt_fail(err, GT_EINVAL,
			     "date %s is before the last of these trees was ordered (%s)",
			     gt_green_opt(in, "date"), ordered);
	if (rc < 0) {
		json_decref(trees);
		json_decref(photos);
		return rc;
	}
	json_t *data = json_pack("{s:s, s:s, s:I, s:s, s:i, s:i, s:o, s:o}", "site", site,
				 "species", species, "count", (json_int_t)count, "date",
				 gt_green_opt(in, "date"), "latitude_e6", lat, "longitude_e6", lon,
				 "photos", photos, "trees", trees);
	if (note)
		json_object_set_new(data, "note", json_string(note));
	json_t *list = json_incref(json_object_get(data, "trees"));
	uint64_t index;
	if ((rc = gt_decide_emit(d, "green.planting", data, &index, err)) == 0)
		gt_decide_reply(d, json_pack("{s:I, s:I, s:o}", "planting", (json_int_t)index,
					     "count", (json_int_t)count, "trees", list));
	else
		json_decref(list);
	return rc;
}

int gt_green_planting_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data, *trees = json_object_get(v, "trees");
	const char *site = gt_green_opt(v, "site"), *species = gt_green_opt(v, "species");
	int64_t count = gt_green_int(v, "count");
	char *photos = json_dumps(json_object_get(v, "photos"), JSON_COMPACT);
	char *list = json_dumps(trees, JSON_COMPACT);
	int64_t r = photos && list ?
			    gt_store_exec(c, GT_Q_GREEN_PLANTING_PUT, err,
					  "ittti"
					  "tiittt"
					  "t",
					  (int64_t)e->index, gt_entry_org(e), site, species, count,
					  gt_green_opt(v, "date"), gt_green_int(v, "latitude_e6"),
					  gt_green_int(v, "longitude_e6"), photos, list,
					  gt_green_opt(v, "note"), e->at) :
			    gt_fail(err, GT_ENOMEM, "out of memory");
	free(photos);
	free(list);
	size_t i;
	const json_t *t;
	json_array_foreach(trees, i, t)
	{
		if (r < 0)
			break;
		r = gt_store_exec(c, GT_Q_GREEN_TREE_PLANT, err, "ii",
				  (int64_t)json_integer_value(t), (int64_t)e->index);
		if (r == 0)
			r = gt_fail(err, GT_ECORRUPT,
				    "entry %llu plants tree %lld, which is not waiting",
				    (unsigned long long)e->index, (long long)json_integer_value(t));
	}
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GREEN_SPECIES_COUNT, err, "tiii", species, (int64_t)0,
				  count, (int64_t)0);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GREEN_SITE_COUNT, err, "tiii", site, (int64_t)1, count,
				  (int64_t)0);
	return r < 0 ? (int)r : 0;
}

/* ---- survival ------------------------------------------------------------------------------- */

int gt_green_survival_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"planting", "year", "date", "alive", "photos", NULL};
	int64_t planting, year, alive;
	int32_t day;
	json_t *photos = NULL;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "survival is checked by planting partners");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_int(in, "planting", 0, INT64_MAX, &planting, err);
	if (rc == 0)
		rc = gt_json_int(in, "year", 1, 3, &year, err);
	if (rc == 0 && year == 2)
		rc = gt_fail(err, GT_EINVAL, "year must be 1 or 3");
	if (rc == 0)
		rc = gt_green_date(in, "date", &day, err);
	if (rc == 0)
		rc = gt_json_int(in, "alive", 0, S_PLANT_MAX, &alive, err);
	if (rc < 0)
		return rc;
	gt_stmt *st;
	if ((rc = S_row_int(gt_decide_conn(d), GT_Q_GREEN_PLANTING_GET, planting, "planting", &st,
			    err)) < 0)
		return rc;
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)planting);
	rc = S_owner(d, st, 1, "planting", idtext, err);
	int64_t count = gt_stmt_i64(st, 4);
	int32_t planted = gt_green_day_parse(gt_stmt_text(st, 5, NULL));
	bool has1 = !gt_stmt_is_null(st, 13), has3 = !gt_stmt_is_null(st, 15);
	int64_t alive1 = has1 ? gt_stmt_i64(st, 12) : 0;
	gt_stmt_close(st);
	int32_t today = gt_green_day(gt_decide_now_ms(d));
	int32_t earliest = gt_green_add_years(planted, (int)year) - S_CHECK_EARLY_DAYS;
	char t[11];
	gt_green_day_text(earliest, t);
	if (rc == 0 && ((year == 1 && has1) || (year == 3 && has3)))
		rc = gt_fail(err, GT_EEXIST, "planting %lld already has its year-%lld check",
			     (long long)planting, (long long)year);
	if (rc == 0 && year == 3 && !has1)
		rc = gt_fail(err, GT_ESTATE,
			     "planting %lld has no year-1 check yet: it comes before year 3",
			     (long long)planting);
	if (rc == 0 && day > today)
		rc = gt_fail(err, GT_EINVAL, "date %s is in the future", gt_green_opt(in, "date"));
	if (rc == 0 && day < earliest)
		rc = gt_fail(err, GT_ESTATE, "the year-%lld check of planting %lld is due from %s",
			     (long long)year, (long long)planting, t);
	if (rc == 0 && alive > count)
		rc = gt_fail(err, GT_EINVAL, "alive (%lld) is more than the %lld trees planted",
			     (long long)alive, (long long)count);
	if (rc == 0 && year == 3 && alive > alive1)
		rc = gt_fail(err, GT_EINVAL,
			     "alive (%lld) is more than the %lld alive at the year-1 check",
			     (long long)alive, (long long)alive1);
	if (rc == 0)
		rc = gt_green_hashes(in, "photos", S_PHOTOS_MAX, &photos, err);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:I, s:I, s:s, s:I, s:o}", "planting", (json_int_t)planting,
				 "year", (json_int_t)year, "date", gt_green_opt(in, "date"),
				 "alive", (json_int_t)alive, "photos", photos);
	uint64_t index;
	if ((rc = gt_decide_emit(d, "green.survival", data, &index, err)) == 0)
		gt_decide_reply(d, json_pack("{s:I, s:I, s:I, s:I, s:I}", "index",
					     (json_int_t)index, "planting", (json_int_t)planting,
					     "year", (json_int_t)year, "alive", (json_int_t)alive,
					     "planted", (json_int_t)count));
	return rc;
}

int gt_green_survival_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	int64_t planting = gt_green_int(v, "planting"), year = gt_green_int(v, "year"),
		alive = gt_green_int(v, "alive");
	gt_stmt *st;
	int rc = S_row_int(c, GT_Q_GREEN_PLANTING_GET, planting, "planting", &st, err);
	if (rc < 0)
		return rc == GT_ENOTFOUND ? gt_fail(err, GT_ECORRUPT, "entry %llu: %s",
						    (unsigned long long)e->index, err->msg) :
					    rc;
	/* Surviving trees are the latest check's: the year-3 figure replaces the year-1 one. */
	int64_t before = year == 3 && !gt_stmt_is_null(st, 13) ? gt_stmt_i64(st, 12) : 0;
	char site[64], species[64];
	snprintf(site, sizeof(site), "%s", gt_stmt_text(st, 2, NULL));
	snprintf(species, sizeof(species), "%s", gt_stmt_text(st, 3, NULL));
	gt_stmt_close(st);
	char *photos = json_dumps(json_object_get(v, "photos"), JSON_COMPACT);
	int64_t r = photos ? gt_store_exec(c, GT_Q_GREEN_CHECK_PUT, err,
					   "iiitit"
					   "t",
					   (int64_t)e->index, planting, year,
					   gt_green_opt(v, "date"), alive, photos, e->at) :
			     gt_fail(err, GT_ENOMEM, "out of memory");
	free(photos);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GREEN_PLANTING_CHECK, err, "iiii", planting, year, alive,
				  (int64_t)e->index);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GREEN_SPECIES_COUNT, err, "tiii", species, (int64_t)0,
				  (int64_t)0, alive - before);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GREEN_SITE_COUNT, err, "tiii", site, (int64_t)0,
				  (int64_t)0, alive - before);
	return r < 0 ? (int)r : 0;
}
