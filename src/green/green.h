/* The green module: low-carbon actions earn energy by a rule table with
 * caps, users collect it and redeem it for real trees, planting partners
 * record planting and survival, and sponsor pools turn users' actions or
 * energy into donations (docs/green.md).
 *
 * Action reports are the module's heavy traffic, so the state their
 * decisions need (the users, each user's actions of the last days for the
 * caps and collection, every app's action references for duplicates, the
 * rule table) is kept in memory next to the store: the energy book. The
 * store keeps the actions in the order they were written (no index by user
 * or by reference to keep up to date on every action), and the book is made
 * again from it whenever it may differ: at the first decision, when the
 * programme's day changes, and after a batch was rolled back. */
#ifndef GT_GREEN_GREEN_H
#define GT_GREEN_GREEN_H

#include "auth/auth.h"
#include "ledger/ledger.h"
#include "store/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

extern const gt_module gt_green_module;

#define GT_GREEN_REPORT_MAX 256	       /* actions in one report */
#define GT_GREEN_WINDOW 8	       /* days an action stays in the book (duplicates, pools) */
#define GT_GREEN_TZ_MS (8 * 3600000LL) /* the programme's days: UTC+08:00 */

/* The programme's day of a time (days since 1970-01-01 in UTC+08:00), its
 * "YYYY-MM-DD" and back (-1 if not a date), and the instant it starts. */
int32_t gt_green_day(int64_t ms);
void gt_green_day_text(int32_t day, char out[11]);
int32_t gt_green_day_parse(const char *s);
int64_t gt_green_day_start(int32_t day);

/* A user's personal key ("gu_..."): the principal (their private id, role
 * "user"), or GT_EDENIED. */
int gt_green_check_key(gt_store_conn *c, const char *key, gt_principal *ret, gt_error *err);

/* The energy book of a ledger (created on first use; NULL: out of memory). */
typedef struct gt_green_book gt_green_book;
gt_green_book *gt_green_book_of(gt_ledger *l);
/* Whether the book holds the store's state (else submit "green.load"). */
bool gt_green_book_ready(gt_green_book *b);

/* A user's energy at now_ms, from the book, added to out: "collectable",
 * "pending" and "actions" (docs/green.md, GET /api/v1/green/me). */
int gt_green_energy(gt_green_book *b, const char *ref, int64_t now_ms, json_t *out, gt_error *err);

/* The rules in force (defaults and the store's changes) as the API shows
 * them. */
int gt_green_rules(gt_store_conn *c, json_t **ret, gt_error *err);

/* ---- reading (read.c): the API's answers, from a store connection ------------------------- */

/* The user with private id (role "user"): their reference, balance, trees,
 * and their energy from the book at now_ms. */
int gt_green_me_json(gt_green_book *b, gt_store_conn *c, const char *id, int64_t now_ms,
		     json_t **ret, gt_error *err);
/* {"items": [...]} of species (with "waiting" trees), of sites. */
int gt_green_species_json(gt_store_conn *c, json_t **ret, gt_error *err);
int gt_green_sites_json(gt_store_conn *c, json_t **ret, gt_error *err);
/* A planting with its checks; a tree's certificate (GT_ENOTFOUND if none). */
int gt_green_planting_json(gt_store_conn *c, int64_t n, json_t **ret, gt_error *err);
int gt_green_tree_json(gt_store_conn *c, int64_t n, json_t **ret, gt_error *err);
/* The public totals at now_ms (docs/green.md). */
int gt_green_totals_json(gt_store_conn *c, int64_t now_ms, json_t **ret, gt_error *err);
/* Pools with what is left and their status at now_ms; one pool with its
 * amounts per campaign. */
int gt_green_pools_json(gt_store_conn *c, int64_t now_ms, json_t **ret, gt_error *err);
int gt_green_pool_json(gt_store_conn *c, const char *id, int64_t now_ms, json_t **ret,
		       gt_error *err);

#endif
