/* Recall notices: each holder of a recalled batch acknowledges what it did
 * (trace.notice.ack), and may have notices pushed to a webhook of its own
 * (private commands trace.webhook.add, .remove, and the deliverer's
 * trace.webhook.progress). */
#include "core/json.h"
#include "core/base64.h"
#include "trace/trace_int.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#define S_NOTE_MAX 500

const char *const gt_trace_ack_actions[] = {"quarantined", "returned", "destroyed", "none_held",
					    NULL};

int gt_trace_ack_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"notice", "action", "quantity", "note", NULL};
	int64_t id, quantity = -1;
	const char *action, *note = NULL;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "notices are acknowledged by their holders");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_int(in, "notice", 1, INT64_MAX, &id, err);
	if (rc == 0)
		rc = gt_json_str(in, "action", 1, 20, &action, err);
	if (rc == 0) {
		bool ok = false;
		for (size_t i = 0; gt_trace_ack_actions[i]; i++)
			ok |= !strcmp(action, gt_trace_ack_actions[i]);
		if (!ok)
			rc = gt_fail(err, GT_EINVAL,
				     "action must be \"quarantined\", \"returned\", \"destroyed\" "
				     "or \"none_held\", not \"%s\"",
				     action);
	}
	if (rc == 0 && json_object_get(in, "quantity"))
		rc = gt_json_int(in, "quantity", 0, GT_TRACE_QUANTITY_MAX, &quantity, err);
	if (rc == 0)
		rc = gt_json_text(in, "note", S_NOTE_MAX, false, &note, err);
	if (rc < 0)
		return rc;
	gt_stmt *st;
	rc = gt_stmt_open(gt_decide_conn(d), GT_Q_NOTICE_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, id);
	rc = gt_stmt_step(st, err);
	json_t *data = NULL;
	if (rc == 0 || (rc == 1 && strcmp(gt_stmt_text(st, 2, NULL), gt_decide_org(d)) != 0))
		rc = gt_fail(err, GT_ENOTFOUND, "you have no notice %lld", (long long)id);
	else if (rc == 1 && !gt_stmt_is_null(st, 7))
		rc = gt_fail(err, GT_ESTATE, "notice %lld was already acknowledged (%s) at %s",
			     (long long)id, gt_stmt_text(st, 8, NULL), gt_stmt_text(st, 10, NULL));
	else if (rc == 1)
		data = json_pack("{s:I, s:I, s:s, s:s, s:s}", "notice", (json_int_t)id, "recall",
				 (json_int_t)gt_stmt_i64(st, 1), "gtin", gt_stmt_text(st, 3, NULL),
				 "lot", gt_stmt_text(st, 4, NULL), "action", action);
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	if (quantity >= 0)
		json_object_set_new(data, "quantity", json_integer((json_int_t)quantity));
	if (note)
		json_object_set_new(data, "note", json_string(note));
	gt_decide_reply(d, json_deep_copy(data));
	return gt_decide_emit(d, "trace.notice.ack", data, NULL, err);
}

int gt_trace_ack_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t n = gt_store_exec(c, GT_Q_NOTICE_ACK, err, "iittt",
				  (int64_t)json_integer_value(json_object_get(e->data, "notice")),
				  (int64_t)e->index, gt_trace_opt(e->data, "action"),
				  gt_trace_opt(e->data, "note"), e->at);
	return n < 0 ? (int)n : 0;
}

/* ---- webhooks (private: nothing reaches the log) --------------------------------------- */

#define S_URL_MAX 500

int gt_trace_webhook_add_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"url", NULL};
	const char *url;
	const char *org = gt_decide_org(d);
	if (!org)
		return gt_fail(err, GT_EDENIED, "webhooks belong to organisations");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "url", 1, S_URL_MAX, &url, err);
	if (rc < 0)
		return rc;
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		return gt_fail(err, GT_EINVAL, "url must be an http:// or https:// address");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return gt_fail(err, GT_EINVAL,
				       "url must not contain spaces or control "
				       "characters");
	gt_store_conn *c = gt_decide_conn(d);
	gt_stmt *st;
	rc = gt_stmt_open(c, GT_Q_WEBHOOK_LIST, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, org, (size_t)-1);
	gt_stmt_bind_text(st, 2, "", 0);
	gt_stmt_bind_i64(st, 3, GT_TRACE_WEBHOOKS_MAX + 1);
	int n = 0;
	while ((rc = gt_stmt_step(st, err)) == 1)
		n++;
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	if (n >= GT_TRACE_WEBHOOKS_MAX)
		return gt_fail(err, GT_ESTATE,
			       "%s has %d webhooks already, the most allowed; "
			       "remove one first",
			       org, n);
	unsigned char rnd[16 + 32];
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return gt_fail(err, GT_EIO, "no randomness for the webhook's secret");
	char id[2 * 8 + 4], secret[2 * 32 + 8];
	memcpy(id, "wh_", 3);
	gt_hex_encode(rnd, 8, id + 3);
	memcpy(secret, "whsec_", 6);
	gt_hex_encode(rnd + 16, 32, secret + 6);
	int64_t r = gt_store_exec(c, GT_Q_WEBHOOK_PUT, err, "ttttti", id, org, url, secret,
				  gt_decide_at(d), (int64_t)0);
	if (r < 0)
		return (int)r;
	gt_decide_reply(d, json_pack("{s:s, s:s, s:s, s:s}", "id", id, "url", url, "secret", secret,
				     "created_at", gt_decide_at(d)));
	return 0;
}

int gt_trace_webhook_remove_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id", NULL};
	const char *id;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "webhooks belong to organisations");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "id", 1, 64, &id, err);
	if (rc < 0)
		return rc;
	int64_t n = gt_store_exec(gt_decide_conn(d), GT_Q_WEBHOOK_DELETE, err, "tt", id,
				  gt_decide_org(d));
	if (n < 0)
		return (int)n;
	if (n == 0)
		return gt_fail(err, GT_ENOTFOUND, "you have no webhook %s", id);
	gt_decide_reply(d, json_pack("{s:s, s:b}", "id", id, "removed", 1));
	return 0;
}

/* The deliverer's record of one attempt (the system only). */
int gt_trace_webhook_progress_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id",     "cursor", "delivered", "failures",
					   "status", "error",  NULL};
	const char *id, *error = NULL;
	int64_t cursor, delivered, failures, status;
	if (gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "only the server records webhook deliveries");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "id", 1, 64, &id, err);
	if (rc == 0)
		rc = gt_json_int(in, "cursor", 0, INT64_MAX, &cursor, err);
	if (rc == 0)
		rc = gt_json_int(in, "delivered", 0, 1000000, &delivered, err);
	if (rc == 0)
		rc = gt_json_int(in, "failures", 0, 1000000, &failures, err);
	if (rc == 0)
		rc = gt_json_int(in, "status", 0, 999, &status, err);
	if (rc == 0)
		rc = gt_json_text(in, "error", 500, false, &error, err);
	if (rc < 0)
		return rc;
	int64_t n = gt_store_exec(gt_decide_conn(d), GT_Q_WEBHOOK_PROGRESS, err, "tiiiitt", id,
				  cursor, delivered, failures, status, error, gt_decide_at(d));
	return n < 0 ? (int)n : 0;
}
