/* The goodtrace command: subcommands, option parsing and shared helpers. */
#ifndef GT_CLI_CLI_H
#define GT_CLI_CLI_H

#include "core/buf.h"
#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>

/* Exit codes of every subcommand. */
enum {
	GT_EXIT_OK = 0,
	GT_EXIT_FAIL = 1,  /* the operation ran and failed (e.g. verification) */
	GT_EXIT_USAGE = 2, /* bad command line or input */
};

/* A subcommand: argv[0] is its own name. Returns a GT_EXIT_* code. */
typedef int (*gt_cmd_fn)(int argc, char **argv);

int gt_cmd_init(int argc, char **argv);
int gt_cmd_log(int argc, char **argv);
int gt_cmd_verify(int argc, char **argv);
int gt_cmd_audit(int argc, char **argv);
int gt_cmd_gs1(int argc, char **argv);
int gt_cmd_check(int argc, char **argv);
int gt_cmd_bench(int argc, char **argv);
int gt_cmd_serve(int argc, char **argv);
int gt_cmd_rebuild(int argc, char **argv);
int gt_cmd_store(int argc, char **argv);
int gt_cmd_token(int argc, char **argv);
int gt_cmd_routes(int argc, char **argv);

/* Option parsing: long options "--name VALUE" or "--name=VALUE", and flags
 * "--name". Each subcommand lists its options in a gt_opt array ending
 * with a {NULL} element; gt_args_parse fills them in and rejects unknown
 * options and stray arguments with a message naming them (to stderr).
 * "--help" / "-h" anywhere prints help (the usage text) and makes
 * gt_args_parse return 1; 0 on success; -1 on a usage error (message
 * already printed, followed by a hint to use --help). */
typedef struct gt_opt {
	const char *name; /* without the leading "--" */
	bool takes_value;
	const char *value; /* set when given (NULL otherwise) */
	bool given;
} gt_opt;

#define GT_OPT_VALUE(n)                          \
	{                                        \
		.name = (n), .takes_value = true \
	}
#define GT_OPT_FLAG(n)                            \
	{                                         \
		.name = (n), .takes_value = false \
	}
#define GT_OPT_END           \
	{                    \
		.name = NULL \
	}

int gt_args_parse(int argc, char **argv, gt_opt *opts, const char *usage, int max_positional,
		  char **positional, int *ret_npositional);

/* Find an option's entry by name (for reading results). */
gt_opt *gt_args_get(gt_opt *opts, const char *name);

/* Parse an unsigned decimal integer option value in [min, max]; prints a
 * message naming the option and returns -1 on error. */
int gt_args_u64(const gt_opt *opt, uint64_t min, uint64_t max, uint64_t *ret);

/* Print "goodtrace: <message>\n" to stderr. */
void gt_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whether progress should be shown (stderr is a terminal). */
bool gt_cli_progress_enabled(void);

#endif
