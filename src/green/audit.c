/* goodtrace audit's replay of green entries into the public totals (audit.h). */
#include "green/audit.h"
#include "core/base64.h"

#include "core/buf.h"
#include "core/json.h"
#include "core/time.h"
#include "green/green_int.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The limits decide enforces (energy.c, trees.c, pools.c, docs/green.md). */
#define S_QUANTITY_MAX 1000000000
#define S_GRAMS_MAX 10000000 /* the largest cap: no action or unlock is worth more */
#define S_COST_MIN 100
#define S_COST_MAX 1000000
#define S_PLANT_MAX 1000
#define S_PHOTOS_MAX 20
#define S_SITE_RADIUS_M 50000.0
#define S_CHECK_EARLY_DAYS 30
#define S_BUDGET_MAX 1000000000000LL
#define S_CAMPAIGNS_MAX 20
#define S_TEXT 200 /* room for an id, a reference or an "org:<id>" */

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

/* ---- sums by a 64-bit key (open addressing) ------------------------------------------------ */

typedef struct {
	uint64_t key;
	int64_t a, b;
	bool used;
} S_sum;

typedef struct {
	S_sum *s;
	size_t cap, n;
} S_sums;

static size_t S_slot(uint64_t key, size_t cap)
{
	key *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(key ^ (key >> 31)) & (cap - 1);
}

static void S_sums_put(S_sum *s, size_t cap, const S_sum *v)
{
	size_t j = S_slot(v->key, cap);
	while (s[j].used)
		j = (j + 1) & (cap - 1);
	s[j] = *v;
}

/* Keep only the sums keep() says, in a table of cap slots (a power of two). */
static int S_sums_rebuild(S_sums *m, size_t cap, bool (*keep)(const S_sum *, int64_t), int64_t arg)
{
	S_sum *s = calloc(cap, sizeof(*s));
	if (!s)
		return GT_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < m->cap; i++)
		if (m->s[i].used && (!keep || keep(&m->s[i], arg))) {
			S_sums_put(s, cap, &m->s[i]);
			n++;
		}
	free(m->s);
	m->s = s;
	m->cap = cap;
	m->n = n;
	return 0;
}

/* The sums of key (zero when new); NULL when out of memory. */
static S_sum *S_sums_at(S_sums *m, uint64_t key)
{
	if ((m->n + 1) * 4 > m->cap * 3 &&
	    S_sums_rebuild(m, m->cap ? 2 * m->cap : 1024, NULL, 0) < 0)
		return NULL;
	size_t j = S_slot(key, m->cap);
	for (; m->s[j].used; j = (j + 1) & (m->cap - 1))
		if (m->s[j].key == key)
			return &m->s[j];
	m->s[j] = (S_sum){.key = key, .used = true};
	m->n++;
	return &m->s[j];
}

static uint64_t S_key(size_t user, int64_t low)
{
	return (uint64_t)user << 32 | (uint32_t)low;
}

static bool S_day_recent(const S_sum *s, int64_t first)
{
	return (int32_t)(uint32_t)s->key >= first;
}

/* ---- the replay's state ------------------------------------------------------------------- */

typedef struct {
	uint8_t key[32]; /* the reference's 64 hex digits as bytes */
	int64_t collected, spent;
} S_user;

/* Kinds, species and sites begin with their id, for sorting by it. */
typedef struct {
	char *id;
	int64_t grams, actions;
} S_kind;

typedef struct {
	char *id, *name, *planter;
	int64_t cost;
	bool available;
	uint64_t *trees; /* the trees ordered (their redeem entries), oldest first */
	size_t ntrees, captrees;
	size_t planted; /* the first ones: planting is first in, first out */
	int64_t surviving;
} S_species;

typedef struct {
	char *id, *name, *planter;
	int64_t lat, lon; /* millionths of degrees */
	int64_t plantings, planted, surviving;
} S_site;

typedef struct {
	uint64_t index;
	size_t site, species;
	int32_t date;
	int64_t count, alive1;
	bool has1, has3;
} S_planting;

typedef struct {
	json_t *item; /* as the API shows it, but for the running figures below */
	const char *id, *sponsor;
	const json_t *campaigns;
	int64_t budget, amount, grams, cap; /* grams 0: per action; cap 0: none */
	int64_t starts, ends;		    /* INT64_MIN, INT64_MAX: none */
	int64_t unlocked, unlocks;
	bool closed;
} S_pool;

typedef struct {
	int32_t day;
	int64_t credited, collected;
} S_day;

struct gt_green_audit {
	uint64_t last; /* index of the last green entry + 1 */
	uint64_t entries;
	S_user *users;
	size_t nusers, capusers;
	uint32_t *uslots; /* user + 1, or 0 */
	size_t nuslots;
	S_sums userdays;  /* (user, day): credited, collected; the last days only */
	int32_t pruned;	  /* the day userdays was last pruned on */
	S_sums userpools; /* (user, pool): unlocked */
	S_kind **kinds;
	size_t nkinds, capkinds;
	S_day *days; /* sorted by day */
	size_t ndays, capdays;
	S_species **species;
	size_t nspecies, capspecies;
	S_site **sites;
	size_t nsites, capsites;
	S_planting *plantings; /* in log order */
	size_t nplantings, capplantings;
	S_pool *pools;
	size_t npools, cappools;
	int64_t credited, collected, spent, actions;
	/* The last donation from a pool (its green.unlock comes next). */
	bool don_set;
	uint64_t don_index;
	int64_t don_amount;
	char don_campaign[S_TEXT], don_pool[S_TEXT], don_user[S_TEXT], don_sponsor[S_TEXT];
};

int gt_green_audit_new(gt_green_audit **ret, gt_error *err)
{
	gt_green_audit *a = calloc(1, sizeof(*a));
	if (!a)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	*ret = a;
	return 0;
}

void gt_green_audit_free(gt_green_audit *a)
{
	if (!a)
		return;
	free(a->users);
	free(a->uslots);
	free(a->userdays.s);
	free(a->userpools.s);
	for (size_t i = 0; i < a->nkinds; i++) {
		free(a->kinds[i]->id);
		free(a->kinds[i]);
	}
	free(a->kinds);
	free(a->days);
	for (size_t i = 0; i < a->nspecies; i++) {
		S_species *s = a->species[i];
		free(s->id);
		free(s->name);
		free(s->planter);
		free(s->trees);
		free(s);
	}
	free(a->species);
	for (size_t i = 0; i < a->nsites; i++) {
		free(a->sites[i]->id);
		free(a->sites[i]->name);
		free(a->sites[i]->planter);
		free(a->sites[i]);
	}
	free(a->sites);
	free(a->plantings);
	for (size_t i = 0; i < a->npools; i++)
		json_decref(a->pools[i].item);
	free(a->pools);
	free(a);
}

uint64_t gt_green_audit_entries(const gt_green_audit *a)
{
	return a->entries;
}

/* ---- lookups ------------------------------------------------------------------------------ */

static size_t S_uslot(const uint8_t key[32], size_t n)
{
	uint64_t h;
	memcpy(&h, key, sizeof(h));
	return S_slot(h, n);
}

/* The number of the user with reference ref (a valid one), added if new;
 * -1 when out of memory. */
static int64_t S_user_num(gt_green_audit *a, const char *ref)
{
	uint8_t key[32];
	gt_hex_decode(ref + 6, 32, key);
	for (size_t j = a->nuslots ? S_uslot(key, a->nuslots) : 0; a->nuslots && a->uslots[j];
	     j = (j + 1) & (a->nuslots - 1))
		if (memcmp(a->users[a->uslots[j] - 1].key, key, 32) == 0)
			return a->uslots[j] - 1;
	if (a->nusers >= UINT32_MAX - 1 ||
	    S_grow((void **)&a->users, &a->capusers, a->nusers, sizeof(*a->users)) < 0)
		return -1;
	if ((a->nusers + 1) * 2 > a->nuslots) {
		size_t n = a->nuslots ? 2 * a->nuslots : 1024;
		uint32_t *s = calloc(n, sizeof(*s));
		if (!s)
			return -1;
		for (size_t i = 0; i < a->nusers; i++) {
			size_t j = S_uslot(a->users[i].key, n);
			while (s[j])
				j = (j + 1) & (n - 1);
			s[j] = (uint32_t)i + 1;
		}
		free(a->uslots);
		a->uslots = s;
		a->nuslots = n;
	}
	size_t j = S_uslot(key, a->nuslots);
	while (a->uslots[j])
		j = (j + 1) & (a->nuslots - 1);
	a->users[a->nusers] = (S_user){0};
	memcpy(a->users[a->nusers].key, key, 32);
	a->uslots[j] = (uint32_t)++a->nusers;
	return (int64_t)a->nusers - 1;
}

/* The thing with id in a list of pointers to structs that begin with their
 * id, or -1. */
static long S_find(void *const *list, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(*(char *const *)list[i], id) == 0)
			return (long)i;
	return -1;
}

/* The day's sums (added in order if new), or NULL when out of memory. */
static S_day *S_day_of(gt_green_audit *a, int32_t day)
{
	size_t i = a->ndays;
	while (i > 0 && a->days[i - 1].day > day)
		i--;
	if (i > 0 && a->days[i - 1].day == day)
		return &a->days[i - 1];
	if (S_grow((void **)&a->days, &a->capdays, a->ndays, sizeof(*a->days)) < 0)
		return NULL;
	memmove(&a->days[i + 1], &a->days[i], (a->ndays - i) * sizeof(*a->days));
	a->days[i] = (S_day){.day = day};
	a->ndays++;
	return &a->days[i];
}

/* ---- checking entries --------------------------------------------------------------------- */

typedef struct {
	gt_green_audit *a;
	const gt_entry *e;
	gt_error *err;
	int64_t at;
	int32_t today;	/* the programme's day of the entry */
	char where[64]; /* "action 3: ": what in the entry a message is about */
} S_ctx;

/* GT_ECORRUPT "entry N (type): <where><message>". */
static int S_bad(const S_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int S_bad(const S_ctx *x, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return gt_fail(x->err, GT_ECORRUPT, "entry %llu (%s): %s%s",
		       (unsigned long long)x->e->index, x->e->type, x->where, msg);
}

static int S_nomem(const S_ctx *x)
{
	return gt_fail(x->err, GT_ENOMEM, "out of memory at entry %llu",
		       (unsigned long long)x->e->index);
}

/* A core/json.h getter's verdict, its message prefixed. */
static int S_field(const S_ctx *x, int rc, const gt_error *why)
{
	return rc < 0 ? S_bad(x, "%s", why->msg) : 0;
}

static int S_str(const S_ctx *x, const json_t *o, const char *key, size_t min, size_t max,
		 const char **ret)
{
	gt_error why = {0};
	return S_field(x, gt_json_str(o, key, min, max, ret, &why), &why);
}

static int S_text(const S_ctx *x, const json_t *o, const char *key, size_t max, bool required,
		  const char **ret)
{
	gt_error why = {0};
	return S_field(x, gt_json_text(o, key, max, required, ret, &why), &why);
}

static int S_slug(const S_ctx *x, const json_t *o, const char *key, const char **ret)
{
	gt_error why = {0};
	return S_field(x, gt_json_slug(o, key, 40, true, ret, &why), &why);
}

static int S_int(const S_ctx *x, const json_t *o, const char *key, int64_t min, int64_t max,
		 int64_t *ret)
{
	gt_error why = {0};
	return S_field(x, gt_json_int(o, key, min, max, ret, &why), &why);
}

static int S_date(const S_ctx *x, const json_t *o, const char *key, int32_t *day)
{
	*day = gt_green_day_parse(gt_green_opt(o, key));
	return *day < 0 ? S_bad(x, "%s must be a date like \"2027-04-02\"", key) : 0;
}

/* A user's reference "green:<64 hex>" at o[key], and their number. */
static int S_user_at(const S_ctx *x, const json_t *o, const char *key, const char **ref,
		     int64_t *user)
{
	*ref = gt_green_opt(o, key);
	if (!gt_green_ref_valid(*ref))
		return S_bad(x, "%s must be a user's reference \"green:<64 hex>\"", key);
	if ((*user = S_user_num(x->a, *ref)) < 0)
		return S_nomem(x);
	return 0;
}

/* 1 to S_PHOTOS_MAX SHA-256 hashes (64 lower hex) at o[key]. */
static int S_hashes(const S_ctx *x, const json_t *o, const char *key)
{
	const json_t *list = json_object_get(o, key), *v;
	size_t n = json_array_size(list), i;
	bool ok = json_is_array(list) && n >= 1 && n <= S_PHOTOS_MAX;
	json_array_foreach(list, i, v)
	{
		const char *h = json_string_value(v);
		uint8_t b[32];
		ok = ok && h && strlen(h) == 64 && gt_hex_decode(h, 32, b) == 0;
	}
	return ok ? 0 :
		    S_bad(x, "%s must be a list of 1 to %d SHA-256 hashes (64 hex digits)", key,
			  S_PHOTOS_MAX);
}

/* The organisation of the entry ("org:<id>"). */
static int S_org(const S_ctx *x, const char **org)
{
	*org = strncmp(x->e->by, "org:", 4) == 0 && x->e->by[4] ? x->e->by + 4 : NULL;
	return *org ? 0 : S_bad(x, "by must be an organisation (org:<id>), not \"%s\"", x->e->by);
}

/* *dst replaced by a copy of s: 0 or GT_ENOMEM. */
static int S_set(char **dst, const char *s)
{
	char *c = strdup(s);
	if (!c)
		return GT_ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

/* ---- energy ------------------------------------------------------------------------------- */

static int S_on_actions(S_ctx *x)
{
	gt_green_audit *a = x->a;
	const json_t *list = json_object_get(x->e->data, "actions"), *v;
	size_t n = json_array_size(list), i;
	if (!json_is_array(list) || n < 1 || n > GT_GREEN_REPORT_MAX)
		return S_bad(x, "actions must be a list of 1 to %d actions", GT_GREEN_REPORT_MAX);
	json_array_foreach(list, i, v)
	{
		snprintf(x->where, sizeof(x->where), "action %zu: ", i);
		const char *ref, *user, *kind;
		int64_t u, quantity, grams;
		int32_t day;
		uint8_t b[GT_GREEN_REF_BYTES];
		int rc;
		if (!json_is_object(v))
			return S_bad(x, "not an object");
		if ((rc = S_str(x, v, "ref", GT_GREEN_REF_HEX, GT_GREEN_REF_HEX, &ref)) < 0 ||
		    (rc = S_user_at(x, v, "user", &user, &u)) < 0 ||
		    (rc = S_str(x, v, "kind", 1, GT_GREEN_KIND_MAX, &kind)) < 0 ||
		    (rc = S_date(x, v, "day", &day)) < 0 ||
		    (rc = S_int(x, v, "quantity", 1, S_QUANTITY_MAX, &quantity)) < 0 ||
		    (rc = S_int(x, v, "grams", 1, S_GRAMS_MAX, &grams)) < 0)
			return rc;
		if (gt_hex_decode(ref, GT_GREEN_REF_BYTES, b) < 0)
			return S_bad(x, "ref must be %d hex digits", GT_GREEN_REF_HEX);
		if (day < x->today - 1 || day > x->today)
			return S_bad(
				x,
				"day %s is neither the entry's day nor the day before (UTC+08:00)",
				gt_green_opt(v, "day"));
		long k = S_find((void *const *)a->kinds, a->nkinds, kind);
		if (k < 0) {
			S_kind *nk = calloc(1, sizeof(*nk));
			if (!nk || !(nk->id = strdup(kind)) ||
			    S_grow((void **)&a->kinds, &a->capkinds, a->nkinds, sizeof(*a->kinds)) <
				    0) {
				if (nk)
					free(nk->id);
				free(nk);
				return S_nomem(x);
			}
			k = (long)a->nkinds;
			a->kinds[a->nkinds++] = nk;
		}
		S_day *d = S_day_of(a, day);
		S_sum *ud = d ? S_sums_at(&a->userdays, S_key((size_t)u, day)) : NULL;
		if (!ud)
			return S_nomem(x);
		a->kinds[k]->grams += grams;
		a->kinds[k]->actions++;
		d->credited += grams;
		ud->a += grams;
		a->credited += grams;
		a->actions++;
	}
	x->where[0] = 0;
	return 0;
}

static int S_on_collect(S_ctx *x)
{
	gt_green_audit *a = x->a;
	const char *user;
	int64_t u, grams, sum = 0;
	int rc;
	if ((rc = S_user_at(x, x->e->data, "user", &user, &u)) < 0 ||
	    (rc = S_int(x, x->e->data, "grams", 1, INT64_MAX / 2, &grams)) < 0)
		return rc;
	const json_t *list = json_object_get(x->e->data, "days"), *v;
	size_t n = json_array_size(list), i;
	if (!json_is_array(list) || n < 1 || n > 8)
		return S_bad(x, "days must be a list of 1 to 8 days");
	int32_t prev = INT32_MIN;
	json_array_foreach(list, i, v)
	{
		snprintf(x->where, sizeof(x->where), "days[%zu]: ", i);
		int32_t day;
		int64_t g;
		if (!json_is_object(v))
			return S_bad(x, "not an object");
		if ((rc = S_date(x, v, "day", &day)) < 0 ||
		    (rc = S_int(x, v, "grams", 1, INT64_MAX / 16, &g)) < 0)
			return rc;
		const char *t = gt_green_opt(v, "day");
		if (day <= prev)
			return S_bad(x, "%s is not after the day before it", t);
		if (day < x->today - 3 || day > x->today - 1)
			return S_bad(x,
				     "the energy of %s cannot be collected on the entry's day: "
				     "it appears the next day and expires 72 hours later",
				     t);
		prev = day;
		S_day *d = S_day_of(a, day);
		S_sum *ud = d ? S_sums_at(&a->userdays, S_key((size_t)u, day)) : NULL;
		if (!ud)
			return S_nomem(x);
		if (ud->b + g > ud->a)
			return S_bad(x,
				     "collects %lld g of %s, but the user earned %lld g that day "
				     "and collected %lld g of it before",
				     (long long)g, t, (long long)ud->a, (long long)ud->b);
		ud->b += g;
		d->collected += g;
		sum += g;
	}
	x->where[0] = 0;
	if (sum != grams)
		return S_bad(x, "grams is %lld, but its days add up to %lld", (long long)grams,
			     (long long)sum);
	a->users[u].collected += grams;
	a->collected += grams;
	return 0;
}

/* Spend grams of user u's balance. */
static int S_spend(S_ctx *x, int64_t u, int64_t grams)
{
	S_user *us = &x->a->users[u];
	if (us->collected - us->spent < grams)
		return S_bad(x, "spends %lld g, but the user's balance is %lld g", (long long)grams,
			     (long long)(us->collected - us->spent));
	us->spent += grams;
	x->a->spent += grams;
	return 0;
}

/* ---- trees -------------------------------------------------------------------------------- */

static int S_on_species(S_ctx *x)
{
	gt_green_audit *a = x->a;
	const json_t *d = x->e->data, *avail = json_object_get(d, "available");
	const char *org, *id, *name, *text = NULL;
	int64_t cost;
	int rc;
	if ((rc = S_org(x, &org)) < 0 || (rc = S_slug(x, d, "id", &id)) < 0 ||
	    (rc = S_text(x, d, "name", 100, true, &name)) < 0 ||
	    (rc = S_text(x, d, "name_zh", 100, false, &text)) < 0 ||
	    (rc = S_int(x, d, "cost", S_COST_MIN, S_COST_MAX, &cost)) < 0 ||
	    (rc = S_text(x, d, "region", 200, true, &text)) < 0 ||
	    (rc = S_text(x, d, "description", 2000, false, &text)) < 0)
		return rc;
	if (!json_is_boolean(avail))
		return S_bad(x, "available must be true or false");
	long k = S_find((void *const *)a->species, a->nspecies, id);
	S_species *s = k >= 0 ? a->species[k] : NULL;
	if (s && strcmp(s->planter, org) != 0)
		return S_bad(x, "species \"%s\" belongs to %s", id, s->planter);
	if (!s) {
		if (S_grow((void **)&a->species, &a->capspecies, a->nspecies, sizeof(*a->species)) <
			    0 ||
		    !(s = calloc(1, sizeof(*s))))
			return S_nomem(x);
		a->species[a->nspecies++] = s;
		if (S_set(&s->id, id) < 0 || S_set(&s->planter, org) < 0)
			return S_nomem(x);
	}
	if (S_set(&s->name, name) < 0)
		return S_nomem(x);
	s->cost = cost;
	s->available = json_is_true(avail);
	return 0;
}

static int S_on_site(S_ctx *x)
{
	gt_green_audit *a = x->a;
	const json_t *d = x->e->data;
	const char *org, *id, *name, *region;
	int64_t lat, lon;
	int rc;
	if ((rc = S_org(x, &org)) < 0 || (rc = S_slug(x, d, "id", &id)) < 0 ||
	    (rc = S_text(x, d, "name", 100, true, &name)) < 0 ||
	    (rc = S_text(x, d, "region", 200, true, &region)) < 0 ||
	    (rc = S_int(x, d, "latitude_e6", -90000000, 90000000, &lat)) < 0 ||
	    (rc = S_int(x, d, "longitude_e6", -180000000, 180000000, &lon)) < 0)
		return rc;
	long k = S_find((void *const *)a->sites, a->nsites, id);
	S_site *s = k >= 0 ? a->sites[k] : NULL;
	if (s && strcmp(s->planter, org) != 0)
		return S_bad(x, "site \"%s\" belongs to %s", id, s->planter);
	if (!s) {
		if (S_grow((void **)&a->sites, &a->capsites, a->nsites, sizeof(*a->sites)) < 0 ||
		    !(s = calloc(1, sizeof(*s))))
			return S_nomem(x);
		a->sites[a->nsites++] = s;
		if (S_set(&s->id, id) < 0 || S_set(&s->planter, org) < 0)
			return S_nomem(x);
	}
	if (S_set(&s->name, name) < 0)
		return S_nomem(x);
	s->lat = lat;
	s->lon = lon;
	return 0;
}

static int S_on_redeem(S_ctx *x)
{
	gt_green_audit *a = x->a;
	const json_t *d = x->e->data;
	const char *user, *id, *planter;
	int64_t u, cost;
	int rc;
	if ((rc = S_user_at(x, d, "user", &user, &u)) < 0 ||
	    (rc = S_slug(x, d, "species", &id)) < 0 ||
	    (rc = S_str(x, d, "planter", 1, GT_ORG_ID_MAX, &planter)) < 0 ||
	    (rc = S_int(x, d, "cost", S_COST_MIN, S_COST_MAX, &cost)) < 0)
		return rc;
	long k = S_find((void *const *)a->species, a->nspecies, id);
	if (k < 0)
		return S_bad(x, "species \"%s\": no such species on the log before it", id);
	S_species *s = a->species[k];
	if (strcmp(s->planter, planter) != 0)
		return S_bad(x, "species \"%s\" is %s's, not %s's", id, s->planter, planter);
	if (s->cost != cost)
		return S_bad(x, "cost is %lld g, but species \"%s\" costs %lld g", (long long)cost,
			     id, (long long)s->cost);
	if (!s->available)
		return S_bad(x, "species \"%s\" is not available", id);
	if ((rc = S_spend(x, u, cost)) < 0)
		return rc;
	if (S_grow((void **)&s->trees, &s->captrees, s->ntrees, sizeof(*s->trees)) < 0)
		return S_nomem(x);
	s->trees[s->ntrees++] = x->e->index;
	return 0;
}

static int S_on_planting(S_ctx *x)
{
	gt_green_audit *a = x->a;
	const json_t *d = x->e->data;
	const char *org, *site, *species, *note = NULL;
	int64_t count, lat, lon;
	int32_t date;
	int rc;
	if ((rc = S_org(x, &org)) < 0 || (rc = S_slug(x, d, "site", &site)) < 0 ||
	    (rc = S_slug(x, d, "species", &species)) < 0 ||
	    (rc = S_int(x, d, "count", 1, S_PLANT_MAX, &count)) < 0 ||
	    (rc = S_date(x, d, "date", &date)) < 0 ||
	    (rc = S_int(x, d, "latitude_e6", -90000000, 90000000, &lat)) < 0 ||
	    (rc = S_int(x, d, "longitude_e6", -180000000, 180000000, &lon)) < 0 ||
	    (rc = S_hashes(x, d, "photos")) < 0 ||
	    (rc = S_text(x, d, "note", 500, false, &note)) < 0)
		return rc;
	long si = S_find((void *const *)a->sites, a->nsites, site);
	long pi = S_find((void *const *)a->species, a->nspecies, species);
	if (si < 0)
		return S_bad(x, "site \"%s\": no such site on the log before it", site);
	if (pi < 0)
		return S_bad(x, "species \"%s\": no such species on the log before it", species);
	S_site *st = a->sites[si];
	S_species *sp = a->species[pi];
	if (strcmp(st->planter, org) != 0 || strcmp(sp->planter, org) != 0)
		return S_bad(x, "%s plants on site \"%s\" (%s's) trees of \"%s\" (%s's)", org, site,
			     st->planter, species, sp->planter);
	if (date > x->today)
		return S_bad(x, "date %s is after the entry's day", gt_green_opt(d, "date"));
	double m = gt_green_metres((int32_t)st->lat, (int32_t)st->lon, (int32_t)lat, (int32_t)lon);
	if (m > S_SITE_RADIUS_M)
		return S_bad(x, "the place is %.1f km from site \"%s\", more than %.0f km",
			     m / 1000, site, S_SITE_RADIUS_M / 1000);
	const json_t *trees = json_object_get(d, "trees");
	if (!json_is_array(trees) || (int64_t)json_array_size(trees) != count)
		return S_bad(x, "trees must be a list of the %lld trees planted", (long long)count);
	if (sp->planted + (size_t)count > sp->ntrees)
		return S_bad(x, "plants %lld trees of \"%s\", but %zu are waiting",
			     (long long)count, species, sp->ntrees - sp->planted);
	for (size_t i = 0; i < (size_t)count; i++) {
		const json_t *t = json_array_get(trees, i);
		uint64_t want = sp->trees[sp->planted + i];
		if (!json_is_integer(t) || (uint64_t)json_integer_value(t) != want)
			return S_bad(x,
				     "trees[%zu] must be tree %llu, the next \"%s\" tree waiting "
				     "(first in, first out)",
				     i, (unsigned long long)want, species);
	}
	if (S_grow((void **)&a->plantings, &a->capplantings, a->nplantings, sizeof(*a->plantings)) <
	    0)
		return S_nomem(x);
	a->plantings[a->nplantings++] = (S_planting){.index = x->e->index,
						     .site = (size_t)si,
						     .species = (size_t)pi,
						     .date = date,
						     .count = count};
	sp->planted += (size_t)count;
	st->plantings++;
	st->planted += count;
	return 0;
}

static S_planting *S_planting_of(gt_green_audit *a, int64_t index)
{
	size_t lo = 0, hi = a->nplantings;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->plantings[mid].index < (uint64_t)index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->nplantings && a->plantings[lo].index == (uint64_t)index ? &a->plantings[lo] :
										 NULL;
}

static int S_on_survival(S_ctx *x)
{
	gt_green_audit *a = x->a;
	const json_t *d = x->e->data;
	const char *org;
	int64_t n, year, alive;
	int32_t date;
	int rc;
	if ((rc = S_org(x, &org)) < 0 || (rc = S_int(x, d, "planting", 0, INT64_MAX, &n)) < 0 ||
	    (rc = S_int(x, d, "year", 1, 3, &year)) < 0 || (rc = S_date(x, d, "date", &date)) < 0 ||
	    (rc = S_int(x, d, "alive", 0, S_PLANT_MAX, &alive)) < 0 ||
	    (rc = S_hashes(x, d, "photos")) < 0)
		return rc;
	if (year == 2)
		return S_bad(x, "year must be 1 or 3");
	S_planting *p = S_planting_of(a, n);
	if (!p)
		return S_bad(x, "entry %lld is not a planting", (long long)n);
	S_site *st = a->sites[p->site];
	if (strcmp(st->planter, org) != 0)
		return S_bad(x, "planting %lld is %s's, not %s's", (long long)n, st->planter, org);
	if ((year == 1 && p->has1) || (year == 3 && p->has3))
		return S_bad(x, "planting %lld already has its year-%lld check", (long long)n,
			     (long long)year);
	if (year == 3 && !p->has1)
		return S_bad(x, "planting %lld has no year-1 check before it", (long long)n);
	if (date > x->today || date < gt_green_add_years(p->date, (int)year) - S_CHECK_EARLY_DAYS)
		return S_bad(x,
			     "date %s is not between 30 days before the year-%lld anniversary "
			     "and the entry's day",
			     gt_green_opt(d, "date"), (long long)year);
	if (alive > p->count || (year == 3 && alive > p->alive1))
		return S_bad(x, "alive (%lld) is more than the %lld %s", (long long)alive,
			     (long long)(year == 3 ? p->alive1 : p->count),
			     year == 3 ? "alive at year 1" : "planted");
	/* Surviving trees are the latest check's: the year-3 figure replaces the year-1 one. */
	int64_t before = year == 3 ? p->alive1 : 0;
	if (year == 1) {
		p->has1 = true;
		p->alive1 = alive;
	} else {
		p->has3 = true;
	}
	a->species[p->species]->surviving += alive - before;
	st->surviving += alive - before;
	return 0;
}

/* ---- pools -------------------------------------------------------------------------------- */

/* A list of 1 to max distinct strings at o[key] (copied into *ret). */
static int S_ids(const S_ctx *x, const json_t *o, const char *key, size_t max, json_t **ret)
{
	const json_t *list = json_object_get(o, key), *v;
	size_t n = json_array_size(list), i;
	bool ok = json_is_array(list) && n >= 1 && n <= max;
	json_array_foreach(list, i, v)
	{
		const char *s = json_string_value(v);
		ok = ok && s && s[0] && strlen(s) < S_TEXT;
		for (size_t k = 0; ok && k < i; k++)
			ok = strcmp(json_string_value(json_array_get(list, k)), s) != 0;
	}
	if (!ok)
		return S_bad(x, "%s must be a list of 1 to %zu distinct ids", key, max);
	if (!(*ret = json_deep_copy(list)))
		return S_nomem(x);
	return 0;
}

/* An optional time at key: into *ms (unchanged when absent) and *text. */
static int S_time_opt(const S_ctx *x, const char *key, int64_t *ms, const char **text)
{
	const json_t *v = json_object_get(x->e->data, key);
	*text = NULL;
	if (!v)
		return 0;
	*text = json_string_value(v);
	if (!*text || gt_time_parse(*text, ms) < 0)
		return S_bad(x, "%s must be a time like 2027-03-31T16:00:00Z", key);
	return 0;
}

static long S_pool_find(const gt_green_audit *a, const char *id)
{
	for (size_t i = 0; i < a->npools; i++)
		if (strcmp(a->pools[i].id, id) == 0)
			return (long)i;
	return -1;
}

static int S_on_pool(S_ctx *x)
{
	gt_green_audit *a = x->a;
	const json_t *d = x->e->data, *pa = json_object_get(d, "per_action"),
		     *pe = json_object_get(d, "per_energy");
	const char *org, *id, *name, *currency, *starts_t, *ends_t;
	int64_t budget, amount, grams = 0, cap = 0, starts = INT64_MIN, ends = INT64_MAX;
	json_t *campaigns = NULL, *kinds = NULL;
	int rc;
	if ((rc = S_org(x, &org)) < 0 || (rc = S_slug(x, d, "id", &id)) < 0 ||
	    (rc = S_text(x, d, "name", 200, true, &name)) < 0 ||
	    (rc = S_str(x, d, "currency", 3, 3, &currency)) < 0 ||
	    (rc = S_int(x, d, "budget", 1, S_BUDGET_MAX, &budget)) < 0 ||
	    (rc = S_time_opt(x, "starts", &starts, &starts_t)) < 0 ||
	    (rc = S_time_opt(x, "ends", &ends, &ends_t)) < 0)
		return rc;
	if (json_object_get(d, "user_cap") && (rc = S_int(x, d, "user_cap", 1, budget, &cap)) < 0)
		return rc;
	if (S_pool_find(a, id) >= 0)
		return S_bad(x, "pool \"%s\" already exists", id);
	if (!pa == !pe || !json_is_object(pa ? pa : pe))
		return S_bad(x, "a pool has either per_action or per_energy (an object)");
	snprintf(x->where, sizeof(x->where), "%s: ", pa ? "per_action" : "per_energy");
	if ((rc = S_int(x, pa ? pa : pe, "amount", 1, budget, &amount)) < 0 ||
	    (pe && (rc = S_int(x, pe, "grams", 1, 1000000, &grams)) < 0) ||
	    (pa && (rc = S_ids(x, pa, "kinds", GT_GREEN_KINDS_MAX, &kinds)) < 0))
		return rc;
	x->where[0] = 0;
	if ((rc = S_ids(x, d, "campaigns", S_CAMPAIGNS_MAX, &campaigns)) < 0) {
		json_decref(kinds);
		return rc;
	}
	json_t *item =
		json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, "
			  "s:I, s:s, s:b}",
			  "id", id, "sponsor", org, "name", name, "currency", currency, "budget",
			  (json_int_t)budget, "unlocked", (json_int_t)0, "left", (json_int_t)budget,
			  "unlocks", (json_int_t)0, "campaigns", campaigns, "user_cap",
			  cap ? json_integer((json_int_t)cap) : json_null(), "starts",
			  starts_t ? json_string(starts_t) : json_null(), "ends",
			  ends_t ? json_string(ends_t) : json_null(), "index",
			  (json_int_t)x->e->index, "at", x->e->at, "closed", false);
	if (item && kinds)
		json_object_set_new(
			item, "per_action",
			json_pack("{s:o, s:I}", "kinds", kinds, "amount", (json_int_t)amount));
	else if (item)
		json_object_set_new(item, "per_energy",
				    json_pack("{s:I, s:I}", "grams", (json_int_t)grams, "amount",
					      (json_int_t)amount));
	else
		json_decref(kinds);
	if (!item || S_grow((void **)&a->pools, &a->cappools, a->npools, sizeof(*a->pools)) < 0) {
		json_decref(item);
		return S_nomem(x);
	}
	a->pools[a->npools++] =
		(S_pool){.item = item,
			 .id = json_string_value(json_object_get(item, "id")),
			 .sponsor = json_string_value(json_object_get(item, "sponsor")),
			 .campaigns = json_object_get(item, "campaigns"),
			 .budget = budget,
			 .amount = amount,
			 .grams = grams,
			 .cap = cap,
			 .starts = starts,
			 .ends = ends};
	return 0;
}

static int S_on_pool_close(S_ctx *x)
{
	const char *org, *id;
	int rc;
	if ((rc = S_org(x, &org)) < 0 || (rc = S_slug(x, x->e->data, "id", &id)) < 0)
		return rc;
	long k = S_pool_find(x->a, id);
	if (k < 0)
		return S_bad(x, "pool \"%s\": no such pool on the log before it", id);
	S_pool *p = &x->a->pools[k];
	if (strcmp(p->sponsor, org) != 0)
		return S_bad(x, "pool \"%s\" is %s's, not %s's", id, p->sponsor, org);
	if (p->closed)
		return S_bad(x, "pool \"%s\" is already closed", id);
	p->closed = true;
	return 0;
}

static bool S_in(const json_t *list, const char *s)
{
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v) if (strcmp(json_string_value(v), s) == 0) return true;
	return false;
}

static int S_on_unlock(S_ctx *x)
{
	gt_green_audit *a = x->a;
	const json_t *d = x->e->data, *grams = json_object_get(d, "grams");
	const char *id, *user, *campaign, *action = NULL;
	int64_t u, amount, donation, g = 0;
	int rc;
	if ((rc = S_slug(x, d, "pool", &id)) < 0 || (rc = S_user_at(x, d, "user", &user, &u)) < 0 ||
	    (rc = S_slug(x, d, "campaign", &campaign)) < 0 ||
	    (rc = S_int(x, d, "amount", 1, S_BUDGET_MAX, &amount)) < 0 ||
	    (rc = S_int(x, d, "donation", 0, INT64_MAX, &donation)) < 0)
		return rc;
	long k = S_pool_find(a, id);
	if (k < 0)
		return S_bad(x, "pool \"%s\": no such pool on the log before it", id);
	S_pool *p = &a->pools[k];
	if (p->closed)
		return S_bad(x, "pool \"%s\" is closed", id);
	if (x->at < p->starts || x->at >= p->ends)
		return S_bad(x, "pool \"%s\" is not open at %s", id, x->e->at);
	if (!S_in(p->campaigns, campaign))
		return S_bad(x, "pool \"%s\" does not give to campaign \"%s\"", id, campaign);
	if (!p->grams) {
		if (grams ||
		    (rc = S_str(x, d, "action", GT_GREEN_REF_HEX, GT_GREEN_REF_HEX, &action)) < 0)
			return rc < 0 ? rc :
					S_bad(x, "pool \"%s\" unlocks per action, not per energy",
					      id);
		uint8_t b[GT_GREEN_REF_BYTES];
		if (gt_hex_decode(action, GT_GREEN_REF_BYTES, b) < 0)
			return S_bad(x, "action must be %d hex digits", GT_GREEN_REF_HEX);
		if (amount != p->amount)
			return S_bad(x, "amount is %lld, but pool \"%s\" gives %lld per action",
				     (long long)amount, id, (long long)p->amount);
	} else {
		if (json_object_get(d, "action") ||
		    (rc = S_int(x, d, "grams", p->grams, S_GRAMS_MAX, &g)) < 0)
			return rc < 0 ? rc :
					S_bad(x, "pool \"%s\" unlocks per energy, not per action",
					      id);
		if (g % p->grams || amount != g / p->grams * p->amount)
			return S_bad(x,
				     "%lld g and amount %lld do not follow pool \"%s\"'s %lld per "
				     "%lld g",
				     (long long)g, (long long)amount, id, (long long)p->amount,
				     (long long)p->grams);
	}
	if (amount > p->budget - p->unlocked)
		return S_bad(x, "pool \"%s\" has %lld left, not %lld", id,
			     (long long)(p->budget - p->unlocked), (long long)amount);
	S_sum *mine = S_sums_at(&a->userpools, S_key((size_t)u, k));
	if (!mine)
		return S_nomem(x);
	if (p->cap && mine->a + amount > p->cap)
		return S_bad(x,
			     "pool \"%s\" gives at most %lld per user; the user had %lld already",
			     id, (long long)p->cap, (long long)mine->a);
	char by[S_TEXT];
	snprintf(by, sizeof(by), "org:%s", p->sponsor);
	if (!a->don_set || a->don_index != (uint64_t)donation ||
	    (uint64_t)donation + 1 != x->e->index)
		return S_bad(x, "donation %lld is not the pool's donation just before it",
			     (long long)donation);
	if (a->don_amount != amount || strcmp(a->don_campaign, campaign) != 0 ||
	    strcmp(a->don_pool, id) != 0 || strcmp(a->don_user, user) != 0 ||
	    strcmp(a->don_sponsor, by) != 0)
		return S_bad(x,
			     "donation %lld is not the same amount, campaign, pool, user and "
			     "sponsor",
			     (long long)donation);
	if (g && (rc = S_spend(x, u, g)) < 0)
		return rc;
	a->don_set = false;
	mine->a += amount;
	p->unlocked += amount;
	p->unlocks++;
	return 0;
}

/* A donation of the give module: remembered when it comes from a pool. */
static void S_on_donation(gt_green_audit *a, const gt_entry *e)
{
	const json_t *d = e->data;
	const char *channel = gt_green_opt(d, "channel"), *campaign = gt_green_opt(d, "campaign"),
		   *pool = gt_green_opt(d, "pool"), *user = gt_green_opt(d, "user"),
		   *sponsor = gt_green_opt(d, "sponsor");
	/* The sponsor gives, named in the data (the entry is "by" the user who unlocks). */
	if (!sponsor)
		sponsor = e->by;
	const json_t *amount = json_object_get(d, "amount");
	a->don_set = channel && strcmp(channel, "pool") == 0 && campaign && pool && user &&
		     json_is_integer(amount) && strlen(campaign) < S_TEXT &&
		     strlen(pool) < S_TEXT && strlen(user) < S_TEXT && strlen(sponsor) < S_TEXT;
	if (!a->don_set)
		return;
	a->don_index = e->index;
	a->don_amount = (int64_t)json_integer_value(amount);
	snprintf(a->don_campaign, S_TEXT, "%s", campaign);
	snprintf(a->don_pool, S_TEXT, "%s", pool);
	snprintf(a->don_user, S_TEXT, "%s", user);
	snprintf(a->don_sponsor, S_TEXT, "%s", sponsor);
}

/* ---- entries ------------------------------------------------------------------------------ */

int gt_green_audit_entry(gt_green_audit *a, const gt_entry *e, gt_error *err)
{
	if (strcmp(e->type, "give.donation") == 0) {
		S_on_donation(a, e);
		return 0;
	}
	if (strncmp(e->type, "green.", 6) != 0)
		return 0;
	S_ctx x = {.a = a, .e = e, .err = err};
	if (a->last > e->index)
		return S_bad(&x, "entries out of order (after entry %llu)",
			     (unsigned long long)a->last - 1);
	a->last = e->index + 1;
	if (gt_time_parse(e->at, &x.at) < 0)
		return S_bad(&x, "at is not a time: \"%s\"", e->at);
	if (!json_is_object(e->data))
		return S_bad(&x, "data must be an object");
	x.today = gt_green_day(x.at);
	/* What users earned and collected matters for a few days only. */
	if (!a->entries || x.today >= a->pruned + GT_GREEN_WINDOW) {
		if (a->userdays.cap && S_sums_rebuild(&a->userdays, a->userdays.cap, S_day_recent,
						      (int64_t)x.today - GT_GREEN_WINDOW) < 0)
			return S_nomem(&x);
		a->pruned = x.today;
	}
	a->entries++;
	static const struct {
		const char *type;
		int (*fn)(S_ctx *);
	} types[] = {
		{"green.actions", S_on_actions},       {"green.collect", S_on_collect},
		{"green.species", S_on_species},       {"green.site", S_on_site},
		{"green.redeem", S_on_redeem},	       {"green.planting", S_on_planting},
		{"green.survival", S_on_survival},     {"green.pool", S_on_pool},
		{"green.pool.close", S_on_pool_close}, {"green.unlock", S_on_unlock},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(e->type, types[i].type) == 0)
			return types[i].fn(&x);
	/* Rules change what later actions earn, which the actions themselves say. */
	if (strcmp(e->type, "green.rule") == 0)
		return 0;
	return S_bad(&x, "not a green entry type this audit knows");
}

int gt_green_audit_add(gt_green_audit *a, uint64_t index, const uint8_t *data, size_t len,
		       gt_error *err)
{
	/* Entries whose bytes hold neither "green. (how a green type starts)
	 * nor a donation and "pool" are passed over without parsing;
	 * the others are parsed in full, so that a green entry written in
	 * another form (spaces, another order of keys) is refused. */
	static const char green[] = "\"green.", donation[] = "give.donation", pool[] = "pool";
	if (!memmem(data, len, green, sizeof(green) - 1) &&
	    !(memmem(data, len, donation, sizeof(donation) - 1) &&
	      memmem(data, len, pool, sizeof(pool) - 1)))
		return 0;
	json_t *root;
	gt_entry e;
	int rc = gt_entry_parse(data, len, index, &root, &e, err);
	if (rc < 0)
		return rc;
	rc = gt_green_audit_entry(a, &e, err);
	json_decref(root);
	return rc;
}

/* ---- totals ------------------------------------------------------------------------------- */

/* Pointers to structs that begin with their id, by id. */
static int S_by_id(const void *x, const void *y)
{
	return strcmp(**(char *const *const *)x, **(char *const *const *)y);
}

static int S_by_planter(const void *x, const void *y)
{
	const S_species *a = *(S_species *const *)x, *b = *(S_species *const *)y;
	return strcmp(a->planter, b->planter);
}

/* A sorted copy of a list of pointers (NULL when out of memory). */
static void **S_sorted(void *const *list, size_t n, int (*cmp)(const void *, const void *))
{
	void **v = malloc((n ? n : 1) * sizeof(*v));
	if (v && n) {
		memcpy(v, list, n * sizeof(*v));
		qsort(v, n, sizeof(*v), cmp);
	}
	return v;
}

static bool S_append(json_t *list, json_t *item)
{
	return item && json_array_append_new(list, item) == 0;
}

json_t *gt_green_audit_totals(const gt_green_audit *a, int64_t now_ms)
{
	/* Energy of day D expires at the start of D + 4: days before today - 3 are over. */
	int32_t first_alive = gt_green_day(now_ms) - 3;
	int64_t old_credited = 0, old_collected = 0, ordered = 0, planted = 0, surviving = 0;
	for (size_t i = 0; i < a->ndays && a->days[i].day < first_alive; i++) {
		old_credited += a->days[i].credited;
		old_collected += a->days[i].collected;
	}
	json_t *kinds = json_array(), *species = json_array(), *sites = json_array(),
	       *partners = json_array(), *pools = json_array();
	S_kind **k = (S_kind **)S_sorted((void *const *)a->kinds, a->nkinds, S_by_id);
	S_species **sp = (S_species **)S_sorted((void *const *)a->species, a->nspecies, S_by_id);
	S_species **pl =
		(S_species **)S_sorted((void *const *)a->species, a->nspecies, S_by_planter);
	S_site **st = (S_site **)S_sorted((void *const *)a->sites, a->nsites, S_by_id);
	bool ok = kinds && species && sites && partners && pools && k && sp && pl && st;
	for (size_t i = 0; ok && i < a->nkinds; i++)
		ok = S_append(kinds, json_pack("{s:s, s:I, s:I}", "kind", k[i]->id, "grams",
					       (json_int_t)k[i]->grams, "actions",
					       (json_int_t)k[i]->actions));
	for (size_t i = 0; ok && i < a->nspecies; i++)
		ok = S_append(species, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "id", sp[i]->id,
						 "name", sp[i]->name, "planter", sp[i]->planter,
						 "ordered", (json_int_t)sp[i]->ntrees, "planted",
						 (json_int_t)sp[i]->planted, "surviving",
						 (json_int_t)sp[i]->surviving));
	for (size_t i = 0; ok && i < a->nsites; i++)
		ok = S_append(sites, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "id", st[i]->id,
					       "name", st[i]->name, "planter", st[i]->planter,
					       "plantings", (json_int_t)st[i]->plantings, "planted",
					       (json_int_t)st[i]->planted, "surviving",
					       (json_int_t)st[i]->surviving));
	/* Partners: the planters of species, with their species' trees. */
	for (size_t i = 0; ok && i < a->nspecies;) {
		int64_t o = 0, p = 0, s = 0;
		size_t j = i;
		for (; j < a->nspecies && strcmp(pl[j]->planter, pl[i]->planter) == 0; j++) {
			o += (int64_t)pl[j]->ntrees;
			p += (int64_t)pl[j]->planted;
			s += pl[j]->surviving;
		}
		ok = S_append(partners, json_pack("{s:s, s:I, s:I, s:I}", "planter", pl[i]->planter,
						  "ordered", (json_int_t)o, "planted",
						  (json_int_t)p, "surviving", (json_int_t)s));
		ordered += o;
		planted += p;
		surviving += s;
		i = j;
	}
	for (size_t i = 0; ok && i < a->npools; i++) {
		const S_pool *p = &a->pools[i];
		json_t *item = json_deep_copy(p->item);
		ok = item &&
		     json_object_set_new(item, "unlocked", json_integer(p->unlocked)) == 0 &&
		     json_object_set_new(item, "left", json_integer(p->budget - p->unlocked)) ==
			     0 &&
		     json_object_set_new(item, "unlocks", json_integer(p->unlocks)) == 0 &&
		     json_object_set_new(item, "closed", json_boolean(p->closed)) == 0;
		ok = ok ? S_append(pools, item) : (json_decref(item), false);
	}
	free(k);
	free(sp);
	free(pl);
	free(st);
	if (!ok) {
		json_decref(kinds);
		json_decref(species);
		json_decref(sites);
		json_decref(partners);
		json_decref(pools);
		return NULL;
	}
	char at[GT_TIME_LEN + 1];
	gt_time_format(now_ms, at);
	return json_pack(
		"{s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:o}, s:{s:I, s:I, s:I}, s:o, "
		"s:o, s:o, s:o}",
		"as_of", at, "energy", "credited", (json_int_t)a->credited, "collected",
		(json_int_t)a->collected, "expired", (json_int_t)(old_credited - old_collected),
		"pending",
		(json_int_t)((a->credited - old_credited) - (a->collected - old_collected)),
		"spent", (json_int_t)a->spent, "actions", (json_int_t)a->actions, "kinds", kinds,
		"trees", "ordered", (json_int_t)ordered, "planted", (json_int_t)planted,
		"surviving", (json_int_t)surviving, "species", species, "sites", sites, "partners",
		partners, "pools", pools);
}

/* ---- comparing ---------------------------------------------------------------------------- */

typedef struct {
	gt_green_audit_diff_fn fn;
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

/* path + sep + key (no sep at the start), compared, path put back. */
static void S_compare_at(S_cmp *s, const char *sep, const char *key, const json_t *log,
			 const json_t *server)
{
	size_t len = s->path.len;
	gt_buf_addf(&s->path, "%s%s", len ? sep : "", key);
	if (!log || !server)
		S_diff(s, log, server);
	else
		S_compare(s, log, server);
	s->path.len = len;
	if (s->path.data)
		s->path.data[len] = 0;
}

/* The member the elements of two arrays are matched by, if they are objects
 * that have one. */
static const char *S_array_key(const json_t *log, const json_t *server)
{
	static const char *const keys[] = {"id", "kind", "planter"};
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
		{
			if (s->path.len == 0 && strcmp(k, "as_of") == 0)
				continue;
			S_compare_at(s, ".", k, v, json_object_get(server, k));
		}
		return;
	}
	const char *key =
		json_is_array(log) && json_is_array(server) ? S_array_key(log, server) : NULL;
	if (key) {
		size_t i;
		const json_t *v;
		json_array_foreach((json_t *)log, i, v)
		{
			const json_t *k = json_object_get(v, key);
			const char *name = json_is_string(k) ? json_string_value(k) : "?";
			S_compare_at(s, " ", name, v, S_element(server, key, name));
		}
		json_array_foreach((json_t *)server, i, v)
		{
			const json_t *k = json_object_get(v, key);
			const char *name = json_is_string(k) ? json_string_value(k) : "?";
			if (!json_is_string(k) || !S_element(log, key, name))
				S_compare_at(s, " ", name, NULL, v);
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

size_t gt_green_audit_compare(const json_t *log, const json_t *server, gt_green_audit_diff_fn fn,
			      void *ctx)
{
	S_cmp s = {.fn = fn, .ctx = ctx};
	if (!log || !server)
		S_diff(&s, log, server);
	else
		S_compare(&s, log, server);
	gt_buf_done(&s.path);
	return s.n;
}
