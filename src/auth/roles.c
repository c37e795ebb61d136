/* The roles and the role matrix: the one place that says which role may do what. */
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>

const char *const gt_roles[] = {
	"regulator", "manufacturer", "distributor", "clinic",	 "charity", "ngo",
	"sponsor",   "planter",	     "publisher",   "processor", "app",	    "admin", NULL,
};

bool gt_role_valid(const char *name)
{
	for (size_t i = 0; name && gt_roles[i]; i++)
		if (strcmp(gt_roles[i], name) == 0)
			return true;
	return false;
}

/* Each action with the roles allowed to perform it ("*": every role).
 * Ownership (an organisation acting only on its own things) is checked by
 * the action's decide, on top of this. */
static const struct {
	const char *action;
	const char *roles; /* space-separated */
} S_matrix[] = {
	/* organisations and access */
	{"org.create", "admin"},
	{"org.update", "*"}, /* admin: any org; others: their own */
	{"token.create", "admin"},
	{"token.list", "*"},   /* admin: all; others: their own org's */
	{"token.revoke", "*"}, /* admin: any; others: their own org's */
	/* publishing a document's hash */
	{"org.attest", "*"},
	/* traceability: a maker registers its own products, batches, packs */
	{"trace.product.register", "manufacturer"},
	{"trace.batch.register", "manufacturer"},
	{"trace.pack.register", "manufacturer"},
	/* recalls: only regulators flag batches and lift the flags */
	{"trace.recall", "regulator"},
	{"trace.recall.lift", "regulator"},
	/* custody: the supply chain records what it handles (EPCIS events) */
	{"trace.event.capture", "manufacturer distributor clinic"},
	/* recall notices: holders read theirs, acknowledge them and set webhooks;
	 * regulators see every holder of a recall and who has not acknowledged */
	{"trace.notice.read", "manufacturer distributor clinic"},
	{"trace.notice.ack", "manufacturer distributor clinic"},
	{"trace.webhook.manage", "manufacturer distributor clinic"},
	{"trace.recall.holders", "regulator"},
	/* donations: charities run campaigns and spend them; payment processors
	 * record donations to any open campaign; admins verify campaigns and
	 * review reports; a payee confirms what it received */
	{"give.campaign.create", "charity"},
	{"give.campaign.documents", "charity"},
	{"give.campaign.close", "charity"},
	{"give.campaign.verify", "admin"},
	{"give.work.create", "charity"},
	{"give.donation.record", "charity processor"},
	{"give.refund", "charity"},
	{"give.disburse", "charity"},
	{"give.file.upload", "charity"},
	{"give.confirm", "*"},
	{"give.report.review", "admin"},
	/* volunteering: an NGO posts opportunities and manages its own (QR codes,
	 * sign-ups, sessions, hours); volunteers act on their own profile,
	 * sign-ups and sessions with their personal key ("*" never includes them:
	 * they are people, not organisations) */
	{"vol.opportunity.create", "ngo"},
	{"vol.opportunity.manage", "ngo"},
	{"vol.candidates", "ngo admin"},
	{"vol.volunteer", "volunteer"},
	/* green energy and trees: partner apps report their users' low-carbon
	 * actions; admins change the rule table; planting partners publish their
	 * species and sites and record plantings and survival; sponsors fund
	 * pools; users act on their own energy, trees and unlocks with their
	 * personal key (a person: "*" never includes them) */
	{"green.actions.report", "app"},
	{"green.rules.manage", "admin"},
	{"green.catalogue.manage", "planter"},
	{"green.planting.record", "planter"},
	{"green.pool.manage", "sponsor"},
	{"green.user", "user"},
};

static int S_find(const char *action)
{
	for (size_t i = 0; i < sizeof(S_matrix) / sizeof(S_matrix[0]); i++)
		if (strcmp(S_matrix[i].action, action) == 0)
			return (int)i;
	return -1;
}

bool gt_auth_action_known(const char *action)
{
	return action && S_find(action) >= 0;
}

static bool S_in(const char *list, const char *role)
{
	size_t n = strlen(role);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, role, n) == 0)
			return true;
		p += len + (e ? 1 : 0);
	}
	return false;
}

bool gt_auth_allowed(const char *action, const char *role)
{
	int i = action && role ? S_find(action) : -1;
	if (i >= 0 && (strcmp(role, GT_ROLE_VOLUNTEER) == 0 || strcmp(role, GT_ROLE_USER) == 0))
		return S_in(S_matrix[i].roles, role);
	if (i < 0 || !gt_role_valid(role))
		return false;
	return strcmp(S_matrix[i].roles, "*") == 0 || S_in(S_matrix[i].roles, role);
}

void gt_auth_allowed_roles(const char *action, char *out, size_t outlen)
{
	int i = action ? S_find(action) : -1;
	if (outlen == 0)
		return;
	out[0] = 0;
	if (i < 0)
		return;
	if (strcmp(S_matrix[i].roles, "*") == 0) {
		snprintf(out, outlen, "any organisation's role (not a person's key)");
		return;
	}
	size_t o = 0;
	for (const char *p = S_matrix[i].roles; *p && o + 1 < outlen; p++)
		out[o++] = *p == ' ' ? ',' : *p;
	out[o] = 0;
}
