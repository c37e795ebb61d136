/* Unit tests for src/give/audit.c: hand-written give entries replayed into
 * campaigns' accounts, statuses, days, categories and donors; what a
 * donation paid for; the sample of donations; malformed entries refused
 * naming their index; and the field-by-field comparison. */
#include <criterion/criterion.h>

#include "core/json.h"
#include "core/time.h"
#include "give/audit.h"
#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing entries ---------------------------------------------------- */

typedef struct {
	gt_audit *a;
	uint64_t next; /* the next entry's index */
} S_log;

static void S_open(S_log *l, size_t sample)
{
	gt_audit_options o = {.sample = sample};
	gt_error err = {0};
	cr_assert_eq(gt_audit_new(&o, &l->a, &err), 0, "%s", err.msg);
	l->next = 0;
}

static void S_close(S_log *l)
{
	gt_audit_free(l->a);
}

/* The canonical bytes of an entry of type at time at with data (JSON text). */
static void S_entry_bytes(const char *type, const char *at, const char *data, gt_buf *out)
{
	json_t *env = json_pack("{s:i, s:s, s:s, s:s, s:o}", "v", 1, "type", type, "at", at, "by",
				"org:hope", "data", tu_json(data));
	cr_assert_not_null(env);
	gt_buf_reset(out);
	cr_assert_eq(gt_json_canonical(env, out, NULL), 0);
	json_decref(env);
}

/* Feed the next entry; returns what gt_audit_add returned (err filled). */
static int S_try(S_log *l, const char *type, const char *at, gt_error *err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int S_try(S_log *l, const char *type, const char *at, gt_error *err, const char *fmt, ...)
{
	char data[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(data, sizeof(data), fmt, ap);
	va_end(ap);
	gt_buf b = GT_BUF_INIT;
	S_entry_bytes(type, at, data, &b);
	memset(err, 0, sizeof(*err));
	int rc = gt_audit_add(l->a, l->next++, b.data, b.len, err);
	gt_buf_done(&b);
	return rc;
}

/* Feed the next entry, which must be taken; returns its index. */
#define S_ADD(l, type, at, ...)                                                           \
	({                                                                                \
		gt_error e_;                                                              \
		uint64_t i_ = (l)->next;                                                  \
		int rc_ = S_try((l), (type), (at), &e_, __VA_ARGS__);                     \
		cr_assert_eq(rc_, 0, "entry %llu (%s) refused: %s", U(i_), type, e_.msg); \
		i_;                                                                       \
	})

/* Feed the next entry, which must be refused with GT_ECORRUPT and a
 * message naming its index and type and holding want. */
#define S_REFUSED(l, type, at, want, ...)                                                          \
	do {                                                                                       \
		gt_error e_;                                                                       \
		uint64_t i_ = (l)->next;                                                           \
		int rc_ = S_try((l), (type), (at), &e_, __VA_ARGS__);                              \
		cr_assert_eq(rc_, GT_ECORRUPT, "entry %llu (%s) taken (%d): %s", U(i_), type, rc_, \
			     e_.msg);                                                              \
		char head_[128];                                                                   \
		snprintf(head_, sizeof(head_), "entry %llu (%s): ", U(i_), type);                  \
		cr_assert(strncmp(e_.msg, head_, strlen(head_)) == 0,                              \
			  "message does not start with \"%s\": %s", head_, e_.msg);                \
		cr_assert(strstr(e_.msg, want), "message lacks \"%s\": %s", want, e_.msg);         \
	} while (0)

#define T1 "2026-11-03T09:00:00.000Z"
#define T2 "2026-11-03T23:59:59.999Z"
#define T3 "2026-11-04T00:00:00.000Z"
#define T4 "2026-11-06T12:00:00.000Z"

static const char S_campaign_fmt[] =
	"{\"id\":\"%s\",\"title\":\"Books\",\"description\":\"Books for pupils\","
	"\"beneficiary\":\"A school\",\"category\":\"education\",\"goal\":5000000%s,"
	"\"currency\":\"CNY\",\"starts\":\"2026-11-01T00:00:00.000Z\","
	"\"ends\":\"2027-01-31T00:00:00.000Z\"}";

static uint64_t S_campaign(S_log *l, const char *id, const char *extra)
{
	return S_ADD(l, "give.campaign", "2026-11-01T00:00:00.000Z", S_campaign_fmt, id, extra);
}

static uint64_t S_donate(S_log *l, const char *at, const char *campaign, long long amount,
			 const char *donor)
{
	if (donor)
		return S_ADD(l, "give.donation", at,
			     "{\"campaign\":\"%s\",\"amount\":%lld,\"code\":\"C%03lluX-0000-0000\","
			     "\"channel\":\"app\",\"donor\":\"donor:%s\",\"name\":\"W*\"}",
			     campaign, amount, U(l->next), donor);
	return S_ADD(l, "give.donation", at,
		     "{\"campaign\":\"%s\",\"amount\":%lld,\"code\":\"C%03lluX-0000-0000\","
		     "\"channel\":\"web\",\"anonymous\":true}",
		     campaign, amount, U(l->next));
}

static uint64_t S_refund(S_log *l, const char *at, const char *campaign, uint64_t donation,
			 long long amount)
{
	return S_ADD(l, "give.refund", at,
		     "{\"campaign\":\"%s\",\"donation\":%llu,\"amount\":%lld}", campaign,
		     U(donation), amount);
}

static uint64_t S_disburse(S_log *l, const char *at, const char *campaign, long long amount,
			   const char *category)
{
	return S_ADD(l, "give.disbursement", at,
		     "{\"campaign\":\"%s\",\"payee\":\"Xinhua Books\",\"payee_kind\":\"supplier\","
		     "\"purpose\":\"textbooks for grade 3\",\"category\":\"%s\",\"amount\":%lld,"
		     "\"receipt_sha256\":\"%064d\"}",
		     campaign, category, amount, 0);
}

/* The accounts of campaign id must be exactly the JSON text want. */
static void S_expect_accounts(const S_log *l, const char *id, const char *want)
{
	long c = gt_audit_campaign_find(l->a, id);
	cr_assert_geq(c, 0, "no campaign %s", id);
	json_t *got = gt_audit_accounts(l->a, (size_t)c), *w = tu_json(want);
	cr_assert_not_null(got);
	char *text = json_dumps(got, JSON_COMPACT);
	cr_assert(json_equal(got, w), "campaign %s:\n got %s\nwant %s", id, text, want);
	/* The members come in the API's order. */
	char *wtext = json_dumps(w, JSON_COMPACT | JSON_PRESERVE_ORDER);
	cr_assert_str_eq(text, wtext);
	free(text);
	free(wtext);
	json_decref(got);
	json_decref(w);
}

/* ---- accounts ----------------------------------------------------------- */

/* The example of docs/give.md: three donations on one day, one of them
 * anonymous, a refund, two disbursements. */
Test(audit, the_documented_example)
{
	S_log l;
	S_open(&l, 0);
	S_ADD(&l, "auth.org", T1, "{\"id\":\"hope\",\"name\":\"Hope\"}");
	S_campaign(&l, "books-2026", "");
	S_donate(&l, T1, "books-2026", 5000, "aaa");
	uint64_t b = S_donate(&l, T1, "books-2026", 3000, "bbb");
	S_donate(&l, T1, "books-2026", 2000, NULL);
	S_refund(&l, T1, "books-2026", b, 500);
	S_disburse(&l, T1, "books-2026", 3000, "textbooks");
	S_disburse(&l, T2, "books-2026", 3000, "textbooks");
	cr_assert_eq(gt_audit_ncampaigns(l.a), 1);
	cr_assert_str_eq(gt_audit_campaign_id(l.a, 0), "books-2026");
	cr_assert_str_eq(gt_audit_campaign_currency(l.a, 0), "CNY");
	cr_assert_eq(gt_audit_ndonations(l.a), 3);
	S_expect_accounts(
		&l, "books-2026",
		"{\"raised\":10000,\"refunded\":500,\"spent\":6000,\"balance\":3500,"
		"\"donations\":3,\"donors\":2,\"anonymous\":1,\"disbursements\":2,"
		"\"by_category\":[{\"category\":\"textbooks\",\"amount\":6000,\"count\":2}],"
		"\"days\":[{\"day\":\"2026-11-03\",\"raised\":10000,\"refunded\":500,"
		"\"spent\":6000,\"donations\":3}]}");
	S_close(&l);
}

Test(audit, an_empty_campaign)
{
	S_log l;
	S_open(&l, 10);
	S_campaign(&l, "empty", ",\"cap\":100");
	S_expect_accounts(&l, "empty",
			  "{\"raised\":0,\"refunded\":0,\"spent\":0,\"balance\":0,"
			  "\"donations\":0,\"donors\":0,\"anonymous\":0,\"disbursements\":0,"
			  "\"by_category\":[],\"days\":[]}");
	cr_assert_eq(gt_audit_nsamples(l.a), 0);
	cr_assert_eq(gt_audit_campaign_find(l.a, "other"), -1);
	S_close(&l);
}

/* Days are UTC days of each entry's at, oldest first, each with what
 * happened on it; categories are sorted; a donor counts once; campaigns
 * interleaved on the log keep their own books. */
Test(audit, days_categories_donors_and_two_campaigns)
{
	S_log l;
	S_open(&l, 0);
	S_campaign(&l, "books-2026", "");
	S_campaign(&l, "water", "");
	uint64_t d1 = S_donate(&l, T1, "books-2026", 10000, "aaa");
	S_donate(&l, T2, "water", 700, "aaa");
	S_donate(&l, T2, "books-2026", 2500, "bbb");
	S_donate(&l, T3, "books-2026", 1500, "aaa");
	S_donate(&l, T3, "books-2026", 100, NULL);
	S_donate(&l, T3, "books-2026", 100, NULL);
	S_disburse(&l, T3, "books-2026", 4000, "uniforms");
	S_disburse(&l, T3, "books-2026", 1000, "textbooks");
	S_refund(&l, T4, "books-2026", d1, 2000);
	S_disburse(&l, T4, "books-2026", 500, "transport");
	S_disburse(&l, T4, "books-2026", 1500, "textbooks");
	S_disburse(&l, T4, "water", 700, "pumps");
	S_expect_accounts(
		&l, "books-2026",
		"{\"raised\":14200,\"refunded\":2000,\"spent\":7000,\"balance\":5200,"
		"\"donations\":5,\"donors\":2,\"anonymous\":2,\"disbursements\":4,"
		"\"by_category\":[{\"category\":\"textbooks\",\"amount\":2500,\"count\":2},"
		"{\"category\":\"transport\",\"amount\":500,\"count\":1},"
		"{\"category\":\"uniforms\",\"amount\":4000,\"count\":1}],"
		"\"days\":[{\"day\":\"2026-11-03\",\"raised\":12500,\"refunded\":0,\"spent\":0,"
		"\"donations\":2},"
		"{\"day\":\"2026-11-04\",\"raised\":1700,\"refunded\":0,\"spent\":5000,"
		"\"donations\":3},"
		"{\"day\":\"2026-11-06\",\"raised\":0,\"refunded\":2000,\"spent\":2000,"
		"\"donations\":0}]}");
	S_expect_accounts(
		&l, "water",
		"{\"raised\":700,\"refunded\":0,\"spent\":700,\"balance\":0,"
		"\"donations\":1,\"donors\":1,\"anonymous\":0,\"disbursements\":1,"
		"\"by_category\":[{\"category\":\"pumps\",\"amount\":700,\"count\":1}],"
		"\"days\":[{\"day\":\"2026-11-03\",\"raised\":700,\"refunded\":0,\"spent\":0,"
		"\"donations\":1},"
		"{\"day\":\"2026-11-06\",\"raised\":0,\"refunded\":0,\"spent\":700,"
		"\"donations\":0}]}");
	cr_assert_eq(gt_audit_ndonations(l.a), 6);
	S_close(&l);
}

/* Many distinct donors (the set grows many times), each giving twice. */
Test(audit, many_donors)
{
	S_log l;
	S_open(&l, 0);
	S_campaign(&l, "big", "");
	gt_buf b = GT_BUF_INIT;
	char data[256];
	const uint64_t n = 50000;
	for (uint64_t i = 0; i < 2 * n; i++) {
		snprintf(data, sizeof(data),
			 "{\"campaign\":\"big\",\"amount\":1,\"code\":\"X\",\"channel\":\"app\","
			 "\"donor\":\"donor:%llu\"}",
			 U(i % n));
		S_entry_bytes("give.donation", T1, data, &b);
		gt_error err = {0};
		CHECK(gt_audit_add(l.a, l.next++, b.data, b.len, &err) == 0, "%s", err.msg);
	}
	gt_buf_done(&b);
	json_t *acc = gt_audit_accounts(l.a, 0);
	cr_assert_eq(json_integer_value(json_object_get(acc, "donors")), (json_int_t)n);
	cr_assert_eq(json_integer_value(json_object_get(acc, "donations")), (json_int_t)(2 * n));
	cr_assert_eq(json_integer_value(json_object_get(acc, "raised")), (json_int_t)(2 * n));
	json_decref(acc);
	S_close(&l);
}

/* ---- what a donation paid for -------------------------------------------- */

/* docs/give.md's picture: A ¥50, B ¥20, C ¥1; disbursements of ¥30 and ¥30;
 * ¥5 of B refunded; a disbursement of ¥6 takes B's last ¥5 and C's ¥1. */
Test(audit, follow_names_disbursements_by_entry)
{
	S_log l;
	S_open(&l, 10);
	S_campaign(&l, "books-2026", "");
	uint64_t a = S_donate(&l, T1, "books-2026", 5000, "aaa");
	uint64_t b = S_donate(&l, T1, "books-2026", 2000, "bbb");
	S_donate(&l, T1, "books-2026", 100, NULL);
	uint64_t j1 = S_disburse(&l, T1, "books-2026", 3000, "textbooks");
	uint64_t j2 = S_disburse(&l, T1, "books-2026", 3000, "textbooks");
	S_refund(&l, T1, "books-2026", b, 500);
	S_ADD(&l, "give.confirm", T1, "{\"disbursement\":%llu,\"note\":\"received\"}", U(j2));
	uint64_t j3 = S_disburse(&l, T1, "books-2026", 600, "textbooks");
	gt_give_part p[4];
	size_t n;
	int64_t unspent, refunded;
	cr_assert_eq(gt_audit_follow(l.a, 0, 0, p, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(p[0].disbursement, j1);
	cr_assert_eq(p[0].amount, 3000);
	cr_assert_eq(p[1].disbursement, j2);
	cr_assert_eq(p[1].amount, 2000);
	cr_assert_eq(unspent, 0);
	cr_assert_eq(refunded, 0);
	cr_assert_eq(gt_audit_follow(l.a, 0, 1, p, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(p[0].disbursement, j2);
	cr_assert_eq(p[0].amount, 1000);
	cr_assert_eq(p[1].disbursement, j3);
	cr_assert_eq(p[1].amount, 500);
	cr_assert_eq(unspent, 0);
	cr_assert_eq(refunded, 500);
	cr_assert_eq(gt_audit_follow(l.a, 0, 2, p, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(p[0].disbursement, j3);
	cr_assert_eq(p[0].amount, 100);
	cr_assert_eq(gt_audit_follow(l.a, 0, 3, p, 4, &n, &unspent, &refunded), GT_ENOTFOUND);
	/* Only max parts are written; n says how many there are. */
	cr_assert_eq(gt_audit_follow(l.a, 0, 1, p, 1, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(p[0].disbursement, j2);
	/* The sample holds all three donations (fewer than asked for). */
	cr_assert_eq(gt_audit_nsamples(l.a), 3);
	gt_audit_sample s;
	gt_audit_sample_get(l.a, 1, &s);
	cr_assert_eq(s.campaign, 0);
	cr_assert_eq(s.donation, 1);
	cr_assert_eq(s.index, b);
	char code[32];
	snprintf(code, sizeof(code), "C%03lluX-0000-0000", U(b));
	cr_assert_str_eq(s.code, code);
	gt_audit_sample_get(l.a, 0, &s);
	cr_assert_eq(s.index, a);
	S_close(&l);
}

/* ---- the sample ---------------------------------------------------------- */

static void S_check_sample(uint64_t donations, size_t want)
{
	S_log l;
	S_open(&l, want);
	S_campaign(&l, "one", "");
	S_campaign(&l, "two", "");
	gt_buf b = GT_BUF_INIT;
	char data[256];
	for (uint64_t i = 0; i < donations; i++) {
		snprintf(data, sizeof(data),
			 "{\"campaign\":\"%s\",\"amount\":%llu,\"code\":\"N%llu\","
			 "\"channel\":\"app\",\"anonymous\":true}",
			 i % 3 ? "one" : "two", U(1 + i % 7), U(i));
		S_entry_bytes("give.donation", T1, data, &b);
		gt_error err = {0};
		CHECK(gt_audit_add(l.a, l.next++, b.data, b.len, &err) == 0, "%s", err.msg);
	}
	gt_buf_done(&b);
	size_t n = gt_audit_nsamples(l.a);
	size_t expect = donations < want ? (size_t)donations : want;
	cr_assert_eq(n, expect, "%llu donations, %zu wanted: %zu kept", U(donations), want, n);
	/* Every sampled donation is what the log says, in order, and the gaps
	 * between them are within a factor of about two of the average. */
	uint64_t prev = 0, maxgap = 0;
	for (size_t i = 0; i < n; i++) {
		gt_audit_sample s;
		gt_audit_sample_get(l.a, i, &s);
		uint64_t nth = s.index - 2; /* two campaigns first */
		char code[32];
		snprintf(code, sizeof(code), "N%llu", U(nth));
		CHECK(strcmp(s.code, code) == 0, "sample %zu: code %s, %s expected", i, s.code,
		      code);
		CHECK(s.campaign == (nth % 3 ? 0u : 1u), "sample %zu: campaign %zu", i, s.campaign);
		CHECK(s.donation == (nth % 3 ? nth - nth / 3 - 1 : nth / 3),
		      "sample %zu: donation %llu of %llu", i, U(s.donation), U(nth));
		if (i == 0)
			cr_assert_eq(nth, 0, "the first donation is sampled");
		else
			CHECK(nth > prev, "sample %zu is not after the one before", i);
		if (i > 0 && nth - prev > maxgap)
			maxgap = nth - prev;
		prev = nth;
	}
	if (n > 1)
		cr_assert_leq(maxgap, 2 * (donations / n) + 2,
			      "%llu donations, %zu sampled: a gap of %llu", U(donations), n,
			      U(maxgap));
	if (n > 1 && donations > 2 * want)
		cr_assert_geq(prev, donations / 2, "the sample reaches the end: last %llu of %llu",
			      U(prev), U(donations));
	S_close(&l);
}

Test(audit, the_sample_is_spread_over_every_donation)
{
	S_check_sample(0, 100);
	S_check_sample(1, 100);
	S_check_sample(99, 100);
	S_check_sample(100, 100);
	S_check_sample(101, 100);
	S_check_sample(200, 100);
	S_check_sample(201, 100);
	S_check_sample(1000, 100);
	S_check_sample(12345, 100);
	S_check_sample(30000, 7);
	S_check_sample(500, 1);
}

/* ---- statuses ------------------------------------------------------------ */

static int64_t S_ms(const char *t)
{
	int64_t ms;
	cr_assert_eq(gt_time_parse(t, &ms), 0, "%s", t);
	return ms;
}

Test(audit, statuses)
{
	S_log l;
	S_open(&l, 0);
	S_campaign(&l, "plain", "");
	S_campaign(&l, "capped", ",\"cap\":1000");
	S_campaign(&l, "closing", "");
	S_campaign(&l, "checked", "");
	int64_t before = S_ms("2026-10-31T23:59:59.999Z"), start = S_ms("2026-11-01T00:00:00.000Z"),
		during = S_ms(T3), end = S_ms("2027-01-31T00:00:00.000Z");
	cr_assert_str_eq(gt_audit_status(l.a, 0, before), "upcoming");
	cr_assert_str_eq(gt_audit_status(l.a, 0, start), "open");
	cr_assert_str_eq(gt_audit_status(l.a, 0, during), "open");
	cr_assert_str_eq(gt_audit_status(l.a, 0, end - 1), "open");
	cr_assert_str_eq(gt_audit_status(l.a, 0, end), "ended");
	/* A cap closes the campaign once donations reach it; refunds do not
	 * open it again. */
	uint64_t d = S_donate(&l, T1, "capped", 600, "aaa");
	cr_assert_str_eq(gt_audit_status(l.a, 1, during), "open");
	S_donate(&l, T1, "capped", 400, "bbb");
	cr_assert_str_eq(gt_audit_status(l.a, 1, during), "closed");
	S_refund(&l, T1, "capped", d, 600);
	cr_assert_str_eq(gt_audit_status(l.a, 1, during), "closed");
	cr_assert_str_eq(gt_audit_status(l.a, 1, before), "closed");
	/* Closed by its charity, before and after its time. */
	S_ADD(&l, "give.campaign.close", T1, "{\"campaign\":\"closing\",\"reason\":\"done\"}");
	cr_assert_str_eq(gt_audit_status(l.a, 2, during), "closed");
	cr_assert_str_eq(gt_audit_status(l.a, 2, end), "closed");
	/* Suspended while the admin's last verification says so; new
	 * documents start verification again. */
	S_ADD(&l, "give.campaign.verify", T1, "{\"campaign\":\"checked\",\"status\":\"verified\"}");
	cr_assert_str_eq(gt_audit_status(l.a, 3, during), "open");
	S_ADD(&l, "give.campaign.verify", T1,
	      "{\"campaign\":\"checked\",\"status\":\"suspended\",\"note\":\"complaints\"}");
	cr_assert_str_eq(gt_audit_status(l.a, 3, during), "suspended");
	cr_assert_str_eq(gt_audit_status(l.a, 3, end), "suspended");
	S_ADD(&l, "give.campaign.documents", T2,
	      "{\"campaign\":\"checked\",\"documents\":[{\"name\":\"a.pdf\",\"sha256\":\"%064d\"}]}",
	      1);
	cr_assert_str_eq(gt_audit_status(l.a, 3, during), "open");
	S_ADD(&l, "give.campaign.verify", T3,
	      "{\"campaign\":\"checked\",\"status\":\"suspended\"}");
	S_ADD(&l, "give.campaign.verify", T3, "{\"campaign\":\"checked\",\"status\":\"rejected\"}");
	cr_assert_str_eq(gt_audit_status(l.a, 3, during), "open");
	/* Suspension comes before closing. */
	S_ADD(&l, "give.campaign.verify", T3,
	      "{\"campaign\":\"closing\",\"status\":\"suspended\"}");
	cr_assert_str_eq(gt_audit_status(l.a, 2, during), "suspended");
	S_close(&l);
}

/* ---- works -------------------------------------------------------------- */

Test(audit, purchases_of_works)
{
	S_log l;
	S_open(&l, 0);
	S_campaign(&l, "art", "");
	S_ADD(&l, "give.work", T1,
	      "{\"campaign\":\"art\",\"id\":\"poster\",\"title\":\"A poster\",\"price\":1500,"
	      "\"sha256\":\"%064d\",\"edition\":2}",
	      7);
	S_ADD(&l, "give.donation", T1,
	      "{\"campaign\":\"art\",\"amount\":1500,\"code\":\"P1\",\"channel\":\"app\","
	      "\"donor\":\"donor:x\",\"work\":\"poster\"}");
	S_REFUSED(&l, "give.donation", T1, "is not the price 1500 of work \"poster\"",
		  "{\"campaign\":\"art\",\"amount\":1000,\"code\":\"P2\",\"channel\":\"app\","
		  "\"anonymous\":true,\"work\":\"poster\"}");
	S_REFUSED(&l, "give.donation", T1, "campaign art has no work \"mug\"",
		  "{\"campaign\":\"art\",\"amount\":1500,\"code\":\"P3\",\"channel\":\"app\","
		  "\"anonymous\":true,\"work\":\"mug\"}");
	S_REFUSED(&l, "give.work", T1, "already has a work \"poster\"",
		  "{\"campaign\":\"art\",\"id\":\"poster\",\"title\":\"Again\",\"price\":1,"
		  "\"sha256\":\"%064d\"}",
		  8);
	S_expect_accounts(&l, "art",
			  "{\"raised\":1500,\"refunded\":0,\"spent\":0,\"balance\":1500,"
			  "\"donations\":1,\"donors\":1,\"anonymous\":0,\"disbursements\":0,"
			  "\"by_category\":[],\"days\":[{\"day\":\"2026-11-03\",\"raised\":1500,"
			  "\"refunded\":0,\"spent\":0,\"donations\":1}]}");
	S_close(&l);
}

/* ---- malformed and contradictory entries --------------------------------- */

Test(audit, malformed_entries_are_refused_naming_their_index)
{
	S_log l;
	S_open(&l, 0);
	S_campaign(&l, "books-2026", "");
	uint64_t d = S_donate(&l, T1, "books-2026", 1000, "aaa");
	uint64_t j = S_disburse(&l, T1, "books-2026", 400, "textbooks");
	S_REFUSED(&l, "give.campaign", T1, "already created", S_campaign_fmt, "books-2026", "");
	S_REFUSED(&l, "give.campaign", T1, "goal",
		  "{\"id\":\"x\",\"title\":\"t\",\"category\":\"c\",\"currency\":\"CNY\","
		  "\"starts\":\"2026-11-01T00:00:00.000Z\",\"ends\":\"2027-01-31T00:00:00.000Z\"}");
	S_REFUSED(&l, "give.campaign", T1, "ends must be a time",
		  "{\"id\":\"x\",\"title\":\"t\",\"category\":\"c\",\"currency\":\"CNY\","
		  "\"goal\":1,\"starts\":\"2026-11-01T00:00:00.000Z\",\"ends\":\"soon\"}");
	S_REFUSED(&l, "give.donation", T1, "amount",
		  "{\"campaign\":\"books-2026\",\"code\":\"A\",\"channel\":\"app\","
		  "\"anonymous\":true}");
	S_REFUSED(&l, "give.donation", T1, "amount",
		  "{\"campaign\":\"books-2026\",\"amount\":0,\"code\":\"A\",\"channel\":\"app\","
		  "\"anonymous\":true}");
	S_REFUSED(&l, "give.donation", T1, "amount",
		  "{\"campaign\":\"books-2026\",\"amount\":\"5\",\"code\":\"A\","
		  "\"channel\":\"app\",\"anonymous\":true}");
	S_REFUSED(&l, "give.donation", T1, "code",
		  "{\"campaign\":\"books-2026\",\"amount\":5,\"channel\":\"app\","
		  "\"anonymous\":true}");
	S_REFUSED(&l, "give.donation", T1, "campaign \"nowhere\": no such campaign",
		  "{\"campaign\":\"nowhere\",\"amount\":5,\"code\":\"A\",\"channel\":\"app\","
		  "\"anonymous\":true}");
	S_REFUSED(&l, "give.donation", T1, "an anonymous donation has a donor",
		  "{\"campaign\":\"books-2026\",\"amount\":5,\"code\":\"A\",\"channel\":\"app\","
		  "\"anonymous\":true,\"donor\":\"donor:x\"}");
	S_REFUSED(&l, "give.donation", T1, "anonymous must be true or false",
		  "{\"campaign\":\"books-2026\",\"amount\":5,\"code\":\"A\",\"channel\":\"app\","
		  "\"anonymous\":1}");
	S_REFUSED(&l, "give.refund", T1, "can be",
		  "{\"campaign\":\"books-2026\",\"donation\":%llu,\"amount\":601}", U(d));
	S_REFUSED(&l, "give.refund", T1, "is not a donation to campaign books-2026",
		  "{\"campaign\":\"books-2026\",\"donation\":%llu,\"amount\":1}", U(j));
	S_REFUSED(&l, "give.disbursement", T1, "balance",
		  "{\"campaign\":\"books-2026\",\"payee\":\"p\",\"payee_kind\":\"supplier\","
		  "\"purpose\":\"p\",\"category\":\"c\",\"amount\":601,\"receipt_sha256\":\"0\"}");
	S_REFUSED(&l, "give.disbursement", T1, "payee_kind must be beneficiary or supplier",
		  "{\"campaign\":\"books-2026\",\"payee\":\"p\",\"payee_kind\":\"friend\","
		  "\"purpose\":\"p\",\"category\":\"c\",\"amount\":1,\"receipt_sha256\":\"0\"}");
	S_REFUSED(&l, "give.disbursement", T1, "category",
		  "{\"campaign\":\"books-2026\",\"payee\":\"p\",\"payee_kind\":\"supplier\","
		  "\"purpose\":\"p\",\"amount\":1,\"receipt_sha256\":\"0\"}");
	S_REFUSED(&l, "give.confirm", T1, "is not a disbursement", "{\"disbursement\":%llu}", U(d));
	S_REFUSED(&l, "give.campaign.verify", T1, "status must be verified, rejected or suspended",
		  "{\"campaign\":\"books-2026\",\"status\":\"fine\"}");
	S_REFUSED(&l, "give.campaign.close", T1, "no such campaign", "{\"campaign\":\"nope\"}");
	S_REFUSED(&l, "give.campaign.documents", T1, "documents must be an array",
		  "{\"campaign\":\"books-2026\"}");
	S_REFUSED(&l, "give.gift", T1, "not a give entry type", "{\"campaign\":\"books-2026\"}");
	/* Nothing refused changed the accounts. */
	S_expect_accounts(
		&l, "books-2026",
		"{\"raised\":1000,\"refunded\":0,\"spent\":400,\"balance\":600,"
		"\"donations\":1,\"donors\":1,\"anonymous\":0,\"disbursements\":1,"
		"\"by_category\":[{\"category\":\"textbooks\",\"amount\":400,\"count\":1}],"
		"\"days\":[{\"day\":\"2026-11-03\",\"raised\":1000,\"refunded\":0,\"spent\":400,"
		"\"donations\":1}]}");
	S_close(&l);
}

Test(audit, envelopes)
{
	S_log l;
	S_open(&l, 0);
	gt_error err = {0};
	/* Entries of other modules are passed over, whatever they hold. */
	static const char other[] = "{\"at\":1,\"type\":\"trace.product\"}";
	cr_assert_eq(gt_audit_add(l.a, 0, (const uint8_t *)other, strlen(other), &err), 0);
	static const char junk[] = "not json at all";
	cr_assert_eq(gt_audit_add(l.a, 1, (const uint8_t *)junk, strlen(junk), &err), 0);
	/* A give entry must be a canonical envelope. */
	static const char spaced[] =
		"{\"at\": \"2026-11-03T09:00:00.000Z\",\"by\":\"org:hope\",\"data\":{},"
		"\"type\":\"give.campaign\",\"v\":1}";
	cr_assert_eq(gt_audit_add(l.a, 2, (const uint8_t *)spaced, strlen(spaced), &err),
		     GT_ECORRUPT);
	cr_assert(strstr(err.msg, "entry 2"), "%s", err.msg);
	static const char reordered[] =
		"{\"type\": \"give.donation\",\"at\":\"2026-11-03T09:00:00.000Z\",\"by\":\"org:hope\","
		"\"data\":{},\"v\":1}";
	cr_assert_eq(gt_audit_add(l.a, 3, (const uint8_t *)reordered, strlen(reordered), &err),
		     GT_ECORRUPT);
	cr_assert(strstr(err.msg, "entry 3 is not in canonical JSON form"), "%s", err.msg);
	static const char broken[] = "{\"type\":\"give.donation\",";
	cr_assert_eq(gt_audit_add(l.a, 3, (const uint8_t *)broken, strlen(broken), &err),
		     GT_ECORRUPT);
	cr_assert(strstr(err.msg, "entry 3 is not JSON"), "%s", err.msg);
	/* Entries come in order. */
	l.next = 10;
	S_campaign(&l, "books-2026", "");
	l.next = 5;
	S_REFUSED(&l, "give.campaign.close", T1, "out of order", "{\"campaign\":\"books-2026\"}");
	S_close(&l);
}

/* ---- comparing ---------------------------------------------------------- */

typedef struct {
	char lines[16][300];
	size_t n;
} S_diffs;

static void S_on_diff(void *ctx, const char *path, const char *log_says, const char *server_says)
{
	S_diffs *d = ctx;
	cr_assert_lt(d->n, 16);
	snprintf(d->lines[d->n++], sizeof(d->lines[0]), "%s: log says %s, server says %s", path,
		 log_says, server_says);
}

static bool S_has(const S_diffs *d, const char *line)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->lines[i], line) == 0)
			return true;
	return false;
}

Test(audit, compare_field_by_field)
{
	json_t *log =
		tu_json("{\"status\":\"open\",\"accounts\":{\"raised\":10000,\"spent\":6000,"
			"\"by_category\":[{\"category\":\"books\",\"amount\":6000,\"count\":2},"
			"{\"category\":\"pens\",\"amount\":0,\"count\":1}],"
			"\"days\":[{\"day\":\"2026-11-03\",\"raised\":10000},"
			"{\"day\":\"2026-11-04\",\"raised\":5}],\"list\":[1,2]}}");
	json_t *same = tu_json(
		"{\"id\":\"x\",\"status\":\"open\",\"accounts\":{\"spent\":6000,\"raised\":10000,"
		"\"extra\":1,\"by_category\":[{\"category\":\"pens\",\"amount\":0,\"count\":1},"
		"{\"category\":\"books\",\"amount\":6000,\"count\":2}],"
		"\"days\":[{\"day\":\"2026-11-03\",\"raised\":10000},"
		"{\"day\":\"2026-11-04\",\"raised\":5}],\"list\":[1,2]}}");
	json_t *other =
		tu_json("{\"status\":\"closed\",\"accounts\":{\"raised\":10000,\"spent\":6100,"
			"\"by_category\":[{\"category\":\"books\",\"amount\":6000,\"count\":3},"
			"{\"category\":\"ink\",\"amount\":1,\"count\":1}],"
			"\"days\":[{\"day\":\"2026-11-03\",\"raised\":10000}],\"list\":[1,3,4]}}");
	S_diffs d = {0};
	cr_assert_eq(gt_audit_compare(log, same, "", S_on_diff, &d), 0, "%s", d.lines[0]);
	cr_assert_eq(gt_audit_compare(log, other, "", S_on_diff, &d), 8);
	cr_assert(S_has(&d, "status: log says \"open\", server says \"closed\""), "%s", d.lines[0]);
	cr_assert(S_has(&d, "accounts.spent: log says 6000, server says 6100"));
	cr_assert(S_has(&d, "accounts.by_category[books].count: log says 2, server says 3"));
	cr_assert(S_has(&d,
			"accounts.by_category[pens]: log says "
			"{\"category\":\"pens\",\"amount\":0,\"count\":1}, server says nothing"));
	cr_assert(S_has(&d, "accounts.by_category[ink]: log says nothing, server says "
			    "{\"category\":\"ink\",\"amount\":1,\"count\":1}"));
	cr_assert(S_has(&d, "accounts.days[2026-11-04]: log says "
			    "{\"day\":\"2026-11-04\",\"raised\":5}, server says nothing"));
	cr_assert(S_has(&d, "accounts.list[1]: log says 2, server says 3"));
	cr_assert(S_has(&d, "accounts.list[2]: log says nothing, server says 4"));
	/* A prefix, missing members and other types. */
	d.n = 0;
	json_t *bare = tu_json("{\"status\":null,\"accounts\":[]}");
	cr_assert_eq(gt_audit_compare(log, bare, "campaign", S_on_diff, &d), 2);
	cr_assert(S_has(&d, "campaign.status: log says \"open\", server says null"), "%s",
		  d.lines[0]);
	d.n = 0;
	cr_assert_eq(
		gt_audit_compare(json_object_get(log, "accounts"), NULL, "accounts", S_on_diff, &d),
		1);
	cr_assert(strncmp(d.lines[0], "accounts: log says {", 20) == 0, "%s", d.lines[0]);
	cr_assert(strstr(d.lines[0], ", server says nothing"), "%s", d.lines[0]);
	json_decref(log);
	json_decref(same);
	json_decref(other);
	json_decref(bare);
}
