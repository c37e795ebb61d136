/* Traceability of vaccines and medicines: products, batches and serialised
 * packs (this file), custody events, recalls and the public check (later).
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
#ifndef GT_TRACE_TRACE_H
#define GT_TRACE_TRACE_H

#include "ledger/ledger.h"

#define GT_TRACE_PACKS_MAX 1000
#define GT_TRACE_NAME_MAX 200
#define GT_TRACE_FORM_MAX 60
#define GT_TRACE_QUANTITY_MAX 1000000000

extern const gt_module gt_trace_module;

#endif
