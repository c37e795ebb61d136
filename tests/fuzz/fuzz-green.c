/* libFuzzer target: the green module's readers of untrusted text. The first
 * byte, modulo 4, says what the rest is:
 *
 *   0  a day "YYYY-MM-DD" (gt_green_day_parse): accepted exactly when it is
 *      a real date of the years 1970 to 9999, as the very day a plain count
 *      of days gives; it prints back to the very same text and its day
 *      starts where it should (also for a day taken from the bytes);
 *   1  user references and lists of hashes (gt_green_ref_valid on the text
 *      and on every string of a JSON list; gt_green_hashes on the JSON):
 *      accepted exactly as docs/green.md says, and a list accepted holds
 *      only 64 lower-case hex digits;
 *   2  a partner app's action report, the JSON body of POST
 *      /api/v1/green/actions, decided for real by a ledger with the auth and
 *      green modules over a log and a store in a temporary directory, at a
 *      fixed time (10:00 on 2027-01-30 in China);
 *   3  a JSON list of 1 to 8 such bodies, reported one after the other by
 *      the same app for the same users, where the string "restart" stops
 *      the ledger and opens it again (the energy book is then loaded from
 *      the store); anything else is one body as with 2.
 *
 * Each input comes from an app of its own for users of its own, so that it
 * is decided as on a fresh programme whatever came before and a crashing
 * input reproduces alone: in a report, the user "green:" followed by 63
 * zeros and a digit k from 0 to 3 is the input's k-th user; any other
 * reference is nobody's. Besides the default rules there are "tram" (a
 * monthly cap reached in two days), "ferry" (inactive) and "solar" (big
 * numbers, floor division).
 *
 * A report is checked against a plain model of docs/green.md: the command
 * fails (GT_EINVAL or GT_ETOOBIG, nothing written) exactly when the body is
 * not {"actions": [1 to 256 objects]}; otherwise there is one result per
 * action, each credited, capped or refused; an action is refused exactly
 * when something is wrong with it (with one of the codes that say what) or
 * a cap is reached, and otherwise earns floor(quantity * grams / per) up to
 * what the caps leave; refused ones have 0 g and a code, "grams" is the sum
 * of the results', "credited" the number credited or capped, and the log
 * grew by the one entry "green.actions" holding exactly those actions when
 * credited > 0 and by nothing otherwise; a duplicate names the entry of the
 * first report of its id. The energy book then shows each user's energy per
 * kind and day as the model says (also after a restart), never over a cap.
 *
 * The temporary directory ($TMPDIR or /tmp) is removed at exit; it is made
 * again every S_WORLD_RUNS inputs so that a long run stays small. */
#include "auth/auth.h"
#include "core/json.h"
#include "core/time.h"
#include "green/green_int.h"
#include "ledger/ledger.h"
#include "log/log.h"
#include "store/store.h"

#include <ftw.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define S_NOW_MS 1801274400000LL /* 2027-01-30T02:00:00Z: 10:00 on 2027-01-30 in China */
#define S_USERS 4		 /* per report */
#define S_POOL 128		 /* apps (and their users) made at a time */
#define S_WORLD_RUNS 2000	 /* reports before the directory is made again */
#define S_LAST_DAY 2932896	 /* 9999-12-31 */

static const char S_placeholder[] =
	"green:000000000000000000000000000000000000000000000000000000000000000";

/* ---- a plain model of days ------------------------------------------------------------- */

static bool S_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int S_month_days(int64_t y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && S_leap(y) ? 29 : n[m - 1];
}

/* Leap years in [1, y]. */
static int64_t S_leaps(int64_t y)
{
	return y / 4 - y / 100 + y / 400;
}

/* Days since 1970-01-01 of a date of 1970-9999 "YYYY-MM-DD", or -1. */
static int32_t S_date(const char *s)
{
	if (!s || strlen(s) != 10)
		return -1;
	int v[3] = {0, 0, 0}, f = 0;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
			f++;
		} else if (s[i] >= '0' && s[i] <= '9') {
			v[f] = v[f] * 10 + (s[i] - '0');
		} else {
			return -1;
		}
	}
	int64_t y = v[0];
	int m = v[1], d = v[2];
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > S_month_days(y, m))
		return -1;
	int64_t n = 365 * (y - 1970) + S_leaps(y - 1) - S_leaps(1969);
	for (int k = 1; k < m; k++)
		n += S_month_days(y, k);
	return (int32_t)(n + d - 1);
}

/* The month of a day ("YYYY-MM" as a number). */
static int32_t S_month_of(int32_t day)
{
	char t[11];
	gt_green_day_text(day, t);
	if (S_date(t) != day)
		abort();
	return atoi(t) * 12 + atoi(t + 5);
}

static void S_check_day(const uint8_t *data, size_t size)
{
	char s[64];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	memcpy(s, data, n);
	s[n] = 0;
	int32_t d = gt_green_day_parse(s), want = S_date(s);
	if (d != want)
		abort(); /* accepted exactly when a date, as that day */
	if (d >= 0) {
		char back[11];
		gt_green_day_text(d, back);
		if (strcmp(back, s) != 0)
			abort(); /* one text per day */
		int64_t start = gt_green_day_start(d);
		if (gt_green_day(start) != d || gt_green_day(start - 1) != d - 1 ||
		    start != (int64_t)d * 86400000LL - 8 * 3600000LL)
			abort(); /* the day starts at 00:00 in UTC+08:00 */
	}
	/* Any day of 1970-9999 prints as a date that reads back as itself. */
	if (size >= 4) {
		uint32_t x;
		memcpy(&x, data, 4);
		int32_t day = (int32_t)(x % (S_LAST_DAY + 1));
		char t[11];
		gt_green_day_text(day, t);
		if (S_date(t) != day || gt_green_day_parse(t) != day)
			abort();
	}
}

/* ---- references and hashes --------------------------------------------------------------- */

static bool S_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* "green:<64 lower hex>" */
static bool S_ref_ok(const char *s)
{
	return s && strlen(s) == 70 && memcmp(s, "green:", 6) == 0 && S_lower_hex(s + 6, 64);
}

static void S_check_ref(const char *s)
{
	if (gt_green_ref_valid(s) != S_ref_ok(s))
		abort();
}

static void S_check_refs(uint8_t b, const char *s, size_t len)
{
	S_check_ref(s);
	json_t *v = NULL;
	static const gt_json_limits lim = {
		.max_bytes = 1 << 20, .max_depth = 16, .max_string = 4096, .max_items = 1000};
	if (gt_json_parse(s, len, &lim, &v, NULL, NULL) < 0)
		return;
	size_t max = 1 + (b >> 2) % 24, i;
	json_t *item;
	bool ok = json_is_array(v) && json_array_size(v) >= 1 && json_array_size(v) <= max;
	json_array_foreach(v, i, item)
	{
		const char *h = json_string_value(item);
		S_check_ref(h);
		if (!h || strlen(h) != 64) {
			ok = false;
			continue;
		}
		for (size_t k = 0; k < 64; k++)
			if (!strchr("0123456789abcdefABCDEF", h[k]))
				ok = false;
	}
	json_t *in = json_pack("{s:O}", "photos", v), *ret = NULL;
	gt_error err = {0};
	int rc = gt_green_hashes(in, "photos", max, &ret, &err);
	if ((rc == 0) != ok || (rc < 0 && (rc != GT_EINVAL || ret || !err.msg[0])))
		abort(); /* accepted exactly when 1 to max hashes, else a clear refusal */
	if (rc == 0) {
		if (!json_is_array(ret) || json_array_size(ret) != json_array_size(v))
			abort();
		json_array_foreach(ret, i, item)
		{
			const char *h = json_string_value(item),
				   *o = json_string_value(json_array_get(v, i));
			if (!h || strlen(h) != 64 || !S_lower_hex(h, 64) || strcasecmp(h, o) != 0)
				abort(); /* the same hash, in lower case */
		}
	}
	json_decref(ret);
	json_decref(in);
	json_decref(v);
}

/* ---- the world: a log, a store and a ledger in a temporary directory --------------------- */

typedef struct {
	char root[4096];
	char pub[4096 + 16], state[4096 + 16], db[4096 + 16];
	gt_signer *signer;
	gt_log *log;
	gt_store *store;
	gt_ledger *ledger;
	gt_ledger_options lopt;
	uint8_t secret[GT_PSEUDO_KEY_LEN];
	gt_green_rule rules[GT_GREEN_KINDS_MAX];
	size_t nrules;
	/* Apps and users made ahead, S_POOL at a time; the next unused one. */
	char orgs[S_POOL][GT_ORG_ID_MAX + 1];
	char users[S_POOL][S_USERS][GT_PSEUDO_LEN + 1];
	size_t next;
	unsigned serial, runs;
} S_world;

static S_world S_w;
static bool S_up;

static int S_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void S_world_free(void)
{
	if (!S_up)
		return;
	gt_ledger_free(S_w.ledger);
	gt_store_free(S_w.store);
	gt_log_free(S_w.log);
	gt_signer_free(S_w.signer);
	nftw(S_w.root, S_rm, 16, FTW_DEPTH | FTW_PHYS);
	S_up = false;
}

static void S_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void S_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz-green: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (S_up) /* the ledger is idle: the directory goes, the crash stays */
		nftw(S_w.root, S_rm, 16, FTW_DEPTH | FTW_PHYS);
	abort();
}

static int64_t S_clock(void *arg)
{
	(void)arg;
	return S_NOW_MS;
}

static const gt_module *const S_modules[] = {&gt_auth_module, &gt_green_module};

/* Commands submitted together and waited for (one batch, one sync). */
typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t left;
	int code;
	char msg[600];
} S_bulk;

typedef struct {
	S_bulk *b;
	char *ref; /* the reply's "ref" goes here (a user), or NULL */
} S_slot;

static void S_bulk_done(void *arg, const gt_ledger_result *res)
{
	S_slot *s = arg;
	S_bulk *b = s->b;
	pthread_mutex_lock(&b->mu);
	const char *ref = json_string_value(json_object_get(res->reply, "ref"));
	if (res->code < 0 && !b->code) {
		b->code = res->code;
		snprintf(b->msg, sizeof(b->msg), "%s", res->msg);
	} else if (s->ref && !b->code) {
		if (S_ref_ok(ref)) {
			memcpy(s->ref, ref, 71);
		} else {
			b->code = GT_EINVAL;
			snprintf(b->msg, sizeof(b->msg), "a user without a reference");
		}
	}
	if (--b->left == 0)
		pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

/* Make S_POOL apps and S_USERS users for each. */
static void S_refill(void)
{
	static S_slot slots[S_POOL * (1 + S_USERS)];
	S_bulk b = {.left = 0};
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.cv, NULL);
	size_t n = 0;
	pthread_mutex_lock(&b.mu);
	for (size_t i = 0; i < S_POOL; i++) {
		snprintf(S_w.orgs[i], sizeof(S_w.orgs[i]), "app-%u", S_w.serial++);
		json_t *org = json_pack("{s:s, s:s, s:[s]}", "id", S_w.orgs[i], "name",
					"A partner app", "roles", "app");
		slots[n] = (S_slot){.b = &b};
		b.left++;
		if (gt_ledger_submit(S_w.ledger, "auth.org", NULL, "admin", org, S_bulk_done,
				     &slots[n++]) < 0)
			S_die("cannot submit auth.org");
		for (size_t k = 0; k < S_USERS; k++) {
			slots[n] = (S_slot){.b = &b, .ref = S_w.users[i][k]};
			b.left++;
			if (gt_ledger_submit(S_w.ledger, "green.user.register", NULL, NULL,
					     json_object(), S_bulk_done, &slots[n++]) < 0)
				S_die("cannot submit green.user.register");
		}
	}
	while (b.left)
		pthread_cond_wait(&b.cv, &b.mu);
	pthread_mutex_unlock(&b.mu);
	if (b.code)
		S_die("making apps and users: %d %s", b.code, b.msg);
	pthread_mutex_destroy(&b.mu);
	pthread_cond_destroy(&b.cv);
	S_w.next = 0;
}

static void S_call(const char *type, const char *org, const char *role, const char *text)
{
	gt_ledger_result res;
	json_t *in = json_loads(text, 0, NULL);
	if (!in || gt_ledger_call(S_w.ledger, type, org, role, in, &res) < 0)
		S_die("%s %s: %s", type, text, in ? res.msg : "bad JSON");
	json_decref(res.reply);
}

static void S_world_init(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(S_w.root, sizeof(S_w.root), "%s/gt-fuzz-green-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(S_w.root))
		S_die("cannot make a directory in %s", tmp && *tmp ? tmp : "/tmp");
	S_up = true;
	snprintf(S_w.pub, sizeof(S_w.pub), "%s/public", S_w.root);
	snprintf(S_w.state, sizeof(S_w.state), "%s/state", S_w.root);
	snprintf(S_w.db, sizeof(S_w.db), "%s/store.db", S_w.root);
	for (int i = 0; i < GT_PSEUDO_KEY_LEN; i++)
		S_w.secret[i] = (uint8_t)(0xa0 + i);
	gt_error err = {0};
	if (gt_signer_generate("example.com/goodtrace-fuzz-green", &S_w.signer, &err) < 0)
		S_die("signer: %s", err.msg);
	gt_log_options lo = {.public_dir = S_w.pub, .state_dir = S_w.state, .signer = S_w.signer};
	if (gt_log_create(&lo, &err) < 0 || gt_log_open(&lo, &S_w.log, &err) < 0)
		S_die("log: %s", err.msg);
	gt_store_options so = {.path = S_w.db};
	if (gt_store_open(&so, &S_w.store, &err) < 0)
		S_die("store: %s", err.msg);
	S_w.lopt = (gt_ledger_options){.log = S_w.log,
				       .store = S_w.store,
				       .secret = S_w.secret,
				       .modules = S_modules,
				       .nmodules = sizeof(S_modules) / sizeof(S_modules[0]),
				       .clock = S_clock};
	if (gt_ledger_open(&S_w.lopt, &S_w.ledger, &err) < 0)
		S_die("ledger: %s", err.msg);
	S_call("green.rule", NULL, "admin",
	       "{\"kind\":\"tram\",\"unit\":\"rides\",\"grams\":50,\"per\":1,\"daily_cap\":100,"
	       "\"monthly_cap\":150}");
	S_call("green.rule", NULL, "admin",
	       "{\"kind\":\"ferry\",\"unit\":\"rides\",\"grams\":30,\"per\":1,\"daily_cap\":90,"
	       "\"monthly_cap\":90,\"active\":false}");
	S_call("green.rule", NULL, "admin",
	       "{\"kind\":\"solar\",\"unit\":\"kWh\",\"grams\":100000,\"per\":7,"
	       "\"daily_cap\":10000000,\"monthly_cap\":10000000}");
	gt_store_conn *c;
	if (gt_store_reader(S_w.store, &c, &err) < 0 ||
	    gt_green_rules_load(c, S_w.rules, &S_w.nrules, &err) < 0)
		S_die("rules: %s", err.msg);
	gt_store_reader_done(c);
	static const char *const mine[] = {"ferry", "solar", "tram"};
	for (size_t i = 0; i < 3; i++)
		if (!gt_green_rule_find(S_w.rules, S_w.nrules, mine[i]))
			S_die("the rule for %s is not in the table", mine[i]);
	S_w.runs = 0;
	S_refill();
}

/* ---- action reports ------------------------------------------------------------------------ */

enum {
	S_F_INVALID = 1 << 0,
	S_F_DUPLICATE = 1 << 1,
	S_F_UNKNOWN_USER = 1 << 2,
	S_F_UNKNOWN_KIND = 1 << 3,
	S_F_INACTIVE = 1 << 4,
	S_F_TOO_LATE = 1 << 5,
	S_F_FUTURE = 1 << 6,
	S_F_TOO_SMALL = 1 << 7,
	S_F_DAILY = 1 << 8,
	S_F_MONTHLY = 1 << 9,
};

static const struct {
	unsigned bit;
	const char *code;
} S_codes[] = {
	{S_F_INVALID, "invalid"},
	{S_F_DUPLICATE, "duplicate"},
	{S_F_UNKNOWN_USER, "unknown-user"},
	{S_F_UNKNOWN_KIND, "unknown-kind"},
	{S_F_INACTIVE, "inactive-kind"},
	{S_F_TOO_LATE, "too-late"},
	{S_F_FUTURE, "future"},
	{S_F_TOO_SMALL, "too-small"},
	{S_F_DAILY, "daily-cap"},
	{S_F_MONTHLY, "monthly-cap"},
};

static unsigned S_code_bit(const char *code)
{
	for (size_t i = 0; code && i < sizeof(S_codes) / sizeof(S_codes[0]); i++)
		if (strcmp(S_codes[i].code, code) == 0)
			return S_codes[i].bit;
	return 0;
}

/* What the model makes of one action of the input (before the users are
 * put in). */
typedef struct {
	unsigned fails;		/* S_F_* bits other than duplicates and caps */
	const char *id;		/* a valid id, else NULL */
	const char *in_id;	/* the input's "id" when a string */
	int user;		/* 0 to S_USERS - 1, or -1 */
	int rule;		/* in S_w.rules, or -1 */
	int32_t day;		/* when valid */
	int64_t quantity, full; /* when valid: what the rule gives */
} S_model;

static bool S_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-",
			    s[i]))
			return false;
	return true;
}

static void S_model_of(const json_t *v, int32_t today, S_model *m)
{
	memset(m, 0, sizeof(*m));
	m->user = m->rule = -1;
	if (!json_is_object(v)) {
		m->fails = S_F_INVALID;
		return;
	}
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
	{
		if (strcmp(k, "id") && strcmp(k, "user") && strcmp(k, "kind") &&
		    strcmp(k, "quantity") && strcmp(k, "day"))
			m->fails |= S_F_INVALID;
	}
	m->in_id = json_string_value(json_object_get(v, "id"));
	if (S_id_ok(m->in_id))
		m->id = m->in_id;
	else
		m->fails |= S_F_INVALID;
	const char *user = json_string_value(json_object_get(v, "user"));
	if (!S_ref_ok(user))
		m->fails |= S_F_INVALID;
	else if (memcmp(user, S_placeholder, 69) == 0 && user[69] >= '0' &&
		 user[69] < '0' + S_USERS)
		m->user = user[69] - '0';
	else
		m->fails |= S_F_UNKNOWN_USER;
	const char *kind = json_string_value(json_object_get(v, "kind"));
	if (!kind) {
		m->fails |= S_F_INVALID;
	} else {
		for (size_t i = 0; i < S_w.nrules; i++)
			if (strcmp(S_w.rules[i].kind, kind) == 0)
				m->rule = (int)i;
		if (m->rule < 0)
			m->fails |= S_F_UNKNOWN_KIND;
		else if (!S_w.rules[m->rule].active)
			m->fails |= S_F_INACTIVE;
	}
	const json_t *q = json_object_get(v, "quantity");
	if (json_is_integer(q) && json_integer_value(q) >= 1 && json_integer_value(q) <= 1000000000)
		m->quantity = json_integer_value(q);
	else
		m->fails |= S_F_INVALID;
	const json_t *d = json_object_get(v, "day");
	m->day = !d || json_is_null(d) ? today : S_date(json_string_value(d));
	if (m->day < 0)
		m->fails |= S_F_INVALID;
	else if (m->day < today - 1)
		m->fails |= S_F_TOO_LATE;
	else if (m->day > today)
		m->fails |= S_F_FUTURE;
	if (m->rule >= 0 && m->quantity) {
		const gt_green_rule *r = &S_w.rules[m->rule];
		m->full = m->quantity * r->grams / r->per;
		if (m->full < 1)
			m->fails |= S_F_TOO_SMALL;
	}
}

/* The report's context, for the messages. */
static const char *S_text_in, *S_text_out;
static size_t S_step;

#define S_FAIL(...)                                                                            \
	S_die("%s\n  report %zu of the input: %.4000s\n  answer: %.8000s", S_fmt(__VA_ARGS__), \
	      S_step, S_text_in ? S_text_in : "(none)", S_text_out ? S_text_out : "(none)")

static const char *S_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *S_fmt(const char *fmt, ...)
{
	static char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* An app and its users over the reports of one input, as the model has
 * them: each user's energy per rule and day (yesterday, today), their
 * actions, and the ids accepted with their entries. */
typedef struct {
	const char *org;
	char (*users)[GT_PSEUDO_LEN + 1];
	int64_t grams[S_USERS][GT_GREEN_KINDS_MAX][2];
	size_t acts[S_USERS];
	json_t *seen;
} S_sums;

static int64_t S_month_sum(const S_sums *s, int u, int rule, int32_t day, int32_t today)
{
	int64_t g = 0;
	for (int k = 0; k < 2; k++)
		if (S_month_of(today - 1 + k) == S_month_of(day))
			g += s->grams[u][rule][k];
	return g;
}

/* The entry the report wrote: exactly the accepted actions. */
static void S_check_entry(uint64_t index, const char *org, json_t *accepted)
{
	if (index >= gt_log_size(S_w.log))
		return; /* sequenced, not yet published: not readable yet */
	gt_buf raw = GT_BUF_INIT;
	gt_error err = {0};
	json_t *root = NULL;
	gt_entry e;
	if (gt_log_entry(S_w.log, index, &raw, &err) < 0 ||
	    gt_entry_parse(raw.data, raw.len, index, &root, &e, &err) < 0)
		S_FAIL("entry %" PRIu64 ": %s", index, err.msg);
	char by[GT_ORG_ID_MAX + 8];
	snprintf(by, sizeof(by), "org:%s", org);
	const json_t *list = json_object_get(e.data, "actions");
	if (strcmp(e.type, "green.actions") != 0 || strcmp(e.by, by) != 0 ||
	    json_object_size(e.data) != 1 || !json_equal(list, accepted))
		S_FAIL("entry %" PRIu64 " is not the accepted actions: %s", index, raw.data);
	json_decref(root);
	gt_buf_done(&raw);
}

/* The book shows each user's energy as the model has it. */
static void S_check_book(const S_sums *s, int32_t today)
{
	gt_green_book *b = gt_green_book_of(S_w.ledger);
	if (!b)
		S_FAIL("no energy book");
	for (int u = 0; u < S_USERS; u++) {
		json_t *out = json_object();
		gt_error err = {0};
		if (gt_green_energy(b, s->users[u], S_NOW_MS, out, &err) < 0)
			S_FAIL("energy of user %d: %s", u, err.msg);
		int64_t day_total[2] = {0, 0}, listed[GT_GREEN_KINDS_MAX][2];
		memset(listed, 0, sizeof(listed));
		for (size_t r = 0; r < S_w.nrules; r++)
			for (int k = 0; k < 2; k++) {
				day_total[k] += s->grams[u][r][k];
				if (s->grams[u][r][k] > S_w.rules[r].daily_cap)
					S_FAIL("the model is over a cap");
			}
		const json_t *c = json_object_get(out, "collectable"),
			     *p = json_object_get(out, "pending");
		char t[11];
		for (int k = 0; k < 2; k++) {
			const json_t *list = k ? p : c;
			gt_green_day_text(today - 1 + k, t);
			const json_t *one = json_array_get(list, 0);
			bool ok = day_total[k] ? json_array_size(list) == 1 &&
							 json_integer_value(json_object_get(
								 one, "grams")) == day_total[k] &&
							 S_date(json_string_value(json_object_get(
								 one, "day"))) == today - 1 + k :
						 json_array_size(list) == 0;
			if (!ok) {
				char *o = json_dumps(out, JSON_COMPACT);
				S_FAIL("user %d has %" PRId64 " g %s on %s, the book says %s", u,
				       day_total[k], k ? "pending" : "collectable", t, o);
			}
		}
		/* Per kind and day, from the actions the book lists (at most 200). */
		size_t i;
		const json_t *a;
		const json_t *acts = json_object_get(out, "actions");
		json_array_foreach(acts, i, a)
		{
			int32_t day = S_date(json_string_value(json_object_get(a, "day")));
			const char *kind = json_string_value(json_object_get(a, "kind"));
			int r = -1;
			for (size_t q = 0; kind && q < S_w.nrules; q++)
				if (strcmp(S_w.rules[q].kind, kind) == 0)
					r = (int)q;
			if (r < 0 || day < today - 1 || day > today)
				S_FAIL("user %d: an action the model does not have", u);
			listed[r][day - today + 1] +=
				json_integer_value(json_object_get(a, "grams"));
		}
		if (json_array_size(acts) != (s->acts[u] < 200 ? s->acts[u] : 200))
			S_FAIL("user %d has %zu actions, the book lists %zu", u, s->acts[u],
			       json_array_size(acts));
		for (size_t r = 0; r < S_w.nrules; r++)
			for (int k = 0; k < 2; k++)
				if (listed[r][k] > S_w.rules[r].daily_cap ||
				    (s->acts[u] <= 200 && listed[r][k] != s->grams[u][r][k]))
					S_FAIL("user %d, %s, day %d: %" PRId64
					       " g in the book, %" PRId64
					       " g in the model (daily cap %" PRId64 ")",
					       u, S_w.rules[r].kind, k, listed[r][k],
					       s->grams[u][r][k], S_w.rules[r].daily_cap);
		json_decref(out);
	}
}

/* One report (the input's users are put in it) by s's app, checked. */
static void S_report(S_sums *s, json_t *in)
{
	const char *org = s->org;
	char(*users)[GT_PSEUDO_LEN + 1] = s->users;
	int32_t today = gt_green_day(S_NOW_MS);

	/* The model of each action, then the report's users put in. */
	const json_t *list = json_object_get(in, "actions");
	size_t n = json_array_size(list), i;
	bool valid = json_is_object(in) && json_object_size(in) == 1 && json_is_array(list) &&
		     n >= 1 && n <= GT_GREEN_REPORT_MAX;
	for (i = 0; i < n; i++)
		valid = valid && json_is_object(json_array_get(list, i));
	S_model *m = calloc(n ? n : 1, sizeof(*m));
	if (!m)
		abort();
	json_t *v;
	json_array_foreach(list, i, v)
	{
		S_model_of(v, today, &m[i]);
		if (m[i].user >= 0)
			json_object_set_new(v, "user", json_string(users[m[i].user]));
	}
	S_text_in = json_dumps(in, JSON_COMPACT | JSON_ENCODE_ANY);
	S_text_out = NULL;

	uint64_t before = gt_log_sequenced(S_w.log);
	gt_ledger_result res;
	int rc = gt_ledger_call(S_w.ledger, "green.actions", org, "app", json_incref(in), &res);
	uint64_t after = gt_log_sequenced(S_w.log);
	S_text_out = res.reply ? json_dumps(res.reply, JSON_COMPACT) : strdup(res.msg);

	if (rc < 0) {
		if (valid || (rc != GT_EINVAL && rc != GT_ETOOBIG) || !res.msg[0])
			S_FAIL("the report failed: %d %s", rc, res.msg);
		if (after != before || res.count)
			S_FAIL("a failed report wrote %" PRIu64 " entries", after - before);
		goto out;
	}
	if (!valid)
		S_FAIL("a report that is not {\"actions\": [1 to %d objects]} was taken",
		       GT_GREEN_REPORT_MAX);
	const json_t *results = json_object_get(res.reply, "results");
	if (!json_is_object(res.reply) || !json_is_array(results) || json_array_size(results) != n)
		S_FAIL("not one result per action");

	/* Each result against the model, in order. */
	json_t *accepted = json_array();
	int64_t grams = 0, credited = 0;
	const json_t *r;
	json_array_foreach(results, i, r)
	{
		const S_model *a = &m[i];
		const char *status = json_string_value(json_object_get(r, "status"));
		const char *code = json_string_value(json_object_get(r, "code"));
		const char *rid = json_string_value(json_object_get(r, "id"));
		const json_t *gv = json_object_get(r, "grams");
		int64_t g = json_integer_value(gv);
		if (!status || !json_is_integer(gv))
			S_FAIL("result %zu has no status or grams", i);
		if (rid ? !a->in_id || strcmp(rid, a->in_id) != 0 :
			  json_object_get(r, "id") && !json_is_null(json_object_get(r, "id")))
			S_FAIL("result %zu has another id", i);
		if (a->id && !rid)
			S_FAIL("result %zu lost its id", i);
		unsigned fails = a->fails;
		const json_t *dup = a->id ? json_object_get(s->seen, a->id) : NULL;
		if (dup)
			fails |= S_F_DUPLICATE;
		int64_t dleft = 0, mleft = 0, left = 0;
		int dk = (int)(a->day - today + 1);
		if (!fails) {
			const gt_green_rule *rule = &S_w.rules[a->rule];
			dleft = rule->daily_cap - s->grams[a->user][a->rule][dk];
			mleft = rule->monthly_cap - S_month_sum(s, a->user, a->rule, a->day, today);
			left = dleft < mleft ? dleft : mleft;
			if (dleft <= 0)
				fails |= S_F_DAILY;
			if (mleft <= 0)
				fails |= S_F_MONTHLY;
		}
		grams += g;
		if (strcmp(status, "refused") == 0) {
			const char *reason = json_string_value(json_object_get(r, "reason"));
			if (g != 0 || !reason || !reason[0] || json_object_get(r, "ref"))
				S_FAIL("result %zu: refused with grams, a reference or no reason",
				       i);
			if (!(S_code_bit(code) & fails))
				S_FAIL("result %zu refused as \"%s\": the model says 0x%x", i,
				       code ? code : "(none)", fails);
			char entry[40];
			snprintf(entry, sizeof(entry), "(entry %" JSON_INTEGER_FORMAT ")",
				 json_integer_value(dup));
			if (S_code_bit(code) == S_F_DUPLICATE && !strstr(reason, entry))
				S_FAIL("result %zu: a duplicate that does not name %s", i, entry);
			continue;
		}
		bool capped = strcmp(status, "capped") == 0;
		if (!capped && strcmp(status, "credited") != 0)
			S_FAIL("result %zu has the status \"%s\"", i, status);
		if (fails)
			S_FAIL("result %zu was %s: the model refuses it (0x%x)", i, status, fails);
		int64_t want = a->full < left ? a->full : left;
		if (g != want || capped != (want < a->full))
			S_FAIL("result %zu: %s %" PRId64 " g, the model %" PRId64 " g of %" PRId64
			       " (daily %" PRId64 " left, monthly %" PRId64 ")",
			       i, status, g, want, a->full, dleft, mleft);
		if (capped) {
			unsigned bit = S_code_bit(code);
			if (!((bit == S_F_DAILY && dleft == g) ||
			      (bit == S_F_MONTHLY && mleft == g)) ||
			    !json_string_value(json_object_get(r, "reason")))
				S_FAIL("result %zu: capped by \"%s\"", i, code ? code : "(none)");
		} else if (code) {
			S_FAIL("result %zu: credited with a code", i);
		}
		/* Its reference: SHA-256 of the app, a line feed and its id. */
		uint8_t md[SHA256_DIGEST_LENGTH];
		char buf[GT_ORG_ID_MAX + 80], ref[25], day[11];
		int blen = snprintf(buf, sizeof(buf), "%s\n%s", org, a->id);
		SHA256((const unsigned char *)buf, (size_t)blen, md);
		for (int k = 0; k < 12; k++)
			snprintf(ref + 2 * k, 3, "%02x", md[k]);
		const char *rref = json_string_value(json_object_get(r, "ref"));
		if (!rref || strcmp(rref, ref) != 0)
			S_FAIL("result %zu has the reference %s, not %s", i, rref ? rref : "(none)",
			       ref);
		gt_green_day_text(a->day, day);
		json_array_append_new(accepted, json_pack("{s:s, s:I, s:s, s:I, s:s, s:s}", "day",
							  day, "grams", (json_int_t)g, "kind",
							  S_w.rules[a->rule].kind, "quantity",
							  (json_int_t)a->quantity, "ref", ref,
							  "user", users[a->user]));
		json_object_set_new(s->seen, a->id, json_integer((json_int_t)before));
		s->grams[a->user][a->rule][dk] += g;
		s->acts[a->user]++;
		credited++;
	}
	const json_t *idx = json_object_get(res.reply, "index");
	if (json_integer_value(json_object_get(res.reply, "grams")) != grams ||
	    !json_is_integer(json_object_get(res.reply, "grams")))
		S_FAIL("\"grams\" is not the sum of the results' (%" PRId64 ")", grams);
	if (json_integer_value(json_object_get(res.reply, "credited")) != credited ||
	    !json_is_integer(json_object_get(res.reply, "credited")))
		S_FAIL("\"credited\" is not the number credited or capped (%" PRId64 ")", credited);
	if (credited) {
		if (after != before + 1 || res.count != 1 || res.first != before ||
		    !json_is_integer(idx) || (uint64_t)json_integer_value(idx) != before)
			S_FAIL("%" PRId64 " credited: the log grew by %" PRIu64
			       " entries, the answer's index is not the entry's",
			       credited, after - before);
		S_check_entry(before, org, accepted);
	} else if (after != before || res.count || !json_is_null(idx)) {
		S_FAIL("nothing credited: the log grew by %" PRIu64 " entries, index not null",
		       after - before);
	}
	S_check_book(s, today);
	json_decref(accepted);
out:
	json_decref(res.reply);
	free((char *)S_text_in);
	free((char *)S_text_out);
	S_text_in = S_text_out = NULL;
	free(m);
}

/* The ledger stopped and opened again on the same log and store: the book,
 * loaded from the store, holds what the model has. */
static void S_restart(S_sums *s)
{
	gt_ledger_free(S_w.ledger);
	S_w.ledger = NULL;
	gt_error err = {0};
	gt_ledger_result res;
	if (gt_ledger_open(&S_w.lopt, &S_w.ledger, &err) < 0)
		S_die("ledger: %s", err.msg);
	if (gt_ledger_call(S_w.ledger, "green.load", NULL, NULL, json_object(), &res) < 0)
		S_die("green.load: %s", res.msg);
	json_decref(res.reply);
	S_text_in = "(a restart)";
	S_check_book(s, gt_green_day(S_NOW_MS));
	S_text_in = NULL;
}

/* An input of reports: one body, or (chain) a list of up to 8 bodies by
 * the same app for the same users, where "restart" restarts the ledger. */
static void S_reports(const char *text, size_t len, bool chain)
{
	static const gt_json_limits lim = {
		.max_bytes = 1 << 20, .max_depth = 16, .max_string = 4096, .max_items = 1000};
	json_t *in = NULL;
	if (gt_json_parse(text, len, &lim, &in, NULL, NULL) < 0)
		return;
	if (!S_up || S_w.runs >= S_WORLD_RUNS) {
		S_world_free();
		S_world_init();
	}
	if (S_w.next == S_POOL)
		S_refill();
	S_w.runs++;
	S_sums *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->org = S_w.orgs[S_w.next];
	s->users = S_w.users[S_w.next];
	s->seen = json_object();
	S_w.next++;
	size_t n = json_array_size(in), i;
	json_t *v;
	if (chain && n >= 1 && n <= 8) {
		json_array_foreach(in, i, v)
		{
			S_step = i;
			if (json_is_string(v) && strcmp(json_string_value(v), "restart") == 0)
				S_restart(s);
			else
				S_report(s, v);
		}
	} else {
		S_step = 0;
		S_report(s, in);
	}
	json_decref(s->seen);
	free(s);
	json_decref(in);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* libcrypto's own exit handler would clean it up before ours stops the
	 * ledger, whose integrator still signs a checkpoint: it is told not
	 * to (before anything else starts it). */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
	atexit(S_world_free);
	/* Leaks are found at exit, when the ledgers are stopped and their
	 * directories gone (LeakSanitizer's check then runs after ours), not
	 * after each input: there the ledger's threads are alive and
	 * LeakSanitizer now and then (once in some 80,000 inputs) takes what
	 * they hold for a leak (libcrypto's error state of the writer thread,
	 * a block of SQLite's), which does not reproduce; the check at exit
	 * finds nothing then. An explicit -detect_leaks=1 still turns them on. */
	static char off[] = "-detect_leaks=0";
	static char **args;
	args = calloc((size_t)*argc + 2, sizeof(*args));
	if (!args)
		return 0;
	args[0] = (*argv)[0];
	args[1] = off;
	for (int i = 1; i < *argc; i++)
		args[i + 1] = (*argv)[i];
	*argv = args;
	(*argc)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	switch (data[0] % 4) {
	case 0:
		S_check_day(data + 1, size - 1);
		break;
	case 1:
		S_check_refs(data[0], s, size - 1);
		break;
	default:
		S_reports(s, size - 1, data[0] % 4 == 3);
	}
	free(s);
	return 0;
}
