/* Opening a data directory as a running service: log, store, ledger. */
#include "cli/service.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "give/give.h"
#include "green/green.h"
#include "trace/trace.h"
#include "volunteer/volunteer.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const gt_module *const S_modules[] = {
	&gt_auth_module,
	&gt_trace_module,
	&gt_give_module,
	&gt_vol_module,
	&gt_green_module,
};

const gt_module *const *gt_service_modules(size_t *ret_n)
{
	*ret_n = sizeof(S_modules) / sizeof(S_modules[0]);
	return S_modules;
}

static void S_progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	fprintf(stderr, "\rgoodtrace: replaying the log into the store: %llu of %llu entries",
		(unsigned long long)done, (unsigned long long)total);
	if (done == total)
		fputc('\n', stderr);
}

int gt_service_store(const char *dir, bool read_only, gt_store **ret, gt_error *err)
{
	gt_datadir d;
	int rc = gt_datadir_paths(dir, &d, err);
	if (rc < 0)
		return rc;
	if (access(d.vkey, F_OK) != 0)
		return gt_fail(err, GT_ENOTFOUND,
			       "%s is not a goodtrace data directory (goodtrace init --data %s)",
			       dir, dir);
	gt_store_options so = {.path = d.store, .read_only = read_only};
	return gt_store_open(&so, ret, err);
}

int gt_service_open(const char *dir, bool create_secret, unsigned checkpoint_ms, gt_service *s,
		    gt_error *err)
{
	memset(s, 0, sizeof(*s));
	int rc = gt_datadir_paths(dir, &s->paths, err);
	if (rc == 0)
		rc = gt_datadir_open(dir, true, &s->dl, err);
	if (rc == 0)
		rc = gt_pseudo_key_load(s->paths.secret, create_secret, s->secret, err);
	if (rc == 0) {
		gt_store_options so = {.path = s->paths.store};
		rc = gt_store_open(&so, &s->store, err);
	}
	if (rc == 0) {
		size_t n;
		const gt_module *const *mods = gt_service_modules(&n);
		gt_ledger_options lo = {
			.log = s->dl.log,
			.store = s->store,
			.secret = s->secret,
			.modules = mods,
			.nmodules = n,
			.checkpoint_ms = checkpoint_ms,
			.progress = gt_cli_progress_enabled() ? S_progress : NULL,
		};
		rc = gt_ledger_open(&lo, &s->ledger, err);
	}
	if (rc < 0)
		gt_service_close(s);
	return rc;
}

void gt_service_close(gt_service *s)
{
	gt_ledger_free(s->ledger);
	gt_store_free(s->store);
	gt_datadir_close(&s->dl);
	memset(s->secret, 0, sizeof(s->secret));
	s->ledger = NULL;
	s->store = NULL;
}
