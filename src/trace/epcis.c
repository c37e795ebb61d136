/* EPCIS 2.0 events: checked and normalised for the log (see epcis.h). */
#include "trace/epcis.h"

#include "trace/epc.h"

#include <inttypes.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_TEXT_MAX 1024 /* bytes of a free-text value we check (uom, offsets…) */

/* ---- times ------------------------------------------------------------------------ */

static int S_digits(const char *s, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t S_days(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool S_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int gt_epcis_time(const char *s, int64_t *ret_ms)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, se, oh = 0, om = 0;
	if (strlen(s) < 20 || S_digits(s, 4, &y) || s[4] != '-' || S_digits(s + 5, 2, &mo) ||
	    s[7] != '-' || S_digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    S_digits(s + 11, 2, &h) || s[13] != ':' || S_digits(s + 14, 2, &mi) || s[16] != ':' ||
	    S_digits(s + 17, 2, &se))
		return GT_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && S_leap(y)) || h > 23 ||
	    mi > 59 || se > 60)
		return GT_EINVAL;
	const char *p = s + 19;
	int ms = 0;
	if (*p == '.') {
		const char *f = ++p;
		for (; *p >= '0' && *p <= '9'; p++)
			if (p - f < 3)
				ms = ms * 10 + (*p - '0');
		if (p == f)
			return GT_EINVAL;
		int n = p - f < 3 ? (int)(p - f) : 3;
		for (; n < 3; n++)
			ms *= 10;
	}
	int sign = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (S_digits(p + 1, 2, &oh) || p[3] != ':' || S_digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return GT_EINVAL;
		p += 6;
	} else {
		return GT_EINVAL;
	}
	if (*p)
		return GT_EINVAL;
	if (se == 60)
		se = 59; /* a leap second counts as the second before it */
	int64_t t = S_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	t -= sign * (oh * 3600 + om * 60);
	*ret_ms = t * 1000 + ms;
	return 0;
}

/* ---- building blocks ---------------------------------------------------------------- */

/* A path for messages: "epcList[2]" and the like. */
typedef struct S_path {
	char s[96];
} S_path;

static const char *S_at(S_path *p, const char *key, long i)
{
	if (i >= 0)
		snprintf(p->s, sizeof(p->s), "%s[%ld]", key, i);
	else
		snprintf(p->s, sizeof(p->s), "%s", key);
	return p->s;
}

static int S_fail_at(gt_error *err, const char *where, const gt_error *why)
{
	return gt_fail(err, GT_EINVAL, "%s: %s", where, why->msg);
}

/* An identifier (a string) normalised into a new JSON string. */
static int S_id(const json_t *v, const char *where, json_t **ret, gt_error *err)
{
	if (!json_is_string(v))
		return gt_fail(err, GT_EINVAL, "%s: must be a string (a URI)", where);
	char out[GT_EPC_MAX + 1];
	gt_error why = {0};
	if (gt_epc_normalise(json_string_value(v), GT_EPC_DATA, out, NULL, &why) < 0)
		return S_fail_at(err, where, &why);
	*ret = json_string(out);
	return *ret ? 0 : gt_fail(err, GT_ENOMEM, "out of memory");
}

/* A vocabulary value normalised into a new JSON string. */
static int S_vocab(const json_t *v, gt_cbv kind, const char *where, json_t **ret, gt_error *err)
{
	if (!json_is_string(v))
		return gt_fail(err, GT_EINVAL, "%s: must be a string", where);
	char out[GT_EPC_MAX + 1];
	gt_error why = {0};
	if (gt_epc_cbv(kind, json_string_value(v), out, sizeof(out), &why) < 0)
		return S_fail_at(err, where, &why);
	*ret = json_string(out);
	return *ret ? 0 : gt_fail(err, GT_ENOMEM, "out of memory");
}

/* A value with every non-integer number replaced by its decimal text. */
static json_t *S_no_reals(const json_t *v)
{
	if (json_is_real(v)) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		/* the shortest text that reads back the same */
		for (int prec = 1; prec <= 17; prec++) {
			char t[64];
			snprintf(t, sizeof(t), "%.*g", prec, json_real_value(v));
			if (strtod(t, NULL) == json_real_value(v)) {
				memcpy(buf, t, sizeof(t));
				break;
			}
		}
		return json_string(buf);
	}
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		const json_t *x;
		json_array_foreach(v, i, x) json_array_append_new(a, S_no_reals(x));
		return a;
	}
	if (json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) json_object_set_new(o, k, S_no_reals(x));
		return o;
	}
	return json_deep_copy(v);
}

/* A list of identifiers: a JSON array (or one string) of URIs. */
static int S_id_list(const json_t *v, const char *key, json_t **ret, gt_error *err)
{
	S_path p;
	if (json_is_string(v)) {
		json_t *one;
		int rc = S_id(v, S_at(&p, key, -1), &one, err);
		if (rc < 0)
			return rc;
		*ret = json_array();
		json_array_append_new(*ret, one);
		return 0;
	}
	if (!json_is_array(v))
		return gt_fail(err, GT_EINVAL, "%s: must be a list of identifiers", key);
	if (json_array_size(v) > GT_EPCIS_LIST_MAX)
		return gt_fail(err, GT_ETOOBIG, "%s: %zu identifiers; at most %d are allowed", key,
			       json_array_size(v), GT_EPCIS_LIST_MAX);
	json_t *a = json_array();
	size_t i;
	const json_t *x;
	json_array_foreach(v, i, x)
	{
		json_t *one;
		int rc = S_id(x, S_at(&p, key, (long)i), &one, err);
		if (rc < 0) {
			json_decref(a);
			return rc;
		}
		json_array_append_new(a, one);
	}
	*ret = a;
	return 0;
}

/* A quantity list: [{"epcClass", "quantity"?, "uom"?}]. */
static int S_quantity_list(const json_t *v, const char *key, json_t **ret, gt_error *err)
{
	if (json_is_object(v)) {
		json_t *a = json_array();
		json_array_append(a, (json_t *)v);
		int rc = S_quantity_list(a, key, ret, err);
		json_decref(a);
		return rc;
	}
	if (!json_is_array(v))
		return gt_fail(err, GT_EINVAL, "%s: must be a list of quantity elements", key);
	if (json_array_size(v) > GT_EPCIS_LIST_MAX)
		return gt_fail(err, GT_ETOOBIG, "%s: %zu elements; at most %d are allowed", key,
			       json_array_size(v), GT_EPCIS_LIST_MAX);
	json_t *a = json_array();
	size_t i;
	const json_t *x;
	S_path p;
	int rc = 0;
	json_array_foreach(v, i, x)
	{
		const char *where = S_at(&p, key, (long)i);
		if (!json_is_object(x)) {
			rc = gt_fail(err, GT_EINVAL, "%s: must be an object", where);
			break;
		}
		json_t *q = json_object(), *cls = NULL;
		const char *k;
		const json_t *f;
		json_object_foreach((json_t *)x, k, f)
		{
			if (strcmp(k, "epcClass") && strcmp(k, "quantity") && strcmp(k, "uom")) {
				rc = gt_fail(err, GT_EINVAL, "%s: unknown field %s", where, k);
				break;
			}
		}
		if (rc == 0 && !json_object_get(x, "epcClass"))
			rc = gt_fail(err, GT_EINVAL, "%s: epcClass is required", where);
		if (rc == 0) {
			char w2[128];
			snprintf(w2, sizeof(w2), "%s.epcClass", where);
			rc = S_id(json_object_get(x, "epcClass"), w2, &cls, err);
		}
		if (rc == 0)
			json_object_set_new(q, "epcClass", cls);
		const json_t *n = json_object_get(x, "quantity");
		if (rc == 0 && n) {
			if (!json_is_number(n) || json_number_value(n) < 0)
				rc = gt_fail(err, GT_EINVAL,
					     "%s.quantity: must be a number, 0 or more", where);
			else
				json_object_set_new(q, "quantity", S_no_reals(n));
		}
		const json_t *u = json_object_get(x, "uom");
		if (rc == 0 && u) {
			if (!json_is_string(u) || json_string_length(u) < 1 ||
			    json_string_length(u) > 3)
				rc = gt_fail(err, GT_EINVAL,
					     "%s.uom: must be a UN/CEFACT unit code (1 to 3 "
					     "characters, e.g. KGM)",
					     where);
			else if (!n)
				rc = gt_fail(err, GT_EINVAL, "%s.uom: given without a quantity",
					     where);
			else
				json_object_set(q, "uom", (json_t *)u);
		}
		if (rc < 0) {
			json_decref(q);
			break;
		}
		json_array_append_new(a, q);
	}
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*ret = a;
	return 0;
}

/* A list of typed references: [{"type"?, "<key>"}] (bizTransactionList,
 * sourceList, destinationList); one object alone stands for a list. */
static int S_typed_list(const json_t *v, const char *list, const char *key, gt_cbv vocab,
			bool type_required, json_t **ret, gt_error *err)
{
	if (json_is_object(v)) {
		json_t *a = json_array();
		json_array_append(a, (json_t *)v);
		int rc = S_typed_list(a, list, key, vocab, type_required, ret, err);
		json_decref(a);
		return rc;
	}
	if (!json_is_array(v))
		return gt_fail(err, GT_EINVAL, "%s: must be a list", list);
	if (json_array_size(v) > 100)
		return gt_fail(err, GT_ETOOBIG, "%s: %zu items; at most 100 are allowed", list,
			       json_array_size(v));
	json_t *a = json_array();
	size_t i;
	const json_t *x;
	S_path p;
	int rc = 0;
	json_array_foreach(v, i, x)
	{
		const char *where = S_at(&p, list, (long)i);
		json_t *o = json_object(), *val = NULL;
		char w2[160];
		if (!json_is_object(x)) {
			rc = gt_fail(err, GT_EINVAL, "%s: must be an object", where);
		} else {
			const char *k;
			const json_t *f;
			json_object_foreach((json_t *)x, k, f) if (strcmp(k, "type") && strcmp(k, key))
			{
				rc = gt_fail(err, GT_EINVAL, "%s: unknown field %s", where, k);
				break;
			}
		}
		if (rc == 0 && !json_object_get(x, key))
			rc = gt_fail(err, GT_EINVAL, "%s: %s is required", where, key);
		if (rc == 0) {
			snprintf(w2, sizeof(w2), "%s.%s", where, key);
			rc = S_id(json_object_get(x, key), w2, &val, err);
		}
		if (rc == 0)
			json_object_set_new(o, key, val);
		const json_t *t = json_is_object(x) ? json_object_get(x, "type") : NULL;
		if (rc == 0 && !t && type_required)
			rc = gt_fail(err, GT_EINVAL, "%s: type is required", where);
		if (rc == 0 && t) {
			snprintf(w2, sizeof(w2), "%s.type", where);
			rc = S_vocab(t, vocab, w2, &val, err);
			if (rc == 0)
				json_object_set_new(o, "type", val);
		}
		if (rc < 0) {
			json_decref(o);
			break;
		}
		json_array_append_new(a, o);
	}
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*ret = a;
	return 0;
}

/* {"id": URI} (readPoint, bizLocation), extensions kept. */
static int S_place(const json_t *v, const char *key, json_t **ret, gt_error *err)
{
	if (!json_is_object(v) || !json_object_get(v, "id"))
		return gt_fail(err, GT_EINVAL, "%s: must be an object with an id", key);
	char where[64];
	snprintf(where, sizeof(where), "%s.id", key);
	json_t *id;
	int rc = S_id(json_object_get(v, "id"), where, &id, err);
	if (rc < 0)
		return rc;
	json_t *o = S_no_reals(v);
	json_object_set_new(o, "id", id);
	*ret = o;
	return 0;
}

static bool S_offset_ok(const char *s)
{
	int h, m;
	return strlen(s) == 6 && (s[0] == '+' || s[0] == '-') && !S_digits(s + 1, 2, &h) &&
	       s[3] == ':' && !S_digits(s + 4, 2, &m) && h <= 14 && m <= 59;
}

/* A random (version 4) UUID as "urn:uuid:…" into out[48]. */
static int S_uuid_urn(char out[48])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof(b)) != 1)
		return GT_EIO;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 48,
		 "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
	return 0;
}

/* ---- one event ------------------------------------------------------------------------ */

enum { S_OBJECT, S_AGGREGATION, S_TRANSACTION, S_TRANSFORMATION, S_ASSOCIATION };
static const char *const S_types[] = {"ObjectEvent", "AggregationEvent", "TransactionEvent",
				      "TransformationEvent", "AssociationEvent"};

/* The fields each event type takes, beyond the common ones. */
static bool S_field_ok(int type, const char *k)
{
	static const char *const common[] = {
		"type",		  "eventID",	     "eventTime",	  "eventTimeZoneOffset",
		"recordTime",	  "certificationInfo", "errorDeclaration", "readPoint",
		"bizLocation",	  "bizStep",	     "disposition",	  "persistentDisposition",
		"bizTransactionList", "sourceList",  "destinationList",	  "sensorElementList",
		"@context",	  NULL};
	for (size_t i = 0; common[i]; i++)
		if (!strcmp(k, common[i]))
			return true;
	if (strchr(k, ':'))
		return true; /* an extension field, "prefix:name" or a URI */
	switch (type) {
	case S_OBJECT:
		return !strcmp(k, "action") || !strcmp(k, "epcList") || !strcmp(k, "quantityList") ||
		       !strcmp(k, "ilmd");
	case S_AGGREGATION:
	case S_ASSOCIATION:
		return !strcmp(k, "action") || !strcmp(k, "parentID") || !strcmp(k, "childEPCs") ||
		       !strcmp(k, "childQuantityList");
	case S_TRANSACTION:
		return !strcmp(k, "action") || !strcmp(k, "parentID") || !strcmp(k, "epcList") ||
		       !strcmp(k, "quantityList");
	default:
		return !strcmp(k, "inputEPCList") || !strcmp(k, "inputQuantityList") ||
		       !strcmp(k, "outputEPCList") || !strcmp(k, "outputQuantityList") ||
		       !strcmp(k, "transformationID") || !strcmp(k, "ilmd");
	}
}

static bool S_has_items(const json_t *o, const char *a, const char *b)
{
	return json_array_size(json_object_get(o, a)) > 0 ||
	       json_array_size(json_object_get(o, b)) > 0;
}

/* The error declaration: {"declarationTime", "reason"?, "correctiveEventIDs"?}. */
static int S_error_decl(const json_t *v, json_t **ret, gt_error *err)
{
	if (!json_is_object(v))
		return gt_fail(err, GT_EINVAL, "errorDeclaration: must be an object");
	const json_t *t = json_object_get(v, "declarationTime");
	int64_t ms;
	if (!json_is_string(t) || gt_epcis_time(json_string_value(t), &ms) < 0)
		return gt_fail(err, GT_EINVAL,
			       "errorDeclaration.declarationTime: must be a time like "
			       "2026-11-23T08:00:00.000+08:00");
	json_t *o = S_no_reals(v), *x;
	int rc = 0;
	if (json_object_get(v, "reason")) {
		rc = S_vocab(json_object_get(v, "reason"), GT_CBV_ER, "errorDeclaration.reason", &x,
			     err);
		if (rc == 0)
			json_object_set_new(o, "reason", x);
	}
	if (rc == 0 && json_object_get(v, "correctiveEventIDs")) {
		rc = S_id_list(json_object_get(v, "correctiveEventIDs"),
			       "errorDeclaration.correctiveEventIDs", &x, err);
		if (rc == 0)
			json_object_set_new(o, "correctiveEventIDs", x);
	}
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*ret = o;
	return 0;
}

/* persistentDisposition: {"set": [disp], "unset": [disp]}. */
static int S_persistent(const json_t *v, json_t **ret, gt_error *err)
{
	if (!json_is_object(v))
		return gt_fail(err, GT_EINVAL, "persistentDisposition: must be an object");
	json_t *o = json_object();
	const char *k;
	const json_t *list;
	S_path p;
	char key[40];
	json_object_foreach((json_t *)v, k, list)
	{
		if (strcmp(k, "set") && strcmp(k, "unset")) {
			json_decref(o);
			return gt_fail(err, GT_EINVAL,
				       "persistentDisposition: unknown field %s (set or unset)", k);
		}
		snprintf(key, sizeof(key), "persistentDisposition.%s", k);
		if (!json_is_array(list) || json_array_size(list) > 100) {
			json_decref(o);
			return gt_fail(err, GT_EINVAL, "%s: must be a list of dispositions", key);
		}
		json_t *a = json_array();
		size_t i;
		const json_t *x;
		json_array_foreach(list, i, x)
		{
			json_t *d;
			int rc = S_vocab(x, GT_CBV_DISP, S_at(&p, key, (long)i), &d, err);
			if (rc < 0) {
				json_decref(a);
				json_decref(o);
				return rc;
			}
			json_array_append_new(a, d);
		}
		json_object_set_new(o, k, a);
	}
	*ret = o;
	return 0;
}

int gt_epcis_event(const json_t *ev, json_t **ret, gt_error *err)
{
	if (!json_is_object(ev))
		return gt_fail(err, GT_EINVAL, "an event must be a JSON object");
	const char *tname = json_string_value(json_object_get(ev, "type"));
	int type = -1;
	for (int i = 0; tname && i < 5; i++)
		if (!strcmp(tname, S_types[i]))
			type = i;
	if (type < 0)
		return gt_fail(err, GT_EINVAL,
			       "type: must be ObjectEvent, AggregationEvent, TransactionEvent, "
			       "TransformationEvent or AssociationEvent");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)ev, k, v) if (!S_field_ok(type, k)) return gt_fail(
		err, GT_EINVAL, "%s: not a field of %s (an extension needs a prefix, e.g. "
				"\"example:%s\")",
		k, tname, k);

	json_t *o = json_object(), *x = NULL;
	if (!o)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	int rc = 0;
	json_object_set_new(o, "type", json_string(tname));

	/* When. */
	const char *when = json_string_value(json_object_get(ev, "eventTime"));
	int64_t ms;
	if (!when || gt_epcis_time(when, &ms) < 0) {
		rc = gt_fail(err, GT_EINVAL,
			     "eventTime: required, a time like 2026-11-23T08:00:00.000+08:00");
		goto fail;
	}
	json_object_set_new(o, "eventTime", json_string(when));
	const json_t *tz = json_object_get(ev, "eventTimeZoneOffset");
	if (tz && (!json_is_string(tz) || !S_offset_ok(json_string_value(tz)))) {
		rc = gt_fail(err, GT_EINVAL, "eventTimeZoneOffset: must be like +08:00 or -06:00");
		goto fail;
	}
	if (tz) {
		json_object_set(o, "eventTimeZoneOffset", (json_t *)tz);
	} else {
		/* Required by EPCIS; taken from eventTime when it has an offset. */
		size_t n = strlen(when);
		const char *off = n >= 6 ? when + n - 6 : "";
		json_object_set_new(o, "eventTimeZoneOffset",
				    json_string(S_offset_ok(off) ? off : "+00:00"));
	}

	/* Identity. */
	const json_t *id = json_object_get(ev, "eventID");
	if (id) {
		if (!json_is_string(id) || json_string_length(id) > GT_EPC_MAX ||
		    !strchr(json_string_value(id), ':')) {
			rc = gt_fail(err, GT_EINVAL, "eventID: must be a URI of at most %d bytes",
				     GT_EPC_MAX);
			goto fail;
		}
		for (const char *c = json_string_value(id); *c; c++)
			if ((unsigned char)*c <= 0x20 || *c == 0x7f) {
				rc = gt_fail(err, GT_EINVAL,
					     "eventID: must be a URI (no spaces or control "
					     "characters)");
				goto fail;
			}
		json_object_set(o, "eventID", (json_t *)id);
	} else {
		char urn[48];
		if (S_uuid_urn(urn) < 0) {
			rc = gt_fail(err, GT_EIO, "cannot make an eventID: no randomness");
			goto fail;
		}
		json_object_set_new(o, "eventID", json_string(urn));
	}

	/* What. */
	const json_t *action = json_object_get(ev, "action");
	if (type == S_TRANSFORMATION) {
		/* no action */
	} else if (!json_is_string(action) || (strcmp(json_string_value(action), "ADD") &&
					       strcmp(json_string_value(action), "OBSERVE") &&
					       strcmp(json_string_value(action), "DELETE"))) {
		rc = gt_fail(err, GT_EINVAL, "action: required in a %s: ADD, OBSERVE or DELETE",
			     tname);
		goto fail;
	} else {
		json_object_set(o, "action", (json_t *)action);
	}
	static const char *const id_lists[] = {"epcList", "childEPCs", "inputEPCList",
					       "outputEPCList"};
	for (size_t i = 0; i < 4; i++) {
		const json_t *l = json_object_get(ev, id_lists[i]);
		if (!l)
			continue;
		if ((rc = S_id_list(l, id_lists[i], &x, err)) < 0)
			goto fail;
		json_object_set_new(o, id_lists[i], x);
	}
	static const char *const q_lists[] = {"quantityList", "childQuantityList",
					      "inputQuantityList", "outputQuantityList"};
	for (size_t i = 0; i < 4; i++) {
		const json_t *l = json_object_get(ev, q_lists[i]);
		if (!l)
			continue;
		if ((rc = S_quantity_list(l, q_lists[i], &x, err)) < 0)
			goto fail;
		json_object_set_new(o, q_lists[i], x);
	}
	const json_t *parent = json_object_get(ev, "parentID");
	if (parent) {
		if ((rc = S_id(parent, "parentID", &x, err)) < 0)
			goto fail;
		json_object_set_new(o, "parentID", x);
	}
	const char *act = json_string_value(action);
	if (type == S_OBJECT && !S_has_items(o, "epcList", "quantityList")) {
		rc = gt_fail(err, GT_EINVAL, "an ObjectEvent names at least one identifier in "
					     "epcList or quantityList");
		goto fail;
	}
	if ((type == S_AGGREGATION || type == S_ASSOCIATION) && !parent &&
	    (type == S_ASSOCIATION || strcmp(act, "OBSERVE") != 0)) {
		rc = gt_fail(err, GT_EINVAL, "parentID: required in %s %s", act, tname);
		goto fail;
	}
	if (type == S_TRANSFORMATION && !S_has_items(o, "inputEPCList", "inputQuantityList") &&
	    !S_has_items(o, "outputEPCList", "outputQuantityList")) {
		rc = gt_fail(err, GT_EINVAL, "a TransformationEvent names at least one input or "
					     "output");
		goto fail;
	}
	if (json_object_get(ev, "ilmd") &&
	    (!json_is_object(json_object_get(ev, "ilmd")) ||
	     (type == S_OBJECT && strcmp(act, "ADD") != 0))) {
		rc = gt_fail(err, GT_EINVAL, "ilmd: an object, and in an ObjectEvent only with "
					     "action ADD");
		goto fail;
	}
	const json_t *tid = json_object_get(ev, "transformationID");
	if (tid) {
		if ((rc = S_id(tid, "transformationID", &x, err)) < 0)
			goto fail;
		json_object_set_new(o, "transformationID", x);
	}

	/* Where. */
	static const char *const places[] = {"readPoint", "bizLocation"};
	for (size_t i = 0; i < 2; i++) {
		const json_t *l = json_object_get(ev, places[i]);
		if (!l)
			continue;
		if ((rc = S_place(l, places[i], &x, err)) < 0)
			goto fail;
		json_object_set_new(o, places[i], x);
	}
	if (json_object_get(ev, "sourceList")) {
		if ((rc = S_typed_list(json_object_get(ev, "sourceList"), "sourceList", "source",
				       GT_CBV_SDT, true, &x, err)) < 0)
			goto fail;
		json_object_set_new(o, "sourceList", x);
	}
	if (json_object_get(ev, "destinationList")) {
		if ((rc = S_typed_list(json_object_get(ev, "destinationList"), "destinationList",
				       "destination", GT_CBV_SDT, true, &x, err)) < 0)
			goto fail;
		json_object_set_new(o, "destinationList", x);
	}

	/* Why. */
	if (json_object_get(ev, "bizStep")) {
		if ((rc = S_vocab(json_object_get(ev, "bizStep"), GT_CBV_BIZSTEP, "bizStep", &x,
				  err)) < 0)
			goto fail;
		json_object_set_new(o, "bizStep", x);
	}
	if (json_object_get(ev, "disposition")) {
		if ((rc = S_vocab(json_object_get(ev, "disposition"), GT_CBV_DISP, "disposition",
				  &x, err)) < 0)
			goto fail;
		json_object_set_new(o, "disposition", x);
	}
	if (json_object_get(ev, "persistentDisposition")) {
		if ((rc = S_persistent(json_object_get(ev, "persistentDisposition"), &x, err)) < 0)
			goto fail;
		json_object_set_new(o, "persistentDisposition", x);
	}
	if (json_object_get(ev, "bizTransactionList")) {
		if ((rc = S_typed_list(json_object_get(ev, "bizTransactionList"),
				       "bizTransactionList", "bizTransaction", GT_CBV_BTT, false,
				       &x, err)) < 0)
			goto fail;
		json_object_set_new(o, "bizTransactionList", x);
	}
	if (type == S_TRANSACTION && json_array_size(json_object_get(o, "bizTransactionList")) == 0) {
		rc = gt_fail(err, GT_EINVAL, "bizTransactionList: required in a TransactionEvent");
		goto fail;
	}
	if (json_object_get(ev, "errorDeclaration")) {
		if ((rc = S_error_decl(json_object_get(ev, "errorDeclaration"), &x, err)) < 0)
			goto fail;
		json_object_set_new(o, "errorDeclaration", x);
	}

	/* Everything else is kept as given (numbers that are not integers as text). */
	json_object_foreach((json_t *)ev, k, v)
	{
		if (json_object_get(o, k) || !strcmp(k, "recordTime"))
			continue;
		if (!strcmp(k, "sensorElementList") && !json_is_array(v)) {
			rc = gt_fail(err, GT_EINVAL, "sensorElementList: must be a list");
			goto fail;
		}
		json_object_set_new(o, k, S_no_reals(v));
	}
	*ret = o;
	return 0;
fail:
	json_decref(o);
	return rc;
}

/* ---- documents --------------------------------------------------------------------------- */

int gt_epcis_document(const json_t *doc, const json_t **ret_events, json_t **ret_context,
		      gt_error *err)
{
	if (!json_is_object(doc))
		return gt_fail(err, GT_EINVAL, "the body must be an EPCIS 2.0 document (a JSON "
					       "object)");
	const char *type = json_string_value(json_object_get(doc, "type"));
	if (!type || (strcmp(type, "EPCISDocument") && strcmp(type, "EPCISQueryDocument")))
		return gt_fail(err, GT_EINVAL,
			       "type: must be \"EPCISDocument\" (or \"EPCISQueryDocument\")");
	const char *ver = json_string_value(json_object_get(doc, "schemaVersion"));
	if (!ver || strncmp(ver, "2.", 2) != 0)
		return gt_fail(err, GT_EINVAL, "schemaVersion: must be \"2.0\" (EPCIS 2.0)");
	const json_t *body = json_object_get(doc, "epcisBody");
	if (!json_is_object(body))
		return gt_fail(err, GT_EINVAL, "epcisBody: required, an object");
	const json_t *list = json_object_get(body, "eventList");
	if (!strcmp(type, "EPCISQueryDocument")) {
		const json_t *res = json_object_get(json_object_get(body, "queryResults"),
						    "resultsBody");
		list = json_object_get(res, "eventList");
	}
	if (!json_is_array(list))
		return gt_fail(err, GT_EINVAL, "%s: required, a list of events",
			       strcmp(type, "EPCISDocument") ?
				       "epcisBody.queryResults.resultsBody.eventList" :
				       "epcisBody.eventList");
	json_t *ctx = json_array();
	const json_t *c = json_object_get(doc, "@context");
	size_t i;
	const json_t *x;
	if (json_is_object(c))
		json_array_append(ctx, (json_t *)c);
	else if (json_is_array(c))
		json_array_foreach(c, i, x) if (json_is_object(x)) json_array_append(ctx, (json_t *)x);
	*ret_events = list;
	*ret_context = ctx;
	return 0;
}

/* ---- rendering ----------------------------------------------------------------------------- */

/* A number kept as text, as a JSON number (or the text if it is none). */
static json_t *S_number(const json_t *v)
{
	if (!json_is_string(v))
		return json_incref((json_t *)v);
	char *end;
	double d = strtod(json_string_value(v), &end);
	if (*end || end == json_string_value(v))
		return json_incref((json_t *)v);
	return json_real(d);
}

static void S_numbers_in(json_t *list, const char *const *keys)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
	{
		for (size_t k = 0; keys[k]; k++) {
			json_t *n = json_object_get(x, keys[k]);
			if (n)
				json_object_set_new(x, keys[k], S_number(n));
		}
	}
}

json_t *gt_epcis_render(const json_t *kept, const char *record_time)
{
	json_t *o = json_deep_copy(kept);
	if (!o)
		return NULL;
	static const char *const qkeys[] = {"quantity", NULL};
	static const char *const q_lists[] = {"quantityList", "childQuantityList",
					      "inputQuantityList", "outputQuantityList"};
	for (size_t i = 0; i < 4; i++)
		S_numbers_in(json_object_get(o, q_lists[i]), qkeys);
	static const char *const skeys[] = {"value",  "minValue", "maxValue", "meanValue",
					    "sDev",   "percRank", "percValue", NULL};
	size_t i;
	json_t *se;
	json_array_foreach(json_object_get(o, "sensorElementList"), i, se)
		S_numbers_in(json_object_get(se, "sensorReport"), skeys);
	json_object_set_new(o, "recordTime", json_string(record_time));
	return o;
}
