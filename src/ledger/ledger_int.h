/* Private to src/ledger: the type registry and the envelope builder. */
#ifndef GT_LEDGER_LEDGER_INT_H
#define GT_LEDGER_LEDGER_INT_H

#include "core/buf.h"
#include "ledger/ledger.h"

/* Find the entry type named type among the modules' types; NULL if none. */
const gt_entry_type *gt_registry_find(const gt_module *const *modules, size_t nmodules,
				      const char *type);

/* Check that every type name is well formed and registered only once. */
int gt_registry_check(const gt_module *const *modules, size_t nmodules, gt_error *err);

/* Append the canonical envelope {"at","by","data","type","v":1} to out.
 * data must be a JSON object without real numbers; the whole entry must
 * fit GT_ENTRY_MAX (GT_ETOOBIG otherwise). out is unchanged on failure. */
int gt_entry_build(const char *type, const char *at, const char *by, const json_t *data,
		   gt_buf *out, gt_error *err);

/* Apply one parsed entry: record it in the entries table, then run its
 * type's apply (if any). GT_ECORRUPT for an unknown type. */
int gt_entry_apply(gt_store_conn *c, const gt_module *const *modules, size_t nmodules,
		   const gt_entry *e, gt_error *err);

#endif
