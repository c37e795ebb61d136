/* What the files of src/trace share (not for other layers). */
#ifndef GT_TRACE_TRACE_INT_H
#define GT_TRACE_TRACE_INT_H

#include "store/store.h"
#include "trace/trace.h"

/* A string field of an entry's data, or NULL. */
const char *gt_trace_opt(const json_t *o, const char *key);

/* Field checks for decide: 0 with *ret set, or GT_EINVAL naming the field. */
int gt_trace_gtin(const json_t *in, const char **ret, gt_error *err); /* "gtin": a GTIN-14 */
/* A calendar date YYYY-MM-DD (years 2000 to 2199) in field key. */
int gt_trace_date(const json_t *in, const char *key, const char **ret, gt_error *err);

/* The columns of GT_Q_PRODUCT_GET for gtin, open for the caller to read and
 * close; GT_ENOTFOUND (nothing open) if there is no such product. */
int gt_trace_product(gt_store_conn *c, const char *gtin, gt_stmt **ret, gt_error *err);

/* The entry types (registry.c, recall.c). */
int gt_trace_product_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_trace_product_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_trace_batch_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_trace_batch_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_trace_packs_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_trace_packs_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_trace_recall_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_trace_recall_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_trace_lift_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_trace_lift_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
/* custody.c */
int gt_trace_capture_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_trace_event_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
/* notice.c */
int gt_trace_ack_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_trace_ack_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_trace_webhook_add_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_trace_webhook_remove_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_trace_webhook_progress_decide(gt_decide *d, const json_t *in, gt_error *err);

#endif
