/* Unit tests for src/trace's registry: products, batches and serialised
 * packs through a real ledger over a real log and SQLite store. The GS1
 * parser has its own tests (test-gs1.c). */
#include <criterion/criterion.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "ledger/ledger.h"
#include "log/log.h"
#include "store/store.h"
#include "testutil.h"
#include "trace/trace.h"

#include <stdio.h>
#include <string.h>

#define ORIGIN "example.com/goodtrace-trace-test"
#define GTIN "09506000134352"
#define GTIN2 "09506000000015"

typedef struct {
	tu_svc svc;
	gt_ledger *ledger;
} S_env;

static const gt_module *const S_modules[] = {&gt_auth_module, &gt_trace_module};

static void S_ledger_open(S_env *e)
{
	gt_ledger_options o = {.log = e->svc.log,
			       .store = e->svc.store,
			       .secret = e->svc.secret,
			       .modules = S_modules,
			       .nmodules = 2};
	gt_error err = {0};
	cr_assert_eq(gt_ledger_open(&o, &e->ledger, &err), 0, "%s", err.msg);
}

static int S_cmd(S_env *e, const char *type, const char *org, const char *input,
		 gt_ledger_result *res)
{
	return gt_ledger_call(e->ledger, type, org, org ? "manufacturer" : "admin", tu_json(input),
			      res);
}

static void S_ok(S_env *e, const char *type, const char *org, const char *input)
{
	gt_ledger_result res;
	int rc = S_cmd(e, type, org, input, &res);
	cr_assert_eq(rc, 0, "%s %s: %d %s", type, input, rc, res.msg);
	json_decref(res.reply);
}

/* Fails with code and a message starting with msg; nothing is written. */
static void S_fails(S_env *e, const char *type, const char *org, const char *input, int code,
		    const char *msg)
{
	uint64_t size = gt_log_sequenced(e->svc.log);
	gt_buf before = GT_BUF_INIT, after = GT_BUF_INIT;
	cr_assert_eq(gt_store_dump(e->svc.store, true, &before, NULL), 0);
	gt_ledger_result res;
	int rc = S_cmd(e, type, org, input, &res);
	cr_assert_eq(rc, code, "%s %s: %d %s, want %d", type, input, rc, res.msg, code);
	cr_assert_eq(strncmp(res.msg, msg, strlen(msg)), 0, "%s: \"%s\", want \"%s...\"", input,
		     res.msg, msg);
	cr_assert_eq(gt_log_sequenced(e->svc.log), size, "%s: nothing on the log", input);
	cr_assert_eq(gt_store_dump(e->svc.store, true, &after, NULL), 0);
	cr_assert_str_eq((char *)after.data, (char *)before.data, "%s: the store is unchanged",
			 input);
	gt_buf_done(&before);
	gt_buf_done(&after);
}

static void S_env_init(S_env *e)
{
	memset(e, 0, sizeof(*e));
	tu_svc_init(&e->svc, "trace", ORIGIN);
	S_ledger_open(e);
	S_ok(e, "auth.org", NULL,
	     "{\"id\":\"acme\",\"name\":\"Acme\",\"roles\":[\"manufacturer\"]}");
	S_ok(e, "auth.org", NULL,
	     "{\"id\":\"beta\",\"name\":\"Beta\",\"roles\":[\"manufacturer\"]}");
}

static void S_env_done(S_env *e)
{
	gt_ledger_free(e->ledger);
	tu_svc_done(&e->svc);
}

static const char S_product[] =
	"{\"gtin\":\"" GTIN "\",\"name\":\"Rabies vaccine\",\"form\":\"injection\","
	"\"kind\":\"vaccine\",\"cn_prefix\":\"8612345\"}";
static const char S_batch[] = "{\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"manufactured\":"
			      "\"2026-01-10\",\"expiry\":\"2028-01-09\",\"quantity\":3}";

Test(trace, products_are_registered_once)
{
	S_env e;
	S_env_init(&e);
	S_ok(&e, "trace.product", "acme", S_product);
	S_fails(&e, "trace.product", "beta", S_product, GT_EEXIST,
		"product " GTIN " is already registered (by acme)");
	S_fails(&e, "trace.product", "beta",
		"{\"gtin\":\"" GTIN2 "\",\"name\":\"x\",\"form\":\"y\",\"kind\":\"medicine\","
		"\"cn_prefix\":\"8612345\"}",
		GT_EEXIST, "cn_prefix 8612345 already belongs to product " GTIN);
	S_fails(&e, "trace.product", NULL, S_product, GT_EDENIED, "products are registered");
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{"{\"gtin\":\"09506000134353\",\"name\":\"x\",\"form\":\"y\",\"kind\":\"vaccine\"}",
		 "gtin 09506000134353: its check digit should be 2"},
		{"{\"gtin\":\"9506000134352\",\"name\":\"x\",\"form\":\"y\",\"kind\":\"vaccine\"}",
		 "gtin must be"},
		{"{\"gtin\":\"0950600013435a\",\"name\":\"x\",\"form\":\"y\",\"kind\":\"vaccine\"}",
		 "gtin must be 14 digits"},
		{"{\"gtin\":\"" GTIN2 "\",\"name\":\"\",\"form\":\"y\",\"kind\":\"vaccine\"}",
		 "name must be"},
		{"{\"gtin\":\"" GTIN2 "\",\"name\":\"x\",\"form\":\"y\",\"kind\":\"tea\"}",
		 "kind must be \"vaccine\" or \"medicine\""},
		{"{\"gtin\":\"" GTIN2 "\",\"name\":\"x\",\"form\":\"y\",\"kind\":\"vaccine\","
		 "\"cn_prefix\":\"86123a5\"}",
		 "cn_prefix must be 7 digits"},
		{"{\"gtin\":\"" GTIN2 "\",\"name\":\"x\",\"form\":\"y\",\"kind\":\"vaccine\","
		 "\"extra\":1}",
		 "unknown field \"extra\""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		S_fails(&e, "trace.product", "acme", bad[i].in, GT_EINVAL, bad[i].msg);
	S_env_done(&e);
}

Test(trace, batches_of_own_products_lots_never_reused)
{
	S_env e;
	S_env_init(&e);
	S_ok(&e, "trace.product", "acme", S_product);
	S_fails(&e, "trace.batch", "beta", S_batch, GT_EDENIED,
		"product " GTIN " is registered by acme");
	S_ok(&e, "trace.batch", "acme", S_batch);
	S_fails(&e, "trace.batch", "acme", S_batch, GT_EEXIST,
		"batch L1 of " GTIN " is already registered: a lot is never reused");
	char in[512];
	static const struct {
		const char *lot, *made, *exp, *msg;
		int qty;
	} bad[] = {
		{"L2", "2026-02-29", "2028-01-01", "manufactured must be a date", 1},
		{"L2", "2028-02-29", "2028-01-01", "expiry 2028-01-01 must come after", 1},
		{"L2", "2026-01-01", "2026-13-01", "expiry must be a date", 1},
		{"L2", "2026-01-01", "2026-01-01", "expiry 2026-01-01 must come after", 1},
		{"L 2", "2026-01-01", "2027-01-01", "lot must be 1 to 20 characters of the GS1 set",
		 1},
		{"L2", "2026-01-01", "2027-01-01", "quantity must be an integer", 0},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(in, sizeof(in),
			 "{\"gtin\":\"" GTIN "\",\"lot\":\"%s\",\"manufactured\":\"%s\","
			 "\"expiry\":\"%s\",\"quantity\":%d}",
			 bad[i].lot, bad[i].made, bad[i].exp, bad[i].qty);
		S_fails(&e, "trace.batch", "acme", in, GT_EINVAL, bad[i].msg);
	}
	/* Leap day in a leap year is a date. */
	S_ok(&e, "trace.batch", "acme",
	     "{\"gtin\":\"" GTIN "\",\"lot\":\"L3\",\"manufactured\":\"2028-02-29\","
	     "\"expiry\":\"2030-02-28\",\"quantity\":1}");
	S_fails(&e, "trace.batch", "acme",
		"{\"gtin\":\"" GTIN2 "\",\"lot\":\"L1\",\"manufactured\":\"2026-01-10\","
		"\"expiry\":\"2028-01-09\",\"quantity\":3}",
		GT_ENOTFOUND, "no product with gtin " GTIN2);
	S_env_done(&e);
}

Test(trace, packs_serials_never_reused_within_quantity)
{
	S_env e;
	S_env_init(&e);
	S_ok(&e, "trace.product", "acme", S_product);
	S_ok(&e, "trace.batch", "acme", S_batch);
	S_ok(&e, "trace.packs", "acme",
	     "{\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"serials\":[\"A1\",\"A2\"]}");
	S_fails(&e, "trace.packs", "acme",
		"{\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"serials\":[\"A3\",\"A4\"]}", GT_ESTATE,
		"batch L1 of " GTIN " has a quantity of 3 and 2 packs: 2 more would exceed it");
	S_fails(&e, "trace.packs", "acme",
		"{\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"serials\":[\"A2\"]}", GT_EEXIST,
		"serials[0]: serial A2 of " GTIN " is already registered (batch L1)");
	S_fails(&e, "trace.packs", "acme",
		"{\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"serials\":[\"B\",\"B\"]}", GT_EINVAL,
		"serials[1] repeats serials[0]");
	S_fails(&e, "trace.packs", "acme",
		"{\"gtin\":\"" GTIN "\",\"lot\":\"L9\",\"serials\":[\"B\"]}", GT_ENOTFOUND,
		"no batch L9 of " GTIN);
	S_fails(&e, "trace.packs", "beta",
		"{\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"serials\":[\"B\"]}", GT_EDENIED,
		"product " GTIN " is registered by acme");
	S_fails(&e, "trace.packs", "acme",
		"{\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"serials\":[\"\\u00e9\"]}", GT_EINVAL,
		"serials[0] must be 1 to 20 characters");
	S_ok(&e, "trace.packs", "acme",
	     "{\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"serials\":[\"A3\"]}");
	S_env_done(&e);
}

Test(trace, replay_reproduces_the_store)
{
	S_env e;
	S_env_init(&e);
	S_ok(&e, "trace.product", "acme", S_product);
	S_ok(&e, "trace.batch", "acme", S_batch);
	S_ok(&e, "trace.packs", "acme",
	     "{\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"serials\":[\"A1\",\"A/2%\"]}");
	gt_buf live = GT_BUF_INIT, replayed = GT_BUF_INIT;
	cr_assert_eq(gt_store_dump(e.svc.store, false, &live, NULL), 0);
	gt_ledger_free(e.ledger);
	e.ledger = NULL;
	gt_store_free(e.svc.store);
	char *fresh = tu_join(e.svc.root, "fresh.db");
	e.svc.store = tu_store_open(fresh);
	S_ledger_open(&e); /* replays the whole log into the fresh store */
	cr_assert_eq(gt_store_dump(e.svc.store, false, &replayed, NULL), 0);
	cr_assert_str_eq((char *)replayed.data, (char *)live.data);
	cr_assert_not_null(strstr((char *)live.data, "\"A/2%\""));
	free(fresh);
	gt_buf_done(&live);
	gt_buf_done(&replayed);
	S_env_done(&e);
}

/* A command by a regulator org. */
static int S_reg(S_env *e, const char *type, const char *org, const char *input,
		 gt_ledger_result *res)
{
	return gt_ledger_call(e->ledger, type, org, "regulator", tu_json(input), res);
}

Test(trace, recalls_and_lifts)
{
	S_env e;
	S_env_init(&e);
	S_ok(&e, "auth.org", NULL, "{\"id\":\"reg\",\"name\":\"Reg\",\"roles\":[\"regulator\"]}");
	S_ok(&e, "auth.org", NULL, "{\"id\":\"reg2\",\"name\":\"Reg2\",\"roles\":[\"regulator\"]}");
	S_ok(&e, "trace.product", "acme", S_product);
	S_ok(&e, "trace.batch", "acme", S_batch);
	S_fails(&e, "trace.recall", "reg",
		"{\"scope\":\"batch\",\"gtin\":\"" GTIN "\",\"lot\":\"L9\",\"class\":1,"
		"\"reason\":\"x\"}",
		GT_ENOTFOUND, "no batch L9 of " GTIN);
	S_fails(&e, "trace.recall", "reg",
		"{\"scope\":\"product\",\"gtin\":\"" GTIN "\",\"lot\":\"L1\",\"class\":1,"
		"\"reason\":\"x\"}",
		GT_EINVAL, "lot is not part of a product recall");
	S_fails(&e, "trace.recall", "reg",
		"{\"scope\":\"maker\",\"maker\":\"acme\",\"manufactured_from\":\"2026-02-01\","
		"\"manufactured_to\":\"2026-01-01\",\"class\":2,\"reason\":\"x\"}",
		GT_EINVAL, "manufactured_from 2026-02-01 is after manufactured_to 2026-01-01");
	S_fails(&e, "trace.recall", "reg",
		"{\"scope\":\"maker\",\"maker\":\"nobody\",\"manufactured_from\":\"2026-01-01\","
		"\"manufactured_to\":\"2026-02-01\",\"class\":2,\"reason\":\"x\"}",
		GT_ENOTFOUND, "no organisation \"nobody\"");
	S_fails(&e, "trace.recall", "reg",
		"{\"scope\":\"product\",\"gtin\":\"" GTIN "\",\"class\":0,\"reason\":\"x\"}",
		GT_EINVAL, "class must be an integer from 1 to 3");
	S_fails(&e, "trace.recall", "reg",
		"{\"scope\":\"product\",\"gtin\":\"" GTIN "\",\"class\":1,\"reason\":\"x\","
		"\"effective\":\"tomorrow\"}",
		GT_EINVAL, "effective must be a time");
	gt_ledger_result res;
	cr_assert_eq(S_reg(&e, "trace.recall", "reg",
			   "{\"scope\":\"maker\",\"maker\":\"acme\",\"manufactured_from\":"
			   "\"2026-01-01\",\"manufactured_to\":\"2026-01-31\",\"class\":2,"
			   "\"reason\":\"cold chain\",\"effective\":\"2026-12-01T08:00:00+08:00\"}",
			   &res),
		     0, "%s", res.msg);
	json_int_t id = json_integer_value(json_object_get(res.reply, "recall"));
	cr_assert_eq(json_integer_value(json_object_get(res.reply, "batches")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(res.reply, "effective")),
			 "2026-12-01T00:00:00.000Z", "one canonical UTC form on the log");
	cr_assert_eq((uint64_t)id, res.first, "a recall is named by its entry index");
	json_decref(res.reply);
	char in[64];
	snprintf(in, sizeof(in), "{\"recall\":%lld}", (long long)id);
	cr_assert_eq(S_reg(&e, "trace.recall.lift", "reg2", in, &res), GT_EDENIED);
	cr_assert_str_eq(res.msg, "recall 6 was made by reg; only it can lift it");
	S_fails(&e, "trace.recall.lift", "reg", "{\"recall\":99}", GT_ENOTFOUND, "no recall 99");
	cr_assert_eq(S_reg(&e, "trace.recall.lift", "reg", in, &res), 0, "%s", res.msg);
	json_decref(res.reply);
	cr_assert_eq(S_reg(&e, "trace.recall.lift", "reg", in, &res), GT_ESTATE);
	cr_assert_eq(strncmp(res.msg, "recall 6 was already lifted at ", 31), 0, "%s", res.msg);
	S_env_done(&e);
}
