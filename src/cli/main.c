/* goodtrace: the command-line front end and its subcommand table. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char S_usage[] =
	"Usage: goodtrace COMMAND [OPTIONS]\n"
	"\n"
	"goodtrace keeps a public, tamper-evident log (C2SP tlog-tiles with signed\n"
	"checkpoints) that anyone can mirror, replay and verify.\n"
	"\n"
	"Commands:\n"
	"  init      create a data directory with an empty log and a signing key\n"
	"  log       append to the log, print its key, inclusion and consistency proofs\n"
	"  verify    verify a whole log, from a directory or a URL\n"
	"  bench     measure append and proof speed\n"
	"\n"
	"Run 'goodtrace COMMAND --help' for the options of each command.\n";

static const struct {
	const char *name;
	gt_cmd_fn fn;
} S_commands[] = {
	{"init", gt_cmd_init},
	{"log", gt_cmd_log},
	{"verify", gt_cmd_verify},
	{"bench", gt_cmd_bench},
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
