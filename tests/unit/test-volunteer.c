/* Unit tests for src/volunteer/common.c: the hour of the week, check-in
 * codes, and how profiles and opportunities reach the matching engine
 * (local availability to UTC hours, slots to hours of the week, projects,
 * ended slots, levels and masks). Scoring itself is test-match.c's. */
#include <criterion/criterion.h>

#include "core/time.h"
#include "volunteer/taxonomy.h"
#include "volunteer/volunteer.h"

#include <jansson.h>
#include <string.h>

static int64_t S_ms(const char *t)
{
	int64_t ms;
	cr_assert_eq(gt_time_parse(t, &ms), 0, "%s", t);
	return ms;
}

static bool S_bit(const uint64_t b[3], int h)
{
	return b[h / 64] >> (h % 64) & 1;
}

static int S_count(const uint64_t b[3])
{
	return __builtin_popcountll(b[0]) + __builtin_popcountll(b[1]) + __builtin_popcountll(b[2]);
}

static json_t *S_json(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);
	cr_assert_not_null(v, "%s: %s", text, e.text);
	return v;
}

Test(volunteer, hour_of_week_starts_on_monday_utc)
{
	/* 2026-11-23 is a Monday; 1970-01-01 was a Thursday. */
	cr_assert_eq(gt_vol_hour_of_week(S_ms("2026-11-23T00:00:00Z")), 0);
	cr_assert_eq(gt_vol_hour_of_week(S_ms("2026-11-23T10:59:59.999Z")), 10);
	cr_assert_eq(gt_vol_hour_of_week(S_ms("2026-11-29T23:30:00Z")), 167);
	cr_assert_eq(gt_vol_hour_of_week(S_ms("2026-11-30T00:00:00Z")), 0);
	cr_assert_eq(gt_vol_hour_of_week(0), 3 * 24);
	cr_assert_eq(gt_vol_hour_of_week(-1), 3 * 24 - 1); /* Wednesday 23:59:59.999 */
}

Test(volunteer, check_in_codes_parse_strictly)
{
	int64_t num;
	char slot[41], mac[21];
	cr_assert_eq(gt_vol_code_parse("GTV1.42.sat-am.0123456789abcdef0123", &num, slot, mac), 0);
	cr_assert_eq(num, 42);
	cr_assert_str_eq(slot, "sat-am");
	cr_assert_str_eq(mac, "0123456789abcdef0123");
	cr_assert_eq(gt_vol_code_parse("GTV1.0.a.0123456789abcdef0123", &num, slot, mac), 0);
	cr_assert_eq(num, 0);
	static const char *const bad[] = {
		"",
		"GTV1.42.sat-am.0123456789abcdef012",	/* short MAC */
		"GTV1.42.sat-am.0123456789abcdef01234", /* long MAC */
		"GTV1.42.sat-am.0123456789ABCDEF0123",	/* upper-case hex */
		"GTV2.42.sat-am.0123456789abcdef0123",	/* version */
		"GTV1.-4.sat-am.0123456789abcdef0123",	/* negative */
		"GTV1.x.sat-am.0123456789abcdef0123",	/* not a number */
		"GTV1.042.sat-am.0123456789abcdef0123", /* a leading zero */
		"GTV1. 42.sat-am.0123456789abcdef0123", /* a space */
		"GTV1.+42.sat-am.0123456789abcdef0123", /* a sign */
		"GTV1.42.Sat.0123456789abcdef0123",	/* slot not a slug */
		"GTV1.42..0123456789abcdef0123",	/* empty slot */
		"GTV1.42.sat.am.0123456789abcdef0123",	/* a dot in the slot */
		"GTV1.42.sat-am",			/* no MAC */
		NULL,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_lt(gt_vol_code_parse(bad[i], &num, slot, mac), 0, "%s",
			     bad[i] ? bad[i] : "NULL");
}

Test(volunteer, local_availability_becomes_utc_hours)
{
	/* Saturday 08:00-18:00 in UTC+8 is Saturday 00:00-10:00 UTC: ten hours. */
	json_t *p = S_json(
		"{\"skills\":[{\"skill\":\"law\",\"level\":3}],\"radius_km\":20,"
		"\"availability\":[{\"day\":5,\"from\":480,\"to\":1080}],\"utc_offset\":480,"
		"\"languages\":[\"zh\",\"en\"],\"causes\":[\"education\"],"
		"\"discoverable\":true,\"home\":{\"lat_e6\":31230400,\"lon_e6\":121473700}}");
	gt_match_volunteer v;
	gt_vol_profile_to_match(p, 1990, 7, &v);
	cr_assert_eq(v.key, 7);
	cr_assert_eq(S_count(v.avail), 10);
	for (int h = 5 * 24; h < 5 * 24 + 10; h++)
		cr_assert(S_bit(v.avail, h), "hour %d", h);
	cr_assert_eq(v.nskills, 1);
	cr_assert_eq(v.skills[0].skill, gt_vol_skill_find("law"));
	cr_assert_eq(v.skills[0].level, 3);
	cr_assert(v.located);
	cr_assert_eq(v.lat_e6, 31230400);
	cr_assert_eq(v.radius_km, 20);
	cr_assert_eq(v.birth_year, 1990);
	cr_assert(v.discoverable);
	cr_assert_eq(v.languages,
		     (1u << gt_vol_language_find("zh")) | (1u << gt_vol_language_find("en")));
	cr_assert_eq(v.causes, 1u << gt_vol_cause_find("education"));
	json_decref(p);

	/* Monday 00:00-01:00 in UTC-05:30 is Monday 05:30-06:30 UTC: it touches two hours. */
	p = S_json("{\"availability\":[{\"day\":0,\"from\":0,\"to\":60}],\"utc_offset\":-330,"
		   "\"discoverable\":false}");
	gt_vol_profile_to_match(p, 0, 1, &v);
	cr_assert_eq(S_count(v.avail), 2);
	cr_assert(S_bit(v.avail, 5) && S_bit(v.avail, 6));
	cr_assert_not(v.located);
	cr_assert_not(v.discoverable);
	json_decref(p);

	/* Monday 02:00-04:00 in UTC+8 is Sunday 18:00-20:00 UTC: the week wraps. */
	p = S_json("{\"availability\":[{\"day\":0,\"from\":120,\"to\":240}],\"utc_offset\":480}");
	gt_vol_profile_to_match(p, 0, 1, &v);
	cr_assert_eq(S_count(v.avail), 2);
	cr_assert(S_bit(v.avail, 6 * 24 + 18) && S_bit(v.avail, 6 * 24 + 19));
	json_decref(p);
}

Test(volunteer, slots_become_hours_of_the_week_and_projects_have_none)
{
	json_t *d = S_json(
		"{\"id\":\"x\",\"cause\":\"environment\",\"skills\":[{\"skill\":\"first-aid\",\"level\":2}],"
		"\"welcome\":[\"design\"],\"languages\":[\"zh\"],\"min_age\":16,"
		"\"place\":{\"lat_e6\":1,\"lon_e6\":2},\"slots\":["
		"{\"id\":\"a\",\"start\":\"2026-11-28T01:00:00Z\",\"end\":\"2026-11-28T04:30:00Z\",\"capacity\":1},"
		"{\"id\":\"old\",\"start\":\"2026-11-02T01:00:00Z\",\"end\":\"2026-11-02T09:00:00Z\",\"capacity\":1}]}");
	gt_match_opportunity o;
	gt_vol_opportunity_to_match(d, true, 9, S_ms("2026-11-23T00:00:00Z"), &o);
	/* Saturday 01:00-04:30 UTC touches 01, 02, 03, 04; the ended slot adds nothing. */
	cr_assert_eq(S_count(o.slot_hours), 4);
	for (int h = 5 * 24 + 1; h <= 5 * 24 + 4; h++)
		cr_assert(S_bit(o.slot_hours, h), "hour %d", h);
	cr_assert_eq(o.key, 9);
	cr_assert(o.open);
	cr_assert_not(o.remote);
	cr_assert_eq(o.lat_e6, 1);
	cr_assert_eq(o.lon_e6, 2);
	cr_assert_eq(o.nrequired, 1);
	cr_assert_eq(o.required[0].skill, gt_vol_skill_find("first-aid"));
	cr_assert_eq(o.required[0].level, 2);
	cr_assert_eq(o.welcome, 1ull << gt_vol_skill_find("design"));
	cr_assert_eq(o.cause, gt_vol_cause_find("environment"));
	cr_assert_eq(o.min_age, 16);
	/* Once every slot has ended there is nothing to join: no match. */
	gt_vol_opportunity_to_match(d, true, 9, S_ms("2026-11-28T04:30:00Z"), &o);
	cr_assert_not(o.open);
	cr_assert_eq(S_count(o.slot_hours), 0);
	json_decref(d);

	/* A project takes its own time: no fixed hours. */
	d = S_json(
		"{\"id\":\"p\",\"cause\":\"technology\",\"remote\":true,"
		"\"project\":{\"deliverable\":\"a site\",\"weeks\":6},\"slots\":["
		"{\"id\":\"w\",\"start\":\"2026-12-01T00:00:00Z\",\"end\":\"2027-01-12T00:00:00Z\","
		"\"capacity\":1}]}");
	gt_vol_opportunity_to_match(d, false, 3, S_ms("2026-11-23T00:00:00Z"), &o);
	cr_assert_eq(S_count(o.slot_hours), 0);
	cr_assert(o.remote);
	cr_assert_not(o.open);
	json_decref(d);
}

Test(volunteer, stored_profiles_show_back_in_the_input_form)
{
	json_t *p = S_json(
		"{\"skills\":[{\"skill\":\"law\",\"level\":4}],\"radius_km\":5,"
		"\"availability\":[{\"day\":6,\"from\":570,\"to\":1440}],\"utc_offset\":-330,"
		"\"languages\":[],\"causes\":[],\"discoverable\":true,"
		"\"home\":{\"lat_e6\":-33868800,\"lon_e6\":151209300}}");
	json_t *v = gt_vol_profile_public(p);
	char *text = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(10));
	cr_assert_str_eq(
		text,
		"{\"availability\":[{\"day\":\"sun\",\"from\":\"09:30\",\"to\":\"24:00\"}],"
		"\"causes\":[],\"discoverable\":true,\"home\":{\"latitude\":-33.8688,"
		"\"longitude\":151.2093},\"languages\":[],\"radius_km\":5,"
		"\"skills\":[{\"level\":\"expert\",\"skill\":\"law\"}],\"utc_offset\":\"-05:30\"}");
	free(text);
	json_decref(v);
	json_decref(p);
}
