/* Energy: the book (the state action reports are decided on, in memory),
 * action reports, collecting, and a user's energy as the API shows it. */
#include "green/green_int.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/time.h"

#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An action of the last GT_GREEN_WINDOW days. */
typedef struct {
	uint8_t ref[GT_GREEN_REF_BYTES];
	int32_t day;
	uint16_t kind; /* in the book's registry of kinds */
	uint8_t collected;
	int32_t grams;
	uint32_t user;
	uint32_t unext; /* the user's previous action + 1, or 0 */
	uint64_t idx;
} S_act;

typedef struct {
	uint8_t key[32]; /* the reference's 64 hex digits as bytes */
	uint32_t acts;	 /* the newest action + 1, or 0 */
	uint32_t mons;	 /* the first month total + 1, or 0 */
} S_user;

/* A user's energy of one kind in one month. */
typedef struct {
	int32_t month;
	uint16_t kind;
	int32_t grams;
	uint32_t next;
} S_mon;

struct gt_green_book {
	pthread_rwlock_t lock;
	bool loaded;
	int32_t day;	    /* the programme's day it was loaded on */
	uint64_t rollbacks; /* the ledger's rolled-back batches then */
	gt_green_rule rules[GT_GREEN_KINDS_MAX];
	size_t nrules;
	char kinds[2 * GT_GREEN_KINDS_MAX][GT_GREEN_KIND_MAX + 1]; /* stable ids */
	size_t nkinds;
	S_user *users;
	size_t nusers, capusers;
	uint32_t *uslots; /* open addressing: user + 1, or 0 */
	size_t uslots_n;
	S_act *acts;
	size_t nacts, capacts;
	uint32_t *aslots;
	size_t aslots_n;
	S_mon *mons;
	size_t nmons, capmons;
};

/* ---- the book's tables ---------------------------------------------------------------------- */

static uint64_t S_hash(const uint8_t *p)
{
	uint64_t h;
	memcpy(&h, p, sizeof(h));
	return h * 0x9E3779B97F4A7C15ULL;
}

static int S_grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? 2 * *cap : 1024;
	void *q = realloc(*p, c * size);
	if (!q)
		return GT_ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

/* Rehash slots (count n, a power of two) for the items keyed at key_of. */
static int S_rehash(uint32_t **slots, size_t *nslots, size_t items,
		    const uint8_t *(*key_of)(const struct gt_green_book *, uint32_t),
		    const struct gt_green_book *b)
{
	size_t n = *nslots ? *nslots : 2048;
	while (n < 2 * (items + 1))
		n *= 2;
	uint32_t *s = calloc(n, sizeof(*s));
	if (!s)
		return GT_ENOMEM;
	for (uint32_t i = 0; i < items; i++) {
		size_t h = S_hash(key_of(b, i)) & (n - 1);
		while (s[h])
			h = (h + 1) & (n - 1);
		s[h] = i + 1;
	}
	free(*slots);
	*slots = s;
	*nslots = n;
	return 0;
}

static const uint8_t *S_user_key(const struct gt_green_book *b, uint32_t i)
{
	return b->users[i].key;
}

static const uint8_t *S_act_key(const struct gt_green_book *b, uint32_t i)
{
	return b->acts[i].ref;
}

static int64_t S_user_find(const gt_green_book *b, const uint8_t key[32])
{
	if (!b->uslots_n)
		return -1;
	for (size_t h = S_hash(key) & (b->uslots_n - 1); b->uslots[h];
	     h = (h + 1) & (b->uslots_n - 1))
		if (memcmp(b->users[b->uslots[h] - 1].key, key, 32) == 0)
			return b->uslots[h] - 1;
	return -1;
}

static int64_t S_user_add(gt_green_book *b, const uint8_t key[32])
{
	if (S_grow((void **)&b->users, &b->capusers, b->nusers, sizeof(*b->users)) < 0)
		return GT_ENOMEM;
	if (2 * (b->nusers + 1) > b->uslots_n &&
	    S_rehash(&b->uslots, &b->uslots_n, b->nusers, S_user_key, b) < 0)
		return GT_ENOMEM;
	S_user *u = &b->users[b->nusers];
	memcpy(u->key, key, 32);
	u->acts = u->mons = 0;
	size_t h = S_hash(key) & (b->uslots_n - 1);
	while (b->uslots[h])
		h = (h + 1) & (b->uslots_n - 1);
	b->uslots[h] = (uint32_t)++b->nusers;
	return (int64_t)b->nusers - 1;
}

static int64_t S_act_find(const gt_green_book *b, const uint8_t ref[GT_GREEN_REF_BYTES])
{
	if (!b->aslots_n)
		return -1;
	for (size_t h = S_hash(ref) & (b->aslots_n - 1); b->aslots[h];
	     h = (h + 1) & (b->aslots_n - 1))
		if (memcmp(b->acts[b->aslots[h] - 1].ref, ref, GT_GREEN_REF_BYTES) == 0)
			return b->aslots[h] - 1;
	return -1;
}

static int S_act_add(gt_green_book *b, const S_act *a)
{
	if (S_grow((void **)&b->acts, &b->capacts, b->nacts, sizeof(*b->acts)) < 0)
		return GT_ENOMEM;
	if (2 * (b->nacts + 1) > b->aslots_n &&
	    S_rehash(&b->aslots, &b->aslots_n, b->nacts, S_act_key, b) < 0)
		return GT_ENOMEM;
	S_act *x = &b->acts[b->nacts];
	*x = *a;
	S_user *u = &b->users[a->user];
	x->unext = u->acts;
	u->acts = (uint32_t)b->nacts + 1;
	size_t h = S_hash(a->ref) & (b->aslots_n - 1);
	while (b->aslots[h])
		h = (h + 1) & (b->aslots_n - 1);
	b->aslots[h] = (uint32_t)++b->nacts;
	return 0;
}

static S_mon *S_mon_get(gt_green_book *b, uint32_t user, int32_t month, uint16_t kind)
{
	for (uint32_t m = b->users[user].mons; m; m = b->mons[m - 1].next)
		if (b->mons[m - 1].month == month && b->mons[m - 1].kind == kind)
			return &b->mons[m - 1];
	return NULL;
}

static int S_mon_add(gt_green_book *b, uint32_t user, int32_t month, uint16_t kind, int32_t grams)
{
	S_mon *m = S_mon_get(b, user, month, kind);
	if (m) {
		m->grams += grams;
		return 0;
	}
	if (S_grow((void **)&b->mons, &b->capmons, b->nmons, sizeof(*b->mons)) < 0)
		return GT_ENOMEM;
	b->mons[b->nmons] =
		(S_mon){.month = month, .kind = kind, .grams = grams, .next = b->users[user].mons};
	b->users[user].mons = (uint32_t)++b->nmons;
	return 0;
}

/* The id of a kind in the registry (added if new), or -1 when full. */
static int S_kind(gt_green_book *b, const char *kind)
{
	for (size_t i = 0; i < b->nkinds; i++)
		if (strcmp(b->kinds[i], kind) == 0)
			return (int)i;
	if (b->nkinds == sizeof(b->kinds) / sizeof(b->kinds[0]))
		return -1;
	snprintf(b->kinds[b->nkinds], sizeof(b->kinds[0]), "%s", kind);
	return (int)b->nkinds++;
}

static int32_t S_day_used(const gt_green_book *b, uint32_t user, int32_t day, uint16_t kind)
{
	int32_t g = 0;
	for (uint32_t a = b->users[user].acts; a; a = b->acts[a - 1].unext)
		if (b->acts[a - 1].day == day && b->acts[a - 1].kind == kind)
			g += b->acts[a - 1].grams;
	return g;
}

/* ---- loading -------------------------------------------------------------------------------- */

static void S_clear(gt_green_book *b)
{
	b->loaded = false;
	b->nusers = b->nacts = b->nmons = b->nkinds = 0;
	free(b->uslots);
	free(b->aslots);
	b->uslots = b->aslots = NULL;
	b->uslots_n = b->aslots_n = 0;
}

/* A user reference into its key (false if malformed). */
static bool S_user_bytes(const char *ref, uint8_t key[32])
{
	return gt_green_ref_valid(ref) && gt_hex_decode(ref + 6, 32, key) == 0;
}

/* The user of ref in the book, or from the store (a user registered since
 * the book was loaded); -1 when there is none. */
static int64_t S_user_of(gt_green_book *b, gt_store_conn *c, const char *ref, gt_error *err)
{
	uint8_t key[32];
	if (!S_user_bytes(ref, key))
		return -1;
	int64_t u = S_user_find(b, key);
	if (u >= 0)
		return u;
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GREEN_GUSER_BY_REF, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, ref, (size_t)-1);
	rc = gt_stmt_step(st, err);
	gt_stmt_close(st);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -1;
	u = S_user_add(b, key);
	return u < 0 ? gt_fail(err, GT_ENOMEM, "out of memory") : u;
}

static int S_load(gt_green_book *b, gt_store_conn *c, int32_t today, gt_error *err)
{
	S_clear(b);
	int rc = gt_green_rules_load(c, b->rules, &b->nrules, err);
	gt_stmt *st = NULL;
	if (rc == 0)
		rc = gt_stmt_open(c, GT_Q_GREEN_GUSER_REFS, &st, err);
	while (rc == 0 && (rc = gt_stmt_step(st, err)) == 1) {
		uint8_t key[32];
		rc = S_user_bytes(gt_stmt_text(st, 0, NULL), key) && S_user_add(b, key) < 0 ?
			     gt_fail(err, GT_ENOMEM, "out of memory") :
			     0;
	}
	gt_stmt_close(st);
	st = NULL;
	/* Month totals from the first day of the previous month; actions
	 * themselves for the window. */
	int32_t from = gt_green_month_start(gt_green_month(today) - 1),
		window = today - GT_GREEN_WINDOW;
	if (window < from)
		from = window;
	if (rc >= 0)
		rc = gt_stmt_open(c, GT_Q_GREEN_ACTIONS_SINCE, &st, err);
	if (rc == 0)
		gt_stmt_bind_i64(st, 1, from);
	while (rc == 0 && (rc = gt_stmt_step(st, err)) == 1) {
		int32_t day = (int32_t)gt_stmt_i64(st, 0);
		uint8_t key[32];
		int64_t u = -1;
		if (S_user_bytes(gt_stmt_text(st, 2, NULL), key) && (u = S_user_find(b, key)) < 0)
			u = S_user_add(b, key); /* no private row (a store rebuilt elsewhere) */
		int kind = S_kind(b, gt_stmt_text(st, 3, NULL));
		int32_t grams = (int32_t)gt_stmt_i64(st, 4);
		const char *ref = gt_stmt_text(st, 5, NULL);
		if (u < 0 || kind < 0) {
			rc = gt_fail(err, u < 0 && u != -1 ? GT_ENOMEM : GT_ECORRUPT,
				     "entry %lld: an action the book cannot hold",
				     (long long)gt_stmt_i64(st, 1));
			break;
		}
		rc = S_mon_add(b, (uint32_t)u, gt_green_month(day), (uint16_t)kind, grams);
		if (rc == 0 && day >= window) {
			S_act a = {.day = day,
				   .kind = (uint16_t)kind,
				   .grams = grams,
				   .user = (uint32_t)u,
				   .idx = (uint64_t)gt_stmt_i64(st, 1)};
			if (!ref || strlen(ref) != GT_GREEN_REF_HEX ||
			    gt_hex_decode(ref, GT_GREEN_REF_BYTES, a.ref) < 0)
				rc = gt_fail(err, GT_ECORRUPT,
					     "an action's reference is malformed");
			else
				rc = S_act_add(b, &a);
		}
		if (rc < 0 && !err->msg[0])
			gt_fail(err, rc, "out of memory");
	}
	gt_stmt_close(st);
	st = NULL;
	/* What was collected: every action of the day before the last collect. */
	if (rc >= 0)
		rc = gt_stmt_open(c, GT_Q_GREEN_COLLECTS_SINCE, &st, err);
	if (rc == 0)
		gt_stmt_bind_i64(st, 1, window);
	while (rc == 0 && (rc = gt_stmt_step(st, err)) == 1) {
		uint8_t key[32];
		int32_t day = (int32_t)gt_stmt_i64(st, 0);
		uint64_t idx = (uint64_t)gt_stmt_i64(st, 2);
		int64_t u = S_user_bytes(gt_stmt_text(st, 1, NULL), key) ? S_user_find(b, key) : -1;
		for (uint32_t a = u >= 0 ? b->users[u].acts : 0; a; a = b->acts[a - 1].unext)
			if (b->acts[a - 1].day == day && b->acts[a - 1].idx < idx)
				b->acts[a - 1].collected = 1;
		rc = 0;
	}
	gt_stmt_close(st);
	if (rc < 0) {
		S_clear(b);
		return rc;
	}
	b->day = today;
	b->loaded = true;
	return 0;
}

/* ---- the book's life ------------------------------------------------------------------------ */

static void *S_create(void)
{
	gt_green_book *b = calloc(1, sizeof(*b));
	if (b && pthread_rwlock_init(&b->lock, NULL) != 0) {
		free(b);
		b = NULL;
	}
	return b;
}

static void S_free(void *p)
{
	gt_green_book *b = p;
	if (!b)
		return;
	S_clear(b);
	free(b->users);
	free(b->acts);
	free(b->mons);
	pthread_rwlock_destroy(&b->lock);
	free(b);
}

gt_green_book *gt_green_book_of(gt_ledger *l)
{
	return gt_ledger_state(l, "green", S_create, S_free);
}

bool gt_green_book_ready(gt_green_book *b)
{
	pthread_rwlock_rdlock(&b->lock);
	bool ready = b->loaded;
	pthread_rwlock_unlock(&b->lock);
	return ready;
}

int gt_green_book_write(gt_decide *d, gt_green_book **ret, gt_error *err)
{
	gt_green_book *b = gt_decide_state(d, "green", S_create, S_free);
	if (!b)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	pthread_rwlock_wrlock(&b->lock);
	int32_t today = gt_green_day(gt_decide_now_ms(d));
	uint64_t rollbacks = gt_decide_rollbacks(d);
	if (!b->loaded || b->day != today || b->rollbacks != rollbacks) {
		int rc = S_load(b, gt_decide_conn(d), today, err);
		if (rc < 0) {
			pthread_rwlock_unlock(&b->lock);
			return rc;
		}
		b->rollbacks = rollbacks;
	}
	*ret = b;
	return 0;
}

void gt_green_book_done(gt_green_book *b)
{
	pthread_rwlock_unlock(&b->lock);
}

void gt_green_book_drop(gt_green_book *b)
{
	b->loaded = false;
}

const gt_green_rule *gt_green_book_rules(gt_green_book *b, size_t *n)
{
	*n = b->nrules;
	return b->rules;
}

void gt_green_book_set_rule(gt_green_book *b, const gt_green_rule *r)
{
	gt_green_rule *old = (gt_green_rule *)gt_green_rule_find(b->rules, b->nrules, r->kind);
	if (old) {
		*old = *r;
		return;
	}
	/* A new kind: the table is sorted again, as gt_green_rules_load makes it. */
	size_t i = b->nrules;
	while (i > 0 && strcmp(b->rules[i - 1].kind, r->kind) > 0) {
		b->rules[i] = b->rules[i - 1];
		i--;
	}
	b->rules[i] = *r;
	b->nrules++;
}

int gt_green_load_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	(void)in;
	gt_green_book *b;
	int rc = gt_green_book_write(d, &b, err);
	if (rc < 0)
		return rc;
	gt_decide_reply(d, json_pack("{s:I, s:I}", "users", (json_int_t)b->nusers, "actions",
				     (json_int_t)b->nacts));
	gt_green_book_done(b);
	return 0;
}

int gt_green_book_action(gt_green_book *b, const char *ref, char user[GT_PSEUDO_LEN + 1],
			 char kind[GT_GREEN_KIND_MAX + 1], int32_t *day, uint64_t *index)
{
	uint8_t key[GT_GREEN_REF_BYTES];
	if (!ref || strlen(ref) != GT_GREEN_REF_HEX ||
	    gt_hex_decode(ref, GT_GREEN_REF_BYTES, key) < 0)
		return GT_EINVAL;
	int64_t a = S_act_find(b, key);
	if (a < 0)
		return GT_ENOTFOUND;
	const S_act *x = &b->acts[a];
	memcpy(user, "green:", 6);
	gt_hex_encode(b->users[x->user].key, 32, user + 6);
	snprintf(kind, GT_GREEN_KIND_MAX + 1, "%s", b->kinds[x->kind]);
	*day = x->day;
	*index = x->idx;
	return 0;
}

size_t gt_green_book_collectable(gt_green_book *b, const char *ref, int64_t now_ms, bool collect,
				 int32_t days[8], int64_t grams[8])
{
	uint8_t key[32];
	int64_t u = S_user_bytes(ref, key) ? S_user_find(b, key) : -1;
	int32_t today = gt_green_day(now_ms);
	size_t n = 0;
	for (uint32_t a = u >= 0 ? b->users[u].acts : 0; a; a = b->acts[a - 1].unext) {
		S_act *x = &b->acts[a - 1];
		if (x->collected || x->day < today - 3 || x->day > today - 1)
			continue;
		size_t i = 0;
		while (i < n && days[i] != x->day)
			i++;
		if (i == n) {
			if (n == 8)
				continue;
			/* Ascending by day. */
			while (i > 0 && days[i - 1] > x->day) {
				days[i] = days[i - 1];
				grams[i] = grams[i - 1];
				i--;
			}
			days[i] = x->day;
			grams[i] = 0;
			n++;
		}
		grams[i] += x->grams;
		if (collect)
			x->collected = 1;
	}
	return n;
}

/* ---- action reports ------------------------------------------------------------------------- */

/* An app's id: 1 to 64 of A-Z a-z 0-9 . _ : - */
static bool S_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == ':' || c == '-'))
			return false;
	}
	return true;
}

typedef struct {
	const char *org;
	int32_t today;
	uint64_t index;
	size_t pos;
	json_t *entries; /* the accepted actions, as written */
	int64_t grams;	 /* credited in all */
} S_report;

static json_t *S_refused(const char *id, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static json_t *S_refused(const char *id, const char *code, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:s?, s:s, s:i, s:s, s:s}", "id", id, "status", "refused", "grams", 0,
			 "code", code, "reason", msg);
}

/* One action of a report: its result (accepted ones are in the book and in
 * r->entries); a negative code only for a failure of the store or memory. */
static int S_action(gt_decide *d, gt_green_book *b, S_report *r, const json_t *in, json_t **result,
		    gt_error *err)
{
	static const char *const keys[] = {"id", "user", "kind", "quantity", "day", NULL};
	const char *id = gt_green_opt(in, "id");
	gt_error e = {0};
	if (!json_is_object(in) || gt_json_only(in, keys, &e) < 0) {
		*result = S_refused(json_is_object(in) ? id : NULL, "invalid", "%s",
				    json_is_object(in) ? e.msg : "an action must be an object");
		return 0;
	}
	if (!S_id_valid(id)) {
		*result = S_refused(NULL, "invalid",
				    "id must be 1 to 64 of A-Z, a-z, 0-9, '.', '_', ':' and '-'");
		return 0;
	}
	/* The reference: SHA-256 of the app's organisation, a line feed, its id. */
	uint8_t md[SHA256_DIGEST_LENGTH];
	char buf[GT_ORG_ID_MAX + 80], ref[GT_GREEN_REF_HEX + 1];
	int len = snprintf(buf, sizeof(buf), "%s\n%s", r->org, id);
	SHA256((const unsigned char *)buf, (size_t)len, md);
	gt_hex_encode(md, GT_GREEN_REF_BYTES, ref);
	int64_t dup = S_act_find(b, md);
	if (dup >= 0) {
		*result = S_refused(id, "duplicate",
				    "action %s was already reported by this app (entry %llu)", id,
				    (unsigned long long)b->acts[dup].idx);
		return 0;
	}
	const char *user = gt_green_opt(in, "user");
	if (!gt_green_ref_valid(user)) {
		*result = S_refused(id, "invalid", "user must be a reference \"green:<64 hex>\"");
		return 0;
	}
	const gt_green_rule *rule =
		gt_green_rule_find(b->rules, b->nrules, gt_green_opt(in, "kind"));
	int64_t quantity;
	if (!json_is_string(json_object_get(in, "kind"))) {
		*result = S_refused(id, "invalid", "kind must be a kind of action (a string)");
		return 0;
	}
	if (!rule) {
		*result = S_refused(id, "unknown-kind", "no rule for the kind \"%s\"",
				    gt_green_opt(in, "kind"));
		return 0;
	}
	if (!rule->active) {
		*result =
			S_refused(id, "inactive-kind", "the rule for %s is not active", rule->kind);
		return 0;
	}
	if (gt_json_int(in, "quantity", 1, 1000000000, &quantity, &e) < 0) {
		*result = S_refused(id, "invalid", "%s", e.msg);
		return 0;
	}
	int32_t day = r->today;
	const json_t *dv = json_object_get(in, "day");
	if (dv && !json_is_null(dv) && gt_green_date(in, "day", &day, &e) < 0) {
		*result = S_refused(id, "invalid", "%s", e.msg);
		return 0;
	}
	char dt[11];
	gt_green_day_text(day, dt);
	if (day < r->today - 1) {
		*result = S_refused(id, "too-late",
				    "%s is too late: actions are reported on their day or the next",
				    dt);
		return 0;
	}
	if (day > r->today) {
		*result = S_refused(id, "future", "%s has not begun (UTC+08:00)", dt);
		return 0;
	}
	int64_t u = S_user_of(b, gt_decide_conn(d), user, err);
	if (u < -1)
		return (int)u;
	if (u < 0) {
		*result = S_refused(id, "unknown-user", "no user %s", user);
		return 0;
	}
	int64_t grams = gt_green_rule_grams(rule, quantity);
	if (grams < 1) {
		*result = S_refused(id, "too-small",
				    "%lld %s earn less than 1 g (%lld g per %lld %s)",
				    (long long)quantity, rule->unit, (long long)rule->grams,
				    (long long)rule->per, rule->unit);
		return 0;
	}
	int kind = S_kind(b, rule->kind);
	if (kind < 0)
		return gt_fail(err, GT_ESTATE, "more kinds of actions than the book holds");
	int32_t month = gt_green_month(day);
	S_mon *mon = S_mon_get(b, (uint32_t)u, month, (uint16_t)kind);
	int64_t daily_left = rule->daily_cap - S_day_used(b, (uint32_t)u, day, (uint16_t)kind);
	int64_t monthly_left = rule->monthly_cap - (mon ? mon->grams : 0);
	bool daily = daily_left <= monthly_left;
	int64_t left = daily ? daily_left : monthly_left;
	if (left <= 0) {
		*result = daily ? S_refused(id, "daily-cap",
					    "the daily cap of %lld g for %s on %s is reached",
					    (long long)rule->daily_cap, rule->kind, dt) :
				  S_refused(id, "monthly-cap",
					    "the monthly cap of %lld g for %s in %.7s is reached",
					    (long long)rule->monthly_cap, rule->kind, dt);
		return 0;
	}
	bool capped = grams > left;
	int64_t full = grams;
	if (capped)
		grams = left;
	S_act a = {.day = day,
		   .kind = (uint16_t)kind,
		   .grams = (int32_t)grams,
		   .user = (uint32_t)u,
		   .idx = r->index};
	memcpy(a.ref, md, GT_GREEN_REF_BYTES);
	if (S_act_add(b, &a) < 0 ||
	    S_mon_add(b, (uint32_t)u, month, (uint16_t)kind, (int32_t)grams) < 0)
		return gt_fail(err, GT_ENOMEM, "out of memory");
	json_array_append_new(r->entries,
			      json_pack("{s:s, s:I, s:s, s:I, s:s, s:s}", "day", dt, "grams",
					(json_int_t)grams, "kind", rule->kind, "quantity",
					(json_int_t)quantity, "ref", ref, "user", user));
	r->grams += grams;
	r->pos++;
	if (capped) {
		char reason[200];
		snprintf(reason, sizeof(reason),
			 "%lld of %lld g: the %s cap of %lld g for %s leaves no more",
			 (long long)grams, (long long)full, daily ? "daily" : "monthly",
			 (long long)(daily ? rule->daily_cap : rule->monthly_cap), rule->kind);
		*result = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "id", id, "status", "capped",
				    "grams", (json_int_t)grams, "ref", ref, "code",
				    daily ? "daily-cap" : "monthly-cap", "reason", reason);
	} else {
		*result = json_pack("{s:s, s:s, s:I, s:s}", "id", id, "status", "credited", "grams",
				    (json_int_t)grams, "ref", ref);
	}
	return 0;
}

int gt_green_actions_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	static const char *const keys[] = {"actions", NULL};
	if (!gt_decide_org(d))
		return gt_fail(err, GT_EDENIED, "actions are reported by partner apps");
	int rc = json_is_object(in) ? gt_json_only(in, keys, err) :
				      gt_fail(err, GT_EINVAL, "the body must be an object");
	const json_t *list = json_object_get(in, "actions");
	size_t n = json_array_size(list);
	if (rc == 0 && (!json_is_array(list) || n < 1 || n > GT_GREEN_REPORT_MAX))
		rc = gt_fail(err, GT_EINVAL, "actions must be a list of 1 to %d actions, not %s",
			     GT_GREEN_REPORT_MAX,
			     json_is_array(list) ? (n ? "more" : "none") : "something else");
	for (size_t k = 0; rc == 0 && k < n; k++)
		if (!json_is_object(json_array_get(list, k)))
			rc = gt_fail(err, GT_EINVAL, "actions[%zu] must be an object (an action)",
				     k);
	if (rc < 0)
		return rc;
	gt_green_book *b;
	if ((rc = gt_green_book_write(d, &b, err)) < 0)
		return rc;
	S_report r = {.org = gt_decide_org(d),
		      .today = gt_green_day(gt_decide_now_ms(d)),
		      .index = gt_decide_next_index(d),
		      .entries = json_array()};
	json_t *results = json_array();
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		json_t *res = NULL;
		if ((rc = S_action(d, b, &r, v, &res, err)) < 0)
			break;
		json_array_append_new(results, res);
	}
	uint64_t index = 0;
	if (rc == 0 && r.pos > 0)
		rc = gt_decide_emit(d, "green.actions", json_pack("{s:o}", "actions", r.entries),
				    &index, err);
	else
		json_decref(r.entries);
	if (rc < 0) {
		gt_green_book_drop(b); /* it may hold actions that are not written */
		gt_green_book_done(b);
		json_decref(results);
		return rc;
	}
	gt_green_book_done(b);
	gt_decide_reply(d, json_pack("{s:o, s:I, s:I, s:o}", "index",
				     r.pos ? json_integer((json_int_t)index) : json_null(),
				     "credited", (json_int_t)r.pos, "grams", (json_int_t)r.grams,
				     "results", results));
	return 0;
}

int gt_green_actions_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const json_t *list = json_object_get(e->data, "actions");
	struct {
		int32_t day;
		const char *kind;
		int64_t grams, n;
	} sums[2 * GT_GREEN_KINDS_MAX];
	size_t nsums = 0, i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		int32_t day = gt_green_day_parse(gt_green_opt(v, "day"));
		const char *kind = gt_green_opt(v, "kind");
		int64_t grams = gt_green_int(v, "grams");
		if (day < 0 || !kind)
			return gt_fail(err, GT_ECORRUPT, "entry %llu: action %zu is malformed",
				       (unsigned long long)e->index, i);
		int64_t r =
			gt_store_exec(c, GT_Q_GREEN_ACTION_PUT, err, "iiittiit", (int64_t)day,
				      (int64_t)e->index, (int64_t)i, gt_green_opt(v, "user"), kind,
				      gt_green_int(v, "quantity"), grams, gt_green_opt(v, "ref"));
		if (r < 0)
			return (int)r;
		size_t k = 0;
		while (k < nsums && (sums[k].day != day || strcmp(sums[k].kind, kind) != 0))
			k++;
		if (k == nsums) {
			if (nsums == sizeof(sums) / sizeof(sums[0]))
				return gt_fail(err, GT_ECORRUPT, "entry %llu: too many kinds",
					       (unsigned long long)e->index);
			sums[nsums++] = (typeof(sums[0])){.day = day, .kind = kind};
		}
		sums[k].grams += grams;
		sums[k].n++;
	}
	for (size_t k = 0; k < nsums; k++) {
		int64_t r = gt_store_exec(c, GT_Q_GREEN_DAY_ADD, err, "itii", (int64_t)sums[k].day,
					  sums[k].kind, sums[k].grams, sums[k].n);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

/* ---- collecting ----------------------------------------------------------------------------- */

/* The user's energy not yet appeared (today's): grams, or 0. */
static int64_t S_pending(gt_green_book *b, const char *ref, int32_t today)
{
	uint8_t key[32];
	int64_t u = S_user_bytes(ref, key) ? S_user_find(b, key) : -1;
	int64_t g = 0;
	for (uint32_t a = u >= 0 ? b->users[u].acts : 0; a; a = b->acts[a - 1].unext)
		if (b->acts[a - 1].day == today)
			g += b->acts[a - 1].grams;
	return g;
}

int gt_green_collect_decide(gt_decide *d, const json_t *in, gt_error *err)
{
	char ref[GT_PSEUDO_LEN + 1];
	int rc = gt_green_empty(in, err);
	if (rc == 0)
		rc = gt_green_me(d, ref, err);
	if (rc < 0)
		return rc;
	gt_green_book *b;
	if ((rc = gt_green_book_write(d, &b, err)) < 0)
		return rc;
	int64_t now = gt_decide_now_ms(d);
	int32_t days[8];
	int64_t grams[8], total = 0;
	size_t n = gt_green_book_collectable(b, ref, now, false, days, grams);
	if (n == 0) {
		int32_t today = gt_green_day(now);
		int64_t pending = S_pending(b, ref, today);
		gt_green_book_done(b);
		if (pending) {
			char at[GT_TIME_LEN + 1];
			gt_time_format(gt_green_day_start(today + 1), at);
			return gt_fail(err, GT_ESTATE,
				       "nothing to collect yet: today's %lld g appear at %s",
				       (long long)pending, at);
		}
		return gt_fail(err, GT_ESTATE, "nothing to collect");
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		char t[11];
		gt_green_day_text(days[i], t);
		json_array_append_new(
			list, json_pack("{s:s, s:I}", "day", t, "grams", (json_int_t)grams[i]));
		total += grams[i];
	}
	uint64_t index;
	rc = gt_decide_emit(
		d, "green.collect",
		json_pack("{s:s, s:I, s:O}", "user", ref, "grams", (json_int_t)total, "days", list),
		&index, err);
	if (rc == 0)
		gt_green_book_collectable(b, ref, now, true, days, grams);
	gt_green_book_done(b);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	gt_decide_reply(d, json_pack("{s:I, s:I, s:o}", "index", (json_int_t)index, "grams",
				     (json_int_t)total, "days", list));
	return 0;
}

int gt_green_collect_apply(gt_store_conn *c, const gt_entry *e, gt_error *err)
{
	const char *user = gt_green_opt(e->data, "user");
	const json_t *list = json_object_get(e->data, "days");
	size_t i;
	const json_t *v;
	int64_t r = 0;
	json_array_foreach(list, i, v)
	{
		int32_t day = gt_green_day_parse(gt_green_opt(v, "day"));
		if (day < 0 || !user)
			return gt_fail(err, GT_ECORRUPT, "entry %llu is malformed",
				       (unsigned long long)e->index);
		r = gt_store_exec(c, GT_Q_GREEN_COLLECT_ADD, err, "itii", (int64_t)day, user,
				  gt_green_int(v, "grams"), (int64_t)e->index);
		if (r < 0)
			return (int)r;
	}
	r = gt_store_exec(c, GT_Q_GREEN_USER_ADD, err, "tiii", user, gt_green_int(e->data, "grams"),
			  (int64_t)0, (int64_t)0);
	return r < 0 ? (int)r : 0;
}

/* ---- a user's energy ------------------------------------------------------------------------ */

int gt_green_energy(gt_green_book *b, const char *ref, int64_t now_ms, json_t *out, gt_error *err)
{
	json_t *collectable = json_array(), *pending = json_array(), *actions = json_array();
	if (!collectable || !pending || !actions) {
		json_decref(collectable);
		json_decref(pending);
		json_decref(actions);
		return gt_fail(err, GT_ENOMEM, "out of memory");
	}
	pthread_rwlock_rdlock(&b->lock);
	int32_t today = gt_green_day(now_ms), days[8];
	int64_t grams[8];
	size_t n = gt_green_book_collectable(b, ref, now_ms, false, days, grams);
	char t[11], at[GT_TIME_LEN + 1];
	for (size_t i = 0; i < n; i++) {
		gt_green_day_text(days[i], t);
		gt_time_format(gt_green_day_start(days[i] + 4), at);
		json_array_append_new(collectable, json_pack("{s:s, s:I, s:s}", "day", t, "grams",
							     (json_int_t)grams[i], "expires", at));
	}
	int64_t p = S_pending(b, ref, today);
	if (p) {
		gt_green_day_text(today, t);
		gt_time_format(gt_green_day_start(today + 1), at);
		json_array_append_new(pending, json_pack("{s:s, s:I, s:s}", "day", t, "grams",
							 (json_int_t)p, "appears", at));
	}
	uint8_t key[32];
	int64_t u = S_user_bytes(ref, key) ? S_user_find(b, key) : -1;
	size_t count = 0;
	for (uint32_t a = u >= 0 ? b->users[u].acts : 0; a && count < 200;
	     a = b->acts[a - 1].unext, count++) {
		const S_act *x = &b->acts[a - 1];
		char r[GT_GREEN_REF_HEX + 1];
		gt_hex_encode(x->ref, GT_GREEN_REF_BYTES, r);
		gt_green_day_text(x->day, t);
		const char *state = x->collected	? "collected" :
				    x->day >= today	? "pending" :
				    x->day >= today - 3 ? "collectable" :
							  "expired";
		json_array_append_new(actions, json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "ref", r,
							 "day", t, "kind", b->kinds[x->kind],
							 "grams", (json_int_t)x->grams, "index",
							 (json_int_t)x->idx, "state", state));
	}
	pthread_rwlock_unlock(&b->lock);
	json_object_set_new(out, "collectable", collectable);
	json_object_set_new(out, "pending", pending);
	json_object_set_new(out, "actions", actions);
	return 0;
}
