/* The HTTP server (libmicrohttpd): the JSON API under /api/v1/, the log
 * under /log/, the web pages under /, /healthz and /metrics.
 *
 * Writes are submitted to the ledger and the connection is suspended until
 * the sequencer acknowledges (after the entry is durable), so one server
 * thread serves many in-flight writes. Reads use the store's reader pool
 * and the log's lock-free readers. Errors are RFC 7807 problem+json. */
#ifndef GT_API_API_H
#define GT_API_API_H

#include "core/error.h"
#include "ledger/ledger.h"
#include "log/log.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Limits on everything a client controls; over one, a 4xx problem. */
typedef struct gt_api_limits {
	size_t body_max;     /* request body bytes (default 1 MiB) -> 413 */
	size_t doc_max;	     /* bytes of an EPCIS document to capture (default 16 MiB) -> 413 */
	size_t json_depth;   /* nesting (default 16) -> 400 json-too-deep */
	size_t string_max;   /* bytes in any JSON string (default 4096) -> 400 */
	size_t batch_max;    /* items in a batch request (default 1000) -> 400 */
	size_t page_max;     /* items in a page (default 1000) -> 400 */
	unsigned conn_max;   /* concurrent connections (default 4096) */
	unsigned per_ip_max; /* concurrent connections from one address (default 512) */
	unsigned timeout_s;  /* idle connection timeout (default 30) */
} gt_api_limits;

typedef struct gt_api_options {
	const char *host; /* numeric address to listen on, e.g. "127.0.0.1" or "::1" */
	uint16_t port;	  /* 0: any free port (see gt_api_port) */
	unsigned threads; /* server threads (default: the number of CPUs) */
	gt_log *log;	  /* borrowed; opened for writing by the ledger's owner */
	gt_store *store;
	gt_ledger *ledger;
	const char *log_dir;   /* DIR/log: served under /log/ */
	const char *vkey_path; /* DIR/log.vkey: served as /log/vkey */
	const char *web_dir;   /* the pages, served under / */
	const char *files_dir; /* receipts' files by hash (NULL: log_dir/../files) */
	gt_api_limits limits;  /* zero fields take the defaults */
	/* The public check calls a serialised pack "suspect" once this many
	 * distinct networks have checked it within 30 days (default 5; at most
	 * 8). trust_forwarded: take the client's address from X-Forwarded-For
	 * (only behind a proxy that sets it). */
	unsigned suspect_places;
	bool trust_forwarded;
	/* Errors clients are not told the details of (answered 500
	 * "internal") and libmicrohttpd's own messages, for the program to
	 * log; called from server threads, at any time until gt_api_stop
	 * returns. NULL: libmicrohttpd's messages go to stderr, the others
	 * are dropped. */
	void (*on_error)(void *arg, const char *msg);
	void *on_error_arg;
} gt_api_options;

typedef struct gt_api gt_api;

/* Listen and serve from background threads. */
int gt_api_start(const gt_api_options *opt, gt_api **ret, gt_error *err);
/* The port actually listened on. */
uint16_t gt_api_port(const gt_api *api);
/* Graceful stop: stop accepting connections, let in-flight requests finish
 * (at most wait_ms), then stop the threads and free. Accepts NULL. */
void gt_api_stop(gt_api *api, unsigned wait_ms);

/* Every route, one "METHOD /path/{param}" per line, for the OpenAPI test. */
void gt_api_routes_print(FILE *out);

#endif
