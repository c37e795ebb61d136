/* GS1 codes as scanners and people give them: element strings (bracketed, or
 * with GS or ^ separators and an optional AIM symbology identifier), GS1
 * Digital Link URIs on any host, and 20-digit Chinese drug traceability codes.
 *
 * What is accepted, the AI table and every rule are described in docs/gs1.md.
 * Only the AIs listed there are read (00 01 02 10 11 15 17 21 22 30 37 240 241
 * 250 400 414 7003 8004 8200); any other AI is refused with an error naming it. */
#ifndef GT_TRACE_GS1_H
#define GT_TRACE_GS1_H

#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define GT_GS1_MAX_INPUT 4096 /* bytes of input, whitespace included */
#define GT_GS1_MAX_AIS 32     /* element strings in one code */
#define GT_GS1_MAX_VALUE 90   /* characters of one AI's value (the GS1 maximum) */

typedef enum gt_gs1_format {
	GT_GS1_ELEMENT_STRING = 1, /* "element_string": bracketed, GS or ^ separated */
	GT_GS1_DIGITAL_LINK,	   /* "digital_link": an http(s) GS1 Digital Link URI */
	GT_GS1_CN_DRUG_CODE,	   /* "cn_drug_code": 20-digit Chinese drug traceability code */
} gt_gs1_format;

/* One element string: an AI and its value, both NUL-terminated. Values are
 * as decoded (brackets' escapes and percent-encoding undone; a GTIN-8, -12 or
 * -13 from a Digital Link padded to 14 digits). */
typedef struct gt_gs1_ai {
	char ai[5];
	char value[GT_GS1_MAX_VALUE + 1];
} gt_gs1_ai;

/* A parsed code. Text fields are NUL-terminated and empty when not known. */
typedef struct gt_gs1 {
	gt_gs1_format format;
	size_t n_ais;		       /* 0 for a Chinese drug code */
	gt_gs1_ai ais[GT_GS1_MAX_AIS]; /* in input order; a repeat with the same value is dropped */
	char gtin[15];		       /* AI 01, 14 digits */
	char lot[21];		       /* AI 10 */
	char serial[21];	       /* AI 21, or the 9-digit serial of a Chinese drug code */
	char expiry[11]; /* AI 17 as YYYY-MM-DD; day 00 becomes the month's last day */
	/* Chinese drug code only: 20 digits = 7-digit product code, 9-digit
	 * serial, 4-digit check code. The check code's algorithm is not public,
	 * so it is kept as given and never verified. */
	char cn_product_code[8];
	char cn_check_code[5];
} gt_gs1;

/* Parse and validate code[len] (any bytes; leading and trailing ASCII white
 * space is ignored). current_year (1000 to 9899) resolves two-digit years by
 * the GS1 century rule (General Specifications 7.12): a year YY more than 50
 * years after current_year's YY is in the previous century, one 50 or more
 * years before it in the next.
 * On success returns 0 and fills *out. On failure returns GT_EINVAL (the
 * code is malformed or invalid, its AIs break a GS1 rule for combining AIs
 * such as "21 needs 01", or current_year is out of range) or GT_ETOOBIG
 * (over GT_GS1_MAX_INPUT bytes or GT_GS1_MAX_AIS AIs), with a
 * message naming the AI and/or the 1-based byte position in code[] and what
 * was expected; *out is then unchanged. */
int gt_gs1_parse(const char *code, size_t len, int current_year, gt_gs1 *out, gt_error *err);

/* The code as a JSON object, written by w with its keys in canonical
 * (sorted) order: {"ais":[{"ai":"01","value":"…"},…], and when known
 * "cn_product_code", "expiry", "format" ("element_string", "digital_link"
 * or "cn_drug_code"), "gtin", "lot", "serial"}. */
void gt_gs1_write(const gt_gs1 *g, gt_jw *w);

/* Append the AIs in bracketed form, "(01)09506000134352(10)ABC", to out; a
 * '(' inside a value is written "\(" as the bracketed form requires, so
 * gt_gs1_parse reads the text back to the same AIs. Nothing is appended for
 * a Chinese drug code. 0 or GT_ENOMEM. */
int gt_gs1_bracketed(const gt_gs1 *g, gt_buf *out);

/* The format's name as in the JSON ("element_string", …). */
const char *gt_gs1_format_name(gt_gs1_format f);

/* The GS1 check digit (0 to 9) of the n digits d[0..n-1], i.e. the digit
 * that completes them (weights 3, 1, 3, … from the right). d must be digits. */
int gt_gs1_check_digit(const char *d, size_t n);

/* Whether every character of s is in GS1's 82-character set (the values of
 * alphanumeric AIs such as 10 lot and 21 serial). */
bool gt_gs1_cset82(const char *s);
/* Whether the n bytes at s are all ASCII digits. */
bool gt_gs1_digits(const char *s, size_t n);

#endif
