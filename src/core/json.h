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
/* An identifier: 1 to max of [a-z0-9-], not starting with '-' (required, or
 * absent/null leaving *ret untouched). */
int gt_json_slug(const json_t *in, const char *key, size_t max, bool required, const char **ret,
		 gt_error *err);
/* obj[key], a number of degrees within +-limit, as millionths into *ret; the
 * message names it "<where>.<key>" (where may be NULL). */
int gt_json_degrees(const json_t *obj, const char *where, const char *key, double limit,
		    int32_t *ret, gt_error *err);
/* Fail with GT_EINVAL naming the first key of obj not in the NULL-ended list. */
int gt_json_only(const json_t *obj, const char *const *allowed, gt_error *err);

/* Append s[n] as a JSON string: quotes around it, '"' and '\\' escaped,
 * control bytes as \n, \t, ... or \u00XX, everything else (UTF-8) as it is.
 * 0 or GT_ENOMEM. */
int gt_json_add_string(gt_buf *out, const char *s, size_t n);

/* A JSON text writer, straight into a buffer: for answers on hot paths,
 * without building a tree of json_t first. A value goes after the key just
 * written in an object, or as the next member of an array; commas are the
 * writer's business. Running out of memory is remembered: check once at the
 * end with gt_jw_error. The caller keeps the nesting right (the writer does
 * not check it). Keys are escaped like any string. */
typedef struct gt_jw {
	gt_buf *out;
	int rc;	    /* 0, or GT_ENOMEM once anything failed */
	bool comma; /* the next member needs a comma before it */
} gt_jw;

void gt_jw_init(gt_jw *w, gt_buf *out);
void gt_jw_obj(gt_jw *w); /* { */
void gt_jw_arr(gt_jw *w); /* [ */
void gt_jw_end(gt_jw *w, char close); /* } or ] */
void gt_jw_key(gt_jw *w, const char *key);
void gt_jw_str(gt_jw *w, const char *s);
void gt_jw_strn(gt_jw *w, const char *s, size_t n);
/* s, or null when s is NULL. */
void gt_jw_str_or_null(gt_jw *w, const char *s);
void gt_jw_int(gt_jw *w, int64_t v);
void gt_jw_bool(gt_jw *w, bool v);
void gt_jw_null(gt_jw *w);
/* text[n], already a JSON value (copied as it is). */
void gt_jw_raw(gt_jw *w, const char *text, size_t n);
/* text[n]: members ("key":value,...) already written, appended to the
 * object w is in. */
void gt_jw_members(gt_jw *w, const char *text, size_t n);
/* A jansson value, encoded compactly (keys in their order). */
void gt_jw_value(gt_jw *w, const json_t *v);
/* key, then a string value: the common case. */
void gt_jw_kstr(gt_jw *w, const char *key, const char *s);
void gt_jw_kint(gt_jw *w, const char *key, int64_t v);
/* 0, or GT_ENOMEM if anything written failed. */
int gt_jw_error(const gt_jw *w);

#endif
