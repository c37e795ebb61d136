/* Unit tests for EPCIS 2.0 events (src/trace/epcis.c): times against
 * timegm(3), every event type, every rule of docs/epcis.md "What is checked"
 * with its exact message, identifiers and vocabulary normalised in every
 * place they occur, numbers, extensions, limits, documents, rendering, and
 * the GS1 example documents of the test data. */
#include <criterion/criterion.h>

#include "testutil.h"

#include "core/buf.h"
#include "core/json.h"
#include "trace/epcis.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- identifiers and their canonical forms (docs/epcis.md) -------------- */

#define SGTIN "urn:epc:id:sgtin:0614141.107346.2017"
#define SGTIN_DL "https://id.gs1.org/01/10614141073464/21/2017"
#define SGTIN2 "urn:epc:id:sgtin:0614141.107346.2018"
#define SGTIN2_DL "https://id.gs1.org/01/10614141073464/21/2018"
#define SSCC "urn:epc:id:sscc:0614141.1234567890"
#define SSCC_DL "https://id.gs1.org/00/106141412345678908"
#define SGLN "urn:epc:id:sgln:0614141.07346.1234"
#define SGLN_DL "https://id.gs1.org/414/0614141073467/254/1234"
#define SGLN0 "urn:epc:id:sgln:0614141.00777.0"
#define SGLN0_DL "https://id.gs1.org/414/0614141007776"
#define LGTIN "urn:epc:class:lgtin:4012345.012345.998877"
#define LGTIN_DL "https://id.gs1.org/01/04012345123456/10/998877"
#define IDPAT "urn:epc:idpat:sgtin:4012345.098765.*"
#define IDPAT_DL "https://id.gs1.org/01/04012345987652"
#define GRAI "urn:epc:id:grai:4012345.00022.334455"
#define GRAI_DL "https://id.gs1.org/8003/04012345000221334455"
#define PGLN "urn:epc:id:pgln:4000001.00000"
#define PGLN_DL "https://id.gs1.org/417/4000001000005"
#define GDTI "urn:epc:id:gdti:95252084.0001.0003555480001000"
#define GDTI_DL "https://id.gs1.org/253/95252084000140003555480001000"
#define WEB "https://example.org/x/01/9506000134352/10/A1?17=271231"
#define WEB_DL "https://id.gs1.org/01/09506000134352/10/A1"
#define BAD_SGTIN "urn:epc:id:sgtin:0614141.10734.2017"
#define BAD_SGTIN_MSG                                                                        \
	"urn:epc:id:sgtin: company prefix and item reference must have 13 digits together, " \
	"not 12"

#define T "\"eventTime\":\"2026-11-23T08:00:00.000+08:00\""
#define OBJ "{\"type\":\"ObjectEvent\"," T ",\"action\":\"OBSERVE\","
#define OBJ_EPC OBJ "\"epcList\":[\"" SGTIN "\"]"

/* ---- times ------------------------------------------------------------- */

/* s is a time of want ms. */
static void S_time_is(const char *s, int64_t want)
{
	int64_t ms = -12345;
	int rc = gt_epcis_time(s, &ms);
	cr_assert_eq(rc, 0, "\"%s\" was refused", s);
	cr_assert_eq(ms, want, "\"%s\": %lld ms, want %lld", s, (long long)ms, (long long)want);
}

/* s is refused, and the output is untouched. */
static void S_time_bad(const char *s)
{
	int64_t ms = -12345;
	cr_assert_eq(gt_epcis_time(s, &ms), GT_EINVAL, "\"%s\" was accepted (%lld)", s,
		     (long long)ms);
	cr_assert_eq(ms, -12345, "\"%s\": output set on failure", s);
}

/* Seconds since the epoch of a UTC date and time, by the C library. */
static int64_t S_utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = s};
	return (int64_t)timegm(&tm);
}

Test(epcis, time_utc)
{
	S_time_is("1970-01-01T00:00:00Z", 0);
	S_time_is("1970-01-01T00:00:00.001Z", 1);
	S_time_is("1969-12-31T23:59:59.999Z", -1);
	S_time_is("2000-01-01T00:00:00Z", 946684800000);
	S_time_is("2026-11-23T00:00:00.000Z", 1795392000000);
	S_time_is("9999-12-31T23:59:59.999Z", 253402300799999);
	S_time_is("0000-01-01T00:00:00Z", -62167219200000);
	S_time_is("2038-01-19T03:14:08Z", 2147483648000); /* past 32-bit seconds */
	/* 't' and 'z' in lower case (RFC 3339 5.6, note). */
	S_time_is("2000-01-01t00:00:00z", 946684800000);
	S_time_is("2000-01-01T00:00:00z", 946684800000);
	S_time_is("2000-01-01t00:00:00Z", 946684800000);
}

Test(epcis, time_offsets)
{
	int64_t base = 946684800000; /* 2000-01-01T00:00:00Z */
	S_time_is("2000-01-01T00:00:00+00:00", base);
	S_time_is("2000-01-01T00:00:00-00:00", base);
	S_time_is("2000-01-01T08:00:00+08:00", base);
	S_time_is("1999-12-31T18:00:00-06:00", base);
	S_time_is("2000-01-01T05:30:00+05:30", base);
	S_time_is("1999-12-31T20:15:00-03:45", base);
	S_time_is("2000-01-01T23:59:00+23:59", base);
	S_time_is("1999-12-31T00:01:00-23:59", base);
	S_time_is("2000-01-01T00:00:00.5+01:00", base - 3600000 + 500);
	/* The GS1 example's time. */
	S_time_is("2005-04-03T20:33:31.116000-06:00", S_utc(2005, 4, 4, 2, 33, 31) * 1000 + 116);
	/* Malformed offsets. */
	S_time_bad("2000-01-01T00:00:00+24:00");
	S_time_bad("2000-01-01T00:00:00+01:60");
	S_time_bad("2000-01-01T00:00:00+1:00");
	S_time_bad("2000-01-01T00:00:00+01:0");
	S_time_bad("2000-01-01T00:00:00+0100");
	S_time_bad("2000-01-01T00:00:00+01");
	S_time_bad("2000-01-01T00:00:00+");
	S_time_bad("2000-01-01T00:00:00-");
	S_time_bad("2000-01-01T00:00:00+01-00");
	S_time_bad("2000-01-01T00:00:00+aa:00");
	S_time_bad("2000-01-01T00:00:00 +01:00");
	S_time_bad("2000-01-01T00:00:00UTC");
	S_time_bad("2000-01-01T00:00:00GMT+1");
}

Test(epcis, time_fractions)
{
	int64_t base = 946684800000;
	S_time_is("2000-01-01T00:00:00Z", base);
	S_time_is("2000-01-01T00:00:00.0Z", base);
	S_time_is("2000-01-01T00:00:00.1Z", base + 100);
	S_time_is("2000-01-01T00:00:00.12Z", base + 120);
	S_time_is("2000-01-01T00:00:00.123Z", base + 123);
	S_time_is("2000-01-01T00:00:00.1234Z", base + 123);
	S_time_is("2000-01-01T00:00:00.12345Z", base + 123);
	S_time_is("2000-01-01T00:00:00.123456Z", base + 123);
	S_time_is("2000-01-01T00:00:00.1234567Z", base + 123);
	S_time_is("2000-01-01T00:00:00.12345678Z", base + 123);
	S_time_is("2000-01-01T00:00:00.123456789Z", base + 123);
	/* Truncated, never rounded. */
	S_time_is("2000-01-01T00:00:00.9999Z", base + 999);
	S_time_is("2000-01-01T00:00:00.999999999Z", base + 999);
	S_time_is("2000-01-01T00:00:00.0009Z", base);
	S_time_is("2000-01-01T00:00:00.099+00:00", base + 99);
	/* Any number of digits (RFC 3339 time-secfrac is "." 1*DIGIT). */
	S_time_is("2000-01-01T00:00:00.1234567891Z", base + 123);
	S_time_is("2000-01-01T00:00:00.123456789012Z", base + 123);
	S_time_is("2000-01-01T00:00:00.1234567890123Z", base + 123);
	S_time_is("2000-01-01T00:00:00.00000000000000000000000000000000000000000000000001Z", base);
	S_time_is("2000-01-01T00:00:00.999999999999999999999999999999999999999999999999-01:00",
		  base + 3600000 + 999);
	/* A point needs a digit after it; a comma is not a point. */
	S_time_bad("2000-01-01T00:00:00.Z");
	S_time_bad("2000-01-01T00:00:00.+01:00");
	S_time_bad("2000-01-01T00:00:00,123Z");
	S_time_bad("2000-01-01T00:00:00.12a3Z");
	S_time_bad("2000-01-01T00:00:00..1Z");
}

Test(epcis, time_calendar)
{
	/* Leap years: every 4th, not every 100th, every 400th. */
	S_time_is("2000-02-29T00:00:00Z", S_utc(2000, 2, 29, 0, 0, 0) * 1000);
	S_time_is("2024-02-29T12:00:00Z", 1709208000000);
	S_time_is("1996-02-29T00:00:00Z", S_utc(1996, 2, 29, 0, 0, 0) * 1000);
	S_time_is("1600-02-29T00:00:00Z", S_utc(1600, 2, 29, 0, 0, 0) * 1000);
	S_time_is("2024-03-01T00:00:00Z", 1709208000000 + 12 * 3600000);
	S_time_bad("2023-02-29T00:00:00Z");
	S_time_bad("1900-02-29T00:00:00Z");
	S_time_bad("2100-02-29T00:00:00Z");
	S_time_bad("2001-02-29T00:00:00Z");
	S_time_bad("2024-02-30T00:00:00Z");
	/* Days in each month. */
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	for (int m = 1; m <= 12; m++) {
		char s[64];
		snprintf(s, sizeof(s), "2023-%02d-%02dT00:00:00Z", m, mdays[m - 1]);
		S_time_is(s, S_utc(2023, m, mdays[m - 1], 0, 0, 0) * 1000);
		snprintf(s, sizeof(s), "2023-%02d-%02dT00:00:00Z", m, mdays[m - 1] + 1);
		S_time_bad(s);
		snprintf(s, sizeof(s), "2023-%02d-00T00:00:00Z", m);
		S_time_bad(s);
	}
	S_time_bad("2023-00-01T00:00:00Z");
	S_time_bad("2023-13-01T00:00:00Z");
	S_time_bad("2023-04-31T00:00:00Z");
	/* Hours 0 to 23, minutes and seconds 0 to 59, and a leap second. */
	S_time_is("2000-01-01T23:59:59Z", 946684800000 + 86399000);
	S_time_bad("2000-01-01T24:00:00Z");
	S_time_bad("2000-01-01T23:60:00Z");
	S_time_bad("2000-01-01T23:59:61Z");
	S_time_bad("2000-01-01T99:00:00Z");
	/* A leap second counts as the second before it. */
	S_time_is("2016-12-31T23:59:60Z", S_utc(2016, 12, 31, 23, 59, 59) * 1000);
	S_time_is("2016-12-31T23:59:60.5Z", S_utc(2016, 12, 31, 23, 59, 59) * 1000 + 500);
	S_time_is("2016-12-31T17:59:60-06:00", S_utc(2016, 12, 31, 23, 59, 59) * 1000);
}

Test(epcis, time_malformed)
{
	static const char *const bad[] = {
		"",
		"2000",
		"2000-01-01",
		"2000-01-01T00:00Z",
		"2000-01-01T00:00:00",
		"2000-01-01T00:00:00.123",
		"2000-01-01T00:00:00Zx",
		"2000-01-01T00:00:00Z ",
		"2000-01-01T00:00:00ZZ",
		"2000-01-01T00:00:00+01:00 ",
		"2000-01-01T00:00:00+01:000",
		"2000-01-01T00:00:00+01:00Z",
		"2000-01-01T00:00:00.123Zabc",
		" 2000-01-01T00:00:00Z",
		"2000-01-01 00:00:00Z",
		"2000-01-01X00:00:00Z",
		"2000/01/01T00:00:00Z",
		"2000-01-01T00-00-00Z",
		"2000-1-01T00:00:00Z",
		"2000-01-1T00:00:00Z",
		"2000-01-01T0:00:00Z",
		"2000-01-01T00:0:00Z",
		"2000-01-01T00:00:0Z",
		"20000-01-01T00:00:00Z",
		"-2000-01-01T00:00:00Z",
		"+2000-01-01T00:00:00Z",
		"2O00-01-01T00:00:00Z",
		"2000-0a-01T00:00:00Z",
		"2000-01-01T0a:00:00Z",
		"2000-01-01T00:00:0aZ",
		"2000-01-01T00:00:00\xc2\xa0Z",
		"2000-01-01T00:00:00.\xff",
		"2000-01-01T00:00:00:00Z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		S_time_bad(bad[i]);
}

Test(epcis, time_against_timegm)
{
	uint64_t st = 20261123;
	for (int i = 0; i < 200000; i++) {
		int y = (int)tu_between(&st, 0, 9999), mo = (int)tu_between(&st, 1, 12);
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		int d = (int)tu_between(&st, 1, (uint64_t)(md[mo - 1] + (mo == 2 && leap)));
		int h = (int)tu_between(&st, 0, 23), mi = (int)tu_between(&st, 0, 59);
		int s = (int)tu_between(&st, 0, 59), ms = (int)tu_between(&st, 0, 999);
		int oh = (int)tu_between(&st, 0, 23), om = (int)tu_between(&st, 0, 59);
		int sign = (int)tu_between(&st, 0, 2); /* Z, +, - */
		char txt[64];
		int n = snprintf(txt, sizeof(txt), "%04d-%02d-%02dT%02d:%02d:%02d.%03d", y, mo, d,
				 h, mi, s, ms);
		if (sign == 0)
			snprintf(txt + n, sizeof(txt) - (size_t)n, "Z");
		else
			snprintf(txt + n, sizeof(txt) - (size_t)n, "%c%02d:%02d",
				 sign == 1 ? '+' : '-', oh, om);
		int64_t want = S_utc(y, mo, d, h, mi, s);
		if (sign)
			want -= (sign == 1 ? 1 : -1) * (oh * 3600 + om * 60);
		want = want * 1000 + ms;
		int64_t got;
		CHECK(gt_epcis_time(txt, &got) == 0, "\"%s\" was refused", txt);
		CHECK(got == want, "\"%s\": %lld, want %lld", txt, (long long)got, (long long)want);
	}
}

/* ---- events: helpers ----------------------------------------------------- */

static char *S_dump(const json_t *j)
{
	return json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Whether s is "urn:uuid:" and a version 4, variant 1 UUID in lower case. */
static bool S_is_uuid4(const char *s)
{
	if (strncmp(s, "urn:uuid:", 9) != 0 || strlen(s) != 9 + 36)
		return false;
	s += 9;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

/* The event in text normalised (it must be accepted); the input must be
 * left as it was. A new reference. */
static json_t *S_ok(const char *text)
{
	json_t *in = tu_json(text), *copy = json_deep_copy(in), *out = NULL;
	gt_error e = {0};
	int rc = gt_epcis_event(in, &out, &e);
	cr_assert_eq(rc, 0, "%s\nwas refused: %s", text, e.msg);
	cr_assert_not_null(out);
	cr_assert(json_equal(in, copy), "%s: the input was changed", text);
	cr_assert(!gt_json_has_real(out), "%s: a real number in the result", text);
	gt_buf b = GT_BUF_INIT;
	cr_assert_eq(gt_json_canonical(out, &b, &e), 0, "%s: %s", text, e.msg);
	gt_buf_done(&b);
	json_decref(in);
	json_decref(copy);
	return out;
}

/* The event in text normalises to exactly want. When want has no eventID,
 * the result's must be a new urn:uuid (and is not compared further). */
static void S_is(const char *text, const char *want_text)
{
	json_t *out = S_ok(text), *want = tu_json(want_text);
	if (!json_object_get(want, "eventID")) {
		const char *id = json_string_value(json_object_get(out, "eventID"));
		cr_assert(id && S_is_uuid4(id), "%s: eventID %s", text, id ? id : "(none)");
		json_object_del(out, "eventID");
	}
	char *got = S_dump(out), *exp = S_dump(want);
	cr_assert(json_equal(out, want), "%s\n got:  %s\n want: %s", text, got, exp);
	free(got);
	free(exp);
	json_decref(out);
	json_decref(want);
}

/* The value of json_t v is refused with code and exactly the message want. */
static void S_fails_v(json_t *v, const char *what, int code, const char *want)
{
	json_t *out = (json_t *)0x1;
	gt_error e = {0};
	int rc = gt_epcis_event(v, &out, &e);
	cr_assert_eq(rc, code, "%.300s: expected %d, got %d (%s)", what, code, rc, e.msg);
	cr_assert_eq(out, (json_t *)0x1, "%.300s: output set on failure", what);
	cr_assert_str_eq(e.msg, want, "%.300s\n got:  %s\n want: %s", what, e.msg, want);
}

static void S_fails_code(const char *text, int code, const char *want)
{
	json_t *v = tu_json(text);
	S_fails_v(v, text, code, want);
	json_decref(v);
}

static void S_fails(const char *text, const char *want)
{
	S_fails_code(text, GT_EINVAL, want);
}

/* ---- events: one of each type ---------------------------------------------- */

Test(epcis, object_event_minimal)
{
	S_is(OBJ_EPC "}", "{\"type\":\"ObjectEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
			  "\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN_DL "\"]}");
	S_is("{\"type\":\"ObjectEvent\"," T ",\"action\":\"ADD\",\"quantityList\":"
	     "[{\"epcClass\":\"" LGTIN "\"}]}",
	     "{\"type\":\"ObjectEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"ADD\",\"quantityList\":[{\"epcClass\":\"" LGTIN_DL "\"}]}");
	S_is("{\"type\":\"ObjectEvent\"," T ",\"action\":\"DELETE\",\"epcList\":\"" SGTIN "\"}",
	     "{\"type\":\"ObjectEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"DELETE\",\"epcList\":[\"" SGTIN_DL "\"]}");
}

Test(epcis, aggregation_event_minimal)
{
	S_is("{\"type\":\"AggregationEvent\"," T ",\"action\":\"ADD\",\"parentID\":\"" SSCC
	     "\",\"childEPCs\":[\"" SGTIN "\",\"" SGTIN2 "\"]}",
	     "{\"type\":\"AggregationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"ADD\",\"parentID\":\"" SSCC_DL "\",\"childEPCs\":[\"" SGTIN_DL
	     "\",\"" SGTIN2_DL "\"]}");
	/* OBSERVE without a parent; DELETE with a parent and no children (all out). */
	S_is("{\"type\":\"AggregationEvent\"," T ",\"action\":\"OBSERVE\"}",
	     "{\"type\":\"AggregationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"OBSERVE\"}");
	S_is("{\"type\":\"AggregationEvent\"," T ",\"action\":\"DELETE\",\"parentID\":\"" SSCC
	     "\"}",
	     "{\"type\":\"AggregationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"DELETE\",\"parentID\":\"" SSCC_DL "\"}");
	S_is("{\"type\":\"AggregationEvent\"," T ",\"action\":\"ADD\",\"parentID\":\"" SSCC
	     "\",\"childQuantityList\":[{\"epcClass\":\"" LGTIN "\",\"quantity\":5}]}",
	     "{\"type\":\"AggregationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"ADD\",\"parentID\":\"" SSCC_DL "\",\"childQuantityList\":"
	     "[{\"epcClass\":\"" LGTIN_DL "\",\"quantity\":5}]}");
}

Test(epcis, transaction_event_minimal)
{
	S_is("{\"type\":\"TransactionEvent\"," T ",\"action\":\"ADD\",\"epcList\":[\"" SGTIN
	     "\"],\"bizTransactionList\":[{\"bizTransaction\":\"urn:epcglobal:cbv:bt:"
	     "0614141073467:1152\"}]}",
	     "{\"type\":\"TransactionEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"ADD\",\"epcList\":[\"" SGTIN_DL "\"],\"bizTransactionList\":"
	     "[{\"bizTransaction\":\"urn:epcglobal:cbv:bt:0614141073467:1152\"}]}");
	S_is("{\"type\":\"TransactionEvent\"," T ",\"action\":\"DELETE\",\"parentID\":\"" SSCC
	     "\",\"quantityList\":[{\"epcClass\":\"" IDPAT "\",\"quantity\":2,\"uom\":\"EA\"}],"
	     "\"bizTransactionList\":{\"type\":\"po\",\"bizTransaction\":\"" GDTI "\"}}",
	     "{\"type\":\"TransactionEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"DELETE\",\"parentID\":\"" SSCC_DL "\",\"quantityList\":"
	     "[{\"epcClass\":\"" IDPAT_DL "\",\"quantity\":2,\"uom\":\"EA\"}],"
	     "\"bizTransactionList\":[{\"type\":\"po\",\"bizTransaction\":\"" GDTI_DL "\"}]}");
}

Test(epcis, transformation_event_minimal)
{
	S_is("{\"type\":\"TransformationEvent\"," T ",\"inputEPCList\":[\"" SGTIN "\"],"
	     "\"outputEPCList\":[\"" SGTIN2 "\"]}",
	     "{\"type\":\"TransformationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"inputEPCList\":[\"" SGTIN_DL "\"],\"outputEPCList\":[\"" SGTIN2_DL "\"]}");
	/* An input alone, an output alone. */
	S_is("{\"type\":\"TransformationEvent\"," T ",\"inputQuantityList\":[{\"epcClass\":\"" LGTIN
	     "\",\"quantity\":1.5,\"uom\":\"KGM\"}]}",
	     "{\"type\":\"TransformationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"inputQuantityList\":[{\"epcClass\":\"" LGTIN_DL "\",\"quantity\":\"1.5\","
	     "\"uom\":\"KGM\"}]}");
	S_is("{\"type\":\"TransformationEvent\"," T
	     ",\"outputQuantityList\":[{\"epcClass\":\"" LGTIN "\"}],\"transformationID\":\"" GDTI
	     "\",\"ilmd\":{\"cbvmda:lotNumber\":\"998877\"}}",
	     "{\"type\":\"TransformationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"outputQuantityList\":[{\"epcClass\":\"" LGTIN_DL "\"}],\"transformationID\":"
	     "\"" GDTI_DL "\",\"ilmd\":{\"cbvmda:lotNumber\":\"998877\"}}");
	S_is("{\"type\":\"TransformationEvent\"," T ",\"outputEPCList\":\"" SGTIN "\","
	     "\"transformationID\":\"urn:uuid:6d0e8d2e-1f1c-4b8a-9c3e-2a1b0c9d8e7f\"}",
	     "{\"type\":\"TransformationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"outputEPCList\":[\"" SGTIN_DL "\"],\"transformationID\":"
	     "\"urn:uuid:6d0e8d2e-1f1c-4b8a-9c3e-2a1b0c9d8e7f\"}");
}

Test(epcis, association_event_minimal)
{
	S_is("{\"type\":\"AssociationEvent\"," T ",\"action\":\"ADD\",\"parentID\":\"" GRAI
	     "\",\"childEPCs\":[\"" SGTIN "\"]}",
	     "{\"type\":\"AssociationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"ADD\",\"parentID\":\"" GRAI_DL "\",\"childEPCs\":[\"" SGTIN_DL "\"]}");
	S_is("{\"type\":\"AssociationEvent\"," T ",\"action\":\"OBSERVE\",\"parentID\":\"" GRAI
	     "\",\"childQuantityList\":[{\"epcClass\":\"" LGTIN "\",\"quantity\":0}]}",
	     "{\"type\":\"AssociationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"OBSERVE\",\"parentID\":\"" GRAI_DL "\",\"childQuantityList\":"
	     "[{\"epcClass\":\"" LGTIN_DL "\",\"quantity\":0}]}");
}

/* ---- events: what is checked ------------------------------------------------ */

Test(epcis, not_an_object)
{
	static const char *const no[] = {
		"[]", "\"ObjectEvent\"", "1", "null", "true", "[{\"type\":\"ObjectEvent\"}]"};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		json_t *v = json_loads(no[i], JSON_DECODE_ANY, NULL);
		cr_assert_not_null(v);
		S_fails_v(v, no[i], GT_EINVAL, "an event must be a JSON object");
		json_decref(v);
	}
	S_fails_v(NULL, "NULL", GT_EINVAL, "an event must be a JSON object");
}

Test(epcis, type)
{
	static const char *const msg = "type: must be ObjectEvent, AggregationEvent, "
				       "TransactionEvent, TransformationEvent or AssociationEvent";
	S_fails("{" T ",\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN "\"]}", msg);
	S_fails("{\"type\":\"objectEvent\"," T ",\"action\":\"OBSERVE\"}", msg);
	S_fails("{\"type\":\"ObjectEvent \"," T "}", msg);
	S_fails("{\"type\":\"EPCISDocument\"}", msg);
	S_fails("{\"type\":\"\"}", msg);
	S_fails("{\"type\":1}", msg);
	S_fails("{\"type\":null}", msg);
	S_fails("{\"type\":[\"ObjectEvent\"]}", msg);
	S_fails("{}", msg);
	/* The quantity event of EPCIS 1.x is not an EPCIS 2.0 type. */
	S_fails("{\"type\":\"QuantityEvent\"," T "}", msg);
}

Test(epcis, unknown_fields)
{
	S_fails(OBJ_EPC ",\"parentID\":\"" SSCC "\"}",
		"parentID: not a field of ObjectEvent (an extension needs a prefix, e.g. "
		"\"example:parentID\")");
	S_fails(OBJ_EPC ",\"childEPCs\":[]}",
		"childEPCs: not a field of ObjectEvent (an extension needs a prefix, e.g. "
		"\"example:childEPCs\")");
	S_fails(OBJ_EPC ",\"myField\":1}",
		"myField: not a field of ObjectEvent (an extension needs a prefix, e.g. "
		"\"example:myField\")");
	S_fails(OBJ_EPC ",\"EventTime\":1}",
		"EventTime: not a field of ObjectEvent (an extension needs a prefix, e.g. "
		"\"example:EventTime\")");
	S_fails(OBJ_EPC ",\"\":1}", ": not a field of ObjectEvent (an extension needs a prefix, "
				    "e.g. \"example:\")");
	S_fails("{\"type\":\"AggregationEvent\"," T ",\"action\":\"OBSERVE\",\"epcList\":[]}",
		"epcList: not a field of AggregationEvent (an extension needs a prefix, e.g. "
		"\"example:epcList\")");
	S_fails("{\"type\":\"AggregationEvent\"," T ",\"action\":\"OBSERVE\",\"ilmd\":{}}",
		"ilmd: not a field of AggregationEvent (an extension needs a prefix, e.g. "
		"\"example:ilmd\")");
	S_fails("{\"type\":\"TransactionEvent\"," T ",\"action\":\"ADD\",\"childEPCs\":[]}",
		"childEPCs: not a field of TransactionEvent (an extension needs a prefix, e.g. "
		"\"example:childEPCs\")");
	S_fails("{\"type\":\"TransactionEvent\"," T ",\"action\":\"ADD\",\"ilmd\":{}}",
		"ilmd: not a field of TransactionEvent (an extension needs a prefix, e.g. "
		"\"example:ilmd\")");
	S_fails("{\"type\":\"TransformationEvent\"," T ",\"action\":\"ADD\"}",
		"action: not a field of TransformationEvent (an extension needs a prefix, e.g. "
		"\"example:action\")");
	S_fails("{\"type\":\"TransformationEvent\"," T ",\"epcList\":[]}",
		"epcList: not a field of TransformationEvent (an extension needs a prefix, e.g. "
		"\"example:epcList\")");
	S_fails("{\"type\":\"TransformationEvent\"," T ",\"parentID\":\"" SSCC "\"}",
		"parentID: not a field of TransformationEvent (an extension needs a prefix, "
		"e.g. \"example:parentID\")");
	S_fails("{\"type\":\"AssociationEvent\"," T ",\"action\":\"ADD\",\"inputEPCList\":[]}",
		"inputEPCList: not a field of AssociationEvent (an extension needs a prefix, "
		"e.g. \"example:inputEPCList\")");
	S_fails("{\"type\":\"AssociationEvent\"," T ",\"action\":\"ADD\",\"quantityList\":[]}",
		"quantityList: not a field of AssociationEvent (an extension needs a prefix, "
		"e.g. \"example:quantityList\")");
	/* Before anything else is looked at. */
	S_fails("{\"type\":\"ObjectEvent\",\"x\":1}",
		"x: not a field of ObjectEvent (an extension needs a prefix, e.g. "
		"\"example:x\")");
}

Test(epcis, extension_fields_kept)
{
	/* As given, with non-integer numbers as text, in the event and in the
	 * places; certificationInfo and an event's own @context too. */
	S_is(OBJ_EPC ",\"example:myField\":\"Example of a vendor/user extension\","
		     "\"example:n\":{\"a\":[1,2.5,-0.1,1e300,true,null,\"x\"],\"b\":7},"
		     "\"http://ns.example.com/epcis/f\":3,"
		     "\"certificationInfo\":\"https://accreditation-council.example.org/cert\","
		     "\"@context\":[{\"example\":\"http://ns.example.com/epcis/\"}],"
		     "\"readPoint\":{\"id\":\"" SGLN "\",\"example:door\":4.25}}",
	     "{\"type\":\"ObjectEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN_DL "\"],"
	     "\"example:myField\":\"Example of a vendor/user extension\","
	     "\"example:n\":{\"a\":[1,\"2.5\",\"-0.1\",\"1e+300\",true,null,\"x\"],\"b\":7},"
	     "\"http://ns.example.com/epcis/f\":3,"
	     "\"certificationInfo\":\"https://accreditation-council.example.org/cert\","
	     "\"@context\":[{\"example\":\"http://ns.example.com/epcis/\"}],"
	     "\"readPoint\":{\"id\":\"" SGLN_DL "\",\"example:door\":\"4.25\"}}");
	/* Extensions are allowed in every type. */
	S_is("{\"type\":\"TransformationEvent\"," T ",\"inputEPCList\":[\"" SGTIN "\"],"
	     "\"rail:x\":\"3\"}",
	     "{\"type\":\"TransformationEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"inputEPCList\":[\"" SGTIN_DL "\"],\"rail:x\":\"3\"}");
}

Test(epcis, reals_as_shortest_text)
{
	/* Each real becomes the shortest text that reads back as the same double. */
	static const char *const in[] = {
		"0.1",	"200.5", "1.0",	       "-2.0",	 "0.30000000000000004",
		"1e-7", "1E+21", "123456.789", "5e-324", "1.7976931348623157e308"};
	static const char *const want[] = {
		"0.1",	 "200.5", "1",		"-2",	  "0.30000000000000004",
		"1e-07", "1e+21", "123456.789", "5e-324", "1.7976931348623157e+308"};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), OBJ_EPC ",\"example:v\":%s}", in[i]);
		json_t *out = S_ok(text);
		const char *got = json_string_value(json_object_get(out, "example:v"));
		cr_assert(got && !strcmp(got, want[i]), "%s: got %s, want %s", in[i],
			  got ? got : "(not text)", want[i]);
		cr_assert_eq(strtod(got, NULL), strtod(in[i], NULL));
		json_decref(out);
	}
}

Test(epcis, event_time)
{
	static const char *const msg =
		"eventTime: required, a time like 2026-11-23T08:00:00.000+08:00";
	S_fails("{\"type\":\"ObjectEvent\",\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN "\"]}",
		msg);
	S_fails("{\"type\":\"ObjectEvent\",\"eventTime\":1795392000000,\"action\":\"OBSERVE\","
		"\"epcList\":[\"" SGTIN "\"]}",
		msg);
	S_fails("{\"type\":\"ObjectEvent\",\"eventTime\":null,\"action\":\"OBSERVE\","
		"\"epcList\":[\"" SGTIN "\"]}",
		msg);
	S_fails("{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-11-23T08:00:00.000\","
		"\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN "\"]}",
		msg);
	S_fails("{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-02-29T08:00:00Z\","
		"\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN "\"]}",
		msg);
	/* Kept byte for byte. */
	S_is("{\"type\":\"ObjectEvent\",\"eventTime\":\"2005-04-03t20:33:31.116000-06:00\","
	     "\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN "\"]}",
	     "{\"type\":\"ObjectEvent\",\"eventTime\":\"2005-04-03t20:33:31.116000-06:00\","
	     "\"eventTimeZoneOffset\":\"-06:00\",\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN_DL
	     "\"]}");
}

/* The eventTimeZoneOffset the event with eventTime when (and no offset) gets. */
static void S_offset_from(const char *when, const char *want)
{
	char text[512];
	snprintf(text, sizeof(text),
		 "{\"type\":\"ObjectEvent\",\"eventTime\":\"%s\",\"action\":\"OBSERVE\","
		 "\"epcList\":[\"" SGTIN "\"]}",
		 when);
	json_t *out = S_ok(text);
	const char *got = json_string_value(json_object_get(out, "eventTimeZoneOffset"));
	cr_assert(got && !strcmp(got, want), "%s: eventTimeZoneOffset %s, want %s", when,
		  got ? got : "(none)", want);
	json_decref(out);
}

Test(epcis, event_time_zone_offset)
{
	/* Derived from eventTime when missing. */
	S_offset_from("2005-04-03T20:33:31.116000-06:00", "-06:00");
	S_offset_from("2005-04-03T20:33:31+05:30", "+05:30");
	S_offset_from("2005-04-03T20:33:31.1-00:00", "-00:00");
	S_offset_from("2005-04-03T20:33:31+14:00", "+14:00");
	S_offset_from("2005-04-03T20:33:31.116Z", "+00:00");
	S_offset_from("2005-04-03T20:33:31z", "+00:00");
	S_offset_from("2005-04-03T20:33:31.000000Z", "+00:00");
	/* Kept when given, even when it differs from eventTime's. */
	S_is(OBJ_EPC ",\"eventTimeZoneOffset\":\"-06:00\"}",
	     "{\"type\":\"ObjectEvent\"," T ",\"eventTimeZoneOffset\":\"-06:00\","
	     "\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN_DL "\"]}");
	S_is(OBJ_EPC ",\"eventTimeZoneOffset\":\"+14:00\"}",
	     "{\"type\":\"ObjectEvent\"," T ",\"eventTimeZoneOffset\":\"+14:00\","
	     "\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN_DL "\"]}");
	static const char *const msg = "eventTimeZoneOffset: must be like +08:00 or -06:00";
	static const char *const bad[] = {"\"08:00\"",	  "\"+8:00\"",	 "\"+08:0\"", "\"+0800\"",
					  "\"+15:00\"",	  "\"+08:60\"",	 "\"Z\"",     "\"\"",
					  "\"+08:00 \"",  "\"+08:00Z\"", "8",	      "null",
					  "[\"+08:00\"]", "\"−08:00\""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), OBJ_EPC ",\"eventTimeZoneOffset\":%s}", bad[i]);
		S_fails(text, msg);
	}
}

Test(epcis, event_id)
{
	/* Kept when given (any URI). */
	static const char *const kept[] = {
		"ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69"
		"?ver=CBV2.0",
		"urn:uuid:6d0e8d2e-1f1c-4b8a-9c3e-2a1b0c9d8e7f",
		"URN:UUID:6D0E8D2E-1F1C-4B8A-9C3E-2A1B0C9D8E7F",
		"https://example.org/events/1",
		"x:y",
		SGTIN, /* an identifier, kept as given: an eventID is not normalised */
	};
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), OBJ_EPC ",\"eventID\":\"%s\"}", kept[i]);
		json_t *out = S_ok(text);
		cr_assert_str_eq(json_string_value(json_object_get(out, "eventID")), kept[i]);
		json_decref(out);
	}
	/* Given as a new version 4 urn:uuid when missing, a new one each time. */
	json_t *a = S_ok(OBJ_EPC "}"), *b = S_ok(OBJ_EPC "}");
	const char *ia = json_string_value(json_object_get(a, "eventID"));
	const char *ib = json_string_value(json_object_get(b, "eventID"));
	cr_assert(ia && S_is_uuid4(ia), "%s", ia ? ia : "(none)");
	cr_assert(ib && S_is_uuid4(ib), "%s", ib ? ib : "(none)");
	cr_assert_str_neq(ia, ib);
	json_decref(a);
	json_decref(b);

	/* 300 bytes at most. */
	char id[400], text[800];
	memset(id, 'a', sizeof(id));
	memcpy(id, "urn:x:", 6);
	id[300] = 0;
	snprintf(text, sizeof(text), OBJ_EPC ",\"eventID\":\"%s\"}", id);
	json_decref(S_ok(text));
	id[300] = 'a';
	id[301] = 0;
	snprintf(text, sizeof(text), OBJ_EPC ",\"eventID\":\"%s\"}", id);
	S_fails(text, "eventID: must be a URI of at most 300 bytes");

	static const char *const msg = "eventID: must be a URI of at most 300 bytes";
	S_fails(OBJ_EPC ",\"eventID\":\"\"}", msg);
	S_fails(OBJ_EPC ",\"eventID\":\"12345\"}", msg);
	S_fails(OBJ_EPC ",\"eventID\":12345}", msg);
	S_fails(OBJ_EPC ",\"eventID\":null}", msg);
	S_fails(OBJ_EPC ",\"eventID\":[\"urn:x:y\"]}", msg);
	static const char *const ctl = "eventID: must be a URI (no spaces or control characters)";
	S_fails(OBJ_EPC ",\"eventID\":\"urn:x: y\"}", ctl);
	S_fails(OBJ_EPC ",\"eventID\":\"urn:x:y \"}", ctl);
	S_fails(OBJ_EPC ",\"eventID\":\"urn:x:\\ty\"}", ctl);
	S_fails(OBJ_EPC ",\"eventID\":\"urn:x:\\ny\"}", ctl);
	S_fails(OBJ_EPC ",\"eventID\":\"urn:x:\\u007fy\"}", ctl);
	S_fails(OBJ_EPC ",\"eventID\":\"urn:x:\\u0001\"}", ctl);
}

Test(epcis, action)
{
	static const char *const types[] = {"ObjectEvent", "AggregationEvent", "TransactionEvent",
					    "AssociationEvent"};
	static const char *const bad[] = {NULL,	  "\"add\"", "\"Add\"", "\"UPDATE\"",
					  "\"\"", "1",	     "null",	"[\"ADD\"]"};
	for (size_t t = 0; t < 4; t++) {
		char want[200];
		snprintf(want, sizeof(want), "action: required in a %s: ADD, OBSERVE or DELETE",
			 types[t]);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char text[512];
			if (bad[i])
				snprintf(text, sizeof(text),
					 "{\"type\":\"%s\"," T ",\"action\":%s}", types[t], bad[i]);
			else
				snprintf(text, sizeof(text), "{\"type\":\"%s\"," T "}", types[t]);
			S_fails(text, want);
		}
	}
}

Test(epcis, object_event_needs_an_identifier)
{
	static const char *const msg =
		"an ObjectEvent names at least one identifier in epcList or quantityList";
	S_fails(OBJ "\"bizStep\":\"shipping\"}", msg);
	S_fails(OBJ "\"epcList\":[]}", msg);
	S_fails(OBJ "\"quantityList\":[]}", msg);
	S_fails(OBJ "\"epcList\":[],\"quantityList\":[]}", msg);
	/* One of the two is enough. */
	json_decref(S_ok(OBJ "\"epcList\":[],\"quantityList\":[{\"epcClass\":\"" LGTIN "\"}]}"));
	json_decref(S_ok(OBJ "\"epcList\":[\"" SGTIN "\"],\"quantityList\":[]}"));
}

Test(epcis, parent_id_required)
{
	S_fails("{\"type\":\"AggregationEvent\"," T ",\"action\":\"ADD\",\"childEPCs\":[\"" SGTIN
		"\"]}",
		"parentID: required in ADD AggregationEvent");
	S_fails("{\"type\":\"AggregationEvent\"," T ",\"action\":\"DELETE\"}",
		"parentID: required in DELETE AggregationEvent");
	json_decref(S_ok("{\"type\":\"AggregationEvent\"," T ",\"action\":\"OBSERVE\","
			 "\"childEPCs\":[\"" SGTIN "\"]}"));
	S_fails("{\"type\":\"AssociationEvent\"," T ",\"action\":\"ADD\",\"childEPCs\":[\"" SGTIN
		"\"]}",
		"parentID: required in ADD AssociationEvent");
	S_fails("{\"type\":\"AssociationEvent\"," T ",\"action\":\"OBSERVE\"}",
		"parentID: required in OBSERVE AssociationEvent");
	S_fails("{\"type\":\"AssociationEvent\"," T ",\"action\":\"DELETE\"}",
		"parentID: required in DELETE AssociationEvent");
	/* parentID is one identifier, not a list. */
	S_fails("{\"type\":\"AggregationEvent\"," T ",\"action\":\"ADD\",\"parentID\":[\"" SSCC
		"\"]}",
		"parentID: must be a string (a URI)");
	S_fails("{\"type\":\"AggregationEvent\"," T ",\"action\":\"ADD\",\"parentID\":\"" BAD_SGTIN
		"\"}",
		"parentID: " BAD_SGTIN_MSG);
	/* A TransactionEvent may have one. */
	json_decref(S_ok("{\"type\":\"TransactionEvent\"," T ",\"action\":\"OBSERVE\","
			 "\"parentID\":\"" SSCC "\",\"bizTransactionList\":[{\"bizTransaction\":"
			 "\"urn:x:1\"}]}"));
}

Test(epcis, transaction_event_needs_a_business_transaction)
{
	static const char *const msg = "bizTransactionList: required in a TransactionEvent";
	S_fails("{\"type\":\"TransactionEvent\"," T ",\"action\":\"ADD\",\"epcList\":[\"" SGTIN
		"\"]}",
		msg);
	S_fails("{\"type\":\"TransactionEvent\"," T ",\"action\":\"ADD\",\"epcList\":[\"" SGTIN
		"\"],\"bizTransactionList\":[]}",
		msg);
}

Test(epcis, transformation_event_needs_an_input_or_output)
{
	static const char *const msg = "a TransformationEvent names at least one input or output";
	S_fails("{\"type\":\"TransformationEvent\"," T "}", msg);
	S_fails("{\"type\":\"TransformationEvent\"," T ",\"inputEPCList\":[],"
		"\"outputEPCList\":[],\"inputQuantityList\":[],\"outputQuantityList\":[]}",
		msg);
	S_fails("{\"type\":\"TransformationEvent\"," T ",\"transformationID\":\"urn:x:1\"}", msg);
	json_decref(S_ok("{\"type\":\"TransformationEvent\"," T ",\"outputEPCList\":[\"" SGTIN
			 "\"],\"inputEPCList\":[]}"));
	json_decref(S_ok("{\"type\":\"TransformationEvent\"," T ",\"outputQuantityList\":"
			 "[{\"epcClass\":\"" LGTIN "\"}]}"));
	S_fails("{\"type\":\"TransformationEvent\"," T ",\"inputEPCList\":[\"" SGTIN "\"],"
		"\"transformationID\":5}",
		"transformationID: must be a string (a URI)");
}

Test(epcis, ilmd)
{
	static const char *const msg =
		"ilmd: an object, and in an ObjectEvent only with action ADD";
	S_is("{\"type\":\"ObjectEvent\"," T ",\"action\":\"ADD\",\"epcList\":[\"" SGTIN "\"],"
	     "\"ilmd\":{\"cbvmda:itemExpirationDate\":\"2027-12-31\",\"example:w\":0.5}}",
	     "{\"type\":\"ObjectEvent\"," T ",\"eventTimeZoneOffset\":\"+08:00\","
	     "\"action\":\"ADD\",\"epcList\":[\"" SGTIN_DL "\"],"
	     "\"ilmd\":{\"cbvmda:itemExpirationDate\":\"2027-12-31\",\"example:w\":\"0.5\"}}");
	S_fails(OBJ_EPC ",\"ilmd\":{}}", msg);
	S_fails("{\"type\":\"ObjectEvent\"," T ",\"action\":\"DELETE\",\"epcList\":[\"" SGTIN
		"\"],\"ilmd\":{}}",
		msg);
	S_fails("{\"type\":\"ObjectEvent\"," T ",\"action\":\"ADD\",\"epcList\":[\"" SGTIN
		"\"],\"ilmd\":[]}",
		msg);
	S_fails("{\"type\":\"TransformationEvent\"," T ",\"inputEPCList\":[\"" SGTIN "\"],"
		"\"ilmd\":\"x\"}",
		msg);
}

/* An event with field key set to the JSON value text, all else valid for its
 * type; normalised, its field key must be want (JSON). */
static const char *S_frame(const char *key)
{
	if (!strcmp(key, "childEPCs") || !strcmp(key, "childQuantityList"))
		return "{\"type\":\"AggregationEvent\"," T ",\"action\":\"OBSERVE\"";
	if (!strcmp(key, "inputEPCList") || !strcmp(key, "outputEPCList") ||
	    !strcmp(key, "inputQuantityList") || !strcmp(key, "outputQuantityList") ||
	    !strcmp(key, "transformationID"))
		return "{\"type\":\"TransformationEvent\"," T ",\"inputEPCList\":[\"urn:x:in\"],"
		       "\"outputEPCList\":[\"urn:x:out\"]";
	if (!strcmp(key, "parentID"))
		return "{\"type\":\"AggregationEvent\"," T ",\"action\":\"ADD\"";
	if (!strcmp(key, "epcList") || !strcmp(key, "quantityList"))
		return "{\"type\":\"TransactionEvent\"," T ",\"action\":\"OBSERVE\","
		       "\"parentID\":\"urn:x:p\",\"bizTransactionList\":[{\"bizTransaction\":"
		       "\"urn:x:t\"}]";
	return "{\"type\":\"ObjectEvent\"," T ",\"action\":\"OBSERVE\",\"epcList\":[\"urn:x:e\"]";
}

/* frame, then "key":value, then "}", malloc'd. */
static char *S_with(const char *key, const char *value)
{
	gt_buf b = GT_BUF_INIT;
	cr_assert_eq(gt_buf_addf(&b, "%s,\"%s\":%s}", S_frame(key), key, value), 0);
	return (char *)b.data;
}

static void S_field_is(const char *key, const char *value, const char *want)
{
	char *text = S_with(key, value);
	json_t *out = S_ok(text), *w = json_loads(want, JSON_DECODE_ANY, NULL);
	free(text);
	cr_assert_not_null(w, "%s", want);
	json_t *got = json_object_get(out, key);
	char *g = S_dump(got);
	cr_assert(json_equal(got, w), "%s: %s\n got:  %s\n want: %s", key, value, g, want);
	free(g);
	json_decref(w);
	json_decref(out);
}

static void S_field_fails(const char *key, const char *value, int code, const char *want)
{
	char *text = S_with(key, value);
	S_fails_code(text, code, want);
	free(text);
}

Test(epcis, identifiers_in_every_list)
{
	static const char *const lists[] = {"epcList", "childEPCs", "inputEPCList",
					    "outputEPCList"};
	for (size_t i = 0; i < 4; i++) {
		const char *k = lists[i];
		S_field_is(k,
			   "[\"" SGTIN "\",\"" SSCC "\",\"" GRAI "\",\"" WEB "\",\"" IDPAT
			   "\",\"urn:epc:id:gid:95100000.12345.400\",\"urn:uuid:1\"]",
			   "[\"" SGTIN_DL "\",\"" SSCC_DL "\",\"" GRAI_DL "\",\"" WEB_DL
			   "\",\"" IDPAT_DL "\",\"urn:epc:id:gid:95100000.12345.400\","
			   "\"urn:uuid:1\"]");
		S_field_is(k, "\"" SGTIN "\"", "[\"" SGTIN_DL "\"]"); /* one alone */
		S_field_is(k, "[\"" SGTIN_DL "\"]", "[\"" SGTIN_DL "\"]");
		char want[512];
		snprintf(want, sizeof(want), "%s[1]: " BAD_SGTIN_MSG, k);
		S_field_fails(k, "[\"" SGTIN "\",\"" BAD_SGTIN "\"]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s: " BAD_SGTIN_MSG, k);
		S_field_fails(k, "\"" BAD_SGTIN "\"", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[0]: must be a string (a URI)", k);
		S_field_fails(k, "[1]", GT_EINVAL, want);
		S_field_fails(k, "[{\"id\":\"" SGTIN "\"}]", GT_EINVAL, want);
		S_field_fails(k, "[null]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[2]: must be a string (a URI)", k);
		S_field_fails(k, "[\"urn:x:1\",\"urn:x:2\",[\"urn:x:3\"]]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s: must be a list of identifiers", k);
		S_field_fails(k, "{\"epc\":\"" SGTIN "\"}", GT_EINVAL, want);
		S_field_fails(k, "7", GT_EINVAL, want);
		S_field_fails(k, "null", GT_EINVAL, want);
	}
	/* What gt_epc_normalise refuses, named by place. */
	S_field_fails("epcList", "[\"0614141.107346.2017\"]", GT_EINVAL,
		      "epcList[0]: \"0614141.107346.2017\" is not an absolute URI: it needs a "
		      "scheme such as urn: or https:");
	S_field_fails("epcList", "[\"urn:epc:tag:sgtin-96:3.0614141.812345.6789\"]", GT_EINVAL,
		      "epcList[0]: urn:epc:tag: is an RFID tag encoding; EPCIS identifiers are the "
		      "pure identities urn:epc:id:...");
}

Test(epcis, identifiers_in_parent_and_transformation)
{
	S_field_is("parentID", "\"" SSCC "\"", "\"" SSCC_DL "\"");
	S_field_is("parentID", "\"" WEB "\"", "\"" WEB_DL "\"");
	S_field_is("transformationID", "\"" GDTI "\"", "\"" GDTI_DL "\"");
}

Test(epcis, quantity_lists)
{
	static const char *const lists[] = {"quantityList", "childQuantityList",
					    "inputQuantityList", "outputQuantityList"};
	for (size_t i = 0; i < 4; i++) {
		const char *k = lists[i];
		/* Identifiers normalised, integers kept, reals as text. */
		S_field_is(k,
			   "[{\"epcClass\":\"" LGTIN "\",\"quantity\":200,\"uom\":\"KGM\"},"
			   "{\"epcClass\":\"" IDPAT "\",\"quantity\":200.5,\"uom\":\"KGM\"},"
			   "{\"epcClass\":\"" WEB "\",\"quantity\":0},"
			   "{\"epcClass\":\"urn:x:c\",\"quantity\":1.0},"
			   "{\"epcClass\":\"urn:x:d\",\"quantity\":0.0,\"uom\":\"A\"},"
			   "{\"epcClass\":\"urn:x:e\",\"quantity\":9007199254740993}]",
			   "[{\"epcClass\":\"" LGTIN_DL "\",\"quantity\":200,\"uom\":\"KGM\"},"
			   "{\"epcClass\":\"" IDPAT_DL "\",\"quantity\":\"200.5\",\"uom\":\"KGM\"},"
			   "{\"epcClass\":\"" WEB_DL "\",\"quantity\":0},"
			   "{\"epcClass\":\"urn:x:c\",\"quantity\":\"1\"},"
			   "{\"epcClass\":\"urn:x:d\",\"quantity\":\"0\",\"uom\":\"A\"},"
			   "{\"epcClass\":\"urn:x:e\",\"quantity\":9007199254740993}]");
		/* One object alone stands for a list. */
		S_field_is(k, "{\"epcClass\":\"" LGTIN "\",\"quantity\":2.25}",
			   "[{\"epcClass\":\"" LGTIN_DL "\",\"quantity\":\"2.25\"}]");
		char want[512];
		snprintf(want, sizeof(want), "%s[1].quantity: must be a number, 0 or more", k);
		S_field_fails(
			k,
			"[{\"epcClass\":\"urn:x:a\"},{\"epcClass\":\"urn:x:b\",\"quantity\":-1}]",
			GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[0].quantity: must be a number, 0 or more", k);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"quantity\":-0.5}]", GT_EINVAL, want);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"quantity\":\"5\"}]", GT_EINVAL,
			      want);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"quantity\":null}]", GT_EINVAL, want);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"quantity\":true}]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[0].uom: given without a quantity", k);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"uom\":\"KGM\"}]", GT_EINVAL, want);
		snprintf(want, sizeof(want),
			 "%s[0].uom: must be a UN/CEFACT unit code (1 to 3 characters, e.g. KGM)",
			 k);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"quantity\":1,\"uom\":\"KGMS\"}]",
			      GT_EINVAL, want);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"quantity\":1,\"uom\":\"\"}]",
			      GT_EINVAL, want);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"quantity\":1,\"uom\":58}]",
			      GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[0]: epcClass is required", k);
		S_field_fails(k, "[{\"quantity\":1}]", GT_EINVAL, want);
		S_field_fails(k, "[{}]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[0].epcClass: must be a string (a URI)", k);
		S_field_fails(k, "[{\"epcClass\":[\"urn:x:b\"]}]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[0].epcClass: " BAD_SGTIN_MSG, k);
		S_field_fails(k, "[{\"epcClass\":\"" BAD_SGTIN "\"}]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[0]: unknown field unit", k);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"unit\":\"KGM\"}]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[0]: unknown field example:x", k);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\",\"example:x\":1}]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[1]: must be an object", k);
		S_field_fails(k, "[{\"epcClass\":\"urn:x:b\"},\"urn:x:c\"]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s: must be a list of quantity elements", k);
		S_field_fails(k, "\"" LGTIN "\"", GT_EINVAL, want);
		S_field_fails(k, "5", GT_EINVAL, want);
	}
}

Test(epcis, places)
{
	static const char *const places[] = {"readPoint", "bizLocation"};
	for (size_t i = 0; i < 2; i++) {
		const char *k = places[i];
		S_field_is(k, "{\"id\":\"" SGLN "\"}", "{\"id\":\"" SGLN_DL "\"}");
		S_field_is(k, "{\"id\":\"" SGLN0 "\"}", "{\"id\":\"" SGLN0_DL "\"}");
		S_field_is(k, "{\"id\":\"urn:x:dock-4\",\"example:gps\":[1.5,2]}",
			   "{\"id\":\"urn:x:dock-4\",\"example:gps\":[\"1.5\",2]}");
		char want[512];
		snprintf(want, sizeof(want), "%s: must be an object with an id", k);
		S_field_fails(k, "\"" SGLN "\"", GT_EINVAL, want);
		S_field_fails(k, "{}", GT_EINVAL, want);
		S_field_fails(k, "[{\"id\":\"" SGLN "\"}]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s.id: must be a string (a URI)", k);
		S_field_fails(k, "{\"id\":5}", GT_EINVAL, want);
		snprintf(want, sizeof(want),
			 "%s.id: urn:epc:id:sgln: company prefix and location reference must have "
			 "12 digits together, not 11",
			 k);
		S_field_fails(k, "{\"id\":\"urn:epc:id:sgln:0614141.0734.1\"}", GT_EINVAL, want);
	}
}

Test(epcis, sources_and_destinations)
{
	S_field_is("sourceList",
		   "[{\"type\":\"possessing_party\",\"source\":\"" PGLN "\"},"
		   "{\"type\":\"urn:epcglobal:cbv:sdt:location\",\"source\":\"" SGLN "\"},"
		   "{\"type\":\"https://ref.gs1.org/cbv/SDT-owning_party\",\"source\":"
		   "\"urn:goodtrace:org:county-clinic\"},"
		   "{\"type\":\"cbv:SDT-owning_party\",\"source\":\"" WEB "\"},"
		   "{\"type\":\"urn:example:sdt:carrier\",\"source\":\"urn:x:c\"}]",
		   "[{\"type\":\"possessing_party\",\"source\":\"" PGLN_DL "\"},"
		   "{\"type\":\"location\",\"source\":\"" SGLN_DL "\"},"
		   "{\"type\":\"owning_party\",\"source\":\"urn:goodtrace:org:county-clinic\"},"
		   "{\"type\":\"owning_party\",\"source\":\"" WEB_DL "\"},"
		   "{\"type\":\"urn:example:sdt:carrier\",\"source\":\"urn:x:c\"}]");
	S_field_is("destinationList",
		   "{\"type\":\"urn:epcglobal:cbv:sdt:owning_party\",\"destination\":\"" SGLN0
		   "\"}",
		   "[{\"type\":\"owning_party\",\"destination\":\"" SGLN0_DL "\"}]");
	static const char *const keys[][2] = {{"sourceList", "source"},
					      {"destinationList", "destination"}};
	for (size_t i = 0; i < 2; i++) {
		const char *l = keys[i][0], *k = keys[i][1];
		char v[512], want[512];
		snprintf(v, sizeof(v), "[{\"%s\":\"urn:x:a\"}]", k);
		snprintf(want, sizeof(want), "%s[0]: type is required", l);
		S_field_fails(l, v, GT_EINVAL, want);
		snprintf(v, sizeof(v), "[{\"type\":\"location\"}]");
		snprintf(want, sizeof(want), "%s[0]: %s is required", l, k);
		S_field_fails(l, v, GT_EINVAL, want);
		snprintf(v, sizeof(v), "[{\"type\":\"owner\",\"%s\":\"urn:x:a\"}]", k);
		snprintf(want, sizeof(want),
			 "%s[0].type: \"owner\" is not a CBV source/destination type; a type of "
			 "your own must be a URI",
			 l);
		S_field_fails(l, v, GT_EINVAL, want);
		snprintf(v, sizeof(v), "[{\"type\":\"location\",\"%s\":\"" BAD_SGTIN "\"}]", k);
		snprintf(want, sizeof(want), "%s[0].%s: " BAD_SGTIN_MSG, l, k);
		S_field_fails(l, v, GT_EINVAL, want);
		snprintf(v, sizeof(v), "[{\"type\":\"location\",\"%s\":\"urn:x:a\",\"id\":1}]", k);
		snprintf(want, sizeof(want), "%s[0]: unknown field id", l);
		S_field_fails(l, v, GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s[0]: must be an object", l);
		S_field_fails(l, "[\"urn:x:a\"]", GT_EINVAL, want);
		snprintf(want, sizeof(want), "%s: must be a list", l);
		S_field_fails(l, "\"urn:x:a\"", GT_EINVAL, want);
		/* At most 100. */
		gt_buf b = GT_BUF_INIT;
		gt_buf_addstr(&b, "[");
		for (int n = 0; n < 101; n++) {
			snprintf(v, sizeof(v), "%s{\"type\":\"location\",\"%s\":\"urn:x:%d\"}",
				 n ? "," : "", k, n);
			gt_buf_addstr(&b, v);
		}
		gt_buf_addstr(&b, "]");
		snprintf(want, sizeof(want), "%s: 101 items; at most 100 are allowed", l);
		S_field_fails(l, (const char *)b.data, GT_ETOOBIG, want);
		gt_buf_done(&b);
	}
}

Test(epcis, business_transactions)
{
	S_field_is(
		"bizTransactionList",
		"[{\"type\":\"po\",\"bizTransaction\":\"http://transaction.acme.com/po/1\"},"
		"{\"type\":\"urn:epcglobal:cbv:btt:desadv\",\"bizTransaction\":"
		"\"urn:epcglobal:cbv:bt:0614141073467:1152\"},"
		"{\"type\":\"https://ref.gs1.org/cbv/BTT-inv\",\"bizTransaction\":\"" GDTI "\"},"
		"{\"bizTransaction\":\"" WEB "\"},"
		"{\"type\":\"urn:gs1:epcisapp:rail:btt:passage\",\"bizTransaction\":\"urn:x:p\"}]",
		"[{\"type\":\"po\",\"bizTransaction\":\"http://transaction.acme.com/po/1\"},"
		"{\"type\":\"desadv\",\"bizTransaction\":"
		"\"urn:epcglobal:cbv:bt:0614141073467:1152\"},"
		"{\"type\":\"inv\",\"bizTransaction\":\"" GDTI_DL "\"},"
		"{\"bizTransaction\":\"" WEB_DL "\"},"
		"{\"type\":\"urn:gs1:epcisapp:rail:btt:passage\",\"bizTransaction\":\"urn:x:p\"}]");
	S_field_fails("bizTransactionList", "[{\"type\":\"order\",\"bizTransaction\":\"urn:x:1\"}]",
		      GT_EINVAL,
		      "bizTransactionList[0].type: \"order\" is not a CBV business transaction "
		      "type; a type of your own must be a URI");
	S_field_fails("bizTransactionList",
		      "[{\"type\":\"urn:epcglobal:cbv:bt:0614141073467:1152\","
		      "\"bizTransaction\":\"urn:x:1\"}]",
		      GT_EINVAL,
		      "bizTransactionList[0].type: \"urn:epcglobal:cbv:bt:0614141073467:1152\" is "
		      "not a CBV business transaction type");
	S_field_fails("bizTransactionList", "[{\"type\":\"po\"}]", GT_EINVAL,
		      "bizTransactionList[0]: bizTransaction is required");
	S_field_fails("bizTransactionList", "[{\"bizTransaction\":\"urn:x:1\",\"x\":1}]", GT_EINVAL,
		      "bizTransactionList[0]: unknown field x");
	S_field_fails("bizTransactionList", "[{\"bizTransaction\":\"urn:x:1\",\"type\":2}]",
		      GT_EINVAL, "bizTransactionList[0].type: must be a string");
	S_field_fails("bizTransactionList", "[{\"bizTransaction\":\"nope\"}]", GT_EINVAL,
		      "bizTransactionList[0].bizTransaction: \"nope\" is not an absolute URI: it "
		      "needs a scheme such as urn: or https:");
}

Test(epcis, vocabulary)
{
	S_field_is("bizStep", "\"urn:epcglobal:cbv:bizstep:shipping\"", "\"shipping\"");
	S_field_is("bizStep", "\"https://ref.gs1.org/cbv/BizStep-dispensing\"", "\"dispensing\"");
	S_field_is("bizStep", "\"cbv:BizStep-receiving\"", "\"receiving\"");
	S_field_is("bizStep", "\"shipping\"", "\"shipping\"");
	S_field_is("bizStep", "\"http://epcis.example.org/hc/bizstep/summarising_discharge\"",
		   "\"http://epcis.example.org/hc/bizstep/summarising_discharge\"");
	S_field_is("disposition", "\"urn:epcglobal:cbv:disp:in_transit\"", "\"in_transit\"");
	S_field_is("disposition", "\"http://ref.gs1.org/cbv/Disp-destroyed\"", "\"destroyed\"");
	S_field_is("disposition", "\"urn:example:disp:quarantined\"",
		   "\"urn:example:disp:quarantined\"");
	S_field_fails("bizStep", "\"shiping\"", GT_EINVAL,
		      "bizStep: \"shiping\" is not a CBV business step; a step of your own must "
		      "be a URI");
	S_field_fails("bizStep", "\"urn:epcglobal:cbv:disp:active\"", GT_EINVAL,
		      "bizStep: \"urn:epcglobal:cbv:disp:active\" is a CBV disposition, not a "
		      "business step");
	S_field_fails("bizStep", "[\"shipping\"]", GT_EINVAL, "bizStep: must be a string");
	S_field_fails("disposition", "\"quarantined\"", GT_EINVAL,
		      "disposition: \"quarantined\" is not a CBV disposition; a disposition of "
		      "your own must be a URI");
	S_field_fails("disposition", "\"\"", GT_EINVAL, "disposition: the disposition is empty");
	S_field_fails("disposition", "null", GT_EINVAL, "disposition: must be a string");
}

Test(epcis, persistent_disposition)
{
	S_field_is("persistentDisposition",
		   "{\"set\":[\"urn:epcglobal:cbv:disp:completeness_inferred\",\"recalled\"],"
		   "\"unset\":[\"https://ref.gs1.org/cbv/Disp-completeness_verified\","
		   "\"urn:example:disp:q\"]}",
		   "{\"set\":[\"completeness_inferred\",\"recalled\"],"
		   "\"unset\":[\"completeness_verified\",\"urn:example:disp:q\"]}");
	S_field_is("persistentDisposition", "{\"set\":[]}", "{\"set\":[]}");
	S_field_is("persistentDisposition", "{}", "{}");
	S_field_fails("persistentDisposition", "[\"recalled\"]", GT_EINVAL,
		      "persistentDisposition: must be an object");
	S_field_fails("persistentDisposition", "{\"add\":[\"recalled\"]}", GT_EINVAL,
		      "persistentDisposition: unknown field add (set or unset)");
	S_field_fails("persistentDisposition", "{\"set\":\"recalled\"}", GT_EINVAL,
		      "persistentDisposition.set: must be a list of dispositions");
	S_field_fails("persistentDisposition", "{\"unset\":{}}", GT_EINVAL,
		      "persistentDisposition.unset: must be a list of dispositions");
	S_field_fails("persistentDisposition", "{\"set\":[\"recalled\",\"shipping\"]}", GT_EINVAL,
		      "persistentDisposition.set[1]: \"shipping\" is not a CBV disposition; a "
		      "disposition of your own must be a URI");
	S_field_fails("persistentDisposition", "{\"unset\":[1]}", GT_EINVAL,
		      "persistentDisposition.unset[0]: must be a string");
	gt_buf b = GT_BUF_INIT;
	gt_buf_addstr(&b, "{\"set\":[");
	for (int i = 0; i < 101; i++)
		gt_buf_addstr(&b, i ? ",\"recalled\"" : "\"recalled\"");
	gt_buf_addstr(&b, "]}");
	S_field_fails("persistentDisposition", (const char *)b.data, GT_EINVAL,
		      "persistentDisposition.set: must be a list of dispositions");
	gt_buf_done(&b);
}

Test(epcis, error_declaration)
{
	S_field_is("errorDeclaration",
		   "{\"declarationTime\":\"2027-01-01T00:00:00.000+01:00\","
		   "\"reason\":\"urn:epcglobal:cbv:er:incorrect_data\","
		   "\"correctiveEventIDs\":[\"urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8\","
		   "\"" SGTIN "\"],\"example:vendorErrorCode\":3.5}",
		   "{\"declarationTime\":\"2027-01-01T00:00:00.000+01:00\","
		   "\"reason\":\"incorrect_data\","
		   "\"correctiveEventIDs\":[\"urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8\","
		   "\"" SGTIN_DL "\"],\"example:vendorErrorCode\":\"3.5\"}");
	S_field_is("errorDeclaration",
		   "{\"declarationTime\":\"2027-01-01T00:00:00Z\",\"reason\":\"did_not_occur\"}",
		   "{\"declarationTime\":\"2027-01-01T00:00:00Z\",\"reason\":\"did_not_occur\"}");
	S_field_is("errorDeclaration", "{\"declarationTime\":\"2027-01-01T00:00:00Z\"}",
		   "{\"declarationTime\":\"2027-01-01T00:00:00Z\"}");
	static const char *const t = "errorDeclaration.declarationTime: must be a time like "
				     "2026-11-23T08:00:00.000+08:00";
	S_field_fails("errorDeclaration", "{}", GT_EINVAL, t);
	S_field_fails("errorDeclaration", "{\"declarationTime\":\"2027-01-01\"}", GT_EINVAL, t);
	S_field_fails("errorDeclaration", "{\"declarationTime\":1}", GT_EINVAL, t);
	S_field_fails("errorDeclaration", "\"2027-01-01T00:00:00Z\"", GT_EINVAL,
		      "errorDeclaration: must be an object");
	S_field_fails("errorDeclaration",
		      "{\"declarationTime\":\"2027-01-01T00:00:00Z\",\"reason\":\"wrong\"}",
		      GT_EINVAL,
		      "errorDeclaration.reason: \"wrong\" is not a CBV error reason; a reason of "
		      "your own must be a URI");
	S_field_fails("errorDeclaration",
		      "{\"declarationTime\":\"2027-01-01T00:00:00Z\",\"correctiveEventIDs\":"
		      "[\"urn:x:1\",2]}",
		      GT_EINVAL,
		      "errorDeclaration.correctiveEventIDs[1]: must be a string (a URI)");
	S_field_fails("errorDeclaration",
		      "{\"declarationTime\":\"2027-01-01T00:00:00Z\",\"correctiveEventIDs\":5}",
		      GT_EINVAL,
		      "errorDeclaration.correctiveEventIDs: must be a list of identifiers");
}

Test(epcis, sensor_element_list)
{
	S_field_is("sensorElementList",
		   "[{\"sensorMetadata\":{\"time\":\"2019-04-02T14:05:00.000+01:00\","
		   "\"deviceID\":\"urn:epc:id:giai:4000001.111\"},"
		   "\"sensorReport\":[{\"type\":\"Temperature\",\"value\":26.0,\"uom\":\"CEL\"},"
		   "{\"type\":\"Humidity\",\"value\":12.1,\"uom\":\"A93\",\"minValue\":10,"
		   "\"maxValue\":12.25,\"meanValue\":11.5,\"sDev\":0.25,\"percRank\":50,"
		   "\"percValue\":11.75}]}]",
		   "[{\"sensorMetadata\":{\"time\":\"2019-04-02T14:05:00.000+01:00\","
		   "\"deviceID\":\"urn:epc:id:giai:4000001.111\"},"
		   "\"sensorReport\":[{\"type\":\"Temperature\",\"value\":\"26\",\"uom\":\"CEL\"},"
		   "{\"type\":\"Humidity\",\"value\":\"12.1\",\"uom\":\"A93\",\"minValue\":10,"
		   "\"maxValue\":\"12.25\",\"meanValue\":\"11.5\",\"sDev\":\"0.25\","
		   "\"percRank\":50,\"percValue\":\"11.75\"}]}]");
	S_field_is("sensorElementList", "[]", "[]");
	S_field_fails("sensorElementList", "{\"sensorReport\":[]}", GT_EINVAL,
		      "sensorElementList: must be a list");
	S_field_fails("sensorElementList", "\"x\"", GT_EINVAL, "sensorElementList: must be a list");
}

Test(epcis, record_time_dropped)
{
	json_t *out = S_ok(OBJ_EPC ",\"recordTime\":\"2026-11-23T09:00:00Z\"}");
	cr_assert_null(json_object_get(out, "recordTime"));
	json_decref(out);
	/* Whatever it holds: the server sets it. */
	out = S_ok(OBJ_EPC ",\"recordTime\":5.5}");
	cr_assert_null(json_object_get(out, "recordTime"));
	json_decref(out);
}

/* A list of n identifiers (or quantity elements) in field key. */
static json_t *S_big(const char *key, size_t n, bool quantities)
{
	char text[1024];
	snprintf(text, sizeof(text), "%s}", S_frame(key));
	json_t *ev = tu_json(text);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		char id[64];
		snprintf(id, sizeof(id), "urn:epc:id:sgtin:0614141.107346.%zu", i);
		json_array_append_new(a, quantities ? json_pack("{s:s, s:i}", "epcClass", id,
								"quantity", (int)i) :
						      json_string(id));
	}
	json_object_set_new(ev, key, a);
	return ev;
}

Test(epcis, list_limits)
{
	static const char *const ids[] = {"epcList", "childEPCs", "inputEPCList", "outputEPCList"};
	static const char *const qs[] = {"quantityList", "childQuantityList", "inputQuantityList",
					 "outputQuantityList"};
	for (size_t i = 0; i < 8; i++) {
		bool q = i >= 4;
		const char *k = q ? qs[i - 4] : ids[i];
		/* GT_EPCIS_LIST_MAX is allowed. */
		json_t *ev = S_big(k, GT_EPCIS_LIST_MAX, q), *out = NULL;
		gt_error e = {0};
		cr_assert_eq(gt_epcis_event(ev, &out, &e), 0, "%s: %s", k, e.msg);
		cr_assert_eq(json_array_size(json_object_get(out, k)), GT_EPCIS_LIST_MAX);
		const json_t *x = json_array_get(json_object_get(out, k), 7);
		if (q)
			x = json_object_get(x, "epcClass");
		cr_assert_str_eq(json_string_value(x), "https://id.gs1.org/01/10614141073464/21/7");
		json_decref(out);
		json_decref(ev);
		/* One more is not. */
		ev = S_big(k, GT_EPCIS_LIST_MAX + 1, q);
		char want[256];
		snprintf(want, sizeof(want), "%s: %d %s; at most %d are allowed", k,
			 GT_EPCIS_LIST_MAX + 1, q ? "elements" : "identifiers", GT_EPCIS_LIST_MAX);
		S_fails_v(ev, k, GT_ETOOBIG, want);
		json_decref(ev);
	}
}

Test(epcis, normalised_event_is_stable)
{
	/* Rendered back and normalised again, a kept event is the same. */
	json_t *kept =
		S_ok("{\"type\":\"ObjectEvent\",\"eventTime\":\"2013-06-08T14:58:56.591Z\","
		     "\"action\":\"OBSERVE\",\"bizStep\":\"urn:epcglobal:cbv:bizstep:receiving\","
		     "\"disposition\":\"in_progress\",\"readPoint\":{\"id\":\"" SGLN0 "\"},"
		     "\"quantityList\":[{\"epcClass\":\"" LGTIN
		     "\",\"quantity\":200.5,\"uom\":\"KGM\"}],"
		     "\"sourceList\":[{\"type\":\"possessing_party\",\"source\":\"" PGLN "\"}],"
		     "\"sensorElementList\":[{\"sensorReport\":[{\"value\":-3.5}]}],"
		     "\"example:myField\":\"x\"}");
	json_t *shown = gt_epcis_render(kept, "2026-11-23T09:00:00.000Z");
	cr_assert_not_null(shown);
	char *text = S_dump(shown);
	json_t *again = S_ok(text);
	free(text);
	char *a = S_dump(kept), *b = S_dump(again);
	cr_assert(json_equal(kept, again), "\n %s\n %s", a, b);
	free(a);
	free(b);
	json_decref(kept);
	json_decref(shown);
	json_decref(again);
}

/* ---- documents ------------------------------------------------------------------ */

static void S_doc_fails(const char *text, const char *want)
{
	json_t *d = json_loads(text, JSON_DECODE_ANY, NULL);
	cr_assert_not_null(d, "%s", text);
	const json_t *events = (const json_t *)0x1;
	json_t *ctx = (json_t *)0x1;
	gt_error e = {0};
	int rc = gt_epcis_document(d, &events, &ctx, &e);
	cr_assert_eq(rc, GT_EINVAL, "%s: %d", text, rc);
	cr_assert_str_eq(e.msg, want, "%s\n got:  %s\n want: %s", text, e.msg, want);
	cr_assert_eq(events, (const json_t *)0x1);
	cr_assert_eq(ctx, (json_t *)0x1);
	json_decref(d);
}

/* The document's events (borrowed) and @context objects, as JSON text. */
static void S_doc_is(const char *text, size_t n_events, const char *want_ctx)
{
	json_t *d = tu_json(text), *ctx = NULL, *want = tu_json(want_ctx);
	const json_t *events = NULL;
	gt_error e = {0};
	cr_assert_eq(gt_epcis_document(d, &events, &ctx, &e), 0, "%s: %s", text, e.msg);
	cr_assert(json_is_array(events));
	cr_assert_eq(json_array_size(events), n_events);
	char *g = S_dump(ctx);
	cr_assert(json_equal(ctx, want), "%s\n got:  %s\n want: %s", text, g, want_ctx);
	free(g);
	json_decref(ctx);
	json_decref(want);
	json_decref(d);
}

Test(epcis, document)
{
	S_doc_is("{\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		 "{\"eventList\":[{},{},{}]}}",
		 3, "[]");
	S_doc_is("{\"@context\":[\"https://ref.gs1.org/standards/epcis/2.0.0/"
		 "epcis-context.jsonld\",{\"example\":\"http://ns.example.com/epcis/\"},"
		 "{\"rail\":\"urn:gs1:epcisapp:rail:\"},5],"
		 "\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		 "{\"eventList\":[]}}",
		 0,
		 "[{\"example\":\"http://ns.example.com/epcis/\"},"
		 "{\"rail\":\"urn:gs1:epcisapp:rail:\"}]");
	S_doc_is("{\"@context\":{\"example\":\"http://ns.example.com/epcis/\"},"
		 "\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		 "{\"eventList\":[{}]}}",
		 1, "[{\"example\":\"http://ns.example.com/epcis/\"}]");
	S_doc_is("{\"@context\":\"https://ref.gs1.org/standards/epcis/2.0.0/"
		 "epcis-context.jsonld\",\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.1\","
		 "\"epcisBody\":{\"eventList\":[{}]}}",
		 1, "[]");
	/* The events are the document's own. */
	json_t *d = tu_json("{\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\","
			    "\"epcisBody\":{\"eventList\":[{\"a\":1}]}}"),
	       *ctx;
	const json_t *ev;
	cr_assert_eq(gt_epcis_document(d, &ev, &ctx, NULL), 0);
	cr_assert_eq(ev, json_object_get(json_object_get(d, "epcisBody"), "eventList"));
	json_decref(ctx);
	json_decref(d);
}

Test(epcis, query_document)
{
	S_doc_is("{\"@context\":[\"https://ref.gs1.org/standards/epcis/2.0.0/"
		 "epcis-context.jsonld\",{\"ex\":\"urn:ex:\"}],"
		 "\"type\":\"EPCISQueryDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		 "{\"queryResults\":{\"queryName\":\"SimpleEventQuery\",\"resultsBody\":"
		 "{\"eventList\":[{},{}]}}}}",
		 2, "[{\"ex\":\"urn:ex:\"}]");
	/* A query document's eventList is under queryResults.resultsBody only. */
	S_doc_fails("{\"type\":\"EPCISQueryDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		    "{\"eventList\":[{}]}}",
		    "epcisBody.queryResults.resultsBody.eventList: required, a list of events");
	S_doc_fails("{\"type\":\"EPCISQueryDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		    "{\"queryResults\":{\"resultsBody\":{\"eventList\":{}}}}}",
		    "epcisBody.queryResults.resultsBody.eventList: required, a list of events");
	S_doc_fails("{\"type\":\"EPCISQueryDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		    "{\"queryResults\":[]}}",
		    "epcisBody.queryResults.resultsBody.eventList: required, a list of events");
}

Test(epcis, document_refusals)
{
	static const char *const body = "the body must be an EPCIS 2.0 document (a JSON object)";
	S_doc_fails("[]", body);
	S_doc_fails("\"EPCISDocument\"", body);
	S_doc_fails("null", body);
	static const char *const type =
		"type: must be \"EPCISDocument\" (or \"EPCISQueryDocument\")";
	S_doc_fails("{\"schemaVersion\":\"2.0\",\"epcisBody\":{\"eventList\":[]}}", type);
	S_doc_fails("{\"type\":\"ObjectEvent\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		    "{\"eventList\":[]}}",
		    type);
	S_doc_fails("{\"type\":\"epcisDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		    "{\"eventList\":[]}}",
		    type);
	S_doc_fails("{\"type\":[\"EPCISDocument\"]}", type);
	static const char *const ver = "schemaVersion: must be \"2.0\" (EPCIS 2.0)";
	S_doc_fails("{\"type\":\"EPCISDocument\",\"epcisBody\":{\"eventList\":[]}}", ver);
	S_doc_fails("{\"type\":\"EPCISDocument\",\"schemaVersion\":\"1.2\",\"epcisBody\":"
		    "{\"eventList\":[]}}",
		    ver);
	S_doc_fails("{\"type\":\"EPCISDocument\",\"schemaVersion\":2.0,\"epcisBody\":"
		    "{\"eventList\":[]}}",
		    ver);
	S_doc_fails("{\"type\":\"EPCISDocument\",\"schemaVersion\":\"2\",\"epcisBody\":"
		    "{\"eventList\":[]}}",
		    ver);
	static const char *const b = "epcisBody: required, an object";
	S_doc_fails("{\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\"}", b);
	S_doc_fails("{\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":[]}", b);
	S_doc_fails("{\"type\":\"EPCISQueryDocument\",\"schemaVersion\":\"2.0\"}", b);
	static const char *const list = "epcisBody.eventList: required, a list of events";
	S_doc_fails("{\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":{}}",
		    list);
	S_doc_fails("{\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		    "{\"eventList\":{\"type\":\"ObjectEvent\"}}}",
		    list);
	S_doc_fails("{\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":"
		    "{\"queryResults\":{\"resultsBody\":{\"eventList\":[]}}}}",
		    list);
}

/* ---- rendering ------------------------------------------------------------------ */

Test(epcis, render)
{
	json_t *kept = tu_json(
		"{\"type\":\"ObjectEvent\",\"eventID\":\"urn:x:1\",\"quantityList\":["
		"{\"epcClass\":\"urn:x:a\",\"quantity\":\"200.5\",\"uom\":\"KGM\"},"
		"{\"epcClass\":\"urn:x:b\",\"quantity\":7},{\"epcClass\":\"urn:x:c\"}],"
		"\"childQuantityList\":[{\"epcClass\":\"urn:x:d\",\"quantity\":\"1e-07\"}],"
		"\"inputQuantityList\":[{\"epcClass\":\"urn:x:e\",\"quantity\":\"0.5\"}],"
		"\"outputQuantityList\":[{\"epcClass\":\"urn:x:f\",\"quantity\":\"2.25\"}],"
		"\"sensorElementList\":[{\"sensorMetadata\":{\"time\":\"x\"},\"sensorReport\":["
		"{\"type\":\"Temperature\",\"value\":\"26.5\",\"minValue\":\"-1.5\","
		"\"maxValue\":\"30.25\",\"meanValue\":\"27.5\",\"sDev\":\"0.125\","
		"\"percRank\":\"50.5\",\"percValue\":\"26.75\",\"uom\":\"CEL\","
		"\"stringValue\":\"12.5\"},{\"value\":\"abc\"},{\"value\":3},"
		"{\"value\":\"1.5x\"},{\"value\":\"\"}]},\"junk\",{\"sensorReport\":5}],"
		"\"example:x\":\"2.5\",\"recordTime\":\"2000-01-01T00:00:00Z\"}");
	json_t *copy = json_deep_copy(kept);
	json_t *r = gt_epcis_render(kept, "2026-11-23T09:00:00.000Z");
	cr_assert_not_null(r);
	cr_assert(json_equal(kept, copy), "the kept event was changed");
	json_t *want = tu_json(
		"{\"type\":\"ObjectEvent\",\"eventID\":\"urn:x:1\",\"quantityList\":["
		"{\"epcClass\":\"urn:x:a\",\"quantity\":200.5,\"uom\":\"KGM\"},"
		"{\"epcClass\":\"urn:x:b\",\"quantity\":7},{\"epcClass\":\"urn:x:c\"}],"
		"\"childQuantityList\":[{\"epcClass\":\"urn:x:d\",\"quantity\":1e-07}],"
		"\"inputQuantityList\":[{\"epcClass\":\"urn:x:e\",\"quantity\":0.5}],"
		"\"outputQuantityList\":[{\"epcClass\":\"urn:x:f\",\"quantity\":2.25}],"
		"\"sensorElementList\":[{\"sensorMetadata\":{\"time\":\"x\"},\"sensorReport\":["
		"{\"type\":\"Temperature\",\"value\":26.5,\"minValue\":-1.5,"
		"\"maxValue\":30.25,\"meanValue\":27.5,\"sDev\":0.125,"
		"\"percRank\":50.5,\"percValue\":26.75,\"uom\":\"CEL\","
		"\"stringValue\":\"12.5\"},{\"value\":\"abc\"},{\"value\":3},"
		"{\"value\":\"1.5x\"},{\"value\":\"\"}]},\"junk\",{\"sensorReport\":5}],"
		"\"example:x\":\"2.5\",\"recordTime\":\"2026-11-23T09:00:00.000Z\"}");
	char *g = S_dump(r), *w = S_dump(want);
	cr_assert(json_equal(r, want), "\n got:  %s\n want: %s", g, w);
	free(g);
	free(w);
	json_decref(want);
	json_decref(r);
	json_decref(copy);
	json_decref(kept);
}

Test(epcis, render_the_numbers_kept)
{
	/* What normalising made text, rendering makes the same number again. */
	static const char *const nums[] = {"200.5", "0.1",    "1e-7",	"1.0",
					   "-2.5",  "1e+300", "5e-324", "0.30000000000000004"};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text),
			 OBJ "\"quantityList\":[{\"epcClass\":\"urn:x:a\",\"quantity\":%s}],"
			     "\"sensorElementList\":[{\"sensorReport\":[{\"value\":%s}]}]}",
			 nums[i][0] == '-' ? "2.5" : nums[i], nums[i]);
		json_t *kept = S_ok(text);
		json_t *r = gt_epcis_render(kept, "2026-11-23T09:00:00Z");
		cr_assert_not_null(r);
		json_t *q = json_object_get(json_array_get(json_object_get(r, "quantityList"), 0),
					    "quantity");
		json_t *v = json_object_get(
			json_array_get(
				json_object_get(
					json_array_get(json_object_get(r, "sensorElementList"), 0),
					"sensorReport"),
				0),
			"value");
		cr_assert(json_is_real(q), "%s", nums[i]);
		cr_assert(json_is_real(v), "%s", nums[i]);
		cr_assert_eq(json_real_value(q), strtod(nums[i][0] == '-' ? "2.5" : nums[i], NULL),
			     "%s", nums[i]);
		cr_assert_eq(json_real_value(v), strtod(nums[i], NULL), "%s", nums[i]);
		cr_assert_str_eq(json_string_value(json_object_get(r, "recordTime")),
				 "2026-11-23T09:00:00Z");
		json_decref(r);
		json_decref(kept);
	}
}

/* ---- the GS1 examples of the test data ------------------------------------------ */

Test(epcis, every_example_document)
{
	const char *td = getenv("GT_TESTDATA");
	cr_assert_not_null(td, "GT_TESTDATA is not set");
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/epcis", td);
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "cannot open %s", dir);
	size_t files = 0, events = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 7 || strcmp(de->d_name + n - 7, ".jsonld") != 0)
			continue;
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		json_error_t je;
		json_t *doc = json_load_file(path, 0, &je);
		cr_assert_not_null(doc, "%s: %s", path, je.text);
		const json_t *list;
		json_t *ctx;
		gt_error e = {0};
		cr_assert_eq(gt_epcis_document(doc, &list, &ctx, &e), 0, "%s: %s", path, e.msg);
		cr_assert_gt(json_array_size(list), 0, "%s", path);
		size_t i;
		const json_t *ev;
		json_array_foreach(list, i, ev)
		{
			json_t *out;
			cr_assert_eq(gt_epcis_event(ev, &out, &e), 0, "%s: event %zu: %s", path, i,
				     e.msg);
			cr_assert(!gt_json_has_real(out));
			/* No EPC URN is left: every one became a Digital Link
			 * (extension fields are kept as given). */
			json_t *std = json_deep_copy(out);
			const char *k;
			json_t *v, *tmp;
			json_object_foreach_safe(std, tmp, k, v) if (strchr(k, ':'))
				json_object_del(std, k);
			char *txt = S_dump(std);
			json_decref(std);
			cr_assert_null(strstr(txt, "urn:epc:id:"), "%s: event %zu: %s", path, i,
				       txt);
			cr_assert_null(strstr(txt, "urn:epc:class:"), "%s", txt);
			free(txt);
			const json_t *id = json_object_get(ev, "eventID");
			if (id)
				cr_assert(json_equal(id, json_object_get(out, "eventID")));
			json_t *r = gt_epcis_render(out, "2026-11-23T09:00:00Z");
			cr_assert_not_null(r);
			json_decref(r);
			json_decref(out);
			events++;
		}
		json_decref(ctx);
		json_decref(doc);
		files++;
	}
	closedir(d);
	cr_assert_geq(files, 4);
	cr_assert_geq(events, 6);
}

Test(epcis, example_9_6_1_normalised)
{
	const char *td = getenv("GT_TESTDATA");
	cr_assert_not_null(td, "GT_TESTDATA is not set");
	char path[1024];
	snprintf(path, sizeof(path), "%s/epcis/Example_9.6.1-ObjectEvent.jsonld", td);
	json_t *doc = json_load_file(path, 0, NULL), *ctx, *out;
	cr_assert_not_null(doc, "%s", path);
	const json_t *list;
	cr_assert_eq(gt_epcis_document(doc, &list, &ctx, NULL), 0);
	json_t *want = tu_json("[{\"example\":\"http://ns.example.com/epcis/\"}]");
	cr_assert(json_equal(ctx, want));
	json_decref(want);
	gt_error e = {0};
	cr_assert_eq(gt_epcis_event(json_array_get(list, 1), &out, &e), 0, "%s", e.msg);
	want = tu_json(
		"{\"eventID\":\"ni:///sha-256;00e1e6eba3a7cc6125be4793a631f0af50f8322e0ab5f2c0bab9"
		"94a11cec1d79?ver=CBV2.0\",\"type\":\"ObjectEvent\",\"action\":\"OBSERVE\","
		"\"bizStep\":\"receiving\",\"disposition\":\"in_progress\","
		"\"epcList\":[\"" SGTIN2_DL "\"],"
		"\"eventTime\":\"2005-04-04T20:33:31.116-06:00\",\"eventTimeZoneOffset\":\"-06:00\","
		"\"readPoint\":{\"id\":\"https://id.gs1.org/414/0012345111112/254/400\"},"
		"\"bizLocation\":{\"id\":\"https://id.gs1.org/414/0012345111112\"},"
		"\"bizTransactionList\":[{\"type\":\"po\",\"bizTransaction\":"
		"\"http://transaction.acme.com/po/12345678\"},{\"type\":\"desadv\","
		"\"bizTransaction\":\"urn:epcglobal:cbv:bt:0614141073467:1152\"}],"
		"\"example:myField\":\"Example of a vendor/user extension\"}");
	char *g = S_dump(out), *w = S_dump(want);
	cr_assert(json_equal(out, want), "\n got:  %s\n want: %s", g, w);
	free(g);
	free(w);
	json_decref(want);
	json_decref(out);
	json_decref(ctx);
	json_decref(doc);
}
