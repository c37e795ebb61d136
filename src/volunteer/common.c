/* What the volunteer module's files share: field checks, row lookups, the
 * check-in codes, keys, and the engine's view of profiles and opportunities. */
#include "volunteer/vol_int.h"
#include "core/json.h"
#include "core/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gt_vol_opt(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int64_t gt_vol_int(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* One coordinate: a number within [-limit, limit] into microdegrees. */
int gt_vol_place(const json_t *in, const char *key, int32_t *lat_e6, int32_t *lon_e6, gt_error *err)
{
	const json_t *p = json_object_get(in, key);
	if (!json_is_object(p))
		return gt_fail(err, GT_EINVAL, "%s must be an object {\"latitude\", \"longitude\"}",
			       key);
	int rc = gt_json_degrees(p, key, "latitude", 90, lat_e6, err);
	return rc < 0 ? rc : gt_json_degrees(p, key, "longitude", 180, lon_e6, err);
}

int gt_vol_terms(const json_t *in, const char *key, size_t max, int (*find)(const char *),
		 const char *what, json_t **ret, uint64_t *mask, gt_error *err)
{
	const json_t *list = json_object_get(in, key);
	*mask = 0;
	*ret = json_array();
	if (!*ret)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list) || json_array_size(list) > max) {
		json_decref(*ret);
		*ret = NULL;
		return gt_fail(err, GT_EINVAL, "%s must be a list of at most %zu %s", key, max,
			       what);
	}
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		int t = json_is_string(v) ? find(json_string_value(v)) : -1;
		const char *bad = t < 0		   ? "is not one of the" :
				  (*mask >> t & 1) ? "repeats a" :
						     NULL;
		if (bad) {
			json_decref(*ret);
			*ret = NULL;
			return gt_fail(err, GT_EINVAL,
				       "%s[%zu] %s %s (GET /api/v1/volunteer/taxonomy lists them)",
				       key, i, bad, what);
		}
		*mask |= 1ull << t;
		json_array_append_new(*ret, json_string(json_string_value(v)));
	}
	return 0;
}

int gt_vol_skill_list(const json_t *in, const char *key, size_t max, json_t **ret, gt_error *err)
{
	const json_t *list = json_object_get(in, key);
	uint64_t seen = 0;
	*ret = json_array();
	if (!*ret)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	if (!list || json_is_null(list))
		return 0;
	int rc = json_is_array(list) && json_array_size(list) <= max ?
			 0 :
			 gt_fail(err, GT_EINVAL,
				 "%s must be a list of at most %zu {\"skill\", \"level\"}", key,
				 max);
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		if (rc < 0)
			break;
		static const char *const keys[] = {"skill", "level", NULL};
		const char *skill = NULL, *level = "basic";
		gt_error e = {0};
		int r = json_is_object(v) ?
				gt_json_only(v, keys, &e) :
				gt_fail(&e, GT_EINVAL, "must be {\"skill\", \"level\"}");
		if (r == 0)
			r = gt_json_str(v, "skill", 1, 40, &skill, &e);
		if (r == 0)
			r = gt_json_str_opt(v, "level", 20, &level, &e);
		int s = r == 0 ? gt_vol_skill_find(skill) : -1;
		int l = r == 0 ? gt_vol_level_find(level) : -1;
		if (r == 0 && s < 0)
			r = gt_fail(
				&e, GT_EINVAL,
				"skill \"%s\" is not in the taxonomy (GET /api/v1/volunteer/taxonomy)",
				skill);
		else if (r == 0 && l < 0)
			r = gt_fail(&e, GT_EINVAL,
				    "level must be basic, intermediate, advanced or expert");
		else if (r == 0 && (seen >> s & 1))
			r = gt_fail(&e, GT_EINVAL, "skill \"%s\" is listed twice", skill);
		if (r < 0) {
			rc = gt_fail(err, r, "%s[%zu]: %s", key, i, e.msg);
			break;
		}
		seen |= 1ull << s;
		json_array_append_new(*ret, json_pack("{s:s, s:i}", "skill", skill, "level", l));
	}
	if (rc < 0) {
		json_decref(*ret);
		*ret = NULL;
	}
	return rc;
}

/* ---- rows ---------------------------------------------------------------------------------- */

static int S_row(gt_store_conn *c, gt_query q, const char *text, int64_t i, const char *what,
		 gt_stmt **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, q, &st, err);
	if (rc < 0)
		return rc;
	if (text)
		gt_stmt_bind_text(st, 1, text, (size_t)-1);
	else
		gt_stmt_bind_i64(st, 1, i);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		*ret = st;
		return 0;
	}
	gt_stmt_close(st);
	if (rc == 0)
		return text ? gt_fail(err, GT_ENOTFOUND, "no %s \"%s\"", what, text) :
			      gt_fail(err, GT_ENOTFOUND, "no %s %lld", what, (long long)i);
	return rc;
}

int gt_vol_opportunity(gt_store_conn *c, const char *id, gt_stmt **ret, gt_error *err)
{
	return S_row(c, GT_Q_VOL_OPP_GET, id, 0, "opportunity", ret, err);
}

int gt_vol_signup(gt_store_conn *c, int64_t idx, gt_stmt **ret, gt_error *err)
{
	return S_row(c, GT_Q_VOL_SIGNUP_GET, NULL, idx, "sign-up", ret, err);
}

int gt_vol_session(gt_store_conn *c, int64_t idx, gt_stmt **ret, gt_error *err)
{
	return S_row(c, GT_Q_VOL_SESSION_GET, NULL, idx, "session", ret, err);
}

int gt_vol_me(gt_decide *d, gt_stmt **ret, gt_error *err)
{
	if (!gt_decide_org(d) || strcmp(gt_decide_role(d), GT_ROLE_VOLUNTEER) != 0)
		return gt_fail(err, GT_EDENIED, "this is done by volunteers with their own key");
	int rc = S_row(gt_decide_conn(d), GT_Q_VOL_VOLUNTEER_GET, gt_decide_org(d), 0, "volunteer",
		       ret, err);
	return rc == GT_ENOTFOUND ? gt_fail(err, GT_EDENIED, "this volunteer no longer exists") :
				    rc;
}

/* ---- check-in codes ------------------------------------------------------------------------ */

void gt_vol_code_mac(gt_decide *d, int64_t num, const char *slot, char mac[21])
{
	char id[64], pseudo[GT_PSEUDO_LEN + 1];
	snprintf(id, sizeof(id), "%lld/%s", (long long)num, slot);
	gt_decide_pseudonym(d, "checkin", id, pseudo);
	memcpy(mac, strchr(pseudo, ':') + 1, 20);
	mac[20] = 0;
}

int gt_vol_code_parse(const char *code, int64_t *num, char slot[41], char mac[21])
{
	const char *p = code;
	if (!code || strlen(code) > GT_VOL_CODE_MAX || strncmp(p, "GTV1.", 5) != 0)
		return GT_EINVAL;
	p += 5;
	/* Digits only, no leading zero: one text per code. */
	char *end;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '.'))
		return GT_EINVAL;
	long long n = strtoll(p, &end, 10);
	if (*end != '.' || n < 0 || end - p > 18)
		return GT_EINVAL;
	p = end + 1;
	const char *dot = strchr(p, '.');
	size_t len = dot ? (size_t)(dot - p) : 0;
	if (!dot || len == 0 || len > 40 || strlen(dot + 1) != 20)
		return GT_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
			return GT_EINVAL;
	for (const char *h = dot + 1; *h; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return GT_EINVAL;
	*num = n;
	memcpy(slot, p, len);
	slot[len] = 0;
	memcpy(mac, dot + 1, 21);
	return 0;
}

/* ---- keys ---------------------------------------------------------------------------------- */

int gt_vol_check_key(gt_store_conn *c, const char *key, gt_principal *ret, gt_error *err)
{
	char hex[GT_TOKEN_ID_LEN + 1], hash[65], id[GT_TOKEN_ID_LEN + 2];
	int rc = gt_auth_secret_parse(key, "gv", hex, hash, err);
	if (rc < 0)
		return rc;
	snprintf(id, sizeof(id), "v%s", hex);
	gt_stmt *st = NULL;
	gt_error e = {0};
	rc = S_row(c, GT_Q_VOL_VOLUNTEER_GET, id, 0, "volunteer", &st, &e);
	if (rc < 0 && rc != GT_ENOTFOUND)
		return gt_fail(err, rc, "%s", e.msg);
	bool ok = gt_auth_secret_match(st ? gt_stmt_text(st, 2, NULL) : NULL, hash);
	gt_stmt_close(st);
	if (!ok)
		return gt_fail(err, GT_EDENIED, "unknown key");
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->org, sizeof(ret->org), "%s", id);
	snprintf(ret->role, sizeof(ret->role), "%s", GT_ROLE_VOLUNTEER);
	memcpy(ret->token_id, hex, sizeof(hex));
	return 0;
}

/* ---- the engine's view ---------------------------------------------------------------------- */

int gt_vol_hour_of_week(int64_t ms)
{
	int64_t hours = ms >= 0 ? ms / 3600000 : (ms - 3599999) / 3600000;
	int64_t days = hours >= 0 ? hours / 24 : (hours - 23) / 24;
	int weekday = (int)(((days + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	return weekday * 24 + (int)(((hours % 24) + 24) % 24);
}

static void S_skills(const json_t *list, gt_match_skill *out, uint8_t *n, size_t max)
{
	size_t i;
	const json_t *v;
	*n = 0;
	json_array_foreach(list, i, v)
	{
		int s = gt_vol_skill_find(gt_vol_opt(v, "skill"));
		if (s < 0 || *n >= max)
			continue;
		out[*n].skill = (uint8_t)s;
		out[*n].level = (uint8_t)gt_vol_int(v, "level");
		(*n)++;
	}
}

static uint64_t S_mask(const json_t *list, int (*find)(const char *))
{
	uint64_t m = 0;
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		int t = find(json_string_value(v));
		if (t >= 0)
			m |= 1ull << t;
	}
	return m;
}

static void S_set_hour(uint64_t bits[3], int how)
{
	how = ((how % 168) + 168) % 168;
	bits[how / 64] |= 1ull << (how % 64);
}

int gt_vol_profile_to_match(const json_t *profile, int64_t birth_year, uint32_t key,
			    gt_match_volunteer *out)
{
	memset(out, 0, sizeof(*out));
	out->key = key;
	S_skills(json_object_get(profile, "skills"), out->skills, &out->nskills, GT_MATCH_SKILLS);
	const json_t *home = json_object_get(profile, "home");
	if (json_is_object(home)) {
		out->located = true;
		out->lat_e6 = (int32_t)gt_vol_int(home, "lat_e6");
		out->lon_e6 = (int32_t)gt_vol_int(home, "lon_e6");
	}
	out->radius_km = (uint16_t)gt_vol_int(profile, "radius_km");
	out->languages =
		(uint32_t)S_mask(json_object_get(profile, "languages"), gt_vol_language_find);
	out->causes = (uint32_t)S_mask(json_object_get(profile, "causes"), gt_vol_cause_find);
	out->birth_year = birth_year > 0 && birth_year < 65536 ? (uint16_t)birth_year : 0;
	out->discoverable = !json_is_false(json_object_get(profile, "discoverable"));
	/* Weekly hours in local time, minutes east of UTC in "utc_offset". */
	int64_t offset = gt_vol_int(profile, "utc_offset");
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(profile, "availability"), i, v)
	{
		/* Every UTC hour the local range [from, to) touches (profiles are
		 * checked when written; out-of-range values are skipped all the same). */
		int64_t day = gt_vol_int(v, "day"), from = gt_vol_int(v, "from"),
			to = gt_vol_int(v, "to");
		if (day < 0 || day > 6 || from < 0 || to > 1440 || from >= to || offset < -1440 ||
		    offset > 1440)
			continue;
		int64_t a = day * 1440 + from - offset, b = day * 1440 + to - offset;
		int64_t h0 = a >= 0 ? a / 60 : (a - 59) / 60, h1 = b >= 0 ? (b + 59) / 60 : b / 60;
		for (int64_t h = h0; h < h1 && h < h0 + 168; h++)
			S_set_hour(out->avail, (int)h);
	}
	return 0;
}

void gt_vol_opportunity_to_match(const json_t *data, bool open, uint32_t key, int64_t now_ms,
				 gt_match_opportunity *out)
{
	memset(out, 0, sizeof(*out));
	out->key = key;
	out->open = open;
	S_skills(json_object_get(data, "skills"), out->required, &out->nrequired,
		 GT_MATCH_REQUIRED);
	out->welcome = S_mask(json_object_get(data, "welcome"), gt_vol_skill_find);
	out->remote = json_is_true(json_object_get(data, "remote"));
	const json_t *place = json_object_get(data, "place");
	out->lat_e6 = (int32_t)gt_vol_int(place, "lat_e6");
	out->lon_e6 = (int32_t)gt_vol_int(place, "lon_e6");
	out->languages = (uint32_t)S_mask(json_object_get(data, "languages"), gt_vol_language_find);
	int cause = gt_vol_cause_find(gt_vol_opt(data, "cause"));
	out->cause = (uint8_t)(cause < 0 ? 0 : cause);
	out->min_age = (uint8_t)gt_vol_int(data, "min_age");
	/* Projects take their own time: no fixed hours to fit. */
	bool project = json_object_get(data, "project") != NULL;
	size_t i;
	const json_t *v;
	bool future = false;
	json_array_foreach(json_object_get(data, "slots"), i, v)
	{
		int64_t s, e;
		if (!gt_vol_opt(v, "start") || !gt_vol_opt(v, "end") ||
		    gt_time_parse(gt_vol_opt(v, "start"), &s) < 0 ||
		    gt_time_parse(gt_vol_opt(v, "end"), &e) < 0 || e <= now_ms)
			continue;
		future = true;
		for (int64_t t = s - s % 3600000, n = 0; !project && t < e && n < 168;
		     t += 3600000, n++)
			S_set_hour(out->slot_hours, gt_vol_hour_of_week(t));
	}
	/* Nothing left to join: no match until a slot is added. */
	if (!future)
		out->open = false;
}
