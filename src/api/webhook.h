/* The webhook deliverer: a background thread ("gt-webhooks") that POSTs
 * each organisation's recall notices to the webhooks it registered
 * (trace.webhook.add), signed, one notice at a time per webhook, in id
 * order, with retries and exponential backoff.
 *
 * Every poll_ms (and at once after a cursor moves, or when a retry falls
 * due) the deliverer reads every webhook on a store reader
 * and, for each, the oldest notice of its organisation with an id above
 * the webhook's cursor (the last notice dealt with). It POSTs
 *   {"type":"recall.notice","webhook":"<id>","delivery":"<id>-<notice>",
 *    "notification":<the notice as GET /api/v1/notifications shows it>}
 * with Content-Type: application/json, User-Agent: user_agent,
 * Goodtrace-Webhook: <id>, Goodtrace-Delivery: <id>-<notice> and
 * Goodtrace-Signature: t=<unix seconds>,v1=<lower-case hex HMAC-SHA256,
 * keyed with the webhook's secret string, of "<t>.<body>">. Redirects are
 * not followed; only http and https are spoken.
 *
 * Every outcome is recorded with the private command
 * trace.webhook.progress (submitted as the system, waiting for it):
 *   - a 2xx answer: the cursor moves to the notice, delivered 1;
 *   - anything else (another status, a timeout, no connection): failures 1,
 *     the status (0 for none) and a short reason; attempt n is retried
 *     retry_base_ms * 2^(n-1) later (at most an hour), in memory only: a
 *     restarted server starts the count again;
 *   - the max_attempts-th failure gives the notice up: the cursor moves
 *     past it, failures 1, error "gave up after N attempts: <reason>". The
 *     notice stays readable at GET /api/v1/notifications.
 * Requests to different webhooks run at once (up to 64 in flight), so a
 * slow or failing webhook holds up only its own notices. A request cut
 * short by gt_webhooks_stop is not recorded (it is sent again after a
 * restart), so a receiver may see a delivery more than once and should
 * treat the delivery id as the key. */
#ifndef GT_API_WEBHOOK_H
#define GT_API_WEBHOOK_H

#include "core/error.h"
#include "ledger/ledger.h"
#include "store/store.h"

typedef struct gt_webhooks_options {
	gt_store *store;	/* borrowed; read through its reader pool */
	gt_ledger *ledger;	/* borrowed; must take commands until gt_webhooks_stop */
	unsigned poll_ms;	/* between looks for new notices (default 1000) */
	unsigned retry_base_ms; /* the wait after a first failure (default 1000) */
	unsigned max_attempts;	/* per notice, then it is given up (default 8) */
	unsigned timeout_s;	/* per request, connecting included (default 10) */
	const char *user_agent; /* copied (default "goodtrace-webhook") */
	/* Failures of the deliverer itself (store, ledger), not of receivers,
	 * for the program to log; called from the thread. May be NULL. */
	void (*on_error)(void *arg, const char *msg);
	void *on_error_arg;
} gt_webhooks_options;

typedef struct gt_webhooks gt_webhooks;

/* Start the thread. 0 and *ret set, or a negative GT_E* code with err set
 * (GT_EINVAL without a store or ledger, GT_ENOMEM, GT_EIO). */
int gt_webhooks_start(const gt_webhooks_options *opt, gt_webhooks **ret, gt_error *err);

/* Stop the thread at once (a retry wait ends, requests in flight are cut
 * short and not recorded), then free. Call it while the ledger still takes
 * commands. Accepts NULL. */
void gt_webhooks_stop(gt_webhooks *w);

#endif
