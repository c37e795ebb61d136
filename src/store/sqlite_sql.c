/* The SQLite backend's SQL: the text of every gt_query id and the schema migrations. */
#include "store/sqlite_sql.h"

/* The columns a query returns, shared by the queries that return them. */
#define S_ORG_COLS \
	"id, name, roles, website, contact_ref, created_idx, created_at, updated_idx, updated_at"
#define S_ATTEST_COLS "idx, org, sha256, kind, title, at"
#define S_TOKEN_COLS "id, org, role, label, created_at, revoked_at"
#define S_PRODUCT_COLS "gtin, maker, name, form, kind, cn_prefix, idx, at"
#define S_BATCH_COLS "gtin, lot, maker, manufactured, expiry, quantity, packs, idx, at"
#define S_RECALL_COLS                                                                            \
	"idx, regulator, scope, gtin, lot, maker, made_from, made_to, class, reason, effective," \
	" at, lifted_idx, lifted_at, lift_reason"

/* The filters of the event queries (see GT_Q_EVENT_FIND). */
#define S_EVENT_MATCH(list, mask)                                                         \
	"(" list " IS NULL OR EXISTS (SELECT 1 FROM json_each(" list ") v JOIN"           \
	" trace_event_epcs m ON m.epc >= json_extract(v.value, '$[0]')"                   \
	" AND m.epc < json_extract(v.value, '$[1]') WHERE m.idx = e.idx"                  \
	" AND (m.kind & " mask ") != 0))"
#define S_EVENT_IN(list, col) "(" list " IS NULL OR " col " IN (SELECT value FROM json_each(" list ")))"
#define S_EVENT_FILTERS                                                                   \
	S_EVENT_IN("?1", "e.type") " AND (?2 IS NULL OR e.event_time >= ?2)"               \
				   " AND (?3 IS NULL OR e.event_time < ?3)"                \
				   " AND (?4 IS NULL OR e.at >= ?4)"                        \
				   " AND (?5 IS NULL OR e.at < ?5) AND " S_EVENT_IN(       \
					   "?6", "e.biz_step") " AND " S_EVENT_IN("?7",     \
					   "e.disposition") " AND " S_EVENT_IN("?8",        \
					   "e.biz_location") " AND " S_EVENT_IN("?9",       \
					   "e.read_point") " AND " S_EVENT_IN("?10",        \
					   "e.action") " AND " S_EVENT_MATCH("?11", "?12")  \
				   " AND " S_EVENT_MATCH("?13", "?14") " AND "              \
				   S_EVENT_MATCH("?15", "?16")
#define S_NOTICE_COLS                                                                         \
	"n.id, n.recall, n.org, n.gtin, n.lot, n.idx, n.at, n.ack_idx, n.ack_action,"        \
	" n.ack_note, n.ack_at, r.class, r.reason, r.effective, r.regulator, r.lifted_at"    \
	" FROM trace_notices n JOIN trace_recalls r ON r.idx = n.recall"
#define S_WEBHOOK_COLS                                                                    \
	"id, org, url, secret, created_at, cursor, delivered, failures, last_status,"     \
	" last_error, last_at"
#define S_GIVE_CAMPAIGN_COLS                                                                    \
	"id, org, title, description, beneficiary, beneficiary_org, category, goal, cap,"      \
	" currency, starts, ends, idx, at, verify_status, verify_note, verify_by, verify_at,"  \
	" closed_at, closed_reason, raised, donations, refunded, spent, cursor, disbursements," \
	" donors, anonymous, closed_idx"
#define S_GIVE_DONATION_COLS                                                                     \
	"d.idx, c.id, d.seq, d.start, d.amount, d.refunded, d.code, d.channel, d.name,"          \
	" d.anonymous, d.work, d.org, d.at, d.campaign FROM give_donations d JOIN give_campaigns c" \
	" ON c.idx = d.campaign"
#define S_GIVE_DISB_COLS                                                                          \
	"d.idx, c.id, d.seq, d.payee, d.payee_kind, d.payee_org, d.purpose, d.category, d.amount," \
	" d.receipt_sha256, d.from_pos, d.to_pos, d.org, d.at, d.confirm_idx, d.confirm_at,"      \
	" d.confirm_note, d.campaign FROM give_disbursements d JOIN give_campaigns c"             \
	" ON c.idx = d.campaign"
#define S_GIVE_REPORT_COLS "id, campaign, reason, details, at, outcome, resolved_by, resolved_at"

#define S_VOL_OPP_COLS                                                                          \
	"num, id, org, title, cause, remote, lat_e6, lon_e6, data, at, closed_idx, closed_at, rev" \
	" FROM vol_opportunities"
#define S_VOL_SIGNUP_COLS                                                                         \
	"s.idx, s.opportunity, s.slot, s.volunteer, s.starts, s.ends, s.status, s.at,"            \
	" s.decided_idx, s.decided_at, s.note, o.id, o.org, o.title FROM vol_signups s"           \
	" JOIN vol_opportunities o ON o.num = s.opportunity"
#define S_VOL_SESSION_COLS                                                                        \
	"x.idx, x.signup, x.volunteer, x.opportunity, x.org, x.starts, x.ends, x.minutes,"        \
	" x.status, x.checkout_idx, x.hours_idx, x.hours, x.note, x.hours_at, x.dispute_idx,"     \
	" x.dispute_at, x.year, o.id, o.title, s.decided_idx FROM vol_sessions x"                 \
	" JOIN vol_opportunities o ON o.num = x.opportunity JOIN vol_signups s ON s.idx = x.signup"
#define S_VOL_VOLUNTEER_COLS                                                                      \
	"num, id, key_hash, ref, name, birth_year, profile, goal, at, updated_at, rev"             \
	" FROM private_vol_volunteers"

const gt_sqlite_query gt_sqlite_queries[GT_SQLITE_Q__COUNT] = {
	/* ---- entries ---- */
	[GT_Q_ENTRY_PUT] = {"entry_put",
			    "INSERT INTO entries (idx, type, at, \"by\") VALUES (?1, ?2, ?3, ?4)"},
	[GT_Q_ENTRY_LIST] = {"entry_list", "SELECT idx, type, at, \"by\" FROM entries"
					   " WHERE idx < ?1 ORDER BY idx DESC LIMIT ?2"},

	/* ---- organisations ---- */
	[GT_Q_ORG_PUT] = {"org_put",
			  "INSERT INTO orgs (id, name, roles, website, contact_ref,"
			  " created_idx, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
	[GT_Q_ORG_UPDATE] = {"org_update",
			     "UPDATE orgs SET name = ?2, website = ?3, contact_ref = ?4,"
			     " updated_idx = ?5, updated_at = ?6 WHERE id = ?1"},
	[GT_Q_ORG_SET_ROLES] = {"org_set_roles", "UPDATE orgs SET roles = ?2, updated_idx = ?3,"
						 " updated_at = ?4 WHERE id = ?1"},
	[GT_Q_ORG_GET] = {"org_get", "SELECT " S_ORG_COLS " FROM orgs WHERE id = ?1"},
	[GT_Q_ORG_LIST] = {"org_list",
			   "SELECT " S_ORG_COLS " FROM orgs WHERE id > ?1 ORDER BY id LIMIT ?2"},

	/* ---- attestations ---- */
	[GT_Q_ATTEST_PUT] = {"attest_put",
			     "INSERT INTO attestations (idx, org, sha256, kind, title,"
			     " at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
	[GT_Q_ATTEST_GET] = {"attest_get",
			     "SELECT " S_ATTEST_COLS " FROM attestations WHERE idx = ?1"},
	[GT_Q_ATTEST_BY_SHA] = {"attest_by_sha", "SELECT " S_ATTEST_COLS " FROM attestations"
						 " WHERE sha256 = ?1 ORDER BY idx"},
	[GT_Q_ATTEST_BY_ORG] = {"attest_by_org",
				"SELECT " S_ATTEST_COLS " FROM attestations"
				" WHERE org = ?1 AND idx < ?2 ORDER BY idx DESC LIMIT ?3"},

	/* ---- private: contacts ---- */
	[GT_Q_PRIV_CONTACT_PUT] = {"priv_contact_put",
				   "INSERT INTO private_contacts (ref, name, email, phone, idx)"
				   " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (ref) DO UPDATE SET"
				   " name = excluded.name, email = excluded.email,"
				   " phone = excluded.phone, idx = excluded.idx"},
	[GT_Q_PRIV_CONTACT_GET] = {"priv_contact_get", "SELECT ref, name, email, phone, idx"
						       " FROM private_contacts WHERE ref = ?1"},

	/* ---- private: tokens ---- */
	[GT_Q_TOKEN_PUT] = {"token_put", "INSERT INTO private_tokens (id, hash, org, role, label,"
					 " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
	[GT_Q_TOKEN_AUTH] = {"token_auth", "SELECT hash, org, role, revoked_at"
					   " FROM private_tokens WHERE id = ?1"},
	[GT_Q_TOKEN_GET] = {"token_get",
			    "SELECT " S_TOKEN_COLS " FROM private_tokens WHERE id = ?1"},
	[GT_Q_TOKEN_LIST] = {"token_list", "SELECT " S_TOKEN_COLS " FROM private_tokens"
					   " WHERE (?1 IS NULL OR org = ?1) AND id > ?2"
					   " ORDER BY id LIMIT ?3"},
	[GT_Q_TOKEN_REVOKE] = {"token_revoke", "UPDATE private_tokens SET revoked_at = ?2"
					       " WHERE id = ?1 AND revoked_at IS NULL"},

	/* ---- traceability ---- */
	[GT_Q_PRODUCT_PUT] =
		{"product_put",
		 "INSERT INTO trace_products (gtin, maker, name, form, kind, cn_prefix,"
		 " idx, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
	[GT_Q_PRODUCT_GET] = {"product_get",
			      "SELECT " S_PRODUCT_COLS " FROM trace_products WHERE gtin = ?1"},
	[GT_Q_PRODUCT_BY_CN] = {"product_by_cn", "SELECT " S_PRODUCT_COLS
						 " FROM trace_products WHERE cn_prefix = ?1"},
	[GT_Q_PRODUCT_LIST] = {"product_list", "SELECT " S_PRODUCT_COLS " FROM trace_products"
					       " WHERE (?1 IS NULL OR maker = ?1) AND gtin > ?2"
					       " ORDER BY gtin LIMIT ?3"},
	[GT_Q_BATCH_PUT] =
		{"batch_put",
		 "INSERT INTO trace_batches (gtin, lot, maker, manufactured, expiry,"
		 " quantity, packs, idx, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)"},
	[GT_Q_BATCH_GET] = {"batch_get", "SELECT " S_BATCH_COLS
					 " FROM trace_batches WHERE gtin = ?1 AND lot = ?2"},
	[GT_Q_BATCH_LIST] = {"batch_list", "SELECT " S_BATCH_COLS " FROM trace_batches"
					   " WHERE gtin = ?1 AND lot > ?2 ORDER BY lot LIMIT ?3"},
	[GT_Q_BATCH_ADD_PACKS] = {"batch_add_packs", "UPDATE trace_batches SET packs = packs + ?3"
						     " WHERE gtin = ?1 AND lot = ?2"},
	[GT_Q_PACK_PUT] = {"pack_put", "INSERT INTO trace_packs (gtin, serial, lot, idx)"
				       " VALUES (?1, ?2, ?3, ?4)"},
	[GT_Q_PACK_GET] = {"pack_get", "SELECT gtin, serial, lot, idx, state, state_idx"
				       " FROM trace_packs WHERE gtin = ?1 AND serial = ?2"},
	[GT_Q_CHECK_LOOKUP] = {"check_lookup",
			       "SELECT p.gtin, p.maker, p.name, p.form, p.kind, p.cn_prefix, p.idx,"
			       " o.name, k.lot, k.idx, k.state, k.state_idx, b.lot,"
			       " b.manufactured, b.expiry, b.quantity, b.packs, b.idx"
			       " FROM trace_products p LEFT JOIN orgs o ON o.id = p.maker"
			       " LEFT JOIN trace_packs k ON k.gtin = p.gtin AND k.serial = ?3"
			       " LEFT JOIN trace_batches b ON b.gtin = p.gtin"
			       " AND b.lot = coalesce(?4, k.lot)"
			       " WHERE p.gtin = coalesce(?1, (SELECT gtin FROM trace_products"
			       " WHERE cn_prefix = ?2))"},
	[GT_Q_PACK_STATE] = {"pack_state", "UPDATE trace_packs SET state = ?3, state_idx = ?4"
					   " WHERE gtin = ?1 AND serial = ?2"},

	[GT_Q_BATCH_COUNT_PRODUCT] = {"batch_count_product",
				      "SELECT count(*) FROM trace_batches WHERE gtin = ?1"},
	[GT_Q_BATCH_COUNT_MAKER] = {"batch_count_maker",
				    "SELECT count(*) FROM trace_batches WHERE maker = ?1"
				    " AND manufactured BETWEEN ?2 AND ?3"},
	[GT_Q_RECALL_PUT] = {"recall_put",
			     "INSERT INTO trace_recalls (idx, regulator, scope, gtin, lot, maker,"
			     " made_from, made_to, class, reason, effective, at) VALUES (?1, ?2,"
			     " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"},
	[GT_Q_RECALL_GET] = {"recall_get",
			     "SELECT " S_RECALL_COLS " FROM trace_recalls WHERE idx = ?1"},
	[GT_Q_RECALL_LIFT] = {"recall_lift", "UPDATE trace_recalls SET lifted_idx = ?2,"
					     " lifted_at = ?3, lift_reason = ?4 WHERE idx = ?1"},
	[GT_Q_RECALL_FOR_BATCH] = {"recall_for_batch",
				   "SELECT " S_RECALL_COLS " FROM trace_recalls"
				   " WHERE lifted_idx IS NULL AND ((gtin = ?1 AND (lot IS NULL OR"
				   " lot = ?2)) OR (maker = ?3 AND ?4 BETWEEN made_from AND"
				   " made_to)) ORDER BY idx"},
	[GT_Q_RECALL_LIST] = {"recall_list", "SELECT " S_RECALL_COLS " FROM trace_recalls"
					     " WHERE idx < ?1 ORDER BY idx DESC LIMIT ?2"},

	/* ---- custody ---- */
	[GT_Q_EVENT_PUT] = {"event_put",
			    "INSERT INTO trace_events (idx, event_id, type, event_time, action,"
			    " biz_step, disposition, read_point, biz_location, org, capture, at,"
			    " doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"},
	[GT_Q_EVENT_EPC_PUT] = {"event_epc_put", "INSERT OR IGNORE INTO trace_event_epcs"
						 " (epc, kind, idx) VALUES (?1, ?2, ?3)"},
	[GT_Q_EVENT_BY_ID] = {"event_by_id",
			      "SELECT idx, doc, at, org FROM trace_events WHERE event_id = ?1"},
	[GT_Q_EVENT_FIND] = {"event_find", "SELECT e.idx, e.doc, e.at FROM trace_events e"
					   " WHERE e.idx > ?17 AND " S_EVENT_FILTERS
					   " ORDER BY e.idx LIMIT ?18"},
	[GT_Q_EVENT_FIND_EPC] = {"event_find_epc",
				 "SELECT e.idx, e.doc, e.at FROM trace_events e WHERE e.idx IN"
				 " (SELECT m.idx FROM json_each(?11) v JOIN trace_event_epcs m"
				 " ON m.epc >= json_extract(v.value, '$[0]')"
				 " AND m.epc < json_extract(v.value, '$[1]')"
				 " WHERE (m.kind & ?12) != 0 AND m.idx > ?17)"
				 " AND " S_EVENT_FILTERS " ORDER BY e.idx LIMIT ?18"},
	[GT_Q_CAPTURE_GET] = {"capture_get", "SELECT count(*), min(at), max(at), min(org)"
					     " FROM trace_events WHERE capture = ?1"},
	[GT_Q_CONTENT_ADD] = {"content_add",
			      "INSERT INTO trace_contents (parent, child, idx, removed_idx)"
			      " VALUES (?1, ?2, ?3, NULL) ON CONFLICT (parent, child) DO UPDATE"
			      " SET idx = excluded.idx, removed_idx = NULL"},
	[GT_Q_CONTENT_REMOVE] = {"content_remove",
				 "UPDATE trace_contents SET removed_idx = ?3 WHERE parent = ?1"
				 " AND (?2 IS NULL OR child = ?2) AND removed_idx IS NULL"},
	[GT_Q_CONTENT_EXPAND] = {"content_expand",
				 "WITH RECURSIVE c(id, depth) AS (SELECT ?1, 0 UNION"
				 " SELECT t.child, c.depth + 1 FROM trace_contents t JOIN c"
				 " ON t.parent = c.id WHERE t.removed_idx IS NULL"
				 " AND c.depth < 4) SELECT DISTINCT id FROM c"},
	[GT_Q_EVENT_TRAIL] = {"event_trail",
			      "WITH RECURSIVE p(id, depth) AS (SELECT value, 0 FROM json_each(?1)"
			      " UNION SELECT t.parent, p.depth + 1 FROM trace_contents t JOIN p"
			      " ON t.child = p.id WHERE p.depth < 4)"
			      " SELECT e.idx, e.doc, e.at, e.org FROM trace_events e WHERE e.idx IN"
			      " (SELECT m.idx FROM p JOIN trace_event_epcs m ON m.epc = p.id)"
			      " ORDER BY e.idx LIMIT ?2"},
	/* Two probes of the key, not "epc IN (?1, ?2)": an IN list of
	 * parameters builds a temporary table on every run. */
	[GT_Q_EVENT_NAMES_ANY] = {"event_names_any",
				  "SELECT 1 FROM (SELECT 1 FROM trace_event_epcs WHERE epc = ?1"
				  " LIMIT 1) UNION ALL SELECT 1 FROM (SELECT 1 FROM"
				  " trace_event_epcs WHERE epc = ?2 LIMIT 1) LIMIT 1"},
	[GT_Q_CUSTODY_ADD] = {"custody_add",
			      "INSERT OR IGNORE INTO trace_custody (gtin, lot, org, first_idx,"
			      " last_idx) VALUES (?1, ?2, ?3, ?4, ?4)"},
	[GT_Q_CUSTODY_TOUCH] = {"custody_touch", "UPDATE trace_custody SET last_idx = ?4"
						 " WHERE gtin = ?1 AND lot = ?2 AND org = ?3"},
	[GT_Q_CUSTODY_LIST] = {"custody_list",
			       "SELECT org, first_idx, last_idx FROM trace_custody"
			       " WHERE gtin = ?1 AND lot = ?2 AND org > ?3 ORDER BY org LIMIT ?4"},

	/* ---- recall notices ---- */
	[GT_Q_NOTICE_FOR_HOLDER] = {"notice_for_holder",
				    "INSERT OR IGNORE INTO trace_notices (recall, org, gtin, lot,"
				    " idx, at) SELECT r.idx, ?1, ?2, ?3, ?6, ?7 FROM trace_recalls r"
				    " WHERE r.lifted_idx IS NULL AND ((r.gtin = ?2 AND (r.lot IS NULL"
				    " OR r.lot = ?3)) OR (r.maker = ?4 AND ?5 BETWEEN r.made_from AND"
				    " r.made_to)) ORDER BY r.idx"},
	[GT_Q_NOTICE_FOR_RECALL] = {"notice_for_recall",
				    "INSERT OR IGNORE INTO trace_notices (recall, org, gtin, lot,"
				    " idx, at) SELECT r.idx, c.org, c.gtin, c.lot, r.idx, ?2"
				    " FROM trace_recalls r JOIN trace_batches b ON (r.gtin = b.gtin"
				    " AND (r.lot IS NULL OR r.lot = b.lot)) OR (r.maker = b.maker AND"
				    " b.manufactured BETWEEN r.made_from AND r.made_to)"
				    " JOIN trace_custody c ON c.gtin = b.gtin AND c.lot = b.lot"
				    " WHERE r.idx = ?1 ORDER BY c.gtin, c.lot, c.org"},
	[GT_Q_NOTICE_GET] = {"notice_get", "SELECT " S_NOTICE_COLS " WHERE n.id = ?1"},
	[GT_Q_NOTICE_LIST_ORG] = {"notice_list_org",
				  "SELECT " S_NOTICE_COLS " WHERE n.org = ?1 AND (?2 = 0 OR"
				  " (n.ack_idx IS NULL AND r.lifted_idx IS NULL)) AND n.id > ?3"
				  " ORDER BY n.id LIMIT ?4"},
	[GT_Q_NOTICE_LIST_RECALL] = {"notice_list_recall",
				     "SELECT " S_NOTICE_COLS " WHERE n.recall = ?1 AND (?2 = 0 OR"
				     " n.ack_idx IS NULL) AND n.id > ?3 ORDER BY n.id LIMIT ?4"},
	[GT_Q_NOTICE_COUNT_RECALL] = {"notice_count_recall",
				      "SELECT count(*), count(ack_idx), count(DISTINCT org),"
				      " (SELECT count(*) FROM (SELECT org FROM trace_notices"
				      " WHERE recall = ?1 GROUP BY org HAVING count(ack_idx) ="
				      " count(*))) FROM trace_notices WHERE recall = ?1"},
	[GT_Q_NOTICE_ACK] = {"notice_ack", "UPDATE trace_notices SET ack_idx = ?2, ack_action = ?3,"
					   " ack_note = ?4, ack_at = ?5 WHERE id = ?1"},

	/* ---- private: webhooks ---- */
	[GT_Q_WEBHOOK_PUT] = {"webhook_put",
			      "INSERT INTO private_webhooks (id, org, url, secret, created_at,"
			      " cursor, delivered, failures) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0)"},
	[GT_Q_WEBHOOK_GET] = {"webhook_get",
			      "SELECT " S_WEBHOOK_COLS " FROM private_webhooks WHERE id = ?1"},
	[GT_Q_WEBHOOK_LIST] = {"webhook_list", "SELECT " S_WEBHOOK_COLS " FROM private_webhooks"
					       " WHERE (?1 IS NULL OR org = ?1) AND id > ?2"
					       " ORDER BY id LIMIT ?3"},
	[GT_Q_WEBHOOK_DELETE] = {"webhook_delete",
				 "DELETE FROM private_webhooks WHERE id = ?1 AND org = ?2"},
	[GT_Q_WEBHOOK_PROGRESS] = {"webhook_progress",
				   "UPDATE private_webhooks SET cursor = ?2, delivered ="
				   " delivered + ?3, failures = failures + ?4, last_status = ?5,"
				   " last_error = ?6, last_at = ?7 WHERE id = ?1"},

	/* ---- donations ---- */
	[GT_Q_GIVE_CAMPAIGN_PUT] = {"give_campaign_put",
				    "INSERT INTO give_campaigns (id, org, title, description,"
				    " beneficiary, beneficiary_org, category, goal, cap, currency,"
				    " starts, ends, idx, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
				    " ?9, ?10, ?11, ?12, ?13, ?14)"},
	[GT_Q_GIVE_CAMPAIGN_GET] = {"give_campaign_get", "SELECT " S_GIVE_CAMPAIGN_COLS
							 " FROM give_campaigns WHERE id = ?1"},
	[GT_Q_GIVE_CAMPAIGN_LIST] = {"give_campaign_list",
				     "SELECT " S_GIVE_CAMPAIGN_COLS " FROM give_campaigns"
				     " WHERE (?1 IS NULL OR org = ?1) AND (?2 IS NULL OR category = ?2)"
				     " AND id > ?3 AND (?5 IS NULL OR ?5 = CASE"
				     " WHEN verify_status = 'suspended' THEN 'suspended'"
				     " WHEN closed_idx IS NOT NULL THEN 'closed'"
				     " WHEN ?6 < starts THEN 'upcoming' WHEN ?6 >= ends THEN 'ended'"
				     " ELSE 'open' END) ORDER BY id LIMIT ?4"},
	[GT_Q_GIVE_DOC_PUT] = {"give_doc_put", "INSERT OR IGNORE INTO give_documents"
					       " (campaign, idx, name, sha256) VALUES (?1, ?2, ?3, ?4)"},
	[GT_Q_GIVE_DOC_LIST] = {"give_doc_list", "SELECT name, sha256, idx FROM give_documents"
						 " WHERE campaign = ?1 ORDER BY idx, sha256"},
	[GT_Q_GIVE_VERIFY] = {"give_verify",
			      "UPDATE give_campaigns SET"
			      " verify_status = CASE WHEN ?2 IS NOT NULL THEN ?2"
			      " WHEN verify_status = 'suspended' THEN 'suspended' ELSE 'pending' END,"
			      " verify_note = CASE WHEN ?2 IS NOT NULL THEN ?3 ELSE verify_note END,"
			      " verify_by = CASE WHEN ?2 IS NOT NULL THEN ?4 ELSE verify_by END,"
			      " verify_at = CASE WHEN ?2 IS NOT NULL THEN ?5 ELSE verify_at END"
			      " WHERE id = ?1"},
	[GT_Q_GIVE_CLOSE] = {"give_close", "UPDATE give_campaigns SET closed_idx = ?2,"
					   " closed_at = ?3, closed_reason = ?4 WHERE id = ?1"},
	[GT_Q_GIVE_WORK_PUT] = {"give_work_put",
				"INSERT INTO give_works (campaign, id, title, price, sha256, edition,"
				" idx, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
	[GT_Q_GIVE_WORK_GET] = {"give_work_get",
				"SELECT id, title, price, sha256, edition, sold, idx, at"
				" FROM give_works WHERE campaign = ?1 AND id = ?2"},
	[GT_Q_GIVE_WORK_LIST] = {"give_work_list",
				 "SELECT id, title, price, sha256, edition, sold, idx, at"
				 " FROM give_works WHERE campaign = ?1 ORDER BY id"},
	[GT_Q_GIVE_WORK_SOLD] = {"give_work_sold", "UPDATE give_works SET sold = sold + 1"
						   " WHERE campaign = ?1 AND id = ?2"},
	[GT_Q_GIVE_CAMPAIGN_DONATE] = {"give_campaign_donate",
				       "UPDATE give_campaigns SET raised = raised + ?2,"
				       " donations = donations + 1, anonymous = anonymous + ?3,"
				       " closed_reason = CASE WHEN closed_idx IS NULL AND cap IS NOT NULL"
				       " AND raised + ?2 >= cap THEN 'cap' ELSE closed_reason END,"
				       " closed_at = CASE WHEN closed_idx IS NULL AND cap IS NOT NULL"
				       " AND raised + ?2 >= cap THEN ?5 ELSE closed_at END,"
				       " closed_idx = CASE WHEN closed_idx IS NULL AND cap IS NOT NULL"
				       " AND raised + ?2 >= cap THEN ?4 ELSE closed_idx END"
				       " WHERE id = ?1 RETURNING idx, raised - ?2, donations - 1"},
	[GT_Q_GIVE_DONATION_PUT] = {"give_donation_put",
				    "INSERT INTO give_donations (campaign, start, idx, seq, amount,"
				    " code, channel, name, anonymous, work, org, ref, at) VALUES"
				    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"},
	[GT_Q_GIVE_DONATION_BY_CODE] = {"give_donation_by_code",
					"SELECT " S_GIVE_DONATION_COLS
					" WHERE d.idx = ?1 AND d.code = ?2"},
	[GT_Q_GIVE_DONATION_BY_IDX] = {"give_donation_by_idx",
				       "SELECT " S_GIVE_DONATION_COLS " WHERE d.idx = ?1"},
	[GT_Q_GIVE_DONATION_BY_REF] = {"give_donation_by_ref", "SELECT " S_GIVE_DONATION_COLS
							       " WHERE d.org = ?1 AND d.ref = ?2"},
	[GT_Q_GIVE_DONATION_LIST] = {"give_donation_list",
				     "SELECT " S_GIVE_DONATION_COLS " WHERE d.campaign = ?1"
				     " AND d.start < coalesce((SELECT start FROM give_donations"
				     " WHERE idx = ?2 AND campaign = ?1), 9223372036854775807)"
				     " ORDER BY d.start DESC LIMIT ?3"},
	[GT_Q_GIVE_FUNDERS] = {"give_funders",
			       "SELECT " S_GIVE_DONATION_COLS " WHERE d.campaign = ?1"
			       " AND d.start >= coalesce((SELECT max(start) FROM give_donations"
			       " WHERE campaign = ?1 AND start <= ?2), 0)"
			       " AND d.start > coalesce((SELECT start FROM give_donations"
			       " WHERE idx = ?4 AND campaign = ?1), -1)"
			       " AND d.start < ?3 ORDER BY d.start LIMIT ?5"},
	[GT_Q_GIVE_DAY_ADD] = {"give_day_add",
			       "INSERT INTO give_days (campaign, day, raised, refunded, spent,"
			       " donations) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET"
			       " raised = raised + ?3, refunded = refunded + ?4, spent = spent + ?5,"
			       " donations = donations + ?6"},
	[GT_Q_GIVE_DAYS] = {"give_days", "SELECT day, raised, refunded, spent, donations"
					 " FROM give_days WHERE campaign = ?1 ORDER BY day"},
	[GT_Q_GIVE_DONOR_ADD] = {"give_donor_add", "INSERT OR IGNORE INTO give_donors"
						   " (campaign, donor) VALUES (?1, ?2)"},
	[GT_Q_GIVE_DONOR_COUNT] = {"give_donor_count",
				   "UPDATE give_campaigns SET donors = donors + 1 WHERE id = ?1"},
	[GT_Q_GIVE_REFUND_DONATION] = {"give_refund_donation",
				       "UPDATE give_donations SET refunded = refunded + ?2"
				       " WHERE idx = ?1"},
	[GT_Q_GIVE_REFUND_CAMPAIGN] = {"give_refund_campaign",
				       "UPDATE give_campaigns SET refunded = refunded + ?2"
				       " WHERE id = ?1"},
	[GT_Q_GIVE_HOLES] = {"give_holes",
			     "SELECT start + amount - refunded, start + amount FROM give_donations"
			     " WHERE campaign = ?1 AND refunded > 0 AND start + amount > ?2"
			     " ORDER BY start + amount"},
	[GT_Q_GIVE_CAMPAIGN_SPEND] = {"give_campaign_spend",
				      "UPDATE give_campaigns SET spent = spent + ?2, cursor = ?3,"
				      " disbursements = disbursements + 1 WHERE id = ?1"
				      " RETURNING disbursements - 1"},
	[GT_Q_GIVE_DISB_PUT] = {"give_disb_put",
				"INSERT INTO give_disbursements (idx, campaign, seq, payee, payee_kind,"
				" payee_org, purpose, category, amount, receipt_sha256, from_pos,"
				" to_pos, org, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
				" ?11, ?12, ?13, ?14)"},
	[GT_Q_GIVE_DISB_GET] = {"give_disb_get", "SELECT " S_GIVE_DISB_COLS " WHERE d.idx = ?1"},
	[GT_Q_GIVE_DISB_LIST] = {"give_disb_list",
				 "SELECT " S_GIVE_DISB_COLS " WHERE d.campaign = ?1 AND d.idx < ?2"
				 " ORDER BY d.idx DESC LIMIT ?3"},
	[GT_Q_GIVE_DISB_AFTER] = {"give_disb_after",
				  "SELECT " S_GIVE_DISB_COLS " WHERE d.campaign = ?1"
				  " AND d.to_pos > ?2 ORDER BY d.to_pos"},
	[GT_Q_GIVE_CONFIRM] = {"give_confirm",
			       "UPDATE give_disbursements SET confirm_idx = ?2, confirm_at = ?3,"
			       " confirm_note = ?4 WHERE idx = ?1"},
	[GT_Q_GIVE_CATEGORY_ADD] = {"give_category_add",
				    "INSERT INTO give_categories (campaign, category, amount, count)"
				    " VALUES (?1, ?2, ?3, 1) ON CONFLICT DO UPDATE SET"
				    " amount = amount + ?3, count = count + 1"},
	[GT_Q_GIVE_CATEGORIES] = {"give_categories",
				  "SELECT category, amount, count FROM give_categories"
				  " WHERE campaign = ?1 ORDER BY category"},
	[GT_Q_GIVE_REPORT_PUT] = {"give_report_put",
				  "INSERT INTO private_give_reports (campaign, reason, details, at)"
				  " VALUES (?1, ?2, ?3, ?4)"},
	[GT_Q_GIVE_REPORT_LIST] = {"give_report_list",
				   "SELECT " S_GIVE_REPORT_COLS " FROM private_give_reports WHERE"
				   " (?1 IS NULL OR (?1 = 'open') = (outcome IS NULL)) AND id > ?2"
				   " ORDER BY id LIMIT ?3"},
	[GT_Q_GIVE_REPORT_GET] = {"give_report_get", "SELECT " S_GIVE_REPORT_COLS
						     " FROM private_give_reports WHERE id = ?1"},
	[GT_Q_GIVE_REPORT_RESOLVE] = {"give_report_resolve",
				      "UPDATE private_give_reports SET outcome = ?2,"
				      " resolved_by = ?3, resolved_at = ?4 WHERE id = ?1"},

	/* ---- the backend's own ---- */
	[GT_SQLITE_APPLIED_GET] = {"applied_get", "SELECT value FROM meta WHERE key = 'applied'"},
	[GT_SQLITE_APPLIED_SET] = {"applied_set",
				   "UPDATE meta SET value = ?1 WHERE key = 'applied'"},
	[GT_SQLITE_BEGIN_WRITE] = {"begin", "BEGIN IMMEDIATE"},
	[GT_SQLITE_BEGIN_READ] = {"begin_read", "BEGIN DEFERRED"},
	[GT_SQLITE_COMMIT] = {"commit", "COMMIT"},
	[GT_SQLITE_ROLLBACK] = {"rollback", "ROLLBACK"},
	/* One name for every level: each statement acts on the innermost. */
	[GT_SQLITE_SAVEPOINT] = {"savepoint", "SAVEPOINT gt_sp"},
	[GT_SQLITE_RELEASE] = {"release", "RELEASE gt_sp"},
	[GT_SQLITE_ROLLBACK_TO] = {"rollback_to", "ROLLBACK TO gt_sp"},
	[GT_SQLITE_USER_VERSION] = {"user_version", "PRAGMA main.user_version"},
	[GT_SQLITE_TABLES] = {"tables",
			      "SELECT name FROM main.sqlite_master WHERE type = 'table'"
			      " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"},
	[GT_SQLITE_TABLE_COUNT] = {"table_count", "SELECT count(*) FROM main.sqlite_master"},
	[GT_SQLITE_COLUMNS] = {"columns",
			       "SELECT name, pk FROM pragma_table_info(?1, ?2) ORDER BY cid"},
	[GT_SQLITE_ATTACH_OLD] = {"attach_old", "ATTACH DATABASE ?1 AS old"},
	[GT_SQLITE_DETACH_OLD] = {"detach_old", "DETACH DATABASE old"},
	[GT_SQLITE_OLD_USER_VERSION] = {"old_user_version", "PRAGMA old.user_version"},
	[GT_SQLITE_OLD_CHECKPOINT] = {"old_checkpoint", "PRAGMA old.wal_checkpoint(TRUNCATE)"},
	[GT_SQLITE_CHECKPOINT] = {"checkpoint", "PRAGMA main.wal_checkpoint(TRUNCATE)"},
	/* ---- volunteering ---- */
	[GT_Q_VOL_OPP_PUT] = {"vol_opp_put",
			      "INSERT INTO vol_opportunities (num, id, org, title, cause, remote,"
			      " lat_e6, lon_e6, data, at, rev)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1)"},
	[GT_Q_VOL_OPP_GET] = {"vol_opp_get", "SELECT " S_VOL_OPP_COLS " WHERE id = ?1"},
	[GT_Q_VOL_OPP_BY_NUM] = {"vol_opp_by_num", "SELECT " S_VOL_OPP_COLS " WHERE num = ?1"},
	[GT_Q_VOL_OPP_LIST] = {"vol_opp_list",
			       "SELECT " S_VOL_OPP_COLS " WHERE (?1 IS NULL OR org = ?1)"
			       " AND (?2 IS NULL OR cause = ?2) AND (?3 IS NULL OR remote = ?3)"
			       " AND (?4 = 0 OR closed_idx IS NULL) AND num < ?5"
			       " ORDER BY num DESC LIMIT ?6"},
	[GT_Q_VOL_OPP_CLOSE] = {"vol_opp_close", "UPDATE vol_opportunities SET closed_idx = ?2,"
						 " closed_at = ?3, rev = ?2 WHERE num = ?1"},
	[GT_Q_VOL_OPP_CHANGED] = {"vol_opp_changed", "SELECT " S_VOL_OPP_COLS
						     " WHERE rev > ?1 ORDER BY rev LIMIT ?2"},
	[GT_Q_VOL_SLOT_PUT] = {"vol_slot_put", "INSERT INTO vol_slots (opportunity, slot, starts, ends,"
					       " capacity) VALUES (?1, ?2, ?3, ?4, ?5)"},
	[GT_Q_VOL_SLOT_GET] = {"vol_slot_get", "SELECT slot, starts, ends, capacity, taken"
					       " FROM vol_slots WHERE opportunity = ?1 AND slot = ?2"},
	[GT_Q_VOL_SLOTS] = {"vol_slots", "SELECT slot, starts, ends, capacity, taken FROM vol_slots"
					 " WHERE opportunity = ?1 ORDER BY starts, slot"},
	[GT_Q_VOL_SLOT_TAKE] = {"vol_slot_take", "UPDATE vol_slots SET taken = taken + ?3"
						 " WHERE opportunity = ?1 AND slot = ?2"},
	[GT_Q_VOL_SIGNUP_PUT] = {"vol_signup_put",
				 "INSERT INTO vol_signups (idx, opportunity, slot, volunteer, starts,"
				 " ends, status, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7)"},
	[GT_Q_VOL_SIGNUP_GET] = {"vol_signup_get", "SELECT " S_VOL_SIGNUP_COLS " WHERE s.idx = ?1"},
	[GT_Q_VOL_SIGNUP_OVERLAP] = {"vol_signup_overlap",
				     "SELECT idx FROM vol_signups WHERE volunteer = ?1"
				     " AND status IN ('pending', 'confirmed') AND starts < ?3"
				     " AND ends > ?2 LIMIT 1"},
	[GT_Q_VOL_SIGNUP_OF] = {"vol_signup_of",
				"SELECT idx FROM vol_signups WHERE volunteer = ?1"
				" AND opportunity = ?2 AND slot = ?3"
				" AND status IN ('pending', 'confirmed') LIMIT 1"},
	[GT_Q_VOL_SIGNUP_SET] = {"vol_signup_set", "UPDATE vol_signups SET status = ?2,"
						   " decided_idx = ?3, decided_at = ?4, note = ?5"
						   " WHERE idx = ?1"},
	[GT_Q_VOL_SIGNUPS_OF_VOLUNTEER] = {"vol_signups_of_volunteer",
					   "SELECT " S_VOL_SIGNUP_COLS " WHERE s.volunteer = ?1"
					   " AND s.idx < ?2 ORDER BY s.idx DESC LIMIT ?3"},
	[GT_Q_VOL_SIGNUPS_OF_OPP] = {"vol_signups_of_opp",
				     "SELECT " S_VOL_SIGNUP_COLS " WHERE s.opportunity = ?1"
				     " AND (?2 IS NULL OR s.status = ?2) AND s.idx > ?3"
				     " ORDER BY s.idx LIMIT ?4"},
	[GT_Q_VOL_SESSION_PUT] = {"vol_session_put",
				  "INSERT INTO vol_sessions (idx, signup, volunteer, opportunity, org,"
				  " starts, ends, minutes, status, year)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"},
	[GT_Q_VOL_SESSION_GET] = {"vol_session_get", "SELECT " S_VOL_SESSION_COLS " WHERE x.idx = ?1"},
	[GT_Q_VOL_SESSION_BY_SIGNUP] = {"vol_session_by_signup",
					"SELECT " S_VOL_SESSION_COLS " WHERE x.signup = ?1"},
	[GT_Q_VOL_SESSION_OPEN] = {"vol_session_open", "SELECT idx FROM vol_sessions"
						       " WHERE volunteer = ?1 AND ends IS NULL LIMIT 1"},
	[GT_Q_VOL_SESSION_OVERLAP] = {"vol_session_overlap",
				      "SELECT idx FROM vol_sessions WHERE volunteer = ?1"
				      " AND starts < ?3 AND (ends IS NULL OR ends > ?2) LIMIT 1"},
	[GT_Q_VOL_SESSION_END] = {"vol_session_end",
				  "UPDATE vol_sessions SET ends = ?2, minutes = ?3, checkout_idx = ?4,"
				  " status = 'ended' WHERE idx = ?1"},
	[GT_Q_VOL_SESSION_HOURS] = {"vol_session_hours",
				    "UPDATE vol_sessions SET status = ?2, hours = ?3, hours_idx = ?4,"
				    " note = ?5, hours_at = ?6 WHERE idx = ?1"},
	[GT_Q_VOL_SESSION_DISPUTE] = {"vol_session_dispute",
				      "UPDATE vol_sessions SET status = 'disputed', dispute_idx = ?2,"
				      " dispute_at = ?3 WHERE idx = ?1"},
	[GT_Q_VOL_SESSIONS_OF_VOLUNTEER] = {"vol_sessions_of_volunteer",
					    "SELECT " S_VOL_SESSION_COLS " WHERE x.volunteer = ?1"
					    " AND (?2 IS NULL OR x.year = ?2) AND x.idx > ?3"
					    " ORDER BY x.idx LIMIT ?4"},
	[GT_Q_VOL_SESSIONS_OF_ORG] = {"vol_sessions_of_org",
				      "SELECT " S_VOL_SESSION_COLS " WHERE x.org = ?1"
				      " AND (?2 IS NULL OR x.status = ?2) AND x.idx > ?3"
				      " ORDER BY x.idx LIMIT ?4"},
	[GT_Q_VOL_YEAR_MINUTES] = {"vol_year_minutes",
				   "SELECT coalesce(sum(hours), 0), count(*) FROM vol_sessions"
				   " WHERE volunteer = ?1 AND year = ?2"
				   " AND status IN ('confirmed', 'corrected')"},
	[GT_Q_VOL_TOTALS] = {"vol_totals",
			     "SELECT (SELECT count(*) FROM vol_opportunities WHERE closed_idx IS NULL),"
			     " (SELECT count(*) FROM vol_signups WHERE status = 'confirmed'),"
			     " (SELECT coalesce(sum(hours), 0) FROM vol_sessions"
			     " WHERE status IN ('confirmed', 'corrected'))"},
	/* private: volunteers */
	[GT_Q_VOL_VOLUNTEER_PUT] = {"vol_volunteer_put",
				    "INSERT INTO private_vol_volunteers (id, key_hash, ref, name,"
				    " birth_year, profile, goal, at, updated_at, rev)"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, (SELECT"
				    " coalesce(max(rev), 0) + 1 FROM private_vol_volunteers))"},
	[GT_Q_VOL_VOLUNTEER_UPDATE] = {"vol_volunteer_update",
				       "UPDATE private_vol_volunteers SET name = ?2, birth_year = ?3,"
				       " profile = ?4, goal = ?5, updated_at = ?6, rev = (SELECT"
				       " coalesce(max(rev), 0) + 1 FROM private_vol_volunteers)"
				       " WHERE id = ?1"},
	[GT_Q_VOL_VOLUNTEER_GET] = {"vol_volunteer_get", "SELECT " S_VOL_VOLUNTEER_COLS " WHERE id = ?1"},
	[GT_Q_VOL_VOLUNTEER_KEY] = {"vol_volunteer_key", "UPDATE private_vol_volunteers SET"
						      " key_hash = ?2, updated_at = ?3 WHERE id = ?1"},
	[GT_Q_VOL_VOLUNTEER_ERASE] = {"vol_volunteer_erase",
				      "UPDATE private_vol_volunteers SET key_hash = '', name = NULL,"
				      " birth_year = NULL, profile = '{\"discoverable\":false}',"
				      " updated_at = ?2, rev = (SELECT coalesce(max(rev), 0) + 1"
				      " FROM private_vol_volunteers) WHERE id = ?1"},
	[GT_Q_VOL_VOLUNTEER_BY_REF] = {"vol_volunteer_by_ref",
				       "SELECT " S_VOL_VOLUNTEER_COLS " WHERE ref = ?1"},
	[GT_Q_VOL_VOLUNTEER_BY_NUM] = {"vol_volunteer_by_num",
				       "SELECT " S_VOL_VOLUNTEER_COLS " WHERE num = ?1"},
	[GT_Q_VOL_VOLUNTEER_CHANGED] = {"vol_volunteer_changed",
					"SELECT " S_VOL_VOLUNTEER_COLS
					" WHERE rev > ?1 ORDER BY rev LIMIT ?2"},
	[GT_Q_VOL_DISPUTE_PUT] = {"vol_dispute_put", "INSERT INTO private_vol_disputes (session,"
						     " reason, at) VALUES (?1, ?2, ?3)"},
	[GT_Q_VOL_DISPUTES] = {"vol_disputes", "SELECT reason, at FROM private_vol_disputes"
					       " WHERE session = ?1 ORDER BY id"},
	[GT_Q_GREEN_RULE_PUT] = {"green_rule_put",
		"INSERT OR REPLACE INTO green_rules (kind, unit, grams, per, daily_cap, "
		"monthly_cap, active, idx) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
	[GT_Q_GREEN_RULES] = {"green_rules",
		"SELECT kind, unit, grams, per, daily_cap, monthly_cap, active, idx "
		"FROM green_rules ORDER BY kind"},
	[GT_Q_GREEN_ACTION_PUT] = {"green_action_put",
		"INSERT INTO green_actions (day, idx, pos, user, kind, quantity, grams, "
		"ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
	[GT_Q_GREEN_ACTIONS_SINCE] = {"green_actions_since",
		"SELECT day, idx, user, kind, grams, ref FROM green_actions WHERE day "
		">= ?1 ORDER BY day, idx, pos"},
	[GT_Q_GREEN_DAY_ADD] = {"green_day_add",
		"INSERT INTO green_days (day, kind, grams, actions) VALUES (?1, ?2, ?3, "
		"?4) ON CONFLICT (day, kind) DO UPDATE SET grams = grams + "
		"excluded.grams, actions = actions + excluded.actions"},
	[GT_Q_GREEN_COLLECT_ADD] = {"green_collect_add",
		"INSERT INTO green_collects (day, user, grams, idx) VALUES (?1, ?2, ?3, "
		"?4) ON CONFLICT (day, user) DO UPDATE SET grams = grams + "
		"excluded.grams, idx = excluded.idx"},
	[GT_Q_GREEN_COLLECTS_SINCE] = {"green_collects_since",
		"SELECT day, user, idx FROM green_collects WHERE day >= ?1"},
	[GT_Q_GREEN_USER_ADD] = {"green_user_add",
		"INSERT INTO green_users (user, collected, spent, trees) VALUES (?1, "
		"?2, ?3, ?4) ON CONFLICT (user) DO UPDATE SET collected = collected + "
		"excluded.collected, spent = spent + excluded.spent, trees = trees + "
		"excluded.trees"},
	[GT_Q_GREEN_USER_GET] = {"green_user_get",
		"SELECT collected, spent, trees FROM green_users WHERE user = ?1"},
	[GT_Q_GREEN_SUM_ADD] = {"green_sum_add",
		"INSERT INTO green_sums (name, value) VALUES (?1, ?2) ON CONFLICT "
		"(name) DO UPDATE SET value = value + excluded.value"},
	[GT_Q_GREEN_ENERGY] = {"green_energy",
		"SELECT (SELECT COALESCE(SUM(grams), 0) FROM green_days), (SELECT "
		"COALESCE(SUM(grams), 0) FROM green_collects), (SELECT "
		"COALESCE(SUM(grams), 0) FROM green_days WHERE day < ?1), (SELECT "
		"COALESCE(SUM(grams), 0) FROM green_collects WHERE day < ?1), (SELECT "
		"COALESCE(MAX(value), 0) FROM green_sums WHERE name = 'spent'), (SELECT "
		"COALESCE(SUM(actions), 0) FROM green_days)"},
	[GT_Q_GREEN_KINDS] = {"green_kinds",
		"SELECT kind, SUM(grams), SUM(actions) FROM green_days GROUP BY kind "
		"ORDER BY kind"},
	[GT_Q_GREEN_SPECIES_PUT] = {"green_species_put",
		"INSERT INTO green_species (id, planter, name, name_zh, cost, region, "
		"description, available, idx, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"?8, ?9, ?10) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
		"name_zh = excluded.name_zh, cost = excluded.cost, region = "
		"excluded.region, description = excluded.description, available = "
		"excluded.available, idx = excluded.idx, at = excluded.at"},
	[GT_Q_GREEN_SPECIES_GET] = {"green_species_get",
		"SELECT id, planter, name, name_zh, cost, region, description, "
		"available, idx, at, ordered, planted, surviving FROM green_species "
		"WHERE id = ?1"},
	[GT_Q_GREEN_SPECIES_LIST] = {"green_species_list",
		"SELECT id, planter, name, name_zh, cost, region, description, "
		"available, idx, at, ordered, planted, surviving FROM green_species "
		"ORDER BY id"},
	[GT_Q_GREEN_SPECIES_COUNT] = {"green_species_count",
		"UPDATE green_species SET ordered = ordered + ?2, planted = planted + "
		"?3, surviving = surviving + ?4 WHERE id = ?1"},
	[GT_Q_GREEN_SITE_PUT] = {"green_site_put",
		"INSERT INTO green_sites (id, planter, name, region, lat_e6, lon_e6, "
		"idx, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO "
		"UPDATE SET name = excluded.name, region = excluded.region, lat_e6 = "
		"excluded.lat_e6, lon_e6 = excluded.lon_e6, idx = excluded.idx, at = "
		"excluded.at"},
	[GT_Q_GREEN_SITE_GET] = {"green_site_get",
		"SELECT id, planter, name, region, lat_e6, lon_e6, idx, at, plantings, "
		"planted, surviving FROM green_sites WHERE id = ?1"},
	[GT_Q_GREEN_SITE_LIST] = {"green_site_list",
		"SELECT id, planter, name, region, lat_e6, lon_e6, idx, at, plantings, "
		"planted, surviving FROM green_sites ORDER BY id"},
	[GT_Q_GREEN_SITE_COUNT] = {"green_site_count",
		"UPDATE green_sites SET plantings = plantings + ?2, planted = planted + "
		"?3, surviving = surviving + ?4 WHERE id = ?1"},
	[GT_Q_GREEN_PARTNERS] = {"green_partners",
		"SELECT planter, SUM(ordered), SUM(planted), SUM(surviving) FROM "
		"green_species GROUP BY planter ORDER BY planter"},
	[GT_Q_GREEN_TREE_PUT] = {"green_tree_put",
		"INSERT INTO green_trees (idx, user, species, planter, cost, at) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6)"},
	[GT_Q_GREEN_TREE_GET] = {"green_tree_get",
		"SELECT idx, user, species, planter, cost, at, planting FROM "
		"green_trees WHERE idx = ?1"},
	[GT_Q_GREEN_TREES_OF_USER] = {"green_trees_of_user",
		"SELECT idx, user, species, planter, cost, at, planting FROM "
		"green_trees WHERE user = ?1 ORDER BY idx DESC LIMIT ?2"},
	[GT_Q_GREEN_TREES_WAITING] = {"green_trees_waiting",
		"SELECT idx, at FROM green_trees WHERE species = ?1 AND planting IS "
		"NULL ORDER BY idx LIMIT ?2"},
	[GT_Q_GREEN_TREE_PLANT] = {"green_tree_plant",
		"UPDATE green_trees SET planting = ?2 WHERE idx = ?1 AND planting IS "
		"NULL"},
	[GT_Q_GREEN_PLANTING_PUT] = {"green_planting_put",
		"INSERT INTO green_plantings (idx, planter, site, species, count, date, "
		"lat_e6, lon_e6, photos, trees, note, at) VALUES (?1, ?2, ?3, ?4, ?5, "
		"?6, ?7, ?8, ?9, ?10, ?11, ?12)"},
	[GT_Q_GREEN_PLANTING_GET] = {"green_planting_get",
		"SELECT idx, planter, site, species, count, date, lat_e6, lon_e6, "
		"photos, trees, note, at, alive1, check1, alive3, check3 FROM "
		"green_plantings WHERE idx = ?1"},
	[GT_Q_GREEN_PLANTINGS] = {"green_plantings",
		"SELECT idx, planter, site, species, count, date, lat_e6, lon_e6, "
		"photos, trees, note, at, alive1, check1, alive3, check3 FROM "
		"green_plantings WHERE (?1 IS NULL OR site = ?1) AND idx < ?2 ORDER BY "
		"idx DESC LIMIT ?3"},
	[GT_Q_GREEN_PLANTING_CHECK] = {"green_planting_check",
		"UPDATE green_plantings SET alive1 = CASE WHEN ?2 = 1 THEN ?3 ELSE "
		"alive1 END, check1 = CASE WHEN ?2 = 1 THEN ?4 ELSE check1 END, alive3 "
		"= CASE WHEN ?2 = 3 THEN ?3 ELSE alive3 END, check3 = CASE WHEN ?2 = 3 "
		"THEN ?4 ELSE check3 END WHERE idx = ?1"},
	[GT_Q_GREEN_CHECK_PUT] = {"green_check_put",
		"INSERT INTO green_checks (idx, planting, year, date, alive, photos, "
		"at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
	[GT_Q_GREEN_CHECKS_OF] = {"green_checks_of",
		"SELECT idx, year, date, alive, photos, at FROM green_checks WHERE "
		"planting = ?1 ORDER BY year"},
	[GT_Q_GREEN_POOL_PUT] = {"green_pool_put",
		"INSERT INTO green_pools (id, sponsor, name, currency, budget, "
		"campaigns, kinds, amount, grams, user_cap, starts, ends, idx, at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"},
	[GT_Q_GREEN_POOL_GET] = {"green_pool_get",
		"SELECT id, sponsor, name, currency, budget, campaigns, kinds, amount, "
		"grams, user_cap, starts, ends, idx, at, closed_idx, unlocked, unlocks "
		"FROM green_pools WHERE id = ?1"},
	[GT_Q_GREEN_POOLS] = {"green_pools",
		"SELECT id, sponsor, name, currency, budget, campaigns, kinds, amount, "
		"grams, user_cap, starts, ends, idx, at, closed_idx, unlocked, unlocks "
		"FROM green_pools ORDER BY idx"},
	[GT_Q_GREEN_POOL_CLOSE] = {"green_pool_close",
		"UPDATE green_pools SET closed_idx = ?2 WHERE id = ?1"},
	[GT_Q_GREEN_POOL_SPEND] = {"green_pool_spend",
		"UPDATE green_pools SET unlocked = unlocked + ?2, unlocks = unlocks + 1 "
		"WHERE id = ?1"},
	[GT_Q_GREEN_UNLOCK_PUT] = {"green_unlock_put",
		"INSERT INTO green_unlocks (idx, pool, user, campaign, amount, action, "
		"grams, donation, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
	[GT_Q_GREEN_UNLOCK_BY_ACTION] = {"green_unlock_by_action",
		"SELECT idx FROM green_unlocks WHERE pool = ?1 AND action = ?2"},
	[GT_Q_GREEN_UNLOCK_USER_SUM] = {"green_unlock_user_sum",
		"SELECT COALESCE(SUM(amount), 0) FROM green_unlocks WHERE pool = ?1 AND "
		"user = ?2"},
	[GT_Q_GREEN_UNLOCK_CAMPAIGNS] = {"green_unlock_campaigns",
		"SELECT campaign, SUM(amount), COUNT(*) FROM green_unlocks WHERE pool = "
		"?1 GROUP BY campaign ORDER BY campaign"},
	[GT_Q_GREEN_GUSER_PUT] = {"green_guser_put",
		"INSERT INTO private_green_users (id, key_hash, ref, at, updated_at) "
		"VALUES (?1, ?2, ?3, ?4, ?4)"},
	[GT_Q_GREEN_GUSER_GET] = {"green_guser_get",
		"SELECT num, id, key_hash, ref, at FROM private_green_users WHERE id = "
		"?1"},
	[GT_Q_GREEN_GUSER_BY_REF] = {"green_guser_by_ref",
		"SELECT num, id, key_hash, ref, at FROM private_green_users WHERE ref = "
		"?1"},
	[GT_Q_GREEN_GUSER_KEY] = {"green_guser_key",
		"UPDATE private_green_users SET key_hash = ?2, updated_at = ?3 WHERE id "
		"= ?1"},
	[GT_Q_GREEN_GUSER_REFS] = {"green_guser_refs",
		"SELECT ref FROM private_green_users"},
};

/* Never edit a step once released: add a new one. Each runs inside the
 * migration's transaction; the private area is every table whose name
 * begins with "private_" (rebuild keeps those, by column name). */
const char *const gt_sqlite_migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY NOT NULL,"
	" value INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"INSERT INTO meta (key, value) VALUES ('applied', 0);"

	"CREATE TABLE entries ("
	" idx INTEGER PRIMARY KEY,"
	" type TEXT NOT NULL,"
	" at TEXT NOT NULL,"
	" \"by\" TEXT NOT NULL"
	");"

	"CREATE TABLE orgs ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" name TEXT NOT NULL,"
	" roles TEXT NOT NULL,"
	" website TEXT,"
	" contact_ref TEXT,"
	" created_idx INTEGER NOT NULL,"
	" created_at TEXT NOT NULL,"
	" updated_idx INTEGER,"
	" updated_at TEXT"
	") WITHOUT ROWID;"

	"CREATE TABLE attestations ("
	" idx INTEGER PRIMARY KEY,"
	" org TEXT NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" title TEXT,"
	" at TEXT NOT NULL"
	");"
	"CREATE INDEX attestations_org ON attestations (org, idx);"
	"CREATE INDEX attestations_sha256 ON attestations (sha256, idx);"

	"CREATE TABLE private_contacts ("
	" ref TEXT PRIMARY KEY NOT NULL,"
	" name TEXT,"
	" email TEXT,"
	" phone TEXT,"
	" idx INTEGER NOT NULL"
	") WITHOUT ROWID;"

	"CREATE TABLE private_tokens ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" hash TEXT NOT NULL,"
	" org TEXT NOT NULL,"
	" role TEXT NOT NULL,"
	" label TEXT,"
	" created_at TEXT NOT NULL,"
	" revoked_at TEXT"
	") WITHOUT ROWID;"
	"CREATE INDEX private_tokens_org ON private_tokens (org, id);",

	/* 1 -> 2: traceability (products, batches, serialised packs). */
	"CREATE TABLE trace_products ("
	" gtin TEXT PRIMARY KEY NOT NULL,"
	" maker TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" form TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" cn_prefix TEXT,"
	" idx INTEGER NOT NULL,"
	" at TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE UNIQUE INDEX trace_products_cn ON trace_products (cn_prefix)"
	" WHERE cn_prefix IS NOT NULL;"
	"CREATE INDEX trace_products_maker ON trace_products (maker, gtin);"

	"CREATE TABLE trace_batches ("
	" gtin TEXT NOT NULL,"
	" lot TEXT NOT NULL,"
	" maker TEXT NOT NULL,"
	" manufactured TEXT NOT NULL,"
	" expiry TEXT NOT NULL,"
	" quantity INTEGER NOT NULL,"
	" packs INTEGER NOT NULL,"
	" idx INTEGER NOT NULL,"
	" at TEXT NOT NULL,"
	" PRIMARY KEY (gtin, lot)"
	") WITHOUT ROWID;"

	"CREATE TABLE trace_packs ("
	" gtin TEXT NOT NULL,"
	" serial TEXT NOT NULL,"
	" lot TEXT NOT NULL,"
	" idx INTEGER NOT NULL,"
	" PRIMARY KEY (gtin, serial)"
	") WITHOUT ROWID;"
	"CREATE INDEX trace_packs_lot ON trace_packs (gtin, lot, serial);",

	/* 2 -> 3: recalls. */
	"CREATE INDEX trace_batches_maker ON trace_batches (maker, manufactured);"
	"CREATE TABLE trace_recalls ("
	" idx INTEGER PRIMARY KEY,"
	" regulator TEXT NOT NULL,"
	" scope TEXT NOT NULL,"
	" gtin TEXT,"
	" lot TEXT,"
	" maker TEXT,"
	" made_from TEXT,"
	" made_to TEXT,"
	" class INTEGER NOT NULL,"
	" reason TEXT NOT NULL,"
	" effective TEXT NOT NULL,"
	" at TEXT NOT NULL,"
	" lifted_idx INTEGER,"
	" lifted_at TEXT,"
	" lift_reason TEXT"
	");"
	"CREATE INDEX trace_recalls_gtin ON trace_recalls (gtin) WHERE gtin IS NOT NULL;"
	"CREATE INDEX trace_recalls_maker ON trace_recalls (maker) WHERE maker IS NOT NULL;",

	/* 3 -> 4: custody (EPCIS events), pack states, recall notices, webhooks. */
	"ALTER TABLE trace_packs ADD COLUMN state TEXT;"
	"ALTER TABLE trace_packs ADD COLUMN state_idx INTEGER;"
	"CREATE TABLE trace_events ("
	" idx INTEGER PRIMARY KEY,"
	" event_id TEXT NOT NULL UNIQUE,"
	" type TEXT NOT NULL,"
	" event_time INTEGER NOT NULL,"
	" action TEXT,"
	" biz_step TEXT,"
	" disposition TEXT,"
	" read_point TEXT,"
	" biz_location TEXT,"
	" org TEXT NOT NULL,"
	" capture INTEGER NOT NULL,"
	" at TEXT NOT NULL,"
	" doc TEXT NOT NULL"
	");"
	"CREATE INDEX trace_events_time ON trace_events (event_time);"
	"CREATE INDEX trace_events_capture ON trace_events (capture);"
	"CREATE TABLE trace_event_epcs ("
	" epc TEXT NOT NULL,"
	" kind INTEGER NOT NULL,"
	" idx INTEGER NOT NULL,"
	" PRIMARY KEY (epc, idx, kind)"
	") WITHOUT ROWID;"
	"CREATE TABLE trace_contents ("
	" parent TEXT NOT NULL,"
	" child TEXT NOT NULL,"
	" idx INTEGER NOT NULL,"
	" removed_idx INTEGER,"
	" PRIMARY KEY (parent, child)"
	") WITHOUT ROWID;"
	"CREATE INDEX trace_contents_child ON trace_contents (child);"
	"CREATE TABLE trace_custody ("
	" gtin TEXT NOT NULL,"
	" lot TEXT NOT NULL,"
	" org TEXT NOT NULL,"
	" first_idx INTEGER NOT NULL,"
	" last_idx INTEGER NOT NULL,"
	" PRIMARY KEY (gtin, lot, org)"
	") WITHOUT ROWID;"
	"CREATE TABLE trace_notices ("
	" id INTEGER PRIMARY KEY,"
	" recall INTEGER NOT NULL,"
	" org TEXT NOT NULL,"
	" gtin TEXT NOT NULL,"
	" lot TEXT NOT NULL,"
	" idx INTEGER NOT NULL,"
	" at TEXT NOT NULL,"
	" ack_idx INTEGER,"
	" ack_action TEXT,"
	" ack_note TEXT,"
	" ack_at TEXT,"
	" UNIQUE (recall, org, gtin, lot)"
	");"
	"CREATE INDEX trace_notices_org ON trace_notices (org, id);"
	"CREATE TABLE private_webhooks ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" org TEXT NOT NULL,"
	" url TEXT NOT NULL,"
	" secret TEXT NOT NULL,"
	" created_at TEXT NOT NULL,"
	" cursor INTEGER NOT NULL,"
	" delivered INTEGER NOT NULL,"
	" failures INTEGER NOT NULL,"
	" last_status INTEGER,"
	" last_error TEXT,"
	" last_at TEXT"
	") WITHOUT ROWID;"
	"CREATE INDEX private_webhooks_org ON private_webhooks (org, id);",

	/* 4 -> 5: donations (campaigns, works, donations, disbursements, reports).
	 * A campaign's "idx" numbers it in the other tables. */
	"CREATE TABLE give_campaigns ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" org TEXT NOT NULL,"
	" title TEXT NOT NULL,"
	" description TEXT NOT NULL,"
	" beneficiary TEXT NOT NULL,"
	" beneficiary_org TEXT,"
	" category TEXT NOT NULL,"
	" goal INTEGER NOT NULL,"
	" cap INTEGER,"
	" currency TEXT NOT NULL,"
	" starts TEXT NOT NULL,"
	" ends TEXT NOT NULL,"
	" idx INTEGER NOT NULL UNIQUE,"
	" at TEXT NOT NULL,"
	" verify_status TEXT NOT NULL DEFAULT 'pending',"
	" verify_note TEXT,"
	" verify_by TEXT,"
	" verify_at TEXT,"
	" closed_idx INTEGER,"
	" closed_at TEXT,"
	" closed_reason TEXT,"
	" raised INTEGER NOT NULL DEFAULT 0,"
	" donations INTEGER NOT NULL DEFAULT 0,"
	" refunded INTEGER NOT NULL DEFAULT 0,"
	" spent INTEGER NOT NULL DEFAULT 0,"
	" cursor INTEGER NOT NULL DEFAULT 0,"
	" disbursements INTEGER NOT NULL DEFAULT 0,"
	" donors INTEGER NOT NULL DEFAULT 0,"
	" anonymous INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"CREATE TABLE give_documents ("
	" campaign TEXT NOT NULL,"
	" idx INTEGER NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" PRIMARY KEY (campaign, idx, sha256)"
	") WITHOUT ROWID;"
	"CREATE TABLE give_works ("
	" campaign TEXT NOT NULL,"
	" id TEXT NOT NULL,"
	" title TEXT NOT NULL,"
	" price INTEGER NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" edition INTEGER,"
	" sold INTEGER NOT NULL DEFAULT 0,"
	" idx INTEGER NOT NULL,"
	" at TEXT NOT NULL,"
	" PRIMARY KEY (campaign, id)"
	") WITHOUT ROWID;"
	"CREATE TABLE give_donations ("
	" campaign INTEGER NOT NULL,"
	" start INTEGER NOT NULL,"
	" idx INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" amount INTEGER NOT NULL,"
	" refunded INTEGER NOT NULL DEFAULT 0,"
	" code TEXT NOT NULL,"
	" channel TEXT NOT NULL,"
	" name TEXT,"
	" anonymous INTEGER NOT NULL,"
	" work TEXT,"
	" org TEXT NOT NULL,"
	" ref TEXT,"
	" at TEXT NOT NULL,"
	" PRIMARY KEY (campaign, start)"
	") WITHOUT ROWID;"
	"CREATE UNIQUE INDEX give_donations_idx ON give_donations (idx);"
	"CREATE UNIQUE INDEX give_donations_ref ON give_donations (org, ref) WHERE ref IS NOT NULL;"
	"CREATE INDEX give_donations_holes ON give_donations (campaign, start + amount)"
	" WHERE refunded > 0;"
	"CREATE TABLE give_donors ("
	" campaign INTEGER NOT NULL,"
	" donor INTEGER NOT NULL,"
	" PRIMARY KEY (campaign, donor)"
	") WITHOUT ROWID;"
	"CREATE TABLE give_days ("
	" campaign INTEGER NOT NULL,"
	" day TEXT NOT NULL,"
	" raised INTEGER NOT NULL,"
	" refunded INTEGER NOT NULL,"
	" spent INTEGER NOT NULL,"
	" donations INTEGER NOT NULL,"
	" PRIMARY KEY (campaign, day)"
	") WITHOUT ROWID;"
	"CREATE TABLE give_disbursements ("
	" idx INTEGER PRIMARY KEY,"
	" campaign INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" payee TEXT NOT NULL,"
	" payee_kind TEXT NOT NULL,"
	" payee_org TEXT,"
	" purpose TEXT NOT NULL,"
	" category TEXT NOT NULL,"
	" amount INTEGER NOT NULL,"
	" receipt_sha256 TEXT NOT NULL,"
	" from_pos INTEGER NOT NULL,"
	" to_pos INTEGER NOT NULL,"
	" org TEXT NOT NULL,"
	" at TEXT NOT NULL,"
	" confirm_idx INTEGER,"
	" confirm_at TEXT,"
	" confirm_note TEXT"
	");"
	"CREATE INDEX give_disbursements_campaign ON give_disbursements (campaign, to_pos);"
	"CREATE TABLE give_categories ("
	" campaign INTEGER NOT NULL,"
	" category TEXT NOT NULL,"
	" amount INTEGER NOT NULL,"
	" count INTEGER NOT NULL,"
	" PRIMARY KEY (campaign, category)"
	") WITHOUT ROWID;"
	"CREATE TABLE private_give_reports ("
	" id INTEGER PRIMARY KEY,"
	" campaign TEXT NOT NULL,"
	" reason TEXT NOT NULL,"
	" details TEXT,"
	" at TEXT NOT NULL,"
	" outcome TEXT,"
	" resolved_by TEXT,"
	" resolved_at TEXT"
	");",
	/* 5 -> 6: volunteering. */
	"CREATE TABLE vol_opportunities ("
	" num INTEGER PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" org TEXT NOT NULL,"
	" title TEXT NOT NULL,"
	" cause TEXT NOT NULL,"
	" remote INTEGER NOT NULL,"
	" lat_e6 INTEGER,"
	" lon_e6 INTEGER,"
	" data TEXT NOT NULL,"
	" at TEXT NOT NULL,"
	" closed_idx INTEGER,"
	" closed_at TEXT,"
	" rev INTEGER NOT NULL"
	");"
	"CREATE INDEX vol_opportunities_org ON vol_opportunities (org, num);"
	"CREATE INDEX vol_opportunities_rev ON vol_opportunities (rev);"
	"CREATE TABLE vol_slots ("
	" opportunity INTEGER NOT NULL,"
	" slot TEXT NOT NULL,"
	" starts TEXT NOT NULL,"
	" ends TEXT NOT NULL,"
	" capacity INTEGER NOT NULL,"
	" taken INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (opportunity, slot)"
	") WITHOUT ROWID;"
	"CREATE TABLE vol_signups ("
	" idx INTEGER PRIMARY KEY,"
	" opportunity INTEGER NOT NULL,"
	" slot TEXT NOT NULL,"
	" volunteer TEXT NOT NULL,"
	" starts TEXT NOT NULL,"
	" ends TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" at TEXT NOT NULL,"
	" decided_idx INTEGER,"
	" decided_at TEXT,"
	" note TEXT"
	");"
	"CREATE INDEX vol_signups_volunteer ON vol_signups (volunteer, starts);"
	"CREATE INDEX vol_signups_opportunity ON vol_signups (opportunity, idx);"
	"CREATE TABLE vol_sessions ("
	" idx INTEGER PRIMARY KEY,"
	" signup INTEGER NOT NULL UNIQUE,"
	" volunteer TEXT NOT NULL,"
	" opportunity INTEGER NOT NULL,"
	" org TEXT NOT NULL,"
	" starts TEXT NOT NULL,"
	" ends TEXT,"
	" minutes INTEGER,"
	" status TEXT NOT NULL,"
	" checkout_idx INTEGER,"
	" hours_idx INTEGER,"
	" hours INTEGER,"
	" note TEXT,"
	" hours_at TEXT,"
	" dispute_idx INTEGER,"
	" dispute_at TEXT,"
	" year INTEGER NOT NULL"
	");"
	"CREATE INDEX vol_sessions_volunteer ON vol_sessions (volunteer, starts);"
	"CREATE INDEX vol_sessions_org ON vol_sessions (org, idx);"
	"CREATE TABLE private_vol_volunteers ("
	" num INTEGER PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" key_hash TEXT NOT NULL,"
	" ref TEXT NOT NULL UNIQUE,"
	" name TEXT,"
	" birth_year INTEGER,"
	" profile TEXT NOT NULL,"
	" goal INTEGER NOT NULL,"
	" at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL,"
	" rev INTEGER NOT NULL"
	");"
	"CREATE INDEX private_vol_volunteers_rev ON private_vol_volunteers (rev);"
	"CREATE TABLE private_vol_disputes ("
	" id INTEGER PRIMARY KEY,"
	" session INTEGER NOT NULL,"
	" reason TEXT NOT NULL,"
	" at TEXT NOT NULL"
	");"
	"CREATE INDEX private_vol_disputes_session ON private_vol_disputes (session);",
	/* 6 -> 7: green energy, trees and sponsor pools. */
	"CREATE TABLE green_rules ("
	" kind TEXT PRIMARY KEY NOT NULL,"
	" unit TEXT NOT NULL,"
	" grams INTEGER NOT NULL,"
	" per INTEGER NOT NULL,"
	" daily_cap INTEGER NOT NULL,"
	" monthly_cap INTEGER NOT NULL,"
	" active INTEGER NOT NULL,"
	" idx INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE green_actions ("
	" day INTEGER NOT NULL,"
	" idx INTEGER NOT NULL,"
	" pos INTEGER NOT NULL,"
	" user TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" quantity INTEGER NOT NULL,"
	" grams INTEGER NOT NULL,"
	" ref TEXT NOT NULL,"
	" PRIMARY KEY (day, idx, pos)"
	") WITHOUT ROWID;"
	"CREATE TABLE green_days ("
	" day INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" grams INTEGER NOT NULL,"
	" actions INTEGER NOT NULL,"
	" PRIMARY KEY (day, kind)"
	") WITHOUT ROWID;"
	"CREATE TABLE green_collects ("
	" day INTEGER NOT NULL,"
	" user TEXT NOT NULL,"
	" grams INTEGER NOT NULL,"
	" idx INTEGER NOT NULL,"
	" PRIMARY KEY (day, user)"
	") WITHOUT ROWID;"
	"CREATE TABLE green_users ("
	" user TEXT PRIMARY KEY NOT NULL,"
	" collected INTEGER NOT NULL,"
	" spent INTEGER NOT NULL,"
	" trees INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE green_species ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" planter TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" name_zh TEXT,"
	" cost INTEGER NOT NULL,"
	" region TEXT NOT NULL,"
	" description TEXT,"
	" available INTEGER NOT NULL,"
	" idx INTEGER NOT NULL,"
	" at TEXT NOT NULL,"
	" ordered INTEGER NOT NULL DEFAULT 0,"
	" planted INTEGER NOT NULL DEFAULT 0,"
	" surviving INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"CREATE TABLE green_sites ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" planter TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" region TEXT NOT NULL,"
	" lat_e6 INTEGER NOT NULL,"
	" lon_e6 INTEGER NOT NULL,"
	" idx INTEGER NOT NULL,"
	" at TEXT NOT NULL,"
	" plantings INTEGER NOT NULL DEFAULT 0,"
	" planted INTEGER NOT NULL DEFAULT 0,"
	" surviving INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"CREATE TABLE green_trees ("
	" idx INTEGER PRIMARY KEY,"
	" user TEXT NOT NULL,"
	" species TEXT NOT NULL,"
	" planter TEXT NOT NULL,"
	" cost INTEGER NOT NULL,"
	" at TEXT NOT NULL,"
	" planting INTEGER"
	");"
	"CREATE INDEX green_trees_waiting ON green_trees (species, idx) WHERE planting IS NULL;"
	"CREATE INDEX green_trees_user ON green_trees (user, idx);"
	"CREATE TABLE green_plantings ("
	" idx INTEGER PRIMARY KEY,"
	" planter TEXT NOT NULL,"
	" site TEXT NOT NULL,"
	" species TEXT NOT NULL,"
	" count INTEGER NOT NULL,"
	" date TEXT NOT NULL,"
	" lat_e6 INTEGER NOT NULL,"
	" lon_e6 INTEGER NOT NULL,"
	" photos TEXT NOT NULL,"
	" trees TEXT NOT NULL,"
	" note TEXT,"
	" at TEXT NOT NULL,"
	" alive1 INTEGER,"
	" check1 INTEGER,"
	" alive3 INTEGER,"
	" check3 INTEGER"
	");"
	"CREATE INDEX green_plantings_site ON green_plantings (site, idx);"
	"CREATE TABLE green_checks ("
	" idx INTEGER PRIMARY KEY,"
	" planting INTEGER NOT NULL,"
	" year INTEGER NOT NULL,"
	" date TEXT NOT NULL,"
	" alive INTEGER NOT NULL,"
	" photos TEXT NOT NULL,"
	" at TEXT NOT NULL"
	");"
	"CREATE INDEX green_checks_planting ON green_checks (planting, year);"
	"CREATE TABLE green_pools ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" sponsor TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" currency TEXT NOT NULL,"
	" budget INTEGER NOT NULL,"
	" campaigns TEXT NOT NULL,"
	" kinds TEXT,"
	" amount INTEGER NOT NULL,"
	" grams INTEGER,"
	" user_cap INTEGER,"
	" starts TEXT,"
	" ends TEXT,"
	" idx INTEGER NOT NULL,"
	" at TEXT NOT NULL,"
	" closed_idx INTEGER,"
	" unlocked INTEGER NOT NULL DEFAULT 0,"
	" unlocks INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"CREATE TABLE green_unlocks ("
	" idx INTEGER PRIMARY KEY,"
	" pool TEXT NOT NULL,"
	" user TEXT NOT NULL,"
	" campaign TEXT NOT NULL,"
	" amount INTEGER NOT NULL,"
	" action TEXT,"
	" grams INTEGER,"
	" donation INTEGER NOT NULL,"
	" at TEXT NOT NULL"
	");"
	"CREATE UNIQUE INDEX green_unlocks_action ON green_unlocks (pool, action)"
	" WHERE action IS NOT NULL;"
	"CREATE INDEX green_unlocks_user ON green_unlocks (pool, user);"
	"CREATE INDEX green_unlocks_campaign ON green_unlocks (pool, campaign);"
	"CREATE TABLE green_sums ("
	" name TEXT PRIMARY KEY NOT NULL,"
	" value INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE private_green_users ("
	" num INTEGER PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" key_hash TEXT NOT NULL,"
	" ref TEXT NOT NULL UNIQUE,"
	" at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL"
	");",
};

const int gt_sqlite_schema_version =
	(int)(sizeof(gt_sqlite_migrations) / sizeof(gt_sqlite_migrations[0]));
