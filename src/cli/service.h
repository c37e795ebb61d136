/* The service behind serve, init and rebuild: a data directory's log (for
 * writing), store, pseudonym secret and ledger with every module. */
#ifndef GT_CLI_SERVICE_H
#define GT_CLI_SERVICE_H

#include "cli/datadir.h"
#include "core/pseudo.h"
#include "ledger/ledger.h"
#include "store/store.h"

typedef struct gt_service {
	gt_datadir paths;
	gt_datadir_log dl; /* the log, opened for writing */
	gt_store *store;
	gt_ledger *ledger;
	uint8_t secret[GT_PSEUDO_KEY_LEN];
} gt_service;

/* Every module, in one list (the registry the ledger and rebuild use). */
const gt_module *const *gt_service_modules(size_t *ret_n);

/* Open everything and start the ledger; entries the store has not applied
 * are replayed first (with progress on a terminal). create_secret: make the
 * pseudonym secret if missing (init). */
int gt_service_open(const char *dir, bool create_secret, unsigned checkpoint_ms, gt_service *s,
		    gt_error *err);
/* Stop the ledger (finishing queued commands) and close; accepts a zeroed s. */
void gt_service_close(gt_service *s);

/* Open only the store of a data directory (token commands, dumps). */
int gt_service_store(const char *dir, bool read_only, gt_store **ret, gt_error *err);

#endif
