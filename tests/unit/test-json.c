/* Unit tests for src/core/json.c and src/core/time.c: the canonical form of
 * entries, parsing untrusted JSON under limits, the field getters, and
 * RFC 3339 times. */
#include <criterion/criterion.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/time.h"
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- helpers ------------------------------------------------------------ */

/* Parse text (NUL-terminated) with lim, failing the test on error. */
static json_t *S_parse(const char *text, const gt_json_limits *lim)
{
	json_t *v = NULL;
	gt_error err = {0};
	int rc = gt_json_parse(text, strlen(text), lim, &v, NULL, &err);
	cr_assert_eq(rc, 0, "parse %s: %s", text, err.msg);
	cr_assert_not_null(v);
	return v;
}

/* Parse text and return the canonical form, malloc'd. */
static char *S_canon(const char *text)
{
	json_t *v = S_parse(text, NULL);
	gt_buf out = GT_BUF_INIT;
	gt_error err = {0};
	cr_assert_eq(gt_json_canonical(v, &out, &err), 0, "canonical %s: %s", text, err.msg);
	json_decref(v);
	cr_assert_eq(strlen((char *)out.data), out.len, "no NUL inside");
	return (char *)out.data;
}

static void S_canon_is(const char *text, const char *want)
{
	char *got = S_canon(text);
	cr_assert_str_eq(got, want, "canonical form of %s", text);
	free(got);
}

/* A parse that must fail with code, over (when code is GT_ETOOBIG) and a
 * message containing want. */
static void S_parse_fails(const void *text, size_t len, const gt_json_limits *lim, int code,
			  enum gt_json_over want_over, const char *want)
{
	json_t *v = (json_t *)0x1; /* must stay untouched */
	gt_error err = {0};
	enum gt_json_over over = (enum gt_json_over)99;
	int rc = gt_json_parse(text, len, lim, &v, &over, &err);
	cr_assert_eq(rc, code, "parse \"%.*s\": %d, want %d (%s)", (int)len, (const char *)text, rc,
		     code, err.msg);
	cr_assert_eq(err.code, code);
	cr_assert_eq(v, (json_t *)0x1, "*ret untouched on failure");
	cr_assert_eq(over, want_over, "over %d, want %d", over, want_over);
	cr_assert(strstr(err.msg, want), "message \"%s\" lacks \"%s\"", err.msg, want);
}

static void S_fails(const char *text, const gt_json_limits *lim, int code,
		    enum gt_json_over want_over, const char *want)
{
	S_parse_fails(text, strlen(text), lim, code, want_over, want);
}

/* ---- canonical form ------------------------------------------------------ */

Test(canonical, sorted_compact_nested)
{
	S_canon_is(
		"{ \"b\" : 1 ,\n\t\"a\" : { \"d\" : [ 1 , 2 , { \"z\" : true , \"y\" : null } ] ,"
		" \"c\" : \"x\" } , \"A\" : [ ] , \"_\" : { } }",
		"{\"A\":[],\"_\":{},\"a\":{\"c\":\"x\",\"d\":[1,2,{\"y\":null,\"z\":true}]},"
		"\"b\":1}");
	/* Arrays keep their order. */
	S_canon_is("[3, 1, 2, [\"b\", \"a\"]]", "[3,1,2,[\"b\",\"a\"]]");
	S_canon_is("{}", "{}");
	S_canon_is("[]", "[]");
}

Test(canonical, keys_sorted_by_bytes_including_non_ascii)
{
	/* Bytes: "" < "A" < "Z" < "a" < "ab" < "b" < "~" (0x7e) < "\xc3\xa9" (é)
	 * < "\xe4\xb8\xad" (中): non-ASCII after ASCII, prefixes first. */
	S_canon_is("{\"中\":1,\"é\":2,\"~\":3,\"b\":4,\"ab\":5,\"a\":6,\"Z\":7,\"A\":8,\"\":9}",
		   "{\"\":9,\"A\":8,\"Z\":7,\"a\":6,\"ab\":5,\"b\":4,\"~\":3,\"é\":2,\"中\":1}");
	/* Escaped in the input or not, the same key sorts the same. */
	S_canon_is("{\"\\u00e9\":1,\"\\u007a\":2}", "{\"z\":2,\"é\":1}");
}

Test(canonical, utf8_kept_not_escaped)
{
	S_canon_is("[\"\\u4e2d\\u6587\", \"emoji \\ud83d\\ude00\", \"caf\\u00e9\", \"\\u2028\"]",
		   "[\"中文\",\"emoji 😀\",\"café\",\"\xe2\x80\xa8\"]");
	S_canon_is("{\"名\":\"值\"}", "{\"名\":\"值\"}");
}

Test(canonical, escapes)
{
	/* Quote, backslash and control characters are escaped; '/' and DEL are
	 * not. */
	S_canon_is("[\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\"]",
		   "[\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001F\x7f\"]");
}

Test(canonical, integers_and_literals)
{
	S_canon_is("[0, -0, 1, -1, 9223372036854775807, -9223372036854775808, true, false, null]",
		   "[0,0,1,-1,9223372036854775807,-9223372036854775808,true,false,null]");
	S_canon_is("\"top-level string\"", "\"top-level string\"");
	S_canon_is("42", "42");
}

Test(canonical, reals_refused_and_out_unchanged)
{
	static const char *const reals[] = {
		"1.5", "[1, 2.0]", "{\"a\":{\"b\":[{\"c\":1e3}]}}", "{\"x\":-0.0}", "[0.1]",
	};
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		json_t *v = S_parse(reals[i], NULL);
		cr_assert(gt_json_has_real(v), "%s has a real", reals[i]);
		gt_buf out = GT_BUF_INIT;
		cr_assert_eq(gt_buf_addstr(&out, "prefix"), 0);
		gt_error err = {0};
		cr_assert_eq(gt_json_canonical(v, &out, &err), GT_EINVAL, "%s", reals[i]);
		cr_assert_str_eq(err.msg, "numbers must be integers");
		cr_assert_eq(out.len, 6);
		cr_assert_str_eq((char *)out.data, "prefix");
		gt_buf_done(&out);
		json_decref(v);
	}
	json_t *v = S_parse("{\"a\":[1,{\"b\":\"1.5\"}],\"c\":-3}", NULL);
	cr_assert_not(gt_json_has_real(v));
	json_decref(v);
}

Test(canonical, appends_to_out)
{
	json_t *v = S_parse("{\"b\":[],\"a\":\"\"}", NULL);
	gt_buf out = GT_BUF_INIT;
	cr_assert_eq(gt_buf_addstr(&out, "x="), 0);
	cr_assert_eq(gt_json_canonical(v, &out, NULL), 0);
	cr_assert_str_eq((char *)out.data, "x={\"a\":\"\",\"b\":[]}");
	cr_assert_eq(out.len, strlen("x={\"a\":\"\",\"b\":[]}"));
	gt_buf_done(&out);
	json_decref(v);
}

Test(canonical, is_a_fixed_point)
{
	/* Canonical text parses back to the same canonical text. */
	char *once = S_canon("{\"z\":{\"y\":[{\"b\":2,\"a\":1}],\"x\":\"é\\n\"},\"a\":null}");
	char *twice = S_canon(once);
	cr_assert_str_eq(once, twice);
	free(once);
	free(twice);
}

/* ---- parsing: limits ------------------------------------------------------- */

Test(parse, bytes_limit)
{
	gt_json_limits lim = {.max_bytes = 10};
	json_t *v = S_parse("[1,2,3,45]", &lim); /* exactly 10 bytes */
	json_decref(v);
	S_fails("[1,2,3,456]", &lim, GT_ETOOBIG, GT_JSON_OVER_BYTES,
		"JSON of 11 bytes, over the limit of 10");
	/* The byte limit applies before parsing: even garbage is "too big". */
	S_fails("xxxxxxxxxxxxxxxxxxx", &lim, GT_ETOOBIG, GT_JSON_OVER_BYTES, "19 bytes");
}

Test(parse, depth_at_and_over_the_limit)
{
	gt_json_limits lim = {.max_depth = 3};
	json_t *v = S_parse("[[[1, \"s\", true]]]", &lim);
	json_decref(v);
	v = S_parse("{\"a\":{\"b\":{\"c\":1}}}", &lim);
	json_decref(v);
	v = S_parse("{\"a\":[{}], \"b\":[[]]}", &lim);
	json_decref(v);
	S_fails("[[[[1]]]]", &lim, GT_ETOOBIG, GT_JSON_OVER_DEPTH,
		"JSON nested deeper than the limit of 3");
	S_fails("{\"a\":{\"b\":{\"c\":{}}}}", &lim, GT_ETOOBIG, GT_JSON_OVER_DEPTH,
		"deeper than the limit of 3");
	S_fails("[1, [2, [3, [4]]]]", &lim, GT_ETOOBIG, GT_JSON_OVER_DEPTH, "limit of 3");
	/* The deep branch may come after shallow ones. */
	S_fails("{\"a\":1,\"b\":[],\"c\":[[[]]]}", &lim, GT_ETOOBIG, GT_JSON_OVER_DEPTH,
		"limit of 3");

	/* 1 = a flat object. */
	gt_json_limits flat = {.max_depth = 1};
	v = S_parse("{\"a\":1,\"b\":\"x\"}", &flat);
	json_decref(v);
	v = S_parse("\"a scalar has no depth\"", &flat);
	json_decref(v);
	S_fails("{\"a\":[]}", &flat, GT_ETOOBIG, GT_JSON_OVER_DEPTH, "limit of 1");
}

Test(parse, deep_nesting_without_a_limit_is_bounded)
{
	/* 100000 nested arrays: refused (by jansson's own bound), never a crash. */
	size_t n = 100000;
	char *s = malloc(2 * n + 1);
	cr_assert_not_null(s);
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = 0;
	json_t *v = NULL;
	gt_error err = {0};
	int rc = gt_json_parse(s, 2 * n, NULL, &v, NULL, &err);
	cr_assert_eq(rc, GT_EINVAL, "%s", err.msg);
	gt_json_limits lim = {.max_depth = 64};
	S_parse_fails(s, 2 * n, &lim, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	free(s);
}

Test(parse, string_and_key_length)
{
	gt_json_limits lim = {.max_string = 5};
	json_t *v = S_parse("{\"abcde\":\"12345\",\"k\":[\"\",\"éé\"]}", &lim);
	json_decref(v);
	S_fails("[\"123456\"]", &lim, GT_ETOOBIG, GT_JSON_OVER_STRING,
		"a string is 6 bytes long, over the limit of 5");
	/* Bytes, not characters: three é are 6 bytes. */
	S_fails("\"ééé\"", &lim, GT_ETOOBIG, GT_JSON_OVER_STRING, "a string is 6 bytes long");
	/* After unescaping: \u00e9 x3 is 6 bytes too. */
	S_fails("\"\\u00e9\\u00e9\\u00e9\"", &lim, GT_ETOOBIG, GT_JSON_OVER_STRING, "6 bytes");
	S_fails("{\"abcdef\":1}", &lim, GT_ETOOBIG, GT_JSON_OVER_STRING,
		"an object key is 6 bytes long, over the limit of 5");
	S_fails("{\"a\":{\"b\":[{\"abcdefgh\":null}]}}", &lim, GT_ETOOBIG, GT_JSON_OVER_STRING,
		"an object key is 8 bytes long");
}

Test(parse, items)
{
	gt_json_limits lim = {.max_items = 3};
	json_t *v = S_parse("{\"a\":[1,2,3],\"b\":{\"x\":1,\"y\":2,\"z\":3},\"c\":[]}", &lim);
	json_decref(v);
	S_fails("[1,2,3,4]", &lim, GT_ETOOBIG, GT_JSON_OVER_ITEMS,
		"an array of 4 members, over the limit of 3");
	S_fails("{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", &lim, GT_ETOOBIG, GT_JSON_OVER_ITEMS,
		"an object of 4 members, over the limit of 3");
	S_fails("[[], [[1,2,3,4,5]]]", &lim, GT_ETOOBIG, GT_JSON_OVER_ITEMS,
		"an array of 5 members");
}

Test(parse, zero_limits_mean_none_and_null_args)
{
	gt_json_limits none = {0};
	json_t *v = S_parse("{\"a\":[[[[[[\"a long string indeed\"]]]]]]}", &none);
	json_decref(v);
	v = NULL;
	enum gt_json_over over = GT_JSON_OVER_ITEMS;
	cr_assert_eq(gt_json_parse("[1]", 3, NULL, &v, &over, NULL), 0);
	cr_assert_eq(over, GT_JSON_OVER_NONE, "over reset on success");
	json_decref(v);
	/* err may be NULL on failure too. */
	v = NULL;
	cr_assert_eq(gt_json_parse("[1", 2, NULL, &v, NULL, NULL), GT_EINVAL);
	cr_assert_null(v);
}

/* ---- parsing: malformed input ----------------------------------------------- */

Test(parse, malformed_with_position)
{
	S_fails("", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON at line");
	S_fails("{\"a\":1,}", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON at line 1, column");
	S_fails("{\n  \"a\": 1,\n  \"b\": tru\n}", NULL, GT_EINVAL, GT_JSON_OVER_NONE,
		"at line 3, column");
	S_fails("[1, 2\n, 3\n", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "at line ");
	S_fails("{'a':1}", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "line 1, column 2");
	S_fails("[\"\xff\"]", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	S_fails("[\"\\ud800\"]", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	S_fails("[18446744073709551616]", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
}

Test(parse, column_points_at_the_error)
{
	json_t *v = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_json_parse("[1, 2, x]", 9, NULL, &v, NULL, &err), GT_EINVAL);
	int line = 0, col = 0;
	cr_assert_eq(sscanf(err.msg, "invalid JSON at line %d, column %d", &line, &col), 2, "%s",
		     err.msg);
	cr_assert_eq(line, 1);
	cr_assert_eq(col, 8, "the x is the 8th character: %s", err.msg);
}

Test(parse, duplicate_keys_refused)
{
	S_fails("{\"a\":1,\"a\":2}", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "duplicate");
	S_fails("{\"x\":{\"k\":1,\"j\":0,\"k\":1}}", NULL, GT_EINVAL, GT_JSON_OVER_NONE,
		"duplicate");
	/* The same key written two ways is a duplicate too. */
	S_fails("{\"é\":1,\"\\u00e9\":2}", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "duplicate");
}

Test(parse, trailing_garbage_refused)
{
	S_fails("{} x", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	S_fails("{}{}", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	S_fails("1 2", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	S_fails("[1],", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	/* White space around the value is not garbage. */
	json_t *v = S_parse(" \n{}\r\n\t ", NULL);
	json_decref(v);
	/* Only len bytes are read: what follows in memory does not matter. */
	v = NULL;
	cr_assert_eq(gt_json_parse("[7]garbage", 3, NULL, &v, NULL, NULL), 0);
	cr_assert_eq(json_integer_value(json_array_get(v, 0)), 7);
	json_decref(v);
}

Test(parse, nul_refused)
{
	S_fails("[\"a\\u0000b\"]", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	S_fails("{\"\\u0000\":1}", NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	/* A raw NUL byte in the text. */
	S_parse_fails("[\"a\0b\"]", 7, NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
	S_parse_fails("[1]\0", 4, NULL, GT_EINVAL, GT_JSON_OVER_NONE, "invalid JSON");
}

Test(parse, reals_accepted_here)
{
	json_t *v = S_parse("{\"a\":1.5}", NULL);
	cr_assert(json_is_real(json_object_get(v, "a")));
	json_decref(v);
}

/* ---- getters ------------------------------------------------------------------ */

static void S_err_is(int rc, const gt_error *err, int code, const char *msg)
{
	cr_assert_eq(rc, code, "rc %d, want %d (%s)", rc, code, err->msg);
	cr_assert_eq(err->code, code);
	cr_assert_str_eq(err->msg, msg);
}

Test(getters, str)
{
	json_t *o = S_parse("{\"name\":\"Acme\",\"empty\":\"\",\"num\":5,\"nul\":null,"
			    "\"arr\":[\"x\"],\"long\":\"abcdefghijk\",\"utf\":\"éé\"}",
			    NULL);
	json_object_set_new(o, "withnul", json_stringn("a\0b", 3));
	const char *s = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_json_str(o, "name", 1, 200, &s, &err), 0);
	cr_assert_str_eq(s, "Acme");
	const char *keep = "untouched";
	s = keep;
	S_err_is(gt_json_str(o, "missing", 1, 200, &s, &err), &err, GT_EINVAL,
		 "missing is required");
	S_err_is(gt_json_str(o, "nul", 1, 200, &s, &err), &err, GT_EINVAL, "nul is required");
	S_err_is(gt_json_str(o, "num", 1, 200, &s, &err), &err, GT_EINVAL,
		 "num must be a string of 1 to 200 bytes");
	S_err_is(gt_json_str(o, "arr", 1, 200, &s, &err), &err, GT_EINVAL,
		 "arr must be a string of 1 to 200 bytes");
	S_err_is(gt_json_str(o, "empty", 1, 200, &s, &err), &err, GT_EINVAL,
		 "empty must be a string of 1 to 200 bytes");
	S_err_is(gt_json_str(o, "long", 1, 10, &s, &err), &err, GT_EINVAL,
		 "long must be a string of 1 to 10 bytes");
	S_err_is(gt_json_str(o, "utf", 1, 3, &s, &err), &err, GT_EINVAL,
		 "utf must be a string of 1 to 3 bytes");
	S_err_is(gt_json_str(o, "withnul", 1, 10, &s, &err), &err, GT_EINVAL,
		 "withnul must be a string of 1 to 10 bytes");
	cr_assert_eq(s, keep, "*ret untouched on failure");
	/* Bounds are inclusive. */
	cr_assert_eq(gt_json_str(o, "long", 11, 11, &s, &err), 0);
	cr_assert_eq(gt_json_str(o, "empty", 0, 0, &s, &err), 0);
	cr_assert_str_eq(s, "");
	cr_assert_eq(gt_json_str(o, "utf", 4, 4, &s, NULL), 0);
	json_decref(o);
}

Test(getters, str_opt)
{
	json_t *o = S_parse("{\"a\":\"x\",\"n\":null,\"i\":1,\"l\":\"abcdef\"}", NULL);
	const char *s = NULL;
	gt_error err = {0};
	cr_assert_eq(gt_json_str_opt(o, "absent", 10, &s, &err), 0);
	cr_assert_null(s, "absent leaves *ret as it was");
	const char *def = "default";
	s = def;
	cr_assert_eq(gt_json_str_opt(o, "n", 10, &s, &err), 0);
	cr_assert_eq(s, def, "null leaves *ret as it was");
	cr_assert_eq(gt_json_str_opt(o, "a", 10, &s, &err), 0);
	cr_assert_str_eq(s, "x");
	S_err_is(gt_json_str_opt(o, "i", 10, &s, &err), &err, GT_EINVAL,
		 "i must be a string of 0 to 10 bytes");
	S_err_is(gt_json_str_opt(o, "l", 5, &s, &err), &err, GT_EINVAL,
		 "l must be a string of 0 to 5 bytes");
	json_decref(o);
}

Test(getters, integer)
{
	json_t *o = S_parse("{\"n\":7,\"s\":\"7\",\"r\":7.0,\"b\":true,\"z\":null,"
			    "\"max\":9223372036854775807,\"min\":-9223372036854775808}",
			    NULL);
	int64_t v = -1;
	gt_error err = {0};
	cr_assert_eq(gt_json_int(o, "n", 1, 10, &v, &err), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(gt_json_int(o, "n", 7, 7, &v, &err), 0, "bounds are inclusive");
	v = -1;
	S_err_is(gt_json_int(o, "n", 8, 10, &v, &err), &err, GT_EINVAL,
		 "n must be an integer from 8 to 10");
	S_err_is(gt_json_int(o, "n", 0, 6, &v, &err), &err, GT_EINVAL,
		 "n must be an integer from 0 to 6");
	S_err_is(gt_json_int(o, "s", 0, 10, &v, &err), &err, GT_EINVAL,
		 "s must be an integer from 0 to 10");
	S_err_is(gt_json_int(o, "r", 0, 10, &v, &err), &err, GT_EINVAL,
		 "r must be an integer from 0 to 10");
	S_err_is(gt_json_int(o, "b", 0, 10, &v, &err), &err, GT_EINVAL,
		 "b must be an integer from 0 to 10");
	S_err_is(gt_json_int(o, "z", 0, 10, &v, &err), &err, GT_EINVAL, "z is required");
	S_err_is(gt_json_int(o, "gone", -5, 10, &v, &err), &err, GT_EINVAL, "gone is required");
	cr_assert_eq(v, -1, "*ret untouched on failure");
	cr_assert_eq(gt_json_int(o, "max", INT64_MIN, INT64_MAX, &v, &err), 0);
	cr_assert_eq(v, INT64_MAX);
	cr_assert_eq(gt_json_int(o, "min", INT64_MIN, INT64_MAX, &v, &err), 0);
	cr_assert_eq(v, INT64_MIN);
	S_err_is(gt_json_int(o, "min", -1, 0, &v, &err), &err, GT_EINVAL,
		 "min must be an integer from -1 to 0");
	json_decref(o);
}

Test(getters, only)
{
	static const char *const allowed[] = {"id", "name", NULL};
	static const char *const nothing[] = {NULL};
	json_t *o = S_parse("{\"id\":1,\"name\":2}", NULL);
	gt_error err = {0};
	cr_assert_eq(gt_json_only(o, allowed, &err), 0);
	json_decref(o);
	o = S_parse("{\"id\":1,\"nam\":2}", NULL);
	S_err_is(gt_json_only(o, allowed, &err), &err, GT_EINVAL, "unknown field \"nam\"");
	json_decref(o);
	o = S_parse("{}", NULL);
	cr_assert_eq(gt_json_only(o, nothing, &err), 0);
	json_decref(o);
	o = S_parse("{\"x\":1}", NULL);
	S_err_is(gt_json_only(o, nothing, &err), &err, GT_EINVAL, "unknown field \"x\"");
	json_decref(o);
	o = S_parse("[\"id\"]", NULL);
	S_err_is(gt_json_only(o, allowed, &err), &err, GT_EINVAL, "expected a JSON object");
	json_decref(o);
	/* A long unknown key is cut in the message. */
	char key[300], text[320];
	memset(key, 'k', 299);
	key[299] = 0;
	snprintf(text, sizeof(text), "{\"%s\":0}", key);
	o = S_parse(text, NULL);
	cr_assert_eq(gt_json_only(o, allowed, &err), GT_EINVAL);
	cr_assert_eq(strlen(err.msg), strlen("unknown field \"\"") + 64, "%s", err.msg);
	json_decref(o);
}

/* ---- time ------------------------------------------------------------------------ */

static void S_time_is(int64_t ms, const char *text)
{
	char out[GT_TIME_LEN + 1];
	memset(out, 'x', sizeof(out));
	gt_time_format(ms, out);
	cr_assert_str_eq(out, text, "format %lld", (long long)ms);
	int64_t back = 0;
	cr_assert_eq(gt_time_parse(text, &back), 0, "parse %s", text);
	cr_assert_eq(back, ms, "parse %s: %lld, want %lld", text, (long long)back, (long long)ms);
}

/* The expected values were computed independently with Python's datetime:
 * (datetime.fromisoformat(s) - datetime(1970, 1, 1, tzinfo=timezone.utc))
 *     // timedelta(milliseconds=1). */
Test(time, known_values_round_trip)
{
	S_time_is(0, "1970-01-01T00:00:00.000Z");
	S_time_is(1, "1970-01-01T00:00:00.001Z");
	S_time_is(-1, "1969-12-31T23:59:59.999Z");
	S_time_is(-1000, "1969-12-31T23:59:59.000Z");
	S_time_is(-1001, "1969-12-31T23:59:58.999Z");
	S_time_is(1709210096789, "2024-02-29T12:34:56.789Z");
	S_time_is(951782400000, "2000-02-29T00:00:00.000Z");
	S_time_is(1767225599999, "2025-12-31T23:59:59.999Z");
	S_time_is(1767225600000, "2026-01-01T00:00:00.000Z");
	S_time_is(1795341600123, "2026-11-22T10:00:00.123Z");
	S_time_is(253402300799999, "9999-12-31T23:59:59.999Z");
	S_time_is(-62135596800000, "0001-01-01T00:00:00.000Z");
	cr_assert_eq(strlen("2026-11-22T10:00:00.123Z"), GT_TIME_LEN);
}

Test(time, every_day_and_random_instants_round_trip)
{
	/* Every day from 1900 to 2200 at a varying time of day: format (gmtime)
	 * and parse (civil arithmetic) must agree. */
	uint64_t rng = 20261122;
	for (int64_t day = -25567; day < 84006; day++) {
		int64_t ms = day * 86400000 + (int64_t)tu_between(&rng, 0, 86399999);
		char out[GT_TIME_LEN + 1];
		gt_time_format(ms, out);
		int64_t back = 0;
		CHECK(gt_time_parse(out, &back) == 0, "parse %s", out);
		CHECK(back == ms, "%s: %lld, want %lld", out, (long long)back, (long long)ms);
		/* And against the C library's own calendar. */
		time_t t = (time_t)(day * 86400);
		struct tm tm;
		gmtime_r(&t, &tm);
		char date[48];
		snprintf(date, sizeof(date), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday);
		CHECK(memcmp(out, date, 10) == 0, "%s is not on %s", out, date);
	}
}

Test(time, parse_forms)
{
	int64_t ms = 0;
	cr_assert_eq(gt_time_parse("2026-11-22T10:00:00Z", &ms), 0, "without milliseconds");
	cr_assert_eq(ms, 1795341600000);
	cr_assert_eq(gt_time_parse("2026-11-22T10:00:00.1Z", &ms), 0);
	cr_assert_eq(ms, 1795341600100);
	cr_assert_eq(gt_time_parse("2026-11-22T10:00:00.12Z", &ms), 0);
	cr_assert_eq(ms, 1795341600120);
	cr_assert_eq(gt_time_parse("2026-11-22T10:00:00.123456789Z", &ms), 0, "finer than ms");
	cr_assert_eq(ms, 1795341600123);
	cr_assert_eq(gt_time_parse("2026-11-22t10:00:00.123z", &ms), 0, "lower-case t and z");
	cr_assert_eq(ms, 1795341600123);
	/* Offsets: the same instant. */
	cr_assert_eq(gt_time_parse("2026-11-22T18:00:00.123+08:00", &ms), 0);
	cr_assert_eq(ms, 1795341600123);
	cr_assert_eq(gt_time_parse("2026-11-22T04:30:00.123-05:30", &ms), 0);
	cr_assert_eq(ms, 1795341600123);
	cr_assert_eq(gt_time_parse("2026-11-22T10:00:00.123+00:00", &ms), 0);
	cr_assert_eq(ms, 1795341600123);
	cr_assert_eq(gt_time_parse("2026-11-22T10:00:00.123-00:00", &ms), 0);
	cr_assert_eq(ms, 1795341600123);
	/* An offset that crosses the year. */
	cr_assert_eq(gt_time_parse("2026-01-01T07:59:59.999+08:00", &ms), 0);
	cr_assert_eq(ms, 1767225599999);
}

Test(time, invalid)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-11-22",
		"2026-11-22T10:00",
		"2026-11-22T10:00:00",		  /* missing Z */
		"2026-11-22T10:00:00.123",	  /* missing Z */
		"2026-02-29T00:00:00Z",		  /* not a leap year */
		"1900-02-29T00:00:00Z",		  /* not a leap year (century) */
		"2100-02-29T00:00:00Z",		  /* not a leap year (century) */
		"2026-04-31T00:00:00Z",		  /* April has 30 days */
		"2026-13-01T00:00:00Z",		  /* month 13 */
		"2026-00-10T00:00:00Z",		  /* month 0 */
		"2026-01-00T00:00:00Z",		  /* day 0 */
		"2026-01-32T00:00:00Z",		  /* day 32 */
		"2026-11-22T24:00:00Z",		  /* 24:00 */
		"2026-11-22T23:60:00Z",		  /* minute 60 */
		"2026-11-22T23:59:60Z",		  /* leap seconds are not used */
		"2026-11-22 10:00:00Z",		  /* space instead of T */
		"2026-11-22T10:00:00.Z",	  /* a dot without digits */
		"2026-11-22T10:00:00.12aZ",	  /* junk in the fraction */
		"2026-11-22T10:00:00+0800",	  /* offset without a colon */
		"2026-11-22T10:00:00+08",	  /* offset without minutes */
		"2026-11-22T10:00:00+24:00",	  /* offset hour 24 */
		"2026-11-22T10:00:00+08:60",	  /* offset minute 60 */
		"2026-11-22T10:00:00ZZ",	  /* trailing garbage */
		"2026-11-22T10:00:00Z ",	  /* trailing space */
		" 2026-11-22T10:00:00Z",	  /* leading space */
		"2026-11-22T10:00:00.123Z\n",	  /* trailing newline */
		"26-11-22T10:00:00Z",		  /* two-digit year */
		"2026-1-22T10:00:00Z",		  /* one-digit month */
		"2026-11-2T10:00:00Z",		  /* one-digit day */
		"2026/11/22T10:00:00Z",		  /* wrong separators */
		"+2026-11-22T10:00:00Z",	  /* sign */
		"2026-11-22T1O:00:00Z",		  /* letter O */
		"2026-11-22T10:00:00.123+08:00Z", /* offset and Z */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ms = 12345;
		cr_assert_eq(gt_time_parse(bad[i], &ms), GT_EINVAL, "\"%s\" must be refused",
			     bad[i]);
		cr_assert_eq(ms, 12345, "\"%s\": *ret_ms untouched", bad[i]);
	}
	int64_t ms = 0;
	cr_assert_eq(gt_time_parse(NULL, &ms), GT_EINVAL);
}

Test(time, clocks_move)
{
	int64_t a = gt_time_now_ms();
	/* After 2020 and before 2200: the real clock. */
	cr_assert_gt(a, 1577836800000);
	cr_assert_lt(a, 7258118400000);
	uint64_t m1 = gt_time_mono_ns(), m2 = gt_time_mono_ns();
	cr_assert_geq(m2, m1);
}

/* ---- the text writer ---------------------------------------------------- */

/* Every byte 1..255 (with and without neighbours), and NUL inside a
 * string, come back exactly through a JSON parser; control bytes are
 * escaped and nothing else is. */
Test(jw, strings_round_trip)
{
	char all[300];
	size_t n = 0;
	for (int c = 1; c < 128; c++)
		all[n++] = (char)c;
	const char *utf8 = "\xe7\x8e\x8b\xe2\x80\xa8\xf0\x9f\x8c\xb3"; /* 王, U+2028, a tree */
	memcpy(all + n, utf8, strlen(utf8));
	n += strlen(utf8);
	gt_buf b = GT_BUF_INIT;
	cr_assert_eq(gt_json_add_string(&b, all, n), 0);
	for (size_t i = 0; i < b.len; i++)
		cr_assert_geq(b.data[i], 0x20, "a raw control byte at %zu", i);
	json_t *v = json_loadb((const char *)b.data, b.len, JSON_DECODE_ANY, NULL);
	cr_assert_not_null(v, "%s", b.data);
	cr_assert_eq(json_string_length(v), n);
	cr_assert(memcmp(json_string_value(v), all, n) == 0);
	json_decref(v);
	/* The short escapes where JSON has them, \u00XX otherwise, UTF-8 as is. */
	gt_buf_reset(&b);
	cr_assert_eq(gt_json_add_string(&b, "a\"b\\c\n\t\x01\x1f\x7f/", 11), 0);
	cr_assert_str_eq((const char *)b.data, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\x7f/\"");
	gt_buf_reset(&b);
	cr_assert_eq(gt_json_add_string(&b, utf8, strlen(utf8)), 0);
	cr_assert_eq(b.len, strlen(utf8) + 2);
	/* A long string (past the worst-case reservation) with many escapes. */
	size_t big = 100000;
	char *s = malloc(big);
	cr_assert_not_null(s);
	for (size_t i = 0; i < big; i++)
		s[i] = "ab\"\\\n"[i % 5];
	gt_buf_reset(&b);
	cr_assert_eq(gt_json_add_string(&b, s, big), 0);
	v = json_loadb((const char *)b.data, b.len, JSON_DECODE_ANY, NULL);
	cr_assert_not_null(v);
	cr_assert_eq(json_string_length(v), big);
	cr_assert(memcmp(json_string_value(v), s, big) == 0);
	json_decref(v);
	free(s);
	gt_buf_done(&b);
}

/* Commas and nesting: what the writer makes equals what jansson makes of
 * the same value. */
Test(jw, nesting_and_commas)
{
	gt_buf b = GT_BUF_INIT;
	gt_jw w;
	gt_jw_init(&w, &b);
	gt_jw_obj(&w);
	gt_jw_kstr(&w, "a", "x");
	gt_jw_kint(&w, "n", -9223372036854775807LL - 1);
	gt_jw_key(&w, "empty");
	gt_jw_arr(&w);
	gt_jw_end(&w, ']');
	gt_jw_key(&w, "list");
	gt_jw_arr(&w);
	gt_jw_int(&w, 1);
	gt_jw_obj(&w);
	gt_jw_end(&w, '}');
	gt_jw_obj(&w);
	gt_jw_key(&w, "t");
	gt_jw_bool(&w, true);
	gt_jw_key(&w, "f");
	gt_jw_bool(&w, false);
	gt_jw_key(&w, "z");
	gt_jw_str_or_null(&w, NULL);
	gt_jw_end(&w, '}');
	gt_jw_raw(&w, "{\"r\":[1,2]}", 11);
	json_t *inner = json_pack("{s:s}", "k\"", "v\n");
	gt_jw_value(&w, inner);
	json_decref(inner);
	gt_jw_null(&w);
	gt_jw_end(&w, ']');
	gt_jw_key(&w, "we\"ird");
	gt_jw_str(&w, "");
	gt_jw_members(&w, "\"m\":1,\"n\":[]", 12);
	gt_jw_key(&w, "o");
	gt_jw_obj(&w);
	gt_jw_members(&w, "\"only\":true", 11);
	gt_jw_members(&w, "", 0);
	gt_jw_end(&w, '}');
	gt_jw_end(&w, '}');
	cr_assert_eq(gt_jw_error(&w), 0);
	cr_assert_str_eq((const char *)b.data,
			 "{\"a\":\"x\",\"n\":-9223372036854775808,\"empty\":[],\"list\":[1,{},"
			 "{\"t\":true,\"f\":false,\"z\":null},{\"r\":[1,2]},"
			 "{\"k\\\"\":\"v\\n\"},null],\"we\\\"ird\":\"\",\"m\":1,\"n\":[],"
			 "\"o\":{\"only\":true}}");
	json_t *v = json_loads((const char *)b.data, 0, NULL);
	cr_assert_not_null(v);
	json_decref(v);
	gt_buf_done(&b);
}

/* Any bytes, at any length and alignment, against a byte-by-byte reference
 * of the escaping rules (the writer scans 16 bytes at a time where it can). */
Test(jw, escaping_matches_a_reference)
{
	static const char hex[] = "0123456789abcdef";
	unsigned seed = 12345;
	char in[300];
	gt_buf got = GT_BUF_INIT, want = GT_BUF_INIT;
	for (int round = 0; round < 5000; round++) {
		size_t n = (size_t)(rand_r(&seed) % 200), off = (size_t)(rand_r(&seed) % 17);
		for (size_t i = 0; i < n; i++) {
			int r = rand_r(&seed) % 10;
			in[off + i] = r < 6 ? (char)('a' + r) :
				      r == 6 ? '"' :
				      r == 7 ? '\\' :
				      (char)(rand_r(&seed) % 256);
		}
		gt_buf_reset(&got);
		gt_buf_reset(&want);
		cr_assert_eq(gt_json_add_string(&got, in + off, n), 0);
		gt_buf_add(&want, "\"", 1);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)in[off + i];
			const char *two = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" :
					  c == '\t' ? "\\t" : c == '\r' ? "\\r" : c == '\b' ? "\\b" :
					  c == '\f' ? "\\f" : NULL;
			if (two) {
				gt_buf_add(&want, two, 2);
			} else if (c < 0x20) {
				char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				gt_buf_add(&want, u, 6);
			} else {
				gt_buf_add(&want, &c, 1);
			}
		}
		gt_buf_add(&want, "\"", 1);
		cr_assert_eq(got.len, want.len, "round %d: %zu bytes, want %zu", round, got.len,
			     want.len);
		cr_assert(memcmp(got.data, want.data, got.len) == 0, "round %d differs", round);
	}
	gt_buf_done(&got);
	gt_buf_done(&want);
}
