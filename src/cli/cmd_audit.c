/* goodtrace audit: verify a log, replay its give entries into every
 * campaign's accounts and its green entries into the green totals, and
 * compare them with what a server says. */
#include "cli/cli.h"
#include "cli/logsrc.h"
#include "core/base64.h"
#include "core/time.h"
#include "give/audit.h"
#include "green/audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PARTS_MAX 1000 /* parts a receipt lists (docs/give.md) */

static const char S_usage[] =
	"Usage: goodtrace audit --log DIR|URL --vkey KEY [--server URL] [--receipts N]\n"
	"                       [--json]\n"
	"\n"
	"Verify a whole log like 'goodtrace verify', replay every give entry\n"
	"(campaigns, works, donations, refunds, disbursements, confirmations) in log\n"
	"order through the allocation rule of docs/give.md and every green entry\n"
	"(actions, collections, the catalogue, trees, plantings, survival checks,\n"
	"pools, unlocks) into the totals of docs/green.md, and print every\n"
	"campaign's status and accounts, then the green totals (expired and pending\n"
	"energy as of now).\n"
	"\n"
	"With --server, compare instead: each campaign's status and every field of\n"
	"its accounts with GET /api/v1/campaigns/{id}, the campaigns the server lists\n"
	"with those on the log, the receipts of N donations spread evenly over the\n"
	"log (GET /api/v1/receipts/{code}: each part's disbursement and amount,\n"
	"unspent, refunded) with where the log says the money went, and every\n"
	"figure of GET /api/v1/green/totals (energy, kinds, trees, species, sites,\n"
	"partners, pools; expired and pending as of its \"as_of\"). Each difference\n"
	"is one line, e.g.\n"
	"  campaign books-2026: accounts.spent: log says 6000, server says 6100\n"
	"  green: species saxaul.planted: log says 500, server says 499\n"
	"\n"
	"Exit status: 0 the log verifies and (with --server) everything matches;\n"
	"1 the log does not verify, a give or green entry is malformed or\n"
	"contradicts the log before it, the server cannot be reached, or there are\n"
	"differences (then a last line counts them); 2 usage (including a bad key).\n"
	"\n"
	"Options:\n"
	"  --log DIR|URL    the log directory (DIR/log of a data directory) or the\n"
	"                   URL it is served at, e.g. https://example.org/log/\n"
	"  --vkey KEY       the verifier key <name>+<id>+<base64>, or a file holding it\n"
	"  --server URL     the goodtrace server to compare with, e.g.\n"
	"                   https://example.org\n"
	"  --receipts N     how many donations' receipts to compare (default 100,\n"
	"                   all when there are fewer; 0: none)\n"
	"  --json           print the accounts and the green totals as one JSON\n"
	"                   document (without --server)\n"
	"  --help           show this help\n";

/* ---- replaying while verifying ------------------------------------------ */

typedef struct {
	gt_audit *audit;
	gt_green_audit *green;
	bool failed; /* a replay refused an entry (not the verification) */
} S_replay;

static int S_on_entry(void *ctx, uint64_t index, const uint8_t *data, size_t len, gt_error *err)
{
	S_replay *r = ctx;
	int rc = gt_audit_add(r->audit, index, data, len, err);
	if (rc == 0)
		rc = gt_green_audit_add(r->green, index, data, len, err);
	if (rc < 0)
		r->failed = true;
	return rc;
}

/* ---- printing ------------------------------------------------------------ */

static long long S_int(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void S_print_campaign(const gt_audit *a, size_t c, const char *status, const json_t *acc)
{
	printf("campaign %s (%s): %s\n", gt_audit_campaign_id(a, c),
	       gt_audit_campaign_currency(a, c), status);
	printf("  raised %lld, refunded %lld, spent %lld, balance %lld (minor units)\n",
	       S_int(acc, "raised"), S_int(acc, "refunded"), S_int(acc, "spent"),
	       S_int(acc, "balance"));
	printf("  donations %lld, donors %lld, anonymous %lld, disbursements %lld\n",
	       S_int(acc, "donations"), S_int(acc, "donors"), S_int(acc, "anonymous"),
	       S_int(acc, "disbursements"));
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(acc, "by_category"), i, v)
		printf("  category %s: amount %lld, count %lld\n",
		       json_string_value(json_object_get(v, "category")), S_int(v, "amount"),
		       S_int(v, "count"));
	json_array_foreach(json_object_get(acc, "days"), i, v)
		printf("  day %s: raised %lld, refunded %lld, spent %lld, donations %lld\n",
		       json_string_value(json_object_get(v, "day")), S_int(v, "raised"),
		       S_int(v, "refunded"), S_int(v, "spent"), S_int(v, "donations"));
}

/* The green totals, readable: a line per figure, kind, species, site,
 * partner and pool. */
static void S_print_green(const gt_green_audit *g, const json_t *t)
{
	printf("green: %llu entries, as of %s\n", (unsigned long long)gt_green_audit_entries(g),
	       json_string_value(json_object_get(t, "as_of")));
	if (!gt_green_audit_entries(g))
		return;
	const json_t *en = json_object_get(t, "energy"), *tr = json_object_get(t, "trees"), *v;
	printf("  energy: credited %lld g, collected %lld g, expired %lld g, pending %lld g, spent "
	       "%lld g; %lld actions\n",
	       S_int(en, "credited"), S_int(en, "collected"), S_int(en, "expired"),
	       S_int(en, "pending"), S_int(en, "spent"), S_int(en, "actions"));
	size_t i;
	json_array_foreach(json_object_get(en, "kinds"), i, v)
	{
		printf("  kind %s: %lld g, %lld actions\n",
		       json_string_value(json_object_get(v, "kind")), S_int(v, "grams"),
		       S_int(v, "actions"));
	}
	printf("  trees: ordered %lld, planted %lld, surviving %lld\n", S_int(tr, "ordered"),
	       S_int(tr, "planted"), S_int(tr, "surviving"));
	json_array_foreach(json_object_get(t, "species"), i, v)
	{
		printf("  species %s (%s): ordered %lld, planted %lld, surviving %lld\n",
		       json_string_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "planter")), S_int(v, "ordered"),
		       S_int(v, "planted"), S_int(v, "surviving"));
	}
	json_array_foreach(json_object_get(t, "sites"), i, v)
	{
		printf("  site %s (%s): plantings %lld, planted %lld, surviving %lld\n",
		       json_string_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "planter")), S_int(v, "plantings"),
		       S_int(v, "planted"), S_int(v, "surviving"));
	}
	json_array_foreach(json_object_get(t, "partners"), i, v)
	{
		printf("  partner %s: ordered %lld, planted %lld, surviving %lld\n",
		       json_string_value(json_object_get(v, "planter")), S_int(v, "ordered"),
		       S_int(v, "planted"), S_int(v, "surviving"));
	}
	json_array_foreach(json_object_get(t, "pools"), i, v)
	{
		printf("  pool %s (%s, %s): budget %lld, unlocked %lld, left %lld, unlocks %lld%s\n",
		       json_string_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "sponsor")),
		       json_string_value(json_object_get(v, "currency")), S_int(v, "budget"),
		       S_int(v, "unlocked"), S_int(v, "left"), S_int(v, "unlocks"),
		       json_is_true(json_object_get(v, "closed")) ? ", closed" : "");
	}
}

/* Every campaign's accounts and the green totals on stdout, readable or
 * as JSON. */
static int S_print(const gt_audit *a, const gt_green_audit *g, const gt_checkpoint *cp, int64_t now,
		   bool json)
{
	char root[48];
	gt_base64_encode(cp->root.b, GT_HASH_LEN, root);
	json_t *all = json_array();
	if (!all)
		return GT_ENOMEM;
	if (!json)
		printf("OK: %s, %llu entries, root %s: %zu campaigns, %llu donations\n", cp->origin,
		       (unsigned long long)cp->size, root, gt_audit_ncampaigns(a),
		       (unsigned long long)gt_audit_ndonations(a));
	for (size_t c = 0; c < gt_audit_ncampaigns(a); c++) {
		const char *status = gt_audit_status(a, c, now);
		json_t *acc = gt_audit_accounts(a, c);
		if (!acc) {
			json_decref(all);
			return GT_ENOMEM;
		}
		if (!json) {
			S_print_campaign(a, c, status, acc);
			json_decref(acc);
			continue;
		}
		if (json_array_append_new(all, json_pack("{s:s, s:s, s:s, s:o}", "id",
							 gt_audit_campaign_id(a, c), "currency",
							 gt_audit_campaign_currency(a, c), "status",
							 status, "accounts", acc)) < 0) {
			json_decref(all);
			return GT_ENOMEM;
		}
	}
	json_t *green = gt_green_audit_totals(g, now);
	if (!green) {
		json_decref(all);
		return GT_ENOMEM;
	}
	if (json) {
		json_t *doc = json_pack("{s:s, s:I, s:s, s:o, s:o}", "origin", cp->origin, "size",
					(json_int_t)cp->size, "root", root, "campaigns", all,
					"green", green);
		char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(doc);
		if (!text)
			return GT_ENOMEM;
		printf("%s\n", text);
		free(text);
		return 0;
	}
	S_print_green(g, green);
	json_decref(green);
	json_decref(all);
	return 0;
}

/* ---- comparing with a server --------------------------------------------- */

typedef struct {
	gt_http *http;
	const gt_audit *audit;
	const gt_green_audit *green;
	size_t differences;
	const char
		*subject; /* "campaign books-2026", "receipt 7KQ2-9MXD-R4TB (entry 40)", "green" */
	gt_buf path, body;
	gt_error err;
} S_server;

static void S_differ(S_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void S_differ(S_server *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	s->differences++;
}

static void S_on_diff(void *ctx, const char *path, const char *log_says, const char *server_says)
{
	S_server *s = ctx;
	S_differ(s, "%s: %s: log says %s, server says %s", s->subject, path, log_says, server_says);
}

/* Append s percent-encoded (everything but unreserved characters). */
static int S_escape(gt_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			if (gt_buf_add(out, s, 1) < 0)
				return GT_ENOMEM;
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			if (gt_buf_add(out, e, 3) < 0)
				return GT_ENOMEM;
		}
	}
	return 0;
}

/* GET prefix + arg (percent-encoded; may be NULL) from the server, parsed into *ret.
 * 0, GT_ENOTFOUND (404), or another code with s->err set: the server could
 * not be asked, or its answer is not JSON. */
static int S_get(S_server *s, const char *prefix, const char *arg, json_t **ret)
{
	*ret = NULL;
	gt_buf_reset(&s->path);
	gt_buf_reset(&s->body);
	if (gt_buf_addstr(&s->path, prefix) < 0 || (arg && S_escape(&s->path, arg) < 0))
		return gt_fail(&s->err, GT_ENOMEM, "out of memory");
	int rc = gt_http_fetch(s->http, (const char *)s->path.data, &s->body, &s->err);
	if (rc < 0)
		return rc;
	json_error_t je;
	*ret = json_loadb((const char *)s->body.data, s->body.len, 0, &je);
	if (!*ret)
		return gt_fail(&s->err, GT_EINVAL, "the answer to /%s is not JSON: %s",
			       (const char *)s->path.data, je.text);
	return 0;
}

/* Each campaign on the log against the server's. */
static int S_compare_campaigns(S_server *s, int64_t now)
{
	const gt_audit *a = s->audit;
	char subject[256];
	s->subject = subject;
	for (size_t c = 0; c < gt_audit_ncampaigns(a); c++) {
		const char *id = gt_audit_campaign_id(a, c);
		snprintf(subject, sizeof(subject), "campaign %s", id);
		json_t *server;
		int rc = S_get(s, "api/v1/campaigns/", id, &server);
		if (rc == GT_ENOTFOUND) {
			S_differ(s, "%s: on the log, but the server does not have it (404)",
				 subject);
			continue;
		}
		if (rc < 0)
			return rc;
		json_t *log = json_pack("{s:s, s:o}", "status", gt_audit_status(a, c, now),
					"accounts", gt_audit_accounts(a, c));
		if (!log) {
			json_decref(server);
			return gt_fail(&s->err, GT_ENOMEM, "out of memory");
		}
		gt_audit_compare(log, server, "", S_on_diff, s);
		json_decref(log);
		json_decref(server);
	}
	return 0;
}

/* The campaigns the server lists (every page, by next_after) that the log
 * does not have. */
static int S_compare_list(S_server *s)
{
	char after[256] = "";
	for (;;) {
		/* Pages of the server's own size (its page_max may be small). */
		json_t *page;
		int rc = S_get(s, after[0] ? "api/v1/campaigns?after=" : "api/v1/campaigns",
			       after[0] ? after : NULL, &page);
		if (rc < 0)
			return rc;
		const json_t *items = json_object_get(page, "campaigns"),
			     *next = json_object_get(page, "next_after");
		if (!json_is_array(items) ||
		    (next && !json_is_null(next) && !json_is_string(next))) {
			json_decref(page);
			return gt_fail(&s->err, GT_EINVAL,
				       "the answer to /%s is not a page of campaigns "
				       "{\"campaigns\": [...], \"next_after\"}",
				       (const char *)s->path.data);
		}
		size_t i;
		const json_t *v;
		json_array_foreach(items, i, v)
		{
			const char *id = json_string_value(json_object_get(v, "id"));
			if (!id)
				S_differ(s, "campaigns: the server lists one without an id");
			else if (gt_audit_campaign_find(s->audit, id) < 0)
				S_differ(s,
					 "campaign %s: the server lists it, but the log does not "
					 "have it",
					 id);
		}
		bool more = json_is_string(next) && strcmp(json_string_value(next), after) != 0;
		if (more)
			snprintf(after, sizeof(after), "%s", json_string_value(next));
		json_decref(page);
		if (!more)
			return 0;
	}
}

/* The receipts of the sampled donations against where the log says the
 * money went. */
static int S_compare_receipts(S_server *s, size_t *compared)
{
	const gt_audit *a = s->audit;
	gt_give_part *parts = malloc(S_PARTS_MAX * sizeof(*parts));
	if (!parts)
		return gt_fail(&s->err, GT_ENOMEM, "out of memory");
	char subject[300];
	s->subject = subject;
	int rc = 0;
	size_t n = gt_audit_nsamples(a);
	for (size_t i = 0; i < n; i++) {
		gt_audit_sample x;
		gt_audit_sample_get(a, i, &x);
		snprintf(subject, sizeof(subject), "receipt %s (entry %llu)", x.code,
			 (unsigned long long)x.index);
		size_t nparts;
		int64_t unspent, refunded;
		gt_audit_follow(a, x.campaign, x.donation, parts, S_PARTS_MAX, &nparts, &unspent,
				&refunded);
		json_t *server;
		rc = S_get(s, "api/v1/receipts/", x.code, &server);
		if (rc == GT_ENOTFOUND) {
			S_differ(s, "%s: on the log, but the server does not have it (404)",
				 subject);
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		json_t *list = json_array(), *log = NULL;
		for (size_t k = 0; list && k < nparts && k < S_PARTS_MAX; k++)
			json_array_append_new(list,
					      json_pack("{s:I, s:I}", "disbursement",
							(json_int_t)parts[k].disbursement, "amount",
							(json_int_t)parts[k].amount));
		if (list)
			log = json_pack("{s:{s:I, s:s}, s:o, s:b, s:I, s:I}", "donation", "index",
					(json_int_t)x.index, "campaign",
					gt_audit_campaign_id(a, x.campaign), "parts", list,
					"more_parts", nparts > S_PARTS_MAX, "unspent",
					(json_int_t)unspent, "refunded", (json_int_t)refunded);
		if (!log) {
			json_decref(server);
			rc = gt_fail(&s->err, GT_ENOMEM, "out of memory");
			break;
		}
		gt_audit_compare(log, server, "", S_on_diff, s);
		json_decref(log);
		json_decref(server);
		(*compared)++;
	}
	free(parts);
	return rc;
}

/* The green totals against the server's, at the time it gives them for. */
static int S_compare_green(S_server *s)
{
	static const char path[] = "api/v1/green/totals";
	s->subject = "green";
	json_t *server;
	int rc = S_get(s, path, NULL, &server);
	if (rc == GT_ENOTFOUND) {
		if (gt_green_audit_entries(s->green))
			S_differ(s, "green: on the log, but the server has no /%s (404)", path);
		return 0;
	}
	if (rc < 0)
		return rc;
	int64_t as_of;
	const char *t = json_string_value(json_object_get(server, "as_of"));
	if (!t || gt_time_parse(t, &as_of) < 0) {
		json_decref(server);
		return gt_fail(&s->err, GT_EINVAL, "the answer to /%s has no time \"as_of\"", path);
	}
	json_t *log = gt_green_audit_totals(s->green, as_of);
	if (!log) {
		json_decref(server);
		return gt_fail(&s->err, GT_ENOMEM, "out of memory");
	}
	gt_green_audit_compare(log, server, S_on_diff, s);
	json_decref(log);
	json_decref(server);
	return 0;
}

/* Whether the server's log has grown past size (a note for the reader of
 * differences: entries after the audited checkpoint change the accounts). */
static void S_note_growth(S_server *s, const gt_verifier *v, uint64_t size)
{
	gt_buf_reset(&s->body);
	gt_checkpoint cp;
	if (gt_http_fetch(s->http, "log/checkpoint", &s->body, &s->err) < 0 ||
	    gt_checkpoint_open(v, (const char *)s->body.data, s->body.len, &cp, NULL) < 0 ||
	    cp.size <= size)
		return;
	printf("note: the server's log has grown from %llu to %llu entries since the audited "
	       "checkpoint: differences may come from the newer entries (audit again)\n",
	       (unsigned long long)size, (unsigned long long)cp.size);
}

static int S_compare(const char *url, const gt_audit *a, const gt_green_audit *g,
		     const gt_verifier *v, const gt_checkpoint *cp, int64_t now)
{
	S_server s = {.audit = a, .green = g};
	size_t receipts = 0;
	int code = GT_EXIT_FAIL;
	if (gt_http_new(url, &s.http, &s.err) < 0) {
		gt_cli_error("audit: %s", s.err.msg);
		goto done;
	}
	int rc = S_compare_campaigns(&s, now);
	if (rc == 0)
		rc = S_compare_list(&s);
	if (rc == 0)
		rc = S_compare_receipts(&s, &receipts);
	if (rc == 0)
		rc = S_compare_green(&s);
	if (rc < 0) {
		fflush(stdout);
		gt_cli_error("audit: %s%s", rc == GT_ENET ? "cannot ask the server: " : "",
			     s.err.msg);
		goto done;
	}
	if (s.differences) {
		S_note_growth(&s, v, cp->size);
		printf("audit: %zu difference%s between the log (%llu entries) and %s: "
		       "%zu campaigns, %zu receipts and the green totals compared\n",
		       s.differences, s.differences == 1 ? "" : "s", (unsigned long long)cp->size,
		       url, gt_audit_ncampaigns(a), receipts);
		goto done;
	}
	printf("OK: %s, %llu entries: the server agrees on %zu campaigns, %zu receipts and the "
	       "green totals (%llu green entries)\n",
	       cp->origin, (unsigned long long)cp->size, gt_audit_ncampaigns(a), receipts,
	       (unsigned long long)gt_green_audit_entries(g));
	code = GT_EXIT_OK;
done:
	gt_buf_done(&s.path);
	gt_buf_done(&s.body);
	gt_http_free(s.http);
	return code;
}

int gt_cmd_audit(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("log"),	   GT_OPT_VALUE("vkey"), GT_OPT_VALUE("server"),
			 GT_OPT_VALUE("receipts"), GT_OPT_FLAG("json"),	 GT_OPT_END};
	int r = gt_args_parse(argc, argv, opts, S_usage, 0, NULL, NULL);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	const char *where = gt_args_get(opts, "log")->value;
	const char *key = gt_args_get(opts, "vkey")->value;
	const char *server = gt_args_get(opts, "server")->value;
	bool json = gt_args_get(opts, "json")->given;
	uint64_t receipts = 100;
	if (!where || !key) {
		gt_cli_error("audit: --log and --vkey are required (see --help)");
		return GT_EXIT_USAGE;
	}
	const gt_opt *ro = gt_args_get(opts, "receipts");
	if (ro->given && gt_args_u64(ro, 0, 1000000, &receipts) < 0)
		return GT_EXIT_USAGE;
	if (ro->given && !server) {
		gt_cli_error("audit: --receipts is for comparing with --server (see --help)");
		return GT_EXIT_USAGE;
	}
	if (json && server) {
		gt_cli_error("audit: --json prints the accounts and totals, without --server (see "
			     "--help)");
		return GT_EXIT_USAGE;
	}
	if (server && strncmp(server, "http://", 7) != 0 && strncmp(server, "https://", 8) != 0) {
		gt_cli_error("audit: --server must be an http:// or https:// URL, not '%s'",
			     server);
		return GT_EXIT_USAGE;
	}
	gt_error err = {0};
	gt_verifier *v = NULL;
	gt_cli_log src = {0};
	gt_audit *audit = NULL;
	gt_green_audit *green = NULL;
	int exit_code = GT_EXIT_FAIL;
	if (gt_cli_vkey_load(key, &v, &err) < 0) {
		gt_cli_error("audit: bad --vkey: %s", err.msg);
		exit_code = GT_EXIT_USAGE;
		goto done;
	}
	gt_audit_options ao = {.sample = server ? (size_t)receipts : 0};
	if (gt_cli_log_open(where, &src, &err) < 0 || gt_audit_new(&ao, &audit, &err) < 0 ||
	    gt_green_audit_new(&green, &err) < 0) {
		gt_cli_error("audit: %s", err.msg);
		goto done;
	}
	S_replay replay = {.audit = audit, .green = green};
	gt_cli_progress prog = {.what = "auditing"};
	gt_verify_options vo = {
		.fetch = src.fetch,
		.fetch_ctx = src.ctx,
		.vkey = v,
		.progress = gt_cli_progress_enabled() ? gt_cli_progress_cb : NULL,
		.progress_ctx = &prog,
		.entry = S_on_entry,
		.entry_ctx = &replay,
	};
	gt_checkpoint cp;
	if (gt_verify_log(&vo, &cp, &err) < 0) {
		if (prog.pending)
			fputc('\n', stderr);
		if (replay.failed)
			gt_cli_error("audit: the log cannot be replayed: %s", err.msg);
		else
			gt_cli_error("verification failed: %s", err.msg);
		goto done;
	}
	int64_t now = gt_time_now_ms();
	if (server) {
		exit_code = S_compare(server, audit, green, v, &cp, now);
		goto done;
	}
	if (S_print(audit, green, &cp, now, json) < 0) {
		gt_cli_error("audit: out of memory");
		goto done;
	}
	exit_code = GT_EXIT_OK;
done:
	gt_audit_free(audit);
	gt_green_audit_free(green);
	gt_cli_log_close(&src);
	gt_verifier_free(v);
	return exit_code;
}
