/* Unit tests for src/give/stream.c: a campaign's money spent first in,
 * first out. Property tests compare it, after every step of random
 * sequences of donations, refunds and disbursements, with a model that
 * follows every single unit of money. */
#include <criterion/criterion.h>

#include "give/stream.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the unit model ------------------------------------------------------- */

/* Every unit of money, in the order given: its donation, and what became of
 * it (-1 not yet spent, -2 refunded, else the disbursement that spent it). */
#define S_UNITS_MAX 20000
#define S_DONATIONS_MAX 2000
#define S_DISBURSEMENTS_MAX 2000

typedef struct {
	int donation[S_UNITS_MAX];
	int fate[S_UNITS_MAX];
	int n;
	int amount[S_DONATIONS_MAX];
	int ndonations;
	int disbursed[S_DISBURSEMENTS_MAX];
	int ndisbursements;
	int next; /* the first unit that may not be spent yet */
} S_model;

static int S_model_unspent(const S_model *m, int d)
{
	int n = 0;
	for (int u = 0; u < m->n; u++)
		n += m->donation[u] == d && m->fate[u] == -1;
	return n;
}

static int S_model_balance(const S_model *m)
{
	int n = 0;
	for (int u = 0; u < m->n; u++)
		n += m->fate[u] == -1;
	return n;
}

static void S_model_donate(S_model *m, int amount)
{
	for (int i = 0; i < amount; i++) {
		m->donation[m->n] = m->ndonations;
		m->fate[m->n++] = -1;
	}
	m->amount[m->ndonations++] = amount;
}

/* Refunds take the donation's last unspent units. */
static void S_model_refund(S_model *m, int d, int amount)
{
	for (int u = m->n - 1; u >= 0 && amount > 0; u--)
		if (m->donation[u] == d && m->fate[u] == -1) {
			m->fate[u] = -2;
			amount--;
		}
}

/* Disbursements take the first unspent units. */
static void S_model_disburse(S_model *m, int amount)
{
	int j = m->ndisbursements++;
	m->disbursed[j] = amount;
	for (int u = 0; u < m->n && amount > 0; u++)
		if (m->fate[u] == -1) {
			m->fate[u] = j;
			amount--;
		}
}

/* ---- checks ----------------------------------------------------------------- */

/* Everything the stream says equals the model. */
static void S_compare(const gt_give_stream *s, const S_model *m, const char *when)
{
	gt_give_totals t;
	gt_give_totals_get(s, &t);
	int donated = 0, refunded = 0, spent = 0;
	for (int u = 0; u < m->n; u++) {
		donated++;
		refunded += m->fate[u] == -2;
		spent += m->fate[u] >= 0;
	}
	cr_assert_eq(t.donated, donated, "%s: donated", when);
	cr_assert_eq(t.refunded, refunded, "%s: refunded", when);
	cr_assert_eq(t.spent, spent, "%s: spent", when);
	cr_assert_eq(t.balance, donated - refunded - spent, "%s: balance", when);
	cr_assert_geq(t.balance, 0, "%s: overdrawn", when);
	cr_assert_eq(t.donations, (uint64_t)m->ndonations);
	cr_assert_eq(t.disbursements, (uint64_t)m->ndisbursements);

	/* Each donation: its parts, unspent and refunded, unit by unit. */
	static int want[S_DISBURSEMENTS_MAX];
	static gt_give_part parts[S_DISBURSEMENTS_MAX];
	for (int d = 0; d < m->ndonations; d++) {
		memset(want, 0, sizeof(int) * (size_t)m->ndisbursements);
		int w_unspent = 0, w_refunded = 0;
		for (int u = 0; u < m->n; u++) {
			if (m->donation[u] != d)
				continue;
			if (m->fate[u] == -1)
				w_unspent++;
			else if (m->fate[u] == -2)
				w_refunded++;
			else
				want[m->fate[u]]++;
		}
		size_t n;
		int64_t unspent, refunded_d;
		cr_assert_eq(gt_give_follow(s, (uint64_t)d, parts, S_DISBURSEMENTS_MAX, &n,
					    &unspent, &refunded_d),
			     0);
		cr_assert_eq(unspent, w_unspent, "%s: donation %d unspent", when, d);
		cr_assert_eq(refunded_d, w_refunded, "%s: donation %d refunded", when, d);
		cr_assert_eq(gt_give_refundable(s, (uint64_t)d), w_unspent);
		int64_t sum = unspent + refunded_d;
		size_t k = 0;
		for (int j = 0; j < m->ndisbursements; j++) {
			if (!want[j])
				continue;
			cr_assert_lt(k, n, "%s: donation %d misses disbursement %d", when, d, j);
			cr_assert_eq(parts[k].disbursement, (uint64_t)j, "%s: donation %d part %zu",
				     when, d, k);
			cr_assert_eq(parts[k].amount, want[j], "%s: donation %d to %d", when, d, j);
			sum += parts[k].amount;
			k++;
		}
		cr_assert_eq(k, n, "%s: donation %d has extra parts", when, d);
		cr_assert_eq(sum, m->amount[d], "%s: donation %d does not add up", when, d);
	}
}

typedef struct {
	int64_t total;
	int64_t last; /* the last donation seen, to check the order */
	const S_model *m;
	int j;
} S_funders_ctx;

static void S_funder(void *arg, uint64_t donation, int64_t amount)
{
	S_funders_ctx *c = arg;
	cr_assert_gt((int64_t)donation, c->last, "funders out of order");
	c->last = (int64_t)donation;
	int units = 0;
	for (int u = 0; u < c->m->n; u++)
		units += c->m->donation[u] == (int)donation && c->m->fate[u] == c->j;
	cr_assert_eq(amount, units, "disbursement %d from donation %llu", c->j,
		     (unsigned long long)donation);
	c->total += amount;
}

static void S_compare_funders(const gt_give_stream *s, const S_model *m)
{
	for (int j = 0; j < m->ndisbursements; j++) {
		S_funders_ctx c = {0, -1, m, j};
		cr_assert_eq(gt_give_funders(s, (uint64_t)j, S_funder, &c), 0);
		cr_assert_eq(c.total, m->disbursed[j], "disbursement %d is not fully funded", j);
	}
}

/* ---- tests -------------------------------------------------------------------- */

Test(give, donations_and_disbursements_by_hand)
{
	gt_give_stream *s;
	gt_error err = {0};
	cr_assert_eq(gt_give_stream_new(&s), 0);
	uint64_t a, b, c, j;
	cr_assert_eq(gt_give_donate(s, 5000, &a, &err), 0); /* ¥50 */
	cr_assert_eq(gt_give_donate(s, 2000, &b, &err), 0);
	cr_assert_eq(gt_give_disburse(s, 3000, &j, &err), 0); /* textbooks */
	cr_assert_eq(j, 0);
	cr_assert_eq(gt_give_disburse(s, 3000, &j, &err), 0); /* uniforms */
	/* "Your ¥50: ¥30 to textbooks, ¥20 to uniforms." */
	gt_give_part parts[4];
	size_t n;
	int64_t unspent, refunded;
	cr_assert_eq(gt_give_follow(s, a, parts, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(parts[0].disbursement, 0);
	cr_assert_eq(parts[0].amount, 3000);
	cr_assert_eq(parts[1].disbursement, 1);
	cr_assert_eq(parts[1].amount, 2000);
	cr_assert_eq(unspent, 0);
	/* The second: ¥10 to uniforms, ¥10 not yet spent; half of that refunded. */
	cr_assert_eq(gt_give_refundable(s, b), 1000);
	cr_assert_eq(gt_give_refund(s, b, 1001, &err), GT_ESTATE);
	cr_assert_str_eq(err.msg, "only 1000 of this donation can be refunded: the rest is spent "
				  "or refunded already");
	cr_assert_eq(gt_give_refund(s, b, 500, &err), 0);
	cr_assert_eq(gt_give_follow(s, b, parts, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(parts[0].amount, 1000);
	cr_assert_eq(unspent, 500);
	cr_assert_eq(refunded, 500);
	/* More than the balance is refused and changes nothing. */
	cr_assert_eq(gt_give_disburse(s, 501, NULL, &err), GT_ESTATE);
	cr_assert_str_eq(err.msg, "501 is more than the campaign's balance of 500");
	cr_assert_eq(gt_give_donate(s, 100, &c, &err), 0);
	/* Spends the rest of b, steps over b's refunded tail, then c. */
	cr_assert_eq(gt_give_disburse(s, 600, &j, &err), 0);
	cr_assert_eq(gt_give_follow(s, c, parts, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(parts[0].disbursement, 2);
	cr_assert_eq(parts[0].amount, 100);
	gt_give_totals t;
	gt_give_totals_get(s, &t);
	cr_assert_eq(t.donated, 7100);
	cr_assert_eq(t.refunded, 500);
	cr_assert_eq(t.spent, 6600);
	cr_assert_eq(t.balance, 0);
	/* Refusals. */
	cr_assert_eq(gt_give_donate(s, 0, NULL, &err), GT_EINVAL);
	cr_assert_eq(gt_give_donate(s, -1, NULL, &err), GT_EINVAL);
	cr_assert_eq(gt_give_disburse(s, 0, NULL, &err), GT_EINVAL);
	cr_assert_eq(gt_give_refund(s, 99, 1, &err), GT_ENOTFOUND);
	cr_assert_eq(gt_give_refund(s, a, 0, &err), GT_EINVAL);
	cr_assert_eq(gt_give_refundable(s, 99), -1);
	cr_assert_eq(gt_give_follow(s, 99, parts, 4, &n, &unspent, &refunded), GT_ENOTFOUND);
	cr_assert_eq(gt_give_funders(s, 99, S_funder, NULL), GT_ENOTFOUND);
	cr_assert_eq(gt_give_donate(s, GT_GIVE_STREAM_MAX, NULL, &err), GT_ERANGE);
	gt_give_stream_free(s);
}

/* Random sequences, every step checked against the unit model; refused
 * steps change nothing; the same sequence replayed gives the same answers. */
Test(give, property_random_sequences_match_the_unit_model, .timeout = 120)
{
	static S_model m;
	unsigned seed = 20261123;
	for (int round = 0; round < 60; round++) {
		memset(&m, 0, sizeof(m));
		gt_give_stream *s, *replay;
		cr_assert_eq(gt_give_stream_new(&s), 0);
		cr_assert_eq(gt_give_stream_new(&replay), 0);
		struct {
			int op, a, b;
		} ops[400];
		int nops = 0;
		for (int step = 0; step < 400 && m.n < S_UNITS_MAX - 40; step++) {
			int op = rand_r(&seed) % 10;
			gt_error err = {0};
			char when[80];
			snprintf(when, sizeof(when), "round %d step %d", round, step);
			if (op < 5) { /* donate 1..30 */
				int amount = 1 + rand_r(&seed) % 30;
				uint64_t d;
				cr_assert_eq(gt_give_donate(s, amount, &d, &err), 0, "%s", err.msg);
				cr_assert_eq(d, (uint64_t)m.ndonations);
				S_model_donate(&m, amount);
				ops[nops].op = 0;
				ops[nops++].a = amount;
			} else if (op < 7 && m.ndonations > 0) { /* refund, sometimes too much */
				int d = rand_r(&seed) % m.ndonations;
				int can = S_model_unspent(&m, d);
				int amount = 1 + rand_r(&seed) % (can + 3);
				int rc = gt_give_refund(s, (uint64_t)d, amount, &err);
				if (amount > can) {
					cr_assert_eq(rc, GT_ESTATE, "%s", when);
				} else {
					cr_assert_eq(rc, 0, "%s: %s", when, err.msg);
					S_model_refund(&m, d, amount);
					ops[nops].op = 1;
					ops[nops].a = d;
					ops[nops++].b = amount;
				}
			} else { /* disburse, sometimes over the balance */
				int balance = S_model_balance(&m);
				int amount = 1 + rand_r(&seed) % (balance / 2 + 5);
				uint64_t j;
				int rc = gt_give_disburse(s, amount, &j, &err);
				if (amount > balance) {
					cr_assert_eq(rc, GT_ESTATE, "%s", when);
				} else {
					cr_assert_eq(rc, 0, "%s: %s", when, err.msg);
					cr_assert_eq(j, (uint64_t)m.ndisbursements);
					S_model_disburse(&m, amount);
					ops[nops].op = 2;
					ops[nops++].a = amount;
				}
			}
			if (step % 20 == 0)
				S_compare(s, &m, when);
		}
		S_compare(s, &m, "end of round");
		S_compare_funders(s, &m);
		/* The same steps again: the same stream. */
		for (int i = 0; i < nops; i++) {
			gt_error err = {0};
			int rc = ops[i].op == 0 ? gt_give_donate(replay, ops[i].a, NULL, &err) :
				 ops[i].op == 1 ?
						  gt_give_refund(replay, (uint64_t)ops[i].a, ops[i].b, &err) :
						  gt_give_disburse(replay, ops[i].a, NULL, &err);
			cr_assert_eq(rc, 0, "replay step %d: %s", i, err.msg);
		}
		S_compare(replay, &m, "replay");
		gt_give_stream_free(s);
		gt_give_stream_free(replay);
	}
}

/* The One-yuan scale: a million ¥1 donations, spent in a few large
 * disbursements; following any donation is a binary search, not a scan. */
Test(give, a_million_one_yuan_donations)
{
	gt_give_stream *s;
	gt_error err = {0};
	cr_assert_eq(gt_give_stream_new(&s), 0);
	for (int i = 0; i < 1000000; i++)
		cr_assert_eq(gt_give_donate(s, 100, NULL, &err), 0);
	cr_assert_eq(gt_give_refund(s, 500000, 100, &err), 0);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(gt_give_disburse(s, 30000000, NULL, &err), 0);
	gt_give_totals t;
	gt_give_totals_get(s, &t);
	cr_assert_eq(t.balance, 100000000 - 100 - 90000000);
	gt_give_part parts[4];
	size_t n;
	int64_t unspent, refunded;
	/* Donation 300,000 is the last unit of the first disbursement. */
	cr_assert_eq(gt_give_follow(s, 299999, parts, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(parts[0].disbursement, 0);
	/* After the refunded one, each disbursement ends one donation later. */
	cr_assert_eq(gt_give_follow(s, 600000, parts, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(parts[0].disbursement, 1);
	cr_assert_eq(gt_give_follow(s, 500000, parts, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(refunded, 100);
	cr_assert_eq(gt_give_follow(s, 900001, parts, 4, &n, &unspent, &refunded), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(unspent, 100);
	gt_give_stream_free(s);
}
