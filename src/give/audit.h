/* goodtrace audit's replay: the give entries of a log, in log order,
 * through the allocation rule (give/stream.h, one stream per campaign),
 * into every campaign's public accounts and status as
 * GET /api/v1/campaigns/{id} gives them (docs/give.md); and the comparison
 * of those with a server's answer, field by field.
 *
 * Pure: entries in, accounts out; no files, no network. Memory per
 * donation is fixed and small (its place in the stream, its entry index,
 * and 16 bytes for each distinct donor): a campaign of millions of
 * donations is replayed without a JSON value or an allocation per
 * donation. */
#ifndef GT_GIVE_AUDIT_H
#define GT_GIVE_AUDIT_H

#include "core/error.h"
#include "give/stream.h"
#include "ledger/ledger.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gt_audit gt_audit;

typedef struct gt_audit_options {
	/* How many donations to keep for comparing receipts: that many spread
	 * evenly over all the donations of the log (all if there are fewer);
	 * 0 keeps none. */
	size_t sample;
} gt_audit_options;

/* A new, empty replay (opt may be NULL). 0 or GT_ENOMEM. */
int gt_audit_new(const gt_audit_options *opt, gt_audit **ret, gt_error *err);
void gt_audit_free(gt_audit *a);

/* The next entry of the log, as its bytes (entries come in increasing
 * index order). Entries of other modules are passed over without a full
 * parse. A give entry that is malformed (a missing or ill-typed field, an
 * unknown give type) or contradicts the entries before it (an unknown
 * campaign, a campaign id used twice, a refund of more than the donation's
 * unspent part, a disbursement over the balance, ...) is GT_ECORRUPT with a
 * message that starts "entry N (give.TYPE): ". GT_ENOMEM. */
int gt_audit_add(gt_audit *a, uint64_t index, const uint8_t *data, size_t len, gt_error *err);

/* The same for an entry already parsed (gt_entry_parse); entries of other
 * modules are ignored. */
int gt_audit_entry(gt_audit *a, const gt_entry *e, gt_error *err);

/* The campaigns, in the order of the log. */
size_t gt_audit_ncampaigns(const gt_audit *a);
const char *gt_audit_campaign_id(const gt_audit *a, size_t c);
const char *gt_audit_campaign_currency(const gt_audit *a, size_t c);
/* The campaign's number, or -1 if the log has no campaign of that id. */
long gt_audit_campaign_find(const gt_audit *a, const char *id);

/* The campaign's status at time now_ms (milliseconds since the epoch):
 * "suspended" while an admin's last verification says so, else "closed"
 * once closed by its charity or once its donations reached its cap, else
 * "upcoming" before starts, "ended" from ends, "open" in between. */
const char *gt_audit_status(const gt_audit *a, size_t c, int64_t now_ms);

/* The campaign's accounts, a new JSON object as the API gives them:
 * {"raised","refunded","spent","balance","donations","donors","anonymous",
 *  "disbursements","by_category":[{"category","amount","count"}] (sorted by
 *  category), "days":[{"day","raised","refunded","spent","donations"}]
 *  (UTC days of the entries' "at", oldest first)}. NULL when out of memory. */
json_t *gt_audit_accounts(const gt_audit *a, size_t c);

/* Every donation of the log, all campaigns. */
uint64_t gt_audit_ndonations(const gt_audit *a);

/* The donations kept for comparing receipts: min(sample, donations),
 * spread evenly over the donations in log order. */
typedef struct gt_audit_sample {
	size_t campaign;   /* its number */
	uint64_t donation; /* its number in the campaign's stream */
	uint64_t index;	   /* its entry */
	const char *code;  /* its receipt code, as written on the log */
} gt_audit_sample;

size_t gt_audit_nsamples(const gt_audit *a);
void gt_audit_sample_get(const gt_audit *a, size_t i, gt_audit_sample *out);

/* Where donation d (its number) of campaign c went: gt_give_follow, with
 * each part's disbursement given as its entry index instead of its
 * number. 0 or GT_ENOTFOUND. */
int gt_audit_follow(const gt_audit *a, size_t c, uint64_t d, gt_give_part *parts, size_t max,
		    size_t *nparts, int64_t *unspent, int64_t *refunded);

/* ---- comparing --------------------------------------------------------- */

/* Told one difference: where (e.g. "accounts.spent",
 * "accounts.days[2026-11-03].raised") and the two values as compact JSON
 * ("nothing" for a missing member). */
typedef void (*gt_audit_diff_fn)(void *ctx, const char *path, const char *log_says,
				 const char *server_says);

/* Compare what the log says with what the server says, below path (may be
 * ""): every member of the log's objects (members only the server has are
 * not compared), arrays of objects with a "day" or "category" member
 * matched by it (missing and extra elements both reported), other arrays
 * element by element, numbers by value. fn is called for each difference;
 * returns how many there were. */
size_t gt_audit_compare(const json_t *log, const json_t *server, const char *path,
			gt_audit_diff_fn fn, void *ctx);

#endif
