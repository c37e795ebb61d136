/* What the give module's files share: field checks, currencies, receipt
 * codes, masked names and a campaign's status. */
#include "give/give_int.h"
#include "core/json.h"
#include "give/stream.h"

#include <stdio.h>
#include <string.h>

const char *gt_give_opt(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int64_t gt_give_int(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

int gt_give_sha256(const json_t *in, const char *key, const char **ret, gt_error *err)
{
	const char *s;
	int rc = gt_json_str(in, key, 64, 64, &s, err);
	for (const char *p = s; rc == 0 && *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			rc = gt_fail(err, GT_EINVAL, "%s must be 64 lower-case hex digits", key);
	if (rc == 0)
		*ret = s;
	return rc;
}

int gt_give_amount(const json_t *in, const char *key, bool required, int64_t *ret, gt_error *err)
{
	const json_t *v = json_object_get(in, key);
	if (!required && (!v || json_is_null(v)))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) <= 0)
		return gt_fail(err, GT_EINVAL, "%s must be a positive whole number of minor units",
			       key);
	return gt_json_int(in, key, 1, GT_GIVE_STREAM_MAX - 1, ret, err);
}

int gt_give_campaign(gt_store_conn *c, const char *id, gt_stmt **ret, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_GIVE_CAMPAIGN_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, id, (size_t)-1);
	rc = gt_stmt_step(st, err);
	if (rc == 1) {
		*ret = st;
		return 0;
	}
	gt_stmt_close(st);
	return rc < 0 ? rc : gt_fail(err, GT_ENOTFOUND, "no campaign \"%s\"", id);
}

int gt_give_org_exists(gt_store_conn *c, const char *org, const char *field, gt_error *err)
{
	gt_stmt *st;
	int rc = gt_stmt_open(c, GT_Q_ORG_GET, &st, err);
	if (rc < 0)
		return rc;
	gt_stmt_bind_text(st, 1, org, (size_t)-1);
	rc = gt_stmt_step(st, err);
	gt_stmt_close(st);
	if (rc == 0)
		return gt_fail(err, GT_ENOTFOUND, "%s: no organisation \"%s\"", field, org);
	return rc < 0 ? rc : 0;
}

/* ISO 4217 currencies and their minor units (the ones goodtrace's users
 * are likely to raise money in; add more here). */
static const struct {
	char code[4];
	int minor;
} S_currencies[] = {
	{"AED", 2}, {"AUD", 2}, {"BDT", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2},
	{"CNY", 2}, {"CZK", 2}, {"DKK", 2}, {"EGP", 2}, {"ETB", 2}, {"EUR", 2}, {"GBP", 2},
	{"GHS", 2}, {"HKD", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"JOD", 3}, {"JPY", 0},
	{"KES", 2}, {"KRW", 0}, {"KWD", 3}, {"LKR", 2}, {"MNT", 2}, {"MOP", 2}, {"MXN", 2},
	{"MYR", 2}, {"NGN", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PHP", 2},
	{"PKR", 2}, {"PLN", 2}, {"SAR", 2}, {"SEK", 2}, {"SGD", 2}, {"THB", 2}, {"TND", 3},
	{"TRY", 2}, {"TWD", 2}, {"TZS", 2}, {"UGX", 0}, {"USD", 2}, {"VND", 0}, {"XAF", 0},
	{"XOF", 0}, {"ZAR", 2},
};

int gt_give_minor_unit(const char *currency)
{
	for (size_t i = 0; currency && i < sizeof(S_currencies) / sizeof(S_currencies[0]); i++)
		if (strcmp(S_currencies[i].code, currency) == 0)
			return S_currencies[i].minor;
	return -1;
}

static const char S_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void gt_give_code_make(uint64_t v, char out[GT_GIVE_CODE_LEN + 1])
{
	for (int i = 0, o = 0; i < 12; i++) {
		out[o++] = S_alphabet[(v >> (55 - 5 * i)) & 31];
		if (i % 4 == 3 && i < 11)
			out[o++] = '-';
	}
	out[GT_GIVE_CODE_LEN] = 0;
}

int64_t gt_give_code_index(const char code[GT_GIVE_CODE_LEN + 1])
{
	uint64_t v = 0;
	for (const char *p = code; *p; p++)
		if (*p != '-')
			v = v << 5 | (uint64_t)(strchr(S_alphabet, *p) - S_alphabet);
	return (int64_t)(v & (GT_GIVE_CODE_INDEX_MAX - 1));
}

bool gt_give_code_normalise(const char *in, char out[GT_GIVE_CODE_LEN + 1])
{
	const char *alphabet = S_alphabet;
	size_t n = 0;
	for (const char *p = in; p && *p; p++) {
		char ch = *p;
		if (ch == ' ' || ch == '-')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch == 'O')
			ch = '0';
		else if (ch == 'I' || ch == 'L')
			ch = '1';
		if (!strchr(alphabet, ch) || ch == 0 || n == 12)
			return false;
		out[n + n / 4] = ch;
		if (n % 4 == 3 && n < 11)
			out[n + n / 4 + 1] = '-';
		n++;
	}
	out[GT_GIVE_CODE_LEN] = 0;
	return n == 12;
}

void gt_give_mask_name(const char *name, char out[8])
{
	size_t n = 1;
	unsigned char c = (unsigned char)name[0];
	if (c >= 0xf0)
		n = 4;
	else if (c >= 0xe0)
		n = 3;
	else if (c >= 0xc0)
		n = 2;
	size_t i = 0;
	for (; i < n && name[i]; i++)
		out[i] = name[i];
	out[i++] = '*';
	out[i] = 0;
}

const char *gt_give_status(const char *verify_status, bool closed, const char *starts,
			   const char *ends, const char *now)
{
	if (strcmp(verify_status, "suspended") == 0)
		return "suspended";
	if (closed)
		return "closed";
	if (strcmp(now, starts) < 0)
		return "upcoming";
	if (strcmp(now, ends) >= 0)
		return "ended";
	return "open";
}

int gt_give_campaign_currency(gt_store_conn *c, const char *id, char out[4], gt_error *err)
{
	gt_stmt *st;
	int rc = gt_give_campaign(c, id, &st, err);
	if (rc < 0)
		return rc;
	snprintf(out, 4, "%s", gt_stmt_text(st, 9, NULL));
	gt_stmt_close(st);
	return 0;
}
