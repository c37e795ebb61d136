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
	/* (1 gtin, 2 serial) -> gtin, serial, lot, idx */
	GT_Q_PACK_GET,
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

	GT_Q__COUNT
} gt_query;

#endif
