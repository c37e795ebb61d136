/* libFuzzer target: the GS1 code parser. Whatever it accepts must satisfy the
 * AI rules (checked here by code written apart from the parser's), the
 * derived fields must agree with the AIs, and the AIs re-rendered in
 * bracketed form must parse back to the same AIs. */
#include "core/json.h"
#include "trace/gs1.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 2026

/* The rules, as GS1's AI table states them. */
static const struct {
	const char *ai;
	size_t min, max;
	bool digits;
	char kind; /* 'c' check digit, 'd' date (day 00 allowed), 't' date and time, 0 */
} S_rules[] = {
	{"00", 18, 18, true, 'c'},  {"01", 14, 14, true, 'c'},	 {"02", 14, 14, true, 'c'},
	{"10", 1, 20, false, 0},    {"11", 6, 6, true, 'd'},	 {"15", 6, 6, true, 'd'},
	{"17", 6, 6, true, 'd'},    {"21", 1, 20, false, 0},	 {"22", 1, 20, false, 0},
	{"30", 1, 8, true, 0},	    {"37", 1, 8, true, 0},	 {"240", 1, 30, false, 0},
	{"241", 1, 30, false, 0},   {"250", 1, 30, false, 0},	 {"400", 1, 30, false, 0},
	{"414", 13, 13, true, 'c'}, {"7003", 10, 10, true, 't'}, {"8004", 1, 30, false, 0},
	{"8200", 1, 70, false, 0},
};

static int S_n(const char *s, size_t n)
{
	int x = 0;
	for (size_t i = 0; i < n; i++)
		x = x * 10 + s[i] - '0';
	return x;
}

static int S_days(int y, int m)
{
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2)
		return leap ? 29 : 28;
	return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

/* The year ending in yy within [NOW - 49, NOW + 50] (the GS1 century rule). */
static int S_year(int yy)
{
	for (int y = NOW - 49; y <= NOW + 50; y++)
		if (y % 100 == yy)
			return y;
	abort();
}

/* GS1's 82 characters, listed. */
static bool S_set82(char c)
{
	return c != 0 && strchr("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
				"abcdefghijklmnopqrstuvwxyz",
				c) != NULL;
}

/* abort() unless a's value satisfies its AI's rules. */
static void S_check_ai(const gt_gs1_ai *a)
{
	size_t k = 0, n = strlen(a->value);
	while (k < sizeof(S_rules) / sizeof(S_rules[0]) && strcmp(S_rules[k].ai, a->ai) != 0)
		k++;
	if (k == sizeof(S_rules) / sizeof(S_rules[0]) || n < S_rules[k].min || n > S_rules[k].max)
		abort();
	for (size_t i = 0; i < n; i++)
		if (S_rules[k].digits ? !(a->value[i] >= '0' && a->value[i] <= '9') :
					!S_set82(a->value[i]))
			abort();
	const char *v = a->value;
	if (S_rules[k].kind == 'c') {
		int sum = 0;
		for (size_t i = 0; i < n; i++)
			sum += (v[i] - '0') * ((n - i) % 2 == 0 ? 3 : 1);
		if (sum % 10 != 0)
			abort();
	} else if (S_rules[k].kind == 'd' || S_rules[k].kind == 't') {
		int y = S_year(S_n(v, 2)), m = S_n(v + 2, 2), d = S_n(v + 4, 2);
		if (m < 1 || m > 12 || d > S_days(y, m))
			abort();
		if (S_rules[k].kind == 't' && (d == 0 || S_n(v + 6, 2) > 23 || S_n(v + 8, 2) > 59))
			abort();
	}
}

/* The value of ai in g, or "". */
static const char *S_value(const gt_gs1 *g, const char *ai)
{
	for (size_t i = 0; i < g->n_ais; i++)
		if (strcmp(g->ais[i].ai, ai) == 0)
			return g->ais[i].value;
	return "";
}

static void S_check_result(const gt_gs1 *g, const uint8_t *data, size_t size)
{
	if (g->format == GT_GS1_CN_DRUG_CODE) {
		/* Twenty digits: the last ones of the input before any white space. */
		char d[21];
		snprintf(d, sizeof(d), "%s%s%s", g->cn_product_code, g->serial, g->cn_check_code);
		if (g->n_ais != 0 || strlen(d) != 20 || strspn(d, "0123456789") != 20)
			abort();
		size_t end = size;
		while (end > 0 && data[end - 1] && strchr(" \t\r\n\v\f", data[end - 1]))
			end--;
		if (end < 20 || memcmp(data + end - 20, d, 20) != 0)
			abort();
		return;
	}
	if (g->format != GT_GS1_ELEMENT_STRING && g->format != GT_GS1_DIGITAL_LINK)
		abort();
	if (g->n_ais < 1 || g->n_ais > GT_GS1_MAX_AIS || *g->cn_product_code || *g->cn_check_code)
		abort();
	for (size_t i = 0; i < g->n_ais; i++) {
		S_check_ai(&g->ais[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(g->ais[i].ai, g->ais[j].ai) == 0)
				abort(); /* a repeat is dropped or refused */
	}
	if (strcmp(g->gtin, S_value(g, "01")) || strcmp(g->lot, S_value(g, "10")) ||
	    strcmp(g->serial, S_value(g, "21")))
		abort();
	const char *e = S_value(g, "17");
	char want[16] = "";
	if (*e) {
		int y = S_year(S_n(e, 2)), m = S_n(e + 2, 2), d = S_n(e + 4, 2);
		snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d ? d : S_days(y, m));
	}
	if (strcmp(g->expiry, want) != 0)
		abort();
	if (g->format == GT_GS1_DIGITAL_LINK && !*S_value(g, "01") && !*S_value(g, "00") &&
	    !*S_value(g, "414") && !*S_value(g, "8004"))
		abort(); /* a Digital Link has a primary key */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gt_gs1 g, back;
	gt_error err = {0};
	int rc = gt_gs1_parse((const char *)data, size, NOW, &g, &err);
	if (rc < 0) {
		if ((rc != GT_EINVAL && rc != GT_ETOOBIG) || !err.msg[0])
			abort();
		if (rc == GT_ETOOBIG && size <= GT_GS1_MAX_INPUT && !strstr(err.msg, "more than"))
			abort();
		return 0;
	}
	if (size > GT_GS1_MAX_INPUT)
		abort();
	S_check_result(&g, data, size);

	/* Bracketed form, parsed again: the same AIs and fields. */
	gt_buf b = GT_BUF_INIT;
	if (gt_gs1_bracketed(&g, &b) < 0)
		abort();
	if (g.format != GT_GS1_CN_DRUG_CODE) {
		if (gt_gs1_parse((const char *)b.data, b.len, NOW, &back, &err) < 0) {
			fprintf(stderr, "re-parsing %s: %s\n", (const char *)b.data, err.msg);
			abort();
		}
		if (back.format != GT_GS1_ELEMENT_STRING || back.n_ais != g.n_ais)
			abort();
		for (size_t i = 0; i < g.n_ais; i++)
			if (strcmp(back.ais[i].ai, g.ais[i].ai) ||
			    strcmp(back.ais[i].value, g.ais[i].value))
				abort();
		if (strcmp(back.gtin, g.gtin) || strcmp(back.lot, g.lot) ||
		    strcmp(back.serial, g.serial) || strcmp(back.expiry, g.expiry))
			abort();
	} else if (b.len != 0) {
		abort();
	}
	gt_buf_done(&b);

	/* The JSON written is canonical text. */
	gt_buf text = GT_BUF_INIT, t = GT_BUF_INIT;
	gt_jw w;
	gt_jw_init(&w, &text);
	gt_gs1_write(&g, &w);
	json_t *j = gt_jw_error(&w) ? NULL : json_loads((const char *)text.data, 0, NULL);
	if (!j || gt_json_canonical(j, &t, NULL) < 0 || !json_is_array(json_object_get(j, "ais")) ||
	    json_array_size(json_object_get(j, "ais")) != g.n_ais || t.len != text.len ||
	    memcmp(t.data, text.data, t.len) != 0)
		abort();
	json_decref(j);
	gt_buf_done(&t);
	gt_buf_done(&text);
	return 0;
}
