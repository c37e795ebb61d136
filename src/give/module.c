/* The give module: its entry types (see give.h). */
#include "give/give_int.h"

static const gt_entry_type S_types[] = {
	{"give.campaign", gt_give_campaign_decide, gt_give_campaign_apply},
	{"give.campaign.documents", gt_give_documents_decide, gt_give_documents_apply},
	{"give.campaign.verify", gt_give_verify_decide, gt_give_verify_apply},
	{"give.campaign.close", gt_give_close_decide, gt_give_close_apply},
	{"give.work", gt_give_work_decide, gt_give_work_apply},
	{"give.donation", gt_give_donation_decide, gt_give_donation_apply},
	{"give.refund", gt_give_refund_decide, gt_give_refund_apply},
	{"give.disbursement", gt_give_disburse_decide, gt_give_disburse_apply},
	{"give.confirm", gt_give_confirm_decide, gt_give_confirm_apply},
	{"give.report", gt_give_report_decide, NULL},
	{"give.report.resolve", gt_give_resolve_decide, NULL},
};

const gt_module gt_give_module = {"give", S_types, sizeof(S_types) / sizeof(S_types[0])};
