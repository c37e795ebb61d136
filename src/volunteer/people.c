/* Volunteers: profiles kept in the private area, personal keys, and the
 * profile as the API shows it back to its owner. */
#include "volunteer/vol_int.h"
#include "core/buf.h"
#include "core/json.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#define S_AVAIL_MAX 28
#define S_RADIUS_MAX 500

static const char *const S_days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* "HH:MM" (00:00 to 24:00) into minutes of the day, or -1. */
static int S_clock(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	if (m > 59 || h > 24 || (h == 24 && m))
		return -1;
	return h * 60 + m;
}

/* "+08:00" / "-05:30" / "Z" into minutes east of UTC, or INT32_MIN. */
static int S_offset(const char *s)
{
	if (s && strcmp(s, "Z") == 0)
		return 0;
	if (!s || strlen(s) != 6 || (s[0] != '+' && s[0] != '-'))
		return INT32_MIN;
	int m = S_clock(s + 1);
	if (m < 0 || m > 14 * 60)
		return INT32_MIN;
	return s[0] == '-' ? -m : m;
}

static int S_availability(const json_t *in, json_t **ret, gt_error *err)
{
	const json_t *list = json_object_get(in, "availability");
	*ret = json_array();
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list) || json_array_size(list) > S_AVAIL_MAX)
		return gt_fail(err, GT_EINVAL,
			       "availability must be a list of at most %d {\"day\": \"mon\", "
			       "\"from\": \"09:00\", \"to\": \"12:00\"}",
			       S_AVAIL_MAX);
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		static const char *const keys[] = {"day", "from", "to", NULL};
		gt_error x = {0};
		int day = -1, from = -1, to = -1;
		int r = json_is_object(v) ? gt_json_only(v, keys, &x) :
					    gt_fail(&x, GT_EINVAL, "must be an object");
		for (int k = 0; r == 0 && k < 7; k++)
			if (json_is_string(json_object_get(v, "day")) &&
			    strcmp(gt_vol_opt(v, "day"), S_days[k]) == 0)
				day = k;
		if (r == 0 && day < 0)
			r = gt_fail(&x, GT_EINVAL,
				    "day must be mon, tue, wed, thu, fri, sat or sun");
		if (r == 0) {
			from = S_clock(gt_vol_opt(v, "from"));
			to = S_clock(gt_vol_opt(v, "to"));
			if (from < 0 || to < 0)
				r = gt_fail(&x, GT_EINVAL,
					    "from and to must be times like \"09:30\"");
			else if (to <= from)
				r = gt_fail(&x, GT_EINVAL, "to must be after from");
		}
		if (r < 0) {
			json_decref(*ret);
			*ret = NULL;
			return gt_fail(err, r, "availability[%zu]: %s", i, x.msg);
		}
		json_array_append_new(
			*ret, json_pack("{s:i, s:i, s:i}", "day", day, "from", from, "to", to));
	}
	return 0;
}

/* The input's profile, checked, as stored (canonical), with its name, birth
 * year and yearly goal in minutes. */
static int S_profile(const json_t *in, json_t **ret, const char **name, int64_t *birth_year,
		     int64_t *goal, int64_t now_year, gt_error *err)
{
	static const char *const keys[] = {"name",	"birth_year",	"skills",     "home",
					   "radius_km", "availability", "utc_offset", "languages",
					   "causes",	"discoverable", "goal_hours", NULL};
	json_t *skills = NULL, *avail = NULL, *languages = NULL, *causes = NULL;
	int64_t radius = 10, goal_hours = GT_VOL_GOAL_DEFAULT / 60;
	int32_t lat = 0, lon = 0;
	uint64_t mask;
	int offset = 8 * 60;
	*name = NULL;
	*birth_year = 0;
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_text(in, "name", 100, false, name, err);
	const json_t *v = json_object_get(in, "birth_year");
	if (rc == 0 && v && !json_is_null(v))
		rc = gt_json_int(in, "birth_year", 1900, now_year, birth_year, err);
	v = json_object_get(in, "radius_km");
	if (rc == 0 && v && !json_is_null(v))
		rc = gt_json_int(in, "radius_km", 0, S_RADIUS_MAX, &radius, err);
	v = json_object_get(in, "goal_hours");
	if (rc == 0 && v && !json_is_null(v))
		rc = gt_json_int(in, "goal_hours", 1, 2000, &goal_hours, err);
	v = json_object_get(in, "utc_offset");
	if (rc == 0 && v && !json_is_null(v) &&
	    (offset = S_offset(json_string_value(v))) == INT32_MIN)
		rc = gt_fail(err, GT_EINVAL,
			     "utc_offset must be like \"+08:00\" (at most 14 hours)");
	v = json_object_get(in, "discoverable");
	if (rc == 0 && v && !json_is_boolean(v) && !json_is_null(v))
		rc = gt_fail(err, GT_EINVAL, "discoverable must be true or false");
	bool discoverable = !json_is_false(v);
	v = json_object_get(in, "home");
	bool located = v && !json_is_null(v);
	if (rc == 0 && located) {
		static const char *const hkeys[] = {"latitude", "longitude", NULL};
		rc = json_is_object(v) ? gt_json_only(v, hkeys, err) : 0;
		if (rc == 0)
			rc = gt_vol_place(in, "home", &lat, &lon, err);
	}
	if (rc == 0)
		rc = gt_vol_skill_list(in, "skills", GT_MATCH_SKILLS, &skills, err);
	if (rc == 0)
		rc = S_availability(in, &avail, err);
	if (rc == 0)
		rc = gt_vol_terms(in, "languages", GT_VOL_LANGS_PER, gt_vol_language_find,
				  "languages", &languages, &mask, err);
	if (rc == 0)
		rc = gt_vol_terms(in, "causes", GT_VOL_CAUSES_PER, gt_vol_cause_find, "causes",
				  &causes, &mask, err);
	if (rc < 0) {
		json_decref(skills);
		json_decref(avail);
		json_decref(languages);
		json_decref(causes);
		return rc;
	}
	*ret = json_pack("{s:o, s:I, s:o, s:i, s:o, s:o, s:b}", "skills", skills, "radius_km",
			 (json_int_t)radius, "availability", avail, "utc_offset", offset,
			 "languages", languages, "causes", causes, "discoverable", discoverable);
	if (*ret && located)
		json_object_set_new(*ret, "home",
				    json_pack("{s:i, s:i}", "lat_e6", lat, "lon_e6", lon));
	*goal = goal_hours * 60;
	return *ret ? 0 : gt_fail(err, GT_ENOMEM, "out of memory");
}

static int64_t S_year(gt_decide *d)
{
	const char *at = gt_decide_at(d);
	return (at[0] - '0') * 1000 + (at[1] - '0') * 100 + (at[2] - '0') * 10 + at[3] - '0';
}

/* Write the profile (canonical text) of a new volunteer (key_hash set) or of
 * an existing one (key_hash NULL). */
static int S_store(gt_decide *d, const char *id, const char *key_hash, const char *ref,
		   const char *name, int64_t birth_year, const json_t *profile, int64_t goal,
		   gt_error *err)
{
	gt_buf text = GT_BUF_INIT;
	int64_t r = gt_json_canonical(profile, &text, err);
	const char *t = (const char *)text.data, *at = gt_decide_at(d);
	gt_store_conn *c = gt_decide_conn(d);
	if (r == 0 && key_hash && birth_year)
		r = gt_store_exec(c, GT_Q_VOL_VOLUNTEER_PUT, err, "ttttitit", id, key_hash, ref,
				  name, birth_year, t, goal, at);
	else if (r == 0 && key_hash)
		r = gt_store_exec(c, GT_Q_VOL_VOLUNTEER_PUT, err, "ttttntit", id, key_hash, ref,
				  name, t, goal, at);
	else if (r == 0 && birth_year)
		r = gt_store_exec(c, GT_Q_VOL_VOLUNTEER_UPDATE, err, "ttitit", id, name, birth_year,
				  t, goal, at);
	else if (r == 0)
		r = gt_store_exec(c, GT_Q_VOL_VOLUNTEER_UPDATE, err, "ttntit", id, name, t, goal,
				  at);
	gt_buf_done(&text);
	return r < 0 ? (int)r : 0;
}

int gt_vol_register_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	json_t *profile;
	const char *name;
	int64_t birth_year, goal;
	if (gt_decide_org(d))
		return gt_fail(err, GT_EDENIED,
			       "volunteers register themselves (without an organisation's token)");
	int rc = S_profile(in, &profile, &name, &birth_year, &goal, S_year(d), err);
	if (rc < 0)
		return rc;
	char hex[GT_TOKEN_ID_LEN + 1], key[GT_TOKEN_LEN + 1], hash[65], id[GT_TOKEN_ID_LEN + 2],
		ref[GT_PSEUDO_LEN + 1];
	rc = gt_auth_secret_new("gv", hex, key, hash, err);
	if (rc == 0) {
		snprintf(id, sizeof(id), "v%s", hex);
		gt_decide_pseudonym(d, "volunteer", id, ref);
		rc = S_store(d, id, hash, ref, name, birth_year, profile, goal, err);
	}
	if (rc == 0)
		gt_decide_reply(d, json_pack("{s:s, s:s, s:s}", "id", id, "key", key, "ref", ref));
	OPENSSL_cleanse(key, sizeof(key));
	json_decref(profile);
	return rc;
}

int gt_vol_update_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	gt_stmt *me;
	json_t *profile;
	const char *name;
	int64_t birth_year, goal;
	int rc = gt_vol_me(d, &me, err);
	if (rc < 0)
		return rc;
	gt_stmt_close(me);
	if ((rc = S_profile(in, &profile, &name, &birth_year, &goal, S_year(d), err)) < 0)
		return rc;
	rc = S_store(d, gt_decide_org(d), NULL, NULL, name, birth_year, profile, goal, err);
	json_decref(profile);
	if (rc == 0)
		gt_decide_reply(d, json_pack("{s:s}", "id", gt_decide_org(d)));
	return rc;
}

int gt_vol_rekey_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	gt_stmt *me;
	char key[GT_TOKEN_LEN + 1], hash[65];
	int rc = gt_vol_me(d, &me, err);
	if (rc < 0)
		return rc;
	gt_stmt_close(me);
	if (json_object_size(in) != 0)
		return gt_fail(err, GT_EINVAL, "a new key takes no fields");
	/* The id is the key's: "v" and its 16 hex digits. */
	if ((rc = gt_auth_secret_for("gv", gt_decide_org(d) + 1, key, hash, err)) < 0)
		return rc;
	int64_t r = gt_store_exec(gt_decide_conn(d), GT_Q_VOL_VOLUNTEER_KEY, err, "ttt",
				  gt_decide_org(d), hash, gt_decide_at(d));
	if (r >= 0)
		gt_decide_reply(d, json_pack("{s:s, s:s}", "id", gt_decide_org(d), "key", key));
	OPENSSL_cleanse(key, sizeof(key));
	return r < 0 ? (int)r : 0;
}

int gt_vol_erase_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	gt_stmt *me;
	int rc = gt_vol_me(d, &me, err);
	if (rc < 0)
		return rc;
	gt_stmt_close(me);
	if (json_object_size(in) != 0)
		return gt_fail(err, GT_EINVAL, "erasing takes no fields");
	int64_t r = gt_store_exec(gt_decide_conn(d), GT_Q_VOL_VOLUNTEER_ERASE, err, "tt",
				  gt_decide_org(d), gt_decide_at(d));
	return r < 0 ? (int)r : 0;
}

json_t *gt_vol_profile_public(const json_t *p)
{
	json_t *out = json_pack(
		"{s:o, s:O, s:O, s:O, s:O}", "skills", json_deep_copy(json_object_get(p, "skills")),
		"radius_km", json_object_get(p, "radius_km"), "languages",
		json_object_get(p, "languages"), "causes", json_object_get(p, "causes"),
		"discoverable", json_object_get(p, "discoverable"));
	if (!out)
		return NULL;
	/* Levels back to their names. */
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(out, "skills"), i, v)
	{
		int64_t l = gt_vol_int(v, "level");
		json_t *copy = json_pack("{s:O, s:s}", "skill", json_object_get(v, "skill"),
					 "level", gt_vol_levels[l >= 1 && l <= 4 ? l - 1 : 0].id);
		json_array_set_new(json_object_get(out, "skills"), i, copy);
	}
	const json_t *home = json_object_get(p, "home");
	if (home)
		json_object_set_new(out, "home",
				    json_pack("{s:f, s:f}", "latitude",
					      gt_vol_int(home, "lat_e6") / 1e6, "longitude",
					      gt_vol_int(home, "lon_e6") / 1e6));
	int off = (int)gt_vol_int(p, "utc_offset"), a = (off < 0 ? -off : off) % (15 * 60);
	char tz[16];
	snprintf(tz, sizeof(tz), "%c%02d:%02d", off < 0 ? '-' : '+', a / 60, a % 60);
	json_object_set_new(out, "utc_offset", json_string(tz));
	json_t *avail = json_array();
	json_array_foreach(json_object_get(p, "availability"), i, v)
	{
		int64_t day = gt_vol_int(v, "day");
		int from = (int)gt_vol_int(v, "from") % 1441, to = (int)gt_vol_int(v, "to") % 1441;
		char f[16], t[16];
		snprintf(f, sizeof(f), "%02d:%02d", from / 60, from % 60);
		snprintf(t, sizeof(t), "%02d:%02d", to / 60, to % 60);
		json_array_append_new(avail, json_pack("{s:s, s:s, s:s}", "day",
						       S_days[day >= 0 && day < 7 ? day : 0],
						       "from", f, "to", t));
	}
	json_object_set_new(out, "availability", avail);
	return out;
}
