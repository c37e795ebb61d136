/* Replay: apply the log's entries that the store has not applied yet. */
#include "ledger/ledger_int.h"

#define S_COMMIT_EVERY 8192

int gt_ledger_replay(gt_log *log, gt_store *store, const gt_module *const *modules, size_t nmodules,
		     void (*progress)(void *, uint64_t, uint64_t), void *arg, gt_error *err)
{
	gt_store_conn *w = gt_store_writer(store);
	uint64_t applied = 0, size = gt_log_size(log);
	int rc = gt_store_applied(w, &applied, err);
	if (rc < 0)
		return rc;
	if (applied > size)
		return gt_fail(err, GT_ECORRUPT,
			       "the store has applied %llu entries but the log holds only %llu: "
			       "the store belongs to another log or the log lost entries "
			       "(rebuild the store with `goodtrace rebuild`)",
			       (unsigned long long)applied, (unsigned long long)size);
	if (applied == size)
		return 0;
	gt_buf b = GT_BUF_INIT;
	bool open = false;
	uint64_t i = applied;
	for (; i < size; i++) {
		if (!open) {
			rc = gt_store_begin(w, err);
			if (rc < 0)
				goto fail;
			open = true;
		}
		gt_buf_reset(&b);
		rc = gt_log_entry(log, i, &b, err);
		json_t *root = NULL;
		gt_entry e;
		if (rc == 0)
			rc = gt_entry_parse(b.data, b.len, i, &root, &e, err);
		if (rc == 0) {
			gt_error aerr = {0};
			rc = gt_entry_apply(w, modules, nmodules, &e, &aerr);
			if (rc < 0)
				rc = gt_fail(err, GT_ECORRUPT, "replaying entry %llu (%s): %s",
					     (unsigned long long)i, e.type, aerr.msg);
		}
		json_decref(root);
		if (rc < 0)
			goto fail;
		if ((i + 1 - applied) % S_COMMIT_EVERY == 0 || i + 1 == size) {
			rc = gt_store_set_applied(w, i + 1, err);
			if (rc == 0)
				rc = gt_store_commit(w, err);
			if (rc < 0)
				goto fail;
			open = false;
			if (progress)
				progress(arg, i + 1 - applied, size - applied);
		}
	}
	gt_buf_done(&b);
	return 0;
fail:
	if (open)
		gt_store_rollback(w);
	gt_buf_done(&b);
	return rc;
}
