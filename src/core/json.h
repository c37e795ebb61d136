/* JSON helpers on jansson: canonical encoding for log entries, and parsing
 * of untrusted input under limits.
 *
 * Ownership follows jansson: functions that return a json_t * return a new
 * reference the caller releases with json_decref; json_t * arguments are
 * borrowed unless a comment says "stolen". */
#ifndef GT_CORE_JSON_H
#define GT_CORE_JSON_H

#include "core/buf.h"
#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on untrusted JSON. A zero field means "no limit" for that field. */
typedef struct gt_json_limits {
	size_t max_bytes;  /* whole document */
	size_t max_depth;  /* nesting of arrays and objects; 1 = a flat object */
	size_t max_string; /* bytes in any string or object key */
	size_t max_items;  /* members of any one array or object */
} gt_json_limits;

/* What was over a limit (set with GT_ETOOBIG) for callers that answer with
 * a precise error type. */
enum gt_json_over {
	GT_JSON_OVER_NONE = 0,
	GT_JSON_OVER_BYTES,
	GT_JSON_OVER_DEPTH,
	GT_JSON_OVER_STRING,
	GT_JSON_OVER_ITEMS,
};

/* Parse text[len] as one JSON value (UTF-8, no trailing garbage, no NUL
 * bytes in strings, no duplicate keys). GT_EINVAL with the position for
 * malformed JSON; GT_ETOOBIG naming the limit when over one (and *over
 * set, if given). Real numbers are accepted here (callers decide). */
int gt_json_parse(const void *text, size_t len, const gt_json_limits *lim, json_t **ret,
		  enum gt_json_over *over, gt_error *err);

/* Canonical form: object keys sorted by bytes, no insignificant white
 * space, UTF-8 (not \u-escaped), integers only. GT_EINVAL if v holds a
 * real number. Appended to out. */
int gt_json_canonical(const json_t *v, gt_buf *out, gt_error *err);

/* Whether v contains a real (non-integer) number anywhere. */
bool gt_json_has_real(const json_t *v);

/* Field access for decide functions: each returns 0 and sets *ret, or
 * GT_EINVAL with a message naming the field ("name must be a string of 1 to
 * 200 characters"). Optional getters leave *ret untouched (NULL / the
 * default) when the field is absent or null. Lengths count bytes. */
int gt_json_str(const json_t *obj, const char *key, size_t min, size_t max, const char **ret,
		gt_error *err);
int gt_json_str_opt(const json_t *obj, const char *key, size_t max, const char **ret,
		    gt_error *err);
int gt_json_int(const json_t *obj, const char *key, int64_t min, int64_t max, int64_t *ret,
		gt_error *err);
/* A display text: 1 to max bytes, no control characters (required, or
 * absent/null leaving *ret untouched). */
int gt_json_text(const json_t *obj, const char *key, size_t max, bool required, const char **ret,
		 gt_error *err);
/* Fail with GT_EINVAL naming the first key of obj not in the NULL-ended list. */
int gt_json_only(const json_t *obj, const char *const *allowed, gt_error *err);

#endif
