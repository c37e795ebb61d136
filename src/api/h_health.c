/* GET /healthz: whether the ledger is taking writes, and how far the log
 * and the store are. */
#include "api/api_int.h"

enum MHD_Result gt_h_healthz(gt_req *r)
{
	gt_api *api = r->api;
	gt_ledger_stats ls;
	gt_ledger_stats_get(api->ledger, &ls);
	uint64_t applied = 0;
	gt_store_conn *c;
	bool ok = !ls.failed;
	if (gt_store_reader(api->store, &c, NULL) == 0) {
		if (gt_store_applied(c, &applied, NULL) < 0)
			ok = false;
		gt_store_reader_done(c);
	} else {
		ok = false;
	}
	json_t *v = json_pack("{s:s, s:I, s:I}", "status", ok ? "ok" : "unavailable", "log_size",
			      (json_int_t)gt_log_size(api->log), "applied", (json_int_t)applied);
	return gt_api_json(r, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, v);
}
