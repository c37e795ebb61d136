/* JSON on jansson: canonical encoding and parsing under limits.
 * Every json_t * returned is a new reference; arguments are borrowed. */
#include "core/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Walk v checking the limits; depth is v's own nesting level (1 for a
 * container at the top). */
static int S_check(const json_t *v, size_t depth, const gt_json_limits *lim,
		   enum gt_json_over *over, gt_error *err)
{
	if (json_is_string(v)) {
		if (lim->max_string && json_string_length(v) > lim->max_string) {
			*over = GT_JSON_OVER_STRING;
			return gt_fail(err, GT_ETOOBIG,
				       "a string is %zu bytes long, over the limit of %zu",
				       json_string_length(v), lim->max_string);
		}
		return 0;
	}
	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	if (lim->max_depth && depth > lim->max_depth) {
		*over = GT_JSON_OVER_DEPTH;
		return gt_fail(err, GT_ETOOBIG, "JSON nested deeper than the limit of %zu",
			       lim->max_depth);
	}
	size_t n = json_is_object(v) ? json_object_size(v) : json_array_size(v);
	if (lim->max_items && n > lim->max_items) {
		*over = GT_JSON_OVER_ITEMS;
		return gt_fail(err, GT_ETOOBIG, "%s of %zu members, over the limit of %zu",
			       json_is_object(v) ? "an object" : "an array", n, lim->max_items);
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			int rc = S_check(x, depth + 1, lim, over, err);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
	{
		if (lim->max_string && strlen(k) > lim->max_string) {
			*over = GT_JSON_OVER_STRING;
			return gt_fail(err, GT_ETOOBIG,
				       "an object key is %zu bytes long, over the limit of %zu",
				       strlen(k), lim->max_string);
		}
		int rc = S_check(x, depth + 1, lim, over, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int gt_json_parse(const void *text, size_t len, const gt_json_limits *lim, json_t **ret,
		  enum gt_json_over *over, gt_error *err)
{
	static const gt_json_limits none = {0};
	enum gt_json_over dummy;
	if (!lim)
		lim = &none;
	if (!over)
		over = &dummy;
	*over = GT_JSON_OVER_NONE;
	if (lim->max_bytes && len > lim->max_bytes) {
		*over = GT_JSON_OVER_BYTES;
		return gt_fail(err, GT_ETOOBIG, "JSON of %zu bytes, over the limit of %zu", len,
			       lim->max_bytes);
	}
	json_error_t je;
	json_t *v = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		if (json_error_code(&je) == json_error_out_of_memory)
			return gt_fail(err, GT_ENOMEM, "out of memory parsing JSON");
		return gt_fail(err, GT_EINVAL, "invalid JSON at line %d, column %d: %s", je.line,
			       je.column, je.text);
	}
	int rc = S_check(v, 1, lim, over, err);
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*ret = v;
	return 0;
}

bool gt_json_has_real(const json_t *v)
{
	if (json_is_real(v))
		return true;
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) if (gt_json_has_real(x)) return true;
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) if (gt_json_has_real(x)) return true;
	}
	return false;
}

int gt_json_canonical(const json_t *v, gt_buf *out, gt_error *err)
{
	if (gt_json_has_real(v))
		return gt_fail(err, GT_EINVAL, "numbers must be integers");
	const size_t flags = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY;
	/* Straight into the buffer: try the room there is, then exactly the
	 * size jansson asked for. */
	for (size_t want = 256;;) {
		if (gt_buf_reserve(out, want) < 0)
			return gt_fail(err, GT_ENOMEM, "cannot encode JSON");
		size_t room = out->cap - out->len - 1;
		size_t n = json_dumpb(v, (char *)out->data + out->len, room, flags);
		if (n == 0)
			return gt_fail(err, GT_ENOMEM, "cannot encode JSON");
		if (n <= room) {
			out->len += n;
			out->data[out->len] = 0;
			return 0;
		}
		want = n;
	}
}

int gt_json_str(const json_t *obj, const char *key, size_t min, size_t max, const char **ret,
		gt_error *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return gt_fail(err, GT_EINVAL, "%s is required", key);
	size_t n = json_is_string(v) ? json_string_length(v) : 0;
	if (!json_is_string(v) || n < min || n > max || strlen(json_string_value(v)) != n)
		return gt_fail(err, GT_EINVAL, "%s must be a string of %zu to %zu bytes", key, min,
			       max);
	*ret = json_string_value(v);
	return 0;
}

int gt_json_str_opt(const json_t *obj, const char *key, size_t max, const char **ret, gt_error *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	return gt_json_str(obj, key, 0, max, ret, err);
}

int gt_json_text(const json_t *obj, const char *key, size_t max, bool required, const char **ret,
		 gt_error *err)
{
	const char *s = NULL;
	int rc = required ? gt_json_str(obj, key, 1, max, &s, err) :
			    gt_json_str_opt(obj, key, max, &s, err);
	for (const char *p = s; rc == 0 && p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			rc = gt_fail(err, GT_EINVAL, "%s must not contain control characters", key);
	if (rc == 0 && s)
		*ret = s;
	return rc;
}

int gt_json_int(const json_t *obj, const char *key, int64_t min, int64_t max, int64_t *ret,
		gt_error *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return gt_fail(err, GT_EINVAL, "%s is required", key);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return gt_fail(err, GT_EINVAL, "%s must be an integer from %lld to %lld", key,
			       (long long)min, (long long)max);
	*ret = json_integer_value(v);
	return 0;
}

int gt_json_only(const json_t *obj, const char *const *allowed, gt_error *err)
{
	if (!json_is_object(obj))
		return gt_fail(err, GT_EINVAL, "expected a JSON object");
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)obj, k, x)
	{
		size_t i = 0;
		while (allowed[i] && strcmp(allowed[i], k) != 0)
			i++;
		if (!allowed[i])
			return gt_fail(err, GT_EINVAL, "unknown field \"%.64s\"", k);
	}
	return 0;
}

/* ---- writing JSON text ---- */

/* For each byte: 0 copied as it is, else the letter of its short escape,
 * or 'u' for \u00XX. */
static const char S_esc[256] = {
	['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r',
	[0] = 'u',    [1] = 'u',    [2] = 'u',    [3] = 'u',    [4] = 'u',	  [5] = 'u',
	[6] = 'u',    [7] = 'u',    [11] = 'u',   [14] = 'u',   [15] = 'u',	  [16] = 'u',
	[17] = 'u',   [18] = 'u',   [19] = 'u',   [20] = 'u',   [21] = 'u',	  [22] = 'u',
	[23] = 'u',   [24] = 'u',   [25] = 'u',   [26] = 'u',   [27] = 'u',	  [28] = 'u',
	[29] = 'u',   [30] = 'u',   [31] = 'u',   ['"'] = '"',  ['\\'] = '\\',
};

/* How many bytes from p on (at most n) need no escaping. */
static size_t S_plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	/* 16 at a time: a byte needs escaping if it is '"', '\\' or below 0x20. */
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
		      control = _mm_set1_epi8(0x1f);
	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i bad = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
			_mm_cmpeq_epi8(_mm_max_epu8(x, control), control));
		unsigned mask = (unsigned)_mm_movemask_epi8(bad);
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	while (i < n && !S_esc[p[i]])
		i++;
	return i;
}

int gt_json_add_string(gt_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	/* Room for the worst case (every byte \u00XX) in pieces of at most
	 * 4096 bytes of input, then a loop with no checks: runs of plain
	 * bytes copied at once, escapes written in place. */
	if (gt_buf_reserve(out, 1) < 0)
		return GT_ENOMEM;
	out->data[out->len++] = '"';
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t piece = n - i < 4096 ? n - i : 4096;
		if (gt_buf_reserve(out, piece * 6 + 1) < 0)
			return GT_ENOMEM;
		uint8_t *o = out->data + out->len;
		for (size_t end = i + piece; i < end; i++) {
			size_t run = S_plain_run(p + i, end - i);
			memcpy(o, p + i, run);
			o += run;
			i += run;
			if (i == end)
				break;
			char e = S_esc[p[i]];
			if (e != 'u') {
				*o++ = '\\';
				*o++ = (uint8_t)e;
			} else {
				memcpy(o, "\\u00", 4);
				o[4] = (uint8_t)hex[p[i] >> 4];
				o[5] = (uint8_t)hex[p[i] & 15];
				o += 6;
			}
		}
		out->len = (size_t)(o - out->data);
	}
	return gt_buf_add(out, "\"", 1);
}

void gt_jw_init(gt_jw *w, gt_buf *out)
{
	*w = (gt_jw){.out = out};
}

static void S_put(gt_jw *w, const char *s, size_t n)
{
	gt_buf *b = w->out;
	if (w->rc)
		return;
	if (b->len + n + 1 <= b->cap) { /* room already: no call */
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = 0;
	} else if (gt_buf_add(b, s, n) < 0) {
		w->rc = GT_ENOMEM;
	}
}

/* Before a value or a key: the comma, if one is due. */
static bool S_sep(gt_jw *w)
{
	if (w->comma)
		S_put(w, ",", 1);
	w->comma = true;
	return !w->rc;
}

void gt_jw_obj(gt_jw *w)
{
	if (S_sep(w))
		S_put(w, "{", 1);
	w->comma = false;
}

void gt_jw_arr(gt_jw *w)
{
	if (S_sep(w))
		S_put(w, "[", 1);
	w->comma = false;
}

void gt_jw_end(gt_jw *w, char close)
{
	S_put(w, &close, 1);
	w->comma = true;
}

void gt_jw_key(gt_jw *w, const char *key)
{
	if (!S_sep(w))
		return;
	if (gt_json_add_string(w->out, key, strlen(key)) < 0 || gt_buf_add(w->out, ":", 1) < 0)
		w->rc = GT_ENOMEM;
	w->comma = false;
}

void gt_jw_strn(gt_jw *w, const char *s, size_t n)
{
	if (S_sep(w) && gt_json_add_string(w->out, s, n) < 0)
		w->rc = GT_ENOMEM;
}

void gt_jw_str(gt_jw *w, const char *s)
{
	gt_jw_strn(w, s, strlen(s));
}

void gt_jw_str_or_null(gt_jw *w, const char *s)
{
	if (s)
		gt_jw_str(w, s);
	else
		gt_jw_null(w);
}

void gt_jw_int(gt_jw *w, int64_t v)
{
	char num[24], *p = num + sizeof(num);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	if (S_sep(w))
		S_put(w, p, (size_t)(num + sizeof(num) - p));
}

void gt_jw_bool(gt_jw *w, bool v)
{
	if (S_sep(w))
		S_put(w, v ? "true" : "false", v ? 4 : 5);
}

void gt_jw_null(gt_jw *w)
{
	if (S_sep(w))
		S_put(w, "null", 4);
}

void gt_jw_raw(gt_jw *w, const char *text, size_t n)
{
	if (S_sep(w))
		S_put(w, text, n);
}

void gt_jw_members(gt_jw *w, const char *text, size_t n)
{
	if (n && S_sep(w))
		S_put(w, text, n);
}

void gt_jw_value(gt_jw *w, const json_t *v)
{
	if (!S_sep(w))
		return;
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text) {
		w->rc = GT_ENOMEM;
		return;
	}
	S_put(w, text, strlen(text));
	free(text);
}

void gt_jw_kstr(gt_jw *w, const char *key, const char *s)
{
	gt_jw_key(w, key);
	gt_jw_str(w, s);
}

void gt_jw_kint(gt_jw *w, const char *key, int64_t v)
{
	gt_jw_key(w, key);
	gt_jw_int(w, v);
}

int gt_jw_error(const gt_jw *w)
{
	return w->rc;
}

int gt_json_slug(const json_t *in, const char *key, size_t max, bool required, const char **ret,
		 gt_error *err)
{
	const char *s = NULL;
	int rc = required ? gt_json_str(in, key, 1, max, &s, err) :
			    gt_json_str_opt(in, key, max, &s, err);
	if (rc < 0 || !s)
		return rc;
	bool ok = s[0] != '-' && s[0] != 0;
	for (const char *p = s; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
	if (!ok)
		return gt_fail(err, GT_EINVAL,
			       "%s must be 1 to %zu lower-case letters, digits and '-' (not first)",
			       key, max);
	*ret = s;
	return 0;
}

int gt_json_degrees(const json_t *obj, const char *where, const char *key, double limit,
		    int32_t *ret, gt_error *err)
{
	const json_t *v = json_object_get(obj, key);
	if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
	    fabs(json_number_value(v)) > limit)
		return gt_fail(err, GT_EINVAL, "%s%s%s must be a number of degrees from %g to %g",
			       where ? where : "", where ? "." : "", key, -limit, limit);
	*ret = (int32_t)lround(json_number_value(v) * 1e6);
	return 0;
}
