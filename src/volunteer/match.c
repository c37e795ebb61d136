/* The matching engine (match.h): volunteers in a hot and a cold half of a
 * cache line, opportunities beside them, posting lists per skill and grids
 * of cells to find the few records a query must score, bounds that settle
 * most candidates from their hot half, and a bounded heap per query. */
#include "volunteer/match.h"
#include "volunteer/taxonomy.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- bits ------------------------------------------------------------------------------ */

/* Without -mpopcnt, GCC turns __builtin_popcountll into a call to libgcc;
 * the scoring loops count bits several times per record, so count them
 * inline. */
static inline unsigned S_pop(uint64_t x)
{
#ifdef __POPCNT__
	return (unsigned)__builtin_popcountll(x);
#else
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
#endif
}

static inline unsigned S_ctz(uint64_t x)
{
	return (unsigned)__builtin_ctzll(x);
}

/* The bits below bit s. */
static inline uint64_t S_below(unsigned s)
{
	return ((uint64_t)1 << s) - 1;
}

/* The bits of the first n terms of a taxonomy list (n <= 32). */
static inline uint32_t S_terms(size_t n)
{
	return n >= 32 ? UINT32_MAX : ((uint32_t)1 << n) - 1;
}

/* Hour bits 168..191 do not exist. */
#define S_HOURS_LAST 0x000000ffffffffffULL

/* ---- records --------------------------------------------------------------------------- */

enum {
	S_LIVE = 1, /* the slot holds a record (deleted slots wait for reuse) */
	S_LOCATED = 2,
	S_DISCOVERABLE = 4,
	S_REMOTE = 8,
	S_OPEN = 16,
};

/* A volunteer in two halves of 32 bytes, in two arrays. The hot half is
 * what a query reads of every candidate: the hard rules but distance, four
 * of the five components, the key (which breaks ties) and a summary of the
 * availability that bounds that component. The cold half (the hours and the
 * home) is read for in-person queries and for the few candidates whose
 * exact availability decides whether they pass min_score or make the page:
 * a query over half a million candidates streams 32 bytes of each instead
 * of 64. levels holds 2 bits per held skill, in the order of the skills'
 * bits (level - 1): 12 skills with their levels take 8 + 3 bytes, not 25. */
typedef struct S_hot {
	uint64_t held; /* skill bits */
	uint32_t levels : 24, flags : 8;
	uint32_t languages, causes;
	uint32_t key;
	uint32_t when; /* bit b: free in some hour of [6b, 6b + 6) of the week */
	uint16_t radius, birth_year;
} __attribute__((aligned(32))) S_hot;

typedef struct S_cold {
	uint64_t avail[3];
	int32_t lat, lon;
} __attribute__((aligned(32))) S_cold;

_Static_assert(sizeof(S_hot) == 32 && sizeof(S_cold) == 32, "two halves of a cache line");

/* Hours in a block of the availability summary, and blocks in a week. */
#define S_BLOCK_HOURS 6
#define S_BLOCKS (GT_MATCH_HOURS / S_BLOCK_HOURS)

typedef struct S_vol {
	S_hot h;
	S_cold c;
} S_vol;

/* An opportunity. The level of each required skill is in two bit planes
 * (level - 1 = b1 b0), so that the level a skill needs is two shifts. */
typedef struct S_opp {
	uint32_t key;
	uint32_t languages;
	uint64_t req; /* required skill bits */
	uint64_t req_b0, req_b1;
	uint64_t welcome;
	uint64_t slots[3];
	int32_t lat, lon;
	uint16_t nslots; /* hours the slots take */
	uint8_t nreq, cause, min_age, flags;
} S_opp;

/* The level a volunteer holds skill s at, minus one (s must be held). */
static inline unsigned S_vol_level(const S_hot *h, unsigned s)
{
	return ((unsigned)h->levels >> (2 * S_pop(h->held & S_below(s)))) & 3;
}

static inline unsigned S_opp_level(const S_opp *o, unsigned s)
{
	return (unsigned)((o->req_b0 >> s) & 1) | (unsigned)((o->req_b1 >> s) & 1) << 1;
}

static int S_check_place(int32_t lat, int32_t lon, const char *what, uint32_t key, gt_error *err)
{
	if (lat < -90000000 || lat > 90000000 || lon < -180000000 || lon > 180000000)
		return gt_fail(err, GT_EINVAL, "%s %u: place %d,%d is not on Earth (microdegrees)",
			       what, key, lat, lon);
	return 0;
}

/* The skills of a record as bits, and their levels (minus one) per skill. */
static int S_check_skills(const gt_match_skill *skills, unsigned n, unsigned max, const char *what,
			  uint32_t key, uint64_t *ret_bits, uint8_t level[64], gt_error *err)
{
	size_t nskills = gt_vol_skill_count();
	uint64_t bits = 0;
	if (n > max)
		return gt_fail(err, GT_EINVAL, "%s %u: %u skills, at most %u", what, key, n, max);
	for (unsigned i = 0; i < n; i++) {
		unsigned s = skills[i].skill, l = skills[i].level;
		if (s >= nskills)
			return gt_fail(err, GT_EINVAL, "%s %u: no skill %u", what, key, s);
		if (l < 1 || l > GT_VOL_LEVELS)
			return gt_fail(err, GT_EINVAL, "%s %u: skill %s at level %u, not 1 to %d",
				       what, key, gt_vol_skills[s].id, l, GT_VOL_LEVELS);
		if (bits >> s & 1)
			return gt_fail(err, GT_EINVAL, "%s %u: skill %s twice", what, key,
				       gt_vol_skills[s].id);
		bits |= (uint64_t)1 << s;
		level[s] = (uint8_t)(l - 1);
	}
	*ret_bits = bits;
	return 0;
}

static int S_vol_make(const gt_match_volunteer *in, S_vol *out, gt_error *err)
{
	uint8_t level[64];
	uint64_t held;
	int r = S_check_skills(in->skills, in->nskills, GT_MATCH_SKILLS, "volunteer", in->key,
			       &held, level, err);
	if (r < 0)
		return r;
	if (in->languages & ~S_terms(gt_vol_language_count()))
		return gt_fail(err, GT_EINVAL, "volunteer %u: languages 0x%x name unknown terms",
			       in->key, in->languages);
	if (in->causes & ~S_terms(gt_vol_cause_count()))
		return gt_fail(err, GT_EINVAL, "volunteer %u: causes 0x%x name unknown terms",
			       in->key, in->causes);
	if (in->avail[2] & ~S_HOURS_LAST)
		return gt_fail(err, GT_EINVAL, "volunteer %u: availability past hour %d", in->key,
			       GT_MATCH_HOURS);
	if (in->located &&
	    (r = S_check_place(in->lat_e6, in->lon_e6, "volunteer", in->key, err)) < 0)
		return r;
	memset(out, 0, sizeof(*out));
	S_hot *h = &out->h;
	h->held = held;
	uint32_t levels = 0;
	unsigned i = 0;
	for (uint64_t b = held; b; b &= b - 1, i++)
		levels |= (uint32_t)level[S_ctz(b)] << (2 * i);
	h->levels = levels;
	if (in->located) {
		out->c.lat = in->lat_e6;
		out->c.lon = in->lon_e6;
	}
	for (unsigned b = 0; b < S_BLOCKS; b++)
		for (unsigned hr = b * S_BLOCK_HOURS; hr < (b + 1) * S_BLOCK_HOURS; hr++)
			if (in->avail[hr / 64] >> (hr % 64) & 1)
				h->when |= (uint32_t)1 << b;
	h->languages = in->languages;
	h->causes = in->causes;
	h->radius = in->radius_km;
	h->birth_year = in->birth_year;
	h->flags = (uint8_t)(S_LIVE | (in->located ? S_LOCATED : 0) |
			     (in->discoverable ? S_DISCOVERABLE : 0));
	memcpy(out->c.avail, in->avail, sizeof(out->c.avail));
	h->key = in->key;
	return 0;
}

static int S_opp_make(const gt_match_opportunity *in, S_opp *out, gt_error *err)
{
	uint8_t level[64];
	uint64_t req;
	int r = S_check_skills(in->required, in->nrequired, GT_MATCH_REQUIRED, "opportunity",
			       in->key, &req, level, err);
	if (r < 0)
		return r;
	size_t nskills = gt_vol_skill_count();
	if (nskills < 64 && in->welcome >> nskills)
		return gt_fail(err, GT_EINVAL, "opportunity %u: welcome skills name unknown terms",
			       in->key);
	if (in->languages & ~S_terms(gt_vol_language_count()))
		return gt_fail(err, GT_EINVAL, "opportunity %u: languages 0x%x name unknown terms",
			       in->key, in->languages);
	if (in->cause >= gt_vol_cause_count())
		return gt_fail(err, GT_EINVAL, "opportunity %u: no cause %u", in->key, in->cause);
	if (in->slot_hours[2] & ~S_HOURS_LAST)
		return gt_fail(err, GT_EINVAL, "opportunity %u: slots past hour %d", in->key,
			       GT_MATCH_HOURS);
	if (!in->remote &&
	    (r = S_check_place(in->lat_e6, in->lon_e6, "opportunity", in->key, err)) < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->key = in->key;
	out->languages = in->languages;
	out->req = req;
	for (uint64_t b = req; b; b &= b - 1) {
		unsigned s = S_ctz(b);
		out->req_b0 |= (uint64_t)(level[s] & 1) << s;
		out->req_b1 |= (uint64_t)(level[s] >> 1) << s;
	}
	out->welcome = in->welcome;
	memcpy(out->slots, in->slot_hours, sizeof(out->slots));
	out->nslots = (uint16_t)(S_pop(in->slot_hours[0]) + S_pop(in->slot_hours[1]) +
				 S_pop(in->slot_hours[2]));
	if (!in->remote) {
		out->lat = in->lat_e6;
		out->lon = in->lon_e6;
	}
	out->nreq = in->nrequired;
	out->cause = in->cause;
	out->min_age = in->min_age;
	out->flags = (uint8_t)(S_LIVE | (in->remote ? S_REMOTE : 0) | (in->open ? S_OPEN : 0));
	return 0;
}

/* ---- scoring ----------------------------------------------------------------------------- */

#define S_RAD_E6 (3.14159265358979323846 / 180.0 / 1e6) /* radians per microdegree */

double gt_match_km(int32_t lat1_e6, int32_t lon1_e6, int32_t lat2_e6, int32_t lon2_e6)
{
	double dlat = (double)((int64_t)lat2_e6 - lat1_e6) * S_RAD_E6;
	double dlon = (double)((int64_t)lon2_e6 - lon1_e6) * S_RAD_E6;
	double sa = sin(dlat / 2), so = sin(dlon / 2);
	double a = sa * sa + cos(lat1_e6 * S_RAD_E6) * cos(lat2_e6 * S_RAD_E6) * so * so;
	if (a > 1)
		a = 1;
	return 2 * GT_MATCH_EARTH_KM * asin(sqrt(a));
}

/* x * 100 / y rounded to the nearest, halves up (x, y >= 0, y > 0). */
static inline int S_percent(unsigned x, unsigned y)
{
	return (int)((200 * x + y) / (2 * y));
}

/* The hard rules but distance, from the hot half (discoverability is the
 * candidate query's to check): whether the pair may match. */
static inline bool S_rules(const S_hot *h, const S_opp *o, int year)
{
	if (!(o->flags & S_OPEN))
		return false;
	if (o->min_age && h->birth_year && year - (int)h->birth_year < (int)o->min_age)
		return false;
	if (o->req && !(o->req & h->held))
		return false;
	if (!(o->flags & S_REMOTE) && (!(h->flags & S_LOCATED) || !h->radius))
		return false;
	return true;
}

/* The distance rule and component of an in-person pair that passed
 * S_rules: -1 when out of reach, with *km the distance. max_km: the
 * filter's (0: none). */
static inline int S_reach(const S_hot *h, const S_cold *c, const S_opp *o, uint32_t max_km,
			  double *km)
{
	double limit = h->radius;
	if (max_km && max_km < limit)
		limit = max_km;
	/* Moving along a meridian is the shortest way to change latitude, so
	 * R * |dlat| is a lower bound of the distance: most records out of reach
	 * fail here without trigonometry. The margin is far above rounding; the
	 * exact test follows. */
	double dlat = fabs((double)((int64_t)c->lat - o->lat)) * S_RAD_E6;
	if (dlat * GT_MATCH_EARTH_KM > limit + 1.0)
		return -1;
	double d = gt_match_km(c->lat, c->lon, o->lat, o->lon);
	if (d > limit)
		return -1;
	*km = d;
	return (int)floor(100.0 - 50.0 * d / h->radius + 0.5);
}

/* How many required skills are held at or above their level, and below. */
static inline void S_held(const S_hot *h, const S_opp *o, unsigned *covered, unsigned *below)
{
	uint64_t hit = o->req & h->held;
	unsigned c = 0;
	for (uint64_t b = hit; b; b &= b - 1) {
		unsigned s = S_ctz(b);
		c += S_vol_level(h, s) >= S_opp_level(o, s);
	}
	*covered = c;
	*below = S_pop(hit) - c;
}

static inline int S_cause(const S_hot *h, const S_opp *o)
{
	return (h->causes >> o->cause & 1) ? 100 : h->causes ? 0 : 50;
}

static inline int S_language(const S_hot *h, const S_opp *o)
{
	return (!o->languages || (o->languages & h->languages)) ? 100 : 0;
}

/* The weighted sum, rounded: what every score is. */
static inline int S_total(int skill, int distance, int availability, int cause, int language)
{
	return (GT_MATCH_W_SKILL * skill + GT_MATCH_W_DISTANCE * distance +
		GT_MATCH_W_AVAILABILITY * availability + GT_MATCH_W_CAUSE * cause +
		GT_MATCH_W_LANGUAGE * language + 50) /
	       100;
}

static inline unsigned S_fit(const S_cold *c, const S_opp *o)
{
	return S_pop(c->avail[0] & o->slots[0]) + S_pop(c->avail[1] & o->slots[1]) +
	       S_pop(c->avail[2] & o->slots[2]);
}

/* The pair's score, or -1 when a hard rule says no; with out, every
 * component as well. This is the definition of the score: gt_match_score,
 * the volunteer's query and every result written go through here, and the
 * candidate query's faster loop (S_try_vol) computes the same from the same
 * parts, which the unit tests check against it. */
static int S_eval(const S_hot *h, const S_cold *c, const S_opp *o, int year, uint32_t max_km,
		  gt_match_result *out)
{
	double km = -1;
	if (!S_rules(h, o, year))
		return -1;
	int distance = 100;
	if (!(o->flags & S_REMOTE) && (distance = S_reach(h, c, o, max_km, &km)) < 0)
		return -1;
	int skill;
	unsigned covered = 0, below = 0;
	if (o->req) {
		S_held(h, o, &covered, &below);
		skill = S_percent(2 * covered + below, 2 * o->nreq);
	} else {
		skill = (o->welcome & h->held) ? 100 : 50;
	}
	unsigned fit = o->nslots ? S_fit(c, o) : 0;
	int availability = o->nslots ? S_percent(fit, o->nslots) : 100;
	int cause = S_cause(h, o), language = S_language(h, o);
	int score = S_total(skill, distance, availability, cause, language);
	if (out) {
		out->score = score;
		out->skill = skill;
		out->distance = distance;
		out->availability = availability;
		out->cause = cause;
		out->language = language;
		out->required = o->nreq;
		out->covered = (uint8_t)covered;
		out->below_level = (uint8_t)below;
		out->welcome_held = (uint8_t)S_pop(o->welcome & h->held);
		out->km = km < 0 ? -1 : (int32_t)floor(km + 0.5);
		out->fit_hours = (uint16_t)fit;
		out->slot_hours = o->nslots;
	}
	return score;
}

static int S_this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm))
		return 1970;
	return tm.tm_year + 1900;
}

bool gt_match_score(const gt_match_volunteer *v, const gt_match_opportunity *o, int year,
		    gt_match_result *out)
{
	S_vol sv;
	S_opp so;
	if (S_vol_make(v, &sv, NULL) < 0 || S_opp_make(o, &so, NULL) < 0)
		return false;
	gt_match_result r = {0};
	if (S_eval(&sv.h, &sv.c, &so, year ? year : S_this_year(), 0, &r) < 0)
		return false;
	if (out)
		*out = r;
	return true;
}

/* ---- lists of slots ---------------------------------------------------------------------- */

typedef struct S_list {
	uint32_t *v;
	uint32_t n, cap;
} S_list;

/* Room for n entries. The list is unchanged on failure. */
static int S_list_room(S_list *l, uint32_t n)
{
	if (n <= l->cap)
		return 0;
	uint32_t cap = l->cap < 8 ? 8 : l->cap + l->cap / 2;
	if (cap < n)
		cap = n;
	uint32_t *v = realloc(l->v, (size_t)cap * sizeof(*v));
	if (!v)
		return GT_ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

/* Room for one more. */
static int S_list_reserve(S_list *l)
{
	return S_list_room(l, l->n + 1);
}

/* After S_list_reserve. */
static void S_list_push(S_list *l, uint32_t x)
{
	l->v[l->n++] = x;
}

/* Remove x (which must be there) by moving the last one into its place:
 * order within a list means nothing. */
static void S_list_del(S_list *l, uint32_t x)
{
	for (uint32_t i = l->n; i-- > 0;)
		if (l->v[i] == x) {
			l->v[i] = l->v[--l->n];
			return;
		}
}

/* ---- keys to slots ---------------------------------------------------------------------- */

/* Open addressing with linear probing; the table holds slot + 1 (0: empty)
 * and the key is read from the record, which keeps the map at 4 bytes a
 * slot at a load of at most 1/2. Removal shifts the run back (no
 * tombstones), so lookups stay short however many puts and dels there
 * were. */
typedef struct S_keys {
	uint32_t *t;
	uint32_t mask; /* capacity - 1 */
	uint32_t n;
	const void *const *recs; /* where the records are (their array moves as it grows) */
	size_t size, off;	 /* of a record; of the key in it */
} S_keys;

static inline uint32_t S_keys_key(const S_keys *k, uint32_t slot)
{
	return *(const uint32_t *)((const char *)*k->recs + (size_t)slot * k->size + k->off);
}

static inline uint32_t S_keys_hash(const S_keys *k, uint32_t key)
{
	return (uint32_t)(((uint64_t)key * 0x9e3779b97f4a7c15ULL) >> 32) & k->mask;
}

static int64_t S_keys_find(const S_keys *k, uint32_t key)
{
	if (!k->t)
		return -1;
	for (uint32_t i = S_keys_hash(k, key);; i = (i + 1) & k->mask) {
		uint32_t e = k->t[i];
		if (!e)
			return -1;
		if (S_keys_key(k, e - 1) == key)
			return e - 1;
	}
}

static void S_keys_place(S_keys *k, uint32_t key, uint32_t slot)
{
	uint32_t i = S_keys_hash(k, key);
	while (k->t[i])
		i = (i + 1) & k->mask;
	k->t[i] = slot + 1;
}

/* Room for one more key. */
static int S_keys_reserve(S_keys *k)
{
	uint64_t cap = k->t ? (uint64_t)k->mask + 1 : 0;
	if (2 * ((uint64_t)k->n + 1) <= cap)
		return 0;
	uint64_t ncap = cap ? 2 * cap : 1024;
	if (ncap > ((uint64_t)1 << 32))
		return GT_ENOMEM;
	uint32_t *t = calloc(ncap, sizeof(*t));
	if (!t)
		return GT_ENOMEM;
	uint32_t *old = k->t;
	k->t = t;
	k->mask = (uint32_t)(ncap - 1);
	for (uint64_t i = 0; i < cap; i++)
		if (old[i])
			S_keys_place(k, S_keys_key(k, old[i] - 1), old[i] - 1);
	free(old);
	return 0;
}

/* After S_keys_reserve, with the record at slot already holding key. */
static void S_keys_add(S_keys *k, uint32_t key, uint32_t slot)
{
	S_keys_place(k, key, slot);
	k->n++;
}

/* Remove key (which must be there, its record still holding it). */
static void S_keys_del(S_keys *k, uint32_t key)
{
	uint32_t i = S_keys_hash(k, key);
	while (S_keys_key(k, k->t[i] - 1) != key)
		i = (i + 1) & k->mask;
	/* Move back every later entry of the run whose home is not between
	 * the hole and itself (cyclically), so no lookup stops short. */
	for (uint32_t j = (i + 1) & k->mask; k->t[j]; j = (j + 1) & k->mask) {
		uint32_t h = S_keys_hash(k, S_keys_key(k, k->t[j] - 1));
		bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
		if (!stays) {
			k->t[i] = k->t[j];
			i = j;
		}
	}
	k->t[i] = 0;
	k->n--;
}

/* ---- grids of cells ---------------------------------------------------------------------- */

/* Cells of 0.1 degree (11 km north-south): a reach of 50 km visits about
 * a hundred of them. Only cells that ever held a record exist, in a hash
 * map from the cell's number. */
#define S_CELL_E6 100000
#define S_ROWS 1800
#define S_COLS 3600
#define S_CELL_DEG 0.1

typedef struct S_cell {
	uint32_t id;
	S_list l;
} S_cell;

typedef struct S_grid {
	S_cell *cells;
	uint32_t ncells, cap;
	uint32_t *map; /* cell index + 1, by cell number */
	uint32_t mask;
} S_grid;

static uint32_t S_cell_id(int32_t lat, int32_t lon)
{
	int64_t i = ((int64_t)lat + 90000000) / S_CELL_E6;
	int64_t j = ((int64_t)lon + 180000000) / S_CELL_E6;
	if (i >= S_ROWS) /* the north pole */
		i = S_ROWS - 1;
	if (j >= S_COLS) /* 180 is -180 */
		j -= S_COLS;
	return (uint32_t)(i * S_COLS + j);
}

static inline uint32_t S_grid_hash(const S_grid *g, uint32_t id)
{
	return (uint32_t)(((uint64_t)id * 0x9e3779b97f4a7c15ULL) >> 32) & g->mask;
}

static S_cell *S_grid_find(const S_grid *g, uint32_t id)
{
	if (!g->map)
		return NULL;
	for (uint32_t i = S_grid_hash(g, id);; i = (i + 1) & g->mask) {
		uint32_t e = g->map[i];
		if (!e)
			return NULL;
		if (g->cells[e - 1].id == id)
			return &g->cells[e - 1];
	}
}

/* The cell numbered id, made (empty) if it does not exist, with room for
 * one more slot; NULL when out of memory (the grid may have grown, which
 * changes nothing it holds). */
static S_cell *S_grid_reserve(S_grid *g, uint32_t id)
{
	S_cell *c = S_grid_find(g, id);
	if (!c) {
		if (g->ncells == g->cap) {
			uint32_t cap = g->cap ? 2 * g->cap : 256;
			S_cell *cells = realloc(g->cells, (size_t)cap * sizeof(*cells));
			if (!cells)
				return NULL;
			g->cells = cells;
			g->cap = cap;
		}
		if (!g->map || 2 * ((uint64_t)g->ncells + 1) > (uint64_t)g->mask + 1) {
			uint32_t size = g->map ? 2 * (g->mask + 1) : 512;
			uint32_t *map = calloc(size, sizeof(*map));
			if (!map)
				return NULL;
			free(g->map);
			g->map = map;
			g->mask = size - 1;
			for (uint32_t n = 0; n < g->ncells; n++) {
				uint32_t i = S_grid_hash(g, g->cells[n].id);
				while (g->map[i])
					i = (i + 1) & g->mask;
				g->map[i] = n + 1;
			}
		}
		uint32_t i = S_grid_hash(g, id);
		while (g->map[i])
			i = (i + 1) & g->mask;
		g->map[i] = g->ncells + 1;
		c = &g->cells[g->ncells++];
		*c = (S_cell){.id = id};
	}
	return S_list_reserve(&c->l) < 0 ? NULL : c;
}

static void S_grid_free(S_grid *g)
{
	for (uint32_t i = 0; i < g->ncells; i++)
		free(g->cells[i].l.v);
	free(g->cells);
	free(g->map);
}

/* A walk over the cells that may hold a point within reach km of a place:
 * the rows of the latitudes within reach, and in them the columns of the
 * longitudes within reach at the row's latitude nearest a pole, with one
 * cell more on every side for rounding. When that box has more cells than
 * the grid holds, the walk goes through the grid's cells instead. */
typedef struct S_walk {
	const S_grid *g;
	bool all;
	uint32_t next; /* all: the next cell index */
	int row, row_last, col0, ncols, col;
} S_walk;

static void S_walk_init(S_walk *w, const S_grid *g, int32_t lat_e6, int32_t lon_e6, double reach)
{
	*w = (S_walk){.g = g};
	/* Half way round the Earth reaches everywhere (and keeps the
	 * arithmetic below in range). */
	if (reach > 3.14159265358979323846 * GT_MATCH_EARTH_KM)
		reach = 3.14159265358979323846 * GT_MATCH_EARTH_KM;
	double lat = lat_e6 / 1e6, lon = lon_e6 / 1e6;
	double dphi = reach / GT_MATCH_EARTH_KM; /* radians of latitude within reach */
	double dlat = dphi * 180.0 / 3.14159265358979323846;
	int row0 = (int)floor((lat - dlat + 90) / S_CELL_DEG) - 1;
	int row1 = (int)floor((lat + dlat + 90) / S_CELL_DEG) + 1;
	w->row = row0 < 0 ? 0 : row0;
	w->row_last = row1 >= S_ROWS ? S_ROWS - 1 : row1;
	/* Within reach, sin^2(dlon/2) * cos(lat1) * cos(lat2) <= sin^2(reach /
	 * 2R) (haversine, dropping the latitude term), and cos(lat2) is at
	 * least its value at the band's edge nearest a pole. */
	double edge = fmax(fabs(lat - dlat), fabs(lat + dlat)) * 3.14159265358979323846 / 180.0;
	double c = edge >= 3.14159265358979323846 / 2 ? 0 : cos(edge) * cos(lat_e6 * S_RAD_E6);
	double s = sin(fmin(reach / (2 * GT_MATCH_EARTH_KM), 3.14159265358979323846 / 2));
	double ratio = c > 0 ? s * s / c : 2;
	if (ratio >= 1 || dphi >= 3.14159265358979323846) {
		w->col0 = 0;
		w->ncols = S_COLS;
	} else {
		double dlon = 2 * asin(sqrt(ratio)) * 180.0 / 3.14159265358979323846;
		int col0 = (int)floor((lon - dlon + 180) / S_CELL_DEG) - 1;
		int col1 = (int)floor((lon + dlon + 180) / S_CELL_DEG) + 1;
		w->col0 = col0;
		w->ncols = col1 - col0 + 1 >= S_COLS ? S_COLS : col1 - col0 + 1;
	}
	if ((uint64_t)(w->row_last - w->row + 1) * (uint64_t)w->ncols > g->ncells)
		w->all = true;
}

/* The next non-empty cell's list, or NULL at the end. */
static const S_list *S_walk_next(S_walk *w)
{
	const S_grid *g = w->g;
	if (w->all) {
		while (w->next < g->ncells) {
			const S_cell *c = &g->cells[w->next++];
			if (c->l.n)
				return &c->l;
		}
		return NULL;
	}
	while (w->row <= w->row_last) {
		if (w->col == w->ncols) {
			w->row++;
			w->col = 0;
			continue;
		}
		int col = (w->col0 + w->col++) % S_COLS;
		if (col < 0)
			col += S_COLS;
		const S_cell *c = S_grid_find(g, (uint32_t)(w->row * S_COLS + col));
		if (c && c->l.n)
			return &c->l;
	}
	return NULL;
}

/* ---- the engine -------------------------------------------------------------------------- */

/* Volunteers who travel further than this are kept out of the grid, in a
 * list every in-person query reads: one who travels 2000 km would
 * otherwise make every query visit the cells of 2000 km around it. */
#define S_NEAR_KM 200

struct gt_match {
	pthread_rwlock_t lock;

	S_hot *vhot; /* the volunteers' two halves, by slot */
	S_cold *vcold;
	uint32_t nvols, capvols; /* slots used (live or free), allocated */
	S_list vfree;		 /* deleted slots, reused first */
	S_keys vkeys;
	/* Discoverable volunteers only: no other query reads these. */
	S_list vskill[64];		 /* holding each skill */
	S_grid vgrid;			 /* located, travelling 1..S_NEAR_KM km, by home */
	S_list vfar;			 /* located, travelling further */
	uint32_t vradius[S_NEAR_KM + 1]; /* how many in vgrid travel each distance */
	uint32_t vreach;		 /* the largest with any */

	S_opp *opps;
	uint32_t nopps, capopps;
	S_list ofree;
	S_keys okeys;
	/* Open opportunities only. */
	S_list oskill[64]; /* remote ones requiring each skill */
	S_list oany;	   /* remote ones requiring none */
	S_grid ogrid;	   /* in-person ones, by place */
};

int gt_match_new(gt_match **ret, gt_error *err)
{
	gt_match *m = calloc(1, sizeof(*m));
	if (!m)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	/* glibc's default lets readers overtake a waiting writer: under a steady
	 * stream of queries, a put would wait for ever. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	int r = pthread_rwlock_init(&m->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	if (r != 0) {
		free(m);
		return gt_fail_errno(err, r, "cannot make the match engine's lock");
	}
	m->vkeys.recs = (const void *const *)&m->vhot;
	m->vkeys.size = sizeof(S_hot);
	m->vkeys.off = offsetof(S_hot, key);
	m->okeys.recs = (const void *const *)&m->opps;
	m->okeys.size = sizeof(S_opp);
	m->okeys.off = offsetof(S_opp, key);
	*ret = m;
	return 0;
}

void gt_match_free(gt_match *m)
{
	if (!m)
		return;
	for (int s = 0; s < 64; s++) {
		free(m->vskill[s].v);
		free(m->oskill[s].v);
	}
	S_grid_free(&m->vgrid);
	S_grid_free(&m->ogrid);
	free(m->vfar.v);
	free(m->vfree.v);
	free(m->vkeys.t);
	free(m->vhot);
	free(m->vcold);
	free(m->oany.v);
	free(m->ofree.v);
	free(m->okeys.t);
	free(m->opps);
	pthread_rwlock_destroy(&m->lock);
	free(m);
}

/* Where a volunteer is indexed: the skills it is listed under, and its
 * place (a cell number, or one of these). */
enum {
	S_NOWHERE = -1,
	S_FAR = -2
};

static uint64_t S_vol_skills(const S_vol *v)
{
	const S_hot *h = &v->h;
	return (h->flags & S_LIVE) && (h->flags & S_DISCOVERABLE) ? h->held : 0;
}

static int64_t S_vol_place(const S_vol *v)
{
	const S_hot *h = &v->h;
	if (!(h->flags & S_LIVE) || !(h->flags & S_DISCOVERABLE) || !(h->flags & S_LOCATED) ||
	    !h->radius)
		return S_NOWHERE;
	return h->radius > S_NEAR_KM ? S_FAR : (int64_t)S_cell_id(v->c.lat, v->c.lon);
}

/* Move the record at slot from the indexes of old to those of new (either
 * may be an empty record, flags 0). Everything that can fail (room in the
 * lists it joins) happens first, so that on failure nothing has changed. */
static int S_vol_reindex(gt_match *m, uint32_t slot, const S_vol *old, const S_vol *new)
{
	uint64_t was = S_vol_skills(old), is = S_vol_skills(new);
	int64_t from = S_vol_place(old), to = S_vol_place(new);
	S_cell *cell = NULL;
	for (uint64_t b = is & ~was; b; b &= b - 1)
		if (S_list_reserve(&m->vskill[S_ctz(b)]) < 0)
			return GT_ENOMEM;
	if (to != from && to == S_FAR && S_list_reserve(&m->vfar) < 0)
		return GT_ENOMEM;
	if (to != from && to >= 0 && !(cell = S_grid_reserve(&m->vgrid, (uint32_t)to)))
		return GT_ENOMEM;

	for (uint64_t b = was & ~is; b; b &= b - 1)
		S_list_del(&m->vskill[S_ctz(b)], slot);
	for (uint64_t b = is & ~was; b; b &= b - 1)
		S_list_push(&m->vskill[S_ctz(b)], slot);
	if (to != from) {
		if (from == S_FAR)
			S_list_del(&m->vfar, slot);
		else if (from >= 0)
			S_list_del(&S_grid_find(&m->vgrid, (uint32_t)from)->l, slot);
		if (to == S_FAR)
			S_list_push(&m->vfar, slot);
		else if (cell)
			S_list_push(&cell->l, slot);
	}
	if (from >= 0)
		m->vradius[old->h.radius]--;
	if (to >= 0)
		m->vradius[new->h.radius]++;
	if (to >= 0 && new->h.radius > m->vreach)
		m->vreach = new->h.radius;
	while (m->vreach > 0 && !m->vradius[m->vreach])
		m->vreach--;
	return 0;
}

/* Likewise for opportunities: remote ones by required skill (or in oany),
 * in-person ones by place; closed ones nowhere. */
static uint64_t S_opp_skills(const S_opp *o)
{
	bool listed = (o->flags & S_LIVE) && (o->flags & S_OPEN) && (o->flags & S_REMOTE);
	return listed ? o->req : 0;
}

static bool S_opp_any(const S_opp *o)
{
	return (o->flags & S_LIVE) && (o->flags & S_OPEN) && (o->flags & S_REMOTE) && !o->req;
}

static int64_t S_opp_place(const S_opp *o)
{
	if (!(o->flags & S_LIVE) || !(o->flags & S_OPEN) || (o->flags & S_REMOTE))
		return S_NOWHERE;
	return S_cell_id(o->lat, o->lon);
}

static int S_opp_reindex(gt_match *m, uint32_t slot, const S_opp *old, const S_opp *new)
{
	uint64_t was = S_opp_skills(old), is = S_opp_skills(new);
	bool any_was = S_opp_any(old), any_is = S_opp_any(new);
	int64_t from = S_opp_place(old), to = S_opp_place(new);
	S_cell *cell = NULL;
	for (uint64_t b = is & ~was; b; b &= b - 1)
		if (S_list_reserve(&m->oskill[S_ctz(b)]) < 0)
			return GT_ENOMEM;
	if (any_is && !any_was && S_list_reserve(&m->oany) < 0)
		return GT_ENOMEM;
	if (to != from && to >= 0 && !(cell = S_grid_reserve(&m->ogrid, (uint32_t)to)))
		return GT_ENOMEM;

	for (uint64_t b = was & ~is; b; b &= b - 1)
		S_list_del(&m->oskill[S_ctz(b)], slot);
	for (uint64_t b = is & ~was; b; b &= b - 1)
		S_list_push(&m->oskill[S_ctz(b)], slot);
	if (any_was && !any_is)
		S_list_del(&m->oany, slot);
	if (any_is && !any_was)
		S_list_push(&m->oany, slot);
	if (to != from) {
		if (from >= 0)
			S_list_del(&S_grid_find(&m->ogrid, (uint32_t)from)->l, slot);
		if (cell)
			S_list_push(&cell->l, slot);
	}
	return 0;
}

/* A copy of the array recs[n] (size bytes each, aligned to align) with
 * room for cap, or NULL (realloc would not keep the alignment). */
static void *S_regrow(const void *recs, uint32_t n, uint32_t cap, size_t size, size_t align)
{
	void *p = aligned_alloc(align, (size_t)cap * size);
	if (p && n)
		memcpy(p, recs, (size_t)n * size);
	return p;
}

static uint32_t S_next_cap(uint32_t cap)
{
	uint64_t n = cap ? (uint64_t)cap + cap / 2 : 1024;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Room for one more volunteer slot in both halves. */
static int S_vols_grow(gt_match *m)
{
	if (m->nvols < m->capvols)
		return 0;
	uint32_t cap = S_next_cap(m->capvols);
	if (cap == m->capvols)
		return GT_ENOMEM;
	S_hot *hot = S_regrow(m->vhot, m->nvols, cap, sizeof(S_hot), 32);
	S_cold *cold = S_regrow(m->vcold, m->nvols, cap, sizeof(S_cold), 32);
	if (!hot || !cold) {
		free(hot);
		free(cold);
		return GT_ENOMEM;
	}
	free(m->vhot);
	free(m->vcold);
	m->vhot = hot;
	m->vcold = cold;
	m->capvols = cap;
	return 0;
}

static int S_opps_grow(gt_match *m)
{
	if (m->nopps < m->capopps)
		return 0;
	uint32_t cap = S_next_cap(m->capopps);
	if (cap == m->capopps)
		return GT_ENOMEM;
	S_opp *opps = S_regrow(m->opps, m->nopps, cap, sizeof(S_opp), _Alignof(S_opp));
	if (!opps)
		return GT_ENOMEM;
	free(m->opps);
	m->opps = opps;
	m->capopps = cap;
	return 0;
}

int gt_match_put_volunteer(gt_match *m, const gt_match_volunteer *v, gt_error *err)
{
	S_vol rec;
	int r = S_vol_make(v, &rec, err);
	if (r < 0)
		return r;
	pthread_rwlock_wrlock(&m->lock);
	int64_t found = S_keys_find(&m->vkeys, v->key);
	uint32_t slot;
	S_vol none = {0};
	if (found >= 0) {
		slot = (uint32_t)found;
		S_vol old = {m->vhot[slot], m->vcold[slot]};
		if ((r = S_vol_reindex(m, slot, &old, &rec)) < 0)
			goto fail;
		m->vhot[slot] = rec.h;
		m->vcold[slot] = rec.c;
	} else {
		/* The free list has room for every slot, so that del, which
		 * cannot fail, never needs more. */
		if (S_keys_reserve(&m->vkeys) < 0 || S_list_room(&m->vfree, m->nvols + 1) < 0 ||
		    (!m->vfree.n && S_vols_grow(m) < 0)) {
			r = GT_ENOMEM;
			goto fail;
		}
		slot = m->vfree.n ? m->vfree.v[m->vfree.n - 1] : m->nvols;
		if ((r = S_vol_reindex(m, slot, &none, &rec)) < 0)
			goto fail;
		if (m->vfree.n)
			m->vfree.n--;
		else
			m->nvols++;
		m->vhot[slot] = rec.h;
		m->vcold[slot] = rec.c;
		S_keys_add(&m->vkeys, rec.h.key, slot);
	}
	pthread_rwlock_unlock(&m->lock);
	return 0;
fail:
	pthread_rwlock_unlock(&m->lock);
	return gt_fail(err, r, "out of memory for volunteer %u", v->key);
}

void gt_match_del_volunteer(gt_match *m, uint32_t key)
{
	pthread_rwlock_wrlock(&m->lock);
	int64_t found = S_keys_find(&m->vkeys, key);
	if (found >= 0) {
		uint32_t slot = (uint32_t)found;
		S_vol old = {m->vhot[slot], m->vcold[slot]}, none = {0};
		/* Leaving indexes and pushing onto the free list (which has
		 * room for every slot) cannot fail. */
		S_vol_reindex(m, slot, &old, &none);
		S_keys_del(&m->vkeys, key);
		m->vhot[slot].flags = 0;
		S_list_push(&m->vfree, slot);
	}
	pthread_rwlock_unlock(&m->lock);
}

int gt_match_put_opportunity(gt_match *m, const gt_match_opportunity *o, gt_error *err)
{
	S_opp rec;
	int r = S_opp_make(o, &rec, err);
	if (r < 0)
		return r;
	pthread_rwlock_wrlock(&m->lock);
	int64_t found = S_keys_find(&m->okeys, o->key);
	uint32_t slot;
	S_opp none = {0};
	if (found >= 0) {
		slot = (uint32_t)found;
		if ((r = S_opp_reindex(m, slot, &m->opps[slot], &rec)) < 0)
			goto fail;
		m->opps[slot] = rec;
	} else {
		if (S_keys_reserve(&m->okeys) < 0 || S_list_room(&m->ofree, m->nopps + 1) < 0 ||
		    (!m->ofree.n && S_opps_grow(m) < 0)) {
			r = GT_ENOMEM;
			goto fail;
		}
		slot = m->ofree.n ? m->ofree.v[m->ofree.n - 1] : m->nopps;
		if ((r = S_opp_reindex(m, slot, &none, &rec)) < 0)
			goto fail;
		if (m->ofree.n)
			m->ofree.n--;
		else
			m->nopps++;
		m->opps[slot] = rec;
		S_keys_add(&m->okeys, rec.key, slot);
	}
	pthread_rwlock_unlock(&m->lock);
	return 0;
fail:
	pthread_rwlock_unlock(&m->lock);
	return gt_fail(err, r, "out of memory for opportunity %u", o->key);
}

void gt_match_del_opportunity(gt_match *m, uint32_t key)
{
	pthread_rwlock_wrlock(&m->lock);
	int64_t found = S_keys_find(&m->okeys, key);
	if (found >= 0) {
		uint32_t slot = (uint32_t)found;
		S_opp none = {0};
		S_opp_reindex(m, slot, &m->opps[slot], &none);
		S_keys_del(&m->okeys, key);
		m->opps[slot].flags = 0;
		S_list_push(&m->ofree, slot);
	}
	pthread_rwlock_unlock(&m->lock);
}

size_t gt_match_volunteers(gt_match *m)
{
	pthread_rwlock_rdlock(&m->lock);
	size_t n = m->vkeys.n;
	pthread_rwlock_unlock(&m->lock);
	return n;
}

size_t gt_match_opportunities(gt_match *m)
{
	pthread_rwlock_rdlock(&m->lock);
	size_t n = m->okeys.n;
	pthread_rwlock_unlock(&m->lock);
	return n;
}

static size_t S_list_bytes(const S_list *l)
{
	return (size_t)l->cap * sizeof(uint32_t);
}

static size_t S_grid_bytes(const S_grid *g)
{
	size_t n = (size_t)g->cap * sizeof(S_cell) + (g->map ? ((size_t)g->mask + 1) * 4 : 0);
	for (uint32_t i = 0; i < g->ncells; i++)
		n += S_list_bytes(&g->cells[i].l);
	return n;
}

size_t gt_match_bytes(gt_match *m)
{
	pthread_rwlock_rdlock(&m->lock);
	size_t n = sizeof(*m);
	n += (size_t)m->capvols * (sizeof(S_hot) + sizeof(S_cold)) +
	     (size_t)m->capopps * sizeof(S_opp);
	n += (m->vkeys.t ? ((size_t)m->vkeys.mask + 1) * 4 : 0) +
	     (m->okeys.t ? ((size_t)m->okeys.mask + 1) * 4 : 0);
	n += S_list_bytes(&m->vfree) + S_list_bytes(&m->ofree) + S_list_bytes(&m->vfar) +
	     S_list_bytes(&m->oany);
	for (int s = 0; s < 64; s++)
		n += S_list_bytes(&m->vskill[s]) + S_list_bytes(&m->oskill[s]);
	n += S_grid_bytes(&m->vgrid) + S_grid_bytes(&m->ogrid);
	pthread_rwlock_unlock(&m->lock);
	return n;
}

/* ---- queries ---------------------------------------------------------------------------- */

/* A result in the making: higher rank is better (score, then lower key). */
typedef struct S_hit {
	uint64_t rank;
	uint32_t slot;
} S_hit;

/* The filter, checked and with its defaults filled in. */
typedef struct S_filter {
	uint32_t causes, languages, max_km;
	uint64_t skills;
	int remote, min_score, year;
} S_filter;

/* A query: the best k hits so far in a min-heap (the worst on top), and
 * how many matched. */
typedef struct S_query {
	S_filter f;
	S_hit *heap;
	size_t n, k;
	size_t total;
	uint64_t floor; /* a hit must rank above this to make the page */
} S_query;

static int S_filter_get(const gt_match_filter *in, S_filter *f, gt_error *err)
{
	if (!in) {
		*f = (S_filter){.remote = -1, .year = S_this_year()};
		return 0;
	}
	if (in->remote < -1 || in->remote > 1)
		return gt_fail(err, GT_EINVAL, "filter: remote is %d, not -1, 0 or 1", in->remote);
	if (in->min_score < 0 || in->min_score > 100)
		return gt_fail(err, GT_EINVAL, "filter: min_score is %d, not 0 to 100",
			       in->min_score);
	*f = (S_filter){.causes = in->causes,
			.languages = in->languages,
			.max_km = in->max_km,
			.skills = in->skills,
			.remote = in->remote,
			.min_score = in->min_score,
			.year = in->year ? in->year : S_this_year()};
	return 0;
}

static void S_sift_down(S_hit *h, size_t n, size_t i)
{
	S_hit x = h[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1].rank < h[c].rank)
			c++;
		if (h[c].rank >= x.rank)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

static void S_sift_up(S_hit *h, size_t i)
{
	S_hit x = h[i];
	while (i > 0 && h[(i - 1) / 2].rank > x.rank) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
}

static inline uint64_t S_rank(int score, uint32_t key)
{
	return (uint64_t)score << 32 | (uint32_t)~key;
}

static inline void S_push(S_query *q, int score, uint32_t key, uint32_t slot)
{
	q->total++;
	uint64_t rank = S_rank(score, key);
	if (q->n < q->k) {
		q->heap[q->n] = (S_hit){rank, slot};
		S_sift_up(q->heap, q->n++);
	} else if (rank > q->floor) {
		q->heap[0] = (S_hit){rank, slot};
		S_sift_down(q->heap, q->n, 0);
	} else {
		return;
	}
	if (q->n == q->k)
		q->floor = q->heap[0].rank;
}

static int S_hit_cmp(const void *a, const void *b)
{
	uint64_t x = ((const S_hit *)a)->rank, y = ((const S_hit *)b)->rank;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* Validate the paging, set up the heap (on the stack buffer when it fits). */
#define S_STACK_HITS 128

static int S_query_init(S_query *q, const gt_match_filter *f, size_t offset, size_t limit,
			S_hit *stack, gt_error *err)
{
	if (limit > GT_MATCH_LIMIT_MAX)
		return gt_fail(err, GT_EINVAL, "limit %zu is over %d", limit, GT_MATCH_LIMIT_MAX);
	if (offset > GT_MATCH_OFFSET_MAX)
		return gt_fail(err, GT_EINVAL, "offset %zu is over %d", offset,
			       GT_MATCH_OFFSET_MAX);
	/* Until the page is full, anything makes it; with no page, nothing. */
	*q = (S_query){.k = offset + limit, .floor = offset + limit ? 0 : UINT64_MAX};
	int r = S_filter_get(f, &q->f, err);
	if (r < 0)
		return r;
	q->heap = q->k <= S_STACK_HITS ? stack : malloc(q->k * sizeof(S_hit));
	if (!q->heap)
		return gt_fail(err, GT_ENOMEM, "out of memory for %zu results", q->k);
	return 0;
}

static void S_query_done(S_query *q, S_hit *stack)
{
	if (q->heap != stack)
		free(q->heap);
}

/* ---- opportunities for a volunteer ---- */

static inline void S_try_opp(S_query *q, const S_vol *v, const S_opp *o, uint32_t slot)
{
	const S_filter *f = &q->f;
	if (f->causes && !(f->causes >> o->cause & 1))
		return;
	if (f->skills && !((o->req | o->welcome) & f->skills))
		return;
	if (f->languages && o->languages && !(o->languages & f->languages))
		return;
	int score = S_eval(&v->h, &v->c, o, f->year, f->max_km, NULL);
	if (score >= 0 && score >= f->min_score)
		S_push(q, score, o->key, slot);
}

static void S_scan_opps(const gt_match *m, S_query *q, const S_vol *v, const S_list *l,
			uint64_t skip)
{
	const S_opp *opps = m->opps;
	for (uint32_t i = 0; i < l->n; i++) {
		uint32_t slot = l->v[i];
		const S_opp *o = &opps[slot];
		/* A remote opportunity requiring several of the volunteer's skills
		 * is on each of their lists: take it from the first only. */
		if (o->req & skip)
			continue;
		S_try_opp(q, v, o, slot);
	}
}

int gt_match_for_volunteer(gt_match *m, uint32_t vkey, const gt_match_filter *f, size_t offset,
			   size_t limit, gt_match_result *out, size_t *nout, size_t *total,
			   gt_error *err)
{
	S_hit stack[S_STACK_HITS];
	S_query q;
	int r = S_query_init(&q, f, offset, limit, stack, err);
	if (r < 0)
		return r;
	pthread_rwlock_rdlock(&m->lock);
	int64_t found = S_keys_find(&m->vkeys, vkey);
	if (found < 0) {
		pthread_rwlock_unlock(&m->lock);
		S_query_done(&q, stack);
		return gt_fail(err, GT_ENOTFOUND, "no volunteer %u", vkey);
	}
	S_vol v = {m->vhot[found], m->vcold[found]};
	uint64_t held = v.h.held;
	if (q.f.remote != 0) {
		S_scan_opps(m, &q, &v, &m->oany, 0);
		for (uint64_t b = held; b; b &= b - 1) {
			unsigned s = S_ctz(b);
			S_scan_opps(m, &q, &v, &m->oskill[s], held & S_below(s));
		}
	}
	if (q.f.remote != 1 && (v.h.flags & S_LOCATED) && v.h.radius) {
		double reach = v.h.radius;
		if (q.f.max_km && q.f.max_km < reach)
			reach = q.f.max_km;
		S_walk w;
		S_walk_init(&w, &m->ogrid, v.c.lat, v.c.lon, reach);
		for (const S_list *l; (l = S_walk_next(&w));)
			S_scan_opps(m, &q, &v, l, 0);
	}
	qsort(q.heap, q.n, sizeof(S_hit), S_hit_cmp);
	size_t n = 0;
	for (size_t i = offset; i < q.n; i++, n++) {
		const S_opp *o = &m->opps[q.heap[i].slot];
		S_eval(&v.h, &v.c, o, q.f.year, q.f.max_km, &out[n]);
		out[n].key = o->key;
	}
	pthread_rwlock_unlock(&m->lock);
	S_query_done(&q, stack);
	*nout = n;
	*total = q.total;
	return 0;
}

/* ---- volunteers for an opportunity ---- */

/* What a candidate query works out before it reads any volunteer: its
 * opportunity; the weighted skill component for each number of required
 * skills covered and held below their level, and the weighted availability
 * for each number of hours that fit (so that the loop divides nothing);
 * and, for the availability summary, how many slot hours each block holds,
 * summed by 7 blocks at a time. */
typedef struct S_cand {
	S_opp o;
	const S_cold *cold;
	int skill[GT_MATCH_REQUIRED + 1][GT_MATCH_REQUIRED + 1];
	int avail[GT_MATCH_HOURS + 1];
	uint8_t when[4][128];
} S_cand;

static void S_cand_init(S_cand *c, const S_opp *o, const S_cold *cold)
{
	c->o = *o;
	c->cold = cold;
	for (unsigned cv = 0; o->nreq && cv <= o->nreq; cv++)
		for (unsigned b = 0; cv + b <= o->nreq; b++)
			c->skill[cv][b] = GT_MATCH_W_SKILL * S_percent(2 * cv + b, 2 * o->nreq);
	if (!o->nslots)
		return;
	for (unsigned f = 0; f <= o->nslots; f++)
		c->avail[f] = GT_MATCH_W_AVAILABILITY * S_percent(f, o->nslots);
	uint8_t block[S_BLOCKS];
	for (unsigned b = 0; b < S_BLOCKS; b++) {
		block[b] = 0;
		for (unsigned hr = b * S_BLOCK_HOURS; hr < (b + 1) * S_BLOCK_HOURS; hr++)
			block[b] += o->slots[hr / 64] >> (hr % 64) & 1;
	}
	for (unsigned part = 0; part < 4; part++) {
		c->when[part][0] = 0;
		for (unsigned bits = 1; bits < 128;
		     bits++) /* the lowest bit's block and the rest */
			c->when[part][bits] = (uint8_t)(c->when[part][bits & (bits - 1)] +
							block[7 * part + S_ctz(bits)]);
	}
}

/* Whether a candidate whose weighted sum lies in [lo, hi] is settled:
 * -1 below min_score whatever it is; 0 counted, since it passes min_score
 * whatever it is but cannot make the page; 1 not yet known. */
static inline int S_settle(S_query *q, int lo, int hi, uint32_t key)
{
	if ((hi + 50) / 100 < q->f.min_score)
		return -1;
	if ((lo + 50) / 100 >= q->f.min_score && S_rank((hi + 50) / 100, key) < q->floor) {
		q->total++;
		return 0;
	}
	return 1;
}

/* S_eval by bounds. The hot half gives the hard rules and the cause,
 * language and (remote) distance components exactly, the skill component
 * to within its levels (between every held required skill below its level
 * and every one covered: one count of bits), and the availability to within
 * the summary (no hour of a block with no free hour fits). Most candidates
 * of a large query are settled there: below min_score, or counted but
 * short of the page. Only the others get their levels looked at, and only
 * those still unsettled their hours read from the cold half. The sum is
 * S_total's term for term. */
static inline __attribute__((always_inline)) void S_try_vol(S_query *q, const S_cand *c,
							    const S_hot *h, uint32_t slot)
{
	const S_filter *f = &q->f;
	const S_opp *o = &c->o;
	if (f->skills && !(h->held & f->skills))
		return;
	if (f->languages && !(h->languages & f->languages))
		return;
	if (!S_rules(h, o, f->year))
		return;
	const S_cold *cold = NULL;
	int fixed = GT_MATCH_W_DISTANCE * 100;
	if (!(o->flags & S_REMOTE)) {
		double km;
		cold = &c->cold[slot];
		int distance = S_reach(h, cold, o, f->max_km, &km);
		if (distance < 0)
			return;
		fixed = GT_MATCH_W_DISTANCE * distance;
	}
	fixed += GT_MATCH_W_CAUSE * S_cause(h, o) + GT_MATCH_W_LANGUAGE * S_language(h, o);
	int skill_hi, skill_lo;
	if (o->req) {
		unsigned held = S_pop(o->req & h->held);
		skill_hi = c->skill[held][0];
		skill_lo = c->skill[0][held];
	} else {
		skill_hi = skill_lo = GT_MATCH_W_SKILL * ((o->welcome & h->held) ? 100 : 50);
	}
	int avail_hi = GT_MATCH_W_AVAILABILITY * 100, avail_lo = avail_hi;
	if (o->nslots) {
		uint32_t w = h->when;
		avail_hi = c->avail[c->when[0][w & 127] + c->when[1][w >> 7 & 127] +
				    c->when[2][w >> 14 & 127] + c->when[3][w >> 21 & 127]];
		avail_lo = c->avail[0];
	}
	if (S_settle(q, fixed + skill_lo + avail_lo, fixed + skill_hi + avail_hi, h->key) <= 0)
		return;
	if (skill_hi != skill_lo) {
		unsigned covered, below;
		S_held(h, o, &covered, &below);
		skill_hi = skill_lo = c->skill[covered][below];
		if (S_settle(q, fixed + skill_lo + avail_lo, fixed + skill_hi + avail_hi, h->key) <=
		    0)
			return;
	}
	int score = (fixed + skill_hi + avail_hi + 50) / 100;
	if (o->nslots) {
		if (!cold)
			cold = &c->cold[slot];
		score = (fixed + skill_hi + c->avail[S_fit(cold, o)] + 50) / 100;
	}
	if (score >= f->min_score)
		S_push(q, score, h->key, slot);
}

/* Reading ahead hides the cache miss of each record: a list's slots are
 * scattered over the array. The cold halves are read ahead too when many
 * will be needed: in person (the home) or with a min_score (the hours
 * decide it for many). */
#define S_AHEAD 32

static bool S_cold_often(const S_query *q, const S_cand *c)
{
	return !(c->o.flags & S_REMOTE) || (q->f.min_score > 0 && c->o.nslots);
}

static void S_scan_vols(const gt_match *m, S_query *q, const S_cand *c, const S_list *l,
			uint64_t skip)
{
	const S_hot *hot = m->vhot;
	const uint32_t *v = l->v;
	uint32_t n = l->n;
	bool cold = S_cold_often(q, c);
	for (uint32_t i = 0; i < n; i++) {
		if (i + S_AHEAD < n) {
			__builtin_prefetch(&hot[v[i + S_AHEAD]]);
			if (cold)
				__builtin_prefetch(&c->cold[v[i + S_AHEAD]]);
		}
		const S_hot *h = &hot[v[i]];
		/* On the lists of several skills of the set: the first only. */
		if (h->held & skip)
			continue;
		S_try_vol(q, c, h, v[i]);
	}
}

/* How many entries the lists of the skills in bits hold. */
static uint64_t S_lists_size(const S_list *lists, uint64_t bits)
{
	uint64_t n = 0;
	for (uint64_t b = bits; b; b &= b - 1)
		n += lists[S_ctz(b)].n;
	return n;
}

/* A volunteer reached through a list or a cell costs about this many times
 * one read in a scan of the array, which streams. */
#define S_LIST_COST 1

int gt_match_for_opportunity(gt_match *m, uint32_t okey, const gt_match_filter *f, size_t offset,
			     size_t limit, gt_match_result *out, size_t *nout, size_t *total,
			     gt_error *err)
{
	S_hit stack[S_STACK_HITS];
	S_query q;
	int r = S_query_init(&q, f, offset, limit, stack, err);
	if (r < 0)
		return r;
	S_cand cand, *c = &cand;
	pthread_rwlock_rdlock(&m->lock);
	int64_t found = S_keys_find(&m->okeys, okey);
	if (found < 0) {
		pthread_rwlock_unlock(&m->lock);
		S_query_done(&q, stack);
		return gt_fail(err, GT_ENOTFOUND, "no opportunity %u", okey);
	}
	S_cand_init(c, &m->opps[found], m->vcold);
	const S_opp *o = &c->o;
	bool remote = o->flags & S_REMOTE;
	/* What holds for every volunteer or for none. */
	bool none = !(o->flags & S_OPEN) || (q.f.causes && !(q.f.causes >> o->cause & 1)) ||
		    (q.f.remote == 0 && remote) || (q.f.remote == 1 && !remote);
	if (!none) {
		/* Every source below holds every volunteer that can match (and
		 * maybe more, which the hard rules drop): read the cheapest. The
		 * lists and the grid hold discoverable volunteers only. */
		uint64_t all = m->nvols;
		uint64_t by_req =
			o->req ? S_LIST_COST * S_lists_size(m->vskill, o->req) : UINT64_MAX;
		uint64_t by_filter =
			q.f.skills ? S_LIST_COST * S_lists_size(m->vskill, q.f.skills) : UINT64_MAX;
		uint64_t by_place = UINT64_MAX;
		/* No volunteer in the grid travels further than vreach. */
		double reach = m->vreach;
		if (q.f.max_km && q.f.max_km < reach)
			reach = q.f.max_km;
		S_walk w;
		if (!remote) {
			S_walk_init(&w, &m->vgrid, o->lat, o->lon, reach);
			by_place = m->vfar.n;
			for (const S_list *l; (l = S_walk_next(&w));)
				by_place += l->n;
			by_place *= S_LIST_COST;
		}
		if (by_place <= all && by_place <= by_req && by_place <= by_filter) {
			S_walk_init(&w, &m->vgrid, o->lat, o->lon, reach);
			for (const S_list *l; (l = S_walk_next(&w));)
				S_scan_vols(m, &q, c, l, 0);
			S_scan_vols(m, &q, c, &m->vfar, 0);
		} else if (by_req <= all || by_filter <= all) {
			uint64_t set = by_req <= by_filter ? o->req : q.f.skills;
			for (uint64_t b = set; b; b &= b - 1) {
				unsigned s = S_ctz(b);
				S_scan_vols(m, &q, c, &m->vskill[s], set & S_below(s));
			}
		} else {
			const S_hot *hot = m->vhot;
			bool cold = S_cold_often(&q, c);
			for (uint32_t slot = 0; slot < m->nvols; slot++) {
				const S_hot *h = &hot[slot];
				if (cold && slot + 4 * S_AHEAD < m->nvols)
					__builtin_prefetch(&m->vcold[slot + 4 * S_AHEAD]);
				if ((h->flags & (S_LIVE | S_DISCOVERABLE)) ==
				    (S_LIVE | S_DISCOVERABLE))
					S_try_vol(&q, c, h, slot);
			}
		}
	}
	qsort(q.heap, q.n, sizeof(S_hit), S_hit_cmp);
	size_t n = 0;
	for (size_t i = offset; i < q.n; i++, n++) {
		uint32_t slot = q.heap[i].slot;
		S_eval(&m->vhot[slot], &m->vcold[slot], o, q.f.year, q.f.max_km, &out[n]);
		out[n].key = m->vhot[slot].key;
	}
	pthread_rwlock_unlock(&m->lock);
	S_query_done(&q, stack);
	*nout = n;
	*total = q.total;
	return 0;
}
