/* goodtrace check: ask a server about a scanned code and verify the proofs
 * of its answer here, against the log's verifier key. */
#include "cli/cli.h"
#include "cli/fetch.h"
#include "core/base64.h"
#include "core/fs.h"
#include "core/json.h"
#include "log/checkpoint.h"
#include "log/hash.h"
#include "log/note.h"
#include "trace/gs1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char S_usage[] =
	"Usage: goodtrace check [--server URL] [--vkey KEY] [--json] CODE\n"
	"\n"
	"Check a vaccine or medicine pack: ask the server what CODE (any form that\n"
	"`goodtrace gs1` reads) names, its custody trail, and whether it is ok,\n"
	"recalled, suspect (recorded destroyed, or checked from many places: copied),\n"
	"already dispensed, expired or unknown (never registered: possibly\n"
	"counterfeit). The entries the answer rests on come with inclusion proofs; they\n"
	"are verified here against the signed checkpoint, so the answer does not rest\n"
	"on trusting the server.\n"
	"\n"
	"Exits 0 when the status is ok and every proof verifies; 1 for any other\n"
	"status, or when a proof does not verify; 2 when the code is malformed or the\n"
	"server cannot be asked.\n"
	"\n"
	"Options:\n"
	"  --server URL  the goodtrace server [GOODTRACE_SERVER] (default\n"
	"                http://127.0.0.1:8080)\n"
	"  --vkey KEY    the log's verifier key (the text, or a file holding it); without\n"
	"                it the key the server publishes at /log/vkey is used, and the\n"
	"                output says so\n"
	"  --json        print the server's answer as JSON after verifying it\n"
	"  --help        show this help\n";

/* Percent-encode s for a query value. */
static int S_query_escape(const char *s, gt_buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
			     *p == '~';
		char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
		if (plain ? gt_buf_add(out, p, 1) < 0 : gt_buf_add(out, esc, 3) < 0)
			return GT_ENOMEM;
	}
	return 0;
}

static const char *S_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* One base64 hash into out. */
static int S_hash(const json_t *v, gt_hash *out)
{
	const char *s = json_string_value(v);
	size_t n = 0;
	uint8_t b[48];
	if (!s || strlen(s) != 44 || gt_base64_decode(s, 44, b, &n) < 0 || n != GT_HASH_LEN)
		return GT_EINVAL;
	memcpy(out->b, b, GT_HASH_LEN);
	return 0;
}

/* Verify every proof of the answer against its checkpoint, signed by v.
 * Returns the number verified, or a negative code with err set. */
static int S_verify(const json_t *ans, const gt_verifier *v, gt_error *err)
{
	const char *note = json_string_value(json_object_get(ans, "checkpoint"));
	gt_checkpoint cp;
	if (!note || gt_checkpoint_open(v, note, strlen(note), &cp, err) < 0)
		return gt_fail(err, GT_ESIG,
			       "the checkpoint does not verify with the log's key%s%s",
			       err && err->msg[0] ? ": " : "", err ? err->msg : "");
	const json_t *proofs = json_object_get(ans, "proofs");
	if (!json_is_array(proofs))
		return gt_fail(err, GT_EPROOF, "the answer has no proofs");
	size_t i;
	json_t *p;
	int n = 0;
	json_array_foreach(proofs, i, p)
	{
		json_int_t index = json_integer_value(json_object_get(p, "index"));
		if (json_is_true(json_object_get(p, "pending")))
			continue;
		const char *raw = json_string_value(json_object_get(p, "raw"));
		const json_t *hashes = json_object_get(p, "hashes");
		gt_hash leaf, given, proof[GT_PROOF_MAX];
		if (!raw || !json_is_array(hashes) || json_array_size(hashes) > GT_PROOF_MAX ||
		    S_hash(json_object_get(p, "leaf_hash"), &given) < 0)
			return gt_fail(err, GT_EPROOF, "proof %zu (entry %lld) is malformed", i,
				       (long long)index);
		gt_hash_leaf((const uint8_t *)raw, strlen(raw), &leaf);
		if (memcmp(leaf.b, given.b, GT_HASH_LEN) != 0)
			return gt_fail(err, GT_EPROOF, "entry %lld does not hash to its leaf hash",
				       (long long)index);
		size_t k;
		json_t *h;
		json_array_foreach(hashes, k, h) if (S_hash(h, &proof[k]) < 0) return gt_fail(
			err, GT_EPROOF, "proof %zu (entry %lld) is malformed", i, (long long)index);
		if (index < 0 || gt_verify_inclusion((uint64_t)index, cp.size, &leaf, proof,
						     json_array_size(hashes), &cp.root) < 0)
			return gt_fail(err, GT_EPROOF,
				       "entry %lld is not in the checkpoint of size %llu: its "
				       "inclusion proof fails",
				       (long long)index, (unsigned long long)cp.size);
		n++;
	}
	return n;
}

static void S_print(const json_t *ans, int verified, bool pinned)
{
	const char *status = S_str(ans, "status");
	const json_t *recall = json_object_get(ans, "recall");
	char upper[32];
	size_t i = 0;
	for (; status[i] && i < sizeof(upper) - 1; i++)
		upper[i] = status[i] == '_' ?
				   ' ' :
				   (char)(status[i] >= 'a' && status[i] <= 'z' ? status[i] - 32 :
										 status[i]);
	upper[i] = 0;
	if (recall)
		printf("%s (class %lld): %s\n", upper,
		       (long long)json_integer_value(json_object_get(recall, "class")),
		       S_str(recall, "reason"));
	else if (json_object_get(ans, "reason"))
		printf("%s: %s\n", upper, S_str(ans, "reason"));
	else
		printf("%s\n", upper);
	const json_t *pr = json_object_get(ans, "product"), *mk = json_object_get(ans, "maker");
	const json_t *b = json_object_get(ans, "batch"), *pk = json_object_get(ans, "pack");
	if (pr)
		printf("  product  %s (%s), GTIN %s, by %s (%s)\n", S_str(pr, "name"),
		       S_str(pr, "kind"), S_str(pr, "gtin"), S_str(mk, "name"), S_str(mk, "id"));
	if (b)
		printf("  batch    %s, manufactured %s, expires %s\n", S_str(b, "lot"),
		       S_str(b, "manufactured"), S_str(b, "expiry"));
	if (pk)
		printf("  pack     serial %s\n", S_str(pk, "serial"));
	size_t k;
	const json_t *t;
	json_array_foreach(json_object_get(ans, "trail"), k, t)
	{
		/* "2026-11-20T10:00:00Z shipping by province-cdc to county-clinic" */
		printf("  %s %-22s %s by %s", k == 0 ? "trail   " : "        ",
		       S_str(t, "eventTime"),
		       json_object_get(t, "bizStep") ? S_str(t, "bizStep") : S_str(t, "type"),
		       S_str(t, "by"));
		size_t j;
		const json_t *o;
		json_array_foreach(json_object_get(t, "to"), j, o)
			printf("%s%s", j == 0 ? " to " : ", ", json_string_value(o));
		printf("\n");
	}
	printf("  proofs   %d entr%s verified against the signed checkpoint of size %lld%s\n",
	       verified, verified == 1 ? "y" : "ies",
	       (long long)json_integer_value(json_object_get(ans, "tree_size")),
	       pinned ? "" : " (with the key the server publishes; pin it with --vkey)");
}

int gt_cmd_check(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("server"), GT_OPT_VALUE("vkey"), GT_OPT_FLAG("json"),
			 GT_OPT_END};
	char *pos[1];
	int npos = 0;
	int r = gt_args_parse(argc, argv, opts, S_usage, 1, pos, &npos);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	if (npos != 1) {
		gt_cli_error("check: give one CODE (see --help)");
		return GT_EXIT_USAGE;
	}
	/* The same parser as the server's: a malformed code never leaves here. */
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	gt_gs1 g;
	gt_error err = {0};
	if (gt_gs1_parse(pos[0], strlen(pos[0]), tm.tm_year + 1900, &g, &err) < 0) {
		gt_cli_error("check: %s", err.msg);
		return GT_EXIT_USAGE;
	}
	const char *server = gt_args_get(opts, "server")->value;
	if (!server)
		server = getenv("GOODTRACE_SERVER");
	if (!server || !*server)
		server = "http://127.0.0.1:8080";

	int code = GT_EXIT_USAGE;
	gt_http *http = NULL;
	gt_verifier *v = NULL;
	gt_buf path = GT_BUF_INIT, body = GT_BUF_INIT, key = GT_BUF_INIT;
	json_t *ans = NULL;
	const char *vkey = gt_args_get(opts, "vkey")->value;
	int rc = gt_http_new(server, &http, &err);
	if (rc == 0 && vkey && strchr(vkey, '+'))
		rc = gt_buf_addstr(&key, vkey) < 0 ? GT_ENOMEM : 0; /* the key's text */
	else if (rc == 0 && vkey)
		rc = gt_fs_read(vkey, 4096, &key, &err); /* a file holding it */
	else if (rc == 0)
		rc = gt_http_fetch(http, "log/vkey", &key, &err);
	while (rc == 0 && key.len > 0 &&
	       (key.data[key.len - 1] == '\n' || key.data[key.len - 1] == ' '))
		key.data[--key.len] = 0;
	if (rc == 0 && gt_verifier_parse((const char *)key.data, key.len, &v, &err) < 0)
		rc = gt_fail(&err, GT_EINVAL, "not a verifier key: %s", err.msg);
	if (rc == 0 &&
	    (gt_buf_addstr(&path, "api/v1/check?code=") < 0 || S_query_escape(pos[0], &path) < 0))
		rc = gt_fail(&err, GT_ENOMEM, "out of memory");
	if (rc == 0)
		rc = gt_http_fetch(http, (const char *)path.data, &body, &err);
	if (rc == 0 && !(ans = json_loadb((const char *)body.data, body.len, 0, NULL)))
		rc = gt_fail(&err, GT_EINVAL, "the server's answer is not JSON");
	if (rc < 0) {
		gt_cli_error("check: %s", err.msg);
		goto done;
	}
	int n = S_verify(ans, v, &err);
	if (n < 0) {
		printf("NOT VERIFIED: %s\n", err.msg);
		code = GT_EXIT_FAIL;
		goto done;
	}
	if (gt_args_get(opts, "json")->given) {
		char *text = json_dumps(ans, JSON_COMPACT | JSON_SORT_KEYS);
		printf("%s\n", text ? text : "");
		free(text);
	} else {
		S_print(ans, n, vkey != NULL);
	}
	code = strcmp(S_str(ans, "status"), "ok") == 0 ? GT_EXIT_OK : GT_EXIT_FAIL;
done:
	json_decref(ans);
	gt_verifier_free(v);
	gt_http_free(http);
	gt_buf_done(&path);
	gt_buf_done(&body);
	gt_buf_done(&key);
	return code;
}
