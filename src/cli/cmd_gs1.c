/* goodtrace gs1: parse and check a GS1 code, print it as JSON. */
#include "cli/cli.h"
#include "core/json.h"
#include "trace/gs1.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char S_usage[] =
	"Usage: goodtrace gs1 [--year YYYY] CODE\n"
	"\n"
	"Parse and check a GS1 code as a scanner or a person gives it, and print it as\n"
	"one line of JSON: {\"ais\":[{\"ai\":\"01\",\"value\":...},...],\"format\":...,\n"
	"\"gtin\":...,\"lot\":...,\"serial\":...,\"expiry\":\"YYYY-MM-DD\"} (fields present\n"
	"when known). Exits 0 for a valid code; otherwise prints what is wrong (the AI\n"
	"and the position) and exits 2.\n"
	"\n"
	"CODE is one of:\n"
	"  (01)09506000134352(17)271231(10)ABC123(21)0001    bracketed element strings\n"
	"  01095060001343521727123110ABC123^210001           GS (0x1D) or ^ separators,\n"
	"                                                    optionally after ]C1 ]e0 ]d2 ]Q3\n"
	"  https://example.org/01/09506000134352/10/ABC123?17=271231   GS1 Digital Link\n"
	"  81234560123456789012                              20-digit Chinese drug code\n"
	"See docs/gs1.md for the AIs read and every rule.\n"
	"\n"
	"Options:\n"
	"  --year YYYY   the current year for the GS1 century rule of two-digit years\n"
	"                (default: this year, UTC)\n"
	"  --help        show this help\n";

int gt_cmd_gs1(int argc, char **argv)
{
	gt_opt opts[] = {GT_OPT_VALUE("year"), GT_OPT_END};
	char *pos[1];
	int npos = 0;
	int r = gt_args_parse(argc, argv, opts, S_usage, 1, pos, &npos);
	if (r != 0)
		return r > 0 ? GT_EXIT_OK : GT_EXIT_USAGE;
	if (npos != 1) {
		gt_cli_error("gs1: give one CODE (see --help)");
		return GT_EXIT_USAGE;
	}
	uint64_t year;
	gt_opt *y = gt_args_get(opts, "year");
	if (y->given) {
		if (gt_args_u64(y, 1000, 9899, &year) < 0)
			return GT_EXIT_USAGE;
	} else {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		year = (uint64_t)tm.tm_year + 1900;
	}

	gt_error err = {0};
	gt_gs1 g;
	if (gt_gs1_parse(pos[0], strlen(pos[0]), (int)year, &g, &err) < 0) {
		fprintf(stderr, "goodtrace gs1: %s\n", err.msg);
		return GT_EXIT_USAGE;
	}
	gt_buf out = GT_BUF_INIT;
	gt_jw w;
	gt_jw_init(&w, &out);
	gt_gs1_write(&g, &w);
	int rc = gt_jw_error(&w);
	if (rc < 0) {
		gt_cli_error("gs1: %s", gt_strerror(rc));
		gt_buf_done(&out);
		return GT_EXIT_FAIL;
	}
	printf("%s\n", (const char *)out.data);
	gt_buf_done(&out);
	return GT_EXIT_OK;
}
