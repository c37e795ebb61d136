/* Green energy and trees: users, the rule table, action reports,
 * collecting, the catalogue, redeeming, planting and survival, tree
 * certificates, totals and sponsor pools (docs/green.md). */
#include "api/api_int.h"
#include "core/time.h"
#include "green/green.h"

#include <stdlib.h>
#include <string.h>

/* The reply as it is (201 or 200), with "at" and (unless the reply says
 * otherwise: a report that wrote nothing) "index" when the command wrote an entry. */
static enum MHD_Result S_reply(gt_req *r, const gt_ledger_result *res, unsigned status)
{
	json_t *v = res->reply ? json_copy(res->reply) : json_object();
	if (v && res->count) {
		json_object_set_new(v, "at", json_string(res->at));
		if (!json_object_get(v, "index"))
			json_object_set_new(v, "index", json_integer((json_int_t)res->first));
	}
	return gt_api_json(r, status, v);
}

static enum MHD_Result S_created(gt_req *r, const gt_ledger_result *res)
{
	return S_reply(r, res, MHD_HTTP_CREATED);
}

static enum MHD_Result S_ok(gt_req *r, const gt_ledger_result *res)
{
	return S_reply(r, res, MHD_HTTP_OK);
}

/* Answer a read made by fn on a reader connection. */
typedef int (*S_read_fn)(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err);

static enum MHD_Result S_read(gt_req *r, S_read_fn fn)
{
	gt_store_conn *c;
	gt_error err = {0};
	json_t *v = NULL;
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	rc = fn(r, c, &v, &err);
	gt_store_reader_done(c);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	return gt_api_json(r, MHD_HTTP_OK, v);
}

/* The path's number, or 404 answered. */
static int S_index(gt_req *r, const char *what, int64_t *n, enum MHD_Result *ans)
{
	uint64_t v;
	if (gt_api_parse_u64(r->param[0], INT64_MAX, &v) < 0) {
		*ans = gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
				      "no %s \"%s\" (it is named by a number)", what, r->param[0]);
		return GT_ENOTFOUND;
	}
	*n = (int64_t)v;
	return 0;
}

/* ---- users and energy ------------------------------------------------------------------------ */

enum MHD_Result gt_h_green_register(gt_req *r)
{
	return gt_api_submit(r, "green.user.register", json_incref(r->json), S_created);
}

enum MHD_Result gt_h_green_rekey(gt_req *r)
{
	return gt_api_submit(r, "green.user.rekey", json_incref(r->json), S_ok);
}

static int S_me(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err)
{
	gt_green_book *b = gt_green_book_of(r->api->ledger);
	if (!b)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	return gt_green_me_json(b, c, r->who.org, gt_time_now_ms(), ret, err);
}

enum MHD_Result gt_h_green_me(gt_req *r)
{
	gt_green_book *b = gt_green_book_of(r->api->ledger);
	if (b && !gt_green_book_ready(b)) {
		/* Load the book on the writer (it follows the store there). */
		gt_ledger_result res;
		int rc = gt_ledger_call(r->api->ledger, "green.load", NULL, NULL, json_object(),
					&res);
		json_decref(res.reply);
		if (rc < 0)
			return gt_api_problem_code(r, rc, res.msg);
	}
	return S_read(r, S_me);
}

enum MHD_Result gt_h_green_collect(gt_req *r)
{
	return gt_api_submit(r, "green.collect", json_incref(r->json), S_ok);
}

enum MHD_Result gt_h_green_redeem(gt_req *r)
{
	return gt_api_submit(r, "green.redeem", json_incref(r->json), S_created);
}

/* ---- rules and actions ----------------------------------------------------------------------- */

static int S_rules(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err)
{
	(void)r;
	return gt_green_rules(c, ret, err);
}

enum MHD_Result gt_h_green_rules(gt_req *r)
{
	return S_read(r, S_rules);
}

enum MHD_Result gt_h_green_rule_put(gt_req *r)
{
	return gt_api_submit_param(r, "green.rule", "kind", false, S_ok);
}

enum MHD_Result gt_h_green_actions(gt_req *r)
{
	return gt_api_submit(r, "green.actions", json_incref(r->json), S_ok);
}

/* ---- trees ----------------------------------------------------------------------------------- */

static int S_species(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err)
{
	(void)r;
	return gt_green_species_json(c, ret, err);
}

enum MHD_Result gt_h_green_species(gt_req *r)
{
	return S_read(r, S_species);
}

enum MHD_Result gt_h_green_species_put(gt_req *r)
{
	return gt_api_submit_param(r, "green.species", "id", false, S_ok);
}

static int S_sites(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err)
{
	(void)r;
	return gt_green_sites_json(c, ret, err);
}

enum MHD_Result gt_h_green_sites(gt_req *r)
{
	return S_read(r, S_sites);
}

enum MHD_Result gt_h_green_site_put(gt_req *r)
{
	return gt_api_submit_param(r, "green.site", "id", false, S_ok);
}

enum MHD_Result gt_h_green_planting_create(gt_req *r)
{
	return gt_api_submit(r, "green.planting", json_incref(r->json), S_created);
}

static int S_planting(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err)
{
	return gt_green_planting_json(c, strtoll(r->param[0], NULL, 10), ret, err);
}

enum MHD_Result gt_h_green_planting_get(gt_req *r)
{
	int64_t n;
	enum MHD_Result ans;
	if (S_index(r, "planting", &n, &ans) < 0)
		return ans;
	return S_read(r, S_planting);
}

enum MHD_Result gt_h_green_check_create(gt_req *r)
{
	return gt_api_submit_param(r, "green.survival", "planting", true, S_created);
}

static int S_tree(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err)
{
	return gt_green_tree_json(c, strtoll(r->param[0], NULL, 10), ret, err);
}

enum MHD_Result gt_h_green_tree(gt_req *r)
{
	int64_t n;
	enum MHD_Result ans;
	if (S_index(r, "tree", &n, &ans) < 0)
		return ans;
	return S_read(r, S_tree);
}

static int S_totals(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err)
{
	(void)r;
	return gt_green_totals_json(c, gt_time_now_ms(), ret, err);
}

enum MHD_Result gt_h_green_totals(gt_req *r)
{
	return S_read(r, S_totals);
}

/* ---- pools ----------------------------------------------------------------------------------- */

static int S_pools(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err)
{
	(void)r;
	return gt_green_pools_json(c, gt_time_now_ms(), ret, err);
}

enum MHD_Result gt_h_green_pools(gt_req *r)
{
	return S_read(r, S_pools);
}

static int S_pool(gt_req *r, gt_store_conn *c, json_t **ret, gt_error *err)
{
	return gt_green_pool_json(c, r->param[0], gt_time_now_ms(), ret, err);
}

enum MHD_Result gt_h_green_pool_get(gt_req *r)
{
	return S_read(r, S_pool);
}

enum MHD_Result gt_h_green_pool_create(gt_req *r)
{
	return gt_api_submit(r, "green.pool", json_incref(r->json), S_created);
}

enum MHD_Result gt_h_green_pool_close(gt_req *r)
{
	return gt_api_submit_param(r, "green.pool.close", "id", false, S_ok);
}

enum MHD_Result gt_h_green_unlock(gt_req *r)
{
	return gt_api_submit_param(r, "green.unlock", "pool", false, S_created);
}
