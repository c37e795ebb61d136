/* Money moving: donations (single, batches, purchases of works), refunds,
 * disbursements and their confirmation by the payee. The store keeps each
 * donation's range of its campaign's stream and each disbursement's range,
 * as stream.h's rule places them; the campaign's cursor is where the next
 * disbursement starts. */
#include "give/give_int.h"
#include "core/json.h"
#include "give/stream.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#define S_NAME_MAX 100
#define S_DONOR_MAX 200
#define S_REFERENCE_MAX 100
#define S_PURPOSE_MAX 500
#define S_REF_HEX 32 /* the processor reference's keyed hash, as written */

/* ---- donations ------------------------------------------------------------------------ */

/* The receipt code of the donation that will be entry index: the index in
 * its low 40 bits and 20 bits of a keyed hash of it above, in Crockford
 * base32 ("XXXX-XXXX-XXXX"). Finding a donation by its code is then a
 * lookup by index (no index of random codes to keep up to date), and a
 * code cannot be guessed from a neighbour's. */
static int S_code(gt_decide *d, char out[GT_GIVE_CODE_LEN + 1], gt_error *err)
{
	uint64_t index = gt_decide_next_index(d);
	if (index >= GT_GIVE_CODE_INDEX_MAX)
		return gt_fail(err, GT_ERANGE, "receipt codes run out past entry %llu",
			       (unsigned long long)GT_GIVE_CODE_INDEX_MAX);
	char id[24], mac[GT_PSEUDO_LEN + 1];
	snprintf(id, sizeof(id), "%llu", (unsigned long long)index);
	gt_decide_pseudonym(d, "receipt", id, mac);
	uint64_t tag = strtoull(strchr(mac, ':') + 1 + 59, NULL, 16); /* its last 5 hex digits */
	gt_give_code_make(tag << 40 | index, out);
	return 0;
}

/* The processor's reference as written: the first S_REF_HEX hex digits of
 * its keyed hash, per organisation, case kept (the reference is hex-encoded
 * before the pseudonym lowers letters). */
static void S_ref(gt_decide *d, const char *reference, char out[S_REF_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	char id[2 * S_REFERENCE_MAX + 48], pseudo[GT_PSEUDO_LEN + 1];
	size_t n = (size_t)snprintf(id, sizeof(id), "%s:", gt_decide_org(d));
	for (const unsigned char *p = (const unsigned char *)reference; *p && n + 3 < sizeof(id);
	     p++) {
		id[n++] = hex[*p >> 4];
		id[n++] = hex[*p & 15];
	}
	id[n] = 0;
	gt_decide_pseudonym(d, "payref", id, pseudo);
	const char *h = strchr(pseudo, ':') + 1;
	memcpy(out, h, S_REF_HEX);
	out[S_REF_HEX] = 0;
}

/* What one item asks for, checked. */
typedef struct {
	const char *campaign, *channel, *donor, *name, *work, *reference;
	int64_t amount;
	bool anonymous;
} S_item;

static int S_item_parse(const json_t *in, S_item *it, gt_error *err)
{
	static const char *const keys[] = {"campaign", "amount", "work",      "channel",
					   "donor",    "name",	 "anonymous", "reference",
					   NULL};
	memset(it, 0, sizeof(*it));
	int rc = json_is_object(in) ? gt_json_only(in, keys, err) :
				      gt_fail(err, GT_EINVAL, "a donation must be an object");
	if (rc == 0)
		rc = gt_json_slug(in, "campaign", 40, true, &it->campaign, err);
	if (rc == 0)
		rc = gt_give_amount(in, "amount", false, &it->amount, err);
	if (rc == 0)
		rc = gt_json_slug(in, "work", 40, false, &it->work, err);
	if (rc == 0 && !it->work && !it->amount)
		rc = gt_fail(err, GT_EINVAL, "amount (or work, for a purchase) is required");
	if (rc == 0)
		rc = gt_json_slug(in, "channel", 32, true, &it->channel, err);
	const json_t *anon = json_object_get(in, "anonymous");
	if (rc == 0 && anon && !json_is_null(anon) && !json_is_boolean(anon))
		rc = gt_fail(err, GT_EINVAL, "anonymous must be true or false");
	it->anonymous = json_is_true(anon);
	if (rc == 0)
		rc = gt_json_text(in, "donor", S_DONOR_MAX, false, &it->donor, err);
	if (rc == 0)
		rc = gt_json_text(in, "name", S_NAME_MAX, false, &it->name, err);
	if (rc == 0 && it->anonymous && (it->donor || it->name))
		rc = gt_fail(err, GT_EINVAL, "an anonymous donation has no donor and no name");
	if (rc == 0 && !it->anonymous && !it->donor)
		rc = gt_fail(err, GT_EINVAL, "donor is required (or anonymous: true)");
	if (rc == 0)
		rc = gt_json_str_opt(in, "reference", S_REFERENCE_MAX, &it->reference, err);
	if (rc == 0 && it->reference && !it->reference[0])
		rc = gt_fail(err, GT_EINVAL, "reference must not be empty");
	return rc;
}

/* The reply item of a donation. */
static json_t *S_reply_item(const char *code, int64_t index, const char *campaign, int64_t amount,
			    const char *at, bool duplicate)
{
	return json_pack("{s:s, s:I, s:s, s:I, s:s, s:b}", "receipt", code, "index",
			 (json_int_t)index, "campaign", campaign, "amount", (json_int_t)amount,
			 "at", at, "duplicate", duplicate);
}

/* A donation already recorded under the same reference: the same one (its
 * reply in *dup) or a conflict. 0 when there is none. amount is 0 for a
 * purchase that named no amount (the work's price is then the same). */
static int S_duplicate(gt_decide *d, const S_item *it, const char *ref, int64_t amount,
		       json_t **dup, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(gt_decide_conn(d), GT_Q_GIVE_DONATION_BY_REF, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, gt_decide_org(d), (size_t)-1);
	gt_stmt_bind_text(st, 2, ref, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		const char *work = gt_stmt_is_null(st, 10) ? NULL : gt_stmt_text(st, 10, NULL);
		bool same = strcmp(gt_stmt_text(st, 1, NULL), it->campaign) == 0 &&
			    (amount == 0 || gt_stmt_i64(st, 4) == amount) &&
			    ((!work && !it->work) || (work && it->work && strcmp(work, it->work) == 0));
		if (same)
			*dup = S_reply_item(gt_stmt_text(st, 6, NULL), gt_stmt_i64(st, 0),
					    it->campaign, gt_stmt_i64(st, 4),
					    gt_stmt_text(st, 12, NULL), true);
		else
			rc = gt_fail(err, GT_EEXIST,
				     "reference \"%s\" was already used for another donation "
				     "(receipt %s, %lld to %s)",
				     it->reference, gt_stmt_text(st, 6, NULL),
				     (long long)gt_stmt_i64(st, 4), gt_stmt_text(st, 1, NULL));
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : 0;
}

/* The campaign takes a donation of amount from the caller now: 0, or why not. */
static int S_can_take(gt_decide *d, gt_stmt *st, const S_item *it, int64_t amount, gt_error *err)
{
	const char *id = it->campaign;
	if (strcmp(gt_decide_role(d), "charity") == 0 &&
	    strcmp(gt_stmt_text(st, 1, NULL), gt_decide_org(d)) != 0)
		return gt_fail(err, GT_EDENIED,
			       "campaign \"%s\" belongs to %s; a charity records donations to its "
			       "own campaigns only",
			       id, gt_stmt_text(st, 1, NULL));
	const char *status =
		gt_give_status(gt_stmt_text(st, 14, NULL), !gt_stmt_is_null(st, 28),
			       gt_stmt_text(st, 10, NULL), gt_stmt_text(st, 11, NULL), gt_decide_at(d));
	if (strcmp(status, "open") != 0) {
		if (strcmp(status, "upcoming") == 0)
			return gt_fail(err, GT_ESTATE, "campaign \"%s\" opens at %s", id,
				       gt_stmt_text(st, 10, NULL));
		if (strcmp(status, "ended") == 0)
			return gt_fail(err, GT_ESTATE, "campaign \"%s\" ended at %s", id,
				       gt_stmt_text(st, 11, NULL));
		return gt_fail(err, GT_ESTATE, "campaign \"%s\" is %s and takes no donations", id,
			       status);
	}
	int64_t raised = gt_stmt_i64(st, 20);
	if (!gt_stmt_is_null(st, 8) && amount > gt_stmt_i64(st, 8) - raised)
		return gt_fail(err, GT_ESTATE,
			       "campaign \"%s\" can take %lld more under its cap of %lld, not %lld",
			       id, (long long)(gt_stmt_i64(st, 8) - raised),
			       (long long)gt_stmt_i64(st, 8), (long long)amount);
	if (amount > GT_GIVE_STREAM_MAX - 1 - raised)
		return gt_fail(err, GT_ERANGE, "campaign \"%s\" cannot take %lld more", id,
			       (long long)amount);
	return 0;
}

/* The work bought (price in *amount, which must agree with a given amount). */
static int S_work(gt_decide *d, const S_item *it, int64_t *amount, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(gt_decide_conn(d), GT_Q_GIVE_WORK_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, it->campaign, (size_t)-1);
	gt_stmt_bind_text(st, 2, it->work, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 0)
		rc = gt_fail(err, GT_ENOTFOUND, "campaign \"%s\" has no work \"%s\"", it->campaign,
			     it->work);
	if (rc == 1) {
		int64_t price = gt_stmt_i64(st, 2);
		rc = 0;
		if (it->amount && it->amount != price)
			rc = gt_fail(err, GT_EINVAL, "work \"%s\" costs %lld, not %lld", it->work,
				     (long long)price, (long long)it->amount);
		else if (!gt_stmt_is_null(st, 4) && gt_stmt_i64(st, 5) >= gt_stmt_i64(st, 4))
			rc = gt_fail(err, GT_ESTATE, "work \"%s\" is sold out (%lld copies)",
				     it->work, (long long)gt_stmt_i64(st, 4));
		*amount = price;
	}
	gt_stmt_close(st);
	return rc;
}

/* One donation: emitted, with its reply item in *reply. */
static int S_donate(gt_decide *d, const json_t *in, json_t **reply, gt_error *err)
{
	S_item it;
	int rc = S_item_parse(in, &it, err);
	if (rc < 0)
		return rc;
	int64_t amount = it.amount;
	char ref[S_REF_HEX + 1];
	if (it.reference) {
		S_ref(d, it.reference, ref);
		*reply = NULL;
		if ((rc = S_duplicate(d, &it, ref, amount, reply, err)) < 0 || *reply)
			return rc;
	}
	if (it.work && (rc = S_work(d, &it, &amount, err)) < 0)
		return rc;
	gt_stmt *st;
	if ((rc = gt_give_campaign(gt_decide_conn(d), it.campaign, &st, err)) < 0)
		return rc;
	rc = S_can_take(d, st, &it, amount, err);
	gt_stmt_close(st);
	char code[GT_GIVE_CODE_LEN + 1];
	if (rc == 0)
		rc = S_code(d, code, err);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:s, s:I, s:s, s:s}", "campaign", it.campaign, "amount",
				 (json_int_t)amount, "code", code, "channel", it.channel);
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	if (it.anonymous)
		json_object_set_new(data, "anonymous", json_true());
	if (it.donor) {
		char pseudo[GT_PSEUDO_LEN + 1];
		gt_decide_pseudonym(d, "donor", it.donor, pseudo);
		json_object_set_new(data, "donor", json_string(pseudo));
	}
	if (it.name) {
		char masked[8];
		gt_give_mask_name(it.name, masked);
		json_object_set_new(data, "name", json_string(masked));
	}
	if (it.work)
		json_object_set_new(data, "work", json_string(it.work));
	if (it.reference)
		json_object_set_new(data, "ref", json_string(ref));
	uint64_t index;
	if ((rc = gt_decide_emit(d, "give.donation", data, &index, err)) < 0)
		return rc;
	*reply = S_reply_item(code, (int64_t)index, it.campaign, amount, gt_decide_at(d), false);
	return *reply ? 0 : gt_fail(err, GT_ENOMEM, "out of memory");
}

int gt_give_donate_for(gt_decide *d, const char *campaign, int64_t amount, const char *currency,
		       const char *channel, json_t *extra, uint64_t *ret_index,
		       char code[GT_GIVE_CODE_LEN + 1], gt_error *err)
{
	S_item it = {.campaign = campaign, .channel = channel, .amount = amount};
	gt_stmt *st;
	int rc = gt_give_campaign(gt_decide_conn(d), campaign, &st, err);
	if (rc < 0) {
		json_decref(extra);
		return rc;
	}
	if (strcmp(gt_stmt_text(st, 9, NULL), currency) != 0)
		rc = gt_fail(err, GT_ESTATE, "campaign \"%s\" is in %s, not %s", campaign,
			     gt_stmt_text(st, 9, NULL), currency);
	if (rc == 0)
		rc = S_can_take(d, st, &it, amount, err);
	gt_stmt_close(st);
	if (rc == 0)
		rc = S_code(d, code, err);
	json_t *data = rc == 0 ? json_pack("{s:s, s:I, s:s, s:s}", "campaign", campaign, "amount",
					   (json_int_t)amount, "code", code, "channel", channel) :
				 NULL;
	if (rc == 0 && (!data || json_object_update(data, extra) < 0))
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
	json_decref(extra);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	return gt_decide_emit(d, "give.donation", data, ret_index, err);
}

int gt_give_donation_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "donations are recorded by charities and processors");
	const json_t *items = json_object_get(in, "items");
	json_t *reply = NULL;
	if (!items) {
		int rc = S_donate(d, in, &reply, err);
		if (rc == 0)
			gt_decide_reply(d, reply);
		return rc;
	}
	size_t n = json_array_size(items);
	if (json_object_size(in) != 1 || !json_is_array(items) || n == 0)
		return gt_fail(err, GT_EINVAL, "items must be a non-empty array of donations");
	if (n > GT_GIVE_BATCH_MAX)
		return gt_fail(err, GT_ETOOBIG, "a batch holds at most %d donations, not %zu",
			       GT_GIVE_BATCH_MAX, n);
	json_t *list = json_array();
	uint64_t first = gt_decide_next_index(d);
	size_t i, fresh = 0;
	const json_t *v;
	json_array_foreach(items, i, v)
	{
		gt_error e = {0};
		int rc = S_donate(d, v, &reply, &e);
		if (rc < 0) {
			json_decref(list);
			return gt_fail(err, rc, "items[%zu]: %s", i, e.msg);
		}
		fresh += json_is_false(json_object_get(reply, "duplicate"));
		json_array_append_new(list, reply);
	}
	gt_decide_reply(d, json_pack("{s:o, s:I, s:I}", "items", list, "count", (json_int_t)fresh,
				     "first", (json_int_t)first));
	return 0;
}

/* The first 15 hex digits of a donor reference, as a number for counting
 * distinct donors (60 bits: a collision among millions is ~1e-6 likely). */
static int64_t S_donor_key(const char *donor)
{
	const char *h = strchr(donor, ':');
	int64_t k = 0;
	for (h = h ? h + 1 : donor; *h && h - donor < 64; h++) {
		int x = *h >= 'a' ? *h - 'a' + 10 : *h - '0';
		k = k << 4 | (x & 15);
		if (k >> 56)
			break;
	}
	return k;
}

int gt_give_donation_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	const char *campaign = gt_give_opt(v, "campaign"), *donor = gt_give_opt(v, "donor"),
		   *work = gt_give_opt(v, "work");
	int64_t amount = gt_give_int(v, "amount");
	bool anonymous = json_is_true(json_object_get(v, "anonymous"));
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GIVE_CAMPAIGN_DONATE, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, campaign, (size_t)-1);
	gt_stmt_bind_i64(st, 2, amount);
	gt_stmt_bind_i64(st, 3, anonymous);
	gt_stmt_bind_i64(st, 4, (int64_t)e->index);
	gt_stmt_bind_text(st, 5, e->at, (size_t)-1);
	rc = gt_stmt_step(st, err);
	int64_t num = 0, start = 0, seq = 0;
	if (rc == 1) {
		num = gt_stmt_i64(st, 0);
		start = gt_stmt_i64(st, 1);
		seq = gt_stmt_i64(st, 2);
		/* Run it to its end: a write reset before it is done is rolled
		 * back as a statement, reading the savepoint's journal. */
		int done = gt_stmt_step(st, err);
		if (done < 0)
			rc = done;
	}
	gt_stmt_close(st);
	if (rc == 0)
		return gt_fail(err, GT_ECORRUPT, "donation %llu: no campaign \"%s\"",
			       (unsigned long long)e->index, campaign);
	if (rc < 0)
		return rc;
	char day[11];
	snprintf(day, sizeof(day), "%.10s", e->at);
	int64_t r = gt_store_exec(c, GT_Q_GIVE_DONATION_PUT, err, "iiiiitttittt" "t", num, start,
				  (int64_t)e->index, seq, amount, gt_give_opt(v, "code"),
				  gt_give_opt(v, "channel"), gt_give_opt(v, "name"),
				  (int64_t)anonymous, work, gt_entry_org(e), gt_give_opt(v, "ref"),
				  e->at);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GIVE_DAY_ADD, err, "itiiii", num, day, amount, (int64_t)0,
				  (int64_t)0, (int64_t)1);
	if (r >= 0 && donor) {
		r = gt_store_exec(c, GT_Q_GIVE_DONOR_ADD, err, "ii", num, S_donor_key(donor));
		if (r == 1)
			r = gt_store_exec(c, GT_Q_GIVE_DONOR_COUNT, err, "t", campaign);
	}
	if (r >= 0 && work)
		r = gt_store_exec(c, GT_Q_GIVE_WORK_SOLD, err, "tt", campaign, work);
	return r < 0 ? (int)r : 0;
}

/* ---- refunds ---------------------------------------------------------------------------- */

int gt_give_refund_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"receipt", "amount", "reason", NULL};
	const char *receipt, *reason = NULL;
	char code[GT_GIVE_CODE_LEN + 1];
	int64_t amount;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "refunds are made by the campaign's charity");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "receipt", 1, 40, &receipt, err);
	if (rc == 0 && !gt_give_code_normalise(receipt, code))
		rc = gt_fail(err, GT_EINVAL, "receipt must be a receipt code like 7KQ2-9MXD-R4TB");
	if (rc == 0)
		rc = gt_give_amount(in, "amount", true, &amount, err);
	if (rc == 0)
		rc = gt_json_text(in, "reason", S_PURPOSE_MAX, false, &reason, err);
	if (rc < 0)
		return rc;
	gt_store_conn *c = gt_decide_conn(d);
	gt_stmt *st;
	if ((rc = gt_stmt_open(c, GT_Q_GIVE_DONATION_BY_CODE, &st, err)) < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, gt_give_code_index(code));
	gt_stmt_bind_text(st, 2, code, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 0)
		rc = gt_fail(err, GT_ENOTFOUND, "no donation with receipt %s", code);
	char campaign[48] = "";
	int64_t index = 0, start = 0, live_end = 0;
	if (rc == 1) {
		snprintf(campaign, sizeof(campaign), "%s", gt_stmt_text(st, 1, NULL));
		index = gt_stmt_i64(st, 0);
		start = gt_stmt_i64(st, 3);
		live_end = start + gt_stmt_i64(st, 4) - gt_stmt_i64(st, 5);
		rc = 0;
	}
	gt_stmt_close(st);
	if (rc < 0 || (rc = gt_give_campaign(c, campaign, &st, err)) < 0)
		return rc;
	int64_t cursor = gt_stmt_i64(st, 24);
	if (strcmp(gt_stmt_text(st, 1, NULL), gt_decide_org(d)) != 0)
		rc = gt_fail(err, GT_EDENIED, "campaign \"%s\" belongs to %s", campaign,
			     gt_stmt_text(st, 1, NULL));
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	int64_t refundable = live_end - (cursor > start ? cursor : start);
	if (refundable < 0)
		refundable = 0;
	if (amount > refundable)
		return gt_fail(err, GT_ESTATE,
			       "receipt %s: at most %lld can be refunded (the part not yet spent), "
			       "not %lld",
			       code, (long long)refundable, (long long)amount);
	json_t *data = json_pack("{s:s, s:I, s:I}", "campaign", campaign, "donation",
				 (json_int_t)index, "amount", (json_int_t)amount);
	if (data && reason)
		json_object_set_new(data, "reason", json_string(reason));
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	gt_decide_reply(d, json_pack("{s:s, s:s, s:I, s:I, s:I}", "receipt", code, "campaign",
				     campaign, "amount", (json_int_t)amount, "refundable",
				     (json_int_t)(refundable - amount), "index",
				     (json_int_t)gt_decide_next_index(d)));
	return gt_decide_emit(d, "give.refund", data, NULL, err);
}

/* The campaign's number (its creation index) and cursor. */
static int S_campaign_num(gt_store_conn *c, const char *id, int64_t *num, int64_t *cursor,
			  gt_error *err)
{
	gt_stmt *st;
	int rc = gt_give_campaign(c, id, &st, err);
	if (rc < 0)
		return rc == GT_ENOTFOUND ? gt_fail(err, GT_ECORRUPT, "%s", err->msg) : rc;
	*num = gt_stmt_i64(st, 12);
	*cursor = gt_stmt_i64(st, 24);
	gt_stmt_close(st);
	return 0;
}

int gt_give_refund_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const char *campaign = gt_give_opt(e->data, "campaign");
	int64_t amount = gt_give_int(e->data, "amount"), num, cursor;
	int rc = S_campaign_num(c, campaign, &num, &cursor, err);
	if (rc < 0)
		return rc;
	char day[11];
	snprintf(day, sizeof(day), "%.10s", e->at);
	int64_t r = gt_store_exec(c, GT_Q_GIVE_REFUND_DONATION, err, "ii",
				  gt_give_int(e->data, "donation"), amount);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GIVE_REFUND_CAMPAIGN, err, "ti", campaign, amount);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GIVE_DAY_ADD, err, "itiiii", num, day, (int64_t)0, amount,
				  (int64_t)0, (int64_t)0);
	return r < 0 ? (int)r : 0;
}

/* ---- disbursements ------------------------------------------------------------------------ */

int gt_give_disburse_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"campaign", "payee",	   "payee_kind",     "payee_org",
					   "purpose",  "category", "amount", "receipt_sha256",
					   NULL};
	const char *id, *payee, *kind, *payee_org = NULL, *purpose, *category, *sha;
	int64_t amount;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "disbursements are made by the campaign's charity");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "campaign", 40, true, &id, err);
	if (rc == 0)
		rc = gt_json_text(in, "payee", 200, true, &payee, err);
	if (rc == 0)
		rc = gt_json_str(in, "payee_kind", 1, 16, &kind, err);
	if (rc == 0 && strcmp(kind, "beneficiary") != 0 && strcmp(kind, "supplier") != 0)
		rc = gt_fail(err, GT_EINVAL, "payee_kind must be \"beneficiary\" or \"supplier\"");
	if (rc == 0)
		rc = gt_json_str_opt(in, "payee_org", 40, &payee_org, err);
	if (rc == 0)
		rc = gt_json_text(in, "purpose", S_PURPOSE_MAX, true, &purpose, err);
	if (rc == 0)
		rc = gt_json_slug(in, "category", 40, true, &category, err);
	if (rc == 0)
		rc = gt_give_amount(in, "amount", true, &amount, err);
	if (rc == 0)
		rc = gt_give_sha256(in, "receipt_sha256", &sha, err);
	if (rc < 0)
		return rc;
	gt_store_conn *c = gt_decide_conn(d);
	if (payee_org && (rc = gt_give_org_exists(c, payee_org, "payee_org", err)) < 0)
		return rc;
	gt_stmt *st;
	if ((rc = gt_give_campaign(c, id, &st, err)) < 0)
		return rc;
	int64_t balance = gt_stmt_i64(st, 20) - gt_stmt_i64(st, 22) - gt_stmt_i64(st, 23);
	if (strcmp(gt_stmt_text(st, 1, NULL), gt_decide_org(d)) != 0)
		rc = gt_fail(err, GT_EDENIED, "campaign \"%s\" belongs to %s", id,
			     gt_stmt_text(st, 1, NULL));
	else if (strcmp(gt_stmt_text(st, 14, NULL), "suspended") == 0)
		rc = gt_fail(err, GT_ESTATE, "campaign \"%s\" is suspended: nothing can be disbursed",
			     id);
	else if (amount > balance)
		rc = gt_fail(err, GT_ESTATE,
			     "campaign \"%s\" has a balance of %lld; %lld would overdraw it", id,
			     (long long)balance, (long long)amount);
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "campaign", id, "payee",
				 payee, "payee_kind", kind, "purpose", purpose, "category", category,
				 "amount", (json_int_t)amount, "receipt_sha256", sha);
	if (data && payee_org)
		json_object_set_new(data, "payee_org", json_string(payee_org));
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	json_t *reply = json_deep_copy(data);
	json_object_set_new(reply, "index", json_integer((json_int_t)gt_decide_next_index(d)));
	json_object_set_new(reply, "balance", json_integer((json_int_t)(balance - amount)));
	json_object_set_new(reply, "at", json_string(gt_decide_at(d)));
	gt_decide_reply(d, reply);
	return gt_decide_emit(d, "give.disbursement", data, NULL, err);
}

/* Where a disbursement of amount starting at cursor ends: it spends the
 * stream's units in order, stepping over refunded tails (holes). Holes are
 * few (one per refunded donation), so this reads them, not the donations. */
static int S_spend_end(gt_store_conn *c, int64_t num, int64_t cursor, int64_t amount,
		       int64_t *end, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GIVE_HOLES, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, num);
	gt_stmt_bind_i64(st, 2, cursor);
	int64_t pos = cursor, need = amount;
	while ((rc = gt_stmt_step(st, err)) == 1) {
		int64_t hs = gt_stmt_i64(st, 0), he = gt_stmt_i64(st, 1);
		if (hs < pos)
			hs = pos;
		if (hs - pos >= need)
			break;
		need -= hs - pos;
		pos = he;
	}
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	*end = pos + need;
	return 0;
}

int gt_give_disburse_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	const char *campaign = gt_give_opt(v, "campaign");
	int64_t amount = gt_give_int(v, "amount"), num = 0, cursor = 0, end = 0;
	int rc = S_campaign_num(c, campaign, &num, &cursor, err);
	if (rc == 0)
		rc = S_spend_end(c, num, cursor, amount, &end, err);
	if (rc < 0)
		return rc;
	gt_stmt *st;
	if ((rc = gt_stmt_open(c, GT_Q_GIVE_CAMPAIGN_SPEND, &st, err)) < 0)
		return rc;
	gt_stmt_bind_text(st, 1, campaign, (size_t)-1);
	gt_stmt_bind_i64(st, 2, amount);
	gt_stmt_bind_i64(st, 3, end);
	rc = gt_stmt_step(st, err);
	int64_t seq = rc == 1 ? gt_stmt_i64(st, 0) : 0;
	if (rc == 1) /* to its end, as above */
		rc = gt_stmt_step(st, err);
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	char day[11];
	snprintf(day, sizeof(day), "%.10s", e->at);
	int64_t r = gt_store_exec(c, GT_Q_GIVE_DISB_PUT, err, "iiitttttitiitt", (int64_t)e->index,
				  num, seq, gt_give_opt(v, "payee"), gt_give_opt(v, "payee_kind"),
				  gt_give_opt(v, "payee_org"), gt_give_opt(v, "purpose"),
				  gt_give_opt(v, "category"), amount,
				  gt_give_opt(v, "receipt_sha256"), cursor, end, gt_entry_org(e), e->at);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GIVE_CATEGORY_ADD, err, "iti", num,
				  gt_give_opt(v, "category"), amount);
	if (r >= 0)
		r = gt_store_exec(c, GT_Q_GIVE_DAY_ADD, err, "itiiii", num, day, (int64_t)0,
				  (int64_t)0, amount, (int64_t)0);
	return r < 0 ? (int)r : 0;
}

int gt_give_confirm_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"disbursement", "note", NULL};
	const char *note = NULL;
	int64_t index;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "receipt is confirmed by the payee");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_int(in, "disbursement", 0, INT64_MAX, &index, err);
	if (rc == 0)
		rc = gt_json_text(in, "note", S_PURPOSE_MAX, false, &note, err);
	if (rc < 0)
		return rc;
	gt_stmt *st;
	if ((rc = gt_stmt_open(gt_decide_conn(d), GT_Q_GIVE_DISB_GET, &st, err)) < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, index);
	rc = gt_stmt_step(st, err);
	if (rc == 0)
		rc = gt_fail(err, GT_ENOTFOUND, "no disbursement %lld", (long long)index);
	else if (rc == 1 && (gt_stmt_is_null(st, 5) ||
			     strcmp(gt_stmt_text(st, 5, NULL), gt_decide_org(d)) != 0))
		rc = gt_fail(err, GT_EDENIED, "disbursement %lld was paid to %s; only it confirms",
			     (long long)index,
			     gt_stmt_is_null(st, 5) ? "a payee without an organisation" :
						      gt_stmt_text(st, 5, NULL));
	else if (rc == 1 && !gt_stmt_is_null(st, 14))
		rc = gt_fail(err, GT_ESTATE, "disbursement %lld was already confirmed at %s",
			     (long long)index, gt_stmt_text(st, 15, NULL));
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:I}", "disbursement", (json_int_t)index);
	if (data && note)
		json_object_set_new(data, "note", json_string(note));
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	gt_decide_reply(d, json_pack("{s:I, s:s}", "disbursement", (json_int_t)index,
				     "confirmed_at", gt_decide_at(d)));
	return gt_decide_emit(d, "give.confirm", data, NULL, err);
}

int gt_give_confirm_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t r = gt_store_exec(c, GT_Q_GIVE_CONFIRM, err, "iitt",
				  gt_give_int(e->data, "disbursement"), (int64_t)e->index, e->at,
				  gt_give_opt(e->data, "note"));
	return r < 0 ? (int)r : 0;
}
