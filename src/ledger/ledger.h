/* The sequencer: decide -> append -> apply, with group commit, recovery
 * and rebuild. The only writer of the log and of the store.
 *
 * Modules register entry types. A command names an entry type and carries
 * a JSON input; on the writer thread its type's decide() checks it against
 * the current state (read through the writer connection, which already
 * sees the earlier entries of the same batch) and emits zero or more
 * entries (gt_decide_emit), each applied to the store at once. A rejected
 * command (decide returns an error) is rolled back to its savepoint: it
 * writes nothing, and its caller gets the precise error.
 *
 * One batch: drain the queue (up to batch_max commands), decide all inside
 * one store transaction, make every emitted entry durable in the log with
 * one sync, commit the store transaction (with the new applied count),
 * then acknowledge each command. A batch of one command with nothing else
 * waiting is appended and published (gt_log_append); otherwise the batch
 * is sequenced (gt_log_sequence: one journal record) and a second thread,
 * the integrator, publishes sequenced entries in a signed checkpoint when
 * commands pause for a 25th of checkpoint_ms, or checkpoint_ms after the
 * first of them; stopping the ledger publishes whatever is left. A failed
 * integration stops the ledger like a failed append (the entries stay
 * durable in the journal and the next open of the log integrates them). If the store fails before
 * the append (e.g. GT_EBUSY, locked by another process past its timeout), the batch is rolled back,
 * its commands fail with that code, and the next batch starts afresh. If the append fails, the
 * transaction is rolled back and every command of the batch fails with GT_EIO; from then on (and
 * after a store commit failing once the entries are durable: those commands are acknowledged, their
 * entries are in the log) the ledger refuses further commands (GT_EUNAVAIL) until restarted, which
 * recovers the log and replays it into the store.
 *
 * An entry is canonical JSON (sorted keys, no whitespace, integers only):
 *   {"at":"2026-11-22T10:00:00.123Z","by":"org:acme","data":{...},"type":"auth.org","v":1}
 * apply() must be deterministic and use only the entry and the store, so
 * replaying the log reproduces the store exactly. */
#ifndef GT_LEDGER_LEDGER_H
#define GT_LEDGER_LEDGER_H

#include "core/error.h"
#include "core/pseudo.h"
#include "log/log.h"
#include "store/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GT_ENTRY_VERSION 1
#define GT_TYPE_MAX 63 /* longest entry type name */

/* An entry being applied (its envelope, parsed). Borrowed for the call. */
typedef struct gt_entry {
	uint64_t index;
	const char *type;
	const char *at; /* RFC 3339 UTC with milliseconds, assigned by the sequencer */
	const char *by; /* "org:<id>" or "system" */
	const json_t *data;
} gt_entry;

typedef struct gt_decide gt_decide;

/* An entry type. decide may be NULL (the type is only emitted by other
 * types' decide); apply may be NULL (a command that emits no entry of its
 * own, e.g. one that only writes the private area). */
typedef struct gt_entry_type {
	const char *type;
	/* Check input (borrowed) and emit entries, or return a negative GT_E*
	 * code with a precise message: GT_EINVAL bad input, GT_ENOTFOUND a
	 * referenced thing is missing, GT_EEXIST a duplicate, GT_EDENIED not
	 * allowed for this caller, GT_ESTATE refused by the current state. */
	int (*decide)(gt_decide *d, const json_t *input, gt_error *err);
	/* Update the projection from e; must not fail on an entry its own
	 * decide emitted (a failure stops the ledger: the store is corrupt). */
	int (*apply)(gt_store_conn *c, const gt_entry *e, gt_error *err);
} gt_entry_type;

typedef struct gt_module {
	const char *name;
	const gt_entry_type *types;
	size_t ntypes;
} gt_module;

/* ---- inside decide ------------------------------------------------------ */

/* The writer connection (inside the batch transaction). decide may write
 * the private area through it; such writes are undone if the command is
 * rejected or the batch fails. */
gt_store_conn *gt_decide_conn(gt_decide *d);
/* The caller: its organisation id (NULL for the system) and role. For a
 * person acting with their own key (role "volunteer") the "organisation" is
 * their private id, and entries they cause say "by":"volunteer". */
const char *gt_decide_org(gt_decide *d);
const char *gt_decide_role(gt_decide *d);
/* The time assigned to this batch (RFC 3339, as in the envelope "at"),
 * and the same as milliseconds since the epoch. */
const char *gt_decide_at(gt_decide *d);
int64_t gt_decide_now_ms(gt_decide *d);
/* The index the next emitted entry will get. */
uint64_t gt_decide_next_index(gt_decide *d);
/* Emit an entry of type with data (a JSON object, reference stolen): the
 * envelope is built and checked (canonical form, at most GT_ENTRY_MAX
 * bytes: GT_ETOOBIG), the entry is applied to the store at once, and
 * *ret_index (if given) is set to its index. */
int gt_decide_emit(gt_decide *d, const char *type, json_t *data, uint64_t *ret_index,
		   gt_error *err);
/* Set the command's reply for its caller (reference stolen; replaces any). */
void gt_decide_reply(gt_decide *d, json_t *reply);
/* A pseudonymous reference for a personal identifier (see core/pseudo.h),
 * keyed with the data directory's secret. */
void gt_decide_pseudonym(gt_decide *d, const char *kind, const char *identifier,
			 char out[GT_PSEUDO_LEN + 1]);

/* Per-ledger state of a module that keeps an in-memory view next to the
 * store (the green module's energy book): the state named key, made by
 * create() on first use and freed with free_fn when the ledger is freed.
 * At most GT_LEDGER_STATES names; NULL when create fails or there is no
 * room. The state itself does its own locking. */
#define GT_LEDGER_STATES 8
/* How many batches were rolled back so far: a state that follows the store
 * (changed by decide) is in doubt once this changes. */
uint64_t gt_decide_rollbacks(gt_decide *d);
void *gt_decide_state(gt_decide *d, const char *key, void *(*create)(void),
		      void (*free_fn)(void *));

/* ---- the ledger ---------------------------------------------------------- */

typedef struct gt_ledger gt_ledger;

typedef struct gt_ledger_options {
	gt_log *log;	       /* opened for writing; borrowed */
	gt_store *store;       /* borrowed */
	const uint8_t *secret; /* pseudonym key, GT_PSEUDO_KEY_LEN bytes; copied */
	const gt_module *const *modules;
	size_t nmodules;
	size_t queue_max; /* commands waiting; over it submit fails GT_EUNAVAIL (default 65536) */
	size_t batch_max; /* commands per batch (default 4096) */
	/* Milliseconds since the epoch; NULL: the real clock. The sequencer
	 * never lets "at" go backwards. */
	int64_t (*clock)(void *arg);
	void *clock_arg;
	/* Under load, the longest an acknowledged entry waits to be in a
	 * published checkpoint, in milliseconds (default 50); when commands
	 * pause for a 25th of it, what is pending is published at once. */
	unsigned checkpoint_ms;
	/* Progress of the start-up replay (may be NULL). */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
} gt_ledger_options;

/* Open: replay every durable entry the store has not applied yet (the
 * store may be behind the log after a crash; it may never be ahead:
 * GT_ECORRUPT), then start the writer thread. */
int gt_ledger_open(const gt_ledger_options *opt, gt_ledger **ret, gt_error *err);

/* Stop taking commands, finish every queued one, stop the thread, free.
 * Accepts NULL. */
void gt_ledger_free(gt_ledger *l);

/* The outcome of a command, passed to its callback (borrowed for the
 * call: take a reference to reply to keep it). */
typedef struct gt_ledger_result {
	int code; /* 0 or a negative GT_E* code */
	char msg[512];
	uint64_t first; /* index of the first emitted entry */
	size_t count;	/* entries emitted (0 for private-only commands) */
	char at[32];
	json_t *reply; /* from gt_decide_reply, or NULL */
} gt_ledger_result;

typedef void (*gt_ledger_done_fn)(void *arg, const gt_ledger_result *res);

/* Queue a command. org/role describe the caller (org NULL: the system).
 * input is a JSON value (reference stolen, also on failure). done is
 * called exactly once, from the writer thread, after the command's
 * entries are durable and applied, or with its error. Returns 0, or
 * GT_EUNAVAIL (stopping, failed, or the queue is full) without calling done,
 * or GT_ENOTFOUND for an unknown type. */
int gt_ledger_submit(gt_ledger *l, const char *type, const char *org, const char *role,
		     json_t *input, gt_ledger_done_fn done, void *arg);

/* Submit and wait. res->reply, if set, is a new reference the caller
 * releases with json_decref. Returns res->code. */
int gt_ledger_call(gt_ledger *l, const char *type, const char *org, const char *role, json_t *input,
		   gt_ledger_result *res);

/* The same state as gt_decide_state, from any thread (the API's reads). */
void *gt_ledger_state(gt_ledger *l, const char *key, void *(*create)(void),
		      void (*free_fn)(void *));

/* Counters for /metrics. */
#define GT_LEDGER_BATCH_BUCKETS 8 /* batch sizes <=1,4,16,64,256,1024,4096,+Inf */
typedef struct gt_ledger_stats {
	uint64_t commands, rejected, entries, batches;
	uint64_t batch_hist[GT_LEDGER_BATCH_BUCKETS]; /* cumulative counts */
	uint64_t sync_ns_total;			      /* time in durable appends */
	uint64_t sync_ns_max;
	uint64_t decide_ns_total; /* deciding and applying commands */
	uint64_t commit_ns_total; /* committing the store transactions */
	uint64_t integrations;	  /* journaled entries put into tiles and a checkpoint */
	uint64_t integrate_ns_total;
	uint64_t queued; /* commands waiting now */
	bool failed;
} gt_ledger_stats;
void gt_ledger_stats_get(gt_ledger *l, gt_ledger_stats *out);

/* ---- replay and rebuild ------------------------------------------------- */

/* Apply log entries [store's applied, log size) to store with the modules'
 * apply functions, committing every commit_every entries. Used at start-up
 * and by rebuild. An entry of an unknown type or one whose apply fails is
 * GT_ECORRUPT naming its index. */
int gt_ledger_replay(gt_log *log, gt_store *store, const gt_module *const *modules, size_t nmodules,
		     void (*progress)(void *, uint64_t, uint64_t), void *arg, gt_error *err);

/* The organisation id of an entry made by one ("org:<id>" -> "<id>"); any
 * other "by" ("system", "volunteer", "user") as it is. */
const char *gt_entry_org(const gt_entry *e);

/* Parse and check one entry's envelope (canonical JSON, v 1, known fields).
 * On success *ret_root is the parsed object (caller decrefs) and e points
 * into it. */
int gt_entry_parse(const uint8_t *data, size_t len, uint64_t index, json_t **ret_root, gt_entry *e,
		   gt_error *err);

#endif
