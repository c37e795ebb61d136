/* EPCIS identifiers and CBV vocabulary in one form (see epc.h and
 * docs/epcis.md): EPC URNs and GS1 Digital Link URIs become canonical Digital
 * Links on id.gs1.org, CBV terms become bare words, other URIs stay as given. */
#include "trace/epc.h"

#include "trace/gs1.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define S_BASE "https://id.gs1.org"
#define S_BIG (GT_EPC_MAX + 8) /* room for any part of an input, decoded */

/* ---- small helpers ----------------------------------------------------- */

static bool S_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool S_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int S_hex(char c)
{
	if (S_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whether s[0..n) starts with the literal lit, ignoring ASCII case. */
static bool S_starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && strncasecmp(s, lit, k) == 0;
}

/* s[0..n) quoted for a message, long ones cut. */
static const char *S_show(const char *s, size_t n, char out[72])
{
	if (n <= 60)
		snprintf(out, 72, "\"%.*s\"", (int)n, s);
	else
		snprintf(out, 72, "\"%.*s...\"", 56, s);
	return out;
}

/* A byte as a message shows it. */
static const char *S_char(unsigned char c, char out[16])
{
	if (c > 0x20 && c < 0x7f)
		snprintf(out, 16, "'%c'", c);
	else if (c == ' ')
		snprintf(out, 16, "a space");
	else
		snprintf(out, 16, "byte 0x%02X", c);
	return out;
}

/* GS1's AI encodable character set 82. */
static bool S_cset82(unsigned char c)
{
	return S_alpha((char)c) || (c >= '0' && c <= '?') || (c >= '%' && c <= '/') || c == '!' ||
	       c == '"' || c == '_';
}

/* GS1's character set 39 (component/part identifiers): 0-9 A-Z # - / */
static bool S_cset39(unsigned char c)
{
	return S_digit((char)c) || (c >= 'A' && c <= 'Z') || c == '#' || c == '-' || c == '/';
}

/* Whether s[0..n) begins with a URI scheme and ':' (RFC 3986: ALPHA *( ALPHA /
 * DIGIT / "+" / "-" / "." ) ":"). */
static bool S_has_scheme(const char *s, size_t n)
{
	if (n == 0 || !S_alpha(s[0]))
		return false;
	for (size_t i = 1; i < n; i++) {
		if (s[i] == ':')
			return true;
		if (!S_alpha(s[i]) && !S_digit(s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.')
			return false;
	}
	return false;
}

/* The output being built; over is set once something did not fit. */
typedef struct S_out {
	char b[GT_EPC_MAX + 1];
	size_t n;
	bool over;
} S_out;

static void S_add(S_out *o, const char *s, size_t n)
{
	if (o->over || n > GT_EPC_MAX - o->n) {
		o->over = true;
		return;
	}
	memcpy(o->b + o->n, s, n);
	o->n += n;
	o->b[o->n] = 0;
}

static void S_adds(S_out *o, const char *s)
{
	S_add(o, s, strlen(s));
}

/* v[0..n) percent-encoded canonically: every byte outside A-Z a-z 0-9 - . _ ~
 * as %HH with upper-case hex. */
static void S_add_pct(S_out *o, const char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (S_alpha((char)c) || S_digit((char)c) || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			S_add(o, v + i, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			S_add(o, e, 3);
		}
	}
}

/* Append "/ai/value" to a Digital Link being built. */
static void S_add_pair(S_out *o, const char *ai, const char *v, size_t n)
{
	S_adds(o, "/");
	S_adds(o, ai);
	S_adds(o, "/");
	S_add_pct(o, v, n);
}

/* ---- GS1 Digital Link: the AIs ----------------------------------------- */

enum {
	K_GTIN, /* 8, 12, 13 or 14 digits with a check digit, padded to 14 */
	K_NUM,	/* exactly `fixed` digits, the last a check digit */
	K_NUMX, /* `fixed` digits (check digit last), then 0 to `max` characters of set 82 */
	K_NUMN, /* `fixed` digits (check digit last), then 0 to `max` digits */
	K_ITIP, /* 18 digits: a GTIN-14 (check digit last), piece, total */
	K_X,	/* 1 to `max` characters of set 82 */
	K_Y,	/* 1 to `max` characters of set 39 */
	K_N,	/* 1 to `max` digits */
};

typedef struct S_def {
	const char *ai;
	const char *name; /* in messages */
	unsigned char kind;
	unsigned char fixed;
	unsigned char max;
	bool lead0;	      /* the first digit is GS1's filler 0 (GRAI) */
	const char *quals[3]; /* a primary key's qualifiers, in their order */
} S_def;

/* The primary keys read. */
static const S_def S_keys[] = {
	{"00", "SSCC", K_NUM, 18, 0, false, {NULL}},
	{"01", "GTIN", K_GTIN, 14, 0, false, {"22", "10", "21"}},
	{"253", "GDTI", K_NUMX, 13, 17, false, {NULL}},
	{"255", "GCN", K_NUMN, 13, 12, false, {NULL}},
	{"401", "GINC", K_X, 0, 30, false, {NULL}},
	{"402", "GSIN", K_NUM, 17, 0, false, {NULL}},
	{"414", "GLN", K_NUM, 13, 0, false, {"254"}},
	{"417", "party GLN", K_NUM, 13, 0, false, {NULL}},
	{"8003", "GRAI", K_NUMX, 14, 16, true, {NULL}},
	{"8004", "GIAI", K_X, 0, 30, false, {NULL}},
	{"8006", "ITIP", K_ITIP, 18, 0, false, {"22", "10", "21"}},
	{"8010", "CPID", K_Y, 0, 30, false, {"8011"}},
	{"8017", "GSRNP", K_NUM, 18, 0, false, {"8019"}},
	{"8018", "GSRN", K_NUM, 18, 0, false, {"8019"}},
};

/* The key qualifiers read. */
static const S_def S_quals[] = {
	{"22", "consumer product variant", K_X, 0, 20, false, {NULL}},
	{"10", "lot", K_X, 0, 20, false, {NULL}},
	{"21", "serial", K_X, 0, 20, false, {NULL}},
	{"254", "GLN extension", K_X, 0, 20, false, {NULL}},
	{"8011", "CPID serial", K_N, 0, 12, false, {NULL}},
	{"8019", "SRIN", K_N, 0, 10, false, {NULL}},
};

#define S_KEYS "00, 01, 253, 255, 401, 402, 414, 417, 8003, 8004, 8006, 8010, 8017 and 8018"

/* GS1 Digital Link primary keys and qualifiers that exist but are not read. */
static bool S_unread_key(const char *s, size_t n)
{
	return n == 4 && memcmp(s, "8013", 4) == 0;
}

static bool S_unread_qual(const char *s, size_t n)
{
	return (n == 3 && memcmp(s, "235", 3) == 0) || (n == 4 && memcmp(s, "7040", 4) == 0);
}

static const S_def *S_find(const S_def *t, size_t nt, const char *s, size_t n)
{
	for (size_t i = 0; i < nt; i++)
		if (strlen(t[i].ai) == n && memcmp(t[i].ai, s, n) == 0)
			return &t[i];
	return NULL;
}

static const S_def *S_key(const char *s, size_t n)
{
	return S_find(S_keys, sizeof(S_keys) / sizeof(S_keys[0]), s, n);
}

/* The rank of qualifier s[0..n) among key's qualifiers, or -1. */
static int S_qual_rank(const S_def *key, const char *s, size_t n)
{
	for (int i = 0; i < 3 && key->quals[i]; i++)
		if (strlen(key->quals[i]) == n && memcmp(key->quals[i], s, n) == 0)
			return i;
	return -1;
}

/* key's qualifiers as "22, 10, 21". */
static const char *S_qual_list(const S_def *key, char out[32])
{
	size_t k = 0;
	out[0] = 0;
	for (int i = 0; i < 3 && key->quals[i]; i++)
		k += (size_t)snprintf(out + k, 32 - k, "%s%s", i ? ", " : "", key->quals[i]);
	return out;
}

/* Check the decoded value v[0..*n) of AI d (who names it in messages); a
 * GTIN of 8, 12 or 13 digits is padded to 14 in place (v has room). */
static int S_check_value(const S_def *d, char *v, size_t *n, const char *who, gt_error *err)
{
	char s[72], c[16];
	size_t len = *n, fixed = d->fixed;
	if (len == 0)
		return gt_fail(err, GT_EINVAL, "%s is empty", who);
	switch (d->kind) {
	case K_GTIN: {
		if (!gt_gs1_digits(v, len) || (len != 8 && len != 12 && len != 13 && len != 14))
			return gt_fail(err, GT_EINVAL, "%s %s must be 8, 12, 13 or 14 digits", who,
				       S_show(v, len, s));
		int want = gt_gs1_check_digit(v, len - 1);
		if (v[len - 1] - '0' != want)
			return gt_fail(err, GT_EINVAL, "%s %.*s: check digit should be %d", who,
				       (int)len, v, want);
		memmove(v + 14 - len, v, len);
		memset(v, '0', 14 - len);
		*n = 14;
		return 0;
	}
	case K_NUM:
	case K_ITIP:
		if (!gt_gs1_digits(v, len) || len != fixed)
			return gt_fail(err, GT_EINVAL, "%s %s must be %zu digits", who,
				       S_show(v, len, s), fixed);
		break;
	case K_NUMX:
	case K_NUMN:
		if (len < fixed || !gt_gs1_digits(v, fixed))
			return gt_fail(err, GT_EINVAL, "%s %s must start with %zu digits", who,
				       S_show(v, len, s), fixed);
		if (len - fixed > d->max)
			return gt_fail(err, GT_EINVAL,
				       "%s %s has %zu characters after its %zu digits, over the "
				       "maximum of %u",
				       who, S_show(v, len, s), len - fixed, fixed, d->max);
		for (size_t i = fixed; i < len; i++)
			if (d->kind == K_NUMN ? !S_digit(v[i]) : !S_cset82((unsigned char)v[i]))
				return gt_fail(
					err, GT_EINVAL, "%s: %s after its %zu digits is not %s",
					who, S_char((unsigned char)v[i], c), fixed,
					d->kind == K_NUMN ? "a digit" : "in the GS1 character set");
		break;
	default:
		if (len > d->max)
			return gt_fail(err, GT_EINVAL,
				       "%s is %zu characters long, over the maximum of %u", who,
				       len, d->max);
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)v[i];
			if (d->kind == K_N && !S_digit((char)ch))
				return gt_fail(err, GT_EINVAL, "%s: %s is not a digit", who,
					       S_char(ch, c));
			if (d->kind == K_X && !S_cset82(ch))
				return gt_fail(err, GT_EINVAL,
					       "%s: %s is not in the GS1 character set", who,
					       S_char(ch, c));
			if (d->kind == K_Y && !S_cset39(ch))
				return gt_fail(
					err, GT_EINVAL,
					"%s: %s is not one of 0-9 A-Z # - / (GS1's character "
					"set 39)",
					who, S_char(ch, c));
		}
		return 0;
	}
	if (d->lead0 && v[0] != '0')
		return gt_fail(err, GT_EINVAL, "%s %.*s must start with the filler digit 0", who,
			       (int)fixed, v);
	size_t cd = d->kind == K_ITIP ? 13 : fixed - 1; /* where the check digit is */
	int want = gt_gs1_check_digit(v, cd);
	if (v[cd] - '0' != want)
		return gt_fail(err, GT_EINVAL, "%s %.*s: check digit should be %d", who,
			       (int)(cd + 1), v, want);
	return 0;
}

/* ---- GS1 Digital Link URIs --------------------------------------------- */

typedef struct S_seg {
	size_t at, n;
} S_seg;

static bool S_is_ai(const char *in, const S_seg *s)
{
	return s->n >= 2 && s->n <= 4 && gt_gs1_digits(in + s->at, s->n);
}

static bool S_is_key(const char *in, const S_seg *s)
{
	return S_key(in + s->at, s->n) || S_unread_key(in + s->at, s->n);
}

/* The primary key of the path's segments seg[0..end): the leftmost key
 * among the /AI/value pairs that end the path; -1 if there is none. *run is
 * set to where those pairs start. */
static long S_find_key(const char *in, const S_seg *seg, size_t end, size_t *run)
{
	size_t r = end;
	while (r >= 2 && S_is_ai(in, &seg[r - 2]))
		r -= 2;
	*run = r;
	for (size_t k = r; k + 1 < end; k += 2)
		if (S_is_key(in, &seg[k]))
			return (long)k;
	return -1;
}

/* Percent-decode in[p..p+n) into dec (n + 1 bytes). */
static int S_pct_decode(const char *in, size_t p, size_t n, char *dec, size_t *ret_n,
			const char *who, gt_error *err)
{
	size_t k = 0;
	for (size_t i = p; i < p + n; i++) {
		if (in[i] != '%') {
			dec[k++] = in[i];
			continue;
		}
		int hi = i + 2 < p + n ? S_hex(in[i + 1]) : -1;
		int lo = hi >= 0 ? S_hex(in[i + 2]) : -1;
		if (hi < 0 || lo < 0)
			return gt_fail(err, GT_EINVAL,
				       "%s: '%%' must be followed by two hex digits", who);
		dec[k++] = (char)(hi * 16 + lo);
		i += 2;
	}
	dec[k] = 0;
	*ret_n = k;
	return 0;
}

/* The query in[qs..qe): key qualifiers and primary keys do not belong there;
 * everything else (data attributes, linkType, ...) is dropped. */
static int S_dl_query(const char *in, size_t qs, size_t qe, const S_def *key, gt_error *err)
{
	size_t p = qs;
	while (p < qe) {
		size_t b = p, eq;
		while (b < qe && in[b] != '&')
			b++;
		for (eq = p; eq < b && in[eq] != '='; eq++)
			;
		S_seg name = {p, eq - p};
		if (S_is_ai(in, &name)) {
			if (S_qual_rank(key, in + p, eq - p) >= 0)
				return gt_fail(
					err, GT_EINVAL,
					"Digital Link: AI (%.*s) is a key qualifier of AI (%s) "
					"and belongs in the path, not in the query",
					(int)(eq - p), in + p, key->ai);
			if (S_is_key(in, &name))
				return gt_fail(
					err, GT_EINVAL,
					"Digital Link: AI (%.*s) is a primary key and belongs "
					"in the path, not in the query",
					(int)(eq - p), in + p);
		}
		p = b < qe ? b + 1 : b;
	}
	return 0;
}

/* A Digital Link in[0..len), whose host starts at hs: into o as its
 * canonical form; *is_dl false (and o untouched) when the path holds no GS1
 * primary key and the host is not id.gs1.org. */
static int S_dl(const char *in, size_t len, size_t hs, S_out *o, bool *is_dl, gt_error *err)
{
	S_seg seg[GT_EPC_MAX + 1] = {{0, 0}};
	size_t he = hs, pe, qs, qe, ns = 0, run;
	char qual[32];
	while (he < len && in[he] != '/' && in[he] != '?' && in[he] != '#')
		he++;
	for (pe = he; pe < len && in[pe] != '?' && in[pe] != '#'; pe++)
		;
	qs = qe = pe;
	if (pe < len && in[pe] == '?')
		for (qs = qe = pe + 1; qe < len && in[qe] != '#'; qe++)
			;
	bool gs1host = he - hs == 10 && strncasecmp(in + hs, "id.gs1.org", 10) == 0;
	for (size_t i = he; i < pe; i++) {
		if (in[i] != '/')
			continue;
		size_t j = i + 1;
		while (j < pe && in[j] != '/')
			j++;
		seg[ns].at = i + 1;
		seg[ns++].n = j - i - 1;
	}
	long key = S_find_key(in, seg, ns, &run);
	if (key < 0) {
		/* A Digital Link but for its end: "/01/<gtin>/" or "/01/<gtin>/21". */
		size_t run2;
		if (ns >= 1 && (seg[ns - 1].n == 0 || S_is_ai(in, &seg[ns - 1])) &&
		    S_find_key(in, seg, ns - 1, &run2) >= 0) {
			if (seg[ns - 1].n == 0)
				return gt_fail(
					err, GT_EINVAL,
					"Digital Link: the path ends with '/' (it ends with a "
					"value)");
			return gt_fail(
				err, GT_EINVAL,
				"Digital Link: AI (%.*s) at the end of the path has no value",
				(int)seg[ns - 1].n, in + seg[ns - 1].at);
		}
		if (gs1host && run < ns)
			return gt_fail(
				err, GT_EINVAL,
				"Digital Link: AI (%.*s) is not a primary key (goodtrace reads "
				"the keys " S_KEYS ")",
				(int)seg[run].n, in + seg[run].at);
		if (gs1host)
			return gt_fail(
				err, GT_EINVAL,
				"Digital Link: a URI on id.gs1.org needs a primary key in its "
				"path, such as /01/<GTIN> or /00/<SSCC>");
		*is_dl = false;
		return 0;
	}
	*is_dl = true;
	if (he == hs)
		return gt_fail(err, GT_EINVAL, "Digital Link: the URI has no host");
	const S_seg *ks = &seg[key];
	if (S_unread_key(in + ks->at, ks->n))
		return gt_fail(
			err, GT_EINVAL,
			"Digital Link: primary key AI (%.*s) is not supported (goodtrace reads "
			"the keys " S_KEYS ")",
			(int)ks->n, in + ks->at);
	const S_def *kd = S_key(in + ks->at, ks->n);
	S_out t = {.n = 0};
	S_adds(&t, S_BASE);
	int rank = -1;
	for (size_t k = (size_t)key; k + 1 < ns; k += 2) {
		const char *ai = in + seg[k].at;
		size_t an = seg[k].n;
		const S_def *d = kd;
		if (k > (size_t)key) {
			int r = S_qual_rank(kd, ai, an);
			if (r < 0 && S_unread_qual(ai, an))
				return gt_fail(
					err, GT_EINVAL,
					"Digital Link: AI (%.*s) after AI (%s) is not supported",
					(int)an, ai, kd->ai);
			if (r < 0 && S_is_key(in, &seg[k]))
				return gt_fail(
					err, GT_EINVAL,
					"Digital Link: AI (%.*s) after AI (%s): a Digital Link "
					"has one primary key",
					(int)an, ai, kd->ai);
			if (r < 0 && !kd->quals[0])
				return gt_fail(
					err, GT_EINVAL,
					"Digital Link: AI (%.*s) cannot follow AI (%s) in the "
					"path (AI (%s) takes no key qualifiers); data "
					"attributes go in the query (?%.*s=...)",
					(int)an, ai, kd->ai, kd->ai, (int)an, ai);
			if (r < 0)
				return gt_fail(
					err, GT_EINVAL,
					"Digital Link: AI (%.*s) cannot follow AI (%s) in the "
					"path (its key qualifiers are %s); data attributes go "
					"in the query (?%.*s=...)",
					(int)an, ai, kd->ai, S_qual_list(kd, qual), (int)an, ai);
			if (r <= rank)
				return gt_fail(
					err, GT_EINVAL,
					"Digital Link: AI (%.*s) comes after AI (%s): the key "
					"qualifiers of AI (%s) come in the order %s, each at "
					"most once",
					(int)an, ai, kd->quals[rank], kd->ai,
					S_qual_list(kd, qual));
			rank = r;
			d = S_find(S_quals, sizeof(S_quals) / sizeof(S_quals[0]), kd->quals[r],
				   strlen(kd->quals[r]));
		}
		char who[64], dec[S_BIG];
		size_t n = 0;
		snprintf(who, sizeof(who), "Digital Link: AI (%s) %s", d->ai, d->name);
		int rc = S_pct_decode(in, seg[k + 1].at, seg[k + 1].n, dec, &n, who, err);
		if (rc == 0)
			rc = S_check_value(d, dec, &n, who, err);
		if (rc < 0)
			return rc;
		S_add_pair(&t, d->ai, dec, n);
	}
	int rc = S_dl_query(in, qs, qe, kd, err);
	if (rc < 0)
		return rc;
	*o = t;
	return 0;
}

/* ---- EPC URNs ---------------------------------------------------------- */

enum {
	F_SHIFT, /* the reference's first digit goes first, then CP, the rest, a check digit */
	F_CHECK, /* CP, reference, a check digit */
	F_ALNUM, /* CP and an alphanumeric reference */
	F_CPI,	 /* CP and a component/part reference (0-9 A-Z - # /) */
};

enum {
	T_X,	/* GS1 characters, with EPC escapes */
	T_PADN, /* digits */
	T_NUM,	/* digits without a leading zero */
};

typedef struct S_scheme {
	const char *name;
	const char *syntax; /* in messages */
	const char *ai;	    /* the Digital Link primary key */
	unsigned char form;
	unsigned char digits;  /* F_SHIFT, F_CHECK: digits of CP and reference; else max length */
	const char *ref;       /* the reference's name */
	unsigned char npieces; /* two-digit parts after the reference (ITIP: piece, total) */
	const char *tail;      /* the last part's name, NULL if none */
	const char *tail_ai;   /* its AI, or NULL when it ends the key's value */
	unsigned char tail_max;
	unsigned char tail_kind;
	const char *lead; /* put before the digits (GRAI's filler 0) */
} S_scheme;

static const S_scheme S_schemes[] = {
	{"sgtin", "CompanyPrefix.ItemReference.Serial", "01", F_SHIFT, 13, "item reference", 0,
	 "serial", "21", 20, T_X, ""},
	{"sscc", "CompanyPrefix.SerialReference", "00", F_SHIFT, 17, "serial reference", 0, NULL,
	 NULL, 0, T_X, ""},
	{"sgln", "CompanyPrefix.LocationReference.Extension", "414", F_CHECK, 12,
	 "location reference", 0, "extension", "254", 20, T_X, ""},
	{"grai", "CompanyPrefix.AssetType.Serial", "8003", F_CHECK, 12, "asset type", 0, "serial",
	 NULL, 16, T_X, "0"},
	{"giai", "CompanyPrefix.IndividualAssetReference", "8004", F_ALNUM, 30,
	 "individual asset reference", 0, NULL, NULL, 0, T_X, ""},
	{"gsrn", "CompanyPrefix.ServiceReference", "8018", F_CHECK, 17, "service reference", 0,
	 NULL, NULL, 0, T_X, ""},
	{"gsrnp", "CompanyPrefix.ServiceReference", "8017", F_CHECK, 17, "service reference", 0,
	 NULL, NULL, 0, T_X, ""},
	{"gdti", "CompanyPrefix.DocumentType.Serial", "253", F_CHECK, 12, "document type", 0,
	 "serial", NULL, 17, T_X, ""},
	{"pgln", "CompanyPrefix.PartyReference", "417", F_CHECK, 12, "party reference", 0, NULL,
	 NULL, 0, T_X, ""},
	{"sgcn", "CompanyPrefix.CouponReference.Serial", "255", F_CHECK, 12, "coupon reference", 0,
	 "serial", NULL, 12, T_PADN, ""},
	{"ginc", "CompanyPrefix.ConsignmentReference", "401", F_ALNUM, 30, "consignment reference",
	 0, NULL, NULL, 0, T_X, ""},
	{"gsin", "CompanyPrefix.ShipperReference", "402", F_CHECK, 16, "shipper reference", 0, NULL,
	 NULL, 0, T_X, ""},
	{"itip", "CompanyPrefix.ItemReference.Piece.Total.Serial", "8006", F_SHIFT, 13,
	 "item reference", 2, "serial", "21", 20, T_X, ""},
	{"cpi", "CompanyPrefix.ComponentPartReference.Serial", "8010", F_CPI, 30,
	 "component/part reference", 0, "serial", "8011", 12, T_NUM, ""},
};

static const S_scheme S_lgtin = {"lgtin", "CompanyPrefix.ItemReference.Lot",
				 "01",	  F_SHIFT,
				 13,	  "item reference",
				 0,	  "lot",
				 "10",	  20,
				 T_X,	  ""};

/* EPC schemes without a GS1 key, kept as given. */
static const char *const S_kept[] = {"gid", "usdod", "adi", "bic", "imovn"};

static const char S_escapes[] = "%22 %25 %26 %2F %3C %3E %3F";

/* An EPC URN's parts, decoded. */
typedef struct S_urn {
	const S_scheme *sc;
	const char *label; /* "urn:epc:id:sgtin" */
	size_t nparts;
	bool star[6];
	const char *raw[6]; /* the parts as given */
	size_t rawn[6];
	char cp[16];
	size_t ncp;
	char ref[S_BIG];
	size_t nref;
	char piece[2][3];
	char tail[S_BIG];
	size_t ntail;
} S_urn;

/* Decode the EPC URN text s[0..n) (the part named what) into dec; cpi
 * selects the component/part reference's characters and escapes. */
static int S_epc_decode(const S_urn *u, const char *what, const char *s, size_t n, bool cpi,
			char *dec, size_t *ret_n, gt_error *err)
{
	char c[16];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '%') {
			int hi = i + 2 < n ? S_hex(s[i + 1]) : -1;
			int lo = hi >= 0 ? S_hex(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return gt_fail(
					err, GT_EINVAL,
					"%s: '%%' in the %s must start an escape such as %%2F",
					u->label, what);
			unsigned char x = (unsigned char)(hi * 16 + lo);
			bool ok = cpi ? (x == '#' || x == '/') :
					(x == '"' || x == '%' || x == '&' || x == '/' || x == '<' ||
					 x == '>' || x == '?');
			if (!ok)
				return gt_fail(
					err, GT_EINVAL,
					"%s: %%%c%c in the %s is not an EPC URN escape (only "
					"%s)",
					u->label, s[i + 1], s[i + 2], what,
					cpi ? "%23 %2F" : S_escapes);
			dec[k++] = (char)x;
			i += 2;
			continue;
		}
		bool ok = cpi ? (S_digit((char)ch) || (ch >= 'A' && ch <= 'Z') || ch == '-') :
				(S_alpha((char)ch) || S_digit((char)ch) ||
				 strchr("!'()*+,-.:;=_", ch));
		if (!ok) {
			if (cpi)
				return gt_fail(err, GT_EINVAL,
					       "%s: %s is not allowed in the %s (0-9 A-Z - and the "
					       "escapes %%23 %%2F)",
					       u->label, S_char(ch, c), what);
			if (S_cset82(ch))
				return gt_fail(err, GT_EINVAL,
					       "%s: %s in the %s must be written %%%02X", u->label,
					       S_char(ch, c), what, ch);
			return gt_fail(err, GT_EINVAL,
				       "%s: %s is not allowed in the %s (not a GS1 character)",
				       u->label, S_char(ch, c), what);
		}
		dec[k++] = (char)ch;
	}
	dec[k] = 0;
	*ret_n = k;
	return 0;
}

/* Split body[0..n) into u's parts, with stars if pat, and check and decode
 * each part that is not a star. */
static int S_urn_parts(S_urn *u, const char *body, size_t n, bool pat, gt_error *err)
{
	const S_scheme *sc = u->sc;
	char s[72];
	size_t want = 2 + sc->npieces + (sc->tail ? 1 : 0), p = 0;
	for (size_t i = 0; i < want; i++) {
		size_t e = p;
		if (i + 1 < want) {
			while (e < n && body[e] != '.')
				e++;
			if (e == n)
				return gt_fail(err, GT_EINVAL, "%s: expected %s", u->label,
					       sc->syntax);
		} else {
			e = n;
		}
		u->raw[i] = body + p;
		u->rawn[i] = e - p;
		u->star[i] = pat && e - p == 1 && body[p] == '*';
		p = e + 1;
	}
	u->nparts = want;
	if (pat)
		for (size_t i = 1; i < want; i++)
			if (u->star[i - 1] && !u->star[i])
				return gt_fail(err, GT_EINVAL,
					       "%s: a '*' stands for a whole part, and every part "
					       "after a '*' must be '*' too",
					       u->label);

	/* The company prefix. */
	if (!u->star[0]) {
		if (!gt_gs1_digits(u->raw[0], u->rawn[0]))
			return gt_fail(err, GT_EINVAL, "%s: the company prefix %s must be digits",
				       u->label, S_show(u->raw[0], u->rawn[0], s));
		if (u->rawn[0] < 6 || u->rawn[0] > 12)
			return gt_fail(err, GT_EINVAL,
				       "%s: the company prefix must have 6 to 12 digits, not %zu",
				       u->label, u->rawn[0]);
		memcpy(u->cp, u->raw[0], u->rawn[0]);
		u->ncp = u->rawn[0];
		u->cp[u->ncp] = 0;
	}
	/* The reference. */
	if (!u->star[1]) {
		const char *r = u->raw[1];
		size_t rn = u->rawn[1];
		if (sc->form == F_SHIFT || sc->form == F_CHECK) {
			if (!gt_gs1_digits(r, rn))
				return gt_fail(err, GT_EINVAL, "%s: the %s %s must be digits",
					       u->label, sc->ref, S_show(r, rn, s));
			if (u->ncp + rn != sc->digits)
				return gt_fail(err, GT_EINVAL,
					       "%s: company prefix and %s must have %u digits "
					       "together, not %zu",
					       u->label, sc->ref, sc->digits, u->ncp + rn);
			memcpy(u->ref, r, rn);
			u->nref = rn;
			u->ref[rn] = 0;
		} else {
			int rc = S_epc_decode(u, sc->ref, r, rn, sc->form == F_CPI, u->ref,
					      &u->nref, err);
			if (rc < 0)
				return rc;
			if (u->nref == 0)
				return gt_fail(err, GT_EINVAL, "%s: the %s is empty", u->label,
					       sc->ref);
			if (u->ncp + u->nref > sc->digits)
				return gt_fail(err, GT_EINVAL,
					       "%s: company prefix and %s must have at most %u "
					       "characters together, not %zu",
					       u->label, sc->ref, sc->digits, u->ncp + u->nref);
		}
	}
	/* ITIP's piece and total. */
	for (size_t i = 0; i < sc->npieces; i++) {
		static const char *const names[] = {"piece", "total"};
		if (u->star[2 + i])
			continue;
		if (u->rawn[2 + i] != 2 || !gt_gs1_digits(u->raw[2 + i], 2))
			return gt_fail(err, GT_EINVAL, "%s: the %s %s must be 2 digits", u->label,
				       names[i], S_show(u->raw[2 + i], u->rawn[2 + i], s));
		memcpy(u->piece[i], u->raw[2 + i], 2);
		u->piece[i][2] = 0;
	}
	/* The serial, extension or lot. */
	if (sc->tail && !u->star[want - 1]) {
		const char *t = u->raw[want - 1];
		size_t tn = u->rawn[want - 1];
		if (tn == 0)
			return gt_fail(err, GT_EINVAL, "%s: the %s is empty", u->label, sc->tail);
		if (sc->tail_kind != T_X && !gt_gs1_digits(t, tn))
			return gt_fail(err, GT_EINVAL, "%s: the %s %s must be digits", u->label,
				       sc->tail, S_show(t, tn, s));
		if (sc->tail_kind == T_NUM && tn > 1 && t[0] == '0')
			return gt_fail(err, GT_EINVAL, "%s: the %s %s must not start with 0",
				       u->label, sc->tail, S_show(t, tn, s));
		int rc = S_epc_decode(u, sc->tail, t, tn, false, u->tail, &u->ntail, err);
		if (rc < 0)
			return rc;
		if (u->ntail > sc->tail_max)
			return gt_fail(err, GT_EINVAL,
				       "%s: the %s is %zu characters long, over the maximum of %u",
				       u->label, sc->tail, u->ntail, sc->tail_max);
	}
	return 0;
}

/* The key's digits (the reference fixed): [lead] + shifted or plain CP and
 * reference + check digit [+ ITIP's pieces when fixed]; its length. */
static size_t S_urn_key(const S_urn *u, char *key)
{
	const S_scheme *sc = u->sc;
	size_t k = 0;
	if (sc->form == F_ALNUM || sc->form == F_CPI) {
		memcpy(key, u->cp, u->ncp);
		memcpy(key + u->ncp, u->ref, u->nref);
		return u->ncp + u->nref;
	}
	k = strlen(sc->lead);
	memcpy(key, sc->lead, k);
	size_t start = k;
	if (sc->form == F_SHIFT) {
		key[k++] = u->ref[0];
		memcpy(key + k, u->cp, u->ncp);
		k += u->ncp;
		memcpy(key + k, u->ref + 1, u->nref - 1);
		k += u->nref - 1;
	} else {
		memcpy(key + k, u->cp, u->ncp);
		k += u->ncp;
		memcpy(key + k, u->ref, u->nref);
		k += u->nref;
	}
	key[k] = (char)('0' + gt_gs1_check_digit(key + start, k - start));
	k++;
	for (size_t i = 0; i < sc->npieces && !u->star[2 + i]; i++) {
		memcpy(key + k, u->piece[i], 2);
		k += 2;
	}
	return k;
}

/* An identifier (no stars): its canonical Digital Link. */
static void S_urn_emit(const S_urn *u, S_out *o)
{
	const S_scheme *sc = u->sc;
	char key[S_BIG * 2];
	size_t k = S_urn_key(u, key);
	bool tail = sc->tail && !(strcmp(sc->name, "sgln") == 0 && u->ntail == 1 &&
				  u->tail[0] == '0'); /* extension 0: none */
	if (tail && !sc->tail_ai) {
		memcpy(key + k, u->tail, u->ntail);
		k += u->ntail;
	}
	S_adds(o, S_BASE);
	S_add_pair(o, sc->ai, key, k);
	if (tail && sc->tail_ai)
		S_add_pair(o, sc->tail_ai, u->tail, u->ntail);
}

/* A pattern with f fixed parts (0 < f < nparts) in a query: a prefix of the
 * canonical Digital Links it matches, or GT_EINVAL when no prefix can. */
static int S_urn_prefix(const S_urn *u, size_t f, S_out *o, gt_error *err)
{
	const S_scheme *sc = u->sc;
	char key[S_BIG * 2];
	S_adds(o, S_BASE "/");
	S_adds(o, sc->ai);
	S_adds(o, "/");
	if (f == 1) {
		if (sc->form == F_SHIFT)
			return gt_fail(err, GT_EINVAL,
				       "%s: no Digital Link prefix matches a whole company prefix "
				       "(the %s's first digit comes before it); name the %s too",
				       u->label, sc->ref, sc->ref);
		S_adds(o, sc->lead);
		S_add_pct(o, u->cp, u->ncp);
		return 0;
	}
	size_t k = S_urn_key(u, key);
	S_add_pct(o, key, k);
	if (sc->form == F_CPI)
		S_adds(o, "/8011/"); /* the reference has no fixed length */
	return 0;
}

/* The EPC URN in[0..n) (it starts "urn:epc:"). */
static int S_urn_norm(const char *in, size_t n, bool query, S_out *o, bool *kept, bool *prefix,
		      gt_error *err)
{
	char label[64], s[72];
	size_t p = 8, f0 = p;
	while (p < n && in[p] != ':')
		p++;
	size_t fn = p - f0, s0 = p + 1, sp = s0;
	const char *form = in + f0;
	if (p < n && fn == 3 &&
	    (strncasecmp(form, "tag", 3) == 0 || strncasecmp(form, "pat", 3) == 0 ||
	     strncasecmp(form, "raw", 3) == 0))
		return gt_fail(err, GT_EINVAL,
			       "urn:epc:%.*s: is an RFID tag encoding; EPCIS identifiers are the "
			       "pure identities urn:epc:id:...",
			       (int)fn, form);
	while (sp < n && in[sp] != ':')
		sp++;
	if (p >= n || sp >= n)
		return gt_fail(err, GT_EINVAL,
			       "%s is not an EPC URI (expected urn:epc:id:<scheme>:..., "
			       "urn:epc:class:lgtin:... or urn:epc:idpat:<scheme>:...)",
			       S_show(in, n, s));
	const char *name = in + s0;
	size_t nn = sp - s0;
	const char *body = in + sp + 1;
	size_t bn = n - sp - 1;
	bool id = fn == 2 && strncasecmp(form, "id", 2) == 0;
	bool cls = fn == 5 && strncasecmp(form, "class", 5) == 0;
	bool pat = fn == 5 && strncasecmp(form, "idpat", 5) == 0;
	if (!id && !cls && !pat)
		return gt_fail(err, GT_EINVAL,
			       "urn:epc:%.*s: is not an EPC URI form (expected urn:epc:id:, "
			       "urn:epc:class: or urn:epc:idpat:)",
			       (int)(fn > 20 ? 20 : fn), form);
	S_urn u = {.sc = NULL};
	if (cls) {
		if (nn != 5 || strncasecmp(name, "lgtin", 5) != 0)
			return gt_fail(err, GT_EINVAL,
				       "urn:epc:class:%.*s is not an EPC class (the one EPC class "
				       "is urn:epc:class:lgtin)",
				       (int)(nn > 20 ? 20 : nn), name);
		u.sc = &S_lgtin;
	}
	for (size_t i = 0; !u.sc && i < sizeof(S_schemes) / sizeof(S_schemes[0]); i++)
		if (strlen(S_schemes[i].name) == nn &&
		    strncasecmp(S_schemes[i].name, name, nn) == 0)
			u.sc = &S_schemes[i];
	if (!u.sc) {
		const char *k = NULL;
		for (size_t i = 0; i < sizeof(S_kept) / sizeof(S_kept[0]); i++)
			if (strlen(S_kept[i]) == nn && strncasecmp(S_kept[i], name, nn) == 0)
				k = S_kept[i];
		if (k && id) {
			S_add(o, in, n);
			*kept = true;
			return 0;
		}
		if (k && pat && query) {
			/* urn:epc:idpat:gid:A.B.* matches the URNs urn:epc:id:gid:A.B.... */
			size_t keep = bn, q = 0;
			for (;;) {
				size_t e = q;
				while (e < bn && body[e] != '.')
					e++;
				bool star = e - q == 1 && body[q] == '*';
				if (keep < bn && !star)
					return gt_fail(
						err, GT_EINVAL,
						"urn:epc:idpat:%s: a '*' stands for a whole "
						"part, and every part after a '*' must be '*' "
						"too",
						k);
				if (star && keep == bn)
					keep = q;
				if (e >= bn)
					break;
				q = e + 1;
			}
			S_adds(o, "urn:epc:id:");
			S_adds(o, k);
			S_adds(o, ":");
			S_add(o, body, keep);
			*kept = true;
			*prefix = keep < bn;
			return 0;
		}
		if (nn == 4 && strncasecmp(name, "upui", 4) == 0)
			return gt_fail(err, GT_EINVAL,
				       "urn:epc:%.*s:upui is not supported (its Digital Link form, "
				       "/01/.../235/..., is not read)",
				       (int)fn, form);
		if (k)
			return gt_fail(err, GT_EINVAL,
				       "urn:epc:idpat:%s: in an event only "
				       "urn:epc:idpat:sgtin:CompanyPrefix.ItemReference.* is "
				       "allowed; patterns belong in queries",
				       k);
		return gt_fail(err, GT_EINVAL,
			       "urn:epc:%.*s:%.*s is not an EPC scheme goodtrace reads (sgtin, "
			       "sscc, sgln, grai, giai, gsrn, gsrnp, gdti, pgln, sgcn, ginc, gsin, "
			       "itip, cpi; gid, usdod, adi, bic and imovn are kept as given)",
			       (int)fn, form, (int)(nn > 20 ? 20 : nn), name);
	}
	snprintf(label, sizeof(label), "urn:epc:%s:%s",
		 id  ? "id" :
		 cls ? "class" :
		       "idpat",
		 u.sc->name);
	u.label = label;
	if (pat && !query && u.sc != &S_schemes[0])
		return gt_fail(err, GT_EINVAL,
			       "%s: in an event only "
			       "urn:epc:idpat:sgtin:CompanyPrefix.ItemReference.* is allowed; "
			       "patterns belong in queries",
			       label);
	int rc = S_urn_parts(&u, body, bn, pat, err);
	if (rc < 0)
		return rc;
	size_t f = 0;
	while (f < u.nparts && !u.star[f])
		f++;
	if (!pat || f == u.nparts) {
		if (pat && !query)
			return gt_fail(err, GT_EINVAL,
				       "%s: in an event only "
				       "urn:epc:idpat:sgtin:CompanyPrefix.ItemReference.* is "
				       "allowed; patterns belong in queries",
				       label);
		S_urn_emit(&u, o);
		return 0;
	}
	if (!query) {
		/* urn:epc:idpat:sgtin:CP.IR.*: the GTIN's class. */
		if (f != 2)
			return gt_fail(err, GT_EINVAL,
				       "%s: in an event only "
				       "urn:epc:idpat:sgtin:CompanyPrefix.ItemReference.* is "
				       "allowed; patterns belong in queries",
				       label);
		char key[S_BIG * 2];
		size_t k = S_urn_key(&u, key);
		S_adds(o, S_BASE);
		S_add_pair(o, u.sc->ai, key, k);
		return 0;
	}
	*prefix = true;
	if (f == 0) {
		S_adds(o, S_BASE "/");
		S_adds(o, u.sc->ai);
		S_adds(o, "/");
		return 0;
	}
	return S_urn_prefix(&u, f, o, err);
}

/* ---- normalising ------------------------------------------------------- */

/* in[0..n): an EPC URN, a Digital Link, or another URI kept as given
 * (*kept). query allows urn:epc:idpat (*prefix when it makes a prefix). */
static int S_norm(const char *in, size_t n, gt_epc_mode mode, S_out *o, bool *kept, bool *prefix,
		  gt_error *err)
{
	bool query = mode == GT_EPC_QUERY;
	*kept = false;
	*prefix = false;
	if (S_starts(in, n, "urn:epc:"))
		return S_urn_norm(in, n, query, o, kept, prefix, err);
	size_t hs = S_starts(in, n, "http://") ? 7 : S_starts(in, n, "https://") ? 8 : 0;
	if (hs) {
		bool is_dl = false;
		int rc = S_dl(in, n, hs, o, &is_dl, err);
		if (rc < 0 || is_dl)
			return rc;
	}
	S_add(o, in, n);
	*kept = true;
	return 0;
}

/* A query value whose '*' was cut off: stem[0..n), a prefix. */
static int S_prefix(const char *stem, size_t n, S_out *o, gt_error *err)
{
	bool urn = S_starts(stem, n, "urn:epc:"),
	     dl = S_starts(stem, n, "http://") || S_starts(stem, n, "https://");
	bool kept, pre;
	(void)err;
	if (urn || dl) {
		/* A complete identifier: what it names and everything below it. */
		S_out t = {.n = 0};
		if (S_norm(stem, n, GT_EPC_DATA, &t, &kept, &pre, NULL) == 0) {
			*o = t;
			return 0;
		}
		/* A Digital Link and '/': its qualified forms. */
		if (dl && n > 0 && stem[n - 1] == '/') {
			S_out d = {.n = 0};
			if (S_norm(stem, n - 1, GT_EPC_DATA, &d, &kept, &pre, NULL) == 0 && !kept) {
				S_adds(&d, "/");
				*o = d;
				return 0;
			}
		}
		/* A stem ending before a free-form last part ("…/21/", "…107346."):
		 * complete it two ways; what the results share is the prefix. */
		if (n > 0 && (stem[n - 1] == '/' || stem[n - 1] == '.')) {
			char buf[GT_EPC_MAX + 2];
			S_out r[2] = {{.n = 0}, {.n = 0}};
			bool ok = true;
			for (int i = 0; i < 2 && ok; i++) {
				memcpy(buf, stem, n);
				buf[n] = (char)('1' + i);
				ok = S_norm(buf, n + 1, GT_EPC_DATA, &r[i], &kept, &pre, NULL) ==
					     0 &&
				     !kept && r[i].n > 0 && r[i].b[r[i].n - 1] == '1' + i;
			}
			if (ok && r[0].n == r[1].n && memcmp(r[0].b, r[1].b, r[0].n - 1) == 0) {
				S_out t2 = {.n = 0};
				size_t k = r[0].n - 1;
				/* An SGLN's extension 0 means none: match that too. */
				if (urn && k >= 5 && memcmp(r[0].b + k - 5, "/254/", 5) == 0)
					k -= 5;
				S_add(&t2, r[0].b, k);
				*o = t2;
				return 0;
			}
		}
	}
	S_add(o, stem, n);
	return 0;
}

int gt_epc_normalise(const char *in, gt_epc_mode mode, char out[GT_EPC_MAX + 1], bool *is_prefix,
		     gt_error *err)
{
	char s[72], c[16];
	if (!in)
		return gt_fail(err, GT_EINVAL, "no identifier");
	size_t n = strnlen(in, GT_EPC_MAX + 1);
	if (n == 0)
		return gt_fail(err, GT_EINVAL, "the identifier is empty");
	if (n > GT_EPC_MAX)
		return gt_fail(err, GT_EINVAL, "the identifier is over %d bytes long", GT_EPC_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch <= 0x20 || ch >= 0x7f)
			return gt_fail(err, GT_EINVAL,
				       "position %zu: %s is not allowed in an identifier (a URI is "
				       "printable ASCII without spaces; percent-encode the rest)",
				       i + 1, S_char(ch, c));
	}
	if (!S_has_scheme(in, n))
		return gt_fail(err, GT_EINVAL,
			       "%s is not an absolute URI: it needs a scheme such as urn: or "
			       "https:",
			       S_show(in, n, s));
	S_out o = {.n = 0};
	bool kept = false, prefix = false;
	int rc;
	if (mode == GT_EPC_QUERY && !S_starts(in, n, "urn:epc:idpat:") && in[n - 1] == '*') {
		if (n == 1 || !S_has_scheme(in, n - 1))
			return gt_fail(err, GT_EINVAL,
				       "a prefix pattern needs a scheme before its '*' (such as "
				       "urn:epc:id:sgtin:0614141.107346.*)");
		rc = S_prefix(in, n - 1, &o, err);
		prefix = true;
	} else {
		rc = S_norm(in, n, mode, &o, &kept, &prefix, err);
	}
	if (rc < 0)
		return rc;
	if (o.over)
		return gt_fail(err, GT_EINVAL, "the normalised identifier is over %d bytes long",
			       GT_EPC_MAX);
	memcpy(out, o.b, o.n + 1);
	if (is_prefix)
		*is_prefix = prefix;
	return 0;
}

/* ---- trade items ------------------------------------------------------- */

/* Percent-decode the canonical value v[0..n) into out (size cap). */
static bool S_unpct(const char *v, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k + 1 >= cap)
			return false;
		if (v[i] == '%' && i + 2 < n) {
			out[k++] = (char)(S_hex(v[i + 1]) * 16 + S_hex(v[i + 2]));
			i += 2;
		} else {
			out[k++] = v[i];
		}
	}
	out[k] = 0;
	return true;
}

bool gt_epc_item(const char *id, char gtin[15], char lot[21], char serial[21])
{
	static const char base[] = S_BASE "/01/";
	char canon[GT_EPC_MAX + 1], g[15], l[21] = "", s[21] = "";
	bool pre;
	if (!id || strncmp(id, base, sizeof(base) - 1) != 0)
		return false;
	if (gt_epc_normalise(id, GT_EPC_DATA, canon, &pre, NULL) < 0 || strcmp(canon, id) != 0)
		return false;
	const char *p = id + sizeof(base) - 1;
	memcpy(g, p, 14);
	g[14] = 0;
	p += 14;
	while (*p == '/') {
		const char *ai = p + 1, *v = strchr(ai, '/');
		if (!v)
			return false;
		v++;
		const char *e = strchr(v, '/');
		size_t vn = e ? (size_t)(e - v) : strlen(v);
		if (strncmp(ai, "10/", 3) == 0 && !S_unpct(v, vn, l, sizeof(l)))
			return false;
		if (strncmp(ai, "21/", 3) == 0 && !S_unpct(v, vn, s, sizeof(s)))
			return false;
		p = v + vn;
	}
	memcpy(gtin, g, 15);
	memcpy(lot, l, sizeof(l));
	memcpy(serial, s, sizeof(s));
	return true;
}

/* ---- CBV vocabulary ---------------------------------------------------- */

static const char *const S_bizsteps[] = {
	"accepting",
	"arriving",
	"assembling",
	"collecting",
	"commissioning",
	"consigning",
	"creating_class_instance",
	"cycle_counting",
	"decommissioning",
	"departing",
	"destroying",
	"disassembling",
	"dispensing",
	"encoding",
	"entering_exiting",
	"holding",
	"inspecting",
	"installing",
	"killing",
	"loading",
	"other",
	"packing",
	"picking",
	"receiving",
	"removing",
	"repackaging",
	"repairing",
	"replacing",
	"reserving",
	"retail_selling",
	"sampling",
	"sensor_reporting",
	"shipping",
	"staging_outbound",
	"stock_taking",
	"stocking",
	"storing",
	"transporting",
	"unloading",
	"unpacking",
	"void_shipping",
};

static const char *const S_disps[] = {
	"active",
	"available",
	"completeness_inferred",
	"completeness_verified",
	"conformant",
	"container_closed",
	"container_open",
	"damaged",
	"destroyed",
	"dispensed",
	"disposed",
	"encoded",
	"expired",
	"in_progress",
	"in_transit",
	"inactive",
	"mismatch_class",
	"mismatch_instance",
	"mismatch_quantity",
	"needs_replacement",
	"no_pedigree_match",
	"non_conformant",
	"non_sellable_other",
	"partially_dispensed",
	"recalled",
	"reserved",
	"retail_sold",
	"returned",
	"sellable_accessible",
	"sellable_not_accessible",
	"stolen",
	"unavailable",
	"unknown",
};

static const char *const S_btts[] = {
	"bol",	     "cert",   "desadv", "inv",	    "pedigree", "po",	 "poc",
	"prodorder", "recadv", "rma",	 "testprd", "testres",	"upevt",
};

static const char *const S_sdts[] = {"owning_party", "possessing_party", "location"};

static const char *const S_ers[] = {"did_not_occur", "incorrect_data"};

typedef struct S_vocab {
	const char *urn;  /* urn:epcglobal:cbv:<urn>:term */
	const char *web;  /* https://ref.gs1.org/cbv/<web>-term */
	const char *what; /* in messages */
	const char *own;  /* "a <own> of your own" */
	const char *const *terms;
	size_t n;
} S_vocab;

#define S_N(a) (sizeof(a) / sizeof(a[0]))

static const S_vocab S_vocabs[] = {
	[GT_CBV_BIZSTEP] = {"bizstep", "BizStep", "business step", "step", S_bizsteps,
			    S_N(S_bizsteps)},
	[GT_CBV_DISP] = {"disp", "Disp", "disposition", "disposition", S_disps, S_N(S_disps)},
	[GT_CBV_BTT] = {"btt", "BTT", "business transaction type", "type", S_btts, S_N(S_btts)},
	[GT_CBV_SDT] = {"sdt", "SDT", "source/destination type", "type", S_sdts, S_N(S_sdts)},
	[GT_CBV_ER] = {"er", "ER", "error reason", "reason", S_ers, S_N(S_ers)},
};

/* The term s[0..n) of vocabulary v, or NULL. */
static const char *S_term(const S_vocab *v, const char *s, size_t n)
{
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->terms[i]) == n && memcmp(v->terms[i], s, n) == 0)
			return v->terms[i];
	return NULL;
}

/* in[0..n) names the term t[0..tn) of the vocabulary whose word (in the web
 * form if web, else the URN form) is kind[0..kn): the bare term into out
 * when that is a term of want, else the error. */
static int S_cbv_term(const S_vocab *want, const char *in, size_t n, const char *kind, size_t kn,
		      bool web, const char *t, size_t tn, char *out, gt_error *err)
{
	char s[72];
	for (size_t i = 0; i < S_N(S_vocabs); i++) {
		const S_vocab *v = &S_vocabs[i];
		const char *w = web ? v->web : v->urn;
		if (strlen(w) != kn || (web ? strncmp(w, kind, kn) : strncasecmp(w, kind, kn)) != 0)
			continue;
		const char *term = S_term(v, t, tn);
		if (term && v == want) {
			memcpy(out, term, tn + 1);
			return 0;
		}
		if (term)
			return gt_fail(err, GT_EINVAL, "%s is a CBV %s, not a %s", S_show(in, n, s),
				       v->what, want->what);
		break;
	}
	return gt_fail(err, GT_EINVAL, "%s is not a CBV %s", S_show(in, n, s), want->what);
}

int gt_epc_cbv(gt_cbv v, const char *in, char *out, size_t outlen, gt_error *err)
{
	char s[72], c[16];
	if ((unsigned)v >= S_N(S_vocabs))
		return gt_fail(err, GT_EINVAL, "unknown CBV vocabulary %d", (int)v);
	const S_vocab *voc = &S_vocabs[v];
	if (!in)
		return gt_fail(err, GT_EINVAL, "no %s", voc->what);
	size_t n = strnlen(in, outlen);
	if (n >= outlen)
		return gt_fail(err, GT_EINVAL, "the %s is over %zu bytes long", voc->what,
			       outlen ? outlen - 1 : 0);
	if (n == 0)
		return gt_fail(err, GT_EINVAL, "the %s is empty", voc->what);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch <= 0x20 || ch >= 0x7f)
			return gt_fail(
				err, GT_EINVAL,
				"position %zu: %s is not allowed in a %s (a URI is printable "
				"ASCII without spaces)",
				i + 1, S_char(ch, c), voc->what);
	}
	/* The URN form urn:epcglobal:cbv:<vocabulary>:<term>, the web form
	 * https://ref.gs1.org/cbv/<Vocabulary>-<term> and its JSON-LD compact
	 * form cbv:<Vocabulary>-<term>. */
	size_t at = 0;
	char sep = ':';
	if (S_starts(in, n, "urn:epcglobal:cbv:")) {
		at = 18;
	} else if (S_starts(in, n, "cbv:")) {
		at = 4;
		sep = '-';
	} else if (S_starts(in, n, "https://ref.gs1.org/cbv/") ||
		   S_starts(in, n, "http://ref.gs1.org/cbv/")) {
		at = in[4] == ':' ? 23 : 24;
		sep = '-';
		if (memcmp(in + at - 5, "/cbv/", 5) != 0)
			goto kept; /* the path is case-sensitive: /CBV/ is not GS1's */
	}
	if (at) {
		const char *k = in + at, *e = memchr(k, sep, n - at);
		if (!e)
			return gt_fail(err, GT_EINVAL, "%s is not a CBV %s", S_show(in, n, s),
				       voc->what);
		const char *t = e + 1;
		return S_cbv_term(voc, in, n, k, (size_t)(e - k), sep == '-', t,
				  n - (size_t)(t - in), out, err);
	}
	if (S_has_scheme(in, n))
		goto kept;
	const char *t = S_term(voc, in, n);
	if (!t)
		return gt_fail(err, GT_EINVAL, "%s is not a CBV %s; a %s of your own must be a URI",
			       S_show(in, n, s), voc->what, voc->own);
	memcpy(out, t, n + 1);
	return 0;
kept:
	memcpy(out, in, n);
	out[n] = 0;
	return 0;
}
