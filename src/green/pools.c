/* Sponsor pools: a sponsor's budget for campaigns of the donations module,
 * unlocked by users' actions or energy, each unlock a donation from the
 * sponsor to the campaign the user chooses. A pool never overspends. */
#include "green/green_int.h"
#include "core/json.h"
#include "core/time.h"
#include "give/give.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_CAMPAIGNS_MAX 20
#define S_BUDGET_MAX 1000000000000LL

static int S_pool(gt_store_conn *c, const char *id, gt_stmt **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GREEN_POOL_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		*ret = st;
		return 0;
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no pool \"%s\"", id);
}

/* A list of 1 to max distinct slugs at in[key] (copied into *ret). */
static int S_slugs(const json_t *in, const char *key, size_t max, json_t **ret, gt_error *err)
{
	const json_t *list = json_object_get(in, key);
	size_t n = json_array_size(list), i;
	if (!json_is_array(list) || n < 1 || n > max)
		return gt_fail(err, GT_EINVAL, "%s must be a list of 1 to %zu ids", key, max);
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *s = json_string_value(v);
		bool ok = s && s[0] && strlen(s) <= GT_GREEN_KIND_MAX + 8;
		for (const char *p = s; ok && *p; p++)
			ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
			     *p == '_';
		for (size_t k = 0; ok && k < i; k++)
			ok = strcmp(json_string_value(json_array_get(list, k)), s) != 0;
		if (!ok)
			return gt_fail(err, GT_EINVAL, "%s[%zu] must be an id, once", key, i);
	}
	*ret = json_deep_copy(list);
	return 0;
}

int gt_green_pool_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id",	"name",	      "currency",   "budget",
					   "campaigns", "per_action", "per_energy", "user_cap",
					   "starts",	"ends",	      NULL};
	const char *id = NULL, *name, *currency;
	int64_t budget, amount = 0, grams = 0, cap = 0, starts = 0, ends = 0;
	json_t *campaigns = NULL, *kinds = NULL;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "pools are funded by sponsors");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "id", 40, true, &id, err);
	if (rc == 0)
		rc = gt_json_text(in, "name", 200, true, &name, err);
	if (rc == 0)
		rc = gt_json_str(in, "currency", 3, 3, &currency, err);
	if (rc == 0 && gt_give_minor_unit(currency) < 0)
		rc = gt_fail(err, GT_EINVAL, "currency must be an ISO 4217 code goodtrace knows");
	if (rc == 0)
		rc = gt_json_int(in, "budget", 1, S_BUDGET_MAX, &budget, err);
	const json_t *pa = json_object_get(in, "per_action"),
		     *pe = json_object_get(in, "per_energy");
	if (rc == 0 && !pa == !pe)
		rc = gt_fail(err, GT_EINVAL, "a pool unlocks either per_action or per_energy");
	if (rc == 0 && pa) {
		static const char *const k[] = {"kinds", "amount", NULL};
		rc = json_is_object(pa) ? gt_json_only(pa, k, err) :
					  gt_fail(err, GT_EINVAL, "per_action must be an object");
		if (rc == 0)
			rc = gt_json_int(pa, "amount", 1, budget, &amount, err);
		if (rc == 0)
			rc = S_slugs(pa, "kinds", GT_GREEN_KINDS_MAX, &kinds, err);
		gt_green_rule rules[GT_GREEN_KINDS_MAX];
		size_t nrules, ki;
		json_t *kv;
		if (rc == 0)
			rc = gt_green_rules_load(gt_decide_conn(d), rules, &nrules, err);
		json_array_foreach(kinds, ki,
				   kv) if (rc == 0 && !gt_green_rule_find(rules, nrules,
									  json_string_value(kv)))
			rc = gt_fail(err, GT_EINVAL,
				     "per_action.kinds[%zu]: no rule for the kind \"%s\"", ki,
				     json_string_value(kv));
	}
	if (rc == 0 && pe) {
		static const char *const k[] = {"grams", "amount", NULL};
		rc = json_is_object(pe) ? gt_json_only(pe, k, err) :
					  gt_fail(err, GT_EINVAL, "per_energy must be an object");
		if (rc == 0)
			rc = gt_json_int(pe, "grams", 1, 1000000, &grams, err);
		if (rc == 0)
			rc = gt_json_int(pe, "amount", 1, budget, &amount, err);
	}
	const json_t *v = json_object_get(in, "user_cap");
	if (rc == 0 && v && !json_is_null(v))
		rc = gt_json_int(in, "user_cap", 1, budget, &cap, err);
	const char *s = gt_green_opt(in, "starts"), *e = gt_green_opt(in, "ends");
	if (rc == 0 && json_object_get(in, "starts") && (!s || gt_time_parse(s, &starts) < 0))
		rc = gt_fail(err, GT_EINVAL, "starts must be a time like 2027-01-01T00:00:00Z");
	if (rc == 0 && json_object_get(in, "ends") && (!e || gt_time_parse(e, &ends) < 0))
		rc = gt_fail(err, GT_EINVAL, "ends must be a time like 2027-03-31T16:00:00Z");
	if (rc == 0 && e && ends <= (s ? starts : gt_decide_now_ms(d)))
		rc = gt_fail(err, GT_EINVAL, "ends must be after starts and now");
	if (rc == 0)
		rc = S_slugs(in, "campaigns", S_CAMPAIGNS_MAX, &campaigns, err);
	size_t i;
	json_array_foreach(campaigns, i, v)
	{
		char cur[4];
		if (rc < 0)
			break;
		if ((rc = gt_give_campaign_currency(gt_decide_conn(d), json_string_value(v), cur,
						    err)) < 0)
			break;
		if (strcmp(cur, currency) != 0)
			rc = gt_fail(err, GT_EINVAL, "campaign \"%s\" is in %s, not %s",
				     json_string_value(v), cur, currency);
	}
	gt_stmt *st;
	if (rc == 0) {
		gt_error e = {0};
		int found = S_pool(gt_decide_conn(d), id, &st, &e);
		if (found == 0) {
			gt_stmt_close(st);
			rc = gt_fail(err, GT_EEXIST, "pool \"%s\" already exists", id);
		} else if (found != GT_ENOTFOUND)
			rc = gt_fail(err, found, "%s", e.msg);
	}
	if (rc < 0) {
		json_decref(campaigns);
		json_decref(kinds);
		return rc;
	}
	json_t *data = json_pack("{s:s, s:s, s:s, s:I, s:o}", "id", id, "name", name, "currency",
				 currency, "budget", (json_int_t)budget, "campaigns", campaigns);
	if (kinds)
		json_object_set_new(
			data, "per_action",
			json_pack("{s:o, s:I}", "kinds", kinds, "amount", (json_int_t)amount));
	else
		json_object_set_new(data, "per_energy",
				    json_pack("{s:I, s:I}", "grams", (json_int_t)grams, "amount",
					      (json_int_t)amount));
	if (cap)
		json_object_set_new(data, "user_cap", json_integer((json_int_t)cap));
	char t[GT_TIME_LEN + 1];
	if (s) {
		gt_time_format(starts, t);
		json_object_set_new(data, "starts", json_string(t));
	}
	if (e) {
		gt_time_format(ends, t);
		json_object_set_new(data, "ends", json_string(t));
	}
	uint64_t index;
	if ((rc = gt_decide_emit(d, "green.pool", data, &index, err)) == 0)
		gt_decide_reply(d, json_pack("{s:s, s:I}", "id", id, "index", (json_int_t)index));
	return rc;
}

/* Bind v[key] (an integer) at pos, or NULL when absent. */
static void S_bind_opt_int(gt_stmt *st, int pos, const json_t *v, const char *key)
{
	const json_t *x = v ? json_object_get(v, key) : NULL;
	if (json_is_integer(x))
		gt_stmt_bind_i64(st, pos, (int64_t)json_integer_value(x));
	else
		gt_stmt_bind_null(st, pos);
}

static void S_bind_opt_text(gt_stmt *st, int pos, const char *s)
{
	if (s)
		gt_stmt_bind_text(st, pos, s, (size_t)-1);
	else
		gt_stmt_bind_null(st, pos);
}

int gt_green_pool_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data, *pa = json_object_get(v, "per_action"),
		     *pe = json_object_get(v, "per_energy");
	char *campaigns = json_dumps(json_object_get(v, "campaigns"), JSON_COMPACT);
	char *kinds = pa ? json_dumps(json_object_get(pa, "kinds"), JSON_COMPACT) : NULL;
	gt_stmt *st = NULL;
	int rc = !campaigns || (pa && !kinds) ? gt_fail(err, GT_ENOMEM, "out of memory") :
						gt_stmt_open(c, GT_Q_GREEN_POOL_PUT, &st, err);
	if (rc == 0) {
		gt_stmt_bind_text(st, 1, gt_green_opt(v, "id"), (size_t)-1);
		gt_stmt_bind_text(st, 2, gt_entry_org(e), (size_t)-1);
		gt_stmt_bind_text(st, 3, gt_green_opt(v, "name"), (size_t)-1);
		gt_stmt_bind_text(st, 4, gt_green_opt(v, "currency"), (size_t)-1);
		gt_stmt_bind_i64(st, 5, gt_green_int(v, "budget"));
		gt_stmt_bind_text(st, 6, campaigns, (size_t)-1);
		S_bind_opt_text(st, 7, kinds);
		gt_stmt_bind_i64(st, 8, gt_green_int(pa ? pa : pe, "amount"));
		S_bind_opt_int(st, 9, pe, "grams");
		S_bind_opt_int(st, 10, v, "user_cap");
		S_bind_opt_text(st, 11, gt_green_opt(v, "starts"));
		S_bind_opt_text(st, 12, gt_green_opt(v, "ends"));
		gt_stmt_bind_i64(st, 13, (int64_t)e->index);
		gt_stmt_bind_text(st, 14, e->at, (size_t)-1);
		rc = gt_stmt_step(st, err);
		gt_stmt_close(st);
	}
	free(campaigns);
	free(kinds);
	return rc < 0 ? rc : 0;
}

int gt_green_pool_close_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id", NULL};
	const char *id = NULL;
	gt_stmt *st;
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "id", 40, true, &id, err);
	if (rc == 0 && !gt_decide_org(d))
		rc = gt_fail(err, GT_EDENIED, "pools are closed by their sponsor");
	if (rc == 0 && (rc = S_pool(gt_decide_conn(d), id, &st, err)) == 0) {
		if (strcmp(gt_stmt_text(st, 1, NULL), gt_decide_org(d)) != 0)
			rc = gt_fail(err, GT_EDENIED, "pool \"%s\" belongs to %s", id,
				     gt_stmt_text(st, 1, NULL));
		else if (!gt_stmt_is_null(st, 14))
			rc = gt_fail(err, GT_ESTATE, "pool \"%s\" is already closed", id);
		gt_stmt_close(st);
	}
	uint64_t index;
	if (rc == 0 && (rc = gt_decide_emit(d, "green.pool.close", json_pack("{s:s}", "id", id),
					    &index, err)) == 0)
		gt_decide_reply(d, json_pack("{s:s, s:I}", "id", id, "index", (json_int_t)index));
	return rc;
}

int gt_green_pool_close_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t r = gt_store_exec(c, GT_Q_GREEN_POOL_CLOSE, err, "ti", gt_green_opt(e->data, "id"),
				  (int64_t)e->index);
	return r < 0 ? (int)r : 0;
}

/* ---- unlocking ------------------------------------------------------------------------------ */

/* Whether the JSON array text list holds s. */
static bool S_in_list(const char *list, const char *s)
{
	json_t *v = json_loads(list ? list : "[]", 0, NULL);
	bool in = false;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) in = in || strcmp(json_string_value(x), s) == 0;
	json_decref(v);
	return in;
}

/* The amount an unlock of the pool (row st) gives for the command, with the
 * action or grams it is credited to (into extra); 0 or why not. */
static int S_unlock_amount(gt_decide *d, gt_stmt *st, const json_t *in, const char *me,
			   int64_t *amount, json_t *extra, gt_error *err)
{
	const char *id = gt_stmt_text(st, 0, NULL);
	const json_t *action = json_object_get(in, "action"), *grams = json_object_get(in, "grams");
	if (!gt_stmt_is_null(st, 6)) { /* per action */
		if (grams || !json_is_string(action))
			return gt_fail(
				err, GT_EINVAL,
				"pool \"%s\" unlocks per action: give \"action\" (one of your "
				"actions' ref), not grams",
				id);
		const char *ref = json_string_value(action);
		char user[GT_PSEUDO_LEN + 1], kind[GT_GREEN_KIND_MAX + 1];
		int32_t day;
		uint64_t index;
		gt_green_book *b;
		int rc = gt_green_book_write(d, &b, err);
		if (rc < 0)
			return rc;
		rc = gt_green_book_action(b, ref, user, kind, &day, &index);
		gt_green_book_done(b);
		if (rc == GT_EINVAL)
			return gt_fail(err, GT_EINVAL,
				       "action must be an action's ref (24 hex digits)");
		if (rc < 0)
			return gt_fail(err, GT_ENOTFOUND, "no action %s in the last %d days", ref,
				       GT_GREEN_WINDOW);
		if (strcmp(user, me) != 0)
			return gt_fail(err, GT_EDENIED, "action %s is not yours", ref);
		if (!S_in_list(gt_stmt_text(st, 6, NULL), kind))
			return gt_fail(err, GT_ESTATE,
				       "pool \"%s\" unlocks for the kinds %s, not %s", id,
				       gt_stmt_text(st, 6, NULL), kind);
		int64_t starts;
		if (!gt_stmt_is_null(st, 10) &&
		    gt_time_parse(gt_stmt_text(st, 10, NULL), &starts) == 0 &&
		    day < gt_green_day(starts))
			return gt_fail(err, GT_ESTATE, "action %s is older than pool \"%s\"", ref,
				       id);
		gt_stmt *u;
		if ((rc = gt_stmt_open(gt_decide_conn(d), GT_Q_GREEN_UNLOCK_BY_ACTION, &u, err)) <
		    0)
			return rc;
		gt_stmt_bind_text(u, 1, id, (size_t)-1);
		gt_stmt_bind_text(u, 2, ref, (size_t)-1);
		rc = gt_stmt_step(u, err);
		if (rc == 1)
			rc = gt_fail(err, GT_EEXIST,
				     "action %s already unlocked from pool \"%s\" "
				     "(entry %lld)",
				     ref, id, (long long)gt_stmt_i64(u, 0));
		gt_stmt_close(u);
		if (rc < 0)
			return rc;
		*amount = gt_stmt_i64(st, 7);
		json_object_set_new(extra, "action", json_string(ref));
		return 0;
	}
	int64_t per = gt_stmt_i64(st, 8), g, balance;
	if (action || !json_is_integer(grams))
		return gt_fail(
			err, GT_EINVAL,
			"pool \"%s\" unlocks per energy: give \"grams\" (a multiple of %lld)", id,
			(long long)per);
	g = (int64_t)json_integer_value(grams);
	if (g < per || g > 10000000 || g % per)
		return gt_fail(err, GT_EINVAL, "grams must be a multiple of %lld, at most 10000000",
			       (long long)per);
	int rc = gt_green_balance(gt_decide_conn(d), me, &balance, err);
	if (rc < 0)
		return rc;
	if (balance < g)
		return gt_fail(err, GT_ESTATE, "your balance is %lld g, not %lld",
			       (long long)balance, (long long)g);
	*amount = g / per * gt_stmt_i64(st, 7);
	json_object_set_new(extra, "grams", json_integer((json_int_t)g));
	return 0;
}

int gt_green_unlock_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"pool", "campaign", "action", "grams", NULL};
	char me[GT_PSEUDO_LEN + 1];
	const char *id = NULL, *campaign = NULL;
	int rc = gt_green_me(d, me, err);
	if (rc == 0)
		rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "pool", 40, true, &id, err);
	if (rc == 0)
		rc = gt_json_slug(in, "campaign", 40, true, &campaign, err);
	gt_stmt *st;
	if (rc < 0 || (rc = S_pool(gt_decide_conn(d), id, &st, err)) < 0)
		return rc;
	int64_t now = gt_decide_now_ms(d), starts = 0, ends = 0, amount = 0;
	int64_t budget = gt_stmt_i64(st, 4), unlocked = gt_stmt_i64(st, 15);
	char currency[4], sponsor[GT_ORG_ID_MAX + 5];
	snprintf(currency, sizeof(currency), "%s", gt_stmt_text(st, 3, NULL));
	snprintf(sponsor, sizeof(sponsor), "org:%s", gt_stmt_text(st, 1, NULL));
	json_t *extra = json_pack("{s:s, s:s, s:s}", "pool", id, "sponsor", sponsor, "user", me);
	if (!gt_stmt_is_null(st, 14))
		rc = gt_fail(err, GT_ESTATE, "pool \"%s\" is closed", id);
	else if (!gt_stmt_is_null(st, 10) &&
		 gt_time_parse(gt_stmt_text(st, 10, NULL), &starts) == 0 && now < starts)
		rc = gt_fail(err, GT_ESTATE, "pool \"%s\" opens at %s", id,
			     gt_stmt_text(st, 10, NULL));
	else if (!gt_stmt_is_null(st, 11) &&
		 gt_time_parse(gt_stmt_text(st, 11, NULL), &ends) == 0 && now >= ends)
		rc = gt_fail(err, GT_ESTATE, "pool \"%s\" ended at %s", id,
			     gt_stmt_text(st, 11, NULL));
	else if (!S_in_list(gt_stmt_text(st, 5, NULL), campaign))
		rc = gt_fail(err, GT_ESTATE, "pool \"%s\" gives to the campaigns %s, not \"%s\"",
			     id, gt_stmt_text(st, 5, NULL), campaign);
	if (rc == 0)
		rc = S_unlock_amount(d, st, in, me, &amount, extra, err);
	int64_t cap = gt_stmt_is_null(st, 9) ? 0 : gt_stmt_i64(st, 9);
	gt_stmt_close(st);
	if (rc == 0 && amount > budget - unlocked)
		rc = gt_fail(err, GT_ESTATE, "pool \"%s\" has %lld left, not %lld", id,
			     (long long)(budget - unlocked), (long long)amount);
	if (rc == 0 && cap) {
		gt_stmt *u;
		if ((rc = gt_stmt_open(gt_decide_conn(d), GT_Q_GREEN_UNLOCK_USER_SUM, &u, err)) ==
		    0) {
			gt_stmt_bind_text(u, 1, id, (size_t)-1);
			gt_stmt_bind_text(u, 2, me, (size_t)-1);
			rc = gt_stmt_step(u, err);
			int64_t mine = rc == 1 ? gt_stmt_i64(u, 0) : 0;
			gt_stmt_close(u);
			rc = rc < 0 ?
				     rc :
			     mine + amount > cap ?
				     gt_fail(err, GT_ESTATE,
					     "pool \"%s\" gives at most %lld per user; you have unlocked "
					     "%lld",
					     id, (long long)cap, (long long)mine) :
				     0;
		}
	}
	if (rc < 0) {
		json_decref(extra);
		return rc;
	}
	json_t *data = json_pack("{s:s, s:s, s:s, s:I}", "pool", id, "user", me, "campaign",
				 campaign, "amount", (json_int_t)amount);
	static const char *const credit[] = {"action", "grams"};
	for (size_t k = 0; k < 2; k++)
		if (json_object_get(extra, credit[k]))
			json_object_set(data, credit[k], json_object_get(extra, credit[k]));
	uint64_t donation, index;
	char code[GT_GIVE_CODE_LEN + 1];
	rc = gt_give_donate_for(d, campaign, amount, currency, "pool", extra, &donation, code, err);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	json_object_set_new(data, "donation", json_integer((json_int_t)donation));
	if ((rc = gt_decide_emit(d, "green.unlock", data, &index, err)) == 0)
		gt_decide_reply(d, json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:I}", "index",
					     (json_int_t)index, "donation", (json_int_t)donation,
					     "receipt", code, "campaign", campaign, "amount",
					     (json_int_t)amount, "currency", currency, "left",
					     (json_int_t)(budget - unlocked - amount)));
	return rc;
}

int gt_green_unlock_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	const char *user = gt_green_opt(v, "user"), *pool = gt_green_opt(v, "pool");
	int64_t amount = gt_green_int(v, "amount");
	const json_t *grams = json_object_get(v, "grams");
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GREEN_UNLOCK_PUT, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, (int64_t)e->index);
	gt_stmt_bind_text(st, 2, pool, (size_t)-1);
	gt_stmt_bind_text(st, 3, user, (size_t)-1);
	gt_stmt_bind_text(st, 4, gt_green_opt(v, "campaign"), (size_t)-1);
	gt_stmt_bind_i64(st, 5, amount);
	S_bind_opt_text(st, 6, gt_green_opt(v, "action"));
	S_bind_opt_int(st, 7, v, "grams");
	gt_stmt_bind_i64(st, 8, gt_green_int(v, "donation"));
	gt_stmt_bind_text(st, 9, e->at, (size_t)-1);
	rc = gt_stmt_step(st, err);
	gt_stmt_close(st);
	int64_t r = rc < 0 ? rc : gt_store_exec(c, GT_Q_GREEN_POOL_SPEND, err, "ti", pool, amount);
	if (r >= 0 && grams) {
		r = gt_store_exec(c, GT_Q_GREEN_USER_ADD, err, "tiii", user, (int64_t)0,
				  (int64_t)json_integer_value(grams), (int64_t)0);
		if (r >= 0)
			r = gt_store_exec(c, GT_Q_GREEN_SUM_ADD, err, "ti", "spent",
					  (int64_t)json_integer_value(grams));
	}
	return r < 0 ? (int)r : 0;
}
