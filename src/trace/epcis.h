/* GS1 EPCIS 2.0 events as the trace module keeps them: checked, with every
 * identifier and vocabulary term normalised (trace/epc.h), so the log holds
 * one form of each and queries find what was written either way.
 *
 * Entry type / command:
 *   trace.capture  {"events": [EPCIS 2.0 events]} (1 to GT_EPCIS_CAPTURE_MAX)
 *                  by a manufacturer, distributor or clinic: all or nothing.
 *                  Each event becomes one entry trace.event
 *                  {"capture": <index of the capture's first entry>,
 *                   "event": <the normalised event>}. An eventID is kept,
 *                  or one is given ("urn:uuid:…"); an eventID already
 *                  captured refuses the whole capture. Sources and
 *                  destinations "urn:goodtrace:org:<id>" must name
 *                  organisations. The reply is {"captureID", "events",
 *                  "eventIDs"}.
 *
 * What a trace.event means for custody, packs and recalls (apply):
 *   - every identifier is indexed for queries (GT_EPCIS_K_* kinds);
 *   - an AggregationEvent ADD puts its children in the parent, DELETE takes
 *     them (or all) out; a container stands for what it holds, to depth 4;
 *   - each batch the event touches (a serialised pack's, or a lot class's)
 *     is in the custody of the organisation that captured the event and of
 *     every "urn:goodtrace:org:<id>" owning or possessing party among its
 *     destinations, except the batch's maker; a new holder of a batch under
 *     a recall in force gets a notice of it;
 *   - bizStep dispensing or disposition dispensed marks a serialised pack
 *     "dispensed"; bizStep destroying or disposition destroyed, "destroyed".
 *
 * Numbers: entries hold integers only, so a non-integer number in an event
 * (a quantity of 200.5 KGM, a sensor value) is kept as its decimal text; the
 * query document gives quantities and sensor values back as numbers. */
#ifndef GT_TRACE_EPCIS_H
#define GT_TRACE_EPCIS_H

#include "core/error.h"

#include <jansson.h>
#include <stdint.h>

#define GT_EPCIS_CAPTURE_MAX 10000 /* events in one capture */
#define GT_EPCIS_LIST_MAX 10000	   /* identifiers in one list of an event */
#define GT_EPCIS_ORG_URN "urn:goodtrace:org:"

/* Kinds of identifier in an event, as bits (queries match by mask). */
enum {
	GT_EPCIS_K_EPC = 1 << 0,	    /* epcList */
	GT_EPCIS_K_CHILD = 1 << 1,	    /* childEPCs */
	GT_EPCIS_K_PARENT = 1 << 2,	    /* parentID */
	GT_EPCIS_K_INPUT = 1 << 3,	    /* inputEPCList */
	GT_EPCIS_K_OUTPUT = 1 << 4,	    /* outputEPCList */
	GT_EPCIS_K_CLASS = 1 << 5,	    /* quantityList epcClass */
	GT_EPCIS_K_CHILD_CLASS = 1 << 6,  /* childQuantityList epcClass */
	GT_EPCIS_K_INPUT_CLASS = 1 << 7,  /* inputQuantityList epcClass */
	GT_EPCIS_K_OUTPUT_CLASS = 1 << 8, /* outputQuantityList epcClass */
};

/* Parse an EPCIS time (RFC 3339: a date, 'T', a time with any number of
 * fraction digits, and 'Z' or an offset) to milliseconds since the epoch
 * (fractions beyond milliseconds dropped). 0 or GT_EINVAL. */
int gt_epcis_time(const char *s, int64_t *ret_ms);

/* Check and normalise one event (borrowed). On success *ret is a new
 * reference to the event as the log keeps it. On failure GT_EINVAL (or
 * GT_ENOMEM) with a message naming the field ("epcList[2]: …"). */
int gt_epcis_event(const json_t *event, json_t **ret, gt_error *err);

/* The events of an EPCIS 2.0 document (EPCISDocument, or an
 * EPCISQueryDocument's results), borrowed from doc; GT_EINVAL naming what
 * is missing. The document's own @context objects (prefix definitions for
 * extension fields) are put in *ret_context (a new reference: an array,
 * possibly empty). */
int gt_epcis_document(const json_t *doc, const json_t **ret_events, json_t **ret_context,
		      gt_error *err);

/* A kept event as an EPCIS 2.0 event of a query result (a new reference):
 * numbers kept as text given back as numbers, and recordTime set. */
json_t *gt_epcis_render(const json_t *kept, const char *record_time);

#endif
