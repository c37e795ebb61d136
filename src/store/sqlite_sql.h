/* The SQLite backend's SQL (private to src/store/): every query's text, the migrations. */
#ifndef GT_STORE_SQLITE_SQL_H
#define GT_STORE_SQLITE_SQL_H

#include "store/query.h"

#include <stddef.h>

/* Statements the backend itself runs, numbered after the public gt_query
 * ids so that one table (and one per-connection statement cache) holds
 * both. */
enum {
	GT_SQLITE_APPLIED_GET = GT_Q__COUNT, /* -> value */
	GT_SQLITE_APPLIED_SET,		     /* (1 value) */
	GT_SQLITE_BEGIN_WRITE,		     /* the writer's transaction: takes the write lock */
	GT_SQLITE_BEGIN_READ,		     /* a reader's transaction */
	GT_SQLITE_COMMIT,
	GT_SQLITE_ROLLBACK,
	GT_SQLITE_SAVEPOINT,
	GT_SQLITE_RELEASE,
	GT_SQLITE_ROLLBACK_TO,
	GT_SQLITE_USER_VERSION, /* -> the schema version of main */
	GT_SQLITE_TABLES,	/* -> name of every table of main, by name */
	GT_SQLITE_TABLE_COUNT,	/* -> how many objects main's schema has */
	GT_SQLITE_COLUMNS,	/* (1 table, 2 schema) -> name, pk (0, or its place in the key) */
	GT_SQLITE_ATTACH_OLD,	/* (1 path): the store a rebuild replaces, as "old" */
	GT_SQLITE_DETACH_OLD,
	GT_SQLITE_OLD_USER_VERSION, /* -> the schema version of old */
	GT_SQLITE_OLD_CHECKPOINT,   /* -> busy, log frames, checkpointed frames */
	GT_SQLITE_CHECKPOINT,	    /* the same for main */
	GT_SQLITE_Q__COUNT
};

typedef struct gt_sqlite_query {
	const char *name; /* for messages: "org_put" */
	const char *sql;
} gt_sqlite_query;

/* Indexed by gt_query and the GT_SQLITE_* ids above; every slot is set. */
extern const gt_sqlite_query gt_sqlite_queries[GT_SQLITE_Q__COUNT];

/* The migrations in order: step i takes a store from schema version i to
 * i + 1 (PRAGMA user_version). The current version is their number. */
extern const char *const gt_sqlite_migrations[];
extern const int gt_sqlite_schema_version;

/* The prefix of the private area's tables. */
#define GT_SQLITE_PRIVATE_PREFIX "private_"

#endif
