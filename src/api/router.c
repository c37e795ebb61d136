/* The route table: every method and path the server answers, matched with
 * "{param}" segments. */
#include "api/api_int.h"

#include <stdlib.h>
#include <string.h>

/* The web pages catch everything else; the API and the log never fall
 * through to them. */
static const gt_route S_routes[] = {
	{"GET", "/healthz", gt_h_healthz, NULL, 0},
	{"GET", "/metrics", gt_h_metrics, NULL, 0},
	{"GET", "/log/checkpoint", gt_h_log_checkpoint, NULL, 0},
	{"GET", "/log/vkey", gt_h_log_vkey, NULL, 0},
	{"GET", "/log/tile/{path}", gt_h_log_tile, NULL, GT_ROUTE_REST},
	{"GET", "/api/v1/log/proof", gt_h_log_proof, NULL, 0},
	{"GET", "/api/v1/log/consistency", gt_h_log_consistency, NULL, 0},
	{"GET", "/api/v1/log/entries", gt_h_log_entries, NULL, 0},
	{"GET", "/api/v1/log/entries/{index}", gt_h_log_entry, NULL, 0},
	{"GET", "/api/v1/whoami", gt_h_whoami, NULL, GT_ROUTE_AUTH},
	{"POST", "/api/v1/orgs", gt_h_org_create, "org.create", GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/orgs", gt_h_org_list, NULL, 0},
	{"GET", "/api/v1/orgs/{id}", gt_h_org_get, NULL, 0},
	{"PATCH", "/api/v1/orgs/{id}", gt_h_org_update, "org.update",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/tokens", gt_h_token_create, "token.create",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/tokens", gt_h_token_list, "token.list", GT_ROUTE_AUTH},
	{"DELETE", "/api/v1/tokens/{id}", gt_h_token_revoke, "token.revoke", GT_ROUTE_AUTH},
	{"POST", "/api/v1/attestations", gt_h_attest_create, "org.attest",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/attestations/batch", gt_h_attest_batch, "org.attest",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/attestations", gt_h_attest_list, NULL, 0},
	{"POST", "/api/v1/products", gt_h_product_create, "trace.product.register",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/products", gt_h_product_list, NULL, 0},
	{"GET", "/api/v1/products/{gtin}", gt_h_product_get, NULL, 0},
	{"POST", "/api/v1/batches", gt_h_batch_create, "trace.batch.register",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/batches", gt_h_batch_get, NULL, 0},
	{"POST", "/api/v1/packs", gt_h_packs_create, "trace.pack.register",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/packs", gt_h_pack_get, NULL, 0},
	{"POST", "/api/v1/recalls", gt_h_recall_create, "trace.recall",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/recalls", gt_h_recall_list, NULL, 0},
	{"GET", "/api/v1/recalls/{id}", gt_h_recall_get, NULL, 0},
	{"POST", "/api/v1/recalls/{id}/lift", gt_h_recall_lift, "trace.recall.lift",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/recalls/{id}/holders", gt_h_recall_holders, "trace.recall.holders",
	 GT_ROUTE_AUTH},
	{"GET", "/api/v1/check", gt_h_check, NULL, 0},
	{"POST", "/api/v1/custody/{action}", gt_h_custody, "trace.event.capture",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/notifications", gt_h_notice_list, "trace.notice.read", GT_ROUTE_AUTH},
	{"POST", "/api/v1/notifications/{id}/ack", gt_h_notice_ack, "trace.notice.ack",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/webhooks", gt_h_webhook_create, "trace.webhook.manage",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/webhooks", gt_h_webhook_list, "trace.webhook.manage", GT_ROUTE_AUTH},
	{"DELETE", "/api/v1/webhooks/{id}", gt_h_webhook_delete, "trace.webhook.manage",
	 GT_ROUTE_AUTH},
	{"POST", "/epcis/capture", gt_h_epcis_capture, "trace.event.capture",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY | GT_ROUTE_DOC},
	{"GET", "/epcis/capture/{id}", gt_h_epcis_capture_get, NULL, 0},
	{"POST", "/epcis/events", gt_h_epcis_event_post, "trace.event.capture",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY | GT_ROUTE_DOC},
	{"GET", "/epcis/events", gt_h_epcis_events, NULL, 0},
	{"GET", "/epcis/events/{id}", gt_h_epcis_event_get, NULL, GT_ROUTE_REST},
	{"POST", "/api/v1/campaigns", gt_h_campaign_create, "give.campaign.create",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/campaigns", gt_h_campaign_list, NULL, 0},
	{"GET", "/api/v1/campaigns/{id}", gt_h_campaign_get, NULL, 0},
	{"GET", "/api/v1/campaigns/{id}/donations", gt_h_campaign_donations, NULL, 0},
	{"GET", "/api/v1/campaigns/{id}/disbursements", gt_h_campaign_disbursements, NULL, 0},
	{"POST", "/api/v1/campaigns/{id}/documents", gt_h_campaign_documents,
	 "give.campaign.documents", GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/campaigns/{id}/verify", gt_h_campaign_verify, "give.campaign.verify",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/campaigns/{id}/close", gt_h_campaign_close, "give.campaign.close",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/campaigns/{id}/reports", gt_h_campaign_report, NULL, GT_ROUTE_BODY},
	{"POST", "/api/v1/campaigns/{id}/works", gt_h_work_create, "give.work.create",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/campaigns/{id}/works", gt_h_work_list, NULL, 0},
	{"GET", "/api/v1/reports", gt_h_report_list, "give.report.review", GT_ROUTE_AUTH},
	{"POST", "/api/v1/reports/{id}/resolve", gt_h_report_resolve, "give.report.review",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/donations", gt_h_donation_create, "give.donation.record",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/donations/batch", gt_h_donation_batch, "give.donation.record",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY | GT_ROUTE_DOC},
	{"POST", "/api/v1/refunds", gt_h_refund_create, "give.refund", GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/disbursements", gt_h_disbursement_create, "give.disburse",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/disbursements/{index}", gt_h_disbursement_get, NULL, 0},
	{"GET", "/api/v1/disbursements/{index}/funders", gt_h_disbursement_funders, NULL, 0},
	{"POST", "/api/v1/disbursements/{index}/confirm", gt_h_disbursement_confirm, "give.confirm",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"PUT", "/api/v1/files/{sha256}", gt_h_file_put, "give.file.upload",
	 GT_ROUTE_AUTH | GT_ROUTE_RAW},
	/* volunteering */
	{"GET", "/api/v1/volunteer/taxonomy", gt_h_vol_taxonomy, NULL, 0},
	{"GET", "/api/v1/volunteer/totals", gt_h_vol_totals, NULL, 0},
	{"POST", "/api/v1/opportunities", gt_h_opportunity_create, "vol.opportunity.create",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY | GT_ROUTE_DOC},
	{"GET", "/api/v1/opportunities", gt_h_opportunity_list, NULL, 0},
	{"GET", "/api/v1/opportunities/{id}", gt_h_opportunity_get, NULL, 0},
	{"POST", "/api/v1/opportunities/{id}/close", gt_h_opportunity_close, "vol.opportunity.manage",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/opportunities/{id}/slots/{slot}/code", gt_h_opportunity_code,
	 "vol.opportunity.manage", GT_ROUTE_AUTH},
	{"GET", "/api/v1/opportunities/{id}/signups", gt_h_opportunity_signups,
	 "vol.opportunity.manage", GT_ROUTE_AUTH},
	{"POST", "/api/v1/opportunities/{id}/signups", gt_h_signup_create, "vol.volunteer",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/opportunities/{id}/candidates", gt_h_opportunity_candidates,
	 "vol.candidates", GT_ROUTE_AUTH},
	{"POST", "/api/v1/volunteers", gt_h_volunteer_register, NULL, GT_ROUTE_BODY | GT_ROUTE_DOC},
	{"GET", "/api/v1/volunteers/{id}", gt_h_volunteer_get, "vol.volunteer", GT_ROUTE_AUTH},
	{"PUT", "/api/v1/volunteers/{id}", gt_h_volunteer_update, "vol.volunteer",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY | GT_ROUTE_DOC},
	{"DELETE", "/api/v1/volunteers/{id}", gt_h_volunteer_erase, "vol.volunteer", GT_ROUTE_AUTH},
	{"POST", "/api/v1/volunteers/{id}/key", gt_h_volunteer_rekey, "vol.volunteer",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/volunteers/{id}/matches", gt_h_volunteer_matches, "vol.volunteer",
	 GT_ROUTE_AUTH},
	{"GET", "/api/v1/volunteers/{id}/signups", gt_h_volunteer_signups, "vol.volunteer",
	 GT_ROUTE_AUTH},
	{"GET", "/api/v1/volunteers/{id}/sessions", gt_h_volunteer_sessions, "vol.volunteer",
	 GT_ROUTE_AUTH},
	{"POST", "/api/v1/signups/{index}/cancel", gt_h_signup_cancel, "vol.volunteer",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/signups/{index}/decide", gt_h_signup_decide, "vol.opportunity.manage",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/checkins", gt_h_checkin, "vol.volunteer", GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/checkouts", gt_h_checkout, "vol.volunteer", GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/sessions", gt_h_org_sessions, "vol.opportunity.manage", GT_ROUTE_AUTH},
	{"POST", "/api/v1/sessions", gt_h_session_record, "vol.opportunity.manage",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/sessions/{index}/hours", gt_h_session_hours, "vol.opportunity.manage",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/sessions/{index}/dispute", gt_h_session_dispute, "vol.volunteer",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/sessions/{index}/disputes", gt_h_session_disputes, "vol.opportunity.manage",
	 GT_ROUTE_AUTH},
	/* green energy, trees and sponsor pools */
	{"POST", "/api/v1/green/users", gt_h_green_register, NULL, GT_ROUTE_BODY},
	{"GET", "/api/v1/green/me", gt_h_green_me, "green.user", GT_ROUTE_AUTH},
	{"POST", "/api/v1/green/me/key", gt_h_green_rekey, "green.user",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/green/me/collect", gt_h_green_collect, "green.user",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/green/me/trees", gt_h_green_redeem, "green.user",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/green/rules", gt_h_green_rules, NULL, 0},
	{"PUT", "/api/v1/green/rules/{kind}", gt_h_green_rule_put, "green.rules.manage",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"POST", "/api/v1/green/actions", gt_h_green_actions, "green.actions.report",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY | GT_ROUTE_DOC},
	{"GET", "/api/v1/green/species", gt_h_green_species, NULL, 0},
	{"PUT", "/api/v1/green/species/{id}", gt_h_green_species_put, "green.catalogue.manage",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/green/sites", gt_h_green_sites, NULL, 0},
	{"PUT", "/api/v1/green/sites/{id}", gt_h_green_site_put, "green.catalogue.manage",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY | GT_ROUTE_DOC},
	{"POST", "/api/v1/green/plantings", gt_h_green_planting_create, "green.planting.record",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY | GT_ROUTE_DOC},
	{"GET", "/api/v1/green/plantings/{index}", gt_h_green_planting_get, NULL, 0},
	{"POST", "/api/v1/green/plantings/{index}/checks", gt_h_green_check_create,
	 "green.planting.record", GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/green/trees/{index}", gt_h_green_tree, NULL, 0},
	{"GET", "/api/v1/green/totals", gt_h_green_totals, NULL, 0},
	{"GET", "/api/v1/green/pools", gt_h_green_pools, NULL, 0},
	{"POST", "/api/v1/green/pools", gt_h_green_pool_create, "green.pool.manage",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/green/pools/{id}", gt_h_green_pool_get, NULL, 0},
	{"POST", "/api/v1/green/pools/{id}/close", gt_h_green_pool_close, "green.pool.manage",
	 GT_ROUTE_AUTH},
	{"POST", "/api/v1/green/pools/{id}/unlock", gt_h_green_unlock, "green.user",
	 GT_ROUTE_AUTH | GT_ROUTE_BODY},
	{"GET", "/api/v1/certificates/{ref}", gt_h_certificate, NULL, 0},
	{"GET", "/api/v1/files/{sha256}", gt_h_file_get, NULL, 0},
	{"GET", "/api/v1/receipts/{code}", gt_h_receipt_get, NULL, 0},
	{"GET", "/{path}", gt_h_web, NULL, GT_ROUTE_REST | GT_ROUTE_HIDDEN},
};

#define S_NROUTES (sizeof(S_routes) / sizeof(S_routes[0]))

size_t gt_api_route_count(void)
{
	return S_NROUTES;
}

size_t gt_api_route_index(const gt_route *route)
{
	return route ? (size_t)(route - S_routes) : S_NROUTES;
}

const gt_route *gt_api_route_at(size_t i)
{
	return i < S_NROUTES ? &S_routes[i] : NULL;
}

/* Whether path is under prefix ("/api" matches "/api" and "/api/..."). */
static bool S_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(path, prefix, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/* Match path against route's pattern. On a match returns true and, if
 * spans is given, sets the start and length of each parameter. */
static bool S_match(const gt_route *route, const char *path, size_t spans[][2])
{
	if ((route->flags & GT_ROUTE_HIDDEN) &&
	    (S_under(path, "/api") || S_under(path, "/log") || strcmp(path, "/healthz") == 0 ||
	     strcmp(path, "/metrics") == 0))
		return false;
	const char *p = route->pattern, *s = path;
	size_t np = 0;
	while (*p) {
		if (*p != '{') {
			if (*p != *s)
				return false;
			p++, s++;
			continue;
		}
		const char *close = strchr(p, '}');
		size_t len;
		if (close[1] == 0 && (route->flags & GT_ROUTE_REST))
			len = strlen(s);
		else
			len = strcspn(s, "/");
		if (len == 0 && !(route->flags & GT_ROUTE_REST))
			return false;
		if (spans && np < GT_API_PARAMS_MAX) {
			spans[np][0] = (size_t)(s - path);
			spans[np][1] = len;
		}
		np++;
		s += len;
		p = close + 1;
	}
	return *s == 0;
}

/* Add method to the comma-separated list allow (once). */
static void S_allow_add(char *allow, size_t allowlen, const char *method)
{
	size_t mlen = strlen(method);
	for (const char *a = allow; (a = strstr(a, method)) != NULL; a += mlen)
		if ((a == allow || a[-1] == ' ') && (a[mlen] == 0 || a[mlen] == ','))
			return;
	size_t n = strlen(allow);
	if (n + mlen + 3 > allowlen)
		return;
	if (n)
		memcpy(allow + n, ", ", 2), n += 2;
	memcpy(allow + n, method, mlen + 1);
}

int gt_api_route_match(gt_req *r, const char *method, const char *path, const gt_route **ret,
		       char *allow, size_t allowlen)
{
	const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
	size_t spans[GT_API_PARAMS_MAX][2];
	*ret = NULL;
	if (allowlen)
		allow[0] = 0;
	for (size_t i = 0; i < S_NROUTES; i++) {
		const gt_route *route = &S_routes[i];
		if (strcmp(route->method, want) != 0 || !S_match(route, path, spans))
			continue;
		size_t np = 0;
		for (const char *p = route->pattern; (p = strchr(p, '{')) != NULL; p++)
			np++;
		char *buf = malloc(strlen(path) + GT_API_PARAMS_MAX + 1);
		if (!buf)
			return GT_ENOMEM;
		char *w = buf;
		for (size_t k = 0; k < np && k < GT_API_PARAMS_MAX; k++) {
			memcpy(w, path + spans[k][0], spans[k][1]);
			w[spans[k][1]] = 0;
			r->param[k] = w;
			w += spans[k][1] + 1;
		}
		r->pbuf = buf;
		*ret = route;
		return 0;
	}
	for (size_t i = 0; i < S_NROUTES; i++) {
		const gt_route *route = &S_routes[i];
		if (!S_match(route, path, NULL))
			continue;
		S_allow_add(allow, allowlen, route->method);
		if (strcmp(route->method, "GET") == 0)
			S_allow_add(allow, allowlen, "HEAD");
	}
	return 0;
}

void gt_api_routes_print(FILE *out)
{
	for (size_t i = 0; i < S_NROUTES; i++)
		if (!(S_routes[i].flags & GT_ROUTE_HIDDEN))
			fprintf(out, "%s %s\n", S_routes[i].method, S_routes[i].pattern);
}
