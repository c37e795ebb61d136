/* The trace module: its entry types (see trace.h). */
#include "trace/trace_int.h"

static const gt_entry_type S_types[] = {
	{"trace.product", gt_trace_product_decide, gt_trace_product_apply},
	{"trace.batch", gt_trace_batch_decide, gt_trace_batch_apply},
	{"trace.packs", gt_trace_packs_decide, gt_trace_packs_apply},
	{"trace.recall", gt_trace_recall_decide, gt_trace_recall_apply},
	{"trace.recall.lift", gt_trace_lift_decide, gt_trace_lift_apply},
	{"trace.capture", gt_trace_capture_decide, NULL},
	{"trace.event", NULL, gt_trace_event_apply},
	{"trace.notice.ack", gt_trace_ack_decide, gt_trace_ack_apply},
	{"trace.webhook.add", gt_trace_webhook_add_decide, NULL},
	{"trace.webhook.remove", gt_trace_webhook_remove_decide, NULL},
	{"trace.webhook.progress", gt_trace_webhook_progress_decide, NULL},
};

const gt_module gt_trace_module = {"trace", S_types, sizeof(S_types) / sizeof(S_types[0])};
