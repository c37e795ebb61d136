/* goodtrace log: append entries, print the key, inclusion and consistency proofs. */
#include "cli/cli.h"
#include "cli/datadir.h"
#include "core/base64.h"
#include "core/fs.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char S_usage[] =
	"Usage: goodtrace log SUBCOMMAND --data DIR [OPTIONS]\n"
	"\n"
	"Subcommands:\n"
	"  append       append entries read from standard input, one per line\n"
	"  key          print the log's verifier key\n"
	"  proof        print an inclusion proof of an entry\n"
	"  consistency  print a consistency proof between two tree sizes\n"
	"\n"
	"Run 'goodtrace log SUBCOMMAND --help' for details.\n";

static const char S_append_usage[] =
	"Usage: goodtrace log append --data DIR [--batch N]\n"
	"\n"
	"Read entries from standard input, one per line (the line without its\n"
	"newline is the entry, 1 to 65535 bytes), append them in batches of up to N\n"
	"and print each entry's index on its own line once the entry is durable.\n"
	"A batch is committed when it is full or when no more input is waiting, so\n"
	"interactive input is committed line by line and piped input in big batches.\n"
	"An empty or over-long line stops the command with exit status 2 after the\n"
	"lines before it are committed.\n"
	"Only for logs made with 'goodtrace init --log-only': the log of a service\n"
	"(with a store) takes entries only through the sequencer (the API), which\n"
	"checks them; appending raw lines there is refused.\n"
	"\n"
	"Options:\n"
	"  --data DIR   the data directory (see goodtrace init)\n"
	"  --batch N    entries per durable commit, 1 to 65536 (default 1024)\n"
	"  --help       show this help\n";

static const char S_key_usage[] =
	"Usage: goodtrace log key --data DIR\n"
	"\n"
	"Print the log's verifier key, <name>+<key id>+<base64 key>, as needed by\n"
	"goodtrace verify --vkey and any C2SP signed-note verifier.\n";

static const char S_proof_usage[] =
	"Usage: goodtrace log proof --data DIR --index I [--size N]\n"
	"\n"
	"Print the RFC 6962 inclusion proof of entry I in the tree of size N\n"
	"(default: the current size) as\n"
	"{\"index\":I,\"tree_size\":N,\"leaf_hash\":\"<b64>\",\"hashes\":[\"<b64>\",...]}\n";

static const char S_consistency_usage[] =
	"Usage: goodtrace log consistency --data DIR --from M [--to N]\n"
	"\n"
	"Print the RFC 6962 consistency proof from tree size M to tree size N\n"
	"(default: the current size) as {\"from\":M,\"to\":N,\"hashes\":[\"<b64>\",...]}\n";

static void S_print_hashes(const gt_proof *p)
{
	char b64[48];
	fputs("\"hashes\":[", stdout);
	for (size_t i = 0; i < p->n; i++) {
		gt_base64_encode(p->hashes[i].b, GT_HASH_LEN, b64);
		printf("%s\"%s\"", i ? "," : "", b64);
	}
	fputs("]", stdout);
}

/* Parse the options of a subcommand that needs --data; returns -1 (exit
 * OK after help), -2 (usage error) or 0. */
static int S_parse(int argc, char **argv, gt_opt *opts, const char *usage)
{
	int r = gt_args_parse(argc, argv, opts, usage, 0, NULL, NULL);
	if (r > 0)
		return -1;
	if (r < 0)
		return -2;
	if (!gt_args_get(opts, "data")->value) {
		gt_cli_error("log %s: --data DIR is required (see --help)", argv[0]);
		return -2;
	}
	return 0;
}

#define S_PARSE(opts, usage)                                           \
	do {                                                           \
		int pr_ = S_parse(argc, argv, opts, usage);            \
		if (pr_ < 0)                                           \
			return pr_ == -1 ? GT_EXIT_OK : GT_EXIT_USAGE; \
	} while (0)

/* ---- append ---- */

typedef struct {
	gt_datadir_log dl;
	gt_buf data;  /* the pending entries' bytes */
	size_t *ends; /* end offset of each pending entry in data */
	gt_bytes *entries;
	size_t n, max;
	uint64_t line;
} S_appender;

static int S_flush(S_appender *a)
{
	if (a->n == 0)
		return 0;
	size_t start = 0;
	for (size_t i = 0; i < a->n; i++) {
		a->entries[i].data = a->data.data + start;
		a->entries[i].len = a->ends[i] - start;
		start = a->ends[i];
	}
	gt_error err = {0};
	uint64_t first;
	int rc = gt_log_append(a->dl.log, a->entries, a->n, &first, &err);
	if (rc < 0) {
		gt_cli_error("log append: %s", err.msg);
		return -1;
	}
	for (size_t i = 0; i < a->n; i++)
		printf("%llu\n", (unsigned long long)(first + i));
	fflush(stdout);
	a->n = 0;
	gt_buf_reset(&a->data);
	return 0;
}

/* Whether more input is waiting right now. */
static bool S_input_waiting(void)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	return poll(&p, 1, 0) > 0;
}

static int S_add_line(S_appender *a, const uint8_t *line, size_t len)
{
	a->line++;
	if (len == 0 || len > GT_ENTRY_MAX) {
		if (S_flush(a) < 0)
			return GT_EXIT_FAIL;
		gt_cli_error("log append: line %llu is %s; entries must be 1 to %d bytes",
			     (unsigned long long)a->line, len == 0 ? "empty" : "too long",
			     GT_ENTRY_MAX);
		return GT_EXIT_USAGE;
	}
	if (gt_buf_add(&a->data, line, len) < 0) {
		gt_cli_error("log append: out of memory");
		return GT_EXIT_FAIL;
	}
	a->ends[a->n++] = a->data.len;
	if (a->n == a->max && S_flush(a) < 0)
		return GT_EXIT_FAIL;
	return 0;
}

static int S_append(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_VALUE("batch"), GT_OPT_END};
	S_PARSE(opts, S_append_usage);
	uint64_t batch = 1024;
	gt_opt *b = gt_args_get(opts, "batch");
	if (b->given && gt_args_u64(b, 1, 65536, &batch) < 0)
		return GT_EXIT_USAGE;
	S_appender a = {.max = batch};
	gt_error err = {0};
	gt_datadir d;
	const char *dir = gt_args_get(opts, "data")->value;
	if (dir && gt_datadir_paths(dir, &d, &err) == 0 && access(d.store, F_OK) == 0) {
		gt_cli_error("log append: %s belongs to a service (it has a store): entries go "
			     "through the API, which checks them; raw appends are only for logs "
			     "made with 'goodtrace init --log-only'",
			     dir);
		return GT_EXIT_USAGE;
	}
	if (gt_datadir_open(dir, true, &a.dl, &err) < 0) {
		gt_cli_error("log append: %s", err.msg);
		return GT_EXIT_FAIL;
	}
	a.ends = calloc(batch, sizeof(*a.ends));
	a.entries = calloc(batch, sizeof(*a.entries));
	size_t cap = 1 << 20;
	uint8_t *in = malloc(cap);
	int rc = GT_EXIT_OK;
	if (!a.ends || !a.entries || !in) {
		gt_cli_error("log append: out of memory");
		rc = GT_EXIT_FAIL;
		goto done;
	}
	size_t have = 0;
	for (;;) {
		if (have == cap) {
			/* A line longer than the buffer is longer than any entry. */
			rc = S_add_line(&a, in, GT_ENTRY_MAX + 1);
			goto done;
		}
		if (a.n > 0 && !S_input_waiting() && S_flush(&a) < 0) {
			rc = GT_EXIT_FAIL;
			goto done;
		}
		ssize_t r = read(STDIN_FILENO, in + have, cap - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			gt_cli_error("log append: cannot read standard input: %s", strerror(errno));
			rc = GT_EXIT_FAIL;
			break;
		}
		if (r == 0) {
			if (have > 0)
				rc = S_add_line(&a, in, have);
			break;
		}
		have += (size_t)r;
		size_t start = 0;
		uint8_t *nl;
		while ((nl = memchr(in + start, '\n', have - start))) {
			rc = S_add_line(&a, in + start, (size_t)(nl - (in + start)));
			if (rc != 0)
				goto done;
			start = (size_t)(nl - in) + 1;
		}
		memmove(in, in + start, have - start);
		have -= start;
	}
	if (rc == 0 && S_flush(&a) < 0)
		rc = GT_EXIT_FAIL;
done:
	free(in);
	free(a.ends);
	free(a.entries);
	gt_buf_done(&a.data);
	gt_datadir_close(&a.dl);
	return rc;
}

/* ---- key, proof, consistency ---- */

static int S_key(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_END};
	S_PARSE(opts, S_key_usage);
	gt_datadir d;
	gt_error err = {0};
	gt_buf text = GT_BUF_INIT;
	gt_verifier *v = NULL;
	int rc = gt_datadir_paths(gt_args_get(opts, "data")->value, &d, &err);
	if (rc == 0)
		rc = gt_fs_read(d.vkey, 4096, &text, &err);
	if (rc == 0)
		rc = gt_verifier_parse((const char *)text.data, text.len, &v, &err);
	gt_buf_reset(&text);
	if (rc == 0)
		rc = gt_verifier_encode(v, &text);
	if (rc == 0)
		printf("%s\n", (const char *)text.data);
	else
		gt_cli_error("log key: %s", err.msg[0] ? err.msg : gt_strerror(rc));
	gt_verifier_free(v);
	gt_buf_done(&text);
	return rc == 0 ? GT_EXIT_OK : GT_EXIT_FAIL;
}

static int S_proof(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_VALUE("index"), GT_OPT_VALUE("size"),
			 GT_OPT_END};
	S_PARSE(opts, S_proof_usage);
	uint64_t index, size;
	gt_opt *oi = gt_args_get(opts, "index"), *os = gt_args_get(opts, "size");
	if (!oi->value) {
		gt_cli_error("log proof: --index I is required (see --help)");
		return GT_EXIT_USAGE;
	}
	if (gt_args_u64(oi, 0, UINT64_MAX, &index) < 0 ||
	    (os->value && gt_args_u64(os, 1, UINT64_MAX, &size) < 0))
		return GT_EXIT_USAGE;
	gt_datadir_log dl;
	gt_error err = {0};
	if (gt_datadir_open(gt_args_get(opts, "data")->value, false, &dl, &err) < 0) {
		gt_cli_error("log proof: %s", err.msg);
		return GT_EXIT_FAIL;
	}
	if (!os->value)
		size = gt_log_size(dl.log);
	gt_hash hashes[GT_PROOF_MAX], leaf;
	gt_proof p = {hashes, 0};
	int rc = GT_EXIT_OK;
	if (index >= size) {
		gt_cli_error("log proof: index %llu is not below the tree size %llu",
			     (unsigned long long)index, (unsigned long long)size);
		rc = GT_EXIT_USAGE;
	} else if (gt_log_inclusion_proof(dl.log, index, size, &p, &err) < 0 ||
		   gt_log_leaf_hash(dl.log, index, &leaf, &err) < 0) {
		gt_cli_error("log proof: %s", err.msg);
		rc = err.code == GT_ERANGE ? GT_EXIT_USAGE : GT_EXIT_FAIL;
	} else {
		char b64[48];
		gt_base64_encode(leaf.b, GT_HASH_LEN, b64);
		printf("{\"index\":%llu,\"tree_size\":%llu,\"leaf_hash\":\"%s\",",
		       (unsigned long long)index, (unsigned long long)size, b64);
		S_print_hashes(&p);
		puts("}");
	}
	gt_datadir_close(&dl);
	return rc;
}

static int S_consistency(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("data"), GT_OPT_VALUE("from"), GT_OPT_VALUE("to"),
			 GT_OPT_END};
	S_PARSE(opts, S_consistency_usage);
	uint64_t from, to;
	gt_opt *of = gt_args_get(opts, "from"), *ot = gt_args_get(opts, "to");
	if (!of->value) {
		gt_cli_error("log consistency: --from M is required (see --help)");
		return GT_EXIT_USAGE;
	}
	if (gt_args_u64(of, 0, UINT64_MAX, &from) < 0 ||
	    (ot->value && gt_args_u64(ot, 0, UINT64_MAX, &to) < 0))
		return GT_EXIT_USAGE;
	gt_datadir_log dl;
	gt_error err = {0};
	if (gt_datadir_open(gt_args_get(opts, "data")->value, false, &dl, &err) < 0) {
		gt_cli_error("log consistency: %s", err.msg);
		return GT_EXIT_FAIL;
	}
	if (!ot->value)
		to = gt_log_size(dl.log);
	gt_hash hashes[GT_PROOF_MAX];
	gt_proof p = {hashes, 0};
	int rc = GT_EXIT_OK;
	if (from > to) {
		gt_cli_error("log consistency: --from %llu is larger than --to %llu",
			     (unsigned long long)from, (unsigned long long)to);
		rc = GT_EXIT_USAGE;
	} else if (gt_log_consistency_proof(dl.log, from, to, &p, &err) < 0) {
		gt_cli_error("log consistency: %s", err.msg);
		rc = err.code == GT_ERANGE ? GT_EXIT_USAGE : GT_EXIT_FAIL;
	} else {
		printf("{\"from\":%llu,\"to\":%llu,", (unsigned long long)from,
		       (unsigned long long)to);
		S_print_hashes(&p);
		puts("}");
	}
	gt_datadir_close(&dl);
	return rc;
}

int gt_cmd_log(int argc, char **argv)
{
	static const struct {
		const char *name;
		gt_cmd_fn fn;
	} subs[] = {
		{"append", S_append},
		{"key", S_key},
		{"proof", S_proof},
		{"consistency", S_consistency},
	};
	if (argc < 2) {
		fputs(S_usage, stderr);
		return GT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(S_usage, stdout);
		return GT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(argc - 1, argv + 1);
	gt_cli_error("log: unknown subcommand '%s' (see goodtrace log --help)", argv[1]);
	return GT_EXIT_USAGE;
}
