/* goodtrace audit's replay of the green module: the green.* entries of a
 * log, in log order, into the public totals GET /api/v1/green/totals gives
 * (docs/green.md: energy, kinds, trees, species, sites, partners, pools),
 * and the comparison of those with a server's answer.
 *
 * Pure: entries in, totals out; no files, no network, no store. Memory is
 * per user (their balance), per tree ordered (8 bytes), per species, site,
 * planting, pool, kind and day, and per user and day of the last
 * GT_GREEN_WINDOW days only: a log of millions of actions is replayed
 * without keeping its actions. */
#ifndef GT_GREEN_AUDIT_H
#define GT_GREEN_AUDIT_H

#include "core/error.h"
#include "ledger/ledger.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gt_green_audit gt_green_audit;

/* A new, empty replay. 0 or GT_ENOMEM. */
int gt_green_audit_new(gt_green_audit **ret, gt_error *err);
void gt_green_audit_free(gt_green_audit *a);

/* The next entry of the log, as its bytes: feed it every entry, in
 * increasing index order. Entries of other modules are passed over without
 * a full parse (except a donation from a sponsor pool, which its
 * green.unlock names). A green entry that is malformed (a missing or
 * ill-typed field, an unknown green type) or contradicts the entries
 * before it (energy collected that was not earned, a balance spent below
 * zero, a tree planted out of turn or twice, a survival check out of
 * order, a pool overspent, ...) is GT_ECORRUPT with a message that starts
 * "entry N (green.TYPE): ". GT_ENOMEM. */
int gt_green_audit_add(gt_green_audit *a, uint64_t index, const uint8_t *data, size_t len,
		       gt_error *err);

/* The same for an entry already parsed (gt_entry_parse); entries of other
 * modules are ignored, but for pool donations. */
int gt_green_audit_entry(gt_green_audit *a, const gt_entry *e, gt_error *err);

/* How many green entries were replayed. */
uint64_t gt_green_audit_entries(const gt_green_audit *a);

/* The totals at time now_ms (milliseconds since the epoch: it decides what
 * has expired and what is pending), a new JSON object shaped as
 * GET /api/v1/green/totals answers:
 * {"as_of", "energy": {"credited", "collected", "expired", "pending",
 *  "spent", "actions", "kinds": [{"kind", "grams", "actions"}]},
 *  "trees": {"ordered", "planted", "surviving"},
 *  "species": [{"id", "name", "planter", "ordered", "planted", "surviving"}],
 *  "sites": [{"id", "name", "planter", "plantings", "planted", "surviving"}],
 *  "partners": [{"planter", "ordered", "planted", "surviving"}],
 *  "pools": [{"id", "sponsor", "name", "currency", "budget", "unlocked",
 *   "left", "unlocks", "campaigns", "user_cap", "starts", "ends", "index",
 *   "at", "closed", "per_action" | "per_energy"}]}
 * (kinds, species and sites sorted by their id, partners by planter, pools
 * in the order of the log). NULL when out of memory. */
json_t *gt_green_audit_totals(const gt_green_audit *a, int64_t now_ms);

/* ---- comparing --------------------------------------------------------- */

/* Told one difference: where (e.g. "energy.credited", "energy.kinds
 * walk.grams", "species saxaul.planted") and the two values as compact
 * JSON ("nothing" for a missing one). */
typedef void (*gt_green_audit_diff_fn)(void *ctx, const char *path, const char *log_says,
				       const char *server_says);

/* Compare the log's totals with a server's answer: every member of the
 * log's objects but the top "as_of" (members only the server has are not
 * compared); arrays of objects matched by their "id", "kind" or "planter"
 * (missing and extra elements both reported), other arrays as one value;
 * numbers by value. fn is called for each difference; returns how many
 * there were. */
size_t gt_green_audit_compare(const json_t *log, const json_t *server, gt_green_audit_diff_fn fn,
			      void *ctx);

#endif
