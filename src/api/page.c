/* Pages of rows: a query's rows as a JSON list, and the key to the next page. */
#include "api/api_int.h"

int gt_api_page(gt_stmt *st, uint64_t limit, json_t *(*row)(gt_stmt *st), const char *key,
		json_t **ret_list, json_t **ret_next, gt_error *err)
{
	json_t *list = json_array(), *next = json_null();
	int rc;
	if (!list)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	while ((rc = gt_stmt_step(st, err)) == 1) {
		if (json_array_size(list) == limit) {
			json_t *last = json_array_get(list, limit - 1);
			next = json_incref(json_object_get(last, key));
			rc = 0;
			break;
		}
		json_t *v = row(st);
		if (!v || json_array_append_new(list, v) < 0) {
			rc = gt_fail(err, GT_ENOMEM, "out of memory");
			break;
		}
	}
	if (rc < 0 || !next) {
		json_decref(list);
		json_decref(next);
		return rc < 0 ? rc : gt_fail(err, GT_ENOMEM, "out of memory");
	}
	*ret_list = list;
	*ret_next = next;
	return 0;
}
