/* goodtrace audit's replay of give entries into campaigns' accounts (audit.h). */
#include "give/audit.h"

#include "core/json.h"
#include "core/time.h"
#include "log/hash.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_DAY_MS 86400000LL
#define S_CODE_MAX 40 /* longest receipt code kept for the sample */
#define S_DONOR_KEY 16

/* ---- growable arrays -------------------------------------------------- */

static int S_grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 16;
	void *p = realloc(*v, c * size);
	if (!p)
		return GT_ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

/* ---- per campaign ----------------------------------------------------- */

typedef struct {
	char *name;
	int64_t amount;
	uint64_t count;
} S_category;

typedef struct {
	int64_t day; /* days since the epoch */
	int64_t raised, refunded, spent;
	uint64_t donations;
} S_day;

typedef struct {
	char *id;
	int64_t price;
} S_work;

/* Distinct donors: a set of 16-byte keys (the first bytes of SHA-256 of the
 * reference), open addressing; the all-zero key marks an empty slot (a
 * donor whose key is all zero is counted apart). */
typedef struct {
	uint8_t (*keys)[S_DONOR_KEY];
	size_t cap, n;
	bool zero;
} S_donors;

typedef struct {
	char *id, *currency;
	int64_t starts, ends;
	int64_t cap; /* -1: none */
	bool closed, suspended;
	gt_give_stream *stream;
	uint64_t *donation_at; /* entry index of each donation, by its number */
	size_t ndonations, capdonations;
	uint64_t *disbursement_at; /* entry index of each disbursement */
	size_t ndisbursements, capdisbursements;
	uint64_t anonymous;
	S_donors donors;
	S_category *cats;
	size_t ncats, capcats;
	S_day *days;
	size_t ndays, capdays;
	S_work *works;
	size_t nworks, capworks;
} S_campaign;

typedef struct {
	uint64_t index;
	size_t campaign;
	uint64_t donation;
	char code[S_CODE_MAX + 1];
} S_kept;

struct gt_audit {
	S_campaign **c;
	size_t nc, capc;
	/* Campaign numbers + 1 by hash of their id, open addressing (0: empty). */
	uint32_t *slots;
	size_t nslots;
	/* Every disbursement's entry index, in log order, for confirmations. */
	uint64_t *disbursements;
	size_t ndisb, capdisb;
	uint64_t ndonations;
	/* The sample: every step-th donation (by its number in the whole log);
	 * the step doubles whenever more than twice the wanted number are kept. */
	size_t want;
	S_kept *kept;
	size_t nkept;
	uint64_t step;
	uint64_t last; /* index of the last entry taken, + 1 */
};

/* FNV-1a. */
static uint64_t S_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

static void S_campaign_free(S_campaign *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->currency);
	gt_give_stream_free(c->stream);
	free(c->donation_at);
	free(c->disbursement_at);
	free(c->donors.keys);
	for (size_t i = 0; i < c->ncats; i++)
		free(c->cats[i].name);
	free(c->cats);
	free(c->days);
	for (size_t i = 0; i < c->nworks; i++)
		free(c->works[i].id);
	free(c->works);
	free(c);
}

int gt_audit_new(const gt_audit_options *opt, gt_audit **ret, gt_error *err)
{
	gt_audit *a = calloc(1, sizeof(*a));
	if (!a)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	a->want = opt ? opt->sample : 0;
	a->step = 1;
	if (a->want > 0) {
		a->kept = calloc(2 * a->want, sizeof(*a->kept));
		if (!a->kept) {
			size_t want = a->want;
			free(a);
			return gt_fail(err, GT_ENOMEM, "out of memory for a sample of %zu", want);
		}
	}
	*ret = a;
	return 0;
}

void gt_audit_free(gt_audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nc; i++)
		S_campaign_free(a->c[i]);
	free(a->c);
	free(a->slots);
	free(a->disbursements);
	free(a->kept);
	free(a);
}

long gt_audit_campaign_find(const gt_audit *a, const char *id)
{
	if (a->nslots == 0)
		return -1;
	for (size_t i = S_hash(id) & (a->nslots - 1);; i = (i + 1) & (a->nslots - 1)) {
		uint32_t v = a->slots[i];
		if (v == 0)
			return -1;
		if (strcmp(a->c[v - 1]->id, id) == 0)
			return (long)v - 1;
	}
}

static void S_slot_put(uint32_t *slots, size_t nslots, const char *id, uint32_t v)
{
	size_t i = S_hash(id) & (nslots - 1);
	while (slots[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = v;
}

/* Add campaign c (its id not yet known). */
static int S_campaign_add(gt_audit *a, S_campaign *c)
{
	if (a->nc >= UINT32_MAX - 1)
		return GT_ERANGE;
	if (S_grow((void **)&a->c, &a->capc, a->nc, sizeof(*a->c)) < 0)
		return GT_ENOMEM;
	if ((a->nc + 1) * 2 > a->nslots) {
		size_t n = a->nslots ? a->nslots * 2 : 64;
		uint32_t *s = calloc(n, sizeof(*s));
		if (!s)
			return GT_ENOMEM;
		for (size_t i = 0; i < a->nc; i++)
			S_slot_put(s, n, a->c[i]->id, (uint32_t)i + 1);
		free(a->slots);
		a->slots = s;
		a->nslots = n;
	}
	a->c[a->nc] = c;
	S_slot_put(a->slots, a->nslots, c->id, (uint32_t)a->nc + 1);
	a->nc++;
	return 0;
}

/* Whether the donor key is new (and now in the set); GT_ENOMEM. */
static int S_donor_add(S_donors *d, const uint8_t key[S_DONOR_KEY])
{
	static const uint8_t zero[S_DONOR_KEY];
	if (memcmp(key, zero, S_DONOR_KEY) == 0) {
		d->zero = true;
		return 0;
	}
	if ((d->n + 1) * 4 > d->cap * 3) {
		size_t n = d->cap ? d->cap * 2 : 256;
		uint8_t(*k)[S_DONOR_KEY] = calloc(n, S_DONOR_KEY);
		if (!k)
			return GT_ENOMEM;
		for (size_t i = 0; i < d->cap; i++) {
			if (memcmp(d->keys[i], zero, S_DONOR_KEY) == 0)
				continue;
			uint64_t h;
			memcpy(&h, d->keys[i], sizeof(h));
			size_t j = h & (n - 1);
			while (memcmp(k[j], zero, S_DONOR_KEY) != 0)
				j = (j + 1) & (n - 1);
			memcpy(k[j], d->keys[i], S_DONOR_KEY);
		}
		free(d->keys);
		d->keys = k;
		d->cap = n;
	}
	uint64_t h;
	memcpy(&h, key, sizeof(h));
	size_t j = h & (d->cap - 1);
	while (memcmp(d->keys[j], zero, S_DONOR_KEY) != 0) {
		if (memcmp(d->keys[j], key, S_DONOR_KEY) == 0)
			return 0;
		j = (j + 1) & (d->cap - 1);
	}
	memcpy(d->keys[j], key, S_DONOR_KEY);
	d->n++;
	return 0;
}

/* The day of `at` in c's days (added if new, kept sorted). */
static S_day *S_day_of(S_campaign *c, int64_t at_ms)
{
	int64_t day = at_ms >= 0 ? at_ms / S_DAY_MS : -((-at_ms + S_DAY_MS - 1) / S_DAY_MS);
	if (c->ndays > 0 && c->days[c->ndays - 1].day == day)
		return &c->days[c->ndays - 1];
	size_t i = c->ndays;
	while (i > 0 && c->days[i - 1].day > day)
		i--;
	if (i > 0 && c->days[i - 1].day == day)
		return &c->days[i - 1];
	if (S_grow((void **)&c->days, &c->capdays, c->ndays, sizeof(*c->days)) < 0)
		return NULL;
	memmove(&c->days[i + 1], &c->days[i], (c->ndays - i) * sizeof(*c->days));
	c->days[i] = (S_day){.day = day};
	c->ndays++;
	return &c->days[i];
}

static S_category *S_category_of(S_campaign *c, const char *name)
{
	for (size_t i = 0; i < c->ncats; i++)
		if (strcmp(c->cats[i].name, name) == 0)
			return &c->cats[i];
	if (S_grow((void **)&c->cats, &c->capcats, c->ncats, sizeof(*c->cats)) < 0)
		return NULL;
	char *n = strdup(name);
	if (!n)
		return NULL;
	c->cats[c->ncats] = (S_category){.name = n};
	return &c->cats[c->ncats++];
}

static const S_work *S_work_find(const S_campaign *c, const char *id)
{
	for (size_t i = 0; i < c->nworks; i++)
		if (strcmp(c->works[i].id, id) == 0)
			return &c->works[i];
	return NULL;
}

/* Donation number d of campaign c from its entry index, or -1. */
static int64_t S_bsearch(const uint64_t *v, size_t n, uint64_t index)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == index ? (int64_t)lo : -1;
}

/* ---- the sample ------------------------------------------------------- */

static void S_sample(gt_audit *a, uint64_t nth, size_t campaign, uint64_t donation, uint64_t index,
		     const char *code)
{
	if (a->want == 0 || nth % a->step != 0)
		return;
	if (a->nkept == 2 * a->want) {
		/* Keep every other one: the step doubles. */
		for (size_t i = 0; 2 * i < a->nkept; i++)
			a->kept[i] = a->kept[2 * i];
		a->nkept = (a->nkept + 1) / 2;
		a->step *= 2;
		if (nth % a->step != 0)
			return;
	}
	S_kept *k = &a->kept[a->nkept++];
	*k = (S_kept){.index = index, .campaign = campaign, .donation = donation};
	snprintf(k->code, sizeof(k->code), "%s", code);
}

size_t gt_audit_nsamples(const gt_audit *a)
{
	return a->nkept < a->want ? a->nkept : a->want;
}

void gt_audit_sample_get(const gt_audit *a, size_t i, gt_audit_sample *out)
{
	size_t n = gt_audit_nsamples(a);
	/* n of the nkept, evenly: the first, then every nkept/n-th. */
	const S_kept *k = &a->kept[(size_t)((uint64_t)i * a->nkept / n)];
	*out = (gt_audit_sample){.campaign = k->campaign,
				 .donation = k->donation,
				 .index = k->index,
				 .code = k->code};
}

/* ---- the entries ------------------------------------------------------ */

typedef struct {
	gt_audit *a;
	const gt_entry *e;
	gt_error *err;
} S_ctx;

/* GT_ECORRUPT "entry N (type): <message>". */
static int S_bad(const S_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int S_bad(const S_ctx *x, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return gt_fail(x->err, GT_ECORRUPT, "entry %llu (%s): %s", (unsigned long long)x->e->index,
		       x->e->type, msg);
}

static int S_nomem(const S_ctx *x)
{
	return gt_fail(x->err, GT_ENOMEM, "out of memory at entry %llu",
		       (unsigned long long)x->e->index);
}

/* A field through the core/json.h getters, their message prefixed. */
static int S_field(const S_ctx *x, int rc, const gt_error *why)
{
	return rc < 0 ? S_bad(x, "%s", why->msg) : 0;
}

static int S_str(const S_ctx *x, const char *key, size_t max, const char **ret)
{
	gt_error why = {0};
	return S_field(x, gt_json_str(x->e->data, key, 1, max, ret, &why), &why);
}

static int S_str_opt(const S_ctx *x, const char *key, size_t max, const char **ret)
{
	gt_error why = {0};
	return S_field(x, gt_json_str_opt(x->e->data, key, max, ret, &why), &why);
}

static int S_int(const S_ctx *x, const char *key, int64_t min, int64_t max, int64_t *ret)
{
	gt_error why = {0};
	return S_field(x, gt_json_int(x->e->data, key, min, max, ret, &why), &why);
}

/* An optional positive integer: absent or null leaves *ret. */
static int S_int_opt(const S_ctx *x, const char *key, int64_t *ret)
{
	const json_t *v = json_object_get(x->e->data, key);
	if (!v || json_is_null(v))
		return 0;
	return S_int(x, key, 1, GT_GIVE_STREAM_MAX, ret);
}

static int S_time(const S_ctx *x, const char *key, int64_t *ret)
{
	const char *s;
	int rc = S_str(x, key, 64, &s);
	if (rc < 0)
		return rc;
	if (gt_time_parse(s, ret) < 0)
		return S_bad(x, "%s must be a time (RFC 3339): \"%s\"", key, s);
	return 0;
}

/* The campaign the entry names in key. */
static int S_campaign_of(const S_ctx *x, const char *key, S_campaign **ret, size_t *num)
{
	const char *id;
	int rc = S_str(x, key, 200, &id);
	if (rc < 0)
		return rc;
	long c = gt_audit_campaign_find(x->a, id);
	if (c < 0)
		return S_bad(x, "%s \"%s\": no such campaign on the log before it", key, id);
	*ret = x->a->c[c];
	if (num)
		*num = (size_t)c;
	return 0;
}

static int S_on_campaign(const S_ctx *x)
{
	const char *id, *currency, *text;
	int64_t goal, cap = -1, starts, ends;
	int rc;
	if ((rc = S_str(x, "id", 200, &id)) < 0 || (rc = S_str(x, "title", 10000, &text)) < 0 ||
	    (rc = S_str(x, "category", 200, &text)) < 0 ||
	    (rc = S_str(x, "currency", 16, &currency)) < 0 ||
	    (rc = S_int(x, "goal", 0, GT_GIVE_STREAM_MAX, &goal)) < 0 ||
	    (rc = S_int_opt(x, "cap", &cap)) < 0 || (rc = S_time(x, "starts", &starts)) < 0 ||
	    (rc = S_time(x, "ends", &ends)) < 0)
		return rc;
	const json_t *docs = json_object_get(x->e->data, "documents");
	if (docs && !json_is_null(docs) && !json_is_array(docs))
		return S_bad(x, "documents must be an array");
	if (gt_audit_campaign_find(x->a, id) >= 0)
		return S_bad(x, "campaign \"%s\" was already created", id);
	S_campaign *c = calloc(1, sizeof(*c));
	if (!c || !(c->id = strdup(id)) || !(c->currency = strdup(currency)) ||
	    gt_give_stream_new(&c->stream) < 0) {
		S_campaign_free(c);
		return S_nomem(x);
	}
	c->starts = starts;
	c->ends = ends;
	c->cap = cap;
	rc = S_campaign_add(x->a, c);
	if (rc < 0) {
		S_campaign_free(c);
		return rc == GT_ENOMEM ? S_nomem(x) : S_bad(x, "too many campaigns");
	}
	return 0;
}

static int S_on_documents(const S_ctx *x)
{
	S_campaign *c;
	int rc = S_campaign_of(x, "campaign", &c, NULL);
	if (rc < 0)
		return rc;
	if (!json_is_array(json_object_get(x->e->data, "documents")))
		return S_bad(x, "documents must be an array");
	/* New documents start verification again: no longer suspended. */
	c->suspended = false;
	return 0;
}

static int S_on_verify(const S_ctx *x)
{
	S_campaign *c;
	const char *status;
	int rc;
	if ((rc = S_campaign_of(x, "campaign", &c, NULL)) < 0 ||
	    (rc = S_str(x, "status", 32, &status)) < 0)
		return rc;
	if (strcmp(status, "verified") != 0 && strcmp(status, "rejected") != 0 &&
	    strcmp(status, "suspended") != 0)
		return S_bad(x, "status must be verified, rejected or suspended, not \"%s\"",
			     status);
	c->suspended = strcmp(status, "suspended") == 0;
	return 0;
}

static int S_on_close(const S_ctx *x)
{
	S_campaign *c;
	int rc = S_campaign_of(x, "campaign", &c, NULL);
	if (rc < 0)
		return rc;
	c->closed = true;
	return 0;
}

static int S_on_work(const S_ctx *x)
{
	S_campaign *c;
	const char *id, *text;
	int64_t price, edition = -1;
	int rc;
	if ((rc = S_campaign_of(x, "campaign", &c, NULL)) < 0 ||
	    (rc = S_str(x, "id", 200, &id)) < 0 || (rc = S_str(x, "title", 10000, &text)) < 0 ||
	    (rc = S_str(x, "sha256", 64, &text)) < 0 ||
	    (rc = S_int(x, "price", 1, GT_GIVE_STREAM_MAX, &price)) < 0 ||
	    (rc = S_int_opt(x, "edition", &edition)) < 0)
		return rc;
	if (S_work_find(c, id))
		return S_bad(x, "campaign %s already has a work \"%s\"", c->id, id);
	if (S_grow((void **)&c->works, &c->capworks, c->nworks, sizeof(*c->works)) < 0)
		return S_nomem(x);
	char *copy = strdup(id);
	if (!copy)
		return S_nomem(x);
	c->works[c->nworks++] = (S_work){.id = copy, .price = price};
	return 0;
}

static int S_on_donation(const S_ctx *x, int64_t at)
{
	gt_audit *a = x->a;
	S_campaign *c;
	size_t num;
	const char *code, *channel, *donor = NULL, *work = NULL;
	int64_t amount;
	int rc;
	if ((rc = S_campaign_of(x, "campaign", &c, &num)) < 0 ||
	    (rc = S_int(x, "amount", 1, GT_GIVE_STREAM_MAX, &amount)) < 0 ||
	    (rc = S_str(x, "code", S_CODE_MAX, &code)) < 0 ||
	    (rc = S_str(x, "channel", 32, &channel)) < 0 ||
	    (rc = S_str_opt(x, "donor", 200, &donor)) < 0 ||
	    (rc = S_str_opt(x, "work", 200, &work)) < 0)
		return rc;
	const json_t *anon = json_object_get(x->e->data, "anonymous");
	bool anonymous = json_is_true(anon);
	if (anon && !json_is_null(anon) && !json_is_boolean(anon))
		return S_bad(x, "anonymous must be true or false");
	if (anonymous && donor)
		return S_bad(x, "an anonymous donation has a donor");
	if (work) {
		const S_work *w = S_work_find(c, work);
		if (!w)
			return S_bad(x, "campaign %s has no work \"%s\"", c->id, work);
		if (w->price != amount)
			return S_bad(x, "the amount %lld is not the price %lld of work \"%s\"",
				     (long long)amount, (long long)w->price, work);
	}
	if (S_grow((void **)&c->donation_at, &c->capdonations, c->ndonations,
		   sizeof(*c->donation_at)) < 0)
		return S_nomem(x);
	uint64_t d;
	gt_error why = {0};
	rc = gt_give_donate(c->stream, amount, &d, &why);
	if (rc == GT_ENOMEM)
		return S_nomem(x);
	if (rc < 0)
		return S_bad(x, "%s", why.msg);
	S_day *day = S_day_of(c, at);
	if (!day)
		return S_nomem(x);
	if (donor) {
		uint8_t h[32];
		gt_sha256((const uint8_t *)donor, strlen(donor), h);
		if (S_donor_add(&c->donors, h) < 0)
			return S_nomem(x);
	}
	c->donation_at[c->ndonations++] = x->e->index;
	c->anonymous += anonymous;
	day->raised += amount;
	day->donations++;
	S_sample(a, a->ndonations, num, d, x->e->index, code);
	a->ndonations++;
	return 0;
}

static int S_on_refund(const S_ctx *x, int64_t at)
{
	S_campaign *c;
	int64_t donation, amount;
	int rc;
	if ((rc = S_campaign_of(x, "campaign", &c, NULL)) < 0 ||
	    (rc = S_int(x, "donation", 0, INT64_MAX, &donation)) < 0 ||
	    (rc = S_int(x, "amount", 1, GT_GIVE_STREAM_MAX, &amount)) < 0)
		return rc;
	int64_t d = S_bsearch(c->donation_at, c->ndonations, (uint64_t)donation);
	if (d < 0)
		return S_bad(x, "entry %lld is not a donation to campaign %s", (long long)donation,
			     c->id);
	gt_error why = {0};
	rc = gt_give_refund(c->stream, (uint64_t)d, amount, &why);
	if (rc < 0)
		return S_bad(x, "refunding donation %lld: %s", (long long)donation, why.msg);
	S_day *day = S_day_of(c, at);
	if (!day)
		return S_nomem(x);
	day->refunded += amount;
	return 0;
}

static int S_on_disbursement(const S_ctx *x, int64_t at)
{
	gt_audit *a = x->a;
	S_campaign *c;
	const char *text, *kind, *category;
	int64_t amount;
	int rc;
	if ((rc = S_campaign_of(x, "campaign", &c, NULL)) < 0 ||
	    (rc = S_str(x, "payee", 10000, &text)) < 0 ||
	    (rc = S_str(x, "payee_kind", 32, &kind)) < 0 ||
	    (rc = S_str(x, "purpose", 10000, &text)) < 0 ||
	    (rc = S_str(x, "category", 200, &category)) < 0 ||
	    (rc = S_str(x, "receipt_sha256", 64, &text)) < 0 ||
	    (rc = S_int(x, "amount", 1, GT_GIVE_STREAM_MAX, &amount)) < 0)
		return rc;
	if (strcmp(kind, "beneficiary") != 0 && strcmp(kind, "supplier") != 0)
		return S_bad(x, "payee_kind must be beneficiary or supplier, not \"%s\"", kind);
	if (S_grow((void **)&c->disbursement_at, &c->capdisbursements, c->ndisbursements,
		   sizeof(*c->disbursement_at)) < 0 ||
	    S_grow((void **)&a->disbursements, &a->capdisb, a->ndisb, sizeof(*a->disbursements)) <
		    0)
		return S_nomem(x);
	gt_error why = {0};
	rc = gt_give_disburse(c->stream, amount, NULL, &why);
	if (rc == GT_ENOMEM)
		return S_nomem(x);
	if (rc < 0)
		return S_bad(x, "%s", why.msg);
	S_category *cat = S_category_of(c, category);
	S_day *day = cat ? S_day_of(c, at) : NULL;
	if (!day)
		return S_nomem(x);
	c->disbursement_at[c->ndisbursements++] = x->e->index;
	a->disbursements[a->ndisb++] = x->e->index;
	cat->amount += amount;
	cat->count++;
	day->spent += amount;
	return 0;
}

static int S_on_confirm(const S_ctx *x)
{
	int64_t j;
	int rc = S_int(x, "disbursement", 0, INT64_MAX, &j);
	if (rc < 0)
		return rc;
	if (S_bsearch(x->a->disbursements, x->a->ndisb, (uint64_t)j) < 0)
		return S_bad(x, "entry %lld is not a disbursement", (long long)j);
	return 0;
}

int gt_audit_entry(gt_audit *a, const gt_entry *e, gt_error *err)
{
	if (strncmp(e->type, "give.", 5) != 0)
		return 0;
	S_ctx x = {a, e, err};
	if (a->last > e->index)
		return S_bad(&x, "entries out of order (after entry %llu)",
			     (unsigned long long)a->last - 1);
	a->last = e->index + 1;
	int64_t at;
	if (gt_time_parse(e->at, &at) < 0)
		return S_bad(&x, "at is not a time: \"%s\"", e->at);
	const char *t = e->type + 5;
	if (strcmp(t, "campaign") == 0)
		return S_on_campaign(&x);
	if (strcmp(t, "campaign.documents") == 0)
		return S_on_documents(&x);
	if (strcmp(t, "campaign.verify") == 0)
		return S_on_verify(&x);
	if (strcmp(t, "campaign.close") == 0)
		return S_on_close(&x);
	if (strcmp(t, "work") == 0)
		return S_on_work(&x);
	if (strcmp(t, "donation") == 0)
		return S_on_donation(&x, at);
	if (strcmp(t, "refund") == 0)
		return S_on_refund(&x, at);
	if (strcmp(t, "disbursement") == 0)
		return S_on_disbursement(&x, at);
	if (strcmp(t, "confirm") == 0)
		return S_on_confirm(&x);
	return S_bad(&x, "not a give entry type this audit knows");
}

int gt_audit_add(gt_audit *a, uint64_t index, const uint8_t *data, size_t len, gt_error *err)
{
	/* Entries whose bytes do not hold "give." anywhere are passed over
	 * without parsing (the type of a give entry in canonical form holds
	 * them); the others are parsed in full, so that a give entry written
	 * in another form (spaces, another order of keys) is refused. */
	static const char mark[] = "give.";
	if (!memmem(data, len, mark, sizeof(mark) - 1))
		return 0;
	json_t *root;
	gt_entry e;
	int rc = gt_entry_parse(data, len, index, &root, &e, err);
	if (rc < 0)
		return rc;
	rc = gt_audit_entry(a, &e, err);
	json_decref(root);
	return rc;
}

/* ---- answers ---------------------------------------------------------- */

size_t gt_audit_ncampaigns(const gt_audit *a)
{
	return a->nc;
}

const char *gt_audit_campaign_id(const gt_audit *a, size_t c)
{
	return a->c[c]->id;
}

const char *gt_audit_campaign_currency(const gt_audit *a, size_t c)
{
	return a->c[c]->currency;
}

uint64_t gt_audit_ndonations(const gt_audit *a)
{
	return a->ndonations;
}

const char *gt_audit_status(const gt_audit *a, size_t n, int64_t now_ms)
{
	const S_campaign *c = a->c[n];
	if (c->suspended)
		return "suspended";
	gt_give_totals t;
	gt_give_totals_get(c->stream, &t);
	if (c->closed || (c->cap >= 0 && t.donated >= c->cap))
		return "closed";
	if (now_ms < c->starts)
		return "upcoming";
	if (now_ms >= c->ends)
		return "ended";
	return "open";
}

static int S_cat_cmp(const void *x, const void *y)
{
	const S_category *const *a = x, *const *b = y;
	return strcmp((*a)->name, (*b)->name);
}

json_t *gt_audit_accounts(const gt_audit *a, size_t n)
{
	const S_campaign *c = a->c[n];
	gt_give_totals t;
	gt_give_totals_get(c->stream, &t);
	json_t *cats = json_array(), *days = json_array();
	const S_category **sorted = malloc((c->ncats ? c->ncats : 1) * sizeof(*sorted));
	bool ok = cats && days && sorted;
	for (size_t i = 0; ok && i < c->ncats; i++)
		sorted[i] = &c->cats[i];
	if (ok)
		qsort(sorted, c->ncats, sizeof(*sorted), S_cat_cmp);
	for (size_t i = 0; ok && i < c->ncats; i++)
		ok = json_array_append_new(cats,
					   json_pack("{s:s, s:I, s:I}", "category", sorted[i]->name,
						     "amount", (json_int_t)sorted[i]->amount,
						     "count", (json_int_t)sorted[i]->count)) == 0;
	for (size_t i = 0; ok && i < c->ndays; i++) {
		const S_day *d = &c->days[i];
		time_t secs = (time_t)(d->day * 86400);
		struct tm tm;
		char day[16];
		gmtime_r(&secs, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		ok = json_array_append_new(
			     days, json_pack("{s:s, s:I, s:I, s:I, s:I}", "day", day, "raised",
					     (json_int_t)d->raised, "refunded",
					     (json_int_t)d->refunded, "spent", (json_int_t)d->spent,
					     "donations", (json_int_t)d->donations)) == 0;
	}
	free(sorted);
	if (!ok) {
		json_decref(cats);
		json_decref(days);
		return NULL;
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "raised",
			 (json_int_t)t.donated, "refunded", (json_int_t)t.refunded, "spent",
			 (json_int_t)t.spent, "balance", (json_int_t)t.balance, "donations",
			 (json_int_t)t.donations, "donors",
			 (json_int_t)(c->donors.n + c->donors.zero), "anonymous",
			 (json_int_t)c->anonymous, "disbursements", (json_int_t)t.disbursements,
			 "by_category", cats, "days", days);
}

int gt_audit_follow(const gt_audit *a, size_t n, uint64_t d, gt_give_part *parts, size_t max,
		    size_t *nparts, int64_t *unspent, int64_t *refunded)
{
	const S_campaign *c = a->c[n];
	int rc = gt_give_follow(c->stream, d, parts, max, nparts, unspent, refunded);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < *nparts && i < max; i++)
		parts[i].disbursement = c->disbursement_at[parts[i].disbursement];
	return 0;
}

/* ---- comparing -------------------------------------------------------- */

typedef struct {
	gt_audit_diff_fn fn;
	void *ctx;
	size_t n;
	gt_buf path;
} S_cmp;

static void S_diff(S_cmp *s, const json_t *log, const json_t *server)
{
	char *x = log ? json_dumps(log, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	char *y = server ? json_dumps(server, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	s->fn(s->ctx, s->path.data ? (const char *)s->path.data : "",
	      x ? x : (log ? "(out of memory)" : "nothing"),
	      y ? y : (server ? "(out of memory)" : "nothing"));
	free(x);
	free(y);
	s->n++;
}

static void S_compare(S_cmp *s, const json_t *log, const json_t *server);

/* path + ".key" or path + "[key]", compared, path put back. */
static void S_compare_at(S_cmp *s, bool bracket, const char *key, const json_t *log,
			 const json_t *server)
{
	size_t len = s->path.len;
	if (bracket)
		gt_buf_addf(&s->path, "[%s]", key);
	else
		gt_buf_addf(&s->path, "%s%s", len ? "." : "", key);
	if (!log || !server)
		S_diff(s, log, server);
	else
		S_compare(s, log, server);
	s->path.len = len;
	if (s->path.data)
		s->path.data[len] = 0;
}

/* The member arrays of objects are matched by, if any. */
static const char *S_array_key(const json_t *log, const json_t *server)
{
	static const char *const keys[] = {"day", "category"};
	const json_t *first =
		json_array_size(log) ? json_array_get(log, 0) : json_array_get(server, 0);
	for (size_t i = 0; first && i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_is_string(json_object_get(first, keys[i])))
			return keys[i];
	return NULL;
}

static const json_t *S_element(const json_t *arr, const char *key, const char *value)
{
	size_t i;
	const json_t *v;
	json_array_foreach(arr, i, v)
	{
		const json_t *k = json_object_get(v, key);
		if (json_is_string(k) && strcmp(json_string_value(k), value) == 0)
			return v;
	}
	return NULL;
}

static void S_compare(S_cmp *s, const json_t *log, const json_t *server)
{
	if (json_is_object(log) && json_is_object(server)) {
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)log, k, v)
			S_compare_at(s, false, k, v, json_object_get(server, k));
		return;
	}
	if (json_is_array(log) && json_is_array(server)) {
		const char *key = S_array_key(log, server);
		size_t i;
		const json_t *v;
		char num[32];
		if (!key) {
			size_t nl = json_array_size(log), ns = json_array_size(server);
			for (i = 0; i < nl || i < ns; i++) {
				snprintf(num, sizeof(num), "%zu", i);
				S_compare_at(s, true, num, json_array_get(log, i),
					     json_array_get(server, i));
			}
			return;
		}
		json_array_foreach((json_t *)log, i, v)
		{
			const json_t *k = json_object_get(v, key);
			const char *name = json_is_string(k) ? json_string_value(k) : "?";
			S_compare_at(s, true, name, v, S_element(server, key, name));
		}
		json_array_foreach((json_t *)server, i, v)
		{
			const json_t *k = json_object_get(v, key);
			const char *name = json_is_string(k) ? json_string_value(k) : "?";
			if (!json_is_string(k) || !S_element(log, key, name))
				S_compare_at(s, true, name, NULL, v);
		}
		return;
	}
	if (json_is_integer(log) && json_is_number(server)) {
		if (json_is_integer(server) ?
			    json_integer_value(log) != json_integer_value(server) :
			    (double)json_integer_value(log) != json_real_value(server))
			S_diff(s, log, server);
		return;
	}
	if (!json_equal((json_t *)log, (json_t *)server))
		S_diff(s, log, server);
}

size_t gt_audit_compare(const json_t *log, const json_t *server, const char *path,
			gt_audit_diff_fn fn, void *ctx)
{
	S_cmp s = {.fn = fn, .ctx = ctx};
	if (path && *path)
		gt_buf_addstr(&s.path, path);
	if (!log || !server)
		S_diff(&s, log, server);
	else
		S_compare(&s, log, server);
	gt_buf_done(&s.path);
	return s.n;
}
