/* The volunteer module: its entry types (see volunteer.h). */
#include "volunteer/vol_int.h"

static const gt_entry_type S_types[] = {
	{"vol.opportunity", gt_vol_opportunity_decide, gt_vol_opportunity_apply},
	{"vol.opportunity.close", gt_vol_close_decide, gt_vol_close_apply},
	{"vol.qr", gt_vol_qr_decide, NULL},
	{"vol.volunteer", gt_vol_register_decide, NULL},
	{"vol.volunteer.update", gt_vol_update_decide, NULL},
	{"vol.volunteer.key", gt_vol_rekey_decide, NULL},
	{"vol.volunteer.erase", gt_vol_erase_decide, NULL},
	{"vol.signup", gt_vol_signup_decide, gt_vol_signup_apply},
	{"vol.signup.cancel", gt_vol_cancel_decide, gt_vol_cancel_apply},
	{"vol.signup.decide", gt_vol_decide_decide, gt_vol_decide_apply},
	{"vol.checkin", gt_vol_checkin_decide, gt_vol_checkin_apply},
	{"vol.checkout", gt_vol_checkout_decide, gt_vol_checkout_apply},
	{"vol.session", gt_vol_record_decide, gt_vol_record_apply},
	{"vol.hours", gt_vol_hours_decide, gt_vol_hours_apply},
	{"vol.dispute", gt_vol_dispute_decide, gt_vol_dispute_apply},
};

const gt_module gt_vol_module = {"volunteer", S_types, sizeof(S_types) / sizeof(S_types[0])};
