/* A campaign's money as one stream, spent first in, first out (stream.h). */
#include "give/stream.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	int64_t start, amount, refunded; /* refunded: a tail of [start, start + amount) */
} S_donation;

typedef struct {
	int64_t from, to, amount; /* [from, to) of the stream, holes included */
} S_disbursement;

struct gt_give_stream {
	S_donation *d;
	size_t nd, capd;
	S_disbursement *j;
	size_t nj, capj;
	int64_t end;	  /* the stream's length: every donation */
	int64_t refunded; /* all refunds */
	int64_t spent;	  /* all disbursements */
	/* Where the next disbursement starts: position p, within donation k
	 * (or at its end); donations before k are behind it. */
	int64_t p;
	size_t k;
};

/* The end of donation x's money that is not refunded. */
static int64_t S_live_end(const S_donation *x)
{
	return x->start + x->amount - x->refunded;
}

static int S_grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(*v, c * size);
	if (!p)
		return GT_ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

int gt_give_stream_new(gt_give_stream **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : GT_ENOMEM;
}

void gt_give_stream_free(gt_give_stream *s)
{
	if (!s)
		return;
	free(s->d);
	free(s->j);
	free(s);
}

int gt_give_donate(gt_give_stream *s, int64_t amount, uint64_t *ret, gt_error *err)
{
	if (amount <= 0)
		return gt_fail(err, GT_EINVAL, "a donation must be a positive amount");
	if (amount > GT_GIVE_STREAM_MAX - s->end)
		return gt_fail(err, GT_ERANGE, "the campaign's donations would pass %lld",
			       (long long)GT_GIVE_STREAM_MAX);
	if (S_grow((void **)&s->d, &s->capd, s->nd, sizeof(*s->d)) < 0)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	s->d[s->nd] = (S_donation){s->end, amount, 0};
	s->end += amount;
	if (ret)
		*ret = s->nd;
	s->nd++;
	return 0;
}

int64_t gt_give_refundable(const gt_give_stream *s, uint64_t d)
{
	if (d >= s->nd)
		return -1;
	const S_donation *x = &s->d[d];
	int64_t from = s->p > x->start ? s->p : x->start;
	int64_t left = S_live_end(x) - from;
	return left > 0 ? left : 0;
}

int gt_give_refund(gt_give_stream *s, uint64_t d, int64_t amount, gt_error *err)
{
	if (d >= s->nd)
		return gt_fail(err, GT_ENOTFOUND, "no donation %llu", (unsigned long long)d);
	if (amount <= 0)
		return gt_fail(err, GT_EINVAL, "a refund must be a positive amount");
	int64_t can = gt_give_refundable(s, d);
	if (amount > can)
		return gt_fail(err, GT_ESTATE,
			       "only %lld of this donation can be refunded: the rest is spent or "
			       "refunded already",
			       (long long)can);
	s->d[d].refunded += amount;
	s->refunded += amount;
	return 0;
}

int gt_give_disburse(gt_give_stream *s, int64_t amount, uint64_t *ret, gt_error *err)
{
	if (amount <= 0)
		return gt_fail(err, GT_EINVAL, "a disbursement must be a positive amount");
	int64_t balance = s->end - s->refunded - s->spent;
	if (amount > balance)
		return gt_fail(err, GT_ESTATE,
			       "%lld is more than the campaign's balance of %lld", (long long)amount,
			       (long long)balance);
	if (S_grow((void **)&s->j, &s->capj, s->nj, sizeof(*s->j)) < 0)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	int64_t from = s->p, left = amount;
	while (left > 0) {
		/* The balance covers it: there is a donation with live money. */
		const S_donation *x = &s->d[s->k];
		int64_t avail = S_live_end(x) - s->p;
		int64_t take = avail < left ? (avail > 0 ? avail : 0) : left;
		s->p += take;
		left -= take;
		if (left > 0) { /* over the refunded tail, to the next donation */
			s->p = x->start + x->amount;
			s->k++;
		}
	}
	s->j[s->nj] = (S_disbursement){from, s->p, amount};
	s->spent += amount;
	if (ret)
		*ret = s->nj;
	s->nj++;
	return 0;
}

void gt_give_totals_get(const gt_give_stream *s, gt_give_totals *out)
{
	*out = (gt_give_totals){.donated = s->end,
				.refunded = s->refunded,
				.spent = s->spent,
				.balance = s->end - s->refunded - s->spent,
				.donations = s->nd,
				.disbursements = s->nj};
}

/* The first disbursement that ends after position x. */
static size_t S_first_disbursement(const gt_give_stream *s, int64_t x)
{
	size_t lo = 0, hi = s->nj;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->j[mid].to <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first donation that ends after position x. */
static size_t S_first_donation(const gt_give_stream *s, int64_t x)
{
	size_t lo = 0, hi = s->nd;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->d[mid].start + s->d[mid].amount <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Length of the overlap of [a, b) and [c, d). */
static int64_t S_overlap(int64_t a, int64_t b, int64_t c, int64_t d)
{
	int64_t lo = a > c ? a : c, hi = b < d ? b : d;
	return hi > lo ? hi - lo : 0;
}

int gt_give_follow(const gt_give_stream *s, uint64_t d, gt_give_part *parts, size_t max,
		   size_t *nparts, int64_t *unspent, int64_t *refunded)
{
	if (d >= s->nd)
		return GT_ENOTFOUND;
	const S_donation *x = &s->d[d];
	int64_t live = S_live_end(x);
	size_t n = 0;
	for (size_t i = S_first_disbursement(s, x->start); i < s->nj && s->j[i].from < live; i++) {
		int64_t a = S_overlap(s->j[i].from, s->j[i].to, x->start, live);
		if (a <= 0)
			continue;
		if (n < max)
			parts[n] = (gt_give_part){i, a};
		n++;
	}
	*nparts = n;
	*unspent = gt_give_refundable(s, d);
	*refunded = x->refunded;
	return 0;
}

int gt_give_funders(const gt_give_stream *s, uint64_t j,
		    void (*fn)(void *arg, uint64_t donation, int64_t amount), void *arg)
{
	if (j >= s->nj)
		return GT_ENOTFOUND;
	const S_disbursement *y = &s->j[j];
	for (size_t i = S_first_donation(s, y->from); i < s->nd && s->d[i].start < y->to; i++) {
		int64_t a = S_overlap(y->from, y->to, s->d[i].start, S_live_end(&s->d[i]));
		if (a > 0)
			fn(arg, i, a);
	}
	return 0;
}
