/* Traceability of vaccines and medicines: products, batches and serialised
 * packs (this file); custody events (epcis.h); recalls, their notices and
 * holders' acknowledgements (below); the public check is in the API.
 *
 * Entry types / commands (all by a manufacturer, for itself):
 *   trace.product  register a product: {"gtin" (14 digits, check digit
 *                  right), "name", "form", "kind": "vaccine"|"medicine",
 *                  "cn_prefix"? (the 7-digit product code of 20-digit
 *                  Chinese drug traceability codes)}. The maker is the
 *                  registering organisation. A GTIN, and a cn_prefix, is
 *                  registered once.
 *   trace.batch    register a batch of one of the maker's own products:
 *                  {"gtin", "lot" (GS1 AI 10: 1-20 characters of GS1's 82),
 *                  "manufactured", "expiry" (YYYY-MM-DD), "quantity"}. A lot
 *                  is never reused for the same GTIN.
 *   trace.packs    register serialised packs of one of the maker's batches:
 *                  {"gtin", "lot", "serials": [AI 21 values]} (1 to
 *                  GT_TRACE_PACKS_MAX, all or nothing). A serial is never
 *                  reused for the same GTIN, and a batch holds at most its
 *                  quantity of packs. */
/*   trace.recall, trace.recall.lift: see recall.c. A recall gives a notice
 *                  to every holder (custody, epcis.h) of every batch it covers.
 *   trace.notice.ack  a holder acknowledges a notice: {"notice", "action"
 *                  (gt_trace_ack_actions), "quantity"?, "note"?}; once.
 *   trace.webhook.add {"url"}, trace.webhook.remove {"id"}: private commands
 *                  (nothing on the log) of an organisation for its webhooks
 *                  (at most GT_TRACE_WEBHOOKS_MAX; the reply to add holds the
 *                  signing secret, shown once); trace.webhook.progress: the
 *                  server's record of deliveries. */
#ifndef GT_TRACE_TRACE_H
#define GT_TRACE_TRACE_H

#include "ledger/ledger.h"

#define GT_TRACE_PACKS_MAX 1000
#define GT_TRACE_NAME_MAX 200
#define GT_TRACE_FORM_MAX 60
#define GT_TRACE_QUANTITY_MAX 1000000000
#define GT_TRACE_WEBHOOKS_MAX 5 /* webhooks of one organisation */

/* What a holder did with a recalled batch (trace.notice.ack "action"):
 * "quarantined", "returned", "destroyed", "none_held"; NULL-terminated. */
extern const char *const gt_trace_ack_actions[];

extern const gt_module gt_trace_module;

#endif
