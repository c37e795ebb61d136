/* Custody: EPCIS events captured (trace.capture) and what each means for
 * the packs, batches and holders it names (trace.event); see epcis.h. */
#include "core/json.h"
#include "trace/epc.h"
#include "trace/epcis.h"
#include "trace/trace_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- capture ------------------------------------------------------------------------ */

/* Whether the event has an extension field ("prefix:name"). */
static bool S_has_extension(const json_t *ev)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)ev, k, v) if (strchr(k, ':')) return true;
	return false;
}

/* Every "urn:goodtrace:org:<id>" among the event's sources and destinations
 * names an organisation. */
static int S_orgs_exist(gt_store_conn *c, const json_t *ev, gt_error *err)
{
	static const char *const lists[][2] = {{"sourceList", "source"},
					       {"destinationList", "destination"}};
	for (size_t l = 0; l < 2; l++) {
		size_t i;
		const json_t *x;
		json_array_foreach(json_object_get(ev, lists[l][0]), i, x)
		{
			const char *v = json_string_value(json_object_get(x, lists[l][1]));
			size_t n = strlen(GT_EPCIS_ORG_URN);
			if (!v || strncmp(v, GT_EPCIS_ORG_URN, n) != 0)
				continue;
			gt_stmt *st;
			int rc = gt_stmt_open(c, GT_Q_ORG_GET, &st, err);
			if (rc < 0)
				return rc;
			gt_stmt_bind_text(st, 1, v + n, (size_t)-1);
			rc = gt_stmt_step(st, err);
			gt_stmt_close(st);
			if (rc == 0)
				return gt_fail(err, GT_ENOTFOUND, "%s[%zu]: no organisation \"%s\"",
					       lists[l][0], i, v + n);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int gt_trace_capture_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"events", "context", NULL};
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "events are captured by organisations");
	int rc = gt_json_only(in, keys, err);
	if (rc < 0)
		return rc;
	const json_t *events = json_object_get(in, "events");
	const json_t *ctx = json_object_get(in, "context");
	if (!json_is_array(events) || json_array_size(events) == 0)
		return gt_fail(err, GT_EINVAL, "the document has no events");
	if (json_array_size(events) > GT_EPCIS_CAPTURE_MAX)
		return gt_fail(err, GT_ETOOBIG,
			       "the document has %zu events; at most %d are allowed "
			       "in one capture",
			       json_array_size(events), GT_EPCIS_CAPTURE_MAX);
	if (ctx && !json_is_array(ctx))
		return gt_fail(err, GT_EINVAL, "context must be a list");
	gt_store_conn *c = gt_decide_conn(d);
	uint64_t capture = gt_decide_next_index(d);
	json_t *ids = json_array();
	size_t i;
	const json_t *raw;
	json_array_foreach(events, i, raw)
	{
		json_t *ev;
		gt_error why = {0};
		rc = gt_epcis_event(raw, &ev, &why);
		if (rc < 0) {
			rc = gt_fail(err, rc, "event %zu: %s", i, why.msg);
			break;
		}
		if (json_array_size(ctx) > 0 && !json_object_get(ev, "@context") &&
		    S_has_extension(ev))
			json_object_set(ev, "@context", (json_t *)ctx);
		const char *id = json_string_value(json_object_get(ev, "eventID"));
		gt_stmt *st;
		rc = gt_stmt_open(c, GT_Q_EVENT_BY_ID, &st, err);
		if (rc == 0) {
			gt_stmt_bind_text(st, 1, id, (size_t)-1);
			rc = gt_stmt_step(st, err);
			if (rc == 1)
				rc = gt_fail(err, GT_EEXIST,
					     "event %zu: eventID %s was already captured (entry "
					     "%lld)",
					     i, id, (long long)gt_stmt_i64(st, 0));
			gt_stmt_close(st);
		}
		if (rc == 0 && (rc = S_orgs_exist(c, ev, &why)) < 0)
			rc = gt_fail(err, rc, "event %zu: %s", i, why.msg);
		if (rc < 0) {
			json_decref(ev);
			break;
		}
		json_array_append_new(ids, json_string(id));
		json_t *data = json_pack("{s:I, s:o}", "capture", (json_int_t)capture, "event", ev);
		if (!data) {
			rc = gt_fail(err, GT_ENOMEM, "out of memory");
			break;
		}
		rc = gt_decide_emit(d, "trace.event", data, NULL, &why);
		if (rc < 0) {
			rc = gt_fail(err, rc, "event %zu: %s", i, why.msg);
			break;
		}
	}
	if (rc < 0) {
		json_decref(ids);
		return rc;
	}
	char cid[24];
	snprintf(cid, sizeof(cid), "%llu", (unsigned long long)capture);
	gt_decide_reply(d, json_pack("{s:s, s:I, s:o}", "captureID", cid, "events",
				     (json_int_t)json_array_size(events), "eventIDs", ids));
	return 0;
}

/* ---- what an event means ------------------------------------------------------------ */

/* The batches an event touches, each once. */
typedef struct S_batches {
	char (*key)[15 + 21]; /* gtin, NUL, lot, NUL */
	size_t n, cap;
} S_batches;

static int S_batches_add(S_batches *b, const char *gtin, const char *lot)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->key[i], gtin) && !strcmp(b->key[i] + 15, lot))
			return 0;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;
		void *p = realloc(b->key, cap * sizeof(*b->key));
		if (!p)
			return GT_ENOMEM;
		b->key = p;
		b->cap = cap;
	}
	memset(b->key[b->n], 0, sizeof(b->key[0]));
	memcpy(b->key[b->n], gtin, 14);
	snprintf(b->key[b->n] + 15, 21, "%s", lot);
	b->n++;
	return 0;
}

/* What the event does to pack states: "dispensed", "destroyed" or NULL. */
static const char *S_pack_state(const json_t *ev)
{
	const char *step = json_string_value(json_object_get(ev, "bizStep"));
	const char *disp = json_string_value(json_object_get(ev, "disposition"));
	if ((step && !strcmp(step, "destroying")) || (disp && !strcmp(disp, "destroyed")))
		return "destroyed";
	if ((step && !strcmp(step, "dispensing")) || (disp && !strcmp(disp, "dispensed")))
		return "dispensed";
	return NULL;
}

/* One identifier an event names as an instance: itself, or what it holds,
 * noted as the batches it belongs to (and packs' states set). */
static int S_instance(gt_store_conn *c, const gt_entry *e, const char *id, const char *state,
		      S_batches *b, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_CONTENT_EXPAND, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	/* Collected first: a statement stays open while we step it. */
	json_t *all = json_array();
	while ((rc = gt_stmt_step(st, err)) == 1)
		json_array_append_new(all, json_string(gt_stmt_text(st, 0, NULL)));
	gt_stmt_close(st);
	size_t i;
	json_t *x;
	json_array_foreach(all, i, x)
	{
		if (rc < 0)
			break;
		char gtin[15], lot[21], serial[21];
		if (!gt_epc_item(json_string_value(x), gtin, lot, serial))
			continue;
		if (serial[0]) {
			rc = gt_stmt_open(c, GT_Q_PACK_GET, &st, err);
			if (rc < 0)
				break;
			gt_stmt_bind_text(st, 1, gtin, (size_t)-1);
			gt_stmt_bind_text(st, 2, serial, (size_t)-1);
			rc = gt_stmt_step(st, err);
			if (rc == 1)
				snprintf(lot, sizeof(lot), "%s", gt_stmt_text(st, 2, NULL));
			gt_stmt_close(st);
			if (rc < 0)
				break;
			if (rc == 1 && state)
				rc = (int)gt_store_exec(c, GT_Q_PACK_STATE, err, "ttti", gtin,
							serial, state, (int64_t)e->index);
			if (rc < 0)
				break;
		}
		if (lot[0])
			rc = S_batches_add(b, gtin, lot);
		if (rc < 0)
			rc = gt_fail(err, rc, "out of memory");
		else
			rc = 0;
	}
	json_decref(all);
	return rc < 0 ? rc : 0;
}

/* The holders an event gives custody to: the capturing organisation and
 * every owning or possessing party of its destinations that is one of ours. */
static json_t *S_holders(const gt_entry *e)
{
	json_t *h = json_array();
	json_array_append_new(h, json_string(gt_entry_org(e)));
	size_t i;
	const json_t *x;
	const json_t *ev = json_object_get(e->data, "event");
	json_array_foreach(json_object_get(ev, "destinationList"), i, x)
	{
		const char *t = json_string_value(json_object_get(x, "type"));
		const char *v = json_string_value(json_object_get(x, "destination"));
		size_t n = strlen(GT_EPCIS_ORG_URN);
		if (!t || !v || (strcmp(t, "owning_party") && strcmp(t, "possessing_party")) ||
		    strncmp(v, GT_EPCIS_ORG_URN, n) != 0)
			continue;
		bool seen = false;
		size_t j;
		const json_t *y;
		json_array_foreach(h, j, y) seen |= !strcmp(json_string_value(y), v + n);
		if (!seen)
			json_array_append_new(h, json_string(v + n));
	}
	return h;
}

/* Custody of batch (gtin, lot) for each holder but its maker; a new holder
 * of a recalled batch gets its notices. */
static int S_custody(gt_store_conn *c, const gt_entry *e, const char *gtin, const char *lot,
		     const json_t *holders, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_BATCH_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, gtin, (size_t)-1);
	gt_stmt_bind_text(st, 2, lot, (size_t)-1);
	char maker[64] = "", made[11] = "";
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		snprintf(maker, sizeof(maker), "%s", gt_stmt_text(st, 2, NULL));
		snprintf(made, sizeof(made), "%s", gt_stmt_text(st, 3, NULL));
	}
	gt_stmt_close(st);
	if (rc <= 0)
		return rc; /* not a registered batch: nothing to hold */
	size_t i;
	const json_t *x;
	json_array_foreach(holders, i, x)
	{
		const char *org = json_string_value(x);
		if (!strcmp(org, maker))
			continue;
		int64_t n = gt_store_exec(c, GT_Q_CUSTODY_ADD, err, "ttti", gtin, lot, org,
					  (int64_t)e->index);
		if (n == 0)
			n = gt_store_exec(c, GT_Q_CUSTODY_TOUCH, err, "ttti", gtin, lot, org,
					  (int64_t)e->index);
		else if (n > 0)
			n = gt_store_exec(c, GT_Q_NOTICE_FOR_HOLDER, err, "tttttit", org, gtin, lot,
					  maker, made, (int64_t)e->index, e->at);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

static int S_index_ids(gt_store_conn *c, const gt_entry *e, const json_t *ev, gt_error *err)
{
	static const struct {
		const char *key;
		int kind;
		bool quantities;
	} lists[] = {
		{"epcList", GT_EPCIS_K_EPC, false},
		{"childEPCs", GT_EPCIS_K_CHILD, false},
		{"inputEPCList", GT_EPCIS_K_INPUT, false},
		{"outputEPCList", GT_EPCIS_K_OUTPUT, false},
		{"quantityList", GT_EPCIS_K_CLASS, true},
		{"childQuantityList", GT_EPCIS_K_CHILD_CLASS, true},
		{"inputQuantityList", GT_EPCIS_K_INPUT_CLASS, true},
		{"outputQuantityList", GT_EPCIS_K_OUTPUT_CLASS, true},
	};
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		size_t i;
		const json_t *x;
		json_array_foreach(json_object_get(ev, lists[l].key), i, x)
		{
			const char *id = lists[l].quantities ?
						 json_string_value(json_object_get(x, "epcClass")) :
						 json_string_value(x);
			int64_t n = gt_store_exec(c, GT_Q_EVENT_EPC_PUT, err, "tii", id,
						  (int64_t)lists[l].kind, (int64_t)e->index);
			if (n < 0)
				return (int)n;
		}
	}
	const char *parent = json_string_value(json_object_get(ev, "parentID"));
	if (parent) {
		int64_t n = gt_store_exec(c, GT_Q_EVENT_EPC_PUT, err, "tii", parent,
					  (int64_t)GT_EPCIS_K_PARENT, (int64_t)e->index);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

/* An AggregationEvent's effect on what is inside what. */
static int S_aggregate(gt_store_conn *c, const gt_entry *e, const json_t *ev, gt_error *err)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const char *action = json_string_value(json_object_get(ev, "action"));
	const char *parent = json_string_value(json_object_get(ev, "parentID"));
	if (strcmp(type, "AggregationEvent") != 0 || !parent || !strcmp(action, "OBSERVE"))
		return 0;
	const json_t *children = json_object_get(ev, "childEPCs");
	bool add = !strcmp(action, "ADD");
	if (!add && json_array_size(children) == 0) {
		int64_t n = gt_store_exec(c, GT_Q_CONTENT_REMOVE, err, "tni", parent,
					  (int64_t)e->index);
		return n < 0 ? (int)n : 0;
	}
	size_t i;
	const json_t *x;
	json_array_foreach(children, i, x)
	{
		int64_t n = gt_store_exec(c, add ? GT_Q_CONTENT_ADD : GT_Q_CONTENT_REMOVE, err,
					  "tti", parent, json_string_value(x), (int64_t)e->index);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int gt_trace_event_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *ev = json_object_get(e->data, "event");
	int64_t ms = 0;
	const char *when = json_string_value(json_object_get(ev, "eventTime"));
	if (!when || gt_epcis_time(when, &ms) < 0)
		return gt_fail(err, GT_ECORRUPT, "entry %llu: an event without a valid eventTime",
			       (unsigned long long)e->index);
	gt_buf doc = GT_BUF_INIT;
	int rc = gt_json_canonical(ev, &doc, err);
	if (rc == 0 && gt_buf_add(&doc, "", 1) < 0)
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
	if (rc < 0) {
		gt_buf_done(&doc);
		return rc;
	}
	const json_t *rp = json_object_get(json_object_get(ev, "readPoint"), "id");
	const json_t *bl = json_object_get(json_object_get(ev, "bizLocation"), "id");
	int64_t n = gt_store_exec(c, GT_Q_EVENT_PUT, err, "ittittttttitt", (int64_t)e->index,
				  json_string_value(json_object_get(ev, "eventID")),
				  json_string_value(json_object_get(ev, "type")), ms,
				  json_string_value(json_object_get(ev, "action")),
				  json_string_value(json_object_get(ev, "bizStep")),
				  json_string_value(json_object_get(ev, "disposition")),
				  json_string_value(rp), json_string_value(bl), gt_entry_org(e),
				  (int64_t)json_integer_value(json_object_get(e->data, "capture")),
				  e->at, (const char *)doc.data);
	gt_buf_done(&doc);
	if (n < 0)
		return (int)n;
	if ((rc = S_index_ids(c, e, ev, err)) < 0 || (rc = S_aggregate(c, e, ev, err)) < 0)
		return rc;

	/* Custody and pack states. */
	S_batches b = {0};
	const char *state = S_pack_state(ev);
	static const char *const inst[] = {"epcList", "childEPCs", "inputEPCList", "outputEPCList"};
	for (size_t l = 0; rc == 0 && l < 4; l++) {
		size_t i;
		const json_t *x;
		json_array_foreach(json_object_get(ev, inst[l]), i, x)
		{
			if ((rc = S_instance(c, e, json_string_value(x), state, &b, err)) < 0)
				break;
		}
	}
	const char *parent = json_string_value(json_object_get(ev, "parentID"));
	if (rc == 0 && parent)
		rc = S_instance(c, e, parent, state, &b, err);
	static const char *const cls[] = {"quantityList", "childQuantityList", "inputQuantityList",
					  "outputQuantityList"};
	for (size_t l = 0; rc == 0 && l < 4; l++) {
		size_t i;
		const json_t *x;
		json_array_foreach(json_object_get(ev, cls[l]), i, x)
		{
			char gtin[15], lot[21], serial[21];
			const char *id = json_string_value(json_object_get(x, "epcClass"));
			if (gt_epc_item(id, gtin, lot, serial) && lot[0] &&
			    S_batches_add(&b, gtin, lot) < 0) {
				rc = gt_fail(err, GT_ENOMEM, "out of memory");
				break;
			}
		}
	}
	if (rc == 0 && b.n > 0) {
		json_t *holders = S_holders(e);
		for (size_t i = 0; rc == 0 && i < b.n; i++)
			rc = S_custody(c, e, b.key[i], b.key[i] + 15, holders, err);
		json_decref(holders);
	}
	free(b.key);
	return rc;
}
