/* Unit tests for src/green: the programme's days, the rule table, and the
 * energy book through a real ledger over a real log and SQLite store with a
 * clock the tests move: caps, duplicates, next-day energy and its expiry,
 * reloading after a restart, and a randomized comparison with a plain model
 * of the rules. */
#include <criterion/criterion.h>

#include "auth/auth.h"
#include "core/time.h"
#include "give/give.h"
#include "green/green_int.h"
#include "ledger/ledger.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN "example.com/goodtrace-green-test"
#define DAY_MS 86400000LL

/* ---- days ------------------------------------------------------------------------------ */

static int64_t S_ms(const char *rfc3339)
{
	int64_t ms;
	cr_assert_eq(gt_time_parse(rfc3339, &ms), 0, "%s", rfc3339);
	return ms;
}

Test(green_days, days_are_china_standard_time)
{
	char t[11];
	gt_green_day_text(gt_green_day(S_ms("2026-11-21T16:00:00.000Z")), t);
	cr_assert_str_eq(t, "2026-11-22");
	gt_green_day_text(gt_green_day(S_ms("2026-11-21T15:59:59.999Z")), t);
	cr_assert_str_eq(t, "2026-11-21");
	gt_green_day_text(gt_green_day(S_ms("1970-01-01T00:00:00Z")), t);
	cr_assert_str_eq(t, "1970-01-01");
	cr_assert_eq(gt_green_day_start(gt_green_day_parse("2026-11-22")),
		     S_ms("2026-11-21T16:00:00Z"));
	cr_assert_eq(gt_green_day_parse("1970-01-02"), 1);
	cr_assert_eq(gt_green_day_parse("2028-02-29") + 1, gt_green_day_parse("2028-03-01"));
	static const char *const bad[] = {"2027-02-29", "2026-13-01", "2026-00-10", "2026-11-31",
					  "2026-1-01",	"2026/11/01", "",	    "20261101",
					  "1969-12-31", "2026-11-2x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(gt_green_day_parse(bad[i]), -1, "%s", bad[i]);
	cr_assert_eq(gt_green_day_parse(NULL), -1);
	/* Months, and the day each starts on. */
	cr_assert_eq(gt_green_month(gt_green_day_parse("2027-01-31")), 2027 * 12);
	cr_assert_eq(gt_green_month(gt_green_day_parse("2027-02-01")), 2027 * 12 + 1);
	cr_assert_eq(gt_green_month_start(2027 * 12 - 1), gt_green_day_parse("2026-12-01"));
	/* Anniversaries are calendar ones; 29 February falls back to the 28th. */
	cr_assert_eq(gt_green_add_years(gt_green_day_parse("2027-03-10"), 1),
		     gt_green_day_parse("2028-03-10"));
	cr_assert_eq(gt_green_add_years(gt_green_day_parse("2028-02-29"), 1),
		     gt_green_day_parse("2029-02-28"));
	cr_assert_eq(gt_green_add_years(gt_green_day_parse("2028-02-29"), 4),
		     gt_green_day_parse("2032-02-29"));
	/* Every day of 400 years (a whole Gregorian cycle) goes there and back. */
	for (int32_t d = 0; d < 146097; d++) {
		gt_green_day_text(d, t);
		CHECK(gt_green_day_parse(t) == d, "day %d: %s", d, t);
		CHECK(gt_green_day(gt_green_day_start(d)) == d &&
			      gt_green_day(gt_green_day_start(d) - 1) == d - 1,
		      "day %d starts", d);
	}
}

Test(green_rules, defaults_sorted_and_floored)
{
	gt_green_rule rules[GT_GREEN_KINDS_MAX];
	size_t n;
	tu_svc svc;
	tu_svc_init(&svc, "green-rules", ORIGIN);
	gt_error err = {0};
	cr_assert_eq(gt_green_rules_load(gt_store_writer(svc.store), rules, &n, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(n, 7);
	for (size_t i = 1; i < n; i++)
		cr_assert_lt(strcmp(rules[i - 1].kind, rules[i].kind), 0);
	const gt_green_rule *walk = gt_green_rule_find(rules, n, "walk");
	cr_assert_not_null(walk);
	cr_assert_eq(gt_green_rule_grams(walk, 59), 0);
	cr_assert_eq(gt_green_rule_grams(walk, 60), 1);
	cr_assert_eq(gt_green_rule_grams(walk, 17760), 296);
	cr_assert_eq(walk->daily_cap, 296);
	cr_assert_eq(walk->idx, -1);
	cr_assert_eq(gt_green_rule_grams(gt_green_rule_find(rules, n, "metro"), 3), 156);
	cr_assert_null(gt_green_rule_find(rules, n, "fly"));
	cr_assert_null(gt_green_rule_find(rules, n, NULL));
	tu_svc_done(&svc);
}

/* ---- through the ledger ------------------------------------------------------------------ */

typedef struct {
	tu_svc svc;
	gt_ledger *ledger;
	int64_t now; /* the ledger's clock */
	char user[3][GT_PSEUDO_LEN + 1];
	char uid[3][32];
} S_env;

static const gt_module *const S_modules[] = {&gt_auth_module, &gt_give_module, &gt_green_module};

static int64_t S_clock(void *arg)
{
	return ((S_env *)arg)->now;
}

static void S_open(S_env *e)
{
	gt_ledger_options o = {.log = e->svc.log,
			       .store = e->svc.store,
			       .secret = e->svc.secret,
			       .modules = S_modules,
			       .nmodules = 3,
			       .clock = S_clock,
			       .clock_arg = e};
	gt_error err = {0};
	cr_assert_eq(gt_ledger_open(&o, &e->ledger, &err), 0, "%s", err.msg);
}

static json_t *S_call(S_env *e, const char *type, const char *org, const char *role, json_t *in,
		      int want)
{
	gt_ledger_result res;
	char *text = json_dumps(in, JSON_COMPACT);
	int rc = gt_ledger_call(e->ledger, type, org, role, in, &res);
	cr_assert_eq(rc, want, "%s %s: %d %s", type, text, rc, res.msg);
	free(text);
	return res.reply;
}

static void S_env_init(S_env *e, const char *name)
{
	memset(e, 0, sizeof(*e));
	tu_svc_init(&e->svc, name, ORIGIN);
	e->now = S_ms("2027-01-30T02:00:00Z"); /* 10:00 on 2027-01-30 in China */
	S_open(e);
	json_decref(S_call(e, "auth.org", NULL, "admin",
			   tu_json("{\"id\":\"app\",\"name\":\"App\",\"roles\":[\"app\"]}"), 0));
	for (int i = 0; i < 3; i++) {
		json_t *u = S_call(e, "green.user.register", NULL, NULL, json_object(), 0);
		snprintf(e->user[i], sizeof(e->user[i]), "%s",
			 json_string_value(json_object_get(u, "ref")));
		snprintf(e->uid[i], sizeof(e->uid[i]), "%s",
			 json_string_value(json_object_get(u, "id")));
		json_decref(u);
	}
}

static void S_env_done(S_env *e)
{
	gt_ledger_free(e->ledger);
	tu_svc_done(&e->svc);
}

/* Report one action; its result. */
static json_t *S_report(S_env *e, const char *id, int user, const char *kind, int64_t quantity,
			const char *day)
{
	json_t *a = json_pack("{s:s, s:s, s:s, s:I}", "id", id, "user", e->user[user], "kind", kind,
			      "quantity", (json_int_t)quantity);
	if (day)
		json_object_set_new(a, "day", json_string(day));
	json_t *r = S_call(e, "green.actions", "app", "app", json_pack("{s:[o]}", "actions", a), 0);
	json_t *res = json_incref(json_array_get(json_object_get(r, "results"), 0));
	json_decref(r);
	return res;
}

static void S_expect(json_t *res, const char *status, int64_t grams, const char *code)
{
	char *text = json_dumps(res, JSON_COMPACT);
	cr_assert_str_eq(json_string_value(json_object_get(res, "status")), status, "%s", text);
	cr_assert_eq(json_integer_value(json_object_get(res, "grams")), grams, "%s", text);
	if (code)
		cr_assert_str_eq(json_string_value(json_object_get(res, "code")), code, "%s", text);
	free(text);
	json_decref(res);
}

Test(green_book, caps_duplicates_and_days, .timeout = 120)
{
	S_env e;
	S_env_init(&e, "green-caps");
	S_expect(S_report(&e, "w1", 0, "walk", 12000, NULL), "credited", 200, NULL);
	S_expect(S_report(&e, "w1", 0, "walk", 12000, NULL), "refused", 0, "duplicate");
	S_expect(S_report(&e, "w2", 0, "walk", 12000, NULL), "capped", 96, "daily-cap");
	S_expect(S_report(&e, "w3", 0, "walk", 60, NULL), "refused", 0, "daily-cap");
	/* Yesterday has its own cap; the day before is too late; tomorrow is the future. */
	S_expect(S_report(&e, "w4", 0, "walk", 6000, "2027-01-29"), "credited", 100, NULL);
	S_expect(S_report(&e, "w5", 0, "walk", 6000, "2027-01-28"), "refused", 0, "too-late");
	S_expect(S_report(&e, "w6", 0, "walk", 6000, "2027-01-31"), "refused", 0, "future");
	S_expect(S_report(&e, "w7", 1, "walk", 59, NULL), "refused", 0, "too-small");
	S_expect(S_report(&e, "w8", 1, "fly", 5, NULL), "refused", 0, "unknown-kind");
	/* Another user has their own cap. */
	S_expect(S_report(&e, "w9", 1, "walk", 30000, NULL), "capped", 296, "daily-cap");

	/* The month: a small rule, crossed over two days, then a new month. */
	json_decref(S_call(&e, "green.rule", "operator", "admin",
			   tu_json("{\"kind\":\"metro\",\"unit\":\"rides\",\"grams\":50,\"per\":1,"
				   "\"daily_cap\":100,\"monthly_cap\":150}"),
			   0));
	S_expect(S_report(&e, "m1", 2, "metro", 2, "2027-01-29"), "credited", 100, NULL);
	S_expect(S_report(&e, "m2", 2, "metro", 2, NULL), "capped", 50, "monthly-cap");
	S_expect(S_report(&e, "m3", 2, "metro", 1, NULL), "refused", 0, "monthly-cap");
	e.now += 2 * DAY_MS; /* 2027-02-01 */
	S_expect(S_report(&e, "m4", 2, "metro", 1, NULL), "credited", 50, NULL);
	/* Yesterday (still January) stays capped. */
	S_expect(S_report(&e, "m5", 2, "metro", 1, "2027-01-31"), "refused", 0, "monthly-cap");
	/* An id is still a duplicate days later, and after a restart. */
	S_expect(S_report(&e, "w1", 1, "walk", 600, NULL), "refused", 0, "duplicate");
	gt_ledger_free(e.ledger);
	S_open(&e);
	S_expect(S_report(&e, "w1", 1, "walk", 600, NULL), "refused", 0, "duplicate");
	S_expect(S_report(&e, "m6", 2, "metro", 2, NULL), "capped", 50, "daily-cap");
	/* An inactive rule refuses its kind. */
	json_decref(S_call(&e, "green.rule", "operator", "admin",
			   tu_json("{\"kind\":\"bus\",\"unit\":\"rides\",\"grams\":80,\"per\":1,"
				   "\"daily_cap\":320,\"monthly_cap\":6400,\"active\":false}"),
			   0));
	S_expect(S_report(&e, "b1", 2, "bus", 1, NULL), "refused", 0, "inactive-kind");
	/* Bad rules are refused. */
	json_decref(S_call(&e, "green.rule", "operator", "admin",
			   tu_json("{\"kind\":\"x\",\"unit\":\"u\",\"grams\":1,\"per\":1,"
				   "\"daily_cap\":10,\"monthly_cap\":5}"),
			   GT_EINVAL));
	json_decref(S_call(&e, "green.rule", "operator", "admin",
			   tu_json("{\"kind\":\"Bad\",\"unit\":\"u\",\"grams\":1,\"per\":1,"
				   "\"daily_cap\":10,\"monthly_cap\":50}"),
			   GT_EINVAL));
	S_env_done(&e);
}

/* The user's collectable and pending energy, as the API shows it. */
static json_t *S_energy(S_env *e, int user)
{
	gt_green_book *b = gt_green_book_of(e->ledger);
	json_t *o = json_object();
	gt_error err = {0};
	cr_assert_eq(gt_green_energy(b, e->user[user], e->now, o, &err), 0, "%s", err.msg);
	return o;
}

Test(green_book, energy_appears_next_day_and_expires, .timeout = 120)
{
	S_env e;
	S_env_init(&e, "green-collect");
	S_expect(S_report(&e, "a", 0, "bus", 2, NULL), "credited", 160, NULL);
	json_t *o = S_energy(&e, 0);
	cr_assert_eq(json_array_size(json_object_get(o, "collectable")), 0);
	cr_assert_eq(json_integer_value(json_object_get(
			     json_array_get(json_object_get(o, "pending"), 0), "grams")),
		     160);
	json_decref(o);
	json_decref(S_call(&e, "green.collect", e.uid[0], "user", json_object(), GT_ESTATE));
	/* The next day it appears; a late report of yesterday joins it. */
	e.now += DAY_MS;
	S_expect(S_report(&e, "b", 0, "bus", 1, "2027-01-30"), "credited", 80, NULL);
	json_t *r = S_call(&e, "green.collect", e.uid[0], "user", json_object(), 0);
	cr_assert_eq(json_integer_value(json_object_get(r, "grams")), 240);
	json_decref(r);
	json_decref(S_call(&e, "green.collect", e.uid[0], "user", json_object(), GT_ESTATE));
	/* One more late report of that day after collecting: collectable again. */
	S_expect(S_report(&e, "c", 0, "metro", 1, "2027-01-30"), "credited", 52, NULL);
	/* After a restart the book knows what was collected. */
	gt_ledger_free(e.ledger);
	S_open(&e);
	r = S_call(&e, "green.collect", e.uid[0], "user", json_object(), 0);
	cr_assert_eq(json_integer_value(json_object_get(r, "grams")), 52);
	json_decref(r);
	/* Energy not collected within 72 hours of appearing expires. */
	S_expect(S_report(&e, "d", 1, "bus", 1, NULL), "credited", 80, NULL); /* 2027-01-31 */
	e.now += 3 * DAY_MS + DAY_MS / 2; /* 2027-02-03 22:00 in China: its last hours */
	o = S_energy(&e, 1);
	cr_assert_eq(json_array_size(json_object_get(o, "collectable")), 1);
	json_decref(o);
	e.now += DAY_MS / 4; /* 2027-02-04 04:00 in China: gone */
	o = S_energy(&e, 1);
	cr_assert_eq(json_array_size(json_object_get(o, "collectable")), 0);
	json_decref(o);
	json_decref(S_call(&e, "green.collect", e.uid[1], "user", json_object(), GT_ESTATE));
	/* The totals say so. */
	json_t *t;
	gt_store_conn *c = gt_store_writer(e.svc.store);
	gt_error err = {0};
	cr_assert_eq(gt_green_totals_json(c, e.now, &t, &err), 0, "%s", err.msg);
	json_t *en = json_object_get(t, "energy");
	cr_assert_eq(json_integer_value(json_object_get(en, "credited")), 372);
	cr_assert_eq(json_integer_value(json_object_get(en, "collected")), 292);
	cr_assert_eq(json_integer_value(json_object_get(en, "expired")), 80);
	cr_assert_eq(json_integer_value(json_object_get(en, "pending")), 0);
	json_decref(t);
	S_env_done(&e);
}

/* A plain model of the rules for the randomized test: grams per user,
 * kind and day, and per user, kind and month. */
typedef struct {
	int64_t day[3][2][64];
	int64_t month[3][2][4];
} S_model;

Test(green_book, randomized_against_a_model_with_restarts, .timeout = 300)
{
	S_env e;
	S_env_init(&e, "green-random");
	json_decref(S_call(&e, "green.rule", "operator", "admin",
			   tu_json("{\"kind\":\"aa\",\"unit\":\"u\",\"grams\":7,\"per\":3,"
				   "\"daily_cap\":40,\"monthly_cap\":300}"),
			   0));
	json_decref(S_call(&e, "green.rule", "operator", "admin",
			   tu_json("{\"kind\":\"bb\",\"unit\":\"u\",\"grams\":13,\"per\":1,"
				   "\"daily_cap\":60,\"monthly_cap\":200}"),
			   0));
	static S_model m;
	memset(&m, 0, sizeof(m));
	uint64_t seed = 7;
	int32_t first = gt_green_day(e.now);
	char month0[8];
	char t[11];
	gt_green_day_text(first, t);
	memcpy(month0, t, 7);
	month0[7] = 0;
	int ids = 0, nacc = 0;
	static int accepted[1500];
	static int32_t accepted_day[1500];
	for (int step = 0; step < 1500; step++) {
		if (tu_between(&seed, 0, 40) == 0)
			e.now += DAY_MS / 2 + (int64_t)tu_between(&seed, 0, DAY_MS);
		if (tu_between(&seed, 0, 200) == 0) {
			gt_ledger_free(e.ledger);
			S_open(&e);
		}
		int32_t today = gt_green_day(e.now);
		if (today - first >= 60)
			break;
		int user = (int)tu_between(&seed, 0, 2), kind = (int)tu_between(&seed, 0, 1);
		int32_t day = today - (int32_t)tu_between(&seed, 0, 1);
		int64_t q = (int64_t)tu_between(&seed, 1, 12);
		/* Now and then an id already accepted: a duplicate (a refused one is not
		 * remembered). */
		/* ... and remembered for GT_GREEN_WINDOW days after the day it names. */
		int pick = nacc > 0 ? (int)tu_between(&seed, 0, (uint64_t)nacc - 1) : 0;
		bool dup = nacc > 0 && tu_between(&seed, 0, 15) == 0 &&
			   accepted_day[pick] >= today - GT_GREEN_WINDOW;
		char id[32];
		int fresh = ids;
		snprintf(id, sizeof(id), "r%d", dup ? accepted[pick] : ids++);
		gt_green_day_text(day, t);
		int mon = (int)(strncmp(t, month0, 7) == 0 ?
					0 :
					(t[5] - month0[5]) * 10 + t[6] - month0[6]);
		mon = mon < 0 ? mon + 120 : mon; /* months after the first, small */
		json_t *res = S_report(&e, id, user, kind ? "bb" : "aa", q, t);
		const char *status = json_string_value(json_object_get(res, "status"));
		int64_t got = json_integer_value(json_object_get(res, "grams"));
		if (dup) {
			CHECK(strcmp(status, "refused") == 0, "step %d: %s again is %s", step, id,
			      status);
			json_decref(res);
			continue;
		}
		int64_t want = kind ? q * 13 : q * 7 / 3;
		int64_t dcap = kind ? 60 : 40, mcap = kind ? 200 : 300;
		int64_t *dd = &m.day[user][kind][day - first + 1],
			*mm = &m.month[user][kind][mon % 4];
		int64_t left = dcap - *dd < mcap - *mm ? dcap - *dd : mcap - *mm;
		if (want > left)
			want = left > 0 ? left : 0;
		CHECK(got == want,
		      "step %d: %s of user %d kind %d q %lld on %s: %lld g, not %lld (%s)", step,
		      id, user, kind, (long long)q, t, (long long)got, (long long)want, status);
		*dd += got;
		*mm += got;
		if (got > 0) {
			accepted_day[nacc] = day;
			accepted[nacc++] = fresh;
		}
		json_decref(res);
	}
	S_env_done(&e);
}
