/* Unit tests for src/volunteer/match.c and taxonomy.c: the score pinned by
 * worked examples, every hard rule and filter, paging, updates, a
 * randomized comparison of every query with a scan of all pairs (which is
 * what shows that the engine's pruning changes nothing), and queries racing
 * updates on several threads. */
#include <criterion/criterion.h>

#include "testutil.h"
#include "volunteer/match.h"
#include "volunteer/taxonomy.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define YEAR 2026

/* ---- records ------------------------------------------------------------------------- */

static uint8_t S_skill(const char *id)
{
	int i = gt_vol_skill_find(id);
	cr_assert(i >= 0, "no skill %s", id);
	return (uint8_t)i;
}

static uint32_t S_lang(const char *id)
{
	int i = gt_vol_language_find(id);
	cr_assert(i >= 0, "no language %s", id);
	return (uint32_t)1 << i;
}

static uint32_t S_cause(const char *id)
{
	int i = gt_vol_cause_find(id);
	cr_assert(i >= 0, "no cause %s", id);
	return (uint32_t)i;
}

/* Set hours [from, to) of a week mask. */
static void S_hours(uint64_t h[3], int from, int to)
{
	for (int i = from; i < to; i++)
		h[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Shanghai's People's Square. */
#define LAT0 31230400
#define LON0 121473700

/* A volunteer at LAT0, LON0 who travels 20 km, speaks Chinese, and lists
 * nothing else. */
static gt_match_volunteer S_v(uint32_t key)
{
	return (gt_match_volunteer){.key = key,
				    .located = true,
				    .lat_e6 = LAT0,
				    .lon_e6 = LON0,
				    .radius_km = 20,
				    .languages = S_lang("zh"),
				    .discoverable = true};
}

static void S_v_skill(gt_match_volunteer *v, const char *id, int level)
{
	v->skills[v->nskills++] = (gt_match_skill){S_skill(id), (uint8_t)level};
}

/* An open in-person opportunity at LAT0, LON0 of cause education, with no
 * skills, times or languages. */
static gt_match_opportunity S_o(uint32_t key)
{
	return (gt_match_opportunity){
		.key = key, .lat_e6 = LAT0, .lon_e6 = LON0, .cause = 0, .open = true};
}

static void S_o_req(gt_match_opportunity *o, const char *id, int level)
{
	o->required[o->nrequired++] = (gt_match_skill){S_skill(id), (uint8_t)level};
}

static gt_match_result S_score(const gt_match_volunteer *v, const gt_match_opportunity *o)
{
	gt_match_result r;
	memset(&r, 0xee, sizeof(r));
	cr_assert(gt_match_score(v, o, YEAR, &r), "expected a match");
	return r;
}

static void S_no(const gt_match_volunteer *v, const gt_match_opportunity *o)
{
	gt_match_result r;
	cr_assert_not(gt_match_score(v, o, YEAR, &r), "expected no match");
}

#define CHECK_COMPONENTS(r, sc, sk, di, av, ca, la)                                                \
	do {                                                                                       \
		cr_assert_eq((r).skill, (sk), "skill %d, want %d", (r).skill, (sk));               \
		cr_assert_eq((r).distance, (di), "distance %d, want %d", (r).distance, (di));      \
		cr_assert_eq((r).availability, (av), "availability %d, want %d", (r).availability, \
			     (av));                                                                \
		cr_assert_eq((r).cause, (ca), "cause %d, want %d", (r).cause, (ca));               \
		cr_assert_eq((r).language, (la), "language %d, want %d", (r).language, (la));      \
		cr_assert_eq((r).score, (sc), "score %d, want %d", (r).score, (sc));               \
	} while (0)

/* ---- taxonomy ----------------------------------------------------------------------------- */

/* The order as first published: reordering breaks every stored mask, so
 * this list may only grow at its end. */
static const char *const S_skill_order[] = {"software",
					    "data",
					    "design",
					    "medicine",
					    "nursing",
					    "law",
					    "teaching",
					    "accounting",
					    "translation",
					    "writing",
					    "marketing",
					    "fundraising",
					    "project-management",
					    "it-support",
					    "research",
					    "photography-video",
					    "counselling",
					    "social-work",
					    "first-aid",
					    "mental-health",
					    "elderly-care",
					    "childcare",
					    "disability-support",
					    "construction",
					    "logistics",
					    "driving",
					    "cooking",
					    "event-planning",
					    "environment",
					    "agriculture",
					    "sports-coaching",
					    "music",
					    "art",
					    "sign-language",
					    "public-speaking",
					    "mentoring",
					    "hr",
					    "search-rescue",
					    "pharmacy",
					    "public-health",
					    "administration",
					    "customer-service",
					    "community-organising",
					    "cybersecurity",
					    "electrical",
					    "plumbing",
					    "veterinary",
					    "animal-care",
					    "rehabilitation",
					    "nutrition",
					    "dentistry",
					    "finance",
					    "social-media",
					    "crafts",
					    "dance",
					    "gardening",
					    "volunteer-coordination",
					    "advocacy",
					    NULL};
static const char *const S_cause_order[] = {
	"education",	   "health",	 "environment", "elderly",
	"children",	   "disability", "poverty",	"disaster-relief",
	"animals",	   "culture",	 "community",	"rural-development",
	"women",	   "refugees",	 "technology",	"public-safety",
	"mental-health",   "sports",	 "heritage",	"legal-aid",
	"migrant-workers", "food",	 NULL};
static const char *const S_language_order[] = {"zh", "en", "es", "fr",	"ar",  "ru", "ja", "ko",
					       "de", "pt", "hi", "csl", "yue", "it", "vi", "th",
					       "id", "ms", "mn", "bo",	"ug",  "kk", "za", NULL};

static void S_check_terms(const char *name, const gt_vol_term *t, size_t n, size_t max,
			  const char *const *order, int (*find)(const char *))
{
	cr_assert(n > 0 && n <= max, "%s: %zu terms, at most %zu", name, n, max);
	cr_assert_null(t[n].id, "%s: the list ends with a NULL id", name);
	for (size_t i = 0; i < n; i++) {
		const char *id = t[i].id;
		cr_assert(id && t[i].en && t[i].zh && *t[i].en, "%s %zu: labels", name, i);
		/* Simplified Chinese labels: not left in English by mistake */
		bool cjk = false;
		for (const unsigned char *p = (const unsigned char *)t[i].zh; *p; p++)
			cjk |= *p >= 0xe4 && *p <= 0xe9; /* lead bytes of U+4E00..U+9FFF */
		cr_assert(cjk, "%s %s: the Chinese label %s has no Chinese", name, id, t[i].zh);
		cr_assert(*id && id[0] != '-' && id[strlen(id) - 1] != '-', "%s: id '%s'", name,
			  id);
		for (const char *p = id; *p; p++)
			cr_assert((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
					  (*p == '-' && p[1] != '-'),
				  "%s: id '%s' is not lower case words and hyphens", name, id);
		for (size_t j = 0; j < i; j++)
			cr_assert(strcmp(t[j].id, id) != 0, "%s: '%s' twice", name, id);
		cr_assert_eq(find(id), (int)i, "%s: find(%s)", name, id);
	}
	size_t k = 0;
	for (; order[k]; k++)
		cr_assert(k < n && strcmp(t[k].id, order[k]) == 0,
			  "%s: term %zu must stay '%s' (append only)", name, k, order[k]);
	cr_assert_eq(k, n, "%s: new terms: add them to this test's list too", name);
	cr_assert_eq(find("no-such-term"), -1);
	cr_assert_eq(find(NULL), -1);
	cr_assert_eq(find(""), -1);
}

Test(taxonomy, skills)
{
	S_check_terms("skills", gt_vol_skills, gt_vol_skill_count(), 64, S_skill_order,
		      gt_vol_skill_find);
	cr_assert_eq(gt_vol_skill_find("Software"), -1, "ids are case-sensitive");
	cr_assert_str_eq(gt_vol_skills[gt_vol_skill_find("nursing")].zh, "护理");
	cr_assert_str_eq(gt_vol_skills[gt_vol_skill_find("sign-language")].zh, "手语");
}

Test(taxonomy, causes)
{
	S_check_terms("causes", gt_vol_causes, gt_vol_cause_count(), 32, S_cause_order,
		      gt_vol_cause_find);
	cr_assert_str_eq(gt_vol_causes[gt_vol_cause_find("disaster-relief")].zh, "灾害救援");
}

Test(taxonomy, languages)
{
	S_check_terms("languages", gt_vol_languages, gt_vol_language_count(), 32, S_language_order,
		      gt_vol_language_find);
	cr_assert_str_eq(gt_vol_languages[gt_vol_language_find("csl")].zh, "中国手语");
	cr_assert_eq(gt_vol_language_find("zh"), 0);
	cr_assert_eq(gt_vol_language_find("en"), 1);
}

Test(taxonomy, levels)
{
	cr_assert_eq(gt_vol_level_find("basic"), 1);
	cr_assert_eq(gt_vol_level_find("intermediate"), 2);
	cr_assert_eq(gt_vol_level_find("advanced"), 3);
	cr_assert_eq(gt_vol_level_find("expert"), 4);
	cr_assert_eq(gt_vol_level_find("master"), -1);
	cr_assert_eq(gt_vol_level_find(NULL), -1);
	cr_assert_null(gt_vol_levels[4].id);
	cr_assert_str_eq(gt_vol_levels[3].zh, "专家");
}

/* ---- scoring worked examples ---------------------------------------------------------- */

Test(score, one_required_skill_below_level)
{
	gt_match_volunteer v = S_v(1);
	S_v_skill(&v, "nursing", 2);
	gt_match_opportunity o = S_o(2);
	o.remote = true;
	S_o_req(&o, "nursing", 3);
	gt_match_result r = S_score(&v, &o);
	/* skill 50, distance 100 (remote), availability 100 (a project), cause
	 * 50 (none listed), language 100: (2000 + 2000 + 2000 + 500 + 1000) / 100 */
	CHECK_COMPONENTS(r, 75, 50, 100, 100, 50, 100);
	cr_assert_eq(r.required, 1);
	cr_assert_eq(r.covered, 0);
	cr_assert_eq(r.below_level, 1);
	cr_assert_eq(r.km, -1);
	cr_assert_eq(r.fit_hours, 0);
	cr_assert_eq(r.slot_hours, 0);

	v.skills[0].level = 3; /* at the level: covered */
	r = S_score(&v, &o);
	CHECK_COMPONENTS(r, 95, 100, 100, 100, 50, 100);
	cr_assert_eq(r.covered, 1);
	cr_assert_eq(r.below_level, 0);
	v.skills[0].level = 4; /* above it */
	r = S_score(&v, &o);
	cr_assert_eq(r.skill, 100);
}

Test(score, several_required_skills)
{
	gt_match_volunteer v = S_v(1);
	S_v_skill(&v, "law", 4);
	S_v_skill(&v, "translation", 1);
	S_v_skill(&v, "cooking", 2);
	gt_match_opportunity o = S_o(2);
	o.remote = true;
	S_o_req(&o, "law", 2);
	S_o_req(&o, "driving", 1);
	gt_match_result r = S_score(&v, &o);
	cr_assert_eq(r.skill, 50, "one of two covered: %d", r.skill);

	S_o_req(&o, "translation", 2); /* law covered, translation below, driving missing */
	r = S_score(&v, &o);
	cr_assert_eq(r.skill, 50, "(1 + 0.5) / 3: %d", r.skill);
	cr_assert_eq(r.required, 3);
	cr_assert_eq(r.covered, 1);
	cr_assert_eq(r.below_level, 1);

	o.required[1] = (gt_match_skill){S_skill("software"), 1};
	o.required[2] = (gt_match_skill){S_skill("data"), 1};
	r = S_score(&v, &o);
	/* one of three: 33.3 -> 33; total (40 * 33 + 2000 + 2000 + 500 + 1000) / 100 = 68.2 */
	CHECK_COMPONENTS(r, 68, 33, 100, 100, 50, 100);

	o.required[1] = (gt_match_skill){S_skill("cooking"), 2};
	r = S_score(&v, &o);
	/* two of three: 66.7 -> 67 (rounded, not cut); total 81.8 -> 82 */
	CHECK_COMPONENTS(r, 82, 67, 100, 100, 50, 100);
}

Test(score, welcome_skills_without_required)
{
	gt_match_volunteer v = S_v(1);
	S_v_skill(&v, "music", 1);
	S_v_skill(&v, "art", 3);
	gt_match_opportunity o = S_o(2);
	o.remote = true;
	gt_match_result r = S_score(&v, &o);
	cr_assert_eq(r.skill, 50, "no skills named: 50");
	cr_assert_eq(r.required, 0);
	cr_assert_eq(r.welcome_held, 0);
	o.welcome = (uint64_t)1 << S_skill("dance");
	cr_assert_eq(S_score(&v, &o).skill, 50, "no welcome skill held");
	o.welcome |= (uint64_t)1 << S_skill("music") | (uint64_t)1 << S_skill("art");
	r = S_score(&v, &o);
	cr_assert_eq(r.skill, 100);
	cr_assert_eq(r.welcome_held, 2);

	/* with required skills, welcome ones add nothing but the count */
	S_o_req(&o, "cooking", 1);
	S_v_skill(&v, "cooking", 1);
	r = S_score(&v, &o);
	cr_assert_eq(r.skill, 100);
	cr_assert_eq(r.welcome_held, 2);
	o.required[0].level = 2;
	cr_assert_eq(S_score(&v, &o).skill, 50);
}

Test(score, distance)
{
	gt_match_volunteer v = S_v(1);
	v.lat_e6 = 30000000;
	v.lon_e6 = 120000000;
	v.radius_km = 20;
	gt_match_opportunity o = S_o(2);
	o.lon_e6 = v.lon_e6;
	/* 89932 microdegrees north: 10.000 km, half the radius */
	o.lat_e6 = v.lat_e6 + 89932;
	double d = gt_match_km(v.lat_e6, v.lon_e6, o.lat_e6, o.lon_e6);
	cr_assert(d > 9.999 && d < 10.001, "%f km", d);
	gt_match_result r = S_score(&v, &o);
	/* distance 75; the rest as in a remote one: (2000 + 1500 + 2000 + 500 + 1000) / 100 */
	CHECK_COMPONENTS(r, 70, 50, 75, 100, 50, 100);
	cr_assert_eq(r.km, 10);

	o.lat_e6 = v.lat_e6; /* at the door */
	r = S_score(&v, &o);
	cr_assert_eq(r.distance, 100);
	cr_assert_eq(r.km, 0);

	o.lat_e6 = v.lat_e6 + 179864; /* 19.9999 km: the edge of the radius */
	r = S_score(&v, &o);
	cr_assert_eq(r.distance, 50);
	cr_assert_eq(r.km, 20);
	o.lat_e6 = v.lat_e6 + 179875; /* 20.001 km: beyond it */
	S_no(&v, &o);

	/* east-west along a parallel, and the haversine's figure itself: Beijing
	 * to Shanghai is 1067 km */
	cr_assert(fabs(gt_match_km(39904200, 116407400, 31230400, 121473700) - 1067.3) < 1.0);
	cr_assert_eq(gt_match_km(1, 2, 1, 2), 0.0);
	cr_assert(fabs(gt_match_km(0, 179999000, 0, -179999000) - 0.2224) < 0.001,
		  "across the antimeridian");
	v.radius_km = 100;
	o.lat_e6 = v.lat_e6;
	o.lon_e6 = v.lon_e6 + 520000; /* 50.1 km east at 30 degrees north */
	r = S_score(&v, &o);
	cr_assert_eq(r.km, 50);
	cr_assert_eq(r.distance, 75);
}

Test(score, availability)
{
	gt_match_volunteer v = S_v(1);
	gt_match_opportunity o = S_o(2);
	o.remote = true;
	S_hours(o.slot_hours, 100, 108); /* 8 hours */
	S_hours(v.avail, 102, 140);	 /* 6 of them */
	S_hours(v.avail, 0, 10);	 /* and others that do not matter */
	gt_match_result r = S_score(&v, &o);
	cr_assert_eq(r.availability, 75);
	cr_assert_eq(r.fit_hours, 6);
	cr_assert_eq(r.slot_hours, 8);
	/* (2000 + 2000 + 1500 + 500 + 1000) / 100 */
	cr_assert_eq(r.score, 70);

	memset(o.slot_hours, 0, sizeof(o.slot_hours));
	S_hours(o.slot_hours, 165, 168); /* 3 hours at the end of the week, 2 free */
	memset(v.avail, 0, sizeof(v.avail));
	S_hours(v.avail, 166, 168);
	r = S_score(&v, &o);
	cr_assert_eq(r.availability, 67, "2 of 3 rounds to 67: %d", r.availability);
	cr_assert_eq(r.fit_hours, 2);
	memset(v.avail, 0, sizeof(v.avail));
	r = S_score(&v, &o);
	cr_assert_eq(r.availability, 0, "not free at all is still a match, scored 0");
	/* (2000 + 2000 + 0 + 500 + 1000) / 100 */
	cr_assert_eq(r.score, 55);
}

Test(score, cause_and_language)
{
	gt_match_volunteer v = S_v(1);
	gt_match_opportunity o = S_o(2);
	o.remote = true;
	o.cause = (uint8_t)S_cause("elderly");
	cr_assert_eq(S_score(&v, &o).cause, 50, "no causes listed");
	v.causes = (uint32_t)1 << S_cause("animals");
	cr_assert_eq(S_score(&v, &o).cause, 0);
	v.causes |= (uint32_t)1 << S_cause("elderly");
	cr_assert_eq(S_score(&v, &o).cause, 100);

	o.languages = S_lang("en");
	gt_match_result r = S_score(&v, &o);
	cr_assert_eq(r.language, 0, "only Chinese spoken");
	/* (2000 + 2000 + 2000 + 1000 + 0) / 100 */
	cr_assert_eq(r.score, 70);
	v.languages |= S_lang("en");
	cr_assert_eq(S_score(&v, &o).language, 100);
	o.languages = S_lang("csl") | S_lang("fr");
	cr_assert_eq(S_score(&v, &o).language, 0);
	v.languages = S_lang("csl");
	cr_assert_eq(S_score(&v, &o).language, 100);
}

Test(score, total_rounds_to_nearest)
{
	gt_match_volunteer v = S_v(1);
	S_v_skill(&v, "medicine", 3);
	S_v_skill(&v, "first-aid", 3);
	v.causes = (uint32_t)1 << S_cause("health");
	gt_match_opportunity o = S_o(2);
	o.remote = true;
	o.cause = (uint8_t)S_cause("culture");
	o.languages = S_lang("en");
	S_o_req(&o, "medicine", 2);
	S_o_req(&o, "first-aid", 3);
	S_o_req(&o, "nursing", 2);
	/* skill 67, distance 100, availability 100, cause 0, language 0:
	 * (2680 + 2000 + 2000) / 100 = 66.8, rounded up to 67 (not cut to 66) */
	gt_match_result r = S_score(&v, &o);
	CHECK_COMPONENTS(r, 67, 67, 100, 100, 0, 0);
	cr_assert_eq(r.covered, 2);
	/* 1 of 3 below and 2 covered: (2 + 0.5) / 3 = 83.3 -> 83; total 73.2 -> 73 */
	S_v_skill(&v, "nursing", 1);
	r = S_score(&v, &o);
	CHECK_COMPONENTS(r, 73, 83, 100, 100, 0, 0);
	cr_assert_eq(r.below_level, 1);
}

/* ---- hard rules ----------------------------------------------------------------------------- */

Test(rules, closed)
{
	gt_match_volunteer v = S_v(1);
	gt_match_opportunity o = S_o(2);
	S_score(&v, &o);
	o.open = false;
	S_no(&v, &o);
}

Test(rules, min_age)
{
	gt_match_volunteer v = S_v(1);
	gt_match_opportunity o = S_o(2);
	o.min_age = 18;
	S_score(&v, &o); /* age unknown */
	v.birth_year = YEAR - 17;
	S_no(&v, &o);
	v.birth_year = YEAR - 18;
	S_score(&v, &o);
	o.min_age = 0;
	v.birth_year = YEAR - 10;
	S_score(&v, &o);
}

Test(rules, place)
{
	gt_match_volunteer v = S_v(1);
	gt_match_opportunity o = S_o(2);
	S_score(&v, &o);
	v.located = false;
	S_no(&v, &o);
	o.remote = true; /* remote ones need no place */
	cr_assert_eq(S_score(&v, &o).km, -1);
	o.remote = false;
	v.located = true;
	v.radius_km = 0; /* remote only */
	S_no(&v, &o);
	o.remote = true;
	S_score(&v, &o);
	o.remote = false;
	v.radius_km = 5;
	o.lat_e6 = LAT0 + 60000; /* 6.7 km away */
	S_no(&v, &o);
	v.radius_km = 7;
	cr_assert_eq(S_score(&v, &o).km, 7);
}

Test(rules, required_skills)
{
	gt_match_volunteer v = S_v(1);
	S_v_skill(&v, "music", 4);
	gt_match_opportunity o = S_o(2);
	S_o_req(&o, "nursing", 1);
	S_o_req(&o, "medicine", 1);
	S_no(&v, &o); /* holds none of them */
	o.welcome = (uint64_t)1 << S_skill("music");
	S_no(&v, &o); /* a welcome skill does not stand in for a required one */
	S_v_skill(&v, "medicine", 1);
	cr_assert_eq(S_score(&v, &o).skill, 50);
	v.skills[1].level = 1;
	o.required[1].level = 4; /* held, far below the level, still a match */
	cr_assert_eq(S_score(&v, &o).skill, 25);
}

Test(rules, invalid_records)
{
	gt_match *m;
	gt_error err = {0};
	cr_assert_eq(gt_match_new(&m, &err), 0);
	gt_match_volunteer v = S_v(1);
	gt_match_opportunity o = S_o(2);
	gt_match_volunteer bad_v[8];
	int nv = 0;
	bad_v[nv] = v;
	bad_v[nv].skills[0] = (gt_match_skill){(uint8_t)gt_vol_skill_count(), 1};
	bad_v[nv++].nskills = 1;
	bad_v[nv] = v;
	bad_v[nv].skills[0] = (gt_match_skill){0, 0};
	bad_v[nv++].nskills = 1;
	bad_v[nv] = v;
	bad_v[nv].skills[0] = (gt_match_skill){0, 5};
	bad_v[nv++].nskills = 1;
	bad_v[nv] = v;
	bad_v[nv].skills[0] = bad_v[nv].skills[1] = (gt_match_skill){3, 2};
	bad_v[nv++].nskills = 2;
	bad_v[nv] = v;
	bad_v[nv++].nskills = GT_MATCH_SKILLS + 1;
	bad_v[nv] = v;
	bad_v[nv++].lat_e6 = 90000001;
	bad_v[nv] = v;
	bad_v[nv++].avail[2] = (uint64_t)1 << 40; /* hour 168 */
	bad_v[nv] = v;
	bad_v[nv++].causes = (uint32_t)1 << gt_vol_cause_count();
	for (int i = 0; i < nv; i++) {
		cr_assert_eq(gt_match_put_volunteer(m, &bad_v[i], &err), GT_EINVAL, "case %d", i);
		cr_assert(err.msg[0]);
		cr_assert_not(gt_match_score(&bad_v[i], &o, YEAR, NULL), "case %d", i);
	}
	v.lat_e6 = 90000000; /* the pole is on Earth */
	v.lon_e6 = -180000000;
	cr_assert_eq(gt_match_put_volunteer(m, &v, &err), 0, "%s", err.msg);
	v.located = false;
	v.lat_e6 = 999999999; /* not located: the place is not read */
	cr_assert_eq(gt_match_put_volunteer(m, &v, &err), 0, "%s", err.msg);

	gt_match_opportunity bad_o[6];
	int no = 0;
	bad_o[no] = o;
	bad_o[no++].nrequired = GT_MATCH_REQUIRED + 1;
	bad_o[no] = o;
	bad_o[no++].cause = (uint8_t)gt_vol_cause_count();
	bad_o[no] = o;
	bad_o[no++].lon_e6 = -180000001;
	bad_o[no] = o;
	bad_o[no++].slot_hours[2] = (uint64_t)1 << 63;
	bad_o[no] = o;
	bad_o[no++].languages = (uint32_t)1 << 31;
	bad_o[no] = o;
	bad_o[no++].welcome = (uint64_t)1 << 63;
	for (int i = 0; i < no; i++) {
		cr_assert_eq(gt_match_put_opportunity(m, &bad_o[i], &err), GT_EINVAL, "case %d", i);
		cr_assert_not(gt_match_score(&v, &bad_o[i], YEAR, NULL), "case %d", i);
	}
	cr_assert_eq(gt_match_opportunities(m), 0);
	cr_assert_eq(gt_match_volunteers(m), 1);
	gt_match_free(m);
	gt_match_free(NULL);
}

/* ---- the engine: a small world ------------------------------------------------------------ */

typedef struct S_page {
	gt_match_result r[GT_MATCH_LIMIT_MAX];
	size_t n, total;
} S_page;

static S_page S_for_v(gt_match *m, uint32_t key, const gt_match_filter *f)
{
	S_page p;
	gt_error err = {0};
	int r = gt_match_for_volunteer(m, key, f, 0, GT_MATCH_LIMIT_MAX, p.r, &p.n, &p.total, &err);
	cr_assert_eq(r, 0, "%s", err.msg);
	return p;
}

static S_page S_for_o(gt_match *m, uint32_t key, const gt_match_filter *f)
{
	S_page p;
	gt_error err = {0};
	int r = gt_match_for_opportunity(m, key, f, 0, GT_MATCH_LIMIT_MAX, p.r, &p.n, &p.total,
					 &err);
	cr_assert_eq(r, 0, "%s", err.msg);
	return p;
}

/* The page's keys as text, "3 5 8", to compare at a glance. */
static const char *S_keys(S_page p)
{
	static char buf[2048];
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < p.n && n < sizeof(buf) - 16; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u", i ? " " : "", p.r[i].key);
	return buf;
}

#define KEYS(p, want) cr_assert_str_eq(S_keys(p), (want))

static gt_match *S_engine(void)
{
	gt_match *m;
	gt_error err = {0};
	cr_assert_eq(gt_match_new(&m, &err), 0, "%s", err.msg);
	return m;
}

static void S_put_v(gt_match *m, const gt_match_volunteer *v)
{
	gt_error err = {0};
	cr_assert_eq(gt_match_put_volunteer(m, v, &err), 0, "%s", err.msg);
}

static void S_put_o(gt_match *m, const gt_match_opportunity *o)
{
	gt_error err = {0};
	cr_assert_eq(gt_match_put_opportunity(m, o, &err), 0, "%s", err.msg);
}

static gt_match_filter S_any(void)
{
	return (gt_match_filter){.remote = -1, .year = YEAR};
}

Test(engine, discoverable_only_in_candidate_lists)
{
	gt_match *m = S_engine();
	gt_match_volunteer v = S_v(1);
	v.discoverable = false;
	S_put_v(m, &v);
	gt_match_opportunity o = S_o(10);
	S_put_o(m, &o);
	gt_match_filter f = S_any();
	S_page p = S_for_v(m, 1, &f);
	KEYS(p, "10");
	p = S_for_o(m, 10, &f);
	cr_assert_eq(p.total, 0);
	v.discoverable = true;
	S_put_v(m, &v);
	p = S_for_o(m, 10, &f);
	KEYS(p, "1");
	cr_assert_eq(p.total, 1);
	gt_match_free(m);
}

/* Opportunities 10.. for one volunteer, each passing or failing one filter. */
Test(engine, filters_for_volunteer)
{
	gt_match *m = S_engine();
	gt_match_volunteer v = S_v(1);
	S_v_skill(&v, "teaching", 2);
	S_v_skill(&v, "music", 3);
	v.languages = S_lang("zh") | S_lang("en");
	v.radius_km = 30;
	v.birth_year = YEAR - 16;
	S_put_v(m, &v);
	gt_match_opportunity o;
	o = S_o(10); /* education, in person, here */
	S_put_o(m, &o);
	o = S_o(11); /* remote, health, requires teaching */
	o.remote = true;
	o.cause = (uint8_t)S_cause("health");
	S_o_req(&o, "teaching", 1);
	S_put_o(m, &o);
	o = S_o(12); /* 15 km north, welcomes music, in English */
	o.lat_e6 = LAT0 + 134900;
	o.welcome = (uint64_t)1 << S_skill("music");
	o.languages = S_lang("en");
	S_put_o(m, &o);
	o = S_o(13); /* in French only */
	o.languages = S_lang("fr");
	S_put_o(m, &o);
	o = S_o(14); /* adults only */
	o.min_age = 18;
	S_put_o(m, &o);
	o = S_o(15); /* closed */
	o.open = false;
	S_put_o(m, &o);
	o = S_o(16); /* 40 km away: beyond the radius */
	o.lat_e6 = LAT0 + 360000;
	S_put_o(m, &o);
	o = S_o(17); /* requires law */
	S_o_req(&o, "law", 1);
	S_put_o(m, &o);

	gt_match_filter f = S_any();
	S_page p = S_for_v(m, 1, &f);
	/* 11: 40+20+20+5+10 = 95; 12: skill 100 (welcome), distance 75 (15 km of
	 * 30): 40+15+20+5+10 = 90; 10: skill 50: 20+20+20+5+10 = 75; 13: 75 - 10 = 65 */
	KEYS(p, "11 12 10 13");
	cr_assert_eq(p.total, 4);
	cr_assert_eq(p.r[0].score, 95);
	cr_assert_eq(p.r[1].score, 90);
	cr_assert_eq(p.r[1].distance, 75);
	cr_assert_eq(p.r[1].km, 15);
	cr_assert_eq(p.r[2].score, 75);
	cr_assert_eq(p.r[3].score, 65);

	f.year = YEAR + 2; /* now 18 */
	p = S_for_v(m, 1, &f);
	KEYS(p, "11 12 10 14 13");
	f = S_any();
	f.causes = (uint32_t)1 << S_cause("health");
	KEYS(S_for_v(m, 1, &f), "11");
	f.causes |= (uint32_t)1 << S_cause("education");
	KEYS(S_for_v(m, 1, &f), "11 12 10 13");
	f = S_any();
	f.skills = (uint64_t)1 << S_skill("music"); /* requires or welcomes it */
	KEYS(S_for_v(m, 1, &f), "12");
	f.skills |= (uint64_t)1 << S_skill("teaching");
	KEYS(S_for_v(m, 1, &f), "11 12");
	f = S_any();
	f.languages = S_lang("fr"); /* names French, or no language */
	KEYS(S_for_v(m, 1, &f), "11 10 13");
	f = S_any();
	f.remote = 1;
	KEYS(S_for_v(m, 1, &f), "11");
	f.remote = 0;
	KEYS(S_for_v(m, 1, &f), "12 10 13");
	f = S_any();
	f.max_km = 10; /* 12 is 15 km away */
	KEYS(S_for_v(m, 1, &f), "11 10 13");
	f.max_km = 1000; /* the volunteer's own radius still holds */
	KEYS(S_for_v(m, 1, &f), "11 12 10 13");
	f = S_any();
	f.min_score = 75;
	p = S_for_v(m, 1, &f);
	KEYS(p, "11 12 10");
	cr_assert_eq(p.total, 3, "total counts only what passes min_score");
	f.min_score = 76;
	KEYS(S_for_v(m, 1, &f), "11 12");

	/* a NULL filter: everything, this year by the clock */
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	p = S_for_v(m, 1, NULL);
	cr_assert_eq(p.total, tm.tm_year + 1900 - (YEAR - 16) >= 18 ? 5 : 4);

	gt_error err = {0};
	size_t n, total;
	gt_match_result out[1];
	f = S_any();
	f.remote = 2;
	cr_assert_eq(gt_match_for_volunteer(m, 1, &f, 0, 1, out, &n, &total, &err), GT_EINVAL);
	f = S_any();
	f.min_score = 101;
	cr_assert_eq(gt_match_for_volunteer(m, 1, &f, 0, 1, out, &n, &total, &err), GT_EINVAL);
	gt_match_free(m);
}

Test(engine, filters_for_opportunity)
{
	gt_match *m = S_engine();
	gt_match_opportunity o = S_o(100);
	o.cause = (uint8_t)S_cause("children");
	o.min_age = 18;
	S_o_req(&o, "childcare", 2);
	S_put_o(m, &o);
	gt_match_volunteer v;
	v = S_v(1); /* covered, here */
	S_v_skill(&v, "childcare", 2);
	S_put_v(m, &v);
	v = S_v(2); /* below the level, 8 km east, speaks English too */
	S_v_skill(&v, "childcare", 1);
	S_v_skill(&v, "music", 1);
	v.lon_e6 = LON0 + 84000;
	v.languages |= S_lang("en");
	S_put_v(m, &v);
	v = S_v(3); /* no childcare */
	S_v_skill(&v, "music", 4);
	S_put_v(m, &v);
	v = S_v(4); /* 17 */
	S_v_skill(&v, "childcare", 4);
	v.birth_year = YEAR - 17;
	S_put_v(m, &v);
	v = S_v(5); /* lives 25 km away, travels 30 */
	S_v_skill(&v, "childcare", 3);
	v.lat_e6 = LAT0 - 224800;
	v.radius_km = 30;
	S_put_v(m, &v);
	v = S_v(6); /* covered, but remote only */
	S_v_skill(&v, "childcare", 3);
	v.radius_km = 0;
	S_put_v(m, &v);

	gt_match_filter f = S_any();
	S_page p = S_for_o(m, 100, &f);
	/* 1: 40+20+20+5+10 = 95; 5: distance 58 (25 of 30 km): 40+11.7+20+5+10 = 86.7 -> 87;
	 * 2: skill 50, distance 80: 20+16+20+5+10 = 71 */
	KEYS(p, "1 5 2");
	cr_assert_eq(p.r[1].score, 87);
	cr_assert_eq(p.r[2].score, 71);
	cr_assert_eq(p.r[2].km, 8);
	f.max_km = 10;
	KEYS(S_for_o(m, 100, &f), "1 2");
	f = S_any();
	f.languages = S_lang("en");
	KEYS(S_for_o(m, 100, &f), "2");
	f = S_any();
	f.skills = (uint64_t)1 << S_skill("music");
	KEYS(S_for_o(m, 100, &f), "2");
	f = S_any();
	f.min_score = 80;
	KEYS(S_for_o(m, 100, &f), "1 5");
	f = S_any();
	f.causes = (uint32_t)1 << S_cause("children");
	KEYS(S_for_o(m, 100, &f), "1 5 2");
	f.causes = (uint32_t)1 << S_cause("animals");
	cr_assert_eq(S_for_o(m, 100, &f).total, 0);
	f = S_any();
	f.remote = 1;
	cr_assert_eq(S_for_o(m, 100, &f).total, 0);
	f.remote = 0;
	cr_assert_eq(S_for_o(m, 100, &f).total, 3);
	f = S_any();
	f.year = YEAR + 1; /* 4 turns 18 */
	KEYS(S_for_o(m, 100, &f), "1 4 5 2");

	o.remote = true; /* now volunteer 6 (remote only) and 3's skills matter */
	S_put_o(m, &o);
	f = S_any();
	KEYS(S_for_o(m, 100, &f), "1 5 6 2");
	gt_match_free(m);
}

Test(engine, paging)
{
	gt_match *m = S_engine();
	gt_match_opportunity o = S_o(1);
	o.remote = true;
	S_o_req(&o, "writing", 2);
	S_put_o(m, &o);
	/* 250 volunteers of equal score and 5 better ones, keys put in a
	 * scrambled order */
	for (uint32_t i = 0; i < 255; i++) {
		uint32_t key = 1000 + (i * 97) % 255;
		gt_match_volunteer v = S_v(key);
		S_v_skill(&v, "writing", key % 51 == 0 ? 3 : 1);
		S_put_v(m, &v);
	}
	cr_assert_eq(gt_match_volunteers(m), 255);
	gt_match_filter f = S_any();
	gt_match_result all[300];
	size_t got = 0, total = 0;
	for (size_t off = 0; off < 300; off += 7) {
		size_t n, t;
		gt_error err = {0};
		cr_assert_eq(gt_match_for_opportunity(m, 1, &f, off, 7, all + got, &n, &t, &err),
			     0);
		cr_assert_eq(t, 255);
		cr_assert(n == (off >= 255    ? 0 :
				off + 7 > 255 ? 255 - off :
						7),
			  "n %zu at %zu", n, off);
		got += n;
		total = t;
	}
	cr_assert_eq(got, total);
	/* 1020, 1071, 1122, 1173, 1224 (level 3) first, then the rest by key */
	uint32_t want[255];
	size_t k = 0;
	for (uint32_t key = 1000; key < 1255; key++)
		if (key % 51 == 0)
			want[k++] = key;
	for (uint32_t key = 1000; key < 1255; key++)
		if (key % 51 != 0)
			want[k++] = key;
	for (size_t i = 0; i < 255; i++) {
		cr_assert_eq(all[i].key, want[i], "rank %zu: %u, want %u", i, all[i].key, want[i]);
		cr_assert_eq(all[i].score, i < 5 ? 95 : 75);
	}

	size_t n = 99, t = 99;
	gt_error err = {0};
	gt_match_result out[GT_MATCH_LIMIT_MAX + 1];
	cr_assert_eq(gt_match_for_opportunity(m, 1, &f, 0, 0, out, &n, &t, &err), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(t, 255, "limit 0 still counts");
	cr_assert_eq(gt_match_for_opportunity(m, 1, &f, GT_MATCH_OFFSET_MAX, 1, out, &n, &t, &err),
		     0);
	cr_assert_eq(n, 0);
	n = t = 99;
	cr_assert_eq(
		gt_match_for_opportunity(m, 1, &f, 0, GT_MATCH_LIMIT_MAX + 1, out, &n, &t, &err),
		GT_EINVAL);
	cr_assert_eq(
		gt_match_for_opportunity(m, 1, &f, GT_MATCH_OFFSET_MAX + 1, 1, out, &n, &t, &err),
		GT_EINVAL);
	cr_assert_eq(n, 99, "outputs untouched on failure");
	cr_assert_eq(gt_match_for_opportunity(m, 2, &f, 0, 1, out, &n, &t, &err), GT_ENOTFOUND);
	cr_assert_eq(gt_match_for_volunteer(m, 2, &f, 0, 1, out, &n, &t, &err), GT_ENOTFOUND);
	cr_assert_eq(gt_match_for_volunteer(m, 1000, &f, 0, 1, out, &n, &t, NULL), 0);
	cr_assert_eq(t, 1);
	gt_match_free(m);
}

Test(engine, put_replace_delete)
{
	gt_match *m = S_engine();
	gt_match_filter f = S_any();
	gt_match_opportunity o = S_o(1);
	S_o_req(&o, "cooking", 1);
	S_put_o(m, &o);
	gt_match_volunteer v = S_v(7);
	S_v_skill(&v, "cooking", 1);
	S_put_v(m, &v);
	KEYS(S_for_o(m, 1, &f), "7");

	v.lat_e6 = LAT0 + 1000000; /* moved 111 km north */
	S_put_v(m, &v);
	cr_assert_eq(S_for_o(m, 1, &f).total, 0);
	cr_assert_eq(S_for_v(m, 7, &f).total, 0);
	v.radius_km = 300; /* now travels far enough */
	S_put_v(m, &v);
	KEYS(S_for_o(m, 1, &f), "7");
	KEYS(S_for_v(m, 7, &f), "1");
	v.lat_e6 = LAT0;
	v.radius_km = 20;
	v.skills[0] = (gt_match_skill){S_skill("driving"), 2}; /* other skills */
	S_put_v(m, &v);
	cr_assert_eq(S_for_o(m, 1, &f).total, 0);
	v.skills[0] = (gt_match_skill){S_skill("cooking"), 4};
	S_put_v(m, &v);
	cr_assert_eq(S_for_o(m, 1, &f).r[0].skill, 100);
	v.discoverable = false;
	S_put_v(m, &v);
	cr_assert_eq(S_for_o(m, 1, &f).total, 0);
	KEYS(S_for_v(m, 7, &f), "1");
	v.discoverable = true;
	S_put_v(m, &v);
	cr_assert_eq(gt_match_volunteers(m), 1);

	/* the opportunity: closed, reopened, made remote, moved, deleted */
	o.open = false;
	S_put_o(m, &o);
	cr_assert_eq(S_for_v(m, 7, &f).total, 0);
	cr_assert_eq(S_for_o(m, 1, &f).total, 0);
	o.open = true;
	o.remote = true;
	S_put_o(m, &o);
	v.located = false;
	S_put_v(m, &v);
	KEYS(S_for_v(m, 7, &f), "1");
	KEYS(S_for_o(m, 1, &f), "7");
	o.remote = false;
	S_put_o(m, &o);
	cr_assert_eq(S_for_v(m, 7, &f).total, 0);
	v.located = true;
	S_put_v(m, &v);
	KEYS(S_for_v(m, 7, &f), "1");
	o.nrequired = 0; /* no required skills now */
	S_put_o(m, &o);
	cr_assert_eq(S_for_o(m, 1, &f).r[0].skill, 50);
	cr_assert_eq(gt_match_opportunities(m), 1);

	gt_match_del_opportunity(m, 1);
	gt_match_del_opportunity(m, 1); /* twice: a no-op */
	cr_assert_eq(gt_match_opportunities(m), 0);
	cr_assert_eq(S_for_v(m, 7, &f).total, 0);
	S_put_o(m, &o);
	KEYS(S_for_o(m, 1, &f), "7");
	gt_match_del_volunteer(m, 7);
	gt_match_del_volunteer(m, 8);
	cr_assert_eq(gt_match_volunteers(m), 0);
	cr_assert_eq(S_for_o(m, 1, &f).total, 0);
	size_t n, t;
	gt_match_result out[1];
	cr_assert_eq(gt_match_for_volunteer(m, 7, &f, 0, 1, out, &n, &t, NULL), GT_ENOTFOUND);
	/* slots are reused: a new volunteer where 7 was */
	v.key = 9;
	S_put_v(m, &v);
	KEYS(S_for_o(m, 1, &f), "9");
	cr_assert(gt_match_bytes(m) > 0);
	gt_match_free(m);
}

/* The grid is searched as far as the furthest-travelling volunteer in it:
 * that reach must grow with every put and shrink only when nobody travels
 * that far any more. A lone volunteer 20 km away who travels 25 km is
 * found whatever others there are. */
Test(engine, grid_reach_follows_radii)
{
	gt_match *m = S_engine();
	gt_match_filter f = S_any();
	gt_match_opportunity o = S_o(1);
	S_put_o(m, &o);
	/* volunteers in a hundred cells elsewhere, so that the grid is not so
	 * small that a query reads all of it */
	for (uint32_t i = 0; i < 100; i++) {
		gt_match_volunteer w = S_v(1000 + i);
		w.lat_e6 = -LAT0 + (int32_t)i * 200000;
		w.radius_km = 1;
		S_put_v(m, &w);
	}
	gt_match_volunteer v = S_v(5);
	v.lat_e6 = LAT0 + 179800; /* 20 km north */
	v.radius_km = 25;
	S_put_v(m, &v);
	KEYS(S_for_o(m, 1, &f), "5");
	gt_match_del_volunteer(m, 5);
	gt_match_volunteer near = S_v(6);
	near.radius_km = 1;
	S_put_v(m, &near);
	KEYS(S_for_o(m, 1, &f), "6");
	v.key = 7;
	v.radius_km = 21;
	S_put_v(m, &v);
	KEYS(S_for_o(m, 1, &f), "6 7");
	v.radius_km = 19;
	S_put_v(m, &v);
	KEYS(S_for_o(m, 1, &f), "6");
	v.radius_km = 21;
	S_put_v(m, &v);
	KEYS(S_for_o(m, 1, &f), "6 7");
	f.max_km = 19;
	KEYS(S_for_o(m, 1, &f), "6");
	gt_match_free(m);
}

/* Keys come and go in every pattern: the key map (open addressing, runs
 * shifted back on removal, also across the end of the table) must find
 * exactly the keys put and not deleted. Random keys: consecutive ones
 * spread so evenly that runs hardly form. */
Test(engine, key_map_churn, .timeout = 300)
{
	enum {
		KEYS_N = 4000
	};
	static bool vin[KEYS_N], oin[KEYS_N];
	static uint32_t pool[KEYS_N];
	for (uint32_t k = 0; k < KEYS_N; k++)
		pool[k] = (uint32_t)tu_mix(k);
	gt_match *m = S_engine();
	uint64_t rs = 3;
	gt_match_filter f = S_any();
	for (int it = 0; it < 60000; it++) {
		uint32_t i = (uint32_t)tu_between(&rs, 0, KEYS_N - 1), key = pool[i];
		bool put = tu_between(&rs, 0, 1);
		if (it % 2) {
			if (put) {
				gt_match_volunteer v = S_v(key);
				v.located = false;
				S_put_v(m, &v);
			} else {
				gt_match_del_volunteer(m, key);
			}
			vin[i] = put;
		} else {
			if (put) {
				gt_match_opportunity o = S_o(key);
				o.remote = true;
				o.open = false; /* no query result to compute */
				S_put_o(m, &o);
			} else {
				gt_match_del_opportunity(m, key);
			}
			oin[i] = put;
		}
		uint32_t probe = (uint32_t)tu_between(&rs, 0, KEYS_N - 1);
		size_t n, t;
		gt_match_result out[1];
		int r = gt_match_for_volunteer(m, pool[probe], &f, 0, 1, out, &n, &t, NULL);
		CHECK(r == (vin[probe] ? 0 : GT_ENOTFOUND), "volunteer %u: %d", pool[probe], r);
		r = gt_match_for_opportunity(m, pool[probe], &f, 0, 1, out, &n, &t, NULL);
		CHECK(r == (oin[probe] ? 0 : GT_ENOTFOUND), "opportunity %u: %d", pool[probe], r);
	}
	size_t nv = 0, no = 0;
	for (uint32_t k = 0; k < KEYS_N; k++) {
		size_t n, t;
		gt_match_result out[1];
		nv += vin[k];
		no += oin[k];
		CHECK(gt_match_for_volunteer(m, pool[k], &f, 0, 1, out, &n, &t, NULL) ==
			      (vin[k] ? 0 : GT_ENOTFOUND),
		      "volunteer %u", k);
		CHECK(gt_match_for_opportunity(m, pool[k], &f, 0, 1, out, &n, &t, NULL) ==
			      (oin[k] ? 0 : GT_ENOTFOUND),
		      "opportunity %u", k);
	}
	cr_assert_eq(gt_match_volunteers(m), nv);
	cr_assert_eq(gt_match_opportunities(m), no);
	gt_match_free(m);
}

/* ---- randomized: the engine against a scan of all pairs ------------------------------------ */

#define R_VOLS 3000
#define R_OPPS 900

typedef struct S_world {
	gt_match_volunteer v[R_VOLS];
	bool vin[R_VOLS];
	gt_match_opportunity o[R_OPPS];
	bool oin[R_OPPS];
} S_world;

/* Places clustered where pruning has edges to get wrong: two cities, the
 * antimeridian, near the north pole, and anywhere at all. */
static void S_rand_place(uint64_t *rs, int32_t *lat, int32_t *lon)
{
	static const int32_t centre[4][2] = {{31230400, 121473700},
					     {39904200, 116407400},
					     {-16500000, 179950000},
					     {89600000, 0}};
	int c = (int)tu_between(rs, 0, 4);
	if (c == 4) {
		*lat = (int32_t)tu_between(rs, 0, 180000000) - 90000000;
		*lon = (int32_t)tu_between(rs, 0, 360000000) - 180000000;
		return;
	}
	int64_t spread = tu_between(rs, 0, 3) == 0 ? 2000000 : 400000; /* 220 km or 44 km */
	int64_t la = centre[c][0] + (int64_t)tu_between(rs, 0, 2 * spread) - spread;
	int64_t lo = centre[c][1] + (int64_t)tu_between(rs, 0, 2 * spread) - spread;
	if (la > 90000000)
		la = 180000000 - la;
	if (lo > 180000000)
		lo -= 360000000;
	*lat = (int32_t)la;
	*lon = (int32_t)lo;
}

/* Skills from a dozen, so that lists overlap. */
static void S_rand_skills(uint64_t *rs, gt_match_skill *out, uint8_t *n, unsigned max)
{
	unsigned want = (unsigned)tu_between(rs, 0, max);
	uint64_t used = 0;
	*n = 0;
	for (unsigned i = 0; i < want; i++) {
		unsigned s = (unsigned)tu_between(rs, 0, 11);
		if (used >> s & 1)
			continue;
		used |= (uint64_t)1 << s;
		out[(*n)++] = (gt_match_skill){(uint8_t)s, (uint8_t)tu_between(rs, 1, 4)};
	}
}

static void S_rand_hours(uint64_t *rs, uint64_t h[3], int blocks)
{
	memset(h, 0, 3 * sizeof(uint64_t));
	for (int b = 0; b < blocks; b++) {
		int from = (int)tu_between(rs, 0, GT_MATCH_HOURS - 1);
		int len = (int)tu_between(rs, 1, 12);
		S_hours(h, from, from + len > GT_MATCH_HOURS ? GT_MATCH_HOURS : from + len);
	}
}

static gt_match_volunteer S_rand_v(uint64_t *rs, uint32_t key)
{
	gt_match_volunteer v = {.key = key};
	S_rand_skills(rs, v.skills, &v.nskills, 6);
	v.located = tu_between(rs, 0, 9) != 0;
	S_rand_place(rs, &v.lat_e6, &v.lon_e6);
	static const uint16_t radii[] = {0, 5, 10, 20, 35, 50, 80, 150, 199, 200, 201, 600, 3000};
	v.radius_km = radii[tu_between(rs, 0, sizeof(radii) / sizeof(radii[0]) - 1)];
	S_rand_hours(rs, v.avail, (int)tu_between(rs, 0, 5));
	v.languages = (uint32_t)tu_between(rs, 0, 15);
	v.causes = tu_between(rs, 0, 2) ? 0 : (uint32_t)tu_between(rs, 1, 63);
	v.birth_year = tu_between(rs, 0, 3) ? 0 : (uint16_t)tu_between(rs, YEAR - 70, YEAR - 10);
	v.discoverable = tu_between(rs, 0, 6) != 0;
	return v;
}

static gt_match_opportunity S_rand_o(uint64_t *rs, uint32_t key)
{
	gt_match_opportunity o = {.key = key};
	S_rand_skills(rs, o.required, &o.nrequired, tu_between(rs, 0, 4) ? 3 : 0);
	o.welcome = tu_between(rs, 0, 1) ? 0 : tu_between(rs, 0, 0xfff);
	o.remote = tu_between(rs, 0, 2) == 0;
	S_rand_place(rs, &o.lat_e6, &o.lon_e6);
	S_rand_hours(rs, o.slot_hours, tu_between(rs, 0, 3) ? (int)tu_between(rs, 1, 4) : 0);
	o.languages = tu_between(rs, 0, 1) ? 0 : (uint32_t)tu_between(rs, 1, 15);
	o.cause = (uint8_t)tu_between(rs, 0, 5);
	static const uint8_t ages[] = {0, 0, 0, 16, 18, 30};
	o.min_age = ages[tu_between(rs, 0, 5)];
	o.open = tu_between(rs, 0, 9) != 0;
	return o;
}

static gt_match_filter S_rand_filter(uint64_t *rs)
{
	gt_match_filter f = S_any();
	if (tu_between(rs, 0, 3) == 0)
		f.causes = (uint32_t)tu_between(rs, 1, 63);
	if (tu_between(rs, 0, 3) == 0)
		f.skills = tu_between(rs, 1, 0xfff);
	if (tu_between(rs, 0, 3) == 0)
		f.languages = (uint32_t)tu_between(rs, 1, 15);
	if (tu_between(rs, 0, 3) == 0)
		f.remote = (int)tu_between(rs, 0, 1);
	if (tu_between(rs, 0, 3) == 0)
		f.max_km = (uint32_t)tu_between(rs, 1, 400);
	if (tu_between(rs, 0, 3) == 0)
		f.min_score = (int)tu_between(rs, 0, 100);
	if (tu_between(rs, 0, 5) == 0)
		f.year = YEAR - 5;
	return f;
}

/* The filters and rules of match.h, written out plainly for one pair. */
static bool S_naive_pair(const gt_match_volunteer *v, const gt_match_opportunity *o,
			 const gt_match_filter *f, bool candidates, gt_match_result *r)
{
	if (!gt_match_score(v, o, f->year, r))
		return false;
	if (candidates && !v->discoverable)
		return false;
	if (f->causes && !(f->causes >> o->cause & 1))
		return false;
	uint64_t req = 0;
	for (int i = 0; i < o->nrequired; i++)
		req |= (uint64_t)1 << o->required[i].skill;
	uint64_t held = 0;
	for (int i = 0; i < v->nskills; i++)
		held |= (uint64_t)1 << v->skills[i].skill;
	if (f->skills && !(candidates ? held & f->skills : (req | o->welcome) & f->skills))
		return false;
	if (f->languages && !(candidates ? v->languages & f->languages :
					   !o->languages || (o->languages & f->languages)))
		return false;
	if ((f->remote == 0 && o->remote) || (f->remote == 1 && !o->remote))
		return false;
	if (!o->remote && f->max_km &&
	    gt_match_km(v->lat_e6, v->lon_e6, o->lat_e6, o->lon_e6) > f->max_km)
		return false;
	if (r->score < f->min_score)
		return false;
	r->key = candidates ? v->key : o->key;
	return true;
}

static int S_result_cmp(const void *a, const void *b)
{
	const gt_match_result *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static bool S_result_eq(const gt_match_result *a, const gt_match_result *b)
{
	return a->key == b->key && a->score == b->score && a->skill == b->skill &&
	       a->distance == b->distance && a->availability == b->availability &&
	       a->cause == b->cause && a->language == b->language && a->required == b->required &&
	       a->covered == b->covered && a->below_level == b->below_level &&
	       a->welcome_held == b->welcome_held && a->km == b->km &&
	       a->fit_hours == b->fit_hours && a->slot_hours == b->slot_hours;
}

/* All pages of one query, with random page sizes. */
static size_t S_all_pages(gt_match *m, bool candidates, uint32_t key, const gt_match_filter *f,
			  uint64_t *rs, gt_match_result *all, size_t max)
{
	size_t got = 0, total = 0;
	size_t limit = (size_t)tu_between(rs, 1, GT_MATCH_LIMIT_MAX);
	for (size_t off = 0;; off += limit) {
		size_t n, t;
		gt_error err = {0};
		int r = candidates ? gt_match_for_opportunity(m, key, f, off, limit, all + got, &n,
							      &t, &err) :
				     gt_match_for_volunteer(m, key, f, off, limit, all + got, &n,
							    &t, &err);
		CHECK(r == 0, "query: %s", err.msg);
		CHECK(off == 0 || t == total, "the total changed between pages");
		total = t;
		got += n;
		CHECK(got <= max, "more results than records");
		if (n < limit)
			break;
	}
	CHECK(got == total, "%zu results in the pages, total %zu", got, total);
	return got;
}

static void S_compare(gt_match *m, S_world *w, uint64_t *rs, bool candidates, size_t *nonempty)
{
	static gt_match_result want[R_VOLS], got[R_VOLS];
	gt_match_filter f = S_rand_filter(rs);
	size_t n = 0;
	uint32_t key;
	if (candidates) {
		int i = (int)tu_between(rs, 0, R_OPPS - 1);
		if (!w->oin[i])
			return;
		key = w->o[i].key;
		for (int j = 0; j < R_VOLS; j++)
			if (w->vin[j] && S_naive_pair(&w->v[j], &w->o[i], &f, true, &want[n]))
				n++;
	} else {
		int i = (int)tu_between(rs, 0, R_VOLS - 1);
		if (!w->vin[i])
			return;
		key = w->v[i].key;
		for (int j = 0; j < R_OPPS; j++)
			if (w->oin[j] && S_naive_pair(&w->v[i], &w->o[j], &f, false, &want[n]))
				n++;
	}
	qsort(want, n, sizeof(want[0]), S_result_cmp);
	size_t k = S_all_pages(m, candidates, key, &f, rs, got, R_VOLS);
	CHECK(k == n, "%s %u: %zu results, a scan finds %zu",
	      candidates ? "opportunity" : "volunteer", key, k, n);
	for (size_t i = 0; i < n; i++)
		CHECK(S_result_eq(&got[i], &want[i]),
		      "%s %u, rank %zu: key %u score %d km %d, a scan gives key %u score %d km %d",
		      candidates ? "opportunity" : "volunteer", key, i, got[i].key, got[i].score,
		      got[i].km, want[i].key, want[i].score, want[i].km);
	*nonempty += n > 0;
}

/* Change a few records: new ones, replaced ones, deleted ones. */
static void S_churn(gt_match *m, S_world *w, uint64_t *rs, int changes)
{
	for (int c = 0; c < changes; c++) {
		if (tu_between(rs, 0, 2)) {
			int i = (int)tu_between(rs, 0, R_VOLS - 1);
			if (w->vin[i] && tu_between(rs, 0, 2) == 0) {
				gt_match_del_volunteer(m, w->v[i].key);
				w->vin[i] = false;
			} else {
				w->v[i] = S_rand_v(rs, w->v[i].key);
				S_put_v(m, &w->v[i]);
				w->vin[i] = true;
			}
		} else {
			int i = (int)tu_between(rs, 0, R_OPPS - 1);
			if (w->oin[i] && tu_between(rs, 0, 2) == 0) {
				gt_match_del_opportunity(m, w->o[i].key);
				w->oin[i] = false;
			} else {
				w->o[i] = S_rand_o(rs, w->o[i].key);
				S_put_o(m, &w->o[i]);
				w->oin[i] = true;
			}
		}
	}
}

Test(random, engine_equals_scan_of_all_pairs, .timeout = 600)
{
	static S_world w;
	uint64_t rs = 20261123;
	gt_match *m = S_engine();
	for (int i = 0; i < R_VOLS; i++) {
		/* keys far apart and unordered, to exercise the key map */
		w.v[i] = S_rand_v(&rs, (uint32_t)tu_mix((uint64_t)i) | 1);
		w.vin[i] = tu_between(&rs, 0, 9) != 0;
		if (w.vin[i])
			S_put_v(m, &w.v[i]);
	}
	for (int i = 0; i < R_OPPS; i++) {
		w.o[i] = S_rand_o(&rs, (uint32_t)i * 7919u + 3);
		w.oin[i] = tu_between(&rs, 0, 9) != 0;
		if (w.oin[i])
			S_put_o(m, &w.o[i]);
	}
	size_t nonempty_o = 0, nonempty_v = 0;
	for (int round = 0; round < 40; round++) {
		for (int q = 0; q < 25; q++) {
			S_compare(m, &w, &rs, true, &nonempty_o);
			S_compare(m, &w, &rs, false, &nonempty_v);
		}
		S_churn(m, &w, &rs, 150);
		size_t nv = 0, no = 0;
		for (int i = 0; i < R_VOLS; i++)
			nv += w.vin[i];
		for (int i = 0; i < R_OPPS; i++)
			no += w.oin[i];
		CHECK(gt_match_volunteers(m) == nv && gt_match_opportunities(m) == no,
		      "counts %zu %zu, want %zu %zu", gt_match_volunteers(m),
		      gt_match_opportunities(m), nv, no);
	}
	/* the comparison means something only if queries find things */
	cr_assert(nonempty_o > 300 && nonempty_v > 300, "non-empty results: %zu, %zu", nonempty_o,
		  nonempty_v);
	gt_match_free(m);
}

/* The engine's choice of source in candidate queries, on a world where
 * each source wins: many volunteers in one city holding one rare skill, so
 * the grid, the posting lists and the full scan each get picked. */
Test(random, every_source_of_candidates, .timeout = 600)
{
	static S_world w;
	uint64_t rs = 77;
	gt_match *m = S_engine();
	for (int i = 0; i < R_VOLS; i++) {
		gt_match_volunteer v = S_rand_v(&rs, (uint32_t)i + 1);
		v.located = true;
		v.lat_e6 = LAT0 + (int32_t)tu_between(&rs, 0, 200000);
		v.lon_e6 = LON0 + (int32_t)tu_between(&rs, 0, 200000);
		if (i % 100 == 0)
			v.skills[v.nskills < GT_MATCH_SKILLS ? v.nskills++ : 0] =
				(gt_match_skill){40, 2};
		w.v[i] = v;
		w.vin[i] = true;
		S_put_v(m, &v);
	}
	for (int i = 0; i < R_OPPS; i++) {
		gt_match_opportunity o = S_rand_o(&rs, (uint32_t)i + 1);
		o.open = true;
		if (i % 3 == 0) { /* requires the rare skill */
			o.nrequired = 1;
			o.required[0] = (gt_match_skill){40, 1};
		}
		if (i % 3 == 1) { /* in person far away: the grid is empty there */
			o.remote = false;
			o.lat_e6 = -LAT0;
		}
		if (i % 3 == 2) { /* remote, no required skills: every volunteer */
			o.remote = true;
			o.nrequired = 0;
		}
		w.o[i] = o;
		w.oin[i] = true;
		S_put_o(m, &o);
	}
	size_t nonempty = 0;
	for (int q = 0; q < 300; q++)
		S_compare(m, &w, &rs, true, &nonempty);
	cr_assert(nonempty > 50, "%zu", nonempty);
	gt_match_free(m);
}

/* ---- threads ------------------------------------------------------------------------------ */

/* Stable records never change; churn records flip between two versions
 * (or are absent). A reader's result for a churn key must be exactly one
 * version's score: never a mix of two records, never a record half
 * written. */
#define T_STABLE_V 1500
#define T_CHURN_V 300
#define T_STABLE_O 200
#define T_CHURN_O 60
#define T_READERS 3

typedef struct S_race {
	gt_match *m;
	gt_match_volunteer v[T_STABLE_V + T_CHURN_V][2];
	gt_match_opportunity o[T_STABLE_O + T_CHURN_O][2];
	/* how many stable records each stable query finds at least, and at most
	 * with the churn records in whichever version matches */
	size_t lo_o[T_STABLE_O], hi_o[T_STABLE_O], lo_v[T_STABLE_V], hi_v[T_STABLE_V];
	atomic_int stop;
	int failures;
	char msg[256];
	pthread_mutex_t mu;
} S_race;

static void S_race_fail(S_race *r, const char *msg, uint32_t key)
{
	pthread_mutex_lock(&r->mu);
	if (!r->failures++)
		snprintf(r->msg, sizeof(r->msg), "%s (key %u)", msg, key);
	pthread_mutex_unlock(&r->mu);
}

/* Whether res is what volunteer vi and opportunity oi give in one of
 * their versions. */
static bool S_race_ok(S_race *r, int vi, int oi, const gt_match_result *res)
{
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++) {
			gt_match_result want;
			if (gt_match_score(&r->v[vi][a], &r->o[oi][b], YEAR, &want)) {
				want.key = res->key;
				if (S_result_eq(&want, res))
					return true;
			}
		}
	return false;
}

static void *S_reader(void *arg)
{
	S_race *r = arg;
	uint64_t rs = (uint64_t)(uintptr_t)&rs;
	gt_match_filter f = S_any();
	gt_match_result out[GT_MATCH_LIMIT_MAX];
	while (!r->stop) {
		size_t n, total;
		bool cand = tu_between(&rs, 0, 1);
		int i = cand ? (int)tu_between(&rs, 0, T_STABLE_O - 1) :
			       (int)tu_between(&rs, 0, T_STABLE_V - 1);
		uint32_t key = cand ? r->o[i][0].key : r->v[i][0].key;
		int e = cand ? gt_match_for_opportunity(r->m, key, &f, 0, GT_MATCH_LIMIT_MAX, out,
							&n, &total, NULL) :
			       gt_match_for_volunteer(r->m, key, &f, 0, GT_MATCH_LIMIT_MAX, out, &n,
						      &total, NULL);
		if (e != 0) {
			S_race_fail(r, "a stable record's query failed", key);
			continue;
		}
		size_t lo = cand ? r->lo_o[i] : r->lo_v[i], hi = cand ? r->hi_o[i] : r->hi_v[i];
		if (total < lo || total > hi)
			S_race_fail(r, "a total no state of the churn gives", key);
		for (size_t k = 0; k < n; k++) {
			if (k && S_result_cmp(&out[k - 1], &out[k]) >= 0)
				S_race_fail(r, "results out of order", key);
			/* keys are index + 1 */
			int other = (int)out[k].key - 1;
			if (cand ? !S_race_ok(r, other, i, &out[k]) :
				   !S_race_ok(r, i, other, &out[k]))
				S_race_fail(r, "a result no version gives", out[k].key);
		}
	}
	return NULL;
}

static void *S_writer(void *arg)
{
	S_race *r = arg;
	uint64_t rs = 99;
	for (int it = 0; it < 20000; it++) {
		if (tu_between(&rs, 0, 1)) {
			int i = T_STABLE_V + (int)tu_between(&rs, 0, T_CHURN_V - 1);
			int c = (int)tu_between(&rs, 0, 2);
			if (c == 2)
				gt_match_del_volunteer(r->m, r->v[i][0].key);
			else if (gt_match_put_volunteer(r->m, &r->v[i][c], NULL) != 0)
				S_race_fail(r, "put failed", r->v[i][c].key);
		} else {
			int i = T_STABLE_O + (int)tu_between(&rs, 0, T_CHURN_O - 1);
			int c = (int)tu_between(&rs, 0, 2);
			if (c == 2)
				gt_match_del_opportunity(r->m, r->o[i][0].key);
			else if (gt_match_put_opportunity(r->m, &r->o[i][c], NULL) != 0)
				S_race_fail(r, "put failed", r->o[i][c].key);
		}
	}
	r->stop = 1;
	return NULL;
}

Test(threads, queries_race_updates, .timeout = 600)
{
	static S_race r;
	uint64_t rs = 5;
	r.m = S_engine();
	pthread_mutex_init(&r.mu, NULL);
	/* one city, so that results are full pages; stable records have two
	 * equal versions */
	for (int i = 0; i < T_STABLE_V + T_CHURN_V; i++) {
		for (int c = 0; c < 2; c++) {
			gt_match_volunteer v = S_rand_v(&rs, (uint32_t)i + 1);
			v.located = true;
			v.discoverable = true;
			v.lat_e6 = LAT0 + (int32_t)tu_between(&rs, 0, 100000);
			v.lon_e6 = LON0;
			v.radius_km = 50;
			r.v[i][c] = v;
		}
		if (i < T_STABLE_V)
			r.v[i][1] = r.v[i][0];
	}
	for (int i = 0; i < T_STABLE_O + T_CHURN_O; i++) {
		for (int c = 0; c < 2; c++) {
			gt_match_opportunity o = S_rand_o(&rs, (uint32_t)i + 1);
			o.open = true;
			o.lat_e6 = LAT0;
			o.lon_e6 = LON0;
			r.o[i][c] = o;
		}
		if (i < T_STABLE_O)
			r.o[i][1] = r.o[i][0];
	}
	for (int i = 0; i < T_STABLE_O; i++)
		for (int j = 0; j < T_STABLE_V + T_CHURN_V; j++) {
			bool a = gt_match_score(&r.v[j][0], &r.o[i][0], YEAR, NULL);
			bool b = gt_match_score(&r.v[j][1], &r.o[i][0], YEAR, NULL);
			r.lo_o[i] += j < T_STABLE_V && a;
			r.hi_o[i] += a || b;
		}
	for (int i = 0; i < T_STABLE_V; i++)
		for (int j = 0; j < T_STABLE_O + T_CHURN_O; j++) {
			bool a = gt_match_score(&r.v[i][0], &r.o[j][0], YEAR, NULL);
			bool b = gt_match_score(&r.v[i][0], &r.o[j][1], YEAR, NULL);
			r.lo_v[i] += j < T_STABLE_O && a;
			r.hi_v[i] += a || b;
		}
	for (int i = 0; i < T_STABLE_V; i++)
		S_put_v(r.m, &r.v[i][0]);
	for (int i = 0; i < T_STABLE_O; i++)
		S_put_o(r.m, &r.o[i][0]);
	pthread_t th[T_READERS + 1];
	for (int i = 0; i < T_READERS; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, S_reader, &r), 0);
	cr_assert_eq(pthread_create(&th[T_READERS], NULL, S_writer, &r), 0);
	for (int i = 0; i <= T_READERS; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(r.failures, 0, "%d failures; the first: %s", r.failures, r.msg);
	cr_assert_eq(gt_match_volunteers(r.m) >= T_STABLE_V, true);
	gt_match_free(r.m);
	pthread_mutex_destroy(&r.mu);
}
