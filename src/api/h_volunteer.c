/* Volunteering: the taxonomy, opportunities and their slots, volunteers'
 * profiles, matches and candidates, sign-ups, check-in and check-out,
 * sessions and hours, disputes, certificates (docs/volunteer.md). */
#include "api/api_int.h"
#include "core/json.h"
#include "core/time.h"
#include "give/give.h"
#include "volunteer/taxonomy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *S_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int64_t S_int(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* ---- helpers --------------------------------------------------------------------------------- */

/* The reply, with the entry's "index" and "at" when the command wrote one
 * (registration, profile changes and check-in codes write none). */
static enum MHD_Result S_created(gt_req *r, const gt_ledger_result *res)
{
	if (res->count)
		return gt_api_finish_created(r, res);
	return gt_api_json(r, MHD_HTTP_CREATED,
			   res->reply ? json_incref(res->reply) : json_object());
}

static enum MHD_Result S_ok(gt_req *r, const gt_ledger_result *res)
{
	if (res->count)
		return gt_api_finish_ok(r, res);
	return gt_api_json(r, MHD_HTTP_OK, res->reply ? json_incref(res->reply) : json_object());
}

/* A volunteer's own path: 0, or 403 answered. */
static int S_self(gt_req *r, enum MHD_Result *ans)
{
	if (strcmp(r->who.org, r->param[0]) == 0)
		return 0;
	*ans = gt_api_problem(r, MHD_HTTP_FORBIDDEN, "forbidden",
			      "a volunteer sees and changes only their own profile");
	return GT_EDENIED;
}

static double S_deg(int64_t e6)
{
	return (double)e6 / 1e6;
}

/* An opportunity row (GT_Q_VOL_OPP_GET's columns) as the API shows it. */
static json_t *S_opportunity(gt_stmt *st)
{
	json_error_t je;
	json_t *v = json_loads(gt_stmt_text(st, 8, NULL), 0, &je);
	if (!v)
		return NULL;
	json_t *place = json_object_get(v, "place");
	if (place) {
		json_t *p = json_pack("{s:f, s:f}", "latitude", S_deg(S_int(place, "lat_e6")),
				      "longitude", S_deg(S_int(place, "lon_e6")));
		if (json_object_get(place, "venue"))
			json_object_set(p, "venue", json_object_get(place, "venue"));
		json_object_set_new(v, "place", p);
	}
	json_t *skills = json_object_get(v, "skills");
	size_t i;
	json_t *s;
	json_array_foreach(skills, i, s)
	{
		int64_t l = S_int(s, "level");
		json_object_set_new(s, "level",
				    json_string(gt_vol_levels[l >= 1 && l <= 4 ? l - 1 : 0].id));
	}
	if (!json_object_get(v, "remote"))
		json_object_set_new(v, "remote", json_false());
	json_object_del(v, "slots"); /* from the slots table, with places taken */
	json_object_set_new(v, "number", json_integer(gt_stmt_i64(st, 0)));
	json_object_set_new(v, "org", json_string(gt_stmt_text(st, 2, NULL)));
	json_object_set_new(v, "at", json_string(gt_stmt_text(st, 9, NULL)));
	json_object_set_new(v, "status", json_string(gt_stmt_is_null(st, 10) ? "open" : "closed"));
	json_object_set_new(v, "closed_at", gt_api_text_or_null(st, 11));
	return v;
}

static json_t *S_slot(gt_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I}", "id", gt_stmt_text(st, 0, NULL), "start",
			 gt_stmt_text(st, 1, NULL), "end", gt_stmt_text(st, 2, NULL), "capacity",
			 (json_int_t)gt_stmt_i64(st, 3), "taken", (json_int_t)gt_stmt_i64(st, 4));
}

/* The opportunity id's row with its slots into *ret; 0, or a problem answered. */
static int S_load_opportunity(gt_req *r, gt_store_conn *c, const char *id, json_t **ret,
			      int64_t *num, enum MHD_Result *ans)
{
	gt_stmt *st;
	gt_error err = {0};
	*ret = NULL;
	int rc = gt_stmt_open(c, GT_Q_VOL_OPP_GET, &st, &err);
	if (rc == 0) {
		gt_stmt_bind_text(st, 1, id, (size_t)-1);
		rc = gt_stmt_step(st, &err);
		if (rc == 0)
			rc = gt_fail(&err, GT_ENOTFOUND, "no opportunity \"%s\"", id);
		if (rc == 1) {
			*num = gt_stmt_i64(st, 0);
			*ret = S_opportunity(st);
			rc = *ret ? 0 : gt_fail(&err, GT_ENOMEM, "out of memory");
		}
		gt_stmt_close(st);
	}
	json_t *slots = json_array();
	if (rc == 0 && (rc = gt_stmt_open(c, GT_Q_VOL_SLOTS, &st, &err)) == 0) {
		gt_stmt_bind_i64(st, 1, *num);
		while ((rc = gt_stmt_step(st, &err)) == 1)
			json_array_append_new(slots, S_slot(st));
		gt_stmt_close(st);
	}
	if (rc < 0) {
		json_decref(slots);
		json_decref(*ret);
		*ret = NULL;
		*ans = gt_api_problem_code(r, rc, err.msg);
		return rc;
	}
	json_object_set_new(*ret, "slots", slots);
	return 0;
}

/* ---- the taxonomy and totals ------------------------------------------------------------------
 */

static json_t *S_terms(const gt_vol_term *t)
{
	json_t *list = json_array();
	for (size_t i = 0; t[i].id; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "id", t[i].id, "en",
						      t[i].en, "zh", t[i].zh));
	return list;
}

enum MHD_Result gt_h_vol_taxonomy(gt_req *r)
{
	return gt_api_json(r, MHD_HTTP_OK,
			   json_pack("{s:o, s:o, s:o, s:o}", "skills", S_terms(gt_vol_skills),
				     "levels", S_terms(gt_vol_levels), "causes",
				     S_terms(gt_vol_causes), "languages",
				     S_terms(gt_vol_languages)));
}

enum MHD_Result gt_h_vol_totals(gt_req *r)
{
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *v = NULL;
	if ((rc = gt_stmt_open(c, GT_Q_VOL_TOTALS, &st, &err)) == 0) {
		if ((rc = gt_stmt_step(st, &err)) == 1)
			v = json_pack("{s:I, s:I, s:I}", "open_opportunities",
				      (json_int_t)gt_stmt_i64(st, 0), "confirmed_signups",
				      (json_int_t)gt_stmt_i64(st, 1), "confirmed_minutes",
				      (json_int_t)gt_stmt_i64(st, 2));
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	if (rc < 0 || !v)
		return gt_api_problem_code(r, rc < 0 ? rc : GT_ENOMEM, err.msg);
	return gt_api_json(r, MHD_HTTP_OK, v);
}

/* ---- opportunities --------------------------------------------------------------------------- */

enum MHD_Result gt_h_opportunity_create(gt_req *r)
{
	return gt_api_submit(r, "vol.opportunity", json_incref(r->json), S_created);
}

enum MHD_Result gt_h_opportunity_close(gt_req *r)
{
	return gt_api_submit_param(r, "vol.opportunity.close", "opportunity", false, S_ok);
}

enum MHD_Result gt_h_opportunity_code(gt_req *r)
{
	json_t *in = json_pack("{s:s, s:s}", "opportunity", r->param[0], "slot", r->param[1]);
	return gt_api_submit(r, "vol.qr", in, S_ok);
}

enum MHD_Result gt_h_opportunity_get(gt_req *r)
{
	gt_store_conn *c;
	gt_error err = {0};
	enum MHD_Result ans;
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *v;
	int64_t num;
	rc = S_load_opportunity(r, c, r->param[0], &v, &num, &ans);
	gt_store_reader_done(c);
	return rc < 0 ? ans : gt_api_json(r, MHD_HTTP_OK, v);
}

static json_t *S_opportunity_row(gt_stmt *st)
{
	return S_opportunity(st);
}

/* Give the reader back and answer a page {name: list, next_name: next}, or
 * the error rc (list and next are released then). */
static enum MHD_Result S_page_answer(gt_req *r, gt_store_conn *c, int rc, const gt_error *err,
				     json_t *list, const char *name, json_t *next,
				     const char *next_name)
{
	gt_store_reader_done(c);
	if (rc < 0) {
		json_decref(list);
		json_decref(next);
		return gt_api_problem_code(r, rc, err->msg);
	}
	return gt_api_json(r, MHD_HTTP_OK, json_pack("{s:o, s:o}", name, list, next_name, next));
}

enum MHD_Result gt_h_opportunity_list(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, before;
	const char *org = gt_api_query(r, "org"), *cause = gt_api_query(r, "cause"),
		   *remote = gt_api_query(r, "remote"), *status = gt_api_query(r, "status");
	if (gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "before", INT64_MAX, INT64_MAX, &before, &ans) < 0)
		return ans;
	if (org && !gt_api_org_id_valid(org))
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "org is an organisation id");
	if (cause && gt_vol_cause_find(cause) < 0)
		return gt_api_problem(
			r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
			"cause must be one of the causes (GET /api/v1/volunteer/taxonomy)");
	static const char *const booleans[] = {"true", "false", NULL};
	static const char *const statuses[] = {"open", "all", NULL};
	if (gt_api_query_one_of(r, "remote", booleans, &remote, &ans) < 0 ||
	    gt_api_query_one_of(r, "status", statuses, &status, &ans) < 0)
		return ans;
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *list = NULL, *next = NULL;
	if ((rc = gt_stmt_open(c, GT_Q_VOL_OPP_LIST, &st, &err)) == 0) {
		if (org)
			gt_stmt_bind_text(st, 1, org, (size_t)-1);
		else
			gt_stmt_bind_null(st, 1);
		if (cause)
			gt_stmt_bind_text(st, 2, cause, (size_t)-1);
		else
			gt_stmt_bind_null(st, 2);
		if (remote)
			gt_stmt_bind_i64(st, 3, strcmp(remote, "true") == 0);
		else
			gt_stmt_bind_null(st, 3);
		gt_stmt_bind_i64(st, 4, !status || strcmp(status, "open") == 0);
		gt_stmt_bind_i64(st, 5, (int64_t)before);
		gt_stmt_bind_i64(st, 6, (int64_t)limit + 1);
		rc = gt_api_page(st, limit, S_opportunity_row, "number", &list, &next, &err);
		gt_stmt_close(st);
	}
	/* Each with its slots and the places taken, as GET /api/v1/opportunities/{id}. */
	size_t i;
	json_t *o;
	json_array_foreach(rc == 0 ? list : NULL, i, o)
	{
		json_t *slots = json_array();
		if ((rc = gt_stmt_open(c, GT_Q_VOL_SLOTS, &st, &err)) < 0)
			break;
		gt_stmt_bind_i64(st, 1, S_int(o, "number"));
		while ((rc = gt_stmt_step(st, &err)) == 1)
			json_array_append_new(slots, S_slot(st));
		gt_stmt_close(st);
		json_object_set_new(o, "slots", slots);
		if (rc < 0)
			break;
	}
	return S_page_answer(r, c, rc, &err, list, "opportunities", next, "next_before");
}

/* ---- volunteers ------------------------------------------------------------------------------ */

enum MHD_Result gt_h_volunteer_register(gt_req *r)
{
	return gt_api_submit(r, "vol.volunteer", json_incref(r->json), S_created);
}

enum MHD_Result gt_h_volunteer_update(gt_req *r)
{
	enum MHD_Result ans;
	if (S_self(r, &ans) < 0)
		return ans;
	return gt_api_submit(r, "vol.volunteer.update", json_incref(r->json), S_ok);
}

enum MHD_Result gt_h_volunteer_rekey(gt_req *r)
{
	enum MHD_Result ans;
	if (S_self(r, &ans) < 0)
		return ans;
	return gt_api_submit(r, "vol.volunteer.key", json_incref(r->json), S_ok);
}

static enum MHD_Result S_erased(gt_req *r, const gt_ledger_result *res)
{
	(void)res;
	return gt_api_json(r, MHD_HTTP_OK, json_pack("{s:s, s:b}", "id", r->param[0], "erased", 1));
}

enum MHD_Result gt_h_volunteer_erase(gt_req *r)
{
	enum MHD_Result ans;
	if (S_self(r, &ans) < 0)
		return ans;
	return gt_api_submit(r, "vol.volunteer.erase", json_object(), S_erased);
}

/* The year asked (?year=, default this one): 0, or 400 answered. */
static int S_year(gt_req *r, int64_t *year, enum MHD_Result *ans)
{
	char now[GT_TIME_LEN + 1];
	gt_time_format(gt_time_now_ms(), now);
	uint64_t y;
	if (gt_api_query_u64(r, "year", (uint64_t)atoi(now), 9999, &y, ans) < 0)
		return GT_EINVAL;
	*year = (int64_t)y;
	return 0;
}

/* Confirmed minutes and sessions of ref in year. */
static int S_year_minutes(gt_store_conn *c, const char *ref, int64_t year, int64_t *minutes,
			  int64_t *sessions, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_VOL_YEAR_MINUTES, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, ref, (size_t)-1);
	gt_stmt_bind_i64(st, 2, year);
	if ((rc = gt_stmt_step(st, err)) == 1) {
		*minutes = gt_stmt_i64(st, 0);
		*sessions = gt_stmt_i64(st, 1);
		rc = 0;
	}
	gt_stmt_close(st);
	return rc;
}

/* The volunteer id's private row, open in *ret (reader c). */
static int S_volunteer_row(gt_store_conn *c, gt_query q, const char *key, gt_stmt **ret,
			   gt_error *err)
{
	int rc = gt_stmt_open(c, q, ret, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(*ret, 1, key, (size_t)-1);
	rc = gt_stmt_step(*ret, err);
	if (rc == 1)
		return 0;
	gt_stmt_close(*ret);
	return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no volunteer %s", key);
}

enum MHD_Result gt_h_volunteer_get(gt_req *r)
{
	enum MHD_Result ans;
	int64_t year, minutes = 0, sessions = 0;
	if (S_self(r, &ans) < 0 || S_year(r, &year, &ans) < 0)
		return ans;
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *v = NULL;
	if ((rc = S_volunteer_row(c, GT_Q_VOL_VOLUNTEER_GET, r->param[0], &st, &err)) == 0) {
		json_error_t je;
		json_t *p = json_loads(gt_stmt_text(st, 6, NULL), 0, &je);
		v = p ? gt_vol_profile_public(p) : NULL;
		json_decref(p);
		int64_t goal = gt_stmt_i64(st, 7);
		if (v) {
			json_object_set_new(v, "id", json_string(gt_stmt_text(st, 1, NULL)));
			json_object_set_new(v, "ref", json_string(gt_stmt_text(st, 3, NULL)));
			json_object_set_new(v, "name", gt_api_text_or_null(st, 4));
			json_object_set_new(v, "birth_year",
					    gt_stmt_is_null(st, 5) ?
						    json_null() :
						    json_integer(gt_stmt_i64(st, 5)));
			json_object_set_new(v, "goal_hours", json_integer(goal / 60));
			json_object_set_new(v, "registered_at",
					    json_string(gt_stmt_text(st, 8, NULL)));
			rc = S_year_minutes(c, gt_stmt_text(st, 3, NULL), year, &minutes, &sessions,
					    &err);
			json_object_set_new(
				v, "progress",
				json_pack("{s:I, s:I, s:I, s:I, s:b}", "year", (json_int_t)year,
					  "minutes", (json_int_t)minutes, "sessions",
					  (json_int_t)sessions, "goal_minutes", (json_int_t)goal,
					  "reached", minutes >= goal));
		} else {
			rc = gt_fail(&err, GT_ENOMEM, "out of memory");
		}
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	if (rc < 0) {
		json_decref(v);
		return gt_api_problem_code(r, rc, err.msg);
	}
	return gt_api_json(r, MHD_HTTP_OK, v);
}

/* ---- matching -------------------------------------------------------------------------------- */

/* A comma-separated list of taxonomy ids into a mask: 0, or 400 answered. */
static int S_mask(gt_req *r, const char *name, int (*find)(const char *), uint64_t *mask,
		  enum MHD_Result *ans)
{
	const char *s = gt_api_query(r, name);
	*mask = 0;
	while (s && *s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char id[48];
		int t = -1;
		if (n < sizeof(id)) {
			memcpy(id, s, n);
			id[n] = 0;
			t = find(id);
		}
		if (t < 0) {
			*ans = gt_api_problem(
				r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				"%s lists an unknown id (GET /api/v1/volunteer/taxonomy)", name);
			return GT_EINVAL;
		}
		*mask |= 1ull << t;
		s = e ? e + 1 : s + n;
	}
	return 0;
}

static int S_filter(gt_req *r, gt_match_filter *f, uint64_t *offset, uint64_t *limit,
		    enum MHD_Result *ans)
{
	static const char *const booleans[] = {"true", "false", NULL};
	uint64_t causes, langs, max_km, min_score, lim;
	const char *remote;
	memset(f, 0, sizeof(*f));
	if (gt_api_query_one_of(r, "remote", booleans, &remote, ans) < 0 ||
	    S_mask(r, "cause", gt_vol_cause_find, &causes, ans) < 0 ||
	    S_mask(r, "skill", gt_vol_skill_find, &f->skills, ans) < 0 ||
	    S_mask(r, "language", gt_vol_language_find, &langs, ans) < 0 ||
	    gt_api_query_u64(r, "max_km", 0, 20000, &max_km, ans) < 0 ||
	    gt_api_query_u64(r, "min_score", 0, 100, &min_score, ans) < 0 ||
	    gt_api_query_u64(r, "offset", 0, GT_MATCH_OFFSET_MAX, offset, ans) < 0 ||
	    gt_api_query_u64(r, "limit", 20, GT_MATCH_LIMIT_MAX, &lim, ans) < 0)
		return GT_EINVAL;
	if (lim == 0) {
		*ans = gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "limit must be from 1 to %d", GT_MATCH_LIMIT_MAX);
		return GT_EINVAL;
	}
	char now[GT_TIME_LEN + 1];
	gt_time_format(gt_time_now_ms(), now);
	f->causes = (uint32_t)causes;
	f->languages = (uint32_t)langs;
	f->remote = remote ? strcmp(remote, "true") == 0 : -1;
	f->max_km = (uint32_t)max_km;
	f->min_score = (int)min_score;
	f->year = atoi(now);
	*limit = lim;
	return 0;
}

static json_t *S_explain(const gt_match_result *m)
{
	return json_pack("{s:{s:i, s:i, s:i, s:i, s:i}, s:{s:i, s:o}, s:{s:i, s:i, s:i},"
			 " s:{s:i}, s:{s:i}}",
			 "skill", "score", m->skill, "required", m->required, "covered", m->covered,
			 "below_level", m->below_level, "welcome_held", m->welcome_held, "distance",
			 "score", m->distance, "km", m->km < 0 ? json_null() : json_integer(m->km),
			 "availability", "score", m->availability, "fit_hours", m->fit_hours,
			 "slot_hours", m->slot_hours, "cause", "score", m->cause, "language",
			 "score", m->language);
}

/* A reader with the matching index brought up to date: 0, or a problem answered. */
static int S_matching(gt_req *r, gt_store_conn **c, enum MHD_Result *ans)
{
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, c, &err);
	if (rc == 0 && (rc = gt_vol_index_refresh(r->api->vol, *c, &err)) < 0)
		gt_store_reader_done(*c);
	if (rc < 0)
		*ans = gt_api_problem_code(r, rc, err.msg);
	return rc;
}

/* Give the reader back and answer a ranked page {name: list, total, offset,
 * limit}, or the error rc (list is released then). */
static enum MHD_Result S_ranked(gt_req *r, gt_store_conn *c, int rc, const gt_error *err,
				json_t *list, const char *name, size_t total, uint64_t offset,
				uint64_t limit)
{
	gt_store_reader_done(c);
	if (rc < 0) {
		json_decref(list);
		return gt_api_problem_code(r, rc, err->msg);
	}
	return gt_api_json(r, MHD_HTTP_OK,
			   json_pack("{s:o, s:I, s:I, s:I}", name, list, "total", (json_int_t)total,
				     "offset", (json_int_t)offset, "limit", (json_int_t)limit));
}

enum MHD_Result gt_h_volunteer_matches(gt_req *r)
{
	enum MHD_Result ans;
	gt_match_filter f;
	uint64_t offset, limit;
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	if (S_self(r, &ans) < 0 || S_filter(r, &f, &offset, &limit, &ans) < 0 ||
	    S_matching(r, &c, &ans) < 0)
		return ans;
	gt_match_result res[GT_MATCH_LIMIT_MAX];
	size_t n = 0, total = 0;
	int rc = S_volunteer_row(c, GT_Q_VOL_VOLUNTEER_GET, r->param[0], &st, &err);
	if (rc == 0) {
		uint32_t key = (uint32_t)gt_stmt_i64(st, 0);
		gt_stmt_close(st);
		rc = gt_match_for_volunteer(gt_vol_index_engine(r->api->vol), key, &f, offset,
					    limit, res, &n, &total, &err);
	}
	json_t *list = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *o = NULL;
		int64_t num;
		char id[64];
		if ((rc = gt_stmt_open(c, GT_Q_VOL_OPP_BY_NUM, &st, &err)) < 0)
			break;
		gt_stmt_bind_i64(st, 1, res[i].key);
		if ((rc = gt_stmt_step(st, &err)) == 1) {
			snprintf(id, sizeof(id), "%s", gt_stmt_text(st, 1, NULL));
			gt_stmt_close(st);
			rc = S_load_opportunity(r, c, id, &o, &num, &ans);
			if (rc < 0) {
				gt_store_reader_done(c);
				json_decref(list);
				return ans;
			}
			json_array_append_new(list, json_pack("{s:o, s:i, s:o}", "opportunity", o,
							      "score", res[i].score, "explain",
							      S_explain(&res[i])));
		} else {
			gt_stmt_close(st);
		}
	}
	return S_ranked(r, c, rc, &err, list, "matches", total, offset, limit);
}

/* A volunteer as an organisation sees them: their reference, a masked name,
 * skills and languages; never their contact, home or birth year. */
static json_t *S_candidate(gt_stmt *st)
{
	json_error_t je;
	json_t *p = json_loads(gt_stmt_text(st, 6, NULL), 0, &je);
	json_t *pub = p ? gt_vol_profile_public(p) : NULL;
	json_decref(p);
	if (!pub)
		return NULL;
	char masked[8] = "";
	if (!gt_stmt_is_null(st, 4))
		gt_give_mask_name(gt_stmt_text(st, 4, NULL), masked);
	json_t *v = json_pack(
		"{s:s, s:s?, s:O, s:O, s:O}", "ref", gt_stmt_text(st, 3, NULL), "name",
		masked[0] ? masked : NULL, "skills", json_object_get(pub, "skills"), "languages",
		json_object_get(pub, "languages"), "causes", json_object_get(pub, "causes"));
	json_decref(pub);
	return v;
}

/* The caller may see the opportunity's people: its organisation, or an admin. */
static int S_owner_or_admin(gt_req *r, json_t *o, enum MHD_Result *ans)
{
	if (strcmp(r->who.role, "admin") == 0 || strcmp(S_str(o, "org"), r->who.org) == 0)
		return 0;
	*ans = gt_api_problem(r, MHD_HTTP_FORBIDDEN, "forbidden",
			      "opportunity \"%s\" belongs to %s", S_str(o, "id"), S_str(o, "org"));
	return GT_EDENIED;
}

enum MHD_Result gt_h_opportunity_candidates(gt_req *r)
{
	enum MHD_Result ans;
	gt_match_filter f;
	uint64_t offset, limit;
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	json_t *o;
	int64_t num;
	if (S_filter(r, &f, &offset, &limit, &ans) < 0 || S_matching(r, &c, &ans) < 0)
		return ans;
	if (S_load_opportunity(r, c, r->param[0], &o, &num, &ans) < 0 ||
	    S_owner_or_admin(r, o, &ans) < 0) {
		json_decref(o);
		gt_store_reader_done(c);
		return ans;
	}
	json_decref(o);
	gt_match_result res[GT_MATCH_LIMIT_MAX];
	size_t n = 0, total = 0;
	int rc = gt_match_for_opportunity(gt_vol_index_engine(r->api->vol), (uint32_t)num, &f,
					  offset, limit, res, &n, &total, &err);
	json_t *list = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if ((rc = gt_stmt_open(c, GT_Q_VOL_VOLUNTEER_BY_NUM, &st, &err)) < 0)
			break;
		gt_stmt_bind_i64(st, 1, res[i].key);
		if ((rc = gt_stmt_step(st, &err)) == 1) {
			json_t *v = S_candidate(st);
			rc = 0;
			/* An organisation sees how far a candidate lives only in steps
			 * of 5 km: exact distances from a few places it posts would
			 * tell it where they live. */
			gt_match_result coarse = res[i];
			if (coarse.km >= 0)
				coarse.km = (coarse.km + 4) / 5 * 5;
			if (v)
				json_array_append_new(list,
						      json_pack("{s:o, s:i, s:o}", "volunteer", v,
								"score", res[i].score, "explain",
								S_explain(&coarse)));
		}
		gt_stmt_close(st);
	}
	return S_ranked(r, c, rc, &err, list, "candidates", total, offset, limit);
}

/* ---- sign-ups, sessions -----------------------------------------------------------------------
 */

static json_t *S_signup(gt_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "signup",
			 (json_int_t)gt_stmt_i64(st, 0), "opportunity", gt_stmt_text(st, 11, NULL),
			 "title", gt_stmt_text(st, 13, NULL), "org", gt_stmt_text(st, 12, NULL),
			 "slot", gt_stmt_text(st, 2, NULL), "start", gt_stmt_text(st, 4, NULL),
			 "end", gt_stmt_text(st, 5, NULL), "status", gt_stmt_text(st, 6, NULL),
			 "at", gt_stmt_text(st, 7, NULL), "decided_at", gt_api_text_or_null(st, 9),
			 "note", gt_api_text_or_null(st, 10), "volunteer",
			 json_string(gt_stmt_text(st, 3, NULL)));
}

static json_t *S_opt_int(gt_stmt *st, int col)
{
	return gt_stmt_is_null(st, col) ? json_null() : json_integer(gt_stmt_i64(st, col));
}

static json_t *S_session(gt_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o,"
			 " s:o, s:I}",
			 "session", (json_int_t)gt_stmt_i64(st, 0), "signup",
			 (json_int_t)gt_stmt_i64(st, 1), "volunteer", gt_stmt_text(st, 2, NULL),
			 "opportunity", gt_stmt_text(st, 17, NULL), "title",
			 gt_stmt_text(st, 18, NULL), "org", gt_stmt_text(st, 4, NULL), "start",
			 gt_stmt_text(st, 5, NULL), "end", gt_api_text_or_null(st, 6), "minutes",
			 S_opt_int(st, 7), "status", gt_stmt_text(st, 8, NULL), "hours",
			 S_opt_int(st, 11), "note", gt_api_text_or_null(st, 12), "checkout_index",
			 S_opt_int(st, 9), "hours_index", S_opt_int(st, 10), "dispute_index",
			 S_opt_int(st, 14), "year", (json_int_t)gt_stmt_i64(st, 16));
}

/* The calling volunteer's reference (from their row): 0, or answered. */
static int S_my_ref(gt_req *r, gt_store_conn *c, char ref[GT_PSEUDO_LEN + 1], enum MHD_Result *ans)
{
	gt_stmt *st;
	gt_error err = {0};
	int rc = S_volunteer_row(c, GT_Q_VOL_VOLUNTEER_GET, r->param[0], &st, &err);
	if (rc < 0) {
		*ans = gt_api_problem_code(r, rc, err.msg);
		return rc;
	}
	snprintf(ref, GT_PSEUDO_LEN + 1, "%s", gt_stmt_text(st, 3, NULL));
	gt_stmt_close(st);
	return 0;
}

enum MHD_Result gt_h_volunteer_signups(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, before;
	char ref[GT_PSEUDO_LEN + 1];
	gt_store_conn *c;
	gt_error err = {0};
	if (S_self(r, &ans) < 0 || gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "before", INT64_MAX, INT64_MAX, &before, &ans) < 0)
		return ans;
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	rc = S_my_ref(r, c, ref, &ans);
	gt_store_reader_done(c);
	if (rc < 0)
		return ans;
	gt_api_arg args[] = {GT_ARG_TEXT(ref), GT_ARG_INT(before)};
	return gt_api_list(r, GT_Q_VOL_SIGNUPS_OF_VOLUNTEER, args, 2, limit, S_signup, "signup",
			   "signups", "next_before");
}

enum MHD_Result gt_h_volunteer_sessions(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, after;
	char ref[GT_PSEUDO_LEN + 1];
	gt_store_conn *c;
	gt_error err = {0};
	const char *year = gt_api_query(r, "year");
	uint64_t y = 0;
	if (S_self(r, &ans) < 0 || gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "after", 0, INT64_MAX, &after, &ans) < 0 ||
	    gt_api_query_u64(r, "year", 0, 9999, &y, &ans) < 0)
		return ans;
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	rc = S_my_ref(r, c, ref, &ans);
	gt_store_reader_done(c);
	if (rc < 0)
		return ans;
	gt_api_arg args[] = {GT_ARG_TEXT(ref), year ? GT_ARG_INT(y) : GT_ARG_TEXT(NULL),
			     GT_ARG_INT(after)};
	return gt_api_list(r, GT_Q_VOL_SESSIONS_OF_VOLUNTEER, args, 3, limit, S_session, "session",
			   "sessions", "next_after");
}

enum MHD_Result gt_h_opportunity_signups(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, after;
	gt_store_conn *c;
	gt_stmt *st, *pv;
	gt_error err = {0};
	json_t *o;
	int64_t num;
	const char *status;
	static const char *const statuses[] = {"pending", "confirmed", "declined", "cancelled",
					       NULL};
	if (gt_api_query_one_of(r, "status", statuses, &status, &ans) < 0)
		return ans;
	if (gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "after", 0, INT64_MAX, &after, &ans) < 0)
		return ans;
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	if (S_load_opportunity(r, c, r->param[0], &o, &num, &ans) < 0 ||
	    S_owner_or_admin(r, o, &ans) < 0) {
		json_decref(o);
		gt_store_reader_done(c);
		return ans;
	}
	json_decref(o);
	json_t *list = NULL, *next = NULL;
	if ((rc = gt_stmt_open(c, GT_Q_VOL_SIGNUPS_OF_OPP, &st, &err)) == 0) {
		gt_stmt_bind_i64(st, 1, num);
		if (status)
			gt_stmt_bind_text(st, 2, status, (size_t)-1);
		else
			gt_stmt_bind_null(st, 2);
		gt_stmt_bind_i64(st, 3, (int64_t)after);
		gt_stmt_bind_i64(st, 4, (int64_t)limit + 1);
		rc = gt_api_page(st, limit, S_signup, "signup", &list, &next, &err);
		gt_stmt_close(st);
	}
	/* Who signed up, for the organisation that runs it: the volunteer's
	 * name as they gave it (with their consent by signing up), never their
	 * other details. */
	size_t i;
	json_t *v;
	json_array_foreach(rc == 0 ? list : NULL, i, v)
	{
		gt_error e = {0};
		if (S_volunteer_row(c, GT_Q_VOL_VOLUNTEER_BY_REF, S_str(v, "volunteer"), &pv, &e) ==
		    0) {
			json_object_set_new(v, "name", gt_api_text_or_null(pv, 4));
			gt_stmt_close(pv);
		}
	}
	return S_page_answer(r, c, rc, &err, list, "signups", next, "next_after");
}

enum MHD_Result gt_h_org_sessions(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, after;
	const char *status;
	static const char *const statuses[] = {"open",	    "ended",	"confirmed",
					       "corrected", "disputed", NULL};
	if (gt_api_query_one_of(r, "status", statuses, &status, &ans) < 0)
		return ans;
	if (gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "after", 0, INT64_MAX, &after, &ans) < 0)
		return ans;
	gt_api_arg args[] = {GT_ARG_TEXT(r->who.org), GT_ARG_TEXT(status), GT_ARG_INT(after)};
	return gt_api_list(r, GT_Q_VOL_SESSIONS_OF_ORG, args, 3, limit, S_session, "session",
			   "sessions", "next_after");
}

enum MHD_Result gt_h_signup_create(gt_req *r)
{
	return gt_api_submit_param(r, "vol.signup", "opportunity", false, S_created);
}

enum MHD_Result gt_h_signup_cancel(gt_req *r)
{
	return gt_api_submit_param(r, "vol.signup.cancel", "signup", true, gt_api_finish_ok);
}

enum MHD_Result gt_h_signup_decide(gt_req *r)
{
	return gt_api_submit_param(r, "vol.signup.decide", "signup", true, gt_api_finish_ok);
}

enum MHD_Result gt_h_checkin(gt_req *r)
{
	return gt_api_submit(r, "vol.checkin", json_incref(r->json), S_created);
}

enum MHD_Result gt_h_checkout(gt_req *r)
{
	return gt_api_submit(r, "vol.checkout", json_incref(r->json), S_ok);
}

enum MHD_Result gt_h_session_record(gt_req *r)
{
	return gt_api_submit(r, "vol.session", json_incref(r->json), S_created);
}

enum MHD_Result gt_h_session_hours(gt_req *r)
{
	return gt_api_submit_param(r, "vol.hours", "session", true, S_ok);
}

enum MHD_Result gt_h_session_dispute(gt_req *r)
{
	return gt_api_submit_param(r, "vol.dispute", "session", true, gt_api_finish_ok);
}

/* ---- certificates ---------------------------------------------------------------------------- */

enum MHD_Result gt_h_certificate(gt_req *r)
{
	enum MHD_Result ans;
	int64_t year;
	const char *ref = r->param[0];
	bool ok = strncmp(ref, "volunteer:", 10) == 0 && strlen(ref) == 74;
	for (size_t i = 10; ok && ref[i]; i++)
		ok = (ref[i] >= '0' && ref[i] <= '9') || (ref[i] >= 'a' && ref[i] <= 'f');
	if (!ok)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "a volunteer reference is volunteer:<64 hex digits>");
	if (S_year(r, &year, &ans) < 0)
		return ans;
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *list = json_array();
	int64_t minutes = 0, after = 0;
	/* Every confirmed session of the year, with the entries that prove it. */
	while (rc == 0 && (rc = gt_stmt_open(c, GT_Q_VOL_SESSIONS_OF_VOLUNTEER, &st, &err)) == 0) {
		gt_stmt_bind_text(st, 1, ref, (size_t)-1);
		gt_stmt_bind_i64(st, 2, year);
		gt_stmt_bind_i64(st, 3, after);
		gt_stmt_bind_i64(st, 4, 1000);
		size_t seen = 0;
		while ((rc = gt_stmt_step(st, &err)) == 1) {
			seen++;
			after = gt_stmt_i64(st, 0);
			const char *status = gt_stmt_text(st, 8, NULL);
			if (strcmp(status, "confirmed") && strcmp(status, "corrected"))
				continue;
			/* The sign-up, the organisation's confirmation of it, the
			 * session's own entry. */
			json_t *entries = json_array();
			json_array_append_new(entries, json_integer(gt_stmt_i64(st, 1)));
			if (!gt_stmt_is_null(st, 19))
				json_array_append_new(entries, json_integer(gt_stmt_i64(st, 19)));
			json_array_append_new(entries, json_integer(gt_stmt_i64(st, 0)));
			/* The check-out and the hours (one entry when the hours closed
			 * the session, or when the organisation recorded it). */
			int64_t seen_idx = gt_stmt_i64(st, 0);
			for (int col = 9; col <= 10; col++)
				if (!gt_stmt_is_null(st, col) && gt_stmt_i64(st, col) != seen_idx) {
					seen_idx = gt_stmt_i64(st, col);
					json_array_append_new(entries, json_integer(seen_idx));
				}
			minutes += gt_stmt_i64(st, 11);
			json_array_append_new(
				list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o}",
						"session", (json_int_t)gt_stmt_i64(st, 0),
						"opportunity", gt_stmt_text(st, 17, NULL), "title",
						gt_stmt_text(st, 18, NULL), "org",
						gt_stmt_text(st, 4, NULL), "start",
						gt_stmt_text(st, 5, NULL), "end",
						gt_stmt_text(st, 6, NULL), "minutes",
						(json_int_t)gt_stmt_i64(st, 11), "status", status,
						"entries", entries));
		}
		gt_stmt_close(st);
		if (rc == 0 && seen < 1000)
			break;
		if (json_array_size(list) > 10000)
			rc = gt_fail(&err, GT_ETOOBIG, "more than 10,000 sessions in a year");
	}
	gt_store_reader_done(c);
	if (rc < 0) {
		json_decref(list);
		return gt_api_problem_code(r, rc, err.msg);
	}
	return gt_api_json(r, MHD_HTTP_OK,
			   json_pack("{s:s, s:I, s:I, s:I, s:o}", "volunteer", ref, "year",
				     (json_int_t)year, "minutes", (json_int_t)minutes, "sessions",
				     (json_int_t)json_array_size(list), "items", list));
}

static json_t *S_dispute(gt_stmt *st)
{
	return json_pack("{s:s, s:s}", "reason", gt_stmt_text(st, 0, NULL), "at",
			 gt_stmt_text(st, 1, NULL));
}

/* A session's disputes with their reasons (private), for its organisation. */
enum MHD_Result gt_h_session_disputes(gt_req *r)
{
	uint64_t idx;
	if (gt_api_parse_u64(r->param[0], INT64_MAX, &idx) < 0)
		return gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found", "no session %s",
				      r->param[0]);
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *list = json_array();
	if ((rc = gt_stmt_open(c, GT_Q_VOL_SESSION_GET, &st, &err)) == 0) {
		gt_stmt_bind_i64(st, 1, (int64_t)idx);
		rc = gt_stmt_step(st, &err);
		if (rc == 0)
			rc = gt_fail(&err, GT_ENOTFOUND, "no session %llu",
				     (unsigned long long)idx);
		else if (rc == 1 && strcmp(gt_stmt_text(st, 4, NULL), r->who.org) != 0)
			rc = gt_fail(&err, GT_EDENIED, "session %llu belongs to %s",
				     (unsigned long long)idx, gt_stmt_text(st, 4, NULL));
		else if (rc == 1)
			rc = 0;
		gt_stmt_close(st);
	}
	if (rc == 0 && (rc = gt_stmt_open(c, GT_Q_VOL_DISPUTES, &st, &err)) == 0) {
		gt_stmt_bind_i64(st, 1, (int64_t)idx);
		while ((rc = gt_stmt_step(st, &err)) == 1)
			json_array_append_new(list, S_dispute(st));
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	if (rc < 0) {
		json_decref(list);
		return gt_api_problem_code(r, rc, err.msg);
	}
	return gt_api_json(r, MHD_HTTP_OK,
			   json_pack("{s:I, s:o}", "session", (json_int_t)idx, "disputes", list));
}
