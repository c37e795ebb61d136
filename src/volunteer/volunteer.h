/* Volunteering: opportunities posted by NGOs, volunteers' profiles, ranked
 * and explained matching, sign-ups, check-in and check-out by a signed QR
 * code, hours confirmed or corrected by the organisation, disputes, and
 * certificates of hours anyone can verify (docs/volunteer.md).
 *
 * Volunteers are people: their profile (name, birth year, home, skills,
 * availability) stays in the store's private area, and they act with a
 * personal key ("gv_<16 hex id>_<secret>", role "volunteer"). Entries carry
 * only their pseudonymous reference "volunteer:<hex>", and say
 * "by":"volunteer".
 *
 * Entry types (data as written):
 *   vol.opportunity         {id, title, description?, cause, skills: [{skill, level}],
 *                            welcome: [skill], remote?: true, place?: {lat_e6, lon_e6,
 *                            venue}, slots: [{id, start, end, capacity}], min_age?,
 *                            languages: [..], project?: {deliverable, weeks}}
 *   vol.opportunity.close   {opportunity, reason?}
 *   vol.signup              {opportunity, slot, volunteer}
 *   vol.signup.cancel       {signup}
 *   vol.signup.decide       {signup, accept, note?}
 *   vol.checkin             {signup, volunteer}                 (the session is this entry)
 *   vol.checkout            {session, minutes}
 *   vol.session             {signup, volunteer, start, end, minutes, note?} (recorded by the NGO)
 *   vol.hours               {session, minutes, corrected, note?}
 *   vol.dispute             {session}                           (the reason stays private)
 * Commands without an entry (private area only):
 *   vol.volunteer           register: reply {id, key, ref}
 *   vol.volunteer.update    replace one's own profile
 *   vol.volunteer.key       replace one's own key (the old one stops working): reply {id, key}
 *   vol.volunteer.erase     erase one's personal details and disable the key; the
 *                           pseudonymous entries (sessions, hours) stay on the log
 *   vol.qr                  the check-in code of a slot, for its organisation */
#ifndef GT_VOLUNTEER_VOLUNTEER_H
#define GT_VOLUNTEER_VOLUNTEER_H

#include "auth/auth.h"
#include "ledger/ledger.h"
#include "store/store.h"
#include "volunteer/match.h"

#define GT_VOL_GOAL_DEFAULT 180		 /* minutes a year: three hours */
#define GT_VOL_EARLY_MS (30 * 60 * 1000) /* check-in opens this long before a slot */
#define GT_VOL_SESSION_MAX_MIN (24 * 60)

extern const gt_module gt_vol_module;

/* The volunteer of a personal key: 0 and *ret (org = their id, role
 * "volunteer"), or GT_EDENIED ("malformed token", "unknown key"). */
int gt_vol_check_key(gt_store_conn *c, const char *key, gt_principal *ret, gt_error *err);

/* The matching engine kept up to date with the store. */
typedef struct gt_vol_index gt_vol_index;
int gt_vol_index_new(gt_vol_index **ret, gt_error *err);
void gt_vol_index_free(gt_vol_index *x);
/* Load what changed in the store since the last call (everything the first
 * time), through a reader connection: only committed rows, in the order the
 * single writer committed them. Cheap when nothing changed. */
int gt_vol_index_refresh(gt_vol_index *x, gt_store_conn *c, gt_error *err);
gt_match *gt_vol_index_engine(gt_vol_index *x);

/* A volunteer's profile (as stored, canonical JSON parsed) as the engine
 * sees it. */
int gt_vol_profile_to_match(const json_t *profile, int64_t birth_year, uint32_t key,
			    gt_match_volunteer *out);
/* A stored profile as the API shows it to its owner (the input's form:
 * level names, degrees, "HH:MM", "+08:00"); a new reference. */
json_t *gt_vol_profile_public(const json_t *profile);
/* An opportunity's entry data as the engine sees it, slots that ended
 * before now_ms left out. */
void gt_vol_opportunity_to_match(const json_t *data, bool open, uint32_t key, int64_t now_ms,
				 gt_match_opportunity *out);
/* The hour of the week (0: Monday 00:00-01:00 UTC) of a time. */
int gt_vol_hour_of_week(int64_t ms);

/* The check-in code of slot of opportunity number num, made or checked
 * with the key of pseudonyms: "GTV1.<num>.<slot>.<20 hex>". */
#define GT_VOL_CODE_MAX 80
int gt_vol_code_parse(const char *code, int64_t *num, char slot[41], char mac[21]);

#endif
