/* The give module: campaigns, donations, charity sales, refunds and
 * disbursements, each an entry on the log (docs/give.md). The allocation of
 * donations to disbursements is stream.h's rule; the store keeps the same
 * numbers (each donation's range of the campaign's stream, each
 * disbursement's range) so that receipts and accounts are index lookups. */
#ifndef GT_GIVE_GIVE_H
#define GT_GIVE_GIVE_H

#include "ledger/ledger.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern const gt_module gt_give_module;

/* Donations in one batch request. */
#define GT_GIVE_BATCH_MAX 10000
/* A receipt code: 12 Crockford base32 characters in three groups. */
#define GT_GIVE_CODE_LEN 14 /* "7KQ2-9MXD-R4TB" */

/* The number of decimal places of an ISO 4217 currency goodtrace knows
 * (2 for CNY, 0 for JPY), or -1. */
int gt_give_minor_unit(const char *currency);

/* Codes hold the donation's entry index in 40 bits. */
#define GT_GIVE_CODE_INDEX_MAX ((uint64_t)1 << 40)
/* The code of 60 bits v. */
void gt_give_code_make(uint64_t v, char out[GT_GIVE_CODE_LEN + 1]);
/* The entry index a canonical code names (its low 40 bits). */
int64_t gt_give_code_index(const char code[GT_GIVE_CODE_LEN + 1]);

/* A receipt code as a person may type it (lower case, spaces, dashes or
 * none, O for 0, I and L for 1) into its canonical form; false if it
 * cannot be one. */
bool gt_give_code_normalise(const char *in, char out[GT_GIVE_CODE_LEN + 1]);

/* The masked form of a display name: its first character and "*"
 * ("王小明" -> "王*"). out holds at least 8 bytes. */
void gt_give_mask_name(const char *name, char out[8]);

/* A campaign's status now (now_ms) from its columns: "suspended",
 * "closed", "upcoming", "ended" or "open". */
const char *gt_give_status(const char *verify_status, bool closed, const char *starts,
			   const char *ends, const char *now);

/* The currency of campaign id into out; GT_ENOTFOUND if there is none. */
int gt_give_campaign_currency(gt_store_conn *c, const char *id, char out[4], gt_error *err);

/* From another module's decide (a sponsor pool of the green module): a
 * donation of amount (minor units of currency) to campaign, which must be in
 * that currency and take it now (open, under its cap). Emits give.donation
 * with channel, its receipt code and the members of extra (stolen: what the
 * donation is for, e.g. the pool and the user's action); *ret_index its
 * entry. GT_ENOTFOUND no such campaign, GT_ESTATE it cannot take it. */
int gt_give_donate_for(gt_decide *d, const char *campaign, int64_t amount, const char *currency,
		       const char *channel, json_t *extra, uint64_t *ret_index,
		       char code[GT_GIVE_CODE_LEN + 1], gt_error *err);

#endif
