/* The auth module: organisations (public, on the log), tokens (private
 * only) and attestations (an organisation publishes a document's hash). */
#include "auth/auth_int.h"

#include "core/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_URL_MAX 200
#define S_CONTACT_MAX 200
#define S_KIND_MAX 32
#define S_TITLE_MAX 200

/* ---- helpers ----------------------------------------------------------------- */

/* Organisation id's row (the columns of GT_Q_ORG_GET): 0 with *ret on the
 * row, for the caller to close; or an error (GT_ENOTFOUND) and nothing open. */
static int S_org_row(gt_store_conn *c, const char *id, gt_stmt **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_ORG_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		*ret = st;
		return 0;
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no organisation \"%.40s\"", id);
}

int gt_org_load(gt_store_conn *c, const char *id, gt_org_info *out, gt_error *err)
{
	gt_stmt *st;
	int rc = S_org_row(c, id, &st, err);
	if (rc < 0)
		return rc;
	snprintf(out->id, sizeof(out->id), "%s", gt_stmt_text(st, 0, NULL));
	snprintf(out->roles, sizeof(out->roles), "%s", gt_stmt_text(st, 2, NULL));
	gt_stmt_close(st);
	return 0;
}

bool gt_org_has_role(const gt_org_info *o, const char *role)
{
	size_t n = strlen(role);
	for (const char *p = o->roles; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, role, n) == 0)
			return true;
		p += len + (e ? 1 : 0);
	}
	return false;
}

static bool S_org_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > GT_ORG_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
		if (!ok)
			return false;
	}
	return true;
}

/* Whether the caller is an administrator (or the system itself). */
static bool S_is_admin(gt_decide *d)
{
	return !gt_decide_org(d) || strcmp(gt_decide_role(d), "admin") == 0;
}

/* Roles from a JSON array: valid, distinct, non-empty; joined sorted into out. */
static int S_roles(const json_t *arr, char out[GT_ROLES_TEXT_MAX], json_t **ret_sorted,
		   gt_error *err)
{
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return gt_fail(err, GT_EINVAL, "roles must be a non-empty array of roles");
	bool seen[16] = {0};
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *r = json_string_value(v);
		size_t k = 0;
		while (r && gt_roles[k] && strcmp(gt_roles[k], r) != 0)
			k++;
		if (!r || !gt_roles[k])
			return gt_fail(err, GT_EINVAL,
				       "roles[%zu] is not a role (regulator, manufacturer, "
				       "distributor, clinic, charity, ngo, sponsor, planter, "
				       "publisher, processor, admin)",
				       i);
		if (seen[k])
			return gt_fail(err, GT_EINVAL, "roles lists %s twice", r);
		seen[k] = true;
	}
	/* Sorted by name, so that the same set always reads the same. */
	const char *names[16];
	size_t n = 0;
	for (size_t k = 0; gt_roles[k]; k++)
		if (seen[k])
			names[n++] = gt_roles[k];
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
			const char *t = names[b];
			names[b] = names[b - 1];
			names[b - 1] = t;
		}
	json_t *sorted = json_array();
	out[0] = 0;
	for (size_t k = 0; k < n; k++) {
		strcat(out, k ? "," : "");
		strcat(out, names[k]);
		json_array_append_new(sorted, json_string(names[k]));
	}
	*ret_sorted = sorted;
	return 0;
}

static int S_website(const json_t *in, const char **ret, gt_error *err)
{
	int rc = gt_json_text(in, "website", S_URL_MAX, false, ret, err);
	if (rc == 0 && *ret && strncmp(*ret, "https://", 8) != 0 &&
	    strncmp(*ret, "http://", 7) != 0)
		rc = gt_fail(err, GT_EINVAL, "website must be an http:// or https:// address");
	return rc;
}

/* A contact: personal details kept in the private area; the entry gets
 * only its pseudonymous reference. */
static int S_contact(gt_decide *d, const json_t *in, char ref[GT_PSEUDO_LEN + 1], gt_error *err)
{
	static const char *const keys[] = {"name", "email", "phone", NULL};
	const json_t *c = json_object_get(in, "contact");
	ref[0] = 0;
	if (!c || json_is_null(c))
		return 0;
	if (!json_is_object(c))
		return gt_fail(err, GT_EINVAL, "contact must be an object {name, email, phone}");
	int rc = gt_json_only(c, keys, err);
	const char *name = NULL, *email = NULL, *phone = NULL;
	if (rc == 0)
		rc = gt_json_text(c, "name", S_CONTACT_MAX, false, &name, err);
	if (rc == 0)
		rc = gt_json_text(c, "email", S_CONTACT_MAX, false, &email, err);
	if (rc == 0)
		rc = gt_json_text(c, "phone", S_CONTACT_MAX, false, &phone, err);
	if (rc < 0)
		return rc;
	/* An empty field is an absent one. */
	if (name && !*name)
		name = NULL;
	if (email && !*email)
		email = NULL;
	if (phone && !*phone)
		phone = NULL;
	if (email && !strchr(email, '@'))
		return gt_fail(err, GT_EINVAL, "contact.email is not an e-mail address");
	const char *ident = email ? email : phone ? phone : name;
	if (!ident)
		return gt_fail(err, GT_EINVAL, "contact needs a name, an email or a phone");
	gt_decide_pseudonym(d, "contact", ident, ref);
	if (!ref[0])
		return gt_fail(err, GT_EINVAL, "contact details must not be blank");
	int64_t r = gt_store_exec(gt_decide_conn(d), GT_Q_PRIV_CONTACT_PUT, err, "tttti", ref, name,
				  email, phone, (int64_t)gt_decide_next_index(d));
	return r < 0 ? (int)r : 0;
}

/* ---- auth.org -------------------------------------------------------------------- */

static int S_org_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id", "name", "roles", "website", "contact", NULL};
	const char *id, *name, *website = NULL;
	char roles[GT_ROLES_TEXT_MAX], ref[GT_PSEUDO_LEN + 1];
	json_t *sorted = NULL, *data = NULL;
	if (!S_is_admin(d))
		return gt_fail(err, GT_EDENIED, "only administrators create organisations");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "id", 2, GT_ORG_ID_MAX, &id, err);
	if (rc == 0 && !S_org_id_ok(id))
		rc = gt_fail(
			err, GT_EINVAL,
			"id must be 2 to 40 characters of a-z, 0-9 and '-', not starting with '-'");
	if (rc == 0)
		rc = gt_json_text(in, "name", GT_ORG_NAME_MAX, true, &name, err);
	if (rc == 0)
		rc = S_roles(json_object_get(in, "roles"), roles, &sorted, err);
	if (rc == 0)
		rc = S_website(in, &website, err);
	if (rc < 0)
		goto out;
	gt_org_info o;
	gt_error nf;
	rc = gt_org_load(gt_decide_conn(d), id, &o, &nf);
	if (rc == 0) {
		rc = gt_fail(err, GT_EEXIST, "organisation \"%s\" already exists", id);
		goto out;
	}
	if (rc != GT_ENOTFOUND) {
		*err = nf;
		goto out;
	}
	rc = S_contact(d, in, ref, err);
	if (rc < 0)
		goto out;
	data = json_pack("{s:s, s:s, s:O}", "id", id, "name", name, "roles", sorted);
	if (website)
		json_object_set_new(data, "website", json_string(website));
	if (ref[0])
		json_object_set_new(data, "contact_ref", json_string(ref));
	gt_decide_reply(d, json_pack("{s:O}", "org", data));
	rc = gt_decide_emit(d, "auth.org", data, NULL, err);
out:
	json_decref(sorted);
	return rc;
}

/* Text of an optional string member, or NULL. */
static const char *S_opt(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The "roles" array of an entry as the store keeps it: "a,b". */
static int S_roles_text(const gt_entry *e, char out[GT_ROLES_TEXT_MAX], gt_error *err)
{
	size_t i, n = 0;
	json_t *v;
	out[0] = 0;
	json_array_foreach(json_object_get(e->data, "roles"), i, v)
	{
		const char *r = json_string_value(v);
		size_t len = r ? strlen(r) : 0;
		if (!r || n + len + 2 > GT_ROLES_TEXT_MAX)
			return gt_fail(err, GT_EINVAL, "entry %llu: bad roles",
				       (unsigned long long)e->index);
		if (i)
			out[n++] = ',';
		memcpy(out + n, r, len + 1);
		n += len;
	}
	return 0;
}

static int S_org_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	char roles[GT_ROLES_TEXT_MAX];
	int rc = S_roles_text(e, roles, err);
	if (rc < 0)
		return rc;
	int64_t r = gt_store_exec(c, GT_Q_ORG_PUT, err, "tttttit", S_opt(e->data, "id"),
				  S_opt(e->data, "name"), roles, S_opt(e->data, "website"),
				  S_opt(e->data, "contact_ref"), (int64_t)e->index, e->at);
	return r < 0 ? (int)r : 0;
}

/* ---- auth.org.update ---------------------------------------------------------------- */

static int S_update_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id", "name", "website", "contact", "roles", NULL};
	const char *id, *name = NULL, *website = NULL;
	char roles[GT_ROLES_TEXT_MAX], ref[GT_PSEUDO_LEN + 1];
	json_t *sorted = NULL;
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "id", 1, GT_ORG_ID_MAX, &id, err);
	if (rc < 0)
		return rc;
	gt_org_info o;
	rc = gt_org_load(gt_decide_conn(d), id, &o, err);
	if (rc < 0)
		return rc;
	if (!S_is_admin(d) && strcmp(gt_decide_org(d), id) != 0)
		return gt_fail(err, GT_EDENIED, "organisation %s may only change itself, not %s",
			       gt_decide_org(d), id);
	if (json_object_get(in, "roles") && !S_is_admin(d))
		return gt_fail(err, GT_EDENIED,
			       "only administrators change an organisation's roles");
	rc = gt_json_text(in, "name", GT_ORG_NAME_MAX, false, &name, err);
	if (rc == 0)
		rc = S_website(in, &website, err);
	if (rc == 0 && json_object_get(in, "roles"))
		rc = S_roles(json_object_get(in, "roles"), roles, &sorted, err);
	if (rc == 0)
		rc = S_contact(d, in, ref, err);
	if (rc < 0)
		goto out;
	if (!name && !website && !sorted && !ref[0]) {
		rc = gt_fail(err, GT_EINVAL,
			     "nothing to change: give name, website, contact or roles");
		goto out;
	}
	json_t *data = json_pack("{s:s}", "id", id);
	if (name)
		json_object_set_new(data, "name", json_string(name));
	if (website)
		json_object_set_new(data, "website", json_string(website));
	if (sorted)
		json_object_set(data, "roles", sorted);
	if (ref[0])
		json_object_set_new(data, "contact_ref", json_string(ref));
	gt_decide_reply(d, json_pack("{s:O}", "changed", data));
	rc = gt_decide_emit(d, "auth.org.update", data, NULL, err);
out:
	json_decref(sorted);
	return rc;
}

static int S_update_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const char *id = S_opt(e->data, "id");
	gt_stmt *st;
	int rc = S_org_row(c, id, &st, err);
	if (rc < 0)
		return rc;
	char *name =
		strdup(S_opt(e->data, "name") ? S_opt(e->data, "name") : gt_stmt_text(st, 1, NULL));
	char *web = S_opt(e->data, "website") ? strdup(S_opt(e->data, "website")) :
		    gt_stmt_is_null(st, 3)    ? NULL :
						strdup(gt_stmt_text(st, 3, NULL));
	char *ref = S_opt(e->data, "contact_ref") ? strdup(S_opt(e->data, "contact_ref")) :
		    gt_stmt_is_null(st, 4)	  ? NULL :
						    strdup(gt_stmt_text(st, 4, NULL));
	gt_stmt_close(st);
	int64_t r = gt_store_exec(c, GT_Q_ORG_UPDATE, err, "ttttit", id, name, web, ref,
				  (int64_t)e->index, e->at);
	if (r >= 0 && json_object_get(e->data, "roles")) {
		char roles[GT_ROLES_TEXT_MAX];
		r = S_roles_text(e, roles, err);
		if (r >= 0)
			r = gt_store_exec(c, GT_Q_ORG_SET_ROLES, err, "ttit", id, roles,
					  (int64_t)e->index, e->at);
	}
	free(name);
	free(web);
	free(ref);
	return r < 0 ? (int)r : 0;
}

/* ---- tokens (private only: no entry) ------------------------------------------------ */

static int S_token_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"org", "role", "label", NULL};
	const char *org, *role, *label = NULL;
	if (!S_is_admin(d))
		return gt_fail(err, GT_EDENIED, "only administrators create tokens");
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "org", 1, GT_ORG_ID_MAX, &org, err);
	if (rc == 0)
		rc = gt_json_str(in, "role", 1, GT_ROLE_MAX, &role, err);
	if (rc == 0)
		rc = gt_json_text(in, "label", GT_LABEL_MAX, false, &label, err);
	if (rc < 0)
		return rc;
	char token[GT_TOKEN_LEN + 1], id[GT_TOKEN_ID_LEN + 1];
	rc = gt_auth_token_create(gt_decide_conn(d), org, role, label, gt_decide_at(d), token, id,
				  err);
	if (rc < 0)
		return rc;
	gt_decide_reply(d, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "token", token, "org",
				     org, "role", role, "created_at", gt_decide_at(d)));
	memset(token, 0, sizeof(token));
	return 0;
}

static int S_revoke_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"id", NULL};
	const char *id;
	int rc = gt_json_only(in, keys, err);
	if (rc == 0)
		rc = gt_json_str(in, "id", 1, GT_TOKEN_ID_LEN, &id, err);
	if (rc < 0)
		return rc;
	gt_store_conn *c = gt_decide_conn(d);
	gt_stmt *st;
	rc = gt_stmt_open(c, GT_Q_TOKEN_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 0)
		rc = gt_fail(err, GT_ENOTFOUND, "no token \"%.16s\"", id);
	else if (rc == 1 && !S_is_admin(d) &&
		 strcmp(gt_stmt_text(st, 1, NULL), gt_decide_org(d)) != 0)
		rc = gt_fail(err, GT_EDENIED, "token %s belongs to another organisation", id);
	else if (rc == 1 && !gt_stmt_is_null(st, 5))
		rc = gt_fail(err, GT_ESTATE, "token %s was already revoked at %s", id,
			     gt_stmt_text(st, 5, NULL));
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	int64_t r = gt_store_exec(c, GT_Q_TOKEN_REVOKE, err, "tt", id, gt_decide_at(d));
	if (r < 0)
		return (int)r;
	gt_decide_reply(d, json_pack("{s:s, s:s}", "id", id, "revoked_at", gt_decide_at(d)));
	return 0;
}

/* ---- org.attest ----------------------------------------------------------------------- */

static bool S_sha_ok(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static bool S_kind_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

/* One attestation item; where names it in messages ("" or "items[3]: "). */
static int S_attest_one(gt_decide *d, const json_t *in, const char *where, gt_error *err)
{
	static const char *const keys[] = {"sha256", "kind", "title", NULL};
	const char *sha, *kind, *title = NULL;
	gt_error e = {0};
	int rc = json_is_object(in) ? gt_json_only(in, keys, &e) :
				      gt_fail(&e, GT_EINVAL, "expected an object");
	if (rc == 0)
		rc = gt_json_str(in, "sha256", 64, 64, &sha, &e);
	if (rc == 0 && !S_sha_ok(sha))
		rc = gt_fail(&e, GT_EINVAL, "sha256 must be 64 lower-case hex digits");
	if (rc == 0)
		rc = gt_json_str(in, "kind", 1, S_KIND_MAX, &kind, &e);
	if (rc == 0 && !S_kind_ok(kind))
		rc = gt_fail(&e, GT_EINVAL, "kind must be lower-case letters, digits and '-'");
	if (rc == 0)
		rc = gt_json_text(in, "title", S_TITLE_MAX, false, &title, &e);
	if (rc < 0)
		return gt_fail(err, rc, "%s%s", where, e.msg);
	json_t *data = json_pack("{s:s, s:s}", "sha256", sha, "kind", kind);
	if (title)
		json_object_set_new(data, "title", json_string(title));
	return gt_decide_emit(d, "org.attest", data, NULL, err);
}

static int S_attest_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "attestations are made by organisations");
	uint64_t first = gt_decide_next_index(d);
	const json_t *items = json_object_get(in, "items");
	if (!items) {
		int rc = S_attest_one(d, in, "", err);
		if (rc == 0)
			gt_decide_reply(d, json_pack("{s:I}", "index", (json_int_t)first));
		return rc;
	}
	if (json_object_size(in) != 1 || !json_is_array(items) || json_array_size(items) == 0)
		return gt_fail(err, GT_EINVAL, "items must be a non-empty array of attestations");
	if (json_array_size(items) > GT_ATTEST_BATCH_MAX)
		return gt_fail(err, GT_ETOOBIG, "a batch holds at most %d attestations, not %zu",
			       GT_ATTEST_BATCH_MAX, json_array_size(items));
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v)
	{
		char where[32];
		snprintf(where, sizeof(where), "items[%zu]: ", i);
		int rc = S_attest_one(d, v, where, err);
		if (rc < 0)
			return rc;
	}
	gt_decide_reply(d, json_pack("{s:I, s:I}", "first", (json_int_t)first, "count",
				     (json_int_t)json_array_size(items)));
	return 0;
}

static int S_attest_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const char *org = gt_entry_org(e);
	int64_t r = gt_store_exec(c, GT_Q_ATTEST_PUT, err, "ittttt", (int64_t)e->index, org,
				  S_opt(e->data, "sha256"), S_opt(e->data, "kind"),
				  S_opt(e->data, "title"), e->at);
	return r < 0 ? (int)r : 0;
}

static const gt_entry_type S_types[] = {
	{"auth.org", S_org_decide, S_org_apply},
	{"auth.org.update", S_update_decide, S_update_apply},
	{"auth.token", S_token_decide, NULL},
	{"auth.token.revoke", S_revoke_decide, NULL},
	{"org.attest", S_attest_decide, S_attest_apply},
};

const gt_module gt_auth_module = {"auth", S_types, sizeof(S_types) / sizeof(S_types[0])};
