/* The green module's common helpers: the programme's days, users and their
 * keys, and small checks of input. */
#include "green/green_int.h"
#include "core/json.h"

#include <math.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#define S_DAY_MS 86400000LL

int32_t gt_green_day(int64_t ms)
{
	int64_t t = ms + GT_GREEN_TZ_MS;
	return (int32_t)(t >= 0 ? t / S_DAY_MS : (t - S_DAY_MS + 1) / S_DAY_MS);
}

int64_t gt_green_day_start(int32_t day)
{
	return (int64_t)day * S_DAY_MS - GT_GREEN_TZ_MS;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (after
 * H. Hinnant's civil calendar algorithms). */
static int64_t S_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void S_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void gt_green_day_text(int32_t day, char out[11])
{
	int y, m, d;
	S_civil_from_days(day, &y, &m, &d);
	char t[48];
	snprintf(t, sizeof(t), "%04d-%02d-%02d", y % 10000, m, d);
	memcpy(out, t, 10);
	out[10] = 0;
}

int32_t gt_green_day_parse(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + s[3] - '0';
	int m = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	int64_t day = S_days_from_civil(y, m, d);
	char back[11];
	gt_green_day_text((int32_t)day, back);
	return strcmp(back, s) == 0 ? (int32_t)day : -1; /* 2026-02-30 is not a day */
}

int32_t gt_green_month(int32_t day)
{
	int y, m, d;
	S_civil_from_days(day, &y, &m, &d);
	return y * 12 + m - 1;
}

int32_t gt_green_month_start(int32_t month)
{
	return (int32_t)S_days_from_civil(month / 12, month % 12 + 1, 1);
}

int32_t gt_green_add_years(int32_t day, int years)
{
	int y, m, d;
	S_civil_from_days(day, &y, &m, &d);
	y += years;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		d = 28;
	return (int32_t)S_days_from_civil(y, m, d);
}

int gt_green_date(const json_t *in, const char *key, int32_t *day, gt_error *err)
{
	const json_t *v = json_object_get(in, key);
	*day = json_is_string(v) ? gt_green_day_parse(json_string_value(v)) : -1;
	if (*day < 0)
		return gt_fail(err, GT_EINVAL, "%s must be a date like \"2027-04-02\"", key);
	return 0;
}

const char *gt_green_opt(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

int64_t gt_green_int(const json_t *obj, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(obj, key));
}

bool gt_green_ref_valid(const char *s)
{
	if (!s || strncmp(s, "green:", 6) != 0 || strlen(s) != 6 + 64)
		return false;
	for (s += 6; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

void gt_green_org_ref(gt_decide *d, char out[GT_ORG_ID_MAX + 5])
{
	snprintf(out, GT_ORG_ID_MAX + 5, "org:%s", gt_decide_org(d) ? gt_decide_org(d) : "");
}

int gt_green_hashes(const json_t *in, const char *key, size_t max, json_t **ret, gt_error *err)
{
	const json_t *list = json_object_get(in, key);
	size_t n = json_array_size(list);
	*ret = NULL;
	if (!json_is_array(list) || n < 1 || n > max)
		return gt_fail(err, GT_EINVAL,
			       "%s must be a list of 1 to %zu SHA-256 hashes (64 hex digits)", key,
			       max);
	json_t *out = json_array();
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *h = json_string_value(v);
		bool ok = h && strlen(h) == 64;
		char low[65];
		for (size_t k = 0; ok && k < 64; k++) {
			char c = h[k] >= 'A' && h[k] <= 'F' ? (char)(h[k] - 'A' + 'a') : h[k];
			ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
			low[k] = c;
		}
		if (!ok) {
			json_decref(out);
			return gt_fail(err, GT_EINVAL,
				       "%s[%zu] must be a SHA-256 hash (64 hex digits)", key, i);
		}
		low[64] = 0;
		json_array_append_new(out, json_string(low));
	}
	*ret = out;
	return 0;
}

double gt_green_metres(int32_t lat1, int32_t lon1, int32_t lat2, int32_t lon2)
{
	const double r = 6371008.8, k = M_PI / 180e6;
	double p1 = lat1 * k, p2 = lat2 * k, dp = (lat2 - lat1) * k, dl = (lon2 - lon1) * k;
	double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	return 2 * r * asin(fmin(1.0, sqrt(a)));
}

/* ---- users ---------------------------------------------------------------------------------- */

static int S_user_row(gt_store_conn *c, gt_query q, const char *value, gt_stmt **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, q, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, value, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		*ret = st;
		return 0;
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no such user");
}

int gt_green_check_key(gt_store_conn *c, const char *key, gt_principal *ret, gt_error *err)
{
	char hex[GT_TOKEN_ID_LEN + 1], hash[65], id[GT_TOKEN_ID_LEN + 2];
	int rc = gt_auth_secret_parse(key, "gu", hex, hash, err);
	if (rc < 0)
		return rc;
	snprintf(id, sizeof(id), "u%s", hex);
	gt_stmt *st = NULL;
	gt_error e = {0};
	rc = S_user_row(c, GT_Q_GREEN_GUSER_GET, id, &st, &e);
	if (rc < 0 && rc != GT_ENOTFOUND)
		return gt_fail(err, rc, "%s", e.msg);
	bool ok = gt_auth_secret_match(st ? gt_stmt_text(st, 2, NULL) : NULL, hash);
	gt_stmt_close(st);
	if (!ok)
		return gt_fail(err, GT_EDENIED, "unknown key");
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->org, sizeof(ret->org), "%s", id);
	snprintf(ret->role, sizeof(ret->role), "%s", GT_ROLE_USER);
	memcpy(ret->token_id, hex, sizeof(hex));
	return 0;
}

int gt_green_me(gt_decide *d, char ref[GT_PSEUDO_LEN + 1], gt_error *err)
{
	if (!gt_decide_org(d) || strcmp(gt_decide_role(d), GT_ROLE_USER) != 0)
		return gt_fail(err, GT_EDENIED,
			       "this is done by a user with their own key (gu_...)");
	gt_stmt *st;
	int rc = S_user_row(gt_decide_conn(d), GT_Q_GREEN_GUSER_GET, gt_decide_org(d), &st, err);
	if (rc < 0)
		return rc == GT_ENOTFOUND ? gt_fail(err, GT_EDENIED, "unknown user") : rc;
	snprintf(ref, GT_PSEUDO_LEN + 1, "%s", gt_stmt_text(st, 3, NULL));
	gt_stmt_close(st);
	return 0;
}

int gt_green_register_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	if (gt_decide_org(d))
		return gt_fail(err, GT_EDENIED,
			       "users register themselves (without an organisation's token)");
	int rc = gt_green_empty(in, err);
	if (rc < 0)
		return rc;
	char hex[GT_TOKEN_ID_LEN + 1], key[GT_TOKEN_LEN + 1], hash[65], id[GT_TOKEN_ID_LEN + 2],
		ref[GT_PSEUDO_LEN + 1];
	rc = gt_auth_secret_new("gu", hex, key, hash, err);
	if (rc == 0) {
		snprintf(id, sizeof(id), "u%s", hex);
		gt_decide_pseudonym(d, "green", id, ref);
		int64_t r = gt_store_exec(gt_decide_conn(d), GT_Q_GREEN_GUSER_PUT, err, "tttt", id,
					  hash, ref, gt_decide_at(d));
		rc = r < 0 ? (int)r : 0;
	}
	if (rc == 0)
		gt_decide_reply(d, json_pack("{s:s, s:s, s:s}", "id", id, "key", key, "ref", ref));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int gt_green_empty(const json_t *in, gt_error *err)
{
	static const char *const keys[] = {NULL};
	return json_is_object(in) ? gt_json_only(in, keys, err) :
				    gt_fail(err, GT_EINVAL, "the body must be {}");
}

int gt_green_rekey_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	char ref[GT_PSEUDO_LEN + 1], hex[GT_TOKEN_ID_LEN + 1], key[GT_TOKEN_LEN + 1], hash[65];
	int rc = gt_green_empty(in, err);
	if (rc == 0)
		rc = gt_green_me(d, ref, err);
	if (rc < 0)
		return rc;
	const char *id = gt_decide_org(d);
	snprintf(hex, sizeof(hex), "%s", id + 1);
	rc = gt_auth_secret_for("gu", hex, key, hash, err);
	if (rc == 0) {
		int64_t r = gt_store_exec(gt_decide_conn(d), GT_Q_GREEN_GUSER_KEY, err, "ttt", id,
					  hash, gt_decide_at(d));
		rc = r < 0 ? (int)r : 0;
	}
	if (rc == 0)
		gt_decide_reply(d, json_pack("{s:s, s:s, s:s}", "id", id, "key", key, "ref", ref));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}
