/* Unit tests for the GS1 code parser (src/trace/gs1.c): check digits, every
 * AI's rules, dates and the century rule, every input form, separators,
 * repeats, unknown AIs, Chinese drug codes, limits and exact messages. */
#include <criterion/criterion.h>

#include "core/json.h"
#include "trace/gs1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YEAR 2026

/* Parse s (as a whole) in YEAR. */
static int S_parse_n(const char *s, size_t n, gt_gs1 *g, gt_error *e)
{
	return gt_gs1_parse(s, n, YEAR, g, e);
}

/* s must parse; returns the result in *g. */
static void S_ok(const char *s, gt_gs1 *g)
{
	gt_error e = {0};
	int rc = S_parse_n(s, strlen(s), g, &e);
	cr_assert_eq(rc, 0, "\"%s\" was refused: %s", s, e.msg);
}

/* s must be refused with code and exactly the message want. */
static void S_fails_n(const char *s, size_t n, int code, const char *want)
{
	gt_gs1 g;
	gt_error e = {0};
	int rc = S_parse_n(s, n, &g, &e);
	cr_assert_eq(rc, code, "\"%s\": expected %d, got %d (%s)", s, code, rc, e.msg);
	cr_assert_str_eq(e.msg, want, "\"%s\"\n got:  %s\n want: %s", s, e.msg, want);
}

static void S_fails(const char *s, const char *want)
{
	S_fails_n(s, strlen(s), GT_EINVAL, want);
}

/* The AIs of g, as "(ai)value" one after another (no escapes). */
static const char *S_ais(const gt_gs1 *g)
{
	static char out[4096];
	size_t n = 0;
	out[0] = 0;
	for (size_t i = 0; i < g->n_ais; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "(%s)%s", g->ais[i].ai,
				      g->ais[i].value);
	return out;
}

/* s parses to exactly the AIs want (written as S_ais writes them). */
static void S_ais_are(const char *s, const char *want)
{
	gt_gs1 g;
	S_ok(s, &g);
	cr_assert_str_eq(S_ais(&g), want, "AIs of \"%s\"", s);
}

/* The JSON of g, which must be canonical already. */
static char *S_json(const gt_gs1 *g)
{
	gt_buf b = GT_BUF_INIT, c = GT_BUF_INIT;
	gt_jw w;
	gt_jw_init(&w, &b);
	gt_gs1_write(g, &w);
	cr_assert_eq(gt_jw_error(&w), 0);
	json_t *j = json_loads((const char *)b.data, 0, NULL);
	cr_assert(j, "not JSON: %s", b.data);
	cr_assert_eq(gt_json_canonical(j, &c, NULL), 0);
	json_decref(j);
	cr_assert_str_eq((const char *)b.data, (const char *)c.data, "not canonical");
	gt_buf_done(&c);
	return (char *)b.data;
}

/* What AI ai needs beside it to keep the rules for combining AIs, in bracketed
 * form: appended after "(ai)value", it leaves the positions of ai's value as
 * they are. */
static const char *S_with(const char *ai)
{
	static const struct {
		const char *ai, *with;
	} w[] = {
		{"02", "(37)1(00)106141411234567897"},
		{"37", "(00)106141411234567897(02)09506000134369"},
		{"250", "(01)09506000134352(21)1"},
		{"00", ""},
		{"01", ""},
		{"400", ""},
		{"414", ""},
		{"8004", ""},
	};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strcmp(w[i].ai, ai) == 0)
			return w[i].with;
	return "(01)09506000134352"; /* 10 11 15 17 21 22 30 240 241 7003 8200 */
}

static const char S_supported[] = "(goodtrace reads AIs 00, 01, 02, 10, 11, 15, 17, 21, 22, 30, "
				  "37, 240, 241, 250, 400, 414, 7003, 8004 and 8200)";

/* ---- the issue's examples ---------------------------------------------- */

Test(gs1, issue_bracketed_example)
{
	gt_gs1 g;
	S_ok("(01)09506000134352(17)271231(10)ABC123(21)0001", &g);
	cr_assert_eq(g.format, GT_GS1_ELEMENT_STRING);
	cr_assert_str_eq(S_ais(&g), "(01)09506000134352(17)271231(10)ABC123(21)0001");
	cr_assert_str_eq(g.gtin, "09506000134352");
	cr_assert_str_eq(g.lot, "ABC123");
	cr_assert_str_eq(g.serial, "0001");
	cr_assert_str_eq(g.expiry, "2027-12-31");
	cr_assert_str_eq(g.cn_product_code, "");
	char *j = S_json(&g);
	cr_assert_str_eq(j, "{\"ais\":[{\"ai\":\"01\",\"value\":\"09506000134352\"},"
			    "{\"ai\":\"17\",\"value\":\"271231\"},{\"ai\":\"10\",\"value\":"
			    "\"ABC123\"},{\"ai\":\"21\",\"value\":\"0001\"}],\"expiry\":"
			    "\"2027-12-31\",\"format\":\"element_string\",\"gtin\":"
			    "\"09506000134352\",\"lot\":\"ABC123\",\"serial\":\"0001\"}");
	free(j);
}

Test(gs1, issue_digital_link_example)
{
	gt_gs1 g;
	S_ok("https://example.org/01/09506000134352/10/ABC123/21/0001?17=271231", &g);
	cr_assert_eq(g.format, GT_GS1_DIGITAL_LINK);
	cr_assert_str_eq(S_ais(&g), "(01)09506000134352(10)ABC123(21)0001(17)271231");
	cr_assert_str_eq(g.gtin, "09506000134352");
	cr_assert_str_eq(g.lot, "ABC123");
	cr_assert_str_eq(g.serial, "0001");
	cr_assert_str_eq(g.expiry, "2027-12-31");
	char *j = S_json(&g);
	cr_assert_str_eq(j, "{\"ais\":[{\"ai\":\"01\",\"value\":\"09506000134352\"},"
			    "{\"ai\":\"10\",\"value\":\"ABC123\"},{\"ai\":\"21\",\"value\":"
			    "\"0001\"},{\"ai\":\"17\",\"value\":\"271231\"}],\"expiry\":"
			    "\"2027-12-31\",\"format\":\"digital_link\",\"gtin\":"
			    "\"09506000134352\",\"lot\":\"ABC123\",\"serial\":\"0001\"}");
	free(j);
}

Test(gs1, issue_separated_examples)
{
	static const char *forms[] = {
		"0109506000134352172712311"
		"0ABC123\x1d"
		"210001",
		"0109506000134352172712311"
		"0ABC123^210001",
		"]d20109506000134352172712311"
		"0ABC123\x1d"
		"210001",
		"]Q30109506000134352172712311"
		"0ABC123\x1d"
		"210001",
		"]C10109506000134352172712311"
		"0ABC123\x1d"
		"210001",
		"]e00109506000134352172712311"
		"0ABC123\x1d"
		"210001",
		"^0109506000134352172712311"
		"0ABC123^210001",
		"]C1\x1d"
		"0109506000134352172712311"
		"0ABC123\x1d"
		"210001",
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		gt_gs1 g;
		S_ok(forms[i], &g);
		cr_assert_eq(g.format, GT_GS1_ELEMENT_STRING);
		cr_assert_str_eq(S_ais(&g), "(01)09506000134352(17)271231(10)ABC123(21)0001",
				 "form %zu", i);
		cr_assert_str_eq(g.expiry, "2027-12-31");
		cr_assert_str_eq(g.lot, "ABC123");
		cr_assert_str_eq(g.serial, "0001");
	}
}

Test(gs1, issue_chinese_example)
{
	gt_gs1 g;
	S_ok("81234560123456789012", &g);
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	cr_assert_eq(g.n_ais, 0);
	cr_assert_str_eq(g.cn_product_code, "8123456");
	cr_assert_str_eq(g.serial, "012345678");
	cr_assert_str_eq(g.cn_check_code, "9012");
	cr_assert_str_eq(g.gtin, "");
	char *j = S_json(&g);
	cr_assert_str_eq(j, "{\"ais\":[],\"cn_product_code\":\"8123456\",\"format\":"
			    "\"cn_drug_code\",\"serial\":\"012345678\"}");
	free(j);
}

/* ---- check digits ------------------------------------------------------ */

Test(gs1, check_digit_function)
{
	cr_assert_eq(gt_gs1_check_digit("0950600013435", 13), 2);
	cr_assert_eq(gt_gs1_check_digit("400638133393", 12), 1);
	cr_assert_eq(gt_gs1_check_digit("03600029145", 11), 2);
	cr_assert_eq(gt_gs1_check_digit("9638507", 7), 4);
	cr_assert_eq(gt_gs1_check_digit("10614141123456789", 17), 7);
	cr_assert_eq(gt_gs1_check_digit("950600000000", 12), 8);
	cr_assert_eq(gt_gs1_check_digit("0000000000000", 13), 0);
}

/* Every wrong last digit of the key value (written after "(ai)") is refused
 * with the right digit named; the right one is accepted. */
static void S_every_digit(const char *ai, const char *value, const char *name)
{
	size_t n = strlen(value);
	char in[64], want[160];
	snprintf(in, sizeof(in), "(%s)%s%s", ai, value, S_with(ai));
	gt_gs1 g;
	S_ok(in, &g);
	cr_assert_str_eq(g.ais[0].value, value);
	char right = value[n - 1];
	for (char d = '0'; d <= '9'; d++) {
		if (d == right)
			continue;
		in[strlen(ai) + 2 + n - 1] = d;
		snprintf(want, sizeof(want),
			 "AI (%s) at position %zu: check digit of %s %.*s should be %c", ai,
			 strlen(ai) + 3, name, (int)n, in + strlen(ai) + 2, right);
		S_fails(in, want);
	}
}

Test(gs1, check_digits_gtin_sscc_gln)
{
	S_every_digit("01", "09506000134352", "GTIN");
	S_every_digit("01", "04006381333931", "GTIN");
	S_every_digit("01", "00036000291452", "GTIN");
	S_every_digit("01", "00000096385074", "GTIN");
	S_every_digit("02", "09506000134369", "GTIN");
	S_every_digit("00", "106141411234567897", "SSCC");
	S_every_digit("414", "9506000000008", "GLN");
	S_every_digit("414", "0614141000012", "GLN");
}

Test(gs1, check_digit_message_in_separated_form)
{
	S_fails("0109506000134353", "AI (01) at position 3: check digit of GTIN 09506000134353 "
				    "should be 2");
}

/* ---- every AI: valid, too long, too short, wrong characters ------------ */

struct ai_case {
	const char *ai;
	const char *valid;
	const char *too_long;
	const char *too_long_msg; /* after "AI (ai) at position P: "; "" for no limit tested */
	const char *too_short;	  /* "" for variable-length AIs */
	const char *too_short_msg;
	const char *bad; /* one wrong character at index bad_at */
	size_t bad_at;
	const char *bad_msg; /* after "AI (ai) at position P: " */
};

#define X82 "is not in the GS1 character set (the 82 characters GS1 allows in values)"

static const struct ai_case S_cases[] = {
	{"00", "106141411234567897", "1061414112345678970",
	 "\"1061414112345678970\" must be exactly 18 digits, not 19", "10614141123456789",
	 "\"10614141123456789\" must be exactly 18 digits, not 17", "10614141123456789A", 17,
	 "'A' is not a digit"},
	{"01", "09506000134352", "095060001343520",
	 "\"095060001343520\" must be exactly 14 "
	 "digits, not 15",
	 "0950600013435", "\"0950600013435\" must be exactly 14 digits, not 13", "0950600013435x",
	 13, "'x' is not a digit"},
	{"02", "09506000134369", "095060001343690",
	 "\"095060001343690\" must be exactly 14 "
	 "digits, not 15",
	 "0950600013436", "\"0950600013436\" must be exactly 14 digits, not 13", "09506-00134369",
	 5, "'-' is not a digit"},
	{"10", "AZaz09!\"%&'*+,-./:;<", "ABCDEFGHIJKLMNOPQRSTU",
	 "\"ABCDEFGHIJKLMNOPQRSTU\" is 21 characters long, over the maximum of 20", "",
	 "the value is empty", "AB#C", 2, "'#' " X82},
	{"11", "270101", "2701011", "\"2701011\" must be exactly 6 digits, not 7", "27010",
	 "\"27010\" must be exactly 6 digits, not 5", "27O101", 2, "'O' is not a digit"},
	{"15", "270100", "2701001", "\"2701001\" must be exactly 6 digits, not 7", "27010",
	 "\"27010\" must be exactly 6 digits, not 5", "2701 1", 4, "a space is not a digit"},
	{"17", "271231", "2712311", "\"2712311\" must be exactly 6 digits, not 7", "2712",
	 "\"2712\" must be exactly 6 digits, not 4", "27123A", 5, "'A' is not a digit"},
	{"21", "=>?_ABCxyz0123456789", "012345678901234567890",
	 "\"012345678901234567890\" is 21 characters long, over the maximum of 20", "",
	 "the value is empty", "AB$C", 2, "'$' " X82},
	{"22", "CPV-1", "CPV-1CPV-1CPV-1CPV-1C",
	 "\"CPV-1CPV-1CPV-1CPV-1C\" is 21 characters long, over the maximum of 20", "",
	 "the value is empty", "CPV@1", 3, "'@' " X82},
	{"30", "12345678", "123456789", "\"123456789\" is 9 digits long, over the maximum of 8", "",
	 "the value is empty", "12a4", 2, "'a' is not a digit"},
	{"37", "1", "000000001", "\"000000001\" is 9 digits long, over the maximum of 8", "",
	 "the value is empty", "1.5", 1, "'.' is not a digit"},
	{"240", "ADDITIONAL-ID-123456789012345", "0123456789012345678901234567890",
	 "\"0123456789012345678901234567890\" is 31 characters long, over the maximum of 30", "",
	 "the value is empty", "A[1]", 1, "'[' " X82},
	{"241", "PART/42", "0123456789012345678901234567890",
	 "\"0123456789012345678901234567890\" is 31 characters long, over the maximum of 30", "",
	 "the value is empty", "PART{42", 4, "'{' " X82},
	{"250", "S2", "0123456789012345678901234567890",
	 "\"0123456789012345678901234567890\" is 31 characters long, over the maximum of 30", "",
	 "the value is empty", "S~2", 1, "'~' " X82},
	{"400", "PO 1", "", "", "", "the value is empty", "PO|1", 2, "'|' " X82},
	{"414", "9506000000008", "95060000000080",
	 "\"95060000000080\" must be exactly 13 digits, "
	 "not 14",
	 "950600000000", "\"950600000000\" must be exactly 13 digits, not 12", "95060000+0008", 8,
	 "'+' is not a digit"},
	{"7003", "2712312359", "27123123590", "\"27123123590\" must be exactly 10 digits, not 11",
	 "271231235", "\"271231235\" must be exactly 10 digits, not 9", "271231T359", 6,
	 "'T' is not a digit"},
	{"8004", "0614141ASSET-1", "0123456789012345678901234567890",
	 "\"0123456789012345678901234567890\" is 31 characters long, over the maximum of 30", "",
	 "the value is empty", "0614141`1", 7, "'`' " X82},
	{"8200", "http://example.com/a?b=c&d=e", "", "", "", "the value is empty",
	 "http://example.com/#x", 19, "'#' " X82},
};

/* "(ai)value" and what ai needs beside it into out (not inlined: GCC with
 * ASan misjudges the table's strings as null). */
__attribute__((noinline)) static void S_code(char *out, size_t size, const char *ai,
					     const char *value)
{
	snprintf(out, size, "(%s)%s%s", ai, value, S_with(ai));
}

Test(gs1, every_ai_rules)
{
	char in[256], want[512];
	for (size_t i = 0; i < sizeof(S_cases) / sizeof(S_cases[0]); i++) {
		const struct ai_case *c = &S_cases[i];
		size_t vpos = strlen(c->ai) + 3; /* after "(ai)" */
		gt_gs1 g;
		gt_error e = {0};
		S_code(in, sizeof(in), c->ai, c->valid);
		if (strcmp(c->ai, "400") == 0) {
			/* spaces are not allowed: a space inside is refused */
			S_fails(in, "AI (400) at position 8: a space " X82);
			snprintf(in, sizeof(in), "(400)PO-1");
		}
		cr_assert_eq(S_parse_n(in, strlen(in), &g, &e), 0, "%s: %s", in, e.msg);
		cr_assert_str_eq(g.ais[0].ai, c->ai);
		if (*c->too_long) {
			S_code(in, sizeof(in), c->ai, c->too_long);
			snprintf(want, sizeof(want), "AI (%s) at position %zu: %s", c->ai, vpos,
				 c->too_long_msg);
			S_fails(in, want);
		}
		S_code(in, sizeof(in), c->ai, c->too_short);
		snprintf(want, sizeof(want), "AI (%s) at position %zu: %s", c->ai, vpos,
			 c->too_short_msg);
		S_fails(in, want);
		S_code(in, sizeof(in), c->ai, c->bad);
		snprintf(want, sizeof(want), "AI (%s) at position %zu: %s", c->ai, vpos + c->bad_at,
			 c->bad_msg);
		S_fails(in, want);
	}
}

Test(gs1, max_lengths_exactly)
{
	char in[192];
	struct {
		const char *ai;
		size_t max;
		char fill;
	} m[] = {{"10", 20, 'A'},  {"21", 20, 'b'},   {"22", 20, '9'},	{"30", 8, '1'},
		 {"37", 8, '2'},   {"240", 30, 'x'},  {"241", 30, 'y'}, {"250", 30, 'z'},
		 {"400", 30, '-'}, {"8004", 30, '7'}, {"8200", 70, '/'}};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		for (size_t n = 1; n <= m[i].max + 1; n++) {
			int k = snprintf(in, sizeof(in), "(%s)", m[i].ai);
			memset(in + k, m[i].fill, n);
			snprintf(in + k + (int)n, sizeof(in) - (size_t)k - n, "%s",
				 S_with(m[i].ai));
			gt_gs1 g;
			int rc = S_parse_n(in, strlen(in), &g, NULL);
			cr_assert_eq(rc, n <= m[i].max ? 0 : GT_EINVAL, "AI %s, %zu characters",
				     m[i].ai, n);
			if (rc == 0)
				cr_assert_eq(strlen(g.ais[0].value), n);
		}
	}
}

Test(gs1, character_set_82_exactly)
{
	static const char set82[] = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
				    "abcdefghijklmnopqrstuvwxyz";
	cr_assert_eq(strlen(set82), 82);
	for (int ch = 0; ch < 256; ch++) {
		if (ch == 0x1d || ch == '^')
			continue; /* separators */
		char in[32] = {'1', '0', 'A', (char)ch, 'B'};
		memcpy(in + 5, "^0109506000134352", 17); /* 10 needs 01 or 02 */
		gt_gs1 g;
		gt_error e = {0};
		int rc = S_parse_n(in, 22, &g, &e);
		bool allowed = ch != 0 && strchr(set82, ch) != NULL;
		cr_assert_eq(rc, allowed ? 0 : GT_EINVAL, "byte 0x%02X: %s", ch, e.msg);
		if (allowed)
			cr_assert_eq(g.ais[0].value[1], ch);
		else
			cr_assert(strncmp(e.msg, "AI (10) at position 4: ", 23) == 0, "%s", e.msg);
	}
	S_fails_n("10A\0B", 5, GT_EINVAL, "AI (10) at position 4: byte 0x00 " X82);
	S_fails_n("10A\x80"
		  "B",
		  5, GT_EINVAL, "AI (10) at position 4: byte 0x80 " X82);
	S_fails_n("10A\x7f"
		  "B",
		  5, GT_EINVAL, "AI (10) at position 4: byte 0x7F " X82);
}

/* ---- dates ------------------------------------------------------------- */

/* The expiry derived from (17)yymmdd in current year now, or NULL if refused. */
static const char *S_expiry(const char *yymmdd, int now)
{
	static gt_gs1 g;
	char in[48];
	snprintf(in, sizeof(in), "(17)%s(01)09506000134352", yymmdd);
	if (gt_gs1_parse(in, strlen(in), now, &g, NULL) < 0)
		return NULL;
	return g.expiry;
}

Test(gs1, dates_refused)
{
	S_fails("(17)271341", "AI (17) at position 5: \"271341\" is not a date (month 13)");
	S_fails("(17)270001", "AI (17) at position 5: \"270001\" is not a date (month 00)");
	S_fails("(17)271232", "AI (17) at position 5: \"271232\" is not a date (day 32)");
	S_fails("(17)270229",
		"AI (17) at position 5: \"270229\" is not a date (February 2027 has 28 days)");
	S_fails("(17)270431",
		"AI (17) at position 5: \"270431\" is not a date (April 2027 has 30 days)");
	S_fails("(11)270230",
		"AI (11) at position 5: \"270230\" is not a date (February 2027 has 28 days)");
	S_fails("(15)279901", "AI (15) at position 5: \"279901\" is not a date (month 99)");
	/* The issue's example, in the separated form: the position is the value's. */
	S_fails("010950600013435217271341",
		"AI (17) at position 19: \"271341\" is not a date (month 13)");
}

Test(gs1, dates_day_00_is_end_of_month)
{
	cr_assert_str_eq(S_expiry("270100", YEAR), "2027-01-31");
	cr_assert_str_eq(S_expiry("270200", YEAR), "2027-02-28");
	cr_assert_str_eq(S_expiry("280200", YEAR), "2028-02-29"); /* leap */
	cr_assert_str_eq(S_expiry("000200", YEAR), "2000-02-29"); /* divisible by 400 */
	cr_assert_str_eq(S_expiry("000200", 2060), "2100-02-28"); /* 2100 is not leap */
	cr_assert_str_eq(S_expiry("270400", YEAR), "2027-04-30");
	cr_assert_str_eq(S_expiry("271100", YEAR), "2027-11-30");
	cr_assert_str_eq(S_expiry("271200", YEAR), "2027-12-31");
	cr_assert_str_eq(S_expiry("280229", YEAR), "2028-02-29");
	cr_assert_null(S_expiry("270229", YEAR));
	cr_assert_null(S_expiry("000229", 2060)); /* 2100-02-29 does not exist */
	cr_assert_str_eq(S_expiry("000229", 2049), "2000-02-29");
	/* 11 and 15 take day 00 too, but only 17 is the expiry. */
	gt_gs1 g;
	S_ok("(01)09506000134352(11)270200(15)280200", &g);
	cr_assert_str_eq(g.expiry, "");
}

Test(gs1, century_rule_boundaries)
{
	/* GS1 General Specifications 7.12: YY 51..99 years ahead of the
	 * current YY is the previous century; 50..99 behind, the next. */
	cr_assert_str_eq(S_expiry("760101", 2026), "2076-01-01"); /* +50 */
	cr_assert_str_eq(S_expiry("770101", 2026), "1977-01-01"); /* +51 */
	cr_assert_str_eq(S_expiry("260101", 2026), "2026-01-01");
	cr_assert_str_eq(S_expiry("000101", 2026), "2000-01-01");
	cr_assert_str_eq(S_expiry("990101", 2026), "1999-01-01");
	cr_assert_str_eq(S_expiry("250101", 2075), "2125-01-01"); /* -50 */
	cr_assert_str_eq(S_expiry("260101", 2075), "2026-01-01"); /* -49 */
	cr_assert_str_eq(S_expiry("500101", 2000), "2050-01-01");
	cr_assert_str_eq(S_expiry("510101", 2000), "1951-01-01");
	cr_assert_str_eq(S_expiry("490101", 2099), "2149-01-01");
	cr_assert_str_eq(S_expiry("500101", 2099), "2050-01-01");
	cr_assert_str_eq(S_expiry("990101", 2049), "2099-01-01");
	cr_assert_str_eq(S_expiry("000101", 2050), "2100-01-01");
	gt_gs1 g;
	gt_error e = {0};
	cr_assert_eq(gt_gs1_parse("(17)270101", 10, 999, &g, &e), GT_EINVAL);
	cr_assert_str_eq(e.msg, "the current year 999 is out of range (1000 to 9899)");
	cr_assert_eq(gt_gs1_parse("(17)270101", 10, 9900, &g, NULL), GT_EINVAL);
	cr_assert_eq(gt_gs1_parse("(01)09506000134352(17)270101", 28, 1000, &g, NULL), 0);
	cr_assert_str_eq(g.expiry, "1027-01-01");
}

Test(gs1, date_and_time_7003)
{
	S_ais_are("(01)09506000134352(7003)2712312359", "(01)09506000134352(7003)2712312359");
	S_ais_are("(7003)2802291200(01)09506000134352", "(7003)2802291200(01)09506000134352");
	S_fails("(7003)2712312400",
		"AI (7003) at position 7: \"2712312400\" is not a date and time (hour 24)");
	S_fails("(7003)2712312360",
		"AI (7003) at position 7: \"2712312360\" is not a date and time (minute 60)");
	S_fails("(7003)2712000000",
		"AI (7003) at position 7: \"2712000000\" is not a date and time (day 00)");
	S_fails("(7003)2713010000",
		"AI (7003) at position 7: \"2713010000\" is not a date and time (month 13)");
	S_fails("(7003)2702290000", "AI (7003) at position 7: \"2702290000\" is not a date and "
				    "time (February 2027 has 28 days)");
}

/* ---- the forms --------------------------------------------------------- */

Test(gs1, bracketed_details)
{
	/* Spaces around AIs, escaped '(' in a value, ')' in a value. */
	S_ais_are("(01) 09506000134352 (10) ABC", "(01)09506000134352(10)ABC");
	S_ais_are("(01)09506000134352(10)A\\(B)C(21)1", "(01)09506000134352(10)A(B)C(21)1");
	S_fails("(10)A(B)",
		"position 6: expected an AI of 2 to 4 digits in brackets, such as (01)");
	S_fails("(1)2", "position 1: expected an AI of 2 to 4 digits in brackets, such as (01)");
	S_fails("(01234)2",
		"position 1: expected an AI of 2 to 4 digits in brackets, such as (01)");
	S_fails("(01", "position 1: expected an AI of 2 to 4 digits in brackets, such as (01)");
	S_fails("(10)(21)1", "AI (10) at position 5: the value is empty");
	S_fails("(10)A B", "AI (10) at position 6: a space " X82);
	S_fails("(10)A\\B", "AI (10) at position 6: '\\' " X82);
	/* No separators needed or allowed in the bracketed form. */
	S_fails("(10)A^(21)1", "AI (10) at position 6: '^' " X82);
	/* A fixed-length value that runs on is too long, not split. */
	S_fails("(01)095060001343521012",
		"AI (01) at position 5: \"095060001343521012\" must be exactly 14 digits, not 18");
	S_fails("(01)0950600013435210ABC", "AI (01) at position 21: 'A' is not a digit");
}

Test(gs1, separated_details)
{
	/* A separator after a predefined-length AI is allowed (not needed). */
	S_ais_are("0109506000134352^210001", "(01)09506000134352(21)0001");
	S_ais_are("0109506000134352^10A^210001", "(01)09506000134352(10)A(21)0001");
	/* Fixed-length AIs follow each other directly. */
	S_ais_are("0109506000134352172712311127010115270101", "(01)09506000134352(17)271231"
							      "(11)270101(15)270101");
	S_ais_are("4149506000000008400X", "(414)9506000000008(400)X");
	S_fails("0109506000134352^^10A", "position 18: two separators in a row");
	S_fails("^^0109506000134352", "position 2: two separators in a row");
	S_fails("0109506000134352^10A^",
		"position 21: a separator ends the data (it must be followed by an AI)");
	S_fails("^", "position 2: no element strings");
	S_fails("]d2", "position 4: no element strings");
	S_fails("01095060001343", "AI (01) at position 3: \"095060001343\" must be exactly 14 "
				  "digits, not 12");
	S_fails("0109506000134352X", "position 17: expected an AI (2 to 4 digits), found 'X'");
	S_fails("0109506000134352"
		"1",
		"position 17: the input ends inside an AI");
	S_fails("010950600013435224", "position 17: the input ends inside an AI of 3 digits");
	S_fails("010950600013435224A0",
		"position 19: 'A' where an AI of 3 digits starting 24 needs a digit");
	S_fails("]d2(01)09506000134352", "position 4: expected an AI (2 to 4 digits), found '('");
}

Test(gs1, missing_separators)
{
	/* The run after a variable-length AI is too long: where the separator is missing. */
	S_fails("010950600013435210ABC1232100012345678901234",
		"AI (10) at position 17 is variable-length and must be followed by a separator "
		"(GS or ^) before AI (21) at position 25");
	/* A numeric AI running into the next AI's letters. */
	S_fails("0109506000134352301210ABC",
		"AI (30) at position 17 is variable-length and must be followed by a separator "
		"(GS or ^) before AI (10) at position 21");
	/* 7003 has a fixed length but is not in the predefined-length table. */
	S_fails("0109506000134352700327123123591"
		"0ABC",
		"AI (7003) at position 17 is not of predefined length and must be followed by a "
		"separator (GS or ^) before AI (10) at position 31");
	S_ais_are("0109506000134352"
		  "7003"
		  "2712312359"
		  "^"
		  "10ABC",
		  "(01)09506000134352(7003)2712312359(10)ABC");
	/* Too long, and no place where a separator would make it valid. */
	S_fails("10ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"AI (10) at position 3: \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\" is 26 characters long, "
		"over the maximum of 20 (is a separator, GS or ^, missing after it?)");
	/* Short enough: the next AI cannot be told from the value (documented). */
	S_ais_are("010950600013435210ABC123210001", "(01)09506000134352(10)ABC123210001");
}

Test(gs1, aim_identifiers)
{
	S_ais_are("]C101095060001343521"
		  "0A",
		  "(01)09506000134352(10)A");
	S_ais_are("]e00109506000134352", "(01)09506000134352");
	S_ais_are("]d200106141411234567897", "(00)106141411234567897");
	S_ais_are("]Q30109506000134352", "(01)09506000134352");
	S_fails("]X10109506000134352", "position 1: unknown AIM symbology identifier (GS1 data "
				       "starts ]C1, ]e0, ]d2 or ]Q3; found ']' 'X' '1')");
	S_fails("]d", "position 1: unknown AIM symbology identifier (GS1 data starts ]C1, ]e0, "
		      "]d2 or ]Q3; found ']' 'd' )");
	S_fails("]C0ABC", "position 1: ]C0 marks data that is not GS1 element strings: expected "
			  "a GS1 Digital Link URI or a 20-digit Chinese drug traceability code "
			  "after it");
	/* Non-GS1 symbols carry a Digital Link or a Chinese drug code. */
	gt_gs1 g;
	S_ok("]Q1https://example.org/01/09506000134352", &g);
	cr_assert_eq(g.format, GT_GS1_DIGITAL_LINK);
	cr_assert_str_eq(g.gtin, "09506000134352");
	S_ok("]C081234560123456789012", &g);
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	cr_assert_str_eq(g.cn_product_code, "8123456");
	S_ok("]d101095060001343521012", &g); /* 20 digits after ]d1: not GS1 */
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
}

Test(gs1, digital_link_forms)
{
	gt_gs1 g;
	S_ok("https://example.org/01/09506000134352", &g);
	cr_assert_str_eq(S_ais(&g), "(01)09506000134352");
	cr_assert_str_eq(g.lot, "");
	S_ok("http://id.gs1.org/01/09506000134352/21/0001", &g);
	cr_assert_str_eq(g.serial, "0001");
	S_ok("HTTPS://ID.EXAMPLE.COM/01/09506000134352/10/ABC", &g);
	cr_assert_str_eq(g.lot, "ABC");
	S_ok("https://id.example.com/some/prefix/01/09506000134352/22/V1/10/L1/21/S1", &g);
	cr_assert_str_eq(S_ais(&g), "(01)09506000134352(22)V1(10)L1(21)S1");
	S_ok("https://example.org:8443/01/09506000134352?17=270200&linkType=all&lang=zh&x", &g);
	cr_assert_str_eq(S_ais(&g), "(01)09506000134352(17)270200");
	cr_assert_str_eq(g.expiry, "2027-02-28");
	S_ok("https://example.org/01/09506000134352/10/ABC#fragment?21=ignored", &g);
	cr_assert_str_eq(S_ais(&g), "(01)09506000134352(10)ABC");
	S_ok("https://example.org/01/09506000134352?&&17=271231&", &g);
	cr_assert_str_eq(g.expiry, "2027-12-31");
	/* Other keys and attributes. */
	S_ais_are("https://example.org/00/106141411234567897?400=PO1",
		  "(00)106141411234567897(400)PO1");
	S_ais_are("https://example.org/414/9506000000008", "(414)9506000000008");
	S_ais_are("https://example.org/8004/0614141ASSET?400=PO1", "(8004)0614141ASSET(400)PO1");
	S_ais_are("https://example.org/01/09506000134352/21/S1?30=12&240=A&241=B&250=C&11=270101&"
		  "15=270100&7003=2712312359&8200=x",
		  "(01)09506000134352(21)S1(30)12(240)A(241)B(250)C(11)270101(15)270100"
		  "(7003)2712312359(8200)x");
	S_ais_are("https://example.org/00/106141411234567897?02=09506000134369&37=5&10=L",
		  "(00)106141411234567897(02)09506000134369(37)5(10)L");
}

Test(gs1, digital_link_short_gtins)
{
	gt_gs1 g;
	S_ok("https://example.org/01/4006381333931", &g); /* GTIN-13 */
	cr_assert_str_eq(g.gtin, "04006381333931");
	S_ok("https://example.org/01/036000291452", &g); /* GTIN-12 */
	cr_assert_str_eq(g.gtin, "00036000291452");
	S_ok("https://example.org/01/96385074/10/L", &g); /* GTIN-8 */
	cr_assert_str_eq(g.gtin, "00000096385074");
	cr_assert_str_eq(S_ais(&g), "(01)00000096385074(10)L");
	S_fails("https://example.org/01/4006381333932",
		"AI (01) at position 24: check digit of GTIN 04006381333932 should be 1");
	S_fails("https://example.org/01/40063813339",
		"AI (01) at position 24: \"40063813339\" must be a GTIN of 8, 12, 13 or 14 digits, "
		"not 11");
	S_fails("https://example.org/01/0950600013435X",
		"AI (01) at position 37: 'X' is not a digit");
}

Test(gs1, digital_link_percent_encoding)
{
	gt_gs1 g;
	S_ok("https://example.org/01/09506000134352/10/AB%2FC%25%28x%29/21/%41%62c?"
	     "240=a%2Bb&241=%3D%3F",
	     &g);
	cr_assert_str_eq(S_ais(&g), "(01)09506000134352(10)AB/C%(x)(21)Abc(240)a+b(241)=?");
	S_fails("https://example.org/01/09506000134352/10/AB%2",
		"position 44: '%' must be followed by two hex digits");
	S_fails("https://example.org/01/09506000134352/10/AB%G1",
		"position 44: '%' must be followed by two hex digits");
	S_fails("https://example.org/01/09506000134352/10/%",
		"position 42: '%' must be followed by two hex digits");
	S_fails("https://example.org/01/09506000134352?240=%2x",
		"position 43: '%' must be followed by two hex digits");
	/* Decoded characters must still be in the character set. */
	S_fails("https://example.org/01/09506000134352/10/A%20B",
		"AI (10) at position 43: a space " X82);
	S_fails("https://example.org/01/09506000134352/10/A%00B",
		"AI (10) at position 43: byte 0x00 " X82);
	S_fails("https://example.org/01/09506000134352?10=x&240=A+B",
		"AI (10) at position 39 is a key qualifier of AI (01) and belongs in the path "
		"(/01/.../10/...), not in the query");
	S_fails("https://example.org/01/09506000134352?240=A+B",
		"AI (240) at position 44: a space " X82 "; '+' in a query is a space, write %2B "
		"for '+'");
}

Test(gs1, digital_link_refusals)
{
	S_fails("https://example.org/01/09506000134352/21/0001/10/ABC",
		"AI (10) at position 47 comes after AI (21): the key qualifiers of AI (01) must "
		"come in the order 22, 10, 21, each at most once");
	S_fails("https://example.org/01/09506000134352/10/A/22/V",
		"AI (22) at position 44 comes after AI (10): the key qualifiers of AI (01) must "
		"come in the order 22, 10, 21, each at most once");
	S_fails("https://example.org/01/09506000134352/10/A/10/A",
		"AI (10) at position 44 comes after AI (10): the key qualifiers of AI (01) must "
		"come in the order 22, 10, 21, each at most once");
	S_fails("https://example.org/01/09506000134352/17/271231",
		"AI (17) at position 39 is not a key qualifier of AI (01): only 22, 10 and 21 may "
		"follow it in the path; data attributes go in the query (?17=...)");
	S_fails("https://example.org/00/106141411234567897/10/A",
		"AI (10) at position 43 cannot follow AI (00) in the path; data attributes go in "
		"the query (?10=...)");
	S_fails("https://example.org/01/09506000134352?01=09506000134352",
		"AI (01) at position 39 is a primary key and belongs in the path, not in the query");
	S_fails("https://example.org/01/09506000134352?21=1",
		"AI (21) at position 39 is a key qualifier of AI (01) and belongs in the path "
		"(/01/.../21/...), not in the query");
	S_fails("https://example.org/01/09506000134352?99=1",
		"AI (99) at position 39 is not supported (goodtrace reads AIs 00, 01, 02, 10, 11, "
		"15, 17, 21, 22, 30, 37, 240, 241, 250, 400, 414, 7003, 8004 and 8200)");
	S_fails("https://example.org/01/09506000134352?17",
		"AI (17) at position 39 in the query has no value (expected 17=...)");
	S_fails("https://example.org/01/09506000134352?17=",
		"AI (17) at position 42: the value is empty");
	S_fails("https://example.org/01/09506000134352?17=271341",
		"AI (17) at position 42: \"271341\" is not a date (month 13)");
	S_fails("https://example.org/01/09506000134352/235/XYZ",
		"AI (235) at position 39 is not supported (goodtrace reads AIs 00, 01, 02, 10, 11, "
		"15, 17, 21, 22, 30, 37, 240, 241, 250, 400, 414, 7003, 8004 and 8200)");
	S_fails("https://example.org/01//10/A", "AI (01) at position 24: the value is empty");
	S_fails("https://example.org/01/09506000134352/",
		"position 38: the path ends with '/' (a Digital Link path ends with a value)");
	S_fails("https://example.org/about/us",
		"position 20: the path has no primary key: a Digital Link path holds /01/<GTIN> (or "
		"/00/<SSCC>, /414/<GLN>, /8004/<GIAI>)");
	S_fails("https://example.org/2024/05/news",
		"position 20: the path has no primary key: a Digital Link path holds /01/<GTIN> (or "
		"/00/<SSCC>, /414/<GLN>, /8004/<GIAI>)");
	S_fails("https://example.org",
		"position 20: the path has no primary key: a Digital Link path holds /01/<GTIN> (or "
		"/00/<SSCC>, /414/<GLN>, /8004/<GIAI>)");
	S_fails("https://example.org?17=271231",
		"position 20: the path has no primary key: a Digital Link path holds /01/<GTIN> (or "
		"/00/<SSCC>, /414/<GLN>, /8004/<GIAI>)");
	S_fails("https:///01/09506000134352", "position 9: the URI has no host");
	S_fails("https://user@example.org/01/09506000134352",
		"position 13: '@' is not allowed in a host name");
	S_fails("https://example.org/01/09506000134352/10/A B",
		"position 43: a space is not allowed in a URI");
	S_fails("https://example.org/01/09506000134352/10/\xc3\xa9",
		"position 42: byte 0xC3 is not allowed in a URI");
}

/* ---- rules for combining AIs (General Specifications 4.14) ------------ */

#define GTIN "09506000134352"
#define GTIN2 "09506000134369" /* AI 02, the GTIN of the contained items */
#define SSCC "106141411234567897"
#define GLN "9506000000008"
#define DL "https://example.org"

/* Each rule kept and broken, as element strings and as Digital Link URIs. */
static const struct {
	const char *in;
	const char *want; /* NULL: accepted */
} S_pair_cases[] = {
	/* Alone, 00, 01, 414 and 8004 need nothing; 400 needs nothing. */
	{"(00)" SSCC, NULL},
	{"(01)" GTIN, NULL},
	{"(414)" GLN "(400)PO1", NULL},
	{"(8004)0614141ASSET(400)PO1", NULL},
	{DL "/00/" SSCC "?400=PO1", NULL},
	{DL "/414/" GLN "?400=PO1", NULL},
	{DL "/8004/0614141ASSET?400=PO1", NULL},
	{"(400)PO1", NULL},

	/* 01 and 02 cannot appear together (whatever else is there). */
	{"(01)" GTIN "(02)" GTIN2, "AI (01) at position 1 and AI (02) at position 19 cannot appear "
				   "together"},
	{"(00)" SSCC "(02)" GTIN2 "(37)1(01)" GTIN,
	 "AI (02) at position 23 and AI (01) at position 46 cannot appear together"},
	{"01" GTIN "02" GTIN2 "371", "AI (01) at position 1 and AI (02) at position 17 cannot "
				     "appear together"},
	{DL "/01/" GTIN "?02=" GTIN2,
	 "AI (01) at position 21 and AI (02) at position 39 cannot appear together"},
	/* 01 and 37 cannot appear together. */
	{"(01)" GTIN "(37)5", "AI (01) at position 1 and AI (37) at position 19 cannot appear "
			      "together"},
	{"01" GTIN "375",
	 "AI (01) at position 1 and AI (37) at position 17 cannot appear together"},
	{DL "/01/" GTIN "?37=5",
	 "AI (01) at position 21 and AI (37) at position 39 cannot appear together"},

	/* 02 needs 37; 37 needs 00 and 02. */
	{"(00)" SSCC "(02)" GTIN2 "(37)12", NULL},
	{"(02)" GTIN2 "(37)12(00)" SSCC, NULL},
	{"00" SSCC "02" GTIN2 "3712", NULL},
	{DL "/00/" SSCC "?02=" GTIN2 "&37=12", NULL},
	{"(00)" SSCC "(02)" GTIN2, "AI (02) at position 23 requires AI (37)"},
	{"(02)" GTIN2, "AI (02) at position 1 requires AI (37)"},
	{DL "/00/" SSCC "?02=" GTIN2, "AI (02) at position 43 requires AI (37)"},
	{"(02)" GTIN2 "(37)12", "AI (37) at position 19 requires AI (00)"},
	{DL "/414/" GLN "?02=" GTIN2 "&37=12", "AI (37) at position 57 requires AI (00)"},
	{"(00)" SSCC "(37)12", "AI (37) at position 23 requires AI (02)"},
	{DL "/00/" SSCC "?37=12", "AI (37) at position 43 requires AI (02)"},
	{"(37)12", "AI (37) at position 1 requires AI (00) and AI (02)"},
	{DL "/8004/0614141ASSET?37=12", "AI (37) at position 39 requires AI (00) and AI (02)"},

	/* 10, 11, 15, 17, 30, 240, 241 and 7003 need 01 or 02. */
	{"(01)" GTIN "(10)L(11)270101(15)270101(17)271231(30)5(240)A(241)B(7003)2712312359", NULL},
	{"(00)" SSCC "(02)" GTIN2 "(37)1(10)L(11)270101(15)270101(17)271231(30)5(240)A(241)B"
	 "(7003)2712312359",
	 NULL},
	{DL "/01/" GTIN "/10/L?11=270101&15=270101&17=271231&30=5&240=A&241=B&7003=2712312359",
	 NULL},
	{DL "/00/" SSCC "?02=" GTIN2 "&37=1&10=L&11=270101&15=270101&17=271231&30=5&240=A&241=B&"
	    "7003=2712312359",
	 NULL},
	{"(10)L", "AI (10) at position 1 requires AI (01) or AI (02)"},
	{"(00)" SSCC "(11)270101", "AI (11) at position 23 requires AI (01) or AI (02)"},
	{"(15)270101(00)" SSCC, "AI (15) at position 1 requires AI (01) or AI (02)"},
	{"17271231", "AI (17) at position 1 requires AI (01) or AI (02)"},
	{"(414)" GLN "(30)5", "AI (30) at position 19 requires AI (01) or AI (02)"},
	{"(240)A", "AI (240) at position 1 requires AI (01) or AI (02)"},
	{"(241)B", "AI (241) at position 1 requires AI (01) or AI (02)"},
	{"(7003)2712312359", "AI (7003) at position 1 requires AI (01) or AI (02)"},
	{DL "/00/" SSCC "?10=L", "AI (10) at position 43 requires AI (01) or AI (02)"},
	{DL "/00/" SSCC "?11=270101", "AI (11) at position 43 requires AI (01) or AI (02)"},
	{DL "/414/" GLN "?15=270101", "AI (15) at position 39 requires AI (01) or AI (02)"},
	{DL "/414/" GLN "?17=271231", "AI (17) at position 39 requires AI (01) or AI (02)"},
	{DL "/8004/X?30=5", "AI (30) at position 28 requires AI (01) or AI (02)"},
	{DL "/8004/X?240=A", "AI (240) at position 28 requires AI (01) or AI (02)"},
	{DL "/8004/X?241=B", "AI (241) at position 28 requires AI (01) or AI (02)"},
	{DL "/00/" SSCC "?7003=2712312359", "AI (7003) at position 43 requires AI (01) or AI (02)"},

	/* 21, 22 and 8200 need 01: 02 is not enough. */
	{"(01)" GTIN "(22)V(21)S(8200)http://example.com/p", NULL},
	{DL "/01/" GTIN "/22/V/21/S?8200=http%3A%2F%2Fexample.com%2Fp", NULL},
	{"(00)" SSCC "(02)" GTIN2 "(37)1(21)S", "AI (21) at position 46 requires AI (01)"},
	{"(00)" SSCC "(02)" GTIN2 "(37)1(22)V", "AI (22) at position 46 requires AI (01)"},
	{"(00)" SSCC "(02)" GTIN2 "(37)1(8200)http://example.com/p",
	 "AI (8200) at position 46 requires AI (01)"},
	{"21S", "AI (21) at position 1 requires AI (01)"},
	{DL "/00/" SSCC "?02=" GTIN2 "&37=1&21=S", "AI (21) at position 66 requires AI (01)"},
	{DL "/00/" SSCC "?22=V", "AI (22) at position 43 requires AI (01)"},
	{DL "/8004/0614141ASSET?8200=x", "AI (8200) at position 39 requires AI (01)"},

	/* 250 needs 01 and 21. */
	{"(01)" GTIN "(21)S(250)T", NULL},
	{"(250)T(21)S(01)" GTIN, NULL},
	{DL "/01/" GTIN "/21/S?250=T", NULL},
	{"(01)" GTIN "(250)T", "AI (250) at position 19 requires AI (21)"},
	{"(00)" SSCC "(250)T", "AI (250) at position 23 requires AI (01) and AI (21)"},
	{"(250)T", "AI (250) at position 1 requires AI (01) and AI (21)"},
	{DL "/01/" GTIN "?250=T", "AI (250) at position 39 requires AI (21)"},
	{DL "/01/" GTIN "/10/L?250=T", "AI (250) at position 44 requires AI (21)"},
	{DL "/00/" SSCC "?250=T", "AI (250) at position 43 requires AI (01) and AI (21)"},

	/* Invalid pairs are named before missing AIs; then the first AI in
	 * input order that misses one. */
	{"(02)" GTIN2 "(01)" GTIN, "AI (02) at position 1 and AI (01) at position 19 cannot "
				   "appear together"},
	{"(10)L(21)S", "AI (10) at position 1 requires AI (01) or AI (02)"},
	{"(21)S(10)L", "AI (21) at position 1 requires AI (01)"},
	/* Value errors come first: the rules apply to AIs that are valid. */
	{"(21)S(17)271341", "AI (17) at position 10: \"271341\" is not a date (month 13)"},
	{"(01)" GTIN "(37)x", "AI (37) at position 23: 'x' is not a digit"},
};

Test(gs1, combining_ais)
{
	for (size_t i = 0; i < sizeof(S_pair_cases) / sizeof(S_pair_cases[0]); i++) {
		gt_gs1 g;
		if (S_pair_cases[i].want)
			S_fails(S_pair_cases[i].in, S_pair_cases[i].want);
		else
			S_ok(S_pair_cases[i].in, &g);
	}
}

Test(gs1, combining_ais_after_a_missing_separator)
{
	/* The separator is named first, then the broken rule once it is there. */
	S_fails("10ABCDEFGHIJKLMNOPQRS2112345",
		"AI (10) at position 1 is variable-length and must be followed by a separator (GS "
		"or ^) before AI (21) at position 22");
	S_fails("10ABCDEFGHIJKLMNOPQRS^2112345",
		"AI (10) at position 1 requires AI (01) or AI (02)");
}

/* ---- repeats and unknown AIs ------------------------------------------- */

Test(gs1, repeated_ais)
{
	S_ais_are("(01)09506000134352(10)A(01)09506000134352(10)A", "(01)09506000134352(10)A");
	S_fails("(01)09506000134352(10)A(10)B",
		"AI (10) at position 24: repeated with another value (\"B\", after \"A\" at "
		"position 19)");
	S_fails("0109506000134352"
		"0109506000134369",
		"AI (01) at position 17: repeated with another value (\"09506000134369\", after "
		"\"09506000134352\" at position 1)");
	S_fails("https://example.org/01/09506000134352/10/A?17=271231&17=271130",
		"AI (17) at position 54: repeated with another value (\"271130\", after \"271231\" "
		"at position 44)");
	S_ais_are("https://example.org/01/09506000134352?17=271231&17=271231",
		  "(01)09506000134352(17)271231");
}

Test(gs1, unknown_ais)
{
	char want[512];
	struct {
		const char *in, *ai;
		size_t pos;
	} u[] = {
		{"(99)12", "99", 1},
		{"(235)X", "235", 1},
		{"(3103)000195", "3103", 1},
		{"(01)09506000134352(12)270101", "12", 19},
		{"9912", "99", 1},
		{"0109506000134352"
		 "3103000195",
		 "3103", 17},
		{"0109506000134352"
		 "710ABC",
		 "710", 17},
		{"0109506000134352"
		 "8008270101",
		 "8008", 17},
	};
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		snprintf(want, sizeof(want), "AI (%s) at position %zu is not supported %s", u[i].ai,
			 u[i].pos, S_supported);
		S_fails(u[i].in, want);
	}
}

/* ---- Chinese drug traceability codes ----------------------------------- */

Test(gs1, chinese_drug_codes)
{
	gt_gs1 g;
	S_ok("  81234560123456789012\r\n", &g);
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	cr_assert_str_eq(g.cn_product_code, "8123456");
	cr_assert_str_eq(g.serial, "012345678");
	cr_assert_str_eq(g.cn_check_code, "9012");
	/* 8004 and 10 would make these valid element strings, but 20 bare
	 * digits not led by a checked key are a Chinese code. */
	S_ok("80041234567890123456", &g);
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	S_ok("10123456789012345678", &g);
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	/* Led by 00/01/02/414 with a right check digit and valid throughout:
	 * an element string. */
	S_ok("00106141411234567897", &g);
	cr_assert_eq(g.format, GT_GS1_ELEMENT_STRING);
	cr_assert_str_eq(S_ais(&g), "(00)106141411234567897");
	S_ok("01095060001343523012", &g);
	cr_assert_eq(g.format, GT_GS1_ELEMENT_STRING);
	cr_assert_str_eq(S_ais(&g), "(01)09506000134352(30)12");
	S_ok("01095060001343522112", &g);
	cr_assert_eq(g.format, GT_GS1_ELEMENT_STRING);
	S_ok("41495060000000084001", &g);
	cr_assert_eq(g.format, GT_GS1_ELEMENT_STRING);
	cr_assert_str_eq(S_ais(&g), "(414)9506000000008(400)1");
	/* ... and otherwise a Chinese code, also when the AIs break the rules
	 * for combining AIs: 02 needs 37 and 37 needs 00, 01 and 37 cannot
	 * appear together, 30 needs 01 or 02. */
	S_ok("02095060001343693712", &g);
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	S_ok("01095060001343523712", &g);
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	S_ok("41495060000000083012", &g);
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	cr_assert_str_eq(g.cn_product_code, "4149506");
	S_ok("00106141411234567898", &g); /* wrong SSCC check digit */
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	cr_assert_str_eq(g.cn_product_code, "0010614");
	S_ok("01095060001343521101", &g); /* 11 needs 6 digits */
	cr_assert_eq(g.format, GT_GS1_CN_DRUG_CODE);
	/* With brackets or an AIM identifier it is an element string whatever. */
	S_ok("]C101095060001343523012", &g);
	cr_assert_eq(g.format, GT_GS1_ELEMENT_STRING);
	S_fails("]C101095060001343523712",
		"AI (01) at position 4 and AI (37) at position 20 cannot appear together");

	S_fails("8123456012345678901",
		"not a Chinese drug traceability code (19 digits, not 20); as a GS1 element "
		"string: AI (8123) at position 1 is not supported (goodtrace reads AIs 00, 01, 02, "
		"10, 11, 15, 17, 21, 22, 30, 37, 240, 241, 250, 400, 414, 7003, 8004 and 8200)");
	S_fails("812345601234567890123",
		"not a Chinese drug traceability code (21 digits, not 20); as a GS1 element "
		"string: AI (8123) at position 1 is not supported (goodtrace reads AIs 00, 01, 02, "
		"10, 11, 15, 17, 21, 22, 30, 37, 240, 241, 250, 400, 414, 7003, 8004 and 8200)");
	S_fails("8123456012345678901A",
		"position 20: 'A' is not a digit, so this is not a Chinese drug traceability code "
		"(20 digits); as a GS1 element string: AI (8123) at position 1 is not supported "
		"(goodtrace reads AIs 00, 01, 02, 10, 11, 15, 17, 21, 22, 30, 37, 240, 241, 250, "
		"400, 414, 7003, 8004 and 8200)");
	S_fails("8123456 0123456789012",
		"AI (8123) at position 1 is not supported (goodtrace "
		"reads AIs 00, 01, 02, 10, 11, 15, 17, 21, 22, 30, 37, 240, "
		"241, 250, 400, 414, 7003, 8004 and 8200)");
}

/* ---- whitespace and limits --------------------------------------------- */

Test(gs1, whitespace_and_empty)
{
	S_ais_are(" \t(01)09506000134352\n", "(01)09506000134352");
	S_ais_are("\r\n0109506000134352  ", "(01)09506000134352");
	S_fails("", "the code is empty");
	S_fails(" \t\r\n ", "the code is empty");
	S_fails_n(NULL, 0, GT_EINVAL, "the code is empty");
	/* Positions count the input as given, leading white space included. */
	S_fails("  (01)09506000134353",
		"AI (01) at position 7: check digit of GTIN 09506000134353 should be 2");
}

Test(gs1, limits)
{
	static char in[GT_GS1_MAX_INPUT + 2];
	gt_gs1 g;
	gt_error e = {0};
	/* 4096 bytes: a code padded with white space is fine; one more byte is not. */
	memset(in, ' ', sizeof(in));
	memcpy(in, "(01)09506000134352", 18);
	cr_assert_eq(S_parse_n(in, GT_GS1_MAX_INPUT, &g, &e), 0, "%s", e.msg);
	cr_assert_eq(S_parse_n(in, GT_GS1_MAX_INPUT + 1, &g, &e), GT_ETOOBIG);
	cr_assert_str_eq(e.msg, "the code is 4097 bytes long, over the limit of 4096");
	/* 32 element strings (repeats count), not 33. */
	size_t n = (size_t)snprintf(in, sizeof(in), "(01)09506000134352");
	for (int i = 0; i < 31; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "(10)A");
	cr_assert_eq(S_parse_n(in, n, &g, &e), 0, "%s", e.msg);
	cr_assert_eq(g.n_ais, 2);
	n += (size_t)snprintf(in + n, sizeof(in) - n, "(21)B");
	cr_assert_eq(S_parse_n(in, n, &g, &e), GT_ETOOBIG);
	cr_assert_str_eq(e.msg, "AI (21) at position 174: more than 32 AIs");
	/* Long runs and odd inputs stay bounded and are refused clearly. */
	memset(in, '1', GT_GS1_MAX_INPUT);
	memcpy(in, "10", 2);
	cr_assert_eq(S_parse_n(in, GT_GS1_MAX_INPUT, &g, &e), GT_EINVAL);
	memset(in, '/', GT_GS1_MAX_INPUT);
	memcpy(in, "http://x", 8);
	cr_assert_eq(S_parse_n(in, GT_GS1_MAX_INPUT, &g, &e), GT_EINVAL);
	memset(in, '^', GT_GS1_MAX_INPUT);
	cr_assert_eq(S_parse_n(in, GT_GS1_MAX_INPUT, &g, &e), GT_EINVAL);
}

Test(gs1, output_unchanged_on_failure)
{
	gt_gs1 g;
	memset(&g, 0x5a, sizeof(g));
	cr_assert_eq(S_parse_n("(01)09506000134353", 18, &g, NULL), GT_EINVAL);
	for (size_t i = 0; i < sizeof(g); i++)
		cr_assert_eq(((unsigned char *)&g)[i], 0x5a);
}

/* ---- output ------------------------------------------------------------ */

Test(gs1, bracketed_round_trip)
{
	static const char *codes[] = {
		"(01)09506000134352(17)271231(10)ABC123(21)0001",
		"https://example.org/01/09506000134352/10/A%28B%29?8200=http%3A%2F%2Fx.org%2Fa(b)",
		"]d20109506000134352"
		"10((((^21)))",
		"(01)09506000134352(8200)\\(\\(\\((10)x",
	};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		gt_gs1 a, b;
		S_ok(codes[i], &a);
		gt_buf buf = GT_BUF_INIT;
		cr_assert_eq(gt_gs1_bracketed(&a, &buf), 0);
		gt_error e = {0};
		cr_assert_eq(S_parse_n((const char *)buf.data, buf.len, &b, &e), 0, "%s: %s",
			     (const char *)buf.data, e.msg);
		cr_assert_str_eq(S_ais(&a), S_ais(&b));
		cr_assert_str_eq(a.gtin, b.gtin);
		cr_assert_str_eq(a.lot, b.lot);
		gt_buf_done(&buf);
	}
	gt_gs1 g;
	S_ok("(01)09506000134352(10)A\\(B", &g);
	gt_buf buf = GT_BUF_INIT;
	cr_assert_eq(gt_gs1_bracketed(&g, &buf), 0);
	cr_assert_str_eq((const char *)buf.data, "(01)09506000134352(10)A\\(B");
	gt_buf_done(&buf);
	S_ok("81234560123456789012", &g);
	cr_assert_eq(gt_gs1_bracketed(&g, &buf), 0);
	cr_assert_eq(buf.len, 0);
	gt_buf_done(&buf);
}

Test(gs1, json_fields_present_when_known)
{
	gt_gs1 g;
	S_ok("(00)106141411234567897", &g);
	char *j = S_json(&g);
	cr_assert_str_eq(j, "{\"ais\":[{\"ai\":\"00\",\"value\":\"106141411234567897\"}],"
			    "\"format\":\"element_string\"}");
	free(j);
	S_ok("(01)09506000134352(17)280200", &g);
	j = S_json(&g);
	cr_assert_str_eq(j, "{\"ais\":[{\"ai\":\"01\",\"value\":\"09506000134352\"},{\"ai\":"
			    "\"17\",\"value\":\"280200\"}],\"expiry\":\"2028-02-29\",\"format\":"
			    "\"element_string\",\"gtin\":\"09506000134352\"}");
	free(j);
	cr_assert_str_eq(gt_gs1_format_name(GT_GS1_ELEMENT_STRING), "element_string");
	cr_assert_str_eq(gt_gs1_format_name(GT_GS1_DIGITAL_LINK), "digital_link");
	cr_assert_str_eq(gt_gs1_format_name(GT_GS1_CN_DRUG_CODE), "cn_drug_code");
}
