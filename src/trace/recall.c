/* Recalls: a regulator flags a batch, a product's batches, or a maker's
 * batches manufactured in a date range, and can lift the flag. */
#include "core/json.h"
#include "core/time.h"
#include "trace/trace_int.h"

#include <stdio.h>
#include <string.h>

#define S_REASON_MAX 500

/* One integer of a one-row count query bound to up to three texts. */
static int S_count(gt_store_conn *c, gt_query q, const char *a, const char *b, const char *x,
		   int64_t *ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, q, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, a, (size_t)-1);
	if (b)
		gt_stmt_bind_text(st, 2, b, (size_t)-1);
	if (x)
		gt_stmt_bind_text(st, 3, x, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1)
		*ret = gt_stmt_i64(st, 0);
	gt_stmt_close(st);
	return rc < 0 ? rc : 0;
}

/* Whether one row of q bound to (a, b) exists: 1, 0, or an error. */
static int S_exists(gt_store_conn *c, gt_query q, const char *a, const char *b, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, q, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, a, (size_t)-1);
	if (b)
		gt_stmt_bind_text(st, 2, b, (size_t)-1);
	rc = gt_stmt_step(st, err);
	gt_stmt_close(st);
	return rc;
}

int gt_trace_recall_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {
		"scope",	   "gtin",  "lot",    "maker",	   "manufactured_from",
		"manufactured_to", "class", "reason", "effective", NULL};
	const char *scope, *gtin = NULL, *lot = NULL, *maker = NULL, *from = NULL, *to = NULL,
			   *reason, *effective = NULL;
	int64_t cls, eff_ms, batches = 0;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "recalls are made by regulators");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "scope", 1, 16, &scope, err);
	if (rc == 0 && strcmp(scope, "batch") != 0 && strcmp(scope, "product") != 0 &&
	    strcmp(scope, "maker") != 0)
		rc = gt_fail(err, GT_EINVAL, "scope must be \"batch\", \"product\" or \"maker\"");
	if (rc == 0)
		rc = gt_json_int(in, "class", 1, 3, &cls, err);
	if (rc == 0)
		rc = gt_json_text(in, "reason", S_REASON_MAX, true, &reason, err);
	if (rc == 0)
		rc = gt_json_str_opt(in, "effective", 40, &effective, err);
	if (rc == 0 && effective && gt_time_parse(effective, &eff_ms) < 0)
		rc = gt_fail(err, GT_EINVAL,
			     "effective must be a time like 2026-11-23T08:00:00Z, not \"%s\"",
			     effective);
	if (rc < 0)
		return rc;
	/* Each scope takes its own fields and no others. */
	bool is_batch = strcmp(scope, "batch") == 0, is_maker = strcmp(scope, "maker") == 0;
	static const char *const by_product[] = {"lot", "maker", "manufactured_from",
						 "manufactured_to"};
	for (size_t i = 0; i < sizeof(by_product) / sizeof(by_product[0]); i++) {
		const char *k = by_product[i];
		bool wanted = is_maker ? strcmp(k, "lot") != 0 : is_batch && strcmp(k, "lot") == 0;
		if (!wanted && json_object_get(in, k))
			return gt_fail(err, GT_EINVAL, "%s is not part of a %s recall", k, scope);
	}
	if (is_maker && json_object_get(in, "gtin"))
		return gt_fail(err, GT_EINVAL, "gtin is not part of a maker recall");
	gt_store_conn *c = gt_decide_conn(d);
	if (is_maker) {
		rc = gt_json_str(in, "maker", 1, 40, &maker, err);
		if (rc == 0)
			rc = gt_trace_date(in, "manufactured_from", &from, err);
		if (rc == 0)
			rc = gt_trace_date(in, "manufactured_to", &to, err);
		if (rc == 0 && strcmp(from, to) > 0)
			rc = gt_fail(err, GT_EINVAL,
				     "manufactured_from %s is after manufactured_to %s", from, to);
		if (rc == 0 && (rc = S_exists(c, GT_Q_ORG_GET, maker, NULL, err)) == 0)
			rc = gt_fail(err, GT_ENOTFOUND, "no organisation \"%s\"", maker);
		if (rc >= 0)
			rc = S_count(c, GT_Q_BATCH_COUNT_MAKER, maker, from, to, &batches, err);
	} else {
		rc = gt_trace_gtin(in, &gtin, err);
		if (rc == 0 && is_batch)
			rc = gt_json_str(in, "lot", 1, 20, &lot, err);
		if (rc == 0 && is_batch) {
			rc = S_exists(c, GT_Q_BATCH_GET, gtin, lot, err);
			if (rc == 0)
				rc = gt_fail(err, GT_ENOTFOUND, "no batch %s of %s", lot, gtin);
			batches = 1;
		} else if (rc == 0) {
			gt_stmt *st;
			rc = gt_trace_product(c, gtin, &st, err);
			if (rc == 0) {
				gt_stmt_close(st);
				rc = S_count(c, GT_Q_BATCH_COUNT_PRODUCT, gtin, NULL, NULL,
					     &batches, err);
			}
		}
	}
	if (rc < 0)
		return rc;
	char eff[GT_TIME_LEN + 1];
	if (effective)
		gt_time_format(eff_ms, eff); /* one canonical form */
	else
		snprintf(eff, sizeof(eff), "%s", gt_decide_at(d));
	json_t *data = json_pack("{s:s, s:I, s:s, s:s}", "scope", scope, "class", (json_int_t)cls,
				 "reason", reason, "effective", eff);
	if (data && gtin)
		json_object_set_new(data, "gtin", json_string(gtin));
	if (data && lot)
		json_object_set_new(data, "lot", json_string(lot));
	if (data && maker) {
		json_object_set_new(data, "maker", json_string(maker));
		json_object_set_new(data, "manufactured_from", json_string(from));
		json_object_set_new(data, "manufactured_to", json_string(to));
	}
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	json_t *reply = json_deep_copy(data);
	json_object_set_new(reply, "recall", json_integer((json_int_t)gt_decide_next_index(d)));
	json_object_set_new(reply, "batches", json_integer((json_int_t)batches));
	gt_decide_reply(d, reply);
	return gt_decide_emit(d, "trace.recall", data, NULL, err);
}

int gt_trace_recall_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	int64_t r = gt_store_exec(c, GT_Q_RECALL_PUT, err, "itttttttittt", (int64_t)e->index,
				  gt_entry_org(e), gt_trace_opt(v, "scope"), gt_trace_opt(v, "gtin"),
				  gt_trace_opt(v, "lot"), gt_trace_opt(v, "maker"),
				  gt_trace_opt(v, "manufactured_from"),
				  gt_trace_opt(v, "manufactured_to"),
				  (int64_t)json_integer_value(json_object_get(v, "class")),
				  gt_trace_opt(v, "reason"), gt_trace_opt(v, "effective"), e->at);
	if (r >= 0) /* every holder of every batch it covers is told */
		r = gt_store_exec(c, GT_Q_NOTICE_FOR_RECALL, err, "it", (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}

int gt_trace_lift_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"recall", "reason", NULL};
	int64_t id;
	const char *reason = NULL;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "recalls are lifted by regulators");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_int(in, "recall", 0, INT64_MAX, &id, err);
	if (rc == 0)
		rc = gt_json_text(in, "reason", S_REASON_MAX, false, &reason, err);
	if (rc < 0)
		return rc;
	gt_stmt *st;
	rc = gt_stmt_open(gt_decide_conn(d), GT_Q_RECALL_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, id);
	rc = gt_stmt_step(st, err);
	if (rc == 0)
		rc = gt_fail(err, GT_ENOTFOUND, "no recall %lld", (long long)id);
	else if (rc == 1 && strcmp(gt_stmt_text(st, 1, NULL), gt_decide_org(d)) != 0)
		rc = gt_fail(err, GT_EDENIED, "recall %lld was made by %s; only it can lift it",
			     (long long)id, gt_stmt_text(st, 1, NULL));
	else if (rc == 1 && !gt_stmt_is_null(st, 12))
		rc = gt_fail(err, GT_ESTATE, "recall %lld was already lifted at %s", (long long)id,
			     gt_stmt_text(st, 13, NULL));
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:I}", "recall", (json_int_t)id);
	if (data && reason)
		json_object_set_new(data, "reason", json_string(reason));
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	gt_decide_reply(d, json_deep_copy(data));
	return gt_decide_emit(d, "trace.recall.lift", data, NULL, err);
}

int gt_trace_lift_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t r = gt_store_exec(c, GT_Q_RECALL_LIFT, err, "iitt",
				  (int64_t)json_integer_value(json_object_get(e->data, "recall")),
				  (int64_t)e->index, e->at, gt_trace_opt(e->data, "reason"));
	return r < 0 ? (int)r : 0;
}
