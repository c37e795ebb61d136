/* Campaigns: created by a charity, verified by an admin, closed by the
 * charity or by reaching their cap; works on sale; reports for review. */
#include "give/give_int.h"
#include "core/json.h"
#include "core/time.h"
#include "give/stream.h"

#include <stdio.h>
#include <string.h>

#define S_TITLE_MAX 200
#define S_TEXT_MAX 4000
#define S_NOTE_MAX 500
#define S_DOCS_MAX 20

/* A time field into its canonical form (out), or GT_EINVAL. */
static int S_time(const json_t *in, const char *key, bool required, char out[GT_TIME_LEN + 1],
		  int64_t *ms, gt_error *err)
{
	const char *s = NULL;
	int rc = required ? gt_json_str(in, key, 1, 40, &s, err) :
			    gt_json_str_opt(in, key, 40, &s, err);
	if (rc < 0 || !s)
		return rc;
	if (gt_time_parse(s, ms) < 0)
		return gt_fail(err, GT_EINVAL,
			       "%s must be a time like 2026-11-23T08:00:00Z, not \"%s\"", key, s);
	gt_time_format(*ms, out);
	return 0;
}

/* documents: [{"name", "sha256"}], 1 to S_DOCS_MAX, as entry data. */
static int S_documents(const json_t *in, bool required, json_t **ret, gt_error *err)
{
	static const char *const keys[] = {"name", "sha256", NULL};
	const json_t *docs = json_object_get(in, "documents");
	*ret = NULL;
	if (!docs || json_is_null(docs)) {
		if (required)
			return gt_fail(err, GT_EINVAL, "documents is required");
		return 0;
	}
	if (!json_is_array(docs) || json_array_size(docs) == 0 ||
	    json_array_size(docs) > S_DOCS_MAX)
		return gt_fail(err, GT_EINVAL, "documents must be an array of 1 to %d documents",
			       S_DOCS_MAX);
	json_t *out = json_array();
	size_t i;
	const json_t *v;
	json_array_foreach(docs, i, v)
	{
		const char *name, *sha;
		gt_error e = {0};
		int rc = json_is_object(v) ? gt_json_only(v, keys, &e) :
					     gt_fail(&e, GT_EINVAL, "expected an object");
		if (rc == 0)
			rc = gt_json_text(v, "name", S_TITLE_MAX, true, &name, &e);
		if (rc == 0)
			rc = gt_give_sha256(v, "sha256", &sha, &e);
		if (rc < 0) {
			json_decref(out);
			return gt_fail(err, rc, "documents[%zu]: %s", i, e.msg);
		}
		json_array_append_new(out, json_pack("{s:s, s:s}", "name", name, "sha256", sha));
	}
	*ret = out;
	return 0;
}

int gt_give_campaign_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {
		"id",	    "title",	 "description", "beneficiary", "beneficiary_org",
		"category", "goal",	 "cap",		"currency",    "starts",
		"ends",	    "documents", NULL};
	const char *id, *title, *desc, *benef, *benef_org = NULL, *category, *currency;
	int64_t goal, cap = 0, s_ms = gt_decide_now_ms(d), e_ms;
	char starts[GT_TIME_LEN + 1], ends[GT_TIME_LEN + 1];
	json_t *docs = NULL;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "campaigns are made by charities");
	snprintf(starts, sizeof(starts), "%s", gt_decide_at(d));
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "id", 40, true, &id, err);
	if (rc == 0 && strlen(id) < 3)
		rc = gt_fail(err, GT_EINVAL,
			     "id must be 3 to 40 lower-case letters, digits and '-'");
	if (rc == 0)
		rc = gt_json_text(in, "title", S_TITLE_MAX, true, &title, err);
	if (rc == 0)
		rc = gt_json_text(in, "description", S_TEXT_MAX, true, &desc, err);
	if (rc == 0)
		rc = gt_json_text(in, "beneficiary", S_TITLE_MAX, true, &benef, err);
	if (rc == 0)
		rc = gt_json_str_opt(in, "beneficiary_org", 40, &benef_org, err);
	if (rc == 0)
		rc = gt_json_slug(in, "category", 40, true, &category, err);
	if (rc == 0)
		rc = gt_give_amount(in, "goal", true, &goal, err);
	if (rc == 0)
		rc = gt_give_amount(in, "cap", false, &cap, err);
	if (rc == 0)
		rc = gt_json_str(in, "currency", 3, 3, &currency, err);
	if (rc == 0 && gt_give_minor_unit(currency) < 0)
		rc = gt_fail(err, GT_EINVAL,
			     "currency must be an ISO 4217 code goodtrace knows (e.g. CNY, USD), "
			     "not \"%s\"",
			     currency);
	if (rc == 0)
		rc = S_time(in, "starts", false, starts, &s_ms, err);
	if (rc == 0)
		rc = S_time(in, "ends", true, ends, &e_ms, err);
	if (rc == 0 && e_ms <= s_ms)
		rc = gt_fail(err, GT_EINVAL, "ends (%s) must be after starts (%s)", ends, starts);
	if (rc == 0 && e_ms <= gt_decide_now_ms(d))
		rc = gt_fail(err, GT_EINVAL, "ends (%s) is already past", ends);
	if (rc == 0)
		rc = S_documents(in, false, &docs, err);
	if (rc < 0)
		return rc;
	gt_store_conn *c = gt_decide_conn(d);
	gt_stmt *st;
	if (benef_org && (rc = gt_give_org_exists(c, benef_org, "beneficiary_org", err)) < 0)
		goto fail;
	rc = gt_give_campaign(c, id, &st, err);
	if (rc == 0) {
		gt_stmt_close(st);
		rc = gt_fail(err, GT_EEXIST, "campaign \"%s\" already exists", id);
		goto fail;
	}
	if (rc != GT_ENOTFOUND)
		goto fail;
	json_t *data =
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "id", id, "title", title,
			  "description", desc, "beneficiary", benef, "category", category, "goal",
			  (json_int_t)goal, "currency", currency, "starts", starts, "ends", ends);
	if (!data) {
		rc = gt_fail(err, GT_ENOMEM, "out of memory");
		goto fail;
	}
	if (benef_org)
		json_object_set_new(data, "beneficiary_org", json_string(benef_org));
	if (cap)
		json_object_set_new(data, "cap", json_integer((json_int_t)cap));
	if (docs)
		json_object_set_new(data, "documents", docs);
	gt_decide_reply(
		d, json_pack("{s:s, s:I}", "id", id, "index", (json_int_t)gt_decide_next_index(d)));
	return gt_decide_emit(d, "give.campaign", data, NULL, err);
fail:
	json_decref(docs);
	return rc;
}

static int S_docs_apply(gt_store_conn *c, const char *campaign, const gt_entry *e, gt_error *err)
{
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(e->data, "documents"), i, v)
	{
		int64_t r = gt_store_exec(c, GT_Q_GIVE_DOC_PUT, err, "titt", campaign,
					  (int64_t)e->index, gt_give_opt(v, "name"),
					  gt_give_opt(v, "sha256"));
		if (r < 0)
			return (int)r;
	}
	return 0;
}

int gt_give_campaign_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	const char *id = gt_give_opt(v, "id");
	const json_t *cap = json_object_get(v, "cap");
	/* A NULL cap is bound as a NULL text (cap is an integer when given). */
	char capbuf[24];
	if (cap)
		snprintf(capbuf, sizeof(capbuf), "%lld", (long long)json_integer_value(cap));
	int64_t r = gt_store_exec(c, GT_Q_GIVE_CAMPAIGN_PUT, err, "tttttttittttit", id,
				  gt_entry_org(e), gt_give_opt(v, "title"),
				  gt_give_opt(v, "description"), gt_give_opt(v, "beneficiary"),
				  gt_give_opt(v, "beneficiary_org"), gt_give_opt(v, "category"),
				  gt_give_int(v, "goal"), cap ? capbuf : NULL,
				  gt_give_opt(v, "currency"), gt_give_opt(v, "starts"),
				  gt_give_opt(v, "ends"), (int64_t)e->index, e->at);
	if (r < 0)
		return (int)r;
	return S_docs_apply(c, id, e, err);
}

/* The campaign named by in's "campaign", which must belong to the caller:
 * its row open in *ret. */
static int S_own_campaign(gt_decide *d, const json_t *in, const char **id, gt_stmt **ret,
			  gt_error *err)
{
	int rc = gt_json_slug(in, "campaign", 40, true, id, err);
	if (rc == 0)
		rc = gt_give_campaign(gt_decide_conn(d), *id, ret, err);
	if (rc < 0)
		return rc;
	if (strcmp(gt_stmt_text(*ret, 1, NULL), gt_decide_org(d)) != 0) {
		rc = gt_fail(err, GT_EDENIED, "campaign \"%s\" belongs to %s", *id,
			     gt_stmt_text(*ret, 1, NULL));
		gt_stmt_close(*ret);
		return rc;
	}
	return 0;
}

int gt_give_documents_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"campaign", "documents", NULL};
	const char *id;
	json_t *docs;
	gt_stmt *st;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "documents are added by the campaign's charity");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = S_own_campaign(d, in, &id, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_close(st);
	if ((rc = S_documents(in, true, &docs, err)) < 0)
		return rc;
	json_t *data = json_pack("{s:s, s:o}", "campaign", id, "documents", docs);
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	gt_decide_reply(d, json_pack("{s:s, s:I}", "campaign", id, "index",
				     (json_int_t)gt_decide_next_index(d)));
	return gt_decide_emit(d, "give.campaign.documents", data, NULL, err);
}

int gt_give_documents_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const char *id = gt_give_opt(e->data, "campaign");
	int rc = S_docs_apply(c, id, e, err);
	if (rc < 0)
		return rc;
	int64_t r = gt_store_exec(c, GT_Q_GIVE_VERIFY, err, "tnnnn", id);
	return r < 0 ? (int)r : 0;
}

int gt_give_verify_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"campaign", "status", "note", NULL};
	const char *id, *status, *note = NULL;
	gt_stmt *st;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "campaigns are verified by admins");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "campaign", 40, true, &id, err);
	if (rc == 0)
		rc = gt_json_str(in, "status", 1, 16, &status, err);
	if (rc == 0 && strcmp(status, "verified") != 0 && strcmp(status, "rejected") != 0 &&
	    strcmp(status, "suspended") != 0)
		rc = gt_fail(err, GT_EINVAL,
			     "status must be \"verified\", \"rejected\" or \"suspended\"");
	if (rc == 0)
		rc = gt_json_text(in, "note", S_NOTE_MAX, false, &note, err);
	if (rc == 0)
		rc = gt_give_campaign(gt_decide_conn(d), id, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_close(st);
	json_t *data = json_pack("{s:s, s:s}", "campaign", id, "status", status);
	if (data && note)
		json_object_set_new(data, "note", json_string(note));
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	gt_decide_reply(d, json_deep_copy(data));
	return gt_decide_emit(d, "give.campaign.verify", data, NULL, err);
}

int gt_give_verify_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	int64_t r = gt_store_exec(c, GT_Q_GIVE_VERIFY, err, "ttttt",
				  gt_give_opt(e->data, "campaign"), gt_give_opt(e->data, "status"),
				  gt_give_opt(e->data, "note"), gt_entry_org(e), e->at);
	return r < 0 ? (int)r : 0;
}

int gt_give_close_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"campaign", "reason", NULL};
	const char *id, *reason = NULL;
	gt_stmt *st;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "campaigns are closed by their charity");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_text(in, "reason", S_NOTE_MAX, false, &reason, err);
	if (rc == 0)
		rc = S_own_campaign(d, in, &id, &st, err);
	if (rc < 0)
		return rc;
	if (!gt_stmt_is_null(st, 28))
		rc = gt_fail(err, GT_ESTATE, "campaign \"%s\" was already closed at %s", id,
			     gt_stmt_text(st, 18, NULL));
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:s}", "campaign", id);
	if (data && reason)
		json_object_set_new(data, "reason", json_string(reason));
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	gt_decide_reply(d, json_pack("{s:s, s:s}", "campaign", id, "closed_at", gt_decide_at(d)));
	return gt_decide_emit(d, "give.campaign.close", data, NULL, err);
}

int gt_give_close_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const char *reason = gt_give_opt(e->data, "reason");
	int64_t r =
		gt_store_exec(c, GT_Q_GIVE_CLOSE, err, "titt", gt_give_opt(e->data, "campaign"),
			      (int64_t)e->index, e->at, reason ? reason : "closed by the charity");
	return r < 0 ? (int)r : 0;
}

int gt_give_work_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"campaign", "id",	  "title", "price",
					   "sha256",   "edition", NULL};
	const char *campaign, *id, *title, *sha;
	int64_t price, edition = 0;
	gt_stmt *st;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "works are put on sale by the campaign's charity");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "id", 40, true, &id, err);
	if (rc == 0)
		rc = gt_json_text(in, "title", S_TITLE_MAX, true, &title, err);
	if (rc == 0)
		rc = gt_give_amount(in, "price", true, &price, err);
	if (rc == 0)
		rc = gt_give_sha256(in, "sha256", &sha, err);
	if (rc == 0 && json_object_get(in, "edition") &&
	    !json_is_null(json_object_get(in, "edition")))
		rc = gt_json_int(in, "edition", 1, INT32_MAX, &edition, err);
	if (rc == 0)
		rc = S_own_campaign(d, in, &campaign, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_close(st);
	rc = gt_stmt_open(gt_decide_conn(d), GT_Q_GIVE_WORK_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, campaign, (size_t)-1);
	gt_stmt_bind_text(st, 2, id, (size_t)-1);
	rc = gt_stmt_step(st, err);
	gt_stmt_close(st);
	if (rc == 1)
		return gt_fail(err, GT_EEXIST, "campaign \"%s\" already has a work \"%s\"",
			       campaign, id);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:s, s:s, s:s, s:I, s:s}", "campaign", campaign, "id", id,
				 "title", title, "price", (json_int_t)price, "sha256", sha);
	if (data && edition)
		json_object_set_new(data, "edition", json_integer((json_int_t)edition));
	if (!data)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	json_t *reply = json_deep_copy(data);
	json_object_set_new(reply, "index", json_integer((json_int_t)gt_decide_next_index(d)));
	gt_decide_reply(d, reply);
	return gt_decide_emit(d, "give.work", data, NULL, err);
}

int gt_give_work_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *v = e->data;
	const json_t *ed = json_object_get(v, "edition");
	char edbuf[24];
	if (ed)
		snprintf(edbuf, sizeof(edbuf), "%lld", (long long)json_integer_value(ed));
	int64_t r = gt_store_exec(
		c, GT_Q_GIVE_WORK_PUT, err, "tttittit", gt_give_opt(v, "campaign"),
		gt_give_opt(v, "id"), gt_give_opt(v, "title"), gt_give_int(v, "price"),
		gt_give_opt(v, "sha256"), ed ? edbuf : NULL, (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}

/* ---- reports: private, for an admin's review -------------------------------------------- */

int gt_give_report_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"campaign", "reason", "details", NULL};
	static const char *const reasons[] = {
		"fraud", "misleading", "not-delivered", "offensive", "privacy", "other", NULL};
	const char *id, *reason, *details = NULL;
	gt_stmt *st;
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_slug(in, "campaign", 40, true, &id, err);
	if (rc == 0)
		rc = gt_json_str(in, "reason", 1, 20, &reason, err);
	bool known = false;
	for (size_t i = 0; rc == 0 && reasons[i]; i++)
		known = known || strcmp(reasons[i], reason) == 0;
	if (rc == 0 && !known)
		rc = gt_fail(err, GT_EINVAL,
			     "reason must be one of fraud, misleading, not-delivered, offensive, "
			     "privacy, other");
	if (rc == 0)
		rc = gt_json_text(in, "details", 2000, false, &details, err);
	if (rc == 0)
		rc = gt_give_campaign(gt_decide_conn(d), id, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_close(st);
	int64_t r = gt_store_exec(gt_decide_conn(d), GT_Q_GIVE_REPORT_PUT, err, "tttt", id, reason,
				  details, gt_decide_at(d));
	if (r < 0)
		return (int)r;
	gt_decide_reply(d, json_pack("{s:s, s:s}", "campaign", id, "status", "received"));
	return 0;
}

int gt_give_resolve_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id", "outcome", NULL};
	const char *outcome;
	int64_t id;
	gt_stmt *st;
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "reports are resolved by admins");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_int(in, "id", 0, INT64_MAX, &id, err); /* 0: "no report 0" */
	if (rc == 0)
		rc = gt_json_text(in, "outcome", S_NOTE_MAX, true, &outcome, err);
	if (rc == 0)
		rc = gt_stmt_open(gt_decide_conn(d), GT_Q_GIVE_REPORT_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_i64(st, 1, id);
	rc = gt_stmt_step(st, err);
	if (rc == 0)
		rc = gt_fail(err, GT_ENOTFOUND, "no report %lld", (long long)id);
	else if (rc == 1 && !gt_stmt_is_null(st, 5))
		rc = gt_fail(err, GT_ESTATE, "report %lld was already resolved at %s",
			     (long long)id, gt_stmt_text(st, 7, NULL));
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	int64_t r = gt_store_exec(gt_decide_conn(d), GT_Q_GIVE_REPORT_RESOLVE, err, "ittt", id,
				  outcome, gt_decide_org(d), gt_decide_at(d));
	if (r < 0)
		return (int)r;
	gt_decide_reply(d, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "outcome", outcome,
				     "resolved_at", gt_decide_at(d)));
	return 0;
}
