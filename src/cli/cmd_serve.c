/* goodtrace serve: run the service (ledger + HTTP) until SIGTERM/SIGINT. */
#include "api/api.h"
#include "api/webhook.h"
#include "cli/cli.h"
#include "cli/service.h"
#include "core/time.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef GT_WEB_DIR
#define GT_WEB_DIR "web"
#endif
#ifdef GT_VERSION
#define S_WEBHOOK_UA "goodtrace-webhook/" GT_VERSION
#else
#define S_WEBHOOK_UA "goodtrace-webhook"
#endif

static const char S_usage[] =
	"Usage: goodtrace serve --data DIR [--listen HOST:PORT] [--web DIR] [--threads N]\n"
	"                       [--max-per-ip N] [--checkpoint-interval MS]\n"
	"                       [--suspect-places N] [--trust-forwarded]\n"
	"                       [--webhook-retry-ms MS] [--webhook-attempts N]\n"
	"                       [--clock-file FILE]\n"
	"\n"
	"Serve a data directory: the JSON API under /api/v1/, the log under /log/,\n"
	"the web pages under /, /healthz and /metrics. Entries the store has not\n"
	"applied yet (after a crash) are replayed first. On SIGTERM or SIGINT the\n"
	"server stops accepting connections, finishes the requests in flight and\n"
	"every queued write, publishes a checkpoint of every acknowledged write\n"
	"(each was already durable), then exits 0.\n"
	"\n"
	"When ready it prints \"listening http://HOST:PORT\" on stdout.\n"
	"\n"
	"Options (environment variables in brackets are used when an option is absent):\n"
	"  --data DIR          the data directory [GOODTRACE_DATA]\n"
	"  --listen HOST:PORT  numeric address and port; port 0 picks a free one\n"
	"                      [GOODTRACE_LISTEN] (default 127.0.0.1:8080;\n"
	"                      IPv6 as [::1]:8080)\n"
	"  --web DIR           the web pages [GOODTRACE_WEB] (default: the source tree's web/)\n"
	"  --threads N         HTTP threads (default: the number of CPUs)\n"
	"  --max-per-ip N      connections at once from one address (default 512;\n"
	"                      further ones are refused)\n"
	"  --checkpoint-interval MS\n"
	"                      under load, the longest an acknowledged write waits\n"
	"                      to be in a published checkpoint (default 50, at most\n"
	"                      60000); when writes pause for a 25th of it, what is\n"
	"                      pending is published at once\n"
	"                      [GOODTRACE_CHECKPOINT_INTERVAL]\n"
	"  --suspect-places N  the public check calls a serialised pack \"suspect\"\n"
	"                      once this many networks (IPv4 /24, IPv6 /48) have\n"
	"                      checked it within 30 days (default 5, 2 to 8)\n"
	"  --trust-forwarded   take the client's address from X-Forwarded-For (only\n"
	"                      behind a proxy that sets it)\n"
	"  --webhook-retry-ms MS\n"
	"                      recall notices are POSTed to the webhooks holders\n"
	"                      registered; after a failed attempt n the next waits\n"
	"                      MS * 2^(n-1), at most an hour (default 1000, 10 to\n"
	"                      3600000)\n"
	"  --webhook-attempts N\n"
	"                      attempts at one notice before it is given up (it\n"
	"                      stays readable at /api/v1/notifications; default 8,\n"
	"                      1 to 20)\n"
	"  --clock-file FILE   for tests and drills only, never in production: the\n"
	"                      server's clock runs ahead by the whole number of\n"
	"                      seconds FILE holds, read again on every use (the\n"
	"                      green module's days, expiry and survival checks)\n"
	"  --help              show this help\n";

/* Split "host:port" or "[v6]:port". */
static int S_listen(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= hostlen)
			return -1;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = 0;
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= hostlen || colon == s)
			return -1;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
	}
	char *end;
	errno = 0;
	unsigned long p = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p > 65535)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

/* The server's log (stderr): errors whose details clients are not told,
 * and libmicrohttpd's messages, with the time. A client that goes away
 * mid-request is normal and not worth a line. */
static void S_log_error(void *arg, const char *msg)
{
	(void)arg;
	if (strstr(msg, "closed by remote side") || strstr(msg, "Connection reset"))
		return;
	char at[GT_TIME_LEN + 1];
	gt_time_format(gt_time_now_ms(), at);
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		n--;
	fprintf(stderr, "%s goodtrace: %.*s\n", at, (int)n, msg);
}

static const char *S_opt_or_env(gt_opt *opts, const char *name, const char *env)
{
	const char *v = gt_args_get(opts, name)->value;
	if (!v) {
		v = getenv(env);
		if (v && !*v)
			v = NULL;
	}
	return v;
}

int gt_cmd_serve(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"),
			 GT_OPT_VALUE("listen"),
			 GT_OPT_VALUE("web"),
			 GT_OPT_VALUE("threads"),
			 GT_OPT_VALUE("max-per-ip"),
			 GT_OPT_VALUE("checkpoint-interval"),
			 GT_OPT_VALUE("suspect-places"),
			 GT_OPT_FLAG("trust-forwarded"),
			 GT_OPT_VALUE("webhook-retry-ms"),
			 GT_OPT_VALUE("webhook-attempts"),
			 GT_OPT_VALUE("clock-file"),
			 GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	const char *dir = S_opt_or_env(opts, "data", "GOODTRACE_DATA");
	const char *listen = S_opt_or_env(opts, "listen", "GOODTRACE_LISTEN");
	const char *web = S_opt_or_env(opts, "web", "GOODTRACE_WEB");
	if (!dir) {
		gt_cli_error("serve: --data DIR (or GOODTRACE_DATA) is required (see --help)");
		return GT_EXIT_USAGE;
	}
	char host[64];
	uint16_t port;
	if (S_listen(listen ? listen : "127.0.0.1:8080", host, sizeof(host), &port) < 0) {
		gt_cli_error("serve: --listen must be HOST:PORT with a numeric address, e.g. "
			     "127.0.0.1:8080 or [::1]:8080, not '%s'",
			     listen);
		return GT_EXIT_USAGE;
	}
	uint64_t threads = 0, per_ip = 0;
	if (gt_args_get(opts, "threads")->value &&
	    gt_args_u64(gt_args_get(opts, "threads"), 1, 256, &threads) < 0)
		return GT_EXIT_USAGE;
	if (gt_args_get(opts, "max-per-ip")->value &&
	    gt_args_u64(gt_args_get(opts, "max-per-ip"), 1, 65536, &per_ip) < 0)
		return GT_EXIT_USAGE;
	uint64_t suspect_places = 0;
	if (gt_args_get(opts, "suspect-places")->value &&
	    gt_args_u64(gt_args_get(opts, "suspect-places"), 2, 8, &suspect_places) < 0)
		return GT_EXIT_USAGE;
	uint64_t retry_ms = 0, attempts = 0;
	if (gt_args_get(opts, "webhook-retry-ms")->value &&
	    gt_args_u64(gt_args_get(opts, "webhook-retry-ms"), 10, 3600000, &retry_ms) < 0)
		return GT_EXIT_USAGE;
	if (gt_args_get(opts, "webhook-attempts")->value &&
	    gt_args_u64(gt_args_get(opts, "webhook-attempts"), 1, 20, &attempts) < 0)
		return GT_EXIT_USAGE;
	uint64_t checkpoint_ms = 0;
	const char *cpi =
		S_opt_or_env(opts, "checkpoint-interval", "GOODTRACE_CHECKPOINT_INTERVAL");
	if (cpi) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(cpi, &end, 10);
		if (errno || end == cpi || *end || cpi[0] == '-' || v < 1 || v > 60000) {
			gt_cli_error("serve: --checkpoint-interval wants milliseconds from 1 to "
				     "60000, not '%s'",
				     cpi);
			return GT_EXIT_USAGE;
		}
		checkpoint_ms = v;
	}
	if (!web)
		web = GT_WEB_DIR;
	struct stat st;
	if (stat(web, &st) != 0 || !S_ISDIR(st.st_mode)) {
		gt_cli_error("serve: the web pages directory '%s' does not exist (--web DIR)", web);
		return GT_EXIT_USAGE;
	}

	/* Signals are taken by sigwait below, so every thread started from
	 * here on must have them blocked. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	gt_error err = {0};
	gt_service s;
	const char *clock_file = gt_args_get(opts, "clock-file")->value;
	if (clock_file) {
		if (gt_time_set_clock_file(clock_file) < 0) {
			fprintf(stderr, "goodtrace serve: out of memory\n");
			return 1;
		}
		fprintf(stderr, "goodtrace serve: the clock runs from %s (for tests only)\n",
			clock_file);
	}
	if (gt_service_open(dir, false, (unsigned)checkpoint_ms, &s, &err) < 0) {
		gt_cli_error("serve: %s", err.msg);
		return err.code == GT_EBUSY ? GT_EXIT_FAIL : GT_EXIT_FAIL;
	}
	/* The green module's energy book, before the first request needs it. */
	gt_ledger_result loaded;
	if (gt_ledger_call(s.ledger, "green.load", NULL, NULL, json_object(), &loaded) < 0) {
		gt_cli_error("serve: loading the green energy book: %s", loaded.msg);
		gt_service_close(&s);
		return GT_EXIT_FAIL;
	}
	json_decref(loaded.reply);
	char files[PATH_MAX + 8];
	snprintf(files, sizeof(files), "%s/files", s.paths.root);
	gt_api_options ao = {
		.host = host,
		.port = port,
		.threads = (unsigned)threads,
		.log = s.dl.log,
		.store = s.store,
		.ledger = s.ledger,
		.log_dir = s.paths.log,
		.vkey_path = s.paths.vkey,
		.web_dir = web,
		.files_dir = files,
		.limits = {.per_ip_max = (unsigned)per_ip},
		.suspect_places = (unsigned)suspect_places,
		.trust_forwarded = gt_args_get(opts, "trust-forwarded")->given,
		.on_error = S_log_error,
	};
	gt_api *api = NULL;
	if (gt_api_start(&ao, &api, &err) < 0) {
		gt_cli_error("serve: %s", err.msg);
		gt_service_close(&s);
		return GT_EXIT_FAIL;
	}
	gt_webhooks_options wo = {
		.store = s.store,
		.ledger = s.ledger,
		.retry_base_ms = (unsigned)retry_ms,
		.max_attempts = (unsigned)attempts,
		.user_agent = S_WEBHOOK_UA,
		.on_error = S_log_error,
	};
	gt_webhooks *hooks = NULL;
	if (gt_webhooks_start(&wo, &hooks, &err) < 0) {
		gt_cli_error("serve: %s", err.msg);
		gt_api_stop(api, 10000);
		gt_service_close(&s);
		return GT_EXIT_FAIL;
	}
	const char *fmt =
		strchr(host, ':') ? "listening http://[%s]:%u\n" : "listening http://%s:%u\n";
	printf(fmt, host, (unsigned)gt_api_port(api));
	fflush(stdout);
	fprintf(stderr, "goodtrace: serving %s (log size %llu)\n", dir,
		(unsigned long long)gt_log_size(s.dl.log));

	int sig = 0;
	sigwait(&sigs, &sig);
	fprintf(stderr, "goodtrace: %s: stopping (finishing requests in flight)\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	gt_webhooks_stop(hooks); /* before the ledger it records deliveries with */
	gt_api_stop(api, 10000);
	gt_ledger_free(s.ledger); /* finishes every queued command */
	s.ledger = NULL;
	uint64_t size = gt_log_size(s.dl.log);
	gt_service_close(&s);
	fprintf(stderr, "goodtrace: stopped; the published checkpoint covers %llu entries\n",
		(unsigned long long)size);
	return GT_EXIT_OK;
}

int gt_cmd_routes(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	gt_api_routes_print(stdout);
	return GT_EXIT_OK;
}
