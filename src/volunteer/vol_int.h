/* What the files of src/volunteer share (not for other layers). */
#ifndef GT_VOLUNTEER_VOL_INT_H
#define GT_VOLUNTEER_VOL_INT_H

#include "volunteer/taxonomy.h"
#include "volunteer/volunteer.h"

#define GT_VOL_ID_MAX 60
#define GT_VOL_SLOT_MAX 40
#define GT_VOL_SLOTS_MAX 100
#define GT_VOL_WELCOME_MAX 16
#define GT_VOL_LANGS_PER 8
#define GT_VOL_CAUSES_PER 8
#define GT_VOL_NOTE_MAX 500

/* A string / integer field of an entry's data (NULL / 0 when absent). */
const char *gt_vol_opt(const json_t *o, const char *key);
int64_t gt_vol_int(const json_t *o, const char *key);

/* A place {"latitude", "longitude"} (numbers) into microdegrees; required
 * names the error's field. 0 or GT_EINVAL. */
int gt_vol_place(const json_t *in, const char *key, int32_t *lat_e6, int32_t *lon_e6,
		 gt_error *err);
/* A list of taxonomy ids (find: gt_vol_*_find) of at most max, no
 * duplicates, into a new JSON array (*ret, owned) and a bit mask. */
int gt_vol_terms(const json_t *in, const char *key, size_t max, int (*find)(const char *),
		 const char *what, json_t **ret, uint64_t *mask, gt_error *err);
/* [{"skill", "level"}] into canonical [{"skill", "level": 1..4}] (level
 * default "basic"), at most max. */
int gt_vol_skill_list(const json_t *in, const char *key, size_t max, json_t **ret, gt_error *err);

/* The rows the module reads, open for the caller to read and close:
 * GT_ENOTFOUND (nothing open) when there is none. */
int gt_vol_opportunity(gt_store_conn *c, const char *id, gt_stmt **ret, gt_error *err);
int gt_vol_signup(gt_store_conn *c, int64_t idx, gt_stmt **ret, gt_error *err);
int gt_vol_session(gt_store_conn *c, int64_t idx, gt_stmt **ret, gt_error *err);
/* The calling volunteer's row (GT_Q_VOL_VOLUNTEER_GET); GT_EDENIED unless
 * the caller is a volunteer. */
int gt_vol_me(gt_decide *d, gt_stmt **ret, gt_error *err);
/* The MAC of a slot's check-in code. */
void gt_vol_code_mac(gt_decide *d, int64_t num, const char *slot, char mac[21]);

/* opportunity.c */
int gt_vol_opportunity_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_opportunity_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_vol_close_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_close_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_vol_qr_decide(gt_decide *d, const json_t *in, gt_error *err);
/* people.c */
int gt_vol_register_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_update_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_rekey_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_erase_decide(gt_decide *d, const json_t *in, gt_error *err);
/* hours.c */
int gt_vol_signup_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_signup_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_vol_cancel_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_cancel_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_vol_decide_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_decide_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_vol_checkin_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_checkin_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_vol_checkout_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_checkout_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_vol_record_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_record_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_vol_hours_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_hours_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_vol_dispute_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_vol_dispute_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);

#endif
