/* EPCIS identifiers and vocabulary, normalised to one form so that the same
 * thing written two ways is stored and found as one.
 *
 * Identifiers: EPC URNs (pure identities urn:epc:id:sgtin|sscc|sgln|grai|
 * giai|gsrn|gdti|pgln|sgcn, the class urn:epc:class:lgtin, and the pattern
 * urn:epc:idpat:sgtin) and GS1 Digital Link URIs on any host become the
 * canonical Digital Link form on id.gs1.org:
 *   urn:epc:id:sgtin:0614141.107346.2017      -> https://id.gs1.org/01/10614141073464/21/2017
 *   https://example.org/x/01/9506000134352/10/A1?17=271231
 *                                             -> https://id.gs1.org/01/09506000134352/10/A1
 * (the SGTIN's indicator digit, the first of its item reference, goes first
 * in the GTIN). Also read: urn:epc:id:gsrnp|ginc|gsin|itip|cpi, other
 * urn:epc:idpat schemes in queries, and the Digital Link primary keys of all
 * of these. Any other absolute URI (scheme ":" ...) is kept as given, as are
 * the EPC schemes without a GS1 key (gid, usdod, adi, bic, imovn). The rules
 * and a table of every scheme are in docs/epcis.md.
 *
 * Vocabulary: CBV 2.0 terms (business steps, dispositions, business
 * transaction types, source/destination types, error reasons) given bare
 * ("shipping"), as URNs (urn:epcglobal:cbv:bizstep:shipping), as web URIs
 * (https://ref.gs1.org/cbv/BizStep-shipping) or in JSON-LD's compact form
 * (cbv:BizStep-shipping) become the bare term; a URI of one's own
 * (http://example.org/bizstep/x) is kept as given.
 *
 * Both functions are pure (no state, no allocation) and safe to call from
 * any thread. */
#ifndef GT_TRACE_EPC_H
#define GT_TRACE_EPC_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

#define GT_EPC_MAX 300 /* bytes of a normalised identifier, and of an input one */

typedef enum gt_epc_mode {
	GT_EPC_DATA,  /* an identifier in an event: no patterns except urn:epc:idpat:sgtin,
			 which becomes the GTIN's class https://id.gs1.org/01/<gtin> */
	GT_EPC_QUERY, /* a query value: a trailing '*' (after normalising what precedes it)
			 or an urn:epc:idpat makes it a prefix pattern */
} gt_epc_mode;

/* Normalise identifier in (NUL-terminated) into out. Returns 0, setting
 * *is_prefix (if given) to whether out is a prefix to match rather than an
 * identifier (GT_EPC_QUERY only; out then lacks the '*'); or GT_EINVAL with
 * a message naming what is wrong ("urn:epc:id:sgtin: company prefix and
 * item reference must have 13 digits together, not 12", "Digital Link: AI
 * (01) GTIN 09506000134353: check digit should be 2") and out unchanged.
 * Empty input, input without a scheme, spaces, control characters, bytes
 * outside ASCII, and input over GT_EPC_MAX bytes are GT_EINVAL.
 * Check digits in Digital Link URIs are verified; EPC URNs carry none, so
 * they are computed. EPC URN escapes (%2F …) are decoded, and Digital Link
 * values percent-encoded canonically (every byte outside A-Z a-z 0-9 - . _ ~
 * as %HH, upper-case hex). */
int gt_epc_normalise(const char *in, gt_epc_mode mode, char out[GT_EPC_MAX + 1], bool *is_prefix,
		     gt_error *err);

/* What a normalised identifier names, when it is a trade item: its GTIN-14
 * and, when present, lot (AI 10) and serial (AI 21), decoded. Returns true
 * and fills the arrays (empty strings where absent) for a canonical Digital
 * Link with primary key 01; false otherwise (arrays untouched). */
bool gt_epc_item(const char *id, char gtin[15], char lot[21], char serial[21]);

/* The CBV vocabularies. */
typedef enum gt_cbv {
	GT_CBV_BIZSTEP, /* BizStep-  urn:epcglobal:cbv:bizstep: */
	GT_CBV_DISP,	/* Disp-     urn:epcglobal:cbv:disp: */
	GT_CBV_BTT,	/* BTT-      urn:epcglobal:cbv:btt: */
	GT_CBV_SDT,	/* SDT-      urn:epcglobal:cbv:sdt: */
	GT_CBV_ER,	/* ER-       urn:epcglobal:cbv:er: */
} gt_cbv;

/* Normalise a value of vocabulary v into out (outlen bytes; written only on
 * success). A CBV term in any of its forms becomes the bare term; any other
 * absolute URI is kept as given. A bare word that is not a term of v is
 * GT_EINVAL ("\"shiping\" is not a CBV business step; a step of your own must
 * be a URI"), as is a URN or web URI in the CBV's namespaces that is not a
 * term of v ("... is a CBV disposition, not a business step"), and anything
 * empty, over outlen - 1 bytes, or with spaces, control characters or bytes
 * outside ASCII. */
int gt_epc_cbv(gt_cbv v, const char *in, char *out, size_t outlen, gt_error *err);

#endif
