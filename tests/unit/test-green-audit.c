/* Unit tests for src/green/audit.c: real commands through a ledger over a
 * real log and SQLite store with a clock the tests move (action reports in
 * several entries, collecting, expiry, the catalogue, redeeming, planting,
 * survival checks at one and three years, sponsor pools unlocked by actions
 * and by energy, a pool closed); at each stage the log is replayed by the
 * audit, whose totals must equal gt_green_totals_json's at the same time
 * (and at other times). Then entries altered by hand are refused, naming
 * them, and the comparison names each field a server gets wrong. */
#include <criterion/criterion.h>

#include "auth/auth.h"
#include "core/json.h"
#include "core/time.h"
#include "give/give.h"
#include "green/audit.h"
#include "green/green_int.h"
#include "ledger/ledger.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ORIGIN "example.com/goodtrace-green-audit-test"
#define DAY_MS 86400000LL
#define NUSERS 4

typedef struct {
	tu_svc svc;
	gt_ledger *ledger;
	int64_t now; /* the ledger's clock */
	char user[NUSERS][GT_PSEUDO_LEN + 1];
	char uid[NUSERS][32];
} S_env;

static const gt_module *const S_modules[] = {&gt_auth_module, &gt_give_module, &gt_green_module};

static int64_t S_ms(const char *rfc3339)
{
	int64_t ms;
	cr_assert_eq(gt_time_parse(rfc3339, &ms), 0, "%s", rfc3339);
	return ms;
}

static int64_t S_clock(void *arg)
{
	return ((S_env *)arg)->now;
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

static void S_ok(S_env *e, const char *type, const char *org, const char *role, const char *in)
{
	json_decref(S_call(e, type, org, role, tu_json(in), 0));
}

static void S_env_init(S_env *e, const char *name)
{
	memset(e, 0, sizeof(*e));
	tu_svc_init(&e->svc, name, ORIGIN);
	e->now = S_ms("2027-01-30T02:00:00Z"); /* 10:00 on 2027-01-30 in China */
	gt_ledger_options o = {.log = e->svc.log,
			       .store = e->svc.store,
			       .secret = e->svc.secret,
			       .modules = S_modules,
			       .nmodules = 3,
			       .clock = S_clock,
			       .clock_arg = e};
	gt_error err = {0};
	cr_assert_eq(gt_ledger_open(&o, &e->ledger, &err), 0, "%s", err.msg);
	static const char *const orgs[][2] = {{"app", "app"},	       {"desert", "planter"},
					      {"oasis", "planter"},    {"hope", "charity"},
					      {"metro-co", "sponsor"}, {"rival-co", "sponsor"}};
	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		json_decref(S_call(e, "auth.org", NULL, "admin",
				   json_pack("{s:s, s:s, s:[s]}", "id", orgs[i][0], "name",
					     orgs[i][0], "roles", orgs[i][1]),
				   0));
	for (int i = 0; i < NUSERS; i++) {
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

/* One action of a report: {id, user, kind, quantity[, day]}. */
static json_t *S_act(S_env *e, const char *id, int user, const char *kind, int64_t quantity,
		     int day_offset)
{
	json_t *a = json_pack("{s:s, s:s, s:s, s:I}", "id", id, "user", e->user[user], "kind", kind,
			      "quantity", (json_int_t)quantity);
	if (day_offset) {
		char t[11];
		gt_green_day_text(gt_green_day(e->now) + day_offset, t);
		json_object_set_new(a, "day", json_string(t));
	}
	return a;
}

/* Report actions (a JSON array, stolen); the answer's results. */
static json_t *S_report(S_env *e, json_t *actions)
{
	json_t *r =
		S_call(e, "green.actions", "app", "app", json_pack("{s:o}", "actions", actions), 0);
	json_t *res = json_incref(json_object_get(r, "results"));
	json_decref(r);
	return res;
}

static void S_user_call(S_env *e, const char *type, int user, const char *in, int want)
{
	json_decref(S_call(e, type, e->uid[user], "user", tu_json(in), want));
}

/* ---- the log, replayed ---------------------------------------------------------------- */

/* Every entry of the log, once it is all published. */
typedef struct {
	gt_buf *entries;
	size_t n;
} S_log;

static void S_log_read(S_env *e, S_log *out)
{
	for (int i = 0; i < 10000 && gt_log_size(e->svc.log) < gt_log_sequenced(e->svc.log); i++)
		usleep(1000);
	uint64_t n = gt_log_size(e->svc.log);
	cr_assert_eq(n, gt_log_sequenced(e->svc.log), "the log was not published");
	out->entries = calloc(n ? n : 1, sizeof(*out->entries));
	out->n = n;
	for (uint64_t i = 0; i < n; i++) {
		gt_error err = {0};
		cr_assert_eq(gt_log_entry(e->svc.log, i, &out->entries[i], &err), 0, "%s", err.msg);
	}
}

static void S_log_free(S_log *l)
{
	for (size_t i = 0; i < l->n; i++)
		gt_buf_done(&l->entries[i]);
	free(l->entries);
}

/* Replay the log; 0 with *ret, or the first error (err filled). */
static int S_replay(const S_log *l, gt_green_audit **ret, gt_error *err)
{
	gt_green_audit *a;
	cr_assert_eq(gt_green_audit_new(&a, err), 0);
	for (size_t i = 0; i < l->n; i++) {
		int rc = gt_green_audit_add(a, i, l->entries[i].data, l->entries[i].len, err);
		if (rc < 0) {
			gt_green_audit_free(a);
			return rc;
		}
	}
	*ret = a;
	return 0;
}

static void S_print_diff(void *ctx, const char *path, const char *log_says, const char *server_says)
{
	(void)ctx;
	fprintf(stderr, "green: %s: log says %s, server says %s\n", path, log_says, server_says);
}

/* The audit's totals equal the store's at now and at the other times. */
static void S_agree(S_env *e, const char *stage)
{
	S_log l;
	S_log_read(e, &l);
	gt_green_audit *a;
	gt_error err = {0};
	cr_assert_eq(S_replay(&l, &a, &err), 0, "%s: %s", stage, err.msg);
	const int64_t at[] = {e->now,
			      e->now + DAY_MS,
			      e->now + 2 * DAY_MS,
			      e->now + 3 * DAY_MS,
			      e->now + 5 * DAY_MS,
			      e->now - DAY_MS};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		json_t *mine = gt_green_audit_totals(a, at[i]), *theirs;
		cr_assert_not_null(mine);
		cr_assert_eq(
			gt_green_totals_json(gt_store_writer(e->svc.store), at[i], &theirs, &err),
			0, "%s", err.msg);
		size_t n = gt_green_audit_compare(mine, theirs, S_print_diff, NULL);
		if (n || !json_equal(mine, theirs)) {
			char *x = json_dumps(mine, JSON_COMPACT | JSON_SORT_KEYS),
			     *y = json_dumps(theirs, JSON_COMPACT | JSON_SORT_KEYS);
			cr_assert_fail("%s, time %zu: %zu differences\nlog:    %s\nserver: %s",
				       stage, i, n, x, y);
		}
		json_decref(mine);
		json_decref(theirs);
	}
	gt_green_audit_free(a);
	S_log_free(&l);
}

static int64_t S_int_at(const json_t *o, const char *path)
{
	json_t *v = (json_t *)o;
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
		v = json_object_get(v, k);
	cr_assert(json_is_integer(v), "%s is not an integer", path);
	return (int64_t)json_integer_value(v);
}

/* ---- a whole programme ---------------------------------------------------------------- */

static const char S_photo[] =
	"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"";

/* Everything the module writes, with the audit agreeing at every stage.
 * Leaves the log in l (if not NULL). */
static void S_programme(S_env *e, S_log *l)
{
	char in[1024];
	S_ok(e, "green.rule", "operator", "admin",
	     "{\"kind\":\"big_deed\",\"unit\":\"deeds\",\"grams\":100000,\"per\":1,"
	     "\"daily_cap\":10000000,\"monthly_cap\":10000000}");
	/* Yesterday's deeds and today's actions, in two reports (one capped). */
	json_t *r = S_report(e, json_pack("[o, o, o, o]", S_act(e, "d0", 0, "big_deed", 1, -1),
					  S_act(e, "d1", 1, "big_deed", 1, -1),
					  S_act(e, "w2", 2, "walk", 12000, -1),
					  S_act(e, "m3", 3, "metro", 2, 0)));
	json_decref(r);
	r = S_report(e, json_pack("[o, o, o, o]", S_act(e, "w0", 0, "walk", 30000, 0),
				  S_act(e, "m3b", 3, "metro", 9, 0), S_act(e, "b3", 3, "bus", 1, 0),
				  S_act(e, "c0", 0, "reusable_cup", 2, -1)));
	char metro_ref[GT_GREEN_REF_HEX + 1];
	snprintf(metro_ref, sizeof(metro_ref), "%s",
		 json_string_value(json_object_get(json_array_get(r, 1), "ref")));
	json_decref(r);
	S_agree(e, "reports");
	S_user_call(e, "green.collect", 0, "{}", 0);
	S_user_call(e, "green.collect", 1, "{}", 0);
	S_user_call(e, "green.collect", 3, "{}", GT_ESTATE); /* only today's: not yet */

	/* The catalogue, and trees redeemed. */
	S_ok(e, "green.species", "desert", "planter",
	     "{\"id\":\"saxaul\",\"name\":\"Saxaul\",\"name_zh\":\"梭梭\",\"cost\":17900,"
	     "\"region\":\"Alxa\",\"available\":true}");
	S_ok(e, "green.species", "desert", "planter",
	     "{\"id\":\"pine\",\"name\":\"Pine\",\"cost\":500,\"region\":\"Alxa\","
	     "\"available\":false}");
	S_ok(e, "green.species", "oasis", "planter",
	     "{\"id\":\"buckthorn\",\"name\":\"Sea buckthorn\",\"cost\":100,\"region\":\"Ordos\","
	     "\"available\":true}");
	S_ok(e, "green.site", "desert", "planter",
	     "{\"id\":\"alxa-1\",\"name\":\"Alxa 1\",\"region\":\"Alxa\",\"latitude\":38.84,"
	     "\"longitude\":105.67}");
	S_ok(e, "green.site", "oasis", "planter",
	     "{\"id\":\"ordos-1\",\"name\":\"Ordos 1\",\"region\":\"Ordos\",\"latitude\":39.6,"
	     "\"longitude\":109.8}");
	for (int i = 0; i < 3; i++)
		S_user_call(e, "green.redeem", 0, "{\"species\":\"saxaul\"}", 0);
	for (int i = 0; i < 2; i++)
		S_user_call(e, "green.redeem", 1, "{\"species\":\"saxaul\"}", 0);
	S_user_call(e, "green.redeem", 1, "{\"species\":\"buckthorn\"}", 0);
	S_user_call(e, "green.redeem", 1, "{\"species\":\"pine\"}", GT_ESTATE);
	/* Renamed, with another cost: later redemptions pay that. */
	S_ok(e, "green.species", "desert", "planter",
	     "{\"id\":\"saxaul\",\"name\":\"Saxaul shrub\",\"cost\":20000,\"region\":\"Alxa\","
	     "\"available\":true}");
	S_user_call(e, "green.redeem", 0, "{\"species\":\"saxaul\"}", 0);
	S_agree(e, "trees ordered");

	/* Plantings: the oldest first. */
	char day[11];
	gt_green_day_text(gt_green_day(e->now), day);
	snprintf(in, sizeof(in),
		 "{\"site\":\"alxa-1\",\"species\":\"saxaul\",\"count\":4,\"date\":\"%s\","
		 "\"latitude\":38.9,\"longitude\":105.7,\"photos\":[%s],\"note\":\"first row\"}",
		 day, S_photo);
	json_t *p = S_call(e, "green.planting", "desert", "planter", tu_json(in), 0);
	int64_t p1 = (int64_t)json_integer_value(json_object_get(p, "planting"));
	json_decref(p);
	snprintf(in, sizeof(in),
		 "{\"site\":\"ordos-1\",\"species\":\"buckthorn\",\"count\":1,\"date\":\"%s\","
		 "\"latitude\":39.6,\"longitude\":109.8,\"photos\":[%s]}",
		 day, S_photo);
	p = S_call(e, "green.planting", "oasis", "planter", tu_json(in), 0);
	int64_t p2 = (int64_t)json_integer_value(json_object_get(p, "planting"));
	json_decref(p);
	S_agree(e, "planted");

	/* Pools: per action and per energy, for a campaign of the give module. */
	S_ok(e, "give.campaign", "hope", "charity",
	     "{\"id\":\"school-meals\",\"title\":\"t\",\"description\":\"d\",\"beneficiary\":\"b\","
	     "\"category\":\"education\",\"goal\":100000,\"currency\":\"CNY\","
	     "\"ends\":\"2999-01-01T00:00:00Z\"}");
	S_ok(e, "green.pool", "metro-co", "sponsor",
	     "{\"id\":\"metro-for-schools\",\"name\":\"Metro rides for schools\",\"currency\":"
	     "\"CNY\",\"budget\":35,\"campaigns\":[\"school-meals\"],\"per_action\":{\"kinds\":"
	     "[\"metro\",\"bus\"],\"amount\":10},\"user_cap\":20,\"ends\":\"2999-01-01T00:00:00Z\"}");
	S_ok(e, "green.pool", "rival-co", "sponsor",
	     "{\"id\":\"energy-for-meals\",\"name\":\"Energy for meals\",\"currency\":\"CNY\","
	     "\"budget\":1000,\"campaigns\":[\"school-meals\"],\"per_energy\":{\"grams\":100,"
	     "\"amount\":5}}");
	snprintf(in, sizeof(in),
		 "{\"pool\":\"metro-for-schools\",\"campaign\":\"school-meals\","
		 "\"action\":\"%s\"}",
		 metro_ref);
	S_user_call(e, "green.unlock", 3, in, 0);
	S_user_call(e, "green.unlock", 3, in, GT_EEXIST);
	S_user_call(e, "green.unlock", 0,
		    "{\"pool\":\"energy-for-meals\",\"campaign\":\"school-meals\",\"grams\":300}",
		    0);
	S_ok(e, "green.pool.close", "rival-co", "sponsor", "{\"id\":\"energy-for-meals\"}");
	S_user_call(e, "green.unlock", 0,
		    "{\"pool\":\"energy-for-meals\",\"campaign\":\"school-meals\",\"grams\":100}",
		    GT_ESTATE);
	S_agree(e, "pools");

	/* The next days: more actions, some collected, some left to expire. */
	e->now += DAY_MS;
	json_decref(S_report(e, json_pack("[o, o]", S_act(e, "w2b", 2, "walk", 6000, -1),
					  S_act(e, "m3c", 3, "metro", 1, 0))));
	S_user_call(e, "green.collect", 3, "{}", 0);
	S_agree(e, "a day later");
	e->now += DAY_MS;
	S_user_call(e, "green.collect", 0, "{}", 0);
	S_agree(e, "two days later");
	e->now += 3 * DAY_MS;
	json_decref(S_report(e, json_pack("[o]", S_act(e, "w1", 1, "walk", 600, 0))));
	S_agree(e, "five days later: expired");

	/* Survival: a year on, then three. */
	e->now += 366 * DAY_MS;
	gt_green_day_text(gt_green_day(e->now), day);
	snprintf(in, sizeof(in),
		 "{\"planting\":%lld,\"year\":1,\"date\":\"%s\",\"alive\":3,\"photos\":[%s]}",
		 (long long)p1, day, S_photo);
	S_ok(e, "green.survival", "desert", "planter", in);
	snprintf(in, sizeof(in),
		 "{\"planting\":%lld,\"year\":1,\"date\":\"%s\",\"alive\":1,\"photos\":[%s]}",
		 (long long)p2, day, S_photo);
	S_ok(e, "green.survival", "oasis", "planter", in);
	S_agree(e, "year 1");
	e->now += 2 * 366 * DAY_MS;
	gt_green_day_text(gt_green_day(e->now), day);
	snprintf(in, sizeof(in),
		 "{\"planting\":%lld,\"year\":3,\"date\":\"%s\",\"alive\":2,\"photos\":[%s]}",
		 (long long)p1, day, S_photo);
	S_ok(e, "green.survival", "desert", "planter", in);
	S_agree(e, "year 3");
	if (l)
		S_log_read(e, l);
}

Test(green_audit, agrees_with_the_store_at_every_stage, .timeout = 120)
{
	S_env e;
	S_env_init(&e, "green-audit");
	S_agree(&e, "empty");
	S_log l;
	S_programme(&e, &l);
	gt_green_audit *a;
	gt_error err = {0};
	cr_assert_eq(S_replay(&l, &a, &err), 0, "%s", err.msg);
	json_t *t = gt_green_audit_totals(a, e.now);
	/* The figures themselves, worked out by hand. */
	cr_assert_eq(S_int_at(t, "trees.ordered"), 7);
	cr_assert_eq(S_int_at(t, "trees.planted"), 5);
	cr_assert_eq(S_int_at(t, "trees.surviving"), 3,
		     "2 saxaul at year 3, 1 buckthorn at year 1");
	cr_assert_eq(S_int_at(t, "energy.spent"), 5 * 17900 + 20000 + 100 + 300);
	cr_assert_eq(S_int_at(t, "energy.credited"), S_int_at(t, "energy.collected") +
							     S_int_at(t, "energy.expired") +
							     S_int_at(t, "energy.pending"));
	cr_assert_gt(S_int_at(t, "energy.expired"), 0);
	json_t *pools = json_object_get(t, "pools");
	cr_assert_eq(json_array_size(pools), 2);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(pools, 0), "unlocked")), 10);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(pools, 1), "unlocked")), 15);
	cr_assert(json_is_true(json_object_get(json_array_get(pools, 1), "closed")));
	cr_assert_gt(gt_green_audit_entries(a), 20);
	json_decref(t);
	gt_green_audit_free(a);
	S_log_free(&l);
	S_env_done(&e);
}

/* ---- altered entries ------------------------------------------------------------------ */

/* The index of the first entry of type in l (after from). */
static size_t S_first(const S_log *l, const char *type, size_t from)
{
	char mark[80];
	snprintf(mark, sizeof(mark), "\"type\":\"%s\"", type);
	for (size_t i = from; i < l->n; i++)
		if (strstr((const char *)l->entries[i].data, mark))
			return i;
	cr_assert_fail("no %s entry", type);
	return 0;
}

/* Replay l with entry i's data changed by edit: must be refused at entry
 * at, naming it and saying why. */
static void S_refused_at(const S_log *l, size_t i, void (*edit)(json_t *data), size_t at,
			 const char *why)
{
	json_t *root = json_loadb((const char *)l->entries[i].data, l->entries[i].len, 0, NULL);
	cr_assert_not_null(root);
	edit(json_object_get(root, "data"));
	gt_buf b = {0}, keep = l->entries[i];
	gt_error err = {0};
	cr_assert_eq(gt_json_canonical(root, &b, &err), 0, "%s", err.msg);
	json_decref(root);
	l->entries[i] = b;
	gt_green_audit *a = NULL;
	int rc = S_replay(l, &a, &err);
	l->entries[i] = keep;
	gt_buf_done(&b);
	cr_assert_eq(rc, GT_ECORRUPT, "entry %zu altered (%s) was taken", i, why);
	char want[64];
	snprintf(want, sizeof(want), "entry %zu (green.", at);
	cr_assert(strncmp(err.msg, want, strlen(want)) == 0, "%s: %s", why, err.msg);
	cr_assert(strstr(err.msg, why), "%s: %s", why, err.msg);
}

static void S_refused(const S_log *l, size_t i, void (*edit)(json_t *data), const char *why)
{
	S_refused_at(l, i, edit, i, why);
}

static void S_more_grams(json_t *d)
{
	json_object_set_new(d, "grams",
			    json_integer(json_integer_value(json_object_get(d, "grams")) + 1));
}

static void S_collect_unearned(json_t *d)
{
	json_t *day = json_array_get(json_object_get(d, "days"), 0);
	json_object_set_new(day, "grams",
			    json_integer(json_integer_value(json_object_get(day, "grams")) + 1000));
	json_object_set_new(d, "grams",
			    json_integer(json_integer_value(json_object_get(d, "grams")) + 1000));
}

static void S_grams_text(json_t *d)
{
	json_object_set_new(json_array_get(json_object_get(d, "actions"), 0), "grams",
			    json_string("many"));
}

static void S_day_late(json_t *d)
{
	json_object_set_new(json_array_get(json_object_get(d, "actions"), 0), "day",
			    json_string("2027-01-20"));
}

static void S_cheaper(json_t *d)
{
	json_object_set_new(d, "cost", json_integer(17000));
}

/* Every day of a collect worth 1 g. */
static void S_collect_little(json_t *d)
{
	size_t i;
	json_t *v, *days = json_object_get(d, "days");
	json_array_foreach(days, i, v) json_object_set_new(v, "grams", json_integer(1));
	json_object_set_new(d, "grams", json_integer((json_int_t)json_array_size(days)));
}

static void S_swap_trees(json_t *d)
{
	json_t *t = json_object_get(d, "trees");
	json_t *x = json_incref(json_array_get(t, 0));
	json_array_remove(t, 0);
	json_array_append_new(t, x);
}

static void S_more_alive(json_t *d)
{
	json_object_set_new(d, "alive", json_integer(999));
}

static void S_more_amount(json_t *d)
{
	json_object_set_new(d, "amount",
			    json_integer(json_integer_value(json_object_get(d, "amount")) + 5));
}

static void S_other_pool(json_t *d)
{
	json_object_set_new(d, "pool", json_string("energy-for-meals"));
}

static void S_no_campaigns(json_t *d)
{
	json_object_del(d, "campaigns");
}

Test(green_audit, altered_entries_are_refused_naming_them, .timeout = 120)
{
	S_env e;
	S_env_init(&e, "green-audit-alter");
	S_log l;
	S_programme(&e, &l);
	size_t collect = S_first(&l, "green.collect", 0), actions = S_first(&l, "green.actions", 0),
	       redeem = S_first(&l, "green.redeem", 0), planting = S_first(&l, "green.planting", 0),
	       survival = S_first(&l, "green.survival", 0), unlock = S_first(&l, "green.unlock", 0),
	       pool = S_first(&l, "green.pool", 0);
	S_refused(&l, collect, S_more_grams, "add up to");
	S_refused(&l, collect, S_collect_unearned, "but the user earned");
	S_refused(&l, actions, S_grams_text, "action 0: grams");
	S_refused(&l, actions, S_day_late, "action 0: day 2027-01-20");
	S_refused(&l, redeem, S_cheaper, "costs 17900");
	S_refused_at(&l, collect, S_collect_little, redeem, "the user's balance is 1 g");
	S_refused(&l, planting, S_swap_trees, "trees[0] must be tree");
	S_refused(&l, survival, S_more_alive, "alive");
	S_refused(&l, unlock, S_more_amount, "amount");
	S_refused(&l, unlock, S_other_pool, "per energy");
	S_refused(&l, pool, S_no_campaigns, "campaigns");

	/* An unknown green type, and entries out of order. */
	gt_green_audit *a;
	gt_error err = {0};
	cr_assert_eq(gt_green_audit_new(&a, &err), 0);
	const char *bogus = "{\"at\":\"2027-01-30T02:00:00.000Z\",\"by\":\"system\",\"data\":{},"
			    "\"type\":\"green.bogus\",\"v\":1}";
	cr_assert_eq(gt_green_audit_add(a, 7, (const uint8_t *)bogus, strlen(bogus), &err),
		     GT_ECORRUPT);
	cr_assert_str_eq(err.msg, "entry 7 (green.bogus): not a green entry type this audit knows");
	gt_green_audit_free(a);
	cr_assert_eq(gt_green_audit_new(&a, &err), 0);
	cr_assert_eq(
		gt_green_audit_add(a, 5, l.entries[actions].data, l.entries[actions].len, &err), 0,
		"%s", err.msg);
	cr_assert_eq(
		gt_green_audit_add(a, 3, l.entries[actions].data, l.entries[actions].len, &err),
		GT_ECORRUPT);
	cr_assert_str_eq(err.msg, "entry 3 (green.actions): entries out of order (after entry 5)");
	gt_green_audit_free(a);
	/* Entries of other modules are passed over. */
	cr_assert_eq(gt_green_audit_new(&a, &err), 0);
	const char *other = "not an entry at all";
	cr_assert_eq(gt_green_audit_add(a, 0, (const uint8_t *)other, strlen(other), &err), 0);
	cr_assert_eq(gt_green_audit_entries(a), 0);
	gt_green_audit_free(a);
	S_log_free(&l);
	S_env_done(&e);
}

/* ---- comparing ------------------------------------------------------------------------ */

typedef struct {
	char lines[16][256];
	size_t n;
} S_diffs;

static void S_collect(void *ctx, const char *path, const char *log_says, const char *server_says)
{
	S_diffs *d = ctx;
	if (d->n < 16)
		snprintf(d->lines[d->n++], sizeof(d->lines[0]), "%s: log says %s, server says %s",
			 path, log_says, server_says);
}

static bool S_has(const S_diffs *d, const char *line)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->lines[i], line) == 0)
			return true;
	return false;
}

Test(green_audit, the_comparison_names_each_field)
{
	json_t *log = tu_json(
		"{\"as_of\":\"2027-01-30T02:00:00.000Z\","
		"\"energy\":{\"credited\":100,\"collected\":50,\"kinds\":[{\"kind\":\"walk\","
		"\"grams\":60,\"actions\":2},{\"kind\":\"bus\",\"grams\":40,\"actions\":1}]},"
		"\"species\":[{\"id\":\"saxaul\",\"planter\":\"desert\",\"planted\":500}],"
		"\"partners\":[{\"planter\":\"desert\",\"planted\":500}],"
		"\"pools\":[{\"id\":\"p\",\"campaigns\":[\"a\",\"b\"],\"closed\":false}]}");
	json_t *server = tu_json(
		"{\"as_of\":\"2027-01-30T02:00:00.001Z\",\"extra\":1,"
		"\"energy\":{\"credited\":100,\"collected\":51,\"kinds\":[{\"kind\":\"walk\","
		"\"grams\":60,\"actions\":2},{\"kind\":\"metro\",\"grams\":52,\"actions\":1}]},"
		"\"species\":[{\"id\":\"saxaul\",\"planter\":\"desert\",\"planted\":499}],"
		"\"partners\":[{\"planter\":\"desert\",\"planted\":500.0}],"
		"\"pools\":[{\"id\":\"p\",\"campaigns\":[\"b\",\"a\"],\"closed\":true}]}");
	S_diffs d = {0};
	size_t n = gt_green_audit_compare(log, server, S_collect, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s\n", d.lines[i]);
	cr_assert_eq(n, 6);
	cr_assert(S_has(&d, "energy.collected: log says 50, server says 51"));
	cr_assert(S_has(&d,
			"energy.kinds bus: log says {\"kind\":\"bus\",\"grams\":40,\"actions\":1}, "
			"server says nothing"));
	cr_assert(S_has(&d, "energy.kinds metro: log says nothing, server says "
			    "{\"kind\":\"metro\",\"grams\":52,\"actions\":1}"));
	cr_assert(S_has(&d, "species saxaul.planted: log says 500, server says 499"));
	cr_assert(
		S_has(&d, "pools p.campaigns: log says [\"a\",\"b\"], server says [\"b\",\"a\"]"));
	cr_assert(S_has(&d, "pools p.closed: log says false, server says true"));
	json_decref(log);
	json_decref(server);
}

/* ---- many days -------------------------------------------------------------------------- */

Test(green_audit, sixty_days_of_random_reports_and_collects, .timeout = 300)
{
	S_env e;
	S_env_init(&e, "green-audit-days");
	static const char *const kinds[] = {"walk", "metro", "bus", "paperless_bill"};
	uint64_t seed = 11;
	int ids = 0;
	int32_t first = gt_green_day(e.now);
	while (gt_green_day(e.now) - first < 60) {
		json_t *list = json_array();
		for (int k = (int)tu_between(&seed, 1, 4); k > 0; k--) {
			char id[32];
			snprintf(id, sizeof(id), "r%d", ids++);
			json_array_append_new(list,
					      S_act(&e, id, (int)tu_between(&seed, 0, NUSERS - 1),
						    kinds[tu_between(&seed, 0, 3)],
						    (int64_t)tu_between(&seed, 1, 20000),
						    -(int)tu_between(&seed, 0, 1)));
		}
		json_decref(S_report(&e, list));
		if (tu_between(&seed, 0, 2) == 0) {
			gt_ledger_result res;
			int user = (int)tu_between(&seed, 0, NUSERS - 1);
			int rc = gt_ledger_call(e.ledger, "green.collect", e.uid[user], "user",
						json_object(), &res);
			cr_assert(rc == 0 || rc == GT_ESTATE, "collect: %d %s", rc, res.msg);
			json_decref(res.reply);
		}
		e.now += (int64_t)tu_between(&seed, DAY_MS / 8, DAY_MS * 3 / 2);
		if (tu_between(&seed, 0, 9) == 0)
			S_agree(&e, "along the way");
	}
	S_agree(&e, "sixty days on");
	/* Some energy was collected, some expired, over days the replay forgot. */
	S_log l;
	S_log_read(&e, &l);
	gt_green_audit *a;
	gt_error err = {0};
	cr_assert_eq(S_replay(&l, &a, &err), 0, "%s", err.msg);
	json_t *t = gt_green_audit_totals(a, e.now);
	cr_assert_gt(S_int_at(t, "energy.collected"), 0);
	cr_assert_gt(S_int_at(t, "energy.expired"), 0);
	cr_assert_gt(S_int_at(t, "energy.actions"), 100);
	json_decref(t);
	gt_green_audit_free(a);
	S_log_free(&l);
	S_env_done(&e);
}
