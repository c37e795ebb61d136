/* Opportunities: posted by an NGO with skills, a place or remote, time
 * slots with capacity; closed by it; the signed check-in code of a slot. */
#include "volunteer/vol_int.h"
#include "core/json.h"
#include "core/buf.h"
#include "core/time.h"

#include <stdio.h>
#include <string.h>

#define S_SLOT_DAYS_MAX 7      /* an event's slot */
#define S_PROJECT_DAYS_MAX 366 /* a project's slot: its whole window */

/* The slots, checked, into canonical [{id, start, end, capacity}]. */
static int S_slots(gt_decide *d, const json_t *in, bool project, json_t **ret, gt_error *err)
{
	const json_t *list = json_object_get(in, "slots");
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > GT_VOL_SLOTS_MAX)
		return gt_fail(err, GT_EINVAL,
			       "slots must be a list of 1 to %d {\"id\", \"start\", \"end\", "
			       "\"capacity\"}",
			       GT_VOL_SLOTS_MAX);
	json_t *out = json_array();
	int rc = out ? 0 : gt_fail(err, GT_ENOMEM, "out of memory");
	int64_t max_ms = (project ? S_PROJECT_DAYS_MAX : S_SLOT_DAYS_MAX) * 86400000LL;
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		if (rc < 0)
			break;
		static const char *const keys[] = {"id", "start", "end", "capacity", NULL};
		const char *id = NULL, *start = NULL, *end = NULL;
		int64_t capacity = 0, s = 0, e = 0;
		gt_error x = {0};
		int r = json_is_object(v) ? gt_json_only(v, keys, &x) :
					    gt_fail(&x, GT_EINVAL, "must be an object");
		if (r == 0)
			r = gt_json_slug(v, "id", GT_VOL_SLOT_MAX, true, &id, &x);
		if (r == 0)
			r = gt_json_str(v, "start", 1, 40, &start, &x);
		if (r == 0)
			r = gt_json_str(v, "end", 1, 40, &end, &x);
		if (r == 0 && (gt_time_parse(start, &s) < 0 || gt_time_parse(end, &e) < 0))
			r = gt_fail(&x, GT_EINVAL, "start and end must be RFC 3339 times");
		if (r == 0 && e <= s)
			r = gt_fail(&x, GT_EINVAL, "end must be after start");
		if (r == 0 && e - s > max_ms)
			r = gt_fail(&x, GT_EINVAL, "a slot lasts at most %d days%s",
				    project ? S_PROJECT_DAYS_MAX : S_SLOT_DAYS_MAX,
				    project ? "" : " (a project's may last a year)");
		if (r == 0 && e <= gt_decide_now_ms(d))
			r = gt_fail(&x, GT_EINVAL, "it has already ended");
		if (r == 0)
			r = gt_json_int(v, "capacity", 1, 100000, &capacity, &x);
		for (size_t j = 0; r == 0 && j < i; j++)
			if (strcmp(gt_vol_opt(json_array_get(out, j), "id"), id) == 0)
				r = gt_fail(&x, GT_EINVAL, "id \"%s\" is used twice", id);
		if (r < 0) {
			rc = gt_fail(err, r, "slots[%zu]: %s", i, x.msg);
			break;
		}
		char cs[GT_TIME_LEN + 1], ce[GT_TIME_LEN + 1];
		gt_time_format(s, cs);
		gt_time_format(e, ce);
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:I}", "id", id, "start", cs,
						     "end", ce, "capacity", (json_int_t)capacity));
	}
	if (rc < 0)
		json_decref(out);
	else
		*ret = out;
	return rc;
}

/* The project part {deliverable, weeks}, or none. */
static int S_project(const json_t *in, json_t **ret, gt_error *err)
{
	const json_t *p = json_object_get(in, "project");
	*ret = NULL;
	if (!p || json_is_null(p))
		return 0;
	static const char *const keys[] = {"deliverable", "weeks", NULL};
	const char *deliverable;
	int64_t weeks;
	gt_error x = {0};
	int rc = json_is_object(p) ? gt_json_only(p, keys, &x) :
				     gt_fail(&x, GT_EINVAL, "must be {\"deliverable\", \"weeks\"}");
	if (rc == 0)
		rc = gt_json_text(p, "deliverable", 1000, true, &deliverable, &x);
	if (rc == 0)
		rc = gt_json_int(p, "weeks", 1, 104, &weeks, &x);
	if (rc < 0)
		return gt_fail(err, rc, "project: %s", x.msg);
	*ret = json_pack("{s:s, s:I}", "deliverable", deliverable, "weeks", (json_int_t)weeks);
	return 0;
}

int gt_vol_opportunity_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {
		"id",	 "title", "description", "cause",     "skills",	 "welcome", "remote",
		"place", "slots", "min_age",	 "languages", "project", NULL};
	const char *id, *title, *description = NULL, *cause, *venue = NULL;
	int64_t min_age = 0;
	int32_t lat = 0, lon = 0;
	uint64_t mask;
	json_t *skills = NULL, *welcome = NULL, *languages = NULL, *slots = NULL, *project = NULL;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "opportunities are posted by organisations");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "id", GT_VOL_ID_MAX, true, &id, err);
	if (rc == 0)
		rc = gt_json_text(in, "title", 200, true, &title, err);
	if (rc == 0)
		rc = gt_json_text(in, "description", 4000, false, &description, err);
	if (rc == 0)
		rc = gt_json_str(in, "cause", 1, 40, &cause, err);
	if (rc == 0 && gt_vol_cause_find(cause) < 0)
		rc = gt_fail(
			err, GT_EINVAL,
			"cause \"%s\" is not one of the causes (GET /api/v1/volunteer/taxonomy)",
			cause);
	const json_t *remote = json_object_get(in, "remote");
	if (rc == 0 && remote && !json_is_boolean(remote))
		rc = gt_fail(err, GT_EINVAL, "remote must be true or false");
	bool is_remote = json_is_true(remote);
	const json_t *place = json_object_get(in, "place");
	if (rc == 0 && is_remote && place && !json_is_null(place))
		rc = gt_fail(err, GT_EINVAL, "a remote opportunity has no place");
	if (rc == 0 && !is_remote && (!place || json_is_null(place)))
		rc = gt_fail(err, GT_EINVAL, "place is required unless remote is true");
	if (rc == 0 && !is_remote)
		rc = gt_vol_place(in, "place", &lat, &lon, err);
	if (rc == 0 && !is_remote) {
		static const char *const pkeys[] = {"latitude", "longitude", "venue", NULL};
		rc = gt_json_only(place, pkeys, err);
		if (rc == 0)
			rc = gt_json_text(place, "venue", 300, false, &venue, err);
	}
	const json_t *age = json_object_get(in, "min_age");
	if (rc == 0 && age && !json_is_null(age))
		rc = gt_json_int(in, "min_age", 0, 100, &min_age, err);
	if (rc == 0)
		rc = gt_vol_skill_list(in, "skills", GT_MATCH_REQUIRED, &skills, err);
	if (rc == 0)
		rc = gt_vol_terms(in, "welcome", GT_VOL_WELCOME_MAX, gt_vol_skill_find, "skills",
				  &welcome, &mask, err);
	if (rc == 0)
		rc = gt_vol_terms(in, "languages", GT_VOL_LANGS_PER, gt_vol_language_find,
				  "languages", &languages, &mask, err);
	if (rc == 0)
		rc = S_project(in, &project, err);
	if (rc == 0)
		rc = S_slots(d, in, project != NULL, &slots, err);
	gt_stmt *st;
	if (rc == 0 && gt_vol_opportunity(gt_decide_conn(d), id, &st, err) == 0) {
		rc = gt_fail(err, GT_EEXIST, "opportunity \"%s\" exists (posted by %s at %s)", id,
			     gt_stmt_text(st, 2, NULL), gt_stmt_text(st, 9, NULL));
		gt_stmt_close(st);
	}
	if (rc < 0) {
		json_decref(skills);
		json_decref(welcome);
		json_decref(languages);
		json_decref(project);
		json_decref(slots);
		return rc;
	}
	json_t *data = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", id, "title", title,
				 "cause", cause, "skills", skills, "welcome", welcome, "languages",
				 languages, "slots", slots);
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	if (description)
		json_object_set_new(data, "description", json_string(description));
	if (is_remote)
		json_object_set_new(data, "remote", json_true());
	else
		json_object_set_new(data, "place",
				    venue ? json_pack("{s:i, s:i, s:s}", "lat_e6", lat, "lon_e6",
						      lon, "venue", venue) :
					    json_pack("{s:i, s:i}", "lat_e6", lat, "lon_e6", lon));
	if (min_age)
		json_object_set_new(data, "min_age", json_integer(min_age));
	if (project)
		json_object_set_new(data, "project", project);
	uint64_t index;
	if ((rc = gt_decide_emit(d, "vol.opportunity", data, &index, err)) < 0)
		return rc;
	gt_decide_reply(d, json_pack("{s:s, s:I}", "id", id, "number", (json_int_t)index));
	return 0;
}

int gt_vol_opportunity_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data, *place = json_object_get(v, "place");
	gt_buf text = GT_BUF_INIT;
	int64_t r = gt_json_canonical(v, &text, err);
	int64_t num = (int64_t)e->index, remote = json_is_true(json_object_get(v, "remote"));
	const char *id = gt_vol_opt(v, "id"), *org = gt_entry_org(e), *title = gt_vol_opt(v, "title"),
		   *cause = gt_vol_opt(v, "cause");
	if (r == 0 && place)
		r = gt_store_exec(c, GT_Q_VOL_OPP_PUT, err, "ittttiiitt", num, id, org, title,
				  cause, remote, gt_vol_int(place, "lat_e6"),
				  gt_vol_int(place, "lon_e6"), (const char *)text.data, e->at);
	else if (r == 0)
		r = gt_store_exec(c, GT_Q_VOL_OPP_PUT, err, "ittttinntt", num, id, org, title,
				  cause, remote, (const char *)text.data, e->at);
	gt_buf_done(&text);
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(v, "slots"), i, s)
	{
		if (r < 0)
			break;
		r = gt_store_exec(c, GT_Q_VOL_SLOT_PUT, err, "ittti", num, gt_vol_opt(s, "id"),
				  gt_vol_opt(s, "start"), gt_vol_opt(s, "end"),
				  gt_vol_int(s, "capacity"));
	}
	return r < 0 ? (int)r : 0;
}

/* The opportunity of the input's "opportunity", which must be the caller's. */
static int S_mine(gt_decide *d, const json_t *in, gt_stmt **ret, gt_error *err)
{
	const char *id;
	int rc = gt_json_slug(in, "opportunity", GT_VOL_ID_MAX, true, &id, err);
	if (rc == 0)
		rc = gt_vol_opportunity(gt_decide_conn(d), id, ret, err);
	if (rc == 0 &&
	    (!gt_decide_org(d) || strcmp(gt_stmt_text(*ret, 2, NULL), gt_decide_org(d)))) {
		rc = gt_fail(err, GT_EDENIED, "opportunity \"%s\" belongs to %s", id,
			     gt_stmt_text(*ret, 2, NULL));
		gt_stmt_close(*ret);
	}
	return rc;
}

int gt_vol_close_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"opportunity", "reason", NULL};
	const char *reason = NULL;
	gt_stmt *st;
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_text(in, "reason", GT_VOL_NOTE_MAX, false, &reason, err);
	if (rc < 0 || (rc = S_mine(d, in, &st, err)) < 0)
		return rc;
	if (!gt_stmt_is_null(st, 10))
		rc = gt_fail(err, GT_ESTATE, "opportunity \"%s\" was closed at %s",
			     gt_stmt_text(st, 1, NULL), gt_stmt_text(st, 11, NULL));
	json_t *data =
		rc == 0 ? json_pack("{s:s}", "opportunity", gt_stmt_text(st, 1, NULL)) : NULL;
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	if (reason)
		json_object_set_new(data, "reason", json_string(reason));
	return gt_decide_emit(d, "vol.opportunity.close", data, NULL, err);
}

int gt_vol_close_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_vol_opportunity(c, gt_vol_opt(e->data, "opportunity"), &st, err);
	if (rc < 0)
		return rc;
	int64_t num = gt_stmt_i64(st, 0);
	gt_stmt_close(st);
	int64_t r = gt_store_exec(c, GT_Q_VOL_OPP_CLOSE, err, "iit", num, (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}

int gt_vol_qr_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"opportunity", "slot", NULL};
	const char *slot;
	gt_stmt *st, *sl;
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "slot", GT_VOL_SLOT_MAX, true, &slot, err);
	if (rc < 0 || (rc = S_mine(d, in, &st, err)) < 0)
		return rc;
	int64_t num = gt_stmt_i64(st, 0);
	char id[GT_VOL_ID_MAX + 1];
	snprintf(id, sizeof(id), "%s", gt_stmt_text(st, 1, NULL));
	gt_stmt_close(st);
	if ((rc = gt_stmt_open(gt_decide_conn(d), GT_Q_VOL_SLOT_GET, &sl, err)) < 0)
		return rc;
	gt_stmt_bind_i64(sl, 1, num);
	gt_stmt_bind_text(sl, 2, slot, (size_t)-1);
	rc = gt_stmt_step(sl, err);
	if (rc == 0)
		rc = gt_fail(err, GT_ENOTFOUND, "opportunity \"%s\" has no slot \"%s\"", id, slot);
	if (rc == 1) {
		char mac[21], code[GT_VOL_CODE_MAX + 1], from[GT_TIME_LEN + 1];
		int64_t start;
		gt_time_parse(gt_stmt_text(sl, 1, NULL), &start);
		gt_time_format(start - GT_VOL_EARLY_MS, from);
		gt_vol_code_mac(d, num, slot, mac);
		snprintf(code, sizeof(code), "GTV1.%lld.%s.%s", (long long)num, slot, mac);
		gt_decide_reply(d, json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", code,
					     "opportunity", id, "slot", slot, "valid_from", from,
					     "valid_until", gt_stmt_text(sl, 2, NULL)));
		rc = 0;
	}
	gt_stmt_close(sl);
	return rc;
}
