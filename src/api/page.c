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

enum MHD_Result gt_api_list(gt_req *r, gt_query q, const gt_api_arg *args, size_t n, uint64_t limit,
			    json_t *(*row)(gt_stmt *st), const char *key, const char *name,
			    const char *next_name)
{
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	int rc = gt_store_reader(r->api->store, &c, &err);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	json_t *list, *next;
	rc = gt_stmt_open(c, q, &st, &err);
	if (rc == 0) {
		for (size_t i = 0; i < n; i++) {
			int pos = (int)i + 1;
			if (args[i].is_int)
				gt_stmt_bind_i64(st, pos, args[i].i);
			else if (args[i].text)
				gt_stmt_bind_text(st, pos, args[i].text, (size_t)-1);
			else
				gt_stmt_bind_null(st, pos);
		}
		gt_stmt_bind_i64(st, (int)n + 1, (int64_t)limit + 1);
		rc = gt_api_page(st, limit, row, key, &list, &next, &err);
		gt_stmt_close(st);
	}
	gt_store_reader_done(c);
	if (rc < 0)
		return gt_api_problem_code(r, rc, err.msg);
	return gt_api_json(r, MHD_HTTP_OK, json_pack("{s:o, s:o}", name, list, next_name, next));
}
