/* Request counters and the Prometheus text exposition (format 0.0.4) of
 * /metrics. */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>

/* Upper bounds of the request duration buckets, in nanoseconds and as
 * printed. */
static const uint64_t S_bucket_ns[GT_API_BUCKETS] = {
	500000,	   1000000,   2500000,	 5000000,    10000000,	 25000000,   50000000,
	100000000, 250000000, 500000000, 1000000000, 2500000000, 5000000000,
};
static const char *const S_bucket_le[GT_API_BUCKETS] = {
	"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
	"0.1",	  "0.25",  "0.5",    "1",     "2.5",  "5",
};
static const char *const S_batch_le[GT_LEDGER_BATCH_BUCKETS] = {
	"1", "4", "16", "64", "256", "1024", "4096", "+Inf",
};

void gt_api_metrics_record(gt_api *api, const gt_route *route, unsigned status, uint64_t ns)
{
	gt_api_route_stats *st = &api->stats[gt_api_route_index(route)];
	if (status >= GT_API_STATUS_MIN && status <= GT_API_STATUS_MAX)
		atomic_fetch_add_explicit(&st->status[status - GT_API_STATUS_MIN], 1,
					  memory_order_relaxed);
	size_t b = 0;
	while (b < GT_API_BUCKETS && ns > S_bucket_ns[b])
		b++;
	atomic_fetch_add_explicit(&st->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&st->sum_ns, ns, memory_order_relaxed);
	atomic_fetch_add_explicit(&st->count, 1, memory_order_relaxed);
}

static uint64_t S_load(_Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

/* The route label: "METHOD /pattern", or "other". */
static void S_label(size_t i, char *out, size_t outlen)
{
	const gt_route *route = gt_api_route_at(i);
	if (route)
		snprintf(out, outlen, "%s %s", route->method, route->pattern);
	else
		snprintf(out, outlen, "other");
}

static int S_http(gt_api *api, gt_buf *b)
{
	size_t n = gt_api_route_count() + 1;
	char label[128];
	int rc = gt_buf_addstr(b, "# HELP goodtrace_http_requests_total HTTP requests answered, "
				  "by route pattern and status.\n"
				  "# TYPE goodtrace_http_requests_total counter\n");
	for (size_t i = 0; i < n && rc == 0; i++) {
		S_label(i, label, sizeof(label));
		gt_api_route_stats *st = &api->stats[i];
		for (unsigned s = GT_API_STATUS_MIN; s <= GT_API_STATUS_MAX && rc == 0; s++) {
			uint64_t v = S_load(&st->status[s - GT_API_STATUS_MIN]);
			if (v)
				rc = gt_buf_addf(b,
						 "goodtrace_http_requests_total{route=\"%s\","
						 "status=\"%u\"} %llu\n",
						 label, s, (unsigned long long)v);
		}
	}
	if (rc == 0)
		rc = gt_buf_addstr(b, "# HELP goodtrace_http_request_duration_seconds Time from "
				      "a request's headers to its completion, by route pattern.\n"
				      "# TYPE goodtrace_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < n && rc == 0; i++) {
		gt_api_route_stats *st = &api->stats[i];
		uint64_t count = S_load(&st->count);
		if (!count)
			continue;
		S_label(i, label, sizeof(label));
		uint64_t cum = 0;
		for (size_t k = 0; k <= GT_API_BUCKETS && rc == 0; k++) {
			cum += S_load(&st->bucket[k]);
			rc = gt_buf_addf(
				b,
				"goodtrace_http_request_duration_seconds_bucket{route=\"%s\","
				"le=\"%s\"} %llu\n",
				label, k < GT_API_BUCKETS ? S_bucket_le[k] : "+Inf",
				(unsigned long long)cum);
		}
		if (rc == 0)
			rc = gt_buf_addf(
				b,
				"goodtrace_http_request_duration_seconds_sum{route=\"%s\"} %.9f\n"
				"goodtrace_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
				label, (double)S_load(&st->sum_ns) / 1e9, label,
				(unsigned long long)cum);
	}
	return rc;
}

/* One counter or gauge with its HELP and TYPE lines. */
typedef struct S_metric {
	const char *name, *type, *help;
	uint64_t value;
} S_metric;

static int S_metrics_add(gt_buf *b, const S_metric *m, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = gt_buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", m[i].name, m[i].help,
				 m[i].name, m[i].type, m[i].name, (unsigned long long)m[i].value);
	return rc;
}

static int S_ledger(gt_api *api, gt_buf *b)
{
	gt_ledger_stats ls;
	memset(&ls, 0, sizeof(ls));
	gt_ledger_stats_get(api->ledger, &ls);
	uint64_t applied = 0;
	gt_store_conn *c;
	if (gt_store_reader(api->store, &c, NULL) == 0) {
		if (gt_store_applied(c, &applied, NULL) < 0)
			applied = 0;
		gt_store_reader_done(c);
	}
	const S_metric m[] = {
		{"goodtrace_log_size", "gauge", "Entries in the published log.",
		 gt_log_size(api->log)},
		{"goodtrace_store_applied", "gauge", "Log entries applied to the store.", applied},
		{"goodtrace_ledger_commands_total", "counter", "Commands decided by the sequencer.",
		 ls.commands},
		{"goodtrace_ledger_rejected_total", "counter",
		 "Commands rejected by their decide step.", ls.rejected},
		{"goodtrace_ledger_entries_total", "counter", "Entries appended to the log.",
		 ls.entries},
		{"goodtrace_ledger_batches_total", "counter",
		 "Batches committed (one durable sync each: a journal record, or an append "
		 "with its checkpoint).",
		 ls.batches},
	};
	int rc = S_metrics_add(b, m, sizeof(m) / sizeof(m[0]));
	if (rc == 0)
		rc = gt_buf_addstr(b, "# HELP goodtrace_ledger_batch_size Commands per batch.\n"
				      "# TYPE goodtrace_ledger_batch_size histogram\n");
	for (size_t k = 0; k < GT_LEDGER_BATCH_BUCKETS && rc == 0; k++)
		rc = gt_buf_addf(b, "goodtrace_ledger_batch_size_bucket{le=\"%s\"} %llu\n",
				 S_batch_le[k], (unsigned long long)ls.batch_hist[k]);
	/* Batch sizes count entries; every entry is in exactly one batch. */
	if (rc == 0)
		rc = gt_buf_addf(b,
				 "goodtrace_ledger_batch_size_sum %llu\n"
				 "goodtrace_ledger_batch_size_count %llu\n",
				 (unsigned long long)ls.entries,
				 (unsigned long long)ls.batch_hist[GT_LEDGER_BATCH_BUCKETS - 1]);
	if (rc == 0)
		rc = gt_buf_addf(b,
				 "# HELP goodtrace_ledger_sync_seconds_total Time spent in durable "
				 "appends.\n"
				 "# TYPE goodtrace_ledger_sync_seconds_total counter\n"
				 "goodtrace_ledger_sync_seconds_total %.9f\n"
				 "# HELP goodtrace_ledger_sync_seconds_max The longest durable "
				 "append.\n"
				 "# TYPE goodtrace_ledger_sync_seconds_max gauge\n"
				 "goodtrace_ledger_sync_seconds_max %.9f\n"
				 "# HELP goodtrace_ledger_decide_seconds_total Time the sequencer "
				 "spent deciding and applying commands.\n"
				 "# TYPE goodtrace_ledger_decide_seconds_total counter\n"
				 "goodtrace_ledger_decide_seconds_total %.9f\n"
				 "# HELP goodtrace_ledger_commit_seconds_total Time the sequencer "
				 "spent committing store transactions.\n"
				 "# TYPE goodtrace_ledger_commit_seconds_total counter\n"
				 "goodtrace_ledger_commit_seconds_total %.9f\n",
				 (double)ls.sync_ns_total / 1e9, (double)ls.sync_ns_max / 1e9,
				 (double)ls.decide_ns_total / 1e9,
				 (double)ls.commit_ns_total / 1e9);
	const S_metric q[] = {
		{"goodtrace_ledger_queue_length", "gauge", "Commands waiting for the sequencer.",
		 ls.queued},
		{"goodtrace_log_sequenced", "gauge",
		 "Entries durable in the log, published or still in its journal.",
		 gt_log_sequenced(api->log)},
		{"goodtrace_ledger_integrations_total", "counter",
		 "Integrations of journaled entries into tiles and a checkpoint.", ls.integrations},
	};
	if (rc == 0)
		rc = S_metrics_add(b, q, sizeof(q) / sizeof(q[0]));
	if (rc == 0)
		rc = gt_buf_addf(b,
				 "# HELP goodtrace_ledger_integrate_seconds_total Time spent "
				 "integrating journaled entries.\n"
				 "# TYPE goodtrace_ledger_integrate_seconds_total counter\n"
				 "goodtrace_ledger_integrate_seconds_total %.9f\n",
				 (double)ls.integrate_ns_total / 1e9);
	return rc;
}

enum MHD_Result gt_h_metrics(gt_req *r)
{
	gt_buf b = GT_BUF_INIT;
	int rc = S_http(r->api, &b);
	if (rc == 0)
		rc = S_ledger(r->api, &b);
	if (rc < 0) {
		gt_buf_done(&b);
		return gt_api_problem_code(r, rc, NULL);
	}
	struct MHD_Response *resp = gt_api_response(
		b.data, b.len, "text/plain; version=0.0.4; charset=utf-8", "no-store");
	gt_buf_done(&b);
	return gt_api_queue(r, MHD_HTTP_OK, resp);
}
