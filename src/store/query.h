/* Every query the store answers, by id, with its parameters (?N, bound by
 * position) and result columns. Each backend holds the SQL for each id; a
 * new query is added here and in every backend. Tables whose name begins
 * with "private_" form the private area (see store.h). */
#ifndef GT_STORE_QUERY_H
#define GT_STORE_QUERY_H

typedef enum gt_query {
	/* ---- entries: one row per applied log entry ------------------------ */
	/* (1 idx, 2 type, 3 at, 4 by) */
	GT_Q_ENTRY_PUT,
	/* entries with idx < ?1, newest first, at most ?2
	 * -> idx, type, at, by */
	GT_Q_ENTRY_LIST,

	/* ---- organisations ------------------------------------------------- */
	/* (1 id, 2 name, 3 roles "a,b" sorted, 4 website or NULL,
	 *  5 contact_ref or NULL, 6 created_idx, 7 created_at); GT_EEXIST if id exists */
	GT_Q_ORG_PUT,
	/* (1 id, 2 name, 3 website or NULL, 4 contact_ref or NULL, 5 updated_idx,
	 *  6 updated_at) */
	GT_Q_ORG_UPDATE,
	/* (1 id, 2 roles, 3 updated_idx, 4 updated_at) */
	GT_Q_ORG_SET_ROLES,
	/* (1 id) -> id, name, roles, website, contact_ref, created_idx, created_at,
	 *           updated_idx, updated_at (NULL until updated) */
	GT_Q_ORG_GET,
	/* orgs with id > ?1, by id, at most ?2 -> the columns of GT_Q_ORG_GET */
	GT_Q_ORG_LIST,

	/* ---- attestations: an organisation publishes a document's hash ----- */
	/* (1 idx, 2 org, 3 sha256 hex, 4 kind, 5 title or NULL, 6 at) */
	GT_Q_ATTEST_PUT,
	/* (1 idx) -> idx, org, sha256, kind, title, at */
	GT_Q_ATTEST_GET,
	/* (1 sha256) -> the columns of GT_Q_ATTEST_GET, by idx */
	GT_Q_ATTEST_BY_SHA,
	/* (1 org, 2 idx bound: rows with idx < ?2, 3 limit) newest first */
	GT_Q_ATTEST_BY_ORG,

	/* ---- private: contact details behind pseudonymous references -------- */
	/* (1 ref, 2 name or NULL, 3 email or NULL, 4 phone or NULL, 5 idx of
	 *  the entry that introduced it); replaces an existing ref */
	GT_Q_PRIV_CONTACT_PUT,
	/* (1 ref) -> ref, name, email, phone, idx */
	GT_Q_PRIV_CONTACT_GET,

	/* ---- private: API tokens (only their SHA-256 is kept) -------------- */
	/* (1 id, 2 hash hex, 3 org, 4 role, 5 label or NULL, 6 created_at) */
	GT_Q_TOKEN_PUT,
	/* (1 id) -> hash hex, org, role, revoked_at (NULL if live): for
	 * checking a presented token (the hash is compared in constant time) */
	GT_Q_TOKEN_AUTH,
	/* (1 id) -> id, org, role, label, created_at, revoked_at */
	GT_Q_TOKEN_GET,
	/* (1 org or NULL for all, 2 id > ?2, 3 limit) by id
	 * -> the columns of GT_Q_TOKEN_GET */
	GT_Q_TOKEN_LIST,
	/* (1 id, 2 revoked_at): only if not yet revoked; changes 0 or 1 row */
	GT_Q_TOKEN_REVOKE,

	/* ---- traceability: products, batches, serialised packs ------------ */
	/* (1 gtin, 2 maker, 3 name, 4 form, 5 kind, 6 cn_prefix or NULL, 7 idx, 8 at) */
	GT_Q_PRODUCT_PUT,
	/* (1 gtin) -> gtin, maker, name, form, kind, cn_prefix, idx, at */
	GT_Q_PRODUCT_GET,
	/* (1 cn_prefix) -> the columns of GT_Q_PRODUCT_GET */
	GT_Q_PRODUCT_BY_CN,
	/* (1 maker or NULL for all, 2 gtin > ?2, 3 limit) by gtin
	 * -> the columns of GT_Q_PRODUCT_GET */
	GT_Q_PRODUCT_LIST,
	/* (1 gtin, 2 lot, 3 maker, 4 manufactured, 5 expiry, 6 quantity, 7 idx, 8 at) */
	GT_Q_BATCH_PUT,
	/* (1 gtin, 2 lot) -> gtin, lot, maker, manufactured, expiry, quantity,
	 *                    packs (serials registered), idx, at */
	GT_Q_BATCH_GET,
	/* (1 gtin, 2 lot > ?2, 3 limit) by lot -> the columns of GT_Q_BATCH_GET */
	GT_Q_BATCH_LIST,
	/* (1 gtin, 2 lot, 3 packs to add) */
	GT_Q_BATCH_ADD_PACKS,
	/* (1 gtin, 2 serial, 3 lot, 4 idx) */
	GT_Q_PACK_PUT,
	/* (1 gtin, 2 serial) -> gtin, serial, lot, idx, state ("dispensed" or
	 * "destroyed", NULL while in the supply chain), state_idx (the event) */
	GT_Q_PACK_GET,
	/* The public check's lookup, in one: (1 gtin, or NULL with 2 the
	 * cn_prefix of a Chinese drug code; 3 serial or NULL; 4 lot or NULL)
	 * -> one row when the product exists: gtin, maker, name, form, kind,
	 * cn_prefix, idx, the maker's name (NULL: no such org); the pack of
	 * the serial: lot, idx, state, state_idx (NULL lot: none); the batch
	 * of lot 4, else of the pack's lot: lot, manufactured, expiry,
	 * quantity, packs, idx (NULL lot: none) */
	GT_Q_CHECK_LOOKUP,
	/* (1 gtin, 2 serial, 3 state, 4 state_idx) */
	GT_Q_PACK_STATE,
	/* (1 gtin) -> how many batches the product has */
	GT_Q_BATCH_COUNT_PRODUCT,
	/* (1 maker, 2 manufactured from, 3 to, inclusive) -> how many batches */
	GT_Q_BATCH_COUNT_MAKER,

	/* ---- recalls: a regulator flags batches -------------------------------- */
	/* (1 idx, 2 regulator, 3 scope, 4 gtin, 5 lot, 6 maker, 7 made_from,
	 *  8 made_to (4-8 NULL where the scope has none), 9 class, 10 reason,
	 *  11 effective, 12 at) */
	GT_Q_RECALL_PUT,
	/* (1 idx) -> idx, regulator, scope, gtin, lot, maker, made_from, made_to,
	 *            class, reason, effective, at, lifted_idx, lifted_at, lift_reason */
	GT_Q_RECALL_GET,
	/* (1 idx, 2 lifted_idx, 3 lifted_at, 4 lift_reason or NULL) */
	GT_Q_RECALL_LIFT,
	/* (1 gtin, 2 lot, 3 maker, 4 manufactured) -> the columns of
	 * GT_Q_RECALL_GET of every recall not lifted that covers the batch, by idx */
	GT_Q_RECALL_FOR_BATCH,
	/* (1 idx < ?1, 2 limit) newest first -> the columns of GT_Q_RECALL_GET */
	GT_Q_RECALL_LIST,

	/* ---- custody: EPCIS events and what they tell --------------------- */
	/* (1 idx, 2 event_id, 3 type, 4 event_time ms, 5 action or NULL,
	 *  6 biz_step or NULL, 7 disposition or NULL, 8 read_point or NULL,
	 *  9 biz_location or NULL, 10 org, 11 capture, 12 at, 13 doc (the event's
	 *  canonical JSON)); GT_EEXIST if event_id exists */
	GT_Q_EVENT_PUT,
	/* (1 epc, 2 kind (GT_EPCIS_K_* bit), 3 idx); a repeat is ignored */
	GT_Q_EVENT_EPC_PUT,
	/* (1 event_id) -> idx, doc, at, org */
	GT_Q_EVENT_BY_ID,
	/* Events matching every filter given (NULL: no filter), by idx:
	 * (1 types, 2 GE eventTime ms, 3 LT eventTime ms, 4 GE recordTime,
	 *  5 LT recordTime (RFC 3339 UTC text), 6 bizSteps, 7 dispositions,
	 *  8 bizLocations, 9 readPoints, 10 actions (each list a JSON array of
	 *  strings), 11-12, 13-14, 15-16: up to three identifier matches, each a
	 *  JSON array of [lo, hi] ranges of identifiers and a GT_EPCIS_K_* mask,
	 *  17 idx > ?17, 18 limit) -> idx, doc, at */
	GT_Q_EVENT_FIND,
	/* The same, for when ?11 is given: driven by the identifiers matched. */
	GT_Q_EVENT_FIND_EPC,
	/* (1 capture) -> count(*), min(at), max(at), org (NULL when no event) */
	GT_Q_CAPTURE_GET,
	/* (1 parent, 2 child, 3 idx): an aggregation put child in parent */
	GT_Q_CONTENT_ADD,
	/* (1 parent, 2 child or NULL for all, 3 idx): taken out */
	GT_Q_CONTENT_REMOVE,
	/* (1 id) -> id and every identifier now inside it, to depth 4 */
	GT_Q_CONTENT_EXPAND,
	/* (1 JSON array of ids, 2 limit) -> idx, doc, at, org of the events naming
	 * any of them or any container they were ever in (to depth 4), by idx */
	GT_Q_EVENT_TRAIL,
	/* (1 id or NULL, 2 id) -> one row when an event names either (an event
	 * that put them in a container names them too): the trail of ids that
	 * no event names is empty, and this is much cheaper to ask */
	GT_Q_EVENT_NAMES_ANY,
	/* (1 gtin, 2 lot, 3 org, 4 idx): org had custody; changes 1 row the
	 * first time, 0 after (then GT_Q_CUSTODY_TOUCH) */
	GT_Q_CUSTODY_ADD,
	/* (1 gtin, 2 lot, 3 org, 4 idx) */
	GT_Q_CUSTODY_TOUCH,
	/* (1 gtin, 2 lot, 3 org > ?3, 4 limit) by org -> org, first_idx, last_idx */
	GT_Q_CUSTODY_LIST,

	/* ---- recall notices: one per recall, holder and batch --------------- */
	/* (1 org, 2 gtin, 3 lot, 4 maker, 5 manufactured, 6 idx, 7 at): a notice
	 * of every recall in force covering the batch, for a new holder */
	GT_Q_NOTICE_FOR_HOLDER,
	/* (1 recall idx, 2 at): a notice for every holder of every batch the
	 * recall covers */
	GT_Q_NOTICE_FOR_RECALL,
	/* (1 id) -> the notice columns (see S_NOTICE_COLS in the backend):
	 * id, recall, org, gtin, lot, idx, at, ack_idx, ack_action, ack_note,
	 * ack_at, class, reason, effective, regulator, lifted_at */
	GT_Q_NOTICE_GET,
	/* (1 org, 2 pending only (0/1), 3 id > ?3, 4 limit) by id */
	GT_Q_NOTICE_LIST_ORG,
	/* (1 recall, 2 pending only (0/1), 3 id > ?3, 4 limit) by id */
	GT_Q_NOTICE_LIST_RECALL,
	/* (1 recall) -> notices, acknowledged, holders, holders acknowledged all */
	GT_Q_NOTICE_COUNT_RECALL,
	/* (1 id, 2 ack_idx, 3 action, 4 note or NULL, 5 at) */
	GT_Q_NOTICE_ACK,

	/* ---- private: webhooks for recall notices --------------------------- */
	/* (1 id, 2 org, 3 url, 4 secret, 5 created_at, 6 cursor) */
	GT_Q_WEBHOOK_PUT,
	/* (1 id) -> id, org, url, secret, created_at, cursor, delivered, failures,
	 *           last_status, last_error, last_at */
	GT_Q_WEBHOOK_GET,
	/* (1 org or NULL for all, 2 id > ?2, 3 limit) by id -> as GT_Q_WEBHOOK_GET */
	GT_Q_WEBHOOK_LIST,
	/* (1 id, 2 org): changes 0 or 1 row */
	GT_Q_WEBHOOK_DELETE,
	/* (1 id, 2 cursor, 3 delivered to add, 4 failures to add, 5 last_status,
	 *  6 last_error or NULL, 7 last_at) */
	GT_Q_WEBHOOK_PROGRESS,

	/* ---- donations (give): campaigns, works, donations, disbursements ---- */
	/* Campaign columns (GT_Q_GIVE_CAMPAIGN_GET, _LIST):
	 *   0 id, 1 org, 2 title, 3 description, 4 beneficiary, 5 beneficiary_org,
	 *   6 category, 7 goal, 8 cap, 9 currency, 10 starts, 11 ends, 12 idx
	 *   (the campaign's number in the other give tables), 13 at,
	 *   14 verify_status, 15 verify_note, 16 verify_by, 17 verify_at,
	 *   18 closed_at, 19 closed_reason, 20 raised, 21 donations, 22 refunded,
	 *   23 spent, 24 cursor, 25 disbursements, 26 donors, 27 anonymous,
	 *   28 closed_idx */
	/* (1 id, 2 org, 3 title, 4 description, 5 beneficiary, 6 beneficiary_org,
	 *  7 category, 8 goal, 9 cap, 10 currency, 11 starts, 12 ends, 13 idx, 14 at) */
	GT_Q_GIVE_CAMPAIGN_PUT,
	/* (1 id) -> campaign columns */
	GT_Q_GIVE_CAMPAIGN_GET,
	/* (1 org or NULL, 2 category or NULL, 3 id > ?3, 4 limit, 5 status or
	 *  NULL, 6 now) by id -> campaign columns */
	GT_Q_GIVE_CAMPAIGN_LIST,
	/* (1 campaign id, 2 idx, 3 name, 4 sha256) */
	GT_Q_GIVE_DOC_PUT,
	/* (1 campaign id) -> name, sha256, idx */
	GT_Q_GIVE_DOC_LIST,
	/* (1 id, 2 status, 3 note, 4 by, 5 at): an admin's verification; with
	 * status NULL, new documents: verified or rejected become pending */
	GT_Q_GIVE_VERIFY,
	/* (1 id, 2 closed_idx, 3 at, 4 reason) */
	GT_Q_GIVE_CLOSE,
	/* (1 campaign id, 2 work id, 3 title, 4 price, 5 sha256, 6 edition or NULL,
	 *  7 idx, 8 at) */
	GT_Q_GIVE_WORK_PUT,
	/* (1 campaign id, 2 work id) -> id, title, price, sha256, edition, sold, idx, at */
	GT_Q_GIVE_WORK_GET,
	/* (1 campaign id) by id -> as GT_Q_GIVE_WORK_GET */
	GT_Q_GIVE_WORK_LIST,
	/* (1 campaign id, 2 work id): one more copy sold */
	GT_Q_GIVE_WORK_SOLD,
	/* (1 campaign id, 2 amount, 3 anonymous 0/1, 4 idx, 5 at): a donation's
	 * totals (closing the campaign when it reaches its cap) -> campaign
	 * number, stream start (raised before), the donation's number */
	GT_Q_GIVE_CAMPAIGN_DONATE,
	/* (1 campaign number, 2 start, 3 idx, 4 seq, 5 amount, 6 code, 7 channel,
	 *  8 name, 9 anonymous, 10 work, 11 org, 12 ref, 13 at) */
	GT_Q_GIVE_DONATION_PUT,
	/* Donation columns: 0 idx, 1 campaign id, 2 seq, 3 start, 4 amount,
	 * 5 refunded, 6 code, 7 channel, 8 name, 9 anonymous, 10 work, 11 org,
	 * 12 at, 13 campaign number */
	/* (1 idx the code names, 2 code) -> donation columns */
	GT_Q_GIVE_DONATION_BY_CODE,
	/* (1 idx) -> donation columns */
	GT_Q_GIVE_DONATION_BY_IDX,
	/* (1 org, 2 ref) -> donation columns */
	GT_Q_GIVE_DONATION_BY_REF,
	/* (1 campaign number, 2 before idx, 3 limit) newest first -> donation columns */
	GT_Q_GIVE_DONATION_LIST,
	/* (1 campaign number, 2 from, 3 to, 4 after idx or -1, 5 limit) the
	 * donations overlapping stream range [from, to), in order -> donation columns */
	GT_Q_GIVE_FUNDERS,
	/* (1 campaign number, 2 day, 3 raised, 4 refunded, 5 spent, 6 donations) */
	GT_Q_GIVE_DAY_ADD,
	/* (1 campaign number) -> day, raised, refunded, spent, donations by day */
	GT_Q_GIVE_DAYS,
	/* (1 campaign number, 2 donor key): changes 1 row for a new donor */
	GT_Q_GIVE_DONOR_ADD,
	/* (1 campaign id): one more distinct donor */
	GT_Q_GIVE_DONOR_COUNT,
	/* (1 donation idx, 2 amount) */
	GT_Q_GIVE_REFUND_DONATION,
	/* (1 campaign id, 2 amount) */
	GT_Q_GIVE_REFUND_CAMPAIGN,
	/* (1 campaign number, 2 cursor) -> hole start, hole end: the refunded
	 * tails at or after the cursor, in order */
	GT_Q_GIVE_HOLES,
	/* (1 campaign id, 2 amount, 3 new cursor) -> the disbursement's number */
	GT_Q_GIVE_CAMPAIGN_SPEND,
	/* (1 idx, 2 campaign number, 3 seq, 4 payee, 5 payee_kind, 6 payee_org,
	 *  7 purpose, 8 category, 9 amount, 10 receipt_sha256, 11 from, 12 to,
	 *  13 org, 14 at) */
	GT_Q_GIVE_DISB_PUT,
	/* Disbursement columns: 0 idx, 1 campaign id, 2 seq, 3 payee, 4 payee_kind,
	 * 5 payee_org, 6 purpose, 7 category, 8 amount, 9 receipt_sha256, 10 from,
	 * 11 to, 12 org, 13 at, 14 confirm_idx, 15 confirm_at, 16 confirm_note,
	 * 17 campaign number */
	/* (1 idx) -> disbursement columns */
	GT_Q_GIVE_DISB_GET,
	/* (1 campaign number, 2 before idx, 3 limit) newest first */
	GT_Q_GIVE_DISB_LIST,
	/* (1 campaign number, 2 stream position) the disbursements ending after
	 * it, in order -> disbursement columns */
	GT_Q_GIVE_DISB_AFTER,
	/* (1 idx, 2 confirm_idx, 3 at, 4 note or NULL) */
	GT_Q_GIVE_CONFIRM,
	/* (1 campaign number, 2 category, 3 amount) */
	GT_Q_GIVE_CATEGORY_ADD,
	/* (1 campaign number) -> category, amount, count by category */
	GT_Q_GIVE_CATEGORIES,
	/* private: reports on campaigns, for review by an admin */
	/* (1 campaign id, 2 reason, 3 details or NULL, 4 at) */
	GT_Q_GIVE_REPORT_PUT,
	/* (1 status: "open", "resolved" or NULL for all, 2 id > ?2, 3 limit) by id
	 * -> id, campaign, reason, details, at, outcome, resolved_by, resolved_at */
	GT_Q_GIVE_REPORT_LIST,
	/* (1 id) -> as GT_Q_GIVE_REPORT_LIST */
	GT_Q_GIVE_REPORT_GET,
	/* (1 id, 2 outcome, 3 by, 4 at) */
	GT_Q_GIVE_REPORT_RESOLVE,

	/* ---- volunteering (num: an opportunity's number, its creating entry's index;
	 * volunteer: a pseudonymous reference) ---- */
	/* (1 num, 2 id, 3 org, 4 title, 5 cause, 6 remote, 7 lat_e6, 8 lon_e6, 9 data, 10 at) */
	GT_Q_VOL_OPP_PUT,
	/* (1 id) -> num, id, org, title, cause, remote, lat_e6, lon_e6, data, at,
	 * closed_idx, closed_at, rev */
	GT_Q_VOL_OPP_GET,
	/* (1 num) -> as GT_Q_VOL_OPP_GET */
	GT_Q_VOL_OPP_BY_NUM,
	/* (1 org or NULL, 2 cause or NULL, 3 remote 0/1 or NULL, 4 open only 0/1,
	 * 5 num < ?5, 6 limit), newest first -> as GT_Q_VOL_OPP_GET */
	GT_Q_VOL_OPP_LIST,
	/* (1 num, 2 closing entry, 3 at) */
	GT_Q_VOL_OPP_CLOSE,
	/* (1 rev > ?1, 2 limit) by rev -> as GT_Q_VOL_OPP_GET */
	GT_Q_VOL_OPP_CHANGED,
	/* (1 num, 2 slot, 3 starts, 4 ends, 5 capacity) */
	GT_Q_VOL_SLOT_PUT,
	/* (1 num, 2 slot) -> slot, starts, ends, capacity, taken */
	GT_Q_VOL_SLOT_GET,
	/* (1 num) -> as GT_Q_VOL_SLOT_GET, by start */
	GT_Q_VOL_SLOTS,
	/* (1 num, 2 slot, 3 change of taken) */
	GT_Q_VOL_SLOT_TAKE,
	/* (1 idx, 2 num, 3 slot, 4 volunteer, 5 starts, 6 ends, 7 at) */
	GT_Q_VOL_SIGNUP_PUT,
	/* (1 idx) -> idx, num, slot, volunteer, starts, ends, status, at, decided_idx,
	 * decided_at, note, opportunity id, org, title */
	GT_Q_VOL_SIGNUP_GET,
	/* (1 volunteer, 2 starts, 3 ends) -> idx of an active sign-up overlapping them */
	GT_Q_VOL_SIGNUP_OVERLAP,
	/* (1 volunteer, 2 num, 3 slot) -> idx of their active sign-up for the slot */
	GT_Q_VOL_SIGNUP_OF,
	/* (1 idx, 2 status, 3 deciding entry, 4 at, 5 note or NULL) */
	GT_Q_VOL_SIGNUP_SET,
	/* (1 volunteer, 2 idx < ?2, 3 limit) newest first -> as GT_Q_VOL_SIGNUP_GET */
	GT_Q_VOL_SIGNUPS_OF_VOLUNTEER,
	/* (1 num, 2 status or NULL, 3 idx > ?3, 4 limit) -> as GT_Q_VOL_SIGNUP_GET */
	GT_Q_VOL_SIGNUPS_OF_OPP,
	/* (1 idx, 2 signup, 3 volunteer, 4 num, 5 org, 6 starts, 7 ends or NULL,
	 * 8 minutes or NULL, 9 status, 10 year) */
	GT_Q_VOL_SESSION_PUT,
	/* (1 idx) -> idx, signup, volunteer, num, org, starts, ends, minutes, status,
	 * checkout_idx, hours_idx, hours, note, hours_at, dispute_idx, dispute_at, year,
	 * opportunity id, title, the sign-up's deciding entry */
	GT_Q_VOL_SESSION_GET,
	/* (1 signup) -> as GT_Q_VOL_SESSION_GET */
	GT_Q_VOL_SESSION_BY_SIGNUP,
	/* (1 volunteer) -> idx of their open session (checked in, not out) */
	GT_Q_VOL_SESSION_OPEN,
	/* (1 volunteer, 2 starts, 3 ends) -> idx of a session overlapping them */
	GT_Q_VOL_SESSION_OVERLAP,
	/* (1 idx, 2 ends, 3 minutes, 4 checkout entry) */
	GT_Q_VOL_SESSION_END,
	/* (1 idx, 2 status, 3 hours (minutes), 4 entry, 5 note or NULL, 6 at) */
	GT_Q_VOL_SESSION_HOURS,
	/* (1 idx, 2 dispute entry, 3 at) */
	GT_Q_VOL_SESSION_DISPUTE,
	/* (1 volunteer, 2 year or NULL, 3 idx > ?3, 4 limit) -> as GT_Q_VOL_SESSION_GET */
	GT_Q_VOL_SESSIONS_OF_VOLUNTEER,
	/* (1 org, 2 status or NULL, 3 idx > ?3, 4 limit) -> as GT_Q_VOL_SESSION_GET */
	GT_Q_VOL_SESSIONS_OF_ORG,
	/* (1 volunteer, 2 year) -> confirmed minutes, sessions counted */
	GT_Q_VOL_YEAR_MINUTES,
	/* () -> open opportunities, confirmed sign-ups, confirmed minutes */
	GT_Q_VOL_TOTALS,
	/* private: volunteers' profiles and keys */
	/* (1 id, 2 key hash, 3 ref, 4 name or NULL, 5 birth year or NULL, 6 profile
	 * JSON, 7 goal minutes, 8 at) */
	GT_Q_VOL_VOLUNTEER_PUT,
	/* (1 id, 2 name, 3 birth year, 4 profile, 5 goal, 6 at) */
	GT_Q_VOL_VOLUNTEER_UPDATE,
	/* (1 id) -> num, id, key_hash, ref, name, birth_year, profile, goal, at,
	 * updated_at, rev */
	GT_Q_VOL_VOLUNTEER_GET,
	/* (1 id, 2 key hash, 3 at): a new key */
	GT_Q_VOL_VOLUNTEER_KEY,
	/* (1 id, 2 at): personal details erased, the key disabled */
	GT_Q_VOL_VOLUNTEER_ERASE,
	/* (1 ref) -> as GT_Q_VOL_VOLUNTEER_GET */
	GT_Q_VOL_VOLUNTEER_BY_REF,
	/* (1 num) -> as GT_Q_VOL_VOLUNTEER_GET */
	GT_Q_VOL_VOLUNTEER_BY_NUM,
	/* (1 rev > ?1, 2 limit) by rev -> as GT_Q_VOL_VOLUNTEER_GET */
	GT_Q_VOL_VOLUNTEER_CHANGED,
	/* (1 session, 2 reason, 3 at) */
	GT_Q_VOL_DISPUTE_PUT,
	/* (1 session) -> reason, at */
	GT_Q_VOL_DISPUTES,
	/* green energy, trees and sponsor pools */
	/* (1 kind, 2 unit, 3 grams, 4 per, 5 daily cap, 6 monthly cap, 7 active, 8 idx) */
	GT_Q_GREEN_RULE_PUT,
	/* () -> kind, unit, grams, per, daily_cap, monthly_cap, active, idx */
	GT_Q_GREEN_RULES,
	/* (1 day, 2 idx, 3 pos, 4 user, 5 kind, 6 quantity, 7 grams, 8 ref) */
	GT_Q_GREEN_ACTION_PUT,
	/* (1 day) -> day, idx, user, kind, grams, ref, by day and index */
	GT_Q_GREEN_ACTIONS_SINCE,
	/* (1 day, 2 kind, 3 grams, 4 actions) */
	GT_Q_GREEN_DAY_ADD,
	/* (1 day, 2 user, 3 grams, 4 idx) */
	GT_Q_GREEN_COLLECT_ADD,
	/* (1 day) -> day, user, idx of the last collect */
	GT_Q_GREEN_COLLECTS_SINCE,
	/* (1 user, 2 collected, 3 spent, 4 trees) added */
	GT_Q_GREEN_USER_ADD,
	/* (1 user) -> collected, spent, trees */
	GT_Q_GREEN_USER_GET,
	/* (1 name, 2 value) added to a running total */
	GT_Q_GREEN_SUM_ADD,
	/* (1 first day not expired) -> credited, collected, credited before it, collected before it, spent, actions */
	GT_Q_GREEN_ENERGY,
	/* () -> kind, grams, actions */
	GT_Q_GREEN_KINDS,
	/* (1 id, 2 planter, 3 name, 4 name_zh, 5 cost, 6 region, 7 description, 8 available, 9 idx, 10 at) */
	GT_Q_GREEN_SPECIES_PUT,
	/* (1 id) -> id, planter, name, name_zh, cost, region, description, available, idx, at, ordered, planted, surviving */
	GT_Q_GREEN_SPECIES_GET,
	/* () -> as GT_Q_GREEN_SPECIES_GET, by id */
	GT_Q_GREEN_SPECIES_LIST,
	/* (1 id, 2 ordered, 3 planted, 4 surviving) added */
	GT_Q_GREEN_SPECIES_COUNT,
	/* (1 id, 2 planter, 3 name, 4 region, 5 lat_e6, 6 lon_e6, 7 idx, 8 at) */
	GT_Q_GREEN_SITE_PUT,
	/* (1 id) -> id, planter, name, region, lat_e6, lon_e6, idx, at, plantings, planted, surviving */
	GT_Q_GREEN_SITE_GET,
	/* () -> as GT_Q_GREEN_SITE_GET, by id */
	GT_Q_GREEN_SITE_LIST,
	/* (1 id, 2 plantings, 3 planted, 4 surviving) added */
	GT_Q_GREEN_SITE_COUNT,
	/* () -> planter, ordered, planted, surviving, by planter */
	GT_Q_GREEN_PARTNERS,
	/* (1 idx, 2 user, 3 species, 4 planter, 5 cost, 6 at) */
	GT_Q_GREEN_TREE_PUT,
	/* (1 idx) -> idx, user, species, planter, cost, at, planting */
	GT_Q_GREEN_TREE_GET,
	/* (1 user, 2 limit) newest first -> as GT_Q_GREEN_TREE_GET */
	GT_Q_GREEN_TREES_OF_USER,
	/* (1 species, 2 limit) oldest first -> idx, at */
	GT_Q_GREEN_TREES_WAITING,
	/* (1 idx, 2 planting) */
	GT_Q_GREEN_TREE_PLANT,
	/* (1 idx, 2 planter, 3 site, 4 species, 5 count, 6 date, 7 lat_e6, 8 lon_e6, 9 photos JSON, 10 trees JSON, 11 note, 12 at) */
	GT_Q_GREEN_PLANTING_PUT,
	/* (1 idx) -> idx, planter, site, species, count, date, lat_e6, lon_e6, photos, trees, note, at, alive1, check1, alive3, check3 */
	GT_Q_GREEN_PLANTING_GET,
	/* (1 site or NULL, 2 idx < ?2, 3 limit) newest first -> as GT_Q_GREEN_PLANTING_GET */
	GT_Q_GREEN_PLANTINGS,
	/* (1 idx, 2 year (1 or 3), 3 alive, 4 check entry) */
	GT_Q_GREEN_PLANTING_CHECK,
	/* (1 idx, 2 planting, 3 year, 4 date, 5 alive, 6 photos JSON, 7 at) */
	GT_Q_GREEN_CHECK_PUT,
	/* (1 planting) -> idx, year, date, alive, photos, at, by year */
	GT_Q_GREEN_CHECKS_OF,
	/* (1 id, 2 sponsor, 3 name, 4 currency, 5 budget, 6 campaigns JSON, 7 kinds JSON or NULL, 8 amount, 9 grams or NULL, 10 user cap or NULL, 11 starts or NULL, 12 ends or NULL, 13 idx, 14 at) */
	GT_Q_GREEN_POOL_PUT,
	/* (1 id) -> id, sponsor, name, currency, budget, campaigns, kinds, amount, grams, user_cap, starts, ends, idx, at, closed_idx, unlocked, unlocks */
	GT_Q_GREEN_POOL_GET,
	/* () -> as GT_Q_GREEN_POOL_GET, oldest first */
	GT_Q_GREEN_POOLS,
	/* (1 id, 2 closing entry) */
	GT_Q_GREEN_POOL_CLOSE,
	/* (1 id, 2 amount) */
	GT_Q_GREEN_POOL_SPEND,
	/* (1 idx, 2 pool, 3 user, 4 campaign, 5 amount, 6 action or NULL, 7 grams or NULL, 8 donation entry, 9 at) */
	GT_Q_GREEN_UNLOCK_PUT,
	/* (1 pool, 2 action ref) -> idx */
	GT_Q_GREEN_UNLOCK_BY_ACTION,
	/* (1 pool, 2 user) -> amount unlocked by the user */
	GT_Q_GREEN_UNLOCK_USER_SUM,
	/* (1 pool) -> campaign, amount, unlocks, by campaign */
	GT_Q_GREEN_UNLOCK_CAMPAIGNS,
	/* private: (1 id, 2 key hash, 3 ref, 4 at) */
	GT_Q_GREEN_GUSER_PUT,
	/* (1 id) -> num, id, key_hash, ref, at */
	GT_Q_GREEN_GUSER_GET,
	/* (1 ref) -> as GT_Q_GREEN_GUSER_GET */
	GT_Q_GREEN_GUSER_BY_REF,
	/* (1 id, 2 key hash, 3 at): a new key */
	GT_Q_GREEN_GUSER_KEY,
	/* () -> ref of every user */
	GT_Q_GREEN_GUSER_REFS,

	GT_Q__COUNT
} gt_query;

#endif
