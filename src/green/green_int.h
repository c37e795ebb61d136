/* Inside the green module. */
#ifndef GT_GREEN_GREEN_INT_H
#define GT_GREEN_GREEN_INT_H

#include "green/green.h"

#include <pthread.h>

#define GT_GREEN_KINDS_MAX 32
#define GT_GREEN_KIND_MAX 32
#define GT_GREEN_UNIT_MAX 16
#define GT_GREEN_REF_HEX 24 /* an action's reference: hex digits of SHA-256 */
#define GT_GREEN_REF_BYTES (GT_GREEN_REF_HEX / 2)

/* A rule of the table. */
typedef struct gt_green_rule {
	char kind[GT_GREEN_KIND_MAX + 1];
	char unit[GT_GREEN_UNIT_MAX + 1];
	int64_t grams, per, daily_cap, monthly_cap;
	bool active;
	int64_t idx; /* the entry that set it, or -1 for a default */
} gt_green_rule;

/* The defaults, then the store's changes over them, into out (at most
 * GT_GREEN_KINDS_MAX); *n their number, sorted by kind. */
int gt_green_rules_load(gt_store_conn *c, gt_green_rule *out, size_t *n, gt_error *err);
/* The rule of kind in rules, or NULL. */
const gt_green_rule *gt_green_rule_find(const gt_green_rule *rules, size_t n, const char *kind);
/* The grams a quantity earns by rule (without caps), saturating. */
int64_t gt_green_rule_grams(const gt_green_rule *r, int64_t quantity);

/* ---- the book (energy.c) ---------------------------------------------------------------- */

/* The book of the ledger deciding now, held for writing and brought up to
 * date with the store (loaded, the day changed, or a batch rolled back):
 * release it with gt_green_book_done. */
int gt_green_book_write(gt_decide *d, gt_green_book **ret, gt_error *err);
void gt_green_book_done(gt_green_book *b);
/* Forget everything (a decision failed after changing the book): the next
 * decision loads it again. */
void gt_green_book_drop(gt_green_book *b);
/* The rules the book holds (after gt_green_book_write). */
const gt_green_rule *gt_green_book_rules(gt_green_book *b, size_t *n);
/* A change of rule (after its entry was emitted). */
void gt_green_book_set_rule(gt_green_book *b, const gt_green_rule *r);
/* An action of the book by its reference (24 hex), for a pool: 0 and its
 * user, kind, day, index; GT_ENOTFOUND if not in the last days. */
int gt_green_book_action(gt_green_book *b, const char *ref, char user[GT_PSEUDO_LEN + 1],
			 char kind[GT_GREEN_KIND_MAX + 1], int32_t *day, uint64_t *index);
/* The energy of ref's that has appeared and not expired or been collected at
 * now_ms, by day (ascending) into days/grams (at most 8); marks it collected
 * when collect is true. Returns the number of days. */
size_t gt_green_book_collectable(gt_green_book *b, const char *ref, int64_t now_ms, bool collect,
				 int32_t days[8], int64_t grams[8]);

/* ---- the common helpers (common.c) --------------------------------------------------------- */

/* A body that must be {}: 0, or GT_EINVAL naming what else it has. */
int gt_green_empty(const json_t *in, gt_error *err);
/* The month of a day (12 * year + month - 1), and the day it starts on. */
int32_t gt_green_month(int32_t day);
int32_t gt_green_month_start(int32_t month);
/* The day n years after day (the same month and day; 29 February becomes
 * 28 February in a year without it). */
int32_t gt_green_add_years(int32_t day, int years);
/* obj[key] as a string, or NULL. */
const char *gt_green_opt(const json_t *obj, const char *key);
int64_t gt_green_int(const json_t *obj, const char *key);
/* Whether s is a user reference "green:<64 lower hex>". */
bool gt_green_ref_valid(const char *s);
/* The calling user (role "user"): their private row's ref; GT_EDENIED for
 * anyone else. */
int gt_green_me(gt_decide *d, char ref[GT_PSEUDO_LEN + 1], gt_error *err);
/* The caller's organisation as written in entries ("org:<id>"). */
void gt_green_org_ref(gt_decide *d, char out[GT_ORG_ID_MAX + 5]);
/* A list of 1 to max SHA-256 hex digests (lower case) at in[key], copied
 * (new reference) into *ret. */
int gt_green_hashes(const json_t *in, const char *key, size_t max, json_t **ret, gt_error *err);
/* A "YYYY-MM-DD" date at in[key] as a day number. */
int gt_green_date(const json_t *in, const char *key, int32_t *day, gt_error *err);
/* A user's balance of energy: collected minus spent (0 for a new user). */
int gt_green_balance(gt_store_conn *c, const char *ref, int64_t *balance, gt_error *err);
/* Distance in metres between two points in millionths of degrees. */
double gt_green_metres(int32_t lat1, int32_t lon1, int32_t lat2, int32_t lon2);

/* ---- entry types ---------------------------------------------------------------------------- */

int gt_green_load_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_register_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_rekey_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_rule_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_rule_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_actions_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_actions_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_collect_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_collect_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_species_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_species_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_site_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_site_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_redeem_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_redeem_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_planting_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_planting_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_survival_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_survival_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_pool_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_pool_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_pool_close_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_pool_close_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);
int gt_green_unlock_decide(gt_decide *d, const json_t *in, gt_error *err);
int gt_green_unlock_apply(gt_store_conn *c, const gt_entry *e, gt_error *err);

#endif
