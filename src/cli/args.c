/* Option parsing and small output helpers shared by the subcommands. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void gt_cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("goodtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool gt_cli_progress_enabled(void)
{
	return isatty(STDERR_FILENO) && !getenv("CI");
}

gt_opt *gt_args_get(gt_opt *opts, const char *name)
{
	for (gt_opt *o = opts; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

int gt_args_parse(int argc, char **argv, gt_opt *opts, const char *usage, int max_positional,
		  char **positional, int *ret_npositional)
{
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || a[2] == 0) {
			if (npos >= max_positional) {
				gt_cli_error("%s: unexpected argument '%s' (see --help)", argv[0],
					     a);
				return -1;
			}
			positional[npos++] = argv[i];
			continue;
		}
		const char *name = a + 2;
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		gt_opt *o = NULL;
		for (gt_opt *p = opts; p->name; p++)
			if (strlen(p->name) == nlen && strncmp(p->name, name, nlen) == 0)
				o = p;
		if (!o) {
			gt_cli_error("%s: unknown option '--%.*s' (see --help)", argv[0], (int)nlen,
				     name);
			return -1;
		}
		if (o->given) {
			gt_cli_error("%s: option --%s given twice", argv[0], o->name);
			return -1;
		}
		o->given = true;
		if (!o->takes_value) {
			if (eq) {
				gt_cli_error("%s: option --%s takes no value", argv[0], o->name);
				return -1;
			}
			continue;
		}
		if (eq) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			gt_cli_error("%s: option --%s needs a value (see --help)", argv[0],
				     o->name);
			return -1;
		}
	}
	if (ret_npositional)
		*ret_npositional = npos;
	return 0;
}

int gt_args_u64(const gt_opt *opt, uint64_t min, uint64_t max, uint64_t *ret)
{
	const char *s = opt->value;
	char *end;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		goto bad;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*ret = v;
	return 0;
bad:
	gt_cli_error("--%s: '%s' is not a whole number from %llu to %llu", opt->name, s ? s : "",
		     (unsigned long long)min, (unsigned long long)max);
	return -1;
}
