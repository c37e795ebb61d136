/* goodtrace: the command-line front end and its subcommand table. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char S_usage[] =
	"Usage: goodtrace COMMAND [OPTIONS]\n"
	"\n"
	"goodtrace is open infrastructure for public-good programs: every change is an\n"
	"entry in a public, tamper-evident log (C2SP tlog-tiles with signed\n"
	"checkpoints) that anyone can mirror, replay and verify.\n"
	"\n"
	"Commands:\n"
	"  init      create a data directory: log, keys, store, admin token\n"
	"  serve     run the HTTP API, the log and the web pages\n"
	"  token     create, list and revoke API tokens\n"
	"  rebuild   recreate the store from the log alone\n"
	"  store     dump the store as canonical text\n"
	"  log       print the log's key, inclusion and consistency proofs; append raw entries\n"
	"  verify    verify a whole log, from a directory or a URL\n"
	"  audit     recompute campaign accounts and green totals from the log; compare with a server\n"
	"  gs1       parse and check a GS1 code (element string, Digital Link, Chinese drug code)\n"
	"  check     check a vaccine or medicine pack against a server, proofs verified here\n"
	"  bench     measure the log (append, proofs) and skills matching\n"
	"\n"
	"Run 'goodtrace COMMAND --help' for the options of each command.\n";

static const struct {
	const char *name;
	gt_cmd_fn fn;
} S_commands[] = {
	{"init", gt_cmd_init},
	{"log", gt_cmd_log},
	{"verify", gt_cmd_verify},
	{"audit", gt_cmd_audit},
	{"gs1", gt_cmd_gs1},
	{"check", gt_cmd_check},
	{"bench", gt_cmd_bench},
	{"serve", gt_cmd_serve},
	{"token", gt_cmd_token},
	{"rebuild", gt_cmd_rebuild},
	{"store", gt_cmd_store},
	{"routes", gt_cmd_routes}, /* undocumented: the API's routes, for the OpenAPI test */
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(S_usage, stderr);
		return GT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(S_usage, stdout);
		return GT_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("goodtrace 0.1.0");
		return GT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(S_commands) / sizeof(S_commands[0]); i++)
		if (strcmp(argv[1], S_commands[i].name) == 0)
			return S_commands[i].fn(argc - 1, argv + 1);
	gt_cli_error("unknown command '%s' (see goodtrace --help)", argv[1]);
	return GT_EXIT_USAGE;
}
