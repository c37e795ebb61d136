/* Unit tests for src/give's commands through a real ledger over a real log
 * and SQLite store: the store's ranges (each donation's and disbursement's
 * part of the campaign's stream, the campaign's cursor) must give exactly
 * the allocation of src/give/stream.c for any sequence of donations,
 * refunds and disbursements; refusals agree too. Plus the small helpers:
 * receipt codes, masked names, currencies, statuses. */
#include <criterion/criterion.h>

#include "auth/auth.h"
#include "give/give.h"
#include "give/stream.h"
#include "ledger/ledger.h"
#include "log/log.h"
#include "store/store.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN "example.com/goodtrace-give-test"

Test(give_helpers, receipt_codes_are_read_as_people_type_them)
{
	char out[GT_GIVE_CODE_LEN + 1];
	cr_assert(gt_give_code_normalise("7KQ2-9MXD-R4TB", out));
	cr_assert_str_eq(out, "7KQ2-9MXD-R4TB");
	cr_assert(gt_give_code_normalise("7kq2 9mxd r4tb", out));
	cr_assert_str_eq(out, "7KQ2-9MXD-R4TB");
	cr_assert(gt_give_code_normalise("7kq29mxdr4tb", out));
	cr_assert_str_eq(out, "7KQ2-9MXD-R4TB");
	cr_assert(gt_give_code_normalise("oOiI-lL00-0000", out)); /* O is 0, I and L are 1 */
	cr_assert_str_eq(out, "0011-1100-0000");
	cr_assert_not(gt_give_code_normalise("7KQ2-9MXD-R4T", out));  /* too short */
	cr_assert_not(gt_give_code_normalise("7KQ2-9MXD-R4TBX", out)); /* too long */
	cr_assert_not(gt_give_code_normalise("7KQ2-9MXD-R4TU", out)); /* U is not in it */
	cr_assert_not(gt_give_code_normalise("", out));
	/* made from 60 bits: the entry index is the low 40 */
	gt_give_code_make((uint64_t)0xABCDE << 40 | 123456789, out);
	cr_assert_eq(gt_give_code_index(out), 123456789);
	char again[GT_GIVE_CODE_LEN + 1];
	cr_assert(gt_give_code_normalise(out, again));
	cr_assert_str_eq(again, out);
	gt_give_code_make(0, out);
	cr_assert_str_eq(out, "0000-0000-0000");
}

Test(give_helpers, names_are_masked_after_their_first_character)
{
	char out[8];
	gt_give_mask_name("王小明", out);
	cr_assert_str_eq(out, "王*");
	gt_give_mask_name("王五", out);
	cr_assert_str_eq(out, "王*");
	gt_give_mask_name("Jane Doe", out);
	cr_assert_str_eq(out, "J*");
	gt_give_mask_name("😀smile", out);
	cr_assert_str_eq(out, "😀*");
}

Test(give_helpers, currencies_and_statuses)
{
	cr_assert_eq(gt_give_minor_unit("CNY"), 2);
	cr_assert_eq(gt_give_minor_unit("JPY"), 0);
	cr_assert_eq(gt_give_minor_unit("KWD"), 3);
	cr_assert_eq(gt_give_minor_unit("XYZ"), -1);
	cr_assert_eq(gt_give_minor_unit("cny"), -1);
	const char *s = "2026-11-01T00:00:00.000Z", *e = "2026-12-01T00:00:00.000Z";
	cr_assert_str_eq(gt_give_status("pending", false, s, e, "2026-11-15T00:00:00.000Z"), "open");
	cr_assert_str_eq(gt_give_status("pending", false, s, e, "2026-10-15T00:00:00.000Z"),
			 "upcoming");
	cr_assert_str_eq(gt_give_status("verified", false, s, e, e), "ended");
	cr_assert_str_eq(gt_give_status("verified", true, s, e, "2026-11-15T00:00:00.000Z"),
			 "closed");
	cr_assert_str_eq(gt_give_status("suspended", true, s, e, "2026-11-15T00:00:00.000Z"),
			 "suspended");
}

/* ---- through the ledger ------------------------------------------------------------- */

typedef struct {
	tu_svc svc;
	gt_ledger *ledger;
} S_env;

static const gt_module *const S_modules[] = {&gt_auth_module, &gt_give_module};

static int S_cmd(S_env *e, const char *type, const char *org, const char *role, json_t *input,
		 gt_ledger_result *res)
{
	return gt_ledger_call(e->ledger, type, org, role, input, res);
}

static json_t *S_ok(S_env *e, const char *type, const char *org, const char *role, json_t *in)
{
	gt_ledger_result res;
	char *text = json_dumps(in, JSON_COMPACT);
	int rc = S_cmd(e, type, org, role, in, &res);
	cr_assert_eq(rc, 0, "%s %s: %d %s", type, text, rc, res.msg);
	free(text);
	return res.reply;
}

static void S_env_init(S_env *e)
{
	memset(e, 0, sizeof(*e));
	tu_svc_init(&e->svc, "give", ORIGIN);
	gt_ledger_options o = {.log = e->svc.log,
			       .store = e->svc.store,
			       .secret = e->svc.secret,
			       .modules = S_modules,
			       .nmodules = 2};
	gt_error err = {0};
	cr_assert_eq(gt_ledger_open(&o, &e->ledger, &err), 0, "%s", err.msg);
	json_decref(S_ok(e, "auth.org", NULL, "admin",
			 tu_json("{\"id\":\"hope\",\"name\":\"Hope\",\"roles\":[\"charity\"]}")));
	json_decref(S_ok(e, "give.campaign", "hope", "charity",
			 tu_json("{\"id\":\"fifo\",\"title\":\"t\",\"description\":\"d\","
				 "\"beneficiary\":\"b\",\"category\":\"education\",\"goal\":1000,"
				 "\"currency\":\"CNY\",\"ends\":\"2999-01-01T00:00:00Z\"}")));
}

static void S_env_done(S_env *e)
{
	gt_ledger_free(e->ledger);
	tu_svc_done(&e->svc);
}

/* What the store says about a donation: its parts by disbursement entry
 * index, and unspent and refunded, as the receipt route computes them. */
typedef struct {
	int64_t disb[64], amount[64];
	size_t n;
	int64_t unspent, refunded;
} S_follow;

static void S_store_follow(S_env *e, int64_t idx, S_follow *f)
{
	gt_store_conn *c;
	gt_stmt *st;
	gt_error err = {0};
	memset(f, 0, sizeof(*f));
	cr_assert_eq(gt_store_reader(e->svc.store, &c, &err), 0);
	cr_assert_eq(gt_stmt_open(c, GT_Q_GIVE_DONATION_BY_IDX, &st, &err), 0);
	gt_stmt_bind_i64(st, 1, idx);
	cr_assert_eq(gt_stmt_step(st, &err), 1);
	int64_t start = gt_stmt_i64(st, 3), live = start + gt_stmt_i64(st, 4) - gt_stmt_i64(st, 5),
		num = gt_stmt_i64(st, 13);
	f->refunded = gt_stmt_i64(st, 5);
	gt_stmt_close(st);
	cr_assert_eq(gt_stmt_open(c, GT_Q_GIVE_CAMPAIGN_GET, &st, &err), 0);
	gt_stmt_bind_text(st, 1, "fifo", (size_t)-1);
	cr_assert_eq(gt_stmt_step(st, &err), 1);
	int64_t cursor = gt_stmt_i64(st, 24);
	gt_stmt_close(st);
	int64_t spent_to = cursor < start ? start : cursor > live ? live : cursor;
	f->unspent = live - spent_to;
	cr_assert_eq(gt_stmt_open(c, GT_Q_GIVE_DISB_AFTER, &st, &err), 0);
	gt_stmt_bind_i64(st, 1, num);
	gt_stmt_bind_i64(st, 2, start);
	while (live > start && gt_stmt_step(st, &err) == 1) {
		int64_t from = gt_stmt_i64(st, 10), to = gt_stmt_i64(st, 11);
		if (from >= live)
			break;
		cr_assert_lt(f->n, 64);
		f->disb[f->n] = gt_stmt_i64(st, 0);
		f->amount[f->n++] = (live < to ? live : to) - (start > from ? start : from);
	}
	gt_stmt_close(st);
	gt_store_reader_done(c);
}

/* Random sequences of donations, refunds and disbursements: the ledger and
 * the stream accept and refuse the same steps, and every donation's parts,
 * unspent and refunded amounts agree. */
Test(give_ledger, the_store_allocates_as_the_stream_does, .timeout = 300)
{
	srand(20261123);
	for (int round = 0; round < 6; round++) {
		S_env e;
		S_env_init(&e);
		gt_give_stream *s;
		cr_assert_eq(gt_give_stream_new(&s), 0);
		int64_t didx[300];		     /* donation number -> entry index */
		char codes[300][GT_GIVE_CODE_LEN + 1]; /* donation number -> receipt */
		int64_t jidx[300];		     /* disbursement number -> entry index */
		size_t nd = 0, nj = 0;
		for (int step = 0; step < 150; step++) {
			int what = rand() % 10;
			gt_ledger_result res;
			gt_error err = {0};
			if (what < 5 || nd == 0) {
				int64_t amount = 1 + rand() % 50;
				json_t *in = json_pack("{s:s, s:I, s:s, s:s}", "campaign", "fifo",
						       "amount", (json_int_t)amount, "channel",
						       "app", "donor", "someone");
				json_t *r = S_ok(&e, "give.donation", "hope", "charity", in);
				uint64_t n;
				cr_assert_eq(gt_give_donate(s, amount, &n, &err), 0);
				cr_assert_eq(n, nd);
				didx[nd] = json_integer_value(json_object_get(r, "index"));
				snprintf(codes[nd], sizeof(codes[nd]), "%s",
					 json_string_value(json_object_get(r, "receipt")));
				nd++;
				json_decref(r);
			} else if (what < 7) {
				size_t d = (size_t)rand() % nd;
				int64_t can = gt_give_refundable(s, d);
				int64_t amount = 1 + rand() % (can + 3);
				json_t *in = json_pack("{s:s, s:I}", "receipt", codes[d], "amount",
						       (json_int_t)amount);
				int rc = S_cmd(&e, "give.refund", "hope", "charity", in, &res);
				int want = gt_give_refund(s, d, amount, &err);
				cr_assert_eq(rc, want, "refund %lld of %zu (can %lld): %s",
					     (long long)amount, d, (long long)can, res.msg);
				json_decref(res.reply);
			} else {
				gt_give_totals t;
				gt_give_totals_get(s, &t);
				int64_t amount = 1 + rand() % (t.balance + 5);
				json_t *in = json_pack(
					"{s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "campaign", "fifo",
					"payee", "Shop", "payee_kind", "supplier", "purpose", "books",
					"category", "books", "amount", (json_int_t)amount,
					"receipt_sha256",
					"0000000000000000000000000000000000000000000000000000000000000000");
				int rc = S_cmd(&e, "give.disbursement", "hope", "charity", in, &res);
				uint64_t j;
				int want = gt_give_disburse(s, amount, &j, &err);
				cr_assert_eq(rc, want, "disburse %lld (balance %lld): %s",
					     (long long)amount, (long long)t.balance, res.msg);
				if (rc == 0) {
					cr_assert_eq(j, nj);
					jidx[nj++] = json_integer_value(
						json_object_get(res.reply, "index"));
				}
				json_decref(res.reply);
			}
		}
		for (size_t d = 0; d < nd; d++) {
			gt_give_part parts[64];
			size_t np;
			int64_t unspent, refunded;
			cr_assert_eq(gt_give_follow(s, d, parts, 64, &np, &unspent, &refunded), 0);
			S_follow f;
			S_store_follow(&e, didx[d], &f);
			cr_assert_eq(f.n, np, "round %d donation %zu: %zu parts, want %zu", round, d,
				     f.n, np);
			for (size_t i = 0; i < np; i++) {
				cr_assert_eq(f.disb[i], jidx[parts[i].disbursement]);
				cr_assert_eq(f.amount[i], parts[i].amount);
			}
			cr_assert_eq(f.unspent, unspent, "round %d donation %zu", round, d);
			cr_assert_eq(f.refunded, refunded);
		}
		gt_give_stream_free(s);
		S_env_done(&e);
	}
}
