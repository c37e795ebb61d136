/* The public check of a scanned code: what it names, whether that is safe
 * to use, and the proofs of the log entries the answer rests on. */
#include "api/api_int.h"
#include "core/time.h"
#include "trace/epcis.h"
#include "trace/gs1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_TRAIL_MAX 40 /* events in the trail */

/* What a check found, while its answer is written. */
typedef struct {
	gt_store_conn *c;
	gt_buf body; /* the answer's JSON text */
	gt_jw w;     /* writing into body */
	const char *
		status; /* "ok", "recalled", "suspect", "already_dispensed", "expired", "unknown" */
	char reason[400]; /* why, for "unknown", "suspect", "already_dispensed" */
	int64_t idx[64];  /* entries the answer rests on */
	size_t nidx;
	char gtin[15], lot[21], maker[41], manufactured[11], expiry[11];
	char serial[21];   /* of the registered pack the code names, if any */
	char state[16];	   /* the pack's: "dispensed", "destroyed" or "" */
	int64_t state_idx; /* the event that set it */
	char state_when[48], state_by[48]; /* that event's time and recorder, once in the trail */
	size_t recall_from, recall_to; /* the text of the recall in force, within body */
} S_check;

/* Copy text into dst[size], cut to fit (snprintf's "%s" without printf). */
#define S_COPY(dst, text) S_copy((dst), sizeof(dst), (text))
static void S_copy(char *dst, size_t size, const char *text)
{
	size_t n = strnlen(text, size - 1);
	memcpy(dst, text, n);
	dst[n] = 0;
}

static void S_rests_on(S_check *k, int64_t idx)
{
	for (size_t i = 0; i < k->nidx; i++)
		if (k->idx[i] == idx)
			return;
	if (k->nidx < sizeof(k->idx) / sizeof(k->idx[0]))
		k->idx[k->nidx++] = idx;
}

static void S_unknown(S_check *k, const char *fmt, const char *a, const char *b)
{
	k->status = "unknown";
	snprintf(k->reason, sizeof(k->reason), fmt, a, b ? b : "");
}

/* Column col as a string, or null. */
static void S_text_col(gt_jw *w, gt_stmt *st, int col)
{
	gt_jw_str_or_null(w, gt_stmt_is_null(st, col) ? NULL : gt_stmt_text(st, col, NULL));
}

/* The columns of GT_Q_CHECK_LOOKUP. */
enum {
	S_P_GTIN, S_P_MAKER, S_P_NAME, S_P_FORM, S_P_KIND, S_P_CN, S_P_IDX, S_MAKER_NAME,
	S_K_LOT, S_K_IDX, S_K_STATE, S_K_STATE_IDX,
	S_B_LOT, S_B_MADE, S_B_EXPIRY, S_B_QUANTITY, S_B_PACKS, S_B_IDX,
};

/* The product and its maker, from the row. */
static void S_product(S_check *k, gt_stmt *st)
{
	S_COPY(k->gtin, gt_stmt_text(st, S_P_GTIN, NULL));
	S_COPY(k->maker, gt_stmt_text(st, S_P_MAKER, NULL));
	gt_jw *w = &k->w;
	gt_jw_key(w, "product");
	gt_jw_obj(w);
	gt_jw_kstr(w, "gtin", k->gtin);
	gt_jw_kstr(w, "name", gt_stmt_text(st, S_P_NAME, NULL));
	gt_jw_kstr(w, "form", gt_stmt_text(st, S_P_FORM, NULL));
	gt_jw_kstr(w, "kind", gt_stmt_text(st, S_P_KIND, NULL));
	gt_jw_key(w, "cn_prefix");
	S_text_col(w, st, S_P_CN);
	gt_jw_end(w, '}');
	S_rests_on(k, gt_stmt_i64(st, S_P_IDX));
	if (!gt_stmt_is_null(st, S_MAKER_NAME)) {
		gt_jw_key(w, "maker");
		gt_jw_obj(w);
		gt_jw_kstr(w, "id", k->maker);
		gt_jw_kstr(w, "name", gt_stmt_text(st, S_MAKER_NAME, NULL));
		gt_jw_end(w, '}');
	}
}

/* The pack of the code's serial, found in the row; it names its lot. */
static void S_pack(S_check *k, const char *serial, gt_stmt *st)
{
	const char *lot = gt_stmt_text(st, S_K_LOT, NULL);
	if (k->lot[0] && strcmp(k->lot, lot) != 0) {
		char other[64];
		snprintf(other, sizeof(other), "%s, not %s", lot, k->lot);
		S_unknown(k, "serial %s belongs to lot %s: the code may be counterfeit", serial,
			  other);
	} else {
		S_COPY(k->lot, lot);
	}
	gt_jw *w = &k->w;
	gt_jw_key(w, "pack");
	gt_jw_obj(w);
	gt_jw_kstr(w, "serial", serial);
	gt_jw_kstr(w, "lot", lot);
	gt_jw_key(w, "state");
	S_text_col(w, st, S_K_STATE);
	gt_jw_end(w, '}');
	S_rests_on(k, gt_stmt_i64(st, S_K_IDX));
	S_COPY(k->serial, serial);
	if (!gt_stmt_is_null(st, S_K_STATE)) {
		S_COPY(k->state, gt_stmt_text(st, S_K_STATE, NULL));
		k->state_idx = gt_stmt_i64(st, S_K_STATE_IDX);
		S_rests_on(k, k->state_idx);
	}
}

/* The batch of k->lot, from the row (NULL columns: never registered). */
static void S_batch(S_check *k, const gt_gs1 *g, bool serialised_pack_found, gt_stmt *st)
{
	if (gt_stmt_is_null(st, S_B_LOT)) {
		S_unknown(k, "lot %s was never registered for GTIN %s: it may be counterfeit",
			  k->lot, k->gtin);
		return;
	}
	S_COPY(k->manufactured, gt_stmt_text(st, S_B_MADE, NULL));
	S_COPY(k->expiry, gt_stmt_text(st, S_B_EXPIRY, NULL));
	int64_t packs = gt_stmt_i64(st, S_B_PACKS);
	gt_jw *w = &k->w;
	gt_jw_key(w, "batch");
	gt_jw_obj(w);
	gt_jw_kstr(w, "lot", k->lot);
	gt_jw_kstr(w, "manufactured", k->manufactured);
	gt_jw_kstr(w, "expiry", k->expiry);
	gt_jw_kint(w, "quantity", gt_stmt_i64(st, S_B_QUANTITY));
	gt_jw_end(w, '}');
	S_rests_on(k, gt_stmt_i64(st, S_B_IDX));
	if (g->serial[0] && !serialised_pack_found && packs > 0)
		S_unknown(k, "serial %s was never registered in lot %s: it may be counterfeit",
			  g->serial, k->lot);
	else if (g->expiry[0] && strcmp(g->expiry, k->expiry) != 0)
		S_unknown(k,
			  "the code says it expires %s but the batch expires %s: it may be "
			  "counterfeit",
			  g->expiry, k->expiry);
}

/* What the code names, in one query: the product (by GTIN, or by the
 * 7-digit code of a Chinese drug code), its maker, the pack of its serial
 * and the batch (of the code's lot, else of the pack's). 1 with the
 * product found (the status may be "unknown" for the rest), 0 without
 * (unknown), or an error. */
static int S_lookup(S_check *k, const gt_gs1 *g, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(k->c, GT_Q_CHECK_LOOKUP, &st, err);
	if (rc < 0)
		return rc;
	if (g->gtin[0])
		gt_stmt_bind_text(st, 1, g->gtin, (size_t)-1);
	else
		gt_stmt_bind_text(st, 2, g->cn_product_code, (size_t)-1);
	if (g->serial[0])
		gt_stmt_bind_text(st, 3, g->serial, (size_t)-1);
	if (g->lot[0])
		gt_stmt_bind_text(st, 4, g->lot, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 0)
		S_unknown(k,
			  g->gtin[0] ?
				  "no product with GTIN %s is registered: it may be counterfeit" :
				  "no product with the code %s is registered: it may be "
				  "counterfeit",
			  g->gtin[0] ? g->gtin : g->cn_product_code, NULL);
	if (rc != 1) {
		gt_stmt_close(st);
		return rc;
	}
	S_product(k, st);
	bool pack = g->serial[0] && !gt_stmt_is_null(st, S_K_LOT);
	if (pack)
		S_pack(k, g->serial, st);
	if (strcmp(k->status, "unknown") != 0) {
		if (!k->lot[0])
			S_unknown(k,
				  g->serial[0] ? "serial %s was never registered for this product" :
						 "the code has no lot (AI 10): its batch cannot "
						 "be checked%s",
				  g->serial[0] ? g->serial : "", NULL);
		else
			S_batch(k, g, pack, st);
	}
	gt_stmt_close(st);
	return 1;
}

/* Recalls covering the batch and in effect now; the most serious class wins
 * (and is written again as "recall"). */
static int S_recalls(S_check *k, const char *now, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(k->c, GT_Q_RECALL_FOR_BATCH, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, k->gtin, (size_t)-1);
	gt_stmt_bind_text(st, 2, k->lot, (size_t)-1);
	gt_stmt_bind_text(st, 3, k->maker, (size_t)-1);
	gt_stmt_bind_text(st, 4, k->manufactured, (size_t)-1);
	gt_jw *w = &k->w;
	gt_jw_key(w, "recalls");
	gt_jw_arr(w);
	int64_t worst = 0;
	while ((rc = gt_stmt_step(st, err)) == 1) {
		int64_t class = gt_stmt_i64(st, 8);
		const char *effective = gt_stmt_text(st, 10, NULL);
		size_t from = k->body.len + (w->comma ? 1 : 0);
		gt_jw_obj(w);
		gt_jw_kint(w, "recall", gt_stmt_i64(st, 0));
		gt_jw_kint(w, "class", class);
		gt_jw_kstr(w, "reason", gt_stmt_text(st, 9, NULL));
		gt_jw_kstr(w, "effective", effective);
		gt_jw_kstr(w, "regulator", gt_stmt_text(st, 1, NULL));
		gt_jw_end(w, '}');
		S_rests_on(k, gt_stmt_i64(st, 0));
		if (strcmp(effective, now) <= 0 && (!worst || class < worst)) {
			worst = class;
			k->recall_from = from;
			k->recall_to = k->body.len;
		}
	}
	gt_stmt_close(st);
	gt_jw_end(w, ']');
	if (worst && strcmp(k->status, "unknown") != 0) {
		k->status = "recalled";
		/* A copy of its text: room first, as it is copied from body. */
		size_t n = k->recall_to - k->recall_from;
		gt_jw_key(w, "recall");
		if (!gt_jw_error(w) && gt_buf_reserve(&k->body, n + 1) == 0)
			gt_jw_raw(w, (const char *)k->body.data + k->recall_from, n);
		else
			w->rc = GT_ENOMEM;
	}
	return rc;
}

/* The organisations among an event's sources or destinations. */
static void S_parties(gt_jw *w, const json_t *list, const char *key)
{
	size_t i, n = strlen(GT_EPCIS_ORG_URN);
	const json_t *x;
	gt_jw_arr(w);
	json_array_foreach(list, i, x)
	{
		const char *v = json_string_value(json_object_get(x, key));
		if (v && !strncmp(v, GT_EPCIS_ORG_URN, n))
			gt_jw_str(w, v + n);
	}
	gt_jw_end(w, ']');
}

/* key and v when v is there. */
static void S_kvalue(gt_jw *w, const char *key, const json_t *v)
{
	if (!v)
		return;
	gt_jw_key(w, key);
	if (json_is_string(v))
		gt_jw_strn(w, json_string_value(v), json_string_length(v));
	else
		gt_jw_value(w, v);
}

/* An event as a step of the trail; GT_ECORRUPT if its document is not an
 * event. */
static int S_trail_item(S_check *k, gt_stmt *st, gt_error *err)
{
	json_t *ev = json_loads(gt_stmt_text(st, 1, NULL), 0, NULL);
	const json_t *id = json_object_get(ev, "eventID"), *type = json_object_get(ev, "type");
	if (!id || !type) {
		json_decref(ev);
		return gt_fail(err, GT_ECORRUPT, "an event of the trail cannot be read");
	}
	gt_jw *w = &k->w;
	int64_t idx = gt_stmt_i64(st, 0);
	gt_jw_obj(w);
	gt_jw_kint(w, "index", idx);
	S_kvalue(w, "eventID", id);
	S_kvalue(w, "type", type);
	S_kvalue(w, "eventTime", json_object_get(ev, "eventTime"));
	S_kvalue(w, "action", json_object_get(ev, "action"));
	S_kvalue(w, "bizStep", json_object_get(ev, "bizStep"));
	S_kvalue(w, "disposition", json_object_get(ev, "disposition"));
	S_kvalue(w, "readPoint", json_object_get(json_object_get(ev, "readPoint"), "id"));
	S_kvalue(w, "bizLocation", json_object_get(json_object_get(ev, "bizLocation"), "id"));
	gt_jw_kstr(w, "at", gt_stmt_text(st, 2, NULL));
	gt_jw_kstr(w, "by", gt_stmt_text(st, 3, NULL));
	gt_jw_key(w, "from");
	S_parties(w, json_object_get(ev, "sourceList"), "source");
	gt_jw_key(w, "to");
	S_parties(w, json_object_get(ev, "destinationList"), "destination");
	gt_jw_end(w, '}');
	if (idx == k->state_idx) {
		const char *when = json_string_value(json_object_get(ev, "eventTime"));
		snprintf(k->state_when, sizeof(k->state_when), "%s", when ? when : "");
		snprintf(k->state_by, sizeof(k->state_by), "%s", gt_stmt_text(st, 3, NULL));
	}
	S_rests_on(k, idx);
	json_decref(ev);
	return 0;
}

/* The custody trail: the events naming the pack, its batch, or anything
 * that held them; each is proved with the answer. */
static int S_trail(S_check *k, gt_error *err)
{
	/* The ids: the pack's (if any) then the lot's, in one buffer. */
	gt_buf idb = GT_BUF_INIT, ids = GT_BUF_INIT; /* ids: both as a JSON array */
	size_t pack_len = 0;
	int rc = k->serial[0] ? gt_api_item_id(&idb, k->gtin, "21", k->serial) : 0;
	pack_len = idb.len;
	if (rc == 0)
		rc = gt_api_item_id(&idb, k->gtin, "10", k->lot);
	const char *pack = (const char *)idb.data, *lot = pack + pack_len;
	size_t lot_len = idb.len - pack_len;
	gt_jw w;
	gt_jw_init(&w, &ids);
	gt_jw_arr(&w);
	if (pack_len)
		gt_jw_strn(&w, pack, pack_len);
	gt_jw_strn(&w, lot, lot_len);
	gt_jw_end(&w, ']');
	gt_stmt *st;
	rc = rc < 0 || gt_jw_error(&w) < 0 ? gt_fail(err, GT_ENOMEM, "out of memory") :
					     gt_stmt_open(k->c, GT_Q_EVENT_NAMES_ANY, &st, err);
	if (rc == 0) {
		if (pack_len)
			gt_stmt_bind_text(st, 1, pack, pack_len);
		gt_stmt_bind_text(st, 2, lot, lot_len);
		rc = gt_stmt_step(st, err);
		gt_stmt_close(st);
	}
	/* Most batches have no events: the recursive query only when some do. */
	if (rc == 1)
		rc = gt_stmt_open(k->c, GT_Q_EVENT_TRAIL, &st, err);
	else
		ids.len = 0; /* nothing to find, or an error */
	if (rc == 0 && ids.len) {
		gt_stmt_bind_text(st, 1, (const char *)ids.data, ids.len);
		gt_stmt_bind_i64(st, 2, S_TRAIL_MAX);
		while ((rc = gt_stmt_step(st, err)) == 1 && (rc = S_trail_item(k, st, err)) == 0)
			;
		gt_stmt_close(st);
	}
	gt_buf_done(&idb);
	gt_buf_done(&ids);
	return rc;
}

/* A pack no longer in the supply chain, or checked from many places:
 * "suspect" or "already_dispensed" (with the reason), unless already
 * unknown or recalled. */
static void S_pack_status(gt_req *r, S_check *k)
{
	if (strcmp(k->status, "ok") != 0 || !k->serial[0])
		return;
	const char *when = k->state_when[0] ? k->state_when : NULL;
	const char *by = k->state_by[0] ? k->state_by : NULL;
	if (!strcmp(k->state, "destroyed")) {
		k->status = "suspect";
		snprintf(k->reason, sizeof(k->reason),
			 "this pack was recorded destroyed%s%s%s%s: a pack with its code should "
			 "not exist",
			 when ? " at " : "", when ? when : "", by ? " by " : "", by ? by : "");
		return;
	}
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *fwd =
		r->api->trust_forwarded ?
			MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-For") :
			NULL;
	uint32_t place = gt_suspect_place(ci ? ci->client_addr : NULL, fwd);
	unsigned places = gt_suspect_note(r->api->suspect, k->gtin, k->serial, place,
					  (uint32_t)(gt_time_now_ms() / 1000));
	gt_jw_kint(&k->w, "places_checked", places);
	if (places >= r->api->suspect_places) {
		k->status = "suspect";
		snprintf(k->reason, sizeof(k->reason),
			 "this pack's code was checked from %u different places in the last 30 "
			 "days: it may have been copied",
			 places);
		return;
	}
	if (!strcmp(k->state, "dispensed")) {
		k->status = "already_dispensed";
		snprintf(k->reason, sizeof(k->reason),
			 "this pack was already dispensed%s%s%s%s: its code is used once",
			 when ? " at " : "", when ? when : "", by ? " by " : "", by ? by : "");
	}
}

/* Inclusion proofs of the entries the answer rests on, against the
 * published checkpoint; an entry not yet in it is listed as pending. */
static int S_proofs(gt_req *r, S_check *k, gt_error *err)
{
	gt_buf note = GT_BUF_INIT;
	uint64_t size;
	gt_jw *w = &k->w;
	int rc = gt_api_checkpoint(r->api->log, &note, &size, err);
	gt_jw_key(w, "proofs");
	gt_jw_arr(w);
	for (size_t i = 0; rc == 0 && i < k->nidx; i++) {
		gt_jw_obj(w);
		if ((uint64_t)k->idx[i] >= size) {
			gt_jw_kint(w, "index", k->idx[i]);
			gt_jw_key(w, "pending");
			gt_jw_bool(w, true);
		} else {
			/* raw only: the entries are the bulk of the answer, and a
			 * verifier reads raw anyway (it is what is hashed). */
			rc = gt_api_entry_proof(r->api, (uint64_t)k->idx[i], size, false, w,
						err);
		}
		gt_jw_end(w, '}');
	}
	gt_jw_end(w, ']');
	gt_jw_kint(w, "tree_size", (int64_t)size);
	gt_jw_key(w, "checkpoint");
	gt_jw_strn(w, (const char *)note.data, note.len);
	gt_buf_done(&note);
	return rc;
}

enum MHD_Result gt_h_check(gt_req *r)
{
	const char *code = gt_api_query(r, "code");
	if (!code || !*code)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "code is required: the text of a scanned GS1 code or a "
				      "20-digit drug traceability code");
	char now[GT_TIME_LEN + 1];
	gt_time_format(gt_time_now_ms(), now);
	int year =
		(now[0] - '0') * 1000 + (now[1] - '0') * 100 + (now[2] - '0') * 10 + (now[3] - '0');
	gt_gs1 g;
	gt_error err = {0};
	if (gt_gs1_parse(code, strlen(code), year, &g, &err) < 0)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-code", "%s", err.msg);
	if (!g.gtin[0] && g.format != GT_GS1_CN_DRUG_CODE)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-code",
				      "the code names no product (it has no GTIN, AI 01)");
	S_check k = {.status = "ok"};
	gt_jw_init(&k.w, &k.body);
	/* Room for the usual answer at once (about 5 KiB). */
	if (gt_buf_reserve(&k.body, 8192) < 0)
		return gt_api_problem_code(r, GT_ENOMEM, NULL);
	gt_jw_obj(&k.w);
	gt_jw_key(&k.w, "code");
	gt_gs1_write(&g, &k.w);
	gt_jw_kstr(&k.w, "checked_at", now);
	S_COPY(k.lot, g.lot);
	int rc = gt_store_reader(r->api->store, &k.c, &err);
	if (rc < 0) {
		gt_buf_done(&k.body);
		return gt_api_problem_code(r, rc, err.msg);
	}
	rc = S_lookup(&k, &g, &err);
	if (rc == 1 && k.manufactured[0])
		rc = S_recalls(&k, now, &err);
	gt_jw_key(&k.w, "trail");
	gt_jw_arr(&k.w);
	if (rc >= 0 && k.manufactured[0])
		rc = S_trail(&k, &err);
	gt_jw_end(&k.w, ']');
	if (rc >= 0)
		S_pack_status(r, &k);
	if (rc >= 0 && strcmp(k.status, "ok") == 0 && k.expiry[0] && strncmp(k.expiry, now, 10) < 0)
		k.status = "expired";
	gt_store_reader_done(k.c);
	if (rc >= 0)
		rc = S_proofs(r, &k, &err);
	if (rc >= 0) {
		gt_jw_kstr(&k.w, "status", k.status);
		if (k.reason[0])
			gt_jw_kstr(&k.w, "reason", k.reason);
		gt_jw_end(&k.w, '}');
		if (gt_jw_error(&k.w) < 0)
			rc = gt_fail(&err, GT_ENOMEM, "out of memory");
	}
	if (rc < 0) {
		gt_buf_done(&k.body);
		return gt_api_problem_code(r, rc, err.msg);
	}
	return gt_api_json_text(r, MHD_HTTP_OK, &k.body);
}
