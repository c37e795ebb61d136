/* What the files of src/give share (not for other layers). */
#ifndef GT_GIVE_GIVE_INT_H
#define GT_GIVE_GIVE_INT_H

#include "give/give.h"
#include "store/store.h"

/* A string field of an entry's data, or NULL. */
const char *gt_give_opt(const json_t *o, const char *key);
/* An integer field of an entry's data (0 when absent). */
int64_t gt_give_int(const json_t *o, const char *key);

/* Field checks for decide: 0, or GT_EINVAL naming the field. */
/* A SHA-256 in lower-case hex. */
int gt_give_sha256(const json_t *in, const char *key, const char **ret, gt_error *err);
/* An amount of minor units, 1 to GT_GIVE_STREAM_MAX. */
int gt_give_amount(const json_t *in, const char *key, bool required, int64_t *ret,
		   gt_error *err);

/* The campaign's row (GT_Q_GIVE_CAMPAIGN_GET), open for the caller to read
 * and close; GT_ENOTFOUND (nothing open) if there is none. */
int gt_give_campaign(gt_store_conn *c, const char *id, gt_stmt **ret, gt_error *err);
/* Whether an organisation exists: 0, or GT_ENOTFOUND naming field. */
int gt_give_org_exists(gt_store_conn *c, const char *org, const char *field, gt_error *err);

/* campaign.c */
int gt_give_campaign_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_campaign_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_give_documents_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_documents_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_give_verify_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_verify_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_give_close_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_close_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_give_work_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_work_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_give_report_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_resolve_decide(gt_decide *d, const json_t *in, gt_error *err);
/* money.c */
int gt_give_donation_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_donation_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_give_refund_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_refund_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_give_disburse_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_disburse_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_give_confirm_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_give_confirm_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);

#endif
