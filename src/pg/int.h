/*
 * pg/int.h - what the PostgreSQL backend's files share (the files of src/pg only).
 */
#ifndef PRONTO_PG_INT_H
#define PRONTO_PG_INT_H

#include "lib.h"
#include "loc.h"
#include "ops.h"
#include "store-be.h"

/* The first key of the advisory locks ProntoDB takes ("PDB0"). */
#define PG_LOCK_CLASS	1346650672

/* A database open on a server: a store of the PostgreSQL backend. */
struct pg_store {
	struct store	 base;		/* first: the common part */
	const struct pg_lib *pq;
	PGconn		*c;
	struct pg_loc	 loc;
	int		 busy_ms;
	int		 in_tx;
	int		 lost;		/* the last failure lost the tx */
	int		 create;	/* the schema may be made (or migrated) */
	int		 dirty;		/* the transaction changed something */
	int		 expiring;	/* it wrote an expiring key */
	unsigned long long known;	/* sys_version's oid at the first begin */
	char		*notify_sql;	/* NOTIFY its channel; COMMIT */
	char		*channel;	/* LISTEN's name of it */
	long long	 read_rev;
	/* The transaction's revisions (rev.c). */
	int		 rev_known;	/* rev and logged read in this tx */
	int		 logged;	/* the database is watched */
	long long	 rev;		/* the last revision taken */
	long long	 rev_stored;	/* what sys_revision holds */
	struct pg_rev_saved {
		int		 known;
		long long	 rev, stored;
	}		*saved;		/* one per open savepoint */
	size_t		 nsaved, saved_cap;
	long long	 rev_begun;	/* the revision when the tx began */
	long long	 keep_revs;	/* the change log's retention */
	long long	 keep_ms;
	char		*begin_sql;	/* BEGIN and the lock, one trip */
	char		*lock_sql;
	struct pg_queue	*queue;		/* sets held back (copy.c) */
	struct pg_limits *limits;	/* namespaces' limits seen (limits.c) */
};

/* A watcher on a server (watch.c); a lock's waiter too (lock.c). */
struct pg_watch {
	struct store_watch base;	/* first: the common part */
	struct pg_store	*ps;
	long long	 ticket;	/* queued for a lock: 0 when not */
};

/* The PostgreSQL store behind base (whose backend is store_pg). */
static inline struct pg_store *
pg_of(const struct store *base)
{
	return (struct pg_store *)base;
}

/* Parameters of one statement; numbers travel as text. */
#define PG_ARGS_MAX	12
struct pg_args {
	int		 n;
	const char	*v[PG_ARGS_MAX];
	int		 len[PG_ARGS_MAX];
	int		 fmt[PG_ARGS_MAX];
	char		 num[PG_ARGS_MAX][24];
};

void		pg_arg_text(struct pg_args *, const char *);
void		pg_arg_bytes(struct pg_args *, const void *, size_t);
void		pg_arg_ll(struct pg_args *, long long);
/* 0 is NULL: "never" for expiries. */
void		pg_arg_expires(struct pg_args *, long long);
/*
 * The store's view of stored projects (store-ctx.c), its meta context's
 * range or the plain view's from " ": two arguments, $lo and $hi of
 * PG_VIEW(column, lo, hi), the condition that keeps a listing to it.
 */
void		pg_arg_view(struct pg_args *, const struct store *);
#define PG_VIEW(col, lo, hi) \
	col " >= $" #lo " AND ($" #hi "::text IS NULL OR " col " < $" #hi ")"

/* $1 project, $2 namespace, $3 key, $4 now: the key is alive. */
#define PG_LIVE	"project = $1 AND namespace = $2 AND key = $3 AND " \
	"(expires IS NULL OR expires > $4)"

/*
 * The next revision, and whether the database is watched: markers that
 * pg_run replaces with the transaction's values (rev.c).  A statement
 * using them takes one revision a row its count says it changed (or, with
 * a second column, as many as that says).
 */
#define PG_MARK		'\001'
#define PG_REV_NEXT	"\001R"
#define PG_LOGGED	"\001L"
#define PG_REV_TAKE	""
/*
 * The change ('ch') logged as op with value and expires, when the
 * database is watched (log_from set), under the revision it took.
 */
#define PG_LOG(op, value, expires) \
	", lg AS (INSERT INTO sys_changes(rev, at, op, project, namespace, " \
	"key, value, expires) SELECT " PG_REV_NEXT ", $4, '" op "', $1, $2, " \
	"$3, " value ", " expires " WHERE " PG_LOGGED " AND EXISTS (SELECT 1 " \
	"FROM ch))"
/*
 * The project and namespace, registered when the change happened; the
 * result is the rows changed, the revisions taken (as many) and the
 * namespace's max_items (0: none).
 */
#define PG_REGISTER	", rp AS (INSERT INTO sys_projects(name, created) " \
	"SELECT $1, $4 WHERE EXISTS (SELECT 1 FROM ch) ON CONFLICT DO " \
	"NOTHING), rn AS (INSERT INTO sys_namespaces(project, name, " \
	"created) SELECT $1, $2, $4 WHERE EXISTS (SELECT 1 FROM ch) ON " \
	"CONFLICT DO NOTHING) SELECT count(*), count(*), (SELECT " \
	"coalesce(max(max_items), 0) FROM sys_namespaces WHERE project = $1 " \
	"AND name = $2) FROM ch"

/* $1 project, $2 namespace, $3 key, $4 now: the first arguments. */
void		pg_addr_args(struct pg_args *, const struct addr *,
		    long long now);
/*
 * Run write sql (its count(*) of changed rows the result) in the open
 * transaction, or in one of its own: PD_MISS when it changed nothing.
 */
enum pd_status	pg_write(struct pg_store *, const char *sql,
		    const struct pg_args *, char **cause);

/*
 * pg_write (counted) or pg_change (not) that, when sql changed some rows,
 * runs then with its result in the same transaction: a failure of then
 * fails the write, and one of its own transaction is rolled back.
 */
typedef enum pd_status	(*pg_then_fn)(struct pg_store *, const PGresult *,
			    void *ctx, char **cause);
enum pd_status	pg_write_then(struct pg_store *, const char *sql,
		    const struct pg_args *, int counted, pg_then_fn, void *ctx,
		    char **cause);
/*
 * Evict from project.ns, when it holds more live keys than its
 * max_items, its expired keys and then its oldest by update time, each
 * logged ('expire', 'evict') under a revision of its own, as SQLite's
 * store_evict does; nothing when it has no cap.  In the open transaction.
 */
enum pd_status	pg_evict(struct pg_store *, const char *project,
		    const char *ns, char **cause);

/* pg_write whose count goes to *n: PD_OK when it is 0 too. */
enum pd_status	pg_write_n(struct pg_store *, const char *sql,
		    const struct pg_args *, long long *n, char **cause);

/*
 * Run sql (its tables unqualified: the session's search_path is the
 * database's schema) with args (NULL: none), results in binary.  PD_OK
 * with *res for the caller to PQclear, or a status with *cause: PD_BUSY
 * for a lock not granted in time, PD_IOERR for a lost connection, PD_MISS
 * with *cause when the database has no schema (yet).
 */
enum pd_status	pg_run(struct pg_store *, const char *sql,
		    const struct pg_args *, PGresult **res, char **cause);
/* pg_run of sql as it is: no markers, the revision counter left alone. */
enum pd_status	pg_exec(struct pg_store *, const char *sql,
		    const struct pg_args *, PGresult **res, char **cause);

/*
 * The transaction's revision counter (rev.c).  pg_rev_sql: sql with its
 * markers replaced into *out (NULL: run sql as it is; a statement naming
 * sys_revision gets the count written first).  pg_rev_taken: n more
 * revisions taken.  pg_rev_flush: the count written to sys_revision now;
 * pg_rev_commit_sql: commit preceded by that write when one is due.
 * pg_rev_forget at a transaction's end; pg_rev_save at a savepoint and
 * pg_rev_restore at its end (keep: released, else rolled back to).
 */
enum pd_status	pg_rev_sql(struct pg_store *, const char *sql, char **out,
		    char **cause);
void		pg_rev_taken(struct pg_store *, long long n);
enum pd_status	pg_rev_flush(struct pg_store *, char **cause);
char		*pg_rev_commit_sql(const struct pg_store *, const char *commit);
void		pg_rev_forget(struct pg_store *);
void		pg_rev_save(struct pg_store *);
void		pg_rev_restore(struct pg_store *, int keep);
/* The same for a statement whose result is not needed. */
enum pd_status	pg_do(struct pg_store *, const char *sql,
		    const struct pg_args *, char **cause);
/*
 * Run sql, several statements in one trip (no parameters; text results),
 * stopping at the first that fails.  *res (NULL: not wanted) is the last
 * statement's result.
 */
enum pd_status	pg_batch(struct pg_store *, const char *sql, PGresult **res,
		    char **cause);
/*
 * The status and message of failed result r (NULL: none came): a failure
 * inside a transaction rolls it back (the server has aborted it).
 */
enum pd_status	pg_fail(struct pg_store *, PGresult *r, char **cause);
/*
 * The next result of the command under way, NULL when it has no more:
 * PQgetResult, except that a COPY left open (its end could not be sent),
 * which libpq returns at every call, ends the wait too, and libpq out of
 * memory, which returns its out-of-memory result at every call, ends the
 * process as running out of memory does anywhere.
 */
PGresult	*pg_result(struct pg_store *);
/*
 * A read's status s as the caller tells it: PD_MISS (the database has no
 * schema yet, so nothing is in it) without a message.
 */
enum pd_status	pg_none(enum pd_status s, char **cause);
/*
 * Run write sql in the open transaction, or in one of its own (which
 * takes the database's lock): PD_MISS when it changed no row.
 */
enum pd_status	pg_change(struct pg_store *, const char *sql,
		    const struct pg_args *, char **cause);
/*
 * Hand each row of read sql to row (with ctx) until it returns other than
 * PD_OK; a database without its schema yet has none.
 */
typedef enum pd_status	(*pg_row_fn)(struct pg_store *, const PGresult *,
			    int row, void *ctx);
/* A listing's function and context, as a row function's ctx. */
struct pg_to {
	void		*fn;
	void		*ctx;
};
/* pg_scan with the projects of its rows as stored (many.c deletes them). */
enum pd_status	pg_scan_stored(struct store *, const struct store_filter *,
		    int flags, store_row_fn, void *, char **cause);
enum pd_status	pg_rows(struct pg_store *, const char *sql,
		    const struct pg_args *, pg_row_fn, void *ctx,
		    char **cause);
/* One number from sql (a count): 0 when the database has no schema yet. */
enum pd_status	pg_count(struct store *, const char *sql, long long *n,
		    char **cause);
/* A bigint column of a binary result. */
long long	pg_ll(const struct pg_store *, const PGresult *, int row,
		    int col);
/* How many rows the command changed. */
long long	pg_changed(const struct pg_store *, const PGresult *);

/*
 * The queue of plain sets (copy.c).  pg_queue_set takes a set of pg_set's
 * (1, the outcome in *s) or leaves it to pg_set (0), having applied the
 * queue first.  pg_queue_flush applies the queue; pg_queue_clear drops it
 * (tx_over: the transaction has ended, its temporary rows with it).
 */
int		pg_queue_set(struct pg_store *, const struct addr *,
		    const void *, size_t, long long now, long long expires,
		    enum pd_status *s, char **cause);
enum pd_status	pg_queue_flush(struct pg_store *, char **cause);
/* End a COPY the queue holds open: before any other statement. */
enum pd_status	pg_queue_settle(struct pg_store *, char **cause);
void		pg_queue_clear(struct pg_store *, int tx_over);
void		pg_queue_release(struct pg_store *);
/*
 * The limits of namespaces read in the open transaction, which holds the
 * database's lock: no one else changes them, and any statement of ours
 * forgets them (pg_limits_forget), so a stream of sets asks once per
 * namespace.  pg_limits_seen gives them (1) when known; else *gen is what
 * pg_limits_keep takes after the read: the read alone forgets nothing.
 */
int		pg_limits_seen(struct pg_store *, const char *project,
		    const char *ns, long long *ttl_ms, long long *max_items,
		    unsigned *gen);
void		pg_limits_keep(struct pg_store *, unsigned gen,
		    const char *project, const char *ns, long long ttl_ms,
		    long long max_items);
void		pg_limits_forget(struct pg_store *);
void		pg_limits_release(struct pg_store *);

/* pg_open without looking for the schema: a connection to the server. */
enum pd_status	pg_attach(const struct pg_loc *, int busy_ms,
		    struct pg_store **, char **cause);
/* A connection to loc's server with search_path set to its schema. */
enum pd_status	pg_connect(const struct pg_lib *, const struct pg_loc *,
		    int busy_ms, PGconn **, char **cause);
/*
 * The channel of database name's watchers, as an identifier: writers
 * NOTIFY it as they commit, and with the payload PG_REPLACED whatever
 * drops, renames or restores the database, which ends its watchers.
 */
char		*pg_channel(const char *name);
#define PG_REPLACED	"replaced"
/* "name" as an SQL identifier (quoted) or literal, for DDL. */
char		*pg_ident(const char *name);
char		*pg_literal(const char *name);
/* The version the schema is brought to (sys_version). */
int		pg_schema_version(void);
/* The cause for a database at schema version v, newer than that. */
char		*pg_schema_newer(long long v);
/* Bring the schema of ps's database up to date (in a transaction). */
enum pd_status	pg_schema_create(struct pg_store *, int must_be_new,
		    char **cause);

#endif
