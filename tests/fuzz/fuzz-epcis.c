/* libFuzzer target: EPCIS 2.0 documents and events (trace/epcis.h). The bytes
 * are read as JSON; as a document, its events, and the whole value as one
 * event are checked and normalised. Whatever is accepted must hold no real
 * number, encode canonically, have its identifier lists as lists of
 * strings, a valid eventTime, offset and eventID, render, and normalise
 * again after rendering; whatever is refused must come with a message and
 * leave the input as it was. The bytes as a C string are also read as a
 * time, and an accepted time must have the value computed here with
 * timegm(3). */
#include "core/buf.h"
#include "core/json.h"
#include "trace/epcis.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_MAX_BYTES (256 * 1024)

static void S_die(const char *what, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	fprintf(stderr, "%s: %.2000s\n", what, s ? s : "(cannot dump)");
	free(s);
	abort();
}

static bool S_is_offset(const char *s)
{
	return s && strlen(s) == 6 && (s[0] == '+' || s[0] == '-') && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9' && s[3] == ':' && s[4] >= '0' && s[4] <= '5' &&
	       s[5] >= '0' && s[5] <= '9';
}

/* An identifier list of the kept event: absent, or a list of strings. */
static void S_check_ids(const json_t *o, const char *key, const json_t *ev)
{
	const json_t *l = json_object_get(o, key);
	if (!l)
		return;
	if (!json_is_array(l) || json_array_size(l) > GT_EPCIS_LIST_MAX)
		S_die(key, ev);
	size_t i;
	const json_t *x;
	json_array_foreach(l, i, x) if (!json_is_string(x) || !json_string_length(x))
		S_die(key, ev);
}

/* A quantity list of the kept event: objects with a string epcClass, a
 * quantity that is an integer 0 or more or the text of a number 0 or more,
 * and a uom only with a quantity. */
static void S_check_quantities(const json_t *o, const char *key, const json_t *ev)
{
	const json_t *l = json_object_get(o, key);
	if (!l)
		return;
	if (!json_is_array(l) || json_array_size(l) > GT_EPCIS_LIST_MAX)
		S_die(key, ev);
	size_t i;
	const json_t *x;
	json_array_foreach(l, i, x)
	{
		const json_t *q = json_object_get(x, "quantity");
		if (!json_is_object(x) || !json_is_string(json_object_get(x, "epcClass")))
			S_die(key, ev);
		if (json_object_get(x, "uom") && !q)
			S_die(key, ev);
		if (json_is_integer(q) && json_integer_value(q) < 0)
			S_die(key, ev);
		if (json_is_string(q)) {
			char *end;
			double d = strtod(json_string_value(q), &end);
			if (*end || !(d >= 0))
				S_die(key, ev);
		} else if (q && !json_is_integer(q)) {
			S_die(key, ev);
		}
	}
}

/* Check and normalise ev; returns the kept event (a new reference) or NULL. */
static json_t *S_event(const json_t *ev)
{
	json_t *copy = json_deep_copy(ev), *out = (json_t *)0x1;
	gt_error err = {0};
	int rc = gt_epcis_event(ev, &out, &err);
	if (!json_equal(copy, ev))
		S_die("the input was changed", ev);
	json_decref(copy);
	if (rc < 0) {
		if ((rc != GT_EINVAL && rc != GT_ETOOBIG) || !err.msg[0] || out != (json_t *)0x1)
			S_die("a refusal without a message, or with an output", ev);
		return NULL;
	}
	if (rc != 0 || !json_is_object(out))
		S_die("not an object", ev);
	if (gt_json_has_real(out))
		S_die("a real number", out);
	gt_buf b = GT_BUF_INIT;
	if (gt_json_canonical(out, &b, &err) < 0)
		S_die(err.msg, out);
	gt_buf_done(&b);

	static const char *const types[] = {"ObjectEvent", "AggregationEvent", "TransactionEvent",
					    "TransformationEvent", "AssociationEvent"};
	const char *type = json_string_value(json_object_get(out, "type"));
	bool known = false;
	for (size_t i = 0; type && i < 5; i++)
		known |= !strcmp(type, types[i]);
	if (!known)
		S_die("type", out);
	int64_t ms;
	const char *when = json_string_value(json_object_get(out, "eventTime"));
	if (!when || gt_epcis_time(when, &ms) < 0)
		S_die("eventTime", out);
	if (!S_is_offset(json_string_value(json_object_get(out, "eventTimeZoneOffset"))))
		S_die("eventTimeZoneOffset", out);
	const char *id = json_string_value(json_object_get(out, "eventID"));
	if (!id || !strchr(id, ':') || strlen(id) > 300)
		S_die("eventID", out);
	if (json_object_get(out, "recordTime"))
		S_die("recordTime", out);
	static const char *const ids[] = {"epcList", "childEPCs", "inputEPCList", "outputEPCList"};
	static const char *const qs[] = {"quantityList", "childQuantityList", "inputQuantityList",
					 "outputQuantityList"};
	for (size_t i = 0; i < 4; i++) {
		S_check_ids(out, ids[i], out);
		S_check_quantities(out, qs[i], out);
	}
	S_check_ids(json_object_get(out, "errorDeclaration"), "correctiveEventIDs", out);
	static const char *const one[] = {"parentID", "transformationID", "bizStep", "disposition",
					  "action"};
	for (size_t i = 0; i < 5; i++)
		if (json_object_get(out, one[i]) && !json_is_string(json_object_get(out, one[i])))
			S_die(one[i], out);
	static const char *const places[] = {"readPoint", "bizLocation"};
	for (size_t i = 0; i < 2; i++)
		if (json_object_get(out, places[i]) &&
		    !json_is_string(json_object_get(json_object_get(out, places[i]), "id")))
			S_die(places[i], out);
	static const char *const typed[][2] = {{"sourceList", "source"},
					       {"destinationList", "destination"},
					       {"bizTransactionList", "bizTransaction"}};
	for (size_t t = 0; t < 3; t++) {
		const json_t *l = json_object_get(out, typed[t][0]), *x;
		size_t i;
		if (l && !json_is_array(l))
			S_die(typed[t][0], out);
		json_array_foreach(l, i, x) if (!json_is_string(json_object_get(x, typed[t][1])))
			S_die(typed[t][0], out);
	}
	if (json_object_get(out, "sensorElementList") &&
	    !json_is_array(json_object_get(out, "sensorElementList")))
		S_die("sensorElementList", out);

	/* Rendered, it is an EPCIS event again: normalised once more it is the
	 * same (sensor values aside: text a client gave reads back as a number). */
	json_t *shown = gt_epcis_render(out, "2026-11-23T09:00:00.000Z");
	if (!shown || !json_is_string(json_object_get(shown, "recordTime")))
		S_die("render", out);
	json_t *again = NULL;
	if (gt_epcis_event(shown, &again, &err) < 0) {
		fprintf(stderr, "rendered event refused: %s\n", err.msg);
		S_die("kept", out);
	}
	json_object_del(again, "sensorElementList");
	json_t *want = json_deep_copy(out);
	json_object_del(want, "sensorElementList");
	if (!json_equal(again, want)) {
		char *a = json_dumps(again, JSON_COMPACT | JSON_SORT_KEYS);
		fprintf(stderr, "normalised again: %.2000s\n", a ? a : "");
		free(a);
		S_die("kept", want);
	}
	json_decref(want);
	json_decref(again);
	json_decref(shown);
	return out;
}

static void S_document(const json_t *doc)
{
	const json_t *events = (const json_t *)0x1;
	json_t *ctx = (json_t *)0x1;
	gt_error err = {0};
	int rc = gt_epcis_document(doc, &events, &ctx, &err);
	if (rc < 0) {
		if (rc != GT_EINVAL || !err.msg[0] || events != (const json_t *)0x1 ||
		    ctx != (json_t *)0x1)
			S_die("document refusal", doc);
		return;
	}
	if (!json_is_array(events) || !json_is_array(ctx))
		S_die("document", doc);
	size_t i;
	const json_t *x;
	json_array_foreach(ctx, i, x) if (!json_is_object(x)) S_die("@context", doc);
	json_array_foreach(events, i, x) json_decref(S_event(x));
	json_decref(ctx);
}

static bool S_digits(const char *s, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + s[i] - '0';
	}
	*ret = v;
	return true;
}

/* s as a time: when accepted, its value is what timegm(3) gives for it. */
static void S_time(const char *s)
{
	int64_t ms = 0x5a5a;
	int rc = gt_epcis_time(s, &ms);
	if (rc < 0) {
		if (rc != GT_EINVAL || ms != 0x5a5a)
			abort();
		return;
	}
	int y, mo, d, h, mi, se, frac = 0, oh = 0, om = 0;
	if (strlen(s) < 20 || !S_digits(s, 4, &y) || s[4] != '-' || !S_digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !S_digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    !S_digits(s + 11, 2, &h) || s[13] != ':' || !S_digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !S_digits(s + 17, 2, &se))
		abort();
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		abort();
	const char *p = s + 19;
	if (*p == '.') {
		int n = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 3)
				frac = frac * 10 + (*p - '0');
		if (n == 0)
			abort();
		for (; n < 3; n++)
			frac *= 10;
	}
	int sign = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else {
		sign = *p == '+' ? 1 : *p == '-' ? -1 : 0;
		if (!sign || !S_digits(p + 1, 2, &oh) || p[3] != ':' || !S_digits(p + 4, 2, &om) ||
		    oh > 23 || om > 59)
			abort();
		p += 6;
	}
	if (*p)
		abort();
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = se == 60 ? 59 : se};
	int64_t t = (int64_t)timegm(&tm);
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		abort(); /* a day the month does not have was accepted */
	t -= sign * (oh * 3600 + om * 60);
	if (ms != t * 1000 + frac) {
		fprintf(stderr, "%s: %lld, want %lld\n", s, (long long)ms,
			(long long)(t * 1000 + frac));
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > S_MAX_BYTES)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	S_time(s);
	free(s);

	json_error_t je;
	json_t *v = json_loadb((const char *)data, size, 0, &je);
	if (!v)
		return 0;
	S_document(v);
	json_decref(S_event(v));
	json_decref(v);
	return 0;
}
