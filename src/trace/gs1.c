/* GS1 codes: element strings, Digital Link URIs and Chinese drug traceability
 * codes, read and checked against the AI table and GS1's rules for combining
 * AIs (see gs1.h and docs/gs1.md).
 * Positions in messages are 1-based byte offsets in the input as given. */
#include "trace/gs1.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- the AI table ------------------------------------------------------ */

enum {
	S_N,
	S_X
}; /* digits; GS1's 82-character set */
enum {
	S_PLAIN,
	S_KEY,
	S_DATE,
	S_DATETIME
}; /* what else is checked */

typedef struct S_def {
	const char *ai;
	unsigned char min, max; /* value length; min == max for a fixed length */
	unsigned char set;
	unsigned char kind;
	bool predefined; /* in GS1's table of predefined lengths: no separator after it */
	const char *key; /* S_KEY: what the number is called in messages */
} S_def;

static const S_def S_table[] = {
	{"00", 18, 18, S_N, S_KEY, true, "SSCC"},
	{"01", 14, 14, S_N, S_KEY, true, "GTIN"},
	{"02", 14, 14, S_N, S_KEY, true, "GTIN"},
	{"10", 1, 20, S_X, S_PLAIN, false, NULL},
	{"11", 6, 6, S_N, S_DATE, true, NULL},
	{"15", 6, 6, S_N, S_DATE, true, NULL},
	{"17", 6, 6, S_N, S_DATE, true, NULL},
	{"21", 1, 20, S_X, S_PLAIN, false, NULL},
	{"22", 1, 20, S_X, S_PLAIN, false, NULL},
	{"30", 1, 8, S_N, S_PLAIN, false, NULL},
	{"37", 1, 8, S_N, S_PLAIN, false, NULL},
	{"240", 1, 30, S_X, S_PLAIN, false, NULL},
	{"241", 1, 30, S_X, S_PLAIN, false, NULL},
	{"250", 1, 30, S_X, S_PLAIN, false, NULL},
	{"400", 1, 30, S_X, S_PLAIN, false, NULL},
	{"414", 13, 13, S_N, S_KEY, true, "GLN"},
	/* Fixed length, but not in the predefined-length table: a separator
	 * must follow it unless it is last. */
	{"7003", 10, 10, S_N, S_DATETIME, false, NULL},
	{"8004", 1, 30, S_X, S_PLAIN, false, NULL},
	{"8200", 1, 70, S_X, S_PLAIN, false, NULL},
};

#define S_SUPPORTED \
	"00, 01, 02, 10, 11, 15, 17, 21, 22, 30, 37, 240, 241, 250, 400, 414, 7003, 8004 and 8200"

/* Room for a decoded value and its positions: a value is never longer than the input. */
#define S_BUF (GT_GS1_MAX_INPUT + 8)

static const S_def *S_find(const char *ai, size_t n)
{
	for (size_t i = 0; i < sizeof(S_table) / sizeof(S_table[0]); i++)
		if (strlen(S_table[i].ai) == n && memcmp(S_table[i].ai, ai, n) == 0)
			return &S_table[i];
	return NULL;
}

/* The length of the AIs whose first two digits are a and b (GS1 General
 * Specifications, AI lengths by their first two digits). */
static size_t S_ai_len(char a, char b)
{
	int p = (a - '0') * 10 + (b - '0');
	if ((p >= 23 && p <= 25) || (p >= 40 && p <= 42) || p == 71)
		return 3;
	if ((p >= 31 && p <= 36) || p == 39 || p == 43 || p == 70 || p == 72 ||
	    (p >= 80 && p <= 82))
		return 4;
	return 2;
}

static bool S_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool gt_gs1_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!S_digit(s[i]))
			return false;
	return true;
}

/* GS1 AI encodable character set 82: ! " % & ' ( ) * + , - . / 0-9 : ; < = > ?
 * A-Z _ a-z. */
static bool S_cset82(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '?') ||
	       (c >= '%' && c <= '/') || c == '!' || c == '"' || c == '_';
}

static bool S_is_sep(char c)
{
	return c == 0x1d || c == '^';
}

static bool S_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A byte as a message shows it. */
static const char *S_char(unsigned char c, char out[24])
{
	if (c == ' ')
		snprintf(out, 24, "a space");
	else if (c == 0x1d)
		snprintf(out, 24, "GS (0x1D)");
	else if (c > 0x20 && c < 0x7f)
		snprintf(out, 24, "'%c'", c);
	else
		snprintf(out, 24, "byte 0x%02X", c);
	return out;
}

/* A value (printable by then) as a message shows it: quoted, long ones cut. */
static const char *S_show(const char *v, size_t n, char out[48])
{
	if (n <= 40)
		snprintf(out, 48, "\"%.*s\"", (int)n, v);
	else
		snprintf(out, 48, "\"%.*s...\"", 36, v);
	return out;
}

static int S_num(const char *s, size_t n)
{
	int x = 0;
	for (size_t i = 0; i < n; i++)
		x = x * 10 + (s[i] - '0');
	return x;
}

int gt_gs1_check_digit(const char *d, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned x = (unsigned)(d[n - 1 - i] - '0');
		sum += i % 2 == 0 ? 3 * x : x;
	}
	return (int)((10 - sum % 10) % 10);
}

/* ---- dates ------------------------------------------------------------- */

static const char *const S_months[] = {"January",   "February", "March",    "April",
				       "May",	    "June",	"July",	    "August",
				       "September", "October",	"November", "December"};

/* The GS1 century rule (General Specifications 7.12) for the two-digit year yy. */
static int S_year(int yy, int now)
{
	int century = now - now % 100, diff = yy - now % 100;
	if (diff >= 51)
		century -= 100;
	else if (diff <= -50)
		century += 100;
	return century + yy;
}

static int S_mdays(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Whether the six digits YYMMDD name a day (day 00, the month's last day,
 * only when d00). Sets the date, or says in why what is wrong. */
static bool S_ymd(const char *v, int now, bool d00, int *ry, int *rm, int *rd, char why[64])
{
	int yy = S_num(v, 2), m = S_num(v + 2, 2), d = S_num(v + 4, 2);
	if (m < 1 || m > 12) {
		snprintf(why, 64, "month %02d", m);
		return false;
	}
	int y = S_year(yy, now), last = S_mdays(y, m);
	if ((d == 0 && !d00) || d > 31) {
		snprintf(why, 64, "day %02d", d);
		return false;
	}
	if (d > last) {
		snprintf(why, 64, "%s %d has %d days", S_months[m - 1], y, last);
		return false;
	}
	*ry = y;
	*rm = m;
	*rd = d ? d : last;
	return true;
}

/* ---- checking one value ------------------------------------------------ */

/* A value and where its characters are in the input. */
typedef struct S_val {
	const char *v;
	size_t n;
	size_t pos;	    /* 1-based input position of the value */
	const uint16_t *at; /* input position of each character, or NULL for pos + i */
} S_val;

static size_t S_at(const S_val *v, size_t i)
{
	return v->at ? v->at[i] : v->pos + i;
}

typedef struct S_ctx {
	const char *in; /* the whole input as given */
	size_t len;
	int year;
	bool hints; /* on a bad run after an AI that needs a separator, look for where one is
		       missing */
	bool plain; /* reading the separated (not bracketed) form */
	gt_gs1 *g;
	size_t n_read;		   /* element strings read, repeats included */
	size_t at[GT_GS1_MAX_AIS]; /* where each of g->ais was read */
	gt_error *err;
} S_ctx;

/* The index of the first character the AI does not allow, or v->n. */
static size_t S_bad_char(const S_def *d, const S_val *v)
{
	for (size_t i = 0; i < v->n; i++) {
		unsigned char ch = (unsigned char)v->v[i];
		if (d->set == S_N ? !S_digit((char)ch) : !S_cset82(ch))
			return i;
	}
	return v->n;
}

/* Check v against d's rules: not empty, its characters, its length, then a
 * check digit or a date. */
static int S_check(const S_ctx *c, const S_def *d, const S_val *v, gt_error *err)
{
	char a[24], s[48], why[64];
	if (v->n == 0)
		return gt_fail(err, GT_EINVAL, "AI (%s) at position %zu: the value is empty", d->ai,
			       v->pos);
	size_t bad = S_bad_char(d, v);
	if (bad < v->n) {
		size_t at = S_at(v, bad);
		unsigned char ch = (unsigned char)v->v[bad];
		if (d->set == S_N)
			return gt_fail(err, GT_EINVAL, "AI (%s) at position %zu: %s is not a digit",
				       d->ai, at, S_char(ch, a));
		bool plus = ch == ' ' && at >= 1 && at <= c->len && c->in[at - 1] == '+';
		return gt_fail(err, GT_EINVAL,
			       "AI (%s) at position %zu: %s is not in the GS1 character set "
			       "(the 82 characters GS1 allows in values)%s",
			       d->ai, at, S_char(ch, a),
			       plus ? "; '+' in a query is a space, write %2B for '+'" : "");
	}
	const char *unit = d->set == S_N ? "digits" : "characters";
	if (d->min == d->max && v->n != d->min)
		return gt_fail(err, GT_EINVAL,
			       "AI (%s) at position %zu: %s must be exactly %u %s, not %zu", d->ai,
			       v->pos, S_show(v->v, v->n, s), d->min, unit, v->n);
	if (v->n > d->max)
		return gt_fail(
			err, GT_EINVAL,
			"AI (%s) at position %zu: %s is %zu %s long, over the maximum of %u%s",
			d->ai, v->pos, S_show(v->v, v->n, s), v->n, unit, d->max,
			c->plain ? " (is a separator, GS or ^, missing after it?)" : "");
	int y, m, day;
	switch (d->kind) {
	case S_KEY: {
		int want = gt_gs1_check_digit(v->v, v->n - 1);
		if (v->v[v->n - 1] - '0' != want)
			return gt_fail(
				err, GT_EINVAL,
				"AI (%s) at position %zu: check digit of %s %.*s should be %d",
				d->ai, v->pos, d->key, (int)v->n, v->v, want);
		break;
	}
	case S_DATE:
		if (!S_ymd(v->v, c->year, true, &y, &m, &day, why))
			return gt_fail(err, GT_EINVAL,
				       "AI (%s) at position %zu: %s is not a date (%s)", d->ai,
				       v->pos, S_show(v->v, v->n, s), why);
		break;
	case S_DATETIME: {
		int hh = S_num(v->v + 6, 2), mi = S_num(v->v + 8, 2);
		bool ok = S_ymd(v->v, c->year, false, &y, &m, &day, why);
		if (ok && hh > 23) {
			snprintf(why, sizeof(why), "hour %02d", hh);
			ok = false;
		} else if (ok && mi > 59) {
			snprintf(why, sizeof(why), "minute %02d", mi);
			ok = false;
		}
		if (!ok)
			return gt_fail(err, GT_EINVAL,
				       "AI (%s) at position %zu: %s is not a date and time (%s)",
				       d->ai, v->pos, S_show(v->v, v->n, s), why);
		break;
	}
	default:
		break;
	}
	return 0;
}

/* Record a checked element string; a repeat with the same value is dropped. */
static int S_add(S_ctx *c, const S_def *d, const S_val *v, size_t ai_pos)
{
	gt_gs1 *g = c->g;
	char s1[48], s2[48];
	if (c->n_read++ >= GT_GS1_MAX_AIS)
		return gt_fail(c->err, GT_ETOOBIG, "AI (%s) at position %zu: more than %d AIs",
			       d->ai, ai_pos, GT_GS1_MAX_AIS);
	for (size_t i = 0; i < g->n_ais; i++) {
		if (strcmp(g->ais[i].ai, d->ai) != 0)
			continue;
		if (strlen(g->ais[i].value) == v->n && memcmp(g->ais[i].value, v->v, v->n) == 0)
			return 0;
		return gt_fail(c->err, GT_EINVAL,
			       "AI (%s) at position %zu: repeated with another value (%s, after %s "
			       "at position %zu)",
			       d->ai, ai_pos, S_show(v->v, v->n, s1),
			       S_show(g->ais[i].value, strlen(g->ais[i].value), s2), c->at[i]);
	}
	gt_gs1_ai *a = &g->ais[g->n_ais];
	memcpy(a->ai, d->ai, strlen(d->ai) + 1);
	memcpy(a->value, v->v, v->n);
	a->value[v->n] = 0;
	c->at[g->n_ais++] = ai_pos;
	return 0;
}

static int S_unknown(S_ctx *c, const char *ai, size_t n, size_t pos)
{
	return gt_fail(
		c->err, GT_EINVAL,
		"AI (%.*s) at position %zu is not supported (goodtrace reads AIs " S_SUPPORTED ")",
		(int)n, ai, pos);
}

/* ---- the separated form: GS or ^ between element strings --------------- */

static int S_run(const char *in, size_t len, int year, bool hints, bool pairs, gt_gs1 *g,
		 gt_error *err);

/* One pass of S_hint below, with or without the rules for combining AIs. */
static bool S_hint_at(S_ctx *c, const S_def *d, size_t ai_pos, size_t vstart, size_t n, bool pairs)
{
	size_t lo = d->min, hi = d->min == d->max ? d->max : (n - 1 < d->max ? n - 1 : d->max);
	if (n < 2 || hi >= n || lo > hi)
		return false;
	char buf[S_BUF];
	gt_gs1 tmp;
	for (size_t i = hi; i >= lo; i--) {
		S_val pv = {c->in + vstart, i, vstart + 1, NULL};
		size_t cut = vstart + i;
		if (S_check(c, d, &pv, NULL) == 0 && cut + 2 <= c->len && S_digit(c->in[cut]) &&
		    S_digit(c->in[cut + 1])) {
			memcpy(buf, c->in, cut);
			buf[cut] = '^';
			memcpy(buf + cut + 1, c->in + cut, c->len - cut);
			if (S_run(buf, c->len + 1, c->year, false, pairs, &tmp, NULL) == 0) {
				size_t al = S_ai_len(c->in[cut], c->in[cut + 1]);
				gt_fail(c->err, GT_EINVAL,
					"AI (%s) at position %zu is %s and must be followed by a "
					"separator (GS or ^) before AI (%.*s) at position %zu",
					d->ai, ai_pos,
					d->min == d->max ? "not of predefined length" :
							   "variable-length",
					(int)al, c->in + cut, cut + 1);
				return true;
			}
		}
		if (i == lo)
			break;
	}
	return false;
}

/* After a run at in[vstart..vstart+n) that does not fit AI d (which needs a
 * separator), try each place a separator could be missing, longest value
 * first: the first place where the whole input then parses is named. Places
 * where it parses and also keeps the rules for combining AIs are tried
 * first; failing those, places where it parses apart from those rules (the
 * missing separator is named, the broken rule comes once it is added). */
static bool S_hint(S_ctx *c, const S_def *d, size_t ai_pos, size_t vstart, size_t n)
{
	for (int pairs = 1; pairs >= 0; pairs--)
		if (S_hint_at(c, d, ai_pos, vstart, n, pairs))
			return true;
	return false;
}

/* in[p..end): element strings with GS or ^ separators (an FNC1 first is allowed). */
static int S_parse_plain(S_ctx *c, size_t p, size_t end)
{
	const char *in = c->in;
	char a[24];
	c->plain = true;
	if (p < end && S_is_sep(in[p]))
		p++;
	if (p >= end)
		return gt_fail(c->err, GT_EINVAL, "position %zu: no element strings", p + 1);
	while (p < end) {
		size_t ai_pos = p + 1;
		if (S_is_sep(in[p]))
			return gt_fail(c->err, GT_EINVAL, "position %zu: two separators in a row",
				       ai_pos);
		if (end - p < 2 || !S_digit(in[p]) || !S_digit(in[p + 1])) {
			size_t bad = S_digit(in[p]) ? p + 1 : p;
			if (bad >= end)
				return gt_fail(c->err, GT_EINVAL,
					       "position %zu: the input ends inside an AI", ai_pos);
			return gt_fail(c->err, GT_EINVAL,
				       "position %zu: expected an AI (2 to 4 digits), found %s",
				       bad + 1, S_char((unsigned char)in[bad], a));
		}
		size_t al = S_ai_len(in[p], in[p + 1]);
		for (size_t i = 2; i < al; i++) {
			if (p + i >= end)
				return gt_fail(
					c->err, GT_EINVAL,
					"position %zu: the input ends inside an AI of %zu digits",
					ai_pos, al);
			if (!S_digit(in[p + i]))
				return gt_fail(
					c->err, GT_EINVAL,
					"position %zu: %s where an AI of %zu digits starting "
					"%.2s needs a digit",
					p + i + 1, S_char((unsigned char)in[p + i], a), al, in + p);
		}
		const S_def *d = S_find(in + p, al);
		if (!d)
			return S_unknown(c, in + p, al, ai_pos);
		size_t vs = p + al, ve = vs;
		while (ve < end && !S_is_sep(in[ve]) && (!d->predefined || ve - vs < d->max))
			ve++;
		S_val v = {in + vs, ve - vs, vs + 1, NULL};
		int rc = S_check(c, d, &v, c->err);
		if (rc < 0) {
			if (!d->predefined && c->hints && (v.n > d->max || S_bad_char(d, &v) < v.n))
				S_hint(c, d, ai_pos, vs, v.n);
			return rc;
		}
		rc = S_add(c, d, &v, ai_pos);
		if (rc < 0)
			return rc;
		p = ve;
		if (p < end && S_is_sep(in[p])) {
			if (++p == end)
				return gt_fail(
					c->err, GT_EINVAL,
					"position %zu: a separator ends the data (it must be "
					"followed by an AI)",
					p);
		}
	}
	return 0;
}

/* ---- the bracketed form: (01)09506000134352(10)ABC --------------------- */

static int S_parse_bracketed(S_ctx *c, size_t p, size_t end)
{
	const char *in = c->in;
	char dec[S_BUF], a[24];
	uint16_t at[S_BUF];
	while (p < end) {
		if (in[p] != '(')
			return gt_fail(c->err, GT_EINVAL,
				       "position %zu: expected '(' starting an AI, found %s", p + 1,
				       S_char((unsigned char)in[p], a));
		size_t ai_pos = p + 1, q = p + 1;
		while (q < end && S_digit(in[q]) && q - p <= 5)
			q++;
		size_t al = q - p - 1;
		if (q >= end || in[q] != ')' || al < 2 || al > 4)
			return gt_fail(c->err, GT_EINVAL,
				       "position %zu: expected an AI of 2 to 4 digits in brackets, "
				       "such as (01)",
				       ai_pos);
		const S_def *d = S_find(in + p + 1, al);
		if (!d)
			return S_unknown(c, in + p + 1, al, ai_pos);
		size_t v = q + 1, n = 0;
		while (v < end && in[v] == ' ')
			v++;
		size_t vpos = v + 1;
		while (v < end && in[v] != '(') {
			at[n] = (uint16_t)(v + 1);
			if (in[v] == '\\' && v + 1 < end && in[v + 1] == '(') {
				dec[n++] = '(';
				v += 2;
			} else {
				dec[n++] = in[v++];
			}
		}
		while (n > 0 && dec[n - 1] == ' ')
			n--;
		S_val val = {dec, n, vpos, at};
		int rc = S_check(c, d, &val, c->err);
		if (rc == 0)
			rc = S_add(c, d, &val, ai_pos);
		if (rc < 0)
			return rc;
		p = v;
	}
	return 0;
}

/* ---- GS1 Digital Link URIs --------------------------------------------- */

static bool S_is_uri(const char *s, size_t n)
{
	return (n >= 7 && strncasecmp(s, "http://", 7) == 0) ||
	       (n >= 8 && strncasecmp(s, "https://", 8) == 0);
}

static int S_hex(char ch)
{
	if (S_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Percent-decode in[p..e) into dec (and the position of each character into
 * at); in a query, '+' is a space. */
static int S_pct(S_ctx *c, size_t p, size_t e, bool query, char *dec, uint16_t *at, size_t *ret_n)
{
	size_t n = 0;
	while (p < e) {
		at[n] = (uint16_t)(p + 1);
		char ch = c->in[p];
		if (ch == '%') {
			int hi = p + 2 < e ? S_hex(c->in[p + 1]) : -1;
			int lo = p + 2 < e ? S_hex(c->in[p + 2]) : -1;
			if (hi < 0 || lo < 0)
				return gt_fail(
					c->err, GT_EINVAL,
					"position %zu: '%%' must be followed by two hex digits",
					p + 1);
			dec[n++] = (char)(hi * 16 + lo);
			p += 3;
			continue;
		}
		dec[n++] = query && ch == '+' ? ' ' : ch;
		p++;
	}
	*ret_n = n;
	return 0;
}

static bool S_is_pkey(const S_def *d)
{
	return strcmp(d->ai, "00") == 0 || strcmp(d->ai, "01") == 0 || strcmp(d->ai, "414") == 0 ||
	       strcmp(d->ai, "8004") == 0;
}

/* The rank of a key qualifier of AI 01 in the order 22, 10, 21; 0 if none. */
static int S_qual_rank(const S_def *d)
{
	if (strcmp(d->ai, "22") == 0)
		return 1;
	if (strcmp(d->ai, "10") == 0)
		return 2;
	if (strcmp(d->ai, "21") == 0)
		return 3;
	return 0;
}

/* Decode and check one value of a Digital Link (a path element or a query
 * value) and record it. A GTIN of 8, 12 or 13 digits is padded to 14. */
static int S_dl_value(S_ctx *c, const S_def *d, size_t ai_pos, size_t p, size_t e, bool query)
{
	char dec[S_BUF];
	uint16_t at[S_BUF];
	size_t n = 0;
	int rc = S_pct(c, p, e, query, dec, at, &n);
	if (rc < 0)
		return rc;
	if (strcmp(d->ai, "01") == 0 && n > 0 && n != 14 && gt_gs1_digits(dec, n)) {
		char s[48];
		if (n != 8 && n != 12 && n != 13)
			return gt_fail(
				c->err, GT_EINVAL,
				"AI (01) at position %zu: %s must be a GTIN of 8, 12, 13 or 14 "
				"digits, not %zu",
				p + 1, S_show(dec, n, s), n);
		size_t pad = 14 - n;
		memmove(dec + pad, dec, n);
		memmove(at + pad, at, n * sizeof(at[0]));
		for (size_t i = 0; i < pad; i++) {
			dec[i] = '0';
			at[i] = (uint16_t)(p + 1);
		}
		n = 14;
	}
	S_val v = {dec, n, p + 1, at};
	rc = S_check(c, d, &v, c->err);
	if (rc == 0)
		rc = S_add(c, d, &v, ai_pos);
	return rc;
}

/* The query in[p..e): AIs as key=value, other parameters ignored. */
static int S_dl_query(S_ctx *c, const S_def *key, size_t p, size_t e)
{
	const char *in = c->in;
	while (p < e) {
		size_t b = p;
		while (b < e && in[b] != '&')
			b++;
		size_t eq = p;
		while (eq < b && in[eq] != '=')
			eq++;
		if (eq > p && gt_gs1_digits(in + p, eq - p)) {
			const S_def *d = eq - p <= 4 ? S_find(in + p, eq - p) : NULL;
			if (!d)
				return S_unknown(c, in + p, eq - p, p + 1);
			if (eq == b)
				return gt_fail(c->err, GT_EINVAL,
					       "AI (%s) at position %zu in the query has no value "
					       "(expected %s=...)",
					       d->ai, p + 1, d->ai);
			if (S_is_pkey(d))
				return gt_fail(
					c->err, GT_EINVAL,
					"AI (%s) at position %zu is a primary key and belongs in "
					"the path, not in the query",
					d->ai, p + 1);
			if (strcmp(key->ai, "01") == 0 && S_qual_rank(d))
				return gt_fail(
					c->err, GT_EINVAL,
					"AI (%s) at position %zu is a key qualifier of AI (01) "
					"and belongs in the path (/01/.../%s/...), not in the "
					"query",
					d->ai, p + 1, d->ai);
			int rc = S_dl_value(c, d, p + 1, eq + 1, b, true);
			if (rc < 0)
				return rc;
		}
		p = b < e ? b + 1 : b;
	}
	return 0;
}

/* in[p..end): http(s)://host[/prefix]/<key AI>/<value>[/<qualifier>/<value>...][?query][#fragment]
 */
static int S_parse_dl(S_ctx *c, size_t p, size_t end)
{
	const char *in = c->in;
	char a[24];
	for (size_t i = p; i < end; i++)
		if ((unsigned char)in[i] <= 0x20 || (unsigned char)in[i] >= 0x7f)
			return gt_fail(c->err, GT_EINVAL,
				       "position %zu: %s is not allowed in a URI", i + 1,
				       S_char((unsigned char)in[i], a));
	size_t h = p + (in[p + 4] == ':' ? 7 : 8), he = h;
	while (he < end && in[he] != '/' && in[he] != '?' && in[he] != '#')
		he++;
	if (he == h)
		return gt_fail(c->err, GT_EINVAL, "position %zu: the URI has no host", h + 1);
	for (size_t i = h; i < he; i++) {
		char ch = in[i];
		if (!(S_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      ch == '-' || ch == '.' || ch == ':' || ch == '[' || ch == ']'))
			return gt_fail(c->err, GT_EINVAL,
				       "position %zu: %s is not allowed in a host name", i + 1,
				       S_char((unsigned char)ch, a));
	}
	size_t pe = he;
	while (pe < end && in[pe] != '?' && in[pe] != '#')
		pe++;
	size_t qs = pe < end && in[pe] == '?' ? pe + 1 : pe, qe = qs;
	while (qe < end && in[qe] != '#')
		qe++;
	if (pe - he > 1 && in[pe - 1] == '/')
		return gt_fail(c->err, GT_EINVAL,
			       "position %zu: the path ends with '/' (a Digital Link path ends "
			       "with a value)",
			       pe);

	/* The path's segments; each starts after a '/'. */
	static const char no_key[] = "the path has no primary key: a Digital Link path holds "
				     "/01/<GTIN> (or /00/<SSCC>, /414/<GLN>, /8004/<GIAI>)";
	uint16_t ss[S_BUF], se[S_BUF]; /* 0-based start and end of each */
	size_t ns = 0;
	for (size_t i = he; i < pe; i++) {
		if (in[i] != '/')
			continue;
		size_t j = i + 1;
		while (j < pe && in[j] != '/')
			j++;
		ss[ns] = (uint16_t)(i + 1);
		se[ns++] = (uint16_t)j;
	}
	/* Walk back in /AI/value pairs from the end to the primary key; what
	 * comes before it is the host's own path. */
	long key = -1, unknown = -1;
	for (long k = (long)ns - 2; k >= 0; k -= 2) {
		size_t sl = se[k] - ss[k];
		if (sl < 2 || sl > 4 || !gt_gs1_digits(in + ss[k], sl))
			break;
		const S_def *d = S_find(in + ss[k], sl);
		if (!d) {
			unknown = k;
			break;
		}
		if (S_is_pkey(d)) {
			key = k;
			break;
		}
	}
	if (key < 0 && unknown >= 0) {
		/* An unsupported AI, or not a Digital Link: is a key further left? */
		for (long k = unknown - 2; k >= 0; k -= 2) {
			size_t sl = se[k] - ss[k];
			const S_def *d = S_find(in + ss[k], sl);
			if (d && S_is_pkey(d))
				return S_unknown(c, in + ss[unknown], se[unknown] - ss[unknown],
						 (size_t)ss[unknown] + 1);
		}
	}
	if (key < 0)
		return gt_fail(c->err, GT_EINVAL, "position %zu: %s", (size_t)he + 1, no_key);

	const S_def *kd = S_find(in + ss[key], se[key] - ss[key]);
	int rank = 0;
	const S_def *prev = NULL;
	for (size_t k = (size_t)key; k + 1 < ns; k += 2) {
		const S_def *d = S_find(in + ss[k], se[k] - ss[k]);
		size_t ai_pos = (size_t)ss[k] + 1;
		if (k > (size_t)key) {
			int r = strcmp(kd->ai, "01") == 0 ? S_qual_rank(d) : 0;
			if (r == 0 && strcmp(kd->ai, "01") == 0)
				return gt_fail(
					c->err, GT_EINVAL,
					"AI (%s) at position %zu is not a key qualifier of AI "
					"(01): only 22, 10 and 21 may follow it in the path; "
					"data attributes go in the query (?%s=...)",
					d->ai, ai_pos, d->ai);
			if (r == 0)
				return gt_fail(
					c->err, GT_EINVAL,
					"AI (%s) at position %zu cannot follow AI (%s) in the "
					"path; data attributes go in the query (?%s=...)",
					d->ai, ai_pos, kd->ai, d->ai);
			if (r <= rank)
				return gt_fail(
					c->err, GT_EINVAL,
					"AI (%s) at position %zu comes after AI (%s): the key "
					"qualifiers of AI (01) must come in the order 22, 10, 21, "
					"each at most once",
					d->ai, ai_pos, prev->ai);
			rank = r;
			prev = d;
		}
		int rc = S_dl_value(c, d, ai_pos, ss[k + 1], se[k + 1], false);
		if (rc < 0)
			return rc;
	}
	return S_dl_query(c, kd, qs, qe);
}

/* ---- rules for combining AIs ------------------------------------------ */

/* GS1 General Specifications 4.14, in the compact form of the GS1 Barcode
 * Syntax Dictionary ("req=" and "ex="), reduced to the AIs read here. The
 * AIs left out (03, 235, 255, 8006, 8026) are refused as unsupported
 * wherever they appear, so leaving them out accepts and refuses exactly the
 * codes the full rules would. docs/gs1.md has the table. */

/* ai needs one of any[] (NULL-terminated); when an AI has several rows, each
 * must hold. The comment is the Syntax Dictionary's rule in full. */
static const struct {
	const char *ai;
	const char *any[3];
} S_req[] = {
	{"02", {"37", NULL}},	      /* req=37 */
	{"10", {"01", "02", NULL}},   /* req=01,02,03,8006,8026 */
	{"11", {"01", "02", NULL}},   /* req=01,02,03,8006,8026 */
	{"15", {"01", "02", NULL}},   /* req=01,02,03,8006,8026 */
	{"17", {"01", "02", NULL}},   /* req=01,02,03,255,8006,8026 */
	{"21", {"01", NULL}},	      /* req=01,03,8006 */
	{"22", {"01", NULL}},	      /* req=01 */
	{"240", {"01", "02", NULL}},  /* req=01,02,8006,8026 */
	{"241", {"01", "02", NULL}},  /* req=01,02,8006,8026 */
	{"250", {"01", NULL}},	      /* req=01,8006 */
	{"250", {"21", NULL}},	      /* req=21 */
	{"30", {"01", "02", NULL}},   /* req=01,02 */
	{"37", {"00", NULL}},	      /* req=00 */
	{"37", {"02", NULL}},	      /* req=02,8026 */
	{"7003", {"01", "02", NULL}}, /* req=01,02 */
	{"8200", {"01", NULL}},	      /* req=01 */
};

/* Invalid pairs: 01 ex=255,37 and 02 ex=01,03 (older releases: 01 ex=02,255,37). */
static const char *const S_ex[][2] = {{"01", "02"}, {"01", "37"}};

/* The index in g->ais of ai, or -1. */
static long S_index(const gt_gs1 *g, const char *ai)
{
	for (size_t i = 0; i < g->n_ais; i++)
		if (strcmp(g->ais[i].ai, ai) == 0)
			return (long)i;
	return -1;
}

/* Check the AIs read against the invalid pairs, then against the mandatory
 * associations, each in input order; the first broken rule is reported. */
static int S_pairs(S_ctx *c)
{
	const gt_gs1 *g = c->g;
	for (size_t i = 0; i < g->n_ais; i++) {
		const char *ai = g->ais[i].ai;
		for (size_t k = 0; k < sizeof(S_ex) / sizeof(S_ex[0]); k++) {
			const char *other = NULL;
			if (strcmp(S_ex[k][0], ai) == 0)
				other = S_ex[k][1];
			else if (strcmp(S_ex[k][1], ai) == 0)
				other = S_ex[k][0];
			long j = other ? S_index(g, other) : -1;
			if (j >= 0 && (size_t)j < i)
				return gt_fail(c->err, GT_EINVAL,
					       "AI (%s) at position %zu and AI (%s) at position "
					       "%zu cannot appear together",
					       other, c->at[j], ai, c->at[i]);
		}
	}
	for (size_t i = 0; i < g->n_ais; i++) {
		const char *ai = g->ais[i].ai;
		char need[128] = "";
		size_t n = 0;
		for (size_t k = 0; k < sizeof(S_req) / sizeof(S_req[0]); k++) {
			if (strcmp(S_req[k].ai, ai) != 0)
				continue;
			bool met = false;
			for (size_t a = 0; S_req[k].any[a] && !met; a++)
				met = S_index(g, S_req[k].any[a]) >= 0;
			if (met)
				continue;
			for (size_t a = 0; S_req[k].any[a]; a++) {
				const char *sep = a > 0 ? " or " : n > 0 ? " and " : "";
				n += (size_t)snprintf(need + n, sizeof(need) - n, "%sAI (%s)", sep,
						      S_req[k].any[a]);
			}
		}
		if (n > 0)
			return gt_fail(c->err, GT_EINVAL, "AI (%s) at position %zu requires %s", ai,
				       c->at[i], need);
	}
	return 0;
}

/* ---- the whole input --------------------------------------------------- */

static void S_cn(gt_gs1 *g, const char *d)
{
	g->format = GT_GS1_CN_DRUG_CODE;
	memcpy(g->cn_product_code, d, 7);
	memcpy(g->serial, d + 7, 9);
	memcpy(g->cn_check_code, d + 16, 4);
}

/* The fields derived from the AIs. */
static void S_derive(S_ctx *c)
{
	gt_gs1 *g = c->g;
	for (size_t i = 0; i < g->n_ais; i++) {
		const gt_gs1_ai *a = &g->ais[i];
		int y, m, d;
		char why[64];
		if (strcmp(a->ai, "01") == 0)
			snprintf(g->gtin, sizeof(g->gtin), "%s", a->value);
		else if (strcmp(a->ai, "10") == 0)
			snprintf(g->lot, sizeof(g->lot), "%s", a->value);
		else if (strcmp(a->ai, "21") == 0)
			snprintf(g->serial, sizeof(g->serial), "%s", a->value);
		else if (strcmp(a->ai, "17") == 0 &&
			 S_ymd(a->value, c->year, true, &y, &m, &d, why))
			snprintf(g->expiry, sizeof(g->expiry), "%04d-%02d-%02d", y, m, d);
	}
}

/* Prefix err's message with what the input is not (a Chinese drug code). */
static void S_not_cn(gt_error *err, const char *what)
{
	if (!err)
		return;
	char old[sizeof(err->msg)];
	memcpy(old, err->msg, sizeof(old));
	int k = snprintf(err->msg, sizeof(err->msg), "%s; as a GS1 element string: ", what);
	if (k < 0 || (size_t)k >= sizeof(err->msg))
		return;
	size_t room = sizeof(err->msg) - (size_t)k - 1, n = strnlen(old, room);
	memcpy(err->msg + k, old, n);
	err->msg[(size_t)k + n] = 0;
}

/* Parse in[0..len) (no size limit here) into *g; with pairs, the AIs read
 * must also keep the rules for combining AIs (S_pairs). */
static int S_run(const char *in, size_t len, int year, bool hints, bool pairs, gt_gs1 *g,
		 gt_error *err)
{
	S_ctx c = {.in = in, .len = len, .year = year, .hints = hints, .g = g, .err = err};
	memset(g, 0, sizeof(*g));
	g->format = GT_GS1_ELEMENT_STRING;
	size_t p = 0, end = len;
	while (p < end && S_is_space(in[p]))
		p++;
	while (end > p && S_is_space(in[end - 1]))
		end--;
	if (p == end)
		return gt_fail(err, GT_EINVAL, "the code is empty");
	int rc;
	if (in[p] == ']') {
		char id[3] = {0};
		memcpy(id, in + p + 1, end - p >= 3 ? 2 : end - p - 1);
		bool gs1 = !strcmp(id, "C1") || !strcmp(id, "e0") || !strcmp(id, "d2") ||
			   !strcmp(id, "Q3");
		bool other = !strcmp(id, "C0") || !strcmp(id, "d1") || !strcmp(id, "Q1");
		if (end - p < 3 || (!gs1 && !other)) {
			char a[24], b[24];
			return gt_fail(err, GT_EINVAL,
				       "position %zu: unknown AIM symbology identifier "
				       "(GS1 data starts ]C1, ]e0, ]d2 or ]Q3; found ']' %s %s)",
				       p + 1,
				       end - p >= 2 ? S_char((unsigned char)in[p + 1], a) : "",
				       end - p >= 3 ? S_char((unsigned char)in[p + 2], b) : "");
		}
		size_t q = p + 3;
		if (gs1) {
			rc = S_parse_plain(&c, q, end);
		} else if (S_is_uri(in + q, end - q)) {
			g->format = GT_GS1_DIGITAL_LINK;
			rc = S_parse_dl(&c, q, end);
		} else if (end - q == 20 && gt_gs1_digits(in + q, 20)) {
			S_cn(g, in + q);
			return 0;
		} else {
			return gt_fail(err, GT_EINVAL,
				       "position %zu: ]%s marks data that is not GS1 element "
				       "strings: expected a GS1 Digital Link URI or a 20-digit "
				       "Chinese drug traceability code after it",
				       p + 1, id);
		}
	} else if (S_is_uri(in + p, end - p)) {
		g->format = GT_GS1_DIGITAL_LINK;
		rc = S_parse_dl(&c, p, end);
	} else if (in[p] == '(') {
		rc = S_parse_bracketed(&c, p, end);
	} else if (end - p == 20 && gt_gs1_digits(in + p, 20)) {
		/* 20 bare digits: an element string only if it starts with a
		 * key that carries a check digit (00, 01, 02, 414) and all of it
		 * is valid; otherwise a Chinese drug traceability code. */
		if (!strncmp(in + p, "00", 2) || !strncmp(in + p, "01", 2) ||
		    !strncmp(in + p, "02", 2) || !strncmp(in + p, "414", 3)) {
			c.err = NULL;
			c.hints = false;
			if (S_parse_plain(&c, p, end) == 0 && (!pairs || S_pairs(&c) == 0)) {
				S_derive(&c);
				return 0;
			}
			memset(g, 0, sizeof(*g));
		}
		S_cn(g, in + p);
		return 0;
	} else {
		rc = S_parse_plain(&c, p, end);
		/* Failing at its first AI, a near miss of a Chinese code is named as one. */
		if (rc < 0 && hints && c.n_read == 0 && S_digit(in[p])) {
			char what[128];
			size_t n = end - p, nd = 0;
			while (nd < n && S_digit(in[p + nd]))
				nd++;
			if (nd == n && (n == 19 || n == 21)) {
				snprintf(
					what, sizeof(what),
					"not a Chinese drug traceability code (%zu digits, not 20)",
					n);
				S_not_cn(err, what);
			} else if (n == 20 && !memchr(in + p, '^', n) && !memchr(in + p, 0x1d, n)) {
				char a[24];
				snprintf(
					what, sizeof(what),
					"position %zu: %s is not a digit, so this is not a Chinese "
					"drug traceability code (20 digits)",
					p + nd + 1, S_char((unsigned char)in[p + nd], a));
				S_not_cn(err, what);
			}
		}
	}
	if (rc < 0)
		return rc;
	if (g->n_ais == 0)
		return gt_fail(err, GT_EINVAL, "the code holds no AI");
	if (pairs && (rc = S_pairs(&c)) < 0)
		return rc;
	S_derive(&c);
	return 0;
}

int gt_gs1_parse(const char *code, size_t len, int current_year, gt_gs1 *out, gt_error *err)
{
	if (!code && len)
		return gt_fail(err, GT_EINVAL, "no code");
	if (current_year < 1000 || current_year > 9899)
		return gt_fail(err, GT_EINVAL, "the current year %d is out of range (1000 to 9899)",
			       current_year);
	if (len > GT_GS1_MAX_INPUT)
		return gt_fail(err, GT_ETOOBIG, "the code is %zu bytes long, over the limit of %d",
			       len, GT_GS1_MAX_INPUT);
	gt_gs1 g;
	int rc = S_run(code ? code : "", len, current_year, true, true, &g, err);
	if (rc == 0)
		*out = g;
	return rc;
}

/* ---- output ------------------------------------------------------------ */

const char *gt_gs1_format_name(gt_gs1_format f)
{
	switch (f) {
	case GT_GS1_ELEMENT_STRING:
		return "element_string";
	case GT_GS1_DIGITAL_LINK:
		return "digital_link";
	case GT_GS1_CN_DRUG_CODE:
		return "cn_drug_code";
	}
	return "unknown";
}

/* Set o[key] to the string s unless s is empty; -1 when out of memory. */
/* key and s, unless s is empty. */
static void S_put(gt_jw *w, const char *key, const char *s)
{
	if (*s)
		gt_jw_kstr(w, key, s);
}

void gt_gs1_write(const gt_gs1 *g, gt_jw *w)
{
	gt_jw_obj(w);
	gt_jw_key(w, "ais");
	gt_jw_arr(w);
	for (size_t i = 0; i < g->n_ais; i++) {
		gt_jw_obj(w);
		gt_jw_kstr(w, "ai", g->ais[i].ai);
		gt_jw_kstr(w, "value", g->ais[i].value);
		gt_jw_end(w, '}');
	}
	gt_jw_end(w, ']');
	S_put(w, "cn_product_code", g->cn_product_code);
	S_put(w, "expiry", g->expiry);
	S_put(w, "format", gt_gs1_format_name(g->format));
	S_put(w, "gtin", g->gtin);
	S_put(w, "lot", g->lot);
	S_put(w, "serial", g->serial);
	gt_jw_end(w, '}');
}

int gt_gs1_bracketed(const gt_gs1 *g, gt_buf *out)
{
	for (size_t i = 0; i < g->n_ais; i++) {
		if (gt_buf_addf(out, "(%s)", g->ais[i].ai) < 0)
			return GT_ENOMEM;
		for (const char *v = g->ais[i].value; *v; v++)
			if ((*v == '(' && gt_buf_add(out, "\\", 1) < 0) ||
			    gt_buf_add(out, v, 1) < 0)
				return GT_ENOMEM;
	}
	return 0;
}

bool gt_gs1_cset82(const char *s)
{
	for (; *s; s++)
		if (!S_cset82((unsigned char)*s))
			return false;
	return true;
}
