/* Unit tests for EPCIS identifiers and vocabulary (src/trace/epc.c): every
 * EPC URN scheme, Digital Links on any host, padding, check digits,
 * qualifier order, escapes, query patterns, kept URIs, every CBV term in
 * every form, malformed input of each kind with its exact message, limits,
 * and that normalising a normalised identifier gives it back. */
#include <criterion/criterion.h>

#include "trace/epc.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ----------------------------------------------------------- */

/* The GS1 check digit of d[0..n), computed here apart from the library's. */
static char S_cd(const char *d, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (d[n - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
	return (char)('0' + (10 - sum % 10) % 10);
}

/* in normalises (in mode) to want, is_prefix as given, and want itself
 * normalises to itself (a prefix: in query mode, as the same prefix would
 * need its '*'; so only identifiers are checked again). */
static void S_is(gt_epc_mode mode, const char *in, const char *want, bool want_prefix)
{
	char out[GT_EPC_MAX + 1];
	bool pre = !want_prefix;
	gt_error e = {0};
	int rc = gt_epc_normalise(in, mode, out, &pre, &e);
	cr_assert_eq(rc, 0, "\"%s\" was refused: %s", in, e.msg);
	cr_assert_str_eq(out, want, "\"%s\"", in);
	cr_assert_eq(pre, want_prefix, "\"%s\": is_prefix %d", in, pre);
	if (want_prefix)
		return;
	char again[GT_EPC_MAX + 1];
	rc = gt_epc_normalise(out, GT_EPC_DATA, again, &pre, &e);
	cr_assert_eq(rc, 0, "normalised \"%s\" was refused: %s", out, e.msg);
	cr_assert_str_eq(again, out, "normalising \"%s\" again", out);
	cr_assert(!pre);
	if (out[strlen(out) - 1] == '*')
		return; /* in a query, a '*' at the end marks a prefix */
	rc = gt_epc_normalise(out, GT_EPC_QUERY, again, &pre, &e);
	cr_assert_eq(rc, 0, "normalised \"%s\" was refused as a query: %s", out, e.msg);
	cr_assert_str_eq(again, out, "normalising \"%s\" again as a query", out);
	cr_assert(!pre);
}

static void S_data(const char *in, const char *want)
{
	S_is(GT_EPC_DATA, in, want, false);
}

static void S_prefix(const char *in, const char *want)
{
	S_is(GT_EPC_QUERY, in, want, true);
}

static void S_kept(const char *in)
{
	S_data(in, in);
}

/* in is refused in mode with exactly the message want, and out is untouched. */
static void S_fails_in(gt_epc_mode mode, const char *in, const char *want)
{
	char out[GT_EPC_MAX + 1];
	memset(out, 'Z', sizeof(out));
	bool pre = true;
	gt_error e = {0};
	int rc = gt_epc_normalise(in, mode, out, &pre, &e);
	cr_assert_eq(rc, GT_EINVAL, "\"%s\": expected GT_EINVAL, got %d (%s)", in, rc,
		     rc == 0 ? out : e.msg);
	cr_assert_str_eq(e.msg, want, "\"%s\"\n got:  %s\n want: %s", in, e.msg, want);
	for (size_t i = 0; i < sizeof(out); i++)
		cr_assert_eq(out[i], 'Z', "\"%s\": out was written", in);
	cr_assert(pre, "\"%s\": is_prefix was written", in);
}

static void S_fails(const char *in, const char *want)
{
	S_fails_in(GT_EPC_DATA, in, want);
}

static void S_qfails(const char *in, const char *want)
{
	S_fails_in(GT_EPC_QUERY, in, want);
}

/* ---- the check digits of the expected keys, computed ------------------- */

Test(epc, expected_keys_have_the_right_check_digits)
{
	/* Every GS1 key with a check digit that an expected result below
	 * holds, as digits up to and including the check digit. */
	static const char *const keys[] = {
		"10614141073464",     /* sgtin 0614141.107346 */
		"106141412345678908", /* sscc 0614141.1234567890 */
		"0614141073467",      /* sgln 0614141.07346 */
		"0614141007776",      /* sgln 0614141.00777 */
		"04012345123456",     /* lgtin 4012345.012345 */
		"04012345987652",     /* idpat sgtin 4012345.098765 */
		"952520840000000010", /* gsrn 95252084.000000001 */
		"9525208400014",      /* gdti 95252084.0001 */
		"04012345000221",     /* grai 4012345.00022 (filler 0 first) */
		"4000001000005",      /* pgln 4000001.00000 */
		"0614141555550",      /* sgcn 0614141.55555 */
		"401234500000000074", /* gsrnp 4012345.0000000007 */
		"40123452223334442",  /* gsin 4012345.222333444 */
		"04012345111118",     /* itip 4012345.011111 */
		"09506000134352",     /* GS1's example GTIN */
		"95060002",	      /* a GTIN-8 */
		"614141123452",	      /* a GTIN-12 */
		"10614141123459",     /* sgtin 061414112345.1 */
		"0614141123452",      /* sgln 061414112345. */
		"80614141123458",     /* sgtin 0614141.812345 */
		"9520053854814",      /* sgln 952005385.481 */
		"340123451111111111", /* sscc 4012345.3111111111 */
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t n = strlen(keys[i]);
		cr_assert_eq(keys[i][n - 1], S_cd(keys[i], n - 1), "%s: check digit should be %c",
			     keys[i], S_cd(keys[i], n - 1));
	}
}

/* ---- EPC URNs: every scheme -------------------------------------------- */

Test(epc, sgtin)
{
	S_data("urn:epc:id:sgtin:0614141.107346.2017",
	       "https://id.gs1.org/01/10614141073464/21/2017");
	S_data("urn:epc:id:sgtin:0614141.812345.6789",
	       "https://id.gs1.org/01/80614141123458/21/6789");
	/* A 12-digit company prefix: the item reference is the indicator alone. */
	S_data("urn:epc:id:sgtin:061414112345.1.x", "https://id.gs1.org/01/10614141123459/21/x");
	/* A serial may hold dots, and characters Digital Link encodes. */
	S_data("urn:epc:id:sgtin:0614141.107346.a.b",
	       "https://id.gs1.org/01/10614141073464/21/a.b");
	S_data("urn:epc:id:sgtin:0614141.107346.!'()*+,-.:;=_",
	       "https://id.gs1.org/01/10614141073464/21/%21%27%28%29%2A%2B%2C-.%3A%3B%3D_");
	S_data("urn:epc:id:sgtin:0614141.107346.12345678901234567890",
	       "https://id.gs1.org/01/10614141073464/21/12345678901234567890");
	/* The URN's scheme words in any case. */
	S_data("URN:EPC:ID:SGTIN:0614141.107346.2017",
	       "https://id.gs1.org/01/10614141073464/21/2017");
}

Test(epc, sgtin_escapes)
{
	/* The seven escapes TDS allows, in either case of hex digit. */
	S_data("urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()",
	       "https://id.gs1.org/01/80614141123458/21/6789%2F%26%25%22%21%3F%28%29");
	S_data("urn:epc:id:sgtin:0614141.107346.%3C%3e%2f",
	       "https://id.gs1.org/01/10614141073464/21/%3C%3E%2F");
	/* Escapes count as one character each. */
	S_data("urn:epc:id:sgtin:0614141.107346.%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F1234567890",
	       "https://id.gs1.org/01/10614141073464/21/"
	       "%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F1234567890");
}

Test(epc, sscc)
{
	S_data("urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908");
	S_data("urn:epc:id:sscc:4012345.3111111111", "https://id.gs1.org/00/340123451111111111");
}

Test(epc, sgln)
{
	S_data("urn:epc:id:sgln:0614141.07346.1234",
	       "https://id.gs1.org/414/0614141073467/254/1234");
	/* Extension 0 means none. */
	S_data("urn:epc:id:sgln:0614141.00777.0", "https://id.gs1.org/414/0614141007776");
	/* ... but 00 is an extension. */
	S_data("urn:epc:id:sgln:0614141.00777.00", "https://id.gs1.org/414/0614141007776/254/00");
	/* A 12-digit company prefix leaves the location reference empty. */
	S_data("urn:epc:id:sgln:061414112345..0", "https://id.gs1.org/414/0614141123452");
	S_data("urn:epc:id:sgln:952005385.481.0", "https://id.gs1.org/414/9520053854814");
	S_data("urn:epc:id:sgln:952005385.011.ts4711",
	       "https://id.gs1.org/414/9520053850113/254/ts4711");
}

Test(epc, grai)
{
	S_data("urn:epc:id:grai:4012345.00022.334455",
	       "https://id.gs1.org/8003/04012345000221334455");
	S_data("urn:epc:id:grai:4012345.00022.A%2FB",
	       "https://id.gs1.org/8003/04012345000221A%2FB");
}

Test(epc, giai)
{
	S_data("urn:epc:id:giai:952005385.w2", "https://id.gs1.org/8004/952005385w2");
	S_data("urn:epc:id:giai:4012345.ABC345", "https://id.gs1.org/8004/4012345ABC345");
	/* 30 characters in all. */
	S_data("urn:epc:id:giai:952005385.123456789012345678901",
	       "https://id.gs1.org/8004/952005385123456789012345678901");
	S_data("urn:epc:id:giai:952005385.a.b%2F", "https://id.gs1.org/8004/952005385a.b%2F");
}

Test(epc, gsrn_and_gsrnp)
{
	S_data("urn:epc:id:gsrn:95252084.000000001", "https://id.gs1.org/8018/952520840000000010");
	S_data("urn:epc:id:gsrnp:4012345.0000000007", "https://id.gs1.org/8017/401234500000000074");
}

Test(epc, gdti)
{
	S_data("urn:epc:id:gdti:95252084.0001.0003555480001000",
	       "https://id.gs1.org/253/95252084000140003555480001000");
	S_data("urn:epc:id:gdti:4012345.00009.PO-4711",
	       "https://id.gs1.org/253/4012345000092PO-4711");
}

Test(epc, pgln)
{
	S_data("urn:epc:id:pgln:4000001.00000", "https://id.gs1.org/417/4000001000005");
	S_data("urn:epc:id:pgln:061414112345.", "https://id.gs1.org/417/0614141123452");
}

Test(epc, sgcn)
{
	S_data("urn:epc:id:sgcn:0614141.55555.775533",
	       "https://id.gs1.org/255/0614141555550775533");
	/* Its serial's leading zeros are kept. */
	S_data("urn:epc:id:sgcn:0614141.55555.0075", "https://id.gs1.org/255/06141415555500075");
}

Test(epc, ginc_gsin_itip_cpi)
{
	S_data("urn:epc:id:ginc:0614141.xyz47%2F11", "https://id.gs1.org/401/0614141xyz47%2F11");
	S_data("urn:epc:id:gsin:4012345.222333444", "https://id.gs1.org/402/40123452223334442");
	S_data("urn:epc:id:itip:4012345.011111.01.02.987",
	       "https://id.gs1.org/8006/040123451111180102/21/987");
	S_data("urn:epc:id:cpi:0614141.11111111111111-A%23%2F.12345",
	       "https://id.gs1.org/8010/061414111111111111111-A%23%2F/8011/12345");
	S_data("urn:epc:id:cpi:0614141.ABC.0", "https://id.gs1.org/8010/0614141ABC/8011/0");
}

Test(epc, lgtin_class)
{
	S_data("urn:epc:class:lgtin:4012345.012345.998877",
	       "https://id.gs1.org/01/04012345123456/10/998877");
	S_data("urn:epc:class:lgtin:4012345.012345.Lot%2F987",
	       "https://id.gs1.org/01/04012345123456/10/Lot%2F987");
}

Test(epc, idpat_sgtin_in_data_is_the_gtin_class)
{
	S_data("urn:epc:idpat:sgtin:4012345.098765.*", "https://id.gs1.org/01/04012345987652");
}

Test(epc, schemes_without_a_gs1_key_are_kept)
{
	S_kept("urn:epc:id:gid:95100000.12345.400");
	S_kept("urn:epc:id:usdod:CAGE1.5678");
	S_kept("urn:epc:id:adi:2S.W81XWH.ABC%2F1");
	S_kept("urn:epc:id:bic:CSQU3054383");
	S_kept("urn:epc:id:imovn:9176187");
}

/* ---- EPC URNs: malformed ----------------------------------------------- */

Test(epc, urn_parts)
{
	S_fails("urn:epc:id:sgtin:0614141.10734.2017",
		"urn:epc:id:sgtin: company prefix and item reference must have 13 digits "
		"together, not 12");
	S_fails("urn:epc:id:sgtin:06141.1073461.2017",
		"urn:epc:id:sgtin: the company prefix must have 6 to 12 digits, not 5");
	S_fails("urn:epc:id:sgtin:0614141234567.1.2",
		"urn:epc:id:sgtin: the company prefix must have 6 to 12 digits, not 13");
	S_fails("urn:epc:id:sgtin:0614141a.107346.2017",
		"urn:epc:id:sgtin: the company prefix \"0614141a\" must be digits");
	S_fails("urn:epc:id:sgtin:0614141.1073x6.2017",
		"urn:epc:id:sgtin: the item reference \"1073x6\" must be digits");
	S_fails("urn:epc:id:sgtin:0614141.107346",
		"urn:epc:id:sgtin: expected CompanyPrefix.ItemReference.Serial");
	S_fails("urn:epc:id:sgtin:0614141.107346.", "urn:epc:id:sgtin: the serial is empty");
	S_fails("urn:epc:id:sgtin:0614141.107346.123456789012345678901",
		"urn:epc:id:sgtin: the serial is 21 characters long, over the maximum of 20");
	S_fails("urn:epc:id:sscc:0614141.123456789",
		"urn:epc:id:sscc: company prefix and serial reference must have 17 digits "
		"together, not 16");
	S_fails("urn:epc:id:sscc:0614141.12345678901.2",
		"urn:epc:id:sscc: the serial reference \"12345678901.2\" must be digits");
	S_fails("urn:epc:id:sgln:0614141.07346",
		"urn:epc:id:sgln: expected CompanyPrefix.LocationReference.Extension");
	S_fails("urn:epc:id:grai:4012345.00022.12345678901234567",
		"urn:epc:id:grai: the serial is 17 characters long, over the maximum of 16");
	S_fails("urn:epc:id:giai:952005385.1234567890123456789012",
		"urn:epc:id:giai: company prefix and individual asset reference must have at "
		"most 30 characters together, not 31");
	S_fails("urn:epc:id:giai:952005385.",
		"urn:epc:id:giai: the individual asset reference is empty");
	S_fails("urn:epc:id:gdti:95252084.0001.123456789012345678",
		"urn:epc:id:gdti: the serial is 18 characters long, over the maximum of 17");
	S_fails("urn:epc:id:pgln:4000001.0000",
		"urn:epc:id:pgln: company prefix and party reference must have 12 digits "
		"together, not 11");
	S_fails("urn:epc:id:sgcn:0614141.55555.77a",
		"urn:epc:id:sgcn: the serial \"77a\" must be digits");
	S_fails("urn:epc:id:sgcn:0614141.55555.1234567890123",
		"urn:epc:id:sgcn: the serial is 13 characters long, over the maximum of 12");
	S_fails("urn:epc:id:gsin:4012345.22233344",
		"urn:epc:id:gsin: company prefix and shipper reference must have 16 digits "
		"together, not 15");
	S_fails("urn:epc:id:itip:4012345.011111.1.02.987",
		"urn:epc:id:itip: the piece \"1\" must be 2 digits");
	S_fails("urn:epc:id:itip:4012345.011111.01.2a.987",
		"urn:epc:id:itip: the total \"2a\" must be 2 digits");
	S_fails("urn:epc:id:cpi:0614141.abc.1",
		"urn:epc:id:cpi: 'a' is not allowed in the component/part reference (0-9 A-Z - "
		"and the escapes %23 %2F)");
	S_fails("urn:epc:id:cpi:0614141.ABC.012",
		"urn:epc:id:cpi: the serial \"012\" must not start with 0");
	S_fails("urn:epc:id:cpi:0614141.A%26B.1",
		"urn:epc:id:cpi: %26 in the component/part reference is not an EPC URN escape "
		"(only %23 %2F)");
	S_fails("urn:epc:class:lgtin:4012345.012345.", "urn:epc:class:lgtin: the lot is empty");
}

Test(epc, urn_escapes)
{
	S_fails("urn:epc:id:sgtin:0614141.107346.a%41",
		"urn:epc:id:sgtin: %41 in the serial is not an EPC URN escape (only %22 %25 %26 "
		"%2F %3C %3E %3F)");
	S_fails("urn:epc:id:sgtin:0614141.107346.a%4",
		"urn:epc:id:sgtin: '%' in the serial must start an escape such as %2F");
	S_fails("urn:epc:id:sgtin:0614141.107346.a%",
		"urn:epc:id:sgtin: '%' in the serial must start an escape such as %2F");
	S_fails("urn:epc:id:sgtin:0614141.107346.a%zz",
		"urn:epc:id:sgtin: '%' in the serial must start an escape such as %2F");
	S_fails("urn:epc:id:sgtin:0614141.107346.a/b",
		"urn:epc:id:sgtin: '/' in the serial must be written %2F");
	S_fails("urn:epc:id:sgtin:0614141.107346.a?b",
		"urn:epc:id:sgtin: '?' in the serial must be written %3F");
	S_fails("urn:epc:id:sgtin:0614141.107346.a\"b",
		"urn:epc:id:sgtin: '\"' in the serial must be written %22");
	S_fails("urn:epc:id:sgtin:0614141.107346.a#b",
		"urn:epc:id:sgtin: '#' is not allowed in the serial (not a GS1 character)");
	S_fails("urn:epc:id:giai:952005385.a~b",
		"urn:epc:id:giai: '~' is not allowed in the individual asset reference (not a "
		"GS1 character)");
	S_fails("urn:epc:id:sgln:0614141.07346.%20",
		"urn:epc:id:sgln: %20 in the extension is not an EPC URN escape (only %22 %25 "
		"%26 %2F %3C %3E %3F)");
}

Test(epc, urn_forms_and_schemes)
{
	S_fails("urn:epc:id:xyz:1.2",
		"urn:epc:id:xyz is not an EPC scheme goodtrace reads (sgtin, sscc, sgln, grai, "
		"giai, gsrn, gsrnp, gdti, pgln, sgcn, ginc, gsin, itip, cpi; gid, usdod, adi, bic "
		"and imovn are kept as given)");
	S_fails("urn:epc:id:upui:1234567.098765.51qIgY",
		"urn:epc:id:upui is not supported (its Digital Link form, /01/.../235/..., is not "
		"read)");
	S_fails("urn:epc:class:sgtin:1.2.3",
		"urn:epc:class:sgtin is not an EPC class (the one EPC class is "
		"urn:epc:class:lgtin)");
	S_fails("urn:epc:foo:bar:1",
		"urn:epc:foo: is not an EPC URI form (expected urn:epc:id:, urn:epc:class: or "
		"urn:epc:idpat:)");
	S_fails("urn:epc:id", "\"urn:epc:id\" is not an EPC URI (expected urn:epc:id:<scheme>:..., "
			      "urn:epc:class:lgtin:... or urn:epc:idpat:<scheme>:...)");
	S_fails("urn:epc:id:sgtin",
		"\"urn:epc:id:sgtin\" is not an EPC URI (expected urn:epc:id:<scheme>:..., "
		"urn:epc:class:lgtin:... or urn:epc:idpat:<scheme>:...)");
	S_fails("urn:epc:tag:sgtin-96:3.0614141.812345.6789",
		"urn:epc:tag: is an RFID tag encoding; EPCIS identifiers are the pure identities "
		"urn:epc:id:...");
	S_fails("urn:epc:raw:96.x3074257BF7194E4000001A85",
		"urn:epc:raw: is an RFID tag encoding; EPCIS identifiers are the pure identities "
		"urn:epc:id:...");
	S_fails("urn:epc:pat:sgtin-96:3.0614141.812345.*",
		"urn:epc:pat: is an RFID tag encoding; EPCIS identifiers are the pure identities "
		"urn:epc:id:...");
}

Test(epc, patterns_in_data)
{
	static const char only[] = ": in an event only "
				   "urn:epc:idpat:sgtin:CompanyPrefix.ItemReference.* is allowed; "
				   "patterns belong in queries";
	char want[256];
	snprintf(want, sizeof(want), "urn:epc:idpat:sscc%s", only);
	S_fails("urn:epc:idpat:sscc:0614141.*", want);
	snprintf(want, sizeof(want), "urn:epc:idpat:gid%s", only);
	S_fails("urn:epc:idpat:gid:1.2.*", want);
	snprintf(want, sizeof(want), "urn:epc:idpat:sgtin%s", only);
	S_fails("urn:epc:idpat:sgtin:0614141.107346.2017", want);
	S_fails("urn:epc:idpat:sgtin:*.*.*", want);
	S_fails("urn:epc:idpat:sgtin:0614141.*.*", want);
	/* "*x" is a serial, not a '*'. */
	S_fails("urn:epc:idpat:sgtin:4012345.098765.*x", want);
}

/* ---- GS1 Digital Link -------------------------------------------------- */

Test(epc, digital_link_on_any_host)
{
	S_data("https://example.org/x/01/9506000134352/10/A1?17=271231",
	       "https://id.gs1.org/01/09506000134352/10/A1");
	S_data("https://example.org/01/09506000134352/10/ABC123/21/0001?17=271231#top",
	       "https://id.gs1.org/01/09506000134352/10/ABC123/21/0001");
	S_data("http://shop.example.com:8080/products/item/01/09506000134352",
	       "https://id.gs1.org/01/09506000134352");
	S_data("HTTPS://EXAMPLE.ORG/01/09506000134352", "https://id.gs1.org/01/09506000134352");
	S_data("https://id.gs1.org/01/09506000134352/22/V1/10/L1/21/S1",
	       "https://id.gs1.org/01/09506000134352/22/V1/10/L1/21/S1");
	S_data("https://example.org/01/09506000134352?linkType=gs1:pip&17=271231",
	       "https://id.gs1.org/01/09506000134352");
}

Test(epc, digital_link_gtin_padding)
{
	S_data("https://example.org/01/95060002", "https://id.gs1.org/01/00000095060002");
	S_data("https://example.org/01/614141123452/21/1",
	       "https://id.gs1.org/01/00614141123452/21/1");
	S_data("https://example.org/01/9506000134352", "https://id.gs1.org/01/09506000134352");
	S_data("https://example.org/01/09506000134352", "https://id.gs1.org/01/09506000134352");
}

Test(epc, digital_link_every_key)
{
	S_data("https://a.example/00/106141412345678908",
	       "https://id.gs1.org/00/106141412345678908");
	S_data("https://a.example/253/9525208400014", "https://id.gs1.org/253/9525208400014");
	S_data("https://a.example/253/9525208400014ABC", "https://id.gs1.org/253/9525208400014ABC");
	S_data("https://a.example/255/0614141555550", "https://id.gs1.org/255/0614141555550");
	S_data("https://a.example/255/0614141555550775533",
	       "https://id.gs1.org/255/0614141555550775533");
	S_data("https://a.example/401/0614141xyz", "https://id.gs1.org/401/0614141xyz");
	S_data("https://a.example/402/40123452223334442",
	       "https://id.gs1.org/402/40123452223334442");
	S_data("https://a.example/414/0614141073467", "https://id.gs1.org/414/0614141073467");
	S_data("https://a.example/414/0614141073467/254/1234",
	       "https://id.gs1.org/414/0614141073467/254/1234");
	S_data("https://a.example/417/4000001000005", "https://id.gs1.org/417/4000001000005");
	S_data("https://a.example/8003/04012345000221", "https://id.gs1.org/8003/04012345000221");
	S_data("https://a.example/8003/04012345000221334455",
	       "https://id.gs1.org/8003/04012345000221334455");
	S_data("https://a.example/8004/952005385w2", "https://id.gs1.org/8004/952005385w2");
	S_data("https://a.example/8006/040123451111180102/10/L/21/987",
	       "https://id.gs1.org/8006/040123451111180102/10/L/21/987");
	S_data("https://a.example/8010/0614141ABC%23/8011/12",
	       "https://id.gs1.org/8010/0614141ABC%23/8011/12");
	S_data("https://a.example/8017/401234500000000074/8019/7",
	       "https://id.gs1.org/8017/401234500000000074/8019/7");
	S_data("https://a.example/8018/952520840000000010",
	       "https://id.gs1.org/8018/952520840000000010");
}

Test(epc, digital_link_percent_encoding)
{
	/* Decoded, then encoded canonically: unreserved characters plain,
	 * everything else %HH in upper case. */
	S_data("https://example.org/01/09506000134352/21/%41%62c",
	       "https://id.gs1.org/01/09506000134352/21/Abc");
	S_data("https://example.org/01/09506000134352/21/a%2fb",
	       "https://id.gs1.org/01/09506000134352/21/a%2Fb");
	S_data("https://example.org/01/09506000134352/21/a+b!",
	       "https://id.gs1.org/01/09506000134352/21/a%2Bb%21");
	S_data("https://example.org/01/09506000134352/10/%28A%29-._",
	       "https://id.gs1.org/01/09506000134352/10/%28A%29-._");
	S_data("https://example.org/01/09506000134352/21/*",
	       "https://id.gs1.org/01/09506000134352/21/%2A");
	/* The same serial from the URN and from a Digital Link. */
	S_data("urn:epc:id:sgtin:0614141.107346.a%2Fb",
	       "https://id.gs1.org/01/10614141073464/21/a%2Fb");
	S_data("https://example.org/01/10614141073464/21/a%2Fb",
	       "https://id.gs1.org/01/10614141073464/21/a%2Fb");
}

Test(epc, digital_link_check_digits)
{
	S_fails("https://example.org/01/09506000134353",
		"Digital Link: AI (01) GTIN 09506000134353: check digit should be 2");
	S_fails("https://example.org/01/9506000134351",
		"Digital Link: AI (01) GTIN 9506000134351: check digit should be 2");
	S_fails("https://example.org/01/95060003",
		"Digital Link: AI (01) GTIN 95060003: check digit should be 2");
	S_fails("https://example.org/00/106141412345678907",
		"Digital Link: AI (00) SSCC 106141412345678907: check digit should be 8");
	S_fails("https://example.org/414/0614141073468",
		"Digital Link: AI (414) GLN 0614141073468: check digit should be 7");
	S_fails("https://example.org/417/4000001000006",
		"Digital Link: AI (417) party GLN 4000001000006: check digit should be 5");
	S_fails("https://example.org/8003/04012345000222",
		"Digital Link: AI (8003) GRAI 04012345000222: check digit should be 1");
	S_fails("https://example.org/8006/040123451111190102",
		"Digital Link: AI (8006) ITIP 04012345111119: check digit should be 8");
	S_fails("https://example.org/8018/952520840000000011",
		"Digital Link: AI (8018) GSRN 952520840000000011: check digit should be 0");
	S_fails("https://example.org/8017/401234500000000075",
		"Digital Link: AI (8017) GSRNP 401234500000000075: check digit should be 4");
	S_fails("https://example.org/253/9525208400015",
		"Digital Link: AI (253) GDTI 9525208400015: check digit should be 4");
	S_fails("https://example.org/255/0614141555551",
		"Digital Link: AI (255) GCN 0614141555551: check digit should be 0");
	S_fails("https://example.org/402/40123452223334443",
		"Digital Link: AI (402) GSIN 40123452223334443: check digit should be 2");
}

Test(epc, digital_link_values)
{
	S_fails("https://example.org/01/0950600013435a",
		"Digital Link: AI (01) GTIN \"0950600013435a\" must be 8, 12, 13 or 14 digits");
	S_fails("https://example.org/01/950600013",
		"Digital Link: AI (01) GTIN \"950600013\" must be 8, 12, 13 or 14 digits");
	S_fails("https://example.org/00/10614141234567890",
		"Digital Link: AI (00) SSCC \"10614141234567890\" must be 18 digits");
	S_fails("https://example.org/8003/14012345000221",
		"Digital Link: AI (8003) GRAI 14012345000221 must start with the filler digit 0");
	S_fails("https://example.org/8006/0401234511111801",
		"Digital Link: AI (8006) ITIP \"0401234511111801\" must be 18 digits");
	S_fails("https://example.org/253/952520840001",
		"Digital Link: AI (253) GDTI \"952520840001\" must start with 13 digits");
	S_fails("https://example.org/255/06141415555501234567890123",
		"Digital Link: AI (255) GCN \"06141415555501234567890123\" has 13 characters after "
		"its 13 digits, over the maximum of 12");
	S_fails("https://example.org/255/0614141555550a",
		"Digital Link: AI (255) GCN: 'a' after its 13 digits is not a digit");
	S_fails("https://example.org/253/9525208400014%20",
		"Digital Link: AI (253) GDTI: a space after its 13 digits is not in the GS1 "
		"character set");
	S_fails("https://example.org/01/09506000134352/21/a%20b",
		"Digital Link: AI (21) serial: a space is not in the GS1 character set");
	S_fails("https://example.org/01/09506000134352/21/a%23b",
		"Digital Link: AI (21) serial: '#' is not in the GS1 character set");
	S_fails("https://example.org/01/09506000134352/21/a%C3%A9",
		"Digital Link: AI (21) serial: byte 0xC3 is not in the GS1 character set");
	S_fails("https://example.org/01/09506000134352/21/123456789012345678901",
		"Digital Link: AI (21) serial is 21 characters long, over the maximum of 20");
	S_fails("https://example.org/01/09506000134352/22/%7E",
		"Digital Link: AI (22) consumer product variant: '~' is not in the GS1 character "
		"set");
	S_fails("https://example.org/01/09506000134352/21/a%zz",
		"Digital Link: AI (21) serial: '%' must be followed by two hex digits");
	S_fails("https://example.org/01/09506000134352/21/a%2",
		"Digital Link: AI (21) serial: '%' must be followed by two hex digits");
	S_fails("https://example.org/01//21/5", "Digital Link: AI (01) GTIN is empty");
	S_fails("https://example.org/8010/abc",
		"Digital Link: AI (8010) CPID: 'a' is not one of 0-9 A-Z # - / (GS1's character "
		"set 39)");
	S_fails("https://example.org/8010/ABC/8011/12a",
		"Digital Link: AI (8011) CPID serial: 'a' is not a digit");
	S_fails("https://example.org/8018/952520840000000010/8019/12345678901",
		"Digital Link: AI (8019) SRIN is 11 characters long, over the maximum of 10");
	S_fails("https://example.org/8004/1234567890123456789012345678901",
		"Digital Link: AI (8004) GIAI is 31 characters long, over the maximum of 30");
}

Test(epc, digital_link_qualifiers)
{
	S_fails("https://example.org/01/09506000134352/21/x/10/y",
		"Digital Link: AI (10) comes after AI (21): the key qualifiers of AI (01) come in "
		"the order 22, 10, 21, each at most once");
	S_fails("https://example.org/01/09506000134352/10/x/22/y",
		"Digital Link: AI (22) comes after AI (10): the key qualifiers of AI (01) come in "
		"the order 22, 10, 21, each at most once");
	S_fails("https://example.org/01/09506000134352/21/1/21/2",
		"Digital Link: AI (21) comes after AI (21): the key qualifiers of AI (01) come in "
		"the order 22, 10, 21, each at most once");
	S_fails("https://example.org/01/09506000134352/17/271231",
		"Digital Link: AI (17) cannot follow AI (01) in the path (its key qualifiers are "
		"22, 10, 21); data attributes go in the query (?17=...)");
	S_fails("https://example.org/00/106141412345678908/21/1",
		"Digital Link: AI (21) cannot follow AI (00) in the path (AI (00) takes no key "
		"qualifiers); data attributes go in the query (?21=...)");
	S_fails("https://example.org/414/0614141073467/21/1",
		"Digital Link: AI (21) cannot follow AI (414) in the path (its key qualifiers are "
		"254); data attributes go in the query (?21=...)");
	S_fails("https://example.org/01/09506000134352/00/106141412345678908",
		"Digital Link: AI (00) after AI (01): a Digital Link has one primary key");
	S_fails("https://example.org/01/09506000134352/235/abc",
		"Digital Link: AI (235) after AI (01) is not supported");
	S_fails("https://example.org/01/09506000134352?21=5",
		"Digital Link: AI (21) is a key qualifier of AI (01) and belongs in the path, not "
		"in the query");
	S_fails("https://example.org/01/09506000134352?17=271231&00=106141412345678908",
		"Digital Link: AI (00) is a primary key and belongs in the path, not in the "
		"query");
}

Test(epc, digital_link_shape)
{
	S_fails("https://example.org/01/09506000134352/",
		"Digital Link: the path ends with '/' (it ends with a value)");
	S_fails("https://example.org/01/09506000134352/21",
		"Digital Link: AI (21) at the end of the path has no value");
	S_fails("https:///01/09506000134352", "Digital Link: the URI has no host");
	S_fails("https://example.org/8013/ABC",
		"Digital Link: primary key AI (8013) is not supported (goodtrace reads the keys "
		"00, 01, 253, 255, 401, 402, 414, 417, 8003, 8004, 8006, 8010, 8017 and 8018)");
	/* On GS1's resolver a path must be a Digital Link. */
	S_fails("https://id.gs1.org/99/123",
		"Digital Link: AI (99) is not a primary key (goodtrace reads the keys 00, 01, 253, "
		"255, 401, 402, 414, 417, 8003, 8004, 8006, 8010, 8017 and 8018)");
	S_fails("https://id.gs1.org/",
		"Digital Link: a URI on id.gs1.org needs a primary key in its path, such as "
		"/01/<GTIN> or /00/<SSCC>");
	S_fails("https://ID.GS1.ORG/gtin/09506000134352",
		"Digital Link: a URI on id.gs1.org needs a primary key in its path, such as "
		"/01/<GTIN> or /00/<SSCC>");
}

/* ---- other URIs -------------------------------------------------------- */

Test(epc, other_uris_are_kept_byte_for_byte)
{
	S_kept("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8");
	S_kept("urn:epcglobal:cbv:bt:0614141073467:1152");
	S_kept("http://transaction.acme.com/po/1");
	S_kept("http://transaction.acme.com/po/12345678");
	S_kept("urn:goodtrace:org:county-clinic");
	S_kept("urn:gs1:epcisapp:rail:btt:passage");
	S_kept("HTTP://Example.COM/Path?Q=1#F");
	/* http(s) with no GS1 primary key in the path. */
	S_kept("https://example.org/99/123");
	S_kept("https://example.org/2024/05/report");
	S_kept("https://example.org/01/09506000134352/extra");
	S_kept("https://example.org/gtin/09506000134352");
	S_kept("https://example.org");
	S_kept("mailto:a@example.org");
}

Test(epc, malformed_input)
{
	S_fails("", "the identifier is empty");
	S_fails("abc", "\"abc\" is not an absolute URI: it needs a scheme such as urn: or https:");
	S_fails("0614141.107346.2017",
		"\"0614141.107346.2017\" is not an absolute URI: it needs a scheme such as urn: or "
		"https:");
	S_fails(":x", "\":x\" is not an absolute URI: it needs a scheme such as urn: or https:");
	S_fails("urn:uuid:a b",
		"position 11: a space is not allowed in an identifier (a URI is printable ASCII "
		"without spaces; percent-encode the rest)");
	S_fails("urn:x:\x01",
		"position 7: byte 0x01 is not allowed in an identifier (a URI is printable ASCII "
		"without spaces; percent-encode the rest)");
	S_fails("urn:x:y\x7f",
		"position 8: byte 0x7F is not allowed in an identifier (a URI is printable ASCII "
		"without spaces; percent-encode the rest)");
	S_fails("urn:x:\xc3\xa9",
		"position 7: byte 0xC3 is not allowed in an identifier (a URI is printable ASCII "
		"without spaces; percent-encode the rest)");
	S_fails("\turn:x:y",
		"position 1: byte 0x09 is not allowed in an identifier (a URI is printable ASCII "
		"without spaces; percent-encode the rest)");

	gt_error e = {0};
	char out[GT_EPC_MAX + 1];
	cr_assert_eq(gt_epc_normalise(NULL, GT_EPC_DATA, out, NULL, &e), GT_EINVAL);
	cr_assert_str_eq(e.msg, "no identifier");
	/* err may be NULL. */
	cr_assert_eq(gt_epc_normalise("abc", GT_EPC_DATA, out, NULL, NULL), GT_EINVAL);
}

Test(epc, limits)
{
	char in[GT_EPC_MAX + 8], out[GT_EPC_MAX + 1];
	/* GT_EPC_MAX bytes: kept. */
	memcpy(in, "urn:x:", 6);
	memset(in + 6, 'a', GT_EPC_MAX - 6);
	in[GT_EPC_MAX] = 0;
	S_kept(in);
	/* One more: refused. */
	in[GT_EPC_MAX] = 'a';
	in[GT_EPC_MAX + 1] = 0;
	S_fails(in, "the identifier is over 300 bytes long");
	/* Far longer, not NUL-terminated within the limit. */
	char *big = malloc(100000);
	cr_assert(big);
	memset(big, 'a', 99999);
	big[99999] = 0;
	memcpy(big, "urn:x:", 6);
	gt_error e = {0};
	cr_assert_eq(gt_epc_normalise(big, GT_EPC_DATA, out, NULL, &e), GT_EINVAL);
	cr_assert_str_eq(e.msg, "the identifier is over 300 bytes long");
	free(big);
	/* The longest Digital Link output: every value at its maximum, each
	 * character encoded as %HH, still within the limit. */
	S_data("urn:epc:id:sgtin:0614141.107346.%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F"
	       "%2F%2F%2F%2F%2F",
	       "https://id.gs1.org/01/10614141073464/21/"
	       "%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F");
	S_data("https://e.example/01/09506000134352/22/!!!!!!!!!!!!!!!!!!!!/10/"
	       "!!!!!!!!!!!!!!!!!!!!/21/!!!!!!!!!!!!!!!!!!!!",
	       "https://id.gs1.org/01/09506000134352/22/"
	       "%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21/10/"
	       "%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21/21/"
	       "%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21");
}

/* ---- queries ----------------------------------------------------------- */

Test(epc, query_values_that_are_identifiers)
{
	S_is(GT_EPC_QUERY, "urn:epc:id:sgtin:0614141.107346.2017",
	     "https://id.gs1.org/01/10614141073464/21/2017", false);
	S_is(GT_EPC_QUERY, "urn:uuid:x", "urn:uuid:x", false);
	/* An idpat with every part given names one identifier. */
	S_is(GT_EPC_QUERY, "urn:epc:idpat:sgtin:4012345.098765.2017",
	     "https://id.gs1.org/01/04012345987652/21/2017", false);
	/* is_prefix may be NULL. */
	char out[GT_EPC_MAX + 1];
	cr_assert_eq(gt_epc_normalise("urn:epc:idpat:sgtin:4012345.098765.*", GT_EPC_QUERY, out,
				      NULL, NULL),
		     0);
	cr_assert_str_eq(out, "https://id.gs1.org/01/04012345987652");
}

Test(epc, query_trailing_star)
{
	S_prefix("https://id.gs1.org/01/09506000134352/21/*",
		 "https://id.gs1.org/01/09506000134352/21/");
	S_prefix("https://example.com/shop/01/9506000134352/21/*",
		 "https://id.gs1.org/01/09506000134352/21/");
	S_prefix("urn:epc:id:sgtin:0614141.107346.*", "https://id.gs1.org/01/10614141073464/21/");
	S_prefix("urn:epc:class:lgtin:4012345.012345.*",
		 "https://id.gs1.org/01/04012345123456/10/");
	/* A complete identifier: it and what extends it. */
	S_prefix("https://example.com/01/09506000134352*", "https://id.gs1.org/01/09506000134352");
	S_prefix("https://example.com/01/09506000134352/*",
		 "https://id.gs1.org/01/09506000134352/");
	S_prefix("urn:epc:id:sgtin:0614141.107346.20*",
		 "https://id.gs1.org/01/10614141073464/21/20");
	S_prefix("https://example.com/01/09506000134352/21/A%2F*",
		 "https://id.gs1.org/01/09506000134352/21/A%2F");
	S_prefix("urn:epc:id:giai:952005385.w*", "https://id.gs1.org/8004/952005385w");
	S_prefix("urn:epc:id:grai:4012345.00022.*", "https://id.gs1.org/8003/04012345000221");
	S_prefix("urn:epc:id:sgcn:0614141.55555.*", "https://id.gs1.org/255/0614141555550");
	S_prefix("urn:epc:id:itip:4012345.011111.01.02.*",
		 "https://id.gs1.org/8006/040123451111180102/21/");
	/* An SGLN's any extension includes extension 0, none. */
	S_prefix("urn:epc:id:sgln:0614141.07346.*", "https://id.gs1.org/414/0614141073467");
	/* ... while a Digital Link asks for extensions. */
	S_prefix("https://example.com/414/0614141073467/254/*",
		 "https://id.gs1.org/414/0614141073467/254/");
	/* Not a complete stem: kept as given. */
	S_prefix("urn:epc:id:sgtin:0614141.*", "urn:epc:id:sgtin:0614141.");
	S_prefix("urn:epc:id:pgln:06141411234.*", "urn:epc:id:pgln:06141411234.");
	S_prefix("https://id.gs1.org/01/0950600013435*", "https://id.gs1.org/01/0950600013435");
	S_prefix("https://example.com/01/*", "https://example.com/01/");
	S_prefix("urn:uuid:12*", "urn:uuid:12");
	S_prefix("http://transaction.acme.com/po/*", "http://transaction.acme.com/po/");
	S_prefix("urn:*", "urn:");
	/* A '*' is a prefix mark only in a query. */
	S_data("urn:epc:id:sgtin:0614141.107346.*", "https://id.gs1.org/01/10614141073464/21/%2A");
	S_kept("urn:uuid:12*");
}

Test(epc, query_idpat)
{
	S_prefix("urn:epc:idpat:sgtin:4012345.098765.*", "https://id.gs1.org/01/04012345987652");
	S_prefix("urn:epc:idpat:sgtin:*.*.*", "https://id.gs1.org/01/");
	S_prefix("urn:epc:idpat:sscc:*.*", "https://id.gs1.org/00/");
	S_prefix("urn:epc:idpat:sgln:0614141.07346.*", "https://id.gs1.org/414/0614141073467");
	S_prefix("urn:epc:idpat:sgln:0614141.*.*", "https://id.gs1.org/414/0614141");
	S_prefix("urn:epc:idpat:grai:4012345.00022.*", "https://id.gs1.org/8003/04012345000221");
	S_prefix("urn:epc:idpat:grai:4012345.*.*", "https://id.gs1.org/8003/04012345");
	S_prefix("urn:epc:idpat:giai:952005385.*", "https://id.gs1.org/8004/952005385");
	S_prefix("urn:epc:idpat:gsrn:95252084.*", "https://id.gs1.org/8018/95252084");
	S_prefix("urn:epc:idpat:gsrnp:4012345.*", "https://id.gs1.org/8017/4012345");
	S_prefix("urn:epc:idpat:gdti:95252084.0001.*", "https://id.gs1.org/253/9525208400014");
	S_prefix("urn:epc:idpat:pgln:4000001.*", "https://id.gs1.org/417/4000001");
	S_prefix("urn:epc:idpat:sgcn:0614141.55555.*", "https://id.gs1.org/255/0614141555550");
	S_prefix("urn:epc:idpat:ginc:0614141.*", "https://id.gs1.org/401/0614141");
	S_prefix("urn:epc:idpat:gsin:4012345.*", "https://id.gs1.org/402/4012345");
	S_prefix("urn:epc:idpat:itip:4012345.011111.*.*.*",
		 "https://id.gs1.org/8006/04012345111118");
	S_prefix("urn:epc:idpat:itip:4012345.011111.01.*.*",
		 "https://id.gs1.org/8006/0401234511111801");
	S_prefix("urn:epc:idpat:itip:4012345.011111.01.02.*",
		 "https://id.gs1.org/8006/040123451111180102");
	S_prefix("urn:epc:idpat:cpi:0614141.ABC.*", "https://id.gs1.org/8010/0614141ABC/8011/");
	S_prefix("urn:epc:idpat:cpi:0614141.*.*", "https://id.gs1.org/8010/0614141");
	S_prefix("urn:epc:idpat:gid:95100000.12345.*", "urn:epc:id:gid:95100000.12345.");
	S_prefix("urn:epc:idpat:gid:*.*.*", "urn:epc:id:gid:");
	S_is(GT_EPC_QUERY, "urn:epc:idpat:gid:95100000.12345.400",
	     "urn:epc:id:gid:95100000.12345.400", false);
}

Test(epc, query_refusals)
{
	S_qfails("urn:epc:idpat:sgtin:0614141.*.*",
		 "urn:epc:idpat:sgtin: no Digital Link prefix matches a whole company prefix (the "
		 "item reference's first digit comes before it); name the item reference too");
	S_qfails("urn:epc:idpat:sscc:0614141.*",
		 "urn:epc:idpat:sscc: no Digital Link prefix matches a whole company prefix (the "
		 "serial reference's first digit comes before it); name the serial reference too");
	S_qfails("urn:epc:idpat:sgtin:0614141.*.2017",
		 "urn:epc:idpat:sgtin: a '*' stands for a whole part, and every part after a '*' "
		 "must be '*' too");
	S_qfails("urn:epc:idpat:gid:1.*.2",
		 "urn:epc:idpat:gid: a '*' stands for a whole part, and every part after a '*' "
		 "must be '*' too");
	S_qfails("urn:epc:idpat:sgtin:0614141.10734.*",
		 "urn:epc:idpat:sgtin: company prefix and item reference must have 13 digits "
		 "together, not 12");
	S_qfails("urn:epc:idpat:upui:1.2.*",
		 "urn:epc:idpat:upui is not supported (its Digital Link form, /01/.../235/..., is "
		 "not read)");
	S_qfails("*", "\"*\" is not an absolute URI: it needs a scheme such as urn: or https:");
	S_qfails("urn*", "\"urn*\" is not an absolute URI: it needs a scheme such as urn: or "
			 "https:");
	S_qfails("", "the identifier is empty");
}

/* ---- round trips ------------------------------------------------------- */

Test(epc, normalised_identifiers_are_stable)
{
	static const char *const ins[] = {
		"urn:epc:id:sgtin:0614141.107346.2017",
		"urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()",
		"urn:epc:id:sscc:0614141.1234567890",
		"urn:epc:id:sgln:0614141.07346.1234",
		"urn:epc:id:sgln:0614141.00777.0",
		"urn:epc:class:lgtin:4012345.012345.998877",
		"urn:epc:idpat:sgtin:4012345.098765.*",
		"urn:epc:id:giai:952005385.w2",
		"urn:epc:id:gsrn:95252084.000000001",
		"urn:epc:id:gdti:95252084.0001.0003555480001000",
		"urn:epc:id:grai:4012345.00022.%3C%3E",
		"urn:epc:id:pgln:4000001.00000",
		"urn:epc:id:sgcn:0614141.55555.775533",
		"urn:epc:id:cpi:0614141.A%23B%2F.1",
		"urn:epc:id:itip:4012345.011111.01.02.987",
		"https://example.org/x/01/9506000134352/10/A1?17=271231",
		"https://example.org/01/09506000134352/22/%2d/10/%2a/21/%25",
		"urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8",
	};
	for (size_t i = 0; i < sizeof(ins) / sizeof(ins[0]); i++) {
		char a[GT_EPC_MAX + 1], b[GT_EPC_MAX + 1];
		gt_error e = {0};
		cr_assert_eq(gt_epc_normalise(ins[i], GT_EPC_DATA, a, NULL, &e), 0, "%s: %s",
			     ins[i], e.msg);
		cr_assert_eq(gt_epc_normalise(a, GT_EPC_DATA, b, NULL, &e), 0, "%s: %s", a, e.msg);
		cr_assert_str_eq(a, b);
	}
}

/* Every string in j that starts with prefix, normalised: none refused, each
 * stable. Returns how many were seen. */
static size_t S_walk(json_t *j, const char *prefix)
{
	size_t n = 0;
	if (json_is_string(j)) {
		const char *s = json_string_value(j);
		if (strncmp(s, prefix, strlen(prefix)) != 0)
			return 0;
		char a[GT_EPC_MAX + 1], b[GT_EPC_MAX + 1];
		gt_error e = {0};
		cr_assert_eq(gt_epc_normalise(s, GT_EPC_DATA, a, NULL, &e), 0, "%s: %s", s, e.msg);
		cr_assert_eq(gt_epc_normalise(a, GT_EPC_DATA, b, NULL, &e), 0, "%s: %s", a, e.msg);
		cr_assert_str_eq(a, b);
		return 1;
	}
	const char *k;
	json_t *v;
	size_t i;
	if (json_is_object(j))
		json_object_foreach(j, k, v) n += S_walk(v, prefix);
	if (json_is_array(j))
		json_array_foreach(j, i, v) n += S_walk(v, prefix);
	return n;
}

Test(epc, every_epc_in_the_epcis_test_data)
{
	const char *td = getenv("GT_TESTDATA");
	cr_assert_not_null(td, "GT_TESTDATA is not set");
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/epcis", td);
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "cannot open %s", dir);
	size_t files = 0, seen = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 7 || strcmp(de->d_name + n - 7, ".jsonld") != 0)
			continue;
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		json_error_t je;
		json_t *j = json_load_file(path, 0, &je);
		cr_assert_not_null(j, "%s: %s", path, je.text);
		seen += S_walk(j, "urn:epc:");
		json_decref(j);
		files++;
	}
	closedir(d);
	cr_assert_geq(files, 4);
	cr_assert_geq(seen, 30);
}

/* ---- trade items ------------------------------------------------------- */

Test(epc, item)
{
	char g[15], l[21], s[21];
	cr_assert(gt_epc_item("https://id.gs1.org/01/10614141073464/21/2017", g, l, s));
	cr_assert_str_eq(g, "10614141073464");
	cr_assert_str_eq(l, "");
	cr_assert_str_eq(s, "2017");
	cr_assert(
		gt_epc_item("https://id.gs1.org/01/09506000134352/22/V/10/A%2FB/21/%25x", g, l, s));
	cr_assert_str_eq(g, "09506000134352");
	cr_assert_str_eq(l, "A/B");
	cr_assert_str_eq(s, "%x");
	cr_assert(gt_epc_item("https://id.gs1.org/01/04012345987652", g, l, s));
	cr_assert_str_eq(g, "04012345987652");
	cr_assert_str_eq(l, "");
	cr_assert_str_eq(s, "");
	cr_assert(gt_epc_item("https://id.gs1.org/01/09506000134352/21/%21%21%21%21%21%21%21%21"
			      "%21%21%21%21%21%21%21%21%21%21%21%21",
			      g, l, s));
	cr_assert_str_eq(s, "!!!!!!!!!!!!!!!!!!!!");

	/* Anything else: false, and the arrays untouched. */
	static const char *const no[] = {
		NULL,
		"",
		"https://id.gs1.org/00/106141412345678908",
		"https://id.gs1.org/414/0614141073467",
		"https://example.org/01/09506000134352",
		"urn:epc:id:sgtin:0614141.107346.2017",
		"https://id.gs1.org/01/9506000134352",
		"https://id.gs1.org/01/09506000134352/21/a%2fb",
		"https://id.gs1.org/01/09506000134352/21/%41",
		"https://id.gs1.org/01/09506000134352?17=271231",
		"https://id.gs1.org/01/09506000134353",
		"https://id.gs1.org/01/09506000134352/21/x/10/y",
	};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		memset(g, 'G', sizeof(g));
		memset(l, 'L', sizeof(l));
		memset(s, 'S', sizeof(s));
		cr_assert(!gt_epc_item(no[i], g, l, s), "%s", no[i] ? no[i] : "NULL");
		for (size_t k = 0; k < sizeof(g); k++)
			cr_assert_eq(g[k], 'G');
		for (size_t k = 0; k < sizeof(l); k++)
			cr_assert(l[k] == 'L' && s[k] == 'S');
	}
}

/* ---- CBV vocabulary ---------------------------------------------------- */

/* The CBV 2.0 lists, written out here apart from the library's. */
static const char *const S_steps[] = {
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
	"mismatch_instance",
	"mismatch_class",
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
static const char *const S_btts[] = {"bol",	"cert",	   "desadv",	"inv",	  "pedigree",
				     "po",	"poc",	   "prodorder", "recadv", "rma",
				     "testprd", "testres", "upevt"};
static const char *const S_sdts[] = {"owning_party", "possessing_party", "location"};
static const char *const S_ers[] = {"did_not_occur", "incorrect_data"};

static const struct {
	gt_cbv v;
	const char *urn, *web;
	const char *const *terms;
	size_t n;
} S_vocabs[] = {
	{GT_CBV_BIZSTEP, "bizstep", "BizStep", S_steps, sizeof(S_steps) / sizeof(S_steps[0])},
	{GT_CBV_DISP, "disp", "Disp", S_disps, sizeof(S_disps) / sizeof(S_disps[0])},
	{GT_CBV_BTT, "btt", "BTT", S_btts, sizeof(S_btts) / sizeof(S_btts[0])},
	{GT_CBV_SDT, "sdt", "SDT", S_sdts, sizeof(S_sdts) / sizeof(S_sdts[0])},
	{GT_CBV_ER, "er", "ER", S_ers, sizeof(S_ers) / sizeof(S_ers[0])},
};

static void S_cbv_is(gt_cbv v, const char *in, const char *want)
{
	char out[128];
	gt_error e = {0};
	int rc = gt_epc_cbv(v, in, out, sizeof(out), &e);
	cr_assert_eq(rc, 0, "\"%s\" was refused: %s", in, e.msg);
	cr_assert_str_eq(out, want, "\"%s\"", in);
}

static void S_cbv_fails(gt_cbv v, const char *in, const char *want)
{
	char out[128];
	memset(out, 'Z', sizeof(out));
	gt_error e = {0};
	int rc = gt_epc_cbv(v, in, out, sizeof(out), &e);
	cr_assert_eq(rc, GT_EINVAL, "\"%s\": expected GT_EINVAL, got %d", in, rc);
	cr_assert_str_eq(e.msg, want, "\"%s\"\n got:  %s\n want: %s", in, e.msg, want);
	for (size_t i = 0; i < sizeof(out); i++)
		cr_assert_eq(out[i], 'Z', "\"%s\": out was written", in);
}

Test(epc, cbv_list_sizes)
{
	cr_assert_eq(sizeof(S_steps) / sizeof(S_steps[0]), 41);
	cr_assert_eq(sizeof(S_disps) / sizeof(S_disps[0]), 33);
	cr_assert_eq(sizeof(S_btts) / sizeof(S_btts[0]), 13);
}

Test(epc, cbv_every_term_in_every_form)
{
	char in[160];
	for (size_t i = 0; i < sizeof(S_vocabs) / sizeof(S_vocabs[0]); i++) {
		for (size_t t = 0; t < S_vocabs[i].n; t++) {
			const char *term = S_vocabs[i].terms[t];
			S_cbv_is(S_vocabs[i].v, term, term);
			snprintf(in, sizeof(in), "urn:epcglobal:cbv:%s:%s", S_vocabs[i].urn, term);
			S_cbv_is(S_vocabs[i].v, in, term);
			snprintf(in, sizeof(in), "https://ref.gs1.org/cbv/%s-%s", S_vocabs[i].web,
				 term);
			S_cbv_is(S_vocabs[i].v, in, term);
			snprintf(in, sizeof(in), "http://ref.gs1.org/cbv/%s-%s", S_vocabs[i].web,
				 term);
			S_cbv_is(S_vocabs[i].v, in, term);
			snprintf(in, sizeof(in), "cbv:%s-%s", S_vocabs[i].web, term);
			S_cbv_is(S_vocabs[i].v, in, term);
			/* A term of one vocabulary is not one of another's (here
			 * only the lists that share none are tried). */
			for (size_t o = 0; o < sizeof(S_vocabs) / sizeof(S_vocabs[0]); o++) {
				bool shared = false;
				for (size_t u = 0; u < S_vocabs[o].n; u++)
					shared |= strcmp(S_vocabs[o].terms[u], term) == 0;
				if (o == i || shared)
					continue;
				char out[128];
				snprintf(in, sizeof(in), "urn:epcglobal:cbv:%s:%s", S_vocabs[i].urn,
					 term);
				cr_assert_eq(gt_epc_cbv(S_vocabs[o].v, in, out, sizeof(out), NULL),
					     GT_EINVAL, "%s accepted as vocabulary %zu", in, o);
				cr_assert_eq(
					gt_epc_cbv(S_vocabs[o].v, term, out, sizeof(out), NULL),
					GT_EINVAL, "%s accepted as vocabulary %zu", term, o);
			}
		}
	}
}

Test(epc, cbv_forms_case)
{
	/* The URN's and the host's case do not matter; the term's does. */
	S_cbv_is(GT_CBV_BIZSTEP, "URN:EPCGLOBAL:CBV:BIZSTEP:shipping", "shipping");
	S_cbv_is(GT_CBV_DISP, "HTTPS://REF.GS1.ORG/cbv/Disp-in_transit", "in_transit");
	S_cbv_fails(GT_CBV_BIZSTEP, "urn:epcglobal:cbv:bizstep:Shipping",
		    "\"urn:epcglobal:cbv:bizstep:Shipping\" is not a CBV business step");
	S_cbv_fails(GT_CBV_BIZSTEP, "Shipping",
		    "\"Shipping\" is not a CBV business step; a step of your own must be a URI");
	S_cbv_fails(GT_CBV_BIZSTEP, "https://ref.gs1.org/cbv/bizstep-shipping",
		    "\"https://ref.gs1.org/cbv/bizstep-shipping\" is not a CBV business step");
}

Test(epc, cbv_own_uris_are_kept)
{
	S_cbv_is(GT_CBV_BIZSTEP, "http://example.org/bizstep/x", "http://example.org/bizstep/x");
	S_cbv_is(GT_CBV_BIZSTEP, "http://epcis.example.org/hc/bizstep/summarising_discharge",
		 "http://epcis.example.org/hc/bizstep/summarising_discharge");
	S_cbv_is(GT_CBV_BTT, "urn:gs1:epcisapp:rail:btt:passage",
		 "urn:gs1:epcisapp:rail:btt:passage");
	S_cbv_is(GT_CBV_DISP, "urn:example:disp:quarantined", "urn:example:disp:quarantined");
	/* Not the CBV's own path (it is case-sensitive). */
	S_cbv_is(GT_CBV_BIZSTEP, "https://ref.gs1.org/CBV/BizStep-x",
		 "https://ref.gs1.org/CBV/BizStep-x");
	S_cbv_is(GT_CBV_BIZSTEP, "https://ref.gs1.org/standards/cbv",
		 "https://ref.gs1.org/standards/cbv");
}

Test(epc, cbv_refusals)
{
	S_cbv_fails(GT_CBV_BIZSTEP, "shiping",
		    "\"shiping\" is not a CBV business step; a step of your own must be a URI");
	S_cbv_fails(GT_CBV_DISP, "quarantined",
		    "\"quarantined\" is not a CBV disposition; a disposition of your own must be "
		    "a URI");
	S_cbv_fails(GT_CBV_BTT, "order",
		    "\"order\" is not a CBV business transaction type; a type of your own must be "
		    "a URI");
	S_cbv_fails(GT_CBV_SDT, "owner",
		    "\"owner\" is not a CBV source/destination type; a type of your own must be a "
		    "URI");
	S_cbv_fails(GT_CBV_ER, "wrong",
		    "\"wrong\" is not a CBV error reason; a reason of your own must be a URI");
	S_cbv_fails(GT_CBV_BIZSTEP, "urn:epcglobal:cbv:disp:active",
		    "\"urn:epcglobal:cbv:disp:active\" is a CBV disposition, not a business step");
	S_cbv_fails(GT_CBV_DISP, "https://ref.gs1.org/cbv/BizStep-shipping",
		    "\"https://ref.gs1.org/cbv/BizStep-shipping\" is a CBV business step, not a "
		    "disposition");
	S_cbv_fails(GT_CBV_BTT, "cbv:SDT-location",
		    "\"cbv:SDT-location\" is a CBV source/destination type, not a business "
		    "transaction type");
	S_cbv_fails(GT_CBV_BIZSTEP, "urn:epcglobal:cbv:bizstep:shiping",
		    "\"urn:epcglobal:cbv:bizstep:shiping\" is not a CBV business step");
	S_cbv_fails(GT_CBV_BTT, "urn:epcglobal:cbv:bt:0614141073467:1152",
		    "\"urn:epcglobal:cbv:bt:0614141073467:1152\" is not a CBV business "
		    "transaction type");
	S_cbv_fails(GT_CBV_BIZSTEP, "urn:epcglobal:cbv:bizstep",
		    "\"urn:epcglobal:cbv:bizstep\" is not a CBV business step");
	S_cbv_fails(GT_CBV_BIZSTEP, "https://ref.gs1.org/cbv/shipping",
		    "\"https://ref.gs1.org/cbv/shipping\" is not a CBV business step");
	S_cbv_fails(GT_CBV_BIZSTEP, "", "the business step is empty");
	S_cbv_fails(GT_CBV_DISP, "in transit",
		    "position 3: a space is not allowed in a disposition (a URI is printable "
		    "ASCII without spaces)");
	S_cbv_fails(GT_CBV_BIZSTEP, "ship\nping",
		    "position 5: byte 0x0A is not allowed in a business step (a URI is printable "
		    "ASCII without spaces)");
	S_cbv_fails(GT_CBV_BIZSTEP, NULL, "no business step");
	S_cbv_fails((gt_cbv)99, "shipping", "unknown CBV vocabulary 99");

	/* outlen bounds the input too. */
	char out[9];
	gt_error e = {0};
	cr_assert_eq(gt_epc_cbv(GT_CBV_BIZSTEP, "shipping", out, sizeof(out), &e), 0);
	cr_assert_str_eq(out, "shipping");
	cr_assert_eq(gt_epc_cbv(GT_CBV_BIZSTEP, "receiving", out, sizeof(out), &e), GT_EINVAL);
	cr_assert_str_eq(e.msg, "the business step is over 8 bytes long");
	cr_assert_eq(gt_epc_cbv(GT_CBV_BIZSTEP, "shipping", out, 0, &e), GT_EINVAL);
	cr_assert_str_eq(e.msg, "the business step is over 0 bytes long");
	/* The input must fit, not only the term it names. */
	char small[9];
	cr_assert_eq(gt_epc_cbv(GT_CBV_BIZSTEP, "cbv:BizStep-x", small, sizeof(small), &e),
		     GT_EINVAL);
}
