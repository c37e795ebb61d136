/* The data directory: paths, keys, and opening its log. */
#include "cli/datadir.h"
#include "core/fs.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

int gt_datadir_paths(const char *dir, gt_datadir *d, gt_error *err)
{
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 0 || len > PATH_MAX - 32)
		return gt_fail(err, GT_EINVAL, "bad data directory '%s'", dir);
	memcpy(d->root, dir, len);
	d->root[len] = 0;
	static const struct {
		size_t off;
		const char *suffix;
	} parts[] = {
		{offsetof(gt_datadir, log), "/log"},
		{offsetof(gt_datadir, state), "/log.state"},
		{offsetof(gt_datadir, key), "/log.key"},
		{offsetof(gt_datadir, vkey), "/log.vkey"},
		{offsetof(gt_datadir, store), "/store.db"},
		{offsetof(gt_datadir, secret), "/secret.key"},
	};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		char *p = (char *)d + parts[i].off;
		memcpy(p, d->root, len);
		strcpy(p + len, parts[i].suffix);
	}
	return 0;
}

int gt_datadir_open(const char *dir, bool writable, gt_datadir_log *out, gt_error *err)
{
	gt_datadir d;
	gt_buf text = GT_BUF_INIT;
	memset(out, 0, sizeof(*out));
	int rc = gt_datadir_paths(dir, &d, err);
	if (rc < 0)
		return rc;
	const char *path = writable ? d.key : d.vkey;
	rc = gt_fs_read(path, 4096, &text, err);
	if (rc == GT_ENOTFOUND)
		rc = gt_fail(
			err, rc,
			"%s not found: is '%s' a goodtrace data directory? (goodtrace init --data %s)",
			path, dir, dir);
	if (rc < 0)
		goto done;
	if (writable)
		rc = gt_signer_parse((const char *)text.data, text.len, &out->signer, err);
	else
		rc = gt_verifier_parse((const char *)text.data, text.len, &out->verifier, err);
	if (rc < 0)
		goto done;
	gt_log_options opt = {
		.public_dir = d.log,
		.state_dir = d.state,
		.signer = out->signer,
		.verifier = out->verifier,
	};
	rc = gt_log_open(&opt, &out->log, err);
done:
	if (text.data)
		memset(text.data, 0, text.len);
	gt_buf_done(&text);
	if (rc < 0)
		gt_datadir_close(out);
	return rc;
}

void gt_datadir_close(gt_datadir_log *dl)
{
	gt_log_free(dl->log);
	gt_signer_free(dl->signer);
	gt_verifier_free(dl->verifier);
	memset(dl, 0, sizeof(*dl));
}
