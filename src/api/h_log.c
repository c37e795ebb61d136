/* The log as JSON: inclusion and consistency proofs, one entry with
 * everything needed to verify it, and the list of recent entries. */
#include "api/api_int.h"
#include "core/base64.h"
#include "log/checkpoint.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static json_t *S_hash(const gt_hash *h)
{
	char b64[GT_HASH_LEN * 2];
	gt_base64_encode(h->b, GT_HASH_LEN, b64);
	return json_string(b64);
}

static json_t *S_hashes(const gt_proof *p)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < p->n; i++)
		if (json_array_append_new(a, S_hash(&p->hashes[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* A required integer query parameter. */
static int S_required(gt_req *r, const char *name, uint64_t *ret, enum MHD_Result *answered)
{
	if (!gt_api_query(r, name)) {
		*answered = gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
					   "%s is required", name);
		return GT_EINVAL;
	}
	return gt_api_query_u64(r, name, 0, UINT64_MAX, ret, answered);
}

static enum MHD_Result S_log_error(gt_req *r, int rc, const gt_error *err)
{
	if (rc == GT_ERANGE)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "out-of-range", "%s", err->msg);
	return gt_api_problem_code(r, rc, err->msg);
}

enum MHD_Result gt_h_log_proof(gt_req *r)
{
	gt_log *log = r->api->log;
	uint64_t size = gt_log_size(log), index, tree_size;
	enum MHD_Result ans;
	if (S_required(r, "index", &index, &ans) < 0 ||
	    gt_api_query_u64(r, "tree_size", size, UINT64_MAX, &tree_size, &ans) < 0)
		return ans;
	if (tree_size > size)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "out-of-range",
				      "tree_size %llu is beyond the log's size %llu",
				      (unsigned long long)tree_size, (unsigned long long)size);
	if (index >= tree_size)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "out-of-range",
				      "index %llu is not below tree_size %llu",
				      (unsigned long long)index, (unsigned long long)tree_size);
	gt_hash leaf, hashes[GT_PROOF_MAX];
	gt_proof proof = {hashes, 0};
	gt_error err = {0};
	int rc = gt_log_leaf_hash(log, index, &leaf, &err);
	if (rc == 0)
		rc = gt_log_inclusion_proof(log, index, tree_size, &proof, &err);
	if (rc < 0)
		return S_log_error(r, rc, &err);
	json_t *v = json_pack("{s:I, s:I, s:o, s:o}", "index", (json_int_t)index, "tree_size",
			      (json_int_t)tree_size, "leaf_hash", S_hash(&leaf), "hashes",
			      S_hashes(&proof));
	return gt_api_json(r, MHD_HTTP_OK, v);
}

enum MHD_Result gt_h_log_consistency(gt_req *r)
{
	gt_log *log = r->api->log;
	uint64_t size = gt_log_size(log), from, to;
	enum MHD_Result ans;
	if (S_required(r, "from", &from, &ans) < 0 ||
	    gt_api_query_u64(r, "to", size, UINT64_MAX, &to, &ans) < 0)
		return ans;
	if (to > size)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "out-of-range",
				      "to %llu is beyond the log's size %llu",
				      (unsigned long long)to, (unsigned long long)size);
	if (from > to)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "out-of-range",
				      "from %llu is beyond to %llu", (unsigned long long)from,
				      (unsigned long long)to);
	gt_hash hashes[GT_PROOF_MAX];
	gt_proof proof = {hashes, 0};
	gt_error err = {0};
	int rc = gt_log_consistency_proof(log, from, to, &proof, &err);
	if (rc < 0)
		return S_log_error(r, rc, &err);
	json_t *v = json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
			      "hashes", S_hashes(&proof));
	return gt_api_json(r, MHD_HTTP_OK, v);
}

/* The tree size of a signed checkpoint (its body ends at the blank line). */
static int S_checkpoint_size(const gt_buf *note, uint64_t *ret, gt_error *err)
{
	const char *text = (const char *)note->data;
	const char *end = text ? strstr(text, "\n\n") : NULL;
	if (!end)
		return gt_fail(err, GT_ECORRUPT, "the checkpoint is not a signed note");
	gt_checkpoint ck;
	int rc = gt_checkpoint_parse(text, (size_t)(end - text) + 1, &ck, err);
	if (rc < 0)
		return rc;
	*ret = ck.size;
	return 0;
}

int gt_api_checkpoint(gt_log *log, gt_buf *note, uint64_t *size, gt_error *err)
{
	int rc = gt_log_checkpoint(log, note);
	if (rc < 0)
		return gt_fail(err, rc, "cannot read the checkpoint");
	return S_checkpoint_size(note, size, err);
}

/* A hash as base64, written by w. */
static void S_jw_hash(gt_jw *w, const gt_hash *h)
{
	char b64[GT_HASH_LEN * 2];
	size_t n = gt_base64_encode(h->b, GT_HASH_LEN, b64);
	gt_jw_strn(w, b64, n);
}

/* Proofs written lately, as text, in a direct-mapped table by index: a
 * slot holds one (index, tree size, with_entry) and the members written. */
#define S_PROOF_SLOTS 256
#define S_PROOF_TEXT_MAX 6144
struct gt_api_proofs {
	pthread_mutex_t mu;
	struct {
		uint64_t index, size; /* size 0: empty */
		bool with_entry;
		size_t len;
		char text[S_PROOF_TEXT_MAX];
	} slot[S_PROOF_SLOTS];
};

struct gt_api_proofs *gt_api_proofs_new(void)
{
	struct gt_api_proofs *p = calloc(1, sizeof(*p));
	if (p)
		pthread_mutex_init(&p->mu, NULL);
	return p;
}

void gt_api_proofs_free(struct gt_api_proofs *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int gt_api_entry_proof(gt_api *api, uint64_t index, uint64_t size, bool with_entry, gt_jw *w,
		       gt_error *err)
{
	struct gt_api_proofs *kept = api->proofs;
	unsigned s = (unsigned)(index % S_PROOF_SLOTS);
	if (kept) {
		bool hit = false;
		pthread_mutex_lock(&kept->mu);
		if (kept->slot[s].size == size && kept->slot[s].index == index &&
		    kept->slot[s].with_entry == with_entry) {
			gt_jw_members(w, kept->slot[s].text, kept->slot[s].len);
			hit = true;
		}
		pthread_mutex_unlock(&kept->mu);
		if (hit)
			return gt_jw_error(w) < 0 ? gt_fail(err, GT_ENOMEM, "out of memory") : 0;
	}
	gt_buf raw = GT_BUF_INIT;
	gt_hash leaf, hashes[GT_PROOF_MAX];
	gt_proof proof = {hashes, 0};
	/* Where the members start: after the comma the first one brings. */
	size_t from = w->out->len + (w->comma ? 1 : 0);
	int rc = gt_log_entry(api->log, index, &raw, err);
	if (rc == 0)
		rc = gt_log_inclusion_proof(api->log, index, size, &proof, err);
	if (rc == 0) {
		/* The leaf hash from the entry read, not from the tree: a
		 * damaged bundle then fails the proof instead of passing
		 * unnoticed with a leaf hash that does not match it. */
		gt_hash_leaf(raw.data, raw.len, &leaf);
		gt_jw_kint(w, "index", (int64_t)index);
		gt_jw_key(w, "raw");
		gt_jw_strn(w, (const char *)raw.data, raw.len);
		gt_jw_key(w, "leaf_hash");
		S_jw_hash(w, &leaf);
		gt_jw_key(w, "hashes");
		gt_jw_arr(w);
		for (size_t i = 0; i < proof.n; i++)
			S_jw_hash(w, &proof.hashes[i]);
		gt_jw_end(w, ']');
		if (with_entry) {
			/* Entries are canonical JSON: the raw text is the value. */
			gt_jw_key(w, "entry");
			gt_jw_raw(w, (const char *)raw.data, raw.len);
		}
		if (gt_jw_error(w) < 0)
			rc = gt_fail(err, GT_ENOMEM, "out of memory");
	} else if (rc == GT_EINVAL) {
		rc = GT_ECORRUPT;
	}
	gt_buf_done(&raw);
	size_t len = w->out->len - from;
	if (rc == 0 && kept && len <= S_PROOF_TEXT_MAX) {
		pthread_mutex_lock(&kept->mu);
		kept->slot[s].index = index;
		kept->slot[s].size = size;
		kept->slot[s].with_entry = with_entry;
		kept->slot[s].len = len;
		memcpy(kept->slot[s].text, w->out->data + from, len);
		pthread_mutex_unlock(&kept->mu);
	}
	return rc;
}

/* One entry, its inclusion proof and the checkpoint it is proved against
 * (taken first, so that every field agrees with it). */
enum MHD_Result gt_h_log_entry(gt_req *r)
{
	gt_log *log = r->api->log;
	uint64_t index, size = 0;
	if (gt_api_parse_u64(r->param[0], UINT64_MAX, &index) < 0)
		return gt_api_problem(r, MHD_HTTP_BAD_REQUEST, "invalid-parameter",
				      "index must be a non-negative integer");
	gt_buf note = GT_BUF_INIT, body = GT_BUF_INIT;
	gt_error err = {0};
	enum MHD_Result ret;
	int rc = gt_api_checkpoint(log, &note, &size, &err);
	if (rc < 0) {
		ret = gt_api_problem_code(r, rc, err.msg);
		goto done;
	}
	if (index >= size) {
		/* Durable (acknowledged) but not yet in a checkpoint: it will be
		 * within moments, so say when to ask again rather than 404. */
		uint64_t sequenced = gt_log_sequenced(log);
		if (index < sequenced)
			ret = gt_api_problem(r, MHD_HTTP_SERVICE_UNAVAILABLE, "not-yet-published",
					     "entry %llu is durable but not yet in a published "
					     "checkpoint (size %llu); ask again shortly",
					     (unsigned long long)index, (unsigned long long)size);
		else
			ret = gt_api_problem(r, MHD_HTTP_NOT_FOUND, "not-found",
					     "no entry %llu: the log has %llu entries",
					     (unsigned long long)index, (unsigned long long)size);
		goto done;
	}
	gt_jw w;
	gt_jw_init(&w, &body);
	gt_jw_obj(&w);
	rc = gt_api_entry_proof(r->api, index, size, true, &w, &err);
	if (rc == 0) {
		gt_jw_kint(&w, "tree_size", (int64_t)size);
		gt_jw_key(&w, "checkpoint");
		gt_jw_strn(&w, (const char *)note.data, note.len);
		gt_jw_end(&w, '}');
		if (gt_jw_error(&w) < 0)
			rc = gt_fail(&err, GT_ENOMEM, "out of memory");
	}
	if (rc < 0) {
		ret = gt_api_problem_code(r, rc, err.msg);
		goto done;
	}
	ret = gt_api_json_text(r, MHD_HTTP_OK, &body);
done:
	gt_buf_done(&note);
	gt_buf_done(&body);
	return ret;
}

static json_t *S_entry_row(gt_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)gt_stmt_i64(st, 0), "type",
			 gt_stmt_text(st, 1, NULL), "at", gt_stmt_text(st, 2, NULL), "by",
			 gt_stmt_text(st, 3, NULL));
}

/* Recent entries, newest first, from the store's index of them. */
enum MHD_Result gt_h_log_entries(gt_req *r)
{
	enum MHD_Result ans;
	uint64_t limit, before;
	if (gt_api_query_limit(r, &limit, &ans) < 0 ||
	    gt_api_query_u64(r, "before", UINT64_MAX, INT64_MAX, &before, &ans) < 0)
		return ans;
	/* Only entries in the published checkpoint: the store may already
	 * hold some that are durable but not yet published. */
	uint64_t published = gt_log_size(r->api->log);
	gt_api_arg arg = GT_ARG_INT(before < published ? before : published);
	return gt_api_list(r, GT_Q_ENTRY_LIST, &arg, 1, limit, S_entry_row, "index", "entries",
			   "next_before");
}
