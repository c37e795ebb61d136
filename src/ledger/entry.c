/* Entries: the canonical envelope, its parser, the type registry and the
 * apply step shared by the sequencer and replay. */
#include "ledger/ledger_int.h"

#include "core/json.h"
#include "core/time.h"

#include <string.h>

const gt_entry_type *gt_registry_find(const gt_module *const *modules, size_t nmodules,
				      const char *type)
{
	for (size_t m = 0; m < nmodules; m++)
		for (size_t i = 0; i < modules[m]->ntypes; i++)
			if (strcmp(modules[m]->types[i].type, type) == 0)
				return &modules[m]->types[i];
	return NULL;
}

/* A type name: lower-case words of [a-z0-9_] separated by dots. */
static bool S_type_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > GT_TYPE_MAX || t[0] == '.' || t[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (c == '.' ? t[i + 1] == '.' :
			       !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

int gt_registry_check(const gt_module *const *modules, size_t nmodules, gt_error *err)
{
	for (size_t m = 0; m < nmodules; m++)
		for (size_t i = 0; i < modules[m]->ntypes; i++) {
			const char *t = modules[m]->types[i].type;
			if (!S_type_ok(t))
				return gt_fail(err, GT_EINVAL,
					       "module %s: bad entry type name \"%s\"",
					       modules[m]->name, t);
			if (gt_registry_find(modules, nmodules, t) != &modules[m]->types[i])
				return gt_fail(err, GT_EEXIST, "entry type %s is registered twice",
					       t);
		}
	return 0;
}

int gt_entry_build(const char *type, const char *at, const char *by, const json_t *data,
		   gt_buf *out, gt_error *err)
{
	if (!json_is_object(data))
		return gt_fail(err, GT_EINVAL, "an entry's data must be a JSON object");
	json_t *env = json_pack("{s:i, s:s, s:s, s:s, s:O}", "v", GT_ENTRY_VERSION, "type", type,
				"at", at, "by", by, "data", data);
	if (!env)
		return gt_fail(err, GT_ENOMEM, "cannot build the entry envelope");
	size_t before = out->len;
	int rc = gt_json_canonical(env, out, err);
	json_decref(env);
	if (rc < 0)
		return rc;
	if (out->len - before > GT_ENTRY_MAX) {
		size_t n = out->len - before;
		out->len = before;
		out->data[before] = 0;
		return gt_fail(err, GT_ETOOBIG,
			       "the entry would be %zu bytes, over the limit of %d", n,
			       GT_ENTRY_MAX);
	}
	return 0;
}

int gt_entry_parse(const uint8_t *data, size_t len, uint64_t index, json_t **ret_root, gt_entry *e,
		   gt_error *err)
{
	json_t *root = NULL;
	gt_error perr = {0};
	int rc = gt_json_parse(data, len, NULL, &root, NULL, &perr);
	if (rc < 0)
		return gt_fail(err, GT_ECORRUPT, "entry %llu is not JSON: %s",
			       (unsigned long long)index, perr.msg);
	json_t *v = json_object_get(root, "v"), *type = json_object_get(root, "type"),
	       *at = json_object_get(root, "at"), *by = json_object_get(root, "by"),
	       *d = json_object_get(root, "data");
	int64_t ms;
	if (!json_is_object(root) || json_object_size(root) != 5 || !json_is_integer(v) ||
	    json_integer_value(v) != GT_ENTRY_VERSION || !json_is_string(type) ||
	    !json_is_string(at) || gt_time_parse(json_string_value(at), &ms) < 0 ||
	    !json_is_string(by) || !json_is_object(d)) {
		json_decref(root);
		return gt_fail(err, GT_ECORRUPT,
			       "entry %llu is not a version-%d envelope "
			       "{\"at\",\"by\",\"data\",\"type\",\"v\"}",
			       (unsigned long long)index, GT_ENTRY_VERSION);
	}
	/* The bytes must be the canonical form, so that every reader hashes
	 * and reads the same thing. */
	gt_buf canon = GT_BUF_INIT;
	rc = gt_json_canonical(root, &canon, NULL);
	bool same = rc == 0 && canon.len == len && memcmp(canon.data, data, len) == 0;
	gt_buf_done(&canon);
	if (!same) {
		json_decref(root);
		return gt_fail(err, GT_ECORRUPT, "entry %llu is not in canonical JSON form",
			       (unsigned long long)index);
	}
	*e = (gt_entry){.index = index,
			.type = json_string_value(type),
			.at = json_string_value(at),
			.by = json_string_value(by),
			.data = d};
	*ret_root = root;
	return 0;
}

int gt_entry_apply(gt_store_conn *c, const gt_module *const *modules, size_t nmodules,
		   const gt_entry *e, gt_error *err)
{
	const gt_entry_type *t = gt_registry_find(modules, nmodules, e->type);
	if (!t)
		return gt_fail(err, GT_ECORRUPT, "entry %llu has an unknown type \"%.64s\"",
			       (unsigned long long)e->index, e->type);
	int64_t r = gt_store_exec(c, GT_Q_ENTRY_PUT, err, "ittt", (int64_t)e->index, e->type, e->at,
				  e->by);
	if (r < 0)
		return (int)r;
	if (t->apply) {
		int rc = t->apply(c, e, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const char *gt_entry_org(const gt_entry *e)
{
	return strncmp(e->by, "org:", 4) == 0 ? e->by + 4 : e->by;
}
