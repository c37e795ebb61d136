/* Products, batches and serialised packs (see trace.h). */
#include "trace/trace_int.h"
#include "core/json.h"
#include "trace/gs1.h"

#include <stdio.h>
#include <string.h>

const char *gt_trace_opt(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int gt_trace_gtin(const json_t *in, const char **ret, gt_error *err)
{
	const char *g;
	int rc = gt_json_str(in, "gtin", 14, 14, &g, err);
	if (rc < 0)
		return rc;
	if ((strlen(g) != 14 || !gt_gs1_digits(g, 14)))
		return gt_fail(err, GT_EINVAL, "gtin must be 14 digits (a GTIN-14)");
	int want = gt_gs1_check_digit(g, 13);
	if (g[13] - '0' != want)
		return gt_fail(err, GT_EINVAL, "gtin %s: its check digit should be %d", g, want);
	*ret = g;
	return 0;
}

/* A GS1 value (AI 10 lot, AI 21 serial): 1 to 20 characters of GS1's 82. */
static int S_gs1_value(const char *what, const char *v, gt_error *err)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 1 || n > 20 || !gt_gs1_cset82(v))
		return gt_fail(err, GT_EINVAL,
			       "%s must be 1 to 20 characters of the GS1 set (letters, digits "
			       "and !\"%%&'()*+,-./:;<=>?_)",
			       what);
	return 0;
}

int gt_trace_date(const json_t *in, const char *key, const char **ret, gt_error *err)
{
	const char *s;
	int rc = gt_json_str(in, key, 10, 10, &s, err);
	if (rc < 0)
		return rc;
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 0, m = 0, d = 0;
	bool shape = s[4] == '-' && s[7] == '-';
	for (int i = 0; shape && i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			shape = false;
	if (shape) {
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		m = (s[5] - '0') * 10 + (s[6] - '0');
		d = (s[8] - '0') * 10 + (s[9] - '0');
	}
	bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
	if (!shape || y < 2000 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return gt_fail(err, GT_EINVAL,
			       "%s must be a date YYYY-MM-DD (2000 to 2199), not \"%s\"", key, s);
	*ret = s;
	return 0;
}

int gt_trace_product(gt_store_conn *c, const char *gtin, gt_stmt **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_PRODUCT_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, gtin, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		*ret = st;
		return 0;
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no product with gtin %s", gtin);
}

/* The caller's own product gtin (GT_EDENIED if another maker's). */
static int S_own_product(gt_decide *d, const char *gtin, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_trace_product(gt_decide_conn(d), gtin, &st, err);
	if (rc < 0)
		return rc;
	if (strcmp(gt_stmt_text(st, 1, NULL), gt_decide_org(d)) != 0)
		rc = gt_fail(err, GT_EDENIED,
			     "product %s is registered by %s; a maker registers batches and packs "
			     "only of its own products",
			     gtin, gt_stmt_text(st, 1, NULL));
	gt_stmt_close(st);
	return rc;
}

/* ---- trace.product -------------------------------------------------------------- */

int gt_trace_product_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"gtin", "name", "form", "kind", "cn_prefix", NULL};
	const char *gtin, *name, *form, *kind, *cn = NULL;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "products are registered by their maker");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_trace_gtin(in, &gtin, err);
	if (rc == 0)
		rc = gt_json_text(in, "name", GT_TRACE_NAME_MAX, true, &name, err);
	if (rc == 0)
		rc = gt_json_text(in, "form", GT_TRACE_FORM_MAX, true, &form, err);
	if (rc == 0)
		rc = gt_json_str(in, "kind", 1, 16, &kind, err);
	if (rc == 0 && strcmp(kind, "vaccine") != 0 && strcmp(kind, "medicine") != 0)
		rc = gt_fail(err, GT_EINVAL, "kind must be \"vaccine\" or \"medicine\"");
	if (rc == 0)
		rc = gt_json_str_opt(in, "cn_prefix", 7, &cn, err);
	if (rc == 0 && cn && (strlen(cn) != 7 || !gt_gs1_digits(cn, 7)))
		rc = gt_fail(err, GT_EINVAL, "cn_prefix must be 7 digits");
	if (rc < 0)
		return rc;
	gt_store_conn *c = gt_decide_conn(d);
	gt_stmt *st;
	rc = gt_trace_product(c, gtin, &st, err);
	if (rc == 0) {
		rc = gt_fail(err, GT_EEXIST, "product %s is already registered (by %s)", gtin,
			     gt_stmt_text(st, 1, NULL));
		gt_stmt_close(st);
		return rc;
	}
	if (rc != GT_ENOTFOUND)
		return rc;
	if (cn) {
		rc = gt_stmt_open(c, GT_Q_PRODUCT_BY_CN, &st, err);
		if (rc < 0)
			return rc;
		gt_stmt_bind_text(st, 1, cn, (size_t)-1);
		rc = gt_stmt_step(st, err);
		if (rc == 1)
			rc = gt_fail(err, GT_EEXIST, "cn_prefix %s already belongs to product %s",
				     cn, gt_stmt_text(st, 0, NULL));
		gt_stmt_close(st);
		if (rc < 0)
			return rc;
	}
	json_t *data = json_pack("{s:s, s:s, s:s, s:s}", "gtin", gtin, "name", name, "form", form,
				 "kind", kind);
	if (data && cn)
		json_object_set_new(data, "cn_prefix", json_string(cn));
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	gt_decide_reply(d, json_deep_copy(data));
	return gt_decide_emit(d, "trace.product", data, NULL, err);
}

int gt_trace_product_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t r =
		gt_store_exec(c, GT_Q_PRODUCT_PUT, err, "ttttttit", gt_trace_opt(e->data, "gtin"),
			      gt_entry_org(e), gt_trace_opt(e->data, "name"),
			      gt_trace_opt(e->data, "form"), gt_trace_opt(e->data, "kind"),
			      gt_trace_opt(e->data, "cn_prefix"), (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}

/* ---- trace.batch ------------------------------------------------------------------ */

int gt_trace_batch_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"gtin",   "lot",	 "manufactured",
					   "expiry", "quantity", NULL};
	const char *gtin, *lot, *made, *expiry;
	int64_t qty;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "batches are registered by their maker");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_trace_gtin(in, &gtin, err);
	if (rc == 0)
		rc = gt_json_str(in, "lot", 1, 20, &lot, err);
	if (rc == 0)
		rc = S_gs1_value("lot", lot, err);
	if (rc == 0)
		rc = gt_trace_date(in, "manufactured", &made, err);
	if (rc == 0)
		rc = gt_trace_date(in, "expiry", &expiry, err);
	if (rc == 0 && strcmp(expiry, made) <= 0)
		rc = gt_fail(err, GT_EINVAL, "expiry %s must come after manufactured %s", expiry,
			     made);
	if (rc == 0)
		rc = gt_json_int(in, "quantity", 1, GT_TRACE_QUANTITY_MAX, &qty, err);
	if (rc == 0)
		rc = S_own_product(d, gtin, err);
	if (rc < 0)
		return rc;
	gt_stmt *st;
	rc = gt_stmt_open(gt_decide_conn(d), GT_Q_BATCH_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, gtin, (size_t)-1);
	gt_stmt_bind_text(st, 2, lot, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1)
		rc = gt_fail(err, GT_EEXIST,
			     "batch %s of %s is already registered: a lot is never reused", lot,
			     gtin);
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	json_t *data =
		json_pack("{s:s, s:s, s:s, s:s, s:I}", "gtin", gtin, "lot", lot, "manufactured",
			  made, "expiry", expiry, "quantity", (json_int_t)qty);
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	gt_decide_reply(d, json_deep_copy(data));
	return gt_decide_emit(d, "trace.batch", data, NULL, err);
}

int gt_trace_batch_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t r = gt_store_exec(c, GT_Q_BATCH_PUT, err, "tttttiit", gt_trace_opt(e->data, "gtin"),
				  gt_trace_opt(e->data, "lot"), gt_entry_org(e),
				  gt_trace_opt(e->data, "manufactured"),
				  gt_trace_opt(e->data, "expiry"),
				  (int64_t)json_integer_value(json_object_get(e->data, "quantity")),
				  (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}

/* ---- trace.packs ------------------------------------------------------------------ */

int gt_trace_packs_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"gtin", "lot", "serials", NULL};
	const char *gtin, *lot;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "packs are registered by their maker");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_trace_gtin(in, &gtin, err);
	if (rc == 0)
		rc = gt_json_str(in, "lot", 1, 20, &lot, err);
	const json_t *serials = json_object_get(in, "serials");
	if (rc == 0 && (!json_is_array(serials) || json_array_size(serials) == 0))
		rc = gt_fail(err, GT_EINVAL, "serials must be a non-empty array of serial numbers");
	if (rc == 0 && json_array_size(serials) > GT_TRACE_PACKS_MAX)
		rc = gt_fail(err, GT_ETOOBIG, "at most %d serials at once, not %zu",
			     GT_TRACE_PACKS_MAX, json_array_size(serials));
	size_t n = rc == 0 ? json_array_size(serials) : 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char what[32];
		snprintf(what, sizeof(what), "serials[%zu]", i);
		rc = S_gs1_value(what, json_string_value(json_array_get(serials, i)), err);
		for (size_t k = 0; rc == 0 && k < i; k++)
			if (json_equal(json_array_get(serials, k), json_array_get(serials, i)))
				rc = gt_fail(err, GT_EINVAL, "serials[%zu] repeats serials[%zu]", i,
					     k);
	}
	if (rc == 0)
		rc = S_own_product(d, gtin, err);
	if (rc < 0)
		return rc;
	gt_store_conn *c = gt_decide_conn(d);
	gt_stmt *st;
	rc = gt_stmt_open(c, GT_Q_BATCH_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, gtin, (size_t)-1);
	gt_stmt_bind_text(st, 2, lot, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 0)
		rc = gt_fail(err, GT_ENOTFOUND, "no batch %s of %s", lot, gtin);
	else if (rc == 1 && gt_stmt_i64(st, 6) + (int64_t)n > gt_stmt_i64(st, 5))
		rc = gt_fail(err, GT_ESTATE,
			     "batch %s of %s has a quantity of %lld and %lld packs: %zu more "
			     "would exceed it",
			     lot, gtin, (long long)gt_stmt_i64(st, 5),
			     (long long)gt_stmt_i64(st, 6), n);
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const char *serial = json_string_value(json_array_get(serials, i));
		rc = gt_stmt_open(c, GT_Q_PACK_GET, &st, err);
		if (rc < 0)
			return rc;
		gt_stmt_bind_text(st, 1, gtin, (size_t)-1);
		gt_stmt_bind_text(st, 2, serial, (size_t)-1);
		rc = gt_stmt_step(st, err);
		if (rc == 1)
			rc = gt_fail(err, GT_EEXIST,
				     "serials[%zu]: serial %s of %s is already registered (batch "
				     "%s): a serial is never reused",
				     i, serial, gtin, gt_stmt_text(st, 2, NULL));
		gt_stmt_close(st);
		if (rc < 0)
			return rc;
	}
	json_t *data = json_pack("{s:s, s:s, s:O}", "gtin", gtin, "lot", lot, "serials", serials);
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	gt_decide_reply(
		d, json_pack("{s:s, s:s, s:I}", "gtin", gtin, "lot", lot, "count", (json_int_t)n));
	return gt_decide_emit(d, "trace.packs", data, NULL, err);
}

int gt_trace_packs_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const char *gtin = gt_trace_opt(e->data, "gtin"), *lot = gt_trace_opt(e->data, "lot");
	const json_t *serials = json_object_get(e->data, "serials");
	size_t i;
	json_t *v;
	json_array_foreach(serials, i, v)
	{
		int64_t r = gt_store_exec(c, GT_Q_PACK_PUT, err, "ttti", gtin, json_string_value(v),
					  lot, (int64_t)e->index);
		if (r < 0)
			return (int)r;
	}
	int64_t r = gt_store_exec(c, GT_Q_BATCH_ADD_PACKS, err, "tti", gtin, lot,
				  (int64_t)json_array_size(serials));
	return r < 0 ? (int)r : 0;
}
