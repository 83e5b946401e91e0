/*
 * store-int.h - what the files of the SQLite store share.  Private to
 * store*.c: nothing outside the store sees SQLite.
 */
#ifndef PRONTO_STORE_INT_H
#define PRONTO_STORE_INT_H

#include <sqlite3.h>

#include "store.h"
#include "util.h"

/* One cached scan statement per filter shape and value choice. */
#define SCAN_SHAPES	(3 * 3 * 3 * 2)
#define KV_QUERIES	16	/* store.c's statements */
#define SEC_QUERIES	24	/* store-sec.c's statements */
#define META_QUERIES	8	/* store-meta.c's statements */
#define OBJ_QUERIES	24	/* store-obj.c's statements */

/*
 * Writes buffered inside a transaction, applied in key order (then in
 * arrival order) before anything reads, deletes or commits: sorted runs of
 * B-tree inserts touch far fewer pages than random ones.
 */
struct batch_row {
	size_t		 off;		/* project, ns, key, value in arena */
	size_t		 plen, nlen, klen, vlen;
	long long	 now;
	size_t		 seq;
	const char	*p;		/* filled at flush time */
};

struct batch {
	struct batch_row *rows;
	size_t		 nrows;
	size_t		 cap;
	struct buf	 arena;
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*q[KV_QUERIES];
	sqlite3_stmt	*scan[SCAN_SHAPES];
	sqlite3_stmt	*sec[SEC_QUERIES];
	sqlite3_stmt	*meta[META_QUERIES];
	sqlite3_stmt	*obj[OBJ_QUERIES];
	struct buf	 registered;	/* last project NUL namespace written */
	int		 in_tx;
	struct batch	 batch;
};

/* Map an SQLite result code to a status and describe it in *cause. */
enum pd_status	store_fail(struct store *, int rc, char **cause);
/* Prepare sql into *out once; later calls reuse it. */
enum pd_status	store_prepare(struct store *, const char *sql,
		    sqlite3_stmt **out, char **cause);
/* Step a statement that returns no rows, then reset it. */
enum pd_status	store_run(struct store *, sqlite3_stmt *, char **cause);

/* Upsert one row now (the statement behind a batch's rows). */
enum pd_status	store_upsert(struct store *, const char *project,
		    const char *ns, const char *key, const void *val,
		    size_t vlen, long long now, char **cause);

/*
 * Make sure project and namespace exist as objects before a key is written
 * into them (implicit creation); cheap when they were the last ones used.
 */
enum pd_status	store_register(struct store *, const char *project,
		    const char *ns, long long now, char **cause);

/* Queue a write; PD_OK, or the status of a flush it forced. */
enum pd_status	batch_add(struct store *, const struct addr *, const void *,
		    size_t, long long now, char **cause);
/* Apply the queued writes in key order and empty the queue. */
enum pd_status	batch_flush(struct store *, char **cause);
/* Drop the queued writes (rollback) and, with release, their memory. */
void		batch_clear(struct batch *, int release);

#endif
