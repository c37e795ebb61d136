/* The rule table: grams of energy per action, with caps per user, kind and
 * day or month. Defaults in code, changes as "green.rule" entries. */
#include "green/green_int.h"
#include "core/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The defaults (docs/green.md): sorted by kind. */
static const gt_green_rule S_defaults[] = {
	{"bike", "metres", 1, 100, 150, 3000, true, -1},
	{"bus", "rides", 80, 1, 320, 6400, true, -1},
	{"metro", "rides", 52, 1, 260, 5200, true, -1},
	{"online_ticket", "tickets", 180, 1, 360, 1800, true, -1},
	{"paperless_bill", "bills", 5, 1, 15, 60, true, -1},
	{"reusable_cup", "cups", 20, 1, 60, 600, true, -1},
	{"walk", "steps", 1, 60, 296, 9176, true, -1},
};
#define S_NDEFAULTS (sizeof(S_defaults) / sizeof(S_defaults[0]))

static int S_cmp(const void *a, const void *b)
{
	return strcmp(((const gt_green_rule *)a)->kind, ((const gt_green_rule *)b)->kind);
}

const gt_green_rule *gt_green_rule_find(const gt_green_rule *rules, size_t n, const char *kind)
{
	gt_green_rule key;
	if (!kind || strlen(kind) > GT_GREEN_KIND_MAX)
		return NULL;
	snprintf(key.kind, sizeof(key.kind), "%s", kind);
	return bsearch(&key, rules, n, sizeof(*rules), S_cmp);
}

int64_t gt_green_rule_grams(const gt_green_rule *r, int64_t quantity)
{
	/* quantity <= 1e9 and grams <= 1e5: the product fits in 64 bits. */
	return quantity * r->grams / r->per;
}

int gt_green_rules_load(gt_store_conn *c, gt_green_rule *out, size_t *n, gt_error *err)
{
	memcpy(out, S_defaults, sizeof(S_defaults));
	*n = S_NDEFAULTS;
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GREEN_RULES, &st, err);
	if (rc < 0)
		return rc;
	while ((rc = gt_stmt_step(st, err)) == 1) {
		gt_green_rule r = {0};
		snprintf(r.kind, sizeof(r.kind), "%s", gt_stmt_text(st, 0, NULL));
		snprintf(r.unit, sizeof(r.unit), "%s", gt_stmt_text(st, 1, NULL));
		r.grams = gt_stmt_i64(st, 2);
		r.per = gt_stmt_i64(st, 3);
		r.daily_cap = gt_stmt_i64(st, 4);
		r.monthly_cap = gt_stmt_i64(st, 5);
		r.active = gt_stmt_i64(st, 6) != 0;
		r.idx = gt_stmt_i64(st, 7);
		gt_green_rule *old = (gt_green_rule *)gt_green_rule_find(out, *n, r.kind);
		if (old)
			*old = r;
		else if (*n < GT_GREEN_KINDS_MAX) {
			out[(*n)++] = r;
			qsort(out, *n, sizeof(*out), S_cmp);
		}
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : 0;
}

int gt_green_rules(gt_store_conn *c, json_t **ret, gt_error *err)
{
	gt_green_rule rules[GT_GREEN_KINDS_MAX];
	size_t n;
	int rc = gt_green_rules_load(c, rules, &n, err);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const gt_green_rule *r = &rules[i];
		json_t *o =
			json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:b}", "kind", r->kind, "unit",
				  r->unit, "grams", (json_int_t)r->grams, "per", (json_int_t)r->per,
				  "daily_cap", (json_int_t)r->daily_cap, "monthly_cap",
				  (json_int_t)r->monthly_cap, "active", r->active);
		json_object_set_new(o, "source",
				    r->idx < 0 ? json_string("default") :
						 json_integer((json_int_t)r->idx));
		json_array_append_new(list, o);
	}
	*ret = json_pack("{s:o}", "items", list);
	return *ret ? 0 : gt_fail(err, GT_ENOMEM, "out of memory");
}

/* A kind's name: [a-z][a-z0-9_]{0,31}. */
static bool S_kind_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > GT_GREEN_KIND_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int gt_green_rule_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"kind",	"unit",	       "grams",	 "per",
					   "daily_cap", "monthly_cap", "active", NULL};
	const char *kind, *unit;
	int64_t grams, per, daily, monthly;
	int rc = gt_json_only(in, keys, err);
	if (rc == 0 && !S_kind_valid(gt_green_opt(in, "kind")))
		rc = gt_fail(err, GT_EINVAL,
			     "kind must be 1 to 32 of a-z, 0-9 and _, "
			     "starting with a letter");
	kind = gt_green_opt(in, "kind");
	if (rc == 0)
		rc = gt_json_str(in, "unit", 1, GT_GREEN_UNIT_MAX, &unit, err);
	if (rc == 0)
		rc = gt_json_int(in, "grams", 1, 100000, &grams, err);
	if (rc == 0)
		rc = gt_json_int(in, "per", 1, 1000000, &per, err);
	if (rc == 0)
		rc = gt_json_int(in, "daily_cap", 1, 10000000, &daily, err);
	if (rc == 0)
		rc = gt_json_int(in, "monthly_cap", 1, 10000000, &monthly, err);
	if (rc == 0 && monthly < daily)
		rc = gt_fail(err, GT_EINVAL, "monthly_cap must be at least daily_cap");
	const json_t *active = json_object_get(in, "active");
	if (rc == 0 && active && !json_is_boolean(active))
		rc = gt_fail(err, GT_EINVAL, "active must be true or false");
	if (rc < 0)
		return rc;
	gt_green_book *b;
	if ((rc = gt_green_book_write(d, &b, err)) < 0)
		return rc;
	size_t n;
	const gt_green_rule *rules = gt_green_book_rules(b, &n);
	if (!gt_green_rule_find(rules, n, kind) && n >= GT_GREEN_KINDS_MAX) {
		gt_green_book_done(b);
		return gt_fail(err, GT_ESTATE, "the table holds at most %d kinds",
			       GT_GREEN_KINDS_MAX);
	}
	gt_green_rule r = {.grams = grams,
			   .per = per,
			   .daily_cap = daily,
			   .monthly_cap = monthly,
			   .active = !json_is_false(active),
			   .idx = (int64_t)gt_decide_next_index(d)};
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.unit, sizeof(r.unit), "%s", unit);
	json_t *data = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:b}", "kind", kind, "unit", unit,
				 "grams", (json_int_t)grams, "per", (json_int_t)per, "daily_cap",
				 (json_int_t)daily, "monthly_cap", (json_int_t)monthly, "active",
				 r.active);
	uint64_t index;
	rc = gt_decide_emit(d, "green.rule", data, &index, err);
	if (rc == 0) {
		gt_green_book_set_rule(b, &r);
		gt_decide_reply(d,
				json_pack("{s:s, s:I}", "kind", kind, "index", (json_int_t)index));
	}
	gt_green_book_done(b);
	return rc;
}

int gt_green_rule_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	int64_t r = gt_store_exec(
		c, GT_Q_GREEN_RULE_PUT, err, "ttiiiiii", gt_green_opt(v, "kind"),
		gt_green_opt(v, "unit"), gt_green_int(v, "grams"), gt_green_int(v, "per"),
		gt_green_int(v, "daily_cap"), gt_green_int(v, "monthly_cap"),
		(int64_t)json_is_true(json_object_get(v, "active")), (int64_t)e->index);
	return r < 0 ? (int)r : 0;
}
