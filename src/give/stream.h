/* A campaign's money as one stream, spent first in, first out.
 *
 * Every donation to a campaign takes the next range of the campaign's
 * stream of minor units: donation i covers [start_i, start_i + amount_i),
 * in the order of the log. A disbursement spends the stream from where the
 * last one stopped, so each unit of money is spent in the order it was
 * given, and "what did my donation pay for" is the overlap of its range
 * with the disbursements' ranges. A refund gives back part of what a
 * donation has not yet had spent, taken from the end of its range: that
 * tail becomes a hole which later disbursements step over.
 *
 * Everything here follows from the order of donations, refunds and
 * disbursements alone, so replaying the log gives the same allocation; the
 * store keeps the same numbers in its tables, and `goodtrace audit`
 * recomputes them with this code. Amounts are in the currency's minor
 * units (fen for CNY), positive, and every total stays below 2^62. */
#ifndef GT_GIVE_STREAM_H
#define GT_GIVE_STREAM_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

/* The largest total a campaign's stream may reach (donations, in minor units). */
#define GT_GIVE_STREAM_MAX ((int64_t)1 << 62)

typedef struct gt_give_stream gt_give_stream;

typedef struct gt_give_totals {
	int64_t donated;  /* every donation */
	int64_t refunded; /* given back */
	int64_t spent;	  /* disbursed */
	int64_t balance;  /* donated - refunded - spent */
	uint64_t donations, disbursements;
} gt_give_totals;

/* What one donation became. */
typedef struct gt_give_part {
	uint64_t disbursement; /* its number */
	int64_t amount;	       /* how much of the donation it spent */
} gt_give_part;

/* A new, empty stream. 0 or GT_ENOMEM. */
int gt_give_stream_new(gt_give_stream **ret);
void gt_give_stream_free(gt_give_stream *s);

/* A donation of amount (> 0); its number (0, 1, ...) in *ret (may be NULL).
 * GT_EINVAL for amount <= 0, GT_ERANGE past GT_GIVE_STREAM_MAX, GT_ENOMEM. */
int gt_give_donate(gt_give_stream *s, int64_t amount, uint64_t *ret, gt_error *err);

/* Give back amount (> 0) of donation d, from what of it is not yet spent
 * nor refunded. GT_ENOTFOUND for no such donation, GT_ESTATE when amount is
 * more than that (the message says how much can be). */
int gt_give_refund(gt_give_stream *s, uint64_t d, int64_t amount, gt_error *err);

/* Spend amount (> 0), first in first out; the disbursement's number in *ret
 * (may be NULL). GT_ESTATE when amount is over the balance (nothing spent),
 * GT_EINVAL for amount <= 0, GT_ENOMEM. */
int gt_give_disburse(gt_give_stream *s, int64_t amount, uint64_t *ret, gt_error *err);

/* How much of donation d can still be refunded (its unspent part); -1 for
 * no such donation. */
int64_t gt_give_refundable(const gt_give_stream *s, uint64_t d);

void gt_give_totals_get(const gt_give_stream *s, gt_give_totals *out);

/* Where donation d went: the disbursements that spent it, in order, into
 * parts[max] (*nparts set to how many there are, which may exceed max: then
 * only the first max are written), and what of it is unspent and refunded.
 * 0 or GT_ENOTFOUND. The parts, unspent and refunded add up to its amount. */
int gt_give_follow(const gt_give_stream *s, uint64_t d, gt_give_part *parts, size_t max,
		   size_t *nparts, int64_t *unspent, int64_t *refunded);

/* The donations that funded disbursement j, in order: fn is called with
 * each donation's number and the amount of it spent. 0 or GT_ENOTFOUND. */
int gt_give_funders(const gt_give_stream *s, uint64_t j,
		    void (*fn)(void *arg, uint64_t donation, int64_t amount), void *arg);

#endif
